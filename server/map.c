/*
 * map — clusters for the public map. See map.h.
 *
 * Cells are Web Mercator grid cells (geo/grid.c) of 1/MAP_CELLS_PER_TILE of a
 * 256-pixel tile at the requested zoom, so a cluster covers about 64 screen
 * pixels at any zoom. Each cluster reports the mean position of its members,
 * its count per category and, for a single observation, its id and status.
 *
 * Scale: this aggregates the viewport's rows in one pass over an R*Tree
 * lookup. Precomputed multi-resolution aggregates (a later issue) replace the
 * row scan without changing the answer's shape.
 */
#include "map.h"
#include "grid.h"
#include "http.h"
#include "validate.h"

#include <stdlib.h>
#include <string.h>

#define MAP_CELLS_PER_TILE 4
#define MAP_MAX_CLUSTERS 4096
#define MAP_MAX_FILTER_CODES 32

struct cluster {
    int64_t ix, iy;
    int64_t count, first_id;
    double sum_lon, sum_lat;
    char first_status[16];
    json_t *categories; /* code -> count */
    int used;
};

/* Open-addressing hash table of clusters keyed by cell. */
struct cluster_table {
    struct cluster *slots;
    size_t cap, used;
};

static struct cluster *table_get(struct cluster_table *t, int64_t ix, int64_t iy)
{
    uint64_t h = ((uint64_t)ix * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)iy * 0xC2B2AE3D27D4EB4Full);
    for (size_t i = h % t->cap;; i = (i + 1) % t->cap) {
        struct cluster *c = &t->slots[i];
        if (!c->used) {
            if (t->used >= MAP_MAX_CLUSTERS)
                return NULL;
            c->used = 1;
            c->ix = ix;
            c->iy = iy;
            c->categories = json_object();
            t->used++;
            return c;
        }
        if (c->ix == ix && c->iy == iy)
            return c;
    }
}

int map_clusters(struct req *r)
{
    char bbox_s[256], zoom_s[16], cat_s[HTTP_QUERY_VALUE_MAX], status_s[256], area_s[256],
        since_s[64], until_s[64];
    char cats_json[HTTP_QUERY_VALUE_MAX * 2], status_json[512], area_json[512];
    double bbox[4];
    int64_t zoom, since = 0, until = 0;
    int has_bbox, has_zoom, has_cat, has_status, has_area, has_since, has_until;
    if ((has_bbox = http_query_or_reply(r, "bbox", bbox_s, sizeof bbox_s)) < 0 ||
        (has_zoom = http_query_or_reply(r, "zoom", zoom_s, sizeof zoom_s)) < 0 ||
        (has_cat = http_query_or_reply(r, "category", cat_s, sizeof cat_s)) < 0 ||
        (has_status = http_query_or_reply(r, "status", status_s, sizeof status_s)) < 0 ||
        (has_area = http_query_or_reply(r, "area", area_s, sizeof area_s)) < 0 ||
        (has_since = http_query_or_reply(r, "since", since_s, sizeof since_s)) < 0 ||
        (has_until = http_query_or_reply(r, "until", until_s, sizeof until_s)) < 0)
        return r->status;
    if (!has_bbox || parse_bbox(bbox_s, bbox) != 0)
        return http_reply_error(r, 422, has_bbox ? "out_of_range" : "missing_field", "bbox",
                                "'bbox' must be minlon,minlat,maxlon,maxlat in WGS 84");
    if (!has_zoom || parse_i64(zoom_s, 0, GRID_MAX_ZOOM, &zoom) != 0)
        return http_reply_error(r, 422, has_zoom ? "out_of_range" : "missing_field", "zoom",
                                "'zoom' must be a whole number from 0 to %d", GRID_MAX_ZOOM);
    if (has_cat && parse_code_list(cat_s, MAP_MAX_FILTER_CODES, cats_json, sizeof cats_json) < 0)
        return http_reply_error(r, 422, "invalid_type", "category",
                                "'category' must be a comma-separated list of codes");
    if (has_status && parse_code_list(status_s, 8, status_json, sizeof status_json) < 0)
        return http_reply_error(r, 422, "invalid_type", "status",
                                "'status' must be a comma-separated list of states");
    if (has_area && parse_code_list(area_s, MAP_MAX_FILTER_CODES, area_json, sizeof area_json) < 0)
        return http_reply_error(r, 422, "invalid_type", "area",
                                "'area' must be a comma-separated list of area codes");
    if (has_since && parse_rfc3339(since_s, &since) != 0)
        return http_reply_error(r, 422, "invalid_timestamp", "since", "'since' must be RFC 3339");
    if (has_until && parse_rfc3339(until_s, &until) != 0)
        return http_reply_error(r, 422, "invalid_timestamp", "until", "'until' must be RFC 3339");

    /* Web Mercator stops at +-85.05 degrees; clamp the box to it. */
    if (bbox[1] < -GRID_MAX_LAT)
        bbox[1] = -GRID_MAX_LAT;
    if (bbox[3] > GRID_MAX_LAT)
        bbox[3] = GRID_MAX_LAT;

    sqlite3_stmt *st = db_prepare(
        r->dbc->db,
        "SELECT o.id, o.lon, o.lat, o.category, o.status FROM observations o "
        "LEFT JOIN areas a ON a.id = o.area_id "
        "WHERE o.id IN (SELECT rowid FROM SpatialIndex WHERE f_table_name = 'observations' "
        "AND f_geometry_column = 'geom' AND search_frame = BuildMbr(?1, ?2, ?3, ?4, 4326)) "
        "AND o.lon BETWEEN ?1 AND ?3 AND o.lat BETWEEN ?2 AND ?4 "
        "AND (?5 IS NULL OR o.category IN (SELECT value FROM json_each(?5))) "
        "AND (?6 IS NULL OR o.status IN (SELECT value FROM json_each(?6))) "
        "AND (?7 IS NULL OR a.code IN (SELECT value FROM json_each(?7))) "
        "AND (?8 IS NULL OR o.observed_at >= ?8) AND (?9 IS NULL OR o.observed_at < ?9)");
    if (!st)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    for (int i = 0; i < 4; i++)
        sqlite3_bind_double(st, i + 1, bbox[i]);
    db_bind_text_or_null(st, 5, has_cat ? cats_json : NULL);
    db_bind_text_or_null(st, 6, has_status ? status_json : NULL);
    db_bind_text_or_null(st, 7, has_area ? area_json : NULL);
    char ts[32];
    if (has_since) {
        format_rfc3339(since, ts, sizeof ts);
        sqlite3_bind_text(st, 8, ts, -1, SQLITE_TRANSIENT);
    }
    if (has_until) {
        format_rfc3339(until, ts, sizeof ts);
        sqlite3_bind_text(st, 9, ts, -1, SQLITE_TRANSIENT);
    }

    struct cluster_table t = {calloc(MAP_MAX_CLUSTERS * 2, sizeof(struct cluster)),
                              MAP_MAX_CLUSTERS * 2, 0};
    if (!t.slots) {
        sqlite3_finalize(st);
        return http_reply_error(r, 500, "internal", NULL, "out of memory");
    }
    int64_t total = 0;
    int truncated = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        double lon = sqlite3_column_double(st, 1), lat = sqlite3_column_double(st, 2);
        int64_t ix, iy;
        if (grid_cell_index(lon, lat, (int)zoom, MAP_CELLS_PER_TILE, &ix, &iy) != 0)
            continue;
        struct cluster *c = table_get(&t, ix, iy);
        if (!c) {
            truncated = 1;
            continue;
        }
        const char *cat = (const char *)sqlite3_column_text(st, 3);
        if (c->count == 0) {
            c->first_id = sqlite3_column_int64(st, 0);
            snprintf(c->first_status, sizeof c->first_status, "%s",
                     (const char *)sqlite3_column_text(st, 4));
        }
        c->count++;
        c->sum_lon += lon;
        c->sum_lat += lat;
        json_t *n = json_object_get(c->categories, cat);
        json_object_set_new(c->categories, cat, json_integer(n ? json_integer_value(n) + 1 : 1));
        total++;
    }
    sqlite3_finalize(st);
    json_t *arr = json_array();
    for (size_t i = 0; i < t.cap; i++) {
        struct cluster *c = &t.slots[i];
        if (!c->used)
            continue;
        json_t *o = json_pack("{s:f, s:f, s:I, s:o}", "lon", c->sum_lon / (double)c->count, "lat",
                              c->sum_lat / (double)c->count, "count", (json_int_t)c->count,
                              "categories", c->categories);
        if (c->count == 1) {
            json_object_set_new(o, "id", json_integer(c->first_id));
            json_object_set_new(o, "status", json_string(c->first_status));
        }
        json_array_append_new(arr, o);
    }
    free(t.slots);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return http_reply_error(r, 500, "internal", NULL, "database error");
    }
    return http_reply_json(r, 200,
                           json_pack("{s:I, s:I, s:b, s:o}", "zoom", (json_int_t)zoom, "total",
                                     (json_int_t)total, "truncated", truncated, "clusters", arr));
}
