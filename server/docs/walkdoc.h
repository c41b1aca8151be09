/*
 * walkdoc — the printed documents of a safety walk, as PDF (A4 portrait,
 * cairo + pango, font "DejaVu Sans" from fonts-dejavu-core):
 *
 *   - the poster: an A4 notice for a notice board or a handout, with title,
 *     date and time, meeting point, a small map, the QR code of the join link
 *     and the join code in large letters;
 *   - the protocol: what the method asks the organiser to hand over — the
 *     walk's facts, a map with numbered points, the audit summary, one table
 *     row per observation (with photo thumbnail, proposed action, responsible,
 *     priority, deadline, state and answer), a section per group, and for a
 *     follow-up walk the earlier walk's points with their outcome.
 *
 * Pure: no HTTP, no database, no JSON. The caller fills the structs below from
 * database rows; every pointer is borrowed and only read during the call.
 * Maps are drawn from the geometry alone (SWEREF 99 TM metres, north up), so
 * no tile server is needed. All fixed text exists in Swedish and English.
 *
 * THREAD SAFETY: any thread may render. pango's default cairo font map is
 * per thread; a worker that renders should call walkdoc_thread_cleanup()
 * before it exits, and the process may call walkdoc_process_cleanup() once
 * after all rendering threads are done (tests do, so leak checkers stay clean).
 */
#ifndef TRYGG_WALKDOC_H
#define TRYGG_WALKDOC_H

#include <stddef.h>
#include <stdint.h>

/* A4 portrait in PostScript points. */
#define WALKDOC_PAGE_W 595.0
#define WALKDOC_PAGE_H 842.0
/* Every text is set in PDFDOC_FONT (fonts-dejavu-core); the join code in its Mono cut. */

/* Named limits. Input past them is refused (WALKDOC_INVALID) or cut, as said. */
#define WALKDOC_PDF_MAX_BYTES (64 * 1024 * 1024) /* a bigger document is WALKDOC_TOO_LARGE */
#define WALKDOC_MAX_ITEMS 2000                   /* items, and earlier items, per protocol */
#define WALKDOC_MAX_PARTNERS 100
#define WALKDOC_MAX_MAP_VERTICES 200000 /* area rings and route together */
#define WALKDOC_TEXT_MAX_BYTES 4000     /* longer text fields are cut at a character, with "…" */
#define WALKDOC_THUMB_MAX_BYTES (1024 * 1024) /* a bigger thumbnail is left out */
#define WALKDOC_THUMB_MAX_SIDE 2048           /* a thumbnail with a longer side is left out */

enum walkdoc_lang {
    WALKDOC_SV = 0,
    WALKDOC_EN = 1,
};

enum walkdoc_status {
    WALKDOC_OK = 0,
    WALKDOC_INVALID = 1,   /* a required field missing, a count over its limit, a bad lang */
    WALKDOC_TOO_LARGE = 2, /* the PDF would pass WALKDOC_PDF_MAX_BYTES */
    WALKDOC_INTERNAL = 3,  /* cairo/pango failed or memory ran out */
};

/* A point in SWEREF 99 TM (EPSG:3006): easting and northing in metres. */
struct walkdoc_xy {
    double e;
    double n;
};

/* One ring of an area polygon (outer ring or hole; closed or not). */
struct walkdoc_ring {
    const struct walkdoc_xy *pts;
    size_t n;
};

/*
 * What the map shows besides the numbered points. Rings are filled together
 * with the even-odd rule, so holes stay holes. The map is fitted to the route,
 * the meeting point and the numbered points (the area outline when there is
 * nothing else), with a margin and at least ~400 m across; area outlines
 * outside the frame are clipped. Points that are not finite are skipped.
 */
struct walkdoc_map {
    const struct walkdoc_ring *areas; /* NULL when n_areas == 0 */
    size_t n_areas;
    const struct walkdoc_xy *route; /* the walk's route line; NULL when n_route == 0 */
    size_t n_route;
    int has_meeting; /* 1: draw a marker at meeting */
    struct walkdoc_xy meeting;
};

struct walkdoc_poster {
    enum walkdoc_lang lang;
    const char *organisation; /* e.g. "Borås Stad"; NULL = none */
    const char *title;        /* required */
    const char *area_name;    /* NULL = none */
    int64_t starts_at;        /* Unix seconds, required; printed in Swedish local time */
    int64_t ends_at;          /* Unix seconds, or 0 when not set */
    const char *meeting_text; /* where to meet, e.g. "Vid fontänen på Norrby torg"; NULL = none */
    const char *join_url;     /* required; in the QR code and printed */
    const char *join_code;    /* required; printed large */
    const char *note;         /* organiser's extra line (contact, accessibility); NULL = none */
    struct walkdoc_map map;   /* all empty: the poster has no map */
};

/*
 * One observation of the walk, i.e. one row of the protocol's table. Strings
 * are shown as given (the caller picks the language of category names and
 * states); NULL shows as "–".
 */
struct walkdoc_item {
    int number;              /* shown in the table and on the map */
    const char *group;       /* the walk group's name, or NULL; see walkdoc_protocol */
    const char *category;    /* display name */
    const char *place;       /* area and nearest street, or SWEREF 99 TM coordinates as text */
    const char *description; /* wrapped; newlines kept */
    const unsigned char *thumb_jpeg; /* JPEG bytes or NULL; an unreadable one is left out */
    size_t thumb_len;
    int unsafe_rating;       /* 1..5, 0 = not given */
    const char *light;       /* "day", "twilight", "dark" (translated), other text as is */
    const char *action;      /* proposed action */
    const char *responsible; /* a unit or an outside owner */
    int priority;            /* 1 high, 2 medium, 3 low, 0 = not set */
    const char *deadline;    /* as printed, e.g. "2027-03-31" */
    const char *state;       /* the case's state, as printed */
    const char *answer;      /* the responsible party's answer */
    int has_at;              /* 1: draw the number on the map at `at` */
    struct walkdoc_xy at;
};

/* The nine parameters of the women's safety audit method, in the order printed. */
enum walkdoc_audit_param {
    WALKDOC_AUDIT_LIGHTING,
    WALKDOC_AUDIT_OPENNESS,
    WALKDOC_AUDIT_VISIBILITY,
    WALKDOC_AUDIT_PEOPLE,
    WALKDOC_AUDIT_SECURITY,
    WALKDOC_AUDIT_WALK_PATH,
    WALKDOC_AUDIT_PUBLIC_TRANSPORT,
    WALKDOC_AUDIT_GENDER_USAGE,
    WALKDOC_AUDIT_FEELING,
    WALKDOC_AUDIT_PARAMS
};

/* The summary of one parameter's 0..3 ratings. */
struct walkdoc_audit_score {
    double mean; /* 0..3; ignored when count == 0 */
    int count;   /* ratings behind the mean */
    double
        before_mean; /* the earlier walk's mean, for a follow-up; ignored when before_count == 0 */
    int before_count;
};

enum walkdoc_outcome {
    WALKDOC_OUTCOME_UNKNOWN = 0, /* not assessed yet */
    WALKDOC_OUTCOME_FIXED = 1,
    WALKDOC_OUTCOME_STILL_THERE = 2,
    WALKDOC_OUTCOME_WONT_DO = 3, /* with the reason */
};

/* A point of the earlier walk, as seen on the follow-up walk. */
struct walkdoc_earlier_item {
    int number;
    const char *category;
    const char *place;
    const char *description;
    int outcome;        /* enum walkdoc_outcome */
    const char *reason; /* why it won't be done, or a comment; NULL = none */
    int has_at;         /* 1: draw it (hollow, grey) on the map */
    struct walkdoc_xy at;
};

struct walkdoc_protocol {
    enum walkdoc_lang lang;
    const char *organisation;    /* e.g. "Borås Stad"; NULL = none */
    const char *title;           /* required */
    const char *area_name;       /* NULL = none */
    int64_t starts_at;           /* Unix seconds, required */
    int64_t ends_at;             /* 0 = not set */
    int participants;            /* < 0 = not known */
    const char *const *partners; /* display names; NULL when n_partners == 0 */
    size_t n_partners;
    const char *organiser;    /* the organising network or person; NULL = none */
    const char *meeting_date; /* the follow-up meeting, as printed; NULL = none */
    int64_t generated_at;     /* printed in the footer; 0 = not printed */
    struct walkdoc_map map;   /* numbered points come from the items */
    /*
     * Items in the order printed. When any item has a group, a group heading
     * is printed each time the group changes, so pass them sorted by group.
     */
    const struct walkdoc_item *items;
    size_t n_items;
    int has_audit; /* 1: print the audit summary from audit[] */
    struct walkdoc_audit_score audit[WALKDOC_AUDIT_PARAMS];
    /* A follow-up walk: the earlier walk and its points with their outcome. */
    const char *earlier_title; /* NULL = not a follow-up (earlier items are then ignored) */
    int64_t earlier_starts_at;
    const struct walkdoc_earlier_item *earlier;
    size_t n_earlier;
};

/*
 * Renders the poster. On WALKDOC_OK *out holds the PDF bytes from malloc()
 * (the caller frees them) and *len their count; otherwise *out is NULL and
 * *len 0.
 */
int walkdoc_poster_pdf(const struct walkdoc_poster *p, unsigned char **out, size_t *len);

/* Renders the protocol. Ownership and errors as walkdoc_poster_pdf. */
int walkdoc_protocol_pdf(const struct walkdoc_protocol *p, unsigned char **out, size_t *len);

/*
 * The API name of an audit parameter ("lighting", "openness", "visibility",
 * "people", "security", "walk_path", "public_transport", "gender_usage",
 * "feeling"), or NULL outside 0..WALKDOC_AUDIT_PARAMS-1. Static strings.
 */
const char *walkdoc_audit_param_code(int param);

/* Frees the calling thread's pango font map (fonts are loaded again on the next render). */
void walkdoc_thread_cleanup(void);

/*
 * Frees the process-wide font caches (fontconfig, cairo). Call once at exit,
 * after every thread has finished rendering and called walkdoc_thread_cleanup.
 */
void walkdoc_process_cleanup(void);

#endif
