/*
 * routes — every endpoint of trygg in one table. The dispatcher (http.c) walks
 * it in order: first matching pattern + method wins; a known path with another
 * method is a 405. roles = 0 means public; body says what the dispatcher reads.
 */
#include "areas.h"
#include "auth.h"
#include "cases.h"
#include "catalog.h"
#include "http.h"
#include "map.h"
#include "nearby.h"
#include "observations.h"
#include "outbox.h"
#include "photos.h"
#include "routing.h"
#include "units.h"
#include "users.h"
#include "web.h"

#define STAFF_TRIAGE (ROLE_ADMIN | ROLE_TRIAGE)
#define STAFF_CASES (ROLE_ADMIN | ROLE_TRIAGE | ROLE_UNIT)

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

    /* Staff: sessions */
    {"POST", "/api/v1/auth/login", auth_login, 0, BODY_JSON},
    {"POST", "/api/v1/auth/logout", auth_logout, ROLE_ANY_STAFF, BODY_NONE},
    {"GET", "/api/v1/auth/me", auth_me, ROLE_ANY_STAFF, BODY_NONE},

    /* Staff: the workflow (unit handlers see only their unit's cases) */
    {"GET", "/api/v1/cases", cases_list, STAFF_CASES, BODY_NONE},
    {"POST", "/api/v1/cases/bulk", cases_bulk, STAFF_TRIAGE, BODY_JSON},
    {"GET", "/api/v1/cases/{id}", cases_get, STAFF_CASES, BODY_NONE},
    {"POST", "/api/v1/cases/{id}/state", cases_post_state, STAFF_CASES, BODY_JSON},
    {"POST", "/api/v1/cases/{id}/assign", cases_assign, STAFF_TRIAGE, BODY_JSON},
    {"POST", "/api/v1/cases/{id}/priority", cases_priority, STAFF_TRIAGE, BODY_JSON},
    {"POST", "/api/v1/cases/{id}/comment", cases_comment, STAFF_CASES, BODY_JSON},
    {"POST", "/api/v1/cases/{id}/merge", cases_merge, STAFF_TRIAGE, BODY_JSON},

    /* Staff: administration */
    {"GET", "/api/v1/units", units_list, ROLE_ANY_STAFF, BODY_NONE},
    {"POST", "/api/v1/units", units_post, ROLE_ADMIN, BODY_JSON},
    {"PUT", "/api/v1/units/{id}", units_put, ROLE_ADMIN, BODY_JSON},
    {"POST", "/api/v1/units/{code}/updates", outbox_inbound_update, 0, BODY_JSON},
    {"GET", "/api/v1/routing-rules", routing_rules_list, STAFF_TRIAGE, BODY_NONE},
    {"POST", "/api/v1/routing-rules", routing_rules_post, ROLE_ADMIN, BODY_JSON},
    {"PUT", "/api/v1/routing-rules/{id}", routing_rules_put, ROLE_ADMIN, BODY_JSON},
    {"DELETE", "/api/v1/routing-rules/{id}", routing_rules_delete, ROLE_ADMIN, BODY_NONE},
    {"POST", "/api/v1/areas/import", areas_import_http, ROLE_ADMIN, BODY_RAW},
    {"GET", "/api/v1/users", users_list, ROLE_ADMIN, BODY_NONE},
    {"POST", "/api/v1/users", users_post, ROLE_ADMIN, BODY_JSON},
    {"PUT", "/api/v1/users/{id}", users_put, ROLE_ADMIN, BODY_JSON},
    {"GET", "/api/v1/outbox", outbox_list, STAFF_TRIAGE, BODY_NONE},
    {"POST", "/api/v1/outbox/{id}/retry", outbox_retry, STAFF_TRIAGE, BODY_NONE},

    /* Pages */
    {"GET", "/", web_field_app, 0, BODY_NONE},
    {"GET", "/w/{code}", web_field_app, 0, BODY_NONE},
    {"GET", "/map", web_public_map, 0, BODY_NONE},
    {"GET", "/staff", web_staff, 0, BODY_NONE},
    {"GET", "/sw.js", web_root_file, 0, BODY_NONE},
    {"GET", "/manifest.webmanifest", web_root_file, 0, BODY_NONE},
    {"GET", "/static/{*}", web_static, 0, BODY_NONE},
    {"GET", "/vendor/{pkg}/{*}", web_vendor, 0, BODY_NONE},
};

const size_t routes_count = sizeof routes / sizeof routes[0];
