/*
 * image — decode, orient, downscale and re-encode untrusted photos. See image.h.
 *
 * Every decoder runs on the client's bytes, so: the declared type must match
 * the magic number, dimensions are checked from the header before any pixel
 * buffer is allocated, progressive JPEG scans are limited (TJFLAG_LIMITSCANS),
 * and libpng runs through its simplified API with its own error handling.
 * Must not touch files, the database or HTTP.
 */
#include "image.h"

#include <libexif/exif-data.h>
#include <limits.h>
#include <png.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <turbojpeg.h>
#include <webp/decode.h>

#define IMAGE_JPEG_QUALITY 85
#define IMAGE_THUMB_QUALITY 80

enum kind { KIND_NONE, KIND_JPEG, KIND_PNG, KIND_WEBP };

struct pixels {
    unsigned char *rgb; /* width * height * 3 */
    int width, height;
};

static enum kind kind_of_content_type(const char *ct)
{
    static const struct {
        const char *name;
        enum kind kind;
    } types[] = {{"image/jpeg", KIND_JPEG}, {"image/png", KIND_PNG}, {"image/webp", KIND_WEBP}};
    if (!ct)
        return KIND_NONE;
    while (*ct == ' ')
        ct++;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        size_t n = strlen(types[i].name);
        if (strncasecmp(ct, types[i].name, n) == 0 &&
            (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' '))
            return types[i].kind;
    }
    return KIND_NONE;
}

int image_content_type_supported(const char *content_type)
{
    return kind_of_content_type(content_type) != KIND_NONE;
}

static enum kind kind_of_bytes(const unsigned char *b, size_t n)
{
    if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
        return KIND_JPEG;
    if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
        return KIND_PNG;
    if (n >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0)
        return KIND_WEBP;
    return KIND_NONE;
}

void image_blob_free(struct image_blob *b)
{
    if (!b)
        return;
    free(b->data);
    memset(b, 0, sizeof *b);
}

static int dims_ok(long w, long h, long max_pixels, const char **why)
{
    if (w <= 0 || h <= 0) {
        *why = "the image has no pixels";
        return IMAGE_INVALID;
    }
    if (w > IMAGE_MAX_SIDE || h > IMAGE_MAX_SIDE || w * h > max_pixels) {
        *why = "the image has too many pixels";
        return IMAGE_TOO_LARGE;
    }
    return IMAGE_OK;
}

/* EXIF orientation 1..8 from a JPEG's APP1 segment; 1 when absent or unreadable. */
static int jpeg_orientation(const unsigned char *in, size_t len)
{
    /* Walk the markers to the APP1 "Exif" segment; hand only that to libexif. */
    size_t i = 2;
    while (i + 4 <= len && in[i] == 0xFF) {
        unsigned m = in[i + 1];
        if (m == 0xD9 || m == 0xDA)
            break;
        size_t seg = ((size_t)in[i + 2] << 8) | in[i + 3];
        if (seg < 2 || i + 2 + seg > len)
            break;
        if (m == 0xE1 && seg >= 8 && memcmp(in + i + 4, "Exif\0\0", 6) == 0) {
            ExifData *ed = exif_data_new_from_data(in + i + 4, (unsigned int)(seg - 2));
            int o = 1;
            if (ed) {
                ExifEntry *e = exif_data_get_entry(ed, EXIF_TAG_ORIENTATION);
                if (e && e->format == EXIF_FORMAT_SHORT && e->components >= 1 && e->data) {
                    int v = exif_get_short(e->data, exif_data_get_byte_order(ed));
                    if (v >= 1 && v <= 8)
                        o = v;
                }
                exif_data_unref(ed);
            }
            return o;
        }
        i += 2 + seg;
    }
    return 1;
}

static int decode_jpeg(const unsigned char *in, size_t len, long max_pixels, struct pixels *px,
                       const char **why)
{
    tjhandle tj = tjInitDecompress();
    int w, h, subsamp, colorspace, rc = IMAGE_INVALID;
    if (!tj) {
        *why = "the JPEG decoder could not start";
        return IMAGE_INTERNAL;
    }
    if (len > ULONG_MAX ||
        tjDecompressHeader3(tj, in, (unsigned long)len, &w, &h, &subsamp, &colorspace) != 0) {
        *why = "the JPEG header is not readable";
        goto out;
    }
    if ((rc = dims_ok(w, h, max_pixels, why)) != IMAGE_OK)
        goto out;
    px->rgb = malloc((size_t)w * (size_t)h * 3);
    if (!px->rgb) {
        *why = "out of memory";
        rc = IMAGE_INTERNAL;
        goto out;
    }
    if (tjDecompress2(tj, in, (unsigned long)len, px->rgb, w, 0, h, TJPF_RGB,
                      TJFLAG_LIMITSCANS | TJFLAG_STOPONWARNING) != 0) {
        free(px->rgb);
        px->rgb = NULL;
        *why = "the JPEG data is damaged or incomplete";
        rc = IMAGE_INVALID;
        goto out;
    }
    px->width = w;
    px->height = h;
    rc = IMAGE_OK;
out:
    tjDestroy(tj);
    return rc;
}

static int decode_png(const unsigned char *in, size_t len, long max_pixels, struct pixels *px,
                      const char **why)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&img, in, len)) {
        *why = "the PNG header is not readable";
        png_image_free(&img);
        return IMAGE_INVALID;
    }
    int rc = dims_ok((long)img.width, (long)img.height, max_pixels, why);
    if (rc != IMAGE_OK) {
        png_image_free(&img);
        return rc;
    }
    img.format = PNG_FORMAT_RGB; /* alpha is composited onto the background below */
    png_color white = {255, 255, 255};
    size_t size = PNG_IMAGE_SIZE(img);
    px->rgb = malloc(size);
    if (!px->rgb) {
        png_image_free(&img);
        *why = "out of memory";
        return IMAGE_INTERNAL;
    }
    if (!png_image_finish_read(&img, &white, px->rgb, 0, NULL)) {
        free(px->rgb);
        px->rgb = NULL;
        png_image_free(&img);
        *why = "the PNG data is damaged or incomplete";
        return IMAGE_INVALID;
    }
    px->width = (int)img.width;
    px->height = (int)img.height;
    png_image_free(&img);
    return IMAGE_OK;
}

static int decode_webp(const unsigned char *in, size_t len, long max_pixels, struct pixels *px,
                       const char **why)
{
    int w, h;
    if (!WebPGetInfo(in, len, &w, &h)) {
        *why = "the WebP header is not readable";
        return IMAGE_INVALID;
    }
    int rc = dims_ok(w, h, max_pixels, why);
    if (rc != IMAGE_OK)
        return rc;
    uint8_t *rgb = WebPDecodeRGB(in, len, &w, &h);
    if (!rgb) {
        *why = "the WebP data is damaged or incomplete";
        return IMAGE_INVALID;
    }
    /* Copy into a malloc'd buffer so every decoder's output is freed alike. */
    px->rgb = malloc((size_t)w * (size_t)h * 3);
    if (!px->rgb) {
        WebPFree(rgb);
        *why = "out of memory";
        return IMAGE_INTERNAL;
    }
    memcpy(px->rgb, rgb, (size_t)w * (size_t)h * 3);
    WebPFree(rgb);
    px->width = w;
    px->height = h;
    return IMAGE_OK;
}

/* Applies EXIF orientation o (2..8) to px, replacing its buffer. 0 or -1. */
static int orient(struct pixels *px, int o)
{
    if (o <= 1 || o > 8)
        return 0;
    int w = px->width, h = px->height;
    int swap = o >= 5;
    int nw = swap ? h : w, nh = swap ? w : h;
    unsigned char *out = malloc((size_t)w * (size_t)h * 3);
    if (!out)
        return -1;
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            int dx, dy;
            switch (o) {
            case 2:
                dx = w - 1 - x;
                dy = y;
                break; /* mirror horizontal */
            case 3:
                dx = w - 1 - x;
                dy = h - 1 - y;
                break; /* rotate 180 */
            case 4:
                dx = x;
                dy = h - 1 - y;
                break; /* mirror vertical */
            case 5:
                dx = y;
                dy = x;
                break; /* transpose */
            case 6:
                dx = h - 1 - y;
                dy = x;
                break; /* rotate 90 clockwise */
            case 7:
                dx = h - 1 - y;
                dy = w - 1 - x;
                break; /* transverse */
            default:
                dx = y;
                dy = w - 1 - x;
                break; /* 8: rotate 270 clockwise */
            }
            memcpy(out + ((size_t)dy * (size_t)nw + (size_t)dx) * 3,
                   px->rgb + ((size_t)y * (size_t)w + (size_t)x) * 3, 3);
        }
    }
    free(px->rgb);
    px->rgb = out;
    px->width = nw;
    px->height = nh;
    return 0;
}

/* Box-filter downscale so the long side is at most max_side (a copy when it fits). */
static int downscale(const struct pixels *src, int max_side, struct pixels *dst)
{
    int w = src->width, h = src->height;
    int nw = w, nh = h;
    if (w > max_side || h > max_side) {
        if (w >= h) {
            nw = max_side;
            nh = (int)(((long long)h * max_side + w / 2) / w);
        } else {
            nh = max_side;
            nw = (int)(((long long)w * max_side + h / 2) / h);
        }
        if (nw < 1)
            nw = 1;
        if (nh < 1)
            nh = 1;
    }
    dst->rgb = malloc((size_t)nw * (size_t)nh * 3);
    if (!dst->rgb)
        return -1;
    dst->width = nw;
    dst->height = nh;
    if (nw == w && nh == h) {
        memcpy(dst->rgb, src->rgb, (size_t)w * (size_t)h * 3);
        return 0;
    }
    for (int y = 0; y < nh; y++) {
        int y0 = (int)((long long)y * h / nh), y1 = (int)((long long)(y + 1) * h / nh);
        if (y1 <= y0)
            y1 = y0 + 1;
        for (int x = 0; x < nw; x++) {
            int x0 = (int)((long long)x * w / nw), x1 = (int)((long long)(x + 1) * w / nw);
            if (x1 <= x0)
                x1 = x0 + 1;
            unsigned long sum[3] = {0, 0, 0}, n = 0;
            for (int sy = y0; sy < y1; sy++) {
                const unsigned char *row = src->rgb + ((size_t)sy * (size_t)w + (size_t)x0) * 3;
                for (int sx = x0; sx < x1; sx++, row += 3) {
                    sum[0] += row[0];
                    sum[1] += row[1];
                    sum[2] += row[2];
                    n++;
                }
            }
            unsigned char *d = dst->rgb + ((size_t)y * (size_t)nw + (size_t)x) * 3;
            for (int c = 0; c < 3; c++)
                d[c] = (unsigned char)((sum[c] + n / 2) / n);
        }
    }
    return 0;
}

static int encode_jpeg(const struct pixels *px, int quality, struct image_blob *out)
{
    tjhandle tj = tjInitCompress();
    if (!tj)
        return -1;
    unsigned char *buf = NULL;
    unsigned long size = 0;
    int rc = tjCompress2(tj, px->rgb, px->width, 0, px->height, TJPF_RGB, &buf, &size, TJSAMP_420,
                         quality, 0);
    tjDestroy(tj);
    if (rc != 0) {
        tjFree(buf);
        return -1;
    }
    out->data = malloc(size);
    if (!out->data) {
        tjFree(buf);
        return -1;
    }
    memcpy(out->data, buf, size);
    tjFree(buf);
    out->len = size;
    out->width = px->width;
    out->height = px->height;
    return 0;
}

int image_sanitize(const unsigned char *in, size_t len, const char *content_type, long max_pixels,
                   int max_side_out, struct image_blob *full, struct image_blob *thumb,
                   const char **why)
{
    struct pixels px = {0}, big = {0}, small = {0};
    int rc;
    memset(full, 0, sizeof *full);
    memset(thumb, 0, sizeof *thumb);
    enum kind declared = kind_of_content_type(content_type);
    if (declared == KIND_NONE) {
        *why = "only image/jpeg, image/png and image/webp are accepted";
        return IMAGE_UNSUPPORTED_TYPE;
    }
    if (!in || len == 0 || kind_of_bytes(in, len) != declared) {
        *why = "the data is not an image of the declared type";
        return IMAGE_INVALID;
    }
    if (declared == KIND_JPEG)
        rc = decode_jpeg(in, len, max_pixels, &px, why);
    else if (declared == KIND_PNG)
        rc = decode_png(in, len, max_pixels, &px, why);
    else
        rc = decode_webp(in, len, max_pixels, &px, why);
    if (rc != IMAGE_OK)
        goto out;
    rc = IMAGE_INTERNAL;
    *why = "out of memory";
    if (declared == KIND_JPEG && orient(&px, jpeg_orientation(in, len)) != 0)
        goto out;
    if (downscale(&px, max_side_out, &big) != 0 ||
        downscale(&big, IMAGE_THUMB_MAX_SIDE, &small) != 0)
        goto out;
    *why = "the image could not be encoded";
    if (encode_jpeg(&big, IMAGE_JPEG_QUALITY, full) != 0 ||
        encode_jpeg(&small, IMAGE_THUMB_QUALITY, thumb) != 0) {
        image_blob_free(full);
        image_blob_free(thumb);
        goto out;
    }
    rc = IMAGE_OK;
    *why = NULL;
out:
    free(px.rgb);
    free(big.rgb);
    free(small.rgb);
    return rc;
}
