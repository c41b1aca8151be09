/*
 * qr — QR codes of short texts (a walk's join URL) with libqrencode, as an
 * SVG document, as PNG bytes, or drawn into a cairo context (for the walk
 * PDFs). Error correction level M, 8-bit mode, version chosen by the length,
 * a quiet zone of QR_QUIET_ZONE modules on every side, black on white.
 *
 * Pure: no HTTP, no database, no files. THREAD SAFETY: libqrencode (built with
 * pthreads, as in Debian) and libpng keep no unprotected global state; each
 * call uses only its own objects, so any thread may call these.
 */
#ifndef TRYGG_QR_H
#define TRYGG_QR_H

#include <cairo.h>
#include <stddef.h>

/* Longest text encoded, in bytes (level M holds up to 2331 bytes; a join URL is < 100). */
#define QR_TEXT_MAX 1024
/* White border around the symbol, in modules, as ISO/IEC 18004 asks. */
#define QR_QUIET_ZONE 4
/* Pixels per module accepted by qr_png. */
#define QR_PNG_MODULE_PX_MIN 1
#define QR_PNG_MODULE_PX_MAX 64
/* Upper bound of an SVG or PNG document produced here. */
#define QR_OUTPUT_MAX_BYTES (4 * 1024 * 1024)

enum qr_status {
    QR_OK = 0,
    QR_INVALID = 1,  /* NULL or empty text, text longer than QR_TEXT_MAX, bad size */
    QR_INTERNAL = 2, /* libqrencode, libpng or cairo failed, or out of memory */
};

/*
 * Encodes text as an SVG document (UTF-8, no XML declaration): a white
 * background rectangle and ONE path holding every dark module, in a viewBox
 * of (width + 2 * QR_QUIET_ZONE) modules with shape-rendering="crispEdges",
 * so it scales to any size. On QR_OK *out is a NUL-terminated string from
 * malloc() (the caller frees it) and *len its length; on failure nothing is
 * allocated and *out is NULL.
 */
int qr_svg(const char *text, char **out, size_t *len);

/*
 * Encodes text as a PNG image (1-bit greyscale, no ancillary chunks) with
 * module_px pixels per module (QR_PNG_MODULE_PX_MIN..MAX) and the quiet zone.
 * On QR_OK *out holds bytes from malloc() (the caller frees them) and *len
 * their count; on failure nothing is allocated and *out is NULL.
 */
int qr_png(const char *text, int module_px, unsigned char **out, size_t *len);

/*
 * Draws the code of text into cr as a size x size square (user units) whose
 * top-left corner is (x, y), quiet zone included (a white square, then the
 * dark modules as one filled path in black). The cairo state (source, path,
 * antialias) is saved and restored. Returns QR_OK, QR_INVALID or QR_INTERNAL;
 * draws nothing on failure.
 */
int qr_cairo_draw(cairo_t *cr, const char *text, double x, double y, double size);

#endif
