/*
 * wf_follow_up — see wf_follow_up.h. All SQL is obs_store's (the follow-up is
 * kept with the reporter's contact details) and case_store's (the event).
 */
#include "wf_follow_up.h"
#include "case_store.h"
#include "crypto.h"
#include "obs_store.h"

#include <string.h>

int wf_follow_up_unsubscribe(struct dbc *c, const char *token, struct wf_error *err)
{
    char hash[CRYPTO_SHA256_HEX];
    const char *unknown = "this unsubscribe link is unknown or was used already";
    if (!token || !*token || strlen(token) > WF_FOLLOW_UP_TOKEN_MAX)
        return wf_fail(err, ERR_NOT_FOUND, "token", "%s", unknown);
    crypto_sha256_hex(token, strlen(token), hash);
    if (wf_begin(c, err) != 0)
        return -1;
    int64_t id = obs_store_follow_up_by_token(c, hash);
    if (id < 0)
        return wf_fail_db(c, err, "the follow-up could not be read");
    if (id == 0) {
        db_rollback(c);
        return wf_fail(err, ERR_NOT_FOUND, "token", "%s", unknown);
    }
    if (obs_store_follow_up_stop(c, id) != 0 ||
        case_store_add_event(c, id, 0, "system", "follow_up_stopped", NULL, NULL,
                             "the reporter stopped the e-mail follow-up", 0) != 0)
        return wf_fail_db(c, err, "the follow-up could not be ended");
    return wf_commit(c, err, "the follow-up could not be ended");
}
