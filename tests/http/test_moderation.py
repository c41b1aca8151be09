"""Moderation of personal data typed into or photographed for a report (issue 9): the office
hides a report from every public answer, redacts its text (staff keep the original), hides a
photo, and under pre-moderation approves text and photos before the public sees them. Every
action is an event in the case's history with who and when."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from staff_client import StaffClient, staff  # noqa: E402
from test_photos import jpeg_from_ppm  # noqa: E402
from trygg_server import TryggServer, new_client_id  # noqa: E402

PERSONAL = "Ring mig: Anna Svensson 070-1234567"
# A quiet corner of the municipality per test, so that lists and clusters are easy to check.
SPOTS = iter((12.80 + i * 0.004, 57.69) for i in range(100))


def bbox_around(lon, lat, d=0.001):
    return "%f,%f,%f,%f" % (lon - d, lat - d, lon + d, lat + d)


class Moderation(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer().start()
        cls.tove = staff(cls.srv, "tove", "triage")
        cls.unit = staff(cls.srv, "hanna", "unit", unit="housing")
        cls.olle = staff(cls.srv, "olle", "organiser")

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def file(self, spot=None, photos=0, **kw):
        lon, lat = spot or next(SPOTS)
        r = self.srv.post_observation(lon=lon, lat=lat, **kw)
        self.assertEqual(r.status, 201, r)
        o = r.json()
        o["photo_ids"] = []
        for i in range(photos):
            p = self.srv.request("POST", "/api/v1/observations/%d/photos" % o["id"],
                                 jpeg_from_ppm(16 + i, 16), self.srv.photo_headers(o["id"]))
            self.assertEqual(p.status, 201, p)
            o["photo_ids"].append(p.json()["id"])
        return o

    def public(self, oid):
        return self.srv.request("GET", "/api/v1/observations/%d" % oid)

    def case(self, oid):
        r = self.tove.get("/api/v1/cases/%d" % oid)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def events(self, oid, kind):
        return [e for e in self.case(oid)["history"] if e["kind"] == kind]

    def public_ids(self, o):
        """Where a public client can find observation o: by id, in the list (the export),
        nearby and on the map."""
        found = set()
        if self.public(o["id"]).status == 200:
            found.add("by id")
        fc = self.srv.request("GET", "/api/v1/observations?limit=1000&bbox=" +
                              bbox_around(o["lon"], o["lat"])).json()
        if o["id"] in [f["id"] for f in fc["features"]]:
            found.add("list")
        near = self.srv.request("GET", "/api/v1/observations/nearby?lon=%f&lat=%f" %
                                (o["lon"], o["lat"])).json()
        if o["id"] in [x["id"] for x in near["observations"]]:
            found.add("nearby")
        cl = self.srv.request("GET", "/api/v1/map/clusters?zoom=18&bbox=" +
                              bbox_around(o["lon"], o["lat"])).json()
        if cl["total"] > 0:
            found.add("map")
        return found

    def test_a_hidden_report_vanishes_from_every_public_answer(self):
        o = self.file(description=PERSONAL, photos=1)
        everywhere = {"by id", "list", "nearby", "map"}
        self.assertEqual(self.public_ids(o), everywhere)
        r = self.tove.post("/api/v1/cases/%d/visibility" % o["id"], {"public": False})
        self.assertEqual(r.status, 200, r)
        self.assertFalse(r.json()["observation"]["moderation"]["public"])
        self.assertEqual(self.public_ids(o), set())
        self.assertEqual(self.public(o["id"]).json()["error"]["code"], "not_found")
        pid = o["photo_ids"][0]
        for path in ("/api/v1/photos/%s" % pid, "/api/v1/photos/%s/thumb" % pid):
            self.assertEqual(self.srv.request("GET", path).status, 404)
            staff_copy = self.tove.get(path)
            self.assertEqual(staff_copy.status, 200)
            self.assertIn("no-store", staff_copy.header("Cache-Control"))
        support = self.srv.request("POST", "/api/v1/observations/%d/support" % o["id"],
                                   {"client_id": new_client_id()})
        self.assertEqual(support.status, 404)
        # Nothing public mentions it, anywhere.
        for r in (self.srv.request("GET", "/api/v1/observations?limit=1000"),
                  self.srv.request("GET", "/api/v1/map/clusters?zoom=10&bbox=12.5,57.5,13.5,58")):
            self.assertNotIn(b"Anna Svensson", r.body)
        # Staff still see all of it, and the queue finds the hidden ones.
        c = self.case(o["id"])
        self.assertEqual(c["observation"]["description"], PERSONAL)
        self.assertFalse(c["public"])
        hidden = self.tove.get("/api/v1/cases?moderation=hidden&limit=500").json()["cases"]
        self.assertIn(o["id"], [x["id"] for x in hidden])
        ev = self.events(o["id"], "visibility")
        self.assertEqual([(e["from"], e["to"], e["actor"], e["public"]) for e in ev],
                         [("public", "hidden", "tove", False)])
        self.assertTrue(ev[0]["at"])
        # Hiding twice changes nothing; showing it again brings it back.
        self.assertEqual(self.tove.post("/api/v1/cases/%d/visibility" % o["id"], {"public": False}).status, 200)
        self.assertEqual(len(self.events(o["id"], "visibility")), 1)
        self.assertEqual(self.tove.post("/api/v1/cases/%d/visibility" % o["id"], {"public": True}).status, 200)
        self.assertEqual(self.public_ids(o), everywhere)
        self.assertEqual(self.srv.request("GET", "/api/v1/photos/%s" % pid).status, 200)
        self.assertEqual(len(self.events(o["id"], "visibility")), 2)

    def test_redacted_text_is_what_the_public_sees_and_staff_see_both(self):
        o = self.file(description=PERSONAL)
        redacted = "Ring mig: [borttaget av handläggare]"
        r = self.tove.post("/api/v1/cases/%d/redact" % o["id"], {"description": redacted})
        self.assertEqual(r.status, 200, r)
        m = r.json()["observation"]["moderation"]
        self.assertEqual((m["redacted_description"], m["public_description"]), (redacted, redacted))
        self.assertEqual(r.json()["observation"]["description"], PERSONAL)
        self.assertEqual(self.public(o["id"]).json()["description"], redacted)
        fc = self.srv.request("GET", "/api/v1/observations?limit=1000&bbox=" +
                              bbox_around(o["lon"], o["lat"])).json()
        self.assertEqual([f["properties"]["description"] for f in fc["features"]], [redacted])
        near = self.srv.request("GET", "/api/v1/observations/nearby?lon=%f&lat=%f" % (o["lon"], o["lat"]))
        self.assertNotIn(b"Anna", near.body)
        ev = self.events(o["id"], "redacted")
        self.assertEqual(len(ev), 1)
        self.assertEqual((ev[0]["actor"], ev[0]["to"], ev[0]["public"]), ("tove", redacted, False))
        self.assertNotIn("Anna", str(ev))  # the history never repeats the original
        # No text at all, then the redaction removed again.
        self.assertEqual(self.tove.post("/api/v1/cases/%d/redact" % o["id"], {"description": ""}).status, 200)
        self.assertIsNone(self.public(o["id"]).json()["description"])
        self.assertEqual(self.tove.post("/api/v1/cases/%d/redact" % o["id"], {"description": None}).status, 200)
        self.assertEqual(self.public(o["id"]).json()["description"], PERSONAL)
        self.assertEqual([e["kind"] for e in self.case(o["id"])["history"] if "redact" in e["kind"]],
                         ["redacted", "redacted", "redaction_removed"])
        bad = self.tove.post("/api/v1/cases/%d/redact" % o["id"], {})
        self.assertEqual((bad.status, bad.json()["error"]["code"]), (422, "missing_field"))
        bad = self.tove.post("/api/v1/cases/%d/redact" % o["id"], {"description": "x" * 2001})
        self.assertEqual((bad.status, bad.json()["error"]["code"]), (422, "too_long"))

    def test_a_hidden_photo_is_not_listed_nor_served_without_a_staff_session(self):
        o = self.file(photos=2)
        keep, hide = o["photo_ids"]
        r = self.tove.post("/api/v1/photos/%s/visibility" % hide, {"public": False})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), {"id": hide, "case_id": o["id"], "public": False})
        self.assertEqual([p["id"] for p in self.public(o["id"]).json()["photos"]], [keep])
        fc = self.srv.request("GET", "/api/v1/observations?limit=1000&bbox=" +
                              bbox_around(o["lon"], o["lat"])).json()
        self.assertEqual([p["id"] for p in fc["features"][0]["properties"]["photos"]], [keep])
        for suffix in ("", "/thumb"):
            self.assertEqual(self.srv.request("GET", "/api/v1/photos/%s%s" % (hide, suffix)).status, 404)
            self.assertEqual(self.tove.get("/api/v1/photos/%s%s" % (hide, suffix)).status, 200)
        public_copy = self.srv.request("GET", "/api/v1/photos/%s" % keep)
        self.assertEqual(public_copy.status, 200)
        self.assertIn("public", public_copy.header("Cache-Control"))
        photos = self.case(o["id"])["observation"]["photos"]
        self.assertEqual([(p["id"], p["public"]) for p in photos], [(keep, True), (hide, False)])
        ev = self.events(o["id"], "photo_visibility")
        self.assertEqual([(e["from"], e["to"], e["actor"], e["comment"]) for e in ev],
                         [("public", "hidden", "tove", "photo " + hide)])
        self.assertEqual(self.tove.post("/api/v1/photos/%s/visibility" % ("0" * 32), {"public": False}).status, 404)

    def test_only_the_office_moderates(self):
        o = self.file(description=PERSONAL, photos=1)
        paths = [("/api/v1/cases/%d/visibility" % o["id"], {"public": False}),
                 ("/api/v1/cases/%d/redact" % o["id"], {"description": "x"}),
                 ("/api/v1/cases/%d/approve" % o["id"], None),
                 ("/api/v1/photos/%s/visibility" % o["photo_ids"][0], {"public": False})]
        for path, body in paths:
            with self.subTest(path=path):
                self.assertEqual(self.unit.post(path, body).status, 403)
                self.assertEqual(self.olle.post(path, body).status, 403)
                self.assertEqual(StaffClient(self.srv).post(path, body).status, 401)
                self.assertEqual(self.tove.post(path, body, csrf=False).status, 403)
        self.assertEqual(self.public(o["id"]).json()["description"], PERSONAL)
        kinds = {e["kind"] for e in self.case(o["id"])["history"]}
        self.assertFalse(kinds & {"visibility", "redacted", "approved", "photo_visibility"}, kinds)

    def test_a_walks_public_checklist_leaves_out_hidden_reports_and_shows_redacted_text(self):
        w = self.olle.post("/api/v1/walks", {"title": "Vandring", "area": "norrby",
                                              "starts_at": "2026-12-03T17:00:00Z"})
        self.assertEqual(w.status, 201, w)
        w = w.json()
        spot = (12.940, 57.733)
        a = self.file(spot=spot, walk=w["code"], description="Mörkt vid bron")
        b = self.file(spot=spot, walk=w["code"], description=PERSONAL)
        c = self.file(spot=spot, walk=w["code"], description="Klotter, Anna Svensson vet vem")
        self.assertEqual(self.tove.post("/api/v1/cases/%d/visibility" % b["id"], {"public": False}).status, 200)
        self.assertEqual(self.tove.post("/api/v1/cases/%d/redact" % c["id"], {"description": "Klotter"}).status, 200)
        f = self.olle.post("/api/v1/walks", {"follow_up_of": w["id"], "title": "Uppföljning",
                                              "starts_at": "2027-05-03T17:00:00Z"})
        self.assertEqual(f.status, 201, f)
        pub = self.srv.request("GET", "/api/v1/walks/" + f.json()["code"])
        self.assertEqual(pub.status, 200)
        self.assertEqual([x["description"] for x in pub.json()["checklist"]], ["Mörkt vid bron", "Klotter"])
        self.assertNotIn(b"Anna", pub.body)
        # The organiser's own protocol view still has all three.
        items = self.olle.get("/api/v1/walks/%d/items" % w["id"]).json()["items"]
        self.assertEqual([i["observation_id"] for i in items], [a["id"], b["id"], c["id"]])


class PreModeration(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer(config_text="moderation = pre\n").start()
        cls.tove = staff(cls.srv, "tove", "triage")

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def upload(self, oid):
        r = self.srv.request("POST", "/api/v1/observations/%d/photos" % oid, jpeg_from_ppm(16, 16),
                             self.srv.photo_headers(oid))
        self.assertEqual(r.status, 201, r)
        return r.json()["id"]

    def pending(self):
        r = self.tove.get("/api/v1/cases?moderation=pending&limit=500")
        self.assertEqual(r.status, 200, r)
        return [c["id"] for c in r.json()["cases"]]

    def test_text_and_photos_are_public_only_after_approval(self):
        r = self.srv.post_observation(description=PERSONAL, lon=12.81, lat=57.69)
        self.assertEqual(r.status, 201, r)
        oid = r.json()["id"]
        pid = self.upload(oid)
        pub = self.srv.request("GET", "/api/v1/observations/%d" % oid).json()
        self.assertIsNone(pub["description"])
        self.assertEqual(pub["photos"], [])
        self.assertIsNone(r.json()["description"])  # not even in the filing's answer
        self.assertEqual(self.srv.request("GET", "/api/v1/photos/%s" % pid).status, 404)
        self.assertEqual(self.tove.get("/api/v1/photos/%s" % pid).status, 200)
        self.assertIn(oid, self.pending())
        c = self.tove.get("/api/v1/cases/%d" % oid).json()
        self.assertTrue(c["moderation_pending"])
        self.assertEqual(c["observation"]["description"], PERSONAL)
        self.assertFalse(c["observation"]["moderation"]["approved"])
        # A report without text or photo waits for nothing.
        plain = self.srv.post_observation(lon=12.82, lat=57.69).json()["id"]
        self.assertNotIn(plain, self.pending())

        r = self.tove.post("/api/v1/cases/%d/approve" % oid)
        self.assertEqual(r.status, 200, r)
        self.assertFalse(r.json()["moderation_pending"])
        pub = self.srv.request("GET", "/api/v1/observations/%d" % oid).json()
        self.assertEqual(pub["description"], PERSONAL)
        self.assertEqual([p["id"] for p in pub["photos"]], [pid])
        self.assertEqual(self.srv.request("GET", "/api/v1/photos/%s" % pid).status, 200)
        self.assertNotIn(oid, self.pending())
        ev = [e for e in c_history(self.tove, oid) if e["kind"] == "approved"]
        self.assertEqual([(e["actor"], e["comment"]) for e in ev], [("tove", "the text and 1 photo")])
        # Approving again changes nothing and records nothing.
        self.assertEqual(self.tove.post("/api/v1/cases/%d/approve" % oid).status, 200)
        self.assertEqual(len([e for e in c_history(self.tove, oid) if e["kind"] == "approved"]), 1)
        # A photo added later waits for its own approval.
        later = self.upload(oid)
        self.assertEqual([p["id"] for p in self.srv.request("GET", "/api/v1/observations/%d" % oid).json()["photos"]],
                         [pid])
        self.assertIn(oid, self.pending())
        self.assertEqual(self.tove.post("/api/v1/cases/%d/approve" % oid).status, 200)
        self.assertEqual(len(self.srv.request("GET", "/api/v1/observations/%d" % oid).json()["photos"]), 2)
        self.assertIn("1 photo", [e for e in c_history(self.tove, oid) if e["kind"] == "approved"][-1]["comment"])
        del later

    def test_redacting_approves_the_text(self):
        oid = self.srv.post_observation(description=PERSONAL, lon=12.83, lat=57.69).json()["id"]
        self.assertIn(oid, self.pending())
        self.assertEqual(self.tove.post("/api/v1/cases/%d/redact" % oid, {"description": "Ring mig"}).status, 200)
        self.assertEqual(self.srv.request("GET", "/api/v1/observations/%d" % oid).json()["description"], "Ring mig")
        self.assertNotIn(oid, self.pending())

    def test_the_setting_is_checked(self):
        srv = TryggServer(config_text="moderation = sometimes\n")
        try:
            p = srv.cli("migrate", check=False)
        finally:
            srv.cleanup()
        self.assertEqual(p.returncode, 2)
        self.assertIn("moderation: expected post or pre", p.stderr)


def c_history(client, oid):
    return client.get("/api/v1/cases/%d" % oid).json()["history"]


if __name__ == "__main__":
    unittest.main(verbosity=2)
