"""Personal data under the GDPR (issue 9): reporters' contact details are erased by a
scheduled job a configurable time after their case closed, each erasure an event; the staff
commands `trygg reporter export EMAIL` and `trygg reporter erase EMAIL`."""
import json
import os
import sqlite3
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from staff_client import staff  # noqa: E402
from trygg_server import TryggServer, new_client_id  # noqa: E402

KARIN = {"name": "Karin Privat", "email": "Karin.Privat@example.se", "phone": "+46701234567"}


def sql(srv, statement, args=()):
    con = sqlite3.connect(srv.db, timeout=10)
    try:
        with con:
            return con.execute(statement, args).fetchall()
    finally:
        con.close()


class Retention(unittest.TestCase):
    def wait_for(self, what, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if what():
                return True
            time.sleep(0.2)
        return False

    def test_contact_details_go_once_the_case_has_been_closed_long_enough(self):
        cfg = "contact_retention_days = 0\nretention_interval_seconds = 1\n"
        with TryggServer(config_text=cfg) as srv:
            tove = staff(srv, "tove", "triage")
            closed = srv.post_observation(reporter=KARIN, category="graffiti").json()["id"]
            still_open = srv.post_observation(reporter=KARIN, category="graffiti").json()["id"]
            anonymous = srv.post_observation(category="graffiti").json()["id"]
            r = tove.post("/api/v1/cases/%d/state" % closed, {"state": "rejected", "reason": "other"})
            self.assertEqual(r.status, 200, r)
            self.assertTrue(self.wait_for(lambda: tove.get("/api/v1/cases/%d" % closed).json()["reporter"] is None),
                            "the job did not erase the contact details")
            ev = [e for e in tove.get("/api/v1/cases/%d" % closed).json()["history"] if e["kind"] == "contact_erased"]
            self.assertEqual(len(ev), 1)
            self.assertEqual((ev[0]["actor"], ev[0]["public"]), ("system", False))
            self.assertIn("0 days after the case closed", ev[0]["comment"])
            time.sleep(1.5)  # another run or two: nothing more to erase, no second event
            c = tove.get("/api/v1/cases/%d" % closed).json()
            self.assertEqual(len([e for e in c["history"] if e["kind"] == "contact_erased"]), 1)
            # An open case keeps them; a report without contact details gets no event.
            self.assertEqual(tove.get("/api/v1/cases/%d" % still_open).json()["reporter"]["name"], KARIN["name"])
            self.assertFalse([e for e in tove.get("/api/v1/cases/%d" % anonymous).json()["history"]
                              if e["kind"] == "contact_erased"])
            self.assertEqual(sql(srv, "SELECT count(*) FROM reporters WHERE observation_id = ?", (closed,)),
                             [(0,)])
            self.assertIn("retention: erased the contact details of 1 report", srv.read_log())

    def test_the_default_keeps_them_90_days(self):
        with TryggServer(config_text="retention_interval_seconds = 1\n") as srv:
            tove = staff(srv, "tove", "triage")
            oid = srv.post_observation(reporter=KARIN, category="graffiti").json()["id"]
            self.assertEqual(tove.post("/api/v1/cases/%d/state" % oid,
                                       {"state": "rejected", "reason": "other"}).status, 200)
            sql(srv, "UPDATE cases SET updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-89 days') "
                     "WHERE observation_id = ?", (oid,))
            time.sleep(2.5)
            self.assertIsNotNone(tove.get("/api/v1/cases/%d" % oid).json()["reporter"])
            sql(srv, "UPDATE cases SET updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-91 days') "
                     "WHERE observation_id = ?", (oid,))
            self.assertTrue(self.wait_for(lambda: tove.get("/api/v1/cases/%d" % oid).json()["reporter"] is None))
            self.assertIn("90 days after the case closed",
                          [e for e in tove.get("/api/v1/cases/%d" % oid).json()["history"]
                           if e["kind"] == "contact_erased"][0]["comment"])


class ReporterCommands(unittest.TestCase):
    def test_export_then_erase_everything_about_one_address(self):
        # SMTP configured (nothing listens): publishing queues the participant e-mails.
        with TryggServer(config_text="smtp_url = smtp://127.0.0.1:9\noutbox_base_delay_ms = 3600000\n") as srv:
            tove = staff(srv, "tove", "triage")
            first = srv.post_observation(reporter=KARIN, description="Trasig lampa").json()["id"]
            second = srv.post_observation(reporter=dict(KARIN, email="karin.privat@EXAMPLE.se")).json()["id"]
            other = srv.post_observation(reporter={"name": "Olof", "email": "olof@example.se"}).json()["id"]
            self.assertEqual(tove.post("/api/v1/cases/%d/state" % second,
                                       {"state": "rejected", "reason": "other"}).status, 200)
            join = srv.request("POST", "/api/v1/walks/NORRBY1/join",
                               {"participant_id": new_client_id(), "email": "karin.privat@example.se"})
            self.assertIn(join.status, (200, 201), join)
            pub = tove.post("/api/v1/walks/%d/publish" % sql(srv, "SELECT id FROM walks WHERE code = 'NORRBY1'")[0][0])
            self.assertEqual(pub.status, 200, pub)

            out = srv.cli("reporter", "export", "karin.privat@example.se")
            data = json.loads(out.stdout)
            self.assertEqual([r["id"] for r in data["reports"]], [first, second])
            self.assertEqual([r["state"] for r in data["reports"]][1], "rejected")
            self.assertEqual(data["reports"][0]["reporter"]["phone"], KARIN["phone"])
            self.assertEqual(data["reports"][0]["description"], "Trasig lampa")
            self.assertEqual([w["code"] for w in data["walks"]], ["NORRBY1"])
            self.assertEqual([(m["kind"], m["state"]) for m in data["messages"]], [("participant_email", "pending")])
            self.assertNotIn("olof", out.stdout.lower())

            out = srv.cli("reporter", "erase", "KARIN.privat@example.se")
            self.assertIn("contact details of 2 reports, 1 walk participation, 1 e-mail", out.stdout)
            for oid in (first, second):
                c = tove.get("/api/v1/cases/%d" % oid).json()
                self.assertIsNone(c["reporter"])
                ev = [e for e in c["history"] if e["kind"] == "contact_erased"]
                self.assertEqual([(e["actor"], e["public"]) for e in ev], [("command line", False)])
            self.assertEqual(tove.get("/api/v1/cases/%d" % other).json()["reporter"]["name"], "Olof")
            again = json.loads(srv.cli("reporter", "export", "karin.privat@example.se").stdout)
            self.assertEqual((again["reports"], again["walks"], again["messages"]), ([], [], []))
            rows = sql(srv, "SELECT target, state FROM outbox WHERE kind = 'participant_email'")
            self.assertEqual(rows, [("", "dead")])
            self.assertEqual(sql(srv, "SELECT count(*) FROM walk_participants WHERE email IS NOT NULL"), [(0,)])
            # Nothing of hers is left in the database file.
            con = sqlite3.connect(srv.db)
            try:
                tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                    "AND sql NOT LIKE 'CREATE VIRTUAL%'")]
                dump = "\n".join(repr(row) for t in tables
                                  for row in con.execute('SELECT * FROM "%s"' % t)).lower()
            finally:
                con.close()
            self.assertNotIn("karin.privat", dump)
            self.assertNotIn("46701234567", dump)
            # Bad use is refused.
            self.assertEqual(srv.cli("reporter", "erase", check=False).returncode, 2)
            self.assertEqual(srv.cli("reporter", "forget", "a@b.se", check=False).returncode, 2)
            self.assertEqual(srv.cli("reporter", "export", "not-an-address", check=False).returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
