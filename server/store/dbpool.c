/*
 * dbpool — see dbpool.h. Idle connections are handed out most recently used
 * first, so a quiet server keeps few of them warm and opens no more than the
 * busiest moment needed.
 */
#include "dbpool.h"
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct dbpool_slot {
    struct dbc c;
    int opened;
    int borrowed;
    unsigned long last_use; /* the pool's use counter when it was given back */
};

struct dbpool {
    pthread_mutex_t lock;
    pthread_cond_t returned;
    char path[1024];
    int size;
    unsigned long uses;
    struct dbpool_slot *slots;
    struct dbwriter *writer; /* set before lending, read-only after */
};

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
    snprintf(p->path, sizeof p->path, "%s", path);
    pthread_mutex_init(&p->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&p->returned, &attr);
    pthread_condattr_destroy(&attr);
    return p;
}

void dbpool_free(struct dbpool *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->size; i++)
        if (p->slots[i].opened)
            db_close(&p->slots[i].c);
    pthread_cond_destroy(&p->returned);
    pthread_mutex_destroy(&p->lock);
    free(p->slots);
    free(p);
}

/* The idle slot to lend: the most recently used open one, else an unopened one. Lock held. */
static struct dbpool_slot *idle_slot(struct dbpool *p)
{
    struct dbpool_slot *best = NULL, *unopened = NULL;
    for (int i = 0; i < p->size; i++) {
        struct dbpool_slot *s = &p->slots[i];
        if (s->borrowed)
            continue;
        if (!s->opened) {
            if (!unopened)
                unopened = s;
        } else if (!best || s->last_use > best->last_use) {
            best = s;
        }
    }
    return best ? best : unopened;
}

struct dbc *dbpool_acquire(struct dbpool *p, int wait_ms, char *err, size_t errlen)
{
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += wait_ms / 1000;
    deadline.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
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
            pthread_cond_signal(&p->returned);
            pthread_mutex_unlock(&p->lock);
            return NULL;
        }
        s->opened = 1;
    }
    s->c.writer = p->writer;
    return &s->c;
}

void dbpool_set_writer(struct dbpool *p, struct dbwriter *w)
{
    p->writer = w;
}

void dbpool_release(struct dbpool *p, struct dbc *c)
{
    if (!c)
        return;
    struct dbpool_slot *s = (struct dbpool_slot *)((char *)c - offsetof(struct dbpool_slot, c));
    if (c->db && !sqlite3_get_autocommit(c->db)) {
        log_msg(LOG_ERROR, "a request left a transaction open; rolled back");
        db_rollback(c);
    }
    pthread_mutex_lock(&p->lock);
    s->borrowed = 0;
    s->last_use = ++p->uses;
    pthread_cond_signal(&p->returned);
    pthread_mutex_unlock(&p->lock);
}
