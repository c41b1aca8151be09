/*
 * wf_moderation — what the technical office does about personal data that
 * residents type into a report or photograph: hide a report from the public,
 * redact its text (the original stays for staff), hide a photo, and, under
 * pre-moderation (config moderation = pre), approve text and photos before
 * the public sees them. Every action is one transaction (workflow.h) and
 * writes an event in the case's history (never public) with who and when.
 *
 * Only the office (ROLE_ADMIN, ROLE_TRIAGE) moderates: any other actor gets
 * ERR_FORBIDDEN. The public read models (obs_store, photo_store, views) are
 * where hidden, redacted and unapproved things stay out of public answers.
 */
#ifndef TRYGG_WF_MODERATION_H
#define TRYGG_WF_MODERATION_H

#include <stdint.h>

#include "workflow.h"

/* Shows (public_ = 1) or hides (0) report id from every public answer. No
 * change, no event. ERR_NOT_FOUND when there is no case id. 0 or -1. */
int wf_case_set_public(struct dbc *c, const struct config *cfg, const struct wf_actor *actor,
                       int64_t id, int public_, struct wf_error *err);

/* Sets the text the public sees of report id instead of its description ("" =
 * no text at all), which also approves the text; text NULL removes the
 * redaction (the public sees the description again). 0 or -1. */
int wf_case_redact(struct dbc *c, const struct wf_actor *actor, int64_t id, const char *text,
                   struct wf_error *err);

/* Approves report id's text and every photo waiting for approval (*photos: how
 * many were approved now; *text: 1 when the text was). Nothing waiting: no event.
 * 0 or -1. */
int wf_case_approve(struct dbc *c, const struct wf_actor *actor, int64_t id, int *text, int *photos,
                    struct wf_error *err);

/* Shows or hides photo photo_id (hex) to the public; the event is in its case's
 * history. ERR_NOT_FOUND when there is no such photo. *case_id receives its
 * case. 0 or -1. */
int wf_photo_set_public(struct dbc *c, const struct wf_actor *actor, const char *photo_id,
                        int public_, int64_t *case_id, struct wf_error *err);

#endif
