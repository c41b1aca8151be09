/*
 * api_auth — staff login, logout and "who am I" (api.h). Thin: the decisions
 * (throttling, verification, the session) are wf_accounts'; this file reads
 * the body, sets or clears the cookie and renders. Passwords are never logged.
 */
#include "api.h"
#include "jsonout.h"
#include "http.h"
#include "session.h"
#include "wf_accounts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sends body (reference stolen) with status and the extra header lines. */
static int reply_json_with(struct req *r, int status, json_t *body, const char *headers)
{
    char *s = body ? jsonout_dumps(body, HTTP_JSON_TEXT_MAX, NULL) : NULL;
    json_decref(body);
    if (!s)
        return http_reply_error(r, ERR_INTERNAL, NULL, "out of memory");
    int rc = http_reply_bytes(r, status, "application/json", s, strlen(s), headers);
    free(s);
    return rc;
}

/* 429 with Retry-After set to the throttle's window (not the table's short default). */
static int reply_throttled(struct req *r, const struct wf_error *err, int retry_after_s)
{
    char hdr[64];
    snprintf(hdr, sizeof hdr, "Retry-After: %d\r\n", retry_after_s);
    json_t *body = json_pack("{s:{s:s, s:s, s:n}}", "error", "code", errors_code(err->code),
                             "message", err->message, "field");
    return reply_json_with(r, errors_status(err->code), body, hdr);
}

/* {"user":{...},"csrf_token":...}: what login and "me" answer (profile stolen). */
static json_t *session_body(json_t *profile, const char *csrf)
{
    return json_pack("{s:o, s:s}", "user", profile, "csrf_token", csrf);
}

int api_login(struct req *r)
{
    const char *username = NULL, *password = NULL;
    if (http_json_string_or_reply(r, r->json, "username", NULL, 1, WF_USERNAME_MAX, &username) ||
        http_json_string_or_reply(r, r->json, "password", NULL, 1, WF_PASSWORD_INPUT_MAX_CHARS,
                                  &password))
        return r->status;
    char old[WF_SESSION_TOKEN_HEX + 8];
    const char *old_token = session_cookie_token(r, old, sizeof old) == 0 ? old : NULL;
    struct wf_login_result res;
    struct wf_error err;
    if (wf_login(r->dbc, r->cfg, username, password, http_client_address(r), old_token, &res,
                 &err) != 0) {
        if (err.code == ERR_RATE_LIMITED)
            return reply_throttled(r, &err, res.retry_after_s);
        return http_reply_fail(r, &err);
    }
    char cookie[256];
    session_cookie_header(r, res.token, cookie, sizeof cookie);
    int status = reply_json_with(r, 200, session_body(res.profile, res.session.csrf), cookie);
    memset(res.token, 0, sizeof res.token);
    return status;
}

int api_logout(struct req *r)
{
    struct wf_error err;
    if (wf_logout(r->dbc, r->session->session_id, &err) != 0)
        return http_reply_fail(r, &err);
    char cookie[256];
    session_cookie_header(r, NULL, cookie, sizeof cookie);
    return reply_json_with(r, 200, json_pack("{s:b}", "logged_out", 1), cookie);
}

int api_me(struct req *r)
{
    struct wf_error err;
    json_t *profile = wf_user_profile(r->dbc, r->session->user_id, &err);
    if (!profile)
        return http_reply_fail(r, &err);
    return http_reply_json(r, 200, session_body(profile, r->session->csrf));
}
