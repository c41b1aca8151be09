/*
 * Workflow unit tests for issue 9 against a temporary SpatiaLite file, no
 * HTTP: upload tokens (made at filing, stored as hashes, checked before a
 * photo is decoded), "me too" capped per client address, moderation (hidden,
 * redacted and unapproved text out of the public read models, events for
 * every action, only the office), the retention job's clock and the
 * reporter's export and erasure, and a read-only database answered as
 * ERR_STORAGE_FAILED that says so.
 */
#include "check.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "migrate.h"
#include "views.h"
#include "wf_moderation.h"
#include "wf_stats.h"
#include "wf_observations.h"
#include "wf_privacy.h"

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
static const struct wf_actor unit_user = {3, "u1", ROLE_UNIT, 1};

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/trygg-abuse-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/t.db", dir);
    config_defaults(&cfg);
    snprintf(cfg.db_path, sizeof cfg.db_path, "%s", path);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s/files", dir);
    char err[256];
    CHECK(db_open(&db, path, 1, err, sizeof err) == 0);
    CHECK(migrate_run(db.db, NULL, err, sizeof err) == 0);
    CHECK(db_exec(db.db,
                  "INSERT INTO units (id, code, name) VALUES (1, 'lights', 'Lights');"
                  "INSERT INTO users (id, username, password_hash, role, unit_id) VALUES "
                  " (1, 'tester', 'x', 'triage', NULL), (3, 'u1', 'x', 'unit', 1);") == SQLITE_OK);
}

static int count_rows(const char *sql)
{
    sqlite3_stmt *st = db_prepare(db.db, sql);
    int n = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

/* Files a report (with contact details when email is set); its id, and its upload token. */
static int64_t file_obs(const char *description, const char *email, char *token)
{
    char client_id[40];
    snprintf(client_id, sizeof client_id, "00000000-0000-4000-8000-%012d", ++client_counter);
    struct wf_obs_input in = {0};
    in.client_id = client_id;
    in.category = "litter";
    in.lon = 12.94;
    in.lat = 57.72;
    in.accuracy_m = -1;
    in.observed_at = (int64_t)time(NULL) - 60;
    in.description = description;
    in.email = email;
    in.name = email ? "Karin" : NULL;
    int64_t id = 0;
    int repeat = 0;
    struct wf_error err;
    if (wf_observation_file(&db, &cfg, &in, &id, &repeat, token, &err) != 0) {
        fprintf(stderr, "filing failed: %s\n", err.message);
        return 0;
    }
    return id;
}

static void test_upload_tokens(void)
{
    char token[WF_UPLOAD_TOKEN_HEX], other[WF_UPLOAD_TOKEN_HEX], hash[CRYPTO_SHA256_HEX];
    int64_t id = file_obs(NULL, NULL, token), id2 = file_obs(NULL, NULL, other);
    CHECK(id > 0 && id2 > 0 && strlen(token) == 64 && strcmp(token, other) != 0);
    /* Stored as its hash only. */
    crypto_sha256_hex(token, strlen(token), hash);
    char sql[300];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM upload_tokens WHERE token_hash = '%s'", hash);
    CHECK(count_rows(sql) == 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM upload_tokens WHERE token_hash = '%s'", token);
    CHECK(count_rows(sql) == 0);
    /* Checked before anything is decoded: a junk body with a missing or wrong token is
     * ERR_UNAUTHORIZED, with the right one it is only a bad image. */
    static const unsigned char junk[] = "not an image";
    json_t *photo = NULL;
    int repeat;
    struct wf_error err;
    CHECK(wf_photo_add(&db, &cfg, id, NULL, NULL, "image/jpeg", junk, sizeof junk, &photo, &repeat,
                       &err) != 0 &&
          err.code == ERR_UNAUTHORIZED);
    CHECK(wf_photo_add(&db, &cfg, id, other, NULL, "image/jpeg", junk, sizeof junk, &photo, &repeat,
                       &err) != 0 &&
          err.code == ERR_UNAUTHORIZED);
    CHECK(wf_photo_add(&db, &cfg, id, token, NULL, "image/jpeg", junk, sizeof junk, &photo, &repeat,
                       &err) != 0 &&
          err.code == ERR_INVALID_IMAGE);
    /* Expired. */
    db_exec(db.db, "UPDATE upload_tokens SET expires_at = strftime('%s', 'now') - 1");
    CHECK(wf_photo_add(&db, &cfg, id, token, NULL, "image/jpeg", junk, sizeof junk, &photo, &repeat,
                       &err) != 0 &&
          err.code == ERR_UNAUTHORIZED);
    /* Repeats add tokens, but never more than PHOTO_TOKENS_KEEP per report. */
    for (int i = 0; i < 20; i++) {
        struct wf_obs_input in = {0};
        char cid[40];
        snprintf(cid, sizeof cid, "00000000-0000-4000-8000-%012d", client_counter);
        in.client_id = cid;
        in.category = "litter";
        in.lon = 12.94;
        in.lat = 57.72;
        in.accuracy_m = -1;
        in.observed_at = (int64_t)time(NULL);
        int64_t again;
        CHECK(wf_observation_file(&db, &cfg, &in, &again, &repeat, token, &err) == 0 && repeat &&
              again == id2);
    }
    snprintf(sql, sizeof sql, "SELECT count(*) FROM upload_tokens WHERE observation_id = %lld",
             (long long)id2);
    CHECK(count_rows(sql) == 8);
}

static void test_support_is_capped_per_address(void)
{
    int64_t id = file_obs(NULL, NULL, NULL);
    struct wf_error err;
    int added, total_added = 0;
    int64_t count = 0;
    cfg.supports_per_address_max = 2;
    for (int i = 0; i < 5; i++) {
        char cid[40];
        snprintf(cid, sizeof cid, "11111111-0000-4000-8000-%012d", i);
        CHECK(wf_observation_support(&db, &cfg, id, cid, "192.0.2.7", &added, &count, &err) == 0);
        total_added += added;
    }
    CHECK(total_added == 2 && count == 2);
    CHECK(wf_observation_support(&db, &cfg, id, "22222222-0000-4000-8000-000000000001", "192.0.2.8",
                                 &added, &count, &err) == 0 &&
          added && count == 3);
    CHECK(count_rows("SELECT count(*) FROM supports WHERE address_key LIKE '%192.0.2%'") == 0);
    CHECK(count_rows("SELECT count(DISTINCT address_key) FROM supports") == 2);
    cfg.supports_per_address_max = 3;
}

static void test_moderation_and_public_views(void)
{
    int64_t id = file_obs("Ring mig: Anna 070-1234567", NULL, NULL);
    struct wf_error err;
    int failed = 0, text, photos;
    json_t *o = views_observation(&db, id, &failed);
    CHECK(o && strcmp(json_string_value(json_object_get(o, "description")),
                      "Ring mig: Anna 070-1234567") == 0);
    json_decref(o);
    /* Only the office moderates. */
    CHECK(wf_case_set_public(&db, &cfg, &unit_user, id, 0, &err) != 0 && err.code == ERR_FORBIDDEN);
    CHECK(wf_case_redact(&db, &unit_user, id, "x", &err) != 0 && err.code == ERR_FORBIDDEN);
    CHECK(wf_case_set_public(&db, &cfg, &triage, 999999, 0, &err) != 0 &&
          err.code == ERR_NOT_FOUND);
    /* Redacted: the public sees the new text, staff both. */
    CHECK(wf_case_redact(&db, &triage, id, "Ring mig", &err) == 0);
    o = views_observation(&db, id, &failed);
    CHECK(o && strcmp(json_string_value(json_object_get(o, "description")), "Ring mig") == 0);
    json_decref(o);
    o = views_observation_staff(&db, id, &failed);
    CHECK(o && strcmp(json_string_value(json_object_get(o, "description")),
                      "Ring mig: Anna 070-1234567") == 0);
    json_decref(o);
    o = views_observation_for_unit(&db, id, &failed);
    CHECK(o && strcmp(json_string_value(json_object_get(o, "description")), "Ring mig") == 0 &&
          !json_object_get(o, "moderation"));
    json_decref(o);
    /* Hidden: in no public answer, but the staff and units' views have it. */
    CHECK(wf_case_set_public(&db, &cfg, &triage, id, 0, &err) == 0);
    CHECK(views_observation(&db, id, &failed) == NULL && !failed);
    struct obs_filter f = {0};
    f.limit = 1000;
    json_t *list = views_observation_list(&db, &f);
    char *text_s = json_dumps(list, 0);
    CHECK(text_s && !strstr(text_s, "Ring mig"));
    free(text_s);
    json_decref(list);
    o = views_observation_for_unit(&db, id, &failed);
    CHECK(o != NULL);
    json_decref(o);
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM case_events WHERE case_id = %lld AND public = 0 AND "
             "actor_label = 'tester' AND kind IN ('redacted', 'visibility')",
             (long long)id);
    CHECK(count_rows(sql) == 2);
    /* Pre-moderation: no public text until approved. */
    cfg.moderation_pre = 1;
    int64_t pre = file_obs("väntar", NULL, NULL);
    o = views_observation(&db, pre, &failed);
    CHECK(o && json_is_null(json_object_get(o, "description")));
    json_decref(o);
    CHECK(wf_case_approve(&db, &triage, pre, &text, &photos, &err) == 0 && text == 1 &&
          photos == 0);
    o = views_observation(&db, pre, &failed);
    CHECK(o && strcmp(json_string_value(json_object_get(o, "description")), "väntar") == 0);
    json_decref(o);
    CHECK(wf_case_approve(&db, &triage, pre, &text, &photos, &err) == 0 && text == 0);
    cfg.moderation_pre = 0;
    CHECK(sqlite3_get_autocommit(db.db) == 1);
}

static void test_retention_and_erasure(void)
{
    char sql[300];
    int64_t closed = file_obs(NULL, "karin@example.se", NULL);
    int64_t open_case = file_obs(NULL, "KARIN@example.se", NULL);
    CHECK(closed > 0 && open_case > 0);
    snprintf(sql, sizeof sql,
             "UPDATE cases SET state = 'resolved', updated_at = '2026-01-01T00:00:00Z' WHERE "
             "observation_id = %lld",
             (long long)closed);
    CHECK(db_exec(db.db, sql) == SQLITE_OK);
    struct wf_error err;
    int erased = -1;
    /* 90 days after 2026-01-01 is 2026-04-01: the day before, nothing goes. */
    cfg.contact_retention_days = 90;
    int64_t before = 1774915200; /* 2026-03-31T00:00:00Z */
    CHECK(wf_contacts_expire(&db, &cfg, before, &erased, &err) == 0 && erased == 0);
    CHECK(wf_contacts_expire(&db, &cfg, before + 2 * 86400, &erased, &err) == 0 && erased == 1);
    CHECK(wf_contacts_expire(&db, &cfg, before + 2 * 86400, &erased, &err) == 0 && erased == 0);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM case_events WHERE case_id = %lld AND kind = "
             "'contact_erased' AND actor_label = 'system'",
             (long long)closed);
    CHECK(count_rows(sql) == 1);
    /* Export finds the open one (any case of the address); erase takes it. */
    json_t *all = wf_reporter_export(&db, "Karin@Example.se", &err);
    CHECK(all && json_array_size(json_object_get(all, "reports")) == 1);
    json_decref(all);
    struct wf_erasure e;
    const struct wf_actor cli = {0, "command line", ROLE_ADMIN, 0};
    CHECK(wf_reporter_erase(&db, &cli, "karin@example.se", &e, &err) == 0 && e.reports == 1);
    CHECK(count_rows("SELECT count(*) FROM reporters WHERE email LIKE 'karin%'") == 0);
    CHECK(wf_reporter_erase(&db, &cli, "", &e, &err) != 0 && err.code == ERR_MISSING_FIELD);
    CHECK(sqlite3_get_autocommit(db.db) == 1);
}

/* A database that cannot be written is ERR_STORAGE_FAILED, and the message says why. */
static void test_read_only_database(void)
{
    struct dbc ro;
    char msg[256];
    CHECK(db_open(&ro, path, 0, msg, sizeof msg) == 0);
    CHECK(db_exec(ro.db, "PRAGMA query_only = 1") == SQLITE_OK);
    int64_t id = file_obs(NULL, NULL, NULL);
    struct wf_error err;
    CHECK(wf_case_set_public(&ro, &cfg, &triage, id, 0, &err) != 0);
    CHECK(err.code == ERR_STORAGE_FAILED && strstr(err.message, "read-only") &&
          strstr(err.message, "nothing was stored"));
    CHECK(sqlite3_get_autocommit(ro.db) == 1);
    int failed = 0;
    json_t *o = views_observation(&ro, id, &failed); /* reads go on */
    CHECK(o != NULL);
    json_decref(o);
    db_close(&ro);
}

/* A report hidden by moderation leaves the statistics (counts and hot-spot cells)
 * and comes back, with the same source, when it is shown again. */
static void test_hidden_leaves_statistics(void)
{
    static const char counts[] =
        "SELECT COALESCE(sum(n), 0) FROM stats_counts WHERE grain = 'year'";
    static const char cells[] = "SELECT COALESCE(sum(n), 0) FROM stats_cells WHERE grain = 'year'";
    int64_t id = file_obs("spam", NULL, NULL);
    int before = count_rows(counts), cells_before = count_rows(cells);
    CHECK(before > 0 && cells_before > 0);
    char sql[200];
    snprintf(sql, sizeof sql,
             "UPDATE stats_observations SET source = 'staff' WHERE observation_id = %lld",
             (long long)id);
    /* As if a staff member had filed it: the source must survive hide and show. */
    CHECK(db_exec(db.db, "DELETE FROM stats_counts; DELETE FROM stats_cells;") == SQLITE_OK);
    CHECK(db_exec(db.db, sql) == SQLITE_OK);
    int64_t obs = 0, cases = 0;
    struct wf_error err;
    CHECK(wf_stats_rebuild(&db, &cfg, &obs, &cases, &err) == 0);
    int staff_before = count_rows("SELECT COALESCE(sum(n), 0) FROM stats_counts WHERE grain = "
                                  "'year' AND source = 'staff'");
    CHECK(staff_before == 1);
    CHECK(count_rows(counts) == before);
    CHECK(wf_case_set_public(&db, &cfg, &triage, id, 0, &err) == 0);
    CHECK(count_rows(counts) == before - 1);
    CHECK(count_rows(cells) == cells_before - cfg.hotspot_cells);
    /* A rebuild agrees: a hidden report is counted nowhere. */
    CHECK(wf_stats_rebuild(&db, &cfg, &obs, &cases, &err) == 0);
    CHECK(count_rows(counts) == before - 1);
    CHECK(wf_case_set_public(&db, &cfg, &triage, id, 1, &err) == 0);
    CHECK(count_rows(counts) == before);
    CHECK(count_rows(cells) == cells_before);
    CHECK(count_rows("SELECT COALESCE(sum(n), 0) FROM stats_counts WHERE grain = 'year' AND "
                     "source = 'staff'") == 1);
}

int main(void)
{
    json_object_seed(1);
    setup();
    test_upload_tokens();
    test_support_is_capped_per_address();
    test_moderation_and_public_views();
    test_hidden_leaves_statistics();
    test_retention_and_erasure();
    test_read_only_database();
    db_close(&db);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    return check_report("test_abuse");
}
