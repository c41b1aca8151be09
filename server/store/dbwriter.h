/*
 * dbwriter — group commit: one writer thread with a connection of its own runs
 * the writes that requests hand it, many to a transaction, so one fsync makes
 * a whole batch durable.
 *
 * A write is a function and its context (a "job"). db_write() queues it and
 * waits; the writer takes everything waiting (at most max_batch jobs), opens
 * BEGIN IMMEDIATE, runs each job inside a SAVEPOINT of its own, COMMITs once
 * and then wakes every waiting request with its result. A job that fails
 * rolls back only its savepoint: the other jobs of the batch are committed
 * as if it had never run, and it reports its own error (left in its context).
 * Each caller hears "committed" only after COMMIT returned SQLITE_OK.
 *
 * Without a writer (c->writer NULL: the command line, unit tests, a server
 * with group_commit_max_batch = 0) db_write runs the job on the caller's own
 * connection in a transaction of its own: the same contract, one commit each.
 *
 * What a job may do: read and write through the stores on the connection it
 * is given (the writer's, or the caller's), never BEGIN, COMMIT, ROLLBACK or
 * touch another connection; it returns 0 to keep its writes or non-zero to
 * drop them. It must not block on anything but the database: everything
 * slow (files, images, PROJ on the caller's connection) is done before.
 *
 * The WAL is copied back into the database by a checkpointer thread of the
 * writer's, with a connection of its own (SQLITE_CHECKPOINT_PASSIVE: it never
 * blocks a writer or a reader), never by a commit: the server turns SQLite's
 * auto-checkpoint off on all its connections (db_set_auto_checkpoint).
 *
 * THREAD SAFETY NOTES: the writer's connection is used only by the writer
 * thread. A job's context lives on the waiting caller's stack; the queue's
 * mutex orders the hand-over both ways (the caller writes the context before
 * it queues the job, and reads the results after the writer marked it done
 * under the same mutex).
 */
#ifndef TRYGG_DBWRITER_H
#define TRYGG_DBWRITER_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "errors.h"

#define DBWRITER_MAX_QUEUE 4096 /* jobs waiting at once; more are refused as busy */
/* The checkpointer copies the WAL back once it holds this many frames (pages):
 * larger runs copy a page written by many commits once, and sync the database
 * file less often. */
#define DBWRITER_CHECKPOINT_FRAMES 8192
/* ... and the writer itself finishes the copy, between two batches, once the WAL
 * is this long, so that it can start again from its beginning. */
#define DBWRITER_WAL_RESTART_FRAMES (4 * DBWRITER_CHECKPOINT_FRAMES)
/* How long the writer lets a waiting write on another connection go first, at
 * most: DBWRITER_YIELD_SPINS naps of DBWRITER_YIELD_US microseconds. */
#define DBWRITER_YIELD_SPINS 400
#define DBWRITER_YIELD_US 250
/* The writer connection's page cache, KiB (SQLite's default is 2000). */
#define DBWRITER_CACHE_KIB_TEXT "16384"

struct dbwriter;

/* A write to run in a transaction: 0 keeps what it wrote, non-zero drops it. */
typedef int (*db_job_fn)(struct dbc *c, void *ctx);

/* Why a write did not commit when the database itself failed. */
struct db_write_failure {
    enum err_code code; /* ERR_UNAVAILABLE (busy, locked, shutting down) or ERR_STORAGE_FAILED */
    const char *text;   /* static words for a client: "the database is busy", ... */
};

/*
 * Opens a connection to path and starts the writer thread; each transaction
 * runs at most max_batch jobs (>= 1). NULL with a message in err on failure.
 */
struct dbwriter *dbwriter_start(const char *path, int max_batch, char *err, size_t errlen);

/*
 * Stops taking new jobs, runs every job already queued (the queue drains),
 * stops the thread and closes its connection. Call when no request can still
 * call db_write (after the HTTP server stopped). Safe with NULL.
 */
void dbwriter_stop(struct dbwriter *w);

/*
 * Runs fn(conn, ctx) in a write transaction: through c->writer when c has one
 * (waiting up to wait_ms for the writer to start it; a job that started is
 * always waited for), otherwise on c itself.
 * Returns 0 when fn returned 0 and its transaction committed; 1 when fn
 * returned non-zero (its writes were rolled back; its own error is in ctx);
 * -1 when the database failed around it (could not begin, commit, or was
 * busy longer than wait_ms, or the writer is stopping): *f says why, nothing
 * of the job was stored.
 */
int db_write(struct dbc *c, db_job_fn fn, void *ctx, int wait_ms, struct db_write_failure *f);

/* Counters since start, for tests and measurement: transactions committed and
 * jobs that ran in them. */
void dbwriter_stats(struct dbwriter *w, long *commits, long *jobs);

/* Microseconds the writer spent running jobs and in COMMIT since start, the WAL
 * frames (database pages) its commits wrote, and the checkpoints that copied
 * something back (the counters are written by the writer thread itself, outside
 * the queue's lock: approximate while it runs). */
void dbwriter_times(struct dbwriter *w, int64_t *job_us, int64_t *commit_us, int64_t *frames,
                    long *checkpoints);

/* Jobs waiting (queued, not yet started): lets a test hold the writer until
 * a known set of jobs is queued, so they run as one batch. */
int dbwriter_queued(struct dbwriter *w);

/* 1 once dbwriter_stop has been called (for tests that stop a busy writer). */
int dbwriter_stopping(struct dbwriter *w);

#endif
