/*
 * connlimit — see connlimit.h. The slots are a plain array searched under one
 * lock: there are at most max_total of them (a few hundred), and a search is a
 * few microseconds next to the accept(2) and thread hand-over around it.
 */
#include "connlimit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int connlimit_init(struct connlimit *cl, int max_total, int max_per_key)
{
    memset(cl, 0, sizeof *cl);
    if (max_total < 1)
        max_total = 1;
    cl->slots = calloc((size_t)max_total, sizeof *cl->slots);
    if (!cl->slots)
        return -1;
    pthread_mutex_init(&cl->lock, NULL);
    cl->max_total = max_total;
    cl->max_per_key = max_per_key > 0 ? max_per_key : max_total;
    cl->nslots = max_total;
    return 0;
}

void connlimit_free(struct connlimit *cl)
{
    if (cl->slots)
        pthread_mutex_destroy(&cl->lock);
    free(cl->slots);
    cl->slots = NULL;
}

/* key's slot, or with create a free one for it; NULL when none. Lock held. */
static struct connlimit_slot *slot_of(struct connlimit *cl, const char *key, int create)
{
    struct connlimit_slot *free_slot = NULL;
    for (int i = 0; i < cl->nslots; i++) {
        struct connlimit_slot *s = &cl->slots[i];
        if (s->count > 0 && strcmp(s->key, key) == 0)
            return s;
        if (!free_slot && s->count == 0)
            free_slot = s;
    }
    if (create && free_slot)
        snprintf(free_slot->key, sizeof free_slot->key, "%s", key);
    return create ? free_slot : NULL;
}

enum connlimit_verdict connlimit_enter(struct connlimit *cl, const char *key)
{
    enum connlimit_verdict v = CONNLIMIT_ADMITTED;
    pthread_mutex_lock(&cl->lock);
    if (cl->total >= cl->max_total) {
        v = CONNLIMIT_FULL;
    } else if (key) {
        /* total < max_total, so at most max_total - 1 slots are in use: one is free. */
        struct connlimit_slot *s = slot_of(cl, key, 1);
        if (!s) /* cannot happen while every leave matches an enter */
            v = CONNLIMIT_FULL;
        else if (s->count >= cl->max_per_key)
            v = CONNLIMIT_KEY_FULL;
        else
            s->count++;
    }
    if (v == CONNLIMIT_ADMITTED)
        cl->total++;
    pthread_mutex_unlock(&cl->lock);
    return v;
}

void connlimit_leave(struct connlimit *cl, const char *key)
{
    pthread_mutex_lock(&cl->lock);
    if (cl->total > 0)
        cl->total--;
    if (key) {
        struct connlimit_slot *s = slot_of(cl, key, 0);
        if (s && s->count > 0)
            s->count--;
    }
    pthread_mutex_unlock(&cl->lock);
}

int connlimit_open(struct connlimit *cl, const char *key)
{
    pthread_mutex_lock(&cl->lock);
    int n = cl->total;
    if (key) {
        struct connlimit_slot *s = slot_of(cl, key, 0);
        n = s ? s->count : 0;
    }
    pthread_mutex_unlock(&cl->lock);
    return n;
}
