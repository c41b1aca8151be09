/*
 * netaddr — client addresses as text: which peers are trusted proxies, the
 * client address a trusted proxy forwarded (X-Forwarded-For), and the key
 * under which an address is counted by per-address limits. Pure: no sockets,
 * no HTTP; IPv4 and IPv6 (an IPv4-mapped IPv6 address is its IPv4 address).
 */
#ifndef TRYGG_NETADDR_H
#define TRYGG_NETADDR_H

#include <stddef.h>

#define NETADDR_TEXT_MAX 64 /* INET6_ADDRSTRLEN (46) with room; keys and addresses fit */
#define NETADDR_LIST_MAX 16 /* entries of a trusted_proxies list */

/* An address or a network: family 4 or 6, 16 bytes (IPv4 in the first 4), prefix bits. */
struct netaddr {
    int family;
    unsigned char bytes[16];
    int prefix;
};

struct netaddr_list {
    int n;
    struct netaddr item[NETADDR_LIST_MAX];
};

/*
 * Parses one address ("192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1") into *out
 * with a full-length prefix. Returns 0, or -1 when s is not an address.
 */
int netaddr_parse(const char *s, struct netaddr *out);

/*
 * Parses a list of addresses and networks ("127.0.0.1, ::1 10.0.0.0/8"),
 * separated by commas and/or spaces, into *out. An empty list is valid (nothing
 * trusted). Returns 0, or -1 with a message in err naming the bad entry.
 */
int netaddr_list_parse(const char *s, struct netaddr_list *out, char *err, size_t errlen);

/* 1 when the address text addr lies in one of the list's networks, else 0. */
int netaddr_list_contains(const struct netaddr_list *l, const char *addr);

/*
 * The client address behind trusted proxies. values[0..n) are the
 * X-Forwarded-For header values in the order received (each a comma-separated
 * list, the nearest proxy's entry last). Walks the entries from the last to the
 * first, skipping those in trusted, and writes the first untrusted one into out
 * (normalised text). When every entry is trusted, the first entry is the client.
 * Returns 1 when out holds a forwarded address; 0 when there is none to use (no
 * header, an empty list, or the entry found is not an address: the caller then
 * keeps the peer's own address).
 */
int netaddr_forwarded_client(const char *const *values, int n, const struct netaddr_list *trusted,
                             char *out, size_t cap);

/*
 * The key under which addr is counted by per-address limits: an IPv4 address
 * itself, an IPv6 address's /64 network ("2001:db8:1:2::/64": one subscriber
 * gets a whole /64). Writes it into out (cap at least NETADDR_TEXT_MAX).
 * Returns 0, or -1 when addr is not an address (out then holds addr as given,
 * truncated, so that it still counts as one key).
 */
int netaddr_key(const char *addr, char *out, size_t cap);

#endif
