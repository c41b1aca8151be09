/*
 * web — static pages. Paths come from the route table, never from a client
 * file name: a requested path is accepted only when every segment is made of
 * [A-Za-z0-9._-], does not start with '.', and the resolved file lies under
 * web_root. No directory listing exists; nothing under data_dir is reachable.
 */
#include "web.h"
#include "http.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define WEB_MAX_FILE_BYTES (8L * 1024 * 1024)

static const char *content_type_for(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".webmanifest", "application/manifest+json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".yaml", "application/yaml"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

static int safe_relative_path(const char *p)
{
    if (!*p || strlen(p) > 512)
        return 0;
    int seg_start = 1;
    for (; *p; p++) {
        if (*p == '/') {
            if (seg_start)
                return 0; /* empty segment */
            seg_start = 1;
            continue;
        }
        if (seg_start && *p == '.')
            return 0; /* ".", "..", hidden files */
        seg_start = 0;
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '.' || *p == '_' || *p == '-'))
            return 0;
    }
    return !seg_start;
}

int web_send_file(struct req *r, const char *rel)
{
    char path[PATH_MAX], real[PATH_MAX], root[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", r->cfg->web_root, rel) >= (int)sizeof path ||
        !realpath(r->cfg->web_root, root) || !realpath(path, real) ||
        strncmp(real, root, strlen(root)) != 0 || real[strlen(root)] != '/')
        return http_reply_error(r, ERR_NOT_FOUND, NULL, "no such page");
    FILE *f = fopen(real, "rb");
    struct stat sb;
    if (!f)
        return http_reply_error(r, ERR_NOT_FOUND, NULL, "no such page");
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > WEB_MAX_FILE_BYTES) {
        fclose(f);
        return http_reply_error(r, ERR_NOT_FOUND, NULL, "no such page");
    }
    char etag[64];
    snprintf(etag, sizeof etag, "\"%llx-%llx\"", (unsigned long long)sb.st_mtime,
             (unsigned long long)sb.st_size);
    const char *inm = http_header(r, "If-None-Match");
    char hdr[160];
    snprintf(hdr, sizeof hdr, "ETag: %s\r\nCache-Control: no-cache\r\n", etag);
    if (inm && strcmp(inm, etag) == 0) {
        fclose(f);
        return http_reply_bytes(r, 304, NULL, "", 0, hdr);
    }
    char *buf = malloc((size_t)sb.st_size + 1);
    size_t n = buf ? fread(buf, 1, (size_t)sb.st_size, f) : 0;
    fclose(f);
    if (!buf || n != (size_t)sb.st_size) {
        free(buf);
        return http_reply_error(r, ERR_INTERNAL, NULL, "the file could not be read");
    }
    http_reply_bytes(r, 200, content_type_for(real), buf, n, hdr);
    free(buf);
    return 200;
}

int web_field_app(struct req *r)
{
    return web_send_file(r, "index.html");
}

int web_report(struct req *r)
{
    return web_send_file(r, "report.html");
}

int web_unsubscribe(struct req *r)
{
    return web_send_file(r, "unsubscribe.html");
}

int web_public_map(struct req *r)
{
    return web_send_file(r, "map.html");
}

int web_openapi(struct req *r)
{
    return web_send_file(r, "openapi.json");
}

int web_walks(struct req *r)
{
    return web_send_file(r, "walks.html");
}

int web_staff(struct req *r)
{
    return web_send_file(r, "staff.html");
}

int web_stats(struct req *r)
{
    return web_send_file(r, "stats.html");
}

int web_static(struct req *r)
{
    char rel[600];
    if (!safe_relative_path(r->param[0]))
        return http_reply_error(r, ERR_NOT_FOUND, NULL, "no such file");
    snprintf(rel, sizeof rel, "static/%s", r->param[0]);
    return web_send_file(r, rel);
}

int web_vendor(struct req *r)
{
    static const char *const allowed[] = {"leaflet", "leaflet.heat", "leaflet.markercluster",
                                          "uplot", NULL};
    const char *pkg = r->param[0], *rest = r->param[1];
    int ok = 0;
    for (int i = 0; allowed[i]; i++)
        ok |= strcmp(pkg, allowed[i]) == 0;
    if (!ok || !safe_relative_path(rest))
        return http_reply_error(r, ERR_NOT_FOUND, NULL, "no such file");
    char rel[700];
    snprintf(rel, sizeof rel, "node_modules/%s/dist/%s", pkg, rest);
    return web_send_file(r, rel);
}

int web_root_file(struct req *r)
{
    return web_send_file(r, r->path + 1); /* "/sw.js" -> "sw.js": fixed by the route table */
}
