/*
 * Fuzzes url_path_decode (every request path, issue 9) against a reference
 * decoder, with every small output capacity: the first byte is the capacity
 * (0..255) and the output buffer is exactly that size, so a write past it is
 * caught. A path is refused exactly when an escape is not two hex digits,
 * decodes to NUL, or the result does not fit; otherwise the output is the
 * reference's, byte for byte.
 */
#include "fuzz.h"
#include "validate.h"

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t cap = data[0];
    char *s = fuzz_cstr(data + 1, size - 1);
    size_t len = strlen(s);
    char *want = malloc(len + 1);
    char *out = malloc(cap ? cap : 1);
    if (!want || !out)
        abort();
    /* The reference: one pass, no cleverness. */
    size_t n = 0;
    int bad = 0;
    for (size_t i = 0; i < len && !bad; i++) {
        if (s[i] != '%') {
            want[n++] = s[i];
        } else if (i + 2 < len + 1 && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            int c = hex(s[i + 1]) * 16 + hex(s[i + 2]);
            bad = c == 0;
            want[n++] = (char)c;
            i += 2;
        } else {
            bad = 1;
        }
    }
    int got = url_path_decode(s, out, cap);
    if (bad || n + 1 > cap) {
        FUZZ_ASSERT(got == -1);
    } else {
        FUZZ_ASSERT(got == (int)n);
        FUZZ_ASSERT(memcmp(out, want, n) == 0 && out[n] == '\0');
        FUZZ_ASSERT(strlen(out) == n); /* no NUL inside: the path is whole */
    }
    free(want);
    free(out);
    free(s);
    return 0;
}
