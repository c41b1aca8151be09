/*
 * Fuzzes parse_code_list (category and state filters) with every small output
 * capacity: the output buffer is exactly cap bytes, so a write past it is
 * caught, and what it returns is a JSON array of count quoted codes.
 */
#include "fuzz.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    int max = data[0] % 40;
    size_t cap = data[1];
    char *s = fuzz_cstr(data + 2, size - 2);
    char *out = malloc(cap ? cap : 1);
    if (!out)
        abort();
    int count = parse_code_list(s, max, out, cap);
    if (count >= 0) {
        size_t n = strnlen(out, cap);
        FUZZ_ASSERT(n < cap);
        FUZZ_ASSERT(count >= 1 && count <= max);
        FUZZ_ASSERT(out[0] == '[' && out[n - 1] == ']');
        int quotes = 0, commas = 0;
        for (size_t i = 1; i + 1 < n; i++) {
            char c = out[i];
            quotes += c == '"';
            commas += c == ',';
            FUZZ_ASSERT(c == '"' || c == ',' || c == '_' || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9'));
        }
        FUZZ_ASSERT(quotes == 2 * count && commas == count - 1);
        FUZZ_ASSERT(json_depth_ok(out, n, 1));
    }
    free(out);
    free(s);
    return 0;
}
