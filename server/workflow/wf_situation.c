/*
 * wf_situation — the situation picture and its report (wf_stats.h): per area
 * what is new in a week, month, quarter or year against the periods before,
 * the hot spots, overdue cases, walks held, the city's indicators and the
 * ranking of areas by need. Read-only. No SQL here (stats_store's,
 * indicator_store's, area_store's); PDF layout is sitdoc's.
 */
#include "area_store.h"
#include "crs.h"
#include "indicator_store.h"
#include "sitdoc.h"
#include "stats_store.h"
#include "validate.h"
#include "wf_situation.h"
#include "wf_stats.h"
#include "wf_stats_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SITUATION_OVERDUE_LIST 10  /* overdue cases listed per area */
#define SITUATION_OVERDUE_READ 500 /* overdue cases read for the lists */
#define SITUATION_HOTSPOTS 50      /* hot spots on the map */
#define SITUATION_AREA_HOTSPOTS 5  /* hot spots listed per area */

/* The figures of a situation row (grows v[]). */
enum { S_CUR, S_PREV, S_YEAR, S_LAST4, S_RATED, S_RATING_SUM };

struct sit_sink {
    struct grows *g;
    int slot;
};

static void sit_count_cb(void *ctx, const struct stats_count_row *row)
{
    struct sit_sink *s = ctx;
    struct grow *r = wf_grows_add(s->g, "", row->area_id, 0, row->category, NULL);
    if (!r)
        return;
    r->v[s->slot] = row->n;
    if (s->slot == S_CUR) {
        r->v[S_RATED] = row->rated;
        r->v[S_RATING_SUM] = row->rating_sum;
    }
}

static int sit_counts(struct dbc *c, struct grows *g, struct period lo, struct period hi, int slot)
{
    char a[PERIOD_KEY_MAX], b[PERIOD_KEY_MAX];
    struct stats_filter f = {0};
    struct sit_sink s = {g, slot};
    period_key(lo, a, sizeof a);
    period_key(hi, b, sizeof b);
    return stats_store_counts(c, lo.grain, a, b, &f, sit_count_cb, &s);
}

/* Per-area sums of a merged grows (by area and category). */
struct area_sum {
    int64_t id;
    int64_t v[6];
};

static struct area_sum *area_sum_of(struct area_sum *a, size_t *n, int64_t id)
{
    for (size_t i = 0; i < *n; i++)
        if (a[i].id == id)
            return &a[i];
    memset(&a[*n], 0, sizeof a[*n]);
    a[*n].id = id;
    return &a[(*n)++];
}

static json_t *area_json(const struct wf_names *nm, int64_t id)
{
    const char *code = wf_area_code(nm, id);
    if (!code)
        return json_null();
    return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "code", code, "name",
                     wf_area_name(nm, id));
}

static void iso_midnight(int32_t day, char *buf, size_t cap)
{
    format_rfc3339(period_local_midnight(day), buf, cap);
}

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

json_t *wf_situation(struct dbc *c, const struct config *cfg, struct period p, struct wf_error *err)
{
    struct wf_names nm;
    if (wf_names_load(c, &nm, err) != 0)
        return NULL;
    int32_t today = wf_stats_today();
    struct period prev = period_prev(p), yb, first4 = period_prev(period_prev(period_prev(prev)));
    int has_yb = period_year_before(p, &yb) == 0;
    struct grows g = {0}, flow = {0};
    g.by = WF_BY_AREA | WF_BY_CATEGORY;
    flow.by = WF_BY_AREA;
    struct hspot *hs = NULL;
    size_t nhs = 0;
    char quarters[4][PERIOD_KEY_MAX], key[PERIOD_KEY_MAX], now[32], from_iso[32], to_iso[32];
    json_t *out = NULL, *overdue = NULL, *walks = NULL, *indicators = NULL;
    struct area_sum *sums = calloc(json_array_size(nm.areas) + 2, sizeof *sums);
    size_t nsums = 0;
    struct stats_filter none = {0};
    int cell_m = cfg->hotspot_cells_m[cfg->hotspot_cells / 2];
    int32_t upto = p.last < today ? p.last : today;
    if (upto < p.first)
        upto = p.first;
    db_now_iso(now, sizeof now);
    iso_midnight(p.first, from_iso, sizeof from_iso);
    iso_midnight(p.last + 1, to_iso, sizeof to_iso);
    if (!sums) {
        wf_fail(err, ERR_INTERNAL, NULL, "out of memory");
        goto out;
    }
    if (sit_counts(c, &g, p, p, S_CUR) != 0 || sit_counts(c, &g, prev, prev, S_PREV) != 0 ||
        (has_yb && sit_counts(c, &g, yb, yb, S_YEAR) != 0) ||
        sit_counts(c, &g, first4, prev, S_LAST4) != 0 ||
        !(overdue = stats_store_overdue_cases(c, now, SITUATION_OVERDUE_READ)) ||
        !(walks = stats_store_walks_held(c, from_iso, to_iso)) ||
        !(indicators = indicator_store_list(c, NULL, NULL))) {
        wf_fail(err, db_failure(c), NULL, "the situation picture could not be read");
        goto out;
    }
    if (g.failed) {
        wf_fail(err, ERR_INTERNAL, NULL, "out of memory");
        goto out;
    }
    wf_grows_merge(&g);
    if (wf_stats_flow_rows(c, &none, p.first, p.last, 1, &flow, err) != 0 ||
        wf_hotspots_compute(c, cfg, cell_m, &none, p.first, upto, 0, &hs, &nhs, quarters, err) != 0)
        goto out;

    /* every named area, then "outside every area" when it has anything */
    size_t i;
    json_t *a;
    json_array_foreach(nm.areas, i, a)
        area_sum_of(sums, &nsums, json_integer_value(json_object_get(a, "id")));
    for (size_t k = 0; k < g.n; k++) {
        struct area_sum *s = area_sum_of(sums, &nsums, g.a[k].area_id);
        for (int v = 0; v < 6; v++)
            s->v[v] += g.a[k].v[v];
    }
    int64_t total[3] = {0, 0, 0}, max_count = 0;
    json_t *areas = json_array(), *ranking = json_array();
    for (size_t k = 0; k < nsums; k++) {
        struct area_sum *s = &sums[k];
        total[0] += s->v[S_CUR];
        total[1] += s->v[S_PREV];
        total[2] += s->v[S_YEAR];
        if (s->id > 0 && s->v[S_CUR] > max_count)
            max_count = s->v[S_CUR];
    }
    double wsum = cfg->rank_weight_count + cfg->rank_weight_unsafe + cfg->rank_weight_trend +
                  cfg->rank_weight_unresolved;
    for (size_t k = 0; k < nsums; k++) {
        struct area_sum *s = &sums[k];
        if (s->id == 0 && !s->v[S_CUR] && !s->v[S_PREV] && !s->v[S_YEAR])
            continue;
        json_t *cats = json_array();
        for (size_t j = 0; j < g.n; j++)
            if (g.a[j].area_id == s->id &&
                (g.a[j].v[S_CUR] || g.a[j].v[S_PREV] || g.a[j].v[S_YEAR]))
                json_array_append_new(
                    cats, json_pack("{s:s, s:I, s:I, s:o}", "category", g.a[j].category, "count",
                                    (json_int_t)g.a[j].v[S_CUR], "previous",
                                    (json_int_t)g.a[j].v[S_PREV], "year_before",
                                    has_yb ? json_integer(g.a[j].v[S_YEAR]) : json_null()));
        int64_t opened = 0, opened_resolved = 0, backlog = 0, n_overdue = 0;
        for (size_t j = 0; j < flow.n; j++)
            if (flow.a[j].area_id == s->id && flow.a[j].hours < 0) {
                opened += flow.a[j].v[WF_F_OPENED];
                opened_resolved += flow.a[j].v[WF_F_OPENED_RESOLVED];
                backlog += flow.a[j].v[WF_F_OPEN];
                n_overdue += flow.a[j].v[WF_F_OVERDUE];
            }
        json_t *od = json_array();
        size_t oi;
        json_t *o;
        json_array_foreach(overdue, oi,
                           o) if (json_integer_value(json_object_get(o, "area_id")) == s->id &&
                                  json_array_size(od) < SITUATION_OVERDUE_LIST)
            json_array_append(od, o);
        /* the area's new and emerging hot spots, then its largest ones */
        json_t *hot = json_array();
        for (int pass = 0; pass < 2; pass++)
            for (size_t j = 0; j < nhs && json_array_size(hot) < 2 * SITUATION_AREA_HOTSPOTS; j++) {
                int emerging = wf_hotspot_emerging(cfg, hs[j].q);
                if (hs[j].area_id != s->id || (pass == 0) != emerging ||
                    (pass == 1 && json_array_size(hot) >= SITUATION_AREA_HOTSPOTS))
                    continue;
                json_t *f = wf_hotspot_feature(c, cfg, &nm, &hs[j], cell_m, (int)j + 1, 0);
                json_array_append(hot, json_object_get(f, "properties"));
                json_decref(f);
            }
        json_t *wk = json_array();
        json_array_foreach(walks, oi, o) if (json_integer_value(json_object_get(o, "area_id")) ==
                                             s->id) json_array_append(wk, o);
        json_t *ind = json_array();
        int year;
        {
            int m, dd;
            period_civil_from_days(p.first, &year, &m, &dd);
        }
        json_array_foreach(indicators, oi, o)
        {
            const char *code = wf_area_code(&nm, s->id);
            int y = (int)json_integer_value(json_object_get(o, "year"));
            if (code && strcmp(code, json_string_value(json_object_get(o, "area"))) == 0 &&
                (y == year || y == year - 1))
                json_array_append(ind, o);
        }
        double unsafe = s->v[S_RATED] ? (double)s->v[S_RATING_SUM] / (double)s->v[S_RATED] : -1;
        json_array_append_new(
            areas, json_pack("{s:o, s:I, s:I, s:o, s:f, s:o, s:o, s:I, s:I, s:o, s:o, s:o, s:o}",
                             "area", area_json(&nm, s->id), "count", (json_int_t)s->v[S_CUR],
                             "previous", (json_int_t)s->v[S_PREV], "year_before",
                             has_yb ? json_integer(s->v[S_YEAR]) : json_null(), "average_4",
                             (double)s->v[S_LAST4] / 4.0, "unsafe_mean",
                             unsafe >= 0 ? json_real(round(unsafe * 100) / 100) : json_null(),
                             "by_category", cats, "backlog", (json_int_t)backlog, "overdue",
                             (json_int_t)n_overdue, "overdue_cases", od, "hotspots", hot, "walks",
                             wk, "indicators", ind));
        if (s->id == 0)
            continue;
        /* the need: each part 0..1, weighted */
        double count_score = max_count ? (double)s->v[S_CUR] / (double)max_count : 0;
        double unsafe_score = unsafe >= 1 ? (unsafe - 1) / 4 : 0;
        double trend = clamp((double)(s->v[S_CUR] - s->v[S_PREV]) /
                                 (double)(s->v[S_PREV] > 1 ? s->v[S_PREV] : 1),
                             -1, 1);
        double share = opened ? (double)opened_resolved / (double)opened : -1;
        double unresolved_score = share >= 0 ? 1 - share : 0;
        double score = wsum > 0 ? (cfg->rank_weight_count * count_score +
                                   cfg->rank_weight_unsafe * unsafe_score +
                                   cfg->rank_weight_trend * (trend + 1) / 2 +
                                   cfg->rank_weight_unresolved * unresolved_score) /
                                      wsum
                                : 0;
        json_array_append_new(
            ranking,
            json_pack("{s:o, s:f, s:I, s:o, s:f, s:o, s:I, s:I}", "area", area_json(&nm, s->id),
                      "score", round(score * 1000) / 1000, "count", (json_int_t)s->v[S_CUR],
                      "unsafe_mean",
                      unsafe >= 0 ? json_real(round(unsafe * 100) / 100) : json_null(), "trend",
                      round(trend * 1000) / 1000, "share_resolved",
                      share >= 0 ? json_real(round(share * 1000) / 1000) : json_null(), "opened",
                      (json_int_t)opened, "opened_resolved", (json_int_t)opened_resolved));
    }
    /* rank by score, then count, then name */
    size_t nr = json_array_size(ranking);
    for (size_t x = 1; x < nr; x++)
        for (size_t y = x; y > 0; y--) {
            json_t *r1 = json_array_get(ranking, y - 1), *r2 = json_array_get(ranking, y);
            double s1 = json_number_value(json_object_get(r1, "score")),
                   s2 = json_number_value(json_object_get(r2, "score"));
            int64_t c1 = json_integer_value(json_object_get(r1, "count")),
                    c2 = json_integer_value(json_object_get(r2, "count"));
            if (s2 > s1 || (s2 == s1 && c2 > c1)) {
                json_incref(r1);
                json_array_set(ranking, y - 1, r2);
                json_array_set_new(ranking, y, r1);
            } else {
                break;
            }
        }
    for (size_t x = 0; x < nr; x++)
        json_object_set_new(json_array_get(ranking, x), "rank", json_integer((json_int_t)x + 1));
    json_t *features = json_array();
    for (size_t j = 0; j < nhs && j < SITUATION_HOTSPOTS; j++)
        json_array_append_new(features,
                              wf_hotspot_feature(c, cfg, &nm, &hs[j], cell_m, (int)j + 1, 0));
    char k_prev[PERIOD_KEY_MAX], k_yb[PERIOD_KEY_MAX] = "", dfrom[PERIOD_KEY_MAX],
                                 dto[PERIOD_KEY_MAX];
    period_key(p, key, sizeof key);
    period_key(prev, k_prev, sizeof k_prev);
    if (has_yb)
        period_key(yb, k_yb, sizeof k_yb);
    wf_day_iso(p.first, dfrom, sizeof dfrom);
    wf_day_iso(p.last, dto, sizeof dto);
    out = json_pack("{s:{s:s, s:s, s:s, s:s, s:b}, s:s, s:o, s:{s:I, s:I, s:o}, s:o, s:o, "
                    "s:{s:f, s:f, s:f, s:f}, s:{s:s, s:i, s:[s,s,s,s], s:o}, s:s}",
                    "period", "key", key, "grain", period_grain_name(p.grain), "from", dfrom, "to",
                    dto, "partial", p.last > today, "previous", k_prev, "year_before",
                    has_yb ? json_string(k_yb) : json_null(), "totals", "count",
                    (json_int_t)total[0], "previous", (json_int_t)total[1], "year_before",
                    has_yb ? json_integer(total[2]) : json_null(), "areas", areas, "ranking",
                    ranking, "weights", "count", cfg->rank_weight_count, "unsafe",
                    cfg->rank_weight_unsafe, "trend", cfg->rank_weight_trend, "unresolved",
                    cfg->rank_weight_unresolved, "hotspots", "type", "FeatureCollection", "cell_m",
                    cell_m, "quarters", quarters[0], quarters[1], quarters[2], quarters[3],
                    "features", features, "generated_at", now);
out:
    json_decref(overdue);
    json_decref(walks);
    json_decref(indicators);
    free(sums);
    free(g.a);
    free(flow.a);
    free(hs);
    wf_names_free(&nm);
    return out;
}

/* ---- the report ------------------------------------------------------------------ */

static const char *const month_sv[12] = {"januari",   "februari", "mars",     "april",
                                         "maj",       "juni",     "juli",     "augusti",
                                         "september", "oktober",  "november", "december"};
static const char *const month_en[12] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};

/* "Vecka 48 2026 (23 november–29 november)", "Q4 2026", ... into buf. */
static void period_label(struct period p, int en, char *buf, size_t cap)
{
    int y, m, d, y2, m2, d2;
    char key[PERIOD_KEY_MAX];
    period_key(p, key, sizeof key);
    period_civil_from_days(p.first, &y, &m, &d);
    period_civil_from_days(p.last, &y2, &m2, &d2);
    const char *const *mn = en ? month_en : month_sv;
    switch (p.grain) {
    case PERIOD_WEEK:
        snprintf(buf, cap, "%s %d %.4s (%d %s – %d %s %d)", en ? "Week" : "Vecka", atoi(key + 6),
                 key, d, mn[m - 1], d2, mn[m2 - 1], y2);
        break;
    case PERIOD_MONTH:
        snprintf(buf, cap, "%s %d", mn[m - 1], y);
        break;
    case PERIOD_QUARTER:
        snprintf(buf, cap, "%s %c %d (%s – %s)", en ? "Quarter" : "Kvartal", key[6], y, mn[m - 1],
                 mn[m2 - 1]);
        break;
    default:
        snprintf(buf, cap, "%s %d", en ? "Year" : "År", y);
        break;
    }
}

/* Appends the area outlines (WGS 84 GeoJSON) as SWEREF 99 TM rings. */
static void outlines(struct dbc *c, json_t *fc, struct sitdoc_xy **pts, size_t *npts,
                     struct sitdoc_ring **rings, size_t *nrings)
{
    size_t i, cap_p = 0, cap_r = 0;
    json_t *f;
    *pts = NULL;
    *rings = NULL;
    *npts = *nrings = 0;
    size_t *starts = NULL;
    json_array_foreach(json_object_get(fc, "features"), i, f)
    {
        json_t *g = json_object_get(f, "geometry");
        const char *type = json_string_value(json_object_get(g, "type"));
        json_t *polys = json_object_get(g, "coordinates");
        int multi = type && strcmp(type, "MultiPolygon") == 0;
        size_t np = multi ? json_array_size(polys) : 1;
        for (size_t pi = 0; pi < np; pi++) {
            json_t *poly = multi ? json_array_get(polys, pi) : polys;
            json_t *ring = json_array_get(poly, 0); /* outer ring */
            size_t nv = json_array_size(ring);
            if (nv < 3 || *npts + nv > SITDOC_MAX_MAP_VERTICES)
                continue;
            if (*nrings == cap_r) {
                cap_r = cap_r ? cap_r * 2 : 16;
                *rings = realloc(*rings, cap_r * sizeof **rings);
                starts = realloc(starts, cap_r * sizeof *starts);
                if (!*rings || !starts)
                    goto fail;
            }
            if (*npts + nv > cap_p) {
                cap_p = (*npts + nv) * 2;
                *pts = realloc(*pts, cap_p * sizeof **pts);
                if (!*pts)
                    goto fail;
            }
            starts[*nrings] = *npts;
            (*rings)[*nrings].n = nv;
            for (size_t v = 0; v < nv; v++) {
                json_t *xy = json_array_get(ring, v);
                double e = NAN, n = NAN;
                crs_wgs84_to_sweref99tm(c->crs, json_number_value(json_array_get(xy, 0)),
                                        json_number_value(json_array_get(xy, 1)), &e, &n);
                (*pts)[(*npts)++] = (struct sitdoc_xy){e, n};
            }
            (*nrings)++;
        }
    }
    for (size_t r = 0; r < *nrings; r++)
        (*rings)[r].pts = *pts + starts[r];
    free(starts);
    return;
fail:
    free(starts);
    free(*pts);
    free(*rings);
    *pts = NULL;
    *rings = NULL;
    *npts = *nrings = 0;
}

static int64_t jint(json_t *o, const char *k, int64_t none)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? json_integer_value(v) : none;
}

static double jnum(json_t *o, const char *k, double none)
{
    json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : none;
}

int wf_situation_pdf(struct dbc *c, const struct config *cfg, struct period p, const char *lang,
                     unsigned char **out, size_t *len, struct wf_error *err)
{
    int en = lang && strcmp(lang, "en") == 0;
    json_t *sit = wf_situation(c, cfg, p, err);
    if (!sit)
        return -1;
    struct wf_names nm;
    if (wf_names_load(c, &nm, err) != 0) {
        json_decref(sit);
        return -1;
    }
    json_t *areas = json_object_get(sit, "areas"), *ranking = json_object_get(sit, "ranking");
    json_t *features = json_object_get(json_object_get(sit, "hotspots"), "features");
    json_t *fc = area_store_geojson(c);
    size_t na = json_array_size(areas), nr = json_array_size(ranking),
           nc = json_array_size(features), nw = 0, ni = 0;
    struct sitdoc_area *sa = calloc(na + 1, sizeof *sa);
    struct sitdoc_rank *sr = calloc(nr + 1, sizeof *sr);
    struct sitdoc_cell *sc = calloc(nc + 1, sizeof *sc);
    char(*tops)[200] = calloc(na + 1, sizeof *tops);
    size_t wcap = 0, icap = 0;
    json_t *i_;
    size_t k;
    json_array_foreach(areas, k, i_)
    {
        wcap += json_array_size(json_object_get(i_, "walks"));
        icap += json_array_size(json_object_get(i_, "indicators"));
    }
    struct sitdoc_walk *sw = calloc(wcap + 1, sizeof *sw);
    struct sitdoc_indicator *si = calloc(icap + 1, sizeof *si);
    char(*dates)[16] = calloc(wcap + 1, sizeof *dates);
    struct sitdoc_xy *pts = NULL;
    struct sitdoc_ring *rings = NULL;
    size_t npts = 0, nrings = 0;
    int rc = -1;
    if (!sa || !sr || !sc || !tops || !sw || !si || !dates || !fc) {
        wf_fail(err, fc ? ERR_INTERNAL : db_failure(c), NULL, "the report could not be made");
        goto out;
    }
    const char *outside = en ? "Outside the areas" : "Utanför områdena";
    json_array_foreach(areas, k, i_)
    {
        struct sitdoc_area *x = &sa[k];
        json_t *ar = json_object_get(i_, "area");
        x->name = json_is_object(ar) ? json_string_value(json_object_get(ar, "name")) : outside;
        x->count = jint(i_, "count", -1);
        x->previous = jint(i_, "previous", -1);
        x->year_before = jint(i_, "year_before", -1);
        x->average = jnum(i_, "average_4", -1);
        x->unsafe_mean = jnum(i_, "unsafe_mean", -1);
        x->backlog = jint(i_, "backlog", -1);
        x->overdue = jint(i_, "overdue", -1);
        json_t *wk = json_object_get(i_, "walks");
        x->walks = (int)json_array_size(wk);
        /* the three largest categories */
        json_t *cats = json_object_get(i_, "by_category");
        int used[3] = {-1, -1, -1};
        for (int t = 0; t < 3; t++) {
            int64_t best = 0;
            for (size_t j = 0; j < json_array_size(cats); j++) {
                int64_t n = jint(json_array_get(cats, j), "count", 0);
                if (n > best && (int)j != used[0] && (int)j != used[1]) {
                    best = n;
                    used[t] = (int)j;
                }
            }
            if (used[t] < 0)
                break;
            json_t *cj = json_array_get(cats, (size_t)used[t]);
            size_t l = strlen(tops[k]);
            snprintf(tops[k] + l, sizeof tops[k] - l, "%s%s %lld", t ? ", " : "",
                     wf_category_name(&nm, json_string_value(json_object_get(cj, "category")), en),
                     (long long)jint(cj, "count", 0));
        }
        x->top_categories = tops[k][0] ? tops[k] : NULL;
        size_t j;
        json_t *w;
        json_array_foreach(wk, j, w)
        {
            snprintf(dates[nw], sizeof dates[nw], "%.10s",
                     json_string_value(json_object_get(w, "starts_at"))
                         ? json_string_value(json_object_get(w, "starts_at"))
                         : "");
            sw[nw].date = dates[nw];
            sw[nw].title = json_string_value(json_object_get(w, "title"));
            sw[nw].area = x->name;
            sw[nw].items = (int)jint(w, "items", 0);
            sw[nw].open_items = (int)jint(w, "open_items", 0);
            x->open_items += sw[nw].open_items;
            nw++;
        }
        json_array_foreach(json_object_get(i_, "indicators"), j, w)
        {
            si[ni].area = x->name;
            si[ni].indicator = json_string_value(json_object_get(w, "indicator"));
            si[ni].source = json_string_value(json_object_get(w, "source"));
            si[ni].year = (int)jint(w, "year", 0);
            si[ni].value = jnum(w, "value", 0);
            si[ni].observations = jint(w, "observations", -1);
            ni++;
        }
    }
    json_array_foreach(ranking, k, i_)
    {
        sr[k].rank = (int)jint(i_, "rank", 0);
        sr[k].name = json_string_value(json_object_get(json_object_get(i_, "area"), "name"));
        sr[k].score = jnum(i_, "score", 0);
        sr[k].count = jint(i_, "count", 0);
        sr[k].unsafe_mean = jnum(i_, "unsafe_mean", -1);
        sr[k].trend = jnum(i_, "trend", 0);
        sr[k].share_resolved = jnum(i_, "share_resolved", -1);
        if (!sr[k].name)
            sr[k].name = "?";
    }
    json_array_foreach(features, k, i_)
    {
        json_t *pr = json_object_get(i_, "properties");
        sc[k].origin.e = (double)jint(pr, "origin_e", 0);
        sc[k].origin.n = (double)jint(pr, "origin_n", 0);
        sc[k].cell_m = (int)jint(pr, "cell_m", 250);
        sc[k].count = jint(pr, "count", 0);
        sc[k].emerging = json_is_true(json_object_get(pr, "emerging"));
        sc[k].is_new = json_is_true(json_object_get(pr, "new"));
        sc[k].label = json_string_value(json_object_get(pr, "cell"));
        const char *code = json_string_value(json_object_get(pr, "area"));
        size_t j;
        json_t *a;
        json_array_foreach(
            nm.areas, j,
            a) if (code && strcmp(code, json_string_value(json_object_get(a, "code"))) == 0) sc[k]
            .area = json_string_value(json_object_get(a, "name"));
    }
    outlines(c, fc, &pts, &npts, &rings, &nrings);
    char label[160], prev_label[PERIOD_KEY_MAX], yb_label[PERIOD_KEY_MAX];
    period_label(p, en, label, sizeof label);
    json_t *per = json_object_get(sit, "period");
    snprintf(prev_label, sizeof prev_label, "%s",
             json_string_value(json_object_get(sit, "previous")));
    snprintf(yb_label, sizeof yb_label, "%s",
             json_string_value(json_object_get(sit, "year_before"))
                 ? json_string_value(json_object_get(sit, "year_before"))
                 : "–");
    json_t *tot = json_object_get(sit, "totals"), *wt = json_object_get(sit, "weights");
    struct sitdoc s = {0};
    s.english = en;
    s.organisation = cfg->municipality_name;
    s.period_label = label;
    s.period_key = json_string_value(json_object_get(per, "key"));
    s.previous_label = prev_label;
    s.year_before_label = yb_label;
    s.partial = json_is_true(json_object_get(per, "partial"));
    s.generated_at = (int64_t)time(NULL);
    s.total = jint(tot, "count", -1);
    s.total_previous = jint(tot, "previous", -1);
    s.total_year_before = jint(tot, "year_before", -1);
    s.areas = sa;
    s.n_areas = na;
    s.ranking = sr;
    s.n_ranking = nr;
    s.weights[0] = jnum(wt, "count", 0);
    s.weights[1] = jnum(wt, "unsafe", 0);
    s.weights[2] = jnum(wt, "trend", 0);
    s.weights[3] = jnum(wt, "unresolved", 0);
    s.rings = rings;
    s.n_rings = nrings;
    s.cells = sc;
    s.n_cells = nc;
    s.walks = sw;
    s.n_walks = nw;
    s.indicators = si;
    s.n_indicators = ni;
    int st = sitdoc_pdf(&s, out, len);
    if (st != SITDOC_OK) {
        wf_fail(err, ERR_INTERNAL, NULL, "the report could not be made");
        goto out;
    }
    rc = 0;
out:
    free(sa);
    free(sr);
    free(sc);
    free(tops);
    free(sw);
    free(si);
    free(dates);
    free(pts);
    free(rings);
    json_decref(fc);
    json_decref(sit);
    wf_names_free(&nm);
    return rc;
}
