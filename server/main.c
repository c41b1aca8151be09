/*
 * main — the trygg command line: serve, migrate, import-areas,
 * import-boundary, seed-demo, user add, unit token. Settings come from
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
#include "log.h"
#include "walkdoc.h"
#include "migrate.h"
#include "seed.h"
#include "wf_accounts.h"
#include "wf_areas.h"
#include "wf_units.h"

#include <civetweb.h>
#include <curl/curl.h>
#include <jansson.h>
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
        "  import-boundary FILE --code C --name N [--db FILE]\n"
        "                                      set the municipality boundary from GeoJSON\n"
        "  user add --username NAME --role ROLE [--unit CODE] [--db FILE]\n"
        "                                      create a staff user; password on stdin\n"
        "  unit token CODE [--db FILE]         new API token for a unit's system (printed once)\n"
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
        } else if ((strcmp(cli->command, "user") == 0 || strcmp(cli->command, "unit") == 0) &&
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
    int applied = 0;
    if (migrate_run(c->db, &applied, err, sizeof err) != 0) {
        fprintf(stderr, "trygg: %s\n", err);
        db_close(c);
        return -1;
    }
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

/* "trygg import-areas FILE" and "trygg import-boundary FILE --code C --name N". */
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
        int n = wf_areas_import_file(&c, cli->file, &err);
        if (n < 0) {
            fprintf(stderr, "trygg: %s\n", err.message);
            rc = 1;
        } else {
            printf("%d area%s imported from %s\n", n, n == 1 ? "" : "s", cli->file);
        }
    }
    db_close(&c);
    return rc;
}

int main(int argc, char **argv)
{
    struct config cfg;
    struct cli cli = {0};
    int pa = parse_args(argc, argv, &cfg, &cli);
    if (pa != 0)
        return pa > 0 ? 0 : 2;
    curl_global_init(CURL_GLOBAL_DEFAULT);                        /* once, before any thread */
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
    if (strcmp(cli.command, "import-areas") == 0 || strcmp(cli.command, "import-boundary") == 0)
        return cmd_import(&cfg, &cli);
    if (strcmp(cli.command, "user") == 0)
        return cmd_user(&cfg, &cli);
    if (strcmp(cli.command, "unit") == 0)
        return cmd_unit(&cfg, &cli);
    fprintf(stderr, "trygg: unknown command '%s' (see trygg --help)\n", cli.command);
    return 2;
}
