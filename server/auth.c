/*
 * auth — placeholder until staff accounts exist (issue 3): no staff route can
 * be reached, every one answers 401.
 */
#include "auth.h"
#include "http.h"

int auth_require_or_reply(struct req *r, unsigned roles)
{
    (void)roles;
    http_reply_error(r, 401, "unauthorized", NULL, "log in first");
    return -1;
}

void auth_session_release(struct session *s)
{
    (void)s;
}
