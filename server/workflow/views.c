/*
 * views — see views.h. Composes obs_store, photo_store and case_store; owns no
 * SQL of its own.
 */
#include "views.h"
#include "area_store.h"
#include "case_store.h"
#include "distance.h"
#include "grid.h"
#include "jsonw.h"
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
#define VIEWS_LIST_TEXT_MAX (64 * 1024 * 1024) /* one page of the public list as text */

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

/* ---- the public list as text ------------------------------------------------------ */

struct list_row {
    int64_t id;
    double lon, lat;
    size_t off, len;                /* its properties in the arena */
    struct membuf photos, comments; /* their objects, comma-separated */
};

struct list_acc {
    struct list_row *rows;
    size_t n, cap;
    struct membuf arena;
    int failed;
};

static void list_row_cb(void *ctx, int64_t id, double lon, double lat, const char *props,
                        size_t len)
{
    struct list_acc *a = ctx;
    if (a->failed)
        return;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        struct list_row *r = realloc(a->rows, cap * sizeof *r);
        if (!r) {
            a->failed = 1;
            return;
        }
        a->rows = r;
        a->cap = cap;
    }
    struct list_row *r = &a->rows[a->n++];
    r->id = id;
    r->lon = lon;
    r->lat = lat;
    r->off = a->arena.len;
    r->len = len;
    membuf_init(&r->photos, VIEWS_LIST_TEXT_MAX);
    membuf_init(&r->comments, VIEWS_LIST_TEXT_MAX);
    if (membuf_append(&a->arena, props, len) != 0)
        a->failed = 1;
}

/* The row of id (rows are newest first: ids descending), or NULL. */
static struct list_row *list_find(struct list_acc *a, int64_t id)
{
    size_t lo = 0, hi = a->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->rows[mid].id > id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < a->n && a->rows[lo].id == id ? &a->rows[lo] : NULL;
}

static void list_photo_cb(void *ctx, int64_t owner, const char *json, size_t len)
{
    struct list_row *r = list_find(ctx, owner);
    if (!r)
        return;
    if (r->photos.len)
        membuf_append(&r->photos, ",", 1);
    membuf_append(&r->photos, json, len);
}

static void list_comment_cb(void *ctx, int64_t owner, const char *json, size_t len)
{
    struct list_row *r = list_find(ctx, owner);
    if (!r)
        return;
    if (r->comments.len)
        membuf_append(&r->comments, ",", 1);
    membuf_append(&r->comments, json, len);
}

int views_observation_list_text(struct dbc *c, const struct obs_filter *f, struct membuf *out,
                                int64_t *count, int64_t *last_id)
{
    struct list_acc a = {0};
    membuf_init(&a.arena, VIEWS_LIST_TEXT_MAX);
    struct membuf ids;
    membuf_init(&ids, VIEWS_LIST_TEXT_MAX);
    int rc = obs_store_public_list_text(c, f, list_row_cb, &a);
    if (rc == 0 && a.failed)
        rc = -1;
    if (rc == 0 && a.n) {
        jsonw_raw(&ids, "[");
        for (size_t i = 0; i < a.n; i++) {
            if (i)
                jsonw_raw(&ids, ",");
            jsonw_int(&ids, a.rows[i].id);
        }
        jsonw_raw(&ids, "]");
        rc =
            ids.failed ? -1 : photo_store_public_text(c, (const char *)ids.data, list_photo_cb, &a);
        if (rc == 0)
            rc = case_store_public_comments_text(c, (const char *)ids.data, list_comment_cb, &a);
    }
    *count = (int64_t)a.n;
    *last_id = a.n ? a.rows[a.n - 1].id : 0;
    jsonw_raw(out, "[");
    for (size_t i = 0; rc == 0 && i < a.n; i++) {
        const struct list_row *r = &a.rows[i];
        jsonw_raw(out, i ? ",{\"type\":\"Feature\",\"id\":" : "{\"type\":\"Feature\",\"id\":");
        jsonw_int(out, r->id);
        jsonw_raw(out, ",\"geometry\":{\"type\":\"Point\",\"coordinates\":[");
        jsonw_num(out, r->lon);
        jsonw_raw(out, ",");
        jsonw_num(out, r->lat);
        jsonw_raw(out, "]},\"properties\":");
        membuf_append(out, a.arena.data + r->off, r->len);
        jsonw_raw(out, ",\"photos\":[");
        if (r->photos.len)
            membuf_append(out, r->photos.data, r->photos.len);
        jsonw_raw(out, "],\"public_comments\":[");
        if (r->comments.len)
            membuf_append(out, r->comments.data, r->comments.len);
        jsonw_raw(out, "]}}");
        if (r->photos.failed || r->comments.failed)
            rc = -1;
    }
    jsonw_raw(out, "]");
    for (size_t i = 0; i < a.n; i++) {
        membuf_free(&a.rows[i].photos);
        membuf_free(&a.rows[i].comments);
    }
    free(a.rows);
    membuf_free(&a.arena);
    membuf_free(&ids);
    return rc == 0 && !out->failed ? 0 : -1;
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
 *
 * The answer is written as JSON text directly (jsonw.h): a jansson object per
 * cluster and per category, printed afterwards, cost more than the query.
 */

#define VIEWS_MAX_VIEW_CELLS 65536 /* answer cells one box may span */
#define VIEWS_MAX_CATEGORIES 256   /* distinct category codes in one answer */
#define VIEWS_CLUSTERS_TEXT_MAX (16 * 1024 * 1024)

struct cluster_cat {
    int32_t next; /* the cluster's next category, or -1 */
    int32_t cat;  /* index into the table's names */
    int64_t n;
};

struct cluster {
    int64_t ix, iy;
    int64_t count, sum_id;
    double sum_lon, sum_lat;
    int32_t cats; /* first of its categories, or -1 */
    int used;
    char status[16];
};

/* Open-addressing hash table of clusters keyed by cell (cap a power of two). */
struct cluster_table {
    struct cluster *slots;
    size_t cap, used;
    struct cluster_cat *ce; /* the clusters' category counts, as lists */
    size_t nce, cece;
    char *names[VIEWS_MAX_CATEGORIES]; /* category codes seen (malloc'd) */
    int nnames, failed;
    int zoom, truncated;
    int64_t total;
    int answer; /* the answer level (clusters are its cells); > MAP_FINEST_LEVEL: zoom's */
    int shift;  /* level-18 index >> shift = answer cell */
};

static int table_init(struct cluster_table *t, size_t expected)
{
    memset(t, 0, sizeof *t);
    size_t want = expected < VIEWS_MAX_CLUSTERS ? expected : VIEWS_MAX_CLUSTERS;
    size_t cap = 64;
    while (cap < 2 * want)
        cap *= 2;
    t->slots = calloc(cap, sizeof *t->slots);
    t->cap = cap;
    return t->slots ? 0 : -1;
}

static void table_free(struct cluster_table *t)
{
    free(t->slots);
    free(t->ce);
    for (int i = 0; i < t->nnames; i++)
        free(t->names[i]);
}

static struct cluster *table_get(struct cluster_table *t, int64_t ix, int64_t iy)
{
    uint64_t h = ((uint64_t)ix * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)iy * 0xC2B2AE3D27D4EB4Full);
    for (size_t i = (h ^ (h >> 29)) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        struct cluster *cl = &t->slots[i];
        if (!cl->used) {
            if (t->used >= VIEWS_MAX_CLUSTERS)
                return NULL;
            cl->used = 1;
            cl->ix = ix;
            cl->iy = iy;
            cl->cats = -1;
            t->used++;
            return cl;
        }
        if (cl->ix == ix && cl->iy == iy)
            return cl;
    }
}

/* The index of category code in t->names, added when new; -1 when out of room. */
static int category_index(struct cluster_table *t, const char *code)
{
    if (!code)
        code = "";
    for (int i = t->nnames - 1; i >= 0; i--)
        if (strcmp(t->names[i], code) == 0)
            return i;
    if (t->nnames == VIEWS_MAX_CATEGORIES || !(t->names[t->nnames] = strdup(code))) {
        t->failed = 1;
        return -1;
    }
    return t->nnames++;
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
    int cat = category_index(t, category);
    if (cat < 0)
        return;
    if (cl->count == 0 && status)
        snprintf(cl->status, sizeof cl->status, "%s", status);
    cl->count += n;
    cl->sum_lon += sum_lon;
    cl->sum_lat += sum_lat;
    cl->sum_id += sum_id;
    t->total += n;
    for (int32_t k = cl->cats; k >= 0; k = t->ce[k].next)
        if (t->ce[k].cat == cat) {
            t->ce[k].n += n;
            return;
        }
    if (t->nce == t->cece) {
        size_t cap = t->cece ? t->cece * 2 : 1024;
        struct cluster_cat *e = realloc(t->ce, cap * sizeof *e);
        if (!e) {
            t->failed = 1;
            return;
        }
        t->ce = e;
        t->cece = cap;
    }
    t->ce[t->nce] = (struct cluster_cat){cl->cats, cat, n};
    cl->cats = (int32_t)t->nce++;
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

/* The single reports' states: singles[] holds (id, slot) sorted by id. */
struct singles {
    struct cluster_table *t;
    int64_t (*pairs)[2];
    size_t n;
};

static void set_status(void *ctx, int64_t id, const char *status)
{
    struct singles *s = ctx;
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->pairs[mid][0] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < s->n && s->pairs[lo][0] == id; lo++)
        snprintf(s->t->slots[s->pairs[lo][1]].status, sizeof s->t->slots[0].status, "%s",
                 status ? status : "");
}

static int pair_cmp(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
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
    struct singles sg = {t, NULL, 0};
    struct membuf ids;
    membuf_init(&ids, VIEWS_CLUSTERS_TEXT_MAX);
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].used && t->slots[i].count == 1)
            sg.n++;
    if (!sg.n)
        return 0;
    sg.pairs = malloc(sg.n * sizeof *sg.pairs);
    if (!sg.pairs)
        return -1;
    size_t k = 0;
    jsonw_raw(&ids, "[");
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].used && t->slots[i].count == 1) {
            sg.pairs[k][0] = t->slots[i].sum_id;
            sg.pairs[k][1] = (int64_t)i;
            if (k++)
                jsonw_raw(&ids, ",");
            jsonw_int(&ids, t->slots[i].sum_id);
        }
    jsonw_raw(&ids, "]");
    qsort(sg.pairs, sg.n, sizeof *sg.pairs, pair_cmp);
    int rc = ids.failed ? -1 : map_store_statuses(c, (const char *)ids.data, set_status, &sg);
    membuf_free(&ids);
    free(sg.pairs);
    return rc;
}

/* Category indexes of a cluster's counts, for writing them in code order. */
struct cat_out {
    const char *name;
    int64_t n;
};

static int cat_out_cmp(const void *a, const void *b)
{
    return strcmp(((const struct cat_out *)a)->name, ((const struct cat_out *)b)->name);
}

/* Writes t as the answer's JSON text into out. */
static void write_clusters(const struct cluster_table *t, int zoom, struct membuf *out)
{
    struct cat_out cats[VIEWS_MAX_CATEGORIES];
    jsonw_raw(out, "{\"zoom\":");
    jsonw_int(out, zoom);
    jsonw_raw(out, ",\"total\":");
    jsonw_int(out, t->total);
    jsonw_raw(out, t->truncated ? ",\"truncated\":true,\"clusters\":["
                                : ",\"truncated\":false,\"clusters\":[");
    int first = 1;
    for (size_t i = 0; i < t->cap; i++) {
        const struct cluster *cl = &t->slots[i];
        if (!cl->used)
            continue;
        jsonw_raw(out, first ? "{\"lon\":" : ",{\"lon\":");
        first = 0;
        jsonw_num(out, cl->sum_lon / (double)cl->count);
        jsonw_raw(out, ",\"lat\":");
        jsonw_num(out, cl->sum_lat / (double)cl->count);
        jsonw_raw(out, ",\"count\":");
        jsonw_int(out, cl->count);
        jsonw_raw(out, ",\"categories\":{");
        int n = 0;
        for (int32_t k = cl->cats; k >= 0 && n < VIEWS_MAX_CATEGORIES; k = t->ce[k].next)
            cats[n++] = (struct cat_out){t->names[t->ce[k].cat], t->ce[k].n};
        qsort(cats, (size_t)n, sizeof cats[0], cat_out_cmp);
        for (int k = 0; k < n; k++) {
            if (k)
                jsonw_raw(out, ",");
            jsonw_str(out, cats[k].name);
            jsonw_raw(out, ":");
            jsonw_int(out, cats[k].n);
        }
        jsonw_raw(out, "}");
        if (cl->count == 1) {
            jsonw_raw(out, ",\"id\":");
            jsonw_int(out, cl->sum_id);
            jsonw_raw(out, ",\"status\":");
            jsonw_str(out, cl->status);
        }
        jsonw_raw(out, "}");
    }
    jsonw_raw(out, "]}");
}

static int clusters(struct dbc *c, const struct obs_map_filter *f, int zoom, int scan,
                    struct membuf *out)
{
    struct cluster_table t;
    /* The box widened to the answer level's cells it touches (a hair inside their
     * outer edges, so that a point on an edge stays in its own cell). */
    struct obs_map_filter w = *f;
    int64_t x0 = 0, x1 = -1, y0 = 0, y1 = -1;
    int answer = answer_level(f, zoom, &x0, &x1, &y0, &y1);
    answer = answer < 0 || answer > MAP_FINEST_LEVEL ? MAP_FINEST_LEVEL + 1 : answer;
    size_t expected =
        answer <= MAP_FINEST_LEVEL ? (size_t)((x1 - x0 + 1) * (y1 - y0 + 1)) : VIEWS_MAX_CLUSTERS;
    if (table_init(&t, expected) != 0)
        return -1;
    t.zoom = zoom;
    t.answer = answer;
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
    if (rc == 0 && t.failed)
        rc = -1;
    if (rc == 0)
        write_clusters(&t, zoom, out);
    table_free(&t);
    return rc == 0 && !out->failed ? 0 : -1;
}

int views_clusters_text(struct dbc *c, const struct obs_map_filter *f, int zoom, char **text,
                        size_t *len)
{
    struct membuf out;
    membuf_init(&out, VIEWS_CLUSTERS_TEXT_MAX);
    if (clusters(c, f, zoom, 0, &out) != 0) {
        membuf_free(&out);
        return -1;
    }
    unsigned char *p;
    if (membuf_take(&out, &p, len) != 0)
        return -1;
    *text = (char *)p;
    return 0;
}

static json_t *clusters_json(struct dbc *c, const struct obs_map_filter *f, int zoom, int scan)
{
    struct membuf out;
    membuf_init(&out, VIEWS_CLUSTERS_TEXT_MAX);
    json_t *j = clusters(c, f, zoom, scan, &out) == 0 && out.data
                    ? json_loadb((const char *)out.data, out.len, 0, NULL)
                    : NULL;
    membuf_free(&out);
    return j;
}

json_t *views_clusters(struct dbc *c, const struct obs_map_filter *f, int zoom)
{
    return clusters_json(c, f, zoom, 0);
}

json_t *views_clusters_scan(struct dbc *c, const struct obs_map_filter *f, int zoom)
{
    return clusters_json(c, f, zoom, 1);
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
