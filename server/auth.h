/*
 * auth — staff sessions, roles and CSRF (issue 3): the dispatcher's check for
 * every staff route, and the login, logout and "who am I" endpoints.
 */
#ifndef TRYGG_AUTH_H
#define TRYGG_AUTH_H

#include <stddef.h>
#include <stdint.h>

struct req;

/* The logged-in staff member of a request. */
struct session {
    int64_t session_id;
    int64_t user_id;
    char username[65];
    unsigned role;   /* exactly one ROLE_* bit (http.h) */
    int64_t unit_id; /* for ROLE_UNIT: the user's unit; 0 otherwise */
    char csrf[65];   /* hex */
};

/*
 * Finds the request's session (cookie), enforces the idle and absolute
 * timeouts, checks that its user has one of roles and, for a state-changing
 * method, that the X-CSRF-Token header matches. On success sets r->session and
 * returns 0; otherwise replies 401/403 and returns -1.
 */
int auth_require_or_reply(struct req *r, unsigned roles);

/* Frees what auth_require_or_reply attached to the request. */
void auth_session_release(struct session *s);

/* POST /api/v1/auth/login, POST /api/v1/auth/logout, GET /api/v1/auth/me. */
int auth_login(struct req *r);
int auth_logout(struct req *r);
int auth_me(struct req *r);

/*
 * Hashes password with argon2id (m = 19 MiB, t = 2, p = 1, 16-byte salt) into
 * out (at least AUTH_HASH_MAX bytes). Returns 0 or -1.
 */
#define AUTH_HASH_MAX 128
int auth_hash_password(const char *password, char *out, size_t cap);

/* Lower-case hex SHA-256 of s into out (65 bytes). */
void auth_sha256_hex(const char *s, char out[65]);

/* ROLE_* bit for "admin", "triage", "unit", "organiser"; 0 when unknown. */
unsigned auth_role_from_name(const char *name);
/* The name of a ROLE_* bit. */
const char *auth_role_name(unsigned role);

#endif
