/*
 * migrate — applies the numbered files of migrations/ (embedded into the binary
 * at build time) to a database, one transaction each, tracked by user_version.
 */
#ifndef TRYGG_MIGRATE_H
#define TRYGG_MIGRATE_H

#include <sqlite3.h>
#include <stddef.h>

struct migration {
    int version;
    const char *name;
    const char *sql;
};

extern const struct migration migrations_embedded[];
extern const int migrations_embedded_count;

/* The schema version this binary knows (the highest migration number). */
int migrate_latest_version(void);

/* The database's schema version (PRAGMA user_version), or -1 on error. */
int migrate_current_version(sqlite3 *db);

/*
 * Brings db up to migrate_latest_version(). Refuses a database that is newer than
 * this binary or that belongs to another application. Each migration runs in its
 * own BEGIN IMMEDIATE transaction; a failing one is rolled back and stops the run.
 * *applied (may be NULL) receives how many were applied. Returns 0 or -1 with err.
 */
int migrate_run(sqlite3 *db, int *applied, char *err, size_t errlen);

/* 0 when db is at exactly the latest version; -1 with err otherwise. */
int migrate_check(sqlite3 *db, char *err, size_t errlen);

#endif
