/*
 * wf_walks — see wf_walks.h.
 */
#include "wf_walks.h"
#include "area_store.h"
#include "joincode.h"
#include "log.h"
#include "outbox_store.h"
#include "unit_store.h"
#include "validate.h"
#include "wf_cases.h"
#include "wf_units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WALK_CODE_TRIES 20

int wf_date_valid(const char *s)
{
    char ts[32];
    int64_t t;
    if (!s || strlen(s) != 10)
        return 0;
    snprintf(ts, sizeof ts, "%sT00:00:00Z", s);
    return parse_rfc3339(ts, &t) == 0;
}

void wf_walk_join_url(const char *base, const char *code, char *out, size_t cap)
{
    snprintf(out, cap, "%s/w/%s", base ? base : "", code);
}

/* The route as GeoJSON LineString text (malloc'd), or NULL when r is empty or on error. */
static char *route_geojson(const struct wf_route *r)
{
    if (!r || r->n < 2)
        return NULL;
    json_t *coords = json_array();
    for (size_t i = 0; i < r->n; i++)
        json_array_append_new(coords, json_pack("[f,f]", r->pts[i].lon, r->pts[i].lat));
    json_t *g = json_pack("{s:s, s:o}", "type", "LineString", "coordinates", coords);
    char *s = g ? json_dumps(g, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
    json_decref(g);
    return s;
}

/* 0 when route (if any) lies inside the municipality; else -1 with err naming field. */
static int route_inside(struct dbc *c, const struct wf_route *r, const char *field,
                        struct wf_error *err)
{
    char *g = route_geojson(r);
    if (!g)
        return 0;
    int inside = area_store_line_inside_municipality(c, g);
    free(g);
    if (inside < 0)
        return wf_fail_db(c, err, "the route could not be checked");
    if (!inside)
        return wf_fail(err, ERR_OUTSIDE_BOUNDARY, field, "the route leaves the municipality");
    return 0;
}

/* Copies the fields of in marked given (all of them on create) onto *w. 0 or -1 with err. */
static int apply_input(struct dbc *c, const struct wf_walk_input *in, int create,
                       struct walk_row *w, char **route_text, struct wf_error *err)
{
    if (create || in->has_title) {
        if (!in->title || !*in->title)
            return wf_fail(err, ERR_MISSING_FIELD, "title", "a walk needs a title");
        free(w->title);
        w->title = strdup(in->title);
    }
    if (create || in->has_area) {
        w->area_id = 0;
        if (in->area_code && *in->area_code) {
            int64_t a = area_store_id_by_code(c, in->area_code);
            if (a < 0)
                return wf_fail_db(c, err, "the area could not be checked");
            if (a == 0)
                return wf_fail(err, ERR_INVALID_FORMAT, "area", "no area has the code '%s'",
                               in->area_code);
            w->area_id = a;
        }
    }
    char ts[32];
    if (create || in->has_starts) {
        if (!in->starts_at)
            return wf_fail(err, ERR_MISSING_FIELD, "starts_at", "a walk needs a start time");
        format_rfc3339(in->starts_at, ts, sizeof ts);
        free(w->starts_at);
        w->starts_at = strdup(ts);
    }
    if (create || in->has_ends) {
        free(w->ends_at);
        w->ends_at = NULL;
        if (in->ends_at) {
            format_rfc3339(in->ends_at, ts, sizeof ts);
            w->ends_at = strdup(ts);
        }
    }
    int64_t start = 0, end = 0;
    if (w->starts_at)
        parse_rfc3339(w->starts_at, &start);
    if (w->ends_at)
        parse_rfc3339(w->ends_at, &end);
    if (end && start && end <= start)
        return wf_fail(err, ERR_OUT_OF_RANGE, "ends_at", "the walk must end after it starts");
    if (create || in->has_meeting_point) {
        w->has_meeting = in->has_meeting;
        w->meeting_lon = in->meeting_lon;
        w->meeting_lat = in->meeting_lat;
        if (in->has_meeting) {
            int inside = area_store_inside_municipality(c, in->meeting_lon, in->meeting_lat);
            if (inside < 0)
                return wf_fail_db(c, err, "the meeting point could not be checked");
            if (!inside)
                return wf_fail(err, ERR_OUTSIDE_BOUNDARY, "meeting_point",
                               "the meeting point lies outside the municipality");
        }
    }
    if (create || in->has_meeting_text) {
        free(w->meeting_text);
        w->meeting_text = in->meeting_text && *in->meeting_text ? strdup(in->meeting_text) : NULL;
    }
    if (create || in->has_route) {
        if (route_inside(c, &in->route, "route", err) != 0)
            return -1;
        free(w->route_geojson);
        w->route_geojson = route_geojson(&in->route);
        *route_text = w->route_geojson;
    }
    if (create || in->has_expected)
        w->expected_participants = in->expected_participants;
    if (create || in->has_public)
        w->public_ = in->public_ < 0 ? 1 : in->public_;
    if (in->has_meeting_held_on) {
        free(w->meeting_held_on);
        w->meeting_held_on =
            in->meeting_held_on && *in->meeting_held_on ? strdup(in->meeting_held_on) : NULL;
    }
    if (in->has_lang && in->lang)
        snprintf(w->lang, sizeof w->lang, "%s", in->lang);
    return 0;
}

/* The allowed walk state changes. */
static int state_change_ok(const char *from, const char *to)
{
    static const char *const pairs[][2] = {
        {"planned", "ongoing"},   {"planned", "done"},      {"ongoing", "done"},
        {"done", "ongoing"},      {"planned", "cancelled"}, {"ongoing", "cancelled"},
        {"cancelled", "planned"},
    };
    if (strcmp(from, to) == 0)
        return 1;
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if (strcmp(pairs[i][0], from) == 0 && strcmp(pairs[i][1], to) == 0)
            return 1;
    return 0;
}

/* Writes partners, groups and stops given in in for walk id. 0 or -1 with err. */
static int write_lists(struct dbc *c, int64_t id, const struct wf_walk_input *in, int create,
                       struct wf_error *err)
{
    if (create || in->has_partners) {
        int64_t units[WF_WALK_MAX_PARTNERS];
        const char *names[WF_WALK_MAX_PARTNERS];
        struct unit_contact uc[WF_WALK_MAX_PARTNERS];
        if (in->n_partners > WF_WALK_MAX_PARTNERS)
            return wf_fail(err, ERR_OUT_OF_RANGE, "partners", "at most %d partners",
                           WF_WALK_MAX_PARTNERS);
        for (size_t i = 0; i < in->n_partners; i++) {
            units[i] = 0;
            names[i] = in->partners[i].name;
            if (in->partners[i].unit_code) {
                int64_t u = unit_store_id_by_code(c, in->partners[i].unit_code);
                if (u < 0)
                    return wf_fail_db(c, err, "the partners could not be checked");
                if (u == 0 || unit_store_contact(c, u, &uc[i]) != 1)
                    return wf_fail(err, ERR_INVALID_FORMAT, "partners", "no unit has the code '%s'",
                                   in->partners[i].unit_code);
                units[i] = u;
                names[i] = uc[i].name;
            } else if (!names[i] || !*names[i]) {
                return wf_fail(err, ERR_INVALID_FORMAT, "partners",
                               "a partner is a unit code or {\"name\": \"...\"}");
            }
        }
        if (walk_store_set_partners(c, id, units, names, in->n_partners) != 0)
            return wf_fail_db(c, err, "the partners could not be saved");
    }
    int64_t group_ids[WF_WALK_MAX_GROUPS] = {0};
    if (create || in->has_groups) {
        const char *names[WF_WALK_MAX_GROUPS];
        char *routes[WF_WALK_MAX_GROUPS] = {0};
        if (in->n_groups > WF_WALK_MAX_GROUPS)
            return wf_fail(err, ERR_OUT_OF_RANGE, "groups", "at most %d groups",
                           WF_WALK_MAX_GROUPS);
        int rc = 0;
        for (size_t i = 0; i < in->n_groups && rc == 0; i++) {
            names[i] = in->groups[i].name;
            if (!names[i] || !*names[i])
                rc = wf_fail(err, ERR_MISSING_FIELD, "groups", "every group needs a name");
            else if (route_inside(c, &in->groups[i].route, "groups", err) != 0)
                rc = -1;
            else
                routes[i] = route_geojson(&in->groups[i].route);
        }
        if (rc == 0 && walk_store_set_groups(c, id, names, (const char *const *)routes,
                                             in->n_groups, group_ids) != 0)
            rc = wf_fail_db(c, err, "the groups could not be saved");
        for (size_t i = 0; i < in->n_groups; i++)
            free(routes[i]);
        if (rc != 0)
            return -1;
    }
    if (create || in->has_stops) {
        double lons[WF_WALK_MAX_STOPS], lats[WF_WALK_MAX_STOPS];
        const char *notes[WF_WALK_MAX_STOPS];
        int64_t gids[WF_WALK_MAX_STOPS];
        if (in->n_stops > WF_WALK_MAX_STOPS)
            return wf_fail(err, ERR_OUT_OF_RANGE, "stops", "at most %d stops", WF_WALK_MAX_STOPS);
        for (size_t i = 0; i < in->n_stops; i++) {
            lons[i] = in->stops[i].lon;
            lats[i] = in->stops[i].lat;
            notes[i] = in->stops[i].note;
            int gi = in->stops[i].group_index;
            if (gi >= 0 && (!(create || in->has_groups) || (size_t)gi >= in->n_groups))
                return wf_fail(err, ERR_OUT_OF_RANGE, "stops",
                               "a stop's group is an index into this request's groups");
            gids[i] = gi >= 0 ? group_ids[gi] : 0;
        }
        if (walk_store_set_stops(c, id, lons, lats, notes, gids, in->n_stops) != 0)
            return wf_fail_db(c, err, "the stops could not be saved");
    }
    return 0;
}

int wf_walk_create(struct dbc *c, const struct config *cfg, const struct wf_actor *actor,
                   const struct wf_walk_input *in, int64_t *id, struct wf_error *err)
{
    (void)cfg;
    struct walk_row w;
    memset(&w, 0, sizeof w);
    w.expected_participants = -1;
    w.public_ = 1;
    snprintf(w.state, sizeof w.state, "planned");
    snprintf(w.lang, sizeof w.lang, "sv");
    w.organiser_user_id = actor->user_id;
    char *route_text = NULL;
    int rc = -1;
    struct walk_row earlier;
    memset(&earlier, 0, sizeof earlier);
    if (wf_begin(c, err) != 0)
        return -1;
    if (in->follow_up_of) {
        /* A follow-up walks the same area and route unless told otherwise. */
        int found = walk_store_load(c, in->follow_up_of, &earlier);
        if (found < 0) {
            wf_fail_db(c, err, "the earlier walk could not be read");
            goto out;
        }
        if (!found) {
            wf_fail(err, ERR_INVALID_FORMAT, "follow_up_of", "no walk %lld to follow up",
                    (long long)in->follow_up_of);
            goto rollback;
        }
        w.follow_up_of = earlier.id;
        w.area_id = earlier.area_id;
        w.has_meeting = earlier.has_meeting;
        w.meeting_lon = earlier.meeting_lon;
        w.meeting_lat = earlier.meeting_lat;
        w.meeting_text = earlier.meeting_text ? strdup(earlier.meeting_text) : NULL;
        w.route_geojson = earlier.route_geojson ? strdup(earlier.route_geojson) : NULL;
        w.public_ = earlier.public_;
    }
    struct wf_walk_input eff = *in;
    if (in->follow_up_of) {
        /* only what the request gives overrides the copy */
        eff.has_area = in->area_code != NULL;
        eff.has_meeting_point = in->has_meeting;
        eff.has_meeting_text = in->meeting_text != NULL;
        eff.has_route = in->route.n > 0;
        eff.has_public = in->public_ >= 0;
    }
    if (apply_input(c, &eff, in->follow_up_of ? 0 : 1, &w, &route_text, err) != 0 ||
        (in->follow_up_of && apply_input(c,
                                         &(struct wf_walk_input){.title = in->title,
                                                                 .has_title = 1,
                                                                 .starts_at = in->starts_at,
                                                                 .has_starts = 1,
                                                                 .ends_at = in->ends_at,
                                                                 .has_ends = 1},
                                         0, &w, &route_text, err) != 0))
        goto rollback;
    int ins = 1;
    for (int t = 0; t < WALK_CODE_TRIES && ins == 1; t++) {
        char code[JOINCODE_BUF];
        do {
            if (joincode_generate(code, sizeof code) != 0) {
                wf_fail(err, ERR_INTERNAL, NULL, "no randomness for a join code");
                goto rollback;
            }
        } while (!strpbrk(code, "ABCDEFGHJKMNPQRSTUVWXYZ")); /* never all digits: not an id */
        snprintf(w.code, sizeof w.code, "%s", code);
        ins = walk_store_insert(c, &w, id);
    }
    if (ins != 0) {
        wf_fail_db(c, err, "the walk could not be stored");
        goto out;
    }
    struct wf_walk_input lists = *in;
    if (in->follow_up_of && !in->has_groups) {
        if (walk_store_copy_groups(c, in->follow_up_of, *id) != 0) {
            wf_fail_db(c, err, "the groups could not be copied");
            goto out;
        }
        lists.has_groups = 0;
    }
    if (write_lists(c, *id, &lists, !in->follow_up_of, err) != 0 ||
        (in->follow_up_of && write_lists(c, *id,
                                         &(struct wf_walk_input){
                                             .partners = in->partners,
                                             .n_partners = in->n_partners,
                                             .has_partners = 1,
                                             .stops = in->stops,
                                             .n_stops = in->n_stops,
                                             .has_stops = in->n_stops > 0 && !in->has_groups,
                                         },
                                         0, err) != 0))
        goto rollback;
    rc = wf_commit(c, err, "the walk could not be stored");
    goto out;
rollback:
    db_rollback(c);
out:
    if (rc != 0)
        db_rollback(c);
    walk_store_row_free(&w);
    walk_store_row_free(&earlier);
    return rc;
}

/* Loads walk id inside the open transaction and checks actor may work on it. */
static int load_for(struct dbc *c, const struct wf_actor *actor, int64_t id, struct walk_row *w,
                    struct wf_error *err)
{
    int found = walk_store_load(c, id, w);
    if (found < 0) {
        err->code = db_failure(c);
        err->field = NULL;
        snprintf(err->message, sizeof err->message, "the walk could not be read");
        return -1;
    }
    if (!found || (actor->role == ROLE_ORGANISER && w->organiser_user_id != actor->user_id) ||
        !(actor->role & (ROLE_ORGANISER | ROLE_OFFICE))) {
        walk_store_row_free(w);
        return wf_fail(err, ERR_NOT_FOUND, NULL, "no walk %lld", (long long)id);
    }
    return 0;
}

int wf_walk_visible(struct dbc *c, const struct wf_actor *actor, int64_t id, struct wf_error *err)
{
    struct walk_row w;
    if (load_for(c, actor, id, &w, err) != 0)
        return -1;
    walk_store_row_free(&w);
    return 0;
}

int wf_walk_update(struct dbc *c, const struct config *cfg, const struct wf_actor *actor,
                   int64_t id, const struct wf_walk_input *in, struct wf_error *err)
{
    (void)cfg;
    struct walk_row w;
    char *route_text = NULL;
    if (wf_begin(c, err) != 0)
        return -1;
    if (load_for(c, actor, id, &w, err) != 0) {
        db_rollback(c);
        return -1;
    }
    int rc = -1;
    if (apply_input(c, in, 0, &w, &route_text, err) != 0)
        goto rollback;
    if (in->has_state) {
        if (!in->state || !state_change_ok(w.state, in->state)) {
            wf_fail(err, ERR_INVALID_TRANSITION, "state", "a walk cannot go from %s to %s", w.state,
                    in->state ? in->state : "?");
            goto rollback;
        }
        snprintf(w.state, sizeof w.state, "%s", in->state);
    }
    if (walk_store_update(c, &w) != 0) {
        wf_fail_db(c, err, "the walk could not be saved");
        goto out;
    }
    if (write_lists(c, id, in, 0, err) != 0)
        goto rollback;
    rc = wf_commit(c, err, "the walk could not be saved");
    goto out;
rollback:
    db_rollback(c);
out:
    if (rc != 0)
        db_rollback(c);
    walk_store_row_free(&w);
    return rc;
}

json_t *wf_walk_view(struct dbc *c, const char *base, int64_t id, struct wf_error *err)
{
    int failed = 0;
    json_t *o = walk_store_json(c, id, &failed);
    if (!o) {
        if (failed)
            wf_fail(err, db_failure(c), NULL, "the walk could not be read");
        else
            wf_fail(err, ERR_NOT_FOUND, NULL, "no walk %lld", (long long)id);
        return NULL;
    }
    char url[512];
    wf_walk_join_url(base, json_string_value(json_object_get(o, "code")), url, sizeof url);
    json_object_set_new(o, "join_url", json_string(url));
    return o;
}

int wf_walk_by_code(struct dbc *c, const char *code, int64_t *id, struct wf_error *err)
{
    char norm[JOINCODE_BUF];
    if (!code || joincode_normalize(code, norm, sizeof norm) != 0)
        return wf_fail(err, ERR_UNKNOWN_WALK, "code", "no walk has the code '%s'",
                       code ? code : "");
    int64_t w = walk_store_id_by_code(c, norm);
    if (w < 0)
        return wf_fail(err, db_failure(c), NULL, "the walk could not be read");
    if (w == 0)
        return wf_fail(err, ERR_UNKNOWN_WALK, "code", "no walk has the code '%s'", norm);
    *id = w;
    return 0;
}

/* An item is still open (the checklist of a follow-up) unless fixed or not to be done. */
static int item_open(json_t *item)
{
    const char *state = json_string_value(json_object_get(item, "state"));
    json_t *ans = json_object_get(item, "answer");
    const char *a = json_is_object(ans) ? json_string_value(json_object_get(ans, "answer")) : NULL;
    if (state && (strcmp(state, "resolved") == 0 || strcmp(state, "rejected") == 0))
        return 0;
    return !(a && (strcmp(a, "done") == 0 || strcmp(a, "wont_do") == 0));
}

json_t *wf_walk_public(struct dbc *c, const struct config *cfg, const char *code, int64_t *walk_id,
                       struct wf_error *err)
{
    (void)cfg;
    int64_t id;
    if (wf_walk_by_code(c, code, &id, err) != 0)
        return NULL;
    if (walk_id)
        *walk_id = id;
    json_t *full = wf_walk_view(c, "", id, err);
    if (!full)
        return NULL;
    static const char *const public_keys[] = {"code",         "title",
                                              "area",         "starts_at",
                                              "ends_at",      "meeting_point",
                                              "meeting_text", "route",
                                              "groups",       "stops",
                                              "state",        "public",
                                              "follow_up_of", "protocol_published_at",
                                              "partners",     NULL};
    json_t *o = json_object();
    for (const char *const *k = public_keys; *k; k++) {
        json_t *v = json_object_get(full, *k);
        if (v)
            json_object_set(o, *k, v);
    }
    json_object_set_new(o, "participants",
                        json_integer(json_integer_value(
                            json_object_get(json_object_get(full, "counts"), "participants"))));
    json_decref(full);
    char *outline = walk_store_area_outline(c, id);
    json_t *g = outline ? json_loads(outline, 0, NULL) : NULL;
    free(outline);
    json_object_set_new(o, "area_outline", g ? g : json_null());
    /* A follow-up walk carries the earlier walk's open items as its checklist. */
    json_t *checklist = json_array();
    json_int_t earlier = json_integer_value(json_object_get(o, "follow_up_of"));
    if (earlier > 0) {
        json_t *items = walk_store_items(c, earlier, 0);
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it)
        {
            /* Public: a report hidden by moderation is not on it, and its text is
             * what moderation lets the public see. */
            if (!item_open(it) || !json_is_true(json_object_get(it, "public")))
                continue;
            json_array_append_new(checklist, json_pack("{s:O, s:O, s:O, s:O, s:O, s:O}", "number",
                                                       json_object_get(it, "number"), "category",
                                                       json_object_get(it, "category"), "lon",
                                                       json_object_get(it, "lon"), "lat",
                                                       json_object_get(it, "lat"), "description",
                                                       json_object_get(it, "public_description"),
                                                       "state", json_object_get(it, "state")));
        }
        json_decref(items);
    }
    json_object_set_new(o, "checklist", checklist);
    /* What the walk led to: once the protocol is published, its items with the
     * responsible parties' answers (never who answered, nor internal notes). */
    json_t *items = json_array();
    if (json_is_string(json_object_get(o, "protocol_published_at"))) {
        json_t *all = walk_store_items(c, id, 0);
        size_t i;
        json_t *it;
        json_array_foreach(all, i, it)
        {
            if (!json_is_true(json_object_get(it, "public")))
                continue; /* hidden by moderation: in no public answer */
            json_t *ans = json_object_get(it, "answer");
            json_array_append_new(
                items,
                json_pack(
                    /* "answer" is built here: "o" steals it (an "O" leaked it). */
                    "{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:o}", "number",
                    json_object_get(it, "number"), "category", json_object_get(it, "category"),
                    "description", json_object_get(it, "public_description"), "lon",
                    json_object_get(it, "lon"), "lat", json_object_get(it, "lat"), "state",
                    json_object_get(it, "state"), "action", json_object_get(it, "action"),
                    "responsible", json_object_get(json_object_get(it, "responsible"), "name"),
                    "deadline", json_object_get(it, "deadline"), "answer",
                    json_is_object(ans) ? json_pack("{s:O, s:O, s:O, s:O, s:O}", "answer",
                                                    json_object_get(ans, "answer"), "by",
                                                    json_object_get(ans, "by"), "reason",
                                                    json_object_get(ans, "reason"), "passed_to",
                                                    json_object_get(ans, "passed_to"), "comment",
                                                    json_object_get(ans, "comment"))
                                        : json_null()));
        }
        json_decref(all);
    }
    json_object_set_new(o, "items", items);
    return o;
}

int wf_walk_join(struct dbc *c, const char *code, const char *participant_id, int64_t group,
                 const char *email, int64_t *count, int *added, struct wf_error *err)
{
    int64_t id;
    if (wf_walk_by_code(c, code, &id, err) != 0)
        return -1;
    if (email && *email && !wf_email_valid(email))
        return wf_fail(err, ERR_INVALID_FORMAT, "email", "'email' is not an e-mail address");
    if (wf_begin(c, err) != 0)
        return -1;
    if (group > 0) {
        int g = walk_store_group_of(c, id, group);
        if (g < 0)
            return wf_fail_db(c, err, "the group could not be checked");
        if (!g) {
            db_rollback(c);
            return wf_fail(err, ERR_INVALID_FORMAT, "group_id", "no such group on this walk");
        }
    }
    if (walk_store_join(c, id, participant_id, group, email, added) != 0)
        return wf_fail_db(c, err, "the participant could not be counted");
    if (wf_commit(c, err, "the participant could not be counted") != 0)
        return -1;
    int failed = 0;
    json_t *w = walk_store_json(c, id, &failed);
    *count = json_integer_value(json_object_get(json_object_get(w, "counts"), "participants"));
    json_decref(w);
    return 0;
}

int wf_walk_audit(struct dbc *c, const struct config *cfg, const char *code,
                  const struct wf_audit_input *in, int64_t *id, int *repeat, struct wf_error *err)
{
    (void)cfg;
    int64_t walk;
    if (wf_walk_by_code(c, code, &walk, err) != 0)
        return -1;
    for (int i = 0; i < WALK_AUDIT_PARAMS; i++)
        if (in->ratings[i] < 0 || in->ratings[i] > 3)
            return wf_fail(err, ERR_OUT_OF_RANGE, "ratings", "'%s' must be 0, 1, 2 or 3",
                           walk_audit_params[i]);
    char client_id[40], observed[32], created[32];
    size_t n = 0;
    for (; in->client_id[n] && n + 1 < sizeof client_id; n++)
        client_id[n] =
            (char)(in->client_id[n] >= 'A' && in->client_id[n] <= 'Z' ? in->client_id[n] + 32
                                                                      : in->client_id[n]);
    client_id[n] = '\0';
    struct walk_audit_row a = {0};
    a.walk_id = walk;
    a.group_id = in->group_id;
    a.client_id = client_id;
    a.lon = in->lon;
    a.lat = in->lat;
    if (crs_wgs84_to_sweref99tm(c->crs, in->lon, in->lat, &a.e, &a.n) != 0)
        return wf_fail(err, ERR_OUT_OF_RANGE, "lon",
                       "the position cannot be expressed in SWEREF 99 TM");
    format_rfc3339(in->observed_at ? in->observed_at : (int64_t)time(NULL), observed,
                   sizeof observed);
    db_now_iso(created, sizeof created);
    a.observed_at = observed;
    a.created_at = created;
    memcpy(a.ratings, in->ratings, sizeof a.ratings);
    int inside = area_store_inside_municipality(c, in->lon, in->lat);
    if (inside < 0)
        return wf_fail_db(c, err, "the position could not be checked");
    if (!inside)
        return wf_fail(err, ERR_OUTSIDE_BOUNDARY, "lon",
                       "the position lies outside the municipality");
    if (wf_begin(c, err) != 0)
        return -1;
    if (in->group_id > 0) {
        int g = walk_store_group_of(c, walk, in->group_id);
        if (g < 0)
            return wf_fail_db(c, err, "the group could not be checked");
        if (!g) {
            db_rollback(c);
            return wf_fail(err, ERR_INVALID_FORMAT, "group_id", "no such group on this walk");
        }
    }
    int rc = walk_store_insert_audit(c, &a, id);
    if (rc < 0)
        return wf_fail_db(c, err, "the audit could not be stored");
    *repeat = rc == 1;
    if (*repeat) {
        db_rollback(c);
        return 0;
    }
    return wf_commit(c, err, "the audit could not be stored");
}

int wf_walk_item_plan(struct dbc *c, const struct wf_actor *actor, int64_t walk, int64_t obs,
                      const struct wf_item_plan *p, struct wf_error *err)
{
    struct walk_row w;
    if (p->priority < 0 || p->priority > 3)
        return wf_fail(err, ERR_OUT_OF_RANGE, "priority", "'priority' is 1, 2 or 3");
    if (p->deadline && *p->deadline && !wf_date_valid(p->deadline))
        return wf_fail(err, ERR_INVALID_FORMAT, "deadline", "'deadline' is a date YYYY-MM-DD");
    if (wf_begin(c, err) != 0)
        return -1;
    if (load_for(c, actor, walk, &w, err) != 0) {
        db_rollback(c);
        return -1;
    }
    walk_store_row_free(&w);
    struct walk_item_plan plan = {p->action, p->responsible_name, p->deadline, 0, p->priority};
    if (p->responsible_unit && *p->responsible_unit) {
        plan.responsible_unit_id = unit_store_id_by_code(c, p->responsible_unit);
        if (plan.responsible_unit_id < 0)
            return wf_fail_db(c, err, "the unit could not be checked");
        if (plan.responsible_unit_id == 0) {
            db_rollback(c);
            return wf_fail(err, ERR_INVALID_FORMAT, "responsible_unit", "no unit has the code '%s'",
                           p->responsible_unit);
        }
    }
    int rc = walk_store_plan_item(c, walk, obs, &plan);
    if (rc < 0)
        return wf_fail_db(c, err, "the item could not be saved");
    if (rc == 0) {
        db_rollback(c);
        return wf_fail(err, ERR_NOT_FOUND, NULL, "observation %lld is not on walk %lld",
                       (long long)obs, (long long)walk);
    }
    return wf_commit(c, err, "the item could not be saved");
}

int wf_walk_item_answer(struct dbc *c, const struct wf_actor *actor, int64_t walk, int64_t obs,
                        const struct walk_item_answer *a, struct wf_error *err)
{
    static const char *const answers[] = {"will_do", "done", "wont_do", "not_ours", NULL};
    int known = 0;
    for (const char *const *k = answers; *k && a->answer; k++)
        known |= strcmp(*k, a->answer) == 0;
    if (!known)
        return wf_fail(err, ERR_INVALID_FORMAT, "answer",
                       "'answer' is will_do, done, wont_do or not_ours");
    if (strcmp(a->answer, "wont_do") == 0 && (!a->reason || !*a->reason))
        return wf_fail(err, ERR_MISSING_FIELD, "reason", "say why it will not be done");
    if (strcmp(a->answer, "not_ours") == 0 && (!a->passed_to || !*a->passed_to))
        return wf_fail(err, ERR_MISSING_FIELD, "passed_to", "say whom it was passed to");
    if (wf_begin(c, err) != 0)
        return -1;
    int64_t unit = walk_store_item_unit(c, walk, obs);
    if (unit < 0 || (actor->role == ROLE_UNIT && unit != actor->unit_id) ||
        !(actor->role & (ROLE_UNIT | ROLE_OFFICE))) {
        db_rollback(c);
        return wf_fail(err, ERR_NOT_FOUND, NULL, "no item %lld on walk %lld for you",
                       (long long)obs, (long long)walk);
    }
    struct walk_item_answer ans = *a;
    ans.actor = actor->label;
    int rc = walk_store_answer_item(c, walk, obs, &ans);
    if (rc <= 0)
        return wf_fail_db(c, err, "the answer could not be saved");
    return wf_commit(c, err, "the answer could not be saved");
}

json_t *wf_walk_items(struct dbc *c, const struct wf_actor *actor, int64_t walk,
                      struct wf_error *err)
{
    if (actor->role != ROLE_UNIT && wf_walk_visible(c, actor, walk, err) != 0)
        return NULL;
    json_t *items = walk_store_items(c, walk, actor->role == ROLE_UNIT ? actor->unit_id : 0);
    if (!items)
        wf_fail(err, db_failure(c), NULL, "the items could not be read");
    return items;
}

int wf_walk_publish(struct dbc *c, const struct config *cfg, const struct wf_actor *actor,
                    int64_t walk, int *queued, struct wf_error *err)
{
    struct walk_row w;
    *queued = 0;
    if (wf_begin(c, err) != 0)
        return -1;
    if (load_for(c, actor, walk, &w, err) != 0) {
        db_rollback(c);
        return -1;
    }
    char url[600];
    snprintf(url, sizeof url, "%s/walks/%s", cfg->public_base_url, w.code);
    json_t *payload = json_pack("{s:s, s:s, s:s, s:s}", "event", "walk.protocol_ready", "title",
                                w.title ? w.title : "", "code", w.code, "url", url);
    char *text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
    json_decref(payload);
    walk_store_row_free(&w);
    if (!text) {
        db_rollback(c);
        return wf_fail(err, ERR_INTERNAL, NULL, "out of memory");
    }
    json_t *emails = walk_store_participant_emails(c, walk);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    size_t i;
    json_t *e;
    int rc = 0;
    if (cfg->smtp_url[0]) {
        json_array_foreach(emails, i, e)
        {
            if (outbox_store_insert_participant(c, walk, json_string_value(e), text, now) != 0)
                rc = -1;
            else
                (*queued)++;
        }
    }
    json_decref(emails);
    free(text);
    if (rc != 0 || walk_store_mark_published(c, walk) != 0)
        return wf_fail_db(c, err, "the protocol could not be published");
    return wf_commit(c, err, "the protocol could not be published");
}
