/* Fuzzes uuid_valid (client_id, Idempotency-Key) against the 8-4-4-4-12 shape. */
#include "fuzz.h"
#include "validate.h"

#include <ctype.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    int ok = strlen(s) == 36;
    for (int i = 0; ok && i < 36; i++)
        ok = (i == 8 || i == 13 || i == 18 || i == 23) ? s[i] == '-'
                                                       : isxdigit((unsigned char)s[i]) != 0;
    FUZZ_ASSERT(uuid_valid(s) == ok);
    free(s);
    return 0;
}
