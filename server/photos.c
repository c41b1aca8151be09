/*
 * photos — upload and serving. See photos.h.
 *
 * Nothing from the client names a file: ids are 128-bit random hex. A photo is
 * decoded and re-encoded by image.c (which drops every metadata segment) before
 * any byte reaches the disk; a photo that cannot be decoded is refused. Files
 * are written to a temporary name, fsync'ed and renamed before the row is
 * committed, so a crash leaves at worst an orphan file, never a row without one.
 */
#include "photos.h"
#include "http.h"
#include "image.h"
#include "log.h"
#include "observations.h"
#include "validate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PHOTO_ID_BYTES 16

static void photo_path(const struct config *cfg, const char *id, const char *suffix, char *out,
                       size_t cap)
{
    snprintf(out, cap, "%s/photos/%.2s/%s%s", cfg->data_dir, id, id, suffix);
}

/* Writes data to path atomically (temporary file, fsync, rename). 0 or -1. */
static int write_file_atomic(const char *path, const unsigned char *data, size_t len)
{
    char tmp[1200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            close(fd);
            unlink(tmp);
            return -1;
        }
        off += (size_t)n;
    }
    if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

static int photo_count(struct dbc *c, int64_t obs)
{
    sqlite3_stmt *st = db_prepare(c->db, "SELECT count(*) FROM photos WHERE observation_id = ?");
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, obs);
    int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

static json_t *photo_json(const char *id, int width, int height, int64_t obs)
{
    char url[128], turl[160];
    snprintf(url, sizeof url, "/api/v1/photos/%s", id);
    snprintf(turl, sizeof turl, "/api/v1/photos/%s/thumb", id);
    return json_pack("{s:s, s:s, s:s, s:i, s:i, s:I}", "id", id, "url", url, "thumb_url", turl,
                     "width", width, "height", height, "observation_id", (json_int_t)obs);
}

/* The photo stored earlier under (obs, key), as JSON, or NULL. */
static json_t *existing_photo(struct dbc *c, int64_t obs, const char *key)
{
    sqlite3_stmt *st = db_prepare(c->db, "SELECT id, width, height FROM photos WHERE "
                                         "observation_id = ? AND client_key = ?");
    json_t *o = NULL;
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, obs);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
        o = photo_json((const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1),
                       sqlite3_column_int(st, 2), obs);
    sqlite3_finalize(st);
    return o;
}

int photos_upload(struct req *r)
{
    int64_t obs;
    if (http_param_id_or_reply(r, 0, &obs) != 0)
        return r->status;
    int exists = observations_exists(r->dbc, obs);
    if (exists < 0)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    if (!exists)
        return http_reply_error(r, 404, "not_found", NULL, "no observation %lld", (long long)obs);
    /* A phone retrying after a lost answer sends the same Idempotency-Key: answer
     * with the photo already stored instead of storing it twice. */
    const char *key = http_header(r, "Idempotency-Key");
    if (key && !uuid_valid(key))
        return http_reply_error(r, 422, "invalid_uuid", "Idempotency-Key",
                                "'Idempotency-Key' must be a UUID");
    if (key) {
        json_t *prev = existing_photo(r->dbc, obs, key);
        if (prev)
            return http_reply_json(r, 200, prev);
    }
    const char *ct = http_header(r, "Content-Type");
    if (!image_content_type_supported(ct))
        return http_reply_error(r, 415, "unsupported_media_type", "Content-Type",
                                "send the photo as image/jpeg, image/png or image/webp");
    if (!r->body || r->body_len == 0)
        return http_reply_error(r, 422, "invalid_image", NULL, "the photo is empty");
    if (photo_count(r->dbc, obs) >= r->cfg->max_photos_per_observation)
        return http_reply_error(r, 422, "out_of_range", NULL,
                                "an observation has at most %d photos",
                                r->cfg->max_photos_per_observation);

    struct image_blob full = {0}, thumb = {0};
    const char *why = NULL;
    int ist = image_sanitize(r->body, r->body_len, ct, r->cfg->max_photo_pixels,
                             r->cfg->photo_max_side, &full, &thumb, &why);
    if (ist == IMAGE_UNSUPPORTED_TYPE)
        return http_reply_error(r, 415, "unsupported_media_type", "Content-Type", "%s", why);
    if (ist == IMAGE_TOO_LARGE)
        return http_reply_error(r, 413, "body_too_large", NULL, "%s", why);
    if (ist != IMAGE_OK)
        return http_reply_error(r, 422, "invalid_image", NULL,
                                "the photo could not be read as an image: %s", why);

    char id[2 * PHOTO_ID_BYTES + 1], dir[1100], path[1200], tpath[1200];
    int status = 500;
    if (random_hex(id, PHOTO_ID_BYTES) != 0)
        goto out;
    snprintf(dir, sizeof dir, "%s/photos/%.2s", r->cfg->data_dir, id);
    photo_path(r->cfg, id, ".jpg", path, sizeof path);
    photo_path(r->cfg, id, ".thumb.jpg", tpath, sizeof tpath);
    if (db_mkdirs(dir) != 0 || write_file_atomic(path, full.data, full.len) != 0 ||
        write_file_atomic(tpath, thumb.data, thumb.len) != 0) {
        log_msg(LOG_ERROR, "writing photo files failed: %s", strerror(errno));
        unlink(path);
        goto out;
    }
    if (db_begin(r->dbc->db) != SQLITE_OK)
        goto out_unlink;
    sqlite3_stmt *st =
        db_prepare(r->dbc->db, "INSERT INTO photos (id, observation_id, width, height, bytes, "
                               "thumb_bytes, client_key) VALUES (?,?,?,?,?,?,?)");
    int rc = SQLITE_ERROR;
    if (st) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, obs);
        sqlite3_bind_int(st, 3, full.width);
        sqlite3_bind_int(st, 4, full.height);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)full.len);
        sqlite3_bind_int64(st, 6, (sqlite3_int64)thumb.len);
        db_bind_text_or_null(st, 7, key);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
    }
    if (rc == SQLITE_CONSTRAINT_UNIQUE && key) {
        /* The same upload raced in on another connection: answer with that one. */
        db_rollback(r->dbc->db);
        unlink(path);
        unlink(tpath);
        json_t *prev = existing_photo(r->dbc, obs, key);
        status = prev ? http_reply_json(r, 200, prev)
                      : http_reply_error(r, 500, "internal", NULL, "photo store failed");
        goto out;
    }
    if (rc != SQLITE_DONE || db_commit(r->dbc->db) != SQLITE_OK) {
        db_rollback(r->dbc->db);
        goto out_unlink;
    }
    status = http_reply_json(r, 201, photo_json(id, full.width, full.height, obs));
    goto out;
out_unlink:
    unlink(path);
    unlink(tpath);
out:
    image_blob_free(&full);
    image_blob_free(&thumb);
    if (status == 500 && r->status == 0)
        http_reply_error(r, 500, "internal", NULL, "the photo could not be stored");
    return r->status;
}

static int serve_photo(struct req *r, const char *suffix)
{
    const char *id = r->nparams > 0 ? r->param[0] : "";
    int ok = strlen(id) == 2 * PHOTO_ID_BYTES;
    for (const char *p = id; ok && *p; p++)
        ok = (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f');
    if (!ok)
        return http_reply_error(r, 404, "not_found", NULL, "no such photo");
    sqlite3_stmt *st = db_prepare(r->dbc->db, "SELECT 1 FROM photos WHERE id = ?");
    if (!st)
        return http_reply_error(r, 500, "internal", NULL, "database error");
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (!found)
        return http_reply_error(r, 404, "not_found", NULL, "no such photo");
    char path[1200];
    photo_path(r->cfg, id, suffix, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return http_reply_error(r, 404, "not_found", NULL, "the photo file is missing");
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || sb.st_size <= 0 || sb.st_size > 64L * 1024 * 1024) {
        fclose(f);
        return http_reply_error(r, 500, "internal", NULL, "the photo file is unreadable");
    }
    unsigned char *buf = malloc((size_t)sb.st_size);
    size_t n = buf ? fread(buf, 1, (size_t)sb.st_size, f) : 0;
    fclose(f);
    if (n != (size_t)sb.st_size) {
        free(buf);
        return http_reply_error(r, 500, "internal", NULL, "the photo file is unreadable");
    }
    /* Photo ids never change content: cache for a long time. */
    http_reply_bytes(r, 200, "image/jpeg", buf, n,
                     "Cache-Control: public, max-age=31536000, immutable\r\n");
    free(buf);
    return 200;
}

int photos_get(struct req *r)
{
    return serve_photo(r, ".jpg");
}

int photos_get_thumb(struct req *r)
{
    return serve_photo(r, ".thumb.jpg");
}
