/*
 * api_areas — the local network areas (api.h): the public GeoJSON list and
 * the admin's import, and a point described in words (area, nearest named
 * place). Thin: area_store's read model, wf_areas' import, views' describe.
 */
#include "api.h"
#include "area_store.h"
#include "http.h"
#include "validate.h"
#include "views.h"
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

int api_places_describe(struct req *r)
{
    char lon_s[64], lat_s[64];
    double lon, lat;
    int has_lon, has_lat;
    if ((has_lon = http_query_or_reply(r, "lon", lon_s, sizeof lon_s)) < 0 ||
        (has_lat = http_query_or_reply(r, "lat", lat_s, sizeof lat_s)) < 0)
        return r->status;
    if (!has_lon || parse_double(lon_s, -180, 180, &lon) != 0)
        return http_reply_error(r, has_lon ? ERR_OUT_OF_RANGE : ERR_MISSING_FIELD, "lon",
                                "'lon' must be a longitude in degrees");
    if (!has_lat || parse_double(lat_s, -90, 90, &lat) != 0)
        return http_reply_error(r, has_lat ? ERR_OUT_OF_RANGE : ERR_MISSING_FIELD, "lat",
                                "'lat' must be a latitude in degrees");
    json_t *d = views_place_describe(r->dbc, lon, lat);
    if (!d)
        return http_reply_error(r, db_failure(r->dbc), NULL, "the place could not be described");
    return http_reply_json(r, 200, d);
}
