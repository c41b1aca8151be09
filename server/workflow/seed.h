/*
 * seed — the Borås demo configuration: boundary, local network areas, units,
 * routing rules, a demo walk and a handful of demo observations.
 */
#ifndef TRYGG_SEED_H
#define TRYGG_SEED_H

#include "config.h"
#include "db.h"
#include "workflow.h"

/*
 * Loads the demo data from <source>/server/demo/ into an up-to-date database.
 * Idempotent: running it twice leaves one copy. 0, or -1 with err.
 */
int seed_demo(struct dbc *c, const struct config *cfg, struct wf_error *err);

#endif
