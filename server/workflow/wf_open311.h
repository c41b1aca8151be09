/*
 * wf_open311 — Open311 GeoReport v2 on top of the workflow: categories as
 * services (with the unsafe rating as an attribute), requests filed through
 * wf_observation_file (contact fields become the private reporter, media_url
 * is kept as a link and never fetched), requests read back with the case's
 * open/closed status, public comments as status_notes and the routed unit as
 * agency_responsible, and the API keys that clients must send.
 */
#ifndef TRYGG_WF_OPEN311_H
#define TRYGG_WF_OPEN311_H

#include <jansson.h>
#include <stdint.h>

#include "config.h"
#include "db.h"
#include "workflow.h"

#define WF_OPEN311_WINDOW_DAYS 90 /* the spec's default and largest date range */
#define WF_OPEN311_MAX_REQUESTS 1000
#define WF_OPEN311_MAX_IDS 200
#define WF_APIKEY_BYTES 24

/* The services (one per active category), or NULL with err. */
json_t *wf_open311_services(struct dbc *c, struct wf_error *err);

/* The service definition of code (its attributes), or NULL with err (ERR_NOT_FOUND). */
json_t *wf_open311_service_definition(struct dbc *c, const char *code, struct wf_error *err);

/* 0 when key is an active API key; else -1 with ERR_FORBIDDEN. */
int wf_open311_check_key(struct dbc *c, const char *key, struct wf_error *err);

/* A POST to requests, its fields validated at the edge. Strings are borrowed. */
struct wf_open311_post {
    const char *client_id; /* from Idempotency-Key, or a fresh UUID */
    const char *service_code, *description, *media_url;
    const char *email, *name, *phone; /* the private reporter */
    double lat, lon;
    int unsafe_rating; /* attribute[unsafe_rating], 0 = not given */
};

/* Files the request. 0 with *id (*repeat for a known client_id), or -1 with err. */
int wf_open311_file(struct dbc *c, const struct config *cfg, const struct wf_open311_post *p,
                    int64_t *id, int *repeat, struct wf_error *err);

/* Requests matching f (see obs_store.h) with status_notes and absolute media
 * URLs under base. NULL with err. */
struct obs_open311_filter;
json_t *wf_open311_requests(struct dbc *c, const char *base, const struct obs_open311_filter *f,
                            struct wf_error *err);

/* A new API key for name: the key (hex) into key_out, shown once; only its hash is kept. */
int wf_apikey_new(struct dbc *c, const char *name, char key_out[2 * WF_APIKEY_BYTES + 1],
                  int64_t *id, struct wf_error *err);

/* Revokes API key id. 0 or -1 with err (ERR_NOT_FOUND). */
int wf_apikey_revoke(struct dbc *c, int64_t id, struct wf_error *err);

#endif
