/*
 * ogc_query — the filters of an OGC API – Features items request, shared by
 * the stores that serve a collection (obs_store, area_store, walk_store).
 */
#ifndef TRYGG_OGC_QUERY_H
#define TRYGG_OGC_QUERY_H

#include <stdint.h>

struct ogc_query {
    int has_bbox;
    double bbox[4];        /* minlon, minlat, maxlon, maxlat (CRS84) */
    const char *from, *to; /* RFC 3339, inclusive; NULL = open */
    const char *category;  /* observations */
    const char *status;    /* observations (case state), walks (walk state) */
    const char *area;      /* area code: observations, walks */
    const char *code;      /* areas */
    int64_t limit, offset;
    int64_t feature_id; /* > 0: only this feature */
};

#endif
