/*
 * grid — Web Mercator cell arithmetic. See grid.h. Pure math.
 */
#include "grid.h"

#include <math.h>

int grid_cell_index(double lon, double lat, int zoom, int cells_per_tile, int64_t *ix, int64_t *iy)
{
    if (!isfinite(lon) || !isfinite(lat) || lon < -180 || lon > 180 || lat < -GRID_MAX_LAT ||
        lat > GRID_MAX_LAT || zoom < 0 || zoom > GRID_MAX_ZOOM || cells_per_tile < 1 ||
        cells_per_tile > 256)
        return -1;
    double n = ldexp((double)cells_per_tile, zoom);
    double x = (lon + 180.0) / 360.0 * n;
    double latr = lat * M_PI / 180.0;
    double y = (1.0 - asinh(tan(latr)) / M_PI) / 2.0 * n;
    int64_t max = (int64_t)n - 1;
    int64_t cx = (int64_t)floor(x), cy = (int64_t)floor(y);
    *ix = cx < 0 ? 0 : cx > max ? max : cx;
    *iy = cy < 0 ? 0 : cy > max ? max : cy;
    return 0;
}

void grid_cell_center(int64_t ix, int64_t iy, int zoom, int cells_per_tile, double *lon,
                      double *lat)
{
    double n = ldexp((double)cells_per_tile, zoom);
    *lon = ((double)ix + 0.5) / n * 360.0 - 180.0;
    double m = M_PI * (1.0 - 2.0 * ((double)iy + 0.5) / n);
    *lat = atan(sinh(m)) * 180.0 / M_PI;
}

int grid_bbox_valid(double minlon, double minlat, double maxlon, double maxlat)
{
    if (!isfinite(minlon) || !isfinite(minlat) || !isfinite(maxlon) || !isfinite(maxlat))
        return 0;
    if (minlon < -180 || maxlon > 180 || minlat < -90 || maxlat > 90)
        return 0;
    return minlon <= maxlon && minlat <= maxlat;
}
