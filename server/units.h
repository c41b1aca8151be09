/*
 * units — the responsible bodies (enhet): inside the Technical committee's
 * organisation (assigned work) or outside it (notified). Admin API.
 */
#ifndef TRYGG_UNITS_H
#define TRYGG_UNITS_H

#include <jansson.h>
#include <stdint.h>

#include "db.h"

struct req;

/* {"id","code","name"} of unit id, or JSON null. */
json_t *units_ref_json(struct dbc *c, int64_t id);

/* GET/POST /api/v1/units, PUT /api/v1/units/{id}. */
int units_list(struct req *r);
int units_post(struct req *r);
int units_put(struct req *r);

#endif
