/*
 * photo_store — every SQL statement about the photos table (the files
 * themselves are written by the workflow, under data_dir). Never begins or
 * commits.
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

/* The public JSON object of one photo {"id","url","thumb_url","width","height"}. */
json_t *photo_store_json(const char *id, int width, int height);

/*
 * Adds "photos": [...] to every object of the array observations (each has an
 * integer "id"), with one query for the whole array. 0 or -1.
 */
int photo_store_attach(struct dbc *c, json_t *observations);

#endif
