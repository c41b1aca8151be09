"""Staff accounts and security (issue 3): argon2id, sessions, CSRF, roles, throttling."""
import os
import sqlite3
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from staff_client import DEFAULT_PASSWORD, StaffClient, make_user, staff  # noqa: E402
from trygg_server import TryggServer  # noqa: E402


class Auth(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer(config_text="login_max_failures = 5\nlogin_max_failures_per_address = 12\n").start()
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

    def test_passwords_are_argon2id_with_owasp_parameters_and_never_logged(self):
        con = sqlite3.connect(self.srv.db)
        h = con.execute("SELECT password_hash FROM users WHERE username='anna'").fetchone()[0]
        con.close()
        self.assertRegex(h, r"^\$argon2id\$v=19\$m=19456,t=2,p=1\$")
        self.assertNotIn(DEFAULT_PASSWORD, self.srv.read_log())
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
        self.assertEqual(c.post("/api/v1/auth/logout").status, 200)
        r = self.srv.request("GET", "/api/v1/auth/me", headers={"Cookie": old})
        self.assertEqual(r.status, 401)

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

    def test_password_length_rules(self):
        a = StaffClient(self.srv)
        a.login("anna")
        r = a.post("/api/v1/users", {"username": "short", "password": "7chars!", "role": "triage"})
        self.assertEqual(r.status, 422)
        self.assertEqual(r.json()["error"]["field"], "password")
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
        p = self.srv.cli("user", "add", "--username", "cli2", "--role", "triage", "--password", "x" * 10,
                         input="abcdefghij\n", check=False)
        self.assertNotEqual(p.returncode, 0)
        p = self.srv.cli("user", "add", "--username", "cli3", "--role", "unit", input="abcdefghij\n", check=False)
        self.assertNotEqual(p.returncode, 0)
        p = self.srv.cli("user", "add", "--username", "cli4", "--role", "unit", "--unit", "parks",
                         input="abcdefghij\n")
        self.assertIn("user cli4 (unit) created", p.stdout)


class Throttle(unittest.TestCase):
    def test_login_throttled_per_client_address(self):
        with TryggServer(config_text="login_max_failures_per_address = 4\n") as srv:
            make_user(srv, "real", "triage")
            for i in range(4):
                StaffClient(srv).login("guess%d" % i, "nope nope", expect=401)
            StaffClient(srv).login("real", DEFAULT_PASSWORD, expect=429)


class Timeouts(unittest.TestCase):
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
