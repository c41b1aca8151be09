/*
 * ratelimit — counts events per key (a client address) in fixed windows, in a
 * bounded table, for limits that must hold across worker threads (unknown join
 * codes per address, ...). Pure; thread-safe.
 */
#ifndef TRYGG_RATELIMIT_H
#define TRYGG_RATELIMIT_H

#include <pthread.h>
#include <stdint.h>

#define RATELIMIT_SLOTS 4096 /* keys tracked at once; the oldest window is reused */
#define RATELIMIT_KEY_MAX 64

struct ratelimit_slot {
    char key[RATELIMIT_KEY_MAX];
    int64_t window; /* window number (now / window_s) */
    int count;
};

struct ratelimit {
    pthread_mutex_t lock;
    int limit;    /* events allowed per window */
    int window_s; /* window length in seconds */
    struct ratelimit_slot slots[RATELIMIT_SLOTS];
};

/* Initialises rl for limit events per window_s seconds. */
void ratelimit_init(struct ratelimit *rl, int limit, int window_s);

/* 1 when key already used up its limit in the current window (nothing counted). */
int ratelimit_exceeded(struct ratelimit *rl, const char *key, int64_t now_s);

/* Counts one event for key at now_s. Returns the count in the window so far. */
int ratelimit_count(struct ratelimit *rl, const char *key, int64_t now_s);

/* Counts one event for key at now_s when key still has room in its window, in one
 * step under the lock (parallel callers cannot all pass). 1 when counted (allowed),
 * 0 when the limit was already reached (nothing counted). */
int ratelimit_take(struct ratelimit *rl, const char *key, int64_t now_s);

/* Seconds until key's window ends. */
int ratelimit_retry_after(const struct ratelimit *rl, int64_t now_s);

#endif
