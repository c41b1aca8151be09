"""A staff member's HTTP client: keeps the session cookie and the CSRF token."""
import http.client
import json

DEFAULT_PASSWORD = "correct horse battery staple"


def make_user(srv, username, role, unit=None, password=DEFAULT_PASSWORD):
    """Creates a user through the real command line (password on standard input)."""
    args = ["user", "add", "--username", username, "--role", role]
    if unit:
        args += ["--unit", unit]
    srv.cli(*args, input=password + "\n")
    return password


class StaffClient:
    def __init__(self, srv):
        self.srv = srv
        self.cookie = None
        self.csrf = None
        self.user = None

    def login(self, username, password=DEFAULT_PASSWORD, expect=200):
        r = self.request("POST", "/api/v1/auth/login", {"username": username, "password": password},
                         csrf=False)
        assert r.status == expect, r
        if r.status == 200:
            body = r.json()
            self.csrf = body["csrf_token"]
            self.user = body["user"]
        return r

    def request(self, method, path, body=None, csrf=True, headers=None):
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = self.cookie
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        r = self.srv.request(method, path, body, h)
        set_cookie = r.header("Set-Cookie")
        if set_cookie:
            pair = set_cookie.split(";", 1)[0]
            self.cookie = None if pair.endswith("=") else pair
        return r

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, body=None, csrf=True):
        if body is None:
            return self.request("POST", path, None, csrf=csrf)
        return self.request("POST", path, body, csrf=csrf)

    def put(self, path, body):
        return self.request("PUT", path, body)

    def delete(self, path):
        return self.request("DELETE", path)


def staff(srv, username, role, unit=None):
    """A logged-in StaffClient for a new user with role."""
    make_user(srv, username, role, unit)
    c = StaffClient(srv)
    c.login(username)
    return c
