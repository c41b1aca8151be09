/*
 * cell — the square cells of SWEREF 99 TM (EPSG:3006) that hot spots are
 * counted in: a cell of side cell_m metres is named by its south-west corner,
 * a whole multiple of cell_m in both easting and northing. Pure arithmetic.
 */
#ifndef TRYGG_CELL_H
#define TRYGG_CELL_H

#include <stdint.h>

/* The south-west corner (*oe, *on) of the cell of side cell_m (> 0) holding (e, n). */
void cell_origin(double e, double n, int cell_m, int64_t *oe, int64_t *on);

#endif
