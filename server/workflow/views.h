/*
 * views — the read models that combine stores: an observation's public view
 * (row + photos + public comments), the public list, "nearby", the map's
 * clusters, and a case's staff view. Each is a bounded number of statements
 * whatever the number of rows (no query per row). Read-only: no transaction.
 */
#ifndef TRYGG_VIEWS_H
#define TRYGG_VIEWS_H

#include <jansson.h>
#include <stdint.h>

#include "config.h"
#include "db.h"
#include "membuf.h"
#include "obs_store.h"

/* The public object of observation id (never contact details); NULL when there
 * is none or it is hidden, with *failed = 1 when the database failed. The text
 * and photos are what moderation lets the public see. Caller owns it. */
json_t *views_observation(struct dbc *c, int64_t id, int *failed);

/* The staff object of observation id, hidden or not: the description as filed,
 * "moderation" {"public","approved","redacted_description","public_description"}
 * and every photo with "public" and "approved". NULL as views_observation. */
json_t *views_observation_staff(struct dbc *c, int64_t id, int *failed);

/* What a unit's own system is sent about observation id (delivery.c), hidden or
 * not: the staff object with the redacted text in place of the description when
 * there is one, no hidden photo, no moderation details. NULL as views_observation. */
json_t *views_observation_for_unit(struct dbc *c, int64_t id, int *failed);

/* The public objects matching f, newest first, with photos and comments
 * (three statements in all). NULL on error. */
json_t *views_observation_list(struct dbc *c, const struct obs_filter *f);

/*
 * The public list for f written as JSON text into out: the array of GeoJSON
 * Features ({"type","id","geometry":Point,"properties":{... as
 * views_observation_list's objects without lon and lat, "photos",
 * "public_comments"}}), newest first; *count of them, *last_id the last one's
 * (0 when none). Three statements. 0, or -1 on error.
 */
int views_observation_list_text(struct dbc *c, const struct obs_filter *f, struct membuf *out,
                                int64_t *count, int64_t *last_id);

/* Open reports near (lon, lat) within radius_m, truly nearest first, at most
 * limit, each with "distance_m". NULL on error. */
json_t *views_nearby(struct dbc *c, double lon, double lat, double radius_m, const char *category,
                     int limit);

/* How far a named place may be from a pin and still describe it, in metres. */
#define VIEWS_PLACE_MAX_DISTANCE_M 3000.0

/*
 * Where (lon, lat) is, in words a resident recognises: {"lon", "lat",
 * "sweref99tm": {"e", "n"}, "area": {"code", "name"} or null (outside every
 * area), "place": {"name", "lon", "lat", "distance_m", "bearing_deg",
 * "direction"} or null (no named place within VIEWS_PLACE_MAX_DISTANCE_M)}.
 * distance_m and bearing_deg are measured on the SWEREF 99 TM grid from the
 * place to the point; direction is the eight-point compass code of the
 * bearing ("ne": the point lies north-east of the place). NULL on error.
 */
json_t *views_place_describe(struct dbc *c, double lon, double lat);

/*
 * The map's clusters for f at zoom as JSON text: {"zoom","total","truncated",
 * "clusters":[{"lon","lat","count","categories":{code:n},"id"?,"status"?}]}
 * ("id" and "status" for a cluster of one). *text (malloc'd, NUL-terminated, *len
 * bytes) is the caller's. 0, or -1 on error.
 */
int views_clusters_text(struct dbc *c, const struct obs_map_filter *f, int zoom, char **text,
                        size_t *len);

/* The same answer as a JSON value (for tests and the benchmark). NULL on error. */
json_t *views_clusters(struct dbc *c, const struct obs_map_filter *f, int zoom);

/* The same answer computed from every point (the way views_clusters answered
 * before map_cells): the reference the unit tests and the benchmark compare with. */
json_t *views_clusters_scan(struct dbc *c, const struct obs_map_filter *f, int zoom);

/*
 * The staff view of case id: summary, observation, reporter (staff only),
 * history, likely duplicates and merged cases. unit_scope != 0 limits likely
 * duplicates to that unit's cases. NULL when absent (*failed = 1 on error).
 */
json_t *views_case(struct dbc *c, const struct config *cfg, int64_t id, int64_t unit_scope,
                   int *failed);

#endif
