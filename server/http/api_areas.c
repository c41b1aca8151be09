/*
 * api_areas — the local network areas (api.h): the public GeoJSON list and
 * the admin's import. Thin: area_store's read model, wf_areas' import.
 */
#include "api.h"
#include "area_store.h"
#include "http.h"
#include "validate.h"
#include "wf_areas.h"

int api_areas_list(struct req *r)
{
    json_t *fc = area_store_geojson(r->dbc);
    if (!fc)
        return http_reply_error(r, db_failure(r->dbc), NULL, "the areas could not be read");
    return http_reply_json(r, 200, fc);
}

int api_areas_import(struct req *r)
{
    /* jansson recurses once per level: bound the depth before parsing. */
    if (!r->body || r->body_len == 0 ||
        !json_depth_ok((const char *)r->body, r->body_len, HTTP_JSON_MAX_DEPTH))
        return http_reply_error(r, ERR_MALFORMED_JSON, NULL, "send a GeoJSON FeatureCollection");
    struct wf_error err;
    int n = wf_areas_import_text(r->dbc, (const char *)r->body, r->body_len, &err);
    if (n < 0)
        return http_reply_fail(r, &err);
    return http_reply_json(r, 200, json_pack("{s:i}", "imported", n));
}
