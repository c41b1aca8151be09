/*
 * wf_backup — see wf_backup.h. The database copy is db_backup's; this file
 * copies the photo files and reports.
 */
#include "wf_backup.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPY_BUF 65536

/* Copies the file from into the new file to (synced). 0, or -1 with errno set. */
static int copy_file(const char *from, const char *to, int64_t *bytes)
{
    char buf[COPY_BUF];
    int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
    if (in < 0)
        return -1;
    out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (out < 0)
        goto done;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto done;
        if (n == 0)
            break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                goto done;
            off += w;
        }
        *bytes += n;
    }
    rc = fsync(out);
done:
    if (out >= 0 && close(out) != 0)
        rc = -1;
    close(in);
    return rc;
}

/* 1 for a finished photo file (".jpg", not a ".tmp" being written). */
static int is_photo_file(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 4 && strcmp(name + n - 4, ".jpg") == 0;
}

/* Copies data_dir/photos/xx/<files> into dest/xx/. 0, or -1 with err. */
static int copy_photos(const char *photos, const char *dest, struct wf_backup_report *out,
                       struct wf_error *err)
{
    if (mkdir(dest, 0750) != 0)
        return wf_fail(err, ERR_STORAGE_FAILED, NULL, "cannot create %s: %s", dest,
                       strerror(errno));
    DIR *top = opendir(photos);
    if (!top)
        return errno == ENOENT ? 0 /* no photo yet */
                               : wf_fail(err, ERR_STORAGE_FAILED, NULL, "cannot read %s: %s",
                                         photos, strerror(errno));
    struct dirent *d;
    int rc = 0;
    while (rc == 0 && (d = readdir(top)) != NULL) {
        if (d->d_name[0] == '.' || strlen(d->d_name) != 2)
            continue;
        char from_dir[1200], to_dir[1200];
        snprintf(from_dir, sizeof from_dir, "%s/%s", photos, d->d_name);
        snprintf(to_dir, sizeof to_dir, "%s/%s", dest, d->d_name);
        DIR *sub = opendir(from_dir);
        if (!sub)
            continue;
        if (mkdir(to_dir, 0750) != 0 && errno != EEXIST)
            rc = wf_fail(err, ERR_STORAGE_FAILED, NULL, "cannot create %s: %s", to_dir,
                         strerror(errno));
        struct dirent *f;
        while (rc == 0 && (f = readdir(sub)) != NULL) {
            if (!is_photo_file(f->d_name))
                continue;
            char from[1400], to[1400];
            snprintf(from, sizeof from, "%s/%s", from_dir, f->d_name);
            snprintf(to, sizeof to, "%s/%s", to_dir, f->d_name);
            if (copy_file(from, to, &out->photo_bytes) != 0)
                rc = wf_fail(err, ERR_STORAGE_FAILED, NULL, "cannot copy %s: %s", from,
                             strerror(errno));
            else
                out->photo_files++;
        }
        closedir(sub);
    }
    closedir(top);
    return rc;
}

int wf_backup(struct dbc *c, const struct config *cfg, const char *file,
              struct wf_backup_report *out, struct wf_error *err)
{
    char photos[1100], dest[1100], msg[512];
    struct stat sb;
    memset(out, 0, sizeof *out);
    if (snprintf(dest, sizeof dest, "%s.photos", file) >= (int)sizeof dest ||
        snprintf(photos, sizeof photos, "%s/photos", cfg->data_dir) >= (int)sizeof photos)
        return wf_fail(err, ERR_INVALID_FORMAT, NULL, "the file name is too long");
    if (stat(dest, &sb) == 0)
        return wf_fail(err, ERR_CONFLICT, NULL, "%s exists already; give a new file name", dest);
    if (db_backup(c, file, cfg->backup_pages_per_step, WF_BACKUP_PAUSE_MS, &out->pages, &out->steps,
                  msg, sizeof msg) != 0)
        return wf_fail(err, ERR_STORAGE_FAILED, NULL, "%s", msg);
    if (copy_photos(photos, dest, out, err) != 0)
        return -1;
    log_msg(LOG_INFO, "backup: %lld pages and %lld photo files to %s", (long long)out->pages,
            (long long)out->photo_files, file);
    return 0;
}
