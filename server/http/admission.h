/*
 * admission — which connections trygg serves: at most max_connections at once
 * and at most max_connections_per_address from one client address; any other
 * is answered 503 with Retry-After the moment it connects and closed, before
 * it has sent a byte. See admission.c for why this holds with civetweb's
 * thread-per-connection model.
 */
#ifndef TRYGG_ADMISSION_H
#define TRYGG_ADMISSION_H

#include <civetweb.h>

/*
 * Worker threads beyond max_connections. They only ever refuse connections,
 * which takes microseconds, so a new connection never waits long for one.
 */
#define ADMISSION_RESERVE_WORKERS 8

/* civetweb's init_connection callback: admits or refuses conn (always returns 0). */
int admission_connection_open(const struct mg_connection *conn, void **conn_data);

/* civetweb's connection_close callback: counts conn out. */
void admission_connection_close(const struct mg_connection *conn);

/* 1 when conn was refused when it connected (its 503 is sent): answer nothing more. */
int admission_refused(const struct mg_connection *conn);

/*
 * How long a connection whose request body will not be read is kept after its
 * answer: discarding what the client still sends, so that a client busy
 * sending its body gets to read the answer (closing a socket with unread data
 * resets it, and the answer with it), but never longer than ADMISSION_LINGER_MS
 * in all, nor past a silence of ADMISSION_LINGER_IDLE_MS.
 */
#define ADMISSION_LINGER_MS 1500
#define ADMISSION_LINGER_IDLE_MS 300

/*
 * Lets go of conn, whose answer (with Connection: close) has been sent and
 * whose request body will not be read: shuts the socket for writing, discards
 * what arrives within the limits above and returns; civetweb then closes it
 * (mg_disable_connection_keep_alive must have been called). A handler calls
 * this last. Without it civetweb would read the rest of the declared body,
 * for as long as the client sends (a declared 999999999999 bytes kept a
 * worker for minutes), and then serve whatever followed on the socket.
 */
void admission_linger_close(struct mg_connection *conn);

#endif
