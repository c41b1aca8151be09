/* Fuzzes routefile_parse (a walk's route uploaded as GeoJSON or GPX): any
 * input parses to a bounded list of valid points or fails with a known code. */
#include "fuzz.h"
#include "routefile.h"

#include <math.h>

#define FUZZ_ROUTE_MAX_POINTS 200

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum routefile_format formats[] = {ROUTEFILE_AUTO, ROUTEFILE_GEOJSON,
                                                    ROUTEFILE_GPX};
    for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
        struct route_point *pts = NULL;
        size_t n = 0;
        struct routefile_error err;
        int rc = routefile_parse((const char *)data, size, formats[f], FUZZ_ROUTE_MAX_POINTS, &pts,
                                 &n, &err);
        if (rc == ROUTEFILE_OK) {
            FUZZ_ASSERT(pts != NULL && n >= 2 && n <= FUZZ_ROUTE_MAX_POINTS);
            for (size_t i = 0; i < n; i++) {
                FUZZ_ASSERT(isfinite(pts[i].lon) && pts[i].lon >= -180 && pts[i].lon <= 180);
                FUZZ_ASSERT(isfinite(pts[i].lat) && pts[i].lat >= -90 && pts[i].lat <= 90);
            }
        } else {
            FUZZ_ASSERT(pts == NULL && n == 0);
            FUZZ_ASSERT(rc > ROUTEFILE_OK && rc <= ROUTEFILE_INTERNAL);
            FUZZ_ASSERT(strlen(err.message) < sizeof err.message);
        }
        free(pts);
    }
    return 0;
}
