/*
 * wf_backup — a consistent online backup while the server runs: the database
 * through SQLite's backup API (db_backup: a snapshot copied a few pages at a
 * time while the server keeps writing), then the photo files next to it.
 *
 * Layout of a backup FILE: FILE is the SpatiaLite database (one file, no
 * -wal); FILE.photos/ holds the photos as data_dir/photos/ does (xx/<id>.jpg
 * and xx/<id>.thumb.jpg). Restoring is: stop trygg, copy FILE to the database
 * path (removing any old -wal and -shm next to it), copy FILE.photos/ to
 * data_dir/photos/, start trygg (README: "Backup and restore").
 *
 * Why the photos after the database: a photo's files are written (and synced)
 * before the transaction that records it commits, so every photo the copied
 * database knows is on disk when the copy of the files begins. Photo files
 * never change once written. Extra files (photos committed after the snapshot)
 * are harmless.
 */
#ifndef TRYGG_WF_BACKUP_H
#define TRYGG_WF_BACKUP_H

#include <stdint.h>

#include "workflow.h"

#define WF_BACKUP_PAUSE_MS 5 /* between steps (of cfg->backup_pages_per_step pages) */

struct wf_backup_report {
    int64_t pages;       /* database pages copied */
    int64_t steps;       /* in this many steps */
    int64_t photo_files; /* photo files (full size and thumbnails) copied */
    int64_t photo_bytes;
};

/*
 * Backs up c's database (opened on cfg->db_path, the running server's file) to
 * file and the photos under cfg->data_dir to file.photos/. Refuses when either
 * exists already. 0 with *out, or -1 with err (ERR_STORAGE_FAILED with the
 * reason; a half-written copy is removed, FILE.photos/ may be incomplete).
 */
int wf_backup(struct dbc *c, const struct config *cfg, const char *file,
              struct wf_backup_report *out, struct wf_error *err);

#endif
