/*
 * routing — see routing.h. Point-in-polygon is SpatiaLite's (ST_Contains on
 * the rule's polygon); the precedence is one ORDER BY so it reads as the rule.
 */
#include "routing.h"
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int routing_pick(struct dbc *c, const char *category, double lon, double lat, int64_t area_id,
                 struct routing_choice *out)
{
    sqlite3_stmt *st = db_prepare(
        c->db,
        "SELECT id, unit_id, priority FROM routing_rules WHERE active = 1 AND category = ?1 "
        "AND (polygon IS NULL OR ST_Contains(polygon, MakePoint(?2, ?3, 4326))) "
        "AND (area_id IS NULL OR area_id = ?4) "
        "ORDER BY CASE WHEN polygon IS NOT NULL THEN 0 WHEN area_id IS NOT NULL THEN 1 ELSE 2 END, "
        "rule_order, id LIMIT 1");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, category, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 2, lon);
    sqlite3_bind_double(st, 3, lat);
    sqlite3_bind_int64(st, 4, area_id);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        out->rule_id = sqlite3_column_int64(st, 0);
        out->unit_id = sqlite3_column_int64(st, 1);
        out->priority = sqlite3_column_int(st, 2);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = -1;
    }
    sqlite3_finalize(st);
    return found;
}

#define RULE_SELECT                                                                                \
    "SELECT r.id, r.category, r.area_id, a.code, r.unit_id, u.name, r.priority, r.rule_order, "    \
    "r.active, r.note, AsGeoJSON(r.polygon, 6) FROM routing_rules r "                              \
    "JOIN units u ON u.id = r.unit_id LEFT JOIN areas a ON a.id = r.area_id "

static json_t *rule_json(sqlite3_stmt *st)
{
    const char *poly = (const char *)sqlite3_column_text(st, 10);
    json_t *geom = poly ? json_loads(poly, 0, NULL) : NULL;
    return json_pack(
        "{s:I, s:s, s:o, s:o, s:I, s:s, s:i, s:i, s:b, s:s?, s:o}", "id",
        (json_int_t)sqlite3_column_int64(st, 0), "category", sqlite3_column_text(st, 1), "area_id",
        sqlite3_column_type(st, 2) == SQLITE_NULL ? json_null()
                                                  : json_integer(sqlite3_column_int64(st, 2)),
        "area_code",
        sqlite3_column_type(st, 3) == SQLITE_NULL
            ? json_null()
            : json_string((const char *)sqlite3_column_text(st, 3)),
        "unit_id", (json_int_t)sqlite3_column_int64(st, 4), "unit_name", sqlite3_column_text(st, 5),
        "priority", sqlite3_column_int(st, 6), "rule_order", sqlite3_column_int(st, 7), "active",
        sqlite3_column_int(st, 8), "note", sqlite3_column_text(st, 9), "polygon",
        geom ? geom : json_null());
}

int routing_rules_list(struct req *r)
{
    sqlite3_stmt *st =
        db_prepare(r->dbc->db, RULE_SELECT "ORDER BY r.category, r.rule_order, r.id");
    if (!st)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    json_t *arr = json_array();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(arr, rule_json(st));
    sqlite3_finalize(st);
    return http_reply_json(r, 200, json_pack("{s:o}", "rules", arr));
}

static int reply_rule(struct req *r, int status, int64_t id)
{
    sqlite3_stmt *st = db_prepare(r->dbc->db, RULE_SELECT "WHERE r.id = ?");
    if (!st)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return http_reply_error(r, 404, "not_found", NULL, "no such routing rule");
    }
    json_t *o = rule_json(st);
    sqlite3_finalize(st);
    return http_reply_json(r, status, o);
}

/* Validates and writes a rule (id 0 = new). Replies; returns the status. */
static int save_rule(struct req *r, int64_t id)
{
    json_t *j = r->json;
    const char *category = NULL, *note = NULL;
    int64_t area_id = 0, unit_id = 0, priority = 2, order = 100;
    int has_area = 0, has_unit = 0, has_prio = 0, has_order = 0, active = -1;
    int required = id == 0;
    if (http_json_string_or_reply(r, j, "category", NULL, required, 32, &category) ||
        http_json_int_or_reply(r, j, "area_id", 0, 1, INT64_MAX, &area_id, &has_area) ||
        http_json_int_or_reply(r, j, "unit_id", required, 1, INT64_MAX, &unit_id, &has_unit) ||
        http_json_int_or_reply(r, j, "priority", 0, 1, 3, &priority, &has_prio) ||
        http_json_int_or_reply(r, j, "rule_order", 0, 0, 1000000, &order, &has_order) ||
        http_json_bool_or_reply(r, j, "active", 0, &active) ||
        http_json_string_or_reply(r, j, "note", NULL, 0, 500, &note))
        return r->status;
    json_t *poly = json_object_get(j, "polygon");
    char *poly_text = NULL;
    int poly_given = json_object_get(j, "polygon") != NULL;
    if (poly && !json_is_null(poly)) {
        const char *t = json_string_value(json_object_get(poly, "type"));
        if (!json_is_object(poly) || !t || (strcmp(t, "Polygon") && strcmp(t, "MultiPolygon")))
            return http_reply_error(r, 422, "invalid_type", "polygon",
                                    "'polygon' must be a GeoJSON Polygon or MultiPolygon");
        poly_text = json_dumps(poly, JSON_COMPACT);
    }
    int area_given = json_object_get(j, "area_id") != NULL;
    if (db_begin(r->dbc->db) != SQLITE_OK) {
        free(poly_text);
        return http_reply_error(r, 503, "unavailable", NULL, "the database is busy");
    }
    sqlite3_stmt *st;
    if (id == 0)
        st = db_prepare(
            r->dbc->db,
            "INSERT INTO routing_rules (category, area_id, unit_id, priority, "
            "rule_order, active, note, polygon) VALUES (?1, ?2, ?3, ?4, ?5, "
            "coalesce(?6, 1), ?7, CastToMultiPolygon(SetSRID(GeomFromGeoJSON(?8), 4326)))");
    else
        st = db_prepare(
            r->dbc->db,
            "UPDATE routing_rules SET category = coalesce(?1, category), "
            "area_id = CASE WHEN ?10 THEN ?2 ELSE area_id END, unit_id = coalesce(?3, unit_id), "
            "priority = coalesce(?4, priority), rule_order = coalesce(?5, rule_order), "
            "active = coalesce(?6, active), note = coalesce(?7, note), polygon = CASE WHEN ?11 "
            "THEN CastToMultiPolygon(SetSRID(GeomFromGeoJSON(?8), 4326)) ELSE polygon END "
            "WHERE id = ?9");
    int rc = SQLITE_ERROR;
    if (st) {
        db_bind_text_or_null(st, 1, category);
        if (has_area)
            sqlite3_bind_int64(st, 2, area_id);
        if (has_unit)
            sqlite3_bind_int64(st, 3, unit_id);
        if (has_prio || id == 0)
            sqlite3_bind_int64(st, 4, priority);
        if (has_order || id == 0)
            sqlite3_bind_int64(st, 5, order);
        if (active >= 0)
            sqlite3_bind_int(st, 6, active);
        db_bind_text_or_null(st, 7, note);
        db_bind_text_or_null(st, 8, poly_text);
        if (id) {
            sqlite3_bind_int64(st, 9, id);
            sqlite3_bind_int(st, 10, area_given);
            sqlite3_bind_int(st, 11, poly_given);
        }
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
    }
    /* A polygon GeomFromGeoJSON could not read is NULL: refuse rather than widen the rule. */
    int64_t rid = id ? id : sqlite3_last_insert_rowid(r->dbc->db);
    int bad_poly = 0;
    if (rc == SQLITE_DONE && poly_text) {
        st = db_prepare(r->dbc->db, "SELECT polygon IS NULL OR NOT ST_IsValid(polygon) FROM "
                                    "routing_rules WHERE id = ?");
        if (st) {
            sqlite3_bind_int64(st, 1, rid);
            bad_poly = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
            sqlite3_finalize(st);
        }
    }
    free(poly_text);
    if (rc != SQLITE_DONE || bad_poly) {
        int fk = rc == SQLITE_CONSTRAINT_FOREIGNKEY;
        db_rollback(r->dbc->db);
        if (bad_poly)
            return http_reply_error(r, 422, "invalid_type", "polygon", "the polygon is not valid");
        return http_reply_error(r, 422, fk ? "invalid_format" : "bad_request",
                                fk ? "unit_id" : NULL,
                                fk ? "unknown category, area or unit" : "the rule is not valid");
    }
    if (id && sqlite3_changes(r->dbc->db) == 0) {
        db_rollback(r->dbc->db);
        return http_reply_error(r, 404, "not_found", NULL, "no such routing rule");
    }
    db_commit(r->dbc->db);
    return reply_rule(r, id ? 200 : 201, rid);
}

int routing_rules_post(struct req *r)
{
    return save_rule(r, 0);
}

int routing_rules_put(struct req *r)
{
    int64_t id;
    if (http_param_id_or_reply(r, 0, &id) != 0)
        return r->status;
    return save_rule(r, id);
}

int routing_rules_delete(struct req *r)
{
    int64_t id;
    if (http_param_id_or_reply(r, 0, &id) != 0)
        return r->status;
    sqlite3_stmt *st = db_prepare(r->dbc->db, "DELETE FROM routing_rules WHERE id = ?");
    if (!st)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    if (sqlite3_changes(r->dbc->db) == 0)
        return http_reply_error(r, 404, "not_found", NULL, "no such routing rule");
    return http_reply_bytes(r, 204, NULL, "", 0, NULL);
}
