/*
 * outbox — durable hand-off to the units' own systems: a webhook POST signed
 * with HMAC-SHA256 and/or an e-mail through SMTP (libcurl), queued in the
 * database inside the same transaction as the change that caused it, and
 * delivered by a background thread with exponential backoff. Delivery is at
 * least once: receivers de-duplicate on X-Trygg-Delivery.
 */
#ifndef TRYGG_OUTBOX_H
#define TRYGG_OUTBOX_H

#include <stdint.h>

#include "config.h"
#include "db.h"

struct req;

/*
 * Queues the notifications for case_id now being the responsibility of
 * unit_id (webhook when the unit has a URL, e-mail when it has an address and
 * SMTP is configured). Runs inside the caller's transaction. Returns the
 * number queued, or -1 on error.
 */
int outbox_enqueue_assignment(struct dbc *c, const struct config *cfg, int64_t case_id,
                              int64_t unit_id);

/* Starts and stops the delivery thread (after mg_start / before mg_stop). 0 or -1. */
int outbox_start(const struct config *cfg);
void outbox_stop(void);

/* GET /api/v1/outbox?state=, POST /api/v1/outbox/{id}/retry. */
int outbox_list(struct req *r);
int outbox_retry(struct req *r);

/* POST /api/v1/units/{code}/updates: a unit's system reports back (bearer token). */
int outbox_inbound_update(struct req *r);

/* "trygg unit token CODE": prints a new token for the unit, stores its hash. Exit code. */
int outbox_cli_unit_token(struct dbc *c, const char *code);

#endif
