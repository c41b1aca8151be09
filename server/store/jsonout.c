/*
 * jsonout — see jsonout.h. Recursion follows the value's own nesting, which
 * trygg's answers keep shallow (the request bodies it parses are limited to
 * HTTP_JSON_MAX_DEPTH levels).
 */
#include "jsonout.h"
#include "jsonw.h"

#include <stdlib.h>

void jsonout_value(struct membuf *b, const json_t *v)
{
    if (b->failed)
        return;
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_OBJECT: {
        const char *key;
        json_t *x;
        int first = 1;
        membuf_append(b, "{", 1);
        json_object_foreach((json_t *)v, key, x)
        {
            if (!first)
                membuf_append(b, ",", 1);
            first = 0;
            jsonw_str(b, key);
            membuf_append(b, ":", 1);
            jsonout_value(b, x);
        }
        membuf_append(b, "}", 1);
        break;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *x;
        membuf_append(b, "[", 1);
        json_array_foreach((json_t *)v, i, x)
        {
            if (i)
                membuf_append(b, ",", 1);
            jsonout_value(b, x);
        }
        membuf_append(b, "]", 1);
        break;
    }
    case JSON_STRING:
        jsonw_strn(b, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        jsonw_int(b, (int64_t)json_integer_value(v));
        break;
    case JSON_REAL:
        jsonw_num(b, json_real_value(v));
        break;
    case JSON_TRUE:
        membuf_append(b, "true", 4);
        break;
    case JSON_FALSE:
        membuf_append(b, "false", 5);
        break;
    default:
        membuf_append(b, "null", 4);
        break;
    }
}

char *jsonout_dumps(const json_t *v, size_t max, size_t *len)
{
    struct membuf b;
    membuf_init(&b, max);
    jsonout_value(&b, v);
    unsigned char *out = NULL;
    size_t n = 0;
    if (membuf_take(&b, &out, &n) != 0)
        return NULL;
    if (len)
        *len = n;
    return (char *)out;
}
