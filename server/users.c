/*
 * users — staff accounts. See users.h. Password hashes never leave this
 * module's SQL; passwords are never logged or put on a command line.
 */
#include "users.h"
#include "auth.h"
#include "http.h"
#include "log.h"
#include "validate.h"

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define USERS_NAME_MAX 64

static int username_valid(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > USERS_NAME_MAX)
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || strchr("._-@", *s)))
            return 0;
    return 1;
}

/*
 * Checks a new password's length in UTF-8 characters (not bytes). Returns NULL
 * when it is acceptable, else the error code: "too_short", "too_long" or
 * "invalid_format" (not UTF-8).
 */
static const char *password_problem(const char *password)
{
    size_t chars = 0;
    if (utf8_check(password, strlen(password), &chars) != 0)
        return "invalid_format";
    if (chars < USERS_PASSWORD_MIN_CHARS)
        return "too_short";
    if (chars > USERS_PASSWORD_MAX_CHARS)
        return "too_long";
    return NULL;
}

int64_t users_create(struct dbc *c, const char *username, const char *password, const char *role,
                     int64_t unit_id, const char *display_name, const char **code,
                     const char **field, char *err, size_t errlen)
{
    *field = NULL;
    if (!username || !username_valid(username)) {
        *code = "invalid_format";
        *field = "username";
        snprintf(err, errlen, "a user name is 2 to %d letters, digits or . _ - @", USERS_NAME_MAX);
        return -1;
    }
    if (!auth_role_from_name(role)) {
        *code = "invalid_format";
        *field = "role";
        snprintf(err, errlen, "role must be admin, triage, unit or organiser");
        return -1;
    }
    const char *bad = password ? password_problem(password) : "too_short";
    if (bad) {
        *code = bad;
        *field = "password";
        snprintf(err, errlen, "a password has %d to %d characters", USERS_PASSWORD_MIN_CHARS,
                 USERS_PASSWORD_MAX_CHARS);
        return -1;
    }
    if (strcmp(role, "unit") == 0 && unit_id <= 0) {
        *code = "missing_field";
        *field = "unit_id";
        snprintf(err, errlen, "a unit handler needs a unit");
        return -1;
    }
    char hash[AUTH_HASH_MAX];
    if (auth_hash_password(password, hash, sizeof hash) != 0) {
        *code = "internal";
        snprintf(err, errlen, "the password could not be hashed");
        return -1;
    }
    sqlite3_stmt *st = db_prepare(c->db, "INSERT INTO users (username, display_name, "
                                         "password_hash, role, unit_id) VALUES (?, ?, ?, ?, ?)");
    if (!st) {
        *code = "internal";
        snprintf(err, errlen, "database error");
        return -1;
    }
    sqlite3_bind_text(st, 1, username, -1, SQLITE_TRANSIENT);
    db_bind_text_or_null(st, 2, display_name);
    sqlite3_bind_text(st, 3, hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, role, -1, SQLITE_TRANSIENT);
    if (strcmp(role, "unit") == 0)
        sqlite3_bind_int64(st, 5, unit_id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_CONSTRAINT_UNIQUE) {
        *code = "conflict";
        *field = "username";
        snprintf(err, errlen, "the user name '%s' is taken", username);
        return -1;
    }
    if (rc != SQLITE_DONE) {
        *code = rc == SQLITE_CONSTRAINT_FOREIGNKEY ? "invalid_format" : "internal";
        *field = rc == SQLITE_CONSTRAINT_FOREIGNKEY ? "unit_id" : NULL;
        snprintf(err, errlen, "the user could not be stored: %s", sqlite3_errmsg(c->db));
        return -1;
    }
    return sqlite3_last_insert_rowid(c->db);
}

/* The terminal's settings while echo is off, for the signal handler. */
static struct termios saved_tty;

/* Ctrl-C at the password prompt must not leave the terminal without echo. */
static void restore_tty_and_die(int sig)
{
    tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty); /* async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

/*
 * Reads one line (the password) from standard input into buf, without its line
 * end. On a terminal it prompts on stderr and turns echo off meanwhile.
 * Returns 0, or -1 at end of input.
 */
static int read_password(char *buf, size_t cap)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    struct sigaction quit_cleanly, before[sizeof sigs / sizeof sigs[0]];
    int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_tty) == 0;
    if (tty) {
        memset(&quit_cleanly, 0, sizeof quit_cleanly);
        quit_cleanly.sa_handler = restore_tty_and_die;
        sigemptyset(&quit_cleanly.sa_mask);
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
            sigaction(sigs[i], &quit_cleanly, &before[i]);
        struct termios quiet = saved_tty;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        fprintf(stderr, "password: ");
        fflush(stderr);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *ok = fgets(buf, (int)cap, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
            sigaction(sigs[i], &before[i], NULL);
    }
    if (!ok)
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

int users_cli(struct dbc *c, const char *sub, const char *username, const char *role,
              const char *unit)
{
    if (!sub || strcmp(sub, "add") != 0) {
        fprintf(stderr, "trygg: usage: trygg user add --username NAME --role ROLE [--unit CODE] "
                        "(password on standard input)\n");
        return 2;
    }
    if (!username || !role) {
        fprintf(stderr, "trygg: user add needs --username and --role\n");
        return 2;
    }
    int64_t unit_id = 0;
    if (unit) {
        sqlite3_stmt *st = db_prepare(c->db, "SELECT id FROM units WHERE code = ?");
        if (st) {
            sqlite3_bind_text(st, 1, unit, -1, SQLITE_TRANSIENT);
            if (sqlite3_step(st) == SQLITE_ROW)
                unit_id = sqlite3_column_int64(st, 0);
            sqlite3_finalize(st);
        }
        if (!unit_id) {
            fprintf(stderr, "trygg: no unit has the code '%s'\n", unit);
            return 1;
        }
    }
    char password[USERS_PASSWORD_MAX_CHARS * 4 + 8];
    if (read_password(password, sizeof password) != 0 || !password[0]) {
        fprintf(stderr, "trygg: no password on standard input\n");
        return 1;
    }
    const char *code, *field;
    char err[256];
    int64_t id =
        users_create(c, username, password, role, unit_id, NULL, &code, &field, err, sizeof err);
    memset(password, 0, sizeof password);
    if (id < 0) {
        fprintf(stderr, "trygg: %s\n", err);
        return 1;
    }
    printf("user %s (%s) created\n", username, role);
    return 0;
}

/* The number of active admins (within the caller's transaction); -1 on error. */
static int users_active_admins(struct dbc *c)
{
    sqlite3_stmt *st =
        db_prepare(c->db, "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1");
    if (!st)
        return -1;
    int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

static json_t *user_json(sqlite3_stmt *st)
{
    return json_pack(
        "{s:I, s:s, s:s?, s:s, s:o, s:b, s:s}", "id", (json_int_t)sqlite3_column_int64(st, 0),
        "username", sqlite3_column_text(st, 1), "display_name", sqlite3_column_text(st, 2), "role",
        sqlite3_column_text(st, 3), "unit_id",
        sqlite3_column_type(st, 4) == SQLITE_NULL ? json_null()
                                                  : json_integer(sqlite3_column_int64(st, 4)),
        "active", sqlite3_column_int(st, 5), "created_at", sqlite3_column_text(st, 6));
}

#define USER_COLUMNS "id, username, display_name, role, unit_id, active, created_at"

int users_list(struct req *r)
{
    sqlite3_stmt *st =
        db_prepare(r->dbc->db, "SELECT " USER_COLUMNS " FROM users ORDER BY username");
    if (!st)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    json_t *arr = json_array();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(arr, user_json(st));
    sqlite3_finalize(st);
    return http_reply_json(r, 200, json_pack("{s:o}", "users", arr));
}

static int reply_user(struct req *r, int status, int64_t id)
{
    sqlite3_stmt *st = db_prepare(r->dbc->db, "SELECT " USER_COLUMNS " FROM users WHERE id = ?");
    if (!st)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return http_reply_error(r, 404, "not_found", NULL, "no such user");
    }
    json_t *o = user_json(st);
    sqlite3_finalize(st);
    return http_reply_json(r, status, o);
}

int users_post(struct req *r)
{
    const char *username = NULL, *password = NULL, *role = NULL, *display = NULL;
    int64_t unit_id = 0;
    if (http_json_string_or_reply(r, r->json, "username", NULL, 1, USERS_NAME_MAX, &username) ||
        http_json_string_or_reply(r, r->json, "password", NULL, 1, 1024, &password) ||
        http_json_string_or_reply(r, r->json, "role", NULL, 1, 16, &role) ||
        http_json_string_or_reply(r, r->json, "display_name", NULL, 0, 200, &display) ||
        http_json_int_or_reply(r, r->json, "unit_id", 0, 1, INT64_MAX, &unit_id, NULL))
        return r->status;
    const char *code, *field;
    char err[256];
    int64_t id = users_create(r->dbc, username, password, role, unit_id, display, &code, &field,
                              err, sizeof err);
    if (id < 0)
        return http_reply_error(r,
                                strcmp(code, "conflict") == 0   ? 409
                                : strcmp(code, "internal") == 0 ? 500
                                                                : 422,
                                code, field, "%s", err);
    log_msg(LOG_INFO, "user %lld created by user %lld", (long long)id,
            (long long)r->session->user_id);
    return reply_user(r, 201, id);
}

int users_put(struct req *r)
{
    int64_t id, unit_id = 0;
    int has_unit = 0, active = -1;
    const char *role = NULL, *password = NULL, *display = NULL;
    if (http_param_id_or_reply(r, 0, &id) != 0)
        return r->status;
    if (http_json_string_or_reply(r, r->json, "role", NULL, 0, 16, &role) ||
        http_json_string_or_reply(r, r->json, "password", NULL, 0, 1024, &password) ||
        http_json_string_or_reply(r, r->json, "display_name", NULL, 0, 200, &display) ||
        http_json_int_or_reply(r, r->json, "unit_id", 0, 1, INT64_MAX, &unit_id, &has_unit) ||
        http_json_bool_or_reply(r, r->json, "active", 0, &active))
        return r->status;
    if (role && !auth_role_from_name(role))
        return http_reply_error(r, 422, "invalid_format", "role",
                                "role must be admin, triage, unit or organiser");
    char hash[AUTH_HASH_MAX] = "";
    if (password) {
        const char *bad = password_problem(password);
        if (bad)
            return http_reply_error(r, 422, bad, "password", "a password has %d to %d characters",
                                    USERS_PASSWORD_MIN_CHARS, USERS_PASSWORD_MAX_CHARS);
        if (auth_hash_password(password, hash, sizeof hash) != 0)
            return http_reply_error(r, 500, "internal", NULL, "hashing failed");
    }
    if (db_begin(r->dbc->db) != SQLITE_OK)
        return http_reply_error(r, 503, "unavailable", NULL, "the database is busy");
    sqlite3_stmt *st = db_prepare(
        r->dbc->db,
        "UPDATE users SET role = coalesce(?2, role), "
        "unit_id = CASE WHEN coalesce(?2, role) = 'unit' THEN coalesce(?3, unit_id) ELSE NULL END, "
        "active = coalesce(?4, active), password_hash = coalesce(?5, password_hash), "
        "display_name = coalesce(?6, display_name) WHERE id = ?1");
    int rc = SQLITE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        db_bind_text_or_null(st, 2, role);
        if (has_unit)
            sqlite3_bind_int64(st, 3, unit_id);
        if (active >= 0)
            sqlite3_bind_int(st, 4, active);
        db_bind_text_or_null(st, 5, hash[0] ? hash : NULL);
        db_bind_text_or_null(st, 6, display);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
    }
    if (rc != SQLITE_DONE) {
        db_rollback(r->dbc->db);
        return http_reply_error(r, 422, "invalid_format", "unit_id",
                                "the change is not valid (a unit handler needs a unit)");
    }
    int changed = sqlite3_changes(r->dbc->db);
    /* Demoting or deactivating the last active admin would leave nobody able to
     * manage accounts (short of the command line): refuse it. */
    if (changed && (active == 0 || role) && users_active_admins(r->dbc) == 0) {
        db_rollback(r->dbc->db);
        return http_reply_error(r, 409, "last_admin", NULL,
                                "this is the last active admin; make another admin first");
    }
    /* A deactivated user or a new password ends the user's sessions. */
    if (changed && (active == 0 || hash[0] || role)) {
        st = db_prepare(r->dbc->db, "DELETE FROM sessions WHERE user_id = ?");
        if (st) {
            sqlite3_bind_int64(st, 1, id);
            sqlite3_step(st);
            sqlite3_finalize(st);
        }
    }
    db_commit(r->dbc->db);
    if (!changed)
        return http_reply_error(r, 404, "not_found", NULL, "no such user");
    return reply_user(r, 200, id);
}
