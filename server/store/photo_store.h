/*
 * photo_store — every SQL statement about the photos and upload_tokens tables
 * (the files themselves are written by the workflow, under data_dir). Never
 * begins or commits.
 *
 * A photo is public when it is not hidden (photos.public), approved
 * (photos.approved_at) and its observation is not hidden: public read models
 * show only those; the staff ones show every photo with its flags.
 */
#ifndef TRYGG_PHOTO_STORE_H
#define TRYGG_PHOTO_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct photo_row {
    const char *id; /* hex, server-made */
    int64_t observation_id;
    int width, height;
    int64_t bytes, thumb_bytes;
    const char *client_key; /* Idempotency-Key, or NULL */
    int approved;           /* 1: public at once (post-moderation); 0: waits for approval */
};

/* Inserts p. 0, 1 when p->client_key is already stored for that observation
 * (nothing inserted), -1 on error. */
int photo_store_insert(struct dbc *c, const struct photo_row *p);

/* How many photos observation obs has, or -1 on error. */
int photo_store_count(struct dbc *c, int64_t obs);

/* The photo of observation obs uploaded with Idempotency-Key key, as its public
 * JSON object, or NULL when there is none. */
json_t *photo_store_by_key(struct dbc *c, int64_t obs, const char *key);

/* 1 when photo id exists, 0 when not, -1 on error. */
int photo_store_exists(struct dbc *c, const char *id);

/* Where a photo may be shown (photo_store_visibility). */
enum { PHOTO_ABSENT = 0, PHOTO_PUBLIC = 1, PHOTO_STAFF_ONLY = 2 };

/* PHOTO_PUBLIC, PHOTO_STAFF_ONLY (hidden, not approved yet, or its observation is
 * hidden), PHOTO_ABSENT, or -1 on error. */
int photo_store_visibility(struct dbc *c, const char *id);

/* Photo id's observation and flags: 1 found, 0 not, -1 on error. */
int photo_store_load(struct dbc *c, const char *id, int64_t *obs, int *public_, int *approved);

/* Shows (1) or hides (0) photo id. 0 or -1. */
int photo_store_set_public(struct dbc *c, const char *id, int public_);

/* Approves every photo of obs not approved yet; *n receives how many. 0 or -1. */
int photo_store_approve_all(struct dbc *c, int64_t obs, int *n);

/* ---- upload tokens --------------------------------------------------------- */

#define PHOTO_TOKENS_KEEP 8 /* live upload tokens kept per observation (repeats add one) */

/*
 * Stores token_hash (SHA-256 hex of an upload token) for observation obs, valid
 * until expires_at (Unix seconds), and forgets obs's expired tokens and all but
 * its PHOTO_TOKENS_KEEP newest. 0 or -1.
 */
int photo_store_token_insert(struct dbc *c, int64_t obs, const char *token_hash, int64_t expires_at,
                             int64_t now);

/* 1 when token_hash is a live upload token of obs at now, 0 when not, -1 on error. */
int photo_store_token_valid(struct dbc *c, int64_t obs, const char *token_hash, int64_t now);

/* The public JSON object of one photo {"id","url","thumb_url","width","height"}. */
json_t *photo_store_json(const char *id, int width, int height);

/*
 * Adds "photos": [...] to every object of the array observations (each has an
 * integer "id"), with one query for the whole array: the public photos only.
 * 0 or -1.
 */
int photo_store_attach(struct dbc *c, json_t *observations);

/* As photo_store_attach, but every photo, each with "public" and "approved"
 * (booleans): the staff view. 0 or -1. */
int photo_store_attach_staff(struct dbc *c, json_t *observations);

/* The public photos (as photo_store_attach gives them) of the observations whose
 * ids are in ids_json (a JSON array), each as JSON text through fn, ordered by
 * observation. Photo ids are hex (wf_photo_id_valid), so they need no escaping.
 * 0 or -1. */
int photo_store_public_text(struct dbc *c, const char *ids_json, db_fragment_fn fn, void *ctx);

#endif
