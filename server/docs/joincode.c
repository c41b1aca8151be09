/*
 * joincode — see joincode.h. Random codes from getrandom(2) and the one
 * normalizer every way in uses before looking a code up.
 */
#include "joincode.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#define JOINCODE_ALPHABET_SIZE (sizeof JOINCODE_ALPHABET - 1)
/* Random bytes at or above this are redrawn so that byte % 31 is uniform. */
#define JOINCODE_REJECT_FROM (256 - 256 % JOINCODE_ALPHABET_SIZE)
/* Bytes fetched per getrandom call; several draws are usually needed per code. */
#define JOINCODE_RANDOM_CHUNK 32

/* Fills p[0..n) from getrandom, retrying on EINTR and short reads. 0 or -1. */
static int joincode_random(unsigned char *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(p + got, n - got, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)r;
    }
    return 0;
}

int joincode_generate(char *out, size_t cap)
{
    unsigned char raw[JOINCODE_RANDOM_CHUNK];
    size_t used = sizeof raw, n = 0;
    if (!out || cap < JOINCODE_LEN + 1) {
        if (out && cap)
            out[0] = '\0';
        return -1;
    }
    while (n < JOINCODE_LEN) {
        if (used == sizeof raw) {
            if (joincode_random(raw, sizeof raw) != 0) {
                out[0] = '\0';
                return -1;
            }
            used = 0;
        }
        unsigned char b = raw[used++];
        if (b >= JOINCODE_REJECT_FROM)
            continue;
        out[n++] = JOINCODE_ALPHABET[b % JOINCODE_ALPHABET_SIZE];
    }
    out[n] = '\0';
    return 0;
}

int joincode_normalize(const char *in, char *out, size_t cap)
{
    size_t n = 0, inlen;
    if (!out || cap == 0)
        return -1;
    out[0] = '\0';
    if (!in || cap < JOINCODE_BUF)
        return -1;
    inlen = strnlen(in, JOINCODE_INPUT_MAX + 1);
    if (inlen > JOINCODE_INPUT_MAX)
        return -1;
    for (size_t i = 0; i < inlen; i++) {
        char c = in[i];
        if (c == ' ' || c == '\t' || c == '-')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            goto bad;
        if (n == JOINCODE_MAX_LEN)
            goto bad;
        out[n++] = c;
    }
    if (n < JOINCODE_MIN_LEN)
        goto bad;
    out[n] = '\0';
    return 0;
bad:
    out[0] = '\0';
    return -1;
}

int joincode_is_new_form(const char *code)
{
    if (!code || strlen(code) != JOINCODE_LEN)
        return 0;
    for (size_t i = 0; i < JOINCODE_LEN; i++)
        if (code[i] == '\0' || !strchr(JOINCODE_ALPHABET, code[i]))
            return 0;
    return 1;
}
