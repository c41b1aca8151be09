/*
 * sitdoc — the situation picture as a printable A4 report (PDF, cairo +
 * pango, "DejaVu Sans"), for the crime-prevention council's meetings: the
 * period's facts, a map of the areas with the hot-spot cells, a bar chart of
 * each area's count against the previous period and the same period a year
 * earlier, the table of every area's figures, the ranking of areas by need,
 * the hot spots, the walks held and the city's indicators.
 *
 * Pure: no HTTP, no database, no JSON. The caller fills the structs below;
 * every pointer is borrowed and only read during the call. The map is drawn
 * from the geometry alone (SWEREF 99 TM metres, north up). All fixed text
 * exists in Swedish and English.
 *
 * THREAD SAFETY: as walkdoc.h (the same per-thread pango font map; a worker
 * that renders calls walkdoc_thread_cleanup() before it exits).
 */
#ifndef TRYGG_SITDOC_H
#define TRYGG_SITDOC_H

#include <stddef.h>
#include <stdint.h>

#define SITDOC_MAX_AREAS 500
#define SITDOC_MAX_ROWS 2000           /* rows of any one table */
#define SITDOC_MAX_MAP_VERTICES 200000 /* area rings together */
#define SITDOC_PDF_MAX_BYTES (32 * 1024 * 1024)

enum sitdoc_status {
    SITDOC_OK = 0,
    SITDOC_INVALID = 1,   /* a required field missing or a count over its limit */
    SITDOC_TOO_LARGE = 2, /* the PDF would pass SITDOC_PDF_MAX_BYTES */
    SITDOC_INTERNAL = 3,  /* cairo/pango failed or memory ran out */
};

/* A point in SWEREF 99 TM (EPSG:3006). */
struct sitdoc_xy {
    double e, n;
};

/* One ring of an area's outline. */
struct sitdoc_ring {
    const struct sitdoc_xy *pts;
    size_t n;
};

/* One area's line of the table (and bar of the chart). A figure < 0 is "–". */
struct sitdoc_area {
    const char *name; /* required */
    int64_t count, previous, year_before;
    double average;     /* mean of the four periods before; < 0: none */
    double unsafe_mean; /* 1..5; < 0: none */
    int64_t backlog, overdue;
    int walks, open_items;
    const char *top_categories; /* e.g. "Belysning 5, Klotter 3"; NULL = none */
};

/* One line of the ranking by need. */
struct sitdoc_rank {
    int rank;
    const char *name;
    double score; /* 0..1 */
    int64_t count;
    double unsafe_mean;    /* < 0: none */
    double trend;          /* -1..1 */
    double share_resolved; /* 0..1; < 0: none */
};

/* A hot-spot cell: on the map and in its table. */
struct sitdoc_cell {
    struct sitdoc_xy origin; /* south-west corner */
    int cell_m;
    int64_t count;
    int emerging, is_new;
    const char *area;  /* its area's name, or NULL */
    const char *label; /* e.g. "250mE377250N6399500" */
};

/* A walk held in the period. */
struct sitdoc_walk {
    const char *date, *title, *area;
    int items, open_items;
};

/* One of the city's indicators beside the observations. */
struct sitdoc_indicator {
    const char *area, *indicator, *source;
    int year;
    double value;
    int64_t observations; /* < 0: not shown */
};

struct sitdoc {
    int english;              /* 0: Swedish, 1: English */
    const char *organisation; /* e.g. "Borås Stad"; NULL = none */
    const char *period_label; /* required, e.g. "Vecka 48 2026 (23–29 november)" */
    const char *period_key;   /* e.g. "2026-W48" */
    const char *previous_label, *year_before_label;   /* column heads; NULL = "–" */
    int partial;                                      /* 1: the period has not ended yet */
    int64_t generated_at;                             /* Unix seconds; 0 = not printed */
    int64_t total, total_previous, total_year_before; /* < 0 = "–" */
    const struct sitdoc_area *areas;
    size_t n_areas;
    const struct sitdoc_rank *ranking;
    size_t n_ranking;
    double weights[4]; /* count, unsafe, trend, unresolved */
    const struct sitdoc_ring *rings;
    size_t n_rings;
    const struct sitdoc_cell *cells;
    size_t n_cells;
    const struct sitdoc_walk *walks;
    size_t n_walks;
    const struct sitdoc_indicator *indicators;
    size_t n_indicators;
};

/*
 * Renders the report. On SITDOC_OK *out holds the PDF bytes from malloc()
 * (the caller frees them) and *len their count; otherwise *out is NULL.
 */
int sitdoc_pdf(const struct sitdoc *s, unsigned char **out, size_t *len);

#endif
