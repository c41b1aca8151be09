/*
 * unit_store — every SQL statement about the units table (the responsible
 * bodies: inside the organisation, assigned work; outside it, notified).
 * webhook_secret and api_token_hash are write-only towards clients: only
 * unit_store_contact (the delivery thread) and unit_store_token_hash read them.
 * Never begins or commits.
 */
#ifndef TRYGG_UNIT_STORE_H
#define TRYGG_UNIT_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* {"id","code","name"} of unit id, or JSON null (also for id 0 or an error). */
json_t *unit_store_ref_json(struct dbc *c, int64_t id);

/* 1 when unit id is inside the organisation, 0 outside, -1 when there is no such unit or on error.
 */
int unit_store_internal(struct dbc *c, int64_t id);

/* What the outbox needs to notify a unit. Strings empty when unset. */
struct unit_contact {
    char code[65], name[201], email[201], webhook_url[501];
    int internal;
};

/* Loads unit id's contact into *out: 1 found, 0 not, -1 on error. */
int unit_store_contact(struct dbc *c, int64_t id, struct unit_contact *out);

/* The unit with code: its id in *id and its API token hash (64 hex, or "" when
 * none) in hash. 1 found, 0 not, -1 on error. */
int unit_store_token_hash(struct dbc *c, const char *code, int64_t *id, char hash[65]);

/* Stores the SHA-256 hex of a new API token for the unit with code. 1 when the
 * unit exists, 0 when not, -1 on error. */
int unit_store_set_token_hash(struct dbc *c, const char *code, const char *hash);

/* The unit's id by code, 0 when none, -1 on error. */
int64_t unit_store_id_by_code(struct dbc *c, const char *code);

/* A unit as an admin writes it. NULL/negative fields are left unchanged on update. */
struct unit_input {
    const char *code, *name, *email, *webhook_url, *webhook_secret;
    int internal;               /* -1: unchanged (1 for a new unit) */
    int email_given, url_given; /* update: the field was sent (an empty string clears it) */
};

/* Inserts a unit: 0 with *id, 1 when the code is taken, -1 on error. */
int unit_store_insert(struct dbc *c, const struct unit_input *u, int64_t *id);

/* Updates unit id: 0 done, 1 code taken, 2 no such unit, -1 on error. */
int unit_store_update(struct dbc *c, int64_t id, const struct unit_input *u);

/* Every unit (admin view, never secrets) ordered by name, or NULL on error. */
json_t *unit_store_list(struct dbc *c);

/* One unit's admin view, or NULL when absent. */
json_t *unit_store_get(struct dbc *c, int64_t id);

#endif
