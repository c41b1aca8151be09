/*
 * csv — RFC 4180 fields for spreadsheet people: quoted when they must be,
 * quotes doubled, and a text that a spreadsheet would run as a formula
 * (=, +, -, @ first) kept as text with a leading apostrophe. Pure.
 */
#ifndef TRYGG_CSV_H
#define TRYGG_CSV_H

#include "membuf.h"

/* The UTF-8 byte order mark that makes Excel read the file as UTF-8. */
#define CSV_BOM "\xEF\xBB\xBF"

/* Appends field s (NULL = empty) and then "," or, when last, CRLF. */
void csv_field(struct membuf *b, const char *s, int last);

#endif
