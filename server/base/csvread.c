/*
 * csvread — see csvread.h. A small state machine over the bytes; must not
 * interpret the fields (that is the caller's typed checks).
 */
#include "csvread.h"

#include <string.h>

void csv_init(struct csv_reader *r, const char *data, size_t len)
{
    r->p = data;
    r->end = data + len;
    r->line = 0;
    r->next_line = 1;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        r->p += 3;
}

int csv_next(struct csv_reader *r, char **fields, int *n)
{
    *n = 0;
    /* Skip empty lines. */
    while (r->p < r->end && (*r->p == '\n' || *r->p == '\r')) {
        if (*r->p == '\n')
            r->next_line++;
        r->p++;
    }
    r->line = r->next_line;
    if (r->p >= r->end)
        return CSV_END;
    size_t o = 0;
    fields[(*n)++] = r->buf;
    for (;;) {
        if (r->p < r->end && *r->p == '"') {
            /* A quoted field: up to the closing quote, "" being one quote. */
            r->p++;
            for (;;) {
                if (r->p >= r->end)
                    return CSV_BAD_QUOTE;
                char ch = *r->p++;
                if (ch == '"') {
                    if (r->p < r->end && *r->p == '"') {
                        r->p++;
                    } else {
                        break;
                    }
                } else if (ch == '\n') {
                    r->next_line++;
                }
                if (o + 1 >= sizeof r->buf)
                    return CSV_TOO_LONG;
                r->buf[o++] = ch;
            }
            if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
                return CSV_BAD_QUOTE;
        } else {
            while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
                if (*r->p == '"')
                    return CSV_BAD_QUOTE;
                if (o + 1 >= sizeof r->buf)
                    return CSV_TOO_LONG;
                r->buf[o++] = *r->p++;
            }
        }
        if (o + 1 >= sizeof r->buf)
            return CSV_TOO_LONG;
        r->buf[o++] = '\0';
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            if (*n >= CSV_FIELDS_MAX)
                return CSV_TOO_MANY;
            fields[(*n)++] = r->buf + o;
            continue;
        }
        /* End of the record: CRLF, LF, CR or the end of the data. */
        if (r->p < r->end && *r->p == '\r')
            r->p++;
        if (r->p < r->end && *r->p == '\n') {
            r->p++;
            r->next_line++;
        }
        return CSV_RECORD;
    }
}
