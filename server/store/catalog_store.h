/*
 * catalog_store — every SQL statement about the reference tables residents
 * choose from: categories and walks (a walk's area is read from areas,
 * read-only). Never begins or commits (workflow.h).
 */
#ifndef TRYGG_CATALOG_STORE_H
#define TRYGG_CATALOG_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "db.h"

#define CATALOG_WALK_CODE_MAX 32 /* bytes of a walk's join code */

/* The active categories in their display order as
 * [{"code","name_sv","name_en","icon","kind"}], or NULL on error. */
json_t *catalog_store_categories(struct dbc *c);

/* 1 when code names an active category, 0 when not, -1 on error. */
int catalog_store_category_active(struct dbc *c, const char *code);

/* The id of the walk with join code code, 0 when none, -1 on error. */
int64_t catalog_store_walk_id(struct dbc *c, const char *code);

/* The walk with join code code as
 * {"code","title","starts_at"|null,"area":{"id","code","name"}|null}; NULL when
 * there is none or on error (*failed = 1 then). */
json_t *catalog_store_walk_json(struct dbc *c, const char *code, int *failed);

/* 0 when the database answers a query on the catalog, -1 when not (health check). */
int catalog_store_ping(struct dbc *c);

#endif
