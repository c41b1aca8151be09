/*
 * walk_store — see walk_store.h. Every SELECT's columns are read by named position.
 */
#include "walk_store.h"
#include "ogc_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const walk_audit_params[WALK_AUDIT_PARAMS] = {
    "lighting",  "openness",         "visibility",   "people", "security",
    "walk_path", "public_transport", "gender_usage", "feeling"};

static char *dup_text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? strdup((const char *)s) : NULL;
}

static json_t *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? json_string((const char *)s) : json_null();
}

static json_t *col_int_or_null(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null()
                                                     : json_integer(sqlite3_column_int64(st, i));
}

/* A GeoJSON text column as a JSON value (null when NULL or unreadable). */
static json_t *col_geojson(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    json_t *g = s ? json_loads(s, 0, NULL) : NULL;
    return g ? g : json_null();
}

void walk_store_row_free(struct walk_row *w)
{
    free(w->title);
    free(w->starts_at);
    free(w->ends_at);
    free(w->meeting_text);
    free(w->meeting_held_on);
    free(w->protocol_published_at);
    free(w->route_geojson);
    memset(w, 0, sizeof *w);
}

/* ---- the walk row ---------------------------------------------------------- */

static const char SQL_INSERT[] =
    "INSERT INTO walks (code, title, area_id, starts_at, ends_at, meeting_text, "
    "expected_participants, public, state, organiser_user_id, follow_up_of, meeting_held_on, "
    "lang, meeting_point, route, updated_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
    "?9, ?10, ?11, ?12, ?13, CASE WHEN ?14 THEN MakePoint(?15, ?16, 4326) END, "
    "CASE WHEN ?17 IS NOT NULL THEN SetSRID(GeomFromGeoJSON(?17), 4326) END, "
    "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";
static const char SQL_UPDATE[] =
    "UPDATE walks SET code = ?1, title = ?2, area_id = ?3, starts_at = ?4, ends_at = ?5, "
    "meeting_text = ?6, expected_participants = ?7, public = ?8, state = ?9, "
    "organiser_user_id = ?10, follow_up_of = ?11, meeting_held_on = ?12, lang = ?13, "
    "meeting_point = CASE WHEN ?14 THEN MakePoint(?15, ?16, 4326) END, "
    "route = CASE WHEN ?17 IS NOT NULL THEN SetSRID(GeomFromGeoJSON(?17), 4326) END, "
    "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?18";

static void bind_row(sqlite3_stmt *st, const struct walk_row *w)
{
    sqlite3_bind_text(st, 1, w->code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, w->title, -1, SQLITE_TRANSIENT);
    if (w->area_id > 0)
        sqlite3_bind_int64(st, 3, w->area_id);
    db_bind_text_or_null(st, 4, w->starts_at);
    db_bind_text_or_null(st, 5, w->ends_at);
    db_bind_text_or_null(st, 6, w->meeting_text);
    if (w->expected_participants >= 0)
        sqlite3_bind_int(st, 7, w->expected_participants);
    sqlite3_bind_int(st, 8, w->public_ ? 1 : 0);
    sqlite3_bind_text(st, 9, w->state[0] ? w->state : "planned", -1, SQLITE_TRANSIENT);
    if (w->organiser_user_id > 0)
        sqlite3_bind_int64(st, 10, w->organiser_user_id);
    if (w->follow_up_of > 0)
        sqlite3_bind_int64(st, 11, w->follow_up_of);
    db_bind_text_or_null(st, 12, w->meeting_held_on);
    sqlite3_bind_text(st, 13, w->lang[0] ? w->lang : "sv", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 14, w->has_meeting);
    sqlite3_bind_double(st, 15, w->meeting_lon);
    sqlite3_bind_double(st, 16, w->meeting_lat);
    db_bind_text_or_null(st, 17, w->route_geojson);
}

int walk_store_insert(struct dbc *c, const struct walk_row *w, int64_t *id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_INSERT);
    if (!st)
        return -1;
    bind_row(st, w);
    int rc = sqlite3_step(st);
    db_done(st);
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
        return 1;
    if (rc != SQLITE_DONE)
        return -1;
    *id = sqlite3_last_insert_rowid(c->db);
    return 0;
}

int walk_store_update(struct dbc *c, const struct walk_row *w)
{
    sqlite3_stmt *st = db_stmt(c, SQL_UPDATE);
    if (!st)
        return -1;
    bind_row(st, w);
    sqlite3_bind_int64(st, 18, w->id);
    return db_run(st);
}

static const char SQL_LOAD[] =
    "SELECT id, code, title, coalesce(area_id, 0), starts_at, ends_at, meeting_text, "
    "coalesce(expected_participants, -1), public, state, coalesce(organiser_user_id, 0), "
    "coalesce(follow_up_of, 0), meeting_held_on, protocol_published_at, lang, "
    "meeting_point IS NOT NULL, X(meeting_point), Y(meeting_point), AsGeoJSON(route, 7) "
    "FROM walks WHERE id = ?";
enum {
    L_ID,
    L_CODE,
    L_TITLE,
    L_AREA,
    L_STARTS,
    L_ENDS,
    L_MEETING_TEXT,
    L_EXPECTED,
    L_PUBLIC,
    L_STATE,
    L_ORGANISER,
    L_FOLLOW_UP_OF,
    L_MEETING_HELD,
    L_PUBLISHED,
    L_LANG,
    L_HAS_MEETING,
    L_MEETING_LON,
    L_MEETING_LAT,
    L_ROUTE
};

int walk_store_load(struct dbc *c, int64_t id, struct walk_row *w)
{
    memset(w, 0, sizeof *w);
    sqlite3_stmt *st = db_stmt(c, SQL_LOAD);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        w->id = sqlite3_column_int64(st, L_ID);
        snprintf(w->code, sizeof w->code, "%s", sqlite3_column_text(st, L_CODE));
        w->title = dup_text(st, L_TITLE);
        w->area_id = sqlite3_column_int64(st, L_AREA);
        w->starts_at = dup_text(st, L_STARTS);
        w->ends_at = dup_text(st, L_ENDS);
        w->meeting_text = dup_text(st, L_MEETING_TEXT);
        w->expected_participants = sqlite3_column_int(st, L_EXPECTED);
        w->public_ = sqlite3_column_int(st, L_PUBLIC);
        snprintf(w->state, sizeof w->state, "%s", sqlite3_column_text(st, L_STATE));
        w->organiser_user_id = sqlite3_column_int64(st, L_ORGANISER);
        w->follow_up_of = sqlite3_column_int64(st, L_FOLLOW_UP_OF);
        w->meeting_held_on = dup_text(st, L_MEETING_HELD);
        w->protocol_published_at = dup_text(st, L_PUBLISHED);
        snprintf(w->lang, sizeof w->lang, "%s", sqlite3_column_text(st, L_LANG));
        w->has_meeting = sqlite3_column_int(st, L_HAS_MEETING);
        w->meeting_lon = sqlite3_column_double(st, L_MEETING_LON);
        w->meeting_lat = sqlite3_column_double(st, L_MEETING_LAT);
        w->route_geojson = dup_text(st, L_ROUTE);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = -1;
    }
    db_done(st);
    return found;
}

static const char SQL_BY_CODE[] = "SELECT id FROM walks WHERE code = ?";

int64_t walk_store_id_by_code(struct dbc *c, const char *code)
{
    return db_lookup_id(c, SQL_BY_CODE, code);
}

/* ---- partners, groups, stops ------------------------------------------------ */

static const char SQL_DEL_PARTNERS[] = "DELETE FROM walk_partners WHERE walk_id = ?";
static const char SQL_ADD_PARTNER[] =
    "INSERT INTO walk_partners (walk_id, position, unit_id, name) VALUES (?, ?, ?, ?)";

/* Runs a DELETE ... WHERE walk_id = ?. */
static int delete_of(struct dbc *c, const char *sql, int64_t walk)
{
    sqlite3_stmt *st = db_stmt(c, sql);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, walk);
    return db_run(st);
}

int walk_store_set_partners(struct dbc *c, int64_t walk, const int64_t *unit_ids,
                            const char *const *names, size_t n)
{
    if (delete_of(c, SQL_DEL_PARTNERS, walk) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *st = db_stmt(c, SQL_ADD_PARTNER);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, walk);
        sqlite3_bind_int64(st, 2, (int64_t)i);
        if (unit_ids[i] > 0)
            sqlite3_bind_int64(st, 3, unit_ids[i]);
        sqlite3_bind_text(st, 4, names[i], -1, SQLITE_TRANSIENT);
        if (db_run(st) != 0)
            return -1;
    }
    return 0;
}

static const char SQL_DEL_GROUPS[] = "DELETE FROM walk_groups WHERE walk_id = ?";
static const char SQL_ADD_GROUP[] =
    "INSERT INTO walk_groups (walk_id, position, name, route) VALUES (?1, ?2, ?3, "
    "CASE WHEN ?4 IS NOT NULL THEN SetSRID(GeomFromGeoJSON(?4), 4326) END)";

int walk_store_set_groups(struct dbc *c, int64_t walk, const char *const *names,
                          const char *const *routes, size_t n, int64_t *ids_out)
{
    if (delete_of(c, SQL_DEL_GROUPS, walk) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *st = db_stmt(c, SQL_ADD_GROUP);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, walk);
        sqlite3_bind_int64(st, 2, (int64_t)i);
        sqlite3_bind_text(st, 3, names[i], -1, SQLITE_TRANSIENT);
        db_bind_text_or_null(st, 4, routes ? routes[i] : NULL);
        if (db_run(st) != 0)
            return -1;
        if (ids_out)
            ids_out[i] = sqlite3_last_insert_rowid(c->db);
    }
    return 0;
}

static const char SQL_COPY_GROUPS[] =
    "INSERT INTO walk_groups (walk_id, position, name, route) SELECT ?2, position, name, route "
    "FROM walk_groups WHERE walk_id = ?1 ORDER BY position";

int walk_store_copy_groups(struct dbc *c, int64_t from, int64_t to)
{
    sqlite3_stmt *st = db_stmt(c, SQL_COPY_GROUPS);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    return db_run(st);
}

static const char SQL_DEL_STOPS[] = "DELETE FROM walk_stops WHERE walk_id = ?";
static const char SQL_ADD_STOP[] = "INSERT INTO walk_stops (walk_id, position, group_id, lon, "
                                   "lat, note) VALUES (?, ?, ?, ?, ?, ?)";

int walk_store_set_stops(struct dbc *c, int64_t walk, const double *lons, const double *lats,
                         const char *const *notes, const int64_t *group_ids, size_t n)
{
    if (delete_of(c, SQL_DEL_STOPS, walk) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *st = db_stmt(c, SQL_ADD_STOP);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, walk);
        sqlite3_bind_int64(st, 2, (int64_t)i);
        if (group_ids && group_ids[i] > 0)
            sqlite3_bind_int64(st, 3, group_ids[i]);
        sqlite3_bind_double(st, 4, lons[i]);
        sqlite3_bind_double(st, 5, lats[i]);
        db_bind_text_or_null(st, 6, notes[i]);
        if (db_run(st) != 0)
            return -1;
    }
    return 0;
}

static const char SQL_GROUP_OF[] = "SELECT 1 FROM walk_groups WHERE walk_id = ? AND id = ?";

int walk_store_group_of(struct dbc *c, int64_t walk, int64_t group)
{
    return db_exists_pair(c, SQL_GROUP_OF, walk, group);
}

/* ---- participants ------------------------------------------------------------- */

static const char SQL_JOIN[] =
    "INSERT INTO walk_participants (walk_id, participant_id, group_id, email) VALUES (?1, ?2, "
    "?3, ?4) ON CONFLICT (walk_id, participant_id) DO UPDATE SET group_id = coalesce(?3, "
    "group_id), email = coalesce(?4, email)";
static const char SQL_IS_PARTICIPANT[] =
    "SELECT 1 FROM walk_participants WHERE walk_id = ? AND participant_id = ?";

int walk_store_join(struct dbc *c, int64_t walk, const char *participant_id, int64_t group,
                    const char *email, int *added)
{
    sqlite3_stmt *st = db_stmt(c, SQL_IS_PARTICIPANT);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, walk);
    sqlite3_bind_text(st, 2, participant_id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    db_done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    *added = rc == SQLITE_DONE;
    st = db_stmt(c, SQL_JOIN);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, walk);
    sqlite3_bind_text(st, 2, participant_id, -1, SQLITE_TRANSIENT);
    if (group > 0)
        sqlite3_bind_int64(st, 3, group);
    db_bind_text_or_null(st, 4, email && *email ? email : NULL);
    return db_run(st);
}

static const char SQL_EMAILS[] = "SELECT DISTINCT email FROM walk_participants WHERE walk_id = ? "
                                 "AND email IS NOT NULL ORDER BY email";

json_t *walk_store_participant_emails(struct dbc *c, int64_t walk)
{
    json_t *arr = json_array();
    sqlite3_stmt *st = db_stmt(c, SQL_EMAILS);
    if (!st)
        return arr;
    sqlite3_bind_int64(st, 1, walk);
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(arr, col_text(st, 0));
    db_done(st);
    return arr;
}

static const char SQL_PARTICIPATIONS[] =
    "SELECT w.id, w.code, w.title, p.joined_at, p.email FROM walk_participants p JOIN walks w "
    "ON w.id = p.walk_id WHERE lower(trim(p.email)) = lower(trim(?)) ORDER BY p.joined_at, w.id";

json_t *walk_store_participations_of_email(struct dbc *c, const char *email)
{
    sqlite3_stmt *st = db_stmt(c, SQL_PARTICIPATIONS);
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, email, -1, SQLITE_TRANSIENT);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, json_pack("{s:I, s:o, s:o, s:o, s:o}", "walk_id",
                                             (json_int_t)sqlite3_column_int64(st, 0), "code",
                                             col_text(st, 1), "title", col_text(st, 2), "joined_at",
                                             col_text(st, 3), "email", col_text(st, 4)));
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

static const char SQL_ERASE_EMAIL[] =
    "UPDATE walk_participants SET email = NULL WHERE lower(trim(email)) = lower(trim(?))";

int walk_store_erase_email(struct dbc *c, const char *email, int *n)
{
    sqlite3_stmt *st = db_stmt(c, SQL_ERASE_EMAIL);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, email, -1, SQLITE_TRANSIENT);
    if (db_run(st) != 0)
        return -1;
    *n = sqlite3_changes(c->db);
    return 0;
}

/* ---- audits -------------------------------------------------------------------- */

static const char SQL_AUDIT_INSERT[] =
    "INSERT INTO walk_audits (walk_id, client_id, group_id, lon, lat, e, n, observed_at, "
    "created_at, lighting, openness, visibility, people, security, walk_path, public_transport, "
    "gender_usage, feeling) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_AUDIT_BY_CLIENT[] = "SELECT id FROM walk_audits WHERE client_id = ?";

int walk_store_insert_audit(struct dbc *c, const struct walk_audit_row *a, int64_t *id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_AUDIT_INSERT);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, a->walk_id);
    sqlite3_bind_text(st, 2, a->client_id, -1, SQLITE_TRANSIENT);
    if (a->group_id > 0)
        sqlite3_bind_int64(st, 3, a->group_id);
    sqlite3_bind_double(st, 4, a->lon);
    sqlite3_bind_double(st, 5, a->lat);
    sqlite3_bind_double(st, 6, a->e);
    sqlite3_bind_double(st, 7, a->n);
    sqlite3_bind_text(st, 8, a->observed_at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 9, a->created_at, -1, SQLITE_TRANSIENT);
    for (int i = 0; i < WALK_AUDIT_PARAMS; i++)
        sqlite3_bind_int(st, 10 + i, a->ratings[i]);
    int rc = sqlite3_step(st);
    db_done(st);
    if (rc == SQLITE_CONSTRAINT_UNIQUE) {
        int64_t existing = db_lookup_id(c, SQL_AUDIT_BY_CLIENT, a->client_id);
        if (existing <= 0)
            return -1;
        *id = existing;
        return 1;
    }
    if (rc != SQLITE_DONE)
        return -1;
    *id = sqlite3_last_insert_rowid(c->db);
    return 0;
}

#define AUDIT_SELECT                                                                               \
    "SELECT a.id, a.lon, a.lat, a.observed_at, a.group_id, g.name, a.lighting, a.openness, "       \
    "a.visibility, a.people, a.security, a.walk_path, a.public_transport, a.gender_usage, "        \
    "a.feeling FROM walk_audits a LEFT JOIN walk_groups g ON g.id = a.group_id "
enum { A_ID, A_LON, A_LAT, A_OBSERVED, A_GROUP_ID, A_GROUP_NAME, A_FIRST_RATING };

static json_t *audit_json(sqlite3_stmt *st)
{
    json_t *ratings = json_object();
    for (int i = 0; i < WALK_AUDIT_PARAMS; i++)
        json_object_set_new(ratings, walk_audit_params[i],
                            json_integer(sqlite3_column_int(st, A_FIRST_RATING + i)));
    return json_pack(
        "{s:I, s:f, s:f, s:o, s:o, s:o, s:o}", "id", (json_int_t)sqlite3_column_int64(st, A_ID),
        "lon", sqlite3_column_double(st, A_LON), "lat", sqlite3_column_double(st, A_LAT),
        "observed_at", col_text(st, A_OBSERVED), "group_id", col_int_or_null(st, A_GROUP_ID),
        "group", col_text(st, A_GROUP_NAME), "ratings", ratings);
}

static const char SQL_AUDIT_ONE[] = AUDIT_SELECT "WHERE a.id = ?";
static const char SQL_AUDITS[] = AUDIT_SELECT "WHERE a.walk_id = ? AND a.id > ? ORDER BY a.id";

json_t *walk_store_audit_json(struct dbc *c, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_AUDIT_ONE);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    json_t *o = sqlite3_step(st) == SQLITE_ROW ? audit_json(st) : NULL;
    db_done(st);
    return o;
}

json_t *walk_store_audits(struct dbc *c, int64_t walk, int64_t after)
{
    sqlite3_stmt *st = db_stmt(c, SQL_AUDITS);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, walk);
    sqlite3_bind_int64(st, 2, after);
    return db_json_rows(st, audit_json);
}

static const char SQL_AUDIT_SUMMARY[] =
    "SELECT count(*), avg(lighting), avg(openness), avg(visibility), avg(people), "
    "avg(security), avg(walk_path), avg(public_transport), avg(gender_usage), avg(feeling) "
    "FROM walk_audits WHERE walk_id = ?";

json_t *walk_store_audit_summary(struct dbc *c, int64_t walk)
{
    json_t *o = json_object();
    sqlite3_stmt *st = db_stmt(c, SQL_AUDIT_SUMMARY);
    if (!st)
        return o;
    sqlite3_bind_int64(st, 1, walk);
    if (sqlite3_step(st) == SQLITE_ROW) {
        int n = sqlite3_column_int(st, 0);
        for (int i = 0; i < WALK_AUDIT_PARAMS; i++)
            json_object_set_new(
                o, walk_audit_params[i],
                json_pack("{s:o, s:i}", "mean",
                          n ? json_real(sqlite3_column_double(st, 1 + i)) : json_null(), "count",
                          n));
    }
    db_done(st);
    return o;
}

/* ---- protocol items -------------------------------------------------------------- */

static const char SQL_ADD_ITEM[] =
    "INSERT INTO walk_items (observation_id, walk_id, number, group_id, updated_at) VALUES (?1, "
    "?2, (SELECT coalesce(max(number), 0) + 1 FROM walk_items WHERE walk_id = ?2), ?3, "
    "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";

int walk_store_add_item(struct dbc *c, int64_t walk, int64_t obs, int64_t group)
{
    sqlite3_stmt *st = db_stmt(c, SQL_ADD_ITEM);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, obs);
    sqlite3_bind_int64(st, 2, walk);
    if (group > 0)
        sqlite3_bind_int64(st, 3, group);
    return db_run(st);
}

static const char SQL_ITEM_WALK[] = "SELECT walk_id FROM walk_items WHERE observation_id = ?";

int64_t walk_store_item_walk(struct dbc *c, int64_t obs)
{
    sqlite3_stmt *st = db_stmt(c, SQL_ITEM_WALK);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, obs);
    int rc = sqlite3_step(st);
    int64_t w = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : rc == SQLITE_DONE ? 0 : -1;
    db_done(st);
    return w;
}

static const char SQL_PLAN_ITEM[] =
    "UPDATE walk_items SET action = ?3, responsible_unit_id = ?4, responsible_name = ?5, "
    "priority = ?6, deadline = ?7, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
    "WHERE walk_id = ?1 AND observation_id = ?2";

int walk_store_plan_item(struct dbc *c, int64_t walk, int64_t obs, const struct walk_item_plan *p)
{
    sqlite3_stmt *st = db_stmt(c, SQL_PLAN_ITEM);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, walk);
    sqlite3_bind_int64(st, 2, obs);
    db_bind_text_or_null(st, 3, p->action && *p->action ? p->action : NULL);
    if (p->responsible_unit_id > 0)
        sqlite3_bind_int64(st, 4, p->responsible_unit_id);
    db_bind_text_or_null(st, 5,
                         p->responsible_name && *p->responsible_name ? p->responsible_name : NULL);
    if (p->priority > 0)
        sqlite3_bind_int(st, 6, p->priority);
    db_bind_text_or_null(st, 7, p->deadline && *p->deadline ? p->deadline : NULL);
    if (db_run(st) != 0)
        return -1;
    return sqlite3_changes(c->db) > 0;
}

static const char SQL_ANSWER_ITEM[] =
    "UPDATE walk_items SET answer = ?3, answer_by = ?4, answer_reason = ?5, answer_passed_to = "
    "?6, answer_comment = ?7, answer_actor = ?8, answer_at = strftime('%Y-%m-%dT%H:%M:%SZ', "
    "'now'), updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE walk_id = ?1 AND "
    "observation_id = ?2";

int walk_store_answer_item(struct dbc *c, int64_t walk, int64_t obs,
                           const struct walk_item_answer *a)
{
    sqlite3_stmt *st = db_stmt(c, SQL_ANSWER_ITEM);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, walk);
    sqlite3_bind_int64(st, 2, obs);
    sqlite3_bind_text(st, 3, a->answer, -1, SQLITE_TRANSIENT);
    db_bind_text_or_null(st, 4, a->by);
    db_bind_text_or_null(st, 5, a->reason);
    db_bind_text_or_null(st, 6, a->passed_to);
    db_bind_text_or_null(st, 7, a->comment && *a->comment ? a->comment : NULL);
    db_bind_text_or_null(st, 8, a->actor);
    if (db_run(st) != 0)
        return -1;
    return sqlite3_changes(c->db) > 0;
}

static const char SQL_ITEM_UNIT[] = "SELECT coalesce(responsible_unit_id, 0) FROM walk_items "
                                    "WHERE walk_id = ? AND observation_id = ?";

int64_t walk_store_item_unit(struct dbc *c, int64_t walk, int64_t obs)
{
    sqlite3_stmt *st = db_stmt(c, SQL_ITEM_UNIT);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, walk);
    sqlite3_bind_int64(st, 2, obs);
    int64_t u = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    db_done(st);
    return u;
}

static const char SQL_PUBLISHED[] =
    "UPDATE walks SET protocol_published_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), "
    "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?";

int walk_store_mark_published(struct dbc *c, int64_t walk)
{
    sqlite3_stmt *st = db_stmt(c, SQL_PUBLISHED);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, walk);
    return db_run(st);
}

/* ---- read models ------------------------------------------------------------------ */

#define WALK_SELECT                                                                                \
    "SELECT w.id, w.code, w.title, a.id, a.code, a.name, w.starts_at, w.ends_at, "                 \
    "w.meeting_point IS NOT NULL, X(w.meeting_point), Y(w.meeting_point), w.meeting_text, "        \
    "AsGeoJSON(w.route, 7), w.expected_participants, w.public, w.state, u.id, u.username, "        \
    "w.follow_up_of, (SELECT json_group_array(f.id) FROM walks f WHERE f.follow_up_of = w.id), "   \
    "w.meeting_held_on, w.protocol_published_at, "                                                 \
    "(SELECT count(*) FROM walk_participants p WHERE p.walk_id = w.id), "                          \
    "(SELECT count(*) FROM walk_items i WHERE i.walk_id = w.id), "                                 \
    "(SELECT count(*) FROM walk_audits x WHERE x.walk_id = w.id), w.created_at, w.updated_at, "    \
    "w.lang FROM walks w LEFT JOIN areas a ON a.id = w.area_id "                                   \
    "LEFT JOIN users u ON u.id = w.organiser_user_id "
enum {
    W_ID,
    W_CODE,
    W_TITLE,
    W_AREA_ID,
    W_AREA_CODE,
    W_AREA_NAME,
    W_STARTS,
    W_ENDS,
    W_HAS_MEETING,
    W_MEETING_LON,
    W_MEETING_LAT,
    W_MEETING_TEXT,
    W_ROUTE,
    W_EXPECTED,
    W_PUBLIC,
    W_STATE,
    W_ORGANISER_ID,
    W_ORGANISER_NAME,
    W_FOLLOW_UP_OF,
    W_FOLLOW_UPS,
    W_MEETING_HELD,
    W_PUBLISHED,
    W_PARTICIPANTS,
    W_ITEMS,
    W_AUDITS,
    W_CREATED,
    W_UPDATED,
    W_LANG
};

static json_t *walk_json(sqlite3_stmt *st)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, W_ID)));
    json_object_set_new(o, "code", col_text(st, W_CODE));
    json_object_set_new(o, "title", col_text(st, W_TITLE));
    json_object_set_new(
        o, "area",
        sqlite3_column_type(st, W_AREA_ID) == SQLITE_NULL
            ? json_null()
            : json_pack("{s:I, s:o, s:o}", "id", (json_int_t)sqlite3_column_int64(st, W_AREA_ID),
                        "code", col_text(st, W_AREA_CODE), "name", col_text(st, W_AREA_NAME)));
    json_object_set_new(o, "starts_at", col_text(st, W_STARTS));
    json_object_set_new(o, "ends_at", col_text(st, W_ENDS));
    json_object_set_new(o, "meeting_point",
                        sqlite3_column_int(st, W_HAS_MEETING)
                            ? json_pack("{s:f, s:f}", "lon",
                                        sqlite3_column_double(st, W_MEETING_LON), "lat",
                                        sqlite3_column_double(st, W_MEETING_LAT))
                            : json_null());
    json_object_set_new(o, "meeting_text", col_text(st, W_MEETING_TEXT));
    json_object_set_new(o, "route", col_geojson(st, W_ROUTE));
    json_object_set_new(o, "expected_participants", col_int_or_null(st, W_EXPECTED));
    json_object_set_new(o, "public", json_boolean(sqlite3_column_int(st, W_PUBLIC)));
    json_object_set_new(o, "state", col_text(st, W_STATE));
    json_object_set_new(o, "organiser",
                        sqlite3_column_type(st, W_ORGANISER_ID) == SQLITE_NULL
                            ? json_null()
                            : json_pack("{s:I, s:o}", "id",
                                        (json_int_t)sqlite3_column_int64(st, W_ORGANISER_ID),
                                        "username", col_text(st, W_ORGANISER_NAME)));
    json_object_set_new(o, "follow_up_of", col_int_or_null(st, W_FOLLOW_UP_OF));
    json_object_set_new(o, "follow_ups", col_geojson(st, W_FOLLOW_UPS));
    json_object_set_new(o, "meeting_held_on", col_text(st, W_MEETING_HELD));
    json_object_set_new(o, "protocol_published_at", col_text(st, W_PUBLISHED));
    json_object_set_new(o, "counts",
                        json_pack("{s:i, s:i, s:i}", "participants",
                                  sqlite3_column_int(st, W_PARTICIPANTS), "observations",
                                  sqlite3_column_int(st, W_ITEMS), "audits",
                                  sqlite3_column_int(st, W_AUDITS)));
    json_object_set_new(o, "created_at", col_text(st, W_CREATED));
    json_object_set_new(o, "updated_at", col_text(st, W_UPDATED));
    json_object_set_new(o, "lang", col_text(st, W_LANG));
    return o;
}

static const char SQL_PARTNERS[] =
    "SELECT p.unit_id, u.code, u.name, p.name FROM walk_partners p LEFT JOIN units u ON u.id = "
    "p.unit_id WHERE p.walk_id = ? ORDER BY p.position";
static const char SQL_GROUPS[] = "SELECT id, name, AsGeoJSON(route, 7) FROM walk_groups WHERE "
                                 "walk_id = ? ORDER BY position";
static const char SQL_STOPS[] = "SELECT id, lon, lat, note, group_id FROM walk_stops WHERE "
                                "walk_id = ? ORDER BY position";
static const char SQL_WALK_ONE[] = WALK_SELECT "WHERE w.id = ?";

json_t *walk_store_json(struct dbc *c, int64_t id, int *failed)
{
    *failed = 0;
    sqlite3_stmt *st = db_stmt(c, SQL_WALK_ONE);
    if (!st) {
        *failed = 1;
        return NULL;
    }
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    json_t *o = rc == SQLITE_ROW ? walk_json(st) : NULL;
    db_done(st);
    if (!o) {
        *failed = rc != SQLITE_DONE;
        return NULL;
    }
    json_t *partners = json_array(), *groups = json_array(), *stops = json_array();
    if ((st = db_stmt(c, SQL_PARTNERS)) != NULL) {
        sqlite3_bind_int64(st, 1, id);
        while (sqlite3_step(st) == SQLITE_ROW)
            json_array_append_new(
                partners, json_pack("{s:o, s:o}", "unit",
                                    sqlite3_column_type(st, 0) == SQLITE_NULL
                                        ? json_null()
                                        : json_pack("{s:I, s:o, s:o}", "id",
                                                    (json_int_t)sqlite3_column_int64(st, 0), "code",
                                                    col_text(st, 1), "name", col_text(st, 2)),
                                    "name", col_text(st, 3)));
        db_done(st);
    }
    if ((st = db_stmt(c, SQL_GROUPS)) != NULL) {
        sqlite3_bind_int64(st, 1, id);
        while (sqlite3_step(st) == SQLITE_ROW)
            json_array_append_new(groups, json_pack("{s:I, s:o, s:o}", "id",
                                                    (json_int_t)sqlite3_column_int64(st, 0), "name",
                                                    col_text(st, 1), "route", col_geojson(st, 2)));
        db_done(st);
    }
    if ((st = db_stmt(c, SQL_STOPS)) != NULL) {
        sqlite3_bind_int64(st, 1, id);
        while (sqlite3_step(st) == SQLITE_ROW)
            json_array_append_new(
                stops, json_pack("{s:I, s:f, s:f, s:o, s:o}", "id",
                                 (json_int_t)sqlite3_column_int64(st, 0), "lon",
                                 sqlite3_column_double(st, 1), "lat", sqlite3_column_double(st, 2),
                                 "note", col_text(st, 3), "group_id", col_int_or_null(st, 4)));
        db_done(st);
    }
    json_object_set_new(o, "partners", partners);
    json_object_set_new(o, "groups", groups);
    json_object_set_new(o, "stops", stops);
    return o;
}

static const char SQL_WALK_LIST[] =
    WALK_SELECT "WHERE (?1 IS NULL OR a.code = ?1) AND (?2 IS NULL OR w.state = ?2) "
                "AND (?3 IS NULL OR w.starts_at >= ?3) AND (?4 IS NULL OR w.starts_at < ?4) "
                "AND (?5 = 0 OR w.organiser_user_id = ?5) AND (?6 = 0 OR w.public = 1) "
                "AND (?8 = 0 OR EXISTS (SELECT 1 FROM walk_items i WHERE i.walk_id = w.id AND "
                "i.responsible_unit_id = ?8)) "
                "ORDER BY w.starts_at IS NULL, w.starts_at, w.id LIMIT ?7";

json_t *walk_store_list(struct dbc *c, const struct walk_filter *f)
{
    sqlite3_stmt *st = db_stmt(c, SQL_WALK_LIST);
    if (!st)
        return NULL;
    db_bind_text_or_null(st, 1, f->area_code);
    db_bind_text_or_null(st, 2, f->state);
    db_bind_text_or_null(st, 3, f->from);
    db_bind_text_or_null(st, 4, f->to);
    sqlite3_bind_int64(st, 5, f->organiser_user_id);
    sqlite3_bind_int(st, 6, f->public_only);
    sqlite3_bind_int(st, 7, f->limit > 0 ? f->limit : 200);
    sqlite3_bind_int64(st, 8, f->responsible_unit_id);
    return db_json_rows(st, walk_json);
}

#define ITEM_SELECT                                                                                \
    "SELECT i.number, i.observation_id, o.category, o.description, o.lon, o.lat, o.e, o.n, "       \
    "ar.name, g.name, o.unsafe_rating, o.light, "                                                  \
    "(SELECT p.id FROM photos p WHERE p.observation_id = o.id ORDER BY p.created_at LIMIT 1), "    \
    "c.state, i.action, ru.id, ru.code, ru.name, i.responsible_name, i.priority, i.deadline, "     \
    "i.answer, i.answer_by, i.answer_reason, i.answer_passed_to, i.answer_comment, i.answer_at, "  \
    "i.answer_actor, o.observed_at, i.group_id, c.reject_reason, o.public, "                       \
    "CASE WHEN o.public = 1 AND o.approved_at IS NOT NULL THEN nullif(coalesce("                   \
    "o.description_redacted, o.description), '') END "                                             \
    "FROM walk_items i JOIN observations o ON o.id = i.observation_id "                            \
    "LEFT JOIN cases c ON c.observation_id = o.id LEFT JOIN areas ar ON ar.id = o.area_id "        \
    "LEFT JOIN walk_groups g ON g.id = i.group_id LEFT JOIN units ru ON ru.id = "                  \
    "i.responsible_unit_id "
enum {
    I_NUMBER,
    I_OBS,
    I_CATEGORY,
    I_DESCRIPTION,
    I_LON,
    I_LAT,
    I_E,
    I_N,
    I_AREA,
    I_GROUP,
    I_RATING,
    I_LIGHT,
    I_PHOTO,
    I_STATE,
    I_ACTION,
    I_UNIT_ID,
    I_UNIT_CODE,
    I_UNIT_NAME,
    I_RESP_NAME,
    I_PRIORITY,
    I_DEADLINE,
    I_ANSWER,
    I_ANSWER_BY,
    I_ANSWER_REASON,
    I_ANSWER_PASSED,
    I_ANSWER_COMMENT,
    I_ANSWER_AT,
    I_ANSWER_ACTOR,
    I_OBSERVED,
    I_GROUP_ID,
    I_REJECT_REASON,
    I_PUBLIC,
    I_PUBLIC_DESCRIPTION
};

static json_t *item_json(sqlite3_stmt *st)
{
    json_t *o = json_object();
    json_object_set_new(o, "number", json_integer(sqlite3_column_int(st, I_NUMBER)));
    json_object_set_new(o, "observation_id", json_integer(sqlite3_column_int64(st, I_OBS)));
    json_object_set_new(o, "category", col_text(st, I_CATEGORY));
    json_object_set_new(o, "description", col_text(st, I_DESCRIPTION));
    /* What moderation lets the public see of it (walk_store.h). */
    json_object_set_new(o, "public", json_boolean(sqlite3_column_int(st, I_PUBLIC)));
    json_object_set_new(o, "public_description", col_text(st, I_PUBLIC_DESCRIPTION));
    json_object_set_new(o, "lon", json_real(sqlite3_column_double(st, I_LON)));
    json_object_set_new(o, "lat", json_real(sqlite3_column_double(st, I_LAT)));
    json_object_set_new(o, "sweref99tm",
                        json_pack("{s:f, s:f}", "e", sqlite3_column_double(st, I_E), "n",
                                  sqlite3_column_double(st, I_N)));
    json_object_set_new(o, "area_name", col_text(st, I_AREA));
    json_object_set_new(o, "group", col_text(st, I_GROUP));
    json_object_set_new(o, "group_id", col_int_or_null(st, I_GROUP_ID));
    json_object_set_new(o, "unsafe_rating", col_int_or_null(st, I_RATING));
    json_object_set_new(o, "light", col_text(st, I_LIGHT));
    json_object_set_new(o, "observed_at", col_text(st, I_OBSERVED));
    if (sqlite3_column_type(st, I_PHOTO) != SQLITE_NULL) {
        char url[128];
        snprintf(url, sizeof url, "/api/v1/photos/%s/thumb", sqlite3_column_text(st, I_PHOTO));
        json_object_set_new(o, "thumb_url", json_string(url));
        json_object_set_new(o, "photo_id", col_text(st, I_PHOTO));
    } else {
        json_object_set_new(o, "thumb_url", json_null());
        json_object_set_new(o, "photo_id", json_null());
    }
    json_object_set_new(o, "state", col_text(st, I_STATE));
    json_object_set_new(o, "reject_reason", col_text(st, I_REJECT_REASON));
    json_object_set_new(o, "action", col_text(st, I_ACTION));
    json_object_set_new(
        o, "responsible",
        json_pack("{s:o, s:o}", "unit",
                  sqlite3_column_type(st, I_UNIT_ID) == SQLITE_NULL
                      ? json_null()
                      : json_pack("{s:I, s:o, s:o}", "id",
                                  (json_int_t)sqlite3_column_int64(st, I_UNIT_ID), "code",
                                  col_text(st, I_UNIT_CODE), "name", col_text(st, I_UNIT_NAME)),
                  "name",
                  sqlite3_column_type(st, I_RESP_NAME) != SQLITE_NULL ? col_text(st, I_RESP_NAME)
                                                                      : col_text(st, I_UNIT_NAME)));
    json_object_set_new(o, "priority", col_int_or_null(st, I_PRIORITY));
    json_object_set_new(o, "deadline", col_text(st, I_DEADLINE));
    json_object_set_new(
        o, "answer",
        sqlite3_column_type(st, I_ANSWER) == SQLITE_NULL
            ? json_null()
            : json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "answer", col_text(st, I_ANSWER),
                        "by", col_text(st, I_ANSWER_BY), "reason", col_text(st, I_ANSWER_REASON),
                        "passed_to", col_text(st, I_ANSWER_PASSED), "comment",
                        col_text(st, I_ANSWER_COMMENT), "at", col_text(st, I_ANSWER_AT), "actor",
                        col_text(st, I_ANSWER_ACTOR)));
    return o;
}

static const char SQL_ITEMS[] =
    ITEM_SELECT "WHERE i.walk_id = ?1 AND (?2 = 0 OR i.responsible_unit_id = ?2) ORDER BY i.number";

json_t *walk_store_items(struct dbc *c, int64_t walk, int64_t unit_id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_ITEMS);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, walk);
    sqlite3_bind_int64(st, 2, unit_id);
    return db_json_rows(st, item_json);
}

static const char SQL_OBS_IDS[] = "SELECT observation_id FROM walk_items WHERE walk_id = ? AND "
                                  "observation_id > ? ORDER BY observation_id";

json_t *walk_store_observation_ids(struct dbc *c, int64_t walk, int64_t after)
{
    sqlite3_stmt *st = db_stmt(c, SQL_OBS_IDS);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, walk);
    sqlite3_bind_int64(st, 2, after);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, json_integer(sqlite3_column_int64(st, 0)));
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

static const char SQL_AREA_OUTLINE[] = "SELECT AsGeoJSON(a.geom, 6) FROM walks w JOIN areas a ON "
                                       "a.id = w.area_id WHERE w.id = ?";

char *walk_store_area_outline(struct dbc *c, int64_t walk)
{
    sqlite3_stmt *st = db_stmt(c, SQL_AREA_OUTLINE);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, walk);
    char *s = sqlite3_step(st) == SQLITE_ROW ? dup_text(st, 0) : NULL;
    db_done(st);
    return s;
}

#define WALK_OGC_WHERE                                                                             \
    "WHERE w.public = 1 AND coalesce(w.route, w.meeting_point) IS NOT NULL "                       \
    "AND (?1 = 0 OR (MbrMaxX(coalesce(w.route, w.meeting_point)) >= ?2 AND "                       \
    "MbrMinX(coalesce(w.route, w.meeting_point)) <= ?4 AND "                                       \
    "MbrMaxY(coalesce(w.route, w.meeting_point)) >= ?3 AND "                                       \
    "MbrMinY(coalesce(w.route, w.meeting_point)) <= ?5)) "                                         \
    "AND (?6 IS NULL OR w.starts_at >= ?6) AND (?7 IS NULL OR w.starts_at <= ?7) "                 \
    "AND (?8 IS NULL OR w.state = ?8) AND (?9 IS NULL OR a.code = ?9) AND (?10 = 0 OR w.id = "     \
    "?10) "
static const char SQL_WALK_OGC_COUNT[] =
    "SELECT count(*) FROM walks w LEFT JOIN areas a ON a.id = w.area_id " WALK_OGC_WHERE;
static const char SQL_WALK_OGC[] =
    "SELECT w.id, w.code, w.title, w.state, w.starts_at, w.ends_at, a.code, w.meeting_text, "
    "AsGeoJSON(coalesce(w.route, w.meeting_point), 7) FROM walks w LEFT JOIN areas a ON "
    "a.id = w.area_id " WALK_OGC_WHERE "ORDER BY w.id LIMIT ?11 OFFSET ?12";

static json_t *walk_feature(sqlite3_stmt *st)
{
    return json_pack("{s:s, s:I, s:o, s:{s:o, s:o, s:o, s:o, s:o, s:o, s:o}}", "type", "Feature",
                     "id", (json_int_t)sqlite3_column_int64(st, 0), "geometry", col_geojson(st, 8),
                     "properties", "code", col_text(st, 1), "title", col_text(st, 2), "state",
                     col_text(st, 3), "starts_at", col_text(st, 4), "ends_at", col_text(st, 5),
                     "area", col_text(st, 6), "meeting_text", col_text(st, 7));
}

static void bind_walk_ogc(sqlite3_stmt *st, const struct ogc_query *q)
{
    sqlite3_bind_int(st, 1, q->has_bbox);
    for (int i = 0; i < 4; i++)
        sqlite3_bind_double(st, 2 + i, q->bbox[i]);
    db_bind_text_or_null(st, 6, q->from);
    db_bind_text_or_null(st, 7, q->to);
    db_bind_text_or_null(st, 8, q->status);
    db_bind_text_or_null(st, 9, q->area);
    sqlite3_bind_int64(st, 10, q->feature_id);
}

json_t *walk_store_ogc_items(struct dbc *c, const struct ogc_query *q, int64_t *matched)
{
    sqlite3_stmt *st = db_stmt(c, SQL_WALK_OGC_COUNT);
    if (!st)
        return NULL;
    bind_walk_ogc(st, q);
    int rc = sqlite3_step(st);
    *matched = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    db_done(st);
    if (rc != SQLITE_ROW || !(st = db_stmt(c, SQL_WALK_OGC)))
        return NULL;
    bind_walk_ogc(st, q);
    sqlite3_bind_int64(st, 11, q->limit);
    sqlite3_bind_int64(st, 12, q->offset);
    return db_json_rows(st, walk_feature);
}
