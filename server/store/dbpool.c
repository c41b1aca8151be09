/*
 * dbpool — see dbpool.h. Idle connections are handed out most recently used
 * first; a connection whose borrower is parked in db_write (waiting for the
 * writer thread) is lent only when no other is idle, since its borrower wants
 * it back the moment its write is committed.
 */
#include "dbpool.h"
#include "monotime.h"
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A pooled connection's page cache: 1 MiB (SQLite's default is 2). Sixteen of them
 * fill up on a busy public map; what they miss comes from the kernel's page cache,
 * which all of them share. */
#define DBPOOL_CACHE_PRAGMA "PRAGMA cache_size=-1024"

struct dbpool_slot {
    struct dbc c;
    int opened;
    int borrowed;           /* somebody is using it (a request, or the warm-up opening it) */
    int parked;             /* borrowers waiting in db_write that want it back */
    unsigned long last_use; /* the pool's use counter when it was given back */
};

struct dbpool {
    struct db_lender lender; /* first: c->lender points here */
    pthread_mutex_t lock;
    pthread_cond_t returned; /* broadcast: a slot became free (for acquire or unpark) */
    char path[1024];
    int size;
    unsigned long uses;
    struct dbpool_slot *slots;
    struct dbwriter *writer; /* set before lending, read-only after */
    pthread_t warm_thread;
    int warming, warm_stop;
};

static struct dbpool_slot *slot_of(struct dbc *c)
{
    return (struct dbpool_slot *)((char *)c - offsetof(struct dbpool_slot, c));
}

/* db_lender: the borrower waits for the writer; others may use c meanwhile. */
static void pool_park(struct db_lender *l, struct dbc *c)
{
    struct dbpool *p = (struct dbpool *)l;
    struct dbpool_slot *s = slot_of(c);
    pthread_mutex_lock(&p->lock);
    s->borrowed = 0;
    s->parked++;
    pthread_cond_broadcast(&p->returned);
    pthread_mutex_unlock(&p->lock);
}

/* db_lender: the write is done; wait until nobody else uses c, and take it back. */
static void pool_unpark(struct db_lender *l, struct dbc *c)
{
    struct dbpool *p = (struct dbpool *)l;
    struct dbpool_slot *s = slot_of(c);
    pthread_mutex_lock(&p->lock);
    while (s->borrowed)
        pthread_cond_wait(&p->returned, &p->lock);
    s->borrowed = 1;
    s->parked--;
    pthread_mutex_unlock(&p->lock);
    c->writer = p->writer;
    c->lender = &p->lender;
}

struct dbpool *dbpool_new(const char *path, int size)
{
    struct dbpool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->slots = calloc((size_t)(size > 0 ? size : 1), sizeof *p->slots);
    if (!p->slots) {
        free(p);
        return NULL;
    }
    p->size = size > 0 ? size : 1;
    p->lender.park = pool_park;
    p->lender.unpark = pool_unpark;
    snprintf(p->path, sizeof p->path, "%s", path);
    pthread_mutex_init(&p->lock, NULL);
    monotime_cond_init(&p->returned);
    return p;
}

void dbpool_free(struct dbpool *p)
{
    if (!p)
        return;
    if (p->warming) {
        pthread_mutex_lock(&p->lock);
        p->warm_stop = 1;
        pthread_mutex_unlock(&p->lock);
        pthread_join(p->warm_thread, NULL);
    }
    for (int i = 0; i < p->size; i++)
        if (p->slots[i].opened)
            db_close(&p->slots[i].c);
    pthread_cond_destroy(&p->returned);
    pthread_mutex_destroy(&p->lock);
    free(p->slots);
    free(p);
}

/* The idle slot to lend: the most recently used open one nobody is parked on,
 * else an unopened one, else one a parked borrower will want back. Lock held. */
static struct dbpool_slot *idle_slot(struct dbpool *p)
{
    struct dbpool_slot *best = NULL, *unopened = NULL, *parked = NULL;
    for (int i = 0; i < p->size; i++) {
        struct dbpool_slot *s = &p->slots[i];
        if (s->borrowed)
            continue;
        if (!s->opened) {
            if (!unopened)
                unopened = s;
        } else if (s->parked) {
            if (!parked || s->parked < parked->parked)
                parked = s;
        } else if (!best || s->last_use > best->last_use) {
            best = s;
        }
    }
    return best ? best : unopened ? unopened : parked;
}

struct dbc *dbpool_acquire(struct dbpool *p, int wait_ms, char *err, size_t errlen)
{
    struct timespec deadline;
    monotime_deadline(&deadline, wait_ms);
    pthread_mutex_lock(&p->lock);
    struct dbpool_slot *s;
    while (!(s = idle_slot(p))) {
        if (pthread_cond_timedwait(&p->returned, &p->lock, &deadline) == ETIMEDOUT &&
            !(s = idle_slot(p)))
            break;
    }
    if (s)
        s->borrowed = 1;
    pthread_mutex_unlock(&p->lock);
    if (!s) {
        snprintf(err, errlen, "all %d database connections are busy", p->size);
        return NULL;
    }
    if (!s->opened) {
        /* Outside the lock: opening takes milliseconds and touches only this slot. */
        if (db_open(&s->c, p->path, 0, err, errlen) != 0) {
            log_msg(LOG_ERROR, "cannot open a database connection: %s", err);
            pthread_mutex_lock(&p->lock);
            s->borrowed = 0;
            pthread_cond_broadcast(&p->returned);
            pthread_mutex_unlock(&p->lock);
            return NULL;
        }
        s->opened = 1;
        db_exec(s->c.db, DBPOOL_CACHE_PRAGMA);
    }
    s->c.writer = p->writer;
    s->c.lender = &p->lender;
    return &s->c;
}

/* Opens the pool's connections one at a time, each as if borrowed, so the first
 * busy moment does not pay for opening them (tens of milliseconds each). */
static void *warm_main(void *arg)
{
    struct dbpool *p = arg;
    for (int i = 0; i < p->size; i++) {
        pthread_mutex_lock(&p->lock);
        struct dbpool_slot *s = &p->slots[i];
        int take = !p->warm_stop && !s->opened && !s->borrowed;
        if (take)
            s->borrowed = 1;
        int stop = p->warm_stop;
        pthread_mutex_unlock(&p->lock);
        if (stop)
            break;
        if (!take)
            continue;
        char err[256];
        int ok = db_open(&s->c, p->path, 0, err, sizeof err) == 0;
        if (ok)
            db_exec(s->c.db, DBPOOL_CACHE_PRAGMA);
        if (!ok)
            log_msg(LOG_WARN, "cannot open a database connection ahead of time: %s", err);
        pthread_mutex_lock(&p->lock);
        s->opened = ok;
        s->borrowed = 0;
        pthread_cond_broadcast(&p->returned);
        pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

int dbpool_warm(struct dbpool *p)
{
    if (pthread_create(&p->warm_thread, NULL, warm_main, p) != 0)
        return -1;
    p->warming = 1;
    return 0;
}

void dbpool_set_writer(struct dbpool *p, struct dbwriter *w)
{
    p->writer = w;
}

void dbpool_release(struct dbpool *p, struct dbc *c)
{
    if (!c)
        return;
    struct dbpool_slot *s = slot_of(c);
    if (c->db && !sqlite3_get_autocommit(c->db)) {
        log_msg(LOG_ERROR, "a request left a transaction open; rolled back");
        db_rollback(c);
    }
    c->lender = NULL;
    pthread_mutex_lock(&p->lock);
    s->borrowed = 0;
    s->last_use = ++p->uses;
    pthread_cond_broadcast(&p->returned);
    pthread_mutex_unlock(&p->lock);
}
