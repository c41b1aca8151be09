/* Fuzzes form_parse (Open311 clients' application/x-www-form-urlencoded bodies,
 * NUL bytes included: civetweb's own form handler spins forever on one). */
#include "form.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct form f;
    int rc = form_parse((const char *)data, size, &f);
    if (rc == FORM_OK) {
        FUZZ_ASSERT(f.n >= 0 && f.n <= FORM_MAX_FIELDS);
        for (int i = 0; i < f.n; i++) {
            size_t nl = strlen(f.fields[i].name);
            FUZZ_ASSERT(nl > 0 && nl <= FORM_NAME_MAX);
            FUZZ_ASSERT(strlen(f.fields[i].value) <= size);
            FUZZ_ASSERT(form_get(&f, f.fields[i].name) != NULL);
        }
        FUZZ_ASSERT(memchr(data, 0, size) == NULL);
    } else {
        FUZZ_ASSERT(rc >= FORM_NO_MEMORY && rc < FORM_OK);
    }
    form_free(&f);
    return 0;
}
