"""Group commit (issue 13): many residents filing at once are all stored exactly once, each
with its case; the same client_id sent by several phones at once is stored once and every
one of them gets its id; a bad filing committed in the same batch as good ones fails alone;
"me too" from many phones at once counts each phone once."""
import os
import sqlite3
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from staff_client import staff  # noqa: E402
from trygg_server import TryggServer, new_client_id  # noqa: E402
from test_walks import CONFIG, NORRBY, plan  # noqa: E402

THREADS = 24
PER_THREAD = 8


def run_threads(n, target):
    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


class GroupCommit(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # 24 clients opening a connection per request from one address: the per-address
        # connection limit (32, counted until a closed connection is gone) is not under test.
        cls.srv = TryggServer(config_text=CONFIG + "max_connections_per_address = 4096\n").start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.srv.cleanup()

    def rows(self, sql, *args):
        con = sqlite3.connect(self.srv.db)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def test_many_concurrent_filings_are_all_stored_exactly_once(self):
        results, lock = [], threading.Lock()

        def file(n):
            for i in range(PER_THREAD):
                cid = new_client_id()
                r = self.srv.post_observation(client_id=cid, category="litter",
                                              description="batch %d-%d" % (n, i))
                with lock:
                    results.append((cid, r.status, r.json().get("id") if r.status != 503 else r.body))

        run_threads(THREADS, file)
        self.assertEqual([(s, b) for _, s, b in results if s != 201], [])
        ids = {cid: oid for cid, _, oid in results}
        self.assertEqual(len(ids), THREADS * PER_THREAD)
        self.assertEqual(len(set(ids.values())), THREADS * PER_THREAD)
        stored = dict(self.rows("SELECT client_id, id FROM observations WHERE description LIKE 'batch %'"))
        self.assertEqual(stored, ids)
        cases = {r[0] for r in self.rows("SELECT observation_id FROM cases")}
        self.assertTrue(set(ids.values()) <= cases)  # each case in its observation's transaction

    def test_the_same_client_id_sent_at_once_is_stored_once(self):
        cids = [new_client_id() for _ in range(6)]
        answers, lock = [], threading.Lock()

        def retry(n):
            cid = cids[n % len(cids)]
            r = self.srv.post_observation(client_id=cid if n % 2 else cid.upper(),
                                          description="race %s" % cid)
            with lock:
                answers.append((cid, r.status, r.json().get("id"), r.json().get("upload_token")))

        run_threads(4 * len(cids), retry)
        for cid in cids:
            mine = [a for a in answers if a[0] == cid]
            self.assertEqual(sorted(s for _, s, _, _ in mine), [200, 200, 200, 201], mine)
            self.assertEqual(len({oid for _, _, oid, _ in mine}), 1, mine)
            self.assertTrue(all(tok for _, _, _, tok in mine), mine)  # every filer can add photos
            self.assertEqual(self.rows("SELECT count(*) FROM observations WHERE client_id = ?", cid),
                             [(1,)])

    def test_a_bad_filing_in_a_batch_fails_alone(self):
        olle = staff(self.srv, "olle", "organiser")
        r = olle.post("/api/v1/walks", plan())
        self.assertEqual(r.status, 201, r)
        walk = r.json()
        answers, lock = [], threading.Lock()

        def file(n):
            # Every third one names a group the walk does not have: refused inside the writer.
            group = 999999 if n % 3 == 0 else walk["groups"][n % 2]["id"]
            r = self.srv.post_observation(walk=walk["code"], lon=NORRBY[0], lat=NORRBY[1],
                                          walk_group=group, description="walk batch %d" % n)
            with lock:
                answers.append((n, r.status, r.json()))

        run_threads(THREADS, file)
        for n, status, body in answers:
            if n % 3 == 0:
                self.assertEqual(status, 422, body)
                self.assertEqual(body["error"]["field"], "walk_group")
            else:
                self.assertEqual(status, 201, body)
        good = sorted(n for n, s, _ in answers if s == 201)
        stored = self.rows("SELECT description FROM observations WHERE description LIKE 'walk batch %'")
        self.assertEqual(sorted(int(d.split()[-1]) for d, in stored), good)
        items = self.rows("SELECT count(*) FROM walk_items WHERE walk_id = ?", walk["id"])
        self.assertEqual(items, [(len(good),)])

    def test_me_too_from_many_phones_at_once_counts_each_once(self):
        oid = self.srv.post_observation(description="support target").json()["id"]
        phones = [new_client_id() for _ in range(12)]
        statuses, lock = [], threading.Lock()

        def support(n):
            r = self.srv.request("POST", "/api/v1/observations/%d/support" % oid,
                                 {"client_id": phones[n % len(phones)]}, source="127.0.1.%d" % (n + 1))
            with lock:
                statuses.append(r.status)

        run_threads(2 * len(phones), support)
        self.assertTrue(all(s in (200, 201) for s in statuses), statuses)
        self.assertEqual(self.rows("SELECT count(*) FROM supports WHERE observation_id = ?", oid),
                         [(len(phones),)])


if __name__ == "__main__":
    unittest.main()
