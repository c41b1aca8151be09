/*
 * wf_areas — see wf_areas.h. No SQL here (area_store's), and no coordinate
 * math: SpatiaLite transforms, this file only tells it the source EPSG code.
 */
#include "wf_areas.h"
#include "area_store.h"
#include "place_store.h"
#include "validate.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Returns 3006 when the collection is in SWEREF 99 TM, 4326 otherwise. */
static int detect_srid(json_t *root)
{
    json_t *crs = json_object_get(root, "crs");
    const char *name =
        json_string_value(json_object_get(json_object_get(crs, "properties"), "name"));
    if (name && strstr(name, "3006"))
        return 3006;
    /* No crs member: RFC 7946 says WGS 84, but SWEREF files without one exist. */
    json_t *f = json_array_get(json_object_get(root, "features"), 0);
    json_t *xy = json_object_get(json_object_get(f, "geometry"), "coordinates");
    while (json_is_array(xy) && json_is_array(json_array_get(xy, 0)))
        xy = json_array_get(xy, 0);
    double x = json_number_value(json_array_get(xy, 0));
    return (x > 180 || x < -180) ? 3006 : 4326;
}

/* 1 when root holds 1 to WF_AREAS_MAX_FEATURES features. */
static int features_ok(json_t *root)
{
    json_t *features = json_object_get(root, "features");
    return json_is_array(features) && json_array_size(features) > 0 &&
           json_array_size(features) <= WF_AREAS_MAX_FEATURES;
}

/* Reads the GeoJSON file at path as a FeatureCollection (a single Feature is
 * wrapped into one). Returns a new reference, or NULL with *err. */
static json_t *load_collection(const char *path, struct wf_error *err)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        wf_fail(err, ERR_MALFORMED_JSON, NULL, "%s: line %d: %s", path, jerr.line, jerr.text);
        return NULL;
    }
    const char *type = json_string_value(json_object_get(root, "type"));
    if (type && strcmp(type, "Feature") == 0) {
        json_t *fc = json_pack("{s:s, s:[O]}", "type", "FeatureCollection", "features", root);
        json_decref(root);
        root = fc;
    }
    if (!root || !features_ok(root)) {
        wf_fail(err, ERR_INVALID_TYPE, "features",
                "%s: expected a FeatureCollection with 1 to %d features", path,
                WF_AREAS_MAX_FEATURES);
        json_decref(root);
        return NULL;
    }
    return root;
}

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

/*
 * Stores one feature (number i) as an area inside the caller's transaction.
 * 0, or -1 with *err (the transaction is the caller's to roll back).
 */
static int import_feature(struct dbc *c, json_t *f, size_t i, int srid, struct wf_error *err)
{
    static const char *const code_keys[] = {"code", "id", "kod", NULL};
    static const char *const name_keys[] = {"name", "namn", "kom_namn", NULL};
    json_t *props = json_object_get(f, "properties");
    json_t *geom = json_object_get(f, "geometry");
    const char *gtype = json_string_value(json_object_get(geom, "type"));
    const char *name = prop_str(props, name_keys);
    const char *code = prop_str(props, code_keys);
    char code_buf[AREA_CODE_MAX + 1];
    if (!gtype || (strcmp(gtype, "Polygon") != 0 && strcmp(gtype, "MultiPolygon") != 0))
        return wf_fail(err, ERR_INVALID_FORMAT, "features",
                       "feature %zu: geometry must be a Polygon or MultiPolygon", i);
    if (!name || utf8_check(name, strlen(name), NULL) != 0 || strlen(name) > AREA_NAME_MAX)
        return wf_fail(err, ERR_INVALID_FORMAT, "features",
                       "feature %zu: properties.name is missing or too long", i);
    if (!code) {
        slug(name, code_buf, sizeof code_buf);
        code = code_buf;
    }
    if (strlen(code) == 0 || strlen(code) > AREA_CODE_MAX ||
        utf8_check(code, strlen(code), NULL) != 0)
        return wf_fail(err, ERR_INVALID_FORMAT, "features",
                       "feature %zu: properties.code is missing or too long", i);
    char *gj = json_dumps(geom, JSON_COMPACT);
    if (!gj)
        return wf_fail(err, ERR_INTERNAL, NULL, "feature %zu: out of memory", i);
    int rc = area_store_upsert(c, code, name, gj, srid);
    free(gj);
    if (rc == 1)
        return wf_fail(err, ERR_INVALID_FORMAT, "features", "feature %zu (%s): cannot store: %s", i,
                       code, sqlite3_errmsg(c->db));
    if (rc != 0)
        return wf_fail(err, db_failure(c), NULL, "feature %zu (%s) could not be stored", i, code);
    return 0;
}

/* Imports a parsed collection (reference stolen) in one transaction. Messages
 * start with prefix (a path, or ""). Returns the count or -1 with *err. */
static int import_collection(struct dbc *c, json_t *root, const char *prefix, struct wf_error *err)
{
    int srid = detect_srid(root), count = 0;
    if (wf_begin(c, err) != 0) {
        json_decref(root);
        return -1;
    }
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(root, "features"), i, f)
    {
        if (import_feature(c, f, i, srid, err) != 0)
            goto fail;
        count++;
    }
    /* A polygon GeomFromGeoJSON could not read leaves a NULL geometry: refuse. */
    char bad[AREA_CODE_MAX + 1];
    int invalid = area_store_first_invalid(c, bad, sizeof bad);
    if (invalid < 0) {
        wf_fail(err, db_failure(c), NULL, "the areas could not be checked");
        goto fail;
    }
    if (invalid) {
        wf_fail(err, ERR_INVALID_FORMAT, "features", "area '%s' has no valid polygon", bad);
        goto fail;
    }
    json_decref(root);
    if (wf_commit(c, err, "the areas could not be imported") != 0)
        return -1;
    return count;
fail:
    db_rollback(c);
    json_decref(root);
    if (*prefix) { /* name the file, as the command line shows it (cut to fit) */
        char msg[sizeof err->message + CONFIG_PATH_MAX + 2];
        snprintf(msg, sizeof msg, "%s: %s", prefix, err->message);
        size_t n = strlen(msg);
        if (n >= sizeof err->message)
            n = sizeof err->message - 1;
        memcpy(err->message, msg, n);
        err->message[n] = '\0';
    }
    return -1;
}

int wf_areas_import_file(struct dbc *c, const char *path, struct wf_error *err)
{
    json_t *root = load_collection(path, err);
    if (!root)
        return -1;
    return import_collection(c, root, path, err);
}

/* SWEREF 99 TM's extent (EPSG:3006 area of use, rounded outward), in metres. */
#define SWEREF_E_MIN 100000.0
#define SWEREF_E_MAX 1100000.0
#define SWEREF_N_MIN 6000000.0
#define SWEREF_N_MAX 7800000.0

/* Stores feature i as a named place inside the caller's transaction: 0, or -1 with *err. */
static int import_place(struct dbc *c, json_t *f, size_t i, int srid, struct wf_error *err)
{
    static const char *const name_keys[] = {"name", "namn", NULL};
    json_t *geom = json_object_get(f, "geometry");
    const char *gtype = json_string_value(json_object_get(geom, "type"));
    const char *name = prop_str(json_object_get(f, "properties"), name_keys);
    json_t *xy = json_object_get(geom, "coordinates");
    if (!gtype || strcmp(gtype, "Point") != 0 || !json_is_array(xy) ||
        !json_is_number(json_array_get(xy, 0)) || !json_is_number(json_array_get(xy, 1)))
        return wf_fail(err, ERR_INVALID_FORMAT, "features", "feature %zu: geometry must be a Point",
                       i);
    if (!name || utf8_check(name, strlen(name), NULL) != 0 || strlen(name) > PLACE_NAME_MAX)
        return wf_fail(err, ERR_INVALID_FORMAT, "features",
                       "feature %zu: properties.name is missing or too long", i);
    double x = json_number_value(json_array_get(xy, 0)),
           y = json_number_value(json_array_get(xy, 1));
    int inside = srid == 3006 ? x >= SWEREF_E_MIN && x <= SWEREF_E_MAX && y >= SWEREF_N_MIN &&
                                    y <= SWEREF_N_MAX
                              : x >= -180 && x <= 180 && y >= -90 && y <= 90;
    if (!inside)
        return wf_fail(err, ERR_OUT_OF_RANGE, "features",
                       "feature %zu (%s): the point lies outside EPSG:%d's extent", i, name, srid);
    int rc = place_store_upsert(c, name, x, y, srid);
    if (rc == 1)
        return wf_fail(err, ERR_INVALID_FORMAT, "features", "feature %zu (%s): cannot store: %s", i,
                       name, sqlite3_errmsg(c->db));
    if (rc != 0)
        return wf_fail(err, db_failure(c), NULL, "feature %zu (%s) could not be stored", i, name);
    return 0;
}

int wf_places_import_file(struct dbc *c, const char *path, struct wf_error *err)
{
    json_t *root = load_collection(path, err);
    if (!root)
        return -1;
    int srid = detect_srid(root), count = 0;
    if (wf_begin(c, err) != 0) {
        json_decref(root);
        return -1;
    }
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(root, "features"), i, f)
    {
        if (import_place(c, f, i, srid, err) != 0) {
            db_rollback(c);
            json_decref(root);
            return -1;
        }
        count++;
    }
    json_decref(root);
    if (wf_commit(c, err, "the places could not be imported") != 0)
        return -1;
    return count;
}

int wf_areas_import_text(struct dbc *c, const char *geojson, size_t len, struct wf_error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(geojson, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return wf_fail(err, ERR_MALFORMED_JSON, NULL, "line %d: %s", jerr.line, jerr.text);
    if (!features_ok(root)) {
        json_decref(root);
        return wf_fail(err, ERR_INVALID_TYPE, "features",
                       "expected a FeatureCollection with 1 to %d features", WF_AREAS_MAX_FEATURES);
    }
    return import_collection(c, root, "", err);
}

int wf_boundary_set(struct dbc *c, const char *path, const char *code, const char *name,
                    struct wf_error *err)
{
    json_t *root = load_collection(path, err);
    if (!root)
        return -1;
    int srid = detect_srid(root);
    /* Every feature's polygons as one MultiPolygon; SpatiaLite unions them. */
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
        else if (t && strcmp(t, "MultiPolygon") == 0 && json_is_array(coords))
            json_array_extend(polys, coords);
    }
    json_t *mp = json_pack("{s:s, s:o}", "type", "MultiPolygon", "coordinates", polys);
    char *gj = mp ? json_dumps(mp, JSON_COMPACT) : NULL;
    json_decref(mp);
    json_decref(root);
    if (!gj)
        return wf_fail(err, ERR_INTERNAL, NULL, "%s: out of memory", path);
    if (wf_begin(c, err) != 0) {
        free(gj);
        return -1;
    }
    int rc = area_store_set_boundary(c, code, name, gj, srid);
    free(gj);
    if (rc < 0)
        return wf_fail_db(c, err, "the boundary could not be set");
    int valid = rc == 0 ? area_store_boundary_valid(c) : 0;
    if (valid < 0)
        return wf_fail_db(c, err, "the boundary could not be set");
    if (!valid) {
        char why[160] = "";
        if (rc == 1)
            snprintf(why, sizeof why, " (%s)", sqlite3_errmsg(c->db));
        db_rollback(c);
        return wf_fail(err, ERR_INVALID_FORMAT, NULL, "%s: no valid boundary polygon%s", path, why);
    }
    return wf_commit(c, err, "the boundary could not be set");
}
