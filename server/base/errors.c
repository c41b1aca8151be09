/*
 * errors — see errors.h. Keep doc/contract.md's list in step with this table
 * (tests/unit/test_errors.c checks it).
 */
#include "errors.h"

static const struct error_kind table[ERR_COUNT] = {
    [ERR_NONE] = {"none", 200, "no error"},
    [ERR_MALFORMED_JSON] = {"malformed_json", 400, "the body is not valid JSON"},
    [ERR_BAD_REQUEST] = {"bad_request", 400, "the request is malformed"},
    [ERR_INVALID_UTF8] = {"invalid_utf8", 400, "the text is not valid UTF-8"},
    [ERR_UNAUTHORIZED] = {"unauthorized", 401, "log in first"},
    [ERR_INVALID_CREDENTIALS] = {"invalid_credentials", 401, "wrong user name or password"},
    [ERR_FORBIDDEN] = {"forbidden", 403, "your role may not do this"},
    [ERR_CSRF] = {"csrf", 403, "missing or wrong X-CSRF-Token"},
    [ERR_NOT_FOUND] = {"not_found", 404, "no such resource"},
    [ERR_METHOD_NOT_ALLOWED] = {"method_not_allowed", 405, "this method is not allowed here"},
    [ERR_CONFLICT] = {"conflict", 409, "that conflicts with what is stored"},
    [ERR_INVALID_TRANSITION] = {"invalid_transition", 409,
                                "the case cannot make that change from its state"},
    [ERR_LAST_ADMIN] = {"last_admin", 409, "the last active administrator must stay"},
    [ERR_BODY_TOO_LARGE] = {"body_too_large", 413, "the body is too large"},
    [ERR_UNSUPPORTED_MEDIA_TYPE] = {"unsupported_media_type", 415,
                                    "this Content-Type is not accepted here"},
    [ERR_INVALID_TYPE] = {"invalid_type", 422, "a value has the wrong type"},
    [ERR_MISSING_FIELD] = {"missing_field", 422, "a required value is missing"},
    [ERR_OUT_OF_RANGE] = {"out_of_range", 422, "a value is out of range"},
    [ERR_INVALID_FORMAT] = {"invalid_format", 422, "a value is not in the expected form"},
    [ERR_INVALID_UUID] = {"invalid_uuid", 422, "not a UUID"},
    [ERR_INVALID_TIMESTAMP] = {"invalid_timestamp", 422, "not an RFC 3339 time"},
    [ERR_TOO_LONG] = {"too_long", 422, "a value is too long"},
    [ERR_TOO_SHORT] = {"too_short", 422, "a value is too short"},
    [ERR_UNKNOWN_CATEGORY] = {"unknown_category", 422, "no such category"},
    [ERR_UNKNOWN_WALK] = {"unknown_walk", 422, "no walk has that code"},
    [ERR_OUTSIDE_BOUNDARY] = {"outside_boundary", 422,
                              "the position lies outside the municipality"},
    [ERR_INVALID_IMAGE] = {"invalid_image", 422, "the image cannot be read"},
    [ERR_RATE_LIMITED] = {"rate_limited", 429, "too many attempts; wait and try again"},
    [ERR_INTERNAL] = {"internal", 500, "an internal error"},
    [ERR_UNAVAILABLE] = {"unavailable", 503, "the database is busy; try again shortly"},
    [ERR_STORAGE_FAILED] = {"storage_failed", 503,
                            "the change could not be saved; nothing was stored; try again later"},
};

const struct error_kind *errors_kind(enum err_code e)
{
    if ((int)e < 0 || e >= ERR_COUNT)
        e = ERR_INTERNAL;
    return &table[e];
}

const char *errors_code(enum err_code e)
{
    return errors_kind(e)->code;
}

int errors_status(enum err_code e)
{
    return errors_kind(e)->status;
}

int errors_retryable(enum err_code e)
{
    return e == ERR_UNAVAILABLE || e == ERR_STORAGE_FAILED || e == ERR_RATE_LIMITED;
}
