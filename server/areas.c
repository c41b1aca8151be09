/*
 * areas — see areas.h. Geometry parsing and reprojection are SpatiaLite's
 * (GeomFromGeoJSON, ST_Transform with this connection's PROJ context): no
 * hand-written geometry code here.
 */
#include "areas.h"
#include "http.h"
#include "log.h"
#include "validate.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AREAS_MAX_FILE_FEATURES 10000
#define AREA_CODE_MAX 64
#define AREA_NAME_MAX 200

int areas_list(struct req *r)
{
    sqlite3_stmt *st = db_prepare(r->dbc->db, "SELECT id, code, name, AsGeoJSON(geom, 6) FROM "
                                              "areas WHERE geom IS NOT NULL ORDER BY name");
    if (!st)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    json_t *features = json_array();
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *g = (const char *)sqlite3_column_text(st, 3);
        json_t *geom = g ? json_loads(g, 0, NULL) : NULL;
        if (!geom)
            continue;
        json_array_append_new(
            features, json_pack("{s:s, s:I, s:o, s:{s:I, s:s, s:s}}", "type", "Feature", "id",
                                (json_int_t)sqlite3_column_int64(st, 0), "geometry", geom,
                                "properties", "id", (json_int_t)sqlite3_column_int64(st, 0), "code",
                                sqlite3_column_text(st, 1), "name", sqlite3_column_text(st, 2)));
    }
    sqlite3_finalize(st);
    return http_reply_json(
        r, 200, json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", features));
}

/* Returns 3006 when the collection is in SWEREF 99 TM, 4326 otherwise. */
static int detect_srid(json_t *root)
{
    json_t *crs = json_object_get(root, "crs");
    const char *name =
        json_string_value(json_object_get(json_object_get(crs, "properties"), "name"));
    if (name && strstr(name, "3006"))
        return 3006;
    /* No crs member: RFC 7946 says WGS 84, but SWEREF files without one exist. */
    json_t *features = json_object_get(root, "features");
    json_t *f = json_array_get(features, 0);
    json_t *c = json_object_get(json_object_get(f, "geometry"), "coordinates");
    while (json_is_array(c) && json_is_array(json_array_get(c, 0)))
        c = json_array_get(c, 0);
    double x = json_number_value(json_array_get(c, 0));
    return (x > 180 || x < -180) ? 3006 : 4326;
}

static json_t *load_collection(const char *path, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        snprintf(err, errlen, "%s: line %d: %s", path, jerr.line, jerr.text);
        return NULL;
    }
    if (json_is_object(root) && json_is_string(json_object_get(root, "type")) &&
        strcmp(json_string_value(json_object_get(root, "type")), "Feature") == 0) {
        json_t *fc = json_pack("{s:s, s:[O]}", "type", "FeatureCollection", "features", root);
        json_decref(root);
        root = fc;
    }
    json_t *features = json_object_get(root, "features");
    if (!json_is_array(features) || json_array_size(features) == 0 ||
        json_array_size(features) > AREAS_MAX_FILE_FEATURES) {
        snprintf(err, errlen, "%s: expected a FeatureCollection with 1 to %d features", path,
                 AREAS_MAX_FILE_FEATURES);
        json_decref(root);
        return NULL;
    }
    return root;
}

/* SQL turning GeoJSON text (?1) in srid ?2 into a WGS 84 MultiPolygon. */
#define GEOM_FROM_GEOJSON_SQL                                                                      \
    "CastToMultiPolygon(ST_Transform(SetSRID(GeomFromGeoJSON(?1), ?2), 4326))"

static const char *prop_str(json_t *props, const char *const *names)
{
    for (; *names; names++) {
        json_t *v = json_object_get(props, *names);
        if (json_is_string(v) && json_string_length(v) > 0)
            return json_string_value(v);
    }
    return NULL;
}

/* Makes a code from a name: lower-case ASCII letters, digits and '_'. */
static void slug(const char *name, char *out, size_t cap)
{
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && o + 1 < cap; p++) {
        if (isalnum(*p))
            out[o++] = (char)tolower(*p);
        else if (*p == 0xC3 && p[1]) { /* å ä ö Å Ä Ö -> a a o */
            unsigned char n = p[1];
            out[o++] = (n == 0xB6 || n == 0x96) ? 'o' : 'a';
            p++;
        } else if (o && out[o - 1] != '_')
            out[o++] = '_';
    }
    out[o] = '\0';
}

static int import_root(struct dbc *c, json_t *root, char *err, size_t errlen);

int areas_import_file(struct dbc *c, const char *path, char *err, size_t errlen)
{
    json_t *root = load_collection(path, err, errlen);
    if (!root)
        return -1;
    return import_root(c, root, err, errlen);
}

int areas_import_http(struct req *r)
{
    char err[512];
    json_error_t jerr;
    if (!r->body || !json_depth_ok((const char *)r->body, r->body_len, HTTP_JSON_MAX_DEPTH))
        return http_reply_error(r, 400, "malformed_json", NULL, "send a GeoJSON FeatureCollection");
    json_t *root = json_loadb((const char *)r->body, r->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return http_reply_error(r, 400, "malformed_json", NULL, "line %d: %s", jerr.line,
                                jerr.text);
    json_t *features = json_object_get(root, "features");
    if (!json_is_array(features) || json_array_size(features) == 0 ||
        json_array_size(features) > AREAS_MAX_FILE_FEATURES) {
        json_decref(root);
        return http_reply_error(r, 422, "invalid_type", "features",
                                "expected a FeatureCollection with 1 to %d features",
                                AREAS_MAX_FILE_FEATURES);
    }
    int n = import_root(r->dbc, root, err, sizeof err);
    if (n < 0)
        return http_reply_error(r, 422, "invalid_format", "features", "%s", err);
    return http_reply_json(r, 200, json_pack("{s:i}", "imported", n));
}

/* Imports a parsed collection (reference stolen). */
static int import_root(struct dbc *c, json_t *root, char *err, size_t errlen)
{
    int srid = detect_srid(root);
    int count = 0;
    sqlite3_stmt *st = NULL;
    if (db_begin(c->db) != SQLITE_OK) {
        snprintf(err, errlen, "cannot start a transaction: %s", sqlite3_errmsg(c->db));
        json_decref(root);
        return -1;
    }
    st = db_prepare(c->db,
                    "INSERT INTO areas (code, name, geom) VALUES (?3, ?4, " GEOM_FROM_GEOJSON_SQL
                    ") ON CONFLICT(code) DO UPDATE SET name = excluded.name, "
                    "geom = excluded.geom");
    if (!st)
        goto fail_db;
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(root, "features"), i, f)
    {
        static const char *const code_keys[] = {"code", "id", "kod", NULL};
        static const char *const name_keys[] = {"name", "namn", "kom_namn", NULL};
        json_t *props = json_object_get(f, "properties");
        json_t *geom = json_object_get(f, "geometry");
        const char *gtype = json_string_value(json_object_get(geom, "type"));
        const char *name = prop_str(props, name_keys);
        const char *code = prop_str(props, code_keys);
        char code_buf[AREA_CODE_MAX + 1];
        if (!gtype || (strcmp(gtype, "Polygon") != 0 && strcmp(gtype, "MultiPolygon") != 0)) {
            snprintf(err, errlen, "feature %zu: geometry must be a Polygon or MultiPolygon", i);
            goto fail;
        }
        if (!name || utf8_check(name, strlen(name), NULL) != 0 || strlen(name) > AREA_NAME_MAX) {
            snprintf(err, errlen, "feature %zu: properties.name is missing or too long", i);
            goto fail;
        }
        if (!code) {
            slug(name, code_buf, sizeof code_buf);
            code = code_buf;
        }
        if (strlen(code) == 0 || strlen(code) > AREA_CODE_MAX) {
            snprintf(err, errlen, "feature %zu: properties.code is missing or too long", i);
            goto fail;
        }
        char *gj = json_dumps(geom, JSON_COMPACT);
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, gj, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 2, srid);
        sqlite3_bind_text(st, 3, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, name, -1, SQLITE_TRANSIENT);
        free(gj);
        if (sqlite3_step(st) != SQLITE_DONE) {
            snprintf(err, errlen, "feature %zu (%s): cannot store: %s", i, code,
                     sqlite3_errmsg(c->db));
            goto fail;
        }
        count++;
    }
    /* A polygon GeomFromGeoJSON could not read leaves a NULL geometry: refuse. */
    sqlite3_finalize(st);
    st = db_prepare(c->db, "SELECT code FROM areas WHERE geom IS NULL OR NOT ST_IsValid(geom)");
    if (!st)
        goto fail_db;
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(err, errlen, "area '%s' has no valid polygon", sqlite3_column_text(st, 0));
        goto fail;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (db_commit(c->db) != SQLITE_OK)
        goto fail_db;
    json_decref(root);
    return count;
fail_db:
    snprintf(err, errlen, "database error: %s", sqlite3_errmsg(c->db));
fail:
    sqlite3_finalize(st);
    db_rollback(c->db);
    json_decref(root);
    return -1;
}

int areas_set_boundary(struct dbc *c, const char *path, const char *code, const char *name,
                       char *err, size_t errlen)
{
    json_t *root = load_collection(path, err, errlen);
    if (!root)
        return -1;
    int srid = detect_srid(root);
    /* Union of every feature's geometry, as one GeoJSON GeometryCollection-free multipolygon. */
    json_t *polys = json_array();
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(root, "features"), i, f)
    {
        json_t *g = json_object_get(f, "geometry");
        const char *t = json_string_value(json_object_get(g, "type"));
        json_t *coords = json_object_get(g, "coordinates");
        if (t && strcmp(t, "Polygon") == 0)
            json_array_append(polys, coords);
        else if (t && strcmp(t, "MultiPolygon") == 0)
            json_array_extend(polys, coords);
    }
    json_t *mp = json_pack("{s:s, s:o}", "type", "MultiPolygon", "coordinates", polys);
    char *gj = json_dumps(mp, JSON_COMPACT);
    json_decref(mp);
    json_decref(root);
    int rc = -1;
    if (db_begin(c->db) != SQLITE_OK) {
        snprintf(err, errlen, "cannot start a transaction: %s", sqlite3_errmsg(c->db));
        free(gj);
        return -1;
    }
    sqlite3_stmt *st = db_prepare(
        c->db,
        "INSERT OR REPLACE INTO municipality (id, code, name, geom) VALUES (1, ?3, ?4, "
        "CastToMultiPolygon(ST_UnaryUnion(ST_Transform(SetSRID(GeomFromGeoJSON(?1), ?2), 4326))))");
    if (st) {
        sqlite3_bind_text(st, 1, gj, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 2, srid);
        sqlite3_bind_text(st, 3, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, name, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_DONE)
            rc = 0;
        sqlite3_finalize(st);
    }
    if (rc == 0) {
        st = db_prepare(c->db, "SELECT geom IS NOT NULL AND ST_IsValid(geom) FROM municipality");
        if (!st || sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 1)
            rc = -1;
        sqlite3_finalize(st);
    }
    if (rc == 0 && db_commit(c->db) == SQLITE_OK) {
        free(gj);
        return 0;
    }
    snprintf(err, errlen, "%s: no valid boundary polygon (%s)", path, sqlite3_errmsg(c->db));
    db_rollback(c->db);
    free(gj);
    return -1;
}
