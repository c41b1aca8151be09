"""A staff member's HTTP client for the HTTP tests: keeps the session cookie and the CSRF token.

    from staff_client import StaffClient, make_user, staff
    make_user(srv, "anna", "admin")                 # through `trygg user add`, password on stdin
    a = StaffClient(srv); a.login("anna")           # cookie + csrf_token kept
    a.get("/api/v1/users"); a.post(path, {...})     # writes send X-CSRF-Token ...
    a.post(path, {...}, csrf=False)                 # ... unless told not to
    t = staff(srv, "tove", "triage")                # make_user + login in one go

Python standard library only.
"""

DEFAULT_PASSWORD = "correct horse battery staple"


def make_user(srv, username, role, unit=None, password=DEFAULT_PASSWORD):
    """Creates a user through the real command line (password on standard input).

    unit is a units.code (required by the server for role "unit"). Returns the password.
    """
    args = ["user", "add", "--username", username, "--role", role]
    if unit:
        args += ["--unit", unit]
    srv.cli(*args, input=password + "\n")
    return password


class StaffClient:
    """One browser: a cookie jar of one cookie (the session) plus the CSRF token from the login."""

    def __init__(self, srv):
        self.srv = srv
        self.cookie = None  # "trygg_session=<hex>", as sent back in the Cookie header
        self.csrf = None
        self.user = None  # the "user" object of the last login / me

    def login(self, username, password=DEFAULT_PASSWORD, expect=200):
        """POST /api/v1/auth/login; asserts the status is expect and returns the Response."""
        r = self.request("POST", "/api/v1/auth/login", {"username": username, "password": password},
                         csrf=False)
        assert r.status == expect, (username, r)
        if r.status == 200:
            body = r.json()
            self.csrf = body["csrf_token"]
            self.user = body["user"]
        return r

    def logout(self):
        """POST /api/v1/auth/logout (with CSRF); forgets the token too."""
        r = self.request("POST", "/api/v1/auth/logout")
        self.csrf = None
        return r

    def request(self, method, path, body=None, csrf=True, headers=None):
        """Sends the cookie, and X-CSRF-Token on anything but GET/HEAD unless csrf is False.

        A Set-Cookie in the answer replaces (or, when emptied, clears) the kept cookie.
        """
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

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, body=None, csrf=True, headers=None):
        return self.request("POST", path, body, csrf=csrf, headers=headers)

    def put(self, path, body=None, csrf=True, headers=None):
        return self.request("PUT", path, body, csrf=csrf, headers=headers)

    def delete(self, path, csrf=True, headers=None):
        return self.request("DELETE", path, csrf=csrf, headers=headers)


def staff(srv, username, role, unit=None, password=DEFAULT_PASSWORD):
    """A logged-in StaffClient for a new user with role (and unit code for role "unit")."""
    make_user(srv, username, role, unit, password)
    c = StaffClient(srv)
    c.login(username, password)
    return c
