/* Fuzzes parse_double (coordinates, accuracy, radii in query strings and bodies). */
#include "fuzz.h"
#include "validate.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const double bounds[][2] = {
        {-180, 180}, {-90, 90}, {0, 10000}, {-1e308, 1e308}, {0, 0},
    };
    if (size < 1)
        return 0;
    const double *b = bounds[data[0] % (sizeof bounds / sizeof bounds[0])];
    char *s = fuzz_cstr(data + 1, size - 1);
    double v = 42.5;
    if (parse_double(s, b[0], b[1], &v) == 0) {
        FUZZ_ASSERT(isfinite(v) && v >= b[0] && v <= b[1]);
        /* Only digits, signs, a point and exponents: never "nan", "inf" or hex. */
        for (const char *p = s; *p; p++)
            FUZZ_ASSERT(strchr("0123456789.+-eE", *p) != NULL);
    } else {
        FUZZ_ASSERT(v == 42.5);
    }
    free(s);
    return 0;
}
