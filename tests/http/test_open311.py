"""Open311 GeoReport v2 (issue 12), as an existing client meets it: XML (parsed with a
real XML parser) and JSON, form-encoded POSTs as FixMyStreet sends them, every error
in the spec's format, idempotent retries, and no contact details in any answer."""
import json
import os
import sys
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(__file__))
from staff_client import staff  # noqa: E402
from trygg_server import BORAS, TryggServer, new_client_id  # noqa: E402

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Open311(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = TryggServer().start()
        cls.key = cls.srv.cli("api-key", "add", "fixmystreet").stdout.strip()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def post(self, fmt="xml", headers=None, **fields):
        body = {"api_key": self.key, "jurisdiction_id": "1490", "service_code": "lighting",
                "lat": str(BORAS[1]), "long": str(BORAS[0]), "description": "Trasig gatlampa",
                "email": "anna.svensson@example.se", "first_name": "Anna", "last_name": "Svensson",
                "phone": "070-1234567", "attribute[unsafe_rating]": "4",
                "media_url": "https://images.example.org/lamp.jpg"}
        body.update(fields)
        body = {k: v for k, v in body.items() if v is not None}
        h = dict(FORM)
        h.update(headers or {})
        return self.srv.request("POST", "/open311/v2/requests." + fmt,
                                urllib.parse.urlencode(body).encode(), h)

    def xml(self, r):
        self.assertTrue(r.header("Content-Type").startswith("text/xml"), r.headers)
        return ET.fromstring(r.body)

    def assertO311Error(self, r, status, fmt="xml"):
        self.assertEqual(r.status, status, r)
        if fmt == "xml":
            root = self.xml(r)
            self.assertEqual(root.tag, "errors")
            err = root.find("error")
            self.assertEqual(err.find("code").text, str(status))
            self.assertTrue(err.find("description").text)
        else:
            body = r.json()
            self.assertEqual(body[0]["code"], status)
            self.assertTrue(body[0]["description"])

    def test_discovery_in_xml_and_json(self):
        root = self.xml(self.srv.request("GET", "/open311/v2/discovery.xml"))
        self.assertEqual(root.tag, "discovery")
        ep = root.find("endpoints/endpoint")
        self.assertEqual(ep.find("specification").text, "http://wiki.open311.org/GeoReport_v2")
        self.assertTrue(ep.find("url").text.endswith("/open311/v2"))
        self.assertEqual([f.text for f in ep.findall("formats/format")], ["text/xml", "application/json"])
        j = self.srv.request("GET", "/open311/v2/discovery.json").json()
        self.assertEqual(j["endpoints"][0]["formats"], ["text/xml", "application/json"])

    def test_services_and_a_service_definition(self):
        root = self.xml(self.srv.request("GET", "/open311/v2/services.xml"))
        codes = [s.find("service_code").text for s in root.findall("service")]
        self.assertIn("lighting", codes)
        s = root.find("service")
        for tag in ("service_code", "service_name", "description", "metadata", "type", "keywords",
                    "group"):
            self.assertIsNotNone(s.find(tag), tag)
        self.assertEqual(s.find("metadata").text, "true")
        j = self.srv.request("GET", "/open311/v2/services.json").json()
        self.assertEqual(len(j), len(codes))
        d = self.xml(self.srv.request("GET", "/open311/v2/services/lighting.xml"))
        self.assertEqual(d.tag, "service_definition")
        attr = d.find("attributes/attribute")
        self.assertEqual(attr.find("code").text, "unsafe_rating")
        self.assertEqual(attr.find("datatype").text, "singlevaluelist")
        self.assertEqual([v.find("key").text for v in attr.findall("values/value")],
                         ["1", "2", "3", "4", "5"])
        self.assertO311Error(self.srv.request("GET", "/open311/v2/services/ufo.xml"), 404)
        self.assertO311Error(self.srv.request("GET", "/open311/v2/services/ufo.json"), 404, "json")

    def test_post_files_an_observation_with_a_private_reporter(self):
        r = self.post()
        self.assertEqual(r.status, 201, r)
        req = self.xml(r).find("request")
        rid = req.find("service_request_id").text
        self.assertTrue(rid.isdigit())
        self.assertIsNotNone(req.find("service_notice"))
        one = self.xml(self.srv.request("GET", "/open311/v2/requests/%s.xml" % rid)).find("request")
        self.assertEqual(one.find("service_code").text, "lighting")
        self.assertEqual(one.find("status").text, "open")
        self.assertEqual(one.find("description").text, "Trasig gatlampa")
        self.assertEqual(one.find("media_url").text, "https://images.example.org/lamp.jpg")
        self.assertEqual(one.find("agency_responsible").text, "Gatubelysning")
        self.assertAlmostEqual(float(one.find("lat").text), BORAS[1])
        self.assertAlmostEqual(float(one.find("long").text), BORAS[0])
        for tag in ("requested_datetime", "updated_datetime"):
            self.assertRegex(one.find(tag).text, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        pub = self.srv.request("GET", "/api/v1/observations/%s" % rid).json()
        self.assertEqual(pub["unsafe_rating"], 4)
        # the contact details are the case's private reporter, and only staff see them
        tina = staff(self.srv, "tina311", "triage")
        rep = tina.get("/api/v1/cases/%s" % rid).json()["reporter"]
        # (an Open311 client cannot ask for the e-mail follow-up: it stays off)
        self.assertEqual(rep, {"name": "Anna Svensson", "email": "anna.svensson@example.se",
                               "phone": "070-1234567", "follow_up": False, "lang": "sv"})
        for path in ("/open311/v2/requests.xml", "/open311/v2/requests.json",
                     "/open311/v2/requests/%s.json" % rid, "/api/v1/observations/%s" % rid):
            body = self.srv.request("GET", path).body.decode()
            for secret in ("anna.svensson", "070-1234567", "Svensson"):
                self.assertNotIn(secret, body, path)

    def test_the_same_idempotency_key_files_once(self):
        key = new_client_id()
        r1 = self.post(fmt="json", headers={"Idempotency-Key": key})
        r2 = self.post(fmt="json", headers={"Idempotency-Key": key})
        self.assertEqual((r1.status, r2.status), (201, 200))
        self.assertEqual(r1.json()[0]["service_request_id"], r2.json()[0]["service_request_id"])
        t = self.srv.request("GET", "/open311/v2/tokens/%s.json" % key).json()
        self.assertEqual(t[0]["service_request_id"], r1.json()[0]["service_request_id"])

    def test_every_spec_error(self):
        self.assertO311Error(self.post(api_key=None), 403)
        self.assertO311Error(self.post(api_key="wrong"), 403)
        self.assertO311Error(self.post(service_code=None), 400)
        self.assertO311Error(self.post(service_code="ufo"), 400)
        r = self.post(lat=None, long=None, address_string="Stora torget 1, Borås")
        self.assertO311Error(r, 400)
        self.assertIn("position", self.xml(r).find("error/description").text)
        self.assertO311Error(self.post(lat="57.7", long="11.97"), 400)  # outside Borås
        self.assertO311Error(self.post(lat="abc"), 400)
        self.assertO311Error(self.post(jurisdiction_id="9999"), 404)
        self.assertO311Error(self.post(**{"attribute[unsafe_rating]": "9"}), 400)
        self.assertO311Error(self.post(media_url="file:///etc/passwd"), 400)
        self.assertO311Error(self.post(fmt="json", api_key=None), 403, "json")
        r = self.srv.request("POST", "/open311/v2/requests.xml", b"a=b\x00c=d", FORM)
        self.assertO311Error(r, 400)
        r = self.srv.request("POST", "/open311/v2/requests.xml", b"api_key=%zz", FORM)
        self.assertO311Error(r, 400)
        r = self.srv.request("POST", "/open311/v2/requests.xml", json.dumps({"a": 1}).encode(),
                             {"Content-Type": "application/json"})
        self.assertO311Error(r, 400)
        self.assertO311Error(self.srv.request("GET", "/open311/v2/requests/999999.xml"), 404)
        self.assertO311Error(self.srv.request("GET", "/open311/v2/requests.xml?start_date=2020-01-01T00:00:00Z"
                                                     "&end_date=2021-01-01T00:00:00Z"), 400)
        self.assertO311Error(self.srv.request("GET", "/open311/v2/requests.xml?status=maybe"), 400)
        self.assertO311Error(self.srv.request("GET", "/open311/v2/tokens/nope.xml"), 404)

    def test_requests_filters_by_id_code_status_and_date(self):
        a = self.post(fmt="json", service_code="graffiti").json()[0]["service_request_id"]
        b = self.post(fmt="json", service_code="litter").json()[0]["service_request_id"]
        got = self.srv.request("GET", "/open311/v2/requests.json?service_request_id=%s,%s" % (a, b)).json()
        self.assertEqual(sorted(x["service_request_id"] for x in got), sorted([a, b]))
        got = self.srv.request("GET", "/open311/v2/requests.json?service_code=graffiti").json()
        self.assertTrue(got and all(x["service_code"] == "graffiti" for x in got))
        tina = staff(self.srv, "tina311b", "triage")
        tina.post("/api/v1/cases/%s/state" % a, {"state": "rejected", "reason": "other",
                                                   "comment": "Redan sanerat", "public": True})
        closed = self.srv.request("GET", "/open311/v2/requests.json?status=closed").json()
        mine = [x for x in closed if x["service_request_id"] == a]
        self.assertEqual(mine[0]["status"], "closed")
        self.assertEqual(mine[0]["status_notes"], "Redan sanerat")
        opened = self.srv.request("GET", "/open311/v2/requests.json?status=open").json()
        self.assertNotIn(a, [x["service_request_id"] for x in opened])
        old = self.srv.request("GET", "/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z"
                                      "&end_date=2020-02-01T00:00:00Z").json()
        self.assertEqual(old, [])

    def test_api_keys_are_listed_and_revoked_by_admins(self):
        admin = staff(self.srv, "adm311", "admin")
        key = self.srv.cli("api-key", "add", "temporary").stdout.strip()
        keys = admin.get("/api/v1/api-keys").json()["api_keys"]
        self.assertNotIn(key, json.dumps(keys))
        kid = [k["id"] for k in keys if k["name"] == "temporary"][0]
        self.assertEqual(self.post(api_key=key).status, 201)
        self.assertEqual(admin.delete("/api/v1/api-keys/%d" % kid).status, 204)
        self.assertO311Error(self.post(api_key=key), 403)
        self.assertEqual(staff(self.srv, "tri311", "triage").get("/api/v1/api-keys").status, 403)
        listed = self.srv.cli("api-key", "list").stdout
        self.assertIn("temporary", listed)
        self.assertNotIn(key, listed)


if __name__ == "__main__":
    unittest.main(verbosity=2)
