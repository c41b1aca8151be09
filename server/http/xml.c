/*
 * xml — see xml.h.
 */
#include "xml.h"
#include "membuf.h"

#include <stdio.h>
#include <string.h>

static void text(struct membuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            membuf_append_str(b, "&lt;");
            break;
        case '>':
            membuf_append_str(b, "&gt;");
            break;
        case '&':
            membuf_append_str(b, "&amp;");
            break;
        case '"':
            membuf_append_str(b, "&quot;");
            break;
        case '\'':
            membuf_append_str(b, "&apos;");
            break;
        default:
            /* XML 1.0 forbids most control characters even escaped: drop them */
            if ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n' || *s == '\r')
                membuf_append(b, s, 1);
        }
    }
}

static const char *singular_of(const struct xml_singular *t, const char *plural)
{
    for (; t && t->plural; t++)
        if (strcmp(t->plural, plural) == 0)
            return t->singular;
    return "item";
}

static void element(struct membuf *b, const char *name, json_t *v,
                    const struct xml_singular *singulars);

static void children(struct membuf *b, const char *name, json_t *v,
                     const struct xml_singular *singulars)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) element(b, k, x, singulars);
    } else if (json_is_array(v)) {
        const char *item = singular_of(singulars, name);
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) element(b, item, x, singulars);
    } else if (json_is_string(v)) {
        text(b, json_string_value(v));
    } else if (json_is_integer(v)) {
        membuf_appendf(b, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        membuf_appendf(b, "%.10g", json_real_value(v));
    } else if (json_is_boolean(v)) {
        membuf_append_str(b, json_is_true(v) ? "true" : "false");
    }
}

static void element(struct membuf *b, const char *name, json_t *v,
                    const struct xml_singular *singulars)
{
    if (json_is_null(v)) {
        membuf_appendf(b, "<%s/>", name);
        return;
    }
    membuf_appendf(b, "<%s>", name);
    children(b, name, v, singulars);
    membuf_appendf(b, "</%s>", name);
}

char *xml_from_json(const char *root, const char *item, json_t *value,
                    const struct xml_singular *singulars, size_t max_bytes, size_t *len)
{
    struct membuf b;
    membuf_init(&b, max_bytes);
    membuf_append_str(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    membuf_appendf(&b, "<%s>", root);
    if (json_is_array(value)) {
        size_t i;
        json_t *x;
        json_array_foreach(value, i, x) element(&b, item, x, singulars);
    } else {
        children(&b, root, value, singulars);
    }
    membuf_appendf(&b, "</%s>", root);
    membuf_append(&b, "", 1); /* the NUL */
    unsigned char *out = NULL;
    if (membuf_take(&b, &out, len) != 0)
        return NULL;
    (*len)--;
    return (char *)out;
}
