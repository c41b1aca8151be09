/*
 * wf_cases — the Technical committee's physical-environment workflow. Every
 * observation is a case (same id): routed to a unit on arrival, triaged,
 * assigned, worked on and closed; every change is an event in its history, in
 * the same transaction as the change. All state changes — single, bulk,
 * merge, assignment and the units' own updates — are decided by one
 * transition table (wf_cases.c). Transactions follow workflow.h.
 *
 * A unit's actor (ROLE_UNIT) only ever sees its own unit's cases: any other
 * id is ERR_NOT_FOUND, exactly as if it did not exist.
 */
#ifndef TRYGG_WF_CASES_H
#define TRYGG_WF_CASES_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "config.h"
#include "db.h"
#include "workflow.h"

#define WF_COMMENT_MAX_CHARS 4000
#define WF_BULK_MAX 200

/* 1 when state is one of the open states (new, acknowledged, assigned, in_progress). */
int wf_case_state_open(const char *state);

/*
 * The explicit state changes ("state" rows of the transition table) role may
 * make from state `from` for a case whose unit is unit_id (0: none; "assigned"
 * needs one of the organisation's own units), as a new JSON array of
 * {"to": state, "reason_required": bool, "reasons": [codes] (when required)}:
 * what a client offers, read from the one table. A read: no transaction.
 */
json_t *wf_case_allowed_transitions(struct dbc *c, const char *from, int64_t unit_id,
                                    unsigned role);

/*
 * Creates the case of a new observation INSIDE THE CALLER'S TRANSACTION (the
 * filing's): routes it by the rules, writes its first events, and queues the
 * chosen unit's notification. 0 or -1 (the caller rolls back).
 */
int wf_case_open_in_tx(struct dbc *c, const struct config *cfg, int64_t id, const char *category,
                       double lon, double lat, int64_t area_id, const char *created_at);

/* 0 when actor may see case id; else -1 with ERR_NOT_FOUND (or a database failure). */
int wf_case_visible(struct dbc *c, const struct wf_actor *actor, int64_t id, struct wf_error *err);

/* Moves case id to state `to` (with a reason for 'rejected'); comment optional. */
int wf_case_transition(struct dbc *c, const struct config *cfg, const struct wf_actor *actor,
                       int64_t id, const char *to, const char *reason, const char *comment,
                       int public_, struct wf_error *err);

/* Makes unit_id responsible: an internal unit is assigned the work, an outside
 * one is notified while the case stays acknowledged with the office. */
int wf_case_assign(struct dbc *c, const struct config *cfg, const struct wf_actor *actor,
                   int64_t id, int64_t unit_id, const char *comment, int public_,
                   struct wf_error *err);

/* Sets the priority (1..3) and with it the due date. No change, no event. */
int wf_case_priority(struct dbc *c, const struct config *cfg, const struct wf_actor *actor,
                     int64_t id, int priority, struct wf_error *err);

/* Adds a comment, public (shown to residents) or internal. */
int wf_case_comment(struct dbc *c, const struct wf_actor *actor, int64_t id, const char *comment,
                    int public_, struct wf_error *err);

/* Merges case id into case into (or into its primary, when into is itself a
 * duplicate). The duplicate's report now shows the primary's status: its
 * reporter, when following it, is told if that is a change. */
int wf_case_merge(struct dbc *c, const struct config *cfg, const struct wf_actor *actor, int64_t id,
                  int64_t into, struct wf_error *err);

/* Bulk actions: all or nothing, in one transaction. */
enum wf_bulk_action { WF_BULK_ACKNOWLEDGE, WF_BULK_ASSIGN };
int wf_cases_bulk(struct dbc *c, const struct config *cfg, const struct wf_actor *actor,
                  const int64_t *ids, size_t n, enum wf_bulk_action action, int64_t unit_id,
                  struct wf_error *err);

/*
 * A unit's own system reports back (POST /api/v1/units/{code}/updates): the
 * token is checked against the unit's stored hash (constant time), the case
 * must be the unit's, and the state change, the comment and the work-order
 * reference are written in ONE transaction. Unknown unit or wrong token:
 * ERR_UNAUTHORIZED.
 */
struct wf_unit_update {
    int64_t case_id;
    const char *state, *comment, *external_ref; /* each may be NULL */
    /* the answer to the case's walk protocol item (answer NULL: none); the
     * item must be this unit's responsibility */
    const char *walk_answer, *walk_answer_by, *walk_answer_reason, *walk_answer_passed_to;
};
int wf_unit_update(struct dbc *c, const struct config *cfg, const char *unit_code,
                   const char *token, const struct wf_unit_update *u, struct wf_error *err);

#endif
