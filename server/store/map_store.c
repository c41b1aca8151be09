/*
 * map_store — see map_store.h. The cell arithmetic in SQL (MAP_CELL_X/Y) must stay
 * the same expression as in migrations/0007_map_cells.sql's triggers, which is
 * grid_cell_index(lon, lat, 16, 4) of geo/grid.c written in SQL.
 */
#include "map_store.h"

#include <stdio.h>
#include <string.h>

#define MAP_CELL_X(lon)                                                                            \
    "max(0, min(262143, CAST(floor((" lon " + 180.0) / 360.0 * 262144.0) AS INTEGER)))"
#define MAP_CELL_Y(lat)                                                                            \
    "max(0, min(262143, CAST(floor((1.0 - asinh(tan(" lat " * 0.017453292519943295)) / "           \
    "3.1415926535897931) / 2.0 * 262144.0) AS INTEGER)))"

/* CROSS JOIN keeps the order: for each state and column one seek into the primary
 * key (level, status, cx, cy, month, category), then the rows of the cy range. */
static const char SQL_CELLS[] =
    "WITH RECURSIVE xs(x) AS (SELECT ?2 UNION ALL SELECT x + 1 FROM xs WHERE x < ?3) "
    "SELECT m.cx, m.cy, m.category, m.n, m.sum_lon, m.sum_lat, m.sum_id "
    "FROM json_each(?6) s CROSS JOIN xs CROSS JOIN map_cells m "
    "WHERE m.level = ?1 AND m.status = s.value AND m.cx = xs.x "
    "AND m.cy BETWEEN ?4 AND ?5 AND m.month BETWEEN ?7 AND ?9 AND m.n > 0 "
    "AND (?8 IS NULL OR m.category IN (SELECT value FROM json_each(?8)))";

int map_store_cells(struct dbc *c, const struct map_cell_query *q, map_cell_fn fn, void *ctx)
{
    if (q->x1 < q->x0 || q->y1 < q->y0)
        return 0;
    sqlite3_stmt *st = db_stmt(c, SQL_CELLS);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, q->level);
    sqlite3_bind_int64(st, 2, q->x0);
    sqlite3_bind_int64(st, 3, q->x1);
    sqlite3_bind_int64(st, 4, q->y0);
    sqlite3_bind_int64(st, 5, q->y1);
    sqlite3_bind_text(st, 6, q->statuses, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, q->month_from, -1, SQLITE_TRANSIENT);
    db_bind_text_or_null(st, 8, q->categories);
    sqlite3_bind_text(st, 9, q->month_to, -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
           (const char *)sqlite3_column_text(st, 2), sqlite3_column_int64(st, 3),
           sqlite3_column_double(st, 4), sqlite3_column_double(st, 5), sqlite3_column_int64(st, 6));
    db_done(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

#define MAP_POINT_SELECT                                                                           \
    "SELECT o.id, o.lon, o.lat, o.category, " MAP_CELL_X("o.lon") ", " MAP_CELL_Y("o.lat") " "
#define MAP_POINT_FILTERS                                                                          \
    "AND o.lon BETWEEN ?5 AND ?7 AND o.lat BETWEEN ?6 AND ?8 AND o.public = 1 "                    \
    "AND (?9 IS NULL OR o.category IN (SELECT value FROM json_each(?9))) "                         \
    "AND (?10 IS NULL OR o.status IN (SELECT value FROM json_each(?10))) "

static const char SQL_POINTS_FRAME[] =
    MAP_POINT_SELECT "FROM observations o WHERE o.id IN (SELECT rowid FROM SpatialIndex WHERE "
                     "f_table_name = 'observations' AND f_geometry_column = 'geom' AND "
                     "search_frame = BuildMbr(?1, ?2, ?3, ?4, 4326)) " MAP_POINT_FILTERS
                     "AND (?11 IS NULL OR o.observed_at >= ?11) "
                     "AND (?12 IS NULL OR o.observed_at < ?12)";

/* A short period: through the observed_at index. */
static const char SQL_POINTS_TIME[] =
    MAP_POINT_SELECT "FROM observations o INDEXED BY observations_observed_at "
                     "WHERE o.observed_at >= ?11 AND o.observed_at < ?12 "
                     "AND ?1 IS NULL " MAP_POINT_FILTERS;

int map_store_points(struct dbc *c, const struct map_point_query *q, map_point_fn fn, void *ctx)
{
    sqlite3_stmt *st = db_stmt(c, q->frame ? SQL_POINTS_FRAME : SQL_POINTS_TIME);
    if (!st)
        return -1;
    if (q->frame)
        for (int i = 0; i < 4; i++)
            sqlite3_bind_double(st, 1 + i, q->frame[i]);
    for (int i = 0; i < 4; i++)
        sqlite3_bind_double(st, 5 + i, q->box[i]);
    db_bind_text_or_null(st, 9, q->categories);
    db_bind_text_or_null(st, 10, q->statuses);
    if (q->frame) {
        db_bind_text_or_null(st, 11, q->since);
        db_bind_text_or_null(st, 12, q->until);
    } else { /* open ends as bounds every RFC 3339 time string sorts within */
        sqlite3_bind_text(st, 11, q->since ? q->since : "", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 12, q->until ? q->until : "A", -1, SQLITE_TRANSIENT);
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(ctx, sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1),
           sqlite3_column_double(st, 2), (const char *)sqlite3_column_text(st, 3),
           sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5));
    db_done(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_TIME_RANGE[] =
    "SELECT (SELECT min(observed_at) FROM observations), (SELECT max(observed_at) FROM "
    "observations)";

int map_store_time_range(struct dbc *c, char *first, char *last, size_t cap)
{
    sqlite3_stmt *st = db_stmt(c, SQL_TIME_RANGE);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *a = sqlite3_column_text(st, 0), *b = sqlite3_column_text(st, 1);
        snprintf(first, cap, "%s", a ? (const char *)a : "");
        snprintf(last, cap, "%s", b ? (const char *)b : "");
    }
    db_done(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

static const char SQL_STATUSES[] =
    "SELECT id, status FROM observations WHERE id IN (SELECT value FROM json_each(?1))";

int map_store_statuses(struct dbc *c, const char *ids_json,
                       void (*fn)(void *ctx, int64_t id, const char *status), void *ctx)
{
    sqlite3_stmt *st = db_stmt(c, SQL_STATUSES);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, ids_json, -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(ctx, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1));
    db_done(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The same counting as the migration's and the triggers'. */
static const char SQL_REBUILD_POINTS[] =
    "CREATE TEMP TABLE map_rebuild_points AS SELECT id, lon, lat, category, status, "
    "substr(observed_at, 1, 7) AS month, " MAP_CELL_X("lon") " AS x, " MAP_CELL_Y(
        "lat") " AS y FROM observations WHERE public = 1";
static const char SQL_REBUILD_CELLS[] =
    "INSERT INTO map_cells (level, status, month, cx, cy, category, n, sum_lon, sum_lat, sum_id) "
    "SELECT l.level, CASE d.d WHEN 1 THEN p.status WHEN 2 THEN '*' ELSE '' END, "
    "CASE d.d WHEN 2 THEN p.month ELSE '' END, p.x >> l.shift, p.y >> l.shift, p.category, "
    "count(*), sum(p.lon), sum(p.lat), sum(p.id) FROM map_rebuild_points p, map_levels l, "
    "map_dims d WHERE l.level = ?1 GROUP BY 1, 2, 3, 4, 5, 6";

int map_store_rebuild(struct dbc *c, int64_t *points)
{
    if (db_exec(c->db, "DROP TABLE IF EXISTS temp.map_rebuild_points") != SQLITE_OK ||
        db_exec(c->db, "DELETE FROM map_cells") != SQLITE_OK ||
        db_exec(c->db, SQL_REBUILD_POINTS) != SQLITE_OK)
        return -1;
    sqlite3_stmt *cnt = db_prepare(c->db, "SELECT count(*) FROM temp.map_rebuild_points");
    *points = cnt && sqlite3_step(cnt) == SQLITE_ROW ? sqlite3_column_int64(cnt, 0) : 0;
    sqlite3_finalize(cnt);
    /* One level at a time: each GROUP BY sorts at most three rows per point. */
    sqlite3_stmt *st = db_prepare(c->db, SQL_REBUILD_CELLS);
    int rc = st ? SQLITE_DONE : SQLITE_ERROR;
    for (int level = MAP_COARSEST_LEVEL; st && level <= MAP_FINEST_LEVEL; level += MAP_LEVEL_STEP) {
        sqlite3_bind_int(st, 1, level);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            break;
    }
    sqlite3_finalize(st);
    if (db_exec(c->db, "DROP TABLE temp.map_rebuild_points") != SQLITE_OK || rc != SQLITE_DONE)
        return -1;
    return db_exec(c->db, "UPDATE public_data_version SET version = version + 1") == SQLITE_OK ? 0
                                                                                               : -1;
}

static const char SQL_VERSION[] = "SELECT version FROM public_data_version WHERE id = 1";

int64_t map_store_data_version(struct dbc *c)
{
    sqlite3_stmt *st = db_stmt(c, SQL_VERSION);
    if (!st)
        return -1;
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    db_done(st);
    return v;
}

static const char SQL_BUMP[] = "UPDATE public_data_version SET version = version + 1 WHERE id = 1";

int map_store_public_changed(struct dbc *c)
{
    return db_run(db_stmt(c, SQL_BUMP));
}
