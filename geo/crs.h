/*
 * crs — coordinate transformations between WGS 84 (EPSG:4326, what GPS and
 * the web map speak) and the Swedish national grid SWEREF 99 TM (EPSG:3006,
 * what the municipality's GIS and the duplicate search in metres use),
 * through PROJ.
 *
 * Must not know about HTTP, JSON or databases.
 *
 * THREAD SAFETY NOTES: a crs_ctx owns its own PJ_CONTEXT and transformation
 * object; PROJ allows a context (and every PJ made from it) to be used by one
 * thread at a time only, so every transformation holds the crs_ctx's own mutex.
 * One crs_ctx may therefore be shared by every thread of a process (server/db.c
 * shares one between all database connections); close it only when no thread
 * uses it any more.
 */
#ifndef TRYGG_CRS_H
#define TRYGG_CRS_H

typedef struct crs_ctx crs_ctx;

/*
 * Creates a context holding the EPSG:4326 <-> EPSG:3006 transformation,
 * normalised with proj_normalize_for_visualization() so that the axis order is
 * always lon, lat (degrees) and easting, northing (metres) whatever the EPSG
 * definitions say. Network access for grids is disabled: everything works
 * offline from the installed proj.db.
 * Returns NULL when PROJ cannot create it (out of memory, proj.db missing).
 * The caller frees it with crs_close().
 */
crs_ctx *crs_open(void);

/* Frees c and its PROJ objects. c may be NULL. */
void crs_close(crs_ctx *c);

/*
 * WGS 84 lon/lat in degrees -> SWEREF 99 TM easting/northing in metres,
 * written to *e and *n. Returns 0, or -1 (leaving *e and *n untouched) when c
 * is NULL, lon is outside -180..180, lat outside -90..90, either is not finite
 * or PROJ gives a non-finite result.
 */
int crs_wgs84_to_sweref99tm(crs_ctx *c, double lon, double lat, double *e, double *n);

/*
 * SWEREF 99 TM easting/northing in metres -> WGS 84 lon/lat in degrees,
 * written to *lon and *lat. Returns 0, or -1 (outputs untouched) when c is
 * NULL, an input is not finite or PROJ gives a non-finite result.
 */
int crs_sweref99tm_to_wgs84(crs_ctx *c, double e, double n, double *lon, double *lat);

#endif
