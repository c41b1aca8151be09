/*
 * api — the JSON API's handlers, one file per resource (api_*.c). Each is
 * thin: it parses and validates the request (helpers in http.h), calls one
 * workflow action or one read model, and renders the answer. The contract of
 * every handler is http.h's: it sends exactly one response and returns the
 * status it sent.
 */
#ifndef TRYGG_API_H
#define TRYGG_API_H

struct req;

/* api_catalog.c: reference data and health */
int api_health(struct req *r);        /* GET /healthz */
int api_client_config(struct req *r); /* GET /api/v1/config */
int api_categories(struct req *r);    /* GET /api/v1/categories */
int api_walk_by_code(struct req *r);  /* GET /api/v1/walks/{code} */

/* api_areas.c */
int api_areas_list(struct req *r);   /* GET /api/v1/areas */
int api_areas_import(struct req *r); /* POST /api/v1/areas/import (GeoJSON body) */

/* api_observations.c: the resident's side */
int api_obs_create(struct req *r);   /* POST /api/v1/observations */
int api_obs_list(struct req *r);     /* GET /api/v1/observations */
int api_obs_nearby(struct req *r);   /* GET /api/v1/observations/nearby */
int api_obs_get(struct req *r);      /* GET /api/v1/observations/{id} */
int api_obs_support(struct req *r);  /* POST /api/v1/observations/{id}/support */
int api_map_clusters(struct req *r); /* GET /api/v1/map/clusters */

/* api_photos.c */
int api_photo_upload(struct req *r); /* POST /api/v1/observations/{id}/photos */
int api_photo_get(struct req *r);    /* GET /api/v1/photos/{id} */
int api_photo_thumb(struct req *r);  /* GET /api/v1/photos/{id}/thumb */

/* api_auth.c: staff sessions */
int api_login(struct req *r);  /* POST /api/v1/auth/login */
int api_logout(struct req *r); /* POST /api/v1/auth/logout */
int api_me(struct req *r);     /* GET /api/v1/auth/me */

/* api_cases.c: the workflow */
int api_cases_list(struct req *r);    /* GET /api/v1/cases */
int api_cases_bulk(struct req *r);    /* POST /api/v1/cases/bulk */
int api_case_get(struct req *r);      /* GET /api/v1/cases/{id} */
int api_case_state(struct req *r);    /* POST /api/v1/cases/{id}/state */
int api_case_assign(struct req *r);   /* POST /api/v1/cases/{id}/assign */
int api_case_priority(struct req *r); /* POST /api/v1/cases/{id}/priority */
int api_case_comment(struct req *r);  /* POST /api/v1/cases/{id}/comment */
int api_case_merge(struct req *r);    /* POST /api/v1/cases/{id}/merge */
int api_unit_updates(struct req *r);  /* POST /api/v1/units/{code}/updates (bearer token) */

/* api_admin.c: units, routing rules, the outbox */
int api_units_list(struct req *r);   /* GET /api/v1/units */
int api_units_post(struct req *r);   /* POST /api/v1/units */
int api_units_put(struct req *r);    /* PUT /api/v1/units/{id} */
int api_rules_list(struct req *r);   /* GET /api/v1/routing-rules */
int api_rules_post(struct req *r);   /* POST /api/v1/routing-rules */
int api_rules_put(struct req *r);    /* PUT /api/v1/routing-rules/{id} */
int api_rules_delete(struct req *r); /* DELETE /api/v1/routing-rules/{id} */
int api_outbox_list(struct req *r);  /* GET /api/v1/outbox */
int api_outbox_retry(struct req *r); /* POST /api/v1/outbox/{id}/retry */

/* api_users.c */
int api_users_list(struct req *r); /* GET /api/v1/users */
int api_users_post(struct req *r); /* POST /api/v1/users */
int api_users_put(struct req *r);  /* PUT /api/v1/users/{id} */

#endif
