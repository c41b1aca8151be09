/*
 * xml — writes JSON values as XML for the interfaces whose clients read XML
 * (Open311 GeoReport v2): objects become child elements named by their keys,
 * arrays become one element per item named by a table of singulars, text is
 * escaped. No attributes, no namespaces: exactly what the spec's documents use.
 */
#ifndef TRYGG_XML_H
#define TRYGG_XML_H

#include <jansson.h>
#include <stddef.h>

/* Pairs of {array element name, item element name}, ended by {NULL, NULL}. */
struct xml_singular {
    const char *plural, *singular;
};

/*
 * The document <?xml ...?><root>…</root> for value (an array is written as
 * root's items, each named by item). Returns a malloc'd NUL-terminated string
 * (*len its length), or NULL when out of memory or over max_bytes.
 */
char *xml_from_json(const char *root, const char *item, json_t *value,
                    const struct xml_singular *singulars, size_t max_bytes, size_t *len);

#endif
