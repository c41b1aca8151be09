/*
 * config — defaults, configuration file, environment. See config.h.
 * Must not open databases or sockets.
 */
#include "config.h"
#include "accesslog.h"
#include "netaddr.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TRYGG_SOURCE_DIR
#define TRYGG_SOURCE_DIR "."
#endif

static void copy_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

void config_defaults(struct config *c)
{
    memset(c, 0, sizeof *c);
    copy_str(c->listen, sizeof c->listen, "127.0.0.1:8080");
    copy_str(c->db_path, sizeof c->db_path, "data/trygg.db");
    copy_str(c->data_dir, sizeof c->data_dir, "data/files");
    copy_str(c->web_root, sizeof c->web_root, TRYGG_SOURCE_DIR "/web");
    copy_str(c->municipality_code, sizeof c->municipality_code, "1490");
    copy_str(c->municipality_name, sizeof c->municipality_name, "Borås");
    c->db_connections = 16;
    c->group_commit_max_batch = 128;
    c->answer_cache_bytes = 12L * 1024 * 1024;
    c->heavy_requests_max = 1;
    c->list_walk_rows = 2000;
    c->request_timeout_ms = 10000;
    c->max_json_body_bytes = 64 * 1024;
    c->max_photo_bytes = 15L * 1024 * 1024;
    /* 25 MP: an iPhone 15/16 photo (5712 x 4284 = 24.5 MP) and every phone's default
     * 12 MP (4032 x 3024) pass; 48-200 MP full-sensor modes are refused. */
    c->max_photo_pixels = 25L * 1000 * 1000;
    c->photo_max_side = 2048;
    c->max_concurrent_decodes = 2;
    c->max_photos_per_observation = 5;
    c->max_description_chars = 2000;
    c->max_name_chars = 200;
    c->page_size_default = 100;
    c->page_size_max = 1000;
    c->max_accuracy_m = 10000;
    c->body_deadline_ms = 60000;
    c->session_idle_seconds = 30 * 60;
    c->session_absolute_seconds = 12 * 3600;
    c->login_max_failures = 5;
    c->login_max_failures_per_address = 20;
    c->login_window_seconds = 15 * 60;
    c->duplicate_radius_m = 25;
    c->nearby_max_radius_m = 500;
    c->duplicate_days = 90;
    c->due_days[1] = 2;
    c->due_days[2] = 14;
    c->due_days[3] = 60;
    c->outbox_max_attempts = 8;
    c->outbox_base_delay_ms = 30000;
    c->outbox_max_delay_ms = 6 * 3600 * 1000;
    c->outbox_poll_ms = 1000;
    copy_str(c->smtp_from, sizeof c->smtp_from, "trygg@localhost");
    c->password_hash_memory_kib = 19456; /* argon2id at OWASP's minimum */
    c->password_hash_iterations = 2;
    c->db_busy_timeout_ms = 10000;
    c->walk_route_max_points = 2000;
    c->walk_code_failures_per_minute = 30;
    /* A safety walk of 30 phones may share one address (the municipality's Wi-Fi, a
     * carrier's NAT): these leave them room and stop a script. */
    c->rate_observations_per_minute = 60;
    c->rate_supports_per_minute = 60;
    c->rate_photos_per_minute = 120;
    c->supports_per_address_max = 3;
    c->upload_token_seconds = 24 * 3600; /* the offline queue may send photos a day later */
    c->moderation_pre = 0;
    c->login_user_backoff_after = 10;
    c->login_user_backoff_max_seconds = 15 * 60;
    c->contact_retention_days = 90;
    c->retention_interval_seconds = 3600;
    c->backup_pages_per_step = 256; /* 1 MiB of 4 KiB pages, then the server's writers go */
    c->stats_min_count = 3;
    c->hotspot_cells_m[0] = 100;
    c->hotspot_cells_m[1] = 250;
    c->hotspot_cells_m[2] = 500;
    c->hotspot_cells = 3;
    c->hotspot_emerging_factor = 2;
    c->rank_weight_count = 0.4;
    c->rank_weight_unsafe = 0.2;
    c->rank_weight_trend = 0.2;
    c->rank_weight_unresolved = 0.2;
    c->max_connections = 256;
    c->max_connections_per_address = 32;
    c->keep_alive_timeout_ms = 5000;
    c->max_body_memory_bytes = 256L * 1024 * 1024;
    copy_str(c->access_log, sizeof c->access_log, "sample:10");
    c->access_log_max_per_second = 100;
}

static int parse_long(const char *v, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end != '\0' || x < min || x > max)
        return -1;
    *out = x;
    return 0;
}

struct key_desc {
    const char *key;
    enum { K_STR, K_INT, K_LONG, K_DOUBLE, K_CHOICE } type;
    size_t offset;
    size_t size; /* for strings */
    long min, max;
    long scale; /* K_INT: the value is stored times this (minutes -> seconds); 0 means 1 */
    const char *const *choices; /* K_CHOICE: the words allowed; the int field gets the index */
    /* K_STR: checks the value's form; 0, or -1 with a message in err. NULL: any text. */
    int (*check)(const char *value, char *err, size_t errlen);
};

#define S(k, f)                                                                                    \
    {                                                                                              \
        k, K_STR, offsetof(struct config, f), sizeof(((struct config *)0)->f), 0, 0, 0, NULL, NULL \
    }
/* A string whose form check() verifies. */
#define SC(k, f, check)                                                                            \
    {                                                                                              \
        k, K_STR, offsetof(struct config, f), sizeof(((struct config *)0)->f), 0, 0, 0, NULL,      \
            check                                                                                  \
    }
#define I(k, f, lo, hi)                                                                            \
    {                                                                                              \
        k, K_INT, offsetof(struct config, f), 0, lo, hi, 0, NULL, NULL                             \
    }
/* A setting in minutes or hours stored in a field counted in seconds. */
#define IS(k, f, lo, hi, times)                                                                    \
    {                                                                                              \
        k, K_INT, offsetof(struct config, f), 0, lo, hi, times, NULL, NULL                         \
    }
#define L(k, f, lo, hi)                                                                            \
    {                                                                                              \
        k, K_LONG, offsetof(struct config, f), 0, lo, hi, 0, NULL, NULL                            \
    }
#define D(k, f, lo, hi)                                                                            \
    {                                                                                              \
        k, K_DOUBLE, offsetof(struct config, f), 0, lo, hi, 0, NULL, NULL                          \
    }
/* One of a few words, stored as its index in list. */
#define C(k, f, list)                                                                              \
    {                                                                                              \
        k, K_CHOICE, offsetof(struct config, f), 0, 0, 0, 0, list, NULL                            \
    }

static const char *const moderation_words[] = {"post", "pre", NULL};

static int check_trusted_proxies(const char *value, char *err, size_t errlen)
{
    struct netaddr_list l;
    return netaddr_list_parse(value, &l, err, errlen);
}

static int check_access_log(const char *value, char *err, size_t errlen)
{
    int n;
    if (accesslog_parse(value, &n) == 0)
        return 0;
    snprintf(err, errlen, "expected all, errors or sample:N (N from 1 to %d)",
             ACCESSLOG_SAMPLE_MAX);
    return -1;
}

static const struct key_desc keys[] = {
    S("listen", listen),
    S("db", db_path),
    S("data_dir", data_dir),
    S("web_root", web_root),
    S("boundary_file", boundary_file),
    S("municipality_code", municipality_code),
    S("municipality_name", municipality_name),
    S("public_base_url", public_base_url),
    S("tile_url", tile_url),
    S("tiles_mbtiles", tiles_mbtiles),
    S("tile_attribution", tile_attribution),
    I("db_connections", db_connections, 1, 512),
    I("num_threads", db_connections, 1, 512), /* its name before issue 9 */
    I("group_commit_max_batch", group_commit_max_batch, 0, 4096),
    I("list_walk_rows", list_walk_rows, 1, 100000000),
    /* its plan's knob before the walk came first: accepted, no longer used */
    I("list_dense_bbox_points", list_dense_bbox_points_unused, 1, 100000000),
    L("answer_cache_bytes", answer_cache_bytes, 0, 1024L * 1024 * 1024),
    I("heavy_requests_max", heavy_requests_max, 1, 256),
    I("request_timeout_ms", request_timeout_ms, 100, 600000),
    L("max_json_body_bytes", max_json_body_bytes, 1024, 16L * 1024 * 1024),
    L("max_photo_bytes", max_photo_bytes, 1024, 100L * 1024 * 1024),
    L("max_photo_pixels", max_photo_pixels, 10000, 400L * 1000 * 1000),
    I("photo_max_side", photo_max_side, 320, 8192),
    I("max_concurrent_decodes", max_concurrent_decodes, 1, 64),
    I("max_photos_per_observation", max_photos_per_observation, 0, 50),
    I("max_description_chars", max_description_chars, 1, 100000),
    I("max_name_chars", max_name_chars, 1, 10000),
    I("page_size_default", page_size_default, 1, 10000),
    I("page_size_max", page_size_max, 1, 10000),
    D("max_accuracy_m", max_accuracy_m, 1, 1000000),
    I("body_deadline_ms", body_deadline_ms, 100, 3600000),
    I("session_idle_seconds", session_idle_seconds, 1, 7 * 86400),
    I("session_absolute_seconds", session_absolute_seconds, 1, 30 * 86400),
    I("login_max_failures", login_max_failures, 1, 1000),
    I("login_max_failures_per_address", login_max_failures_per_address, 1, 100000),
    I("login_window_seconds", login_window_seconds, 1, 86400),
    /* The same three in the units people think in; the seconds keys are for tests. */
    IS("session_idle_minutes", session_idle_seconds, 1, 7 * 1440, 60),
    IS("session_absolute_hours", session_absolute_seconds, 1, 30 * 24, 3600),
    IS("login_window_minutes", login_window_seconds, 1, 1440, 60),
    D("duplicate_radius_m", duplicate_radius_m, 1, 1000),
    D("nearby_max_radius_m", nearby_max_radius_m, 10, 500),
    I("duplicate_days", duplicate_days, 1, 3650),
    I("due_days_priority_1", due_days[1], 0, 3650),
    I("due_days_priority_2", due_days[2], 0, 3650),
    I("due_days_priority_3", due_days[3], 0, 3650),
    I("outbox_max_attempts", outbox_max_attempts, 1, 100),
    I("outbox_base_delay_ms", outbox_base_delay_ms, 10, 86400000),
    I("outbox_max_delay_ms", outbox_max_delay_ms, 10, 864000000),
    I("outbox_poll_ms", outbox_poll_ms, 10, 60000),
    S("smtp_url", smtp_url),
    S("smtp_from", smtp_from),
    /* Lower only in tests: the production default is argon2id m = 19456 KiB, t = 2. */
    I("password_hash_memory_kib", password_hash_memory_kib, 8, 4 * 1024 * 1024),
    I("password_hash_iterations", password_hash_iterations, 1, 100),
    I("db_busy_timeout_ms", db_busy_timeout_ms, 1, 600000),
    S("open311_jurisdiction_id", open311_jurisdiction_id),
    I("walk_route_max_points", walk_route_max_points, 2, 100000),
    I("walk_code_failures_per_minute", walk_code_failures_per_minute, 1, 100000),
    I("rate_observations_per_minute", rate_observations_per_minute, 1, 1000000),
    I("rate_supports_per_minute", rate_supports_per_minute, 1, 1000000),
    I("rate_photos_per_minute", rate_photos_per_minute, 1, 1000000),
    I("supports_per_address_max", supports_per_address_max, 1, 1000000),
    I("upload_token_seconds", upload_token_seconds, 1, 365 * 86400),
    IS("upload_token_minutes", upload_token_seconds, 1, 365 * 1440, 60),
    C("moderation", moderation_pre, moderation_words),
    I("login_user_backoff_after", login_user_backoff_after, 1, 100000),
    I("login_user_backoff_max_seconds", login_user_backoff_max_seconds, 1, 86400),
    I("contact_retention_days", contact_retention_days, 0, 36500),
    I("retention_interval_seconds", retention_interval_seconds, 1, 7 * 86400),
    I("backup_pages_per_step", backup_pages_per_step, 1, 1000000),
    I("stats_min_count", stats_min_count, 1, 1000),
    D("hotspot_emerging_factor", hotspot_emerging_factor, 1, 100),
    D("rank_weight_count", rank_weight_count, 0, 100),
    D("rank_weight_unsafe", rank_weight_unsafe, 0, 100),
    D("rank_weight_trend", rank_weight_trend, 0, 100),
    D("rank_weight_unresolved", rank_weight_unresolved, 0, 100),
    I("max_connections", max_connections, 2, 4096),
    I("max_connections_per_address", max_connections_per_address, 1, 4096),
    I("keep_alive_timeout_ms", keep_alive_timeout_ms, 100, 600000),
    L("max_body_memory_bytes", max_body_memory_bytes, 1024 * 1024, 64L * 1024 * 1024 * 1024),
    SC("trusted_proxies", trusted_proxies, check_trusted_proxies),
    SC("access_log", access_log, check_access_log),
    I("access_log_max_per_second", access_log_max_per_second, 0, 1000000),
};

/* "100,250,500": 1 to CONFIG_HOTSPOT_CELLS_MAX ascending sizes of 10 to 10000 metres. */
static int set_hotspot_cells(struct config *c, const char *value, char *err, size_t errlen)
{
    int sizes[CONFIG_HOTSPOT_CELLS_MAX], n = 0;
    const char *p = value;
    for (;;) {
        char item[16];
        size_t len = strcspn(p, ",");
        long v;
        if (n == CONFIG_HOTSPOT_CELLS_MAX || len == 0 || len >= sizeof item)
            goto bad;
        memcpy(item, p, len);
        item[len] = '\0';
        if (parse_long(item, 10, 10000, &v) != 0 || (n > 0 && v <= sizes[n - 1]))
            goto bad;
        sizes[n++] = (int)v;
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    memcpy(c->hotspot_cells_m, sizes, sizeof sizes[0] * (size_t)n);
    c->hotspot_cells = n;
    return 0;
bad:
    snprintf(err, errlen,
             "hotspot_cells_m: expected 1 to %d ascending sizes in metres (10 to 10000), "
             "e.g. 100,250,500",
             CONFIG_HOTSPOT_CELLS_MAX);
    return -1;
}

int config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen)
{
    if (strcmp(key, "hotspot_cells_m") == 0)
        return set_hotspot_cells(c, value, err, errlen);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const struct key_desc *k = &keys[i];
        if (strcmp(k->key, key) != 0)
            continue;
        char *base = (char *)c + k->offset;
        long lv;
        switch (k->type) {
        case K_STR:
            if (strlen(value) >= k->size) {
                snprintf(err, errlen, "%s: value too long (at most %zu bytes)", key, k->size - 1);
                return -1;
            }
            if (k->check) {
                char why[256];
                if (k->check(value, why, sizeof why) != 0) {
                    snprintf(err, errlen, "%s: %s", key, why);
                    return -1;
                }
            }
            copy_str(base, k->size, value);
            return 0;
        case K_INT:
        case K_LONG:
            if (parse_long(value, k->min, k->max, &lv) != 0) {
                snprintf(err, errlen, "%s: expected a whole number from %ld to %ld", key, k->min,
                         k->max);
                return -1;
            }
            if (k->type == K_INT)
                *(int *)base = (int)lv * (int)(k->scale ? k->scale : 1);
            else
                *(long *)base = lv;
            return 0;
        case K_DOUBLE: {
            char *end;
            double d = strtod(value, &end);
            if (end == value || *end != '\0' || !(d >= k->min && d <= k->max)) {
                snprintf(err, errlen, "%s: expected a number from %ld to %ld", key, k->min, k->max);
                return -1;
            }
            *(double *)base = d;
            return 0;
        }
        case K_CHOICE: {
            char words[128] = "";
            size_t used = 0;
            for (int w = 0; k->choices[w]; w++) {
                if (strcmp(value, k->choices[w]) == 0) {
                    *(int *)base = w;
                    return 0;
                }
                int n = snprintf(words + used, sizeof words - used, "%s%s", w ? " or " : "",
                                 k->choices[w]);
                if (n > 0 && used + (size_t)n < sizeof words)
                    used += (size_t)n;
            }
            snprintf(err, errlen, "%s: expected %s", key, words);
            return -1;
        }
        }
    }
    snprintf(err, errlen, "unknown setting '%s'", key);
    return -1;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

int config_load_file(struct config *c, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[2048];
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *s = trim(line);
        if (*s == '\0')
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
            rc = -1;
            break;
        }
        *eq = '\0';
        char *key = trim(s), *val = trim(eq + 1);
        char sub[512];
        if (config_set(c, key, val, sub, sizeof sub) != 0) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, sub);
            rc = -1;
            break;
        }
    }
    fclose(f);
    return rc;
}

int config_load_env(struct config *c, char *err, size_t errlen)
{
    static const struct {
        const char *env, *key;
    } map[] = {
        {"TRYGG_LISTEN", "listen"},
        {"TRYGG_DB", "db"},
        {"TRYGG_DATA_DIR", "data_dir"},
        {"TRYGG_WEB_ROOT", "web_root"},
        {"TRYGG_BOUNDARY", "boundary_file"},
        {"TRYGG_PUBLIC_URL", "public_base_url"},
        {"TRYGG_TILES_MBTILES", "tiles_mbtiles"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        const char *v = getenv(map[i].env);
        if (v && *v && config_set(c, map[i].key, v, err, errlen) != 0)
            return -1;
    }
    return 0;
}
