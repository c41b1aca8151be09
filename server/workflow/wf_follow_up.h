/*
 * wf_follow_up — a reporter's e-mail follow-up of a report: ending it with an
 * unsubscribe token from one of its mails. (Subscribing happens when the report
 * is filed, wf_observations.h; the mails are queued by wf_cases.c through
 * delivery.h.) Never shows or logs the address; transactions follow workflow.h.
 */
#ifndef TRYGG_WF_FOLLOW_UP_H
#define TRYGG_WF_FOLLOW_UP_H

#include "workflow.h"

#define WF_FOLLOW_UP_TOKEN_MAX 128 /* longer than any token handed out */

/*
 * Ends the follow-up that token (from an unsubscribe link) belongs to: the
 * reporter gets no more status mails (queued ones are not sent) and every
 * token of it stops working, so a token works once. 0, or -1 with err:
 * ERR_NOT_FOUND (field "token") for an unknown, malformed or used token.
 */
int wf_follow_up_unsubscribe(struct dbc *c, const char *token, struct wf_error *err);

#endif
