/* Unit tests for server/base/connlimit.c and accesslog.c: connection admission and the
 * access log's sampling and per-second cap. */
#include "accesslog.h"
#include "check.h"
#include "connlimit.h"

#include <pthread.h>
#include <string.h>

static void test_connlimit(void)
{
    struct connlimit cl;
    CHECK(connlimit_init(&cl, 5, 2) == 0);
    CHECK(connlimit_enter(&cl, "a") == CONNLIMIT_ADMITTED);
    CHECK(connlimit_enter(&cl, "a") == CONNLIMIT_ADMITTED);
    CHECK(connlimit_enter(&cl, "a") == CONNLIMIT_KEY_FULL); /* not counted */
    CHECK(connlimit_open(&cl, "a") == 2 && connlimit_open(&cl, NULL) == 2);
    CHECK(connlimit_enter(&cl, "b") == CONNLIMIT_ADMITTED);
    CHECK(connlimit_enter(&cl, NULL) == CONNLIMIT_ADMITTED); /* a trusted proxy: total only */
    CHECK(connlimit_enter(&cl, NULL) == CONNLIMIT_ADMITTED);
    CHECK(connlimit_open(&cl, NULL) == 5);
    CHECK(connlimit_enter(&cl, "c") == CONNLIMIT_FULL);
    CHECK(connlimit_enter(&cl, NULL) == CONNLIMIT_FULL);
    connlimit_leave(&cl, "a");
    CHECK(connlimit_open(&cl, "a") == 1);
    CHECK(connlimit_enter(&cl, "c") == CONNLIMIT_ADMITTED);
    connlimit_leave(&cl, "a");
    connlimit_leave(&cl, "b");
    connlimit_leave(&cl, "c");
    connlimit_leave(&cl, NULL);
    connlimit_leave(&cl, NULL);
    CHECK(connlimit_open(&cl, NULL) == 0 && connlimit_open(&cl, "a") == 0);
    /* Freed slots are reused: many keys one after another never run out. */
    for (int i = 0; i < 1000; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        CHECK(connlimit_enter(&cl, key) == CONNLIMIT_ADMITTED);
        connlimit_leave(&cl, key);
    }
    /* Every slot in use by a different key at once. */
    CHECK(connlimit_enter(&cl, "1") == CONNLIMIT_ADMITTED &&
          connlimit_enter(&cl, "2") == CONNLIMIT_ADMITTED &&
          connlimit_enter(&cl, "3") == CONNLIMIT_ADMITTED &&
          connlimit_enter(&cl, "4") == CONNLIMIT_ADMITTED &&
          connlimit_enter(&cl, "5") == CONNLIMIT_ADMITTED);
    CHECK(connlimit_enter(&cl, "6") == CONNLIMIT_FULL);
    connlimit_free(&cl);
}

static struct connlimit shared;

static void *enter_and_leave(void *arg)
{
    const char *key = arg;
    for (int i = 0; i < 20000; i++)
        if (connlimit_enter(&shared, key) == CONNLIMIT_ADMITTED)
            connlimit_leave(&shared, key);
    return NULL;
}

static void test_connlimit_threads(void)
{
    static char *keys[] = {"a", "b", "a", "c", NULL, "b", "a", NULL};
    pthread_t t[8];
    connlimit_init(&shared, 4, 2);
    for (int i = 0; i < 8; i++)
        pthread_create(&t[i], NULL, enter_and_leave, keys[i]);
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    CHECK(connlimit_open(&shared, NULL) == 0);
    CHECK(connlimit_open(&shared, "a") == 0 && connlimit_open(&shared, "b") == 0);
    connlimit_free(&shared);
}

static void test_accesslog(void)
{
    int n = -1;
    CHECK(accesslog_parse("all", &n) == 0 && n == 1);
    CHECK(accesslog_parse("errors", &n) == 0 && n == 0);
    CHECK(accesslog_parse("sample:10", &n) == 0 && n == 10);
    CHECK(accesslog_parse("sample:1", &n) == 0 && n == 1);
    static const char *bad[] = {
        "",           "some",      "sample:",        "sample:0", "sample:-1",
        "sample:10x", "sample:01", "sample:1000001", "ALL"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(accesslog_parse(bad[i], &n) == -1);

    struct accesslog al;
    long dropped;
    int lines = 0, errors = 0;
    accesslog_init(&al, 10, 0);
    for (int i = 0; i < 1000; i++)
        lines += accesslog_admit(&al, 200, i, &dropped);
    for (int i = 0; i < 50; i++)
        errors += accesslog_admit(&al, i % 2 ? 404 : 503, 2000 + i, &dropped);
    CHECK(lines == 100 && errors == 50);

    accesslog_init(&al, 0, 0);
    CHECK(accesslog_admit(&al, 200, 0, &dropped) == 0 &&
          accesslog_admit(&al, 302, 0, &dropped) == 0);
    CHECK(accesslog_admit(&al, 400, 0, &dropped) == 1);

    /* The cap: 5 lines a second; the drop is reported on the next line written. */
    accesslog_init(&al, 1, 5);
    lines = 0;
    for (int i = 0; i < 20; i++)
        lines += accesslog_admit(&al, 404, 1000 + i, &dropped);
    CHECK(lines == 5);
    CHECK(accesslog_admit(&al, 200, 2500, &dropped) == 1 && dropped == 15);
    CHECK(accesslog_admit(&al, 200, 2501, &dropped) == 1 && dropped == 0);
}

int main(void)
{
    test_connlimit();
    test_connlimit_threads();
    test_accesslog();
    return check_report("test_limits");
}
