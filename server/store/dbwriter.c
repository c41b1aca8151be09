/*
 * dbwriter — see dbwriter.h. Knows nothing of what the jobs write: the
 * workflow decides that; this file only batches, isolates and commits.
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include "dbwriter.h"
#include "monotime.h"
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum job_state { JOB_QUEUED, JOB_RUNNING, JOB_DONE };

/* One queued write; lives on the waiting caller's stack. */
struct dbwriter_job {
    db_job_fn fn;
    void *ctx;
    enum job_state state;
    int result; /* as db_write returns */
    struct db_write_failure fail;
    struct dbwriter_job *next;
};

struct dbwriter {
    pthread_mutex_t lock;
    pthread_cond_t work; /* a job was queued, or stop was asked */
    pthread_cond_t done; /* a batch finished */
    struct dbwriter_job *head, *tail;
    int queued;
    int waiters; /* callers inside db_write: stop waits for them to leave */
    int stopping;
    int max_batch;
    struct dbwriter_job **batch; /* max_batch slots, used by the writer thread only */
    struct dbc c;                /* the writer thread's own connection */
    pthread_t thread;
    long commits, jobs;
    int64_t job_us, commit_us; /* time spent running jobs and committing (measurement) */
    int64_t frames;            /* WAL frames (pages) the writer's commits wrote */
    int wal_last;              /* the WAL's length after the previous commit */
    /* The checkpointer: copies the WAL back into the database on a connection of
     * its own, so that no commit of the writer (or of anybody) pays for it. */
    pthread_t ckpt_thread;
    pthread_mutex_t ckpt_lock;
    pthread_cond_t ckpt_wake;
    int ckpt_due, ckpt_stop, ckpt_running;
    int wal_frames; /* the WAL's length in frames as the last commit left it */
    int ckpt_mark;  /* ... when the checkpointer was last woken */
    long checkpoints;
    sqlite3 *ckpt_db;
};

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Fills *f from the last failure on c (the SQLite reason, logged once). */
static void failure_from(struct dbc *c, struct db_write_failure *f)
{
    f->text = db_failure_text(c);
    f->code = db_failure(c);
}

/* Marks jobs b[from..to) that had succeeded as failed with f: their
 * transaction did not commit. */
static void fail_committed_ok(struct dbwriter_job **b, int from, int to,
                              const struct db_write_failure *f)
{
    for (int j = from; j < to; j++)
        if (b[j]->result == 0) {
            b[j]->result = -1;
            b[j]->fail = *f;
        }
}

/* Runs n jobs in as few transactions as possible (one, unless SQLite itself
 * dropped a transaction part-way) and fills in each job's result. */
static void run_batch(struct dbwriter *w, struct dbwriter_job **b, int n)
{
    struct dbc *c = &w->c;
    int i = 0;
    while (i < n) {
        if (db_begin(c) != 0) {
            struct db_write_failure f;
            failure_from(c, &f);
            db_rollback(c);
            for (; i < n; i++) {
                b[i]->result = -1;
                b[i]->fail = f;
            }
            return;
        }
        int first = i, lost = 0;
        int64_t t0 = mono_us();
        for (; i < n && !lost; i++) {
            struct dbwriter_job *j = b[i];
            if (sqlite3_exec(c->db, "SAVEPOINT job", NULL, NULL, NULL) != SQLITE_OK) {
                j->result = -1;
                failure_from(c, &j->fail);
                db_rollback(c);
                fail_committed_ok(b, first, i, &j->fail);
                lost = 1;
                continue;
            }
            int rc = j->fn(c, j->ctx);
            if (sqlite3_get_autocommit(c->db)) {
                /* SQLite rolled the whole transaction back (disk full, I/O
                 * error): the jobs before this one are gone too. */
                struct db_write_failure f;
                failure_from(c, &f);
                if (f.code != ERR_UNAVAILABLE)
                    f.code = ERR_STORAGE_FAILED;
                fail_committed_ok(b, first, i, &f);
                j->result = rc ? 1 : -1;
                j->fail = f;
                lost = 1;
                continue;
            }
            if (rc != 0) {
                j->result = 1;
                if (sqlite3_exec(c->db, "ROLLBACK TO job; RELEASE job", NULL, NULL, NULL) !=
                    SQLITE_OK) {
                    /* Cannot isolate it: drop the whole transaction. */
                    struct db_write_failure f;
                    failure_from(c, &f);
                    db_rollback(c);
                    fail_committed_ok(b, first, i, &f);
                    lost = 1;
                }
                continue;
            }
            j->result = 0;
            if (sqlite3_exec(c->db, "RELEASE job", NULL, NULL, NULL) != SQLITE_OK) {
                j->result = -1;
                failure_from(c, &j->fail);
                db_rollback(c);
                fail_committed_ok(b, first, i, &j->fail);
                lost = 1;
            }
        }
        if (lost)
            continue; /* the rest start a transaction of their own */
        int64_t t1 = mono_us();
        w->job_us += t1 - t0;
        int committed = db_commit(c);
        w->commit_us += mono_us() - t1;
        if (committed != 0) {
            struct db_write_failure f;
            failure_from(c, &f);
            db_rollback(c);
            fail_committed_ok(b, first, i, &f);
            continue;
        }
        w->commits++;
        w->jobs += i - first;
    }
}

/* sqlite3_wal_hook of the writer's connection (in place of the auto-checkpoint):
 * counts the frames each commit wrote and wakes the checkpointer when the WAL
 * has grown by DBWRITER_CHECKPOINT_FRAMES since its last run. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
    (void)db;
    (void)name;
    struct dbwriter *w = arg;
    w->frames += frames >= w->wal_last ? frames - w->wal_last : frames;
    w->wal_last = frames;
    pthread_mutex_lock(&w->ckpt_lock);
    w->wal_frames = frames;
    if (frames < w->ckpt_mark) /* the WAL started again from its beginning */
        w->ckpt_mark = 0;
    if (frames >= w->ckpt_mark + DBWRITER_CHECKPOINT_FRAMES && !w->ckpt_due) {
        w->ckpt_due = 1;
        w->ckpt_mark = frames;
        pthread_cond_signal(&w->ckpt_wake);
    }
    pthread_mutex_unlock(&w->ckpt_lock);
    return SQLITE_OK;
}

/*
 * Between two batches: once the WAL is DBWRITER_WAL_RESTART_FRAMES long, the
 * writer copies back what the checkpointer has not yet (little: it copied the
 * rest meanwhile). Nobody appends while it does, so the checkpoint completes and
 * the next commit starts the WAL again from its beginning; without this a
 * steady stream of commits would outrun every background checkpoint and the WAL
 * would only grow.
 */
static void restart_wal_if_long(struct dbwriter *w)
{
    pthread_mutex_lock(&w->ckpt_lock);
    int frames = w->wal_frames;
    pthread_mutex_unlock(&w->ckpt_lock);
    if (frames < DBWRITER_WAL_RESTART_FRAMES)
        return;
    int log = 0, done = 0;
    if (sqlite3_wal_checkpoint_v2(w->c.db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done) !=
        SQLITE_OK)
        return;
    pthread_mutex_lock(&w->ckpt_lock);
    w->checkpoints++;
    if (log == done)
        w->wal_frames = 0; /* until the next commit says otherwise */
    pthread_mutex_unlock(&w->ckpt_lock);
}

/* The checkpointer's thread: a PASSIVE checkpoint (never waits for the writer or
 * a reader; copies what it can) whenever woken, and once a second while the WAL
 * holds anything, so that writes on other connections are copied back too. */
static void *ckpt_main(void *arg)
{
    struct dbwriter *w = arg;
    pthread_setname_np(pthread_self(), "trygg-checkpoint");
    pthread_mutex_lock(&w->ckpt_lock);
    while (!w->ckpt_stop) {
        if (!w->ckpt_due) {
            struct timespec t;
            clock_gettime(CLOCK_MONOTONIC, &t);
            t.tv_sec += 1;
            pthread_cond_timedwait(&w->ckpt_wake, &w->ckpt_lock, &t);
            if (w->ckpt_stop)
                break;
        }
        w->ckpt_due = 0;
        pthread_mutex_unlock(&w->ckpt_lock);
        int log = 0, done = 0;
        int rc =
            sqlite3_wal_checkpoint_v2(w->ckpt_db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            log_msg(LOG_WARN, "checkpoint: %s", sqlite3_errmsg(w->ckpt_db));
        pthread_mutex_lock(&w->ckpt_lock);
        if (log > 0)
            w->checkpoints++;
    }
    pthread_mutex_unlock(&w->ckpt_lock);
    return NULL;
}

static void *writer_main(void *arg)
{
    struct dbwriter *w = arg;
    pthread_setname_np(pthread_self(), "trygg-writer"); /* for top -H, perf, gdb */
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->head && !w->stopping)
            pthread_cond_wait(&w->work, &w->lock);
        if (!w->head)
            break; /* stopping, and the queue is drained */
        int n = 0;
        while (w->head && n < w->max_batch) {
            struct dbwriter_job *j = w->head;
            w->head = j->next;
            j->state = JOB_RUNNING;
            w->batch[n++] = j;
        }
        if (!w->head)
            w->tail = NULL;
        w->queued -= n;
        pthread_mutex_unlock(&w->lock);
        /* A write on another connection (a staff action, the delivery thread) waits
         * for the database lock: let it take the lock before this batch, else a
         * steady stream of batches would keep it out until its busy timeout. */
        for (int spins = 0; db_writers_waiting() > 0 && spins < DBWRITER_YIELD_SPINS; spins++)
            usleep(DBWRITER_YIELD_US);
        restart_wal_if_long(w);
        run_batch(w, w->batch, n);
        pthread_mutex_lock(&w->lock);
        for (int i = 0; i < n; i++)
            w->batch[i]->state = JOB_DONE;
        pthread_cond_broadcast(&w->done);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

struct dbwriter *dbwriter_start(const char *path, int max_batch, char *err, size_t errlen)
{
    struct dbwriter *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    w->max_batch = max_batch > 0 ? max_batch : 1;
    w->batch = calloc((size_t)w->max_batch, sizeof *w->batch);
    if (!w->batch) {
        free(w);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (db_open(&w->c, path, 0, err, errlen) != 0) {
        free(w->batch);
        free(w);
        return NULL;
    }
    w->c.group_writer = 1;
    pthread_mutex_init(&w->lock, NULL);
    pthread_mutex_init(&w->ckpt_lock, NULL);
    pthread_cond_init(&w->work, NULL);
    monotime_cond_init(&w->done);
    monotime_cond_init(&w->ckpt_wake);
    /* The checkpointer's connection: plain SQLite, nothing but checkpoints. */
    if (sqlite3_open_v2(path, &w->ckpt_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(w->ckpt_db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open the checkpointer's connection: %s",
                 w->ckpt_db ? sqlite3_errmsg(w->ckpt_db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(w->ckpt_db, 1000);
    sqlite3_wal_hook(w->c.db, wal_hook, w);
    /* The writer touches every index of every table a filing writes: a cache that
     * holds their inner pages and a batch's dirty pages (so that none spill into
     * the WAL before the commit), and savepoint journals in memory. */
    if (db_exec(w->c.db, "PRAGMA cache_size=-" DBWRITER_CACHE_KIB_TEXT
                         "; PRAGMA temp_store=MEMORY") != SQLITE_OK) {
        snprintf(err, errlen, "cannot configure the writer's connection");
        goto fail;
    }
    if (pthread_create(&w->ckpt_thread, NULL, ckpt_main, w) != 0) {
        snprintf(err, errlen, "cannot start the checkpointer thread");
        goto fail;
    }
    w->ckpt_running = 1;
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        snprintf(err, errlen, "cannot start the writer thread");
        goto fail;
    }
    return w;
fail:
    if (w->ckpt_running) {
        pthread_mutex_lock(&w->ckpt_lock);
        w->ckpt_stop = 1;
        pthread_cond_signal(&w->ckpt_wake);
        pthread_mutex_unlock(&w->ckpt_lock);
        pthread_join(w->ckpt_thread, NULL);
    }
    sqlite3_close(w->ckpt_db);
    pthread_cond_destroy(&w->work);
    pthread_cond_destroy(&w->done);
    pthread_cond_destroy(&w->ckpt_wake);
    pthread_mutex_destroy(&w->lock);
    pthread_mutex_destroy(&w->ckpt_lock);
    db_close(&w->c);
    free(w->batch);
    free(w);
    return NULL;
}

void dbwriter_stop(struct dbwriter *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stopping = 1;
    pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    /* Every job is done; wait for their callers to leave the mutex and condition. */
    pthread_mutex_lock(&w->lock);
    while (w->waiters > 0)
        pthread_cond_wait(&w->done, &w->lock);
    pthread_mutex_unlock(&w->lock);
    pthread_mutex_lock(&w->ckpt_lock);
    w->ckpt_stop = 1;
    pthread_cond_signal(&w->ckpt_wake);
    pthread_mutex_unlock(&w->ckpt_lock);
    pthread_join(w->ckpt_thread, NULL);
    sqlite3_close(w->ckpt_db);
    pthread_cond_destroy(&w->work);
    pthread_cond_destroy(&w->done);
    pthread_cond_destroy(&w->ckpt_wake);
    pthread_mutex_destroy(&w->lock);
    pthread_mutex_destroy(&w->ckpt_lock);
    db_close(&w->c);
    free(w->batch);
    free(w);
}

void dbwriter_stats(struct dbwriter *w, long *commits, long *jobs)
{
    pthread_mutex_lock(&w->lock);
    *commits = w->commits;
    *jobs = w->jobs;
    pthread_mutex_unlock(&w->lock);
}

void dbwriter_times(struct dbwriter *w, int64_t *job_us, int64_t *commit_us, int64_t *frames,
                    long *checkpoints)
{
    pthread_mutex_lock(&w->lock);
    *job_us = w->job_us;
    *commit_us = w->commit_us;
    *frames = w->frames;
    pthread_mutex_unlock(&w->lock);
    pthread_mutex_lock(&w->ckpt_lock);
    *checkpoints = w->checkpoints;
    pthread_mutex_unlock(&w->ckpt_lock);
}

/* The job on c itself, in a transaction of its own. */
static int write_here(struct dbc *c, db_job_fn fn, void *ctx, struct db_write_failure *f)
{
    if (db_begin(c) != 0) {
        failure_from(c, f);
        db_rollback(c);
        return -1;
    }
    if (fn(c, ctx) != 0) {
        db_rollback(c);
        return 1;
    }
    if (db_commit(c) != 0) {
        failure_from(c, f);
        db_rollback(c);
        return -1;
    }
    return 0;
}

static void unlink_job(struct dbwriter *w, struct dbwriter_job *job)
{
    struct dbwriter_job *prev = NULL;
    for (struct dbwriter_job *j = w->head; j; prev = j, j = j->next) {
        if (j != job)
            continue;
        if (prev)
            prev->next = j->next;
        else
            w->head = j->next;
        if (w->tail == j)
            w->tail = prev;
        w->queued--;
        return;
    }
}

/* A caller leaves db_write (lock held): the last one wakes a stopping dbwriter_stop. */
static void leave(struct dbwriter *w)
{
    if (--w->waiters == 0 && w->stopping)
        pthread_cond_broadcast(&w->done);
}

int db_write(struct dbc *c, db_job_fn fn, void *ctx, int wait_ms, struct db_write_failure *f)
{
    struct dbwriter *w = c->writer;
    if (!w)
        return write_here(c, fn, ctx, f);
    struct dbwriter_job job = {fn, ctx, JOB_QUEUED, 0, {ERR_UNAVAILABLE, NULL}, NULL};
    struct timespec deadline;
    monotime_deadline(&deadline, wait_ms);
    pthread_mutex_lock(&w->lock);
    if (w->stopping || w->queued >= DBWRITER_MAX_QUEUE) {
        pthread_mutex_unlock(&w->lock);
        f->code = ERR_UNAVAILABLE;
        f->text = w->stopping ? "the server is stopping" : "the database is busy";
        return -1;
    }
    w->waiters++;
    if (w->tail)
        w->tail->next = &job;
    else
        w->head = &job;
    w->tail = &job;
    w->queued++;
    pthread_cond_signal(&w->work);
    /* c is not used while we wait: lend it to other requests meanwhile (dbpool.h).
     * Not with a transaction open on it: that must stay this caller's. */
    struct db_lender *lender = c->lender && sqlite3_get_autocommit(c->db) ? c->lender : NULL;
    if (lender) {
        pthread_mutex_unlock(&w->lock);
        lender->park(lender, c);
        pthread_mutex_lock(&w->lock);
    }
    while (job.state != JOB_DONE) {
        if (job.state == JOB_RUNNING) {
            /* Started: its outcome is coming (the writer's busy timeout bounds it). */
            pthread_cond_wait(&w->done, &w->lock);
            continue;
        }
        if (pthread_cond_timedwait(&w->done, &w->lock, &deadline) == ETIMEDOUT &&
            job.state == JOB_QUEUED) {
            unlink_job(w, &job);
            leave(w);
            pthread_mutex_unlock(&w->lock);
            if (lender)
                lender->unpark(lender, c);
            f->code = ERR_UNAVAILABLE;
            f->text = "the database is busy";
            return -1;
        }
    }
    leave(w);
    pthread_mutex_unlock(&w->lock);
    if (lender)
        lender->unpark(lender, c);
    if (job.result == -1)
        *f = job.fail;
    return job.result;
}

int dbwriter_queued(struct dbwriter *w)
{
    pthread_mutex_lock(&w->lock);
    int n = w->queued;
    pthread_mutex_unlock(&w->lock);
    return n;
}

int dbwriter_stopping(struct dbwriter *w)
{
    pthread_mutex_lock(&w->lock);
    int stopping = w->stopping;
    pthread_mutex_unlock(&w->lock);
    return stopping;
}
