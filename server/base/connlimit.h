/*
 * connlimit — admission of connections: at most max_total open at once, and
 * at most max_per_key from one key (a client address, see netaddr_key). Pure
 * bookkeeping, thread-safe; what a refused connection is told is the caller's
 * business. Memory is fixed at init: one slot per admissible connection.
 */
#ifndef TRYGG_CONNLIMIT_H
#define TRYGG_CONNLIMIT_H

#include <pthread.h>

#define CONNLIMIT_KEY_MAX 64

enum connlimit_verdict {
    CONNLIMIT_ADMITTED,
    CONNLIMIT_FULL,     /* max_total connections are open */
    CONNLIMIT_KEY_FULL, /* max_per_key connections from this key are open */
};

struct connlimit_slot {
    char key[CONNLIMIT_KEY_MAX];
    int count;
};

struct connlimit {
    pthread_mutex_t lock;
    int max_total, max_per_key;
    int total;
    int nslots;
    struct connlimit_slot *slots; /* max_total of them */
};

/* Sets up cl for the two limits. Returns 0, or -1 when out of memory. */
int connlimit_init(struct connlimit *cl, int max_total, int max_per_key);

/* Frees what connlimit_init allocated. */
void connlimit_free(struct connlimit *cl);

/*
 * Admits one connection from key (NULL: count it in the total only, e.g. a
 * trusted proxy's or one whose address is unknown). On CONNLIMIT_ADMITTED the
 * caller must call connlimit_leave with the same key when it closes; a refused
 * connection was not counted.
 */
enum connlimit_verdict connlimit_enter(struct connlimit *cl, const char *key);

/* Counts out a connection that connlimit_enter admitted with key. */
void connlimit_leave(struct connlimit *cl, const char *key);

/* The connections open now (in total, or from key when key is not NULL). */
int connlimit_open(struct connlimit *cl, const char *key);

#endif
