/*
 * Unit tests for server/image.c: real encoders make the inputs (TurboJPEG,
 * libpng, libwebp), image_sanitize must return clean JPEGs, refuse what is
 * not what it claims to be, and never crash on damaged data (a seeded
 * mutation loop run under AddressSanitizer).
 */
#include "check.h"
#include "image.h"

#include <png.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>
#include <webp/encode.h>

static unsigned char *gradient(int w, int h)
{
    unsigned char *p = malloc((size_t)w * (size_t)h * 3);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            unsigned char *q = p + ((size_t)y * (size_t)w + (size_t)x) * 3;
            q[0] = (unsigned char)(x * 255 / w);
            q[1] = (unsigned char)(y * 255 / h);
            q[2] = 128;
        }
    return p;
}

static unsigned char *make_jpeg(int w, int h, size_t *len)
{
    unsigned char *px = gradient(w, h), *out = NULL, *copy;
    unsigned long size = 0;
    tjhandle tj = tjInitCompress();
    tjCompress2(tj, px, w, 0, h, TJPF_RGB, &out, &size, TJSAMP_420, 90, 0);
    tjDestroy(tj);
    free(px);
    copy = malloc(size);
    memcpy(copy, out, size);
    tjFree(out);
    *len = size;
    return copy;
}

static unsigned char *make_png(int w, int h, size_t *len)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)w;
    img.height = (png_uint_32)h;
    img.format = PNG_FORMAT_RGB;
    unsigned char *px = gradient(w, h);
    png_alloc_size_t size = 0;
    png_image_write_to_memory(&img, NULL, &size, 0, px, 0, NULL);
    unsigned char *out = malloc(size);
    png_image_write_to_memory(&img, out, &size, 0, px, 0, NULL);
    free(px);
    *len = size;
    return out;
}

static unsigned char *make_webp(int w, int h, size_t *len)
{
    unsigned char *px = gradient(w, h), *out = NULL;
    *len = WebPEncodeRGB(px, w, h, w * 3, 80, &out);
    free(px);
    unsigned char *copy = malloc(*len);
    memcpy(copy, out, *len);
    WebPFree(out);
    return copy;
}

/* 1 when data is a JPEG whose segments before the scan are only APP0 (JFIF) and tables. */
static int jpeg_is_clean(const unsigned char *d, size_t n)
{
    if (n < 4 || d[0] != 0xFF || d[1] != 0xD8)
        return 0;
    size_t i = 2;
    while (i + 4 <= n && d[i] == 0xFF) {
        unsigned m = d[i + 1];
        if (m == 0xDA)
            return 1;
        if ((m >= 0xE1 && m <= 0xEF) || m == 0xFE)
            return 0;
        i += 2 + (((size_t)d[i + 2] << 8) | d[i + 3]);
    }
    return 0;
}

static void test_formats(void)
{
    struct {
        const char *type;
        unsigned char *(*make)(int, int, size_t *);
    } cases[] = {{"image/jpeg", make_jpeg}, {"image/png", make_png}, {"image/webp", make_webp}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        unsigned char *in = cases[i].make(640, 400, &len);
        struct image_blob full, thumb;
        const char *why = NULL;
        CHECK(image_sanitize(in, len, cases[i].type, 50000000, 2048, &full, &thumb, &why) ==
              IMAGE_OK);
        CHECK(full.width == 640 && full.height == 400);
        CHECK(thumb.width == 320 && thumb.height == 200);
        CHECK(jpeg_is_clean(full.data, full.len) && jpeg_is_clean(thumb.data, thumb.len));
        image_blob_free(&full);
        image_blob_free(&thumb);
        /* Downscaled to the configured long side. */
        CHECK(image_sanitize(in, len, cases[i].type, 50000000, 500, &full, &thumb, &why) ==
              IMAGE_OK);
        CHECK(full.width == 500 && full.height == 313);
        image_blob_free(&full);
        image_blob_free(&thumb);
        /* Too many pixels for the limit: refused before decoding. */
        CHECK(image_sanitize(in, len, cases[i].type, 1000, 2048, &full, &thumb, &why) ==
              IMAGE_TOO_LARGE);
        CHECK(full.data == NULL && thumb.data == NULL);
        free(in);
    }
}

static void test_refusals(void)
{
    struct image_blob full, thumb;
    const char *why = NULL;
    size_t len;
    unsigned char *png = make_png(8, 8, &len);
    static const unsigned char text[] = "this is not a picture";
    CHECK(image_sanitize(png, len, "image/jpeg", 1000000, 2048, &full, &thumb, &why) ==
          IMAGE_INVALID);
    CHECK(image_sanitize(text, sizeof text, "image/png", 1000000, 2048, &full, &thumb, &why) ==
          IMAGE_INVALID);
    CHECK(image_sanitize(png, len, "image/gif", 1000000, 2048, &full, &thumb, &why) ==
          IMAGE_UNSUPPORTED_TYPE);
    CHECK(image_sanitize(png, len, NULL, 1000000, 2048, &full, &thumb, &why) ==
          IMAGE_UNSUPPORTED_TYPE);
    CHECK(image_sanitize(png, len, "IMAGE/PNG; charset=binary", 1000000, 2048, &full, &thumb,
                         &why) == IMAGE_OK);
    image_blob_free(&full);
    image_blob_free(&thumb);
    CHECK(image_sanitize(png, 20, "image/png", 1000000, 2048, &full, &thumb, &why) ==
          IMAGE_INVALID);
    free(png);
    CHECK(image_content_type_supported("image/webp") && !image_content_type_supported("text/html"));
}

/* Damaged inputs: flipped bytes, truncations, inserted junk. Must never crash or leak. */
static void test_mutations(void)
{
    const char *types[] = {"image/jpeg", "image/png", "image/webp"};
    unsigned char *(*makers[])(int, int, size_t *) = {make_jpeg, make_png, make_webp};
    uint32_t seed = 1348;
    int ok = 0, refused = 0;
    for (int k = 0; k < 3; k++) {
        size_t len;
        unsigned char *base = makers[k](48, 32, &len);
        for (int round = 0; round < 700; round++) {
            unsigned char *m = malloc(len);
            memcpy(m, base, len);
            size_t n = len;
            int edits = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 8;
            for (int e = 0; e < edits; e++) {
                seed = seed * 1103515245u + 12345u;
                size_t pos = (seed >> 8) % n;
                switch ((seed >> 4) % 3) {
                case 0:
                    m[pos] ^= (unsigned char)(1u << ((seed >> 20) % 8));
                    break;
                case 1:
                    m[pos] = (unsigned char)(seed >> 24);
                    break;
                default:
                    n = pos > 12 ? pos : n;
                    break; /* truncate */
                }
            }
            struct image_blob full, thumb;
            const char *why = NULL;
            int rc = image_sanitize(m, n, types[k], 5000000, 2048, &full, &thumb, &why);
            if (rc == IMAGE_OK) {
                ok++;
                CHECK(jpeg_is_clean(full.data, full.len));
                image_blob_free(&full);
                image_blob_free(&thumb);
            } else {
                refused++;
                CHECK(why != NULL && full.data == NULL && thumb.data == NULL);
            }
            free(m);
        }
        free(base);
    }
    printf("mutations: %d decoded, %d refused, 0 crashes\n", ok, refused);
    CHECK(ok + refused == 2100);
}

int main(void)
{
    test_formats();
    test_refusals();
    test_mutations();
    return check_report("test_image");
}
