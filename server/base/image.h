/*
 * image — turns an untrusted uploaded photo into safe, metadata-free JPEGs:
 * decode (libjpeg-turbo, libpng, libwebp), apply the EXIF orientation (libexif),
 * downscale, re-encode. Re-encoding drops every APPn/COM segment, text chunk
 * and EXIF block by construction: no metadata survives.
 *
 * MEMORY CEILING. No decoder produces the full-size image: JPEG is decoded at the
 * smallest DCT scale (k/8) that still covers the output, and rows stream from every
 * decoder into a box filter that writes the downscaled, oriented output directly.
 * One image_sanitize call therefore holds at most
 *
 *     IMAGE_WORK_BYTES_PER_PIXEL * max_pixels    decoder work memory, used only by
 *                                                progressive or multi-scan JPEGs (all
 *                                                coefficients: 3 B/px at 4:2:0, 6 at
 *                                                4:4:4), interlaced PNGs (whole image,
 *                                                at most 4 B/px) and lossless or alpha
 *                                                WebPs (ARGB, 4 B/px); a file that
 *                                                needs more is refused (TOO_LARGE)
 *   + 6 * max_side_out^2                         output RGB (3 B/px) and its JPEG
 *                                                encoding buffer (at most 3 B/px)
 *   + IMAGE_FIXED_OVERHEAD                       thumbnail, rows, decoder state
 *
 * and at most max_concurrent_decodes calls run at once (the others wait), so all
 * image decoding together stays under
 *
 *     max_concurrent_decodes * (4 * max_pixels + 6 * max_side_out^2 + 1 MiB)
 *
 * which image_memory_ceiling() computes. With the defaults (2 decodes, 25 MP,
 * 2048 px): 2 * (100 MB + 25.2 MB + 1 MiB) = 252 MB. A baseline JPEG or a
 * non-interlaced PNG (what phones and browsers send) needs no work memory at all:
 * about 2 * 3 * max_side_out^2 per decode. The request bodies themselves (up to
 * max_photo_bytes each) are held by the HTTP layer and are not part of this sum.
 */
#ifndef TRYGG_IMAGE_H
#define TRYGG_IMAGE_H

#include <stddef.h>

#define IMAGE_THUMB_MAX_SIDE 320
#define IMAGE_MAX_SIDE 20000 /* refuse any side longer than this before decoding */

/* Decoder work memory allowed per allowed pixel (see MEMORY CEILING above). */
#define IMAGE_WORK_BYTES_PER_PIXEL 4
/* Thumbnail pixels and JPEG, row buffers, decoder state: measured well under this. */
#define IMAGE_FIXED_OVERHEAD (1024L * 1024)
/* Concurrent decodes when image_set_max_concurrent_decodes() was never called. */
#define IMAGE_DEFAULT_CONCURRENT_DECODES 2
/* How long a call waits for a free decode slot before giving up with IMAGE_BUSY. */
#define IMAGE_DECODE_WAIT_MS 15000
/* Progressive JPEGs with more scans than this are refused (as TJFLAG_LIMITSCANS). */
#define IMAGE_JPEG_MAX_SCANS 500

struct image_blob {
    unsigned char *data; /* from malloc(); free with image_blob_free */
    size_t len;
    int width;
    int height;
};

enum image_status {
    IMAGE_OK = 0,
    IMAGE_UNSUPPORTED_TYPE = 1,
    IMAGE_INVALID = 2,
    IMAGE_TOO_LARGE = 3, /* too many pixels, or needs more than the work memory */
    IMAGE_INTERNAL = 4,
    IMAGE_BUSY = 5, /* no decode slot freed up within IMAGE_DECODE_WAIT_MS: a 503 */
};

/*
 * content_type is the request's Content-Type (parameters ignored, case-
 * insensitive): image/jpeg, image/png or image/webp; the bytes must really be
 * of that type. Images with more than max_pixels pixels are refused right after
 * their header is read, before any pixel buffer is allocated. The full-size
 * output is downscaled so its long side is at most max_side_out; the
 * thumbnail's long side is at most IMAGE_THUMB_MAX_SIDE. At most
 * max_concurrent_decodes calls decode at once; a call that finds no free slot
 * within IMAGE_DECODE_WAIT_MS returns IMAGE_BUSY. On success fills *full and
 * *thumb (JPEG) and returns IMAGE_OK; otherwise returns the status, sets *why
 * to a static English message and leaves nothing allocated. Thread-safe.
 */
int image_sanitize(const unsigned char *in, size_t len, const char *content_type, long max_pixels,
                   int max_side_out, struct image_blob *full, struct image_blob *thumb,
                   const char **why);

/*
 * Sets how many image_sanitize calls may decode at once (the config's
 * max_concurrent_decodes; IMAGE_DEFAULT_CONCURRENT_DECODES until called).
 * Call at start-up; safe at any time. Returns 0, or -1 when n < 1.
 */
int image_set_max_concurrent_decodes(int n);

/* The most image_sanitize calls that were ever decoding at the same moment. */
int image_decodes_most_concurrent(void);

/*
 * The memory ceiling in bytes of all decoding together (formula above), for
 * logging at start-up and for tests.
 */
double image_memory_ceiling(long max_pixels, int max_side_out, int max_concurrent_decodes);

/* Frees b->data and zeroes b. */
void image_blob_free(struct image_blob *b);

/* 1 when content_type is one of the three accepted types, else 0. */
int image_content_type_supported(const char *content_type);

#endif
