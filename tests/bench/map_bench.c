/*
 * trygg-map-bench — how fast the public map's clusters are over many observations
 * (issue 13). Not a test: run by hand, e.g.
 *
 *     build/trygg-map-bench 1000000 [DB-FILE]
 *
 * Seeds N observations (plain SQL, as a bulk load does: the map triggers are set
 * aside, the aggregates counted afterwards by the same code as `trygg map-rebuild`,
 * the triggers put back) into a fresh database: two thirds within a few kilometres
 * of Borås centre, the rest over the municipality, all categories and states, ten
 * years of dates. Then asks views_clusters — the code GET /api/v1/map/clusters
 * runs, without HTTP — for desktop-sized viewports (5 x 3 tiles) at random places
 * at zooms 6 to 16, from 1 and from 16 threads (one connection each), and prints
 * p50 and p99 per zoom, beside the point scan the endpoint did before (a few
 * samples). Also prints what the triggers add to a single insert.
 */
#include "db.h"
#include "map_store.h"
#include "migrate.h"
#include "views.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const CATEGORIES[] = {"lighting",  "litter",     "graffiti", "vegetation",
                                         "path",      "traffic",    "hidden",   "signage",
                                         "furniture", "safe_place", "other"};
static const char *const STATES[] = {"new",      "acknowledged", "assigned", "in_progress",
                                     "resolved", "rejected",     "duplicate"};
#define CENTRE_LON 12.9401
#define CENTRE_LAT 57.7210

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static double unit_rand(unsigned *s)
{
    return (double)rand_r(s) / ((double)RAND_MAX + 1.0);
}

static double gauss(unsigned *s)
{
    double u = unit_rand(s) + 1e-12, v = unit_rand(s);
    return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static const char SQL_SEED[] =
    "INSERT INTO observations (client_id, category, lon, lat, e, n, observed_at, created_at, "
    "light, sun_elevation, status, public, approved_at, geom) VALUES (?1, ?2, ?3, ?4, 0, 0, ?5, "
    "?5, 'day', 0, ?6, ?7, ?5, MakePoint(?3, ?4, 4326))";

/* Inserts n observations numbered from first in one transaction. 0 or -1. */
static int seed(struct dbc *c, long first, long n, unsigned *rs)
{
    sqlite3_stmt *st = db_prepare(c->db, SQL_SEED);
    if (!st || db_exec(c->db, "BEGIN") != SQLITE_OK)
        return -1;
    for (long i = first; i < first + n; i++) {
        char client[48], at[48];
        snprintf(client, sizeof client, "bench-%012ld", i);
        double lon, lat;
        if (rand_r(rs) % 3) {
            lon = CENTRE_LON + gauss(rs) * 0.04;
            lat = CENTRE_LAT + gauss(rs) * 0.02;
        } else {
            lon = 12.55 + unit_rand(rs) * 0.85;
            lat = 57.50 + unit_rand(rs) * 0.45;
        }
        snprintf(at, sizeof at, "%04d-%02d-%02dT%02d:%02d:%02dZ", 2016 + rand_r(rs) % 10,
                 1 + rand_r(rs) % 12, 1 + rand_r(rs) % 28, rand_r(rs) % 24, rand_r(rs) % 60,
                 rand_r(rs) % 60);
        sqlite3_bind_text(st, 1, client, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, CATEGORIES[rand_r(rs) % 11], -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 3, lon);
        sqlite3_bind_double(st, 4, lat);
        sqlite3_bind_text(st, 5, at, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 6, STATES[rand_r(rs) % 7], -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 7, rand_r(rs) % 50 != 0); /* 2 % hidden */
        if (sqlite3_step(st) != SQLITE_DONE) {
            fprintf(stderr, "seed: %s\n", sqlite3_errmsg(c->db));
            sqlite3_finalize(st);
            return -1;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return db_exec(c->db, "COMMIT") == SQLITE_OK ? 0 : -1;
}

/* The viewport of a 1280 x 768 screen (5 x 3 tiles) at zoom around a random place. */
static void viewport(int zoom, unsigned *rs, double bbox[4])
{
    double w = 360.0 / ldexp(1, zoom) * 5, h = 360.0 / ldexp(1, zoom) * 3 * 0.53;
    double lon = CENTRE_LON + (unit_rand(rs) - 0.5) * 0.2;
    double lat = CENTRE_LAT + (unit_rand(rs) - 0.5) * 0.1;
    bbox[0] = lon - w / 2;
    bbox[2] = lon + w / 2;
    bbox[1] = fmax(-85, lat - h / 2);
    bbox[3] = fmin(85, lat + h / 2);
}

struct job {
    const char *path;
    int zoom, queries, scan;
    unsigned seed;
    double *ms; /* queries latencies */
    int failed;
};

static void *run_job(void *arg)
{
    struct job *j = arg;
    struct dbc c;
    char err[256];
    if (db_open(&c, j->path, 0, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        j->failed = 1;
        return NULL;
    }
    for (int i = 0; i < j->queries; i++) {
        struct obs_map_filter f;
        memset(&f, 0, sizeof f);
        viewport(j->zoom, &j->seed, f.bbox);
        double t0 = now_ms();
        json_t *out =
            j->scan ? views_clusters_scan(&c, &f, j->zoom) : views_clusters(&c, &f, j->zoom);
        char *text = out ? json_dumps(out, JSON_COMPACT) : NULL; /* as the handler does */
        j->ms[i] = now_ms() - t0;
        if (!out)
            j->failed = 1;
        free(text);
        json_decref(out);
    }
    db_close(&c);
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Runs threads x queries at zoom; prints p50/p99 into out. 0 or -1. */
static int measure(const char *path, int zoom, int threads, int queries, int scan, double *p50,
                   double *p99)
{
    struct job jobs[16];
    pthread_t tid[16];
    double *all = calloc((size_t)threads * (size_t)queries, sizeof *all);
    for (int i = 0; i < threads; i++) {
        jobs[i] = (struct job){path,
                               zoom,
                               queries,
                               scan,
                               1000u * (unsigned)zoom + (unsigned)i,
                               all + (size_t)i * (size_t)queries,
                               0};
        pthread_create(&tid[i], NULL, run_job, &jobs[i]);
    }
    int failed = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(tid[i], NULL);
        failed |= jobs[i].failed;
    }
    size_t n = (size_t)threads * (size_t)queries;
    qsort(all, n, sizeof *all, cmp_double);
    *p50 = all[n / 2];
    *p99 = all[(size_t)ceil(0.99 * (double)n) - 1];
    free(all);
    return failed ? -1 : 0;
}

/* Saves the SQL of the map_cells triggers into sql (cap) and drops them. 0 or -1. */
static int set_triggers_aside(struct dbc *c, char *sql, size_t cap)
{
    sqlite3_stmt *st = db_prepare(c->db, "SELECT name, sql FROM sqlite_master WHERE type = "
                                         "'trigger' AND name LIKE 'map_cells_%'");
    size_t len = 0;
    char names[8][128];
    int n = 0;
    sql[0] = 0;
    while (st && sqlite3_step(st) == SQLITE_ROW && n < 8) {
        snprintf(names[n++], sizeof names[0], "%s", sqlite3_column_text(st, 0));
        len += (size_t)snprintf(sql + len, cap - len, "%s;\n", sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    for (int i = 0; i < n; i++) {
        char drop[160];
        snprintf(drop, sizeof drop, "DROP TRIGGER %.127s", names[i]);
        if (db_exec(c->db, drop) != SQLITE_OK)
            return -1;
    }
    return n == 4 && len < cap ? 0 : -1;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
    char path[256];
    snprintf(path, sizeof path, "%s", argc > 2 ? argv[2] : "/tmp/trygg-map-bench.db");
    if (n < 1000) {
        fprintf(stderr, "usage: trygg-map-bench N [DB-FILE]  (N >= 1000; DB-FILE is replaced)\n");
        return 2;
    }
    json_object_seed(1);
    setvbuf(stdout, NULL, _IOLBF, 0);
    char side[300];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    struct dbc c;
    char err[256], triggers[32768];
    int applied;
    if (db_open(&c, path, 1, err, sizeof err) != 0 ||
        migrate_run(c.db, &applied, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    db_exec(c.db, "PRAGMA synchronous = OFF");
    unsigned rs = 42;

    /* What the triggers cost one insert: 20 000 rows with them, 20 000 without. */
    double t0 = now_ms();
    if (seed(&c, 0, 20000, &rs) != 0)
        return 1;
    double with = (now_ms() - t0) / 20000 * 1000;
    if (set_triggers_aside(&c, triggers, sizeof triggers) != 0) {
        fprintf(stderr, "the map triggers could not be set aside\n");
        return 1;
    }
    t0 = now_ms();
    if (seed(&c, 20000, 20000, &rs) != 0)
        return 1;
    double without = (now_ms() - t0) / 20000 * 1000;
    printf("insert (one transaction, synchronous=OFF): %.1f us with the map triggers, %.1f us "
           "without\n",
           with, without);

    t0 = now_ms();
    for (long done = 40000; done < n; done += 100000)
        if (seed(&c, done, n - done < 100000 ? n - done : 100000, &rs) != 0)
            return 1;
    printf("seeded %ld observations in %.1f s\n", n, (now_ms() - t0) / 1000);
    t0 = now_ms();
    int64_t points = 0;
    if (db_exec(c.db, "BEGIN") != SQLITE_OK || map_store_rebuild(&c, &points) != 0 ||
        db_exec(c.db, "COMMIT") != SQLITE_OK || db_exec(c.db, triggers) != SQLITE_OK) {
        fprintf(stderr, "rebuild: %s\n", sqlite3_errmsg(c.db));
        return 1;
    }
    printf("map-rebuild: %lld public observations in %.1f s\n", (long long)points,
           (now_ms() - t0) / 1000);
    db_exec(c.db, "PRAGMA wal_checkpoint(TRUNCATE)");
    db_exec(c.db, "ANALYZE");
    db_close(&c);

    printf("\nclusters, viewport 5 x 3 tiles at a random place around Borås, ms:\n");
    printf("zoom | 1 client p50 p99 | 16 clients p50 p99 | point scan (before) p50\n");
    static const int zooms[] = {6, 8, 10, 12, 14, 16};
    for (size_t i = 0; i < sizeof zooms / sizeof zooms[0]; i++) {
        double a50, a99, b50, b99, s50, s99;
        if (measure(path, zooms[i], 1, 200, 0, &a50, &a99) != 0 ||
            measure(path, zooms[i], 16, 50, 0, &b50, &b99) != 0 ||
            measure(path, zooms[i], 1, 3, 1, &s50, &s99) != 0) {
            fprintf(stderr, "a query failed\n");
            return 1;
        }
        printf("%4d | %7.2f %7.2f | %8.2f %8.2f | %9.1f\n", zooms[i], a50, a99, b50, b99, s50);
        fflush(stdout);
    }
    return 0;
}
