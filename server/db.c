/*
 * db — per-thread SQLite + SpatiaLite + PROJ connection. See db.h.
 * Must not hold anything shared between threads.
 */
#include "db.h"
#include "log.h"

#include <errno.h>
#include <spatialite.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int db_mkdirs(const char *path)
{
    char buf[1024];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return -1;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0750) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, 0750) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

static int ensure_parent_dir(const char *path)
{
    char dir[1024];
    if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir)
        return -1;
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    return db_mkdirs(dir);
}

int db_open(struct dbc *c, const char *path, int create, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (create) {
        flags |= SQLITE_OPEN_CREATE;
        if (ensure_parent_dir(path) != 0) {
            snprintf(err, errlen, "cannot create the folder for %s: %s", path, strerror(errno));
            return -1;
        }
    }
    if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", path,
                 c->db ? sqlite3_errmsg(c->db) : "out of memory");
        goto fail;
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, DB_BUSY_TIMEOUT_MS);
    c->spatialite_cache = spatialite_alloc_connection();
    if (!c->spatialite_cache) {
        snprintf(err, errlen, "cannot allocate a SpatiaLite cache");
        goto fail;
    }
    spatialite_init_ex(c->db, c->spatialite_cache, 0);
    /* trusted_schema stays ON: SpatiaLite's geometry triggers call functions
     * (GeometryConstraints, ...) that are not marked innocuous. */
    if (db_exec(c->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                       "PRAGMA foreign_keys=ON;") != SQLITE_OK) {
        snprintf(err, errlen, "cannot configure %s: %s", path, sqlite3_errmsg(c->db));
        goto fail;
    }
    c->crs = crs_open();
    if (!c->crs) {
        snprintf(err, errlen, "cannot create PROJ transformations EPSG:4326 <-> EPSG:3006");
        goto fail;
    }
    return 0;
fail:
    db_close(c);
    return -1;
}

void db_close(struct dbc *c)
{
    if (c->crs)
        crs_close(c->crs);
    if (c->db)
        sqlite3_close_v2(c->db);
    if (c->spatialite_cache)
        spatialite_cleanup_ex(c->spatialite_cache);
    memset(c, 0, sizeof *c);
}

int db_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        log_msg(LOG_ERROR, "sql error %d: %s", rc, msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
    }
    return rc;
}

int db_begin(sqlite3 *db)
{
    return db_exec(db, "BEGIN IMMEDIATE");
}

int db_commit(sqlite3 *db)
{
    return db_exec(db, "COMMIT");
}

void db_rollback(sqlite3 *db)
{
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        log_msg(LOG_ERROR, "prepare failed: %s", sqlite3_errmsg(db));
        return NULL;
    }
    return st;
}

int db_exists(sqlite3 *db, const char *sql, int64_t id)
{
    sqlite3_stmt *st = db_prepare(db, sql);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int db_bind_text_or_null(sqlite3_stmt *st, int idx, const char *s)
{
    if (!s)
        return sqlite3_bind_null(st, idx);
    return sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
}

void db_now_iso(char *buf, size_t cap)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
