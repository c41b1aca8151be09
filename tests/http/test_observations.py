"""HTTP tests for filing, reading and listing observations (issue 2), against the real server."""
import json
import os
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from trygg_server import BORAS, TryggServer, new_client_id  # noqa: E402

# From PROJ's own tool:  echo "57.7210 12.9401" | cs2cs EPSG:4326 EPSG:3006 -f %.4f
#   -> 6399513.9158  377306.7031   (northing, easting)
BORAS_E, BORAS_N = 377306.7031, 6399513.9158
GOTEBORG = (11.97, 57.70)  # outside Borås municipality


class ObservationApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer().start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def count(self):
        r = self.srv.request("GET", "/api/v1/observations?limit=1000")
        self.assertEqual(r.status, 200)
        return len(r.json()["features"])

    def assertError(self, r, status, code, field="*"):
        self.assertEqual(r.status, status, r)
        self.assertTrue(r.header("Content-Type").startswith("application/json"), r.headers)
        err = r.json()["error"]
        self.assertEqual(err["code"], code, err)
        self.assertTrue(err["message"], err)
        if field != "*":
            self.assertEqual(err.get("field"), field, err)

    # --- the happy path -------------------------------------------------------

    def test_create_returns_the_stored_observation_with_computed_fields(self):
        r = self.srv.post_observation(description="Trasig lampa vid gångtunneln", unsafe_rating=4)
        self.assertEqual(r.status, 201, r)
        o = r.json()
        self.assertIsInstance(o["id"], int)
        self.assertEqual(r.header("Location"), "/api/v1/observations/%d" % o["id"])
        self.assertEqual(o["category"], "lighting")
        self.assertAlmostEqual(o["lon"], BORAS[0], places=7)
        self.assertAlmostEqual(o["lat"], BORAS[1], places=7)
        self.assertEqual(o["area"]["code"], "centrum")
        self.assertAlmostEqual(o["sweref99tm"]["e"], BORAS_E, delta=0.002)
        self.assertAlmostEqual(o["sweref99tm"]["n"], BORAS_N, delta=0.002)
        # 2026-11-24 18:30 UTC is 19:30 in Borås, long after sunset (about 15:35 local).
        self.assertEqual(o["light"], "dark")
        self.assertLess(o["sun_elevation"], -6)
        # The demo routing rules send lighting to the street-lighting unit at once.
        self.assertEqual(o["status"], "assigned")
        self.assertEqual(o["unit"], "Gatubelysning")
        self.assertEqual(o["public_comments"], [])
        self.assertEqual(o["unsafe_rating"], 4)
        self.assertEqual(o["description"], "Trasig lampa vid gångtunneln")
        self.assertRegex(o["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

    def test_light_is_day_at_noon_and_twilight_after_sunset(self):
        day = self.srv.post_observation(observed_at="2026-06-21T10:00:00Z").json()
        self.assertEqual(day["light"], "day")
        # Sunset in Borås on 2026-11-24 is about 14:35 UTC; 15:00 UTC is civil twilight.
        tw = self.srv.post_observation(observed_at="2026-11-24T15:00:00Z").json()
        self.assertEqual(tw["light"], "twilight", tw)

    def test_outside_every_area_gives_null_area(self):
        # Inside the municipality (rural, south-west of Borås) but in no demo area.
        r = self.srv.post_observation(lon=12.80, lat=57.66)
        self.assertEqual(r.status, 201, r)
        self.assertIsNone(r.json()["area"])

    def test_same_client_id_twice_returns_the_same_observation_once(self):
        cid = new_client_id()
        before = self.count()
        a = self.srv.post_observation(client_id=cid, category="litter")
        b = self.srv.post_observation(client_id=cid, category="litter")
        self.assertEqual(a.status, 201)
        self.assertEqual(b.status, 200)
        self.assertEqual(a.json()["id"], b.json()["id"])
        self.assertEqual(self.count(), before + 1)

    def test_walk_join_code_links_the_observation(self):
        r = self.srv.post_observation(walk="NORRBY1")
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["walk"], "NORRBY1")
        w = self.srv.request("GET", "/api/v1/walks/NORRBY1")
        self.assertEqual(w.status, 200)
        self.assertEqual(w.json()["area"]["code"], "norrby")
        self.assertError(self.srv.request("GET", "/api/v1/walks/NOPE"), 404, "not_found")

    def test_public_view_never_shows_contact_details(self):
        r = self.srv.post_observation(reporter={"name": "Karin Privat", "email": "karin.privat@example.se",
                                                "phone": "+46701234567"})
        self.assertEqual(r.status, 201, r)
        oid = r.json()["id"]
        bodies = [r.body, self.srv.request("GET", "/api/v1/observations/%d" % oid).body,
                  self.srv.request("GET", "/api/v1/observations?limit=1000").body]
        for body in bodies:
            for secret in (b"Karin Privat", b"karin.privat", b"4670123", b"reporter"):
                self.assertNotIn(secret, body)
        log = self.srv.read_log()
        for secret in ("Karin", "karin.privat", "4670123"):
            self.assertNotIn(secret, log)

    # --- reading ----------------------------------------------------------------

    def test_get_by_id_and_404(self):
        o = self.srv.post_observation().json()
        r = self.srv.request("GET", "/api/v1/observations/%d" % o["id"])
        self.assertEqual(r.status, 200)
        # The same object, less the upload token: only the filer ever gets that.
        self.assertTrue(o.pop("upload_token"))
        self.assertEqual(r.json(), o)
        self.assertError(self.srv.request("GET", "/api/v1/observations/999999999"), 404, "not_found")
        self.assertError(self.srv.request("GET", "/api/v1/observations/abc"), 404, "not_found")

    def test_list_is_geojson_with_filters_and_cursor_paging_that_keeps_them(self):
        bbox = "12.929,57.722,12.936,57.724"
        already = [f["id"] for f in self.srv.request(
            "GET", "/api/v1/observations?category=graffiti&bbox=" + bbox).json()["features"]]
        ids = already + [self.srv.post_observation(category="graffiti", lon=12.9300 + i * 0.001, lat=57.7230).json()["id"]
               for i in range(5)]
        self.srv.post_observation(category="graffiti", lon=12.99, lat=57.74)  # outside the bbox
        self.srv.post_observation(category="litter", lon=12.9305, lat=57.7230)  # other category
        url = "/api/v1/observations?bbox=%s&category=graffiti&limit=2" % bbox
        seen, pages = [], 0
        while url:
            r = self.srv.request("GET", url)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.header("Content-Type"), "application/geo+json")
            fc = r.json()
            self.assertEqual(fc["type"], "FeatureCollection")
            for f in fc["features"]:
                self.assertEqual(f["geometry"]["type"], "Point")
                self.assertEqual(f["properties"]["category"], "graffiti")
                lon, lat = f["geometry"]["coordinates"]
                self.assertTrue(12.929 <= lon <= 12.936 and 57.722 <= lat <= 57.724)
                seen.append(f["id"])
            nxt = [l["href"] for l in fc["links"] if l["rel"] == "next"]
            url = None
            if nxt:
                u = urllib.parse.urlsplit(nxt[0])
                self.assertEqual(u.scheme, "http")  # absolute link
                q = urllib.parse.parse_qs(u.query)
                self.assertEqual(q["bbox"], [bbox])
                self.assertEqual(q["category"], ["graffiti"])
                self.assertEqual(q["limit"], ["2"])
                url = u.path + "?" + u.query
            pages += 1
            self.assertLess(pages, 10)
        self.assertEqual(sorted(seen), sorted(ids))
        self.assertEqual(len(seen), len(set(seen)))
        self.assertGreaterEqual(pages, 3)

    def test_list_since_filter(self):
        old = self.srv.post_observation(category="signage", observed_at="2025-01-10T20:00:00Z").json()
        new = self.srv.post_observation(category="signage", observed_at="2026-11-20T20:00:00Z").json()
        r = self.srv.request("GET", "/api/v1/observations?category=signage&since=2026-01-01T00:00:00Z")
        got = [f["id"] for f in r.json()["features"]]
        self.assertIn(new["id"], got)
        self.assertNotIn(old["id"], got)

    def test_list_rejects_bad_parameters(self):
        for q, field in [("bbox=1,2,3", "bbox"), ("bbox=13,57,12,58", "bbox"), ("limit=0", "limit"),
                         ("limit=100000", "limit"), ("since=yesterday", "since"),
                         ("category=DROP%20TABLE", "category")]:
            r = self.srv.request("GET", "/api/v1/observations?" + q)
            self.assertEqual(r.status, 422, (q, r))
            self.assertEqual(r.json()["error"]["field"], field, q)
        for q in ("cursor=xyz", "cursor=0", "cursor=-5", "cursor=1.5"):  # not one we gave out
            r = self.srv.request("GET", "/api/v1/observations?" + q)
            self.assertEqual(r.status, 400, (q, r))
            self.assertEqual(r.json()["error"]["field"], "cursor", q)

    def test_reference_endpoints(self):
        cats = self.srv.request("GET", "/api/v1/categories").json()["categories"]
        codes = [c["code"] for c in cats]
        for c in ("lighting", "litter", "graffiti", "vegetation", "traffic", "safe_place"):
            self.assertIn(c, codes)
        self.assertTrue(all(c["name_sv"] and c["name_en"] and c["icon"] for c in cats))
        self.assertIn("good", [c["kind"] for c in cats])
        areas = self.srv.request("GET", "/api/v1/areas").json()
        self.assertEqual(areas["type"], "FeatureCollection")
        self.assertGreaterEqual(len(areas["features"]), 5)
        for f in areas["features"]:
            self.assertEqual(f["geometry"]["type"], "MultiPolygon")
            self.assertTrue(f["properties"]["name"])
        h = self.srv.request("GET", "/healthz").json()
        self.assertEqual(h["status"], "ok")
        cfg = self.srv.request("GET", "/api/v1/config").json()
        self.assertEqual(cfg["municipality"]["code"], "1490")
        self.assertIsNone(cfg["tiles"])

    # --- bad input: clear errors, nothing lost ------------------------------------

    def test_bad_input_gets_clear_errors_and_changes_nothing(self):
        keep = self.srv.post_observation(description="före").json()
        before = self.count()
        P = "/api/v1/observations"
        ok = {"client_id": new_client_id(), "category": "lighting", "lon": BORAS[0], "lat": BORAS[1]}

        def post(**over):
            b = dict(ok, client_id=new_client_id())
            b.update(over)
            return self.srv.request("POST", P, {k: v for k, v in b.items() if v is not None})

        cases = [
            (self.srv.request("POST", P, b'{"category": "lighting",', {"Content-Type": "application/json"}),
             400, "malformed_json", None),
            (self.srv.request("POST", P, b'[1,2]', {"Content-Type": "application/json"}), 400, "malformed_json", None),
            (self.srv.request("POST", P, b'', {"Content-Type": "application/json"}), 400, "malformed_json", None),
            (self.srv.request("POST", P, json.dumps(ok).encode(), {"Content-Type": "text/plain"}),
             415, "unsupported_media_type", None),
            (self.srv.request("POST", P, b'{"category":"lighting\xff\xfe"}', {"Content-Type": "application/json"}),
             400, "invalid_utf8", None),
            (self.srv.request("POST", P, b'{"category":"a\xed\xa0\x80"}', {"Content-Type": "application/json"}),
             400, "invalid_utf8", None),
            (post(lon="12.94"), 422, "invalid_type", "lon"),
            (post(lat=None), 422, "missing_field", "lat"),
            (post(category=7), 422, "invalid_type", "category"),
            (post(category="ufo"), 422, "unknown_category", "category"),
            (post(lat=91), 422, "out_of_range", "lat"),
            (post(lon=-181), 422, "out_of_range", "lon"),
            (post(lon=GOTEBORG[0], lat=GOTEBORG[1]), 422, "outside_boundary", "lon"),
            (post(description="x" * 2001), 422, "too_long", "description"),
            (post(description="å" * 2001), 422, "too_long", "description"),
            (post(unsafe_rating=6), 422, "out_of_range", "unsafe_rating"),
            (post(unsafe_rating=2.5), 422, "invalid_type", "unsafe_rating"),
            (post(client_id="not-a-uuid"), 422, "invalid_uuid", "client_id"),
            (post(observed_at="24/11/2026 18:00"), 422, "invalid_timestamp", "observed_at"),
            (post(observed_at="2026-02-30T18:00:00Z"), 422, "invalid_timestamp", "observed_at"),
            (post(observed_at="2099-01-01T00:00:00Z"), 422, "out_of_range", "observed_at"),
            (post(walk="NOSUCHWALK"), 422, "unknown_walk", "walk"),
            (post(reporter="Karin"), 422, "invalid_type", "reporter"),
            (post(reporter={"email": "not an address"}), 422, "invalid_format", "reporter.email"),
            (post(accuracy_m=-1), 422, "out_of_range", "accuracy_m"),
            (self.srv.request("POST", P, b'{"a":"' + b"x" * 70000 + b'"}', {"Content-Type": "application/json"}),
             413, "body_too_large", None),
            (self.srv.request("DELETE", P), 405, "method_not_allowed", None),
            (self.srv.request("GET", "/api/v1/nothing-here"), 404, "not_found", None),
        ]
        for r, status, code, field in cases:
            with self.subTest(code=code, field=field, status=status):
                self.assertError(r, status, code, field)
        self.assertIn("GET", self.srv.request("DELETE", P).header("Allow"))
        # The limit is 2000 characters, not bytes: 2000 two-byte characters pass.
        self.assertEqual(post(description="å" * 2000).status, 201)
        self.assertEqual(self.count(), before + 1)
        keep.pop("upload_token", None)
        self.assertEqual(self.srv.request("GET", "/api/v1/observations/%d" % keep["id"]).json(), keep)

    def test_security_headers_on_every_response(self):
        for path in ("/healthz", "/api/v1/observations/0", "/nope"):
            r = self.srv.request("GET", path)
            self.assertEqual(r.header("X-Content-Type-Options"), "nosniff", path)
            self.assertIn("default-src 'self'", r.header("Content-Security-Policy"), path)
            self.assertEqual(r.header("X-Frame-Options"), "DENY", path)

    def test_access_log_has_one_line_per_request(self):
        marker = "/api/v1/observations/424242"
        self.srv.request("GET", marker)
        for _ in range(20):  # the line is written just after the answer is sent
            lines = [l for l in self.srv.read_log().splitlines() if marker in l]
            if lines:
                break
            time.sleep(0.1)
        self.assertEqual(len(lines), 1, lines)
        self.assertRegex(lines[0], r"GET /api/v1/observations/424242 404 \d+ms")


if __name__ == "__main__":
    unittest.main(verbosity=2)
