/*
 * Unit tests for server/routefile.c and geo/route.c: every accepted GeoJSON
 * and GPX shape, every error code with its cause, DOCTYPE/entity files
 * refused, a seeded mutation loop that must never crash (run it under ASan),
 * and the route geometry (length, bbox, nearest distance) against hand
 * computations.
 */
#include "check.h"
#include "distance.h"
#include "route.h"
#include "routefile.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Mutated copies of each sample tried by the robustness loop. */
#define MUTATIONS 3000

static int parse(const char *text, enum routefile_format f, size_t max, struct route_point **pts,
                 size_t *n, struct routefile_error *err)
{
    return routefile_parse(text, strlen(text), f, max, pts, n, err);
}

/* Parses text and expects success with n points, the first and last as given. */
static void expect_ok(const char *label, const char *text, size_t n_want, double lon0, double lat0,
                      double lon_last, double lat_last)
{
    struct route_point *pts = NULL;
    size_t n = 0;
    struct routefile_error err;
    int rc = parse(text, ROUTEFILE_AUTO, ROUTE_MAX_POINTS, &pts, &n, &err);
    CHECK(rc == ROUTEFILE_OK);
    if (rc != ROUTEFILE_OK) {
        fprintf(stderr, "  %s: %s: %s\n", label, routefile_code_name(rc), err.message);
        return;
    }
    CHECK(n == n_want);
    if (n == n_want && n > 0) {
        CHECK_NEAR(pts[0].lon, lon0, 1e-12);
        CHECK_NEAR(pts[0].lat, lat0, 1e-12);
        CHECK_NEAR(pts[n - 1].lon, lon_last, 1e-12);
        CHECK_NEAR(pts[n - 1].lat, lat_last, 1e-12);
    }
    free(pts);
}

/* Parses text and expects the error code; the message must say something. */
static void expect_error(const char *label, const char *text, enum routefile_format f, int code)
{
    struct route_point *pts = (struct route_point *)&pts;
    size_t n = 99;
    struct routefile_error err;
    int rc = parse(text, f, ROUTE_MAX_POINTS, &pts, &n, &err);
    CHECK(rc == code);
    CHECK(err.code == code);
    CHECK(pts == NULL && n == 0);
    CHECK(err.message[0] != '\0');
    if (rc != code)
        fprintf(stderr, "  %s: got %s (%s), expected %s\n", label, routefile_code_name(rc),
                err.message, routefile_code_name(code));
}

static const char *const line_geojson =
    "{\"type\":\"LineString\",\"coordinates\":[[12.94,57.72],[12.95,57.73,120.5],[12.96,57.725]]}";

static void test_geojson_shapes(void)
{
    expect_ok("LineString", line_geojson, 3, 12.94, 57.72, 12.96, 57.725);
    expect_ok("Feature",
              "{\"type\":\"Feature\",\"properties\":{\"name\":\"Norrby\",\"deep\":{\"a\":[1,[2]]}},"
              "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[12.9,57.7],[13,57.8]]}}",
              2, 12.9, 57.7, 13, 57.8);
    expect_ok("FeatureCollection with a meeting point beside the line",
              "\xEF\xBB\xBF  {\"type\":\"FeatureCollection\",\"features\":["
              "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\","
              "\"coordinates\":[12.9,57.7]}},"
              "{\"type\":\"Feature\",\"properties\":null,\"geometry\":null},"
              "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"LineString\","
              "\"coordinates\":[[-180,-90],[180,90]]}}]}",
              2, -180, -90, 180, 90);
}

static void test_geojson_errors(void)
{
    expect_error("not JSON", "{\"type\":\"LineString\",", ROUTEFILE_AUTO,
                 ROUTEFILE_INVALID_GEOJSON);
    expect_error("duplicate key",
                 "{\"type\":\"LineString\",\"type\":\"Point\",\"coordinates\":[[1,2],[3,4]]}",
                 ROUTEFILE_GEOJSON, ROUTEFILE_INVALID_GEOJSON);
    expect_error("no type", "{\"coordinates\":[[1,2],[3,4]]}", ROUTEFILE_AUTO,
                 ROUTEFILE_INVALID_GEOJSON);
    expect_error("unknown type", "{\"type\":\"Route\",\"coordinates\":[[1,2],[3,4]]}",
                 ROUTEFILE_AUTO, ROUTEFILE_INVALID_GEOJSON);
    expect_error("array root", "[1,2]", ROUTEFILE_GEOJSON, ROUTEFILE_INVALID_GEOJSON);
    expect_error("positions of strings",
                 "{\"type\":\"LineString\",\"coordinates\":[[\"1\",\"2\"],[3,4]]}", ROUTEFILE_AUTO,
                 ROUTEFILE_INVALID_GEOJSON);
    expect_error("4-number position", "{\"type\":\"LineString\",\"coordinates\":[[1,2,3,4],[3,4]]}",
                 ROUTEFILE_AUTO, ROUTEFILE_INVALID_GEOJSON);
    expect_error("coordinates missing", "{\"type\":\"LineString\"}", ROUTEFILE_AUTO,
                 ROUTEFILE_INVALID_GEOJSON);
    expect_error("empty", "", ROUTEFILE_GEOJSON, ROUTEFILE_INVALID_GEOJSON);
    expect_error("Point", "{\"type\":\"Point\",\"coordinates\":[12.9,57.7]}", ROUTEFILE_AUTO,
                 ROUTEFILE_NOT_LINESTRING);
    expect_error("MultiLineString",
                 "{\"type\":\"MultiLineString\",\"coordinates\":[[[1,2],[3,4]]]}", ROUTEFILE_AUTO,
                 ROUTEFILE_NOT_LINESTRING);
    expect_error("Feature with a Polygon",
                 "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\","
                 "\"coordinates\":[[[1,2],[3,4],[5,2],[1,2]]]}}",
                 ROUTEFILE_AUTO, ROUTEFILE_NOT_LINESTRING);
    expect_error("Feature without geometry", "{\"type\":\"Feature\",\"geometry\":null}",
                 ROUTEFILE_AUTO, ROUTEFILE_NOT_LINESTRING);
    expect_error("FeatureCollection with two lines",
                 "{\"type\":\"FeatureCollection\",\"features\":["
                 "{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[1,"
                 "2],[3,4]]}},"
                 "{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[1,"
                 "2],[3,4]]}}]}",
                 ROUTEFILE_AUTO, ROUTEFILE_NOT_LINESTRING);
    expect_error("empty FeatureCollection", "{\"type\":\"FeatureCollection\",\"features\":[]}",
                 ROUTEFILE_AUTO, ROUTEFILE_NOT_LINESTRING);
    expect_error("one point", "{\"type\":\"LineString\",\"coordinates\":[[12.9,57.7]]}",
                 ROUTEFILE_AUTO, ROUTEFILE_TOO_FEW_POINTS);
    expect_error("latitude 95", "{\"type\":\"LineString\",\"coordinates\":[[12.9,57.7],[12.9,95]]}",
                 ROUTEFILE_AUTO, ROUTEFILE_OUT_OF_RANGE);
    expect_error("longitude 200",
                 "{\"type\":\"LineString\",\"coordinates\":[[200,57.7],[12.9,57]]}", ROUTEFILE_AUTO,
                 ROUTEFILE_OUT_OF_RANGE);

    char deep[200];
    size_t k = 0;
    k += (size_t)snprintf(deep, sizeof deep, "{\"type\":\"Feature\",\"properties\":");
    for (int i = 0; i < 40; i++)
        deep[k++] = '[';
    deep[k] = '\0';
    expect_error("nested too deep", deep, ROUTEFILE_AUTO, ROUTEFILE_INVALID_GEOJSON);
}

static const char *const gpx_track =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!-- exported by a phone app -->\n"
    "<gpx version=\"1.1\" creator=\"Test &amp; co\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n"
    "  <metadata><name><![CDATA[Kvällsrunda <Norrby>]]></name></metadata>\n"
    "  <wpt lat=\"1\" lon=\"1\"><name>Samling</name></wpt>\n"
    "  <trk><name>Norrby</name>\n"
    "    <trkseg>\n"
    "      <trkpt lat=\"57.7210\" "
    "lon=\"12.9401\"><ele>150.2</ele><time>2026-11-26T17:00:00Z</time></trkpt>\n"
    "      <trkpt lat='57.7220' lon='12.9410'/>\n"
    "    </trkseg>\n"
    "    <trkseg>\n"
    "      <trkpt lon=\" 12.9420 \" lat=\"57.7230\" ></trkpt>\n"
    "    </trkseg>\n"
    "  </trk>\n"
    "</gpx>\n";

static void test_gpx_shapes(void)
{
    expect_ok("track with two segments", gpx_track, 3, 12.9401, 57.7210, 12.9420, 57.7230);
    expect_ok("route",
              "<gpx><rte><rtept lat=\"57.5\" lon=\"12.5\"/><rtept lat=\"-1e1\" lon=\"+1.5E1\"/>"
              "<rtept lat=\"57.6\" lon=\"12.6\"></rtept></rte></gpx>",
              3, 12.5, 57.5, 12.6, 57.6);
    expect_ok("prefixed names and a route beside the track (the track wins)",
              "<g:gpx xmlns:g=\"http://www.topografix.com/GPX/1/1\"><g:rte><g:rtept lat=\"1\" "
              "lon=\"1\"/><g:rtept lat=\"2\" lon=\"2\"/></g:rte>"
              "<g:trk><g:trkseg><g:trkpt lat=\"57\" lon=\"12\"/><g:trkpt lat=\"58\" "
              "lon=\"13\"/></g:trkseg></g:trk></g:gpx>",
              2, 12, 57, 13, 58);
    expect_ok("trkpt outside a trkseg is not a point",
              "<gpx><trk><trkpt lat=\"9\" lon=\"9\"/><trkseg><trkpt lat=\"1\" lon=\"2\"/>"
              "<trkpt lat=\"3\" lon=\"4\"/></trkseg></trk></gpx>",
              2, 2, 1, 4, 3);
}

static void test_gpx_errors(void)
{
    expect_error("DOCTYPE with an entity (billion laughs)",
                 "<?xml version=\"1.0\"?><!DOCTYPE gpx [<!ENTITY a \"aaaaaaaa\"><!ENTITY b "
                 "\"&a;&a;&a;&a;&a;&a;\">]><gpx><trk><trkseg><trkpt lat=\"1\" lon=\"1\"><name>&b;"
                 "</name></trkpt><trkpt lat=\"2\" lon=\"2\"/></trkseg></trk></gpx>",
                 ROUTEFILE_AUTO, ROUTEFILE_INVALID_GPX);
    expect_error(
        "external entity",
        "<!DOCTYPE gpx SYSTEM \"file:///etc/passwd\"><gpx><rte><rtept lat=\"1\" lon=\"1\"/>"
        "<rtept lat=\"2\" lon=\"2\"/></rte></gpx>",
        ROUTEFILE_AUTO, ROUTEFILE_INVALID_GPX);
    expect_error("entity inside the root",
                 "<gpx><!ENTITY x \"y\"><rte><rtept lat=\"1\" lon=\"1\"/><rtept lat=\"2\" "
                 "lon=\"2\"/></rte></gpx>",
                 ROUTEFILE_AUTO, ROUTEFILE_INVALID_GPX);
    expect_error(
        "entity reference in lat",
        "<gpx><rte><rtept lat=\"&#49;\" lon=\"1\"/><rtept lat=\"2\" lon=\"2\"/></rte></gpx>",
        ROUTEFILE_AUTO, ROUTEFILE_INVALID_GPX);
    expect_error("root is not gpx", "<kml><rte/></kml>", ROUTEFILE_AUTO, ROUTEFILE_INVALID_GPX);
    expect_error("mismatched end tag", "<gpx><trk><trkseg></trk></trkseg></gpx>", ROUTEFILE_AUTO,
                 ROUTEFILE_INVALID_GPX);
    expect_error("unclosed root", "<gpx><trk><trkseg>", ROUTEFILE_AUTO, ROUTEFILE_INVALID_GPX);
    expect_error("two roots", "<gpx></gpx><gpx></gpx>", ROUTEFILE_AUTO, ROUTEFILE_INVALID_GPX);
    expect_error("text after the root", "<gpx></gpx>trailing", ROUTEFILE_AUTO,
                 ROUTEFILE_INVALID_GPX);
    expect_error("unquoted attribute", "<gpx><rte><rtept lat=1 lon=2/></rte></gpx>", ROUTEFILE_AUTO,
                 ROUTEFILE_INVALID_GPX);
    expect_error("missing lon",
                 "<gpx><rte><rtept lat=\"1\"/><rtept lat=\"2\" lon=\"2\"/></rte></gpx>",
                 ROUTEFILE_AUTO, ROUTEFILE_INVALID_GPX);
    expect_error(
        "repeated lat",
        "<gpx><rte><rtept lat=\"1\" lat=\"1\" lon=\"1\"/><rtept lat=\"2\" lon=\"2\"/></rte></gpx>",
        ROUTEFILE_AUTO, ROUTEFILE_INVALID_GPX);
    expect_error("lat is a word", "<gpx><rte><rtept lat=\"north\" lon=\"1\"/></rte></gpx>",
                 ROUTEFILE_AUTO, ROUTEFILE_INVALID_GPX);
    expect_error("lat in hex", "<gpx><rte><rtept lat=\"0x10\" lon=\"1\"/></rte></gpx>",
                 ROUTEFILE_AUTO, ROUTEFILE_INVALID_GPX);
    expect_error("lat infinite", "<gpx><rte><rtept lat=\"1e999\" lon=\"1\"/></rte></gpx>",
                 ROUTEFILE_AUTO, ROUTEFILE_INVALID_GPX);
    expect_error("unclosed comment", "<gpx><!-- ...", ROUTEFILE_AUTO, ROUTEFILE_INVALID_GPX);
    expect_error("empty", "", ROUTEFILE_GPX, ROUTEFILE_INVALID_GPX);
    expect_error(
        "two tracks",
        "<gpx><trk><trkseg><trkpt lat=\"1\" lon=\"1\"/><trkpt lat=\"2\" lon=\"2\"/></trkseg>"
        "</trk><trk><trkseg><trkpt lat=\"1\" lon=\"1\"/></trkseg></trk></gpx>",
        ROUTEFILE_AUTO, ROUTEFILE_NOT_LINESTRING);
    expect_error("only waypoints",
                 "<gpx><wpt lat=\"1\" lon=\"1\"/><wpt lat=\"2\" lon=\"2\"/></gpx>", ROUTEFILE_AUTO,
                 ROUTEFILE_NOT_LINESTRING);
    expect_error("one trkpt", "<gpx><trk><trkseg><trkpt lat=\"1\" lon=\"1\"/></trkseg></trk></gpx>",
                 ROUTEFILE_AUTO, ROUTEFILE_TOO_FEW_POINTS);
    expect_error(
        "latitude -91",
        "<gpx><rte><rtept lat=\"57\" lon=\"12\"/><rtept lat=\"-91\" lon=\"12\"/></rte></gpx>",
        ROUTEFILE_AUTO, ROUTEFILE_OUT_OF_RANGE);
    expect_error("neither format", "lat,lon\n57,12\n", ROUTEFILE_AUTO, ROUTEFILE_UNKNOWN_FORMAT);

    char deep[2048];
    size_t k = (size_t)snprintf(deep, sizeof deep, "<gpx>");
    for (int i = 0; i < ROUTEFILE_GPX_MAX_DEPTH + 2; i++)
        k += (size_t)snprintf(deep + k, sizeof deep - k, "<x>");
    expect_error("nested too deep", deep, ROUTEFILE_AUTO, ROUTEFILE_INVALID_GPX);
}

/* GPX track of n points "lat=57.7+i*1e-5 lon=12.9"; malloc'd text. */
static char *many_points_gpx(size_t n)
{
    size_t cap = n * 48 + 64, k = 0;
    char *s = malloc(cap);
    k += (size_t)snprintf(s, cap, "<gpx><trk><trkseg>");
    for (size_t i = 0; i < n; i++)
        k += (size_t)snprintf(s + k, cap - k, "<trkpt lat=\"%.6f\" lon=\"12.9\"/>",
                              57.7 + (double)i * 1e-5);
    snprintf(s + k, cap - k, "</trkseg></trk></gpx>");
    return s;
}

/* GeoJSON LineString of n points "[12.9,57.7+i*1e-5]"; malloc'd text. */
static char *many_points_geojson(size_t n)
{
    size_t cap = n * 48 + 64, k = 0;
    char *s = malloc(cap);
    k += (size_t)snprintf(s, cap, "{\"type\":\"LineString\",\"coordinates\":[");
    for (size_t i = 0; i < n; i++)
        k += (size_t)snprintf(s + k, cap - k, "%s[12.9,%.6f]", i ? "," : "",
                              57.7 + (double)i * 1e-5);
    snprintf(s + k, cap - k, "]}");
    return s;
}

static void test_point_limit(void)
{
    struct route_point *pts = NULL;
    size_t n = 0;
    struct routefile_error err;
    char *ok_gpx = many_points_gpx(ROUTE_MAX_POINTS);
    char *big_gpx = many_points_gpx(ROUTE_MAX_POINTS + 1);
    char *ok_json = many_points_geojson(ROUTE_MAX_POINTS);
    char *big_json = many_points_geojson(ROUTE_MAX_POINTS + 1);

    CHECK(parse(ok_gpx, ROUTEFILE_AUTO, ROUTE_MAX_POINTS, &pts, &n, &err) == ROUTEFILE_OK);
    CHECK(n == ROUTE_MAX_POINTS);
    free(pts);
    CHECK(parse(ok_json, ROUTEFILE_AUTO, ROUTE_MAX_POINTS, &pts, &n, &err) == ROUTEFILE_OK);
    CHECK(n == ROUTE_MAX_POINTS);
    free(pts);
    expect_error("GPX over the limit", big_gpx, ROUTEFILE_AUTO, ROUTEFILE_TOO_MANY_POINTS);
    expect_error("GeoJSON over the limit", big_json, ROUTEFILE_AUTO, ROUTEFILE_TOO_MANY_POINTS);
    /* The limit is the caller's (configured) value, not only the default. */
    CHECK(parse(ok_json, ROUTEFILE_AUTO, 100, &pts, &n, &err) == ROUTEFILE_TOO_MANY_POINTS);
    CHECK(strcmp(routefile_code_name(err.code), "too_many_points") == 0);

    /* Larger than ROUTEFILE_MAX_BYTES: refused before parsing. */
    size_t huge = ROUTEFILE_MAX_BYTES + 1;
    char *blank = malloc(huge);
    memset(blank, ' ', huge);
    blank[0] = '{';
    CHECK(routefile_parse(blank, huge, ROUTEFILE_AUTO, ROUTE_MAX_POINTS, &pts, &n, &err) ==
          ROUTEFILE_TOO_LARGE);
    free(blank);
    free(ok_gpx);
    free(big_gpx);
    free(ok_json);
    free(big_json);
}

static void test_code_names(void)
{
    static const struct {
        int code;
        const char *name;
    } names[] = {
        {ROUTEFILE_INVALID_GEOJSON, "invalid_geojson"},
        {ROUTEFILE_INVALID_GPX, "invalid_gpx"},
        {ROUTEFILE_NOT_LINESTRING, "not_linestring"},
        {ROUTEFILE_TOO_MANY_POINTS, "too_many_points"},
        {ROUTEFILE_OUT_OF_RANGE, "out_of_range"},
        {ROUTEFILE_TOO_FEW_POINTS, "too_few_points"},
        {ROUTEFILE_TOO_LARGE, "too_large"},
        {ROUTEFILE_UNKNOWN_FORMAT, "unknown_format"},
        {ROUTEFILE_INTERNAL, "internal"},
        {12345, "internal"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        CHECK(strcmp(routefile_code_name(names[i].code), names[i].name) == 0);
}

/* Seeded mutations of valid files: any code may come back, but never a crash or a leak. */
static void test_mutations_never_crash(void)
{
    const char *samples[] = {gpx_track, line_geojson};
    uint64_t seed = 0x9E3779B97F4A7C15u;
    int ok = 0, failed = 0, bad_code = 0;
    for (size_t s = 0; s < 2; s++) {
        size_t len = strlen(samples[s]);
        char *buf = malloc(len);
        for (int m = 0; m < MUTATIONS; m++) {
            memcpy(buf, samples[s], len);
            for (int k = 0; k < 1 + m % 4; k++) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                buf[seed % len] = (char)(seed >> 32);
            }
            size_t cut = (m % 7 == 0) ? (size_t)(seed >> 40) % len : len;
            struct route_point *pts = NULL;
            size_t n = 0;
            struct routefile_error err;
            int rc = routefile_parse(buf, cut, ROUTEFILE_AUTO, ROUTE_MAX_POINTS, &pts, &n, &err);
            if (rc == ROUTEFILE_OK)
                ok++;
            else
                failed++;
            if (rc < 0 || rc > ROUTEFILE_INTERNAL || (rc == ROUTEFILE_OK) != (pts != NULL))
                bad_code++;
            free(pts);
        }
        free(buf);
    }
    CHECK(bad_code == 0);
    printf("routefile: %d mutations parsed, %d refused\n", ok, failed);
}

static void test_route_geometry(void)
{
    /* 0.01 degree of latitude on the mean sphere: 2 pi R / 36000. */
    double m_per_centideg = 2 * 3.14159265358979323846 * DISTANCE_EARTH_MEAN_RADIUS_M / 36000;
    struct route_point line[] = {{12.94, 57.72}, {12.94, 57.73}, {12.94, 57.74}};
    CHECK_NEAR(route_length_m(line, 3), 2 * m_per_centideg, 1e-6);
    CHECK(route_length_m(line, 1) == 0);
    CHECK(route_length_m(line, 0) == 0);

    double b[4] = {0, 0, 0, 0};
    struct route_point zig[] = {{13, 57}, {12, 58}, {14, 56.5}};
    CHECK(route_bbox(zig, 3, b) == 0);
    CHECK(b[0] == 12 && b[1] == 56.5 && b[2] == 14 && b[3] == 58);
    CHECK(route_bbox(zig, 0, b) == -1);

    /* 100 m east of the middle of the north-south line. */
    double lat = 57.725, dlon = 100.0 / (111194.93 * cos(lat * 3.14159265358979323846 / 180));
    size_t seg = 9;
    CHECK_NEAR(route_nearest_m(line, 3, 12.94 + dlon, lat, &seg), 100, 0.05);
    CHECK(seg == 0);
    CHECK_NEAR(route_nearest_m(line, 3, 12.94 - dlon, 57.735, &seg), 100, 0.05);
    CHECK(seg == 1);
    /* Beyond the end: the distance to the last vertex. */
    CHECK_NEAR(route_nearest_m(line, 3, 12.94, 57.75, &seg), m_per_centideg, 1e-6);
    CHECK(seg == 1);
    CHECK_NEAR(route_nearest_m(line, 3, 12.94, 57.725, NULL), 0, 1e-9);
    CHECK_NEAR(route_nearest_m(line, 1, 12.94, 57.73, NULL), m_per_centideg, 1e-6);
    CHECK(isnan(route_nearest_m(line, 0, 12.94, 57.73, NULL)));
    CHECK(isnan(route_nearest_m(line, 3, NAN, 57.73, NULL)));
}

int main(void)
{
    test_geojson_shapes();
    test_geojson_errors();
    test_gpx_shapes();
    test_gpx_errors();
    test_point_limit();
    test_code_names();
    test_mutations_never_crash();
    test_route_geometry();
    return check_report("test_routefile");
}
