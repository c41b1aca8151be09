/*
 * test_anscache — server/http/anscache.c: an answer is served only at the
 * version it was computed at; a newer version drops every older answer at once;
 * an answer computed from older data than what is kept is not kept; the byte
 * budget holds, least recently used first out; an answer too large or a key too
 * long is not kept; an entry held by a sender stays valid while it is dropped;
 * many threads at once (AddressSanitizer in CI watches the references).
 */
#include "anscache.h"
#include "check.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int holds(struct anscache *c, const char *key, int64_t version, const char *body)
{
    const struct anscache_entry *e = anscache_get(c, key, version);
    int ok = e && e->len == strlen(body) && memcmp(e->body, body, e->len) == 0;
    anscache_release(c, e);
    return ok;
}

static void test_versions(void)
{
    struct anscache *c = anscache_new(1 << 20);
    anscache_put(c, "/map?z=10", 5, "application/json", "{\"a\":1}", 7);
    CHECK(holds(c, "/map?z=10", 5, "{\"a\":1}"));
    const struct anscache_entry *e = anscache_get(c, "/map?z=10", 5);
    CHECK(e && strcmp(e->content_type, "application/json") == 0);
    anscache_release(c, e);
    CHECK(anscache_get(c, "/map?z=11", 5) == NULL);
    CHECK(anscache_get(c, "/map?z=10", 4) == NULL); /* a reader that saw older data */
    /* An answer computed at version 4 while 5 is kept: not kept. */
    anscache_put(c, "/list", 4, "application/json", "old", 3);
    CHECK(anscache_get(c, "/list", 4) == NULL);
    CHECK(anscache_get(c, "/list", 5) == NULL);
    /* Version 6 (a report was filed): nothing from 5 is served again. */
    CHECK(anscache_get(c, "/map?z=10", 6) == NULL);
    CHECK(anscache_get(c, "/map?z=10", 5) == NULL);
    anscache_put(c, "/map?z=10", 6, "application/json", "{\"a\":2}", 7);
    CHECK(holds(c, "/map?z=10", 6, "{\"a\":2}"));
    /* The same key again at the same version: the first answer stays. */
    anscache_put(c, "/map?z=10", 6, "application/json", "{\"a\":3}", 7);
    CHECK(holds(c, "/map?z=10", 6, "{\"a\":2}"));
    long hits, misses, entries;
    anscache_stats(c, &hits, &misses, &entries);
    CHECK(entries == 1);
    CHECK(hits == 4);
    CHECK(misses == 6);
    anscache_free(c);

    struct anscache *none = anscache_new(0);
    anscache_put(none, "/x", 1, "text/plain", "x", 1);
    CHECK(anscache_get(none, "/x", 1) == NULL);
    anscache_free(none);
}

static void test_budget(void)
{
    size_t budget = 64 * 1024;
    struct anscache *c = anscache_new(budget);
    char body[4000];
    memset(body, 'b', sizeof body - 1);
    body[sizeof body - 1] = 0;
    char key[32];
    for (int i = 0; i < 40; i++) { /* 40 x 4 KB into 64 KB: the oldest go */
        snprintf(key, sizeof key, "/q/%d", i);
        anscache_put(c, key, 1, "application/json", body, strlen(body));
        if (i == 5) /* /q/0 used again: now the most recently used */
            CHECK(holds(c, "/q/0", 1, body));
    }
    long hits, misses, entries;
    anscache_stats(c, &hits, &misses, &entries);
    CHECK(entries > 5 && entries < 16);
    CHECK(holds(c, "/q/39", 1, body));
    CHECK(anscache_get(c, "/q/1", 1) == NULL);
    CHECK(anscache_get(c, "/q/6", 1) == NULL);
    /* Too large (over a third of the budget) and too long a key: not kept; a quarter is. */
    char *big = malloc(budget / 3 + 1);
    memset(big, 'x', budget / 3);
    anscache_put(c, "/big", 1, "application/json", big, budget / 3);
    CHECK(anscache_get(c, "/big", 1) == NULL);
    anscache_put(c, "/quarter", 1, "application/json", big, budget / 4);
    CHECK(holds(c, "/quarter", 1, "") == 0); /* kept, with its own bytes */
    const struct anscache_entry *q = anscache_get(c, "/quarter", 1);
    CHECK(q && q->len == budget / 4);
    anscache_release(c, q);
    free(big);
    char *longkey = malloc(ANSCACHE_KEY_MAX + 2);
    memset(longkey, 'k', ANSCACHE_KEY_MAX + 1);
    longkey[ANSCACHE_KEY_MAX + 1] = 0;
    anscache_put(c, longkey, 1, "application/json", "{}", 2);
    CHECK(anscache_get(c, longkey, 1) == NULL);
    free(longkey);
    /* A held entry outlives its dropping (the version moves on meanwhile). */
    const struct anscache_entry *held = anscache_get(c, "/q/39", 1);
    CHECK(held != NULL);
    CHECK(anscache_get(c, "/q/39", 2) == NULL); /* drops everything of version 1 */
    CHECK(held && held->len == strlen(body) && held->body[0] == 'b' && held->body[3998] == 'b');
    anscache_release(c, held);
    anscache_free(c);
}

struct worker {
    struct anscache *c;
    int id;
    int wrong;
};

/* Each thread asks and answers the same 50 questions at slowly rising versions: an
 * answer served must be the one put for that key and version. */
static void *work(void *arg)
{
    struct worker *w = arg;
    char key[32], body[64];
    for (int i = 0; i < 20000; i++) {
        int64_t version = i / 2000;
        int q = (i * 7 + w->id) % 50;
        snprintf(key, sizeof key, "/q/%d", q);
        snprintf(body, sizeof body, "answer %d at %lld", q, (long long)version);
        const struct anscache_entry *e = anscache_get(w->c, key, version);
        if (e) {
            if (e->len != strlen(body) || memcmp(e->body, body, e->len) != 0)
                w->wrong++;
            anscache_release(w->c, e);
        } else {
            anscache_put(w->c, key, version, "text/plain", body, strlen(body));
        }
    }
    return NULL;
}

static void test_threads(void)
{
    struct anscache *c = anscache_new(8 * 1024);
    pthread_t t[6];
    struct worker w[6];
    for (int i = 0; i < 6; i++) {
        w[i] = (struct worker){c, i, 0};
        pthread_create(&t[i], NULL, work, &w[i]);
    }
    int wrong = 0;
    for (int i = 0; i < 6; i++) {
        pthread_join(t[i], NULL);
        wrong += w[i].wrong;
    }
    CHECK(wrong == 0);
    long hits, misses, entries;
    anscache_stats(c, &hits, &misses, &entries);
    CHECK(hits > 0 && misses > 0);
    CHECK(hits + misses == 6 * 20000);
    anscache_free(c);
}

int main(void)
{
    test_versions();
    test_budget();
    test_threads();
    return check_report("test_anscache");
}
