/*
 * csv — see csv.h.
 */
#include "csv.h"

#include <string.h>

/* 1 when s would be taken as a formula; a number such as -1.5 is not. */
static int formula_like(const char *s)
{
    if (!strchr("=+-@", s[0]))
        return 0;
    if ((s[0] == '-' || s[0] == '+') && ((s[1] >= '0' && s[1] <= '9') || s[1] == '.'))
        return 0;
    return s[0] != '\0';
}

void csv_field(struct membuf *b, const char *s, int last)
{
    if (s && *s) {
        int quote = strpbrk(s, ",\"\r\n;") != NULL || formula_like(s);
        if (quote)
            membuf_append_str(b, "\"");
        if (formula_like(s))
            membuf_append_str(b, "'");
        for (const char *p = s; *p; p++) {
            membuf_append(b, p, 1);
            if (*p == '"')
                membuf_append(b, "\"", 1); /* a quote inside is doubled */
        }
        if (quote)
            membuf_append_str(b, "\"");
    }
    membuf_append_str(b, last ? "\r\n" : ",");
}
