/*
 * apikey_store — every SQL statement about api_keys: the keys Open311 clients
 * (and other systems) send as api_key. Only SHA-256 hashes are stored. Never
 * begins or commits.
 */
#ifndef TRYGG_APIKEY_STORE_H
#define TRYGG_APIKEY_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "db.h"

/* Stores a new key's hash under name: 0 with *id, -1 on error. */
int apikey_store_insert(struct dbc *c, const char *name, const char *hash, int64_t *id);

/* The id of the active (not revoked) key with hash, 0 when none, -1 on error. */
int64_t apikey_store_active(struct dbc *c, const char *hash);

/* Revokes key id: 1 done, 0 no such active key, -1 on error. */
int apikey_store_revoke(struct dbc *c, int64_t id);

/* Every key (never hashes): [{"id","name","created_at","revoked_at"}], NULL on error. */
json_t *apikey_store_list(struct dbc *c);

#endif
