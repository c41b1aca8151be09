/*
 * case_store — see case_store.h. Every SELECT's columns are read by their
 * named position.
 */
#include "case_store.h"
#include "jsonout.h"
#include "jsonw.h"
#include "obs_store.h" /* OBS_OPEN_STATES_SQL: one definition of "open" */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? json_string((const char *)s) : json_null();
}

static const char SQL_LOAD[] =
    "SELECT observation_id, state, priority, coalesce(unit_id, 0), coalesce(duplicate_of, 0), "
    "created_at FROM cases WHERE observation_id = ?";
enum { LOAD_ID, LOAD_STATE, LOAD_PRIORITY, LOAD_UNIT, LOAD_DUPLICATE_OF, LOAD_CREATED };

int case_store_load(struct dbc *c, int64_t id, struct case_row *out)
{
    sqlite3_stmt *st = db_stmt(c, SQL_LOAD);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->id = sqlite3_column_int64(st, LOAD_ID);
        snprintf(out->state, sizeof out->state, "%s", sqlite3_column_text(st, LOAD_STATE));
        out->priority = sqlite3_column_int(st, LOAD_PRIORITY);
        out->unit_id = sqlite3_column_int64(st, LOAD_UNIT);
        out->duplicate_of = sqlite3_column_int64(st, LOAD_DUPLICATE_OF);
        snprintf(out->created_at, sizeof out->created_at, "%s",
                 sqlite3_column_text(st, LOAD_CREATED));
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = -1;
    }
    db_done(st);
    return found;
}

static const char SQL_INSERT[] =
    "INSERT INTO cases (observation_id, state, priority, due_at, rule_id, created_at, "
    "updated_at) VALUES (?1, 'new', ?2, strftime('%Y-%m-%dT%H:%M:%SZ', ?3, '+' || ?4 || ' days'), "
    "?5, ?3, ?3)";

int case_store_insert(struct dbc *c, int64_t id, int priority, int due_days, int64_t rule_id,
                      const char *created_at)
{
    sqlite3_stmt *st = db_stmt(c, SQL_INSERT);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, priority);
    sqlite3_bind_text(st, 3, created_at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 4, due_days);
    if (rule_id > 0)
        sqlite3_bind_int64(st, 5, rule_id);
    return db_run(st);
}

static const char SQL_EVENT[] =
    "INSERT INTO case_events (case_id, at, actor_user_id, actor_label, kind, from_value, "
    "to_value, comment, public) VALUES (?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?, ?, ?, ?, ?, "
    "?, ?)";

int case_store_add_event(struct dbc *c, int64_t id, int64_t actor_user_id, const char *label,
                         const char *kind, const char *from, const char *to, const char *comment,
                         int public_)
{
    sqlite3_stmt *st = db_stmt(c, SQL_EVENT);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if (actor_user_id > 0)
        sqlite3_bind_int64(st, 2, actor_user_id);
    sqlite3_bind_text(st, 3, label, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, kind, -1, SQLITE_TRANSIENT);
    db_bind_text_or_null(st, 5, from);
    db_bind_text_or_null(st, 6, to);
    db_bind_text_or_null(st, 7, comment && *comment ? comment : NULL);
    sqlite3_bind_int(st, 8, public_ ? 1 : 0);
    return db_run(st);
}

static const char SQL_SET_STATE[] =
    "UPDATE cases SET state = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
    "WHERE observation_id = ?1";
static const char SQL_SET_UNIT[] = "UPDATE cases SET unit_id = ?2 WHERE observation_id = ?1";
static const char SQL_SET_REASON[] =
    "UPDATE cases SET reject_reason = ?2 WHERE observation_id = ?1";
static const char SQL_SET_REF[] = "UPDATE cases SET external_ref = ?2 WHERE observation_id = ?1";
static const char SQL_SET_PRIORITY[] =
    "UPDATE cases SET priority = ?2, due_at = strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+' || "
    "?3 || ' days') WHERE observation_id = ?1";

/* Runs a one-row UPDATE keyed by case id with one text value. */
static int update_text(struct dbc *c, const char *sql, int64_t id, const char *value)
{
    sqlite3_stmt *st = db_stmt(c, sql);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    db_bind_text_or_null(st, 2, value);
    return db_run(st);
}

int case_store_set_state(struct dbc *c, int64_t id, const char *state)
{
    return update_text(c, SQL_SET_STATE, id, state);
}

int case_store_set_reject_reason(struct dbc *c, int64_t id, const char *reason_or_null)
{
    return update_text(c, SQL_SET_REASON, id, reason_or_null);
}

int case_store_set_external_ref(struct dbc *c, int64_t id, const char *ref)
{
    return update_text(c, SQL_SET_REF, id, ref);
}

int case_store_set_unit(struct dbc *c, int64_t id, int64_t unit_id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_SET_UNIT);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, unit_id);
    return db_run(st);
}

int case_store_set_priority(struct dbc *c, int64_t id, int priority, int due_days)
{
    sqlite3_stmt *st = db_stmt(c, SQL_SET_PRIORITY);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, priority);
    sqlite3_bind_int(st, 3, due_days);
    return db_run(st);
}

static const char SQL_MERGE[] =
    "UPDATE cases SET duplicate_of = ?2 WHERE observation_id = ?1 OR duplicate_of = ?1";
static const char SQL_MARK_DUPLICATE[] =
    "UPDATE cases SET state = 'duplicate', updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
    "WHERE observation_id = ?";

int case_store_merge(struct dbc *c, int64_t dup, int64_t primary)
{
    sqlite3_stmt *st = db_stmt(c, SQL_MERGE);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, dup);
    sqlite3_bind_int64(st, 2, primary);
    if (db_run(st) != 0)
        return -1;
    st = db_stmt(c, SQL_MARK_DUPLICATE);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, dup);
    return db_run(st);
}

static const char SQL_IS_UNITS[] = "SELECT 1 FROM cases WHERE observation_id = ? AND unit_id = ?";

int case_store_is_units(struct dbc *c, int64_t id, int64_t unit_id)
{
    return db_exists_pair(c, SQL_IS_UNITS, id, unit_id);
}

/* A duplicate follows its primary: the primary's public answers are its answers too. */
static const char SQL_PUBLIC_COMMENTS[] =
    "SELECT x.value, e.id, e.at, e.comment FROM json_each(?1) x "
    "JOIN cases c ON c.observation_id = x.value JOIN case_events e ON e.case_id = "
    "c.observation_id WHERE e.public = 1 AND e.comment IS NOT NULL "
    "UNION ALL SELECT x.value, e.id, e.at, e.comment FROM json_each(?1) x "
    "JOIN cases c ON c.observation_id = x.value JOIN case_events e ON e.case_id = c.duplicate_of "
    "WHERE e.public = 1 AND e.comment IS NOT NULL ORDER BY 1, 2";
enum { PC_OBSERVATION, PC_EVENT, PC_AT, PC_COMMENT };

int case_store_attach_public_comments(struct dbc *c, json_t *observations)
{
    json_t *index = json_object(), *ids = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(observations, i, o)
    {
        char key[32];
        json_int_t id = json_integer_value(json_object_get(o, "id"));
        snprintf(key, sizeof key, "%lld", (long long)id);
        json_object_set_new(o, "public_comments", json_array());
        json_object_set(index, key, o);
        json_array_append_new(ids, json_integer(id));
    }
    char *ids_text = jsonout_dumps(ids, (size_t)64 << 20, NULL);
    json_decref(ids);
    int rc = SQLITE_ERROR;
    sqlite3_stmt *st = ids_text ? db_stmt(c, SQL_PUBLIC_COMMENTS) : NULL;
    if (st) {
        sqlite3_bind_text(st, 1, ids_text, -1, SQLITE_TRANSIENT);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            char key[32];
            snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, PC_OBSERVATION));
            json_t *owner = json_object_get(index, key);
            if (owner)
                json_array_append_new(json_object_get(owner, "public_comments"),
                                      json_pack("{s:o, s:o}", "at", col_text(st, PC_AT), "comment",
                                                col_text(st, PC_COMMENT)));
        }
        db_done(st);
    }
    free(ids_text);
    json_decref(index);
    return rc == SQLITE_DONE ? 0 : -1;
}

int case_store_public_comments_text(struct dbc *c, const char *ids_json, db_fragment_fn fn,
                                    void *ctx)
{
    sqlite3_stmt *st = db_stmt(c, SQL_PUBLIC_COMMENTS);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, ids_json, -1, SQLITE_TRANSIENT);
    struct membuf b;
    membuf_init(&b, 1024 * 1024);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        b.len = 0;
        jsonw_raw(&b, "{\"at\":");
        jsonw_str(&b, (const char *)sqlite3_column_text(st, PC_AT));
        jsonw_raw(&b, ",\"comment\":");
        jsonw_str(&b, (const char *)sqlite3_column_text(st, PC_COMMENT));
        jsonw_raw(&b, "}");
        if (b.failed)
            break;
        fn(ctx, sqlite3_column_int64(st, PC_OBSERVATION), (const char *)b.data, b.len);
    }
    db_done(st);
    int failed = b.failed;
    membuf_free(&b);
    return rc == SQLITE_DONE && !failed ? 0 : -1;
}

/* ---- the staff read models ------------------------------------------------ */

/* Waiting for a staff member's approval (pre-moderation): text or a photo the
 * public does not see yet only because nobody approved it. */
#define CASE_PENDING_SQL                                                                           \
    "(o.public = 1 AND ((o.approved_at IS NULL AND coalesce(o.description, '') != '') OR "         \
    "EXISTS (SELECT 1 FROM photos p WHERE p.observation_id = o.id AND p.public = 1 AND "           \
    "p.approved_at IS NULL)))"

#define CASE_SUMMARY_SELECT                                                                        \
    "SELECT c.observation_id, c.state, c.priority, c.due_at, coalesce(c.unit_id, 0), u.name, "     \
    "o.category, o.lon, o.lat, a.code, a.name, o.description, o.created_at, o.observed_at, "       \
    "c.duplicate_of, w.code, (SELECT count(*) FROM supports s WHERE s.observation_id = o.id), "    \
    "(SELECT p.id FROM photos p WHERE p.observation_id = o.id ORDER BY p.created_at LIMIT 1), "    \
    "(c.due_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now') AND c.state IN " OBS_OPEN_STATES_SQL "), "  \
    "c.reject_reason, o.light, u.code, o.unsafe_rating, o.public, " CASE_PENDING_SQL " "           \
    "FROM cases c JOIN observations o ON o.id = c.observation_id "                                 \
    "LEFT JOIN units u ON u.id = c.unit_id LEFT JOIN areas a ON a.id = o.area_id "                 \
    "LEFT JOIN walks w ON w.id = o.walk_id "

enum {
    SUM_ID,
    SUM_STATE,
    SUM_PRIORITY,
    SUM_DUE_AT,
    SUM_UNIT_ID,
    SUM_UNIT_NAME,
    SUM_CATEGORY,
    SUM_LON,
    SUM_LAT,
    SUM_AREA_CODE,
    SUM_AREA_NAME,
    SUM_DESCRIPTION,
    SUM_CREATED_AT,
    SUM_OBSERVED_AT,
    SUM_DUPLICATE_OF,
    SUM_WALK_CODE,
    SUM_SUPPORT_COUNT,
    SUM_FIRST_PHOTO,
    SUM_OVERDUE,
    SUM_REJECT_REASON,
    SUM_LIGHT,
    SUM_UNIT_CODE,
    SUM_RATING,
    SUM_PUBLIC,
    SUM_PENDING,
};

static json_t *summary_json(sqlite3_stmt *st)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, SUM_ID)));
    json_object_set_new(o, "state", col_text(st, SUM_STATE));
    json_object_set_new(o, "priority", json_integer(sqlite3_column_int(st, SUM_PRIORITY)));
    json_object_set_new(o, "due_at", col_text(st, SUM_DUE_AT));
    json_object_set_new(o, "overdue", json_boolean(sqlite3_column_int(st, SUM_OVERDUE)));
    json_object_set_new(
        o, "unit",
        sqlite3_column_int64(st, SUM_UNIT_ID)
            ? json_pack("{s:I, s:o, s:o}", "id", (json_int_t)sqlite3_column_int64(st, SUM_UNIT_ID),
                        "name", col_text(st, SUM_UNIT_NAME), "code", col_text(st, SUM_UNIT_CODE))
            : json_null());
    json_object_set_new(o, "category", col_text(st, SUM_CATEGORY));
    json_object_set_new(o, "lon", json_real(sqlite3_column_double(st, SUM_LON)));
    json_object_set_new(o, "lat", json_real(sqlite3_column_double(st, SUM_LAT)));
    json_object_set_new(o, "area",
                        sqlite3_column_type(st, SUM_AREA_CODE) == SQLITE_NULL
                            ? json_null()
                            : json_pack("{s:o, s:o}", "code", col_text(st, SUM_AREA_CODE), "name",
                                        col_text(st, SUM_AREA_NAME)));
    json_object_set_new(o, "description", col_text(st, SUM_DESCRIPTION));
    json_object_set_new(o, "created_at", col_text(st, SUM_CREATED_AT));
    json_object_set_new(o, "observed_at", col_text(st, SUM_OBSERVED_AT));
    json_object_set_new(o, "duplicate_of",
                        sqlite3_column_type(st, SUM_DUPLICATE_OF) == SQLITE_NULL
                            ? json_null()
                            : json_integer(sqlite3_column_int64(st, SUM_DUPLICATE_OF)));
    json_object_set_new(o, "walk", col_text(st, SUM_WALK_CODE));
    json_object_set_new(o, "support_count",
                        json_integer(sqlite3_column_int(st, SUM_SUPPORT_COUNT)));
    if (sqlite3_column_type(st, SUM_FIRST_PHOTO) != SQLITE_NULL) {
        char url[128];
        snprintf(url, sizeof url, "/api/v1/photos/%s/thumb",
                 sqlite3_column_text(st, SUM_FIRST_PHOTO));
        json_object_set_new(o, "thumb_url", json_string(url));
    } else {
        json_object_set_new(o, "thumb_url", json_null());
    }
    json_object_set_new(o, "reject_reason", col_text(st, SUM_REJECT_REASON));
    json_object_set_new(o, "light", col_text(st, SUM_LIGHT));
    json_object_set_new(o, "unsafe_rating",
                        sqlite3_column_type(st, SUM_RATING) == SQLITE_NULL
                            ? json_null()
                            : json_integer(sqlite3_column_int(st, SUM_RATING)));
    json_object_set_new(o, "public", json_boolean(sqlite3_column_int(st, SUM_PUBLIC)));
    json_object_set_new(o, "moderation_pending", json_boolean(sqlite3_column_int(st, SUM_PENDING)));
    return o;
}

static const char SQL_SUMMARY_ONE[] = CASE_SUMMARY_SELECT "WHERE c.observation_id = ?";

json_t *case_store_summary(struct dbc *c, int64_t id, int *failed)
{
    sqlite3_stmt *st = db_stmt(c, SQL_SUMMARY_ONE);
    if (st)
        sqlite3_bind_int64(st, 1, id);
    return db_json_row(st, summary_json, failed);
}

#define CASE_WHERE                                                                                 \
    "WHERE (?1 IS NULL OR c.state IN (SELECT value FROM json_each(?1))) "                          \
    "AND (?2 = 0 OR c.unit_id = ?2) AND (?3 = 0 OR c.unit_id IS NULL) "                            \
    "AND (?4 IS NULL OR o.category IN (SELECT value FROM json_each(?4))) "                         \
    "AND (?5 IS NULL OR a.code = ?5) AND (?6 = 0 OR c.priority = ?6) "                             \
    "AND (?7 = 0 OR (c.due_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now') AND c.state "                \
    "IN " OBS_OPEN_STATES_SQL ")) AND (?8 IS NULL OR w.code = ?8) "                                \
    "AND (?9 IS NULL OR o.description LIKE ?9 ESCAPE '\\') "                                       \
    "AND (?12 = 0 OR (?12 = 1 AND " CASE_PENDING_SQL ") OR (?12 = 2 AND o.public = 0)) "

/* Counting stops at ?15 (CASES_TOTAL_MAX + 1): a million-case queue is not counted per page. */
static const char SQL_COUNT[] =
    "SELECT count(*) FROM (SELECT 1 FROM cases c JOIN observations o ON o.id = c.observation_id "
    "LEFT JOIN areas a ON a.id = o.area_id LEFT JOIN walks w ON w.id = o.walk_id " CASE_WHERE
    "LIMIT ?15)";
/* The same count when no filter needs the observation, its area or walk: the cases
 * alone (every case has its observation; the LEFT JOINs add no rows). The unused
 * parameters are bound all the same, so both take bind_filter. */
static const char SQL_COUNT_CASES[] =
    "SELECT count(*) FROM (SELECT 1 FROM cases c "
    "WHERE (?1 IS NULL OR c.state IN (SELECT value FROM json_each(?1))) "
    "AND (?2 = 0 OR c.unit_id = ?2) AND (?3 = 0 OR c.unit_id IS NULL) AND (?6 = 0 OR c.priority = "
    "?6) AND (?7 = 0 OR (c.due_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now') AND c.state "
    "IN " OBS_OPEN_STATES_SQL ")) AND coalesce(?4, ?5, ?8, ?9) IS NULL AND ?12 = 0 LIMIT ?15)";
#define CASE_PAGE CASE_SUMMARY_SELECT CASE_WHERE
/* The old numeric cursors: an OFFSET (kept for clients that still send them). */
static const char SQL_PAGE_NEWEST[] = CASE_PAGE "ORDER BY o.id DESC LIMIT ?10 OFFSET ?11";
static const char SQL_PAGE_OLDEST[] = CASE_PAGE "ORDER BY o.id ASC LIMIT ?10 OFFSET ?11";
static const char SQL_PAGE_PRIORITY[] =
    CASE_PAGE "ORDER BY c.priority ASC, o.id DESC LIMIT ?10 OFFSET ?11";
static const char SQL_PAGE_DUE[] =
    CASE_PAGE "ORDER BY c.due_at IS NULL, c.due_at ASC, o.id DESC LIMIT ?10 OFFSET ?11";

/*
 * Keyset pages: the rows after the cursor's key (?13 = priority or due key,
 * ?14 = id), found by seeking an index (migration 0008), so page 1000 costs
 * what page 1 costs. An order with two keys is two seeks in a row: the rest
 * of the cursor's own key value (id below the cursor's), then the greater key
 * values; UNION ALL keeps that order and the outer LIMIT stops early. A case
 * without a due date sorts last: its due key is "~", after every timestamp.
 */
#define CASE_DUE_KEY "ifnull(c.due_at, '~')"
static const char SQL_KEY_NEWEST[] =
    CASE_PAGE "AND c.observation_id < ?14 ORDER BY c.observation_id DESC LIMIT ?10";
static const char SQL_KEY_OLDEST[] =
    CASE_PAGE "AND c.observation_id > ?14 ORDER BY c.observation_id ASC LIMIT ?10";
static const char SQL_KEY_PRIORITY[] =
    "SELECT * FROM (" CASE_PAGE "AND c.priority = ?13 AND c.observation_id < ?14 "
    "ORDER BY c.priority, c.observation_id DESC LIMIT ?10) UNION ALL SELECT * FROM (" CASE_PAGE
    "AND c.priority > ?13 ORDER BY c.priority, c.observation_id DESC LIMIT ?10) LIMIT ?10";
static const char SQL_KEY_DUE[] =
    "SELECT * FROM (" CASE_PAGE "AND " CASE_DUE_KEY " = ?13 AND c.observation_id < ?14 "
    "ORDER BY " CASE_DUE_KEY
    ", c.observation_id DESC LIMIT ?10) UNION ALL SELECT * FROM (" CASE_PAGE "AND " CASE_DUE_KEY
    " > ?13 ORDER BY " CASE_DUE_KEY ", c.observation_id DESC LIMIT ?10) "
    "LIMIT ?10";

/* The sort orders: the letter that starts their cursors. */
static char sort_letter(const char *sort)
{
    if (sort && strcmp(sort, "created") == 0)
        return 'o';
    if (sort && strcmp(sort, "priority") == 0)
        return 'p';
    if (sort && strcmp(sort, "due") == 0)
        return 'd';
    return 'n';
}

int case_store_cursor_parse(const char *s, const char *sort, struct case_filter *f)
{
    /* "<letter>.<key>.<id>": n..42, o..42, p.2.42, d.2026-12-01T10:00:00Z.42, d.~.42 */
    char letter = sort_letter(sort);
    if (!s || s[0] != letter || s[1] != '.')
        return -1;
    const char *key = s + 2, *dot = strchr(key, '.');
    if (!dot || (size_t)(dot - key) >= sizeof f->after_due)
        return -1;
    size_t klen = (size_t)(dot - key);
    const char *id = dot + 1;
    if (!*id || strlen(id) > 18 || id[0] == '0' || strspn(id, "0123456789") != strlen(id))
        return -1;
    f->after_id = strtoll(id, NULL, 10);
    f->after_priority = 0;
    f->after_due[0] = '\0';
    if (letter == 'n' || letter == 'o')
        return klen == 0 ? 0 : -1;
    if (letter == 'p') {
        if (klen != 1 || key[0] < '1' || key[0] > '3')
            return -1;
        f->after_priority = key[0] - '0';
        return 0;
    }
    /* due: "~" or a timestamp as stored (digits, '-', ':', 'T', 'Z', '.') */
    if (klen == 0 || (klen == 1 && key[0] != '~'))
        return -1;
    for (size_t i = 0; klen > 1 && i < klen; i++)
        if (!strchr("0123456789-:TZ", key[i]))
            return -1;
    memcpy(f->after_due, key, klen);
    f->after_due[klen] = '\0';
    return 0;
}

/* The cursor after row st (a page's last) for sort, into out (CASE_CURSOR_MAX). */
static void cursor_after(sqlite3_stmt *st, const char *sort, char *out)
{
    char letter = sort_letter(sort);
    long long id = (long long)sqlite3_column_int64(st, SUM_ID);
    if (letter == 'p')
        snprintf(out, CASE_CURSOR_MAX, "p.%d.%lld", sqlite3_column_int(st, SUM_PRIORITY), id);
    else if (letter == 'd') {
        const char *due = (const char *)sqlite3_column_text(st, SUM_DUE_AT);
        snprintf(out, CASE_CURSOR_MAX, "d.%.23s.%lld", due && *due ? due : "~", id);
    } else
        snprintf(out, CASE_CURSOR_MAX, "%c..%lld", letter, id);
}

static const char SQL_EACH[] = CASE_PAGE "ORDER BY o.id";

static void bind_filter(sqlite3_stmt *st, const struct case_filter *f);

int case_store_each(struct dbc *c, const struct case_filter *f,
                    int (*row)(void *ctx, json_t *summary), void *ctx)
{
    sqlite3_stmt *st = db_stmt(c, SQL_EACH);
    if (!st)
        return -1;
    bind_filter(st, f);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = summary_json(st);
        stop = row(ctx, o) != 0;
        json_decref(o);
    }
    db_done(st);
    return stop || rc == SQLITE_DONE ? (stop ? -1 : 0) : -1;
}

static void bind_filter(sqlite3_stmt *st, const struct case_filter *f)
{
    db_bind_text_or_null(st, 1, f->states);
    sqlite3_bind_int64(st, 2, f->unit_id);
    sqlite3_bind_int(st, 3, f->unrouted);
    db_bind_text_or_null(st, 4, f->categories);
    db_bind_text_or_null(st, 5, f->area_code);
    sqlite3_bind_int(st, 6, f->priority);
    sqlite3_bind_int(st, 7, f->overdue);
    db_bind_text_or_null(st, 8, f->walk_code);
    db_bind_text_or_null(st, 9, f->like);
    sqlite3_bind_int(st, 12, f->moderation);
}

json_t *case_store_list(struct dbc *c, const struct case_filter *f)
{
    int plain = !f->categories && !f->area_code && !f->walk_code && !f->like && !f->moderation;
    sqlite3_stmt *st = db_stmt(c, plain ? SQL_COUNT_CASES : SQL_COUNT);
    if (!st)
        return NULL;
    bind_filter(st, f);
    sqlite3_bind_int64(st, 15, CASES_TOTAL_MAX + 1);
    int rc = sqlite3_step(st);
    int64_t total = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    int capped = total > CASES_TOTAL_MAX;
    if (capped)
        total = CASES_TOTAL_MAX;
    db_done(st);
    if (rc != SQLITE_ROW)
        return NULL;
    char letter = sort_letter(f->sort);
    int keyset = f->offset == 0;
    const char *sql;
    if (keyset)
        sql = letter == 'o'   ? SQL_KEY_OLDEST
              : letter == 'p' ? SQL_KEY_PRIORITY
              : letter == 'd' ? SQL_KEY_DUE
                              : SQL_KEY_NEWEST;
    else
        sql = letter == 'o'   ? SQL_PAGE_OLDEST
              : letter == 'p' ? SQL_PAGE_PRIORITY
              : letter == 'd' ? SQL_PAGE_DUE
                              : SQL_PAGE_NEWEST;
    st = db_stmt(c, sql);
    if (!st)
        return NULL;
    bind_filter(st, f);
    /* One row more than the page: whether there is a next page, without a count. */
    sqlite3_bind_int64(st, 10, f->limit + 1);
    if (!keyset) {
        sqlite3_bind_int64(st, 11, f->offset);
    } else if (f->after_id > 0) {
        if (letter == 'p')
            sqlite3_bind_int(st, 13, f->after_priority);
        else if (letter == 'd')
            sqlite3_bind_text(st, 13, f->after_due, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 14, f->after_id);
    } else {
        /* The first page: every key is after these. */
        if (letter == 'p')
            sqlite3_bind_int(st, 13, 0);
        else if (letter == 'd')
            sqlite3_bind_text(st, 13, "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 14, letter == 'o' ? 0 : INT64_MAX);
    }
    json_t *arr = json_array();
    char next[CASE_CURSOR_MAX] = "";
    int64_t n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == f->limit)
            break; /* the extra row: there is a next page */
        if (keyset && n == f->limit - 1)
            cursor_after(st, f->sort, next);
        json_array_append_new(arr, summary_json(st));
        n++;
    }
    int more = rc == SQLITE_ROW;
    db_done(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        json_decref(arr);
        return NULL;
    }
    json_t *next_v = json_null();
    if (more && keyset)
        next_v = json_string(next);
    else if (more)
        next_v = json_sprintf("%lld", (long long)(f->offset + f->limit));
    return json_pack("{s:o, s:I, s:b, s:o}", "cases", arr, "total", (json_int_t)total,
                     "total_capped", capped, "next", next_v);
}

static const char SQL_HISTORY[] =
    "SELECT id, at, actor_label, kind, from_value, to_value, comment, public FROM case_events "
    "WHERE case_id = ? ORDER BY id";
enum { H_ID, H_AT, H_ACTOR, H_KIND, H_FROM, H_TO, H_COMMENT, H_PUBLIC };

json_t *case_store_history(struct dbc *c, int64_t id)
{
    json_t *arr = json_array();
    sqlite3_stmt *st = db_stmt(c, SQL_HISTORY);
    if (!st)
        return arr;
    sqlite3_bind_int64(st, 1, id);
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(
            arr, json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:b}", "id",
                           (json_int_t)sqlite3_column_int64(st, H_ID), "at", col_text(st, H_AT),
                           "actor", col_text(st, H_ACTOR), "kind", col_text(st, H_KIND), "from",
                           col_text(st, H_FROM), "to", col_text(st, H_TO), "comment",
                           col_text(st, H_COMMENT), "public", sqlite3_column_int(st, H_PUBLIC)));
    db_done(st);
    return arr;
}

/* The e/n BETWEEN box uses the observations_en index; the exact circle and the
 * order are in SQL so the limit keeps the nearest ones. */
static const char SQL_DUPLICATES[] =
    "SELECT o2.id, c2.state, o2.created_at, o2.description, o2.category, "
    "(o2.e - o.e) * (o2.e - o.e) + (o2.n - o.n) * (o2.n - o.n) AS d2 "
    "FROM observations o JOIN observations o2 ON o2.category = o.category AND o2.id != o.id "
    "JOIN cases c2 ON c2.observation_id = o2.id "
    "WHERE o.id = ?1 AND c2.state IN " OBS_OPEN_STATES_SQL " "
    "AND o2.e BETWEEN o.e - ?2 AND o.e + ?2 AND o2.n BETWEEN o.n - ?2 AND o.n + ?2 "
    "AND (o2.e - o.e) * (o2.e - o.e) + (o2.n - o.n) * (o2.n - o.n) <= ?2 * ?2 "
    "AND o2.created_at >= strftime('%Y-%m-%dT%H:%M:%SZ', o.created_at, '-' || ?3 || ' days') "
    "AND o2.created_at <= strftime('%Y-%m-%dT%H:%M:%SZ', o.created_at, '+' || ?3 || ' days') "
    "AND (?4 = 0 OR c2.unit_id = ?4) ORDER BY d2, o2.id LIMIT ?5";
enum { DUP_ID, DUP_STATE, DUP_CREATED, DUP_DESCRIPTION, DUP_CATEGORY, DUP_D2 };

json_t *case_store_likely_duplicates(struct dbc *c, int64_t id, double radius_m, int days,
                                     int64_t unit_id, int limit)
{
    json_t *arr = json_array();
    sqlite3_stmt *st = db_stmt(c, SQL_DUPLICATES);
    if (!st)
        return arr;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_double(st, 2, radius_m);
    sqlite3_bind_int(st, 3, days);
    sqlite3_bind_int64(st, 4, unit_id);
    sqlite3_bind_int(st, 5, limit);
    while (sqlite3_step(st) == SQLITE_ROW) {
        double d = sqrt(sqlite3_column_double(st, DUP_D2));
        json_array_append_new(
            arr, json_pack("{s:I, s:f, s:o, s:o, s:o, s:o}", "id",
                           (json_int_t)sqlite3_column_int64(st, DUP_ID), "distance_m",
                           round(d * 10) / 10, "category", col_text(st, DUP_CATEGORY), "state",
                           col_text(st, DUP_STATE), "created_at", col_text(st, DUP_CREATED),
                           "description", col_text(st, DUP_DESCRIPTION)));
    }
    db_done(st);
    return arr;
}

static const char SQL_MERGED[] =
    "SELECT observation_id FROM cases WHERE duplicate_of = ? ORDER BY 1";

json_t *case_store_merged_into(struct dbc *c, int64_t id)
{
    json_t *arr = json_array();
    sqlite3_stmt *st = db_stmt(c, SQL_MERGED);
    if (!st)
        return arr;
    sqlite3_bind_int64(st, 1, id);
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(arr, json_integer(sqlite3_column_int64(st, 0)));
    db_done(st);
    return arr;
}

static const char SQL_WORKFLOW[] =
    "SELECT state, priority, due_at FROM cases WHERE observation_id = ?";

json_t *case_store_workflow_json(struct dbc *c, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_WORKFLOW);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    json_t *o = NULL;
    if (sqlite3_step(st) == SQLITE_ROW)
        o = json_pack("{s:o, s:i, s:o}", "state", col_text(st, 0), "priority",
                      sqlite3_column_int(st, 1), "due_at", col_text(st, 2));
    db_done(st);
    return o;
}
