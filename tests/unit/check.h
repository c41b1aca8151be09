/* check.h — the tiny assertion helpers the unit tests share. */
#ifndef TRYGG_CHECK_H
#define TRYGG_CHECK_H

#include <math.h>
#include <stdio.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        check_count++;                                                                             \
        if (!(cond)) {                                                                             \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond);                     \
        }                                                                                          \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                                      \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        check_count++;                                                                             \
        if (!(fabs(a_ - b_) <= (tol))) {                                                           \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: FAILED: %s = %.9f, expected %.9f (tolerance %g)\n", __FILE__,  \
                    __LINE__, #a, a_, b_, (double)(tol));                                          \
        }                                                                                          \
    } while (0)

/* Prints the summary line and returns the process exit code. */
static inline int check_report(const char *name)
{
    printf("%s: %d checks, %d passed, %d failed\n", name, check_count, check_count - check_failures,
           check_failures);
    return check_failures ? 1 : 0;
}

#endif
