/*
 * routes — every endpoint of trygg in one table. The dispatcher (http.c) walks
 * it in order: first matching pattern + method wins; a known path with another
 * method is a 405. roles = 0 means public; body says what the dispatcher reads.
 */
#include "api.h"
#include "http.h"
#include "web.h"

#define WALK_PLANNERS (ROLE_ORGANISER | ROLE_OFFICE)

const struct route routes[] = {
    /* method  pattern                                  handler            roles  body */
    {"GET", "/healthz", api_health, 0, BODY_NONE},
    {"GET", "/api/v1/openapi.json", web_openapi, 0, BODY_NONE},
    {"GET", "/api/v1/config", api_client_config, 0, BODY_NONE},
    {"GET", "/api/v1/categories", api_categories, 0, BODY_NONE},
    {"GET", "/api/v1/areas", api_areas_list, 0, BODY_NONE},
    {"GET", "/api/v1/places/describe", api_places_describe, 0, BODY_NONE},
    /* Walks: {key} is an id (digits: staff) or a join code (public); see api_walks.c */
    {"GET", "/api/v1/walks", api_walks_list, 0, BODY_NONE},
    {"POST", "/api/v1/walks", api_walks_create, WALK_PLANNERS, BODY_JSON},
    {"GET", "/api/v1/walks/{key}", api_walk_get, 0, BODY_NONE},
    {"PUT", "/api/v1/walks/{id}", api_walk_put, WALK_PLANNERS, BODY_JSON},
    {"GET", "/api/v1/walks/{id}/qr.svg", api_walk_qr_svg, WALK_PLANNERS, BODY_NONE},
    {"GET", "/api/v1/walks/{id}/qr.png", api_walk_qr_png, WALK_PLANNERS, BODY_NONE},
    {"GET", "/api/v1/walks/{id}/poster.pdf", api_walk_poster, WALK_PLANNERS, BODY_NONE},
    {"GET", "/api/v1/walks/{id}/protocol.pdf", api_walk_protocol_pdf, WALK_PLANNERS, BODY_NONE},
    {"GET", "/api/v1/walks/{id}/protocol.csv", api_walk_protocol_csv, WALK_PLANNERS, BODY_NONE},
    {"GET", "/api/v1/walks/{id}/live", api_walk_live, WALK_PLANNERS, BODY_NONE},
    {"GET", "/api/v1/walks/{id}/items", api_walk_items, WALK_PLANNERS | ROLE_UNIT, BODY_NONE},
    {"PUT", "/api/v1/walks/{id}/items/{obs}", api_walk_item_put, WALK_PLANNERS, BODY_JSON},
    {"POST", "/api/v1/walks/{id}/items/{obs}/answer", api_walk_item_answer, ROLE_OFFICE | ROLE_UNIT,
     BODY_JSON},
    {"POST", "/api/v1/walks/{id}/observations", api_walk_observation_add, WALK_PLANNERS, BODY_JSON},
    {"POST", "/api/v1/walks/{id}/publish", api_walk_publish, WALK_PLANNERS, BODY_NONE},
    {"POST", "/api/v1/walks/{code}/join", api_walk_join, 0, BODY_JSON},
    {"POST", "/api/v1/walks/{code}/audits", api_walk_audit, 0, BODY_JSON},
    {"POST", "/api/v1/observations", api_obs_create, 0, BODY_JSON},
    {"GET", "/api/v1/observations", api_obs_list, 0, BODY_NONE},
    {"GET", "/api/v1/observations/nearby", api_obs_nearby, 0, BODY_NONE},
    {"GET", "/api/v1/observations/{id}", api_obs_get, 0, BODY_NONE},
    {"POST", "/api/v1/observations/{id}/support", api_obs_support, 0, BODY_JSON},
    {"GET", "/api/v1/map/clusters", api_map_clusters, 0, BODY_NONE},
    {"POST", "/api/v1/follow-up/unsubscribe", api_follow_up_unsubscribe, 0, BODY_JSON},
    {"GET", "/api/v1/exports/{file}", api_exports, 0, BODY_NONE},
    {"POST", "/api/v1/observations/{id}/photos", api_photo_upload, 0, BODY_RAW},
    {"GET", "/api/v1/photos/{id}", api_photo_get, 0, BODY_NONE},
    {"GET", "/api/v1/photos/{id}/thumb", api_photo_thumb, 0, BODY_NONE},

    /* Open311 GeoReport v2: {doc} is name.xml or name.json */
    {"GET", "/open311/v2/{doc}", api_open311_get, 0, BODY_NONE},
    {"POST", "/open311/v2/{doc}", api_open311_post, 0, BODY_FORM},
    {"GET", "/open311/v2/services/{doc}", api_open311_service, 0, BODY_NONE},
    {"GET", "/open311/v2/requests/{doc}", api_open311_request, 0, BODY_NONE},
    {"GET", "/open311/v2/tokens/{doc}", api_open311_token, 0, BODY_NONE},

    /* OGC API - Features, Part 1 Core */
    {"GET", "/ogc", api_ogc_landing, 0, BODY_NONE},
    {"GET", "/ogc/", api_ogc_landing, 0, BODY_NONE},
    {"GET", "/ogc/conformance", api_ogc_conformance, 0, BODY_NONE},
    {"GET", "/ogc/collections", api_ogc_collections, 0, BODY_NONE},
    {"GET", "/ogc/collections/{id}", api_ogc_collection, 0, BODY_NONE},
    {"GET", "/ogc/collections/{id}/items", api_ogc_items, 0, BODY_NONE},
    {"GET", "/ogc/collections/{id}/items/{fid}", api_ogc_item, 0, BODY_NONE},

    /* Staff: sessions */
    {"POST", "/api/v1/auth/login", api_login, 0, BODY_JSON},
    {"POST", "/api/v1/auth/logout", api_logout, ROLE_ANY_STAFF, BODY_NONE},
    {"GET", "/api/v1/auth/me", api_me, ROLE_ANY_STAFF, BODY_NONE},

    /* Staff: the workflow (unit handlers see only their unit's cases) */
    {"GET", "/api/v1/cases", api_cases_list, ROLE_CASE_WORK, BODY_NONE},
    {"POST", "/api/v1/cases/bulk", api_cases_bulk, ROLE_OFFICE, BODY_JSON},
    {"GET", "/api/v1/cases/{id}", api_case_get, ROLE_CASE_WORK, BODY_NONE},
    {"POST", "/api/v1/cases/{id}/state", api_case_state, ROLE_CASE_WORK, BODY_JSON},
    {"POST", "/api/v1/cases/{id}/assign", api_case_assign, ROLE_OFFICE, BODY_JSON},
    {"POST", "/api/v1/cases/{id}/priority", api_case_priority, ROLE_OFFICE, BODY_JSON},
    {"POST", "/api/v1/cases/{id}/comment", api_case_comment, ROLE_CASE_WORK, BODY_JSON},
    {"POST", "/api/v1/cases/{id}/merge", api_case_merge, ROLE_OFFICE, BODY_JSON},
    /* Staff: moderation of what residents type and photograph */
    {"POST", "/api/v1/cases/{id}/visibility", api_case_visibility, ROLE_OFFICE, BODY_JSON},
    {"POST", "/api/v1/cases/{id}/redact", api_case_redact, ROLE_OFFICE, BODY_JSON},
    {"POST", "/api/v1/cases/{id}/approve", api_case_approve, ROLE_OFFICE, BODY_NONE},
    {"POST", "/api/v1/photos/{id}/visibility", api_photo_visibility, ROLE_OFFICE, BODY_JSON},

    /* Staff: administration */
    {"GET", "/api/v1/units", api_units_list, ROLE_ANY_STAFF, BODY_NONE},
    {"POST", "/api/v1/units", api_units_post, ROLE_ADMIN, BODY_JSON},
    {"PUT", "/api/v1/units/{id}", api_units_put, ROLE_ADMIN, BODY_JSON},
    {"POST", "/api/v1/units/{code}/updates", api_unit_updates, 0, BODY_JSON},
    {"GET", "/api/v1/routing-rules", api_rules_list, ROLE_OFFICE, BODY_NONE},
    {"POST", "/api/v1/routing-rules", api_rules_post, ROLE_ADMIN, BODY_JSON},
    {"PUT", "/api/v1/routing-rules/{id}", api_rules_put, ROLE_ADMIN, BODY_JSON},
    {"DELETE", "/api/v1/routing-rules/{id}", api_rules_delete, ROLE_ADMIN, BODY_NONE},
    {"POST", "/api/v1/areas/import", api_areas_import, ROLE_ADMIN, BODY_RAW},
    {"GET", "/api/v1/users", api_users_list, ROLE_ADMIN, BODY_NONE},
    {"POST", "/api/v1/users", api_users_post, ROLE_ADMIN, BODY_JSON},
    {"PUT", "/api/v1/users/{id}", api_users_put, ROLE_ADMIN, BODY_JSON},
    {"GET", "/api/v1/api-keys", api_keys_list, ROLE_ADMIN, BODY_NONE},
    {"DELETE", "/api/v1/api-keys/{id}", api_keys_revoke, ROLE_ADMIN, BODY_NONE},
    {"GET", "/api/v1/outbox", api_outbox_list, ROLE_OFFICE, BODY_NONE},
    {"POST", "/api/v1/outbox/{id}/retry", api_outbox_retry, ROLE_OFFICE, BODY_NONE},

    /* Statistics and the situation picture (public answers suppress small counts) */
    {"GET", "/api/v1/stats", api_stats, 0, BODY_NONE},
    {"GET", "/api/v1/stats.csv", api_stats_csv, 0, BODY_NONE},
    {"GET", "/api/v1/stats/workflow", api_stats_workflow, 0, BODY_NONE},
    {"GET", "/api/v1/stats/hotspots", api_stats_hotspots, 0, BODY_NONE},
    {"GET", "/api/v1/indicators", api_indicators, 0, BODY_NONE},
    {"GET", "/api/v1/situation", api_situation, ROLE_OFFICE | ROLE_ORGANISER, BODY_NONE},
    {"GET", "/api/v1/situation.pdf", api_situation_pdf, ROLE_OFFICE | ROLE_ORGANISER, BODY_NONE},

    /* Pages */
    {"GET", "/", web_field_app, 0, BODY_NONE},
    {"GET", "/w/{code}", web_field_app, 0, BODY_NONE},
    {"GET", "/map", web_public_map, 0, BODY_NONE},
    {"GET", "/r/{id}", web_report, 0, BODY_NONE},
    {"GET", "/unsubscribe", web_unsubscribe, 0, BODY_NONE},
    {"POST", "/unsubscribe", api_follow_up_one_click, 0, BODY_NONE},
    {"GET", "/tiles/{z}/{x}/{y}", api_tile_get, 0, BODY_NONE},
    {"GET", "/walks", web_walks, 0, BODY_NONE},
    {"GET", "/stats", web_stats, 0, BODY_NONE},
    {"GET", "/walks.ics", api_walks_ics, 0, BODY_NONE},
    {"GET", "/walks/{code}", web_walks, 0, BODY_NONE},
    {"GET", "/staff", web_staff, 0, BODY_NONE},
    {"GET", "/sw.js", web_root_file, 0, BODY_NONE},
    {"GET", "/manifest.webmanifest", web_root_file, 0, BODY_NONE},
    {"GET", "/static/{*}", web_static, 0, BODY_NONE},
    {"GET", "/vendor/{pkg}/{*}", web_vendor, 0, BODY_NONE},
};

const size_t routes_count = sizeof routes / sizeof routes[0];
