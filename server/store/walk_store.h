/*
 * walk_store — every SQL statement about walks and their partners, groups,
 * planned stops, participants, perception audits and protocol items. Writes
 * only those tables; its read models join areas, units, users, observations,
 * cases and photos read-only. Never begins or commits (workflow.h).
 *
 * Privacy: participants' e-mail addresses are written here and read only by
 * walk_store_participant_emails (the publish workflow); no read model has them.
 */
#ifndef TRYGG_WALK_STORE_H
#define TRYGG_WALK_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define WALK_CODE_MAX 16
#define WALK_STATE_MAX 16
#define WALK_AUDIT_PARAMS 9

/* The nine parameters of the perception audit, in column order. */
extern const char *const walk_audit_params[WALK_AUDIT_PARAMS];

/* A walk's own row; strings are borrowed on write, copied (malloc'd) on read. */
struct walk_row {
    int64_t id;
    char code[WALK_CODE_MAX];
    char *title, *starts_at, *ends_at, *meeting_text, *meeting_held_on, *protocol_published_at;
    char *route_geojson; /* LineString GeoJSON, or NULL */
    int64_t area_id;     /* 0 = none */
    int has_meeting;
    double meeting_lon, meeting_lat;
    int expected_participants; /* -1 = not given */
    int public_;
    char state[WALK_STATE_MAX];
    int64_t organiser_user_id, follow_up_of; /* 0 = none */
    char lang[4];
};

/* Frees the strings of a row read by walk_store_load. */
void walk_store_row_free(struct walk_row *w);

/* Inserts w (id ignored). 0 with *id, 1 when w->code is taken, -1 on error. */
int walk_store_insert(struct dbc *c, const struct walk_row *w, int64_t *id);

/* Writes every field of w over walk w->id. 0 or -1. */
int walk_store_update(struct dbc *c, const struct walk_row *w);

/* Loads walk id into *w (caller frees with walk_store_row_free): 1, 0 absent, -1 error. */
int walk_store_load(struct dbc *c, int64_t id, struct walk_row *w);

/* The id of the walk with the (normalized, upper-case) code: id, 0 none, -1 error. */
int64_t walk_store_id_by_code(struct dbc *c, const char *code);

/* Replaces the partners of walk id with n entries (unit_id 0 = a free name). 0 or -1. */
int walk_store_set_partners(struct dbc *c, int64_t walk, const int64_t *unit_ids,
                            const char *const *names, size_t n);

/* Replaces the groups (name and optional LineString GeoJSON) of walk id. The new
 * group ids, in order, go to ids_out (may be NULL). 0 or -1. */
int walk_store_set_groups(struct dbc *c, int64_t walk, const char *const *names,
                          const char *const *routes, size_t n, int64_t *ids_out);

/* Replaces the planned stops. group_ids[i] 0 = none. 0 or -1. */
int walk_store_set_stops(struct dbc *c, int64_t walk, const double *lons, const double *lats,
                         const char *const *notes, const int64_t *group_ids, size_t n);

/* Copies the groups (with routes) of walk from into walk to. 0 or -1. */
int walk_store_copy_groups(struct dbc *c, int64_t from, int64_t to);

/* 1 when group id belongs to walk, 0 when not, -1 on error. */
int walk_store_group_of(struct dbc *c, int64_t walk, int64_t group);

/* Counts a phone once: *added 1 when new. email (or NULL) and group (0) are
 * updated on a repeat. 0 or -1. */
int walk_store_join(struct dbc *c, int64_t walk, const char *participant_id, int64_t group,
                    const char *email, int *added);

/* The e-mail addresses participants of walk left, as a JSON array of strings. */
json_t *walk_store_participant_emails(struct dbc *c, int64_t walk);

/* GDPR: the walks a participant joined leaving e-mail address email (compared
 * without case or surrounding spaces): [{"walk_id","code","title","joined_at",
 * "email"}], NULL on error. */
json_t *walk_store_participations_of_email(struct dbc *c, const char *email);

/* GDPR: forgets e-mail address email on every walk; *n: how many participations. 0 or -1. */
int walk_store_erase_email(struct dbc *c, const char *email, int *n);

/* A perception audit. */
struct walk_audit_row {
    int64_t walk_id, group_id;
    const char *client_id, *observed_at, *created_at;
    double lon, lat, e, n;
    int ratings[WALK_AUDIT_PARAMS];
};

/* Inserts an audit: 0 with *id, 1 when client_id is already stored (its id in *id), -1 error. */
int walk_store_insert_audit(struct dbc *c, const struct walk_audit_row *a, int64_t *id);

/* The audit with client_id as JSON, or NULL. */
json_t *walk_store_audit_json(struct dbc *c, int64_t id);

/* Makes observation obs item number next of walk (numbers in filing order). 0 or -1. */
int walk_store_add_item(struct dbc *c, int64_t walk, int64_t obs, int64_t group);

/* The walk id of observation obs's item, 0 when it has none, -1 on error. */
int64_t walk_store_item_walk(struct dbc *c, int64_t obs);

/* The protocol fields an organiser edits (NULL / 0 = cleared). */
struct walk_item_plan {
    const char *action, *responsible_name, *deadline;
    int64_t responsible_unit_id;
    int priority;
};

/* Writes the plan of item obs in walk. 1 done, 0 no such item, -1 error. */
int walk_store_plan_item(struct dbc *c, int64_t walk, int64_t obs, const struct walk_item_plan *p);

/* A responsible party's answer. */
struct walk_item_answer {
    const char *answer, *by, *reason, *passed_to, *comment, *actor;
};

/* Writes the answer of item obs in walk. 1 done, 0 no such item, -1 error. */
int walk_store_answer_item(struct dbc *c, int64_t walk, int64_t obs,
                           const struct walk_item_answer *a);

/* The responsible unit of item obs (0 none), or -1 when there is no such item. */
int64_t walk_store_item_unit(struct dbc *c, int64_t walk, int64_t obs);

/* Marks the protocol published now. 0 or -1. */
int walk_store_mark_published(struct dbc *c, int64_t walk);

/* ---- read models -------------------------------------------------------- */

/* The staff view of walk id (without join_url: the caller adds it), NULL when
 * absent (*failed set on error). */
json_t *walk_store_json(struct dbc *c, int64_t id, int *failed);

/* Filters of the walk list. NULL / 0 = any. */
struct walk_filter {
    const char *area_code, *state, *from, *to;
    int64_t organiser_user_id;   /* only this organiser's walks */
    int64_t responsible_unit_id; /* only walks with an item this unit answers for */
    int public_only;
    int limit;
};

/* Walks matching f, soonest first, as staff views; NULL on error. */
json_t *walk_store_list(struct dbc *c, const struct walk_filter *f);

/*
 * The protocol items of walk id, in number order, with the observation, its
 * case state, responsible party and answer; unit_id != 0 keeps only the items
 * that unit answers for. "description" is the text as filed (staff); "public"
 * (false: hidden by moderation) and "public_description" (the redacted or
 * approved text, or null) are what a public view may show. NULL on error.
 */
json_t *walk_store_items(struct dbc *c, int64_t walk, int64_t unit_id);

/* The audits of walk id with id > after, oldest first. NULL on error. */
json_t *walk_store_audits(struct dbc *c, int64_t walk, int64_t after);

/* Mean and count per audit parameter of walk id: {"lighting":{"mean","count"},...}. */
json_t *walk_store_audit_summary(struct dbc *c, int64_t walk);

/* Observation ids of walk id greater than after, ascending (the live feed). */
json_t *walk_store_observation_ids(struct dbc *c, int64_t walk, int64_t after);

struct ogc_query;

/* Public walks matching q (bbox on the route or meeting point, from/to on the start,
 * status = walk state, area code, feature_id) as GeoJSON Features with the route
 * (or else the meeting point) as geometry; the total into *matched. NULL on error. */
json_t *walk_store_ogc_items(struct dbc *c, const struct ogc_query *q, int64_t *matched);

/* The area's outline (GeoJSON geometry text, malloc'd) of walk id, or NULL. */
char *walk_store_area_outline(struct dbc *c, int64_t walk);

#endif
