"""Photo upload over HTTP: metadata removed from every served copy, bad photos refused."""
import os
import re
import struct
import subprocess
import sys
import unittest
import zlib

sys.path.insert(0, os.path.dirname(__file__))
from trygg_server import TryggServer  # noqa: E402

SECRET_SERIAL = b"SERIAL-0042-SECRET"
SECRET_COMMENT = b"CAMERA-COMMENT-XYZ"


def ppm(width, height):
    rows = bytearray()
    for y in range(height):
        for x in range(width):
            rows += bytes(((x * 255) // width, (y * 255) // height, 128))
    return b"P6\n%d %d\n255\n" % (width, height) + bytes(rows)


def jpeg_from_ppm(width, height):
    """A real JPEG, encoded by libjpeg-turbo's cjpeg."""
    return subprocess.run(["cjpeg", "-quality", "90"], input=ppm(width, height), capture_output=True,
                          check=True).stdout


def exif_app1(orientation=6):
    """A little-endian EXIF block: Make, Orientation, BodySerialNumber-like text and a GPS IFD."""
    entries0 = []  # (tag, type, count, value_or_offset_bytes)
    data = bytearray()
    base = 8  # TIFF header size
    n0 = 4
    ifd0_size = 2 + n0 * 12 + 4
    gps_n = 2
    gps_size = 2 + gps_n * 12 + 4
    data_off = base + ifd0_size + gps_size
    make = b"TryggCam\0"
    serial = SECRET_SERIAL + b"\0"
    lat = struct.pack("<6I", 57, 1, 43, 1, 1560, 100)  # 57 deg 43' 15.60"
    off_make = data_off
    off_serial = off_make + len(make)
    off_lat = off_serial + len(serial)
    gps_ifd_off = base + ifd0_size
    entries0.append((0x010F, 2, len(make), struct.pack("<I", off_make)))
    entries0.append((0x0112, 3, 1, struct.pack("<HH", orientation, 0)))
    entries0.append((0x0131, 2, len(serial), struct.pack("<I", off_serial)))  # Software
    entries0.append((0x8825, 4, 1, struct.pack("<I", gps_ifd_off)))
    tiff = bytearray(b"II*\0" + struct.pack("<I", 8))
    tiff += struct.pack("<H", n0)
    for tag, typ, cnt, val in sorted(entries0):
        tiff += struct.pack("<HHI", tag, typ, cnt) + val
    tiff += struct.pack("<I", 0)
    tiff += struct.pack("<H", gps_n)
    tiff += struct.pack("<HHI", 0x0001, 2, 2) + b"N\0\0\0"
    tiff += struct.pack("<HHII", 0x0002, 5, 3, off_lat)
    tiff += struct.pack("<I", 0)
    tiff += make + serial + lat
    payload = b"Exif\0\0" + bytes(tiff)
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def com_segment(text):
    return b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text


def jpeg_with_metadata(width=64, height=48):
    j = jpeg_from_ppm(width, height)
    assert j[:2] == b"\xff\xd8"
    return j[:2] + exif_app1() + com_segment(SECRET_COMMENT) + j[2:]


def png_with_text(width=40, height=30):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\0" + bytes((x * 6) % 256 for x in range(width * 3)) for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"tEXt", b"Comment\0" + SECRET_COMMENT) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def jpeg_markers(data):
    """The marker bytes of a JPEG up to the start of scan."""
    assert data[:2] == b"\xff\xd8", data[:4]
    i, found = 2, []
    while i < len(data):
        assert data[i] == 0xFF
        m = data[i + 1]
        found.append(m)
        if m == 0xDA:
            break
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        i += 2 + length
    return found


def jpeg_size(data):
    i = 2
    while i < len(data):
        m = data[i + 1]
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if m in (0xC0, 0xC1, 0xC2):
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h
        i += 2 + length
    raise AssertionError("no SOF")


class Photos(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer(config_text="max_photo_bytes = 3000000\nmax_photos_per_observation = 3\n").start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def new_obs(self):
        r = self.srv.post_observation()
        self.assertEqual(r.status, 201)
        return r.json()["id"]

    def upload(self, oid, body, ctype="image/jpeg"):
        return self.srv.request("POST", "/api/v1/observations/%d/photos" % oid, body,
                                self.srv.photo_headers(oid, ctype))

    def assertClean(self, data):
        markers = jpeg_markers(data)
        self.assertNotIn(0xE1, markers)  # APP1: EXIF / XMP
        self.assertNotIn(0xFE, markers)  # COM
        for m in markers:
            self.assertFalse(0xE2 <= m <= 0xEF, hex(m))  # no other APPn but JFIF's APP0
        for secret in (b"Exif", SECRET_SERIAL, SECRET_COMMENT, b"TryggCam"):
            self.assertNotIn(secret, data)

    def test_jpeg_with_exif_gps_is_stripped_rotated_and_thumbnailed(self):
        src = jpeg_with_metadata(64, 48)
        self.assertIn(SECRET_SERIAL, src)
        oid = self.new_obs()
        r = self.upload(oid, src)
        self.assertEqual(r.status, 201, r)
        p = r.json()
        self.assertRegex(p["id"], r"^[0-9a-f]{32}$")
        # Orientation 6 (rotate 90 degrees): a 64x48 photo is served upright as 48x64.
        self.assertEqual((p["width"], p["height"]), (48, 64))
        full = self.srv.request("GET", p["url"])
        self.assertEqual(full.status, 200)
        self.assertEqual(full.header("Content-Type"), "image/jpeg")
        self.assertClean(full.body)
        self.assertEqual(jpeg_size(full.body), (48, 64))
        thumb = self.srv.request("GET", p["thumb_url"])
        self.assertEqual(thumb.status, 200)
        self.assertClean(thumb.body)
        # The observation's public view lists the photo.
        o = self.srv.request("GET", "/api/v1/observations/%d" % oid).json()
        self.assertEqual([x["id"] for x in o["photos"]], [p["id"]])
        # On disk: server-made names only, and every stored copy is clean.
        files = []
        for root, _, names in os.walk(self.srv.data_dir):
            for n in names:
                files.append(n)
                with open(os.path.join(root, n), "rb") as f:
                    self.assertNotIn(SECRET_SERIAL, f.read())
        self.assertTrue(all(re.match(r"^[0-9a-f]{32}(\.thumb)?\.jpg$", n) for n in files), files)

    def test_large_photo_is_downscaled_and_thumbnail_is_small(self):
        oid = self.new_obs()
        r = self.upload(oid, jpeg_from_ppm(2400, 1200))
        self.assertEqual(r.status, 201, r)
        p = r.json()
        self.assertEqual((p["width"], p["height"]), (2048, 1024))
        tw, th = jpeg_size(self.srv.request("GET", p["thumb_url"]).body)
        self.assertEqual(max(tw, th), 320)

    def test_png_is_accepted_and_its_text_chunks_are_gone(self):
        oid = self.new_obs()
        r = self.upload(oid, png_with_text(), "image/png")
        self.assertEqual(r.status, 201, r)
        body = self.srv.request("GET", r.json()["url"]).body
        self.assertClean(body)
        self.assertEqual(jpeg_size(body), (40, 30))

    def test_bad_photos_are_refused_and_nothing_is_stored(self):
        oid = self.new_obs()
        cases = [
            (self.upload(oid, b"this is not a picture at all", "image/jpeg"), 422, "invalid_image"),
            (self.upload(oid, png_with_text(), "image/jpeg"), 422, "invalid_image"),
            (self.upload(oid, jpeg_from_ppm(32, 32)[:200], "image/jpeg"), 422, "invalid_image"),
            (self.upload(oid, b"GIF89a....", "image/gif"), 415, "unsupported_media_type"),
            (self.upload(oid, jpeg_from_ppm(32, 32), "application/octet-stream"), 415, "unsupported_media_type"),
            (self.upload(oid, b"", "image/jpeg"), 422, "invalid_image"),
            (self.upload(oid, b"\xff\xd8" + b"\0" * 3100000, "image/jpeg"), 413, "body_too_large"),
            (self.upload(999999, jpeg_from_ppm(32, 32)), 404, "not_found"),
        ]
        for r, status, code in cases:
            with self.subTest(code=code, status=status):
                self.assertEqual(r.status, status, r)
                self.assertEqual(r.json()["error"]["code"], code)
        o = self.srv.request("GET", "/api/v1/observations/%d" % oid).json()
        self.assertEqual(o["photos"], [])

    def test_retried_upload_with_the_same_idempotency_key_stores_one_photo(self):
        oid = self.new_obs()
        key = "3f2c9a1e-7b4d-4e8f-9a0b-1c2d3e4f5a6b"
        body = jpeg_from_ppm(20, 20)
        h = self.srv.photo_headers(oid, **{"Idempotency-Key": key})
        a = self.srv.request("POST", "/api/v1/observations/%d/photos" % oid, body, h)
        b = self.srv.request("POST", "/api/v1/observations/%d/photos" % oid, body, h)
        self.assertEqual((a.status, b.status), (201, 200))
        self.assertEqual(a.json()["id"], b.json()["id"])
        o = self.srv.request("GET", "/api/v1/observations/%d" % oid).json()
        self.assertEqual(len(o["photos"]), 1)
        bad = self.srv.request("POST", "/api/v1/observations/%d/photos" % oid, body,
                               self.srv.photo_headers(oid, **{"Idempotency-Key": "nope"}))
        self.assertEqual(bad.status, 422)

    def test_photo_count_limit(self):
        oid = self.new_obs()
        for _ in range(3):
            self.assertEqual(self.upload(oid, jpeg_from_ppm(16, 16)).status, 201)
        r = self.upload(oid, jpeg_from_ppm(16, 16))
        self.assertEqual(r.status, 422)
        self.assertEqual(r.json()["error"]["code"], "out_of_range")

    def test_photo_ids_cannot_reach_other_files(self):
        for path in ("/api/v1/photos/..%2F..%2Ftrygg.db", "/api/v1/photos/00000000000000000000000000000000",
                     "/api/v1/photos/../../etc/passwd", "/api/v1/photos/ABC/thumb"):
            r = self.srv.request("GET", path)
            self.assertIn(r.status, (404, 400), path)


if __name__ == "__main__":
    unittest.main(verbosity=2)
