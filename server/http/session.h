/*
 * session — the staff session of a request: the cookie, the idle and absolute
 * timeouts, the role check and CSRF, for every staff route (the dispatcher
 * calls session_require_or_reply before the handler). The decisions about
 * sessions and logins are the workflow's (wf_accounts.h); this module is the
 * HTTP side of them: cookies and headers.
 */
#ifndef TRYGG_SESSION_H
#define TRYGG_SESSION_H

#include <stdint.h>

#include "workflow.h"

struct req;

/* The logged-in staff member of a request. */
struct session {
    int64_t session_id;
    int64_t user_id;
    char username[65];
    unsigned role;   /* exactly one ROLE_* bit (workflow.h) */
    int64_t unit_id; /* for ROLE_UNIT: the user's unit; 0 otherwise */
    char csrf[65];   /* hex */
};

/*
 * Finds the request's session (cookie), enforces the idle and absolute
 * timeouts, checks that its user has one of roles and, for a state-changing
 * method, that the X-CSRF-Token header matches. On success sets r->session and
 * returns 0; otherwise replies 401/403 and returns -1.
 */
int session_require_or_reply(struct req *r, unsigned roles);

/* Frees what session_require_or_reply attached to the request. */
void session_release(struct session *s);

/* The workflow's actor for the request's session (label = user name). */
struct wf_actor session_actor(const struct req *r);

#endif
