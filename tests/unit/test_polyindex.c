/*
 * test_polyindex — geo/polyindex.c gives the answer SpatiaLite's ST_Contains
 * gives: Sweden's 290 municipalities (tests/bench/data) as the polygons, tens
 * of thousands of points inside their boxes, every vertex of some of them and
 * points on their edges; a square with a hole, a multipolygon, big-endian WKB
 * and malformed WKB by hand. The WKB itself is what SpatiaLite's AsBinary()
 * writes, as area_store.c reads it.
 */
#include "check.h"
#include "db.h"
#include "polyindex.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TRYGG_SOURCE_DIR
#define TRYGG_SOURCE_DIR "."
#endif

static struct dbc db;

/* The WKB that SpatiaLite's AsBinary writes for geometry text (malloc'd), from sql:
 * "SELECT AsBinary(<constructor>(?))". */
static unsigned char *wkb_by(const char *sql, const char *text, size_t *len)
{
    sqlite3_stmt *st = db_stmt(&db, sql);
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    unsigned char *out = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_BLOB) {
        *len = (size_t)sqlite3_column_bytes(st, 0);
        out = malloc(*len);
        if (out)
            memcpy(out, sqlite3_column_blob(st, 0), *len);
    }
    sqlite3_reset(st);
    return out;
}

static unsigned char *wkb_of_geojson(const char *geojson, size_t *len)
{
    return wkb_by("SELECT AsBinary(GeomFromGeoJSON(?))", geojson, len);
}

static unsigned char *wkb_of_wkt(const char *wkt, size_t *len)
{
    return wkb_by("SELECT AsBinary(GeomFromText(?, 4326))", wkt, len);
}

/* The smallest id whose polygon ST_Contains (x, y), or 0: the reference answer. */
static int64_t spatialite_find(double x, double y)
{
    sqlite3_stmt *st = db_stmt(&db, "SELECT id FROM p WHERE MbrContains(g, MakePoint(?1, ?2)) "
                                    "AND ST_Contains(g, MakePoint(?1, ?2)) ORDER BY id LIMIT 1");
    if (!st)
        return -1;
    sqlite3_bind_double(st, 1, x);
    sqlite3_bind_double(st, 2, y);
    int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return id;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static double rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

static void test_sweden(void)
{
    char path[1024];
    const char *dir = getenv("TRYGG_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/tests/bench/data/sweden-municipalities.geojson",
             dir ? dir : TRYGG_SOURCE_DIR);
    json_error_t jerr;
    json_t *fc = json_load_file(path, 0, &jerr);
    CHECK(fc != NULL);
    if (!fc) {
        fprintf(stderr, "%s: %s\n", path, jerr.text);
        return;
    }
    CHECK(db_exec(db.db, "CREATE TABLE p (id INTEGER PRIMARY KEY, g BLOB)") == 0);
    struct polyindex *ix = polyindex_new();
    CHECK(ix != NULL);
    json_t *features = json_object_get(fc, "features");
    double minx = 1e9, miny = 1e9, maxx = -1e9, maxy = -1e9;
    size_t added = 0;
    for (size_t i = 0; i < json_array_size(features); i++) {
        json_t *geom = json_object_get(json_array_get(features, i), "geometry");
        char *text = json_dumps(geom, JSON_COMPACT);
        size_t len = 0;
        unsigned char *wkb = text ? wkb_of_geojson(text, &len) : NULL;
        free(text);
        CHECK(wkb != NULL);
        if (!wkb)
            continue;
        int64_t id = (int64_t)i + 1;
        CHECK(polyindex_add_wkb(ix, id, wkb, len) == 0);
        sqlite3_stmt *st = db_stmt(&db, "INSERT INTO p (id, g) VALUES (?, GeomFromWKB(?, 4326))");
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_blob(st, 2, wkb, (int)len, SQLITE_STATIC);
        CHECK(db_run(st) == 0);
        free(wkb);
        added++;
    }
    CHECK(added == 290);
    CHECK(polyindex_finish(ix) == 0);
    CHECK(polyindex_count(ix) == added);
    sqlite3_stmt *st = db_stmt(&db, "SELECT min(MbrMinX(g)), min(MbrMinY(g)), max(MbrMaxX(g)), "
                                    "max(MbrMaxY(g)) FROM p");
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        minx = sqlite3_column_double(st, 0);
        miny = sqlite3_column_double(st, 1);
        maxx = sqlite3_column_double(st, 2);
        maxy = sqlite3_column_double(st, 3);
    }
    sqlite3_reset(st);
    CHECK(minx > 10 && maxx < 25 && miny > 55 && maxy < 70);

    /* Points anywhere in the country's box (a third or so fall in the sea or abroad). */
    int disagree = 0, inside = 0;
    for (int i = 0; i < 20000; i++) {
        double x = minx + rnd() * (maxx - minx), y = miny + rnd() * (maxy - miny);
        int64_t want = spatialite_find(x, y), got = polyindex_find(ix, x, y);
        if (want != got && disagree++ < 5)
            fprintf(stderr, "(%.9f %.9f): ST_Contains %lld, polyindex %lld\n", x, y,
                    (long long)want, (long long)got);
        inside += want != 0;
        if (want)
            CHECK(polyindex_contains(ix, want, x, y) == 1);
    }
    CHECK(disagree == 0);
    CHECK(inside > 5000);

    /* The vertices of the first 20 municipalities, and the midpoints of their edges:
     * on the boundary, which ST_Contains holds to be outside the polygon. Points a
     * hair beside the vertex, and midpoints a rounding error off the edge, must get
     * the same answer as from ST_Contains (GEOS decides the side of an edge exactly). */
    int on_edge = 0, edge_disagree = 0;
    sqlite3_stmt *pts = db_stmt(&db, "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 "
                                     "FROM s WHERE n < 40) "
                                     "SELECT X(PointN(ExteriorRing(GeometryN(g, 1)), n)), "
                                     "Y(PointN(ExteriorRing(GeometryN(g, 1)), n)), "
                                     "X(PointN(ExteriorRing(GeometryN(g, 1)), n + 1)), "
                                     "Y(PointN(ExteriorRing(GeometryN(g, 1)), n + 1)), p.id "
                                     "FROM p, s WHERE p.id <= 20 AND n < NumPoints(ExteriorRing("
                                     "GeometryN(g, 1)))");
    CHECK(pts != NULL);
    while (pts && sqlite3_step(pts) == SQLITE_ROW) {
        double x0 = sqlite3_column_double(pts, 0), y0 = sqlite3_column_double(pts, 1);
        double x1 = sqlite3_column_double(pts, 2), y1 = sqlite3_column_double(pts, 3);
        double probes[][2] = {{x0, y0},        {x0 + 1e-7, y0}, {x0 - 1e-7, y0},
                              {x0, y0 + 1e-7}, {x0, y0 - 1e-7}, {(x0 + x1) / 2, (y0 + y1) / 2}};
        for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++) {
            /* An edge's midpoint is only on the edge when it is exactly representable;
             * whichever it is, both must say the same. */
            int64_t want = spatialite_find(probes[k][0], probes[k][1]);
            int64_t got = polyindex_find(ix, probes[k][0], probes[k][1]);
            if (want != got && edge_disagree++ < 5)
                fprintf(stderr,
                        "boundary probe %zu of %lld (%.12f %.12f): ST_Contains %lld, polyindex "
                        "%lld (contains the ST_Contains one: %d)\n",
                        k, (long long)sqlite3_column_int64(pts, 4), probes[k][0], probes[k][1],
                        (long long)want, (long long)got,
                        polyindex_contains(ix, want, probes[k][0], probes[k][1]));
            on_edge += k == 0;
            /* A vertex is on its own polygon's boundary (it may lie inside a neighbour:
             * the municipalities' shared borders are not all vertex for vertex). */
            if (k == 0)
                CHECK(polyindex_contains(ix, sqlite3_column_int64(pts, 4), x0, y0) == 0);
        }
    }
    if (pts)
        sqlite3_reset(pts);
    CHECK(on_edge >= 20 * 30);
    CHECK(edge_disagree == 0);
    CHECK(polyindex_find(ix, 0.0 / 0.0, 60) == 0);
    polyindex_free(ix);
    json_decref(fc);
}

static void test_by_hand(void)
{
    struct polyindex *ix = polyindex_new();
    size_t len = 0;
    /* A square with a square hole; a multipolygon of two squares; overlapping the first. */
    unsigned char *a = wkb_of_wkt("POLYGON((0 0,10 0,10 10,0 10,0 0),(4 4,6 4,6 6,4 6,4 4))", &len);
    CHECK(a && polyindex_add_wkb(ix, 7, a, len) == 0);
    size_t lenb = 0;
    unsigned char *b = wkb_of_wkt(
        "MULTIPOLYGON(((20 0,30 0,30 10,20 10,20 0)),((5 5,5.5 5,5.5 5.5,5 5.5,5 5)))", &lenb);
    CHECK(b && polyindex_add_wkb(ix, 3, b, lenb) == 0);
    /* The same square as big-endian WKB, by hand: byte order 0, type 3, one ring of 5. */
    unsigned char be[1 + 4 + 4 + 4 + 5 * 16];
    size_t o = 0;
    be[o++] = 0;
    uint32_t u32[3] = {3, 1, 5};
    for (int i = 0; i < 3; i++)
        for (int k = 3; k >= 0; k--)
            be[o++] = (unsigned char)(u32[i] >> (8 * k));
    double ring[5][2] = {{40, 0}, {50, 0}, {50, 10}, {40, 10}, {40, 0}};
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 2; j++) {
            uint64_t bits;
            memcpy(&bits, &ring[i][j], sizeof bits);
            for (int k = 7; k >= 0; k--)
                be[o++] = (unsigned char)(bits >> (8 * k));
        }
    CHECK(o == sizeof be);
    CHECK(polyindex_add_wkb(ix, 9, be, sizeof be) == 0);
    /* Malformed: cut short, a point, an absurd ring count. Nothing is added. */
    CHECK(a && polyindex_add_wkb(ix, 11, a, len - 1) == -1);
    unsigned char point[21] = {1, 1, 0, 0, 0};
    CHECK(polyindex_add_wkb(ix, 12, point, sizeof point) == -1);
    unsigned char rings[9] = {1, 3, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f};
    CHECK(polyindex_add_wkb(ix, 13, rings, sizeof rings) == -1);
    CHECK(polyindex_add_wkb(ix, 0, be, sizeof be) == -1);
    CHECK(polyindex_finish(ix) == 0);
    CHECK(polyindex_count(ix) == 3);

    CHECK(polyindex_find(ix, 1, 1) == 7);
    CHECK(polyindex_find(ix, 5, 4.5) == 0);   /* in the hole */
    CHECK(polyindex_find(ix, 5.2, 5.2) == 3); /* the small square inside the hole */
    CHECK(polyindex_find(ix, 25, 5) == 3);
    CHECK(polyindex_find(ix, 45, 5) == 9);
    CHECK(polyindex_find(ix, 10, 5) == 0); /* on an edge */
    CHECK(polyindex_find(ix, 0, 0) == 0);  /* on a vertex */
    CHECK(polyindex_find(ix, 4, 5) == 0);  /* on the hole's edge */
    CHECK(polyindex_find(ix, 15, 5) == 0);
    CHECK(polyindex_find(ix, -1, -1) == 0);
    CHECK(polyindex_contains(ix, 7, 1, 1) == 1);
    CHECK(polyindex_contains(ix, 3, 1, 1) == 0);
    CHECK(polyindex_contains(ix, 99, 1, 1) == 0);
    free(a);
    free(b);
    polyindex_free(ix);

    struct polyindex *empty = polyindex_new();
    CHECK(polyindex_finish(empty) == 0);
    CHECK(polyindex_find(empty, 1, 1) == 0);
    polyindex_free(empty);
}

int main(void)
{
    char path[] = "/tmp/trygg-test-polyindex-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 1;
    close(fd);
    char err[256];
    if (db_open(&db, path, 1, err, sizeof err) != 0) {
        fprintf(stderr, "db_open: %s\n", err);
        return 1;
    }
    test_by_hand();
    test_sweden();
    db_close(&db);
    unlink(path);
    return check_report("test_polyindex");
}
