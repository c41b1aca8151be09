/*
 * api_users — the admin's staff accounts (api.h): list, create, change.
 * Thin: validates the body's types and bounds, calls wf_accounts, renders the
 * user (never a password hash). The rules (name form, password length, last
 * admin, sessions ended) are the workflow's.
 */
#include "api.h"
#include "http.h"
#include "log.h"
#include "session.h"
#include "wf_accounts.h"

#define USERS_ROLE_MAX_CHARS 16

/* Answers status with user id's admin view. */
static int reply_user(struct req *r, int status, int64_t id)
{
    struct wf_error err;
    json_t *u = wf_user_get(r->dbc, id, &err);
    if (!u)
        return http_reply_fail(r, &err);
    return http_reply_json(r, status, u);
}

int api_users_list(struct req *r)
{
    struct wf_error err;
    json_t *users = wf_user_list(r->dbc, &err);
    if (!users)
        return http_reply_fail(r, &err);
    return http_reply_json(r, 200, json_pack("{s:o}", "users", users));
}

int api_users_post(struct req *r)
{
    struct wf_user_new u = {0};
    if (http_json_string_or_reply(r, r->json, "username", NULL, 1, WF_USERNAME_MAX, &u.username) ||
        http_json_string_or_reply(r, r->json, "password", NULL, 1, WF_PASSWORD_INPUT_MAX_CHARS,
                                  &u.password) ||
        http_json_string_or_reply(r, r->json, "role", NULL, 1, USERS_ROLE_MAX_CHARS, &u.role) ||
        http_json_string_or_reply(r, r->json, "display_name", NULL, 0, WF_DISPLAY_NAME_MAX_CHARS,
                                  &u.display_name) ||
        http_json_int_or_reply(r, r->json, "unit_id", 0, 1, INT64_MAX, &u.unit_id, NULL))
        return r->status;
    int64_t id;
    struct wf_error err;
    if (wf_user_create(r->dbc, r->cfg, &u, &id, &err) != 0)
        return http_reply_fail(r, &err);
    log_msg(LOG_INFO, "user %lld created by user %lld", (long long)id,
            (long long)r->session->user_id);
    return reply_user(r, 201, id);
}

int api_users_put(struct req *r)
{
    int64_t id;
    struct wf_user_change ch = {.active = -1};
    if (http_param_id_or_reply(r, 0, &id) != 0)
        return r->status;
    if (http_json_string_or_reply(r, r->json, "role", NULL, 0, USERS_ROLE_MAX_CHARS, &ch.role) ||
        http_json_string_or_reply(r, r->json, "password", NULL, 0, WF_PASSWORD_INPUT_MAX_CHARS,
                                  &ch.password) ||
        http_json_string_or_reply(r, r->json, "display_name", NULL, 0, WF_DISPLAY_NAME_MAX_CHARS,
                                  &ch.display_name) ||
        http_json_int_or_reply(r, r->json, "unit_id", 0, 1, INT64_MAX, &ch.unit_id, &ch.has_unit) ||
        http_json_bool_or_reply(r, r->json, "active", 0, &ch.active))
        return r->status;
    struct wf_error err;
    if (wf_user_update(r->dbc, r->cfg, id, &ch, &err) != 0)
        return http_reply_fail(r, &err);
    return reply_user(r, 200, id);
}
