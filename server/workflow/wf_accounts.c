/*
 * wf_accounts — see wf_accounts.h. All SQL is user_store's (and
 * unit_store's for a unit code); this file decides. Passwords and tokens
 * never reach a log line: failed logins are logged by address only, because
 * a user name field sometimes holds a mistyped password.
 *
 * Why a login is two transactions around the argon2 verification: a
 * verification takes tens of milliseconds at the production cost, and BEGIN
 * IMMEDIATE holds the one write lock meanwhile. So the first transaction checks
 * the throttle and records the attempt as a failure in one step (64 parallel
 * guesses: only as many as the limit are ever verified), the verification runs
 * outside, and the second transaction re-reads the user (active, same hash),
 * marks the attempt a success and writes the session: the decision still rests
 * on what is committed. An attempt that never gets that far stays a failure.
 */
#include "wf_accounts.h"
#include "crypto.h"
#include "log.h"
#include "unit_store.h"
#include "user_store.h"
#include "validate.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define LOGIN_ATTEMPTS_KEEP_S 86400 /* the longest window worth keeping attempts for */
/* A known address (the per-user backoff lets it through) is forgotten after this
 * long without a login from it. */
#define LOGIN_KNOWN_ADDRESS_KEEP_S (180 * 86400)

static int username_valid(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > WF_USERNAME_MAX)
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || strchr("._-@", *s)))
            return 0;
    return 1;
}

/*
 * Checks a new password: its length in UTF-8 characters (not bytes). Returns
 * 0 when acceptable, else -1 with *err (too_short, too_long, or
 * invalid_format when it is not UTF-8).
 */
static int password_acceptable(const char *password, struct wf_error *err)
{
    size_t chars = 0;
    if (!password)
        return wf_fail(err, ERR_TOO_SHORT, "password", "a password has %d to %d characters",
                       WF_PASSWORD_MIN_CHARS, WF_PASSWORD_MAX_CHARS);
    if (utf8_check(password, strlen(password), &chars) != 0)
        return wf_fail(err, ERR_INVALID_FORMAT, "password", "the password is not valid UTF-8");
    if (chars < WF_PASSWORD_MIN_CHARS || chars > WF_PASSWORD_MAX_CHARS)
        return wf_fail(err, chars < WF_PASSWORD_MIN_CHARS ? ERR_TOO_SHORT : ERR_TOO_LONG,
                       "password", "a password has %d to %d characters", WF_PASSWORD_MIN_CHARS,
                       WF_PASSWORD_MAX_CHARS);
    return 0;
}

/* Hashes password at cfg's argon2id cost into hash. 0, or -1 with *err. */
static int hash_password(const struct config *cfg, const char *password,
                         char hash[CRYPTO_PASSWORD_HASH_MAX], struct wf_error *err)
{
    if (crypto_password_hash(password, (uint32_t)cfg->password_hash_memory_kib,
                             (uint32_t)cfg->password_hash_iterations, hash,
                             CRYPTO_PASSWORD_HASH_MAX) != 0)
        return wf_fail(err, ERR_INTERNAL, NULL, "the password could not be hashed");
    return 0;
}

int wf_user_create(struct dbc *c, const struct config *cfg, const struct wf_user_new *u,
                   int64_t *id, struct wf_error *err)
{
    if (!u->username || !username_valid(u->username))
        return wf_fail(err, ERR_INVALID_FORMAT, "username",
                       "a user name is 2 to %d letters, digits or . _ - @", WF_USERNAME_MAX);
    unsigned role = wf_role_from_name(u->role);
    if (!role)
        return wf_fail(err, ERR_INVALID_FORMAT, "role",
                       "role must be admin, triage, unit or organiser");
    if (password_acceptable(u->password, err) != 0)
        return -1;
    if (role == ROLE_UNIT && u->unit_id <= 0 && !u->unit_code)
        return wf_fail(err, ERR_MISSING_FIELD, "unit_id", "a unit handler needs a unit");
    char hash[CRYPTO_PASSWORD_HASH_MAX];
    if (hash_password(cfg, u->password, hash, err) != 0)
        return -1;

    if (wf_begin(c, err) != 0)
        return -1;
    int64_t unit_id = u->unit_id;
    if (u->unit_code) {
        unit_id = unit_store_id_by_code(c, u->unit_code);
        if (unit_id < 0)
            return wf_fail_db(c, err, "the user could not be created");
        if (unit_id == 0) {
            db_rollback(c);
            return wf_fail(err, ERR_INVALID_FORMAT, "unit", "no unit has the code '%s'",
                           u->unit_code);
        }
    }
    struct user_new row = {.username = u->username,
                           .display_name = u->display_name,
                           .password_hash = hash,
                           .role = u->role,
                           .unit_id = role == ROLE_UNIT ? unit_id : 0};
    int rc = user_store_insert(c, &row, id);
    if (rc < 0)
        return wf_fail_db(c, err, "the user could not be created");
    if (rc == 1) {
        db_rollback(c);
        return wf_fail(err, ERR_CONFLICT, "username", "the user name '%s' is taken", u->username);
    }
    if (rc == 2) {
        db_rollback(c);
        return wf_fail(err, ERR_INVALID_FORMAT, "unit_id", "no unit has the id %lld",
                       (long long)unit_id);
    }
    return wf_commit(c, err, "the user could not be created");
}

int wf_user_update(struct dbc *c, const struct config *cfg, int64_t id,
                   const struct wf_user_change *ch, struct wf_error *err)
{
    if (ch->role && !wf_role_from_name(ch->role))
        return wf_fail(err, ERR_INVALID_FORMAT, "role",
                       "role must be admin, triage, unit or organiser");
    char hash[CRYPTO_PASSWORD_HASH_MAX] = "";
    if (ch->password && (password_acceptable(ch->password, err) != 0 ||
                         hash_password(cfg, ch->password, hash, err) != 0))
        return -1;

    if (wf_begin(c, err) != 0)
        return -1;
    struct user_change row = {.role = ch->role,
                              .password_hash = hash[0] ? hash : NULL,
                              .display_name = ch->display_name,
                              .unit_id = ch->unit_id,
                              .has_unit = ch->has_unit,
                              .active = ch->active};
    int rc = user_store_update(c, id, &row);
    if (rc < 0)
        return wf_fail_db(c, err, "the user could not be changed");
    if (rc == 1) {
        db_rollback(c);
        return wf_fail(err, ERR_NOT_FOUND, NULL, "no such user");
    }
    if (rc == 2) {
        db_rollback(c);
        return wf_fail(err, ERR_INVALID_FORMAT, "unit_id",
                       "the change is not valid (a unit handler needs a unit)");
    }
    /* Demoting or deactivating the last active admin would leave nobody able to
     * manage accounts (short of the command line): refuse it. */
    if (ch->active == 0 || ch->role) {
        int admins = user_store_active_admins(c);
        if (admins < 0)
            return wf_fail_db(c, err, "the user could not be changed");
        if (admins == 0) {
            db_rollback(c);
            return wf_fail(err, ERR_LAST_ADMIN, NULL,
                           "this is the last active admin; make another admin first");
        }
    }
    /* A deactivated user, a new password or a new role ends the user's sessions. */
    if ((ch->active == 0 || hash[0] || ch->role) && user_store_sessions_delete_of_user(c, id) != 0)
        return wf_fail_db(c, err, "the user could not be changed");
    return wf_commit(c, err, "the user could not be changed");
}

/* The failure of a read model: not found, or what the database says. */
static json_t *read_failed(struct dbc *c, int failed, const char *what, struct wf_error *err)
{
    if (failed)
        wf_fail(err, db_failure(c), NULL, "%s could not be read", what);
    else
        wf_fail(err, ERR_NOT_FOUND, NULL, "no such user");
    return NULL;
}

json_t *wf_user_list(struct dbc *c, struct wf_error *err)
{
    json_t *users = user_store_list(c);
    return users ? users : read_failed(c, 1, "the users", err);
}

json_t *wf_user_get(struct dbc *c, int64_t id, struct wf_error *err)
{
    int failed;
    json_t *u = user_store_get(c, id, &failed);
    return u ? u : read_failed(c, failed, "the user", err);
}

json_t *wf_user_profile(struct dbc *c, int64_t user_id, struct wf_error *err)
{
    int failed;
    json_t *u = user_store_profile(c, user_id, &failed);
    return u ? u : read_failed(c, failed, "the user", err);
}

/* ---- login and sessions ------------------------------------------------- */

/*
 * A valid hash of a random password, verified against when the user does not
 * exist, so that the answer takes as long either way. Made once, at the cost
 * of the first configuration that asks (one per process).
 */
static char dummy_hash[CRYPTO_PASSWORD_HASH_MAX];
static pthread_mutex_t dummy_lock = PTHREAD_MUTEX_INITIALIZER;

static void dummy_verify(const struct config *cfg, const char *password)
{
    pthread_mutex_lock(&dummy_lock);
    if (!dummy_hash[0]) {
        char pw[33];
        if (crypto_random_hex(pw, 16) != 0 ||
            crypto_password_hash(pw, (uint32_t)cfg->password_hash_memory_kib,
                                 (uint32_t)cfg->password_hash_iterations, dummy_hash,
                                 sizeof dummy_hash) != 0)
            dummy_hash[0] = '\0';
    }
    pthread_mutex_unlock(&dummy_lock);
    crypto_password_verify(dummy_hash, password);
}

/*
 * Whether an attempt for username from address may be verified at now, inside
 * the caller's transaction. Per address and per (user name, address) first: a
 * guesser locks out only itself. Per user name across all addresses only with a
 * slower backoff (1 s, 2 s, 4 s, ... after login_user_backoff_after failures,
 * at most login_user_backoff_max_seconds between attempts), which an address the
 * user has logged in from before does not wait for. 0 = go on, 1 = throttled
 * (*retry_after_s set), -1 on error.
 */
static int throttled(struct dbc *c, const struct config *cfg, const char *username,
                     const char *address, int64_t now, int *retry_after_s)
{
    int64_t since = now - cfg->login_window_seconds;
    int by_address = user_store_failures_by_address(c, address, since);
    int by_pair = user_store_failures_by_pair(c, username, address, since);
    if (by_address < 0 || by_pair < 0)
        return -1;
    if (by_address >= cfg->login_max_failures_per_address || by_pair >= cfg->login_max_failures) {
        *retry_after_s = cfg->login_window_seconds;
        return 1;
    }
    int by_name = user_store_failures_by_name(c, username, since);
    if (by_name < 0)
        return -1;
    if (by_name < cfg->login_user_backoff_after)
        return 0;
    int known = user_store_address_known(c, username, address);
    if (known != 0)
        return known < 0 ? -1 : 0;
    int64_t last = user_store_last_failure(c, username);
    if (last < 0)
        return -1;
    int doublings = by_name - cfg->login_user_backoff_after;
    int64_t delay = doublings >= 30 ? cfg->login_user_backoff_max_seconds : (int64_t)1 << doublings;
    if (delay > cfg->login_user_backoff_max_seconds)
        delay = cfg->login_user_backoff_max_seconds;
    if (now - last >= delay)
        return 0;
    *retry_after_s = (int)(delay - (now - last));
    return 1;
}

static int fail_throttled(struct dbc *c, int retry_after_s, struct wf_login_result *out,
                          struct wf_error *err)
{
    db_rollback(c);
    out->retry_after_s = retry_after_s > 0 ? retry_after_s : 1;
    log_msg(LOG_WARN, "login throttled");
    return wf_fail(err, ERR_RATE_LIMITED, NULL,
                   "too many failed logins; wait a while and try again");
}

/* 1 when cred (re-read inside the transaction) still lets password in, i.e.
 * the user is active and the hash that was verified is still theirs. */
static int still_valid(const struct user_credentials *now, const struct user_credentials *then)
{
    return now->active == 1 && now->id == then->id &&
           strcmp(now->password_hash, then->password_hash) == 0;
}

int wf_login(struct dbc *c, const struct config *cfg, const char *username, const char *password,
             const char *address, const char *old_token, struct wf_login_result *out,
             struct wf_error *err)
{
    memset(out, 0, sizeof *out);
    int64_t now = (int64_t)time(NULL);
    const char *what = "the login could not be recorded";

    /* 1. One transaction decides whether this attempt may be verified and counts
     * it as a failure before it is: the check and the count are one step, so
     * parallel guesses (which serialise on BEGIN IMMEDIATE) cannot all pass. */
    if (wf_begin(c, err) != 0)
        return -1;
    int retry_after_s = 0;
    int t = throttled(c, cfg, username, address, now, &retry_after_s);
    if (t < 0)
        return wf_fail_db(c, err, what);
    if (t)
        return fail_throttled(c, retry_after_s, out, err);
    int64_t attempt = 0;
    struct user_credentials cred;
    int found = user_store_credentials(c, username, &cred);
    if (found < 0 || user_store_record_attempt(c, username, address, now, 0, &attempt) != 0)
        return wf_fail_db(c, err, what);
    if (wf_commit(c, err, what) != 0)
        return -1;

    /* 2. The argon2 verification, counted already, outside any transaction. */
    log_msg(LOG_INFO, "login: verifying a password from %s", address);
    int ok = 0;
    if (found)
        ok = crypto_password_verify(cred.password_hash, password) == 1 && cred.active == 1;
    else
        dummy_verify(cfg, password);
    if (!ok) {
        log_msg(LOG_WARN, "login failed from %s", address);
        return wf_fail(err, ERR_INVALID_CREDENTIALS, NULL, "wrong user name or password");
    }

    /* 3. The session, deciding on what is committed: the user is re-read. */
    if (wf_begin(c, err) != 0)
        return -1;
    struct user_credentials again;
    int f = user_store_credentials(c, username, &again);
    if (f < 0)
        return wf_fail_db(c, err, what);
    if (f != 1 || !still_valid(&again, &cred)) {
        db_rollback(c); /* the attempt stays a failure */
        log_msg(LOG_WARN, "login failed from %s", address);
        return wf_fail(err, ERR_INVALID_CREDENTIALS, NULL, "wrong user name or password");
    }
    if (user_store_attempt_succeeded(c, attempt) != 0 ||
        user_store_address_remember(c, cred.id, address, now) != 0)
        return wf_fail_db(c, err, what);

    /* A fresh token at every login (no fixation); the browser's old session ends. */
    char hash[CRYPTO_SHA256_HEX];
    if (old_token) {
        crypto_sha256_hex(old_token, strlen(old_token), hash);
        if (user_store_session_delete_by_hash(c, hash) != 0)
            return wf_fail_db(c, err, what);
    }
    struct wf_session *s = &out->session;
    if (crypto_random_hex(out->token, WF_SESSION_TOKEN_BYTES) != 0 ||
        crypto_random_hex(s->csrf, WF_SESSION_TOKEN_BYTES) != 0) {
        db_rollback(c);
        memset(out, 0, sizeof *out);
        return wf_fail(err, ERR_INTERNAL, NULL, "no randomness for a session token");
    }
    crypto_sha256_hex(out->token, strlen(out->token), hash);
    s->user_id = cred.id;
    s->role = wf_role_from_name(cred.role);
    s->unit_id = s->role == ROLE_UNIT ? cred.unit_id : 0;
    snprintf(s->username, sizeof s->username, "%s", cred.username);
    /* Attempts older than the longest window, addresses not used for long and
     * sessions that timed out without being presented again are of no further use. */
    if (user_store_session_insert(c, hash, cred.id, s->csrf, now, &s->session_id) != 0 ||
        user_store_forget_attempts(c, now - LOGIN_ATTEMPTS_KEEP_S) != 0 ||
        user_store_addresses_forget(c, now - LOGIN_KNOWN_ADDRESS_KEEP_S) != 0 ||
        user_store_sessions_sweep(c, now - cfg->session_idle_seconds,
                                  now - cfg->session_absolute_seconds) != 0) {
        memset(out, 0, sizeof *out);
        return wf_fail_db(c, err, what);
    }
    int failed;
    out->profile = user_store_profile(c, cred.id, &failed);
    if (!out->profile) {
        memset(out, 0, sizeof *out);
        return wf_fail_db(c, err, what);
    }
    if (wf_commit(c, err, what) != 0) {
        json_decref(out->profile);
        memset(out, 0, sizeof *out);
        return -1;
    }
    log_msg(LOG_INFO, "login: user %lld", (long long)cred.id);
    return 0;
}

/* Deletes session id in a transaction of its own; a failure is only logged
 * (the session has ended either way and the next login sweeps it). */
static void end_session_quietly(struct dbc *c, int64_t id)
{
    struct wf_error ignored;
    if (wf_begin(c, &ignored) != 0)
        return;
    if (user_store_session_delete(c, id) != 0) {
        wf_fail_db(c, &ignored, "an ended session could not be deleted");
        return;
    }
    wf_commit(c, &ignored, "an ended session could not be deleted");
}

int wf_session_find(struct dbc *c, const struct config *cfg, const char *token,
                    struct wf_session *out, struct wf_error *err)
{
    char hash[CRYPTO_SHA256_HEX];
    crypto_sha256_hex(token, strlen(token), hash);
    struct session_row row;
    int found = user_store_session_by_hash(c, hash, &row);
    if (found < 0) {
        wf_fail(err, db_failure(c), NULL, "the session could not be read");
        return -1;
    }
    if (!found)
        return 0;
    int64_t now = (int64_t)time(NULL);
    if (!row.user_active || now - row.last_seen_at > cfg->session_idle_seconds ||
        now - row.created_at > cfg->session_absolute_seconds) {
        end_session_quietly(c, row.id);
        return 0;
    }
    int64_t touch_every = cfg->session_idle_seconds / 4;
    if (touch_every > WF_SESSION_TOUCH_EVERY_S)
        touch_every = WF_SESSION_TOUCH_EVERY_S;
    if (now - row.last_seen_at >= touch_every) {
        /* Bookkeeping only: when it cannot be written, last_seen_at stays old
         * and the next request tries again. */
        struct wf_error ignored;
        if (wf_begin(c, &ignored) == 0) {
            if (user_store_session_touch(c, row.id, now) != 0)
                wf_fail_db(c, &ignored, "the session's last use could not be recorded");
            else
                wf_commit(c, &ignored, "the session's last use could not be recorded");
        }
    }
    memset(out, 0, sizeof *out);
    out->session_id = row.id;
    out->user_id = row.user_id;
    out->role = wf_role_from_name(row.role);
    out->unit_id = out->role == ROLE_UNIT ? row.unit_id : 0;
    snprintf(out->username, sizeof out->username, "%s", row.username);
    snprintf(out->csrf, sizeof out->csrf, "%s", row.csrf);
    return 1;
}

int wf_logout(struct dbc *c, int64_t session_id, struct wf_error *err)
{
    if (wf_begin(c, err) != 0)
        return -1;
    if (user_store_session_delete(c, session_id) != 0)
        return wf_fail_db(c, err, "the session could not be ended");
    return wf_commit(c, err, "the session could not be ended");
}
