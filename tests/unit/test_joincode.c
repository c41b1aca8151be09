/*
 * Unit tests for server/joincode.c: fresh codes use only the unambiguous
 * alphabet and are spread evenly over it; normalize accepts what people
 * type (lower case, blanks, hyphens) and the legacy codes, and refuses the rest.
 */
#include "check.h"
#include "joincode.h"

#include <stdlib.h>
#include <string.h>

#define DRAWS 10000

static int cmp_codes(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

static void test_generate_uses_only_the_unambiguous_alphabet(void)
{
    static char codes[DRAWS][JOINCODE_LEN + 1];
    size_t counts[256] = {0};
    int bad_len = 0, bad_char = 0, ambiguous = 0, not_new_form = 0;
    for (int i = 0; i < DRAWS; i++) {
        CHECK(joincode_generate(codes[i], sizeof codes[i]) == 0);
        if (strlen(codes[i]) != JOINCODE_LEN)
            bad_len++;
        for (const char *p = codes[i]; *p; p++) {
            counts[(unsigned char)*p]++;
            if (!strchr(JOINCODE_ALPHABET, *p))
                bad_char++;
            if (strchr("0O1lIL", *p))
                ambiguous++;
        }
        if (!joincode_is_new_form(codes[i]))
            not_new_form++;
    }
    CHECK(bad_len == 0);
    CHECK(bad_char == 0);
    CHECK(ambiguous == 0);
    CHECK(not_new_form == 0);
    /* 60 000 characters over 31 symbols: about 1935 each, standard deviation ~43. */
    size_t lo = (size_t)-1, hi = 0;
    for (const char *a = JOINCODE_ALPHABET; *a; a++) {
        size_t c = counts[(unsigned char)*a];
        lo = c < lo ? c : lo;
        hi = c > hi ? c : hi;
    }
    CHECK(lo > 1600);
    CHECK(hi < 2300);
    /* 887 million codes: 10 000 draws collide ~0.06 times on average. */
    qsort(codes, DRAWS, sizeof codes[0], cmp_codes);
    int dupes = 0;
    for (int i = 1; i < DRAWS; i++)
        dupes += strcmp(codes[i - 1], codes[i]) == 0;
    CHECK(dupes <= 2);
    printf("joincode: 10000 draws, symbol counts %zu..%zu, %d duplicate(s)\n", lo, hi, dupes);
}

static void test_generate_refuses_a_small_buffer(void)
{
    char small[JOINCODE_LEN];
    small[0] = 'x';
    CHECK(joincode_generate(small, sizeof small) == -1);
    CHECK(small[0] == '\0');
    CHECK(joincode_generate(NULL, 10) == -1);
}

static const struct {
    const char *in, *out;
} accepted[] = {
    {"K7QM4X", "K7QM4X"},
    {"k7qm4x", "K7QM4X"},
    {"k7Q-m4X", "K7QM4X"},
    {"  k7q m4x\t", "K7QM4X"},
    {"NORRBY1", "NORRBY1"}, /* the seeded legacy code, with 0/O/1/I look-alikes allowed */
    {"norrby1", "NORRBY1"},
    {"Norrby1", "NORRBY1"},
    {"ab0o", "AB0O"},                 /* 4 characters: the shortest */
    {"abcdefghijkl", "ABCDEFGHIJKL"}, /* 12: the longest */
};

static const char *const refused[] = {
    "",
    "   ",
    "abc",           /* too short */
    "abc-",          /* too short once the hyphen is gone */
    "abcdefghijklm", /* 13 */
    "K7Q_M4",        /* underscore */
    "K7Q.M4",
    "K7Q/M4",
    "K7QM4X?",
    "åäöABC", /* not ASCII */
    "K7QM4\xC3",
    "K7Q\nM4X",
    "%4B7QM4X",
};

static void test_normalize(void)
{
    char out[JOINCODE_BUF];
    for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
        int rc = joincode_normalize(accepted[i].in, out, sizeof out);
        CHECK(rc == 0);
        CHECK(strcmp(out, accepted[i].out) == 0);
        if (rc != 0 || strcmp(out, accepted[i].out) != 0)
            fprintf(stderr, "  input \"%s\" gave %d \"%s\"\n", accepted[i].in, rc, out);
    }
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        memcpy(out, "junk", 5);
        int rc = joincode_normalize(refused[i], out, sizeof out);
        CHECK(rc == -1);
        CHECK(out[0] == '\0');
        if (rc != -1)
            fprintf(stderr, "  input \"%s\" was accepted as \"%s\"\n", refused[i], out);
    }
    CHECK(joincode_normalize(NULL, out, sizeof out) == -1);
    CHECK(joincode_normalize("K7QM4X", out, JOINCODE_BUF - 1) == -1);
    /* Input past JOINCODE_INPUT_MAX is refused even if it is mostly blanks. */
    char padded[JOINCODE_INPUT_MAX + 8];
    memset(padded, ' ', sizeof padded);
    memcpy(padded + JOINCODE_INPUT_MAX, "K7QM4X", 6);
    padded[sizeof padded - 1] = '\0';
    CHECK(joincode_normalize(padded, out, sizeof out) == -1);

    CHECK(joincode_is_new_form("K7QM4X"));
    CHECK(!joincode_is_new_form("k7qm4x"));
    CHECK(!joincode_is_new_form("NORRBY1"));
    CHECK(!joincode_is_new_form("K7QM40")); /* 0 is never generated */
    CHECK(!joincode_is_new_form("K7QM4"));
    CHECK(!joincode_is_new_form(NULL));
}

int main(void)
{
    test_generate_uses_only_the_unambiguous_alphabet();
    test_generate_refuses_a_small_buffer();
    test_normalize();
    return check_report("test_joincode");
}
