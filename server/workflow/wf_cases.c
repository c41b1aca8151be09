/*
 * wf_cases — see wf_cases.h.
 *
 * Invariants kept here and nowhere else:
 * - observations.status always equals cases.state, except for a duplicate,
 *   whose observation shows its primary's state (it "follows" the primary);
 * - every change writes a case_events row in the same transaction;
 * - a case getting a (new) unit queues that unit's notification in the same
 *   transaction (delivery.c), so a crash never loses or half-sends it;
 * - every change of an observation's public status (set_public_status, the
 *   only writer) queues the follow-up e-mails of the reporters who asked for
 *   them, in the same transaction.
 */
#include "wf_cases.h"
#include "case_store.h"
#include "crypto.h"
#include "delivery.h"
#include "obs_store.h"
#include "rule_store.h"
#include "stats_store.h"
#include "unit_store.h"
#include "walk_store.h"

#include <stdio.h>
#include <string.h>

#define UNIT_TOKEN_HEX 64

/*
 * THE transition table: for each action, from which state to which, and who
 * may make it. Everything not here is a 409 invalid_transition.
 * - "state":  an explicit state change (staff, or a unit's own system as ROLE_UNIT);
 * - "assign": giving an open case a unit (internal unit -> assigned, outside
 *             unit -> acknowledged: notified, not assigned);
 * - "merge":  an open case becomes a duplicate of another;
 * - "bulk_acknowledge": the queue's bulk action, for new cases only.
 */
static const struct {
    const char *action, *from, *to;
    unsigned roles;
} transitions[] = {
    {"state", "new", "acknowledged", ROLE_OFFICE},
    {"state", "new", "assigned", ROLE_OFFICE},
    {"state", "new", "rejected", ROLE_OFFICE},
    {"state", "acknowledged", "assigned", ROLE_OFFICE},
    {"state", "acknowledged", "rejected", ROLE_OFFICE},
    {"state", "assigned", "in_progress", ROLE_CASE_WORK},
    {"state", "assigned", "resolved", ROLE_CASE_WORK},
    {"state", "assigned", "rejected", ROLE_OFFICE},
    {"state", "assigned", "acknowledged", ROLE_OFFICE},
    {"state", "in_progress", "resolved", ROLE_CASE_WORK},
    {"state", "in_progress", "rejected", ROLE_OFFICE},
    {"state", "resolved", "acknowledged", ROLE_OFFICE}, /* reopen to triage */
    {"state", "resolved", "assigned", ROLE_OFFICE},     /* reopen to the unit */
    {"state", "rejected", "acknowledged", ROLE_OFFICE},
    {"state", "rejected", "assigned", ROLE_OFFICE},
    {"assign", "new", "assigned", ROLE_OFFICE | ROLE_SYSTEM},
    {"assign", "new", "acknowledged", ROLE_OFFICE | ROLE_SYSTEM},
    {"assign", "acknowledged", "assigned", ROLE_OFFICE},
    {"assign", "acknowledged", "acknowledged", ROLE_OFFICE},
    {"assign", "assigned", "assigned", ROLE_OFFICE},
    {"assign", "assigned", "acknowledged", ROLE_OFFICE},
    {"assign", "in_progress", "assigned", ROLE_OFFICE},
    {"assign", "in_progress", "acknowledged", ROLE_OFFICE},
    {"merge", "new", "duplicate", ROLE_OFFICE},
    {"merge", "acknowledged", "duplicate", ROLE_OFFICE},
    {"merge", "assigned", "duplicate", ROLE_OFFICE},
    {"merge", "in_progress", "duplicate", ROLE_OFFICE},
    {"bulk_acknowledge", "new", "acknowledged", ROLE_OFFICE},
};

static const char *const reject_reasons[] = {"not_our_responsibility", "no_action_needed",
                                             "cannot_locate", "other", NULL};
static const char *const all_states[] = {"new",      "acknowledged", "assigned",  "in_progress",
                                         "resolved", "rejected",     "duplicate", NULL};
static const char *const open_states[] = {"new", "acknowledged", "assigned", "in_progress", NULL};

static int in_list(const char *s, const char *const *list)
{
    for (; s && *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

int wf_case_state_open(const char *state)
{
    return in_list(state, open_states);
}

/* 1 when the table allows action from -> to for role; 0 when the pair is not
 * in it; -1 when it is, but not for this role. */
static int transition_allowed(const char *action, const char *from, const char *to, unsigned role)
{
    int known = 0;
    for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++)
        if (strcmp(transitions[i].action, action) == 0 && strcmp(transitions[i].from, from) == 0 &&
            strcmp(transitions[i].to, to) == 0) {
            if (transitions[i].roles & role)
                return 1;
            known = 1;
        }
    return known ? -1 : 0;
}

/* Every change to a case writes its event after the change, so the statistics
 * count the case as it now is here, in the same transaction (stats_store.h). */
static int event(struct dbc *c, int64_t id, const struct wf_actor *a, const char *kind,
                 const char *from, const char *to, const char *comment, int public_)
{
    return case_store_add_event(c, id, a->user_id, a->label, kind, from, to, comment, public_) ==
                       0 &&
                   stats_store_case_sync(c, id) == 0
               ? 0
               : -1;
}

/* Writes the public status of case id's observation and its duplicates', first
 * queueing the follow-up e-mails of the reporters who asked for them (only those
 * whose report's status changes; public_comment may be NULL). */
static int set_public_status(struct dbc *c, const struct config *cfg, int64_t id,
                             const char *status, const char *public_comment)
{
    return delivery_enqueue_follow_up(c, cfg, id, status, public_comment) >= 0 &&
                   obs_store_set_status(c, id, status) == 0
               ? 0
               : -1;
}

/* Writes the case's state and its observation's (and duplicates') public status. */
static int set_state(struct dbc *c, const struct config *cfg, int64_t id, const char *state,
                     const char *public_comment)
{
    return case_store_set_state(c, id, state) == 0 &&
                   set_public_status(c, cfg, id, state, public_comment) == 0
               ? 0
               : -1;
}

/*
 * Loads case id inside the open transaction and checks actor may see it.
 * 0, or -1 with err (nothing rolled back: the caller does).
 */
static int load_visible(struct dbc *c, const struct wf_actor *actor, int64_t id,
                        struct case_row *cr, struct wf_error *err)
{
    int found = case_store_load(c, id, cr);
    if (found < 0) {
        err->code = db_failure(c);
        snprintf(err->message, sizeof err->message, "the case could not be read");
        err->field = NULL;
        return -1;
    }
    if (!found || (actor->role == ROLE_UNIT && cr->unit_id != actor->unit_id))
        return wf_fail(err, ERR_NOT_FOUND, NULL, "no case %lld", (long long)id);
    return 0;
}

int wf_case_visible(struct dbc *c, const struct wf_actor *actor, int64_t id, struct wf_error *err)
{
    struct case_row cr;
    return load_visible(c, actor, id, &cr, err);
}

static void unit_name(struct dbc *c, int64_t id, char *out, size_t cap)
{
    struct unit_contact u;
    snprintf(out, cap, "%s", id > 0 && unit_store_contact(c, id, &u) == 1 ? u.name : "");
}

/*
 * Makes unit_id responsible for the case, inside the open transaction, with
 * events and the unit's notification. 0, 1 when nothing changed, or -1 with err.
 */
static int assign_in_tx(struct dbc *c, const struct config *cfg, const struct wf_actor *actor,
                        struct case_row *cr, int64_t unit_id, const char *comment, int public_,
                        struct wf_error *err)
{
    if (!wf_case_state_open(cr->state))
        return wf_fail(err, ERR_INVALID_TRANSITION, "unit_id",
                       "a case that is %s cannot be assigned; reopen it first", cr->state);
    int internal = unit_store_internal(c, unit_id);
    if (internal < 0)
        return wf_fail(err, ERR_INVALID_FORMAT, "unit_id", "no unit %lld", (long long)unit_id);
    const char *target = internal ? "assigned" : "acknowledged";
    if (transition_allowed("assign", cr->state, target, actor->role) != 1)
        return wf_fail(err, ERR_INVALID_TRANSITION, "unit_id",
                       "a case that is %s cannot be assigned; reopen it first", cr->state);
    if (cr->unit_id == unit_id && strcmp(cr->state, target) == 0)
        return 1; /* already there: nothing to record */
    char from[256], to[256];
    unit_name(c, cr->unit_id, from, sizeof from);
    unit_name(c, unit_id, to, sizeof to);
    if (case_store_set_unit(c, cr->id, unit_id) != 0 ||
        event(c, cr->id, actor, internal ? "assigned" : "notified", from[0] ? from : NULL, to,
              comment, public_) != 0)
        return wf_fail_db(c, err, "the assignment could not be saved");
    if (strcmp(cr->state, target) != 0) {
        if (set_state(c, cfg, cr->id, target, public_ ? comment : NULL) != 0 ||
            event(c, cr->id, actor, "state", cr->state, target, NULL, 0) != 0)
            return wf_fail_db(c, err, "the assignment could not be saved");
        snprintf(cr->state, sizeof cr->state, "%s", target);
    }
    cr->unit_id = unit_id;
    if (delivery_enqueue_assignment(c, cfg, cr->id, unit_id) < 0)
        return wf_fail_db(c, err, "the unit's notification could not be queued");
    return 0;
}

int wf_case_open_in_tx(struct dbc *c, const struct config *cfg, int64_t id, const char *category,
                       double lon, double lat, int64_t area_id, const char *created_at)
{
    struct rule_choice rc = {0, 0, 2};
    int routed = rule_store_pick(c, category, lon, lat, area_id, &rc);
    if (routed < 0)
        return -1;
    static const struct wf_actor system = {0, "system", ROLE_SYSTEM, 0};
    if (case_store_insert(c, id, rc.priority, cfg->due_days[rc.priority], routed ? rc.rule_id : 0,
                          created_at) != 0 ||
        event(c, id, &system, "created", NULL, "new", NULL, 0) != 0)
        return -1;
    if (!routed)
        return 0; /* unrouted: waits in the triage queue */
    struct case_row cr = {.id = id, .priority = rc.priority};
    snprintf(cr.state, sizeof cr.state, "new");
    char note[64];
    snprintf(note, sizeof note, "routing rule %lld", (long long)rc.rule_id);
    struct wf_error err;
    return assign_in_tx(c, cfg, &system, &cr, rc.unit_id, note, 0, &err) < 0 ? -1 : 0;
}

/* Whether a case with unit unit_id can be "assigned": it needs a unit of the
 * organisation's own (an outside unit is notified, not assigned). */
static int assignable(struct dbc *c, int64_t unit_id)
{
    return unit_id != 0 && unit_store_internal(c, unit_id) != 0;
}

json_t *wf_case_allowed_transitions(struct dbc *c, const char *from, int64_t unit_id, unsigned role)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && from && i < sizeof transitions / sizeof transitions[0]; i++) {
        if (strcmp(transitions[i].action, "state") != 0 || strcmp(transitions[i].from, from) != 0 ||
            !(transitions[i].roles & role))
            continue;
        if (strcmp(transitions[i].to, "assigned") == 0 && !assignable(c, unit_id))
            continue;
        int needs_reason = strcmp(transitions[i].to, "rejected") == 0;
        json_t *t =
            json_pack("{s:s, s:b}", "to", transitions[i].to, "reason_required", needs_reason);
        if (t && needs_reason) {
            json_t *reasons = json_array();
            for (const char *const *r = reject_reasons; *r; r++)
                json_array_append_new(reasons, json_string(*r));
            json_object_set_new(t, "reasons", reasons);
        }
        json_array_append_new(arr, t);
    }
    return arr;
}

/* The state change itself, inside the open transaction. */
static int transition_in_tx(struct dbc *c, const struct config *cfg, const struct wf_actor *actor,
                            struct case_row *cr, const char *to, const char *reason,
                            const char *comment, int public_, struct wf_error *err)
{
    if (strcmp(to, "duplicate") == 0)
        return wf_fail(err, ERR_INVALID_TRANSITION, "state",
                       "a case cannot go from %s to duplicate by a state change: merge it "
                       "(POST /api/v1/cases/%lld/merge)",
                       cr->state, (long long)cr->id);
    int allowed = transition_allowed("state", cr->state, to, actor->role);
    if (allowed != 1)
        return wf_fail(err, ERR_INVALID_TRANSITION, "state", "a case cannot go from %s to %s%s",
                       cr->state, to, allowed < 0 ? " in your role" : "");
    if (strcmp(to, "assigned") == 0 && !assignable(c, cr->unit_id)) {
        if (cr->unit_id == 0)
            return wf_fail(err, ERR_INVALID_TRANSITION, "state",
                           "a case cannot go from %s to assigned before it has a unit: assign "
                           "it to one",
                           cr->state);
        return wf_fail(err, ERR_INVALID_TRANSITION, "state",
                       "a case cannot go from %s to assigned: its unit is outside the "
                       "organisation, it is notified, not assigned",
                       cr->state);
    }
    if (set_state(c, cfg, cr->id, to, public_ ? comment : NULL) != 0 ||
        event(c, cr->id, actor, "state", cr->state, to, comment, public_) != 0 ||
        case_store_set_reject_reason(c, cr->id, strcmp(to, "rejected") == 0 ? reason : NULL) != 0)
        return wf_fail_db(c, err, "the change could not be saved");
    /* Reopening to the unit tells the unit again. */
    if (strcmp(to, "assigned") == 0 && delivery_enqueue_assignment(c, cfg, cr->id, cr->unit_id) < 0)
        return wf_fail_db(c, err, "the unit's notification could not be queued");
    snprintf(cr->state, sizeof cr->state, "%s", to);
    return 0;
}

/* Checks the target state and reason before anything is opened. */
static int check_target(const char *to, const char *reason, struct wf_error *err)
{
    if (!in_list(to, all_states))
        return wf_fail(err, ERR_INVALID_FORMAT, "state", "unknown state '%s'", to);
    if (strcmp(to, "rejected") == 0 && !in_list(reason, reject_reasons))
        return wf_fail(err, ERR_INVALID_FORMAT, "reason",
                       "a rejection needs a reason: not_our_responsibility, "
                       "no_action_needed, cannot_locate or other");
    return 0;
}

int wf_case_transition(struct dbc *c, const struct config *cfg, const struct wf_actor *actor,
                       int64_t id, const char *to, const char *reason, const char *comment,
                       int public_, struct wf_error *err)
{
    struct case_row cr;
    if (check_target(to, reason, err) != 0 || wf_begin(c, err) != 0)
        return -1;
    if (load_visible(c, actor, id, &cr, err) != 0 ||
        transition_in_tx(c, cfg, actor, &cr, to, reason, comment, public_, err) != 0) {
        db_rollback(c);
        return -1;
    }
    return wf_commit(c, err, "the change could not be saved");
}

int wf_case_assign(struct dbc *c, const struct config *cfg, const struct wf_actor *actor,
                   int64_t id, int64_t unit_id, const char *comment, int public_,
                   struct wf_error *err)
{
    struct case_row cr;
    if (wf_begin(c, err) != 0)
        return -1;
    if (load_visible(c, actor, id, &cr, err) != 0 ||
        assign_in_tx(c, cfg, actor, &cr, unit_id, comment, public_, err) < 0) {
        db_rollback(c);
        return -1;
    }
    return wf_commit(c, err, "the assignment could not be saved");
}

int wf_case_priority(struct dbc *c, const struct config *cfg, const struct wf_actor *actor,
                     int64_t id, int priority, struct wf_error *err)
{
    struct case_row cr;
    if (priority < 1 || priority > 3)
        return wf_fail(err, ERR_OUT_OF_RANGE, "priority", "'priority' is 1, 2 or 3");
    if (wf_begin(c, err) != 0)
        return -1;
    if (load_visible(c, actor, id, &cr, err) != 0) {
        db_rollback(c);
        return -1;
    }
    if (priority == cr.priority) { /* no change, no event */
        db_rollback(c);
        return 0;
    }
    char from[8], to[8];
    snprintf(from, sizeof from, "%d", cr.priority);
    snprintf(to, sizeof to, "%d", priority);
    if (case_store_set_priority(c, id, priority, cfg->due_days[priority]) != 0 ||
        event(c, id, actor, "priority", from, to, NULL, 0) != 0)
        return wf_fail_db(c, err, "the priority could not be saved");
    return wf_commit(c, err, "the priority could not be saved");
}

int wf_case_comment(struct dbc *c, const struct wf_actor *actor, int64_t id, const char *comment,
                    int public_, struct wf_error *err)
{
    struct case_row cr;
    if (!comment || !*comment)
        return wf_fail(err, ERR_MISSING_FIELD, "comment", "the comment is empty");
    if (wf_begin(c, err) != 0)
        return -1;
    if (load_visible(c, actor, id, &cr, err) != 0) {
        db_rollback(c);
        return -1;
    }
    if (event(c, id, actor, "comment", NULL, NULL, comment, public_) != 0)
        return wf_fail_db(c, err, "the comment could not be saved");
    return wf_commit(c, err, "the comment could not be saved");
}

int wf_case_merge(struct dbc *c, const struct config *cfg, const struct wf_actor *actor, int64_t id,
                  int64_t into, struct wf_error *err)
{
    struct case_row cr, primary;
    if (wf_begin(c, err) != 0)
        return -1;
    if (load_visible(c, actor, id, &cr, err) != 0) {
        db_rollback(c);
        return -1;
    }
    int found = case_store_load(c, into, &primary);
    if (found > 0 && primary.duplicate_of) /* merge into the primary of a duplicate */
        found = case_store_load(c, primary.duplicate_of, &primary);
    if (found < 0)
        return wf_fail_db(c, err, "the merge could not be saved");
    int rc = -1;
    if (found == 0)
        wf_fail(err, ERR_INVALID_FORMAT, "into", "no such case to merge into");
    else if (primary.id == cr.id)
        wf_fail(err, ERR_INVALID_TRANSITION, "into", "a case cannot be merged into itself");
    else if (strcmp(cr.state, "duplicate") == 0)
        wf_fail(err, ERR_INVALID_TRANSITION, "into", "this case is already a duplicate");
    else if (transition_allowed("merge", cr.state, "duplicate", actor->role) != 1)
        wf_fail(err, ERR_INVALID_TRANSITION, "into",
                "a closed case cannot be merged; reopen it first");
    else
        rc = 0;
    if (rc != 0) {
        db_rollback(c);
        return -1;
    }
    char note[96];
    snprintf(note, sizeof note, "#%lld merged into #%lld", (long long)cr.id, (long long)primary.id);
    /* The duplicate's case says 'duplicate'; its observation shows the primary's state. */
    if (case_store_merge(c, cr.id, primary.id) != 0 ||
        set_public_status(c, cfg, primary.id, primary.state, NULL) != 0 ||
        event(c, cr.id, actor, "merged", cr.state, "duplicate", note, 0) != 0 ||
        event(c, primary.id, actor, "merged", NULL, NULL, note, 0) != 0)
        return wf_fail_db(c, err, "the merge could not be saved");
    return wf_commit(c, err, "the merge could not be saved");
}

int wf_cases_bulk(struct dbc *c, const struct config *cfg, const struct wf_actor *actor,
                  const int64_t *ids, size_t n, enum wf_bulk_action action, int64_t unit_id,
                  struct wf_error *err)
{
    if (n == 0 || n > WF_BULK_MAX)
        return wf_fail(err, ERR_INVALID_TYPE, "ids", "'ids' is a list of 1 to %d ids", WF_BULK_MAX);
    /* All or nothing: one transaction; the first refusal rolls everything back. */
    if (wf_begin(c, err) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        struct case_row cr;
        int found = case_store_load(c, ids[i], &cr);
        if (found < 0)
            return wf_fail_db(c, err, "the changes could not be saved");
        if (found == 0) {
            db_rollback(c);
            return wf_fail(err, ERR_INVALID_FORMAT, "ids", "no case with the id %lld",
                           (long long)ids[i]);
        }
        int rc;
        if (action == WF_BULK_ASSIGN) {
            rc = assign_in_tx(c, cfg, actor, &cr, unit_id, NULL, 0, err) < 0 ? -1 : 0;
            if (rc != 0 && err->field && strcmp(err->field, "unit_id") != 0)
                err->field = "ids";
        } else if (transition_allowed("bulk_acknowledge", cr.state, "acknowledged", actor->role) !=
                   1) {
            rc = wf_fail(err, ERR_INVALID_TRANSITION, "ids", "case %lld is %s, not new",
                         (long long)cr.id, cr.state);
        } else {
            rc = set_state(c, cfg, cr.id, "acknowledged", NULL) == 0 &&
                         event(c, cr.id, actor, "state", "new", "acknowledged", NULL, 0) == 0
                     ? 0
                     : wf_fail_db(c, err, "the changes could not be saved");
        }
        if (rc != 0) {
            db_rollback(c);
            return -1;
        }
    }
    return wf_commit(c, err, "the changes could not be saved");
}

/* 0 when token is unit_code's API token (unit id in *unit_id); else -1 with err. */
static int unit_authenticate(struct dbc *c, const char *unit_code, const char *token,
                             int64_t *unit_id, struct wf_error *err)
{
    char stored[65] = "", hash[CRYPTO_SHA256_HEX];
    if (!token || strlen(token) != UNIT_TOKEN_HEX)
        return wf_fail(err, ERR_UNAUTHORIZED, NULL, "send Authorization: Bearer <token>");
    int found = unit_store_token_hash(c, unit_code, unit_id, stored);
    if (found < 0)
        return wf_fail_db(c, err, "the token could not be checked");
    crypto_sha256_hex(token, strlen(token), hash);
    if (found == 0 || strlen(stored) != 64 || !crypto_equal(stored, hash, 64))
        return wf_fail(err, ERR_UNAUTHORIZED, NULL, "unknown unit or wrong token");
    return 0;
}

int wf_unit_update(struct dbc *c, const struct config *cfg, const char *unit_code,
                   const char *token, const struct wf_unit_update *u, struct wf_error *err)
{
    int64_t unit_id = 0;
    if (unit_authenticate(c, unit_code, token, &unit_id, err) != 0)
        return -1;
    if (u->state && check_target(u->state, NULL, err) != 0)
        return -1;
    if (u->walk_answer) {
        static const char *const answers[] = {"will_do", "done", "wont_do", "not_ours", NULL};
        if (!in_list(u->walk_answer, answers))
            return wf_fail(err, ERR_INVALID_FORMAT, "walk_answer",
                           "'walk_answer.answer' is will_do, done, wont_do or not_ours");
        if (strcmp(u->walk_answer, "wont_do") == 0 &&
            (!u->walk_answer_reason || !*u->walk_answer_reason))
            return wf_fail(err, ERR_MISSING_FIELD, "walk_answer", "say why it will not be done");
        if (strcmp(u->walk_answer, "not_ours") == 0 &&
            (!u->walk_answer_passed_to || !*u->walk_answer_passed_to))
            return wf_fail(err, ERR_MISSING_FIELD, "walk_answer", "say whom it was passed to");
    }
    char label[160];
    snprintf(label, sizeof label, "unit:%s", unit_code);
    struct wf_actor actor = {0, label, ROLE_UNIT, unit_id};
    struct case_row cr;
    if (wf_begin(c, err) != 0)
        return -1;
    if (load_visible(c, &actor, u->case_id, &cr, err) != 0) {
        db_rollback(c);
        if (err->code == ERR_NOT_FOUND)
            wf_fail(err, ERR_NOT_FOUND, "case_id", "no case %lld for this unit",
                    (long long)u->case_id);
        return -1;
    }
    if (u->state) {
        if (transition_in_tx(c, cfg, &actor, &cr, u->state, NULL, u->comment, 0, err) != 0) {
            db_rollback(c);
            return -1;
        }
    } else if (u->comment && *u->comment &&
               event(c, cr.id, &actor, "external_update", NULL, NULL, u->comment, 0) != 0) {
        return wf_fail_db(c, err, "the update could not be saved");
    }
    if (u->walk_answer) {
        int64_t walk = walk_store_item_walk(c, cr.id);
        int64_t owner = walk > 0 ? walk_store_item_unit(c, walk, cr.id) : -1;
        if (walk < 0)
            return wf_fail_db(c, err, "the walk item could not be read");
        if (walk == 0 || owner != unit_id) {
            db_rollback(c);
            return wf_fail(err, ERR_NOT_FOUND, "walk_answer",
                           "case %lld is no walk item of this unit", (long long)cr.id);
        }
        struct walk_item_answer a = {
            u->walk_answer,           u->walk_answer_by, u->walk_answer_reason,
            u->walk_answer_passed_to, u->comment,        label};
        if (walk_store_answer_item(c, walk, cr.id, &a) <= 0)
            return wf_fail_db(c, err, "the answer could not be saved");
    }
    if (u->external_ref) {
        char note[260];
        snprintf(note, sizeof note, "work order %s", u->external_ref);
        if (case_store_set_external_ref(c, cr.id, u->external_ref) != 0 ||
            event(c, cr.id, &actor, "external_update", NULL, NULL, note, 0) != 0)
            return wf_fail_db(c, err, "the update could not be saved");
    }
    return wf_commit(c, err, "the update could not be saved");
}
