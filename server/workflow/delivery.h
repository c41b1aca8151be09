/*
 * delivery — durable hand-off to the units' own systems: a webhook POST signed
 * with HMAC-SHA256 and/or an e-mail through SMTP (libcurl), queued in the
 * outbox inside the same transaction as the change that caused it, and
 * delivered by one background thread with exponential backoff. Delivery is at
 * least once: receivers de-duplicate on X-Trygg-Delivery. The same outbox
 * carries e-mails to residents: walk participants (the protocol is ready) and
 * reporters following their report (the status changed), each with public
 * information only.
 */
#ifndef TRYGG_DELIVERY_H
#define TRYGG_DELIVERY_H

#include <stdint.h>

#include "config.h"
#include "db.h"

/*
 * Queues the notifications for case_id now being the responsibility of
 * unit_id (webhook when the unit has a URL, e-mail when it has an address and
 * SMTP is configured). Runs inside the caller's transaction (workflow.h).
 * Returns the number queued, or -1 on error.
 */
int delivery_enqueue_assignment(struct dbc *c, const struct config *cfg, int64_t case_id,
                                int64_t unit_id);

/*
 * Queues a follow-up e-mail to every reporter who asked for one on case_id's
 * report or on a duplicate of it (they show its status), whose report does
 * not show status yet: call it inside the caller's transaction, before the
 * new status is written. public_comment (may be NULL) is a comment the staff
 * made public with the change; nothing internal goes into the mail. Nothing
 * is queued when SMTP is not configured. Returns the number queued, or -1.
 */
int delivery_enqueue_follow_up(struct dbc *c, const struct config *cfg, int64_t case_id,
                               const char *status, const char *public_comment);

/* Starts and stops the delivery thread (after mg_start / before mg_stop). 0 or -1. */
int delivery_start(const struct config *cfg);
void delivery_stop(void);

/* Wakes the delivery thread (after a retry was scheduled). Safe when it is not running. */
void delivery_wake(void);

#endif
