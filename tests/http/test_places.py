"""A pin in words (issue 10): GET /api/v1/places/describe answers the area and the
nearest named place with its distance and direction, measured in SWEREF 99 TM metres."""
import math
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from trygg_server import TryggServer  # noqa: E402

M_LAT = 1 / 111_320.0  # degrees of latitude per metre, near enough for placing test points

# Two of the demo gazetteer's places (server/demo_store.c).
NORRBY_TORG = (12.9405, 57.7330)
SANDARED_STATION = (12.7930, 57.7110)


def m_lon(lat):
    """Degrees of longitude per metre at latitude lat."""
    return M_LAT / math.cos(math.radians(lat))


class DescribePlace(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer().start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def describe(self, lon, lat):
        r = self.srv.request("GET", "/api/v1/places/describe?lon=%.7f&lat=%.7f" % (lon, lat))
        self.assertEqual(r.status, 200, r)
        return r.json()

    def test_a_pin_east_of_norrby_torg_is_described_by_area_place_distance_and_direction(self):
        lon, lat = NORRBY_TORG[0] + 100 * m_lon(NORRBY_TORG[1]), NORRBY_TORG[1]
        d = self.describe(lon, lat)
        self.assertEqual(d["area"], {"code": "norrby", "name": "Norrby"})
        self.assertEqual(d["place"]["name"], "Norrby torg")
        self.assertAlmostEqual(d["place"]["distance_m"], 100, delta=1)
        self.assertEqual(d["place"]["direction"], "e")
        # grid north differs from true north by under 2 degrees in Borås
        self.assertAlmostEqual(d["place"]["bearing_deg"], 90, delta=3)
        self.assertAlmostEqual(d["lon"], lon, places=6)
        # SWEREF 99 TM of central Borås: easting ~377 km, northing ~6 400 km
        self.assertTrue(370_000 < d["sweref99tm"]["e"] < 385_000, d)
        self.assertTrue(6_395_000 < d["sweref99tm"]["n"] < 6_405_000, d)

    def test_the_nearest_place_wins_and_the_direction_follows_the_pin(self):
        # 300 m north of Stora torget: Stora torget (not the station 540 m away) to the south
        d = self.describe(12.9395, 57.7209 + 300 * M_LAT)
        self.assertEqual(d["area"]["code"], "centrum")
        self.assertEqual(d["place"]["name"], "Stora torget")
        self.assertEqual(d["place"]["direction"], "n")
        self.assertAlmostEqual(d["place"]["distance_m"], 300, delta=2)
        # and south-west of Norrby torg
        d = self.describe(NORRBY_TORG[0] - 70 * m_lon(57.733), NORRBY_TORG[1] - 70 * M_LAT)
        self.assertEqual((d["place"]["name"], d["place"]["direction"]), ("Norrby torg", "sw"))
        self.assertAlmostEqual(d["place"]["distance_m"], 99, delta=2)

    def test_a_point_outside_every_area_has_no_area_but_may_have_a_place(self):
        # 1.5 km north of Sandared station: north of the Sandared area's outline
        d = self.describe(SANDARED_STATION[0], SANDARED_STATION[1] + 1500 * M_LAT)
        self.assertIsNone(d["area"])
        self.assertEqual(d["place"]["name"], "Sandared station")
        self.assertEqual(d["place"]["direction"], "n")
        self.assertAlmostEqual(d["place"]["distance_m"], 1500, delta=5)

    def test_a_point_far_from_every_place_has_neither(self):
        d = self.describe(18.0686, 59.3293)  # Stockholm
        self.assertIsNone(d["area"])
        self.assertIsNone(d["place"])
        d = self.describe(179.5, -89.5)  # far off the grid: still an answer, never a crash
        self.assertIsNone(d["area"])
        self.assertIsNone(d["place"])

    def test_bad_input_is_a_json_error_naming_the_field(self):
        cases = [("lat=57.7", "lon", "missing_field"), ("lon=12.9", "lat", "missing_field"),
                 ("lon=200&lat=57.7", "lon", "out_of_range"), ("lon=12.9&lat=91", "lat", "out_of_range"),
                 ("lon=abc&lat=57.7", "lon", None), ("lon=12.9&lat=nan", "lat", None),
                 ("lon=inf&lat=57.7", "lon", None), ("lon=12.9&lat=57.7e", "lat", None),
                 ("lon=&lat=57.7", "lon", None), ("lon=%00&lat=57.7", "lon", None)]
        for q, field, code in cases:
            with self.subTest(q=q):
                r = self.srv.request("GET", "/api/v1/places/describe?" + q)
                self.assertEqual(r.status, 422, r)
                err = r.json()["error"]
                self.assertEqual(err["field"], field)
                self.assertTrue(err["message"])
                if code:
                    self.assertEqual(err["code"], code)
        # the server is still there
        self.assertEqual(self.srv.request("GET", "/healthz").status, 200)


if __name__ == "__main__":
    unittest.main()
