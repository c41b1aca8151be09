/*
 * distance — see distance.h. Pure math.
 */
#include "distance.h"

#include <math.h>

#define EARTH_MEAN_RADIUS_M 6371008.8

double distance_haversine_m(double lon1, double lat1, double lon2, double lat2)
{
    double r = M_PI / 180.0;
    double dlat = (lat2 - lat1) * r, dlon = (lon2 - lon1) * r;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * r) * cos(lat2 * r) * sin(dlon / 2) * sin(dlon / 2);
    if (a > 1)
        a = 1;
    return 2 * EARTH_MEAN_RADIUS_M * asin(sqrt(a));
}

double distance_planar_m(double e1, double n1, double e2, double n2)
{
    return hypot(e2 - e1, n2 - n1);
}
