/*
 * test_heavygate — the heavy-request gate (server/http/request.c): at most max
 * at once; a slot that is given back goes to the longest waiting, so a request
 * that leaves and asks again at once queues behind those already waiting (the
 * benchmark saw waiters passed over for seconds before); a waiter that gives up
 * leaves the queue and takes no slot with it.
 */
#include "request.h"
#include "check.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static struct heavy_gate *gate;
static pthread_mutex_t order_lock = PTHREAD_MUTEX_INITIALIZER;
static int next_order;

static int take_order(void)
{
    pthread_mutex_lock(&order_lock);
    int n = ++next_order;
    pthread_mutex_unlock(&order_lock);
    return n;
}

struct asker {
    pthread_t t;
    int rc, order;
};

/* Enters, notes when it got in, leaves at once. */
static void *ask(void *arg)
{
    struct asker *a = arg;
    a->rc = heavy_gate_enter(gate, 30000);
    if (a->rc == 0) {
        a->order = take_order();
        heavy_gate_leave(gate);
    }
    return NULL;
}

static void wait_queued(int n)
{
    for (int i = 0; i < 30000 && heavy_gate_waiting(gate) != n; i++)
        usleep(1000);
    CHECK(heavy_gate_waiting(gate) == n);
}

static void test_first_come_first_served(void)
{
    gate = heavy_gate_new(1);
    next_order = 0;
    CHECK(heavy_gate_enter(gate, 1000) == 0);
    struct asker b = {0}, c = {0};
    pthread_create(&b.t, NULL, ask, &b);
    wait_queued(1);
    pthread_create(&c.t, NULL, ask, &c);
    wait_queued(2);
    /* Give the slot back and ask again at once: behind b and c. */
    heavy_gate_leave(gate);
    CHECK(heavy_gate_enter(gate, 30000) == 0);
    int mine = take_order();
    heavy_gate_leave(gate);
    pthread_join(b.t, NULL);
    pthread_join(c.t, NULL);
    CHECK(b.rc == 0 && c.rc == 0);
    CHECK(b.order == 1);
    CHECK(c.order == 2);
    CHECK(mine == 3);
    CHECK(heavy_gate_waiting(gate) == 0);
    heavy_gate_free(gate);
}

static void test_giving_up_takes_no_slot(void)
{
    gate = heavy_gate_new(1);
    CHECK(heavy_gate_enter(gate, 1000) == 0);
    CHECK(heavy_gate_enter(gate, 50) == -1); /* the slot is held: gives up */
    CHECK(heavy_gate_waiting(gate) == 0);
    heavy_gate_leave(gate);
    /* Free again: the one that gave up holds nothing. */
    CHECK(heavy_gate_enter(gate, 50) == 0);
    heavy_gate_leave(gate);
    heavy_gate_free(gate);
}

static void test_up_to_max_at_once(void)
{
    gate = heavy_gate_new(2);
    CHECK(heavy_gate_enter(gate, 50) == 0);
    CHECK(heavy_gate_enter(gate, 50) == 0);
    CHECK(heavy_gate_enter(gate, 50) == -1);
    heavy_gate_leave(gate);
    CHECK(heavy_gate_enter(gate, 50) == 0);
    heavy_gate_leave(gate);
    heavy_gate_leave(gate);
    heavy_gate_free(gate);
}

int main(void)
{
    test_first_come_first_served();
    test_giving_up_takes_no_slot();
    test_up_to_max_at_once();
    return check_report("test_heavygate");
}
