/*
 * wf_stats — the statistics (issue 11): counts per
 * area, category, source and period with the same period a year earlier; the
 * workflow's figures per unit; hot spots in SWEREF 99 TM cells with their
 * trend; the city's own indicators (the situation picture built on these is
 * wf_situation.h). Every figure is
 * read from the aggregates of stats_store (kept current by the filing and by
 * every case change), never by scanning the observations, so ten years cost
 * about what a month does.
 *
 * Public answers (public = 1) show no count from 1 to stats_min_count - 1:
 * such a count is null (a cell with fewer reports is left out), so that no
 * reporter can be picked out. Staff see every figure.
 *
 * Read-only except wf_stats_rebuild, wf_stats_prepare and
 * wf_indicators_import, which follow workflow.h.
 */
#ifndef TRYGG_WF_STATS_H
#define TRYGG_WF_STATS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "membuf.h"
#include "db.h"
#include "period.h"
#include "workflow.h"

#define WF_STATS_MAX_PERIODS 1200 /* periods in one answer (weeks of 23 years) */
#define WF_STATS_MAX_ROWS 200000  /* rows in one answer */
#define WF_HOTSPOTS_DEFAULT 50    /* cells in a hot-spot answer unless limit= says */
#define WF_HOTSPOTS_MAX 1000
#define WF_INDICATORS_MAX_BYTES (8 * 1024 * 1024) /* an indicator CSV file */
#define WF_INDICATOR_YEAR_MIN 1990
#define WF_INDICATOR_YEAR_MAX 2100

/* What a statistics answer is grouped by. */
enum {
    WF_BY_AREA = 1u << 0,
    WF_BY_CATEGORY = 1u << 1,
    WF_BY_SOURCE = 1u << 2,
    WF_BY_UNIT = 1u << 3,
};

/* A statistics question, every value already checked at the edge. */
struct wf_stats_query {
    unsigned by;             /* WF_BY_* bits */
    enum period_grain grain; /* week, month, quarter or year (counts) */
    int has_from, has_to;    /* 0: from the first counted day / to today */
    int32_t from, to;        /* days (period.h), inclusive */
    const char *area_codes;  /* JSON array of area codes, or NULL */
    const char *categories;  /* JSON array of category codes, or NULL */
    const char *sources;     /* JSON array of sources, or NULL */
    const char *unit_codes;  /* JSON array of unit codes, or NULL (workflow figures) */
    int public_;             /* 1: suppress small counts */
    int cell_m;              /* hot spots: the cell size (one of cfg->hotspot_cells_m) */
    int limit;               /* hot spots: at most this many cells */
};

/*
 * Counts of observations (GET /api/v1/stats): {"by","period","from","to",
 * "periods":[keys],"suppressed_below":N|null,"rows":[{"area","category",
 * "source"?,"period","count","previous_count"}]} where previous_count is the
 * same period a year earlier (cut the same way when from/to cut the period).
 * NULL with err on failure.
 */
json_t *wf_stats_counts(struct dbc *c, const struct config *cfg, const struct wf_stats_query *q,
                        struct wf_error *err);

/* The same answer written as JSON text into out (what the API sends; the JSON value
 * above is parsed from it). 0 or -1 with err. */
int wf_stats_counts_text(struct dbc *c, const struct config *cfg, const struct wf_stats_query *q,
                         struct membuf *out, struct wf_error *err);

#define WF_STATS_TEXT_MAX (256L * 1024 * 1024) /* one statistics answer as text */

/* The same as CSV (UTF-8 with BOM): the grouped columns with names in lang
 * ("sv" or "en"), period, count, previous_count; a suppressed count is empty.
 * *out from malloc(). 0 or -1 with err. */
int wf_stats_counts_csv(struct dbc *c, const struct config *cfg, const struct wf_stats_query *q,
                        const char *lang, unsigned char **out, size_t *len, struct wf_error *err);

/*
 * The workflow's figures (GET /api/v1/stats/workflow): per group of q->by
 * (unit, area, category): opened, resolved, rejected (in from..to), backlog
 * and overdue (now), median_hours and p90_hours to resolve (nearest rank over
 * whole hours, rounded up), resolved_within_due (share of the resolved cases
 * that had a due date). NULL with err on failure.
 */
json_t *wf_stats_workflow(struct dbc *c, const struct config *cfg, const struct wf_stats_query *q,
                          struct wf_error *err);

/*
 * Hot spots (GET /api/v1/stats/hotspots): a GeoJSON FeatureCollection of the
 * cells of side q->cell_m with observations in from..to, ranked by count, each
 * a WGS 84 polygon with {"rank","cell","cell_m","origin_e","origin_n","count",
 * "trend":[4 quarters],"emerging","new","area"}; "quarters" names the trend's
 * quarters (the last one is the quarter of `to`, counted up to `to`).
 */
json_t *wf_stats_hotspots(struct dbc *c, const struct config *cfg, const struct wf_stats_query *q,
                          struct wf_error *err);

/* Rebuilds every aggregate in one transaction. 0 or -1 with err. */
int wf_stats_rebuild(struct dbc *c, const struct config *cfg, int64_t *observations, int64_t *cases,
                     struct wf_error *err);

/* Rebuilds the aggregates when they need it (a new schema, other cell sizes);
 * *rebuilt 1 then. Called when the command line opens the database. */
int wf_stats_prepare(struct dbc *c, const struct config *cfg, int *rebuilt, struct wf_error *err);

/* What an indicator import did. */
struct wf_indicator_result {
    int rows, inserted, updated, unchanged;
};

/*
 * Imports indicators from CSV text (header "area,year,indicator,value,source")
 * in one transaction: all rows or none. A bad row is ERR_INVALID_FORMAT (or
 * ERR_OUT_OF_RANGE) whose message names the line and the column; the same
 * file again changes nothing.
 */
int wf_indicators_import(struct dbc *c, const char *csv, size_t len,
                         struct wf_indicator_result *res, struct wf_error *err);

/* The indicators (GET /api/v1/indicators): {"indicators":[...]} filtered by
 * area code and indicator code (NULL = any), with the observation count of the
 * same area and year (suppressed when public). */
json_t *wf_indicators_list(struct dbc *c, const struct config *cfg, const char *area,
                           const char *indicator, int public_, struct wf_error *err);

#endif
