#!/usr/bin/env python3
"""The national-scale benchmark (issue 13). Started by tests/bench/run, which installs what
is missing and builds; see README "Performance".

Seeds a fresh database with BENCH_N observations over Sweden's municipalities, measures the
real server with wrk on loopback, measures the baselines (raw SQLite inserts and the bare
SpatiaLite viewport count in one C process, PostGIS with the same data) and prints one
Markdown table, also written to BENCH_DIR/../bench-table.md.

Environment: BENCH_N (1000000), BENCH_DURATION (seconds per wrk point, 10), BENCH_DEEP (how
deep the "deep page" is, 10000), BENCH_DIR (work directory), BENCH_SKIP_PG=1 (no PostGIS),
BENCH_KEEP_SEED=FILE (keep a copy of the freshly seeded database there),
BENCH_SEEDED_DB=FILE (measure a copy of such a database instead of seeding; BENCH_N must
match), TRYGG, BENCHTOOL (binaries; tests/bench/run sets them).
"""
import datetime
import http.client
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
N = int(os.environ.get("BENCH_N", "1000000"))
DUR = int(os.environ.get("BENCH_DURATION", "10"))
DEEP = int(os.environ.get("BENCH_DEEP", "10000"))
WORK = os.path.abspath(os.environ.get("BENCH_DIR", os.path.join(ROOT, "build-bench", "bench")))
TRYGG = os.environ.get("TRYGG", os.path.join(ROOT, "build-bench", "trygg"))
BENCHTOOL = os.environ.get("BENCHTOOL", os.path.join(ROOT, "build-bench", "benchtool"))
PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")
SKIP_PG = os.environ.get("BENCH_SKIP_PG") == "1"
SKIP_REBUILD = os.environ.get("BENCH_SKIP_REBUILD") == "1"
ALONE_TIMEOUT = int(os.environ.get("BENCH_IDLE_MAX", "120"))
GEOJSON = os.path.join(HERE, "data", "sweden-municipalities.geojson")
DB = os.path.join(WORK, "trygg.db")
PASSWORD = "bench-password-Trygg-13"

# Rough population of the largest municipalities (SCB, rounded): more reports where more
# people live. The others count as a typical 16 000.
POPULATION = {
    "0180": 980000, "1480": 600000, "1280": 360000, "0380": 245000, "0580": 167000,
    "1880": 158000, "1980": 157000, "1283": 151000, "0581": 145000, "0680": 144000,
    "2480": 131000, "1281": 128000, "1490": 115000, "0126": 115000, "0484": 107000,
    "0182": 108000, "2180": 103000, "1380": 104000, "2281": 99000, "0181": 102000,
    "1780": 96000, "0780": 97000, "0138": 49000, "0162": 84000, "0163": 90000,
}
# Map viewports: a phone-to-laptop screen of 1280 x 800 px at each zoom, around these towns.
TOWNS = [(18.0686, 59.3293), (11.9746, 57.7089), (13.0038, 55.6050), (17.6389, 59.8586),
         (12.9401, 57.7210), (20.2630, 63.8258), (15.6214, 58.4108), (15.2134, 59.2753)]
ZOOMS = [5, 6, 8, 10, 12, 14, 16]


def log(*a):
    print("bench:", *a, file=sys.stderr, flush=True)


def run(cmd, **kw):
    log("$", " ".join(str(c) for c in cmd))
    return subprocess.run(cmd, check=True, **kw)


# ---------------------------------------------------------------- preparation

def rings_of(geom):
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    return [ring for poly in polys for ring in poly]


def inside(rings, x, y):
    c = False
    for r in rings:
        j = len(r) - 1
        for i in range(len(r)):
            xi, yi = r[i]
            xj, yj = r[j]
            if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
                c = not c
            j = i
    return c


def random_inside(rng, rings):
    xs = [p[0] for r in rings for p in r]
    ys = [p[1] for r in rings for p in r]
    for _ in range(2000):
        x, y = rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys))
        if inside(rings, x, y):
            return x, y
    return rings[0][0]


def prepare():
    """munis.txt for benchtool seed, points.txt for the ingest, the viewports and boxes."""
    rng = random.Random(13)
    fc = json.load(open(GEOJSON))
    munis = []
    with open(os.path.join(WORK, "munis.txt"), "w") as f:
        for feat in fc["features"]:
            code = feat["properties"]["id"]
            rings = rings_of(feat["geometry"])
            pop = POPULATION.get(code, 16000)
            f.write(f"M {code} {pop}\n")
            for r in rings:
                f.write(f"R {len(r)} " + " ".join(f"{x} {y}" for x, y in r) + "\n")
            # The main town (the largest ones hold more), two to four smaller ones; the
            # remaining ~12 % anywhere in the municipality.
            main = next(((x, y) for (x, y) in TOWNS if inside(rings, x, y)), None)
            main = main or random_inside(rng, rings)
            big = pop > 90000
            f.write(f"C {main[0]} {main[1]} {3500 if big else 1500} {0.6 if big else 0.5}\n")
            k = rng.randint(2, 4)
            for _ in range(k):
                x, y = random_inside(rng, rings)
                f.write(f"C {x} {y} {rng.uniform(400, 1200):.0f} {0.38 / k:.4f}\n")
            munis.append((code, feat["properties"]["kom_namn"], rings, main))
    # Ingest positions: inside the boundary for sure (checked here), near towns.
    pts = []
    by_pop = sorted(munis, key=lambda m: -POPULATION.get(m[0], 16000))
    while len(pts) < 4000:
        code, _, rings, main = by_pop[rng.randrange(0, 60)] if rng.random() < 0.7 else \
            munis[rng.randrange(len(munis))]
        x = main[0] + rng.gauss(0, 0.02)
        y = main[1] + rng.gauss(0, 0.01)
        if inside(rings, x, y):
            pts.append((x, y))
    with open(os.path.join(WORK, "points.txt"), "w") as f:
        for x, y in pts:
            f.write(f"{x:.6f} {y:.6f}\n")
    # Viewports per zoom.
    vps = {}
    for z in ZOOMS:
        w = 1280 / 256 * 360 / 2 ** z
        lst = []
        centres = [(16.5, 62.0), (15.0, 60.0), (16.0, 58.0)] if z <= 6 else TOWNS
        for lon, lat in centres:
            h = w * 800 / 1280 * math.cos(math.radians(lat))
            lst.append((max(-180, lon - w / 2), max(-85, lat - h / 2),
                        min(180, lon + w / 2), min(85, lat + h / 2)))
        vps[z] = lst
    with open(os.path.join(WORK, "viewports.txt"), "w") as f:
        for z, lst in vps.items():
            for b in lst:
                f.write(f"z{z} {b[0]:.6f} {b[1]:.6f} {b[2]:.6f} {b[3]:.6f}\n")
    sthlm = next(m for m in munis if m[0] == "0180")
    xs = [p[0] for r in sthlm[2] for p in r]
    ys = [p[1] for r in sthlm[2] for p in r]
    list_bbox = (min(xs), min(ys), max(xs), max(ys))
    return vps, list_bbox


def copy_db(src, dst):
    """An SQLite database with its WAL and shared-memory files, as they are."""
    for ext in ("", "-wal", "-shm"):
        if os.path.exists(src + ext):
            shutil.copyfile(src + ext, dst + ext)


# ---------------------------------------------------------------- server

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def write_config(port, name="bench.conf", extra=""):
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        f.write(f"""# written by tests/bench/bench.py: limits raised so that only the server's speed counts
listen = 127.0.0.1:{port}
db = {DB}
data_dir = {WORK}/files
municipality_code = SE
municipality_name = Sverige
max_connections = 256
max_connections_per_address = 256
access_log = errors
access_log_max_per_second = 10
page_size_max = 1000
rate_observations_per_minute = 1000000
rate_supports_per_minute = 1000000
rate_photos_per_minute = 1000000
supports_per_address_max = 1000000
walk_code_failures_per_minute = 100000
login_max_failures = 1000
login_max_failures_per_address = 1000
retention_interval_seconds = 86400
""" + extra)
    return path


class Server:
    def __init__(self, conf, port, logname="server.log"):
        self.port = port
        self.errlog = open(os.path.join(WORK, logname), "w")
        t0 = time.monotonic()
        self.proc = subprocess.Popen([TRYGG, "--config", conf, "serve"], stdout=self.errlog,
                                     stderr=subprocess.STDOUT)
        deadline = t0 + 120
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("bench: the server did not start; see " + self.errlog.name)
            time.sleep(0.002)
        self.startup_s = time.monotonic() - t0

    def cpu_ticks(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    def wait_idle(self, limit=ALONE_TIMEOUT):
        """Until the server uses under 5 % CPU for a second (requests wrk gave up on done)."""
        hz = os.sysconf("SC_CLK_TCK")
        t0 = time.monotonic()
        while time.monotonic() - t0 < limit:
            a = self.cpu_ticks()
            time.sleep(1)
            if self.cpu_ticks() - a < 0.05 * hz:
                return
        log("the server is still busy after", limit, "s; measuring anyway")

    def vmhwm_mb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def request(self, method, path, body=None, headers=None, timeout=300):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        c.request(method, path, data, h)
        r = c.getresponse()
        return r.status, r.getheader("Set-Cookie"), r.read()


def wrk(srv, name, conns, urls=None, post=False, cookie=None):
    """One wrk run of DUR seconds; returns its figures (latencies in ms)."""
    srv.wait_idle()
    out = os.path.join(WORK, f"wrk-{name}.json")
    env = dict(os.environ, BENCH_OUT=out, BENCH_NONCE=str(random.randrange(1, 2 ** 31)))
    if post:
        env.update(BENCH_MODE="post", BENCH_POINTS=os.path.join(WORK, "points.txt"))
    else:
        ufile = os.path.join(WORK, f"urls-{name}.txt")
        with open(ufile, "w") as f:
            f.write("\n".join(urls) + "\n")
        env.update(BENCH_MODE="urls", BENCH_URLS=ufile)
    if cookie:
        env["BENCH_COOKIE"] = cookie
    threads = min(2, conns)
    cmd = ["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{DUR}s", "--timeout",
           f"{DUR}s", "--latency", "-s", os.path.join(HERE, "bench.lua"),
           f"http://127.0.0.1:{srv.port}"]
    log(name, f"({conns} conn)")
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if p.returncode != 0 or not os.path.exists(out):
        log("wrk failed:", p.stdout, p.stderr)
        return None
    r = json.load(open(out))
    secs = r["duration_us"] / 1e6
    bad = r["status"] + r["timeout"] + r["connect"] + r["read"] + r["write"]
    ok = max(0, r["requests"] - r["status"])
    res = {"ok": ok, "errors": bad, "timeouts": r["timeout"], "non2xx": r["status"],
           "per_s": ok / secs if secs else 0,
           "p50": r["p50_us"] / 1000 if r["requests"] else None,
           "p99": r["p99_us"] / 1000 if r["requests"] else None}
    if not ok and not post:
        # No answer within the run: time one request alone, so the table still has a figure.
        srv.wait_idle()
        t0 = time.monotonic()
        try:
            st, _, _ = srv.request("GET", urls[0], headers={"Cookie": cookie} if cookie else {},
                                   timeout=ALONE_TIMEOUT)
            res["alone_s"] = time.monotonic() - t0
            res["alone_status"] = st
        except OSError:
            res["alone_s"] = None
    log(name, json.dumps(res))
    return res


def follow_deep(srv, first_path, cookie, page_limit, next_of):
    """Pages through with the answer's own cursor until DEEP rows deep; returns the cursor
    there, or None when the answer offers none."""
    depth, path, cursor = 0, first_path, None
    h = {"Cookie": cookie} if cookie else {}
    while depth < DEEP:
        st, _, body = srv.request("GET", path, headers=h)
        if st != 200:
            raise SystemExit(f"bench: {path}: HTTP {st} {body[:200]!r}")
        j = json.loads(body)
        cursor = next_of(j)
        if not cursor:
            return None
        depth += page_limit
        sep = "&" if "?" in first_path else "?"
        path = first_path + sep + "cursor=" + urllib.parse.quote(str(cursor))
    return cursor


def list_next(j):
    for link in j.get("links", []):
        if link.get("rel") == "next":
            q = urllib.parse.parse_qs(urllib.parse.urlsplit(link["href"]).query)
            return q.get("cursor", [None])[0]
    return j.get("next_cursor")


def queue_next(j):
    return j.get("next_cursor") or j.get("next")


# ---------------------------------------------------------------- PostGIS

class Postgis:
    def __init__(self):
        self.dir = os.path.join(WORK, "pg")
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.port = free_port()
        self.as_user = []
        if os.getuid() == 0:  # initdb refuses root: the cluster belongs to "postgres"
            shutil.chown(self.dir, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.pg(["initdb", "-D", self.dir + "/data", "-A", "trust", "-U", "bench", "-E", "UTF8",
                 "--no-locale"], stdout=subprocess.DEVNULL)
        self.pg(["pg_ctl", "-D", self.dir + "/data", "-l", self.dir + "/log", "-w", "start",
                 "-o", f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                 f"-c unix_socket_directories={self.dir} -c shared_buffers=256MB "
                 f"-c max_connections=64 -c fsync=on -c synchronous_commit=on"],
                stdout=subprocess.DEVNULL)

    def pg(self, cmd, **kw):
        return run(self.as_user + [os.path.join(PG_BIN, cmd[0])] + cmd[1:], **kw)

    def psql(self, sql, **kw):
        return run([os.path.join(PG_BIN, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h",
                    "127.0.0.1", "-p", str(self.port), "-U", "bench", "-d", "postgres", "-c",
                    sql], **kw)

    def load(self):
        self.psql("CREATE EXTENSION postgis; CREATE TABLE obs (id bigint PRIMARY KEY, "
                  "category text NOT NULL, observed_at timestamptz NOT NULL, "
                  "geom geometry(Point, 4326) NOT NULL); "
                  "CREATE SEQUENCE obs_new START 100000000;")
        exp = subprocess.Popen(
            ["sqlite3", "-csv", DB, "SELECT id, category, observed_at, "
             "printf('SRID=4326;POINT(%.7f %.7f)', lon, lat) FROM observations"],
            stdout=subprocess.PIPE)
        t0 = time.monotonic()
        self.psql("COPY obs FROM STDIN WITH (FORMAT csv)", stdin=exp.stdout)
        exp.wait()
        self.psql("CREATE INDEX obs_geom ON obs USING gist (geom)")
        self.psql("VACUUM ANALYZE obs")
        log(f"PostGIS loaded in {time.monotonic() - t0:.0f} s")

    def pgbench(self, name, scripts, clients, seconds):
        """Runs pgbench; returns per-second rate and p50/p99 ms from its per-transaction log."""
        d = os.path.join(WORK, f"pgbench-{name}")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        files = []
        for i, s in enumerate(scripts):
            fn = os.path.join(d, f"s{i}.sql")
            with open(fn, "w") as f:
                f.write(s + "\n")
            files += ["-f", fn]
        p = subprocess.run([os.path.join(PG_BIN, "pgbench"), "-n", "-h", "127.0.0.1", "-p",
                            str(self.port), "-U", "bench", "-c", str(clients), "-j",
                            str(min(2, clients)), "-T", str(seconds), "-l", "--log-prefix",
                            os.path.join(d, "log")] + files + ["postgres"],
                           capture_output=True, text=True, cwd=d)
        if p.returncode != 0:
            log("pgbench failed:", p.stdout, p.stderr)
            return None
        lat = []
        for fn in os.listdir(d):
            if fn.startswith("log"):
                for line in open(os.path.join(d, fn)):
                    lat.append(int(line.split()[2]) / 1000)
        lat.sort()
        tps = re.search(r"tps = ([0-9.]+)", p.stdout)
        return {"per_s": float(tps.group(1)) if tps else len(lat) / seconds,
                "p50": pct(lat, 50), "p99": pct(lat, 99), "n": len(lat)}

    def stop(self):
        self.pg(["pg_ctl", "-D", self.dir + "/data", "-m", "fast", "-w", "stop"],
                stdout=subprocess.DEVNULL)


def pct(sorted_v, p):
    if not sorted_v:
        return None
    return sorted_v[max(0, math.ceil(p / 100 * len(sorted_v)) - 1)]


# ---------------------------------------------------------------- the table

def fmt(v, unit=""):
    if v is None:
        return "—"
    if isinstance(v, str):
        return v
    if v >= 100:
        s = f"{v:,.0f}".replace(",", " ")
    elif v >= 10:
        s = f"{v:.1f}"
    else:
        s = f"{v:.2f}"
    return s + unit


def ratio(a, b):
    if a is None or b is None or not b:
        return "—"
    return f"{a / b:.2f}×" if a / b < 100 else f"{a / b:,.0f}×".replace(",", " ")


def lat_cell(r):
    if r is None:
        return "failed"
    if r["p50"] is None or r["ok"] == 0:
        s = f"no answer in {DUR} s"
        if r.get("alone_s") is not None:
            s += f"; one request alone: {r['alone_s']:.1f} s (HTTP {r['alone_status']})"
        elif "alone_s" in r:
            s += f"; one request alone: none in {ALONE_TIMEOUT} s"
        return s
    s = f"{fmt(r['p50'])} / {fmt(r['p99'])} ms"
    if r["errors"]:
        s += f" ({r['errors']} errors)"
    return s


def render(d):
    """The Markdown table from the figures bench-results.json holds."""
    res, base_vp, base_ins, pgres = d["trygg"], d["spatialite"], d["raw_inserts"], d["postgis"]
    rss, startup, seed_s, rebuild_s = d["rss_mb"], d["startup_s"], d["seed_s"], d["rebuild_s"]
    N, DUR, DEEP, SKIP_REBUILD, git = d["n"], d["duration"], d["deep"], d["skip_rebuild"], d["git"]
    rows = []

    def row(measure, trygg, base="—", rat="—", pgv="—", pgr="—", target="—", met="—"):
        rows.append((measure, trygg, base, rat, pgv, pgr, target, met))

    ing = res.get("ingest")
    ing_rate = ing["per_s"] if ing else None
    ok3 = ing_rate is not None and ing_rate >= 3 * base_ins["per_s"]
    pgi = pgres.get("ins")
    row("Ingest: durable POST /api/v1/observations, 64 conn (observations/s)", fmt(ing_rate),
        f"{fmt(base_ins['per_s'])} raw single-row commits into an empty trygg database, 1 C process",
        ratio(ing_rate, base_ins["per_s"]),
        f"{fmt(pgi['per_s'])} (16 clients)" if pgi else "—",
        ratio(ing_rate, pgi["per_s"]) if pgi else "—", "≥ 3× raw", "yes" if ok3 else "NO")
    row("Ingest p50 / p99", lat_cell(ing),
        f"{fmt(base_ins['p50_ms'])} / {fmt(base_ins['p99_ms'])} ms", "—",
        f"{fmt(pgi['p50'])} / {fmt(pgi['p99'])} ms" if pgi else "—")
    b32 = d.get("raw_inserts_batched")
    if b32:
        row("Ingest ceiling of the bare insert: the same raw inserts, "
            f"{b32['batch']} rows per commit (observations/s)", "—", fmt(b32["per_s"]),
            ratio(b32["per_s"], base_ins["per_s"]) + " of single-row", "—", "—")
    if ing and ing["errors"]:
        row("Ingest: answers not 2xx or failed", str(ing["errors"]))
    for z in ZOOMS:
        b = base_vp.get(f"z{z}")
        p = pgres.get(f"z{z}")
        for c in (1, 16):
            r = res.get(f"map_z{z}_c{c}")
            p99 = r["p99"] if r and r["ok"] else None
            met = "—"
            if c == 16:
                met = "yes" if p99 is not None and p99 < 50 and not r["errors"] else "NO"
            row(f"Map clusters zoom {z}, {c} conn: p50 / p99 (mean {fmt(b['mean_count'])} "
                f"points in view; no answer cache)" if b else f"Map clusters zoom {z}, {c} conn",
                lat_cell(r),
                f"{fmt(b['p50_ms'])} / {fmt(b['p99_ms'])} ms bare SpatiaLite count" if b else "—",
                ratio(p99, b["p99_ms"]) if b else "—",
                f"{fmt(p['p50'])} / {fmt(p['p99'])} ms count" if p else "—",
                ratio(p99, p["p99"]) if p else "—",
                "p99 < 50 ms" if c == 16 else "—", met)
        r = res.get(f"cached_map_z{z}_c16")
        if r is not None:
            row(f"Map clusters zoom {z}, 16 conn, answer cache on (the same viewports again)",
                lat_cell(r), "—", "—", "—", "—")
    hz = res.get("healthz")

    def plain(key, label, target=None, limit=None):
        r = res.get(key)
        p99 = r["p99"] if r and r["ok"] else None
        met = "—"
        if limit is not None:
            met = "yes" if p99 is not None and p99 < limit and not r["errors"] else "NO"
        row(label, lat_cell(r), f"{fmt(hz['p99'])} ms /healthz p99" if hz and hz["ok"] else "—",
            ratio(p99, hz["p99"]) if hz and hz["ok"] else "—", "—", "—", target or "—", met)
        return p99

    plain("list_first", "List: /api/v1/observations?bbox=Stockholm&limit=50, first page, "
          "16 conn: p50 / p99 (no answer cache)", "p99 < 20 ms", 20)
    if res.get("cached_list_first") is not None:
        plain("cached_list_first", "List: the same first page, answer cache on")
    plain("list_deep", f"List: deep page ({DEEP} rows in, by {res.get('list_deep_how')})",
          "p99 < 20 ms", 20)
    plain("queue_first", "Staff queue /api/v1/cases?limit=50, first page, 16 conn",
          "p99 < 20 ms", 20)
    plain("queue_deep", f"Staff queue: deep page ({DEEP} rows in, by "
          f"{res.get('queue_deep_how')})", "p99 < 20 ms", 20)

    def pair(k10, k1, label10, label1, judged=True):
        a, b = res.get(k10), res.get(k1)
        if a is None and b is None:
            return
        plain(k1, label1)
        pa = a["p50"] if a and a["ok"] else None
        pb = b["p50"] if b and b["ok"] else None
        r = res.get(k10)
        met = "—"
        if not judged:
            met = "—"
        elif SKIP_REBUILD:
            met = "n/a: aggregates not counted"
        elif pa is not None and pb is not None:
            met = "yes" if pa <= 3 * pb else "NO"
        row(label10, lat_cell(r), f"{lat_cell(b)} (one month)", ratio(pa, pb) + " (p50)",
            "—", "—", "≤ 3× one month" if judged else "—", met)

    pair("stats_10y", "stats_1m", "Statistics /api/v1/stats, ten years by year, 4 conn "
         "(no answer cache)", "Statistics /api/v1/stats, one month, 4 conn (no answer cache)")
    pair("cached_stats_10y", "cached_stats_1m", "Statistics, ten years, answer cache on",
         "Statistics, one month, answer cache on", judged=False)
    pair("hot_10y", "hot_1m", "Hot spots /api/v1/stats/hotspots, ten years, 4 conn "
         "(no answer cache)", "Hot spots, one month, 4 conn (no answer cache)")
    pair("cached_hot_10y", "cached_hot_1m", "Hot spots, ten years, answer cache on",
         "Hot spots, one month, answer cache on", judged=False)
    pair("sit_year", "sit_month", "Situation picture /api/v1/situation, one year "
         "(its longest period), 4 conn", "Situation picture, one month, 4 conn")
    st = res.get("static")
    row("Static asset /static/app.js, 64 conn: requests/s; p50 / p99",
        f"{fmt(st['per_s'])}/s; {lat_cell(st)}" if st else "failed")
    row("HTTP ceiling /healthz, 64 conn: requests/s; p50 / p99",
        f"{fmt(hz['per_s'])}/s; {lat_cell(hz)}" if hz else "failed")
    each = res.get("rss_each_mb")
    row("Peak RSS of the server (VmHWM)" + (
        f"; without / with the answer cache {fmt(each[0], ' MB')} / {fmt(each[1], ' MB')}"
        if each and len(each) == 2 else ""), fmt(rss, " MB") if rss is not None else
        "not recorded", "—", "—", "—", "—", "< 150 MB",
        "—" if rss is None else "yes" if rss < 150 else "NO")
    row("Start-up: exec to first 200 from /healthz", fmt(startup, " s"), "—", "—", "—", "—",
        "< 1 s", "yes" if startup < 1 else "NO")

    head = (f"trygg benchmark ({git}), {N:,} observations".replace(",", " ") +
            f", {DUR} s per point, {os.cpu_count()} CPUs, "
            f"{d['when']} UTC; " +
            (f"seeding {seed_s:.0f} s, " if seed_s is not None else "seeded by an earlier run, ") +
            ("statistics aggregates NOT counted (BENCH_SKIP_REBUILD=1: the statistics rows "
             "measure empty aggregates); " if SKIP_REBUILD else
             f"aggregates rebuilt in {rebuild_s:.0f} s; " if rebuild_s is not None else "") +
            "wrk and the server share the machine.")
    lines = [head, "",
             "| Measure | trygg | Baseline (same run) | Ratio | PostGIS | Ratio | Target | Met? |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append("| " + " | ".join(x.replace("|", "\\|") for x in r) + " |")
    table = "\n".join(lines) + "\n"
    return table


def main():
    shutil.rmtree(WORK, ignore_errors=True)  # a fresh database every run
    os.makedirs(WORK)
    t_start = time.monotonic()
    vps, list_bbox = prepare()
    log(f"N = {N}, {DUR} s per point, work directory {WORK}")

    # A fresh database made by the server's own migrations; Sweden as the boundary, its
    # municipalities as the areas.
    # Seeding and counting the aggregates write a lot in single transactions: done in
    # memory (/dev/shm) when there is room, then the file is copied to the disk that the
    # measurements use. BENCH_SEED_IN_MEMORY=0 to do it on the disk.
    shm = "/dev/shm"
    seed_db = DB
    if os.environ.get("BENCH_SEED_IN_MEMORY", "1") == "1" and os.path.isdir(shm):
        vfs = os.statvfs(shm)
        if vfs.f_bavail * vfs.f_frsize > N * 4000 + (1 << 30):
            seed_db = os.path.join(shm, f"trygg-bench-{os.getpid()}.db")
    if seed_db != DB:
        os.environ["SQLITE_TMPDIR"] = shm  # the rebuild's temporary files too
    seeded = os.environ.get("BENCH_SEEDED_DB")
    if seeded:  # a database an earlier run seeded (BENCH_N must match); copied, not changed
        seed_db = seeded
    try:
        seed_s, rebuild_s = (None, None) if seeded else seed(seed_db)
        keep = os.environ.get("BENCH_KEEP_SEED")
        if keep and not seeded:  # a pristine copy for BENCH_SEEDED_DB later
            copy_db(seed_db, keep)
        if seed_db != DB:
            copy_db(seed_db, DB)
    finally:
        if seed_db != DB and not seeded:
            for ext in ("", "-wal", "-shm"):
                if os.path.exists(seed_db + ext):
                    os.remove(seed_db + ext)
    os.environ.pop("SQLITE_TMPDIR", None)
    run(["sync"])
    # (a database an earlier run seeded may have the user already)
    subprocess.run([TRYGG, "user", "add", "--username", "bench", "--role", "admin", "--db", DB],
                   input=PASSWORD + "\n", text=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=not seeded)
    bench(vps, list_bbox, seed_s, rebuild_s, t_start)


def seed(DB):
    run([TRYGG, "migrate", "--db", DB], stdout=subprocess.DEVNULL)
    run([TRYGG, "import-boundary", GEOJSON, "--code", "SE", "--name", "Sverige", "--db", DB],
        stdout=subprocess.DEVNULL)
    run([TRYGG, "import-areas", GEOJSON, "--db", DB], stdout=subprocess.DEVNULL)
    t0 = time.monotonic()
    run([BENCHTOOL, "seed", DB, os.path.join(WORK, "munis.txt"), str(N)])
    seed_s = time.monotonic() - t0
    t0 = time.monotonic()
    if SKIP_REBUILD:
        log("BENCH_SKIP_REBUILD=1: the statistics' aggregates are NOT counted")
    else:
        run([TRYGG, "stats-rebuild", "--db", DB])
    helptext = subprocess.run([TRYGG, "--help"], capture_output=True, text=True).stdout
    if re.search(r"^\s+map-rebuild\b", helptext, re.M):
        run([TRYGG, "map-rebuild", "--db", DB])
    rebuild_s = time.monotonic() - t0
    return seed_s, rebuild_s


def bench(vps, list_bbox, seed_s, rebuild_s, t_start):

    # Baselines in one C process on the same database.
    base_vp = json.loads(run([BENCHTOOL, "viewports", DB, os.path.join(WORK, "viewports.txt"),
                              "2"], capture_output=True, text=True).stdout)
    log("SpatiaLite viewport counts:", json.dumps(base_vp))
    # The raw inserts go into an empty database of the same schema (trygg's migrations,
    # triggers included), not the seeded one: taking a few thousand rows out of a
    # million again afterwards costs minutes (every delete runs the map triggers), and
    # an empty table's indexes are cheaper to insert into, so the baseline is, if
    # anything, faster than it would be on the seeded database.
    raw_db = os.path.join(WORK, "raw-inserts.db")
    run([TRYGG, "migrate", "--db", raw_db], stdout=subprocess.DEVNULL)
    base_ins = json.loads(run([BENCHTOOL, "inserts", raw_db, str(DUR)], capture_output=True,
                              text=True).stdout)
    log("raw inserts:", json.dumps(base_ins))
    # The same bare insert, 32 rows per commit: the most that committing together gives
    # the bare insert on this disk (the server's writer commits a batch of filings at once).
    base_ins32 = json.loads(run([BENCHTOOL, "inserts", raw_db, str(DUR), "32"],
                                capture_output=True, text=True).stdout)
    log("raw inserts, 32 per commit:", json.dumps(base_ins32))

    # The server twice on the same database. First without the answer cache
    # (answer_cache_bytes = 0): every answer is computed, as for a viewport nobody asked
    # for since the last report; the targets are judged on these figures. Then as
    # configured by default, with the answer cache: the same questions again are what a
    # newspaper's link brings; the ingest runs last, on this one.
    res = {}
    today = datetime.date.today()
    month_end = today.replace(day=1) - datetime.timedelta(days=1)
    month_start = month_end.replace(day=1)
    ten_y = today.replace(year=today.year - 10)
    stats_10y = f"/api/v1/stats?period=year&from={ten_y}&to={today}"
    stats_1m = f"/api/v1/stats?period=month&from={month_start}&to={month_end}"
    hot_10y = f"/api/v1/stats/hotspots?from={ten_y}&to={today}"
    hot_1m = f"/api/v1/stats/hotspots?from={month_start}&to={month_end}"
    bbox = "%.5f,%.5f,%.5f,%.5f" % list_bbox
    first = f"/api/v1/observations?bbox={bbox}&limit=50"

    def map_urls(z):
        return [f"/api/v1/map/clusters?bbox={b[0]:.5f},{b[1]:.5f},{b[2]:.5f},{b[3]:.5f}"
                f"&zoom={z}" for b in vps[z]]

    def login(srv):
        st, setc, body = srv.request("POST", "/api/v1/auth/login",
                                     {"username": "bench", "password": PASSWORD})
        if st != 200:
            raise SystemExit(f"bench: login: HTTP {st} {body[:200]!r}")
        return setc.split(";", 1)[0]

    port = free_port()
    srv = Server(write_config(port, "bench-nocache.conf", "answer_cache_bytes = 0\n"), port,
                 "server-nocache.log")
    log(f"serving (no answer cache) after {srv.startup_s:.3f} s")
    startups = [srv.startup_s]
    rss = []
    try:
        cookie = login(srv)
        for z in ZOOMS:
            for c in (1, 16):
                res[f"map_z{z}_c{c}"] = wrk(srv, f"map-z{z}-c{c}", c, map_urls(z))

        res["list_first"] = wrk(srv, "list-first", 16, [first])
        srv.wait_idle()
        cur = follow_deep(srv, f"/api/v1/observations?bbox={bbox}&limit=1000", None, 1000,
                          list_next)
        deep = first + (f"&cursor={urllib.parse.quote(str(cur))}" if cur
                        else f"&offset={DEEP}")
        res["list_deep_how"] = "cursor" if cur else "offset"
        res["list_deep"] = wrk(srv, "list-deep", 16, [deep])

        qfirst = "/api/v1/cases?limit=50"
        res["queue_first"] = wrk(srv, "queue-first", 16, [qfirst], cookie=cookie)
        srv.wait_idle()
        qcur = follow_deep(srv, "/api/v1/cases?limit=500", cookie, 500, queue_next)
        qdeep = qfirst + (f"&cursor={urllib.parse.quote(str(qcur))}" if qcur
                          else f"&offset={DEEP}")
        res["queue_deep_how"] = "cursor" if qcur else "offset"
        res["queue_deep"] = wrk(srv, "queue-deep", 16, [qdeep], cookie=cookie)

        res["stats_10y"] = wrk(srv, "stats-10y", 4, [stats_10y])
        res["stats_1m"] = wrk(srv, "stats-1m", 4, [stats_1m])
        res["hot_10y"] = wrk(srv, "hotspots-10y", 4, [hot_10y])
        res["hot_1m"] = wrk(srv, "hotspots-1m", 4, [hot_1m])
        last_year = today.year - 1
        res["sit_year"] = wrk(srv, "situation-year", 4, [f"/api/v1/situation?year={last_year}"],
                              cookie=cookie)
        res["sit_month"] = wrk(srv, "situation-month", 4,
                               [f"/api/v1/situation?month={month_start:%Y-%m}"], cookie=cookie)
        srv.wait_idle()
        rss.append(srv.vmhwm_mb())
    finally:
        srv.stop()

    port = free_port()
    srv = Server(write_config(port), port)
    log(f"serving (answer cache on) after {srv.startup_s:.3f} s")
    startups.append(srv.startup_s)
    try:
        for z in ZOOMS:
            res[f"cached_map_z{z}_c16"] = wrk(srv, f"cached-map-z{z}-c16", 16, map_urls(z))
        res["cached_list_first"] = wrk(srv, "cached-list-first", 16, [first])
        res["cached_stats_10y"] = wrk(srv, "cached-stats-10y", 4, [stats_10y])
        res["cached_stats_1m"] = wrk(srv, "cached-stats-1m", 4, [stats_1m])
        res["cached_hot_10y"] = wrk(srv, "cached-hotspots-10y", 4, [hot_10y])
        res["cached_hot_1m"] = wrk(srv, "cached-hotspots-1m", 4, [hot_1m])
        res["static"] = wrk(srv, "static", 64, ["/static/app.js"])
        res["healthz"] = wrk(srv, "healthz", 64, ["/healthz"])
        res["ingest"] = wrk(srv, "ingest", 64, post=True)
        srv.wait_idle()
        rss.append(srv.vmhwm_mb())
    finally:
        srv.stop()
    startup = max(startups)
    res["rss_each_mb"] = rss
    res["startup_each_s"] = startups
    rss = max(rss)

    pgres = {}
    if not SKIP_PG:
        pg = Postgis()
        try:
            pg.load()
            for z in ZOOMS:
                pgres[f"z{z}"] = pg.pgbench(f"z{z}", [
                    f"SELECT count(*) FROM obs WHERE geom && "
                    f"ST_MakeEnvelope({b[0]}, {b[1]}, {b[2]}, {b[3]}, 4326);" for b in vps[z]],
                    1, 2)
            pgres["ins"] = pg.pgbench("inserts", [
                "INSERT INTO obs (id, category, observed_at, geom) VALUES (nextval('obs_new'), "
                "'lighting', now(), ST_SetSRID(ST_MakePoint(12.9 + random() * 0.1, "
                "57.7 + random() * 0.05), 4326));"], 16, DUR)
        finally:
            pg.stop()
    log("PostGIS:", json.dumps(pgres))

    git = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"],
                         capture_output=True, text=True).stdout.strip()
    d = {"trygg": res, "spatialite": base_vp, "raw_inserts": base_ins,
         "raw_inserts_batched": base_ins32, "postgis": pgres,
         "rss_mb": rss, "startup_s": startup, "seed_s": seed_s, "rebuild_s": rebuild_s,
         "n": N, "duration": DUR, "deep": DEEP, "skip_rebuild": SKIP_REBUILD, "git": git,
         "when": f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M}"}
    # The figures first: a mistake in the table must not lose them.
    with open(os.path.join(os.path.dirname(WORK), "bench-results.json"), "w") as f:
        json.dump(d, f, indent=1)
    table = render(d)
    out = os.path.join(os.path.dirname(WORK), "bench-table.md")
    with open(out, "w") as f:
        f.write(table)
    print(table)
    log(f"table written to {out}; whole run {time.monotonic() - t_start:.0f} s")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--table":  # render a saved run again
        print(render(json.load(open(sys.argv[2]))))
    else:
        main()
