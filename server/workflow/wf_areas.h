/*
 * wf_areas — importing the local network areas, the named places (the
 * gazetteer a pin is described against) and setting the municipality
 * boundary from GeoJSON (WGS 84 or SWEREF 99 TM), each in one transaction
 * (workflow.h): on any error the areas or the boundary stay exactly as they
 * were. Reading GeoJSON and choosing the coordinate system is done here;
 * geometry parsing, reprojection (ST_Transform with the connection's PROJ
 * context) and validity are SpatiaLite's, through area_store.
 */
#ifndef TRYGG_WF_AREAS_H
#define TRYGG_WF_AREAS_H

#include <stddef.h>

#include "workflow.h"

#define WF_AREAS_MAX_FEATURES 10000 /* features in one import */

/*
 * Imports the features of the GeoJSON file at path (a FeatureCollection, or a
 * single Feature) as areas. Each feature needs a Polygon or MultiPolygon and a
 * name (properties.name, .namn or .kom_namn); its code is properties.code,
 * .id or .kod, else made from the name. An area with the same code is
 * replaced. Coordinates are SWEREF 99 TM when the collection's "crs" names
 * 3006 or its first x lies beyond ±180, else WGS 84. Returns the number of
 * areas imported, or -1 with *err (ERR_MALFORMED_JSON, ERR_INVALID_TYPE,
 * ERR_INVALID_FORMAT naming the feature, or a database failure); messages
 * start with the path.
 */
int wf_areas_import_file(struct dbc *c, const char *path, struct wf_error *err);

/*
 * As wf_areas_import_file, for the GeoJSON FeatureCollection text
 * geojson[0..len) (the HTTP import; its nesting depth is the caller's to
 * bound). Returns the count or -1 with *err (field "features" where it fits).
 */
int wf_areas_import_text(struct dbc *c, const char *geojson, size_t len, struct wf_error *err);

/*
 * Imports the Point features of the GeoJSON file at path (a FeatureCollection,
 * or a single Feature) as named places: each needs properties.name (or
 * .namn), at most PLACE_NAME_MAX bytes of UTF-8; a place with the same name is
 * moved. The coordinate system is chosen as for the areas; WGS 84 points must
 * lie within ±180/±90, SWEREF 99 TM ones within the grid's extent. All or
 * nothing. Returns the number imported, or -1 with *err as
 * wf_areas_import_file.
 */
int wf_places_import_file(struct dbc *c, const char *path, struct wf_error *err);

/*
 * Sets the municipality's code, name and boundary: the union of the polygons
 * of the GeoJSON file at path (coordinate system chosen as above). Returns 0,
 * or -1 with *err (the file cannot be read, or it holds no valid polygon, or a
 * database failure).
 */
int wf_boundary_set(struct dbc *c, const char *path, const char *code, const char *name,
                    struct wf_error *err);

#endif
