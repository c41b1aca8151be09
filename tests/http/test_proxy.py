"""The deployment a municipality runs: Debian's nginx with TLS in front of trygg.

Starts trygg on a free port, then nginx as an unprivileged process with the
configuration of doc/nginx/trygg.conf (ports, certificate and paths replaced;
every replacement must match, so the test always runs the documented file) and a
self-signed certificate made by openssl, and proves through real sockets what the
proxy is there for. Python standard library only.

Needs nginx and openssl (.ci/setup --with-browser installs both). Without them it
exits 77, which CTest reports as skipped; with CI set in the environment it fails.
"""
import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from trygg_server import SOURCE_DIR, TryggServer, free_port, new_client_id, BORAS  # noqa: E402
from staff_client import DEFAULT_PASSWORD, make_user  # noqa: E402

DOC_CONF = os.path.join(SOURCE_DIR, "doc", "nginx", "trygg.conf")
MAP_QUERY = "/api/v1/map/clusters?bbox=12.85,57.68,13.05,57.76&zoom=14"


def derive_config(doc, tmp, https_port, http_port, trygg_port, cert, key):
    """doc/nginx/trygg.conf with this test's ports and files, inside a minimal nginx.conf."""
    replacements = [
        (r"listen 443 ssl http2;", "listen 127.0.0.1:%d ssl http2;" % https_port),
        (r"listen \[::\]:443 ssl http2;", ""),
        (r"listen 80;", "listen 127.0.0.1:%d;" % http_port),
        (r"listen \[::\]:80;", ""),
        (r"ssl_certificate /etc/letsencrypt/\S+;", "ssl_certificate %s;" % cert),
        (r"ssl_certificate_key /etc/letsencrypt/\S+;", "ssl_certificate_key %s;" % key),
        (r"server 127\.0\.0\.1:8080;", "server 127.0.0.1:%d;" % trygg_port),
        (r"proxy_cache_path /var/cache/nginx/trygg ", "proxy_cache_path %s/cache " % tmp),
        (r"root /var/www/letsencrypt;", "root %s/acme;" % tmp),
        (r"access_log /var/log/nginx/trygg\.access\.log;", "access_log %s/access.log;" % tmp),
        (r"error_log /var/log/nginx/trygg\.error\.log;", "error_log %s/error.log info;" % tmp),
    ]
    for pattern, repl in replacements:
        doc, n = re.subn(pattern, lambda m: repl, doc)
        if n == 0:
            raise AssertionError("doc/nginx/trygg.conf no longer contains %r: update this test" % pattern)
    temp_paths = "\n".join("    %s_temp_path %s/tmp/%s;" % (k, tmp, k)
                           for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return ("worker_processes 1;\npid %s/nginx.pid;\nerror_log %s/error.log info;\n"
            "events { worker_connections 512; }\n"
            "http {\n%s\n    access_log %s/access.log;\n%s\n}\n" % (tmp, tmp, temp_paths, tmp, doc))


class Nginx:
    """nginx -p DIR -c DIR/nginx.conf -g 'daemon off;' in front of a TryggServer."""

    def __init__(self, trygg_port):
        self.tmp = tempfile.mkdtemp(prefix="trygg-nginx-")
        # Workers drop root privileges (to nobody) when the test runs as root.
        os.chmod(self.tmp, 0o755)
        for d in ("cache", "acme", "tmp"):
            os.makedirs(os.path.join(self.tmp, d))
        self.https_port, self.http_port = free_port(), free_port()
        self.cert = os.path.join(self.tmp, "cert.pem")
        self.key = os.path.join(self.tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                        "-keyout", self.key, "-out", self.cert],
                       check=True, capture_output=True, timeout=60)
        with open(DOC_CONF) as f:
            conf = derive_config(f.read(), self.tmp, self.https_port, self.http_port, trygg_port,
                                 self.cert, self.key)
        self.conf = os.path.join(self.tmp, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        self.cmd = ["nginx", "-p", self.tmp, "-c", self.conf, "-e", os.path.join(self.tmp, "error.log")]
        self.proc = None

    def start(self):
        t = subprocess.run(self.cmd + ["-t"], capture_output=True, text=True, timeout=30)
        if t.returncode != 0:
            raise AssertionError("nginx -t refused the derived configuration:\n" + t.stderr)
        self.proc = subprocess.Popen(self.cmd + ["-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("nginx exited: " + self.log("error.log"))
            try:
                with socket.create_connection(("127.0.0.1", self.https_port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError("nginx did not listen: " + self.log("error.log"))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful: finish what is in progress
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def log(self, name):
        try:
            with open(os.path.join(self.tmp, name), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def tls_context(self):
        ctx = ssl.create_default_context(cafile=self.cert)
        ctx.check_hostname = True
        return ctx

    def request(self, method, path, body=None, headers=None, timeout=10):
        """One HTTPS request through nginx (verifying its certificate for localhost)."""
        conn = http.client.HTTPSConnection("127.0.0.1", self.https_port, timeout=timeout,
                                           context=self.tls_context())
        h = dict(headers or {})
        try:
            conn.request(method, path, body=body, headers=h)
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def raw_tls(self, data, timeout=10):
        """Sends raw bytes over TLS on a new connection; returns (the first answer, read
        up to its Content-Length or the close, seconds until its first byte)."""
        t0 = time.monotonic()
        first = None
        with socket.create_connection(("127.0.0.1", self.https_port), timeout=timeout) as s:
            with self.tls_context().wrap_socket(s, server_hostname="localhost") as t:
                try:
                    t.sendall(data)
                except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                    pass  # the server answered and closed early: read what it said
                chunks = []
                try:
                    while True:
                        b = t.recv(65536)
                        if not b:
                            break
                        if first is None:
                            first = time.monotonic() - t0
                        chunks.append(b)
                        got = b"".join(chunks)
                        end = got.find(b"\r\n\r\n")
                        m = re.search(rb"(?im)^content-length:\s*(\d+)", got[:end])
                        if end >= 0 and m and len(got) >= end + 4 + int(m.group(1)):
                            break  # complete: do not wait for nginx's lingering close
                except (socket.timeout, ssl.SSLError, ConnectionResetError):
                    pass
                return b"".join(chunks), first


class Proxy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # As doc/nginx/trygg.conf says to configure trygg behind it (and every
        # access-log line, which test_map_clusters_are_cached_briefly counts).
        cls.srv = TryggServer(config_text="trusted_proxies = 127.0.0.1, ::1\naccess_log = all\n"
                                          "access_log_max_per_second = 0\n").start()
        try:
            cls.nginx = Nginx(cls.srv.port).start()
        except Exception:
            cls.srv.__exit__(None, None, None)
            raise

    @classmethod
    def tearDownClass(cls):
        cls.nginx.stop()
        cls.srv.__exit__(None, None, None)

    def trygg_log_lines(self, needle):
        return [line for line in self.srv.read_log().splitlines() if needle in line]

    def test_healthz_over_https_and_http_redirects(self):
        status, headers, body = self.nginx.request("GET", "/healthz")
        self.assertEqual(status, 200, body)
        self.assertIn("max-age=", headers.get("strict-transport-security", ""))
        self.assertNotIn("nginx/", headers.get("server", ""))  # server_tokens off
        conn = http.client.HTTPConnection("127.0.0.1", self.nginx.http_port, timeout=10)
        conn.request("GET", "/healthz", headers={"Host": "trygg.example.se"})
        r = conn.getresponse()
        self.assertEqual(r.status, 301)
        self.assertEqual(r.getheader("Location"), "https://trygg.example.se/healthz")
        conn.close()

    def test_observation_posted_and_read_through_nginx(self):
        body = ('{"client_id":"%s","category":"lighting","lon":%f,"lat":%f,"accuracy_m":8,'
                '"observed_at":"2026-11-24T18:30:00Z","description":"via nginx"}'
                % (new_client_id(), BORAS[0], BORAS[1]))
        status, _, answer = self.nginx.request("POST", "/api/v1/observations", body=body.encode(),
                                               headers={"Content-Type": "application/json"})
        self.assertEqual(status, 201, answer)
        oid = re.search(rb'"id":\s*(\d+)', answer).group(1).decode()
        status, _, got = self.nginx.request("GET", "/api/v1/observations/" + oid)
        self.assertEqual(status, 200)
        self.assertIn(b"via nginx", got)

    def test_idle_connections_do_not_stop_a_new_client(self):
        # 32 idle TCP connections (twice trygg's worker threads), half of them past the
        # TLS handshake: nginx holds them, trygg never sees them.
        idle = []
        try:
            for i in range(32):
                s = socket.create_connection(("127.0.0.1", self.nginx.https_port), timeout=5)
                if i % 2:
                    s = self.nginx.tls_context().wrap_socket(s, server_hostname="localhost")
                idle.append(s)
            time.sleep(0.3)
            t0 = time.monotonic()
            status, _, _ = self.nginx.request("GET", "/healthz", timeout=2)
            elapsed = time.monotonic() - t0
            self.assertEqual(status, 200)
            self.assertLess(elapsed, 2.0)
            print("healthz through nginx with 32 idle connections open: %.0f ms" % (elapsed * 1000))
        finally:
            for s in idle:
                s.close()

    def test_body_over_the_limit_is_refused_by_nginx_alone(self):
        # A photo upload declaring 15 MiB + 1 byte: 413 from nginx, before the body is
        # read, and no line in trygg's access log for this (unique) path.
        path = "/api/v1/observations/987654321/photos"
        head = ("POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/jpeg\r\n"
                "Content-Length: %d\r\n\r\n" % (path, 15 * 1024 * 1024 + 1)).encode()
        raw, first = self.nginx.raw_tls(head + b"\xff\xd8\xff" + b"\0" * 4096)
        self.assertTrue(raw.startswith(b"HTTP/1.1 413"), raw[:200])
        self.assertIn(b'"code":"body_too_large"', raw)
        self.assertLess(first, 2)
        # A chunked body that grows past the limit is cut off the same way.
        chunk = b"\0" * (1024 * 1024)
        head = ("POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/jpeg\r\n"
                "Transfer-Encoding: chunked\r\n\r\n" % path).encode()
        body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(16)) + b"0\r\n\r\n"
        raw, _ = self.nginx.raw_tls(head + body)
        self.assertTrue(raw.startswith(b"HTTP/1.1 413"), raw[:200])
        time.sleep(0.2)
        self.assertEqual(self.trygg_log_lines("987654321"), [])
        self.assertIn('"POST %s HTTP/1.1" 413' % path, self.nginx.log("access.log"))

    def test_a_login_over_https_gets_a_secure_host_prefixed_cookie(self):
        # nginx terminates TLS and says so in X-Forwarded-Proto; trygg trusts it.
        make_user(self.srv, "proxied", "triage")
        body = b'{"username":"proxied","password":"%s"}' % DEFAULT_PASSWORD.encode()
        status, headers, answer = self.nginx.request("POST", "/api/v1/auth/login", body=body,
                                                     headers={"Content-Type": "application/json"})
        self.assertEqual(status, 200, answer)
        cookie = headers.get("set-cookie", "")
        self.assertTrue(cookie.startswith("__Host-trygg_session="), cookie)
        self.assertIn("; Secure", cookie)
        time.sleep(0.3)  # trygg writes the line just after the answer
        self.assertTrue(self.trygg_log_lines(" 127.0.0.1 POST /api/v1/auth/login 200 "))

    def test_map_clusters_are_cached_briefly(self):
        status, h1, b1 = self.nginx.request("GET", MAP_QUERY)
        self.assertEqual(status, 200, b1)
        status, h2, b2 = self.nginx.request("GET", MAP_QUERY)
        self.assertEqual(status, 200)
        self.assertEqual(h1.get("x-cache-status"), "MISS")
        self.assertEqual(h2.get("x-cache-status"), "HIT")
        self.assertEqual(b1, b2)
        self.assertEqual(len(self.trygg_log_lines("GET /api/v1/map/clusters 200")), 1)

    def test_writes_are_rate_limited_per_address(self):
        # 40 quick writes from one address: the burst of 20 passes, then 429 with
        # Retry-After, answered by nginx in trygg's error format. (Invalid bodies: the
        # limit acts before trygg, whatever the request.)
        statuses = []
        retry = None
        for _ in range(40):
            status, headers, body = self.nginx.request("POST", "/api/v1/observations", body=b"{}",
                                                       headers={"Content-Type": "application/json"})
            statuses.append(status)
            if status == 429:
                retry = headers.get("retry-after")
                self.assertIn(b'"code":"rate_limited"', body)
        self.assertIn(429, statuses)
        # About 20 pass (the burst, and 2 a second refill; an earlier test's write may
        # still be counted): trygg refuses those ({} is no observation).
        self.assertTrue(15 <= statuses.count(422) <= 30, statuses)
        self.assertEqual(retry, "10")
        # Reads are not limited.
        self.assertEqual(self.nginx.request("GET", "/healthz")[0], 200)


def prerequisites_missing():
    return [tool for tool in ("nginx", "openssl") if shutil.which(tool) is None and
            not os.path.exists(os.path.join("/usr/sbin", tool))]


if __name__ == "__main__":
    missing = prerequisites_missing()
    if missing:
        msg = "test_proxy: %s not installed (.ci/setup --with-browser installs them)" % ", ".join(missing)
        if os.environ.get("CI"):
            print(msg + "; failing because CI is set", file=sys.stderr)
            sys.exit(1)
        print("SKIPPED: " + msg)
        sys.exit(77)  # CTest: SKIP_RETURN_CODE
    os.environ["PATH"] = os.environ.get("PATH", "") + ":/usr/sbin"
    unittest.main(verbosity=2)
