/*
 * quota — see quota.h. One fixed-window counter table per kind, set up once
 * from the configuration (the server's configuration never changes while it
 * runs).
 */
#include "quota.h"
#include "http.h"
#include "ratelimit.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>

#define LIMITS_WINDOW_S 60

static struct ratelimit tables[QUOTA_COUNT];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;
static const struct config *tables_cfg;

static const char *const what[QUOTA_COUNT] = {"reports", "'me too' answers", "photos"};

static void tables_init(void)
{
    ratelimit_init(&tables[QUOTA_OBSERVATIONS], tables_cfg->rate_observations_per_minute,
                   LIMITS_WINDOW_S);
    ratelimit_init(&tables[QUOTA_SUPPORTS], tables_cfg->rate_supports_per_minute, LIMITS_WINDOW_S);
    ratelimit_init(&tables[QUOTA_PHOTOS], tables_cfg->rate_photos_per_minute, LIMITS_WINDOW_S);
}

const char *quota_client_address(const struct req *r)
{
    return http_client_address(r); /* the forwarded address behind a trusted proxy */
}

int quota_take_or_reply(struct req *r, enum quota_kind kind)
{
    tables_cfg = r->cfg;
    pthread_once(&tables_once, tables_init);
    int64_t now = (int64_t)time(NULL);
    struct ratelimit *rl = &tables[kind];
    if (ratelimit_take(rl, quota_client_address(r), now))
        return 0;
    char hdr[64];
    snprintf(hdr, sizeof hdr, "Retry-After: %d\r\n", ratelimit_retry_after(rl, now));
    char body[256];
    int n = snprintf(body, sizeof body,
                     "{\"error\":{\"code\":\"%s\",\"message\":\"too many %s from your address "
                     "(at most %d a minute); wait and send again\",\"field\":null}}",
                     errors_code(ERR_RATE_LIMITED), what[kind], rl->limit);
    http_reply_bytes(r, errors_status(ERR_RATE_LIMITED), "application/json", body, (size_t)n, hdr);
    return -1;
}
