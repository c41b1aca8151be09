/*
 * delivery — durable hand-off to the units' own systems: a webhook POST signed
 * with HMAC-SHA256 and/or an e-mail through SMTP (libcurl), queued in the
 * outbox inside the same transaction as the change that caused it, and
 * delivered by one background thread with exponential backoff. Delivery is at
 * least once: receivers de-duplicate on X-Trygg-Delivery.
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

/* Starts and stops the delivery thread (after mg_start / before mg_stop). 0 or -1. */
int delivery_start(const struct config *cfg);
void delivery_stop(void);

/* Wakes the delivery thread (after a retry was scheduled). Safe when it is not running. */
void delivery_wake(void);

#endif
