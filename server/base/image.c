/*
 * image — decode, orient, downscale and re-encode untrusted photos. See image.h,
 * whose MEMORY CEILING block is the contract this file keeps.
 *
 * Every decoder runs on the client's bytes, so: the declared type must match
 * the magic number, dimensions are checked from the header before any pixel
 * buffer is allocated, progressive JPEG scans are limited, libjpeg and libpng
 * run under their own error handlers (setjmp), and no decoder ever holds the
 * full-size image except within the work memory limit:
 *  - JPEG goes through the libjpeg API rather than TurboJPEG because only there
 *    can the coefficient buffer of a progressive file be capped
 *    (max_memory_to_use) and scanlines be read one at a time; it is decoded at the
 *    smallest DCT scale k/8 whose size still covers the output.
 *  - PNG goes through libpng's row API (png_read_row), one row at a time; text,
 *    ICC and other ancillary chunks are skipped unread.
 *  - WebP is decoded with WebPDecoderConfig scaling straight into the output.
 * Rows from JPEG and PNG flow into a box filter (struct shrink) that writes the
 * downscaled, oriented output directly.
 *
 * THREAD SAFETY: a counting semaphore (slots_*) lets at most
 * max_concurrent_decodes calls decode at once; everything else is per call.
 * Must not touch files, the database or HTTP.
 */
#include "image.h"
#include "monotime.h"

#include <errno.h>
#include <libexif/exif-data.h>
#include <limits.h>
#include <png.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h> /* jpeglib.h needs FILE */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <jpeglib.h>
#include <jerror.h>
#include <turbojpeg.h>
#include <webp/decode.h>

#define IMAGE_JPEG_QUALITY 85
#define IMAGE_THUMB_QUALITY 80
#define IMAGE_PNG_CHUNK_MAX (256L * 1024) /* largest ancillary chunk libpng may allocate */

static const char msg_oom[] = "out of memory";
static const char msg_work[] = "the image needs too much memory to decode";

enum kind { KIND_NONE, KIND_JPEG, KIND_PNG, KIND_WEBP };

struct pixels {
    unsigned char *rgb; /* width * height * 3, from malloc() */
    int width, height;
};

/* ---- decode slots: a counting semaphore -------------------------------------- */

static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slots_freed;
static pthread_once_t slots_once = PTHREAD_ONCE_INIT;
static int slots_limit = IMAGE_DEFAULT_CONCURRENT_DECODES;
static int slots_busy, slots_most;

static void slots_init(void)
{
    /* A monotonic clock, so a change of the wall clock cannot stretch the wait. */
    monotime_cond_init(&slots_freed);
}

/* Waits up to IMAGE_DECODE_WAIT_MS for a free slot. 0, or -1 when none came free. */
static int slots_acquire(void)
{
    struct timespec deadline;
    pthread_once(&slots_once, slots_init);
    monotime_deadline(&deadline, IMAGE_DECODE_WAIT_MS);
    int rc = 0;
    pthread_mutex_lock(&slots_lock);
    while (slots_busy >= slots_limit && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&slots_freed, &slots_lock, &deadline);
    if (slots_busy < slots_limit) {
        slots_busy++;
        if (slots_busy > slots_most)
            slots_most = slots_busy;
        rc = 0;
    } else {
        rc = -1;
    }
    pthread_mutex_unlock(&slots_lock);
    return rc;
}

static void slots_release(void)
{
    pthread_mutex_lock(&slots_lock);
    slots_busy--;
    pthread_cond_signal(&slots_freed);
    pthread_mutex_unlock(&slots_lock);
}

int image_set_max_concurrent_decodes(int n)
{
    if (n < 1)
        return -1;
    pthread_once(&slots_once, slots_init);
    pthread_mutex_lock(&slots_lock);
    slots_limit = n;
    pthread_cond_broadcast(&slots_freed);
    pthread_mutex_unlock(&slots_lock);
    return 0;
}

int image_decodes_most_concurrent(void)
{
    pthread_mutex_lock(&slots_lock);
    int n = slots_most;
    pthread_mutex_unlock(&slots_lock);
    return n;
}

double image_memory_ceiling(long max_pixels, int max_side_out, int max_concurrent_decodes)
{
    double per_decode = (double)IMAGE_WORK_BYTES_PER_PIXEL * (double)max_pixels +
                        6.0 * (double)max_side_out * (double)max_side_out +
                        (double)IMAGE_FIXED_OVERHEAD;
    return (double)max_concurrent_decodes * per_decode;
}

/* ---- types ---------------------------------------------------------------------- */

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

/* The size of a w x h image scaled so its long side is at most max_side. */
static void fit_within(int w, int h, int max_side, int *nw, int *nh)
{
    *nw = w;
    *nh = h;
    if (w <= max_side && h <= max_side)
        return;
    if (w >= h) {
        *nw = max_side;
        *nh = (int)(((long long)h * max_side + w / 2) / w);
    } else {
        *nh = max_side;
        *nw = (int)(((long long)w * max_side + h / 2) / h);
    }
    if (*nw < 1)
        *nw = 1;
    if (*nh < 1)
        *nh = 1;
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

/* ---- the streaming box filter --------------------------------------------------- */

/*
 * Source rows arrive one at a time, sw pixels of RGB each, sh of them. Each
 * output row y averages the source rows [y*sh/dh, (y+1)*sh/dh) and each output
 * column x the source columns [x*sw/dw, (x+1)*sw/dw); with dw <= sw and dh <= sh
 * these ranges are never empty and every source pixel lands in exactly one
 * output pixel. Finished output pixels are written at their place after the
 * EXIF orientation, so no second full-size buffer is needed to rotate.
 */
struct shrink {
    int sw, sh;       /* source size */
    int dw, dh;       /* output size before orientation */
    int orientation;  /* EXIF 1..8 */
    int *xb;          /* dw + 1 source column boundaries */
    uint64_t *acc;    /* dw * 3 sums of the output row being built */
    int src_y, dst_y; /* next source row, output row being built */
    int rows;         /* source rows summed into acc */
    struct pixels out;
};

static void shrink_free(struct shrink *s)
{
    free(s->xb);
    free(s->acc);
    free(s->out.rgb);
    memset(s, 0, sizeof *s);
}

/* Prepares s; dw and dh are clamped to the source size. 0, or -1 out of memory. */
static int shrink_init(struct shrink *s, int sw, int sh, int dw, int dh, int orientation)
{
    memset(s, 0, sizeof *s);
    s->sw = sw;
    s->sh = sh;
    s->dw = dw < sw ? dw : sw;
    s->dh = dh < sh ? dh : sh;
    s->orientation = orientation >= 1 && orientation <= 8 ? orientation : 1;
    s->xb = malloc(((size_t)s->dw + 1) * sizeof *s->xb);
    s->acc = calloc((size_t)s->dw * 3, sizeof *s->acc);
    s->out.rgb = malloc((size_t)s->dw * (size_t)s->dh * 3);
    if (!s->xb || !s->acc || !s->out.rgb) {
        shrink_free(s);
        return -1;
    }
    for (int x = 0; x <= s->dw; x++)
        s->xb[x] = (int)((long long)x * sw / s->dw);
    int swap = s->orientation >= 5;
    s->out.width = swap ? s->dh : s->dw;
    s->out.height = swap ? s->dw : s->dh;
    return 0;
}

/* Where pixel (x, y) of a w x h image goes under EXIF orientation o. */
static void oriented(int o, int w, int h, int x, int y, int *dx, int *dy)
{
    switch (o) {
    case 2: /* mirror horizontal */
        *dx = w - 1 - x;
        *dy = y;
        break;
    case 3: /* rotate 180 */
        *dx = w - 1 - x;
        *dy = h - 1 - y;
        break;
    case 4: /* mirror vertical */
        *dx = x;
        *dy = h - 1 - y;
        break;
    case 5: /* transpose */
        *dx = y;
        *dy = x;
        break;
    case 6: /* rotate 90 clockwise */
        *dx = h - 1 - y;
        *dy = x;
        break;
    case 7: /* transverse */
        *dx = h - 1 - y;
        *dy = w - 1 - x;
        break;
    case 8: /* rotate 270 clockwise */
        *dx = y;
        *dy = w - 1 - x;
        break;
    default:
        *dx = x;
        *dy = y;
        break;
    }
}

/* Adds one source row (sw * 3 bytes of RGB); rows beyond sh are ignored. */
static void shrink_row(struct shrink *s, const unsigned char *row)
{
    if (s->src_y >= s->sh)
        return;
    for (int x = 0; x < s->dw; x++) {
        uint64_t r = 0, g = 0, b = 0;
        for (const unsigned char *p = row + (size_t)s->xb[x] * 3,
                                 *e = row + (size_t)s->xb[x + 1] * 3;
             p < e; p += 3) {
            r += p[0];
            g += p[1];
            b += p[2];
        }
        s->acc[3 * x] += r;
        s->acc[3 * x + 1] += g;
        s->acc[3 * x + 2] += b;
    }
    s->src_y++;
    s->rows++;
    if (s->src_y != (int)((long long)(s->dst_y + 1) * s->sh / s->dh))
        return;
    /* The output row is complete: average, place, start the next one. */
    for (int x = 0; x < s->dw; x++) {
        uint64_t n = (uint64_t)s->rows * (uint64_t)(s->xb[x + 1] - s->xb[x]);
        int dx, dy;
        oriented(s->orientation, s->dw, s->dh, x, s->dst_y, &dx, &dy);
        unsigned char *d = s->out.rgb + ((size_t)dy * (size_t)s->out.width + (size_t)dx) * 3;
        for (int c = 0; c < 3; c++)
            d[c] = (unsigned char)((s->acc[3 * x + c] + n / 2) / n);
    }
    memset(s->acc, 0, (size_t)s->dw * 3 * sizeof *s->acc);
    s->rows = 0;
    s->dst_y++;
}

/* Moves the finished output into *px (1), or 0 when rows are missing. */
static int shrink_take(struct shrink *s, struct pixels *px)
{
    if (s->dst_y != s->dh)
        return 0;
    *px = s->out;
    s->out.rgb = NULL;
    return 1;
}

/* ---- JPEG ------------------------------------------------------------------------- */

struct jpeg_guard {
    struct jpeg_error_mgr pub;
    struct jpeg_progress_mgr progress;
    jmp_buf jump;
    volatile int status;
    const char *volatile why;
};

static void jpeg_guard_fail(j_common_ptr c)
{
    struct jpeg_guard *g = (struct jpeg_guard *)c->err;
    int code = c->err->msg_code;
    if (code == JERR_NO_BACKING_STORE || code == JERR_OUT_OF_MEMORY) {
        /* A virtual array (the coefficients of a multi-scan file) exceeded
         * max_memory_to_use: libjpeg would need a temporary file, and has none. */
        g->status = IMAGE_TOO_LARGE;
        g->why = msg_work;
    }
    longjmp(g->jump, 1);
}

/* Warnings (level -1: corrupt data, premature end) stop decoding, as TJFLAG_STOPONWARNING. */
static void jpeg_guard_message(j_common_ptr c, int level)
{
    if (level < 0)
        longjmp(((struct jpeg_guard *)c->err)->jump, 1);
}

static void jpeg_guard_progress(j_common_ptr c)
{
    struct jpeg_guard *g = (struct jpeg_guard *)c->err;
    if (c->is_decompressor && ((j_decompress_ptr)c)->input_scan_number > IMAGE_JPEG_MAX_SCANS) {
        g->why = "the JPEG has too many progressive scans";
        longjmp(g->jump, 1);
    }
}

/*
 * Decodes a JPEG into s (initialized here; the caller frees it), fitted to
 * max_side and turned by orientation. Returns an image_status.
 */
static int decode_jpeg(const unsigned char *in, size_t len, long max_pixels, int max_side,
                       int orientation, struct shrink *s, const char **why)
{
    struct jpeg_decompress_struct cinfo;
    struct jpeg_guard g;
    memset(&cinfo, 0, sizeof cinfo);
    memset(&g, 0, sizeof g);
    cinfo.err = jpeg_std_error(&g.pub);
    g.pub.error_exit = jpeg_guard_fail;
    g.pub.emit_message = jpeg_guard_message;
    g.progress.progress_monitor = jpeg_guard_progress;
    g.status = IMAGE_INVALID;
    g.why = "the JPEG data is damaged or incomplete";
    if (len > ULONG_MAX) {
        *why = "the JPEG header is not readable";
        return IMAGE_INVALID;
    }
    if (setjmp(g.jump)) {
        jpeg_destroy_decompress(&cinfo);
        *why = g.why;
        return g.status;
    }
    jpeg_create_decompress(&cinfo);
    cinfo.progress = &g.progress;
    /* Caps the virtual arrays (whole-image coefficient buffers); see image.h. */
    cinfo.mem->max_memory_to_use = max_pixels < LONG_MAX / IMAGE_WORK_BYTES_PER_PIXEL
                                       ? (long)IMAGE_WORK_BYTES_PER_PIXEL * max_pixels
                                       : LONG_MAX;
    jpeg_mem_src(&cinfo, in, (unsigned long)len);
    g.why = "the JPEG header is not readable";
    jpeg_read_header(&cinfo, TRUE);
    g.why = "the JPEG data is damaged or incomplete";
    int rc = dims_ok((long)cinfo.image_width, (long)cinfo.image_height, max_pixels, why);
    if (rc != IMAGE_OK) {
        jpeg_destroy_decompress(&cinfo);
        return rc;
    }
    int w = (int)cinfo.image_width, h = (int)cinfo.image_height, dw, dh;
    fit_within(w, h, max_side, &dw, &dh);
    /* The smallest DCT scale k/8 whose (rounded-up) size still covers the output. */
    unsigned k = 1;
    while (k < 8 && ((long long)w * k + 7) / 8 < dw)
        k++;
    while (k < 8 && ((long long)h * k + 7) / 8 < dh)
        k++;
    cinfo.scale_num = k;
    cinfo.scale_denom = 8;
    cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    if (cinfo.output_components != 3) {
        jpeg_destroy_decompress(&cinfo);
        *why = "the JPEG colour space is not supported";
        return IMAGE_INVALID;
    }
    if (shrink_init(s, (int)cinfo.output_width, (int)cinfo.output_height, dw, dh, orientation) !=
        0) {
        jpeg_destroy_decompress(&cinfo);
        *why = msg_oom;
        return IMAGE_INTERNAL;
    }
    /* From libjpeg's image pool: freed by jpeg_destroy_decompress, also after an error. */
    JSAMPARRAY row =
        (*cinfo.mem->alloc_sarray)((j_common_ptr)&cinfo, JPOOL_IMAGE, cinfo.output_width * 3, 1);
    while (cinfo.output_scanline < cinfo.output_height) {
        if (jpeg_read_scanlines(&cinfo, row, 1) != 1)
            longjmp(g.jump, 1); /* suspension cannot happen with a memory source */
        shrink_row(s, row[0]);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return IMAGE_OK;
}

/* ---- PNG -------------------------------------------------------------------------- */

struct png_source {
    const unsigned char *data;
    size_t len, pos;
};

static void png_source_read(png_structp png, png_bytep out, size_t n)
{
    struct png_source *src = png_get_io_ptr(png);
    if (n > src->len - src->pos)
        png_error(png, "truncated");
    memcpy(out, src->data + src->pos, n);
    src->pos += n;
}

static void png_quiet_error(png_structp png, png_const_charp msg)
{
    (void)msg;
    png_longjmp(png, 1);
}

static void png_quiet_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* Composites an RGBA row onto white in place, leaving w pixels of RGB. */
static void flatten_alpha(unsigned char *row, int w)
{
    unsigned char *d = row;
    for (const unsigned char *p = row, *e = row + (size_t)w * 4; p < e; p += 4, d += 3) {
        unsigned a = p[3];
        for (int c = 0; c < 3; c++)
            d[c] = (unsigned char)((p[c] * a + 255u * (255u - a) + 127u) / 255u);
    }
}

/*
 * Decodes a PNG row by row into s (initialized here; the caller frees it),
 * fitted to max_side. Returns an image_status.
 */
static int decode_png(const unsigned char *in, size_t len, long max_pixels, int max_side,
                      struct shrink *s, const char **why)
{
    /* Ancillary chunks we never use: skipped unread, so no text or ICC profile is
     * ever inflated. tRNS, gAMA, sRGB and bKGD stay known (tRNS is used). */
    static const png_byte skipped[] = "cHRM\0eXIf\0hIST\0iCCP\0iTXt\0oFFs\0pCAL\0pHYs\0"
                                      "sBIT\0sCAL\0sPLT\0tEXt\0tIME\0zTXt";
    struct png_source src = {in, len, 0};
    unsigned char *volatile row = NULL;   /* freed after a longjmp too */
    unsigned char *volatile whole = NULL; /* interlaced images only */
    volatile int status = IMAGE_INVALID;
    const char *volatile msg = "the PNG data is damaged or incomplete";
    png_structp png =
        png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_quiet_error, png_quiet_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_read_struct(&png, &info, NULL);
        *why = msg_oom;
        return IMAGE_INTERNAL;
    }
    if (setjmp(png_jmpbuf(png))) {
        free(row);
        free(whole);
        png_destroy_read_struct(&png, &info, NULL);
        *why = msg;
        return status;
    }
    png_set_read_fn(png, &src, png_source_read);
    png_set_chunk_malloc_max(png, IMAGE_PNG_CHUNK_MAX);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, 0);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, skipped, (int)(sizeof skipped / 5));
    msg = "the PNG header is not readable";
    png_read_info(png, info);
    msg = "the PNG data is damaged or incomplete";
    png_uint_32 w32, h32;
    int depth, color, interlace;
    png_get_IHDR(png, info, &w32, &h32, &depth, &color, &interlace, NULL, NULL);
    const char *dims_why = NULL;
    int rc = dims_ok((long)w32, (long)h32, max_pixels, &dims_why);
    if (rc != IMAGE_OK) {
        status = rc;
        msg = dims_why;
        png_longjmp(png, 1);
    }
    int w = (int)w32, h = (int)h32, dw, dh;
    png_set_expand(png); /* palette to RGB, gray below 8 bits to 8, tRNS to alpha */
    png_set_scale_16(png);
    if (!(color & PNG_COLOR_MASK_COLOR))
        png_set_gray_to_rgb(png);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int channels = png_get_channels(png, info);
    size_t rowbytes = png_get_rowbytes(png, info);
    if ((channels != 3 && channels != 4) || rowbytes != (size_t)w * (size_t)channels)
        png_longjmp(png, 1);
    fit_within(w, h, max_side, &dw, &dh);
    if (shrink_init(s, w, h, dw, dh, 1) != 0) {
        status = IMAGE_INTERNAL;
        msg = msg_oom;
        png_longjmp(png, 1);
    }
    if (passes == 1) {
        if (!(row = malloc(rowbytes))) {
            status = IMAGE_INTERNAL;
            msg = msg_oom;
            png_longjmp(png, 1);
        }
        for (int y = 0; y < h; y++) {
            png_read_row(png, row, NULL);
            if (channels == 4)
                flatten_alpha(row, w);
            shrink_row(s, row);
        }
    } else {
        /* Adam7 fills every row over seven passes: the whole image must be held. */
        if ((double)rowbytes * h > (double)IMAGE_WORK_BYTES_PER_PIXEL * (double)max_pixels) {
            status = IMAGE_TOO_LARGE;
            msg = msg_work;
            png_longjmp(png, 1);
        }
        if (!(whole = malloc(rowbytes * (size_t)h))) {
            status = IMAGE_INTERNAL;
            msg = msg_oom;
            png_longjmp(png, 1);
        }
        for (int p = 0; p < passes; p++)
            for (int y = 0; y < h; y++)
                png_read_row(png, whole + rowbytes * (size_t)y, NULL);
        for (int y = 0; y < h; y++) {
            unsigned char *r = whole + rowbytes * (size_t)y;
            if (channels == 4)
                flatten_alpha(r, w);
            shrink_row(s, r);
        }
    }
    free(row);
    free(whole);
    png_destroy_read_struct(&png, &info, NULL);
    return IMAGE_OK;
}

/* ---- WebP ------------------------------------------------------------------------- */

/* Decodes a WebP into *px, scaled by libwebp to fit max_side. Returns an image_status. */
static int decode_webp(const unsigned char *in, size_t len, long max_pixels, int max_side,
                       struct pixels *px, const char **why)
{
    WebPDecoderConfig cfg;
    if (!WebPInitDecoderConfig(&cfg)) {
        *why = "the WebP decoder could not start";
        return IMAGE_INTERNAL;
    }
    if (WebPGetFeatures(in, len, &cfg.input) != VP8_STATUS_OK) {
        *why = "the WebP header is not readable";
        return IMAGE_INVALID;
    }
    int w = cfg.input.width, h = cfg.input.height, dw, dh;
    int rc = dims_ok(w, h, max_pixels, why);
    if (rc != IMAGE_OK)
        return rc;
    if (cfg.input.has_animation) {
        *why = "animated WebP images are not accepted";
        return IMAGE_INVALID;
    }
    /* Lossless and alpha planes are decoded whole inside libwebp, 4 bytes a pixel. */
    if ((cfg.input.format != 1 || cfg.input.has_alpha) &&
        4.0 * w * h > (double)IMAGE_WORK_BYTES_PER_PIXEL * (double)max_pixels) {
        *why = msg_work;
        return IMAGE_TOO_LARGE;
    }
    fit_within(w, h, max_side, &dw, &dh);
    size_t size = (size_t)dw * (size_t)dh * 3;
    if (!(px->rgb = malloc(size))) {
        *why = msg_oom;
        return IMAGE_INTERNAL;
    }
    if (dw != w || dh != h) {
        cfg.options.use_scaling = 1;
        cfg.options.scaled_width = dw;
        cfg.options.scaled_height = dh;
    }
    cfg.output.colorspace = MODE_RGB;
    cfg.output.is_external_memory = 1;
    cfg.output.u.RGBA.rgba = px->rgb;
    cfg.output.u.RGBA.stride = dw * 3;
    cfg.output.u.RGBA.size = size;
    VP8StatusCode st = WebPDecode(in, len, &cfg);
    WebPFreeDecBuffer(&cfg.output);
    if (st != VP8_STATUS_OK) {
        free(px->rgb);
        px->rgb = NULL;
        *why = st == VP8_STATUS_OUT_OF_MEMORY ? msg_oom : "the WebP data is damaged or incomplete";
        return st == VP8_STATUS_OUT_OF_MEMORY ? IMAGE_INTERNAL : IMAGE_INVALID;
    }
    px->width = dw;
    px->height = dh;
    return IMAGE_OK;
}

/* ---- encoding --------------------------------------------------------------------- */

/*
 * Encodes px as a baseline 4:2:0 JPEG into out. The buffer is tjBufSize() (the
 * worst case, about 3 bytes a pixel, counted in the ceiling) and is shrunk to fit.
 */
static int encode_jpeg(const struct pixels *px, int quality, struct image_blob *out)
{
    unsigned long cap = tjBufSize(px->width, px->height, TJSAMP_420);
    if (cap == (unsigned long)-1)
        return -1;
    unsigned char *buf = malloc(cap);
    tjhandle tj = tjInitCompress();
    if (!buf || !tj) {
        free(buf);
        if (tj)
            tjDestroy(tj);
        return -1;
    }
    unsigned long size = cap;
    int rc = tjCompress2(tj, px->rgb, px->width, 0, px->height, TJPF_RGB, &buf, &size, TJSAMP_420,
                         quality, TJFLAG_NOREALLOC);
    tjDestroy(tj);
    if (rc != 0 || size == 0 || size > cap) {
        free(buf);
        return -1;
    }
    unsigned char *fit = realloc(buf, size);
    out->data = fit ? fit : buf;
    out->len = size;
    out->width = px->width;
    out->height = px->height;
    return 0;
}

/* ---- the whole pipeline ---------------------------------------------------------- */

/* Everything after the type checks; runs while holding a decode slot. */
static int sanitize_decoded(const unsigned char *in, size_t len, enum kind kind, long max_pixels,
                            int max_side_out, struct image_blob *full, struct image_blob *thumb,
                            const char **why)
{
    struct shrink s = {0}, t = {0};
    struct pixels big = {0}, small = {0};
    int rc;
    if (kind == KIND_WEBP) {
        rc = decode_webp(in, len, max_pixels, max_side_out, &big, why);
    } else {
        if (kind == KIND_JPEG)
            rc = decode_jpeg(in, len, max_pixels, max_side_out, jpeg_orientation(in, len), &s, why);
        else
            rc = decode_png(in, len, max_pixels, max_side_out, &s, why);
        if (rc == IMAGE_OK && !shrink_take(&s, &big)) {
            *why = "the image data ended early";
            rc = IMAGE_INVALID;
        }
        shrink_free(&s);
    }
    if (rc != IMAGE_OK)
        goto out;
    /* The thumbnail is the same box filter run over the finished full-size rows. */
    int tw, th;
    fit_within(big.width, big.height, IMAGE_THUMB_MAX_SIDE, &tw, &th);
    rc = IMAGE_INTERNAL;
    *why = msg_oom;
    if (shrink_init(&t, big.width, big.height, tw, th, 1) != 0)
        goto out;
    for (int y = 0; y < big.height; y++)
        shrink_row(&t, big.rgb + (size_t)y * (size_t)big.width * 3);
    shrink_take(&t, &small);
    shrink_free(&t);
    *why = "the image could not be encoded";
    if (encode_jpeg(&small, IMAGE_THUMB_QUALITY, thumb) != 0)
        goto out;
    free(small.rgb);
    small.rgb = NULL;
    if (encode_jpeg(&big, IMAGE_JPEG_QUALITY, full) != 0) {
        image_blob_free(thumb);
        goto out;
    }
    rc = IMAGE_OK;
    *why = NULL;
out:
    free(big.rgb);
    free(small.rgb);
    return rc;
}

int image_sanitize(const unsigned char *in, size_t len, const char *content_type, long max_pixels,
                   int max_side_out, struct image_blob *full, struct image_blob *thumb,
                   const char **why)
{
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
    if (max_side_out < 1) {
        *why = "the output size is not positive";
        return IMAGE_INTERNAL;
    }
    if (slots_acquire() != 0) {
        *why = "too many photos are being processed at once; try again shortly";
        return IMAGE_BUSY;
    }
    int rc = sanitize_decoded(in, len, declared, max_pixels, max_side_out, full, thumb, why);
    slots_release();
    return rc;
}
