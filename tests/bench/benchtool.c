/* benchtool: the C parts of the benchmark (tests/bench/run builds it; not part of trygg).
 *
 *   benchtool seed DB MUNIS N           fill a migrated trygg database with N observations,
 *                                       each with its case (and events), spread over the
 *                                       municipalities in MUNIS (written by bench.py)
 *   benchtool inserts DB SECONDS [BATCH] baseline: single-row durable inserts (WAL,
 *                                       synchronous=FULL, one transaction per row, or
 *                                       BATCH rows per transaction) into observations
 *                                       for SECONDS; prints JSON; removes them
 *   benchtool viewports DB FILE SECONDS baseline: the bare SpatiaLite viewport count
 *                                       (SpatialIndex, as the server's queries use it) for
 *                                       each "group minlon minlat maxlon maxlat" line of
 *                                       FILE, repeated for SECONDS per group; prints JSON
 */
#define _GNU_SOURCE
#include <math.h>
#include <proj.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* xorshift64*: deterministic, so that the same N gives the same database. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd64(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}
static double rnd(void)
{
    return (double)(rnd64() >> 11) / 9007199254740992.0;
}
static double gauss(void)
{
    double u = rnd(), v = rnd();
    if (u < 1e-12)
        u = 1e-12;
    return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static void die(const char *what, sqlite3 *db)
{
    fprintf(stderr, "benchtool: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
    exit(1);
}

static sqlite3 *open_db(const char *path)
{
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        die("open", db);
    sqlite3_enable_load_extension(db, 1);
    char *err = NULL;
    if (sqlite3_load_extension(db, "mod_spatialite", NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "benchtool: mod_spatialite: %s\n", err ? err : "?");
        exit(1);
    }
    sqlite3_busy_timeout(db, 30000);
    return db;
}

static void exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "benchtool: %s: %s\n", sql, err ? err : "?");
        exit(1);
    }
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        die(sql, db);
    return st;
}

static void step_done(sqlite3 *db, sqlite3_stmt *st, const char *what)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        die(what, db);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* ---- municipalities ------------------------------------------------------------- */

struct ring {
    int n;
    double *xy;
};
struct centre {
    double lon, lat, sigma_m, share;
};
struct muni {
    char code[16];
    double weight, cum;
    int64_t area_id;
    double minx, miny, maxx, maxy;
    struct ring *rings;
    int nrings;
    struct centre *centres;
    int ncentres;
};
static struct muni *munis;
static int nmunis;

static void load_munis(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(1);
    }
    char tag[4];
    struct muni *m = NULL;
    while (fscanf(f, "%3s", tag) == 1) {
        if (strcmp(tag, "M") == 0) {
            munis = realloc(munis, sizeof *munis * (size_t)(nmunis + 1));
            m = &munis[nmunis++];
            memset(m, 0, sizeof *m);
            m->minx = m->miny = 1e9;
            m->maxx = m->maxy = -1e9;
            if (fscanf(f, "%15s %lf", m->code, &m->weight) != 2)
                exit(1);
        } else if (strcmp(tag, "R") == 0 && m) {
            m->rings = realloc(m->rings, sizeof *m->rings * (size_t)(m->nrings + 1));
            struct ring *r = &m->rings[m->nrings++];
            if (fscanf(f, "%d", &r->n) != 1)
                exit(1);
            r->xy = malloc(sizeof(double) * 2 * (size_t)r->n);
            for (int i = 0; i < r->n; i++) {
                if (fscanf(f, "%lf %lf", &r->xy[2 * i], &r->xy[2 * i + 1]) != 2)
                    exit(1);
                m->minx = fmin(m->minx, r->xy[2 * i]);
                m->maxx = fmax(m->maxx, r->xy[2 * i]);
                m->miny = fmin(m->miny, r->xy[2 * i + 1]);
                m->maxy = fmax(m->maxy, r->xy[2 * i + 1]);
            }
        } else if (strcmp(tag, "C") == 0 && m) {
            m->centres = realloc(m->centres, sizeof *m->centres * (size_t)(m->ncentres + 1));
            struct centre *c = &m->centres[m->ncentres++];
            if (fscanf(f, "%lf %lf %lf %lf", &c->lon, &c->lat, &c->sigma_m, &c->share) != 4)
                exit(1);
        } else {
            fprintf(stderr, "benchtool: %s: bad tag %s\n", path, tag);
            exit(1);
        }
    }
    fclose(f);
    double cum = 0;
    for (int i = 0; i < nmunis; i++)
        munis[i].cum = (cum += munis[i].weight);
    for (int i = 0; i < nmunis; i++)
        munis[i].cum /= cum;
}

/* Even-odd rule over all rings: holes and islands both come out right. */
static int inside(const struct muni *m, double x, double y)
{
    int in = 0;
    for (int k = 0; k < m->nrings; k++) {
        const struct ring *r = &m->rings[k];
        for (int i = 0, j = r->n - 1; i < r->n; j = i++) {
            double xi = r->xy[2 * i], yi = r->xy[2 * i + 1], xj = r->xy[2 * j],
                   yj = r->xy[2 * j + 1];
            if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
                in = !in;
        }
    }
    return in;
}

static const struct muni *pick_muni(void)
{
    double u = rnd();
    int lo = 0, hi = nmunis - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (munis[mid].cum < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return &munis[lo];
}

/* A point in m: around one of its centres (towns), or anywhere in it (the rest). */
static void pick_point(const struct muni *m, double *lon, double *lat)
{
    double u = rnd(), acc = 0;
    const struct centre *c = NULL;
    for (int i = 0; i < m->ncentres; i++) {
        acc += m->centres[i].share;
        if (u < acc) {
            c = &m->centres[i];
            break;
        }
    }
    for (int tries = 0; tries < 50; tries++) {
        double x, y;
        if (c) {
            double s = c->sigma_m * (0.3 + rnd()); /* some streets denser than others */
            x = c->lon + gauss() * s / (111320.0 * cos(c->lat * M_PI / 180));
            y = c->lat + gauss() * s / 110540.0;
        } else {
            x = m->minx + rnd() * (m->maxx - m->minx);
            y = m->miny + rnd() * (m->maxy - m->miny);
        }
        if (inside(m, x, y)) {
            *lon = x;
            *lat = y;
            return;
        }
    }
    *lon = m->ncentres ? m->centres[0].lon : (m->minx + m->maxx) / 2;
    *lat = m->ncentres ? m->centres[0].lat : (m->miny + m->maxy) / 2;
}

/* Sun elevation in degrees (NOAA's low-precision formulas: good to a fraction of a degree). */
static double sun_elevation(time_t t, double lon, double lat)
{
    double d = (double)t / 86400.0 - 10957.5; /* days since J2000.0 */
    double g = fmod(357.529 + 0.98560028 * d, 360) * M_PI / 180;
    double q = fmod(280.459 + 0.98564736 * d, 360);
    double L = (q + 1.915 * sin(g) + 0.020 * sin(2 * g)) * M_PI / 180;
    double e = (23.439 - 0.00000036 * d) * M_PI / 180;
    double ra = atan2(cos(e) * sin(L), cos(L));
    double dec = asin(sin(e) * sin(L));
    double gmst = fmod(18.697374558 + 24.06570982441908 * d, 24) * 15 * M_PI / 180;
    double ha = gmst + lon * M_PI / 180 - ra;
    double la = lat * M_PI / 180;
    return asin(sin(la) * sin(dec) + cos(la) * cos(dec) * cos(ha)) * 180 / M_PI;
}

static void iso(time_t t, char *out, size_t cap)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *const CATS[] = {"lighting",  "litter",     "graffiti", "vegetation",
                                   "path",      "traffic",    "hidden",   "signage",
                                   "furniture", "safe_place", "other"};
static const double CAT_W[] = {22, 12, 10, 9, 8, 9, 8, 4, 5, 8, 5};
static const char *const STATES[] = {"new",      "acknowledged", "assigned", "in_progress",
                                     "resolved", "rejected",     "duplicate"};
static const double STATE_W[] = {12, 8, 8, 10, 48, 9, 5};
static const char *const TEXTS[] = {
    "Gatlyktan är trasig sedan flera veckor.",
    "Mörk gångtunnel, ingen belysning alls på kvällen.",
    "Buskarna skymmer sikten vid övergångsstället.",
    "Mycket skräp och krossat glas vid busshållplatsen.",
    "Klotter på väggen och trasiga bänkar.",
    "Bilar kör fort här och det saknas övergångsställe.",
    "Öde parkering, känns otryggt att gå här sent.",
    "Skylten mot stationen saknas.",
    "Lekplatsen har trasig gungställning.",
    "Bra belysning och mycket folk, känns tryggt.",
};

static int pick(const double *w, int n)
{
    double tot = 0;
    for (int i = 0; i < n; i++)
        tot += w[i];
    double u = rnd() * tot;
    for (int i = 0; i < n; i++) {
        if (u < w[i])
            return i;
        u -= w[i];
    }
    return n - 1;
}

static int cmd_seed(const char *dbpath, const char *muni_path, long n)
{
    load_munis(muni_path);
    sqlite3 *db = open_db(dbpath);
    exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;"
             "PRAGMA foreign_keys=OFF;");
    sqlite3_stmt *area = prep(db, "SELECT id FROM areas WHERE code = ?");
    for (int i = 0; i < nmunis; i++) {
        sqlite3_bind_text(area, 1, munis[i].code, -1, SQLITE_STATIC);
        munis[i].area_id = sqlite3_step(area) == SQLITE_ROW ? sqlite3_column_int64(area, 0) : 0;
        sqlite3_reset(area);
    }
    sqlite3_finalize(area);
    exec(db, "BEGIN");
    exec(db, "INSERT OR IGNORE INTO units (code, name, email) VALUES "
             "('gata', 'Gatu- och trafikavdelningen', 'gata@example.invalid'),"
             "('park', 'Park och natur', 'park@example.invalid'),"
             "('fast', 'Fastighetsförvaltningen', 'fast@example.invalid'),"
             "('bostad', 'Bostadsbolaget', 'bostad@example.invalid'),"
             "('polis', 'Kommunpolisen', NULL)");
    exec(db, "COMMIT");
    int64_t units[5];
    sqlite3_stmt *us = prep(db, "SELECT id FROM units ORDER BY id LIMIT 5");
    int nunits = 0;
    while (sqlite3_step(us) == SQLITE_ROW && nunits < 5)
        units[nunits++] = sqlite3_column_int64(us, 0);
    sqlite3_finalize(us);

    sqlite3_stmt *maxid = prep(db, "SELECT coalesce(max(id), 0) FROM observations");
    sqlite3_step(maxid);
    int64_t first = sqlite3_column_int64(maxid, 0) + 1;
    sqlite3_finalize(maxid);

    sqlite3_stmt *obs = prep(
        db, "INSERT INTO observations (id, client_id, category, lon, lat, accuracy_m, e, n, "
            "observed_at, created_at, description, unsafe_rating, light, sun_elevation, area_id, "
            "status, public, approved_at, geom, geom_sweref) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
            "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 1, ?10, MakePoint(?4, ?5, 4326), "
            "MakePoint(?7, ?8, 3006))");
    sqlite3_stmt *cas = prep(
        db, "INSERT INTO cases (observation_id, state, priority, due_at, unit_id, duplicate_of, "
            "reject_reason, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    sqlite3_stmt *ev =
        prep(db, "INSERT INTO case_events (case_id, at, actor_label, kind, "
                 "from_value, to_value, public) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    sqlite3_stmt *rep =
        prep(db, "INSERT INTO reporters (observation_id, name, email) VALUES (?1, ?2, ?3)");

    PJ_CONTEXT *pj = proj_context_create();
    PJ *tm = proj_create_crs_to_crs(pj, "EPSG:4326", "EPSG:3006", NULL);
    PJ *tmn = tm ? proj_normalize_for_visualization(pj, tm) : NULL;
    if (!tmn) {
        fprintf(stderr, "benchtool: PROJ cannot make EPSG:4326 -> EPSG:3006\n");
        return 1;
    }
    /* SpatiaLite's per-row triggers (constraint check, timestamps, R*Tree insert) cost
     * three quarters of the time: off while loading, the R*Trees filled in bulk after. */
    char *triggers[64];
    int ntrig = 0;
    sqlite3_stmt *tq = prep(db, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                "AND tbl_name = 'observations'");
    while (sqlite3_step(tq) == SQLITE_ROW && ntrig < 64) {
        char drop[256];
        triggers[ntrig++] = strdup((const char *)sqlite3_column_text(tq, 1));
        snprintf(drop, sizeof drop, "DROP TRIGGER \"%s\"", sqlite3_column_text(tq, 0));
        sqlite3_stmt *d = prep(db, drop);
        sqlite3_finalize(tq); /* the schema changes under it: start again */
        step_done(db, d, "drop trigger");
        sqlite3_finalize(d);
        tq = prep(db, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                      "AND tbl_name = 'observations'");
    }
    sqlite3_finalize(tq);
    time_t now = time(NULL) - 86400;
    double span = 10 * 365.25 * 86400;
    double t0 = now_s();
    exec(db, "BEGIN");
    for (long k = 0; k < n; k++) {
        int64_t id = first + k;
        const struct muni *m = pick_muni();
        double lon, lat;
        pick_point(m, &lon, &lat);
        PJ_COORD c = proj_trans(tmn, PJ_FWD, proj_coord(lon, lat, 0, 0));
        /* Evenings and weekends a little more often, as on real walks. */
        time_t t = now - (time_t)(rnd() * span);
        if (rnd() < 0.4)
            t = t - t % 86400 + 16 * 3600 + (time_t)(rnd() * 6 * 3600);
        time_t created = t + (time_t)(rnd() * 3600);
        char obs_at[32], cr_at[32], cid[40], due[32], upd[32];
        iso(t, obs_at, sizeof obs_at);
        iso(created, cr_at, sizeof cr_at);
        snprintf(cid, sizeof cid, "%08x-0000-4000-8000-%012llx", 0xbe4c0000u,
                 (unsigned long long)id);
        double elev = sun_elevation(t, lon, lat);
        const char *light = elev > 0 ? "day" : elev > -6 ? "twilight" : "dark";
        int cat = pick(CAT_W, 11);
        sqlite3_bind_int64(obs, 1, id);
        sqlite3_bind_text(obs, 2, cid, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(obs, 3, CATS[cat], -1, SQLITE_STATIC);
        sqlite3_bind_double(obs, 4, lon);
        sqlite3_bind_double(obs, 5, lat);
        sqlite3_bind_double(obs, 6, 3 + floor(rnd() * 40));
        sqlite3_bind_double(obs, 7, c.xy.x);
        sqlite3_bind_double(obs, 8, c.xy.y);
        sqlite3_bind_text(obs, 9, obs_at, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(obs, 10, cr_at, -1, SQLITE_TRANSIENT);
        if (rnd() < 0.6)
            sqlite3_bind_text(obs, 11, TEXTS[rnd64() % 10], -1, SQLITE_STATIC);
        if (rnd() < 0.7)
            sqlite3_bind_int(obs, 12, 1 + (int)(rnd64() % 5));
        sqlite3_bind_text(obs, 13, light, -1, SQLITE_STATIC);
        sqlite3_bind_double(obs, 14, round(elev * 10) / 10);
        if (m->area_id)
            sqlite3_bind_int64(obs, 15, m->area_id);
        /* Older reports are more often closed. */
        int st = pick(STATE_W, 7);
        if (now - t > 365 * 86400 && st < 4 && rnd() < 0.8)
            st = rnd() < 0.85 ? 4 : 5;
        if (st == 6 && id == first) /* nothing earlier to be a duplicate of */
            st = 4;
        sqlite3_bind_text(obs, 16, STATES[st], -1, SQLITE_STATIC);
        step_done(db, obs, "insert observation");

        int prio = rnd() < 0.15 ? 1 : rnd() < 0.8 ? 2 : 3;
        static const int due_days[] = {0, 2, 14, 60};
        time_t updated = created + (st == 0 ? 0 : (time_t)(rnd() * 40 * 86400));
        if (updated > now)
            updated = now;
        iso(created + due_days[prio] * 86400, due, sizeof due);
        iso(updated, upd, sizeof upd);
        sqlite3_bind_int64(cas, 1, id);
        sqlite3_bind_text(cas, 2, STATES[st], -1, SQLITE_STATIC);
        sqlite3_bind_int(cas, 3, prio);
        sqlite3_bind_text(cas, 4, due, -1, SQLITE_TRANSIENT);
        if (st >= 2 && st <= 4)
            sqlite3_bind_int64(cas, 5, units[rnd64() % (uint64_t)nunits]);
        if (st == 6 && id > first) /* a duplicate of an earlier report */
            sqlite3_bind_int64(cas, 6, first + (int64_t)(rnd64() % (uint64_t)(id - first)));
        if (st == 5)
            sqlite3_bind_text(cas, 7, "Inte kommunens ansvar.", -1, SQLITE_STATIC);
        sqlite3_bind_text(cas, 8, cr_at, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(cas, 9, upd, -1, SQLITE_TRANSIENT);
        step_done(db, cas, "insert case");

        sqlite3_bind_int64(ev, 1, id);
        sqlite3_bind_text(ev, 2, cr_at, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ev, 3, "system", -1, SQLITE_STATIC);
        sqlite3_bind_text(ev, 4, "created", -1, SQLITE_STATIC);
        sqlite3_bind_text(ev, 6, "new", -1, SQLITE_STATIC);
        sqlite3_bind_int(ev, 7, 0);
        step_done(db, ev, "insert event");
        if (st != 0) {
            sqlite3_bind_int64(ev, 1, id);
            sqlite3_bind_text(ev, 2, upd, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ev, 3, "handläggare", -1, SQLITE_STATIC);
            sqlite3_bind_text(ev, 4, "state", -1, SQLITE_STATIC);
            sqlite3_bind_text(ev, 5, "new", -1, SQLITE_STATIC);
            sqlite3_bind_text(ev, 6, STATES[st], -1, SQLITE_STATIC);
            sqlite3_bind_int(ev, 7, 1);
            step_done(db, ev, "insert event");
        }
        if (rnd() < 0.1) {
            char name[48], email[64];
            snprintf(name, sizeof name, "Person %lld", (long long)id);
            snprintf(email, sizeof email, "person%lld@example.invalid", (long long)id);
            sqlite3_bind_int64(rep, 1, id);
            sqlite3_bind_text(rep, 2, name, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(rep, 3, email, -1, SQLITE_TRANSIENT);
            step_done(db, rep, "insert reporter");
        }
        if ((k + 1) % 50000 == 0) {
            exec(db, "COMMIT");
            fprintf(stderr, "\rseed: %ld of %ld (%.0f s)", k + 1, n, now_s() - t0);
            exec(db, "BEGIN");
        }
    }
    exec(db, "COMMIT");
    fprintf(stderr, "\rseed: %ld observations in %.0f s\n", n, now_s() - t0);
    sqlite3_finalize(obs);
    sqlite3_finalize(cas);
    sqlite3_finalize(ev);
    sqlite3_finalize(rep);
    exec(db, "BEGIN");
    for (int i = 0; i < ntrig; i++) {
        exec(db, triggers[i]);
        free(triggers[i]);
    }
    exec(db, "DELETE FROM idx_observations_geom; DELETE FROM idx_observations_geom_sweref;"
             "INSERT INTO idx_observations_geom (pkid, xmin, xmax, ymin, ymax) SELECT id, "
             "MbrMinX(geom), MbrMaxX(geom), MbrMinY(geom), MbrMaxY(geom) FROM observations "
             "WHERE geom IS NOT NULL;"
             "INSERT INTO idx_observations_geom_sweref (pkid, xmin, xmax, ymin, ymax) SELECT id, "
             "MbrMinX(geom_sweref), MbrMaxX(geom_sweref), MbrMinY(geom_sweref), "
             "MbrMaxY(geom_sweref) FROM observations WHERE geom_sweref IS NOT NULL;");
    exec(db, "COMMIT");
    fprintf(stderr, "seed: spatial indexes filled (%.0f s)\n", now_s() - t0);
    exec(db, "PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;");
    proj_destroy(tmn);
    proj_destroy(tm);
    proj_context_destroy(pj);
    sqlite3_close(db);
    return 0;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
    if (!n)
        return NAN;
    qsort(v, n, sizeof *v, cmp_d);
    size_t i = (size_t)ceil(p / 100.0 * (double)n);
    return v[i ? i - 1 : 0];
}

/* One row per transaction, the server's pragmas (WAL, synchronous=FULL), the server's
 * insert statement into observations: what one process gets from SQLite's durable
 * single-row commit on this disk. With batch > 1, that many rows per transaction:
 * the most that committing together can give the bare insert on this disk (the
 * latencies are then per transaction). */
static int cmd_inserts(const char *dbpath, double seconds, int batch)
{
    sqlite3 *db = open_db(dbpath);
    exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
    sqlite3_stmt *ins =
        prep(db, "INSERT INTO observations (client_id, category, lon, lat, accuracy_m, e, n, "
                 "observed_at, created_at, description, unsafe_rating, light, sun_elevation, "
                 "area_id, geom, geom_sweref, approved_at) VALUES (?1, 'lighting', ?2, ?3, 8, ?4, "
                 "?5, ?6, ?6, 'raw insert', 3, 'dark', -20, NULL, MakePoint(?2, ?3, 4326), "
                 "MakePoint(?4, ?5, 3006), ?6)");
    size_t cap = 1 << 20, n = 0, rows = 0;
    if (batch < 1)
        batch = 1;
    double *lat_ms = malloc(sizeof(double) * cap);
    double t0 = now_s(), t;
    char ts[32];
    iso(time(NULL), ts, sizeof ts);
    while ((t = now_s()) - t0 < seconds && n < cap) {
        char cid[48];
        double lon = 12.9 + rnd() * 0.1, lat = 57.7 + rnd() * 0.05;
        exec(db, "BEGIN");
        for (int b = 0; b < batch; b++) {
            snprintf(cid, sizeof cid, "raw-insert-%zu", rows + (size_t)b);
            sqlite3_bind_text(ins, 1, cid, -1, SQLITE_TRANSIENT);
            sqlite3_bind_double(ins, 2, lon);
            sqlite3_bind_double(ins, 3, lat);
            sqlite3_bind_double(ins, 4, 370000 + rnd() * 6000);
            sqlite3_bind_double(ins, 5, 6400000 + rnd() * 6000);
            sqlite3_bind_text(ins, 6, ts, -1, SQLITE_STATIC);
            step_done(db, ins, "raw insert");
            lon = 12.9 + rnd() * 0.1, lat = 57.7 + rnd() * 0.05;
        }
        exec(db, "COMMIT");
        rows += (size_t)batch;
        lat_ms[n++] = (now_s() - t) * 1000;
    }
    double el = now_s() - t0;
    double rate = (double)rows / el;
    double p50 = pct(lat_ms, n, 50), p99 = pct(lat_ms, n, 99);
    exec(db, "PRAGMA synchronous=OFF; BEGIN; DELETE FROM observations WHERE client_id LIKE "
             "'raw-insert-%'; COMMIT;");
    printf("{\"inserts\": %zu, \"batch\": %d, \"seconds\": %.3f, \"per_s\": %.1f, "
           "\"p50_ms\": %.3f, \"p99_ms\": %.3f}\n",
           rows, batch, el, rate, p50, p99);
    sqlite3_finalize(ins);
    sqlite3_close(db);
    free(lat_ms);
    return 0;
}

static int cmd_viewports(const char *dbpath, const char *file, double seconds)
{
    sqlite3 *db = open_db(dbpath);
    sqlite3_stmt *q = prep(
        db, "SELECT count(*) FROM observations o WHERE o.id IN (SELECT rowid FROM SpatialIndex "
            "WHERE f_table_name = 'observations' AND f_geometry_column = 'geom' AND "
            "search_frame = BuildMbr(?1, ?2, ?3, ?4, 4326))");
    FILE *f = fopen(file, "r");
    if (!f) {
        perror(file);
        return 1;
    }
    /* groups in file order; each group's viewports are taken in turn */
    char groups[64][32];
    double vp[64][64][4];
    int nv[64] = {0}, ng = 0;
    char g[32];
    double b[4];
    while (fscanf(f, "%31s %lf %lf %lf %lf", g, &b[0], &b[1], &b[2], &b[3]) == 5) {
        int k;
        for (k = 0; k < ng && strcmp(groups[k], g) != 0; k++)
            ;
        if (k == ng) {
            if (ng == 64)
                continue;
            snprintf(groups[ng++], sizeof groups[0], "%s", g);
        }
        if (nv[k] < 64)
            memcpy(vp[k][nv[k]++], b, sizeof b);
    }
    fclose(f);
    printf("{");
    for (int k = 0; k < ng; k++) {
        size_t cap = 100000, n = 0;
        double *ms = malloc(sizeof(double) * cap);
        double t0 = now_s(), counted = 0;
        while ((n < 3 || now_s() - t0 < seconds) && n < cap) {
            double *v = vp[k][n % (size_t)nv[k]];
            double t = now_s();
            for (int i = 0; i < 4; i++)
                sqlite3_bind_double(q, i + 1, v[i]);
            if (sqlite3_step(q) != SQLITE_ROW)
                die("viewport count", db);
            counted += sqlite3_column_int64(q, 0);
            sqlite3_reset(q);
            ms[n++] = (now_s() - t) * 1000;
        }
        double mean = counted / (double)n;
        double p50 = pct(ms, n, 50), p99 = pct(ms, n, 99);
        printf("%s\"%s\": {\"n\": %zu, \"mean_count\": %.0f, \"p50_ms\": %.3f, \"p99_ms\": %.3f}",
               k ? ", " : "", groups[k], n, mean, p50, p99);
        free(ms);
    }
    printf("}\n");
    sqlite3_finalize(q);
    sqlite3_close(db);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "seed") == 0)
        return cmd_seed(argv[2], argv[3], atol(argv[4]));
    if ((argc == 4 || argc == 5) && strcmp(argv[1], "inserts") == 0)
        return cmd_inserts(argv[2], atof(argv[3]), argc == 5 ? atoi(argv[4]) : 1);
    if (argc == 5 && strcmp(argv[1], "viewports") == 0)
        return cmd_viewports(argv[2], argv[3], atof(argv[4]));
    fprintf(stderr, "usage: benchtool seed DB MUNIS N | inserts DB SECONDS [BATCH] | "
                    "viewports DB FILE SECONDS\n");
    return 2;
}
