/*
 * web — serves the pages and their assets from web_root (never the data folder).
 */
#ifndef TRYGG_WEB_H
#define TRYGG_WEB_H

struct req;

/* GET / and GET /w/{code}: the field app. */
int web_field_app(struct req *r);
/* GET /r/{id}: a report's public page (what became of it). */
int web_report(struct req *r);
int web_unsubscribe(struct req *r); /* GET /unsubscribe?token=: the page with its button */
/* GET /map: the public map. */
int web_public_map(struct req *r);
/* GET /walks and GET /walks/{code}: the public walk pages. */
int web_walks(struct req *r);
/* GET /api/v1/openapi.json: the OpenAPI document (web/openapi.json). */
int web_openapi(struct req *r);
/* GET /staff: the staff app (triage, cases, administration). */
int web_staff(struct req *r);

/* GET /stats: the public statistics page. */
int web_stats(struct req *r);
/* GET /static/{*}: files under web/static/. */
int web_static(struct req *r);
/* GET /vendor/{pkg}/{*}: files from web/node_modules/<pkg>/dist/ for whitelisted packages. */
int web_vendor(struct req *r);
/* GET /sw.js and GET /manifest.webmanifest (must live at the root for scope). */
int web_root_file(struct req *r);

/*
 * Sends file rel (relative to web_root, already checked to be safe) with a
 * content type from its extension; 404 when missing. Returns the status.
 */
int web_send_file(struct req *r, const char *rel);

#endif
