/*
 * walkdoc — see walkdoc.h. Two documents built on the shared PDF engine
 * (pdfdoc.h: a cairo PDF surface writing into a bounded buffer, one reusable
 * pango layout, a cursor that flows down the page). Fixed text lives in one table in
 * both languages. Nothing here reads files or talks to the network; fonts
 * come from fontconfig.
 */
#include "walkdoc.h"

#include "membuf.h"
#include "pdfdoc.h"
#include "qr.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <turbojpeg.h>

/* ---- layout metrics (points) ------------------------------------------ */

#define WD_MARGIN 40.0
#define WD_CONTENT_W (WALKDOC_PAGE_W - 2 * WD_MARGIN)
#define WD_TOP 40.0                         /* first line of a continuation page */
#define WD_BOTTOM (WALKDOC_PAGE_H - 50.0)   /* flowing content stops here */
#define WD_FOOTER_Y (WALKDOC_PAGE_H - 32.0) /* baseline area of the footer */
#define WD_CELL_PAD 3.0                     /* inside table cells */
#define WD_MAP_MIN_EXTENT_M 400.0           /* the map never shows less ground than this */
#define WD_MAP_MARGIN 0.12                  /* share of the extent added on each side */
#define WD_DESCRIPTION_MAX_H 190.0          /* a description cell is cut (…) beyond this */
#define WD_CELL_MAX_H 110.0                 /* any other cell */
#define WD_MAP_MAX_H 420.0                  /* the protocol's map */
#define WD_MAP_BUSY 60                      /* more numbered points than this: smaller markers */
#define WD_MAP_CROWDED 150                  /* more still: smaller again */
#define WD_THUMB_BOX_W 74.0                 /* the photo thumbnail is fitted into this box */
#define WD_THUMB_BOX_H 56.0
#define WD_NUMBER_BUF 64 /* formatted numbers, dates, page labels */
#define WD_DATE_BUF 160
#define WD_PARTNERS_MAX_BYTES                                                                      \
    (64 * 1024) /* the joined list; printed cut to WALKDOC_TEXT_MAX_BYTES */

static const struct pdf_rgb WD_INK = {0.10, 0.11, 0.13};
static const struct pdf_rgb WD_MUTED = {0.36, 0.38, 0.42};
static const struct pdf_rgb WD_ACCENT = {0.09, 0.24, 0.40};   /* headings, bands */
static const struct pdf_rgb WD_ACCENT_2 = {0.20, 0.37, 0.55}; /* second header row */
static const struct pdf_rgb WD_TINT = {0.93, 0.95, 0.97};     /* zebra and band 2 */
static const struct pdf_rgb WD_RULE = {0.77, 0.80, 0.84};
static const struct pdf_rgb WD_WHITE = {1, 1, 1};
static const struct pdf_rgb WD_ROUTE = {0.10, 0.38, 0.72};
static const struct pdf_rgb WD_POINT = {0.73, 0.15, 0.12};
static const struct pdf_rgb WD_MEETING = {0.98, 0.70, 0.10};
static const struct pdf_rgb WD_AREA_LINE = {0.29, 0.45, 0.27};
static const struct pdf_rgb WD_AREA_FILL = {0.42, 0.62, 0.36}; /* drawn at low alpha */
static const struct pdf_rgb WD_MAP_BG = {0.975, 0.972, 0.962};
static const struct pdf_rgb WD_GRID = {0.88, 0.88, 0.86};
static const struct pdf_rgb WD_EARLIER = {0.45, 0.47, 0.50};
static const struct pdf_rgb WD_GOOD = {0.16, 0.50, 0.25};
static const struct pdf_rgb WD_BAD = {0.75, 0.30, 0.08};

/* ---- fixed text, Swedish and English -------------------------------------- */

enum wd_str {
    S_SAFETY_WALK,
    S_PROTOCOL,
    S_WHEN,
    S_MEETING_POINT,
    S_AREA,
    S_SCAN,
    S_OR_GO,
    S_WELCOME,
    S_MAP_CAPTION,
    S_LEG_ROUTE,
    S_LEG_ITEM,
    S_LEG_EARLIER,
    S_FACT_DATE,
    S_FACT_PARTICIPANTS,
    S_FACT_PARTNERS,
    S_FACT_ORGANISER,
    S_FACT_COUNT,
    S_FACT_FOLLOWUP,
    S_FACT_MEETING,
    S_SEC_MAP,
    S_SEC_AUDIT,
    S_AUDIT_NOTE,
    S_AUDIT_TICK,
    S_AUDIT_PARAM,
    S_AUDIT_MEAN,
    S_AUDIT_COUNT,
    S_AUDIT_BEFORE,
    S_AUDIT_CHANGE,
    S_SEC_ITEMS,
    S_COL_NO,
    S_COL_CATEGORY,
    S_COL_DESCRIPTION,
    S_COL_UNSAFE,
    S_COL_PHOTO,
    S_COL_ACTION,
    S_COL_RESPONSIBLE,
    S_COL_PRIORITY,
    S_COL_DEADLINE,
    S_COL_STATE,
    S_COL_ANSWER,
    S_COL_OUTCOME,
    S_GROUP,
    S_NO_GROUP,
    S_SEC_EARLIER,
    S_OUT_UNKNOWN,
    S_OUT_FIXED,
    S_OUT_STILL,
    S_OUT_WONT,
    S_PAGE,
    S_CREATED,
    S_NO_ITEMS,
    S_LIGHT_DAY,
    S_LIGHT_TWILIGHT,
    S_LIGHT_DARK,
    S_PRIO_1,
    S_PRIO_2,
    S_PRIO_3,
    S_OF,
    S_TIME_PREFIX,
    S_COUNT
};

static const char *const wd_text[S_COUNT][2] = {
    [S_SAFETY_WALK] = {"TRYGGHETSVANDRING", "SAFETY WALK"},
    [S_PROTOCOL] = {"PROTOKOLL FRÅN TRYGGHETSVANDRING", "SAFETY WALK PROTOCOL"},
    [S_WHEN] = {"När", "When"},
    [S_MEETING_POINT] = {"Samlingsplats", "Meeting point"},
    [S_AREA] = {"Område", "Area"},
    [S_SCAN] = {"Skanna koden med mobilens kamera för att vara med och rapportera under "
                "vandringen.",
                "Scan the code with your phone's camera to join and report during the walk."},
    [S_OR_GO] = {"Eller gå till adressen och skriv in koden:",
                 "Or go to the address and enter the code:"},
    [S_WELCOME] = {"Alla är välkomna. Ingen inloggning behövs – mobilen räcker.",
                   "Everyone is welcome. No account needed – your phone is enough."},
    [S_MAP_CAPTION] = {"Karta i SWEREF 99 TM, norr uppåt", "Map in SWEREF 99 TM, north up"},
    [S_LEG_ROUTE] = {"Rutt", "Route"},
    [S_LEG_ITEM] = {"Iakttagelse", "Observation"},
    [S_LEG_EARLIER] = {"Förra vandringen", "Earlier walk"},
    [S_FACT_DATE] = {"Datum och tid", "Date and time"},
    [S_FACT_PARTICIPANTS] = {"Deltagare", "Participants"},
    [S_FACT_PARTNERS] = {"Medverkande", "Partners"},
    [S_FACT_ORGANISER] = {"Arrangör", "Organiser"},
    [S_FACT_COUNT] = {"Iakttagelser", "Observations"},
    [S_FACT_FOLLOWUP] = {"Uppföljning av", "Follow-up of"},
    [S_FACT_MEETING] = {"Uppföljningsmöte", "Follow-up meeting"},
    [S_SEC_MAP] = {"Karta", "Map"},
    [S_SEC_AUDIT] = {"Trygghetsbedömning vid stoppen", "Safety audit at the stops"},
    [S_AUDIT_NOTE] = {"Medelvärde per parameter på skalan 0–3, där 0 är sämst och 3 är bäst.",
                      "Mean per parameter on the scale 0–3, where 0 is worst and 3 is best."},
    [S_AUDIT_TICK] = {"Det svarta strecket visar förra vandringens medelvärde.",
                      "The black tick shows the earlier walk's mean."},
    [S_AUDIT_PARAM] = {"Parameter", "Parameter"},
    [S_AUDIT_MEAN] = {"Medel", "Mean"},
    [S_AUDIT_COUNT] = {"Antal", "Count"},
    [S_AUDIT_BEFORE] = {"Förra", "Before"},
    [S_AUDIT_CHANGE] = {"Förändring", "Change"},
    [S_SEC_ITEMS] = {"Iakttagelser och åtgärder", "Observations and actions"},
    [S_COL_NO] = {"Nr", "No."},
    [S_COL_CATEGORY] = {"Kategori och plats", "Category and place"},
    [S_COL_DESCRIPTION] = {"Beskrivning", "Description"},
    [S_COL_UNSAFE] = {"Otrygghet, ljus", "Unsafe, light"},
    [S_COL_PHOTO] = {"Foto", "Photo"},
    [S_COL_ACTION] = {"Åtgärd", "Action"},
    [S_COL_RESPONSIBLE] = {"Ansvarig", "Responsible"},
    [S_COL_PRIORITY] = {"Prio", "Priority"},
    [S_COL_DEADLINE] = {"Senast", "Deadline"},
    [S_COL_STATE] = {"Status", "State"},
    [S_COL_ANSWER] = {"Svar", "Answer"},
    [S_COL_OUTCOME] = {"Utfall", "Outcome"},
    [S_GROUP] = {"Grupp", "Group"},
    [S_NO_GROUP] = {"Utan grupp", "No group"},
    [S_SEC_EARLIER] = {"Punkter från förra vandringen", "Points from the earlier walk"},
    [S_OUT_UNKNOWN] = {"Ej bedömt", "Not assessed"},
    [S_OUT_FIXED] = {"Åtgärdat", "Fixed"},
    [S_OUT_STILL] = {"Finns kvar", "Still there"},
    [S_OUT_WONT] = {"Blir inte av", "Won't be done"},
    [S_PAGE] = {"Sida", "Page"},
    [S_CREATED] = {"Skapad", "Created"},
    [S_NO_ITEMS] = {"Inga iakttagelser registrerades.", "No observations were recorded."},
    [S_LIGHT_DAY] = {"dagsljus", "daylight"},
    [S_LIGHT_TWILIGHT] = {"skymning", "twilight"},
    [S_LIGHT_DARK] = {"mörker", "dark"},
    [S_PRIO_1] = {"1 Hög", "1 High"},
    [S_PRIO_2] = {"2 Medel", "2 Medium"},
    [S_PRIO_3] = {"3 Låg", "3 Low"},
    [S_OF] = {"av", "of"},
    [S_TIME_PREFIX] = {"kl. ", ""},
};

static const char *const wd_audit_code[WALKDOC_AUDIT_PARAMS] = {
    "lighting",  "openness",         "visibility",   "people",  "security",
    "walk_path", "public_transport", "gender_usage", "feeling",
};

static const char *const wd_audit_name[WALKDOC_AUDIT_PARAMS][2] = {
    {"Belysning", "Lighting"},
    {"Överblick", "Openness"},
    {"Synlighet", "Visibility"},
    {"Människor i rörelse", "People"},
    {"Tillgång till hjälp", "Security"},
    {"Gångväg", "Walk path"},
    {"Kollektivtrafik", "Public transport"},
    {"Könsfördelning", "Gender usage"},
    {"Känsla", "Feeling"},
};

static const char *const wd_weekday[7][2] = {
    {"söndag", "Sunday"},    {"måndag", "Monday"}, {"tisdag", "Tuesday"},  {"onsdag", "Wednesday"},
    {"torsdag", "Thursday"}, {"fredag", "Friday"}, {"lördag", "Saturday"},
};

static const char *const wd_month[12][2] = {
    {"januari", "January"}, {"februari", "February"}, {"mars", "March"},
    {"april", "April"},     {"maj", "May"},           {"juni", "June"},
    {"juli", "July"},       {"augusti", "August"},    {"september", "September"},
    {"oktober", "October"}, {"november", "November"}, {"december", "December"},
};

/* ---- the rendering engine ------------------------------------------------ */

struct doc {
    enum walkdoc_lang lang;
    struct pdfdoc p; /* the page, its flow cursor p.y and its page number p.page */
    tjhandle tj;
    char footer_left[512]; /* title and date, on every page */
    char footer_created[WD_DATE_BUF];
};

static const char *tr(const struct doc *d, enum wd_str s)
{
    return wd_text[s][d->lang];
}

/* Sets up the page and the JPEG decoder. WALKDOC_OK or WALKDOC_INTERNAL. */
static int doc_open(struct doc *d, enum walkdoc_lang lang, const char *title)
{
    memset(d, 0, sizeof *d);
    d->lang = lang;
    if (pdfdoc_open(&d->p, WALKDOC_PAGE_W, WALKDOC_PAGE_H, WALKDOC_PDF_MAX_BYTES,
                    WALKDOC_TEXT_MAX_BYTES, title) != PDFDOC_OK)
        return WALKDOC_INTERNAL;
    d->tj = tjInitDecompress();
    if (!d->tj)
        return WALKDOC_INTERNAL;
    d->p.y = WD_TOP;
    return WALKDOC_OK;
}

static double doc_text(struct doc *d, const struct pdf_style *st, double x, double y, double w,
                       double max_h, const char *text, int draw)
{
    return pdfdoc_text(&d->p, st, x, y, w, max_h, text, draw, NULL);
}

/* The page's footer: title and date on the left, page number on the right. */
static void doc_footer(struct doc *d)
{
    char right[WD_DATE_BUF + WD_NUMBER_BUF];
    struct pdf_style st = pdf_style(7, 0, WD_MUTED);
    pdfdoc_hline(&d->p, WD_MARGIN, WALKDOC_PAGE_W - WD_MARGIN, WD_FOOTER_Y - 4, 0.5, WD_RULE);
    doc_text(d, &st, WD_MARGIN, WD_FOOTER_Y, WD_CONTENT_W * 0.7, 10, d->footer_left, 1);
    if (d->footer_created[0])
        snprintf(right, sizeof right, "%s %s · %s %d", tr(d, S_CREATED), d->footer_created,
                 tr(d, S_PAGE), d->p.page);
    else
        snprintf(right, sizeof right, "%s %d", tr(d, S_PAGE), d->p.page);
    st.align = PANGO_ALIGN_RIGHT;
    doc_text(d, &st, WD_MARGIN, WD_FOOTER_Y, WD_CONTENT_W, 10, right, 1);
}

/* Ends the page (with its footer) and starts the next one at the top. */
static void doc_next_page(struct doc *d)
{
    doc_footer(d);
    cairo_show_page(d->p.cr);
    d->p.page++;
    d->p.y = WD_TOP;
}

static int doc_finish(struct doc *d, unsigned char **out, size_t *len)
{
    int rc = pdfdoc_finish(&d->p, out, len);
    return rc == PDFDOC_OK          ? WALKDOC_OK
           : rc == PDFDOC_TOO_LARGE ? WALKDOC_TOO_LARGE
                                    : WALKDOC_INTERNAL;
}

static void doc_close(struct doc *d)
{
    pdfdoc_close(&d->p);
    if (d->tj)
        tjDestroy(d->tj);
    d->tj = NULL;
}

/* Adds a PDF bookmark to the current page at the cursor. Returns its id for children. */
static int doc_outline(struct doc *d, int parent, const char *name)
{
    return pdfdoc_outline(&d->p, parent, name, WD_MARGIN, d->p.y > 12 ? d->p.y - 12 : 0);
}

/* ---- dates, times and numbers -------------------------------------------- */

/* Unix time of the last Sunday of month (0-based; March or October) of year, 01:00 UTC. */
static time_t wd_last_sunday_0100(int year, int month)
{
    struct tm tm = {0};
    tm.tm_year = year - 1900;
    tm.tm_mon = month;
    tm.tm_mday = 31; /* both months have 31 days */
    tm.tm_hour = 1;
    time_t t = timegm(&tm);
    struct tm check;
    gmtime_r(&t, &check);
    return t - (time_t)check.tm_wday * 86400;
}

/*
 * Swedish local time (CET, CEST from the last Sunday of March to the last
 * Sunday of October at 01:00 UTC, the EU rule in force since 1996) of t.
 * Done here rather than with TZ and localtime_r, which would make the
 * rendering depend on the process's environment and is not thread-safe to change.
 */
static void wd_local_time(int64_t t, struct tm *out)
{
    time_t tt = (time_t)t;
    struct tm utc;
    gmtime_r(&tt, &utc);
    int year = utc.tm_year + 1900;
    time_t start = wd_last_sunday_0100(year, 2), end = wd_last_sunday_0100(year, 9);
    time_t local = tt + ((tt >= start && tt < end) ? 7200 : 3600);
    gmtime_r(&local, out);
}

/* "Torsdag 26 november 2026" / "Thursday 26 November 2026" (first letter capitalised). */
static void wd_format_date(const struct doc *d, const struct tm *tm, char *buf, size_t cap)
{
    const char *wd = wd_weekday[tm->tm_wday][d->lang];
    snprintf(buf, cap, "%c%s %d %s %d", wd[0] - ('a' <= wd[0] && wd[0] <= 'z' ? 32 : 0), wd + 1,
             tm->tm_mday, wd_month[tm->tm_mon][d->lang], tm->tm_year + 1900);
}

/* "18.00" (sv) or "18:00" (en). */
static void wd_format_clock(const struct doc *d, const struct tm *tm, char *buf, size_t cap)
{
    snprintf(buf, cap, "%02d%s%02d", tm->tm_hour, d->lang == WALKDOC_SV ? "." : ":", tm->tm_min);
}

/*
 * The date line and the time line of a walk: "Torsdag 26 november 2026" and
 * "kl. 18.00–19.30"; an end on another day is written out with its date.
 */
static void wd_format_when(const struct doc *d, int64_t start, int64_t end, char *date,
                           size_t date_cap, char *time_line, size_t time_cap)
{
    struct tm a, b;
    char c1[WD_NUMBER_BUF], c2[WD_NUMBER_BUF], d2[WD_DATE_BUF];
    wd_local_time(start, &a);
    wd_format_date(d, &a, date, date_cap);
    wd_format_clock(d, &a, c1, sizeof c1);
    if (end <= start) {
        snprintf(time_line, time_cap, "%s%s", tr(d, S_TIME_PREFIX), c1);
        return;
    }
    wd_local_time(end, &b);
    wd_format_clock(d, &b, c2, sizeof c2);
    if (a.tm_year == b.tm_year && a.tm_yday == b.tm_yday) {
        snprintf(time_line, time_cap, "%s%s–%s", tr(d, S_TIME_PREFIX), c1, c2);
    } else {
        wd_format_date(d, &b, d2, sizeof d2);
        snprintf(time_line, time_cap, "%s%s – %s %s%s", tr(d, S_TIME_PREFIX), c1, d2,
                 tr(d, S_TIME_PREFIX), c2);
    }
}

/* "YYYY-MM-DD" of t in Swedish local time (ISO dates read the same in both languages). */
static void wd_format_iso_date(int64_t t, char *buf, size_t cap)
{
    struct tm tm;
    wd_local_time(t, &tm);
    snprintf(buf, cap, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* One decimal, with a decimal comma in Swedish; sign shown when signed is set (true minus). */
static void wd_format_decimal(const struct doc *d, double v, int sign, char *buf, size_t cap)
{
    char tmp[WD_NUMBER_BUF / 2];
    double r = round(v * 10) / 10;
    if (r == 0)
        r = 0; /* no "-0,0" */
    snprintf(tmp, sizeof tmp, "%.1f", fabs(r));
    if (d->lang == WALKDOC_SV) {
        char *dot = strchr(tmp, '.');
        if (dot)
            *dot = ',';
    }
    snprintf(buf, cap, "%s%s", sign ? (r > 0 ? "+" : (r < 0 ? "−" : "±")) : (r < 0 ? "−" : ""),
             tmp);
}

/* ---- the map ------------------------------------------------------------- */

struct bbox {
    double min_e, min_n, max_e, max_n;
    int any;
};

static int xy_ok(struct walkdoc_xy p)
{
    return isfinite(p.e) && isfinite(p.n);
}

static void bbox_add(struct bbox *b, struct walkdoc_xy p)
{
    if (!xy_ok(p))
        return;
    if (!b->any) {
        b->min_e = b->max_e = p.e;
        b->min_n = b->max_n = p.n;
        b->any = 1;
        return;
    }
    b->min_e = fmin(b->min_e, p.e);
    b->max_e = fmax(b->max_e, p.e);
    b->min_n = fmin(b->min_n, p.n);
    b->max_n = fmax(b->max_n, p.n);
}

/* What the map shows: the walk's geometry and the two kinds of numbered points. */
struct mapdata {
    const struct walkdoc_map *m;
    const struct walkdoc_item *items;
    size_t n_items;
    const struct walkdoc_earlier_item *earlier;
    size_t n_earlier;
};

/* The affine fit of ground metres to a page box: north up, one scale for both axes. */
struct mapfit {
    double x, y, w, h; /* the box on the page */
    double s;          /* points per metre */
    double e0, n0;     /* ground at the box's lower-left corner */
};

static double fit_x(const struct mapfit *f, double e)
{
    return f->x + (e - f->e0) * f->s;
}

static double fit_y(const struct mapfit *f, double n)
{
    return f->y + f->h - (n - f->n0) * f->s;
}

static int mapdata_has_content(const struct mapdata *md)
{
    struct bbox b = {0};
    for (size_t i = 0; i < md->m->n_route; i++)
        bbox_add(&b, md->m->route[i]);
    for (size_t r = 0; r < md->m->n_areas; r++)
        for (size_t i = 0; i < md->m->areas[r].n; i++)
            bbox_add(&b, md->m->areas[r].pts[i]);
    if (md->m->has_meeting)
        bbox_add(&b, md->m->meeting);
    for (size_t i = 0; i < md->n_items; i++)
        if (md->items[i].has_at)
            bbox_add(&b, md->items[i].at);
    for (size_t i = 0; i < md->n_earlier; i++)
        if (md->earlier[i].has_at)
            bbox_add(&b, md->earlier[i].at);
    return b.any;
}

/* Fits the walk's geometry into the box; -1 when there is nothing to draw. */
static int map_fit(const struct mapdata *md, double x, double y, double w, double h,
                   struct mapfit *f)
{
    struct bbox b = {0};
    for (size_t i = 0; i < md->m->n_route; i++)
        bbox_add(&b, md->m->route[i]);
    if (md->m->has_meeting)
        bbox_add(&b, md->m->meeting);
    for (size_t i = 0; i < md->n_items; i++)
        if (md->items[i].has_at)
            bbox_add(&b, md->items[i].at);
    for (size_t i = 0; i < md->n_earlier; i++)
        if (md->earlier[i].has_at)
            bbox_add(&b, md->earlier[i].at);
    if (!b.any) /* only an area: show all of it */
        for (size_t r = 0; r < md->m->n_areas; r++)
            for (size_t i = 0; i < md->m->areas[r].n; i++)
                bbox_add(&b, md->m->areas[r].pts[i]);
    if (!b.any)
        return -1;
    double ce = (b.min_e + b.max_e) / 2, cn = (b.min_n + b.max_n) / 2;
    double dx = fmax(b.max_e - b.min_e, WD_MAP_MIN_EXTENT_M) * (1 + 2 * WD_MAP_MARGIN);
    double dy = fmax(b.max_n - b.min_n, WD_MAP_MIN_EXTENT_M) * (1 + 2 * WD_MAP_MARGIN);
    f->x = x;
    f->y = y;
    f->w = w;
    f->h = h;
    f->s = fmin(w / dx, h / dy);
    f->e0 = ce - w / f->s / 2;
    f->n0 = cn - h / f->s / 2;
    return 0;
}

/* The largest 1, 2 or 5 times a power of ten that is at most max_m metres. */
static double nice_length(double max_m)
{
    double p = pow(10, floor(log10(max_m)));
    if (5 * p <= max_m)
        return 5 * p;
    if (2 * p <= max_m)
        return 2 * p;
    return p;
}

static void map_grid(struct doc *d, const struct mapfit *f, double step)
{
    cairo_t *cr = d->p.cr;
    pdfdoc_set_rgb(cr, WD_GRID);
    cairo_set_line_width(cr, 0.4);
    for (double e = ceil(f->e0 / step) * step; fit_x(f, e) < f->x + f->w; e += step) {
        cairo_move_to(cr, fit_x(f, e), f->y);
        cairo_line_to(cr, fit_x(f, e), f->y + f->h);
    }
    for (double n = ceil(f->n0 / step) * step; fit_y(f, n) > f->y; n += step) {
        cairo_move_to(cr, f->x, fit_y(f, n));
        cairo_line_to(cr, f->x + f->w, fit_y(f, n));
    }
    cairo_stroke(cr);
}

/* Adds a polyline of finite points to the current path; a non-finite point breaks it. */
static void map_path(cairo_t *cr, const struct mapfit *f, const struct walkdoc_xy *pts, size_t n,
                     int close)
{
    int pen = 0;
    for (size_t i = 0; i < n; i++) {
        if (!xy_ok(pts[i])) {
            pen = 0;
            continue;
        }
        if (pen)
            cairo_line_to(cr, fit_x(f, pts[i].e), fit_y(f, pts[i].n));
        else
            cairo_move_to(cr, fit_x(f, pts[i].e), fit_y(f, pts[i].n));
        pen = 1;
    }
    if (close && pen)
        cairo_close_path(cr);
}

/*
 * A numbered disc (an observation) or a numbered hollow square (an earlier
 * walk's point), scaled by k (1 = normal; smaller when the map is crowded).
 */
static void map_marker(struct doc *d, double cx, double cy, int number, int earlier, double k)
{
    char num[WD_NUMBER_BUF];
    snprintf(num, sizeof num, "%d", number);
    double r = (number >= 100 ? 7.5 : 6.2) * k;
    cairo_t *cr = d->p.cr;
    cairo_new_path(cr); /* text leaves a current point; an arc would draw a line from it */
    if (earlier) {
        cairo_rectangle(cr, cx - r, cy - r, 2 * r, 2 * r);
        pdfdoc_set_rgb(cr, WD_WHITE);
        cairo_fill_preserve(cr);
        pdfdoc_set_rgb(cr, WD_EARLIER);
        cairo_set_line_width(cr, 1.2);
        cairo_stroke(cr);
    } else {
        cairo_arc(cr, cx, cy, r, 0, 2 * M_PI);
        pdfdoc_set_rgb(cr, WD_POINT);
        cairo_fill_preserve(cr);
        pdfdoc_set_rgb(cr, WD_WHITE);
        cairo_set_line_width(cr, 1);
        cairo_stroke(cr);
    }
    struct pdf_style st =
        pdf_style((number >= 100 ? 5.6 : 6.2) * k, 1, earlier ? WD_EARLIER : WD_WHITE);
    st.align = PANGO_ALIGN_CENTER;
    double h = doc_text(d, &st, 0, 0, 3 * r, 0, num, 0);
    doc_text(d, &st, cx - 1.5 * r, cy - h / 2, 3 * r, 0, num, 1);
}

static void map_meeting_marker(struct doc *d, double cx, double cy)
{
    cairo_t *cr = d->p.cr;
    cairo_new_path(cr);
    cairo_arc(cr, cx, cy, 7.5, 0, 2 * M_PI);
    pdfdoc_set_rgb(cr, WD_MEETING);
    cairo_fill_preserve(cr);
    pdfdoc_set_rgb(cr, WD_INK);
    cairo_set_line_width(cr, 1.5);
    cairo_stroke(cr);
    cairo_arc(cr, cx, cy, 2.5, 0, 2 * M_PI);
    pdfdoc_set_rgb(cr, WD_INK);
    cairo_fill(cr);
}

/* Scale bar (bottom left) and north arrow (top right), over the map. */
static void map_furniture(struct doc *d, const struct mapfit *f, double len_m)
{
    cairo_t *cr = d->p.cr;
    char label[WD_NUMBER_BUF];
    double bar = len_m * f->s, x = f->x + 10, y = f->y + f->h - 14;
    if (len_m >= 1000)
        snprintf(label, sizeof label, "%g km", len_m / 1000);
    else
        snprintf(label, sizeof label, "%g m", len_m);
    struct pdf_style st = pdf_style(7, 0, WD_INK);
    double tw = 0;
    pdfdoc_text(&d->p, &st, 0, 0, 0, 0, label, 0, &tw);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_rectangle(cr, x - 5, y - 6, bar + tw + 16, 16);
    cairo_fill(cr);
    pdfdoc_set_rgb(cr, WD_INK);
    cairo_rectangle(cr, x, y, bar / 2, 4);
    cairo_fill(cr);
    cairo_set_line_width(cr, 0.8);
    cairo_rectangle(cr, x, y, bar, 4);
    cairo_stroke(cr);
    doc_text(d, &st, x + bar + 4, y - 3.5, 0, 0, label, 1);

    double nx = f->x + f->w - 16, ny = f->y + 8;
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_rectangle(cr, nx - 8, ny - 3, 16, 28);
    cairo_fill(cr);
    pdfdoc_set_rgb(cr, WD_INK);
    cairo_move_to(cr, nx, ny);
    cairo_line_to(cr, nx + 5, ny + 11);
    cairo_line_to(cr, nx, ny + 8.5);
    cairo_line_to(cr, nx - 5, ny + 11);
    cairo_close_path(cr);
    cairo_fill(cr);
    struct pdf_style ns = pdf_style(7.5, 1, WD_INK);
    ns.align = PANGO_ALIGN_CENTER;
    doc_text(d, &ns, nx - 8, ny + 12, 16, 0, "N", 1);
}

/* Draws the map into the box. Returns 0, or -1 (nothing drawn) when there is no geometry. */
static int map_draw(struct doc *d, const struct mapdata *md, double x, double y, double w, double h)
{
    struct mapfit f;
    cairo_t *cr = d->p.cr;
    if (map_fit(md, x, y, w, h, &f) != 0)
        return -1;
    double len_m = nice_length(w * 0.28 / f.s);
    /* Smaller markers when there are many, so that the route stays visible. */
    size_t points = md->n_items + md->n_earlier;
    double k = points > WD_MAP_CROWDED ? 0.72 : (points > WD_MAP_BUSY ? 0.85 : 1);
    cairo_save(cr);
    cairo_rectangle(cr, x, y, w, h);
    cairo_clip(cr);
    pdfdoc_fill_rect(&d->p, x, y, w, h, WD_MAP_BG);
    map_grid(d, &f, len_m);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    if (md->m->n_areas) {
        for (size_t r = 0; r < md->m->n_areas; r++)
            map_path(cr, &f, md->m->areas[r].pts, md->m->areas[r].n, 1);
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
        cairo_set_source_rgba(cr, WD_AREA_FILL.r, WD_AREA_FILL.g, WD_AREA_FILL.b, 0.13);
        cairo_fill_preserve(cr);
        pdfdoc_set_rgb(cr, WD_AREA_LINE);
        cairo_set_line_width(cr, 1.2);
        static const double dash[] = {5, 3};
        cairo_set_dash(cr, dash, 2, 0);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }
    if (md->m->n_route > 1) {
        map_path(cr, &f, md->m->route, md->m->n_route, 0);
        pdfdoc_set_rgb(cr, WD_WHITE);
        cairo_set_line_width(cr, 5.5);
        cairo_stroke_preserve(cr);
        pdfdoc_set_rgb(cr, WD_ROUTE);
        cairo_set_line_width(cr, 3);
        cairo_stroke(cr);
    }
    for (size_t i = 0; i < md->n_earlier; i++)
        if (md->earlier[i].has_at && xy_ok(md->earlier[i].at))
            map_marker(d, fit_x(&f, md->earlier[i].at.e), fit_y(&f, md->earlier[i].at.n),
                       md->earlier[i].number, 1, k);
    if (md->m->has_meeting && xy_ok(md->m->meeting))
        map_meeting_marker(d, fit_x(&f, md->m->meeting.e), fit_y(&f, md->m->meeting.n));
    /* Backwards, so that low numbers end up on top where markers overlap. */
    for (size_t i = md->n_items; i-- > 0;)
        if (md->items[i].has_at && xy_ok(md->items[i].at))
            map_marker(d, fit_x(&f, md->items[i].at.e), fit_y(&f, md->items[i].at.n),
                       md->items[i].number, 0, k);
    map_furniture(d, &f, len_m);
    cairo_restore(cr);
    pdfdoc_set_rgb(cr, WD_RULE);
    cairo_set_line_width(cr, 0.8);
    cairo_rectangle(cr, x, y, w, h);
    cairo_stroke(cr);
    return 0;
}

/* One legend entry: a symbol then its label; returns the x after it. */
static double legend_entry(struct doc *d, double x, double y, int kind, const char *label)
{
    cairo_t *cr = d->p.cr;
    double cy = y + 5;
    cairo_new_path(cr);
    switch (kind) {
    case 0: /* route */
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        pdfdoc_set_rgb(cr, WD_ROUTE);
        cairo_set_line_width(cr, 3);
        cairo_move_to(cr, x + 1, cy);
        cairo_line_to(cr, x + 17, cy);
        cairo_stroke(cr);
        break;
    case 1: /* area */
        cairo_rectangle(cr, x + 1, cy - 4, 16, 8);
        cairo_set_source_rgba(cr, WD_AREA_FILL.r, WD_AREA_FILL.g, WD_AREA_FILL.b, 0.13);
        cairo_fill_preserve(cr);
        pdfdoc_set_rgb(cr, WD_AREA_LINE);
        cairo_set_line_width(cr, 1);
        cairo_stroke(cr);
        break;
    case 2: /* meeting point */
        map_meeting_marker(d, x + 9, cy);
        break;
    case 3: /* observation */
        map_marker(d, x + 9, cy, 1, 0, 1);
        break;
    default: /* earlier walk */
        map_marker(d, x + 9, cy, 1, 1, 1);
        break;
    }
    struct pdf_style st = pdf_style(7.5, 0, WD_INK);
    double tw = 0;
    pdfdoc_text(&d->p, &st, x + 22, y, 0, 0, label, 1, &tw);
    return x + 22 + tw + 14;
}

/* The legend line under a map, for what it actually shows, and the caption. Returns its height. */
static double map_legend(struct doc *d, const struct mapdata *md, double x, double y, double w)
{
    double cx = x;
    int any_items = 0, any_earlier = 0;
    for (size_t i = 0; i < md->n_items && !any_items; i++)
        any_items = md->items[i].has_at;
    for (size_t i = 0; i < md->n_earlier && !any_earlier; i++)
        any_earlier = md->earlier[i].has_at;
    if (md->m->n_route > 1)
        cx = legend_entry(d, cx, y, 0, tr(d, S_LEG_ROUTE));
    if (md->m->n_areas)
        cx = legend_entry(d, cx, y, 1, tr(d, S_AREA));
    if (md->m->has_meeting)
        cx = legend_entry(d, cx, y, 2, tr(d, S_MEETING_POINT));
    if (any_items)
        cx = legend_entry(d, cx, y, 3, tr(d, S_LEG_ITEM));
    if (any_earlier)
        legend_entry(d, cx, y, 4, tr(d, S_LEG_EARLIER));
    struct pdf_style st = pdf_style(6.5, 0, WD_MUTED);
    st.align = PANGO_ALIGN_RIGHT;
    doc_text(d, &st, x, y + 1, w, 0, tr(d, S_MAP_CAPTION), 1);
    return 14;
}

/* ---- thumbnails ------------------------------------------------------------ */

/* Header facts of a thumbnail that can be shown; 0, or -1 when it is to be left out. */
static int thumb_probe(struct doc *d, const unsigned char *jpg, size_t len, int *w, int *h,
                       int *colorspace)
{
    int sub;
    if (!jpg || len == 0 || len > WALKDOC_THUMB_MAX_BYTES)
        return -1;
    if (tjDecompressHeader3(d->tj, jpg, (unsigned long)len, w, h, &sub, colorspace) != 0)
        return -1;
    if (*w <= 0 || *h <= 0 || *w > WALKDOC_THUMB_MAX_SIDE || *h > WALKDOC_THUMB_MAX_SIDE)
        return -1;
    return 0;
}

/* The size a w x h thumbnail is drawn at inside the thumbnail box. */
static void thumb_fit(int w, int h, double *dw, double *dh)
{
    double s = fmin(WD_THUMB_BOX_W / w, WD_THUMB_BOX_H / h);
    *dw = w * s;
    *dh = h * s;
}

/*
 * Decodes the JPEG into a cairo image surface (NULL when it cannot be
 * decoded). When it is plain YCbCr or greyscale, the JPEG bytes themselves
 * are attached as MIME data, so the PDF embeds the original JPEG instead of
 * recompressed pixels: smaller and faster. The bytes are the caller's and
 * outlive the surface, which dies with the page.
 */
static cairo_surface_t *thumb_surface(struct doc *d, const unsigned char *jpg, size_t len, int w,
                                      int h, int colorspace)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return NULL;
    }
    cairo_surface_flush(s);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    int pf = TJPF_BGRX; /* cairo's RGB24 is a native-endian 0xXXRRGGBB word */
#else
    int pf = TJPF_XRGB;
#endif
    if (tjDecompress2(d->tj, jpg, (unsigned long)len, cairo_image_surface_get_data(s), w,
                      cairo_image_surface_get_stride(s), h, pf,
                      TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS) != 0) {
        cairo_surface_destroy(s);
        return NULL;
    }
    cairo_surface_mark_dirty(s);
    if (colorspace == TJCS_YCbCr || colorspace == TJCS_GRAY || colorspace == TJCS_RGB)
        cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_JPEG, jpg, len, NULL, NULL);
    return s;
}

static void thumb_draw(struct doc *d, const struct walkdoc_item *it, double x, double y)
{
    int w, h, cs;
    double dw, dh;
    if (thumb_probe(d, it->thumb_jpeg, it->thumb_len, &w, &h, &cs) != 0)
        return;
    cairo_surface_t *s = thumb_surface(d, it->thumb_jpeg, it->thumb_len, w, h, cs);
    if (!s)
        return;
    thumb_fit(w, h, &dw, &dh);
    cairo_save(d->p.cr);
    cairo_translate(d->p.cr, x, y);
    cairo_scale(d->p.cr, dw / w, dh / h);
    cairo_set_source_surface(d->p.cr, s, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(d->p.cr), CAIRO_FILTER_GOOD);
    cairo_rectangle(d->p.cr, 0, 0, w, h);
    cairo_fill(d->p.cr);
    cairo_restore(d->p.cr);
    pdfdoc_set_rgb(d->p.cr, WD_RULE);
    cairo_set_line_width(d->p.cr, 0.5);
    cairo_rectangle(d->p.cr, x, y, dw, dh);
    cairo_stroke(d->p.cr);
    cairo_surface_destroy(s);
}

/* ---- checks ---------------------------------------------------------------- */

static int nonempty(const char *s)
{
    return s && *s;
}

static int map_ok(const struct walkdoc_map *m)
{
    size_t vertices = m->n_route;
    if ((m->n_areas && !m->areas) || (m->n_route && !m->route))
        return 0;
    for (size_t r = 0; r < m->n_areas; r++) {
        if (m->areas[r].n && !m->areas[r].pts)
            return 0;
        vertices += m->areas[r].n;
        if (vertices > WALKDOC_MAX_MAP_VERTICES)
            return 0;
    }
    return vertices <= WALKDOC_MAX_MAP_VERTICES;
}

/* ---- the poster ------------------------------------------------------------ */

/* A label/value row of the poster's facts; returns its height. */
static double poster_fact(struct doc *d, double y, const char *label, const char *value,
                          double size)
{
    struct pdf_style ls = pdf_style(10, 1, WD_MUTED), vs = pdf_style(size, 0, WD_INK);
    doc_text(d, &ls, WD_MARGIN + 2, y + (size - 10) * 0.6, 96, 0, label, 1);
    double h = doc_text(d, &vs, WD_MARGIN + 104, y, WD_CONTENT_W - 104, size * 4, value, 1);
    return h;
}

/* Writes s into buf as a cairo tag attribute string value ('...' with \ and ' escaped). */
static void wd_tag_uri(const char *s, char *buf, size_t cap)
{
    size_t o = 0;
    const char *prefix = "uri='";
    for (const char *p = prefix; *p && o + 1 < cap; p++)
        buf[o++] = *p;
    for (const char *p = s; *p && o + 4 < cap; p++) {
        if (*p == '\'' || *p == '\\')
            buf[o++] = '\\';
        buf[o++] = *p;
    }
    if (o + 1 < cap)
        buf[o++] = '\'';
    buf[o < cap ? o : cap - 1] = '\0';
}

static int poster_render(struct doc *d, const struct walkdoc_poster *p)
{
    char date[WD_DATE_BUF], time_line[WD_DATE_BUF * 2], when[WD_DATE_BUF * 4];
    struct pdf_style st;
    cairo_t *cr = d->p.cr;

    /* Band: what this is, and who invites. */
    pdfdoc_fill_rect(&d->p, 0, 0, WALKDOC_PAGE_W, 84, WD_ACCENT);
    st = pdf_style(15, 1, WD_WHITE);
    doc_text(d, &st, WD_MARGIN, 24, WD_CONTENT_W, 0, tr(d, S_SAFETY_WALK), 1);
    if (nonempty(p->organisation)) {
        st = pdf_style(11, 0, (struct pdf_rgb){0.85, 0.90, 0.96});
        doc_text(d, &st, WD_MARGIN, 48, WD_CONTENT_W, 16, p->organisation, 1);
    }

    double y = 112;
    st = pdf_style(30, 1, WD_INK);
    y += doc_text(d, &st, WD_MARGIN, y, WD_CONTENT_W, 3 * 37, p->title, 1) + 18;

    wd_format_when(d, p->starts_at, p->ends_at, date, sizeof date, time_line, sizeof time_line);
    snprintf(when, sizeof when, "%s\n%s", date, time_line);
    y += poster_fact(d, y, tr(d, S_WHEN), when, 15) + 10;
    if (nonempty(p->meeting_text))
        y += poster_fact(d, y, tr(d, S_MEETING_POINT), p->meeting_text, 13) + 8;
    if (nonempty(p->area_name))
        y += poster_fact(d, y, tr(d, S_AREA), p->area_name, 13) + 8;
    if (nonempty(p->note)) {
        st = pdf_style(11, 0, WD_MUTED);
        y += doc_text(d, &st, WD_MARGIN + 104, y, WD_CONTENT_W - 104, 3 * 14, p->note, 1) + 8;
    }

    /* The join block sits at the bottom; the map takes what is left between. */
    const double qr_size = 176, block_y = WALKDOC_PAGE_H - 52 - qr_size - 8;
    struct mapdata md = {&p->map, NULL, 0, NULL, 0};
    double map_h = block_y - 30 - (y + 6);
    if (mapdata_has_content(&md) && map_h >= 120) {
        if (map_draw(d, &md, WD_MARGIN, y + 6, WD_CONTENT_W, map_h) == 0)
            map_legend(d, &md, WD_MARGIN, y + 6 + map_h + 5, WD_CONTENT_W);
    }

    pdfdoc_hline(&d->p, WD_MARGIN, WALKDOC_PAGE_W - WD_MARGIN, block_y - 4, 1, WD_RULE);
    if (qr_cairo_draw(cr, p->join_url, WD_MARGIN - 10, block_y + 4, qr_size) != QR_OK)
        return WALKDOC_INVALID;
    double tx = WD_MARGIN + qr_size + 6, tw = WALKDOC_PAGE_W - WD_MARGIN - tx, ty = block_y + 14;
    st = pdf_style(13, 1, WD_INK);
    ty += doc_text(d, &st, tx, ty, tw, 4 * 17, tr(d, S_SCAN), 1) + 10;
    st = pdf_style(10, 0, WD_MUTED);
    ty += doc_text(d, &st, tx, ty, tw, 2 * 13, tr(d, S_OR_GO), 1) + 3;
    char tag[1024];
    wd_tag_uri(p->join_url, tag, sizeof tag);
    cairo_tag_begin(cr, CAIRO_TAG_LINK, tag);
    st = pdf_style(11, 1, WD_ROUTE);
    ty += doc_text(d, &st, tx, ty, tw, 2 * 14, p->join_url, 1) + 8;
    cairo_tag_end(cr, CAIRO_TAG_LINK);

    st = pdf_style(38, 1, WD_ACCENT);
    st.mono = 1;
    st.letter_spacing = 1.5;
    double cw = 0, ch = pdfdoc_text(&d->p, &st, 0, 0, 0, 0, p->join_code, 0, &cw);
    cw = fmin(cw, tw - 20);
    cairo_new_path(cr);
    double bx = tx, by = ty, bw = cw + 24, bh = ch + 10, r = 6;
    cairo_arc(cr, bx + bw - r, by + r, r, -M_PI / 2, 0);
    cairo_arc(cr, bx + bw - r, by + bh - r, r, 0, M_PI / 2);
    cairo_arc(cr, bx + r, by + bh - r, r, M_PI / 2, M_PI);
    cairo_arc(cr, bx + r, by + r, r, M_PI, 3 * M_PI / 2);
    cairo_close_path(cr);
    pdfdoc_set_rgb(cr, WD_TINT);
    cairo_fill_preserve(cr);
    pdfdoc_set_rgb(cr, WD_ACCENT);
    cairo_set_line_width(cr, 1.2);
    cairo_stroke(cr);
    doc_text(d, &st, bx + 12, by + 5, tw - 20, ch + 2, p->join_code, 1);

    st = pdf_style(10, 0, WD_MUTED);
    pdfdoc_hline(&d->p, WD_MARGIN, WALKDOC_PAGE_W - WD_MARGIN, WALKDOC_PAGE_H - 46, 0.5, WD_RULE);
    doc_text(d, &st, WD_MARGIN, WALKDOC_PAGE_H - 38, WD_CONTENT_W, 14, tr(d, S_WELCOME), 1);
    return WALKDOC_OK;
}

int walkdoc_poster_pdf(const struct walkdoc_poster *p, unsigned char **out, size_t *len)
{
    struct doc *d = NULL;
    int rc = WALKDOC_INVALID;
    *out = NULL;
    *len = 0;
    if (!p || (p->lang != WALKDOC_SV && p->lang != WALKDOC_EN) || !nonempty(p->title) ||
        !nonempty(p->join_url) || !nonempty(p->join_code) || p->starts_at < 0 || !map_ok(&p->map))
        return WALKDOC_INVALID;
    d = g_try_malloc(sizeof *d);
    if (!d)
        return WALKDOC_INTERNAL;
    rc = doc_open(d, p->lang, p->title);
    if (rc != WALKDOC_OK)
        goto out;
    rc = poster_render(d, p);
    if (rc != WALKDOC_OK)
        goto out;
    cairo_show_page(d->p.cr);
    rc = doc_finish(d, out, len);
out:
    doc_close(d);
    g_free(d);
    return rc;
}

/* ---- the protocol ---------------------------------------------------------- */

/* Column geometry of the items table, relative to the left margin. */
struct col {
    double x, w;
};

enum { C1_NO, C1_CATEGORY, C1_DESCRIPTION, C1_UNSAFE, C1_PHOTO, C1_COUNT };
enum { C2_ACTION, C2_RESPONSIBLE, C2_PRIORITY, C2_DEADLINE, C2_STATE, C2_ANSWER, C2_COUNT };

/* Band 1: what was seen. Band 2 (indented under it): what is to be done about it. */
static const struct col band1[C1_COUNT] = {
    {0, 26}, {26, 112}, {138, 223}, {361, 74}, {435, 80},
};
static const struct col band2[C2_COUNT] = {
    {26, 150}, {176, 84}, {260, 44}, {304, 56}, {360, 64}, {424, 91},
};
static const enum wd_str band1_head[C1_COUNT] = {
    S_COL_NO, S_COL_CATEGORY, S_COL_DESCRIPTION, S_COL_UNSAFE, S_COL_PHOTO,
};
static const enum wd_str band2_head[C2_COUNT] = {
    S_COL_ACTION, S_COL_RESPONSIBLE, S_COL_PRIORITY, S_COL_DEADLINE, S_COL_STATE, S_COL_ANSWER,
};

#define WD_HEAD_ROW_H 14.0
#define WD_TEXT_SIZE 8.0
#define WD_SMALL_SIZE 7.2

/*
 * A section heading, bookmarked; starts a new page first when fewer than need
 * points would be left below it. Returns the bookmark's id.
 */
static int protocol_heading(struct doc *d, const char *text, double need)
{
    if (d->p.y + 26 + need > WD_BOTTOM)
        doc_next_page(d);
    struct pdf_style st = pdf_style(13, 1, WD_ACCENT);
    int id = doc_outline(d, CAIRO_PDF_OUTLINE_ROOT, text);
    d->p.y += doc_text(d, &st, WD_MARGIN, d->p.y, WD_CONTENT_W, 0, text, 1) + 2;
    pdfdoc_hline(&d->p, WD_MARGIN, WALKDOC_PAGE_W - WD_MARGIN, d->p.y, 1.2, WD_ACCENT);
    d->p.y += 7;
    return id;
}

static void protocol_table_head(struct doc *d)
{
    struct pdf_style st = pdf_style(7.2, 1, WD_WHITE);
    pdfdoc_fill_rect(&d->p, WD_MARGIN, d->p.y, WD_CONTENT_W, WD_HEAD_ROW_H, WD_ACCENT);
    for (int c = 0; c < C1_COUNT; c++)
        doc_text(d, &st, WD_MARGIN + band1[c].x + WD_CELL_PAD, d->p.y + 3,
                 band1[c].w - 2 * WD_CELL_PAD, 10, tr(d, band1_head[c]), 1);
    d->p.y += WD_HEAD_ROW_H;
    pdfdoc_fill_rect(&d->p, WD_MARGIN, d->p.y, WD_CONTENT_W, WD_HEAD_ROW_H, WD_ACCENT_2);
    for (int c = 0; c < C2_COUNT; c++)
        doc_text(d, &st, WD_MARGIN + band2[c].x + WD_CELL_PAD, d->p.y + 3,
                 band2[c].w - 2 * WD_CELL_PAD, 10, tr(d, band2_head[c]), 1);
    d->p.y += WD_HEAD_ROW_H + 1;
}

/* The texts of an item's cells, in band order (translated where the value is a known code). */
struct item_cells {
    char number[WD_NUMBER_BUF];
    char unsafe[WD_NUMBER_BUF * 2];
    const char *priority;
};

static void item_cells_fill(const struct doc *d, const struct walkdoc_item *it,
                            struct item_cells *c)
{
    snprintf(c->number, sizeof c->number, "%d", it->number);
    const char *light = it->light;
    if (light && strcmp(light, "day") == 0)
        light = tr(d, S_LIGHT_DAY);
    else if (light && strcmp(light, "twilight") == 0)
        light = tr(d, S_LIGHT_TWILIGHT);
    else if (light && strcmp(light, "dark") == 0)
        light = tr(d, S_LIGHT_DARK);
    char rating[WD_NUMBER_BUF];
    if (it->unsafe_rating >= 1 && it->unsafe_rating <= 5)
        snprintf(rating, sizeof rating, "%d %s 5", it->unsafe_rating, tr(d, S_OF));
    else
        snprintf(rating, sizeof rating, "–");
    snprintf(c->unsafe, sizeof c->unsafe, "%s\n%s", rating, light ? light : "–");
    c->priority = it->priority == 1   ? tr(d, S_PRIO_1)
                  : it->priority == 2 ? tr(d, S_PRIO_2)
                  : it->priority == 3 ? tr(d, S_PRIO_3)
                                      : "–";
}

/*
 * Lays out (and with draw, draws) one item at y. Returns the heights of the
 * two bands in h1 and h2. Cell texts are cut (…) at WD_DESCRIPTION_MAX_H and
 * WD_CELL_MAX_H, so a row always fits on a page.
 */
static void item_row(struct doc *d, const struct walkdoc_item *it, double y, int draw, double *h1,
                     double *h2)
{
    struct item_cells c;
    struct pdf_style body = pdf_style(WD_TEXT_SIZE, 0, WD_INK),
                     bold = pdf_style(WD_TEXT_SIZE, 1, WD_INK);
    struct pdf_style small = pdf_style(WD_SMALL_SIZE, 0, WD_INK),
                     muted = pdf_style(WD_SMALL_SIZE, 0, WD_MUTED);
    double x = WD_MARGIN, p = WD_CELL_PAD, top = y + p, h = 0, cell;
    int tw, th, cs;
    item_cells_fill(d, it, &c);

    struct pdf_style num = pdf_style(9, 1, WD_POINT);
    h = fmax(h, doc_text(d, &num, x + band1[C1_NO].x + p, top, band1[C1_NO].w - 2 * p, 0, c.number,
                         draw));
    cell = doc_text(d, &bold, x + band1[C1_CATEGORY].x + p, top, band1[C1_CATEGORY].w - 2 * p,
                    3 * 10, it->category, draw);
    cell += 1 + doc_text(d, &muted, x + band1[C1_CATEGORY].x + p, top + cell + 1,
                         band1[C1_CATEGORY].w - 2 * p, WD_CELL_MAX_H - cell, it->place, draw);
    h = fmax(h, cell);
    h = fmax(h, doc_text(d, &body, x + band1[C1_DESCRIPTION].x + p, top,
                         band1[C1_DESCRIPTION].w - 2 * p, WD_DESCRIPTION_MAX_H, it->description,
                         draw));
    h = fmax(h, doc_text(d, &small, x + band1[C1_UNSAFE].x + p, top, band1[C1_UNSAFE].w - 2 * p,
                         3 * 10, c.unsafe, draw));
    if (thumb_probe(d, it->thumb_jpeg, it->thumb_len, &tw, &th, &cs) == 0) {
        double dw, dh;
        thumb_fit(tw, th, &dw, &dh);
        h = fmax(h, dh);
        if (draw)
            thumb_draw(d, it, x + band1[C1_PHOTO].x + p, top);
    }
    *h1 = fmax(h + 2 * p, 18);

    const char *texts[C2_COUNT] = {it->action,   it->responsible, c.priority,
                                   it->deadline, it->state,       it->answer};
    double top2 = y + *h1 + 2;
    h = 0;
    for (int k = 0; k < C2_COUNT; k++)
        h = fmax(h, doc_text(d, &small, x + band2[k].x + p, top2, band2[k].w - 2 * p, WD_CELL_MAX_H,
                             texts[k], draw));
    *h2 = h + 2 * p + 1;
}

/* 1 when a and b name the same group (NULL and "" are no group). */
static int same_group(const char *a, const char *b)
{
    if (!nonempty(a) || !nonempty(b))
        return !nonempty(a) && !nonempty(b);
    return strcmp(a, b) == 0;
}

static void protocol_items(struct doc *d, const struct walkdoc_protocol *p)
{
    int grouped = 0;
    for (size_t i = 0; i < p->n_items && !grouped; i++)
        grouped = nonempty(p->items[i].group);

    int section = protocol_heading(d, tr(d, S_SEC_ITEMS), 2 * WD_HEAD_ROW_H + 60);
    if (p->n_items == 0) {
        struct pdf_style st = pdf_style(10, 0, WD_MUTED);
        d->p.y += doc_text(d, &st, WD_MARGIN, d->p.y, WD_CONTENT_W, 0, tr(d, S_NO_ITEMS), 1) + 10;
        return;
    }
    protocol_table_head(d);
    for (size_t i = 0; i < p->n_items; i++) {
        const struct walkdoc_item *it = &p->items[i];
        double h1, h2, group_h = 0;
        int new_group = grouped && (i == 0 || !same_group(it->group, p->items[i - 1].group));
        if (new_group)
            group_h = 20;
        item_row(d, it, 0, 0, &h1, &h2);
        if (d->p.y + group_h + h1 + h2 > WD_BOTTOM) {
            doc_next_page(d);
            protocol_table_head(d);
        }
        if (new_group) {
            char label[512];
            snprintf(label, sizeof label, "%s: %s", tr(d, S_GROUP),
                     nonempty(it->group) ? pdfdoc_clean(&d->p, it->group) : tr(d, S_NO_GROUP));
            pdfdoc_fill_rect(&d->p, WD_MARGIN, d->p.y + 2, WD_CONTENT_W, group_h - 4,
                             (struct pdf_rgb){0.84, 0.89, 0.94});
            struct pdf_style gs = pdf_style(9, 1, WD_ACCENT);
            doc_text(d, &gs, WD_MARGIN + WD_CELL_PAD, d->p.y + 5, WD_CONTENT_W - 2 * WD_CELL_PAD,
                     12, label, 1);
            doc_outline(d, section, label);
            d->p.y += group_h;
        }
        pdfdoc_fill_rect(&d->p, WD_MARGIN + band2[0].x, d->p.y + h1, WD_CONTENT_W - band2[0].x, h2,
                         WD_TINT);
        item_row(d, it, d->p.y, 1, &h1, &h2);
        d->p.y += h1 + h2;
        pdfdoc_hline(&d->p, WD_MARGIN, WALKDOC_PAGE_W - WD_MARGIN, d->p.y, 0.6, WD_RULE);
    }
    d->p.y += 12;
}

struct fact {
    enum wd_str label;
    const char *value;
};

/* The walk's facts as a two-column list at the top of the first page. */
static void protocol_facts(struct doc *d, const struct walkdoc_protocol *p)
{
    char date[WD_DATE_BUF], time_line[WD_DATE_BUF * 2], when[WD_DATE_BUF * 4];
    char num[WD_NUMBER_BUF], earlier[WD_DATE_BUF * 2];
    struct membuf partners;
    struct fact rows[8];
    int n = 0;

    wd_format_when(d, p->starts_at, p->ends_at, date, sizeof date, time_line, sizeof time_line);
    snprintf(when, sizeof when, "%s, %s", date, time_line);
    rows[n++] = (struct fact){S_FACT_DATE, when};
    if (nonempty(p->area_name))
        rows[n++] = (struct fact){S_AREA, p->area_name};
    if (nonempty(p->organiser))
        rows[n++] = (struct fact){S_FACT_ORGANISER, p->organiser};
    if (p->participants >= 0) {
        snprintf(num, sizeof num, "%d", p->participants);
        rows[n++] = (struct fact){S_FACT_PARTICIPANTS, num};
    }
    membuf_init(&partners, WD_PARTNERS_MAX_BYTES);
    for (size_t i = 0; i < p->n_partners; i++)
        if (nonempty(p->partners[i]))
            membuf_appendf(&partners, "%s%s", partners.len ? ", " : "", p->partners[i]);
    if (partners.len && !partners.failed)
        rows[n++] = (struct fact){S_FACT_PARTNERS, (const char *)partners.data};
    char count[WD_NUMBER_BUF];
    snprintf(count, sizeof count, "%zu", p->n_items);
    rows[n++] = (struct fact){S_FACT_COUNT, count};
    if (nonempty(p->earlier_title)) {
        char ed[WD_NUMBER_BUF];
        wd_format_iso_date(p->earlier_starts_at, ed, sizeof ed);
        snprintf(earlier, sizeof earlier, "%s (%s)", p->earlier_title, ed);
        rows[n++] = (struct fact){S_FACT_FOLLOWUP, earlier};
    }
    if (nonempty(p->meeting_date))
        rows[n++] = (struct fact){S_FACT_MEETING, p->meeting_date};

    struct pdf_style ls = pdf_style(8, 1, WD_MUTED), vs = pdf_style(9.5, 0, WD_INK);
    for (int i = 0; i < n; i++) {
        double h = doc_text(d, &vs, WD_MARGIN + 118, d->p.y + 3, WD_CONTENT_W - 118, 4 * 12,
                            rows[i].value, 1);
        doc_text(d, &ls, WD_MARGIN, d->p.y + 4, 112, 0, tr(d, rows[i].label), 1);
        d->p.y += fmax(h, 11) + 6;
        pdfdoc_hline(&d->p, WD_MARGIN, WALKDOC_PAGE_W - WD_MARGIN, d->p.y, 0.4, WD_RULE);
    }
    membuf_free(&partners);
    d->p.y += 12;
}

static void protocol_audit(struct doc *d, const struct walkdoc_protocol *p)
{
    int before = 0;
    for (int k = 0; k < WALKDOC_AUDIT_PARAMS; k++)
        before |= p->audit[k].before_count > 0;
    const double row_h = 16, table_h = (WALKDOC_AUDIT_PARAMS + 1) * row_h + 24;
    protocol_heading(d, tr(d, S_SEC_AUDIT), table_h);
    struct pdf_style note = pdf_style(8, 0, WD_MUTED);
    char note_text[512];
    snprintf(note_text, sizeof note_text, "%s%s%s", tr(d, S_AUDIT_NOTE), before ? " " : "",
             before ? tr(d, S_AUDIT_TICK) : "");
    d->p.y += doc_text(d, &note, WD_MARGIN, d->p.y, WD_CONTENT_W, 0, note_text, 1) + 6;

    /* Columns: name, bar, mean, count[, before, change]. */
    const double x = WD_MARGIN, c_name = 140, c_bar = before ? 150 : 250, c_num = 50;
    double xs[6] = {x,
                    x + c_name,
                    x + c_name + c_bar,
                    x + c_name + c_bar + c_num,
                    x + c_name + c_bar + 2 * c_num,
                    x + c_name + c_bar + 3 * c_num};
    struct pdf_style hs = pdf_style(7.2, 1, WD_WHITE), cs = pdf_style(8.5, 0, WD_INK);
    struct pdf_style rs = pdf_style(8.5, 0, WD_INK);
    rs.align = PANGO_ALIGN_RIGHT;
    pdfdoc_fill_rect(&d->p, x, d->p.y, WD_CONTENT_W, WD_HEAD_ROW_H, WD_ACCENT);
    doc_text(d, &hs, xs[0] + 3, d->p.y + 3, c_name, 0, tr(d, S_AUDIT_PARAM), 1);
    hs.align = PANGO_ALIGN_RIGHT;
    doc_text(d, &hs, xs[2], d->p.y + 3, c_num - 6, 0, tr(d, S_AUDIT_MEAN), 1);
    doc_text(d, &hs, xs[3], d->p.y + 3, c_num - 6, 0, tr(d, S_AUDIT_COUNT), 1);
    if (before) {
        doc_text(d, &hs, xs[4], d->p.y + 3, c_num - 6, 0, tr(d, S_AUDIT_BEFORE), 1);
        doc_text(d, &hs, xs[5], d->p.y + 3, WD_MARGIN + WD_CONTENT_W - xs[5] - 6, 0,
                 tr(d, S_AUDIT_CHANGE), 1);
    }
    d->p.y += WD_HEAD_ROW_H;
    for (int k = 0; k < WALKDOC_AUDIT_PARAMS; k++) {
        const struct walkdoc_audit_score *a = &p->audit[k];
        char mean[WD_NUMBER_BUF], count[WD_NUMBER_BUF], bm[WD_NUMBER_BUF], ch[WD_NUMBER_BUF];
        int has = a->count > 0 && isfinite(a->mean);
        int has_before = a->before_count > 0 && isfinite(a->before_mean);
        if (k % 2)
            pdfdoc_fill_rect(&d->p, x, d->p.y, WD_CONTENT_W, row_h, WD_TINT);
        doc_text(d, &cs, xs[0] + 3, d->p.y + 3, c_name - 6, 0, wd_audit_name[k][d->lang], 1);
        /* Bar: 0..3 across the column, the earlier mean as a tick. */
        double bx = xs[1] + 4, bw = c_bar - 14;
        pdfdoc_fill_rect(&d->p, bx, d->p.y + 5, bw, 6, (struct pdf_rgb){0.87, 0.89, 0.92});
        if (has)
            pdfdoc_fill_rect(&d->p, bx, d->p.y + 5, bw * fmin(fmax(a->mean, 0), 3) / 3, 6,
                             WD_ACCENT_2);
        if (has_before) {
            double tx = bx + bw * fmin(fmax(a->before_mean, 0), 3) / 3;
            cairo_set_line_width(d->p.cr, 1.5);
            pdfdoc_set_rgb(d->p.cr, WD_INK);
            cairo_move_to(d->p.cr, tx, d->p.y + 2.5);
            cairo_line_to(d->p.cr, tx, d->p.y + 13.5);
            cairo_stroke(d->p.cr);
        }
        if (has)
            wd_format_decimal(d, a->mean, 0, mean, sizeof mean);
        else
            snprintf(mean, sizeof mean, "–");
        snprintf(count, sizeof count, "%d", a->count > 0 ? a->count : 0);
        doc_text(d, &rs, xs[2], d->p.y + 3, c_num - 6, 0, mean, 1);
        doc_text(d, &rs, xs[3], d->p.y + 3, c_num - 6, 0, count, 1);
        if (before) {
            if (has_before)
                wd_format_decimal(d, a->before_mean, 0, bm, sizeof bm);
            else
                snprintf(bm, sizeof bm, "–");
            if (has && has_before)
                wd_format_decimal(d, a->mean - a->before_mean, 1, ch, sizeof ch);
            else
                snprintf(ch, sizeof ch, "–");
            struct pdf_style chs = rs;
            if (has && has_before && fabs(a->mean - a->before_mean) >= 0.05) {
                chs.color = a->mean > a->before_mean ? WD_GOOD : WD_BAD;
                chs.bold = 1;
            }
            doc_text(d, &rs, xs[4], d->p.y + 3, c_num - 6, 0, bm, 1);
            doc_text(d, &chs, xs[5], d->p.y + 3, WD_MARGIN + WD_CONTENT_W - xs[5] - 6, 0, ch, 1);
        }
        d->p.y += row_h;
    }
    pdfdoc_hline(&d->p, WD_MARGIN, WALKDOC_PAGE_W - WD_MARGIN, d->p.y, 0.6, WD_RULE);
    d->p.y += 16;
}

static const struct col earlier_cols[4] = {{0, 26}, {26, 130}, {156, 214}, {370, 145}};
static const enum wd_str earlier_heads[4] = {S_COL_NO, S_COL_CATEGORY, S_COL_DESCRIPTION,
                                             S_COL_OUTCOME};

static void earlier_head(struct doc *d)
{
    struct pdf_style hs = pdf_style(7.2, 1, WD_WHITE);
    pdfdoc_fill_rect(&d->p, WD_MARGIN, d->p.y, WD_CONTENT_W, WD_HEAD_ROW_H, WD_ACCENT);
    for (int c = 0; c < 4; c++)
        doc_text(d, &hs, WD_MARGIN + earlier_cols[c].x + WD_CELL_PAD, d->p.y + 3,
                 earlier_cols[c].w - 2 * WD_CELL_PAD, 10, tr(d, earlier_heads[c]), 1);
    d->p.y += WD_HEAD_ROW_H + 1;
}

/* Lays out (and with draw, draws) one earlier point at d->p.y; returns the row's height. */
static double earlier_row(struct doc *d, const struct walkdoc_earlier_item *e, int draw)
{
    const struct col *cols = earlier_cols;
    char num[WD_NUMBER_BUF];
    snprintf(num, sizeof num, "%d", e->number);
    enum wd_str out_s = e->outcome == WALKDOC_OUTCOME_FIXED         ? S_OUT_FIXED
                        : e->outcome == WALKDOC_OUTCOME_STILL_THERE ? S_OUT_STILL
                        : e->outcome == WALKDOC_OUTCOME_WONT_DO     ? S_OUT_WONT
                                                                    : S_OUT_UNKNOWN;
    struct pdf_rgb out_c = e->outcome == WALKDOC_OUTCOME_FIXED         ? WD_GOOD
                           : e->outcome == WALKDOC_OUTCOME_STILL_THERE ? WD_BAD
                                                                       : WD_EARLIER;
    struct pdf_style body = pdf_style(WD_TEXT_SIZE, 0, WD_INK),
                     bold = pdf_style(WD_TEXT_SIZE, 1, WD_INK);
    struct pdf_style muted = pdf_style(WD_SMALL_SIZE, 0, WD_MUTED);
    struct pdf_style ns = pdf_style(9, 1, WD_EARLIER), os = pdf_style(WD_TEXT_SIZE, 1, out_c);
    double x = WD_MARGIN, pd = WD_CELL_PAD, top = d->p.y + pd, h = 0, cell;

    h = fmax(h, doc_text(d, &ns, x + cols[0].x + pd, top, cols[0].w - 2 * pd, 0, num, draw));
    cell = doc_text(d, &bold, x + cols[1].x + pd, top, cols[1].w - 2 * pd, 30, e->category, draw);
    cell += 1 + doc_text(d, &muted, x + cols[1].x + pd, top + cell + 1, cols[1].w - 2 * pd, 60,
                         e->place, draw);
    h = fmax(h, cell);
    h = fmax(h, doc_text(d, &body, x + cols[2].x + pd, top, cols[2].w - 2 * pd, WD_CELL_MAX_H,
                         e->description, draw));
    cell = doc_text(d, &os, x + cols[3].x + pd, top, cols[3].w - 2 * pd, 0, tr(d, out_s), draw);
    if (nonempty(e->reason))
        cell += 1 + doc_text(d, &muted, x + cols[3].x + pd, top + cell + 1, cols[3].w - 2 * pd,
                             WD_CELL_MAX_H, e->reason, draw);
    return fmax(h, cell) + 2 * pd;
}

static void protocol_earlier(struct doc *d, const struct walkdoc_protocol *p)
{
    char ed[WD_NUMBER_BUF], sub[WD_DATE_BUF * 4];
    wd_format_iso_date(p->earlier_starts_at, ed, sizeof ed);
    protocol_heading(d, tr(d, S_SEC_EARLIER), WD_HEAD_ROW_H + 40);
    struct pdf_style note = pdf_style(8, 0, WD_MUTED);
    snprintf(sub, sizeof sub, "%s, %s", pdfdoc_clean(&d->p, p->earlier_title), ed);
    d->p.y += doc_text(d, &note, WD_MARGIN, d->p.y, WD_CONTENT_W, 0, sub, 1) + 6;
    earlier_head(d);
    for (size_t i = 0; i < p->n_earlier; i++) {
        double h = earlier_row(d, &p->earlier[i], 0);
        if (d->p.y + h > WD_BOTTOM) {
            doc_next_page(d);
            earlier_head(d);
        }
        earlier_row(d, &p->earlier[i], 1);
        d->p.y += h;
        pdfdoc_hline(&d->p, WD_MARGIN, WALKDOC_PAGE_W - WD_MARGIN, d->p.y, 0.6, WD_RULE);
    }
    d->p.y += 12;
}

static int protocol_render(struct doc *d, const struct walkdoc_protocol *p)
{
    char date[WD_NUMBER_BUF];
    struct pdf_style st;

    wd_format_iso_date(p->starts_at, date, sizeof date);
    snprintf(d->footer_left, sizeof d->footer_left, "%s · %s", pdfdoc_clean(&d->p, p->title), date);
    if (p->generated_at > 0)
        wd_format_iso_date(p->generated_at, d->footer_created, sizeof d->footer_created);

    pdfdoc_fill_rect(&d->p, 0, 0, WALKDOC_PAGE_W, 52, WD_ACCENT);
    st = pdf_style(10, 1, WD_WHITE);
    doc_text(d, &st, WD_MARGIN, 20, WD_CONTENT_W * 0.65, 0, tr(d, S_PROTOCOL), 1);
    if (nonempty(p->organisation)) {
        st = pdf_style(10, 0, (struct pdf_rgb){0.85, 0.90, 0.96});
        st.align = PANGO_ALIGN_RIGHT;
        doc_text(d, &st, WD_MARGIN + WD_CONTENT_W * 0.6, 20, WD_CONTENT_W * 0.4, 14,
                 p->organisation, 1);
    }
    d->p.y = 74;
    doc_outline(d, CAIRO_PDF_OUTLINE_ROOT, p->title);
    st = pdf_style(22, 1, WD_INK);
    d->p.y += doc_text(d, &st, WD_MARGIN, d->p.y, WD_CONTENT_W, 3 * 27, p->title, 1) + 12;
    protocol_facts(d, p);

    struct mapdata md = {&p->map, p->items, p->n_items,
                         nonempty(p->earlier_title) ? p->earlier : NULL,
                         nonempty(p->earlier_title) ? p->n_earlier : 0};
    if (mapdata_has_content(&md)) {
        /* The audit seldom fits below a map on page 1, so the map takes the page. */
        double map_h = fmin(WD_MAP_MAX_H, WD_BOTTOM - d->p.y - 30);
        if (map_h < 200) {
            doc_next_page(d);
            map_h = WD_MAP_MAX_H;
        }
        if (map_draw(d, &md, WD_MARGIN, d->p.y, WD_CONTENT_W, map_h) == 0) {
            d->p.y += map_h + 5;
            d->p.y += map_legend(d, &md, WD_MARGIN, d->p.y, WD_CONTENT_W) + 14;
        }
    }
    if (p->has_audit)
        protocol_audit(d, p);
    protocol_items(d, p);
    if (nonempty(p->earlier_title))
        protocol_earlier(d, p);
    doc_footer(d);
    cairo_show_page(d->p.cr);
    return WALKDOC_OK;
}

int walkdoc_protocol_pdf(const struct walkdoc_protocol *p, unsigned char **out, size_t *len)
{
    struct doc *d = NULL;
    int rc = WALKDOC_INVALID;
    *out = NULL;
    *len = 0;
    if (!p || (p->lang != WALKDOC_SV && p->lang != WALKDOC_EN) || !nonempty(p->title) ||
        p->starts_at < 0 || p->n_items > WALKDOC_MAX_ITEMS || (p->n_items && !p->items) ||
        p->n_partners > WALKDOC_MAX_PARTNERS || (p->n_partners && !p->partners) ||
        (nonempty(p->earlier_title) &&
         (p->n_earlier > WALKDOC_MAX_ITEMS || (p->n_earlier && !p->earlier))) ||
        !map_ok(&p->map))
        return WALKDOC_INVALID;
    d = g_try_malloc(sizeof *d);
    if (!d)
        return WALKDOC_INTERNAL;
    rc = doc_open(d, p->lang, p->title);
    if (rc != WALKDOC_OK)
        goto out;
    rc = protocol_render(d, p);
    if (rc != WALKDOC_OK)
        goto out;
    rc = doc_finish(d, out, len);
out:
    doc_close(d);
    g_free(d);
    return rc;
}

const char *walkdoc_audit_param_code(int param)
{
    if (param < 0 || param >= WALKDOC_AUDIT_PARAMS)
        return NULL;
    return wd_audit_code[param];
}

void walkdoc_thread_cleanup(void)
{
    pango_cairo_font_map_set_default(NULL);
}

void walkdoc_process_cleanup(void)
{
    walkdoc_thread_cleanup();
    cairo_debug_reset_static_data();
    FcFini();
}
