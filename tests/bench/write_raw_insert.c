/*
 * write_raw_insert — the raw single-row-commit baseline for group commit
 * (tests/bench/write_bench.sh): one process inserting observations one per
 * transaction (BEGIN IMMEDIATE, obs_store_insert, COMMIT) into a database
 * made by the server's migrations, with the server's connection settings
 * (WAL, synchronous=FULL). Only the observation row is written (the server
 * also writes its case, event and statistics), so the baseline is generous.
 *
 *   write_raw_insert DB SECONDS   prints "inserts/s N"
 */
#include "db.h"
#include "obs_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: write_raw_insert DB SECONDS\n");
        return 2;
    }
    struct dbc c;
    char err[256];
    if (db_open(&c, argv[1], 0, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    double seconds = atof(argv[2]), start = now_s();
    long n = 0;
    srand((unsigned)time(NULL));
    while (now_s() - start < seconds) {
        char cid[64];
        snprintf(cid, sizeof cid, "%08x-0000-4000-8000-%012lx", (unsigned)rand(), n);
        double lon = 12.90 + (rand() % 8000) / 100000.0, lat = 57.70 + (rand() % 5000) / 100000.0;
        double e = 0, nn = 0;
        crs_wgs84_to_sweref99tm(c.crs, lon, lat, &e, &nn);
        struct obs_row o = {0};
        o.client_id = cid;
        o.category = "lighting";
        o.description = "raw";
        o.lon = lon;
        o.lat = lat;
        o.e = e;
        o.n = nn;
        o.accuracy_m = 8;
        o.observed_at = "2026-11-24T18:30:00Z";
        o.created_at = "2026-11-25T12:00:00Z";
        o.light = "dark";
        o.approved = 1;
        int64_t id;
        if (db_begin(&c) != 0 || obs_store_insert(&c, &o, &id) != 0 || db_commit(&c) != 0) {
            fprintf(stderr, "insert failed: %s\n", sqlite3_errmsg(c.db));
            db_rollback(&c);
            break;
        }
        n++;
    }
    double took = now_s() - start;
    printf("inserts/s %.0f (%ld in %.1f s)\n", n / took, n, took);
    db_close(&c);
    return 0;
}
