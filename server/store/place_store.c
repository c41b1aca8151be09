/*
 * place_store — see place_store.h. The search frame is a square of side
 * 2 * max_m around the point through the R*Tree on geom_sweref (boxes are
 * rounded outward, so the overlap test keeps every candidate), then the exact
 * distance orders them.
 */
#include "place_store.h"

#include <stdio.h>

static const char SQL_UPSERT[] =
    "INSERT INTO places (name, geom, geom_sweref) VALUES (?1, "
    "ST_Transform(MakePoint(?2, ?3, ?4), 4326), ST_Transform(MakePoint(?2, ?3, ?4), 3006)) "
    "ON CONFLICT (name) DO UPDATE SET geom = excluded.geom, geom_sweref = excluded.geom_sweref";

int place_store_upsert(struct dbc *c, const char *name, double x, double y, int srid)
{
    sqlite3_stmt *st = db_stmt(c, SQL_UPSERT);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 2, x);
    sqlite3_bind_double(st, 3, y);
    sqlite3_bind_int(st, 4, srid);
    int rc = sqlite3_step(st);
    db_done(st);
    if (rc == SQLITE_DONE)
        return 0;
    return (rc & 0xff) == SQLITE_CONSTRAINT ? 1 : -1;
}

static const char SQL_NEAREST[] =
    "SELECT name, X(geom), Y(geom), X(geom_sweref), Y(geom_sweref), "
    "(X(geom_sweref) - ?1) * (X(geom_sweref) - ?1) + (Y(geom_sweref) - ?2) * (Y(geom_sweref) - ?2) "
    "AS d2 FROM places WHERE id IN (SELECT rowid FROM SpatialIndex "
    "WHERE f_table_name = 'places' AND f_geometry_column = 'geom_sweref' "
    "AND search_frame = BuildMbr(?1 - ?3, ?2 - ?3, ?1 + ?3, ?2 + ?3, 3006)) "
    "AND d2 <= ?3 * ?3 ORDER BY d2, id LIMIT 1";
enum { NEAR_NAME, NEAR_LON, NEAR_LAT, NEAR_E, NEAR_N };

int place_store_nearest(struct dbc *c, double e, double n, double max_m, struct place *out)
{
    sqlite3_stmt *st = db_stmt(c, SQL_NEAREST);
    if (!st)
        return -1;
    sqlite3_bind_double(st, 1, e);
    sqlite3_bind_double(st, 2, n);
    sqlite3_bind_double(st, 3, max_m);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        const unsigned char *name = sqlite3_column_text(st, NEAR_NAME);
        snprintf(out->name, sizeof out->name, "%s", name ? (const char *)name : "");
        out->lon = sqlite3_column_double(st, NEAR_LON);
        out->lat = sqlite3_column_double(st, NEAR_LAT);
        out->e = sqlite3_column_double(st, NEAR_E);
        out->n = sqlite3_column_double(st, NEAR_N);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = -1;
    }
    db_done(st);
    return found;
}
