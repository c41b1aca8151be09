/*
 * users — staff accounts: not built yet (issue 3).
 */
#include "users.h"

#include <stdio.h>

int users_cli(struct dbc *c, const char *sub, const char *username, const char *role,
              const char *unit)
{
    (void)c;
    (void)sub;
    (void)username;
    (void)role;
    (void)unit;
    fprintf(stderr, "trygg: staff accounts are not built yet\n");
    return 1;
}
