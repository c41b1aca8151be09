/*
 * wf_accounts — what staff accounts do: an admin creates and changes users,
 * a user logs in (throttled), presents a session and logs out. Every action
 * follows workflow.h's transaction convention. Passwords are hashed here
 * (argon2id at the configured cost) and are never logged, stored or returned;
 * session tokens are made here and only their SHA-256 is stored. No HTTP:
 * cookies and headers are server/http/session.c's.
 */
#ifndef TRYGG_WF_ACCOUNTS_H
#define TRYGG_WF_ACCOUNTS_H

#include <jansson.h>
#include <stdint.h>

#include "workflow.h"

#define WF_USERNAME_MAX 64        /* bytes: 2..64 letters, digits or . _ - @ */
#define WF_PASSWORD_MIN_CHARS 8   /* UTF-8 characters, not bytes */
#define WF_PASSWORD_MAX_CHARS 128 /* UTF-8 characters, not bytes */
/* The longest password text the ways in accept at all (a login may be tried
 * with anything up to this; a new password must also keep the rule above). */
#define WF_PASSWORD_INPUT_MAX_CHARS 1024
#define WF_DISPLAY_NAME_MAX_CHARS 200
#define WF_SESSION_TOKEN_BYTES 32 /* 256-bit session tokens and CSRF tokens */
#define WF_SESSION_TOKEN_HEX (2 * WF_SESSION_TOKEN_BYTES + 1) /* hex digits and a NUL */
/* last_seen_at is written at most once a minute to save writes, so the idle
 * limit holds to within a minute; a shorter idle limit (tests) touches at
 * idle/4 so that the check stays meaningful. */
#define WF_SESSION_TOUCH_EVERY_S 60

/* A new staff user, as an admin or the command line gives it. */
struct wf_user_new {
    const char *username, *password, *role; /* role: "admin", "triage", "unit", "organiser" */
    const char *display_name;               /* may be NULL */
    int64_t unit_id;                        /* role "unit": the unit's id (the API) ... */
    const char *unit_code; /* ... or its code (the command line); NULL when not given */
};

/*
 * Creates user u with its password hashed by argon2id at cfg's cost, in one
 * transaction. Fails with ERR_INVALID_FORMAT (username, role, a password that
 * is not UTF-8, a unit_id naming no unit), ERR_TOO_SHORT / ERR_TOO_LONG
 * (password, counted in characters), ERR_MISSING_FIELD (unit_id: a unit user
 * needs a unit), ERR_INVALID_FORMAT (unit_code names no unit), ERR_CONFLICT (the
 * name is taken), ERR_INTERNAL (hashing failed) or a database failure.
 * Returns 0 with *id, or -1 with *err.
 */
int wf_user_create(struct dbc *c, const struct config *cfg, const struct wf_user_new *u,
                   int64_t *id, struct wf_error *err);

/* A change to a user; NULL fields and active = -1 leave the value as it is. */
struct wf_user_change {
    const char *role, *password, *display_name;
    int64_t unit_id; /* used when has_unit */
    int has_unit;
    int active; /* -1 unchanged, 0 deactivate, 1 activate */
};

/*
 * Applies ch to user id in one transaction. A new password, a role change or
 * a deactivation ends every session of that user. The last active admin
 * cannot be demoted or deactivated (ERR_LAST_ADMIN). Other failures:
 * ERR_INVALID_FORMAT (role; unit_id: a unit user without a valid unit),
 * ERR_TOO_SHORT / ERR_TOO_LONG (password), ERR_NOT_FOUND (no user id),
 * ERR_INTERNAL (hashing) or a database failure. Returns 0 or -1 with *err.
 */
int wf_user_update(struct dbc *c, const struct config *cfg, int64_t id,
                   const struct wf_user_change *ch, struct wf_error *err);

/*
 * Read models (no transaction; never a password hash):
 * wf_user_list: every user, ordered by name: [{"id","username","display_name",
 *   "role","unit_id","active","created_at"}];
 * wf_user_get: one such object (ERR_NOT_FOUND when there is no user id);
 * wf_user_profile: {"id","username","role","unit":{"id","code","name"}|null},
 *   what a logged-in user is told about themself.
 * Each returns a new reference, or NULL with *err.
 */
json_t *wf_user_list(struct dbc *c, struct wf_error *err);
json_t *wf_user_get(struct dbc *c, int64_t id, struct wf_error *err);
json_t *wf_user_profile(struct dbc *c, int64_t user_id, struct wf_error *err);

/* A live staff session. */
struct wf_session {
    int64_t session_id, user_id;
    int64_t unit_id; /* the user's unit for ROLE_UNIT, else 0 */
    unsigned role;   /* one ROLE_* bit */
    char username[WF_USERNAME_MAX + 1];
    char csrf[WF_SESSION_TOKEN_HEX]; /* hex */
};

/* What a successful login hands back. */
struct wf_login_result {
    char token[WF_SESSION_TOKEN_HEX]; /* the new session's token (hex): for the cookie only */
    struct wf_session session;
    json_t *profile;   /* wf_user_profile of the user; the caller decrefs it */
    int retry_after_s; /* set with ERR_RATE_LIMITED: when to try again */
};

/*
 * Logs username in with password from address (the client's IP address).
 * Refused with ERR_RATE_LIMITED (and out->retry_after_s) when, within
 * cfg->login_window_seconds, cfg->login_max_failures_per_address failed
 * attempts came from that address or cfg->login_max_failures for that name
 * from that address (Retry-After: the window); or when the name has
 * cfg->login_user_backoff_after failures from all addresses and address is
 * not one the user logged in from before: then attempts are spaced 1, 2, 4, ...
 * seconds apart, at most cfg->login_user_backoff_max_seconds. So a guesser
 * locks out only itself, never the user at their desk. The throttle check and
 * the recording of the attempt are one transaction, before the password is
 * verified: parallel guesses cannot get more verifications than the limit.
 * A wrong password, an unknown or an inactive user all fail alike with
 * ERR_INVALID_CREDENTIALS, after an argon2 verification each (an unknown name
 * is checked against a dummy hash), so neither answer nor timing tells which
 * names exist; the failure is logged with the address only. On success (a
 * second transaction) the attempt is marked a success, the address is known,
 * a new session (fresh token and CSRF token) is stored, the session of
 * old_token (the browser's previous cookie, may be NULL) ends, and expired
 * sessions and day-old attempts are swept. Returns 0 with *out filled, or -1
 * with *err.
 */
int wf_login(struct dbc *c, const struct config *cfg, const char *username, const char *password,
             const char *address, const char *old_token, struct wf_login_result *out,
             struct wf_error *err);

/*
 * Finds the live session of token (hex): 1 with *out filled, 0 when there is
 * none or it has ended (idle longer than cfg->session_idle_seconds, older than
 * cfg->session_absolute_seconds, or its user is inactive: such a session is
 * deleted), -1 with *err when the database fails. Records the session's use
 * at most every WF_SESSION_TOUCH_EVERY_S seconds (a failed bookkeeping write
 * is logged, not fatal: the next request tries again).
 */
int wf_session_find(struct dbc *c, const struct config *cfg, const char *token,
                    struct wf_session *out, struct wf_error *err);

/* Ends session session_id. Returns 0 (also when it had already ended) or -1 with *err. */
int wf_logout(struct dbc *c, int64_t session_id, struct wf_error *err);

#endif
