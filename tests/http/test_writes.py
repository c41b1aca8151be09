"""Writes never claim success falsely (issue 7): a busy database answers 503 with
Retry-After and a stable code and stores nothing; the same report sent again in
other letter case is one report; nearby answers the truly nearest."""
import json
import math
import os
import sqlite3
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from trygg_server import BORAS, TryggServer, new_client_id  # noqa: E402


class Writes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer(config_text="db_busy_timeout_ms = 300\n").start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def rows(self, sql):
        con = sqlite3.connect(self.srv.db)
        try:
            return con.execute(sql).fetchone()[0]
        finally:
            con.close()

    def test_a_busy_database_answers_503_with_retry_after_and_stores_nothing(self):
        before = self.rows("SELECT count(*) FROM observations")
        cases_before = self.rows("SELECT count(*) FROM cases")
        con = sqlite3.connect(self.srv.db, timeout=5, isolation_level=None)
        con.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
        held = True
        try:
            cid = new_client_id()
            r = self.srv.post_observation(client_id=cid)
            self.assertEqual(r.status, 503, r)
            err = r.json()["error"]
            self.assertEqual(err["code"], "unavailable")
            self.assertTrue(err["message"])
            self.assertTrue(r.header("Retry-After") and int(r.header("Retry-After")) > 0)
            # reads keep working while the write lock is held
            self.assertEqual(self.srv.request("GET", "/api/v1/observations?limit=1").status, 200)
            con.execute("ROLLBACK")
            held = False
            self.assertEqual(self.rows("SELECT count(*) FROM observations"), before)
            self.assertEqual(self.rows("SELECT count(*) FROM cases"), cases_before)
            # the client's retry with the same client_id files it once
            r = self.srv.post_observation(client_id=cid)
            self.assertEqual(r.status, 201, r)
        finally:
            if held:
                con.execute("ROLLBACK")
            con.close()

    def test_staff_writes_on_a_busy_database_are_503_not_4xx(self):
        from staff_client import staff
        c = staff(self.srv, "busy_triage", "triage")
        oid = self.srv.post_observation(category="graffiti").json()["id"]
        con = sqlite3.connect(self.srv.db, timeout=5, isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        try:
            r = c.post("/api/v1/cases/%d/comment" % oid, {"comment": "note", "public": False})
            self.assertEqual(r.status, 503, r)
            self.assertEqual(r.json()["error"]["code"], "unavailable")
            self.assertTrue(r.header("Retry-After"))
        finally:
            con.execute("ROLLBACK")
            con.close()
        events = self.rows("SELECT count(*) FROM case_events WHERE case_id = %d AND kind = 'comment'"
                           % oid)
        self.assertEqual(events, 0)

    def test_client_id_is_compared_case_insensitively(self):
        cid = new_client_id()
        r1 = self.srv.post_observation(client_id=cid.upper())
        r2 = self.srv.post_observation(client_id=cid.lower())
        self.assertEqual(r1.status, 201, r1)
        self.assertEqual(r2.status, 200, r2)
        self.assertEqual(r1.json()["id"], r2.json()["id"])

    def test_nearby_returns_the_truly_nearest_beyond_64_candidates(self):
        # 80 open reports about 40 m away in a ring, then one 5 m away filed last
        lon0, lat0 = 12.9620, 57.7150
        dlat = 1 / 111320.0
        dlon = 1 / (111320.0 * math.cos(math.radians(lat0)))
        errors = []

        def file_many(ks):
            for k in ks:
                a = 2 * math.pi * k / 80
                # As the field app does: a 503 (busy, with Retry-After) is tried again
                # with the same client_id; anything else is an error.
                cid = new_client_id()
                for _ in range(5):
                    r = self.srv.post_observation(client_id=cid, category="signage",
                                                  lon=lon0 + 40 * math.cos(a) * dlon,
                                                  lat=lat0 + 40 * math.sin(a) * dlat)
                    if r.status != 503:
                        break
                    time.sleep(float(r.header("Retry-After") or 1))
                if r.status != 201:
                    errors.append(r)
        threads = [threading.Thread(target=file_many, args=(range(i, 80, 4),)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        near = self.srv.post_observation(category="signage", lon=lon0 + 3 * dlon, lat=lat0 + 4 * dlat)
        self.assertEqual(near.status, 201)
        r = self.srv.request("GET", "/api/v1/observations/nearby?lon=%f&lat=%f&category=signage"
                             "&radius_m=60" % (lon0, lat0))
        self.assertEqual(r.status, 200)
        obs = r.json()["observations"]
        self.assertEqual(len(obs), 10)
        self.assertEqual(obs[0]["id"], near.json()["id"])
        self.assertLess(obs[0]["distance_m"], 6)
        d = [o["distance_m"] for o in obs]
        self.assertEqual(d, sorted(d))


if __name__ == "__main__":
    unittest.main(verbosity=2)
