/*
 * admission — connection limits that hold with civetweb 1.15. See admission.h.
 *
 * The problem. civetweb gives each accepted connection a worker thread for as
 * long as it stays open, and reads it with blocking calls. When every worker
 * holds a connection (idle, trickling its headers, or kept alive), a new
 * connection waits in civetweb's queue, then in the kernel's backlog, until
 * one closes: measured 30 s with 16 idle sockets. civetweb has no "queue full"
 * answer of its own.
 *
 * The design.
 *   1. civetweb runs max_connections + ADMISSION_RESERVE_WORKERS workers, and
 *      every connection is counted (connlimit) the moment a worker takes it,
 *      before anything is read: in total, and per client address.
 *   2. A connection over either limit is answered 503 with Retry-After right
 *      there, and its socket is shut down (shutdown(2) on the descriptor: the
 *      worker's next read returns at once), so it leaves its worker within
 *      microseconds whatever the client does next.
 *   3. Admitted connections never exceed max_connections, so at least the
 *      reserve workers are always free or busy refusing for microseconds: a new
 *      connection is taken by a worker at once and is either served or told
 *      503. Nothing waits in a queue for a connection to close.
 *   4. Admitted connections cannot hold their worker for long without working:
 *      request_timeout_ms bounds the time to send a request's headers,
 *      keep_alive_timeout_ms an idle kept-alive connection, body_deadline_ms
 *      a body (http.c). And one address cannot take more than
 *      max_connections_per_address of them (a trusted proxy is exempt: it
 *      limits its own clients). The database is not held by a connection but
 *      lent per request (dbpool.h), so many workers cost little memory.
 *
 * Two things civetweb does not offer, and how they are obtained:
 *   - init_connection runs before civetweb lets mg_get_request_info see the
 *     connection, though the peer's address and port are already filled in. The
 *     offset of that request_info inside struct mg_connection is a constant of
 *     the library: it is learnt from mg_get_request_info itself on the first
 *     connection that closes (and checked on every later one; a mismatch turns
 *     the early path off). Until then a connection counts in the total only
 *     and a refused one is not shut down early (it is answered when its request
 *     arrives, or dropped at the header timeout). The server's own start-up
 *     probe (or the first client) teaches it.
 *   - No API returns a connection's socket. It is found by its four-tuple among
 *     the process's descriptors (/proc/self/fd, getpeername/getsockname): the
 *     tuple is unique to this connection, which our thread owns while the
 *     callback runs, so the descriptor cannot be closed or reused meanwhile.
 *     It is only ever shut down, never closed: civetweb closes it as usual.
 *     admission_linger_close finds it the same way.
 */
#include "admission.h"
#include "request.h"
#include "log.h"
#include "netaddr.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

/* What admission decided about one connection (civetweb's user connection data). */
struct admission_conn {
    int counted; /* admitted: count it out at close */
    int keyed;   /* ... under key */
    int refused; /* answered 503 at connect */
    char key[CONNLIMIT_KEY_MAX];
};

/* Offset of request_info in struct mg_connection: -1 not learnt yet, -2 disabled. */
static atomic_long request_info_offset = -1;

/* The peer of a connection civetweb has not published yet, or NULL. */
static const struct mg_request_info *early_request_info(const struct mg_connection *conn)
{
    long off = atomic_load(&request_info_offset);
    if (off < 0)
        return NULL;
    const struct mg_request_info *ri =
        (const struct mg_request_info *)(const void *)((const char *)conn + off);
    struct netaddr a;
    if (!memchr(ri->remote_addr, '\0', sizeof ri->remote_addr) ||
        netaddr_parse(ri->remote_addr, &a) != 0)
        return NULL;
    return ri;
}

/* Learns (or checks) the request_info offset from a connection civetweb publishes. */
static void learn_request_info_offset(const struct mg_connection *conn)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    if (!ri)
        return;
    long off = (long)((const char *)ri - (const char *)conn);
    long expected = -1;
    if (off < 0 || off > 1L << 20)
        off = -2;
    if (atomic_compare_exchange_strong(&request_info_offset, &expected, off) || expected == off ||
        expected == -2)
        return;
    atomic_store(&request_info_offset, -2);
    log_msg(LOG_ERROR,
            "admission: civetweb's connection layout changed (%ld, then %ld); "
            "connections are now limited in total only",
            expected, off);
}

/* Text of a socket address and its port. 0, or -1 for another family. */
static int sockaddr_text(const struct sockaddr_storage *sa, char *out, size_t cap, int *port)
{
    if (sa->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        *port = ntohs(in->sin_port);
        return inet_ntop(AF_INET, &in->sin_addr, out, (socklen_t)cap) ? 0 : -1;
    }
    if (sa->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        *port = ntohs(in6->sin6_port);
        return inet_ntop(AF_INET6, &in6->sin6_addr, out, (socklen_t)cap) ? 0 : -1;
    }
    return -1;
}

/* The descriptor of the TCP connection ri describes, or -1. */
static int socket_of(const struct mg_request_info *ri)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    int found = -1;
    struct dirent *e;
    while (found < 0 && (e = readdir(d)) != NULL) {
        char *end;
        long fd = strtol(e->d_name, &end, 10);
        if (*end != '\0' || fd < 0 || fd == dirfd(d))
            continue;
        struct sockaddr_storage peer, local;
        socklen_t plen = sizeof peer, llen = sizeof local;
        char text[NETADDR_TEXT_MAX];
        int port, lport;
        if (getpeername((int)fd, (struct sockaddr *)&peer, &plen) != 0 ||
            sockaddr_text(&peer, text, sizeof text, &port) != 0 || port != ri->remote_port ||
            strcmp(text, ri->remote_addr) != 0)
            continue;
        if (getsockname((int)fd, (struct sockaddr *)&local, &llen) != 0 ||
            sockaddr_text(&local, text, sizeof text, &lport) != 0 || lport != ri->server_port)
            continue;
        found = (int)fd;
    }
    closedir(d);
    return found;
}

/* Refusals are logged as one line a second at most, with counts. */
static pthread_mutex_t refusal_log_lock = PTHREAD_MUTEX_INITIALIZER;
static long refused_full, refused_address;
static time_t refusal_log_second;

static void log_refusal(enum connlimit_verdict v)
{
    pthread_mutex_lock(&refusal_log_lock);
    if (v == CONNLIMIT_FULL)
        refused_full++;
    else
        refused_address++;
    time_t now = time(NULL);
    long full = 0, address = 0;
    if (now != refusal_log_second) {
        refusal_log_second = now;
        full = refused_full;
        address = refused_address;
        refused_full = refused_address = 0;
    }
    pthread_mutex_unlock(&refusal_log_lock);
    if (full || address)
        log_msg(LOG_WARN,
                "refused connections with 503: %ld at max_connections, %ld at "
                "max_connections_per_address",
                full, address);
}

/* Answers 503 on a connection no request has been read from, and shuts it down. */
static void refuse(const struct mg_connection *conn, const struct mg_request_info *ri,
                   enum connlimit_verdict v)
{
    char body[256], head[512];
    int blen = snprintf(body, sizeof body,
                        "{\"error\":{\"code\":\"%s\",\"message\":\"%s\",\"field\":null}}",
                        errors_code(ERR_UNAVAILABLE),
                        v == CONNLIMIT_FULL ? "the server is busy; try again in a moment"
                                            : "too many connections from your address; close "
                                              "some or try again in a moment");
    int hlen = snprintf(head, sizeof head,
                        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                        "Content-Length: %d\r\nRetry-After: %d\r\nCache-Control: no-store\r\n"
                        "X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
                        blen, HTTP_RETRY_AFTER_S);
    /* civetweb hands init_connection a const connection, but writing to it is
     * exactly what mg_write does for a handler; nothing has been read or sent yet. */
    struct mg_connection *c = (struct mg_connection *)(uintptr_t)conn;
    mg_write(c, head, (size_t)hlen);
    mg_write(c, body, (size_t)blen);
    int fd = ri ? socket_of(ri) : -1;
    if (fd >= 0)
        shutdown(fd, SHUT_RDWR);
    log_refusal(v);
}

int admission_connection_open(const struct mg_connection *conn, void **conn_data)
{
    struct server *srv = mg_get_user_data(mg_get_context(conn));
    struct admission_conn *a = calloc(1, sizeof *a);
    *conn_data = a;
    if (!srv || !srv->conns || !a)
        return 0; /* cannot count it: serve it */
    const struct mg_request_info *ri = early_request_info(conn);
    const char *key = NULL;
    if (ri && !netaddr_list_contains(&srv->trusted_proxies, ri->remote_addr)) {
        netaddr_key(ri->remote_addr, a->key, sizeof a->key);
        key = a->key;
    }
    enum connlimit_verdict v = connlimit_enter(srv->conns, key);
    if (v == CONNLIMIT_ADMITTED) {
        a->counted = 1;
        a->keyed = key != NULL;
        return 0;
    }
    a->refused = 1;
    refuse(conn, ri, v);
    return 0;
}

void admission_connection_close(const struct mg_connection *conn)
{
    learn_request_info_offset(conn);
    struct admission_conn *a = mg_get_user_connection_data(conn);
    if (!a)
        return;
    struct server *srv = mg_get_user_data(mg_get_context(conn));
    if (a->counted && srv && srv->conns)
        connlimit_leave(srv->conns, a->keyed ? a->key : NULL);
    mg_set_user_connection_data(conn, NULL);
    free(a);
}

int admission_refused(const struct mg_connection *conn)
{
    const struct admission_conn *a = mg_get_user_connection_data(conn);
    return a && a->refused;
}

void admission_linger_close(struct mg_connection *conn)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    int fd = ri ? socket_of(ri) : -1;
    if (fd < 0)
        return; /* civetweb closes it: a client still sending may see a reset */
    shutdown(fd, SHUT_WR);
    int64_t end = http_now_ms() + ADMISSION_LINGER_MS;
    char discard[16384];
    for (;;) {
        int64_t left = end - http_now_ms();
        if (left <= 0)
            break;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int ready =
            poll(&p, 1, (int)(left < ADMISSION_LINGER_IDLE_MS ? left : ADMISSION_LINGER_IDLE_MS));
        if (ready <= 0)
            break; /* silence (or an error): enough */
        ssize_t got = recv(fd, discard, sizeof discard, MSG_DONTWAIT);
        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR))
            break; /* the client has read its answer and closed */
    }
}
