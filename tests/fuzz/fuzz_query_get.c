/* Fuzzes query_get (every query parameter a client sends): the input is a query
 * string; the first byte picks the output buffer size. */
#include "fuzz.h"
#include "query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t cap = (size_t)data[0] % 64 + 1;
    char *q = fuzz_cstr(data + 1, size - 1);
    char *out = malloc(cap); /* exactly cap bytes: ASan sees any overflow */
    if (!out)
        abort();
    static const char *const names[] = {"bbox", "a", "category", "limit", ""};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int n = query_get(q, names[i], out, cap);
        FUZZ_ASSERT(n >= QUERY_BAD);
        if (n >= 0) {
            FUZZ_ASSERT((size_t)n < cap);
            FUZZ_ASSERT(strlen(out) == (size_t)n); /* no NUL inside a value */
        } else {
            FUZZ_ASSERT(out[0] == '\0');
        }
        if (!names[i][0])
            FUZZ_ASSERT(n == QUERY_ABSENT);
    }
    free(out);
    free(q);
    return 0;
}
