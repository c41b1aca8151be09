/*
 * wf_observations — the resident's side of the workflow: filing an
 * observation (observation + reporter + case + routing + the unit's outbox
 * message in ONE transaction), "me too", and adding a photo. Transactions
 * follow workflow.h.
 */
#ifndef TRYGG_WF_OBSERVATIONS_H
#define TRYGG_WF_OBSERVATIONS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "db.h"
#include "workflow.h"

/* Photo upload tokens: 256 random bits, handed out as hex, stored as SHA-256. */
#define WF_UPLOAD_TOKEN_BYTES 32
#define WF_UPLOAD_TOKEN_HEX (2 * WF_UPLOAD_TOKEN_BYTES + 1) /* hex digits and a NUL */

/* A new observation whose fields each passed their own typed check at the
 * edge. Strings are borrowed; reporter fields are private. */
struct wf_obs_input {
    const char *client_id; /* UUID, either case: stored lower-case */
    const char *category, *description, *walk_code;
    const char *name, *email, *phone; /* reporter, may be NULL */
    int follow_up;                    /* 1: e-mail the reporter when the status changes */
    const char *lang;                 /* "sv" or "en" (NULL: "sv"): the follow-up's language */
    double lon, lat;
    double accuracy_m;     /* < 0: not given */
    int unsafe_rating;     /* 0: not given */
    int64_t observed_at;   /* Unix seconds */
    int64_t walk_group;    /* a group of the walk, or 0 */
    int64_t walk_id;       /* the walk by id (staff adding paper notes), or 0: walk_code decides */
    const char *media_url; /* an Open311 client's photo link (stored, never fetched), or NULL */
    int by_staff;          /* 1: filed by a logged-in staff member (the statistics' source) */
};

/*
 * Files an observation: checks the category, the walk code and the
 * municipality boundary, computes SWEREF 99 TM (PROJ), light and area, and
 * stores the observation, its reporter and its routed case in one
 * transaction. 0 with *id (and *repeat = 1 when client_id was already filed:
 * nothing new stored), or -1 with err. Under post-moderation the text is
 * approved at once; under pre-moderation it waits for a staff member.
 *
 * When upload_token is not NULL (WF_UPLOAD_TOKEN_HEX bytes) it receives a new
 * photo upload token for the observation, valid cfg->upload_token_seconds
 * (stored as its hash in the same transaction). A repeat gets a new token too
 * (in a transaction of its own): knowing the client_id proves the filer.
 */
int wf_observation_file(struct dbc *c, const struct config *cfg, const struct wf_obs_input *in,
                        int64_t *id, int *repeat, char *upload_token, struct wf_error *err);

/*
 * "Me too" from client_id on observation id, from the client address address:
 * *added 1 when new, 0 when that phone supported it already or when the
 * address has added cfg->supports_per_address_max to this observation already
 * (whatever client ids it invents: the address is kept only as a keyed hash);
 * *count the support count after it. 0 or -1 with err (ERR_NOT_FOUND for no
 * observation, or a hidden one).
 */
int wf_observation_support(struct dbc *c, const struct config *cfg, int64_t id,
                           const char *client_id, const char *address, int *added, int64_t *count,
                           struct wf_error *err);

/*
 * Adds a photo to observation obs: checks upload_token (what filing the
 * observation answered; missing, wrong or expired: ERR_UNAUTHORIZED), decodes
 * and re-encodes the photo without any metadata (image.h), writes the files
 * under data_dir and records it; the per-observation limit is checked again
 * inside the transaction, so parallel uploads cannot pass it. key is the
 * client's Idempotency-Key (or NULL): a repeat answers the stored photo with
 * *repeat = 1. Under pre-moderation the photo waits for approval. On success
 * *photo is the photo's JSON (caller owns it).
 */
int wf_photo_add(struct dbc *c, const struct config *cfg, int64_t obs, const char *upload_token,
                 const char *key, const char *content_type, const unsigned char *bytes, size_t len,
                 json_t **photo, int *repeat, struct wf_error *err);

/* 1 when id is a well-formed photo id (hex of the right length), else 0. */
int wf_photo_id_valid(const char *id);

/* The file of photo id (thumbnail when thumb) into path. 0, or -1 when the
 * name would not fit. */
int wf_photo_path(const struct config *cfg, const char *id, int thumb, char *path, size_t cap);

#endif
