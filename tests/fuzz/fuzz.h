/*
 * fuzz.h — what the libFuzzer harnesses in tests/fuzz share. Each harness is a
 * LLVMFuzzerTestOneInput over one parser a client reaches; a property that
 * must hold on every input is checked with FUZZ_ASSERT, which crashes (and so
 * makes libFuzzer save the input) when it does not.
 */
#ifndef TRYGG_FUZZ_H
#define TRYGG_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);            \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input as a NUL-terminated string in a buffer of exactly size + 1 bytes
 * (so AddressSanitizer sees any read past the end), from malloc(). Bytes after
 * an embedded NUL are simply not part of the string, as in a decoded query.
 */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

#endif
