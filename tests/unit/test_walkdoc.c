/*
 * Unit tests for server/walkdoc.c: the poster and the protocol are rendered
 * to PDF and read back with poppler-utils (pdftotext, pdftoppm) and zbar-tools
 * (zbarimg): Swedish text survives, every item's number and description is
 * in the protocol, the poster's QR code decodes to the join URL, bad input is
 * refused, and a 300-item protocol with photos renders (its time is printed,
 * not asserted).
 *
 * Set TRYGG_WALKDOC_KEEP=/some/dir to keep the PDFs there for a look.
 */
#include "check.h"
#include "walkdoc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <turbojpeg.h>
#include <unistd.h>

/* Most output read back from a helper program. */
#define TOOL_OUTPUT_MAX (8 * 1024 * 1024)
#define BIG_ITEMS 300
#define TEST_ITEMS 30
#define EARLIER_ITEMS 6

static char workdir[256];
static const char *const join_url = "https://trygg.boras.se/w/K7QM4X";
/* 2026-11-26 17:00 and 18:30 UTC: 18.00–19.30 in Borås (CET). */
static const int64_t walk_start = 1795712400, walk_end = 1795717800;

static const char *const categories[] = {
    "Belysning", "Nedskräpning", "Klotter", "Vegetation", "Gångväg", "Trafik", "Otrygg plats",
};
static const char *const phrases[] = {
    "Mörk gångtunnel där två armaturer är trasiga.",
    "Buskarna skymmer sikten mot parkeringen, svårt att se vem som kommer.",
    "Klotter på busskuren och krossat glas på marken.",
    "Ojämn asfalt och stora vattenpölar på gång- och cykelvägen.",
    "Bilar kör för fort förbi skolan; övergångsstället saknar belysning.",
    "Ödslig plats utan utsikt och utan någon flyktväg.",
};
static const char *const streets[] = {
    "Östermalmsgatan", "Åsbogatan", "Göteborgsvägen", "Hässleholmsvägen", "Sjöbovägen",
};

/* ---- helpers --------------------------------------------------------------- */

static int write_file(const char *path, const unsigned char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(p, 1, n, f);
    return (fclose(f) == 0 && w == n) ? 0 : -1;
}

/* Runs cmd; returns its standard output (malloc'd, NUL-terminated) or NULL when it fails. */
static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    size_t got;
    while (out && (got = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += got;
        if (cap - len - 1 == 0) {
            if (cap >= TOOL_OUTPUT_MAX)
                break;
            char *bigger = realloc(out, cap * 2);
            if (!bigger)
                break;
            out = bigger;
            cap *= 2;
        }
    }
    int rc = pclose(p);
    if (!out)
        return NULL;
    out[len] = '\0';
    if (rc != 0) {
        fprintf(stderr,
                "command failed (%d): %s\n  (poppler-utils and zbar-tools are installed "
                "by .ci/setup --with-browser)\n",
                rc, cmd);
        free(out);
        return NULL;
    }
    return out;
}

/* Collapses every run of whitespace into one space, in place. */
static void squash(char *s)
{
    char *o = s;
    int space = 0;
    for (char *p = s; *p; p++) {
        if (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t' || *p == '\f') {
            space = 1;
            continue;
        }
        if (space && o != s)
            *o++ = ' ';
        space = 0;
        *o++ = *p;
    }
    *o = '\0';
}

/* Writes the PDF into the work directory (and TRYGG_WALKDOC_KEEP, if set); returns its path. */
static const char *save_pdf(const char *name, const unsigned char *pdf, size_t len)
{
    static char path[512];
    const char *keep = getenv("TRYGG_WALKDOC_KEEP");
    if (keep && *keep) {
        snprintf(path, sizeof path, "%s/%s", keep, name);
        CHECK(write_file(path, pdf, len) == 0);
    }
    snprintf(path, sizeof path, "%s/%s", workdir, name);
    CHECK(write_file(path, pdf, len) == 0);
    return path;
}

/* pdftotext of path (plain or -layout), or NULL. */
static char *pdf_text(const char *path, int layout)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "pdftotext %s -enc UTF-8 '%s' -", layout ? "-layout" : "", path);
    return run(cmd);
}

/* A w x h JPEG of a coloured gradient; malloc'd bytes. */
static unsigned char *make_jpeg(int w, int h, int seed, size_t *len)
{
    unsigned char *px = malloc((size_t)w * (size_t)h * 3), *jpg = NULL, *copy = NULL;
    unsigned long size = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            unsigned char *q = px + ((size_t)y * (size_t)w + (size_t)x) * 3;
            q[0] = (unsigned char)((x * 255 / w + seed * 37) & 255);
            q[1] = (unsigned char)((y * 255 / h + seed * 11) & 255);
            q[2] = (unsigned char)(((x + y) * 128 / (w + h) + seed * 53) & 255);
        }
    tjhandle tj = tjInitCompress();
    if (tjCompress2(tj, px, w, 0, h, TJPF_RGB, &jpg, &size, TJSAMP_420, 80, 0) == 0) {
        copy = malloc(size);
        memcpy(copy, jpg, size);
        *len = size;
    }
    tjFree(jpg);
    tjDestroy(tj);
    free(px);
    return copy;
}

/* ---- sample walk (SWEREF 99 TM around Borås centre, E 377300 N 6399500) ----------- */

static const struct walkdoc_xy area_outer[] = {
    {376500, 6398800}, {378300, 6398700}, {378600, 6399900}, {378000, 6400500},
    {376800, 6400400}, {376400, 6399600}, {376500, 6398800},
};
static const struct walkdoc_xy area_hole[] = {
    {377700, 6399000},
    {378000, 6399000},
    {378000, 6399250},
    {377700, 6399250},
};
static const struct walkdoc_ring area_rings[] = {{area_outer, 7}, {area_hole, 4}};
static const struct walkdoc_xy route[] = {
    {376900, 6399200}, {377050, 6399350}, {377200, 6399420}, {377420, 6399480},
    {377600, 6399620}, {377720, 6399820}, {377650, 6400050}, {377400, 6400120},
    {377150, 6400000}, {377000, 6399800}, {376920, 6399550}, {376900, 6399200},
};

static struct walkdoc_map sample_map(void)
{
    struct walkdoc_map m = {area_rings, 2, route, 12, 1, {376900, 6399200}};
    return m;
}

struct items {
    struct walkdoc_item *items;
    char **texts; /* descriptions and places, freed with the items */
    unsigned char **thumbs;
    size_t n;
};

static void items_make(struct items *s, size_t n)
{
    s->n = n;
    s->items = calloc(n, sizeof *s->items);
    s->texts = calloc(2 * n, sizeof *s->texts);
    s->thumbs = calloc(n, sizeof *s->thumbs);
    for (size_t i = 0; i < n; i++) {
        struct walkdoc_item *it = &s->items[i];
        char buf[512];
        snprintf(buf, sizeof buf, "%s Vid %s %zu.", phrases[i % 6], streets[i % 5], 2 * i + 1);
        s->texts[2 * i] = strdup(buf);
        snprintf(buf, sizeof buf, "Norrby, %s", streets[(i + 2) % 5]);
        s->texts[2 * i + 1] = strdup(buf);
        size_t len = 0;
        s->thumbs[i] = make_jpeg(i % 3 ? 320 : 240, i % 3 ? 240 : 320, (int)i, &len);
        double t = (double)i / (double)n * 11.0;
        size_t k = (size_t)t;
        double f = t - (double)k;
        it->number = (int)i + 1;
        it->group = n == TEST_ITEMS ? (i < n / 2 ? "Norr" : "Söder") : NULL;
        it->category = categories[i % 7];
        it->place = s->texts[2 * i + 1];
        it->description = s->texts[2 * i];
        it->thumb_jpeg = s->thumbs[i];
        it->thumb_len = len;
        it->unsafe_rating = (int)(i % 6);
        it->light = i % 3 == 0 ? "dark" : (i % 3 == 1 ? "twilight" : "day");
        it->action = i % 4 ? "Byt armaturer och röj sly längs gångvägen; ny belysning vid "
                             "tunnelns båda öppningar."
                           : NULL;
        it->responsible = i % 2 ? "Gatubelysning" : "AB Bostäder i Borås";
        it->priority = (int)(i % 4);
        it->deadline = i % 4 ? "2027-03-31" : NULL;
        it->state = i % 5 ? "Tilldelad" : "Ny";
        it->answer = i % 3 ? "Vi byter armaturerna under vecka 12." : NULL;
        it->has_at = 1;
        it->at.e = route[k].e + f * (route[k + 1].e - route[k].e) + (double)(i % 5) * 12 - 24;
        it->at.n = route[k].n + f * (route[k + 1].n - route[k].n) + (double)(i % 3) * 15 - 15;
    }
}

static void items_free(struct items *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->texts[2 * i]);
        free(s->texts[2 * i + 1]);
        free(s->thumbs[i]);
    }
    free(s->texts);
    free(s->thumbs);
    free(s->items);
}

static const struct walkdoc_earlier_item earlier[EARLIER_ITEMS] = {
    {1,
     "Belysning",
     "Norrby, Åsbogatan",
     "Trasig lampa vid lekplatsen.",
     WALKDOC_OUTCOME_FIXED,
     NULL,
     1,
     {377100, 6399500}},
    {2,
     "Vegetation",
     "Norrby, Sjöbovägen",
     "Höga buskar vid busshållplatsen.",
     WALKDOC_OUTCOME_STILL_THERE,
     "Beställt till våren.",
     1,
     {377500, 6399700}},
    {3,
     "Trafik",
     "Norrby, Göteborgsvägen",
     "Farligt övergångsställe vid skolan.",
     WALKDOC_OUTCOME_WONT_DO,
     "Trafikverkets väg, inte kommunens.",
     1,
     {377300, 6400000}},
    {4,
     "Klotter",
     "Norrby centrum",
     "Klotter på återvinningsstationen.",
     WALKDOC_OUTCOME_FIXED,
     NULL,
     0,
     {0, 0}},
    {5,
     "Otrygg plats",
     "Norrby, Hässleholmsvägen",
     "Ödslig parkering utan belysning.",
     WALKDOC_OUTCOME_UNKNOWN,
     NULL,
     1,
     {376950, 6399900}},
    {6,
     "Gångväg",
     "Norrby, Östermalmsgatan",
     "Trasig kantsten.",
     WALKDOC_OUTCOME_FIXED,
     NULL,
     1,
     {377650, 6399900}},
};

static const char *const partners[] = {"AB Bostäder i Borås", "Polisen", "Gatubelysning",
                                       "Fritids- och folkhälsoförvaltningen"};

static struct walkdoc_protocol sample_protocol(const struct items *s)
{
    struct walkdoc_protocol p;
    memset(&p, 0, sizeof p);
    p.lang = WALKDOC_SV;
    p.organisation = "Borås Stad";
    p.title = "Trygghetsvandring på Norrby – åäö ÅÄÖ é";
    p.area_name = "Norrby";
    p.starts_at = walk_start;
    p.ends_at = walk_end;
    p.participants = 23;
    p.partners = partners;
    p.n_partners = 4;
    p.organiser = "Norrby nätverk (Lokalt nätverk 7)";
    p.meeting_date = "2027-02-10";
    p.generated_at = walk_start + 86400 * 5;
    p.map = sample_map();
    p.items = s->items;
    p.n_items = s->n;
    p.has_audit = 1;
    for (int k = 0; k < WALKDOC_AUDIT_PARAMS; k++) {
        p.audit[k].mean = 0.4 + 0.3 * k;
        p.audit[k].count = 8 + k;
        p.audit[k].before_mean = k == 5 ? 0 : 1.6 - 0.1 * k;
        p.audit[k].before_count = k == 5 ? 0 : 7;
    }
    p.earlier_title = "Trygghetsvandring på Norrby, våren";
    p.earlier_starts_at = walk_start - 86400 * 200;
    p.earlier = earlier;
    p.n_earlier = EARLIER_ITEMS;
    return p;
}

/* ---- tests ----------------------------------------------------------------- */

static void test_poster(enum walkdoc_lang lang)
{
    struct walkdoc_poster p;
    memset(&p, 0, sizeof p);
    p.lang = lang;
    p.organisation = "Borås Stad · Fritids- och folkhälsoförvaltningen";
    p.title = "Trygghetsvandring på Östermalm – åäö ÅÄÖ é";
    p.area_name = "Östermalm";
    p.starts_at = walk_start;
    p.ends_at = walk_end;
    p.meeting_text = "Vid fontänen på Östermalms torg";
    p.join_url = join_url;
    p.join_code = "K7QM4X";
    p.note = "Frågor: Anna Åberg, nätverkskoordinator, 033-35 70 00.";
    p.map = sample_map();

    unsigned char *pdf = NULL;
    size_t len = 0;
    CHECK(walkdoc_poster_pdf(&p, &pdf, &len) == WALKDOC_OK);
    CHECK(pdf != NULL && len > 1000 && memcmp(pdf, "%PDF-", 5) == 0);
    if (!pdf)
        return;
    const char *name = lang == WALKDOC_SV ? "poster-sv.pdf" : "poster-en.pdf";
    const char *path = save_pdf(name, pdf, len);
    char pdfpath[512];
    snprintf(pdfpath, sizeof pdfpath, "%s", path);
    free(pdf);

    char *text = pdf_text(pdfpath, 0);
    CHECK(text != NULL);
    if (text) {
        squash(text);
        CHECK(strstr(text, "Trygghetsvandring på Östermalm – åäö ÅÄÖ é") != NULL);
        CHECK(strstr(text, "K7QM4X") != NULL);
        CHECK(strstr(text, join_url) != NULL);
        CHECK(strstr(text, "Vid fontänen på Östermalms torg") != NULL);
        CHECK(strstr(text, "Anna Åberg") != NULL);
        if (lang == WALKDOC_SV) {
            CHECK(strstr(text, "TRYGGHETSVANDRING") != NULL);
            CHECK(strstr(text, "Torsdag 26 november 2026") != NULL);
            CHECK(strstr(text, "kl. 18.00–19.30") != NULL);
            CHECK(strstr(text, "Samlingsplats") != NULL);
        } else {
            CHECK(strstr(text, "SAFETY WALK") != NULL);
            CHECK(strstr(text, "Thursday 26 November 2026") != NULL);
            CHECK(strstr(text, "18:00–19:30") != NULL);
            CHECK(strstr(text, "Meeting point") != NULL);
        }
        free(text);
    }

    /* The QR code on the printed page decodes to the join URL. */
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "pdftoppm -r 150 -png -f 1 -l 1 -singlefile '%s' '%s/poster' && "
             "zbarimg --nodbus --raw -q '%s/poster.png'",
             pdfpath, workdir, workdir);
    char *decoded = run(cmd);
    CHECK(decoded != NULL);
    if (decoded) {
        decoded[strcspn(decoded, "\r\n")] = '\0';
        CHECK(strcmp(decoded, join_url) == 0);
        printf("walkdoc: poster (%s) QR decodes to \"%s\"\n", lang == WALKDOC_SV ? "sv" : "en",
               decoded);
        free(decoded);
    }
    snprintf(cmd, sizeof cmd, "%s/poster.png", workdir);
    unlink(cmd);
    unlink(pdfpath);
}

/* 1 when a -layout line reads "<n>  <category ...>": the Nr column shows n in item n's row. */
static int row_has_number(const char *layout, int n, const char *category)
{
    char want[128];
    snprintf(want, sizeof want, "%d", n);
    size_t wl = strlen(want), cl = strlen(category);
    for (const char *line = layout; line && *line;) {
        const char *p = line;
        while (*p == ' ')
            p++;
        if (strncmp(p, want, wl) == 0 && p[wl] == ' ') {
            p += wl;
            while (*p == ' ')
                p++;
            if (strncmp(p, category, cl) == 0)
                return 1;
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return 0;
}

static void test_protocol(void)
{
    struct items s;
    items_make(&s, TEST_ITEMS);
    struct walkdoc_protocol p = sample_protocol(&s);
    unsigned char *pdf = NULL;
    size_t len = 0;
    CHECK(walkdoc_protocol_pdf(&p, &pdf, &len) == WALKDOC_OK);
    CHECK(pdf != NULL && len > 1000);
    if (!pdf) {
        items_free(&s);
        return;
    }
    char path[512];
    snprintf(path, sizeof path, "%s", save_pdf("protocol.pdf", pdf, len));
    free(pdf);

    char *text = pdf_text(path, 0), *layout = pdf_text(path, 1);
    CHECK(text != NULL && layout != NULL);
    if (text && layout) {
        squash(text);
        CHECK(strstr(text, "Trygghetsvandring på Norrby – åäö ÅÄÖ é") != NULL);
        CHECK(strstr(text, "PROTOKOLL FRÅN TRYGGHETSVANDRING") != NULL);
        CHECK(strstr(text, "Åtgärd") != NULL);
        CHECK(strstr(text, "Iakttagelser och åtgärder") != NULL);
        CHECK(strstr(text, "Torsdag 26 november 2026, kl. 18.00–19.30") != NULL);
        CHECK(strstr(text, "Fritids- och folkhälsoförvaltningen") != NULL);
        CHECK(strstr(text, "Grupp: Norr") != NULL);
        CHECK(strstr(text, "Grupp: Söder") != NULL);
        CHECK(strstr(text, "Trygghetsbedömning vid stoppen") != NULL);
        CHECK(strstr(text, "Människor i rörelse") != NULL);
        CHECK(strstr(text, "Könsfördelning") != NULL);
        CHECK(strstr(text, "Punkter från förra vandringen") != NULL);
        CHECK(strstr(text, "Åtgärdat") != NULL);
        CHECK(strstr(text, "Finns kvar") != NULL);
        CHECK(strstr(text, "Blir inte av") != NULL);
        CHECK(strstr(text, "Trafikverkets väg, inte kommunens.") != NULL);
        CHECK(strstr(text, "mörker") != NULL);
        CHECK(strstr(text, "1 Hög") != NULL);
        int missing_desc = 0, missing_number = 0;
        for (size_t i = 0; i < s.n; i++) {
            char want[512];
            snprintf(want, sizeof want, "%s", s.items[i].description);
            squash(want);
            if (!strstr(text, want)) {
                missing_desc++;
                fprintf(stderr, "  description of item %zu not found: %s\n", i + 1, want);
            }
            if (!row_has_number(layout, s.items[i].number, s.items[i].category)) {
                missing_number++;
                fprintf(stderr, "  row of item %d (\"%d  %s\") not found\n", s.items[i].number,
                        s.items[i].number, s.items[i].category);
            }
        }
        CHECK(missing_desc == 0);
        CHECK(missing_number == 0);
    }
    free(text);
    free(layout);

    /* English: the fixed text switches language. */
    p.lang = WALKDOC_EN;
    CHECK(walkdoc_protocol_pdf(&p, &pdf, &len) == WALKDOC_OK);
    if (pdf) {
        snprintf(path, sizeof path, "%s", save_pdf("protocol-en.pdf", pdf, len));
        free(pdf);
        text = pdf_text(path, 0);
        CHECK(text != NULL);
        if (text) {
            squash(text);
            CHECK(strstr(text, "SAFETY WALK PROTOCOL") != NULL);
            CHECK(strstr(text, "Observations and actions") != NULL);
            CHECK(strstr(text, "Won't be done") != NULL);
            CHECK(strstr(text, "Thursday 26 November 2026, 18:00–19:30") != NULL);
            free(text);
        }
        unlink(path);
    }
    items_free(&s);
}

static void test_bad_input(void)
{
    unsigned char *pdf = (unsigned char *)"x";
    size_t len = 1;
    struct walkdoc_poster poster;
    memset(&poster, 0, sizeof poster);
    poster.title = "T";
    poster.join_url = join_url;
    poster.join_code = NULL;
    CHECK(walkdoc_poster_pdf(&poster, &pdf, &len) == WALKDOC_INVALID);
    CHECK(pdf == NULL && len == 0);
    poster.join_code = "K7QM4X";
    poster.lang = (enum walkdoc_lang)7;
    CHECK(walkdoc_poster_pdf(&poster, &pdf, &len) == WALKDOC_INVALID);
    poster.lang = WALKDOC_SV;
    poster.map.n_route = 3; /* but no route pointer */
    CHECK(walkdoc_poster_pdf(&poster, &pdf, &len) == WALKDOC_INVALID);
    poster.map.n_route = 0;
    /* Everything optional left out, and text that is not UTF-8: still a PDF. */
    poster.title = "Bad \xC3\x28 bytes\x01 and a very long title that wraps over several lines "
                   "of the poster without ever overlapping what comes below it";
    CHECK(walkdoc_poster_pdf(&poster, &pdf, &len) == WALKDOC_OK);
    free(pdf);

    struct walkdoc_protocol p;
    memset(&p, 0, sizeof p);
    p.title = "Tom vandring";
    p.participants = -1;
    CHECK(walkdoc_protocol_pdf(&p, &pdf, &len) == WALKDOC_OK); /* no items, no map */
    free(pdf);
    p.n_items = WALKDOC_MAX_ITEMS + 1;
    CHECK(walkdoc_protocol_pdf(&p, &pdf, &len) == WALKDOC_INVALID);
    p.n_items = 1; /* but no items pointer */
    CHECK(walkdoc_protocol_pdf(&p, &pdf, &len) == WALKDOC_INVALID);
    p.n_items = 0;
    p.title = "";
    CHECK(walkdoc_protocol_pdf(&p, &pdf, &len) == WALKDOC_INVALID);

    /* A damaged thumbnail and an absurd description are left out or cut, not fatal. */
    static unsigned char junk[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1};
    char *huge = malloc(200000);
    memset(huge, 'a', 199999);
    huge[199999] = '\0';
    for (int i = 0; i < 199999; i += 7)
        huge[i] = i % 3 ? ' ' : '\n';
    struct walkdoc_item it = {.number = 1,
                              .category = "Övrigt",
                              .description = huge,
                              .thumb_jpeg = junk,
                              .thumb_len = sizeof junk,
                              .has_at = 1,
                              .at = {377000, 6399000}};
    p.title = "Trasig bild";
    p.items = &it;
    p.n_items = 1;
    CHECK(walkdoc_protocol_pdf(&p, &pdf, &len) == WALKDOC_OK);
    free(pdf);
    free(huge);
    CHECK(strcmp(walkdoc_audit_param_code(WALKDOC_AUDIT_GENDER_USAGE), "gender_usage") == 0);
    CHECK(walkdoc_audit_param_code(WALKDOC_AUDIT_PARAMS) == NULL);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_300_items_render(void)
{
    struct items s;
    items_make(&s, BIG_ITEMS);
    struct walkdoc_protocol p = sample_protocol(&s);
    unsigned char *pdf = NULL;
    size_t len = 0;
    double t0 = now_s();
    int rc = walkdoc_protocol_pdf(&p, &pdf, &len);
    double t1 = now_s();
    CHECK(rc == WALKDOC_OK);
    printf("walkdoc: protocol with %d items and photos rendered in %.2f s, %zu bytes\n", BIG_ITEMS,
           t1 - t0, len);
    if (pdf) {
        char path[512];
        snprintf(path, sizeof path, "%s", save_pdf("protocol-300.pdf", pdf, len));
        free(pdf);
        char *text = pdf_text(path, 0);
        CHECK(text != NULL);
        if (text) {
            squash(text);
            char want[512];
            snprintf(want, sizeof want, "%s", s.items[BIG_ITEMS - 1].description);
            squash(want);
            CHECK(strstr(text, want) != NULL);
            free(text);
        }
        unlink(path);
    }
    items_free(&s);
}

int main(void)
{
    snprintf(workdir, sizeof workdir, "/tmp/trygg-walkdoc-XXXXXX");
    CHECK(mkdtemp(workdir) != NULL);
    test_poster(WALKDOC_SV);
    test_poster(WALKDOC_EN);
    test_protocol();
    test_bad_input();
    test_300_items_render();
    char path[512];
    snprintf(path, sizeof path, "%s/protocol.pdf", workdir);
    unlink(path);
    rmdir(workdir);
    walkdoc_process_cleanup();
    return check_report("test_walkdoc");
}
