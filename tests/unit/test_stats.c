/*
 * Statistics unit tests (no HTTP): the period calendar (ISO weeks, Swedish
 * local days, year-earlier periods, covers of a span by whole periods), the
 * CSV reader, and the speed promise of issue 11 — ten years of one
 * municipality seeded into a temporary SpatiaLite file, counted by the same
 * code every filing runs (a rebuild), then a ten-year and a one-month question
 * timed and printed. The ten-year answer must stay in the order of time of the
 * month's, and far below a scan of the observations.
 */
#include "check.h"
#include "config.h"
#include "csvread.h"
#include "db.h"
#include "migrate.h"
#include "period.h"
#include "wf_situation.h"
#include "wf_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int32_t day(int y, int m, int d)
{
    return period_days_from_civil(y, m, d);
}

static const char *key_of(enum period_grain g, int32_t z)
{
    static char buf[PERIOD_KEY_MAX];
    period_key(period_containing(g, z), buf, sizeof buf);
    return buf;
}

static void test_calendar(void)
{
    static const struct {
        int y, m, d;
        const char *week;
    } weeks[] = {
        {2026, 11, 24, "2026-W48"}, {2026, 12, 31, "2026-W53"}, {2027, 1, 3, "2026-W53"},
        {2027, 1, 4, "2027-W01"},   {2021, 1, 3, "2020-W53"},   {2024, 12, 30, "2025-W01"},
        {2020, 2, 29, "2020-W09"},  {1970, 1, 1, "1970-W01"},
    };
    for (size_t i = 0; i < sizeof weeks / sizeof weeks[0]; i++)
        CHECK(strcmp(key_of(PERIOD_WEEK, day(weeks[i].y, weeks[i].m, weeks[i].d)), weeks[i].week) ==
              0);
    CHECK(strcmp(key_of(PERIOD_QUARTER, day(2026, 11, 24)), "2026-Q4") == 0);
    CHECK(strcmp(key_of(PERIOD_MONTH, day(2026, 2, 28)), "2026-02") == 0);
    CHECK(strcmp(key_of(PERIOD_DAY, day(2026, 2, 28)), "2026-02-28") == 0);
    CHECK(period_weekday(day(2026, 11, 23)) == 0); /* a Monday */

    /* every key parses back to its period */
    static const char *const keys[] = {"2026",     "2026-Q1",  "2026-Q4",    "2026-11",
                                       "2026-W01", "2026-W53", "2026-02-28", "2024-02-29"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        struct period p;
        char back[PERIOD_KEY_MAX];
        CHECK(period_parse(keys[i], &p) == 0);
        period_key(p, back, sizeof back);
        CHECK(strcmp(back, keys[i]) == 0);
        CHECK(period_containing(p.grain, p.first).last == p.last);
    }
    static const char *const bad[] = {"2026-W54",   "2025-W53", "2026-13",   "2026-Q5",
                                      "2026-02-29", "26",       "2026-11-3", "1800",
                                      "2026-1-01",  "",         "2026-W4x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct period p;
        CHECK(period_parse(bad[i], &p) != 0);
    }

    /* the same period a year earlier */
    struct period p, y;
    CHECK(period_parse("2026-W53", &p) == 0 && period_year_before(p, &y) != 0);
    CHECK(period_parse("2027-W10", &p) == 0 && period_year_before(p, &y) == 0);
    CHECK(strcmp(key_of(PERIOD_WEEK, y.first), "2026-W10") == 0);
    CHECK(period_parse("2026-Q4", &p) == 0 && period_year_before(p, &y) == 0 &&
          strcmp(key_of(PERIOD_QUARTER, y.first), "2025-Q4") == 0);
    CHECK(period_parse("2024-02-29", &p) == 0 && period_year_before(p, &y) != 0);

    /* Swedish local days: CET in winter, CEST from the last Sunday of March at 01:00 UTC */
    struct {
        int64_t t;
        int32_t want;
    } local[] = {
        {1798759800, day(2027, 1, 1)},               /* 2026-12-31T23:30:00Z = 00:30 CET */
        {1774745999, day(2026, 3, 29)},              /* 2026-03-29T00:59:59Z = 01:59:59 CET */
        {1774748000, day(2026, 3, 29)},              /* after the change: 03:33 CEST */
        {1792881000, day(2026, 10, 25)},             /* 2026-10-24T22:30:00Z = 00:30 CEST */
        {1792711800 + 86400 * 7, day(2026, 10, 30)}, /* 2026-10-29T23:30:00Z = 00:30 CET */
    };
    for (size_t i = 0; i < sizeof local / sizeof local[0]; i++)
        CHECK(period_local_day(local[i].t) == local[i].want);
    CHECK(period_local_midnight(day(2026, 7, 1)) == 1782856800);  /* 2026-06-30T22:00:00Z */
    CHECK(period_local_midnight(day(2026, 12, 1)) == 1796079600); /* 2026-11-30T23:00:00Z */

    /* covers: whole periods, contiguous, exactly the span, few */
    srand(42);
    for (int n = 0; n < 3000; n++) {
        int32_t a = day(2015, 1, 1) + rand() % 5000, b = a + rand() % 4000;
        struct period_range r[PERIOD_COVER_MAX];
        int k = period_cover(a, b, PERIOD_YEAR, r, PERIOD_COVER_MAX);
        int ok = k > 0 && k <= 7 && r[0].first == a && r[k - 1].last == b;
        for (int i = 0; ok && i < k; i++) {
            struct period lo = period_containing(r[i].grain, r[i].first);
            struct period hi = period_containing(r[i].grain, r[i].last);
            ok = lo.first == r[i].first && hi.last == r[i].last &&
                 (i == 0 || r[i - 1].last + 1 == r[i].first);
        }
        CHECK(ok);
    }
    struct period_range r[PERIOD_COVER_MAX];
    int k = period_cover(day(2016, 11, 25), day(2026, 11, 24), PERIOD_YEAR, r, PERIOD_COVER_MAX);
    CHECK(k == 6 && r[2].grain == PERIOD_YEAR && strcmp(r[2].lo, "2017") == 0 &&
          strcmp(r[2].hi, "2025") == 0);
}

static void test_csv_reader(void)
{
    static const char data[] = "\xEF\xBB\xBF"
                               "area,year,value\r\n"
                               "\r\n"
                               "centrum,2025,\"1,5\"\r\n"
                               "\"Hässleholmen \"\"öst\"\"\",2024,\"two\nlines\"\n"
                               "last,2023,3";
    struct csv_reader *rd = malloc(sizeof *rd);
    char *f[CSV_FIELDS_MAX];
    int n;
    csv_init(rd, data, sizeof data - 1);
    CHECK(csv_next(rd, f, &n) == CSV_RECORD && n == 3 && strcmp(f[0], "area") == 0 &&
          rd->line == 1);
    CHECK(csv_next(rd, f, &n) == CSV_RECORD && n == 3 && strcmp(f[2], "1,5") == 0 && rd->line == 3);
    CHECK(csv_next(rd, f, &n) == CSV_RECORD && strcmp(f[0], "Hässleholmen \"öst\"") == 0 &&
          strcmp(f[2], "two\nlines") == 0 && rd->line == 4);
    CHECK(csv_next(rd, f, &n) == CSV_RECORD && strcmp(f[0], "last") == 0 && rd->line == 6);
    CHECK(csv_next(rd, f, &n) == CSV_END);
    static const char bad[] = "a,b\n\"open,c\n";
    csv_init(rd, bad, sizeof bad - 1);
    CHECK(csv_next(rd, f, &n) == CSV_RECORD);
    CHECK(csv_next(rd, f, &n) == CSV_BAD_QUOTE && rd->line == 2);
    free(rd);
}

static double ms_since(struct timespec t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
}

/* Runs fn's question `runs` times; the median time in milliseconds. */
static double time_counts(struct dbc *c, const struct config *cfg, const struct wf_stats_query *q,
                          int64_t *total)
{
    double t[7];
    for (int i = 0; i < 7; i++) {
        struct wf_error err;
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        json_t *o = wf_stats_counts(c, cfg, q, &err);
        t[i] = ms_since(t0);
        CHECK(o != NULL);
        *total = 0;
        size_t k;
        json_t *r;
        json_array_foreach(json_object_get(o, "rows"), k, r) *total +=
            json_integer_value(json_object_get(r, "count"));
        json_decref(o);
    }
    for (int i = 1; i < 7; i++)
        for (int j = i; j > 0 && t[j] < t[j - 1]; j--) {
            double x = t[j];
            t[j] = t[j - 1];
            t[j - 1] = x;
        }
    return t[3];
}

static void test_ten_years_answer_like_a_month(void)
{
    char dir[] = "/tmp/trygg-stats-XXXXXX", path[300], err[256];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/t.db", dir);
    struct config cfg;
    struct dbc db;
    config_defaults(&cfg);
    CHECK(db_open(&db, path, 1, err, sizeof err) == 0);
    CHECK(migrate_run(db.db, NULL, err, sizeof err) == 0);
    /* Ten years of one municipality: 9 areas, 18 250 observations (five a day), each a case,
     * a quarter of them resolved. Seeded in one transaction with SQL, then counted by the
     * rebuild, which runs the filing's own counting code over every row. */
    const int per_day = 5, days = 3650;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char sql[4096];
    snprintf(sql, sizeof sql,
             "PRAGMA synchronous=OFF; BEGIN;"
             "INSERT INTO units (id, code, name) VALUES (1, 'lights', 'Lights'), (2, 'parks', "
             "'Parks');"
             "WITH RECURSIVE a(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM a WHERE i < 9) "
             "INSERT INTO areas (id, code, name) SELECT i, 'area' || i, 'Area ' || i FROM a;"
             "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d), "
             "cats(k, code) AS (SELECT row_number() OVER (ORDER BY code) - 1, code FROM "
             "categories) "
             "INSERT INTO observations (id, client_id, category, lon, lat, e, n, observed_at, "
             "created_at, light, sun_elevation, area_id, unsafe_rating) SELECT i, 'bench-' || i, "
             "cats.code, 12.94, "
             "57.72, 370000 + (i * 7919) %% 20000, 6390000 + (i * 104729) %% 20000, "
             "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 1479945600 + i * %d, 'unixepoch'), "
             "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 1479945600 + i * %d, 'unixepoch'), 'dark', "
             "-10, 1 + i %% 9, 1 + i %% 5 FROM s JOIN cats ON cats.k = (i * 7) %% 11;"
             "INSERT INTO cases (observation_id, state, priority, due_at, unit_id, created_at, "
             "updated_at) SELECT id, CASE id %% 4 WHEN 0 THEN 'resolved' ELSE 'assigned' END, 2, "
             "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', created_at, '+14 days'), 1 + id %% 2, "
             "created_at, created_at FROM observations;"
             "INSERT INTO case_events (case_id, at, actor_label, kind, to_value) SELECT id, "
             "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', created_at, '+' || (id %% 500) || ' hours'), "
             "'bench', 'state', 'resolved' FROM observations WHERE id %% 4 = 0;"
             "COMMIT; PRAGMA synchronous=FULL;",
             per_day * days, 86400 / per_day, 86400 / per_day);
    CHECK(db_exec(db.db, sql) == SQLITE_OK);
    double seed_ms = ms_since(t0);
    struct wf_error werr;
    int64_t nobs = 0, ncases = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(wf_stats_rebuild(&db, &cfg, &nobs, &ncases, &werr) == 0);
    double rebuild_ms = ms_since(t0);
    CHECK(nobs == per_day * days && ncases == per_day * days);

    /* 2016-11-24 + 3650 days: the data run to 2026-11-22 */
    struct wf_stats_query ten = {0}, month = {0};
    /* answers of the same size: 11 years x 9 areas, and 1 month x 9 areas x 11 categories */
    ten.by = WF_BY_AREA;
    month.by = WF_BY_AREA | WF_BY_CATEGORY;
    ten.grain = PERIOD_YEAR;
    ten.has_from = ten.has_to = 1;
    ten.from = day(2016, 1, 1);
    ten.to = day(2026, 12, 31);
    month.grain = PERIOD_MONTH;
    month.has_from = month.has_to = 1;
    month.from = day(2026, 10, 1);
    month.to = day(2026, 10, 31);
    int64_t ten_total = 0, month_total = 0;
    double ten_ms = time_counts(&db, &cfg, &ten, &ten_total);
    double month_ms = time_counts(&db, &cfg, &month, &month_total);
    CHECK(ten_total == per_day * days);
    CHECK(month_total == per_day * 31);

    /* stats_cells_all (migration 0013) holds every cell's count of all time: the same
     * as its years added up, row for row. */
    sqlite3_stmt *st = NULL;
    CHECK(
        sqlite3_prepare_v2(db.db,
                           "SELECT (SELECT count(*) FROM (SELECT cell_m, cell_e, cell_n, area_id, "
                           "sum(n) FROM stats_cells WHERE grain = 'year' GROUP BY 1, 2, 3, 4 "
                           "HAVING sum(n) != 0 EXCEPT SELECT cell_m, cell_e, cell_n, area_id, n "
                           "FROM stats_cells_all)), (SELECT count(*) FROM (SELECT cell_m, cell_e, "
                           "cell_n, area_id, n FROM stats_cells_all EXCEPT SELECT cell_m, cell_e, "
                           "cell_n, area_id, sum(n) FROM stats_cells WHERE grain = 'year' GROUP "
                           "BY 1, 2, 3, 4)), (SELECT sum(n) FROM stats_cells_all WHERE cell_m = "
                           "(SELECT min(cell_m) FROM stats_cells_all))",
                           -1, &st, NULL) == SQLITE_OK);
    CHECK(sqlite3_step(st) == SQLITE_ROW);
    CHECK(sqlite3_column_int64(st, 0) == 0 && sqlite3_column_int64(st, 1) == 0);
    CHECK(sqlite3_column_int64(st, 2) == per_day * days);
    sqlite3_finalize(st);

    /* stats_cells_total (migration 0014) holds every cell's count of all time over
     * every area: stats_cells_all's rows of the cell added up. */
    CHECK(sqlite3_prepare_v2(db.db,
                             "SELECT (SELECT count(*) FROM (SELECT cell_m, cell_e, cell_n, sum(n) "
                             "FROM stats_cells_all GROUP BY 1, 2, 3 HAVING sum(n) != 0 EXCEPT "
                             "SELECT cell_m, cell_e, cell_n, n FROM stats_cells_total)), "
                             "(SELECT count(*) FROM (SELECT cell_m, cell_e, cell_n, n FROM "
                             "stats_cells_total WHERE n != 0 EXCEPT SELECT cell_m, cell_e, cell_n, "
                             "sum(n) FROM stats_cells_all GROUP BY 1, 2, 3)), (SELECT count(*) "
                             "FROM stats_cells_total)",
                             -1, &st, NULL) == SQLITE_OK);
    CHECK(sqlite3_step(st) == SQLITE_ROW);
    CHECK(sqlite3_column_int64(st, 0) == 0 && sqlite3_column_int64(st, 1) == 0);
    CHECK(sqlite3_column_int64(st, 2) > 25);
    sqlite3_finalize(st);

    /* Hot spots over a long span without a category filter come from the all-time
     * counts less the days outside the span; with every category named they are summed
     * from the periods. Both must give the same cells, counts, trends and ranks. */
    char cats[1024] = "";
    CHECK(sqlite3_prepare_v2(db.db, "SELECT json_group_array(code) FROM categories", -1, &st,
                             NULL) == SQLITE_OK);
    CHECK(sqlite3_step(st) == SQLITE_ROW);
    snprintf(cats, sizeof cats, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    const int32_t spans[][2] = {{day(2016, 1, 1), day(2026, 12, 31)},
                                {day(2018, 3, 15), day(2026, 6, 30)},
                                {day(2026, 9, 1), day(2026, 10, 31)}};
    for (size_t i = 0; i < sizeof spans / sizeof spans[0]; i++) {
        struct wf_stats_query hq = {0};
        hq.has_from = hq.has_to = 1;
        hq.from = spans[i][0];
        hq.to = spans[i][1];
        hq.cell_m = cfg.hotspot_cells_m[0];
        hq.limit = 25;
        json_t *plain = wf_stats_hotspots(&db, &cfg, &hq, &werr);
        hq.categories = cats;
        json_t *named = wf_stats_hotspots(&db, &cfg, &hq, &werr);
        CHECK(plain && named);
        json_t *pf = json_object_get(plain, "features"), *nf = json_object_get(named, "features");
        CHECK(json_array_size(pf) == 25);
        CHECK(json_equal(pf, nf));
        if (!json_equal(pf, nf)) {
            char *a = json_dumps(json_array_get(pf, 0), JSON_COMPACT),
                 *b = json_dumps(json_array_get(nf, 0), JSON_COMPACT);
            fprintf(stderr, "span %zu: all-time path %s\nsummed %s\n", i, a, b);
            free(a);
            free(b);
        }
        json_decref(plain);
        json_decref(named);
    }

    /* And the long span without categories really is answered from stats_cells_all:
     * a count changed there (only there) shows in it. */
    {
        struct wf_stats_query hq = {0};
        hq.has_from = hq.has_to = 1;
        hq.from = spans[0][0];
        hq.to = spans[0][1];
        hq.cell_m = cfg.hotspot_cells_m[0];
        hq.limit = 1;
        /* the smallest cell counted: the walk by all-time count (stats_cells_total)
         * must find it first */
        CHECK(db_exec(db.db, "UPDATE stats_cells_total SET n = n + 100000 WHERE (cell_m, cell_e, "
                             "cell_n) = (SELECT cell_m, cell_e, cell_n FROM stats_cells_total "
                             "WHERE cell_m = (SELECT min(cell_m) FROM stats_cells_total) AND n > 0 "
                             "ORDER BY n, cell_e, cell_n LIMIT 1)") == SQLITE_OK);
        json_t *h = wf_stats_hotspots(&db, &cfg, &hq, &werr);
        json_t *top =
            json_object_get(json_array_get(json_object_get(h, "features"), 0), "properties");
        CHECK(json_integer_value(json_object_get(top, "count")) > 100000);
        json_decref(h);
        CHECK(db_exec(db.db, "UPDATE stats_cells_total SET n = n - 100000 WHERE n > 100000") ==
              SQLITE_OK);
    }

    /* the situation picture of a year and of a week */
    struct period year, week;
    CHECK(period_parse("2025", &year) == 0 && period_parse("2026-W40", &week) == 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    json_t *sy = wf_situation(&db, &cfg, year, &werr);
    double sit_year_ms = ms_since(t0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    json_t *sw = wf_situation(&db, &cfg, week, &werr);
    double sit_week_ms = ms_since(t0);
    CHECK(sy && sw);
    CHECK(json_integer_value(json_object_get(json_object_get(sy, "totals"), "count")) ==
          per_day * 365);
    CHECK(json_integer_value(json_object_get(json_object_get(sw, "totals"), "count")) ==
          per_day * 7);
    json_decref(sy);
    json_decref(sw);

    /* what answering without aggregates would cost: a scan of the observations */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(db_exec(db.db, "SELECT area_id, category, substr(observed_at, 1, 4), count(*) FROM "
                         "observations GROUP BY 1, 2, 3") == SQLITE_OK);
    double scan_ms = ms_since(t0);

    printf("stats benchmark: %d observations over ten years (seeded in %.0f ms, counted in %.0f "
           "ms)\n",
           per_day * days, seed_ms, rebuild_ms);
    printf("stats benchmark: ten years, per year and area (%lld observations):       %.2f ms\n",
           (long long)ten_total, ten_ms);
    printf("stats benchmark: one month, per area and category (%lld observations):  %.2f ms\n",
           (long long)month_total, month_ms);
    printf("stats benchmark: situation picture of a year: %.2f ms, of a week: %.2f ms\n",
           sit_year_ms, sit_week_ms);
    printf("stats benchmark: (a scan of the observations instead: %.2f ms)\n", scan_ms);
    /* the same order of time: ten years read eleven yearly rows (and eleven a year earlier)
     * per area and category where the month reads one, and both answers have about 100 rows;
     * neither reads an observation. The bound is loose: sanitizers and a shared machine. */
    printf("stats benchmark: ten years / one month = %.1f\n", ten_ms / month_ms);
    CHECK(ten_ms < 20 * month_ms + 20);
    CHECK(sit_year_ms < 10 * sit_week_ms + 50);

    db_close(&db);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

int main(void)
{
    test_calendar();
    test_csv_reader();
    test_ten_years_answer_like_a_month();
    return check_report("test_stats");
}
