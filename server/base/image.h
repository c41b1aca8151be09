/*
 * image — turns an untrusted uploaded photo into safe, metadata-free JPEGs:
 * decode (libjpeg-turbo, libpng, libwebp), apply the EXIF orientation (libexif),
 * downscale, re-encode. Re-encoding drops every APPn/COM segment, text chunk
 * and EXIF block by construction: no metadata survives.
 */
#ifndef TRYGG_IMAGE_H
#define TRYGG_IMAGE_H

#include <stddef.h>

#define IMAGE_THUMB_MAX_SIDE 320
#define IMAGE_MAX_SIDE 20000 /* refuse any side longer than this before decoding */

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
    IMAGE_TOO_LARGE = 3,
    IMAGE_INTERNAL = 4,
};

/*
 * content_type is the request's Content-Type (parameters ignored, case-
 * insensitive): image/jpeg, image/png or image/webp; the bytes must really be
 * of that type. Images with more than max_pixels pixels are refused before
 * their pixels are allocated. The full-size output is downscaled so its long
 * side is at most max_side_out; the thumbnail's long side is at most
 * IMAGE_THUMB_MAX_SIDE. On success fills *full and *thumb (JPEG) and returns
 * IMAGE_OK; otherwise returns the status, sets *why to a static English message
 * and leaves nothing allocated.
 */
int image_sanitize(const unsigned char *in, size_t len, const char *content_type, long max_pixels,
                   int max_side_out, struct image_blob *full, struct image_blob *thumb,
                   const char **why);

/* Frees b->data and zeroes b. */
void image_blob_free(struct image_blob *b);

/* 1 when content_type is one of the three accepted types, else 0. */
int image_content_type_supported(const char *content_type);

#endif
