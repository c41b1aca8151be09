/*
 * views — see views.h. Composes obs_store, photo_store and case_store; owns no
 * SQL of its own.
 */
#include "views.h"
#include "area_store.h"
#include "case_store.h"
#include "distance.h"
#include "grid.h"
#include "map_store.h"
#include "photo_store.h"
#include "place_store.h"
#include "unit_store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VIEWS_CELLS_PER_TILE 4
#define VIEWS_MAX_CLUSTERS 4096
#define VIEWS_CASE_DUPLICATES_MAX 20

/* Adds photos and public comments to each object: one statement each. */
static int complete(struct dbc *c, json_t *arr)
{
    return photo_store_attach(c, arr) == 0 && case_store_attach_public_comments(c, arr) == 0 ? 0
                                                                                             : -1;
}

json_t *views_observation(struct dbc *c, int64_t id, int *failed)
{
    json_t *o = obs_store_public_one(c, id, failed);
    if (!o)
        return NULL;
    json_t *one = json_array();
    json_array_append(one, o);
    if (complete(c, one) != 0) {
        *failed = 1;
        json_decref(o);
        o = NULL;
    }
    json_decref(one);
    return o;
}

json_t *views_observation_staff(struct dbc *c, int64_t id, int *failed)
{
    json_t *o = obs_store_staff_one(c, id, failed);
    if (!o)
        return NULL;
    json_t *one = json_array();
    json_array_append(one, o);
    if (photo_store_attach_staff(c, one) != 0 || case_store_attach_public_comments(c, one) != 0) {
        *failed = 1;
        json_decref(o);
        o = NULL;
    }
    json_decref(one);
    return o;
}

json_t *views_observation_for_unit(struct dbc *c, int64_t id, int *failed)
{
    json_t *o = views_observation_staff(c, id, failed);
    if (!o)
        return NULL;
    json_t *m = json_object_get(o, "moderation");
    json_t *redacted = json_object_get(m, "redacted_description");
    if (json_is_string(redacted))
        json_object_set_new(o, "description",
                            json_string_length(redacted) ? json_incref(redacted) : json_null());
    json_object_del(o, "moderation");
    json_t *kept = json_array(), *p;
    size_t i;
    json_array_foreach(json_object_get(o, "photos"), i, p)
    {
        if (!json_is_true(json_object_get(p, "public")))
            continue;
        json_object_del(p, "public");
        json_object_del(p, "approved");
        json_array_append(kept, p);
    }
    json_object_set_new(o, "photos", kept);
    return o;
}

json_t *views_observation_list(struct dbc *c, const struct obs_filter *f)
{
    json_t *arr = obs_store_public_list(c, f);
    if (arr && complete(c, arr) != 0) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

json_t *views_nearby(struct dbc *c, double lon, double lat, double radius_m, const char *category,
                     int limit)
{
    double e, n;
    if (crs_wgs84_to_sweref99tm(c->crs, lon, lat, &e, &n) != 0)
        return NULL;
    json_t *arr = obs_store_nearby(c, e, n, radius_m, category, limit);
    if (arr && complete(c, arr) != 0) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* ---- a pin in words ------------------------------------------------------------ */

json_t *views_place_describe(struct dbc *c, double lon, double lat)
{
    double e = 0, n = 0;
    char code[AREA_CODE_MAX + 1], name[AREA_NAME_MAX + 1];
    struct place p;
    /* Far from Sweden the grid has no meaning (PROJ may give no finite answer):
     * then there is no grid position and no place, only (no) area. */
    int on_grid = crs_wgs84_to_sweref99tm(c->crs, lon, lat, &e, &n) == 0;
    int in_area = area_store_at_named(c, lon, lat, code, sizeof code, name, sizeof name);
    if (in_area < 0)
        return NULL;
    int near = on_grid ? place_store_nearest(c, e, n, VIEWS_PLACE_MAX_DISTANCE_M, &p) : 0;
    if (near < 0)
        return NULL;
    json_t *area = in_area ? json_pack("{s:s, s:s}", "code", code, "name", name) : json_null();
    json_t *place = json_null();
    if (near) {
        double bearing = distance_bearing_deg(p.e, p.n, e, n);
        place = json_pack("{s:s, s:f, s:f, s:f, s:f, s:s}", "name", p.name, "lon", p.lon, "lat",
                          p.lat, "distance_m", round(distance_planar_m(p.e, p.n, e, n) * 10) / 10,
                          "bearing_deg", round(bearing * 10) / 10, "direction",
                          distance_compass_point(bearing));
    }
    json_t *grid =
        on_grid ? json_pack("{s:f, s:f}", "e", round(e * 100) / 100, "n", round(n * 100) / 100)
                : json_null();
    return json_pack("{s:f, s:f, s:o, s:o, s:o}", "lon", lon, "lat", lat, "sweref99tm", grid,
                     "area", area, "place", place);
}

/* ---- clusters ----------------------------------------------------------------
 *
 * A cluster is one cell of the answer level A = zoom + 2 (4 x 4 cells per tile),
 * counted whole: the box asked for is widened to the cells of level A it touches,
 * as a tiled map draws whole tiles, so a cluster on the edge of the screen says
 * what its whole cell holds. Up to zoom MAP_FINEST_LEVEL - 2 the cells are summed
 * from map_cells (map_store.h), never from points, so a city or the whole country
 * costs about what a street does: one seek per column of cells. A period is summed
 * from whole months, and the days at its edges that fill no month are read one by
 * one through the observed_at index. Every point is counted in the cell its
 * level-18 index (computed by SQL, as the triggers do) puts it in, so the clusters
 * are those of the point scan over the widened box (views_clusters_scan) to the
 * last count. A box far larger than a screen at its zoom is clustered coarser
 * (VIEWS_MAX_VIEW_CELLS) so that its cost stays bounded. Closer than that, and
 * for filters the cells do not hold (an area; a status within a period), the
 * points of the widened box are read.
 */

#define VIEWS_MAX_VIEW_CELLS 65536 /* answer cells one box may span */

struct cluster {
    int64_t ix, iy;
    int64_t count, sum_id;
    double sum_lon, sum_lat;
    char status[16];
    json_t *categories; /* code -> count */
    int used;
};

/* Open-addressing hash table of clusters keyed by cell. */
struct cluster_table {
    struct cluster *slots;
    size_t cap, used;
    int zoom, truncated;
    int64_t total;
    int answer; /* the answer level (clusters are its cells); > MAP_FINEST_LEVEL: zoom's */
    int shift;  /* level-18 index >> shift = answer cell */
};

static struct cluster *table_get(struct cluster_table *t, int64_t ix, int64_t iy)
{
    uint64_t h = ((uint64_t)ix * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)iy * 0xC2B2AE3D27D4EB4Full);
    for (size_t i = h % t->cap;; i = (i + 1) % t->cap) {
        struct cluster *cl = &t->slots[i];
        if (!cl->used) {
            if (t->used >= VIEWS_MAX_CLUSTERS)
                return NULL;
            cl->used = 1;
            cl->ix = ix;
            cl->iy = iy;
            cl->categories = json_object();
            t->used++;
            return cl;
        }
        if (cl->ix == ix && cl->iy == iy)
            return cl;
    }
}

/* Adds n observations of category with these sums to the cluster of cell ix, iy. */
static void cluster_add(struct cluster_table *t, int64_t ix, int64_t iy, const char *category,
                        int64_t n, double sum_lon, double sum_lat, int64_t sum_id,
                        const char *status)
{
    struct cluster *cl = table_get(t, ix, iy);
    if (!cl) {
        t->truncated = 1;
        return;
    }
    if (cl->count == 0 && status)
        snprintf(cl->status, sizeof cl->status, "%s", status);
    cl->count += n;
    cl->sum_lon += sum_lon;
    cl->sum_lat += sum_lat;
    cl->sum_id += sum_id;
    json_t *c = json_object_get(cl->categories, category);
    json_object_set_new(cl->categories, category, json_integer(c ? json_integer_value(c) + n : n));
    t->total += n;
}

static void add_point(void *ctx, int64_t id, double lon, double lat, const char *category,
                      const char *status)
{
    struct cluster_table *t = ctx;
    int64_t ix, iy;
    if (t->answer > MAP_FINEST_LEVEL) {
        if (grid_cell_index(lon, lat, t->zoom, VIEWS_CELLS_PER_TILE, &ix, &iy) != 0)
            return;
    } else {
        /* The level-18 cell, as the triggers compute it, shifted to the answer level. */
        if (grid_cell_index(lon, lat, MAP_FINEST_LEVEL - 2, 4, &ix, &iy) != 0)
            return;
        ix >>= MAP_FINEST_LEVEL - t->answer;
        iy >>= MAP_FINEST_LEVEL - t->answer;
    }
    cluster_add(t, ix, iy, category, 1, lon, lat, id, status);
}

/* map_cell_fn: rows of level k arrive with t->shift set to k - A. */
static void add_cell(void *ctx, int64_t cx, int64_t cy, const char *category, int64_t n,
                     double sum_lon, double sum_lat, int64_t sum_id)
{
    struct cluster_table *t = ctx;
    cluster_add(t, cx >> t->shift, cy >> t->shift, category, n, sum_lon, sum_lat, sum_id, NULL);
}

/* map_point_fn for the days of a period that fill no whole month. */
static void add_residual(void *ctx, int64_t id, double lon, double lat, const char *category,
                         int64_t cx18, int64_t cy18)
{
    struct cluster_table *t = ctx;
    cluster_add(t, cx18 >> t->shift, cy18 >> t->shift, category, 1, lon, lat, id, NULL);
}

static void set_status(void *ctx, int64_t id, const char *status)
{
    struct cluster_table *t = ctx;
    for (size_t i = 0; i < t->cap; i++) {
        struct cluster *cl = &t->slots[i];
        if (cl->used && cl->count == 1 && cl->sum_id == id)
            snprintf(cl->status, sizeof cl->status, "%s", status ? status : "");
    }
}

struct rect {
    int64_t x0, x1, y0, y1; /* inclusive; empty when x1 < x0 or y1 < y0 */
};

static int rect_empty(const struct rect *r)
{
    return r->x1 < r->x0 || r->y1 < r->y0;
}

/* Reads the cells of r at level into t (t->shift already set). */
static int read_rect(struct dbc *c, struct cluster_table *t, int level, struct rect r,
                     const char *statuses, const char *months[2], const char *categories)
{
    if (rect_empty(&r))
        return 0;
    struct map_cell_query q = {level,    r.x0,      r.x1,      r.y0,      r.y1,
                               statuses, months[0], months[1], categories};
    return map_store_cells(c, &q, add_cell, t);
}

/* 'YYYY-MM' plus delta months into out (cap >= 8). */
static void month_add(const char *ym, int delta, char *out, size_t cap)
{
    int y = 0, m = 0;
    for (int i = 0; i < 4; i++)
        y = y * 10 + (ym[i] - '0');
    m = (ym[5] - '0') * 10 + (ym[6] - '0') - 1 + delta;
    y += m >= 0 ? m / 12 : -((11 - m) / 12);
    m = ((m % 12) + 12) % 12;
    snprintf(out, cap, "%04d-%02d", y, m + 1);
}

/* 1 when ts (RFC 3339 as stored) is the first second of its month. */
static int month_start(const char *ts)
{
    return strlen(ts) >= 20 && strcmp(ts + 7, "-01T00:00:00Z") == 0;
}

/*
 * The answer level for f's box at zoom: zoom + 2, coarser while the box spans
 * more than VIEWS_MAX_VIEW_CELLS cells of it. Sets *x0..*y1 to the box's cells at
 * that level (not when the level is finer than MAP_FINEST_LEVEL). Returns the
 * level, or -1 when the box has no cells.
 */
static int answer_level(const struct obs_map_filter *f, int zoom, int64_t *x0, int64_t *x1,
                        int64_t *y0, int64_t *y1)
{
    int64_t X0, X1, Y0, Y1;
    if (grid_cell_index(f->bbox[0], f->bbox[3], MAP_FINEST_LEVEL - 2, 4, &X0, &Y0) != 0 ||
        grid_cell_index(f->bbox[2], f->bbox[1], MAP_FINEST_LEVEL - 2, 4, &X1, &Y1) != 0)
        return -1;
    int answer = zoom + 2;
    if (answer > MAP_FINEST_LEVEL)
        return answer; /* street level: the points of the box, not cells */
    while (answer > 2) {
        int s = MAP_FINEST_LEVEL - answer;
        if (((X1 >> s) - (X0 >> s) + 1) * ((Y1 >> s) - (Y0 >> s) + 1) <= VIEWS_MAX_VIEW_CELLS)
            break;
        answer--;
    }
    int s = MAP_FINEST_LEVEL - answer;
    *x0 = X0 >> s, *x1 = X1 >> s, *y0 = Y0 >> s, *y1 = Y1 >> s;
    return answer;
}

/* The aggregated path over the cells x0..x1, y0..y1 of level t->answer (f's box
 * already widened to them). Returns 0, 1 when it cannot answer f (the caller scans
 * points), or -1 on error. */
static int clusters_from_cells(struct dbc *c, const struct obs_map_filter *f,
                               struct cluster_table *t, int64_t x0, int64_t x1, int64_t y0,
                               int64_t y1)
{
    int answer = t->answer;
    if (answer > MAP_FINEST_LEVEL || f->areas || (f->statuses && (f->since || f->until)))
        return 1;
    /* The stored level that holds the answer level's cells: the same or one finer. */
    int level = answer < MAP_COARSEST_LEVEL ? MAP_COARSEST_LEVEL : answer + (answer & 1);
    int up = level - answer;

    /* The period: whole months from the cells, the rest point by point. */
    char m0[16] = "", m1[16] = "", whole_from[32] = "", whole_to[32] = "";
    const char *months[2] = {"", ""}, *statuses = f->statuses ? f->statuses : "[\"\"]";
    int edge_from = 0, edge_to = 0, whole = 1;
    if (f->since || f->until) {
        char first[32], last[32];
        if (map_store_time_range(c, first, last, sizeof first) != 0)
            return -1;
        if (!first[0])
            return 0; /* no observations at all */
        if (f->since)
            month_add(f->since, month_start(f->since) ? 0 : 1, m0, sizeof m0);
        if (!f->since || strncmp(m0, first, 7) < 0)
            snprintf(m0, sizeof m0, "%.7s", first);
        if (f->until)
            month_add(f->until, -1, m1, sizeof m1);
        if (!f->until || strncmp(m1, last, 7) > 0)
            snprintf(m1, sizeof m1, "%.7s", last);
        if (strcmp(m0, m1) > 0) {
            whole = 0;
        } else {
            statuses = "[\"*\"]";
            months[0] = m0;
            months[1] = m1;
            snprintf(whole_from, sizeof whole_from, "%s-01T00:00:00Z", m0);
            char next[16];
            month_add(m1, 1, next, sizeof next);
            snprintf(whole_to, sizeof whole_to, "%s-01T00:00:00Z", next);
            edge_from = f->since && strcmp(f->since, whole_from) < 0;
            edge_to = f->until && strcmp(whole_to, f->until) < 0;
        }
    }
    t->shift = MAP_FINEST_LEVEL - answer;
    if (whole) {
        struct rect r = {x0 << up, ((x1 + 1) << up) - 1, y0 << up, ((y1 + 1) << up) - 1};
        t->shift = up;
        if (read_rect(c, t, level, r, statuses, months, f->categories) != 0)
            return -1;
        t->shift = MAP_FINEST_LEVEL - answer;
    }
    /* The days of the period that fill no whole month. */
    struct map_point_query q = {{f->bbox[0], f->bbox[1], f->bbox[2], f->bbox[3]},
                                NULL,
                                f->categories,
                                f->statuses,
                                NULL,
                                NULL};
    if (!whole) {
        q.since = f->since;
        q.until = f->until;
        if (map_store_points(c, &q, add_residual, t) != 0)
            return -1;
    }
    if (whole && edge_from) {
        q.since = f->since;
        q.until = whole_from;
        if (map_store_points(c, &q, add_residual, t) != 0)
            return -1;
    }
    if (whole && edge_to) {
        q.since = whole_to;
        q.until = f->until;
        if (map_store_points(c, &q, add_residual, t) != 0)
            return -1;
    }
    /* The state of each single observation shown: one statement. */
    json_t *ids = json_array();
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].used && t->slots[i].count == 1)
            json_array_append_new(ids, json_integer(t->slots[i].sum_id));
    int rc = 0;
    if (json_array_size(ids)) {
        char *text = json_dumps(ids, JSON_COMPACT);
        rc = text ? map_store_statuses(c, text, set_status, t) : -1;
        free(text);
    }
    json_decref(ids);
    return rc;
}

static json_t *clusters(struct dbc *c, const struct obs_map_filter *f, int zoom, int scan)
{
    struct cluster_table t = {.slots = calloc(VIEWS_MAX_CLUSTERS * 2, sizeof(struct cluster)),
                              .cap = VIEWS_MAX_CLUSTERS * 2};
    if (!t.slots)
        return NULL;
    t.zoom = zoom;
    /* The box widened to the answer level's cells it touches (a hair inside their
     * outer edges, so that a point on an edge stays in its own cell). */
    struct obs_map_filter w = *f;
    int64_t x0 = 0, x1 = -1, y0 = 0, y1 = -1;
    int answer = answer_level(f, zoom, &x0, &x1, &y0, &y1);
    t.answer = answer < 0 || answer > MAP_FINEST_LEVEL ? MAP_FINEST_LEVEL + 1 : answer;
    if (t.answer <= MAP_FINEST_LEVEL) {
        double west, south, east, north, e2, s2, w2, n2;
        grid_cell_bounds(x0, y0, t.answer, 1, &west, &s2, &e2, &north);
        grid_cell_bounds(x1, y1, t.answer, 1, &w2, &south, &east, &n2);
        const double hair = 1e-9;
        w.bbox[0] = west;
        w.bbox[1] = south + hair;
        w.bbox[2] = east - hair;
        w.bbox[3] = north;
    }
    int rc = scan ? 1 : clusters_from_cells(c, &w, &t, x0, x1, y0, y1);
    if (rc == 1)
        rc = obs_store_each_point(c, &w, add_point, &t);
    json_t *arr = json_array();
    for (size_t i = 0; i < t.cap; i++) {
        struct cluster *cl = &t.slots[i];
        if (!cl->used)
            continue;
        json_t *o = json_pack("{s:f, s:f, s:I, s:o}", "lon", cl->sum_lon / (double)cl->count, "lat",
                              cl->sum_lat / (double)cl->count, "count", (json_int_t)cl->count,
                              "categories", cl->categories);
        if (cl->count == 1) {
            json_object_set_new(o, "id", json_integer(cl->sum_id));
            json_object_set_new(o, "status", json_string(cl->status));
        }
        json_array_append_new(arr, o);
    }
    free(t.slots);
    if (rc != 0) {
        json_decref(arr);
        return NULL;
    }
    return json_pack("{s:i, s:I, s:b, s:o}", "zoom", zoom, "total", (json_int_t)t.total,
                     "truncated", t.truncated, "clusters", arr);
}

json_t *views_clusters(struct dbc *c, const struct obs_map_filter *f, int zoom)
{
    return clusters(c, f, zoom, 0);
}

json_t *views_clusters_scan(struct dbc *c, const struct obs_map_filter *f, int zoom)
{
    return clusters(c, f, zoom, 1);
}

/* ---- the staff view of a case -------------------------------------------------- */

json_t *views_case(struct dbc *c, const struct config *cfg, int64_t id, int64_t unit_scope,
                   int *failed)
{
    json_t *o = case_store_summary(c, id, failed);
    if (!o)
        return NULL;
    json_t *obs = views_observation_staff(c, id, failed);
    if (*failed) {
        json_decref(o);
        return NULL;
    }
    json_object_set_new(o, "observation", obs ? obs : json_null());
    /* Contact details: staff only, and only here. */
    json_object_set_new(o, "reporter", obs_store_reporter_json(c, id));
    json_object_set_new(o, "history", case_store_history(c, id));
    json_object_set_new(o, "duplicates",
                        case_store_likely_duplicates(c, id, cfg->duplicate_radius_m,
                                                     cfg->duplicate_days, unit_scope,
                                                     VIEWS_CASE_DUPLICATES_MAX));
    json_object_set_new(o, "merged", case_store_merged_into(c, id));
    return o;
}
