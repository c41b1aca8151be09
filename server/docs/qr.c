/*
 * qr — see qr.h. libqrencode makes the module matrix; this file only turns
 * it into SVG, PNG or cairo drawing.
 */
#include "qr.h"

#include "membuf.h"

#include <png.h>
#include <qrencode.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/* Encodes text or returns NULL (bad input or libqrencode failure); *status says which. */
static QRcode *qr_encode(const char *text, int *status)
{
    size_t n;
    if (!text || (n = strnlen(text, QR_TEXT_MAX + 1)) == 0 || n > QR_TEXT_MAX) {
        *status = QR_INVALID;
        return NULL;
    }
    QRcode *code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    *status = code ? QR_OK : QR_INTERNAL;
    return code;
}

/* 1 when the module at (x, y) of the symbol (no quiet zone) is dark. */
static int qr_dark(const QRcode *code, int x, int y)
{
    return code->data[(size_t)y * (size_t)code->width + (size_t)x] & 1;
}

int qr_svg(const char *text, char **out, size_t *len)
{
    struct membuf b;
    int status;
    QRcode *code = NULL;
    unsigned char *bytes = NULL;

    *out = NULL;
    *len = 0;
    membuf_init(&b, QR_OUTPUT_MAX_BYTES);
    code = qr_encode(text, &status);
    if (!code)
        goto out;
    status = QR_INTERNAL;
    int side = code->width + 2 * QR_QUIET_ZONE;
    membuf_appendf(&b,
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                   "shape-rendering=\"crispEdges\">"
                   "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
                   side, side, side, side);
    /* One subpath per horizontal run of dark modules keeps the path short. */
    for (int y = 0; y < code->width; y++) {
        int x = 0;
        while (x < code->width) {
            if (!qr_dark(code, x, y)) {
                x++;
                continue;
            }
            int run = 1;
            while (x + run < code->width && qr_dark(code, x + run, y))
                run++;
            membuf_appendf(&b, "M%d %dh%dv1h-%dz", x + QR_QUIET_ZONE, y + QR_QUIET_ZONE, run, run);
            x += run;
        }
    }
    membuf_append_str(&b, "\"/></svg>\n");
    if (membuf_take(&b, &bytes, len) != 0)
        goto out;
    *out = (char *)bytes;
    status = QR_OK;
out:
    membuf_free(&b);
    if (code)
        QRcode_free(code);
    return status;
}

/* libpng's write callback: append to the membuf, longjmp through png_error on failure. */
static void qr_png_write(png_structp png, png_bytep data, png_size_t n)
{
    struct membuf *b = png_get_io_ptr(png);
    if (membuf_append(b, data, n) != 0)
        png_error(png, "qr: PNG larger than QR_OUTPUT_MAX_BYTES");
}

static void qr_png_flush(png_structp png)
{
    (void)png;
}

/*
 * Writes the rows (each of rowbytes packed 1-bit pixels, 1 = white) as a PNG
 * into b. Kept apart so that no local of the caller lives across setjmp.
 * 0 or -1.
 */
static int qr_png_encode(struct membuf *b, unsigned char *rows, size_t rowbytes, int side_px)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_write_struct(&png, info ? &info : NULL);
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return -1;
    }
    png_set_write_fn(png, b, qr_png_write, qr_png_flush);
    png_set_IHDR(png, info, (png_uint_32)side_px, (png_uint_32)side_px, 1, PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < side_px; y++)
        png_write_row(png, rows + (size_t)y * rowbytes);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return 0;
}

int qr_png(const char *text, int module_px, unsigned char **out, size_t *len)
{
    struct membuf b;
    int status;
    QRcode *code = NULL;
    unsigned char *rows = NULL;

    *out = NULL;
    *len = 0;
    membuf_init(&b, QR_OUTPUT_MAX_BYTES);
    if (module_px < QR_PNG_MODULE_PX_MIN || module_px > QR_PNG_MODULE_PX_MAX) {
        status = QR_INVALID;
        goto out;
    }
    code = qr_encode(text, &status);
    if (!code)
        goto out;
    status = QR_INTERNAL;
    int side = code->width + 2 * QR_QUIET_ZONE;
    int side_px = side * module_px; /* at most (177 + 8) * 64 */
    size_t rowbytes = ((size_t)side_px + 7) / 8;
    rows = malloc(rowbytes * (size_t)side_px);
    if (!rows)
        goto out;
    memset(rows, 0xff, rowbytes * (size_t)side_px); /* white */
    for (int y = 0; y < code->width; y++)
        for (int x = 0; x < code->width; x++) {
            if (!qr_dark(code, x, y))
                continue;
            for (int dy = 0; dy < module_px; dy++) {
                unsigned char *row =
                    rows + (size_t)((y + QR_QUIET_ZONE) * module_px + dy) * rowbytes;
                for (int dx = 0; dx < module_px; dx++) {
                    int px = (x + QR_QUIET_ZONE) * module_px + dx;
                    row[px / 8] &= (unsigned char)~(0x80u >> (px % 8));
                }
            }
        }
    if (qr_png_encode(&b, rows, rowbytes, side_px) != 0)
        goto out;
    if (membuf_take(&b, out, len) != 0)
        goto out;
    status = QR_OK;
out:
    membuf_free(&b);
    free(rows);
    if (code)
        QRcode_free(code);
    return status;
}

int qr_cairo_draw(cairo_t *cr, const char *text, double x, double y, double size)
{
    int status;
    QRcode *code = qr_encode(text, &status);
    if (!code)
        return status;
    if (!(size > 0)) {
        QRcode_free(code);
        return QR_INVALID;
    }
    double m = size / (code->width + 2 * QR_QUIET_ZONE);
    double x0 = x + QR_QUIET_ZONE * m, y0 = y + QR_QUIET_ZONE * m;
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x, y, size, size);
    cairo_fill(cr);
    /* One path of horizontal runs, filled once: no hairline seams between modules. */
    for (int row = 0; row < code->width; row++) {
        int col = 0;
        while (col < code->width) {
            if (!qr_dark(code, col, row)) {
                col++;
                continue;
            }
            int run = 1;
            while (col + run < code->width && qr_dark(code, col + run, row))
                run++;
            cairo_rectangle(cr, x0 + col * m, y0 + row * m, run * m, m);
            col += run;
        }
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    cairo_fill(cr);
    status = cairo_status(cr) == CAIRO_STATUS_SUCCESS ? QR_OK : QR_INTERNAL;
    cairo_restore(cr);
    QRcode_free(code);
    return status;
}
