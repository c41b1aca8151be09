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

#endif
