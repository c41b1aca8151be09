/*
 * views — see views.h. Composes obs_store, photo_store and case_store; owns no
 * SQL of its own.
 */
#include "views.h"
#include "area_store.h"
#include "case_store.h"
#include "distance.h"
#include "grid.h"
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

/* ---- clusters ---------------------------------------------------------------- */

struct cluster {
    int64_t ix, iy;
    int64_t count, first_id;
    double sum_lon, sum_lat;
    char first_status[16];
    json_t *categories; /* code -> count */
    int used;
};

/* Open-addressing hash table of clusters keyed by cell. */
struct cluster_table {
    struct cluster *slots;
    size_t cap, used;
    int zoom, truncated;
    int64_t total;
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

static void add_point(void *ctx, int64_t id, double lon, double lat, const char *category,
                      const char *status)
{
    struct cluster_table *t = ctx;
    int64_t ix, iy;
    if (grid_cell_index(lon, lat, t->zoom, VIEWS_CELLS_PER_TILE, &ix, &iy) != 0)
        return;
    struct cluster *cl = table_get(t, ix, iy);
    if (!cl) {
        t->truncated = 1;
        return;
    }
    if (cl->count == 0) {
        cl->first_id = id;
        snprintf(cl->first_status, sizeof cl->first_status, "%s", status ? status : "");
    }
    cl->count++;
    cl->sum_lon += lon;
    cl->sum_lat += lat;
    json_t *n = json_object_get(cl->categories, category);
    json_object_set_new(cl->categories, category, json_integer(n ? json_integer_value(n) + 1 : 1));
    t->total++;
}

json_t *views_clusters(struct dbc *c, const struct obs_map_filter *f, int zoom)
{
    struct cluster_table t = {calloc(VIEWS_MAX_CLUSTERS * 2, sizeof(struct cluster)),
                              VIEWS_MAX_CLUSTERS * 2,
                              0,
                              zoom,
                              0,
                              0};
    if (!t.slots)
        return NULL;
    int rc = obs_store_each_point(c, f, add_point, &t);
    json_t *arr = json_array();
    for (size_t i = 0; i < t.cap; i++) {
        struct cluster *cl = &t.slots[i];
        if (!cl->used)
            continue;
        json_t *o = json_pack("{s:f, s:f, s:I, s:o}", "lon", cl->sum_lon / (double)cl->count, "lat",
                              cl->sum_lat / (double)cl->count, "count", (json_int_t)cl->count,
                              "categories", cl->categories);
        if (cl->count == 1) {
            json_object_set_new(o, "id", json_integer(cl->first_id));
            json_object_set_new(o, "status", json_string(cl->first_status));
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
