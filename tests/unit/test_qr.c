/*
 * Unit tests for server/qr.c: the PNG and the cairo drawing of a join URL
 * decode back to the same URL with zbarimg (Debian zbar-tools); the SVG is
 * one path in an <svg> element; bad input is refused.
 */
#include "check.h"
#include "qr.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Longest line zbarimg prints that the tests read back. */
#define ZBAR_OUTPUT_MAX 2048

static const char *const join_url = "https://trygg.boras.se/w/K7QM4X";

/* Writes bytes to path. 0 or -1. */
static int write_file(const char *path, const unsigned char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(p, 1, n, f);
    return (fclose(f) == 0 && w == n) ? 0 : -1;
}

/* Runs `zbarimg --raw -q path` and leaves its first line (without newline) in out. 0 or -1. */
static int zbar_decode(const char *path, char *out, size_t cap)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "zbarimg --nodbus --raw -q '%s'", path);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    out[0] = '\0';
    if (!fgets(out, (int)cap, p))
        out[0] = '\0';
    int rc = pclose(p);
    out[strcspn(out, "\r\n")] = '\0';
    if (rc != 0)
        fprintf(stderr, "zbarimg exit %d (is zbar-tools installed? .ci/setup --with-browser): %s\n",
                rc, out);
    return rc == 0 ? 0 : -1;
}

static void test_png_decodes_to_the_join_url(const char *dir)
{
    unsigned char *png = NULL;
    size_t len = 0;
    char path[256], got[ZBAR_OUTPUT_MAX];
    CHECK(qr_png(join_url, 4, &png, &len) == QR_OK);
    CHECK(png != NULL && len > 8 && memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0);
    snprintf(path, sizeof path, "%s/join.png", dir);
    CHECK(write_file(path, png, len) == 0);
    CHECK(zbar_decode(path, got, sizeof got) == 0);
    CHECK(strcmp(got, join_url) == 0);
    printf("qr: PNG %zu bytes decodes to \"%s\"\n", len, got);
    free(png);
    unlink(path);
}

static void test_cairo_drawing_decodes_to_the_join_url(const char *dir)
{
    char path[256], got[ZBAR_OUTPUT_MAX];
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 300, 300);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0.8, 0.9, 1.0); /* a coloured page around it */
    cairo_paint(cr);
    CHECK(qr_cairo_draw(cr, join_url, 40, 40, 220) == QR_OK);
    CHECK(qr_cairo_draw(cr, "", 40, 40, 220) == QR_INVALID);
    CHECK(qr_cairo_draw(cr, join_url, 40, 40, 0) == QR_INVALID);
    cairo_destroy(cr);
    snprintf(path, sizeof path, "%s/cairo.png", dir);
    CHECK(cairo_surface_write_to_png(s, path) == CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    CHECK(zbar_decode(path, got, sizeof got) == 0);
    CHECK(strcmp(got, join_url) == 0);
    unlink(path);
}

static void test_svg_is_one_path(void)
{
    char *svg = NULL;
    size_t len = 0;
    CHECK(qr_svg(join_url, &svg, &len) == QR_OK);
    CHECK(svg != NULL && strlen(svg) == len);
    if (!svg)
        return;
    CHECK(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
    CHECK(strstr(svg, "<path") != NULL);
    CHECK(strstr(strstr(svg, "<path") + 1, "<path") == NULL);
    CHECK(len > 7 && strcmp(svg + len - 7, "</svg>\n") == 0);
    /* A 31-character URL at level M is version 3: 29 modules plus 2 x 4 of quiet zone. */
    CHECK(strstr(svg, "viewBox=\"0 0 37 37\"") != NULL);
    free(svg);
}

static void test_bad_input_is_refused(void)
{
    unsigned char *png = (unsigned char *)"x";
    char *svg = "x";
    size_t len = 1;
    char big[QR_TEXT_MAX + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK(qr_png(join_url, 0, &png, &len) == QR_INVALID);
    CHECK(png == NULL && len == 0);
    CHECK(qr_png(join_url, QR_PNG_MODULE_PX_MAX + 1, &png, &len) == QR_INVALID);
    CHECK(qr_png(NULL, 4, &png, &len) == QR_INVALID);
    CHECK(qr_png("", 4, &png, &len) == QR_INVALID);
    CHECK(qr_svg(big, &svg, &len) == QR_INVALID);
    CHECK(svg == NULL);
    big[QR_TEXT_MAX] = '\0'; /* exactly the limit fits */
    CHECK(qr_svg(big, &svg, &len) == QR_OK);
    free(svg);
}

int main(void)
{
    char dir[] = "/tmp/trygg-qr-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    test_png_decodes_to_the_join_url(dir);
    test_cairo_drawing_decodes_to_the_join_url(dir);
    test_svg_is_one_path();
    test_bad_input_is_refused();
    rmdir(dir);
    cairo_debug_reset_static_data();
    return check_report("test_qr");
}
