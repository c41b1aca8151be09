/*
 * user_store — see user_store.h. Every SELECT's columns are read by their
 * named position; password hashes leave this file only through
 * user_store_credentials.
 */
#include "user_store.h"

#include <stdio.h>
#include <string.h>

static json_t *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? json_string((const char *)s) : json_null();
}

/* Copies column i of st into out (empty for NULL). */
static void col_copy(sqlite3_stmt *st, int i, char *out, size_t cap)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    snprintf(out, cap, "%s", s ? (const char *)s : "");
}

/* 1 for a constraint failure (the row breaks a rule of the table), else 0. */
static int is_constraint(int rc)
{
    return (rc & 0xff) == SQLITE_CONSTRAINT;
}

/* ---- users --------------------------------------------------------------- */

static const char SQL_INSERT[] = "INSERT INTO users (username, display_name, password_hash, role, "
                                 "unit_id) VALUES (?, ?, ?, ?, ?)";

int user_store_insert(struct dbc *c, const struct user_new *u, int64_t *id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_INSERT);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, u->username, -1, SQLITE_TRANSIENT);
    db_bind_text_or_null(st, 2, u->display_name);
    sqlite3_bind_text(st, 3, u->password_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, u->role, -1, SQLITE_TRANSIENT);
    if (u->unit_id > 0)
        sqlite3_bind_int64(st, 5, u->unit_id);
    int rc = sqlite3_step(st);
    db_done(st);
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
        return 1;
    if (is_constraint(rc))
        return 2;
    if (rc != SQLITE_DONE)
        return -1;
    *id = sqlite3_last_insert_rowid(c->db);
    return 0;
}

static const char SQL_UPDATE[] =
    "UPDATE users SET role = coalesce(?2, role), "
    "unit_id = CASE WHEN coalesce(?2, role) = 'unit' THEN coalesce(?3, unit_id) ELSE NULL END, "
    "active = coalesce(?4, active), password_hash = coalesce(?5, password_hash), "
    "display_name = coalesce(?6, display_name) WHERE id = ?1";

int user_store_update(struct dbc *c, int64_t id, const struct user_change *ch)
{
    sqlite3_stmt *st = db_stmt(c, SQL_UPDATE);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    db_bind_text_or_null(st, 2, ch->role);
    if (ch->has_unit)
        sqlite3_bind_int64(st, 3, ch->unit_id);
    if (ch->active >= 0)
        sqlite3_bind_int(st, 4, ch->active ? 1 : 0);
    db_bind_text_or_null(st, 5, ch->password_hash);
    db_bind_text_or_null(st, 6, ch->display_name);
    int rc = sqlite3_step(st);
    db_done(st);
    if (is_constraint(rc))
        return 2;
    if (rc != SQLITE_DONE)
        return -1;
    return sqlite3_changes(c->db) > 0 ? 0 : 1;
}

static const char SQL_ACTIVE_ADMINS[] =
    "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1";

int user_store_active_admins(struct dbc *c)
{
    sqlite3_stmt *st = db_stmt(c, SQL_ACTIVE_ADMINS);
    if (!st)
        return -1;
    int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    db_done(st);
    return n;
}

static const char SQL_CREDENTIALS[] =
    "SELECT id, username, password_hash, role, coalesce(unit_id, 0), active FROM users "
    "WHERE username = ?";
enum { CRED_ID, CRED_USERNAME, CRED_HASH, CRED_ROLE, CRED_UNIT, CRED_ACTIVE };

int user_store_credentials(struct dbc *c, const char *username, struct user_credentials *out)
{
    sqlite3_stmt *st = db_stmt(c, SQL_CREDENTIALS);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, username, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->id = sqlite3_column_int64(st, CRED_ID);
        col_copy(st, CRED_USERNAME, out->username, sizeof out->username);
        col_copy(st, CRED_HASH, out->password_hash, sizeof out->password_hash);
        col_copy(st, CRED_ROLE, out->role, sizeof out->role);
        out->unit_id = sqlite3_column_int64(st, CRED_UNIT);
        out->active = sqlite3_column_int(st, CRED_ACTIVE);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = -1;
    }
    db_done(st);
    return found;
}

/* ---- read models ------------------------------------------------------------ */

#define USER_SELECT                                                                                \
    "SELECT id, username, display_name, role, unit_id, active, created_at FROM users "
enum { USR_ID, USR_USERNAME, USR_DISPLAY, USR_ROLE, USR_UNIT, USR_ACTIVE, USR_CREATED };

static json_t *user_row(sqlite3_stmt *st)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, USR_ID)));
    json_object_set_new(o, "username", col_text(st, USR_USERNAME));
    json_object_set_new(o, "display_name", col_text(st, USR_DISPLAY));
    json_object_set_new(o, "role", col_text(st, USR_ROLE));
    json_object_set_new(o, "unit_id",
                        sqlite3_column_type(st, USR_UNIT) == SQLITE_NULL
                            ? json_null()
                            : json_integer(sqlite3_column_int64(st, USR_UNIT)));
    json_object_set_new(o, "active", json_boolean(sqlite3_column_int(st, USR_ACTIVE)));
    json_object_set_new(o, "created_at", col_text(st, USR_CREATED));
    return o;
}

static const char SQL_LIST[] = USER_SELECT "ORDER BY username";

json_t *user_store_list(struct dbc *c)
{
    sqlite3_stmt *st = db_stmt(c, SQL_LIST);
    if (!st)
        return NULL;
    return db_json_rows(st, user_row);
}

static const char SQL_GET[] = USER_SELECT "WHERE id = ?";

json_t *user_store_get(struct dbc *c, int64_t id, int *failed)
{
    sqlite3_stmt *st = db_stmt(c, SQL_GET);
    if (st)
        sqlite3_bind_int64(st, 1, id);
    return db_json_row(st, user_row, failed);
}

static const char SQL_PROFILE[] =
    "SELECT u.id, u.username, u.role, n.id, n.code, n.name FROM users u "
    "LEFT JOIN units n ON n.id = u.unit_id WHERE u.id = ?";
enum { PRO_ID, PRO_USERNAME, PRO_ROLE, PRO_UNIT_ID, PRO_UNIT_CODE, PRO_UNIT_NAME };

json_t *user_store_profile(struct dbc *c, int64_t id, int *failed)
{
    *failed = 0;
    sqlite3_stmt *st = db_stmt(c, SQL_PROFILE);
    if (!st) {
        *failed = 1;
        return NULL;
    }
    sqlite3_bind_int64(st, 1, id);
    json_t *o = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        json_t *unit = json_null();
        if (sqlite3_column_type(st, PRO_UNIT_ID) != SQLITE_NULL) {
            json_decref(unit);
            unit = json_object();
            json_object_set_new(unit, "id", json_integer(sqlite3_column_int64(st, PRO_UNIT_ID)));
            json_object_set_new(unit, "code", col_text(st, PRO_UNIT_CODE));
            json_object_set_new(unit, "name", col_text(st, PRO_UNIT_NAME));
        }
        o = json_object();
        json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, PRO_ID)));
        json_object_set_new(o, "username", col_text(st, PRO_USERNAME));
        json_object_set_new(o, "role", col_text(st, PRO_ROLE));
        json_object_set_new(o, "unit", unit);
    } else if (rc != SQLITE_DONE) {
        *failed = 1;
    }
    db_done(st);
    return o;
}

/* ---- login_attempts ---------------------------------------------------------- */

static const char SQL_FAILURES_BY_NAME[] =
    "SELECT count(*) FROM login_attempts WHERE username = ? AND at > ? AND ok = 0";
static const char SQL_FAILURES_BY_PAIR[] = "SELECT count(*) FROM login_attempts WHERE username = ? "
                                           "AND address = ? AND at > ? AND ok = 0";
static const char SQL_LAST_FAILURE[] =
    "SELECT coalesce(max(at), 0) FROM login_attempts WHERE username = ? AND ok = 0";
static const char SQL_FAILURES_BY_ADDRESS[] =
    "SELECT count(*) FROM login_attempts WHERE address = ? AND at > ? AND ok = 0";

static int count_failures(struct dbc *c, const char *sql, const char *value, int64_t since)
{
    sqlite3_stmt *st = db_stmt(c, sql);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, value, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, since);
    int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    db_done(st);
    return n;
}

int user_store_failures_by_name(struct dbc *c, const char *username, int64_t since)
{
    return count_failures(c, SQL_FAILURES_BY_NAME, username, since);
}

int user_store_failures_by_address(struct dbc *c, const char *address, int64_t since)
{
    return count_failures(c, SQL_FAILURES_BY_ADDRESS, address, since);
}

int user_store_failures_by_pair(struct dbc *c, const char *username, const char *address,
                                int64_t since)
{
    sqlite3_stmt *st = db_stmt(c, SQL_FAILURES_BY_PAIR);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, username, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, address, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, since);
    int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    db_done(st);
    return n;
}

int64_t user_store_last_failure(struct dbc *c, const char *username)
{
    sqlite3_stmt *st = db_stmt(c, SQL_LAST_FAILURE);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, username, -1, SQLITE_TRANSIENT);
    int64_t at = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    db_done(st);
    return at;
}

static const char SQL_RECORD_ATTEMPT[] =
    "INSERT INTO login_attempts (username, address, at, ok) VALUES (?, ?, ?, ?)";

int user_store_record_attempt(struct dbc *c, const char *username, const char *address, int64_t at,
                              int ok, int64_t *id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_RECORD_ATTEMPT);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, username, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, address, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, at);
    sqlite3_bind_int(st, 4, ok ? 1 : 0);
    if (db_run(st) != 0)
        return -1;
    if (id)
        *id = sqlite3_last_insert_rowid(c->db);
    return 0;
}

static const char SQL_ATTEMPT_OK[] = "UPDATE login_attempts SET ok = 1 WHERE id = ?";

int user_store_attempt_succeeded(struct dbc *c, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_ATTEMPT_OK);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    return db_run(st);
}

static const char SQL_ADDRESS_KNOWN[] =
    "SELECT 1 FROM login_known_addresses k JOIN users u ON u.id = k.user_id "
    "WHERE u.username = ? AND k.address = ?";
static const char SQL_ADDRESS_REMEMBER[] =
    "INSERT INTO login_known_addresses (user_id, address, last_ok_at) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (user_id, address) DO UPDATE SET last_ok_at = ?3";
static const char SQL_ADDRESS_FORGET[] = "DELETE FROM login_known_addresses WHERE last_ok_at < ?";

int user_store_address_known(struct dbc *c, const char *username, const char *address)
{
    sqlite3_stmt *st = db_stmt(c, SQL_ADDRESS_KNOWN);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, username, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, address, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int user_store_address_remember(struct dbc *c, int64_t user_id, const char *address, int64_t now)
{
    sqlite3_stmt *st = db_stmt(c, SQL_ADDRESS_REMEMBER);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_text(st, 2, address, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, now);
    return db_run(st);
}

int user_store_addresses_forget(struct dbc *c, int64_t before)
{
    sqlite3_stmt *st = db_stmt(c, SQL_ADDRESS_FORGET);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, before);
    return db_run(st);
}

static const char SQL_FORGET_ATTEMPTS[] = "DELETE FROM login_attempts WHERE at < ?";

int user_store_forget_attempts(struct dbc *c, int64_t before)
{
    sqlite3_stmt *st = db_stmt(c, SQL_FORGET_ATTEMPTS);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, before);
    return db_run(st);
}

/* ---- sessions ---------------------------------------------------------------- */

static const char SQL_SESSION_INSERT[] = "INSERT INTO sessions (token_hash, user_id, csrf, "
                                         "created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)";

int user_store_session_insert(struct dbc *c, const char *token_hash, int64_t user_id,
                              const char *csrf, int64_t now, int64_t *id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_SESSION_INSERT);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_text(st, 3, csrf, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, now);
    sqlite3_bind_int64(st, 5, now);
    if (db_run(st) != 0)
        return -1;
    *id = sqlite3_last_insert_rowid(c->db);
    return 0;
}

static const char SQL_SESSION_BY_HASH[] =
    "SELECT s.id, s.user_id, s.csrf, s.created_at, s.last_seen_at, u.username, u.role, "
    "coalesce(u.unit_id, 0), u.active FROM sessions s JOIN users u ON u.id = s.user_id "
    "WHERE s.token_hash = ?";
enum {
    SES_ID,
    SES_USER_ID,
    SES_CSRF,
    SES_CREATED,
    SES_SEEN,
    SES_USERNAME,
    SES_ROLE,
    SES_UNIT,
    SES_ACTIVE
};

int user_store_session_by_hash(struct dbc *c, const char *token_hash, struct session_row *out)
{
    sqlite3_stmt *st = db_stmt(c, SQL_SESSION_BY_HASH);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->id = sqlite3_column_int64(st, SES_ID);
        out->user_id = sqlite3_column_int64(st, SES_USER_ID);
        col_copy(st, SES_CSRF, out->csrf, sizeof out->csrf);
        out->created_at = sqlite3_column_int64(st, SES_CREATED);
        out->last_seen_at = sqlite3_column_int64(st, SES_SEEN);
        col_copy(st, SES_USERNAME, out->username, sizeof out->username);
        col_copy(st, SES_ROLE, out->role, sizeof out->role);
        out->unit_id = sqlite3_column_int64(st, SES_UNIT);
        out->user_active = sqlite3_column_int(st, SES_ACTIVE);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = -1;
    }
    db_done(st);
    return found;
}

static const char SQL_SESSION_DELETE[] = "DELETE FROM sessions WHERE id = ?";
static const char SQL_SESSIONS_DELETE_OF_USER[] = "DELETE FROM sessions WHERE user_id = ?";
static const char SQL_SESSION_DELETE_BY_HASH[] = "DELETE FROM sessions WHERE token_hash = ?";

static int delete_by_id(struct dbc *c, const char *sql, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c, sql);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    return db_run(st);
}

int user_store_session_delete(struct dbc *c, int64_t id)
{
    return delete_by_id(c, SQL_SESSION_DELETE, id);
}

int user_store_sessions_delete_of_user(struct dbc *c, int64_t user_id)
{
    return delete_by_id(c, SQL_SESSIONS_DELETE_OF_USER, user_id);
}

int user_store_session_delete_by_hash(struct dbc *c, const char *token_hash)
{
    sqlite3_stmt *st = db_stmt(c, SQL_SESSION_DELETE_BY_HASH);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_TRANSIENT);
    return db_run(st);
}

static const char SQL_SESSION_TOUCH[] = "UPDATE sessions SET last_seen_at = ?2 WHERE id = ?1";

int user_store_session_touch(struct dbc *c, int64_t id, int64_t now)
{
    sqlite3_stmt *st = db_stmt(c, SQL_SESSION_TOUCH);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    return db_run(st);
}

static const char SQL_SESSIONS_SWEEP[] =
    "DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?";

int user_store_sessions_sweep(struct dbc *c, int64_t idle_before, int64_t created_before)
{
    sqlite3_stmt *st = db_stmt(c, SQL_SESSIONS_SWEEP);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, idle_before);
    sqlite3_bind_int64(st, 2, created_before);
    return db_run(st);
}
