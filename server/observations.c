/*
 * observations — the resident's side of the product: file an observation, read
 * its public view, list them as GeoJSON. See observations.h.
 *
 * Privacy: reporter contact details are written to the reporters table and are
 * never read by anything in this file; public JSON is built only from public
 * columns. Must not contain coordinate math: that is geo/'s.
 */
#include "observations.h"
#include "cases.h"
#include "http.h"
#include "log.h"
#include "sun.h"
#include "validate.h"

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

/* Columns of the public view, in the order public_from_row reads them. */
#define PUBLIC_SELECT                                                                              \
    "SELECT o.id, o.category, o.lon, o.lat, o.accuracy_m, o.observed_at, o.created_at, "           \
    "o.description, o.unsafe_rating, w.code, a.id, a.code, a.name, o.e, o.n, o.light, "            \
    "o.sun_elevation, o.status, "                                                                  \
    "(SELECT count(*) FROM supports s WHERE s.observation_id = o.id), "                            \
    "(SELECT u.name FROM cases c JOIN units u ON u.id = c.unit_id WHERE c.observation_id = "       \
    "coalesce((SELECT duplicate_of FROM cases WHERE observation_id = o.id), o.id)) "               \
    "FROM observations o LEFT JOIN walks w ON w.id = o.walk_id "                                   \
    "LEFT JOIN areas a ON a.id = o.area_id "

static json_t *text_or_null(sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    return s ? json_string((const char *)s) : json_null();
}

static json_t *photos_of(struct dbc *c, int64_t id)
{
    json_t *arr = json_array();
    sqlite3_stmt *st = db_prepare(
        c->db,
        "SELECT id, width, height FROM photos WHERE observation_id = ? ORDER BY created_at, id");
    if (!st)
        return arr;
    sqlite3_bind_int64(st, 1, id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *pid = (const char *)sqlite3_column_text(st, 0);
        char url[128], thumb[160];
        snprintf(url, sizeof url, "/api/v1/photos/%s", pid);
        snprintf(thumb, sizeof thumb, "/api/v1/photos/%s/thumb", pid);
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:i, s:i}", "id", pid, "url", url,
                                             "thumb_url", thumb, "width", sqlite3_column_int(st, 1),
                                             "height", sqlite3_column_int(st, 2)));
    }
    sqlite3_finalize(st);
    return arr;
}

/* Builds the public object from a row of PUBLIC_SELECT. */
static json_t *public_from_row(struct dbc *c, sqlite3_stmt *st)
{
    int64_t id = sqlite3_column_int64(st, 0);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(id));
    json_object_set_new(o, "category", text_or_null(st, 1));
    json_object_set_new(o, "lon", json_real(sqlite3_column_double(st, 2)));
    json_object_set_new(o, "lat", json_real(sqlite3_column_double(st, 3)));
    json_object_set_new(o, "accuracy_m",
                        sqlite3_column_type(st, 4) == SQLITE_NULL
                            ? json_null()
                            : json_real(sqlite3_column_double(st, 4)));
    json_object_set_new(o, "observed_at", text_or_null(st, 5));
    json_object_set_new(o, "created_at", text_or_null(st, 6));
    json_object_set_new(o, "description", text_or_null(st, 7));
    json_object_set_new(o, "unsafe_rating",
                        sqlite3_column_type(st, 8) == SQLITE_NULL
                            ? json_null()
                            : json_integer(sqlite3_column_int(st, 8)));
    json_object_set_new(o, "walk", text_or_null(st, 9));
    if (sqlite3_column_type(st, 10) == SQLITE_NULL)
        json_object_set_new(o, "area", json_null());
    else
        json_object_set_new(o, "area",
                            json_pack("{s:I, s:o, s:o}", "id",
                                      (json_int_t)sqlite3_column_int64(st, 10), "code",
                                      text_or_null(st, 11), "name", text_or_null(st, 12)));
    /* Rounded to the millimetre: PROJ's own precision for this transformation. */
    json_object_set_new(o, "sweref99tm",
                        json_pack("{s:f, s:f}", "e",
                                  round(sqlite3_column_double(st, 13) * 1000) / 1000, "n",
                                  round(sqlite3_column_double(st, 14) * 1000) / 1000));
    json_object_set_new(o, "light", text_or_null(st, 15));
    json_object_set_new(o, "sun_elevation",
                        json_real(round(sqlite3_column_double(st, 16) * 100) / 100));
    json_object_set_new(o, "status", text_or_null(st, 17));
    json_object_set_new(o, "unit", text_or_null(st, 19));
    json_object_set_new(o, "support_count", json_integer(sqlite3_column_int(st, 18)));
    json_object_set_new(o, "photos", photos_of(c, id));
    json_object_set_new(o, "public_comments", cases_public_comments(c, id));
    return o;
}

json_t *observations_public_json(struct dbc *c, int64_t id)
{
    sqlite3_stmt *st = db_prepare(c->db, PUBLIC_SELECT "WHERE o.id = ?");
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    json_t *o = NULL;
    if (sqlite3_step(st) == SQLITE_ROW)
        o = public_from_row(c, st);
    sqlite3_finalize(st);
    return o;
}

int observations_exists(struct dbc *c, int64_t id)
{
    return db_exists(c->db, "SELECT 1 FROM observations WHERE id = ?", id);
}

/* Looks up a single integer with one bound text and returns it, 0 when absent, -1 on error. */
static int64_t lookup_id_by_text(struct dbc *c, const char *sql, const char *text)
{
    sqlite3_stmt *st = db_prepare(c->db, sql);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
    int64_t id = 0;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE)
        id = -1;
    sqlite3_finalize(st);
    return id;
}

/* 1 inside (or no boundary configured), 0 outside, -1 on error. */
static int inside_municipality(struct dbc *c, double lon, double lat)
{
    sqlite3_stmt *st =
        db_prepare(c->db, "SELECT ST_Contains(geom, MakePoint(?, ?, 4326)) FROM municipality "
                          "WHERE id = 1 AND geom IS NOT NULL");
    if (!st)
        return -1;
    sqlite3_bind_double(st, 1, lon);
    sqlite3_bind_double(st, 2, lat);
    int rc = sqlite3_step(st), inside;
    if (rc == SQLITE_ROW)
        inside = sqlite3_column_int(st, 0) == 1;
    else
        inside = rc == SQLITE_DONE ? 1 : -1;
    sqlite3_finalize(st);
    return inside;
}

/* The area containing the point (lowest id wins on overlap), 0 when none. */
static int64_t area_at(struct dbc *c, double lon, double lat)
{
    sqlite3_stmt *st =
        db_prepare(c->db, "SELECT a.id FROM areas a WHERE a.id IN (SELECT rowid FROM SpatialIndex "
                          "WHERE f_table_name = 'areas' AND f_geometry_column = 'geom' "
                          "AND search_frame = MakePoint(?1, ?2, 4326)) "
                          "AND ST_Contains(a.geom, MakePoint(?1, ?2, 4326)) ORDER BY a.id LIMIT 1");
    if (!st)
        return 0;
    sqlite3_bind_double(st, 1, lon);
    sqlite3_bind_double(st, 2, lat);
    int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return id;
}

/* Replies with the observation that already carries client_id. */
static int reply_existing(struct req *r, int64_t id)
{
    json_t *o = observations_public_json(r->dbc, id);
    if (!o)
        return http_reply_error(r, 500, "internal", NULL, "the observation could not be read");
    return http_reply_json(r, 200, o);
}

/* Validates the JSON body into *o. 0, or replied and -1. */
static int parse_new_obs_or_reply(struct req *r, struct obs_input *o)
{
    json_t *j = r->json;
    const struct config *cfg = r->cfg;
    memset(o, 0, sizeof *o);
    if (http_json_string_or_reply(r, j, "client_id", NULL, 1, 36, &o->client_id) != 0)
        return -1;
    if (!uuid_valid(o->client_id))
        return http_reply_error(r, 422, "invalid_uuid", "client_id",
                                "'client_id' must be a UUID such as "
                                "0b8f3e0c-5d3c-4f6e-9a71-2f1c3b9d8e11"),
               -1;
    if (http_json_string_or_reply(r, j, "category", NULL, 1, OBS_CATEGORY_MAX_CHARS,
                                  &o->category) != 0)
        return -1;
    if (http_json_number_or_reply(r, j, "lon", 1, -180, 180, &o->lon, NULL) != 0 ||
        http_json_number_or_reply(r, j, "lat", 1, -90, 90, &o->lat, NULL) != 0 ||
        http_json_number_or_reply(r, j, "accuracy_m", 0, 0, cfg->max_accuracy_m, &o->accuracy_m,
                                  &o->has_accuracy) != 0 ||
        http_json_int_or_reply(r, j, "unsafe_rating", 0, 1, 5, &o->rating, &o->has_rating) != 0 ||
        http_json_string_or_reply(r, j, "description", NULL, 0, (size_t)cfg->max_description_chars,
                                  &o->description) != 0 ||
        http_json_string_or_reply(r, j, "walk", NULL, 0, OBS_WALK_CODE_MAX_CHARS, &o->walk_code) !=
            0 ||
        http_json_string_or_reply(r, j, "observed_at", NULL, 0, 40, &o->observed_at_s) != 0)
        return -1;
    int64_t now = (int64_t)time(NULL);
    o->observed_at = now;
    if (o->observed_at_s) {
        if (parse_rfc3339(o->observed_at_s, &o->observed_at) != 0)
            return http_reply_error(r, 422, "invalid_timestamp", "observed_at",
                                    "'observed_at' must be an RFC 3339 time such as "
                                    "2026-11-24T18:30:00Z"),
                   -1;
        if (o->observed_at > now + OBS_FUTURE_TOLERANCE_S || o->observed_at < OBS_EARLIEST_T)
            return http_reply_error(r, 422, "out_of_range", "observed_at",
                                    "'observed_at' lies in the future or before the year 2000"),
                   -1;
    }
    json_t *rep = json_object_get(j, "reporter");
    if (rep && !json_is_null(rep)) {
        if (!json_is_object(rep))
            return http_reply_error(r, 422, "invalid_type", "reporter",
                                    "'reporter' must be an object with name, email and phone"),
                   -1;
        size_t max = (size_t)cfg->max_name_chars;
        if (http_json_string_or_reply(r, rep, "name", "reporter.name", 0, max, &o->name) != 0 ||
            http_json_string_or_reply(r, rep, "email", "reporter.email", 0, max, &o->email) != 0 ||
            http_json_string_or_reply(r, rep, "phone", "reporter.phone", 0, max, &o->phone) != 0)
            return -1;
        if (o->email && *o->email && (!strchr(o->email, '@') || strpbrk(o->email, " \t\r\n<>")))
            return http_reply_error(r, 422, "invalid_format", "reporter.email",
                                    "'reporter.email' is not an e-mail address"),
                   -1;
    }
    return 0;
}

int observations_store(struct dbc *c, const struct config *cfg, struct obs_input *in,
                       int64_t *id_out)
{
    struct obs_input o = *in;
    if (crs_wgs84_to_sweref99tm(c->crs, o.lon, o.lat, &o.e, &o.n) != 0)
        return -1;
    o.sun_elev = sun_elevation_deg(o.lon, o.lat, o.observed_at);
    o.light = sun_light_name(sun_light_from_elevation(o.sun_elev));
    o.area_id = area_at(c, o.lon, o.lat);
    char observed[32], created[32];
    format_rfc3339(o.observed_at, observed, sizeof observed);
    db_now_iso(created, sizeof created);

    if (db_begin(c->db) != SQLITE_OK)
        return -1;
    sqlite3_stmt *st = db_prepare(
        c->db,
        "INSERT INTO observations (client_id, category, lon, lat, accuracy_m, e, n, "
        "observed_at, created_at, description, unsafe_rating, light, sun_elevation, walk_id, "
        "area_id, geom, geom_sweref) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
        "?12, ?13, ?14, ?15, MakePoint(?3, ?4, 4326), MakePoint(?6, ?7, 3006))");
    int64_t id = 0;
    int rc = SQLITE_ERROR;
    if (st) {
        sqlite3_bind_text(st, 1, o.client_id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, o.category, -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(st, 3, o.lon);
        sqlite3_bind_double(st, 4, o.lat);
        if (o.has_accuracy)
            sqlite3_bind_double(st, 5, o.accuracy_m);
        sqlite3_bind_double(st, 6, o.e);
        sqlite3_bind_double(st, 7, o.n);
        sqlite3_bind_text(st, 8, observed, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 9, created, -1, SQLITE_TRANSIENT);
        db_bind_text_or_null(st, 10, o.description && *o.description ? o.description : NULL);
        if (o.has_rating)
            sqlite3_bind_int64(st, 11, o.rating);
        sqlite3_bind_text(st, 12, o.light, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 13, o.sun_elev);
        if (o.walk_id > 0)
            sqlite3_bind_int64(st, 14, o.walk_id);
        if (o.area_id > 0)
            sqlite3_bind_int64(st, 15, o.area_id);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
    }
    if (rc == SQLITE_CONSTRAINT_UNIQUE) {
        /* Another request with the same client_id won the race. */
        db_rollback(c->db);
        int64_t existing =
            lookup_id_by_text(c, "SELECT id FROM observations WHERE client_id = ?", o.client_id);
        if (existing <= 0)
            return -1;
        *id_out = existing;
        return 1;
    }
    if (rc != SQLITE_DONE)
        goto fail;
    id = sqlite3_last_insert_rowid(c->db);
    if (o.name || o.email || o.phone) {
        st = db_prepare(
            c->db, "INSERT INTO reporters (observation_id, name, email, phone) VALUES (?,?,?,?)");
        if (!st)
            goto fail;
        sqlite3_bind_int64(st, 1, id);
        db_bind_text_or_null(st, 2, o.name);
        db_bind_text_or_null(st, 3, o.email);
        db_bind_text_or_null(st, 4, o.phone);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            goto fail;
    }
    /* The observation becomes a case in the same transaction: routed, or unrouted. */
    if (cases_on_observation_created(c, cfg, id) != 0)
        goto fail;
    if (db_commit(c->db) != SQLITE_OK)
        goto fail;

    *id_out = id;
    return 0;
fail:
    log_msg(LOG_ERROR, "storing an observation failed: %s", sqlite3_errmsg(c->db));
    db_rollback(c->db);
    return -1;
}

int observations_create(struct req *r)
{
    struct dbc *c = r->dbc;
    struct obs_input o;
    if (parse_new_obs_or_reply(r, &o) != 0)
        return r->status;

    int64_t existing =
        lookup_id_by_text(c, "SELECT id FROM observations WHERE client_id = ?", o.client_id);
    if (existing > 0)
        return reply_existing(r, existing);

    if (lookup_id_by_text(c, "SELECT 1 FROM categories WHERE code = ? AND active = 1",
                          o.category) != 1)
        return http_reply_error(r, 422, "unknown_category", "category",
                                "unknown category '%s' (see GET /api/v1/categories)", o.category);
    if (o.walk_code) {
        o.walk_id = lookup_id_by_text(c, "SELECT id FROM walks WHERE code = ?", o.walk_code);
        if (o.walk_id <= 0)
            return http_reply_error(r, 422, "unknown_walk", "walk", "no walk has the code '%s'",
                                    o.walk_code);
    }
    int inside = inside_municipality(c, o.lon, o.lat);
    if (inside < 0)
        return http_reply_error(r, 500, "internal", NULL, "the boundary check failed");
    if (!inside)
        return http_reply_error(r, 422, "outside_boundary", "lon",
                                "the position %.6f, %.6f lies outside %s", o.lat, o.lon,
                                r->cfg->municipality_name);
    int64_t id = 0;
    int stored = observations_store(c, r->cfg, &o, &id);
    if (stored < 0)
        return http_reply_error(r, 500, "internal", NULL, "the observation could not be stored");
    if (stored == 1)
        return reply_existing(r, id);
    json_t *out = observations_public_json(c, id);
    if (!out)
        return http_reply_error(r, 500, "internal", NULL, "the observation could not be read");
    char *body = json_dumps(out, HTTP_JSON_FLAGS);
    json_decref(out);
    char hdr[96];
    snprintf(hdr, sizeof hdr, "Location: /api/v1/observations/%lld\r\n", (long long)id);
    http_reply_bytes(r, 201, "application/json", body, strlen(body), hdr);
    free(body);
    return 201;
}

int observations_get(struct req *r)
{
    int64_t id;
    if (http_param_id_or_reply(r, 0, &id) != 0)
        return r->status;
    json_t *o = observations_public_json(r->dbc, id);
    if (!o)
        return http_reply_error(r, 404, "not_found", NULL, "no observation %lld", (long long)id);
    return http_reply_json(r, 200, o);
}

/* Appends "&name=value" (URL-encoded) to a link being built. */
static void link_add(char *link, size_t cap, const char *name, const char *value)
{
    char enc[HTTP_QUERY_VALUE_MAX * 3 + 1];
    mg_url_encode(value, enc, sizeof enc);
    size_t n = strlen(link);
    snprintf(link + n, cap - n, "%s%s=%s", strchr(link, '?') ? "&" : "?", name, enc);
}

int observations_list(struct req *r)
{
    char bbox_s[256], cat_s[HTTP_QUERY_VALUE_MAX], since_s[64], until_s[64], limit_s[32],
        cursor_s[32];
    double bbox[4];
    char cats_json[HTTP_QUERY_VALUE_MAX * 2];
    int64_t since = 0, until = 0, limit = r->cfg->page_size_default, cursor = 0;
    int has_bbox, has_cat, has_since, has_until, has_limit, has_cursor;

    if ((has_bbox = http_query_or_reply(r, "bbox", bbox_s, sizeof bbox_s)) < 0 ||
        (has_cat = http_query_or_reply(r, "category", cat_s, sizeof cat_s)) < 0 ||
        (has_since = http_query_or_reply(r, "since", since_s, sizeof since_s)) < 0 ||
        (has_until = http_query_or_reply(r, "until", until_s, sizeof until_s)) < 0 ||
        (has_limit = http_query_or_reply(r, "limit", limit_s, sizeof limit_s)) < 0 ||
        (has_cursor = http_query_or_reply(r, "cursor", cursor_s, sizeof cursor_s)) < 0)
        return r->status;
    if (has_bbox && parse_bbox(bbox_s, bbox) != 0)
        return http_reply_error(r, 422, "out_of_range", "bbox",
                                "'bbox' must be minlon,minlat,maxlon,maxlat in WGS 84");
    if (has_cat && parse_code_list(cat_s, OBS_MAX_CATEGORY_FILTER, cats_json, sizeof cats_json) < 0)
        return http_reply_error(r, 422, "invalid_type", "category",
                                "'category' must be a comma-separated list of category codes");
    if (has_since && parse_rfc3339(since_s, &since) != 0)
        return http_reply_error(r, 422, "invalid_timestamp", "since",
                                "'since' must be an RFC 3339 time");
    if (has_until && parse_rfc3339(until_s, &until) != 0)
        return http_reply_error(r, 422, "invalid_timestamp", "until",
                                "'until' must be an RFC 3339 time");
    if (has_limit && parse_i64(limit_s, 1, r->cfg->page_size_max, &limit) != 0)
        return http_reply_error(r, 422, "out_of_range", "limit",
                                "'limit' must be a whole number from 1 to %d",
                                r->cfg->page_size_max);
    if (has_cursor && parse_i64(cursor_s, 1, INT64_MAX, &cursor) != 0)
        return http_reply_error(r, 422, "invalid_type", "cursor",
                                "'cursor' is not one this server gave out");

    char sql[2048] = PUBLIC_SELECT "WHERE 1 = 1 ";
    if (has_bbox)
        strcat(sql, "AND o.id IN (SELECT rowid FROM SpatialIndex WHERE f_table_name = "
                    "'observations' AND f_geometry_column = 'geom' AND search_frame = "
                    "BuildMbr(:minx, :miny, :maxx, :maxy, 4326)) "
                    "AND o.lon BETWEEN :minx AND :maxx AND o.lat BETWEEN :miny AND :maxy ");
    if (has_cat)
        strcat(sql, "AND o.category IN (SELECT value FROM json_each(:cats)) ");
    if (has_since)
        strcat(sql, "AND o.observed_at >= :since ");
    if (has_until)
        strcat(sql, "AND o.observed_at < :until ");
    if (has_cursor)
        strcat(sql, "AND o.id < :cursor ");
    strcat(sql, "ORDER BY o.id DESC LIMIT :limit");

    sqlite3_stmt *st = db_prepare(r->dbc->db, sql);
    if (!st)
        return http_reply_error(r, 500, "internal", NULL, "the query failed");
    char ts[32];
    if (has_bbox) {
        sqlite3_bind_double(st, sqlite3_bind_parameter_index(st, ":minx"), bbox[0]);
        sqlite3_bind_double(st, sqlite3_bind_parameter_index(st, ":miny"), bbox[1]);
        sqlite3_bind_double(st, sqlite3_bind_parameter_index(st, ":maxx"), bbox[2]);
        sqlite3_bind_double(st, sqlite3_bind_parameter_index(st, ":maxy"), bbox[3]);
    }
    if (has_cat)
        sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":cats"), cats_json, -1,
                          SQLITE_TRANSIENT);
    if (has_since) {
        format_rfc3339(since, ts, sizeof ts);
        sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":since"), ts, -1, SQLITE_TRANSIENT);
    }
    if (has_until) {
        format_rfc3339(until, ts, sizeof ts);
        sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":until"), ts, -1, SQLITE_TRANSIENT);
    }
    if (has_cursor)
        sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":cursor"), cursor);
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":limit"), limit);

    json_t *features = json_array();
    int64_t last_id = 0;
    int64_t count = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *props = public_from_row(r->dbc, st);
        double lon = json_real_value(json_object_get(props, "lon"));
        double lat = json_real_value(json_object_get(props, "lat"));
        last_id = sqlite3_column_int64(st, 0);
        json_object_del(props, "lon");
        json_object_del(props, "lat");
        json_array_append_new(features,
                              json_pack("{s:s, s:I, s:{s:s, s:[f,f]}, s:o}", "type", "Feature",
                                        "id", (json_int_t)last_id, "geometry", "type", "Point",
                                        "coordinates", lon, lat, "properties", props));
        count++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        json_decref(features);
        return http_reply_error(r, 500, "internal", NULL, "the query failed");
    }

    char base[300], link[8192], self[8192];
    http_base_url(r, base, sizeof base);
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
    json_t *links = json_array();
    json_array_append_new(links, json_pack("{s:s, s:s, s:s}", "rel", "self", "type",
                                           "application/geo+json", "href", self));
    if (count == limit) {
        snprintf(cursor_s, sizeof cursor_s, "%lld", (long long)last_id);
        link_add(link, sizeof link, "cursor", cursor_s);
        json_array_append_new(links, json_pack("{s:s, s:s, s:s}", "rel", "next", "type",
                                               "application/geo+json", "href", link));
    }
    json_t *fc = json_pack("{s:s, s:o, s:o, s:I}", "type", "FeatureCollection", "features",
                           features, "links", links, "numberReturned", (json_int_t)count);
    char *s = json_dumps(fc, HTTP_JSON_FLAGS);
    json_decref(fc);
    http_reply_bytes(r, 200, "application/geo+json", s, strlen(s), NULL);
    free(s);
    return 200;
}
