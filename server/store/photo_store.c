/*
 * photo_store — see photo_store.h.
 */
#include "photo_store.h"
#include "jsonout.h"
#include "jsonw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_INSERT[] =
    "INSERT INTO photos (id, observation_id, width, height, bytes, thumb_bytes, client_key, "
    "approved_at) VALUES (?, ?, ?, ?, ?, ?, ?, CASE WHEN ?8 THEN strftime('%Y-%m-%dT%H:%M:%SZ', "
    "'now') END)";

int photo_store_insert(struct dbc *c, const struct photo_row *p)
{
    sqlite3_stmt *st = db_stmt(c, SQL_INSERT);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, p->id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, p->observation_id);
    sqlite3_bind_int(st, 3, p->width);
    sqlite3_bind_int(st, 4, p->height);
    sqlite3_bind_int64(st, 5, p->bytes);
    sqlite3_bind_int64(st, 6, p->thumb_bytes);
    db_bind_text_or_null(st, 7, p->client_key);
    sqlite3_bind_int(st, 8, p->approved ? 1 : 0);
    int rc = sqlite3_step(st);
    db_done(st);
    if (rc == SQLITE_CONSTRAINT_UNIQUE && p->client_key)
        return 1;
    return rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_COUNT[] = "SELECT count(*) FROM photos WHERE observation_id = ?";

int photo_store_count(struct dbc *c, int64_t obs)
{
    sqlite3_stmt *st = db_stmt(c, SQL_COUNT);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, obs);
    int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    db_done(st);
    return n;
}

json_t *photo_store_json(const char *id, int width, int height)
{
    char url[128], thumb[160];
    snprintf(url, sizeof url, "/api/v1/photos/%s", id);
    snprintf(thumb, sizeof thumb, "/api/v1/photos/%s/thumb", id);
    return json_pack("{s:s, s:s, s:s, s:i, s:i}", "id", id, "url", url, "thumb_url", thumb, "width",
                     width, "height", height);
}

static const char SQL_BY_KEY[] =
    "SELECT id, width, height FROM photos WHERE observation_id = ? AND client_key = ?";

json_t *photo_store_by_key(struct dbc *c, int64_t obs, const char *key)
{
    sqlite3_stmt *st = db_stmt(c, SQL_BY_KEY);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, obs);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
    json_t *o = NULL;
    if (sqlite3_step(st) == SQLITE_ROW)
        o = photo_store_json((const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1),
                             sqlite3_column_int(st, 2));
    db_done(st);
    return o;
}

static const char SQL_EXISTS[] = "SELECT 1 FROM photos WHERE id = ?";

int photo_store_exists(struct dbc *c, const char *id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_EXISTS);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Visible to the public: see photo_store.h. */
#define PHOTO_PUBLIC_SQL "p.public = 1 AND p.approved_at IS NOT NULL AND o.public = 1"

static const char SQL_VISIBILITY[] =
    "SELECT " PHOTO_PUBLIC_SQL " FROM photos p JOIN observations o ON o.id = p.observation_id "
    "WHERE p.id = ?";

int photo_store_visibility(struct dbc *c, const char *id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_VISIBILITY);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st), v = -1;
    if (rc == SQLITE_ROW)
        v = sqlite3_column_int(st, 0) ? PHOTO_PUBLIC : PHOTO_STAFF_ONLY;
    else if (rc == SQLITE_DONE)
        v = PHOTO_ABSENT;
    db_done(st);
    return v;
}

static const char SQL_LOAD[] =
    "SELECT observation_id, public, approved_at IS NOT NULL FROM photos WHERE id = ?";

int photo_store_load(struct dbc *c, const char *id, int64_t *obs, int *public_, int *approved)
{
    sqlite3_stmt *st = db_stmt(c, SQL_LOAD);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st), found = -1;
    if (rc == SQLITE_ROW) {
        *obs = sqlite3_column_int64(st, 0);
        *public_ = sqlite3_column_int(st, 1);
        *approved = sqlite3_column_int(st, 2);
        found = 1;
    } else if (rc == SQLITE_DONE) {
        found = 0;
    }
    db_done(st);
    return found;
}

static const char SQL_SET_PUBLIC[] = "UPDATE photos SET public = ?2 WHERE id = ?1";

int photo_store_set_public(struct dbc *c, const char *id, int public_)
{
    sqlite3_stmt *st = db_stmt(c, SQL_SET_PUBLIC);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, public_ ? 1 : 0);
    return db_run(st);
}

static const char SQL_APPROVE_ALL[] =
    "UPDATE photos SET approved_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
    "WHERE observation_id = ? AND approved_at IS NULL";

int photo_store_approve_all(struct dbc *c, int64_t obs, int *n)
{
    sqlite3_stmt *st = db_stmt(c, SQL_APPROVE_ALL);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, obs);
    if (db_run(st) != 0)
        return -1;
    *n = sqlite3_changes(c->db);
    return 0;
}

/* ---- upload tokens ---------------------------------------------------------- */

static const char SQL_TOKEN_INSERT[] =
    "INSERT OR REPLACE INTO upload_tokens (token_hash, observation_id, expires_at) "
    "VALUES (?, ?, ?)";
/* Expired ones, and all but the newest few (a client repeating its filing
 * forever cannot grow the table). */
static const char SQL_TOKEN_PRUNE[] =
    "DELETE FROM upload_tokens WHERE observation_id = ?1 AND (expires_at <= ?2 OR token_hash NOT "
    "IN (SELECT token_hash FROM upload_tokens WHERE observation_id = ?1 ORDER BY expires_at "
    "DESC, rowid DESC LIMIT ?3))";

int photo_store_token_insert(struct dbc *c, int64_t obs, const char *token_hash, int64_t expires_at,
                             int64_t now)
{
    sqlite3_stmt *st = db_stmt(c, SQL_TOKEN_INSERT);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, obs);
    sqlite3_bind_int64(st, 3, expires_at);
    if (db_run(st) != 0 || !(st = db_stmt(c, SQL_TOKEN_PRUNE)))
        return -1;
    sqlite3_bind_int64(st, 1, obs);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int(st, 3, PHOTO_TOKENS_KEEP);
    return db_run(st);
}

static const char SQL_TOKEN_VALID[] =
    "SELECT 1 FROM upload_tokens WHERE token_hash = ? AND observation_id = ? AND expires_at > ?";

int photo_store_token_valid(struct dbc *c, int64_t obs, const char *token_hash, int64_t now)
{
    sqlite3_stmt *st = db_stmt(c, SQL_TOKEN_VALID);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, obs);
    sqlite3_bind_int64(st, 3, now);
    int rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* ---- photos of many observations ------------------------------------------- */

static const char SQL_OF_MANY[] =
    "SELECT p.observation_id, p.id, p.width, p.height, p.public, p.approved_at IS NOT NULL "
    "FROM photos p JOIN observations o ON o.id = p.observation_id WHERE p.observation_id IN "
    "(SELECT value FROM json_each(?)) AND " PHOTO_PUBLIC_SQL
    " ORDER BY p.observation_id, p.created_at, p.rowid";
static const char SQL_OF_MANY_STAFF[] =
    "SELECT p.observation_id, p.id, p.width, p.height, p.public, p.approved_at IS NOT NULL "
    "FROM photos p WHERE p.observation_id IN (SELECT value FROM json_each(?)) "
    "ORDER BY p.observation_id, p.created_at, p.rowid";
enum { OM_OBS, OM_ID, OM_WIDTH, OM_HEIGHT, OM_PUBLIC, OM_APPROVED };

/* Builds {"<id>": object} over the array and the JSON id list for json_each. */
static json_t *index_by_id(json_t *objects, char **ids_text)
{
    json_t *index = json_object(), *ids = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(objects, i, o)
    {
        char key[32];
        json_int_t id = json_integer_value(json_object_get(o, "id"));
        snprintf(key, sizeof key, "%lld", (long long)id);
        json_object_set(index, key, o);
        json_array_append_new(ids, json_integer(id));
    }
    *ids_text = jsonout_dumps(ids, (size_t)64 << 20, NULL);
    json_decref(ids);
    return index;
}

static int attach(struct dbc *c, json_t *observations, int staff)
{
    size_t i;
    json_t *o;
    json_array_foreach(observations, i, o) json_object_set_new(o, "photos", json_array());
    if (json_array_size(observations) == 0)
        return 0;
    char *ids = NULL;
    json_t *index = index_by_id(observations, &ids);
    sqlite3_stmt *st = ids ? db_stmt(c, staff ? SQL_OF_MANY_STAFF : SQL_OF_MANY) : NULL;
    int rc = SQLITE_ERROR;
    if (st) {
        sqlite3_bind_text(st, 1, ids, -1, SQLITE_TRANSIENT);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            char key[32];
            snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, OM_OBS));
            json_t *owner = json_object_get(index, key);
            if (!owner)
                continue;
            json_t *p = photo_store_json((const char *)sqlite3_column_text(st, OM_ID),
                                         sqlite3_column_int(st, OM_WIDTH),
                                         sqlite3_column_int(st, OM_HEIGHT));
            if (staff) {
                json_object_set_new(p, "public", json_boolean(sqlite3_column_int(st, OM_PUBLIC)));
                json_object_set_new(p, "approved",
                                    json_boolean(sqlite3_column_int(st, OM_APPROVED)));
            }
            json_array_append_new(json_object_get(owner, "photos"), p);
        }
        db_done(st);
    }
    free(ids);
    json_decref(index);
    return rc == SQLITE_DONE ? 0 : -1;
}

int photo_store_attach(struct dbc *c, json_t *observations)
{
    return attach(c, observations, 0);
}

int photo_store_attach_staff(struct dbc *c, json_t *observations)
{
    return attach(c, observations, 1);
}

int photo_store_public_text(struct dbc *c, const char *ids_json, db_fragment_fn fn, void *ctx)
{
    sqlite3_stmt *st = db_stmt(c, SQL_OF_MANY);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, ids_json, -1, SQLITE_TRANSIENT);
    struct membuf b;
    membuf_init(&b, 4096);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, OM_ID);
        b.len = 0;
        jsonw_raw(&b, "{\"id\":");
        jsonw_str(&b, id);
        jsonw_raw(&b, ",\"url\":\"/api/v1/photos/");
        jsonw_raw(&b, id ? id : "");
        jsonw_raw(&b, "\",\"thumb_url\":\"/api/v1/photos/");
        jsonw_raw(&b, id ? id : "");
        jsonw_raw(&b, "/thumb\",\"width\":");
        jsonw_int(&b, sqlite3_column_int(st, OM_WIDTH));
        jsonw_raw(&b, ",\"height\":");
        jsonw_int(&b, sqlite3_column_int(st, OM_HEIGHT));
        jsonw_raw(&b, "}");
        if (b.failed)
            break;
        fn(ctx, sqlite3_column_int64(st, OM_OBS), (const char *)b.data, b.len);
    }
    db_done(st);
    int failed = b.failed;
    membuf_free(&b);
    return rc == SQLITE_DONE && !failed ? 0 : -1;
}
