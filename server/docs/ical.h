/*
 * ical — writes iCalendar (RFC 5545) documents: one VCALENDAR of VEVENTs,
 * for the feed of public walks (/walks.ics) and a single walk's "add to
 * calendar" file. Lines end in CRLF and are folded at ICAL_LINE_OCTETS octets
 * (never inside a UTF-8 character); TEXT values have backslash, semicolon,
 * comma and newlines escaped. All times are written in UTC ("Z" form), so no
 * VTIMEZONE is needed.
 *
 * Pure: no HTTP, no database, no JSON. A struct ical belongs to one thread.
 */
#ifndef TRYGG_ICAL_H
#define TRYGG_ICAL_H

#include "membuf.h"

#include <stddef.h>
#include <stdint.h>

/* RFC 5545 3.1: content lines SHOULD NOT be longer than 75 octets, CRLF excluded. */
#define ICAL_LINE_OCTETS 75
/* Longest single property value accepted (bytes, before escaping). */
#define ICAL_VALUE_MAX_BYTES (64 * 1024)
/* Latest time written: 9999-12-31T23:59:59Z (the format has four year digits). */
#define ICAL_TIME_MAX INT64_C(253402300799)

enum ical_status {
    ICAL_OK = 0,
    ICAL_INVALID = 1,   /* a required field missing, bad UTF-8, time or coordinate out of range */
    ICAL_TOO_LARGE = 2, /* the document would pass its max_bytes */
    ICAL_INTERNAL = 3,  /* out of memory, or used after a failure */
};

/* One VEVENT. Strings are borrowed, UTF-8, and only read during ical_add_event. */
struct ical_event {
    const char *uid;     /* required; globally unique and stable, e.g. "walk-12@trygg.example" */
    int64_t dtstamp;     /* required; Unix seconds: when this version was written */
    int64_t dtstart;     /* required; Unix seconds */
    int64_t dtend;       /* Unix seconds >= dtstart, or 0 for none */
    const char *summary; /* required */
    const char *description; /* NULL = none; newlines are kept (escaped as \n) */
    const char *location;    /* NULL = none */
    int has_geo;             /* 1: write GEO from lat/lon */
    double lat, lon;         /* WGS 84 degrees; written as GEO:lat;lon with 6 decimals */
    const char *url;         /* NULL = none; an absolute URI of printable ASCII without spaces */
    int cancelled;           /* 1: STATUS:CANCELLED, so subscribed calendars strike it out */
};

struct ical {
    struct membuf buf;
    int status; /* ICAL_OK until something fails; then every call returns it */
};

/*
 * Starts a calendar in c that will hold at most max_bytes: BEGIN:VCALENDAR,
 * VERSION:2.0, PRODID (required, e.g. "-//trygg//trygg 0.1//SV"),
 * CALSCALE:GREGORIAN, METHOD:PUBLISH and, when calname is not NULL, the
 * X-WR-CALNAME that calendar apps show as the subscription's name. Returns an
 * ical_status; always call ical_free(c) afterwards.
 */
int ical_begin(struct ical *c, const char *prodid, const char *calname, size_t max_bytes);

/*
 * Appends one VEVENT. Every field is checked before anything is written, so
 * an ICAL_INVALID event leaves the calendar as it was and the caller may go on
 * with the next one. ICAL_TOO_LARGE and ICAL_INTERNAL are final.
 */
int ical_add_event(struct ical *c, const struct ical_event *e);

/*
 * Ends the calendar and hands the document over: *out is a NUL-terminated
 * string from malloc() (the caller frees it), *len its length in bytes.
 * Returns an ical_status; on failure nothing is handed over.
 */
int ical_finish(struct ical *c, char **out, size_t *len);

/* Frees whatever c still holds. Safe after ical_finish and on a failed c. */
void ical_free(struct ical *c);

#endif
