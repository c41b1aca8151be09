/*
 * map — server-side aggregation for the public map: observations in a
 * viewport grouped into zoom-dependent grid cells, so the page stays light
 * whatever the number of observations.
 */
#ifndef TRYGG_MAP_H
#define TRYGG_MAP_H

struct req;

/* GET /api/v1/map/clusters?bbox&zoom&category&status&area&since&until */
int map_clusters(struct req *r);

#endif
