/*
 * netaddr — see netaddr.h. Addresses are parsed with inet_pton only: no name
 * lookups, no zones, nothing a client could make slow.
 */
#include "netaddr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char v4_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

int netaddr_parse(const char *s, struct netaddr *out)
{
    struct netaddr a;
    memset(&a, 0, sizeof a);
    if (!s || strlen(s) >= NETADDR_TEXT_MAX)
        return -1;
    if (inet_pton(AF_INET, s, a.bytes) == 1) {
        a.family = 4;
        a.prefix = 32;
    } else if (inet_pton(AF_INET6, s, a.bytes) == 1) {
        if (memcmp(a.bytes, v4_mapped_prefix, sizeof v4_mapped_prefix) == 0) {
            memmove(a.bytes, a.bytes + 12, 4);
            memset(a.bytes + 4, 0, 12);
            a.family = 4;
            a.prefix = 32;
        } else {
            a.family = 6;
            a.prefix = 128;
        }
    } else {
        return -1;
    }
    *out = a;
    return 0;
}

/* Writes a's address as text into out. */
static void format_addr(const struct netaddr *a, char *out, size_t cap)
{
    char buf[NETADDR_TEXT_MAX];
    if (!inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->bytes, buf, sizeof buf))
        buf[0] = '\0';
    snprintf(out, cap, "%s", buf);
}

/* 1 when addr lies in the network net (same family, the first prefix bits equal). */
static int network_contains(const struct netaddr *net, const struct netaddr *addr)
{
    if (net->family != addr->family)
        return 0;
    int full = net->prefix / 8, rest = net->prefix % 8;
    if (memcmp(net->bytes, addr->bytes, (size_t)full) != 0)
        return 0;
    if (rest) {
        unsigned char mask = (unsigned char)(0xff << (8 - rest));
        if ((net->bytes[full] & mask) != (addr->bytes[full] & mask))
            return 0;
    }
    return 1;
}

int netaddr_list_parse(const char *s, struct netaddr_list *out, char *err, size_t errlen)
{
    struct netaddr_list l;
    memset(&l, 0, sizeof l);
    const char *p = s ? s : "";
    while (*p) {
        size_t len = strcspn(p, ", \t");
        if (len == 0) {
            p++;
            continue;
        }
        char item[NETADDR_TEXT_MAX + 8];
        if (len >= sizeof item) {
            snprintf(err, errlen, "'%.*s...' is not an address", 20, p);
            return -1;
        }
        memcpy(item, p, len);
        item[len] = '\0';
        p += len;
        if (l.n == NETADDR_LIST_MAX) {
            snprintf(err, errlen, "at most %d addresses or networks", NETADDR_LIST_MAX);
            return -1;
        }
        struct netaddr *a = &l.item[l.n];
        char *slash = strchr(item, '/');
        long prefix = -1;
        if (slash) {
            char *end;
            *slash = '\0';
            prefix = isdigit((unsigned char)slash[1]) ? strtol(slash + 1, &end, 10) : -1;
            if (prefix < 0 || *end != '\0')
                prefix = -2;
        }
        if (netaddr_parse(item, a) != 0 || prefix == -2 || prefix > (a->family == 4 ? 32 : 128)) {
            if (slash)
                *slash = '/';
            snprintf(err, errlen, "'%s' is not an address or network (a.b.c.d[/n] or IPv6[/n])",
                     item);
            return -1;
        }
        if (prefix >= 0)
            a->prefix = (int)prefix;
        l.n++;
    }
    *out = l;
    return 0;
}

int netaddr_list_contains(const struct netaddr_list *l, const char *addr)
{
    struct netaddr a;
    if (!l || l->n == 0 || netaddr_parse(addr, &a) != 0)
        return 0;
    for (int i = 0; i < l->n; i++)
        if (network_contains(&l->item[i], &a))
            return 1;
    return 0;
}

/*
 * Parses one X-Forwarded-For entry: an address, optionally "[v6]", "[v6]:port"
 * or "v4:port" (some proxies add the port). Returns 0 with *out set, else -1.
 */
static int parse_forwarded_entry(const char *s, size_t len, struct netaddr *out)
{
    char buf[NETADDR_TEXT_MAX];
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (netaddr_parse(buf, out) == 0)
        return 0;
    if (buf[0] == '[') {
        char *close = strchr(buf, ']');
        if (!close || (close[1] != '\0' && close[1] != ':'))
            return -1;
        *close = '\0';
        return netaddr_parse(buf + 1, out) == 0 && out->family == 6 ? 0 : -1;
    }
    char *colon = strchr(buf, ':');
    if (colon && !strchr(colon + 1, ':')) { /* exactly one colon: v4:port */
        *colon = '\0';
        return netaddr_parse(buf, out) == 0 && out->family == 4 ? 0 : -1;
    }
    return -1;
}

int netaddr_forwarded_client(const char *const *values, int n, const struct netaddr_list *trusted,
                             char *out, size_t cap)
{
    /* From the last header's last entry backwards: each entry was added by the
     * hop in front of the one after it, so the first untrusted entry is the
     * nearest address nobody we trust vouches for. */
    int first_seen = 0;
    struct netaddr first;
    for (int h = n - 1; h >= 0; h--) {
        const char *v = values[h] ? values[h] : "";
        size_t end = strlen(v);
        for (;;) {
            size_t start = end;
            while (start > 0 && v[start - 1] != ',')
                start--;
            struct netaddr a;
            int blank = strspn(v + start, " \t") >= end - start;
            if (!blank) {
                if (parse_forwarded_entry(v + start, end - start, &a) != 0)
                    return 0; /* not an address: trust ends here */
                char text[NETADDR_TEXT_MAX];
                format_addr(&a, text, sizeof text);
                if (!netaddr_list_contains(trusted, text)) {
                    snprintf(out, cap, "%s", text);
                    return 1;
                }
                first = a;
                first_seen = 1;
            }
            if (start == 0)
                break;
            end = start - 1;
        }
    }
    if (!first_seen)
        return 0;
    format_addr(&first, out, cap);
    return 1;
}

int netaddr_key(const char *addr, char *out, size_t cap)
{
    struct netaddr a;
    if (netaddr_parse(addr, &a) != 0) {
        snprintf(out, cap, "%.*s", NETADDR_TEXT_MAX - 1, addr ? addr : "");
        return -1;
    }
    if (a.family == 6) {
        memset(a.bytes + 8, 0, 8);
        char text[NETADDR_TEXT_MAX];
        format_addr(&a, text, sizeof text);
        snprintf(out, cap, "%s/64", text);
    } else {
        format_addr(&a, out, cap);
    }
    return 0;
}
