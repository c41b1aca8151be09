"""Keyset paging (issue 13): walking every page of the public list (both of its plans) and of
the staff queue (every sort order) by cursor gives every row exactly once, in order, even
when new reports arrive between pages; the old numeric queue cursors (offsets) still work;
a cursor the server did not give out is a 400 naming the field "cursor"."""
import os
import sys
import threading
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from staff_client import staff  # noqa: E402
from trygg_server import TryggServer, new_client_id  # noqa: E402

BBOX = (12.9500, 57.7000, 12.9600, 57.7050)
BBOX_S = "%.4f,%.4f,%.4f,%.4f" % BBOX
CATS = ("lighting", "litter", "graffiti")


def inside(i):
    return BBOX[0] + 0.0004 * (i % 20 + 1), BBOX[1] + 0.0002 * (i % 19 + 1)


def path_of(href):
    u = urllib.parse.urlsplit(href)
    return u.path + "?" + u.query


class PublicListPaging:
    """Shared by the two plans: config picks which one serves the bbox."""
    CONFIG = ""

    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer(config_text=cls.CONFIG).start()
        cls.ids = [cls.srv.post_observation(category="graffiti", lon=inside(i)[0],
                                            lat=inside(i)[1]).json()["id"] for i in range(23)]
        cls.srv.post_observation(category="graffiti", lon=12.99, lat=57.74)  # outside the bbox
        cls.srv.post_observation(category="litter", lon=inside(3)[0], lat=inside(3)[1])

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.srv.cleanup()

    def walk(self, url, between=None):
        seen, pages = [], 0
        while url:
            r = self.srv.request("GET", url)
            self.assertEqual(r.status, 200, r)
            fc = r.json()
            seen += [f["id"] for f in fc["features"]]
            nxt = [l["href"] for l in fc["links"] if l["rel"] == "next"]
            url = path_of(nxt[0]) if nxt else None
            pages += 1
            self.assertLess(pages, 50)
            if between:
                between(pages)
        return seen, pages

    def test_every_page_by_cursor_once_newest_first_while_reports_arrive(self):
        before = set(self.ids)
        added = []

        def file_more(page):  # newer reports land above the cursor: not in later pages
            added.append(self.srv.post_observation(category="graffiti", lon=inside(page)[0],
                                                   lat=inside(page)[1]).json()["id"])

        seen, pages = self.walk("/api/v1/observations?bbox=%s&category=graffiti&limit=4" % BBOX_S,
                                file_more)
        self.assertEqual(len(seen), len(set(seen)))               # no duplicates
        self.assertEqual(seen, sorted(seen, reverse=True))         # newest first throughout
        self.assertTrue(before <= set(seen), before - set(seen))   # no gaps
        self.assertEqual(set(seen) - before - set(added), set())   # nothing from elsewhere
        self.assertGreaterEqual(pages, 6)
        self.ids += added

    def test_the_last_page_of_a_walk_matches_one_big_page(self):
        big = self.srv.request("GET", "/api/v1/observations?bbox=%s&category=graffiti&limit=200"
                               % BBOX_S).json()
        seen, _ = self.walk("/api/v1/observations?bbox=%s&category=graffiti&limit=3" % BBOX_S)
        self.assertEqual(seen, [f["id"] for f in big["features"]])

    def test_a_listed_report_carries_what_its_own_page_shows(self):
        """Support count and unit come with every row of the page, whichever plan."""
        oid = self.ids[5]
        for _ in range(2):
            r = self.srv.request("POST", "/api/v1/observations/%d/support" % oid,
                                 {"client_id": new_client_id()})
            self.assertIn(r.status, (200, 201), r)
        one = self.srv.request("GET", "/api/v1/observations/%d" % oid).json()
        listed = self.srv.request("GET", "/api/v1/observations?bbox=%s&limit=200" % BBOX_S).json()
        row = [f for f in listed["features"] if f["id"] == oid]
        self.assertEqual(len(row), 1)
        self.assertEqual(row[0]["properties"]["support_count"], 2)
        same = {k: v for k, v in one.items() if k not in ("lon", "lat")}
        self.assertEqual(row[0]["properties"], same)
        self.assertEqual(row[0]["geometry"]["coordinates"], [one["lon"], one["lat"]])
        self.assertEqual([f["id"] for f in listed["features"]],
                         sorted((f["id"] for f in listed["features"]), reverse=True))

    def test_a_bad_cursor_is_a_400_naming_cursor(self):
        for c in ("abc", "0", "-3", "9" * 40, "p.1.2"):
            r = self.srv.request("GET", "/api/v1/observations?bbox=%s&cursor=%s" % (BBOX_S, c))
            self.assertIn(r.status, (400, 422), (c, r))
            self.assertEqual(r.json()["error"]["field"], "cursor", c)
        r = self.srv.request("GET", "/api/v1/observations?cursor=abc")
        self.assertEqual(r.status, 400, r)


class PublicListFromTheIndex(PublicListPaging, unittest.TestCase):
    """The walk fills no page (it may read one id): the box's R*Tree candidates, sorted."""
    CONFIG = "list_walk_rows = 1\n"


class PublicListWalkingIds(PublicListPaging, unittest.TestCase):
    """Every page filled by walking the newest ids down (a city-wide box at 1 M)."""
    CONFIG = "list_walk_rows = 100000\n"


class PublicListWalkThenIndex(PublicListPaging, unittest.TestCase):
    """A short walk: some pages filled by it, the rest (reports outside the box in between)
    from the R*Tree; one order throughout, nothing twice, nothing missed."""
    CONFIG = "list_walk_rows = 6\n"


class PublicListLongPage(unittest.TestCase):
    """A page of many rows with a bbox: every id of it, from either plan (a page of 1000
    ids at a million observations is 7 000 bytes of ids)."""

    def test_a_page_of_hundreds_in_a_box(self):
        with TryggServer() as srv:
            ids, lock = [], threading.Lock()

            def file(k):
                for i in range(k, 320, 8):
                    r = srv.post_observation(category="litter", lon=inside(i)[0],
                                             lat=inside(i)[1])
                    with lock:
                        ids.append(r.json()["id"])

            threads = [threading.Thread(target=file, args=(k,)) for k in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(len(ids), 320)
            for limit in (1000, 300):
                r = srv.request("GET", "/api/v1/observations?bbox=%s&category=litter&limit=%d"
                                % (BBOX_S, limit))
                self.assertEqual(r.status, 200, r)
                got = [f["id"] for f in r.json()["features"]]
                self.assertEqual(got, sorted(ids, reverse=True)[:limit])


def sort_key(sort):
    if sort == "created":
        return lambda c: c["id"]
    if sort == "priority":
        return lambda c: (c["priority"], -c["id"])
    if sort == "due":
        return lambda c: (c["due_at"] is None, c["due_at"] or "", -c["id"])
    return lambda c: -c["id"]


class QueuePaging(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer().start()
        cls.triage = staff(cls.srv, "tina", "triage")
        cls.ids = [cls.srv.post_observation(category=CATS[i % 3], description="queue %d" % i)
                   .json()["id"] for i in range(26)]
        for n, cid in enumerate(cls.ids[::3]):  # ties and differences in priority and due date
            r = cls.triage.post("/api/v1/cases/%d/priority" % cid, {"priority": 1 + n % 3})
            assert r.status == 200, r

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.srv.cleanup()

    def walk(self, sort, limit=4, between=None):
        url = "/api/v1/cases?category=%s&sort=%s&limit=%d" % (",".join(CATS), sort, limit)
        rows, pages = [], 0
        while url:
            r = self.triage.get(url)
            self.assertEqual(r.status, 200, r)
            body = r.json()
            rows += body["cases"]
            self.assertLessEqual(len(body["cases"]), limit)
            self.assertFalse(body["total_capped"])
            url = None
            if body["next"]:
                self.assertFalse(body["next"].isdigit(), body["next"])  # a keyset cursor
                url = "/api/v1/cases?category=%s&sort=%s&limit=%d&cursor=%s" % (
                    ",".join(CATS), sort, limit, urllib.parse.quote(body["next"]))
            pages += 1
            self.assertLess(pages, 60)
            if between and url:
                between(pages)
        return rows, pages

    def test_every_sort_order_pages_by_cursor_without_gaps_or_duplicates(self):
        for sort in ("-created", "created", "priority", "due"):
            with self.subTest(sort=sort):
                everything = self.triage.get("/api/v1/cases?category=%s&sort=%s&limit=500"
                                             % (",".join(CATS), sort)).json()["cases"]
                before = {c["id"] for c in everything}
                added = []

                def file_more(page):
                    added.append(self.srv.post_observation(category=CATS[page % 3],
                                                           description="between %s" % sort)
                                 .json()["id"])

                rows, pages = self.walk(sort, between=file_more)
                ids = [c["id"] for c in rows]
                self.assertEqual(len(ids), len(set(ids)))                  # no duplicates
                self.assertTrue(before <= set(ids), before - set(ids))     # no gaps
                self.assertEqual(set(ids) - before - set(added), set())
                self.assertEqual(rows, sorted(rows, key=sort_key(sort)))   # in the sort's order
                self.assertGreaterEqual(pages, 7)
                # Without inserts, the pages are exactly the one big page.
                rows2, _ = self.walk(sort, limit=5)
                everything = self.triage.get("/api/v1/cases?category=%s&sort=%s&limit=500"
                                             % (",".join(CATS), sort)).json()["cases"]
                self.assertEqual([c["id"] for c in rows2], [c["id"] for c in everything])

    def test_old_numeric_cursors_are_offsets(self):
        everything = self.triage.get("/api/v1/cases?sort=priority&limit=500").json()["cases"]
        page = self.triage.get("/api/v1/cases?sort=priority&limit=3&cursor=4").json()
        self.assertEqual([c["id"] for c in page["cases"]], [c["id"] for c in everything[4:7]])
        self.assertEqual(page["next"], "7")

    def test_a_bad_cursor_is_a_400_naming_cursor(self):
        first = self.triage.get("/api/v1/cases?sort=priority&limit=2").json()
        for sort, c in (("priority", "zzz"), ("priority", "p.9.12"), ("priority", "p.1.0"),
                        ("due", first["next"]), ("created", "n..5"), ("-created", "n.x.5"),
                        ("due", "d..5"), ("due", "d.2026-01-01'--.5")):
            r = self.triage.get("/api/v1/cases?sort=%s&cursor=%s" % (sort, urllib.parse.quote(c)))
            self.assertEqual(r.status, 400, (sort, c, r))
            self.assertEqual(r.json()["error"]["field"], "cursor", (sort, c))


if __name__ == "__main__":
    unittest.main()
