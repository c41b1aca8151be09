/*
 * observations — filing, reading and listing observations (the resident's side).
 * Owns all SQL about the observations and reporters tables.
 */
#ifndef TRYGG_OBSERVATIONS_H
#define TRYGG_OBSERVATIONS_H

#include <jansson.h>
#include <stdint.h>

#include "config.h"
#include "db.h"

struct req;

/* A validated new observation. Strings are borrowed from the caller. */
struct obs_input {
    const char *client_id, *category, *description, *walk_code, *observed_at_s;
    const char *name, *email, *phone; /* reporter: private */
    double lon, lat, accuracy_m;
    int has_accuracy, has_rating;
    int64_t rating, observed_at, walk_id, area_id;
    double e, n, sun_elev; /* computed by observations_store */
    const char *light;
};

/*
 * Stores a validated observation (category, walk and boundary already checked):
 * computes SWEREF 99 TM, light and area, inserts it and its reporter in one
 * transaction, together with its case (routed to a unit, see cases.c).
 * Returns 0 with *id_out, 1 when client_id already existed (its id
 * in *id_out, nothing stored), -1 on error (nothing stored).
 */
int observations_store(struct dbc *c, const struct config *cfg, struct obs_input *in,
                       int64_t *id_out);

/* POST /api/v1/observations: 201 new, 200 for a repeated client_id. */
int observations_create(struct req *r);

/* GET /api/v1/observations/{id}: the public view. */
int observations_get(struct req *r);

/* GET /api/v1/observations?bbox&category&since&until&limit&cursor: GeoJSON page. */
int observations_list(struct req *r);

/*
 * The public JSON object of observation id (never contact details), or NULL
 * when there is none. The caller owns the returned reference.
 */
json_t *observations_public_json(struct dbc *c, int64_t id);

/* 1 when observation id exists, 0 when not, -1 on a database error. */
int observations_exists(struct dbc *c, int64_t id);

#endif
