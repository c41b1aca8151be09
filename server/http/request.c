/*
 * request — one request and its answer. See request.h. Must not contain
 * business logic or SQL.
 */
#include "request.h"
#include "monotime.h"
#include "jsonout.h"
#include "query.h"
#include "validate.h"
#include "wf_map.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *http_client_address(const struct req *r)
{
    return r->client_addr;
}

int http_request_is_tls(const struct req *r)
{
    return r->tls;
}
int64_t http_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *http_header(const struct req *r, const char *name)
{
    return mg_get_header(r->conn, name);
}
const char *http_status_text(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Content";
    case 429:
        return "Too Many Requests";
    case 503:
        return "Service Unavailable";
    default:
        return status >= 500 ? "Internal Server Error" : "Status";
    }
}

#define SECURITY_HEADERS_FMT                                                                       \
    "X-Content-Type-Options: nosniff\r\n"                                                          \
    "X-Frame-Options: DENY\r\n"                                                                    \
    "Referrer-Policy: same-origin\r\n"                                                             \
    "Cross-Origin-Opener-Policy: same-origin\r\n"                                                  \
    "Cross-Origin-Resource-Policy: same-origin\r\n"                                                \
    "Permissions-Policy: geolocation=(self), camera=(self), microphone=()\r\n"                     \
    "Content-Security-Policy: %s\r\n"

void http_send_security_headers(struct mg_connection *conn, const char *csp)
{
    mg_printf(conn, SECURITY_HEADERS_FMT, csp);
}

int http_body_consumed(const struct req *r)
{
    if (r->body_read)
        return 1;
    return r->ri->content_length <= 0 && !http_header(r, "Transfer-Encoding");
}

/*
 * Writes the status line and headers of r's answer into buf (cap bytes): the same
 * as http_begin sends. Returns the length, or -1 when they do not fit.
 */
static int format_head(struct req *r, char *buf, size_t cap, int status, const char *content_type,
                       int64_t length, const char *extra_headers)
{
    size_t n = 0;
    int k = snprintf(buf, cap, "HTTP/1.1 %d %s\r\n", status, http_status_text(status));
    if (k < 0 || (size_t)k >= cap)
        return -1;
    n = (size_t)k;
#define HEAD_ADD(...)                                                                              \
    do {                                                                                           \
        k = snprintf(buf + n, cap - n, __VA_ARGS__);                                               \
        if (k < 0 || (size_t)k >= cap - n)                                                         \
            return -1;                                                                             \
        n += (size_t)k;                                                                            \
    } while (0)
    if (content_type)
        HEAD_ADD("Content-Type: %s\r\n", content_type);
    if (length >= 0)
        HEAD_ADD("Content-Length: %lld\r\n", (long long)length);
    HEAD_ADD(SECURITY_HEADERS_FMT, r->srv->csp);
    if (!extra_headers || !strstr(extra_headers, "Cache-Control:"))
        HEAD_ADD("Cache-Control: no-store\r\n");
    if (extra_headers)
        HEAD_ADD("%s", extra_headers);
    /* A response sent before the body was consumed must close the connection,
     * or the unread body would be read and then taken for the next request. */
    if (status == 413 || status == 400 || status == 408 || !http_body_consumed(r)) {
        HEAD_ADD("Connection: close\r\n");
        mg_disable_connection_keep_alive(r->conn);
    }
    HEAD_ADD("\r\n");
#undef HEAD_ADD
    return (int)n;
}

/* Room for the status line and headers of any answer (the CSP and extra headers
 * are bounded; a head that would not fit is sent piece by piece instead). */
#define HTTP_HEAD_MAX 4096
/* Bodies up to this size go out in the same write as their headers: one TCP
 * segment train instead of one per header line. */
#define HTTP_ONE_WRITE_MAX (64 * 1024)

void http_begin(struct req *r, int status, const char *content_type, int64_t length,
                const char *extra_headers)
{
    r->status = status;
    char head[HTTP_HEAD_MAX];
    int n = format_head(r, head, sizeof head, status, content_type, length, extra_headers);
    if (n > 0) {
        mg_write(r->conn, head, (size_t)n);
        return;
    }
    mg_printf(r->conn, "HTTP/1.1 %d %s\r\n", status, http_status_text(status));
    if (content_type)
        mg_printf(r->conn, "Content-Type: %s\r\n", content_type);
    if (length >= 0)
        mg_printf(r->conn, "Content-Length: %lld\r\n", (long long)length);
    http_send_security_headers(r->conn, r->srv->csp);
    if (!extra_headers || !strstr(extra_headers, "Cache-Control:"))
        mg_printf(r->conn, "Cache-Control: no-store\r\n");
    if (extra_headers)
        mg_printf(r->conn, "%s", extra_headers);
    if (status == 413 || status == 400 || status == 408 || !http_body_consumed(r)) {
        mg_printf(r->conn, "Connection: close\r\n");
        mg_disable_connection_keep_alive(r->conn);
    }
    mg_printf(r->conn, "\r\n");
}

int http_reply_bytes(struct req *r, int status, const char *content_type, const void *body,
                     size_t len, const char *extra_headers)
{
    int head_only = strcmp(r->method, "HEAD") == 0;
    if (status == 200 && r->answer_key && content_type) {
        anscache_put(r->srv->answers, r->answer_key, r->answer_version, content_type, body, len);
        r->answer_key = NULL;
    }
    if (len <= HTTP_ONE_WRITE_MAX) {
        char *buf = malloc(HTTP_HEAD_MAX + len);
        int n = buf ? format_head(r, buf, HTTP_HEAD_MAX, status, content_type, (int64_t)len,
                                  extra_headers)
                    : -1;
        if (n > 0) {
            r->status = status;
            if (len && !head_only)
                memcpy(buf + n, body, len);
            mg_write(r->conn, buf, (size_t)n + (head_only ? 0 : len));
            free(buf);
            r->bytes_sent = (int64_t)len;
            return status;
        }
        free(buf);
    }
    http_begin(r, status, content_type, (int64_t)len, extra_headers);
    if (len && !head_only)
        mg_write(r->conn, body, len);
    r->bytes_sent = (int64_t)len;
    return status;
}

int http_stream_begin(struct req *r, const char *content_type, const char *extra_headers)
{
    char hdr[600];
    snprintf(hdr, sizeof hdr, "Transfer-Encoding: chunked\r\n%s",
             extra_headers ? extra_headers : "");
    http_begin(r, 200, content_type, -1, hdr);
    return 200;
}

int http_stream_write(void *req, const void *buf, size_t len)
{
    struct req *r = req;
    if (len == 0 || strcmp(r->method, "HEAD") == 0)
        return 0;
    if (mg_send_chunk(r->conn, buf, (unsigned int)len) <= 0)
        return -1;
    r->bytes_sent += (int64_t)len;
    return 0;
}

int http_stream_end(struct req *r)
{
    if (strcmp(r->method, "HEAD") != 0)
        mg_send_chunk(r->conn, "", 0);
    return r->status;
}

int http_reply_json_headers(struct req *r, int status, json_t *body, const char *extra_headers)
{
    char *s = jsonout_dumps(body, HTTP_JSON_TEXT_MAX, NULL);
    json_decref(body);
    if (!s) {
        static const char fallback[] =
            "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\",\"field\":null}}";
        return http_reply_bytes(r, 500, "application/json", fallback, sizeof fallback - 1, NULL);
    }
    int rc = http_reply_bytes(r, status, "application/json", s, strlen(s), extra_headers);
    free(s);
    return rc;
}

int http_reply_json(struct req *r, int status, json_t *body)
{
    return http_reply_json_headers(r, status, body, NULL);
}

/* 1 when the If-None-Match list names etag (or is "*"). */
static int etag_listed(const char *inm, const char *etag)
{
    size_t n = strlen(etag);
    for (const char *p = inm; p && *p;) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        if (*p == '*' || (strncmp(p, etag, n) == 0 && (p[n] == ',' || p[n] == ' ' || !p[n])))
            return 1;
        p = strchr(p, ',');
    }
    return 0;
}

int http_public_cache_or_reply(struct req *r, const char *key, char *hdr)
{
    int64_t version = wf_public_data_version(r->dbc);
    if (version < 0) {
        http_reply_error(r, db_failure(r->dbc), NULL, "the data could not be read");
        return -1;
    }
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a 64 of the question */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 0x100000001b3ull;
    char etag[64];
    snprintf(etag, sizeof etag, "\"p%lld-%016llx\"", (long long)version, (unsigned long long)h);
    snprintf(hdr, HTTP_PUBLIC_CACHE_HEADERS_MAX,
             "ETag: %s\r\nCache-Control: public, max-age=%d, stale-while-revalidate=%d\r\n", etag,
             HTTP_PUBLIC_MAX_AGE_S, HTTP_PUBLIC_STALE_S);
    const char *inm = http_header(r, "If-None-Match");
    if (inm && etag_listed(inm, etag)) {
        http_reply_bytes(r, 304, NULL, "", 0, hdr);
        return 1;
    }
    const struct anscache_entry *e = anscache_get(r->srv->answers, key, version);
    if (e) {
        http_reply_bytes(r, 200, e->content_type, e->body, e->len, hdr);
        anscache_release(r->srv->answers, e);
        return 1;
    }
    r->answer_key = key;
    r->answer_version = version;
    return 0;
}

json_t *http_error_body(const char *code, const char *field, const char *message)
{
    return json_pack("{s:{s:s, s:s, s:s?}}", "error", "code", code, "message", message, "field",
                     field);
}

int http_reply_error(struct req *r, enum err_code code, const char *field, const char *fmt, ...)
{
    const struct error_kind *k = errors_kind(code);
    char msg[512];
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
    } else {
        snprintf(msg, sizeof msg, "%s", k->message);
    }
    if (utf8_check(msg, strlen(msg), NULL) != 0)
        snprintf(msg, sizeof msg, "%s", k->message);
    json_t *body = http_error_body(k->code, field, msg);
    char *s = body ? jsonout_dumps(body, HTTP_JSON_TEXT_MAX, NULL) : NULL;
    json_decref(body);
    char hdr[64] = "";
    if (errors_retryable(code))
        snprintf(hdr, sizeof hdr, "Retry-After: %d\r\n", HTTP_RETRY_AFTER_S);
    int status = http_reply_bytes(r, k->status, "application/json", s ? s : "{}", s ? strlen(s) : 2,
                                  hdr[0] ? hdr : NULL);
    free(s);
    return status;
}

int http_reply_fail(struct req *r, const struct wf_error *err)
{
    return http_reply_error(r, err->code, err->field, "%s", err->message);
}

/* ---- query strings and links ------------------------------------------- */

int http_query_or_reply(struct req *r, const char *name, char *out, size_t cap)
{
    if (!r->query)
        return 0;
    int n = query_get(r->query, name, out, cap);
    if (n == QUERY_ABSENT)
        return 0;
    if (n == QUERY_TOO_LONG) {
        http_reply_error(r, ERR_TOO_LONG, name, "query parameter '%s' is too long", name);
        return -1;
    }
    if (n < 0 || utf8_check(out, (size_t)n, NULL) != 0) {
        /* A field's value, not the request's framing: 422 like any other bad value. */
        http_reply_error(r, ERR_INVALID_FORMAT, name,
                         "query parameter '%s' is not valid UTF-8 text or contains NUL", name);
        return -1;
    }
    return 1;
}

void http_base_url(const struct req *r, char *out, size_t cap)
{
    if (r->cfg->public_base_url[0]) {
        snprintf(out, cap, "%s", r->cfg->public_base_url);
        size_t n = strlen(out);
        if (n && out[n - 1] == '/')
            out[n - 1] = '\0';
        return;
    }
    /* The address and port this connection reached: ours, whatever Host says. */
    char link[1024];
    char *host;
    if (mg_get_request_link(r->conn, link, sizeof link) == 0 && (host = strstr(link, "://"))) {
        host[3 + strcspn(host + 3, "/?")] = '\0';
        snprintf(out, cap, "%s", link);
        return;
    }
    snprintf(out, cap, "%s://%s", r->ri->is_ssl ? "https" : "http", r->cfg->listen);
}

int http_param_id_or_reply(struct req *r, int i, int64_t *out)
{
    if (i >= r->nparams || parse_i64(r->param[i], 1, INT64_MAX, out) != 0) {
        http_reply_error(r, ERR_NOT_FOUND, NULL, "no such resource");
        return -1;
    }
    return 0;
}

/* ---- JSON field helpers --------------------------------------------------- */

/*
 * The value of field in obj, or NULL when it is absent or null. *rc is 0 when
 * that is fine, -1 (after replying 422 missing_field) when it was required.
 */
static json_t *json_field_or_reply(struct req *r, json_t *obj, const char *field, const char *label,
                                   int required, int *rc)
{
    json_t *v = json_object_get(obj, field);
    *rc = 0;
    if (v && !json_is_null(v))
        return v;
    if (required) {
        http_reply_error(r, ERR_MISSING_FIELD, label, "'%s' is required", label);
        *rc = -1;
    }
    return NULL;
}

int http_json_string_or_reply(struct req *r, json_t *obj, const char *field, const char *label,
                              int required, size_t max_chars, const char **out)
{
    const char *name = label ? label : field;
    int rc;
    json_t *v = json_field_or_reply(r, obj, field, name, required, &rc);
    if (!v)
        return rc;
    if (!json_is_string(v)) {
        http_reply_error(r, ERR_INVALID_TYPE, name, "'%s' must be a string", name);
        return -1;
    }
    size_t chars = 0;
    const char *s = json_string_value(v);
    if (utf8_check(s, json_string_length(v), &chars) != 0) {
        http_reply_error(r, ERR_INVALID_FORMAT, name, "'%s' is not valid UTF-8 text", name);
        return -1;
    }
    if (chars > max_chars) {
        http_reply_error(r, ERR_TOO_LONG, name, "'%s' is %zu characters; at most %zu allowed", name,
                         chars, max_chars);
        return -1;
    }
    *out = s;
    return 0;
}

int http_json_number_or_reply(struct req *r, json_t *obj, const char *field, int required,
                              double min, double max, double *out, int *present)
{
    int rc;
    json_t *v = json_field_or_reply(r, obj, field, field, required, &rc);
    if (present)
        *present = 0;
    if (!v)
        return rc;
    if (!json_is_number(v)) {
        http_reply_error(r, ERR_INVALID_TYPE, field, "'%s' must be a number", field);
        return -1;
    }
    double d = json_number_value(v);
    if (!(d >= min && d <= max)) {
        http_reply_error(r, ERR_OUT_OF_RANGE, field, "'%s' must be between %g and %g", field, min,
                         max);
        return -1;
    }
    *out = d;
    if (present)
        *present = 1;
    return 0;
}

int http_json_int_or_reply(struct req *r, json_t *obj, const char *field, int required, int64_t min,
                           int64_t max, int64_t *out, int *present)
{
    int rc;
    json_t *v = json_field_or_reply(r, obj, field, field, required, &rc);
    if (present)
        *present = 0;
    if (!v)
        return rc;
    if (!json_is_integer(v)) {
        http_reply_error(r, ERR_INVALID_TYPE, field, "'%s' must be a whole number", field);
        return -1;
    }
    json_int_t i = json_integer_value(v);
    if (i < min || i > max) {
        http_reply_error(r, ERR_OUT_OF_RANGE, field, "'%s' must be from %lld to %lld", field,
                         (long long)min, (long long)max);
        return -1;
    }
    *out = i;
    if (present)
        *present = 1;
    return 0;
}

int http_json_bool_or_reply(struct req *r, json_t *obj, const char *field, int required, int *out)
{
    int rc;
    json_t *v = json_field_or_reply(r, obj, field, field, required, &rc);
    if (!v)
        return rc;
    if (!json_is_boolean(v)) {
        http_reply_error(r, ERR_INVALID_TYPE, field, "'%s' must be true or false", field);
        return -1;
    }
    *out = json_is_true(v);
    return 0;
}

/* ---- heavy requests ------------------------------------------------------ */

/* A waiter, on its own stack: served first come, first served. Without the
 * queue, a request that just left could take the gate again before the one it
 * woke did, and under steady load some waiters were passed over for seconds. */
struct heavy_waiter {
    struct heavy_waiter *next;
    int granted; /* the slot of a request that left was handed to this one */
};

struct heavy_gate {
    pthread_mutex_t lock;
    pthread_cond_t freed; /* broadcast when a slot is handed on */
    int running, max;
    struct heavy_waiter *head, *tail;
};

struct heavy_gate *heavy_gate_new(int max)
{
    struct heavy_gate *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    pthread_mutex_init(&g->lock, NULL);
    monotime_cond_init(&g->freed);
    g->max = max > 0 ? max : 1;
    return g;
}

void heavy_gate_free(struct heavy_gate *g)
{
    if (!g)
        return;
    pthread_cond_destroy(&g->freed);
    pthread_mutex_destroy(&g->lock);
    free(g);
}

/* Takes w out of g's queue (it gave up waiting). */
static void heavy_unqueue(struct heavy_gate *g, struct heavy_waiter *w)
{
    struct heavy_waiter **p = &g->head, *prev = NULL;
    while (*p && *p != w) {
        prev = *p;
        p = &(*p)->next;
    }
    if (!*p)
        return;
    *p = w->next;
    if (g->tail == w)
        g->tail = prev;
}

int heavy_gate_enter(struct heavy_gate *g, int timeout_ms)
{
    struct timespec deadline;
    monotime_deadline(&deadline, timeout_ms);
    pthread_mutex_lock(&g->lock);
    int timed_out = 0;
    if (g->running < g->max && !g->head) {
        g->running++;
    } else {
        struct heavy_waiter w = {NULL, 0};
        if (g->tail)
            g->tail->next = &w;
        else
            g->head = &w;
        g->tail = &w;
        while (!w.granted && !timed_out)
            timed_out =
                pthread_cond_timedwait(&g->freed, &g->lock, &deadline) == ETIMEDOUT && !w.granted;
        if (timed_out)
            heavy_unqueue(g, &w);
    }
    pthread_mutex_unlock(&g->lock);
    return timed_out ? -1 : 0;
}

void heavy_gate_leave(struct heavy_gate *g)
{
    pthread_mutex_lock(&g->lock);
    struct heavy_waiter *w = g->head;
    if (w) { /* the slot goes to the longest waiting, not to whoever asks next */
        g->head = w->next;
        if (!g->head)
            g->tail = NULL;
        w->granted = 1;
        pthread_cond_broadcast(&g->freed);
    } else {
        g->running--;
    }
    pthread_mutex_unlock(&g->lock);
}

int heavy_gate_waiting(struct heavy_gate *g)
{
    pthread_mutex_lock(&g->lock);
    int n = 0;
    for (struct heavy_waiter *w = g->head; w; w = w->next)
        n++;
    pthread_mutex_unlock(&g->lock);
    return n;
}

int http_heavy_enter_or_reply(struct req *r)
{
    struct heavy_gate *g = r->srv->heavy;
    if (!g || heavy_gate_enter(g, r->cfg->db_busy_timeout_ms) == 0)
        return 0;
    http_reply_error(r, ERR_UNAVAILABLE, NULL,
                     "the server is busy computing other statistics; try again shortly");
    return -1;
}

void http_heavy_leave(struct req *r)
{
    struct heavy_gate *g = r->srv->heavy;
    if (!g)
        return;
    /* What the answer held is free now: give it back rather than keep it in an arena. */
    malloc_trim(0);
    heavy_gate_leave(g);
}
