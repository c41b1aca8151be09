/*
 * query — trygg's own bounded reader of URL query strings (a=1&b=x%20y), used
 * instead of civetweb's mg_get_var so that what a client sends in a query is
 * parsed by code we test and fuzz. Pure: no HTTP, no allocation.
 */
#ifndef TRYGG_QUERY_H
#define TRYGG_QUERY_H

#include <stddef.h>

enum query_status {
    QUERY_ABSENT = -1,   /* no parameter of that name */
    QUERY_TOO_LONG = -2, /* the decoded value does not fit in cap - 1 bytes */
    QUERY_BAD = -3,      /* a bad %-escape, or a decoded NUL byte */
};

/*
 * Finds the first parameter called name in query[0..strlen) (NULL = none) and
 * writes its value, %-decoded with '+' as a space, NUL-terminated into out.
 * Names are compared as sent (not decoded). Returns the value's length (>= 0)
 * or a negative enum query_status; out is "" on every failure (cap > 0).
 */
int query_get(const char *query, const char *name, char *out, size_t cap);

#endif
