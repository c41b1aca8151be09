/*
 * membuf — see membuf.h. A bounded growable buffer; no I/O.
 */
#include "membuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Scratch space for membuf_appendf before it knows the formatted length. */
#define MEMBUF_FORMAT_STACK 256

void membuf_init(struct membuf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->failed = 0;
}

/* Makes room for extra more bytes plus a NUL. 0, or an enum membuf_failure. */
static int membuf_reserve(struct membuf *b, size_t extra)
{
    if (extra > b->max - b->len)
        return MEMBUF_FAILED_LIMIT;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : MEMBUF_INITIAL_CAP;
    while (cap < need)
        cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
    if (cap > b->max + 1)
        cap = b->max + 1;
    unsigned char *p = realloc(b->data, cap);
    if (!p)
        return MEMBUF_FAILED_MEMORY;
    b->data = p;
    b->cap = cap;
    return 0;
}

int membuf_append(struct membuf *b, const void *p, size_t n)
{
    if (b->failed)
        return -1;
    int why = membuf_reserve(b, n);
    if (why) {
        b->failed = why;
        return -1;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int membuf_append_str(struct membuf *b, const char *s)
{
    return membuf_append(b, s, strlen(s));
}

int membuf_appendf(struct membuf *b, const char *fmt, ...)
{
    char small[MEMBUF_FORMAT_STACK];
    va_list ap;
    if (b->failed)
        return -1;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = MEMBUF_FAILED_MEMORY;
        return -1;
    }
    if ((size_t)n < sizeof small)
        return membuf_append(b, small, (size_t)n);
    /* Longer than the scratch space: format straight into the buffer. */
    int why = membuf_reserve(b, (size_t)n);
    if (why) {
        b->failed = why;
        return -1;
    }
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

int membuf_take(struct membuf *b, unsigned char **out, size_t *len)
{
    if (b->failed) {
        membuf_free(b);
        return -1;
    }
    if (!b->data) {
        b->data = malloc(1);
        if (!b->data)
            return -1;
        b->data[0] = '\0';
    }
    *out = b->data;
    *len = b->len;
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return 0;
}

void membuf_free(struct membuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = 0;
}
