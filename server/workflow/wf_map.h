/*
 * wf_map — the public map's aggregates as an action: counting them afresh
 * (`trygg map-rebuild`), and the public data version the HTTP layer makes
 * ETags from. The clusters themselves are a read model (views.h).
 */
#ifndef TRYGG_WF_MAP_H
#define TRYGG_WF_MAP_H

#include <stdint.h>

#include "db.h"
#include "workflow.h"

/* Counts map_cells afresh from the public observations in one write
 * transaction; *points = how many were counted. 0, or -1 with *err. */
int wf_map_rebuild(struct dbc *c, int64_t *points, struct wf_error *err);

/* The public data version (map_store_data_version): changes in the same
 * transaction as any write that can change a public answer. -1 on error. */
int64_t wf_public_data_version(struct dbc *c);

#endif
