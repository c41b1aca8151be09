/*
 * wf_stats_internal — what wf_stats.c and wf_situation.c share: the names of
 * areas, units and categories, the in-memory grouping of aggregate rows, and
 * the hot-spot computation. Not for any other module.
 */
#ifndef TRYGG_WF_STATS_INTERNAL_H
#define TRYGG_WF_STATS_INTERNAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "db.h"
#include "period.h"
#include "stats_store.h"
#include "workflow.h"

struct wf_stats_query; /* wf_stats.h */

/* The reference names of one answer: [{"id","code","name"}] of areas and units,
 * the categories as catalog_store_categories gives them. */
struct wf_names {
    json_t *areas, *units, *cats;
    /* the same objects by id (borrowed), for lookups: an answer asks one per row */
    json_t **area_ix, **unit_ix;
    size_t n_area, n_unit;
};

int wf_names_load(struct dbc *c, struct wf_names *nm, struct wf_error *err);
void wf_names_free(struct wf_names *nm);
/* The area's or unit's code and name by id: NULL when none (id 0: none). */
const char *wf_area_code(const struct wf_names *nm, int64_t id);
const char *wf_area_name(const struct wf_names *nm, int64_t id);
const char *wf_unit_code(const struct wf_names *nm, int64_t id);
const char *wf_unit_name(const struct wf_names *nm, int64_t id);
const char *wf_category_name(const struct wf_names *nm, const char *code, int en);

/* Today in Swedish local time, as a day number. */
int32_t wf_stats_today(void);

/* "YYYY-MM-DD" of day into buf. */
void wf_day_iso(int32_t day, char *buf, size_t cap);

/* q's span: from/to as given, else the first counted day / today. 0 or -1 with err. */
int wf_stats_span(struct dbc *c, const struct wf_stats_query *q, int32_t *from, int32_t *to,
                  struct wf_error *err);

/* A count as shown: null when public and from 1 to stats_min_count - 1. */
json_t *wf_count_json(const struct config *cfg, int public_, int64_t n);

/* One row being grouped: its key (period, area, category, source, unit) and figures. */
struct grow {
    char period[PERIOD_KEY_MAX];
    int64_t area_id, unit_id; /* -1: not grouped by it */
    char category[64];        /* "": not grouped by it */
    char source[16];
    int64_t hours; /* -1: not a time-to-resolve bar */
    int64_t v[10];
};

/* Rows being grouped by the WF_BY_* bits in by; sorted and merged by the fillers. */
struct grows {
    struct grow *a;
    size_t n, cap;
    int failed;
    unsigned by;
};

/* Rows held before wf_grows_add adds up equal keys rather than grow further. */
#define WF_GROWS_MERGE_FROM 16384

/* Adds a zeroed row with the key parts that g->by groups by (NULL when out of
 * room; g->failed says why). */
struct grow *wf_grows_add(struct grows *g, const char *period, int64_t area, int64_t unit,
                          const char *category, const char *source);

/* Sorts g's rows by key (and hours) and adds up rows with equal keys. */
void wf_grows_merge(struct grows *g);

/* The figures of a counts row (wf_stats_count_rows). */
enum { WF_V_CUR, WF_V_PREV, WF_V_RATED, WF_V_RATING_SUM };

/* The figures of a workflow row (wf_stats_flow_rows). */
enum {
    WF_F_OPENED,
    WF_F_OPENED_RESOLVED,
    WF_F_RESOLVED,
    WF_F_REJECTED,
    WF_F_WITH_DUE,
    WF_F_ON_TIME,
    WF_F_OPEN,
    WF_F_OVERDUE,
    WF_F_TTR_N
};

/* Fills g with the counts of days from..to in periods of q->grain, each with the
 * same period a year earlier; periods gets every period key. 0 or -1 with err. */
int wf_stats_count_rows(struct dbc *c, const struct wf_stats_query *q, const struct stats_filter *f,
                        int32_t from, int32_t to, struct grows *g, json_t *periods,
                        struct wf_error *err);

/* Fills g with the workflow's figures of days from..to (and the open cases now
 * when with_open). 0 or -1 with err. */
int wf_stats_flow_rows(struct dbc *c, const struct stats_filter *f, int32_t from, int32_t to,
                       int with_open, struct grows *g, struct wf_error *err);

/* A hot spot: a cell summed over its areas (area_id: the area with most of it). */
struct hspot {
    int64_t e, n, total, q[4], area_id, area_best;
};

/* The cells of side cell_m with observations in from..to, by count (the keep
 * largest only when keep > 0), with the four quarters up to `to` (keys into
 * quarters). *out from malloc(). */
int wf_hotspots_compute(struct dbc *c, const struct config *cfg, int cell_m,
                        const struct stats_filter *f, int32_t from, int32_t to, size_t keep,
                        struct hspot **out, size_t *nout, char quarters[4][PERIOD_KEY_MAX],
                        struct wf_error *err);

/* 1 when the cell's last quarter is at least stats_min_count and at least
 * hotspot_emerging_factor times the mean of the three quarters before. */
int wf_hotspot_emerging(const struct config *cfg, const int64_t q[4]);

/* The GeoJSON Feature of a hot spot (polygon in WGS 84). */
json_t *wf_hotspot_feature(struct dbc *c, const struct config *cfg, const struct wf_names *nm,
                           const struct hspot *x, int cell_m, int rank, int public_);

#endif
