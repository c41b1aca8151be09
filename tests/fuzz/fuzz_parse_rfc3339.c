/*
 * Fuzzes parse_rfc3339 (observed_at, since/until filters): an accepted time,
 * formatted again, parses back to the same second.
 */
#include "fuzz.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    int64_t t = 77;
    if (parse_rfc3339(s, &t) == 0) {
        /* Years 1900..9999 with an offset of at most a day either side. */
        FUZZ_ASSERT(t >= -2208988800LL - 86400 && t <= 253402300799LL + 86400);
        char buf[64];
        format_rfc3339(t, buf, sizeof buf);
        int64_t again = 0;
        int year = atoi(buf);
        if (year >= 1900 && year <= 9999) {
            FUZZ_ASSERT(parse_rfc3339(buf, &again) == 0);
            FUZZ_ASSERT(again == t);
        }
    } else {
        FUZZ_ASSERT(t == 77);
    }
    free(s);
    return 0;
}
