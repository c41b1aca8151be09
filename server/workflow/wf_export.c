/*
 * wf_export — see wf_export.h. One row becomes one GeoJSON feature or one CSV
 * line, written to the sink at once: memory stays flat whatever the size.
 */
#include "wf_export.h"
#include "crypto.h"
#include "csv.h"
#include "gpkg_writer.h"
#include "log.h"
#include "membuf.h"
#include "obs_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXPORT_ROW_MAX (256 * 1024)
#define EXPORT_MAX_COLUMNS 24
#define EXPORT_FILE_CHUNK 65536

int wf_export_format(const char *ext)
{
    if (strcmp(ext, "geojson") == 0)
        return EXPORT_GEOJSON;
    if (strcmp(ext, "csv") == 0)
        return EXPORT_CSV;
    if (strcmp(ext, "gpkg") == 0)
        return EXPORT_GPKG;
    return -1;
}

/* The columns of each export, and where a row's values come from. */
static const char *const obs_columns[] = {"id",          "category",      "status", "description",
                                          "observed_at", "created_at",    "area",   "unsafe_rating",
                                          "light",       "support_count", "lon",    "lat"};
static const char *const case_columns[] = {
    "id",    "state",         "priority",      "due_at",       "overdue",
    "unit",  "unit_name",     "category",      "description",  "area",
    "walk",  "created_at",    "observed_at",   "duplicate_of", "reject_reason",
    "light", "unsafe_rating", "support_count", "lon",          "lat"};

struct exporter {
    enum export_format fmt;
    const struct export_sink *sink;
    const char *const *columns;
    size_t ncolumns;
    int cases; /* rows are case summaries, not OGC features */
    size_t rows;
    int failed;
    struct gpkg_writer *gpkg;
};

/* A JSON scalar as text into buf ("" for null). */
static const char *scalar(json_t *v, char *buf, size_t cap)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(buf, cap, "%.7f", json_real_value(v));
    else if (json_is_boolean(v))
        snprintf(buf, cap, "%s", json_is_true(v) ? "true" : "false");
    else
        return NULL;
    return buf;
}

/* The value of column name for a row (an OGC feature or a case summary). */
static json_t *value_of(const struct exporter *x, json_t *row, const char *name, double *lon,
                        double *lat)
{
    if (x->cases) {
        *lon = json_number_value(json_object_get(row, "lon"));
        *lat = json_number_value(json_object_get(row, "lat"));
        if (strcmp(name, "unit") == 0 || strcmp(name, "unit_name") == 0) {
            json_t *u = json_object_get(row, "unit");
            return json_object_get(u, strcmp(name, "unit") == 0 ? "code" : "name");
        }
        if (strcmp(name, "area") == 0)
            return json_object_get(json_object_get(row, "area"), "code");
        return json_object_get(row, name);
    }
    json_t *coords = json_object_get(json_object_get(row, "geometry"), "coordinates");
    *lon = json_number_value(json_array_get(coords, 0));
    *lat = json_number_value(json_array_get(coords, 1));
    if (strcmp(name, "id") == 0)
        return json_object_get(row, "id");
    if (strcmp(name, "lon") == 0 || strcmp(name, "lat") == 0)
        return NULL;
    return json_object_get(json_object_get(row, "properties"), name);
}

static int emit(struct exporter *x, const void *buf, size_t len)
{
    if (x->failed || x->sink->write(x->sink->ctx, buf, len) != 0) {
        x->failed = 1;
        return -1;
    }
    return 0;
}

static int row_cb(void *ctx, json_t *row)
{
    struct exporter *x = ctx;
    char bufs[EXPORT_MAX_COLUMNS][64];
    const char *values[EXPORT_MAX_COLUMNS];
    double lon = 0, lat = 0;
    for (size_t i = 0; i < x->ncolumns; i++)
        values[i] = scalar(value_of(x, row, x->columns[i], &lon, &lat), bufs[i], sizeof bufs[i]);
    for (size_t i = 0; i < x->ncolumns; i++) {
        if (strcmp(x->columns[i], "lon") == 0) {
            snprintf(bufs[i], sizeof bufs[i], "%.7f", lon);
            values[i] = bufs[i];
        } else if (strcmp(x->columns[i], "lat") == 0) {
            snprintf(bufs[i], sizeof bufs[i], "%.7f", lat);
            values[i] = bufs[i];
        }
    }
    x->rows++;
    if (x->fmt == EXPORT_GPKG)
        return gpkg_add(x->gpkg, lon, lat, values);
    struct membuf b;
    membuf_init(&b, EXPORT_ROW_MAX);
    if (x->fmt == EXPORT_CSV) {
        for (size_t i = 0; i < x->ncolumns; i++)
            csv_field(&b, values[i], i + 1 == x->ncolumns);
    } else {
        json_t *props = json_object();
        for (size_t i = 0; i < x->ncolumns; i++)
            if (strcmp(x->columns[i], "lon") && strcmp(x->columns[i], "lat"))
                json_object_set_new(props, x->columns[i],
                                    values[i] ? json_string(values[i]) : json_null());
        json_t *f = json_pack("{s:s, s:{s:s, s:[f,f]}, s:o}", "type", "Feature", "geometry", "type",
                              "Point", "coordinates", lon, lat, "properties", props);
        char *s = f ? json_dumps(f, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
        json_decref(f);
        if (s) {
            if (x->rows > 1)
                membuf_append_str(&b, ",\n");
            membuf_append_str(&b, s);
        }
        free(s);
    }
    unsigned char *out = NULL;
    size_t len = 0;
    int rc = membuf_take(&b, &out, &len) == 0 ? emit(x, out, len) : -1;
    free(out);
    return rc;
}

/* Streams the file at path to the sink. 0 or -1. */
static int stream_file(struct exporter *x, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    unsigned char *buf = malloc(EXPORT_FILE_CHUNK);
    int rc = buf ? 0 : -1;
    size_t n;
    while (rc == 0 && (n = fread(buf, 1, EXPORT_FILE_CHUNK, f)) > 0)
        rc = emit(x, buf, n);
    free(buf);
    fclose(f);
    return rc;
}

/* Runs one export: header, rows from each(), footer; for a GeoPackage, the file. */
static int run(struct dbc *c, const struct config *cfg, struct exporter *x, const char *layer,
               int (*each)(struct dbc *, const void *, int (*)(void *, json_t *), void *),
               const void *filter, struct wf_error *err)
{
    char path[1200] = "", name[33];
    if (x->fmt == EXPORT_CSV) {
        struct membuf b;
        membuf_init(&b, EXPORT_ROW_MAX);
        membuf_append_str(&b, CSV_BOM);
        for (size_t i = 0; i < x->ncolumns; i++)
            csv_field(&b, x->columns[i], i + 1 == x->ncolumns);
        unsigned char *out = NULL;
        size_t len = 0;
        if (membuf_take(&b, &out, &len) != 0 || emit(x, out, len) != 0) {
            free(out);
            return wf_fail(err, ERR_INTERNAL, NULL, "the export could not be written");
        }
        free(out);
    } else if (x->fmt == EXPORT_GEOJSON) {
        static const char head[] = "{\"type\":\"FeatureCollection\",\"features\":[\n";
        if (emit(x, head, sizeof head - 1) != 0)
            return wf_fail(err, ERR_INTERNAL, NULL, "the export could not be written");
    } else {
        char dir[1100], e[200];
        snprintf(dir, sizeof dir, "%s/tmp", cfg->data_dir);
        if (db_mkdirs(dir) != 0 || crypto_random_hex(name, 16) != 0)
            return wf_fail(err, ERR_STORAGE_FAILED, NULL, "no room for the export file");
        snprintf(path, sizeof path, "%s/export-%s.gpkg", dir, name);
        x->gpkg = gpkg_open(path, layer, x->columns, x->ncolumns, e, sizeof e);
        if (!x->gpkg) {
            unlink(path);
            log_msg(LOG_ERROR, "export: %s", e);
            return wf_fail(err, ERR_STORAGE_FAILED, NULL, "the GeoPackage could not be made");
        }
    }
    int rc = each(c, filter, row_cb, x);
    if (x->fmt == EXPORT_GPKG) {
        int closed = gpkg_close(x->gpkg);
        if (rc == 0 && closed == 0)
            rc = stream_file(x, path);
        else
            rc = -1;
        unlink(path);
    } else if (rc == 0 && x->fmt == EXPORT_GEOJSON) {
        static const char tail[] = "\n]}\n";
        rc = emit(x, tail, sizeof tail - 1);
    }
    if (rc != 0)
        return wf_fail(err, x->failed ? ERR_INTERNAL : db_failure(c), NULL,
                       "the export stopped after %zu rows", x->rows);
    return 0;
}

static int each_observation(struct dbc *c, const void *f, int (*cb)(void *, json_t *), void *ctx)
{
    return obs_store_ogc_each(c, f, cb, ctx);
}

static int each_case(struct dbc *c, const void *f, int (*cb)(void *, json_t *), void *ctx)
{
    return case_store_each(c, f, cb, ctx);
}

int wf_export_observations(struct dbc *c, const struct config *cfg, const struct ogc_query *q,
                           enum export_format fmt, const struct export_sink *sink,
                           struct wf_error *err)
{
    struct exporter x = {fmt, sink, obs_columns, sizeof obs_columns / sizeof obs_columns[0],
                         0,   0,    0,           NULL};
    return run(c, cfg, &x, "observations", each_observation, q, err);
}

int wf_export_cases(struct dbc *c, const struct config *cfg, const struct case_filter *f,
                    enum export_format fmt, const struct export_sink *sink, struct wf_error *err)
{
    struct exporter x = {fmt, sink, case_columns, sizeof case_columns / sizeof case_columns[0], 1,
                         0,   0,    NULL};
    return run(c, cfg, &x, "cases", each_case, f, err);
}
