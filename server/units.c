/*
 * units — see units.h. webhook_secret and api_token_hash are write-only: no
 * answer ever contains them, only whether they are set.
 */
#include "units.h"
#include "http.h"

#include <stdio.h>
#include <string.h>

json_t *units_ref_json(struct dbc *c, int64_t id)
{
    if (id <= 0)
        return json_null();
    sqlite3_stmt *st = db_prepare(c->db, "SELECT id, code, name FROM units WHERE id = ?");
    json_t *o = json_null();
    if (!st)
        return o;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)sqlite3_column_int64(st, 0), "code",
                      sqlite3_column_text(st, 1), "name", sqlite3_column_text(st, 2));
    sqlite3_finalize(st);
    return o;
}

#define UNIT_SELECT                                                                                \
    "SELECT id, code, name, email, webhook_url, internal, webhook_secret IS NOT NULL, "            \
    "api_token_hash IS NOT NULL FROM units "

static json_t *unit_json(sqlite3_stmt *st)
{
    return json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:b, s:b, s:b}", "id",
                     (json_int_t)sqlite3_column_int64(st, 0), "code", sqlite3_column_text(st, 1),
                     "name", sqlite3_column_text(st, 2), "email", sqlite3_column_text(st, 3),
                     "webhook_url", sqlite3_column_text(st, 4), "internal",
                     sqlite3_column_int(st, 5), "has_webhook_secret", sqlite3_column_int(st, 6),
                     "has_api_token", sqlite3_column_int(st, 7));
}

int units_list(struct req *r)
{
    sqlite3_stmt *st = db_prepare(r->dbc->db, UNIT_SELECT "ORDER BY name");
    if (!st)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    json_t *arr = json_array();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(arr, unit_json(st));
    sqlite3_finalize(st);
    return http_reply_json(r, 200, json_pack("{s:o}", "units", arr));
}

static int reply_unit(struct req *r, int status, int64_t id)
{
    sqlite3_stmt *st = db_prepare(r->dbc->db, UNIT_SELECT "WHERE id = ?");
    if (!st)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return http_reply_error(r, 404, "not_found", NULL, "no such unit");
    }
    json_t *o = unit_json(st);
    sqlite3_finalize(st);
    return http_reply_json(r, status, o);
}

static int url_ok(const char *u)
{
    return !u || !*u || strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0;
}

static int save_unit(struct req *r, int64_t id)
{
    const char *code = NULL, *name = NULL, *email = NULL, *url = NULL, *secret = NULL;
    int internal = -1, required = id == 0;
    if (http_json_string_or_reply(r, r->json, "code", NULL, required, 64, &code) ||
        http_json_string_or_reply(r, r->json, "name", NULL, required, 200, &name) ||
        http_json_string_or_reply(r, r->json, "email", NULL, 0, 200, &email) ||
        http_json_string_or_reply(r, r->json, "webhook_url", NULL, 0, 500, &url) ||
        http_json_string_or_reply(r, r->json, "webhook_secret", NULL, 0, 200, &secret) ||
        http_json_bool_or_reply(r, r->json, "internal", 0, &internal))
        return r->status;
    if (!url_ok(url))
        return http_reply_error(r, 422, "invalid_format", "webhook_url",
                                "'webhook_url' must start with http:// or https://");
    if (email && *email && !strchr(email, '@'))
        return http_reply_error(r, 422, "invalid_format", "email", "'email' is not an address");
    sqlite3_stmt *st =
        id == 0 ? db_prepare(r->dbc->db, "INSERT INTO units (code, name, email, webhook_url, "
                                         "webhook_secret, internal) VALUES (?1, ?2, ?3, ?4, ?5, "
                                         "coalesce(?6, 1))")
                : db_prepare(r->dbc->db,
                             "UPDATE units SET code = coalesce(?1, code), name = coalesce(?2, "
                             "name), email = CASE WHEN ?8 THEN nullif(?3, '') ELSE email END, "
                             "webhook_url = CASE WHEN ?9 THEN nullif(?4, '') ELSE webhook_url END, "
                             "webhook_secret = coalesce(?5, webhook_secret), internal = "
                             "coalesce(?6, internal) WHERE id = ?7");
    if (!st)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    db_bind_text_or_null(st, 1, code);
    db_bind_text_or_null(st, 2, name);
    db_bind_text_or_null(st, 3, email && *email ? email : (id ? email : NULL));
    db_bind_text_or_null(st, 4, url && *url ? url : (id ? url : NULL));
    db_bind_text_or_null(st, 5, secret);
    if (internal >= 0)
        sqlite3_bind_int(st, 6, internal);
    if (id) {
        sqlite3_bind_int64(st, 7, id);
        sqlite3_bind_int(st, 8, json_object_get(r->json, "email") != NULL);
        sqlite3_bind_int(st, 9, json_object_get(r->json, "webhook_url") != NULL);
    }
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
        return http_reply_error(r, 409, "conflict", "code", "the code is taken");
    if (rc != SQLITE_DONE)
        return http_reply_error(r, 500, "internal", NULL, "the unit could not be stored");
    if (id && sqlite3_changes(r->dbc->db) == 0)
        return http_reply_error(r, 404, "not_found", NULL, "no such unit");
    return reply_unit(r, id ? 200 : 201, id ? id : sqlite3_last_insert_rowid(r->dbc->db));
}

int units_post(struct req *r)
{
    return save_unit(r, 0);
}

int units_put(struct req *r)
{
    int64_t id;
    if (http_param_id_or_reply(r, 0, &id) != 0)
        return r->status;
    return save_unit(r, id);
}
