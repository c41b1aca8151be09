/*
 * areas — local network areas (and the municipality boundary): import from
 * GeoJSON in WGS 84 or SWEREF 99 TM, serve as GeoJSON.
 */
#ifndef TRYGG_AREAS_H
#define TRYGG_AREAS_H

#include <stddef.h>

#include "db.h"

struct req;

/* POST /api/v1/areas/import (admin): a GeoJSON FeatureCollection body. */
int areas_import_http(struct req *r);

/* GET /api/v1/areas: FeatureCollection of polygons with {id, code, name}. */
int areas_list(struct req *r);

/*
 * Imports the features of a GeoJSON file as areas, in one transaction: each
 * feature needs a Polygon or MultiPolygon and a code (properties.code, or .id)
 * and a name (properties.name, .namn or .kom_namn). Existing areas with the same
 * code are replaced. Coordinates in SWEREF 99 TM (a "crs" naming 3006, or
 * values beyond ±180) are transformed to WGS 84 with PROJ. Returns the number
 * of areas imported, or -1 with err (and nothing changed).
 */
int areas_import_file(struct dbc *c, const char *path, char *err, size_t errlen);

/*
 * Replaces the municipality boundary (the union of the file's polygons) and
 * its code and name. Returns 0, or -1 with err (and nothing changed).
 */
int areas_set_boundary(struct dbc *c, const char *path, const char *code, const char *name,
                       char *err, size_t errlen);

#endif
