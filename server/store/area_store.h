/*
 * area_store — every SQL statement about the areas table (local network
 * areas) and the municipality table (the one boundary of this instance).
 * Geometry parsing, reprojection and validity are SpatiaLite's
 * (GeomFromGeoJSON, ST_Transform with this connection's PROJ context,
 * ST_IsValid): no hand-written geometry here. Never begins or commits
 * (workflow.h).
 */
#ifndef TRYGG_AREA_STORE_H
#define TRYGG_AREA_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define AREA_CODE_MAX 64  /* bytes */
#define AREA_NAME_MAX 200 /* bytes */

/* Every area with a geometry as a GeoJSON FeatureCollection of polygons with
 * properties {id, code, name}, ordered by name. NULL on error. */
json_t *area_store_geojson(struct dbc *c);

/*
 * Inserts or replaces (by code) the area code/name with the GeoJSON geometry
 * text geojson in EPSG srid (4326 or 3006), stored as a WGS 84 MultiPolygon.
 * A geometry SpatiaLite cannot read is stored as NULL: check with
 * area_store_first_invalid before committing. Returns 0, 1 when the row breaks
 * a rule of the table, -1 on error.
 */
int area_store_upsert(struct dbc *c, const char *code, const char *name, const char *geojson,
                      int srid);

/* The code of an area without a valid polygon into code: 1 found, 0 every
 * area is valid, -1 on error. */
int area_store_first_invalid(struct dbc *c, char *code, size_t cap);

/*
 * The id of the area containing lon/lat (WGS 84), the lowest id where areas
 * overlap; 0 when none, -1 on error.
 */
int64_t area_store_at(struct dbc *c, double lon, double lat);

/*
 * As area_store_at, with the area's code and name copied into code (cap
 * code_cap) and name (cap name_cap): 1 found, 0 none, -1 on error.
 */
int area_store_at_named(struct dbc *c, double lon, double lat, char *code, size_t code_cap,
                        char *name, size_t name_cap);

/* ---- municipality ----------------------------------------------------- */

/*
 * Replaces the municipality's code, name and boundary: the union of the
 * GeoJSON MultiPolygon text geojson in EPSG srid, stored in WGS 84. Returns 0,
 * 1 when the row breaks a rule of the table, -1 on error.
 */
int area_store_set_boundary(struct dbc *c, const char *code, const char *name, const char *geojson,
                            int srid);

/* 1 when the stored boundary is a valid polygon, 0 when not (or none), -1 on error. */
int area_store_boundary_valid(struct dbc *c);

/* 1 when lon/lat lies inside the municipality or no boundary is configured,
 * 0 outside, -1 on error. */
int area_store_inside_municipality(struct dbc *c, double lon, double lat);

/* 1 when the GeoJSON line (WGS 84) lies within the municipality (or no
 * boundary is configured), 0 when any part leaves it, -1 on error. */
int area_store_line_inside_municipality(struct dbc *c, const char *line_geojson);

/* The id of the area with code, 0 when none, -1 on error. */
int64_t area_store_id_by_code(struct dbc *c, const char *code);

/* The municipality as stored. */
struct municipality {
    char code[16], name[128];
    int has_bbox;   /* 0: no boundary geometry */
    double bbox[4]; /* minlon, minlat, maxlon, maxlat */
};

/* Loads the municipality into *out: 1 found, 0 none stored, -1 on error. */
int area_store_municipality(struct dbc *c, struct municipality *out);

struct ogc_query;

/* Areas matching q (bbox, code, feature_id) as GeoJSON Features, and the total
 * into *matched. NULL on error. */
json_t *area_store_ogc_items(struct dbc *c, const struct ogc_query *q, int64_t *matched);

#endif
