/*
 * pdfdoc — the PDF engine the printed documents share (walkdoc's poster and
 * protocol, sitdoc's situation report): an A4 cairo PDF surface written into
 * a bounded buffer, one pango layout with unhinted metrics, text that pango
 * can always take (cleaned, cut), styled text with wrapping and "…", rules,
 * filled boxes and bookmarks. What goes on the pages is the documents' own.
 */
#ifndef TRYGG_PDFDOC_H
#define TRYGG_PDFDOC_H

#include <cairo.h>
#include <pango/pangocairo.h>
#include <stddef.h>

#include "membuf.h"

#define PDFDOC_FONT "DejaVu Sans"
#define PDFDOC_FONT_MONO "DejaVu Sans Mono"
#define PDFDOC_ONE_LINE (-1.0) /* max_h of pdfdoc_text: one line, cut with "…" */

enum { PDFDOC_OK = 0, PDFDOC_INTERNAL = -1, PDFDOC_TOO_LARGE = -2 };

struct pdf_rgb {
    double r, g, b;
};

struct pdf_style {
    double size; /* points */
    int bold;
    int mono;
    struct pdf_rgb color;
    PangoAlignment align;
    double letter_spacing; /* points; 0 none */
};

struct pdfdoc {
    struct membuf out;
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoLayout *layout;
    PangoFontDescription *font;
    int page; /* 1-based */
    double y; /* the flow cursor, the document's to move */
    size_t text_max;
    char *scratch; /* text_max + 8 bytes: cleaned text handed to pango */
};

/* A style of size, weight and colour, left-aligned. */
struct pdf_style pdf_style(double size, int bold, struct pdf_rgb color);

/*
 * Opens a PDF of pages page_w × page_h points, at most max_bytes in all, whose
 * texts are cut at text_max bytes; title goes into its metadata. PDFDOC_OK or
 * PDFDOC_INTERNAL (call pdfdoc_close either way).
 */
int pdfdoc_open(struct pdfdoc *p, double page_w, double page_h, size_t max_bytes, size_t text_max,
                const char *title);

/*
 * s as text pango can take, in p's scratch buffer: valid UTF-8 (bad bytes
 * become U+FFFD), CR LF and CR as LF, other control characters as spaces, at
 * most text_max bytes (then "…"). NULL gives "–".
 */
const char *pdfdoc_clean(struct pdfdoc *p, const char *s);

/*
 * Lays out text in style st, wrapped to width w (w <= 0: one unwrapped line
 * per paragraph), cut with "…" when taller than max_h (max_h > 0, points) or
 * longer than one line (max_h == PDFDOC_ONE_LINE, w > 0); other max_h: no
 * limit. Draws it with its top-left at (x, y) when draw is set. Returns the
 * height; *width_out (may be NULL) gets the width actually used.
 */
double pdfdoc_text(struct pdfdoc *p, const struct pdf_style *st, double x, double y, double w,
                   double max_h, const char *text, int draw, double *width_out);

void pdfdoc_set_rgb(cairo_t *cr, struct pdf_rgb c);
void pdfdoc_fill_rect(struct pdfdoc *p, double x, double y, double w, double h, struct pdf_rgb c);
void pdfdoc_hline(struct pdfdoc *p, double x0, double x1, double y, double width, struct pdf_rgb c);

/* Adds a bookmark to the current page at (x, y). Returns its id for children. */
int pdfdoc_outline(struct pdfdoc *p, int parent, const char *name, double x, double y);

/*
 * Finishes the PDF and hands its bytes over (*out from malloc). PDFDOC_OK,
 * PDFDOC_TOO_LARGE (max_bytes reached) or PDFDOC_INTERNAL.
 */
int pdfdoc_finish(struct pdfdoc *p, unsigned char **out, size_t *len);

/* Frees what pdfdoc_open made. */
void pdfdoc_close(struct pdfdoc *p);

#endif
