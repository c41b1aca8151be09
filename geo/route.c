/*
 * route — see route.h. Pure math, no I/O.
 */
#include "route.h"

#include "distance.h"

#include <math.h>

#define ROUTE_PI 3.14159265358979323846
#define ROUTE_RAD (ROUTE_PI / 180.0)

double route_length_m(const struct route_point *pts, size_t n)
{
    double total = 0;
    for (size_t i = 1; i < n; i++)
        total += distance_haversine_m(pts[i - 1].lon, pts[i - 1].lat, pts[i].lon, pts[i].lat);
    return total;
}

int route_bbox(const struct route_point *pts, size_t n, double out[4])
{
    if (n == 0)
        return -1;
    double b[4] = {pts[0].lon, pts[0].lat, pts[0].lon, pts[0].lat};
    for (size_t i = 1; i < n; i++) {
        b[0] = fmin(b[0], pts[i].lon);
        b[1] = fmin(b[1], pts[i].lat);
        b[2] = fmax(b[2], pts[i].lon);
        b[3] = fmax(b[3], pts[i].lat);
    }
    for (int k = 0; k < 4; k++)
        out[k] = b[k];
    return 0;
}

double route_nearest_m(const struct route_point *pts, size_t n, double lon, double lat, size_t *seg)
{
    if (n == 0 || isnan(lon) || isnan(lat))
        return NAN;
    if (seg)
        *seg = 0;
    if (n == 1)
        return distance_haversine_m(lon, lat, pts[0].lon, pts[0].lat);
    /* Plane in degrees of latitude: x shrinks with the cosine of the query's latitude. */
    double kx = cos(lat * ROUTE_RAD);
    double best = INFINITY;
    for (size_t i = 0; i + 1 < n; i++) {
        double ax = (pts[i].lon - lon) * kx, ay = pts[i].lat - lat;
        double bx = (pts[i + 1].lon - lon) * kx, by = pts[i + 1].lat - lat;
        double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
        double t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
        if (t < 0)
            t = 0;
        else if (t > 1)
            t = 1;
        double qlon = pts[i].lon + t * (pts[i + 1].lon - pts[i].lon);
        double qlat = pts[i].lat + t * (pts[i + 1].lat - pts[i].lat);
        double d = distance_haversine_m(lon, lat, qlon, qlat);
        if (isnan(d))
            return NAN;
        if (d < best) {
            best = d;
            if (seg)
                *seg = i;
        }
    }
    return best;
}
