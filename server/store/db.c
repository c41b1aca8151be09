/*
 * db — a SQLite + SpatiaLite + PROJ connection, one thread at a time. See db.h.
 * Must not hold anything shared between threads.
 */
#include "db.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spatialite.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

static int busy_timeout_ms = DB_BUSY_TIMEOUT_MS;
static int auto_checkpoint = 1;

void db_set_busy_timeout(int ms)
{
    if (ms > 0)
        busy_timeout_ms = ms;
}

int db_global_init(void)
{
    if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
        return -1;
    return sqlite3_initialize() == SQLITE_OK ? 0 : -1;
}

void db_set_auto_checkpoint(int on)
{
    auto_checkpoint = on;
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

/* One PROJ transformation for every connection of the process (crs.h: calls are
 * serialised): a context with proj.db open costs about half a megabyte, and the
 * server has twenty connections. Kept until the process ends. */
static crs_ctx *the_crs;
static pthread_once_t crs_once = PTHREAD_ONCE_INIT;

static void crs_init_once(void)
{
    the_crs = crs_open();
}

static crs_ctx *shared_crs(void)
{
    pthread_once(&crs_once, crs_init_once);
    return the_crs;
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
    sqlite3_busy_timeout(c->db, busy_timeout_ms);
    if (!auto_checkpoint)
        sqlite3_wal_autocheckpoint(c->db, 0);
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
    c->crs = shared_crs();
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
    for (int i = 0; i < c->ncache; i++)
        sqlite3_finalize(c->cache[i].st);
    /* c->crs is the process's shared one (shared_crs): not closed here. */
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

static atomic_int writers_waiting;

int db_writers_waiting(void)
{
    return atomic_load(&writers_waiting);
}

int db_begin(struct dbc *c)
{
    if (c->group_writer)
        return sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
    atomic_fetch_add(&writers_waiting, 1);
    int rc = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    atomic_fetch_sub(&writers_waiting, 1);
    return rc == SQLITE_OK ? 0 : -1;
}

int db_commit(struct dbc *c)
{
    if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    /* A failed COMMIT may leave the transaction open (SQLITE_BUSY): end it. */
    return -1;
}

void db_rollback(struct dbc *c)
{
    if (!sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

enum err_code db_failure(struct dbc *c)
{
    int rc = sqlite3_extended_errcode(c->db) & 0xff;
    log_msg(LOG_ERROR, "database: %s (%d)", sqlite3_errmsg(c->db), sqlite3_extended_errcode(c->db));
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return ERR_UNAVAILABLE;
    return ERR_STORAGE_FAILED;
}

const char *db_failure_text(struct dbc *c)
{
    switch (sqlite3_extended_errcode(c->db) & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return "the database is busy";
    case SQLITE_FULL:
        return "the server's disk is full";
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
        return "the database is read-only";
    case SQLITE_IOERR:
        /* A full disk often shows up as a failed write rather than SQLITE_FULL. */
        return sqlite3_system_errno(c->db) == ENOSPC ? "the server's disk is full"
                                                     : "a disk error occurred";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return "the database file is damaged";
    default:
        return "the database failed";
    }
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

sqlite3_stmt *db_stmt(struct dbc *c, const char *sql)
{
    for (int i = 0; i < c->ncache; i++)
        if (c->cache[i].sql == sql) {
            sqlite3_reset(c->cache[i].st);
            sqlite3_clear_bindings(c->cache[i].st);
            return c->cache[i].st;
        }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        log_msg(LOG_ERROR, "prepare failed: %s", sqlite3_errmsg(c->db));
        return NULL;
    }
    if (c->ncache < DB_STMT_CACHE) {
        c->cache[c->ncache].sql = sql;
        c->cache[c->ncache].st = st;
        c->ncache++;
    } else {
        /* Full: evict the oldest so the cache stays bounded. */
        sqlite3_finalize(c->cache[0].st);
        memmove(&c->cache[0], &c->cache[1], sizeof c->cache[0] * (DB_STMT_CACHE - 1));
        c->cache[DB_STMT_CACHE - 1].sql = sql;
        c->cache[DB_STMT_CACHE - 1].st = st;
    }
    return st;
}

int db_done(sqlite3_stmt *st)
{
    return st ? sqlite3_reset(st) : SQLITE_OK;
}

int db_run(sqlite3_stmt *st)
{
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int db_exists(struct dbc *c, const char *sql, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c, sql);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int64_t db_lookup_id(struct dbc *c, const char *sql, const char *text)
{
    sqlite3_stmt *st = db_stmt(c, sql);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
    int64_t id = 0;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE)
        id = -1;
    db_done(st);
    return id;
}

json_t *db_json_rows(sqlite3_stmt *st, json_t *(*row)(sqlite3_stmt *st))
{
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, row(st));
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

json_t *db_json_row(sqlite3_stmt *st, json_t *(*row)(sqlite3_stmt *st), int *failed)
{
    *failed = 0;
    if (!st) {
        *failed = 1;
        return NULL;
    }
    json_t *o = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        o = row(st);
    else if (rc != SQLITE_DONE)
        *failed = 1;
    sqlite3_reset(st);
    return o;
}

int db_exists_pair(struct dbc *c, const char *sql, int64_t a, int64_t b)
{
    sqlite3_stmt *st = db_stmt(c, sql);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int db_bind_text_or_null(sqlite3_stmt *st, int idx, const char *s)
{
    if (!s)
        return sqlite3_bind_null(st, idx);
    return sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
}

int db_backup(struct dbc *c, const char *dest, int pages_per_step, int pause_ms, int64_t *pages,
              int64_t *steps, char *err, size_t errlen)
{
    char part[1100];
    sqlite3 *out = NULL;
    sqlite3_backup *b = NULL;
    int rc = -1, reading = 0;
    struct stat sb;
    *pages = *steps = 0;
    if (snprintf(part, sizeof part, "%s.part", dest) >= (int)sizeof part) {
        snprintf(err, errlen, "the backup file name is too long");
        return -1;
    }
    if (stat(dest, &sb) == 0) {
        snprintf(err, errlen, "%s exists already; give a new file name", dest);
        return -1;
    }
    unlink(part);
    if (ensure_parent_dir(dest) != 0 ||
        sqlite3_open_v2(part, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
            SQLITE_OK) {
        snprintf(err, errlen, "cannot create %s: %s", part,
                 out ? sqlite3_errmsg(out) : "no memory");
        goto out;
    }
    /* The snapshot: a read transaction on the source for the whole copy. */
    if (sqlite3_exec(c->db, "BEGIN; SELECT count(*) FROM sqlite_schema;", NULL, NULL, NULL) !=
        SQLITE_OK) {
        snprintf(err, errlen, "cannot read the database: %s", sqlite3_errmsg(c->db));
        goto out;
    }
    reading = 1;
    b = sqlite3_backup_init(out, "main", c->db, "main");
    if (!b) {
        snprintf(err, errlen, "cannot start the backup: %s", sqlite3_errmsg(out));
        goto out;
    }
    int step;
    do {
        step = sqlite3_backup_step(b, pages_per_step > 0 ? pages_per_step : -1);
        ++*steps;
        if (step == SQLITE_OK && pause_ms > 0)
            sqlite3_sleep(pause_ms);
        else if (step == SQLITE_BUSY || step == SQLITE_LOCKED)
            sqlite3_sleep(pause_ms > 0 ? pause_ms : 10);
    } while (step == SQLITE_OK || step == SQLITE_BUSY || step == SQLITE_LOCKED);
    *pages = sqlite3_backup_pagecount(b);
    if (sqlite3_backup_finish(b) != SQLITE_OK || step != SQLITE_DONE) {
        b = NULL;
        snprintf(err, errlen, "the backup failed: %s", sqlite3_errstr(step));
        goto out;
    }
    b = NULL;
    sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
    reading = 0;
    /* One self-contained file, checked before it takes the final name. */
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_exec(out, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) == SQLITE_OK &&
             sqlite3_prepare_v2(out, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK &&
             sqlite3_step(st) == SQLITE_ROW &&
             strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    sqlite3_finalize(st);
    if (!ok) {
        snprintf(err, errlen, "the copy did not pass its check: %s", sqlite3_errmsg(out));
        goto out;
    }
    if (sqlite3_close(out) != SQLITE_OK) {
        snprintf(err, errlen, "cannot close %s", part);
        out = NULL;
        goto out;
    }
    out = NULL;
    int fd = open(part, O_RDONLY | O_CLOEXEC);
    int synced = fd >= 0 && fsync(fd) == 0;
    if (fd >= 0)
        close(fd);
    if (!synced || rename(part, dest) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", dest, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (b)
        sqlite3_backup_finish(b);
    if (reading)
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    if (out)
        sqlite3_close(out);
    if (rc != 0)
        unlink(part);
    return rc;
}

void db_now_iso(char *buf, size_t cap)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
