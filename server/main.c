/*
 * main — the trygg command line: serve, migrate, import-areas,
 * import-boundary, import-places, seed-demo, user add, unit token, import-indicators,
 * stats-rebuild, map-rebuild. Settings come from
 * defaults, then the configuration file (--config or TRYGG_CONFIG), then
 * TRYGG_* environment variables, then flags. A way in like HTTP: every change
 * is one workflow call (workflow.h); this file opens and migrates the
 * database, reads arguments and passwords, and prints. Must not contain SQL
 * or request handling.
 */
#include "admission.h"
#include "config.h"
#include "db.h"
#include "delivery.h"
#include "http.h"
#include "image.h"
#include "apikey_store.h"
#include "log.h"
#include "validate.h"
#include "wf_open311.h"
#include "walkdoc.h"
#include "wf_backup.h"
#include "wf_privacy.h"
#include "migrate.h"
#include "seed.h"
#include "wf_accounts.h"
#include "wf_areas.h"
#include "wf_map.h"
#include "wf_stats.h"
#include "wf_units.h"

#include <civetweb.h>
#include <curl/curl.h>
#include <jansson.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void usage(FILE *out)
{
    fprintf(
        out,
        "trygg %s — safety-walk observations for a municipality\n"
        "\n"
        "usage: trygg [--config FILE] COMMAND [options]\n"
        "\n"
        "commands:\n"
        "  serve [--listen ADDR] [--db FILE]   migrate the database and serve HTTP\n"
        "  migrate [--db FILE]                 create or upgrade the database schema\n"
        "  seed-demo [--db FILE]               load the Borås demo data (idempotent)\n"
        "  import-areas FILE [--db FILE]       import local network areas from GeoJSON\n"
        "                                      (WGS 84 or SWEREF 99 TM)\n"
        "  import-places FILE [--db FILE]      import named places (GeoJSON points with a name)\n"
        "                                      that pins are described against\n"
        "  import-boundary FILE --code C --name N [--db FILE]\n"
        "                                      set the municipality boundary from GeoJSON\n"
        "  user add --username NAME --role ROLE [--unit CODE] [--db FILE]\n"
        "                                      create a staff user; password on stdin\n"
        "  unit token CODE [--db FILE]         new API token for a unit's system (printed once)\n"
        "  api-key add NAME | list | revoke ID [--db FILE]\n"
        "                                      API keys of Open311 clients (printed once)\n"
        "  backup FILE [--db FILE]             online copy of the database to FILE and the\n"
        "                                      photos to FILE.photos/ (the server may run)\n"
        "  reporter export EMAIL               everything stored about an e-mail address (JSON)\n"
        "  reporter erase EMAIL                erase that address and the contact details\n"
        "                                      of every report that left it\n"
        "  import-indicators FILE.csv [--db FILE]\n"
        "                                      the city's yearly indicators per area (CSV with\n"
        "                                      header area,year,indicator,value,source; all rows\n"
        "                                      or none)\n"
        "  stats-rebuild [--db FILE]           count the statistics' aggregates afresh\n"
        "  map-rebuild [--db FILE]             count the public map's aggregates afresh\n"
        "\n"
        "options:\n"
        "  --config FILE   configuration file (also TRYGG_CONFIG); see trygg.conf.example\n"
        "  --listen ADDR   e.g. 127.0.0.1:8080 (also TRYGG_LISTEN)\n"
        "  --db FILE       SpatiaLite database (also TRYGG_DB; default data/trygg.db)\n"
        "  --help, --version\n"
        "\n"
        "environment: TRYGG_CONFIG TRYGG_LISTEN TRYGG_DB TRYGG_DATA_DIR TRYGG_WEB_ROOT\n"
        "             TRYGG_BOUNDARY TRYGG_PUBLIC_URL\n",
        TRYGG_VERSION);
}

struct cli {
    const char *command;
    const char *sub;  /* "add" for "user add" */
    const char *file; /* positional FILE */
    const char *code, *name, *username, *role, *unit;
};

/* Parses argv into cfg and cli. Returns 0, 1 for --help/--version done, -1 on error. */
static int parse_args(int argc, char **argv, struct config *cfg, struct cli *cli)
{
    char err[512];
    const char *config_path = getenv("TRYGG_CONFIG");
    /* First pass: --config, --help, --version. */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 1;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("trygg %s (schema %d)\n", TRYGG_VERSION, migrate_latest_version());
            return 1;
        }
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            config_path = argv[++i];
    }
    config_defaults(cfg);
    if (config_path && *config_path && config_load_file(cfg, config_path, err, sizeof err) != 0) {
        fprintf(stderr, "trygg: %s\n", err);
        return -1;
    }
    if (config_load_env(cfg, err, sizeof err) != 0) {
        fprintf(stderr, "trygg: %s\n", err);
        return -1;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--config") == 0) {
            i++;
        } else if (strcmp(a, "--listen") == 0 || strcmp(a, "--db") == 0) {
            if (!v) {
                fprintf(stderr, "trygg: %s needs a value\n", a);
                return -1;
            }
            if (config_set(cfg, a[2] == 'l' ? "listen" : "db", v, err, sizeof err) != 0) {
                fprintf(stderr, "trygg: %s\n", err);
                return -1;
            }
            i++;
        } else if (strcmp(a, "--code") == 0 || strcmp(a, "--name") == 0 ||
                   strcmp(a, "--username") == 0 || strcmp(a, "--role") == 0 ||
                   strcmp(a, "--unit") == 0) {
            if (!v) {
                fprintf(stderr, "trygg: %s needs a value\n", a);
                return -1;
            }
            const char **slot = strcmp(a, "--code") == 0       ? &cli->code
                                : strcmp(a, "--name") == 0     ? &cli->name
                                : strcmp(a, "--username") == 0 ? &cli->username
                                : strcmp(a, "--role") == 0     ? &cli->role
                                                               : &cli->unit;
            *slot = v;
            i++;
        } else if (strncmp(a, "--password", 10) == 0) {
            /* A command line is visible to every user of the machine (ps, /proc)
             * and lands in shell history. */
            fprintf(stderr, "trygg: passwords are read from standard input, never from the "
                            "command line\n");
            return -1;
        } else if (a[0] == '-') {
            fprintf(stderr, "trygg: unknown option %s (see trygg --help)\n", a);
            return -1;
        } else if (!cli->command) {
            cli->command = a;
        } else if ((strcmp(cli->command, "user") == 0 || strcmp(cli->command, "unit") == 0 ||
                    strcmp(cli->command, "api-key") == 0 ||
                    strcmp(cli->command, "reporter") == 0) &&
                   !cli->sub) {
            cli->sub = a;
        } else if (!cli->file) {
            cli->file = a;
        } else {
            fprintf(stderr, "trygg: unexpected argument %s\n", a);
            return -1;
        }
    }
    if (!cli->command) {
        usage(stderr);
        return -1;
    }
    return 0;
}

/* Opens the database and brings its schema up to date. */
static int open_migrated(struct dbc *c, const struct config *cfg)
{
    char err[512];
    if (db_open(c, cfg->db_path, 1, err, sizeof err) != 0) {
        fprintf(stderr, "trygg: %s\n", err);
        return -1;
    }
    int applied = 0, rebuilt = 0;
    struct wf_error werr;
    if (migrate_run(c->db, &applied, err, sizeof err) != 0) {
        fprintf(stderr, "trygg: %s\n", err);
        db_close(c);
        return -1;
    }
    /* A new schema or other hot-spot cell sizes: the statistics are counted afresh. */
    if (wf_stats_prepare(c, cfg, &rebuilt, &werr) != 0) {
        fprintf(stderr, "trygg: statistics: %s\n", werr.message);
        db_close(c);
        return -1;
    }
    if (rebuilt)
        log_msg(LOG_INFO, "statistics counted afresh");
    return applied;
}

static void thread_exit(const struct mg_context *ctx, int thread_type, void *ptr)
{
    (void)ctx;
    (void)thread_type;
    (void)ptr;
    walkdoc_thread_cleanup(); /* this worker's pango font map, if it rendered a PDF */
}

/* Content-Security-Policy allowing our own origin and the configured tile host. */
static void build_csp(struct server *srv)
{
    char tiles[300] = "";
    const char *u = srv->cfg.tile_url;
    const char *scheme_end = strstr(u, "://");
    if (scheme_end) {
        size_t host_len = strcspn(scheme_end + 3, "/");
        char origin[280];
        snprintf(origin, sizeof origin, "%.*s", (int)(scheme_end + 3 - u + (long)host_len), u);
        char *s = strstr(origin, "{s}");
        if (s) { /* {s}.tile.example -> *.tile.example */
            *s = '*';
            memmove(s + 1, s + 3, strlen(s + 3) + 1);
        }
        snprintf(tiles, sizeof tiles, " %s", origin);
    }
    snprintf(srv->csp, sizeof srv->csp,
             "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: "
             "blob:%s; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
             "frame-ancestors 'none'; form-action 'self'; worker-src 'self'; manifest-src 'self'",
             tiles);
}

#define SERVE_MALLOC_ARENAS 2

static int cmd_serve(struct config *cfg)
{
    static struct server srv;
    struct dbc c;
    struct wf_error err;
    if (open_migrated(&c, cfg) < 0)
        return 1;
    if (cfg->boundary_file[0] && wf_boundary_set(&c, cfg->boundary_file, cfg->municipality_code,
                                                 cfg->municipality_name, &err) != 0) {
        fprintf(stderr, "trygg: boundary: %s\n", err.message);
        db_close(&c);
        return 1;
    }
    db_close(&c);
    if (db_mkdirs(cfg->data_dir) != 0) {
        fprintf(stderr, "trygg: cannot create data folder %s\n", cfg->data_dir);
        return 1;
    }
    srv.cfg = *cfg;
    /* Two malloc arenas, not eight per core: hundreds of worker threads each taking
     * an arena keep freed memory spread over all of them (the peak RSS of the
     * benchmark); two cores contend little for two arenas. */
    mallopt(M_ARENA_MAX, SERVE_MALLOC_ARENAS);
    /* With group commit the writer's checkpointer copies the WAL back: no request's
     * commit should stop to do it (dbwriter.h). */
    if (cfg->group_commit_max_batch > 0)
        db_set_auto_checkpoint(0);
    build_csp(&srv);
    json_object_seed(0);
    mg_init_library(0);

    char why[512];
    if (http_server_init(&srv, why, sizeof why) != 0) {
        fprintf(stderr, "trygg: %s\n", why);
        return 1;
    }
    /* Workers: one per admissible connection and a reserve that only refuses
     * the ones over the limits (admission.c), so civetweb's own queue
     * (connection_queue, 20) and the listen backlog (listen_backlog, 200) stay
     * at their defaults and empty. The database connections are a separate,
     * smaller pool (dbpool.h). */
    char threads[16], timeout[16], keep_alive[16];
    snprintf(threads, sizeof threads, "%d", cfg->max_connections + ADMISSION_RESERVE_WORKERS);
    snprintf(timeout, sizeof timeout, "%d", cfg->request_timeout_ms);
    snprintf(keep_alive, sizeof keep_alive, "%d", cfg->keep_alive_timeout_ms);
    const char *options[] = {
        "listening_ports",
        cfg->listen,
        "num_threads",
        threads,
        "request_timeout_ms", /* the request's headers in full; and each read or write */
        timeout,
        "keep_alive_timeout_ms", /* the next request's headers on a kept-alive connection */
        keep_alive,
        "enable_keep_alive",
        "yes",
        "tcp_nodelay",
        "1",
        "enable_directory_listing",
        "no",
        "cgi_pattern",
        "/__trygg_never_cgi__$",
        "max_request_size",
        "16384",
        /* The dispatcher decodes the path itself, refusing an escaped NUL that
         * civetweb would decode and so cut the path short (http.c). */
        "decode_url",
        "no",
        /* Without public_base_url, links name the address a connection reached
         * (mg_get_request_link), not civetweb's placeholder "mydomain.com". */
        "enable_auth_domain_check",
        "no",
        NULL,
    };
    struct mg_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.exit_thread = thread_exit;
    cb.init_connection = admission_connection_open;
    cb.connection_close = admission_connection_close;
    cb.http_error = http_civetweb_error;
    struct mg_context *ctx = mg_start(&cb, &srv, options);
    if (!ctx) {
        fprintf(stderr, "trygg: cannot listen on %s\n", cfg->listen);
        http_server_free(&srv);
        return 1;
    }
    srv.ctx = ctx;
    mg_set_request_handler(ctx, "/", http_dispatch, &srv);
    if (delivery_start(cfg) != 0) {
        fprintf(stderr, "trygg: cannot start the delivery thread\n");
        mg_stop(ctx);
        http_server_free(&srv);
        return 1;
    }
    if (retention_start(cfg, srv.writer) != 0) {
        fprintf(stderr, "trygg: cannot start the retention job\n");
        delivery_stop();
        mg_stop(ctx);
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    log_msg(LOG_INFO, "trygg %s listening on http://%s (database %s, schema %d)", TRYGG_VERSION,
            cfg->listen, cfg->db_path, migrate_latest_version());
    if (cfg->trusted_proxies[0] && !cfg->public_base_url[0])
        log_msg(LOG_WARN, "trusted_proxies is set but public_base_url is not: absolute links "
                          "will name this server's own address, not the proxy's");
    while (!stop_requested)
        pause();
    log_msg(LOG_INFO, "stopping");
    retention_stop();
    delivery_stop();
    mg_stop(ctx);
    http_server_free(&srv);
    mg_exit_library();
    walkdoc_process_cleanup(); /* every worker has ended: the font caches can go */
    return 0;
}

/* The terminal's settings while echo is off, for the signal handler. */
static struct termios saved_tty;

/* Ctrl-C at the password prompt must not leave the terminal without echo. */
static void restore_tty_and_die(int sig)
{
    tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty); /* async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

/*
 * Reads one line (the password) from standard input into buf, without its line
 * end (spaces are kept). On a terminal it prompts on stderr and turns echo off
 * meanwhile. Returns 0, or -1 at end of input.
 */
static int read_password(char *buf, size_t cap)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    struct sigaction quit_cleanly, before[sizeof sigs / sizeof sigs[0]];
    int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_tty) == 0;
    if (tty) {
        memset(&quit_cleanly, 0, sizeof quit_cleanly);
        quit_cleanly.sa_handler = restore_tty_and_die;
        sigemptyset(&quit_cleanly.sa_mask);
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
            sigaction(sigs[i], &quit_cleanly, &before[i]);
        struct termios quiet = saved_tty;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        fprintf(stderr, "password: ");
        fflush(stderr);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *ok = fgets(buf, (int)cap, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
            sigaction(sigs[i], &before[i], NULL);
    }
    if (!ok)
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

/* "trygg user add": the password from standard input, never the command line. */
static int cmd_user(const struct config *cfg, const struct cli *cli)
{
    if (!cli->sub || strcmp(cli->sub, "add") != 0) {
        fprintf(stderr, "trygg: usage: trygg user add --username NAME --role ROLE [--unit CODE] "
                        "(password on standard input)\n");
        return 2;
    }
    if (!cli->username || !cli->role) {
        fprintf(stderr, "trygg: user add needs --username and --role\n");
        return 2;
    }
    /* Room for the longest password in 4-byte characters, its line end and a
     * little more, so that an over-long one is refused rather than cut. */
    char password[WF_PASSWORD_MAX_CHARS * 4 + 8];
    if (read_password(password, sizeof password) != 0 || !password[0]) {
        fprintf(stderr, "trygg: no password on standard input\n");
        return 1;
    }
    struct dbc c;
    if (open_migrated(&c, cfg) < 0) {
        memset(password, 0, sizeof password);
        return 1;
    }
    struct wf_user_new u = {
        .username = cli->username, .password = password, .role = cli->role, .unit_code = cli->unit};
    struct wf_error err;
    int64_t id;
    int rc = wf_user_create(&c, cfg, &u, &id, &err);
    memset(password, 0, sizeof password);
    db_close(&c);
    if (rc != 0) {
        fprintf(stderr, "trygg: %s\n", err.message);
        return 1;
    }
    printf("user %s (%s) created\n", cli->username, cli->role);
    return 0;
}

/* "trygg unit token CODE": a new API token, printed once (only its hash is stored). */
static int cmd_unit(const struct config *cfg, const struct cli *cli)
{
    if (!cli->sub || strcmp(cli->sub, "token") != 0 || !cli->file) {
        fprintf(stderr, "trygg: usage: trygg unit token CODE\n");
        return 2;
    }
    struct dbc c;
    if (open_migrated(&c, cfg) < 0)
        return 1;
    char token[65];
    struct wf_error err;
    int rc = wf_unit_token_new(&c, cli->file, token, &err);
    db_close(&c);
    if (rc != 0) {
        fprintf(stderr, "trygg: %s\n", err.message);
        return 1;
    }
    printf("%s\n", token);
    memset(token, 0, sizeof token);
    return 0;
}

/* "trygg backup FILE": an online copy; the running server keeps writing meanwhile. */
static int cmd_backup(const struct config *cfg, const struct cli *cli)
{
    if (!cli->file) {
        fprintf(stderr, "trygg: usage: trygg backup FILE (the photos go to FILE.photos/)\n");
        return 2;
    }
    struct dbc c;
    char msg[512];
    /* The database as it is: never created, never migrated by a backup. */
    if (db_open(&c, cfg->db_path, 0, msg, sizeof msg) != 0) {
        fprintf(stderr, "trygg: %s\n", msg);
        return 1;
    }
    struct wf_backup_report rep;
    struct wf_error err;
    int rc = wf_backup(&c, cfg, cli->file, &rep, &err);
    db_close(&c);
    if (rc != 0) {
        fprintf(stderr, "trygg: backup: %s\n", err.message);
        return 1;
    }
    printf("backup of %s: %lld pages in %lld steps to %s, %lld photo files (%lld bytes) to "
           "%s.photos/\n",
           cfg->db_path, (long long)rep.pages, (long long)rep.steps, cli->file,
           (long long)rep.photo_files, (long long)rep.photo_bytes, cli->file);
    return 0;
}

/* "trygg reporter export|erase EMAIL": a reporter's rights under the GDPR. */
static int cmd_reporter(const struct config *cfg, const struct cli *cli)
{
    int erase = cli->sub && strcmp(cli->sub, "erase") == 0;
    if (!cli->sub || (!erase && strcmp(cli->sub, "export") != 0) || !cli->file ||
        !strchr(cli->file, '@')) {
        fprintf(stderr, "trygg: usage: trygg reporter export|erase EMAIL\n");
        return 2;
    }
    struct dbc c;
    if (open_migrated(&c, cfg) < 0)
        return 1;
    struct wf_error err;
    int rc = 0;
    if (erase) {
        static const struct wf_actor cli_actor = {0, "command line", ROLE_ADMIN, 0};
        struct wf_erasure e;
        if (wf_reporter_erase(&c, &cli_actor, cli->file, &e, &err) != 0) {
            fprintf(stderr, "trygg: %s\n", err.message);
            rc = 1;
        } else {
            printf("erased %s: contact details of %d report%s, %d walk participation%s, %d "
                   "e-mail%s\n",
                   cli->file, e.reports, e.reports == 1 ? "" : "s", e.walks,
                   e.walks == 1 ? "" : "s", e.messages, e.messages == 1 ? "" : "s");
        }
    } else {
        json_t *all = wf_reporter_export(&c, cli->file, &err);
        char *text = all ? json_dumps(all, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
        json_decref(all);
        if (!text) {
            fprintf(stderr, "trygg: %s\n", all ? "out of memory" : err.message);
            rc = 1;
        } else {
            printf("%s\n", text);
            free(text);
        }
    }
    db_close(&c);
    return rc;
}

/* "trygg api-key add NAME | list | revoke ID": Open311 clients' keys. */
static int cmd_apikey(const struct config *cfg, const struct cli *cli)
{
    int add = cli->sub && strcmp(cli->sub, "add") == 0 && cli->file;
    int list = cli->sub && strcmp(cli->sub, "list") == 0;
    int revoke = cli->sub && strcmp(cli->sub, "revoke") == 0 && cli->file;
    int64_t id = 0;
    if ((!add && !list && !revoke) || (revoke && parse_i64(cli->file, 1, INT64_MAX, &id) != 0)) {
        fprintf(stderr, "trygg: usage: trygg api-key add NAME | list | revoke ID\n");
        return 2;
    }
    struct dbc c;
    if (open_migrated(&c, cfg) < 0)
        return 1;
    struct wf_error err;
    int rc = 0;
    if (add) {
        char key[2 * WF_APIKEY_BYTES + 1];
        rc = wf_apikey_new(&c, cli->file, key, &id, &err);
        if (rc == 0)
            printf("%s\n", key);
        memset(key, 0, sizeof key);
    } else if (revoke) {
        rc = wf_apikey_revoke(&c, id, &err);
    } else {
        json_t *keys = apikey_store_list(&c);
        size_t i;
        json_t *k;
        json_array_foreach(keys, i, k)
        {
            const char *revoked = json_string_value(json_object_get(k, "revoked_at"));
            printf("%lld\t%s\t%s\t%s\n", (long long)json_integer_value(json_object_get(k, "id")),
                   json_string_value(json_object_get(k, "name")),
                   json_string_value(json_object_get(k, "created_at")),
                   revoked ? revoked : "active");
        }
        rc = keys ? 0 : -1;
        if (!keys)
            snprintf(err.message, sizeof err.message, "the keys could not be read");
        json_decref(keys);
    }
    db_close(&c);
    if (rc != 0) {
        fprintf(stderr, "trygg: %s\n", err.message);
        return 1;
    }
    return 0;
}

/* "trygg import-areas FILE", "trygg import-places FILE" and
 * "trygg import-boundary FILE --code C --name N". */
static int cmd_import(const struct config *cfg, const struct cli *cli)
{
    int boundary = strcmp(cli->command, "import-boundary") == 0;
    if (!cli->file) {
        fprintf(stderr, "trygg: %s needs a GeoJSON file\n", cli->command);
        return 2;
    }
    struct dbc c;
    if (open_migrated(&c, cfg) < 0)
        return 1;
    struct wf_error err;
    int rc = 0;
    if (boundary) {
        const char *code = cli->code ? cli->code : cfg->municipality_code;
        const char *name = cli->name ? cli->name : cfg->municipality_name;
        if (wf_boundary_set(&c, cli->file, code, name, &err) != 0) {
            fprintf(stderr, "trygg: %s\n", err.message);
            rc = 1;
        } else {
            printf("boundary of %s (%s) set from %s\n", name, code, cli->file);
        }
    } else {
        int places = strcmp(cli->command, "import-places") == 0;
        int n = places ? wf_places_import_file(&c, cli->file, &err)
                       : wf_areas_import_file(&c, cli->file, &err);
        if (n < 0) {
            fprintf(stderr, "trygg: %s\n", err.message);
            rc = 1;
        } else {
            printf("%d %s%s imported from %s\n", n, places ? "place" : "area", n == 1 ? "" : "s",
                   cli->file);
        }
    }
    db_close(&c);
    return rc;
}

/* "trygg import-indicators FILE.csv": all rows or none; the same file again changes nothing. */
static int cmd_import_indicators(const struct config *cfg, const struct cli *cli)
{
    if (!cli->file) {
        fprintf(stderr, "trygg: import-indicators needs a CSV file\n");
        return 2;
    }
    FILE *f = fopen(cli->file, "rb");
    if (!f) {
        fprintf(stderr, "trygg: %s: cannot open it\n", cli->file);
        return 1;
    }
    char *buf = malloc(WF_INDICATORS_MAX_BYTES + 1);
    size_t len = buf ? fread(buf, 1, WF_INDICATORS_MAX_BYTES + 1, f) : 0;
    fclose(f);
    if (!buf) {
        fprintf(stderr, "trygg: out of memory\n");
        return 1;
    }
    struct dbc c;
    struct wf_indicator_result res;
    struct wf_error err;
    if (open_migrated(&c, cfg) < 0) {
        free(buf);
        return 1;
    }
    int rc = wf_indicators_import(&c, buf, len, &res, &err);
    db_close(&c);
    free(buf);
    if (rc != 0) {
        fprintf(stderr, "trygg: %s: %s (nothing was imported)\n", cli->file, err.message);
        return 1;
    }
    printf("%d rows from %s: %d new, %d changed, %d unchanged\n", res.rows, cli->file, res.inserted,
           res.updated, res.unchanged);
    return 0;
}

/* "trygg stats-rebuild": counts every aggregate afresh from the observations and cases. */
static int cmd_stats_rebuild(const struct config *cfg)
{
    struct dbc c;
    struct wf_error err;
    int64_t obs = 0, cases = 0;
    if (open_migrated(&c, cfg) < 0)
        return 1;
    int rc = wf_stats_rebuild(&c, cfg, &obs, &cases, &err);
    db_close(&c);
    if (rc != 0) {
        fprintf(stderr, "trygg: %s\n", err.message);
        return 1;
    }
    printf("statistics counted afresh: %lld observations, %lld cases\n", (long long)obs,
           (long long)cases);
    return 0;
}

/* "trygg map-rebuild": counts the public map's cells afresh (after a bulk load). */
static int cmd_map_rebuild(const struct config *cfg)
{
    struct dbc c;
    struct wf_error err;
    int64_t points = 0;
    if (open_migrated(&c, cfg) < 0)
        return 1;
    int rc = wf_map_rebuild(&c, &points, &err);
    db_close(&c);
    if (rc != 0) {
        fprintf(stderr, "trygg: %s\n", err.message);
        return 1;
    }
    printf("map aggregates counted afresh: %lld public observations\n", (long long)points);
    return 0;
}

int main(int argc, char **argv)
{
    struct config cfg;
    struct cli cli = {0};
    int pa = parse_args(argc, argv, &cfg, &cli);
    if (pa != 0)
        return pa > 0 ? 0 : 2;
    curl_global_init(CURL_GLOBAL_DEFAULT); /* once, before any thread */
    if (db_global_init() != 0)             /* before any connection */
        fprintf(stderr, "trygg: could not configure SQLite; going on with its defaults\n");
    db_set_busy_timeout(cfg.db_busy_timeout_ms);                  /* before any connection opens */
    image_set_max_concurrent_decodes(cfg.max_concurrent_decodes); /* before any upload */
    struct dbc c;
    struct wf_error err;
    int rc = 0;

    if (strcmp(cli.command, "serve") == 0)
        return cmd_serve(&cfg);
    if (strcmp(cli.command, "migrate") == 0) {
        int applied = open_migrated(&c, &cfg);
        if (applied < 0)
            return 1;
        printf("database %s at schema version %d (%d migration%s applied)\n", cfg.db_path,
               migrate_current_version(c.db), applied, applied == 1 ? "" : "s");
        db_close(&c);
        return 0;
    }
    if (strcmp(cli.command, "seed-demo") == 0) {
        if (open_migrated(&c, &cfg) < 0)
            return 1;
        if (seed_demo(&c, &cfg, &err) != 0) {
            fprintf(stderr, "trygg: seed-demo: %s\n", err.message);
            rc = 1;
        } else {
            printf("demo data loaded into %s\n", cfg.db_path);
        }
        db_close(&c);
        return rc;
    }
    if (strcmp(cli.command, "import-areas") == 0 || strcmp(cli.command, "import-boundary") == 0 ||
        strcmp(cli.command, "import-places") == 0)
        return cmd_import(&cfg, &cli);
    if (strcmp(cli.command, "user") == 0)
        return cmd_user(&cfg, &cli);
    if (strcmp(cli.command, "unit") == 0)
        return cmd_unit(&cfg, &cli);
    if (strcmp(cli.command, "api-key") == 0)
        return cmd_apikey(&cfg, &cli);
    if (strcmp(cli.command, "backup") == 0)
        return cmd_backup(&cfg, &cli);
    if (strcmp(cli.command, "reporter") == 0)
        return cmd_reporter(&cfg, &cli);
    if (strcmp(cli.command, "import-indicators") == 0)
        return cmd_import_indicators(&cfg, &cli);
    if (strcmp(cli.command, "stats-rebuild") == 0)
        return cmd_stats_rebuild(&cfg);
    if (strcmp(cli.command, "map-rebuild") == 0)
        return cmd_map_rebuild(&cfg);
    fprintf(stderr, "trygg: unknown command '%s' (see trygg --help)\n", cli.command);
    return 2;
}
