/*
 * db — one SQLite/SpatiaLite connection with its PROJ context, used by one thread at a time.
 *
 * THREAD SAFETY NOTES: a struct dbc is used by one thread at a time: a command,
 * the delivery thread, or an HTTP request that borrowed it from the pool
 * (dbpool.h, whose mutex orders every hand-over between threads). The
 * connection is opened with SQLITE_OPEN_NOMUTEX, its SpatiaLite cache comes from
 * spatialite_alloc_connection() (never the non-reentrant spatialite_init()), and
 * its crs_ctx is one PROJ transformation the whole process shares (crs.h serialises it).
 */
#ifndef TRYGG_DB_H
#define TRYGG_DB_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "crs.h"
#include "errors.h"

#define DB_APPLICATION_ID 0x54525947 /* "TRYG" */
#define DB_BUSY_TIMEOUT_MS 10000     /* default; db_set_busy_timeout changes it */
#define DB_STMT_CACHE 128            /* prepared statements kept per connection */

struct dbwriter; /* dbwriter.h */
struct dbc;

/*
 * Who lent a connection (the pool, dbpool.h), so that db_write can hand it back
 * while its caller only waits for the writer thread: park() makes it lendable to
 * other requests, unpark() waits until nobody else uses it and takes it back.
 */
struct db_lender {
    void (*park)(struct db_lender *l, struct dbc *c);
    void (*unpark)(struct db_lender *l, struct dbc *c);
};

struct dbc {
    sqlite3 *db;
    void *spatialite_cache;
    crs_ctx *crs;
    struct {
        const char *sql; /* the static SQL text, compared by address */
        sqlite3_stmt *st;
    } cache[DB_STMT_CACHE];
    int ncache;
    struct dbwriter *writer;  /* group commit for db_write (dbwriter.h), or NULL: commit here */
    struct db_lender *lender; /* set while borrowed from a pool, else NULL */
    int group_writer;         /* 1 on the writer thread's own connection (dbwriter.h) */
};

/*
 * Process-wide SQLite settings, once, before any connection opens: no memory
 * statistics (with them every allocation SQLite makes takes one global mutex, and
 * the server's workers queued on it). 0 or -1.
 */
int db_global_init(void);

/* Sets the busy timeout of connections opened from now on (call before
 * starting threads; 0 keeps the default). */
void db_set_busy_timeout(int ms);

/* 0: connections opened from now on never checkpoint the WAL when they commit
 * (SQLite's default is the commit that crosses 1000 pages): the server's
 * writer has a thread that does it (dbwriter.h). Call before starting threads. */
void db_set_auto_checkpoint(int on);

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

/*
 * BEGIN IMMEDIATE / COMMIT / ROLLBACK on c. db_begin and db_commit return 0 or
 * -1 (the reason stays on the handle: see db_failure); db_rollback is a no-op
 * when no transaction is open. Only the workflow layer opens transactions
 * (see workflow.h); stores run inside whatever the caller holds.
 */
int db_begin(struct dbc *c);

/* How many threads of this process wait in db_begin on a connection that is not the
 * group writer's: the writer lets them in before its next batch (dbwriter.c), so a
 * staff action is not starved by a stream of filings. */
int db_writers_waiting(void);
int db_commit(struct dbc *c);
void db_rollback(struct dbc *c);

/*
 * What the last failure on c means for a client: ERR_UNAVAILABLE when the
 * database was busy or locked (try again in a moment), ERR_STORAGE_FAILED when
 * it could not write (disk full, read-only, I/O error, corrupt). Logs the
 * SQLite message once.
 */
enum err_code db_failure(struct dbc *c);

/*
 * Why the last call on c failed, in words for a client's message ("the server's
 * disk is full", "the database is read-only", "a disk error occurred", "the
 * database is busy"); a static string. Read it before anything else runs on c.
 */
const char *db_failure_text(struct dbc *c);

/* Prepares sql (one-off, e.g. with a built WHERE); on failure logs and returns NULL.
 * The caller finalizes it. */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql);

/*
 * The cached prepared statement for sql, which must be a string with static
 * storage (it is remembered by address): reset, bindings cleared, ready to
 * bind. NULL on failure. The caller hands it back with db_done() after its
 * last step, never finalizes it; a statement left stepping would hold a read
 * transaction open.
 */
sqlite3_stmt *db_stmt(struct dbc *c, const char *sql);

/* Resets a statement from db_stmt (keeps it cached). Returns the reset's SQLite code. */
int db_done(sqlite3_stmt *st);

/* Steps a db_stmt statement that returns no rows and hands it back. 0 when it
 * ran to SQLITE_DONE, -1 otherwise (st may be NULL: -1). */
int db_run(sqlite3_stmt *st);

/* Runs static sql (one "?" bound to id); 1 when it returns a row, 0 when not, -1 on error. */
int db_exists(struct dbc *c, const char *sql, int64_t id);

/* Runs static sql (one "?" bound to text); the first column of the first row as
 * an integer, 0 when there is no row, -1 on error. */
int64_t db_lookup_id(struct dbc *c, const char *sql, const char *text);

/*
 * Steps st (from db_stmt) to the end, turning each row into a JSON value with
 * row(st), and hands st back. Returns the array (caller owns it), or NULL when
 * a step failed (the reason stays on the handle).
 */
json_t *db_json_rows(sqlite3_stmt *st, json_t *(*row)(sqlite3_stmt *st));

/* Steps st (from db_stmt, may be NULL) once: the row as row(st), or NULL when
 * there is none; *failed is 1 when st is NULL or the step failed. Hands st back. */
json_t *db_json_row(sqlite3_stmt *st, json_t *(*row)(sqlite3_stmt *st), int *failed);

/* Runs static sql with two integers bound: 1 when it returns a row, 0 when not, -1 on error. */
int db_exists_pair(struct dbc *c, const char *sql, int64_t a, int64_t b);

/* One piece of JSON text belonging to row owner (len bytes, valid only during the
 * call), as the stores that write answers as text hand them out. */
typedef void (*db_fragment_fn)(void *ctx, int64_t owner, const char *json, size_t len);

/* Binds text, or NULL when s is NULL. */
int db_bind_text_or_null(sqlite3_stmt *st, int idx, const char *s);

/*
 * Copies c's database into the new file dest with SQLite's online backup API,
 * pages_per_step pages at a time with pause_ms between steps, while other
 * connections (the running server) keep writing. A read transaction is held on c
 * for the whole copy, so the copy is the database exactly as it was committed when
 * the backup began (WAL lets writers go on meanwhile; the backup never restarts).
 * The copy is written as dest.part, checked (quick_check), synced and renamed to
 * dest; an existing dest is refused. *pages and *steps receive the page count and
 * how many steps it took. 0, or -1 with a message in err.
 */
int db_backup(struct dbc *c, const char *dest, int pages_per_step, int pause_ms, int64_t *pages,
              int64_t *steps, char *err, size_t errlen);

/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes). */
void db_now_iso(char *buf, size_t cap);

/* Creates every missing folder of path (like mkdir -p), mode 0750. 0 or -1. */
int db_mkdirs(const char *path);

#endif
