/*
 * wf_situation — the weekly / monthly / quarterly / yearly situation picture
 * for the staff, with the ranking of areas by need, and its A4 PDF. Built on
 * the statistics' aggregates (wf_stats.h); read-only.
 */
#ifndef TRYGG_WF_SITUATION_H
#define TRYGG_WF_SITUATION_H

#include <jansson.h>
#include <stddef.h>

#include "config.h"
#include "db.h"
#include "period.h"
#include "workflow.h"

/*
 * The situation picture of period p (a week, month, quarter or year) for the
 * staff (GET /api/v1/situation): per area what is new, the change against the
 * previous period, the same period a year earlier and the four before, new and
 * emerging hot spots, overdue cases, walks held with their open items and the
 * city's indicators; the ranking of areas by need with the configured weights;
 * the period's hot spots as GeoJSON for the map.
 */
json_t *wf_situation(struct dbc *c, const struct config *cfg, struct period p,
                     struct wf_error *err);

/* The situation picture as an A4 PDF (lang "sv" or "en"). *out from malloc(). */
int wf_situation_pdf(struct dbc *c, const struct config *cfg, struct period p, const char *lang,
                     unsigned char **out, size_t *len, struct wf_error *err);

#endif
