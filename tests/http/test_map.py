"""Nearby reports, 'me too' support, and the public map's cluster endpoint (issue 4)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from trygg_server import TryggServer, new_client_id  # noqa: E402

M_LAT = 1 / 111_320.0  # degrees of latitude per metre, near enough for placing test points


class NearbyAndClusters(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer().start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def test_nearby_lists_open_reports_of_the_category_nearest_first(self):
        lon, lat = 12.9600, 57.7300
        far = self.srv.post_observation(category="vegetation", lon=lon, lat=lat + 80 * M_LAT).json()
        near = self.srv.post_observation(category="vegetation", lon=lon, lat=lat + 10 * M_LAT).json()
        mid = self.srv.post_observation(category="vegetation", lon=lon, lat=lat + 30 * M_LAT).json()
        other = self.srv.post_observation(category="litter", lon=lon, lat=lat + 5 * M_LAT).json()
        r = self.srv.request("GET", "/api/v1/observations/nearby?lon=%f&lat=%f&category=vegetation&radius_m=50"
                             % (lon, lat))
        self.assertEqual(r.status, 200, r)
        got = r.json()["observations"]
        self.assertEqual([o["id"] for o in got], [near["id"], mid["id"]])
        self.assertAlmostEqual(got[0]["distance_m"], 10, delta=0.5)
        self.assertAlmostEqual(got[1]["distance_m"], 30, delta=0.5)
        for o in got:
            self.assertNotIn("reporter", o)
        self.assertNotIn(far["id"], [o["id"] for o in got])
        self.assertNotIn(other["id"], [o["id"] for o in got])

    def test_nearby_rejects_bad_parameters(self):
        for q, field in [("lat=57.7", "lon"), ("lon=12.9", "lat"), ("lon=12.9&lat=57.7&radius_m=9999", "radius_m"),
                         ("lon=12.9&lat=57.7&category=a,b", "category"), ("lon=x&lat=57.7", "lon")]:
            r = self.srv.request("GET", "/api/v1/observations/nearby?" + q)
            self.assertEqual(r.status, 422, q)
            self.assertEqual(r.json()["error"]["field"], field, q)

    def test_support_counts_each_phone_once(self):
        o = self.srv.post_observation(category="hidden").json()
        self.assertEqual(o["support_count"], 0)
        phone = new_client_id()
        a = self.srv.request("POST", "/api/v1/observations/%d/support" % o["id"], {"client_id": phone})
        b = self.srv.request("POST", "/api/v1/observations/%d/support" % o["id"], {"client_id": phone})
        c = self.srv.request("POST", "/api/v1/observations/%d/support" % o["id"], {"client_id": new_client_id()})
        self.assertEqual((a.status, b.status, c.status), (201, 200, 201))
        self.assertEqual(c.json()["support_count"], 2)
        self.assertEqual(self.srv.request("GET", "/api/v1/observations/%d" % o["id"]).json()["support_count"], 2)
        bad = self.srv.request("POST", "/api/v1/observations/%d/support" % o["id"], {"client_id": "x"})
        self.assertEqual(bad.status, 422)
        missing = self.srv.request("POST", "/api/v1/observations/99999999/support", {"client_id": phone})
        self.assertEqual(missing.status, 404)

    def test_clusters_aggregate_by_zoom_and_filter(self):
        # Twelve lighting reports in a tight spot (a few metres apart) and one graffiti report 2 km away.
        base_lon, base_lat = 12.8500, 57.7000
        for i in range(12):
            self.srv.post_observation(category="lighting", lon=base_lon + i * 0.00002, lat=base_lat)
        g = self.srv.post_observation(category="graffiti", lon=base_lon + 0.03, lat=base_lat).json()
        bbox = "%f,%f,%f,%f" % (base_lon - 0.005, base_lat - 0.005, base_lon + 0.035, base_lat + 0.005)
        r = self.srv.request("GET", "/api/v1/map/clusters?bbox=%s&zoom=12" % bbox)
        self.assertEqual(r.status, 200, r)
        body = r.json()
        self.assertEqual(body["total"], 13)
        by_count = sorted(body["clusters"], key=lambda c: -c["count"])
        self.assertEqual(by_count[0]["count"], 12)
        self.assertEqual(by_count[0]["categories"], {"lighting": 12})
        self.assertAlmostEqual(by_count[0]["lat"], base_lat, places=5)
        single = [c for c in body["clusters"] if c["count"] == 1]
        self.assertEqual([c["id"] for c in single], [g["id"]])
        self.assertEqual(single[0]["status"], "assigned")  # routed to the cleaning unit
        # Zoomed right in, the twelve (1.2 m apart) fall into several cells.
        deep = self.srv.request("GET", "/api/v1/map/clusters?bbox=%s&zoom=22" % bbox).json()
        self.assertGreater(len(deep["clusters"]), 2)
        self.assertEqual(sum(c["count"] for c in deep["clusters"]), 13)
        # Filters.
        only_g = self.srv.request("GET", "/api/v1/map/clusters?bbox=%s&zoom=12&category=graffiti" % bbox).json()
        self.assertEqual(only_g["total"], 1)
        none = self.srv.request("GET", "/api/v1/map/clusters?bbox=%s&zoom=12&status=resolved" % bbox).json()
        self.assertEqual(none["total"], 0)
        future = self.srv.request("GET", "/api/v1/map/clusters?bbox=%s&zoom=12&since=2030-01-01T00:00:00Z" % bbox)
        self.assertEqual(future.json()["total"], 0)

    def test_clusters_area_filter(self):
        whole = "12.6,57.5,13.4,58.0"
        all_ = self.srv.request("GET", "/api/v1/map/clusters?bbox=%s&zoom=5" % whole).json()["total"]
        centrum = self.srv.request("GET", "/api/v1/map/clusters?bbox=%s&zoom=5&area=centrum" % whole).json()
        self.assertGreater(centrum["total"], 0)
        self.assertLess(centrum["total"], all_)

    def test_clusters_reject_bad_parameters(self):
        for q, field in [("zoom=3", "bbox"), ("bbox=12,57,13,58", "zoom"), ("bbox=12,57,13,58&zoom=30", "zoom"),
                         ("bbox=12,57,13&zoom=3", "bbox"), ("bbox=12,57,13,58&zoom=3&status=a%20b", "status")]:
            r = self.srv.request("GET", "/api/v1/map/clusters?" + q)
            self.assertEqual(r.status, 422, q)
            self.assertEqual(r.json()["error"]["field"], field, q)


if __name__ == "__main__":
    unittest.main(verbosity=2)
