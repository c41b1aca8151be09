/*
 * errors — the one table of error codes trygg can answer with: the stable
 * machine code a client sees, the HTTP status it goes with and a default
 * message. Every error response and every workflow failure names one of these;
 * a unit test proves each is documented in doc/contract.md. Pure data.
 */
#ifndef TRYGG_ERRORS_H
#define TRYGG_ERRORS_H

enum err_code {
    ERR_NONE = 0,
    ERR_MALFORMED_JSON,         /* 400 */
    ERR_BAD_REQUEST,            /* 400 */
    ERR_INVALID_UTF8,           /* 400 */
    ERR_UNAUTHORIZED,           /* 401 */
    ERR_INVALID_CREDENTIALS,    /* 401 */
    ERR_FORBIDDEN,              /* 403 */
    ERR_CSRF,                   /* 403 */
    ERR_NOT_FOUND,              /* 404 */
    ERR_METHOD_NOT_ALLOWED,     /* 405 */
    ERR_CONFLICT,               /* 409 */
    ERR_INVALID_TRANSITION,     /* 409 */
    ERR_LAST_ADMIN,             /* 409 */
    ERR_BODY_TOO_LARGE,         /* 413 */
    ERR_UNSUPPORTED_MEDIA_TYPE, /* 415 */
    ERR_INVALID_TYPE,           /* 422 */
    ERR_MISSING_FIELD,          /* 422 */
    ERR_OUT_OF_RANGE,           /* 422 */
    ERR_INVALID_FORMAT,         /* 422 */
    ERR_INVALID_UUID,           /* 422 */
    ERR_INVALID_TIMESTAMP,      /* 422 */
    ERR_TOO_LONG,               /* 422 */
    ERR_TOO_SHORT,              /* 422 */
    ERR_UNKNOWN_CATEGORY,       /* 422 */
    ERR_UNKNOWN_WALK,           /* 422 */
    ERR_OUTSIDE_BOUNDARY,       /* 422 */
    ERR_INVALID_IMAGE,          /* 422 */
    ERR_RATE_LIMITED,           /* 429 */
    ERR_INTERNAL,               /* 500 */
    ERR_UNAVAILABLE,            /* 503: the database is busy */
    ERR_STORAGE_FAILED,         /* 503: the database could not write (disk full, read-only, I/O) */
    ERR_COUNT
};

struct error_kind {
    const char *code; /* "not_found" */
    int status;       /* 404 */
    const char *message;
};

/* The entry for e (ERR_INTERNAL's for an out-of-range value). */
const struct error_kind *errors_kind(enum err_code e);

/* Shorthands for errors_kind(e)->code and ->status. */
const char *errors_code(enum err_code e);
int errors_status(enum err_code e);

/* 1 when answers with e should carry Retry-After (the failure is temporary). */
int errors_retryable(enum err_code e);

#endif
