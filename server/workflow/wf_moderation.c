/*
 * wf_moderation — see wf_moderation.h. All SQL is the stores' (obs_store,
 * photo_store, case_store); this file decides and records.
 */
#include "wf_moderation.h"
#include "case_store.h"
#include "obs_store.h"
#include "stats_store.h"
#include "photo_store.h"

#include <stdio.h>
#include <string.h>

/* Opens the transaction and loads report id's moderation state, after checking
 * the actor's role. 0, or -1 with err (rolled back). */
static int begin_on_report(struct dbc *c, const struct wf_actor *actor, int64_t id,
                           struct obs_moderation *m, struct wf_error *err)
{
    if (!(actor->role & ROLE_OFFICE))
        return wf_fail(err, ERR_FORBIDDEN, NULL, "only the office moderates reports");
    if (wf_begin(c, err) != 0)
        return -1;
    int found = obs_store_moderation(c, id, m);
    if (found < 0)
        return wf_fail_db(c, err, "the report could not be read");
    if (!found) {
        db_rollback(c);
        return wf_fail(err, ERR_NOT_FOUND, NULL, "no case %lld", (long long)id);
    }
    return 0;
}

static int event(struct dbc *c, int64_t id, const struct wf_actor *a, const char *kind,
                 const char *from, const char *to, const char *comment)
{
    /* Moderation is internal: never a public comment. */
    return case_store_add_event(c, id, a->user_id, a->label, kind, from, to, comment, 0);
}

int wf_case_set_public(struct dbc *c, const struct config *cfg, const struct wf_actor *actor,
                       int64_t id, int public_, struct wf_error *err)
{
    struct obs_moderation m;
    if (begin_on_report(c, actor, id, &m, err) != 0)
        return -1;
    if (m.public_ == (public_ ? 1 : 0)) {
        db_rollback(c);
        return 0;
    }
    /* A hidden report leaves the statistics in the same transaction (stats_store.h). */
    struct stats_cells cells = {cfg->hotspot_cells_m, cfg->hotspot_cells};
    if (obs_store_set_public(c, id, public_) != 0 ||
        stats_store_observation_sync(c, id, NULL, &cells) != 0 ||
        event(c, id, actor, "visibility", public_ ? "hidden" : "public",
              public_ ? "public" : "hidden", NULL) != 0)
        return wf_fail_db(c, err, "the change could not be saved");
    return wf_commit(c, err, "the change could not be saved");
}

int wf_case_redact(struct dbc *c, const struct wf_actor *actor, int64_t id, const char *text,
                   struct wf_error *err)
{
    struct obs_moderation m;
    if (begin_on_report(c, actor, id, &m, err) != 0)
        return -1;
    if (!text && !m.redacted) {
        db_rollback(c);
        return 0;
    }
    /* The event says what the public sees from now on, never the original. */
    if (obs_store_redact(c, id, text) != 0 ||
        event(c, id, actor, text ? "redacted" : "redaction_removed", NULL,
              text && *text ? text : NULL,
              text ? (*text ? "the public sees this text instead of the description"
                            : "the public sees no text")
                   : "the public sees the description again") != 0)
        return wf_fail_db(c, err, "the redaction could not be saved");
    return wf_commit(c, err, "the redaction could not be saved");
}

int wf_case_approve(struct dbc *c, const struct wf_actor *actor, int64_t id, int *text, int *photos,
                    struct wf_error *err)
{
    struct obs_moderation m;
    *text = *photos = 0;
    if (begin_on_report(c, actor, id, &m, err) != 0)
        return -1;
    if (obs_store_approve(c, id, text) != 0 || photo_store_approve_all(c, id, photos) != 0)
        return wf_fail_db(c, err, "the approval could not be saved");
    *text = *text && m.has_text; /* no description: nothing was waiting */
    if (!*text && !*photos) {
        db_rollback(c);
        return 0;
    }
    char note[96];
    snprintf(note, sizeof note, "%s%s%d photo%s", *text ? "the text" : "", *text ? " and " : "",
             *photos, *photos == 1 ? "" : "s");
    if (event(c, id, actor, "approved", NULL, NULL, note) != 0)
        return wf_fail_db(c, err, "the approval could not be saved");
    return wf_commit(c, err, "the approval could not be saved");
}

int wf_photo_set_public(struct dbc *c, const struct wf_actor *actor, const char *photo_id,
                        int public_, int64_t *case_id, struct wf_error *err)
{
    if (!(actor->role & ROLE_OFFICE))
        return wf_fail(err, ERR_FORBIDDEN, NULL, "only the office moderates photos");
    if (wf_begin(c, err) != 0)
        return -1;
    int was_public = 0, approved = 0;
    int found = photo_store_load(c, photo_id, case_id, &was_public, &approved);
    if (found < 0)
        return wf_fail_db(c, err, "the photo could not be read");
    if (!found) {
        db_rollback(c);
        return wf_fail(err, ERR_NOT_FOUND, NULL, "no such photo");
    }
    if (was_public == (public_ ? 1 : 0)) {
        db_rollback(c);
        return 0;
    }
    char note[80];
    snprintf(note, sizeof note, "photo %s", photo_id);
    if (photo_store_set_public(c, photo_id, public_) != 0 ||
        event(c, *case_id, actor, "photo_visibility", public_ ? "hidden" : "public",
              public_ ? "public" : "hidden", note) != 0)
        return wf_fail_db(c, err, "the change could not be saved");
    return wf_commit(c, err, "the change could not be saved");
}
