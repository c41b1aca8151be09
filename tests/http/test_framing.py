"""How a request is framed: refused bodies close the connection at once, ambiguous framing
is a 400 before any handler runs (issue 9).

civetweb 1.15 accepts two Content-Length headers, Transfer-Encoding together with
Content-Length (chunked wins) and "12abc" as 12 (library-notes.md), and after a
handler refuses a body it keeps reading the declared body, then serves the next
request on the same socket. Behind a proxy that frames differently, each of these is
a request-smuggling gap. Raw sockets, Python standard library only.
"""
import os
import re
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from trygg_server import TryggServer  # noqa: E402

OBS = b"POST /api/v1/observations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"


def exchange(port, data, limit_s=5.0):
    """Sends data on a new connection and reads until the server closes it or limit_s
    passes. Returns (bytes received, closed by the server, seconds until closed)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=limit_s)
    t0 = time.monotonic()
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before taking everything: read what it said
        s.settimeout(0.2)
        chunks = []
        while time.monotonic() - t0 < limit_s:
            try:
                b = s.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                return b"".join(chunks), True, time.monotonic() - t0
            if not b:
                return b"".join(chunks), True, time.monotonic() - t0
            chunks.append(b)
        return b"".join(chunks), False, None
    finally:
        s.close()


def statuses(raw):
    """The status codes of every response in raw, in order."""
    return [int(m) for m in re.findall(rb"HTTP/1\.1 (\d{3}) ", raw)]


class Framing(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer().start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def tearDown(self):
        self.assertEqual(self.srv.request("GET", "/healthz").status, 200)

    def assert_refused_and_closed(self, raw, closed, seconds, status, code):
        self.assertEqual(statuses(raw)[:1], [status], raw[:300])
        head = raw.split(b"\r\n\r\n", 1)[0]
        self.assertIn(b"\r\nConnection: close", head)
        self.assertIn(b'"code":"%s"' % code.encode(), raw)
        self.assertTrue(closed, "the connection was left open")
        self.assertLess(seconds, 2.0)

    # --- a refused body closes the connection --------------------------------------

    def test_a_huge_declared_body_is_refused_and_the_connection_closed_at_once(self):
        raw, closed, seconds = exchange(self.srv.port, OBS + b"Content-Length: 999999999999\r\n\r\n{")
        self.assert_refused_and_closed(raw, closed, seconds, 413, "body_too_large")
        print("413 for Content-Length: 999999999999, connection closed after %.0f ms"
              % (seconds * 1000))

    def test_a_request_pipelined_after_a_refused_body_is_not_answered(self):
        # The body (70 000 bytes, over the 64 KiB JSON limit) is sent in full and a GET
        # follows on the same socket: the GET must not be answered.
        body = b"x" * 70000
        raw, closed, seconds = exchange(
            self.srv.port, OBS + b"Content-Length: %d\r\n\r\n" % len(body) + body +
            b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assert_refused_and_closed(raw, closed, seconds, 413, "body_too_large")
        self.assertEqual(statuses(raw), [413])

    def test_a_client_that_keeps_sending_a_refused_body_is_cut_off(self):
        # The server discards what follows its 413 for at most 1.5 s (so that a client
        # busy sending can read the answer), then closes, however fast the client sends.
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=5)
        s.sendall(OBS + b"Content-Length: 999999999999\r\n\r\n")
        t0 = time.monotonic()
        chunk = b"x" * 65536
        closed_after = None
        try:
            while time.monotonic() - t0 < 10:
                s.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            closed_after = time.monotonic() - t0
        finally:
            s.close()
        self.assertIsNotNone(closed_after, "still accepting the body after 10 s")
        print("a client streaming a refused body was cut off after %.0f ms" % (closed_after * 1000))
        self.assertLess(closed_after, 3.0)

    def test_a_body_refused_before_it_was_read_closes_the_connection(self):
        # A staff route without a session: 401 before the body is read, so the
        # connection cannot be reused (the body would be read as the next request).
        raw, closed, seconds = exchange(
            self.srv.port, b"POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 999999999\r\n\r\n{" + b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(statuses(raw), [401], raw[:300])
        self.assertIn(b"\r\nConnection: close", raw)
        self.assertTrue(closed)
        self.assertLess(seconds, 2.0)

    def test_an_accepted_request_keeps_the_connection(self):
        raw, closed, _ = exchange(self.srv.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                                  b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertEqual(statuses(raw), [200, 200])

    # --- ambiguous framing ---------------------------------------------------------

    def test_two_content_length_headers_are_a_400(self):
        for values in ((b"2", b"2"), (b"2", b"20")):
            raw, closed, seconds = exchange(
                self.srv.port, OBS + b"Content-Length: %s\r\nContent-Length: %s\r\n\r\n{}" % values)
            self.assert_refused_and_closed(raw, closed, seconds, 400, "bad_request")

    def test_transfer_encoding_with_content_length_is_a_400(self):
        body = b'{"a":1}'
        raw, closed, seconds = exchange(
            self.srv.port, OBS + b"Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n" +
            b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n")
        self.assert_refused_and_closed(raw, closed, seconds, 400, "bad_request")

    def test_a_content_length_that_is_not_a_number_is_a_400(self):
        for value in (b"12abc", b"+12", b"0x10", b"1 2", b""):
            raw, closed, seconds = exchange(
                self.srv.port, OBS + b"Content-Length: %s\r\n\r\n{\"a\":1234567}" % value)
            self.assertIn(statuses(raw)[:1], ([400], [411]), (value, raw[:200]))
            self.assertTrue(closed, value)
            self.assertLess(seconds, 2.0)
        raw, closed, seconds = exchange(self.srv.port,
                                        OBS + b"Content-Length: 12abc\r\n\r\n{\"a\":1234567}")
        self.assert_refused_and_closed(raw, closed, seconds, 400, "bad_request")

    def test_a_nul_in_the_path_is_a_400_not_a_truncated_path(self):
        for path in (b"/static/app.js%00.png", b"/healthz%00", b"/api/v1/observations/1%00x"):
            raw, closed, seconds = exchange(self.srv.port, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assert_refused_and_closed(raw, closed, seconds, 400, "bad_request")
            self.assertNotIn(b"javascript", raw)

    def test_a_malformed_escape_in_the_path_is_a_400(self):
        for path in (b"/healthz%", b"/healthz%4", b"/static/app.js%zz"):
            raw, closed, seconds = exchange(self.srv.port, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assert_refused_and_closed(raw, closed, seconds, 400, "bad_request")

    def test_escapes_in_the_path_still_work(self):
        raw, _, _ = exchange(self.srv.port, b"GET /%68ealthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertEqual(statuses(raw), [200], raw[:200])
        raw, _, _ = exchange(self.srv.port,
                             b"GET /static/%2e%2e/%2e%2e/README.md HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertIn(statuses(raw), ([400], [404]))
        self.assertNotIn(b"# trygg", raw)


if __name__ == "__main__":
    unittest.main(verbosity=2)
