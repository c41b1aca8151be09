/*
 * nearby — see nearby.h. Distances are metres in SWEREF 99 TM (the query
 * point is transformed with this thread's PROJ context); candidates come from
 * a box on the indexed e/n columns, then the exact distance orders them.
 */
#include "nearby.h"
#include "distance.h"
#include "http.h"
#include "observations.h"
#include "validate.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define NEARBY_DEFAULT_RADIUS_M 50
#define NEARBY_MAX_RADIUS_M 500
#define NEARBY_MAX_RESULTS 10

/* States in which a report is still open for "me too". */
#define NEARBY_OPEN_STATES "('new', 'acknowledged', 'assigned', 'in_progress')"

int nearby_list(struct req *r)
{
    char lon_s[64], lat_s[64], cat[64], rad_s[32];
    double lon, lat, radius = NEARBY_DEFAULT_RADIUS_M;
    int has_lon, has_lat, has_cat, has_rad;
    if ((has_lon = http_query_or_reply(r, "lon", lon_s, sizeof lon_s)) < 0 ||
        (has_lat = http_query_or_reply(r, "lat", lat_s, sizeof lat_s)) < 0 ||
        (has_cat = http_query_or_reply(r, "category", cat, sizeof cat)) < 0 ||
        (has_rad = http_query_or_reply(r, "radius_m", rad_s, sizeof rad_s)) < 0)
        return r->status;
    if (!has_lon || parse_double(lon_s, -180, 180, &lon) != 0)
        return http_reply_error(r, 422, has_lon ? "out_of_range" : "missing_field", "lon",
                                "'lon' must be a longitude in degrees");
    if (!has_lat || parse_double(lat_s, -90, 90, &lat) != 0)
        return http_reply_error(r, 422, has_lat ? "out_of_range" : "missing_field", "lat",
                                "'lat' must be a latitude in degrees");
    if (has_rad && parse_double(rad_s, 1, NEARBY_MAX_RADIUS_M, &radius) != 0)
        return http_reply_error(r, 422, "out_of_range", "radius_m",
                                "'radius_m' must be from 1 to %d", NEARBY_MAX_RADIUS_M);
    char cats[128];
    if (has_cat && parse_code_list(cat, 1, cats, sizeof cats) != 1)
        return http_reply_error(r, 422, "invalid_type", "category", "'category' must be one code");
    double e, n;
    if (crs_wgs84_to_sweref99tm(r->dbc->crs, lon, lat, &e, &n) != 0)
        return http_reply_error(r, 422, "out_of_range", "lon",
                                "the position cannot be expressed in SWEREF 99 TM");
    sqlite3_stmt *st = db_prepare(
        r->dbc->db, "SELECT id, e, n FROM observations WHERE e BETWEEN ?1 - ?3 AND ?1 + ?3 "
                    "AND n BETWEEN ?2 - ?3 AND ?2 + ?3 AND status IN " NEARBY_OPEN_STATES
                    " AND (?4 IS NULL OR category = ?4)");
    if (!st)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    sqlite3_bind_double(st, 1, e);
    sqlite3_bind_double(st, 2, n);
    sqlite3_bind_double(st, 3, radius);
    db_bind_text_or_null(st, 4, has_cat ? cat : NULL);
    struct {
        int64_t id;
        double d;
    } found[64];
    int count = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        double d =
            distance_planar_m(e, n, sqlite3_column_double(st, 1), sqlite3_column_double(st, 2));
        if (d > radius)
            continue;
        /* Keep the nearest 64 by insertion into a sorted array. */
        int pos = count < 64 ? count++ : 63;
        if (pos == 63 && count == 64 && d >= found[63].d)
            continue;
        while (pos > 0 && found[pos - 1].d > d) {
            found[pos] = found[pos - 1];
            pos--;
        }
        found[pos].id = sqlite3_column_int64(st, 0);
        found[pos].d = d;
    }
    sqlite3_finalize(st);
    json_t *arr = json_array();
    for (int i = 0; i < count && i < NEARBY_MAX_RESULTS; i++) {
        json_t *o = observations_public_json(r->dbc, found[i].id);
        if (!o)
            continue;
        json_object_set_new(o, "distance_m", json_real(round(found[i].d * 10) / 10));
        json_array_append_new(arr, o);
    }
    return http_reply_json(r, 200,
                           json_pack("{s:o, s:f}", "observations", arr, "radius_m", radius));
}

int nearby_support(struct req *r)
{
    int64_t id;
    const char *client_id = NULL;
    if (http_param_id_or_reply(r, 0, &id) != 0)
        return r->status;
    if (http_json_string_or_reply(r, r->json, "client_id", NULL, 1, 36, &client_id) != 0)
        return r->status;
    if (!uuid_valid(client_id))
        return http_reply_error(r, 422, "invalid_uuid", "client_id", "'client_id' must be a UUID");
    int exists = observations_exists(r->dbc, id);
    if (exists <= 0)
        return exists < 0 ? http_reply_error(r, 500, "internal", NULL, "database error")
                          : http_reply_error(r, 404, "not_found", NULL, "no observation %lld",
                                             (long long)id);
    sqlite3_stmt *st = db_prepare(
        r->dbc->db, "INSERT OR IGNORE INTO supports (observation_id, client_id) VALUES (?, ?)");
    if (!st)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, client_id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return http_reply_error(r, 500, "internal", NULL, "the support could not be stored");
    int added = sqlite3_changes(r->dbc->db) > 0;
    json_t *o = observations_public_json(r->dbc, id);
    json_t *count = json_object_get(o, "support_count");
    json_t *body = json_pack("{s:I, s:O}", "id", (json_int_t)id, "support_count", count);
    json_decref(o);
    return http_reply_json(r, added ? 201 : 200, body);
}
