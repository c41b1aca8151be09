/*
 * outbox_store — see outbox_store.h.
 */
#include "outbox_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_INSERT[] = "INSERT INTO outbox (kind, unit_id, case_id, target, payload, "
                                 "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)";

int outbox_store_insert(struct dbc *c, const char *kind, int64_t unit_id, int64_t case_id,
                        const char *target, const char *payload, int64_t due_ms)
{
    sqlite3_stmt *st = db_stmt(c, SQL_INSERT);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, unit_id);
    sqlite3_bind_int64(st, 3, case_id);
    sqlite3_bind_text(st, 4, target, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, payload, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 6, due_ms);
    return db_run(st);
}

static const char SQL_INSERT_PARTICIPANT[] =
    "INSERT INTO outbox (kind, walk_id, target, payload, next_attempt_at) VALUES "
    "('participant_email', ?, ?, ?, ?)";

int outbox_store_insert_participant(struct dbc *c, int64_t walk_id, const char *email,
                                    const char *payload, int64_t due_ms)
{
    sqlite3_stmt *st = db_stmt(c, SQL_INSERT_PARTICIPANT);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, walk_id);
    sqlite3_bind_text(st, 2, email, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, payload, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, due_ms);
    return db_run(st);
}

static const char SQL_INSERT_FOLLOW_UP[] =
    "INSERT INTO outbox (kind, case_id, target, payload, next_attempt_at) VALUES "
    "('follow_up_email', ?, ?, ?, ?)";

int outbox_store_insert_follow_up(struct dbc *c, int64_t case_id, const char *email,
                                  const char *payload, int64_t due_ms)
{
    sqlite3_stmt *st = db_stmt(c, SQL_INSERT_FOLLOW_UP);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, case_id);
    sqlite3_bind_text(st, 2, email, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, payload, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, due_ms);
    return db_run(st);
}

static const char SQL_CANCEL[] =
    "UPDATE outbox SET state = 'dead', last_error = ?2 WHERE id = ?1 AND state = 'pending'";

int outbox_store_cancel(struct dbc *c, int64_t id, const char *reason)
{
    sqlite3_stmt *st = db_stmt(c, SQL_CANCEL);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, reason, -1, SQLITE_TRANSIENT);
    if (db_run(st) != 0)
        return -1;
    return sqlite3_changes(c->db) > 0;
}

static const char SQL_DUE[] =
    "SELECT o.id, o.kind, coalesce(o.unit_id, 0), coalesce(o.case_id, 0), o.target, o.payload, "
    "o.attempts, u.webhook_secret, coalesce(o.walk_id, 0) FROM outbox o LEFT JOIN units u ON "
    "u.id = o.unit_id WHERE o.state = "
    "'pending' AND o.next_attempt_at <= ? ORDER BY o.next_attempt_at, o.id LIMIT ?";
enum {
    DUE_ID,
    DUE_KIND,
    DUE_UNIT,
    DUE_CASE,
    DUE_TARGET,
    DUE_PAYLOAD,
    DUE_ATTEMPTS,
    DUE_SECRET,
    DUE_WALK
};

static char *dup_col(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? strdup((const char *)s) : NULL;
}

int outbox_store_due(struct dbc *c, int64_t now_ms, struct outbox_message *out, int max)
{
    sqlite3_stmt *st = db_stmt(c, SQL_DUE);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, now_ms);
    sqlite3_bind_int(st, 2, max);
    int n = 0, rc;
    while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct outbox_message *m = &out[n];
        memset(m, 0, sizeof *m);
        m->id = sqlite3_column_int64(st, DUE_ID);
        snprintf(m->kind, sizeof m->kind, "%s", sqlite3_column_text(st, DUE_KIND));
        m->unit_id = sqlite3_column_int64(st, DUE_UNIT);
        m->case_id = sqlite3_column_int64(st, DUE_CASE);
        m->target = dup_col(st, DUE_TARGET);
        m->payload = dup_col(st, DUE_PAYLOAD);
        m->attempts = sqlite3_column_int(st, DUE_ATTEMPTS);
        m->secret = dup_col(st, DUE_SECRET);
        m->walk_id = sqlite3_column_int64(st, DUE_WALK);
        n++;
        if (!m->target || !m->payload) {
            db_done(st);
            for (int i = 0; i < n; i++)
                outbox_store_message_free(&out[i]);
            return -1;
        }
    }
    db_done(st);
    return n;
}

void outbox_store_message_free(struct outbox_message *m)
{
    free(m->target);
    free(m->payload);
    free(m->secret);
    m->target = m->payload = m->secret = NULL;
}

static const char SQL_SENT[] =
    "UPDATE outbox SET state = 'sent', attempts = attempts + 1, last_error = NULL, sent_at = "
    "strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?";

int outbox_store_mark_sent(struct dbc *c, int64_t id)
{
    sqlite3_stmt *st = db_stmt(c, SQL_SENT);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if (db_run(st) != 0)
        return -1;
    return sqlite3_changes(c->db) > 0;
}

static const char SQL_FAILED[] = "UPDATE outbox SET attempts = ?2, last_error = ?3, "
                                 "next_attempt_at = ?4, state = ?5 WHERE id = ?1";

int outbox_store_mark_failed(struct dbc *c, int64_t id, int attempts, const char *error,
                             int64_t next_ms, int dead)
{
    sqlite3_stmt *st = db_stmt(c, SQL_FAILED);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, attempts);
    sqlite3_bind_text(st, 3, error, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, next_ms);
    sqlite3_bind_text(st, 5, dead ? "dead" : "pending", -1, SQLITE_STATIC);
    if (db_run(st) != 0)
        return -1;
    return sqlite3_changes(c->db) > 0;
}

static const char SQL_RETRY[] = "UPDATE outbox SET state = 'pending', attempts = 0, "
                                "next_attempt_at = ? WHERE id = ? AND state != 'sent'";

int outbox_store_retry(struct dbc *c, int64_t id, int64_t now_ms)
{
    sqlite3_stmt *st = db_stmt(c, SQL_RETRY);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, now_ms);
    sqlite3_bind_int64(st, 2, id);
    if (db_run(st) != 0)
        return -1;
    return sqlite3_changes(c->db) > 0;
}

static const char SQL_LIST[] =
    "SELECT o.id, o.kind, coalesce(o.case_id, 0), u.code, o.target, o.state, o.attempts, "
    "o.last_error, o.created_at, o.sent_at, o.next_attempt_at FROM outbox o LEFT JOIN units u ON "
    "u.id = o.unit_id "
    "WHERE (?1 IS NULL OR o.state = ?1) ORDER BY o.id DESC LIMIT 500";
enum {
    L_ID,
    L_KIND,
    L_CASE,
    L_UNIT,
    L_TARGET,
    L_STATE,
    L_ATTEMPTS,
    L_ERROR,
    L_CREATED,
    L_SENT,
    L_NEXT
};

json_t *outbox_store_list(struct dbc *c, const char *state)
{
    sqlite3_stmt *st = db_stmt(c, SQL_LIST);
    if (!st)
        return NULL;
    db_bind_text_or_null(st, 1, state);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(
            arr,
            json_pack(
                "{s:I, s:s, s:I, s:s?, s:s, s:s, s:i, s:s?, s:s, s:s?, s:I}", "id",
                (json_int_t)sqlite3_column_int64(st, L_ID), "kind", sqlite3_column_text(st, L_KIND),
                "case_id", (json_int_t)sqlite3_column_int64(st, L_CASE), "unit",
                sqlite3_column_text(st, L_UNIT), "target", sqlite3_column_text(st, L_TARGET),
                "state", sqlite3_column_text(st, L_STATE), "attempts",
                sqlite3_column_int(st, L_ATTEMPTS), "last_error", sqlite3_column_text(st, L_ERROR),
                "created_at", sqlite3_column_text(st, L_CREATED), "sent_at",
                sqlite3_column_text(st, L_SENT), "next_attempt_at_ms",
                (json_int_t)sqlite3_column_int64(st, L_NEXT)));
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* ---- GDPR: messages to one participant's address ------------------------------ */

static const char SQL_TO_ADDRESS[] =
    "SELECT id, kind, state, walk_id, created_at, sent_at FROM outbox WHERE kind IN "
    "('participant_email', 'follow_up_email') AND lower(trim(target)) = lower(trim(?)) ORDER BY id";
enum { TA_ID, TA_KIND, TA_STATE, TA_WALK, TA_CREATED, TA_SENT };

static json_t *text_of(sqlite3_stmt *st, int i)
{
    const unsigned char *v = sqlite3_column_text(st, i);
    return v ? json_string((const char *)v) : json_null();
}

json_t *outbox_store_messages_to(struct dbc *c, const char *email)
{
    sqlite3_stmt *st = db_stmt(c, SQL_TO_ADDRESS);
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, email, -1, SQLITE_TRANSIENT);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(
            arr, json_pack("{s:I, s:o, s:o, s:o, s:o, s:o}", "id",
                           (json_int_t)sqlite3_column_int64(st, TA_ID), "kind",
                           text_of(st, TA_KIND), "state", text_of(st, TA_STATE), "walk_id",
                           sqlite3_column_type(st, TA_WALK) == SQLITE_NULL
                               ? json_null()
                               : json_integer(sqlite3_column_int64(st, TA_WALK)),
                           "created_at", text_of(st, TA_CREATED), "sent_at", text_of(st, TA_SENT)));
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* The address goes; an undelivered message can no longer be delivered. */
static const char SQL_ERASE_TARGET[] =
    "UPDATE outbox SET target = '', state = CASE WHEN state = 'sent' THEN 'sent' ELSE 'dead' END, "
    "last_error = CASE WHEN state = 'sent' THEN last_error ELSE 'the address was erased' END "
    "WHERE kind IN ('participant_email', 'follow_up_email') AND lower(trim(target)) = "
    "lower(trim(?))";

int outbox_store_erase_address(struct dbc *c, const char *email, int *n)
{
    sqlite3_stmt *st = db_stmt(c, SQL_ERASE_TARGET);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, email, -1, SQLITE_TRANSIENT);
    if (db_run(st) != 0)
        return -1;
    *n = sqlite3_changes(c->db);
    return 0;
}

static const char SQL_ERASE_FOLLOW_UPS[] =
    "UPDATE outbox SET target = '', state = CASE WHEN state = 'sent' THEN 'sent' ELSE 'dead' END, "
    "last_error = CASE WHEN state = 'sent' THEN last_error ELSE 'the address was erased' END "
    "WHERE kind = 'follow_up_email' AND case_id = ? AND target != ''";

int outbox_store_erase_follow_ups(struct dbc *c, int64_t case_id, int *n)
{
    sqlite3_stmt *st = db_stmt(c, SQL_ERASE_FOLLOW_UPS);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, case_id);
    if (db_run(st) != 0)
        return -1;
    *n = sqlite3_changes(c->db);
    return 0;
}
