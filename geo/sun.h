/*
 * sun — the sun's elevation at a place and time, and the light class trygg
 * stores with every observation (day, twilight, dark). Safety walks happen
 * after dark on purpose; nobody should have to type it.
 *
 * Pure math: no I/O, no state, safe from any thread.
 */
#ifndef TRYGG_SUN_H
#define TRYGG_SUN_H

#include <stdint.h>

/* The light-class thresholds, in degrees of sun elevation. */
#define SUN_DAY_MIN_ELEV_DEG (-0.833)     /* conventional sunrise/sunset elevation */
#define SUN_TWILIGHT_MIN_ELEV_DEG (-6.0) /* end of civil twilight */

/*
 * Apparent elevation of the sun's centre in degrees above the horizon at
 * lon/lat (degrees, east and north positive) and Unix time t (seconds, UTC),
 * computed with NOAA's solar position equations (the ones behind the NOAA
 * solar calculator, after Meeus, "Astronomical Algorithms"; NOAA states them
 * valid for 1901-2099) plus NOAA's standard atmospheric refraction
 * approximation, so the value matches the calculator's "elevation corrected
 * for atmospheric refraction". Range -90..90. Returns NaN when lon or lat is
 * NaN; callers validate coordinates first.
 */
double sun_elevation_deg(double lon, double lat, int64_t t);

enum sun_light { SUN_LIGHT_DAY, SUN_LIGHT_TWILIGHT, SUN_LIGHT_DARK };

/*
 * Classifies an elevation from sun_elevation_deg():
 *   day:      elev >= -0.833 (SUN_DAY_MIN_ELEV_DEG)
 *   twilight: -6 <= elev < -0.833 (civil twilight)
 *   dark:     elev < -6 (SUN_TWILIGHT_MIN_ELEV_DEG), and NaN.
 * -0.833 is the almanac sunrise/sunset elevation of the sun's centre, defined
 * on the geometric elevation (34' refraction + 16' semi-diameter). Compared
 * with the apparent elevation above it moves the end of "day" about 0.3
 * degrees later, i.e. two to three minutes after the almanac sunset in
 * southern Sweden; at -6 the refraction is below 0.06 degrees.
 */
enum sun_light sun_light_from_elevation(double elev_deg);

/* "day", "twilight" or "dark": a static string, never NULL. */
const char *sun_light_name(enum sun_light l);

#endif
