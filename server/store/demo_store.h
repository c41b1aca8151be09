/*
 * demo_store — the Borås demo's reference data as one SQL script: units,
 * category defaults, routing rules (one drawn polygon, one area rule,
 * municipality-wide rules) and the demo walk. Idempotent. Never begins or
 * commits (the seed workflow does).
 */
#ifndef TRYGG_DEMO_STORE_H
#define TRYGG_DEMO_STORE_H

#include "db.h"

/* Runs the demo reference script. 0 or -1 (reason on the handle). */
int demo_store_load_reference(struct dbc *c);

#endif
