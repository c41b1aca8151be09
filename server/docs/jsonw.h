/*
 * jsonw — writing JSON text straight into a membuf, for the answers that are
 * large and hot (the map's clusters, lists of features): building a jansson tree
 * of every value and then printing it costs several times the query that found
 * them. Output is what jansson writes with HTTP_JSON_FLAGS: compact, ASCII only
 * (\uXXXX escapes in capitals, surrogate pairs above the BMP), and numbers with at most 12
 * significant digits.
 *
 * The caller writes the structure ({, :, commas) itself; these write one value
 * each. Errors are the membuf's (sticky: check it once at the end). Pure: no I/O.
 */
#ifndef TRYGG_JSONW_H
#define TRYGG_JSONW_H

#include <stddef.h>
#include <stdint.h>

#include "membuf.h"

/* Appends s (UTF-8, NUL-terminated; NULL writes null) as a JSON string. Bytes that
 * are not valid UTF-8 are written as U+FFFD. */
void jsonw_str(struct membuf *b, const char *s);

/* Appends the n bytes at s (NUL bytes among them written as \u0000) as a JSON string. */
void jsonw_strn(struct membuf *b, const char *s, size_t n);

/* Appends a whole number. */
void jsonw_int(struct membuf *b, int64_t v);

/* Appends a finite number exactly as jansson writes a real with
 * JSON_REAL_PRECISION(12) (%.12g, tidied); NaN and infinities are written as null. */
void jsonw_num(struct membuf *b, double v);

/* Appends raw text (punctuation, a key already known to need no escaping). */
void jsonw_raw(struct membuf *b, const char *s);

#endif
