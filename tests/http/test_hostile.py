"""Hostile and malformed requests: clear errors, no crash, nothing stored lost."""
import os
import random
import socket
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from trygg_server import TryggServer  # noqa: E402


class Hostile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer().start()
        cls.keep = cls.srv.post_observation(description="must survive").json()
        cls.keep.pop("upload_token")  # only the filing's answer has it

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def tearDown(self):
        # After every hostile request the server still answers and still has what it had.
        r = self.srv.request("GET", "/api/v1/observations/%d" % self.keep["id"])
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json(), self.keep)

    def status_of(self, raw):
        line = raw.split(b"\r\n", 1)[0]
        return int(line.split()[1]) if line.startswith(b"HTTP/1.") else None

    def test_form_body_with_nul_byte_does_not_pin_a_worker(self):
        # civetweb 1.15's form parser loops forever on this (upstream #1348); we never call it.
        body = b"a=b\x00c=d"
        for ct in (b"application/x-www-form-urlencoded", b"application/json"):
            raw = self.srv.raw(b"POST /api/v1/observations HTTP/1.1\r\nHost: x\r\nContent-Type: " + ct +
                               b"\r\nContent-Length: 7\r\nConnection: close\r\n\r\n" + body)
            self.assertIn(self.status_of(raw), (400, 415))

    def test_declared_body_over_the_limit_is_refused_before_reading(self):
        raw = self.srv.raw(b"POST /api/v1/observations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 999999999999\r\n\r\n{")
        self.assertEqual(self.status_of(raw), 413)
        self.assertIn(b"body_too_large", raw)

    def test_chunked_body_over_the_limit_is_refused(self):
        chunk = b"x" * 8192
        parts = [b"POST /api/v1/observations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"]
        for _ in range(12):  # 96 KiB > 64 KiB
            parts.append(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        parts.append(b"0\r\n\r\n")
        raw = self.srv.raw(b"".join(parts))
        self.assertEqual(self.status_of(raw), 413)

    def test_chunked_json_within_the_limit_is_accepted(self):
        body = (b'{"client_id":"6f1c0a52-3d2b-4b7e-8f0a-1c2d3e4f5a6b","category":"litter",'
                b'"lon":12.9401,"lat":57.7210}')
        raw = self.srv.raw(b"POST /api/v1/observations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
                           b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n")
        self.assertIn(self.status_of(raw), (200, 201), raw[:300])

    def test_oversized_headers(self):
        raw = self.srv.raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n")
        self.assertIn(self.status_of(raw), (400, 413, 431, None))

    def test_path_traversal_on_static_files(self):
        for path in (b"/static/../../server/main.c", b"/static/%2e%2e/%2e%2e/README.md",
                     b"/static/.hidden", b"/vendor/leaflet/../../package.json", b"/vendor/evil/x.js",
                     b"/static//etc/passwd"):
            raw = self.srv.raw(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            self.assertIn(self.status_of(raw), (400, 404), path)
            self.assertNotIn(b"#include", raw)
            self.assertNotIn(b"root:", raw)

    def test_garbage_request_lines(self):
        rng = random.Random(1348)
        for _ in range(40):
            junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
            try:
                self.srv.raw(junk + b"\r\n\r\n", timeout=3)
            except (ConnectionResetError, BrokenPipeError, socket.timeout):
                pass

    def test_deeply_nested_json(self):
        body = b"[" * 100000 + b"]" * 100000
        r = self.srv.request("POST", "/api/v1/observations", body[:60000], {"Content-Type": "application/json"})
        self.assertEqual(r.status, 400)

    def test_duplicate_keys_and_huge_numbers(self):
        r = self.srv.request("POST", "/api/v1/observations",
                             b'{"category":"lighting","category":"litter"}', {"Content-Type": "application/json"})
        self.assertEqual(r.status, 400)
        r = self.srv.post_observation(lon=1e308 * 10 if False else 1e308)
        self.assertEqual(r.status, 422)

    def test_query_strings_with_nul_and_overlong_values(self):
        for q in ("bbox=%00", "category=%ff%fe", "limit=" + "9" * 5000, "cursor=%00%00"):
            r = self.srv.request("GET", "/api/v1/observations?" + q)
            self.assertEqual(r.status, 422, q)

    def test_many_parallel_connections_leave_the_server_working(self):
        socks = []
        try:
            for _ in range(30):
                s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=5)
                s.sendall(b"POST /api/v1/observations HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{")
                socks.append(s)
        finally:
            for s in socks:
                s.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
