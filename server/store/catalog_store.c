/*
 * catalog_store — see catalog_store.h. Every SELECT's columns are read by
 * their named position.
 */
#include "catalog_store.h"

static json_t *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? json_string((const char *)s) : json_null();
}

static const char SQL_CATEGORIES[] = "SELECT code, name_sv, name_en, icon, kind FROM categories "
                                     "WHERE active = 1 ORDER BY sort_order, code";
enum { CAT_CODE, CAT_NAME_SV, CAT_NAME_EN, CAT_ICON, CAT_KIND };

json_t *catalog_store_categories(struct dbc *c)
{
    sqlite3_stmt *st = db_stmt(c, SQL_CATEGORIES);
    if (!st)
        return NULL;
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = json_object();
        json_object_set_new(o, "code", col_text(st, CAT_CODE));
        json_object_set_new(o, "name_sv", col_text(st, CAT_NAME_SV));
        json_object_set_new(o, "name_en", col_text(st, CAT_NAME_EN));
        json_object_set_new(o, "icon", col_text(st, CAT_ICON));
        json_object_set_new(o, "kind", col_text(st, CAT_KIND));
        json_array_append_new(arr, o);
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

static const char SQL_CATEGORY_ACTIVE[] = "SELECT 1 FROM categories WHERE code = ? AND active = 1";

int catalog_store_category_active(struct dbc *c, const char *code)
{
    sqlite3_stmt *st = db_stmt(c, SQL_CATEGORY_ACTIVE);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_WALK_ID[] = "SELECT id FROM walks WHERE code = ?";

int64_t catalog_store_walk_id(struct dbc *c, const char *code)
{
    return db_lookup_id(c, SQL_WALK_ID, code);
}

static const char SQL_WALK[] = "SELECT w.code, w.title, w.starts_at, a.id, a.code, a.name "
                               "FROM walks w LEFT JOIN areas a ON a.id = w.area_id "
                               "WHERE w.code = ?";
enum { WALK_CODE, WALK_TITLE, WALK_STARTS, WALK_AREA_ID, WALK_AREA_CODE, WALK_AREA_NAME };

json_t *catalog_store_walk_json(struct dbc *c, const char *code, int *failed)
{
    *failed = 0;
    sqlite3_stmt *st = db_stmt(c, SQL_WALK);
    if (!st) {
        *failed = 1;
        return NULL;
    }
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    json_t *o = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        json_t *area = json_null();
        if (sqlite3_column_type(st, WALK_AREA_ID) != SQLITE_NULL) {
            json_decref(area);
            area = json_object();
            json_object_set_new(area, "id", json_integer(sqlite3_column_int64(st, WALK_AREA_ID)));
            json_object_set_new(area, "code", col_text(st, WALK_AREA_CODE));
            json_object_set_new(area, "name", col_text(st, WALK_AREA_NAME));
        }
        o = json_object();
        json_object_set_new(o, "code", col_text(st, WALK_CODE));
        json_object_set_new(o, "title", col_text(st, WALK_TITLE));
        json_object_set_new(o, "starts_at", col_text(st, WALK_STARTS));
        json_object_set_new(o, "area", area);
    } else if (rc != SQLITE_DONE) {
        *failed = 1;
    }
    db_done(st);
    return o;
}

static const char SQL_PING[] = "SELECT count(*) FROM categories";

int catalog_store_ping(struct dbc *c)
{
    sqlite3_stmt *st = db_stmt(c, SQL_PING);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_ROW ? 0 : -1;
}
