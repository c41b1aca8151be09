"""The case workflow (issue 3): routing, transitions, roles, duplicates, merge, comments, bulk."""
import datetime
import os
import sqlite3
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

    # Who may make which transition (the server's table, restated as the test's own truth).
    ALLOWED_FOR_TRIAGE = {
        "new": {"acknowledged", "rejected"},  # -> assigned needs a unit; see below
        "acknowledged": {"assigned", "rejected"},
        "assigned": {"in_progress", "resolved", "rejected", "acknowledged"},
        "in_progress": {"resolved", "rejected"},
        "resolved": {"acknowledged", "assigned"},
        "rejected": {"acknowledged", "assigned"},
        "duplicate": set(),
    }
    ALLOWED_FOR_UNIT = {
        "assigned": {"in_progress", "resolved"},
        "in_progress": {"resolved"},
    }
    STATES = ("new", "acknowledged", "assigned", "in_progress", "resolved", "rejected", "duplicate")

    def case_in(self, state):
        """A fresh case in state: 'new' is unrouted; every other one has the street lighting unit."""
        if state == "new":
            return self.file(category="hidden")
        cid = self.file(category="lighting")  # routed: assigned to street_lighting
        steps = {"acknowledged": ["acknowledged"], "assigned": [], "in_progress": ["in_progress"],
                 "resolved": ["resolved"], "rejected": ["rejected"]}
        if state == "duplicate":
            r = self.triage.post("/api/v1/cases/%d/merge" % cid, {"into": self.file(category="lighting")})
            self.assertEqual(r.status, 200, r)
        else:
            for to in steps[state]:
                self.assertEqual(self.state(cid, to, reason="other").status, 200, (state, to))
        self.assertEqual(self.case(cid)["state"], state)
        return cid

    def state_events(self, cid):
        return [(e["from"], e["to"], e["actor"]) for e in self.case(cid)["history"] if e["kind"] == "state"]

    def test_transition_table_every_allowed_pair_and_every_refused_one(self):
        for frm in self.STATES:
            for to in sorted(self.ALLOWED_FOR_TRIAGE[frm]):
                cid = self.case_in(frm)
                r = self.state(cid, to, reason="cannot_locate", comment="step %s->%s" % (frm, to))
                self.assertEqual(r.status, 200, (frm, to, r))
                self.assertEqual(r.json()["state"], to)
                self.assertEqual(r.json()["reject_reason"], "cannot_locate" if to == "rejected" else None)
                self.assertIn((frm, to, "triage1"), self.state_events(cid))
                pub = self.srv.request("GET", "/api/v1/observations/%d" % cid).json()
                self.assertEqual(pub["status"], to)  # observations.status follows cases.state
            cid = self.case_in(frm)
            before = self.case(cid)["history"]
            for to in self.STATES:
                if to in self.ALLOWED_FOR_TRIAGE[frm]:
                    continue
                r = self.state(cid, to, reason="other")
                self.assertEqual(r.status, 409, (frm, to, r))
                err = r.json()["error"]
                self.assertEqual(err["code"], "invalid_transition")
                self.assertIn("from %s to %s" % (frm, to), err["message"])
            after = self.case(cid)
            self.assertEqual(after["state"], frm)
            self.assertEqual(after["history"], before)  # a refusal records nothing

    def test_the_case_view_lists_exactly_the_transitions_the_table_allows_for_the_role(self):
        # allowed_transitions is computed from the one transition table: it names what
        # succeeds (and only that) for this session's role, with a reason where one is needed.
        for frm in self.STATES:
            cid = self.case_in(frm)
            for who, table in ((self.triage, self.ALLOWED_FOR_TRIAGE), (self.admin, self.ALLOWED_FOR_TRIAGE),
                               (self.lights, self.ALLOWED_FOR_UNIT)):
                if frm == "new" and who is self.lights:
                    continue  # an unrouted case is not the unit's to see
                view = self.case(cid, who)
                offered = {a["to"]: a for a in view["allowed_transitions"]}
                self.assertEqual(set(offered), table.get(frm, set()), (frm, who.user["username"]))
                for to, a in offered.items():
                    self.assertEqual(a["reason_required"], to == "rejected")
                    if to == "rejected":
                        self.assertEqual(a["reasons"], ["not_our_responsibility", "no_action_needed",
                                                        "cannot_locate", "other"])
        # Every offer succeeds (here from acknowledged, with the street lighting unit).
        offered = [a["to"] for a in self.case(self.case_in("acknowledged"))["allowed_transitions"]]
        self.assertIn("assigned", offered)
        for to in offered:
            cid = self.case_in("acknowledged")
            self.assertEqual(self.state(cid, to, reason="other").status, 200, to)
        # Every answer that carries the case view carries it, updated to the new state.
        cid = self.case_in("assigned")
        r = self.state(cid, "in_progress")
        self.assertEqual({a["to"] for a in r.json()["allowed_transitions"]}, self.ALLOWED_FOR_TRIAGE["in_progress"])

    def test_unit_handlers_work_their_cases_but_make_no_other_transition(self):
        for frm in ("acknowledged", "assigned", "in_progress", "resolved", "rejected"):
            for to in self.STATES:
                cid = self.case_in(frm)
                r = self.state(cid, to, who=self.lights, reason="other")
                if to in self.ALLOWED_FOR_UNIT.get(frm, set()):
                    self.assertEqual(r.status, 200, (frm, to, r))
                    self.assertIn((frm, to, "lights1"), self.state_events(cid))
                else:
                    self.assertEqual(r.status, 409, (frm, to, r))
                    self.assertEqual(r.json()["error"]["code"], "invalid_transition")
                    self.assertEqual(self.case(cid)["state"], frm)
                if frm not in self.ALLOWED_FOR_UNIT:
                    break  # nothing is allowed from here: one case per state is enough
        # A routed case that is a duplicate is still the unit's, but it cannot be moved.
        dup = self.case_in("duplicate")
        self.assertEqual(self.state(dup, "resolved", who=self.lights).status, 409)

    def test_reopening_clears_the_reject_reason_and_can_answer_publicly(self):
        cid = self.case_in("rejected")
        self.assertEqual(self.case(cid)["reject_reason"], "other")
        r = self.state(cid, "assigned", comment="Reopened after a call", public=True)
        self.assertEqual(r.status, 200, r)
        self.assertIsNone(r.json()["reject_reason"])
        self.assertEqual(r.json()["unit"]["code"], "street_lighting")
        pub = self.srv.request("GET", "/api/v1/observations/%d" % cid).json()
        self.assertEqual(pub["public_comments"][-1]["comment"], "Reopened after a call")

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

    def test_due_dates_follow_the_priority_from_config(self):
        def days(c):
            fmt = "%Y-%m-%dT%H:%M:%SZ"
            return (datetime.datetime.strptime(c["due_at"], fmt)
                    - datetime.datetime.strptime(c["created_at"], fmt)).days
        lit = self.case(self.file(category="lighting"))    # rule priority 2
        lit_ = self.case(self.file(category="litter"))     # rule priority 3
        hid = self.case(self.file(category="hidden"))      # no rule: priority 2
        self.assertEqual((lit["priority"], days(lit)), (2, 14))
        self.assertEqual((lit_["priority"], days(lit_)), (3, 60))
        self.assertEqual((hid["priority"], days(hid)), (2, 14))
        r = self.triage.post("/api/v1/cases/%d/priority" % lit["id"], {"priority": 3})
        self.assertEqual(days(r.json()), 60)
        ev = [e for e in r.json()["history"] if e["kind"] == "priority"]
        self.assertEqual([(e["from"], e["to"], e["actor"]) for e in ev], [("2", "3", "triage1")])
        # The same priority again changes nothing and records nothing.
        r = self.triage.post("/api/v1/cases/%d/priority" % lit["id"], {"priority": 3})
        self.assertEqual(len([e for e in r.json()["history"] if e["kind"] == "priority"]), 1)
        # Sorting by due date puts the earliest first.
        dues = [c["due_at"] for c in self.triage.get("/api/v1/cases?sort=due&limit=500").json()["cases"]]
        self.assertEqual(dues, sorted(dues))

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

    def test_unit_handlers_get_404_for_other_units_cases_and_403_for_triage_actions(self):
        veg = self.file(category="vegetation")     # parks'
        lit = self.file(category="lighting")       # street_lighting's
        missing = 99999999
        for path, body in (("", None), ("/state", {"state": "in_progress"}),
                           ("/comment", {"comment": "x"})):
            for cid in (veg, missing):
                r = (self.lights.post if body else self.lights.get)("/api/v1/cases/%d%s" % (cid, path), *(
                    [body] if body else []))
                self.assertEqual(r.status, 404, (path, cid, r))
                # The same answer for another unit's case as for no case at all.
                self.assertEqual(r.json()["error"]["message"], "no case %d" % cid)
        for path, body in (("/assign", {"unit_id": self.units["parks"]}), ("/priority", {"priority": 1}),
                           ("/merge", {"into": lit})):
            self.assertEqual(self.lights.post("/api/v1/cases/%d%s" % (lit, path), body).status, 403, path)
        self.assertEqual(self.lights.post("/api/v1/cases/bulk", {"ids": [lit], "action": "acknowledge"}).status, 403)
        self.assertEqual(self.lights.get("/api/v1/routing-rules").status, 403)
        self.assertEqual(self.lights.get("/api/v1/units").status, 200)
        self.assertEqual(self.organiser.get("/api/v1/units").status, 200)
        self.assertEqual(self.organiser.post("/api/v1/cases/%d/comment" % lit, {"comment": "x"}).status, 403)
        self.assertEqual(self.organiser.post("/api/v1/cases/bulk", {"ids": [lit], "action": "acknowledge"}).status, 403)
        self.assertEqual(self.triage.post("/api/v1/units", {"code": "x", "name": "X"}).status, 403)
        # Writes without the CSRF token are refused before anything happens.
        r = self.triage.post("/api/v1/cases/%d/comment" % lit, {"comment": "no token"}, csrf=False)
        self.assertEqual((r.status, r.json()["error"]["code"]), (403, "csrf"))
        self.assertNotIn("no token", [e["comment"] for e in self.case(lit)["history"]])
        # Admins see everything triage sees.
        self.assertEqual(self.admin.get("/api/v1/cases/%d" % veg).status, 200)
        # A unit handler's likely duplicates are its own unit's only.
        lon, lat = 12.9050, 57.7400
        mine = self.file(category="hidden", lon=lon, lat=lat)
        theirs = self.file(category="hidden", lon=lon, lat=lat + 0.00005)
        self.triage.post("/api/v1/cases/%d/assign" % mine, {"unit_id": self.units["street_lighting"]})
        self.triage.post("/api/v1/cases/%d/assign" % theirs, {"unit_id": self.units["parks"]})
        self.assertIn(theirs, [d["id"] for d in self.case(mine)["duplicates"]])
        self.assertEqual([d["id"] for d in self.case(mine, who=self.lights)["duplicates"]], [])

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

    def test_duplicates_are_open_same_category_cases_within_the_period(self):
        lon, lat = 12.9950, 57.7260
        base = self.file(category="path", lon=lon, lat=lat)
        near = self.file(category="path", lon=lon, lat=lat + 0.0001)     # about 11 m north
        closed = self.file(category="path", lon=lon, lat=lat + 0.00005)
        old = self.file(category="path", lon=lon, lat=lat + 0.00002)
        self.assertEqual(self.state(closed, "resolved").status, 200)
        # Filed 91 days earlier than the base case: outside duplicate_days (90).
        with sqlite3.connect(self.srv.db, timeout=30) as con:
            con.execute("UPDATE observations SET created_at = strftime('%Y-%m-%dT%H:%M:%SZ', "
                        "(SELECT created_at FROM observations WHERE id = ?), '-91 days') WHERE id = ?",
                        (base, old))
        con.close()
        dups = self.case(base)["duplicates"]
        self.assertEqual([d["id"] for d in dups], [near])
        d = dups[0]
        self.assertEqual(set(d), {"id", "distance_m", "category", "state", "created_at", "description"})
        self.assertEqual((d["category"], d["state"]), ("path", "assigned"))
        self.assertAlmostEqual(d["distance_m"], 11.1, delta=0.3)
        self.assertEqual(d["distance_m"], round(d["distance_m"], 1))
        # Reopened, the closed one is a likely duplicate again; the base never lists itself.
        self.assertEqual(self.state(closed, "assigned").status, 200)
        self.assertEqual([x["id"] for x in self.case(base)["duplicates"]], [closed, near])

    def test_merge_chains_resolve_to_the_primary_and_duplicates_show_its_public_answers(self):
        lon, lat = 13.0100, 57.7300
        a = self.file(category="furniture", lon=lon, lat=lat)
        b = self.file(category="furniture", lon=lon, lat=lat + 0.00003)
        c = self.file(category="furniture", lon=lon, lat=lat + 0.00006)
        self.assertEqual(self.triage.post("/api/v1/cases/%d/merge" % b, {"into": c}).status, 200)
        # Merging c (b's primary) into a moves b along; merging into a duplicate means its primary.
        self.assertEqual(self.triage.post("/api/v1/cases/%d/merge" % c, {"into": a}).status, 200)
        self.assertEqual(self.case(b)["duplicate_of"], a)
        self.assertEqual(sorted(self.case(a)["merged"]), sorted([b, c]))
        d = self.file(category="furniture", lon=lon, lat=lat)
        r = self.triage.post("/api/v1/cases/%d/merge" % d, {"into": b})
        self.assertEqual(r.json()["duplicate_of"], a)
        # Merged cases are no longer offered as likely duplicates.
        self.assertEqual([x["id"] for x in self.case(a)["duplicates"]], [])
        self.triage.post("/api/v1/cases/%d/comment" % a, {"comment": "Bänken lagas i veckan.", "public": True})
        self.triage.post("/api/v1/cases/%d/comment" % a, {"comment": "intern anteckning", "public": False})
        self.state(a, "in_progress")
        for cid in (b, c, d):
            pub = self.srv.request("GET", "/api/v1/observations/%d" % cid).json()
            self.assertEqual(pub["status"], "in_progress", cid)
            self.assertEqual(pub["unit"], "Parker och natur")
            self.assertEqual([x["comment"] for x in pub["public_comments"]], ["Bänken lagas i veckan."])
            self.assertEqual(self.case(cid)["state"], "duplicate")
        # A duplicate is merged only once, and a closed case is not merged.
        self.assertEqual(self.triage.post("/api/v1/cases/%d/merge" % b, {"into": a}).status, 409)
        e = self.case_in("resolved")
        r = self.triage.post("/api/v1/cases/%d/merge" % e, {"into": a})
        self.assertEqual((r.status, r.json()["error"]["code"]), (409, "invalid_transition"))

    def test_merge_keeps_photos_and_reporter_and_the_duplicate_follows_the_primary(self):
        primary = self.file(category="vegetation", lon=13.0000, lat=57.7400)
        dup = self.file(category="vegetation", lon=13.0001, lat=57.7400, reporter={"name": "Dup Reporter"})
        from test_photos import jpeg_from_ppm
        up = self.srv.request("POST", "/api/v1/observations/%d/photos" % dup, jpeg_from_ppm(16, 16),
                              self.srv.photo_headers(dup))
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

    def test_list_filters_by_state_unit_category_area_and_priority(self):
        a = self.file(category="signage", lon=12.9401, lat=57.7210)  # centrum, streets_traffic, prio 3
        b = self.file(category="signage", lon=12.9400, lat=57.7350)  # norrby
        self.triage.post("/api/v1/cases/%d/priority" % b, {"priority": 1})
        self.state(b, "in_progress")
        ids = lambda qs: {x["id"] for x in self.triage.get("/api/v1/cases?limit=500&" + qs).json()["cases"]}
        self.assertEqual(ids("category=signage&area=centrum") & {a, b}, {a})
        self.assertEqual(ids("category=signage&area=norrby") & {a, b}, {b})
        self.assertEqual(ids("category=signage&priority=1") & {a, b}, {b})
        self.assertEqual(ids("category=signage&state=assigned,in_progress") & {a, b}, {a, b})
        self.assertEqual(ids("category=signage&state=in_progress") & {a, b}, {b})
        self.assertEqual(ids("unit=%d&category=signage" % self.units["streets_traffic"]) & {a, b}, {a, b})
        self.assertEqual(ids("unit=%d&category=signage" % self.units["parks"]) & {a, b}, set())
        body = self.triage.get("/api/v1/cases?category=signage&area=centrum").json()
        self.assertEqual(body["total"], len(body["cases"]))
        self.assertIsNone(body["next"])
        prios = [x["priority"] for x in self.triage.get("/api/v1/cases?sort=priority&limit=500").json()["cases"]]
        self.assertEqual(prios, sorted(prios))

    def test_bulk_refuses_unknown_ids_and_unknown_units_and_changes_nothing(self):
        ids = [self.file(category="hidden") for _ in range(2)]
        r = self.triage.post("/api/v1/cases/bulk", {"ids": ids + [99999999], "action": "acknowledge"})
        self.assertEqual(r.status, 422)
        r = self.triage.post("/api/v1/cases/bulk", {"ids": ids, "action": "assign", "unit_id": 99999})
        self.assertEqual(r.status, 422)
        self.assertEqual(self.triage.post("/api/v1/cases/bulk", {"ids": ids, "action": "close"}).status, 422)
        self.assertEqual(self.triage.post("/api/v1/cases/bulk", {"ids": ids * 101, "action": "acknowledge"}).status, 422)
        for i in ids:
            c = self.case(i)
            self.assertEqual((c["state"], c["unit"]), ("new", None))
            self.assertEqual([e["kind"] for e in c["history"]], ["created"])

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
        # A public comment on a re-routing shows on the public view, an internal one does not.
        self.triage.post("/api/v1/cases/%d/assign" % cid, {"unit_id": self.units["street_lighting"],
                                                          "comment": "Gatubelysningen tar det", "public": True})
        self.triage.post("/api/v1/cases/%d/assign" % cid, {"unit_id": self.units["parks"], "comment": "internt"})
        pub = self.srv.request("GET", "/api/v1/observations/%d" % cid).json()
        self.assertEqual([c["comment"] for c in pub["public_comments"]], ["Gatubelysningen tar det"])
        self.assertEqual(pub["unit"], "Parker och natur")


if __name__ == "__main__":
    unittest.main(verbosity=2)
