/*
 * area_store — see area_store.h. Every SELECT's columns are read by their
 * named position.
 */
#include "area_store.h"
#include "ogc_query.h"
#include "polyindex.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the polygons in memory ------------------------------------------------------
 *
 * The areas and the boundary as point-in-polygon indexes (geo/polyindex.h), one
 * snapshot for the whole process, made from the committed database and tagged with
 * geo_version's (salt, version) (migration 0012): every question first reads that
 * row, and a snapshot of another version is made again. A connection inside a
 * transaction whose version is not the snapshot's (it may be changing the areas
 * itself) asks SpatiaLite instead, as all of them did before.
 *
 * THREAD SAFETY NOTES: geo_current is read and replaced under geo_lock; a snapshot
 * is never changed once published, and each user holds a reference while it reads.
 */
struct geo_snapshot {
    atomic_int refs;
    int64_t salt, version;
    struct polyindex *areas;
    struct polyindex *boundary; /* NULL: no boundary configured */
};

static pthread_mutex_t geo_lock = PTHREAD_MUTEX_INITIALIZER;
static struct geo_snapshot *geo_current; /* holds a reference of its own */

static void geo_release(struct geo_snapshot *g)
{
    if (g && atomic_fetch_sub(&g->refs, 1) == 1) {
        polyindex_free(g->areas);
        polyindex_free(g->boundary);
        free(g);
    }
}

static const char SQL_GEO_VERSION[] = "SELECT salt, version FROM geo_version WHERE id = 1";

static int geo_version_read(struct dbc *c, int64_t *salt, int64_t *version)
{
    sqlite3_stmt *st = db_stmt(c, SQL_GEO_VERSION);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *salt = sqlite3_column_int64(st, 0);
        *version = sqlite3_column_int64(st, 1);
    }
    db_done(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

static const char SQL_GEO_AREAS[] = "SELECT id, AsBinary(geom) FROM areas WHERE geom IS NOT NULL";
static const char SQL_GEO_BOUNDARY[] =
    "SELECT AsBinary(geom) FROM municipality WHERE id = 1 AND geom IS NOT NULL";

/* Reads the polygons into a new snapshot (refs 1), or NULL. */
static struct geo_snapshot *geo_build(struct dbc *c, int64_t salt, int64_t version)
{
    struct geo_snapshot *g = calloc(1, sizeof *g);
    if (!g || !(g->areas = polyindex_new())) {
        free(g);
        return NULL;
    }
    atomic_init(&g->refs, 1);
    g->salt = salt;
    g->version = version;
    int ok = 1, rc;
    sqlite3_stmt *st = db_stmt(c, SQL_GEO_AREAS);
    while (st && ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *wkb = sqlite3_column_blob(st, 1);
        int len = sqlite3_column_bytes(st, 1);
        /* A polygon the index cannot read is left to SpatiaLite: give up the snapshot. */
        ok = wkb && polyindex_add_wkb(g->areas, sqlite3_column_int64(st, 0), wkb, (size_t)len) == 0;
    }
    ok = ok && st && rc == SQLITE_DONE;
    db_done(st);
    ok = ok && polyindex_finish(g->areas) == 0;
    st = ok ? db_stmt(c, SQL_GEO_BOUNDARY) : NULL;
    if (st && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *wkb = sqlite3_column_blob(st, 0);
        int len = sqlite3_column_bytes(st, 0);
        g->boundary = polyindex_new();
        ok = wkb && g->boundary && polyindex_add_wkb(g->boundary, 1, wkb, (size_t)len) == 0 &&
             polyindex_finish(g->boundary) == 0;
    } else if (!st || rc != SQLITE_DONE) {
        ok = 0;
    }
    db_done(st);
    if (!ok) {
        geo_release(g);
        return NULL;
    }
    return g;
}

/* The snapshot for c's database as c sees it (a reference: geo_release it), or
 * NULL when c must ask SpatiaLite (inside a transaction that may change the
 * polygons, or the polygons could not be indexed). */
static struct geo_snapshot *geo_get(struct dbc *c)
{
    int64_t salt, version;
    if (geo_version_read(c, &salt, &version) != 0)
        return NULL;
    struct geo_snapshot *g = NULL;
    pthread_mutex_lock(&geo_lock);
    if (geo_current && geo_current->salt == salt && geo_current->version == version) {
        g = geo_current;
        atomic_fetch_add(&g->refs, 1);
    } else if (sqlite3_get_autocommit(c->db)) {
        /* Only committed polygons are published: read them, then check that no
         * change committed meanwhile (versions only grow). */
        g = geo_build(c, salt, version);
        int64_t s2, v2;
        if (g && (geo_version_read(c, &s2, &v2) != 0 || s2 != salt || v2 != version)) {
            geo_release(g);
            g = NULL;
        }
        if (g) {
            geo_release(geo_current);
            geo_current = g;
            atomic_fetch_add(&g->refs, 1);
        }
    }
    pthread_mutex_unlock(&geo_lock);
    return g;
}

static const char SQL_GEOJSON[] = "SELECT id, code, name, AsGeoJSON(geom, 6) FROM areas "
                                  "WHERE geom IS NOT NULL ORDER BY name";
enum { GJ_ID, GJ_CODE, GJ_NAME, GJ_GEOMETRY };

json_t *area_store_geojson(struct dbc *c)
{
    sqlite3_stmt *st = db_stmt(c, SQL_GEOJSON);
    if (!st)
        return NULL;
    json_t *features = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *g = (const char *)sqlite3_column_text(st, GJ_GEOMETRY);
        json_t *geom = g ? json_loads(g, 0, NULL) : NULL;
        if (!geom)
            continue;
        json_int_t id = (json_int_t)sqlite3_column_int64(st, GJ_ID);
        json_array_append_new(features,
                              json_pack("{s:s, s:I, s:o, s:{s:I, s:s, s:s}}", "type", "Feature",
                                        "id", id, "geometry", geom, "properties", "id", id, "code",
                                        sqlite3_column_text(st, GJ_CODE), "name",
                                        sqlite3_column_text(st, GJ_NAME)));
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(features);
        return NULL;
    }
    return json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", features);
}

/* SQL turning GeoJSON text (?1) in srid ?2 into a WGS 84 MultiPolygon. */
#define GEOM_FROM_GEOJSON_SQL                                                                      \
    "CastToMultiPolygon(ST_Transform(SetSRID(GeomFromGeoJSON(?1), ?2), 4326))"

static const char SQL_UPSERT[] =
    "INSERT INTO areas (code, name, geom) VALUES (?3, ?4, " GEOM_FROM_GEOJSON_SQL
    ") ON CONFLICT(code) DO UPDATE SET name = excluded.name, geom = excluded.geom";

int area_store_upsert(struct dbc *c, const char *code, const char *name, const char *geojson,
                      int srid)
{
    sqlite3_stmt *st = db_stmt(c, SQL_UPSERT);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, geojson, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, srid);
    sqlite3_bind_text(st, 3, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_done(st);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return 1;
    return rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_FIRST_INVALID[] =
    "SELECT code FROM areas WHERE geom IS NULL OR NOT ST_IsValid(geom) ORDER BY id LIMIT 1";

int area_store_first_invalid(struct dbc *c, char *code, size_t cap)
{
    sqlite3_stmt *st = db_stmt(c, SQL_FIRST_INVALID);
    if (!st)
        return -1;
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        snprintf(code, cap, "%s", sqlite3_column_text(st, 0));
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = -1;
    }
    db_done(st);
    return found;
}

static const char SQL_AREA_AT[] =
    "SELECT a.id FROM areas a WHERE a.id IN (SELECT rowid FROM SpatialIndex "
    "WHERE f_table_name = 'areas' AND f_geometry_column = 'geom' "
    "AND search_frame = MakePoint(?1, ?2, 4326)) "
    "AND ST_Contains(a.geom, MakePoint(?1, ?2, 4326)) ORDER BY a.id LIMIT 1";

int64_t area_store_at(struct dbc *c, double lon, double lat)
{
    struct geo_snapshot *g = geo_get(c);
    if (g) {
        int64_t id = polyindex_find(g->areas, lon, lat);
        geo_release(g);
        return id;
    }
    sqlite3_stmt *st = db_stmt(c, SQL_AREA_AT);
    if (!st)
        return -1;
    sqlite3_bind_double(st, 1, lon);
    sqlite3_bind_double(st, 2, lat);
    int rc = sqlite3_step(st);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : rc == SQLITE_DONE ? 0 : -1;
    db_done(st);
    return id;
}

static const char SQL_AREA_AT_NAMED[] =
    "SELECT a.code, a.name FROM areas a WHERE a.id IN (SELECT rowid FROM SpatialIndex "
    "WHERE f_table_name = 'areas' AND f_geometry_column = 'geom' "
    "AND search_frame = MakePoint(?1, ?2, 4326)) "
    "AND ST_Contains(a.geom, MakePoint(?1, ?2, 4326)) ORDER BY a.id LIMIT 1";
static const char SQL_AREA_NAMED_BY_ID[] = "SELECT code, name FROM areas WHERE id = ?1";
enum { AT_CODE, AT_NAME };

int area_store_at_named(struct dbc *c, double lon, double lat, char *code, size_t code_cap,
                        char *name, size_t name_cap)
{
    struct geo_snapshot *g = geo_get(c);
    sqlite3_stmt *st;
    if (g) {
        int64_t id = polyindex_find(g->areas, lon, lat);
        geo_release(g);
        if (id == 0)
            return 0;
        st = db_stmt(c, SQL_AREA_NAMED_BY_ID);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, id);
    } else {
        st = db_stmt(c, SQL_AREA_AT_NAMED);
        if (!st)
            return -1;
        sqlite3_bind_double(st, 1, lon);
        sqlite3_bind_double(st, 2, lat);
    }
    int rc = sqlite3_step(st), found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
    if (found == 1) {
        const unsigned char *cd = sqlite3_column_text(st, AT_CODE);
        const unsigned char *nm = sqlite3_column_text(st, AT_NAME);
        snprintf(code, code_cap, "%s", cd ? (const char *)cd : "");
        snprintf(name, name_cap, "%s", nm ? (const char *)nm : "");
    }
    db_done(st);
    return found;
}

/* ---- municipality -------------------------------------------------------- */

static const char SQL_SET_BOUNDARY[] =
    "INSERT OR REPLACE INTO municipality (id, code, name, geom) VALUES (1, ?3, ?4, "
    "CastToMultiPolygon(ST_UnaryUnion(ST_Transform(SetSRID(GeomFromGeoJSON(?1), ?2), 4326))))";

int area_store_set_boundary(struct dbc *c, const char *code, const char *name, const char *geojson,
                            int srid)
{
    sqlite3_stmt *st = db_stmt(c, SQL_SET_BOUNDARY);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, geojson, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, srid);
    sqlite3_bind_text(st, 3, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_done(st);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return 1;
    return rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_BOUNDARY_VALID[] =
    "SELECT geom IS NOT NULL AND ST_IsValid(geom) FROM municipality WHERE id = 1";

int area_store_boundary_valid(struct dbc *c)
{
    sqlite3_stmt *st = db_stmt(c, SQL_BOUNDARY_VALID);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    int valid = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) == 1 : rc == SQLITE_DONE ? 0 : -1;
    db_done(st);
    return valid;
}

static const char SQL_INSIDE[] =
    "SELECT ST_Contains(geom, MakePoint(?, ?, 4326)) FROM municipality "
    "WHERE id = 1 AND geom IS NOT NULL";

int area_store_inside_municipality(struct dbc *c, double lon, double lat)
{
    struct geo_snapshot *g = geo_get(c);
    if (g) {
        int inside = !g->boundary || polyindex_contains(g->boundary, 1, lon, lat);
        geo_release(g);
        return inside;
    }
    sqlite3_stmt *st = db_stmt(c, SQL_INSIDE);
    if (!st)
        return -1;
    sqlite3_bind_double(st, 1, lon);
    sqlite3_bind_double(st, 2, lat);
    int rc = sqlite3_step(st), inside;
    if (rc == SQLITE_ROW)
        inside = sqlite3_column_int(st, 0) == 1;
    else
        inside = rc == SQLITE_DONE ? 1 : -1; /* no boundary configured: everywhere is inside */
    db_done(st);
    return inside;
}

static const char SQL_MUNICIPALITY[] =
    "SELECT code, name, MbrMinX(geom), MbrMinY(geom), MbrMaxX(geom), MbrMaxY(geom) "
    "FROM municipality WHERE id = 1";
enum { MUN_CODE, MUN_NAME, MUN_MINX, MUN_MINY, MUN_MAXX, MUN_MAXY };

int area_store_municipality(struct dbc *c, struct municipality *out)
{
    sqlite3_stmt *st = db_stmt(c, SQL_MUNICIPALITY);
    if (!st)
        return -1;
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        snprintf(out->code, sizeof out->code, "%s", sqlite3_column_text(st, MUN_CODE));
        snprintf(out->name, sizeof out->name, "%s", sqlite3_column_text(st, MUN_NAME));
        out->has_bbox = sqlite3_column_type(st, MUN_MINX) != SQLITE_NULL;
        for (int i = 0; out->has_bbox && i < 4; i++)
            out->bbox[i] = sqlite3_column_double(st, MUN_MINX + i);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = -1;
    }
    db_done(st);
    return found;
}

static const char SQL_LINE_INSIDE[] =
    "SELECT ST_Within(SetSRID(GeomFromGeoJSON(?1), 4326), geom) FROM municipality "
    "WHERE id = 1 AND geom IS NOT NULL";

int area_store_line_inside_municipality(struct dbc *c, const char *line_geojson)
{
    sqlite3_stmt *st = db_stmt(c, SQL_LINE_INSIDE);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, line_geojson, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st), inside;
    if (rc == SQLITE_ROW)
        inside = sqlite3_column_int(st, 0) == 1;
    else
        inside = rc == SQLITE_DONE ? 1 : -1;
    db_done(st);
    return inside;
}

static const char SQL_AREA_BY_CODE[] = "SELECT id FROM areas WHERE code = ?";

int64_t area_store_id_by_code(struct dbc *c, const char *code)
{
    return db_lookup_id(c, SQL_AREA_BY_CODE, code);
}

#define AREA_OGC_WHERE                                                                             \
    "WHERE (?1 = 0 OR (MbrMaxX(geom) >= ?2 AND MbrMinX(geom) <= ?4 AND MbrMaxY(geom) >= ?3 AND "   \
    "MbrMinY(geom) <= ?5)) AND (?6 IS NULL OR code = ?6) AND (?7 = 0 OR id = ?7) "
static const char SQL_AREA_OGC_COUNT[] = "SELECT count(*) FROM areas " AREA_OGC_WHERE;
static const char SQL_AREA_OGC[] =
    "SELECT id, code, name, AsGeoJSON(geom, 6) FROM areas " AREA_OGC_WHERE
    "ORDER BY id LIMIT ?8 OFFSET ?9";

static json_t *area_feature(sqlite3_stmt *st)
{
    const char *g = (const char *)sqlite3_column_text(st, 3);
    json_t *geom = g ? json_loads(g, 0, NULL) : NULL;
    json_int_t id = (json_int_t)sqlite3_column_int64(st, 0);
    return json_pack("{s:s, s:I, s:o, s:{s:s, s:s}}", "type", "Feature", "id", id, "geometry",
                     geom ? geom : json_null(), "properties", "code", sqlite3_column_text(st, 1),
                     "name", sqlite3_column_text(st, 2));
}

static void bind_area_ogc(sqlite3_stmt *st, const struct ogc_query *q)
{
    sqlite3_bind_int(st, 1, q->has_bbox);
    for (int i = 0; i < 4; i++)
        sqlite3_bind_double(st, 2 + i, q->bbox[i]);
    db_bind_text_or_null(st, 6, q->code);
    sqlite3_bind_int64(st, 7, q->feature_id);
}

json_t *area_store_ogc_items(struct dbc *c, const struct ogc_query *q, int64_t *matched)
{
    sqlite3_stmt *st = db_stmt(c, SQL_AREA_OGC_COUNT);
    if (!st)
        return NULL;
    bind_area_ogc(st, q);
    int rc = sqlite3_step(st);
    *matched = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    db_done(st);
    if (rc != SQLITE_ROW || !(st = db_stmt(c, SQL_AREA_OGC)))
        return NULL;
    bind_area_ogc(st, q);
    sqlite3_bind_int64(st, 8, q->limit);
    sqlite3_bind_int64(st, 9, q->offset);
    return db_json_rows(st, area_feature);
}
