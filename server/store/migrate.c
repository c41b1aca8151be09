/*
 * migrate — schema versions. See migrate.h. Must not contain schema itself:
 * schema lives only in migrations/NNNN_name.sql.
 */
#include "migrate.h"
#include "db.h"
#include "log.h"

#include <stdio.h>

int migrate_latest_version(void)
{
    int v = 0;
    for (int i = 0; i < migrations_embedded_count; i++)
        if (migrations_embedded[i].version > v)
            v = migrations_embedded[i].version;
    return v;
}

static int pragma_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = db_prepare(db, sql);
    int v = -1;
    if (st && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

int migrate_current_version(sqlite3 *db)
{
    return pragma_int(db, "PRAGMA user_version");
}

static int check_owner(sqlite3 *db, int version, char *err, size_t errlen)
{
    int app = pragma_int(db, "PRAGMA application_id");
    if (version > 0 && app != DB_APPLICATION_ID) {
        snprintf(err, errlen, "this database does not belong to trygg (application_id %d)", app);
        return -1;
    }
    if (version == 0 && app != 0 && app != DB_APPLICATION_ID) {
        snprintf(err, errlen, "this database belongs to another application (application_id %d)",
                 app);
        return -1;
    }
    return 0;
}

static void rollback(sqlite3 *db)
{
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int migrate_run(sqlite3 *db, int *applied, char *err, size_t errlen)
{
    int count = 0;
    int current = migrate_current_version(db);
    if (applied)
        *applied = 0;
    if (current < 0) {
        snprintf(err, errlen, "cannot read the schema version: %s", sqlite3_errmsg(db));
        return -1;
    }
    if (check_owner(db, current, err, errlen) != 0)
        return -1;
    if (current > migrate_latest_version()) {
        snprintf(err, errlen,
                 "the database has schema version %d, newer than this trygg (%d): "
                 "refusing to touch it; run a newer trygg",
                 current, migrate_latest_version());
        return -1;
    }
    for (int i = 0; i < migrations_embedded_count; i++) {
        const struct migration *m = &migrations_embedded[i];
        if (m->version <= current)
            continue;
        if (db_exec(db, "BEGIN IMMEDIATE") != SQLITE_OK) {
            snprintf(err, errlen, "cannot start a transaction: %s", sqlite3_errmsg(db));
            return -1;
        }
        /* Re-read inside the write lock: another process may have migrated meanwhile. */
        int now = migrate_current_version(db);
        if (now >= m->version) {
            rollback(db);
            current = now;
            continue;
        }
        char *msg = NULL;
        if (sqlite3_exec(db, m->sql, NULL, NULL, &msg) != SQLITE_OK) {
            snprintf(err, errlen, "migration %s failed: %s", m->name, msg ? msg : "?");
            sqlite3_free(msg);
            rollback(db);
            return -1;
        }
        char sql[256];
        snprintf(sql, sizeof sql,
                 "INSERT INTO schema_migrations(version, name) VALUES (%d, '%s');"
                 "PRAGMA user_version = %d; PRAGMA application_id = %d;",
                 m->version, m->name, m->version, DB_APPLICATION_ID);
        if (db_exec(db, sql) != SQLITE_OK || db_exec(db, "COMMIT") != SQLITE_OK) {
            snprintf(err, errlen, "recording migration %s failed: %s", m->name, sqlite3_errmsg(db));
            rollback(db);
            return -1;
        }
        log_msg(LOG_INFO, "applied migration %s", m->name);
        count++;
        current = m->version;
    }
    if (applied)
        *applied = count;
    return 0;
}

int migrate_check(sqlite3 *db, char *err, size_t errlen)
{
    int v = migrate_current_version(db);
    if (check_owner(db, v, err, errlen) != 0)
        return -1;
    if (v != migrate_latest_version()) {
        snprintf(err, errlen, "the database has schema version %d; this trygg needs %d%s", v,
                 migrate_latest_version(),
                 v > migrate_latest_version() ? " (the database is newer: refusing)"
                                              : " (run: trygg migrate)");
        return -1;
    }
    return 0;
}
