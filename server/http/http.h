/*
 * http — the request dispatcher: the route table's types, admission, bounded
 * body reading, the staff session check, the access log, then the handler.
 * What a handler uses to answer (struct req, replies, parsing helpers) is
 * request.h, which this header includes for the handlers.
 *
 * Contract: a handler receives a request whose route, method, role, CSRF token
 * and body size have already been checked (and whose JSON body, for BODY_JSON
 * routes, is already parsed into an object). It sends exactly one response and
 * returns the HTTP status it sent. Helpers named *_or_reply send the error
 * response themselves when they fail; the caller then just returns r->status.
 */
#ifndef TRYGG_HTTP_H
#define TRYGG_HTTP_H

#include <civetweb.h>

#include "request.h"

enum body_kind {
    BODY_NONE, /* a body, if any, is read (up to the JSON limit) and ignored */
    BODY_JSON, /* application/json object, at most max_json_body_bytes */
    BODY_RAW,  /* raw bytes (photos), at most max_photo_bytes */
    BODY_FORM, /* raw bytes (a form the handler parses with form.h), at most max_json_body_bytes */
};

typedef int (*http_handler)(struct req *r);

struct route {
    const char *method;  /* "GET", "POST", ... */
    const char *pattern; /* "/api/v1/observations/{id}"; a final "{*}" takes the rest */
    http_handler handler;
    unsigned roles; /* 0 = public; otherwise any of the ROLE_* bits */
    enum body_kind body;
};

/* The route table (server/routes.c) and its length. */
extern const struct route routes[];
extern const size_t routes_count;

/*
 * Sets up srv's shared parts from srv->cfg (call once, before mg_start).
 * Returns 0, or -1 with a message in err.
 */
int http_server_init(struct server *srv, char *err, size_t errlen);

/* Frees what http_server_init made (after mg_stop). */
void http_server_free(struct server *srv);

/* civetweb callback: the single entry point for every request. */
int http_dispatch(struct mg_connection *conn, void *cbdata);

/* civetweb callback: civetweb's own errors (bad request line, ...) as JSON. */
int http_civetweb_error(struct mg_connection *conn, int status, const char *msg);

#endif
