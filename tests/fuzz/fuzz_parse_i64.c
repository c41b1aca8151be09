/* Fuzzes parse_i64 (ids, limits, page sizes in query strings) under several bounds. */
#include "fuzz.h"
#include "validate.h"

#include <errno.h>
#include <inttypes.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int64_t bounds[][2] = {
        {INT64_MIN, INT64_MAX}, {0, INT64_MAX}, {1, 1000}, {-90, 90}, {0, 0}, {-1, -1},
    };
    if (size < 1)
        return 0;
    const int64_t *b = bounds[data[0] % (sizeof bounds / sizeof bounds[0])];
    char *s = fuzz_cstr(data + 1, size - 1);
    int64_t v = 12345;
    if (parse_i64(s, b[0], b[1], &v) == 0) {
        /* Accepted: in range, and what strtoll reads from the whole string. */
        FUZZ_ASSERT(v >= b[0] && v <= b[1]);
        errno = 0;
        char *end;
        long long ref = strtoll(s, &end, 10);
        FUZZ_ASSERT(errno == 0 && *end == '\0' && ref == v);
    } else {
        FUZZ_ASSERT(v == 12345); /* untouched on failure */
    }
    free(s);
    return 0;
}
