/*
 * grid — the zoom-dependent cell grid the map's cluster endpoint aggregates
 * on, in Web Mercator tile arithmetic (the slippy-map scheme Leaflet and
 * OpenStreetMap tiles use): at zoom z the world between +-GRID_MAX_LAT is
 * split into 2^z tiles across and down, and each tile into cells_per_tile x
 * cells_per_tile cells, so a cell is 360 / (2^z * cells_per_tile) degrees of
 * longitude wide. Cell x counts eastwards from -180, cell y southwards from
 * +GRID_MAX_LAT, both from 0.
 *
 * Pure math: no I/O, no state, safe from any thread.
 */
#ifndef TRYGG_GRID_H
#define TRYGG_GRID_H

#include <stdint.h>

#define GRID_MAX_ZOOM 22
#define GRID_MAX_CELLS_PER_TILE 256
/* The latitude where Web Mercator becomes square: atan(sinh(pi)) in degrees. */
#define GRID_MAX_LAT 85.0511287798

/*
 * Writes to *ix, *iy the cell holding lon/lat (degrees) at zoom; with
 * cells_per_tile 1 these are the standard tile numbers x, y. lon 180 and
 * lat +-GRID_MAX_LAT fall into the edge cells.
 * Returns 0, or -1 (outputs untouched) when lon or lat is not finite, lon is
 * outside -180..180, lat beyond +-GRID_MAX_LAT, zoom outside 0..GRID_MAX_ZOOM
 * or cells_per_tile outside 1..GRID_MAX_CELLS_PER_TILE.
 */
int grid_cell_index(double lon, double lat, int zoom, int cells_per_tile, int64_t *ix, int64_t *iy);

/*
 * Writes to *lon, *lat the centre (in Web Mercator, so not quite the middle
 * latitude) of cell ix, iy at zoom with cells_per_tile: the inverse of
 * grid_cell_index(). Arguments are expected to be in the ranges that
 * grid_cell_index() accepts and produces; others give meaningless but finite
 * numbers.
 */
void grid_cell_center(int64_t ix, int64_t iy, int zoom, int cells_per_tile, double *lon,
                      double *lat);

/*
 * Writes to the four outputs the edges (degrees) of cell ix, iy at zoom with
 * cells_per_tile: west, south, east, north. Same argument ranges as
 * grid_cell_center().
 */
void grid_cell_bounds(int64_t ix, int64_t iy, int zoom, int cells_per_tile, double *minlon,
                      double *minlat, double *maxlon, double *maxlat);

/*
 * Returns 1 when the box (degrees) is finite, lon within -180..180, lat
 * within -90..90, minlon <= maxlon and minlat <= maxlat; otherwise 0. A box
 * crossing the antimeridian (minlon > maxlon) is rejected: trygg's areas are
 * all in Sweden.
 */
int grid_bbox_valid(double minlon, double minlat, double maxlon, double maxlat);

#endif
