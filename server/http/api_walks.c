/*
 * api_walks — safety walks over HTTP: planning and the walk page for
 * organisers and the office, joining, auditing and the public pages for
 * residents, the documents (QR, poster, protocol PDF/CSV, iCalendar). Thin:
 * validate at the edge (routes from GeoJSON or GPX through routefile), call
 * wf_walks / wf_walkdocs, render.
 */
#include "api.h"
#include "http.h"
#include "ratelimit.h"
#include "routefile.h"
#include "session.h"
#include "validate.h"
#include "views.h"
#include "wf_observations.h"
#include "wf_walkdocs.h"
#include "wf_walks.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WALK_ROLES (ROLE_ORGANISER | ROLE_OFFICE)
#define WALK_LIST_MAX 500

/* ---- unknown join codes are rate-limited per client address ---------------- */

static struct ratelimit code_failures;
static pthread_once_t code_failures_once = PTHREAD_ONCE_INIT;
static int code_failures_limit = 30;

static void code_failures_init(void)
{
    ratelimit_init(&code_failures, code_failures_limit, 60);
}

/* 0 when this address may look up another code; else replies 429. */
static int code_lookup_allowed_or_reply(struct req *r)
{
    code_failures_limit = r->cfg->walk_code_failures_per_minute;
    pthread_once(&code_failures_once, code_failures_init);
    int64_t now = (int64_t)time(NULL);
    if (!ratelimit_exceeded(&code_failures, http_client_address(r), now))
        return 0;
    char hdr[64];
    snprintf(hdr, sizeof hdr, "Retry-After: %d\r\n", ratelimit_retry_after(&code_failures, now));
    char body[200];
    int n = snprintf(body, sizeof body,
                     "{\"error\":{\"code\":\"%s\",\"message\":\"too many unknown walk codes; "
                     "wait a minute\",\"field\":\"code\"}}",
                     errors_code(ERR_RATE_LIMITED));
    http_reply_bytes(r, errors_status(ERR_RATE_LIMITED), "application/json", body, (size_t)n, hdr);
    return -1;
}

/* Replies to a failed code lookup, counting an unknown code against the address. */
static int reply_code_failure(struct req *r, struct wf_error *err)
{
    if (err->code == ERR_UNKNOWN_WALK) {
        ratelimit_count(&code_failures, http_client_address(r), (int64_t)time(NULL));
        return http_reply_error(r, ERR_NOT_FOUND, "code", "%s", err->message);
    }
    return http_reply_fail(r, err);
}

/* ---- parsing a plan ---------------------------------------------------------- */

struct walk_body {
    struct wf_walk_input in;
    struct wf_walk_partner partners[WF_WALK_MAX_PARTNERS];
    struct wf_walk_group groups[WF_WALK_MAX_GROUPS];
    struct wf_walk_stop stops[WF_WALK_MAX_STOPS];
    struct route_point *allocated[WF_WALK_MAX_GROUPS + 1];
    int nallocated;
};

static void walk_body_free(struct walk_body *b)
{
    for (int i = 0; i < b->nallocated; i++)
        free(b->allocated[i]);
}

/* Parses a route given as a GeoJSON object (value) or as file text (GeoJSON or
 * GPX). 0 with *out filled (n 0 when absent), or replied and -1. */
static int route_or_reply(struct req *r, struct walk_body *b, json_t *value, const char *file,
                          const char *field, struct wf_route *out)
{
    out->pts = NULL;
    out->n = 0;
    if ((!value || json_is_null(value)) && !file)
        return 0;
    char *text = NULL;
    const char *src = file;
    enum routefile_format fmt = ROUTEFILE_AUTO;
    if (value && !json_is_null(value)) {
        if (!json_is_object(value))
            return http_reply_error(r, ERR_INVALID_TYPE, field, "'%s' must be a GeoJSON LineString",
                                    field),
                   -1;
        text = json_dumps(value, JSON_COMPACT);
        if (!text)
            return http_reply_error(r, ERR_INTERNAL, NULL, "out of memory"), -1;
        src = text;
        fmt = ROUTEFILE_GEOJSON;
    }
    struct routefile_error rerr;
    struct route_point *pts = NULL;
    size_t n = 0;
    int rc = routefile_parse(src, strlen(src), fmt, (size_t)r->cfg->walk_route_max_points, &pts, &n,
                             &rerr);
    free(text);
    if (rc != ROUTEFILE_OK) {
        enum err_code code = rc == ROUTEFILE_NOT_LINESTRING ? ERR_INVALID_TYPE
                             : rc == ROUTEFILE_TOO_MANY_POINTS || rc == ROUTEFILE_OUT_OF_RANGE ||
                                     rc == ROUTEFILE_TOO_FEW_POINTS
                                 ? ERR_OUT_OF_RANGE
                                 : ERR_INVALID_FORMAT;
        return http_reply_error(r, code, field, "%s (%s)", rerr.message, routefile_code_name(rc)),
               -1;
    }
    b->allocated[b->nallocated++] = pts;
    out->pts = pts;
    out->n = n;
    return 0;
}

/* A lon/lat object {"lon","lat"} into lon/lat; 0, 1 absent/null, or replied -1. */
static int point_or_reply(struct req *r, json_t *v, const char *field, double *lon, double *lat)
{
    if (!v || json_is_null(v))
        return 1;
    if (!json_is_object(v) ||
        http_json_number_or_reply(r, v, "lon", 1, -180, 180, lon, NULL) != 0 ||
        http_json_number_or_reply(r, v, "lat", 1, -90, 90, lat, NULL) != 0)
        return r->status ? -1
                         : (http_reply_error(r, ERR_INVALID_TYPE, field,
                                             "'%s' is {\"lon\": …, \"lat\": …}", field),
                            -1);
    return 0;
}

/* A time field into *t (0 when absent); 0 or replied -1. */
static int time_or_reply(struct req *r, const char *field, int64_t *t, int *given)
{
    const char *s = NULL;
    *t = 0;
    if (http_json_string_or_reply(r, r->json, field, NULL, 0, 40, &s) != 0)
        return -1;
    *given = json_object_get(r->json, field) != NULL;
    if (s && parse_rfc3339(s, t) != 0)
        return http_reply_error(r, ERR_INVALID_TIMESTAMP, field,
                                "'%s' must be an RFC 3339 time such as 2026-12-03T17:00:00Z",
                                field),
               -1;
    return 0;
}

static int parse_walk_or_reply(struct req *r, struct walk_body *b, int create)
{
    json_t *j = r->json;
    struct wf_walk_input *in = &b->in;
    memset(b, 0, sizeof *b);
    in->expected_participants = -1;
    in->public_ = -1;
    int64_t expected = -1, follow = 0;
    int has_expected = 0, pub = -1;
    if (http_json_string_or_reply(r, j, "title", NULL,
                                  create && !json_object_get(j, "follow_up_of"),
                                  WF_WALK_TITLE_MAX_CHARS, &in->title) ||
        http_json_string_or_reply(r, j, "area", NULL, 0, 64, &in->area_code) ||
        http_json_string_or_reply(r, j, "meeting_text", NULL, 0, WF_WALK_TEXT_MAX_CHARS,
                                  &in->meeting_text) ||
        http_json_string_or_reply(r, j, "meeting_held_on", NULL, 0, 10, &in->meeting_held_on) ||
        http_json_string_or_reply(r, j, "state", NULL, 0, 16, &in->state) ||
        http_json_string_or_reply(r, j, "lang", NULL, 0, 2, &in->lang) ||
        http_json_int_or_reply(r, j, "expected_participants", 0, 0, 100000, &expected,
                               &has_expected) ||
        http_json_bool_or_reply(r, j, "public", 0, &pub) ||
        http_json_int_or_reply(r, j, "follow_up_of", 0, 1, INT64_MAX, &follow, NULL) ||
        time_or_reply(r, "starts_at", &in->starts_at, &in->has_starts) ||
        time_or_reply(r, "ends_at", &in->ends_at, &in->has_ends))
        return -1;
    if (in->meeting_held_on && *in->meeting_held_on && !wf_date_valid(in->meeting_held_on))
        return http_reply_error(r, ERR_INVALID_FORMAT, "meeting_held_on",
                                "'meeting_held_on' is a date YYYY-MM-DD"),
               -1;
    if (in->lang && strcmp(in->lang, "sv") && strcmp(in->lang, "en"))
        return http_reply_error(r, ERR_INVALID_FORMAT, "lang", "'lang' is sv or en"), -1;
    if (create && !in->starts_at && !follow)
        return http_reply_error(r, ERR_MISSING_FIELD, "starts_at", "a walk needs 'starts_at'"), -1;
    in->expected_participants = has_expected ? (int)expected : -1;
    in->public_ = pub;
    in->follow_up_of = follow;
    in->has_title = json_object_get(j, "title") != NULL;
    in->has_area = json_object_get(j, "area") != NULL;
    in->has_meeting_text = json_object_get(j, "meeting_text") != NULL;
    in->has_meeting_held_on = json_object_get(j, "meeting_held_on") != NULL;
    in->has_state = json_object_get(j, "state") != NULL;
    in->has_lang = json_object_get(j, "lang") != NULL;
    in->has_expected = has_expected;
    in->has_public = pub >= 0;
    int p = point_or_reply(r, json_object_get(j, "meeting_point"), "meeting_point",
                           &in->meeting_lon, &in->meeting_lat);
    if (p < 0)
        return -1;
    in->has_meeting = p == 0;
    in->has_meeting_point = json_object_get(j, "meeting_point") != NULL;
    const char *route_file = NULL;
    if (http_json_string_or_reply(r, j, "route_file", NULL, 0, 4 * 1024 * 1024, &route_file) ||
        route_or_reply(r, b, json_object_get(j, "route"), route_file,
                       route_file ? "route_file" : "route", &in->route) != 0)
        return -1;
    in->has_route = json_object_get(j, "route") != NULL || route_file != NULL;

    json_t *partners = json_object_get(j, "partners");
    if (partners && !json_is_null(partners)) {
        if (!json_is_array(partners) || json_array_size(partners) > WF_WALK_MAX_PARTNERS)
            return http_reply_error(r, ERR_INVALID_TYPE, "partners",
                                    "'partners' is a list of at most %d unit codes or "
                                    "{\"name\": …}",
                                    WF_WALK_MAX_PARTNERS),
                   -1;
        size_t i;
        json_t *v;
        json_array_foreach(partners, i, v)
        {
            if (json_is_string(v))
                b->partners[i].unit_code = json_string_value(v);
            else if (json_is_object(v) && json_is_string(json_object_get(v, "name")) &&
                     json_string_length(json_object_get(v, "name")) <= WF_WALK_NAME_MAX_CHARS * 4)
                b->partners[i].name = json_string_value(json_object_get(v, "name"));
            else
                return http_reply_error(r, ERR_INVALID_TYPE, "partners",
                                        "a partner is a unit code or {\"name\": …}"),
                       -1;
        }
        in->partners = b->partners;
        in->n_partners = json_array_size(partners);
    }
    in->has_partners = partners != NULL;
    json_t *groups = json_object_get(j, "groups");
    if (groups && !json_is_null(groups)) {
        if (!json_is_array(groups) || json_array_size(groups) > WF_WALK_MAX_GROUPS)
            return http_reply_error(r, ERR_INVALID_TYPE, "groups",
                                    "'groups' is a list of at most %d {\"name\", \"route\"}",
                                    WF_WALK_MAX_GROUPS),
                   -1;
        size_t i;
        json_t *v;
        json_array_foreach(groups, i, v)
        {
            if (!json_is_object(v) ||
                http_json_string_or_reply(r, v, "name", "groups.name", 1, WF_WALK_NAME_MAX_CHARS,
                                          &b->groups[i].name) != 0)
                return r->status ? -1
                                 : (http_reply_error(r, ERR_INVALID_TYPE, "groups",
                                                     "a group is {\"name\", \"route\"}"),
                                    -1);
            if (route_or_reply(r, b, json_object_get(v, "route"), NULL, "groups",
                               &b->groups[i].route) != 0)
                return -1;
        }
        in->groups = b->groups;
        in->n_groups = json_array_size(groups);
    }
    in->has_groups = groups != NULL;
    json_t *stops = json_object_get(j, "stops");
    if (stops && !json_is_null(stops)) {
        if (!json_is_array(stops) || json_array_size(stops) > WF_WALK_MAX_STOPS)
            return http_reply_error(r, ERR_INVALID_TYPE, "stops",
                                    "'stops' is a list of at most %d {\"lon\",\"lat\",\"note\"}",
                                    WF_WALK_MAX_STOPS),
                   -1;
        size_t i;
        json_t *v;
        json_array_foreach(stops, i, v)
        {
            int64_t gi = -1;
            int has_group = 0;
            if (!json_is_object(v) ||
                http_json_number_or_reply(r, v, "lon", 1, -180, 180, &b->stops[i].lon, NULL) ||
                http_json_number_or_reply(r, v, "lat", 1, -90, 90, &b->stops[i].lat, NULL) ||
                http_json_string_or_reply(r, v, "note", "stops.note", 0, WF_WALK_TEXT_MAX_CHARS,
                                          &b->stops[i].note) ||
                http_json_int_or_reply(r, v, "group", 0, 0, WF_WALK_MAX_GROUPS - 1, &gi,
                                       &has_group))
                return r->status ? -1
                                 : (http_reply_error(r, ERR_INVALID_TYPE, "stops",
                                                     "a stop is {\"lon\",\"lat\",\"note\"}"),
                                    -1);
            b->stops[i].group_index = has_group ? (int)gi : -1;
        }
        in->stops = b->stops;
        in->n_stops = json_array_size(stops);
    }
    in->has_stops = stops != NULL;
    return 0;
}

/* ---- handlers ------------------------------------------------------------------ */

static int reply_walk(struct req *r, int status, int64_t id)
{
    char base[300];
    struct wf_error err;
    http_base_url(r, base, sizeof base);
    json_t *o = wf_walk_view(r->dbc, base, id, &err);
    if (!o)
        return http_reply_fail(r, &err);
    return http_reply_json(r, status, o);
}

int api_walks_create(struct req *r)
{
    struct walk_body b;
    struct wf_error err;
    int64_t id = 0;
    if (parse_walk_or_reply(r, &b, 1) != 0) {
        walk_body_free(&b);
        return r->status;
    }
    struct wf_actor a = session_actor(r);
    int rc = wf_walk_create(r->dbc, r->cfg, &a, &b.in, &id, &err);
    walk_body_free(&b);
    if (rc != 0)
        return http_reply_fail(r, &err);
    return reply_walk(r, 201, id);
}

/* The walk id of the path, visible to the session (replies 404 otherwise). */
static int walk_id_or_reply(struct req *r, int64_t *id)
{
    struct wf_error err;
    if (http_param_id_or_reply(r, 0, id) != 0)
        return -1;
    struct wf_actor a = session_actor(r);
    if (wf_walk_visible(r->dbc, &a, *id, &err) != 0)
        return http_reply_fail(r, &err), -1;
    return 0;
}

int api_walk_put(struct req *r)
{
    int64_t id;
    struct walk_body b;
    struct wf_error err;
    if (walk_id_or_reply(r, &id) != 0)
        return r->status;
    if (parse_walk_or_reply(r, &b, 0) != 0) {
        walk_body_free(&b);
        return r->status;
    }
    struct wf_actor a = session_actor(r);
    int rc = wf_walk_update(r->dbc, r->cfg, &a, id, &b.in, &err);
    walk_body_free(&b);
    if (rc != 0)
        return http_reply_fail(r, &err);
    return reply_walk(r, 200, id);
}

static int all_digits(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

int api_walk_get(struct req *r)
{
    const char *key = r->param[0];
    if (all_digits(key)) { /* an id: the staff view */
        int64_t id;
        if (session_require_or_reply(r, WALK_ROLES) != 0 || walk_id_or_reply(r, &id) != 0)
            return r->status;
        return reply_walk(r, 200, id);
    }
    if (code_lookup_allowed_or_reply(r) != 0)
        return r->status;
    struct wf_error err;
    json_t *o = wf_walk_public(r->dbc, r->cfg, key, NULL, &err);
    if (!o)
        return reply_code_failure(r, &err);
    char base[300], url[400];
    http_base_url(r, base, sizeof base);
    wf_walk_join_url(base, json_string_value(json_object_get(o, "code")), url, sizeof url);
    json_object_set_new(o, "join_url", json_string(url));
    return http_reply_json(r, 200, o);
}

int api_walks_list(struct req *r)
{
    char area[80], state[20], from_s[40], to_s[40], from_ts[32], to_ts[32];
    int h_area, h_state, h_from, h_to;
    if ((h_area = http_query_or_reply(r, "area", area, sizeof area)) < 0 ||
        (h_state = http_query_or_reply(r, "state", state, sizeof state)) < 0 ||
        (h_from = http_query_or_reply(r, "from", from_s, sizeof from_s)) < 0 ||
        (h_to = http_query_or_reply(r, "to", to_s, sizeof to_s)) < 0)
        return r->status;
    struct walk_filter f = {0};
    int64_t t;
    if (h_from) {
        if (parse_rfc3339(from_s, &t) != 0)
            return http_reply_error(r, ERR_INVALID_TIMESTAMP, "from", "'from' must be RFC 3339");
        format_rfc3339(t, from_ts, sizeof from_ts);
        f.from = from_ts;
    }
    if (h_to) {
        if (parse_rfc3339(to_s, &t) != 0)
            return http_reply_error(r, ERR_INVALID_TIMESTAMP, "to", "'to' must be RFC 3339");
        format_rfc3339(t, to_ts, sizeof to_ts);
        f.to = to_ts;
    }
    if (h_state && strcmp(state, "planned") && strcmp(state, "ongoing") && strcmp(state, "done") &&
        strcmp(state, "cancelled"))
        return http_reply_error(r, ERR_INVALID_FORMAT, "state",
                                "'state' is planned, ongoing, done or cancelled");
    f.area_code = h_area ? area : NULL;
    f.state = h_state ? state : NULL;
    f.limit = WALK_LIST_MAX;
    int staff = session_optional(r);
    if (staff < 0)
        return r->status;
    int sees_all = staff && (r->session->role & ROLE_OFFICE);
    int organiser = staff && r->session->role == ROLE_ORGANISER;
    int unit = staff && r->session->role == ROLE_UNIT;
    if (organiser)
        f.organiser_user_id = r->session->user_id;
    if (unit) /* a unit sees the walks whose items it answers for */
        f.responsible_unit_id = r->session->unit_id;
    f.public_only = !sees_all && !organiser && !unit;
    json_t *walks = walk_store_list(r->dbc, &f);
    if (!walks)
        return http_reply_error(r, db_failure(r->dbc), NULL, "the walks could not be read");
    if (f.public_only) {
        /* The public sees what a notice board would show, nothing about people. */
        size_t i;
        json_t *w;
        json_array_foreach(walks, i, w)
        {
            json_object_del(w, "organiser");
            json_object_del(w, "expected_participants");
            json_object_del(w, "id");
        }
    }
    return http_reply_json(r, 200, json_pack("{s:o}", "walks", walks));
}

/* Sends a generated document with its content type; frees it. */
static int reply_document(struct req *r, int rc, unsigned char *bytes, size_t len, const char *type,
                          const char *disposition, struct wf_error *err)
{
    if (rc != 0)
        return http_reply_fail(r, err);
    char hdr[300];
    snprintf(hdr, sizeof hdr, "Cache-Control: no-store\r\n%s%s%s",
             disposition ? "Content-Disposition: " : "", disposition ? disposition : "",
             disposition ? "\r\n" : "");
    http_reply_bytes(r, 200, type, bytes, len, hdr);
    free(bytes);
    return 200;
}

static int qr(struct req *r, int png)
{
    int64_t id;
    char base[300];
    unsigned char *out = NULL;
    size_t len = 0;
    struct wf_error err;
    if (walk_id_or_reply(r, &id) != 0)
        return r->status;
    http_base_url(r, base, sizeof base);
    int rc = wf_walk_qr(r->dbc, base, id, png, &out, &len, &err);
    return reply_document(r, rc, out, len, png ? "image/png" : "image/svg+xml", NULL, &err);
}

int api_walk_qr_svg(struct req *r)
{
    return qr(r, 0);
}

int api_walk_qr_png(struct req *r)
{
    return qr(r, 1);
}

/* The lang query parameter ("sv" unless "en"); 0 or replied. */
static int lang_or_reply(struct req *r, char lang[4])
{
    int h = http_query_or_reply(r, "lang", lang, 4);
    if (h < 0)
        return -1;
    if (!h)
        snprintf(lang, 4, "sv");
    if (strcmp(lang, "sv") && strcmp(lang, "en"))
        return http_reply_error(r, ERR_INVALID_FORMAT, "lang", "'lang' is sv or en"), -1;
    return 0;
}

int api_walk_poster(struct req *r)
{
    int64_t id;
    char base[300], lang[4];
    unsigned char *out = NULL;
    size_t len = 0;
    struct wf_error err;
    if (walk_id_or_reply(r, &id) != 0 || lang_or_reply(r, lang) != 0)
        return r->status;
    http_base_url(r, base, sizeof base);
    int rc = wf_walk_poster(r->dbc, r->cfg, base, id, lang, &out, &len, &err);
    return reply_document(r, rc, out, len, "application/pdf", "inline; filename=\"poster.pdf\"",
                          &err);
}

int api_walk_protocol_pdf(struct req *r)
{
    int64_t id;
    char lang[4];
    unsigned char *out = NULL;
    size_t len = 0;
    struct wf_error err;
    if (walk_id_or_reply(r, &id) != 0 || lang_or_reply(r, lang) != 0)
        return r->status;
    int rc = wf_walk_protocol_pdf(r->dbc, r->cfg, id, lang, &out, &len, &err);
    return reply_document(r, rc, out, len, "application/pdf", "inline; filename=\"protocol.pdf\"",
                          &err);
}

int api_walk_protocol_csv(struct req *r)
{
    int64_t id;
    unsigned char *out = NULL;
    size_t len = 0;
    struct wf_error err;
    if (walk_id_or_reply(r, &id) != 0)
        return r->status;
    int rc = wf_walk_protocol_csv(r->dbc, id, &out, &len, &err);
    return reply_document(r, rc, out, len, "text/csv; charset=utf-8",
                          "attachment; filename=\"protocol.csv\"", &err);
}

int api_walks_ics(struct req *r)
{
    char base[300];
    unsigned char *out = NULL;
    size_t len = 0;
    struct wf_error err;
    http_base_url(r, base, sizeof base);
    int rc = wf_walks_ics(r->dbc, r->cfg, base, &out, &len, &err);
    return reply_document(r, rc, out, len, "text/calendar; charset=utf-8",
                          "inline; filename=\"walks.ics\"", &err);
}

int api_walk_live(struct req *r)
{
    int64_t id, after_obs = 0, after_audit = 0;
    char after[48];
    struct wf_error err;
    if (walk_id_or_reply(r, &id) != 0)
        return r->status;
    int h = http_query_or_reply(r, "after", after, sizeof after);
    if (h < 0)
        return r->status;
    if (h && strcmp(after, "0") != 0) {
        /* the cursor is "<observation id>-<audit id>": opaque to clients */
        char *dash = strchr(after, '-');
        if (!dash)
            return http_reply_error(r, ERR_INVALID_FORMAT, "after", "not a cursor of ours");
        *dash = '\0';
        if (parse_i64(after, 0, INT64_MAX, &after_obs) != 0 ||
            parse_i64(dash + 1, 0, INT64_MAX, &after_audit) != 0)
            return http_reply_error(r, ERR_INVALID_FORMAT, "after", "not a cursor of ours");
    }
    json_t *ids = walk_store_observation_ids(r->dbc, id, after_obs);
    json_t *audits = ids ? walk_store_audits(r->dbc, id, after_audit) : NULL;
    json_t *items = audits ? walk_store_items(r->dbc, id, 0) : NULL;
    if (!items) {
        json_decref(ids);
        json_decref(audits);
        return http_reply_error(r, db_failure(r->dbc), NULL, "the walk could not be read");
    }
    json_t *obs = json_array();
    size_t i;
    json_t *v;
    int64_t max_obs = after_obs, max_audit = after_audit;
    json_array_foreach(items, i, v)
    {
        json_int_t oid = json_integer_value(json_object_get(v, "observation_id"));
        if (oid <= after_obs)
            continue;
        json_array_append(obs, v);
        if (oid > max_obs)
            max_obs = oid;
    }
    json_array_foreach(audits, i, v)
    {
        json_int_t aid = json_integer_value(json_object_get(v, "id"));
        if (aid > max_audit)
            max_audit = aid;
    }
    json_decref(ids);
    json_decref(items);
    char cursor[48];
    snprintf(cursor, sizeof cursor, "%lld-%lld", (long long)max_obs, (long long)max_audit);
    json_t *w = wf_walk_view(r->dbc, "", id, &err);
    json_t *counts = w ? json_incref(json_object_get(w, "counts")) : json_null();
    json_t *state = w ? json_incref(json_object_get(w, "state")) : json_null();
    json_decref(w);
    return http_reply_json(r, 200,
                           json_pack("{s:s, s:o, s:o, s:o, s:o}", "cursor", cursor, "observations",
                                     obs, "audits", audits, "counts", counts, "state", state));
}

int api_walk_items(struct req *r)
{
    int64_t id;
    struct wf_error err;
    if (http_param_id_or_reply(r, 0, &id) != 0)
        return r->status;
    struct wf_actor a = session_actor(r);
    json_t *items = wf_walk_items(r->dbc, &a, id, &err);
    if (!items)
        return http_reply_fail(r, &err);
    return http_reply_json(r, 200,
                           json_pack("{s:I, s:o}", "walk_id", (json_int_t)id, "items", items));
}

int api_walk_item_put(struct req *r)
{
    int64_t id, obs, prio = 0;
    int has_prio = 0;
    struct wf_item_plan p = {0};
    struct wf_error err;
    if (walk_id_or_reply(r, &id) != 0 || http_param_id_or_reply(r, 1, &obs) != 0 ||
        http_json_string_or_reply(r, r->json, "action", NULL, 0, WF_WALK_TEXT_MAX_CHARS,
                                  &p.action) ||
        http_json_string_or_reply(r, r->json, "responsible_unit", NULL, 0, 64,
                                  &p.responsible_unit) ||
        http_json_string_or_reply(r, r->json, "responsible_name", NULL, 0, WF_WALK_NAME_MAX_CHARS,
                                  &p.responsible_name) ||
        http_json_string_or_reply(r, r->json, "deadline", NULL, 0, 10, &p.deadline) ||
        http_json_int_or_reply(r, r->json, "priority", 0, 1, 3, &prio, &has_prio))
        return r->status;
    p.priority = has_prio ? (int)prio : 0;
    struct wf_actor a = session_actor(r);
    if (wf_walk_item_plan(r->dbc, &a, id, obs, &p, &err) != 0)
        return http_reply_fail(r, &err);
    return api_walk_items(r);
}

int api_walk_item_answer(struct req *r)
{
    int64_t id, obs;
    struct walk_item_answer ans = {0};
    struct wf_error err;
    if (http_param_id_or_reply(r, 0, &id) != 0 || http_param_id_or_reply(r, 1, &obs) != 0 ||
        http_json_string_or_reply(r, r->json, "answer", NULL, 1, 16, &ans.answer) ||
        http_json_string_or_reply(r, r->json, "by", NULL, 0, 10, &ans.by) ||
        http_json_string_or_reply(r, r->json, "reason", NULL, 0, WF_WALK_TEXT_MAX_CHARS,
                                  &ans.reason) ||
        http_json_string_or_reply(r, r->json, "passed_to", NULL, 0, WF_WALK_NAME_MAX_CHARS,
                                  &ans.passed_to) ||
        http_json_string_or_reply(r, r->json, "comment", NULL, 0, WF_WALK_TEXT_MAX_CHARS,
                                  &ans.comment))
        return r->status;
    if (ans.by && *ans.by && !wf_date_valid(ans.by))
        return http_reply_error(r, ERR_INVALID_FORMAT, "by", "'by' is a date YYYY-MM-DD");
    struct wf_actor a = session_actor(r);
    if (wf_walk_item_answer(r->dbc, &a, id, obs, &ans, &err) != 0)
        return http_reply_fail(r, &err);
    return api_walk_items(r);
}

int api_walk_publish(struct req *r)
{
    int64_t id;
    int queued = 0;
    struct wf_error err;
    if (walk_id_or_reply(r, &id) != 0)
        return r->status;
    struct wf_actor a = session_actor(r);
    if (wf_walk_publish(r->dbc, r->cfg, &a, id, &queued, &err) != 0)
        return http_reply_fail(r, &err);
    return http_reply_json(
        r, 200, json_pack("{s:I, s:i}", "walk_id", (json_int_t)id, "emails_queued", queued));
}

int api_walk_join(struct req *r)
{
    const char *pid = NULL, *email = NULL;
    int64_t group = 0, count = 0;
    int added = 0;
    struct wf_error err;
    if (code_lookup_allowed_or_reply(r) != 0 ||
        http_json_string_or_reply(r, r->json, "participant_id", NULL, 1, 36, &pid) ||
        http_json_int_or_reply(r, r->json, "group_id", 0, 1, INT64_MAX, &group, NULL) ||
        http_json_string_or_reply(r, r->json, "email", NULL, 0, r->cfg->max_name_chars, &email))
        return r->status;
    if (!uuid_valid(pid))
        return http_reply_error(r, ERR_INVALID_UUID, "participant_id",
                                "'participant_id' must be a UUID");
    if (wf_walk_join(r->dbc, r->param[0], pid, group, email, &count, &added, &err) != 0)
        return reply_code_failure(r, &err);
    return http_reply_json(r, added ? 201 : 200,
                           json_pack("{s:I}", "participants", (json_int_t)count));
}

int api_walk_audit(struct req *r)
{
    struct wf_audit_input in = {0};
    const char *observed = NULL;
    int64_t id = 0;
    int repeat = 0;
    struct wf_error err;
    if (code_lookup_allowed_or_reply(r) != 0 ||
        http_json_string_or_reply(r, r->json, "client_id", NULL, 1, 36, &in.client_id) ||
        http_json_number_or_reply(r, r->json, "lon", 1, -180, 180, &in.lon, NULL) ||
        http_json_number_or_reply(r, r->json, "lat", 1, -90, 90, &in.lat, NULL) ||
        http_json_int_or_reply(r, r->json, "group_id", 0, 1, INT64_MAX, &in.group_id, NULL) ||
        http_json_string_or_reply(r, r->json, "observed_at", NULL, 0, 40, &observed))
        return r->status;
    if (!uuid_valid(in.client_id))
        return http_reply_error(r, ERR_INVALID_UUID, "client_id", "'client_id' must be a UUID");
    if (observed && parse_rfc3339(observed, &in.observed_at) != 0)
        return http_reply_error(r, ERR_INVALID_TIMESTAMP, "observed_at",
                                "'observed_at' must be an RFC 3339 time");
    json_t *ratings = json_object_get(r->json, "ratings");
    if (!json_is_object(ratings))
        return http_reply_error(r, ratings ? ERR_INVALID_TYPE : ERR_MISSING_FIELD, "ratings",
                                "'ratings' is an object of the nine parameters, each 0-3");
    const char *key;
    json_t *v;
    json_object_foreach(ratings, key, v)
    {
        int known = 0;
        for (int i = 0; i < WALK_AUDIT_PARAMS; i++)
            known |= strcmp(key, walk_audit_params[i]) == 0;
        if (!known)
            return http_reply_error(r, ERR_INVALID_FORMAT, "ratings",
                                    "unknown parameter '%s' in 'ratings'", key);
    }
    for (int i = 0; i < WALK_AUDIT_PARAMS; i++) {
        char label[64];
        int64_t x;
        snprintf(label, sizeof label, "ratings.%s", walk_audit_params[i]);
        json_t *rv = json_object_get(ratings, walk_audit_params[i]);
        if (!rv)
            return http_reply_error(r, ERR_MISSING_FIELD, "ratings", "'%s' is required", label);
        if (!json_is_integer(rv))
            return http_reply_error(r, ERR_INVALID_TYPE, "ratings", "'%s' must be 0, 1, 2 or 3",
                                    label);
        x = json_integer_value(rv);
        if (x < 0 || x > 3)
            return http_reply_error(r, ERR_OUT_OF_RANGE, "ratings", "'%s' must be 0, 1, 2 or 3",
                                    label);
        in.ratings[i] = (int)x;
    }
    if (wf_walk_audit(r->dbc, r->cfg, r->param[0], &in, &id, &repeat, &err) != 0)
        return reply_code_failure(r, &err);
    json_t *o = walk_store_audit_json(r->dbc, id);
    if (!o)
        return http_reply_error(r, db_failure(r->dbc), NULL, "the audit could not be read");
    return http_reply_json(r, repeat ? 200 : 201, o);
}

int api_walk_observation_add(struct req *r)
{
    int64_t id;
    if (walk_id_or_reply(r, &id) != 0)
        return r->status;
    return api_obs_create_on_walk(r, id);
}
