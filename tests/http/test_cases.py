"""The case workflow (issue 3): routing, transitions, roles, duplicates, merge, comments, bulk."""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from staff_client import StaffClient, staff  # noqa: E402
from trygg_server import BORAS, TryggServer, new_client_id  # noqa: E402

M_LAT = 1 / 111_320.0  # about one metre of latitude, refined against SWEREF 99 TM below


def unit_ids(c):
    return {u["code"]: u["id"] for u in c.get("/api/v1/units").json()["units"]}


class Workflow(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer(config_text="due_days_priority_1 = 0\n").start()
        cls.admin = staff(cls.srv, "admin1", "admin")
        cls.triage = staff(cls.srv, "triage1", "triage")
        cls.lights = staff(cls.srv, "lights1", "unit", unit="street_lighting")
        cls.parks = staff(cls.srv, "parks1", "unit", unit="parks")
        cls.organiser = staff(cls.srv, "org1", "organiser")
        cls.units = unit_ids(cls.admin)

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def file(self, **kw):
        r = self.srv.post_observation(**kw)
        self.assertEqual(r.status, 201, r)
        return r.json()["id"]

    def case(self, cid, who=None):
        r = (who or self.triage).get("/api/v1/cases/%d" % cid)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def state(self, cid, to, who=None, **kw):
        body = {"state": to}
        body.update(kw)
        return (who or self.triage).post("/api/v1/cases/%d/state" % cid, body)

    # --- routing ------------------------------------------------------------

    def test_new_observation_becomes_a_routed_case_or_waits_unrouted(self):
        lit = self.case(self.file(category="lighting"))
        self.assertEqual(lit["state"], "assigned")
        self.assertEqual(lit["unit"]["code"], "street_lighting")
        kinds = [e["kind"] for e in lit["history"]]
        self.assertEqual(kinds[:3], ["created", "assigned", "state"])
        hidden = self.case(self.file(category="hidden"))
        self.assertEqual(hidden["state"], "new")
        self.assertIsNone(hidden["unit"])
        q = self.triage.get("/api/v1/cases?unit=none&state=new").json()
        self.assertIn(hidden["id"], [c["id"] for c in q["cases"]])

    def test_routing_precedence_polygon_beats_area_beats_municipality_and_order_breaks_ties(self):
        u = self.units
        p_lon, p_lat = 12.9400, 57.7200  # inside the demo area "centrum"
        box = {"type": "Polygon", "coordinates": [[[p_lon - .001, p_lat - .001], [p_lon + .001, p_lat - .001],
                                                   [p_lon + .001, p_lat + .001], [p_lon - .001, p_lat + .001],
                                                   [p_lon - .001, p_lat - .001]]]}
        areas = {f["properties"]["code"]: f["properties"]["id"]
                 for f in self.srv.request("GET", "/api/v1/areas").json()["features"]}
        for body in ({"category": "other", "unit_id": u["parks"], "rule_order": 100},
                     {"category": "other", "unit_id": u["police"], "rule_order": 50},
                     {"category": "other", "unit_id": u["cleaning"], "area_id": areas["centrum"]},
                     {"category": "other", "unit_id": u["housing"], "polygon": box, "priority": 1}):
            r = self.admin.post("/api/v1/routing-rules", body)
            self.assertEqual(r.status, 201, r)
        in_poly = self.case(self.file(category="other", lon=p_lon, lat=p_lat))
        in_area = self.case(self.file(category="other", lon=12.9300, lat=57.7150))
        elsewhere = self.case(self.file(category="other", lon=12.8500, lat=57.7000))
        self.assertEqual(in_poly["unit"]["code"], "housing")
        self.assertEqual(in_poly["priority"], 1)
        # The housing company is outside the organisation: notified, not assigned.
        self.assertEqual(in_poly["state"], "acknowledged")
        self.assertIn("notified", [e["kind"] for e in in_poly["history"]])
        self.assertEqual(self.state(in_poly["id"], "assigned").status, 409)
        self.assertEqual(in_area["unit"]["code"], "cleaning")
        self.assertEqual(elsewhere["unit"]["code"], "police")  # order 50 beats order 100
        # Rule administration is the admin's.
        self.assertEqual(self.triage.post("/api/v1/routing-rules", {"category": "other", "unit_id": 1}).status, 403)
        bad = self.admin.post("/api/v1/routing-rules", {"category": "other", "unit_id": u["parks"],
                                                        "polygon": {"type": "Point", "coordinates": [1, 2]}})
        self.assertEqual(bad.status, 422)

    # --- the state machine ----------------------------------------------------

    def test_every_allowed_transition(self):
        path = [("new", "acknowledged"), ("acknowledged", "assigned"), ("assigned", "in_progress"),
                ("in_progress", "resolved"), ("resolved", "acknowledged"), ("acknowledged", "rejected"),
                ("rejected", "assigned"), ("assigned", "resolved"), ("resolved", "assigned"),
                ("assigned", "acknowledged"), ("acknowledged", "assigned"), ("assigned", "rejected"),
                ("rejected", "acknowledged")]
        cid = self.file(category="hidden")
        self.triage.post("/api/v1/cases/%d/assign" % cid, {"unit_id": self.units["parks"]})
        # assign moved it to 'assigned'; start over from a fresh unrouted case for the full walk.
        cid = self.file(category="hidden")
        for frm, to in path:
            if to == "assigned" and self.case(cid)["unit"] is None:
                r = self.triage.post("/api/v1/cases/%d/assign" % cid, {"unit_id": self.units["parks"]})
            else:
                extra = {"reason": "no_action_needed"} if to == "rejected" else {}
                r = self.state(cid, to, **extra)
            self.assertEqual(r.status, 200, (frm, to, r))
            self.assertEqual(r.json()["state"], to)
        hist = [(e["from"], e["to"]) for e in self.case(cid)["history"] if e["kind"] == "state"]
        for step in path:
            self.assertIn(step, hist)
        for e in self.case(cid)["history"]:
            self.assertTrue(e["at"] and e["actor"])

    def test_refused_transitions_are_409_with_a_clear_message(self):
        cid = self.file(category="hidden")  # new, unrouted
        for to in ("in_progress", "resolved", "new"):
            r = self.state(cid, to)
            self.assertEqual(r.status, 409, (to, r))
            self.assertEqual(r.json()["error"]["code"], "invalid_transition")
            self.assertIn("new", r.json()["error"]["message"])
        r = self.state(cid, "assigned")  # no unit yet
        self.assertEqual(r.status, 409)
        self.assertEqual(self.state(cid, "duplicate").status, 409)
        self.assertEqual(self.state(cid, "rejected").status, 422)  # a reason is required
        self.assertEqual(self.state(cid, "rejected", reason="because").status, 422)
        self.assertEqual(self.state(cid, "flying").status, 422)
        self.assertEqual(self.state(cid, "rejected", reason="not_our_responsibility").status, 200)
        for to in ("in_progress", "resolved", "rejected"):
            self.assertEqual(self.state(cid, to, reason="other").status, 409, to)
        self.assertEqual(self.case(cid)["state"], "rejected")

    def test_priority_sets_the_due_date_and_overdue_cases_stand_out(self):
        cid = self.file(category="hidden")
        r = self.triage.post("/api/v1/cases/%d/priority" % cid, {"priority": 1})
        self.assertEqual(r.status, 200)
        c = r.json()
        self.assertEqual(c["priority"], 1)
        self.assertEqual(c["due_at"], c["created_at"])  # due_days_priority_1 = 0 in this test's config
        time.sleep(1.1)
        q = self.triage.get("/api/v1/cases?overdue=1").json()
        self.assertIn(cid, [x["id"] for x in q["cases"]])
        self.assertTrue(self.case(cid)["overdue"])
        self.triage.post("/api/v1/cases/%d/priority" % cid, {"priority": 3})
        self.assertFalse(self.case(cid)["overdue"])
        self.assertEqual(self.triage.post("/api/v1/cases/%d/priority" % cid, {"priority": 4}).status, 422)

    # --- who sees what --------------------------------------------------------

    def test_role_boundaries(self):
        lit = self.file(category="lighting")       # street_lighting's
        veg = self.file(category="vegetation")     # parks'
        # A unit handler sees only its unit's cases; guessing another id is a 404.
        self.assertEqual(self.lights.get("/api/v1/cases/%d" % lit).status, 200)
        self.assertEqual(self.lights.get("/api/v1/cases/%d" % veg).status, 404)
        self.assertEqual(self.lights.post("/api/v1/cases/%d/comment" % veg, {"comment": "x"}).status, 404)
        self.assertEqual(self.state(veg, "in_progress", who=self.lights).status, 404)
        listed = self.lights.get("/api/v1/cases?limit=500").json()["cases"]
        self.assertTrue(listed)
        self.assertTrue(all(c["unit"]["code"] == "street_lighting" for c in listed))
        # Even asking for another unit's filter returns only its own.
        other = self.lights.get("/api/v1/cases?unit=%d" % self.units["parks"]).json()["cases"]
        self.assertTrue(all(c["unit"]["code"] == "street_lighting" for c in other))
        # Units work their cases but cannot re-route, merge or reject.
        self.assertEqual(self.state(lit, "in_progress", who=self.lights).status, 200)
        self.assertEqual(self.lights.post("/api/v1/cases/%d/assign" % lit, {"unit_id": self.units["parks"]}).status, 403)
        self.assertEqual(self.state(lit, "rejected", who=self.lights, reason="other").status, 409)
        self.assertEqual(self.state(lit, "resolved", who=self.lights).status, 200)
        # Organisers do walks, not cases; nobody without a session gets anything.
        self.assertEqual(self.organiser.get("/api/v1/cases").status, 403)
        self.assertEqual(self.organiser.get("/api/v1/cases/%d" % lit).status, 403)
        self.assertEqual(self.srv.request("GET", "/api/v1/cases/%d" % lit).status, 401)
        # Contact details are for staff only.
        cid = self.file(category="lighting", reporter={"email": "secret.person@example.se"})
        self.assertEqual(self.case(cid)["reporter"]["email"], "secret.person@example.se")
        self.assertNotIn(b"secret.person", self.srv.request("GET", "/api/v1/observations/%d" % cid).body)

    # --- comments, public view ----------------------------------------------------

    def test_public_comments_show_on_the_public_view_and_internal_notes_never(self):
        cid = self.file(category="lighting")
        self.triage.post("/api/v1/cases/%d/comment" % cid, {"comment": "Internal: ring Kalle", "public": False})
        self.triage.post("/api/v1/cases/%d/comment" % cid, {"comment": "Lampan byts nästa vecka.", "public": True})
        self.state(cid, "in_progress", comment="Arbetsorder skapad", public=True)
        pub = self.srv.request("GET", "/api/v1/observations/%d" % cid).json()
        comments = [c["comment"] for c in pub["public_comments"]]
        self.assertEqual(comments, ["Lampan byts nästa vecka.", "Arbetsorder skapad"])
        self.assertEqual(pub["status"], "in_progress")
        self.assertEqual(pub["unit"], "Gatubelysning")
        self.assertNotIn(b"ring Kalle", self.srv.request("GET", "/api/v1/observations/%d" % cid).body)

    # --- duplicates -------------------------------------------------------------------

    def test_duplicate_suggestions_near_the_25_m_threshold(self):
        lon, lat = 12.9900, 57.7300  # inside the municipality, in no demo area with rules of its own
        base = self.file(category="graffiti", lon=lon, lat=lat)
        n0 = self.srv.request("GET", "/api/v1/observations/%d" % base).json()["sweref99tm"]["n"]
        # Calibrate metres per degree here from PROJ's own answers.
        probe = self.srv.post_observation(category="signage", lon=lon, lat=lat + 100 * M_LAT).json()
        per_m = 100 * M_LAT / (probe["sweref99tm"]["n"] - n0)
        near = self.file(category="graffiti", lon=lon, lat=lat + 24.0 * per_m)
        far = self.file(category="graffiti", lon=lon, lat=lat + 26.0 * per_m)
        other_cat = self.file(category="litter", lon=lon, lat=lat + 5 * per_m)
        d = {x["id"]: x["distance_m"] for x in self.case(base)["duplicates"]}
        self.assertIn(near, d)
        self.assertAlmostEqual(d[near], 24.0, delta=0.2)
        self.assertNotIn(far, d)
        self.assertNotIn(other_cat, d)
        closer = self.file(category="graffiti", lon=lon, lat=lat + 3 * per_m)
        ids = [x["id"] for x in self.case(base)["duplicates"]]
        self.assertEqual(ids[:2], [closer, near])  # nearest first

    def test_merge_keeps_photos_and_reporter_and_the_duplicate_follows_the_primary(self):
        primary = self.file(category="vegetation", lon=13.0000, lat=57.7400)
        dup = self.file(category="vegetation", lon=13.0001, lat=57.7400, reporter={"name": "Dup Reporter"})
        from test_photos import jpeg_from_ppm
        up = self.srv.request("POST", "/api/v1/observations/%d/photos" % dup, jpeg_from_ppm(16, 16),
                              {"Content-Type": "image/jpeg"})
        self.assertEqual(up.status, 201)
        r = self.triage.post("/api/v1/cases/%d/merge" % dup, {"into": primary})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["state"], "duplicate")
        self.assertEqual(r.json()["duplicate_of"], primary)
        self.assertEqual(r.json()["reporter"]["name"], "Dup Reporter")
        self.assertIn(dup, self.case(primary)["merged"])
        self.assertEqual(self.srv.request("GET", "/api/v1/observations/%d" % dup).json()["status"], "assigned")
        self.state(primary, "in_progress")
        self.assertEqual(self.srv.request("GET", "/api/v1/observations/%d" % dup).json()["status"], "in_progress")
        self.state(primary, "resolved")
        self.assertEqual(self.srv.request("GET", "/api/v1/observations/%d" % dup).json()["status"], "resolved")
        # Refusals: into itself, twice, into nothing.
        self.assertEqual(self.triage.post("/api/v1/cases/%d/merge" % primary, {"into": primary}).status, 409)
        self.assertEqual(self.triage.post("/api/v1/cases/%d/merge" % dup, {"into": primary}).status, 409)
        self.assertEqual(self.triage.post("/api/v1/cases/%d/merge" % primary, {"into": 99999999}).status, 422)
        dup_public = self.srv.request("GET", "/api/v1/observations/%d" % dup).json()
        self.assertEqual([p["id"] for p in dup_public["photos"]], [up.json()["id"]])
        self.assertEqual(self.srv.request("GET", "/api/v1/observations/%d" % primary).json()["photos"], [])

    # --- the queue ----------------------------------------------------------------------

    def test_list_filters_free_text_and_paging(self):
        a = self.file(category="hidden", description="Mörk trappa 100% otrygg")
        b = self.file(category="hidden", description="trappa_under bron")
        c = self.file(category="hidden", description="Mörk trappa vid skolan")
        q = lambda s: [x["id"] for x in self.triage.get("/api/v1/cases?q=" + s).json()["cases"]]
        self.assertEqual(q("100%25"), [a])
        self.assertEqual(q("trappa_"), [b])          # '_' is literal, not a wildcard
        self.assertEqual(set(q("M%C3%B6rk%20trappa")), {a, c})
        page1 = self.triage.get("/api/v1/cases?category=hidden&limit=2&sort=created").json()
        self.assertEqual(len(page1["cases"]), 2)
        self.assertGreaterEqual(page1["total"], 3)
        page2 = self.triage.get("/api/v1/cases?category=hidden&limit=2&sort=created&cursor=" + page1["next"]).json()
        self.assertFalse(set(x["id"] for x in page1["cases"]) & set(x["id"] for x in page2["cases"]))
        for bad in ("sort=sideways", "priority=9", "limit=0", "state=a%20b"):
            self.assertEqual(self.triage.get("/api/v1/cases?" + bad).status, 422, bad)
        walk = self.file(category="hidden", walk="NORRBY1")
        self.assertEqual([x["id"] for x in self.triage.get("/api/v1/cases?walk=NORRBY1").json()["cases"]], [walk])

    def test_bulk_acknowledge_and_assign_all_or_nothing(self):
        ids = [self.file(category="hidden") for _ in range(3)]
        r = self.triage.post("/api/v1/cases/bulk", {"ids": ids, "action": "acknowledge"})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(all(self.case(i)["state"] == "acknowledged" for i in ids))
        # Acknowledging again fails for all and changes nothing.
        fresh = self.file(category="hidden")
        r = self.triage.post("/api/v1/cases/bulk", {"ids": [fresh] + ids, "action": "acknowledge"})
        self.assertEqual(r.status, 409)
        self.assertEqual(self.case(fresh)["state"], "new")
        r = self.triage.post("/api/v1/cases/bulk", {"ids": ids + [fresh], "action": "assign",
                                                    "unit_id": self.units["parks"]})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(all(self.case(i)["unit"]["code"] == "parks" for i in ids + [fresh]))
        self.assertEqual(self.triage.post("/api/v1/cases/bulk", {"ids": [], "action": "assign"}).status, 422)
        self.assertEqual(self.lights.post("/api/v1/cases/bulk", {"ids": ids, "action": "acknowledge"}).status, 403)

    def test_reassign_is_an_event_and_outside_units_are_notified_not_assigned(self):
        cid = self.file(category="lighting")
        r = self.triage.post("/api/v1/cases/%d/assign" % cid, {"unit_id": self.units["parks"], "comment": "Parkväg"})
        self.assertEqual(r.status, 200)
        ev = [e for e in r.json()["history"] if e["kind"] == "assigned"][-1]
        self.assertEqual((ev["from"], ev["to"]), ("Gatubelysning", "Parker och natur"))
        self.assertEqual(ev["actor"], "triage1")
        self.assertEqual(r.json()["state"], "assigned")
        r = self.triage.post("/api/v1/cases/%d/assign" % cid, {"unit_id": self.units["police"]})
        self.assertEqual(r.status, 200)
        ev = [e for e in r.json()["history"] if e["kind"] == "notified"][-1]
        self.assertEqual((ev["from"], ev["to"]), ("Parker och natur", "Polisen"))
        self.assertEqual(r.json()["state"], "acknowledged")  # the office keeps the case
        self.assertEqual(self.triage.post("/api/v1/cases/%d/assign" % cid, {"unit_id": 9999}).status, 422)


if __name__ == "__main__":
    unittest.main(verbosity=2)
