/*
 * The public map's aggregates (map_cells, issue 13): after random filings,
 * state changes, hiding and showing, moves and removals, the clusters answered
 * from the cells must be exactly those of a scan of every point — counts,
 * categories, the single report's id and state, centroids to rounding — for
 * boxes at every zoom, filters by category and state, and periods whose edges
 * fall inside months. The triggers' cells must also equal a rebuild's.
 */
#include "check.h"
#include "db.h"
#include "map_store.h"
#include "migrate.h"
#include "obs_store.h"
#include "views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const CATEGORIES[] = {"lighting", "litter", "graffiti", "path", "safe_place"};
static const char *const STATES[] = {"new",      "acknowledged", "assigned", "in_progress",
                                     "resolved", "rejected",     "duplicate"};
#define N_POINTS 1500

static unsigned rnd_state = 12345;
static unsigned rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 8) & 0xFFFFFF;
}
static double rnd_unit(void)
{
    return (double)rnd() / (double)0x1000000;
}

static void insert_point(struct dbc *c, int i)
{
    char client[40], observed[24];
    snprintf(client, sizeof client, "00000000-0000-4000-8000-%012d", i);
    /* 2023..2026, any day and second */
    snprintf(observed, sizeof observed, "%04u-%02u-%02uT%02u:%02u:%02uZ", 2023 + rnd() % 4,
             1 + rnd() % 12, 1 + rnd() % 28, rnd() % 24, rnd() % 60, rnd() % 60);
    /* Borås, denser in the middle; a few on the same spot */
    double lon = 12.80 + 0.3 * rnd_unit() * rnd_unit(), lat = 57.65 + 0.15 * rnd_unit();
    if (i % 50 == 0) {
        lon = 12.9401;
        lat = 57.7210;
    }
    struct obs_row o = {client,   CATEGORIES[rnd() % 5],
                        NULL,     lon,
                        lat,      0,
                        0,        0,
                        -1,       0,
                        observed, observed,
                        "day",    0,
                        0,        NULL,
                        1};
    int64_t id;
    CHECK(obs_store_insert(c, &o, &id) == 0);
}

static int run(struct dbc *c, const char *sql)
{
    return db_exec(c->db, sql) == SQLITE_OK ? 0 : -1;
}

/* Sorts clusters by (count, lon, lat) for a pairwise comparison. */
static int cmp_cluster(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    json_int_t cx = json_integer_value(json_object_get(x, "count")),
               cy = json_integer_value(json_object_get(y, "count"));
    if (cx != cy)
        return cx < cy ? -1 : 1;
    double lx = json_real_value(json_object_get(x, "lon")),
           ly = json_real_value(json_object_get(y, "lon"));
    if (lx != ly)
        return lx < ly ? -1 : 1;
    double ax = json_real_value(json_object_get(x, "lat")),
           ay = json_real_value(json_object_get(y, "lat"));
    return ax < ay ? -1 : ax > ay;
}

static json_t **sorted(json_t *arr)
{
    size_t n = json_array_size(arr);
    json_t **v = calloc(n + 1, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = json_array_get(arr, i);
    qsort(v, n, sizeof *v, cmp_cluster);
    return v;
}

static int compared, nonempty;

/* json_equal, with two absent values equal too. */
static int same_value(json_t *a, json_t *b)
{
    return (!a && !b) || json_equal(a, b);
}

/* The cells' answer against the scan's for f at zoom. */
static void compare(struct dbc *c, const struct obs_map_filter *f, int zoom, const char *what)
{
    struct timespec t0, t1, t2;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    json_t *a = views_clusters(c, f, zoom);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    json_t *b = views_clusters_scan(c, f, zoom);
    clock_gettime(CLOCK_MONOTONIC, &t2);
    double ms_a = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
    double ms_b = (t2.tv_sec - t1.tv_sec) * 1e3 + (t2.tv_nsec - t1.tv_nsec) / 1e6;
    if (getenv("TRYGG_MAP_TIMES"))
        fprintf(stderr, "TIME %s zoom %d cells %.2f ms scan %.2f ms\n", what, zoom, ms_a, ms_b);
    CHECK(a && b);
    if (!a || !b)
        return;
    compared++;
    json_int_t ta = json_integer_value(json_object_get(a, "total")),
               tb = json_integer_value(json_object_get(b, "total"));
    if (tb > 0)
        nonempty++;
    json_t *ca = json_object_get(a, "clusters"), *cb = json_object_get(b, "clusters");
    int same = ta == tb && json_array_size(ca) == json_array_size(cb) &&
               json_equal(json_object_get(a, "truncated"), json_object_get(b, "truncated"));
    if (same) {
        json_t **va = sorted(ca), **vb = sorted(cb);
        for (size_t i = 0; same && i < json_array_size(ca); i++) {
            json_t *x = va[i], *y = vb[i];
            same = json_integer_value(json_object_get(x, "count")) ==
                       json_integer_value(json_object_get(y, "count")) &&
                   json_equal(json_object_get(x, "categories"), json_object_get(y, "categories")) &&
                   same_value(json_object_get(x, "id"), json_object_get(y, "id")) &&
                   same_value(json_object_get(x, "status"), json_object_get(y, "status")) &&
                   fabs(json_real_value(json_object_get(x, "lon")) -
                        json_real_value(json_object_get(y, "lon"))) < 1e-9 &&
                   fabs(json_real_value(json_object_get(x, "lat")) -
                        json_real_value(json_object_get(y, "lat"))) < 1e-9;
            if (!same) {
                char *p = json_dumps(x, JSON_COMPACT), *q = json_dumps(y, JSON_COMPACT);
                fprintf(stderr, "  cells %s\n  scan  %s\n", p, q);
                free(p);
                free(q);
            }
        }
        free(va);
        free(vb);
    }
    CHECK(same);
    if (!same)
        fprintf(stderr, "  %s zoom %d bbox %.5f,%.5f,%.5f,%.5f: cells total %lld, scan %lld\n",
                what, zoom, f->bbox[0], f->bbox[1], f->bbox[2], f->bbox[3], (long long)ta,
                (long long)tb);
    json_decref(a);
    json_decref(b);
}

/* Boxes around the data at each zoom: a screen of about 3 x 2 to 6 x 4 tiles. */
static void compare_boxes(struct dbc *c, struct obs_map_filter *f, const char *what)
{
    for (int zoom = 1; zoom <= 18; zoom++) {
        for (int k = 0; k < 2; k++) {
            double tile = 360.0 / (double)(1 << zoom);
            double w = tile * (3 + rnd() % 4), h = tile * 0.53 * (2 + rnd() % 3);
            double clon = 12.80 + 0.3 * rnd_unit(), clat = 57.65 + 0.15 * rnd_unit();
            f->bbox[0] = clon - w / 2 < -180 ? -180 : clon - w / 2;
            f->bbox[2] = clon + w / 2 > 180 ? 180 : clon + w / 2;
            f->bbox[1] = clat - h / 2 < -85 ? -85 : clat - h / 2;
            f->bbox[3] = clat + h / 2 > 85 ? 85 : clat + h / 2;
            compare(c, f, zoom, what);
        }
    }
}

static void compare_filters(struct dbc *c, const char *stage)
{
    struct obs_map_filter f;
    char what[96];
    static const struct {
        const char *categories, *statuses, *since, *until;
    } filters[] = {
        {NULL, NULL, NULL, NULL},
        {"[\"lighting\",\"litter\"]", NULL, NULL, NULL},
        {NULL, "[\"new\"]", NULL, NULL},
        {"[\"path\"]", "[\"new\",\"resolved\",\"duplicate\"]", NULL, NULL},
        {NULL, NULL, "2024-03-15T10:20:30Z", "2025-08-07T00:00:00Z"}, /* both edges inside */
        {NULL, NULL, "2024-03-01T00:00:00Z", "2025-08-01T00:00:00Z"}, /* whole months */
        {NULL, NULL, "2025-01-01T00:00:00Z", NULL},                   /* "this year" */
        {NULL, NULL, NULL, "2024-06-30T23:59:59Z"},
        {"[\"graffiti\"]", NULL, "2025-05-03T00:00:00Z", "2025-05-20T12:00:00Z"}, /* in a month */
        {NULL, NULL, "2025-05-31T23:00:00Z", "2025-06-01T01:00:00Z"}, /* across a month edge */
        {NULL, NULL, "2019-01-01T00:00:00Z", "2030-01-01T00:00:00Z"}, /* beyond the data */
        {NULL, "[\"resolved\"]", "2024-02-10T00:00:00Z", NULL},       /* read point by point */
    };
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++) {
        memset(&f, 0, sizeof f);
        f.categories = filters[i].categories;
        f.statuses = filters[i].statuses;
        f.since = filters[i].since;
        f.until = filters[i].until;
        snprintf(what, sizeof what, "%s, filter %zu", stage, i);
        compare_boxes(c, &f, what);
    }
}

/* The cells the triggers kept equal the cells counted afresh. */
static void compare_rebuild(struct dbc *c)
{
    CHECK(run(c, "CREATE TEMP TABLE kept AS SELECT * FROM map_cells") == 0);
    int64_t points = 0;
    CHECK(map_store_rebuild(c, &points) == 0);
    CHECK(points > N_POINTS / 2);
    sqlite3_stmt *st = db_prepare(
        c->db, "SELECT count(*) FROM (SELECT level, status, month, cx, cy, category, n, sum_id "
               "FROM temp.kept WHERE n > 0 EXCEPT SELECT level, status, month, cx, cy, category, "
               "n, sum_id FROM map_cells), (SELECT 1) UNION ALL SELECT count(*) FROM (SELECT "
               "level, status, month, cx, cy, category, n, sum_id FROM map_cells EXCEPT SELECT "
               "level, status, month, cx, cy, category, n, sum_id FROM temp.kept)");
    int differ = -1, rows = 0;
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        differ = (differ < 0 ? 0 : differ) + sqlite3_column_int(st, 0);
        rows++;
    }
    sqlite3_finalize(st);
    CHECK(rows == 2 && differ == 0);
    CHECK(run(c, "DROP TABLE temp.kept") == 0);
}

int main(void)
{
    char path[] = "/tmp/trygg-test-map-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    unlink(path);
    struct dbc c;
    char err[256];
    int applied;
    json_object_seed(1);
    if (db_open(&c, path, 1, err, sizeof err) != 0 ||
        migrate_run(c.db, &applied, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    CHECK(run(&c, "BEGIN") == 0);
    for (int i = 0; i < N_POINTS; i++)
        insert_point(&c, i);
    CHECK(run(&c, "COMMIT") == 0);
    int64_t v0 = map_store_data_version(&c);
    compare_filters(&c, "after filing");

    /* state changes, hiding, showing again, moves, removals */
    char sql[256];
    CHECK(run(&c, "BEGIN") == 0);
    for (int i = 0; i < 600; i++) {
        int64_t id = 1 + rnd() % N_POINTS;
        switch (rnd() % 6) {
        case 0:
        case 1:
            CHECK(obs_store_set_status(&c, id, STATES[rnd() % 7]) == 0);
            break;
        case 2:
            CHECK(obs_store_set_public(&c, id, 0) == 0);
            break;
        case 3:
            CHECK(obs_store_set_public(&c, id, 1) == 0);
            break;
        case 4:
            snprintf(sql, sizeof sql,
                     "UPDATE observations SET lon = lon + 0.01, "
                     "geom = MakePoint(lon + 0.01, lat, 4326), category = 'litter', "
                     "observed_at = '2025-05-31T23:30:00Z' WHERE id = %lld",
                     (long long)id);
            CHECK(run(&c, sql) == 0);
            break;
        default:
            snprintf(sql, sizeof sql, "DELETE FROM observations WHERE id = %lld", (long long)id);
            CHECK(run(&c, sql) == 0);
        }
    }
    CHECK(run(&c, "COMMIT") == 0);
    CHECK(map_store_data_version(&c) > v0);
    compare_filters(&c, "after changes");
    compare_rebuild(&c);
    compare_filters(&c, "after rebuild");

    printf("compared %d answers, %d of them not empty\n", compared, nonempty);
    CHECK(nonempty > compared / 2);
    db_close(&c);
    unlink(path);
    char side[300];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return check_report("test_map");
}
