"""Safety walks from plan to protocol and follow-up (issue 8), against the real server:
the lifecycle, every role boundary, bad input, join codes, audits, the protocol as PDF
(read back with pdftotext) and CSV, the QR code (decoded with zbarimg), the poster and
the iCalendar feed (parsed with python3-icalendar)."""
import csv
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from staff_client import StaffClient, make_user, staff  # noqa: E402
from trygg_server import TryggServer, new_client_id  # noqa: E402

NORRBY = (12.935, 57.732)
ROUTE = {"type": "LineString", "coordinates": [[12.93, 57.73], [12.94, 57.733], [12.95, 57.736]]}
RATINGS = {"lighting": 1, "openness": 2, "visibility": 2, "people": 0, "security": 1,
           "walk_path": 3, "public_transport": 2, "gender_usage": 1, "feeling": 1}
GPX = """<?xml version="1.0"?><gpx version="1.1" creator="test"><trk><trkseg>
<trkpt lat="57.730" lon="12.930"/><trkpt lat="57.733" lon="12.940"/><trkpt lat="57.736" lon="12.950"/>
</trkseg></trk></gpx>"""
CONFIG = "walk_code_failures_per_minute = 5\nsmtp_url = smtp://127.0.0.1:9\n"


def plan(**kw):
    body = {"title": "Trygghetsvandring Norrby", "area": "norrby",
            "starts_at": "2026-12-03T17:00:00Z", "ends_at": "2026-12-03T19:00:00Z",
            "meeting_point": {"lon": 12.94, "lat": 57.733}, "meeting_text": "Vid Norrby torg",
            "route": ROUTE, "partners": ["housing", {"name": "Polisen lokalpolisområde Borås"}],
            "expected_participants": 25, "public": True,
            "groups": [{"name": "Grupp A"}, {"name": "Grupp B", "route": ROUTE}],
            "stops": [{"lon": 12.936, "lat": 57.731, "note": "Mörk gångtunnel", "group": 0}]}
    body.update(kw)
    return {k: v for k, v in body.items() if v is not None}


class Walks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer(config_text=CONFIG).start()
        cls.olle = staff(cls.srv, "olle", "organiser")
        cls.other = staff(cls.srv, "greta", "organiser")
        cls.tina = staff(cls.srv, "tina", "triage")
        cls.unit = staff(cls.srv, "hanna", "unit", unit="housing")

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def rows(self, sql):
        con = sqlite3.connect(self.srv.db)
        try:
            return con.execute(sql).fetchone()[0]
        finally:
            con.close()

    def new_walk(self, client=None, **kw):
        r = (client or self.olle).post("/api/v1/walks", plan(**kw))
        self.assertEqual(r.status, 201, r)
        return r.json()

    # --- plan -----------------------------------------------------------------------

    def test_plan_a_walk_with_route_groups_stops_partners_and_a_readable_code(self):
        w = self.new_walk()
        self.assertRegex(w["code"], r"^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$")
        self.assertRegex(w["code"], r"[A-Z]")
        self.assertTrue(w["join_url"].endswith("/w/" + w["code"]), w["join_url"])
        self.assertTrue(w["join_url"].startswith("http"), w["join_url"])
        self.assertEqual(w["state"], "planned")
        self.assertEqual(w["area"]["code"], "norrby")
        self.assertEqual(w["route"]["type"], "LineString")
        self.assertEqual(len(w["route"]["coordinates"]), 3)
        self.assertEqual([p["name"] for p in w["partners"]],
                         ["AB Bostäder i Borås", "Polisen lokalpolisområde Borås"])
        self.assertEqual(w["partners"][0]["unit"]["code"], "housing")
        self.assertEqual([g["name"] for g in w["groups"]], ["Grupp A", "Grupp B"])
        self.assertEqual(w["groups"][1]["route"]["type"], "LineString")
        self.assertEqual(w["stops"][0]["note"], "Mörk gångtunnel")
        self.assertEqual(w["stops"][0]["group_id"], w["groups"][0]["id"])
        self.assertEqual(w["organiser"]["username"], "olle")
        self.assertEqual(w["counts"], {"participants": 0, "observations": 0, "audits": 0})

    def test_a_gpx_route_file_is_read(self):
        w = self.new_walk(route=None, route_file=GPX)
        self.assertEqual(w["route"]["coordinates"][1], [12.94, 57.733])

    def test_roles_organiser_sees_only_own_walks_office_sees_all_units_and_public_cannot_plan(self):
        w = self.new_walk()
        path = "/api/v1/walks/%d" % w["id"]
        self.assertEqual(self.other.get(path).status, 404)
        self.assertEqual(self.other.put(path, {"title": "x"}).status, 404)
        self.assertEqual(self.tina.get(path).status, 200)
        self.assertEqual(self.tina.put(path, {"meeting_text": "Vid skolan"}).status, 200)
        self.assertEqual(self.unit.post("/api/v1/walks", plan()).status, 403)
        self.assertEqual(self.srv.request("POST", "/api/v1/walks", plan()).status, 401)
        self.assertEqual(self.srv.request("GET", path).status, 401)
        mine = [x["id"] for x in self.other.get("/api/v1/walks").json()["walks"]]
        self.assertNotIn(w["id"], mine)
        self.assertIn(w["id"], [x["id"] for x in self.tina.get("/api/v1/walks").json()["walks"]])
        for doc in ("qr.svg", "qr.png", "poster.pdf", "protocol.pdf", "protocol.csv", "live"):
            self.assertEqual(self.other.get(path + "/" + doc).status, 404, doc)
            self.assertEqual(self.srv.request("GET", path + "/" + doc).status, 401, doc)

    def test_states_planned_ongoing_done_and_cancelled(self):
        w = self.new_walk()
        path = "/api/v1/walks/%d" % w["id"]
        self.assertEqual(self.olle.put(path, {"state": "ongoing"}).json()["state"], "ongoing")
        self.assertEqual(self.olle.put(path, {"state": "done"}).json()["state"], "done")
        r = self.olle.put(path, {"state": "planned"})
        self.assertEqual(r.status, 409)
        self.assertEqual(r.json()["error"]["code"], "invalid_transition")
        r = self.olle.put(path, {"state": "cancelled"})
        self.assertEqual(r.status, 409)
        w2 = self.new_walk()
        self.assertEqual(self.olle.put("/api/v1/walks/%d" % w2["id"],
                                       {"state": "cancelled"}).json()["state"], "cancelled")

    def test_bad_plans_are_422_with_the_field_and_store_nothing(self):
        before = self.rows("SELECT count(*) FROM walks")
        cases = [
            (plan(route={"type": "Point", "coordinates": [12.94, 57.73]}), "route"),
            (plan(route={"type": "LineString", "coordinates": [[12.94, 57.73]]}), "route"),
            (plan(route=None, route_file="<gpx><trk><trkseg><trkpt lat='x'/></trkseg></trk></gpx>"),
             "route_file"),
            (plan(route=None, route_file="not a route"), "route_file"),
            (plan(route={"type": "LineString",
                         "coordinates": [[12.94, 57.73], [11.97, 57.70]]}), "route"),
            (plan(route={"type": "LineString",
                         "coordinates": [[12.93 + i * 1e-5, 57.73] for i in range(2001)]}), "route"),
            (plan(ends_at="2026-12-03T16:00:00Z"), "ends_at"),
            (plan(partners=["no_such_unit"]), "partners"),
            (plan(partners=[7]), "partners"),
            (plan(area="atlantis"), "area"),
            (plan(starts_at="tomorrow"), "starts_at"),
            (plan(title=None), "title"),
            (plan(meeting_point={"lon": 11.97, "lat": 57.70}), "meeting_point"),
        ]
        for body, field in cases:
            r = self.olle.post("/api/v1/walks", body)
            self.assertEqual(r.status, 422, (field, r))
            self.assertEqual(r.json()["error"]["field"], field, r)
            self.assertTrue(r.json()["error"]["message"])
        self.assertEqual(self.rows("SELECT count(*) FROM walks"), before)

    # --- walk --------------------------------------------------------------------

    def test_codes_are_case_insensitive_and_the_public_view_has_no_people(self):
        w = self.new_walk()
        r = self.srv.request("GET", "/api/v1/walks/" + w["code"].lower())
        self.assertEqual(r.status, 200, r)
        pub = r.json()
        self.assertEqual(pub["code"], w["code"])
        self.assertEqual(pub["route"]["type"], "LineString")
        self.assertIn(pub["area_outline"]["type"], ("Polygon", "MultiPolygon"))
        self.assertEqual(len(pub["groups"]), 2)
        for key in ("organiser", "id", "expected_participants"):
            self.assertNotIn(key, pub)
        r = self.srv.post_observation(walk=w["code"].lower(), lon=NORRBY[0], lat=NORRBY[1])
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["walk"], w["code"])

    def test_unknown_codes_are_404_then_rate_limited_per_address(self):
        statuses = [self.srv.request("GET", "/api/v1/walks/ZZZZ%02d" % i).status for i in range(8)]
        self.assertEqual(statuses[:5], [404] * 5)
        self.assertIn(429, statuses[5:])
        r = self.srv.request("GET", "/api/v1/walks/ZZZZ99")
        self.assertEqual(r.status, 429)
        self.assertTrue(r.header("Retry-After"))

    def test_join_counts_each_phone_once_and_keeps_the_email_private(self):
        w = self.new_walk()
        pid = new_client_id()
        url = "/api/v1/walks/%s/join" % w["code"]
        r1 = self.srv.request("POST", url, {"participant_id": pid, "email": "anna@example.se",
                                            "group_id": w["groups"][0]["id"]})
        r2 = self.srv.request("POST", url, {"participant_id": pid})
        r3 = self.srv.request("POST", url, {"participant_id": new_client_id()})
        self.assertEqual((r1.status, r2.status, r3.status), (201, 200, 201))
        self.assertEqual(r3.json()["participants"], 2)
        self.assertEqual(self.srv.request("POST", url, {"participant_id": new_client_id(),
                                                        "email": "a@b\r\nBcc: x@y"}).status, 422)
        for path in ("/api/v1/walks/" + w["code"], "/api/v1/walks", "/walks.ics"):
            self.assertNotIn("anna@example.se", self.srv.request("GET", path).body.decode())
        self.assertNotIn("anna@example.se", self.olle.get("/api/v1/walks/%d" % w["id"]).body.decode())
        self.assertNotIn("anna@example.se", self.srv.read_log())

    def test_audits_are_idempotent_and_bad_ratings_are_refused(self):
        w = self.new_walk()
        url = "/api/v1/walks/%s/audits" % w["code"]
        body = {"client_id": new_client_id(), "lon": NORRBY[0], "lat": NORRBY[1], "ratings": RATINGS}
        r1 = self.srv.request("POST", url, body)
        r2 = self.srv.request("POST", url, dict(body, client_id=body["client_id"].upper()))
        self.assertEqual((r1.status, r2.status), (201, 200), (r1, r2))
        self.assertEqual(r1.json()["id"], r2.json()["id"])
        self.assertEqual(r1.json()["ratings"], RATINGS)
        before = self.rows("SELECT count(*) FROM walk_audits")
        for bad in (dict(RATINGS, smell=2), dict(RATINGS, lighting=4), dict(RATINGS, feeling=-1),
                    {k: v for k, v in RATINGS.items() if k != "people"}, dict(RATINGS, openness="2")):
            r = self.srv.request("POST", url, dict(body, client_id=new_client_id(), ratings=bad))
            self.assertEqual(r.status, 422, (bad, r))
            self.assertEqual(r.json()["error"]["field"], "ratings")
        self.assertEqual(self.rows("SELECT count(*) FROM walk_audits"), before)

    def test_live_feed_gets_new_reports_and_audits_after_the_cursor(self):
        w = self.new_walk()
        live = "/api/v1/walks/%d/live" % w["id"]
        first = self.olle.get(live).json()
        self.assertEqual(first["observations"], [])
        self.srv.post_observation(walk=w["code"], lon=NORRBY[0], lat=NORRBY[1], description="Trasig lampa",
                                  walk_group=w["groups"][1]["id"])
        self.srv.request("POST", "/api/v1/walks/%s/audits" % w["code"],
                         {"client_id": new_client_id(), "lon": NORRBY[0], "lat": NORRBY[1],
                          "ratings": RATINGS})
        second = self.olle.get(live + "?after=" + first["cursor"]).json()
        self.assertEqual([o["description"] for o in second["observations"]], ["Trasig lampa"])
        self.assertEqual(second["observations"][0]["group"], "Grupp B")
        self.assertEqual(len(second["audits"]), 1)
        third = self.olle.get(live + "?after=" + second["cursor"]).json()
        self.assertEqual((third["observations"], third["audits"]), ([], []))
        self.assertEqual(third["counts"]["observations"], 1)

    # --- protocol -------------------------------------------------------------------

    def test_protocol_items_answers_pdf_csv_and_the_units_answer_api(self):
        w = self.new_walk()
        ids = []
        for i, text in enumerate(["Gatlampan är trasig vid gångtunneln", "Buskarna skymmer sikten",
                                  "Klotter på väggen – åäö ÅÄÖ é"]):
            r = self.srv.post_observation(walk=w["code"], lon=NORRBY[0] + i * 0.001, lat=NORRBY[1],
                                          description=text, category="vegetation", unsafe_rating=3)
            self.assertEqual(r.status, 201, r)
            ids.append(r.json()["id"])
        base = "/api/v1/walks/%d" % w["id"]
        r = self.olle.put("%s/items/%d" % (base, ids[0]),
                          {"action": "Byt armatur", "responsible_unit": "housing", "priority": 1,
                           "deadline": "2027-02-01"})
        self.assertEqual(r.status, 200, r)
        item = [i for i in r.json()["items"] if i["observation_id"] == ids[0]][0]
        self.assertEqual((item["action"], item["priority"], item["deadline"]),
                         ("Byt armatur", 1, "2027-02-01"))
        self.assertEqual(item["responsible"]["unit"]["code"], "housing")
        self.assertEqual(self.olle.put("%s/items/%d" % (base, ids[1]), {"deadline": "2027-13-01"}).status,
                         422)
        self.assertEqual(self.olle.put("%s/items/%d" % (base, ids[1]),
                                       {"responsible_unit": "nope"}).status, 422)
        # the unit sees its item only, and answers it
        mine = self.unit.get(base + "/items").json()["items"]
        self.assertEqual([i["observation_id"] for i in mine], [ids[0]])
        r = self.unit.post("%s/items/%d/answer" % (base, ids[1]), {"answer": "done"})
        self.assertEqual(r.status, 404)
        r = self.unit.post("%s/items/%d/answer" % (base, ids[0]), {"answer": "wont_do"})
        self.assertEqual((r.status, r.json()["error"]["field"]), (422, "reason"))
        r = self.unit.post("%s/items/%d/answer" % (base, ids[0]), {"answer": "will_do", "by": "2027-01-15",
                                                                   "comment": "Beställt"})
        self.assertEqual(r.status, 200, r)
        # a unit's own system answers through the units' update API
        token = self.srv.cli("unit", "token", "housing").stdout.strip()
        self.tina.post("/api/v1/cases/%d/assign" % ids[0], {"unit_id": item["responsible"]["unit"]["id"]})
        r = self.srv.request("POST", "/api/v1/units/housing/updates",
                             {"case_id": ids[0], "walk_answer": {"answer": "done"}},
                             {"Authorization": "Bearer " + token})
        self.assertEqual(r.status, 200, r)
        items = self.olle.get(base + "/items").json()["items"]
        self.assertEqual(items[0]["answer"]["answer"], "done")
        self.assertEqual(items[0]["answer"]["actor"], "unit:housing")
        # the PDF protocol contains every number and description
        r = self.olle.get(base + "/protocol.pdf")
        self.assertEqual((r.status, r.header("Content-Type")), (200, "application/pdf"))
        text = pdftotext(r.body)
        for n, desc in enumerate(["Gatlampan är trasig vid gångtunneln", "Buskarna skymmer sikten",
                                  "Klotter på väggen – åäö ÅÄÖ é"], 1):
            self.assertIn(desc, text.replace("\n", " "))
            self.assertRegex(text, r"(?m)^\s*%d\b" % n)
        self.assertIn("Byt armatur", text)
        self.assertIn("Polisen lokalpolisområde Borås", text.replace("\n", " "))
        # CSV: UTF-8 with BOM, one row per item
        r = self.olle.get(base + "/protocol.csv")
        self.assertTrue(r.body.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"))))
        self.assertEqual(len(rows), 4)
        self.assertEqual(rows[3][2], "Klotter på väggen – åäö ÅÄÖ é")
        self.assertEqual(rows[1][12], "Byt armatur")

    def test_units_find_their_walks_and_the_public_learns_what_the_walk_led_to(self):
        w = self.new_walk()
        oid = self.srv.post_observation(walk=w["code"], lon=NORRBY[0], lat=NORRBY[1],
                                        description="Mörk passage").json()["id"]
        base = "/api/v1/walks/%d" % w["id"]
        self.assertNotIn(w["id"], [x.get("id") for x in self.unit.get("/api/v1/walks").json()["walks"]])
        self.olle.put("%s/items/%d" % (base, oid), {"action": "Sätt upp belysning",
                                                    "responsible_unit": "housing"})
        self.assertIn(w["id"], [x["id"] for x in self.unit.get("/api/v1/walks").json()["walks"]])
        self.unit.post("%s/items/%d/answer" % (base, oid), {"answer": "will_do", "by": "2027-03-01"})
        pub = self.srv.request("GET", "/api/v1/walks/" + w["code"]).json()
        self.assertEqual(pub["items"], [])  # not before the protocol is published
        self.olle.post(base + "/publish")
        pub = self.srv.request("GET", "/api/v1/walks/" + w["code"]).json()
        self.assertEqual(len(pub["items"]), 1)
        item = pub["items"][0]
        self.assertEqual((item["description"], item["action"], item["responsible"]),
                         ("Mörk passage", "Sätt upp belysning", "AB Bostäder i Borås"))
        self.assertEqual(item["answer"]["answer"], "will_do")
        self.assertNotIn("actor", item["answer"])
        self.assertNotIn("hanna", json.dumps(pub))

    def test_qr_code_decodes_to_the_join_url_and_the_poster_has_the_code(self):
        w = self.new_walk()
        r = self.olle.get("/api/v1/walks/%d/qr.png" % w["id"])
        self.assertEqual((r.status, r.header("Content-Type")), (200, "image/png"))
        tmp = tempfile.mkdtemp()
        try:
            png = os.path.join(tmp, "qr.png")
            with open(png, "wb") as f:
                f.write(r.body)
            out = subprocess.run(["zbarimg", "--nodbus", "--raw", "-q", png], capture_output=True,
                                 text=True, timeout=60)
            self.assertEqual(out.stdout.strip(), w["join_url"])
        finally:
            shutil.rmtree(tmp)
        svg = self.olle.get("/api/v1/walks/%d/qr.svg" % w["id"])
        self.assertTrue(svg.body.lstrip().startswith(b"<svg") or b"<svg" in svg.body[:200])
        r = self.olle.get("/api/v1/walks/%d/poster.pdf?lang=en" % w["id"])
        self.assertEqual(r.status, 200)
        text = pdftotext(r.body)
        self.assertIn(w["code"], text.replace(" ", ""))
        self.assertIn("Trygghetsvandring Norrby", text)

    def test_the_icalendar_feed_has_one_event_per_public_walk(self):
        pub = self.new_walk(title="Öppen vandring")
        private = self.new_walk(title="Intern vandring", public=False)
        cancelled = self.new_walk(title="Inställd vandring")
        self.olle.put("/api/v1/walks/%d" % cancelled["id"], {"state": "cancelled"})
        r = self.srv.request("GET", "/walks.ics")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("Content-Type").startswith("text/calendar"))
        code = ("import sys, icalendar\n"
                "cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())\n"
                "for e in cal.walk('VEVENT'):\n"
                "    print(str(e.get('SUMMARY')), e.get('GEO').latitude if e.get('GEO') else '')\n")
        out = subprocess.run(["/usr/bin/python3", "-c", code], input=r.body, capture_output=True,
                             timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        summaries = out.stdout.decode().splitlines()
        titles = [s.rsplit(" ", 1)[0] for s in summaries]
        self.assertIn("Öppen vandring", titles)
        self.assertNotIn("Intern vandring", titles)
        self.assertNotIn("Inställd vandring", titles)
        public_walks = [x for x in self.srv.request("GET", "/api/v1/walks").json()["walks"]
                        if x["state"] != "cancelled"]
        self.assertEqual(len(summaries), len(public_walks))
        self.assertIn("57.733", out.stdout.decode())
        self.assertNotIn(private["code"], r.body.decode())
        self.assertIn(pub["code"], r.body.decode())

    def test_publish_queues_an_email_for_each_participant_address(self):
        w = self.new_walk()
        for email in ("a@example.se", "b@example.se", None):
            body = {"participant_id": new_client_id()}
            if email:
                body["email"] = email
            self.srv.request("POST", "/api/v1/walks/%s/join" % w["code"], body)
        r = self.olle.post("/api/v1/walks/%d/publish" % w["id"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["emails_queued"], 2)
        self.assertTrue(self.olle.get("/api/v1/walks/%d" % w["id"]).json()["protocol_published_at"])
        self.assertEqual(self.rows("SELECT count(*) FROM outbox WHERE kind = 'participant_email' "
                                   "AND walk_id = %d" % w["id"]), 2)

    # --- follow up -----------------------------------------------------------------

    def test_a_follow_up_walk_copies_area_and_route_and_lists_the_open_items(self):
        first = self.new_walk()
        fixed = self.srv.post_observation(walk=first["code"], lon=NORRBY[0], lat=NORRBY[1],
                                          description="Lagas", category="graffiti").json()["id"]
        still = self.srv.post_observation(walk=first["code"], lon=NORRBY[0], lat=NORRBY[1],
                                          description="Finns kvar", category="graffiti").json()["id"]
        self.srv.request("POST", "/api/v1/walks/%s/audits" % first["code"],
                         {"client_id": new_client_id(), "lon": NORRBY[0], "lat": NORRBY[1],
                          "ratings": RATINGS})
        self.tina.post("/api/v1/cases/%d/state" % fixed, {"state": "rejected", "reason": "other"})
        r = self.olle.post("/api/v1/walks", {"follow_up_of": first["id"], "title": "Uppföljning Norrby",
                                             "starts_at": "2027-05-03T17:00:00Z"})
        self.assertEqual(r.status, 201, r)
        f = r.json()
        self.assertEqual(f["follow_up_of"], first["id"])
        self.assertEqual(f["area"]["code"], "norrby")
        self.assertEqual(f["route"], first["route"])
        self.assertEqual([g["name"] for g in f["groups"]], ["Grupp A", "Grupp B"])
        pub = self.srv.request("GET", "/api/v1/walks/" + f["code"]).json()
        self.assertEqual([c["description"] for c in pub["checklist"]], ["Finns kvar"])
        self.assertIn(f["id"], self.olle.get("/api/v1/walks/%d" % first["id"]).json()["follow_ups"])
        text = pdftotext(self.olle.get("/api/v1/walks/%d/protocol.pdf" % f["id"]).body)
        self.assertIn("Finns kvar", text.replace("\n", " "))
        self.assertIn("Lagas", text.replace("\n", " "))
        del still

    def test_a_protocol_of_300_observations_with_photos_renders(self):
        w = self.new_walk()
        jpeg = tiny_jpeg()
        for i in range(300):
            r = self.srv.post_observation(walk=w["code"], lon=12.93 + (i % 20) * 0.001,
                                          lat=57.729 + (i // 20) * 0.0005,
                                          description="Iakttagelse nummer %d" % (i + 1))
            self.assertEqual(r.status, 201)
            if i % 10 == 0:
                p = self.srv.request("POST", "/api/v1/observations/%d/photos" % r.json()["id"], jpeg,
                                     self.srv.photo_headers(r.json()["id"]))
                self.assertEqual(p.status, 201, p)
        t0 = time.monotonic()
        r = self.olle.get("/api/v1/walks/%d/protocol.pdf" % w["id"])
        elapsed = time.monotonic() - t0
        self.assertEqual(r.status, 200)
        print("protocol with 300 observations and 30 photos: %.2f s, %d bytes" % (elapsed, len(r.body)))
        text = pdftotext(r.body).replace("\n", " ")
        for i in (1, 150, 300):
            self.assertIn("Iakttagelse nummer %d" % i, text)


def pdftotext(pdf):
    p = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                       timeout=120)
    if p.returncode != 0:
        raise AssertionError(p.stderr)
    return p.stdout.decode("utf-8")


def tiny_jpeg():
    """A small real JPEG made with cjpeg from a generated PPM."""
    w, h = 64, 48
    ppm = b"P6\n%d %d\n255\n" % (w, h) + bytes((x * 4) % 256 for x in range(w * h * 3))
    p = subprocess.run(["cjpeg", "-quality", "80"], input=ppm, capture_output=True, timeout=60)
    if p.returncode != 0:
        raise AssertionError(p.stderr)
    return p.stdout


if __name__ == "__main__":
    unittest.main(verbosity=2)
