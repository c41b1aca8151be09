/*
 * stats_store — see stats_store.h. Must not decide anything about what a
 * figure means for a reader (suppression, ranking, trends): that is wf_stats.
 */
#include "stats_store.h"
#include "cell.h"
#include "obs_store.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The keys of the five periods that contain a day. */
struct day_keys {
    char k[5][PERIOD_KEY_MAX]; /* day, week, month, quarter, year */
};

static int day_keys_of(const char *day, struct day_keys *out)
{
    struct period p;
    if (period_parse(day, &p) != 0 || p.grain != PERIOD_DAY)
        return -1;
    for (int g = PERIOD_DAY; g <= PERIOD_YEAR; g++)
        period_key(period_containing((enum period_grain)g, p.first), out->k[g], PERIOD_KEY_MAX);
    return 0;
}

/* The local day key of an RFC 3339 time. 0 or -1. */
static int local_day_key(const char *iso, char *out, int64_t *t)
{
    if (!iso || parse_rfc3339(iso, t) != 0)
        return -1;
    period_key(period_containing(PERIOD_DAY, period_local_day(*t)), out, PERIOD_KEY_MAX);
    return 0;
}

static void text_col(sqlite3_stmt *st, int i, char *out, size_t cap)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    snprintf(out, cap, "%s", s ? (const char *)s : "");
}

/* ---- observations -------------------------------------------------------------- */

struct obs_memo {
    char day[PERIOD_KEY_MAX], category[64], source[16];
    int64_t area_id;
    int rating;
    double e, n;
    int counted; /* 0: hidden by moderation, in no figure */
};

static const char SQL_OBS_MEMO[] =
    "SELECT day, area_id, category, source, rating, e, n, counted FROM stats_observations "
    "WHERE observation_id = ?";
static const char SQL_OBS_FACTS[] =
    "SELECT observed_at, COALESCE(area_id, 0), category, COALESCE(unsafe_rating, 0), e, n, "
    "walk_id IS NOT NULL, public FROM observations WHERE id = ?";
static const char SQL_OBS_MEMO_PUT[] =
    "INSERT OR REPLACE INTO stats_observations (observation_id, day, area_id, category, source, "
    "rating, e, n, counted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_OBS_MEMO_DEL[] = "DELETE FROM stats_observations WHERE observation_id = ?";
static const char SQL_COUNTS_ADD[] =
    "INSERT INTO stats_counts (grain, period, area_id, category, source, n, rated, rating_sum) "
    "VALUES ('day', ?1, ?6, ?7, ?8, ?9, ?10, ?11), ('week', ?2, ?6, ?7, ?8, ?9, ?10, ?11), "
    "('month', ?3, ?6, ?7, ?8, ?9, ?10, ?11), ('quarter', ?4, ?6, ?7, ?8, ?9, ?10, ?11), "
    "('year', ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT DO UPDATE SET n = n + excluded.n, "
    "rated = rated + excluded.rated, rating_sum = rating_sum + excluded.rating_sum";
static const char SQL_CELLS_ALL_ADD[] =
    "INSERT INTO stats_cells_all (cell_m, cell_e, cell_n, area_id, n) VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT DO UPDATE SET n = n + excluded.n";
static const char SQL_CELLS_TOTAL_ADD[] =
    "INSERT INTO stats_cells_total (cell_m, cell_e, cell_n, n) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT DO UPDATE SET n = n + excluded.n";
static const char SQL_CELLS_ADD[] =
    "INSERT INTO stats_cells (cell_m, grain, period, cell_e, cell_n, area_id, category, n) "
    "VALUES (?1, 'day', ?2, ?6, ?7, ?8, ?9, ?10), (?1, 'month', ?3, ?6, ?7, ?8, ?9, ?10), "
    "(?1, 'quarter', ?4, ?6, ?7, ?8, ?9, ?10), (?1, 'year', ?5, ?6, ?7, ?8, ?9, ?10) "
    "ON CONFLICT DO UPDATE SET n = n + excluded.n";

/* 1 with *m loaded, 0 when there is no memo, -1 on error. */
static int obs_memo_load(struct dbc *c, int64_t id, struct obs_memo *m)
{
    sqlite3_stmt *st = db_stmt(c, SQL_OBS_MEMO);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        text_col(st, 0, m->day, sizeof m->day);
        m->area_id = sqlite3_column_int64(st, 1);
        text_col(st, 2, m->category, sizeof m->category);
        text_col(st, 3, m->source, sizeof m->source);
        m->rating = sqlite3_column_int(st, 4);
        m->e = sqlite3_column_double(st, 5);
        m->n = sqlite3_column_double(st, 6);
        m->counted = sqlite3_column_int(st, 7);
    }
    db_done(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* The observation as it is now: 1 with *m (source left to the caller), 0 gone, -1 error.
 * *on_walk tells whether it belongs to a walk. */
static int obs_facts_load(struct dbc *c, int64_t id, struct obs_memo *m, int *on_walk)
{
    sqlite3_stmt *st = db_stmt(c, SQL_OBS_FACTS);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), out = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
    if (rc == SQLITE_ROW) {
        int64_t t;
        char observed[40];
        text_col(st, 0, observed, sizeof observed);
        if (local_day_key(observed, m->day, &t) != 0)
            out = -1;
        m->area_id = sqlite3_column_int64(st, 1);
        text_col(st, 2, m->category, sizeof m->category);
        m->rating = sqlite3_column_int(st, 3);
        m->e = sqlite3_column_double(st, 4);
        m->n = sqlite3_column_double(st, 5);
        *on_walk = sqlite3_column_int(st, 6);
        m->counted = sqlite3_column_int(st, 7) != 0;
    }
    db_done(st);
    return out;
}

/* Adds sign (+1 or -1) times what m counts for. 0 or -1. */
static int obs_apply(struct dbc *c, const struct obs_memo *m, int sign,
                     const struct stats_cells *cells)
{
    struct day_keys k;
    if (day_keys_of(m->day, &k) != 0)
        return -1;
    sqlite3_stmt *st = db_stmt(c, SQL_COUNTS_ADD);
    if (!st)
        return -1;
    for (int g = 0; g < 5; g++)
        sqlite3_bind_text(st, g + 1, k.k[g], -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 6, m->area_id);
    sqlite3_bind_text(st, 7, m->category, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 8, m->source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 9, sign);
    sqlite3_bind_int(st, 10, m->rating > 0 ? sign : 0);
    sqlite3_bind_int(st, 11, m->rating * sign);
    if (db_run(st) != 0)
        return -1;
    for (int i = 0; cells && i < cells->n; i++) {
        int64_t oe, on;
        cell_origin(m->e, m->n, cells->sizes[i], &oe, &on);
        st = db_stmt(c, SQL_CELLS_ADD);
        if (!st)
            return -1;
        sqlite3_bind_int(st, 1, cells->sizes[i]);
        sqlite3_bind_text(st, 2, k.k[PERIOD_DAY], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, k.k[PERIOD_MONTH], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, k.k[PERIOD_QUARTER], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 5, k.k[PERIOD_YEAR], -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 6, oe);
        sqlite3_bind_int64(st, 7, on);
        sqlite3_bind_int64(st, 8, m->area_id);
        sqlite3_bind_text(st, 9, m->category, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 10, sign);
        if (db_run(st) != 0)
            return -1;
        st = db_stmt(c, SQL_CELLS_ALL_ADD);
        if (!st)
            return -1;
        sqlite3_bind_int(st, 1, cells->sizes[i]);
        sqlite3_bind_int64(st, 2, oe);
        sqlite3_bind_int64(st, 3, on);
        sqlite3_bind_int64(st, 4, m->area_id);
        sqlite3_bind_int(st, 5, sign);
        if (db_run(st) != 0)
            return -1;
        st = db_stmt(c, SQL_CELLS_TOTAL_ADD);
        if (!st)
            return -1;
        sqlite3_bind_int(st, 1, cells->sizes[i]);
        sqlite3_bind_int64(st, 2, oe);
        sqlite3_bind_int64(st, 3, on);
        sqlite3_bind_int(st, 4, sign);
        if (db_run(st) != 0)
            return -1;
    }
    return 0;
}

static int obs_memo_same(const struct obs_memo *a, const struct obs_memo *b)
{
    return strcmp(a->day, b->day) == 0 && a->area_id == b->area_id &&
           strcmp(a->category, b->category) == 0 && strcmp(a->source, b->source) == 0 &&
           a->rating == b->rating && a->e == b->e && a->n == b->n && a->counted == b->counted;
}

/* The sync; take_back 0 when the aggregates were just emptied (a rebuild). */
static int obs_sync(struct dbc *c, int64_t id, const char *source, const struct stats_cells *cells,
                    int take_back)
{
    struct obs_memo old, now;
    int on_walk = 0;
    int had = obs_memo_load(c, id, &old);
    int exists = had < 0 ? -1 : obs_facts_load(c, id, &now, &on_walk);
    if (exists < 0)
        return -1;
    if (exists) {
        const char *s = source    ? source
                        : on_walk ? STATS_SOURCE_WALK
                        : had && strcmp(old.source, STATS_SOURCE_STAFF) == 0
                            ? STATS_SOURCE_STAFF
                            : STATS_SOURCE_RESIDENT;
        snprintf(now.source, sizeof now.source, "%s", s);
    }
    if (take_back && had && exists && obs_memo_same(&old, &now))
        return 0;
    if (take_back && had && old.counted && obs_apply(c, &old, -1, cells) != 0)
        return -1;
    if (!exists) {
        sqlite3_stmt *st = db_stmt(c, SQL_OBS_MEMO_DEL);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, id);
        return db_run(st);
    }
    if (now.counted && obs_apply(c, &now, +1, cells) != 0)
        return -1;
    sqlite3_stmt *st = db_stmt(c, SQL_OBS_MEMO_PUT);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, now.day, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, now.area_id);
    sqlite3_bind_text(st, 4, now.category, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, now.source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 6, now.rating);
    sqlite3_bind_double(st, 7, now.e);
    sqlite3_bind_double(st, 8, now.n);
    sqlite3_bind_int(st, 9, now.counted);
    return db_run(st);
}

int stats_store_observation_sync(struct dbc *c, int64_t id, const char *source,
                                 const struct stats_cells *cells)
{
    return obs_sync(c, id, source, cells, 1);
}

/* ---- cases ------------------------------------------------------------------------- */

struct case_memo {
    int64_t unit_id, area_id;
    char category[64], opened_day[PERIOD_KEY_MAX], closed[16], closed_day[PERIOD_KEY_MAX];
    int64_t hours; /* -1: none */
    int on_time;   /* -1: none */
};

static const char SQL_CASE_MEMO[] =
    "SELECT unit_id, area_id, category, opened_day, closed, closed_day, hours, on_time "
    "FROM stats_cases WHERE case_id = ?";
/* The time a case reached its current state: the latest event that moved it there. */
static const char SQL_CASE_FACTS[] =
    "SELECT c.state, COALESCE(c.unit_id, 0), COALESCE(o.area_id, 0), o.category, c.created_at, "
    "c.due_at, COALESCE((SELECT e.at FROM case_events e WHERE e.case_id = c.observation_id AND "
    "e.kind IN ('state', 'merged') AND e.to_value = c.state ORDER BY e.id DESC LIMIT 1), "
    "c.updated_at) FROM cases c JOIN observations o ON o.id = c.observation_id "
    "WHERE c.observation_id = ?";
static const char SQL_CASE_MEMO_PUT[] =
    "INSERT OR REPLACE INTO stats_cases (case_id, unit_id, area_id, category, opened_day, "
    "closed, closed_day, hours, on_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_CASE_MEMO_DEL[] = "DELETE FROM stats_cases WHERE case_id = ?";
static const char SQL_FLOW_ADD[] =
    "INSERT INTO stats_flow (grain, period, unit_id, area_id, category, opened, opened_resolved, "
    "resolved, rejected, with_due, on_time) VALUES "
    "('day', ?1, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13), "
    "('month', ?2, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13), "
    "('quarter', ?3, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13), "
    "('year', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT DO UPDATE SET "
    "opened = opened + excluded.opened, opened_resolved = opened_resolved + "
    "excluded.opened_resolved, resolved = resolved + excluded.resolved, rejected = rejected + "
    "excluded.rejected, with_due = with_due + excluded.with_due, on_time = on_time + "
    "excluded.on_time";
static const char SQL_TTR_ADD[] =
    "INSERT INTO stats_ttr (grain, period, unit_id, area_id, category, hours, n) VALUES "
    "('day', ?1, ?5, ?6, ?7, ?8, ?9), ('month', ?2, ?5, ?6, ?7, ?8, ?9), "
    "('quarter', ?3, ?5, ?6, ?7, ?8, ?9), ('year', ?4, ?5, ?6, ?7, ?8, ?9) "
    "ON CONFLICT DO UPDATE SET n = n + excluded.n";

static int case_memo_load(struct dbc *c, int64_t id, struct case_memo *m)
{
    sqlite3_stmt *st = db_stmt(c, SQL_CASE_MEMO);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        m->unit_id = sqlite3_column_int64(st, 0);
        m->area_id = sqlite3_column_int64(st, 1);
        text_col(st, 2, m->category, sizeof m->category);
        text_col(st, 3, m->opened_day, sizeof m->opened_day);
        text_col(st, 4, m->closed, sizeof m->closed);
        text_col(st, 5, m->closed_day, sizeof m->closed_day);
        m->hours = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 6);
        m->on_time = sqlite3_column_type(st, 7) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 7);
    }
    db_done(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int case_facts_load(struct dbc *c, int64_t id, struct case_memo *m)
{
    sqlite3_stmt *st = db_stmt(c, SQL_CASE_FACTS);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), out = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
    if (rc == SQLITE_ROW) {
        char state[32], created[40], due[40], at[40];
        int64_t t_created, t_due = 0, t_at;
        memset(m, 0, sizeof *m);
        text_col(st, 0, state, sizeof state);
        m->unit_id = sqlite3_column_int64(st, 1);
        m->area_id = sqlite3_column_int64(st, 2);
        text_col(st, 3, m->category, sizeof m->category);
        text_col(st, 4, created, sizeof created);
        text_col(st, 5, due, sizeof due);
        text_col(st, 6, at, sizeof at);
        m->hours = -1;
        m->on_time = -1;
        if (local_day_key(created, m->opened_day, &t_created) != 0)
            out = -1;
        int has_due = due[0] && parse_rfc3339(due, &t_due) == 0;
        if (strcmp(state, "resolved") == 0 || strcmp(state, "rejected") == 0 ||
            strcmp(state, "duplicate") == 0) {
            snprintf(m->closed, sizeof m->closed, "%.15s", state);
            if (local_day_key(at, m->closed_day, &t_at) != 0)
                out = -1;
            else if (strcmp(state, "resolved") == 0) {
                int64_t secs = t_at - t_created;
                m->hours = secs <= 0 ? 0 : (secs + 3599) / 3600;
                m->on_time = has_due ? t_at <= t_due : -1;
            }
        }
    }
    db_done(st);
    return out;
}

static int flow_add(struct dbc *c, const struct case_memo *m, const char *day, int opened,
                    int opened_resolved, int resolved, int rejected, int with_due, int on_time)
{
    struct day_keys k;
    if (day_keys_of(day, &k) != 0)
        return -1;
    sqlite3_stmt *st = db_stmt(c, SQL_FLOW_ADD);
    if (!st)
        return -1;
    for (int g = 0; g < 4; g++)
        sqlite3_bind_text(st, g + 1, k.k[g == 0 ? PERIOD_DAY : g + 1], -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, m->unit_id);
    sqlite3_bind_int64(st, 6, m->area_id);
    sqlite3_bind_text(st, 7, m->category, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 8, opened);
    sqlite3_bind_int(st, 9, opened_resolved);
    sqlite3_bind_int(st, 10, resolved);
    sqlite3_bind_int(st, 11, rejected);
    sqlite3_bind_int(st, 12, with_due);
    sqlite3_bind_int(st, 13, on_time);
    return db_run(st);
}

static int case_apply(struct dbc *c, const struct case_memo *m, int sign)
{
    int resolved = strcmp(m->closed, "resolved") == 0,
        rejected = strcmp(m->closed, "rejected") == 0;
    if (flow_add(c, m, m->opened_day, sign, resolved ? sign : 0, 0, 0, 0, 0) != 0)
        return -1;
    if (!resolved && !rejected)
        return 0;
    if (flow_add(c, m, m->closed_day, 0, 0, resolved ? sign : 0, rejected ? sign : 0,
                 m->on_time >= 0 ? sign : 0, m->on_time > 0 ? sign : 0) != 0)
        return -1;
    if (!resolved)
        return 0;
    struct day_keys k;
    if (day_keys_of(m->closed_day, &k) != 0)
        return -1;
    sqlite3_stmt *st = db_stmt(c, SQL_TTR_ADD);
    if (!st)
        return -1;
    for (int g = 0; g < 4; g++)
        sqlite3_bind_text(st, g + 1, k.k[g == 0 ? PERIOD_DAY : g + 1], -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, m->unit_id);
    sqlite3_bind_int64(st, 6, m->area_id);
    sqlite3_bind_text(st, 7, m->category, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 8, m->hours);
    sqlite3_bind_int(st, 9, sign);
    return db_run(st);
}

static int case_memo_same(const struct case_memo *a, const struct case_memo *b)
{
    return a->unit_id == b->unit_id && a->area_id == b->area_id &&
           strcmp(a->category, b->category) == 0 && strcmp(a->opened_day, b->opened_day) == 0 &&
           strcmp(a->closed, b->closed) == 0 && strcmp(a->closed_day, b->closed_day) == 0 &&
           a->hours == b->hours && a->on_time == b->on_time;
}

static int case_sync(struct dbc *c, int64_t id, int take_back)
{
    struct case_memo old, now;
    int had = take_back ? case_memo_load(c, id, &old) : 0;
    int exists = had < 0 ? -1 : case_facts_load(c, id, &now);
    if (exists < 0)
        return -1;
    if (had && exists && case_memo_same(&old, &now))
        return 0;
    if (had && case_apply(c, &old, -1) != 0)
        return -1;
    sqlite3_stmt *st;
    if (!exists) {
        if (!(st = db_stmt(c, SQL_CASE_MEMO_DEL)))
            return -1;
        sqlite3_bind_int64(st, 1, id);
        return db_run(st);
    }
    if (case_apply(c, &now, +1) != 0 || !(st = db_stmt(c, SQL_CASE_MEMO_PUT)))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now.unit_id);
    sqlite3_bind_int64(st, 3, now.area_id);
    sqlite3_bind_text(st, 4, now.category, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, now.opened_day, -1, SQLITE_TRANSIENT);
    db_bind_text_or_null(st, 6, now.closed[0] ? now.closed : NULL);
    db_bind_text_or_null(st, 7, now.closed_day[0] ? now.closed_day : NULL);
    if (now.hours >= 0)
        sqlite3_bind_int64(st, 8, now.hours);
    if (now.on_time >= 0)
        sqlite3_bind_int(st, 9, now.on_time);
    return db_run(st);
}

int stats_store_case_sync(struct dbc *c, int64_t id)
{
    return case_sync(c, id, 1);
}

/* ---- rebuilding ---------------------------------------------------------------- */

static void cells_text(const struct stats_cells *cells, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (int i = 0; cells && i < cells->n && o < cap; i++)
        o += (size_t)snprintf(out + o, cap - o, "%s%d", i ? "," : "", cells->sizes[i]);
}

static const char SQL_META_GET[] = "SELECT value FROM stats_meta WHERE key = ?";
static const char SQL_META_PUT[] = "INSERT OR REPLACE INTO stats_meta (key, value) VALUES (?, ?)";

int stats_store_rebuild_needed(struct dbc *c, const struct stats_cells *cells)
{
    char want[128], flag[16] = "", have[128] = "";
    cells_text(cells, want, sizeof want);
    sqlite3_stmt *st = db_stmt(c, SQL_META_GET);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, "rebuild", -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        text_col(st, 0, flag, sizeof flag);
    db_done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    if (!(st = db_stmt(c, SQL_META_GET)))
        return -1;
    sqlite3_bind_text(st, 1, "cells", -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        text_col(st, 0, have, sizeof have);
    db_done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    return strcmp(flag, "0") != 0 || strcmp(have, want) != 0;
}

/* The ids that sql (one column) returns, into a malloc'd array. 0 or -1. */
static int collect_ids(struct dbc *c, const char *sql, int64_t **ids, int64_t *n)
{
    sqlite3_stmt *st = db_prepare(c->db, sql);
    size_t cap = 1024, k = 0;
    int64_t *a = malloc(cap * sizeof *a);
    int rc = SQLITE_DONE;
    while (st && a && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            int64_t *b = realloc(a, 2 * cap * sizeof *a);
            if (!b)
                break;
            a = b;
            cap *= 2;
        }
        a[k++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    if (!st || !a || rc != SQLITE_DONE) {
        free(a);
        return -1;
    }
    *ids = a;
    *n = (int64_t)k;
    return 0;
}

int stats_store_rebuild(struct dbc *c, const struct stats_cells *cells, int64_t *observations,
                        int64_t *cases)
{
    int64_t *ids = NULL, n = 0;
    *observations = *cases = 0;
    /* The sources counted before are kept in stats_observations (a staff member's
     * report cannot be told from a resident's afterwards); everything else goes. */
    if (db_exec(c->db,
                "DELETE FROM stats_counts; DELETE FROM stats_cells; DELETE FROM stats_cells_all;"
                "DELETE FROM stats_cells_total;"
                "DELETE FROM stats_flow;"
                "DELETE FROM stats_ttr; DELETE FROM stats_cases;"
                "DELETE FROM stats_observations WHERE observation_id NOT IN "
                "(SELECT id FROM observations);") != SQLITE_OK)
        return -1;
    if (collect_ids(c, "SELECT id FROM observations ORDER BY id", &ids, &n) != 0)
        return -1;
    for (int64_t i = 0; i < n; i++)
        if (obs_sync(c, ids[i], NULL, cells, 0) != 0) {
            free(ids);
            return -1;
        }
    free(ids);
    *observations = n;
    if (collect_ids(c, "SELECT observation_id FROM cases ORDER BY observation_id", &ids, &n) != 0)
        return -1;
    for (int64_t i = 0; i < n; i++)
        if (case_sync(c, ids[i], 0) != 0) {
            free(ids);
            return -1;
        }
    free(ids);
    *cases = n;
    char want[128];
    cells_text(cells, want, sizeof want);
    sqlite3_stmt *st = db_stmt(c, SQL_META_PUT);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, "cells", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, want, -1, SQLITE_TRANSIENT);
    if (db_run(st) != 0 || !(st = db_stmt(c, SQL_META_PUT)))
        return -1;
    sqlite3_bind_text(st, 1, "rebuild", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, "0", -1, SQLITE_STATIC);
    return db_run(st);
}

/* ---- reading -------------------------------------------------------------------- */

static void bind_filter(sqlite3_stmt *st, int idx, const char *json)
{
    db_bind_text_or_null(st, idx, json);
}

#define FILTER_AREAS(i) "(?" #i " IS NULL OR area_id IN (SELECT value FROM json_each(?" #i ")))"
#define FILTER_CATEGORIES(i)                                                                       \
    "(?" #i " IS NULL OR category IN (SELECT value FROM json_each(?" #i ")))"
#define FILTER_SOURCES(i) "(?" #i " IS NULL OR source IN (SELECT value FROM json_each(?" #i ")))"
#define FILTER_UNITS(i) "(?" #i " IS NULL OR unit_id IN (SELECT value FROM json_each(?" #i ")))"

static const char SQL_COUNTS_Q[] =
    "SELECT period, area_id, category, source, n, rated, rating_sum FROM stats_counts "
    "WHERE grain = ?1 AND period BETWEEN ?2 AND ?3 AND n != 0 AND " FILTER_AREAS(
        4) " AND " FILTER_CATEGORIES(5) " AND " FILTER_SOURCES(6);

int stats_store_counts(struct dbc *c, enum period_grain g, const char *lo, const char *hi,
                       const struct stats_filter *f, stats_count_fn fn, void *ctx)
{
    sqlite3_stmt *st = db_stmt(c, SQL_COUNTS_Q);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, period_grain_name(g), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, lo, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, hi, -1, SQLITE_TRANSIENT);
    bind_filter(st, 4, f->areas);
    bind_filter(st, 5, f->categories);
    bind_filter(st, 6, f->sources);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct stats_count_row r = {(const char *)sqlite3_column_text(st, 0),
                                    (const char *)sqlite3_column_text(st, 2),
                                    (const char *)sqlite3_column_text(st, 3),
                                    sqlite3_column_int64(st, 1),
                                    sqlite3_column_int64(st, 4),
                                    sqlite3_column_int64(st, 5),
                                    sqlite3_column_int64(st, 6)};
        fn(ctx, &r);
    }
    db_done(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_DAY_FIRST[] =
    "SELECT period FROM stats_counts WHERE grain = 'day' AND n != 0 ORDER BY period LIMIT 1";
static const char SQL_DAY_LAST[] =
    "SELECT period FROM stats_counts WHERE grain = 'day' AND n != 0 ORDER BY period DESC LIMIT 1";

int stats_store_day_span(struct dbc *c, char *first, char *last)
{
    const char *sql[2] = {SQL_DAY_FIRST, SQL_DAY_LAST};
    char *out[2] = {first, last};
    int found = 1;
    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *st = db_stmt(c, sql[i]);
        if (!st)
            return -1;
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            text_col(st, 0, out[i], PERIOD_KEY_MAX);
        else
            found = 0;
        db_done(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return -1;
    }
    return found;
}

static const char SQL_CELLS_Q[] =
    "SELECT max(period), cell_e, cell_n, area_id, sum(n) FROM stats_cells WHERE cell_m = ?1 "
    "AND grain = ?2 AND period BETWEEN ?3 AND ?4 AND " FILTER_AREAS(5) " AND " FILTER_CATEGORIES(
        6) " GROUP BY cell_e, cell_n, area_id HAVING sum(n) != 0";

int stats_store_cells(struct dbc *c, int cell_m, enum period_grain g, const char *lo,
                      const char *hi, const struct stats_filter *f, stats_cell_fn fn, void *ctx)
{
    sqlite3_stmt *st = db_stmt(c, SQL_CELLS_Q);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, cell_m);
    sqlite3_bind_text(st, 2, period_grain_name(g), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, lo, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, hi, -1, SQLITE_TRANSIENT);
    bind_filter(st, 5, f->areas);
    bind_filter(st, 6, f->categories);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct stats_cell_row r = {(const char *)sqlite3_column_text(st, 0),
                                   sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
                                   sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4)};
        fn(ctx, &r);
    }
    db_done(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_CELL_ONE_Q[] =
    "SELECT coalesce(sum(n), 0) FROM stats_cells WHERE cell_m = ?1 AND grain = ?2 AND period = ?3 "
    "AND cell_e = ?4 AND cell_n = ?5 AND " FILTER_AREAS(6) " AND " FILTER_CATEGORIES(7);

int64_t stats_store_cell_count(struct dbc *c, int cell_m, enum period_grain g, const char *period,
                               int64_t cell_e, int64_t cell_n, const struct stats_filter *f)
{
    sqlite3_stmt *st = db_stmt(c, SQL_CELL_ONE_Q);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, cell_m);
    sqlite3_bind_text(st, 2, period_grain_name(g), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, period, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, cell_e);
    sqlite3_bind_int64(st, 5, cell_n);
    bind_filter(st, 6, f->areas);
    bind_filter(st, 7, f->categories);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    db_done(st);
    return n;
}

static const char SQL_CELLS_ALL_Q[] = "SELECT cell_e, cell_n, area_id, n FROM stats_cells_all "
                                      "WHERE cell_m = ?1 AND n != 0 AND " FILTER_AREAS(2);

int stats_store_cells_all(struct dbc *c, int cell_m, const struct stats_filter *f, stats_cell_fn fn,
                          void *ctx)
{
    sqlite3_stmt *st = db_stmt(c, SQL_CELLS_ALL_Q);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, cell_m);
    bind_filter(st, 2, f->areas);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct stats_cell_row r = {"", sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                                   sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3)};
        fn(ctx, &r);
    }
    db_done(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_CELLS_BY_TOTAL_Q[] =
    "SELECT cell_e, cell_n, n FROM stats_cells_total WHERE cell_m = ?1 AND n > 0 "
    "ORDER BY n DESC";

int stats_store_cells_by_total(struct dbc *c, int cell_m, stats_cell_total_fn fn, void *ctx)
{
    sqlite3_stmt *st = db_stmt(c, SQL_CELLS_BY_TOTAL_Q);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, cell_m);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
               sqlite3_column_int64(st, 2)) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    db_done(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_CELL_AREAS_Q[] = "SELECT area_id, n FROM stats_cells_all WHERE cell_m = ?1 "
                                       "AND cell_e = ?2 AND cell_n = ?3 AND n != 0";

int stats_store_cell_areas(struct dbc *c, int cell_m, int64_t cell_e, int64_t cell_n,
                           stats_cell_fn fn, void *ctx)
{
    sqlite3_stmt *st = db_stmt(c, SQL_CELL_AREAS_Q);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, cell_m);
    sqlite3_bind_int64(st, 2, cell_e);
    sqlite3_bind_int64(st, 3, cell_n);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct stats_cell_row r = {"", cell_e, cell_n, sqlite3_column_int64(st, 0),
                                   sqlite3_column_int64(st, 1)};
        fn(ctx, &r);
    }
    db_done(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_FLOW_Q[] =
    "SELECT unit_id, area_id, category, sum(opened), sum(opened_resolved), sum(resolved), "
    "sum(rejected), sum(with_due), sum(on_time) FROM stats_flow WHERE grain = ?1 AND period "
    "BETWEEN ?2 AND ?3 AND " FILTER_AREAS(4) " AND " FILTER_CATEGORIES(5) " AND " FILTER_UNITS(
        6) " GROUP BY unit_id, area_id, category";

int stats_store_flow(struct dbc *c, enum period_grain g, const char *lo, const char *hi,
                     const struct stats_filter *f, stats_flow_fn fn, void *ctx)
{
    sqlite3_stmt *st = db_stmt(c, SQL_FLOW_Q);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, period_grain_name(g), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, lo, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, hi, -1, SQLITE_TRANSIENT);
    bind_filter(st, 4, f->areas);
    bind_filter(st, 5, f->categories);
    bind_filter(st, 6, f->units);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct stats_flow_row r = {
            sqlite3_column_int64(st, 0),
            sqlite3_column_int64(st, 1),
            (const char *)sqlite3_column_text(st, 2),
            sqlite3_column_int64(st, 3),
            sqlite3_column_int64(st, 4),
            sqlite3_column_int64(st, 5),
            sqlite3_column_int64(st, 6),
            sqlite3_column_int64(st, 7),
            sqlite3_column_int64(st, 8),
        };
        fn(ctx, &r);
    }
    db_done(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_TTR_Q[] =
    "SELECT unit_id, area_id, category, hours, sum(n) FROM stats_ttr WHERE grain = ?1 AND period "
    "BETWEEN ?2 AND ?3 AND " FILTER_AREAS(4) " AND " FILTER_CATEGORIES(5) " AND " FILTER_UNITS(
        6) " GROUP BY unit_id, area_id, category, hours HAVING sum(n) != 0";

int stats_store_ttr(struct dbc *c, enum period_grain g, const char *lo, const char *hi,
                    const struct stats_filter *f, stats_ttr_fn fn, void *ctx)
{
    sqlite3_stmt *st = db_stmt(c, SQL_TTR_Q);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, period_grain_name(g), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, lo, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, hi, -1, SQLITE_TRANSIENT);
    bind_filter(st, 4, f->areas);
    bind_filter(st, 5, f->categories);
    bind_filter(st, 6, f->units);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct stats_ttr_row r = {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                                  (const char *)sqlite3_column_text(st, 2),
                                  sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4)};
        fn(ctx, &r);
    }
    db_done(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_OPEN_Q[] =
    "SELECT unit_id, area_id, category, count(*), sum(overdue) FROM (SELECT "
    "COALESCE(c.unit_id, 0) AS unit_id, s.area_id AS area_id, s.category AS "
    "category, c.due_at IS NOT NULL AND c.due_at < ?1 AS overdue FROM cases c JOIN stats_cases "
    "s ON s.case_id = c.observation_id WHERE c.state IN " OBS_OPEN_STATES_SQL
    ") WHERE " FILTER_AREAS(2) " AND " FILTER_CATEGORIES(3) " AND " FILTER_UNITS(
        4) " GROUP BY unit_id, area_id, category";

int stats_store_open_cases(struct dbc *c, const char *now_iso, const struct stats_filter *f,
                           stats_open_fn fn, void *ctx)
{
    sqlite3_stmt *st = db_stmt(c, SQL_OPEN_Q);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, now_iso, -1, SQLITE_TRANSIENT);
    bind_filter(st, 2, f->areas);
    bind_filter(st, 3, f->categories);
    bind_filter(st, 4, f->units);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct stats_open_row r = {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                                   (const char *)sqlite3_column_text(st, 2),
                                   sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4)};
        fn(ctx, &r);
    }
    db_done(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_OVERDUE_LIST[] =
    "SELECT c.observation_id, o.category, COALESCE(o.area_id, 0), u.code, u.name, c.due_at, "
    "c.state FROM cases c JOIN observations o ON o.id = c.observation_id LEFT JOIN units u ON "
    "u.id = c.unit_id WHERE c.due_at < ?1 AND c.state IN " OBS_OPEN_STATES_SQL
    " ORDER BY c.due_at, c.observation_id LIMIT ?2";

static json_t *overdue_row(sqlite3_stmt *st)
{
    return json_pack(
        "{s:I, s:s, s:I, s:s?, s:s?, s:s, s:s}", "id", (json_int_t)sqlite3_column_int64(st, 0),
        "category", (const char *)sqlite3_column_text(st, 1), "area_id",
        (json_int_t)sqlite3_column_int64(st, 2), "unit", (const char *)sqlite3_column_text(st, 3),
        "unit_name", (const char *)sqlite3_column_text(st, 4), "due_at",
        (const char *)sqlite3_column_text(st, 5), "state",
        (const char *)sqlite3_column_text(st, 6));
}

json_t *stats_store_overdue_cases(struct dbc *c, const char *now_iso, int limit)
{
    sqlite3_stmt *st = db_stmt(c, SQL_OVERDUE_LIST);
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, now_iso, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, limit);
    return db_json_rows(st, overdue_row);
}

static const char SQL_WALKS_HELD[] =
    "SELECT w.id, w.code, w.title, w.starts_at, w.state, COALESCE(w.area_id, 0), "
    "(SELECT count(*) FROM walk_items i WHERE i.walk_id = w.id), "
    "(SELECT count(*) FROM walk_items i JOIN cases c ON c.observation_id = i.observation_id "
    " WHERE i.walk_id = w.id AND c.state IN " OBS_OPEN_STATES_SQL ") "
    "FROM walks w WHERE w.starts_at >= ?1 AND w.starts_at < ?2 AND w.state != 'cancelled' "
    "ORDER BY w.starts_at, w.id";

static json_t *walk_row(sqlite3_stmt *st)
{
    return json_pack(
        "{s:I, s:s, s:s, s:s?, s:s, s:I, s:I, s:I}", "id", (json_int_t)sqlite3_column_int64(st, 0),
        "code", (const char *)sqlite3_column_text(st, 1), "title",
        (const char *)sqlite3_column_text(st, 2), "starts_at",
        (const char *)sqlite3_column_text(st, 3), "state", (const char *)sqlite3_column_text(st, 4),
        "area_id", (json_int_t)sqlite3_column_int64(st, 5), "items",
        (json_int_t)sqlite3_column_int64(st, 6), "open_items",
        (json_int_t)sqlite3_column_int64(st, 7));
}

json_t *stats_store_walks_held(struct dbc *c, const char *from_iso, const char *to_iso)
{
    sqlite3_stmt *st = db_stmt(c, SQL_WALKS_HELD);
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, from_iso, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, to_iso, -1, SQLITE_TRANSIENT);
    return db_json_rows(st, walk_row);
}

static json_t *name_row(sqlite3_stmt *st)
{
    return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)sqlite3_column_int64(st, 0), "code",
                     (const char *)sqlite3_column_text(st, 1), "name",
                     (const char *)sqlite3_column_text(st, 2));
}

static const char SQL_AREAS[] = "SELECT id, code, name FROM areas ORDER BY name, id";
static const char SQL_UNITS[] = "SELECT id, code, name FROM units ORDER BY name, id";

json_t *stats_store_areas(struct dbc *c)
{
    sqlite3_stmt *st = db_stmt(c, SQL_AREAS);
    return st ? db_json_rows(st, name_row) : NULL;
}

json_t *stats_store_units(struct dbc *c)
{
    sqlite3_stmt *st = db_stmt(c, SQL_UNITS);
    return st ? db_json_rows(st, name_row) : NULL;
}
