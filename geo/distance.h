/*
 * distance — distances in metres.
 */
#ifndef TRYGG_DISTANCE_H
#define TRYGG_DISTANCE_H

/* Great-circle distance between two WGS 84 points (degrees), on a sphere of
 * the mean Earth radius 6 371 008.8 m. Good to ~0.5 % anywhere. */
double distance_haversine_m(double lon1, double lat1, double lon2, double lat2);

/* Straight-line distance between two points of a projected grid in metres
 * (SWEREF 99 TM): what "within 25 m" means for duplicates. */
double distance_planar_m(double e1, double n1, double e2, double n2);

#endif
