/*
 * wf_open311 — see wf_open311.h.
 */
#include "wf_open311.h"
#include "apikey_store.h"
#include "case_store.h"
#include "catalog_store.h"
#include "crypto.h"
#include "obs_store.h"
#include "wf_observations.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

json_t *wf_open311_services(struct dbc *c, struct wf_error *err)
{
    json_t *cats = catalog_store_categories(c);
    if (!cats) {
        wf_fail(err, db_failure(c), NULL, "the services could not be read");
        return NULL;
    }
    json_t *out = json_array();
    size_t i;
    json_t *k;
    json_array_foreach(cats, i, k)
    {
        const char *kind = json_string_value(json_object_get(k, "kind"));
        int good = kind && strcmp(kind, "good") == 0;
        json_array_append_new(out, json_pack("{s:O, s:O, s:O, s:b, s:s, s:s, s:s}", "service_code",
                                             json_object_get(k, "code"), "service_name",
                                             json_object_get(k, "name_sv"), "description",
                                             json_object_get(k, "name_en"), "metadata", 1, "type",
                                             "realtime", "keywords",
                                             good ? "trygghet,trygg plats" : "trygghet", "group",
                                             good ? "Trygga platser" : "Otrygga platser"));
    }
    json_decref(cats);
    return out;
}

json_t *wf_open311_service_definition(struct dbc *c, const char *code, struct wf_error *err)
{
    int active = catalog_store_category_active(c, code);
    if (active < 0) {
        wf_fail(err, db_failure(c), NULL, "the service could not be read");
        return NULL;
    }
    if (!active) {
        wf_fail(err, ERR_NOT_FOUND, "service_code", "no service has the code '%s'", code);
        return NULL;
    }
    json_t *values = json_array();
    static const char *const names[] = {"1 – känns ganska tryggt", "2", "3", "4",
                                        "5 – känns mycket otryggt"};
    for (int v = 1; v <= 5; v++) {
        char key[4];
        snprintf(key, sizeof key, "%d", v);
        json_array_append_new(values, json_pack("{s:s, s:s}", "key", key, "name", names[v - 1]));
    }
    json_t *attr = json_pack(
        "{s:b, s:s, s:s, s:b, s:s, s:i, s:s, s:o}", "variable", 1, "code", "unsafe_rating",
        "datatype", "singlevaluelist", "required", 0, "datatype_description",
        "1 (tryggt) till 5 (mycket otryggt)", "order", 1, "description",
        "Hur otryggt känns platsen? / How unsafe does it feel?", "values", values);
    return json_pack("{s:s, s:[o]}", "service_code", code, "attributes", attr);
}

int wf_open311_check_key(struct dbc *c, const char *key, struct wf_error *err)
{
    char hash[CRYPTO_SHA256_HEX];
    if (!key || !*key)
        return wf_fail(err, ERR_FORBIDDEN, "api_key", "an api_key is required to post requests");
    crypto_sha256_hex(key, strlen(key), hash);
    int64_t id = apikey_store_active(c, hash);
    if (id < 0)
        return wf_fail(err, db_failure(c), NULL, "the api_key could not be checked");
    if (id == 0)
        return wf_fail(err, ERR_FORBIDDEN, "api_key", "the api_key is not valid");
    return 0;
}

int wf_open311_file(struct dbc *c, const struct config *cfg, const struct wf_open311_post *p,
                    int64_t *id, int *repeat, struct wf_error *err)
{
    struct wf_obs_input in = {0};
    in.client_id = p->client_id;
    in.category = p->service_code;
    in.description = p->description;
    in.lon = p->lon;
    in.lat = p->lat;
    in.accuracy_m = -1;
    in.unsafe_rating = p->unsafe_rating;
    in.observed_at = (int64_t)time(NULL);
    in.name = p->name;
    in.email = p->email;
    in.phone = p->phone;
    in.media_url = p->media_url;
    return wf_observation_file(c, cfg, &in, id, repeat, NULL, err); /* no photos come this way */
}

json_t *wf_open311_requests(struct dbc *c, const char *base, const struct obs_open311_filter *f,
                            struct wf_error *err)
{
    json_t *rows = obs_store_open311(c, f);
    if (!rows || case_store_attach_public_comments(c, rows) != 0) {
        json_decref(rows);
        wf_fail(err, db_failure(c), NULL, "the requests could not be read");
        return NULL;
    }
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        /* status_notes: the newest public answer */
        json_t *comments = json_object_get(r, "public_comments");
        size_t n = json_array_size(comments);
        json_t *last = n ? json_object_get(json_array_get(comments, n - 1), "comment") : NULL;
        json_object_set(r, "status_notes", last ? last : json_null());
        json_object_del(r, "public_comments");
        json_object_del(r, "id");
        const char *m = json_string_value(json_object_get(r, "media_url"));
        if (m && m[0] == '/') {
            char url[512];
            snprintf(url, sizeof url, "%s%s", base, m);
            json_object_set_new(r, "media_url", json_string(url));
        }
    }
    return rows;
}

int wf_apikey_new(struct dbc *c, const char *name, char key_out[2 * WF_APIKEY_BYTES + 1],
                  int64_t *id, struct wf_error *err)
{
    char hash[CRYPTO_SHA256_HEX];
    if (!name || !*name)
        return wf_fail(err, ERR_MISSING_FIELD, "name", "an API key needs a name");
    if (crypto_random_hex(key_out, WF_APIKEY_BYTES) != 0)
        return wf_fail(err, ERR_INTERNAL, NULL, "no randomness for a key");
    crypto_sha256_hex(key_out, strlen(key_out), hash);
    if (wf_begin(c, err) != 0)
        return -1;
    if (apikey_store_insert(c, name, hash, id) != 0)
        return wf_fail_db(c, err, "the key could not be stored");
    return wf_commit(c, err, "the key could not be stored");
}

int wf_apikey_revoke(struct dbc *c, int64_t id, struct wf_error *err)
{
    if (wf_begin(c, err) != 0)
        return -1;
    int rc = apikey_store_revoke(c, id);
    if (rc < 0)
        return wf_fail_db(c, err, "the key could not be revoked");
    if (rc == 0) {
        db_rollback(c);
        return wf_fail(err, ERR_NOT_FOUND, NULL, "no active API key %lld", (long long)id);
    }
    return wf_commit(c, err, "the key could not be revoked");
}
