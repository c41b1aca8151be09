"""Staff accounts and security (issue 3): argon2id, sessions, CSRF, roles, throttling."""
import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from staff_client import DEFAULT_PASSWORD, StaffClient, make_user, staff  # noqa: E402,F401
from trygg_server import BIN, TryggServer  # noqa: E402


class Auth(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Many tests here fail logins from 127.0.0.1 on purpose: only the per-name limit
        # applies in this class (the per-address one has its own test and server).
        cls.srv = TryggServer(config_text="login_max_failures = 5\n"
                                          "login_max_failures_per_address = 1000\n").start()
        make_user(cls.srv, "anna", "admin")
        make_user(cls.srv, "tove", "triage")

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def test_login_sets_an_httponly_samesite_cookie_and_returns_the_csrf_token(self):
        c = StaffClient(self.srv)
        r = c.login("anna")
        cookie = r.header("Set-Cookie")
        self.assertRegex(cookie, r"^trygg_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict$")
        body = r.json()
        self.assertEqual(body["user"]["role"], "admin")
        self.assertRegex(body["csrf_token"], r"^[0-9a-f]{64}$")
        me = c.get("/api/v1/auth/me")
        self.assertEqual(me.status, 200)
        self.assertEqual(me.json()["user"]["username"], "anna")

    def test_wrong_password_and_unknown_user_get_the_same_answer(self):
        a = StaffClient(self.srv).login("tove", "wrong password!", expect=401)
        b = StaffClient(self.srv).login("nobody-here", "wrong password!", expect=401)
        self.assertEqual(a.json(), b.json())
        self.assertEqual(a.json()["error"]["code"], "invalid_credentials")
        self.assertIsNone(a.header("Set-Cookie"))
        # An unknown user costs an argon2 verification too (a dummy hash), so the time
        # does not tell which names exist: both take well over a cheap lookup.
        def timed(name):
            t = time.monotonic()
            StaffClient(self.srv).login(name, "wrong password!", expect=401)
            return time.monotonic() - t
        known = min(timed("tove") for _ in range(3))
        unknown = min(timed("nobody-%d" % i) for i in range(3))
        self.assertGreater(unknown, known / 3, (known, unknown))

    def test_a_unit_handler_gets_their_unit_and_me_repeats_the_csrf_token(self):
        c = staff(self.srv, "ulla", "unit", unit="parks")
        unit = c.user["unit"]
        self.assertEqual(unit["code"], "parks")
        self.assertEqual(set(unit), {"id", "code", "name"})
        me = c.get("/api/v1/auth/me").json()
        self.assertEqual(me["csrf_token"], c.csrf)
        self.assertEqual(me["user"], c.user)
        self.assertIsNone(staff(self.srv, "tina", "triage").user["unit"])

    def test_a_forged_or_malformed_cookie_is_no_session(self):
        for cookie in ("trygg_session=" + "a" * 64, "trygg_session=" + "A" * 64, "trygg_session=x",
                       "trygg_session=", "other=1"):
            r = self.srv.request("GET", "/api/v1/auth/me", headers={"Cookie": cookie})
            self.assertEqual(r.status, 401, cookie)
            self.assertEqual(r.json()["error"]["code"], "unauthorized")

    def test_production_password_cost_is_owasp_argon2id_without_configuration(self):
        # A trygg with no configuration file hashes at m = 19456 KiB, t = 2, p = 1.
        tmp = tempfile.mkdtemp(prefix="trygg-cost-")
        try:
            env = dict(os.environ)
            env.pop("TRYGG_CONFIG", None)
            db = os.path.join(tmp, "t.db")
            subprocess.run([BIN, "migrate", "--db", db], env=env, check=True, capture_output=True)
            subprocess.run([BIN, "user", "add", "--username", "prod", "--role", "admin", "--db", db],
                           env=env, input=DEFAULT_PASSWORD + "\n", text=True, check=True,
                           capture_output=True)
            con = sqlite3.connect(db)
            h = con.execute("SELECT password_hash FROM users WHERE username='prod'").fetchone()[0]
            con.close()
            self.assertTrue(h.startswith("$argon2id$v=19$m=19456,t=2,p=1$"), h)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_passwords_are_argon2id_at_the_configured_cost_and_never_logged(self):
        con = sqlite3.connect(self.srv.db)
        h = con.execute("SELECT password_hash FROM users WHERE username='anna'").fetchone()[0]
        con.close()
        m = re.match(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$", h)
        self.assertTrue(m, h)
        # the tests' configuration (trygg_server.TEST_PASSWORD_COST) is honoured
        self.assertEqual(int(m.group(1)), 256)
        self.assertEqual(int(m.group(2)), 1)
        self.assertEqual(int(m.group(3)), 1)
        self.assertEqual(len(m.group(4)), 22)  # 16-byte salt, unpadded base64
        self.assertEqual(len(m.group(5)), 43)  # 32-byte hash
        StaffClient(self.srv).login("anna", "a wrong guess 1234", expect=401)
        log = self.srv.read_log()
        self.assertNotIn(DEFAULT_PASSWORD, log)
        self.assertNotIn("a wrong guess 1234", log)
        self.assertIn("login failed from 127.0.0.1", log)
        con = sqlite3.connect(self.srv.db)
        tokens = [row[0] for row in con.execute("SELECT token_hash FROM sessions")]
        con.close()
        c = StaffClient(self.srv)
        c.login("anna")
        raw = c.cookie.split("=", 1)[1]
        self.assertNotIn(raw, tokens)  # only hashes of tokens are stored

    def test_staff_routes_need_a_session_and_the_right_role(self):
        self.assertEqual(self.srv.request("GET", "/api/v1/users").status, 401)
        self.assertEqual(self.srv.request("GET", "/api/v1/cases").status, 401)
        t = StaffClient(self.srv)
        t.login("tove")
        r = t.get("/api/v1/users")
        self.assertEqual(r.status, 403)
        self.assertEqual(r.json()["error"]["code"], "forbidden")
        self.assertEqual(t.get("/api/v1/cases").status, 200)

    def test_writes_without_or_with_a_wrong_csrf_token_are_refused(self):
        a = StaffClient(self.srv)
        a.login("anna")
        body = {"username": "csrf-victim", "password": "long enough pw", "role": "triage"}
        r = a.post("/api/v1/users", body, csrf=False)
        self.assertEqual(r.status, 403)
        self.assertEqual(r.json()["error"]["code"], "csrf")
        r = a.request("POST", "/api/v1/users", body, csrf=False, headers={"X-CSRF-Token": "0" * 64})
        self.assertEqual(r.status, 403)
        self.assertEqual(a.post("/api/v1/users", body).status, 201)

    def test_logout_ends_the_session_on_the_server(self):
        c = StaffClient(self.srv)
        c.login("tove")
        old = c.cookie
        r = c.post("/api/v1/auth/logout", csrf=False)  # a cross-site logout is refused too
        self.assertEqual((r.status, r.json()["error"]["code"]), (403, "csrf"))
        r = c.logout()
        self.assertEqual(r.status, 200)
        self.assertRegex(r.header("Set-Cookie"), r"^trygg_session=; .*Max-Age=0")
        self.assertIsNone(c.cookie)
        r = self.srv.request("GET", "/api/v1/auth/me", headers={"Cookie": old})
        self.assertEqual(r.status, 401)
        con = sqlite3.connect(self.srv.db)
        left = con.execute("SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id "
                           "WHERE u.username = 'tove' AND s.token_hash = ?",
                           (hashlib.sha256(old.split("=", 1)[1].encode()).hexdigest(),)).fetchone()[0]
        con.close()
        self.assertEqual(left, 0)

    def test_each_login_gets_a_new_token(self):
        c = StaffClient(self.srv)
        c.login("tove")
        first = c.cookie
        c.login("tove")
        self.assertNotEqual(first, c.cookie)
        # The session the browser had before is gone.
        self.assertEqual(self.srv.request("GET", "/api/v1/auth/me", headers={"Cookie": first}).status, 401)

    def test_login_throttled_per_user_name(self):
        make_user(self.srv, "throttled", "triage")
        for _ in range(5):
            StaffClient(self.srv).login("throttled", "not the password", expect=401)
        r = StaffClient(self.srv).login("throttled", DEFAULT_PASSWORD, expect=429)
        self.assertEqual(r.json()["error"]["code"], "rate_limited")
        self.assertTrue(r.header("Retry-After"))

    def test_the_user_list_has_no_password_hashes(self):
        a = StaffClient(self.srv)
        a.login("anna")
        r = a.get("/api/v1/users")
        self.assertEqual(r.status, 200)
        self.assertNotIn(b"argon2", r.body)
        users = {u["username"]: u for u in r.json()["users"]}
        self.assertEqual(users["anna"]["role"], "admin")
        self.assertNotIn("password_hash", users["anna"])

    def test_an_admin_creates_a_unit_handler_and_changes_a_password(self):
        a = StaffClient(self.srv)
        a.login("anna")
        units = {u["code"]: u["id"] for u in a.get("/api/v1/units").json()["units"]}
        body = {"username": "ute", "password": "first password", "role": "unit"}
        r = a.post("/api/v1/users", body)
        self.assertEqual((r.status, r.json()["error"]["field"]), (422, "unit_id"))
        body["unit_id"] = units["parks"]
        r = a.post("/api/v1/users", dict(body, display_name="Ute Park"))
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["unit_id"], units["parks"])
        self.assertEqual(a.post("/api/v1/users", body).status, 409)
        u = StaffClient(self.srv)
        u.login("ute", "first password")
        uid = u.user["id"]
        self.assertEqual(u.user["unit"]["code"], "parks")
        r = a.put("/api/v1/users/%d" % uid, {"password": "short"})
        self.assertEqual((r.status, r.json()["error"]["code"]), (422, "too_short"))
        r = a.put("/api/v1/users/%d" % uid, {"password": "second password"})
        self.assertEqual(r.status, 200)
        self.assertEqual(u.get("/api/v1/auth/me").status, 401)  # a new password ends sessions
        StaffClient(self.srv).login("ute", "first password", expect=401)
        StaffClient(self.srv).login("ute", "second password")
        self.assertEqual(a.put("/api/v1/users/999999", {"active": True}).status, 404)
        self.assertEqual(a.put("/api/v1/users/%d" % uid, {"role": "boss"}).status, 422)

    def test_password_length_counts_characters_not_bytes(self):
        a = StaffClient(self.srv)
        a.login("anna")
        r = a.post("/api/v1/users", {"username": "u7", "password": "åäöåäöå", "role": "triage"})
        self.assertEqual((r.status, r.json()["error"]["code"]), (422, "too_short"))  # 14 bytes
        for name, pw in (("u8", "åäöåäöåä"), ("u128", "å" * 128)):
            r = a.post("/api/v1/users", {"username": name, "password": pw, "role": "triage"})
            self.assertEqual(r.status, 201, (name, r))
            StaffClient(self.srv).login(name, pw)
        r = a.post("/api/v1/users", {"username": "u129", "password": "å" * 129, "role": "triage"})
        self.assertEqual((r.status, r.json()["error"]["code"]), (422, "too_long"))

    def test_password_length_rules(self):
        a = StaffClient(self.srv)
        a.login("anna")
        r = a.post("/api/v1/users", {"username": "short", "password": "7chars!", "role": "triage"})
        self.assertEqual(r.status, 422)
        self.assertEqual(r.json()["error"]["field"], "password")
        self.assertEqual(r.json()["error"]["code"], "too_short")
        for n in (8, 64, 128):
            r = a.post("/api/v1/users", {"username": "len%d" % n, "password": "p" * n, "role": "triage"})
            self.assertEqual(r.status, 201, (n, r))
        ok = StaffClient(self.srv)
        ok.login("len128", "p" * 128)
        self.assertEqual(a.post("/api/v1/users", {"username": "len129", "password": "p" * 129,
                                                  "role": "triage"}).status, 422)

    def test_deactivating_a_user_ends_their_sessions(self):
        a = StaffClient(self.srv)
        a.login("anna")
        make_user(self.srv, "leaver", "triage")
        l = StaffClient(self.srv)
        l.login("leaver")
        uid = l.user["id"]
        self.assertEqual(a.put("/api/v1/users/%d" % uid, {"active": False}).status, 200)
        self.assertEqual(l.get("/api/v1/auth/me").status, 401)
        StaffClient(self.srv).login("leaver", expect=401)

    def test_user_add_cli_reads_the_password_from_stdin_only(self):
        p = self.srv.cli("user", "add", "--username", "cli1", "--role", "triage", input="", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("no password", p.stderr)
        p = self.srv.cli("user", "add", "--username", "cli1", "--role", "triage", input="\n", check=False)
        self.assertNotEqual(p.returncode, 0)
        for args in (("--password", "x" * 10), ("--password=" + "x" * 10,)):
            p = self.srv.cli("user", "add", "--username", "cli2", "--role", "triage", *args,
                             input="abcdefghij\n", check=False)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("standard input", p.stderr)
            self.assertNotIn("x" * 10, p.stderr)
        p = self.srv.cli("user", "add", "--username", "cli5", "--role", "triage", input="seven77\n",
                         check=False)
        self.assertNotEqual(p.returncode, 0)
        p = self.srv.cli("user", "add", "--username", "cli6", "--role", "unit", "--unit", "no-such-unit",
                         input="abcdefghij\n", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("no-such-unit", p.stderr)
        p = self.srv.cli("user", "add", "--username", "cli7", "--role", "chief", input="abcdefghij\n",
                         check=False)
        self.assertNotEqual(p.returncode, 0)
        con = sqlite3.connect(self.srv.db)
        made = {r[0] for r in con.execute("SELECT username FROM users WHERE username LIKE 'cli%'")}
        con.close()
        self.assertEqual(made, set())
        # The password line may end with CRLF; only the line end is dropped, spaces are kept.
        self.srv.cli("user", "add", "--username", "cli8", "--role", "triage", input=" spaced out \r\n")
        StaffClient(self.srv).login("cli8", " spaced out ")
        p = self.srv.cli("user", "add", "--username", "cli3", "--role", "unit", input="abcdefghij\n", check=False)
        self.assertNotEqual(p.returncode, 0)
        p = self.srv.cli("user", "add", "--username", "cli4", "--role", "unit", "--unit", "parks",
                         input="abcdefghij\n")
        self.assertIn("user cli4 (unit) created", p.stdout)


class LastAdmin(unittest.TestCase):
    def test_the_last_active_admin_cannot_be_demoted_or_deactivated(self):
        with TryggServer() as srv:
            a = staff(srv, "solo", "admin")
            me = a.user["id"]
            for change in ({"active": False}, {"role": "triage"}):
                r = a.put("/api/v1/users/%d" % me, change)
                self.assertEqual((r.status, r.json()["error"]["code"]), (409, "last_admin"))
            self.assertEqual(a.get("/api/v1/auth/me").status, 200)
            b = staff(srv, "duo", "admin")
            self.assertEqual(a.put("/api/v1/users/%d" % b.user["id"], {"role": "triage"}).status, 200)
            r = b.get("/api/v1/users")
            self.assertEqual(r.status, 401)  # a role change ends the sessions


class Throttle(unittest.TestCase):
    def test_login_throttled_per_client_address(self):
        with TryggServer(config_text="login_max_failures_per_address = 4\n") as srv:
            make_user(srv, "real", "triage")
            for i in range(4):
                StaffClient(srv).login("guess%d" % i, "nope nope", expect=401)
            r = StaffClient(srv).login("real", DEFAULT_PASSWORD, expect=429)
            self.assertEqual(r.json()["error"]["code"], "rate_limited")
            self.assertIsNone(r.header("Set-Cookie"))

    def test_the_window_is_configurable_in_minutes(self):
        with TryggServer(config_text="login_max_failures = 2\nlogin_window_minutes = 2\n") as srv:
            make_user(srv, "real", "triage")
            for _ in range(2):
                StaffClient(srv).login("real", "nope nope", expect=401)
            r = StaffClient(srv).login("real", DEFAULT_PASSWORD, expect=429)
            self.assertEqual(r.header("Retry-After"), "120")
            # Failures older than the window no longer count.
            con = sqlite3.connect(srv.db, timeout=30)
            con.execute("UPDATE login_attempts SET at = at - 121")
            con.commit()
            con.close()
            StaffClient(srv).login("real", DEFAULT_PASSWORD)


def age_sessions(db, username, idle_s=0, age_s=0):
    """Moves a user's sessions back in time in the live database (last use, login)."""
    con = sqlite3.connect(db, timeout=30)
    con.execute("UPDATE sessions SET last_seen_at = last_seen_at - ?, created_at = created_at - ? "
                "WHERE user_id = (SELECT id FROM users WHERE username = ?)", (idle_s, age_s, username))
    con.commit()
    con.close()


class Timeouts(unittest.TestCase):
    def test_minutes_and_hours_settings(self):
        with TryggServer(config_text="session_idle_minutes = 2\nsession_absolute_hours = 1\n") as srv:
            make_user(srv, "idler", "triage")
            c = StaffClient(srv)
            c.login("idler")
            age_sessions(srv.db, "idler", idle_s=100)
            self.assertEqual(c.get("/api/v1/auth/me").status, 200)  # 100 s idle < 2 min
            age_sessions(srv.db, "idler", idle_s=121)
            self.assertEqual(c.get("/api/v1/auth/me").status, 401)
            c.login("idler")
            age_sessions(srv.db, "idler", age_s=3500)
            self.assertEqual(c.get("/api/v1/auth/me").status, 200)
            age_sessions(srv.db, "idler", age_s=101)  # logged in 3601 s ago, used just now
            self.assertEqual(c.get("/api/v1/auth/me").status, 401)
            con = sqlite3.connect(srv.db, timeout=30)
            self.assertEqual(con.execute("SELECT count(*) FROM sessions").fetchone()[0], 0)
            con.close()

    def test_last_use_is_written_at_most_once_a_minute(self):
        with TryggServer() as srv:
            make_user(srv, "busy", "triage")
            c = StaffClient(srv)
            c.login("busy")
            age_sessions(srv.db, "busy", idle_s=30)
            con = sqlite3.connect(srv.db, timeout=30)
            before = con.execute("SELECT last_seen_at FROM sessions").fetchone()[0]
            self.assertEqual(c.get("/api/v1/auth/me").status, 200)
            self.assertEqual(con.execute("SELECT last_seen_at FROM sessions").fetchone()[0], before)
            age_sessions(srv.db, "busy", idle_s=31)  # now 61 s ago
            self.assertEqual(c.get("/api/v1/auth/me").status, 200)
            self.assertGreaterEqual(con.execute("SELECT last_seen_at FROM sessions").fetchone()[0],
                                    int(time.time()) - 2)
            con.close()

    def test_idle_and_absolute_timeouts(self):
        with TryggServer(config_text="session_idle_seconds = 2\nsession_absolute_seconds = 5\n") as srv:
            make_user(srv, "sleepy", "triage")
            c = StaffClient(srv)
            c.login("sleepy")
            self.assertEqual(c.get("/api/v1/auth/me").status, 200)
            time.sleep(3.2)
            self.assertEqual(c.get("/api/v1/auth/me").status, 401)
            # Absolute: kept busy (never idle), it still ends after 5 s, not before the idle limit.
            c.login("sleepy")
            start = time.time()
            status = 200
            while time.time() < start + 9 and status == 200:
                status = c.get("/api/v1/auth/me").status
                ended = time.time() - start
                time.sleep(0.3)
            self.assertEqual(status, 401)
            self.assertGreater(ended, 3.0)  # outlived the 2 s idle limit by being used


if __name__ == "__main__":
    unittest.main(verbosity=2)
