/*
 * rule_store — see rule_store.h. Point-in-polygon is SpatiaLite's
 * (ST_Contains on the rule's polygon); the precedence is one ORDER BY so it
 * reads as the rule.
 */
#include "rule_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_PICK[] =
    "SELECT id, unit_id, priority FROM routing_rules WHERE active = 1 AND category = ?1 "
    "AND (polygon IS NULL OR ST_Contains(polygon, MakePoint(?2, ?3, 4326))) "
    "AND (area_id IS NULL OR area_id = ?4) "
    "ORDER BY CASE WHEN polygon IS NOT NULL THEN 0 WHEN area_id IS NOT NULL THEN 1 ELSE 2 END, "
    "rule_order, id LIMIT 1";
enum { PICK_ID, PICK_UNIT, PICK_PRIORITY };

int rule_store_pick(struct dbc *c, const char *category, double lon, double lat, int64_t area_id,
                    struct rule_choice *out)
{
    sqlite3_stmt *st = db_stmt(c, SQL_PICK);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, category, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 2, lon);
    sqlite3_bind_double(st, 3, lat);
    sqlite3_bind_int64(st, 4, area_id);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        out->rule_id = sqlite3_column_int64(st, PICK_ID);
        out->unit_id = sqlite3_column_int64(st, PICK_UNIT);
        out->priority = sqlite3_column_int(st, PICK_PRIORITY);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = -1;
    }
    db_done(st);
    return found;
}

static const char SQL_INSERT[] =
    "INSERT INTO routing_rules (category, area_id, unit_id, priority, rule_order, active, note, "
    "polygon) VALUES (?1, ?2, ?3, ?4, ?5, coalesce(?6, 1), ?7, "
    "CastToMultiPolygon(SetSRID(GeomFromGeoJSON(?8), 4326)))";
static const char SQL_UPDATE[] =
    "UPDATE routing_rules SET category = coalesce(?1, category), "
    "area_id = CASE WHEN ?10 THEN ?2 ELSE area_id END, unit_id = coalesce(?3, unit_id), "
    "priority = coalesce(?4, priority), rule_order = coalesce(?5, rule_order), "
    "active = coalesce(?6, active), note = coalesce(?7, note), polygon = CASE WHEN ?11 "
    "THEN CastToMultiPolygon(SetSRID(GeomFromGeoJSON(?8), 4326)) ELSE polygon END WHERE id = ?9";
static const char SQL_BAD_POLYGON[] =
    "SELECT polygon IS NULL OR NOT ST_IsValid(polygon) FROM routing_rules WHERE id = ?";

int rule_store_save(struct dbc *c, int64_t id, const struct rule_input *in, int64_t *id_out)
{
    sqlite3_stmt *st = db_stmt(c, id ? SQL_UPDATE : SQL_INSERT);
    if (!st)
        return -1;
    db_bind_text_or_null(st, 1, in->category);
    if (in->has_area)
        sqlite3_bind_int64(st, 2, in->area_id);
    if (in->has_unit)
        sqlite3_bind_int64(st, 3, in->unit_id);
    if (in->has_priority || id == 0)
        sqlite3_bind_int64(st, 4, in->priority);
    if (in->has_order || id == 0)
        sqlite3_bind_int64(st, 5, in->rule_order);
    if (in->active >= 0)
        sqlite3_bind_int(st, 6, in->active);
    db_bind_text_or_null(st, 7, in->note);
    db_bind_text_or_null(st, 8, in->polygon_geojson);
    if (id) {
        sqlite3_bind_int64(st, 9, id);
        sqlite3_bind_int(st, 10, in->area_given);
        sqlite3_bind_int(st, 11, in->polygon_given);
    }
    int rc = sqlite3_step(st);
    db_done(st);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return 1;
    if (rc != SQLITE_DONE)
        return -1;
    if (id && sqlite3_changes(c->db) == 0)
        return 3;
    *id_out = id ? id : sqlite3_last_insert_rowid(c->db);
    /* A polygon GeomFromGeoJSON could not read is NULL: refuse rather than widen the rule. */
    if (in->polygon_geojson) {
        st = db_stmt(c, SQL_BAD_POLYGON);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, *id_out);
        rc = sqlite3_step(st);
        int bad = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
        db_done(st);
        if (rc != SQLITE_ROW)
            return -1;
        if (bad)
            return 2;
    }
    return 0;
}

static const char SQL_DELETE[] = "DELETE FROM routing_rules WHERE id = ?";

int rule_store_delete(struct dbc *c, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_DELETE);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if (db_run(st) != 0)
        return -1;
    return sqlite3_changes(c->db) > 0;
}

#define RULE_SELECT                                                                                \
    "SELECT r.id, r.category, r.area_id, a.code, r.unit_id, u.name, r.priority, r.rule_order, "    \
    "r.active, r.note, AsGeoJSON(r.polygon, 6) FROM routing_rules r "                              \
    "JOIN units u ON u.id = r.unit_id LEFT JOIN areas a ON a.id = r.area_id "
enum {
    R_ID,
    R_CATEGORY,
    R_AREA_ID,
    R_AREA_CODE,
    R_UNIT_ID,
    R_UNIT_NAME,
    R_PRIORITY,
    R_ORDER,
    R_ACTIVE,
    R_NOTE,
    R_POLYGON
};

static json_t *rule_json(sqlite3_stmt *st)
{
    const char *poly = (const char *)sqlite3_column_text(st, R_POLYGON);
    json_t *geom = poly ? json_loads(poly, 0, NULL) : NULL;
    return json_pack("{s:I, s:s, s:o, s:o, s:I, s:s, s:i, s:i, s:b, s:s?, s:o}", "id",
                     (json_int_t)sqlite3_column_int64(st, R_ID), "category",
                     sqlite3_column_text(st, R_CATEGORY), "area_id",
                     sqlite3_column_type(st, R_AREA_ID) == SQLITE_NULL
                         ? json_null()
                         : json_integer(sqlite3_column_int64(st, R_AREA_ID)),
                     "area_code",
                     sqlite3_column_type(st, R_AREA_CODE) == SQLITE_NULL
                         ? json_null()
                         : json_string((const char *)sqlite3_column_text(st, R_AREA_CODE)),
                     "unit_id", (json_int_t)sqlite3_column_int64(st, R_UNIT_ID), "unit_name",
                     sqlite3_column_text(st, R_UNIT_NAME), "priority",
                     sqlite3_column_int(st, R_PRIORITY), "rule_order",
                     sqlite3_column_int(st, R_ORDER), "active", sqlite3_column_int(st, R_ACTIVE),
                     "note", sqlite3_column_text(st, R_NOTE), "polygon", geom ? geom : json_null());
}

static const char SQL_LIST[] = RULE_SELECT "ORDER BY r.category, r.rule_order, r.id";
static const char SQL_GET[] = RULE_SELECT "WHERE r.id = ?";

json_t *rule_store_list(struct dbc *c)
{
    sqlite3_stmt *st = db_stmt(c, SQL_LIST);
    if (!st)
        return NULL;
    return db_json_rows(st, rule_json);
}

json_t *rule_store_get(struct dbc *c, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_GET);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    json_t *o = sqlite3_step(st) == SQLITE_ROW ? rule_json(st) : NULL;
    db_done(st);
    return o;
}
