/*
 * The error table: every code trygg can answer with is documented in
 * doc/contract.md with its HTTP status, codes are unique and well-formed,
 * and retryable failures are exactly the temporary ones.
 */
#include "check.h"
#include "errors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TRYGG_SOURCE_DIR
#define TRYGG_SOURCE_DIR "."
#endif

/* The contents of doc/contract.md (malloc'd), or NULL. */
static char *read_contract(void)
{
    const char *dir = getenv("TRYGG_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/doc/contract.md", dir ? dir : TRYGG_SOURCE_DIR);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

int main(void)
{
    char *doc = read_contract();
    CHECK(doc != NULL);
    for (int e = ERR_NONE + 1; e < ERR_COUNT && doc; e++) {
        const struct error_kind *k = errors_kind((enum err_code)e);
        /* documented as a table row: | `code` | status | ... */
        char row[128];
        snprintf(row, sizeof row, "| `%s` | %d |", k->code, k->status);
        if (!strstr(doc, row))
            fprintf(stderr, "doc/contract.md lacks the row \"%s\"\n", row);
        CHECK(strstr(doc, row) != NULL);
        CHECK(k->status >= 400 && k->status <= 599);
        CHECK(k->message && *k->message);
        for (const char *p = k->code; *p; p++)
            CHECK((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_');
        for (int f = e + 1; f < ERR_COUNT; f++)
            CHECK(strcmp(k->code, errors_code((enum err_code)f)) != 0);
        CHECK(errors_retryable((enum err_code)e) == (k->status == 503 || k->status == 429));
    }
    CHECK(errors_kind((enum err_code)9999) == errors_kind(ERR_INTERNAL));
    free(doc);
    return check_report("test_errors");
}
