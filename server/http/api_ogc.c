/*
 * api_ogc — OGC API – Features, Part 1 Core (GeoJSON and HTML) under /ogc:
 * the landing page, conformance, and three collections — public observations,
 * areas and public walks — with items (bbox, datetime, limit, offset and
 * property filters; absolute next links that keep every filter, as GDAL and
 * QGIS follow them exactly as given) and single features. Read-only and
 * public: never contact details. An unknown query parameter is a 400; a limit
 * above the maximum is clamped.
 */
#include "api.h"
#include "jsonout.h"
#include "area_store.h"
#include "http.h"
#include "obs_store.h"
#include "ogc_query.h"
#include "validate.h"
#include "walk_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OGC_LIMIT_DEFAULT 10
#define OGC_LIMIT_MAX 1000
#define OGC_CRS84 "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
#define OGC_GEOJSON "application/geo+json"

struct collection {
    const char *id, *title, *description;
    const char *const *props; /* the property filters it accepts */
    json_t *(*items)(struct dbc *c, const struct ogc_query *q, int64_t *matched);
};

static const char *const obs_props[] = {"category", "status", "area", NULL};
static const char *const area_props[] = {"code", NULL};
static const char *const walk_props[] = {"state", "area", NULL};

static const struct collection collections[] = {
    {"observations", "Iakttagelser / Observations",
     "Residents' observations from safety walks and the field app (public fields only)", obs_props,
     obs_store_ogc_items},
    {"areas", "Områden / Local network areas", "The local network areas of the municipality",
     area_props, area_store_ogc_items},
    {"walks", "Trygghetsvandringar / Safety walks", "Public safety walks: route or meeting point",
     walk_props, walk_store_ogc_items},
};

static const struct collection *find_collection(const char *id)
{
    for (size_t i = 0; i < sizeof collections / sizeof collections[0]; i++)
        if (strcmp(collections[i].id, id) == 0)
            return &collections[i];
    return NULL;
}

/* 1 when the client asked for HTML (f=html, or a browser's Accept without JSON). */
static int wants_html(struct req *r, int *bad)
{
    char f[16];
    *bad = 0;
    int h = http_query_or_reply(r, "f", f, sizeof f);
    if (h < 0) {
        *bad = 1;
        return 0;
    }
    if (h) {
        if (strcmp(f, "html") == 0)
            return 1;
        if (strcmp(f, "json") && strcmp(f, "geojson")) {
            http_reply_error(r, ERR_BAD_REQUEST, "f", "'f' is json or html");
            *bad = 1;
        }
        return 0;
    }
    const char *accept = http_header(r, "Accept");
    return accept && strstr(accept, "text/html") && !strstr(accept, "json");
}

static void html_text(char **buf, size_t *len, size_t *cap, const char *s)
{
    for (; s && *s; s++) {
        const char *rep = NULL;
        char one[2] = {*s, 0};
        switch (*s) {
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '&':
            rep = "&amp;";
            break;
        case '"':
            rep = "&quot;";
            break;
        default:
            rep = one;
        }
        size_t n = strlen(rep);
        if (*len + n + 1 > *cap) {
            size_t nc = (*cap + n + 1) * 2;
            char *nb = realloc(*buf, nc);
            if (!nb)
                return;
            *buf = nb;
            *cap = nc;
        }
        memcpy(*buf + *len, rep, n);
        *len += n;
        (*buf)[*len] = '\0';
    }
}

/* A plain, accessible HTML view of a JSON answer (title + preformatted JSON). */
static int reply_html(struct req *r, const char *title, json_t *body)
{
    char *json = json_dumps(body, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    json_decref(body);
    size_t len = 0, cap = 1024;
    char *buf = malloc(cap);
    if (!buf || !json) {
        free(buf);
        free(json);
        return http_reply_error(r, ERR_INTERNAL, NULL, "out of memory");
    }
    buf[0] = '\0';
    html_text(&buf, &len, &cap, "");
    const char *head = "<!doctype html><html lang=\"sv\"><head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                       "<title>";
    char *out = NULL;
    size_t olen = 0;
    FILE *f = open_memstream(&out, &olen);
    if (f) {
        fputs(head, f);
        html_text(&buf, &len, &cap, title);
        fputs(buf, f);
        fputs("</title></head><body><main><h1>", f);
        fputs(buf, f);
        fputs("</h1><pre>", f);
        len = 0;
        buf[0] = '\0';
        html_text(&buf, &len, &cap, json);
        fputs(buf, f);
        fputs("</pre></main></body></html>\n", f);
        fclose(f);
    }
    free(buf);
    free(json);
    if (!out)
        return http_reply_error(r, ERR_INTERNAL, NULL, "out of memory");
    http_reply_bytes(r, 200, "text/html; charset=utf-8", out, olen, NULL);
    free(out);
    return 200;
}

static int reply_ogc(struct req *r, const char *type, const char *title, json_t *body)
{
    int bad;
    int html = wants_html(r, &bad);
    if (bad) {
        json_decref(body);
        return r->status;
    }
    if (html)
        return reply_html(r, title, body);
    char *s = jsonout_dumps(body, HTTP_JSON_TEXT_MAX, NULL);
    json_decref(body);
    if (!s)
        return http_reply_error(r, ERR_INTERNAL, NULL, "out of memory");
    http_reply_bytes(r, 200, type, s, strlen(s), NULL);
    free(s);
    return 200;
}

static json_t *link(const char *href, const char *rel, const char *type, const char *title)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "href", href, "rel", rel, "type", type, "title",
                     title);
}

int api_ogc_landing(struct req *r)
{
    char base[300], self[400], api[400], conf[400], data[400];
    http_base_url(r, base, sizeof base);
    snprintf(self, sizeof self, "%s/ogc", base);
    snprintf(api, sizeof api, "%s/api/v1/openapi.json", base);
    snprintf(conf, sizeof conf, "%s/ogc/conformance", base);
    snprintf(data, sizeof data, "%s/ogc/collections", base);
    json_t *links = json_array();
    json_array_append_new(links, link(self, "self", "application/json", "This document"));
    json_array_append_new(links,
                          link(api, "service-desc", "application/vnd.oai.openapi+json;version=3.0",
                               "The API definition"));
    json_array_append_new(links, link(conf, "conformance", "application/json", "Conformance"));
    json_array_append_new(links, link(data, "data", "application/json", "Collections"));
    char title[200];
    snprintf(title, sizeof title, "trygg – %s", r->cfg->municipality_name);
    return reply_ogc(r, "application/json", title,
                     json_pack("{s:s, s:s, s:o}", "title", title, "description",
                               "Observations from safety walks, the local network areas and "
                               "public walks, as OGC API – Features",
                               "links", links));
}

int api_ogc_conformance(struct req *r)
{
    return reply_ogc(r, "application/json", "Conformance",
                     json_pack("{s:[s, s, s, s]}", "conformsTo",
                               "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                               "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
                               "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
                               "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"));
}

static json_t *collection_json(struct req *r, const struct collection *col, const char *base)
{
    char self[400], items[420], html[430];
    snprintf(self, sizeof self, "%s/ogc/collections/%s", base, col->id);
    snprintf(items, sizeof items, "%s/items", self);
    snprintf(html, sizeof html, "%s?f=html", items);
    json_t *links = json_array();
    json_array_append_new(links, link(self, "self", "application/json", col->title));
    json_array_append_new(links, link(items, "items", OGC_GEOJSON, "Items as GeoJSON"));
    json_array_append_new(links, link(html, "items", "text/html", "Items as HTML"));
    struct municipality m;
    json_t *bbox = json_null();
    if (area_store_municipality(r->dbc, &m) == 1 && m.has_bbox)
        bbox = json_pack("[[f, f, f, f]]", m.bbox[0], m.bbox[1], m.bbox[2], m.bbox[3]);
    else
        bbox = json_pack("[[f, f, f, f]]", -180.0, -90.0, 180.0, 90.0);
    return json_pack("{s:s, s:s, s:s, s:o, s:{s:{s:o, s:s}, s:{s:[[n, n]]}}, s:s, s:[s]}", "id",
                     col->id, "title", col->title, "description", col->description, "links", links,
                     "extent", "spatial", "bbox", bbox, "crs", OGC_CRS84, "temporal", "interval",
                     "itemType", "feature", "crs", OGC_CRS84);
}

int api_ogc_collections(struct req *r)
{
    char base[300], self[400];
    http_base_url(r, base, sizeof base);
    snprintf(self, sizeof self, "%s/ogc/collections", base);
    json_t *arr = json_array();
    for (size_t i = 0; i < sizeof collections / sizeof collections[0]; i++)
        json_array_append_new(arr, collection_json(r, &collections[i], base));
    json_t *links = json_array();
    json_array_append_new(links, link(self, "self", "application/json", "Collections"));
    return reply_ogc(r, "application/json", "Collections",
                     json_pack("{s:o, s:o}", "links", links, "collections", arr));
}

int api_ogc_collection(struct req *r)
{
    char base[300];
    const struct collection *col = find_collection(r->param[0]);
    if (!col)
        return http_reply_error(r, ERR_NOT_FOUND, NULL, "no collection '%s'", r->param[0]);
    http_base_url(r, base, sizeof base);
    return reply_ogc(r, "application/json", col->title, collection_json(r, col, base));
}

/* 1 when name is a parameter this collection's items accept. */
static int param_known(const struct collection *col, const char *name, size_t n)
{
    static const char *const common[] = {"bbox", "limit",    "offset", "datetime",
                                         "f",    "bbox-crs", NULL};
    for (const char *const *p = common; *p; p++)
        if (strlen(*p) == n && strncmp(*p, name, n) == 0)
            return 1;
    for (const char *const *p = col->props; *p; p++)
        if (strlen(*p) == n && strncmp(*p, name, n) == 0)
            return 1;
    return 0;
}

/* Parses datetime (an instant or an interval a/b with .. or empty for open ends). 0 or -1. */
static int parse_datetime(const char *s, char from[32], char to[32], int *has_from, int *has_to)
{
    char a[64], b[64];
    int64_t t;
    const char *slash = strchr(s, '/');
    *has_from = *has_to = 0;
    if (!slash) {
        if (parse_rfc3339(s, &t) != 0)
            return -1;
        format_rfc3339(t, from, 32);
        format_rfc3339(t, to, 32);
        *has_from = *has_to = 1;
        return 0;
    }
    size_t la = (size_t)(slash - s);
    if (la >= sizeof a || strlen(slash + 1) >= sizeof b)
        return -1;
    memcpy(a, s, la);
    a[la] = '\0';
    snprintf(b, sizeof b, "%s", slash + 1);
    if (*a && strcmp(a, "..")) {
        if (parse_rfc3339(a, &t) != 0)
            return -1;
        format_rfc3339(t, from, 32);
        *has_from = 1;
    }
    if (*b && strcmp(b, "..")) {
        if (parse_rfc3339(b, &t) != 0)
            return -1;
        format_rfc3339(t, to, 32);
        *has_to = 1;
    }
    return *has_from || *has_to || (strcmp(a, "..") == 0 || strcmp(b, "..") == 0) ? 0 : -1;
}

/* Appends "&name=value" (URL-encoded) to a link. */
static void link_param(char *l, size_t cap, const char *name, const char *value)
{
    char enc[HTTP_QUERY_VALUE_MAX * 3 + 1];
    mg_url_encode(value, enc, sizeof enc);
    size_t n = strlen(l);
    snprintf(l + n, cap - n, "%s%s=%s", strchr(l, '?') ? "&" : "?", name, enc);
}

static int items(struct req *r, int single)
{
    const struct collection *col = find_collection(r->param[0]);
    if (!col)
        return http_reply_error(r, ERR_NOT_FOUND, NULL, "no collection '%s'", r->param[0]);
    /* every parameter must be one we know */
    for (const char *p = r->query; p && *p;) {
        size_t plen = strcspn(p, "&");
        size_t klen = strcspn(p, "=&");
        if (plen > 0 && !param_known(col, p, klen < plen ? klen : plen))
            return http_reply_error(r, ERR_BAD_REQUEST, NULL,
                                    "unknown query parameter '%.*s' for %s",
                                    (int)(klen < 64 ? klen : 64), p, col->id);
        p += plen + (p[plen] == '&');
    }
    char bbox_s[256], limit_s[32], offset_s[32], dt_s[140], crs_s[128];
    char props[3][HTTP_QUERY_VALUE_MAX];
    char from[32], to[32];
    struct ogc_query q = {0};
    q.limit = OGC_LIMIT_DEFAULT;
    int hb, hl, ho, hd, hc;
    if ((hb = http_query_or_reply(r, "bbox", bbox_s, sizeof bbox_s)) < 0 ||
        (hl = http_query_or_reply(r, "limit", limit_s, sizeof limit_s)) < 0 ||
        (ho = http_query_or_reply(r, "offset", offset_s, sizeof offset_s)) < 0 ||
        (hd = http_query_or_reply(r, "datetime", dt_s, sizeof dt_s)) < 0 ||
        (hc = http_query_or_reply(r, "bbox-crs", crs_s, sizeof crs_s)) < 0)
        return r->status;
    if (hc && strcmp(crs_s, OGC_CRS84) != 0)
        return http_reply_error(r, ERR_BAD_REQUEST, "bbox-crs", "only %s is supported", OGC_CRS84);
    if (hb && parse_bbox(bbox_s, q.bbox) != 0)
        return http_reply_error(r, ERR_BAD_REQUEST, "bbox",
                                "'bbox' is minlon,minlat,maxlon,maxlat in CRS84");
    q.has_bbox = hb;
    if (hl) {
        int64_t l;
        if (parse_i64(limit_s, 1, INT64_MAX, &l) != 0)
            return http_reply_error(r, ERR_BAD_REQUEST, "limit", "'limit' is a positive integer");
        q.limit = l > OGC_LIMIT_MAX ? OGC_LIMIT_MAX : l; /* clamped, as the standard says */
    }
    if (ho && parse_i64(offset_s, 0, INT64_MAX / 2, &q.offset) != 0)
        return http_reply_error(r, ERR_BAD_REQUEST, "offset", "'offset' is a whole number");
    int has_from = 0, has_to = 0;
    if (hd && parse_datetime(dt_s, from, to, &has_from, &has_to) != 0)
        return http_reply_error(r, ERR_BAD_REQUEST, "datetime",
                                "'datetime' is an RFC 3339 instant or interval (a/b, ../b, a/..)");
    q.from = has_from ? from : NULL;
    q.to = has_to ? to : NULL;
    int hp[3] = {0, 0, 0};
    for (int i = 0; col->props[i]; i++) {
        if ((hp[i] = http_query_or_reply(r, col->props[i], props[i], sizeof props[i])) < 0)
            return r->status;
        if (!hp[i])
            continue;
        const char *name = col->props[i];
        if (strcmp(name, "category") == 0)
            q.category = props[i];
        else if (strcmp(name, "status") == 0 || strcmp(name, "state") == 0)
            q.status = props[i];
        else if (strcmp(name, "area") == 0)
            q.area = props[i];
        else if (strcmp(name, "code") == 0)
            q.code = props[i];
    }
    if (single) {
        if (parse_i64(r->param[1], 1, INT64_MAX, &q.feature_id) != 0)
            return http_reply_error(r, ERR_NOT_FOUND, NULL, "no such feature");
        q.limit = 1;
        q.offset = 0;
    }
    int64_t matched = 0;
    json_t *features = col->items(r->dbc, &q, &matched);
    if (!features)
        return http_reply_error(r, db_failure(r->dbc), NULL, "the features could not be read");
    char base[300], self[8192], next[8192], colurl[400];
    http_base_url(r, base, sizeof base);
    snprintf(colurl, sizeof colurl, "%s/ogc/collections/%s", base, col->id);
    if (single) {
        json_t *f = json_incref(json_array_get(features, 0));
        json_decref(features);
        if (!f)
            return http_reply_error(r, ERR_NOT_FOUND, NULL, "no such feature");
        snprintf(self, sizeof self, "%s/items/%s", colurl, r->param[1]);
        json_t *links = json_array();
        json_array_append_new(links, link(self, "self", OGC_GEOJSON, "This feature"));
        json_array_append_new(links, link(colurl, "collection", "application/json", col->title));
        json_object_set_new(f, "links", links);
        return reply_ogc(r, OGC_GEOJSON, col->title, f);
    }
    /* self and next keep every filter, as absolute links */
    snprintf(self, sizeof self, "%s/items", colurl);
    if (hb)
        link_param(self, sizeof self, "bbox", bbox_s);
    if (hd)
        link_param(self, sizeof self, "datetime", dt_s);
    for (int i = 0; col->props[i]; i++)
        if (hp[i])
            link_param(self, sizeof self, col->props[i], props[i]);
    snprintf(limit_s, sizeof limit_s, "%lld", (long long)q.limit);
    link_param(self, sizeof self, "limit", limit_s);
    snprintf(next, sizeof next, "%s", self);
    snprintf(offset_s, sizeof offset_s, "%lld", (long long)q.offset);
    link_param(self, sizeof self, "offset", offset_s);
    size_t returned = json_array_size(features);
    json_t *links = json_array();
    json_array_append_new(links, link(self, "self", OGC_GEOJSON, "This page"));
    json_array_append_new(links, link(colurl, "collection", "application/json", col->title));
    if (q.offset + (int64_t)returned < matched) {
        snprintf(offset_s, sizeof offset_s, "%lld", (long long)(q.offset + q.limit));
        link_param(next, sizeof next, "offset", offset_s);
        json_array_append_new(links, link(next, "next", OGC_GEOJSON, "Next page"));
    }
    char stamp[32];
    format_rfc3339((int64_t)time(NULL), stamp, sizeof stamp);
    return reply_ogc(r, OGC_GEOJSON, col->title,
                     json_pack("{s:s, s:o, s:o, s:I, s:I, s:s}", "type", "FeatureCollection",
                               "features", features, "links", links, "numberMatched",
                               (json_int_t)matched, "numberReturned", (json_int_t)returned,
                               "timeStamp", stamp));
}

int api_ogc_items(struct req *r)
{
    return items(r, 0);
}

int api_ogc_item(struct req *r)
{
    return items(r, 1);
}
