/*
 * workflow — the shared helpers of workflow.h: roles, failures, and the
 * begin/commit pair every workflow action uses.
 */
#include "workflow.h"
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    unsigned bit;
} role_names[] = {{"admin", ROLE_ADMIN},
                  {"triage", ROLE_TRIAGE},
                  {"unit", ROLE_UNIT},
                  {"organiser", ROLE_ORGANISER}};

unsigned wf_role_from_name(const char *name)
{
    for (size_t i = 0; name && i < sizeof role_names / sizeof role_names[0]; i++)
        if (strcmp(name, role_names[i].name) == 0)
            return role_names[i].bit;
    return 0;
}

const char *wf_role_name(unsigned role)
{
    for (size_t i = 0; i < sizeof role_names / sizeof role_names[0]; i++)
        if (role == role_names[i].bit)
            return role_names[i].name;
    return "unknown";
}

int wf_fail(struct wf_error *err, enum err_code code, const char *field, const char *fmt, ...)
{
    err->code = code;
    err->field = field;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return -1;
}

int wf_fail_db(struct dbc *c, struct wf_error *err, const char *what)
{
    enum err_code code = db_failure(c);
    const char *why = db_failure_text(c); /* before the rollback resets it */
    db_rollback(c);
    if (code == ERR_UNAVAILABLE)
        return wf_fail(err, code, NULL, "%s: the database is busy, try again shortly", what);
    return wf_fail(err, code, NULL, "%s: %s; nothing was stored, try again later", what, why);
}

int wf_begin(struct dbc *c, struct wf_error *err)
{
    if (db_begin(c) == 0)
        return 0;
    return wf_fail_db(c, err, "the change could not start");
}

int wf_commit(struct dbc *c, struct wf_error *err, const char *what)
{
    if (db_commit(c) == 0)
        return 0;
    return wf_fail_db(c, err, what);
}

int wf_job_fail_db(struct dbc *c, struct wf_error *err, const char *what)
{
    const char *why = db_failure_text(c);
    enum err_code code = db_failure(c);
    if (code == ERR_UNAVAILABLE)
        return wf_fail(err, code, NULL, "%s: the database is busy, try again shortly", what);
    return wf_fail(err, code, NULL, "%s: %s; nothing was stored, try again later", what, why);
}

int wf_write(struct dbc *c, const struct config *cfg, db_job_fn job, void *ctx,
             struct wf_error *err, const char *what)
{
    struct db_write_failure f = {ERR_UNAVAILABLE, NULL};
    int rc = db_write(c, job, ctx, cfg->db_busy_timeout_ms, &f);
    if (rc == 0)
        return 0;
    if (rc == 1)
        return -1; /* the job filled *err */
    if (f.code == ERR_UNAVAILABLE)
        return wf_fail(err, f.code, NULL, "%s: %s, try again shortly", what,
                       f.text ? f.text : "the database is busy");
    return wf_fail(err, f.code, NULL, "%s: %s; nothing was stored, try again later", what,
                   f.text ? f.text : "the database failed");
}
