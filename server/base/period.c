/*
 * period — see period.h. Civil-date arithmetic after Howard Hinnant's
 * "chrono-compatible low-level date algorithms" (public domain). Must not read
 * the clock or the process's time zone.
 */
#include "period.h"

#include <stdio.h>
#include <string.h>

int32_t period_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

void period_civil_from_days(int32_t z, int *y, int *m, int *d)
{
    int64_t zz = (int64_t)z + 719468;
    int64_t era = (zz >= 0 ? zz : zz - 146096) / 146097;
    int doe = (int)(zz - era * 146097);
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400) + (*m <= 2);
}

int period_weekday(int32_t z)
{
    /* 1970-01-01 was a Thursday (3 counted from Monday). */
    return (int)(((int64_t)z % 7 + 7 + 3) % 7);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* 01:00 UTC on the last Sunday of month m (March or October: 31 days) of year y. */
static int64_t last_sunday_0100(int y, int m)
{
    int32_t day = period_days_from_civil(y, m, 31);
    day -= (period_weekday(day) + 1) % 7;
    return (int64_t)day * 86400 + 3600;
}

/* The offset of Swedish local time from UTC at Unix time t, in seconds. */
static int64_t local_offset(int64_t t)
{
    int y, m, d;
    period_civil_from_days((int32_t)floor_div(t, 86400), &y, &m, &d);
    return t >= last_sunday_0100(y, 3) && t < last_sunday_0100(y, 10) ? 7200 : 3600;
}

int32_t period_local_day(int64_t t)
{
    return (int32_t)floor_div(t + local_offset(t), 86400);
}

int64_t period_local_midnight(int32_t z)
{
    /* The clocks change at 01:00 UTC (02:00 or 03:00 local), never at midnight. */
    int64_t t = (int64_t)z * 86400 - 3600;
    return local_offset(t) == 7200 ? (int64_t)z * 86400 - 7200 : t;
}

static int32_t month_first(int y, int m)
{
    return period_days_from_civil(y, m, 1);
}

static int32_t month_after_first(int y, int m)
{
    return m == 12 ? month_first(y + 1, 1) : month_first(y, m + 1);
}

/* The ISO year and week of day z. */
static void iso_week(int32_t z, int *year, int *week)
{
    int32_t thursday = z - period_weekday(z) + 3;
    int y, m, d;
    period_civil_from_days(thursday, &y, &m, &d);
    *year = y;
    *week = (int)((thursday - period_days_from_civil(y, 1, 1)) / 7 + 1);
}

/* The Monday of ISO week w of year y. */
static int32_t iso_week_monday(int y, int w)
{
    int32_t jan4 = period_days_from_civil(y, 1, 4);
    return jan4 - period_weekday(jan4) + (w - 1) * 7;
}

static int iso_weeks_in_year(int y)
{
    int iy, w;
    iso_week(period_days_from_civil(y, 12, 28), &iy, &w);
    return w;
}

struct period period_containing(enum period_grain g, int32_t z)
{
    struct period p = {g, z, z};
    int y, m, d;
    period_civil_from_days(z, &y, &m, &d);
    switch (g) {
    case PERIOD_DAY:
        break;
    case PERIOD_WEEK:
        p.first = z - period_weekday(z);
        p.last = p.first + 6;
        break;
    case PERIOD_MONTH:
        p.first = month_first(y, m);
        p.last = month_after_first(y, m) - 1;
        break;
    case PERIOD_QUARTER: {
        int q0 = (m - 1) / 3 * 3 + 1;
        p.first = month_first(y, q0);
        p.last = month_after_first(y, q0 + 2) - 1;
        break;
    }
    case PERIOD_YEAR:
        p.first = month_first(y, 1);
        p.last = month_first(y + 1, 1) - 1;
        break;
    }
    return p;
}

struct period period_next(struct period p)
{
    return period_containing(p.grain, p.last + 1);
}

struct period period_prev(struct period p)
{
    return period_containing(p.grain, p.first - 1);
}

/* The same period years later (negative: earlier). 0, or -1 when there is none. */
static int period_shift_years(struct period p, int years, struct period *out)
{
    int y, m, d;
    period_civil_from_days(p.first, &y, &m, &d);
    if (p.grain == PERIOD_WEEK) {
        int iy, w;
        iso_week(p.first, &iy, &w);
        if (w > iso_weeks_in_year(iy + years))
            return -1;
        int32_t monday = iso_week_monday(iy + years, w);
        out->grain = PERIOD_WEEK;
        out->first = monday;
        out->last = monday + 6;
        return 0;
    }
    if (p.grain == PERIOD_DAY && m == 2 && d == 29) {
        int ny = y + years;
        if (!(ny % 4 == 0 && (ny % 100 != 0 || ny % 400 == 0)))
            return -1;
    }
    *out = period_containing(p.grain, period_days_from_civil(y + years, m, d));
    return 0;
}

int period_year_before(struct period p, struct period *out)
{
    return period_shift_years(p, -1, out);
}

int period_year_after(struct period p, struct period *out)
{
    return period_shift_years(p, 1, out);
}

void period_key(struct period p, char *buf, size_t cap)
{
    int y, m, d;
    period_civil_from_days(p.first, &y, &m, &d);
    switch (p.grain) {
    case PERIOD_DAY:
        snprintf(buf, cap, "%04d-%02d-%02d", y, m, d);
        break;
    case PERIOD_WEEK: {
        int iy, w;
        iso_week(p.first, &iy, &w);
        snprintf(buf, cap, "%04d-W%02d", iy, w);
        break;
    }
    case PERIOD_MONTH:
        snprintf(buf, cap, "%04d-%02d", y, m);
        break;
    case PERIOD_QUARTER:
        snprintf(buf, cap, "%04d-Q%d", y, (m - 1) / 3 + 1);
        break;
    case PERIOD_YEAR:
        snprintf(buf, cap, "%04d", y);
        break;
    }
}

/* n decimal digits at s into *out; 0 or -1. */
static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int period_parse(const char *s, struct period *out)
{
    int y, a, b;
    size_t len = s ? strlen(s) : 0;
    if (len < 4 || digits(s, 4, &y) != 0 || y < PERIOD_YEAR_MIN || y > PERIOD_YEAR_MAX)
        return -1;
    if (len == 4) {
        *out = period_containing(PERIOD_YEAR, month_first(y, 1));
        return 0;
    }
    if (s[4] != '-')
        return -1;
    if (len == 7 && s[5] == 'Q') {
        if (digits(s + 6, 1, &a) != 0 || a < 1 || a > 4)
            return -1;
        *out = period_containing(PERIOD_QUARTER, month_first(y, (a - 1) * 3 + 1));
        return 0;
    }
    if (len == 7) {
        if (digits(s + 5, 2, &a) != 0 || a < 1 || a > 12)
            return -1;
        *out = period_containing(PERIOD_MONTH, month_first(y, a));
        return 0;
    }
    if (len == 8 && s[5] == 'W') {
        if (digits(s + 6, 2, &a) != 0 || a < 1 || a > iso_weeks_in_year(y))
            return -1;
        int32_t monday = iso_week_monday(y, a);
        out->grain = PERIOD_WEEK;
        out->first = monday;
        out->last = monday + 6;
        return 0;
    }
    if (len == 10 && s[7] == '-') {
        if (digits(s + 5, 2, &a) != 0 || digits(s + 8, 2, &b) != 0 || a < 1 || a > 12 || b < 1)
            return -1;
        int32_t z = period_days_from_civil(y, a, b);
        if (z > month_after_first(y, a) - 1)
            return -1;
        out->grain = PERIOD_DAY;
        out->first = out->last = z;
        return 0;
    }
    return -1;
}

static const char *const grain_names[] = {"day", "week", "month", "quarter", "year"};

int period_grain_parse(const char *s, enum period_grain *out)
{
    for (int g = PERIOD_DAY; g <= PERIOD_YEAR; g++)
        if (s && strcmp(s, grain_names[g]) == 0) {
            *out = (enum period_grain)g;
            return 0;
        }
    return -1;
}

const char *period_grain_name(enum period_grain g)
{
    return g >= PERIOD_DAY && g <= PERIOD_YEAR ? grain_names[g] : "?";
}

static enum period_grain finer(enum period_grain g)
{
    return g == PERIOD_YEAR ? PERIOD_QUARTER : g == PERIOD_QUARTER ? PERIOD_MONTH : PERIOD_DAY;
}

static int emit(enum period_grain g, int32_t a, int32_t b, struct period_range *out, int n, int max)
{
    if (n < 0 || n >= max)
        return -1;
    out[n].grain = g;
    out[n].first = a;
    out[n].last = b;
    period_key(period_containing(g, a), out[n].lo, sizeof out[n].lo);
    period_key(period_containing(g, b), out[n].hi, sizeof out[n].hi);
    return n + 1;
}

static int cover(int32_t a, int32_t b, enum period_grain g, struct period_range *out, int n,
                 int max)
{
    if (n < 0)
        return -1;
    if (g == PERIOD_DAY)
        return emit(PERIOD_DAY, a, b, out, n, max);
    struct period pa = period_containing(g, a), pb = period_containing(g, b);
    int32_t s = pa.first == a ? a : pa.last + 1; /* the first whole period starts here */
    int32_t e = pb.last == b ? b : pb.first - 1; /* the last whole period ends here */
    if (s > e)
        return cover(a, b, finer(g), out, n, max);
    if (a < s)
        n = cover(a, s - 1, finer(g), out, n, max);
    n = n < 0 ? -1 : emit(g, s, e, out, n, max);
    if (e < b)
        n = cover(e + 1, b, finer(g), out, n, max);
    return n;
}

int period_cover(int32_t a, int32_t b, enum period_grain top, struct period_range *out, int max)
{
    if (a > b || top == PERIOD_WEEK)
        return -1;
    return cover(a, b, top, out, 0, max);
}
