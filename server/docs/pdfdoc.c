/*
 * pdfdoc — the PDF engine the printed documents share. See pdfdoc.h.
 */
#include "pdfdoc.h"

#include <cairo-pdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pdf_style pdf_style(double size, int bold, struct pdf_rgb color)
{
    struct pdf_style s = {size, bold, 0, color, PANGO_ALIGN_LEFT, 0};
    return s;
}

void pdfdoc_set_rgb(cairo_t *cr, struct pdf_rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/* cairo's write callback: into the bounded buffer; a full buffer stops cairo with WRITE_ERROR. */
static cairo_status_t pdfdoc_write(void *closure, const unsigned char *data, unsigned int length)
{
    return membuf_append(closure, data, length) == 0 ? CAIRO_STATUS_SUCCESS
                                                     : CAIRO_STATUS_WRITE_ERROR;
}

int pdfdoc_open(struct pdfdoc *p, double page_w, double page_h, size_t max_bytes, size_t text_max,
                const char *title)
{
    memset(p, 0, sizeof *p);
    membuf_init(&p->out, max_bytes);
    p->text_max = text_max;
    p->scratch = malloc(text_max + 8);
    if (!p->scratch)
        return PDFDOC_INTERNAL;
    p->surface = cairo_pdf_surface_create_for_stream(pdfdoc_write, &p->out, page_w, page_h);
    if (cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS)
        return PDFDOC_INTERNAL;
    cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, pdfdoc_clean(p, title));
    cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "trygg");
    p->cr = cairo_create(p->surface);
    if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS)
        return PDFDOC_INTERNAL;
    p->layout = pango_cairo_create_layout(p->cr);
    p->font = pango_font_description_new();
    if (!p->layout || !p->font)
        return PDFDOC_INTERNAL;
    /* Unhinted metrics: text measures the same at every zoom and in print. */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(pango_layout_get_context(p->layout), fo);
    cairo_font_options_destroy(fo);
    pango_layout_context_changed(p->layout);
    p->page = 1;
    return PDFDOC_OK;
}

const char *pdfdoc_clean(struct pdfdoc *p, const char *s)
{
    size_t o = 0;
    if (!s)
        return "–";
    for (const char *q = s; *q;) {
        if (o + 8 > p->text_max) {
            memcpy(p->scratch + o, "…", 3);
            o += 3;
            break;
        }
        unsigned char c = (unsigned char)*q;
        if (c < 0x80) {
            if (c == '\r') {
                p->scratch[o++] = '\n';
                q += q[1] == '\n' ? 2 : 1;
                continue;
            }
            p->scratch[o++] = (char)(((c < 0x20 && c != '\n') || c == 0x7f) ? ' ' : c);
            q++;
            continue;
        }
        gunichar u = g_utf8_get_char_validated(q, (gssize)strnlen(q, 4));
        if (u == (gunichar)-1 || u == (gunichar)-2) {
            memcpy(p->scratch + o, "\xEF\xBF\xBD", 3);
            o += 3;
            q++;
            continue;
        }
        int l = g_unichar_to_utf8(u, p->scratch + o);
        o += (size_t)l;
        q += l;
    }
    p->scratch[o] = '\0';
    return p->scratch;
}

double pdfdoc_text(struct pdfdoc *p, const struct pdf_style *st, double x, double y, double w,
                   double max_h, const char *text, int draw, double *width_out)
{
    PangoLayout *l = p->layout;
    pango_font_description_set_family(p->font, st->mono ? PDFDOC_FONT_MONO : PDFDOC_FONT);
    pango_font_description_set_weight(p->font, st->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_absolute_size(p->font, st->size * PANGO_SCALE);
    pango_layout_set_font_description(l, p->font);
    if (st->letter_spacing > 0) {
        PangoAttrList *attrs = pango_attr_list_new();
        pango_attr_list_insert(
            attrs, pango_attr_letter_spacing_new((int)(st->letter_spacing * PANGO_SCALE)));
        pango_layout_set_attributes(l, attrs);
        pango_attr_list_unref(attrs);
    } else {
        pango_layout_set_attributes(l, NULL);
    }
    pango_layout_set_alignment(l, st->align);
    if (w > 0) {
        pango_layout_set_width(l, (int)(w * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    } else {
        pango_layout_set_width(l, -1);
    }
    if (w > 0 && max_h > 0) {
        pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
        pango_layout_set_height(l, (int)(max_h * PANGO_SCALE));
    } else if (w > 0 && max_h == PDFDOC_ONE_LINE) {
        pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
        pango_layout_set_height(l, -1); /* pango: a negative height counts lines */
    } else {
        pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_NONE);
        pango_layout_set_height(l, -1);
    }
    pango_layout_set_text(l, pdfdoc_clean(p, text), -1);
    int pw, ph;
    pango_layout_get_size(l, &pw, &ph);
    if (draw) {
        pdfdoc_set_rgb(p->cr, st->color);
        cairo_move_to(p->cr, x, y);
        pango_cairo_show_layout(p->cr, l);
    }
    if (width_out)
        *width_out = (double)pw / PANGO_SCALE;
    return (double)ph / PANGO_SCALE;
}

void pdfdoc_fill_rect(struct pdfdoc *p, double x, double y, double w, double h, struct pdf_rgb c)
{
    pdfdoc_set_rgb(p->cr, c);
    cairo_rectangle(p->cr, x, y, w, h);
    cairo_fill(p->cr);
}

void pdfdoc_hline(struct pdfdoc *p, double x0, double x1, double y, double width, struct pdf_rgb c)
{
    pdfdoc_set_rgb(p->cr, c);
    cairo_set_line_width(p->cr, width);
    cairo_move_to(p->cr, x0, y);
    cairo_line_to(p->cr, x1, y);
    cairo_stroke(p->cr);
}

int pdfdoc_outline(struct pdfdoc *p, int parent, const char *name, double x, double y)
{
    char attrs[128];
    snprintf(attrs, sizeof attrs, "page=%d pos=[%.0f %.0f]", p->page, x, y);
    return cairo_pdf_surface_add_outline(p->surface, parent, pdfdoc_clean(p, name), attrs, 0);
}

int pdfdoc_finish(struct pdfdoc *p, unsigned char **out, size_t *len)
{
    cairo_status_t cs = cairo_status(p->cr);
    cairo_destroy(p->cr);
    p->cr = NULL;
    cairo_surface_finish(p->surface);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(p->surface);
    if (cs != CAIRO_STATUS_SUCCESS)
        return p->out.failed == MEMBUF_FAILED_LIMIT ? PDFDOC_TOO_LARGE : PDFDOC_INTERNAL;
    if (membuf_take(&p->out, out, len) != 0)
        return PDFDOC_INTERNAL;
    return PDFDOC_OK;
}

void pdfdoc_close(struct pdfdoc *p)
{
    if (p->layout)
        g_object_unref(p->layout);
    if (p->font)
        pango_font_description_free(p->font);
    if (p->cr)
        cairo_destroy(p->cr);
    if (p->surface)
        cairo_surface_destroy(p->surface);
    membuf_free(&p->out);
    free(p->scratch);
    memset(p, 0, sizeof *p);
}
