"""Soak: 200 concurrent connections of mixed traffic for TRYGG_SOAK_SECONDS (default 60)
against the real server with its default configuration, with zero errors and flat memory
(issue 9, "Proofs in CI").

Each of the 200 clients is a phone with its own address (127.0.10.x: all of 127/8 is
loopback) and one kept-alive connection, and does what the apps do, with a pause of
TRYGG_SOAK_THINK_MS (default 1500-3500 ms, under keep_alive_timeout_ms) between actions:
reads the list, the map and /healthz, files observations and uploads small photos. Every answer must
be 2xx (or 429, should a public-write rate limit refuse one: counted and printed). The
server's resident memory is read from /proc at the start, the middle and the end; the end
must be within 1.5 times the middle. Python standard library (and cjpeg for the photo).
"""
import collections
import http.client
import json
import os
import random
import sys
import threading
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(__file__))
from trygg_server import BORAS, TryggServer  # noqa: E402
from test_photos import jpeg_from_ppm  # noqa: E402

CLIENTS = 200
SECONDS = float(os.environ.get("TRYGG_SOAK_SECONDS", "60"))
THINK_MS = [int(x) for x in os.environ.get("TRYGG_SOAK_THINK_MS", "1500-3500").split("-")]
MAP = "/api/v1/map/clusters?bbox=12.85,57.68,13.05,57.76&zoom=14"
EXPECTED_4XX = {429}


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Client:
    """One phone: one kept-alive connection from its own address."""

    def __init__(self, port, source, photo, stats):
        self.port, self.source, self.photo, self.stats = port, source, photo, stats
        self.rng = random.Random(source)
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                                   source_address=(self.source, 0))
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            r = self.conn.getresponse()
            data = r.read()
        except Exception:
            self.conn.close()
            self.conn = None
            raise
        if r.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return r.status, data

    def observation(self):
        body = json.dumps({
            "client_id": str(uuid.uuid4()), "category": "lighting",
            "lon": BORAS[0] + self.rng.uniform(-0.01, 0.01),
            "lat": BORAS[1] + self.rng.uniform(-0.005, 0.005),
            "accuracy_m": 8, "observed_at": "2026-11-24T18:30:00Z",
            "description": "soak test",
        }).encode()
        return self.request("POST", "/api/v1/observations", body, {"Content-Type": "application/json"})

    def one(self):
        """One action, as the apps mix them. Returns (what, status)."""
        x = self.rng.random()
        if x < 0.35:
            return "list", self.request("GET", "/api/v1/observations?limit=50")[0]
        if x < 0.60:
            return "map", self.request("GET", MAP)[0]
        if x < 0.75:
            return "healthz", self.request("GET", "/healthz")[0]
        if x < 0.95:
            return "observation", self.observation()[0]
        status, data = self.observation()
        if status not in (200, 201):
            return "photo (its observation)", status
        o = json.loads(data)
        headers = {"Content-Type": "image/jpeg"}
        if o.get("upload_token"):
            headers["X-Upload-Token"] = o["upload_token"]
        return "photo", self.request("POST", "/api/v1/observations/%d/photos" % o["id"], self.photo,
                                     headers)[0]

    def run(self, deadline):
        self.done = 0
        time.sleep(self.rng.uniform(0, THINK_MS[0] / 1000.0))  # phones do not start in step
        while time.monotonic() < deadline:
            t = time.monotonic()
            try:
                what, status = self.one()
            except Exception as e:  # noqa: BLE001 - every failure is counted and shown
                self.stats.record("exception", repr(e)[:120])
                continue
            self.stats.latency(time.monotonic() - t)
            self.done += 1
            pause = self.rng.uniform(THINK_MS[0], THINK_MS[-1]) / 1000.0
            time.sleep(max(0.0, min(pause, deadline - time.monotonic())))
            if 200 <= status < 300:
                self.stats.record(what, status)
            elif status in EXPECTED_4XX:
                self.stats.record(what, status)
            else:
                self.stats.record(what, status, error=True)
        if self.conn:
            self.conn.close()


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = collections.Counter()
        self.errors = collections.Counter()
        self.latencies = []

    def latency(self, seconds):
        with self.lock:
            self.latencies.append(seconds)

    def record(self, what, status, error=False):
        with self.lock:
            self.counts[(what, status)] += 1
            if error or what == "exception":
                self.errors[(what, status)] += 1


class Soak(unittest.TestCase):
    def test_200_connections_of_mixed_traffic_with_zero_errors_and_flat_memory(self):
        photo = jpeg_from_ppm(64, 48)
        with TryggServer() as srv:
            pid = srv.proc.pid
            stats = Stats()
            clients = [Client(srv.port, "127.0.10.%d" % (i + 1), photo, stats) for i in range(CLIENTS)]
            t0 = time.monotonic()
            deadline = t0 + SECONDS
            threads = [threading.Thread(target=c.run, args=(deadline,)) for c in clients]
            for t in threads:
                t.start()
            samples = []
            for label, at in (("start", 2.0), ("middle", SECONDS / 2), ("end", SECONDS - 1.0)):
                time.sleep(max(0.0, t0 + at - time.monotonic()))
                samples.append((label, time.monotonic() - t0, rss_kib(pid)))
            for t in threads:
                t.join(60)
            elapsed = time.monotonic() - t0
            total = sum(stats.counts.values())
            print("soak: %d clients, %.0f s, think %s ms, %d actions (%.0f/s), %d errors"
                  % (CLIENTS, elapsed, "-".join(map(str, THINK_MS)), total, total / elapsed,
                     sum(stats.errors.values())))
            for (what, status), n in sorted(stats.counts.items(), key=lambda kv: str(kv[0])):
                print("  %-24s %-4s %6d" % (what, status, n))
            lat = sorted(stats.latencies) or [0]
            print("  latency of an action: median %.0f ms, 99th percentile %.0f ms, max %.0f ms"
                  % (lat[len(lat) // 2] * 1000, lat[int(len(lat) * 0.99)] * 1000, lat[-1] * 1000))
            done = sorted(c.done for c in clients)
            print("  actions per client: fewest %d, median %d, most %d"
                  % (done[0], done[len(done) // 2], done[-1]))
            for label, at, kib in samples:
                print("  RSS at %-6s (%4.0f s): %7.1f MB" % (label, at, kib / 1024))
            self.assertEqual(dict(stats.errors), {})
            # Every client was served all along: none starved behind the others.
            self.assertGreaterEqual(done[0], SECONDS / (THINK_MS[-1] / 1000.0) / 3, done[:10])
            self.assertLess(lat[-1], 10.0)
            middle, end = samples[1][2], samples[2][2]
            self.assertLessEqual(end, middle * 1.5, "memory grew: %d KiB -> %d KiB" % (middle, end))
            # Still serving, and quickly, once the load is gone.
            t = time.monotonic()
            self.assertEqual(srv.request("GET", "/healthz").status, 200)
            self.assertLess(time.monotonic() - t, 2.0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
