/*
 * wf_export — exports for GIS staff and spreadsheet people: public
 * observations (never contact details) and staff cases (with the workflow's
 * internal fields: unit, priority, due date, rejection reason), as GeoJSON,
 * CSV (UTF-8 with BOM, opens in Excel with Swedish characters intact) or
 * GeoPackage. GeoJSON and CSV stream row by row to a sink; a GeoPackage is
 * written to a temporary file under data_dir, streamed, and removed. Read-only.
 */
#ifndef TRYGG_WF_EXPORT_H
#define TRYGG_WF_EXPORT_H

#include <stddef.h>

#include "case_store.h"
#include "config.h"
#include "db.h"
#include "ogc_query.h"
#include "workflow.h"

enum export_format { EXPORT_GEOJSON, EXPORT_CSV, EXPORT_GPKG };

/* Where exported bytes go (an HTTP response's chunks). write returns 0 or -1. */
struct export_sink {
    int (*write)(void *ctx, const void *buf, size_t len);
    void *ctx;
};

/* The format of an extension ("geojson", "csv", "gpkg"), or -1. */
int wf_export_format(const char *ext);

/* Exports the public observations matching q. 0 or -1 with err (nothing or a
 * partial body was sent when -1 comes after the first write). */
int wf_export_observations(struct dbc *c, const struct config *cfg, const struct ogc_query *q,
                           enum export_format fmt, const struct export_sink *sink,
                           struct wf_error *err);

/* Exports the cases matching f (a staff export). 0 or -1 with err. */
int wf_export_cases(struct dbc *c, const struct config *cfg, const struct case_filter *f,
                    enum export_format fmt, const struct export_sink *sink, struct wf_error *err);

#endif
