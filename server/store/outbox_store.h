/*
 * outbox_store — every SQL statement about the outbox table: durable
 * notifications to the units, queued in the same transaction as the change
 * that caused them and delivered by the workflow's delivery thread. Never
 * begins or commits.
 */
#ifndef TRYGG_OUTBOX_STORE_H
#define TRYGG_OUTBOX_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "db.h"

#define OUTBOX_KIND_MAX 32

/* Queues a message of kind ("webhook", "email") to target, due at due_ms
 * (Unix milliseconds). 0 or -1. */
int outbox_store_insert(struct dbc *c, const char *kind, int64_t unit_id, int64_t case_id,
                        const char *target, const char *payload, int64_t due_ms);

/* Queues an e-mail to a walk participant (no unit, no case). 0 or -1. */
int outbox_store_insert_participant(struct dbc *c, int64_t walk_id, const char *email,
                                    const char *payload, int64_t due_ms);

/* Queues a follow-up e-mail to a reporter who asked for one (no unit; case_id is
 * the reporter's own observation). 0 or -1. */
int outbox_store_insert_follow_up(struct dbc *c, int64_t case_id, const char *email,
                                  const char *payload, int64_t due_ms);

/* Ends an undelivered follow-up e-mail for good ('dead' with reason): 1 done,
 * 0 no such pending message, -1 on error. */
int outbox_store_cancel(struct dbc *c, int64_t id, const char *reason);

/* GDPR retention: removes the address from every follow-up e-mail of
 * observation case_id (an undelivered one becomes dead); *n: how many. 0 or -1. */
int outbox_store_erase_follow_ups(struct dbc *c, int64_t case_id, int *n);

/* A message due for delivery; strings are malloc'd (outbox_store_message_free). */
struct outbox_message {
    int64_t id, unit_id, case_id, walk_id; /* unit_id, case_id 0 for participant e-mails */
    int attempts;
    char kind[OUTBOX_KIND_MAX];
    char *target, *payload, *secret; /* secret: the unit's webhook secret, or NULL */
};

/* Loads at most max pending messages due at now_ms, oldest first, into out.
 * Returns how many, or -1 on error. */
int outbox_store_due(struct dbc *c, int64_t now_ms, struct outbox_message *out, int max);

/* Frees the strings of m. */
void outbox_store_message_free(struct outbox_message *m);

/* Records a delivery. 1 when the message was updated, 0 when it no longer
 * exists, -1 on error. */
int outbox_store_mark_sent(struct dbc *c, int64_t id);

/* Records a failed attempt: attempts, the error, when to try next and whether
 * it is now dead. 1 updated, 0 gone, -1 on error. */
int outbox_store_mark_failed(struct dbc *c, int64_t id, int attempts, const char *error,
                             int64_t next_ms, int dead);

/* Makes an undelivered message pending again from now. 1 done, 0 no such
 * undelivered message, -1 on error. */
int outbox_store_retry(struct dbc *c, int64_t id, int64_t now_ms);

/* The newest messages (at most 500), of state (NULL = any), for the staff. */
json_t *outbox_store_list(struct dbc *c, const char *state);

/* GDPR: the e-mails to a walk participant's or a following reporter's address
 * email (any case):
 * [{"id","kind","state","walk_id","created_at","sent_at"}], NULL on error. */
json_t *outbox_store_messages_to(struct dbc *c, const char *email);

/* GDPR: removes address email from every participant and follow-up e-mail (an undelivered one
 * becomes dead: it cannot be sent any more); *n: how many. 0 or -1. */
int outbox_store_erase_address(struct dbc *c, const char *email, int *n);

#endif
