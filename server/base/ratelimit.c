/*
 * ratelimit — see ratelimit.h. Keys hash into a fixed table (open addressing
 * over 8 probes); a slot whose window has passed is free to reuse, and when all
 * probed slots are current the first one is taken over (a flood of new keys
 * can only make the limit more lenient for old keys, never use more memory).
 */
#include "ratelimit.h"

#include <stdio.h>
#include <string.h>

#define RATELIMIT_PROBES 8

void ratelimit_init(struct ratelimit *rl, int limit, int window_s)
{
    memset(rl, 0, sizeof *rl);
    pthread_mutex_init(&rl->lock, NULL);
    rl->limit = limit;
    rl->window_s = window_s > 0 ? window_s : 60;
}

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The slot of key in the current window (created or recycled). Lock held. */
static struct ratelimit_slot *slot_for(struct ratelimit *rl, const char *key, int64_t window,
                                       int create)
{
    uint64_t h = hash(key);
    struct ratelimit_slot *reuse = NULL;
    for (int i = 0; i < RATELIMIT_PROBES; i++) {
        struct ratelimit_slot *s = &rl->slots[(h + (uint64_t)i) % RATELIMIT_SLOTS];
        if (s->key[0] && strcmp(s->key, key) == 0) {
            if (s->window != window) {
                s->window = window;
                s->count = 0;
            }
            return s;
        }
        if (!reuse && (!s->key[0] || s->window != window))
            reuse = s;
    }
    if (!create)
        return NULL;
    if (!reuse)
        reuse = &rl->slots[h % RATELIMIT_SLOTS];
    snprintf(reuse->key, sizeof reuse->key, "%s", key);
    reuse->window = window;
    reuse->count = 0;
    return reuse;
}

int ratelimit_exceeded(struct ratelimit *rl, const char *key, int64_t now_s)
{
    pthread_mutex_lock(&rl->lock);
    struct ratelimit_slot *s = slot_for(rl, key, now_s / rl->window_s, 0);
    int over = s && s->count >= rl->limit;
    pthread_mutex_unlock(&rl->lock);
    return over;
}

int ratelimit_count(struct ratelimit *rl, const char *key, int64_t now_s)
{
    pthread_mutex_lock(&rl->lock);
    struct ratelimit_slot *s = slot_for(rl, key, now_s / rl->window_s, 1);
    int n = ++s->count;
    pthread_mutex_unlock(&rl->lock);
    return n;
}

int ratelimit_take(struct ratelimit *rl, const char *key, int64_t now_s)
{
    pthread_mutex_lock(&rl->lock);
    struct ratelimit_slot *s = slot_for(rl, key, now_s / rl->window_s, 1);
    int ok = s->count < rl->limit;
    if (ok)
        s->count++;
    pthread_mutex_unlock(&rl->lock);
    return ok;
}

int ratelimit_retry_after(const struct ratelimit *rl, int64_t now_s)
{
    return (int)(rl->window_s - now_s % rl->window_s);
}
