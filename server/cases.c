/*
 * cases — the workflow. See cases.h.
 *
 * Invariants kept here and nowhere else:
 * - observations.status always equals cases.state, except for a duplicate,
 *   whose observation shows its primary's state (it "follows" the primary);
 * - every change writes a case_events row in the same transaction;
 * - a case getting a (new) unit queues that unit's notification in the same
 *   transaction (outbox.c), so a crash never loses or half-sends it.
 * A unit handler only ever sees its own unit's cases: any other id is a 404.
 */
#include "cases.h"
#include "auth.h"
#include "distance.h"
#include "http.h"
#include "log.h"
#include "observations.h"
#include "outbox.h"
#include "routing.h"
#include "units.h"
#include "validate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CASES_PAGE_DEFAULT 50
#define CASES_PAGE_MAX 500
#define CASES_BULK_MAX 200
#define CASES_COMMENT_MAX 4000
#define CASES_DUPLICATES_MAX 20
#define CASES_QUERY_MAX 200

#define STAFF_TRIAGE (ROLE_ADMIN | ROLE_TRIAGE)
#define STAFF_WORK (ROLE_ADMIN | ROLE_TRIAGE | ROLE_UNIT)

/* The allowed transitions and who may make them. Everything else is a 409. */
static const struct {
    const char *from, *to;
    unsigned roles;
} transitions[] = {
    {"new", "acknowledged", STAFF_TRIAGE},
    {"new", "assigned", STAFF_TRIAGE},
    {"new", "rejected", STAFF_TRIAGE},
    {"acknowledged", "assigned", STAFF_TRIAGE},
    {"acknowledged", "rejected", STAFF_TRIAGE},
    {"assigned", "in_progress", STAFF_WORK},
    {"assigned", "resolved", STAFF_WORK},
    {"assigned", "rejected", STAFF_TRIAGE},
    {"assigned", "acknowledged", STAFF_TRIAGE},
    {"in_progress", "resolved", STAFF_WORK},
    {"in_progress", "rejected", STAFF_TRIAGE},
    {"resolved", "acknowledged", STAFF_TRIAGE}, /* reopen to triage */
    {"resolved", "assigned", STAFF_TRIAGE},     /* reopen to the unit */
    {"rejected", "acknowledged", STAFF_TRIAGE},
    {"rejected", "assigned", STAFF_TRIAGE},
};

static const char *const reject_reasons[] = {"not_our_responsibility", "no_action_needed",
                                             "cannot_locate", "other", NULL};
static const char *const all_states[] = {"new",      "acknowledged", "assigned",  "in_progress",
                                         "resolved", "rejected",     "duplicate", NULL};

static int in_list(const char *s, const char *const *list)
{
    for (; s && *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

struct case_row {
    int64_t id, unit_id, duplicate_of;
    int priority;
    char state[16];
    char created_at[32];
};

/* Loads case id; 1 found, 0 not, -1 error. */
static int load_case(struct dbc *c, int64_t id, struct case_row *out)
{
    sqlite3_stmt *st = db_prepare(c->db, "SELECT observation_id, state, priority, "
                                         "coalesce(unit_id, 0), coalesce(duplicate_of, 0), "
                                         "created_at FROM cases WHERE observation_id = ?");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        snprintf(out->state, sizeof out->state, "%s", sqlite3_column_text(st, 1));
        out->priority = sqlite3_column_int(st, 2);
        out->unit_id = sqlite3_column_int64(st, 3);
        out->duplicate_of = sqlite3_column_int64(st, 4);
        snprintf(out->created_at, sizeof out->created_at, "%s", sqlite3_column_text(st, 5));
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = -1;
    }
    sqlite3_finalize(st);
    return found;
}

static int add_event(struct dbc *c, int64_t id, int64_t actor, const char *label, const char *kind,
                     const char *from, const char *to, const char *comment, int public_)
{
    char now[32];
    db_now_iso(now, sizeof now);
    sqlite3_stmt *st = db_prepare(c->db, "INSERT INTO case_events (case_id, at, actor_user_id, "
                                         "actor_label, kind, from_value, to_value, comment, "
                                         "public) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
    if (actor > 0)
        sqlite3_bind_int64(st, 3, actor);
    sqlite3_bind_text(st, 4, label, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, kind, -1, SQLITE_STATIC);
    db_bind_text_or_null(st, 6, from);
    db_bind_text_or_null(st, 7, to);
    db_bind_text_or_null(st, 8, comment && *comment ? comment : NULL);
    sqlite3_bind_int(st, 9, public_ ? 1 : 0);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Writes the case's state, its observation's status and its duplicates' status. */
static int set_state(struct dbc *c, int64_t id, const char *state)
{
    char now[32];
    db_now_iso(now, sizeof now);
    sqlite3_stmt *st =
        db_prepare(c->db, "UPDATE cases SET state = ?2, updated_at = ?3 WHERE observation_id = ?1");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return -1;
    /* A duplicate's public status follows its primary. */
    st = db_prepare(c->db, "UPDATE observations SET status = ?2 WHERE id = ?1 OR id IN (SELECT "
                           "observation_id FROM cases WHERE duplicate_of = ?1)");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, strcmp(state, "duplicate") == 0 ? "duplicate" : state, -1,
                      SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static void unit_name(struct dbc *c, int64_t id, char *out, size_t cap)
{
    json_t *u = units_ref_json(c, id);
    snprintf(out, cap, "%s",
             json_is_object(u) ? json_string_value(json_object_get(u, "name")) : "");
    json_decref(u);
}

/* 1 when unit id is inside the Technical committee's organisation, 0 outside, -1 unknown. */
static int unit_internal(struct dbc *c, int64_t id)
{
    sqlite3_stmt *st = db_prepare(c->db, "SELECT internal FROM units WHERE id = ?");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

/*
 * Makes unit_id responsible for the case, with events and the unit's
 * notification. A unit inside the organisation is assigned the work (state
 * 'assigned'); one outside it (the housing company, the police) is notified,
 * not assigned: the case stays with the technical office ('acknowledged').
 * Inside a transaction. Returns a cases_result.
 */
static enum cases_result do_assign(struct dbc *c, const struct config *cfg, struct case_row *cr,
                                   int64_t unit_id, const char *comment, int public_, int64_t actor,
                                   const char *label, char *err, size_t errlen)
{
    static const char *const assignable[] = {"new", "acknowledged", "assigned", "in_progress",
                                             NULL};
    if (!in_list(cr->state, assignable)) {
        snprintf(err, errlen, "a case that is %s cannot be assigned; reopen it first", cr->state);
        return CASES_CONFLICT;
    }
    int internal = unit_internal(c, unit_id);
    if (internal < 0) {
        snprintf(err, errlen, "no unit %lld", (long long)unit_id);
        return CASES_INVALID;
    }
    const char *target = internal ? "assigned" : "acknowledged";
    if (cr->unit_id == unit_id && strcmp(cr->state, target) == 0)
        return CASES_OK; /* already there: nothing to record */
    char from[256], to[256];
    unit_name(c, cr->unit_id, from, sizeof from);
    unit_name(c, unit_id, to, sizeof to);
    sqlite3_stmt *st = db_prepare(c->db, "UPDATE cases SET unit_id = ? WHERE observation_id = ?");
    if (!st)
        return CASES_ERROR;
    sqlite3_bind_int64(st, 1, unit_id);
    sqlite3_bind_int64(st, 2, cr->id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE || add_event(c, cr->id, actor, label, internal ? "assigned" : "notified",
                                       from[0] ? from : NULL, to, comment, public_) != 0)
        return CASES_ERROR;
    if (strcmp(cr->state, target) != 0) {
        if (set_state(c, cr->id, target) != 0 ||
            add_event(c, cr->id, actor, label, "state", cr->state, target, NULL, 0) != 0)
            return CASES_ERROR;
        snprintf(cr->state, sizeof cr->state, "%s", target);
    }
    cr->unit_id = unit_id;
    if (outbox_enqueue_assignment(c, cfg, cr->id, unit_id) < 0)
        return CASES_ERROR;
    return CASES_OK;
}

int cases_on_observation_created(struct dbc *c, const struct config *cfg, int64_t observation_id)
{
    sqlite3_stmt *st = db_prepare(c->db, "SELECT category, lon, lat, coalesce(area_id, 0), "
                                         "created_at FROM observations WHERE id = ?");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, observation_id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return -1;
    }
    char category[64], created[32];
    snprintf(category, sizeof category, "%s", sqlite3_column_text(st, 0));
    double lon = sqlite3_column_double(st, 1), lat = sqlite3_column_double(st, 2);
    int64_t area = sqlite3_column_int64(st, 3);
    snprintf(created, sizeof created, "%s", sqlite3_column_text(st, 4));
    sqlite3_finalize(st);

    struct routing_choice rc = {0, 0, 2};
    int routed = routing_pick(c, category, lon, lat, area, &rc);
    if (routed < 0)
        return -1;
    st = db_prepare(c->db, "INSERT INTO cases (observation_id, state, priority, due_at, rule_id, "
                           "created_at, updated_at) VALUES (?1, 'new', ?2, strftime('%Y-%m-%dT%H:"
                           "%M:%SZ', ?3, '+' || ?4 || ' days'), ?5, ?3, ?3)");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, observation_id);
    sqlite3_bind_int(st, 2, rc.priority);
    sqlite3_bind_text(st, 3, created, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 4, cfg->due_days[rc.priority]);
    if (routed)
        sqlite3_bind_int64(st, 5, rc.rule_id);
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    if (step != SQLITE_DONE ||
        add_event(c, observation_id, 0, "system", "created", NULL, "new", NULL, 0) != 0)
        return -1;
    if (!routed)
        return 0; /* unrouted: waits in the triage queue */
    struct case_row cr = {.id = observation_id, .priority = rc.priority};
    snprintf(cr.state, sizeof cr.state, "new");
    char err[200], note[64];
    snprintf(note, sizeof note, "routing rule %lld", (long long)rc.rule_id);
    return do_assign(c, cfg, &cr, rc.unit_id, note, 0, 0, "system", err, sizeof err) == CASES_OK
               ? 0
               : -1;
}

json_t *cases_public_comments(struct dbc *c, int64_t id)
{
    json_t *arr = json_array();
    /* A duplicate follows its primary: the primary's public answers are its answers too. */
    sqlite3_stmt *st = db_prepare(
        c->db, "SELECT at, comment FROM case_events WHERE case_id IN (?1, (SELECT duplicate_of "
               "FROM cases WHERE observation_id = ?1)) AND public = 1 AND comment IS NOT NULL "
               "ORDER BY id");
    if (!st)
        return arr;
    sqlite3_bind_int64(st, 1, id);
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(arr, json_pack("{s:s, s:s}", "at", sqlite3_column_text(st, 0),
                                             "comment", sqlite3_column_text(st, 1)));
    sqlite3_finalize(st);
    return arr;
}

enum cases_result cases_transition(struct dbc *c, const struct config *cfg, int64_t id,
                                   const char *to, const char *reason, const char *comment,
                                   int public_, unsigned role, int64_t actor_unit_id,
                                   int64_t actor_user_id, const char *actor_label, char *err,
                                   size_t errlen)
{
    (void)cfg;
    if (!in_list(to, all_states)) {
        snprintf(err, errlen, "unknown state '%s'", to);
        return CASES_INVALID;
    }
    if (strcmp(to, "rejected") == 0 && !in_list(reason, reject_reasons)) {
        snprintf(err, errlen,
                 "a rejection needs a reason: not_our_responsibility, "
                 "no_action_needed, cannot_locate or other");
        return CASES_INVALID;
    }
    if (db_begin(c->db) != SQLITE_OK) {
        snprintf(err, errlen, "the database is busy");
        return CASES_ERROR;
    }
    struct case_row cr;
    int found = load_case(c, id, &cr);
    enum cases_result res = CASES_ERROR;
    if (found <= 0 || (role == ROLE_UNIT && cr.unit_id != actor_unit_id)) {
        snprintf(err, errlen, "no case %lld", (long long)id);
        res = found < 0 ? CASES_ERROR : CASES_NOT_FOUND;
        goto out;
    }
    int allowed = 0, known = 0;
    for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++)
        if (strcmp(transitions[i].from, cr.state) == 0 && strcmp(transitions[i].to, to) == 0) {
            known = 1;
            allowed = (transitions[i].roles & role) != 0;
        }
    if (!known || !allowed) {
        snprintf(err, errlen, "a case cannot go from %s to %s%s", cr.state, to,
                 known ? " in your role" : "");
        res = CASES_CONFLICT;
        goto out;
    }
    if (strcmp(to, "assigned") == 0 && cr.unit_id == 0) {
        snprintf(err, errlen,
                 "a case cannot go from %s to assigned before it has a unit: assign "
                 "it to one",
                 cr.state);
        res = CASES_CONFLICT;
        goto out;
    }
    if (strcmp(to, "assigned") == 0 && unit_internal(c, cr.unit_id) == 0) {
        snprintf(err, errlen,
                 "a case cannot go from %s to assigned: its unit is outside the organisation, "
                 "it is notified, not assigned",
                 cr.state);
        res = CASES_CONFLICT;
        goto out;
    }
    if (set_state(c, id, to) != 0 ||
        add_event(c, id, actor_user_id, actor_label, "state", cr.state, to, comment, public_) != 0)
        goto out;
    sqlite3_stmt *st = db_prepare(c->db, "UPDATE cases SET reject_reason = ? WHERE "
                                         "observation_id = ?");
    if (!st)
        goto out;
    db_bind_text_or_null(st, 1, strcmp(to, "rejected") == 0 ? reason : NULL);
    sqlite3_bind_int64(st, 2, id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        goto out;
    /* Reopening to the unit tells the unit again. */
    if (strcmp(to, "assigned") == 0 && outbox_enqueue_assignment(c, cfg, id, cr.unit_id) < 0)
        goto out;
    res = CASES_OK;
out:
    if (res == CASES_OK && db_commit(c->db) == SQLITE_OK)
        return CASES_OK;
    db_rollback(c->db);
    if (res == CASES_OK) {
        snprintf(err, errlen, "the change could not be saved");
        res = CASES_ERROR;
    }
    return res;
}

enum cases_result cases_add_comment(struct dbc *c, int64_t id, const char *comment, int public_,
                                    int64_t actor_user_id, const char *actor_label,
                                    const char *kind)
{
    int own = sqlite3_get_autocommit(c->db);
    if (own && db_begin(c->db) != SQLITE_OK)
        return CASES_ERROR;
    int rc = add_event(c, id, actor_user_id, actor_label, kind, NULL, NULL, comment, public_);
    if (own) {
        if (rc == 0 && db_commit(c->db) == SQLITE_OK)
            return CASES_OK;
        db_rollback(c->db);
        return CASES_ERROR;
    }
    return rc == 0 ? CASES_OK : CASES_ERROR;
}

/* ---- HTTP ---------------------------------------------------------------- */

static int reply_result(struct req *r, enum cases_result res, const char *err, const char *field)
{
    switch (res) {
    case CASES_NOT_FOUND:
        return http_reply_error(r, 404, "not_found", NULL, "%s", err);
    case CASES_CONFLICT:
        return http_reply_error(r, 409, "invalid_transition", NULL, "%s", err);
    case CASES_INVALID:
        return http_reply_error(r, 422, "invalid_format", field, "%s", err);
    default:
        return http_reply_error(r, 500, "internal", NULL, "%s", err[0] ? err : "database error");
    }
}

/* Loads the case the request names and checks the caller may see it; 0 or replied. */
static int case_or_reply(struct req *r, struct case_row *cr)
{
    int64_t id;
    if (http_param_id_or_reply(r, 0, &id) != 0)
        return -1;
    int found = load_case(r->dbc, id, cr);
    if (found < 0)
        return http_reply_error(r, 500, "internal", NULL, "database error"), -1;
    if (!found || (r->session->role == ROLE_UNIT && cr->unit_id != r->session->unit_id))
        return http_reply_error(r, 404, "not_found", NULL, "no case %lld", (long long)id), -1;
    return 0;
}

/*
 * Opens the write transaction and reloads *cr inside it, so the change is
 * decided on the state no concurrent request can alter any more. 0 with the
 * transaction open, or replied (and nothing open).
 */
static int begin_and_reload_or_reply(struct req *r, struct case_row *cr)
{
    if (db_begin(r->dbc->db) != SQLITE_OK)
        return http_reply_error(r, 503, "unavailable", NULL, "the database is busy"), -1;
    int found = load_case(r->dbc, cr->id, cr);
    if (found > 0)
        return 0;
    db_rollback(r->dbc->db);
    if (found < 0)
        return http_reply_error(r, 500, "internal", NULL, "database error"), -1;
    return http_reply_error(r, 404, "not_found", NULL, "no case %lld", (long long)cr->id), -1;
}

#define CASE_SUMMARY_SELECT                                                                        \
    "SELECT c.observation_id, c.state, c.priority, c.due_at, coalesce(c.unit_id, 0), u.name, "     \
    "o.category, o.lon, o.lat, a.code, a.name, o.description, o.created_at, o.observed_at, "       \
    "c.duplicate_of, w.code, (SELECT count(*) FROM supports s WHERE s.observation_id = o.id), "    \
    "(SELECT p.id FROM photos p WHERE p.observation_id = o.id ORDER BY p.created_at LIMIT 1), "    \
    "(c.due_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now') AND c.state NOT IN ('resolved', "           \
    "'rejected', 'duplicate')), c.reject_reason, o.light, u.code "                                 \
    "FROM cases c JOIN observations o ON o.id = c.observation_id "                                 \
    "LEFT JOIN units u ON u.id = c.unit_id LEFT JOIN areas a ON a.id = o.area_id "                 \
    "LEFT JOIN walks w ON w.id = o.walk_id "

static json_t *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? json_string((const char *)s) : json_null();
}

static json_t *summary_json(sqlite3_stmt *st)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, 0)));
    json_object_set_new(o, "state", col_text(st, 1));
    json_object_set_new(o, "priority", json_integer(sqlite3_column_int(st, 2)));
    json_object_set_new(o, "due_at", col_text(st, 3));
    json_object_set_new(o, "overdue", json_boolean(sqlite3_column_int(st, 18)));
    json_object_set_new(o, "unit",
                        sqlite3_column_int64(st, 4)
                            ? json_pack("{s:I, s:o, s:o}", "id",
                                        (json_int_t)sqlite3_column_int64(st, 4), "name",
                                        col_text(st, 5), "code", col_text(st, 21))
                            : json_null());
    json_object_set_new(o, "category", col_text(st, 6));
    json_object_set_new(o, "lon", json_real(sqlite3_column_double(st, 7)));
    json_object_set_new(o, "lat", json_real(sqlite3_column_double(st, 8)));
    json_object_set_new(
        o, "area",
        sqlite3_column_type(st, 9) == SQLITE_NULL
            ? json_null()
            : json_pack("{s:o, s:o}", "code", col_text(st, 9), "name", col_text(st, 10)));
    json_object_set_new(o, "description", col_text(st, 11));
    json_object_set_new(o, "created_at", col_text(st, 12));
    json_object_set_new(o, "observed_at", col_text(st, 13));
    json_object_set_new(o, "duplicate_of",
                        sqlite3_column_type(st, 14) == SQLITE_NULL
                            ? json_null()
                            : json_integer(sqlite3_column_int64(st, 14)));
    json_object_set_new(o, "walk", col_text(st, 15));
    json_object_set_new(o, "support_count", json_integer(sqlite3_column_int(st, 16)));
    if (sqlite3_column_type(st, 17) != SQLITE_NULL) {
        char url[128];
        snprintf(url, sizeof url, "/api/v1/photos/%s/thumb", sqlite3_column_text(st, 17));
        json_object_set_new(o, "thumb_url", json_string(url));
    } else {
        json_object_set_new(o, "thumb_url", json_null());
    }
    json_object_set_new(o, "reject_reason", col_text(st, 19));
    json_object_set_new(o, "light", col_text(st, 20));
    return o;
}

/* Escapes % _ and \ for LIKE ... ESCAPE '\' and wraps in %...%. */
static void like_pattern(const char *q, char *out, size_t cap)
{
    size_t o = 0;
    out[o++] = '%';
    for (; *q && o + 3 < cap; q++) {
        if (*q == '%' || *q == '_' || *q == '\\')
            out[o++] = '\\';
        out[o++] = *q;
    }
    out[o++] = '%';
    out[o] = '\0';
}

int cases_list(struct req *r)
{
    char state_s[256], unit_s[32], cat_s[512], area_s[128], prio_s[8], overdue_s[8], walk_s[64],
        q_s[CASES_QUERY_MAX * 4 + 1], sort_s[16], limit_s[16], cursor_s[32];
    char states_json[512], cats_json[1024], like[CASES_QUERY_MAX * 8 + 4];
    int h_state, h_unit, h_cat, h_area, h_prio, h_over, h_walk, h_q, h_sort, h_limit, h_cursor;
    if ((h_state = http_query_or_reply(r, "state", state_s, sizeof state_s)) < 0 ||
        (h_unit = http_query_or_reply(r, "unit", unit_s, sizeof unit_s)) < 0 ||
        (h_cat = http_query_or_reply(r, "category", cat_s, sizeof cat_s)) < 0 ||
        (h_area = http_query_or_reply(r, "area", area_s, sizeof area_s)) < 0 ||
        (h_prio = http_query_or_reply(r, "priority", prio_s, sizeof prio_s)) < 0 ||
        (h_over = http_query_or_reply(r, "overdue", overdue_s, sizeof overdue_s)) < 0 ||
        (h_walk = http_query_or_reply(r, "walk", walk_s, sizeof walk_s)) < 0 ||
        (h_q = http_query_or_reply(r, "q", q_s, sizeof q_s)) < 0 ||
        (h_sort = http_query_or_reply(r, "sort", sort_s, sizeof sort_s)) < 0 ||
        (h_limit = http_query_or_reply(r, "limit", limit_s, sizeof limit_s)) < 0 ||
        (h_cursor = http_query_or_reply(r, "cursor", cursor_s, sizeof cursor_s)) < 0)
        return r->status;
    int64_t unit = 0, prio = 0, limit = CASES_PAGE_DEFAULT, offset = 0;
    int unrouted = 0;
    if (h_state && parse_code_list(state_s, 8, states_json, sizeof states_json) < 0)
        return http_reply_error(r, 422, "invalid_type", "state", "'state': comma-separated states");
    if (h_unit && strcmp(unit_s, "none") == 0)
        unrouted = 1;
    else if (h_unit && parse_i64(unit_s, 1, INT64_MAX, &unit) != 0)
        return http_reply_error(r, 422, "invalid_type", "unit", "'unit' is a unit id or 'none'");
    if (h_cat && parse_code_list(cat_s, 32, cats_json, sizeof cats_json) < 0)
        return http_reply_error(r, 422, "invalid_type", "category", "'category': codes");
    if (h_prio && parse_i64(prio_s, 1, 3, &prio) != 0)
        return http_reply_error(r, 422, "out_of_range", "priority", "'priority' is 1, 2 or 3");
    if (h_limit && parse_i64(limit_s, 1, CASES_PAGE_MAX, &limit) != 0)
        return http_reply_error(r, 422, "out_of_range", "limit", "'limit' is 1 to %d",
                                CASES_PAGE_MAX);
    if (h_cursor && parse_i64(cursor_s, 0, INT64_MAX / 2, &offset) != 0)
        return http_reply_error(r, 422, "invalid_type", "cursor", "not a cursor of ours");
    if (h_q) {
        size_t chars;
        if (utf8_check(q_s, strlen(q_s), &chars) != 0 || chars > CASES_QUERY_MAX)
            return http_reply_error(r, 422, "too_long", "q", "'q' is at most %d characters",
                                    CASES_QUERY_MAX);
        like_pattern(q_s, like, sizeof like);
    }
    const char *order = "o.id DESC";
    if (h_sort) {
        if (strcmp(sort_s, "created") == 0)
            order = "o.id ASC";
        else if (strcmp(sort_s, "-created") == 0)
            order = "o.id DESC";
        else if (strcmp(sort_s, "priority") == 0)
            order = "c.priority ASC, o.id DESC";
        else if (strcmp(sort_s, "due") == 0)
            order = "c.due_at IS NULL, c.due_at ASC, o.id DESC";
        else
            return http_reply_error(r, 422, "invalid_format", "sort",
                                    "'sort' is created, -created, priority or due");
    }
    if (r->session->role == ROLE_UNIT) {
        unit = r->session->unit_id; /* a unit handler sees only its own unit's cases */
        unrouted = 0;
    }
    static const char where[] =
        "WHERE (?1 IS NULL OR c.state IN (SELECT value FROM json_each(?1))) "
        "AND (?2 = 0 OR c.unit_id = ?2) AND (?3 = 0 OR c.unit_id IS NULL) "
        "AND (?4 IS NULL OR o.category IN (SELECT value FROM json_each(?4))) "
        "AND (?5 IS NULL OR a.code = ?5) AND (?6 = 0 OR c.priority = ?6) "
        "AND (?7 = 0 OR (c.due_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now') AND c.state NOT IN "
        "('resolved', 'rejected', 'duplicate'))) AND (?8 IS NULL OR w.code = ?8) "
        "AND (?9 IS NULL OR o.description LIKE ?9 ESCAPE '\\') ";
    char sql[4096];
    json_t *out = json_object(), *arr = json_array();
    int64_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 0)
            snprintf(sql, sizeof sql,
                     "SELECT count(*) FROM cases c JOIN observations o ON o.id = c.observation_id "
                     "LEFT JOIN areas a ON a.id = o.area_id LEFT JOIN walks w ON w.id = o.walk_id "
                     "%s",
                     where);
        else
            snprintf(sql, sizeof sql, "%s%s ORDER BY %s LIMIT ?10 OFFSET ?11", CASE_SUMMARY_SELECT,
                     where, order);
        sqlite3_stmt *st = db_prepare(r->dbc->db, sql);
        if (!st) {
            json_decref(out);
            json_decref(arr);
            return http_reply_error(r, 500, "internal", NULL, "database error");
        }
        db_bind_text_or_null(st, 1, h_state ? states_json : NULL);
        sqlite3_bind_int64(st, 2, unit);
        sqlite3_bind_int(st, 3, unrouted);
        db_bind_text_or_null(st, 4, h_cat ? cats_json : NULL);
        db_bind_text_or_null(st, 5, h_area ? area_s : NULL);
        sqlite3_bind_int64(st, 6, prio);
        sqlite3_bind_int(st, 7, h_over && strcmp(overdue_s, "1") == 0);
        db_bind_text_or_null(st, 8, h_walk ? walk_s : NULL);
        db_bind_text_or_null(st, 9, h_q ? like : NULL);
        if (pass == 1) {
            sqlite3_bind_int64(st, 10, limit);
            sqlite3_bind_int64(st, 11, offset);
        }
        while (sqlite3_step(st) == SQLITE_ROW) {
            if (pass == 0)
                total = sqlite3_column_int64(st, 0);
            else
                json_array_append_new(arr, summary_json(st));
        }
        sqlite3_finalize(st);
    }
    json_object_set_new(out, "cases", arr);
    json_object_set_new(out, "total", json_integer(total));
    if (offset + limit < total) {
        char next[32];
        snprintf(next, sizeof next, "%lld", (long long)(offset + limit));
        json_object_set_new(out, "next", json_string(next));
    } else {
        json_object_set_new(out, "next", json_null());
    }
    return http_reply_json(r, 200, out);
}

static json_t *history_json(struct dbc *c, int64_t id)
{
    json_t *arr = json_array();
    sqlite3_stmt *st = db_prepare(c->db, "SELECT id, at, actor_label, kind, from_value, to_value, "
                                         "comment, public FROM case_events WHERE case_id = ? "
                                         "ORDER BY id");
    if (!st)
        return arr;
    sqlite3_bind_int64(st, 1, id);
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(arr, json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:b}", "id",
                                             (json_int_t)sqlite3_column_int64(st, 0), "at",
                                             col_text(st, 1), "actor", col_text(st, 2), "kind",
                                             col_text(st, 3), "from", col_text(st, 4), "to",
                                             col_text(st, 5), "comment", col_text(st, 6), "public",
                                             sqlite3_column_int(st, 7)));
    sqlite3_finalize(st);
    return arr;
}

/*
 * Likely duplicates of case id: open cases of the same category within
 * duplicate_radius_m metres (SWEREF 99 TM, planar) filed within duplicate_days
 * of it, nearest first, at most CASES_DUPLICATES_MAX. The e/n BETWEEN box uses
 * the observations_en index; the exact circle and the order are in SQL so the
 * limit keeps the nearest ones. A unit handler sees only its own unit's cases.
 */
static json_t *duplicates_json(struct req *r, int64_t id)
{
    json_t *arr = json_array();
    const struct config *cfg = r->cfg;
    sqlite3_stmt *st = db_prepare(
        r->dbc->db,
        "SELECT o2.id, o2.e, o2.n, c2.state, o2.created_at, o2.description, o2.category, o.e, o.n "
        "FROM observations o JOIN observations o2 ON o2.category = o.category AND o2.id != o.id "
        "JOIN cases c2 ON c2.observation_id = o2.id "
        "WHERE o.id = ?1 AND c2.state IN ('new', 'acknowledged', 'assigned', 'in_progress') "
        "AND o2.e BETWEEN o.e - ?2 AND o.e + ?2 AND o2.n BETWEEN o.n - ?2 AND o.n + ?2 "
        "AND (o2.e - o.e) * (o2.e - o.e) + (o2.n - o.n) * (o2.n - o.n) <= ?2 * ?2 "
        "AND o2.created_at >= strftime('%Y-%m-%dT%H:%M:%SZ', o.created_at, '-' || ?3 || ' days') "
        "AND o2.created_at <= strftime('%Y-%m-%dT%H:%M:%SZ', o.created_at, '+' || ?3 || ' days') "
        "AND (?4 = 0 OR c2.unit_id = ?4) "
        "ORDER BY (o2.e - o.e) * (o2.e - o.e) + (o2.n - o.n) * (o2.n - o.n), o2.id LIMIT ?5");
    if (!st)
        return arr;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_double(st, 2, cfg->duplicate_radius_m);
    sqlite3_bind_int(st, 3, cfg->duplicate_days);
    sqlite3_bind_int64(st, 4, r->session->role == ROLE_UNIT ? r->session->unit_id : 0);
    sqlite3_bind_int(st, 5, CASES_DUPLICATES_MAX);
    while (sqlite3_step(st) == SQLITE_ROW) {
        double d = distance_planar_m(sqlite3_column_double(st, 7), sqlite3_column_double(st, 8),
                                     sqlite3_column_double(st, 1), sqlite3_column_double(st, 2));
        json_array_append_new(arr, json_pack("{s:I, s:f, s:o, s:o, s:o, s:o}", "id",
                                             (json_int_t)sqlite3_column_int64(st, 0), "distance_m",
                                             round(d * 10) / 10, "category", col_text(st, 6),
                                             "state", col_text(st, 3), "created_at",
                                             col_text(st, 4), "description", col_text(st, 5)));
    }
    sqlite3_finalize(st);
    return arr;
}

static int reply_case(struct req *r, int status, int64_t id)
{
    sqlite3_stmt *st = db_prepare(r->dbc->db, CASE_SUMMARY_SELECT "WHERE c.observation_id = ?");
    if (!st)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return http_reply_error(r, 404, "not_found", NULL, "no case %lld", (long long)id);
    }
    json_t *o = summary_json(st);
    sqlite3_finalize(st);
    json_t *pub = observations_public_json(r->dbc, id);
    json_object_set_new(o, "observation", pub ? pub : json_null());
    /* Contact details: staff only, and only here. */
    st =
        db_prepare(r->dbc->db, "SELECT name, email, phone FROM reporters WHERE observation_id = ?");
    json_t *rep = json_null();
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        if (sqlite3_step(st) == SQLITE_ROW)
            rep = json_pack("{s:o, s:o, s:o}", "name", col_text(st, 0), "email", col_text(st, 1),
                            "phone", col_text(st, 2));
        sqlite3_finalize(st);
    }
    json_object_set_new(o, "reporter", rep);
    json_object_set_new(o, "history", history_json(r->dbc, id));
    json_object_set_new(o, "duplicates", duplicates_json(r, id));
    /* The duplicates merged into this one. */
    json_t *merged = json_array();
    st = db_prepare(r->dbc->db,
                    "SELECT observation_id FROM cases WHERE duplicate_of = ? ORDER BY 1");
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        while (sqlite3_step(st) == SQLITE_ROW)
            json_array_append_new(merged, json_integer(sqlite3_column_int64(st, 0)));
        sqlite3_finalize(st);
    }
    json_object_set_new(o, "merged", merged);
    return http_reply_json(r, status, o);
}

int cases_get(struct req *r)
{
    struct case_row cr;
    if (case_or_reply(r, &cr) != 0)
        return r->status;
    return reply_case(r, 200, cr.id);
}

/* Reads "comment" and "public" from the body; 0 or replied. */
static int comment_fields(struct req *r, const char **comment, int *public_)
{
    *comment = NULL;
    *public_ = 0;
    if (http_json_string_or_reply(r, r->json, "comment", NULL, 0, CASES_COMMENT_MAX, comment) ||
        http_json_bool_or_reply(r, r->json, "public", 0, public_))
        return -1;
    return 0;
}

int cases_post_state(struct req *r)
{
    struct case_row cr;
    const char *state = NULL, *reason = NULL, *comment;
    int public_;
    if (case_or_reply(r, &cr) != 0)
        return r->status;
    if (http_json_string_or_reply(r, r->json, "state", NULL, 1, 32, &state) ||
        http_json_string_or_reply(r, r->json, "reason", NULL, 0, 64, &reason) ||
        comment_fields(r, &comment, &public_))
        return r->status;
    if (strcmp(state, "duplicate") == 0)
        return http_reply_error(r, 409, "invalid_transition", "state",
                                "a case cannot go from %s to duplicate by a state change: merge "
                                "it (POST /api/v1/cases/%lld/merge)",
                                cr.state, (long long)cr.id);
    char err[256] = "";
    enum cases_result res = cases_transition(
        r->dbc, r->cfg, cr.id, state, reason, comment, public_, r->session->role,
        r->session->unit_id, r->session->user_id, r->session->username, err, sizeof err);
    if (res != CASES_OK)
        return reply_result(r, res, err, strcmp(state, "rejected") == 0 ? "reason" : "state");
    return reply_case(r, 200, cr.id);
}

int cases_assign(struct req *r)
{
    struct case_row cr;
    int64_t unit_id;
    const char *comment;
    int public_;
    if (case_or_reply(r, &cr) != 0)
        return r->status;
    if (http_json_int_or_reply(r, r->json, "unit_id", 1, 1, INT64_MAX, &unit_id, NULL) ||
        comment_fields(r, &comment, &public_))
        return r->status;
    if (begin_and_reload_or_reply(r, &cr) != 0)
        return r->status;
    char err[256] = "";
    enum cases_result res = do_assign(r->dbc, r->cfg, &cr, unit_id, comment, public_,
                                      r->session->user_id, r->session->username, err, sizeof err);
    if (res != CASES_OK || db_commit(r->dbc->db) != SQLITE_OK) {
        db_rollback(r->dbc->db);
        return reply_result(r, res == CASES_OK ? CASES_ERROR : res, err, "unit_id");
    }
    return reply_case(r, 200, cr.id);
}

int cases_priority(struct req *r)
{
    struct case_row cr;
    int64_t prio;
    if (case_or_reply(r, &cr) != 0)
        return r->status;
    if (http_json_int_or_reply(r, r->json, "priority", 1, 1, 3, &prio, NULL))
        return r->status;
    if (begin_and_reload_or_reply(r, &cr) != 0)
        return r->status;
    if (prio == cr.priority) { /* no change, no event */
        db_rollback(r->dbc->db);
        return reply_case(r, 200, cr.id);
    }
    sqlite3_stmt *st = db_prepare(
        r->dbc->db, "UPDATE cases SET priority = ?2, due_at = strftime('%Y-%m-%dT%H:%M:%SZ', "
                    "created_at, '+' || ?3 || ' days') WHERE observation_id = ?1");
    int rc = SQLITE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, cr.id);
        sqlite3_bind_int64(st, 2, prio);
        sqlite3_bind_int(st, 3, r->cfg->due_days[prio]);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
    }
    char from[8], to[8];
    snprintf(from, sizeof from, "%d", cr.priority);
    snprintf(to, sizeof to, "%d", (int)prio);
    if (rc != SQLITE_DONE ||
        add_event(r->dbc, cr.id, r->session->user_id, r->session->username, "priority", from, to,
                  NULL, 0) != 0 ||
        db_commit(r->dbc->db) != SQLITE_OK) {
        db_rollback(r->dbc->db);
        return http_reply_error(r, 500, "internal", NULL, "the change could not be saved");
    }
    return reply_case(r, 200, cr.id);
}

int cases_comment(struct req *r)
{
    struct case_row cr;
    const char *comment = NULL;
    int public_ = 0;
    if (case_or_reply(r, &cr) != 0)
        return r->status;
    if (http_json_string_or_reply(r, r->json, "comment", NULL, 1, CASES_COMMENT_MAX, &comment) ||
        http_json_bool_or_reply(r, r->json, "public", 0, &public_))
        return r->status;
    if (!*comment)
        return http_reply_error(r, 422, "missing_field", "comment", "the comment is empty");
    if (cases_add_comment(r->dbc, cr.id, comment, public_, r->session->user_id,
                          r->session->username, "comment") != CASES_OK)
        return http_reply_error(r, 500, "internal", NULL, "the comment could not be saved");
    return reply_case(r, 200, cr.id);
}

int cases_merge(struct req *r)
{
    struct case_row cr, primary;
    int64_t into;
    if (case_or_reply(r, &cr) != 0)
        return r->status;
    if (http_json_int_or_reply(r, r->json, "into", 1, 1, INT64_MAX, &into, NULL))
        return r->status;
    if (begin_and_reload_or_reply(r, &cr) != 0)
        return r->status;
    int found = load_case(r->dbc, into, &primary);
    if (found > 0 && primary.duplicate_of) /* merge into the primary of a duplicate */
        found = load_case(r->dbc, primary.duplicate_of, &primary);
    const char *why = NULL;
    if (found <= 0)
        why = "no such case to merge into";
    else if (primary.id == cr.id)
        why = "a case cannot be merged into itself";
    else if (strcmp(cr.state, "duplicate") == 0)
        why = "this case is already a duplicate";
    else if (strcmp(cr.state, "resolved") == 0 || strcmp(cr.state, "rejected") == 0)
        why = "a closed case cannot be merged; reopen it first";
    if (why) {
        db_rollback(r->dbc->db);
        return http_reply_error(r, found <= 0 ? 422 : 409,
                                found <= 0 ? "invalid_format" : "invalid_transition", "into", "%s",
                                why);
    }
    char note[96];
    snprintf(note, sizeof note, "#%lld merged into #%lld", (long long)cr.id, (long long)primary.id);
    sqlite3_stmt *st =
        db_prepare(r->dbc->db, "UPDATE cases SET duplicate_of = ?2 WHERE observation_id = ?1 "
                               "OR duplicate_of = ?1");
    int rc = SQLITE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, cr.id);
        sqlite3_bind_int64(st, 2, primary.id);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
    }
    /* The duplicate's case says 'duplicate'; its observation shows the primary's state. */
    st = db_prepare(r->dbc->db, "UPDATE cases SET state = 'duplicate', updated_at = "
                                "strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE observation_id = ?");
    if (rc == SQLITE_DONE && st) {
        sqlite3_bind_int64(st, 1, cr.id);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    st = db_prepare(r->dbc->db, "UPDATE observations SET status = ?2 WHERE id IN (SELECT "
                                "observation_id FROM cases WHERE duplicate_of = ?1)");
    if (rc == SQLITE_DONE && st) {
        sqlite3_bind_int64(st, 1, primary.id);
        sqlite3_bind_text(st, 2, primary.state, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE ||
        add_event(r->dbc, cr.id, r->session->user_id, r->session->username, "merged", cr.state,
                  "duplicate", note, 0) != 0 ||
        add_event(r->dbc, primary.id, r->session->user_id, r->session->username, "merged", NULL,
                  NULL, note, 0) != 0 ||
        db_commit(r->dbc->db) != SQLITE_OK) {
        db_rollback(r->dbc->db);
        return http_reply_error(r, 500, "internal", NULL, "the merge could not be saved");
    }
    return reply_case(r, 200, cr.id);
}

int cases_bulk(struct req *r)
{
    const char *action = NULL;
    int64_t unit_id = 0;
    int has_unit = 0;
    json_t *ids = json_object_get(r->json, "ids");
    if (http_json_string_or_reply(r, r->json, "action", NULL, 1, 32, &action) ||
        http_json_int_or_reply(r, r->json, "unit_id", 0, 1, INT64_MAX, &unit_id, &has_unit))
        return r->status;
    if (!json_is_array(ids) || json_array_size(ids) == 0 || json_array_size(ids) > CASES_BULK_MAX)
        return http_reply_error(r, 422, "invalid_type", "ids", "'ids' is a list of 1 to %d ids",
                                CASES_BULK_MAX);
    int assign = strcmp(action, "assign") == 0;
    if (!assign && strcmp(action, "acknowledge") != 0)
        return http_reply_error(r, 422, "invalid_format", "action",
                                "'action' is acknowledge or assign");
    if (assign && !has_unit)
        return http_reply_error(r, 422, "missing_field", "unit_id", "assigning needs a unit_id");
    /* All or nothing: one transaction; the first refusal rolls everything back. */
    if (db_begin(r->dbc->db) != SQLITE_OK)
        return http_reply_error(r, 503, "unavailable", NULL, "the database is busy");
    size_t i;
    json_t *v;
    char err[256] = "";
    json_array_foreach(ids, i, v)
    {
        struct case_row cr;
        if (!json_is_integer(v) || load_case(r->dbc, json_integer_value(v), &cr) <= 0) {
            db_rollback(r->dbc->db);
            return http_reply_error(r, 422, "invalid_format", "ids", "no case %s",
                                    json_is_integer(v) ? "with that id" : "(ids are numbers)");
        }
        enum cases_result res;
        if (assign) {
            res = do_assign(r->dbc, r->cfg, &cr, unit_id, NULL, 0, r->session->user_id,
                            r->session->username, err, sizeof err);
        } else if (strcmp(cr.state, "new") != 0) {
            snprintf(err, sizeof err, "case %lld is %s, not new", (long long)cr.id, cr.state);
            res = CASES_CONFLICT;
        } else {
            res = set_state(r->dbc, cr.id, "acknowledged") == 0 &&
                          add_event(r->dbc, cr.id, r->session->user_id, r->session->username,
                                    "state", "new", "acknowledged", NULL, 0) == 0
                      ? CASES_OK
                      : CASES_ERROR;
        }
        if (res != CASES_OK) {
            db_rollback(r->dbc->db);
            return reply_result(r, res, err, "ids");
        }
    }
    if (db_commit(r->dbc->db) != SQLITE_OK) {
        db_rollback(r->dbc->db);
        return http_reply_error(r, 500, "internal", NULL, "the changes could not be saved");
    }
    return http_reply_json(r, 200, json_pack("{s:s, s:O}", "action", action, "ids", ids));
}
