/*
 * wf_privacy — see wf_privacy.h. All SQL is the stores' (obs_store for
 * reporters, walk_store for participants, outbox_store for their e-mails,
 * case_store for the events).
 *
 * THREAD SAFETY NOTES: the retention thread owns its connection; the only
 * shared state is the stop flag and its condition, under a mutex.
 */
#include "wf_privacy.h"
#include "case_store.h"
#include "log.h"
#include "obs_store.h"
#include "outbox_store.h"
#include "validate.h"
#include "walk_store.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* One batch of the retention job (a db_job_fn): up to WF_PRIVACY_BATCH erasures. */
struct expire_job {
    const char *closed_before, *note;
    int n; /* erased in this batch */
    struct wf_error *err;
};

static int expire_job_run(struct dbc *c, void *arg)
{
    struct expire_job *j = arg;
    int64_t ids[WF_PRIVACY_BATCH];
    j->n = 0;
    int n = obs_store_reporters_expired(c, j->closed_before, ids, WF_PRIVACY_BATCH);
    if (n < 0)
        return wf_job_fail_db(c, j->err, "the contact details could not be erased");
    for (int i = 0; i < n; i++) {
        int mails = 0;
        /* The follow-up goes with the reporter row; its queued mails lose the address. */
        if (obs_store_reporter_erase(c, ids[i]) != 0 ||
            outbox_store_erase_follow_ups(c, ids[i], &mails) != 0 ||
            case_store_add_event(c, ids[i], 0, "system", "contact_erased", NULL, NULL, j->note,
                                 0) != 0)
            return wf_job_fail_db(c, j->err, "the contact details could not be erased");
    }
    j->n = n;
    return 0;
}

int wf_contacts_expire(struct dbc *c, const struct config *cfg, int64_t now, int *erased,
                       struct wf_error *err)
{
    char closed_before[32], note[96];
    format_rfc3339(now - (int64_t)cfg->contact_retention_days * 86400, closed_before,
                   sizeof closed_before);
    snprintf(note, sizeof note, "contact details erased %d day%s after the case closed",
             cfg->contact_retention_days, cfg->contact_retention_days == 1 ? "" : "s");
    *erased = 0;
    /* Each batch is one write of its own, through the writer thread when c has one
     * (group commit): the filings coming in meanwhile take their turns between the
     * batches instead of waiting for the database lock. */
    for (;;) {
        struct expire_job job = {closed_before, note, 0, err};
        if (wf_write(c, cfg, expire_job_run, &job, err,
                     "the contact details could not be erased") != 0)
            return -1;
        *erased += job.n;
        if (job.n < WF_PRIVACY_BATCH)
            return 0;
    }
}

json_t *wf_reporter_export(struct dbc *c, const char *email, struct wf_error *err)
{
    json_t *reports = obs_store_reports_of_email(c, email);
    json_t *walks = reports ? walk_store_participations_of_email(c, email) : NULL;
    json_t *messages = walks ? outbox_store_messages_to(c, email) : NULL;
    if (!messages) {
        wf_fail(err, db_failure(c), NULL, "what is stored about %s could not be read", email);
        json_decref(reports);
        json_decref(walks);
        return NULL;
    }
    return json_pack("{s:s, s:o, s:o, s:o}", "email", email, "reports", reports, "walks", walks,
                     "messages", messages);
}

int wf_reporter_erase(struct dbc *c, const struct wf_actor *actor, const char *email,
                      struct wf_erasure *out, struct wf_error *err)
{
    int64_t ids[WF_PRIVACY_BATCH];
    const char *what = "the contact details could not be erased";
    memset(out, 0, sizeof *out);
    if (!email || !*email)
        return wf_fail(err, ERR_MISSING_FIELD, "email", "give the e-mail address to erase");
    if (wf_begin(c, err) != 0)
        return -1;
    /* Each pass erases what it found, so the next finds the rest. */
    int n;
    do {
        n = obs_store_reporters_by_email(c, email, ids, WF_PRIVACY_BATCH);
        if (n < 0)
            return wf_fail_db(c, err, what);
        for (int i = 0; i < n; i++)
            if (obs_store_reporter_erase(c, ids[i]) != 0 ||
                case_store_add_event(c, ids[i], actor->user_id, actor->label, "contact_erased",
                                     NULL, NULL, "contact details erased on the reporter's request",
                                     0) != 0)
                return wf_fail_db(c, err, what);
        out->reports += n;
    } while (n == WF_PRIVACY_BATCH);
    if (walk_store_erase_email(c, email, &out->walks) != 0 ||
        outbox_store_erase_address(c, email, &out->messages) != 0)
        return wf_fail_db(c, err, what);
    if (wf_commit(c, err, what) != 0) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    return 0;
}

/* ---- the retention thread ---------------------------------------------------- */

static struct {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int running, stop;
    struct config cfg;
    struct dbwriter *writer;
} job = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static void *retention_main(void *arg)
{
    (void)arg;
    struct dbc c;
    char msg[256];
    if (db_open(&c, job.cfg.db_path, 0, msg, sizeof msg) != 0) {
        log_msg(LOG_ERROR, "retention: cannot open the database: %s", msg);
        return NULL;
    }
    c.writer = job.writer;
    pthread_mutex_lock(&job.lock);
    while (!job.stop) {
        pthread_mutex_unlock(&job.lock);
        int erased = 0;
        struct wf_error err;
        if (wf_contacts_expire(&c, &job.cfg, (int64_t)time(NULL), &erased, &err) != 0)
            log_msg(LOG_ERROR, "retention: %s", err.message);
        if (erased)
            log_msg(LOG_INFO, "retention: erased the contact details of %d report%s", erased,
                    erased == 1 ? "" : "s");
        pthread_mutex_lock(&job.lock);
        if (job.stop)
            break;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += job.cfg.retention_interval_seconds;
        pthread_cond_timedwait(&job.wake, &job.lock, &until);
    }
    pthread_mutex_unlock(&job.lock);
    db_close(&c);
    return NULL;
}

int retention_start(const struct config *cfg, struct dbwriter *writer)
{
    job.cfg = *cfg;
    job.writer = writer;
    job.stop = 0;
    if (pthread_create(&job.thread, NULL, retention_main, NULL) != 0)
        return -1;
    job.running = 1;
    return 0;
}

void retention_stop(void)
{
    if (!job.running)
        return;
    pthread_mutex_lock(&job.lock);
    job.stop = 1;
    pthread_cond_signal(&job.wake);
    pthread_mutex_unlock(&job.lock);
    pthread_join(job.thread, NULL);
    job.running = 0;
}
