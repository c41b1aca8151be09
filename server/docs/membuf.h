/*
 * membuf — a growable byte buffer with a hard maximum size, for the document
 * writers (iCalendar, QR PNG/SVG, PDF streams). Every buffer is created with
 * its limit; an append that would pass it fails and the buffer remembers the
 * failure, so a writer may chain appends and check once at the end.
 *
 * Pure memory handling: no I/O. Not shared between threads.
 */
#ifndef TRYGG_MEMBUF_H
#define TRYGG_MEMBUF_H

#include <stddef.h>

/* Smallest allocation made on the first append. */
#define MEMBUF_INITIAL_CAP 4096

struct membuf {
    unsigned char *data; /* from malloc(); NUL-terminated after every successful append */
    size_t len;          /* bytes used, not counting the terminating NUL */
    size_t cap;          /* bytes allocated */
    size_t max;          /* len never exceeds this */
    int failed;          /* 0, or why an append failed (enum membuf_failure); sticky */
};

enum membuf_failure {
    MEMBUF_FAILED_LIMIT = 1,  /* the append would have passed max */
    MEMBUF_FAILED_MEMORY = 2, /* malloc/realloc failed */
};

/* Prepares an empty buffer that will hold at most max bytes. Allocates nothing. */
void membuf_init(struct membuf *b, size_t max);

/*
 * Appends n bytes from p. Returns 0, or -1 when the result would exceed
 * b->max (b->failed = MEMBUF_FAILED_LIMIT) or memory runs out
 * (MEMBUF_FAILED_MEMORY); the contents are then unchanged. Once failed, every later append returns
 * -1 too.
 */
int membuf_append(struct membuf *b, const void *p, size_t n);

/* Appends the NUL-terminated string s. As membuf_append. */
int membuf_append_str(struct membuf *b, const char *s);

/* Appends printf-style formatted text (vsnprintf, C locale assumed). As membuf_append. */
int membuf_appendf(struct membuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Hands the contents to the caller: *out gets the malloc'd bytes (always
 * NUL-terminated, so text can be used as a C string; an empty buffer gives a
 * 1-byte ""), *len their length without the NUL. The caller frees *out with
 * free(). The buffer is left empty and may be reused. Returns -1 (and hands
 * over nothing, freeing the contents) if the buffer had failed or memory runs
 * out.
 */
int membuf_take(struct membuf *b, unsigned char **out, size_t *len);

/* Frees the contents and leaves b empty with its limit. Safe on an empty buffer. */
void membuf_free(struct membuf *b);

#endif
