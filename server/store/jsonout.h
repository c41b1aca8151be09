/*
 * jsonout — the server's one printer of jansson values: the same text as
 * json_dumps(v, HTTP_JSON_FLAGS) (compact, ASCII only, 12 significant digits,
 * object keys in insertion order), written by jsonw into a bounded buffer at a
 * fraction of jansson's cost (its printf of every real dominated large answers).
 */
#ifndef TRYGG_JSONOUT_H
#define TRYGG_JSONOUT_H

#include <jansson.h>
#include <stddef.h>

#include "membuf.h"

/* Appends v (NULL writes null) to b; failures are b's (sticky). */
void jsonout_value(struct membuf *b, const json_t *v);

/* v as malloc'd NUL-terminated text (*len bytes without the NUL), at most max
 * bytes; NULL when larger or out of memory. */
char *jsonout_dumps(const json_t *v, size_t max, size_t *len);

#endif
