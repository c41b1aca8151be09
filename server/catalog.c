/*
 * catalog — see catalog.h. Read-only; must not write to the database.
 */
#include "catalog.h"
#include "http.h"
#include "migrate.h"

#include <string.h>

int catalog_categories(struct req *r)
{
    sqlite3_stmt *st =
        db_prepare(r->dbc->db, "SELECT code, name_sv, name_en, icon, kind FROM categories "
                               "WHERE active = 1 ORDER BY sort_order, code");
    if (!st)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    json_t *arr = json_array();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(
            arr,
            json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", sqlite3_column_text(st, 0), "name_sv",
                      sqlite3_column_text(st, 1), "name_en", sqlite3_column_text(st, 2), "icon",
                      sqlite3_column_text(st, 3), "kind", sqlite3_column_text(st, 4)));
    sqlite3_finalize(st);
    return http_reply_json(r, 200, json_pack("{s:o}", "categories", arr));
}

int catalog_walk(struct req *r)
{
    const char *code = r->param[0];
    if (strlen(code) > 32)
        return http_reply_error(r, 404, "not_found", NULL, "no such walk");
    sqlite3_stmt *st =
        db_prepare(r->dbc->db, "SELECT w.code, w.title, w.starts_at, a.id, a.code, a.name "
                               "FROM walks w LEFT JOIN areas a ON a.id = w.area_id "
                               "WHERE w.code = ?");
    if (!st)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return http_reply_error(r, 404, "not_found", NULL, "no walk has this code");
    }
    json_t *area =
        sqlite3_column_type(st, 3) == SQLITE_NULL
            ? json_null()
            : json_pack("{s:I, s:s, s:s}", "id", (json_int_t)sqlite3_column_int64(st, 3), "code",
                        sqlite3_column_text(st, 4), "name", sqlite3_column_text(st, 5));
    const char *starts = (const char *)sqlite3_column_text(st, 2);
    json_t *o = json_pack("{s:s, s:s, s:o, s:o}", "code", sqlite3_column_text(st, 0), "title",
                          sqlite3_column_text(st, 1), "starts_at",
                          starts ? json_string(starts) : json_null(), "area", area);
    sqlite3_finalize(st);
    return http_reply_json(r, 200, o);
}

int catalog_client_config(struct req *r)
{
    const struct config *cfg = r->cfg;
    json_t *muni =
        json_pack("{s:s, s:s}", "code", cfg->municipality_code, "name", cfg->municipality_name);
    sqlite3_stmt *st = db_prepare(r->dbc->db, "SELECT code, name, MbrMinX(geom), MbrMinY(geom), "
                                              "MbrMaxX(geom), MbrMaxY(geom) FROM municipality");
    if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 2) != SQLITE_NULL) {
        json_object_set_new(muni, "code", json_string((const char *)sqlite3_column_text(st, 0)));
        json_object_set_new(muni, "name", json_string((const char *)sqlite3_column_text(st, 1)));
        json_object_set_new(muni, "bbox",
                            json_pack("[f,f,f,f]", sqlite3_column_double(st, 2),
                                      sqlite3_column_double(st, 3), sqlite3_column_double(st, 4),
                                      sqlite3_column_double(st, 5)));
    } else {
        json_object_set_new(muni, "bbox", json_null());
    }
    sqlite3_finalize(st);
    json_t *tiles = cfg->tile_url[0] ? json_pack("{s:s, s:s}", "url", cfg->tile_url, "attribution",
                                                 cfg->tile_attribution)
                                     : json_null();
    json_t *limits = json_pack(
        "{s:i, s:I, s:i, s:i}", "max_description_chars", cfg->max_description_chars,
        "max_photo_bytes", (json_int_t)cfg->max_photo_bytes, "photo_max_side", cfg->photo_max_side,
        "max_photos_per_observation", cfg->max_photos_per_observation);
    json_t *o = json_pack("{s:o, s:o, s:o, s:s}", "municipality", muni, "tiles", tiles, "limits",
                          limits, "version", TRYGG_VERSION);
    return http_reply_json(r, 200, o);
}

int catalog_health(struct req *r)
{
    sqlite3_stmt *st = db_prepare(r->dbc->db, "SELECT count(*) FROM categories");
    int ok = st && sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (!ok)
        return http_reply_error(r, 503, "unavailable", NULL, "the database does not answer");
    return http_reply_json(r, 200,
                           json_pack("{s:s, s:s, s:i}", "status", "ok", "version", TRYGG_VERSION,
                                     "schema", migrate_current_version(r->dbc->db)));
}
