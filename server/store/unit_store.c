/*
 * unit_store — see unit_store.h.
 */
#include "unit_store.h"

#include <stdio.h>
#include <string.h>

static const char SQL_REF[] = "SELECT id, code, name FROM units WHERE id = ?";

json_t *unit_store_ref_json(struct dbc *c, int64_t id)
{
    if (id <= 0)
        return json_null();
    sqlite3_stmt *st = db_stmt(c, SQL_REF);
    json_t *o = NULL;
    if (!st)
        return json_null();
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)sqlite3_column_int64(st, 0), "code",
                      sqlite3_column_text(st, 1), "name", sqlite3_column_text(st, 2));
    db_done(st);
    return o ? o : json_null();
}

static const char SQL_CONTACT[] =
    "SELECT code, name, coalesce(email, ''), coalesce(webhook_url, ''), internal FROM units "
    "WHERE id = ?";
enum { CT_CODE, CT_NAME, CT_EMAIL, CT_URL, CT_INTERNAL };

int unit_store_contact(struct dbc *c, int64_t id, struct unit_contact *out)
{
    sqlite3_stmt *st = db_stmt(c, SQL_CONTACT);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        snprintf(out->code, sizeof out->code, "%s", sqlite3_column_text(st, CT_CODE));
        snprintf(out->name, sizeof out->name, "%s", sqlite3_column_text(st, CT_NAME));
        snprintf(out->email, sizeof out->email, "%s", sqlite3_column_text(st, CT_EMAIL));
        snprintf(out->webhook_url, sizeof out->webhook_url, "%s", sqlite3_column_text(st, CT_URL));
        out->internal = sqlite3_column_int(st, CT_INTERNAL);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = -1;
    }
    db_done(st);
    return found;
}

int unit_store_internal(struct dbc *c, int64_t id)
{
    struct unit_contact u;
    int found = unit_store_contact(c, id, &u);
    return found == 1 ? u.internal != 0 : -1;
}

static const char SQL_TOKEN[] = "SELECT id, coalesce(api_token_hash, '') FROM units WHERE code = ?";

int unit_store_token_hash(struct dbc *c, const char *code, int64_t *id, char hash[65])
{
    sqlite3_stmt *st = db_stmt(c, SQL_TOKEN);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        snprintf(hash, 65, "%s", sqlite3_column_text(st, 1));
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = -1;
    }
    db_done(st);
    return found;
}

static const char SQL_SET_TOKEN[] = "UPDATE units SET api_token_hash = ? WHERE code = ?";

int unit_store_set_token_hash(struct dbc *c, const char *code, const char *hash)
{
    sqlite3_stmt *st = db_stmt(c, SQL_SET_TOKEN);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
    if (db_run(st) != 0)
        return -1;
    return sqlite3_changes(c->db) > 0;
}

static const char SQL_BY_CODE[] = "SELECT id FROM units WHERE code = ?";

int64_t unit_store_id_by_code(struct dbc *c, const char *code)
{
    return db_lookup_id(c, SQL_BY_CODE, code);
}

static const char SQL_INSERT[] =
    "INSERT INTO units (code, name, email, webhook_url, webhook_secret, internal) VALUES (?1, "
    "?2, nullif(?3, ''), nullif(?4, ''), ?5, coalesce(?6, 1))";

int unit_store_insert(struct dbc *c, const struct unit_input *u, int64_t *id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_INSERT);
    if (!st)
        return -1;
    db_bind_text_or_null(st, 1, u->code);
    db_bind_text_or_null(st, 2, u->name);
    db_bind_text_or_null(st, 3, u->email);
    db_bind_text_or_null(st, 4, u->webhook_url);
    db_bind_text_or_null(st, 5, u->webhook_secret);
    if (u->internal >= 0)
        sqlite3_bind_int(st, 6, u->internal);
    int rc = sqlite3_step(st);
    db_done(st);
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
        return 1;
    if (rc != SQLITE_DONE)
        return -1;
    *id = sqlite3_last_insert_rowid(c->db);
    return 0;
}

static const char SQL_UPDATE[] =
    "UPDATE units SET code = coalesce(?1, code), name = coalesce(?2, name), "
    "email = CASE WHEN ?8 THEN nullif(?3, '') ELSE email END, "
    "webhook_url = CASE WHEN ?9 THEN nullif(?4, '') ELSE webhook_url END, "
    "webhook_secret = coalesce(?5, webhook_secret), internal = coalesce(?6, internal) "
    "WHERE id = ?7";

int unit_store_update(struct dbc *c, int64_t id, const struct unit_input *u)
{
    sqlite3_stmt *st = db_stmt(c, SQL_UPDATE);
    if (!st)
        return -1;
    db_bind_text_or_null(st, 1, u->code);
    db_bind_text_or_null(st, 2, u->name);
    db_bind_text_or_null(st, 3, u->email);
    db_bind_text_or_null(st, 4, u->webhook_url);
    db_bind_text_or_null(st, 5, u->webhook_secret);
    if (u->internal >= 0)
        sqlite3_bind_int(st, 6, u->internal);
    sqlite3_bind_int64(st, 7, id);
    sqlite3_bind_int(st, 8, u->email_given);
    sqlite3_bind_int(st, 9, u->url_given);
    int rc = sqlite3_step(st);
    db_done(st);
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
        return 1;
    if (rc != SQLITE_DONE)
        return -1;
    return sqlite3_changes(c->db) == 0 ? 2 : 0;
}

#define UNIT_SELECT                                                                                \
    "SELECT id, code, name, email, webhook_url, internal, webhook_secret IS NOT NULL, "            \
    "api_token_hash IS NOT NULL FROM units "
enum { U_ID, U_CODE, U_NAME, U_EMAIL, U_URL, U_INTERNAL, U_HAS_SECRET, U_HAS_TOKEN };

static json_t *unit_json(sqlite3_stmt *st)
{
    return json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:b, s:b, s:b}", "id",
                     (json_int_t)sqlite3_column_int64(st, U_ID), "code",
                     sqlite3_column_text(st, U_CODE), "name", sqlite3_column_text(st, U_NAME),
                     "email", sqlite3_column_text(st, U_EMAIL), "webhook_url",
                     sqlite3_column_text(st, U_URL), "internal", sqlite3_column_int(st, U_INTERNAL),
                     "has_webhook_secret", sqlite3_column_int(st, U_HAS_SECRET), "has_api_token",
                     sqlite3_column_int(st, U_HAS_TOKEN));
}

static const char SQL_LIST[] = UNIT_SELECT "ORDER BY name";
static const char SQL_GET[] = UNIT_SELECT "WHERE id = ?";

json_t *unit_store_list(struct dbc *c)
{
    sqlite3_stmt *st = db_stmt(c, SQL_LIST);
    if (!st)
        return NULL;
    return db_json_rows(st, unit_json);
}

json_t *unit_store_get(struct dbc *c, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_GET);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    json_t *o = sqlite3_step(st) == SQLITE_ROW ? unit_json(st) : NULL;
    db_done(st);
    return o;
}
