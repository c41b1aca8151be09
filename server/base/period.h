/*
 * period — the calendar of the statistics: days, ISO weeks, months, quarters
 * and years as the municipality counts them (Swedish local time), their keys
 * ("2026-11-24", "2026-W48", "2026-11", "2026-Q4", "2026"), and the cover of
 * a span of days by as few whole periods as possible (years, then quarters,
 * then months, then days), which lets a ten-year question read ten year rows
 * instead of 3 650 day rows.
 *
 * Pure: no I/O, no allocation, no time zone database (the Swedish rule —
 * CET, CEST from the last Sunday of March to the last Sunday of October at
 * 01:00 UTC — is written out here, as the walk documents do).
 *
 * Days are counted from 1970-01-01 (day 0) in the proleptic Gregorian calendar.
 */
#ifndef TRYGG_PERIOD_H
#define TRYGG_PERIOD_H

#include <stddef.h>
#include <stdint.h>

#define PERIOD_KEY_MAX 16 /* "2026-11-24" and the rest, with the NUL */
#define PERIOD_YEAR_MIN 1900
#define PERIOD_YEAR_MAX 2200
#define PERIOD_COVER_MAX 8 /* ranges period_cover can produce */

enum period_grain {
    PERIOD_DAY = 0,
    PERIOD_WEEK = 1, /* ISO 8601: Monday to Sunday; week 1 holds the year's first Thursday */
    PERIOD_MONTH = 2,
    PERIOD_QUARTER = 3,
    PERIOD_YEAR = 4,
};

/* One period: its grain and its first and last day (inclusive). */
struct period {
    enum period_grain grain;
    int32_t first, last;
};

/* A run of whole periods of one grain, from the one starting at first to the
 * one ending at last (keys lo..hi compare in the same order as the days). */
struct period_range {
    enum period_grain grain;
    int32_t first, last;
    char lo[PERIOD_KEY_MAX], hi[PERIOD_KEY_MAX];
};

/* The day number of y-m-d (m 1..12, d 1..31; not checked). */
int32_t period_days_from_civil(int y, int m, int d);

/* The year, month (1..12) and day (1..31) of day z. */
void period_civil_from_days(int32_t z, int *y, int *m, int *d);

/* Monday 0 .. Sunday 6 of day z. */
int period_weekday(int32_t z);

/* The day in Swedish local time (CET/CEST) of the Unix time t. */
int32_t period_local_day(int64_t t);

/* The Unix time of local midnight at the start of day z (Swedish local time). */
int64_t period_local_midnight(int32_t z);

/* The period of grain g that contains day z. */
struct period period_containing(enum period_grain g, int32_t z);

/* The period after / before p (same grain). */
struct period period_next(struct period p);
struct period period_prev(struct period p);

/*
 * The same period one year earlier (the same week number, month, quarter or
 * date) into *out. Returns 0, or -1 when there is none (week 53 of a year
 * whose previous year has 52 weeks; 29 February).
 */
int period_year_before(struct period p, struct period *out);

/* The same period one year later, as period_year_before. */
int period_year_after(struct period p, struct period *out);

/* Writes p's key ("2026-W48", ...) into buf (at least PERIOD_KEY_MAX bytes). */
void period_key(struct period p, char *buf, size_t cap);

/*
 * Parses a key: "2026" (year), "2026-Q4", "2026-11", "2026-W48" (ISO week,
 * which must exist in that year) or "2026-11-24" (day), years within
 * PERIOD_YEAR_MIN..PERIOD_YEAR_MAX. Returns 0 with *out, or -1 (out untouched).
 */
int period_parse(const char *s, struct period *out);

/* The grain named "day", "week", "month", "quarter" or "year": 0, or -1. */
int period_grain_parse(const char *s, enum period_grain *out);

/* The name of grain g ("week", ...). Static string. */
const char *period_grain_name(enum period_grain g);

/*
 * Covers the days a..b (a <= b) with whole periods of the grains top and
 * below (weeks never: they do not nest), fewest first: at most two runs per
 * grain, in day order. top is PERIOD_YEAR, PERIOD_QUARTER, PERIOD_MONTH or
 * PERIOD_DAY. Writes at most max ranges into out and returns their count, or
 * -1 when max is too small (PERIOD_COVER_MAX always suffices).
 */
int period_cover(int32_t a, int32_t b, enum period_grain top, struct period_range *out, int max);

#endif
