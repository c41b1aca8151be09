/*
 * api_follow_up — ending a reporter's e-mail follow-up from the unsubscribe
 * link in one of its mails. Thin: the token is checked by the workflow
 * (wf_follow_up.h). GET /unsubscribe is only a page (web.c) with a button, so a
 * mail client's link scanner that prefetches the link unsubscribes nobody; the
 * button POSTs the token here. Mail providers' one-click unsubscribe (RFC 8058,
 * the List-Unsubscribe-Post header) POSTs to the link itself.
 */
#include "api.h"
#include "http.h"
#include "wf_follow_up.h"

static int unsubscribe(struct req *r, const char *token)
{
    struct wf_error err;
    if (wf_follow_up_unsubscribe(r->dbc, token, &err) != 0)
        return http_reply_fail(r, &err);
    return http_reply_json(r, 200, json_pack("{s:b}", "unsubscribed", 1));
}

int api_follow_up_unsubscribe(struct req *r)
{
    const char *token = NULL;
    if (http_json_string_or_reply(r, r->json, "token", NULL, 1, WF_FOLLOW_UP_TOKEN_MAX, &token) !=
        0)
        return r->status;
    return unsubscribe(r, token);
}

int api_follow_up_one_click(struct req *r)
{
    char token[WF_FOLLOW_UP_TOKEN_MAX + 1];
    int has = http_query_or_reply(r, "token", token, sizeof token);
    if (has < 0)
        return r->status;
    return unsubscribe(r, has ? token : NULL);
}
