/*
 * case_store — every SQL statement about the cases and case_events tables:
 * the workflow side of an observation (case id == observation id). Writes
 * only those tables; its staff read models join observations, units, areas
 * and walks read-only. Never begins or commits (workflow.h).
 */
#ifndef TRYGG_CASE_STORE_H
#define TRYGG_CASE_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "db.h"

#define CASE_STATE_MAX 16

struct case_row {
    int64_t id, unit_id, duplicate_of; /* 0 = none */
    int priority;
    char state[CASE_STATE_MAX];
    char created_at[32];
};

/* Loads case id into *out: 1 found, 0 not, -1 on error. */
int case_store_load(struct dbc *c, int64_t id, struct case_row *out);

/* Creates case id in state 'new' with priority, due due_days after created_at,
 * and the routing rule that chose it (0 = none). 0 or -1. */
int case_store_insert(struct dbc *c, int64_t id, int priority, int due_days, int64_t rule_id,
                      const char *created_at);

/* Appends an event to the case's history. actor_user_id 0 = the system or a
 * unit's system (named by label). from, to and comment may be NULL. 0 or -1. */
int case_store_add_event(struct dbc *c, int64_t id, int64_t actor_user_id, const char *label,
                         const char *kind, const char *from, const char *to, const char *comment,
                         int public_);

/* Single-column updates; each 0 or -1. */
int case_store_set_state(struct dbc *c, int64_t id, const char *state);
int case_store_set_unit(struct dbc *c, int64_t id, int64_t unit_id);
int case_store_set_reject_reason(struct dbc *c, int64_t id, const char *reason_or_null);
int case_store_set_priority(struct dbc *c, int64_t id, int priority, int due_days);
int case_store_set_external_ref(struct dbc *c, int64_t id, const char *ref);

/* Makes dup (and every case already merged into dup) a duplicate of primary;
 * dup's own state becomes 'duplicate'. 0 or -1. */
int case_store_merge(struct dbc *c, int64_t dup, int64_t primary);

/* 1 when case id belongs to unit_id, 0 when not, -1 on error. */
int case_store_is_units(struct dbc *c, int64_t id, int64_t unit_id);

/*
 * Adds "public_comments": [{"at","comment"}] (oldest first, never internal
 * notes; a duplicate's include its primary's) to every object of the array
 * observations (each has an integer "id"), in one query. 0 or -1.
 */
int case_store_attach_public_comments(struct dbc *c, json_t *observations);

/* The public comments (as case_store_attach_public_comments gives them) of the
 * observations whose ids are in ids_json, each as JSON text through fn, ordered by
 * observation and time. 0 or -1. */
int case_store_public_comments_text(struct dbc *c, const char *ids_json, db_fragment_fn fn,
                                    void *ctx);

enum { CASE_MODERATION_ANY, CASE_MODERATION_PENDING, CASE_MODERATION_HIDDEN };

/* The staff queue's filters. Strings are JSON array texts (json_each) or plain values; NULL = any.
 */
struct case_filter {
    const char *states, *categories, *area_code, *walk_code, *like; /* like: a LIKE pattern */
    int64_t unit_id;                                                /* 0 = any */
    int unrouted;                                                   /* only cases without a unit */
    int priority;                                                   /* 0 = any */
    int overdue;                                                    /* only overdue open cases */
    int moderation;   /* CASE_MODERATION_*: 0 any, 1 waiting for approval, 2 hidden */
    const char *sort; /* "created", "-created", "priority", "due" (validated) */
    int64_t limit, offset;
    /* Keyset paging: when after_id > 0 the page starts after the row whose
     * sort key is (after_priority or after_due, after_id); offset is then 0. */
    int64_t after_id;
    int after_priority;
    char after_due[24]; /* due_at, or "~" for a case without one */
};

#define CASE_CURSOR_MAX 48   /* a cursor's text, with its NUL */
#define CASES_TOTAL_MAX 1000 /* the queue's "total" is counted up to this ("total_capped") */

/*
 * One page of case summaries: {"cases":[...],"total":N,"total_capped":bool,
 * "next":cursor|null}; total counts at most CASES_TOTAL_MAX (then total_capped);
 * NULL on error. "next" is an opaque keyset cursor (case_store_cursor_parse)
 * for the page after this one, in f->sort's order, or null on the last page.
 * With f->offset > 0 (the old numeric cursors) the page is found by OFFSET.
 */
json_t *case_store_list(struct dbc *c, const struct case_filter *f);

/*
 * Reads a cursor that case_store_list gave out for sort (f->sort, NULL =
 * "-created") into f's after_* fields. 0, or -1 when s is not such a cursor
 * (malformed, or made for another sort order).
 */
int case_store_cursor_parse(const char *s, const char *sort, struct case_filter *f);

/* Calls row(ctx, summary) for every case matching f (limit and offset ignored),
 * oldest first, one row at a time (the summary is freed after the call). 0 or -1. */
int case_store_each(struct dbc *c, const struct case_filter *f,
                    int (*row)(void *ctx, json_t *summary), void *ctx);

/* The summary of case id, NULL when absent or on error (*failed = 1 then). */
json_t *case_store_summary(struct dbc *c, int64_t id, int *failed);

/* The history of case id: [{"id","at","actor","kind","from","to","comment","public"}]. */
json_t *case_store_history(struct dbc *c, int64_t id);

/*
 * Likely duplicates of case id: open cases of the same category within
 * radius_m metres (SWEREF 99 TM) filed within days of it, nearest first, at
 * most limit; only unit_id's cases when unit_id is not 0.
 */
json_t *case_store_likely_duplicates(struct dbc *c, int64_t id, double radius_m, int days,
                                     int64_t unit_id, int limit);

/* The ids of the cases merged into case id, ascending. */
json_t *case_store_merged_into(struct dbc *c, int64_t id);

/* {"state","priority","due_at"} of case id for the units' payloads, or NULL. */
json_t *case_store_workflow_json(struct dbc *c, int64_t id);

#endif
