/*
 * api_observations — the resident's side of the JSON API: file an observation,
 * read its public view, list them as GeoJSON, "nearby", "me too", and the
 * map's clusters. Thin: validate at the edge, call the workflow or a view,
 * render. Never reads or writes contact details.
 */
#include "api.h"
#include "jsonout.h"
#include "jsonw.h"
#include "grid.h"
#include "http.h"
#include "quota.h"
#include "session.h"
#include "validate.h"
#include "views.h"
#include "log.h"
#include "ogc_query.h"
#include "session.h"
#include "wf_export.h"
#include "wf_observations.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OBS_CATEGORY_MAX_CHARS 32
#define OBS_WALK_CODE_MAX_CHARS 32
#define OBS_FUTURE_TOLERANCE_S 600 /* phones' clocks drift */
#define OBS_EARLIEST_T 946684800   /* 2000-01-01: older timestamps are a client bug */
#define OBS_MAX_CATEGORY_FILTER 32
#define MAP_MAX_FILTER_CODES 32
#define NEARBY_DEFAULT_RADIUS_M 50
#define NEARBY_MAX_RADIUS_M 500
#define NEARBY_MAX_RESULTS 10

/* Validates the JSON body into *o. 0, or replied and -1. */
static int parse_new_obs_or_reply(struct req *r, struct wf_obs_input *o)
{
    json_t *j = r->json;
    const struct config *cfg = r->cfg;
    const char *observed_at = NULL;
    double accuracy = -1;
    int64_t rating = 0;
    int has_accuracy = 0, has_rating = 0;
    memset(o, 0, sizeof *o);
    if (http_json_string_or_reply(r, j, "client_id", NULL, 1, 36, &o->client_id) != 0)
        return -1;
    if (!uuid_valid(o->client_id))
        return http_reply_error(r, ERR_INVALID_UUID, "client_id",
                                "'client_id' must be a UUID such as "
                                "0b8f3e0c-5d3c-4f6e-9a71-2f1c3b9d8e11"),
               -1;
    if (http_json_string_or_reply(r, j, "category", NULL, 1, OBS_CATEGORY_MAX_CHARS,
                                  &o->category) != 0 ||
        http_json_number_or_reply(r, j, "lon", 1, -180, 180, &o->lon, NULL) != 0 ||
        http_json_number_or_reply(r, j, "lat", 1, -90, 90, &o->lat, NULL) != 0 ||
        http_json_number_or_reply(r, j, "accuracy_m", 0, 0, cfg->max_accuracy_m, &accuracy,
                                  &has_accuracy) != 0 ||
        http_json_int_or_reply(r, j, "unsafe_rating", 0, 1, 5, &rating, &has_rating) != 0 ||
        http_json_string_or_reply(r, j, "description", NULL, 0, (size_t)cfg->max_description_chars,
                                  &o->description) != 0 ||
        http_json_string_or_reply(r, j, "walk", NULL, 0, OBS_WALK_CODE_MAX_CHARS, &o->walk_code) !=
            0 ||
        http_json_string_or_reply(r, j, "observed_at", NULL, 0, 40, &observed_at) != 0 ||
        http_json_int_or_reply(r, j, "walk_group", 0, 1, INT64_MAX, &o->walk_group, NULL) != 0)
        return -1;
    o->accuracy_m = has_accuracy ? accuracy : -1;
    o->unsafe_rating = has_rating ? (int)rating : 0;
    int64_t now = (int64_t)time(NULL);
    o->observed_at = now;
    if (observed_at) {
        if (parse_rfc3339(observed_at, &o->observed_at) != 0)
            return http_reply_error(r, ERR_INVALID_TIMESTAMP, "observed_at",
                                    "'observed_at' must be an RFC 3339 time such as "
                                    "2026-11-24T18:30:00Z"),
                   -1;
        if (o->observed_at > now + OBS_FUTURE_TOLERANCE_S || o->observed_at < OBS_EARLIEST_T)
            return http_reply_error(r, ERR_OUT_OF_RANGE, "observed_at",
                                    "'observed_at' lies in the future or before the year 2000"),
                   -1;
    }
    json_t *rep = json_object_get(j, "reporter");
    if (rep && !json_is_null(rep)) {
        if (!json_is_object(rep))
            return http_reply_error(r, ERR_INVALID_TYPE, "reporter",
                                    "'reporter' must be an object with name, email and phone"),
                   -1;
        size_t max = (size_t)cfg->max_name_chars;
        if (http_json_string_or_reply(r, rep, "name", "reporter.name", 0, max, &o->name) != 0 ||
            http_json_string_or_reply(r, rep, "email", "reporter.email", 0, max, &o->email) != 0 ||
            http_json_string_or_reply(r, rep, "phone", "reporter.phone", 0, max, &o->phone) != 0)
            return -1;
        if (o->email && *o->email && (!strchr(o->email, '@') || strpbrk(o->email, " \t\r\n<>")))
            return http_reply_error(r, ERR_INVALID_FORMAT, "reporter.email",
                                    "'reporter.email' is not an e-mail address"),
                   -1;
    }
    /* The e-mail follow-up and the language its mails are written in. */
    if (http_json_bool_or_reply(r, j, "follow_up", 0, &o->follow_up) != 0 ||
        http_json_string_or_reply(r, j, "lang", NULL, 0, 2, &o->lang) != 0)
        return -1;
    if (o->lang && strcmp(o->lang, "sv") != 0 && strcmp(o->lang, "en") != 0)
        return http_reply_error(r, ERR_INVALID_FORMAT, "lang", "'lang' is \"sv\" or \"en\""), -1;
    if (o->follow_up && !(o->email && *o->email))
        return http_reply_error(r, ERR_MISSING_FIELD, "follow_up",
                                "'follow_up' needs 'reporter.email': the address to write to"),
               -1;
    return 0;
}

/* Sends the public view of observation id with status; upload_token (may be
 * NULL) is added for the filer only: it is in no other answer. */
static int reply_observation(struct req *r, int status, int64_t id, const char *extra_headers,
                             const char *upload_token)
{
    int failed = 0;
    json_t *o = views_observation(r->dbc, id, &failed);
    if (!o && failed)
        return http_reply_error(r, db_failure(r->dbc), NULL, "the observation could not be read");
    if (!o && !upload_token)
        return http_reply_error(r, ERR_NOT_FOUND, NULL, "no observation %lld", (long long)id);
    if (!o) /* a repeat of a report the office has hidden since: only what the filer sent */
        o = json_pack("{s:I, s:b}", "id", (json_int_t)id, "public", 0);
    if (upload_token)
        json_object_set_new(o, "upload_token", json_string(upload_token));
    char *body = jsonout_dumps(o, HTTP_JSON_TEXT_MAX, NULL);
    json_decref(o);
    if (!body)
        return http_reply_error(r, ERR_INTERNAL, NULL, "out of memory");
    http_reply_bytes(r, status, "application/json", body, strlen(body), extra_headers);
    free(body);
    return status;
}

int api_obs_create(struct req *r)
{
    if (quota_take_or_reply(r, QUOTA_OBSERVATIONS) != 0)
        return r->status;
    return api_obs_create_on_walk(r, 0);
}

int api_obs_create_on_walk(struct req *r, int64_t walk_id)
{
    struct wf_obs_input o;
    struct wf_error err;
    int64_t id = 0;
    int repeat = 0;
    char token[WF_UPLOAD_TOKEN_HEX];
    if (parse_new_obs_or_reply(r, &o) != 0)
        return r->status;
    /* A report filed by a logged-in staff member counts as the staff's in the statistics. */
    int staff = session_optional(r);
    if (staff < 0)
        return r->status;
    o.by_staff = staff == 1;
    if (walk_id) {
        o.walk_id = walk_id;
        o.walk_code = NULL;
    }
    if (wf_observation_file(r->dbc, r->cfg, &o, &id, &repeat, token, &err) != 0)
        return http_reply_fail(r, &err);
    if (repeat)
        return reply_observation(r, 200, id, NULL, token);
    char hdr[96];
    snprintf(hdr, sizeof hdr, "Location: /api/v1/observations/%lld\r\n", (long long)id);
    return reply_observation(r, 201, id, hdr, token);
}

int api_obs_get(struct req *r)
{
    int64_t id;
    if (http_param_id_or_reply(r, 0, &id) != 0)
        return r->status;
    /* The public view only, whoever asks: a cache may keep it. */
    char key[64], cache_hdr[HTTP_PUBLIC_CACHE_HEADERS_MAX];
    snprintf(key, sizeof key, "observation|%lld", (long long)id);
    int cached = http_public_cache_or_reply(r, key, cache_hdr);
    if (cached != 0)
        return r->status;
    return reply_observation(r, 200, id, cache_hdr, NULL);
}

/* Appends "&name=value" (URL-encoded) to a link being built. */
static void link_add(char *link, size_t cap, const char *name, const char *value)
{
    char enc[HTTP_QUERY_VALUE_MAX * 3 + 1];
    mg_url_encode(value, enc, sizeof enc);
    size_t n = strlen(link);
    snprintf(link + n, cap - n, "%s%s=%s", strchr(link, '?') ? "&" : "?", name, enc);
}

int api_obs_list(struct req *r)
{
    char bbox_s[256], cat_s[HTTP_QUERY_VALUE_MAX], since_s[64], until_s[64], limit_s[32],
        cursor_s[32], cats_json[HTTP_QUERY_VALUE_MAX * 2], since_ts[32], until_ts[32];
    int64_t since = 0, until = 0, limit = r->cfg->page_size_default, cursor = 0;
    int has_bbox, has_cat, has_since, has_until, has_limit, has_cursor;
    struct obs_filter f = {0};

    if ((has_bbox = http_query_or_reply(r, "bbox", bbox_s, sizeof bbox_s)) < 0 ||
        (has_cat = http_query_or_reply(r, "category", cat_s, sizeof cat_s)) < 0 ||
        (has_since = http_query_or_reply(r, "since", since_s, sizeof since_s)) < 0 ||
        (has_until = http_query_or_reply(r, "until", until_s, sizeof until_s)) < 0 ||
        (has_limit = http_query_or_reply(r, "limit", limit_s, sizeof limit_s)) < 0 ||
        (has_cursor = http_query_or_reply(r, "cursor", cursor_s, sizeof cursor_s)) < 0)
        return r->status;
    if (has_bbox && parse_bbox(bbox_s, f.bbox) != 0)
        return http_reply_error(r, ERR_OUT_OF_RANGE, "bbox",
                                "'bbox' must be minlon,minlat,maxlon,maxlat in WGS 84");
    if (has_cat && parse_code_list(cat_s, OBS_MAX_CATEGORY_FILTER, cats_json, sizeof cats_json) < 0)
        return http_reply_error(r, ERR_INVALID_TYPE, "category",
                                "'category' must be a comma-separated list of category codes");
    if (has_since && parse_rfc3339(since_s, &since) != 0)
        return http_reply_error(r, ERR_INVALID_TIMESTAMP, "since",
                                "'since' must be an RFC 3339 time");
    if (has_until && parse_rfc3339(until_s, &until) != 0)
        return http_reply_error(r, ERR_INVALID_TIMESTAMP, "until",
                                "'until' must be an RFC 3339 time");
    if (has_limit && parse_i64(limit_s, 1, r->cfg->page_size_max, &limit) != 0)
        return http_reply_error(r, ERR_OUT_OF_RANGE, "limit",
                                "'limit' must be a whole number from 1 to %d",
                                r->cfg->page_size_max);
    if (has_cursor && parse_i64(cursor_s, 1, INT64_MAX, &cursor) != 0)
        return http_reply_error(r, ERR_BAD_REQUEST, "cursor",
                                "'cursor' is not one this server gave out");
    f.has_bbox = has_bbox;
    f.categories = has_cat ? cats_json : NULL;
    if (has_since) {
        format_rfc3339(since, since_ts, sizeof since_ts);
        f.since = since_ts;
    }
    if (has_until) {
        format_rfc3339(until, until_ts, sizeof until_ts);
        f.until = until_ts;
    }
    f.before_id = cursor;
    f.limit = limit;
    f.walk_rows = r->cfg->list_walk_rows;

    /* The answer depends on the question (its links repeat it as sent) and the data. */
    char base[300], key[HTTP_QUERY_VALUE_MAX * 4 + 1024], cache_hdr[HTTP_PUBLIC_CACHE_HEADERS_MAX];
    http_base_url(r, base, sizeof base);
    snprintf(key, sizeof key, "list|%s|%s|%s|%s|%s|%lld|%lld", base, has_bbox ? bbox_s : "",
             has_cat ? cat_s : "", has_since ? since_s : "", has_until ? until_s : "",
             (long long)limit, (long long)cursor);
    int cached = http_public_cache_or_reply(r, key, cache_hdr);
    if (cached != 0)
        return r->status;

    struct membuf out;
    membuf_init(&out, HTTP_JSON_TEXT_MAX);
    int64_t last_id = 0, count = 0;
    jsonw_raw(&out, "{\"type\":\"FeatureCollection\",\"features\":");
    if (views_observation_list_text(r->dbc, &f, &out, &count, &last_id) != 0) {
        membuf_free(&out);
        return http_reply_error(r, db_failure(r->dbc), NULL, "the query failed");
    }

    char link[8192], self[8192];
    snprintf(link, sizeof link, "%s%s", base, r->path);
    if (has_bbox)
        link_add(link, sizeof link, "bbox", bbox_s);
    if (has_cat)
        link_add(link, sizeof link, "category", cat_s);
    if (has_since)
        link_add(link, sizeof link, "since", since_s);
    if (has_until)
        link_add(link, sizeof link, "until", until_s);
    snprintf(limit_s, sizeof limit_s, "%lld", (long long)limit);
    link_add(link, sizeof link, "limit", limit_s);
    snprintf(self, sizeof self, "%s", link);
    if (has_cursor)
        link_add(self, sizeof self, "cursor", cursor_s);
    jsonw_raw(&out, ",\"links\":[{\"rel\":\"self\",\"type\":\"application/geo+json\",\"href\":");
    jsonw_str(&out, self);
    jsonw_raw(&out, "}");
    if (count == limit) {
        snprintf(cursor_s, sizeof cursor_s, "%lld", (long long)last_id);
        link_add(link, sizeof link, "cursor", cursor_s);
        jsonw_raw(&out, ",{\"rel\":\"next\",\"type\":\"application/geo+json\",\"href\":");
        jsonw_str(&out, link);
        jsonw_raw(&out, "}");
    }
    jsonw_raw(&out, "],\"numberReturned\":");
    jsonw_int(&out, count);
    jsonw_raw(&out, "}");
    if (out.failed) {
        membuf_free(&out);
        return http_reply_error(r, ERR_INTERNAL, NULL, "out of memory");
    }
    http_reply_bytes(r, 200, "application/geo+json", out.data, out.len, cache_hdr);
    membuf_free(&out);
    return 200;
}

int api_obs_nearby(struct req *r)
{
    char lon_s[64], lat_s[64], cat[64], rad_s[32], cats[128];
    double lon, lat, radius = NEARBY_DEFAULT_RADIUS_M;
    int has_lon, has_lat, has_cat, has_rad;
    if ((has_lon = http_query_or_reply(r, "lon", lon_s, sizeof lon_s)) < 0 ||
        (has_lat = http_query_or_reply(r, "lat", lat_s, sizeof lat_s)) < 0 ||
        (has_cat = http_query_or_reply(r, "category", cat, sizeof cat)) < 0 ||
        (has_rad = http_query_or_reply(r, "radius_m", rad_s, sizeof rad_s)) < 0)
        return r->status;
    if (!has_lon || parse_double(lon_s, -180, 180, &lon) != 0)
        return http_reply_error(r, has_lon ? ERR_OUT_OF_RANGE : ERR_MISSING_FIELD, "lon",
                                "'lon' must be a longitude in degrees");
    if (!has_lat || parse_double(lat_s, -90, 90, &lat) != 0)
        return http_reply_error(r, has_lat ? ERR_OUT_OF_RANGE : ERR_MISSING_FIELD, "lat",
                                "'lat' must be a latitude in degrees");
    double max_radius =
        r->cfg->nearby_max_radius_m > 0 && r->cfg->nearby_max_radius_m < NEARBY_MAX_RADIUS_M
            ? r->cfg->nearby_max_radius_m
            : NEARBY_MAX_RADIUS_M;
    if (has_rad && parse_double(rad_s, 1, max_radius, &radius) != 0)
        return http_reply_error(r, ERR_OUT_OF_RANGE, "radius_m", "'radius_m' must be from 1 to %g",
                                max_radius);
    if (has_cat && parse_code_list(cat, 1, cats, sizeof cats) != 1)
        return http_reply_error(r, ERR_INVALID_TYPE, "category", "'category' must be one code");
    json_t *arr = views_nearby(r->dbc, lon, lat, radius, has_cat ? cat : NULL, NEARBY_MAX_RESULTS);
    if (!arr)
        return http_reply_error(r, db_failure(r->dbc), NULL,
                                "the nearby reports could not be read");
    return http_reply_json(r, 200,
                           json_pack("{s:o, s:f}", "observations", arr, "radius_m", radius));
}

int api_obs_support(struct req *r)
{
    int64_t id, count = 0;
    const char *client_id = NULL;
    int added = 0;
    struct wf_error err;
    if (http_param_id_or_reply(r, 0, &id) != 0 ||
        http_json_string_or_reply(r, r->json, "client_id", NULL, 1, 36, &client_id) != 0)
        return r->status;
    if (!uuid_valid(client_id))
        return http_reply_error(r, ERR_INVALID_UUID, "client_id", "'client_id' must be a UUID");
    if (quota_take_or_reply(r, QUOTA_SUPPORTS) != 0)
        return r->status;
    if (wf_observation_support(r->dbc, r->cfg, id, client_id, quota_client_address(r), &added,
                               &count, &err) != 0)
        return http_reply_fail(r, &err);
    return http_reply_json(
        r, added ? 201 : 200,
        json_pack("{s:I, s:I}", "id", (json_int_t)id, "support_count", (json_int_t)count));
}

int api_map_clusters(struct req *r)
{
    char bbox_s[256], zoom_s[16], cat_s[HTTP_QUERY_VALUE_MAX], status_s[256], area_s[256],
        since_s[64], until_s[64], since_ts[32], until_ts[32];
    char cats_json[HTTP_QUERY_VALUE_MAX * 2], status_json[512], area_json[512];
    int64_t zoom, since = 0, until = 0;
    int has_bbox, has_zoom, has_cat, has_status, has_area, has_since, has_until;
    struct obs_map_filter f;
    memset(&f, 0, sizeof f);
    if ((has_bbox = http_query_or_reply(r, "bbox", bbox_s, sizeof bbox_s)) < 0 ||
        (has_zoom = http_query_or_reply(r, "zoom", zoom_s, sizeof zoom_s)) < 0 ||
        (has_cat = http_query_or_reply(r, "category", cat_s, sizeof cat_s)) < 0 ||
        (has_status = http_query_or_reply(r, "status", status_s, sizeof status_s)) < 0 ||
        (has_area = http_query_or_reply(r, "area", area_s, sizeof area_s)) < 0 ||
        (has_since = http_query_or_reply(r, "since", since_s, sizeof since_s)) < 0 ||
        (has_until = http_query_or_reply(r, "until", until_s, sizeof until_s)) < 0)
        return r->status;
    if (!has_bbox || parse_bbox(bbox_s, f.bbox) != 0)
        return http_reply_error(r, has_bbox ? ERR_OUT_OF_RANGE : ERR_MISSING_FIELD, "bbox",
                                "'bbox' must be minlon,minlat,maxlon,maxlat in WGS 84");
    if (!has_zoom || parse_i64(zoom_s, 0, GRID_MAX_ZOOM, &zoom) != 0)
        return http_reply_error(r, has_zoom ? ERR_OUT_OF_RANGE : ERR_MISSING_FIELD, "zoom",
                                "'zoom' must be a whole number from 0 to %d", GRID_MAX_ZOOM);
    if (has_cat && parse_code_list(cat_s, MAP_MAX_FILTER_CODES, cats_json, sizeof cats_json) < 0)
        return http_reply_error(r, ERR_INVALID_TYPE, "category",
                                "'category' must be a comma-separated list of codes");
    if (has_status && parse_code_list(status_s, 8, status_json, sizeof status_json) < 0)
        return http_reply_error(r, ERR_INVALID_TYPE, "status",
                                "'status' must be a comma-separated list of states");
    if (has_area && parse_code_list(area_s, MAP_MAX_FILTER_CODES, area_json, sizeof area_json) < 0)
        return http_reply_error(r, ERR_INVALID_TYPE, "area",
                                "'area' must be a comma-separated list of area codes");
    if (has_since && parse_rfc3339(since_s, &since) != 0)
        return http_reply_error(r, ERR_INVALID_TIMESTAMP, "since", "'since' must be RFC 3339");
    if (has_until && parse_rfc3339(until_s, &until) != 0)
        return http_reply_error(r, ERR_INVALID_TIMESTAMP, "until", "'until' must be RFC 3339");
    /* Web Mercator stops at +-85.05 degrees; clamp the box to it. */
    if (f.bbox[1] < -GRID_MAX_LAT)
        f.bbox[1] = -GRID_MAX_LAT;
    if (f.bbox[3] > GRID_MAX_LAT)
        f.bbox[3] = GRID_MAX_LAT;
    f.categories = has_cat ? cats_json : NULL;
    f.statuses = has_status ? status_json : NULL;
    f.areas = has_area ? area_json : NULL;
    if (has_since) {
        format_rfc3339(since, since_ts, sizeof since_ts);
        f.since = since_ts;
    }
    if (has_until) {
        format_rfc3339(until, until_ts, sizeof until_ts);
        f.until = until_ts;
    }
    char key[HTTP_QUERY_VALUE_MAX * 4], cache_hdr[HTTP_PUBLIC_CACHE_HEADERS_MAX];
    snprintf(key, sizeof key, "clusters|%.17g,%.17g,%.17g,%.17g|%lld|%s|%s|%s|%s|%s", f.bbox[0],
             f.bbox[1], f.bbox[2], f.bbox[3], (long long)zoom, f.categories ? f.categories : "-",
             f.statuses ? f.statuses : "-", f.areas ? f.areas : "-", f.since ? f.since : "-",
             f.until ? f.until : "-");
    int cached = http_public_cache_or_reply(r, key, cache_hdr);
    if (cached != 0)
        return r->status;
    char *text = NULL;
    size_t len = 0;
    if (views_clusters_text(r->dbc, &f, (int)zoom, &text, &len) != 0)
        return http_reply_error(r, db_failure(r->dbc), NULL, "the map could not be read");
    http_reply_bytes(r, 200, "application/json", text, len, cache_hdr);
    free(text);
    return 200;
}

/* The names of an export: "observations.csv" -> format; -1 when unknown. */
static int export_name(const char *file, const char *stem)
{
    size_t n = strlen(stem);
    if (strncmp(file, stem, n) != 0 || file[n] != '.')
        return -1;
    return wf_export_format(file + n + 1);
}

static const char *export_type(int fmt)
{
    return fmt == EXPORT_CSV       ? "text/csv; charset=utf-8"
           : fmt == EXPORT_GEOJSON ? "application/geo+json"
                                   : "application/geopackage+sqlite3";
}

int api_obs_export(struct req *r)
{
    int fmt = export_name(r->param[0], "observations");
    if (fmt < 0)
        return http_reply_error(r, ERR_NOT_FOUND, NULL,
                                "exports are observations.geojson, .csv or .gpkg");
    char bbox_s[256], cat_s[64], status_s[32], area_s[64], since_s[64], until_s[64];
    char since_ts[32], until_ts[32];
    int hb, hc, hs, ha, hsi, hu;
    struct ogc_query q = {0};
    int64_t t;
    if ((hb = http_query_or_reply(r, "bbox", bbox_s, sizeof bbox_s)) < 0 ||
        (hc = http_query_or_reply(r, "category", cat_s, sizeof cat_s)) < 0 ||
        (hs = http_query_or_reply(r, "status", status_s, sizeof status_s)) < 0 ||
        (ha = http_query_or_reply(r, "area", area_s, sizeof area_s)) < 0 ||
        (hsi = http_query_or_reply(r, "since", since_s, sizeof since_s)) < 0 ||
        (hu = http_query_or_reply(r, "until", until_s, sizeof until_s)) < 0)
        return r->status;
    if (hb && parse_bbox(bbox_s, q.bbox) != 0)
        return http_reply_error(r, ERR_OUT_OF_RANGE, "bbox",
                                "'bbox' must be minlon,minlat,maxlon,maxlat in WGS 84");
    q.has_bbox = hb;
    if (hsi) {
        if (parse_rfc3339(since_s, &t) != 0)
            return http_reply_error(r, ERR_INVALID_TIMESTAMP, "since", "'since' must be RFC 3339");
        format_rfc3339(t, since_ts, sizeof since_ts);
        q.from = since_ts;
    }
    if (hu) {
        if (parse_rfc3339(until_s, &t) != 0)
            return http_reply_error(r, ERR_INVALID_TIMESTAMP, "until", "'until' must be RFC 3339");
        format_rfc3339(t, until_ts, sizeof until_ts);
        q.to = until_ts;
    }
    q.category = hc ? cat_s : NULL;
    q.status = hs ? status_s : NULL;
    q.area = ha ? area_s : NULL;
    char disp[160];
    snprintf(disp, sizeof disp, "Content-Disposition: attachment; filename=\"%s\"\r\n",
             r->param[0]);
    struct export_sink sink = {http_stream_write, r};
    struct wf_error err;
    http_stream_begin(r, export_type(fmt), disp);
    if (wf_export_observations(r->dbc, r->cfg, &q, (enum export_format)fmt, &sink, &err) != 0)
        log_msg(LOG_ERROR, "export %s: %s", r->param[0], err.message); /* the body is cut short */
    return http_stream_end(r);
}

int api_exports(struct req *r)
{
    if (strncmp(r->param[0], "cases.", 6) == 0) { /* the staff export: internal fields */
        if (session_require_or_reply(r, ROLE_CASE_WORK) != 0)
            return r->status;
        return api_cases_export(r);
    }
    return api_obs_export(r);
}
