/*
 * users — staff accounts: the "trygg user add" command and the admin API.
 */
#ifndef TRYGG_USERS_H
#define TRYGG_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct req;

#define USERS_PASSWORD_MIN_CHARS 8
#define USERS_PASSWORD_MAX_CHARS 128

/*
 * The "trygg user SUB" command: "add" creates a user with the password read
 * from standard input (never from the command line). Returns the exit code.
 */
int users_cli(struct dbc *c, const char *sub, const char *username, const char *role,
              const char *unit);

/*
 * Creates a user. role is a role name; unit_id is required for "unit" and
 * ignored otherwise. Returns the new id, or -1 with a stable error code in
 * *code, the field at fault in *field and a message in err.
 */
int64_t users_create(struct dbc *c, const char *username, const char *password, const char *role,
                     int64_t unit_id, const char *display_name, const char **code,
                     const char **field, char *err, size_t errlen);

/* GET /api/v1/users, POST /api/v1/users, PUT /api/v1/users/{id} (admin). */
int users_list(struct req *r);
int users_post(struct req *r);
int users_put(struct req *r);

#endif
