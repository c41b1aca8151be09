/*
 * tile_store — basemap tiles from a local MBTiles file (SQLite: the table
 * tiles(zoom_level, tile_column, tile_row, tile_data), rows in TMS order, so
 * row = 2^z - 1 - y for the web's XYZ y). Read-only, one shared connection,
 * opened on first use; the product works without it.
 */
#ifndef TRYGG_TILE_STORE_H
#define TRYGG_TILE_STORE_H

#include <stddef.h>
#include <stdint.h>

#define TILE_STORE_MAX_ZOOM 22

/*
 * Reads tile z/x/y (XYZ) from the MBTiles file at path. On success *data is a
 * malloc'ed copy (the caller frees it), *len its size, *version a number that
 * changes when the file changes (for an ETag), and 1 is returned; 0 when there
 * is no such tile; -1 when the file cannot be read.
 */
int tile_store_get(const char *path, int z, int64_t x, int64_t y, void **data, size_t *len,
                   uint64_t *version);

/* The MIME type of a tile by its first bytes: image/png, image/jpeg, image/webp, or NULL. */
const char *tile_store_mime(const void *data, size_t len);

#endif
