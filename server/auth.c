/*
 * auth — staff sessions. See auth.h.
 *
 * Passwords: argon2id from libargon2 at OWASP's minimum (m = 19 MiB, t = 2,
 * p = 1). Sessions: 256-bit tokens from getrandom(); only their SHA-256 is
 * stored, so a copy of the database does not hand out live sessions. A new
 * token at every login (no fixation), HttpOnly + SameSite=Strict cookies
 * (Secure and the __Host- prefix over TLS), idle and absolute timeouts, and a
 * CSRF token per session checked on every state-changing request. Logins are
 * throttled per user name and per client address. Passwords are never logged.
 */
#include "auth.h"
#include "http.h"
#include "log.h"
#include "validate.h"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define AUTH_ARGON2_T 2
#define AUTH_ARGON2_M_KIB 19456
#define AUTH_ARGON2_P 1
#define AUTH_SALT_BYTES 16
#define AUTH_HASH_BYTES 32
#define AUTH_TOKEN_BYTES 32
#define AUTH_PASSWORD_MAX_BYTES 1024
#define AUTH_USERNAME_MAX 64
/* last_seen_at is written at most once a minute to save writes, so the idle
 * limit is kept to within a minute; a shorter idle limit (tests) touches at
 * idle/4 so that the check stays meaningful. */
#define AUTH_TOUCH_EVERY_S 60
#define AUTH_COOKIE "trygg_session"
#define AUTH_COOKIE_TLS "__Host-trygg_session"

static const struct {
    const char *name;
    unsigned bit;
} role_names[] = {{"admin", ROLE_ADMIN},
                  {"triage", ROLE_TRIAGE},
                  {"unit", ROLE_UNIT},
                  {"organiser", ROLE_ORGANISER}};

unsigned auth_role_from_name(const char *name)
{
    for (size_t i = 0; name && i < sizeof role_names / sizeof role_names[0]; i++)
        if (strcmp(name, role_names[i].name) == 0)
            return role_names[i].bit;
    return 0;
}

const char *auth_role_name(unsigned role)
{
    for (size_t i = 0; i < sizeof role_names / sizeof role_names[0]; i++)
        if (role == role_names[i].bit)
            return role_names[i].name;
    return "unknown";
}

void auth_sha256_hex(const char *s, char out[65])
{
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)s, strlen(s), d);
    for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

int auth_hash_password(const char *password, char *out, size_t cap)
{
    unsigned char salt[AUTH_SALT_BYTES];
    if (getrandom(salt, sizeof salt, 0) != (ssize_t)sizeof salt)
        return -1;
    int rc = argon2id_hash_encoded(AUTH_ARGON2_T, AUTH_ARGON2_M_KIB, AUTH_ARGON2_P, password,
                                   strlen(password), salt, sizeof salt, AUTH_HASH_BYTES, out, cap);
    return rc == ARGON2_OK ? 0 : -1;
}

/* A valid hash of a random password, verified against when the user does not
 * exist, so that the answer takes as long either way. */
static char dummy_hash[AUTH_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void make_dummy_hash(void)
{
    char pw[33];
    if (random_hex(pw, 16) != 0 || auth_hash_password(pw, dummy_hash, sizeof dummy_hash) != 0)
        dummy_hash[0] = '\0';
}

static const char *cookie_name(const struct req *r)
{
    return r->ri->is_ssl ? AUTH_COOKIE_TLS : AUTH_COOKIE;
}

/* The session token from the request's cookie into out; 0 when present. */
static int session_token(const struct req *r, char *out, size_t cap)
{
    const char *cookies = http_header(r, "Cookie");
    if (!cookies)
        return -1;
    int n = mg_get_cookie(cookies, cookie_name(r), out, cap);
    if (n != 2 * AUTH_TOKEN_BYTES)
        return -1;
    for (int i = 0; i < n; i++)
        if (!((out[i] >= '0' && out[i] <= '9') || (out[i] >= 'a' && out[i] <= 'f')))
            return -1;
    return 0;
}

static void delete_session(struct dbc *c, int64_t id)
{
    sqlite3_stmt *st = db_prepare(c->db, "DELETE FROM sessions WHERE id = ?");
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_step(st);
        sqlite3_finalize(st);
    }
}

/* Loads the live session for the request's cookie into *s. 0, or -1 (none/expired). */
static int load_session(struct req *r, struct session *s)
{
    char token[2 * AUTH_TOKEN_BYTES + 8], hash[65];
    if (session_token(r, token, sizeof token) != 0)
        return -1;
    auth_sha256_hex(token, hash);
    sqlite3_stmt *st = db_prepare(
        r->dbc->db, "SELECT s.id, s.user_id, s.csrf, s.created_at, s.last_seen_at, u.username, "
                    "u.role, coalesce(u.unit_id, 0), u.active FROM sessions s JOIN users u ON "
                    "u.id = s.user_id WHERE s.token_hash = ?");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
    int found = sqlite3_step(st) == SQLITE_ROW;
    int64_t now = (int64_t)time(NULL), created = 0, seen = 0;
    int active = 0;
    if (found) {
        s->session_id = sqlite3_column_int64(st, 0);
        s->user_id = sqlite3_column_int64(st, 1);
        snprintf(s->csrf, sizeof s->csrf, "%s", sqlite3_column_text(st, 2));
        created = sqlite3_column_int64(st, 3);
        seen = sqlite3_column_int64(st, 4);
        snprintf(s->username, sizeof s->username, "%s", sqlite3_column_text(st, 5));
        s->role = auth_role_from_name((const char *)sqlite3_column_text(st, 6));
        s->unit_id = sqlite3_column_int64(st, 7);
        active = sqlite3_column_int(st, 8);
    }
    sqlite3_finalize(st);
    if (!found)
        return -1;
    if (!active || now - seen > r->cfg->session_idle_seconds ||
        now - created > r->cfg->session_absolute_seconds) {
        delete_session(r->dbc, s->session_id);
        return -1;
    }
    int touch_every = r->cfg->session_idle_seconds / 4;
    if (touch_every > AUTH_TOUCH_EVERY_S)
        touch_every = AUTH_TOUCH_EVERY_S;
    if (now - seen >= touch_every) {
        st = db_prepare(r->dbc->db, "UPDATE sessions SET last_seen_at = ? WHERE id = ?");
        if (st) {
            sqlite3_bind_int64(st, 1, now);
            sqlite3_bind_int64(st, 2, s->session_id);
            sqlite3_step(st);
            sqlite3_finalize(st);
        }
    }
    return 0;
}

int auth_require_or_reply(struct req *r, unsigned roles)
{
    struct session *s = calloc(1, sizeof *s);
    if (!s) {
        http_reply_error(r, 500, "internal", NULL, "out of memory");
        return -1;
    }
    if (load_session(r, s) != 0) {
        free(s);
        http_reply_error(r, 401, "unauthorized", NULL, "log in first (or your session has ended)");
        return -1;
    }
    r->session = s;
    if (!(s->role & roles)) {
        http_reply_error(r, 403, "forbidden", NULL, "your role (%s) may not do this",
                         auth_role_name(s->role));
        return -1;
    }
    if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
        const char *sent = http_header(r, "X-CSRF-Token");
        if (!sent || strlen(sent) != strlen(s->csrf) ||
            CRYPTO_memcmp(sent, s->csrf, strlen(s->csrf)) != 0) {
            http_reply_error(r, 403, "csrf", "X-CSRF-Token",
                             "missing or wrong X-CSRF-Token header (it comes with the login)");
            return -1;
        }
    }
    return 0;
}

void auth_session_release(struct session *s)
{
    free(s);
}

/* {"user":{...},"csrf_token":...} for a session. */
static json_t *session_json(struct dbc *c, const struct session *s)
{
    json_t *unit = json_null();
    if (s->unit_id) {
        sqlite3_stmt *st = db_prepare(c->db, "SELECT id, code, name FROM units WHERE id = ?");
        if (st) {
            sqlite3_bind_int64(st, 1, s->unit_id);
            if (sqlite3_step(st) == SQLITE_ROW)
                unit = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)sqlite3_column_int64(st, 0),
                                 "code", sqlite3_column_text(st, 1), "name",
                                 sqlite3_column_text(st, 2));
            sqlite3_finalize(st);
        }
    }
    return json_pack("{s:{s:I, s:s, s:s, s:o}, s:s}", "user", "id", (json_int_t)s->user_id,
                     "username", s->username, "role", auth_role_name(s->role), "unit", unit,
                     "csrf_token", s->csrf);
}

static int count_failures(struct dbc *c, const char *col, const char *value, int64_t since)
{
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM login_attempts WHERE %s = ? AND at > ? AND ok = 0", col);
    sqlite3_stmt *st = db_prepare(c->db, sql);
    if (!st)
        return 0;
    sqlite3_bind_text(st, 1, value, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, since);
    int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return n;
}

static void record_attempt(struct dbc *c, const char *username, const char *addr, int ok)
{
    sqlite3_stmt *st = db_prepare(
        c->db, "INSERT INTO login_attempts (username, address, at, ok) VALUES (?, ?, ?, ?)");
    if (!st)
        return;
    sqlite3_bind_text(st, 1, username, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, addr, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, (int64_t)time(NULL));
    sqlite3_bind_int(st, 4, ok);
    sqlite3_step(st);
    sqlite3_finalize(st);
}

int auth_login(struct req *r)
{
    const char *username = NULL, *password = NULL;
    if (http_json_string_or_reply(r, r->json, "username", NULL, 1, AUTH_USERNAME_MAX, &username) !=
            0 ||
        http_json_string_or_reply(r, r->json, "password", NULL, 1, AUTH_PASSWORD_MAX_BYTES,
                                  &password) != 0)
        return r->status;
    const char *addr = r->ri->remote_addr;
    int64_t now = (int64_t)time(NULL), since = now - r->cfg->login_window_seconds;
    if (count_failures(r->dbc, "username", username, since) >= r->cfg->login_max_failures ||
        count_failures(r->dbc, "address", addr, since) >= r->cfg->login_max_failures_per_address) {
        char hdr[64];
        snprintf(hdr, sizeof hdr, "Retry-After: %d\r\n", r->cfg->login_window_seconds);
        json_t *body = json_pack("{s:{s:s, s:s, s:n}}", "error", "code", "rate_limited", "message",
                                 "too many failed logins; wait a while and try again", "field");
        char *s = json_dumps(body, JSON_COMPACT);
        json_decref(body);
        http_reply_bytes(r, 429, "application/json", s, strlen(s), hdr);
        free(s);
        log_msg(LOG_WARN, "login throttled");
        return 429;
    }
    pthread_once(&dummy_once, make_dummy_hash);
    sqlite3_stmt *st = db_prepare(r->dbc->db, "SELECT id, password_hash, role, coalesce(unit_id, "
                                              "0), active, username FROM users WHERE username = ?");
    if (!st)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    sqlite3_bind_text(st, 1, username, -1, SQLITE_TRANSIENT);
    struct session s;
    memset(&s, 0, sizeof s);
    int ok = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *hash = (const char *)sqlite3_column_text(st, 1);
        ok = argon2id_verify(hash, password, strlen(password)) == ARGON2_OK &&
             sqlite3_column_int(st, 4) == 1;
        s.user_id = sqlite3_column_int64(st, 0);
        s.role = auth_role_from_name((const char *)sqlite3_column_text(st, 2));
        s.unit_id = sqlite3_column_int64(st, 3);
        snprintf(s.username, sizeof s.username, "%s", sqlite3_column_text(st, 5));
    } else {
        argon2id_verify(dummy_hash, password, strlen(password));
    }
    sqlite3_finalize(st);
    record_attempt(r->dbc, username, addr, ok);
    if (!ok) {
        /* The address only: a user name field sometimes holds a mistyped password. */
        log_msg(LOG_WARN, "login failed from %s", addr);
        return http_reply_error(r, 401, "invalid_credentials", NULL, "wrong user name or password");
    }

    /* A fresh token at every login; an old session on this browser ends. */
    struct session old;
    if (load_session(r, &old) == 0)
        delete_session(r->dbc, old.session_id);
    char token[2 * AUTH_TOKEN_BYTES + 1], hash[65];
    if (random_hex(token, AUTH_TOKEN_BYTES) != 0 || random_hex(s.csrf, AUTH_TOKEN_BYTES) != 0)
        return http_reply_error(r, 500, "internal", NULL, "no randomness");
    auth_sha256_hex(token, hash);
    st = db_prepare(r->dbc->db, "INSERT INTO sessions (token_hash, user_id, csrf, created_at, "
                                "last_seen_at) VALUES (?, ?, ?, ?, ?)");
    int rc = SQLITE_ERROR;
    if (st) {
        sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, s.user_id);
        sqlite3_bind_text(st, 3, s.csrf, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 4, now);
        sqlite3_bind_int64(st, 5, now);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
    }
    if (rc != SQLITE_DONE)
        return http_reply_error(r, 500, "internal", NULL, "the session could not be stored");
    /* Old failures and attempts are not needed beyond a day (the longest window),
     * nor sessions that have timed out without being presented again. */
    db_exec(r->dbc->db, "DELETE FROM login_attempts WHERE at < strftime('%s','now') - 86400");
    st = db_prepare(r->dbc->db, "DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?");
    if (st) {
        sqlite3_bind_int64(st, 1, now - r->cfg->session_idle_seconds);
        sqlite3_bind_int64(st, 2, now - r->cfg->session_absolute_seconds);
        sqlite3_step(st);
        sqlite3_finalize(st);
    }
    char cookie[256];
    snprintf(cookie, sizeof cookie, "Set-Cookie: %s=%s; Path=/; HttpOnly; SameSite=Strict%s\r\n",
             cookie_name(r), token, r->ri->is_ssl ? "; Secure" : "");
    json_t *body = session_json(r->dbc, &s);
    char *out = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    http_reply_bytes(r, 200, "application/json", out, strlen(out), cookie);
    free(out);
    log_msg(LOG_INFO, "login: user %lld", (long long)s.user_id);
    return 200;
}

int auth_logout(struct req *r)
{
    delete_session(r->dbc, r->session->session_id);
    char cookie[200];
    snprintf(cookie, sizeof cookie,
             "Set-Cookie: %s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s\r\n", cookie_name(r),
             r->ri->is_ssl ? "; Secure" : "");
    return http_reply_bytes(r, 200, "application/json", "{\"logged_out\":true}", 19, cookie);
}

int auth_me(struct req *r)
{
    return http_reply_json(r, 200, session_json(r->dbc, r->session));
}
