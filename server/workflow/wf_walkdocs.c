/*
 * wf_walkdocs — see wf_walkdocs.h. Fills the pure renderers of server/docs/
 * (qr, walkdoc, ical) from the walk's rows; coordinates go to SWEREF 99 TM
 * through this thread's PROJ context for the drawn maps.
 */
#include "wf_walkdocs.h"
#include "catalog_store.h"
#include "csv.h"
#include "ical.h"
#include "membuf.h"
#include "qr.h"
#include "validate.h"
#include "walk_store.h"
#include "walkdoc.h"
#include "wf_observations.h"
#include "wf_walks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define WALKDOCS_CSV_MAX_BYTES (32L * 1024 * 1024)
#define WALKDOCS_ICS_MAX_BYTES (4L * 1024 * 1024)
#define WALKDOCS_MAX_RING_POINTS 200000
#define WALKDOCS_ORGANISATION_SV "Borås Stad"

static const char *jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static int64_t jtime(json_t *o, const char *k)
{
    int64_t t = 0;
    const char *s = jstr(o, k);
    if (s)
        parse_rfc3339(s, &t);
    return t;
}

/* Geometry collected for a map, in SWEREF 99 TM. */
struct mapdata {
    struct walkdoc_xy *pts; /* all ring points, then the route */
    size_t npts, cap;
    struct walkdoc_ring rings[64];
    size_t nrings;
    size_t route_at, route_n;
};

static int map_add_point(struct dbc *c, struct mapdata *m, double lon, double lat)
{
    if (m->npts == m->cap) {
        if (m->cap >= WALKDOCS_MAX_RING_POINTS)
            return -1;
        size_t cap = m->cap ? m->cap * 2 : 256;
        struct walkdoc_xy *p = realloc(m->pts, cap * sizeof *p);
        if (!p)
            return -1;
        m->pts = p;
        m->cap = cap;
    }
    struct walkdoc_xy *p = &m->pts[m->npts];
    if (crs_wgs84_to_sweref99tm(c->crs, lon, lat, &p->e, &p->n) != 0)
        return -1;
    m->npts++;
    return 0;
}

/* Adds the outer ring of every polygon of a Polygon or MultiPolygon GeoJSON. */
static void map_add_area(struct dbc *c, struct mapdata *m, json_t *g)
{
    const char *type = jstr(g, "type");
    json_t *coords = json_object_get(g, "coordinates");
    if (!type || !json_is_array(coords))
        return;
    size_t np = strcmp(type, "MultiPolygon") == 0 ? json_array_size(coords) : 1;
    for (size_t p = 0; p < np && m->nrings < 64; p++) {
        json_t *poly = strcmp(type, "MultiPolygon") == 0 ? json_array_get(coords, p) : coords;
        json_t *ring = json_array_get(poly, 0);
        size_t start = m->npts, i;
        json_t *pt;
        json_array_foreach(ring, i, pt)
        {
            if (map_add_point(c, m, json_number_value(json_array_get(pt, 0)),
                              json_number_value(json_array_get(pt, 1))) != 0)
                break;
        }
        m->rings[m->nrings].n = m->npts - start;
        m->rings[m->nrings].pts = (const struct walkdoc_xy *)(uintptr_t)start; /* fixed below */
        m->nrings++;
    }
}

static void map_add_route(struct dbc *c, struct mapdata *m, json_t *line)
{
    json_t *coords = json_object_get(line, "coordinates");
    m->route_at = m->npts;
    size_t i;
    json_t *pt;
    json_array_foreach(coords, i, pt)
    {
        if (map_add_point(c, m, json_number_value(json_array_get(pt, 0)),
                          json_number_value(json_array_get(pt, 1))) != 0)
            break;
    }
    m->route_n = m->npts - m->route_at;
}

/* Fills wm from m once every point is in (the array no longer moves). */
static void map_finish(struct mapdata *m, struct walkdoc_map *wm, json_t *walk, struct dbc *c)
{
    for (size_t i = 0; i < m->nrings; i++)
        m->rings[i].pts = m->pts + (size_t)(uintptr_t)m->rings[i].pts;
    wm->areas = m->nrings ? m->rings : NULL;
    wm->n_areas = m->nrings;
    wm->route = m->route_n ? m->pts + m->route_at : NULL;
    wm->n_route = m->route_n;
    json_t *mp = json_object_get(walk, "meeting_point");
    if (json_is_object(mp) &&
        crs_wgs84_to_sweref99tm(c->crs, json_number_value(json_object_get(mp, "lon")),
                                json_number_value(json_object_get(mp, "lat")), &wm->meeting.e,
                                &wm->meeting.n) == 0)
        wm->has_meeting = 1;
}

/* Collects the area outline and route of walk id into m and wm. */
static void walk_map(struct dbc *c, json_t *walk, struct mapdata *m, struct walkdoc_map *wm)
{
    char *outline = walk_store_area_outline(c, json_integer_value(json_object_get(walk, "id")));
    json_t *g = outline ? json_loads(outline, 0, NULL) : NULL;
    free(outline);
    if (g)
        map_add_area(c, m, g);
    json_decref(g);
    json_t *route = json_object_get(walk, "route");
    if (json_is_object(route))
        map_add_route(c, m, route);
    map_finish(m, wm, walk, c);
}

static json_t *load_walk(struct dbc *c, int64_t id, struct wf_error *err)
{
    return wf_walk_view(c, "", id, err);
}

int wf_walk_qr(struct dbc *c, const char *base, int64_t id, int png, unsigned char **out,
               size_t *len, struct wf_error *err)
{
    json_t *w = wf_walk_view(c, base, id, err);
    if (!w)
        return -1;
    int rc = png ? qr_png(jstr(w, "join_url"), 8, out, len)
                 : qr_svg(jstr(w, "join_url"), (char **)out, len);
    json_decref(w);
    if (rc != QR_OK)
        return wf_fail(err, ERR_INTERNAL, NULL, "the QR code could not be made");
    return 0;
}

int wf_walk_poster(struct dbc *c, const struct config *cfg, const char *base, int64_t id,
                   const char *lang, unsigned char **out, size_t *len, struct wf_error *err)
{
    (void)cfg;
    json_t *w = wf_walk_view(c, base, id, err);
    if (!w)
        return -1;
    struct mapdata m = {0};
    struct walkdoc_poster p = {0};
    p.lang = lang && strcmp(lang, "en") == 0 ? WALKDOC_EN : WALKDOC_SV;
    p.organisation = WALKDOCS_ORGANISATION_SV;
    p.title = jstr(w, "title");
    p.area_name = jstr(json_object_get(w, "area"), "name");
    p.starts_at = jtime(w, "starts_at");
    p.ends_at = jtime(w, "ends_at");
    p.meeting_text = jstr(w, "meeting_text");
    p.join_url = jstr(w, "join_url");
    p.join_code = jstr(w, "code");
    walk_map(c, w, &m, &p.map);
    int rc = walkdoc_poster_pdf(&p, out, len);
    free(m.pts);
    json_decref(w);
    if (rc != WALKDOC_OK)
        return wf_fail(err, ERR_INTERNAL, NULL, "the poster could not be made");
    return 0;
}

/* The category's display name in lang from the categories array. */
static const char *category_name(json_t *cats, const char *code, int en)
{
    size_t i;
    json_t *c;
    json_array_foreach(cats, i, c) if (code && strcmp(jstr(c, "code"), code) ==
                                                   0) return jstr(c, en ? "name_en" : "name_sv");
    return code ? code : "";
}

/* Reads a photo's thumbnail file (at most WF_PROTOCOL_THUMB_MAX_BYTES) or NULL. */
static unsigned char *read_thumb(const struct config *cfg, const char *photo_id, size_t *len)
{
    char path[1200];
    *len = 0;
    if (!photo_id || !wf_photo_id_valid(photo_id) ||
        wf_photo_path(cfg, photo_id, 1, path, sizeof path) != 0)
        return NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat sb;
    unsigned char *buf = NULL;
    if (fstat(fileno(f), &sb) == 0 && sb.st_size > 0 && sb.st_size <= WF_PROTOCOL_THUMB_MAX_BYTES &&
        (buf = malloc((size_t)sb.st_size)) != NULL) {
        *len = fread(buf, 1, (size_t)sb.st_size, f);
        if (*len != (size_t)sb.st_size) {
            free(buf);
            buf = NULL;
            *len = 0;
        }
    }
    fclose(f);
    return buf;
}

static const char *state_name(const char *s, int en)
{
    static const char *const names[][3] = {
        {"new", "Ny", "New"},
        {"acknowledged", "Mottagen", "Acknowledged"},
        {"assigned", "Tilldelad", "Assigned"},
        {"in_progress", "Pågår", "In progress"},
        {"resolved", "Åtgärdad", "Resolved"},
        {"rejected", "Avslutad utan åtgärd", "Closed without action"},
        {"duplicate", "Dubblett", "Duplicate"},
    };
    for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i][0], s) == 0)
            return names[i][en ? 2 : 1];
    return s ? s : "";
}

/* "Vi åtgärdar (senast 2027-03-01): …" — the item's answer as one line into out. */
static void answer_text(json_t *ans, int en, char *out, size_t cap)
{
    out[0] = '\0';
    if (!json_is_object(ans))
        return;
    const char *a = jstr(ans, "answer"), *comment = jstr(ans, "comment");
    if (!a)
        return;
    if (strcmp(a, "will_do") == 0)
        snprintf(out, cap, en ? "Will do%s%s" : "Åtgärdas%s%s",
                 jstr(ans, "by") ? (en ? " by " : " senast ") : "",
                 jstr(ans, "by") ? jstr(ans, "by") : "");
    else if (strcmp(a, "done") == 0)
        snprintf(out, cap, "%s", en ? "Done" : "Åtgärdat");
    else if (strcmp(a, "wont_do") == 0)
        snprintf(out, cap, en ? "Will not be done: %s" : "Åtgärdas inte: %s",
                 jstr(ans, "reason") ? jstr(ans, "reason") : "");
    else
        snprintf(out, cap, en ? "Not ours, passed to %s" : "Inte vårt, lämnat till %s",
                 jstr(ans, "passed_to") ? jstr(ans, "passed_to") : "");
    if (comment && *comment) {
        size_t n = strlen(out);
        snprintf(out + n, cap - n, " — %s", comment);
    }
}

/* The place of an item: the area and SWEREF 99 TM coordinates. */
static void place_text(json_t *it, char *out, size_t cap)
{
    json_t *s = json_object_get(it, "sweref99tm");
    const char *area = jstr(it, "area_name");
    snprintf(out, cap, "%s%sE %.0f N %.0f", area ? area : "", area ? ", " : "",
             json_number_value(json_object_get(s, "e")),
             json_number_value(json_object_get(s, "n")));
}

/* The outcome of an earlier item for a follow-up. */
static int outcome_of(json_t *it, const char **reason)
{
    const char *state = jstr(it, "state");
    json_t *ans = json_object_get(it, "answer");
    const char *a = json_is_object(ans) ? jstr(ans, "answer") : NULL;
    *reason = json_is_object(ans) ? jstr(ans, "reason") : NULL;
    if ((state && strcmp(state, "resolved") == 0) || (a && strcmp(a, "done") == 0))
        return WALKDOC_OUTCOME_FIXED;
    if ((state && strcmp(state, "rejected") == 0) || (a && strcmp(a, "wont_do") == 0)) {
        if (!*reason)
            *reason = jstr(it, "reject_reason");
        return WALKDOC_OUTCOME_WONT_DO;
    }
    return WALKDOC_OUTCOME_STILL_THERE;
}

static void audit_scores(json_t *summary, struct walkdoc_audit_score *sc, int before)
{
    for (int i = 0; i < WALKDOC_AUDIT_PARAMS; i++) {
        json_t *p = json_object_get(summary, walkdoc_audit_param_code(i));
        double mean = json_number_value(json_object_get(p, "mean"));
        int count = (int)json_integer_value(json_object_get(p, "count"));
        if (before) {
            sc[i].before_mean = mean;
            sc[i].before_count = count;
        } else {
            sc[i].mean = mean;
            sc[i].count = count;
        }
    }
}

int wf_walk_protocol_pdf(struct dbc *c, const struct config *cfg, int64_t id, const char *lang,
                         unsigned char **out, size_t *len, struct wf_error *err)
{
    int en = lang && strcmp(lang, "en") == 0;
    json_t *w = load_walk(c, id, err);
    if (!w)
        return -1;
    json_t *items = walk_store_items(c, id, 0), *cats = catalog_store_categories(c);
    json_t *earlier_walk = NULL, *earlier_items = NULL;
    int64_t earlier_id = json_integer_value(json_object_get(w, "follow_up_of"));
    if (earlier_id > 0) {
        struct wf_error ignored;
        earlier_walk = load_walk(c, earlier_id, &ignored);
        earlier_items = walk_store_items(c, earlier_id, 0);
    }
    size_t n = json_array_size(items), ne = json_array_size(earlier_items);
    struct walkdoc_item *wi = calloc(n ? n : 1, sizeof *wi);
    struct walkdoc_earlier_item *we = calloc(ne ? ne : 1, sizeof *we);
    char(*places)[160] = calloc((n + ne) ? n + ne : 1, sizeof *places);
    char(*answers)[600] = calloc(n ? n : 1, sizeof *answers);
    unsigned char **thumbs = calloc(n ? n : 1, sizeof *thumbs);
    json_t *partners = json_object_get(w, "partners");
    size_t np = json_array_size(partners);
    const char **pnames = calloc(np ? np : 1, sizeof *pnames);
    struct mapdata m = {0};
    int rc = -1;
    if (!items || !cats || !wi || !we || !places || !answers || !thumbs || !pnames) {
        wf_fail(err, items && cats ? ERR_INTERNAL : db_failure(c), NULL,
                "the protocol could not be made");
        goto out;
    }
    struct walkdoc_protocol p = {0};
    p.lang = en ? WALKDOC_EN : WALKDOC_SV;
    p.organisation = WALKDOCS_ORGANISATION_SV;
    p.title = jstr(w, "title");
    p.area_name = jstr(json_object_get(w, "area"), "name");
    p.starts_at = jtime(w, "starts_at");
    p.ends_at = jtime(w, "ends_at");
    p.participants =
        (int)json_integer_value(json_object_get(json_object_get(w, "counts"), "participants"));
    for (size_t i = 0; i < np; i++)
        pnames[i] = jstr(json_array_get(partners, i), "name");
    p.partners = np ? pnames : NULL;
    p.n_partners = np;
    p.organiser = jstr(json_object_get(w, "organiser"), "username");
    p.meeting_date = jstr(w, "meeting_held_on");
    p.generated_at = (int64_t)time(NULL);
    walk_map(c, w, &m, &p.map);
    for (size_t i = 0; i < n; i++) {
        json_t *it = json_array_get(items, i);
        struct walkdoc_item *x = &wi[i];
        x->number = (int)json_integer_value(json_object_get(it, "number"));
        x->group = jstr(it, "group");
        x->category = category_name(cats, jstr(it, "category"), en);
        place_text(it, places[i], sizeof places[i]);
        x->place = places[i];
        x->description = jstr(it, "description");
        thumbs[i] = read_thumb(cfg, jstr(it, "photo_id"), &x->thumb_len);
        x->thumb_jpeg = thumbs[i];
        x->unsafe_rating = (int)json_integer_value(json_object_get(it, "unsafe_rating"));
        x->light = jstr(it, "light");
        x->action = jstr(it, "action");
        x->responsible = jstr(json_object_get(it, "responsible"), "name");
        x->priority = (int)json_integer_value(json_object_get(it, "priority"));
        x->deadline = jstr(it, "deadline");
        x->state = state_name(jstr(it, "state"), en);
        answer_text(json_object_get(it, "answer"), en, answers[i], sizeof answers[i]);
        x->answer = answers[i][0] ? answers[i] : NULL;
        json_t *s = json_object_get(it, "sweref99tm");
        x->has_at = 1;
        x->at.e = json_number_value(json_object_get(s, "e"));
        x->at.n = json_number_value(json_object_get(s, "n"));
    }
    p.items = wi;
    p.n_items = n;
    json_t *summary = walk_store_audit_summary(c, id);
    json_t *first = json_object_get(summary, "lighting");
    p.has_audit = json_integer_value(json_object_get(first, "count")) > 0;
    audit_scores(summary, p.audit, 0);
    json_decref(summary);
    if (earlier_walk) {
        p.earlier_title = jstr(earlier_walk, "title");
        p.earlier_starts_at = jtime(earlier_walk, "starts_at");
        summary = walk_store_audit_summary(c, earlier_id);
        audit_scores(summary, p.audit, 1);
        if (json_integer_value(json_object_get(json_object_get(summary, "lighting"), "count")) > 0)
            p.has_audit = 1;
        json_decref(summary);
        for (size_t i = 0; i < ne; i++) {
            json_t *it = json_array_get(earlier_items, i);
            struct walkdoc_earlier_item *x = &we[i];
            x->number = (int)json_integer_value(json_object_get(it, "number"));
            x->category = category_name(cats, jstr(it, "category"), en);
            place_text(it, places[n + i], sizeof places[n + i]);
            x->place = places[n + i];
            x->description = jstr(it, "description");
            x->outcome = outcome_of(it, &x->reason);
            json_t *s = json_object_get(it, "sweref99tm");
            x->has_at = 1;
            x->at.e = json_number_value(json_object_get(s, "e"));
            x->at.n = json_number_value(json_object_get(s, "n"));
        }
        p.earlier = we;
        p.n_earlier = ne;
    }
    if (walkdoc_protocol_pdf(&p, out, len) != WALKDOC_OK) {
        wf_fail(err, ERR_INTERNAL, NULL, "the protocol could not be made");
        goto out;
    }
    rc = 0;
out:
    for (size_t i = 0; thumbs && i < n; i++)
        free(thumbs[i]);
    free(thumbs);
    free(wi);
    free(we);
    free(places);
    free(answers);
    free(pnames);
    free(m.pts);
    json_decref(items);
    json_decref(cats);
    json_decref(earlier_items);
    json_decref(earlier_walk);
    json_decref(w);
    return rc;
}

int wf_walk_protocol_csv(struct dbc *c, int64_t id, unsigned char **out, size_t *len,
                         struct wf_error *err)
{
    json_t *w = load_walk(c, id, err);
    if (!w)
        return -1;
    json_t *items = walk_store_items(c, id, 0), *cats = catalog_store_categories(c);
    if (!items || !cats) {
        json_decref(items);
        json_decref(cats);
        json_decref(w);
        return wf_fail(err, db_failure(c), NULL, "the protocol could not be read");
    }
    static const char *const head[] = {
        "nummer",         "kategori",       "beskrivning", "område",
        "e_sweref99tm",   "n_sweref99tm",   "lon",         "lat",
        "grupp",          "otrygghet_1_5",  "ljus",        "ärendestatus",
        "åtgärd",         "ansvarig",       "prioritet",   "senast",
        "svar",           "svar_senast",    "svar_skäl",   "svar_lämnat_till",
        "svar_kommentar", "observation_id", NULL};
    struct membuf b;
    membuf_init(&b, WALKDOCS_CSV_MAX_BYTES);
    membuf_append_str(&b, CSV_BOM); /* spreadsheet programs then read UTF-8 */
    for (int i = 0; head[i]; i++)
        csv_field(&b, head[i], head[i + 1] == NULL);
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        char num[32], e[32], n[32], lon[32], lat[32], rating[8], prio[8], oid[32];
        json_t *s = json_object_get(it, "sweref99tm"), *ans = json_object_get(it, "answer");
        snprintf(num, sizeof num, "%lld",
                 (long long)json_integer_value(json_object_get(it, "number")));
        snprintf(e, sizeof e, "%.1f", json_number_value(json_object_get(s, "e")));
        snprintf(n, sizeof n, "%.1f", json_number_value(json_object_get(s, "n")));
        snprintf(lon, sizeof lon, "%.6f", json_number_value(json_object_get(it, "lon")));
        snprintf(lat, sizeof lat, "%.6f", json_number_value(json_object_get(it, "lat")));
        json_t *r = json_object_get(it, "unsafe_rating"), *pr = json_object_get(it, "priority");
        snprintf(rating, sizeof rating, "%lld", (long long)json_integer_value(r));
        snprintf(prio, sizeof prio, "%lld", (long long)json_integer_value(pr));
        snprintf(oid, sizeof oid, "%lld",
                 (long long)json_integer_value(json_object_get(it, "observation_id")));
        const char *row[] = {num,
                             category_name(cats, jstr(it, "category"), 0),
                             jstr(it, "description"),
                             jstr(it, "area_name"),
                             e,
                             n,
                             lon,
                             lat,
                             jstr(it, "group"),
                             json_is_integer(r) ? rating : NULL,
                             jstr(it, "light"),
                             jstr(it, "state"),
                             jstr(it, "action"),
                             jstr(json_object_get(it, "responsible"), "name"),
                             json_is_integer(pr) ? prio : NULL,
                             jstr(it, "deadline"),
                             jstr(ans, "answer"),
                             jstr(ans, "by"),
                             jstr(ans, "reason"),
                             jstr(ans, "passed_to"),
                             jstr(ans, "comment"),
                             oid};
        size_t cols = sizeof row / sizeof row[0];
        for (size_t k = 0; k < cols; k++)
            csv_field(&b, row[k], k + 1 == cols);
    }
    json_decref(items);
    json_decref(cats);
    json_decref(w);
    if (membuf_take(&b, out, len) != 0)
        return wf_fail(err, ERR_INTERNAL, NULL, "the protocol is too large");
    return 0;
}

int wf_walks_ics(struct dbc *c, const struct config *cfg, const char *base, unsigned char **out,
                 size_t *len, struct wf_error *err)
{
    struct walk_filter f = {0};
    f.public_only = 1;
    f.limit = 1000;
    json_t *walks = walk_store_list(c, &f);
    if (!walks)
        return wf_fail(err, db_failure(c), NULL, "the walks could not be read");
    struct ical ic;
    char calname[200];
    snprintf(calname, sizeof calname, "Trygghetsvandringar i %s", cfg->municipality_name);
    if (ical_begin(&ic, "-//trygg//walks//SV", calname, WALKDOCS_ICS_MAX_BYTES) != ICAL_OK) {
        json_decref(walks);
        return wf_fail(err, ERR_INTERNAL, NULL, "the calendar could not be made");
    }
    size_t i;
    json_t *wk;
    int64_t now = (int64_t)time(NULL);
    json_array_foreach(walks, i, wk)
    {
        const char *state = jstr(wk, "state");
        int64_t start = jtime(wk, "starts_at");
        if (!start || (state && strcmp(state, "cancelled") == 0))
            continue;
        char uid[400], url[600], location[600], host[256];
        snprintf(host, sizeof host, "%s", cfg->public_base_url[0] ? cfg->public_base_url : "trygg");
        snprintf(uid, sizeof uid, "walk-%lld@%s",
                 (long long)json_integer_value(json_object_get(wk, "id")),
                 strstr(host, "://") ? strstr(host, "://") + 3 : host);
        snprintf(url, sizeof url, "%s/walks/%s", base, jstr(wk, "code"));
        const char *area = jstr(json_object_get(wk, "area"), "name");
        const char *meet = jstr(wk, "meeting_text");
        snprintf(location, sizeof location, "%s%s%s", meet ? meet : "", meet && area ? ", " : "",
                 area ? area : "");
        struct ical_event e = {0};
        e.uid = uid;
        e.dtstamp = now;
        e.dtstart = start;
        e.dtend = jtime(wk, "ends_at");
        if (!e.dtend)
            e.dtend = start + 2 * 3600;
        e.summary = jstr(wk, "title");
        e.location = location[0] ? location : NULL;
        e.url = url;
        json_t *mp = json_object_get(wk, "meeting_point");
        if (json_is_object(mp)) {
            e.has_geo = 1;
            e.lat = json_number_value(json_object_get(mp, "lat"));
            e.lon = json_number_value(json_object_get(mp, "lon"));
        }
        ical_add_event(&ic, &e);
    }
    json_decref(walks);
    char *text = NULL;
    if (ical_finish(&ic, &text, len) != ICAL_OK) {
        ical_free(&ic);
        return wf_fail(err, ERR_INTERNAL, NULL, "the calendar could not be made");
    }
    ical_free(&ic);
    *out = (unsigned char *)text;
    return 0;
}
