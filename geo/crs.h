/*
 * crs — coordinate transformations between WGS 84 (EPSG:4326) and the Swedish
 * national grid SWEREF 99 TM (EPSG:3006), through PROJ.
 *
 * THREAD SAFETY NOTES: a crs_ctx owns its own PJ_CONTEXT and transformation
 * objects; PROJ requires every operation on a context to run in one thread, so
 * a crs_ctx belongs to the thread that opened it. Open one per thread.
 */
#ifndef TRYGG_CRS_H
#define TRYGG_CRS_H

typedef struct crs_ctx crs_ctx;

/*
 * Creates a context with the 4326 -> 3006 transformation, normalised for
 * visualisation so that the order is always lon, lat and easting, northing.
 * Returns NULL when PROJ cannot create it (e.g. proj.db missing).
 * Free with crs_close().
 */
crs_ctx *crs_open(void);

/* Frees c and its PROJ objects. NULL is allowed. */
void crs_close(crs_ctx *c);

/* lon/lat in degrees -> easting/northing in metres. 0 on success, -1 on error. */
int crs_wgs84_to_sweref99tm(crs_ctx *c, double lon, double lat, double *e, double *n);

/* easting/northing in metres -> lon/lat in degrees. 0 on success, -1 on error. */
int crs_sweref99tm_to_wgs84(crs_ctx *c, double e, double n, double *lon, double *lat);

#endif
