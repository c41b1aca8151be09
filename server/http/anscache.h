/*
 * anscache — the public answers trygg has just sent (map clusters, the public
 * list, a report's page, the public statistics), kept in memory so that the same
 * question asked again costs a lookup instead of a query: what a reverse proxy
 * would do, inside the server, for the moment a local newspaper links to the map.
 *
 * An answer is kept under its question (the same normalised key its ETag is made
 * from, request.h) and the public data version it was computed at (bumped in the
 * transaction of every write that can change a public answer). It is served only
 * for that exact version: a report filed a moment ago is on the next answer, as
 * if there were no cache. When the version moves on, every older answer is
 * dropped at once. Least recently used answers go first when the byte budget
 * (answer_cache_bytes) would be passed; an answer larger than a third of it is
 * not kept.
 *
 * Knows nothing of HTTP beyond bytes and a content type. THREAD SAFETY NOTES: one
 * mutex guards the table; an entry handed out is reference-counted and never
 * changed, so it is sent without the lock held.
 */
#ifndef TRYGG_ANSCACHE_H
#define TRYGG_ANSCACHE_H

#include <stddef.h>
#include <stdint.h>

#define ANSCACHE_KEY_MAX 4096 /* longer questions are not kept */
#define ANSCACHE_CONTENT_TYPE_MAX 64

struct anscache;

/* A kept answer (read-only for its holder). */
struct anscache_entry {
    const char *body;
    size_t len;
    char content_type[ANSCACHE_CONTENT_TYPE_MAX];
};

/* A cache of at most max_bytes of answers (0: keeps nothing), or NULL when out of memory. */
struct anscache *anscache_new(size_t max_bytes);

/* Frees c and every answer; none may still be held. NULL is fine. */
void anscache_free(struct anscache *c);

/* The answer kept for key at version (a reference: anscache_release it), or NULL. */
const struct anscache_entry *anscache_get(struct anscache *c, const char *key, int64_t version);

/* Gives back an entry from anscache_get. */
void anscache_release(struct anscache *c, const struct anscache_entry *e);

/* Keeps a copy of body (len bytes, content_type) as the answer to key at version;
 * silently keeps nothing when it is too large, the key too long, or memory short. */
void anscache_put(struct anscache *c, const char *key, int64_t version, const char *content_type,
                  const void *body, size_t len);

/* Counters for tests and measurement: lookups answered, lookups missed, answers kept now. */
void anscache_stats(struct anscache *c, long *hits, long *misses, long *entries);

#endif
