"""Issue 3 administration around cases: units, routing rules, area import, the seeded demo
routing, and databases from schema 1 gaining their cases."""
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from staff_client import staff  # noqa: E402
from trygg_server import SOURCE_DIR, TryggServer  # noqa: E402

DB_APPLICATION_ID = 0x54525947  # server/db.h


def box(lon, lat, d=0.002):
    return {"type": "Polygon", "coordinates": [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d],
                                                [lon - d, lat + d], [lon - d, lat - d]]]}


class Administration(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer().start()
        cls.admin = staff(cls.srv, "admin1", "admin")
        cls.triage = staff(cls.srv, "triage1", "triage")
        cls.lights = staff(cls.srv, "lights1", "unit", unit="street_lighting")

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def units(self):
        return {u["code"]: u for u in self.admin.get("/api/v1/units").json()["units"]}

    def routed(self, **kw):
        r = self.srv.post_observation(**kw)
        self.assertEqual(r.status, 201, r)
        c = self.triage.get("/api/v1/cases/%d" % r.json()["id"]).json()
        return c["unit"]["code"] if c["unit"] else None, c

    def test_seeded_rules_polygon_area_and_municipality_wide(self):
        self.assertEqual(self.routed(category="lighting", lon=12.9680, lat=57.7400)[0], "housing")  # estates
        self.assertEqual(self.routed(category="lighting", lon=13.0900, lat=57.7150)[0], "streets_traffic")  # Dalsjöfors
        self.assertEqual(self.routed(category="lighting", lon=12.9401, lat=57.7210)[0], "street_lighting")
        self.assertEqual(self.routed(category="litter")[0], "cleaning")
        unit, c = self.routed(category="hidden")
        self.assertIsNone(unit)
        self.assertEqual(c["state"], "new")

    def test_units_are_admin_data_and_secrets_are_write_only(self):
        secret = "s3cr3t-webhook-key-0123"
        r = self.admin.post("/api/v1/units", {"code": "water", "name": "VA-enheten", "email": "va@example.invalid",
                                              "webhook_url": "https://example.invalid/hook",
                                              "webhook_secret": secret, "internal": True})
        self.assertEqual(r.status, 201, r)
        u = r.json()
        self.assertTrue(u["has_webhook_secret"])
        self.assertNotIn(secret.encode(), r.body)
        self.assertNotIn("webhook_secret", u)
        self.assertNotIn("api_token_hash", u)
        listed = self.lights.get("/api/v1/units")  # any staff member may read the list
        self.assertEqual(listed.status, 200)
        self.assertNotIn(secret.encode(), listed.body)
        r = self.admin.put("/api/v1/units/%d" % u["id"], {"name": "Vatten och avlopp", "email": ""})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json()["name"], r.json().get("email")), ("Vatten och avlopp", None))
        self.assertTrue(r.json()["has_webhook_secret"])  # not sent, so kept
        self.assertEqual(self.admin.post("/api/v1/units", {"code": "water", "name": "Again"}).status, 409)
        self.assertEqual(self.admin.post("/api/v1/units", {"code": "x1", "name": "X",
                                                           "webhook_url": "ftp://x"}).status, 422)
        self.assertEqual(self.admin.post("/api/v1/units", {"name": "No code"}).status, 422)
        self.assertEqual(self.admin.put("/api/v1/units/999999", {"name": "Nobody"}).status, 404)
        self.assertEqual(self.triage.post("/api/v1/units", {"code": "y", "name": "Y"}).status, 403)
        self.assertEqual(self.lights.put("/api/v1/units/%d" % u["id"], {"name": "Mine"}).status, 403)
        # A new internal unit can be assigned work at once.
        cid = self.srv.post_observation(category="hidden").json()["id"]
        r = self.triage.post("/api/v1/cases/%d/assign" % cid, {"unit_id": u["id"]})
        self.assertEqual((r.status, r.json()["state"], r.json()["unit"]["code"]), (200, "assigned", "water"))

    def test_routing_rules_crud_ties_by_id_and_inactive_rules(self):
        u = self.units()
        lon, lat = 12.8800, 57.6980
        first = self.admin.post("/api/v1/routing-rules", {"category": "other", "unit_id": u["parks"]["id"],
                                                          "rule_order": 7, "polygon": box(lon, lat)})
        second = self.admin.post("/api/v1/routing-rules", {"category": "other", "unit_id": u["cleaning"]["id"],
                                                           "rule_order": 7, "polygon": box(lon, lat)})
        self.assertEqual((first.status, second.status), (201, 201))
        f, s = first.json(), second.json()
        self.assertEqual(f["polygon"]["type"], "MultiPolygon")
        self.assertIn(f["id"], [x["id"] for x in self.triage.get("/api/v1/routing-rules").json()["rules"]])
        # Same specificity, same order: the older rule wins.
        self.assertEqual(self.routed(category="other", lon=lon, lat=lat)[0], "parks")
        # A lower order beats the older rule.
        r = self.admin.put("/api/v1/routing-rules/%d" % s["id"], {"rule_order": 6})
        self.assertEqual((r.status, r.json()["rule_order"], r.json()["unit_id"]), (200, 6, u["cleaning"]["id"]))
        self.assertEqual(self.routed(category="other", lon=lon, lat=lat)[0], "cleaning")
        # An inactive rule routes nothing.
        self.assertEqual(self.admin.put("/api/v1/routing-rules/%d" % s["id"], {"active": False}).status, 200)
        self.assertEqual(self.routed(category="other", lon=lon, lat=lat)[0], "parks")
        # Outside the polygon neither applies; a deleted rule is gone.
        self.assertIsNone(self.routed(category="other", lon=lon + 0.01, lat=lat)[0])
        self.assertEqual(self.admin.delete("/api/v1/routing-rules/%d" % f["id"]).status, 204)
        self.assertEqual(self.admin.delete("/api/v1/routing-rules/%d" % f["id"]).status, 404)
        self.assertIsNone(self.routed(category="other", lon=lon, lat=lat)[0])
        # Refusals.
        self.assertEqual(self.admin.put("/api/v1/routing-rules/999999", {"priority": 1}).status, 404)
        for bad in ({"category": "other"},                                   # no unit
                    {"category": "other", "unit_id": 999999},                 # unknown unit
                    {"category": "nonsense", "unit_id": u["parks"]["id"]},     # unknown category
                    {"category": "other", "unit_id": u["parks"]["id"], "priority": 4},
                    {"category": "other", "unit_id": u["parks"]["id"],
                     "polygon": {"type": "Polygon", "coordinates": [[[1, 1], [2, 2], [1, 1]]]}}):
            self.assertEqual(self.admin.post("/api/v1/routing-rules", bad).status, 422, bad)
        self.assertEqual(self.triage.delete("/api/v1/routing-rules/%d" % s["id"]).status, 403)

    def test_areas_import_over_http_and_an_area_rule_for_the_new_area(self):
        lon, lat = 12.8550, 57.6900
        fc = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"code": "testby", "name": "Testby"}, "geometry": box(lon, lat, 0.004)}]}
        self.assertEqual(self.triage.post("/api/v1/areas/import", fc).status, 403)
        r = self.admin.post("/api/v1/areas/import", fc)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["imported"], 1)
        areas = {f["properties"]["code"]: f["properties"]["id"]
                 for f in self.srv.request("GET", "/api/v1/areas").json()["features"]}
        self.assertIn("testby", areas)
        u = self.units()
        r = self.admin.post("/api/v1/routing-rules", {"category": "other", "area_id": areas["testby"],
                                                      "unit_id": u["streets_traffic"]["id"], "priority": 1})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["area_code"], "testby")
        unit, c = self.routed(category="other", lon=lon, lat=lat)
        self.assertEqual((unit, c["priority"], c["area"]["code"]), ("streets_traffic", 1, "testby"))
        bad = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": "Bad"}, "geometry": {"type": "Point", "coordinates": [1, 2]}}]}
        self.assertEqual(self.admin.post("/api/v1/areas/import", bad).status, 422)
        self.assertEqual(self.admin.request("POST", "/api/v1/areas/import", "{not json").status, 400)


@unittest.skipUnless(shutil.which("sqlite3"), "needs the sqlite3 shell to write a schema-1 database")
class FromSchemaOne(unittest.TestCase):
    def test_observations_from_schema_1_become_unrouted_new_cases(self):
        srv = TryggServer(seed=False)
        script = "\n".join([
            ".bail on",
            ".load mod_spatialite",
            "BEGIN;",
            ".read %s" % os.path.join(SOURCE_DIR, "migrations", "0001_init.sql"),
            "INSERT INTO schema_migrations(version, name) VALUES (1, '0001_init.sql');",
            "INSERT INTO observations (client_id, category, lon, lat, e, n, observed_at, created_at, "
            " description, light, sun_elevation, geom, geom_sweref) VALUES "
            " ('11111111-1111-4111-8111-111111111111', 'lighting', 12.94, 57.72, 0, 0, "
            " '2025-11-01T18:00:00Z', '2025-11-01T18:00:05Z', 'from schema 1', 'dark', -20, "
            " MakePoint(12.94, 57.72, 4326), ST_Transform(MakePoint(12.94, 57.72, 4326), 3006));",
            "UPDATE observations SET e = ST_X(geom_sweref), n = ST_Y(geom_sweref);",
            "PRAGMA user_version = 1;",
            "COMMIT;",
            "PRAGMA application_id = %d;" % DB_APPLICATION_ID,
        ])
        p = subprocess.run(["sqlite3", srv.db], input=script, capture_output=True, text=True, timeout=120)
        if p.returncode != 0 and "mod_spatialite" in p.stderr:
            self.skipTest("mod_spatialite cannot be loaded by the sqlite3 shell: " + p.stderr)
        self.assertEqual(p.returncode, 0, p.stderr)
        with srv:
            triage = staff(srv, "triage1", "triage")
            c = triage.get("/api/v1/cases/1")
            self.assertEqual(c.status, 200, c)
            c = c.json()
            self.assertEqual((c["state"], c["unit"], c["priority"]), ("new", None, 2))
            self.assertEqual([(e["kind"], e["to"], e["actor"]) for e in c["history"]], [("created", "new", "system")])
            self.assertEqual(c["created_at"], "2025-11-01T18:00:05Z")
            self.assertEqual(srv.request("GET", "/api/v1/observations/1").json()["status"], "new")
            self.assertEqual(triage.post("/api/v1/cases/1/state", {"state": "acknowledged"}).status, 200)
            self.assertEqual(srv.request("GET", "/api/v1/observations/1").json()["status"], "acknowledged")
            self.assertEqual(triage.get("/api/v1/cases?state=new,acknowledged").json()["total"], 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
