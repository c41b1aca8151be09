/*
 * cell — see cell.h.
 */
#include "cell.h"

#include <math.h>

void cell_origin(double e, double n, int cell_m, int64_t *oe, int64_t *on)
{
    *oe = (int64_t)floor(e / cell_m) * cell_m;
    *on = (int64_t)floor(n / cell_m) * cell_m;
}
