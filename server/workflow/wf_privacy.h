/*
 * wf_privacy — personal data under the GDPR: reporters' contact details are
 * erased a configured time after their case closed (a job that runs every
 * cfg->retention_interval_seconds on a thread of its own), and the staff can
 * export or erase everything stored about one e-mail address (the command
 * line: trygg reporter export|erase EMAIL). Every erasure of a report's
 * contact details is an event in its case's history. Transactions follow
 * workflow.h.
 *
 * What is personal here: reporters (name, e-mail, phone, and whether and in
 * which language they follow their report by e-mail, with its unsubscribe
 * tokens), the e-mail address a walk participant may leave, and the
 * participant and follow-up e-mails queued to these addresses. Client
 * addresses are never stored in the clear ("me too" keeps a keyed hash), and
 * the text of a report is the moderators' (wf_moderation.h).
 */
#ifndef TRYGG_WF_PRIVACY_H
#define TRYGG_WF_PRIVACY_H

#include <jansson.h>
#include <stdint.h>

#include "workflow.h"

#define WF_PRIVACY_BATCH 200 /* erasures per transaction */

/*
 * The retention job, once: erases the contact details of every reporter whose
 * case closed (resolved, rejected, duplicate) cfg->contact_retention_days or
 * more before now (Unix seconds; 0 days: at once), WF_PRIVACY_BATCH per
 * transaction, each with a "contact_erased" event by "system". *erased: how
 * many. 0, or -1 with err (what the earlier batches erased stays erased).
 */
int wf_contacts_expire(struct dbc *c, const struct config *cfg, int64_t now, int *erased,
                       struct wf_error *err);

/*
 * Everything stored about e-mail address email (compared without case or
 * surrounding spaces): {"email","reports":[{"id","created_at","observed_at",
 * "category","description","state","reporter":{"name","email","phone",
 * "follow_up","lang"}}],"walks":[{"walk_id",
 * "code","title","joined_at","email"}],"messages":[{"id","kind","state",
 * "walk_id","created_at","sent_at"}]}. NULL with err on failure.
 */
json_t *wf_reporter_export(struct dbc *c, const char *email, struct wf_error *err);

/* What wf_reporter_erase erased. */
struct wf_erasure {
    int reports;  /* reports whose contact details went */
    int walks;    /* walk participations that lose the address */
    int messages; /* participant e-mails that lose the address */
};

/*
 * Erases email everywhere in one transaction: the contact details of every
 * report that left it (each a "contact_erased" event by actor), the address of
 * every walk participation, and the address of every participant e-mail (an
 * undelivered one is never sent). *out says how many of each. 0 or -1.
 */
int wf_reporter_erase(struct dbc *c, const struct wf_actor *actor, const char *email,
                      struct wf_erasure *out, struct wf_error *err);

/* Starts and stops the retention thread (own connection, its writes through
 * writer when not NULL; runs the job at start and then every
 * cfg->retention_interval_seconds). Stop it before the writer. 0 or -1. */
int retention_start(const struct config *cfg, struct dbwriter *writer);
void retention_stop(void);

#endif
