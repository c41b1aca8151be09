/*
 * catalog — the small public reference endpoints: categories, walks by join
 * code, the client configuration and the health check.
 */
#ifndef TRYGG_CATALOG_H
#define TRYGG_CATALOG_H

struct req;

/* GET /api/v1/categories */
int catalog_categories(struct req *r);
/* GET /api/v1/walks/{code} */
int catalog_walk(struct req *r);
/* GET /api/v1/config */
int catalog_client_config(struct req *r);
/* GET /healthz */
int catalog_health(struct req *r);

#endif
