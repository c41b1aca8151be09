/*
 * obs_store — every SQL statement about the observations, reporters and
 * supports tables. Writes only those tables; its read models may join areas,
 * walks, units and cases read-only. Never begins or commits: the workflow owns
 * transactions (workflow.h).
 *
 * Privacy: reporters (contact details) are written here and read only by
 * obs_store_reporter_json, which only the staff case view uses, and by the
 * GDPR functions at the end (export and erasure of one reporter). Client
 * addresses are never stored: "me too" keeps their keyed hash (address_key,
 * under the secrets table's key, which only obs_store reads).
 *
 * Moderation: the public read models leave out hidden observations
 * (observations.public = 0) and show the redacted text, or no text before
 * approval; the staff ones show everything and what moderation did.
 */
#ifndef TRYGG_OBS_STORE_H
#define TRYGG_OBS_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* The case states in which a report is still open (new .. in_progress), as an
 * SQL list; the one definition of "open" that every query uses. */
#define OBS_OPEN_STATES_SQL "('new', 'acknowledged', 'assigned', 'in_progress')"

/* A new observation row, every value already validated and computed. */
struct obs_row {
    const char *client_id, *category, *description; /* description may be NULL */
    double lon, lat, e, n, sun_elevation;
    double accuracy_m; /* < 0: unknown */
    int unsafe_rating; /* 0: not given */
    const char *observed_at, *created_at, *light;
    int64_t walk_id, area_id; /* 0: none */
    const char *media_url;    /* a link an Open311 client sent (never fetched), or NULL */
    int approved;             /* 1: the text is public at once (post-moderation) */
};

/*
 * Inserts o (and its WGS 84 and SWEREF 99 TM points). Returns 0 with *id, 1
 * when another observation already has o->client_id (nothing inserted), -1 on
 * error (reason on the handle).
 */
int obs_store_insert(struct dbc *c, const struct obs_row *o, int64_t *id);

/* Stores the reporter's contact details for observation id, with the wish to
 * hear about status changes by e-mail (follow_up 0/1) and the language the
 * report was filed in (lang "sv" or "en"; NULL: "sv"). 0 or -1. */
int obs_store_insert_reporter(struct dbc *c, int64_t id, const char *name, const char *email,
                              const char *phone, int follow_up, const char *lang);

/* The id of the observation filed with client_id (the workflow lower-cases it),
 * 0 when none, -1 on error. */
int64_t obs_store_id_by_client(struct dbc *c, const char *client_id);

/* 1 when observation id exists, 0 when not, -1 on error. */
int obs_store_exists(struct dbc *c, int64_t id);

/* Sets the public status of observation id and of every duplicate merged into
 * it (they follow their primary). 0 or -1. */
int obs_store_set_status(struct dbc *c, int64_t id, const char *status);

/* Adds "me too" from client_id to observation id, remembering address_key (the
 * keyed hash of the client's address, may be NULL): *added is 1 when new, 0 when
 * that phone had already supported it. 0 or -1. */
int obs_store_add_support(struct dbc *c, int64_t id, const char *client_id, const char *address_key,
                          int *added);

/* 1 when client_id supports observation id already, 0 when not, -1 on error. */
int obs_store_has_support(struct dbc *c, int64_t id, const char *client_id);

/* How many supports of observation id came from address_key, or -1 on error. */
int64_t obs_store_supports_from(struct dbc *c, int64_t id, const char *address_key);

/* The database's secret key for hashing client addresses (hex) into out. 0 or -1. */
int obs_store_address_key(struct dbc *c, char *out, size_t cap);

/* What moderation has done to an observation. */
struct obs_moderation {
    int public_;  /* 0: hidden from the public */
    int approved; /* the text is approved (always, under post-moderation) */
    int has_text; /* it has a description */
    int redacted; /* the public sees a redacted text */
};

/* Loads observation id's moderation state: 1 found, 0 not, -1 on error. */
int obs_store_moderation(struct dbc *c, int64_t id, struct obs_moderation *out);

/* Hides (0) or shows (1) observation id to the public. 0 or -1. */
int obs_store_set_public(struct dbc *c, int64_t id, int public_);

/* Sets the text the public sees instead of the description ("" = none) and
 * approves the text; text NULL removes the redaction. 0 or -1. */
int obs_store_redact(struct dbc *c, int64_t id, const char *text);

/* Approves observation id's text; *changed 1 when it was not approved yet. 0 or -1. */
int obs_store_approve(struct dbc *c, int64_t id, int *changed);

/* How many phones support observation id, or -1 on error. */
int64_t obs_store_support_count(struct dbc *c, int64_t id);

/* Filters of the public list (GET /api/v1/observations). */
struct obs_filter {
    int has_bbox;
    double bbox[4];            /* minlon, minlat, maxlon, maxlat */
    const char *categories;    /* JSON array text, or NULL */
    const char *since, *until; /* RFC 3339, or NULL */
    int64_t before_id;         /* keyset cursor: ids below this; 0 = from the newest */
    int64_t limit;
    int walk_rows; /* with a bbox: how many of the newest public ids (below the cursor)
                      are walked for a page of 50 (a longer page: as many more) before
                      the bbox's R*Tree candidates are taken instead (list_walk_rows) */
};

/*
 * The public rows (newest first) matching f as JSON objects WITHOUT photos and
 * public comments (the workflow's views add those in one query each). Returns
 * a new array, or NULL on error.
 */
json_t *obs_store_public_list(struct dbc *c, const struct obs_filter *f);

/* One row of obs_store_public_list_text: its id and position, and its public
 * properties as JSON text without lon, lat, photos and comments and without the
 * closing brace (len bytes, valid during the call). */
typedef void (*obs_text_row_fn)(void *ctx, int64_t id, double lon, double lat, const char *props,
                                size_t len);

#define OBS_ROW_TEXT_MAX (1024 * 1024) /* one row's properties as text, at most */

/* The rows of obs_store_public_list through fn, written as JSON text directly.
 * 0, or -1 on error. */
int obs_store_public_list_text(struct dbc *c, const struct obs_filter *f, obs_text_row_fn fn,
                               void *ctx);

/* The public row of observation id (as above), NULL when absent, hidden or on
 * error (*failed set to 1 on error). */
json_t *obs_store_public_one(struct dbc *c, int64_t id, int *failed);

/* The staff row of observation id, hidden or not: "description" as filed and
 * "moderation": {"public","approved","redacted_description","public_description"}.
 * NULL as obs_store_public_one. */
json_t *obs_store_staff_one(struct dbc *c, int64_t id, int *failed);

/*
 * Open observations within radius_m metres of (e, n) in SWEREF 99 TM, of
 * category (NULL = any), truly nearest first, at most limit: the exact circle
 * and the order are computed in SQL, so no nearer report is ever cut. Returns
 * a JSON array of public rows with "distance_m", or NULL on error.
 */
json_t *obs_store_nearby(struct dbc *c, double e, double n, double radius_m, const char *category,
                         int limit);

/* Called for each point of obs_store_each_point. */
typedef void (*obs_point_fn)(void *ctx, int64_t id, double lon, double lat, const char *category,
                             const char *status);

/* Map filters: bbox required; the rest JSON array texts or NULL. */
struct obs_map_filter {
    double bbox[4];
    const char *categories, *statuses, *areas, *since, *until;
};

/* Calls fn for every observation matching f. 0 or -1. */
int obs_store_each_point(struct dbc *c, const struct obs_map_filter *f, obs_point_fn fn, void *ctx);

/* Filters of the Open311 request list. Strings are JSON array texts or values; NULL = any. */
struct obs_open311_filter {
    const char *ids, *service_codes, *start, *end;
    int status; /* 0 any, 1 open, 2 closed */
    int limit;
};

/*
 * Service requests in Open311 GeoReport v2's shape (without status_notes),
 * newest first: {"service_request_id","status","service_name","service_code",
 * "description","agency_responsible","service_notice","requested_datetime",
 * "updated_datetime","expected_datetime","address","address_id","zipcode",
 * "lat","long","media_url","id"}. NULL on error.
 */
json_t *obs_store_open311(struct dbc *c, const struct obs_open311_filter *f);

struct ogc_query;

/* Calls row(ctx, feature) for every public observation matching q (limit and
 * offset ignored), one at a time (the feature is freed after the call). 0 or -1. */
int obs_store_ogc_each(struct dbc *c, const struct ogc_query *q,
                       int (*row)(void *ctx, json_t *feature), void *ctx);

/* Public observations matching q as GeoJSON Features (never contact details), and
 * how many match in all into *matched. NULL on error. */
json_t *obs_store_ogc_items(struct dbc *c, const struct ogc_query *q, int64_t *matched);

/* The contact details of observation id's reporter as {"name","email","phone",
 * "follow_up","lang"} (follow_up: e-mailed at status changes, in lang), or JSON
 * null. Staff views only. */
json_t *obs_store_reporter_json(struct dbc *c, int64_t id);

/* ---- GDPR: one reporter's contact details ----------------------------------- */

/* Every report whose reporter left the e-mail address email (compared without
 * case or surrounding spaces): [{"id","created_at","observed_at","category",
 * "description","state","reporter":{"name","email","phone"}}]; NULL on error. */
json_t *obs_store_reports_of_email(struct dbc *c, const char *email);

/* At most max ids of observations whose reporter left email into ids; the count or -1. */
int obs_store_reporters_by_email(struct dbc *c, const char *email, int64_t *ids, int max);

/* At most max ids of observations that still hold contact details although their
 * case closed (resolved, rejected, duplicate) at closed_before (RFC 3339) or
 * earlier; the count or -1. */
int obs_store_reporters_expired(struct dbc *c, const char *closed_before, int64_t *ids, int max);

/* Erases every contact detail of observation id's reporter, and with them the
 * e-mail follow-up and its unsubscribe tokens. 0 or -1. */
int obs_store_reporter_erase(struct dbc *c, int64_t id);

/* ---- e-mail follow-up (private: never in a public answer) ---- */

/* The reporters who asked to follow case_id's report or one of its duplicates'
 * (which show case_id's status) and whose report does not show status yet:
 * [{"id","email","lang"}] (id: the subscriber's observation). Call before the
 * status is written. NULL on error. */
json_t *obs_store_follow_ups(struct dbc *c, int64_t case_id, const char *status);

/* Adds an unsubscribe token (its SHA-256 hex) for observation id's follow-up:
 * 1 added, 0 when the reporter no longer follows it (nothing added), -1. */
int obs_store_follow_up_token_add(struct dbc *c, int64_t id, const char *token_hash);

/* The observation whose follow-up token_hash belongs to: its id, 0 for none, -1. */
int64_t obs_store_follow_up_by_token(struct dbc *c, const char *token_hash);

/* Ends observation id's follow-up: the wish goes and every token with it. 0 or -1. */
int obs_store_follow_up_stop(struct dbc *c, int64_t id);

#endif
