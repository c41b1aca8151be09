/*
 * sitdoc — see sitdoc.h. A cairo PDF surface writing into a bounded buffer,
 * one pango layout, and a cursor that flows down the page; tables break over
 * pages with their heading repeated. Nothing here reads files or talks to the
 * network.
 */
#include "sitdoc.h"

#include "membuf.h"
#include "pdfdoc.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define PAGE_W 595.0
#define PAGE_H 842.0
#define MARGIN 40.0
#define CONTENT_W (PAGE_W - 2 * MARGIN)
#define BOTTOM (PAGE_H - 50.0)
#define ROW_H 14.0
#define MAP_H 300.0
#define CHART_H 190.0
#define TEXT_MAX 600 /* bytes of one cell's text */

static const struct pdf_rgb INK = {0.10, 0.11, 0.13}, MUTED = {0.36, 0.38, 0.42},
                            ACCENT = {0.09, 0.24, 0.40}, TINT = {0.93, 0.95, 0.97},
                            RULE = {0.77, 0.80, 0.84}, WHITE = {1, 1, 1},
                            BAR_NOW = {0.09, 0.24, 0.40}, BAR_PREV = {0.55, 0.66, 0.78},
                            BAR_YEAR = {0.85, 0.62, 0.20}, AREA_LINE = {0.29, 0.45, 0.27},
                            MAP_BG = {0.975, 0.972, 0.962}, HOT = {0.80, 0.20, 0.10};

enum str {
    S_TITLE,
    S_PERIOD,
    S_PARTIAL,
    S_CREATED,
    S_PAGE,
    S_TOTAL,
    S_PREVIOUS,
    S_YEAR_BEFORE,
    S_MAP,
    S_MAP_NOTE,
    S_CHART,
    S_AREAS,
    S_AREA,
    S_COUNT,
    S_AVERAGE,
    S_UNSAFE,
    S_BACKLOG,
    S_OVERDUE,
    S_WALKS,
    S_TOP,
    S_RANKING,
    S_RANK,
    S_SCORE,
    S_TREND,
    S_RESOLVED,
    S_HOTSPOTS,
    S_CELL,
    S_EMERGING,
    S_NEW,
    S_NO_HOTSPOTS,
    S_WALKS_HELD,
    S_WALK,
    S_ITEMS,
    S_OPEN_ITEMS,
    S_NO_WALKS,
    S_INDICATORS,
    S_INDICATOR,
    S_YEAR,
    S_VALUE,
    S_SOURCE,
    S_OBSERVATIONS,
    S_COUNT_STR
};

static const char *const texts[S_COUNT_STR][2] = {
    [S_TITLE] = {"Lägesbild", "Situation picture"},
    [S_PERIOD] = {"Period", "Period"},
    [S_PARTIAL] = {"Perioden pågår: siffrorna gäller hittills.",
                   "The period is not over: the figures are so far."},
    [S_CREATED] = {"Skapad", "Created"},
    [S_PAGE] = {"Sida", "Page"},
    [S_TOTAL] = {"Iakttagelser", "Observations"},
    [S_PREVIOUS] = {"Föregående", "Previous"},
    [S_YEAR_BEFORE] = {"Året före", "A year earlier"},
    [S_MAP] = {"Karta: områden och brännpunkter", "Map: areas and hot spots"},
    [S_MAP_NOTE] = {"Rutor i SWEREF 99 TM; mörkare = fler iakttagelser; röd kant = växande.",
                    "Cells in SWEREF 99 TM; darker = more observations; red edge = emerging."},
    [S_CHART] = {"Iakttagelser per område", "Observations per area"},
    [S_AREAS] = {"Områdena", "The areas"},
    [S_AREA] = {"Område", "Area"},
    [S_COUNT] = {"Nu", "Now"},
    [S_AVERAGE] = {"Snitt 4", "Mean 4"},
    [S_UNSAFE] = {"Otrygg", "Unsafe"},
    [S_BACKLOG] = {"Öppna", "Open"},
    [S_OVERDUE] = {"Försenade", "Overdue"},
    [S_WALKS] = {"Vandr.", "Walks"},
    [S_TOP] = {"Mest", "Most"},
    [S_RANKING] = {"Rangordning efter behov", "Ranking by need"},
    [S_RANK] = {"Nr", "No."},
    [S_SCORE] = {"Poäng", "Score"},
    [S_TREND] = {"Trend", "Trend"},
    [S_RESOLVED] = {"Åtgärdade", "Resolved"},
    [S_HOTSPOTS] = {"Brännpunkter", "Hot spots"},
    [S_CELL] = {"Ruta", "Cell"},
    [S_EMERGING] = {"växande", "emerging"},
    [S_NEW] = {"ny", "new"},
    [S_NO_HOTSPOTS] = {"Inga brännpunkter under perioden.", "No hot spots in the period."},
    [S_WALKS_HELD] = {"Trygghetsvandringar", "Safety walks"},
    [S_WALK] = {"Vandring", "Walk"},
    [S_ITEMS] = {"Punkter", "Items"},
    [S_OPEN_ITEMS] = {"Öppna", "Open"},
    [S_NO_WALKS] = {"Inga vandringar under perioden.", "No walks in the period."},
    [S_INDICATORS] = {"Kommunens indikatorer", "The city's indicators"},
    [S_INDICATOR] = {"Indikator", "Indicator"},
    [S_YEAR] = {"År", "Year"},
    [S_VALUE] = {"Värde", "Value"},
    [S_SOURCE] = {"Källa", "Source"},
    [S_OBSERVATIONS] = {"Iakttagelser", "Observations"},
};

struct doc {
    int en;
    struct pdfdoc p; /* the page, its flow cursor p.y and its page number p.page */
    char footer[300];
};

static const char *tr(const struct doc *d, enum str s)
{
    return texts[s][d->en];
}

static void set_rgb(cairo_t *cr, struct pdf_rgb c)
{
    pdfdoc_set_rgb(cr, c);
}

/* Draws text (one line, cut with "…" to width w; w <= 0: wrapped to the
 * content width) at x, y in size and colour; align 0 left, 1 right. Returns
 * the height used. */
static double text(struct doc *d, double x, double y, double w, double size, int bold,
                   struct pdf_rgb color, int align, const char *s)
{
    struct pdf_style st = pdf_style(size, bold, color);
    st.align = align ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
    if (w > 0)
        return pdfdoc_text(&d->p, &st, x, y, w, PDFDOC_ONE_LINE, s, 1, NULL);
    return pdfdoc_text(&d->p, &st, x, y, CONTENT_W, 0, s, 1, NULL);
}

static void fill_rect(struct doc *d, double x, double y, double w, double h, struct pdf_rgb c)
{
    pdfdoc_fill_rect(&d->p, x, y, w, h, c);
}

static void footer(struct doc *d)
{
    char right[64];
    set_rgb(d->p.cr, RULE);
    cairo_set_line_width(d->p.cr, 0.5);
    cairo_move_to(d->p.cr, MARGIN, PAGE_H - 36);
    cairo_line_to(d->p.cr, PAGE_W - MARGIN, PAGE_H - 36);
    cairo_stroke(d->p.cr);
    text(d, MARGIN, PAGE_H - 32, CONTENT_W * 0.75, 7, 0, MUTED, 0, d->footer);
    snprintf(right, sizeof right, "%s %d", tr(d, S_PAGE), d->p.page);
    text(d, MARGIN, PAGE_H - 32, CONTENT_W, 7, 0, MUTED, 1, right);
}

static void next_page(struct doc *d)
{
    footer(d);
    cairo_show_page(d->p.cr);
    d->p.page++;
    d->p.y = MARGIN;
}

/* Starts a new page unless h more points fit. */
static void need(struct doc *d, double h)
{
    if (d->p.y + h > BOTTOM)
        next_page(d);
}

static void heading(struct doc *d, const char *s)
{
    need(d, 60);
    d->p.y += 8;
    d->p.y += text(d, MARGIN, d->p.y, CONTENT_W, 13, 1, ACCENT, 0, s) + 4;
}

/* ---- tables --------------------------------------------------------------------- */

struct col {
    double w; /* share of the content width */
    int right;
};

static void table_row(struct doc *d, const struct col *cols, int ncols, const char *const *cells,
                      int head, int zebra)
{
    need(d, ROW_H + 2);
    double x = MARGIN;
    if (head)
        fill_rect(d, MARGIN, d->p.y, CONTENT_W, ROW_H, ACCENT);
    else if (zebra)
        fill_rect(d, MARGIN, d->p.y, CONTENT_W, ROW_H, TINT);
    for (int i = 0; i < ncols; i++) {
        double w = cols[i].w * CONTENT_W;
        text(d, x + 3, d->p.y + 2, w - 6, 7.5, head, head ? WHITE : INK, cols[i].right, cells[i]);
        x += w;
    }
    d->p.y += ROW_H;
}

static void num(char *buf, size_t cap, int64_t v)
{
    if (v < 0)
        snprintf(buf, cap, "–");
    else
        snprintf(buf, cap, "%lld", (long long)v);
}

static void dec(char *buf, size_t cap, double v, int digits, int en)
{
    if (v < 0 || !isfinite(v)) {
        snprintf(buf, cap, "–");
        return;
    }
    snprintf(buf, cap, "%.*f", digits, v);
    if (!en)
        for (char *p = buf; *p; p++)
            if (*p == '.')
                *p = ','; /* Swedish decimal comma */
}

/* ---- the map -------------------------------------------------------------------- */

static void draw_map(struct doc *d, const struct sitdoc *s, double x, double y, double w, double h)
{
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    for (size_t i = 0; i < s->n_rings; i++)
        for (size_t k = 0; k < s->rings[i].n; k++) {
            struct sitdoc_xy p = s->rings[i].pts[k];
            if (!isfinite(p.e) || !isfinite(p.n))
                continue;
            minx = fmin(minx, p.e), maxx = fmax(maxx, p.e);
            miny = fmin(miny, p.n), maxy = fmax(maxy, p.n);
        }
    for (size_t i = 0; i < s->n_cells; i++) {
        struct sitdoc_xy p = s->cells[i].origin;
        minx = fmin(minx, p.e), maxx = fmax(maxx, p.e + s->cells[i].cell_m);
        miny = fmin(miny, p.n), maxy = fmax(maxy, p.n + s->cells[i].cell_m);
    }
    fill_rect(d, x, y, w, h, MAP_BG);
    set_rgb(d->p.cr, RULE);
    cairo_set_line_width(d->p.cr, 0.7);
    cairo_rectangle(d->p.cr, x, y, w, h);
    cairo_stroke(d->p.cr);
    if (!isfinite(minx))
        return;
    double ex = fmax(maxx - minx, 500), ey = fmax(maxy - miny, 500);
    minx -= ex * 0.05, maxx = minx + ex * 1.1, miny -= ey * 0.05, maxy = miny + ey * 1.1;
    double k = fmin(w / (maxx - minx), h / (maxy - miny));
    double ox = x + (w - (maxx - minx) * k) / 2, oy = y + (h - (maxy - miny) * k) / 2;
#define MX(e) (ox + ((e)-minx) * k)
#define MY(n) (oy + (maxy - (n)) * k)
    cairo_save(d->p.cr);
    cairo_rectangle(d->p.cr, x, y, w, h);
    cairo_clip(d->p.cr);
    int64_t maxc = 1;
    for (size_t i = 0; i < s->n_cells; i++)
        if (s->cells[i].count > maxc)
            maxc = s->cells[i].count;
    for (size_t i = 0; i < s->n_cells; i++) {
        const struct sitdoc_cell *c = &s->cells[i];
        double side = fmax(c->cell_m * k, 2.5);
        double a = 0.25 + 0.7 * (double)c->count / (double)maxc;
        cairo_set_source_rgba(d->p.cr, HOT.r, HOT.g, HOT.b, a);
        cairo_rectangle(d->p.cr, MX(c->origin.e), MY(c->origin.n) - side, side, side);
        cairo_fill_preserve(d->p.cr);
        if (c->emerging) {
            cairo_set_source_rgb(d->p.cr, 0.85, 0, 0);
            cairo_set_line_width(d->p.cr, 1.2);
        } else {
            cairo_set_source_rgba(d->p.cr, 0, 0, 0, 0.3);
            cairo_set_line_width(d->p.cr, 0.3);
        }
        cairo_stroke(d->p.cr);
    }
    set_rgb(d->p.cr, AREA_LINE);
    cairo_set_line_width(d->p.cr, 0.9);
    for (size_t i = 0; i < s->n_rings; i++) {
        for (size_t j = 0; j < s->rings[i].n; j++) {
            struct sitdoc_xy p = s->rings[i].pts[j];
            if (j == 0)
                cairo_move_to(d->p.cr, MX(p.e), MY(p.n));
            else
                cairo_line_to(d->p.cr, MX(p.e), MY(p.n));
        }
        cairo_close_path(d->p.cr);
        cairo_stroke(d->p.cr);
    }
    cairo_restore(d->p.cr);
#undef MX
#undef MY
}

/* ---- the chart ------------------------------------------------------------------ */

static void draw_chart(struct doc *d, const struct sitdoc *s, double x, double y, double w,
                       double h)
{
    size_t n = s->n_areas < 24 ? s->n_areas : 24;
    int64_t maxv = 1;
    for (size_t i = 0; i < n; i++) {
        const struct sitdoc_area *a = &s->areas[i];
        int64_t m = a->count > a->previous ? a->count : a->previous;
        m = m > a->year_before ? m : a->year_before;
        if (m > maxv)
            maxv = m;
    }
    double label_h = 40, plot_h = h - label_h - 14;
    /* legend */
    struct pdf_rgb colors[3] = {BAR_NOW, BAR_PREV, BAR_YEAR};
    const char *names[3] = {s->period_key ? s->period_key : tr(d, S_COUNT),
                            s->previous_label ? s->previous_label : tr(d, S_PREVIOUS),
                            s->year_before_label ? s->year_before_label : tr(d, S_YEAR_BEFORE)};
    double lx = x;
    for (int i = 0; i < 3; i++) {
        fill_rect(d, lx, y + 2, 8, 8, colors[i]);
        text(d, lx + 11, y, 110, 7.5, 0, INK, 0, names[i]);
        lx += 125;
    }
    double top = y + 14;
    set_rgb(d->p.cr, RULE);
    cairo_set_line_width(d->p.cr, 0.5);
    cairo_move_to(d->p.cr, x, top + plot_h);
    cairo_line_to(d->p.cr, x + w, top + plot_h);
    cairo_stroke(d->p.cr);
    char lab[32];
    num(lab, sizeof lab, maxv);
    text(d, x, top - 2, 40, 6.5, 0, MUTED, 0, lab);
    if (!n)
        return;
    double slot = w / (double)n, bw = fmin(slot / 4, 14);
    for (size_t i = 0; i < n; i++) {
        const struct sitdoc_area *a = &s->areas[i];
        int64_t v[3] = {a->count, a->previous, a->year_before};
        double bx = x + slot * (double)i + (slot - 3 * bw) / 2;
        for (int k = 0; k < 3; k++) {
            double bh = v[k] > 0 ? plot_h * (double)v[k] / (double)maxv : 0;
            fill_rect(d, bx + k * bw, top + plot_h - bh, bw - 1, bh, colors[k]);
        }
        cairo_save(d->p.cr);
        cairo_move_to(d->p.cr, x + slot * (double)i + slot / 2 - 3, top + plot_h + 3);
        cairo_rotate(d->p.cr, M_PI / 4);
        pango_font_description_set_absolute_size(d->p.font, 6.5 * PANGO_SCALE);
        pango_font_description_set_weight(d->p.font, PANGO_WEIGHT_NORMAL);
        pango_layout_set_font_description(d->p.layout, d->p.font);
        pango_layout_set_width(d->p.layout, (int)(60 * PANGO_SCALE));
        pango_layout_set_ellipsize(d->p.layout, PANGO_ELLIPSIZE_END);
        pango_layout_set_alignment(d->p.layout, PANGO_ALIGN_LEFT);
        pango_layout_set_text(d->p.layout, pdfdoc_clean(&d->p, a->name), -1);
        set_rgb(d->p.cr, INK);
        pango_cairo_show_layout(d->p.cr, d->p.layout);
        cairo_restore(d->p.cr);
    }
}

/* ---- the document ------------------------------------------------------------------ */

static void render(struct doc *d, const struct sitdoc *s)
{
    char buf[600], a[32], b[32], c[32];
    text(d, MARGIN, d->p.y, CONTENT_W, 8, 0, MUTED, 0, s->organisation ? s->organisation : "");
    d->p.y += 12;
    d->p.y += text(d, MARGIN, d->p.y, CONTENT_W, 20, 1, ACCENT, 0, tr(d, S_TITLE)) + 2;
    d->p.y += text(d, MARGIN, d->p.y, CONTENT_W, 12, 1, INK, 0, s->period_label) + 4;
    if (s->partial)
        d->p.y += text(d, MARGIN, d->p.y, CONTENT_W, 8.5, 0, MUTED, 0, tr(d, S_PARTIAL)) + 2;
    num(a, sizeof a, s->total);
    num(b, sizeof b, s->total_previous);
    num(c, sizeof c, s->total_year_before);
    snprintf(buf, sizeof buf, "%s: %s · %s (%s): %s · %s (%s): %s", tr(d, S_TOTAL), a,
             tr(d, S_PREVIOUS), s->previous_label ? s->previous_label : "–", b,
             tr(d, S_YEAR_BEFORE), s->year_before_label ? s->year_before_label : "–", c);
    d->p.y += text(d, MARGIN, d->p.y, 0, 9, 0, INK, 0, buf) + 6;

    cairo_pdf_surface_add_outline(d->p.surface, CAIRO_PDF_OUTLINE_ROOT, tr(d, S_MAP), "page=1", 0);
    d->p.y += text(d, MARGIN, d->p.y, CONTENT_W, 10, 1, ACCENT, 0, tr(d, S_MAP)) + 3;
    draw_map(d, s, MARGIN, d->p.y, CONTENT_W, MAP_H);
    d->p.y += MAP_H + 2;
    d->p.y += text(d, MARGIN, d->p.y, 0, 7, 0, MUTED, 0, tr(d, S_MAP_NOTE)) + 8;
    need(d, CHART_H + 20);
    d->p.y += text(d, MARGIN, d->p.y, CONTENT_W, 10, 1, ACCENT, 0, tr(d, S_CHART)) + 3;
    draw_chart(d, s, MARGIN, d->p.y, CONTENT_W, CHART_H);
    d->p.y += CHART_H + 6;

    /* every area's figures */
    heading(d, tr(d, S_AREAS));
    static const struct col acols[] = {{0.19, 0}, {0.07, 1}, {0.09, 1}, {0.09, 1}, {0.07, 1},
                                       {0.07, 1}, {0.06, 1}, {0.08, 1}, {0.06, 1}, {0.22, 0}};
    const char *ahead[] = {tr(d, S_AREA),
                           tr(d, S_COUNT),
                           s->previous_label ? s->previous_label : tr(d, S_PREVIOUS),
                           s->year_before_label ? s->year_before_label : tr(d, S_YEAR_BEFORE),
                           tr(d, S_AVERAGE),
                           tr(d, S_UNSAFE),
                           tr(d, S_BACKLOG),
                           tr(d, S_OVERDUE),
                           tr(d, S_WALKS),
                           tr(d, S_TOP)};
    table_row(d, acols, 10, ahead, 1, 0);
    for (size_t i = 0; i < s->n_areas; i++) {
        const struct sitdoc_area *x = &s->areas[i];
        char v[9][32];
        num(v[0], sizeof v[0], x->count);
        num(v[1], sizeof v[1], x->previous);
        num(v[2], sizeof v[2], x->year_before);
        dec(v[3], sizeof v[3], x->average, 1, d->en);
        dec(v[4], sizeof v[4], x->unsafe_mean, 1, d->en);
        num(v[5], sizeof v[5], x->backlog);
        num(v[6], sizeof v[6], x->overdue);
        snprintf(v[7], sizeof v[7], "%d", x->walks);
        const char *cells[] = {
            x->name, v[0], v[1], v[2], v[3],
            v[4],    v[5], v[6], v[7], x->top_categories ? x->top_categories : "–"};
        if (d->p.y + ROW_H + 2 > BOTTOM) {
            next_page(d);
            table_row(d, acols, 10, ahead, 1, 0);
        }
        table_row(d, acols, 10, cells, 0, (int)(i % 2));
    }

    /* the ranking */
    heading(d, tr(d, S_RANKING));
    snprintf(buf, sizeof buf,
             d->en ? "Weights: count %.2f, unsafe %.2f, trend %.2f, unresolved %.2f."
                   : "Vikter: antal %.2f, otrygghet %.2f, trend %.2f, ej åtgärdat %.2f.",
             s->weights[0], s->weights[1], s->weights[2], s->weights[3]);
    d->p.y += text(d, MARGIN, d->p.y, 0, 7.5, 0, MUTED, 0, buf) + 3;
    static const struct col rcols[] = {{0.07, 1}, {0.33, 0}, {0.12, 1}, {0.12, 1},
                                       {0.12, 1}, {0.12, 1}, {0.12, 1}};
    const char *rhead[] = {tr(d, S_RANK),   tr(d, S_AREA),  tr(d, S_SCORE),   tr(d, S_COUNT),
                           tr(d, S_UNSAFE), tr(d, S_TREND), tr(d, S_RESOLVED)};
    table_row(d, rcols, 7, rhead, 1, 0);
    for (size_t i = 0; i < s->n_ranking; i++) {
        const struct sitdoc_rank *x = &s->ranking[i];
        char v[6][32];
        snprintf(v[0], sizeof v[0], "%d", x->rank);
        dec(v[1], sizeof v[1], x->score, 2, d->en);
        num(v[2], sizeof v[2], x->count);
        dec(v[3], sizeof v[3], x->unsafe_mean, 1, d->en);
        snprintf(v[4], sizeof v[4], "%+.0f %%", x->trend * 100);
        if (x->share_resolved >= 0)
            snprintf(v[5], sizeof v[5], "%.0f %%", x->share_resolved * 100);
        else
            snprintf(v[5], sizeof v[5], "–");
        const char *cells[] = {v[0], x->name, v[1], v[2], v[3], v[4], v[5]};
        table_row(d, rcols, 7, cells, 0, (int)(i % 2));
    }

    /* hot spots */
    heading(d, tr(d, S_HOTSPOTS));
    if (!s->n_cells)
        d->p.y += text(d, MARGIN, d->p.y, 0, 8.5, 0, MUTED, 0, tr(d, S_NO_HOTSPOTS)) + 4;
    else {
        static const struct col hcols[] = {{0.07, 1}, {0.38, 0}, {0.25, 0}, {0.12, 1}, {0.18, 0}};
        const char *hhead[] = {tr(d, S_RANK), tr(d, S_CELL), tr(d, S_AREA), tr(d, S_COUNT), ""};
        table_row(d, hcols, 5, hhead, 1, 0);
        for (size_t i = 0; i < s->n_cells && i < 30; i++) {
            const struct sitdoc_cell *x = &s->cells[i];
            char v[2][32];
            snprintf(v[0], sizeof v[0], "%zu", i + 1);
            num(v[1], sizeof v[1], x->count);
            const char *cells[] = {v[0], x->label ? x->label : "", x->area ? x->area : "–", v[1],
                                   x->is_new     ? tr(d, S_NEW)
                                   : x->emerging ? tr(d, S_EMERGING)
                                                 : ""};
            table_row(d, hcols, 5, cells, 0, (int)(i % 2));
        }
    }

    /* walks */
    heading(d, tr(d, S_WALKS_HELD));
    if (!s->n_walks)
        d->p.y += text(d, MARGIN, d->p.y, 0, 8.5, 0, MUTED, 0, tr(d, S_NO_WALKS)) + 4;
    else {
        static const struct col wcols[] = {{0.14, 0}, {0.42, 0}, {0.2, 0}, {0.12, 1}, {0.12, 1}};
        const char *whead[] = {tr(d, S_PERIOD), tr(d, S_WALK), tr(d, S_AREA), tr(d, S_ITEMS),
                               tr(d, S_OPEN_ITEMS)};
        table_row(d, wcols, 5, whead, 1, 0);
        for (size_t i = 0; i < s->n_walks; i++) {
            const struct sitdoc_walk *x = &s->walks[i];
            char v[2][32];
            snprintf(v[0], sizeof v[0], "%d", x->items);
            snprintf(v[1], sizeof v[1], "%d", x->open_items);
            const char *cells[] = {x->date, x->title, x->area ? x->area : "–", v[0], v[1]};
            table_row(d, wcols, 5, cells, 0, (int)(i % 2));
        }
    }

    /* indicators */
    if (s->n_indicators) {
        heading(d, tr(d, S_INDICATORS));
        static const struct col icols[] = {{0.18, 0}, {0.24, 0}, {0.08, 1},
                                           {0.1, 1},  {0.12, 1}, {0.28, 0}};
        const char *ihead[] = {tr(d, S_AREA),  tr(d, S_INDICATOR),    tr(d, S_YEAR),
                               tr(d, S_VALUE), tr(d, S_OBSERVATIONS), tr(d, S_SOURCE)};
        table_row(d, icols, 6, ihead, 1, 0);
        for (size_t i = 0; i < s->n_indicators; i++) {
            const struct sitdoc_indicator *x = &s->indicators[i];
            char v[3][32];
            snprintf(v[0], sizeof v[0], "%d", x->year);
            dec(v[1], sizeof v[1], x->value, 1, d->en);
            num(v[2], sizeof v[2], x->observations);
            const char *cells[] = {x->area, x->indicator, v[0], v[1], v[2], x->source};
            table_row(d, icols, 6, cells, 0, (int)(i % 2));
        }
    }
    footer(d);
}

int sitdoc_pdf(const struct sitdoc *s, unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    if (!s || !s->period_label || s->n_areas > SITDOC_MAX_AREAS || s->n_ranking > SITDOC_MAX_ROWS ||
        s->n_cells > SITDOC_MAX_ROWS || s->n_walks > SITDOC_MAX_ROWS ||
        s->n_indicators > SITDOC_MAX_ROWS || (s->n_areas && !s->areas) ||
        (s->n_ranking && !s->ranking) || (s->n_cells && !s->cells) || (s->n_walks && !s->walks) ||
        (s->n_indicators && !s->indicators) || (s->n_rings && !s->rings))
        return SITDOC_INVALID;
    size_t vertices = 0;
    for (size_t i = 0; i < s->n_rings; i++)
        vertices += s->rings[i].n;
    for (size_t i = 0; i < s->n_areas; i++)
        if (!s->areas[i].name)
            return SITDOC_INVALID;
    if (vertices > SITDOC_MAX_MAP_VERTICES)
        return SITDOC_INVALID;
    struct doc d;
    memset(&d, 0, sizeof d);
    d.en = s->english != 0;
    int rc = SITDOC_INTERNAL;
    if (pdfdoc_open(&d.p, PAGE_W, PAGE_H, SITDOC_PDF_MAX_BYTES, TEXT_MAX, s->period_label) !=
        PDFDOC_OK)
        goto out;
    d.p.y = MARGIN;
    char created[64] = "";
    if (s->generated_at > 0) {
        time_t t = (time_t)s->generated_at;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(created, sizeof created, "%Y-%m-%d %H:%M UTC", &tm);
    }
    snprintf(d.footer, sizeof d.footer, "%s · %s%s%s%s", texts[S_TITLE][d.en], s->period_label,
             created[0] ? " · " : "", created[0] ? texts[S_CREATED][d.en] : "",
             created[0] ? " " : "");
    if (created[0])
        snprintf(d.footer + strlen(d.footer), sizeof d.footer - strlen(d.footer), "%s", created);
    render(&d, s);
    rc = pdfdoc_finish(&d.p, out, len);
    rc = rc == PDFDOC_OK ? SITDOC_OK : rc == PDFDOC_TOO_LARGE ? SITDOC_TOO_LARGE : SITDOC_INTERNAL;
out:
    pdfdoc_close(&d.p);
    return rc;
}
