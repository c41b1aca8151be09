"""Statistics and the situation picture (issue 11), against the real server.

Every figure is checked against what this test computes itself from the observations it
filed: their local (Europe/Stockholm) dates by zoneinfo, their areas by its own
point-in-polygon test on the demo areas, their SWEREF 99 TM cells by flooring the
coordinates the server answered with, ISO weeks by Python's calendar, medians by its own
nearest rank. No figure is computed by calling the server's SQL. Also: the CSV opens with
Swedish characters intact (UTF-8 with BOM), public answers suppress small counts, the
aggregates kept current by each change equal a rebuild from scratch, the situation picture
PDF names every area's figures (pdftotext), and indicator files are all-or-nothing and
idempotent."""
import collections
import csv
import datetime
import io
import json
import math
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import unittest
import zoneinfo

sys.path.insert(0, os.path.dirname(__file__))
from staff_client import StaffClient, staff  # noqa: E402
from trygg_server import SOURCE_DIR, TryggServer, new_client_id  # noqa: E402

TZ = zoneinfo.ZoneInfo("Europe/Stockholm")
AREAS = json.load(open(os.path.join(SOURCE_DIR, "server/demo/areas.geojson"), encoding="utf-8"))
CATEGORIES = ["lighting", "litter", "graffiti", "vegetation", "traffic"]
USED_AREAS = ["centrum", "norrby", "hassleholmen", "sjobo"]
MIN_COUNT = 3


def inside(lon, lat, ring):
    """Ray casting: is (lon, lat) inside the closed ring [[lon, lat], ...]?"""
    n, c = len(ring), False
    for i in range(n):
        (x1, y1), (x2, y2) = ring[i], ring[(i + 1) % n]
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            c = not c
    return c


def area_of(lon, lat):
    for f in AREAS["features"]:
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        if any(inside(lon, lat, p[0]) for p in polys):
            return f["properties"]["code"]
    return None


def point_in(code, rnd):
    f = next(x for x in AREAS["features"] if x["properties"]["code"] == code)
    ring = f["geometry"]["coordinates"][0]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    while True:
        lon, lat = rnd.uniform(min(xs), max(xs)), rnd.uniform(min(ys), max(ys))
        if area_of(lon, lat) == code:
            return round(lon, 6), round(lat, 6)


def local_date(iso):
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(TZ).date()


def key(d, grain):
    if grain == "year":
        return "%04d" % d.year
    if grain == "quarter":
        return "%04d-Q%d" % (d.year, (d.month - 1) // 3 + 1)
    if grain == "month":
        return "%04d-%02d" % (d.year, d.month)
    y, w, _ = d.isocalendar()
    return "%04d-W%02d" % (y, w)


def period_bounds(d, grain):
    if grain == "year":
        return datetime.date(d.year, 1, 1), datetime.date(d.year, 12, 31)
    if grain == "quarter":
        m0 = (d.month - 1) // 3 * 3 + 1
        first = datetime.date(d.year, m0, 1)
    elif grain == "month":
        first = d.replace(day=1)
    else:
        first = d - datetime.timedelta(days=d.weekday())
        return first, first + datetime.timedelta(days=6)
    months = 3 if grain == "quarter" else 1
    nm = first.month + months
    nxt = datetime.date(first.year + (nm - 1) // 12, (nm - 1) % 12 + 1, 1)
    return first, nxt - datetime.timedelta(days=1)


def year_before(first, grain):
    """The first day of the same period a year earlier (None: no such ISO week)."""
    if grain == "week":
        y, w, _ = first.isocalendar()
        try:
            return datetime.date.fromisocalendar(y - 1, w, 1)
        except ValueError:
            return None
    return first.replace(year=first.year - 1)


def expected_counts(obs, grain, frm, to, dims):
    """{(dims..., period): [count, previous_count]} the way issue 11 defines them."""
    out = collections.defaultdict(lambda: [0, 0])
    periods = []
    d = frm
    while d <= to:
        first, last = period_bounds(d, grain)
        periods.append((key(first, grain), first, last, max(first, frm), min(last, to)))
        d = last + datetime.timedelta(days=1)
    for k, first, last, a, b in periods:
        yb = year_before(first, grain)
        for o in obs:
            dd = o["date"]
            tup = tuple(o[x] for x in dims) + (k,)
            if a <= dd <= b:
                out[tup][0] += 1
            if yb is not None:
                yfirst, ylast = period_bounds(yb, grain)
                off = (dd - yfirst).days
                if yfirst <= dd <= ylast and (a - first).days <= off <= (b - first).days:
                    out[tup][1] += 1
    return {k: v for k, v in out.items() if v[0] or v[1]}


def answered(rows, dims):
    return {tuple(r[x] for x in dims) + (r["period"],): [r["count"], r["previous_count"]]
            for r in rows}


def nearest_rank(values, share):
    values = sorted(values)
    return values[max(1, math.ceil(share * len(values))) - 1]


class Stats(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer(seed=False).start()
        srv = cls.srv
        srv.cli("import-boundary", os.path.join(SOURCE_DIR, "server/demo/boras-kommun.geojson"),
                "--code", "1490", "--name", "Borås")
        srv.cli("import-areas", os.path.join(SOURCE_DIR, "server/demo/areas.geojson"))
        cls.admin = staff(srv, "anna", "admin")
        cls.triage = staff(srv, "tina", "triage")
        cls.organiser = staff(srv, "olle", "organiser")
        for code, name in (("lights", "Gatubelysning"), ("parks", "Parker och natur"),
                           ("streets", "Gator och trafik")):
            r = cls.admin.post("/api/v1/units", {"code": code, "name": name, "internal": True})
            assert r.status == 201, r
        cls.units = {u["code"]: u["id"] for u in cls.admin.get("/api/v1/units").json()["units"]}
        r = cls.organiser.post("/api/v1/walks", {
            "title": "Trygghetsvandring Norrby", "area": "norrby",
            "starts_at": "2025-10-02T17:00:00Z", "ends_at": "2025-10-02T19:00:00Z"})
        assert r.status == 201, r
        cls.walk = r.json()
        rnd = random.Random(11)
        start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
        span = (datetime.datetime(2026, 11, 20, tzinfo=datetime.timezone.utc) - start).total_seconds()
        cls.obs = []
        for i in range(150):
            area = rnd.choice(USED_AREAS)
            # a dense corner of Centrum makes a hot spot; late December evenings cross the year
            if i % 10 == 0:
                lon, lat = 12.9401 + rnd.uniform(-0.0005, 0.0005), 57.7210 + rnd.uniform(-0.0003, 0.0003)
            else:
                lon, lat = point_in(area, rnd)
            when = start + datetime.timedelta(seconds=rnd.uniform(0, span))
            if i % 25 == 0:
                when = datetime.datetime(2024 + i % 2, 12, 31, 23, 30, tzinfo=datetime.timezone.utc)
            source = "walk" if i % 7 == 0 else "staff" if i % 11 == 0 else "resident"
            body = {"client_id": new_client_id(), "category": rnd.choice(CATEGORIES),
                    "lon": lon, "lat": lat, "accuracy_m": 5,
                    "observed_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "unsafe_rating": rnd.randint(1, 5)}
            if source == "walk":
                body["walk"] = cls.walk["code"]
            client = cls.triage if source == "staff" else None
            r = (client.post("/api/v1/observations", body) if client
                 else srv.request("POST", "/api/v1/observations", body))
            assert r.status == 201, r
            o = r.json()
            cls.obs.append({"id": o["id"], "category": body["category"],
                            "area": area_of(lon, lat), "date": local_date(body["observed_at"]),
                            "source": source, "lon": lon, "lat": lat,
                            "e": o["sweref99tm"]["e"], "n": o["sweref99tm"]["n"]})

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def get(self, path, client=None):
        r = (client or self.triage).get(path)
        self.assertEqual(r.status, 200, (path, r))
        return r.json()

    # --- counts ------------------------------------------------------------------

    def test_yearly_counts_per_area_and_category_with_the_year_before(self):
        b = self.get("/api/v1/stats?by=area,category&period=year&from=2024-01-01&to=2026-12-31")
        self.assertEqual(b["periods"], ["2024", "2025", "2026"])
        self.assertIsNone(b["suppressed_below"])
        want = expected_counts(self.obs, "year", datetime.date(2024, 1, 1),
                               datetime.date(2026, 12, 31), ("area", "category"))
        self.assertEqual(answered(b["rows"], ("area", "category")), want)
        self.assertEqual(sum(r["count"] for r in b["rows"]), len(self.obs))

    def test_months_cut_by_from_and_to_compare_the_same_days_a_year_earlier(self):
        b = self.get("/api/v1/stats?by=area&period=month&from=2025-03-10&to=2026-05-20")
        self.assertEqual(b["periods"][0], "2025-03")
        self.assertEqual(b["periods"][-1], "2026-05")
        want = expected_counts(self.obs, "month", datetime.date(2025, 3, 10),
                               datetime.date(2026, 5, 20), ("area",))
        self.assertEqual(answered(b["rows"], ("area",)), want)

    def test_iso_weeks_quarters_sources_and_filters(self):
        b = self.get("/api/v1/stats?by=source&period=week&from=2025-12-01&to=2026-02-15")
        want = expected_counts(self.obs, "week", datetime.date(2025, 12, 1),
                               datetime.date(2026, 2, 15), ("source",))
        self.assertEqual(answered(b["rows"], ("source",)), want)
        self.assertIn("2026-W01", b["periods"])
        b = self.get("/api/v1/stats?by=category&period=quarter&from=2024-01-01&to=2026-12-31"
                     "&source=walk,staff&area=centrum,norrby&category=lighting,litter")
        sel = [o for o in self.obs if o["source"] in ("walk", "staff")
               and o["area"] in ("centrum", "norrby") and o["category"] in ("lighting", "litter")]
        want = expected_counts(sel, "quarter", datetime.date(2024, 1, 1),
                               datetime.date(2026, 12, 31), ("category",))
        self.assertEqual(answered(b["rows"], ("category",)), want)
        self.assertEqual(b["periods"][:2], ["2024-Q1", "2024-Q2"])

    def test_public_counts_below_the_threshold_are_suppressed(self):
        path = "/api/v1/stats?by=area,category&period=quarter&from=2024-01-01&to=2026-12-31"
        public = self.srv.request("GET", path).json()
        staff_rows = {tuple(r[x] for x in ("area", "category", "period")): r
                      for r in self.get(path)["rows"]}
        self.assertEqual(public["suppressed_below"], MIN_COUNT)
        small = 0
        for r in public["rows"]:
            s = staff_rows[(r["area"], r["category"], r["period"])]
            for k in ("count", "previous_count"):
                if 0 < s[k] < MIN_COUNT:
                    self.assertIsNone(r[k], r)
                    small += 1
                else:
                    self.assertEqual(r[k], s[k], r)
        self.assertGreater(small, 0, "the seeded data has small counts to suppress")

    def test_csv_has_a_bom_swedish_names_and_the_same_figures(self):
        path = "/api/v1/stats.csv?by=area,category&period=year&from=2024-01-01&to=2026-12-31"
        r = self.triage.get(path)
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("Content-Type").startswith("text/csv"))
        self.assertTrue(r.body.startswith(b"\xef\xbb\xbf"), r.body[:10])
        text = r.body.decode("utf-8-sig")
        self.assertIn("Hässleholmen", text)
        self.assertIn("Skräp och nedskräpning", text)
        rows = list(csv.DictReader(io.StringIO(text)))
        self.assertEqual(list(rows[0].keys()), ["area", "area_name", "category", "category_name",
                                                "period", "count", "previous_count"])
        got = {(x["area"], x["category"], x["period"]): [int(x["count"]), int(x["previous_count"])]
               for x in rows}
        want = expected_counts(self.obs, "year", datetime.date(2024, 1, 1),
                               datetime.date(2026, 12, 31), ("area", "category"))
        self.assertEqual(got, want)
        # the public CSV leaves a suppressed count empty
        pub = self.srv.request("GET", path).body.decode("utf-8-sig")
        self.assertIn(",,", pub.replace("\r\n", ",\n"))

    def test_bad_questions_are_422_with_the_field(self):
        for q, field in (("by=colour", "by"), ("period=day", "period"), ("from=2026-13", "from"),
                         ("from=2026-05-01&to=2026-04-01", "from"), ("source=robot", "source"),
                         ("area=atlantis", "area"), ("to=yesterday", "to")):
            r = self.srv.request("GET", "/api/v1/stats?" + q)
            self.assertEqual(r.status, 422, (q, r))
            self.assertEqual(r.json()["error"]["field"], field, (q, r))
        r = self.srv.request("GET", "/api/v1/stats/hotspots?cell_m=300")
        self.assertEqual((r.status, r.json()["error"]["field"]), (422, "cell_m"))
        r = self.srv.request("GET", "/api/v1/stats/workflow?by=source")
        self.assertEqual((r.status, r.json()["error"]["field"]), (422, "by"))

    # --- hot spots ---------------------------------------------------------------------

    def test_hot_spots_are_ranked_cells_with_their_trend_and_emerging_flag(self):
        frm, to = datetime.date(2025, 1, 1), datetime.date(2026, 11, 25)
        b = self.get("/api/v1/stats/hotspots?cell_m=250&from=2025-01-01&to=2026-11-25&limit=500")
        self.assertEqual(b["type"], "FeatureCollection")
        self.assertEqual(b["quarters"], ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"])
        cells = collections.defaultdict(lambda: {"count": 0, "trend": [0, 0, 0, 0], "pts": []})
        for o in self.obs:
            c = cells[(math.floor(o["e"] / 250) * 250, math.floor(o["n"] / 250) * 250)]
            if frm <= o["date"] <= to:
                c["count"] += 1
                c["pts"].append((o["lon"], o["lat"]))
            if o["date"].year == 2026 and o["date"] <= to:
                c["trend"][(o["date"].month - 1) // 3] += 1
        want = sorted(((v["count"], k) for k, v in cells.items() if v["count"]),
                      key=lambda x: (-x[0], x[1][1], x[1][0]))
        got = [(f["properties"]["count"], (f["properties"]["origin_e"], f["properties"]["origin_n"]))
               for f in b["features"]]
        self.assertEqual(got, want)
        top = b["features"][0]["properties"]
        self.assertEqual(top["rank"], 1)
        self.assertGreaterEqual(top["count"], 5, "the dense corner of Centrum leads")
        for f in b["features"]:
            p = f["properties"]
            c = cells[(p["origin_e"], p["origin_n"])]
            self.assertEqual(p["trend"], c["trend"], p)
            before = sum(c["trend"][:3]) / 3
            emerging = c["trend"][3] >= MIN_COUNT and c["trend"][3] >= 2 * before and c["trend"][3] > before
            self.assertEqual(p["emerging"], emerging, p)
            self.assertEqual(p["cell"], "250mE%dN%d" % (p["origin_e"], p["origin_n"]))
            ring = f["geometry"]["coordinates"][0]
            self.assertEqual(len(ring), 5)
            lons, lats = [x[0] for x in ring], [x[1] for x in ring]
            for lon, lat in c["pts"]:
                self.assertTrue(min(lons) - 1e-5 <= lon <= max(lons) + 1e-5 and
                                min(lats) - 1e-5 <= lat <= max(lats) + 1e-5, (p, lon, lat))
        public = self.srv.request("GET", "/api/v1/stats/hotspots?cell_m=250&from=2025-01-01"
                                  "&to=2026-11-25&limit=500").json()
        self.assertEqual([f["properties"]["count"] for f in public["features"]],
                         [n for n, _ in want if n >= MIN_COUNT])
        for f in public["features"]:
            for t in f["properties"]["trend"]:
                self.assertTrue(t is None or t == 0 or t >= MIN_COUNT, f["properties"])

    # --- the workflow's figures --------------------------------------------------------

    def test_the_aggregates_kept_by_every_change_equal_a_rebuild(self):
        ids = [o["id"] for o in self.obs]
        lights = self.units["lights"]
        for i in ids[:6]:
            self.assertEqual(self.triage.post("/api/v1/cases/%d/assign" % i, {"unit_id": lights}).status, 200)
        self.assertEqual(self.triage.post("/api/v1/cases/%d/state" % ids[0], {"state": "resolved"}).status, 200)
        self.assertEqual(self.triage.post("/api/v1/cases/%d/state" % ids[1],
                                          {"state": "rejected", "reason": "other"}).status, 200)
        self.assertEqual(self.triage.post("/api/v1/cases/%d/state" % ids[1], {"state": "assigned"}).status, 200)
        self.assertEqual(self.triage.post("/api/v1/cases/%d/merge" % ids[2], {"into": ids[3]}).status, 200)
        self.assertEqual(self.triage.post("/api/v1/cases/%d/priority" % ids[4], {"priority": 1}).status, 200)
        tables = ("stats_counts", "stats_cells", "stats_flow", "stats_ttr", "stats_cases",
                  "stats_observations")

        def snapshot():
            con = sqlite3.connect(self.srv.db)
            try:
                out = {}
                for t in tables:
                    rows = con.execute("SELECT * FROM %s" % t).fetchall()
                    # rows a case moved away from stay behind as zeros: not a difference
                    out[t] = sorted(r for r in rows if t in ("stats_cases", "stats_observations")
                                    or any(isinstance(x, int) and x != 0 for x in r[-6:]))
                return out
            finally:
                con.close()
        before = snapshot()
        out = self.srv.cli("stats-rebuild").stdout
        self.assertIn("%d observations" % len(self.obs), out)
        after = snapshot()
        for t in tables:
            self.assertEqual(before[t], after[t], t)

    def test_times_to_resolve_backlog_and_overdue_per_unit(self):
        """History seeded straight into the tables (times a test cannot wait for), then counted
        with `trygg stats-rebuild`: the same code every change runs."""
        rnd = random.Random(5)
        ids = [o["id"] for o in self.obs[40:100]]
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        fmt = "%Y-%m-%dT%H:%M:%SZ"
        con = sqlite3.connect(self.srv.db)
        truth = collections.defaultdict(lambda: {"opened": 0, "resolved": 0, "rejected": 0,
                                                 "hours": [], "with_due": 0, "on_time": 0,
                                                 "backlog": 0, "overdue": 0})
        try:
            for n, cid in enumerate(ids):
                unit = "streets" if (n // 4) % 2 else "parks"
                created = datetime.datetime(2025, 1, 1, 8, tzinfo=datetime.timezone.utc) + \
                    datetime.timedelta(hours=rnd.randint(0, 9000))
                due = created + datetime.timedelta(days=14)
                t = truth[unit]
                t["opened"] += 1
                kind = n % 4
                con.execute("UPDATE cases SET unit_id = ?, created_at = ?, due_at = ?, state = ? "
                            "WHERE observation_id = ?",
                            (self.units[unit], created.strftime(fmt), due.strftime(fmt),
                             ("resolved", "rejected", "assigned", "assigned")[kind], cid))
                con.execute("UPDATE observations SET status = (SELECT state FROM cases WHERE "
                            "observation_id = ?) WHERE id = ?", (cid, cid))
                if kind == 0:
                    secs = rnd.randint(600, 40 * 86400)
                    at = created + datetime.timedelta(seconds=secs)
                    con.execute("INSERT INTO case_events (case_id, at, actor_label, kind, "
                                "from_value, to_value) VALUES (?, ?, 'test', 'state', 'assigned', "
                                "'resolved')", (cid, at.strftime(fmt)))
                    t["resolved"] += 1
                    t["hours"].append(math.ceil(secs / 3600))
                    t["with_due"] += 1
                    t["on_time"] += at <= due
                elif kind == 1:
                    con.execute("INSERT INTO case_events (case_id, at, actor_label, kind, "
                                "from_value, to_value) VALUES (?, ?, 'test', 'state', 'assigned', "
                                "'rejected')", (cid, (created + datetime.timedelta(days=1)).strftime(fmt)))
                    t["rejected"] += 1
                else:
                    t["backlog"] += 1
                    t["overdue"] += due < now
            con.commit()
        finally:
            con.close()
        self.srv.cli("stats-rebuild")
        b = self.get("/api/v1/stats/workflow?by=unit&from=2025-01-01&to=2026-12-31&unit=streets,parks")
        rows = {r["unit"]: r for r in b["rows"]}
        for unit in ("streets", "parks"):
            t, r = truth[unit], rows[unit]
            self.assertEqual((r["opened"], r["resolved"], r["rejected"], r["backlog"], r["overdue"]),
                             (t["opened"], t["resolved"], t["rejected"], t["backlog"], t["overdue"]),
                             unit)
            self.assertEqual(r["median_hours"], nearest_rank(t["hours"], 0.5), unit)
            self.assertEqual(r["p90_hours"], nearest_rank(t["hours"], 0.9), unit)
            self.assertAlmostEqual(r["resolved_within_due"], t["on_time"] / t["with_due"], places=9)
        by_cat = self.get("/api/v1/stats/workflow?by=unit,category&from=2025-01-01&to=2026-12-31")
        self.assertEqual(sum(r["opened"] or 0 for r in by_cat["rows"] if r["unit"] == "parks"),
                         truth["parks"]["opened"])

    # --- the situation picture ----------------------------------------------------------

    def test_situation_of_a_year_per_area_with_ranking_and_roles(self):
        b = self.get("/api/v1/situation?year=2025")
        self.assertEqual(b["period"]["key"], "2025")
        self.assertEqual((b["previous"], b["year_before"]), ("2024", "2024"))
        per = {a["area"]["code"] if a["area"] else None: a for a in b["areas"]}
        for code in USED_AREAS:
            mine = [o for o in self.obs if o["area"] == code]
            self.assertEqual(per[code]["count"], sum(o["date"].year == 2025 for o in mine), code)
            self.assertEqual(per[code]["previous"], sum(o["date"].year == 2024 for o in mine), code)
        self.assertEqual(b["totals"]["count"], sum(o["date"].year == 2025 for o in self.obs))
        scores = [r["score"] for r in b["ranking"]]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertEqual([r["rank"] for r in b["ranking"]], list(range(1, len(scores) + 1)))
        self.assertEqual(set(b["weights"]), {"count", "unsafe", "trend", "unresolved"})
        walks = [w for a in b["areas"] for w in a["walks"]]
        self.assertIn(self.walk["code"], [w["code"] for w in walks])
        self.assertEqual(self.srv.request("GET", "/api/v1/situation?year=2025").status, 401)
        self.assertEqual(self.organiser.get("/api/v1/situation?quarter=2025-Q4").status, 200)
        for q in ("week=2025-W60", "quarter=2025-Q5", "year=2025&week=2025-W01", "month=2025"):
            self.assertEqual(self.triage.get("/api/v1/situation?" + q).status, 422, q)

    def test_situation_of_a_week_counts_iso_weeks(self):
        wk = max(self.obs, key=lambda o: o["date"])["date"].isocalendar()
        name = "%04d-W%02d" % (wk[0], wk[1])
        b = self.get("/api/v1/situation?week=" + name)
        in_week = [o for o in self.obs if o["date"].isocalendar()[:2] == wk[:2]]
        self.assertEqual(b["totals"]["count"], len(in_week))
        self.assertGreaterEqual(len(in_week), 1)

    def test_situation_pdf_names_every_areas_figures(self):
        r = self.triage.get("/api/v1/situation.pdf?year=2025")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("Content-Type"), "application/pdf")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(r.body)
            f.flush()
            text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True,
                                  text=True, check=True).stdout
        self.assertIn("Lägesbild", text)
        self.assertIn("År 2025", text)
        b = self.get("/api/v1/situation?year=2025")
        for a in b["areas"]:
            if not a["area"]:
                continue
            line = r"%s\s+%d\s+%d\s+%d\b" % (re.escape(a["area"]["name"]), a["count"],
                                              a["previous"], a["year_before"])
            self.assertRegex(text, line, a["area"]["name"])
        en = self.triage.get("/api/v1/situation.pdf?year=2025&lang=en")
        self.assertEqual(en.status, 200)

    # --- the city's indicators ------------------------------------------------------------

    def test_indicators_import_all_or_nothing_idempotent_and_listed_beside_counts(self):
        good = ("\ufeffarea,year,indicator,value,source\r\n"
                "centrum,2025,unsafe_night_share,31.5,\"Trygghetsmätning 2025, Borås Stad\"\r\n"
                "centrum,2024,unsafe_night_share,34,Trygghetsmätning 2024\r\n"
                "norrby,2025,crimes_per_1000,\"12,4\",Polisen (anmälda brott)\r\n")
        d = tempfile.mkdtemp()
        path = os.path.join(d, "ind.csv")
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(good)
        out = self.srv.cli("import-indicators", path).stdout
        self.assertIn("3 rows", out)
        self.assertIn("3 new", out)
        again = self.srv.cli("import-indicators", path).stdout
        self.assertIn("0 new, 0 changed, 3 unchanged", again)
        bad = [
            ("area,year,indicator,value\r\ncentrum,2025,x,1\r\n", "line 1"),
            ("area,year,indicator,value,source\r\ncentrum,2025,a,1,s\r\natlantis,2025,a,1,s\r\n",
             "line 3, column area"),
            ("area,year,indicator,value,source\r\ncentrum,1850,a,1,s\r\n", "line 2, column year"),
            ("area,year,indicator,value,source\r\ncentrum,2025,a,many,s\r\n", "line 2, column value"),
            ("area,year,indicator,value,source\r\ncentrum,2025,a,1,s\r\ncentrum,2025,a,2,s\r\n",
             "line 3, column indicator"),
        ]
        con = sqlite3.connect(self.srv.db)
        count = lambda: con.execute("SELECT count(*) FROM indicators").fetchone()[0]  # noqa: E731
        try:
            for text, where in bad:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
                p = self.srv.cli("import-indicators", path, check=False)
                self.assertEqual(p.returncode, 1, text)
                self.assertIn(where, p.stderr, text)
                self.assertIn("nothing was imported", p.stderr)
                self.assertEqual(count(), 3, text)
        finally:
            con.close()
        b = self.srv.request("GET", "/api/v1/indicators?area=centrum").json()
        rows = {(r["indicator"], r["year"]): r for r in b["indicators"]}
        self.assertEqual(rows[("unsafe_night_share", 2025)]["value"], 31.5)
        self.assertEqual(rows[("unsafe_night_share", 2025)]["source"],
                         "Trygghetsmätning 2025, Borås Stad")
        n2025 = sum(o["area"] == "centrum" and o["date"].year == 2025 for o in self.obs)
        self.assertEqual(rows[("unsafe_night_share", 2025)]["observations"],
                         n2025 if n2025 >= MIN_COUNT else None)
        staff_rows = self.get("/api/v1/indicators?indicator=crimes_per_1000")["indicators"]
        self.assertEqual([(r["area"], r["value"]) for r in staff_rows], [("norrby", 12.4)])


if __name__ == "__main__":
    unittest.main(verbosity=2)
