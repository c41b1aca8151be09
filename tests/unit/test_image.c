/*
 * Unit tests for server/image.c: real encoders make the inputs (TurboJPEG,
 * libpng, libwebp), image_sanitize must return clean JPEGs, refuse what is
 * not what it claims to be, and never crash on damaged data (a seeded
 * mutation loop run under AddressSanitizer). Memory is measured too: the peak
 * resident size of a forked child that decodes, so other tests do not blur it.
 */
#include "check.h"
#include "image.h"

#include <malloc.h>
#include <png.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <turbojpeg.h>
#include <unistd.h>
#include <webp/encode.h>

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

/* The server's defaults (server/config.c), which these tests hold to their promises. */
#define DEFAULT_MAX_PIXELS 25000000L
#define DEFAULT_MAX_SIDE 2048

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

static unsigned char *make_jpeg_with(int w, int h, int subsamp, int flags, size_t *len)
{
    unsigned char *px = gradient(w, h), *out = NULL, *copy;
    unsigned long size = 0;
    tjhandle tj = tjInitCompress();
    tjCompress2(tj, px, w, 0, h, TJPF_RGB, &out, &size, subsamp, 90, flags);
    tjDestroy(tj);
    free(px);
    copy = malloc(size);
    memcpy(copy, out, size);
    tjFree(out);
    *len = size;
    return copy;
}

static unsigned char *make_jpeg(int w, int h, size_t *len)
{
    return make_jpeg_with(w, h, TJSAMP_420, 0, len);
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

struct membuf {
    unsigned char *data;
    size_t len, cap;
};

static void membuf_write(png_structp png, png_bytep d, size_t n)
{
    struct membuf *m = png_get_io_ptr(png);
    if (m->len + n > m->cap) {
        m->cap = (m->len + n) * 2;
        m->data = realloc(m->data, m->cap);
    }
    memcpy(m->data + m->len, d, n);
    m->len += n;
}

static void membuf_flush(png_structp png)
{
    (void)png;
}

/*
 * A PNG written row by row through libpng's low-level API (so a huge one needs
 * no full-size buffer): color_type and depth as in png_set_IHDR, Adam7 when
 * interlace, every byte zero when zero, else the gradient (alpha opaque).
 */
static unsigned char *make_png_ex(int w, int h, int color_type, int depth, int interlace, int zero,
                                  size_t *len)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    struct membuf m = {0};
    png_set_write_fn(png, &m, membuf_write, membuf_flush);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth, color_type,
                 interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    if (zero)
        png_set_filter(png, 0, PNG_FILTER_NONE);
    if (color_type == PNG_COLOR_TYPE_PALETTE) {
        png_color pal[256];
        for (int i = 0; i < 256; i++) {
            pal[i].red = (png_byte)i;
            pal[i].green = (png_byte)(255 - i);
            pal[i].blue = 128;
        }
        png_set_PLTE(png, info, pal, 256);
    }
    png_write_info(png, info);
    int channels = color_type == PNG_COLOR_TYPE_RGB         ? 3
                   : color_type == PNG_COLOR_TYPE_RGB_ALPHA ? 4
                   : color_type == PNG_COLOR_TYPE_GA        ? 2
                                                            : 1;
    int bps = depth / 8; /* tests use 8 or 16 bits */
    size_t rowbytes = (size_t)w * (size_t)channels * (size_t)bps;
    unsigned char *row = calloc(rowbytes, 1);
    int passes = png_set_interlace_handling(png);
    for (int p = 0; p < passes; p++) {
        for (int y = 0; y < h; y++) {
            for (int x = 0; !zero && x < w; x++) {
                unsigned v[4] = {(unsigned)(x * 255 / w), (unsigned)(y * 255 / h), 128, 255};
                if (channels <= 2)
                    v[0] = (unsigned)(x * 255 / w);
                if (channels == 2)
                    v[1] = 255;
                for (int c = 0; c < channels; c++) {
                    unsigned char *q = row + ((size_t)x * (size_t)channels + (size_t)c) * bps;
                    q[0] = (unsigned char)v[c];
                    if (bps == 2)
                        q[1] = (unsigned char)v[c];
                }
            }
            png_write_row(png, row);
        }
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(row);
    *len = m.len;
    return m.data;
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

/* A lossless WebP, encoded with the fastest settings (a 25 MP one takes a moment). */
static unsigned char *make_webp_lossless(int w, int h, size_t *len)
{
    unsigned char *px = gradient(w, h);
    WebPConfig cfg;
    WebPPicture pic;
    WebPMemoryWriter wr;
    WebPConfigInit(&cfg);
    cfg.lossless = 1;
    cfg.method = 0;
    cfg.quality = 0;
    WebPPictureInit(&pic);
    pic.use_argb = 1;
    pic.width = w;
    pic.height = h;
    WebPPictureImportRGB(&pic, px, w * 3);
    free(px);
    WebPMemoryWriterInit(&wr);
    pic.writer = WebPMemoryWrite;
    pic.custom_ptr = &wr;
    WebPEncode(&cfg, &pic);
    WebPPictureFree(&pic);
    *len = wr.size;
    return wr.mem; /* from WebPMalloc, which is malloc */
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

/* ---- memory: measured in a forked child ------------------------------------------ */

static long status_kb(const char *field)
{
    char line[256];
    long kb = -1;
    size_t n = strlen(field);
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0)
            kb = strtol(line + n, NULL, 10);
    fclose(f);
    return kb;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

struct measured {
    long peak_kb; /* VmHWM minus VmRSS at the start of the child */
    double ms;    /* wall time of the job */
    int rc;       /* the job's image_status, or the number of failed decodes */
    int width, height;
    int most; /* image_decodes_most_concurrent() after the job */
};

struct job {
    const unsigned char *in;
    size_t len;
    const char *type;
    long max_pixels;
    int max_side;
    int threads; /* 0: one call in the child itself */
};

static void *job_one(void *arg)
{
    const struct job *j = arg;
    struct image_blob full, thumb;
    const char *why = NULL;
    int rc =
        image_sanitize(j->in, j->len, j->type, j->max_pixels, j->max_side, &full, &thumb, &why);
    image_blob_free(&full);
    image_blob_free(&thumb);
    return (void *)(intptr_t)rc;
}

/*
 * Runs job in a fresh child process and returns its peak resident growth: the
 * child returns free heap pages to the system (malloc_trim), resets its
 * high-water mark (/proc/self/clear_refs 5) and subtracts its resident size at
 * the start, so only what the decoding itself touched counts.
 */
static struct measured measure(const struct job *j)
{
    struct measured m = {-1, 0, -1, 0, 0, 0};
    int fds[2];
    if (pipe(fds) != 0)
        return m;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        image_set_max_concurrent_decodes(IMAGE_DEFAULT_CONCURRENT_DECODES);
        /* Give the heap's free pages back first: reusing ones the parent left resident
         * would hide the growth. */
        malloc_trim(0);
        FILE *f = fopen("/proc/self/clear_refs", "w");
        if (f) {
            fputs("5", f);
            fclose(f);
        }
        long base = status_kb("VmRSS:");
        double t0 = now_ms();
        if (j->threads == 0) {
            struct image_blob full, thumb;
            const char *why = NULL;
            m.rc = image_sanitize(j->in, j->len, j->type, j->max_pixels, j->max_side, &full, &thumb,
                                  &why);
            m.width = full.width;
            m.height = full.height;
            image_blob_free(&full);
            image_blob_free(&thumb);
        } else {
            pthread_t t[64];
            int n = j->threads < 64 ? j->threads : 64;
            m.rc = 0;
            for (int i = 0; i < n; i++)
                pthread_create(&t[i], NULL, job_one, (void *)j);
            for (int i = 0; i < n; i++) {
                void *r;
                pthread_join(t[i], &r);
                m.rc += (intptr_t)r != IMAGE_OK;
            }
        }
        m.ms = now_ms() - t0;
        m.peak_kb = status_kb("VmHWM:") - base;
        m.most = image_decodes_most_concurrent();
        ssize_t wr = write(fds[1], &m, sizeof m);
        _exit(wr == (ssize_t)sizeof m ? 0 : 1);
    }
    close(fds[1]);
    if (pid > 0) {
        if (read(fds[0], &m, sizeof m) != (ssize_t)sizeof m)
            m.peak_kb = -1;
        waitpid(pid, NULL, 0);
    }
    close(fds[0]);
    return m;
}

#define MIB(kb) ((kb) / 1024.0)

/* The pixel flood: 143 KB of PNG declaring 7000 x 7000 pixels (147 MB of RGB). */
static void test_pixel_flood(void)
{
    size_t len;
    unsigned char *png = make_png_ex(7000, 7000, PNG_COLOR_TYPE_RGB, 8, 0, 1, &len);
    struct job j = {png, len, "image/png", DEFAULT_MAX_PIXELS, DEFAULT_MAX_SIDE, 0};
    struct measured m = measure(&j);
    printf("pixel flood: 7000x7000 all-zero PNG (%zu bytes) refused with status %d in %.2f ms, "
           "peak RSS +%ld KiB\n",
           len, m.rc, m.ms, m.peak_kb);
    CHECK(m.rc == IMAGE_TOO_LARGE);
    /* Refused by the header check: not one row of pixels was allocated. */
    CHECK(m.peak_kb >= 0 && m.peak_kb < 2048);
    j.threads = 16;
    m = measure(&j);
    printf("pixel flood: 16 of them in parallel: %d refused, peak RSS +%ld KiB (was 2.45 GB)\n",
           m.rc, m.peak_kb);
    CHECK(m.rc == 16 && m.peak_kb >= 0 && m.peak_kb < 8192);
    free(png);
}

/* A 12.2 MP phone photo passes, is decoded at a reduced DCT scale and downscaled. */
static void test_phone_photo(void)
{
    size_t len;
    unsigned char *jpg = make_jpeg(4032, 3024, &len);
    struct job j = {jpg, len, "image/jpeg", DEFAULT_MAX_PIXELS, DEFAULT_MAX_SIDE, 0};
    struct measured m = measure(&j);
    long out_kb = 2048L * 1536 * 3 / 1024;
    printf("phone JPEG 4032x3024 (%zu bytes) -> %dx%d in %.0f ms: peak RSS +%.1f MiB "
           "(output RGB %.1f MiB; full-size RGB would be %.1f MiB)%s\n",
           len, m.width, m.height, m.ms, MIB(m.peak_kb), MIB(out_kb), 4032.0 * 3024 * 3 / 1048576,
           UNDER_ASAN ? " [AddressSanitizer build]" : "");
    CHECK(m.rc == IMAGE_OK && m.width == 2048 && m.height == 1536);
    /* Deterministic: the output, its JPEG buffer and the thumbnail, never the full size. */
    CHECK(m.peak_kb > 0 && m.peak_kb < 3 * out_kb);

    /* Sixteen at once, two decoding at a time. */
    j.threads = 16;
    m = measure(&j);
    double ceiling = image_memory_ceiling(DEFAULT_MAX_PIXELS, DEFAULT_MAX_SIDE,
                                          IMAGE_DEFAULT_CONCURRENT_DECODES);
    printf("16 parallel decodes of that JPEG, %d at a time: %d failed, at most %d at once, "
           "%.0f ms, peak RSS +%.1f MiB (ceiling %.1f MiB)%s\n",
           IMAGE_DEFAULT_CONCURRENT_DECODES, m.rc, m.most, m.ms, MIB(m.peak_kb), ceiling / 1048576,
           UNDER_ASAN ? " [AddressSanitizer keeps freed memory quarantined]" : "");
    CHECK(m.rc == 0 && m.most >= 1 && m.most <= IMAGE_DEFAULT_CONCURRENT_DECODES);
    if (!UNDER_ASAN)
        CHECK(m.peak_kb > 0 && m.peak_kb * 1024.0 < ceiling);
    free(jpg);
}

/*
 * The formats that need decoder work memory, each at a size that uses it: the
 * measured peak of one decode must stay under the documented per-decode bound.
 */
static void test_work_memory(void)
{
    struct {
        const char *what, *type;
        int w, h;
        unsigned char *(*make)(int, int, size_t *);
    } cases[] = {
        {"progressive 4:2:0 JPEG", "image/jpeg", 5000, 5000, NULL},
        {"interlaced RGBA PNG", "image/png", 5000, 5000, NULL},
        {"lossless WebP", "image/webp", 5000, 5000, make_webp_lossless},
    };
    /* AddressSanitizer adds one byte of shadow for every eight it tracks. */
    double bound = image_memory_ceiling(DEFAULT_MAX_PIXELS, DEFAULT_MAX_SIDE, 1) *
                   (UNDER_ASAN ? 9.0 / 8.0 : 1.0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        unsigned char *in =
            i == 0   ? make_jpeg_with(cases[i].w, cases[i].h, TJSAMP_420, TJFLAG_PROGRESSIVE, &len)
            : i == 1 ? make_png_ex(cases[i].w, cases[i].h, PNG_COLOR_TYPE_RGB_ALPHA, 8, 1, 0, &len)
                     : cases[i].make(cases[i].w, cases[i].h, &len);
        struct job j = {in, len, cases[i].type, DEFAULT_MAX_PIXELS, DEFAULT_MAX_SIDE, 0};
        struct measured m = measure(&j);
        printf("work memory: %s %dx%d -> %dx%d in %.0f ms: peak RSS +%.1f MiB "
               "(per-decode bound %.1f MiB%s)\n",
               cases[i].what, cases[i].w, cases[i].h, m.width, m.height, m.ms, MIB(m.peak_kb),
               bound / 1048576, UNDER_ASAN ? " with AddressSanitizer's shadow" : "");
        CHECK(m.rc == IMAGE_OK && m.peak_kb > 0 && m.peak_kb * 1024.0 < bound);
        free(in);
    }
    /* A progressive 4:4:4 JPEG needs 6 bytes a pixel of coefficients: beyond the work
     * memory of a 10 MP limit (40 MB) at 9 MP, inside that of the default 25 MP limit. */
    size_t len;
    unsigned char *p444 = make_jpeg_with(3000, 3000, TJSAMP_444, TJFLAG_PROGRESSIVE, &len);
    struct image_blob full, thumb;
    const char *why = NULL;
    CHECK(image_sanitize(p444, len, "image/jpeg", 10000000, 2048, &full, &thumb, &why) ==
          IMAGE_TOO_LARGE);
    CHECK(full.data == NULL && thumb.data == NULL && why && strstr(why, "memory"));
    CHECK(image_sanitize(p444, len, "image/jpeg", DEFAULT_MAX_PIXELS, 2048, &full, &thumb, &why) ==
          IMAGE_OK);
    CHECK(full.width == 2048 && full.height == 2048);
    image_blob_free(&full);
    image_blob_free(&thumb);
    free(p444);
}

/* Every PNG layout decodes row by row to the same picture as plain 8-bit RGB. */
static void test_png_layouts(void)
{
    struct {
        int color, depth, interlace;
    } cases[] = {
        {PNG_COLOR_TYPE_RGB, 8, 1},  {PNG_COLOR_TYPE_RGB_ALPHA, 8, 0},
        {PNG_COLOR_TYPE_RGB, 16, 0}, {PNG_COLOR_TYPE_RGB_ALPHA, 16, 1},
        {PNG_COLOR_TYPE_GRAY, 8, 0}, {PNG_COLOR_TYPE_GRAY, 16, 1},
        {PNG_COLOR_TYPE_GA, 8, 0},   {PNG_COLOR_TYPE_PALETTE, 8, 0},
    };
    size_t len;
    struct image_blob ref, rthumb, full, thumb;
    const char *why = NULL;
    unsigned char *png = make_png_ex(300, 200, PNG_COLOR_TYPE_RGB, 8, 0, 0, &len);
    CHECK(image_sanitize(png, len, "image/png", 1000000, 128, &ref, &rthumb, &why) == IMAGE_OK);
    CHECK(ref.width == 128 && ref.height == 85);
    free(png);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        png = make_png_ex(300, 200, cases[i].color, cases[i].depth, cases[i].interlace, 0, &len);
        int rc = image_sanitize(png, len, "image/png", 1000000, 128, &full, &thumb, &why);
        CHECK(rc == IMAGE_OK && full.width == 128 && full.height == 85);
        /* Same colour type as the reference (alpha opaque, 16 bits scaled): same bytes. */
        if (rc == IMAGE_OK && (cases[i].color & PNG_COLOR_MASK_COLOR) &&
            cases[i].color != PNG_COLOR_TYPE_PALETTE)
            CHECK(full.len == ref.len && memcmp(full.data, ref.data, ref.len) == 0);
        image_blob_free(&full);
        image_blob_free(&thumb);
        free(png);
    }
    image_blob_free(&ref);
    image_blob_free(&rthumb);
}

/* JPEG decoded at every DCT scale: the output size is exact whatever the scale. */
static void test_jpeg_scales(void)
{
    static const int sides[] = {320, 500, 700, 1000, 1500, 1999, 2000, 2048};
    size_t len;
    unsigned char *jpg = make_jpeg(2000, 1500, &len);
    for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
        struct image_blob full, thumb;
        const char *why = NULL;
        int side = sides[i], want_w = side < 2000 ? side : 2000;
        int want_h = side < 2000 ? (int)((1500LL * side + 1000) / 2000) : 1500;
        CHECK(image_sanitize(jpg, len, "image/jpeg", 5000000, side, &full, &thumb, &why) ==
              IMAGE_OK);
        CHECK(full.width == want_w && full.height == want_h);
        CHECK(thumb.width == 320 && thumb.height == 240);
        image_blob_free(&full);
        image_blob_free(&thumb);
    }
    free(jpg);
}

int main(void)
{
    test_formats();
    test_refusals();
    test_mutations();
    test_png_layouts();
    test_jpeg_scales();
    test_pixel_flood();
    test_phone_photo();
    test_work_memory();
    return check_report("test_image");
}
