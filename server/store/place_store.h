/*
 * place_store — every SQL statement about the places table: the instance's
 * small gazetteer of well-known named places (squares, stations, centres)
 * that a pin is described against ("120 m north-east of Norrby torg"). Points
 * are kept in WGS 84 and SWEREF 99 TM; the nearest one is found on the grid,
 * in metres. Never begins or commits (workflow.h).
 */
#ifndef TRYGG_PLACE_STORE_H
#define TRYGG_PLACE_STORE_H

#include "db.h"

#define PLACE_NAME_MAX 200 /* bytes, as the table's CHECK */

/* A named place as stored. */
struct place {
    char name[PLACE_NAME_MAX + 1];
    double lon, lat; /* WGS 84 degrees */
    double e, n;     /* SWEREF 99 TM metres */
};

/*
 * Inserts the place name at x/y in EPSG srid (4326: lon/lat degrees; 3006:
 * SWEREF 99 TM metres), or moves the place of that name there; SpatiaLite
 * transforms it into both systems. Returns 0, 1 when the row breaks a rule of
 * the table, -1 on error.
 */
int place_store_upsert(struct dbc *c, const char *name, double x, double y, int srid);

/*
 * The place nearest to SWEREF 99 TM point (e, n), at most max_m metres away,
 * into *out: 1 found, 0 none within max_m, -1 on error (reason on the handle).
 * Ties go to the lowest id.
 */
int place_store_nearest(struct dbc *c, double e, double n, double max_m, struct place *out);

#endif
