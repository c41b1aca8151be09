/*
 * workflow — what trygg does: filing an observation, changing a case, a
 * unit's update, an admin's change. Every way in (HTTP, Open311, walks, the
 * command line) calls these functions; none of them strings stores together
 * itself. This header holds what all workflow modules share.
 *
 * THE TRANSACTION CONVENTION (the only one in trygg)
 * 1. A workflow action — a non-static wf_* function that changes data — opens
 *    its own write transaction (db_begin: BEGIN IMMEDIATE), makes every write
 *    through the stores, re-reads inside the transaction whatever its decision
 *    depends on, and commits. It returns 0 only after COMMIT returned
 *    SQLITE_OK: success means committed.
 * 2. On any failure it rolls back before it returns -1 with *err filled, so
 *    nothing is ever half-written.
 * 3. Stores never begin, commit or roll back. HTTP handlers and the command
 *    line never do either: one change = one workflow call. Static helpers in a
 *    workflow module run inside their caller's transaction.
 * 4. A busy database is ERR_UNAVAILABLE, a database that cannot write is
 *    ERR_STORAGE_FAILED (db_failure decides): both answer 503 with
 *    Retry-After, never a 2xx and never a 4xx that blames the client.
 * 5. Reads need no transaction: handlers may call one store read model (or a
 *    view in views.h) directly; a read that decides a write is repeated inside
 *    the write's transaction.
 */
#ifndef TRYGG_WORKFLOW_H
#define TRYGG_WORKFLOW_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "db.h"
#include "dbwriter.h"
#include "errors.h"

/* Staff roles. A route's roles mask says who may call it; 0 = anyone. */
enum {
    ROLE_ADMIN = 1u << 0,
    ROLE_TRIAGE = 1u << 1,
    ROLE_UNIT = 1u << 2,
    ROLE_ORGANISER = 1u << 3,
};
/* Not a staff role: the system itself (routing a new case). Never in a session. */
#define ROLE_SYSTEM (1u << 7)
#define ROLE_ANY_STAFF (ROLE_ADMIN | ROLE_TRIAGE | ROLE_UNIT | ROLE_ORGANISER)
#define ROLE_OFFICE (ROLE_ADMIN | ROLE_TRIAGE)                /* the technical office */
#define ROLE_CASE_WORK (ROLE_ADMIN | ROLE_TRIAGE | ROLE_UNIT) /* may work on cases */

/* ROLE_* bit for "admin", "triage", "unit", "organiser"; 0 when unknown. */
unsigned wf_role_from_name(const char *name);
/* The name of a ROLE_* bit ("unknown" for anything else). */
const char *wf_role_name(unsigned role);

/* Who makes a change. */
struct wf_actor {
    int64_t user_id;   /* 0: the system or a unit's own system */
    const char *label; /* shown in the history: a user name, "system", "unit:<code>" */
    unsigned role;     /* one ROLE_* bit */
    int64_t unit_id;   /* for ROLE_UNIT: the unit acted for; 0 otherwise */
};

/* Why a workflow call failed: a code from the error table, the field at fault
 * (static string or NULL) and a human message. */
struct wf_error {
    enum err_code code;
    const char *field;
    char message[256];
};

/* Fills *err and returns -1 (for "return wf_fail(...)"). */
int wf_fail(struct wf_error *err, enum err_code code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Rolls back c's open transaction, fills *err from db_failure(c) with message
 * what ("the case could not be saved"), returns -1. */
int wf_fail_db(struct dbc *c, struct wf_error *err, const char *what);

/* Commits c's transaction; on failure rolls back and fills *err as
 * wf_fail_db. 0 or -1. */
int wf_commit(struct dbc *c, struct wf_error *err, const char *what);

/* Opens c's write transaction; on failure fills *err (busy: 503). 0 or -1. */
int wf_begin(struct dbc *c, struct wf_error *err);

/*
 * GROUP COMMIT (dbwriter.h). A workflow action whose writes are short and
 * depend only on what it can check inside them may hand them to wf_write as
 * a job instead of opening a transaction itself: the job runs in a SAVEPOINT
 * of a transaction shared with other requests' jobs, on a connection that is
 * not the caller's. So a job never begins, commits or rolls back; on a
 * database failure it fills its error with wf_job_fail_db and returns -1.
 * Its reads that decide the write are done inside the job.
 */

/* Fills *err from db_failure(c) like wf_fail_db, without rolling back (the
 * writer rolls the job's savepoint back). Returns -1. */
int wf_job_fail_db(struct dbc *c, struct wf_error *err, const char *what);

/*
 * Runs job(conn, ctx) durably (db_write: through c's writer, or on c). 0 when
 * it committed; -1 with *err filled when the job failed (it filled *err
 * itself) or the database did (busy: ERR_UNAVAILABLE; message from what).
 */
int wf_write(struct dbc *c, const struct config *cfg, db_job_fn job, void *ctx,
             struct wf_error *err, const char *what);

#endif