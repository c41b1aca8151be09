/*
 * routes — every endpoint of trygg in one table. The dispatcher (http.c) walks
 * it in order: first matching pattern + method wins; a known path with another
 * method is a 405. roles = 0 means public; body says what the dispatcher reads.
 */
#include "areas.h"
#include "catalog.h"
#include "http.h"
#include "map.h"
#include "nearby.h"
#include "observations.h"
#include "photos.h"
#include "web.h"

const struct route routes[] = {
    /* method  pattern                                  handler            roles  body */
    {"GET", "/healthz", catalog_health, 0, BODY_NONE},
    {"GET", "/api/v1/config", catalog_client_config, 0, BODY_NONE},
    {"GET", "/api/v1/categories", catalog_categories, 0, BODY_NONE},
    {"GET", "/api/v1/areas", areas_list, 0, BODY_NONE},
    {"GET", "/api/v1/walks/{code}", catalog_walk, 0, BODY_NONE},
    {"POST", "/api/v1/observations", observations_create, 0, BODY_JSON},
    {"GET", "/api/v1/observations", observations_list, 0, BODY_NONE},
    {"GET", "/api/v1/observations/nearby", nearby_list, 0, BODY_NONE},
    {"GET", "/api/v1/observations/{id}", observations_get, 0, BODY_NONE},
    {"POST", "/api/v1/observations/{id}/support", nearby_support, 0, BODY_JSON},
    {"GET", "/api/v1/map/clusters", map_clusters, 0, BODY_NONE},
    {"POST", "/api/v1/observations/{id}/photos", photos_upload, 0, BODY_RAW},
    {"GET", "/api/v1/photos/{id}", photos_get, 0, BODY_NONE},
    {"GET", "/api/v1/photos/{id}/thumb", photos_get_thumb, 0, BODY_NONE},

    /* Pages */
    {"GET", "/", web_field_app, 0, BODY_NONE},
    {"GET", "/w/{code}", web_field_app, 0, BODY_NONE},
    {"GET", "/map", web_public_map, 0, BODY_NONE},
    {"GET", "/sw.js", web_root_file, 0, BODY_NONE},
    {"GET", "/manifest.webmanifest", web_root_file, 0, BODY_NONE},
    {"GET", "/static/{*}", web_static, 0, BODY_NONE},
    {"GET", "/vendor/{pkg}/{*}", web_vendor, 0, BODY_NONE},
};

const size_t routes_count = sizeof routes / sizeof routes[0];
