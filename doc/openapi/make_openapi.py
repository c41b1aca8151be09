#!/usr/bin/env python3
"""Writes web/openapi.json: the one OpenAPI 3.0 document of trygg's HTTP API (v1 JSON,
Open311 GeoReport v2, OGC API - Features). Run after changing an endpoint:
    python3 doc/openapi/make_openapi.py
contract.openapi checks that the committed file equals this script's output, lints it
with @redocly/cli, and validates every response the HTTP tests saw against it."""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "web", "openapi.json")


def ref(name):
    return {"$ref": "#/components/schemas/%s" % name}


def obj(required=(), **props):
    o = {"type": "object", "properties": props}
    if required:
        o["required"] = list(required)
    return o


S = {"type": "string"}
I = {"type": "integer"}
N = {"type": "number"}
B = {"type": "boolean"}
TS = {"type": "string", "format": "date-time"}
NS = {"type": "string", "nullable": True}
NI = {"type": "integer", "nullable": True}
NN = {"type": "number", "nullable": True}
ANY = {}
ARR = lambda items: {"type": "array", "items": items}  # noqa: E731

schemas = {
    "Error": obj(["error"], error=obj(["code", "message"], code=S, message=S, field=NS)),
    "Open311Errors": ARR(obj(["code", "description"], code=I, description=S)),
    "Area": {"type": "object", "nullable": True,
             "properties": {"id": I, "code": S, "name": S}},
    "Photo": obj(["id", "url", "thumb_url"], id=S, url=S, thumb_url=S, width=I, height=I,
                 observation_id=I),
    "PublicObservation": obj(
        ["id", "category", "status", "sweref99tm", "light", "photos", "public_comments"],
        id=I, category=S, lon=N, lat=N, accuracy_m=NN, observed_at=S, created_at=S,
        description=NS, unsafe_rating=NI, walk=NS, area=ref("Area"),
        sweref99tm=obj(["e", "n"], e=N, n=N), light={"type": "string", "enum": ["day", "twilight", "dark"]},
        sun_elevation=N, status=S, unit=NS, support_count=I, photos=ARR(ref("Photo")),
        public_comments=ARR(obj(["at", "comment"], at=S, comment=S)), distance_m=N),
    "Feature": obj(["type", "geometry", "properties"], type={"type": "string", "enum": ["Feature"]},
                   id={"oneOf": [I, S]}, geometry={"type": "object", "nullable": True},
                   properties={"type": "object", "nullable": True}, links=ARR(ref("Link"))),
    "FeatureCollection": obj(["type", "features"],
                             type={"type": "string", "enum": ["FeatureCollection"]},
                             features=ARR(ref("Feature")), links=ARR(ref("Link")),
                             numberMatched=I, numberReturned=I, timeStamp=S),
    "Link": obj(["href", "rel"], href=S, rel=S, type=S, title=S),
    "CaseSummary": obj(["id", "state", "priority", "category"], id=I, state=S, priority=I,
                       due_at=NS, overdue=B, unit={"type": "object", "nullable": True},
                       category=S, lon=N, lat=N, area={"type": "object", "nullable": True},
                       description=NS, created_at=S, observed_at=S, duplicate_of=NI, walk=NS,
                       support_count=I, thumb_url=NS, reject_reason=NS, light=NS,
                       unsafe_rating=NI),
    "Walk": obj(["code", "title", "state"], id=I, code=S, join_url=S, title=S,
                area={"type": "object", "nullable": True}, starts_at=NS, ends_at=NS,
                meeting_point={"type": "object", "nullable": True}, meeting_text=NS,
                route={"type": "object", "nullable": True}, partners=ARR(ANY),
                expected_participants=NI, public=B, state=S,
                organiser={"type": "object", "nullable": True}, follow_up_of=NI,
                follow_ups={"type": "array", "nullable": True}, meeting_held_on=NS,
                protocol_published_at=NS, groups=ARR(ANY), stops=ARR(ANY),
                counts={"type": "object"}, checklist=ARR(ANY), items=ARR(ANY),
                area_outline={"type": "object", "nullable": True}),
    "WalkItem": obj(["number", "observation_id", "category"], number=I, observation_id=I,
                    category=S, description=NS, state=NS, action=NS, priority=NI, deadline=NS,
                    responsible={"type": "object"}, answer={"type": "object", "nullable": True}),
    "Audit": obj(["id", "ratings"], id=I, lon=N, lat=N, observed_at=S, group_id=NI, group=NS,
                 ratings=obj([], **{k: I for k in ("lighting", "openness", "visibility", "people",
                                                   "security", "walk_path", "public_transport",
                                                   "gender_usage", "feeling")})),
    "Unit": obj(["id", "code", "name"], id=I, code=S, name=S, email=NS, webhook_url=NS,
                internal=B, has_webhook_secret=B, has_api_token=B),
    "Rule": obj(["id", "category", "unit_id"], id=I, category=S, area_id=NI, area_code=NS,
                unit_id=I, unit_name=S, priority=I, rule_order=I, active=B, note=NS,
                polygon={"type": "object", "nullable": True}),
    "User": obj(["id", "username", "role"], id=I, username=S, role=S, unit=ANY,
                display_name=NS, active=B),
    "Open311Request": obj(["service_request_id", "status", "service_code"],
                          service_request_id=S, status={"type": "string", "enum": ["open", "closed"]},
                          status_notes=NS, service_name=NS, service_code=S, description=NS,
                          agency_responsible=NS, service_notice=NS, requested_datetime=NS,
                          updated_datetime=NS, expected_datetime=NS, address=NS, address_id=NS,
                          zipcode=NS, lat=N, long=N, media_url=NS, token=S, account_id=NS),
}


def body(schema):
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def json_resp(desc, schema, ctype="application/json"):
    return {"description": desc, "content": {ctype: {"schema": schema}}}


ERR = {"description": "An error: a stable code, a message and the field at fault",
       "content": {"application/json": {"schema": ref("Error")}}}


def op(op_id, summary, tag, responses, params=(), req=None, security=None):
    o = {"operationId": op_id, "summary": summary, "tags": [tag], "responses": dict(responses)}
    o["responses"].setdefault("default", ERR)
    if params:
        o["parameters"] = list(params)
    if req:
        o["requestBody"] = req
    if security is not None:
        o["security"] = security
    return o


def p_path(name, schema=None, desc=None):
    return {"name": name, "in": "path", "required": True, "schema": schema or S,
            "description": desc or name}


def p_query(name, schema=None, desc=None):
    return {"name": name, "in": "query", "required": False, "schema": schema or S,
            "description": desc or name}


STAFF = [{"session": []}]
ID = p_path("id", I, "the id")
OK_JSON = lambda d, s: {"200": json_resp(d, s)}  # noqa: E731
FILE = lambda t, d: {"200": {"description": d, "content": {t: {"schema": {"type": "string", "format": "binary"}}}}}  # noqa: E731

paths = {}


def add(path, method, operation):
    paths.setdefault(path, {})[method] = operation


obs_filters = [p_query(n) for n in ("bbox", "category", "since", "until", "limit")] + [
    p_query("cursor", desc="opaque keyset cursor: follow the answer's rel=next link; a cursor the "
            "server did not give out is 400 with field 'cursor'")]
add("/healthz", "get", op("health", "Health and schema version", "system",
                          OK_JSON("healthy", obj(["status"], status=S, version=S, schema=I))))
add("/api/v1/config", "get", op("clientConfig", "What the web apps need", "reference",
                                OK_JSON("configuration", {"type": "object"})))
add("/api/v1/categories", "get", op("categories", "Observation categories", "reference",
                                    OK_JSON("categories", obj(["categories"], categories=ARR(obj(
                                        ["code", "name_sv", "name_en"], code=S, name_sv=S,
                                        name_en=S, icon=S, kind=S))))))
add("/api/v1/areas", "get", op("areas", "Local network areas", "reference",
                               OK_JSON("GeoJSON", ref("FeatureCollection"))))
add("/api/v1/places/describe", "get", op(
    "describePlace", "A point in words: its area and the nearest named place (SWEREF 99 TM metres)",
    "reference",
    OK_JSON("the description", obj(
        ["lon", "lat", "area", "place"], lon=N, lat=N,
        sweref99tm={"type": "object", "nullable": True, "required": ["e", "n"],
                    "properties": {"e": N, "n": N}},
        area={"type": "object", "nullable": True, "required": ["code", "name"],
              "properties": {"code": S, "name": S}},
        place={"type": "object", "nullable": True,
               "required": ["name", "distance_m", "bearing_deg", "direction"],
               "properties": {"name": S, "lon": N, "lat": N, "distance_m": N, "bearing_deg": N,
                              "direction": {"type": "string",
                                            "enum": ["n", "ne", "e", "se", "s", "sw", "w", "nw"]}}})),
    [dict(p_query("lon", N, "longitude, WGS 84 degrees"), required=True),
     dict(p_query("lat", N, "latitude, WGS 84 degrees"), required=True)]))
add("/api/v1/observations", "post", op(
    "fileObservation", "File an observation (client_id makes retries safe)", "observations",
    {"201": json_resp("filed", ref("PublicObservation")),
     "200": json_resp("the same client_id again", ref("PublicObservation"))},
    req=body(obj(["client_id", "category", "lon", "lat"], client_id=S, category=S, lon=N, lat=N,
                 accuracy_m=N, observed_at=S, description=S, unsafe_rating=I, walk=S,
                 walk_group=I, reporter={"type": "object"},
                 follow_up={"type": "boolean",
                            "description": "e-mail reporter.email when the public status changes "
                                           "(needs reporter.email)"},
                 lang={"type": "string", "enum": ["sv", "en"],
                       "description": "the language of the follow-up e-mails (default sv)"}))))
add("/api/v1/observations", "get", op("listObservations", "Public observations (GeoJSON)",
                                      "observations", OK_JSON("a page", ref("FeatureCollection")),
                                      obs_filters))
add("/api/v1/observations/nearby", "get", op(
    "nearby", "Open reports nearby, nearest first", "observations",
    OK_JSON("nearby", obj(["observations"], observations=ARR(ref("PublicObservation")),
                          radius_m=N)),
    [p_query(n) for n in ("lon", "lat", "category", "radius_m")]))
add("/api/v1/observations/{id}", "get", op("getObservation", "The public view", "observations",
                                           OK_JSON("the observation", ref("PublicObservation")),
                                           [ID]))
add("/api/v1/observations/{id}/support", "post", op(
    "support", "Me too", "observations",
    {"201": json_resp("counted", obj(["support_count"], id=I, support_count=I)),
     "200": json_resp("already counted", obj(["support_count"], id=I, support_count=I))},
    [ID], body(obj(["client_id"], client_id=S))))
UNSUBSCRIBED = {"200": json_resp("the follow-up ended", obj(["unsubscribed"], unsubscribed=B)),
                "404": json_resp("unknown or used token", ref("Error"))}
add("/api/v1/follow-up/unsubscribe", "post", op(
    "unsubscribe", "End an e-mail follow-up with the token of its unsubscribe link (works once)",
    "observations", UNSUBSCRIBED, req=body(obj(["token"], token=S))))
add("/unsubscribe", "post", op(
    "unsubscribeOneClick", "RFC 8058 one-click unsubscribe (List-Unsubscribe-Post); "
    "GET /unsubscribe is the page with the button", "observations", UNSUBSCRIBED,
    [p_query("token")]))
add("/api/v1/observations/{id}/photos", "post", op(
    "uploadPhoto", "Add a photo (raw image body)", "observations",
    {"201": json_resp("stored", ref("Photo")), "200": json_resp("the same upload again", ref("Photo"))},
    [ID], {"required": True, "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                                         "image/png": {"schema": {"type": "string", "format": "binary"}},
                                         "image/webp": {"schema": {"type": "string", "format": "binary"}}}}))
add("/api/v1/photos/{id}", "get", op("getPhoto", "A cleaned photo", "observations",
                                     FILE("image/jpeg", "JPEG"), [p_path("id")]))
add("/api/v1/photos/{id}/thumb", "get", op("getThumb", "A thumbnail", "observations",
                                           FILE("image/jpeg", "JPEG"), [p_path("id")]))
add("/tiles/{z}/{x}/{y}", "get", op("getTile", "A basemap tile from the local MBTiles file (tiles_mbtiles)",
                                    "reference", FILE("image/png", "PNG or JPEG tile (ETag, Cache-Control)"),
                                    [p_path("z"), p_path("x"), p_path("y")]))
add("/api/v1/map/clusters", "get", op(
    "clusters", "Server-side clusters for the public map", "observations",
    OK_JSON("clusters", obj(["zoom", "clusters"], zoom=I, total=I, truncated=B,
                            clusters=ARR(obj(["lon", "lat", "count"], lon=N, lat=N, count=I,
                                             categories={"type": "object"}, id=I, status=S)))),
    [p_query(n) for n in ("bbox", "zoom", "category", "status", "area", "since", "until")]))
add("/api/v1/exports/{file}", "get", op(
    "export", "observations.{geojson,csv,gpkg} (public) or cases.{geojson,csv,gpkg} (staff)",
    "exports", {"200": {"description": "the export, streamed", "content": {
        "application/geo+json": {"schema": ref("FeatureCollection")},
        "text/csv": {"schema": S},
        "application/geopackage+sqlite3": {"schema": {"type": "string", "format": "binary"}}}}},
    [p_path("file")] + [p_query(n) for n in ("bbox", "category", "status", "area", "since",
                                              "until", "state", "unit", "priority", "overdue",
                                              "walk", "q")]))

# staff sessions and the workflow
add("/api/v1/auth/login", "post", op(
    "login", "Log in", "staff", OK_JSON("logged in", obj(["user", "csrf_token"], user={"type": "object"},
                                                         csrf_token=S)),
    req=body(obj(["username", "password"], username=S, password=S))))
add("/api/v1/auth/logout", "post", op("logout", "Log out", "staff",
                                      {"200": json_resp("logged out", {"type": "object"}),
                                       "204": {"description": "logged out"}}, security=STAFF))
add("/api/v1/auth/me", "get", op("me", "Who am I", "staff",
                                 OK_JSON("the session", obj(["user", "csrf_token"], user={"type": "object"},
                                                            csrf_token=S)), security=STAFF))
add("/api/v1/cases", "get", op(
    "cases", "The triage queue", "cases",
    OK_JSON("a page", obj(["cases", "total"], cases=ARR(ref("CaseSummary")), total=I,
                         total_capped={"type": "boolean"}, next=NS)),
    [p_query(n) for n in ("state", "unit", "category", "area", "priority", "overdue", "walk", "q",
                          "sort", "limit")]
    + [p_query("cursor", desc="opaque keyset cursor from the previous page's 'next', for the same "
               "sort; an old numeric cursor is an offset; anything else is 400 with field 'cursor'")],
    security=STAFF))
case_view = {"allOf": [ref("CaseSummary"), obj(["history"], observation={"type": "object", "nullable": True},
                                               reporter={"type": "object", "nullable": True},
                                               history=ARR(ANY), duplicates=ARR(ANY), merged=ARR(I),
                                               allowed_transitions=ARR(obj(["to", "reason_required"], to=S,
                                                                           reason_required=B, reasons=ARR(S))))]}
add("/api/v1/cases/bulk", "post", op("bulk", "Bulk acknowledge or assign (all or nothing)",
                                     "cases", OK_JSON("done", obj(["action", "ids"], action=S, ids=ARR(I))),
                                     req=body(obj(["ids", "action"], ids=ARR(I), action=S, unit_id=I)),
                                     security=STAFF))
add("/api/v1/cases/{id}", "get", op("getCase", "A case", "cases", OK_JSON("the case", case_view),
                                    [ID], security=STAFF))
for action, fields in (("state", obj(["state"], state=S, reason=S, comment=S, public=B)),
                       ("assign", obj(["unit_id"], unit_id=I, comment=S, public=B)),
                       ("priority", obj(["priority"], priority=I)),
                       ("comment", obj(["comment"], comment=S, public=B)),
                       ("merge", obj(["into"], into=I))):
    add("/api/v1/cases/{id}/%s" % action, "post",
        op("case_" + action, "Case: " + action, "cases", OK_JSON("the case", case_view), [ID],
           body(fields), STAFF))
add("/api/v1/units", "get", op("units", "Units", "admin", OK_JSON("units", obj(["units"], units=ARR(ref("Unit")))),
                               security=STAFF))
add("/api/v1/units", "post", op("createUnit", "New unit", "admin", {"201": json_resp("created", ref("Unit"))},
                                req=body({"type": "object"}), security=STAFF))
add("/api/v1/units/{id}", "put", op("updateUnit", "Change a unit", "admin", OK_JSON("changed", ref("Unit")),
                                    [ID], body({"type": "object"}), STAFF))
add("/api/v1/units/{code}/updates", "post", op(
    "unitUpdate", "A unit's own system reports back (Bearer token)", "admin",
    OK_JSON("accepted", obj(["case_id", "accepted"], case_id=I, accepted=B)), [p_path("code")],
    body(obj(["case_id"], case_id=I, state=S, comment=S, external_ref=S, walk_answer={"type": "object"})),
    [{"unitToken": []}]))
add("/api/v1/routing-rules", "get", op("rules", "Routing rules", "admin",
                                       OK_JSON("rules", obj(["rules"], rules=ARR(ref("Rule")))), security=STAFF))
add("/api/v1/routing-rules", "post", op("createRule", "New rule", "admin", {"201": json_resp("created", ref("Rule"))},
                                        req=body({"type": "object"}), security=STAFF))
add("/api/v1/routing-rules/{id}", "put", op("updateRule", "Change a rule", "admin", OK_JSON("changed", ref("Rule")),
                                            [ID], body({"type": "object"}), STAFF))
add("/api/v1/routing-rules/{id}", "delete", op("deleteRule", "Delete a rule", "admin",
                                               {"204": {"description": "deleted"}}, [ID], security=STAFF))
add("/api/v1/areas/import", "post", op("importAreas", "Import areas (GeoJSON body)", "admin",
                                       OK_JSON("imported", {"type": "object"}),
                                       req={"required": True, "content": {"application/geo+json": {"schema": {"type": "object"}},
                                                                          "application/json": {"schema": {"type": "object"}}}},
                                       security=STAFF))
add("/api/v1/users", "get", op("users", "Users", "admin", OK_JSON("users", obj(["users"], users=ARR(ref("User")))),
                               security=STAFF))
add("/api/v1/users", "post", op("createUser", "New user", "admin", {"201": json_resp("created", ref("User"))},
                                req=body({"type": "object"}), security=STAFF))
add("/api/v1/users/{id}", "put", op("updateUser", "Change a user", "admin", OK_JSON("changed", ref("User")),
                                    [ID], body({"type": "object"}), STAFF))
add("/api/v1/api-keys", "get", op("apiKeys", "API keys (never the keys)", "admin",
                                  OK_JSON("keys", obj(["api_keys"], api_keys=ARR(obj(["id", "name"], id=I, name=S,
                                                                                       created_at=S, revoked_at=NS)))),
                                  security=STAFF))
add("/api/v1/api-keys/{id}", "delete", op("revokeApiKey", "Revoke an API key", "admin",
                                          {"204": {"description": "revoked"}}, [ID], security=STAFF))
add("/api/v1/outbox", "get", op("outbox", "Notifications to units", "admin",
                                OK_JSON("messages", obj(["messages"], messages=ARR({"type": "object"}))),
                                [p_query("state")], security=STAFF))
add("/api/v1/outbox/{id}/retry", "post", op("retryOutbox", "Send a message again", "admin",
                                            OK_JSON("pending", obj(["id", "state"], id=I, state=S)), [ID], security=STAFF))

# moderation (issue 9)
for action, fields in (("visibility", obj(["public"], public=B)),
                       ("redact", obj(["description"], description=NS)),
                       ("approve", None)):
    add("/api/v1/cases/{id}/%s" % action, "post",
        op("case_" + action, "Moderation: " + action, "cases", OK_JSON("the case", case_view), [ID],
           body(fields) if fields else None, STAFF))
add("/api/v1/photos/{id}/visibility", "post", op(
    "photoVisibility", "Moderation: show or hide a photo", "cases",
    OK_JSON("the photo", {"type": "object"}), [p_path("id")], body(obj(["public"], public=B)), STAFF))

# statistics and the situation picture (issue 11)
STATQ = [p_query(n) for n in ("by", "period", "from", "to", "category", "area", "source")]
add("/api/v1/stats", "get", op(
    "stats", "Counts per area, category and period against a year earlier", "statistics",
    OK_JSON("counts", obj(["rows"], by={}, period=S, periods=ARR(S), suppressed_below=NI,
                          rows=ARR(obj(["period", "count"], period=S, count=NI, previous_count=NI,
                                       area=NS, category=NS, source=NS)))), STATQ))
add("/api/v1/stats.csv", "get", op("statsCsv", "The same as CSV (UTF-8 with BOM)", "statistics",
                                   FILE("text/csv", "CSV"), STATQ + [p_query("lang")]))
add("/api/v1/stats/workflow", "get", op(
    "statsWorkflow", "Opened, resolved, backlog, overdue, times to resolve", "statistics",
    OK_JSON("rows", {"type": "object"}),
    [p_query(n) for n in ("by", "from", "to", "unit", "area", "category")]))
add("/api/v1/stats/hotspots", "get", op(
    "hotspots", "Hot spots in SWEREF 99 TM cells, ranked, with trend", "statistics",
    OK_JSON("cells", ref("FeatureCollection")),
    [p_query(n) for n in ("cell_m", "from", "to", "category", "area", "limit")]))
add("/api/v1/indicators", "get", op("indicators", "The city's yearly indicators per area",
                                    "statistics", OK_JSON("indicators", obj(["indicators"], indicators=ARR({"type": "object"}))),
                                    [p_query("area"), p_query("indicator")]))
SITQ = [p_query(n) for n in ("week", "month", "quarter", "year")]
add("/api/v1/situation", "get", op("situation", "The situation picture of a period", "statistics",
                                   OK_JSON("the picture", obj(["period", "areas"], period={"type": "object"},
                                                              areas=ARR({"type": "object"}))),
                                   SITQ, security=STAFF))
add("/api/v1/situation.pdf", "get", op("situationPdf", "The situation picture as A4 PDF", "statistics",
                                       FILE("application/pdf", "PDF"), SITQ + [p_query("lang")], security=STAFF))

# walks
WID = p_path("id", I, "the walk's id")
add("/api/v1/walks", "get", op("walks", "Walks (staff: theirs; public: public walks)", "walks",
                               OK_JSON("walks", obj(["walks"], walks=ARR(ref("Walk")))),
                               [p_query(n) for n in ("area", "state", "from", "to")]))
add("/api/v1/walks", "post", op("planWalk", "Plan a walk", "walks", {"201": json_resp("planned", ref("Walk"))},
                                req=body({"type": "object"}), security=STAFF))
add("/api/v1/walks/{id_or_code}", "get", op(
    "getWalk", "A walk: digits are an id (staff view), else a join code (public view)", "walks",
    OK_JSON("the walk", ref("Walk")), [p_path("id_or_code")]))
add("/api/v1/walks/{id_or_code}", "put", op("updateWalk", "Change a walk (by id)", "walks",
                                            OK_JSON("the walk", ref("Walk")), [p_path("id_or_code")],
                                            body({"type": "object"}), STAFF))
for suffix, ctype, desc in (("qr.svg", "image/svg+xml", "QR code"), ("qr.png", "image/png", "QR code"),
                            ("poster.pdf", "application/pdf", "A4 poster"),
                            ("protocol.pdf", "application/pdf", "the protocol"),
                            ("protocol.csv", "text/csv", "the protocol")):
    add("/api/v1/walks/{id}/" + suffix, "get",
        op("walk_" + suffix.replace(".", "_"), desc, "walks", FILE(ctype, desc),
           [WID] + ([p_query("lang")] if suffix.endswith("pdf") else []), security=STAFF))
add("/api/v1/walks/{id}/live", "get", op(
    "walkLive", "What arrived after the cursor", "walks",
    OK_JSON("news", obj(["cursor", "observations", "audits"], cursor=S, observations=ARR(ref("WalkItem")),
                        audits=ARR(ref("Audit")), counts={"type": "object"}, state=S)),
    [WID, p_query("after")], security=STAFF))
items_resp = OK_JSON("items", obj(["walk_id", "items"], walk_id=I, items=ARR(ref("WalkItem"))))
add("/api/v1/walks/{id}/items", "get", op("walkItems", "The protocol items", "walks", items_resp, [WID],
                                          security=STAFF))
add("/api/v1/walks/{id}/items/{obs}", "put", op(
    "planItem", "Action, responsible, priority, deadline", "walks", items_resp,
    [WID, p_path("obs", I)], body(obj([], action=S, responsible_unit=S, responsible_name=S,
                                        priority=I, deadline=S)), STAFF))
add("/api/v1/walks/{id}/items/{obs}/answer", "post", op(
    "answerItem", "A responsible party's answer", "walks", items_resp, [WID, p_path("obs", I)],
    body(obj(["answer"], answer=S, by=S, reason=S, passed_to=S, comment=S)), STAFF))
add("/api/v1/walks/{id}/observations", "post", op(
    "addPaperNote", "Add an observation from paper notes", "walks",
    {"201": json_resp("filed", ref("PublicObservation")), "200": json_resp("repeat", ref("PublicObservation"))},
    [WID], body({"type": "object"}), STAFF))
add("/api/v1/walks/{id}/publish", "post", op("publishWalk", "Publish the protocol", "walks",
                                             OK_JSON("published", obj(["walk_id", "emails_queued"], walk_id=I,
                                                                      emails_queued=I)), [WID], security=STAFF))
add("/api/v1/walks/{code}/join", "post", op(
    "joinWalk", "A phone joins (counted once)", "walks",
    {"201": json_resp("joined", obj(["participants"], participants=I)),
     "200": json_resp("already joined", obj(["participants"], participants=I))},
    [p_path("code")], body(obj(["participant_id"], participant_id=S, group_id=I, email=S))))
add("/api/v1/walks/{code}/audits", "post", op(
    "audit", "A perception audit (nine parameters, 0-3)", "walks",
    {"201": json_resp("stored", ref("Audit")), "200": json_resp("the same client_id again", ref("Audit"))},
    [p_path("code")], body(obj(["client_id", "lon", "lat", "ratings"], client_id=S, lon=N, lat=N,
                                group_id=I, observed_at=S, ratings={"type": "object"}))))
add("/walks.ics", "get", op("walksCalendar", "iCalendar of public walks", "walks",
                            FILE("text/calendar", "calendar")))

# Open311 GeoReport v2
FMT = p_path("format", {"type": "string", "enum": ["xml", "json"]}, "xml or json")
O311ERR = {"description": "The spec's error list",
           "content": {"application/json": {"schema": ref("Open311Errors")},
                       "text/xml": {"schema": S}}}


def o311(op_id, summary, schema, params=(), req=None, ok=("200",)):
    resp = {}
    for code in ok:
        resp[code] = {"description": summary, "content": {"application/json": {"schema": schema},
                                                          "text/xml": {"schema": S}}}
    resp["default"] = O311ERR
    o = {"operationId": op_id, "summary": summary, "tags": ["open311"], "responses": resp,
         "parameters": [FMT] + list(params)}
    if req:
        o["requestBody"] = req
    return o


add("/open311/v2/discovery.{format}", "get", o311("o311Discovery", "Discovery", {"type": "object"}))
add("/open311/v2/services.{format}", "get", o311(
    "o311Services", "Services (categories)",
    ARR(obj(["service_code", "service_name"], service_code=S, service_name=S, description=S,
            metadata=B, type=S, keywords=S, group=S)), [p_query("jurisdiction_id")]))
add("/open311/v2/services/{service_code}.{format}", "get", o311(
    "o311ServiceDefinition", "A service definition",
    obj(["service_code", "attributes"], service_code=S, attributes=ARR({"type": "object"})),
    [p_path("service_code")]))
add("/open311/v2/requests.{format}", "get", o311(
    "o311Requests", "Service requests", ARR(ref("Open311Request")),
    [p_query(n) for n in ("service_request_id", "service_code", "start_date", "end_date", "status",
                          "jurisdiction_id")]))
add("/open311/v2/requests.{format}", "post", o311(
    "o311Post", "File a service request (api_key required)",
    ARR(obj(["service_request_id"], service_request_id=S, service_notice=S, account_id=NS)),
    req={"required": True, "content": {"application/x-www-form-urlencoded": {"schema": obj(
        ["api_key", "service_code"], api_key=S, jurisdiction_id=S, service_code=S, lat=S, long=S,
        address_string=S, email=S, first_name=S, last_name=S, phone=S, description=S,
        media_url=S)}}}, ok=("200", "201")))
add("/open311/v2/requests/{service_request_id}.{format}", "get", o311(
    "o311Request", "One service request", ARR(ref("Open311Request")), [p_path("service_request_id")]))
add("/open311/v2/tokens/{token}.{format}", "get", o311(
    "o311Token", "The request of a token",
    ARR(obj(["service_request_id", "token"], service_request_id=S, token=S)), [p_path("token")]))

# OGC API - Features
OGCP = [p_query("f", {"type": "string", "enum": ["json", "html"]})]
add("/ogc", "get", op("ogcLanding", "OGC API - Features landing page", "ogc",
                      OK_JSON("landing page", obj(["links"], title=S, description=S, links=ARR(ref("Link")))), OGCP))
add("/ogc/conformance", "get", op("ogcConformance", "Conformance", "ogc",
                                  OK_JSON("classes", obj(["conformsTo"], conformsTo=ARR(S))), OGCP))
collection = obj(["id", "links"], id=S, title=S, description=S, links=ARR(ref("Link")),
                 extent={"type": "object"}, itemType=S, crs=ARR(S))
add("/ogc/collections", "get", op("ogcCollections", "Collections", "ogc",
                                  OK_JSON("collections", obj(["collections"], links=ARR(ref("Link")),
                                                             collections=ARR(collection))), OGCP))
CID = p_path("collectionId", {"type": "string", "enum": ["observations", "areas", "walks"]})
add("/ogc/collections/{collectionId}", "get", op("ogcCollection", "A collection", "ogc",
                                                 OK_JSON("collection", collection), [CID] + OGCP))
add("/ogc/collections/{collectionId}/items", "get", op(
    "ogcItems", "Features (bbox, datetime, limit, offset, property filters)", "ogc",
    {"200": json_resp("features", ref("FeatureCollection"), "application/geo+json")},
    [CID] + OGCP + [p_query(n) for n in ("bbox", "datetime", "limit", "offset", "category", "status",
                                         "area", "code", "state", "bbox-crs")]))
add("/ogc/collections/{collectionId}/items/{featureId}", "get", op(
    "ogcItem", "One feature", "ogc", {"200": json_resp("feature", ref("Feature"), "application/geo+json")},
    [CID, p_path("featureId")] + OGCP))
add("/api/v1/openapi.json", "get", op("openapi", "This document", "system",
                                      OK_JSON("OpenAPI 3.0", {"type": "object"})))

# Public answers a cache may keep (issue 13): ETag + Cache-Control public, 304 on If-None-Match.
for path in ("/api/v1/map/clusters", "/api/v1/observations", "/api/v1/observations/{id}"):
    get = paths[path]["get"]
    get["parameters"] = get.get("parameters", []) + [
        {"name": "If-None-Match", "in": "header", "required": False, "schema": S,
         "description": "an ETag this endpoint gave: 304 while the answer is the same"}]
    get["responses"]["304"] = {
        "description": "not modified: If-None-Match named the current ETag (no body)",
        "headers": {"ETag": {"schema": S}, "Cache-Control": {"schema": S}}}
    get["responses"]["200"].setdefault("headers", {}).update({
        "ETag": {"schema": S, "description": "the public data version and the question"},
        "Cache-Control": {"schema": S, "description": "public, max-age=30, stale-while-revalidate=60"}})

doc = {
    "openapi": "3.0.3",
    "info": {"title": "trygg", "version": "1",
             "description": "Safety-walk observations for a municipality: the JSON API (v1), "
                            "Open311 GeoReport v2 and OGC API - Features. Errors of the v1 API are "
                            "{\"error\":{\"code\",\"message\",\"field\"}} with the codes of doc/contract.md.",
             "license": {"name": "Proprietary (the municipality)", "url": "https://example.invalid/license"}},
    "servers": [{"url": "/"}],
    "tags": [{"name": t, "description": t} for t in ("system", "reference", "observations", "exports", "statistics",
                                                       "staff", "cases", "admin", "walks", "open311", "ogc")],
    "security": [],
    "paths": paths,
    "components": {
        "schemas": schemas,
        "securitySchemes": {
            "session": {"type": "apiKey", "in": "cookie", "name": "trygg_session",
                        "description": "The staff session (X-CSRF-Token on every write)"},
            "unitToken": {"type": "http", "scheme": "bearer", "description": "A unit's API token"},
        },
    },
}

def render():
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    import sys
    if "--stdout" in sys.argv:
        sys.stdout.write(render())
    else:
        with open(OUT, "w") as f:
            f.write(render())
