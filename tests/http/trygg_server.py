"""Starts the real trygg binary on a free port with a fresh database, for HTTP tests.

Python standard library only. The binary comes from $TRYGG_BIN (set by CTest).
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

BIN = os.environ.get("TRYGG_BIN", os.path.join(os.path.dirname(__file__), "../../build/trygg"))
SOURCE_DIR = os.environ.get("TRYGG_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../.."))

TEST_PASSWORD_COST = "password_hash_memory_kib = 256\npassword_hash_iterations = 1\n"
# The per-address limits on public writes (issue 9) would stop tests that file
# hundreds of reports from 127.0.0.1; tests/http/test_abuse.py proves them with
# its own low values. A test's own configuration comes after and wins.
TEST_GENEROUS_LIMITS = ("rate_observations_per_minute = 1000000\nrate_supports_per_minute = 1000000\n"
                        "rate_photos_per_minute = 1000000\nsupports_per_address_max = 1000000\n")

# A point inside central Borås (and inside the demo area "Centrum").
BORAS = (12.9401, 57.7210)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def new_client_id():
    return str(uuid.uuid4())


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def __repr__(self):
        return "<%d %r>" % (self.status, self.body[:300])


RESPONSE_LOG = os.environ.get("TRYGG_RESPONSE_LOG")


def record_response(method, path, r):
    """Appends the answer to $TRYGG_RESPONSE_LOG (JSON lines), so that contract.openapi can
    check every response the HTTP tests saw against the OpenAPI document."""
    if not RESPONSE_LOG:
        return
    ctype = (r.header("Content-Type") or "").split(";")[0].strip()
    if not (ctype.endswith("json")) or len(r.body) > 2_000_000:
        return
    try:
        body = json.loads(r.body)
    except ValueError:
        body = None
    line = json.dumps({"method": method, "path": path.split("?")[0], "status": r.status,
                       "type": ctype, "body": body})
    with open(RESPONSE_LOG, "a") as f:
        f.write(line + "\n")


class TryggServer:
    """A trygg process with its own temporary folder (database, files, log)."""

    def __init__(self, seed=True, env=None, extra_args=(), config_text=None):
        self.tmp = tempfile.mkdtemp(prefix="trygg-http-")
        self.db = os.path.join(self.tmp, "trygg.db")
        self.data_dir = os.path.join(self.tmp, "files")
        self.port = free_port()
        self.log_path = os.path.join(self.tmp, "server.log")
        self.env = dict(os.environ)
        self.env["TRYGG_DATA_DIR"] = self.data_dir
        self.env.pop("TRYGG_CONFIG", None)
        # Staff passwords are hashed at a low argon2 cost in tests so that they run
        # fast; the production default (19456 KiB, 2 passes) is checked in
        # tests/unit/test_accounts.c. A test's own configuration comes after and wins.
        cfg = os.path.join(self.tmp, "trygg.conf")
        with open(cfg, "w") as f:
            f.write(TEST_PASSWORD_COST)
            f.write(TEST_GENEROUS_LIMITS)
            if config_text is not None:
                f.write(config_text)
        self.env["TRYGG_CONFIG"] = cfg
        self.env.update(env or {})
        self.seed = seed
        self.extra_args = list(extra_args)
        self.proc = None
        self.upload_tokens = {}  # observation id -> the upload_token its filing answered

    def cli(self, *args, input=None, check=True):
        """Runs a trygg command against this server's database; returns CompletedProcess."""
        cmd = [BIN] + list(args)
        if "--db" not in args:
            cmd += ["--db", self.db]
        p = subprocess.run(cmd, env=self.env, input=input, capture_output=True, text=True,
                           timeout=120)
        if check and p.returncode != 0:
            raise AssertionError("%s failed (%d): %s %s" % (cmd, p.returncode, p.stdout, p.stderr))
        return p

    def start(self):
        if self.seed:
            self.cli("seed-demo")
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--listen", "127.0.0.1:%d" % self.port, "--db", self.db]
            + self.extra_args,
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("server exited early: " + self.read_log())
            try:
                if self.request("GET", "/healthz").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("server did not answer /healthz: " + self.read_log())

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()
            self.log = None
        return self.proc.returncode if self.proc else None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        rc = self.stop()
        log = self.read_log()
        shutil.rmtree(self.tmp, ignore_errors=True)
        # A sanitizer report or a crash fails the test that ran the server.
        if "ERROR: AddressSanitizer" in log or "runtime error:" in log or "LeakSanitizer" in log:
            raise AssertionError("sanitizer report in server log:\n" + log[-6000:])
        if rc not in (0, None, -signal.SIGTERM) and exc[0] is None:
            raise AssertionError("server exited with %r:\n%s" % (rc, log[-4000:]))
        return False

    def read_log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def request(self, method, path, body=None, headers=None, timeout=30, source=None):
        """One request on a new connection; source is the client's address (any of
        127.0.0.0/8 on Linux), so tests can be several clients."""
        h = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            body = body.encode()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                          source_address=(source, 0) if source else None)
        try:
            conn.request(method, path, body=body, headers=h)
            resp = conn.getresponse()
            r = Response(resp.status, resp.getheaders(), resp.read())
            record_response(method, path, r)
        finally:
            conn.close()
        if method == "POST" and r.status in (200, 201) and path.rstrip("/").endswith("/observations"):
            try:
                o = r.json()
                if o.get("upload_token"):
                    self.upload_tokens[o["id"]] = o["upload_token"]
            except (ValueError, AttributeError):
                pass
        return r

    def photo_headers(self, oid, ctype="image/jpeg", **extra):
        """Headers for a photo upload to observation oid: its type and the upload token
        its filing answered with."""
        h = {"Content-Type": ctype}
        if oid in self.upload_tokens:
            h["X-Upload-Token"] = self.upload_tokens[oid]
        h.update(extra)
        return h

    def raw(self, data, timeout=10):
        """Sends raw bytes on a new connection and returns everything read back."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            s.sendall(data)
            chunks = []
            try:
                while True:
                    b = s.recv(65536)
                    if not b:
                        break
                    chunks.append(b)
            except socket.timeout:
                pass
            return b"".join(chunks)

    def post_observation(self, **fields):
        body = {
            "client_id": new_client_id(),
            "category": "lighting",
            "lon": BORAS[0],
            "lat": BORAS[1],
            "accuracy_m": 8,
            "observed_at": "2026-11-24T18:30:00Z",
        }
        body.update(fields)
        body = {k: v for k, v in body.items() if v is not None}
        return self.request("POST", "/api/v1/observations", body)
