/*
 * api_stats — the statistics and the situation picture over HTTP (issue 11):
 * counts (JSON and CSV), the workflow's figures, hot spots, the situation
 * picture (JSON and PDF) and the city's indicators. Thin: every query value is
 * checked here by a typed parser, then one read model of wf_stats answers.
 * Who asks decides what is shown: without a staff session, small counts are
 * suppressed (wf_stats.h).
 */
#include "api.h"
#include "jsonout.h"
#include "http.h"
#include "period.h"
#include "session.h"
#include "validate.h"
#include "wf_situation.h"
#include "wf_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STATS_LIST_MAX 64 /* codes in one category=, area=, source= or unit= list */

/* The codes list of query parameter name as a JSON array text in out (NULL when
 * absent). 0, or replied and -1. */
static int codes_or_reply(struct req *r, const char *name, char *json, size_t cap, const char **out)
{
    char v[HTTP_QUERY_VALUE_MAX];
    *out = NULL;
    int h = http_query_or_reply(r, name, v, sizeof v);
    if (h < 0)
        return -1;
    if (!h || !v[0])
        return 0;
    if (parse_code_list(v, STATS_LIST_MAX, json, cap) < 0)
        return http_reply_error(r, ERR_INVALID_FORMAT, name,
                                "'%s' is a comma-separated list of codes", name),
               -1;
    *out = json;
    return 0;
}

/* A day or a period key ("2026-11-24", "2026-W48", "2026-11", "2026-Q4", "2026") as
 * its first (last = 0) or last day. 1 present, 0 absent, or replied and -1. */
static int day_or_reply(struct req *r, const char *name, int last, int32_t *out)
{
    char v[64];
    struct period p;
    int h = http_query_or_reply(r, name, v, sizeof v);
    if (h <= 0)
        return h;
    if (period_parse(v, &p) != 0)
        return http_reply_error(r, ERR_INVALID_FORMAT, name,
                                "'%s' is a date (2026-11-24) or a period (2026-W48, 2026-11, "
                                "2026-Q4, 2026)",
                                name),
               -1;
    *out = last ? p.last : p.first;
    return 1;
}

/* by=a,b from the names allowed; default when absent. 0 or replied -1. */
static int by_or_reply(struct req *r, unsigned allowed, unsigned fallback, unsigned *out)
{
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {{"area", WF_BY_AREA},
                 {"category", WF_BY_CATEGORY},
                 {"source", WF_BY_SOURCE},
                 {"unit", WF_BY_UNIT}};
    char v[128];
    int h = http_query_or_reply(r, "by", v, sizeof v);
    if (h < 0)
        return -1;
    *out = fallback;
    if (!h)
        return 0;
    *out = 0;
    for (char *save = NULL, *tok = strtok_r(v, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        unsigned bit = 0;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strcmp(tok, names[i].name) == 0)
                bit = names[i].bit;
        if (!(bit & allowed))
            return http_reply_error(r, ERR_INVALID_FORMAT, "by", "cannot group by '%s' here", tok),
                   -1;
        *out |= bit;
    }
    return 0;
}

/* The lists of one statistics request, kept alive while it is answered. */
struct stats_lists {
    char areas[HTTP_QUERY_VALUE_MAX * 2], cats[HTTP_QUERY_VALUE_MAX * 2],
        sources[HTTP_QUERY_VALUE_MAX * 2], units[HTTP_QUERY_VALUE_MAX * 2];
};

/* Reads the query shared by every statistics endpoint into *q. 0 or replied -1. */
static int query_or_reply(struct req *r, struct stats_lists *l, unsigned allowed_by,
                          unsigned default_by, struct wf_stats_query *q)
{
    memset(q, 0, sizeof *q);
    char grain[16];
    int h = http_query_or_reply(r, "period", grain, sizeof grain);
    q->grain = PERIOD_YEAR;
    if (h < 0)
        return -1;
    if (h && (period_grain_parse(grain, &q->grain) != 0 || q->grain == PERIOD_DAY))
        return http_reply_error(r, ERR_INVALID_FORMAT, "period",
                                "'period' is week, month, quarter or year"),
               -1;
    if (by_or_reply(r, allowed_by, default_by, &q->by) != 0)
        return -1;
    if ((q->has_from = day_or_reply(r, "from", 0, &q->from)) < 0 ||
        (q->has_to = day_or_reply(r, "to", 1, &q->to)) < 0)
        return -1;
    if (q->has_from && q->has_to && q->from > q->to)
        return http_reply_error(r, ERR_OUT_OF_RANGE, "from", "'from' is after 'to'"), -1;
    if (codes_or_reply(r, "category", l->cats, sizeof l->cats, &q->categories) != 0 ||
        codes_or_reply(r, "area", l->areas, sizeof l->areas, &q->area_codes) != 0 ||
        codes_or_reply(r, "source", l->sources, sizeof l->sources, &q->sources) != 0 ||
        codes_or_reply(r, "unit", l->units, sizeof l->units, &q->unit_codes) != 0)
        return -1;
    if (q->sources) {
        json_t *a = json_loads(q->sources, 0, NULL);
        size_t i;
        json_t *v;
        int ok = 1;
        json_array_foreach(a, i, v)
        {
            const char *s = json_string_value(v);
            ok &= s &&
                  (strcmp(s, "resident") == 0 || strcmp(s, "walk") == 0 || strcmp(s, "staff") == 0);
        }
        json_decref(a);
        if (!ok)
            return http_reply_error(r, ERR_INVALID_FORMAT, "source",
                                    "'source' is resident, walk or staff"),
                   -1;
    }
    int staff = session_optional(r);
    if (staff < 0)
        return -1;
    q->public_ = !staff;
    return 0;
}

/* ?lang=sv|en into lang (at least 3 bytes; "sv" when absent). 0 or replied -1. */
static int lang_or_reply(struct req *r, char *lang)
{
    char v[8];
    int h = http_query_or_reply(r, "lang", v, sizeof v);
    if (h < 0)
        return -1;
    memcpy(lang, h && strcmp(v, "en") == 0 ? "en" : "sv", 3);
    if (strcmp(v, "sv") != 0 && strcmp(v, "en") != 0 && h)
        return http_reply_error(r, ERR_INVALID_FORMAT, "lang", "'lang' is sv or en"), -1;
    return 0;
}

/*
 * The public answer's question as a key (every parsed value, and today, which an
 * open end means) for http_public_cache_or_reply: the ETag, Cache-Control and the
 * answer cache. Staff answers (nothing suppressed) are neither cached nor tagged.
 * Returns what http_public_cache_or_reply returns, 0 for staff.
 */
static int stats_cache_or_reply(struct req *r, const char *what, const struct wf_stats_query *q,
                                char *key, size_t cap, char *hdr)
{
    hdr[0] = '\0';
    if (!q->public_)
        return 0;
    int n = snprintf(key, cap, "%s|%d|%u|%d:%d|%d:%d|%s|%s|%s|%s|%d|%d|%d", what, (int)q->grain,
                     q->by, q->has_from, (int)q->from, q->has_to, (int)q->to,
                     q->categories ? q->categories : "-", q->area_codes ? q->area_codes : "-",
                     q->sources ? q->sources : "-", q->unit_codes ? q->unit_codes : "-", q->cell_m,
                     q->limit, (int)period_local_day((int64_t)time(NULL)));
    if (n < 0 || (size_t)n >= cap)
        return 0; /* a question too long to name: answered, neither tagged nor kept */
    return http_public_cache_or_reply(r, key, hdr);
}

int api_stats(struct req *r)
{
    struct stats_lists l;
    struct wf_stats_query q;
    struct wf_error err;
    char key[ANSCACHE_KEY_MAX], hdr[HTTP_PUBLIC_CACHE_HEADERS_MAX];
    if (query_or_reply(r, &l, WF_BY_AREA | WF_BY_CATEGORY | WF_BY_SOURCE,
                       WF_BY_AREA | WF_BY_CATEGORY, &q) != 0 ||
        stats_cache_or_reply(r, "stats", &q, key, sizeof key, hdr) != 0)
        return r->status;
    if (http_heavy_enter_or_reply(r) != 0)
        return r->status;
    struct membuf out;
    membuf_init(&out, WF_STATS_TEXT_MAX);
    if (wf_stats_counts_text(r->dbc, r->cfg, &q, &out, &err) != 0)
        http_reply_fail(r, &err);
    else
        http_reply_bytes(r, 200, "application/json", out.data, out.len, hdr[0] ? hdr : NULL);
    membuf_free(&out);
    http_heavy_leave(r);
    return r->status;
}

int api_stats_csv(struct req *r)
{
    struct stats_lists l;
    struct wf_stats_query q;
    struct wf_error err;
    char lang[8] = "sv";
    unsigned char *out = NULL;
    size_t len = 0;
    if (query_or_reply(r, &l, WF_BY_AREA | WF_BY_CATEGORY | WF_BY_SOURCE,
                       WF_BY_AREA | WF_BY_CATEGORY, &q) != 0 ||
        lang_or_reply(r, lang) != 0)
        return r->status;
    if (http_heavy_enter_or_reply(r) != 0)
        return r->status;
    if (wf_stats_counts_csv(r->dbc, r->cfg, &q, lang, &out, &len, &err) != 0)
        http_reply_fail(r, &err);
    else
        http_reply_bytes(r, 200, "text/csv; charset=utf-8", out, len,
                         "Content-Disposition: attachment; filename=\"trygg-stats.csv\"\r\n");
    free(out);
    http_heavy_leave(r);
    return r->status;
}

int api_stats_workflow(struct req *r)
{
    struct stats_lists l;
    struct wf_stats_query q;
    struct wf_error err;
    if (query_or_reply(r, &l, WF_BY_UNIT | WF_BY_AREA | WF_BY_CATEGORY, WF_BY_UNIT, &q) != 0 ||
        http_heavy_enter_or_reply(r) != 0)
        return r->status;
    json_t *o = wf_stats_workflow(r->dbc, r->cfg, &q, &err);
    if (o)
        http_reply_json(r, 200, o);
    else
        http_reply_fail(r, &err);
    http_heavy_leave(r);
    return r->status;
}

int api_stats_hotspots(struct req *r)
{
    struct stats_lists l;
    struct wf_stats_query q;
    struct wf_error err;
    char v[32];
    int64_t x;
    if (query_or_reply(r, &l, 0, 0, &q) != 0)
        return r->status;
    /* the middle configured size unless cell_m= names one of them */
    q.cell_m = r->cfg->hotspot_cells_m[r->cfg->hotspot_cells / 2];
    int h = http_query_or_reply(r, "cell_m", v, sizeof v);
    if (h < 0)
        return r->status;
    if (h) {
        int ok = parse_i64(v, 1, 100000, &x) == 0;
        for (int i = 0; ok && i < r->cfg->hotspot_cells && r->cfg->hotspot_cells_m[i] != x; i++)
            ok = i + 1 < r->cfg->hotspot_cells;
        if (!ok) {
            char sizes[64] = "";
            for (int i = 0; i < r->cfg->hotspot_cells; i++)
                snprintf(sizes + strlen(sizes), sizeof sizes - strlen(sizes), "%s%d", i ? ", " : "",
                         r->cfg->hotspot_cells_m[i]);
            return http_reply_error(r, ERR_OUT_OF_RANGE, "cell_m", "'cell_m' is one of %s", sizes);
        }
        q.cell_m = (int)x;
    }
    q.limit = WF_HOTSPOTS_DEFAULT;
    if ((h = http_query_or_reply(r, "limit", v, sizeof v)) < 0)
        return r->status;
    if (h) {
        if (parse_i64(v, 1, WF_HOTSPOTS_MAX, &x) != 0)
            return http_reply_error(r, ERR_OUT_OF_RANGE, "limit", "'limit' is 1 to %d",
                                    WF_HOTSPOTS_MAX);
        q.limit = (int)x;
    }
    char key[ANSCACHE_KEY_MAX], hdr[HTTP_PUBLIC_CACHE_HEADERS_MAX];
    if (stats_cache_or_reply(r, "hotspots", &q, key, sizeof key, hdr) != 0 ||
        http_heavy_enter_or_reply(r) != 0)
        return r->status;
    json_t *o = wf_stats_hotspots(r->dbc, r->cfg, &q, &err);
    char *s = o ? jsonout_dumps(o, HTTP_JSON_TEXT_MAX, NULL) : NULL;
    json_decref(o);
    if (!o)
        http_reply_fail(r, &err);
    else if (!s)
        http_reply_error(r, ERR_INTERNAL, NULL, "out of memory");
    else
        http_reply_bytes(r, 200, "application/geo+json", s, strlen(s), hdr[0] ? hdr : NULL);
    free(s);
    http_heavy_leave(r);
    return r->status;
}

/* The period of ?week=, ?month=, ?quarter= or ?year= (at most one; none: this
 * week). 0 or replied -1. */
static int situation_period_or_reply(struct req *r, struct period *p)
{
    static const struct {
        const char *name;
        enum period_grain g;
    } keys[] = {{"week", PERIOD_WEEK},
                {"month", PERIOD_MONTH},
                {"quarter", PERIOD_QUARTER},
                {"year", PERIOD_YEAR}};
    int found = 0;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char v[32];
        int h = http_query_or_reply(r, keys[i].name, v, sizeof v);
        if (h < 0)
            return -1;
        if (!h)
            continue;
        if (found++)
            return http_reply_error(r, ERR_INVALID_FORMAT, keys[i].name,
                                    "give one of week=, month=, quarter= or year="),
                   -1;
        if (period_parse(v, p) != 0 || p->grain != keys[i].g)
            return http_reply_error(r, ERR_INVALID_FORMAT, keys[i].name, "'%s' is like %s",
                                    keys[i].name,
                                    keys[i].g == PERIOD_WEEK      ? "2026-W48"
                                    : keys[i].g == PERIOD_MONTH   ? "2026-11"
                                    : keys[i].g == PERIOD_QUARTER ? "2026-Q4"
                                                                  : "2026"),
                   -1;
    }
    if (!found)
        *p = period_containing(PERIOD_WEEK, period_local_day((int64_t)time(NULL)));
    return 0;
}

int api_situation(struct req *r)
{
    struct period p;
    struct wf_error err;
    if (situation_period_or_reply(r, &p) != 0 || http_heavy_enter_or_reply(r) != 0)
        return r->status;
    json_t *o = wf_situation(r->dbc, r->cfg, p, &err);
    if (o)
        http_reply_json(r, 200, o);
    else
        http_reply_fail(r, &err);
    http_heavy_leave(r);
    return r->status;
}

int api_situation_pdf(struct req *r)
{
    struct period p;
    struct wf_error err;
    char lang[8] = "sv";
    unsigned char *out = NULL;
    size_t len = 0;
    if (situation_period_or_reply(r, &p) != 0 || lang_or_reply(r, lang) != 0 ||
        http_heavy_enter_or_reply(r) != 0)
        return r->status;
    if (wf_situation_pdf(r->dbc, r->cfg, p, lang, &out, &len, &err) != 0)
        http_reply_fail(r, &err);
    else
        http_reply_bytes(r, 200, "application/pdf", out, len,
                         "Content-Disposition: inline; filename=\"situation.pdf\"\r\n");
    free(out);
    http_heavy_leave(r);
    return r->status;
}

int api_indicators(struct req *r)
{
    char area[HTTP_QUERY_VALUE_MAX], indicator[HTTP_QUERY_VALUE_MAX];
    struct wf_error err;
    int ha = http_query_or_reply(r, "area", area, sizeof area);
    int hi = ha < 0 ? -1 : http_query_or_reply(r, "indicator", indicator, sizeof indicator);
    if (ha < 0 || hi < 0)
        return r->status;
    int staff = session_optional(r);
    if (staff < 0)
        return r->status;
    json_t *o = wf_indicators_list(r->dbc, r->cfg, ha && area[0] ? area : NULL,
                                   hi && indicator[0] ? indicator : NULL, !staff, &err);
    return o ? http_reply_json(r, 200, o) : http_reply_fail(r, &err);
}
