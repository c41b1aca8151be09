/*
 * Fuzzes json_depth_ok (run on every JSON body before jansson) against a
 * reference that counts the same way; the body is an exact-size buffer with
 * no terminator, as it arrives from the network.
 */
#include "fuzz.h"
#include "validate.h"

static int reference_depth_ok(const uint8_t *s, size_t n, int max_depth)
{
    int depth = 0, in_string = 0, escaped = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        if (in_string) {
            if (escaped)
                escaped = 0;
            else if (c == '\\')
                escaped = 1;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth)
                return 0;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int max_depth = data[0] % 34;
    size_t n = size - 1;
    char *body = malloc(n ? n : 1);
    if (!body)
        abort();
    memcpy(body, data + 1, n);
    FUZZ_ASSERT(json_depth_ok(body, n, max_depth) == reference_depth_ok(data + 1, n, max_depth));
    free(body);
    return 0;
}
