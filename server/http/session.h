/*
 * session — the staff session of a request: the cookie, the idle and absolute
 * timeouts, the role check and CSRF, for every staff route (the dispatcher
 * calls session_require_or_reply before the handler). The decisions about
 * sessions and logins are the workflow's (wf_accounts.h); this module is the
 * HTTP side of them: cookies and headers.
 */
#ifndef TRYGG_SESSION_H
#define TRYGG_SESSION_H

#include <stddef.h>
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

/*
 * For public GET routes that show more to staff: attaches the session when the
 * request carries a valid one (no role or CSRF check). 1 attached, 0 none, or
 * -1 after replying (the database failed).
 */
int session_optional(struct req *r);

/* Frees what session_require_or_reply attached to the request. */
void session_release(struct session *s);

/* The session cookie's name: the __Host- prefix (with Secure) over TLS. */
#define SESSION_COOKIE "trygg_session"
#define SESSION_COOKIE_TLS "__Host-trygg_session"

/*
 * The session token of the request's cookie (64 lower-case hex digits) into
 * out (cap at least 65). Returns 0 when present and well-formed, else -1.
 */
int session_cookie_token(const struct req *r, char *out, size_t cap);

/*
 * Writes the "Set-Cookie: ...\r\n" header line into out: HttpOnly,
 * SameSite=Strict, Path=/ (and Secure over TLS), holding token, or clearing
 * the cookie when token is NULL.
 */
void session_cookie_header(const struct req *r, const char *token, char *out, size_t cap);

/* The workflow's actor for the request's session (label = user name). */
struct wf_actor session_actor(const struct req *r);

#endif
