/*
 * grid — Web Mercator cell arithmetic. See grid.h. Pure math, no I/O.
 */
#include "grid.h"

#include <math.h>

#define GRID_PI 3.14159265358979323846
#define GRID_RAD (GRID_PI / 180.0)

int grid_cell_index(double lon, double lat, int zoom, int cells_per_tile, int64_t *ix, int64_t *iy)
{
    /* Written as !(in range) so that NaN is rejected too. */
    if (!(lon >= -180.0 && lon <= 180.0) || !(lat >= -GRID_MAX_LAT && lat <= GRID_MAX_LAT))
        return -1;
    if (zoom < 0 || zoom > GRID_MAX_ZOOM || cells_per_tile < 1 ||
        cells_per_tile > GRID_MAX_CELLS_PER_TILE)
        return -1;
    /* At most 256 * 2^22 = 2^30 cells across: exact in a double and an int64. */
    double cells = ldexp((double)cells_per_tile, zoom);
    double x = (lon + 180.0) / 360.0 * cells;
    double y = (1.0 - asinh(tan(lat * GRID_RAD)) / GRID_PI) / 2.0 * cells;
    int64_t last = (int64_t)cells - 1;
    int64_t cx = (int64_t)floor(x), cy = (int64_t)floor(y);
    /* lon 180 gives x == cells, and lat +-GRID_MAX_LAT may round a hair
     * outside the grid: keep them in the edge cells. */
    *ix = cx < 0 ? 0 : cx > last ? last : cx;
    *iy = cy < 0 ? 0 : cy > last ? last : cy;
    return 0;
}

void grid_cell_center(int64_t ix, int64_t iy, int zoom, int cells_per_tile, double *lon,
                      double *lat)
{
    double cells = ldexp((double)cells_per_tile, zoom);
    *lon = ((double)ix + 0.5) / cells * 360.0 - 180.0;
    double merc_y = GRID_PI * (1.0 - 2.0 * ((double)iy + 0.5) / cells);
    *lat = atan(sinh(merc_y)) / GRID_RAD;
}

/* The latitude of the northern edge of cell row iy. */
static double row_top_lat(int64_t iy, double cells)
{
    return atan(sinh(GRID_PI * (1.0 - 2.0 * (double)iy / cells))) / GRID_RAD;
}

void grid_cell_bounds(int64_t ix, int64_t iy, int zoom, int cells_per_tile, double *minlon,
                      double *minlat, double *maxlon, double *maxlat)
{
    double cells = ldexp((double)cells_per_tile, zoom);
    *minlon = (double)ix / cells * 360.0 - 180.0;
    *maxlon = (double)(ix + 1) / cells * 360.0 - 180.0;
    *maxlat = row_top_lat(iy, cells);
    *minlat = row_top_lat(iy + 1, cells);
}

int grid_bbox_valid(double minlon, double minlat, double maxlon, double maxlat)
{
    if (!isfinite(minlon) || !isfinite(minlat) || !isfinite(maxlon) || !isfinite(maxlat))
        return 0;
    if (minlon < -180.0 || maxlon > 180.0 || minlat < -90.0 || maxlat > 90.0)
        return 0;
    return minlon <= maxlon && minlat <= maxlat;
}
