/*
 * dbpool — a fixed number of database connections (struct dbc) lent to the
 * HTTP workers one request at a time.
 *
 * Why a pool: civetweb needs one thread per open connection, and a server that
 * idle or slow clients cannot stop needs hundreds of them (http.h). A
 * connection with its SpatiaLite cache and PROJ context costs about 1.3 MB, so
 * the threads no longer own one each: a request borrows one after its body
 * has arrived and gives it back when it has answered, and at most `size`
 * requests use the database at once (SQLite has one writer anyway).
 *
 * THREAD SAFETY NOTES: a struct dbc is used by one thread at a time, as
 * db.h requires: the pool's mutex orders each hand-over, so everything the
 * previous borrower did happens before the next one starts. Connections are
 * opened lazily, by the first borrower that needs one more.
 */
#ifndef TRYGG_DBPOOL_H
#define TRYGG_DBPOOL_H

#include <stddef.h>

#include "db.h"

struct dbpool;

/* A pool of at most size connections to path (none opened yet), or NULL when out of memory. */
struct dbpool *dbpool_new(const char *path, int size);

/* Closes every connection and frees p. No connection may still be borrowed. */
void dbpool_free(struct dbpool *p);

/*
 * Borrows a connection, waiting up to wait_ms for one to be given back. Returns
 * it, or NULL with a message in err when none came back in time or a new one
 * could not be opened. Give it back with dbpool_release.
 */
struct dbc *dbpool_acquire(struct dbpool *p, int wait_ms, char *err, size_t errlen);

/*
 * Makes every connection lent from now on send its db_write jobs to w (group
 * commit, dbwriter.h); NULL: each commits on its own. Call before lending.
 */
void dbpool_set_writer(struct dbpool *p, struct dbwriter *w);

/* Gives c back (rolling back a transaction somebody left open). */
void dbpool_release(struct dbpool *p, struct dbc *c);

#endif
