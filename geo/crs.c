/*
 * crs — PROJ wrapper for EPSG:4326 <-> EPSG:3006. See crs.h.
 * Must not know about HTTP, JSON or databases.
 *
 * THREAD SAFETY NOTES: everything here uses only the crs_ctx passed in; the
 * context is never shared between threads.
 */
#include "crs.h"

#include <math.h>
#include <proj.h>
#include <stdlib.h>

struct crs_ctx {
    PJ_CONTEXT *ctx;
    PJ *wgs84_to_sweref; /* normalised: input lon,lat; output e,n */
};

crs_ctx *crs_open(void)
{
    crs_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->ctx = proj_context_create();
    if (!c->ctx)
        goto fail;
    /* No network grids: everything must work offline. */
    proj_context_set_enable_network(c->ctx, 0);
    PJ *raw = proj_create_crs_to_crs(c->ctx, "EPSG:4326", "EPSG:3006", NULL);
    if (!raw)
        goto fail;
    c->wgs84_to_sweref = proj_normalize_for_visualization(c->ctx, raw);
    proj_destroy(raw);
    if (!c->wgs84_to_sweref)
        goto fail;
    return c;
fail:
    crs_close(c);
    return NULL;
}

void crs_close(crs_ctx *c)
{
    if (!c)
        return;
    if (c->wgs84_to_sweref)
        proj_destroy(c->wgs84_to_sweref);
    if (c->ctx)
        proj_context_destroy(c->ctx);
    free(c);
}

static int transform(crs_ctx *c, PJ_DIRECTION dir, double x, double y, double *ox, double *oy)
{
    if (!c || !isfinite(x) || !isfinite(y))
        return -1;
    PJ_COORD in = proj_coord(x, y, 0, 0);
    PJ_COORD out = proj_trans(c->wgs84_to_sweref, dir, in);
    if (!isfinite(out.xy.x) || !isfinite(out.xy.y) || out.xy.x == HUGE_VAL)
        return -1;
    *ox = out.xy.x;
    *oy = out.xy.y;
    return 0;
}

int crs_wgs84_to_sweref99tm(crs_ctx *c, double lon, double lat, double *e, double *n)
{
    if (lon < -180 || lon > 180 || lat < -90 || lat > 90)
        return -1;
    return transform(c, PJ_FWD, lon, lat, e, n);
}

int crs_sweref99tm_to_wgs84(crs_ctx *c, double e, double n, double *lon, double *lat)
{
    return transform(c, PJ_INV, e, n, lon, lat);
}
