/*
 * form — trygg's own bounded parser of application/x-www-form-urlencoded
 * bodies (Open311 clients POST them). civetweb's form handler is never used:
 * it spins forever on a NUL byte. Pure; one allocation per form.
 */
#ifndef TRYGG_FORM_H
#define TRYGG_FORM_H

#include <stddef.h>

#define FORM_MAX_FIELDS 64 /* fields in one body */
#define FORM_NAME_MAX 128  /* bytes of a decoded name */

enum form_status {
    FORM_OK = 0,
    FORM_BAD = -1,      /* a bad %-escape, a NUL byte, an empty name */
    FORM_TOO_MANY = -2, /* more than FORM_MAX_FIELDS fields */
    FORM_TOO_LONG = -3, /* a name longer than FORM_NAME_MAX */
    FORM_NO_MEMORY = -4,
};

struct form_field {
    const char *name, *value; /* decoded, NUL-terminated, inside the form's buffer */
};

struct form {
    struct form_field fields[FORM_MAX_FIELDS];
    int n;
    char *buf; /* malloc'd: every decoded name and value */
};

/* Parses body[0..len) into *f (caller calls form_free, also after a failure).
 * Returns FORM_OK or a negative form_status. */
int form_parse(const char *body, size_t len, struct form *f);

/* The first value of field name, or NULL. */
const char *form_get(const struct form *f, const char *name);

/* Frees what form_parse allocated. Safe on a zeroed form. */
void form_free(struct form *f);

#endif
