/*
 * wf_observations — see wf_observations.h. Must not contain coordinate math
 * beyond calling geo/ (crs, sun).
 */
#include "wf_observations.h"
#include "area_store.h"
#include "catalog_store.h"
#include "crypto.h"
#include "image.h"
#include "joincode.h"
#include "log.h"
#include "obs_store.h"
#include "photo_store.h"
#include "stats_store.h"
#include "sun.h"
#include "walk_store.h"
#include "validate.h"
#include "wf_cases.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PHOTO_ID_BYTES 16

/* Makes a new upload token for observation id and stores its hash, inside the
 * caller's transaction. 0, -1 on a database failure, -2 without randomness. */
static int issue_upload_token(struct dbc *c, const struct config *cfg, int64_t id, char *token)
{
    char hash[CRYPTO_SHA256_HEX];
    if (crypto_random_hex(token, WF_UPLOAD_TOKEN_BYTES) != 0)
        return -2;
    crypto_sha256_hex(token, strlen(token), hash);
    int64_t now = (int64_t)time(NULL);
    return photo_store_token_insert(c, id, hash, now + cfg->upload_token_seconds, now);
}

/* What filing an observation hands the writer (wf_write): everything checked
 * and computed before, the writes and the answer. */
struct file_job {
    const struct config *cfg;
    const struct wf_obs_input *in;
    struct obs_row *o; /* NULL: only a new upload token for id (a repeat) */
    char *upload_token;
    struct wf_error *err;
    int64_t id;
    int repeat;
};

/* The upload token of a job, inside its transaction. 0 or -1 with j->err. */
static int job_token(struct dbc *c, struct file_job *j)
{
    if (!j->upload_token)
        return 0;
    int rc = issue_upload_token(c, j->cfg, j->id, j->upload_token);
    if (rc == -2)
        return wf_fail(j->err, ERR_INTERNAL, NULL, "no randomness for an upload token");
    if (rc != 0)
        return wf_job_fail_db(c, j->err, "the upload token could not be stored");
    return 0;
}

/* The writes of filing one observation (a db_job_fn): the observation, its
 * walk item, reporter, case (routed in the same transaction), upload token and
 * statistics. A client_id filed already (a retry that raced its first try,
 * perhaps in the same batch) stores nothing new but a token: j->repeat. */
static int file_job_run(struct dbc *c, void *arg)
{
    struct file_job *j = arg;
    const struct wf_obs_input *in = j->in;
    struct wf_error *err = j->err;
    if (!j->o)
        return job_token(c, j);
    int ins = obs_store_insert(c, j->o, &j->id);
    if (ins == 1) {
        int64_t existing = obs_store_id_by_client(c, j->o->client_id);
        if (existing <= 0)
            return wf_job_fail_db(c, err, "the observation could not be read");
        j->id = existing;
        j->repeat = 1;
        return job_token(c, j);
    }
    if (ins != 0)
        return wf_job_fail_db(c, err, "the observation could not be stored");
    int64_t walk_id = j->o->walk_id;
    if (walk_id > 0 && in->walk_group > 0) {
        int g = walk_store_group_of(c, walk_id, in->walk_group);
        if (g < 0)
            return wf_job_fail_db(c, err, "the walk group could not be checked");
        if (!g)
            return wf_fail(err, ERR_INVALID_FORMAT, "walk_group", "no such group on this walk");
    }
    /* A report filed on a walk is one of its protocol items, in the same transaction. */
    if (walk_id > 0 && walk_store_add_item(c, walk_id, j->id, in->walk_group) != 0)
        return wf_job_fail_db(c, err, "the observation could not be stored");
    /* The observation becomes a case in the same transaction: routed, or unrouted. */
    if (wf_case_open_in_tx(c, j->cfg, j->id, in->category, in->lon, in->lat, j->o->area_id,
                           j->o->created_at) != 0)
        return wf_job_fail_db(c, err, "the observation could not be stored");
    /* The reporter after the case: the routing at filing is the status the filer's
     * answer already shows, so it is no change to write home about (follow-up). */
    if ((in->name || in->email || in->phone) &&
        obs_store_insert_reporter(c, j->id, in->name, in->email, in->phone,
                                  in->follow_up && in->email && *in->email, in->lang) != 0)
        return wf_job_fail_db(c, err, "the observation could not be stored");
    if (job_token(c, j) != 0)
        return -1;
    /* ... and is counted in the statistics in the same transaction (a walk's report
     * counts as the walk's, whoever typed it in). */
    struct stats_cells cells = {j->cfg->hotspot_cells_m, j->cfg->hotspot_cells};
    const char *source = in->by_staff && !walk_id ? STATS_SOURCE_STAFF : NULL;
    if (stats_store_observation_sync(c, j->id, source, &cells) != 0)
        return wf_job_fail_db(c, err, "the observation could not be stored");
    return 0;
}

int wf_observation_file(struct dbc *c, const struct config *cfg, const struct wf_obs_input *in,
                        int64_t *id, int *repeat, char *upload_token, struct wf_error *err)
{
    char client_id[40];
    size_t n = 0;
    for (; in->client_id[n] && n + 1 < sizeof client_id; n++)
        client_id[n] = (char)tolower((unsigned char)in->client_id[n]);
    client_id[n] = '\0';
    *repeat = 0;
    struct file_job job = {cfg, in, NULL, upload_token, err, 0, 0};

    /* The checks read on the caller's connection, outside the write: the
     * writer only writes (and repeats the one check a race could change,
     * client_id, by the UNIQUE constraint). */
    int64_t existing = obs_store_id_by_client(c, client_id);
    if (existing < 0)
        return wf_fail_db(c, err, "the observation could not be checked");
    if (existing > 0) {
        /* A repeated filing: the observation is there; only a new upload token is made. */
        *id = existing;
        *repeat = 1;
        if (!upload_token)
            return 0;
        job.id = existing;
        return wf_write(c, cfg, file_job_run, &job, err, "the upload token could not be stored");
    }
    int active = catalog_store_category_active(c, in->category);
    if (active < 0)
        return wf_fail_db(c, err, "the category could not be checked");
    if (!active)
        return wf_fail(err, ERR_UNKNOWN_CATEGORY, "category",
                       "unknown category '%s' (see GET /api/v1/categories)", in->category);
    int64_t walk_id = in->walk_id;
    if (!walk_id && in->walk_code) {
        char code[JOINCODE_BUF];
        walk_id = joincode_normalize(in->walk_code, code, sizeof code) == 0
                      ? catalog_store_walk_id(c, code)
                      : 0;
        if (walk_id < 0)
            return wf_fail_db(c, err, "the walk could not be checked");
        if (walk_id == 0)
            return wf_fail(err, ERR_UNKNOWN_WALK, "walk", "no walk has the code '%s'",
                           in->walk_code);
    }
    int inside = area_store_inside_municipality(c, in->lon, in->lat);
    if (inside < 0)
        return wf_fail_db(c, err, "the boundary check failed");
    if (!inside)
        return wf_fail(err, ERR_OUTSIDE_BOUNDARY, "lon", "the position %.6f, %.6f lies outside %s",
                       in->lat, in->lon, cfg->municipality_name);

    struct obs_row o = {0};
    if (crs_wgs84_to_sweref99tm(c->crs, in->lon, in->lat, &o.e, &o.n) != 0)
        return wf_fail(err, ERR_OUT_OF_RANGE, "lon",
                       "the position cannot be expressed in SWEREF 99 TM");
    char observed[32], created[32];
    format_rfc3339(in->observed_at, observed, sizeof observed);
    db_now_iso(created, sizeof created);
    o.client_id = client_id;
    o.category = in->category;
    o.description = in->description;
    o.lon = in->lon;
    o.lat = in->lat;
    o.accuracy_m = in->accuracy_m;
    o.unsafe_rating = in->unsafe_rating;
    o.observed_at = observed;
    o.created_at = created;
    o.sun_elevation = sun_elevation_deg(in->lon, in->lat, in->observed_at);
    o.light = sun_light_name(sun_light_from_elevation(o.sun_elevation));
    o.walk_id = walk_id;
    o.media_url = in->media_url;
    o.approved = !cfg->moderation_pre;
    o.area_id = area_store_at(c, in->lon, in->lat);
    if (o.area_id < 0)
        return wf_fail_db(c, err, "the area could not be found");

    job.o = &o;
    if (wf_write(c, cfg, file_job_run, &job, err, "the observation could not be stored") != 0)
        return -1;
    *id = job.id;
    *repeat = job.repeat;
    return 0;
}

/* "Me too" as a job (db_job_fn): the visibility check, the per-address cap
 * and the insert in one transaction. */
struct support_job {
    const struct config *cfg;
    int64_t id;
    const char *client_id, *address;
    int added;
    int64_t count;
    struct wf_error *err;
};

static int support_job_run(struct dbc *c, void *arg)
{
    struct support_job *j = arg;
    char key[CRYPTO_SHA256_HEX + 8], address_key[CRYPTO_SHA256_HEX];
    struct obs_moderation m;
    int exists = obs_store_moderation(c, j->id, &m);
    if (exists < 0)
        return wf_job_fail_db(c, j->err, "the support could not be stored");
    if (!exists || !m.public_)
        return wf_fail(j->err, ERR_NOT_FOUND, NULL, "no observation %lld", (long long)j->id);
    /* Only the address's keyed hash is stored: enough to count, useless to read. */
    if (obs_store_address_key(c, key, sizeof key) != 0 ||
        crypto_hmac_sha256_hex(key, j->address, strlen(j->address), address_key) != 0)
        return wf_job_fail_db(c, j->err, "the support could not be stored");
    int already = obs_store_has_support(c, j->id, j->client_id);
    int64_t from_address = already == 0 ? obs_store_supports_from(c, j->id, address_key) : 0;
    if (already < 0 || from_address < 0)
        return wf_job_fail_db(c, j->err, "the support could not be stored");
    if (!already && from_address < j->cfg->supports_per_address_max &&
        obs_store_add_support(c, j->id, j->client_id, address_key, &j->added) != 0)
        return wf_job_fail_db(c, j->err, "the support could not be stored");
    if ((j->count = obs_store_support_count(c, j->id)) < 0)
        return wf_job_fail_db(c, j->err, "the support could not be stored");
    return 0;
}

int wf_observation_support(struct dbc *c, const struct config *cfg, int64_t id,
                           const char *client_id, const char *address, int *added, int64_t *count,
                           struct wf_error *err)
{
    char lower[40];
    size_t n = 0;
    for (; client_id[n] && n + 1 < sizeof lower; n++)
        lower[n] = (char)tolower((unsigned char)client_id[n]);
    lower[n] = '\0';
    *added = 0;
    struct support_job job = {cfg, id, lower, address, 0, 0, err};
    if (wf_write(c, cfg, support_job_run, &job, err, "the support could not be stored") != 0)
        return -1;
    *added = job.added;
    *count = job.count;
    return 0;
}

/* ---- photos -------------------------------------------------------------- */

int wf_photo_id_valid(const char *id)
{
    int ok = id && strlen(id) == 2 * PHOTO_ID_BYTES;
    for (const char *p = id; ok && *p; p++)
        ok = (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f');
    return ok;
}

int wf_photo_path(const struct config *cfg, const char *id, int thumb, char *path, size_t cap)
{
    int n = snprintf(path, cap, "%s/photos/%.2s/%s%s", cfg->data_dir, id, id,
                     thumb ? ".thumb.jpg" : ".jpg");
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

/* Writes data to path atomically (temporary file, fsync, rename). 0, or -1 with
 * errno saying why (ENOSPC: the disk is full). */
static int write_file_atomic(const char *path, const unsigned char *data, size_t len)
{
    char tmp[1200];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < len) {
        ssize_t k = write(fd, data + off, len - off);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            int why = errno;
            close(fd);
            unlink(tmp);
            errno = why;
            return -1;
        }
        off += (size_t)k;
    }
    if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
        int why = errno;
        unlink(tmp);
        errno = why;
        return -1;
    }
    return 0;
}

/* A photo's record as a job (db_job_fn): the per-observation limit again,
 * inside the write lock (parallel uploads cannot pass it), and the insert. */
struct photo_job {
    const struct config *cfg;
    const struct photo_row *p;
    json_t *existing; /* a repeat: the photo stored under the same key (caller owns) */
    int repeat;
    struct wf_error *err;
};

static int photo_job_run(struct dbc *c, void *arg)
{
    struct photo_job *j = arg;
    int count = photo_store_count(c, j->p->observation_id);
    if (count < 0)
        return wf_job_fail_db(c, j->err, "the photo could not be stored");
    if (count >= j->cfg->max_photos_per_observation)
        return wf_fail(j->err, ERR_OUT_OF_RANGE, NULL, "an observation has at most %d photos",
                       j->cfg->max_photos_per_observation);
    int ins = photo_store_insert(c, j->p);
    if (ins == 1) {
        json_decref(j->existing);
        j->existing = photo_store_by_key(c, j->p->observation_id, j->p->client_key);
        if (!j->existing)
            return wf_fail(j->err, ERR_STORAGE_FAILED, NULL, "the photo could not be read back");
        j->repeat = 1;
        return 0;
    }
    if (ins != 0)
        return wf_job_fail_db(c, j->err, "the photo could not be stored");
    return 0;
}

int wf_photo_add(struct dbc *c, const struct config *cfg, int64_t obs, const char *upload_token,
                 const char *key, const char *content_type, const unsigned char *bytes, size_t len,
                 json_t **photo, int *repeat, struct wf_error *err)
{
    *photo = NULL;
    *repeat = 0;
    int exists = obs_store_exists(c, obs);
    if (exists < 0)
        return wf_fail_db(c, err, "the observation could not be read");
    if (!exists)
        return wf_fail(err, ERR_NOT_FOUND, NULL, "no observation %lld", (long long)obs);
    if (!upload_token || !*upload_token)
        return wf_fail(err, ERR_UNAUTHORIZED, "X-Upload-Token",
                       "send the upload_token that filing the observation answered with in the "
                       "X-Upload-Token header");
    char token_hash[CRYPTO_SHA256_HEX];
    crypto_sha256_hex(upload_token, strlen(upload_token), token_hash);
    int valid = photo_store_token_valid(c, obs, token_hash, (int64_t)time(NULL));
    if (valid < 0)
        return wf_fail_db(c, err, "the upload token could not be checked");
    if (!valid)
        return wf_fail(err, ERR_UNAUTHORIZED, "X-Upload-Token",
                       "the upload token is wrong, expired, or not this observation's");
    /* A phone retrying after a lost answer sends the same Idempotency-Key: answer
     * with the photo already stored instead of storing it twice. */
    if (key && (*photo = photo_store_by_key(c, obs, key)) != NULL) {
        *repeat = 1;
        return 0;
    }
    if (!image_content_type_supported(content_type))
        return wf_fail(err, ERR_UNSUPPORTED_MEDIA_TYPE, "Content-Type",
                       "send the photo as image/jpeg, image/png or image/webp");
    if (!bytes || len == 0)
        return wf_fail(err, ERR_INVALID_IMAGE, NULL, "the photo is empty");
    int count = photo_store_count(c, obs);
    if (count < 0)
        return wf_fail_db(c, err, "the photos could not be counted");
    if (count >= cfg->max_photos_per_observation)
        return wf_fail(err, ERR_OUT_OF_RANGE, NULL, "an observation has at most %d photos",
                       cfg->max_photos_per_observation);

    struct image_blob full = {0}, thumb = {0};
    const char *why = NULL;
    int ist = image_sanitize(bytes, len, content_type, cfg->max_photo_pixels, cfg->photo_max_side,
                             &full, &thumb, &why);
    if (ist != IMAGE_OK) {
        image_blob_free(&full);
        image_blob_free(&thumb);
        if (ist == IMAGE_UNSUPPORTED_TYPE)
            return wf_fail(err, ERR_UNSUPPORTED_MEDIA_TYPE, "Content-Type", "%s", why);
        if (ist == IMAGE_TOO_LARGE)
            return wf_fail(err, ERR_BODY_TOO_LARGE, NULL, "%s", why);
        if (ist == IMAGE_BUSY)
            return wf_fail(err, ERR_UNAVAILABLE, NULL,
                           "every photo decoder is busy; send the photo again shortly");
        return wf_fail(err, ERR_INVALID_IMAGE, NULL, "the photo could not be read as an image: %s",
                       why);
    }

    char id[2 * PHOTO_ID_BYTES + 1], dir[1100], path[1200], tpath[1200];
    int rc = -1, files = 0;
    if (crypto_random_hex(id, PHOTO_ID_BYTES) != 0) {
        wf_fail(err, ERR_INTERNAL, NULL, "no randomness for a photo name");
        goto out;
    }
    snprintf(dir, sizeof dir, "%s/photos/%.2s", cfg->data_dir, id);
    if (wf_photo_path(cfg, id, 0, path, sizeof path) != 0 ||
        wf_photo_path(cfg, id, 1, tpath, sizeof tpath) != 0 || db_mkdirs(dir) != 0 ||
        write_file_atomic(path, full.data, full.len) != 0 ||
        write_file_atomic(tpath, thumb.data, thumb.len) != 0) {
        int e = errno;
        log_msg(LOG_ERROR, "writing photo files failed: %s", strerror(e));
        unlink(path);
        wf_fail(err, ERR_STORAGE_FAILED, NULL,
                "the photo could not be written: %s; nothing was stored, try again later",
                e == ENOSPC || e == EDQUOT ? "the server's disk is full"
                : e == EROFS               ? "the disk is read-only"
                                           : "a disk error occurred");
        goto out;
    }
    files = 1;
    struct photo_row p = {id,
                          obs,
                          full.width,
                          full.height,
                          (int64_t)full.len,
                          (int64_t)thumb.len,
                          key,
                          !cfg->moderation_pre};
    struct photo_job job = {cfg, &p, NULL, 0, err};
    if (wf_write(c, cfg, photo_job_run, &job, err, "the photo could not be stored") != 0) {
        json_decref(job.existing); /* found, then its transaction failed */
        goto out;
    }
    if (job.repeat) {
        /* The same upload raced in on another connection: answer with that one. */
        *photo = job.existing;
        *repeat = 1;
        rc = 0;
        goto out;
    }
    *photo = photo_store_json(id, full.width, full.height);
    files = 0; /* committed: the files are the photo's now */
    rc = 0;
out:
    if (files) {
        unlink(path);
        unlink(tpath);
    }
    image_blob_free(&full);
    image_blob_free(&thumb);
    return rc;
}
