/*
 * quota — how many public writes one client address may make per minute:
 * observations (repeats included), "me too" and photo uploads, each with its
 * named limit from the configuration (rate_*_per_minute). Over the limit the
 * request is answered 429 rate_limited with Retry-After (seconds to the end of
 * the minute) before any work is done. In memory (ratelimit.h), per process.
 */
#ifndef TRYGG_QUOTA_H
#define TRYGG_QUOTA_H

struct req;

enum quota_kind { QUOTA_OBSERVATIONS, QUOTA_SUPPORTS, QUOTA_PHOTOS, QUOTA_COUNT };

/* 0 when the request's client address may make one more write of kind (it is
 * counted); otherwise replies 429 with Retry-After and returns -1. */
int quota_take_or_reply(struct req *r, enum quota_kind kind);

/*
 * The client's address as the quotas see it. Until the HTTP edge has its
 * trusted-proxy helper (http_client_address), this is the socket's peer
 * address; quota.c is the one place to switch.
 */
const char *quota_client_address(const struct req *r);

#endif
