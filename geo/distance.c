/*
 * distance — see distance.h. Pure math, no I/O.
 */
#include "distance.h"

#include <math.h>
#include <stddef.h>

#define DISTANCE_PI 3.14159265358979323846
#define DISTANCE_RAD (DISTANCE_PI / 180.0)

double distance_haversine_m(double lon1, double lat1, double lon2, double lat2)
{
    double sin_dlat = sin((lat2 - lat1) * DISTANCE_RAD / 2.0);
    double sin_dlon = sin((lon2 - lon1) * DISTANCE_RAD / 2.0);
    double a = sin_dlat * sin_dlat +
               cos(lat1 * DISTANCE_RAD) * cos(lat2 * DISTANCE_RAD) * sin_dlon * sin_dlon;
    /* Rounding can push a a hair past 1 for antipodal points; asin would
     * then return NaN. */
    if (a > 1.0)
        a = 1.0;
    return 2.0 * DISTANCE_EARTH_MEAN_RADIUS_M * asin(sqrt(a));
}

double distance_planar_m(double e1, double n1, double e2, double n2)
{
    return hypot(e2 - e1, n2 - n1);
}

double distance_bearing_deg(double e1, double n1, double e2, double n2)
{
    double de = e2 - e1, dn = n2 - n1;
    if (isnan(de) || isnan(dn))
        return NAN;
    if (de == 0 && dn == 0)
        return 0;
    double b = atan2(de, dn) / DISTANCE_RAD;
    return b < 0 ? b + 360.0 : b;
}

const char *distance_compass_point(double deg)
{
    static const char *const points[8] = {"n", "ne", "e", "se", "s", "sw", "w", "nw"};
    if (!isfinite(deg))
        return NULL;
    double b = fmod(deg, 360.0);
    if (b < 0)
        b += 360.0;
    int i = (int)floor((b + 22.5) / 45.0) % 8;
    return points[i];
}
