/*
 * api_catalog — the small public reference endpoints (api.h): categories,
 * walks by join code, the client configuration and the health check.
 * Read-only: must not write to the database.
 */
#include "api.h"
#include "area_store.h"
#include "catalog_store.h"
#include "http.h"
#include "migrate.h"

#include <string.h>

int api_categories(struct req *r)
{
    json_t *arr = catalog_store_categories(r->dbc);
    if (!arr)
        return http_reply_error(r, db_failure(r->dbc), NULL, "the categories could not be read");
    return http_reply_json(r, 200, json_pack("{s:o}", "categories", arr));
}

int api_client_config(struct req *r)
{
    const struct config *cfg = r->cfg;
    struct municipality m;
    int found = area_store_municipality(r->dbc, &m);
    if (found < 0)
        return http_reply_error(r, db_failure(r->dbc), NULL, "the municipality could not be read");
    json_t *muni;
    /* A stored boundary names the municipality; without one the configuration does. */
    if (found && m.has_bbox)
        muni = json_pack("{s:s, s:s, s:[f,f,f,f]}", "code", m.code, "name", m.name, "bbox",
                         m.bbox[0], m.bbox[1], m.bbox[2], m.bbox[3]);
    else
        muni = json_pack("{s:s, s:s, s:n}", "code", cfg->municipality_code, "name",
                         cfg->municipality_name, "bbox");
    /* An outside tile server when one is set, else the local MBTiles file's /tiles/. */
    json_t *tiles =
        cfg->tile_url[0]
            ? json_pack("{s:s, s:s}", "url", cfg->tile_url, "attribution", cfg->tile_attribution)
        : cfg->tiles_mbtiles[0] ? json_pack("{s:s, s:s, s:b}", "url", "/tiles/{z}/{x}/{y}",
                                            "attribution", cfg->tile_attribution, "local", 1)
                                : json_null();
    json_t *limits =
        json_pack("{s:i, s:I, s:i, s:i, s:f}", "max_description_chars", cfg->max_description_chars,
                  "max_photo_bytes", (json_int_t)cfg->max_photo_bytes, "photo_max_side",
                  cfg->photo_max_side, "max_photos_per_observation",
                  cfg->max_photos_per_observation, "nearby_max_radius_m", cfg->nearby_max_radius_m);
    json_t *o = json_pack("{s:o, s:o, s:o, s:s}", "municipality", muni, "tiles", tiles, "limits",
                          limits, "version", TRYGG_VERSION);
    if (!o)
        return http_reply_error(r, ERR_INTERNAL, NULL, "the configuration could not be written");
    return http_reply_json(r, 200, o);
}

int api_health(struct req *r)
{
    if (catalog_store_ping(r->dbc) != 0)
        return http_reply_error(r, ERR_UNAVAILABLE, NULL, "the database does not answer");
    return http_reply_json(r, 200,
                           json_pack("{s:s, s:s, s:i}", "status", "ok", "version", TRYGG_VERSION,
                                     "schema", migrate_current_version(r->dbc->db)));
}
