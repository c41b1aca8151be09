/*
 * routefile — see routefile.h. GeoJSON through jansson; GPX through the
 * bounded scanner below, which understands just enough XML (tags, quoted
 * attributes, comments, CDATA, processing instructions) to walk the element
 * tree, and refuses DOCTYPE.
 */
#include "routefile.h"

#include "validate.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared ------------------------------------------------------------- */

/* Sets err->code and formats err->message; returns code so callers can `return fail(...)`. */
__attribute__((format(printf, 3, 4))) static int routefile_fail(struct routefile_error *err,
                                                                int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->code = code;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* Checks one position; fills err and returns its code when out of range. index is 1-based. */
static int routefile_check_range(double lon, double lat, size_t index, struct routefile_error *err)
{
    if (!(lon >= -180 && lon <= 180))
        return routefile_fail(err, ROUTEFILE_OUT_OF_RANGE,
                              "point %zu: longitude %g is outside -180..180", index, lon);
    if (!(lat >= -90 && lat <= 90))
        return routefile_fail(err, ROUTEFILE_OUT_OF_RANGE,
                              "point %zu: latitude %g is outside -90..90", index, lat);
    return ROUTEFILE_OK;
}

/* ---- GeoJSON ------------------------------------------------------------ */

/* GeoJSON types that are valid but are not one LineString. */
static int routefile_other_geojson_type(const char *t)
{
    static const char *const others[] = {
        "Point", "MultiPoint", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection",
    };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        if (strcmp(t, others[i]) == 0)
            return 1;
    return 0;
}

/* Reads a LineString geometry object's coordinates into a new array. */
static int routefile_geojson_line(json_t *geom, size_t max_points, struct route_point **out,
                                  size_t *n, struct routefile_error *err)
{
    json_t *coords = json_object_get(geom, "coordinates");
    if (!json_is_array(coords))
        return routefile_fail(err, ROUTEFILE_INVALID_GEOJSON,
                              "LineString has no \"coordinates\" array");
    size_t count = json_array_size(coords);
    if (count > max_points)
        return routefile_fail(err, ROUTEFILE_TOO_MANY_POINTS,
                              "the route has %zu points; at most %zu are allowed", count,
                              max_points);
    if (count < 2)
        return routefile_fail(err, ROUTEFILE_TOO_FEW_POINTS,
                              "the route has %zu point(s); a line needs at least 2", count);
    struct route_point *pts = malloc(count * sizeof *pts);
    if (!pts)
        return routefile_fail(err, ROUTEFILE_INTERNAL, "out of memory");
    int rc;
    for (size_t i = 0; i < count; i++) {
        json_t *pos = json_array_get(coords, i);
        size_t dims = json_array_size(pos);
        if (!json_is_array(pos) || dims < 2 || dims > 3 ||
            !json_is_number(json_array_get(pos, 0)) || !json_is_number(json_array_get(pos, 1)) ||
            (dims == 3 && !json_is_number(json_array_get(pos, 2)))) {
            rc = routefile_fail(err, ROUTEFILE_INVALID_GEOJSON,
                                "point %zu: a position is an array of 2 or 3 numbers", i + 1);
            goto fail;
        }
        pts[i].lon = json_number_value(json_array_get(pos, 0));
        pts[i].lat = json_number_value(json_array_get(pos, 1));
        rc = routefile_check_range(pts[i].lon, pts[i].lat, i + 1, err);
        if (rc != ROUTEFILE_OK)
            goto fail;
    }
    *out = pts;
    *n = count;
    return ROUTEFILE_OK;
fail:
    free(pts);
    return rc;
}

/* The "type" member of o, or NULL when o is not an object with a string type. */
static const char *routefile_type(json_t *o)
{
    return json_is_object(o) ? json_string_value(json_object_get(o, "type")) : NULL;
}

static int routefile_geojson(const char *text, size_t len, size_t max_points,
                             struct route_point **out, size_t *n, struct routefile_error *err)
{
    json_error_t jerr;
    json_t *root = NULL, *geom = NULL;
    int rc;

    if (!json_depth_ok(text, len, ROUTEFILE_JSON_MAX_DEPTH))
        return routefile_fail(err, ROUTEFILE_INVALID_GEOJSON, "nested deeper than %d levels",
                              ROUTEFILE_JSON_MAX_DEPTH);
    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        rc = routefile_fail(err, ROUTEFILE_INVALID_GEOJSON, "not JSON: %s (line %d)", jerr.text,
                            jerr.line);
        goto out;
    }
    const char *type = routefile_type(root);
    if (!type) {
        rc = routefile_fail(err, ROUTEFILE_INVALID_GEOJSON, "no GeoJSON \"type\" member");
        goto out;
    }
    if (strcmp(type, "LineString") == 0) {
        geom = root;
    } else if (strcmp(type, "Feature") == 0) {
        geom = json_object_get(root, "geometry");
        const char *gt = routefile_type(geom);
        if (!gt || strcmp(gt, "LineString") != 0) {
            rc = routefile_fail(err, ROUTEFILE_NOT_LINESTRING,
                                "the Feature's geometry is %s, not a LineString",
                                gt ? gt : "missing");
            goto out;
        }
    } else if (strcmp(type, "FeatureCollection") == 0) {
        json_t *features = json_object_get(root, "features"), *f;
        size_t i, lines = 0;
        if (!json_is_array(features)) {
            rc = routefile_fail(err, ROUTEFILE_INVALID_GEOJSON,
                                "FeatureCollection has no \"features\" array");
            goto out;
        }
        json_array_foreach(features, i, f)
        {
            const char *gt = routefile_type(json_object_get(f, "geometry"));
            if (gt && strcmp(gt, "LineString") == 0) {
                lines++;
                geom = json_object_get(f, "geometry");
            }
        }
        if (lines != 1) {
            rc = routefile_fail(err, ROUTEFILE_NOT_LINESTRING,
                                "the FeatureCollection has %zu LineString features; exactly one "
                                "is needed",
                                lines);
            goto out;
        }
    } else if (routefile_other_geojson_type(type)) {
        rc = routefile_fail(err, ROUTEFILE_NOT_LINESTRING, "a %s is not a LineString", type);
        goto out;
    } else {
        rc = routefile_fail(err, ROUTEFILE_INVALID_GEOJSON, "unknown GeoJSON type");
        goto out;
    }
    rc = routefile_geojson_line(geom, max_points, out, n, err);
out:
    json_decref(root);
    return rc;
}

/* ---- GPX ---------------------------------------------------------------- */

/* Points gathered for one kind of line (track or route), growing up to the limit. */
struct gpx_points {
    struct route_point *pts;
    size_t n, cap;
};

struct gpx_name {
    const char *s; /* local name (after any namespace prefix), not NUL-terminated */
    size_t len;
};

struct gpx_scan {
    const char *p, *end;
    size_t max_points;
    struct gpx_name stack[ROUTEFILE_GPX_MAX_DEPTH];
    int depth;
    int seen_root; /* the root element has started (and maybe ended) */
    size_t trks, rtes;
    struct gpx_points trk, rte;
    struct routefile_error *err;
};

static int gpx_name_is(const struct gpx_name *nm, const char *s)
{
    return nm->len == strlen(s) && memcmp(nm->s, s, nm->len) == 0;
}

/* 1 when the element stack, from the root, is exactly the names given (NULL-terminated). */
static int gpx_path_is(const struct gpx_scan *g, const char *const *names)
{
    int i = 0;
    for (; names[i]; i++)
        if (i >= g->depth || !gpx_name_is(&g->stack[i], names[i]))
            return 0;
    return i == g->depth;
}

static int gpx_name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == ':' || c >= 0x80;
}

static void gpx_skip_blanks(struct gpx_scan *g)
{
    while (g->p < g->end && (*g->p == ' ' || *g->p == '\t' || *g->p == '\r' || *g->p == '\n'))
        g->p++;
}

/* Reads an XML name at g->p into *nm as its local part. 0, or -1 when there is none. */
static int gpx_read_name(struct gpx_scan *g, struct gpx_name *nm)
{
    const char *start = g->p;
    while (g->p < g->end && gpx_name_char((unsigned char)*g->p))
        g->p++;
    if (g->p == start)
        return -1;
    const char *local = start;
    for (const char *q = start; q < g->p; q++)
        if (*q == ':')
            local = q + 1;
    if (local == g->p)
        return -1;
    nm->s = local;
    nm->len = (size_t)(g->p - local);
    return 0;
}

/* Moves g->p past the next occurrence of the string pat; -1 when it does not occur. */
static int gpx_skip_past(struct gpx_scan *g, const char *pat)
{
    size_t m = strlen(pat);
    for (const char *q = g->p; (size_t)(g->end - q) >= m; q++)
        if (memcmp(q, pat, m) == 0) {
            g->p = q + m;
            return 0;
        }
    return -1;
}

/*
 * Parses a lat or lon attribute value: optional blanks, a plain decimal number
 * (sign, digits, point, exponent; no hex, inf or nan), optional blanks.
 */
static int gpx_number(const char *s, size_t len, double *out)
{
    char buf[ROUTEFILE_NUMBER_MAX + 1];
    while (len && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
        s++;
        len--;
    }
    while (len &&
           (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
        len--;
    if (len == 0 || len > ROUTEFILE_NUMBER_MAX)
        return -1;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
            return -1;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *endp;
    double v = strtod(buf, &endp);
    if (endp != buf + len || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* Appends a point to a list, enforcing max_points. */
static int gpx_add_point(struct gpx_scan *g, struct gpx_points *list, double lon, double lat)
{
    if (list->n == g->max_points)
        return routefile_fail(g->err, ROUTEFILE_TOO_MANY_POINTS,
                              "the route has more than %zu points", g->max_points);
    int rc = routefile_check_range(lon, lat, list->n + 1, g->err);
    if (rc != ROUTEFILE_OK)
        return rc;
    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 64;
        if (cap > g->max_points)
            cap = g->max_points;
        struct route_point *p = realloc(list->pts, cap * sizeof *p);
        if (!p)
            return routefile_fail(g->err, ROUTEFILE_INTERNAL, "out of memory");
        list->pts = p;
        list->cap = cap;
    }
    list->pts[list->n].lon = lon;
    list->pts[list->n].lat = lat;
    list->n++;
    return ROUTEFILE_OK;
}

/* Parses a start tag; g->p is just past '<'. Records trk/rte counts and points. */
static int gpx_start_tag(struct gpx_scan *g)
{
    static const char *const trkpt_parent[] = {"gpx", "trk", "trkseg", NULL};
    static const char *const rtept_parent[] = {"gpx", "rte", NULL};
    static const char *const root_only[] = {"gpx", NULL};
    struct gpx_name nm;
    double lat = 0, lon = 0;
    int has_lat = 0, has_lon = 0, self_closing = 0;

    if (gpx_read_name(g, &nm) != 0)
        return routefile_fail(g->err, ROUTEFILE_INVALID_GPX, "a tag without a name");
    if (g->depth == 0) {
        if (g->seen_root)
            return routefile_fail(g->err, ROUTEFILE_INVALID_GPX, "more than one root element");
        if (!gpx_name_is(&nm, "gpx"))
            return routefile_fail(g->err, ROUTEFILE_INVALID_GPX, "the root element is not <gpx>");
        g->seen_root = 1;
    }
    int is_trkpt = gpx_name_is(&nm, "trkpt") && gpx_path_is(g, trkpt_parent);
    int is_rtept = gpx_name_is(&nm, "rtept") && gpx_path_is(g, rtept_parent);
    if (gpx_path_is(g, root_only)) {
        if (gpx_name_is(&nm, "trk"))
            g->trks++;
        else if (gpx_name_is(&nm, "rte"))
            g->rtes++;
    }
    /* Attributes. */
    for (;;) {
        const char *before = g->p;
        gpx_skip_blanks(g);
        if (g->p >= g->end)
            return routefile_fail(g->err, ROUTEFILE_INVALID_GPX, "a tag is not closed");
        if (*g->p == '>') {
            g->p++;
            break;
        }
        if (*g->p == '/') {
            if (g->end - g->p < 2 || g->p[1] != '>')
                return routefile_fail(g->err, ROUTEFILE_INVALID_GPX, "a stray '/' in a tag");
            g->p += 2;
            self_closing = 1;
            break;
        }
        if (g->p == before)
            return routefile_fail(g->err, ROUTEFILE_INVALID_GPX,
                                  "attributes must be separated by blanks");
        struct gpx_name an;
        if (gpx_read_name(g, &an) != 0)
            return routefile_fail(g->err, ROUTEFILE_INVALID_GPX, "a bad attribute name");
        gpx_skip_blanks(g);
        if (g->p >= g->end || *g->p != '=')
            return routefile_fail(g->err, ROUTEFILE_INVALID_GPX, "an attribute without '='");
        g->p++;
        gpx_skip_blanks(g);
        if (g->p >= g->end || (*g->p != '"' && *g->p != '\''))
            return routefile_fail(g->err, ROUTEFILE_INVALID_GPX, "an attribute value not quoted");
        char quote = *g->p++;
        const char *v = g->p;
        while (g->p < g->end && *g->p != quote) {
            if (*g->p == '<')
                return routefile_fail(g->err, ROUTEFILE_INVALID_GPX,
                                      "'<' inside an attribute value");
            g->p++;
        }
        if (g->p >= g->end)
            return routefile_fail(g->err, ROUTEFILE_INVALID_GPX, "an attribute value not closed");
        size_t vlen = (size_t)(g->p - v);
        g->p++;
        if (!is_trkpt && !is_rtept)
            continue;
        int is_lat = gpx_name_is(&an, "lat"), is_lon = gpx_name_is(&an, "lon");
        if (is_lat || is_lon) {
            if ((is_lat && has_lat) || (is_lon && has_lon))
                return routefile_fail(g->err, ROUTEFILE_INVALID_GPX, "a repeated %s attribute",
                                      is_lat ? "lat" : "lon");
            if (gpx_number(v, vlen, is_lat ? &lat : &lon) != 0)
                return routefile_fail(g->err, ROUTEFILE_INVALID_GPX,
                                      "point %zu: %s is not a decimal number",
                                      (is_trkpt ? g->trk.n : g->rte.n) + 1, is_lat ? "lat" : "lon");
            *(is_lat ? &has_lat : &has_lon) = 1;
        }
    }
    if (is_trkpt || is_rtept) {
        if (!has_lat || !has_lon)
            return routefile_fail(g->err, ROUTEFILE_INVALID_GPX,
                                  "point %zu: lat and lon attributes are required",
                                  (is_trkpt ? g->trk.n : g->rte.n) + 1);
        int rc = gpx_add_point(g, is_trkpt ? &g->trk : &g->rte, lon, lat);
        if (rc != ROUTEFILE_OK)
            return rc;
    }
    if (!self_closing) {
        if (g->depth == ROUTEFILE_GPX_MAX_DEPTH)
            return routefile_fail(g->err, ROUTEFILE_INVALID_GPX, "nested deeper than %d elements",
                                  ROUTEFILE_GPX_MAX_DEPTH);
        g->stack[g->depth++] = nm;
    }
    return ROUTEFILE_OK;
}

/* Parses an end tag; g->p is just past "</". */
static int gpx_end_tag(struct gpx_scan *g)
{
    struct gpx_name nm;
    if (gpx_read_name(g, &nm) != 0)
        return routefile_fail(g->err, ROUTEFILE_INVALID_GPX, "an end tag without a name");
    gpx_skip_blanks(g);
    if (g->p >= g->end || *g->p != '>')
        return routefile_fail(g->err, ROUTEFILE_INVALID_GPX, "an end tag is not closed");
    g->p++;
    if (g->depth == 0 || g->stack[g->depth - 1].len != nm.len ||
        memcmp(g->stack[g->depth - 1].s, nm.s, nm.len) != 0)
        return routefile_fail(g->err, ROUTEFILE_INVALID_GPX, "an end tag does not match its start");
    g->depth--;
    return ROUTEFILE_OK;
}

/* Walks the whole document. ROUTEFILE_OK or the first error. */
static int gpx_scan_document(struct gpx_scan *g)
{
    int rc;
    while (g->p < g->end) {
        const char *lt = memchr(g->p, '<', (size_t)(g->end - g->p));
        const char *text_end = lt ? lt : g->end;
        if (memchr(g->p, '\0', (size_t)(text_end - g->p)))
            return routefile_fail(g->err, ROUTEFILE_INVALID_GPX, "a NUL byte in the file");
        if (g->depth == 0) {
            /* Outside the root only blanks may stand between markup. */
            for (const char *q = g->p; q < text_end; q++)
                if (*q != ' ' && *q != '\t' && *q != '\r' && *q != '\n')
                    return routefile_fail(g->err, ROUTEFILE_INVALID_GPX,
                                          "text outside the <gpx> element");
        }
        if (!lt)
            break;
        g->p = lt + 1;
        size_t left = (size_t)(g->end - g->p);
        if (left >= 1 && *g->p == '?') {
            if (gpx_skip_past(g, "?>") != 0)
                return routefile_fail(g->err, ROUTEFILE_INVALID_GPX,
                                      "a processing instruction is not closed");
        } else if (left >= 3 && memcmp(g->p, "!--", 3) == 0) {
            g->p += 3;
            if (gpx_skip_past(g, "-->") != 0)
                return routefile_fail(g->err, ROUTEFILE_INVALID_GPX, "a comment is not closed");
        } else if (left >= 8 && memcmp(g->p, "![CDATA[", 8) == 0) {
            if (g->depth == 0)
                return routefile_fail(g->err, ROUTEFILE_INVALID_GPX, "CDATA outside <gpx>");
            g->p += 8;
            if (gpx_skip_past(g, "]]>") != 0)
                return routefile_fail(g->err, ROUTEFILE_INVALID_GPX,
                                      "a CDATA section is not closed");
        } else if (left >= 1 && *g->p == '!') {
            /* DOCTYPE, ENTITY, ...: declarations are where entity attacks live. */
            return routefile_fail(g->err, ROUTEFILE_INVALID_GPX,
                                  "DOCTYPE and entity declarations are not accepted");
        } else if (left >= 1 && *g->p == '/') {
            g->p++;
            rc = gpx_end_tag(g);
            if (rc != ROUTEFILE_OK)
                return rc;
        } else {
            rc = gpx_start_tag(g);
            if (rc != ROUTEFILE_OK)
                return rc;
        }
    }
    if (!g->seen_root)
        return routefile_fail(g->err, ROUTEFILE_INVALID_GPX, "no <gpx> element");
    if (g->depth != 0)
        return routefile_fail(g->err, ROUTEFILE_INVALID_GPX, "<%.*s> is not closed",
                              (int)g->stack[g->depth - 1].len, g->stack[g->depth - 1].s);
    return ROUTEFILE_OK;
}

static int routefile_gpx(const char *text, size_t len, size_t max_points, struct route_point **out,
                         size_t *n, struct routefile_error *err)
{
    struct gpx_scan g;
    memset(&g, 0, sizeof g);
    g.p = text;
    g.end = text + len;
    g.max_points = max_points;
    g.err = err;
    struct gpx_points *chosen = NULL;

    int rc = gpx_scan_document(&g);
    if (rc != ROUTEFILE_OK)
        goto out;
    if (g.trks > 1 || (g.trks == 0 && g.rtes != 1)) {
        rc = routefile_fail(err, ROUTEFILE_NOT_LINESTRING,
                            "the file has %zu tracks and %zu routes; one track (or, without a "
                            "track, one route) is needed",
                            g.trks, g.rtes);
        goto out;
    }
    chosen = g.trks == 1 ? &g.trk : &g.rte;
    if (chosen->n < 2) {
        rc = routefile_fail(err, ROUTEFILE_TOO_FEW_POINTS,
                            "the %s has %zu point(s); a line needs at least 2",
                            g.trks == 1 ? "track" : "route", chosen->n);
        goto out;
    }
    *out = chosen->pts;
    *n = chosen->n;
    chosen->pts = NULL;
out:
    free(g.trk.pts);
    free(g.rte.pts);
    return rc;
}

/* ---- entry -------------------------------------------------------------- */

int routefile_parse(const char *text, size_t len, enum routefile_format format, size_t max_points,
                    struct route_point **pts, size_t *n, struct routefile_error *err)
{
    int rc;
    *pts = NULL;
    *n = 0;
    if (err) {
        err->code = ROUTEFILE_OK;
        err->message[0] = '\0';
    }
    if (max_points < 2)
        max_points = 2;
    if (!text)
        len = 0;
    if (len > ROUTEFILE_MAX_BYTES)
        return routefile_fail(err, ROUTEFILE_TOO_LARGE, "the file is larger than %d bytes",
                              ROUTEFILE_MAX_BYTES);
    /* A UTF-8 byte order mark is allowed in both formats (some editors write one). */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    if (format == ROUTEFILE_AUTO) {
        size_t i = 0;
        while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
            i++;
        if (i < len && text[i] == '{')
            format = ROUTEFILE_GEOJSON;
        else if (i < len && text[i] == '<')
            format = ROUTEFILE_GPX;
        else
            return routefile_fail(err, ROUTEFILE_UNKNOWN_FORMAT,
                                  "neither GeoJSON (starts with '{') nor GPX (starts with '<')");
    }
    if (format == ROUTEFILE_GEOJSON) {
        if (len == 0)
            return routefile_fail(err, ROUTEFILE_INVALID_GEOJSON, "empty");
        rc = routefile_geojson(text, len, max_points, pts, n, err);
    } else {
        if (len == 0)
            return routefile_fail(err, ROUTEFILE_INVALID_GPX, "empty");
        rc = routefile_gpx(text, len, max_points, pts, n, err);
    }
    if (rc != ROUTEFILE_OK) {
        free(*pts);
        *pts = NULL;
        *n = 0;
    }
    return rc;
}

const char *routefile_code_name(int code)
{
    switch (code) {
    case ROUTEFILE_OK:
        return "ok";
    case ROUTEFILE_INVALID_GEOJSON:
        return "invalid_geojson";
    case ROUTEFILE_INVALID_GPX:
        return "invalid_gpx";
    case ROUTEFILE_NOT_LINESTRING:
        return "not_linestring";
    case ROUTEFILE_TOO_MANY_POINTS:
        return "too_many_points";
    case ROUTEFILE_OUT_OF_RANGE:
        return "out_of_range";
    case ROUTEFILE_TOO_FEW_POINTS:
        return "too_few_points";
    case ROUTEFILE_TOO_LARGE:
        return "too_large";
    case ROUTEFILE_UNKNOWN_FORMAT:
        return "unknown_format";
    default:
        return "internal";
    }
}
