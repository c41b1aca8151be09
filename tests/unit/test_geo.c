/*
 * Unit tests for geo/: PROJ transformations against PROJ's own cs2cs, the
 * sun's elevation against published astronomical facts, distances and the
 * map grid against the standard slippy-map formulas.
 */
#include "check.h"
#include "crs.h"
#include "distance.h"
#include "grid.h"
#include "sun.h"
#include "validate.h"

#include <stdint.h>
#include <string.h>

/*
 * Reference values from PROJ 9.1.1's command line tool, e.g.
 *   echo "57.7210 12.9401" | cs2cs EPSG:4326 EPSG:3006 -f %.4f
 *   -> 6399513.9158  377306.7031   (cs2cs prints northing first for EPSG:3006)
 */
static const struct {
    const char *name;
    double lon, lat, e, n;
} crs_cases[] = {
    {"Borås centre", 12.9401, 57.7210, 377306.7031, 6399513.9158},
    {"Stockholm", 18.0686, 59.3293, 674571.8664, 6580743.0083},
    {"Kiruna", 20.2253, 67.8558, 719583.1230, 7536069.9699},
    {"Malmö", 13.0038, 55.6050, 374243.7585, 6163926.5534},
    {"far north-east, off the central meridian", 20.5500, 69.0600, 721104.9281, 7671063.7595},
};

static void test_crs(void)
{
    crs_ctx *c = crs_open();
    CHECK(c != NULL);
    if (!c)
        return;
    for (size_t i = 0; i < sizeof crs_cases / sizeof crs_cases[0]; i++) {
        double e, n, lon, lat;
        CHECK(crs_wgs84_to_sweref99tm(c, crs_cases[i].lon, crs_cases[i].lat, &e, &n) == 0);
        CHECK_NEAR(e, crs_cases[i].e, 0.001);
        CHECK_NEAR(n, crs_cases[i].n, 0.001);
        CHECK(crs_sweref99tm_to_wgs84(c, e, n, &lon, &lat) == 0);
        CHECK_NEAR(lon, crs_cases[i].lon, 1e-8);
        CHECK_NEAR(lat, crs_cases[i].lat, 1e-8);
    }
    double e, n;
    CHECK(crs_wgs84_to_sweref99tm(c, 200, 57, &e, &n) == -1);
    CHECK(crs_wgs84_to_sweref99tm(c, 12, 95, &e, &n) == -1);
    crs_close(c);
    crs_close(NULL);
}

static int64_t t_of(const char *iso)
{
    int64_t t = 0;
    CHECK(parse_rfc3339(iso, &t) == 0);
    return t;
}

/* The highest elevation over one UTC day, scanned minute by minute. */
static double day_max_elevation(double lon, double lat, const char *day_iso)
{
    int64_t t0 = t_of(day_iso), best_t = t0;
    double best = -90;
    for (int m = 0; m < 1440; m++) {
        double e = sun_elevation_deg(lon, lat, t0 + m * 60);
        if (e > best) {
            best = e;
            best_t = t0 + m * 60;
        }
    }
    (void)best_t;
    return best;
}

static double day_min_elevation(double lon, double lat, const char *day_iso)
{
    int64_t t0 = t_of(day_iso);
    double worst = 90;
    for (int m = 0; m < 1440; m++) {
        double e = sun_elevation_deg(lon, lat, t0 + m * 60);
        if (e < worst)
            worst = e;
    }
    return worst;
}

static void test_sun(void)
{
    /*
     * Noon elevation = 90 - latitude + declination. Published facts used:
     * the sun's declination is +23.436 at the June solstice (2026-06-21 08:24
     * UTC) and -23.436 at the December solstice (2026-12-21 20:50 UTC); the
     * obliquity of the ecliptic in 2026 is 23.436 degrees. At the March
     * equinox (2026-03-20 14:46 UTC) it is 0, and three hours earlier, around
     * noon in Sweden, about -0.05 (it moves 0.4 degrees a day).
     */
    const double boras_lat = 57.7210, boras_lon = 12.9401;
    CHECK_NEAR(day_max_elevation(boras_lon, boras_lat, "2026-06-21T00:00:00Z"),
               90 - boras_lat + 23.436, 0.05);
    CHECK_NEAR(day_max_elevation(boras_lon, boras_lat, "2026-12-21T00:00:00Z"),
               90 - boras_lat - 23.436, 0.05);
    CHECK_NEAR(day_max_elevation(boras_lon, boras_lat, "2026-03-20T00:00:00Z"),
               90 - boras_lat - 0.05, 0.1);
    /* Midnight sun in Kiruna at midsummer: the lowest point of the day is
     * lat + decl - 90 = +1.29 degrees; polar night at midwinter: the highest
     * is 90 - lat - 23.436 = -1.29 degrees (the sun never rises). */
    const double kiruna_lat = 67.8558, kiruna_lon = 20.2253;
    CHECK_NEAR(day_min_elevation(kiruna_lon, kiruna_lat, "2026-06-21T00:00:00Z"),
               kiruna_lat + 23.436 - 90, 0.05);
    CHECK_NEAR(day_max_elevation(kiruna_lon, kiruna_lat, "2026-12-21T00:00:00Z"),
               90 - kiruna_lat - 23.436, 0.05);
    CHECK(sun_light_from_elevation(
              day_min_elevation(kiruna_lon, kiruna_lat, "2026-06-21T00:00:00Z")) == SUN_LIGHT_DAY);
    CHECK(sun_light_from_elevation(day_max_elevation(
              kiruna_lon, kiruna_lat, "2026-12-21T00:00:00Z")) == SUN_LIGHT_TWILIGHT);
    /* Borås, 24 November 2026: sunrise about 07:55 and sunset about 15:35
     * local time (UTC+1), by any almanac. */
    CHECK(sun_light_from_elevation(sun_elevation_deg(
              boras_lon, boras_lat, t_of("2026-11-24T11:00:00Z"))) == SUN_LIGHT_DAY);
    CHECK(sun_light_from_elevation(sun_elevation_deg(
              boras_lon, boras_lat, t_of("2026-11-24T15:00:00Z"))) == SUN_LIGHT_TWILIGHT);
    CHECK(sun_light_from_elevation(sun_elevation_deg(
              boras_lon, boras_lat, t_of("2026-11-24T18:30:00Z"))) == SUN_LIGHT_DARK);
    double at_set = sun_elevation_deg(boras_lon, boras_lat, t_of("2026-11-24T14:35:00Z"));
    CHECK_NEAR(at_set, -0.833, 0.6); /* within a few minutes of sunset */
    /* Exact thresholds. */
    CHECK(sun_light_from_elevation(-0.833) == SUN_LIGHT_DAY);
    CHECK(sun_light_from_elevation(-0.834) == SUN_LIGHT_TWILIGHT);
    CHECK(sun_light_from_elevation(-6.0) == SUN_LIGHT_TWILIGHT);
    CHECK(sun_light_from_elevation(-6.001) == SUN_LIGHT_DARK);
    CHECK(strcmp(sun_light_name(SUN_LIGHT_DAY), "day") == 0);
    CHECK(strcmp(sun_light_name(SUN_LIGHT_TWILIGHT), "twilight") == 0);
    CHECK(strcmp(sun_light_name(SUN_LIGHT_DARK), "dark") == 0);
}

static void test_distance(void)
{
    /* One degree of latitude on the mean-radius sphere: 2*pi*6371008.8/360. */
    CHECK_NEAR(distance_haversine_m(12.94, 57.0, 12.94, 58.0), 111195.08, 0.01);
    CHECK_NEAR(distance_haversine_m(12.94, 57.72, 12.94, 57.72), 0, 1e-9);
    /* Borås - Stockholm: the two SWEREF 99 TM points above are 358 km apart on
     * the grid (Pythagoras); on the sphere it is within 0.5 % of that. */
    double grid = distance_planar_m(377306.7031, 6399513.9158, 674571.8664, 6580743.0083);
    double sphere = distance_haversine_m(12.9401, 57.7210, 18.0686, 59.3293);
    CHECK_NEAR(grid, 348153.07, 0.01);
    CHECK(fabs(sphere - grid) / grid < 0.005);
    CHECK_NEAR(distance_planar_m(0, 0, 3, 4), 5, 1e-12);
}

/* Grid bearings and their compass points: what "120 m north-east of" says. */
static void test_bearing(void)
{
    CHECK_NEAR(distance_bearing_deg(0, 0, 0, 10), 0, 1e-12);
    CHECK_NEAR(distance_bearing_deg(0, 0, 10, 10), 45, 1e-12);
    CHECK_NEAR(distance_bearing_deg(0, 0, 10, 0), 90, 1e-12);
    CHECK_NEAR(distance_bearing_deg(0, 0, 0, -10), 180, 1e-12);
    CHECK_NEAR(distance_bearing_deg(0, 0, -10, 0), 270, 1e-12);
    CHECK_NEAR(distance_bearing_deg(5, 5, 5, 5), 0, 0);
    CHECK(isnan(distance_bearing_deg(NAN, 0, 1, 1)));
    static const struct {
        double deg;
        const char *point;
    } cases[] = {{0, "n"},      {22.4, "n"},  {22.5, "ne"}, {45, "ne"}, {90, "e"},
                 {135, "se"},   {180, "s"},   {225, "sw"},  {270, "w"}, {315, "nw"},
                 {337.4, "nw"}, {337.5, "n"}, {359.9, "n"}, {-90, "w"}, {720 + 90, "e"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK(strcmp(distance_compass_point(cases[i].deg), cases[i].point) == 0);
    CHECK(distance_compass_point(INFINITY) == NULL);
    CHECK(distance_compass_point(NAN) == NULL);
}

static void test_grid(void)
{
    int64_t x, y;
    /* Standard slippy-map tile of Borås at zoom 10:
     * x = floor((12.9401 + 180) / 360 * 1024) = 548
     * y = floor((1 - asinh(tan(57.721 deg)) / pi) / 2 * 1024) = 309 */
    CHECK(grid_cell_index(12.9401, 57.7210, 10, 1, &x, &y) == 0);
    CHECK(x == 548 && y == 309);
    CHECK(grid_cell_index(0, 0, 0, 1, &x, &y) == 0 && x == 0 && y == 0);
    CHECK(grid_cell_index(-180, 85, 1, 1, &x, &y) == 0 && x == 0 && y == 0);
    CHECK(grid_cell_index(180, -85, 1, 1, &x, &y) == 0 && x == 1 && y == 1);
    /* 4 cells per tile: four times the tile numbers, plus the sub-cell. */
    CHECK(grid_cell_index(12.9401, 57.7210, 10, 4, &x, &y) == 0 && x / 4 == 548 && y / 4 == 309);
    CHECK(grid_cell_index(12, 86, 5, 1, &x, &y) == -1);
    CHECK(grid_cell_index(12, 57, 23, 1, &x, &y) == -1);
    CHECK(grid_cell_index(12, 57, -1, 1, &x, &y) == -1);
    CHECK(grid_cell_index(190, 57, 5, 1, &x, &y) == -1);
    double lon, lat;
    CHECK(grid_cell_index(12.9401, 57.7210, 16, 2, &x, &y) == 0);
    grid_cell_center(x, y, 16, 2, &lon, &lat);
    CHECK_NEAR(lon, 12.9401, 360.0 / (65536 * 2));
    CHECK_NEAR(lat, 57.7210, 0.002);
    CHECK(grid_bbox_valid(12, 57, 13, 58));
    CHECK(!grid_bbox_valid(13, 57, 12, 58));
    CHECK(!grid_bbox_valid(12, -91, 13, 58));
    CHECK(!grid_bbox_valid(NAN, 57, 13, 58));
}

int main(void)
{
    test_crs();
    test_sun();
    test_distance();
    test_bearing();
    test_grid();
    return check_report("test_geo");
}
