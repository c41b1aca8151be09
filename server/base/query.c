/*
 * query — see query.h.
 */
#include "query.h"

#include <string.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes v[0..n) into out (cap bytes). Returns the length or a query_status. */
static int decode(const char *v, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int h = i + 1 < n ? hex_value(v[i + 1]) : -1;
            int l = i + 2 < n ? hex_value(v[i + 2]) : -1;
            if (h < 0 || l < 0)
                return QUERY_BAD;
            c = (char)(h * 16 + l);
            i += 2;
        }
        if (c == '\0')
            return QUERY_BAD;
        if (o + 1 >= cap)
            return QUERY_TOO_LONG;
        out[o++] = c;
    }
    out[o] = '\0';
    return (int)o;
}

int query_get(const char *query, const char *name, char *out, size_t cap)
{
    if (cap == 0)
        return QUERY_TOO_LONG;
    out[0] = '\0';
    if (!query || !name || !*name)
        return QUERY_ABSENT;
    size_t nlen = strlen(name);
    const char *p = query;
    while (*p) {
        const char *end = strchr(p, '&');
        size_t plen = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', plen);
        size_t klen = eq ? (size_t)(eq - p) : plen;
        if (klen == nlen && memcmp(p, name, nlen) == 0) {
            const char *v = eq ? eq + 1 : p + plen;
            size_t vlen = eq ? plen - klen - 1 : 0;
            int rc = decode(v, vlen, out, cap);
            if (rc < 0)
                out[0] = '\0';
            return rc;
        }
        if (!end)
            break;
        p = end + 1;
    }
    return QUERY_ABSENT;
}
