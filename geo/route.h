/*
 * route — geometry of a walk's route: a polyline of WGS 84 lon/lat points.
 * Length along the ground, bounding box, and how far a point lies from the
 * line (is an observation "on the route"?).
 *
 * Pure math: no I/O, no JSON, no state, safe from any thread. Parsing route
 * files (GeoJSON, GPX) is server/routefile's job.
 */
#ifndef TRYGG_ROUTE_H
#define TRYGG_ROUTE_H

#include <stddef.h>

/* One vertex of a route, WGS 84 degrees. */
struct route_point {
    double lon;
    double lat;
};

/*
 * Length in metres of the polyline pts[0..n): the sum of great-circle
 * (haversine) distances between consecutive points. 0 for n < 2.
 */
double route_length_m(const struct route_point *pts, size_t n);

/*
 * Bounding box of pts[0..n) into out[4] = {min lon, min lat, max lon, max lat}.
 * Routes crossing the antimeridian are not handled (none do in Sweden).
 * Returns 0, or -1 when n == 0 (out untouched).
 */
int route_bbox(const struct route_point *pts, size_t n, double out[4]);

/*
 * Shortest distance in metres from (lon, lat) to the polyline pts[0..n)
 * (n == 1: to that point). Each segment's nearest point is found in a local
 * equirectangular plane centred on (lon, lat) — exact enough for the few
 * kilometres of a walk (error well below 0.1 % under 10 km) — and its
 * distance is then measured with the haversine formula. When seg is not NULL
 * it receives the index i of the nearest segment pts[i]..pts[i+1] (0 when
 * n == 1). Returns NaN when n == 0 or an input is NaN.
 */
double route_nearest_m(const struct route_point *pts, size_t n, double lon, double lat,
                       size_t *seg);

#endif
