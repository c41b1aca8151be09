/*
 * Unit tests for wf_accounts against a temporary SpatiaLite file, no HTTP:
 * creating users (password rules in characters, conflicts), logging in
 * (tokens stored only as hashes, wrong passwords counted before they are
 * verified even by parallel guesses, throttling per address and per name and
 * address, a slower per-name backoff that known addresses pass), sessions (lookup, idle timeout,
 * logout, ended by a new password or a role change) and the last active admin.
 */
#include "check.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "migrate.h"
#include "wf_accounts.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PASSWORD "a long enough password"

static char tmpdir[] = "/tmp/trygg-test-accounts-XXXXXX";
static char dbpath[256];

/* A fresh, migrated database and a configuration with a cheap argon2 cost. */
static int open_fresh(struct dbc *c, struct config *cfg)
{
    char err[512];
    static int n;
    snprintf(dbpath, sizeof dbpath, "%s/t%d.db", tmpdir, n++);
    if (db_open(c, dbpath, 1, err, sizeof err) != 0 || migrate_run(c->db, NULL, err, sizeof err)) {
        fprintf(stderr, "cannot open %s: %s\n", dbpath, err);
        return -1;
    }
    config_defaults(cfg);
    cfg->password_hash_memory_kib = 64; /* tests only: the default stays 19456 */
    cfg->password_hash_iterations = 1;
    cfg->login_max_failures = 3;
    cfg->login_max_failures_per_address = 100;
    cfg->login_window_seconds = 600;
    return 0;
}

static int64_t sql_int(struct dbc *c, const char *sql)
{
    sqlite3_stmt *st = db_prepare(c->db, sql);
    int64_t v = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

static int64_t add_user(struct dbc *c, const struct config *cfg, const char *name, const char *role)
{
    struct wf_user_new u = {.username = name, .password = PASSWORD, .role = role};
    struct wf_error err;
    int64_t id = 0;
    if (wf_user_create(c, cfg, &u, &id, &err) != 0) {
        fprintf(stderr, "creating %s: %s\n", name, err.message);
        return -1;
    }
    return id;
}

static int login(struct dbc *c, const struct config *cfg, const char *name, const char *pw,
                 const char *addr, struct wf_login_result *res, struct wf_error *err)
{
    int rc = wf_login(c, cfg, name, pw, addr, NULL, res, err);
    if (rc == 0) {
        json_decref(res->profile);
        res->profile = NULL;
    }
    return rc;
}

static void test_default_cost_is_owasp_minimum(void)
{
    struct config cfg;
    config_defaults(&cfg);
    CHECK(cfg.password_hash_memory_kib == 19456);
    CHECK(cfg.password_hash_iterations == 2);
    CHECK(CRYPTO_ARGON2_M_KIB_DEFAULT == 19456 && CRYPTO_ARGON2_T_DEFAULT == 2);
}

static void test_create_and_password_rules(void)
{
    struct dbc c;
    struct config cfg;
    if (open_fresh(&c, &cfg) != 0) {
        CHECK(0);
        return;
    }
    struct wf_error err;
    int64_t id = 0;
    CHECK(add_user(&c, &cfg, "anna", "admin") > 0);
    /* The hash is argon2id at the configured cost; the password is not stored. */
    CHECK(sql_int(&c, "SELECT count(*) FROM users WHERE password_hash LIKE "
                      "'$argon2id$v=19$m=64,t=1,p=1$%'") == 1);

    struct {
        const char *name, *password, *role;
        enum err_code want;
        const char *field;
    } cases[] = {
        {"short", "7chars!", "triage", ERR_TOO_SHORT, "password"},
        {"u7", "åäöåäöå", "triage", ERR_TOO_SHORT, "password"}, /* 14 bytes, 7 characters */
        {"u8", "åäöåäöåä", "triage", ERR_NONE, NULL},
        {"u128", NULL, "triage", ERR_NONE, NULL},           /* 128 x "å" */
        {"u129", NULL, "triage", ERR_TOO_LONG, "password"}, /* 129 x "å" */
        {"anna", PASSWORD, "triage", ERR_CONFLICT, "username"},
        {"x", PASSWORD, "triage", ERR_INVALID_FORMAT, "username"},
        {"bad name", PASSWORD, "triage", ERR_INVALID_FORMAT, "username"},
        {"boss", PASSWORD, "chief", ERR_INVALID_FORMAT, "role"},
        {"ute", PASSWORD, "unit", ERR_MISSING_FIELD, "unit_id"},
    };
    char a128[128 * 2 + 1] = "", a129[129 * 2 + 1] = "";
    for (int i = 0; i < 128; i++)
        strcat(a128, "å");
    snprintf(a129, sizeof a129, "%så", a128);
    cases[3].password = a128;
    cases[4].password = a129;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct wf_user_new u = {
            .username = cases[i].name, .password = cases[i].password, .role = cases[i].role};
        memset(&err, 0, sizeof err);
        int rc = wf_user_create(&c, &cfg, &u, &id, &err);
        if (cases[i].want == ERR_NONE) {
            CHECK(rc == 0);
        } else {
            CHECK(rc == -1);
            CHECK(err.code == cases[i].want);
            CHECK(err.field && strcmp(err.field, cases[i].field) == 0);
            if (err.code != cases[i].want)
                fprintf(stderr, "  case %s: got %d (%s)\n", cases[i].name, err.code, err.message);
        }
    }
    struct wf_user_new u = {
        .username = "ute", .password = PASSWORD, .role = "unit", .unit_code = "no-such-unit"};
    CHECK(wf_user_create(&c, &cfg, &u, &id, &err) == -1 && err.code == ERR_INVALID_FORMAT &&
          strstr(err.message, "no-such-unit"));
    /* Nothing of the refused ones was stored, and no transaction is left open. */
    CHECK(sql_int(&c, "SELECT count(*) FROM users") == 3);
    CHECK(sqlite3_get_autocommit(c.db) == 1);
    db_close(&c);
}

static void test_login_sessions_and_logout(void)
{
    struct dbc c;
    struct config cfg;
    if (open_fresh(&c, &cfg) != 0) {
        CHECK(0);
        return;
    }
    int64_t anna = add_user(&c, &cfg, "anna", "admin");
    CHECK(anna > 0);
    struct wf_login_result res;
    struct wf_error err;
    CHECK(wf_login(&c, &cfg, "anna", PASSWORD, "10.0.0.1", NULL, &res, &err) == 0);
    CHECK(strlen(res.token) == 64 && strlen(res.session.csrf) == 64);
    CHECK(res.session.user_id == anna && res.session.role == ROLE_ADMIN);
    CHECK(res.profile &&
          strcmp(json_string_value(json_object_get(res.profile, "username")), "anna") == 0);
    CHECK(json_is_null(json_object_get(res.profile, "unit")));
    json_decref(res.profile);
    /* Only the token's SHA-256 is stored. */
    char hash[CRYPTO_SHA256_HEX];
    crypto_sha256_hex(res.token, strlen(res.token), hash);
    sqlite3_stmt *st = db_prepare(c.db, "SELECT count(*) FROM sessions WHERE token_hash = ?1 "
                                        "AND token_hash != ?2");
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, res.token, -1, SQLITE_STATIC);
    CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1);
    sqlite3_finalize(st);

    struct wf_session s;
    CHECK(wf_session_find(&c, &cfg, res.token, &s, &err) == 1);
    CHECK(s.user_id == anna && s.role == ROLE_ADMIN && strcmp(s.username, "anna") == 0);
    CHECK(strcmp(s.csrf, res.session.csrf) == 0);
    CHECK(wf_session_find(&c, &cfg,
                          "0000000000000000000000000000000000000000000000000000000000000000", &s,
                          &err) == 0);

    /* A new login on the same browser ends the old session. */
    char first[WF_SESSION_TOKEN_HEX];
    snprintf(first, sizeof first, "%s", res.token);
    CHECK(wf_login(&c, &cfg, "anna", PASSWORD, "10.0.0.1", first, &res, &err) == 0);
    json_decref(res.profile);
    CHECK(strcmp(first, res.token) != 0);
    CHECK(wf_session_find(&c, &cfg, first, &s, &err) == 0);
    CHECK(wf_session_find(&c, &cfg, res.token, &s, &err) == 1);

    /* Logout ends it on the server. */
    CHECK(wf_logout(&c, s.session_id, &err) == 0);
    CHECK(wf_session_find(&c, &cfg, res.token, &s, &err) == 0);
    CHECK(sql_int(&c, "SELECT count(*) FROM sessions") == 0);

    /* Idle too long: the session ends and is deleted. */
    CHECK(login(&c, &cfg, "anna", PASSWORD, "10.0.0.1", &res, &err) == 0);
    db_exec(c.db, "UPDATE sessions SET last_seen_at = last_seen_at - 100000");
    CHECK(wf_session_find(&c, &cfg, res.token, &s, &err) == 0);
    CHECK(sql_int(&c, "SELECT count(*) FROM sessions") == 0);
    /* Older than the absolute limit, though just used: ends too. */
    CHECK(login(&c, &cfg, "anna", PASSWORD, "10.0.0.1", &res, &err) == 0);
    db_exec(c.db, "UPDATE sessions SET created_at = created_at - 10000000");
    CHECK(wf_session_find(&c, &cfg, res.token, &s, &err) == 0);
    /* The use is recorded at most once a minute. */
    CHECK(login(&c, &cfg, "anna", PASSWORD, "10.0.0.1", &res, &err) == 0);
    db_exec(c.db, "UPDATE sessions SET last_seen_at = last_seen_at - 30");
    int64_t before = sql_int(&c, "SELECT last_seen_at FROM sessions");
    CHECK(wf_session_find(&c, &cfg, res.token, &s, &err) == 1);
    CHECK(sql_int(&c, "SELECT last_seen_at FROM sessions") == before);
    db_exec(c.db, "UPDATE sessions SET last_seen_at = last_seen_at - 31");
    CHECK(wf_session_find(&c, &cfg, res.token, &s, &err) == 1);
    CHECK(sql_int(&c, "SELECT last_seen_at FROM sessions") > before);
    CHECK(sqlite3_get_autocommit(c.db) == 1);
    db_close(&c);
}

static void test_wrong_passwords_are_counted_and_throttled(void)
{
    struct dbc c;
    struct config cfg;
    if (open_fresh(&c, &cfg) != 0) {
        CHECK(0);
        return;
    }
    CHECK(add_user(&c, &cfg, "tove", "triage") > 0);
    struct wf_login_result res;
    struct wf_error err, unknown;
    CHECK(login(&c, &cfg, "tove", "not the password", "10.0.0.2", &res, &err) == -1);
    CHECK(err.code == ERR_INVALID_CREDENTIALS);
    CHECK(sql_int(&c, "SELECT count(*) FROM login_attempts WHERE username = 'tove' AND ok = 0") ==
          1);
    /* An unknown name gets exactly the same answer. */
    CHECK(login(&c, &cfg, "nobody", "not the password", "10.0.0.2", &res, &unknown) == -1);
    CHECK(unknown.code == err.code && strcmp(unknown.message, err.message) == 0);
    /* Two more failures make three for the name from that address. */
    CHECK(login(&c, &cfg, "tove", "not the password", "10.0.0.2", &res, &err) == -1);
    CHECK(login(&c, &cfg, "tove", "not the password", "10.0.0.2", &res, &err) == -1);
    /* Three failures for the name from 10.0.0.2: even the right password is now
     * refused there ... */
    CHECK(login(&c, &cfg, "tove", PASSWORD, "10.0.0.2", &res, &err) == -1);
    CHECK(err.code == ERR_RATE_LIMITED);
    CHECK(res.retry_after_s == 600);
    /* ... but the guesser locked out only itself: the user logs in from elsewhere. */
    CHECK(login(&c, &cfg, "tove", PASSWORD, "10.0.0.3", &res, &err) == 0);
    CHECK(sql_int(&c, "SELECT count(*) FROM login_attempts WHERE username = 'tove' AND ok = 0") ==
          3);
    CHECK(sql_int(&c, "SELECT count(*) FROM login_attempts WHERE username = 'tove' AND ok = 1") ==
          1);
    /* Failures older than the window no longer count. */
    db_exec(c.db, "UPDATE login_attempts SET at = at - 601");
    CHECK(login(&c, &cfg, "tove", PASSWORD, "10.0.0.2", &res, &err) == 0);

    /* Per address: guesses at different names from one address. */
    cfg.login_max_failures_per_address = 2;
    CHECK(login(&c, &cfg, "guess1", "nope nope", "10.0.0.9", &res, &err) == -1);
    CHECK(login(&c, &cfg, "guess2", "nope nope", "10.0.0.9", &res, &err) == -1);
    CHECK(login(&c, &cfg, "tove", PASSWORD, "10.0.0.9", &res, &err) == -1);
    CHECK(err.code == ERR_RATE_LIMITED);
    CHECK(login(&c, &cfg, "tove", PASSWORD, "10.0.0.10", &res, &err) == 0);
    CHECK(sqlite3_get_autocommit(c.db) == 1);
    db_close(&c);
}

/* Guesses from many addresses slow the name down (1 s, 2 s, 4 s, ... apart) for
 * addresses the user never logged in from; a known address goes straight in. */
static void test_per_user_backoff_spares_known_addresses(void)
{
    struct dbc c;
    struct config cfg;
    if (open_fresh(&c, &cfg) != 0) {
        CHECK(0);
        return;
    }
    cfg.login_user_backoff_after = 4;
    cfg.login_user_backoff_max_seconds = 300;
    CHECK(add_user(&c, &cfg, "tove", "triage") > 0);
    struct wf_login_result res;
    struct wf_error err;
    CHECK(login(&c, &cfg, "tove", PASSWORD, "10.1.0.1", &res, &err) == 0); /* her desk */
    char addr[32];
    for (int i = 1; i <= 4; i++) {
        snprintf(addr, sizeof addr, "10.2.0.%d", i);
        CHECK(login(&c, &cfg, "tove", "not the password", addr, &res, &err) == -1);
        CHECK(err.code == ERR_INVALID_CREDENTIALS);
    }
    /* Four failures for the name: the next unknown address waits a second. */
    CHECK(login(&c, &cfg, "tove", PASSWORD, "10.2.0.9", &res, &err) == -1);
    CHECK(err.code == ERR_RATE_LIMITED && res.retry_after_s == 1);
    CHECK(login(&c, &cfg, "tove", PASSWORD, "10.1.0.1", &res, &err) == 0); /* known: in */
    db_exec(c.db, "UPDATE login_attempts SET at = at - 2");
    CHECK(login(&c, &cfg, "tove", PASSWORD, "10.2.0.9", &res, &err) == 0); /* waited: in */
    /* Each failure doubles the wait, up to the maximum. */
    for (int i = 0; i < 4; i++) {
        snprintf(addr, sizeof addr, "10.3.0.%d", i);
        db_exec(c.db, "UPDATE login_attempts SET at = at - 400");
        CHECK(login(&c, &cfg, "tove", "not the password", addr, &res, &err) == -1);
    }
    db_exec(c.db, "UPDATE login_attempts SET at = strftime('%s', 'now') WHERE ok = 0");
    CHECK(login(&c, &cfg, "tove", PASSWORD, "10.3.0.99", &res, &err) == -1);
    CHECK(err.code == ERR_RATE_LIMITED);
    CHECK(login(&c, &cfg, "tove", PASSWORD, "10.1.0.1", &res, &err) == 0);
    CHECK(sqlite3_get_autocommit(c.db) == 1);
    db_close(&c);
}

/* Parallel guesses: the throttle check and the count are one step, so no more
 * attempts are ever verified than the limit allows. */
struct guesser {
    const char *db_path;
    const struct config *cfg;
    int limited, wrong;
};

static void *guess(void *arg)
{
    struct guesser *g = arg;
    struct dbc c;
    char msg[256];
    if (db_open(&c, g->db_path, 0, msg, sizeof msg) != 0)
        return NULL;
    for (int i = 0; i < 4; i++) {
        struct wf_login_result res;
        struct wf_error err;
        if (login(&c, g->cfg, "tove", "not the password", "10.9.9.9", &res, &err) != -1)
            continue;
        if (err.code == ERR_RATE_LIMITED)
            g->limited++;
        else
            g->wrong++;
    }
    db_close(&c);
    return NULL;
}

static void test_parallel_guesses_are_counted_before_verification(void)
{
    struct dbc c;
    struct config cfg;
    if (open_fresh(&c, &cfg) != 0) {
        CHECK(0);
        return;
    }
    CHECK(add_user(&c, &cfg, "tove", "triage") > 0);
    enum { THREADS = 16 };
    pthread_t t[THREADS];
    struct guesser g[THREADS];
    for (int i = 0; i < THREADS; i++) {
        g[i] = (struct guesser){dbpath, &cfg, 0, 0};
        CHECK(pthread_create(&t[i], NULL, guess, &g[i]) == 0);
    }
    int limited = 0, wrong = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        limited += g[i].limited;
        wrong += g[i].wrong;
    }
    /* 64 guesses, a limit of 3: exactly 3 were verified and counted. */
    CHECK(wrong == 3 && limited == 61);
    CHECK(sql_int(&c, "SELECT count(*) FROM login_attempts WHERE username = 'tove'") == 3);
    db_close(&c);
}

static void test_updates_end_sessions_and_keep_the_last_admin(void)
{
    struct dbc c;
    struct config cfg;
    if (open_fresh(&c, &cfg) != 0) {
        CHECK(0);
        return;
    }
    int64_t solo = add_user(&c, &cfg, "solo", "admin");
    int64_t tove = add_user(&c, &cfg, "tove", "triage");
    struct wf_login_result res;
    struct wf_error err;
    struct wf_session s;
    CHECK(login(&c, &cfg, "solo", PASSWORD, "10.0.0.1", &res, &err) == 0);
    char solo_token[WF_SESSION_TOKEN_HEX];
    snprintf(solo_token, sizeof solo_token, "%s", res.token);

    struct wf_user_change off = {.active = 0}, demote = {.role = "triage", .active = -1};
    CHECK(wf_user_update(&c, &cfg, solo, &off, &err) == -1 && err.code == ERR_LAST_ADMIN);
    CHECK(wf_user_update(&c, &cfg, solo, &demote, &err) == -1 && err.code == ERR_LAST_ADMIN);
    CHECK(wf_session_find(&c, &cfg, solo_token, &s, &err) == 1); /* nothing changed */
    CHECK(sql_int(&c, "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1") == 1);

    struct wf_user_change bad = {.password = "short", .active = -1};
    CHECK(wf_user_update(&c, &cfg, tove, &bad, &err) == -1 && err.code == ERR_TOO_SHORT);
    struct wf_user_change none = {.active = 1};
    CHECK(wf_user_update(&c, &cfg, 999999, &none, &err) == -1 && err.code == ERR_NOT_FOUND);
    struct wf_user_change boss = {.role = "boss", .active = -1};
    CHECK(wf_user_update(&c, &cfg, tove, &boss, &err) == -1 && err.code == ERR_INVALID_FORMAT);
    struct wf_user_change unitless = {.role = "unit", .active = -1};
    CHECK(wf_user_update(&c, &cfg, tove, &unitless, &err) == -1 && err.code == ERR_INVALID_FORMAT &&
          strcmp(err.field, "unit_id") == 0);

    /* A new password ends the user's sessions; the old password no longer works. */
    CHECK(login(&c, &cfg, "tove", PASSWORD, "10.0.0.1", &res, &err) == 0);
    struct wf_user_change pw = {.password = "second password", .active = -1};
    CHECK(wf_user_update(&c, &cfg, tove, &pw, &err) == 0);
    CHECK(wf_session_find(&c, &cfg, res.token, &s, &err) == 0);
    CHECK(login(&c, &cfg, "tove", PASSWORD, "10.0.0.1", &res, &err) == -1);
    CHECK(login(&c, &cfg, "tove", "second password", "10.0.0.1", &res, &err) == 0);

    /* With a second admin, the first may be demoted, and its sessions end. */
    struct wf_user_change promote = {.role = "admin", .active = -1};
    CHECK(wf_user_update(&c, &cfg, tove, &promote, &err) == 0);
    CHECK(wf_user_update(&c, &cfg, solo, &demote, &err) == 0);
    CHECK(wf_session_find(&c, &cfg, solo_token, &s, &err) == 0);
    /* Deactivated: sessions end and the login is refused. */
    CHECK(login(&c, &cfg, "solo", PASSWORD, "10.0.0.1", &res, &err) == 0);
    CHECK(wf_user_update(&c, &cfg, solo, &off, &err) == 0);
    CHECK(wf_session_find(&c, &cfg, res.token, &s, &err) == 0);
    CHECK(login(&c, &cfg, "solo", PASSWORD, "10.0.0.1", &res, &err) == -1 &&
          err.code == ERR_INVALID_CREDENTIALS);

    json_t *users = wf_user_list(&c, &err);
    CHECK(json_array_size(users) == 2);
    char *text = users ? json_dumps(users, 0) : NULL;
    CHECK(text && !strstr(text, "argon2") && !strstr(text, "password"));
    free(text);
    json_decref(users);
    CHECK(sqlite3_get_autocommit(c.db) == 1);
    db_close(&c);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_default_cost_is_owasp_minimum();
    test_create_and_password_rules();
    test_login_sessions_and_logout();
    test_wrong_passwords_are_counted_and_throttled();
    test_per_user_backoff_spares_known_addresses();
    test_parallel_guesses_are_counted_before_verification();
    test_updates_end_sessions_and_keep_the_last_admin();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return check_report("test_accounts");
}
