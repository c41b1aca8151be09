/*
 * wf_units — see wf_units.h.
 */
#include "wf_units.h"
#include "crypto.h"
#include "delivery.h"
#include "outbox_store.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define UNIT_TOKEN_BYTES 32

int wf_email_valid(const char *s)
{
    const char *at = s ? strchr(s, '@') : NULL;
    return at && at != s && at[1] && !strchr(at + 1, '@') && !strpbrk(s, " \t\r\n<>,;\"\\");
}

static int url_ok(const char *u)
{
    return !u || !*u ||
           ((strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0) &&
            !strpbrk(u, " \t\r\n"));
}

int wf_unit_save(struct dbc *c, int64_t id, const struct unit_input *in, int64_t *id_out,
                 struct wf_error *err)
{
    if (!url_ok(in->webhook_url))
        return wf_fail(err, ERR_INVALID_FORMAT, "webhook_url",
                       "'webhook_url' must start with http:// or https://");
    if (in->email && *in->email && !wf_email_valid(in->email))
        return wf_fail(err, ERR_INVALID_FORMAT, "email", "'email' is not an e-mail address");
    if (wf_begin(c, err) != 0)
        return -1;
    int rc = id ? unit_store_update(c, id, in) : unit_store_insert(c, in, id_out);
    if (rc < 0)
        return wf_fail_db(c, err, "the unit could not be stored");
    if (rc == 1) {
        db_rollback(c);
        return wf_fail(err, ERR_CONFLICT, "code", "the code is taken");
    }
    if (rc == 2) {
        db_rollback(c);
        return wf_fail(err, ERR_NOT_FOUND, NULL, "no such unit");
    }
    if (id)
        *id_out = id;
    return wf_commit(c, err, "the unit could not be stored");
}

int wf_unit_token_new(struct dbc *c, const char *code, char token_out[65], struct wf_error *err)
{
    char hash[CRYPTO_SHA256_HEX];
    if (crypto_random_hex(token_out, UNIT_TOKEN_BYTES) != 0)
        return wf_fail(err, ERR_INTERNAL, NULL, "no randomness for a token");
    crypto_sha256_hex(token_out, strlen(token_out), hash);
    if (wf_begin(c, err) != 0)
        return -1;
    int rc = unit_store_set_token_hash(c, code, hash);
    if (rc < 0)
        return wf_fail_db(c, err, "the token could not be stored");
    if (rc == 0) {
        db_rollback(c);
        return wf_fail(err, ERR_NOT_FOUND, "code", "no unit has the code '%s'", code);
    }
    return wf_commit(c, err, "the token could not be stored");
}

int wf_rule_save(struct dbc *c, int64_t id, const struct rule_input *in, int64_t *id_out,
                 struct wf_error *err)
{
    if (wf_begin(c, err) != 0)
        return -1;
    int rc = rule_store_save(c, id, in, id_out);
    if (rc < 0)
        return wf_fail_db(c, err, "the rule could not be stored");
    if (rc > 0) {
        db_rollback(c);
        if (rc == 1)
            return wf_fail(err, ERR_INVALID_FORMAT, "unit_id", "unknown category, area or unit");
        if (rc == 2)
            return wf_fail(err, ERR_INVALID_TYPE, "polygon", "the polygon is not valid");
        return wf_fail(err, ERR_NOT_FOUND, NULL, "no such routing rule");
    }
    return wf_commit(c, err, "the rule could not be stored");
}

int wf_rule_delete(struct dbc *c, int64_t id, struct wf_error *err)
{
    if (wf_begin(c, err) != 0)
        return -1;
    int rc = rule_store_delete(c, id);
    if (rc < 0)
        return wf_fail_db(c, err, "the rule could not be deleted");
    if (rc == 0) {
        db_rollback(c);
        return wf_fail(err, ERR_NOT_FOUND, NULL, "no such routing rule");
    }
    return wf_commit(c, err, "the rule could not be deleted");
}

int wf_outbox_retry(struct dbc *c, int64_t id, struct wf_error *err)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (wf_begin(c, err) != 0)
        return -1;
    int rc = outbox_store_retry(c, id, now);
    if (rc < 0)
        return wf_fail_db(c, err, "the message could not be rescheduled");
    if (rc == 0) {
        db_rollback(c);
        return wf_fail(err, ERR_NOT_FOUND, NULL, "no undelivered message %lld", (long long)id);
    }
    if (wf_commit(c, err, "the message could not be rescheduled") != 0)
        return -1;
    delivery_wake();
    return 0;
}
