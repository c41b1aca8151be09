/*
 * ical — see ical.h. Each property is built unfolded in a scratch buffer,
 * then copied into the document with folding, so escaping and folding are
 * each written once.
 */
#include "ical.h"

#include "validate.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* "YYYYMMDDTHHMMSSZ" and its NUL. */
#define ICAL_TIME_BUF 17

/* Octets a UTF-8 character starting with lead byte c occupies (1 for bytes that cannot lead). */
static size_t ical_utf8_width(unsigned char c)
{
    if (c >= 0xF0)
        return 4;
    if (c >= 0xE0)
        return 3;
    if (c >= 0xC0)
        return 2;
    return 1;
}

/*
 * Appends the unfolded content line line[0..n) to the document, folded: a
 * CRLF and one space are inserted before any character that would make the
 * physical line longer than ICAL_LINE_OCTETS octets; characters are never
 * split. Ends with CRLF.
 */
static void ical_emit_folded(struct membuf *out, const unsigned char *line, size_t n)
{
    size_t col = 0, i = 0;
    while (i < n) {
        size_t w = ical_utf8_width(line[i]);
        if (w > n - i)
            w = n - i;
        if (col + w > ICAL_LINE_OCTETS) {
            membuf_append(out, "\r\n ", 3);
            col = 1;
        }
        membuf_append(out, line + i, w);
        col += w;
        i += w;
    }
    membuf_append(out, "\r\n", 2);
}

/* Appends a TEXT value escaped as RFC 5545 3.3.11 asks; other control characters are dropped. */
static void ical_escape_text(struct membuf *b, const char *s)
{
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        switch (c) {
        case '\\':
            membuf_append(b, "\\\\", 2);
            break;
        case ';':
            membuf_append(b, "\\;", 2);
            break;
        case ',':
            membuf_append(b, "\\,", 2);
            break;
        case '\r': /* CRLF and a lone CR are one newline */
            if (p[1] == '\n')
                p++;
            membuf_append(b, "\\n", 2);
            break;
        case '\n':
            membuf_append(b, "\\n", 2);
            break;
        default:
            if ((c < 0x20 && c != '\t') || c == 0x7f)
                break;
            membuf_append(b, p, 1);
        }
    }
}

/* 1 when s is NULL-free valid UTF-8 no longer than ICAL_VALUE_MAX_BYTES. */
static int ical_text_ok(const char *s)
{
    size_t n = strnlen(s, ICAL_VALUE_MAX_BYTES + 1);
    return n <= ICAL_VALUE_MAX_BYTES && utf8_check(s, n, NULL) == 0;
}

/* 1 when s may be written as a URI value: printable ASCII, no space, not empty, bounded. */
static int ical_uri_ok(const char *s)
{
    size_t n = strnlen(s, ICAL_VALUE_MAX_BYTES + 1);
    if (n == 0 || n > ICAL_VALUE_MAX_BYTES)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
            return 0;
    return 1;
}

static int ical_time_ok(int64_t t)
{
    return t >= 0 && t <= ICAL_TIME_MAX;
}

static void ical_format_time(int64_t t, char buf[ICAL_TIME_BUF])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, ICAL_TIME_BUF, "%Y%m%dT%H%M%SZ", &tm);
}

/* Maps the sticky membuf failure of the document to a status. */
static int ical_fail_status(const struct ical *c)
{
    return c->buf.failed == MEMBUF_FAILED_LIMIT ? ICAL_TOO_LARGE : ICAL_INTERNAL;
}

/* Writes "NAME:" + escaped text as one folded line. */
static void ical_prop_text(struct membuf *doc, struct membuf *line, const char *name,
                           const char *value)
{
    membuf_free(line);
    membuf_append_str(line, name);
    membuf_append(line, ":", 1);
    ical_escape_text(line, value);
    if (!line->failed)
        ical_emit_folded(doc, line->data, line->len);
    else
        doc->failed = MEMBUF_FAILED_MEMORY; /* values are bounded: only memory can fail */
}

/* Writes "NAME:" + raw value (already valid for its type) as one folded line. */
static void ical_prop_raw(struct membuf *doc, struct membuf *line, const char *name,
                          const char *value)
{
    membuf_free(line);
    membuf_append_str(line, name);
    membuf_append(line, ":", 1);
    membuf_append_str(line, value);
    if (!line->failed)
        ical_emit_folded(doc, line->data, line->len);
    else
        doc->failed = MEMBUF_FAILED_MEMORY; /* values are bounded: only memory can fail */
}

/* Bytes a scratch line may take: a value escaped at worst doubles, plus the name. */
#define ICAL_LINE_SCRATCH_MAX (2 * ICAL_VALUE_MAX_BYTES + 64)

int ical_begin(struct ical *c, const char *prodid, const char *calname, size_t max_bytes)
{
    struct membuf line;
    membuf_init(&c->buf, max_bytes);
    membuf_init(&line, ICAL_LINE_SCRATCH_MAX);
    c->status = ICAL_OK;
    if (!prodid || !*prodid || !ical_text_ok(prodid) || (calname && !ical_text_ok(calname))) {
        c->status = ICAL_INVALID;
        goto out;
    }
    membuf_append_str(&c->buf, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
    ical_prop_text(&c->buf, &line, "PRODID", prodid);
    membuf_append_str(&c->buf, "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n");
    if (calname)
        ical_prop_text(&c->buf, &line, "X-WR-CALNAME", calname);
    if (c->buf.failed)
        c->status = ical_fail_status(c);
out:
    membuf_free(&line);
    return c->status;
}

int ical_add_event(struct ical *c, const struct ical_event *e)
{
    struct membuf line;
    char t[ICAL_TIME_BUF];
    char geo[64];
    int rc = ICAL_INVALID;

    if (c->status != ICAL_OK)
        return c->status;
    membuf_init(&line, ICAL_LINE_SCRATCH_MAX);
    if (!e->uid || !*e->uid || !ical_text_ok(e->uid) || !e->summary || !ical_text_ok(e->summary))
        goto out;
    if ((e->description && !ical_text_ok(e->description)) ||
        (e->location && !ical_text_ok(e->location)) || (e->url && !ical_uri_ok(e->url)))
        goto out;
    if (!ical_time_ok(e->dtstamp) || !ical_time_ok(e->dtstart) ||
        (e->dtend && (!ical_time_ok(e->dtend) || e->dtend < e->dtstart)))
        goto out;
    if (e->has_geo &&
        !(isfinite(e->lat) && isfinite(e->lon) && fabs(e->lat) <= 90 && fabs(e->lon) <= 180))
        goto out;

    membuf_append_str(&c->buf, "BEGIN:VEVENT\r\n");
    ical_prop_text(&c->buf, &line, "UID", e->uid);
    ical_format_time(e->dtstamp, t);
    ical_prop_raw(&c->buf, &line, "DTSTAMP", t);
    ical_format_time(e->dtstart, t);
    ical_prop_raw(&c->buf, &line, "DTSTART", t);
    if (e->dtend) {
        ical_format_time(e->dtend, t);
        ical_prop_raw(&c->buf, &line, "DTEND", t);
    }
    ical_prop_text(&c->buf, &line, "SUMMARY", e->summary);
    if (e->description)
        ical_prop_text(&c->buf, &line, "DESCRIPTION", e->description);
    if (e->location)
        ical_prop_text(&c->buf, &line, "LOCATION", e->location);
    if (e->has_geo) {
        snprintf(geo, sizeof geo, "%.6f;%.6f", e->lat, e->lon);
        ical_prop_raw(&c->buf, &line, "GEO", geo);
    }
    if (e->url)
        ical_prop_raw(&c->buf, &line, "URL", e->url);
    membuf_append_str(&c->buf, e->cancelled ? "STATUS:CANCELLED\r\n" : "STATUS:CONFIRMED\r\n");
    membuf_append_str(&c->buf, "END:VEVENT\r\n");
    if (c->buf.failed) {
        c->status = ical_fail_status(c);
        rc = c->status;
        goto out;
    }
    rc = ICAL_OK;
out:
    membuf_free(&line);
    return rc;
}

int ical_finish(struct ical *c, char **out, size_t *len)
{
    unsigned char *bytes = NULL;
    *out = NULL;
    *len = 0;
    if (c->status != ICAL_OK)
        return c->status;
    membuf_append_str(&c->buf, "END:VCALENDAR\r\n");
    if (c->buf.failed) {
        c->status = ical_fail_status(c);
        return c->status;
    }
    if (membuf_take(&c->buf, &bytes, len) != 0) {
        c->status = ICAL_INTERNAL;
        return c->status;
    }
    *out = (char *)bytes;
    return ICAL_OK;
}

void ical_free(struct ical *c)
{
    membuf_free(&c->buf);
}
