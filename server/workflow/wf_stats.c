/*
 * wf_stats — see wf_stats.h. The questions are answered by covering the
 * asked span with whole periods (period_cover) and summing the aggregate rows
 * of each; the rows are then grouped in memory by sorting. No SQL here
 * (stats_store's), and no coordinate math beyond calling geo/ (crs, cell).
 */
#include "wf_stats.h"
#include "wf_stats_internal.h"

#include "catalog_store.h"
#include "crs.h"
#include "csvread.h"
#include "indicator_store.h"
#include "jsonout.h"
#include "jsonw.h"
#include "map_store.h"
#include "membuf.h"
#include "stats_store.h"
#include "validate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- shared helpers (wf_stats_internal.h) ---------------------------------------- */

int32_t wf_stats_today(void)
{
    return period_local_day((int64_t)time(NULL));
}

static int by_id_cmp(const void *a, const void *b)
{
    json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "id"));
    json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "id"));
    return (x > y) - (x < y);
}

/* arr's objects sorted by "id" into a new array (*n of them), or NULL. */
static json_t **index_by_id(json_t *arr, size_t *n)
{
    *n = json_array_size(arr);
    json_t **ix = malloc((*n ? *n : 1) * sizeof *ix);
    if (!ix)
        return NULL;
    for (size_t i = 0; i < *n; i++)
        ix[i] = json_array_get(arr, i);
    qsort(ix, *n, sizeof *ix, by_id_cmp);
    return ix;
}

int wf_names_load(struct dbc *c, struct wf_names *nm, struct wf_error *err)
{
    memset(nm, 0, sizeof *nm);
    nm->areas = stats_store_areas(c);
    nm->units = stats_store_units(c);
    nm->cats = catalog_store_categories(c);
    if (nm->areas && nm->units) {
        nm->area_ix = index_by_id(nm->areas, &nm->n_area);
        nm->unit_ix = index_by_id(nm->units, &nm->n_unit);
    }
    if (!nm->areas || !nm->units || !nm->cats || !nm->area_ix || !nm->unit_ix) {
        wf_names_free(nm);
        wf_fail(err, db_failure(c), NULL, "the statistics could not be read");
        return -1;
    }
    return 0;
}

void wf_names_free(struct wf_names *nm)
{
    json_decref(nm->areas);
    json_decref(nm->units);
    json_decref(nm->cats);
    free(nm->area_ix);
    free(nm->unit_ix);
    memset(nm, 0, sizeof *nm);
}

static json_t *find_id(json_t *const *ix, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (json_integer_value(json_object_get(ix[mid], "id")) < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && json_integer_value(json_object_get(ix[lo], "id")) == id ? ix[lo] : NULL;
}

const char *wf_area_code(const struct wf_names *nm, int64_t id)
{
    return json_string_value(json_object_get(find_id(nm->area_ix, nm->n_area, id), "code"));
}

const char *wf_area_name(const struct wf_names *nm, int64_t id)
{
    return json_string_value(json_object_get(find_id(nm->area_ix, nm->n_area, id), "name"));
}

const char *wf_unit_code(const struct wf_names *nm, int64_t id)
{
    return json_string_value(json_object_get(find_id(nm->unit_ix, nm->n_unit, id), "code"));
}

const char *wf_unit_name(const struct wf_names *nm, int64_t id)
{
    return json_string_value(json_object_get(find_id(nm->unit_ix, nm->n_unit, id), "name"));
}

const char *wf_category_name(const struct wf_names *nm, const char *code, int en)
{
    size_t i;
    json_t *v;
    json_array_foreach(nm->cats, i, v)
    {
        const char *k = json_string_value(json_object_get(v, "code"));
        if (k && code && strcmp(k, code) == 0)
            return json_string_value(json_object_get(v, en ? "name_en" : "name_sv"));
    }
    return code;
}

/* The ids (as a JSON array text, malloc'd) of the codes in the JSON array text
 * codes, looked up in arr; NULL codes gives NULL. 0, or -1 with err naming field. */
static int ids_of_codes(json_t *arr, const char *codes, const char *field, char **out,
                        struct wf_error *err)
{
    *out = NULL;
    if (!codes)
        return 0;
    json_t *list = json_loads(codes, 0, NULL), *ids = json_array();
    size_t i;
    json_t *v;
    int rc = 0;
    json_array_foreach(list, i, v)
    {
        size_t k;
        json_t *x;
        int64_t id = -1;
        json_array_foreach(arr, k, x)
        {
            const char *code = json_string_value(json_object_get(x, "code"));
            if (code && json_string_value(v) && strcmp(code, json_string_value(v)) == 0)
                id = json_integer_value(json_object_get(x, "id"));
        }
        if (id < 0) {
            rc = wf_fail(err, ERR_INVALID_FORMAT, field, "there is no %s '%s'", field,
                         json_string_value(v) ? json_string_value(v) : "?");
            break;
        }
        json_array_append_new(ids, json_integer(id));
    }
    if (rc == 0 && !(*out = json_dumps(ids, JSON_COMPACT)))
        rc = wf_fail(err, ERR_INTERNAL, NULL, "out of memory");
    json_decref(list);
    json_decref(ids);
    return rc;
}

void wf_day_iso(int32_t day, char *buf, size_t cap)
{
    period_key(period_containing(PERIOD_DAY, day), buf, cap);
}

/* The same calendar date a year earlier (29 February -> 28 February). */
static int32_t day_year_before(int32_t z)
{
    int y, m, d;
    period_civil_from_days(z, &y, &m, &d);
    if (m == 2 && d == 29)
        d = 28;
    return period_days_from_civil(y - 1, m, d);
}

/* Resolves q's span: from/to as given, else from the first counted day / to
 * today. 0, or -1 with err. */
int wf_stats_span(struct dbc *c, const struct wf_stats_query *q, int32_t *from, int32_t *to,
                  struct wf_error *err)
{
    char first[PERIOD_KEY_MAX], last[PERIOD_KEY_MAX];
    int32_t today = wf_stats_today();
    *to = q->has_to ? q->to : today;
    *from = *to;
    if (q->has_from) {
        *from = q->from;
    } else {
        int found = stats_store_day_span(c, first, last);
        struct period p;
        if (found < 0)
            return wf_fail(err, db_failure(c), NULL, "the statistics could not be read");
        /* from the start of the first counted day's period: whole periods compare fairly */
        if (found && period_parse(first, &p) == 0 && p.first < *to)
            *from = period_containing(q->grain, p.first).first;
    }
    if (*from > *to)
        return wf_fail(err, ERR_OUT_OF_RANGE, "from", "'from' is after 'to'");
    return 0;
}

/* ---- grouping rows in memory ----------------------------------------------------- */

/* s (NULL: "") into the zeroed key buffer out, cut to cap - 1 bytes. */
static void copy_key(char *out, size_t cap, const char *s)
{
    if (!s)
        return;
    size_t n = strlen(s);
    memcpy(out, s, n < cap ? n : cap - 1);
}

struct grow *wf_grows_add(struct grows *g, const char *period, int64_t area, int64_t unit,
                          const char *category, const char *source)
{
    if (g->failed)
        return NULL;
    if (g->n >= WF_STATS_MAX_ROWS * 4) {
        g->failed = 2;
        return NULL;
    }
    if (g->n == g->cap) {
        /* Add up the rows with equal keys so far before taking more memory: ten
         * years read in several runs hold each key several times. */
        if (g->n >= WF_GROWS_MERGE_FROM)
            wf_grows_merge(g);
        if (g->cap == 0 || g->n * 4 > g->cap * 3) {
            size_t cap = g->cap ? g->cap * 2 : 256;
            struct grow *b = realloc(g->a, cap * sizeof *b);
            if (!b) {
                g->failed = 1;
                return NULL;
            }
            g->a = b;
            g->cap = cap;
        }
    }
    struct grow *r = &g->a[g->n++];
    memset(r, 0, sizeof *r);
    copy_key(r->period, sizeof r->period, period);
    r->area_id = g->by & WF_BY_AREA ? area : -1;
    r->unit_id = g->by & WF_BY_UNIT ? unit : -1;
    copy_key(r->category, sizeof r->category, g->by & WF_BY_CATEGORY ? category : NULL);
    copy_key(r->source, sizeof r->source, g->by & WF_BY_SOURCE ? source : NULL);
    r->hours = -1;
    return r;
}

static int64_t cmp64(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

static int grow_key_cmp(const struct grow *x, const struct grow *y)
{
    int d = strcmp(x->period, y->period);
    if (!d)
        d = (int)cmp64(x->unit_id, y->unit_id);
    if (!d)
        d = (int)cmp64(x->area_id, y->area_id);
    if (!d)
        d = strcmp(x->category, y->category);
    if (!d)
        d = strcmp(x->source, y->source);
    return d;
}

static int grow_cmp(const void *a, const void *b)
{
    const struct grow *x = a, *y = b;
    int d = grow_key_cmp(x, y);
    return d ? d : (int)cmp64(x->hours, y->hours);
}

/* Sorts and merges rows with equal keys (and equal hours) by adding their figures. */
void wf_grows_merge(struct grows *g)
{
    if (!g->n)
        return;
    qsort(g->a, g->n, sizeof g->a[0], grow_cmp);
    size_t o = 0;
    for (size_t i = 1; i < g->n; i++) {
        if (grow_cmp(&g->a[o], &g->a[i]) == 0) {
            for (int k = 0; k < 10; k++)
                g->a[o].v[k] += g->a[i].v[k];
        } else {
            g->a[++o] = g->a[i];
        }
    }
    g->n = o + 1;
}

/* ---- counts ------------------------------------------------------------------------ */

/* Where the rows of one query go. */
struct count_sink {
    struct grows *g;
    const char *label; /* every row counts for this period; NULL: the row's own (or mapped) */
    int previous;      /* 1: the rows are the year-earlier counts */
    int map_forward;   /* 1: a row's period moves one year on (to the period it is compared with) */
    char lo[PERIOD_KEY_MAX], hi[PERIOD_KEY_MAX]; /* mapped periods outside lo..hi are dropped */
};

static void count_cb(void *ctx, const struct stats_count_row *row)
{
    struct count_sink *s = ctx;
    char key[PERIOD_KEY_MAX];
    const char *period = s->label ? s->label : row->period;
    if (!s->label && s->map_forward) {
        struct period p, q;
        if (period_parse(row->period, &p) != 0 || period_year_after(p, &q) != 0)
            return;
        period_key(q, key, sizeof key);
        if (strcmp(key, s->lo) < 0 || strcmp(key, s->hi) > 0)
            return;
        period = key;
    }
    struct grow *r = wf_grows_add(s->g, period, row->area_id, 0, row->category, row->source);
    if (!r)
        return;
    r->v[s->previous ? WF_V_PREV : WF_V_CUR] = row->n;
    if (!s->previous) {
        r->v[WF_V_RATED] = row->rated;
        r->v[WF_V_RATING_SUM] = row->rating_sum;
    }
}

/* The finer grain that covers the inside of a period of grain g. */
static enum period_grain cover_top(enum period_grain g)
{
    return g == PERIOD_YEAR ? PERIOD_QUARTER : g == PERIOD_QUARTER ? PERIOD_MONTH : PERIOD_DAY;
}

/* Adds the counts of days a..b, all counted for period label. 0 or -1. */
static int count_days(struct dbc *c, const struct stats_filter *f, struct grows *g,
                      enum period_grain grain, int32_t a, int32_t b, const char *label,
                      int previous)
{
    struct period_range r[PERIOD_COVER_MAX];
    int n = period_cover(a, b, cover_top(grain), r, PERIOD_COVER_MAX);
    struct count_sink s = {g, label, previous, 0, "", ""};
    for (int i = 0; i < n; i++)
        if (stats_store_counts(c, r[i].grain, r[i].lo, r[i].hi, f, count_cb, &s) != 0)
            return -1;
    return n < 0 ? -1 : 0;
}

/* Adds a period that from..to cuts: its days a..b, and the same days of the
 * period a year earlier. */
static int count_cut_period(struct dbc *c, const struct stats_filter *f, struct grows *g,
                            struct period p, int32_t a, int32_t b)
{
    char key[PERIOD_KEY_MAX];
    struct period y;
    period_key(p, key, sizeof key);
    if (count_days(c, f, g, p.grain, a, b, key, 0) != 0)
        return -1;
    if (period_year_before(p, &y) != 0)
        return 0;
    int32_t ya = y.first + (a - p.first), yb = y.first + (b - p.first);
    if (yb > y.last)
        yb = y.last;
    return ya <= yb ? count_days(c, f, g, p.grain, ya, yb, key, 1) : 0;
}

/* Fills g with the counts of q's span (periods of q->grain) and their year-earlier
 * counts; *periods gets every period key of the span. 0 or -1 with err. */
int wf_stats_count_rows(struct dbc *c, const struct wf_stats_query *q, const struct stats_filter *f,
                        int32_t from, int32_t to, struct grows *g, json_t *periods,
                        struct wf_error *err)
{
    struct period pf = period_containing(q->grain, from), pl = period_containing(q->grain, to);
    int n = 0;
    for (struct period p = pf; p.first <= pl.first; p = period_next(p)) {
        char key[PERIOD_KEY_MAX];
        if (++n > WF_STATS_MAX_PERIODS)
            return wf_fail(err, ERR_OUT_OF_RANGE, "period",
                           "more than %d periods: choose a longer period or a shorter span",
                           WF_STATS_MAX_PERIODS);
        period_key(p, key, sizeof key);
        json_array_append_new(periods, json_string(key));
    }
    /* the whole periods inside the span, as one run */
    struct period s = pf.first == from ? pf : period_next(pf);
    struct period e = pl.last == to ? pl : period_prev(pl);
    int rc = 0;
    if (s.first <= e.first) {
        struct count_sink cur = {g, NULL, 0, 0, "", ""};
        period_key(s, cur.lo, sizeof cur.lo);
        period_key(e, cur.hi, sizeof cur.hi);
        rc = stats_store_counts(c, q->grain, cur.lo, cur.hi, f, count_cb, &cur);
        /* a year earlier: the periods holding the same dates, moved one year on */
        struct count_sink prev = {g, NULL, 1, 1, "", ""};
        snprintf(prev.lo, sizeof prev.lo, "%s", cur.lo);
        snprintf(prev.hi, sizeof prev.hi, "%s", cur.hi);
        char lo[PERIOD_KEY_MAX], hi[PERIOD_KEY_MAX];
        period_key(period_containing(q->grain, day_year_before(s.first)), lo, sizeof lo);
        period_key(period_containing(q->grain, day_year_before(e.last)), hi, sizeof hi);
        if (rc == 0)
            rc = stats_store_counts(c, q->grain, lo, hi, f, count_cb, &prev);
    }
    /* the periods from and to cut */
    if (rc == 0 && pf.first < from)
        rc = count_cut_period(c, f, g, pf, from, to < pf.last ? to : pf.last);
    if (rc == 0 && pl.last > to && !(pl.first == pf.first && pf.first < from))
        rc = count_cut_period(c, f, g, pl, from > pl.first ? from : pl.first, to);
    if (rc != 0)
        return wf_fail(err, db_failure(c), NULL, "the statistics could not be read");
    if (g->failed)
        return wf_fail(err, g->failed == 2 ? ERR_OUT_OF_RANGE : ERR_INTERNAL, NULL,
                       g->failed == 2 ? "too many rows: group by less or ask for a shorter span"
                                      : "out of memory");
    wf_grows_merge(g);
    return 0;
}

/* A count as shown: null when public and below the threshold. */
json_t *wf_count_json(const struct config *cfg, int public_, int64_t n)
{
    if (public_ && n > 0 && n < cfg->stats_min_count)
        return json_null();
    return json_integer(n);
}

/* The filter of q with area and unit codes turned into ids. 0 or -1 with err;
 * free *areas_ids and *unit_ids. */
static int make_filter(const struct wf_names *nm, const struct wf_stats_query *q,
                       struct stats_filter *f, char **area_ids, char **unit_ids,
                       struct wf_error *err)
{
    memset(f, 0, sizeof *f);
    *area_ids = *unit_ids = NULL;
    if (ids_of_codes(nm->areas, q->area_codes, "area", area_ids, err) != 0 ||
        ids_of_codes(nm->units, q->unit_codes, "unit", unit_ids, err) != 0) {
        free(*area_ids);
        *area_ids = NULL;
        return -1;
    }
    f->areas = *area_ids;
    f->units = *unit_ids;
    f->categories = q->categories;
    f->sources = q->sources;
    return 0;
}

static json_t *by_json(unsigned by)
{
    json_t *a = json_array();
    if (by & WF_BY_UNIT)
        json_array_append_new(a, json_string("unit"));
    if (by & WF_BY_AREA)
        json_array_append_new(a, json_string("area"));
    if (by & WF_BY_CATEGORY)
        json_array_append_new(a, json_string("category"));
    if (by & WF_BY_SOURCE)
        json_array_append_new(a, json_string("source"));
    return a;
}

/* A count as shown, as JSON text: null when public and below the threshold. */
static void count_text(struct membuf *b, const struct config *cfg, int public_, int64_t n)
{
    if (public_ && n > 0 && n < cfg->stats_min_count)
        jsonw_raw(b, "null");
    else
        jsonw_int(b, n);
}

int wf_stats_counts_text(struct dbc *c, const struct config *cfg, const struct wf_stats_query *q,
                         struct membuf *out, struct wf_error *err)
{
    struct wf_names nm;
    struct stats_filter f;
    char *area_ids = NULL, *unit_ids = NULL, dfrom[PERIOD_KEY_MAX], dto[PERIOD_KEY_MAX];
    int32_t from, to;
    struct grows g = {0};
    g.by = q->by & (WF_BY_AREA | WF_BY_CATEGORY | WF_BY_SOURCE);
    if (wf_names_load(c, &nm, err) != 0)
        return -1;
    int rc = -1;
    json_t *periods = json_array();
    if (make_filter(&nm, q, &f, &area_ids, &unit_ids, err) != 0 ||
        wf_stats_span(c, q, &from, &to, err) != 0 ||
        wf_stats_count_rows(c, q, &f, from, to, &g, periods, err) != 0)
        goto out;
    wf_day_iso(from, dfrom, sizeof dfrom);
    wf_day_iso(to, dto, sizeof dto);
    /* {"by","period","from","to","periods","suppressed_below","rows"} */
    jsonw_raw(out, "{\"by\":");
    json_t *by = by_json(g.by);
    jsonout_value(out, by);
    json_decref(by);
    jsonw_raw(out, ",\"period\":");
    jsonw_str(out, period_grain_name(q->grain));
    jsonw_raw(out, ",\"from\":");
    jsonw_str(out, dfrom);
    jsonw_raw(out, ",\"to\":");
    jsonw_str(out, dto);
    jsonw_raw(out, ",\"periods\":");
    jsonout_value(out, periods);
    jsonw_raw(out, ",\"suppressed_below\":");
    if (q->public_)
        jsonw_int(out, cfg->stats_min_count);
    else
        jsonw_raw(out, "null");
    jsonw_raw(out, ",\"rows\":[");
    int first = 1;
    for (size_t i = 0; i < g.n; i++) {
        const struct grow *r = &g.a[i];
        if (!r->v[WF_V_CUR] && !r->v[WF_V_PREV])
            continue;
        jsonw_raw(out, first ? "{" : ",{");
        first = 0;
        const char *sep = "";
        if (g.by & WF_BY_AREA) {
            jsonw_raw(out, "\"area\":");
            jsonw_str(out, wf_area_code(&nm, r->area_id));
            sep = ",";
        }
        if (g.by & WF_BY_CATEGORY) {
            jsonw_raw(out, sep);
            jsonw_raw(out, "\"category\":");
            jsonw_str(out, r->category);
            sep = ",";
        }
        if (g.by & WF_BY_SOURCE) {
            jsonw_raw(out, sep);
            jsonw_raw(out, "\"source\":");
            jsonw_str(out, r->source);
            sep = ",";
        }
        jsonw_raw(out, sep);
        jsonw_raw(out, "\"period\":");
        jsonw_str(out, r->period);
        jsonw_raw(out, ",\"count\":");
        count_text(out, cfg, q->public_, r->v[WF_V_CUR]);
        jsonw_raw(out, ",\"previous_count\":");
        count_text(out, cfg, q->public_, r->v[WF_V_PREV]);
        jsonw_raw(out, "}");
    }
    jsonw_raw(out, "]}");
    rc = out->failed ? wf_fail(err, ERR_INTERNAL, NULL, "out of memory") : 0;
out:
    json_decref(periods);
    free(g.a);
    free(area_ids);
    free(unit_ids);
    wf_names_free(&nm);
    return rc;
}

json_t *wf_stats_counts(struct dbc *c, const struct config *cfg, const struct wf_stats_query *q,
                        struct wf_error *err)
{
    struct membuf out;
    membuf_init(&out, WF_STATS_TEXT_MAX);
    json_t *j = NULL;
    if (wf_stats_counts_text(c, cfg, q, &out, err) == 0 &&
        !(j = json_loadb((const char *)out.data, out.len, 0, NULL)))
        wf_fail(err, ERR_INTERNAL, NULL, "out of memory");
    membuf_free(&out);
    return j;
}

/* Appends one CSV field (RFC 4180 quoting when needed). */
static void csv_field(struct membuf *b, const char *s, int last)
{
    s = s ? s : "";
    if (strpbrk(s, ",\"\r\n")) {
        membuf_append_str(b, "\"");
        for (const char *p = s; *p; p++) {
            membuf_append(b, p, 1);
            if (*p == '"')
                membuf_append(b, "\"", 1);
        }
        membuf_append_str(b, "\"");
    } else {
        membuf_append_str(b, s);
    }
    membuf_append_str(b, last ? "\r\n" : ",");
}

static void csv_count(struct membuf *b, json_t *v, int last)
{
    char num[32] = "";
    if (json_is_integer(v))
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
    csv_field(b, num, last);
}

int wf_stats_counts_csv(struct dbc *c, const struct config *cfg, const struct wf_stats_query *q,
                        const char *lang, unsigned char **out, size_t *len, struct wf_error *err)
{
    int en = lang && strcmp(lang, "en") == 0;
    json_t *res = wf_stats_counts(c, cfg, q, err);
    if (!res)
        return -1;
    struct wf_names nm;
    if (wf_names_load(c, &nm, err) != 0) {
        json_decref(res);
        return -1;
    }
    struct membuf b;
    membuf_init(&b, 64 * 1024 * 1024);
    membuf_append_str(&b, "\xEF\xBB\xBF"); /* BOM: spreadsheet programs then read UTF-8 */
    unsigned by = q->by;
    if (by & WF_BY_AREA)
        csv_field(&b, "area", 0), csv_field(&b, "area_name", 0);
    if (by & WF_BY_CATEGORY)
        csv_field(&b, "category", 0), csv_field(&b, "category_name", 0);
    if (by & WF_BY_SOURCE)
        csv_field(&b, "source", 0);
    csv_field(&b, "period", 0);
    csv_field(&b, "count", 0);
    csv_field(&b, "previous_count", 1);
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(res, "rows"), i, r)
    {
        if (by & WF_BY_AREA) {
            const char *code = json_string_value(json_object_get(r, "area"));
            const char *name = NULL;
            size_t k;
            json_t *a;
            json_array_foreach(
                nm.areas, k,
                a) if (code && strcmp(code, json_string_value(json_object_get(a, "code"))) == 0)
                name = json_string_value(json_object_get(a, "name"));
            csv_field(&b, code, 0);
            csv_field(&b, name ? name : (en ? "outside the areas" : "utanför områdena"), 0);
        }
        if (by & WF_BY_CATEGORY) {
            const char *code = json_string_value(json_object_get(r, "category"));
            csv_field(&b, code, 0);
            csv_field(&b, wf_category_name(&nm, code, en), 0);
        }
        if (by & WF_BY_SOURCE)
            csv_field(&b, json_string_value(json_object_get(r, "source")), 0);
        csv_field(&b, json_string_value(json_object_get(r, "period")), 0);
        csv_count(&b, json_object_get(r, "count"), 0);
        csv_count(&b, json_object_get(r, "previous_count"), 1);
    }
    json_decref(res);
    wf_names_free(&nm);
    if (membuf_take(&b, out, len) != 0)
        return wf_fail(err, ERR_INTERNAL, NULL, "the CSV could not be made");
    return 0;
}

/* ---- the workflow's figures ---------------------------------------------------------- */

static void flow_cb(void *ctx, const struct stats_flow_row *row)
{
    struct grow *r = wf_grows_add(ctx, "", row->area_id, row->unit_id, row->category, NULL);
    if (!r)
        return;
    r->v[WF_F_OPENED] = row->opened;
    r->v[WF_F_OPENED_RESOLVED] = row->opened_resolved;
    r->v[WF_F_RESOLVED] = row->resolved;
    r->v[WF_F_REJECTED] = row->rejected;
    r->v[WF_F_WITH_DUE] = row->with_due;
    r->v[WF_F_ON_TIME] = row->on_time;
}

static void ttr_cb(void *ctx, const struct stats_ttr_row *row)
{
    struct grow *r = wf_grows_add(ctx, "", row->area_id, row->unit_id, row->category, NULL);
    if (!r)
        return;
    r->hours = row->hours;
    r->v[WF_F_TTR_N] = row->n;
}

static void open_cb(void *ctx, const struct stats_open_row *row)
{
    struct grow *r = wf_grows_add(ctx, "", row->area_id, row->unit_id, row->category, NULL);
    if (!r)
        return;
    r->v[WF_F_OPEN] = row->open;
    r->v[WF_F_OVERDUE] = row->overdue;
}

/* Fills g with the workflow's figures of days from..to, grouped by g->by: rows
 * with hours -1 carry the counts, rows with hours >= 0 the histogram. */
int wf_stats_flow_rows(struct dbc *c, const struct stats_filter *f, int32_t from, int32_t to,
                       int with_open, struct grows *g, struct wf_error *err)
{
    struct period_range r[PERIOD_COVER_MAX];
    int n = period_cover(from, to, PERIOD_YEAR, r, PERIOD_COVER_MAX), rc = n < 0 ? -1 : 0;
    for (int i = 0; rc == 0 && i < n; i++)
        rc = stats_store_flow(c, r[i].grain, r[i].lo, r[i].hi, f, flow_cb, g) == 0 &&
                     stats_store_ttr(c, r[i].grain, r[i].lo, r[i].hi, f, ttr_cb, g) == 0
                 ? 0
                 : -1;
    if (rc == 0 && with_open) {
        char now[32];
        db_now_iso(now, sizeof now);
        rc = stats_store_open_cases(c, now, f, open_cb, g);
    }
    if (rc != 0)
        return wf_fail(err, db_failure(c), NULL, "the workflow's figures could not be read");
    if (g->failed)
        return wf_fail(err, ERR_INTERNAL, NULL, "out of memory");
    wf_grows_merge(g);
    return 0;
}

/* The value at nearest rank ceil(share * total) of the histogram a[i..j). */
static int64_t hist_rank(const struct grow *a, size_t i, size_t j, int64_t total, double share)
{
    int64_t rank = (int64_t)ceil(share * (double)total), seen = 0;
    if (rank < 1)
        rank = 1;
    for (size_t k = i; k < j; k++) {
        seen += a[k].v[WF_F_TTR_N];
        if (seen >= rank)
            return a[k].hours;
    }
    return -1;
}

json_t *wf_stats_workflow(struct dbc *c, const struct config *cfg, const struct wf_stats_query *q,
                          struct wf_error *err)
{
    struct wf_names nm;
    struct stats_filter f;
    char *area_ids = NULL, *unit_ids = NULL, dfrom[PERIOD_KEY_MAX], dto[PERIOD_KEY_MAX], now[32];
    int32_t from, to;
    struct grows g = {0};
    g.by = q->by & (WF_BY_UNIT | WF_BY_AREA | WF_BY_CATEGORY);
    if (wf_names_load(c, &nm, err) != 0)
        return NULL;
    json_t *out = NULL, *rows = json_array();
    if (make_filter(&nm, q, &f, &area_ids, &unit_ids, err) != 0 ||
        wf_stats_span(c, q, &from, &to, err) != 0 ||
        wf_stats_flow_rows(c, &f, from, to, 1, &g, err) != 0)
        goto out;
    for (size_t i = 0; i < g.n;) {
        size_t j = i;
        int64_t v[10] = {0}, total = 0;
        while (j < g.n && grow_key_cmp(&g.a[i], &g.a[j]) == 0) {
            for (int k = 0; k < 10; k++)
                v[k] += g.a[j].v[k];
            if (g.a[j].hours >= 0)
                total += g.a[j].v[WF_F_TTR_N];
            j++;
        }
        /* rows with hours -1 sort first: the histogram is a[h..j) */
        size_t h = i;
        while (h < j && g.a[h].hours < 0)
            h++;
        const struct grow *r = &g.a[i];
        int pub = q->public_, any = total > 0;
        for (int k = 0; k < WF_F_TTR_N; k++)
            any |= v[k] != 0;
        if (!any) { /* only taken-back rows (a case that moved on) */
            i = j;
            continue;
        }
        json_t *o = json_object();
        if (g.by & WF_BY_UNIT) {
            const char *code = wf_unit_code(&nm, r->unit_id);
            json_object_set_new(o, "unit", code ? json_string(code) : json_null());
            const char *name = wf_unit_name(&nm, r->unit_id);
            json_object_set_new(o, "unit_name", name ? json_string(name) : json_null());
        }
        if (g.by & WF_BY_AREA) {
            const char *code = wf_area_code(&nm, r->area_id);
            json_object_set_new(o, "area", code ? json_string(code) : json_null());
        }
        if (g.by & WF_BY_CATEGORY)
            json_object_set_new(o, "category", json_string(r->category));
        json_object_set_new(o, "opened", wf_count_json(cfg, pub, v[WF_F_OPENED]));
        json_object_set_new(o, "resolved", wf_count_json(cfg, pub, v[WF_F_RESOLVED]));
        json_object_set_new(o, "rejected", wf_count_json(cfg, pub, v[WF_F_REJECTED]));
        json_object_set_new(o, "backlog", wf_count_json(cfg, pub, v[WF_F_OPEN]));
        json_object_set_new(o, "overdue", wf_count_json(cfg, pub, v[WF_F_OVERDUE]));
        int shown = total > 0 && !(pub && total < cfg->stats_min_count);
        json_object_set_new(o, "median_hours",
                            shown ? json_integer(hist_rank(g.a, h, j, total, 0.5)) : json_null());
        json_object_set_new(o, "p90_hours",
                            shown ? json_integer(hist_rank(g.a, h, j, total, 0.9)) : json_null());
        int due_shown = v[WF_F_WITH_DUE] > 0 && !(pub && v[WF_F_WITH_DUE] < cfg->stats_min_count);
        json_object_set_new(o, "resolved_within_due",
                            due_shown
                                ? json_real((double)v[WF_F_ON_TIME] / (double)v[WF_F_WITH_DUE])
                                : json_null());
        json_array_append_new(rows, o);
        i = j;
    }
    wf_day_iso(from, dfrom, sizeof dfrom);
    wf_day_iso(to, dto, sizeof dto);
    db_now_iso(now, sizeof now);
    out = json_pack("{s:o, s:s, s:s, s:s, s:o, s:O}", "by", by_json(g.by), "from", dfrom, "to", dto,
                    "now", now, "suppressed_below",
                    q->public_ ? json_integer(cfg->stats_min_count) : json_null(), "rows", rows);
out:
    json_decref(rows);
    free(g.a);
    free(area_ids);
    free(unit_ids);
    wf_names_free(&nm);
    return out;
}

/* ---- hot spots ------------------------------------------------------------------------ */

/* One row of a cell being summed: its corner, its count in from..to or in a trend
 * quarter, for one area. Compact (32 bytes): ten years of a nation's cells are
 * a few hundred thousand of these. */
struct hcell {
    int32_t e, n, area_id;
    int32_t total, q[4];
    int32_t pad;
};

struct hcells {
    struct hcell *a;
    size_t n, cap;
    int failed;
    int slot; /* -1: the span's total; 0..3: a trend quarter */
    int sign; /* +1, or -1 while taking away the days outside a span */
};

static void cell_cb(void *ctx, const struct stats_cell_row *row)
{
    struct hcells *h = ctx;
    if (h->failed)
        return;
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap + h->cap / 2 : 4096;
        struct hcell *b = cap <= 8u * WF_STATS_MAX_ROWS ? realloc(h->a, cap * sizeof *b) : NULL;
        if (!b) {
            h->failed = cap <= 8u * WF_STATS_MAX_ROWS ? 1 : 2;
            return;
        }
        h->a = b;
        h->cap = cap;
    }
    struct hcell *x = &h->a[h->n++];
    memset(x, 0, sizeof *x);
    x->e = (int32_t)row->cell_e;
    x->n = (int32_t)row->cell_n;
    x->area_id = (int32_t)row->area_id;
    if (h->slot < 0)
        x->total = (int32_t)(h->sign * row->n);
    else
        x->q[h->slot] = (int32_t)row->n;
}

static int hcell_cmp(const void *a, const void *b)
{
    const struct hcell *x = a, *y = b;
    int64_t d = cmp64(x->e, y->e);
    if (!d)
        d = cmp64(x->n, y->n);
    if (!d)
        d = cmp64(x->area_id, y->area_id);
    return (int)d;
}

static int hspot_cmp(const void *a, const void *b)
{
    const struct hspot *x = a, *y = b;
    int64_t d = cmp64(y->total, x->total);
    if (!d)
        d = cmp64(x->n, y->n);
    if (!d)
        d = cmp64(x->e, y->e);
    return (int)d;
}

/* Restores the heap below k in s[0..n): every parent sorts after its children
 * (hspot_cmp), so s[0] is the one that would rank last. */
static void heap_down(struct hspot *s, size_t n, size_t k)
{
    for (;;) {
        size_t l = 2 * k + 1, r = l + 1, m = k;
        if (l < n && hspot_cmp(&s[l], &s[m]) > 0)
            m = l;
        if (r < n && hspot_cmp(&s[r], &s[m]) > 0)
            m = r;
        if (m == k)
            return;
        struct hspot t = s[k];
        s[k] = s[m];
        s[m] = t;
        k = m;
    }
}

static int cells_span(struct dbc *c, int cell_m, const struct stats_filter *f, int32_t a, int32_t b,
                      struct hcells *h, int slot, int sign)
{
    struct period_range r[PERIOD_COVER_MAX];
    if (a > b)
        return 0;
    int n = period_cover(a, b, PERIOD_YEAR, r, PERIOD_COVER_MAX);
    h->slot = slot;
    h->sign = sign;
    for (int i = 0; i < n; i++)
        if (stats_store_cells(c, cell_m, r[i].grain, r[i].lo, r[i].hi, f, cell_cb, h) != 0)
            return -1;
    return n < 0 ? -1 : 0;
}

/* One cell's count over the days a..b (every area and category f lets through): the
 * span covered by whole years, quarters, months and days, one seek per period. */
static int64_t cell_span_count(struct dbc *c, int cell_m, const struct stats_filter *f, int32_t a,
                               int32_t b, int64_t e, int64_t n)
{
    struct period_range r[PERIOD_COVER_MAX];
    if (a > b)
        return 0;
    int nr = period_cover(a, b, PERIOD_YEAR, r, PERIOD_COVER_MAX);
    if (nr < 0)
        return -1;
    int64_t sum = 0;
    for (int i = 0; i < nr; i++)
        for (struct period p = period_containing(r[i].grain, r[i].first); p.first <= r[i].last;
             p = period_next(p)) {
            char key[PERIOD_KEY_MAX];
            period_key(p, key, sizeof key);
            int64_t v = stats_store_cell_count(c, cell_m, r[i].grain, key, e, n, f);
            if (v < 0)
                return -1;
            sum += v;
        }
    return sum;
}

/*
 * Whether the span from..to is best read as every cell's count of all time less
 * the days counted before and after it: when no category is asked for and the
 * span holds more days of what was counted than it leaves out. 1 with the first
 * and last day counted, 0 not, -1 on error.
 */
static int span_from_all_time(struct dbc *c, const struct stats_filter *f, int32_t from, int32_t to,
                              int32_t *first, int32_t *last)
{
    char first_key[PERIOD_KEY_MAX], last_key[PERIOD_KEY_MAX];
    struct period pf, pl;
    int found = f->categories ? 0 : stats_store_day_span(c, first_key, last_key);
    if (found != 1)
        return found;
    if (period_parse(first_key, &pf) != 0 || period_parse(last_key, &pl) != 0)
        return 0;
    *first = pf.first;
    *last = pl.first;
    int64_t inside = (int64_t)(to < *last ? to : *last) - (from > *first ? from : *first) + 1;
    int64_t outside = (int64_t)(from > *first ? from - *first : 0) + (to < *last ? *last - to : 0);
    return inside > outside;
}

/* The counts of the days first..last outside from..to into h, with sign. */
static int span_outside(struct dbc *c, int cell_m, const struct stats_filter *f, int32_t from,
                        int32_t to, int32_t first, int32_t last, struct hcells *h, int sign)
{
    if (from > first && cells_span(c, cell_m, f, first, from - 1, h, -1, sign) != 0)
        return -1;
    if (to < last && cells_span(c, cell_m, f, to + 1, last, h, -1, sign) != 0)
        return -1;
    return 0;
}

/*
 * The span's totals into h: summed from its periods, or, when the span holds
 * most of what was counted and no category is asked for, as every cell's count
 * of all time (stats_cells_all) less the days counted before and after the span:
 * ten years then read about a row per cell instead of one per cell, category and
 * period.
 */
static int span_totals(struct dbc *c, int cell_m, const struct stats_filter *f, int32_t from,
                       int32_t to, struct hcells *h)
{
    int32_t first = 0, last = 0;
    int all = span_from_all_time(c, f, from, to, &first, &last);
    if (all < 0)
        return -1;
    if (all) {
        h->slot = -1;
        h->sign = 1;
        if (stats_store_cells_all(c, cell_m, f, cell_cb, h) != 0)
            return -1;
        return span_outside(c, cell_m, f, from, to, first, last, h, -1);
    }
    return cells_span(c, cell_m, f, from, to, h, -1, 1);
}

/* ---- the largest cells of a long span, by the all-time index (migration 0014) ---- */

struct topwalk {
    const struct hcells *out; /* the counts outside the span, sorted by hcell_cmp */
    struct hspot *s;          /* a heap of the kept (heap_down), room of them */
    size_t room, ns;
};

/* The first row of out at or after cell (e, n), or out->n. */
static size_t outside_at(const struct hcells *out, int64_t e, int64_t n)
{
    size_t lo = 0, hi = out->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct hcell *x = &out->a[mid];
        if (x->e < e || (x->e == e && x->n < n))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Cell (e, n)'s count outside the span (area < 0: every area). */
static int64_t outside_count(const struct hcells *out, int64_t e, int64_t n, int64_t area)
{
    int64_t sum = 0;
    for (size_t i = outside_at(out, e, n); i < out->n && out->a[i].e == e && out->a[i].n == n; i++)
        if (area < 0 || out->a[i].area_id == area)
            sum += out->a[i].total;
    return sum;
}

static int topwalk_cb(void *ctx, int64_t e, int64_t n, int64_t all)
{
    struct topwalk *w = ctx;
    /* A span never holds more of a cell than all time: once the smallest kept has
     * more than this cell's all-time count, no cell further down can be kept. */
    if (w->ns == w->room && w->s[0].total > all)
        return 1;
    struct hspot x = {0};
    x.e = e;
    x.n = n;
    x.total = all - outside_count(w->out, e, n, -1);
    x.area_id = x.area_best = -1;
    if (x.total <= 0)
        return 0;
    if (w->ns < w->room) {
        w->s[w->ns++] = x;
        if (w->ns == w->room) /* full: order the heap once */
            for (size_t k = w->room / 2; k-- > 0;)
                heap_down(w->s, w->room, k);
    } else if (hspot_cmp(&x, &w->s[0]) < 0) {
        w->s[0] = x;
        heap_down(w->s, w->room, 0);
    }
    return 0;
}

struct area_pick {
    const struct hcells *out;
    struct hspot *x;
};

/* Keeps the area with most of the cell in the span (the lowest id of equals, as
 * the summing path does: it visits areas in order of id). */
static void area_pick_cb(void *ctx, const struct stats_cell_row *row)
{
    struct area_pick *p = ctx;
    int64_t at = row->n - outside_count(p->out, row->cell_e, row->cell_n, row->area_id);
    if (at > p->x->area_best || (at == p->x->area_best && row->area_id < p->x->area_id)) {
        p->x->area_best = at;
        p->x->area_id = row->area_id;
    }
}

/*
 * The keep largest cells of from..to (no category or area asked for, most of what
 * was counted inside the span) into *out, *nout: walks the cells by their count of
 * all time, largest first, each less its days outside the span, and stops once the
 * smallest kept has more than the next cell's count of all time. Ten years of a
 * nation then read a few hundred cells, not half a million. 1 done, 0 when this
 * path does not apply, -1 on error.
 */
static int top_by_all_time(struct dbc *c, int cell_m, const struct stats_filter *f, int32_t from,
                           int32_t to, size_t keep, struct hspot **out, size_t *nout)
{
    int32_t first = 0, last = 0;
    if (keep == 0 || f->areas || f->categories)
        return 0;
    int all = span_from_all_time(c, f, from, to, &first, &last);
    if (all <= 0)
        return all;
    struct hcells o = {0};
    if (span_outside(c, cell_m, f, from, to, first, last, &o, 1) != 0 || o.failed) {
        free(o.a);
        return o.failed ? 0 : -1; /* too much outside to hold: the summing path */
    }
    if (o.n)
        qsort(o.a, o.n, sizeof o.a[0], hcell_cmp);
    struct topwalk w = {&o, calloc(keep, sizeof(struct hspot)), keep, 0};
    if (!w.s || stats_store_cells_by_total(c, cell_m, topwalk_cb, &w) != 0) {
        free(o.a);
        free(w.s);
        return -1;
    }
    for (size_t i = 0; i < w.ns; i++) {
        struct area_pick p = {&o, &w.s[i]};
        if (stats_store_cell_areas(c, cell_m, w.s[i].e, w.s[i].n, area_pick_cb, &p) != 0) {
            free(o.a);
            free(w.s);
            return -1;
        }
    }
    free(o.a);
    *out = w.s;
    *nout = w.ns;
    return 1;
}

static json_t *cell_polygon(struct dbc *c, int64_t e, int64_t n, int cell_m)
{
    static const int corners[5][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}};
    json_t *ring = json_array();
    for (int i = 0; i < 5; i++) {
        double lon = 0, lat = 0;
        crs_sweref99tm_to_wgs84(c->crs, (double)(e + corners[i][0] * cell_m),
                                (double)(n + corners[i][1] * cell_m), &lon, &lat);
        json_array_append_new(ring,
                              json_pack("[f, f]", round(lon * 1e7) / 1e7, round(lat * 1e7) / 1e7));
    }
    return json_pack("{s:s, s:[o]}", "type", "Polygon", "coordinates", ring);
}

/* The keep largest cells of from..to (every cell when keep is 0, with its trend in
 * the quarters qs) into *out, *nout, summed from every cell of the span. 0 or -1
 * with err. */
static int top_by_summing(struct dbc *c, int cell_m, const struct stats_filter *f, int32_t from,
                          int32_t to, size_t keep, const struct period qs[4], struct hspot **out,
                          size_t *nout, struct wf_error *err)
{
    struct hcells h = {0};
    struct hspot *s = NULL;
    size_t ns = 0;
    int rc = span_totals(c, cell_m, f, from, to, &h);
    /* The trend of every cell only when every cell is wanted (keep 0); otherwise it is
     * looked up below for the kept ones alone, instead of reading a year of the
     * country's cells for every answer. */
    for (int i = 0; rc == 0 && keep == 0 && i < 4; i++)
        rc = cells_span(c, cell_m, f, qs[i].first, qs[i].last < to ? qs[i].last : to, &h, i, 1);
    if (rc != 0 || h.failed) {
        free(h.a);
        if (rc != 0)
            return wf_fail(err, db_failure(c), NULL, "the hot spots could not be read");
        /* More cells than one answer may hold in memory: a clear answer, not a 500. */
        return wf_fail(err, ERR_OUT_OF_RANGE, "from",
                       "too many hot-spot cells in this span for one answer: ask for a "
                       "shorter period, one area or a larger cell");
    }
    if (h.n)
        qsort(h.a, h.n, sizeof h.a[0], hcell_cmp);
    /* keep > 0: only the keep largest are wanted, held in a heap whose top is the
     * smallest of them (ten years of a nation's cells need not all be held). */
    size_t cells = 0; /* distinct cells: h holds a row per cell, area and slot */
    for (size_t i = 0; i < h.n; i++)
        cells += i == 0 || h.a[i].e != h.a[i - 1].e || h.a[i].n != h.a[i - 1].n;
    size_t room = keep > 0 && keep < cells ? keep : cells;
    s = calloc(room + 1, sizeof *s);
    if (!s) {
        free(h.a);
        return wf_fail(err, ERR_INTERNAL, NULL, "out of memory");
    }
    for (size_t i = 0; i < h.n;) {
        struct hspot *x = &s[ns < room ? ns : room];
        memset(x, 0, sizeof *x);
        ns++;
        x->e = h.a[i].e;
        x->n = h.a[i].n;
        x->area_best = -1;
        while (i < h.n && h.a[i].e == x->e && h.a[i].n == x->n) {
            int64_t area = h.a[i].area_id, at = 0;
            while (i < h.n && h.a[i].e == x->e && h.a[i].n == x->n && h.a[i].area_id == area) {
                at += h.a[i].total;
                x->total += h.a[i].total;
                for (int k = 0; k < 4; k++)
                    x->q[k] += h.a[i].q[k];
                i++;
            }
            if (at > x->area_best) {
                x->area_best = at;
                x->area_id = area;
            }
        }
        if (x->total <= 0) {
            ns--;
            continue;
        }
        if (ns <= room) {
            if (ns == room && room < cells) /* full: order the heap once */
                for (size_t k = room / 2; k-- > 0;)
                    heap_down(s, room, k);
        } else { /* s[room] is the newcomer: in place of the smallest kept if larger */
            ns = room;
            if (hspot_cmp(&s[room], &s[0]) < 0) {
                s[0] = s[room];
                heap_down(s, room, 0);
            }
        }
    }
    free(h.a);
    *out = s;
    *nout = ns;
    return 0;
}

/* Sums the hot spots of q's cell size over from..to with their trend into a
 * malloc'd array sorted by count (*n of them); quarters gets the trend's keys. */
int wf_hotspots_compute(struct dbc *c, const struct config *cfg, int cell_m,
                        const struct stats_filter *f, int32_t from, int32_t to, size_t keep,
                        struct hspot **out, size_t *nout, char quarters[4][PERIOD_KEY_MAX],
                        struct wf_error *err)
{
    struct period qs[4];
    qs[3] = period_containing(PERIOD_QUARTER, to);
    for (int i = 2; i >= 0; i--)
        qs[i] = period_prev(qs[i + 1]);
    for (int i = 0; i < 4; i++)
        period_key(qs[i], quarters[i], PERIOD_KEY_MAX);
    struct hspot *s = NULL;
    size_t ns = 0;
    (void)cfg;
    int top = top_by_all_time(c, cell_m, f, from, to, keep, &s, &ns);
    if (top < 0)
        return wf_fail(err, db_failure(c), NULL, "the hot spots could not be read");
    if (!top && top_by_summing(c, cell_m, f, from, to, keep, qs, &s, &ns, err) != 0)
        return -1;
    for (size_t i = 0; keep > 0 && i < ns; i++)
        for (int k = 0; k < 4; k++) {
            int64_t v = cell_span_count(c, cell_m, f, qs[k].first,
                                        qs[k].last < to ? qs[k].last : to, s[i].e, s[i].n);
            if (v < 0) {
                free(s);
                return wf_fail(err, db_failure(c), NULL, "the hot spots could not be read");
            }
            s[i].q[k] = v;
        }
    qsort(s, ns, sizeof s[0], hspot_cmp);
    *out = s;
    *nout = ns;
    return 0;
}

/* Whether a cell grows fast: its last quarter at least stats_min_count and at
 * least hotspot_emerging_factor times the mean of the three before. */
int wf_hotspot_emerging(const struct config *cfg, const int64_t q[4])
{
    double before = (double)(q[0] + q[1] + q[2]) / 3.0;
    return q[3] >= cfg->stats_min_count && (double)q[3] >= cfg->hotspot_emerging_factor * before &&
           (double)q[3] > before;
}

json_t *wf_hotspot_feature(struct dbc *c, const struct config *cfg, const struct wf_names *nm,
                           const struct hspot *x, int cell_m, int rank, int public_)
{
    char cell[64];
    snprintf(cell, sizeof cell, "%dmE%lldN%lld", cell_m, (long long)x->e, (long long)x->n);
    json_t *trend = json_array();
    for (int k = 0; k < 4; k++)
        json_array_append_new(trend, wf_count_json(cfg, public_, x->q[k]));
    int emerging = wf_hotspot_emerging(cfg, x->q);
    const char *area = wf_area_code(nm, x->area_id);
    json_t *props =
        json_pack("{s:i, s:s, s:i, s:I, s:I, s:o, s:o, s:b, s:b, s:o}", "rank", rank, "cell", cell,
                  "cell_m", cell_m, "origin_e", (json_int_t)x->e, "origin_n", (json_int_t)x->n,
                  "count", wf_count_json(cfg, public_, x->total), "trend", trend, "emerging",
                  emerging, "new", emerging && x->q[0] + x->q[1] + x->q[2] == 0, "area",
                  area ? json_string(area) : json_null());
    return json_pack("{s:s, s:o, s:o}", "type", "Feature", "geometry",
                     cell_polygon(c, x->e, x->n, cell_m), "properties", props);
}

json_t *wf_stats_hotspots(struct dbc *c, const struct config *cfg, const struct wf_stats_query *q,
                          struct wf_error *err)
{
    struct wf_names nm;
    struct stats_filter f;
    char *area_ids = NULL, *unit_ids = NULL, dfrom[PERIOD_KEY_MAX], dto[PERIOD_KEY_MAX];
    char quarters[4][PERIOD_KEY_MAX];
    struct hspot *s = NULL;
    size_t ns = 0;
    int32_t from, to;
    if (wf_names_load(c, &nm, err) != 0)
        return NULL;
    json_t *out = NULL;
    struct wf_stats_query qq = *q;
    if (!qq.has_from && qq.has_to) {
        /* the last four quarters up to `to` */
        qq.has_from = 1;
        qq.from =
            period_prev(period_prev(period_prev(period_containing(PERIOD_QUARTER, qq.to)))).first;
    } else if (!qq.has_from) {
        qq.has_from = 1;
        int32_t today = wf_stats_today();
        qq.from =
            period_prev(period_prev(period_prev(period_containing(PERIOD_QUARTER, today)))).first;
    }
    if (make_filter(&nm, &qq, &f, &area_ids, &unit_ids, err) != 0 ||
        wf_stats_span(c, &qq, &from, &to, err) != 0 ||
        wf_hotspots_compute(c, cfg, q->cell_m, &f, from, to, (size_t)q->limit, &s, &ns, quarters,
                            err) != 0)
        goto out;
    json_t *features = json_array();
    int rank = 0;
    for (size_t i = 0; i < ns && rank < q->limit; i++) {
        if (q->public_ && s[i].total < cfg->stats_min_count)
            continue;
        json_array_append_new(
            features, wf_hotspot_feature(c, cfg, &nm, &s[i], q->cell_m, ++rank, q->public_));
    }
    wf_day_iso(from, dfrom, sizeof dfrom);
    wf_day_iso(to, dto, sizeof dto);
    out = json_pack(
        "{s:s, s:i, s:s, s:s, s:[s,s,s,s], s:f, s:o, s:o}", "type", "FeatureCollection", "cell_m",
        q->cell_m, "from", dfrom, "to", dto, "quarters", quarters[0], quarters[1], quarters[2],
        quarters[3], "emerging_factor", cfg->hotspot_emerging_factor, "suppressed_below",
        q->public_ ? json_integer(cfg->stats_min_count) : json_null(), "features", features);
out:
    free(s);
    free(area_ids);
    free(unit_ids);
    wf_names_free(&nm);
    return out;
}

/* ---- keeping the aggregates ------------------------------------------------------------- */

int wf_stats_rebuild(struct dbc *c, const struct config *cfg, int64_t *observations, int64_t *cases,
                     struct wf_error *err)
{
    struct stats_cells cells = {cfg->hotspot_cells_m, cfg->hotspot_cells};
    if (wf_begin(c, err) != 0)
        return -1;
    /* The public answers kept from before (ETags, the answer cache) are void now. */
    if (stats_store_rebuild(c, &cells, observations, cases) != 0 ||
        map_store_public_changed(c) != 0)
        return wf_fail_db(c, err, "the statistics could not be rebuilt");
    return wf_commit(c, err, "the statistics could not be rebuilt");
}

int wf_stats_prepare(struct dbc *c, const struct config *cfg, int *rebuilt, struct wf_error *err)
{
    struct stats_cells cells = {cfg->hotspot_cells_m, cfg->hotspot_cells};
    int64_t no, nc;
    *rebuilt = 0;
    int need = stats_store_rebuild_needed(c, &cells);
    if (need < 0)
        return wf_fail(err, db_failure(c), NULL, "the statistics could not be checked");
    if (!need)
        return 0;
    if (wf_stats_rebuild(c, cfg, &no, &nc, err) != 0)
        return -1;
    *rebuilt = 1;
    return 0;
}

/* ---- the city's indicators -------------------------------------------------------------- */

/* A checked row of an indicator file. */
struct ind_row {
    int64_t area_id;
    int year;
    char indicator[INDICATOR_CODE_MAX + 1];
    double value;
    char *source; /* malloc'd */
    int line;
};

static int indicator_code_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > INDICATOR_CODE_MAX)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
              *p == '.'))
            return 0;
    return 1;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

int wf_indicators_import(struct dbc *c, const char *csv, size_t len,
                         struct wf_indicator_result *res, struct wf_error *err)
{
    static const char *const header[] = {"area", "year", "indicator", "value", "source"};
    struct csv_reader *rd = malloc(sizeof *rd);
    struct ind_row *rows = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;
    json_t *areas = NULL;
    memset(res, 0, sizeof *res);
    if (!rd)
        return wf_fail(err, ERR_INTERNAL, NULL, "out of memory");
    if (len > WF_INDICATORS_MAX_BYTES) {
        wf_fail(err, ERR_BODY_TOO_LARGE, NULL, "the file is larger than %d bytes",
                WF_INDICATORS_MAX_BYTES);
        goto out;
    }
    if (utf8_check(csv, len, NULL) != 0) {
        wf_fail(err, ERR_INVALID_UTF8, NULL, "the file is not UTF-8 text");
        goto out;
    }
    if (!(areas = stats_store_areas(c))) {
        wf_fail(err, db_failure(c), NULL, "the areas could not be read");
        goto out;
    }
    csv_init(rd, csv, len);
    char *f[CSV_FIELDS_MAX];
    int nf, st;
    st = csv_next(rd, f, &nf);
    int header_ok = st == CSV_RECORD && nf == 5;
    for (int i = 0; header_ok && i < 5; i++)
        header_ok = strcmp(trim(f[i]), header[i]) == 0;
    if (!header_ok) {
        wf_fail(err, ERR_INVALID_FORMAT, "header",
                "line 1: the header must be area,year,indicator,value,source");
        goto out;
    }
    while ((st = csv_next(rd, f, &nf)) == CSV_RECORD) {
        int line = rd->line;
        if (nf != 5) {
            wf_fail(err, ERR_INVALID_FORMAT, "columns",
                    "line %d: expected 5 columns (area,year,indicator,value,source), found %d",
                    line, nf);
            goto out;
        }
        for (int i = 0; i < 5; i++)
            f[i] = trim(f[i]);
        struct ind_row r = {0};
        r.line = line;
        r.area_id = -1;
        size_t k;
        json_t *a;
        json_array_foreach(areas, k,
                           a) if (strcmp(f[0], json_string_value(json_object_get(a, "code"))) == 0)
            r.area_id = json_integer_value(json_object_get(a, "id"));
        int64_t year;
        if (r.area_id < 0) {
            wf_fail(err, ERR_INVALID_FORMAT, "area",
                    "line %d, column area: no area has the code '%.64s'", line, f[0]);
            goto out;
        }
        if (parse_i64(f[1], WF_INDICATOR_YEAR_MIN, WF_INDICATOR_YEAR_MAX, &year) != 0) {
            wf_fail(err, ERR_OUT_OF_RANGE, "year",
                    "line %d, column year: '%.32s' is not a year from %d to %d", line, f[1],
                    WF_INDICATOR_YEAR_MIN, WF_INDICATOR_YEAR_MAX);
            goto out;
        }
        r.year = (int)year;
        if (!indicator_code_ok(f[2])) {
            wf_fail(err, ERR_INVALID_FORMAT, "indicator",
                    "line %d, column indicator: '%.64s' is not a code (a-z, 0-9, _ - ., at most "
                    "%d characters)",
                    line, f[2], INDICATOR_CODE_MAX);
            goto out;
        }
        snprintf(r.indicator, sizeof r.indicator, "%s", f[2]);
        char num[64];
        snprintf(num, sizeof num, "%s", f[3]);
        for (char *p = num; *p; p++)
            if (*p == ',') /* a Swedish decimal comma, from a quoted field */
                *p = '.';
        if (parse_double(num, -1e12, 1e12, &r.value) != 0) {
            wf_fail(err, ERR_INVALID_FORMAT, "value",
                    "line %d, column value: '%.32s' is not a number", line, f[3]);
            goto out;
        }
        size_t chars = 0;
        utf8_check(f[4], strlen(f[4]), &chars);
        if (chars == 0 || chars > INDICATOR_SOURCE_MAX) {
            wf_fail(err, ERR_INVALID_FORMAT, "source",
                    "line %d, column source: say where the figure comes from (1 to %d characters)",
                    line, INDICATOR_SOURCE_MAX);
            goto out;
        }
        for (size_t i = 0; i < n; i++)
            if (rows[i].area_id == r.area_id && rows[i].year == r.year &&
                strcmp(rows[i].indicator, r.indicator) == 0) {
                wf_fail(err, ERR_INVALID_FORMAT, "indicator",
                        "line %d, column indicator: %s %s %d is given already on line %d", line,
                        f[0], r.indicator, r.year, rows[i].line);
                goto out;
            }
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            struct ind_row *b = nc <= 200000 ? realloc(rows, nc * sizeof *b) : NULL;
            if (!b) {
                wf_fail(err, ERR_OUT_OF_RANGE, NULL, "too many rows");
                goto out;
            }
            rows = b;
            cap = nc;
        }
        r.source = strdup(f[4]);
        if (!r.source) {
            wf_fail(err, ERR_INTERNAL, NULL, "out of memory");
            goto out;
        }
        rows[n++] = r;
    }
    if (st != CSV_END) {
        wf_fail(err, ERR_INVALID_FORMAT, NULL, "line %d: %s", rd->line,
                st == CSV_BAD_QUOTE  ? "a quoted field is not closed properly"
                : st == CSV_TOO_LONG ? "the row is too long"
                                     : "too many columns");
        goto out;
    }
    /* every row checked: all of them in one transaction */
    if (wf_begin(c, err) != 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        int put = indicator_store_put(c, rows[i].area_id, rows[i].year, rows[i].indicator,
                                      rows[i].value, rows[i].source);
        if (put < 0) {
            wf_fail_db(c, err, "the indicators could not be stored");
            goto out;
        }
        res->inserted += put == INDICATOR_INSERTED;
        res->updated += put == INDICATOR_UPDATED;
        res->unchanged += put == INDICATOR_UNCHANGED;
    }
    res->rows = (int)n;
    rc = wf_commit(c, err, "the indicators could not be stored");
out:
    if (rc != 0)
        memset(res, 0, sizeof *res);
    for (size_t i = 0; i < n; i++)
        free(rows[i].source);
    free(rows);
    free(rd);
    json_decref(areas);
    return rc;
}

json_t *wf_indicators_list(struct dbc *c, const struct config *cfg, const char *area,
                           const char *indicator, int public_, struct wf_error *err)
{
    json_t *rows = indicator_store_list(c, area, indicator);
    if (!rows) {
        wf_fail(err, db_failure(c), NULL, "the indicators could not be read");
        return NULL;
    }
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        int64_t n = json_integer_value(json_object_get(r, "observations"));
        json_object_set_new(r, "observations", wf_count_json(cfg, public_, n));
    }
    return json_pack("{s:o, s:o}", "indicators", rows, "suppressed_below",
                     public_ ? json_integer(cfg->stats_min_count) : json_null());
}
