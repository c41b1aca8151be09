/*
 * crs — PROJ wrapper for EPSG:4326 <-> EPSG:3006. See crs.h.
 * Must not know about HTTP, JSON or databases.
 *
 * THREAD SAFETY NOTES: PROJ objects are not thread-safe: a PJ_CONTEXT and every
 * PJ created from it may only be used by one thread at a time, and proj_trans()
 * records errors on the PJ. Each crs_ctx carries its own PJ_CONTEXT and PJ and a
 * mutex that every transformation holds, so one crs_ctx may be shared by many
 * threads (the server shares one: a context with proj.db open costs about half a
 * megabyte, and a transformation a microsecond). Nothing in this file is static.
 * Opening contexts concurrently from several threads is safe (PROJ >= 6 creates
 * each context independently).
 */
#include "crs.h"

#include <math.h>
#include <proj.h>
#include <pthread.h>
#include <stdlib.h>

#define CRS_WGS84 "EPSG:4326"
#define CRS_SWEREF99TM "EPSG:3006"

struct crs_ctx {
    PJ_CONTEXT *ctx;
    /*
     * One transformation used in both directions: PJ_FWD is lon,lat ->
     * e,n and PJ_INV is e,n -> lon,lat. EPSG:4326 -> EPSG:3006 has a single
     * candidate operation (SWEREF 99 and WGS 84 are treated as equal at the
     * 1 m level), so the inverse is exactly the 3006 -> 4326 transformation.
     */
    PJ *wgs84_sweref99tm;
    pthread_mutex_t lock; /* held by every transformation */
};

crs_ctx *crs_open(void)
{
    PJ *raw = NULL;
    crs_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    pthread_mutex_init(&c->lock, NULL);
    c->ctx = proj_context_create();
    if (!c->ctx)
        goto fail;
    proj_context_set_enable_network(c->ctx, 0);
    raw = proj_create_crs_to_crs(c->ctx, CRS_WGS84, CRS_SWEREF99TM, NULL);
    if (!raw)
        goto fail;
    /* EPSG:4326 is lat,lon and EPSG:3006 is n,e by definition; swap to the
     * lon,lat / e,n order everything else in trygg uses. */
    c->wgs84_sweref99tm = proj_normalize_for_visualization(c->ctx, raw);
    if (!c->wgs84_sweref99tm)
        goto fail;
    proj_destroy(raw);
    return c;
fail:
    proj_destroy(raw); /* NULL is allowed */
    crs_close(c);
    return NULL;
}

void crs_close(crs_ctx *c)
{
    if (!c)
        return;
    proj_destroy(c->wgs84_sweref99tm);
    if (c->ctx)
        proj_context_destroy(c->ctx);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* Runs the transformation in direction dir on (x, y); writes the result to
 * *ox, *oy only when it is finite. Returns 0 or -1. */
static int crs_transform(crs_ctx *c, PJ_DIRECTION dir, double x, double y, double *ox, double *oy)
{
    if (!c || !isfinite(x) || !isfinite(y))
        return -1;
    pthread_mutex_lock(&c->lock);
    proj_errno_reset(c->wgs84_sweref99tm);
    PJ_COORD out = proj_trans(c->wgs84_sweref99tm, dir, proj_coord(x, y, 0, 0));
    /* PROJ reports failure as HUGE_VAL (infinity) coordinates and an errno. */
    int failed = proj_errno(c->wgs84_sweref99tm) != 0;
    proj_errno_reset(c->wgs84_sweref99tm);
    pthread_mutex_unlock(&c->lock);
    if (failed || !isfinite(out.xy.x) || !isfinite(out.xy.y))
        return -1;
    *ox = out.xy.x;
    *oy = out.xy.y;
    return 0;
}

int crs_wgs84_to_sweref99tm(crs_ctx *c, double lon, double lat, double *e, double *n)
{
    if (!(lon >= -180.0 && lon <= 180.0 && lat >= -90.0 && lat <= 90.0))
        return -1; /* also rejects NaN */
    return crs_transform(c, PJ_FWD, lon, lat, e, n);
}

int crs_sweref99tm_to_wgs84(crs_ctx *c, double e, double n, double *lon, double *lat)
{
    return crs_transform(c, PJ_INV, e, n, lon, lat);
}
