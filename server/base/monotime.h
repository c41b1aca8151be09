/*
 * monotime — waits bounded by the monotonic clock, so that a change of the wall
 * clock can neither stretch nor cut them: a condition variable that times its
 * waits by CLOCK_MONOTONIC, and the deadline some milliseconds from now on it.
 * Pure: no I/O.
 */
#ifndef TRYGG_MONOTIME_H
#define TRYGG_MONOTIME_H

#include <pthread.h>
#include <time.h>

/* Initialises cond to time pthread_cond_timedwait by CLOCK_MONOTONIC. */
void monotime_cond_init(pthread_cond_t *cond);

/* *out = now (CLOCK_MONOTONIC) + ms milliseconds, for pthread_cond_timedwait. */
void monotime_deadline(struct timespec *out, int ms);

#endif
