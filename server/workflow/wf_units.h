/*
 * wf_units — the responsible units and the routing rules an admin keeps, and
 * the API tokens of the units' own systems. Transactions follow workflow.h.
 */
#ifndef TRYGG_WF_UNITS_H
#define TRYGG_WF_UNITS_H

#include <stdint.h>

#include "db.h"
#include "rule_store.h"
#include "unit_store.h"
#include "workflow.h"

/*
 * Creates (id == 0; *id_out set) or updates unit id. The e-mail address is
 * checked like a reporter's and may carry no line break (it becomes an SMTP
 * header); the webhook URL must be http(s). 0 or -1 with err (ERR_CONFLICT for
 * a taken code, ERR_NOT_FOUND for no such unit).
 */
int wf_unit_save(struct dbc *c, int64_t id, const struct unit_input *in, int64_t *id_out,
                 struct wf_error *err);

/* Creates a new API token for the unit with code: the token (64 hex) goes to
 * token_out, only its SHA-256 is stored. 0 or -1 with err (ERR_NOT_FOUND). */
int wf_unit_token_new(struct dbc *c, const char *code, char token_out[65], struct wf_error *err);

/* Creates (id == 0; *id_out set) or updates routing rule id. 0 or -1 with err. */
int wf_rule_save(struct dbc *c, int64_t id, const struct rule_input *in, int64_t *id_out,
                 struct wf_error *err);

/* Deletes routing rule id. 0 or -1 with err (ERR_NOT_FOUND). */
int wf_rule_delete(struct dbc *c, int64_t id, struct wf_error *err);

/* Makes an undelivered outbox message pending again and wakes the delivery
 * thread. 0 or -1 with err (ERR_NOT_FOUND). */
int wf_outbox_retry(struct dbc *c, int64_t id, struct wf_error *err);

/* 1 when s is an acceptable e-mail address (one '@', no spaces, no <>, no line breaks). */
int wf_email_valid(const char *s);

#endif
