/*
 * sun — NOAA solar position (the equations behind NOAA's solar calculator,
 * after Meeus, "Astronomical Algorithms"). See sun.h. Pure math, no I/O.
 */
#include "sun.h"

#include <math.h>

#define DEG (M_PI / 180.0)

double sun_elevation_deg(double lon, double lat, int64_t t)
{
    /* Julian century from J2000.0. */
    double jd = (double)t / 86400.0 + 2440587.5;
    double jc = (jd - 2451545.0) / 36525.0;

    double geom_mean_long = fmod(280.46646 + jc * (36000.76983 + jc * 0.0003032), 360.0);
    double geom_mean_anom = 357.52911 + jc * (35999.05029 - 0.0001537 * jc);
    double ecc = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc);
    double eq_ctr = sin(geom_mean_anom * DEG) * (1.914602 - jc * (0.004817 + 0.000014 * jc)) +
                    sin(2 * geom_mean_anom * DEG) * (0.019993 - 0.000101 * jc) +
                    sin(3 * geom_mean_anom * DEG) * 0.000289;
    double true_long = geom_mean_long + eq_ctr;
    double omega = 125.04 - 1934.136 * jc;
    double app_long = true_long - 0.00569 - 0.00478 * sin(omega * DEG);
    double mean_obliq =
        23.0 + (26.0 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60.0) / 60.0;
    double obliq_corr = mean_obliq + 0.00256 * cos(omega * DEG);
    double declination = asin(sin(obliq_corr * DEG) * sin(app_long * DEG)) / DEG;

    double y = tan(obliq_corr / 2 * DEG);
    y *= y;
    double eq_time = 4.0 / DEG *
                     (y * sin(2 * geom_mean_long * DEG) - 2 * ecc * sin(geom_mean_anom * DEG) +
                      4 * ecc * y * sin(geom_mean_anom * DEG) * cos(2 * geom_mean_long * DEG) -
                      0.5 * y * y * sin(4 * geom_mean_long * DEG) -
                      1.25 * ecc * ecc * sin(2 * geom_mean_anom * DEG)); /* minutes */

    double minutes_utc = fmod((double)t, 86400.0) / 60.0;
    if (minutes_utc < 0)
        minutes_utc += 1440.0;
    double true_solar_time = fmod(minutes_utc + eq_time + 4.0 * lon, 1440.0);
    if (true_solar_time < 0)
        true_solar_time += 1440.0;
    double hour_angle = true_solar_time / 4.0 - 180.0; /* degrees; 0 at solar noon */

    double cos_zenith = sin(lat * DEG) * sin(declination * DEG) +
                        cos(lat * DEG) * cos(declination * DEG) * cos(hour_angle * DEG);
    if (cos_zenith > 1)
        cos_zenith = 1;
    if (cos_zenith < -1)
        cos_zenith = -1;
    return 90.0 - acos(cos_zenith) / DEG;
}

enum sun_light sun_light_from_elevation(double elev_deg)
{
    if (elev_deg >= -0.833)
        return SUN_LIGHT_DAY;
    if (elev_deg >= -6.0)
        return SUN_LIGHT_TWILIGHT;
    return SUN_LIGHT_DARK;
}

const char *sun_light_name(enum sun_light l)
{
    switch (l) {
    case SUN_LIGHT_DAY:
        return "day";
    case SUN_LIGHT_TWILIGHT:
        return "twilight";
    case SUN_LIGHT_DARK:
        return "dark";
    }
    return "dark";
}
