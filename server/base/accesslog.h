/*
 * accesslog — which requests get a line in the access log, so that the log
 * stays small under load: every error (status >= 400), one success in N
 * (configurable: all, errors only, or sample:N), and at most a fixed number of
 * lines a second whatever the mix; lines dropped by that cap are counted and
 * reported on the next line written. Pure and thread-safe; the line itself is
 * written by the caller (log.h).
 */
#ifndef TRYGG_ACCESSLOG_H
#define TRYGG_ACCESSLOG_H

#include <pthread.h>
#include <stdint.h>

#define ACCESSLOG_SAMPLE_MAX 1000000

struct accesslog {
    pthread_mutex_t lock;
    int sample_every;   /* successes: 1 = all, 0 = none, N = one in N */
    int max_per_second; /* lines of any kind; 0 = no cap */
    uint64_t successes; /* seen so far, for the one-in-N choice */
    int64_t second;     /* the second being counted */
    int lines_this_second;
    long dropped; /* by the cap since the last line written */
};

/*
 * Parses an access_log setting: "all", "errors" or "sample:N" (N from 1 to
 * ACCESSLOG_SAMPLE_MAX; sample:1 is all) into *sample_every. Returns 0 or -1.
 */
int accesslog_parse(const char *s, int *sample_every);

/* Sets up al with the policy. */
void accesslog_init(struct accesslog *al, int sample_every, int max_per_second);

/*
 * Decides whether the request that ended with status at now_ms (any monotonic
 * milliseconds) gets a line. Returns 1 to write one, then *dropped holds how many
 * lines the per-second cap dropped since the last line written (0 usually).
 */
int accesslog_admit(struct accesslog *al, int status, int64_t now_ms, long *dropped);

#endif
