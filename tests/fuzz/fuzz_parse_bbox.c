/* Fuzzes parse_bbox (the bbox query parameter of the list and map endpoints). */
#include "fuzz.h"
#include "validate.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    double b[4] = {1, 2, 3, 4};
    if (parse_bbox(s, b) == 0) {
        for (int i = 0; i < 4; i++)
            FUZZ_ASSERT(isfinite(b[i]));
        FUZZ_ASSERT(b[0] >= -180 && b[0] <= b[2] && b[2] <= 180);
        FUZZ_ASSERT(b[1] >= -90 && b[1] <= b[3] && b[3] <= 90);
    } else {
        FUZZ_ASSERT(b[0] == 1 && b[1] == 2 && b[2] == 3 && b[3] == 4);
    }
    free(s);
    return 0;
}
