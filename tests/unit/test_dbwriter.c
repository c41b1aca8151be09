/*
 * test_dbwriter — group commit (server/store/dbwriter.c): many threads' jobs
 * are committed together, each exactly once; a failing job in a batch rolls
 * back only its own writes and gets its own result; a job that fails a
 * constraint does not take its neighbours with it; stopping drains the queue;
 * without a writer db_write commits on the caller's connection.
 */
#include "check.h"
#include "db.h"
#include "dbwriter.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define THREADS 12
#define PER_THREAD 40

static struct dbwriter *writer;
static char path[256];

/* Inserts its value; fails (returns 1 after writing) when it is negative. */
struct insert_job {
    int value;
    int fail_after_write;
};

static int insert_run(struct dbc *c, void *arg)
{
    struct insert_job *j = arg;
    sqlite3_stmt *st = db_stmt(c, "INSERT INTO t(v) VALUES (?)");
    if (!st)
        return 1;
    sqlite3_bind_int(st, 1, j->value);
    if (db_run(st) != 0)
        return 1; /* e.g. the UNIQUE constraint */
    return j->fail_after_write;
}

/* Holds the writer until `want` jobs are queued behind it (at most 10 s). */
struct gate_job {
    struct dbc *c;
    int want;
    int until_stopping; /* also wait until dbwriter_stop was called */
    int started;        /* set by the writer thread (__atomic) */
    int reached;
    int result;
};

static int gate_run(struct dbc *c, void *arg)
{
    (void)c;
    struct gate_job *g = arg;
    __atomic_store_n(&g->started, 1, __ATOMIC_SEQ_CST);
    for (int i = 0; i < 10000 && !g->reached; i++) {
        if (dbwriter_queued(writer) >= g->want && (!g->until_stopping || dbwriter_stopping(writer)))
            g->reached = 1;
        else
            usleep(1000);
    }
    return 0;
}

static void *submit_gate(void *arg)
{
    struct gate_job *g = arg;
    struct db_write_failure f;
    g->result = db_write(g->c, gate_run, g, 10000, &f);
    return NULL;
}

struct thread_arg {
    struct dbc c;
    int base;
    int results[PER_THREAD];
};

static void *submit_many(void *arg)
{
    struct thread_arg *t = arg;
    for (int i = 0; i < PER_THREAD; i++) {
        struct insert_job j = {t->base + i, 0};
        struct db_write_failure f;
        t->results[i] = db_write(&t->c, insert_run, &j, 10000, &f);
    }
    return NULL;
}

struct one_arg {
    struct dbc *c;
    struct insert_job job;
    int result;
};

static void *submit_one(void *arg)
{
    struct one_arg *a = arg;
    struct db_write_failure f;
    a->result = db_write(a->c, insert_run, &a->job, 10000, &f);
    return NULL;
}

static int64_t count_where(struct dbc *c, const char *sql)
{
    sqlite3_stmt *st = db_prepare(c->db, sql);
    int64_t n = -1;
    if (st && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Many threads at once: every job stored exactly once, in fewer commits than jobs. */
static void test_concurrent_jobs_all_stored_once(struct dbc *check)
{
    static struct thread_arg args[THREADS];
    pthread_t th[THREADS];
    char err[256];
    long commits0, jobs0, commits, jobs;
    dbwriter_stats(writer, &commits0, &jobs0);
    for (int i = 0; i < THREADS; i++) {
        CHECK(db_open(&args[i].c, path, 0, err, sizeof err) == 0);
        args[i].c.writer = writer;
        args[i].base = 1000 + i * PER_THREAD;
        pthread_create(&th[i], NULL, submit_many, &args[i]);
    }
    int ok = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        for (int k = 0; k < PER_THREAD; k++)
            ok += args[i].results[k] == 0;
        db_close(&args[i].c);
    }
    dbwriter_stats(writer, &commits, &jobs);
    CHECK(ok == THREADS * PER_THREAD);
    CHECK(count_where(check, "SELECT count(*) FROM t WHERE v >= 1000") == THREADS * PER_THREAD);
    CHECK(count_where(check, "SELECT count(DISTINCT v) FROM t WHERE v >= 1000") ==
          THREADS * PER_THREAD);
    CHECK(jobs - jobs0 == THREADS * PER_THREAD);
    CHECK(commits - commits0 >= 1 && commits - commits0 <= jobs - jobs0);
}

/* One batch of five: a job that fails after writing, and one that breaks the
 * UNIQUE constraint, roll back alone; the other three commit. */
static void test_bad_job_in_batch_fails_alone(struct dbc *check)
{
    struct dbc c;
    char err[256];
    CHECK(db_open(&c, path, 0, err, sizeof err) == 0);
    /* The submitting threads share c only for c->writer (db_write reads
     * nothing else of it when there is a writer): the jobs run on the
     * writer's connection. */
    c.writer = writer;
    long commits0, jobs0, commits, jobs;
    dbwriter_stats(writer, &commits0, &jobs0);

    struct gate_job gate = {&c, 5, 0, 0, 0, -9};
    struct one_arg a[5] = {
        {&c, {1, 0}, -9}, {&c, {2, 1}, -9}, {&c, {3, 0}, -9}, {&c, {3, 0}, -9}, {&c, {5, 0}, -9},
    };
    pthread_t gate_thread, th[5];
    pthread_create(&gate_thread, NULL, submit_gate, &gate);
    for (int i = 0; i < 10000 && !__atomic_load_n(&gate.started, __ATOMIC_SEQ_CST); i++)
        usleep(1000);
    CHECK(gate.started);
    for (int i = 0; i < 5; i++)
        pthread_create(&th[i], NULL, submit_one, &a[i]);
    for (int i = 0; i < 5; i++)
        pthread_join(th[i], NULL);
    pthread_join(gate_thread, NULL);
    dbwriter_stats(writer, &commits, &jobs);

    CHECK(gate.reached);     /* the five were queued together behind the gate */
    CHECK(gate.result == 0); /* ... */
    CHECK(commits - commits0 == 2 && jobs - jobs0 == 6); /* ... and ran as one batch */
    CHECK(a[0].result == 0);
    CHECK(a[1].result == 1);                             /* failed after writing: its own failure */
    CHECK((a[2].result == 0) + (a[3].result == 0) == 1); /* one of the two 3s wins */
    CHECK((a[2].result == 1) + (a[3].result == 1) == 1); /* the other breaks UNIQUE alone */
    CHECK(a[4].result == 0);
    CHECK(count_where(check, "SELECT count(*) FROM t WHERE v = 1") == 1);
    CHECK(count_where(check, "SELECT count(*) FROM t WHERE v = 2") == 0);
    CHECK(count_where(check, "SELECT count(*) FROM t WHERE v = 3") == 1);
    CHECK(count_where(check, "SELECT count(*) FROM t WHERE v = 5") == 1);
    db_close(&c);
}

/* Without a writer, db_write commits on the caller's connection; a failing
 * job leaves nothing. */
static void test_without_writer_commits_here(struct dbc *check)
{
    struct insert_job good = {7, 0}, bad = {8, 1};
    struct db_write_failure f;
    CHECK(check->writer == NULL);
    CHECK(db_write(check, insert_run, &good, 1000, &f) == 0);
    CHECK(db_write(check, insert_run, &bad, 1000, &f) == 1);
    CHECK(sqlite3_get_autocommit(check->db));
    CHECK(count_where(check, "SELECT count(*) FROM t WHERE v IN (7, 8)") == 1);
}

/* Jobs queued when stop is asked still run (the queue drains); later ones are refused. */
static void test_stop_drains_queue(struct dbc *check)
{
    struct dbc c;
    char err[256];
    CHECK(db_open(&c, path, 0, err, sizeof err) == 0);
    c.writer = writer;
    struct gate_job gate = {&c, 3, 1, 0, 0, -9};
    struct one_arg a[3] = {{&c, {21, 0}, -9}, {&c, {22, 0}, -9}, {&c, {23, 0}, -9}};
    pthread_t gate_thread, th[3];
    pthread_create(&gate_thread, NULL, submit_gate, &gate);
    for (int i = 0; i < 10000 && !__atomic_load_n(&gate.started, __ATOMIC_SEQ_CST); i++)
        usleep(1000);
    for (int i = 0; i < 3; i++)
        pthread_create(&th[i], NULL, submit_one, &a[i]);
    for (int i = 0; i < 10000 && dbwriter_queued(writer) < 3; i++)
        usleep(1000);
    CHECK(dbwriter_queued(writer) == 3); /* the gate holds them until the stop */
    dbwriter_stop(writer);
    writer = NULL;
    for (int i = 0; i < 3; i++) {
        pthread_join(th[i], NULL);
        CHECK(a[i].result == 0);
    }
    pthread_join(gate_thread, NULL);
    CHECK(count_where(check, "SELECT count(*) FROM t WHERE v BETWEEN 21 AND 23") == 3);
    db_close(&c);
}

int main(void)
{
    snprintf(path, sizeof path, "/tmp/trygg-test-dbwriter-%d.db", (int)getpid());
    unlink(path);
    struct dbc check;
    char err[256];
    if (db_open(&check, path, 1, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    CHECK(db_exec(check.db, "CREATE TABLE t(v INTEGER UNIQUE)") == SQLITE_OK);
    writer = dbwriter_start(path, 64, err, sizeof err);
    CHECK(writer != NULL);
    test_concurrent_jobs_all_stored_once(&check);
    test_bad_job_in_batch_fails_alone(&check);
    test_without_writer_commits_here(&check);
    test_stop_drains_queue(&check);
    db_close(&check);
    unlink(path);
    return check_report("test_dbwriter");
}
