/*
 * api_photos — photo uploads (raw image body) and serving the cleaned copies.
 * Thin: the decoding, the files and the limit are the workflow's
 * (wf_observations.h).
 */
#include "api.h"
#include "http.h"
#include "quota.h"
#include "photo_store.h"
#include "session.h"
#include "validate.h"
#include "wf_moderation.h"
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
    if (quota_take_or_reply(r, QUOTA_PHOTOS) != 0)
        return r->status;
    json_t *photo = NULL;
    int repeat = 0;
    struct wf_error err;
    if (wf_photo_add(r->dbc, r->cfg, obs, http_header(r, "X-Upload-Token"), key,
                     http_header(r, "Content-Type"), r->body, r->body_len, &photo, &repeat,
                     &err) != 0)
        return http_reply_fail(r, &err);
    json_object_set_new(photo, "observation_id", json_integer(obs));
    return http_reply_json(r, repeat ? 200 : 201, photo);
}

static int serve_photo(struct req *r, int thumb)
{
    const char *id = r->nparams > 0 ? r->param[0] : "";
    if (!wf_photo_id_valid(id))
        return http_reply_error(r, ERR_NOT_FOUND, NULL, "no such photo");
    int seen = photo_store_visibility(r->dbc, id);
    if (seen < 0)
        return http_reply_error(r, db_failure(r->dbc), NULL, "the photo could not be read");
    /* A hidden or not yet approved photo is served to staff only; to anyone else
     * it does not exist. */
    if (seen == PHOTO_STAFF_ONLY) {
        int staff = session_optional(r);
        if (staff < 0)
            return r->status;
        if (!staff)
            seen = PHOTO_ABSENT;
    }
    if (seen == PHOTO_ABSENT)
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
    /* A photo's content never changes, but moderation may hide it: shared caches
     * keep a public one for ten minutes at most, and a staff-only one never. */
    http_reply_bytes(r, 200, "image/jpeg", buf, n,
                     seen == PHOTO_PUBLIC ? "Cache-Control: public, max-age=600\r\n"
                                          : "Cache-Control: private, no-store\r\n");
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

int api_photo_visibility(struct req *r)
{
    const char *id = r->nparams > 0 ? r->param[0] : "";
    int public_ = 0;
    if (!wf_photo_id_valid(id))
        return http_reply_error(r, ERR_NOT_FOUND, NULL, "no such photo");
    if (http_json_bool_or_reply(r, r->json, "public", 1, &public_) != 0)
        return r->status;
    struct wf_actor actor = session_actor(r);
    struct wf_error err;
    int64_t case_id = 0;
    if (wf_photo_set_public(r->dbc, &actor, id, public_, &case_id, &err) != 0)
        return http_reply_fail(r, &err);
    return http_reply_json(
        r, 200,
        json_pack("{s:s, s:I, s:b}", "id", id, "case_id", (json_int_t)case_id, "public", public_));
}
