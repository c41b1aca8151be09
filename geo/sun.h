/*
 * sun — the sun's elevation at a place and time, and the light class trygg
 * stores with every observation (day, twilight, dark). Safety walks happen
 * after dark on purpose; nobody should have to type it.
 */
#ifndef TRYGG_SUN_H
#define TRYGG_SUN_H

#include <stdint.h>

/*
 * Geometric elevation of the sun's centre in degrees above the horizon at
 * lon/lat (degrees, east and north positive) and Unix time t (seconds, UTC),
 * with the NOAA solar position equations (accurate to about 0.01 degrees for
 * the years 1800-2100). No refraction is added: the thresholds below are
 * defined on the geometric elevation (-0.833 already includes refraction and
 * the sun's radius).
 */
double sun_elevation_deg(double lon, double lat, int64_t t);

enum sun_light { SUN_LIGHT_DAY, SUN_LIGHT_TWILIGHT, SUN_LIGHT_DARK };

/*
 * day: elevation >= -0.833 degrees (the sun's upper limb above the horizon,
 * i.e. between sunrise and sunset); twilight: civil twilight, -6 <= elevation
 * < -0.833; dark: elevation < -6 (artificial light needed).
 */
enum sun_light sun_light_from_elevation(double elev_deg);

/* "day", "twilight" or "dark". */
const char *sun_light_name(enum sun_light l);

#endif
