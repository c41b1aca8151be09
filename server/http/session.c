/*
 * session — the HTTP side of staff sessions (session.h): the cookie, the
 * role check and CSRF. Whether a token is a live session, and every write
 * about sessions, is wf_accounts' decision; this file holds no SQL.
 *
 * Cookies: HttpOnly + SameSite=Strict, Path=/, and over TLS (here, or at a
 * trusted proxy: http_request_is_tls) Secure with the __Host- prefix. CSRF: a token per session,
 * compared in constant time on every state-changing request.
 */
#include "session.h"
#include "crypto.h"
#include "request.h"
#include "wf_accounts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *cookie_name(const struct req *r)
{
    return http_request_is_tls(r) ? SESSION_COOKIE_TLS : SESSION_COOKIE;
}

int session_cookie_token(const struct req *r, char *out, size_t cap)
{
    const char *cookies = http_header(r, "Cookie");
    if (!cookies || cap < WF_SESSION_TOKEN_HEX)
        return -1;
    int n = mg_get_cookie(cookies, cookie_name(r), out, cap);
    if (n != 2 * WF_SESSION_TOKEN_BYTES)
        return -1;
    for (int i = 0; i < n; i++)
        if (!((out[i] >= '0' && out[i] <= '9') || (out[i] >= 'a' && out[i] <= 'f')))
            return -1;
    return 0;
}

void session_cookie_header(const struct req *r, const char *token, char *out, size_t cap)
{
    snprintf(out, cap, "Set-Cookie: %s=%s; Path=/; HttpOnly; SameSite=Strict%s%s\r\n",
             cookie_name(r), token ? token : "", token ? "" : "; Max-Age=0",
             http_request_is_tls(r) ? "; Secure" : "");
}

/* 1 when the request changes something (CSRF applies). */
static int is_write(const struct req *r)
{
    return strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0;
}

int session_require_or_reply(struct req *r, unsigned roles)
{
    char token[WF_SESSION_TOKEN_HEX + 8];
    struct wf_session ws;
    struct wf_error err;
    int found = 0;
    if (session_cookie_token(r, token, sizeof token) == 0) {
        found = wf_session_find(r->dbc, r->cfg, token, &ws, &err);
        if (found < 0) {
            http_reply_fail(r, &err);
            return -1;
        }
    }
    if (!found) {
        http_reply_error(r, ERR_UNAUTHORIZED, NULL, "log in first (or your session has ended)");
        return -1;
    }
    struct session *s = calloc(1, sizeof *s);
    if (!s) {
        http_reply_error(r, ERR_INTERNAL, NULL, "out of memory");
        return -1;
    }
    s->session_id = ws.session_id;
    s->user_id = ws.user_id;
    s->role = ws.role;
    s->unit_id = ws.unit_id;
    snprintf(s->username, sizeof s->username, "%s", ws.username);
    snprintf(s->csrf, sizeof s->csrf, "%s", ws.csrf);
    r->session = s;
    if (!(s->role & roles)) {
        http_reply_error(r, ERR_FORBIDDEN, NULL, "your role (%s) may not do this",
                         wf_role_name(s->role));
        return -1;
    }
    if (is_write(r)) {
        const char *sent = http_header(r, "X-CSRF-Token");
        size_t n = strlen(s->csrf);
        if (!sent || strlen(sent) != n || !crypto_equal(sent, s->csrf, n)) {
            http_reply_error(r, ERR_CSRF, "X-CSRF-Token",
                             "missing or wrong X-CSRF-Token header (it comes with the login)");
            return -1;
        }
    }
    return 0;
}

int session_optional(struct req *r)
{
    char token[WF_SESSION_TOKEN_HEX + 8];
    struct wf_session ws;
    struct wf_error err;
    if (r->session)
        return 1;
    if (session_cookie_token(r, token, sizeof token) != 0)
        return 0;
    int found = wf_session_find(r->dbc, r->cfg, token, &ws, &err);
    if (found < 0) {
        http_reply_fail(r, &err);
        return -1;
    }
    if (!found)
        return 0;
    struct session *s = calloc(1, sizeof *s);
    if (!s) {
        http_reply_error(r, ERR_INTERNAL, NULL, "out of memory");
        return -1;
    }
    s->session_id = ws.session_id;
    s->user_id = ws.user_id;
    s->role = ws.role;
    s->unit_id = ws.unit_id;
    snprintf(s->username, sizeof s->username, "%s", ws.username);
    snprintf(s->csrf, sizeof s->csrf, "%s", ws.csrf);
    r->session = s;
    return 1;
}

void session_release(struct session *s)
{
    free(s);
}

struct wf_actor session_actor(const struct req *r)
{
    struct wf_actor a = {0, "anonymous", 0, 0};
    if (r->session) {
        a.user_id = r->session->user_id;
        a.label = r->session->username;
        a.role = r->session->role;
        a.unit_id = r->session->unit_id;
    }
    return a;
}
