/*
 * apikey_store — see apikey_store.h.
 */
#include "apikey_store.h"

static const char SQL_INSERT[] = "INSERT INTO api_keys (name, key_hash) VALUES (?, ?)";

int apikey_store_insert(struct dbc *c, const char *name, const char *hash, int64_t *id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_INSERT);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, hash, -1, SQLITE_TRANSIENT);
    if (db_run(st) != 0)
        return -1;
    *id = sqlite3_last_insert_rowid(c->db);
    return 0;
}

static const char SQL_ACTIVE[] =
    "SELECT id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL";

int64_t apikey_store_active(struct dbc *c, const char *hash)
{
    return db_lookup_id(c, SQL_ACTIVE, hash);
}

static const char SQL_REVOKE[] = "UPDATE api_keys SET revoked_at = strftime('%Y-%m-%dT%H:%M:%SZ', "
                                 "'now') WHERE id = ? AND revoked_at IS NULL";

int apikey_store_revoke(struct dbc *c, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_REVOKE);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if (db_run(st) != 0)
        return -1;
    return sqlite3_changes(c->db) > 0;
}

static json_t *key_json(sqlite3_stmt *st)
{
    return json_pack("{s:I, s:s, s:s, s:s?}", "id", (json_int_t)sqlite3_column_int64(st, 0), "name",
                     sqlite3_column_text(st, 1), "created_at", sqlite3_column_text(st, 2),
                     "revoked_at", sqlite3_column_text(st, 3));
}

static const char SQL_LIST[] = "SELECT id, name, created_at, revoked_at FROM api_keys ORDER BY id";

json_t *apikey_store_list(struct dbc *c)
{
    sqlite3_stmt *st = db_stmt(c, SQL_LIST);
    return st ? db_json_rows(st, key_json) : NULL;
}
