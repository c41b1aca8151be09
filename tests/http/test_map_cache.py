"""Public map and list answers a reverse proxy or CDN may keep (issue 13): ETag and
Cache-Control on the clusters, the public list and a report's public view; If-None-Match
gives 304 without the body; the ETag changes after a new report and after the office hides
one; staff answers are never marked public. Also the clusters after many reports: the
counts the aggregates give agree with what was filed, at every zoom."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from staff_client import staff  # noqa: E402
from trygg_server import TryggServer  # noqa: E402

SPOTS = iter((12.85 + i * 0.003, 57.70) for i in range(200))
MAP = "/api/v1/map/clusters?zoom=10&bbox=12.5,57.5,13.5,58"
LIST = "/api/v1/observations?limit=20&bbox=12.5,57.5,13.5,58"


class PublicCaching(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer().start()
        cls.tove = staff(cls.srv, "tove", "triage")

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def file(self, **kw):
        lon, lat = next(SPOTS)
        r = self.srv.post_observation(lon=lon, lat=lat, **kw)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def etag(self, path):
        r = self.srv.request("GET", path)
        self.assertEqual(r.status, 200, r)
        cc = r.header("Cache-Control")
        self.assertIn("public", cc)
        self.assertIn("max-age=", cc)
        self.assertIn("stale-while-revalidate=", cc)
        tag = r.header("ETag")
        self.assertTrue(tag and tag.startswith('"'), r.headers)
        return tag, r

    def test_public_answers_carry_an_etag_and_answer_304_when_unchanged(self):
        o = self.file()
        for path in (MAP, LIST, "/api/v1/observations/%d" % o["id"]):
            tag, first = self.etag(path)
            again = self.srv.request("GET", path, headers={"If-None-Match": tag})
            self.assertEqual(again.status, 304, path)
            self.assertEqual(again.body, b"")
            self.assertEqual(again.header("ETag"), tag)
            self.assertIn("public", again.header("Cache-Control"))
            listed = self.srv.request("GET", path, headers={"If-None-Match": '"x", ' + tag})
            self.assertEqual(listed.status, 304, path)
            other = self.srv.request("GET", path, headers={"If-None-Match": '"p0-0"'})
            self.assertEqual(other.status, 200, path)
            self.assertEqual(other.body, first.body)

    def test_a_different_question_has_a_different_etag(self):
        a, _ = self.etag(MAP)
        b, _ = self.etag(MAP.replace("zoom=10", "zoom=11"))
        c, _ = self.etag(MAP + "&category=litter")
        self.assertEqual(len({a, b, c}), 3)

    def test_the_etag_changes_after_a_new_report_and_after_a_hide(self):
        tag, before = self.etag(MAP)
        total = before.json()["total"]
        list_tag, _ = self.etag(LIST)
        o = self.file(category="litter")
        r = self.srv.request("GET", MAP, headers={"If-None-Match": tag})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["total"], total + 1)
        self.assertNotEqual(r.header("ETag"), tag)
        self.assertEqual(self.srv.request("GET", LIST, headers={"If-None-Match": list_tag}).status, 200)
        tag = r.header("ETag")
        one_tag, _ = self.etag("/api/v1/observations/%d" % o["id"])
        h = self.tove.post("/api/v1/cases/%d/visibility" % o["id"], {"public": False})
        self.assertEqual(h.status, 200, h)
        r = self.srv.request("GET", MAP, headers={"If-None-Match": tag})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["total"], total)
        self.assertNotEqual(r.header("ETag"), tag)
        gone = self.srv.request("GET", "/api/v1/observations/%d" % o["id"],
                                headers={"If-None-Match": one_tag})
        self.assertEqual(gone.status, 404)
        self.assertNotIn("public", gone.header("Cache-Control") or "")
        # shown again: counted again
        self.assertEqual(self.tove.post("/api/v1/cases/%d/visibility" % o["id"], {"public": True}).status, 200)
        self.assertEqual(self.srv.request("GET", MAP).json()["total"], total + 1)

    def test_a_state_change_moves_the_report_between_status_filters(self):
        o = self.file(category="graffiti")
        near = "/api/v1/map/clusters?zoom=16&bbox=%f,%f,%f,%f" % (
            o["lon"] - 0.0005, o["lat"] - 0.0005, o["lon"] + 0.0005, o["lat"] + 0.0005)
        wide = MAP + "&category=graffiti"
        was = o["status"]
        to = "in_progress" if was != "in_progress" else "resolved"
        was_before = self.srv.request("GET", wide + "&status=" + was).json()["total"]
        to_before = self.srv.request("GET", wide + "&status=" + to).json()["total"]
        self.assertGreaterEqual(was_before, 1)
        r = self.tove.post("/api/v1/cases/%d/state" % o["id"], {"state": to})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.srv.request("GET", wide + "&status=" + was).json()["total"], was_before - 1)
        self.assertEqual(self.srv.request("GET", wide + "&status=" + to).json()["total"], to_before + 1)
        one = self.srv.request("GET", near).json()["clusters"]
        self.assertEqual([(c["id"], c["status"]) for c in one if c["count"] == 1 and c["id"] == o["id"]],
                         [(o["id"], to)])

    def test_staff_answers_are_never_public(self):
        self.file()
        for path in ("/api/v1/cases?limit=5", "/api/v1/auth/me", "/api/v1/cases/1"):
            r = self.tove.get(path)
            if r.status == 404:
                continue
            self.assertEqual(r.status, 200, (path, r))
            self.assertNotIn("public", r.header("Cache-Control") or "", path)
            self.assertIsNone(r.header("ETag"), path)

    def test_clusters_count_every_report_at_every_zoom(self):
        # Clusters are whole cells of the zoom's grid (the box is widened to the cells it
        # touches), so other tests' reports near the box may be counted too: count what
        # was there before, then every one of the 40 must add exactly one at every zoom.
        box = "13.0995,57.7995,13.1440,57.8060"
        url = "/api/v1/map/clusters?category=path&zoom=%d&bbox=" + box
        before = {z: self.srv.request("GET", url % z).json()["total"] for z in range(4, 19)}
        spots = [(13.10 + i * 0.0011, 57.80 + (i % 7) * 0.0009) for i in range(40)]
        for lon, lat in spots:
            self.assertEqual(self.srv.post_observation(lon=lon, lat=lat, category="path").status, 201)
        for zoom in range(4, 19):
            r = self.srv.request("GET", url % zoom)
            self.assertEqual(r.status, 200, r)
            body = r.json()
            self.assertEqual(body["total"], before[zoom] + 40, zoom)
            self.assertEqual(sum(c["count"] for c in body["clusters"]), body["total"], zoom)
            self.assertEqual(sum(sum(c["categories"].values()) for c in body["clusters"]), body["total"])

    def test_a_cluster_is_its_whole_cell(self):
        # Two reports in one level-12 cell (zoom 10): a box that cuts the cell between
        # them still shows the cluster with both, as a tiled map would.
        # Other tests' reports may share the cell: count before, then expect two more.
        a, b = (12.9700, 57.7300), (12.9790, 57.7300)
        box = "12.9650,57.7250,12.9745,57.7350"  # holds a, not b
        url = "/api/v1/map/clusters?category=lighting&zoom=10&bbox=" + box
        before = self.srv.request("GET", url).json()["total"]
        for lon, lat in (a, b):
            self.assertEqual(self.srv.post_observation(lon=lon, lat=lat, category="lighting").status, 201)
        body = self.srv.request("GET", url).json()
        self.assertEqual(body["total"], before + 2, body)

if __name__ == "__main__":
    unittest.main()
