/*
 * api_photos — photo uploads (raw image body) and serving the cleaned copies.
 * Thin: the decoding, the files and the limit are the workflow's
 * (wf_observations.h).
 */
#include "api.h"
#include "http.h"
#include "validate.h"
#include "photo_store.h"
#include "wf_observations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PHOTO_FILE_MAX_BYTES (64L * 1024 * 1024)

int api_photo_upload(struct req *r)
{
    int64_t obs;
    if (http_param_id_or_reply(r, 0, &obs) != 0)
        return r->status;
    const char *key = http_header(r, "Idempotency-Key");
    if (key && !uuid_valid(key))
        return http_reply_error(r, ERR_INVALID_UUID, "Idempotency-Key",
                                "'Idempotency-Key' must be a UUID");
    json_t *photo = NULL;
    int repeat = 0;
    struct wf_error err;
    if (wf_photo_add(r->dbc, r->cfg, obs, key, http_header(r, "Content-Type"), r->body, r->body_len,
                     &photo, &repeat, &err) != 0)
        return http_reply_fail(r, &err);
    json_object_set_new(photo, "observation_id", json_integer(obs));
    return http_reply_json(r, repeat ? 200 : 201, photo);
}

static int serve_photo(struct req *r, int thumb)
{
    const char *id = r->nparams > 0 ? r->param[0] : "";
    if (!wf_photo_id_valid(id))
        return http_reply_error(r, ERR_NOT_FOUND, NULL, "no such photo");
    int found = photo_store_exists(r->dbc, id);
    if (found < 0)
        return http_reply_error(r, db_failure(r->dbc), NULL, "the photo could not be read");
    if (!found)
        return http_reply_error(r, ERR_NOT_FOUND, NULL, "no such photo");
    char path[1200];
    if (wf_photo_path(r->cfg, id, thumb, path, sizeof path) != 0)
        return http_reply_error(r, ERR_INTERNAL, NULL, "the photo path is too long");
    FILE *f = fopen(path, "rb");
    if (!f)
        return http_reply_error(r, ERR_NOT_FOUND, NULL, "the photo file is missing");
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || sb.st_size <= 0 || sb.st_size > PHOTO_FILE_MAX_BYTES) {
        fclose(f);
        return http_reply_error(r, ERR_INTERNAL, NULL, "the photo file is unreadable");
    }
    unsigned char *buf = malloc((size_t)sb.st_size);
    size_t n = buf ? fread(buf, 1, (size_t)sb.st_size, f) : 0;
    fclose(f);
    if (n != (size_t)sb.st_size) {
        free(buf);
        return http_reply_error(r, ERR_INTERNAL, NULL, "the photo file is unreadable");
    }
    /* Photo ids never change content: cache for a long time. */
    http_reply_bytes(r, 200, "image/jpeg", buf, n,
                     "Cache-Control: public, max-age=31536000, immutable\r\n");
    free(buf);
    return 200;
}

int api_photo_get(struct req *r)
{
    return serve_photo(r, 0);
}

int api_photo_thumb(struct req *r)
{
    return serve_photo(r, 1);
}
