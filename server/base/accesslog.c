/*
 * accesslog — see accesslog.h. Sampling counts successes (every N-th one is
 * written), so the share is exact rather than random, and the same load always
 * gives the same number of lines.
 */
#include "accesslog.h"

#include <stdlib.h>
#include <string.h>

int accesslog_parse(const char *s, int *sample_every)
{
    if (!s)
        return -1;
    if (strcmp(s, "all") == 0) {
        *sample_every = 1;
        return 0;
    }
    if (strcmp(s, "errors") == 0) {
        *sample_every = 0;
        return 0;
    }
    if (strncmp(s, "sample:", 7) != 0 || s[7] < '1' || s[7] > '9')
        return -1;
    char *end;
    long n = strtol(s + 7, &end, 10);
    if (*end != '\0' || n < 1 || n > ACCESSLOG_SAMPLE_MAX)
        return -1;
    *sample_every = (int)n;
    return 0;
}

void accesslog_init(struct accesslog *al, int sample_every, int max_per_second)
{
    memset(al, 0, sizeof *al);
    pthread_mutex_init(&al->lock, NULL);
    al->sample_every = sample_every < 0 ? 0 : sample_every;
    al->max_per_second = max_per_second < 0 ? 0 : max_per_second;
    al->second = -1;
}

int accesslog_admit(struct accesslog *al, int status, int64_t now_ms, long *dropped)
{
    int write = 0;
    *dropped = 0;
    pthread_mutex_lock(&al->lock);
    if (status >= 400 || status < 100) {
        write = 1;
    } else if (al->sample_every > 0) {
        write = al->successes % (uint64_t)al->sample_every == 0;
        al->successes++;
    }
    if (write && al->max_per_second > 0) {
        int64_t second = now_ms / 1000;
        if (second != al->second) {
            al->second = second;
            al->lines_this_second = 0;
        }
        if (al->lines_this_second >= al->max_per_second) {
            al->dropped++;
            write = 0;
        } else {
            al->lines_this_second++;
        }
    }
    if (write) {
        *dropped = al->dropped;
        al->dropped = 0;
    }
    pthread_mutex_unlock(&al->lock);
    return write;
}
