"""Optional follow-up by e-mail (issue 10): a reporter who left an address can ask to hear
when the public status changes; the mails go through the outbox, in the report's language,
with public information only and an unsubscribe link that works once."""
import base64
import json
import os
import re
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import test_outbox as mail  # noqa: E402  (its SmtpSink; its tests are not collected here)
from staff_client import staff  # noqa: E402
from trygg_server import TryggServer  # noqa: E402

ADDRESS = "följare@example.se"
TOKEN_RE = re.compile(rb"/unsubscribe\?token=([0-9a-f]{64})")


def sql(srv, statement, args=()):
    con = sqlite3.connect(srv.db)
    try:
        return con.execute(statement, args).fetchall()
    finally:
        con.close()


def follow_up_rows(srv, oid):
    return sql(srv, "SELECT id, state, target, payload, last_error FROM outbox WHERE kind = "
                    "'follow_up_email' AND case_id = ? ORDER BY id", (oid,))


def subject_of(data):
    return base64.b64decode(data.split(b"=?UTF-8?B?")[1].split(b"?=")[0]).decode()


class FollowUp(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sink = mail.SmtpSink()
        cfg = mail.FAST + ("smtp_url = smtp://127.0.0.1:%d\nsmtp_from = trygg@boras.example\n"
                           "public_base_url = https://trygg.boras.example\n" % cls.sink.port)
        cls.srv = TryggServer(config_text=cfg).start()
        cls.triage = staff(cls.srv, "tove", "triage")

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)
        cls.sink.close()

    def file(self, email=ADDRESS, **kw):
        kw.setdefault("category", "graffiti")
        if email:
            kw["reporter"] = {"name": "Fia Följare", "email": email, "phone": "+46705550101"}
        r = self.srv.post_observation(**kw)
        self.assertEqual(r.status, 201, r)
        return r.json()["id"]

    def state(self, cid, to, **kw):
        body = {"state": to}
        body.update(kw)
        r = self.triage.post("/api/v1/cases/%d/state" % cid, body)
        self.assertEqual(r.status, 200, r)
        return r

    NEXT = {"new": "acknowledged", "acknowledged": "rejected", "assigned": "in_progress",
            "in_progress": "resolved", "resolved": "acknowledged", "rejected": "acknowledged"}

    def status(self, oid):
        return self.srv.request("GET", "/api/v1/observations/%d" % oid).json()["status"]

    def advance(self, oid, **kw):
        """Moves case oid on to another state (whatever the routing made it); returns it."""
        to = self.NEXT[self.status(oid)]
        self.state(oid, to, reason="other", **kw)
        self.assertEqual(self.status(oid), to)
        return to

    def mails_to(self, address, oid):
        """The follow-up mails about report oid that reached address."""
        want = ("<%s>" % address)
        return [m[1] for m in self.sink.messages
                if m[0] == [want] and b"/r/%d\r\n" % oid in m[1]]

    def wait_mails(self, address, oid, n):
        self.assertTrue(mail.wait_for(lambda: len(self.mails_to(address, oid)) >= n),
                        follow_up_rows(self.srv, oid))
        got = self.mails_to(address, oid)
        self.assertEqual(len(got), n, got)
        return got

    # ---- subscribing ---------------------------------------------------------------

    def test_a_status_change_sends_one_mail_in_the_reports_language_with_public_facts_only(self):
        oid = self.file(follow_up=True, lang="en")
        # The routing at filing is what the filer's answer already shows: no mail for it.
        self.assertEqual(follow_up_rows(self.srv, oid), [])
        self.triage.post("/api/v1/cases/%d/comment" % oid, {"comment": "INTERN: ring Fia", "public": False})
        now = self.advance(oid, comment="Klottret är borttvättat.", public=True)
        rows = follow_up_rows(self.srv, oid)
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual(rows[0][2], ADDRESS)
        self.assertNotIn("INTERN", rows[0][3])
        data = self.wait_mails(ADDRESS, oid, 1)[0]
        status_words = {"acknowledged": "Received", "rejected": "Closed without action",
                        "in_progress": "Being fixed", "resolved": "Fixed"}[now]
        self.assertEqual(subject_of(data), "Your report #%d: %s" % (oid, status_words))
        text = data.decode()
        self.assertIn("New status: " + status_words, text)
        self.assertIn("Klottret är borttvättat.", text)
        self.assertIn("https://trygg.boras.example/r/%d\r\n" % oid, text)
        self.assertNotIn("INTERN", text)
        self.assertNotIn("+46705550101", text)
        self.assertNotIn("Fia", text)
        token = TOKEN_RE.search(data).group(1).decode()
        self.assertIn("\r\nList-Unsubscribe: <https://trygg.boras.example/unsubscribe?token=%s>\r\n" % token, text)
        self.assertIn("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n", text)
        self.assertIn("\r\nContent-Language: en\r\n", text)
        # Only the hash of the token is stored.
        self.assertEqual(sql(self.srv, "SELECT count(*) FROM follow_up_tokens WHERE token_hash = ?", (token,)),
                         [(0,)])
        self.assertEqual(len(sql(self.srv, "SELECT token_hash FROM follow_up_tokens WHERE observation_id = ?",
                                 (oid,))), 1)
        self.assertTrue(mail.wait_for(lambda: follow_up_rows(self.srv, oid)[0][1] == "sent"))

    def test_swedish_is_the_default_language_and_each_change_is_one_mail(self):
        address = "svensk@example.se"
        oid = self.file(email=address, follow_up=True)
        self.advance(oid)
        first = self.wait_mails(address, oid, 1)[0]
        self.assertTrue(subject_of(first).startswith("Din rapport #%d: " % oid), subject_of(first))
        self.assertIn("Ny status: ".encode(), first)
        self.assertIn(b"Content-Language: sv", first)
        # A comment without a status change is no status change.
        self.triage.post("/api/v1/cases/%d/comment" % oid, {"comment": "Vi tittar på det.", "public": True})
        self.assertEqual(len(follow_up_rows(self.srv, oid)), 1)

    def test_no_mail_without_the_checkbox(self):
        oid = self.file(lang="en")  # an address, but follow_up not asked for
        plain = self.file(email=None)
        for cid in (oid, plain):
            self.advance(cid)
        self.assertEqual(follow_up_rows(self.srv, oid), [])
        self.assertEqual(follow_up_rows(self.srv, plain), [])
        self.assertEqual(sql(self.srv, "SELECT follow_up, lang FROM reporters WHERE observation_id = ?", (oid,)),
                         [(0, "en")])

    def test_a_merged_duplicate_follows_its_primary_and_its_reporter_hears_of_it(self):
        address = "dubblett@example.se"
        primary = self.file(email=None, category="litter", lon=13.0000, lat=57.7400)
        dup = self.file(email=address, follow_up=True, category="litter", lon=13.0001, lat=57.7400)
        pst = self.advance(primary)
        self.assertNotEqual(self.status(dup), pst)
        self.assertEqual(follow_up_rows(self.srv, dup), [])
        r = self.triage.post("/api/v1/cases/%d/merge" % dup, {"into": primary})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.status(dup), pst)
        self.assertEqual(len(follow_up_rows(self.srv, dup)), 1)
        self.wait_mails(address, dup, 1)
        # The primary's next change reaches the duplicate's reporter too.
        self.advance(primary)
        self.assertEqual(len(follow_up_rows(self.srv, dup)), 2)

    # ---- unsubscribing ---------------------------------------------------------------

    def subscribed_with_token(self, address):
        oid = self.file(email=address, follow_up=True)
        self.advance(oid)
        data = self.wait_mails(address, oid, 1)[0]
        return oid, TOKEN_RE.search(data).group(1).decode()

    def test_the_unsubscribe_link_stops_further_mails_and_works_once(self):
        oid, token = self.subscribed_with_token("sluta@example.se")
        # Opening the link (a link scanner's prefetch) changes nothing: it is a page with a button.
        page = self.srv.request("GET", "/unsubscribe?token=" + token)
        self.assertEqual(page.status, 200)
        self.assertIn(b'id="unsub"', page.body)
        self.assertEqual(sql(self.srv, "SELECT follow_up FROM reporters WHERE observation_id = ?", (oid,)), [(1,)])
        rep = lambda: self.triage.get("/api/v1/cases/%d" % oid).json()["reporter"]  # noqa: E731
        self.assertEqual((rep()["follow_up"], rep()["lang"]), (True, "sv"))  # the staff see the wish
        r = self.srv.request("POST", "/api/v1/follow-up/unsubscribe", {"token": token})
        self.assertEqual((r.status, r.json()), (200, {"unsubscribed": True}))
        self.assertEqual(sql(self.srv, "SELECT follow_up FROM reporters WHERE observation_id = ?", (oid,)), [(0,)])
        self.assertEqual(sql(self.srv, "SELECT count(*) FROM follow_up_tokens WHERE observation_id = ?", (oid,)),
                         [(0,)])
        self.assertIs(rep()["follow_up"], False)
        # Used: the same token again is unknown.
        again = self.srv.request("POST", "/api/v1/follow-up/unsubscribe", {"token": token})
        self.assertEqual(again.status, 404)
        self.assertEqual((again.json()["error"]["code"], again.json()["error"]["field"]), ("not_found", "token"))
        # And no more mails.
        self.advance(oid)
        self.assertEqual(len(follow_up_rows(self.srv, oid)), 1)
        # The address and the contact details stay for the staff: only the follow-up ended.
        self.assertEqual(sql(self.srv, "SELECT email FROM reporters WHERE observation_id = ?", (oid,)),
                         [("sluta@example.se",)])

    def test_mail_providers_one_click_post_to_the_link_unsubscribes(self):
        oid, token = self.subscribed_with_token("oneclick@example.se")
        r = self.srv.request("POST", "/unsubscribe?token=" + token, "List-Unsubscribe=One-Click",
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(sql(self.srv, "SELECT follow_up FROM reporters WHERE observation_id = ?", (oid,)), [(0,)])
        self.assertEqual(self.srv.request("POST", "/unsubscribe?token=" + token).status, 404)

    def test_unknown_and_malformed_tokens_are_404_or_422_and_change_nothing(self):
        for body in ({"token": "0" * 64}, {"token": "nonsense"}, {"token": ""}):
            r = self.srv.request("POST", "/api/v1/follow-up/unsubscribe", body)
            self.assertEqual((r.status, r.json()["error"]["code"]), (404, "not_found"), body)
        for body, code in (({}, "missing_field"), ({"token": 5}, "invalid_type"),
                           ({"token": "a" * 500}, "too_long")):
            r = self.srv.request("POST", "/api/v1/follow-up/unsubscribe", body)
            self.assertEqual((r.status, r.json()["error"]["code"], r.json()["error"]["field"]),
                             (422, code, "token"), body)
        self.assertEqual(self.srv.request("POST", "/unsubscribe").status, 404)

    # ---- validation ----------------------------------------------------------------

    def test_follow_up_needs_an_e_mail_and_a_boolean_and_lang_is_sv_or_en(self):
        cases = [
            ({"follow_up": True}, 422, "missing_field", "follow_up"),
            ({"follow_up": True, "reporter": {"name": "Utan Adress", "phone": "+4670"}}, 422, "missing_field",
             "follow_up"),
            ({"follow_up": True, "reporter": {"email": ""}}, 422, "missing_field", "follow_up"),
            ({"follow_up": "yes", "reporter": {"email": ADDRESS}}, 422, "invalid_type", "follow_up"),
            ({"lang": "de", "reporter": {"email": ADDRESS}}, 422, "invalid_format", "lang"),
            ({"lang": 1}, 422, "invalid_type", "lang"),
        ]
        for extra, status, code, field in cases:
            r = self.srv.post_observation(category="graffiti", **extra)
            self.assertEqual((r.status, r.json()["error"]["code"], r.json()["error"]["field"]),
                             (status, code, field), extra)

    # ---- privacy -------------------------------------------------------------------

    def test_public_answers_never_show_the_address_or_the_subscription(self):
        address = "hemlig.foljare@example.se"
        oid = self.file(email=address, follow_up=True, lang="en", description="Klotter på muren")
        self.assertEqual(sql(self.srv, "SELECT follow_up FROM reporters WHERE observation_id = ?", (oid,)), [(1,)])
        for path in ("/api/v1/observations/%d" % oid, "/api/v1/observations",
                     "/api/v1/observations?limit=200", "/open311/v2/requests.json",
                     "/open311/v2/requests.xml", "/open311/v2/requests/%d.json" % oid,
                     "/ogc/collections/observations/items?limit=1000",
                     "/ogc/collections/observations/items/%d" % oid):
            r = self.srv.request("GET", path)
            self.assertEqual(r.status, 200, (path, r))
            self.assertIn(b"Klotter", r.body, path)  # the report is in the answer ...
            for secret in (address.encode(), b"follow_up", b"hemlig", b"unsubscribe"):
                self.assertNotIn(secret, r.body, path)  # ... its reporter's follow-up is not

    def test_export_shows_and_erasure_drops_the_subscription(self):
        address = "radera.mig@example.se"
        oid, token = self.subscribed_with_token(address)
        data = json.loads(self.srv.cli("reporter", "export", address).stdout)
        self.assertEqual([(x["id"], x["reporter"]["follow_up"], x["reporter"]["lang"]) for x in data["reports"]],
                         [(oid, True, "sv")])
        self.assertEqual([m["kind"] for m in data["messages"]], ["follow_up_email"])
        self.srv.cli("reporter", "erase", address)
        self.assertEqual(sql(self.srv, "SELECT count(*) FROM reporters WHERE observation_id = ?", (oid,)), [(0,)])
        self.assertEqual(sql(self.srv, "SELECT count(*) FROM follow_up_tokens WHERE observation_id = ?", (oid,)),
                         [(0,)])
        self.assertEqual([r[2] for r in follow_up_rows(self.srv, oid)], [""])
        self.advance(oid)
        self.assertEqual(len(follow_up_rows(self.srv, oid)), 1)
        self.assertEqual(self.srv.request("POST", "/api/v1/follow-up/unsubscribe", {"token": token}).status, 404)


class Retention(unittest.TestCase):
    def test_retention_drops_the_subscription_and_blanks_its_queued_mails(self):
        # SMTP on a closed port: the mail stays queued, with the address, until retention runs.
        port = mail.free_port()
        cfg = mail.FAST + ("smtp_url = smtp://127.0.0.1:%d\nsmtp_from = trygg@boras.example\n"
                           "contact_retention_days = 0\nretention_interval_seconds = 1\n"
                           "outbox_max_attempts = 100\n" % port)
        with TryggServer(config_text=cfg) as srv:
            tove = staff(srv, "tove", "triage")
            r = srv.post_observation(category="graffiti", follow_up=True,
                                     reporter={"email": "kvar@example.se"})
            oid = r.json()["id"]
            r = tove.post("/api/v1/cases/%d/state" % oid, {"state": "rejected", "reason": "other"})
            self.assertEqual(r.status, 200, r)
            self.assertTrue(mail.wait_for(
                lambda: sql(srv, "SELECT count(*) FROM reporters WHERE observation_id = ?", (oid,)) == [(0,)]))
            self.assertTrue(mail.wait_for(
                lambda: [(x[1], x[2]) for x in follow_up_rows(srv, oid)] == [("dead", "")]),
                follow_up_rows(srv, oid))
            self.assertEqual(sql(srv, "SELECT count(*) FROM follow_up_tokens"), [(0,)])


if __name__ == "__main__":
    unittest.main(verbosity=2)
