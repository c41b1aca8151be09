/*
 * photo_store — see photo_store.h.
 */
#include "photo_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_INSERT[] = "INSERT INTO photos (id, observation_id, width, height, bytes, "
                                 "thumb_bytes, client_key) VALUES (?, ?, ?, ?, ?, ?, ?)";

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

static const char SQL_OF_MANY[] =
    "SELECT observation_id, id, width, height FROM photos WHERE observation_id IN "
    "(SELECT value FROM json_each(?)) ORDER BY observation_id, created_at, id";

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
    *ids_text = json_dumps(ids, JSON_COMPACT);
    json_decref(ids);
    return index;
}

int photo_store_attach(struct dbc *c, json_t *observations)
{
    size_t i;
    json_t *o;
    json_array_foreach(observations, i, o) json_object_set_new(o, "photos", json_array());
    if (json_array_size(observations) == 0)
        return 0;
    char *ids = NULL;
    json_t *index = index_by_id(observations, &ids);
    sqlite3_stmt *st = ids ? db_stmt(c, SQL_OF_MANY) : NULL;
    int rc = SQLITE_ERROR;
    if (st) {
        sqlite3_bind_text(st, 1, ids, -1, SQLITE_TRANSIENT);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            char key[32];
            snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, 0));
            json_t *owner = json_object_get(index, key);
            if (owner)
                json_array_append_new(json_object_get(owner, "photos"),
                                      photo_store_json((const char *)sqlite3_column_text(st, 1),
                                                       sqlite3_column_int(st, 2),
                                                       sqlite3_column_int(st, 3)));
        }
        db_done(st);
    }
    free(ids);
    json_decref(index);
    return rc == SQLITE_DONE ? 0 : -1;
}
