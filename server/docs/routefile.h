/*
 * routefile — reads a walk's route from what an organiser uploads or draws:
 * GeoJSON (RFC 7946) or GPX 1.1 (1.0 reads the same). The result is a plain
 * array of lon/lat points for geo/route and the walk store.
 *
 * Validation at the edge: every failure has a stable machine code (for the
 * 422 answer's "code") and a human message naming the fault. No HTTP, no
 * database. Safe from any thread (jansson is thread-safe once
 * json_object_seed() has run, which main does before starting threads).
 *
 * GPX is read with a small hand-written scanner instead of libxml2: a route
 * needs only element nesting and two attributes, and the scanner cannot
 * expand entities or fetch anything because it has no such code: a DOCTYPE
 * (where entities would be declared) is refused outright.
 */
#ifndef TRYGG_ROUTEFILE_H
#define TRYGG_ROUTEFILE_H

#include "route.h"

#include <stddef.h>

/* Default of the configured limit on a route's points (the max_points argument). */
#define ROUTE_MAX_POINTS 2000
/* Largest route file looked at, in bytes (a 2000-point GPX with timestamps is ~200 KB). */
#define ROUTEFILE_MAX_BYTES (4 * 1024 * 1024)
/* Deepest nesting of arrays/objects in a GeoJSON file (properties included). */
#define ROUTEFILE_JSON_MAX_DEPTH 32
/* Deepest element nesting in a GPX file (gpx/trk/trkseg/trkpt/extensions/... is ~6). */
#define ROUTEFILE_GPX_MAX_DEPTH 32
/* Longest lat/lon attribute value in a GPX file, in bytes. */
#define ROUTEFILE_NUMBER_MAX 48
/* Size of the message buffer in struct routefile_error. */
#define ROUTEFILE_MESSAGE_MAX 160

enum routefile_format {
    ROUTEFILE_AUTO = 0, /* '{' first (after blanks and a BOM): GeoJSON; '<': GPX */
    ROUTEFILE_GEOJSON = 1,
    ROUTEFILE_GPX = 2,
};

enum routefile_code {
    ROUTEFILE_OK = 0,
    ROUTEFILE_INVALID_GEOJSON, /* "invalid_geojson": not JSON, or not GeoJSON-shaped */
    ROUTEFILE_INVALID_GPX,     /* "invalid_gpx": not well-formed, not <gpx>, DOCTYPE, bad lat/lon */
    ROUTEFILE_NOT_LINESTRING,  /* "not_linestring": valid, but not exactly one line */
    ROUTEFILE_TOO_MANY_POINTS, /* "too_many_points": more than max_points */
    ROUTEFILE_OUT_OF_RANGE,    /* "out_of_range": lon outside -180..180 or lat outside -90..90 */
    ROUTEFILE_TOO_FEW_POINTS,  /* "too_few_points": fewer than 2 points */
    ROUTEFILE_TOO_LARGE,       /* "too_large": text longer than ROUTEFILE_MAX_BYTES */
    ROUTEFILE_UNKNOWN_FORMAT,  /* "unknown_format": AUTO found neither '{' nor '<' */
    ROUTEFILE_INTERNAL,        /* "internal": out of memory */
};

struct routefile_error {
    int code;                            /* an enum routefile_code */
    char message[ROUTEFILE_MESSAGE_MAX]; /* English, for people, e.g. "point 12: latitude 95 ..." */
};

/*
 * Parses text[0..len) (need not be NUL-terminated) as a route. GeoJSON: a
 * LineString geometry, a Feature whose geometry is one, or a
 * FeatureCollection with exactly one LineString feature (features of other
 * types, such as a meeting Point, are ignored); positions have 2 or 3 numbers
 * (altitude ignored). GPX: the trkpt of the one <trk> (its <trkseg>s joined in
 * order) or, when there is no track, the rtept of the one <rte>; <wpt> are
 * ignored. At most max_points (>= 2; callers pass the configured value,
 * ROUTE_MAX_POINTS by default) points, each in range.
 *
 * On ROUTEFILE_OK *pts is an array from malloc() of *n >= 2 points (the
 * caller frees it with free()) and err->code is ROUTEFILE_OK. Otherwise
 * returns the code, fills err (if not NULL) and leaves *pts NULL, *n 0.
 */
int routefile_parse(const char *text, size_t len, enum routefile_format format, size_t max_points,
                    struct route_point **pts, size_t *n, struct routefile_error *err);

/* The stable machine name of a code ("invalid_geojson", ...); "internal" for unknown ones. */
const char *routefile_code_name(int code);

#endif
