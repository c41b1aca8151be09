"""A full disk (issue 9): the database and the photos live on a small tmpfs; once it is full,
writes answer 503 storage_failed saying so and store nothing, reads keep working, and writes
work again as soon as there is room.

Needs root (mount). Without it the test is skipped (exit 77, CTest's SKIP_RETURN_CODE) —
except in CI (CI=true), where a skip would hide a missing proof: there it fails."""
import errno
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from test_photos import jpeg_from_ppm  # noqa: E402
from trygg_server import TryggServer  # noqa: E402

SKIP = 77
SIZE = "16m"


def mount_tmpfs():
    """A fresh tmpfs of SIZE; its path, or None with the reason it cannot be made."""
    where = tempfile.mkdtemp(prefix="trygg-full-")
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0700" % SIZE, "tmpfs", where],
                       capture_output=True, text=True)
    if p.returncode != 0:
        os.rmdir(where)
        return None, (p.stderr.strip() or "mount failed")
    return where, None


def fill(path):
    """Writes zeros to path until the filesystem has no room left; returns the bytes written."""
    n = 0
    with open(path, "wb", buffering=0) as f:
        for chunk in (1 << 20, 1 << 16, 4096, 512, 1):
            block = b"\0" * chunk
            while True:
                try:
                    written = f.write(block)
                    n += written
                    if written < chunk:
                        continue  # the next write says ENOSPC
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    break
    return n


class DiskFull(unittest.TestCase):
    mnt = None

    @classmethod
    def setUpClass(cls):
        cls.mnt, why = mount_tmpfs()
        if not cls.mnt:
            raise unittest.SkipTest(why)

    @classmethod
    def tearDownClass(cls):
        if cls.mnt:
            subprocess.run(["umount", "-l", cls.mnt], check=False)
            os.rmdir(cls.mnt)

    def test_writes_answer_503_reads_go_on_and_it_recovers(self):
        srv = TryggServer()
        srv.db = os.path.join(self.mnt, "trygg.db")
        srv.data_dir = os.path.join(self.mnt, "files")
        srv.env["TRYGG_DATA_DIR"] = srv.data_dir
        filler = os.path.join(self.mnt, "filler")
        with srv:
            first = srv.post_observation(description="före")
            self.assertEqual(first.status, 201, first)
            oid = first.json()["id"]
            up = srv.request("POST", "/api/v1/observations/%d/photos" % oid, jpeg_from_ppm(32, 32),
                             srv.photo_headers(oid))
            self.assertEqual(up.status, 201, up)
            pid = up.json()["id"]
            listed = len(srv.request("GET", "/api/v1/observations?limit=1000").json()["features"])

            filled = fill(filler)
            st = os.statvfs(self.mnt)
            print("tmpfs %s full: %d bytes of filler, %d bytes free" % (SIZE, filled, st.f_bavail * st.f_frsize))
            # Writes: refused with 503 storage_failed and a clear reason, nothing stored.
            answers = [srv.post_observation(description="under full disk %d" % i) for i in range(20)]
            refused = [r for r in answers if r.status == 503]
            self.assertTrue(refused, [r.status for r in answers])
            self.assertTrue(all(r.status in (201, 503) for r in answers), answers)
            stored_anyway = [r.json()["id"] for r in answers if r.status == 201]
            for r in refused:
                e = r.json()["error"]
                self.assertEqual(e["code"], "storage_failed")
                self.assertIn("disk is full", e["message"])
                self.assertIn("nothing was stored", e["message"])
                self.assertTrue(r.header("Retry-After"))
            photo = srv.request("POST", "/api/v1/observations/%d/photos" % oid, jpeg_from_ppm(40, 40),
                                srv.photo_headers(oid))
            self.assertEqual(photo.status, 503, photo)
            self.assertEqual(photo.json()["error"]["code"], "storage_failed")
            self.assertIn("disk is full", photo.json()["error"]["message"])
            print("with the disk full: %d of %d reports refused with 503 (%d fitted in space SQLite "
                  "had already), the photo refused" % (len(refused), len(answers), len(stored_anyway)))
            # Reads keep working.
            self.assertEqual(srv.request("GET", "/healthz").status, 200)
            self.assertEqual(srv.request("GET", "/api/v1/observations/%d" % oid).json()["description"], "före")
            self.assertEqual(srv.request("GET", "/api/v1/photos/%s" % pid).status, 200)
            fc = srv.request("GET", "/api/v1/observations?limit=1000")
            self.assertEqual(fc.status, 200)
            self.assertEqual(len(fc.json()["features"]), listed + len(stored_anyway))
            self.assertEqual(srv.request("GET", "/api/v1/categories").status, 200)

            # Room again: writes work at once, no restart.
            os.unlink(filler)
            again = srv.post_observation(description="efter")
            self.assertEqual(again.status, 201, again)
            aid = again.json()["id"]
            up = srv.request("POST", "/api/v1/observations/%d/photos" % aid, jpeg_from_ppm(32, 32),
                             srv.photo_headers(aid))
            self.assertEqual(up.status, 201, up)
            self.assertEqual(srv.request("GET", "/api/v1/observations/%d" % aid).json()["description"], "efter")
            fc = srv.request("GET", "/api/v1/observations?limit=1000").json()
            self.assertEqual(len(fc["features"]), listed + len(stored_anyway) + 1)
            self.assertNotIn("under full disk", str([f["properties"]["description"] for f in fc["features"]
                                                     if f["id"] not in stored_anyway]))


if __name__ == "__main__":
    result = unittest.main(verbosity=2, exit=False).result
    if result.skipped and not (result.failures or result.errors):
        if os.environ.get("CI", "").lower() == "true":
            print("CI=true: the disk-full test must run here, not be skipped (%s)" % result.skipped[0][1])
            sys.exit(1)
        print("skipped: %s" % result.skipped[0][1])
        sys.exit(SKIP)
    sys.exit(0 if result.wasSuccessful() else 1)
