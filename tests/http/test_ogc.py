"""OGC API - Features (issue 12) as GIS clients meet it: GDAL's OAPIF driver lists the
collections and copies every feature (paging, bbox) into a GeoPackage; the API's own
rules: absolute next links that keep every filter, limit clamped, unknown parameters
refused, landing page with and without the slash, an HTML view, no contact details."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from trygg_server import TryggServer  # noqa: E402

CENTRUM_BBOX = "12.925,57.713,12.955,57.728"


class Ogc(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer(config_text="access_log = all\n").start()  # counts the pages GDAL asks for
        cls.base = "http://127.0.0.1:%d" % cls.srv.port
        for i in range(23):  # more than a page, some in the centre
            r = cls.srv.post_observation(lon=12.93 + (i % 5) * 0.004, lat=57.715 + (i // 5) * 0.002,
                                         category="litter" if i % 2 else "lighting",
                                         description="Punkt %d" % i,
                                         reporter={"email": "hemlig%d@example.se" % i,
                                                   "phone": "070-000%04d" % i})
            assert r.status == 201, r
        cls.tmp = tempfile.mkdtemp(prefix="trygg-ogc-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        cls.srv.__exit__(None, None, None)

    def gdal(self, *args):
        p = subprocess.run(list(args), capture_output=True, text=True, timeout=180)
        self.assertEqual(p.returncode, 0, p.stderr + p.stdout)
        return p.stdout

    def total(self):
        return self.srv.request("GET", "/ogc/collections/observations/items?limit=1").json()["numberMatched"]

    def test_ogrinfo_lists_the_collections(self):
        out = self.gdal("ogrinfo", "-ro", "OAPIF:%s/ogc" % self.base)
        self.assertIn("observations", out)
        self.assertIn("areas", out)
        self.assertIn("walks", out)
        out = self.gdal("ogrinfo", "-ro", "-so", "OAPIF:%s/ogc" % self.base, "observations")
        self.assertIn("Feature Count: %d" % self.total(), out)
        self.assertIn('ID["EPSG",4326]', out)

    def test_ogr2ogr_copies_every_feature_through_several_pages(self):
        out = os.path.join(self.tmp, "all.gpkg")
        self.gdal("ogr2ogr", "-f", "GPKG", out, "OAPIF:%s/ogc" % self.base, "observations",
                  "-oo", "PAGE_SIZE=7")
        info = self.gdal("ogrinfo", "-ro", "-so", out, "observations")
        self.assertIn("Feature Count: %d" % self.total(), info)
        log = self.srv.read_log()
        self.assertGreaterEqual(log.count("GET /ogc/collections/observations/items 200"), 4)
        areas = os.path.join(self.tmp, "areas.gpkg")
        self.gdal("ogr2ogr", "-f", "GPKG", areas, "OAPIF:%s/ogc" % self.base, "areas", "-oo",
                  "PAGE_SIZE=4")
        self.assertIn("Feature Count: 9", self.gdal("ogrinfo", "-ro", "-so", areas, "areas"))
        dump = self.gdal("ogrinfo", "-ro", "-al", out)
        self.assertNotIn("hemlig", dump)
        self.assertNotIn("070-000", dump)

    def test_ogr2ogr_with_a_bbox_follows_next_links_that_keep_it(self):
        inside = self.srv.request("GET", "/ogc/collections/observations/items?limit=1000&bbox="
                                  + CENTRUM_BBOX).json()
        n = inside["numberMatched"]
        self.assertTrue(0 < n < self.total(), n)
        out = os.path.join(self.tmp, "bbox.gpkg")
        minx, miny, maxx, maxy = CENTRUM_BBOX.split(",")
        self.gdal("ogr2ogr", "-f", "GPKG", out, "OAPIF:%s/ogc" % self.base, "observations",
                  "-spat", minx, miny, maxx, maxy, "-oo", "PAGE_SIZE=3")
        self.assertIn("Feature Count: %d" % n, self.gdal("ogrinfo", "-ro", "-so", out, "observations"))

    def test_next_links_are_absolute_and_keep_every_filter(self):
        q = "bbox=%s&category=litter&datetime=2020-01-01T00:00:00Z/..&limit=2" % CENTRUM_BBOX
        page = self.srv.request("GET", "/ogc/collections/observations/items?" + q).json()
        seen = []
        while True:
            seen += [f["id"] for f in page["features"]]
            self.assertTrue(all(f["properties"]["category"] == "litter" for f in page["features"]))
            nxt = [l["href"] for l in page["links"] if l["rel"] == "next"]
            if not nxt:
                break
            url = urllib.parse.urlparse(nxt[0])
            self.assertEqual(url.scheme, "http")
            params = urllib.parse.parse_qs(url.query)
            self.assertEqual(params["bbox"], [CENTRUM_BBOX])
            self.assertEqual(params["category"], ["litter"])
            self.assertEqual(params["datetime"], ["2020-01-01T00:00:00Z/.."])
            page = self.srv.request("GET", url.path + "?" + url.query).json()
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(len(seen), page["numberMatched"])

    def test_landing_conformance_collections_and_rules(self):
        for path in ("/ogc", "/ogc/"):
            r = self.srv.request("GET", path)
            self.assertEqual(r.status, 200, path)
            rels = {l["rel"]: l["href"] for l in r.json()["links"]}
            self.assertTrue(rels["service-desc"].startswith("http"))
            self.assertTrue(rels["data"].endswith("/ogc/collections"))
        conf = self.srv.request("GET", "/ogc/conformance").json()["conformsTo"]
        self.assertIn("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core", conf)
        self.assertIn("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson", conf)
        cols = self.srv.request("GET", "/ogc/collections").json()["collections"]
        self.assertEqual([c["id"] for c in cols], ["observations", "areas", "walks"])
        bbox = cols[0]["extent"]["spatial"]["bbox"][0]
        self.assertTrue(12 < bbox[0] < bbox[2] < 14 and 57 < bbox[1] < bbox[3] < 58, bbox)
        r = self.srv.request("GET", "/ogc/collections/observations/items?limit=100000")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Type"), "application/geo+json")
        self.assertLessEqual(r.json()["numberReturned"], 1000)
        self.assertEqual(self.srv.request("GET", "/ogc/collections/observations/items?colour=red").status, 400)
        self.assertEqual(self.srv.request("GET", "/ogc/collections/areas/items?category=x").status, 400)
        self.assertEqual(self.srv.request("GET", "/ogc/collections/nope/items").status, 404)
        first = r.json()["features"][0]
        one = self.srv.request("GET", "/ogc/collections/observations/items/%s" % first["id"])
        self.assertEqual(one.json()["id"], first["id"])
        self.assertEqual(self.srv.request("GET", "/ogc/collections/observations/items/999999").status, 404)
        html = self.srv.request("GET", "/ogc/collections/observations/items?f=html")
        self.assertTrue(html.header("Content-Type").startswith("text/html"))
        self.assertIn(b"<html", html.body)
        for path in ("/ogc/collections/observations/items?limit=1000",):
            body = self.srv.request("GET", path).body.decode()
            self.assertNotIn("hemlig", body)
            self.assertNotIn("reporter", body)


if __name__ == "__main__":
    unittest.main(verbosity=2)
