"""`trygg backup FILE` while the server runs and keeps writing, then a restore (issue 9):
every observation and photo acknowledged before the backup began is served by a server
started on the restored copy."""
import hashlib
import os
import shutil
import sqlite3
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from test_photos import jpeg_from_ppm  # noqa: E402
from trygg_server import TryggServer  # noqa: E402


class Backup(unittest.TestCase):
    def test_online_backup_while_writing_then_restore_serves_everything_acknowledged(self):
        photos = [jpeg_from_ppm(16 + i % 7, 16 + i % 5) for i in range(7)]
        # Four pages per step: the copy takes dozens of steps while the writers go on.
        with TryggServer(config_text="backup_pages_per_step = 4\n") as srv:
            acked = []  # (time acknowledged, observation id, photo id)
            stop = threading.Event()
            errors = []

            def writer(n):
                i = 0
                while not stop.is_set():
                    i += 1
                    r = srv.post_observation(description="skrivare %d nr %d" % (n, i),
                                             lon=12.90 + (i % 50) * 0.001, lat=57.70 + n * 0.001)
                    if r.status != 201:
                        errors.append(r)
                        continue
                    oid = r.json()["id"]
                    p = srv.request("POST", "/api/v1/observations/%d/photos" % oid, photos[i % 7],
                                    srv.photo_headers(oid))
                    if p.status != 201:
                        errors.append(p)
                        continue
                    acked.append((time.monotonic(), oid, p.json()["id"]))

            threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
            for t in threads:
                t.start()
            time.sleep(2)
            backup = os.path.join(srv.tmp, "backups", "trygg-backup.db")
            began = time.monotonic()
            during_before = len(acked)
            out = srv.cli("backup", backup)
            ended = time.monotonic()
            time.sleep(0.5)
            stop.set()
            for t in threads:
                t.join()
            self.assertEqual(errors, [])
            before = [a for a in acked if a[0] < began]
            during = [a for a in acked if began <= a[0] <= ended]
            print("backup: %.2f s while %d reports with photos were acknowledged (%d before it); %s" %
                  (ended - began, len(during), during_before, out.stdout.strip()))
            self.assertRegex(out.stdout, r"\d+ pages in \d+ steps to " + backup)
            self.assertTrue(os.path.isdir(backup + ".photos"))
            self.assertFalse(os.path.exists(backup + ".part"))
            self.assertFalse(os.path.exists(backup + "-wal"))
            con = sqlite3.connect("file:%s?mode=ro" % backup, uri=True)
            try:
                self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok")
                self.assertEqual(con.execute("PRAGMA journal_mode").fetchone()[0], "delete")
            finally:
                con.close()
            # What the live server serves, to compare with the restored one.
            served = {}
            for _, oid, pid in before:
                served[pid] = hashlib.sha256(srv.request("GET", "/api/v1/photos/%s" % pid).body).hexdigest()
            # A backup never overwrites.
            again = srv.cli("backup", backup, check=False)
            self.assertEqual(again.returncode, 1)
            self.assertIn("exists already", again.stderr)

            # Restore (README): stop, copy the file and the photos back, start.
            restored = TryggServer(seed=False)
            try:
                shutil.copyfile(backup, restored.db)
                os.makedirs(restored.data_dir)
                shutil.copytree(backup + ".photos", os.path.join(restored.data_dir, "photos"))
                restored.start()
                for _, oid, pid in before:
                    o = restored.request("GET", "/api/v1/observations/%d" % oid)
                    self.assertEqual(o.status, 200, (oid, o))
                    self.assertIn(pid, [p["id"] for p in o.json()["photos"]])
                    p = restored.request("GET", "/api/v1/photos/%s" % pid)
                    self.assertEqual(p.status, 200, (pid, p))
                    self.assertEqual(hashlib.sha256(p.body).hexdigest(), served[pid])
                    self.assertEqual(restored.request("GET", "/api/v1/photos/%s/thumb" % pid).status, 200)
                # Whatever the copy holds is whole: every photo it lists is served.
                fc = restored.request("GET", "/api/v1/observations?limit=1000").json()
                listed = [p["id"] for f in fc["features"] for p in f["properties"]["photos"]]
                self.assertGreaterEqual(len(fc["features"]), len(before))
                for pid in listed:
                    self.assertEqual(restored.request("GET", "/api/v1/photos/%s" % pid).status, 200, pid)
                # And the restored server takes new reports.
                self.assertEqual(restored.post_observation().status, 201)
                print("restored: %d observations, %d photos, all %d acknowledged before the backup "
                      "served" % (len(fc["features"]), len(listed), len(before)))
            finally:
                restored.__exit__(None, None, None)


if __name__ == "__main__":
    unittest.main(verbosity=2)
