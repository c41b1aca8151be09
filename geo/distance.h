/*
 * distance — distances in metres, on the sphere (WGS 84 degrees) and on a
 * projected grid (SWEREF 99 TM metres).
 *
 * Pure math: no I/O, no state, safe from any thread.
 */
#ifndef TRYGG_DISTANCE_H
#define TRYGG_DISTANCE_H

/* IUGG mean Earth radius R1 = (2a + b) / 3 of the WGS 84 ellipsoid. */
#define DISTANCE_EARTH_MEAN_RADIUS_M 6371008.8

/*
 * Great-circle distance in metres between two WGS 84 points given in degrees,
 * by the haversine formula on a sphere of DISTANCE_EARTH_MEAN_RADIUS_M. The
 * ellipsoid differs by at most ~0.5 %. Numerically stable for short distances
 * and for antipodes. NaN in, NaN out.
 */
double distance_haversine_m(double lon1, double lat1, double lon2, double lat2);

/*
 * Straight-line (Pythagoras) distance in metres between two points of a
 * projected grid in metres, such as SWEREF 99 TM easting/northing: what
 * "within 25 m" means for duplicates and nearby reports. NaN in, NaN out.
 */
double distance_planar_m(double e1, double n1, double e2, double n2);

/*
 * Grid bearing in degrees (0 <= b < 360, clockwise from grid north) of the
 * point (e2, n2) seen from (e1, n1) on a projected grid in metres such as
 * SWEREF 99 TM; within a municipality grid north is within a degree or two of
 * true north. 0 when the points coincide; NaN in, NaN out.
 */
double distance_bearing_deg(double e1, double n1, double e2, double n2);

/*
 * The eight-point compass direction of bearing deg (any finite value, taken
 * modulo 360) as a lower-case code: "n", "ne", "e", "se", "s", "sw", "w" or
 * "nw"; each covers 45 degrees centred on its direction. NULL for a
 * non-finite bearing. The string is static.
 */
const char *distance_compass_point(double deg);

#endif
