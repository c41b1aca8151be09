"""The local basemap (issue 10): tiles_mbtiles -> GET /tiles/{z}/{x}/{y} from an MBTiles file
(TMS rows), with ETag/Cache-Control and 304; the client configuration points the apps at it."""
import os
import sqlite3
import sys
import tempfile
import unittest
import zlib
import struct

sys.path.insert(0, os.path.dirname(__file__))
from trygg_server import TryggServer  # noqa: E402


def png(r, g, b):
    """A 1x1 PNG of one colour."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"\x00" + bytes((r, g, b))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def make_mbtiles(path, tiles):
    """tiles: {(z, x, y_xyz): bytes}; stored with TMS rows as MBTiles requires."""
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE metadata (name TEXT, value TEXT);"
                     "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);")
    db.executemany("INSERT INTO metadata VALUES (?, ?)", [("name", "test"), ("format", "png")])
    for (z, x, y), data in tiles.items():
        db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, (1 << z) - 1 - y, data))
    db.commit()
    db.close()


class LocalTiles(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="trygg-tiles-")
        cls.path = os.path.join(cls.tmp, "boras.mbtiles")
        cls.red, cls.blue = png(200, 0, 0), png(0, 0, 200)
        # Borås at zoom 12 is about x=2195, y=1198; y=0 and y=3 at zoom 2 tell TMS from XYZ.
        make_mbtiles(cls.path, {(2, 1, 0): cls.red, (2, 1, 3): cls.blue, (12, 2195, 1198): cls.red})
        cls.srv = TryggServer(config_text="tiles_mbtiles = %s\ntile_attribution = Testkarta\n" % cls.path).start()
        cls.plain = TryggServer(seed=False).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)
        cls.plain.__exit__(None, None, None)

    def test_tiles_are_served_in_xyz_order_with_caching_headers(self):
        r = self.srv.request("GET", "/tiles/2/1/0")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, self.red)  # XYZ y=0 is TMS row 3: the north
        self.assertEqual(r.header("Content-Type"), "image/png")
        self.assertIn("max-age=", r.header("Cache-Control"))
        etag = r.header("ETag")
        self.assertTrue(etag.startswith('"') and etag.endswith('"'), etag)
        self.assertEqual(self.srv.request("GET", "/tiles/2/1/3").body, self.blue)
        self.assertEqual(self.srv.request("GET", "/tiles/12/2195/1198.png").body, self.red)
        again = self.srv.request("GET", "/tiles/2/1/0", headers={"If-None-Match": etag})
        self.assertEqual(again.status, 304)
        self.assertEqual(again.body, b"")
        other = self.srv.request("GET", "/tiles/2/1/3").header("ETag")
        self.assertNotEqual(other, etag)

    def test_missing_and_impossible_tiles_are_404(self):
        for path in ("/tiles/2/0/0", "/tiles/2/4/0", "/tiles/2/1/4", "/tiles/23/0/0", "/tiles/x/1/0",
                     "/tiles/2/-1/0", "/tiles/99999999999999999999/0/0"):
            r = self.srv.request("GET", path)
            self.assertEqual(r.status, 404, (path, r))
            self.assertEqual(r.json()["error"]["code"], "not_found")

    def test_the_client_configuration_points_at_the_local_tiles(self):
        tiles = self.srv.request("GET", "/api/v1/config").json()["tiles"]
        self.assertEqual(tiles["url"], "/tiles/{z}/{x}/{y}")
        self.assertEqual(tiles["attribution"], "Testkarta")
        self.assertIsNone(self.plain.request("GET", "/api/v1/config").json()["tiles"])
        self.assertEqual(self.plain.request("GET", "/tiles/2/1/0").status, 404)


if __name__ == "__main__":
    unittest.main(verbosity=2)
