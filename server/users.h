/*
 * users — staff accounts (issue 3).
 */
#ifndef TRYGG_USERS_H
#define TRYGG_USERS_H

#include "db.h"

/*
 * The "trygg user SUB" command: "add" creates a user with the password read
 * from standard input. Returns the process exit code.
 */
int users_cli(struct dbc *c, const char *sub, const char *username, const char *role,
              const char *unit);

#endif
