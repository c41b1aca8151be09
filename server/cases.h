/*
 * cases — the Technical committee's physical-environment workflow. Every
 * observation is a case (same id): routed to a unit on arrival, triaged,
 * assigned, worked on and closed, with every change recorded as an event.
 */
#ifndef TRYGG_CASES_H
#define TRYGG_CASES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "db.h"

struct req;

/*
 * Creates the case for a new observation inside the caller's transaction:
 * routes it (routing_pick), writes its first events and queues the unit's
 * notification. Returns 0 or -1.
 */
int cases_on_observation_created(struct dbc *c, const struct config *cfg, int64_t observation_id);

/*
 * The public comments of a case as [{"at","comment"}], oldest first (never
 * internal notes); a duplicate's include its primary's. Returns a new
 * reference (an empty array on a database error); the caller owns it.
 */
json_t *cases_public_comments(struct dbc *c, int64_t id);

/* Outcome of a workflow change made outside HTTP (e.g. a unit's system). */
enum cases_result {
    CASES_OK = 0,
    CASES_NOT_FOUND = 1,
    CASES_CONFLICT = 2, /* not allowed from this state */
    CASES_INVALID = 3,  /* a bad value (reason, unit, ...) */
    CASES_ERROR = -1,
};

/*
 * Moves case id to state `to` on behalf of an actor with role `role` (a
 * ROLE_* bit; a unit's system acts as ROLE_UNIT for unit_id). Runs its own
 * transaction. err receives a human message on failure.
 */
enum cases_result cases_transition(struct dbc *c, const struct config *cfg, int64_t id,
                                   const char *to, const char *reason, const char *comment,
                                   int public_, unsigned role, int64_t actor_unit_id,
                                   int64_t actor_user_id, const char *actor_label, char *err,
                                   size_t errlen);

/* Adds a comment event (own transaction unless one is open). */
enum cases_result cases_add_comment(struct dbc *c, int64_t id, const char *comment, int public_,
                                    int64_t actor_user_id, const char *actor_label,
                                    const char *kind);

/* Staff API handlers. */
int cases_list(struct req *r);
int cases_get(struct req *r);
int cases_post_state(struct req *r);
int cases_assign(struct req *r);
int cases_priority(struct req *r);
int cases_comment(struct req *r);
int cases_merge(struct req *r);
int cases_bulk(struct req *r);

#endif
