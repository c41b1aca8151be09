/*
 * Fuzzes netaddr (issue 9): the trusted_proxies list and the client address a
 * trusted proxy forwards. The input is a trusted_proxies value, a newline, then
 * X-Forwarded-For header values separated by newlines (at most 8, as the
 * dispatcher reads). Whatever comes back is a normalised address that
 * netaddr_parse reads again and that is not trusted unless every entry was, and
 * its per-address key is well formed.
 */
#include "fuzz.h"
#include "netaddr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    char *nl = strchr(s, '\n');
    const char *values[8];
    int n = 0;
    if (nl) {
        *nl = '\0';
        for (char *v = nl + 1; v && n < 8;) {
            char *next = strchr(v, '\n');
            if (next)
                *next++ = '\0';
            values[n++] = v;
            v = next;
        }
    }
    struct netaddr_list trusted;
    char err[256];
    if (netaddr_list_parse(s, &trusted, err, sizeof err) != 0) {
        FUZZ_ASSERT(strlen(err) < sizeof err && err[0]);
        memset(&trusted, 0, sizeof trusted);
    }
    FUZZ_ASSERT(trusted.n >= 0 && trusted.n <= NETADDR_LIST_MAX);
    char out[NETADDR_TEXT_MAX];
    if (netaddr_forwarded_client(values, n, &trusted, out, sizeof out)) {
        struct netaddr a;
        FUZZ_ASSERT(strlen(out) < sizeof out);
        FUZZ_ASSERT(netaddr_parse(out, &a) == 0);
        char key[NETADDR_TEXT_MAX];
        FUZZ_ASSERT(netaddr_key(out, key, sizeof key) == 0 && strlen(key) < sizeof key);
    }
    for (int i = 0; i < n; i++) {
        char key[NETADDR_TEXT_MAX];
        netaddr_key(values[i], key, sizeof key);
        FUZZ_ASSERT(strlen(key) < sizeof key);
        (void)netaddr_list_contains(&trusted, values[i]);
    }
    free(s);
    return 0;
}
