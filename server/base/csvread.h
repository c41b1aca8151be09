/*
 * csvread — a reader of comma-separated values (RFC 4180: quoted fields with
 * "" for a quote, line breaks inside quotes, CRLF or LF line ends), as
 * spreadsheet programs save them, with or without a UTF-8 byte-order mark.
 * Pure: reads from memory, allocates nothing.
 */
#ifndef TRYGG_CSVREAD_H
#define TRYGG_CSVREAD_H

#include <stddef.h>

#define CSV_RECORD_MAX 4096 /* bytes of one record's fields together */
#define CSV_FIELDS_MAX 32

enum csv_status {
    CSV_END = 0,        /* no more records */
    CSV_RECORD = 1,     /* a record was read */
    CSV_BAD_QUOTE = -1, /* a quote not closed, or text after a closing quote */
    CSV_TOO_LONG = -2,  /* the record passes CSV_RECORD_MAX bytes */
    CSV_TOO_MANY = -3,  /* more than CSV_FIELDS_MAX fields */
};

struct csv_reader {
    const char *p, *end;
    int line;      /* the line the last record started on (1-based) */
    int next_line; /* the line the reader is on */
    char buf[CSV_RECORD_MAX];
};

/* Starts reading data[0..len); a leading UTF-8 byte-order mark is skipped. */
void csv_init(struct csv_reader *r, const char *data, size_t len);

/*
 * Reads the next record, skipping empty lines: fields[0..*n) point into r's
 * buffer (NUL-terminated, valid until the next call). Returns CSV_RECORD,
 * CSV_END, or a negative enum csv_status (r->line names the record's line).
 */
int csv_next(struct csv_reader *r, char **fields, int *n);

#endif
