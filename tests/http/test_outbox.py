"""Hand-off to the units' systems (issue 3): a durable outbox, signed webhooks, SMTP, retries."""
import base64
import hashlib
import hmac
import http.server
import json
import os
import signal
import socketserver
import sqlite3
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from staff_client import staff  # noqa: E402
from trygg_server import TryggServer, free_port  # noqa: E402

SECRET = "unit-webhook-secret-42"


class Receiver:
    """A unit's work-order system: fails the first `fail_first` deliveries with HTTP 500."""

    def __init__(self, fail_first=0):
        self.fail_first = fail_first
        self.attempts = 0
        self.accepted = []
        self.bad_signatures = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.attempts += 1
                ts = self.headers["X-Trygg-Timestamp"]
                want = "sha256=" + hmac.new(SECRET.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(want, self.headers.get("X-Trygg-Signature", "")):
                    outer.bad_signatures += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                if outer.attempts <= outer.fail_first:
                    self.send_response(500)
                    self.end_headers()
                    return
                outer.accepted.append((self.headers["X-Trygg-Delivery"], json.loads(body), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *a):
                pass

        self.port = free_port()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self):
        return "http://127.0.0.1:%d/work-orders" % self.port

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class SmtpSink:
    """Just enough SMTP to accept mail: EHLO/HELO, MAIL, RCPT, DATA, QUIT."""

    def __init__(self):
        self.messages = []
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"220 sink ready\r\n")
                rcpt, data = [], None
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    cmd = line.strip().upper()
                    if cmd.startswith(b"EHLO") or cmd.startswith(b"HELO"):
                        self.wfile.write(b"250 sink\r\n")
                    elif cmd.startswith(b"MAIL FROM"):
                        rcpt = []  # a new message on a reused connection
                        self.wfile.write(b"250 ok\r\n")
                    elif cmd.startswith(b"RCPT TO"):
                        rcpt.append(line.strip()[8:].decode())
                        self.wfile.write(b"250 ok\r\n")
                    elif cmd == b"DATA":
                        self.wfile.write(b"354 go on\r\n")
                        chunks = []
                        while True:
                            l = self.rfile.readline()
                            if l in (b".\r\n", b".\n", b""):
                                break
                            chunks.append(l)
                        data = b"".join(chunks)
                        outer.messages.append((rcpt[:], data))
                        self.wfile.write(b"250 queued\r\n")
                    elif cmd == b"QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 ok\r\n")

        self.port = free_port()
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


FAST = "outbox_base_delay_ms = 100\noutbox_max_delay_ms = 400\noutbox_poll_ms = 50\noutbox_max_attempts = 4\n"


def wait_for(pred, timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


def setup_unit(admin, code, url=None, email=None):
    units = {u["code"]: u["id"] for u in admin.get("/api/v1/units").json()["units"]}
    body = {"webhook_secret": SECRET}
    if url:
        body["webhook_url"] = url
    if email:
        body["email"] = email
    r = admin.put("/api/v1/units/%d" % units[code], body)
    assert r.status == 200, r
    assert "webhook_secret" not in r.json() and r.json()["has_webhook_secret"] is True
    return units[code]


def outbox_rows(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT id, state, attempts, last_error FROM outbox ORDER BY id").fetchall()
    finally:
        con.close()


class Webhooks(unittest.TestCase):
    def test_failed_deliveries_retry_with_backoff_and_arrive_once_signed_without_contact_details(self):
        rx = Receiver(fail_first=2)
        try:
            with TryggServer(config_text=FAST) as srv:
                admin = staff(srv, "admin", "admin")
                setup_unit(admin, "street_lighting", url=rx.url)
                r = srv.post_observation(category="lighting", description="Trasig lampa",
                                         reporter={"name": "Privat Person", "email": "privat@example.se",
                                                   "phone": "0701112233"})
                cid = r.json()["id"]
                self.assertTrue(wait_for(lambda: len(rx.accepted) == 1), (rx.attempts, outbox_rows(srv.db)))
                time.sleep(0.5)
                self.assertEqual(len(rx.accepted), 1)
                self.assertEqual(rx.attempts, 3)
                self.assertEqual(rx.bad_signatures, 0)
                delivery, payload, raw = rx.accepted[0]
                self.assertEqual(payload["event"], "case.assigned")
                self.assertEqual(payload["case"]["id"], cid)
                self.assertEqual(payload["unit"]["code"], "street_lighting")
                for secret in (b"Privat", b"privat@", b"0701112233", b"reporter"):
                    self.assertNotIn(secret, raw)
                rows = outbox_rows(srv.db)
                self.assertEqual([(r[1], r[2]) for r in rows], [("sent", 3)])
                self.assertEqual(str(rows[0][0]), delivery)
                hist = admin.get("/api/v1/cases/%d" % cid).json()["history"]
                self.assertIn("notified", [e["kind"] for e in hist])
        finally:
            rx.close()

    def test_a_message_that_keeps_failing_goes_dead_is_shown_and_can_be_retried(self):
        rx = Receiver(fail_first=10 ** 6)
        try:
            with TryggServer(config_text=FAST) as srv:
                admin = staff(srv, "admin", "admin")
                triage = staff(srv, "tri", "triage")
                setup_unit(admin, "cleaning", url=rx.url)
                srv.post_observation(category="litter")
                self.assertTrue(wait_for(lambda: outbox_rows(srv.db)[0][1] == "dead"), outbox_rows(srv.db))
                self.assertEqual(rx.attempts, 4)  # outbox_max_attempts
                dead = triage.get("/api/v1/outbox?state=dead").json()["messages"]
                self.assertEqual(len(dead), 1)
                self.assertEqual(dead[0]["last_error"], "HTTP 500")
                rx.fail_first = 0
                self.assertEqual(triage.post("/api/v1/outbox/%d/retry" % dead[0]["id"]).status, 200)
                self.assertTrue(wait_for(lambda: len(rx.accepted) == 1))
                self.assertTrue(wait_for(lambda: outbox_rows(srv.db)[0][1] == "sent"))  # recorded after the 2xx
                self.assertEqual(triage.post("/api/v1/outbox/%d/retry" % dead[0]["id"]).status, 404)
                self.assertEqual(staff(srv, "parkunit", "unit", unit="parks").get("/api/v1/outbox").status, 403)
        finally:
            rx.close()

    def test_nothing_queued_is_lost_when_the_server_is_stopped_or_killed(self):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with self.subTest(signal=sig):
                srv = TryggServer(config_text=FAST + "outbox_base_delay_ms = 60000\n")
                try:
                    srv.start()
                    admin = staff(srv, "admin", "admin")
                    port = free_port()
                    url = "http://127.0.0.1:%d/work-orders" % port  # nobody listens yet
                    setup_unit(admin, "parks", url=url)
                    srv.post_observation(category="vegetation")
                    self.assertTrue(wait_for(lambda: outbox_rows(srv.db) and outbox_rows(srv.db)[0][2] >= 1))
                    srv.stop(sig)
                    self.assertEqual(outbox_rows(srv.db)[0][1], "pending")
                    rx = Receiver()
                    try:
                        con = sqlite3.connect(srv.db)
                        # The receiver came up on another port; point the unit there, and make the
                        # retry due now rather than in a minute.
                        con.execute("UPDATE units SET webhook_url = ? WHERE code = 'parks'", (rx.url,))
                        con.execute("UPDATE outbox SET target = ?, next_attempt_at = 0", (rx.url,))
                        con.commit()
                        con.close()
                        srv.seed = False
                        srv.start()
                        self.assertTrue(wait_for(lambda: len(rx.accepted) == 1))
                        self.assertTrue(wait_for(lambda: outbox_rows(srv.db)[0][1] == "sent"))  # recorded after the 2xx
                    finally:
                        rx.close()
                finally:
                    srv.cleanup()


class Email(unittest.TestCase):
    def test_assignment_e_mail_reaches_the_smtp_server(self):
        sink = SmtpSink()
        try:
            cfg = FAST + "smtp_url = smtp://127.0.0.1:%d\nsmtp_from = trygg@boras.example\n" % sink.port
            with TryggServer(config_text=cfg) as srv:
                admin = staff(srv, "admin", "admin")
                setup_unit(admin, "streets_traffic", email="trafik@boras.example")
                r = srv.post_observation(category="traffic", reporter={"email": "hemlig@example.se"})
                cid = r.json()["id"]
                # The demo units have addresses too: their cases' mails arrive as well.
                mine = lambda: [m for m in sink.messages if m[0] == ["<trafik@boras.example>"]]
                self.assertTrue(wait_for(lambda: len(mine()) == 1), outbox_rows(srv.db))
                rcpt, data = mine()[0]
                self.assertIn(b"Subject: =?UTF-8?B?", data)
                subject = base64.b64decode(data.split(b"=?UTF-8?B?")[1].split(b"?=")[0]).decode()
                self.assertEqual(subject, "Nytt ärende #%d / New case #%d" % (cid, cid))
                self.assertNotIn(b"hemlig", data)
                self.assertTrue(all(row[1] == "sent" for row in outbox_rows(srv.db)))
        finally:
            sink.close()


class WalkParticipants(unittest.TestCase):
    def test_participants_who_left_an_address_hear_that_the_protocol_is_ready(self):
        sink = SmtpSink()
        try:
            cfg = FAST + "smtp_url = smtp://127.0.0.1:%d\nsmtp_from = trygg@boras.example\n" % sink.port
            with TryggServer(config_text=cfg) as srv:
                olle = staff(srv, "olle", "organiser")
                w = olle.post("/api/v1/walks", {"title": "Kvällsvandring", "area": "norrby",
                                                "starts_at": "2026-12-03T17:00:00Z"}).json()
                for body in ({"participant_id": "0b8f3e0c-5d3c-4f6e-9a71-2f1c3b9d8e11",
                              "email": "deltagare@example.se"},
                             {"participant_id": "0b8f3e0c-5d3c-4f6e-9a71-2f1c3b9d8e12"}):
                    self.assertIn(srv.request("POST", "/api/v1/walks/%s/join" % w["code"], body).status,
                                  (200, 201))
                r = olle.post("/api/v1/walks/%d/publish" % w["id"])
                self.assertEqual(r.json()["emails_queued"], 1)
                mine = lambda: [m for m in sink.messages if m[0] == ["<deltagare@example.se>"]]
                self.assertTrue(wait_for(lambda: len(mine()) == 1), outbox_rows(srv.db))
                data = mine()[0][1]
                self.assertIn(("/walks/" + w["code"]).encode(), data)
                self.assertIn("Kvällsvandring".encode(), data)
        finally:
            sink.close()


class Inbound(unittest.TestCase):
    def test_a_units_system_reports_back_with_its_token(self):
        with TryggServer() as srv:
            token = srv.cli("unit", "token", "street_lighting").stdout.strip()
            self.assertRegex(token, r"^[0-9a-f]{64}$")
            cid = srv.post_observation(category="lighting").json()["id"]
            veg = srv.post_observation(category="vegetation").json()["id"]
            url = "/api/v1/units/street_lighting/updates"
            auth = {"Authorization": "Bearer " + token}
            ok = srv.request("POST", url, {"case_id": cid, "state": "in_progress", "comment": "Arbetsorder 77",
                                            "external_ref": "WO-77"}, auth)
            self.assertEqual(ok.status, 200, ok)
            self.assertEqual(srv.request("GET", "/api/v1/observations/%d" % cid).json()["status"], "in_progress")
            self.assertEqual(srv.request("POST", url, {"case_id": cid, "state": "in_progress"}, auth).status, 409)
            self.assertEqual(srv.request("POST", url, {"case_id": veg, "state": "resolved"}, auth).status, 404)
            self.assertEqual(srv.request("POST", url, {"case_id": cid, "state": "resolved"}).status, 401)
            self.assertEqual(srv.request("POST", url, {"case_id": cid}, {"Authorization": "Bearer " + "0" * 64}).status, 401)
            self.assertEqual(srv.request("POST", "/api/v1/units/parks/updates", {"case_id": cid}, auth).status, 401)
            admin = staff(srv, "admin", "admin")
            hist = admin.get("/api/v1/cases/%d" % cid).json()["history"]
            ext = [e for e in hist if e["actor"] == "unit:street_lighting"]
            self.assertTrue(any(e["kind"] == "state" and e["to"] == "in_progress" for e in ext))
            self.assertTrue(any("WO-77" in (e["comment"] or "") for e in ext))


if __name__ == "__main__":
    unittest.main(verbosity=2)
