#!/usr/bin/env python3
"""write_paging.py — first-page and deep-page latency of the public list and the staff queue
(issue 13), against a running server on a seeded database (tests/bench/write_seed.sh).

    write_paging.py BASE_URL USER PASSWORD [REPEATS]

Each figure is REPEATS sequential requests on one kept-alive connection: p50 and p99 in ms.
Deep pages start from a cursor half-way down (what following "next" ~10 000 times reaches);
the queue's old numeric cursors (OFFSET) are measured beside its keyset cursors."""
import http.client
import json
import sys
import time
import urllib.parse

base, user, password = sys.argv[1], sys.argv[2], sys.argv[3]
repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 20
u = urllib.parse.urlsplit(base)
con = http.client.HTTPConnection(u.hostname, u.port, timeout=120)


def get(path, headers=None):
    con.request("GET", path, headers=headers or {})
    r = con.getresponse()
    body = r.read()
    return r.status, body


def post(path, body, headers=None):
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    con.request("POST", path, body=json.dumps(body), headers=h)
    r = con.getresponse()
    return r.status, r.getheader("Set-Cookie"), r.read()


status, cookie, body = post("/api/v1/auth/login", {"username": user, "password": password})
assert status == 200, (status, body)
staff = {"Cookie": "; ".join(c.split(";")[0] for c in cookie.split(", ") if "=" in c.split(";")[0])}


def measure(label, path, headers=None):
    times, n = [], 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        status, body = get(path, headers)
        times.append((time.perf_counter() - t0) * 1000)
        assert status == 200, (label, status, body[:300])
        d = json.loads(body)
        n = len(d.get("features", d.get("cases", [])))
    times.sort()
    p50 = times[len(times) // 2]
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print("%-58s %8.1f %8.1f %5d" % (label, p50, p99, n))
    return d


city = "12.60,57.50,13.40,57.95"
street = "12.9390,57.7195,12.9410,57.7205"
print("%-58s %8s %8s %5s" % ("request", "p50 ms", "p99 ms", "rows"))
first = measure("list, municipality bbox, first page (limit 50)",
                "/api/v1/observations?bbox=%s&limit=50" % city)
top = first["features"][0]["id"]
measure("list, municipality bbox, deep page (cursor half-way)",
        "/api/v1/observations?bbox=%s&limit=50&cursor=%d" % (city, top // 2))
measure("list, municipality bbox + category, first page",
        "/api/v1/observations?bbox=%s&category=lighting&limit=50" % city)
measure("list, street bbox, first page", "/api/v1/observations?bbox=%s&limit=50" % street)
measure("list, street bbox, deep page (cursor half-way)",
        "/api/v1/observations?bbox=%s&limit=50&cursor=%d" % (street, top // 2))
measure("list, no bbox, deep page (cursor half-way)",
        "/api/v1/observations?limit=50&cursor=%d" % (top // 2))
for sort, deep in (("-created", "n..%d" % (top // 2)), ("created", "o..%d" % (top // 2)),
                   ("priority", "p.2.%d" % (top // 2)),
                   ("due", "d.2021-06-01T00:00:00Z.%d" % (top // 2))):
    measure("queue sort=%s, first page (limit 50)" % sort,
            "/api/v1/cases?sort=%s&limit=50" % sort, staff)
    measure("queue sort=%s, deep page (keyset cursor)" % sort,
            "/api/v1/cases?sort=%s&limit=50&cursor=%s" % (sort, urllib.parse.quote(deep)), staff)
    measure("queue sort=%s, deep page (old offset %d)" % (sort, top // 2),
            "/api/v1/cases?sort=%s&limit=50&cursor=%d" % (sort, top // 2), staff)
