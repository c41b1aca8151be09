/*
 * make_image_seeds — writes the tiny images of tests/fuzz/corpus/image/: one of
 * each layout image.c decodes (or must refuse), 16 x 12 pixels each. Built with
 * the harnesses (TRYGG_FUZZ=ON); run it again only to change the seeds:
 *     build-fuzz/make_image_seeds tests/fuzz/corpus/image
 */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>
#include <webp/encode.h>

#define W 16
#define H 12

static unsigned char px[W * H * 4];

static void fill(int channels)
{
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            unsigned char *p = px + (y * W + x) * channels;
            unsigned char v[4] = {(unsigned char)(x * 16), (unsigned char)(y * 20), 128,
                                  (unsigned char)(x < 8 ? 255 : 64)};
            memcpy(p, v, (size_t)channels);
        }
}

static void save(const char *dir, const char *name, const unsigned char *d, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(d, 1, n, f) != n) {
        perror(path);
        exit(1);
    }
    fclose(f);
}

static void jpeg(const char *dir, const char *name, int pf, int subsamp, int flags,
                 const unsigned char *app1, size_t app1_len)
{
    unsigned char *out = NULL;
    unsigned long size = 0;
    tjhandle tj = tjInitCompress();
    fill(tjPixelSize[pf]);
    if (tjCompress2(tj, px, W, 0, H, pf, &out, &size, subsamp, 80, flags) != 0) {
        fprintf(stderr, "%s: %s\n", name, tjGetErrorStr2(tj));
        exit(1);
    }
    tjDestroy(tj);
    /* An APP1 segment goes right after SOI. */
    unsigned char *all = malloc(size + app1_len);
    memcpy(all, out, 2);
    memcpy(all + 2, app1, app1_len);
    memcpy(all + 2 + app1_len, out + 2, size - 2);
    save(dir, name, all, size + app1_len);
    free(all);
    tjFree(out);
}

struct membuf {
    unsigned char *data;
    size_t len;
};

static void membuf_write(png_structp png, png_bytep d, size_t n)
{
    struct membuf *m = png_get_io_ptr(png);
    m->data = realloc(m->data, m->len + n);
    memcpy(m->data + m->len, d, n);
    m->len += n;
}

static void membuf_flush(png_structp png)
{
    (void)png;
}

static void png(const char *dir, const char *name, int color, int depth, int interlace, int text)
{
    png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(p);
    struct membuf m = {0};
    png_set_write_fn(p, &m, membuf_write, membuf_flush);
    png_set_IHDR(p, info, W, H, depth, color, interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (color == PNG_COLOR_TYPE_PALETTE) {
        png_color pal[16];
        png_byte alpha[16];
        for (int i = 0; i < 16; i++) {
            pal[i].red = (png_byte)(i * 16);
            pal[i].green = 0;
            pal[i].blue = (png_byte)(255 - i * 16);
            alpha[i] = (png_byte)(i * 17);
        }
        png_set_PLTE(p, info, pal, 16);
        png_set_tRNS(p, info, alpha, 16, NULL);
    }
    if (text) {
        png_text t[2];
        memset(t, 0, sizeof t);
        t[0].compression = PNG_TEXT_COMPRESSION_NONE;
        t[0].key = "Comment";
        t[0].text = "secret";
        t[1].compression = PNG_TEXT_COMPRESSION_zTXt;
        t[1].key = "Description";
        t[1].text = "compressed secret text";
        png_set_text(p, info, t, 2);
    }
    png_write_info(p, info);
    int channels = png_get_channels(p, info);
    int bps = depth == 16 ? 2 : 1;
    unsigned char row[W * 8];
    int passes = png_set_interlace_handling(p);
    for (int pass = 0; pass < passes; pass++)
        for (int y = 0; y < H; y++) {
            for (int i = 0; i < W * channels * bps; i++)
                row[i] = (unsigned char)(i * 7 + y * 13);
            if (color == PNG_COLOR_TYPE_PALETTE)
                for (int x = 0; x < W; x++)
                    row[x] = (unsigned char)((x + y) % 16);
            png_write_row(p, row);
        }
    png_write_end(p, info);
    png_destroy_write_struct(&p, &info);
    save(dir, name, m.data, m.len);
    free(m.data);
}

static void webp(const char *dir, const char *name, int lossless, int alpha)
{
    unsigned char *out = NULL;
    size_t n;
    fill(alpha ? 4 : 3);
    if (lossless)
        n = WebPEncodeLosslessRGB(px, W, H, W * 3, &out);
    else if (alpha)
        n = WebPEncodeRGBA(px, W, H, W * 4, 75, &out);
    else
        n = WebPEncodeRGB(px, W, H, W * 3, 75, &out);
    if (n == 0) {
        fprintf(stderr, "%s: encoding failed\n", name);
        exit(1);
    }
    save(dir, name, out, n);
    WebPFree(out);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    /* APP1 "Exif": little-endian TIFF, IFD0 with one entry, Orientation = 6. */
    static const unsigned char exif6[] = {
        0xFF, 0xE1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 0x2A, 0, 8, 0, 0, 0,
        1,    0,    0x12, 0x01, 3,   0,   1,   0,   0, 0, 6,   0,   0,    0, 0, 0, 0, 0};
    jpeg(dir, "baseline-420.jpg", TJPF_RGB, TJSAMP_420, 0, NULL, 0);
    jpeg(dir, "baseline-444.jpg", TJPF_RGB, TJSAMP_444, 0, NULL, 0);
    jpeg(dir, "gray.jpg", TJPF_GRAY, TJSAMP_GRAY, 0, NULL, 0);
    jpeg(dir, "progressive.jpg", TJPF_RGB, TJSAMP_420, TJFLAG_PROGRESSIVE, NULL, 0);
    jpeg(dir, "exif-orientation-6.jpg", TJPF_RGB, TJSAMP_422, 0, exif6, sizeof exif6);
    jpeg(dir, "cmyk.jpg", TJPF_CMYK, TJSAMP_444, 0, NULL, 0);
    png(dir, "rgb.png", PNG_COLOR_TYPE_RGB, 8, 0, 0);
    png(dir, "rgba-text.png", PNG_COLOR_TYPE_RGB_ALPHA, 8, 0, 1);
    png(dir, "palette-trns.png", PNG_COLOR_TYPE_PALETTE, 8, 0, 0);
    png(dir, "gray16-interlaced.png", PNG_COLOR_TYPE_GRAY, 16, 1, 0);
    png(dir, "gray-alpha.png", PNG_COLOR_TYPE_GA, 8, 0, 0);
    webp(dir, "lossy.webp", 0, 0);
    webp(dir, "lossless.webp", 1, 0);
    webp(dir, "lossy-alpha.webp", 0, 1);
    return 0;
}
