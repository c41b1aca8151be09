/*
 * stats_store — every SQL statement about the statistics' aggregates
 * (stats_observations, stats_counts, stats_cells, stats_cases, stats_flow,
 * stats_ttr, stats_meta; migrations/0005_stats.sql). Writes only those
 * tables; its read models join observations, cases, case_events, areas,
 * units and walks read-only. Never begins or commits (workflow.h): the sync
 * functions run inside the transaction of the change they count, so the
 * aggregates are exactly as current as the data.
 *
 * How counting works: for each observation and each case a memo row says what
 * it was counted as. A sync compares the memo with the row as it is now; when
 * they differ it takes the old contribution back (adds -1), adds the new one
 * and writes the memo. Syncing twice changes nothing, and a rebuild is the
 * same code run over every row.
 */
#ifndef TRYGG_STATS_STORE_H
#define TRYGG_STATS_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "db.h"
#include "period.h"

/* The sources of an observation. */
#define STATS_SOURCE_RESIDENT "resident"
#define STATS_SOURCE_WALK "walk"
#define STATS_SOURCE_STAFF "staff"

/* The cell sizes the aggregates count, as configured (config.h: hotspot_cells_m). */
struct stats_cells {
    const int *sizes;
    int n;
};

/*
 * Counts observation id as it is now, taking back what it was counted as
 * before (nothing if it no longer exists; a hidden one, public = 0, is kept
 * but counted nowhere). source: "staff" when a staff member
 * filed it, NULL otherwise (an observation on a walk is "walk", the rest
 * "resident"; a source counted before is kept). 0 or -1.
 */
int stats_store_observation_sync(struct dbc *c, int64_t id, const char *source,
                                 const struct stats_cells *cells);

/* Counts case id as it is now (state, unit, due date, opening and closing
 * times), taking back what it was counted as before. 0 or -1. */
int stats_store_case_sync(struct dbc *c, int64_t id);

/* 1 when the aggregates must be rebuilt (a new database, a rebuild asked
 * for, or other cell sizes than cells), 0 when not, -1 on error. */
int stats_store_rebuild_needed(struct dbc *c, const struct stats_cells *cells);

/*
 * Counts everything afresh from the observations and cases (keeping the
 * sources counted before), and records cells as the counted sizes. Run inside
 * one transaction. *observations and *cases get how many were counted. 0 or -1.
 */
int stats_store_rebuild(struct dbc *c, const struct stats_cells *cells, int64_t *observations,
                        int64_t *cases);

/* ---- reading the aggregates ----------------------------------------------- */

/* Filters: JSON array texts for json_each, or NULL for any. */
struct stats_filter {
    const char *areas;      /* area ids (0 = outside every area) */
    const char *categories; /* category codes */
    const char *sources;    /* "resident", "walk", "staff" */
    const char *units;      /* unit ids (0 = unrouted); workflow figures only */
};

/* One row of stats_counts. */
struct stats_count_row {
    const char *period, *category, *source;
    int64_t area_id, n, rated, rating_sum;
};
typedef void (*stats_count_fn)(void *ctx, const struct stats_count_row *row);

/* Calls fn for every count of grain g with period keys lo..hi matching f. 0 or -1. */
int stats_store_counts(struct dbc *c, enum period_grain g, const char *lo, const char *hi,
                       const struct stats_filter *f, stats_count_fn fn, void *ctx);

/* The first and last day keys with any observation counted into first/last
 * (PERIOD_KEY_MAX bytes each): 1, 0 when nothing is counted, -1 on error. */
int stats_store_day_span(struct dbc *c, char *first, char *last);

/* One cell's count summed over the periods asked for (period: the last of them). */
struct stats_cell_row {
    const char *period;
    int64_t cell_e, cell_n, area_id, n;
};
typedef void (*stats_cell_fn)(void *ctx, const struct stats_cell_row *row);

/* Calls fn once for every cell (and area) of side cell_m counted in grain g,
 * periods lo..hi summed, matching f (areas, categories). 0 or -1. */
int stats_store_cells(struct dbc *c, int cell_m, enum period_grain g, const char *lo,
                      const char *hi, const struct stats_filter *f, stats_cell_fn fn, void *ctx);

/* The count of one cell (all its areas and categories matching f) in one period of
 * grain g (its key), or -1: a seek, for the few cells an answer shows. */
int64_t stats_store_cell_count(struct dbc *c, int cell_m, enum period_grain g, const char *period,
                               int64_t cell_e, int64_t cell_n, const struct stats_filter *f);

/* Every cell of side cell_m with its count of all time (every category), one row per
 * cell and area, ordered by cell (f: areas only). 0 or -1. */
int stats_store_cells_all(struct dbc *c, int cell_m, const struct stats_filter *f, stats_cell_fn fn,
                          void *ctx);

/* Called with a cell and its count of all time over every area; nonzero stops. */
typedef int (*stats_cell_total_fn)(void *ctx, int64_t cell_e, int64_t cell_n, int64_t n);

/* The cells of side cell_m by their count of all time (every area and category),
 * largest first, until fn returns nonzero: the top of a long span is found among
 * the first few. 0 or -1. */
int stats_store_cells_by_total(struct dbc *c, int cell_m, stats_cell_total_fn fn, void *ctx);

/* One cell's count of all time per area (period ""). 0 or -1. */
int stats_store_cell_areas(struct dbc *c, int cell_m, int64_t cell_e, int64_t cell_n,
                           stats_cell_fn fn, void *ctx);

/* One group of the workflow's figures. */
struct stats_flow_row {
    int64_t unit_id, area_id;
    const char *category;
    int64_t opened, opened_resolved, resolved, rejected, with_due, on_time;
};
typedef void (*stats_flow_fn)(void *ctx, const struct stats_flow_row *row);

/* Calls fn with the sums per unit, area and category over grain g's periods
 * lo..hi matching f (areas, categories, units). 0 or -1. */
int stats_store_flow(struct dbc *c, enum period_grain g, const char *lo, const char *hi,
                     const struct stats_filter *f, stats_flow_fn fn, void *ctx);

/* One bar of the time-to-resolve histogram. */
struct stats_ttr_row {
    int64_t unit_id, area_id;
    const char *category;
    int64_t hours, n;
};
typedef void (*stats_ttr_fn)(void *ctx, const struct stats_ttr_row *row);

/* Calls fn with the histogram per unit, area, category and hours over grain
 * g's periods lo..hi matching f. 0 or -1. */
int stats_store_ttr(struct dbc *c, enum period_grain g, const char *lo, const char *hi,
                    const struct stats_filter *f, stats_ttr_fn fn, void *ctx);

/* The open cases now, per unit, area and category: how many, and how many are
 * past their due date at now_iso. Read from the open cases (an index on the
 * state), so it costs what the backlog holds, not the history. */
struct stats_open_row {
    int64_t unit_id, area_id;
    const char *category;
    int64_t open, overdue;
};
typedef void (*stats_open_fn)(void *ctx, const struct stats_open_row *row);
int stats_store_open_cases(struct dbc *c, const char *now_iso, const struct stats_filter *f,
                           stats_open_fn fn, void *ctx);

/* Overdue open cases at now_iso, most overdue first, at most limit:
 * [{"id","category","area_id","unit","unit_name","due_at","state"}]. NULL on error. */
json_t *stats_store_overdue_cases(struct dbc *c, const char *now_iso, int limit);

/* Walks that started from from_iso (inclusive) to to_iso (exclusive), not
 * cancelled: [{"id","code","title","starts_at","state","area_id","items",
 * "open_items"}]. NULL on error. */
json_t *stats_store_walks_held(struct dbc *c, const char *from_iso, const char *to_iso);

/* [{"id","code","name"}] of every area (by name) / unit (by name). NULL on error. */
json_t *stats_store_areas(struct dbc *c);
json_t *stats_store_units(struct dbc *c);

#endif
