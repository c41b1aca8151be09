/*
 * gpkg_writer — see gpkg_writer.h. The whole file is written in one
 * transaction; column names come from the caller's static list (never from a
 * client) and are quoted.
 */
#include "gpkg_writer.h"

#include <sqlite3.h>

#include <spatialite.h> /* after sqlite3.h, which it needs */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GPKG_MAX_COLUMNS 48

struct gpkg_writer {
    sqlite3 *db;
    void *cache;
    sqlite3_stmt *insert;
    size_t n;
};

static void close_all(struct gpkg_writer *w)
{
    sqlite3_finalize(w->insert);
    if (w->db)
        sqlite3_close_v2(w->db);
    if (w->cache)
        spatialite_cleanup_ex(w->cache);
    free(w);
}

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

struct gpkg_writer *gpkg_open(const char *path, const char *layer, const char *const *columns,
                              size_t n, char *err, size_t errlen)
{
    struct gpkg_writer *w = calloc(1, sizeof *w);
    char sql[4096];
    if (!w || n > GPKG_MAX_COLUMNS) {
        snprintf(err, errlen, "out of memory or too many columns");
        free(w);
        return NULL;
    }
    w->n = n;
    if (sqlite3_open_v2(path, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
            SQLITE_OK ||
        !(w->cache = spatialite_alloc_connection()))
        goto fail;
    spatialite_init_ex(w->db, w->cache, 0);
    int o = snprintf(sql, sizeof sql, "CREATE TABLE \"%s\" (fid INTEGER PRIMARY KEY", layer);
    for (size_t i = 0; i < n && o < (int)sizeof sql; i++)
        o += snprintf(sql + o, sizeof sql - (size_t)o, ", \"%s\" TEXT", columns[i]);
    snprintf(sql + o, sizeof sql - (size_t)o, ")");
    char contents[512], geom[512];
    snprintf(contents, sizeof contents,
             "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES "
             "('%s', 'features', '%s', 4326)",
             layer, layer);
    snprintf(geom, sizeof geom, "SELECT gpkgAddGeometryColumn('%s', 'geom', 'POINT', 0, 0, 4326)",
             layer);
    if (exec(w->db, "PRAGMA application_id = 1196444487; PRAGMA user_version = 10200;") ||
        exec(w->db, "BEGIN") || exec(w->db, "SELECT gpkgCreateBaseTables()") || exec(w->db, sql) ||
        exec(w->db, contents) || exec(w->db, geom))
        goto fail;
    o = snprintf(sql, sizeof sql, "INSERT INTO \"%s\" (geom", layer);
    for (size_t i = 0; i < n; i++)
        o += snprintf(sql + o, sizeof sql - (size_t)o, ", \"%s\"", columns[i]);
    o += snprintf(sql + o, sizeof sql - (size_t)o, ") VALUES (gpkgMakePoint(?1, ?2, 4326)");
    for (size_t i = 0; i < n; i++)
        o += snprintf(sql + o, sizeof sql - (size_t)o, ", ?%zu", i + 3);
    snprintf(sql + o, sizeof sql - (size_t)o, ")");
    if (sqlite3_prepare_v2(w->db, sql, -1, &w->insert, NULL) != SQLITE_OK)
        goto fail;
    return w;
fail:
    snprintf(err, errlen, "cannot write the GeoPackage: %s",
             w->db ? sqlite3_errmsg(w->db) : "cannot open the file");
    close_all(w);
    return NULL;
}

int gpkg_add(struct gpkg_writer *w, double lon, double lat, const char *const *values)
{
    sqlite3_reset(w->insert);
    sqlite3_clear_bindings(w->insert);
    sqlite3_bind_double(w->insert, 1, lon);
    sqlite3_bind_double(w->insert, 2, lat);
    for (size_t i = 0; i < w->n; i++)
        if (values[i])
            sqlite3_bind_text(w->insert, (int)i + 3, values[i], -1, SQLITE_TRANSIENT);
    return sqlite3_step(w->insert) == SQLITE_DONE ? 0 : -1;
}

int gpkg_close(struct gpkg_writer *w)
{
    sqlite3_finalize(w->insert);
    w->insert = NULL;
    int rc = exec(w->db, "COMMIT");
    close_all(w);
    return rc;
}
