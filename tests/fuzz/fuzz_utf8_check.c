/*
 * Fuzzes utf8_check (every text field) against an independent reference: the
 * well-formed byte sequences of Unicode's Table 3-7, NUL excluded.
 */
#include "fuzz.h"
#include "validate.h"

/* Returns the number of characters, or -1 when not well-formed. */
static long reference_utf8(const unsigned char *s, size_t n)
{
    long chars = 0;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        unsigned lo = 0x80, hi = 0xBF;
        size_t extra;
        if (c == 0)
            return -1;
        if (c < 0x80)
            extra = 0;
        else if (c >= 0xC2 && c <= 0xDF)
            extra = 1;
        else if (c >= 0xE0 && c <= 0xEF)
            extra = 2;
        else if (c >= 0xF0 && c <= 0xF4)
            extra = 3;
        else
            return -1;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
        else if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
        if (extra > n - i - 1)
            return -1;
        for (size_t k = 1; k <= extra; k++) {
            unsigned b = s[i + k];
            if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF))
                return -1;
        }
        i += extra + 1;
        chars++;
    }
    return chars;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy without a terminator: the length is what bounds the read. */
    char *s = malloc(size ? size : 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    size_t chars = (size_t)-1;
    int rc = utf8_check(s, size, &chars);
    long ref = reference_utf8(data, size);
    FUZZ_ASSERT((rc == 0) == (ref >= 0));
    if (rc == 0)
        FUZZ_ASSERT(chars == (size_t)ref && chars <= size);
    FUZZ_ASSERT(utf8_check(s, size, NULL) == rc);
    free(s);
    return 0;
}
