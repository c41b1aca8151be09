"""Who the client is, and which URL links name (issue 9, "Behind a trusted proxy").

X-Forwarded-For and X-Forwarded-Proto are believed only from a peer listed in
trusted_proxies: then the client address (per-address limits, the access log) is the
last address in X-Forwarded-For that no trusted proxy vouches for, and TLS at the proxy
gives session cookies Secure and the __Host- prefix. From anyone else the headers are
ignored. Absolute links come from public_base_url, or else from the address the server
listens on, never from the Host header. Python standard library only.
"""
import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from trygg_server import TryggServer  # noqa: E402
from staff_client import StaffClient, make_user, staff  # noqa: E402

LIMITS = ("walk_code_failures_per_minute = 3\nlogin_max_failures = 1000\n"
          "login_max_failures_per_address = 3\naccess_log = all\n")


def unknown_code(srv, i, headers=None):
    return srv.request("GET", "/api/v1/walks/QQQQ%02d" % i, headers=headers).status


def login(srv, username, headers):
    return srv.request("POST", "/api/v1/auth/login",
                       {"username": username, "password": "not the password at all"}, headers)


def access_log_lines(srv, marker):
    for _ in range(20):  # a line is written just after its answer is sent
        lines = [line for line in srv.read_log().splitlines() if marker in line and " info " in line]
        if lines:
            return lines
        time.sleep(0.1)
    return []


class Untrusted(unittest.TestCase):
    """No trusted_proxies (the default): forwarded headers are the client's own words."""

    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer(config_text=LIMITS).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def test_x_forwarded_for_does_not_escape_a_per_address_limit(self):
        statuses = [unknown_code(self.srv, i, {"X-Forwarded-For": "198.51.100.%d" % (i + 1)})
                    for i in range(5)]
        self.assertEqual(statuses[:3], [404] * 3)
        self.assertEqual(statuses[3:], [429] * 2)

    def test_x_forwarded_for_is_not_the_address_in_the_access_log(self):
        self.srv.request("GET", "/api/v1/observations/5550001", headers={"X-Forwarded-For": "203.0.113.77"})
        lines = access_log_lines(self.srv, "/api/v1/observations/5550001")
        self.assertEqual(len(lines), 1, lines)
        self.assertIn(" 127.0.0.1 GET /api/v1/observations/5550001 404 ", lines[0])
        self.assertNotIn("203.0.113.77", self.srv.read_log())

    def test_x_forwarded_proto_does_not_make_a_tls_cookie(self):
        make_user(self.srv, "plainuser", "triage")
        r = self.srv.request("POST", "/api/v1/auth/login",
                             {"username": "plainuser", "password": "correct horse battery staple"},
                             {"X-Forwarded-Proto": "https"})
        self.assertEqual(r.status, 200, r)
        cookie = r.header("Set-Cookie")
        self.assertTrue(cookie.startswith("trygg_session="), cookie)
        self.assertNotIn("Secure", cookie)


class Trusted(unittest.TestCase):
    """trusted_proxies = 127.0.0.1: the test client plays the proxy."""

    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer(config_text=LIMITS + "trusted_proxies = 127.0.0.1, ::1\n").start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def test_per_address_limits_count_the_forwarded_address(self):
        a = {"X-Forwarded-For": "198.51.100.1"}
        self.assertEqual([unknown_code(self.srv, i, a) for i in range(4)], [404, 404, 404, 429])
        # Another client behind the same proxy is not limited by the first one.
        self.assertEqual(unknown_code(self.srv, 10, {"X-Forwarded-For": "198.51.100.2"}), 404)
        # Prepending addresses does not help: the proxy's own entry (the last) is the client.
        forged = {"X-Forwarded-For": "192.0.2.99, 198.51.100.1"}
        self.assertEqual(unknown_code(self.srv, 11, forged), 429)
        # Entries added by trusted proxies are skipped; a chain of them counts their client.
        chained = {"X-Forwarded-For": "198.51.100.1, 127.0.0.1"}
        self.assertEqual(unknown_code(self.srv, 12, chained), 429)
        # The last of several headers is the nearest hop's.
        two = [("X-Forwarded-For", "198.51.100.3"), ("X-Forwarded-For", "198.51.100.1")]
        raw = self.srv.raw(("GET /api/v1/walks/QQQQ13 HTTP/1.1\r\nHost: x\r\n%s\r\nConnection: close\r\n\r\n"
                            % "\r\n".join("%s: %s" % h for h in two)).encode())
        self.assertTrue(raw.startswith(b"HTTP/1.1 429"), raw[:60])

    def test_login_throttling_counts_per_forwarded_address(self):
        a, b = {"X-Forwarded-For": "198.51.100.21"}, {"X-Forwarded-For": "198.51.100.22"}
        self.assertEqual([login(self.srv, "guess%d" % i, a).status for i in range(3)], [401] * 3)
        self.assertEqual(login(self.srv, "guess9", a).status, 429)
        self.assertEqual(login(self.srv, "guess9", b).status, 401)
        self.assertIn("198.51.100.21", self.srv.read_log())

    def test_the_access_log_names_the_forwarded_client(self):
        self.srv.request("GET", "/api/v1/observations/5550002",
                         headers={"X-Forwarded-For": "203.0.113.78"})
        lines = access_log_lines(self.srv, "/api/v1/observations/5550002")
        self.assertEqual(len(lines), 1, lines)
        self.assertIn(" 203.0.113.78 GET /api/v1/observations/5550002 404 ", lines[0])

    def test_a_malformed_forwarded_address_leaves_the_proxy_as_the_client(self):
        self.srv.request("GET", "/api/v1/observations/5550003",
                         headers={"X-Forwarded-For": "not-an-address"})
        lines = access_log_lines(self.srv, "/api/v1/observations/5550003")
        self.assertIn(" 127.0.0.1 GET ", lines[0])
        self.assertNotIn("not-an-address", self.srv.read_log())

    def test_tls_at_the_proxy_gives_a_secure_host_prefixed_cookie(self):
        make_user(self.srv, "tlsuser", "triage")
        https = {"X-Forwarded-For": "198.51.100.30", "X-Forwarded-Proto": "https"}
        r = self.srv.request("POST", "/api/v1/auth/login",
                             {"username": "tlsuser", "password": "correct horse battery staple"}, https)
        self.assertEqual(r.status, 200, r)
        cookie = r.header("Set-Cookie")
        self.assertTrue(cookie.startswith("__Host-trygg_session="), cookie)
        self.assertIn("; Secure", cookie)
        self.assertIn("Path=/", cookie)
        self.assertNotIn("Domain=", cookie)
        # The session works under that name over the proxy's TLS ...
        pair = cookie.split(";", 1)[0]
        me = self.srv.request("GET", "/api/v1/auth/me", headers=dict(https, Cookie=pair))
        self.assertEqual(me.status, 200, me)
        # ... and over plain HTTP only the plain name is read.
        me = self.srv.request("GET", "/api/v1/auth/me", headers={"Cookie": pair})
        self.assertEqual(me.status, 401)
        # Logging out clears the cookie of the same name.
        out = self.srv.request("POST", "/api/v1/auth/logout",
                               headers=dict(https, Cookie=pair, **{"X-CSRF-Token": r.json()["csrf_token"]}))
        self.assertEqual(out.status, 200, out)
        self.assertTrue(out.header("Set-Cookie").startswith("__Host-trygg_session=;"))


class Links(unittest.TestCase):
    """Host: attacker.example never reaches an answer."""

    HOST = {"Host": "attacker.example"}

    def answers(self, srv):
        """Every answer that carries an absolute link, asked for with a hostile Host header."""
        out = []
        out.append(srv.request("GET", "/api/v1/observations?limit=1", headers=self.HOST))
        out.append(srv.request("GET", "/api/v1/walks/NORRBY1", headers=self.HOST))
        out.append(srv.request("GET", "/walks.ics", headers=self.HOST))
        out.append(srv.post_observation(description="Host test"))
        c = staff(srv, "linkadmin", "admin")
        walks = c.get("/api/v1/walks", headers=self.HOST)
        self.assertEqual(walks.status, 200, walks)
        out.append(walks)
        wid = re.search(rb'"id":\s*(\d+)', walks.body).group(1).decode()
        out.append(c.get("/api/v1/walks/%s" % wid, headers=self.HOST))
        for r in out:
            self.assertLess(r.status, 300, r)
        return out

    def assert_no_attacker(self, answers):
        for r in answers:
            self.assertNotIn(b"attacker.example", r.body)
            for k, v in r.headers:
                self.assertNotIn("attacker.example", v, k)

    def test_without_public_base_url_links_name_the_listening_address(self):
        with TryggServer() as srv:
            answers = self.answers(srv)
            self.assert_no_attacker(answers)
            own = b"http://127.0.0.1:%d/" % srv.port
            self.assertIn(own, answers[0].body)  # links
            self.assertIn(own + b"w/NORRBY1", answers[1].body)  # join_url

    def test_with_public_base_url_links_name_it(self):
        with TryggServer(config_text="public_base_url = https://trygg.example.se/\n") as srv:
            answers = self.answers(srv)
            self.assert_no_attacker(answers)
            self.assertIn(b"https://trygg.example.se/api/v1/observations", answers[0].body)
            self.assertIn(b"https://trygg.example.se/w/NORRBY1", answers[1].body)
            self.assertNotIn(b"127.0.0.1", answers[0].body + answers[1].body)


class Configuration(unittest.TestCase):
    def test_a_bad_trusted_proxies_entry_stops_the_start(self):
        srv = TryggServer(seed=False, config_text="trusted_proxies = 127.0.0.1, proxy.example\n")
        try:
            p = srv.cli("migrate", check=False)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("trusted_proxies", p.stderr)
            self.assertIn("proxy.example", p.stderr)
        finally:
            srv.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
