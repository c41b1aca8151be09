/*
 * api_admin — units, routing rules and the outbox, for the technical office
 * and admins. Thin: validate, call wf_units, answer with the stored row.
 * webhook_secret and API tokens are write-only: no answer contains them.
 */
#include "api.h"
#include "http.h"
#include "apikey_store.h"
#include "outbox_store.h"
#include "wf_open311.h"
#include "wf_units.h"

#include <stdlib.h>
#include <string.h>

int api_units_list(struct req *r)
{
    json_t *arr = unit_store_list(r->dbc);
    if (!arr)
        return http_reply_error(r, db_failure(r->dbc), NULL, "the units could not be read");
    return http_reply_json(r, 200, json_pack("{s:o}", "units", arr));
}

static int save_unit(struct req *r, int64_t id)
{
    struct unit_input u = {0};
    int required = id == 0;
    u.internal = -1;
    if (http_json_string_or_reply(r, r->json, "code", NULL, required, 64, &u.code) ||
        http_json_string_or_reply(r, r->json, "name", NULL, required, 200, &u.name) ||
        http_json_string_or_reply(r, r->json, "email", NULL, 0, 200, &u.email) ||
        http_json_string_or_reply(r, r->json, "webhook_url", NULL, 0, 500, &u.webhook_url) ||
        http_json_string_or_reply(r, r->json, "webhook_secret", NULL, 0, 200, &u.webhook_secret) ||
        http_json_bool_or_reply(r, r->json, "internal", 0, &u.internal))
        return r->status;
    u.email_given = json_object_get(r->json, "email") != NULL;
    u.url_given = json_object_get(r->json, "webhook_url") != NULL;
    struct wf_error err;
    int64_t saved = 0;
    if (wf_unit_save(r->dbc, id, &u, &saved, &err) != 0)
        return http_reply_fail(r, &err);
    json_t *o = unit_store_get(r->dbc, saved);
    if (!o)
        return http_reply_error(r, db_failure(r->dbc), NULL, "the unit could not be read");
    return http_reply_json(r, id ? 200 : 201, o);
}

int api_units_post(struct req *r)
{
    return save_unit(r, 0);
}

int api_units_put(struct req *r)
{
    int64_t id;
    if (http_param_id_or_reply(r, 0, &id) != 0)
        return r->status;
    return save_unit(r, id);
}

int api_rules_list(struct req *r)
{
    json_t *arr = rule_store_list(r->dbc);
    if (!arr)
        return http_reply_error(r, db_failure(r->dbc), NULL, "the rules could not be read");
    return http_reply_json(r, 200, json_pack("{s:o}", "rules", arr));
}

/* Validates and writes a rule (id 0 = new). Replies; returns the status. */
static int save_rule(struct req *r, int64_t id)
{
    json_t *j = r->json;
    struct rule_input in = {0};
    int required = id == 0;
    in.priority = 2;
    in.rule_order = 100;
    in.active = -1;
    if (http_json_string_or_reply(r, j, "category", NULL, required, 32, &in.category) ||
        http_json_int_or_reply(r, j, "area_id", 0, 1, INT64_MAX, &in.area_id, &in.has_area) ||
        http_json_int_or_reply(r, j, "unit_id", required, 1, INT64_MAX, &in.unit_id,
                               &in.has_unit) ||
        http_json_int_or_reply(r, j, "priority", 0, 1, 3, &in.priority, &in.has_priority) ||
        http_json_int_or_reply(r, j, "rule_order", 0, 0, 1000000, &in.rule_order, &in.has_order) ||
        http_json_bool_or_reply(r, j, "active", 0, &in.active) ||
        http_json_string_or_reply(r, j, "note", NULL, 0, 500, &in.note))
        return r->status;
    json_t *poly = json_object_get(j, "polygon");
    char *poly_text = NULL;
    in.polygon_given = poly != NULL;
    in.area_given = json_object_get(j, "area_id") != NULL;
    if (poly && !json_is_null(poly)) {
        const char *t = json_string_value(json_object_get(poly, "type"));
        if (!json_is_object(poly) || !t || (strcmp(t, "Polygon") && strcmp(t, "MultiPolygon")))
            return http_reply_error(r, ERR_INVALID_TYPE, "polygon",
                                    "'polygon' must be a GeoJSON Polygon or MultiPolygon");
        poly_text = json_dumps(poly, JSON_COMPACT);
        if (!poly_text)
            return http_reply_error(r, ERR_INTERNAL, NULL, "out of memory");
    }
    in.polygon_geojson = poly_text;
    struct wf_error err;
    int64_t saved = 0;
    int rc = wf_rule_save(r->dbc, id, &in, &saved, &err);
    free(poly_text);
    if (rc != 0)
        return http_reply_fail(r, &err);
    json_t *o = rule_store_get(r->dbc, saved);
    if (!o)
        return http_reply_error(r, db_failure(r->dbc), NULL, "the rule could not be read");
    return http_reply_json(r, id ? 200 : 201, o);
}

int api_rules_post(struct req *r)
{
    return save_rule(r, 0);
}

int api_rules_put(struct req *r)
{
    int64_t id;
    if (http_param_id_or_reply(r, 0, &id) != 0)
        return r->status;
    return save_rule(r, id);
}

int api_rules_delete(struct req *r)
{
    int64_t id;
    struct wf_error err;
    if (http_param_id_or_reply(r, 0, &id) != 0)
        return r->status;
    if (wf_rule_delete(r->dbc, id, &err) != 0)
        return http_reply_fail(r, &err);
    return http_reply_bytes(r, 204, NULL, "", 0, NULL);
}

int api_outbox_list(struct req *r)
{
    char state[16];
    int has = http_query_or_reply(r, "state", state, sizeof state);
    if (has < 0)
        return r->status;
    if (has && strcmp(state, "pending") && strcmp(state, "sent") && strcmp(state, "dead"))
        return http_reply_error(r, ERR_INVALID_FORMAT, "state", "'state' is pending, sent or dead");
    json_t *arr = outbox_store_list(r->dbc, has ? state : NULL);
    if (!arr)
        return http_reply_error(r, db_failure(r->dbc), NULL, "the outbox could not be read");
    return http_reply_json(r, 200, json_pack("{s:o}", "messages", arr));
}

int api_outbox_retry(struct req *r)
{
    int64_t id;
    struct wf_error err;
    if (http_param_id_or_reply(r, 0, &id) != 0)
        return r->status;
    if (wf_outbox_retry(r->dbc, id, &err) != 0)
        return http_reply_fail(r, &err);
    return http_reply_json(r, 200,
                           json_pack("{s:I, s:s}", "id", (json_int_t)id, "state", "pending"));
}

int api_keys_list(struct req *r)
{
    json_t *keys = apikey_store_list(r->dbc);
    if (!keys)
        return http_reply_error(r, db_failure(r->dbc), NULL, "the keys could not be read");
    return http_reply_json(r, 200, json_pack("{s:o}", "api_keys", keys));
}

int api_keys_revoke(struct req *r)
{
    int64_t id;
    struct wf_error err;
    if (http_param_id_or_reply(r, 0, &id) != 0)
        return r->status;
    if (wf_apikey_revoke(r->dbc, id, &err) != 0)
        return http_reply_fail(r, &err);
    return http_reply_bytes(r, 204, NULL, "", 0, NULL);
}
