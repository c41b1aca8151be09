/*
 * validate — typed, bounded parsers for everything a client sends. Pure
 * functions: no HTTP, no database. Each returns 0 on success and leaves *out
 * untouched on failure (-1).
 */
#ifndef TRYGG_VALIDATE_H
#define TRYGG_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

/* Decimal integer in [min, max], whole string, no sign tricks or spaces. */
int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/* Finite decimal number in [min, max], whole string. */
int parse_double(const char *s, double min, double max, double *out);

/*
 * Checks that s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, no
 * code points above U+10FFFF, no NUL) and counts its characters into *chars
 * (may be NULL). Returns 0 when valid.
 */
int utf8_check(const char *s, size_t len, size_t *chars);

/*
 * RFC 3339 timestamp "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" (a space or
 * lower-case t/z accepted too) into Unix seconds. Rejects impossible dates.
 */
int parse_rfc3339(const char *s, int64_t *out);

/* Formats Unix seconds as "YYYY-MM-DDTHH:MM:SSZ" (buf at least 21 bytes). */
void format_rfc3339(int64_t t, char *buf, size_t cap);

/* 1 when s is a UUID in 8-4-4-4-12 hex form (any version, either case). */
int uuid_valid(const char *s);

/*
 * "minlon,minlat,maxlon,maxlat" in WGS 84 into out[4]; each value in range and
 * min <= max.
 */
int parse_bbox(const char *s, double out[4]);

/*
 * A comma-separated list of codes ([a-z0-9_], 1..32 chars each) into at most
 * max items: writes them as a JSON array string into json_out (for SQLite's
 * json_each). Returns the number of items, or -1.
 */
int parse_code_list(const char *s, int max, char *json_out, size_t cap);

/*
 * 1 when the JSON text s[0..len) nests arrays/objects at most max_depth deep
 * (brackets inside strings do not count), else 0. Run before handing a body to
 * a recursive parser: jansson recurses once per level and a worker thread's
 * stack is small.
 */
int json_depth_ok(const char *s, size_t len, int max_depth);

/*
 * Decodes the %XX escapes of a URL path s into out (cap bytes with the NUL);
 * '+' stays '+'. Returns the decoded length, or -1 when an escape is not two
 * hex digits, decodes to NUL (which would cut the path short for any C string
 * that holds it), or the result does not fit.
 */
int url_path_decode(const char *s, char *out, size_t cap);

#endif
