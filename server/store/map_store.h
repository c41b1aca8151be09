/*
 * map_store — every SQL statement about the public map's aggregates (map_cells,
 * migrations/0007_map_cells.sql) and the public data version. The cells are kept
 * current by triggers on observations, in the transaction of every write; this
 * module reads them, reads the points the cells cannot answer exactly (the edges
 * of a box and of a period), and counts them afresh. Never begins or commits.
 *
 * Cells: level L is the slippy-map tile grid at zoom L (geo/grid.h with one cell
 * per tile); MAP_FINEST_LEVEL is where the triggers compute the cell, coarser
 * levels are that index shifted right. Only public observations are counted,
 * exactly those obs_store_each_point() would read.
 */
#ifndef TRYGG_MAP_STORE_H
#define TRYGG_MAP_STORE_H

#include <stdint.h>

#include "db.h"

#define MAP_FINEST_LEVEL 18 /* the finest level of map_cells */
#define MAP_COARSEST_LEVEL 4
#define MAP_LEVEL_STEP 2 /* map_cells holds levels 4, 6, ..., 18 */

/* Called for each aggregated row: cx, cy at the level asked; n observations of
 * category with these sums of lon, lat and id. */
typedef void (*map_cell_fn)(void *ctx, int64_t cx, int64_t cy, const char *category, int64_t n,
                            double sum_lon, double sum_lat, int64_t sum_id);

/* Which rows map_store_cells reads. */
struct map_cell_query {
    int level;
    int64_t x0, x1, y0, y1;            /* inclusive cell range at level */
    const char *statuses;              /* JSON array of states: "[\"\"]" every state, all time;
                                          "[\"*\"]" every state by month */
    const char *month_from, *month_to; /* 'YYYY-MM' inclusive with "*"; "" and "" otherwise */
    const char *categories;            /* JSON array of codes, or NULL for every category */
};

/* Calls fn for every non-empty map_cells row matching q (one statement, one index
 * seek per column x0..x1 and status). 0 or -1. */
int map_store_cells(struct dbc *c, const struct map_cell_query *q, map_cell_fn fn, void *ctx);

/* Called for each point of map_store_points, with its level-18 cell. */
typedef void (*map_point_fn)(void *ctx, int64_t id, double lon, double lat, const char *category,
                             int64_t cx18, int64_t cy18);

/* Which points map_store_points reads: public, in box (inclusive), within frame
 * (the spatial index's search box, a superset of what is wanted, or NULL to
 * search by time through the observed_at index), of the categories and states
 * (JSON arrays or NULL = any), observed in [since, until) (NULL = open). */
struct map_point_query {
    double box[4];
    const double *frame;
    const char *categories, *statuses, *since, *until;
};

/* Calls fn for every point matching q. 0 or -1. */
int map_store_points(struct dbc *c, const struct map_point_query *q, map_point_fn fn, void *ctx);

/* The oldest and newest observed_at of any observation into the buffers (cap
 * >= 21 each; "" when there is none). 0 or -1. */
int map_store_time_range(struct dbc *c, char *first, char *last, size_t cap);

/* Writes the states of the observations whose ids are in ids_json (a JSON array)
 * through fn(ctx, id, status). One statement. 0 or -1. */
int map_store_statuses(struct dbc *c, const char *ids_json,
                       void (*fn)(void *ctx, int64_t id, const char *status), void *ctx);

/* Counts map_cells afresh from the public observations (inside the caller's
 * transaction); *points = how many observations were counted. 0 or -1. */
int map_store_rebuild(struct dbc *c, int64_t *points);

/* The public data version: a counter that every write changing a public answer
 * bumps in its own transaction (triggers). -1 on error. */
int64_t map_store_data_version(struct dbc *c);

/* Bumps the public data version (inside the caller's transaction): for writes
 * that change public answers without a trigger seeing them (a recount of the
 * aggregates). 0 or -1. */
int map_store_public_changed(struct dbc *c);

#endif
