/*
 * Unit tests for server/ical.c: CRLF everywhere, no physical line over 75
 * octets and no UTF-8 character split by a fold, unfolding and unescaping
 * give back the original text, bad events are refused without touching the
 * calendar, the size limit holds, and python3-icalendar (Debian) parses the
 * feed with one event per walk.
 */
#include "check.h"
#include "ical.h"
#include "validate.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PRODID "-//trygg//trygg 0.1//SV"
/* Enough for the few kilobytes the tests write. */
#define TEST_ICAL_MAX (1024 * 1024)
/* Longest line the python helper prints back. */
#define PY_LINE_MAX 4096

static const char *const long_description =
    "Samling vid Norrby torg. Vi går längs Östermalmsgatan, förbi förskolan och genom "
    "tunneln under väg 40; där är det mörkt, och buskarna skymmer sikten. Ta med ficklampa, "
    "reflexväst och bra skor!\nFrågor: ring nätverkskoordinatorn.\r\nBackslash \\ och "
    "komma, semikolon; ÅÄÖ åäö é — ✓ 🚶 slut.";

static int64_t t_of(const char *iso)
{
    int64_t t = 0;
    CHECK(parse_rfc3339(iso, &t) == 0);
    return t;
}

/* Undoes TEXT escaping (the inverse of what ical.c writes) into a malloc'd string. */
static char *unescape(const char *s, size_t n)
{
    char *out = malloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            char c = s[++i];
            *o++ = (c == 'n' || c == 'N') ? '\n' : c;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

/* The description as ical.c must store it: CRLF and CR become LF, nothing else changes. */
static char *expected_text(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;
    for (; *s; s++) {
        if (*s == '\r') {
            *o++ = '\n';
            if (s[1] == '\n')
                s++;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

/* Checks the physical form: CRLF only, <= 75 octets, each physical line valid UTF-8. */
static void check_physical_lines(const char *doc, size_t len)
{
    size_t start = 0, lines = 0, longest = 0;
    int bare = 0, too_long = 0, split = 0;
    for (size_t i = 0; i < len; i++) {
        if (doc[i] == '\n' && (i == 0 || doc[i - 1] != '\r'))
            bare++;
        if (doc[i] == '\r' && (i + 1 == len || doc[i + 1] != '\n'))
            bare++;
        if (doc[i] == '\n') {
            size_t n = i - 1 - start; /* without CRLF */
            lines++;
            longest = n > longest ? n : longest;
            if (n > ICAL_LINE_OCTETS)
                too_long++;
            if (utf8_check(doc + start, n, NULL) != 0)
                split++;
            start = i + 1;
        }
    }
    CHECK(bare == 0);
    CHECK(too_long == 0);
    CHECK(split == 0);
    CHECK(start == len); /* the document ends with CRLF */
    CHECK(lines > 10);
    printf("ical: %zu physical lines, longest %zu octets\n", lines, longest);
}

/* Removes every CRLF followed by one space (RFC 5545 3.1 unfolding). malloc'd. */
static char *unfold(const char *doc, size_t len)
{
    char *out = malloc(len + 1), *o = out;
    for (size_t i = 0; i < len; i++) {
        if (doc[i] == '\r' && i + 2 < len && doc[i + 1] == '\n' && doc[i + 2] == ' ') {
            i += 2;
            continue;
        }
        *o++ = doc[i];
    }
    *o = '\0';
    return out;
}

/* The value of the first unfolded line that starts with "NAME:", unescaped; malloc'd or NULL. */
static char *property(const char *unfolded, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = unfolded; p && *p;) {
        const char *eol = strstr(p, "\r\n");
        if (!eol)
            break;
        if ((size_t)(eol - p) > nl && memcmp(p, name, nl) == 0 && p[nl] == ':')
            return unescape(p + nl + 1, (size_t)(eol - p) - nl - 1);
        p = eol + 2;
    }
    return NULL;
}

static struct ical_event walk_event(int i)
{
    static char uids[3][64];
    snprintf(uids[i], sizeof uids[i], "walk-%d@trygg.boras.se", i + 1);
    struct ical_event e = {
        .uid = uids[i],
        .dtstamp = t_of("2026-11-01T09:00:00Z"),
        .dtstart = t_of("2026-11-26T17:00:00Z") + i * 86400 * 7,
        .dtend = t_of("2026-11-26T18:30:00Z") + i * 86400 * 7,
        .summary = "Trygghetsvandring Norrby",
        .description = long_description,
        .location = "Norrby torg, vid fontänen",
        .has_geo = 1,
        .lat = 57.7343,
        .lon = 12.9486,
        .url = "https://trygg.boras.se/w/K7QM4X",
    };
    return e;
}

static char *build_calendar(size_t *len)
{
    struct ical c;
    char *doc = NULL;
    CHECK(ical_begin(&c, PRODID, "Trygghetsvandringar i Borås", TEST_ICAL_MAX) == ICAL_OK);
    for (int i = 0; i < 3; i++) {
        struct ical_event e = walk_event(i);
        if (i == 2)
            e.cancelled = 1;
        CHECK(ical_add_event(&c, &e) == ICAL_OK);
    }
    CHECK(ical_finish(&c, &doc, len) == ICAL_OK);
    ical_free(&c);
    return doc;
}

static void test_folding_escaping_and_crlf(void)
{
    size_t len = 0;
    char *doc = build_calendar(&len);
    CHECK(doc != NULL && strlen(doc) == len);
    if (!doc)
        return;
    check_physical_lines(doc, len);
    CHECK(strncmp(doc, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//trygg//trygg 0.1//SV\r\n",
                  62) == 0);
    CHECK(len > 15 && strcmp(doc + len - 15, "END:VCALENDAR\r\n") == 0);
    CHECK(strstr(doc, "\r\nDTSTART:20261126T170000Z\r\n") != NULL);
    CHECK(strstr(doc, "\r\nDTEND:20261126T183000Z\r\n") != NULL);
    CHECK(strstr(doc, "\r\nGEO:57.734300;12.948600\r\n") != NULL);
    CHECK(strstr(doc, "\r\nSTATUS:CANCELLED\r\n") != NULL);
    CHECK(strstr(doc, "\r\nLOCATION:Norrby torg\\, vid fontänen\r\n") != NULL);

    char *unfolded = unfold(doc, len);
    char *desc = property(unfolded, "DESCRIPTION");
    char *want = expected_text(long_description);
    CHECK(desc != NULL && strcmp(desc, want) == 0);
    CHECK(strstr(unfolded, "tunneln under väg 40\\; där är det mörkt\\, och") != NULL);
    CHECK(strstr(unfolded, "Backslash \\\\ och") != NULL);
    CHECK(strstr(unfolded, "ficklampa\\, reflexväst") != NULL);
    CHECK(strstr(unfolded, "\\nFrågor") != NULL);
    free(desc);
    free(want);
    free(unfolded);
    free(doc);
}

/* "SUMMARY:" is 8 octets; 66 more make 74, so a 2-octet "ö" must move to the next line. */
static void test_fold_never_splits_a_character(void)
{
    char summary[128];
    memset(summary, 'a', 66);
    memcpy(summary + 66, "öx", 4);
    struct ical c;
    struct ical_event e = walk_event(0);
    e.summary = summary;
    e.description = NULL;
    char *doc = NULL;
    size_t len = 0;
    CHECK(ical_begin(&c, PRODID, NULL, TEST_ICAL_MAX) == ICAL_OK);
    CHECK(ical_add_event(&c, &e) == ICAL_OK);
    CHECK(ical_finish(&c, &doc, &len) == ICAL_OK);
    ical_free(&c);
    if (!doc)
        return;
    const char *line = strstr(doc, "SUMMARY:");
    CHECK(line != NULL);
    if (line) {
        const char *eol = strstr(line, "\r\n");
        CHECK(eol - line == 74);
        CHECK(strncmp(eol, "\r\n öx\r\n", 8) == 0);
    }
    CHECK(strstr(doc, "X-WR-CALNAME") == NULL);
    free(doc);
}

static void test_bad_events_are_refused_and_leave_the_calendar_alone(void)
{
    struct ical c;
    CHECK(ical_begin(&c, PRODID, NULL, TEST_ICAL_MAX) == ICAL_OK);
    size_t before = c.buf.len;
    struct ical_event e = walk_event(0);
    e.summary = "bad \xC3\x28 UTF-8";
    CHECK(ical_add_event(&c, &e) == ICAL_INVALID);
    e = walk_event(0);
    e.dtend = e.dtstart - 60;
    CHECK(ical_add_event(&c, &e) == ICAL_INVALID);
    e = walk_event(0);
    e.lat = 91;
    CHECK(ical_add_event(&c, &e) == ICAL_INVALID);
    e = walk_event(0);
    e.url = "https://example.se/a b";
    CHECK(ical_add_event(&c, &e) == ICAL_INVALID);
    e = walk_event(0);
    e.uid = NULL;
    CHECK(ical_add_event(&c, &e) == ICAL_INVALID);
    e = walk_event(0);
    e.dtstart = -1;
    CHECK(ical_add_event(&c, &e) == ICAL_INVALID);
    CHECK(c.buf.len == before);
    e = walk_event(0);
    CHECK(ical_add_event(&c, &e) == ICAL_OK); /* still usable */
    ical_free(&c);

    CHECK(ical_begin(&c, "", NULL, TEST_ICAL_MAX) == ICAL_INVALID);
    ical_free(&c);
}

static void test_size_limit(void)
{
    struct ical c;
    char *doc = (char *)"x";
    size_t len = 1;
    CHECK(ical_begin(&c, PRODID, NULL, 600) == ICAL_OK);
    struct ical_event e = walk_event(0);
    CHECK(ical_add_event(&c, &e) == ICAL_TOO_LARGE);
    CHECK(ical_add_event(&c, &e) == ICAL_TOO_LARGE); /* final */
    CHECK(ical_finish(&c, &doc, &len) == ICAL_TOO_LARGE);
    CHECK(doc == NULL && len == 0);
    ical_free(&c);
}

/*
 * Parses the feed with python3-icalendar and prints the event count and the
 * first event's GEO, DTSTART and DESCRIPTION. /usr/bin/python3 on purpose: the
 * Debian package installs for Debian's Python, and PATH may find another.
 */
static void test_python_icalendar_parses_the_feed(void)
{
    char dir[] = "/tmp/trygg-ical-XXXXXX", path[256], cmd[1024], line[PY_LINE_MAX];
    size_t len = 0;
    char *doc = build_calendar(&len);
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/walks.ics", dir);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f || !doc) {
        free(doc);
        return;
    }
    fwrite(doc, 1, len, f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c 'import sys, icalendar\n"
             "cal = icalendar.Calendar.from_ical(open(sys.argv[1], \"rb\").read())\n"
             "ev = cal.walk(\"VEVENT\")\n"
             "print(len(ev))\n"
             "print(ev[0].get(\"GEO\").latitude, ev[0].get(\"GEO\").longitude)\n"
             "print(ev[0].decoded(\"DTSTART\").isoformat())\n"
             "sys.stdout.write(str(ev[0].get(\"DESCRIPTION\")))' '%s'",
             path);
    FILE *p = popen(cmd, "r");
    CHECK(p != NULL);
    if (p) {
        char out[8192] = "";
        size_t got = fread(out, 1, sizeof out - 1, p);
        out[got] = '\0';
        int rc = pclose(p);
        CHECK(rc == 0);
        if (rc != 0)
            fprintf(stderr, "python3-icalendar failed (apt-get install python3-icalendar)\n");
        char *want = expected_text(long_description);
        char *nl1 = strchr(out, '\n'), *nl2 = nl1 ? strchr(nl1 + 1, '\n') : NULL;
        char *nl3 = nl2 ? strchr(nl2 + 1, '\n') : NULL;
        CHECK(nl3 != NULL);
        if (nl3) {
            snprintf(line, sizeof line, "%.*s", (int)(nl1 - out), out);
            CHECK(strcmp(line, "3") == 0);
            printf("ical: python3-icalendar counts %s events\n", line);
            CHECK(strncmp(nl1 + 1, "57.7343 12.9486\n", 16) == 0);
            CHECK(strncmp(nl2 + 1, "2026-11-26T17:00:00+00:00\n", 26) == 0);
            CHECK(strcmp(nl3 + 1, want) == 0);
        }
        free(want);
    }
    unlink(path);
    rmdir(dir);
    free(doc);
}

int main(void)
{
    test_folding_escaping_and_crlf();
    test_fold_never_splits_a_character();
    test_bad_events_are_refused_and_leave_the_calendar_alone();
    test_size_limit();
    test_python_icalendar_parses_the_feed();
    return check_report("test_ical");
}
