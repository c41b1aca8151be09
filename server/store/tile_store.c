/*
 * tile_store — see tile_store.h.
 */
#include "tile_store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static sqlite3 *db;
static sqlite3_stmt *get_st;
static char open_path[4096];
static uint64_t open_version;

static const char SQL_GET[] =
    "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3";

/* The file's identity for caching: its size and modification time. */
static uint64_t file_version(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    return ((uint64_t)st.st_mtime << 20) ^ (uint64_t)st.st_size;
}

/* Opens (or re-opens, when the path or the file changed) the connection. Under lock. */
static int ensure_open(const char *path)
{
    uint64_t v = file_version(path);
    if (db && strcmp(open_path, path) == 0 && v == open_version)
        return 0;
    if (get_st)
        sqlite3_finalize(get_st);
    if (db)
        sqlite3_close(db);
    get_st = NULL;
    db = NULL;
    if (v == 0 || strlen(path) >= sizeof open_path)
        return -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, SQL_GET, -1, &get_st, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        db = NULL;
        return -1;
    }
    snprintf(open_path, sizeof open_path, "%s", path);
    open_version = v;
    return 0;
}

int tile_store_get(const char *path, int z, int64_t x, int64_t y, void **data, size_t *len,
                   uint64_t *version)
{
    if (z < 0 || z > TILE_STORE_MAX_ZOOM)
        return 0;
    int64_t n = (int64_t)1 << z;
    if (x < 0 || y < 0 || x >= n || y >= n)
        return 0;
    int rc = -1;
    pthread_mutex_lock(&lock);
    if (ensure_open(path) == 0) {
        sqlite3_reset(get_st);
        sqlite3_bind_int(get_st, 1, z);
        sqlite3_bind_int64(get_st, 2, x);
        sqlite3_bind_int64(get_st, 3, n - 1 - y); /* TMS rows count from the south */
        int s = sqlite3_step(get_st);
        if (s == SQLITE_ROW) {
            const void *blob = sqlite3_column_blob(get_st, 0);
            int bytes = sqlite3_column_bytes(get_st, 0);
            *data = bytes > 0 ? malloc((size_t)bytes) : NULL;
            if (*data) {
                memcpy(*data, blob, (size_t)bytes);
                *len = (size_t)bytes;
                *version = open_version;
                rc = 1;
            }
        } else if (s == SQLITE_DONE) {
            rc = 0;
        }
        sqlite3_reset(get_st);
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

const char *tile_store_mime(const void *data, size_t len)
{
    const unsigned char *b = data;
    if (len >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "image/png";
    if (len >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
        return "image/jpeg";
    if (len >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0)
        return "image/webp";
    return NULL;
}
