/*
 * anscache — see anscache.h. A chained hash table of entries and a doubly
 * linked list from the most to the least recently used one. An entry that is
 * dropped while somebody still sends it is only unlinked ("dead") and freed by
 * its last release.
 */
#include "anscache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANSCACHE_BUCKETS 1024       /* a power of two */
#define ANSCACHE_ENTRY_OVERHEAD 256 /* bytes counted per entry besides key and body */

struct ent {
    struct anscache_entry pub;
    char *key;
    uint64_t hash;
    size_t cost;
    int refs, dead;
    struct ent *hnext;         /* bucket chain */
    struct ent *newer, *older; /* use order */
};

struct anscache {
    pthread_mutex_t lock;
    size_t max_bytes, bytes;
    int64_t version; /* the public data version every kept answer belongs to */
    struct ent *bucket[ANSCACHE_BUCKETS];
    struct ent *newest, *oldest;
    long hits, misses, entries;
};

static uint64_t key_hash(const char *key)
{
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a 64 */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 0x100000001b3ull;
    return h;
}

struct anscache *anscache_new(size_t max_bytes)
{
    struct anscache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    pthread_mutex_init(&c->lock, NULL);
    c->max_bytes = max_bytes;
    return c;
}

static void ent_free(struct ent *e)
{
    free((void *)e->pub.body);
    free(e->key);
    free(e);
}

/* Takes e out of the table and the use order; frees it unless it is being sent. Lock held. */
static void drop(struct anscache *c, struct ent *e)
{
    struct ent **pp = &c->bucket[e->hash & (ANSCACHE_BUCKETS - 1)];
    while (*pp && *pp != e)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = e->hnext;
    if (e->newer)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    c->bytes -= e->cost;
    c->entries--;
    if (e->refs > 0)
        e->dead = 1;
    else
        ent_free(e);
}

/* Every answer belongs to an older version than version now: drop them all. Lock held. */
static void move_to_version(struct anscache *c, int64_t version)
{
    while (c->oldest)
        drop(c, c->oldest);
    c->version = version;
}

void anscache_free(struct anscache *c)
{
    if (!c)
        return;
    while (c->oldest)
        drop(c, c->oldest);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static struct ent *find(struct anscache *c, const char *key, uint64_t h)
{
    for (struct ent *e = c->bucket[h & (ANSCACHE_BUCKETS - 1)]; e; e = e->hnext)
        if (e->hash == h && strcmp(e->key, key) == 0)
            return e;
    return NULL;
}

const struct anscache_entry *anscache_get(struct anscache *c, const char *key, int64_t version)
{
    if (!c || !c->max_bytes)
        return NULL;
    uint64_t h = key_hash(key);
    pthread_mutex_lock(&c->lock);
    if (version > c->version)
        move_to_version(c, version);
    struct ent *e = version == c->version ? find(c, key, h) : NULL;
    if (e) {
        if (e != c->newest) { /* to the front of the use order */
            e->newer->older = e->older;
            if (e->older)
                e->older->newer = e->newer;
            else
                c->oldest = e->newer;
            e->older = c->newest;
            e->newer = NULL;
            c->newest->newer = e;
            c->newest = e;
        }
        e->refs++;
        c->hits++;
    } else {
        c->misses++;
    }
    pthread_mutex_unlock(&c->lock);
    return e ? &e->pub : NULL;
}

void anscache_release(struct anscache *c, const struct anscache_entry *pub)
{
    if (!pub)
        return;
    struct ent *e = (struct ent *)pub; /* pub is the first member */
    pthread_mutex_lock(&c->lock);
    if (--e->refs == 0 && e->dead)
        ent_free(e);
    pthread_mutex_unlock(&c->lock);
}

void anscache_put(struct anscache *c, const char *key, int64_t version, const char *content_type,
                  const void *body, size_t len)
{
    if (!c || !c->max_bytes)
        return;
    size_t klen = strlen(key);
    size_t cost = len + klen + ANSCACHE_ENTRY_OVERHEAD;
    if (klen >= ANSCACHE_KEY_MAX || cost > c->max_bytes / 3)
        return;
    struct ent *e = calloc(1, sizeof *e);
    char *k = malloc(klen + 1);
    char *b = malloc(len ? len : 1);
    if (!e || !k || !b) {
        free(e);
        free(k);
        free(b);
        return;
    }
    memcpy(k, key, klen + 1);
    memcpy(b, body, len);
    e->key = k;
    e->pub.body = b;
    e->pub.len = len;
    snprintf(e->pub.content_type, sizeof e->pub.content_type, "%s", content_type);
    e->hash = key_hash(key);
    e->cost = cost;
    pthread_mutex_lock(&c->lock);
    if (version > c->version)
        move_to_version(c, version);
    if (version < c->version || find(c, key, e->hash)) {
        /* computed from data older than what is kept now, or kept meanwhile */
        pthread_mutex_unlock(&c->lock);
        ent_free(e);
        return;
    }
    while (c->oldest && c->bytes + cost > c->max_bytes)
        drop(c, c->oldest);
    size_t slot = e->hash & (ANSCACHE_BUCKETS - 1);
    e->hnext = c->bucket[slot];
    c->bucket[slot] = e;
    e->older = c->newest;
    if (c->newest)
        c->newest->newer = e;
    else
        c->oldest = e;
    c->newest = e;
    c->bytes += cost;
    c->entries++;
    pthread_mutex_unlock(&c->lock);
}

void anscache_stats(struct anscache *c, long *hits, long *misses, long *entries)
{
    pthread_mutex_lock(&c->lock);
    *hits = c->hits;
    *misses = c->misses;
    *entries = c->entries;
    pthread_mutex_unlock(&c->lock);
}
