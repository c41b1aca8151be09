/*
 * grid — the zoom-dependent cell grid the map's cluster endpoint aggregates
 * on, in Web Mercator tile arithmetic (the slippy-map scheme Leaflet uses).
 */
#ifndef TRYGG_GRID_H
#define TRYGG_GRID_H

#include <stdint.h>

#define GRID_MAX_ZOOM 22
#define GRID_MAX_LAT 85.0511287798

/*
 * The cell holding lon/lat at zoom: the world is 2^zoom * cells_per_tile cells
 * wide and high (cells_per_tile 1 gives the standard tile numbers x, y).
 * Returns 0, or -1 when lat is beyond +-GRID_MAX_LAT, lon outside -180..180,
 * zoom outside 0..GRID_MAX_ZOOM or cells_per_tile outside 1..256.
 */
int grid_cell_index(double lon, double lat, int zoom, int cells_per_tile, int64_t *ix, int64_t *iy);

/* The lon/lat of the centre of cell ix, iy (inverse of grid_cell_index). */
void grid_cell_center(int64_t ix, int64_t iy, int zoom, int cells_per_tile, double *lon,
                      double *lat);

/* 1 when the box is finite, within -180..180 / -90..90 and min <= max; else 0. */
int grid_bbox_valid(double minlon, double minlat, double maxlon, double maxlat);

#endif
