/*
 * user_store — every SQL statement about the staff tables: users, sessions,
 * login_attempts and login_known_addresses. Password hashes are written here and read only by
 * user_store_credentials (the login check); no read model ever returns one.
 * Roles are stored and returned as their names ("admin", ...); the ROLE_* bits
 * are the workflow's. Never begins or commits (workflow.h).
 */
#ifndef TRYGG_USER_STORE_H
#define TRYGG_USER_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "db.h"

#define USER_NAME_MAX 64 /* bytes of a user name (ASCII only) */
#define USER_ROLE_MAX 16

/* A new user, every value already validated; password_hash is argon2id's encoded string. */
struct user_new {
    const char *username, *display_name, *password_hash, *role;
    int64_t unit_id; /* 0: none (only a "unit" user has one) */
};

/* Inserts u: 0 with *id, 1 when the user name is taken, 2 when unit_id names
 * no unit, -1 on error (reason on the handle). */
int user_store_insert(struct dbc *c, const struct user_new *u, int64_t *id);

/* A change to a user; NULL / negative fields stay as they are. */
struct user_change {
    const char *role, *password_hash, *display_name;
    int64_t unit_id; /* used when has_unit */
    int has_unit;
    int active; /* -1: unchanged, else 0 or 1 */
};

/*
 * Applies ch to user id. The unit is kept only for a "unit" user (it is
 * cleared when the role becomes another). Returns 0 done, 1 when there is no
 * user id, 2 when the result breaks a rule of the table (a unit user without
 * a unit, a unit that does not exist), -1 on error.
 */
int user_store_update(struct dbc *c, int64_t id, const struct user_change *ch);

/* The number of active admins, or -1 on error. */
int user_store_active_admins(struct dbc *c);

/* What a login checks. */
struct user_credentials {
    int64_t id, unit_id; /* unit_id 0: none */
    int active;
    char username[USER_NAME_MAX + 1];
    char role[USER_ROLE_MAX];
    char password_hash[CRYPTO_PASSWORD_HASH_MAX];
};

/* Loads the user called username into *out: 1 found, 0 not, -1 on error. */
int user_store_credentials(struct dbc *c, const char *username, struct user_credentials *out);

/*
 * Read models (never the password hash):
 * user_store_list: every user ordered by name as
 *   [{"id","username","display_name","role","unit_id","active","created_at"}], NULL on error;
 * user_store_get: one such object, NULL when absent or on error (*failed = 1 then);
 * user_store_profile: {"id","username","role","unit":{"id","code","name"}|null}
 *   (what a logged-in user is told about themself), NULL as user_store_get.
 */
json_t *user_store_list(struct dbc *c);
json_t *user_store_get(struct dbc *c, int64_t id, int *failed);
json_t *user_store_profile(struct dbc *c, int64_t id, int *failed);

/* ---- login_attempts ---------------------------------------------------- */

/* Failed attempts (an attempt counts as failed from the moment it is recorded
 * until it is marked as a success) for username, from address, or for username
 * from address, later than Unix time since; -1 on error. */
int user_store_failures_by_name(struct dbc *c, const char *username, int64_t since);
int user_store_failures_by_address(struct dbc *c, const char *address, int64_t since);
int user_store_failures_by_pair(struct dbc *c, const char *username, const char *address,
                                int64_t since);

/* Unix time of username's latest failed attempt, 0 when none, -1 on error. */
int64_t user_store_last_failure(struct dbc *c, const char *username);

/* Records one attempt at Unix time at (*id receives its id; id may be NULL). 0 or -1. */
int user_store_record_attempt(struct dbc *c, const char *username, const char *address, int64_t at,
                              int ok, int64_t *id);

/* Marks attempt id a success (it no longer counts as a failure). 0 or -1. */
int user_store_attempt_succeeded(struct dbc *c, int64_t id);

/* 1 when the user called username has logged in from address before, 0 when not, -1 on error. */
int user_store_address_known(struct dbc *c, const char *username, const char *address);

/* Remembers that user_id logged in from address at Unix time now. 0 or -1. */
int user_store_address_remember(struct dbc *c, int64_t user_id, const char *address, int64_t now);

/* Forgets known addresses last used before Unix time before. 0 or -1. */
int user_store_addresses_forget(struct dbc *c, int64_t before);

/* Deletes attempts older than Unix time before. 0 or -1. */
int user_store_forget_attempts(struct dbc *c, int64_t before);

/* ---- sessions ------------------------------------------------------------ */

/* Stores a session by the SHA-256 hex of its token (the token itself never
 * is). Times are Unix seconds. 0 with *id, or -1. */
int user_store_session_insert(struct dbc *c, const char *token_hash, int64_t user_id,
                              const char *csrf, int64_t now, int64_t *id);

/* A stored session with its user. */
struct session_row {
    int64_t id, user_id, unit_id; /* unit_id 0: none */
    int64_t created_at, last_seen_at;
    int user_active;
    char csrf[65];
    char username[USER_NAME_MAX + 1];
    char role[USER_ROLE_MAX];
};

/* Loads the session whose token hashes to token_hash: 1 found, 0 not, -1 on error. */
int user_store_session_by_hash(struct dbc *c, const char *token_hash, struct session_row *out);

/* Deletes session id (0 when already gone too), or every session of user_id,
 * or the session whose token hashes to token_hash. 0 or -1. */
int user_store_session_delete(struct dbc *c, int64_t id);
int user_store_sessions_delete_of_user(struct dbc *c, int64_t user_id);
int user_store_session_delete_by_hash(struct dbc *c, const char *token_hash);

/* Sets session id's last use to Unix time now. 0 or -1. */
int user_store_session_touch(struct dbc *c, int64_t id, int64_t now);

/* Deletes the sessions last used before idle_before or created before
 * created_before (Unix seconds). 0 or -1. */
int user_store_sessions_sweep(struct dbc *c, int64_t idle_before, int64_t created_before);

#endif
