/*
 * config — the server's settings: defaults, then the configuration file, then
 * environment variables, then command-line flags (later wins).
 *
 * Every limit the server enforces has a name here and a line in
 * server/trygg.conf.example. This module reads settings; it does not act on them.
 */
#ifndef TRYGG_CONFIG_H
#define TRYGG_CONFIG_H

#include <stddef.h>

#define CONFIG_PATH_MAX 1024
#define CONFIG_HOTSPOT_CELLS_MAX 4 /* hot-spot cell sizes */

struct config {
    char listen[128];                    /* "127.0.0.1:8080" or "8080" */
    char db_path[CONFIG_PATH_MAX];       /* SpatiaLite database file */
    char data_dir[CONFIG_PATH_MAX];      /* photos and other files; not under web_root */
    char web_root[CONFIG_PATH_MAX];      /* web/ folder with the pages */
    char boundary_file[CONFIG_PATH_MAX]; /* GeoJSON of the municipality; loaded at start when set */
    char municipality_code[16];
    char municipality_name[128];
    char public_base_url[256]; /* absolute base for links; empty = from the listening address */
    char
        tile_url[512]; /* basemap tiles, e.g. https://tiles.example/{z}/{x}/{y}.png; empty = none */
    char tile_attribution[512];
    char tiles_mbtiles[CONFIG_PATH_MAX]; /* local basemap (MBTiles) served at /tiles/{z}/{x}/{y};
                                            empty = none */
    int db_connections;     /* requests using the database at once (config key also num_threads) */
    int request_timeout_ms; /* request headers in full; and each read or write */
    int list_walk_rows;     /* the public list's plan: see obs_filter.walk_rows */
    int list_dense_bbox_points_unused; /* an older knob, still accepted */
    int group_commit_max_batch; /* writes committed together at most (dbwriter.h); 0 = each alone */
    long answer_cache_bytes;    /* public answers kept in memory (anscache.h); 0 = none */
    int heavy_requests_max;     /* statistics computed at once (http_heavy_enter_or_reply) */

    /* Named limits. */
    long max_json_body_bytes;   /* JSON request bodies */
    long max_photo_bytes;       /* one photo upload */
    long max_photo_pixels;      /* width*height of a decoded photo */
    int photo_max_side;         /* long side of the stored full-size photo */
    int max_concurrent_decodes; /* photos decoded at once; bounds decoding memory (image.h) */
    int max_photos_per_observation;
    int max_description_chars; /* UTF-8 characters, not bytes */
    int max_name_chars;        /* reporter name, e-mail, phone */
    int page_size_default;
    int page_size_max;
    double max_accuracy_m; /* GPS accuracy accepted */
    int body_deadline_ms;  /* total time to receive one request body */

    /* Staff sessions and login throttling (issue 3), in seconds; the file may give them as
     * session_idle_minutes, session_absolute_hours and login_window_minutes. */
    int session_idle_seconds;
    int session_absolute_seconds;
    int login_max_failures;             /* per user name within the window */
    int login_max_failures_per_address; /* per client address within the window */
    int login_window_seconds;

    /* Workflow. */
    double duplicate_radius_m;  /* likely duplicates: same category within this many metres */
    double nearby_max_radius_m; /* "is it one of these?": the widest radius asked for (GPS fix) */
    int duplicate_days;         /* ... filed within this many days */
    int due_days[4];            /* due date per priority 1..3 (index 0 unused) */

    /* Outbox to the units' systems. */
    int outbox_max_attempts;
    int outbox_base_delay_ms;
    int outbox_max_delay_ms;
    int outbox_poll_ms;
    char smtp_url[256]; /* e.g. smtp://mail.example.se:25; empty = no e-mail */
    char smtp_from[256];

    /* Staff passwords: argon2id cost (production default m = 19456 KiB, t = 2, p = 1). */
    int password_hash_memory_kib;
    int password_hash_iterations;
    /* How long a write waits for another writer before answering 503. */
    int db_busy_timeout_ms;

    /* Open311: the jurisdiction_id clients send; empty = the municipality code. */
    char open311_jurisdiction_id[64];

    /* Walks. */
    int walk_route_max_points;         /* points of a route line */
    int walk_code_failures_per_minute; /* unknown join codes per client address -> 429 */

    /* Abuse (issue 9). Public writes per client address in one-minute windows (429). */
    int rate_observations_per_minute; /* POST /api/v1/observations (repeats too) */
    int rate_supports_per_minute;     /* "me too" */
    int rate_photos_per_minute;       /* photo uploads */
    int supports_per_address_max;     /* "me too" one address adds to one observation */
    int upload_token_seconds;         /* a photo upload token lives this long after filing */
    int moderation_pre; /* moderation = pre: text and photos public only once approved */
    /* Logins: failures for one user name from all addresses after which addresses the
     * user never logged in from wait a doubling delay (1 s, 2 s, ... up to the max). */
    int login_user_backoff_after;
    int login_user_backoff_max_seconds;

    /* Personal data (GDPR). */
    int contact_retention_days;     /* reporters' contact details erased this long after closing */
    int retention_interval_seconds; /* how often the erasure job runs */
    int backup_pages_per_step;      /* trygg backup: database pages copied per step */
    /* Statistics and the situation picture (issue 11). */
    int stats_min_count; /* public outputs show no count from 1 to this minus 1 */
    int hotspot_cells_m[CONFIG_HOTSPOT_CELLS_MAX]; /* hot-spot cell sizes (metres), ascending */
    int hotspot_cells;                             /* how many of them are set */
    double hotspot_emerging_factor; /* last quarter >= this x the mean of the 3 before */
    /* The quarterly ranking of areas by need: the weight of each part of the score. */
    double rank_weight_count, rank_weight_unsafe, rank_weight_trend, rank_weight_unresolved;
    /* Connections, proxies and the access log (issue 9). */
    int max_connections; /* open at once; civetweb gets this many workers and a reserve */
    int max_connections_per_address; /* open at once from one client address (IPv6: one /64) */
    int keep_alive_timeout_ms;       /* an idle kept-alive connection is closed after this */
    long max_body_memory_bytes;      /* request bodies held in memory at once, all together */
    char trusted_proxies[512];       /* addresses/networks whose X-Forwarded-* are believed */
    char access_log[32];             /* "all", "errors" or "sample:N" (errors + 1 in N successes) */
    int access_log_max_per_second;   /* lines of any kind; 0 = no cap */
};

/* Fills *c with the built-in defaults. */
void config_defaults(struct config *c);

/*
 * Reads "key = value" lines from path into *c ('#' starts a comment). Unknown
 * keys and bad values are errors. Returns 0, or -1 with a message in err.
 */
int config_load_file(struct config *c, const char *path, char *err, size_t errlen);

/*
 * Applies TRYGG_LISTEN, TRYGG_DB, TRYGG_DATA_DIR, TRYGG_WEB_ROOT, TRYGG_BOUNDARY
 * and TRYGG_PUBLIC_URL from the environment. Returns 0, or -1 with err.
 */
int config_load_env(struct config *c, char *err, size_t errlen);

/* Sets one key from a string; used by the file reader and by flags. 0 or -1. */
int config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen);

#endif
