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

/* A new observation whose fields each passed their own typed check at the
 * edge. Strings are borrowed; reporter fields are private. */
struct wf_obs_input {
    const char *client_id; /* UUID, either case: stored lower-case */
    const char *category, *description, *walk_code;
    const char *name, *email, *phone; /* reporter, may be NULL */
    double lon, lat;
    double accuracy_m;   /* < 0: not given */
    int unsafe_rating;   /* 0: not given */
    int64_t observed_at; /* Unix seconds */
    int64_t walk_group;  /* a group of the walk, or 0 */
    int64_t walk_id;     /* the walk by id (staff adding paper notes), or 0: walk_code decides */
    int by_staff;        /* 1: filed by a logged-in staff member (the statistics' source) */
};

/*
 * Files an observation: checks the category, the walk code and the
 * municipality boundary, computes SWEREF 99 TM (PROJ), light and area, and
 * stores the observation, its reporter and its routed case in one
 * transaction. 0 with *id (and *repeat = 1 when client_id was already filed:
 * nothing new stored), or -1 with err.
 */
int wf_observation_file(struct dbc *c, const struct config *cfg, const struct wf_obs_input *in,
                        int64_t *id, int *repeat, struct wf_error *err);

/* "Me too" from client_id on observation id: *added 1 when new; *count the
 * support count after it. 0 or -1 with err (ERR_NOT_FOUND for no observation). */
int wf_observation_support(struct dbc *c, int64_t id, const char *client_id, int *added,
                           int64_t *count, struct wf_error *err);

/*
 * Adds a photo to observation obs: decodes and re-encodes it without any
 * metadata (image.h), writes the files under data_dir and records it; the
 * per-observation limit is checked inside the transaction. key is the
 * client's Idempotency-Key (or NULL): a repeat answers the stored photo with
 * *repeat = 1. On success *photo is the photo's JSON (caller owns it).
 */
int wf_photo_add(struct dbc *c, const struct config *cfg, int64_t obs, const char *key,
                 const char *content_type, const unsigned char *bytes, size_t len, json_t **photo,
                 int *repeat, struct wf_error *err);

/* 1 when id is a well-formed photo id (hex of the right length), else 0. */
int wf_photo_id_valid(const char *id);

/* The file of photo id (thumbnail when thumb) into path. 0, or -1 when the
 * name would not fit. */
int wf_photo_path(const struct config *cfg, const char *id, int thumb, char *path, size_t cap);

#endif
