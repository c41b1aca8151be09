/*
 * dbpool — a fixed number of database connections (struct dbc) lent to the
 * HTTP workers one request at a time.
 *
 * Why a pool: civetweb needs one thread per open connection, and a server that
 * idle or slow clients cannot stop needs hundreds of them (http.h). A
 * connection with its SpatiaLite cache and PROJ context costs about 2.5 MB, so
 * the threads no longer own one each: a request borrows one after its body
 * has arrived and gives it back when it has answered, and at most `size`
 * requests use the database at once (SQLite has one writer anyway).
 *
 * A borrower waiting in db_write for the writer thread (group commit) does not
 * use its connection meanwhile: db_write parks it (db_lender, db.h), so another
 * request may use it, and takes it back when the write is committed. So `size`
 * bounds the requests using the database at once, not those waiting for their
 * write: a hundred filings can share one group commit with 16 connections.
 *
 * THREAD SAFETY NOTES: a struct dbc is used by one thread at a time, as
 * db.h requires: the pool's mutex orders each hand-over (borrow, release, park,
 * unpark), so everything the previous user did happens before the next one
 * starts. Connections are opened by the first borrower that needs one more, or
 * ahead of time by dbpool_warm.
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

/*
 * Opens the connections not yet open in a thread of its own, one at a time, so
 * that the first moment many requests come at once does not pay for opening
 * them; a borrower meanwhile opens its own as before. dbpool_free waits for it.
 * 0, or -1 when the thread could not start.
 */
int dbpool_warm(struct dbpool *p);

/* Gives c back (rolling back a transaction somebody left open). */
void dbpool_release(struct dbpool *p, struct dbc *c);

#endif
