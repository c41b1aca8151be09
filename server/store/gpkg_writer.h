/*
 * gpkg_writer — writes a GeoPackage file (OGC GeoPackage 1.2, read by QGIS,
 * GDAL and ArcGIS) with one point layer, through SpatiaLite's GeoPackage
 * functions on a connection of its own to that file. Owns the SQL of the file
 * it writes, nothing of trygg's database.
 */
#ifndef TRYGG_GPKG_WRITER_H
#define TRYGG_GPKG_WRITER_H

#include <stddef.h>

struct gpkg_writer;

/*
 * Creates the file path with a layer called layer (points in WGS 84, EPSG:4326)
 * whose attribute columns are the TEXT columns named in columns[0..n). Returns
 * the writer, or NULL (err filled).
 */
struct gpkg_writer *gpkg_open(const char *path, const char *layer, const char *const *columns,
                              size_t n, char *err, size_t errlen);

/* Adds one point with values[0..n) (NULL = no value). 0 or -1. */
int gpkg_add(struct gpkg_writer *w, double lon, double lat, const char *const *values);

/* Adds the spatial index, commits and closes. 0 or -1 (the file is then unusable). */
int gpkg_close(struct gpkg_writer *w);

#endif
