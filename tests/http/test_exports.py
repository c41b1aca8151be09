"""Exports (issue 12): public observations and staff cases as GeoJSON, CSV (UTF-8 with
BOM, Swedish characters intact, formulas neutralised) and GeoPackage (opened with GDAL),
filtered like the queue, streamed, and never with contact details in the public ones."""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from staff_client import staff  # noqa: E402
from trygg_server import TryggServer  # noqa: E402


class Exports(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer().start()
        cls.ids = []
        for i, text in enumerate(["Trasig lampa vid Åsbotorp", "=HYPERLINK(\"http://evil\")",
                                  "Klotter, \"mycket\" – ÅÄÖ åäö"]):
            r = cls.srv.post_observation(category="graffiti" if i else "lighting", description=text,
                                         reporter={"email": "hemlig%d@example.se" % i,
                                                   "name": "Hemlig Person", "phone": "0701234567"})
            assert r.status == 201, r
            cls.ids.append(r.json()["id"])
        cls.tmp = tempfile.mkdtemp(prefix="trygg-exp-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        cls.srv.__exit__(None, None, None)

    def test_public_csv_opens_in_a_spreadsheet_with_swedish_characters(self):
        r = self.srv.request("GET", "/api/v1/exports/observations.csv")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("Content-Type").startswith("text/csv"))
        self.assertEqual(r.header("Transfer-Encoding"), "chunked")
        self.assertTrue(r.body.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.DictReader(io.StringIO(r.body.decode("utf-8-sig"))))
        mine = {int(x["id"]): x for x in rows if int(x["id"]) in self.ids}
        self.assertEqual(mine[self.ids[0]]["description"], "Trasig lampa vid Åsbotorp")
        self.assertEqual(mine[self.ids[2]]["description"], "Klotter, \"mycket\" – ÅÄÖ åäö")
        self.assertEqual(mine[self.ids[1]]["description"], "'=HYPERLINK(\"http://evil\")")
        self.assertNotIn(b"hemlig", r.body)
        self.assertNotIn(b"0701234567", r.body)

    def test_public_geojson_and_geopackage_with_filters(self):
        gj = self.srv.request("GET", "/api/v1/exports/observations.geojson?category=graffiti").json()
        self.assertEqual(gj["type"], "FeatureCollection")
        self.assertTrue(gj["features"])
        self.assertTrue(all(f["properties"]["category"] == "graffiti" for f in gj["features"]))
        r = self.srv.request("GET", "/api/v1/exports/observations.gpkg")
        self.assertEqual(r.status, 200)
        path = os.path.join(self.tmp, "obs.gpkg")
        with open(path, "wb") as f:
            f.write(r.body)
        total = len(self.srv.request("GET", "/api/v1/exports/observations.geojson").json()["features"])
        info = subprocess.run(["ogrinfo", "-ro", "-so", path, "observations"], capture_output=True,
                              text=True, timeout=60).stdout
        self.assertIn("Feature Count: %d" % total, info)
        self.assertIn('ID["EPSG",4326]', info)
        dump = subprocess.run(["ogrinfo", "-ro", "-al", path], capture_output=True, text=True,
                              timeout=60).stdout
        self.assertIn("Trasig lampa vid Åsbotorp", dump)
        self.assertNotIn("hemlig", dump)
        self.assertEqual(self.srv.request("GET", "/api/v1/exports/observations.xlsx").status, 404)
        self.assertEqual(self.srv.request("GET", "/api/v1/exports/observations.csv?bbox=x").status, 422)

    def test_staff_case_export_has_internal_fields_and_respects_roles(self):
        self.assertEqual(self.srv.request("GET", "/api/v1/exports/cases.csv").status, 401)
        tina = staff(self.srv, "exp_tina", "triage")
        r = tina.get("/api/v1/exports/cases.csv?category=graffiti")
        self.assertEqual(r.status, 200)
        rows = list(csv.DictReader(io.StringIO(r.body.decode("utf-8-sig"))))
        self.assertTrue(rows and all(x["category"] == "graffiti" for x in rows))
        for col in ("state", "priority", "due_at", "unit", "reject_reason"):
            self.assertIn(col, rows[0])
        unit = staff(self.srv, "exp_unit", "unit", unit="cleaning")
        mine = json.loads(unit.get("/api/v1/exports/cases.geojson").body)
        self.assertTrue(all(f["properties"]["unit"] == "cleaning" for f in mine["features"]))
        path = os.path.join(self.tmp, "cases.gpkg")
        with open(path, "wb") as f:
            f.write(tina.get("/api/v1/exports/cases.gpkg").body)
        info = subprocess.run(["ogrinfo", "-ro", "-so", path, "cases"], capture_output=True,
                              text=True, timeout=60).stdout
        self.assertIn("Feature Count:", info)
        self.assertIn("priority: String", info)


if __name__ == "__main__":
    unittest.main(verbosity=2)
