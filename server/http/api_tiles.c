/*
 * api_tiles — GET /tiles/{z}/{x}/{y}: the basemap from the local MBTiles file
 * configured as tiles_mbtiles (tile_store), with caching headers, so maps
 * work without an outside tile server. Thin: parse, read, answer.
 */
#include "api.h"
#include "http.h"
#include "tile_store.h"
#include "validate.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TILES_MAX_AGE_S 86400

int api_tile_get(struct req *r)
{
    int64_t z, x, y;
    char ys[32];
    if (!r->cfg->tiles_mbtiles[0])
        return http_reply_error(r, ERR_NOT_FOUND, NULL, "this server has no local basemap");
    /* y may carry an extension: /tiles/12/2201/1191.png */
    snprintf(ys, sizeof ys, "%s", r->param[2] ? r->param[2] : "");
    char *dot = strchr(ys, '.');
    if (dot)
        *dot = '\0';
    if (parse_i64(r->param[0], 0, TILE_STORE_MAX_ZOOM, &z) != 0 ||
        parse_i64(r->param[1], 0, INT64_MAX, &x) != 0 || parse_i64(ys, 0, INT64_MAX, &y) != 0)
        return http_reply_error(r, ERR_NOT_FOUND, NULL, "no such tile");
    void *data = NULL;
    size_t len = 0;
    uint64_t version = 0;
    int rc = tile_store_get(r->cfg->tiles_mbtiles, (int)z, x, y, &data, &len, &version);
    if (rc < 0)
        return http_reply_error(r, ERR_UNAVAILABLE, NULL, "the basemap file cannot be read");
    if (rc == 0)
        return http_reply_error(r, ERR_NOT_FOUND, NULL, "no such tile");
    char etag[96], hdr[256];
    snprintf(etag, sizeof etag, "\"t%" PRIx64 "-%" PRId64 "-%" PRId64 "-%" PRId64 "\"", version, z,
             x, y);
    snprintf(hdr, sizeof hdr, "ETag: %s\r\nCache-Control: public, max-age=%d\r\n", etag,
             TILES_MAX_AGE_S);
    const char *inm = http_header(r, "If-None-Match");
    if (inm && strstr(inm, etag)) {
        free(data);
        return http_reply_bytes(r, 304, NULL, "", 0, hdr);
    }
    const char *mime = tile_store_mime(data, len);
    int status = http_reply_bytes(r, 200, mime ? mime : "application/octet-stream", data, len, hdr);
    free(data);
    return status;
}
