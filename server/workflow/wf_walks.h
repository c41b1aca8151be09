/*
 * wf_walks — safety walks from plan to protocol and follow-up: planning (with
 * join code, route, groups, stops, partners), joining, perception audits, the
 * protocol items (action, responsible, priority, deadline) and the
 * responsible parties' answers, publishing the protocol to the participants,
 * and follow-up walks. Transactions follow workflow.h. The documents (QR,
 * poster, protocol PDF/CSV, iCalendar) are in wf_walkdocs.h.
 *
 * Who may do what: organisers plan walks and work only on the walks they
 * organise; admin and triage work on every walk; a unit answers the items it
 * is responsible for. Anyone with the code may join, file and audit.
 */
#ifndef TRYGG_WF_WALKS_H
#define TRYGG_WF_WALKS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "db.h"
#include "route.h"
#include "walk_store.h"
#include "workflow.h"

#define WF_WALK_TITLE_MAX_CHARS 200
#define WF_WALK_TEXT_MAX_CHARS 1000
#define WF_WALK_MAX_PARTNERS 50
#define WF_WALK_MAX_GROUPS 20
#define WF_WALK_MAX_STOPS 100
#define WF_WALK_NAME_MAX_CHARS 200

/* A route as validated at the edge (WGS 84 points, at least two). */
struct wf_route {
    struct route_point *pts; /* borrowed */
    size_t n;
};

struct wf_walk_partner {
    const char *unit_code; /* a unit, or NULL */
    const char *name;      /* a free name when unit_code is NULL */
};

struct wf_walk_group {
    const char *name;
    struct wf_route route; /* n == 0: none */
};

struct wf_walk_stop {
    double lon, lat;
    const char *note;
    int group_index; /* -1: none; else an index into the groups given */
};

/* A plan or a change. For an update, has_* says which fields were sent. */
struct wf_walk_input {
    const char *title, *area_code, *meeting_text, *meeting_held_on, *state, *lang;
    int64_t starts_at, ends_at; /* Unix seconds; 0 = not given */
    int has_meeting;
    double meeting_lon, meeting_lat;
    struct wf_route route;     /* n == 0: none */
    int expected_participants; /* -1: not given */
    int public_;               /* -1: not given */
    int64_t follow_up_of;      /* 0: none */
    const struct wf_walk_partner *partners;
    size_t n_partners;
    const struct wf_walk_group *groups;
    size_t n_groups;
    const struct wf_walk_stop *stops;
    size_t n_stops;
    int has_title, has_area, has_starts, has_ends, has_meeting_point, has_meeting_text, has_route,
        has_expected, has_public, has_partners, has_groups, has_stops, has_state,
        has_meeting_held_on, has_lang;
};

/* Plans a walk with a new join code. 0 with *id, or -1 with err. */
int wf_walk_create(struct dbc *c, const struct config *cfg, const struct wf_actor *actor,
                   const struct wf_walk_input *in, int64_t *id, struct wf_error *err);

/* Changes walk id (only the fields marked has_*). 0 or -1 with err. */
int wf_walk_update(struct dbc *c, const struct config *cfg, const struct wf_actor *actor,
                   int64_t id, const struct wf_walk_input *in, struct wf_error *err);

/* 0 when actor may work on walk id; else -1 with ERR_NOT_FOUND (or a database failure). */
int wf_walk_visible(struct dbc *c, const struct wf_actor *actor, int64_t id, struct wf_error *err);

/* The staff view of walk id with its join_url under base ("https://host"). NULL
 * with err when absent or failing. */
json_t *wf_walk_view(struct dbc *c, const char *base, int64_t id, struct wf_error *err);

/* The public view of the walk with code (any case), with area outline and, for a
 * follow-up, the earlier walk's open items as a checklist. NULL with err
 * (ERR_UNKNOWN_WALK) otherwise. *walk_id receives the id (may be NULL). */
json_t *wf_walk_public(struct dbc *c, const struct config *cfg, const char *code, int64_t *walk_id,
                       struct wf_error *err);

/* The id of the walk with code (normalized; any case): 0 with *id, or -1 with
 * err (ERR_UNKNOWN_WALK when there is none or the code is malformed). */
int wf_walk_by_code(struct dbc *c, const char *code, int64_t *id, struct wf_error *err);

/* A phone joins the walk with code: *count is the number of participants after. */
int wf_walk_join(struct dbc *c, const char *code, const char *participant_id, int64_t group,
                 const char *email, int64_t *count, int *added, struct wf_error *err);

/* A perception audit on the walk with code. 0 with *id (*repeat 1 for a
 * client_id already stored) or -1 with err. */
struct wf_audit_input {
    const char *client_id;
    double lon, lat;
    int64_t group_id, observed_at; /* 0: none / now */
    int ratings[WALK_AUDIT_PARAMS];
};
int wf_walk_audit(struct dbc *c, const struct config *cfg, const char *code,
                  const struct wf_audit_input *in, int64_t *id, int *repeat, struct wf_error *err);

/* The organiser's plan for item obs of walk id (unit_code or name for the
 * responsible party; NULLs clear). */
struct wf_item_plan {
    const char *action, *responsible_unit, *responsible_name, *deadline;
    int priority; /* 0: none */
};
int wf_walk_item_plan(struct dbc *c, const struct wf_actor *actor, int64_t walk, int64_t obs,
                      const struct wf_item_plan *p, struct wf_error *err);

/* A responsible party's answer to item obs (a unit: only for its own items). */
int wf_walk_item_answer(struct dbc *c, const struct wf_actor *actor, int64_t walk, int64_t obs,
                        const struct walk_item_answer *a, struct wf_error *err);

/* The protocol items of walk id visible to actor (a unit: its own). NULL with err. */
json_t *wf_walk_items(struct dbc *c, const struct wf_actor *actor, int64_t walk,
                      struct wf_error *err);

/* Marks the protocol ready and queues an e-mail to every participant who left
 * an address, with a link to the walk's public page. *queued: how many. */
int wf_walk_publish(struct dbc *c, const struct config *cfg, const struct wf_actor *actor,
                    int64_t walk, int *queued, struct wf_error *err);

/* 1 when s is a calendar date "YYYY-MM-DD". */
int wf_date_valid(const char *s);

/* The public join link of a code: "<base>/w/<code>" into out. */
void wf_walk_join_url(const char *base, const char *code, char *out, size_t cap);

#endif
