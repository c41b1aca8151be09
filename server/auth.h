/*
 * auth — staff sessions, roles and CSRF for the dispatcher (issue 3).
 */
#ifndef TRYGG_AUTH_H
#define TRYGG_AUTH_H

#include <stdint.h>

struct req;

/* The logged-in staff member of a request (see doc/contract.md). */
struct session {
    int64_t user_id;
    char username[65];
    unsigned role;   /* exactly one ROLE_* bit (http.h) */
    int64_t unit_id; /* for ROLE_UNIT: the user's unit; 0 otherwise */
    char csrf[65];   /* hex */
};

/*
 * Finds the request's session and checks that its user has one of roles and,
 * for a state-changing method, a matching X-CSRF-Token header. On success sets
 * r->session and returns 0; otherwise replies 401/403 and returns -1.
 */
int auth_require_or_reply(struct req *r, unsigned roles);

/* Frees what auth_require_or_reply attached to the request. */
void auth_session_release(struct session *s);

#endif
