/* Unit tests for server/validate.c: the bounded parsers every request goes through. */
#include "check.h"
#include "crypto.h"
#include "query.h"
#include "validate.h"

#include <stdint.h>
#include <string.h>

static void test_parse_i64(void)
{
    int64_t v = 7;
    CHECK(parse_i64("42", 0, 100, &v) == 0 && v == 42);
    CHECK(parse_i64("-5", -10, 10, &v) == 0 && v == -5);
    CHECK(parse_i64("101", 0, 100, &v) == -1 && v == -5);
    CHECK(parse_i64("", 0, 100, &v) == -1);
    CHECK(parse_i64(" 4", 0, 100, &v) == -1);
    CHECK(parse_i64("4x", 0, 100, &v) == -1);
    CHECK(parse_i64("+4", 0, 100, &v) == -1);
    CHECK(parse_i64("99999999999999999999", 0, INT64_MAX, &v) == -1);
    CHECK(parse_i64("-", -1, 1, &v) == -1);
}

static void test_parse_double(void)
{
    double d = 0;
    CHECK(parse_double("57.721", -90, 90, &d) == 0 && d == 57.721);
    CHECK(parse_double("nan", -90, 90, &d) == -1);
    CHECK(parse_double("inf", -1e9, 1e9, &d) == -1);
    CHECK(parse_double("0x10", 0, 100, &d) == -1);
    CHECK(parse_double("91", -90, 90, &d) == -1);
    CHECK(parse_double("1e400", -1e9, 1e9, &d) == -1);
}

static void test_utf8(void)
{
    static const struct {
        const char *s;
        size_t len;
        int ok;
        size_t chars;
    } cases[] = {
        {"hej", 3, 1, 3},
        {"Bor\xc3\xa5s", 6, 1, 5},     /* Borås */
        {"\xe2\x82\xac", 3, 1, 1},     /* € */
        {"\xf0\x9f\x98\x80", 4, 1, 1}, /* emoji */
        {"\xc0\xaf", 2, 0, 0},         /* overlong '/' */
        {"\xe0\x80\xaf", 3, 0, 0},     /* overlong */
        {"\xed\xa0\x80", 3, 0, 0},     /* surrogate U+D800 */
        {"\xf4\x90\x80\x80", 4, 0, 0}, /* above U+10FFFF */
        {"\xc3", 1, 0, 0},             /* truncated */
        {"a\0b", 3, 0, 0},             /* NUL */
        {"\xff", 1, 0, 0},
        {"\x80", 1, 0, 0}, /* lone continuation */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = 99;
        int rc = utf8_check(cases[i].s, cases[i].len, &n);
        CHECK((rc == 0) == cases[i].ok);
        if (cases[i].ok)
            CHECK(n == cases[i].chars);
    }
}

static void test_rfc3339(void)
{
    int64_t t = 0;
    CHECK(parse_rfc3339("1970-01-01T00:00:00Z", &t) == 0 && t == 0);
    CHECK(parse_rfc3339("2026-11-24T18:30:00Z", &t) == 0 && t == 1795545000);
    CHECK(parse_rfc3339("2026-11-24T19:30:00+01:00", &t) == 0 && t == 1795545000);
    CHECK(parse_rfc3339("2026-11-24T18:30:00.123Z", &t) == 0 && t == 1795545000);
    CHECK(parse_rfc3339("2024-02-29T00:00:00Z", &t) == 0);
    CHECK(parse_rfc3339("2026-02-29T00:00:00Z", &t) == -1);
    CHECK(parse_rfc3339("2026-13-01T00:00:00Z", &t) == -1);
    CHECK(parse_rfc3339("2026-11-24T18:30:00", &t) == -1); /* no zone */
    CHECK(parse_rfc3339("2026-11-24 18:30", &t) == -1);
    CHECK(parse_rfc3339("yesterday", &t) == -1);
    char buf[32];
    format_rfc3339(1795545000, buf, sizeof buf);
    CHECK(strcmp(buf, "2026-11-24T18:30:00Z") == 0);
}

static void test_uuid_bbox_codes(void)
{
    CHECK(uuid_valid("0b8f3e0c-5d3c-4f6e-9a71-2f1c3b9d8e11"));
    CHECK(uuid_valid("0B8F3E0C-5D3C-4F6E-9A71-2F1C3B9D8E11"));
    CHECK(!uuid_valid("0b8f3e0c5d3c4f6e9a712f1c3b9d8e11"));
    CHECK(!uuid_valid("0b8f3e0c-5d3c-4f6e-9a71-2f1c3b9d8e1g"));
    CHECK(!uuid_valid(""));
    double b[4];
    CHECK(parse_bbox("12.9,57.7,13.0,57.8", b) == 0 && b[0] == 12.9 && b[3] == 57.8);
    CHECK(parse_bbox("13.0,57.7,12.9,57.8", b) == -1);
    CHECK(parse_bbox("12.9,57.7,13.0", b) == -1);
    CHECK(parse_bbox("12.9,57.7,13.0,57.8,1", b) == -1);
    CHECK(parse_bbox("12.9,95,13.0,96", b) == -1);
    char json[256];
    CHECK(parse_code_list("lighting,litter", 8, json, sizeof json) == 2 &&
          strcmp(json, "[\"lighting\",\"litter\"]") == 0);
    CHECK(parse_code_list("lighting", 8, json, sizeof json) == 1 &&
          strcmp(json, "[\"lighting\"]") == 0);
    CHECK(parse_code_list("a,,b", 8, json, sizeof json) == -1);
    CHECK(parse_code_list("a,", 8, json, sizeof json) == -1);
    CHECK(parse_code_list("x\"y", 8, json, sizeof json) == -1);
    CHECK(parse_code_list("a,b,c", 2, json, sizeof json) == -1);
}

/* crypto: known answers (FIPS 180-2, RFC 4231 test case 2) and randomness. */
static void test_crypto(void)
{
    char hex[33], hex2[33], out[CRYPTO_SHA256_HEX];
    CHECK(crypto_random_hex(hex, 16) == 0 && strlen(hex) == 32);
    CHECK(crypto_random_hex(hex2, 16) == 0 && strcmp(hex, hex2) != 0);
    CHECK(crypto_random_hex(hex, 65) == -1);
    crypto_sha256_hex("abc", 3, out);
    CHECK(strcmp(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
    const char *msg = "what do ya want for nothing?";
    CHECK(crypto_hmac_sha256_hex("Jefe", msg, strlen(msg), out) == 0);
    CHECK(strcmp(out, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843") == 0);
    CHECK(crypto_equal("abcdef", "abcdef", 6) && !crypto_equal("abcdef", "abcdeg", 6));
    char hash[CRYPTO_PASSWORD_HASH_MAX];
    CHECK(crypto_password_hash("correct horse", 64, 1, hash, sizeof hash) == 0);
    CHECK(strncmp(hash, "$argon2id$", 10) == 0);
    CHECK(crypto_password_verify(hash, "correct horse") && !crypto_password_verify(hash, "wrong"));
    CHECK(!crypto_password_verify("", "x") && !crypto_password_verify("$argon2id$bad", "x"));
}

static int depth_ok(const char *s, int max)
{
    return json_depth_ok(s, strlen(s), max);
}

/* query_get: table-driven, including every way a hostile query can be malformed. */
static void test_query(void)
{
    static const struct {
        const char *query, *name;
        size_t cap;
        int rc;
        const char *value;
    } cases[] = {
        {"a=1&b=2", "b", 16, 1, "2"},
        {"a=1&b=2", "c", 16, QUERY_ABSENT, ""},
        {"bbox=12.9%2C57.7", "bbox", 32, 9, "12.9,57.7"},
        {"q=hej+d%C3%A5", "q", 32, 7, "hej d\xc3\xa5"},
        {"q=%00", "q", 16, QUERY_BAD, ""},
        {"q=%zz", "q", 16, QUERY_BAD, ""},
        {"q=%4", "q", 16, QUERY_BAD, ""},
        {"q=12345", "q", 5, QUERY_TOO_LONG, ""},
        {"q=1234", "q", 5, 4, "1234"},
        {"q", "q", 4, 0, ""},
        {"q=&q=2", "q", 4, 0, ""},
        {"%71=1", "q", 4, QUERY_ABSENT, ""},
        {"", "q", 4, QUERY_ABSENT, ""},
        {"aq=1&q=3", "q", 4, 1, "3"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[64];
        int rc = query_get(cases[i].query, cases[i].name, out, cases[i].cap);
        CHECK(rc == cases[i].rc);
        CHECK(strcmp(out, cases[i].value) == 0);
    }
    CHECK(query_get(NULL, "q", (char[4]){0}, 4) == QUERY_ABSENT);
}

static void test_json_depth(void)
{
    CHECK(depth_ok("{\"a\":[1,{\"b\":2}]}", 3));
    CHECK(!depth_ok("{\"a\":[1,{\"b\":2}]}", 2));
    CHECK(depth_ok("{\"a\":\"[[[[[[\"}", 1));  /* brackets inside strings */
    CHECK(depth_ok("{\"a\":\"\\\"[[[\"}", 1)); /* an escaped quote stays in the string */
    char deep[200];
    memset(deep, '[', sizeof deep);
    CHECK(!json_depth_ok(deep, sizeof deep, 32));
}

static void test_url_path_decode(void)
{
    static const struct {
        const char *in, *out; /* out NULL: refused */
    } cases[] = {
        {"/healthz", "/healthz"},
        {"/%68ealthz", "/healthz"},
        {"/a%2Fb", "/a/b"},
        {"/a+b", "/a+b"},
        {"/%c3%a5", "/\xc3\xa5"},
        {"/%2e%2e/x", "/../x"},
        {"/static/app.js%00.png", NULL},
        {"/%00", NULL},
        {"/%", NULL},
        {"/%4", NULL},
        {"/%zz", NULL},
        {"/%4g", NULL},
        {"", ""},
    };
    char out[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int n = url_path_decode(cases[i].in, out, sizeof out);
        if (cases[i].out)
            CHECK(n == (int)strlen(cases[i].out) && strcmp(out, cases[i].out) == 0);
        else
            CHECK(n == -1);
    }
    CHECK(url_path_decode("/abcdef", out, 7) == -1); /* no room for the NUL */
    CHECK(url_path_decode("/abcde", out, 7) == 6);
}

int main(void)
{
    test_crypto();
    test_query();
    test_json_depth();
    test_url_path_decode();
    test_parse_i64();
    test_parse_double();
    test_utf8();
    test_rfc3339();
    test_uuid_bbox_codes();
    return check_report("test_validate");
}
