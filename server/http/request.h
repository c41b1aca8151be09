/*
 * request — one request and everything a handler needs to answer it: the
 * request's parts (struct req) and the process-wide server (struct server),
 * the client's address, JSON and error replies, streamed answers, query-string
 * and JSON-field parsing, absolute links. The dispatcher (http.h) fills a
 * struct req and calls the route's handler; this module knows nothing of
 * routing, sessions or admission.
 *
 * Helpers named *_or_reply send the error response themselves when they fail;
 * the caller then just returns r->status.
 */
#ifndef TRYGG_REQUEST_H
#define TRYGG_REQUEST_H

#include <civetweb.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "accesslog.h"
#include "anscache.h"
#include "config.h"
#include "connlimit.h"
#include "db.h"
#include "dbpool.h"
#include "dbwriter.h"
#include "errors.h"
#include "netaddr.h"
#include "workflow.h"

#define HTTP_MAX_PARAMS 4
#define HTTP_PARAM_BUF 512
#define HTTP_QUERY_VALUE_MAX 2048
/* How answers are written: compact, ASCII-safe, and 12 significant digits so that
 * 57.719 is not printed as 57.719000000000001 (coordinates keep ~0.1 mm). */
#define HTTP_JSON_FLAGS (JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(12))
#define HTTP_JSON_MAX_DEPTH 32                  /* nesting of request bodies; ours need 3 */
#define HTTP_JSON_TEXT_MAX (512L * 1024 * 1024) /* the largest JSON answer (jsonout.h) */
#define HTTP_RETRY_AFTER_S 2 /* Retry-After on 503 and 429 answers without a better figure */
#define HTTP_PATH_MAX 2048   /* a decoded request path; longer ones are no route's (404) */
#define HTTP_FORWARDED_MAX 8 /* X-Forwarded-For headers read (the last ones) */

struct session;

/*
 * Process-wide, read-only after start-up (http_server_init). The objects the
 * pointers lead to are shared by every worker and lock themselves.
 */
struct server {
    struct config cfg;
    struct mg_context *ctx;
    char csp[1024];                      /* Content-Security-Policy, computed from the tile URL */
    struct netaddr_list trusted_proxies; /* cfg.trusted_proxies, parsed */
    struct dbpool *pool;                 /* database connections lent to requests */
    struct dbwriter *writer;             /* group commit for their writes, or NULL */
    struct connlimit *conns;             /* open connections, in total and per address */
    struct accesslog *access;            /* which requests get an access-log line */
    struct anscache *answers;            /* public answers just sent (anscache.h), or NULL */
    struct heavy_gate *heavy;            /* statistics being computed at once (http_heavy_*) */
};

struct req {
    struct mg_connection *conn;
    const struct mg_request_info *ri;
    const struct server *srv;
    const struct config *cfg;
    struct dbc *dbc; /* borrowed from the pool for this request (dbpool.h) */
    const char *method;
    const char *path;  /* decoded path, without the query (path_buf) */
    const char *query; /* raw query string or NULL */
    const char *param[HTTP_MAX_PARAMS];
    int nparams;
    char param_buf[HTTP_PARAM_BUF];
    unsigned char *body; /* malloc'd; NUL-terminated for convenience */
    size_t body_len;
    json_t *json;            /* parsed body for BODY_JSON routes */
    struct session *session; /* set by auth for staff routes */
    int status;              /* status sent, for the access log */
    int64_t bytes_sent;
    int body_read;                      /* the whole body (if any) was read */
    size_t body_reserved;               /* bytes counted against max_body_memory_bytes */
    int tls;                            /* over TLS (here or at a trusted proxy) */
    char client_addr[NETADDR_TEXT_MAX]; /* see http_client_address */
    char *path_buf; /* malloc'd: a worker's stack is civetweb's 100 KiB, SQLite needs most */
    /* Set by http_public_cache_or_reply: the question and the data version its 200
     * answer is kept under in srv->answers (the key lives in the handler's frame). */
    const char *answer_key;
    int64_t answer_version;
};

/*
 * The client's address: the connection's peer, or, when the peer is one of
 * trusted_proxies, the last address in X-Forwarded-For that no trusted proxy
 * vouches for. Every per-client limit and the access log use this; nothing
 * else reads a forwarded header.
 */
const char *http_client_address(const struct req *r);

/* 1 when the client reached us over TLS: this connection, or X-Forwarded-Proto: https
 * from a trusted proxy. */
int http_request_is_tls(const struct req *r);

/* Starts a response: status, Content-Type, Content-Length (-1 = unknown), the
 * security headers and extra_headers ("Name: value\r\n" lines, may be NULL). */
void http_begin(struct req *r, int status, const char *content_type, int64_t length,
                const char *extra_headers);

/* Sends body as a complete response. Returns status. */
int http_reply_bytes(struct req *r, int status, const char *content_type, const void *body,
                     size_t len, const char *extra_headers);

/*
 * A streamed answer (chunked transfer encoding) for bodies built row by row:
 * http_stream_begin sends 200 with content_type and extra_headers;
 * http_stream_write sends one chunk (0 or -1 when the client went away);
 * http_stream_end ends the body. Returns of begin/end: the status sent.
 */
int http_stream_begin(struct req *r, const char *content_type, const char *extra_headers);
int http_stream_write(void *req, const void *buf, size_t len);
int http_stream_end(struct req *r);

/* Sends the JSON value (reference stolen) with status. Returns status. */
int http_reply_json(struct req *r, int status, json_t *body);

/* http_reply_json with extra_headers ("Name: value\r\n" lines, may be NULL). */
int http_reply_json_headers(struct req *r, int status, json_t *body, const char *extra_headers);

/* How long a cache may serve a public answer without asking again, and how much
 * longer it may serve it stale while it asks (seconds). */
#define HTTP_PUBLIC_MAX_AGE_S 30
#define HTTP_PUBLIC_STALE_S 60
#define HTTP_PUBLIC_CACHE_HEADERS_MAX 192

/*
 * For public answers that depend on nothing but the question and the public data
 * (never on a session): writes into hdr (HTTP_PUBLIC_CACHE_HEADERS_MAX) the ETag,
 * made of the public data version (wf_public_data_version, bumped in the
 * transaction of every write that can change a public answer) and a hash of key,
 * the normalised question, and "Cache-Control: public, max-age, stale-while-
 * revalidate". Returns 1 after answering 304 when If-None-Match names that ETag
 * (the answer is not computed at all), or after sending the answer kept in the
 * server's answer cache for this question and version (anscache.h); 0 to go on
 * and send hdr with the answer (a 200 answer sent with http_reply_bytes is then
 * kept for the next one to ask); -1 after answering an error. key must stay
 * valid until the answer is sent.
 */
int http_public_cache_or_reply(struct req *r, const char *key, char *hdr);

/*
 * The statistics, hot spots and the situation picture read and group tens of
 * thousands of rows and hold them while they answer: at most heavy_requests_max
 * of them run at once (the others wait up to db_busy_timeout_ms, then 503), so
 * that a burst of them cannot multiply the server's memory. http_heavy_leave
 * also hands the freed memory back to the system. enter returns 0, or replies
 * 503 and returns -1 (then leave must not be called).
 */
int http_heavy_enter_or_reply(struct req *r);
void http_heavy_leave(struct req *r);

/* The gate itself: made by http_server_init, freed by http_server_free. */
struct heavy_gate *heavy_gate_new(int max);
void heavy_gate_free(struct heavy_gate *g);
/* The gate itself (the http_heavy_* pair uses it): first come, first served. enter
 * returns 0 with a slot, -1 when none came within timeout_ms; leave hands the slot
 * to the longest waiting, if any; waiting counts those queued. */
int heavy_gate_enter(struct heavy_gate *g, int timeout_ms);
void heavy_gate_leave(struct heavy_gate *g);
int heavy_gate_waiting(struct heavy_gate *g);

/*
 * Sends {"error":{"code","message","field"}} with the status the error table
 * gives code (and Retry-After for a temporary failure); field may be NULL, fmt
 * NULL sends the table's message. Returns the status.
 */
int http_reply_error(struct req *r, enum err_code code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Sends a workflow failure as http_reply_error does. Returns the status. */
int http_reply_fail(struct req *r, const struct wf_error *err);

/*
 * Reads query parameter name into out (URL-decoded). Returns 1 when present,
 * 0 when absent; when the value does not fit or is not valid UTF-8, replies
 * 422 and returns -1.
 */
int http_query_or_reply(struct req *r, const char *name, char *out, size_t cap);

/* Writes the absolute base URL for links into out: public_base_url, or when that is
 * empty the address and port this connection reached ("http://192.0.2.7:8080"),
 * never the Host header (a client chooses that). */
void http_base_url(const struct req *r, char *out, size_t cap);

/* Path parameter i as a positive int64, or replies 404 and returns -1. */
int http_param_id_or_reply(struct req *r, int i, int64_t *out);

/*
 * JSON body field helpers. Each returns 0 when the value is valid or absent
 * (absent is allowed only when !required: *out untouched), or replies 422 with
 * the field named and returns -1.
 */
int http_json_string_or_reply(struct req *r, json_t *obj, const char *field, const char *label,
                              int required, size_t max_chars, const char **out);
int http_json_number_or_reply(struct req *r, json_t *obj, const char *field, int required,
                              double min, double max, double *out, int *present);
int http_json_int_or_reply(struct req *r, json_t *obj, const char *field, int required, int64_t min,
                           int64_t max, int64_t *out, int *present);
int http_json_bool_or_reply(struct req *r, json_t *obj, const char *field, int required, int *out);

/* The request header value, or NULL. */
const char *http_header(const struct req *r, const char *name);

/* Milliseconds since an arbitrary monotonic origin. */
int64_t http_now_ms(void);

/* The JSON error body {"error":{"code","message","field"}} (field may be NULL). */
json_t *http_error_body(const char *code, const char *field, const char *message);

/* The reason phrase of an HTTP status. */
const char *http_status_text(int status);

/* The security headers sent with every response of ours (CSP csp). */
void http_send_security_headers(struct mg_connection *conn, const char *csp);

/* 1 when the request has no body or its body has been read in full. */
int http_body_consumed(const struct req *r);

#endif
