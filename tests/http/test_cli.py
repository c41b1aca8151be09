"""Command line, configuration, migrations and the SpatiaLite file as GIS tools see it."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from trygg_server import BIN, SOURCE_DIR, TryggServer, free_port  # noqa: E402


def run(*args, env=None, input=None):
    e = dict(os.environ)
    e.pop("TRYGG_CONFIG", None)
    e.update(env or {})
    return subprocess.run([BIN] + list(args), capture_output=True, text=True, env=e, input=input,
                          timeout=120)


def spatial_query(db, sql):
    """Runs sql with SpatiaLite loaded, through the sqlite3 shell (Python's module may lack extensions)."""
    out = subprocess.run(["sqlite3", "-batch", db], input=".load mod_spatialite\n" + sql + ";\n",
                         capture_output=True, text=True, check=True).stdout
    return out.strip()


class Cli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="trygg-cli-")
        self.db = os.path.join(self.tmp, "sub", "trygg.db")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def latest(self):
        out = run("--version").stdout
        return int(out.split("schema ")[1].rstrip(")\n"))

    def test_help_and_version(self):
        h = run("--help")
        self.assertEqual(h.returncode, 0)
        for word in ("serve", "migrate", "seed-demo", "import-areas", "--listen", "--db", "TRYGG_DATA_DIR"):
            self.assertIn(word, h.stdout)
        v = run("--version")
        self.assertEqual(v.returncode, 0)
        self.assertRegex(v.stdout, r"^trygg \d+\.\d+\.\d+ \(schema \d+\)")
        bad = run("frobnicate")
        self.assertEqual(bad.returncode, 2)
        self.assertIn("unknown command", bad.stderr)

    def test_migrate_from_empty_file_then_again_is_a_no_op(self):
        first = run("migrate", "--db", self.db)
        self.assertEqual(first.returncode, 0, first.stderr)
        n = self.latest()
        # as many applied as there are files (numbers may skip while branches are merged)
        files = len([f for f in os.listdir(os.path.join(SOURCE_DIR, "migrations")) if f.endswith(".sql")])
        self.assertIn("schema version %d (%d migration" % (n, files), first.stdout)
        again = run("migrate", "--db", self.db)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("(0 migrations applied)", again.stdout)
        con = sqlite3.connect(self.db)
        self.assertEqual(con.execute("PRAGMA user_version").fetchone()[0], n)
        self.assertEqual(con.execute("PRAGMA application_id").fetchone()[0], 0x54525947)
        self.assertEqual(con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0], files)
        con.close()

    def test_migrate_from_an_empty_zero_byte_file(self):
        os.makedirs(os.path.dirname(self.db))
        open(self.db, "wb").close()
        r = run("migrate", "--db", self.db)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_refuses_a_database_newer_than_itself(self):
        self.assertEqual(run("migrate", "--db", self.db).returncode, 0)
        con = sqlite3.connect(self.db)
        con.execute("PRAGMA user_version = %d" % (self.latest() + 1))
        con.commit()
        con.close()
        for args in (("migrate",), ("serve", "--listen", "127.0.0.1:%d" % free_port())):
            r = run(*args, "--db", self.db)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("newer than this trygg", r.stderr)

    def test_refuses_another_applications_database(self):
        os.makedirs(os.path.dirname(self.db))
        con = sqlite3.connect(self.db)
        con.execute("PRAGMA application_id = 1234")
        con.execute("CREATE TABLE t(x)")
        con.commit()
        con.close()
        r = run("migrate", "--db", self.db)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("another application", r.stderr)

    def test_seed_demo_is_idempotent(self):
        for _ in range(2):
            r = run("seed-demo", "--db", self.db)
            self.assertEqual(r.returncode, 0, r.stderr)
        con = sqlite3.connect(self.db)
        self.assertEqual(con.execute("SELECT count(*) FROM areas").fetchone()[0], 9)
        self.assertEqual(con.execute("SELECT count(*) FROM observations").fetchone()[0], 10)
        self.assertEqual(con.execute("SELECT count(*) FROM municipality").fetchone()[0], 1)
        con.close()

    def test_import_areas_in_sweref99tm_matches_wgs84(self):
        """Areas converted to EPSG:3006 by GDAL's ogr2ogr import back to the same WGS 84 polygons."""
        src = os.path.join(SOURCE_DIR, "server/demo/areas.geojson")
        sweref = os.path.join(self.tmp, "areas-3006.geojson")
        subprocess.run(["ogr2ogr", "-f", "GeoJSON", "-t_srs", "EPSG:3006", sweref, src], check=True)
        with open(sweref) as f:
            self.assertIn("3006", json.dumps(json.load(f).get("crs")))
        r = run("import-areas", sweref, "--db", self.db)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("9 areas imported", r.stdout)
        minx, miny, maxx, maxy = map(float, spatial_query(
            self.db, "SELECT MbrMinX(geom), MbrMinY(geom), MbrMaxX(geom), MbrMaxY(geom) FROM areas "
                     "WHERE code='centrum'").split("|"))
        # The source rectangle is 12.925,57.712 .. 12.955,57.728 (a rectangle in 3006 is not one in 4326,
        # but its corners round-trip to within a few centimetres).
        self.assertAlmostEqual(minx, 12.925, places=6)
        self.assertAlmostEqual(miny, 57.712, places=6)
        self.assertAlmostEqual(maxx, 12.955, places=6)
        self.assertAlmostEqual(maxy, 57.728, places=6)
        self.assertEqual(spatial_query(self.db, "SELECT DISTINCT SRID(geom) FROM areas"), "4326")

    def test_import_areas_refuses_bad_files_and_keeps_what_was_there(self):
        self.assertEqual(run("seed-demo", "--db", self.db).returncode, 0)
        bad = os.path.join(self.tmp, "bad.geojson")
        with open(bad, "w") as f:
            json.dump({"type": "FeatureCollection", "features": [
                {"type": "Feature", "properties": {"code": "centrum", "name": "X"},
                 "geometry": {"type": "Polygon", "coordinates": [[[12, 57], [13, 57], [13, 58], [12, 57]]]}},
                {"type": "Feature", "properties": {"code": "p"}, "geometry": {"type": "Point", "coordinates": [12, 57]}}]}, f)
        r = run("import-areas", bad, "--db", self.db)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Polygon", r.stderr)
        con = sqlite3.connect(self.db)
        self.assertEqual(con.execute("SELECT name FROM areas WHERE code='centrum'").fetchone()[0], "Centrum")
        con.close()
        with open(bad, "w") as f:
            f.write("{not json")
        self.assertNotEqual(run("import-areas", bad, "--db", self.db).returncode, 0)

    def test_import_places_in_sweref99tm_and_refusals_keep_what_was_there(self):
        """Named places (what a pin is described against) import from SWEREF 99 TM too; a place
        of the same name moves; a bad file changes nothing."""
        self.assertEqual(run("seed-demo", "--db", self.db).returncode, 0)
        self.assertEqual(spatial_query(self.db, "SELECT count(*) FROM places"), "12")
        src = os.path.join(self.tmp, "places.geojson")
        with open(src, "w") as f:
            json.dump({"type": "FeatureCollection", "features": [
                {"type": "Feature", "properties": {"namn": "Allégården"},
                 "geometry": {"type": "Point", "coordinates": [12.9361, 57.7240]}},
                {"type": "Feature", "properties": {"name": "Norrby torg"},
                 "geometry": {"type": "Point", "coordinates": [12.9410, 57.7331]}}]}, f)
        sweref = os.path.join(self.tmp, "places-3006.geojson")
        subprocess.run(["ogr2ogr", "-f", "GeoJSON", "-t_srs", "EPSG:3006", sweref, src], check=True)
        r = run("import-places", sweref, "--db", self.db)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2 places imported", r.stdout)
        self.assertEqual(spatial_query(self.db, "SELECT count(*) FROM places"), "13")
        x, y = map(float, spatial_query(self.db, "SELECT X(geom), Y(geom) FROM places WHERE name='Allégården'").split("|"))
        self.assertAlmostEqual(x, 12.9361, places=6)
        self.assertAlmostEqual(y, 57.7240, places=6)
        self.assertEqual(spatial_query(self.db, "SELECT round(X(geom), 4) FROM places WHERE name='Norrby torg'"), "12.941")
        for features, word in [
                ([{"type": "Feature", "properties": {"name": "Ny plats"}, "geometry": {"type": "Point", "coordinates": [12.95, 57.73]}},
                  {"type": "Feature", "properties": {"name": "Yta"}, "geometry": {"type": "Polygon", "coordinates": [[[12, 57], [13, 57], [13, 58], [12, 57]]]}}], "Point"),
                ([{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [12.95, 57.73]}}], "name"),
                ([{"type": "Feature", "properties": {"name": "Ny plats"}, "geometry": {"type": "Point", "coordinates": [12.95, 97.0]}}], "extent")]:
            bad = os.path.join(self.tmp, "bad.geojson")
            with open(bad, "w") as f:
                json.dump({"type": "FeatureCollection", "features": features}, f)
            r = run("import-places", bad, "--db", self.db)
            self.assertNotEqual(r.returncode, 0, word)
            self.assertIn(word, r.stderr)
            self.assertEqual(spatial_query(self.db, "SELECT count(*) FROM places"), "13", word)

    def test_gdal_sees_layers_with_their_epsg_codes(self):
        self.assertEqual(run("seed-demo", "--db", self.db).returncode, 0)
        out = subprocess.run(["ogrinfo", "-ro", "-so", "-al", self.db], capture_output=True, text=True,
                             check=True).stdout
        for layer in ("observations", "areas", "municipality", "places"):
            self.assertIn("Layer name: %s" % layer, out)
        self.assertIn('ID["EPSG",4326]', out)
        self.assertIn('ID["EPSG",3006]', out)
        self.assertNotIn("reporters", out.split("Layer name: reporters")[0] if False else "")
        obs = subprocess.run(["ogrinfo", "-ro", "-so", self.db, "observations(geom)"], capture_output=True,
                             text=True, check=True).stdout
        self.assertIn("Feature Count: 10", obs)
        self.assertIn("Geometry: Point", obs)


class Configuration(unittest.TestCase):
    def test_config_file_env_and_flag_precedence(self):
        tmp = tempfile.mkdtemp(prefix="trygg-cfg-")
        try:
            db_file = os.path.join(tmp, "file.db")
            db_env = os.path.join(tmp, "env.db")
            db_flag = os.path.join(tmp, "flag.db")
            cfg = os.path.join(tmp, "t.conf")
            with open(cfg, "w") as f:
                f.write("# test\ndb = %s\nmax_description_chars = 10\n" % db_file)
            self.assertEqual(run("migrate", env={"TRYGG_CONFIG": cfg}).returncode, 0)
            self.assertTrue(os.path.exists(db_file))
            self.assertEqual(run("migrate", env={"TRYGG_CONFIG": cfg, "TRYGG_DB": db_env}).returncode, 0)
            self.assertTrue(os.path.exists(db_env))
            self.assertEqual(run("migrate", "--db", db_flag, env={"TRYGG_CONFIG": cfg, "TRYGG_DB": db_env}).returncode, 0)
            self.assertTrue(os.path.exists(db_flag))
            with open(cfg, "a") as f:
                f.write("no_such_key = 1\n")
            r = run("migrate", env={"TRYGG_CONFIG": cfg})
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("unknown setting 'no_such_key'", r.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_limits_from_the_config_file_apply(self):
        with TryggServer(config_text="max_description_chars = 10\n") as srv:
            self.assertEqual(srv.post_observation(description="x" * 10).status, 201)
            r = srv.post_observation(description="x" * 11)
            self.assertEqual(r.status, 422)
            self.assertEqual(r.json()["error"]["code"], "too_long")

    def test_listen_from_environment(self):
        srv = TryggServer()
        port = free_port()
        srv.port = port
        srv.extra_args = []
        srv.env["TRYGG_LISTEN"] = "127.0.0.1:%d" % port
        # serve without --listen: the harness always passes it, so run the binary directly here.
        srv.cli("seed-demo")
        p = subprocess.Popen([BIN, "serve", "--db", srv.db], env=srv.env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        try:
            import time
            for _ in range(100):
                try:
                    if srv.request("GET", "/healthz").status == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            self.assertEqual(srv.request("GET", "/healthz").status, 200)
        finally:
            p.terminate()
            p.wait(timeout=30)
            shutil.rmtree(srv.tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
