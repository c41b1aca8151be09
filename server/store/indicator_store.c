/*
 * indicator_store — see indicator_store.h.
 */
#include "indicator_store.h"

#include <string.h>

static const char SQL_GET[] =
    "SELECT value, source FROM indicators WHERE area_id = ? AND year = ? AND indicator = ?";
static const char SQL_PUT[] =
    "INSERT OR REPLACE INTO indicators (area_id, year, indicator, value, source, updated_at) "
    "VALUES (?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";

int indicator_store_put(struct dbc *c, int64_t area_id, int year, const char *indicator,
                        double value, const char *source)
{
    sqlite3_stmt *st = db_stmt(c, SQL_GET);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, area_id);
    sqlite3_bind_int(st, 2, year);
    sqlite3_bind_text(st, 3, indicator, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st), same = 0;
    if (rc == SQLITE_ROW) {
        const unsigned char *s = sqlite3_column_text(st, 1);
        same = sqlite3_column_double(st, 0) == value && s && strcmp((const char *)s, source) == 0;
    }
    db_done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    if (same)
        return INDICATOR_UNCHANGED;
    if (!(st = db_stmt(c, SQL_PUT)))
        return -1;
    sqlite3_bind_int64(st, 1, area_id);
    sqlite3_bind_int(st, 2, year);
    sqlite3_bind_text(st, 3, indicator, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 4, value);
    sqlite3_bind_text(st, 5, source, -1, SQLITE_TRANSIENT);
    if (db_run(st) != 0)
        return -1;
    return rc == SQLITE_ROW ? INDICATOR_UPDATED : INDICATOR_INSERTED;
}

/* The observations of the same area and year come from the yearly aggregate. */
static const char SQL_LIST[] =
    "SELECT a.code, a.name, i.year, i.indicator, i.value, i.source, "
    "(SELECT COALESCE(sum(s.n), 0) FROM stats_counts s WHERE s.grain = 'year' AND "
    " s.period = printf('%04d', i.year) AND s.area_id = i.area_id) "
    "FROM indicators i JOIN areas a ON a.id = i.area_id "
    "WHERE (?1 IS NULL OR a.code = ?1) AND (?2 IS NULL OR i.indicator = ?2) "
    "ORDER BY a.name, i.indicator, i.year LIMIT ?3";

static json_t *row(sqlite3_stmt *st)
{
    return json_pack(
        "{s:s, s:s, s:i, s:s, s:f, s:s, s:I}", "area", (const char *)sqlite3_column_text(st, 0),
        "area_name", (const char *)sqlite3_column_text(st, 1), "year", sqlite3_column_int(st, 2),
        "indicator", (const char *)sqlite3_column_text(st, 3), "value",
        sqlite3_column_double(st, 4), "source", (const char *)sqlite3_column_text(st, 5),
        "observations", (json_int_t)sqlite3_column_int64(st, 6));
}

json_t *indicator_store_list(struct dbc *c, const char *area_code, const char *indicator)
{
    sqlite3_stmt *st = db_stmt(c, SQL_LIST);
    if (!st)
        return NULL;
    db_bind_text_or_null(st, 1, area_code);
    db_bind_text_or_null(st, 2, indicator);
    sqlite3_bind_int(st, 3, INDICATOR_LIST_MAX);
    return db_json_rows(st, row);
}
