"""The server killed mid-write (SIGKILL) loses nothing it acknowledged, and a retry never duplicates."""
import os
import signal
import sqlite3
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from trygg_server import TryggServer, new_client_id  # noqa: E402


class Crash(unittest.TestCase):
    def test_sigkill_during_writes_keeps_every_acknowledged_observation(self):
        srv = TryggServer()
        try:
            srv.start()
            acked, sent, stop = {}, [], threading.Event()

            def writer(n):
                i = 0
                while not stop.is_set():
                    cid = new_client_id()
                    sent.append(cid)
                    try:
                        r = srv.post_observation(client_id=cid, category="litter",
                                                 description="crash %d-%d" % (n, i))
                        if r.status == 201:
                            acked[cid] = r.json()["id"]
                    except OSError:
                        pass  # the server is gone mid-request: not acknowledged
                    i += 1

            threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
            for t in threads:
                t.start()
            time.sleep(1.5)
            srv.proc.send_signal(signal.SIGKILL)
            srv.proc.wait()
            stop.set()
            for t in threads:
                t.join()
            print("acknowledged before SIGKILL: %d of %d sent" % (len(acked), len(sent)))
            self.assertGreater(len(acked), 10)

            con = sqlite3.connect(srv.db)
            self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            rows = dict(con.execute("SELECT client_id, id FROM observations"))
            cases = {r[0] for r in con.execute("SELECT observation_id FROM cases")}
            con.close()
            for cid, oid in acked.items():
                self.assertEqual(rows.get(cid), oid, cid)
                self.assertIn(oid, cases)  # the case was written in the same transaction

            # After a restart, phones retry everything they sent: nothing is stored twice.
            srv.seed = False
            srv.start()
            for cid in sent[-40:]:
                r = srv.post_observation(client_id=cid, category="litter")
                self.assertIn(r.status, (200, 201))
                if cid in acked:
                    self.assertEqual((r.status, r.json()["id"]), (200, acked[cid]))
            con = sqlite3.connect(srv.db)
            dupes = con.execute("SELECT count(*) - count(DISTINCT client_id) FROM observations").fetchone()[0]
            con.close()
            self.assertEqual(dupes, 0)
        finally:
            srv.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
