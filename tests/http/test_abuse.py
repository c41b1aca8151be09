"""Public writes nobody can abuse (issue 9): photo upload tokens, the five-photo limit under
parallel uploads, per-address rate limits with 429 and Retry-After, and "me too" that one
address cannot inflate by inventing client ids."""
import json
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from staff_client import staff  # noqa: E402
from test_photos import jpeg_from_ppm  # noqa: E402
from trygg_server import BORAS, TryggServer, new_client_id  # noqa: E402

PHOTO = None


def fresh_window():
    """Waits for the next minute when this one is nearly over, so that a test's
    requests fall into one rate-limit window (fixed one-minute windows)."""
    left = 60 - time.time() % 60
    if left < 15:
        time.sleep(left + 0.2)


def photo():
    global PHOTO
    if PHOTO is None:
        PHOTO = jpeg_from_ppm(24, 24)
    return PHOTO


class UploadTokens(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer().start()
        cls.tove = staff(cls.srv, "tove", "triage")

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def upload(self, oid, token=None, **headers):
        h = {"Content-Type": "image/jpeg"}
        if token is not None:
            h["X-Upload-Token"] = token
        h.update(headers)
        return self.srv.request("POST", "/api/v1/observations/%d/photos" % oid, photo(), h)

    def file(self, **kw):
        r = self.srv.post_observation(**kw)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def test_filing_answers_a_token_and_uploads_need_it(self):
        o = self.file()
        token = o["upload_token"]
        self.assertRegex(token, r"^[0-9a-f]{64}$")
        for bad in (None, "", "0" * 64, token[:-1] + ("0" if token[-1] != "0" else "1")):
            with self.subTest(token=bad):
                r = self.upload(o["id"], bad)
                self.assertEqual(r.status, 401, r)
                self.assertEqual(r.json()["error"]["code"], "unauthorized")
        # Another report's token does not open this one.
        other = self.file()
        self.assertEqual(self.upload(o["id"], other["upload_token"]).status, 401)
        self.assertEqual(self.upload(o["id"], token).status, 201)
        self.assertEqual(len(self.srv.request("GET", "/api/v1/observations/%d" % o["id"]).json()["photos"]), 1)
        # Nothing was stored by the refused uploads.
        self.assertEqual(len(self.tove.get("/api/v1/cases/%d" % o["id"]).json()["observation"]["photos"]), 1)

    def test_a_repeated_filing_answers_a_new_token_that_works_too(self):
        cid = new_client_id()
        a = self.srv.post_observation(client_id=cid)
        b = self.srv.post_observation(client_id=cid.upper())
        self.assertEqual((a.status, b.status), (201, 200))
        ta, tb = a.json()["upload_token"], b.json()["upload_token"]
        self.assertNotEqual(ta, tb)
        oid = a.json()["id"]
        self.assertEqual(self.upload(oid, ta).status, 201)  # the first answer's token still works
        self.assertEqual(self.upload(oid, tb).status, 201)

    def test_tokens_expire(self):
        with TryggServer(config_text="upload_token_seconds = 2\n") as srv:
            o = srv.post_observation().json()
            time.sleep(3)
            r = srv.request("POST", "/api/v1/observations/%d/photos" % o["id"], photo(),
                            {"Content-Type": "image/jpeg", "X-Upload-Token": o["upload_token"]})
            self.assertEqual((r.status, r.json()["error"]["code"]), (401, "unauthorized"))
            self.assertIn("expired", r.json()["error"]["message"])

    def test_the_token_is_in_no_other_answer(self):
        o = self.file(description="Trasig lampa")
        token = o["upload_token"]
        self.assertEqual(self.upload(o["id"], token).status, 201)
        bbox = "%f,%f,%f,%f" % (BORAS[0] - 0.01, BORAS[1] - 0.01, BORAS[0] + 0.01, BORAS[1] + 0.01)
        answers = [
            self.srv.request("GET", "/api/v1/observations/%d" % o["id"]),
            self.srv.request("GET", "/api/v1/observations?limit=1000"),
            self.srv.request("GET", "/api/v1/observations/nearby?lon=%f&lat=%f" % BORAS),
            self.srv.request("GET", "/api/v1/map/clusters?bbox=%s&zoom=18" % bbox),
            self.tove.get("/api/v1/cases/%d" % o["id"]),
            self.tove.get("/api/v1/cases?limit=500"),
        ]
        for r in answers:
            self.assertEqual(r.status, 200, r)
            self.assertNotIn(token.encode(), r.body)
            self.assertNotIn(b"upload_token", r.body)
        self.assertNotIn(token, self.srv.read_log())
        # Stored only as a hash.
        import sqlite3
        con = sqlite3.connect("file:%s?mode=ro" % self.srv.db, uri=True)
        try:
            hashes = [h for (h,) in con.execute("SELECT token_hash FROM upload_tokens")]
        finally:
            con.close()
        self.assertNotIn(token, hashes)
        import hashlib
        self.assertIn(hashlib.sha256(token.encode()).hexdigest(), hashes)

    def test_sixteen_parallel_uploads_store_at_most_five(self):
        o = self.file()
        results = []

        def up():
            results.append(self.upload(o["id"], o["upload_token"]).status)

        threads = [threading.Thread(target=up) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stored = self.tove.get("/api/v1/cases/%d" % o["id"]).json()["observation"]["photos"]
        print("16 parallel uploads: answers %s, %d stored" % (sorted(results), len(stored)))
        self.assertEqual(len(stored), 5)
        self.assertEqual(results.count(201), 5)
        self.assertTrue(all(s in (201, 422, 503) for s in results), results)
        # No orphan files either: exactly 5 photos and their thumbnails on disk.
        files = [f for _, _, fs in os.walk(os.path.join(self.srv.data_dir, "photos")) for f in fs]
        ours = {p["id"] for p in stored}
        self.assertEqual(sorted(f.split(".")[0] for f in files if f.split(".")[0] in ours),
                         sorted([i for i in ours] * 2))
        self.assertFalse([f for f in files if f.endswith(".tmp")])


class RateLimits(unittest.TestCase):
    LIMITS = ("rate_observations_per_minute = 5\nrate_supports_per_minute = 4\n"
              "rate_photos_per_minute = 3\nsupports_per_address_max = 2\n")

    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer(config_text=cls.LIMITS).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def assertLimited(self, r):
        self.assertEqual(r.status, 429, r)
        self.assertEqual(r.json()["error"]["code"], "rate_limited")
        retry = int(r.header("Retry-After"))
        self.assertTrue(1 <= retry <= 60, retry)

    def post_obs(self, source, **kw):
        body = {"client_id": new_client_id(), "category": "litter", "lon": BORAS[0], "lat": BORAS[1]}
        body.update(kw)
        return self.srv.request("POST", "/api/v1/observations", body, source=source)

    def test_observations_per_address_per_minute(self):
        fresh_window()
        cids = [new_client_id() for _ in range(6)]
        answers = [self.post_obs("127.0.0.11", client_id=c) for c in cids]
        self.assertEqual([r.status for r in answers[:5]], [201] * 5)
        self.assertLimited(answers[5])
        # A repeat counts too: retries are writes.
        self.assertLimited(self.post_obs("127.0.0.11", client_id=cids[0]))
        # Another address is not affected.
        self.assertEqual(self.post_obs("127.0.0.12").status, 201)

    def test_photo_uploads_per_address_per_minute(self):
        fresh_window()
        o = self.post_obs("127.0.0.21").json()
        h = {"Content-Type": "image/jpeg", "X-Upload-Token": o["upload_token"]}
        path = "/api/v1/observations/%d/photos" % o["id"]
        answers = [self.srv.request("POST", path, photo(), h, source="127.0.0.21") for _ in range(4)]
        self.assertEqual([r.status for r in answers[:3]], [201] * 3)
        self.assertLimited(answers[3])
        # The token's owner may go on from elsewhere (a phone that changed network).
        self.assertEqual(self.srv.request("POST", path, photo(), h, source="127.0.0.22").status, 201)

    def test_me_too_cannot_be_inflated_from_one_address(self):
        fresh_window()
        oid = self.post_obs("127.0.0.31").json()["id"]
        path = "/api/v1/observations/%d/support" % oid

        def support(source, cid=None):
            return self.srv.request("POST", path, {"client_id": cid or new_client_id()}, source=source)

        # Four invented client ids from one address: two count, the rest do not.
        answers = [support("127.0.0.32") for _ in range(4)]
        self.assertEqual([r.status for r in answers], [201, 201, 200, 200])
        self.assertEqual([r.json()["support_count"] for r in answers], [1, 2, 2, 2])
        # The fifth in the minute is over the rate limit.
        self.assertLimited(support("127.0.0.32"))
        # Other addresses still count, once per phone.
        cid = new_client_id()
        self.assertEqual(support("127.0.0.33", cid).status, 201)
        self.assertEqual(support("127.0.0.33", cid).status, 200)
        o = self.srv.request("GET", "/api/v1/observations/%d" % oid).json()
        self.assertEqual(o["support_count"], 3)
        # Client addresses are not stored in the clear.
        import sqlite3
        con = sqlite3.connect("file:%s?mode=ro" % self.srv.db, uri=True)
        try:
            rows = [tuple(r) for r in con.execute("SELECT * FROM supports")]
        finally:
            con.close()
        self.assertFalse([r for r in rows if "127.0.0" in json.dumps(r)], rows)


if __name__ == "__main__":
    unittest.main(verbosity=2)
