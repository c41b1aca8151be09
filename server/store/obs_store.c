/*
 * obs_store — see obs_store.h. Must not contain coordinate math (geo/) or
 * HTTP; every column read from a SELECT is read by its named position.
 */
#include "obs_store.h"
#include "jsonw.h"
#include "ogc_query.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char SQL_INSERT[] =
    "INSERT INTO observations (client_id, category, lon, lat, accuracy_m, e, n, "
    "observed_at, created_at, description, unsafe_rating, light, sun_elevation, walk_id, "
    "area_id, media_url, geom, geom_sweref, approved_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
    "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, MakePoint(?3, ?4, 4326), MakePoint(?6, ?7, 3006), "
    "CASE WHEN ?17 THEN ?9 END)";

int obs_store_insert(struct dbc *c, const struct obs_row *o, int64_t *id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_INSERT);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, o->client_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, o->category, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 3, o->lon);
    sqlite3_bind_double(st, 4, o->lat);
    if (o->accuracy_m >= 0)
        sqlite3_bind_double(st, 5, o->accuracy_m);
    sqlite3_bind_double(st, 6, o->e);
    sqlite3_bind_double(st, 7, o->n);
    sqlite3_bind_text(st, 8, o->observed_at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 9, o->created_at, -1, SQLITE_TRANSIENT);
    db_bind_text_or_null(st, 10, o->description && *o->description ? o->description : NULL);
    if (o->unsafe_rating > 0)
        sqlite3_bind_int(st, 11, o->unsafe_rating);
    sqlite3_bind_text(st, 12, o->light, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 13, o->sun_elevation);
    if (o->walk_id > 0)
        sqlite3_bind_int64(st, 14, o->walk_id);
    if (o->area_id > 0)
        sqlite3_bind_int64(st, 15, o->area_id);
    db_bind_text_or_null(st, 16, o->media_url);
    sqlite3_bind_int(st, 17, o->approved ? 1 : 0);
    int rc = sqlite3_step(st);
    db_done(st);
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
        return 1;
    if (rc != SQLITE_DONE)
        return -1;
    *id = sqlite3_last_insert_rowid(c->db);
    return 0;
}

static const char SQL_INSERT_REPORTER[] =
    "INSERT INTO reporters (observation_id, name, email, phone, follow_up, lang) VALUES (?, ?, ?, "
    "?, ?, ?)";

int obs_store_insert_reporter(struct dbc *c, int64_t id, const char *name, const char *email,
                              const char *phone, int follow_up, const char *lang)
{
    sqlite3_stmt *st = db_stmt(c, SQL_INSERT_REPORTER);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    db_bind_text_or_null(st, 2, name);
    db_bind_text_or_null(st, 3, email);
    db_bind_text_or_null(st, 4, phone);
    sqlite3_bind_int(st, 5, follow_up ? 1 : 0);
    sqlite3_bind_text(st, 6, lang ? lang : "sv", -1, SQLITE_TRANSIENT);
    return db_run(st);
}

static const char SQL_BY_CLIENT[] = "SELECT id FROM observations WHERE client_id = ?";

int64_t obs_store_id_by_client(struct dbc *c, const char *client_id)
{
    return db_lookup_id(c, SQL_BY_CLIENT, client_id);
}

static const char SQL_EXISTS[] = "SELECT 1 FROM observations WHERE id = ?";

int obs_store_exists(struct dbc *c, int64_t id)
{
    return db_exists(c, SQL_EXISTS, id);
}

static const char SQL_SET_STATUS[] =
    "UPDATE observations SET status = ?2 WHERE id = ?1 OR id IN (SELECT observation_id FROM "
    "cases WHERE duplicate_of = ?1)";

int obs_store_set_status(struct dbc *c, int64_t id, const char *status)
{
    sqlite3_stmt *st = db_stmt(c, SQL_SET_STATUS);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_TRANSIENT);
    return db_run(st);
}

static const char SQL_ADD_SUPPORT[] =
    "INSERT OR IGNORE INTO supports (observation_id, client_id, address_key) VALUES (?, ?, ?)";

int obs_store_add_support(struct dbc *c, int64_t id, const char *client_id, const char *address_key,
                          int *added)
{
    sqlite3_stmt *st = db_stmt(c, SQL_ADD_SUPPORT);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, client_id, -1, SQLITE_TRANSIENT);
    db_bind_text_or_null(st, 3, address_key);
    if (db_run(st) != 0)
        return -1;
    *added = sqlite3_changes(c->db) > 0;
    return 0;
}

static const char SQL_SUPPORT_COUNT[] = "SELECT count(*) FROM supports WHERE observation_id = ?";

int64_t obs_store_support_count(struct dbc *c, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_SUPPORT_COUNT);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    db_done(st);
    return n;
}

static const char SQL_SUPPORTED[] =
    "SELECT 1 FROM supports WHERE observation_id = ? AND client_id = ?";

int obs_store_has_support(struct dbc *c, int64_t id, const char *client_id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_SUPPORTED);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, client_id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_SUPPORTS_FROM[] =
    "SELECT count(*) FROM supports WHERE observation_id = ? AND address_key = ?";

int64_t obs_store_supports_from(struct dbc *c, int64_t id, const char *address_key)
{
    sqlite3_stmt *st = db_stmt(c, SQL_SUPPORTS_FROM);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, address_key, -1, SQLITE_TRANSIENT);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    db_done(st);
    return n;
}

static const char SQL_ADDRESS_KEY[] = "SELECT value FROM secrets WHERE name = 'address_key'";

int obs_store_address_key(struct dbc *c, char *out, size_t cap)
{
    sqlite3_stmt *st = db_stmt(c, SQL_ADDRESS_KEY);
    if (!st)
        return -1;
    int rc = sqlite3_step(st), ok = -1;
    if (rc == SQLITE_ROW && sqlite3_column_text(st, 0) &&
        (size_t)sqlite3_column_bytes(st, 0) < cap) {
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
        ok = 0;
    }
    db_done(st);
    return ok;
}

/* ---- moderation ------------------------------------------------------------- */

static const char SQL_MODERATION[] =
    "SELECT public, approved_at IS NOT NULL, coalesce(description, '') != '', "
    "description_redacted IS NOT NULL FROM observations WHERE id = ?";

int obs_store_moderation(struct dbc *c, int64_t id, struct obs_moderation *out)
{
    sqlite3_stmt *st = db_stmt(c, SQL_MODERATION);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), found = -1;
    if (rc == SQLITE_ROW) {
        out->public_ = sqlite3_column_int(st, 0);
        out->approved = sqlite3_column_int(st, 1);
        out->has_text = sqlite3_column_int(st, 2);
        out->redacted = sqlite3_column_int(st, 3);
        found = 1;
    } else if (rc == SQLITE_DONE) {
        found = 0;
    }
    db_done(st);
    return found;
}

static const char SQL_SET_PUBLIC[] = "UPDATE observations SET public = ?2 WHERE id = ?1";
static const char SQL_REDACT[] =
    "UPDATE observations SET description_redacted = ?2, approved_at = coalesce(approved_at, "
    "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) WHERE id = ?1";
static const char SQL_UNREDACT[] =
    "UPDATE observations SET description_redacted = NULL WHERE id = ?1";
static const char SQL_APPROVE[] =
    "UPDATE observations SET approved_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
    "WHERE id = ?1 AND approved_at IS NULL";

int obs_store_set_public(struct dbc *c, int64_t id, int public_)
{
    sqlite3_stmt *st = db_stmt(c, SQL_SET_PUBLIC);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, public_ ? 1 : 0);
    return db_run(st);
}

int obs_store_redact(struct dbc *c, int64_t id, const char *text)
{
    sqlite3_stmt *st = db_stmt(c, text ? SQL_REDACT : SQL_UNREDACT);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if (text)
        sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT);
    return db_run(st);
}

int obs_store_approve(struct dbc *c, int64_t id, int *changed)
{
    sqlite3_stmt *st = db_stmt(c, SQL_APPROVE);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if (db_run(st) != 0)
        return -1;
    *changed = sqlite3_changes(c->db) > 0;
    return 0;
}

/* ---- the public read model ------------------------------------------------ */

/* Columns of PUBLIC_SELECT, by name. */
enum {
    PUB_ID,
    PUB_CATEGORY,
    PUB_LON,
    PUB_LAT,
    PUB_ACCURACY,
    PUB_OBSERVED_AT,
    PUB_CREATED_AT,
    PUB_DESCRIPTION,
    PUB_RATING,
    PUB_WALK_CODE,
    PUB_AREA_ID,
    PUB_AREA_CODE,
    PUB_AREA_NAME,
    PUB_E,
    PUB_N,
    PUB_LIGHT,
    PUB_SUN_ELEVATION,
    PUB_STATUS,
    PUB_SUPPORT_COUNT,
    PUB_UNIT_NAME,
    PUB_DESCRIPTION_REDACTED,
    PUB_PUBLIC,
    PUB_APPROVED,
    PUB_NEXT_COLUMN /* queries may add columns from here */
};

#define PUBLIC_SELECT                                                                              \
    "SELECT o.id, o.category, o.lon, o.lat, o.accuracy_m, o.observed_at, o.created_at, "           \
    "o.description, o.unsafe_rating, w.code, a.id, a.code, a.name, o.e, o.n, o.light, "            \
    "o.sun_elevation, o.status, "                                                                  \
    "(SELECT count(*) FROM supports s WHERE s.observation_id = o.id), "                            \
    "(SELECT u.name FROM cases c JOIN units u ON u.id = c.unit_id WHERE c.observation_id = "       \
    "coalesce((SELECT duplicate_of FROM cases WHERE observation_id = o.id), o.id)), "              \
    "o.description_redacted, o.public, o.approved_at IS NOT NULL "

#define PUBLIC_FROM                                                                                \
    "FROM observations o LEFT JOIN walks w ON w.id = o.walk_id "                                   \
    "LEFT JOIN areas a ON a.id = o.area_id "

static json_t *text_or_null(sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    return s ? json_string((const char *)s) : json_null();
}

/* The text the public sees: none before approval, the redacted text when there is
 * one ('' = none), else the description. */
static json_t *public_text(sqlite3_stmt *st)
{
    if (!sqlite3_column_int(st, PUB_APPROVED))
        return json_null();
    int col = sqlite3_column_type(st, PUB_DESCRIPTION_REDACTED) != SQLITE_NULL
                  ? PUB_DESCRIPTION_REDACTED
                  : PUB_DESCRIPTION;
    const unsigned char *s = sqlite3_column_text(st, col);
    return s && *s ? json_string((const char *)s) : json_null();
}

/* The object of a PUBLIC_SELECT row (no photos, no comments): the public view,
 * or with staff the description as filed and what moderation did to it. */
static json_t *public_row(sqlite3_stmt *st, int staff)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, PUB_ID)));
    json_object_set_new(o, "category", text_or_null(st, PUB_CATEGORY));
    json_object_set_new(o, "lon", json_real(sqlite3_column_double(st, PUB_LON)));
    json_object_set_new(o, "lat", json_real(sqlite3_column_double(st, PUB_LAT)));
    json_object_set_new(o, "accuracy_m",
                        sqlite3_column_type(st, PUB_ACCURACY) == SQLITE_NULL
                            ? json_null()
                            : json_real(sqlite3_column_double(st, PUB_ACCURACY)));
    json_object_set_new(o, "observed_at", text_or_null(st, PUB_OBSERVED_AT));
    json_object_set_new(o, "created_at", text_or_null(st, PUB_CREATED_AT));
    if (staff) {
        json_object_set_new(o, "description", text_or_null(st, PUB_DESCRIPTION));
        json_object_set_new(
            o, "moderation",
            json_pack("{s:b, s:b, s:o, s:o}", "public", sqlite3_column_int(st, PUB_PUBLIC),
                      "approved", sqlite3_column_int(st, PUB_APPROVED), "redacted_description",
                      text_or_null(st, PUB_DESCRIPTION_REDACTED), "public_description",
                      sqlite3_column_int(st, PUB_PUBLIC) ? public_text(st) : json_null()));
    } else {
        json_object_set_new(o, "description", public_text(st));
    }
    json_object_set_new(o, "unsafe_rating",
                        sqlite3_column_type(st, PUB_RATING) == SQLITE_NULL
                            ? json_null()
                            : json_integer(sqlite3_column_int(st, PUB_RATING)));
    json_object_set_new(o, "walk", text_or_null(st, PUB_WALK_CODE));
    if (sqlite3_column_type(st, PUB_AREA_ID) == SQLITE_NULL)
        json_object_set_new(o, "area", json_null());
    else
        json_object_set_new(o, "area",
                            json_pack("{s:I, s:o, s:o}", "id",
                                      (json_int_t)sqlite3_column_int64(st, PUB_AREA_ID), "code",
                                      text_or_null(st, PUB_AREA_CODE), "name",
                                      text_or_null(st, PUB_AREA_NAME)));
    /* Rounded to the millimetre: PROJ's own precision for this transformation. */
    json_object_set_new(o, "sweref99tm",
                        json_pack("{s:f, s:f}", "e",
                                  round(sqlite3_column_double(st, PUB_E) * 1000) / 1000, "n",
                                  round(sqlite3_column_double(st, PUB_N) * 1000) / 1000));
    json_object_set_new(o, "light", text_or_null(st, PUB_LIGHT));
    json_object_set_new(o, "sun_elevation",
                        json_real(round(sqlite3_column_double(st, PUB_SUN_ELEVATION) * 100) / 100));
    json_object_set_new(o, "status", text_or_null(st, PUB_STATUS));
    json_object_set_new(o, "unit", text_or_null(st, PUB_UNIT_NAME));
    json_object_set_new(o, "support_count",
                        json_integer(sqlite3_column_int(st, PUB_SUPPORT_COUNT)));
    return o;
}

static const char SQL_PUBLIC_ONE[] = PUBLIC_SELECT PUBLIC_FROM "WHERE o.id = ? AND o.public = 1";
static const char SQL_STAFF_ONE[] = PUBLIC_SELECT PUBLIC_FROM "WHERE o.id = ?";

static json_t *one(struct dbc *c, int64_t id, int staff, int *failed)
{
    *failed = 0;
    sqlite3_stmt *st = db_stmt(c, staff ? SQL_STAFF_ONE : SQL_PUBLIC_ONE);
    if (!st) {
        *failed = 1;
        return NULL;
    }
    sqlite3_bind_int64(st, 1, id);
    json_t *o = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        o = public_row(st, staff);
    else if (rc != SQLITE_DONE)
        *failed = 1;
    db_done(st);
    return o;
}

json_t *obs_store_public_one(struct dbc *c, int64_t id, int *failed)
{
    return one(c, id, 0, failed);
}

json_t *obs_store_staff_one(struct dbc *c, int64_t id, int *failed)
{
    return one(c, id, 1, failed);
}

/*
 * The public list, newest first, in pages after a keyset cursor (?9: ids
 * below it). First the page's ids, by one of two plans:
 * - walking the newest public ids down (below the cursor) in the covering index
 *   observations_public_pos (public, id, lon, lat), at most f->walk_rows of them,
 *   testing the box from the index alone: for a box that holds many points, where
 *   the page fills after a few hundred entries and no row outside the box is read;
 * - when that walk fills no page (a box with few points, or the last page), the
 *   box's candidates from the R*Tree, sorted by id.
 * Then the rows of those ids, in one statement, with their support count and unit.
 * Without a bbox the rows are read in one statement walking the ids down.
 * Either way page 1000 costs what page 1 costs: no OFFSET, no count, no query per row.
 */
#define PUBLIC_LIST_FILTERS(t)                                                                     \
    "(?6 IS NULL OR " t ".category IN (SELECT value FROM json_each(?6))) "                         \
    "AND (?7 IS NULL OR " t ".observed_at >= ?7) AND (?8 IS NULL OR " t ".observed_at < ?8) "
/* Without a box: the rows themselves, newest first; most pass, so the walk ends
 * after the page, and a row's columns are computed only when it is on it. */
static const char SQL_LIST_ALL[] = PUBLIC_SELECT PUBLIC_FROM
    "WHERE o.public = 1 AND o.id < ?9 AND " PUBLIC_LIST_FILTERS("o") "ORDER BY o.id DESC LIMIT ?10";
/* The walk; the table's row is read only for a filter and only inside the box. */
#define PUBLIC_LIST_WALK(filtered)                                                                 \
    "SELECT w.id FROM (SELECT id, lon, lat FROM observations INDEXED BY "                          \
    "observations_public_pos WHERE public = 1 AND id < ?9 ORDER BY id DESC LIMIT ?11) w " filtered \
    " w.lon BETWEEN ?2 AND ?4 AND w.lat BETWEEN ?3 AND ?5 ORDER BY w.id DESC LIMIT ?10"
static const char SQL_LIST_IDS_WALK[] = PUBLIC_LIST_WALK("WHERE");
static const char SQL_LIST_IDS_WALK_FILTERED[] = PUBLIC_LIST_WALK(
    "CROSS JOIN observations i ON i.id = w.id WHERE " PUBLIC_LIST_FILTERS("i") "AND");
/* The R*Tree keeps 32-bit floats rounded outward: overlap tests, then the exact box. */
#define OBS_RTREE_BOX "xmax >= ?2 AND xmin <= ?4 AND ymax >= ?3 AND ymin <= ?5"
static const char SQL_LIST_IDS_RTREE[] =
    "SELECT i.id FROM (SELECT pkid FROM idx_observations_geom WHERE " OBS_RTREE_BOX
    ") g CROSS JOIN observations i ON i.id = g.pkid WHERE i.public = 1 AND i.id < ?9 AND "
    "i.lon BETWEEN ?2 AND ?4 AND i.lat BETWEEN ?3 AND ?5 AND " PUBLIC_LIST_FILTERS(
        "i") "ORDER BY i.id DESC LIMIT ?10";
/* The page's rows, ?1 the JSON array of their ids. */
static const char SQL_LIST_ROWS[] = PUBLIC_SELECT PUBLIC_FROM
    "WHERE o.id IN (SELECT value FROM json_each(?1)) AND o.public = 1 ORDER BY o.id DESC";

/* One of the list's statements, its parameters bound (those it does not use are
 * ignored by SQLite), or NULL. */
static sqlite3_stmt *list_stmt(struct dbc *c, const char *sql, const struct obs_filter *f)
{
    sqlite3_stmt *st = db_stmt(c, sql);
    if (!st)
        return NULL;
    for (int i = 0; i < 4; i++)
        sqlite3_bind_double(st, 2 + i, f->has_bbox ? f->bbox[i] : 0);
    db_bind_text_or_null(st, 6, f->categories);
    db_bind_text_or_null(st, 7, f->since);
    db_bind_text_or_null(st, 8, f->until);
    sqlite3_bind_int64(st, 9, f->before_id > 0 ? f->before_id : INT64_MAX);
    sqlite3_bind_int64(st, 10, f->limit);
    /* walk_rows is for a page of 50; a longer page walks as much longer */
    sqlite3_bind_int64(st, 11,
                       (int64_t)(f->walk_rows > 0 ? f->walk_rows : 1) *
                           (f->limit > 50 ? (f->limit + 49) / 50 : 1));
    return st;
}

/* Runs one of the id statements; appends the ids to b, which holds "[" so far, as
 * the items of a JSON array. Returns how many, or -1. */
static int64_t list_ids(struct dbc *c, const char *sql, const struct obs_filter *f,
                        struct membuf *b)
{
    sqlite3_stmt *st = list_stmt(c, sql, f);
    if (!st)
        return -1;
    int64_t n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n++)
            jsonw_raw(b, ",");
        jsonw_int(b, sqlite3_column_int64(st, 0));
    }
    db_done(st);
    return rc == SQLITE_DONE && !b->failed ? n : -1;
}

/* Room for a page's ids as a JSON array: at most 20 digits and a comma each. */
static size_t list_ids_max(const struct obs_filter *f)
{
    return (f->limit > 0 ? (size_t)f->limit : 1) * 21 + 16;
}

/* The page's rows for f, as a bound statement ready to step (a db_stmt: hand it
 * back with db_done), or NULL on error. ids holds the id list while it runs: the
 * caller frees it with membuf_free after db_done, whatever this returned. */
static sqlite3_stmt *public_list_stmt(struct dbc *c, const struct obs_filter *f, struct membuf *ids)
{
    membuf_init(ids, list_ids_max(f));
    if (!f->has_bbox)
        return list_stmt(c, SQL_LIST_ALL, f);
    jsonw_raw(ids, "[");
    int filtered = f->categories || f->since || f->until;
    int64_t n = list_ids(c, filtered ? SQL_LIST_IDS_WALK_FILTERED : SQL_LIST_IDS_WALK, f, ids);
    if (n >= 0 && n < f->limit) { /* the walk filled no page: the box's own candidates */
        ids->len = 1;
        n = list_ids(c, SQL_LIST_IDS_RTREE, f, ids);
    }
    jsonw_raw(ids, "]");
    if (n < 0 || ids->failed)
        return NULL;
    sqlite3_stmt *st = db_stmt(c, SQL_LIST_ROWS);
    if (st)
        sqlite3_bind_text(st, 1, (const char *)ids->data, (int)ids->len, SQLITE_STATIC);
    return st;
}

json_t *obs_store_public_list(struct dbc *c, const struct obs_filter *f)
{
    struct membuf ids;
    sqlite3_stmt *st = public_list_stmt(c, f, &ids);
    if (!st) {
        membuf_free(&ids);
        return NULL;
    }
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, public_row(st, 0));
    db_done(st);
    membuf_free(&ids);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* jsonw of a text column, null when NULL. */
static void text_or_null_w(struct membuf *b, sqlite3_stmt *st, int col)
{
    jsonw_str(b, (const char *)sqlite3_column_text(st, col));
}

/* The properties of a PUBLIC_SELECT row as public_row(st, 0) has them, without
 * lon and lat (the list puts them in the geometry) and without the closing brace
 * (photos and comments follow), as JSON text. */
static void public_props_text(sqlite3_stmt *st, struct membuf *b)
{
    jsonw_raw(b, "{\"id\":");
    jsonw_int(b, sqlite3_column_int64(st, PUB_ID));
    jsonw_raw(b, ",\"category\":");
    text_or_null_w(b, st, PUB_CATEGORY);
    jsonw_raw(b, ",\"accuracy_m\":");
    if (sqlite3_column_type(st, PUB_ACCURACY) == SQLITE_NULL)
        jsonw_raw(b, "null");
    else
        jsonw_num(b, sqlite3_column_double(st, PUB_ACCURACY));
    jsonw_raw(b, ",\"observed_at\":");
    text_or_null_w(b, st, PUB_OBSERVED_AT);
    jsonw_raw(b, ",\"created_at\":");
    text_or_null_w(b, st, PUB_CREATED_AT);
    jsonw_raw(b, ",\"description\":");
    const unsigned char *text = NULL;
    if (sqlite3_column_int(st, PUB_APPROVED)) {
        int col = sqlite3_column_type(st, PUB_DESCRIPTION_REDACTED) != SQLITE_NULL
                      ? PUB_DESCRIPTION_REDACTED
                      : PUB_DESCRIPTION;
        text = sqlite3_column_text(st, col);
    }
    jsonw_str(b, text && *text ? (const char *)text : NULL);
    jsonw_raw(b, ",\"unsafe_rating\":");
    if (sqlite3_column_type(st, PUB_RATING) == SQLITE_NULL)
        jsonw_raw(b, "null");
    else
        jsonw_int(b, sqlite3_column_int(st, PUB_RATING));
    jsonw_raw(b, ",\"walk\":");
    text_or_null_w(b, st, PUB_WALK_CODE);
    jsonw_raw(b, ",\"area\":");
    if (sqlite3_column_type(st, PUB_AREA_ID) == SQLITE_NULL) {
        jsonw_raw(b, "null");
    } else {
        jsonw_raw(b, "{\"id\":");
        jsonw_int(b, sqlite3_column_int64(st, PUB_AREA_ID));
        jsonw_raw(b, ",\"code\":");
        text_or_null_w(b, st, PUB_AREA_CODE);
        jsonw_raw(b, ",\"name\":");
        text_or_null_w(b, st, PUB_AREA_NAME);
        jsonw_raw(b, "}");
    }
    jsonw_raw(b, ",\"sweref99tm\":{\"e\":");
    jsonw_num(b, round(sqlite3_column_double(st, PUB_E) * 1000) / 1000);
    jsonw_raw(b, ",\"n\":");
    jsonw_num(b, round(sqlite3_column_double(st, PUB_N) * 1000) / 1000);
    jsonw_raw(b, "},\"light\":");
    text_or_null_w(b, st, PUB_LIGHT);
    jsonw_raw(b, ",\"sun_elevation\":");
    jsonw_num(b, round(sqlite3_column_double(st, PUB_SUN_ELEVATION) * 100) / 100);
    jsonw_raw(b, ",\"status\":");
    text_or_null_w(b, st, PUB_STATUS);
    jsonw_raw(b, ",\"unit\":");
    text_or_null_w(b, st, PUB_UNIT_NAME);
    jsonw_raw(b, ",\"support_count\":");
    jsonw_int(b, sqlite3_column_int(st, PUB_SUPPORT_COUNT));
}

int obs_store_public_list_text(struct dbc *c, const struct obs_filter *f, obs_text_row_fn fn,
                               void *ctx)
{
    struct membuf ids;
    sqlite3_stmt *st = public_list_stmt(c, f, &ids);
    if (!st) {
        membuf_free(&ids);
        return -1;
    }
    struct membuf b;
    membuf_init(&b, OBS_ROW_TEXT_MAX);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        b.len = 0;
        public_props_text(st, &b);
        if (b.failed)
            break;
        fn(ctx, sqlite3_column_int64(st, PUB_ID), sqlite3_column_double(st, PUB_LON),
           sqlite3_column_double(st, PUB_LAT), (const char *)b.data, b.len);
    }
    db_done(st);
    membuf_free(&ids);
    int failed = b.failed;
    membuf_free(&b);
    return rc == SQLITE_DONE && !failed ? 0 : -1;
}

/* The e/n BETWEEN box uses the observations_en index; the exact circle and the
 * order are in SQL, so LIMIT keeps the nearest. */
static const char SQL_NEARBY[] =
    PUBLIC_SELECT ", (o.e - ?1) * (o.e - ?1) + (o.n - ?2) * (o.n - ?2) AS d2 " PUBLIC_FROM
                  "WHERE o.e BETWEEN ?1 - ?3 AND ?1 + ?3 AND o.n BETWEEN ?2 - ?3 AND ?2 + ?3 "
                  "AND (o.e - ?1) * (o.e - ?1) + (o.n - ?2) * (o.n - ?2) <= ?3 * ?3 "
                  "AND o.status IN " OBS_OPEN_STATES_SQL " AND (?4 IS NULL OR o.category = ?4) "
                  "AND o.public = 1 "
                  "ORDER BY d2, o.id LIMIT ?5";

json_t *obs_store_nearby(struct dbc *c, double e, double n, double radius_m, const char *category,
                         int limit)
{
    sqlite3_stmt *st = db_stmt(c, SQL_NEARBY);
    if (!st)
        return NULL;
    sqlite3_bind_double(st, 1, e);
    sqlite3_bind_double(st, 2, n);
    sqlite3_bind_double(st, 3, radius_m);
    db_bind_text_or_null(st, 4, category);
    sqlite3_bind_int(st, 5, limit);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = public_row(st, 0);
        double d = sqrt(sqlite3_column_double(st, PUB_NEXT_COLUMN));
        json_object_set_new(o, "distance_m", json_real(round(d * 10) / 10));
        json_array_append_new(arr, o);
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

static const char SQL_POINTS[] =
    "SELECT o.id, o.lon, o.lat, o.category, o.status FROM observations o "
    "LEFT JOIN areas a ON a.id = o.area_id "
    "WHERE o.id IN (SELECT rowid FROM SpatialIndex WHERE f_table_name = 'observations' "
    "AND f_geometry_column = 'geom' AND search_frame = BuildMbr(?1, ?2, ?3, ?4, 4326)) "
    "AND o.lon BETWEEN ?1 AND ?3 AND o.lat BETWEEN ?2 AND ?4 AND o.public = 1 "
    "AND (?5 IS NULL OR o.category IN (SELECT value FROM json_each(?5))) "
    "AND (?6 IS NULL OR o.status IN (SELECT value FROM json_each(?6))) "
    "AND (?7 IS NULL OR a.code IN (SELECT value FROM json_each(?7))) "
    "AND (?8 IS NULL OR o.observed_at >= ?8) AND (?9 IS NULL OR o.observed_at < ?9)";

enum { PT_ID, PT_LON, PT_LAT, PT_CATEGORY, PT_STATUS };

int obs_store_each_point(struct dbc *c, const struct obs_map_filter *f, obs_point_fn fn, void *ctx)
{
    sqlite3_stmt *st = db_stmt(c, SQL_POINTS);
    if (!st)
        return -1;
    for (int i = 0; i < 4; i++)
        sqlite3_bind_double(st, i + 1, f->bbox[i]);
    db_bind_text_or_null(st, 5, f->categories);
    db_bind_text_or_null(st, 6, f->statuses);
    db_bind_text_or_null(st, 7, f->areas);
    db_bind_text_or_null(st, 8, f->since);
    db_bind_text_or_null(st, 9, f->until);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(ctx, sqlite3_column_int64(st, PT_ID), sqlite3_column_double(st, PT_LON),
           sqlite3_column_double(st, PT_LAT), (const char *)sqlite3_column_text(st, PT_CATEGORY),
           (const char *)sqlite3_column_text(st, PT_STATUS));
    db_done(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_REPORTER[] =
    "SELECT name, email, phone, follow_up, lang FROM reporters WHERE observation_id = ?";

json_t *obs_store_reporter_json(struct dbc *c, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_REPORTER);
    json_t *rep = json_null();
    if (!st)
        return rep;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        json_decref(rep);
        rep = json_pack("{s:o, s:o, s:o, s:b, s:o}", "name", text_or_null(st, 0), "email",
                        text_or_null(st, 1), "phone", text_or_null(st, 2), "follow_up",
                        sqlite3_column_int(st, 3), "lang", text_or_null(st, 4));
    }
    db_done(st);
    return rep;
}

/* ---- Open311 ---------------------------------------------------------------- */

/* What the public may read of an observation's text (moderation, issue 9): nothing
 * before approval, the redacted text when there is one, else the text as filed. */
#define OBS_PUBLIC_TEXT_SQL                                                                        \
    "CASE WHEN o.approved_at IS NULL THEN NULL ELSE nullif(coalesce(o.description_redacted, "      \
    "o.description), '') END"

static const char SQL_OPEN311[] =
    "SELECT o.id, o.status, k.name_sv, o.category, " OBS_PUBLIC_TEXT_SQL ", u.name, "
    "o.created_at, coalesce(c.updated_at, o.created_at), c.due_at, a.name, o.lat, o.lon, "
    "o.media_url, (SELECT p.id FROM photos p WHERE p.observation_id = o.id AND p.public = 1 "
    "AND p.approved_at IS NOT NULL ORDER BY p.created_at LIMIT 1) "
    "FROM observations o JOIN categories k ON k.code = o.category "
    "LEFT JOIN cases c ON c.observation_id = o.id "
    "LEFT JOIN units u ON u.id = (SELECT c2.unit_id FROM cases c2 WHERE c2.observation_id = "
    "coalesce(c.duplicate_of, o.id)) LEFT JOIN areas a ON a.id = o.area_id "
    "WHERE o.public = 1 AND (?1 IS NULL OR o.id IN (SELECT value FROM json_each(?1))) "
    "AND (?2 IS NULL OR o.category IN (SELECT value FROM json_each(?2))) "
    "AND (?3 IS NULL OR o.created_at >= ?3) AND (?4 IS NULL OR o.created_at <= ?4) "
    "AND (?5 = 0 OR (?5 = 1) = (o.status IN " OBS_OPEN_STATES_SQL ")) "
    "ORDER BY o.id DESC LIMIT ?6";
enum {
    R_ID,
    R_STATUS,
    R_SERVICE_NAME,
    R_SERVICE_CODE,
    R_DESCRIPTION,
    R_AGENCY,
    R_REQUESTED,
    R_UPDATED,
    R_EXPECTED,
    R_ADDRESS,
    R_LAT,
    R_LON,
    R_MEDIA,
    R_PHOTO
};

static json_t *open311_row(sqlite3_stmt *st)
{
    char id[32], media[128];
    snprintf(id, sizeof id, "%lld", (long long)sqlite3_column_int64(st, R_ID));
    const char *status = (const char *)sqlite3_column_text(st, R_STATUS);
    int open = status && (strcmp(status, "new") == 0 || strcmp(status, "acknowledged") == 0 ||
                          strcmp(status, "assigned") == 0 || strcmp(status, "in_progress") == 0);
    json_t *media_url = text_or_null(st, R_MEDIA);
    if (json_is_null(media_url) && sqlite3_column_type(st, R_PHOTO) != SQLITE_NULL) {
        snprintf(media, sizeof media, "/api/v1/photos/%s", sqlite3_column_text(st, R_PHOTO));
        json_decref(media_url);
        media_url = json_string(media); /* made absolute by the caller */
    }
    return json_pack(
        "{s:s, s:s, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:n, s:n, s:f, s:f, s:o, s:I}",
        "service_request_id", id, "status", open ? "open" : "closed", "service_name",
        text_or_null(st, R_SERVICE_NAME), "service_code", text_or_null(st, R_SERVICE_CODE),
        "description", text_or_null(st, R_DESCRIPTION), "agency_responsible",
        text_or_null(st, R_AGENCY), "service_notice", "", "requested_datetime",
        text_or_null(st, R_REQUESTED), "updated_datetime", text_or_null(st, R_UPDATED),
        "expected_datetime", text_or_null(st, R_EXPECTED), "address", text_or_null(st, R_ADDRESS),
        "address_id", "zipcode", "lat", sqlite3_column_double(st, R_LAT), "long",
        sqlite3_column_double(st, R_LON), "media_url", media_url, "id",
        (json_int_t)sqlite3_column_int64(st, R_ID));
}

json_t *obs_store_open311(struct dbc *c, const struct obs_open311_filter *f)
{
    sqlite3_stmt *st = db_stmt(c, SQL_OPEN311);
    if (!st)
        return NULL;
    db_bind_text_or_null(st, 1, f->ids);
    db_bind_text_or_null(st, 2, f->service_codes);
    db_bind_text_or_null(st, 3, f->start);
    db_bind_text_or_null(st, 4, f->end);
    sqlite3_bind_int(st, 5, f->status);
    sqlite3_bind_int(st, 6, f->limit > 0 ? f->limit : 1000);
    return db_json_rows(st, open311_row);
}

/* ---- OGC API - Features ----------------------------------------------------- */

#define OGC_WHERE                                                                                  \
    "WHERE (?1 = 0 OR (o.id IN (SELECT rowid FROM SpatialIndex WHERE f_table_name = "              \
    "'observations' AND f_geometry_column = 'geom' AND search_frame = "                            \
    "BuildMbr(?2, ?3, ?4, ?5, 4326)) AND o.lon BETWEEN ?2 AND ?4 AND o.lat BETWEEN ?3 AND ?5)) "   \
    "AND (?6 IS NULL OR o.observed_at >= ?6) AND (?7 IS NULL OR o.observed_at <= ?7) "             \
    "AND (?8 IS NULL OR o.category = ?8) AND (?9 IS NULL OR o.status = ?9) "                       \
    "AND (?10 IS NULL OR a.code = ?10) AND (?11 = 0 OR o.id = ?11) AND o.public = 1 "

static const char SQL_OGC_COUNT[] =
    "SELECT count(*) FROM observations o LEFT JOIN areas a ON a.id = o.area_id " OGC_WHERE;
static const char SQL_OGC_ITEMS[] =
    "SELECT o.id, o.lon, o.lat, o.category, o.status, " OBS_PUBLIC_TEXT_SQL ", o.observed_at, "
    "o.created_at, a.code, o.unsafe_rating, o.light, "
    "(SELECT count(*) FROM supports s WHERE s.observation_id = o.id) "
    "FROM observations o LEFT JOIN areas a ON a.id = o.area_id " OGC_WHERE
    "ORDER BY o.id LIMIT ?12 OFFSET ?13";
enum {
    G_ID,
    G_LON,
    G_LAT,
    G_CATEGORY,
    G_STATUS,
    G_DESCRIPTION,
    G_OBSERVED,
    G_CREATED,
    G_AREA,
    G_RATING,
    G_LIGHT,
    G_SUPPORT
};

static void bind_ogc(sqlite3_stmt *st, const struct ogc_query *q)
{
    sqlite3_bind_int(st, 1, q->has_bbox);
    for (int i = 0; i < 4; i++)
        sqlite3_bind_double(st, 2 + i, q->bbox[i]);
    db_bind_text_or_null(st, 6, q->from);
    db_bind_text_or_null(st, 7, q->to);
    db_bind_text_or_null(st, 8, q->category);
    db_bind_text_or_null(st, 9, q->status);
    db_bind_text_or_null(st, 10, q->area);
    sqlite3_bind_int64(st, 11, q->feature_id);
}

static json_t *ogc_feature(sqlite3_stmt *st)
{
    json_int_t id = (json_int_t)sqlite3_column_int64(st, G_ID);
    return json_pack(
        "{s:s, s:I, s:{s:s, s:[f,f]}, s:{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i}}", "type",
        "Feature", "id", id, "geometry", "type", "Point", "coordinates",
        sqlite3_column_double(st, G_LON), sqlite3_column_double(st, G_LAT), "properties",
        "category", text_or_null(st, G_CATEGORY), "status", text_or_null(st, G_STATUS),
        "description", text_or_null(st, G_DESCRIPTION), "observed_at", text_or_null(st, G_OBSERVED),
        "created_at", text_or_null(st, G_CREATED), "area", text_or_null(st, G_AREA),
        "unsafe_rating",
        sqlite3_column_type(st, G_RATING) == SQLITE_NULL
            ? json_null()
            : json_integer(sqlite3_column_int(st, G_RATING)),
        "light", text_or_null(st, G_LIGHT), "support_count", sqlite3_column_int(st, G_SUPPORT));
}

static const char SQL_OGC_EACH[] =
    "SELECT o.id, o.lon, o.lat, o.category, o.status, " OBS_PUBLIC_TEXT_SQL ", o.observed_at, "
    "o.created_at, a.code, o.unsafe_rating, o.light, "
    "(SELECT count(*) FROM supports s WHERE s.observation_id = o.id) "
    "FROM observations o LEFT JOIN areas a ON a.id = o.area_id " OGC_WHERE "ORDER BY o.id";

int obs_store_ogc_each(struct dbc *c, const struct ogc_query *q,
                       int (*row)(void *ctx, json_t *feature), void *ctx)
{
    sqlite3_stmt *st = db_stmt(c, SQL_OGC_EACH);
    if (!st)
        return -1;
    bind_ogc(st, q);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *f = ogc_feature(st);
        stop = row(ctx, f) != 0;
        json_decref(f);
    }
    db_done(st);
    return stop ? -1 : rc == SQLITE_DONE ? 0 : -1;
}

json_t *obs_store_ogc_items(struct dbc *c, const struct ogc_query *q, int64_t *matched)
{
    sqlite3_stmt *st = db_stmt(c, SQL_OGC_COUNT);
    if (!st)
        return NULL;
    bind_ogc(st, q);
    int rc = sqlite3_step(st);
    *matched = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    db_done(st);
    if (rc != SQLITE_ROW)
        return NULL;
    st = db_stmt(c, SQL_OGC_ITEMS);
    if (!st)
        return NULL;
    bind_ogc(st, q);
    sqlite3_bind_int64(st, 12, q->limit);
    sqlite3_bind_int64(st, 13, q->offset);
    return db_json_rows(st, ogc_feature);
}

/* ---- reporters' contact details (GDPR) ------------------------------------------ */

static const char SQL_REPORTS_OF_EMAIL[] =
    "SELECT o.id, o.created_at, o.observed_at, o.category, o.description, c.state, r.name, "
    "r.email, r.phone, r.follow_up, r.lang FROM reporters r JOIN observations o ON o.id = "
    "r.observation_id "
    "LEFT JOIN cases c ON c.observation_id = o.id WHERE lower(trim(r.email)) = lower(trim(?)) "
    "ORDER BY o.id";
enum {
    RE_ID,
    RE_CREATED,
    RE_OBSERVED,
    RE_CATEGORY,
    RE_DESCRIPTION,
    RE_STATE,
    RE_NAME,
    RE_EMAIL,
    RE_PHONE,
    RE_FOLLOW_UP,
    RE_LANG
};

json_t *obs_store_reports_of_email(struct dbc *c, const char *email)
{
    sqlite3_stmt *st = db_stmt(c, SQL_REPORTS_OF_EMAIL);
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, email, -1, SQLITE_TRANSIENT);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(
            arr,
            json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:{s:o, s:o, s:o, s:b, s:o}}", "id",
                      (json_int_t)sqlite3_column_int64(st, RE_ID), "created_at",
                      text_or_null(st, RE_CREATED), "observed_at", text_or_null(st, RE_OBSERVED),
                      "category", text_or_null(st, RE_CATEGORY), "description",
                      text_or_null(st, RE_DESCRIPTION), "state", text_or_null(st, RE_STATE),
                      "reporter", "name", text_or_null(st, RE_NAME), "email",
                      text_or_null(st, RE_EMAIL), "phone", text_or_null(st, RE_PHONE), "follow_up",
                      sqlite3_column_int(st, RE_FOLLOW_UP), "lang", text_or_null(st, RE_LANG)));
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* Fills ids from a statement whose first column is an id; count or -1. */
static int collect_ids(sqlite3_stmt *st, int64_t *ids, int max)
{
    int n = 0, rc;
    while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ids[n++] = sqlite3_column_int64(st, 0);
    if (n < max && rc != SQLITE_DONE)
        n = -1;
    db_done(st);
    return n;
}

static const char SQL_REPORTERS_BY_EMAIL[] =
    "SELECT observation_id FROM reporters WHERE lower(trim(email)) = lower(trim(?)) "
    "ORDER BY observation_id LIMIT ?";

int obs_store_reporters_by_email(struct dbc *c, const char *email, int64_t *ids, int max)
{
    sqlite3_stmt *st = db_stmt(c, SQL_REPORTERS_BY_EMAIL);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, email, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, max);
    return collect_ids(st, ids, max);
}

/* Closed = resolved, rejected or merged as a duplicate; updated_at is when the
 * case last changed state. */
static const char SQL_REPORTERS_EXPIRED[] =
    "SELECT r.observation_id FROM reporters r JOIN cases c ON c.observation_id = "
    "r.observation_id WHERE c.state IN ('resolved', 'rejected', 'duplicate') AND c.updated_at <= ? "
    "ORDER BY r.observation_id LIMIT ?";

int obs_store_reporters_expired(struct dbc *c, const char *closed_before, int64_t *ids, int max)
{
    sqlite3_stmt *st = db_stmt(c, SQL_REPORTERS_EXPIRED);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, closed_before, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, max);
    return collect_ids(st, ids, max);
}

static const char SQL_REPORTER_ERASE[] = "DELETE FROM reporters WHERE observation_id = ?";

int obs_store_reporter_erase(struct dbc *c, int64_t id)
{
    /* The tokens would go by ON DELETE CASCADE too; said here so no reader has to know. */
    if (obs_store_follow_up_stop(c, id) != 0)
        return -1;
    sqlite3_stmt *st = db_stmt(c, SQL_REPORTER_ERASE);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    return db_run(st);
}

/* ---- e-mail follow-up ------------------------------------------------------------ */

static const char SQL_FOLLOW_UPS[] =
    "SELECT r.observation_id, r.email, r.lang FROM reporters r JOIN observations o ON o.id = "
    "r.observation_id WHERE r.follow_up = 1 AND r.email IS NOT NULL AND r.email != '' AND "
    "o.status != ?2 AND (o.id = ?1 OR o.id IN (SELECT observation_id FROM cases WHERE "
    "duplicate_of = ?1)) ORDER BY r.observation_id";
enum { FU_ID, FU_EMAIL, FU_LANG };

json_t *obs_store_follow_ups(struct dbc *c, int64_t case_id, const char *status)
{
    sqlite3_stmt *st = db_stmt(c, SQL_FOLLOW_UPS);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, case_id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_TRANSIENT);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(
            arr, json_pack("{s:I, s:o, s:o}", "id", (json_int_t)sqlite3_column_int64(st, FU_ID),
                           "email", text_or_null(st, FU_EMAIL), "lang", text_or_null(st, FU_LANG)));
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

static const char SQL_FOLLOW_UP_TOKEN_ADD[] =
    "INSERT INTO follow_up_tokens (token_hash, observation_id) SELECT ?2, observation_id FROM "
    "reporters WHERE observation_id = ?1 AND follow_up = 1";

int obs_store_follow_up_token_add(struct dbc *c, int64_t id, const char *token_hash)
{
    sqlite3_stmt *st = db_stmt(c, SQL_FOLLOW_UP_TOKEN_ADD);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, token_hash, -1, SQLITE_TRANSIENT);
    if (db_run(st) != 0)
        return -1;
    return sqlite3_changes(c->db) > 0;
}

static const char SQL_FOLLOW_UP_BY_TOKEN[] =
    "SELECT observation_id FROM follow_up_tokens WHERE token_hash = ?";

int64_t obs_store_follow_up_by_token(struct dbc *c, const char *token_hash)
{
    return db_lookup_id(c, SQL_FOLLOW_UP_BY_TOKEN, token_hash);
}

static const char SQL_FOLLOW_UP_STOP[] =
    "UPDATE reporters SET follow_up = 0 WHERE observation_id = ?";
static const char SQL_FOLLOW_UP_TOKENS_DROP[] =
    "DELETE FROM follow_up_tokens WHERE observation_id = ?";

int obs_store_follow_up_stop(struct dbc *c, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_FOLLOW_UP_TOKENS_DROP);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if (db_run(st) != 0 || !(st = db_stmt(c, SQL_FOLLOW_UP_STOP)))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    return db_run(st);
}
