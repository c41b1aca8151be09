/*
 * sun — NOAA solar position algorithm. See sun.h.
 *
 * The equations are those of NOAA's solar calculator spreadsheet
 * (gml.noaa.gov/grad/solcalc/calcdetails.html), which follow Meeus,
 * "Astronomical Algorithms", chapters 25 and 28. Time is UT; the ~70 s
 * difference to Terrestrial Time is ignored (under 0.001 degrees of
 * elevation). Pure math: no I/O, no state.
 */
#include "sun.h"

#include <math.h>

#define SUN_PI 3.14159265358979323846
#define SUN_RAD (SUN_PI / 180.0)
#define SUN_UNIX_EPOCH_JD 2440587.5 /* Julian day of 1970-01-01T00:00Z */
#define SUN_J2000_JD 2451545.0
#define SUN_SECONDS_PER_DAY 86400
#define SUN_MINUTES_PER_DAY 1440.0

/*
 * NOAA's atmospheric refraction approximation (spreadsheet column AF), in
 * degrees, for a geometric elevation h in degrees: Saemundsson-style series
 * above 5 degrees, a polynomial fit near the horizon and a 1/tan tail below
 * -0.575 degrees, where the sun is not visible and the value only keeps the
 * curve continuous.
 */
static double sun_refraction_deg(double h)
{
    if (h > 85.0)
        return 0.0;
    double te = tan(h * SUN_RAD);
    double arcsec;
    if (h > 5.0)
        arcsec = 58.1 / te - 0.07 / (te * te * te) + 0.000086 / (te * te * te * te * te);
    else if (h > -0.575)
        arcsec = 1735.0 + h * (-518.2 + h * (103.4 + h * (-12.79 + h * 0.711)));
    else
        arcsec = -20.772 / te;
    return arcsec / 3600.0;
}

double sun_elevation_deg(double lon, double lat, int64_t t)
{
    /* Julian century since J2000.0. Whole days and the time of day are
     * split first so that the double keeps sub-second precision. */
    int64_t days = t / SUN_SECONDS_PER_DAY;
    int64_t secs = t % SUN_SECONDS_PER_DAY;
    if (secs < 0) {
        secs += SUN_SECONDS_PER_DAY;
        days -= 1;
    }
    double jd = SUN_UNIX_EPOCH_JD + (double)days + (double)secs / SUN_SECONDS_PER_DAY;
    double jc = (jd - SUN_J2000_JD) / 36525.0;

    double mean_long = fmod(280.46646 + jc * (36000.76983 + jc * 0.0003032), 360.0);
    double mean_anom = 357.52911 + jc * (35999.05029 - 0.0001537 * jc);
    double ecc = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc);
    double eq_centre = sin(mean_anom * SUN_RAD) * (1.914602 - jc * (0.004817 + 0.000014 * jc)) +
                       sin(2.0 * mean_anom * SUN_RAD) * (0.019993 - 0.000101 * jc) +
                       sin(3.0 * mean_anom * SUN_RAD) * 0.000289;
    double true_long = mean_long + eq_centre;
    double omega = 125.04 - 1934.136 * jc;
    double app_long = true_long - 0.00569 - 0.00478 * sin(omega * SUN_RAD);
    double mean_obliq =
        23.0 + (26.0 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60.0) / 60.0;
    double obliq = mean_obliq + 0.00256 * cos(omega * SUN_RAD);
    double decl = asin(sin(obliq * SUN_RAD) * sin(app_long * SUN_RAD)); /* radians */

    double y = tan(obliq / 2.0 * SUN_RAD);
    y *= y;
    double l0 = mean_long * SUN_RAD, m = mean_anom * SUN_RAD;
    double eq_time_min = 4.0 / SUN_RAD *
                         (y * sin(2.0 * l0) - 2.0 * ecc * sin(m) +
                          4.0 * ecc * y * sin(m) * cos(2.0 * l0) - 0.5 * y * y * sin(4.0 * l0) -
                          1.25 * ecc * ecc * sin(2.0 * m));

    double true_solar_min =
        fmod((double)secs / 60.0 + eq_time_min + 4.0 * lon, SUN_MINUTES_PER_DAY);
    if (true_solar_min < 0)
        true_solar_min += SUN_MINUTES_PER_DAY;
    double hour_angle = true_solar_min / 4.0 - 180.0; /* degrees, 0 at solar noon */

    double cos_zenith = sin(lat * SUN_RAD) * sin(decl) +
                        cos(lat * SUN_RAD) * cos(decl) * cos(hour_angle * SUN_RAD);
    if (cos_zenith > 1.0)
        cos_zenith = 1.0;
    if (cos_zenith < -1.0)
        cos_zenith = -1.0;
    double geometric = 90.0 - acos(cos_zenith) / SUN_RAD;
    return geometric + sun_refraction_deg(geometric);
}

enum sun_light sun_light_from_elevation(double elev_deg)
{
    if (elev_deg >= SUN_DAY_MIN_ELEV_DEG)
        return SUN_LIGHT_DAY;
    if (elev_deg >= SUN_TWILIGHT_MIN_ELEV_DEG)
        return SUN_LIGHT_TWILIGHT;
    return SUN_LIGHT_DARK; /* also NaN */
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
