/*
 * Workflow unit tests: the workflow layer against a real temporary SpatiaLite
 * file, with no HTTP at all (this executable links trygg_workflow and below
 * only). Proves the transition table, routing precedence, merge, bulk
 * all-or-nothing, the units' own updates in one transaction, a busy database
 * reported as ERR_UNAVAILABLE with nothing written, and the nearby query
 * returning the truly nearest reports.
 */
#include "check.h"
#include "case_store.h"
#include "config.h"
#include "crs.h"
#include "db.h"
#include "migrate.h"
#include "obs_store.h"
#include "views.h"
#include "wf_cases.h"
#include "wf_observations.h"
#include "wf_units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct config cfg;
static struct dbc db;
static char dir[256], path[300];
static int client_counter;

static const struct wf_actor triage = {1, "tester", ROLE_TRIAGE, 0};
static const struct wf_actor admin = {2, "boss", ROLE_ADMIN, 0};

/* A fresh migrated database with two internal units, one outside, an area
 * and rules of every kind for 'lighting'. */
static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/trygg-wf-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/t.db", dir);
    config_defaults(&cfg);
    snprintf(cfg.db_path, sizeof cfg.db_path, "%s", path);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s/files", dir);
    char err[256];
    CHECK(db_open(&db, path, 1, err, sizeof err) == 0);
    CHECK(migrate_run(db.db, NULL, err, sizeof err) == 0);
    CHECK(db_exec(db.db,
                  "INSERT INTO units (id, code, name, internal) VALUES (1, 'lights', 'Lights', 1),"
                  " (2, 'streets', 'Streets', 1), (3, 'housing', 'Housing Co', 0);"
                  "INSERT INTO users (id, username, password_hash, role, unit_id) VALUES "
                  " (1, 'tester', 'x', 'triage', NULL), (2, 'boss', 'x', 'admin', NULL),"
                  " (3, 'u1', 'x', 'unit', 1), (4, 'u2', 'x', 'unit', 2);"
                  "INSERT INTO areas (id, code, name, geom) VALUES (1, 'centrum', 'Centrum', "
                  " CastToMultiPolygon(GeomFromText('POLYGON((12.93 57.71, 12.95 57.71, 12.95 "
                  " 57.73, 12.93 57.73, 12.93 57.71))', 4326)));"
                  /* municipality-wide: lights; area: streets; polygon inside the area: housing */
                  "INSERT INTO routing_rules (category, unit_id, priority, rule_order) VALUES "
                  " ('lighting', 1, 2, 100), ('litter', 2, 3, 100);"
                  "INSERT INTO routing_rules (category, area_id, unit_id, priority, rule_order) "
                  " VALUES ('lighting', 1, 2, 2, 100);"
                  "INSERT INTO routing_rules (category, unit_id, priority, rule_order, polygon) "
                  " VALUES ('lighting', 3, 1, 100, CastToMultiPolygon(GeomFromText("
                  " 'POLYGON((12.940 57.720, 12.942 57.720, 12.942 57.722, 12.940 57.722, "
                  " 12.940 57.720))', 4326)));") == SQLITE_OK);
}

static void teardown(void)
{
    db_close(&db);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

/* Files an observation and returns its id (0 on failure). */
static int64_t file_obs(const char *category, double lon, double lat)
{
    char client_id[40];
    snprintf(client_id, sizeof client_id, "00000000-0000-4000-8000-%012d", ++client_counter);
    struct wf_obs_input in = {0};
    in.client_id = client_id;
    in.category = category;
    in.lon = lon;
    in.lat = lat;
    in.accuracy_m = -1;
    in.observed_at = (int64_t)time(NULL) - 60;
    int64_t id = 0;
    int repeat = 0;
    struct wf_error err;
    if (wf_observation_file(&db, &cfg, &in, &id, &repeat, NULL, &err) != 0) {
        fprintf(stderr, "filing failed: %s %s\n", errors_code(err.code), err.message);
        return 0;
    }
    return id;
}

static void case_of(int64_t id, struct case_row *cr)
{
    memset(cr, 0, sizeof *cr);
    CHECK(case_store_load(&db, id, cr) == 1);
}

static int count_rows(const char *sql)
{
    sqlite3_stmt *st = db_prepare(db.db, sql);
    int n = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

static void test_routing_precedence(void)
{
    struct case_row cr;
    /* inside the drawn polygon: the polygon rule (an outside unit: notified, acknowledged) */
    case_of(file_obs("lighting", 12.941, 57.721), &cr);
    CHECK(cr.unit_id == 3 && strcmp(cr.state, "acknowledged") == 0 && cr.priority == 1);
    /* in the area but outside the polygon: the area rule */
    case_of(file_obs("lighting", 12.935, 57.715), &cr);
    CHECK(cr.unit_id == 2 && strcmp(cr.state, "assigned") == 0);
    /* outside the area: the municipality-wide rule */
    case_of(file_obs("lighting", 12.99, 57.75), &cr);
    CHECK(cr.unit_id == 1 && strcmp(cr.state, "assigned") == 0 && cr.priority == 2);
    /* no rule for the category: unrouted, new */
    case_of(file_obs("graffiti", 12.99, 57.75), &cr);
    CHECK(cr.unit_id == 0 && strcmp(cr.state, "new") == 0);
}

static void test_transition_table(void)
{
    struct wf_error err;
    int64_t id = file_obs("graffiti", 12.99, 57.75); /* new, unrouted */
    struct case_row cr;
    /* new -> in_progress is not in the table */
    CHECK(wf_case_transition(&db, &cfg, &triage, id, "in_progress", NULL, NULL, 0, &err) != 0);
    CHECK(err.code == ERR_INVALID_TRANSITION);
    /* new -> assigned needs a unit */
    CHECK(wf_case_transition(&db, &cfg, &triage, id, "assigned", NULL, NULL, 0, &err) != 0);
    CHECK(err.code == ERR_INVALID_TRANSITION);
    /* rejection needs a reason from the list */
    CHECK(wf_case_transition(&db, &cfg, &triage, id, "rejected", "bored", NULL, 0, &err) != 0);
    CHECK(err.code == ERR_INVALID_FORMAT && strcmp(err.field, "reason") == 0);
    CHECK(wf_case_transition(&db, &cfg, &triage, id, "acknowledged", NULL, "seen", 1, &err) == 0);
    CHECK(wf_case_assign(&db, &cfg, &triage, id, 1, NULL, 0, &err) == 0);
    case_of(id, &cr);
    CHECK(strcmp(cr.state, "assigned") == 0 && cr.unit_id == 1);
    /* a unit may work its own case but not another unit's */
    struct wf_actor unit1 = {3, "u1", ROLE_UNIT, 1}, unit2 = {4, "u2", ROLE_UNIT, 2};
    CHECK(wf_case_transition(&db, &cfg, &unit2, id, "in_progress", NULL, NULL, 0, &err) != 0);
    CHECK(err.code == ERR_NOT_FOUND);
    CHECK(wf_case_transition(&db, &cfg, &unit1, id, "in_progress", NULL, NULL, 0, &err) == 0);
    /* a unit may not reject: the pair is known but not for its role */
    CHECK(wf_case_transition(&db, &cfg, &unit1, id, "rejected", "other", NULL, 0, &err) != 0);
    CHECK(err.code == ERR_INVALID_TRANSITION && strstr(err.message, "in your role") != NULL);
    CHECK(wf_case_transition(&db, &cfg, &unit1, id, "resolved", NULL, "fixed", 1, &err) == 0);
    /* closed: cannot be assigned until reopened */
    CHECK(wf_case_assign(&db, &cfg, &triage, id, 2, NULL, 0, &err) != 0);
    CHECK(err.code == ERR_INVALID_TRANSITION);
    CHECK(wf_case_transition(&db, &cfg, &triage, id, "assigned", NULL, NULL, 0, &err) == 0);
    /* the public status follows the case */
    json_t *pub = views_observation(&db, id, &(int){0});
    CHECK(pub && strcmp(json_string_value(json_object_get(pub, "status")), "assigned") == 0);
    CHECK(json_array_size(json_object_get(pub, "public_comments")) == 2);
    json_decref(pub);
    /* every change is in the history */
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM case_events WHERE case_id = %lld",
             (long long)id);
    CHECK(count_rows(sql) >= 7);
}

static void test_merge(void)
{
    struct wf_error err;
    int64_t a = file_obs("litter", 12.99, 57.75), b = file_obs("litter", 12.9901, 57.7501),
            c = file_obs("litter", 12.9902, 57.7502);
    CHECK(wf_case_merge(&db, &cfg, &triage, b, a, &err) == 0);
    /* merging into a duplicate merges into its primary */
    CHECK(wf_case_merge(&db, &cfg, &triage, c, b, &err) == 0);
    struct case_row cr;
    case_of(c, &cr);
    CHECK(strcmp(cr.state, "duplicate") == 0 && cr.duplicate_of == a);
    CHECK(wf_case_merge(&db, &cfg, &triage, a, a, &err) != 0 && err.code == ERR_INVALID_TRANSITION);
    CHECK(wf_case_merge(&db, &cfg, &triage, b, a, &err) != 0 && err.code == ERR_INVALID_TRANSITION);
    /* a duplicate's public status follows the primary's */
    CHECK(wf_case_transition(&db, &cfg, &triage, a, "resolved", NULL, "cleaned", 1, &err) == 0);
    int failed = 0;
    json_t *pub = views_observation(&db, c, &failed);
    CHECK(pub && strcmp(json_string_value(json_object_get(pub, "status")), "resolved") == 0);
    CHECK(json_array_size(json_object_get(pub, "public_comments")) == 1);
    json_decref(pub);
    /* a closed case cannot be merged */
    int64_t d = file_obs("litter", 12.9903, 57.7503);
    CHECK(wf_case_merge(&db, &cfg, &triage, a, d, &err) != 0 && err.code == ERR_INVALID_TRANSITION);
}

static void test_bulk_all_or_nothing(void)
{
    struct wf_error err;
    int64_t a = file_obs("graffiti", 12.99, 57.75), b = file_obs("graffiti", 12.99, 57.75);
    int64_t c = file_obs("lighting", 12.99, 57.75); /* assigned by its rule: not new */
    int64_t ids[] = {a, b, c};
    CHECK(wf_cases_bulk(&db, &cfg, &triage, ids, 3, WF_BULK_ACKNOWLEDGE, 0, &err) != 0);
    CHECK(err.code == ERR_INVALID_TRANSITION);
    struct case_row cr;
    case_of(a, &cr);
    CHECK(strcmp(cr.state, "new") == 0); /* rolled back with the refusal */
    CHECK(wf_cases_bulk(&db, &cfg, &triage, ids, 2, WF_BULK_ACKNOWLEDGE, 0, &err) == 0);
    case_of(b, &cr);
    CHECK(strcmp(cr.state, "acknowledged") == 0);
    int64_t missing[] = {a, 999999};
    CHECK(wf_cases_bulk(&db, &cfg, &triage, missing, 2, WF_BULK_ASSIGN, 2, &err) != 0);
    case_of(a, &cr);
    CHECK(cr.unit_id == 0);
    CHECK(wf_cases_bulk(&db, &cfg, &admin, ids, 3, WF_BULK_ASSIGN, 2, &err) == 0);
    case_of(c, &cr);
    CHECK(cr.unit_id == 2 && strcmp(cr.state, "assigned") == 0);
}

static void test_unit_updates(void)
{
    struct wf_error err;
    char token[65];
    CHECK(wf_unit_token_new(&db, "lights", token, &err) == 0);
    int64_t id = file_obs("lighting", 12.99, 57.75); /* assigned to lights */
    struct wf_unit_update u = {
        .case_id = id, .state = "in_progress", .comment = "crew sent", .external_ref = "WO-1"};
    char wrong[65];
    memcpy(wrong, token, sizeof wrong);
    wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
    CHECK(wf_unit_update(&db, &cfg, "lights", wrong, &u, &err) != 0);
    CHECK(err.code == ERR_UNAUTHORIZED);
    CHECK(wf_unit_update(&db, &cfg, "streets", token, &u, &err) != 0);
    CHECK(err.code == ERR_UNAUTHORIZED);
    CHECK(wf_unit_update(&db, &cfg, "lights", token, &u, &err) == 0);
    struct case_row cr;
    case_of(id, &cr);
    CHECK(strcmp(cr.state, "in_progress") == 0);
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM cases WHERE observation_id = %lld AND external_ref = 'WO-1'",
             (long long)id);
    CHECK(count_rows(sql) == 1);
    /* a refused state change writes neither the reference nor the comment */
    struct wf_unit_update bad = {
        .case_id = id, .state = "acknowledged", .comment = "no", .external_ref = "WO-2"};
    CHECK(wf_unit_update(&db, &cfg, "lights", token, &bad, &err) != 0);
    CHECK(err.code == ERR_INVALID_TRANSITION);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM cases WHERE observation_id = %lld AND external_ref = 'WO-2'",
             (long long)id);
    CHECK(count_rows(sql) == 0);
    /* another unit's case is not found */
    int64_t other = file_obs("litter", 12.99, 57.75); /* streets */
    struct wf_unit_update o = {.case_id = other, .comment = "hi"};
    CHECK(wf_unit_update(&db, &cfg, "lights", token, &o, &err) != 0 && err.code == ERR_NOT_FOUND);
}

static void test_unit_email_refuses_line_breaks(void)
{
    struct wf_error err;
    struct unit_input u = {0};
    u.code = "evil";
    u.name = "Evil";
    u.email = "a@b.se\r\nBcc: x@y.se";
    u.internal = -1;
    int64_t id = 0;
    CHECK(wf_unit_save(&db, 0, &u, &id, &err) != 0);
    CHECK(err.code == ERR_INVALID_FORMAT && strcmp(err.field, "email") == 0);
    u.email = "gata@boras.se";
    CHECK(wf_unit_save(&db, 0, &u, &id, &err) == 0 && id > 0);
    CHECK(wf_unit_save(&db, 0, &u, &id, &err) != 0 && err.code == ERR_CONFLICT);
}

/* A busy database answers ERR_UNAVAILABLE and writes nothing. */
static void test_busy_database(void)
{
    struct dbc other;
    char err_s[256];
    db_set_busy_timeout(50);
    CHECK(db_open(&other, path, 0, err_s, sizeof err_s) == 0);
    CHECK(db_exec(other.db, "BEGIN IMMEDIATE") == SQLITE_OK);
    int before = count_rows("SELECT count(*) FROM observations");
    struct wf_obs_input in = {0};
    in.client_id = "aaaaaaaa-2222-4333-8444-bbbbbbbbbbbb";
    in.category = "litter";
    in.lon = 12.99;
    in.lat = 57.75;
    in.accuracy_m = -1;
    in.observed_at = (int64_t)time(NULL);
    int64_t id = 0;
    int repeat = 0;
    struct wf_error err;
    /* db (opened before the timeout change) waits its own timeout: use a fresh one */
    struct dbc quick;
    CHECK(db_open(&quick, path, 0, err_s, sizeof err_s) == 0);
    CHECK(wf_observation_file(&quick, &cfg, &in, &id, &repeat, NULL, &err) != 0);
    CHECK(err.code == ERR_UNAVAILABLE);
    CHECK(db_exec(other.db, "ROLLBACK") == SQLITE_OK);
    CHECK(count_rows("SELECT count(*) FROM observations") == before);
    CHECK(wf_observation_file(&quick, &cfg, &in, &id, &repeat, NULL, &err) == 0 && !repeat);
    /* the same client id in capitals is the same report */
    in.client_id = "AAAAAAAA-2222-4333-8444-BBBBBBBBBBBB";
    int64_t again = 0;
    CHECK(wf_observation_file(&quick, &cfg, &in, &again, &repeat, NULL, &err) == 0 && repeat &&
          again == id);
    db_close(&quick);
    db_close(&other);
    db_set_busy_timeout(DB_BUSY_TIMEOUT_MS);
}

/* More than 64 open reports in range: the nearest still come first. */
static void test_nearby_truly_nearest(void)
{
    /* 80 reports ring-shaped 40 m away, then one 5 m away filed last */
    double e0, n0, lon, lat;
    CHECK(crs_wgs84_to_sweref99tm(db.crs, 13.0500, 57.7600, &e0, &n0) == 0);
    for (int i = 0; i < 80; i++) {
        double a = i * 0.0785;
        CHECK(crs_sweref99tm_to_wgs84(db.crs, e0 + 40 * cos(a), n0 + 40 * sin(a), &lon, &lat) == 0);
        CHECK(file_obs("signage", lon, lat) > 0);
    }
    CHECK(crs_sweref99tm_to_wgs84(db.crs, e0 + 3, n0 + 4, &lon, &lat) == 0);
    int64_t near = file_obs("signage", lon, lat);
    json_t *arr = views_nearby(&db, 13.0500, 57.7600, 50, "signage", 10);
    CHECK(arr && json_array_size(arr) == 10);
    json_t *first = json_array_get(arr, 0);
    CHECK(json_integer_value(json_object_get(first, "id")) == near);
    CHECK_NEAR(json_real_value(json_object_get(first, "distance_m")), 5.0, 0.2);
    double prev = 0;
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        double d = json_real_value(json_object_get(o, "distance_m"));
        CHECK(d >= prev && d <= 50);
        prev = d;
    }
    json_decref(arr);
}

static int trace_count(unsigned type, void *ctx, void *p, void *x)
{
    (void)type;
    (void)p;
    (void)x;
    (*(int *)ctx)++;
    return 0;
}

/* The public list is a bounded number of statements whatever the page size. */
static void test_list_is_a_bounded_number_of_statements(void)
{
    int counts[2] = {0, 0};
    int64_t limits[2] = {5, 1000};
    size_t sizes[2] = {0, 0};
    for (int i = 0; i < 2; i++) {
        struct obs_filter f = {0};
        f.limit = limits[i];
        sqlite3_trace_v2(db.db, SQLITE_TRACE_STMT, trace_count, &counts[i]);
        json_t *arr = views_observation_list(&db, &f);
        sqlite3_trace_v2(db.db, 0, NULL, NULL);
        CHECK(arr != NULL);
        sizes[i] = json_array_size(arr);
        json_decref(arr);
    }
    printf("list: %zu rows in %d statements, %zu rows in %d statements\n", sizes[0], counts[0],
           sizes[1], counts[1]);
    CHECK(sizes[0] == 5 && sizes[1] > 90);
    CHECK(counts[0] == counts[1] && counts[1] <= 3);
    /* With a bbox: the page's ids (by the walk, or the walk and then the R*Tree),
     * then their rows, photos and comments: still not a statement per row. */
    for (int walk = 0; walk < 2; walk++) {
        int bc[2] = {0, 0};
        for (int i = 0; i < 2; i++) {
            struct obs_filter f = {0};
            f.limit = limits[i];
            f.has_bbox = 1;
            f.bbox[0] = -180, f.bbox[1] = -85, f.bbox[2] = 180, f.bbox[3] = 85;
            f.walk_rows = walk ? 100000 : 1;
            sqlite3_trace_v2(db.db, SQLITE_TRACE_STMT, trace_count, &bc[i]);
            json_t *arr = views_observation_list(&db, &f);
            sqlite3_trace_v2(db.db, 0, NULL, NULL);
            CHECK(arr != NULL && json_array_size(arr) == sizes[i]);
            json_decref(arr);
        }
        printf("list with a bbox (walk of %s): %d and %d statements\n", walk ? "100000" : "1",
               bc[0], bc[1]);
        CHECK(bc[0] <= 5 && bc[1] <= 5);
    }
}

int main(void)
{
    json_object_seed(1);
    setup();
    test_routing_precedence();
    test_transition_table();
    test_merge();
    test_bulk_all_or_nothing();
    test_unit_updates();
    test_unit_email_refuses_line_breaks();
    test_busy_database();
    test_nearby_truly_nearest();
    test_list_is_a_bounded_number_of_statements();
    teardown();
    return check_report("test_workflow");
}
