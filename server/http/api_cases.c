/*
 * api_cases — the staff side of the workflow: the triage queue, a case's page
 * and every change to it, and the units' own systems reporting back. Thin:
 * validate, call wf_cases, answer with the case's staff view.
 */
#include "api.h"
#include "case_store.h"
#include "http.h"
#include "session.h"
#include "validate.h"
#include "views.h"
#include "log.h"
#include "wf_cases.h"
#include "wf_export.h"
#include "wf_moderation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CASES_PAGE_DEFAULT 50
#define CASES_PAGE_MAX 500
#define CASES_QUERY_MAX 200

/* Answers with the staff view of case id (status on success). */
static int reply_case(struct req *r, int status, int64_t id)
{
    int failed = 0;
    int64_t scope = r->session->role == ROLE_UNIT ? r->session->unit_id : 0;
    json_t *o = views_case(r->dbc, r->cfg, id, scope, &failed);
    if (!o)
        return failed ? http_reply_error(r, db_failure(r->dbc), NULL, "the case could not be read")
                      : http_reply_error(r, ERR_NOT_FOUND, NULL, "no case %lld", (long long)id);
    /* What this session may do from here, read from the workflow's one transition table. */
    json_t *unit = json_object_get(o, "unit");
    json_object_set_new(o, "allowed_transitions",
                        wf_case_allowed_transitions(
                            r->dbc, json_string_value(json_object_get(o, "state")),
                            json_integer_value(json_object_get(unit, "id")), r->session->role));
    return http_reply_json(r, status, o);
}

/* The case id of the path, checked visible to the session; 0 or replied. */
static int case_id_or_reply(struct req *r, int64_t *id)
{
    struct wf_error err;
    if (http_param_id_or_reply(r, 0, id) != 0)
        return -1;
    struct wf_actor a = session_actor(r);
    if (wf_case_visible(r->dbc, &a, *id, &err) != 0)
        return http_reply_fail(r, &err), -1;
    return 0;
}

/* Reads "comment" and "public" from the body; 0 or replied. */
static int comment_fields(struct req *r, const char **comment, int *public_)
{
    *comment = NULL;
    *public_ = 0;
    if (http_json_string_or_reply(r, r->json, "comment", NULL, 0, WF_COMMENT_MAX_CHARS, comment) ||
        http_json_bool_or_reply(r, r->json, "public", 0, public_))
        return -1;
    return 0;
}

int api_case_get(struct req *r)
{
    int64_t id;
    if (case_id_or_reply(r, &id) != 0)
        return r->status;
    return reply_case(r, 200, id);
}

int api_case_state(struct req *r)
{
    int64_t id;
    const char *state = NULL, *reason = NULL, *comment;
    int public_;
    struct wf_error err;
    if (case_id_or_reply(r, &id) != 0 ||
        http_json_string_or_reply(r, r->json, "state", NULL, 1, 32, &state) ||
        http_json_string_or_reply(r, r->json, "reason", NULL, 0, 64, &reason) ||
        comment_fields(r, &comment, &public_))
        return r->status;
    struct wf_actor a = session_actor(r);
    if (wf_case_transition(r->dbc, r->cfg, &a, id, state, reason, comment, public_, &err) != 0)
        return http_reply_fail(r, &err);
    return reply_case(r, 200, id);
}

int api_case_assign(struct req *r)
{
    int64_t id, unit_id;
    const char *comment;
    int public_;
    struct wf_error err;
    if (case_id_or_reply(r, &id) != 0 ||
        http_json_int_or_reply(r, r->json, "unit_id", 1, 1, INT64_MAX, &unit_id, NULL) ||
        comment_fields(r, &comment, &public_))
        return r->status;
    struct wf_actor a = session_actor(r);
    if (wf_case_assign(r->dbc, r->cfg, &a, id, unit_id, comment, public_, &err) != 0)
        return http_reply_fail(r, &err);
    return reply_case(r, 200, id);
}

int api_case_priority(struct req *r)
{
    int64_t id, prio;
    struct wf_error err;
    if (case_id_or_reply(r, &id) != 0 ||
        http_json_int_or_reply(r, r->json, "priority", 1, 1, 3, &prio, NULL))
        return r->status;
    struct wf_actor a = session_actor(r);
    if (wf_case_priority(r->dbc, r->cfg, &a, id, (int)prio, &err) != 0)
        return http_reply_fail(r, &err);
    return reply_case(r, 200, id);
}

int api_case_comment(struct req *r)
{
    int64_t id;
    const char *comment = NULL;
    int public_ = 0;
    struct wf_error err;
    if (case_id_or_reply(r, &id) != 0 ||
        http_json_string_or_reply(r, r->json, "comment", NULL, 1, WF_COMMENT_MAX_CHARS, &comment) ||
        http_json_bool_or_reply(r, r->json, "public", 0, &public_))
        return r->status;
    struct wf_actor a = session_actor(r);
    if (wf_case_comment(r->dbc, &a, id, comment, public_, &err) != 0)
        return http_reply_fail(r, &err);
    return reply_case(r, 200, id);
}

int api_case_merge(struct req *r)
{
    int64_t id, into;
    struct wf_error err;
    if (case_id_or_reply(r, &id) != 0 ||
        http_json_int_or_reply(r, r->json, "into", 1, 1, INT64_MAX, &into, NULL))
        return r->status;
    struct wf_actor a = session_actor(r);
    if (wf_case_merge(r->dbc, r->cfg, &a, id, into, &err) != 0)
        return http_reply_fail(r, &err);
    return reply_case(r, 200, id);
}

int api_cases_bulk(struct req *r)
{
    const char *action = NULL;
    int64_t unit_id = 0, ids[WF_BULK_MAX];
    int has_unit = 0;
    struct wf_error err;
    json_t *jids = json_object_get(r->json, "ids");
    if (http_json_string_or_reply(r, r->json, "action", NULL, 1, 32, &action) ||
        http_json_int_or_reply(r, r->json, "unit_id", 0, 1, INT64_MAX, &unit_id, &has_unit))
        return r->status;
    if (!json_is_array(jids) || json_array_size(jids) == 0 || json_array_size(jids) > WF_BULK_MAX)
        return http_reply_error(r, ERR_INVALID_TYPE, "ids", "'ids' is a list of 1 to %d ids",
                                WF_BULK_MAX);
    int assign = strcmp(action, "assign") == 0;
    if (!assign && strcmp(action, "acknowledge") != 0)
        return http_reply_error(r, ERR_INVALID_FORMAT, "action",
                                "'action' is acknowledge or assign");
    if (assign && !has_unit)
        return http_reply_error(r, ERR_MISSING_FIELD, "unit_id", "assigning needs a unit_id");
    size_t i, n = json_array_size(jids);
    json_t *v;
    json_array_foreach(jids, i, v)
    {
        if (!json_is_integer(v))
            return http_reply_error(r, ERR_INVALID_FORMAT, "ids", "no case (ids are numbers)");
        ids[i] = json_integer_value(v);
    }
    struct wf_actor a = session_actor(r);
    if (wf_cases_bulk(r->dbc, r->cfg, &a, ids, n, assign ? WF_BULK_ASSIGN : WF_BULK_ACKNOWLEDGE,
                      unit_id, &err) != 0)
        return http_reply_fail(r, &err);
    return http_reply_json(r, 200, json_pack("{s:s, s:O}", "action", action, "ids", jids));
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

/* The buffers a parsed queue filter points into. */
struct case_query {
    char state_s[256], unit_s[32], cat_s[512], area_s[128], prio_s[8], overdue_s[8], walk_s[64],
        q_s[CASES_QUERY_MAX * 4 + 1], sort_s[16], limit_s[16], cursor_s[64], moderation_s[16];
    char states_json[512], cats_json[1024], like[CASES_QUERY_MAX * 8 + 4];
};

/* The triage queue's filters (shared by the list and the export) into *f. 0 or replied. */
static int case_filter_or_reply(struct req *r, struct case_filter *f, struct case_query *b)
{
    int h_state, h_unit, h_cat, h_area, h_prio, h_over, h_walk, h_q, h_sort, h_limit, h_cursor,
        h_moderation;
    if ((h_state = http_query_or_reply(r, "state", b->state_s, sizeof b->state_s)) < 0 ||
        (h_unit = http_query_or_reply(r, "unit", b->unit_s, sizeof b->unit_s)) < 0 ||
        (h_cat = http_query_or_reply(r, "category", b->cat_s, sizeof b->cat_s)) < 0 ||
        (h_area = http_query_or_reply(r, "area", b->area_s, sizeof b->area_s)) < 0 ||
        (h_prio = http_query_or_reply(r, "priority", b->prio_s, sizeof b->prio_s)) < 0 ||
        (h_over = http_query_or_reply(r, "overdue", b->overdue_s, sizeof b->overdue_s)) < 0 ||
        (h_walk = http_query_or_reply(r, "walk", b->walk_s, sizeof b->walk_s)) < 0 ||
        (h_q = http_query_or_reply(r, "q", b->q_s, sizeof b->q_s)) < 0 ||
        (h_sort = http_query_or_reply(r, "sort", b->sort_s, sizeof b->sort_s)) < 0 ||
        (h_limit = http_query_or_reply(r, "limit", b->limit_s, sizeof b->limit_s)) < 0 ||
        (h_cursor = http_query_or_reply(r, "cursor", b->cursor_s, sizeof b->cursor_s)) < 0 ||
        (h_moderation =
             http_query_or_reply(r, "moderation", b->moderation_s, sizeof b->moderation_s)) < 0)
        return -1;
    int64_t prio = 0;
    memset(f, 0, sizeof *f);
    f->limit = CASES_PAGE_DEFAULT;
    if (h_moderation) {
        if (strcmp(b->moderation_s, "pending") == 0)
            f->moderation = CASE_MODERATION_PENDING;
        else if (strcmp(b->moderation_s, "hidden") == 0)
            f->moderation = CASE_MODERATION_HIDDEN;
        else
            return http_reply_error(r, ERR_INVALID_FORMAT, "moderation",
                                    "'moderation' is pending or hidden"),
                   -1;
    }
    if (h_state && parse_code_list(b->state_s, 8, b->states_json, sizeof b->states_json) < 0)
        return http_reply_error(r, ERR_INVALID_TYPE, "state", "'state': comma-separated states"),
               -1;
    if (h_unit && strcmp(b->unit_s, "none") == 0)
        f->unrouted = 1;
    else if (h_unit && parse_i64(b->unit_s, 1, INT64_MAX, &f->unit_id) != 0)
        return http_reply_error(r, ERR_INVALID_TYPE, "unit", "'unit' is a unit id or 'none'"), -1;
    if (h_cat && parse_code_list(b->cat_s, 32, b->cats_json, sizeof b->cats_json) < 0)
        return http_reply_error(r, ERR_INVALID_TYPE, "category", "'category': codes"), -1;
    if (h_prio && parse_i64(b->prio_s, 1, 3, &prio) != 0)
        return http_reply_error(r, ERR_OUT_OF_RANGE, "priority", "'priority' is 1, 2 or 3"), -1;
    if (h_limit && parse_i64(b->limit_s, 1, CASES_PAGE_MAX, &f->limit) != 0)
        return http_reply_error(r, ERR_OUT_OF_RANGE, "limit", "'limit' is 1 to %d", CASES_PAGE_MAX),
               -1;
    /* A cursor is what "next" gave out; an old client's number is an offset. */
    if (h_cursor && strspn(b->cursor_s, "0123456789") == strlen(b->cursor_s)
            ? parse_i64(b->cursor_s, 0, INT64_MAX / 2, &f->offset) != 0
            : h_cursor && case_store_cursor_parse(b->cursor_s, h_sort ? b->sort_s : NULL, f) != 0)
        return http_reply_error(r, ERR_BAD_REQUEST, "cursor",
                                "'cursor' is not one this server gave out for this sort order"),
               -1;
    if (h_q) {
        size_t chars;
        if (utf8_check(b->q_s, strlen(b->q_s), &chars) != 0 || chars > CASES_QUERY_MAX)
            return http_reply_error(r, ERR_TOO_LONG, "q", "'q' is at most %d characters",
                                    CASES_QUERY_MAX),
                   -1;
        like_pattern(b->q_s, b->like, sizeof b->like);
        f->like = b->like;
    }
    if (h_sort) {
        if (strcmp(b->sort_s, "created") && strcmp(b->sort_s, "-created") &&
            strcmp(b->sort_s, "priority") && strcmp(b->sort_s, "due"))
            return http_reply_error(r, ERR_INVALID_FORMAT, "sort",
                                    "'sort' is created, -created, priority or due"),
                   -1;
        f->sort = b->sort_s;
    }
    if (r->session->role == ROLE_UNIT) {
        f->unit_id = r->session->unit_id; /* a unit handler sees only its own unit's cases */
        f->unrouted = 0;
    }
    f->states = h_state ? b->states_json : NULL;
    f->categories = h_cat ? b->cats_json : NULL;
    f->area_code = h_area ? b->area_s : NULL;
    f->priority = (int)prio;
    f->overdue = h_over && strcmp(b->overdue_s, "1") == 0;
    f->walk_code = h_walk ? b->walk_s : NULL;
    return 0;
}

int api_cases_list(struct req *r)
{
    struct case_filter f;
    struct case_query *b = malloc(sizeof *b);
    if (!b)
        return http_reply_error(r, ERR_INTERNAL, NULL, "out of memory");
    if (case_filter_or_reply(r, &f, b) != 0) {
        free(b);
        return r->status;
    }
    json_t *out = case_store_list(r->dbc, &f);
    free(b);
    if (!out)
        return http_reply_error(r, db_failure(r->dbc), NULL, "the queue could not be read");
    return http_reply_json(r, 200, out);
}

int api_unit_updates(struct req *r)
{
    const char *auth = http_header(r, "Authorization");
    const char *token = auth && strncmp(auth, "Bearer ", 7) == 0 ? auth + 7 : NULL;
    struct wf_unit_update u = {0};
    struct wf_error err;
    if (!token)
        return http_reply_error(r, ERR_UNAUTHORIZED, NULL, "send Authorization: Bearer <token>");
    if (http_json_int_or_reply(r, r->json, "case_id", 1, 1, INT64_MAX, &u.case_id, NULL) ||
        http_json_string_or_reply(r, r->json, "state", NULL, 0, 32, &u.state) ||
        http_json_string_or_reply(r, r->json, "comment", NULL, 0, WF_COMMENT_MAX_CHARS,
                                  &u.comment) ||
        http_json_string_or_reply(r, r->json, "external_ref", NULL, 0, 200, &u.external_ref))
        return r->status;
    json_t *wa = json_object_get(r->json, "walk_answer");
    if (wa && !json_is_null(wa)) {
        if (!json_is_object(wa))
            return http_reply_error(r, ERR_INVALID_TYPE, "walk_answer",
                                    "'walk_answer' is {\"answer\", \"by\", \"reason\", "
                                    "\"passed_to\"}");
        if (http_json_string_or_reply(r, wa, "answer", "walk_answer.answer", 1, 16,
                                      &u.walk_answer) ||
            http_json_string_or_reply(r, wa, "by", "walk_answer.by", 0, 10, &u.walk_answer_by) ||
            http_json_string_or_reply(r, wa, "reason", "walk_answer.reason", 0,
                                      WF_COMMENT_MAX_CHARS, &u.walk_answer_reason) ||
            http_json_string_or_reply(r, wa, "passed_to", "walk_answer.passed_to", 0, 200,
                                      &u.walk_answer_passed_to))
            return r->status;
    }
    if (wf_unit_update(r->dbc, r->cfg, r->param[0], token, &u, &err) != 0)
        return http_reply_fail(r, &err);
    return http_reply_json(
        r, 200, json_pack("{s:I, s:b}", "case_id", (json_int_t)u.case_id, "accepted", 1));
}

int api_cases_export(struct req *r)
{
    const char *file = r->param[0];
    int fmt = strncmp(file, "cases.", 6) == 0 ? wf_export_format(file + 6) : -1;
    if (fmt < 0)
        return http_reply_error(r, ERR_NOT_FOUND, NULL, "exports are cases.geojson, .csv or .gpkg");
    struct case_filter f;
    struct case_query *b = malloc(sizeof *b);
    if (!b)
        return http_reply_error(r, ERR_INTERNAL, NULL, "out of memory");
    if (case_filter_or_reply(r, &f, b) != 0) {
        free(b);
        return r->status;
    }
    char disp[160];
    snprintf(disp, sizeof disp, "Content-Disposition: attachment; filename=\"%s\"\r\n", file);
    struct export_sink sink = {http_stream_write, r};
    struct wf_error err;
    http_stream_begin(r,
                      fmt == EXPORT_CSV       ? "text/csv; charset=utf-8"
                      : fmt == EXPORT_GEOJSON ? "application/geo+json"
                                              : "application/geopackage+sqlite3",
                      disp);
    if (wf_export_cases(r->dbc, r->cfg, &f, (enum export_format)fmt, &sink, &err) != 0)
        log_msg(LOG_ERROR, "export %s: %s", file, err.message); /* the body is cut short */
    free(b);
    return http_stream_end(r);
}

/* ---- moderation (wf_moderation.h) ------------------------------------------- */

int api_case_visibility(struct req *r)
{
    int64_t id;
    int public_ = 0;
    struct wf_error err;
    if (case_id_or_reply(r, &id) != 0 || http_json_bool_or_reply(r, r->json, "public", 1, &public_))
        return r->status;
    struct wf_actor a = session_actor(r);
    if (wf_case_set_public(r->dbc, r->cfg, &a, id, public_, &err) != 0)
        return http_reply_fail(r, &err);
    return reply_case(r, 200, id);
}

int api_case_redact(struct req *r)
{
    int64_t id;
    const char *text = NULL;
    struct wf_error err;
    if (case_id_or_reply(r, &id) != 0)
        return r->status;
    json_t *v = json_object_get(r->json, "description");
    if (!v)
        return http_reply_error(r, ERR_MISSING_FIELD, "description",
                                "'description' is required (null removes the redaction)");
    if (!json_is_null(v) &&
        http_json_string_or_reply(r, r->json, "description", NULL, 1,
                                  (size_t)r->cfg->max_description_chars, &text) != 0)
        return r->status;
    struct wf_actor a = session_actor(r);
    if (wf_case_redact(r->dbc, &a, id, text, &err) != 0)
        return http_reply_fail(r, &err);
    return reply_case(r, 200, id);
}

int api_case_approve(struct req *r)
{
    int64_t id;
    int text = 0, photos = 0;
    struct wf_error err;
    if (case_id_or_reply(r, &id) != 0)
        return r->status;
    struct wf_actor a = session_actor(r);
    if (wf_case_approve(r->dbc, &a, id, &text, &photos, &err) != 0)
        return http_reply_fail(r, &err);
    return reply_case(r, 200, id);
}
