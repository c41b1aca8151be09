/*
 * api — the JSON API's handlers, one file per resource (api_*.c). Each is
 * thin: it parses and validates the request (helpers in http.h), calls one
 * workflow action or one read model, and renders the answer. The contract of
 * every handler is http.h's: it sends exactly one response and returns the
 * status it sent.
 */
#ifndef TRYGG_API_H
#define TRYGG_API_H

#include <stdint.h>

struct req;

/* api_catalog.c: reference data and health */
int api_health(struct req *r);        /* GET /healthz */
int api_tile_get(struct req *r);      /* GET /tiles/{z}/{x}/{y}: the local MBTiles basemap */
int api_client_config(struct req *r); /* GET /api/v1/config */
int api_categories(struct req *r);    /* GET /api/v1/categories */

/* api_areas.c */
int api_areas_list(struct req *r);      /* GET /api/v1/areas */
int api_areas_import(struct req *r);    /* POST /api/v1/areas/import (GeoJSON body) */
int api_places_describe(struct req *r); /* GET /api/v1/places/describe?lon=&lat= */

/* api_observations.c: the resident's side */
int api_obs_create(struct req *r);            /* POST /api/v1/observations */
int api_obs_list(struct req *r);              /* GET /api/v1/observations */
int api_obs_nearby(struct req *r);            /* GET /api/v1/observations/nearby */
int api_obs_get(struct req *r);               /* GET /api/v1/observations/{id} */
int api_obs_support(struct req *r);           /* POST /api/v1/observations/{id}/support */
int api_follow_up_unsubscribe(struct req *r); /* POST /api/v1/follow-up/unsubscribe {token} */
int api_follow_up_one_click(struct req *r);   /* POST /unsubscribe?token= (RFC 8058) */
int api_map_clusters(struct req *r);          /* GET /api/v1/map/clusters */

/* POST /api/v1/walks/{id}/observations: the same as api_obs_create, filed on walk_id
 * (an organiser's paper notes); walk_id 0 = as api_obs_create. */
int api_obs_create_on_walk(struct req *r, int64_t walk_id);

/* api_walks.c: safety walks */
int api_walks_create(struct req *r);         /* POST /api/v1/walks */
int api_walks_list(struct req *r);           /* GET /api/v1/walks */
int api_walk_get(struct req *r);             /* GET /api/v1/walks/{id or code} */
int api_walk_put(struct req *r);             /* PUT /api/v1/walks/{id} */
int api_walk_qr_svg(struct req *r);          /* GET /api/v1/walks/{id}/qr.svg */
int api_walk_qr_png(struct req *r);          /* GET /api/v1/walks/{id}/qr.png */
int api_walk_poster(struct req *r);          /* GET /api/v1/walks/{id}/poster.pdf */
int api_walk_protocol_pdf(struct req *r);    /* GET /api/v1/walks/{id}/protocol.pdf */
int api_walk_protocol_csv(struct req *r);    /* GET /api/v1/walks/{id}/protocol.csv */
int api_walk_live(struct req *r);            /* GET /api/v1/walks/{id}/live */
int api_walk_items(struct req *r);           /* GET /api/v1/walks/{id}/items */
int api_walk_item_put(struct req *r);        /* PUT /api/v1/walks/{id}/items/{observation_id} */
int api_walk_item_answer(struct req *r);     /* POST .../items/{observation_id}/answer */
int api_walk_observation_add(struct req *r); /* POST /api/v1/walks/{id}/observations */
int api_walk_publish(struct req *r);         /* POST /api/v1/walks/{id}/publish */
int api_walk_join(struct req *r);            /* POST /api/v1/walks/{code}/join */
int api_walk_audit(struct req *r);           /* POST /api/v1/walks/{code}/audits */
int api_walks_ics(struct req *r);            /* GET /walks.ics */

/* api_open311.c: Open311 GeoReport v2 under /open311/v2/ (.xml or .json) */
int api_open311_get(struct req *r);     /* GET discovery, services, requests */
int api_open311_post(struct req *r);    /* POST requests (form body, api_key) */
int api_open311_service(struct req *r); /* GET services/{code} */
int api_open311_request(struct req *r); /* GET requests/{id} */
int api_open311_token(struct req *r);   /* GET tokens/{token} */

/* api_ogc.c: OGC API - Features under /ogc */
int api_ogc_landing(struct req *r);     /* GET /ogc and /ogc/ */
int api_ogc_conformance(struct req *r); /* GET /ogc/conformance */
int api_ogc_collections(struct req *r); /* GET /ogc/collections */
int api_ogc_collection(struct req *r);  /* GET /ogc/collections/{id} */
int api_ogc_items(struct req *r);       /* GET /ogc/collections/{id}/items */
int api_ogc_item(struct req *r);        /* GET /ogc/collections/{id}/items/{featureId} */

/* Exports: GET /api/v1/exports/observations.{geojson,csv,gpkg} (public, api_observations.c)
 * and /api/v1/exports/cases.{geojson,csv,gpkg} (staff, api_cases.c) */
int api_exports(struct req *r); /* routes to one of the two below */
int api_obs_export(struct req *r);
int api_cases_export(struct req *r);

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
/* moderation (wf_moderation.h) */
int api_case_visibility(struct req *r);  /* POST /api/v1/cases/{id}/visibility */
int api_case_redact(struct req *r);      /* POST /api/v1/cases/{id}/redact */
int api_case_approve(struct req *r);     /* POST /api/v1/cases/{id}/approve */
int api_photo_visibility(struct req *r); /* POST /api/v1/photos/{id}/visibility */

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
int api_keys_list(struct req *r);    /* GET /api/v1/api-keys (never the keys or hashes) */
int api_keys_revoke(struct req *r);  /* DELETE /api/v1/api-keys/{id} */

/* api_users.c */
int api_users_list(struct req *r); /* GET /api/v1/users */
int api_users_post(struct req *r); /* POST /api/v1/users */
int api_users_put(struct req *r);  /* PUT /api/v1/users/{id} */

/* api_stats.c: statistics and the situation picture (issue 11) */
int api_stats(struct req *r);          /* GET /api/v1/stats */
int api_stats_csv(struct req *r);      /* GET /api/v1/stats.csv */
int api_stats_workflow(struct req *r); /* GET /api/v1/stats/workflow */
int api_stats_hotspots(struct req *r); /* GET /api/v1/stats/hotspots */
int api_situation(struct req *r);      /* GET /api/v1/situation */
int api_situation_pdf(struct req *r);  /* GET /api/v1/situation.pdf */
int api_indicators(struct req *r);     /* GET /api/v1/indicators */

#endif
