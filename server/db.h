/*
 * db — one SQLite/SpatiaLite connection with its PROJ context, owned by one thread.
 *
 * THREAD SAFETY NOTES: a struct dbc is created in civetweb's init_thread callback
 * (or by a command-line command) and used only by the thread that opened it. The
 * connection is opened with SQLITE_OPEN_NOMUTEX, its SpatiaLite cache comes from
 * spatialite_alloc_connection() (never the non-reentrant spatialite_init()), and
 * its crs_ctx owns a PROJ context of its own.
 */
#ifndef TRYGG_DB_H
#define TRYGG_DB_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "crs.h"

#define DB_APPLICATION_ID 0x54525947 /* "TRYG" */
#define DB_BUSY_TIMEOUT_MS 10000

struct dbc {
    sqlite3 *db;
    void *spatialite_cache;
    crs_ctx *crs;
};

/*
 * Opens path (creating the file and its folder when create is set), loads
 * SpatiaLite, sets WAL, busy timeout, foreign keys and synchronous=FULL and
 * opens a PROJ context. Returns 0, or -1 with a message in err and *c zeroed.
 */
int db_open(struct dbc *c, const char *path, int create, char *err, size_t errlen);

/* Closes everything db_open opened. Safe on a zeroed struct. */
void db_close(struct dbc *c);

/* Runs sql (no results). Returns an SQLite result code. */
int db_exec(sqlite3 *db, const char *sql);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. Return SQLite result codes. */
int db_begin(sqlite3 *db);
int db_commit(sqlite3 *db);
void db_rollback(sqlite3 *db);

/* Prepares sql; on failure logs the message and returns NULL. */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql);

/* Runs sql (one "?" bound to id); 1 when it returns a row, 0 when not, -1 on error. */
int db_exists(sqlite3 *db, const char *sql, int64_t id);

/* Binds text, or NULL when s is NULL. */
int db_bind_text_or_null(sqlite3_stmt *st, int idx, const char *s);

/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes). */
void db_now_iso(char *buf, size_t cap);

/* Creates every missing folder of path (like mkdir -p), mode 0750. 0 or -1. */
int db_mkdirs(const char *path);

#endif
