/*
 * api_open311 — Open311 GeoReport v2 under /open311/v2/: discovery, services,
 * service definitions, requests (GET and POST), one request, tokens; XML (the
 * spec's required format) or JSON, chosen by the suffix. POST bodies are
 * application/x-www-form-urlencoded, read with trygg's own bounded parser
 * (form.h). Errors are the spec's list of {code, description} with the HTTP
 * status as code. Thin: the workflow files and reads (wf_open311.h).
 */
#include "api.h"
#include "crypto.h"
#include "form.h"
#include "http.h"
#include "obs_store.h"
#include "validate.h"
#include "wf_open311.h"
#include "xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define O311_XML_MAX_BYTES (16L * 1024 * 1024)
#define O311_SPEC "http://wiki.open311.org/GeoReport_v2"

static const struct xml_singular singulars[] = {
    {"endpoints", "endpoint"}, {"formats", "format"}, {"attributes", "attribute"},
    {"values", "value"},       {NULL, NULL},
};

/* The format of a document name: 1 JSON, 0 XML, -1 neither; base gets the name without it. */
static int doc_format(const char *doc, char *base, size_t cap)
{
    size_t n = strlen(doc);
    int json = n > 5 && strcmp(doc + n - 5, ".json") == 0;
    int xml = n > 4 && strcmp(doc + n - 4, ".xml") == 0;
    if (!json && !xml)
        return -1;
    size_t bl = n - (json ? 5 : 4);
    if (bl + 1 > cap)
        return -1;
    memcpy(base, doc, bl);
    base[bl] = '\0';
    return json;
}

/* Sends value (reference stolen) as JSON or as the XML document root/item. */
static int reply(struct req *r, int status, int json, const char *root, const char *item,
                 json_t *value)
{
    if (json)
        return http_reply_json(r, status, value);
    size_t len = 0;
    char *x = xml_from_json(root, item, value, singulars, O311_XML_MAX_BYTES, &len);
    json_decref(value);
    if (!x)
        return http_reply_error(r, ERR_INTERNAL, NULL, "the answer is too large");
    http_reply_bytes(r, status, "text/xml; charset=utf-8", x, len, NULL);
    free(x);
    return status;
}

/* The spec's error list: [{"code": status, "description": …}]. */
static int reply_o311_error(struct req *r, int json, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int reply_o311_error(struct req *r, int json, int status, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (utf8_check(msg, strlen(msg), NULL) != 0)
        snprintf(msg, sizeof msg, "invalid request");
    return reply(r, status, json, "errors", "error",
                 json_pack("[{s:i, s:s}]", "code", status, "description", msg));
}

/* A workflow failure as an Open311 error: validation is 400, keys 403, absent 404. */
static int reply_o311_fail(struct req *r, int json, const struct wf_error *e)
{
    int status = errors_status(e->code);
    if (status == 422 || status == 400 || status == 409 || status == 413 || status == 415)
        status = 400;
    else if (status == 401)
        status = 403;
    if (errors_retryable(e->code)) {
        /* keep our 503 + Retry-After: a client can try again */
        return http_reply_fail(r, e);
    }
    return reply_o311_error(r, json, status, "%s%s%s", e->field ? e->field : "",
                            e->field ? ": " : "", e->message);
}

/* jurisdiction_id, when sent, must be ours. 0 or replied. */
static int jurisdiction_ok_or_reply(struct req *r, int json, const char *given)
{
    const char *ours = r->cfg->open311_jurisdiction_id[0] ? r->cfg->open311_jurisdiction_id
                                                          : r->cfg->municipality_code;
    if (!given || strcmp(given, ours) == 0)
        return 0;
    return reply_o311_error(r, json, 404, "jurisdiction_id '%s' is not served here (use '%s')",
                            given, ours),
           -1;
}

static int discovery(struct req *r, int json)
{
    char base[300], url[400];
    http_base_url(r, base, sizeof base);
    snprintf(url, sizeof url, "%s/open311/v2", base);
    json_t *d = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:[s, s]}]}", "changeset",
                          "2026-11-25T00:00:00Z", "contact", r->cfg->smtp_from, "key_service",
                          "Ask the municipality's technical office for an API key (trygg "
                          "api-key add NAME).",
                          "endpoints", "specification", O311_SPEC, "url", url, "changeset",
                          "2026-11-25T00:00:00Z", "type", "production", "formats", "text/xml",
                          "application/json");
    return reply(r, 200, json, "discovery", NULL, d);
}

static int services(struct req *r, int json)
{
    char jur[64];
    struct wf_error err;
    int h = http_query_or_reply(r, "jurisdiction_id", jur, sizeof jur);
    if (h < 0 || jurisdiction_ok_or_reply(r, json, h ? jur : NULL) != 0)
        return r->status;
    json_t *s = wf_open311_services(r->dbc, &err);
    if (!s)
        return reply_o311_fail(r, json, &err);
    return reply(r, 200, json, "services", "service", s);
}

/* The date parameters in W3C form into RFC 3339 text (ts); 0, 1 absent, or replied. */
static int date_param(struct req *r, int json, const char *name, int64_t *t, char ts[32])
{
    char v[64];
    int h = http_query_or_reply(r, name, v, sizeof v);
    if (h <= 0)
        return h < 0 ? -1 : 1;
    if (parse_rfc3339(v, t) != 0)
        return reply_o311_error(r, json, 400,
                                "%s must be a W3C datetime such as "
                                "2026-11-24T18:30:00Z",
                                name),
               -1;
    format_rfc3339(*t, ts, 32);
    return 0;
}

static int requests_get(struct req *r, int json)
{
    char ids_s[2048], codes_s[1024], status_s[16], jur[64], ids_json[4096], codes_json[2048];
    char start_ts[32], end_ts[32], base[300];
    int64_t start = 0, end = 0;
    struct obs_open311_filter f = {0};
    struct wf_error err;
    int h_ids, h_codes, h_status, h_jur;
    if ((h_ids = http_query_or_reply(r, "service_request_id", ids_s, sizeof ids_s)) < 0 ||
        (h_codes = http_query_or_reply(r, "service_code", codes_s, sizeof codes_s)) < 0 ||
        (h_status = http_query_or_reply(r, "status", status_s, sizeof status_s)) < 0 ||
        (h_jur = http_query_or_reply(r, "jurisdiction_id", jur, sizeof jur)) < 0 ||
        jurisdiction_ok_or_reply(r, json, h_jur ? jur : NULL) != 0)
        return r->status;
    f.limit = WF_OPEN311_MAX_REQUESTS;
    if (h_ids) {
        /* "Allows one to search for requests which have a specific ID": the other
         * filters are then ignored, as the spec says. */
        json_t *arr = json_array();
        char *save = NULL;
        int n = 0;
        for (char *tok = strtok_r(ids_s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            int64_t id;
            if (parse_i64(tok, 1, INT64_MAX, &id) != 0 || ++n > WF_OPEN311_MAX_IDS) {
                json_decref(arr);
                return reply_o311_error(r, json, 400,
                                        "service_request_id is a comma-separated list of at most "
                                        "%d request ids",
                                        WF_OPEN311_MAX_IDS);
            }
            json_array_append_new(arr, json_integer(id));
        }
        char *t = json_dumps(arr, JSON_COMPACT);
        json_decref(arr);
        if (!t)
            return http_reply_error(r, ERR_INTERNAL, NULL, "out of memory");
        snprintf(ids_json, sizeof ids_json, "%s", t);
        free(t);
        f.ids = ids_json;
    } else {
        int hs = date_param(r, json, "start_date", &start, start_ts);
        int he = hs < 0 ? -1 : date_param(r, json, "end_date", &end, end_ts);
        if (hs < 0 || he < 0)
            return r->status;
        int64_t window = (int64_t)WF_OPEN311_WINDOW_DAYS * 86400;
        if (hs == 1 && he == 1) { /* the most recent 90 days */
            end = (int64_t)time(NULL);
            start = end - window;
        } else if (hs == 1) {
            start = end - window;
        } else if (he == 1) {
            end = start + window;
        }
        if (end < start)
            return reply_o311_error(r, json, 400, "end_date is before start_date");
        if (end - start > window)
            return reply_o311_error(r, json, 400,
                                    "start_date and end_date may not span more than %d days",
                                    WF_OPEN311_WINDOW_DAYS);
        format_rfc3339(start, start_ts, sizeof start_ts);
        format_rfc3339(end, end_ts, sizeof end_ts);
        f.start = start_ts;
        f.end = end_ts;
        if (h_codes) {
            if (parse_code_list(codes_s, 32, codes_json, sizeof codes_json) < 0)
                return reply_o311_error(r, json, 400,
                                        "service_code is a comma-separated list of codes");
            f.service_codes = codes_json;
        }
        if (h_status) {
            int open = strcmp(status_s, "open") == 0, closed = strcmp(status_s, "closed") == 0;
            if (!open && !closed && strcmp(status_s, "open,closed") &&
                strcmp(status_s, "closed,open"))
                return reply_o311_error(r, json, 400, "status is open or closed");
            f.status = open ? 1 : closed ? 2 : 0;
        }
    }
    http_base_url(r, base, sizeof base);
    json_t *rows = wf_open311_requests(r->dbc, base, &f, &err);
    if (!rows)
        return reply_o311_fail(r, json, &err);
    return reply(r, 200, json, "service_requests", "request", rows);
}

int api_open311_get(struct req *r)
{
    char name[64];
    int json = doc_format(r->param[0], name, sizeof name);
    if (json < 0)
        return reply_o311_error(r, 0, 404, "use .xml or .json");
    if (strcmp(name, "discovery") == 0)
        return discovery(r, json);
    if (strcmp(name, "services") == 0)
        return services(r, json);
    if (strcmp(name, "requests") == 0)
        return requests_get(r, json);
    return reply_o311_error(r, json, 404, "no such resource");
}

int api_open311_service(struct req *r)
{
    char code[64];
    struct wf_error err;
    int json = doc_format(r->param[0], code, sizeof code);
    if (json < 0)
        return reply_o311_error(r, 0, 404, "use .xml or .json");
    json_t *d = wf_open311_service_definition(r->dbc, code, &err);
    if (!d)
        return reply_o311_fail(r, json, &err);
    return reply(r, 200, json, "service_definition", NULL, d);
}

int api_open311_request(struct req *r)
{
    char id_s[32], base[300], ids_json[48];
    struct wf_error err;
    int64_t id;
    int json = doc_format(r->param[0], id_s, sizeof id_s);
    if (json < 0 || parse_i64(id_s, 1, INT64_MAX, &id) != 0)
        return reply_o311_error(r, json > 0, 404, "no such request");
    snprintf(ids_json, sizeof ids_json, "[%lld]", (long long)id);
    struct obs_open311_filter f = {.ids = ids_json, .limit = 1};
    http_base_url(r, base, sizeof base);
    json_t *rows = wf_open311_requests(r->dbc, base, &f, &err);
    if (!rows)
        return reply_o311_fail(r, json, &err);
    if (json_array_size(rows) == 0) {
        json_decref(rows);
        return reply_o311_error(r, json, 404, "no request %lld", (long long)id);
    }
    return reply(r, 200, json, "service_requests", "request", rows);
}

int api_open311_token(struct req *r)
{
    char token[64];
    int json = doc_format(r->param[0], token, sizeof token);
    if (json < 0 || !uuid_valid(token))
        return reply_o311_error(r, json > 0, 404, "no such token");
    int64_t id = obs_store_id_by_client(r->dbc, token);
    if (id < 0)
        return http_reply_error(r, db_failure(r->dbc), NULL, "the token could not be read");
    if (id == 0)
        return reply_o311_error(r, json, 404, "no request has the token %s", token);
    char ids[32];
    snprintf(ids, sizeof ids, "%lld", (long long)id);
    return reply(r, 200, json, "service_requests", "request",
                 json_pack("[{s:s, s:s}]", "service_request_id", ids, "token", token));
}

/* A number field of the form into *out; 0, 1 absent, or replied. */
static int form_number(struct req *r, int json, const struct form *f, const char *name, double min,
                       double max, double *out)
{
    const char *v = form_get(f, name);
    if (!v || !*v)
        return 1;
    if (parse_double(v, min, max, out) != 0)
        return reply_o311_error(r, json, 400, "%s must be a number from %g to %g", name, min, max),
               -1;
    return 0;
}

/* A text field: NULL when absent; replies when not UTF-8 or longer than max characters. */
static int form_text(struct req *r, int json, const struct form *f, const char *name, size_t max,
                     const char **out)
{
    const char *v = form_get(f, name);
    size_t chars;
    *out = v && *v ? v : NULL;
    if (!*out)
        return 0;
    if (utf8_check(v, strlen(v), &chars) != 0)
        return reply_o311_error(r, json, 400, "%s is not valid UTF-8", name), -1;
    if (chars > max)
        return reply_o311_error(r, json, 400, "%s is longer than %zu characters", name, max), -1;
    return 0;
}

int api_open311_post(struct req *r)
{
    char name[64];
    int json = doc_format(r->param[0], name, sizeof name);
    if (json < 0 || strcmp(name, "requests") != 0)
        return reply_o311_error(r, json > 0, 404, "POST requests.xml or requests.json");
    const char *ct = http_header(r, "Content-Type");
    if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
        return reply_o311_error(r, json, 400,
                                "send the request as application/x-www-form-urlencoded");
    struct form f;
    int rc = form_parse(r->body ? (const char *)r->body : "", r->body_len, &f);
    if (rc != FORM_OK) {
        form_free(&f);
        return reply_o311_error(r, json, 400, "the form body cannot be read (%s)",
                                rc == FORM_TOO_MANY ? "too many fields" : "bad encoding");
    }
    struct wf_open311_post p = {0};
    struct wf_error err;
    const char *first = NULL, *last = NULL, *rating = NULL, *address = NULL;
    double lat = 0, lon = 0;
    size_t max_name = (size_t)r->cfg->max_name_chars;
    int64_t id = 0;
    int repeat = 0;
    if (jurisdiction_ok_or_reply(r, json, form_get(&f, "jurisdiction_id")) != 0)
        goto out;
    if (wf_open311_check_key(r->dbc, form_get(&f, "api_key"), &err) != 0) {
        reply_o311_fail(r, json, &err);
        goto out;
    }
    if (form_text(r, json, &f, "service_code", 32, &p.service_code) ||
        form_text(r, json, &f, "description", (size_t)r->cfg->max_description_chars,
                  &p.description) ||
        form_text(r, json, &f, "email", max_name, &p.email) ||
        form_text(r, json, &f, "first_name", max_name, &first) ||
        form_text(r, json, &f, "last_name", max_name, &last) ||
        form_text(r, json, &f, "phone", max_name, &p.phone) ||
        form_text(r, json, &f, "media_url", 2000, &p.media_url) ||
        form_text(r, json, &f, "address_string", 500, &address) ||
        form_text(r, json, &f, "attribute[unsafe_rating]", 1, &rating))
        goto out;
    if (!p.service_code) {
        reply_o311_error(r, json, 400, "service_code is required");
        goto out;
    }
    int hlat = form_number(r, json, &f, "lat", -90, 90, &lat);
    int hlon = hlat < 0 ? -1 : form_number(r, json, &f, "long", -180, 180, &lon);
    if (hlat < 0 || hlon < 0)
        goto out;
    if (hlat || hlon) {
        reply_o311_error(r, json, 400,
                         address || form_get(&f, "address_id")
                             ? "a position is needed (lat and long): no geocoder is configured "
                               "for address_string or address_id"
                             : "lat and long are required");
        goto out;
    }
    if (p.media_url && strncmp(p.media_url, "http://", 7) && strncmp(p.media_url, "https://", 8)) {
        reply_o311_error(r, json, 400, "media_url must be an http(s) URL");
        goto out;
    }
    if (p.email && (!strchr(p.email, '@') || strpbrk(p.email, " \t\r\n<>"))) {
        reply_o311_error(r, json, 400, "email is not an e-mail address");
        goto out;
    }
    if (rating) {
        if (rating[0] < '1' || rating[0] > '5' || rating[1]) {
            reply_o311_error(r, json, 400, "attribute[unsafe_rating] is 1 to 5");
            goto out;
        }
        p.unsafe_rating = rating[0] - '0';
    }
    /* A repeated POST with the same Idempotency-Key files once. */
    char uuid[40], reporter[512];
    const char *key = http_header(r, "Idempotency-Key");
    if (key) {
        if (!uuid_valid(key)) {
            reply_o311_error(r, json, 400, "Idempotency-Key must be a UUID");
            goto out;
        }
        snprintf(uuid, sizeof uuid, "%s", key);
    } else {
        unsigned char b[16];
        if (crypto_random(b, sizeof b) != 0) {
            http_reply_error(r, ERR_INTERNAL, NULL, "no randomness");
            goto out;
        }
        b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
        b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
        snprintf(uuid, sizeof uuid,
                 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                 b[15]);
    }
    p.client_id = uuid;
    snprintf(reporter, sizeof reporter, "%s%s%s", first ? first : "", first && last ? " " : "",
             last ? last : "");
    p.name = reporter[0] ? reporter : NULL;
    p.lat = lat;
    p.lon = lon;
    if (wf_open311_file(r->dbc, r->cfg, &p, &id, &repeat, &err) != 0) {
        reply_o311_fail(r, json, &err);
        goto out;
    }
    char ids[32];
    snprintf(ids, sizeof ids, "%lld", (long long)id);
    reply(r, repeat ? 200 : 201, json, "service_requests", "request",
          json_pack("[{s:s, s:s, s:n}]", "service_request_id", ids, "service_notice",
                    "Tack! Ärendet går till Tekniska förvaltningen.", "account_id"));
out:
    form_free(&f);
    return r->status;
}
