/*
 * test_jsonout — server/store/jsonout.c and server/docs/jsonw.c write what
 * json_dumps(v, HTTP_JSON_FLAGS) writes (compact, ASCII only, 12 significant
 * digits): the clients, the OpenAPI contract and the ETags were made with
 * jansson's text, so the faster printer must not change one byte of it.
 * Random documents (strings with every kind of UTF-8 and control character,
 * integers and reals of every magnitude trygg writes, nesting) and hand-picked
 * corner cases are printed both ways and compared.
 */
#include "check.h"
#include "jsonout.h"
#include "jsonw.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLAGS (JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(12))

static uint64_t rng = 0x243f6a8885a308d3ULL;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Appends code point cp as UTF-8. */
static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

static json_t *random_string(void)
{
    char buf[256];
    size_t n = 0, len = next() % 40;
    for (size_t i = 0; i < len; i++) {
        uint32_t cp;
        switch (next() % 6) {
        case 0:
            cp = (uint32_t)(next() % 0x20);
            break; /* control characters */
        case 1:
            cp = "\"\\/\x7f"[next() % 4];
            break;
        case 2:
            cp = 0x80 + (uint32_t)(next() % 0x780);
            break; /* å, ä, ö and the like */
        case 3:
            cp = 0x800 + (uint32_t)(next() % 0xf000);
            break;
        case 4:
            cp = 0x10000 + (uint32_t)(next() % 0x100000);
            break; /* astral: surrogates */
        default:
            cp = 0x20 + (uint32_t)(next() % 0x5f);
            break;
        }
        if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
            cp = 'x';
        n += put_utf8(buf + n, cp);
    }
    buf[n] = 0;
    return json_string(buf);
}

static double random_real(void)
{
    switch (next() % 6) {
    case 0:
        return (double)(int64_t)(next() % 2000001) - 1000000.0; /* whole reals */
    case 1:
        return ((double)(next() % 36000000) / 1e5) - 180.0; /* longitudes */
    case 2:
        return (double)(next() >> 11) / 9007199254740992.0; /* [0, 1) */
    case 3:
        return ((double)(next() >> 11) / 9007199254740992.0 - 0.5) * 1e15;
    case 4:
        return ((double)(next() % 1000) + 0.5) / 1e6;
    default:
        return 6000000.0 + (double)(next() % 100000000) / 100.0; /* SWEREF 99 */
    }
}

static json_t *random_value(int depth)
{
    int kind = (int)(next() % (depth > 3 ? 6 : 8));
    switch (kind) {
    case 0:
        return json_null();
    case 1:
        return json_boolean(next() % 2);
    case 2:
        return json_integer(
            (json_int_t)(next() % 4 == 0 ? (int64_t)next() : (int64_t)(next() % 100000) - 50000));
    case 3:
        return json_real(random_real());
    case 4:
    case 5:
        return random_string();
    case 6: {
        json_t *a = json_array();
        for (size_t i = 0, n = next() % 6; i < n; i++)
            json_array_append_new(a, random_value(depth + 1));
        return a;
    }
    default: {
        json_t *o = json_object();
        for (size_t i = 0, n = next() % 6; i < n; i++) {
            json_t *k = random_string();
            json_object_set_new(o, json_string_value(k), random_value(depth + 1));
            json_decref(k);
        }
        return o;
    }
    }
}

static int same_as_jansson(const json_t *v)
{
    char *want = json_dumps(v, FLAGS | JSON_ENCODE_ANY);
    size_t len = 0;
    char *got = jsonout_dumps(v, 1 << 20, &len);
    int ok = want && got && strlen(want) == len && strcmp(want, got) == 0;
    if (!ok)
        fprintf(stderr, "jansson: %s\njsonout: %s\n", want ? want : "(null)", got ? got : "(null)");
    free(want);
    free(got);
    return ok;
}

static void test_random_documents(void)
{
    int bad = 0;
    for (int i = 0; i < 5000; i++) {
        json_t *v = random_value(0);
        bad += !same_as_jansson(v);
        json_decref(v);
        if (bad > 3)
            break;
    }
    CHECK(bad == 0);
}

static void test_numbers(void)
{
    const double reals[] = {0.0,      -0.0,           1.0,        -1.5,    0.1,
                            1e-7,     1.5e-5,         123456.789, 57.7210, 12.94011111111,
                            1e15 - 1, 999999999999.5, 6400000.25, 2.5e-300};
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++) {
        json_t *r = json_real(reals[i]);
        CHECK(same_as_jansson(r));
        json_decref(r);
    }
    const json_int_t ints[] = {0, 1, -1, INT64_MAX, INT64_MIN, 1000000007};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        json_t *n = json_integer(ints[i]);
        CHECK(same_as_jansson(n));
        json_decref(n);
    }
    /* Many reals of the kinds trygg writes (coordinates, ratios, metres), one by one. */
    int bad = 0;
    for (int i = 0; i < 200000 && bad < 3; i++) {
        json_t *r = json_real(random_real() * (i % 2 ? 1 : -1));
        bad += !same_as_jansson(r);
        json_decref(r);
    }
    CHECK(bad == 0);
    /* jsonw_num's own rule for what jansson cannot hold: NaN and infinities are null. */
    struct membuf b;
    membuf_init(&b, 1024);
    jsonw_num(&b, NAN);
    jsonw_raw(&b, ",");
    jsonw_num(&b, INFINITY);
    jsonw_raw(&b, ",");
    jsonw_num(&b, 57.72101234567891);
    CHECK(b.data && strcmp((char *)b.data, "null,null,57.7210123457") == 0);
    membuf_free(&b);
}

static void test_strings(void)
{
    struct membuf b;
    membuf_init(&b, 1024);
    jsonw_str(&b, "Borås \"tunnel\"\n\x01 \xf0\x9f\x92\xa1");
    CHECK(b.data &&
          strcmp((char *)b.data, "\"Bor\\u00E5s \\\"tunnel\\\"\\n\\u0001 \\uD83D\\uDCA1\"") == 0);
    membuf_free(&b);
    /* Not UTF-8 (jansson would refuse it): each byte that does not begin a valid
     * sequence becomes U+FFFD: a lone continuation byte, a cut-off sequence. */
    membuf_init(&b, 1024);
    jsonw_str(&b, "a\x80z\xe2\x82");
    CHECK(b.data && strcmp((char *)b.data, "\"a\\uFFFDz\\uFFFD\\uFFFD\"") == 0);
    membuf_free(&b);
    membuf_init(&b, 1024);
    jsonw_strn(&b, "a\0b", 3);
    jsonw_raw(&b, ",");
    jsonw_str(&b, NULL);
    CHECK(b.data && strcmp((char *)b.data, "\"a\\u0000b\",null") == 0);
    membuf_free(&b);
    /* The limit holds: a long string into a small buffer fails, and stays failed. */
    membuf_init(&b, 16);
    jsonw_str(&b, "a string longer than sixteen bytes");
    CHECK(b.failed != 0);
    membuf_free(&b);
    size_t len = 0;
    json_t *big = json_string("0123456789012345678901234567890123456789");
    CHECK(jsonout_dumps(big, 20, &len) == NULL);
    json_decref(big);
}

int main(void)
{
    test_numbers();
    test_strings();
    test_random_documents();
    return check_report("test_jsonout");
}
