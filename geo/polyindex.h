/*
 * polyindex — which of many polygons holds a point, in well under a microsecond:
 * the areas an observation falls in and the municipality's boundary, asked on
 * every filing. SpatiaLite's ST_Contains builds a GEOS geometry graph of the
 * whole polygon for each question (milliseconds for a national boundary); this
 * index is built once from the same polygons and then only read.
 *
 * A polygon is given as WKB (OGC Well-Known Binary, what SpatiaLite's
 * AsBinary() writes): Polygon or MultiPolygon, XY (a Z or M ordinate is
 * skipped), either byte order. "Holds" means what ST_Contains means for a
 * point: strictly inside; a point on an edge or a vertex is held by none. The
 * rings of a valid (multi)polygon are tested with the even-odd rule, which for
 * valid geometries is the same as shells minus holes.
 *
 * How it is fast: each polygon's edges are sorted into horizontal bands, so a
 * point is tested only against the edges that reach its latitude's band; the
 * polygons are found through a coarse grid of their bounding boxes.
 *
 * Pure: no I/O, no SQL. THREAD SAFETY NOTES: building (polyindex_new,
 * polyindex_add_wkb, polyindex_finish) belongs to one thread; a finished index
 * is never changed again and may be read by any number of threads at once.
 */
#ifndef TRYGG_POLYINDEX_H
#define TRYGG_POLYINDEX_H

#include <stddef.h>
#include <stdint.h>

#define POLYINDEX_MAX_VERTICES 20000000 /* all polygons together */

struct polyindex;

/* An empty index, or NULL when out of memory. */
struct polyindex *polyindex_new(void);

/* Frees ix (NULL is fine). */
void polyindex_free(struct polyindex *ix);

/*
 * Adds polygon id (> 0) from len bytes of WKB. Returns 0; -1 when the WKB is
 * malformed or not a (Multi)Polygon, when the vertices would exceed
 * POLYINDEX_MAX_VERTICES, or when memory runs out (ix is unchanged then). Not
 * after polyindex_finish.
 */
int polyindex_add_wkb(struct polyindex *ix, int64_t id, const unsigned char *wkb, size_t len);

/* Prepares the index for lookups; nothing can be added after. 0, or -1 when out of memory. */
int polyindex_finish(struct polyindex *ix);

/* How many polygons ix holds. */
size_t polyindex_count(const struct polyindex *ix);

/*
 * The smallest id of the polygons that hold (x, y) strictly inside, or 0 when
 * none does (also for NaN). Only on a finished index.
 */
int64_t polyindex_find(const struct polyindex *ix, double x, double y);

/*
 * 1 when polygon id holds (x, y) strictly inside, 0 when it does not or ix has
 * no polygon id. Only on a finished index.
 */
int polyindex_contains(const struct polyindex *ix, int64_t id, double x, double y);

#endif
