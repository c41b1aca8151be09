"""Idle, slow and busy connections cannot stop the server (issue 9, "Availability").

civetweb serves one connection per worker thread with blocking reads, so every open
socket holds a thread. These tests open the sockets an attacker would and then time
a new client's /healthz: it must answer within 2 s, and the server must keep serving
afterwards. Attackers connect from other loopback addresses (127.0.0.2, 127.0.2.x:
Linux routes all of 127/8 to lo) so that the per-address limit and the worker pool
are each tested for what they are; the probing client is 127.0.0.1.

Python standard library only; bounded in time (about 30 s).
"""
import http.client
import os
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from trygg_server import TryggServer  # noqa: E402

PROBE_LIMIT_S = 2.0


def connect_from(port, source, timeout=5):
    """A TCP connection to 127.0.0.1:port from the loopback address source."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def read_until_closed(s, limit_s):
    """Everything s receives until the peer closes it or limit_s passes: (bytes, closed)."""
    s.settimeout(0.2)
    chunks, deadline = [], time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            b = s.recv(65536)
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return b"".join(chunks), True
        if not b:
            return b"".join(chunks), True
        chunks.append(b)
    return b"".join(chunks), False


class Availability(unittest.TestCase):
    """The defaults of trygg.conf.example, except what each test says."""

    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer().start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def tearDown(self):
        # Whatever the test did, the server keeps serving once it is over.
        status, elapsed = self.probe()
        self.assertEqual(status, 200)

    def probe(self, source="127.0.0.1"):
        """GET /healthz on a new connection: (status, seconds), status None on a timeout."""
        t0 = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=PROBE_LIMIT_S + 3,
                                          source_address=(source, 0))
        try:
            conn.request("GET", "/healthz")
            r = conn.getresponse()
            r.read()
            return r.status, time.monotonic() - t0
        except (socket.timeout, OSError):
            return None, time.monotonic() - t0
        finally:
            conn.close()

    def assert_probe_fast(self, what):
        status, elapsed = self.probe()
        print("%s: /healthz %s in %.0f ms" % (what, status, elapsed * 1000))
        self.assertEqual(status, 200, what)
        self.assertLess(elapsed, PROBE_LIMIT_S, what)

    def test_idle_sockets_from_one_address_do_not_delay_a_new_client(self):
        for n in (16, 64):
            idle = []
            try:
                for _ in range(n):
                    idle.append(connect_from(self.srv.port, "127.0.0.2"))
                time.sleep(0.3)
                self.assert_probe_fast("%d idle sockets from one address" % n)
            finally:
                for s in idle:
                    s.close()

    def test_idle_sockets_from_many_addresses_do_not_delay_a_new_client(self):
        idle = []
        try:
            for i in range(64):
                idle.append(connect_from(self.srv.port, "127.0.2.%d" % (i + 1)))
            time.sleep(0.3)
            self.assert_probe_fast("64 idle sockets from 64 addresses")
        finally:
            for s in idle:
                s.close()

    def test_clients_trickling_header_lines_do_not_delay_a_new_client(self):
        slow = []
        try:
            for i in range(16):
                s = connect_from(self.srv.port, "127.0.3.%d" % (i + 1))
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                slow.append(s)
            # One more header line from each every second; a new client is timed in between.
            for second in range(4):
                for s in slow:
                    try:
                        s.sendall(b"X-Slow-%d: still here\r\n" % second)
                    except OSError:
                        pass  # closed by the server: fine
                self.assert_probe_fast("16 clients trickling header lines (second %d)" % second)
                time.sleep(1)
        finally:
            for s in slow:
                s.close()

    def test_busy_keep_alive_clients_do_not_delay_a_new_client(self):
        stop = threading.Event()
        errors = []
        counts = [0] * 16

        def busy(i):
            conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=10)
            try:
                while not stop.is_set():
                    conn.request("GET", "/api/v1/observations?limit=20")
                    r = conn.getresponse()
                    r.read()
                    if r.status != 200:
                        errors.append(r.status)
                    counts[i] += 1
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))
            finally:
                conn.close()

        threads = [threading.Thread(target=busy, args=(i,)) for i in range(16)]
        for t in threads:
            t.start()
        try:
            time.sleep(0.5)
            for _ in range(3):
                self.assert_probe_fast("16 busy keep-alive clients")
                time.sleep(0.3)
        finally:
            stop.set()
            for t in threads:
                t.join(15)
        print("busy keep-alive clients made %d requests" % sum(counts))
        self.assertEqual(errors, [])

    def test_connections_over_the_per_address_limit_get_503_at_once(self):
        # max_connections_per_address is 32 by default: of 40 idle sockets from one
        # address, 8 are answered 503 with Retry-After and closed without sending a byte.
        socks = [connect_from(self.srv.port, "127.0.0.4") for _ in range(40)]
        try:
            t0 = time.monotonic()
            answers = {}
            while time.monotonic() - t0 < 2.0 and len(answers) < 8:
                for i, s in enumerate(socks):
                    if i in answers:
                        continue
                    s.settimeout(0.01)
                    try:
                        data = s.recv(65536)
                    except socket.timeout:
                        continue
                    except ConnectionResetError:
                        data = b"reset"
                    answers[i] = data
            print("%d connections over the per-address limit refused in %.0f ms"
                  % (len(answers), (time.monotonic() - t0) * 1000))
            self.assertEqual(len(answers), 8, answers)
            for i, data in answers.items():
                self.assertTrue(data.startswith(b"HTTP/1.1 503"), data[:100])
                self.assertIn(b"Retry-After:", data)
                self.assertIn(b"Connection: close", data)
                self.assertIn(b'"code":"unavailable"', data)
                rest, closed = read_until_closed(socks[i], 2.0)
                self.assertTrue(closed)
            # The other 32 are still open and waiting for their request.
            time.sleep(0.2)
            for i, s in enumerate(socks):
                if i not in answers:
                    s.settimeout(0.01)
                    with self.assertRaises(socket.timeout):
                        s.recv(1)
            self.assert_probe_fast("a full address next to us")
        finally:
            for s in socks:
                s.close()
        # Once they are closed, the address is welcome again.
        time.sleep(0.3)
        status, _ = self.probe(source="127.0.0.4")
        self.assertEqual(status, 200)

    def test_an_idle_connection_is_closed_after_the_header_timeout(self):
        with TryggServer(seed=False, config_text="request_timeout_ms = 1000\n") as srv:
            s = connect_from(srv.port, "127.0.0.5")
            s.sendall(b"GET /healthz HTTP/1.1\r\n")
            t0 = time.monotonic()
            data, closed = read_until_closed(s, 5.0)
            s.close()
            self.assertTrue(closed)
            self.assertLess(time.monotonic() - t0, 3.0)


class Full(unittest.TestCase):
    """A server whose connection limit is reached answers 503 at once instead of queueing."""

    def test_a_full_server_answers_503_with_retry_after_at_once(self):
        with TryggServer(seed=False, config_text="max_connections = 8\n") as srv:
            # Fill it with idle connections until one more is refused (a connection of
            # the start-up probe may still be counted for a moment).
            idle = []
            try:
                for i in range(16):
                    s = connect_from(srv.port, "127.0.4.%d" % (i + 1))
                    data, _ = read_until_closed(s, 0.3)
                    if data:
                        self.assertTrue(data.startswith(b"HTTP/1.1 503"), data[:80])
                        s.close()
                        break
                    idle.append(s)
                self.assertTrue(6 <= len(idle) <= 8, len(idle))
                time.sleep(0.3)
                t0 = time.monotonic()
                conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
                conn.request("GET", "/healthz")
                r = conn.getresponse()
                body = r.read()
                elapsed = time.monotonic() - t0
                conn.close()
                print("full server answered %d in %.0f ms" % (r.status, elapsed * 1000))
                self.assertEqual(r.status, 503)
                self.assertTrue(r.getheader("Retry-After"))
                self.assertIn(b'"code":"unavailable"', body)
                self.assertLess(elapsed, 1.0)
                # Many more at once: every one answered at once, none left waiting.
                socks = [connect_from(srv.port, "127.0.5.%d" % (i + 1)) for i in range(50)]
                t0 = time.monotonic()
                for s in socks:
                    data, closed = read_until_closed(s, 2.0)
                    self.assertTrue(data.startswith(b"HTTP/1.1 503"), data[:80])
                    self.assertTrue(closed)
                    s.close()
                print("50 more connections refused in %.0f ms" % ((time.monotonic() - t0) * 1000))
            finally:
                for s in idle:
                    s.close()
            time.sleep(0.3)
            self.assertEqual(srv.request("GET", "/healthz", timeout=5).status, 200)


if __name__ == "__main__":
    unittest.main(verbosity=2)
