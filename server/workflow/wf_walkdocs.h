/*
 * wf_walkdocs — a walk's documents: the QR code of its join link, the A4
 * poster, the protocol as PDF and CSV, and the iCalendar feed of public walks.
 * Read-only: no transaction. Each returns 0 with *out (malloc'd; the caller
 * frees it) and *len, or -1 with err.
 */
#ifndef TRYGG_WF_WALKDOCS_H
#define TRYGG_WF_WALKDOCS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "db.h"
#include "workflow.h"

#define WF_PROTOCOL_THUMB_MAX_BYTES (512 * 1024)

/* The QR code of walk id's join link under base: SVG (png == 0) or PNG. */
int wf_walk_qr(struct dbc *c, const char *base, int64_t id, int png, unsigned char **out,
               size_t *len, struct wf_error *err);

/* The A4 poster of walk id, in lang "sv" or "en". */
int wf_walk_poster(struct dbc *c, const struct config *cfg, const char *base, int64_t id,
                   const char *lang, unsigned char **out, size_t *len, struct wf_error *err);

/* The protocol of walk id as PDF, in lang "sv" or "en". */
int wf_walk_protocol_pdf(struct dbc *c, const struct config *cfg, int64_t id, const char *lang,
                         unsigned char **out, size_t *len, struct wf_error *err);

/* The protocol of walk id as CSV (UTF-8 with BOM, comma-separated, RFC 4180 quoting). */
int wf_walk_protocol_csv(struct dbc *c, int64_t id, unsigned char **out, size_t *len,
                         struct wf_error *err);

/* The iCalendar feed: one event per public walk that is not cancelled. */
int wf_walks_ics(struct dbc *c, const struct config *cfg, const char *base, unsigned char **out,
                 size_t *len, struct wf_error *err);

#endif
