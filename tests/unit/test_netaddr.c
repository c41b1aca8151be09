/* Unit tests for server/base/netaddr.c: trusted proxies, X-Forwarded-For, per-address keys. */
#include "check.h"
#include "netaddr.h"

#include <string.h>

static void test_list(void)
{
    struct netaddr_list l;
    char err[200];
    CHECK(netaddr_list_parse("", &l, err, sizeof err) == 0 && l.n == 0);
    CHECK(netaddr_list_parse("127.0.0.1, ::1 10.0.0.0/8,192.168.1.0/24", &l, err, sizeof err) == 0);
    CHECK(l.n == 4);
    CHECK(netaddr_list_contains(&l, "127.0.0.1"));
    CHECK(!netaddr_list_contains(&l, "127.0.0.2"));
    CHECK(netaddr_list_contains(&l, "::1"));
    CHECK(netaddr_list_contains(&l, "::ffff:127.0.0.1")); /* IPv4-mapped is IPv4 */
    CHECK(netaddr_list_contains(&l, "10.200.3.4"));
    CHECK(!netaddr_list_contains(&l, "11.0.0.1"));
    CHECK(netaddr_list_contains(&l, "192.168.1.255"));
    CHECK(!netaddr_list_contains(&l, "192.168.2.1"));
    CHECK(!netaddr_list_contains(&l, "not an address"));
    CHECK(!netaddr_list_contains(&l, ""));
    CHECK(netaddr_list_parse("2001:db8::/32", &l, err, sizeof err) == 0);
    CHECK(netaddr_list_contains(&l, "2001:db8:ffff::1"));
    CHECK(!netaddr_list_contains(&l, "2001:db9::1"));
    CHECK(netaddr_list_parse("10.0.0.0/12", &l, err, sizeof err) == 0);
    CHECK(netaddr_list_contains(&l, "10.15.255.255") && !netaddr_list_contains(&l, "10.16.0.0"));

    static const char *bad[] = {"proxy.example", "127.0.0.1/33", "::1/129",     "10.0.0.0/",
                                "10.0.0.0/x",    "1.2.3",        "1.2.3.4/8/8", "fe80::1%eth0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        CHECK(netaddr_list_parse(bad[i], &l, err, sizeof err) == -1 && err[0]);
    }
    CHECK(netaddr_list_parse("1.1.1.1 1.1.1.2 1.1.1.3 1.1.1.4 1.1.1.5 1.1.1.6 1.1.1.7 1.1.1.8 "
                             "1.1.1.9 1.1.1.10 1.1.1.11 1.1.1.12 1.1.1.13 1.1.1.14 1.1.1.15 "
                             "1.1.1.16 1.1.1.17",
                             &l, err, sizeof err) == -1);
}

/* The client netaddr_forwarded_client finds in one header value, or "" for none. */
static const char *forwarded(const char *value, const char *trusted)
{
    static char out[NETADDR_TEXT_MAX];
    struct netaddr_list l;
    char err[100];
    netaddr_list_parse(trusted, &l, err, sizeof err);
    const char *values[1] = {value};
    if (!netaddr_forwarded_client(values, 1, &l, out, sizeof out))
        return "";
    return out;
}

static void test_forwarded(void)
{
    static const struct {
        const char *xff, *trusted, *client;
    } cases[] = {
        {"198.51.100.1", "127.0.0.1", "198.51.100.1"},
        {" 198.51.100.1 ", "127.0.0.1", "198.51.100.1"},
        {"192.0.2.9, 198.51.100.1", "127.0.0.1", "198.51.100.1"},           /* prepended: ignored */
        {"198.51.100.1, 10.0.0.5", "127.0.0.1 10.0.0.0/8", "198.51.100.1"}, /* a trusted hop */
        {"10.0.0.7, 10.0.0.5", "10.0.0.0/8", "10.0.0.7"},       /* all trusted: the first */
        {"garbage, 198.51.100.1", "127.0.0.1", "198.51.100.1"}, /* never looked at */
        {"198.51.100.1, garbage", "127.0.0.1", ""},             /* not an address: none */
        {"198.51.100.1:4711", "127.0.0.1", "198.51.100.1"},
        {"[2001:db8::7]:443", "127.0.0.1", "2001:db8::7"},
        {"[2001:db8::7]", "127.0.0.1", "2001:db8::7"},
        {"2001:DB8::7", "127.0.0.1", "2001:db8::7"},
        {"::ffff:198.51.100.1", "127.0.0.1", "198.51.100.1"},
        {"", "127.0.0.1", ""},
        {" , ,", "127.0.0.1", ""},
        {"198.51.100.1,,", "127.0.0.1", "198.51.100.1"},
        {"unknown", "127.0.0.1", ""},
        {"1.2.3.4:5:6", "127.0.0.1", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = forwarded(cases[i].xff, cases[i].trusted);
        CHECK(strcmp(got, cases[i].client) == 0);
        if (strcmp(got, cases[i].client) != 0)
            fprintf(stderr, "  X-Forwarded-For '%s': got '%s', expected '%s'\n", cases[i].xff, got,
                    cases[i].client);
    }
    /* Several headers: the last one's last entry is the nearest hop. */
    struct netaddr_list l;
    char err[100], out[NETADDR_TEXT_MAX];
    netaddr_list_parse("127.0.0.1", &l, err, sizeof err);
    const char *two[2] = {"198.51.100.3", "198.51.100.1"};
    CHECK(netaddr_forwarded_client(two, 2, &l, out, sizeof out) &&
          strcmp(out, "198.51.100.1") == 0);
    const char *chain[2] = {"198.51.100.3", "127.0.0.1"};
    CHECK(netaddr_forwarded_client(chain, 2, &l, out, sizeof out) &&
          strcmp(out, "198.51.100.3") == 0);
    CHECK(!netaddr_forwarded_client(NULL, 0, &l, out, sizeof out));
}

static void test_key(void)
{
    char key[NETADDR_TEXT_MAX];
    CHECK(netaddr_key("198.51.100.1", key, sizeof key) == 0 && strcmp(key, "198.51.100.1") == 0);
    CHECK(netaddr_key("::ffff:198.51.100.1", key, sizeof key) == 0 &&
          strcmp(key, "198.51.100.1") == 0);
    CHECK(netaddr_key("2001:db8:1:2:3:4:5:6", key, sizeof key) == 0 &&
          strcmp(key, "2001:db8:1:2::/64") == 0);
    char other[NETADDR_TEXT_MAX];
    netaddr_key("2001:db8:1:2:ffff::1", other, sizeof other);
    CHECK(strcmp(key, other) == 0); /* one /64, one key */
    CHECK(netaddr_key("nonsense", key, sizeof key) == -1 && strcmp(key, "nonsense") == 0);
}

int main(void)
{
    test_list();
    test_forwarded();
    test_key();
    return check_report("test_netaddr");
}
