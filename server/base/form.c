/*
 * form — see form.h. Decoded text is never longer than the encoded text, so
 * one buffer of len + 2 * FORM_MAX_FIELDS bytes holds every name and value.
 */
#include "form.h"
#include "query.h"

#include <stdlib.h>
#include <string.h>

int form_parse(const char *body, size_t len, struct form *f)
{
    memset(f, 0, sizeof *f);
    if (memchr(body, '\0', len))
        return FORM_BAD;
    size_t cap = len + 2 * FORM_MAX_FIELDS + 2;
    f->buf = malloc(cap);
    if (!f->buf)
        return FORM_NO_MEMORY;
    size_t used = 0, i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && body[end] != '&')
            end++;
        if (end > i) { /* empty pieces ("a=1&&b=2") are skipped */
            if (f->n == FORM_MAX_FIELDS)
                return FORM_TOO_MANY;
            const char *eq = memchr(body + i, '=', end - i);
            size_t klen = eq ? (size_t)(eq - (body + i)) : end - i;
            char *name = f->buf + used;
            int nl = query_decode(body + i, klen, name, cap - used);
            if (nl < 0)
                return FORM_BAD;
            if (nl == 0)
                return FORM_BAD;
            if (nl > FORM_NAME_MAX)
                return FORM_TOO_LONG;
            used += (size_t)nl + 1;
            char *value = f->buf + used;
            int vl = eq ? query_decode(eq + 1, end - klen - i - 1, value, cap - used)
                        : (value[0] = '\0', 0);
            if (vl < 0)
                return FORM_BAD;
            used += (size_t)vl + 1;
            f->fields[f->n].name = name;
            f->fields[f->n].value = value;
            f->n++;
        }
        i = end + 1;
    }
    return FORM_OK;
}

const char *form_get(const struct form *f, const char *name)
{
    for (int i = 0; i < f->n; i++)
        if (strcmp(f->fields[i].name, name) == 0)
            return f->fields[i].value;
    return NULL;
}

void form_free(struct form *f)
{
    free(f->buf);
    memset(f, 0, sizeof *f);
}
