/*
 * http — the one dispatcher in front of every handler. See http.h.
 *
 * Order of checks for every request: framing and path (400: see
 * framing_ok_or_reply), route (404), method (405), role (401/403), CSRF on
 * writes (403), body size and type (413/415), JSON syntax (400), then
 * the handler. Bodies are read here with mg_read under our own size cap, a
 * total deadline and a process-wide memory budget; civetweb's form parser is
 * never used (see library-notes.md). A database connection is borrowed from
 * the pool only once the body has arrived (and briefly before, for a staff
 * route's session), so slow clients hold a worker thread, never a database
 * connection.
 *
 * Any answer sent before the request's body was read closes the connection
 * (Connection: close, mg_disable_connection_keep_alive, then a lingering
 * close of at most 1.5 s: admission_linger_close): otherwise civetweb would
 * read the rest of the declared body, for as long as the client keeps
 * sending, and then take whatever follows for the next request.
 * Must not contain business logic or SQL.
 */
#include "http.h"
#include "admission.h"
#include "session.h"
#include "log.h"
#include "query.h"
#include "validate.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/*
 * Fills r->client_addr and r->tls: the peer's own, unless the peer is a
 * trusted proxy, whose X-Forwarded-For and X-Forwarded-Proto are then believed
 * (the last value of each: the one the nearest proxy wrote).
 */
static void request_origin(struct req *r)
{
    const char *peer = r->ri->remote_addr;
    snprintf(r->client_addr, sizeof r->client_addr, "%s", peer);
    r->tls = r->ri->is_ssl;
    if (!netaddr_list_contains(&r->srv->trusted_proxies, peer))
        return;
    const char *xff[HTTP_FORWARDED_MAX];
    const char *proto = NULL;
    int n = 0;
    for (int i = 0; i < r->ri->num_headers; i++) {
        const struct mg_header *h = &r->ri->http_headers[i];
        if (strcasecmp(h->name, "X-Forwarded-For") == 0) {
            if (n == HTTP_FORWARDED_MAX) { /* keep the last ones: the nearest hops */
                memmove(xff, xff + 1, sizeof xff[0] * (HTTP_FORWARDED_MAX - 1));
                n--;
            }
            xff[n++] = h->value;
        } else if (strcasecmp(h->name, "X-Forwarded-Proto") == 0) {
            proto = h->value;
        }
    }
    char forwarded[NETADDR_TEXT_MAX];
    if (netaddr_forwarded_client(xff, n, &r->srv->trusted_proxies, forwarded, sizeof forwarded))
        snprintf(r->client_addr, sizeof r->client_addr, "%s", forwarded);
    if (proto) {
        const char *last = strrchr(proto, ',');
        last = last ? last + 1 : proto;
        while (*last == ' ' || *last == '\t')
            last++;
        size_t len = strcspn(last, " \t");
        if (len == 5 && strncasecmp(last, "https", 5) == 0)
            r->tls = 1;
        else if (len == 4 && strncasecmp(last, "http", 4) == 0)
            r->tls = 0;
    }
}

int http_server_init(struct server *srv, char *err, size_t errlen)
{
    const struct config *cfg = &srv->cfg;
    int sample_every = 0;
    if (netaddr_list_parse(cfg->trusted_proxies, &srv->trusted_proxies, err, errlen) != 0)
        return -1;
    if (accesslog_parse(cfg->access_log, &sample_every) != 0) {
        snprintf(err, errlen, "access_log: expected all, errors or sample:N");
        return -1;
    }
    srv->pool = dbpool_new(cfg->db_path, cfg->db_connections);
    srv->heavy = heavy_gate_new(cfg->heavy_requests_max);
    if (cfg->answer_cache_bytes > 0 && !(srv->answers = anscache_new(cfg->answer_cache_bytes))) {
        snprintf(err, errlen, "out of memory");
        http_server_free(srv);
        return -1;
    }
    srv->conns = calloc(1, sizeof *srv->conns);
    srv->access = calloc(1, sizeof *srv->access);
    if (!srv->pool || !srv->conns || !srv->access || !srv->heavy ||
        connlimit_init(srv->conns, cfg->max_connections, cfg->max_connections_per_address) != 0) {
        snprintf(err, errlen, "out of memory");
        http_server_free(srv);
        return -1;
    }
    if (cfg->group_commit_max_batch > 0) {
        srv->writer = dbwriter_start(cfg->db_path, cfg->group_commit_max_batch, err, errlen);
        if (!srv->writer) {
            http_server_free(srv);
            return -1;
        }
        dbpool_set_writer(srv->pool, srv->writer);
    }
    accesslog_init(srv->access, sample_every, cfg->access_log_max_per_second);
    /* The connections are opened ahead of the first busy moment, not during it. */
    if (dbpool_warm(srv->pool) != 0)
        log_msg(LOG_WARN, "cannot open the database connections ahead of time");
    return 0;
}

void http_server_free(struct server *srv)
{
    if (srv->writer) {
        long commits, jobs, checkpoints;
        int64_t job_us, commit_us, frames;
        dbwriter_stats(srv->writer, &commits, &jobs);
        dbwriter_times(srv->writer, &job_us, &commit_us, &frames, &checkpoints);
        dbwriter_stop(srv->writer);
        srv->writer = NULL;
        if (commits)
            log_msg(LOG_INFO,
                    "group commit: %ld writes in %ld commits (%.1f a commit); %.0f ms in the "
                    "writes, %.0f ms committing; %lld pages written (%.1f a write), %ld "
                    "checkpoints",
                    jobs, commits, (double)jobs / (double)commits, (double)job_us / 1000,
                    (double)commit_us / 1000, (long long)frames,
                    (double)frames / (double)(jobs ? jobs : 1), checkpoints);
    }
    dbpool_free(srv->pool);
    srv->pool = NULL;
    if (srv->answers) {
        long hits, misses, entries;
        anscache_stats(srv->answers, &hits, &misses, &entries);
        log_msg(LOG_INFO, "answer cache: %ld public answers sent again from it, %ld computed", hits,
                misses);
    }
    anscache_free(srv->answers);
    srv->answers = NULL;
    heavy_gate_free(srv->heavy);
    srv->heavy = NULL;
    if (srv->conns)
        connlimit_free(srv->conns);
    free(srv->conns);
    srv->conns = NULL;
    free(srv->access);
    srv->access = NULL;
}
int http_civetweb_error(struct mg_connection *conn, int status, const char *msg)
{
    /* civetweb's own errors (malformed request line, headers too large, ...). */
    if (admission_refused(conn))
        return 0; /* told 503 when it connected */
    char body[256];
    int n = snprintf(body, sizeof body,
                     "{\"error\":{\"code\":\"%s\",\"message\":\"the request could not be "
                     "read (HTTP %d)\",\"field\":null}}",
                     errors_code(status == 413 ? ERR_BODY_TOO_LARGE : ERR_BAD_REQUEST), status);
    mg_printf(conn,
              "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
              "Cache-Control: no-store\r\nConnection: close\r\n",
              status, http_status_text(status), n);
    const struct server *srv = mg_get_user_data(mg_get_context(conn));
    http_send_security_headers(conn, srv ? srv->csp : "default-src 'none'");
    mg_printf(conn, "\r\n%s", body);
    log_msg(LOG_INFO, "civetweb error %d", status);
    return 0;
}

/* ---- routing ----------------------------------------------------------- */

/* Matches path against pattern, capturing {x} segments into r->param. */
static int route_match(const char *pattern, const char *path, struct req *r)
{
    size_t used = 0;
    int np = 0;
    const char *p = pattern, *s = path;
    while (*p) {
        if (p[0] == '{' && p[1] == '*' && p[2] == '}') {
            size_t len = strlen(s);
            if (len == 0 || used + len + 1 > sizeof r->param_buf || np >= HTTP_MAX_PARAMS)
                return 0;
            memcpy(r->param_buf + used, s, len + 1);
            r->param[np++] = r->param_buf + used;
            r->nparams = np;
            return 1;
        }
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (!close)
                return 0;
            size_t len = strcspn(s, "/");
            if (len == 0 || used + len + 1 > sizeof r->param_buf || np >= HTTP_MAX_PARAMS)
                return 0;
            memcpy(r->param_buf + used, s, len);
            r->param_buf[used + len] = '\0';
            r->param[np++] = r->param_buf + used;
            used += len + 1;
            s += len;
            p = close + 1;
            continue;
        }
        if (*p != *s)
            return 0;
        p++;
        s++;
    }
    if (*s != '\0')
        return 0;
    r->nparams = np;
    return 1;
}

static int content_type_is(const char *ct, const char *want)
{
    if (!ct)
        return 0;
    size_t n = strlen(want);
    if (strncasecmp(ct, want, n) != 0)
        return 0;
    return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

/* Bytes of request bodies held in memory by all requests together (max_body_memory_bytes). */
static atomic_long body_bytes_held;

/*
 * Counts more bytes of r's body against max_body_memory_bytes. Returns 0, or
 * replies 503 (the body stays unread, so the connection closes) and returns -1.
 * With hundreds of connections, each may send a photo at once: this keeps what
 * they hold together under one documented ceiling.
 */
static int reserve_body_memory_or_reply(struct req *r, size_t more)
{
    long held = atomic_fetch_add(&body_bytes_held, (long)more) + (long)more;
    if (held > r->cfg->max_body_memory_bytes) {
        atomic_fetch_sub(&body_bytes_held, (long)more);
        http_reply_error(r, ERR_UNAVAILABLE, NULL,
                         "the server is receiving too much at once; try again in a moment");
        return -1;
    }
    r->body_reserved += more;
    return 0;
}

static void release_body_memory(struct req *r)
{
    atomic_fetch_sub(&body_bytes_held, (long)r->body_reserved);
    r->body_reserved = 0;
}

/* Reads the whole body into r->body under limit, the body deadline and the memory
 * budget. Returns 0, or replies (413/400/503) and returns -1. */
static int read_body_or_reply(struct req *r, long limit)
{
    long long declared = r->ri->content_length;
    if (declared > limit) {
        http_reply_error(r, ERR_BODY_TOO_LARGE, NULL,
                         "the request body is %lld bytes; at most %ld allowed", declared, limit);
        return -1;
    }
    const char *te = http_header(r, "Transfer-Encoding");
    if (declared == 0 || (declared < 0 && !te)) {
        r->body_read = 1; /* no body */
        return 0;
    }
    size_t cap = declared > 0 ? (size_t)declared : 8192;
    if (reserve_body_memory_or_reply(r, cap + 1) != 0)
        return -1;
    unsigned char *buf = malloc(cap + 1);
    if (!buf) {
        http_reply_error(r, ERR_INTERNAL, NULL, "out of memory");
        return -1;
    }
    size_t len = 0;
    int64_t deadline = http_now_ms() + r->cfg->body_deadline_ms;
    for (;;) {
        if (len == cap) {
            if ((long)cap > limit) {
                free(buf);
                http_reply_error(r, ERR_BODY_TOO_LARGE, NULL,
                                 "the request body is larger than %ld bytes", limit);
                return -1;
            }
            size_t ncap = cap * 2 > (size_t)limit + 1 ? (size_t)limit + 1 : cap * 2;
            if (reserve_body_memory_or_reply(r, ncap - cap) != 0) {
                free(buf);
                return -1;
            }
            unsigned char *nb = realloc(buf, ncap + 1);
            if (!nb) {
                free(buf);
                http_reply_error(r, ERR_INTERNAL, NULL, "out of memory");
                return -1;
            }
            buf = nb;
            cap = ncap;
        }
        int n = mg_read(r->conn, buf + len, cap - len);
        if (n == 0)
            break;
        if (n < 0 || http_now_ms() > deadline) {
            free(buf);
            http_reply_error(r, ERR_BAD_REQUEST, NULL,
                             "the request body was not received completely in time");
            return -1;
        }
        len += (size_t)n;
        if ((long)len > limit) {
            free(buf);
            http_reply_error(r, ERR_BODY_TOO_LARGE, NULL,
                             "the request body is larger than %ld bytes", limit);
            return -1;
        }
    }
    if (declared > 0 && (long long)len != declared) {
        free(buf);
        http_reply_error(r, ERR_BAD_REQUEST, NULL, "the request body ended early");
        return -1;
    }
    buf[len] = '\0';
    r->body = buf;
    r->body_len = len;
    r->body_read = 1;
    return 0;
}

/* 1 when a header value is a plain decimal number (what Content-Length must be). */
static int is_decimal(const char *v)
{
    size_t n = strspn(v, "0123456789");
    return n > 0 && n <= 18 && v[n] == '\0';
}

/*
 * Refuses what two parsers could read differently: two Content-Length headers,
 * Transfer-Encoding with Content-Length (civetweb lets chunked win), a
 * Content-Length that is not a plain number (civetweb reads "12abc" as 12), as
 * many header lines as civetweb keeps (it drops the rest unread), a path
 * escape that is malformed or decodes to NUL (which cut the path short:
 * "/static/app.js%00.png" served app.js), and a "." or ".." segment spelt with
 * escapes. Decodes the path into r->path. Returns 0, or replies 400 (closing
 * the connection) and returns -1. Runs before anything else looks at the request.
 */
static int framing_ok_or_reply(struct req *r)
{
    const struct mg_request_info *ri = r->ri;
    int lengths = 0, encodings = 0;
    if (ri->num_headers >= MG_MAX_HEADERS) {
        http_reply_error(r, ERR_BAD_REQUEST, NULL, "too many header lines");
        return -1;
    }
    for (int i = 0; i < ri->num_headers; i++) {
        const struct mg_header *h = &ri->http_headers[i];
        if (strcasecmp(h->name, "Content-Length") == 0) {
            lengths++;
            if (!is_decimal(h->value)) {
                http_reply_error(r, ERR_BAD_REQUEST, NULL, "Content-Length must be a number");
                return -1;
            }
        } else if (strcasecmp(h->name, "Transfer-Encoding") == 0) {
            encodings++;
        }
    }
    if (lengths > 1 || encodings > 1 || (lengths && encodings)) {
        http_reply_error(r, ERR_BAD_REQUEST, NULL,
                         "send one Content-Length or one Transfer-Encoding, not both or twice");
        return -1;
    }
    const char *raw = ri->local_uri ? ri->local_uri : "/";
    size_t cap = strlen(raw) + 1;
    if (cap > HTTP_PATH_MAX) {
        http_reply_error(r, ERR_NOT_FOUND, NULL, "no such resource");
        return -1;
    }
    r->path_buf = malloc(cap);
    if (!r->path_buf) {
        http_reply_error(r, ERR_INTERNAL, NULL, "out of memory");
        return -1;
    }
    if (url_path_decode(raw, r->path_buf, cap) < 0) {
        http_reply_error(r, ERR_BAD_REQUEST, NULL,
                         "the path has a malformed %%-escape or an escaped NUL");
        return -1;
    }
    /* civetweb removed literal dot segments before decoding; escaped ones remain. */
    for (const char *p = r->path_buf; (p = strchr(p, '/')) != NULL; p++) {
        size_t seg = strcspn(p + 1, "/");
        if ((seg == 1 && p[1] == '.') || (seg == 2 && p[1] == '.' && p[2] == '.')) {
            http_reply_error(r, ERR_BAD_REQUEST, NULL, "the path has a '.' or '..' segment");
            return -1;
        }
    }
    r->path = r->path_buf;
    return 0;
}

static int parse_json_body_or_reply(struct req *r)
{
    if (!content_type_is(http_header(r, "Content-Type"), "application/json")) {
        http_reply_error(r, ERR_UNSUPPORTED_MEDIA_TYPE, NULL,
                         "send the body as Content-Type: application/json");
        return -1;
    }
    if (!r->body || r->body_len == 0) {
        http_reply_error(r, ERR_MALFORMED_JSON, NULL, "the request body is empty");
        return -1;
    }
    if (utf8_check((const char *)r->body, r->body_len, NULL) != 0) {
        http_reply_error(r, ERR_INVALID_UTF8, NULL, "the request body is not valid UTF-8");
        return -1;
    }
    if (!json_depth_ok((const char *)r->body, r->body_len, HTTP_JSON_MAX_DEPTH)) {
        http_reply_error(r, ERR_MALFORMED_JSON, NULL, "the JSON is nested more than %d levels deep",
                         HTTP_JSON_MAX_DEPTH);
        return -1;
    }
    json_error_t jerr;
    r->json = json_loadb((const char *)r->body, r->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!r->json) {
        http_reply_error(r, ERR_MALFORMED_JSON, NULL, "malformed JSON at line %d column %d: %s",
                         jerr.line, jerr.column, jerr.text);
        return -1;
    }
    if (!json_is_object(r->json)) {
        http_reply_error(r, ERR_MALFORMED_JSON, NULL, "the body must be a JSON object");
        return -1;
    }
    return 0;
}

static int reply_405(struct req *r)
{
    char allow[128] = "";
    size_t n = 0;
    struct req probe;
    for (size_t i = 0; i < routes_count; i++) {
        memset(&probe, 0, sizeof probe);
        if (route_match(routes[i].pattern, r->path, &probe) && !strstr(allow, routes[i].method))
            n += (size_t)snprintf(allow + n, sizeof allow - n, "%s%s", n ? ", " : "",
                                  routes[i].method);
        if (n >= sizeof allow)
            break;
    }
    char hdr[160];
    snprintf(hdr, sizeof hdr, "Allow: %s\r\n", allow);
    json_t *body = http_error_body(errors_code(ERR_METHOD_NOT_ALLOWED), NULL,
                                   "this method is not allowed here");
    char *s = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    int rc = http_reply_bytes(r, 405, "application/json", s ? s : "{}", s ? strlen(s) : 2, hdr);
    free(s);
    return rc;
}

/* Borrows a database connection for r. Returns 0, or replies 503 and returns -1. */
static int borrow_db_or_reply(struct req *r)
{
    char err[256];
    r->dbc = dbpool_acquire(r->srv->pool, r->cfg->db_busy_timeout_ms, err, sizeof err);
    if (!r->dbc) {
        http_reply_error(r, ERR_UNAVAILABLE, NULL, "the database is not available (%s)", err);
        return -1;
    }
    return 0;
}

static void give_back_db(struct req *r)
{
    dbpool_release(r->srv->pool, r->dbc);
    r->dbc = NULL;
}

/* Writes the access-log line of r when the configured policy wants one. */
static void log_access(const struct req *r, int64_t start)
{
    long dropped;
    if (!accesslog_admit(r->srv->access, r->status, http_now_ms(), &dropped))
        return;
    /* Client address, method, path (never the query: it may carry search text),
     * status, duration. Contact details are only ever in bodies, never logged. */
    char note[64] = "";
    if (dropped)
        snprintf(note, sizeof note, " (%ld lines dropped: access_log_max_per_second)", dropped);
    log_msg(LOG_INFO, "%s %s %s %d %lldms%s", http_client_address(r), r->method, r->path, r->status,
            (long long)(http_now_ms() - start), note);
}

int http_dispatch(struct mg_connection *conn, void *cbdata)
{
    const struct server *srv = cbdata;
    if (admission_refused(conn)) {
        /* Told 503 when it connected (admission.c); a request that came anyway
         * gets nothing more, and the connection closes. */
        mg_disable_connection_keep_alive(conn);
        return 503;
    }
    struct req r;
    memset(&r, 0, sizeof r);
    r.conn = conn;
    r.ri = mg_get_request_info(conn);
    r.srv = srv;
    r.cfg = &srv->cfg;
    r.method = r.ri->request_method;
    r.path = r.ri->local_uri ? r.ri->local_uri : "/"; /* raw until framing_ok_or_reply */
    r.query = r.ri->query_string;
    request_origin(&r);
    int64_t start = http_now_ms();

    if (framing_ok_or_reply(&r) != 0)
        goto out;
    const struct route *found = NULL;
    int path_known = 0;
    for (size_t i = 0; i < routes_count; i++) {
        if (!route_match(routes[i].pattern, r.path, &r))
            continue;
        path_known = 1;
        if (strcmp(routes[i].method, r.method) == 0 ||
            (strcmp(r.method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0)) {
            found = &routes[i];
            break;
        }
    }
    if (!found) {
        if (path_known)
            reply_405(&r);
        else
            http_reply_error(&r, ERR_NOT_FOUND, NULL, "no such resource");
        goto out;
    }
    if (found->roles) {
        if (borrow_db_or_reply(&r) != 0 || session_require_or_reply(&r, found->roles) != 0)
            goto out;
        give_back_db(&r); /* not held while the body arrives */
    }
    long limit = found->body == BODY_RAW ? r.cfg->max_photo_bytes : r.cfg->max_json_body_bytes;
    if (read_body_or_reply(&r, limit) != 0 || borrow_db_or_reply(&r) != 0)
        goto out;
    if (found->body == BODY_JSON && parse_json_body_or_reply(&r) != 0)
        goto out;
    found->handler(&r);
out:
    if (r.status == 0)
        http_reply_error(&r, ERR_INTERNAL, NULL, "no response was produced");
    log_access(&r, start);
    give_back_db(&r);
    json_decref(r.json);
    free(r.body);
    free(r.path_buf);
    release_body_memory(&r);
    if (r.session)
        session_release(r.session);
    if (!http_body_consumed(&r))
        admission_linger_close(conn); /* its answer said Connection: close */
    return r.status;
}
