/*
 * jsonw — see jsonw.h.
 */
#include "jsonw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void jsonw_raw(struct membuf *b, const char *s)
{
    membuf_append(b, s, strlen(s));
}

/* The code point of the UTF-8 sequence at s (n bytes left) into *cp; its length,
 * or 0 when it is not valid UTF-8. */
static int utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    int len = c < 0x80             ? 1
              : (c & 0xE0) == 0xC0 ? 2
              : (c & 0xF0) == 0xE0 ? 3
              : (c & 0xF8) == 0xF0 ? 4
                                   : 0;
    if (!len || (size_t)len > n)
        return 0;
    uint32_t v = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < least[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

void jsonw_str(struct membuf *b, const char *str)
{
    if (!str) {
        membuf_append(b, "null", 4);
        return;
    }
    jsonw_strn(b, str, strlen(str));
}

void jsonw_strn(struct membuf *b, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t run = 0;
    membuf_append(b, "\"", 1);
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        if (c >= 0x20 && c <= 0x7F && c != '"' && c != '\\') {
            run++;
            i++;
            continue;
        }
        membuf_append(b, s + i - run, run);
        run = 0;
        char esc[16];
        uint32_t cp = 0xFFFD;
        int len = c < 0x80 ? 1 : utf8_next(s + i, n - i, &cp);
        if (c < 0x80)
            cp = c;
        if (!len)
            len = 1; /* not UTF-8: one byte as U+FFFD */
        i += (size_t)len;
        switch (cp) {
        case '"':
            membuf_append(b, "\\\"", 2);
            continue;
        case '\\':
            membuf_append(b, "\\\\", 2);
            continue;
        case '\b':
            membuf_append(b, "\\b", 2);
            continue;
        case '\f':
            membuf_append(b, "\\f", 2);
            continue;
        case '\n':
            membuf_append(b, "\\n", 2);
            continue;
        case '\r':
            membuf_append(b, "\\r", 2);
            continue;
        case '\t':
            membuf_append(b, "\\t", 2);
            continue;
        default:
            break;
        }
        if (cp < 0x10000) { /* (NUL among them) */
            snprintf(esc, sizeof esc, "\\u%04X", (unsigned)cp);
        } else {
            uint32_t v = cp - 0x10000;
            snprintf(esc, sizeof esc, "\\u%04X\\u%04X", (unsigned)(0xD800 + (v >> 10)),
                     (unsigned)(0xDC00 + (v & 0x3FF)));
        }
        membuf_append(b, esc, strlen(esc));
    }
    membuf_append(b, s + n - run, run);
    membuf_append(b, "\"", 1);
}

void jsonw_int(struct membuf *b, int64_t v)
{
    char buf[24], *p = buf + sizeof buf;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    membuf_append(b, p, (size_t)(buf + sizeof buf - p));
}

/* v as jansson writes it: printf's %.12g, then no '+' and no leading zeros in the
 * exponent, and ".0" when it would otherwise read as an integer. */
static void num_printf(struct membuf *b, double v)
{
    char buf[48], out[48];
    snprintf(buf, sizeof buf, "%.12g", v);
    size_t k = 0;
    for (const char *p = buf; *p && k + 3 < sizeof out; p++) {
        out[k++] = *p;
        if (*p == 'e') { /* no '+' and no leading zeros in the exponent */
            if (p[1] == '+')
                p++;
            else if (p[1] == '-')
                out[k++] = *++p;
            while (p[1] == '0' && p[2])
                p++;
        }
    }
    out[k] = '\0';
    if (!strchr(out, '.') && !strchr(out, 'e'))
        out[k++] = '.', out[k++] = '0', out[k] = '\0';
    membuf_append(b, out, k);
}

void jsonw_num(struct membuf *b, double v)
{
    if (!isfinite(v)) {
        membuf_append(b, "null", 4);
        return;
    }
    double a = fabs(v);
    /* printf where %.12g writes an exponent (from 1e12, below 1e-4; with a margin for
     * what rounds up to them), and for zero's sign: rare in trygg's answers. */
    if (a >= 1e11 || a < 1e-4) {
        num_printf(b, v);
        return;
    }
    /* 12 significant digits: as many decimals as the integer part leaves. */
    int digits = a < 1 ? 1 : (int)floor(log10(a)) + 1;
    int decimals = 12 - digits;
    if (a < 1) { /* leading zeros after the point do not count */
        int z = (int)floor(-log10(a));
        decimals = 12 + (a == 0 ? 0 : z);
    }
    if (decimals < 0)
        decimals = 0;
    if (decimals > 17)
        decimals = 17;
    static const double pow10[] = {1e0, 1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,
                                   1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17};
    double x = a * pow10[decimals], scaled = round(x);
    /* Close to a tie the product's own rounding may decide the digit differently
     * from printf, which rounds the exact binary value: let printf decide. */
    if (fabs(fabs(x - floor(x)) - 0.5) < 1e-3 || scaled >= 9e18) {
        num_printf(b, v);
        return;
    }
    uint64_t s = (uint64_t)scaled, p10 = (uint64_t)pow10[decimals];
    uint64_t ip = s / p10, fp = s % p10;
    char buf[48], *q = buf;
    if (v < 0 && s)
        *q++ = '-';
    char tmp[24];
    int t = 0;
    do {
        tmp[t++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    while (t)
        *q++ = tmp[--t];
    *q++ = '.';
    if (fp == 0) {
        *q++ = '0';
    } else {
        char frac[20];
        for (int i = decimals - 1; i >= 0; i--) {
            frac[i] = (char)('0' + fp % 10);
            fp /= 10;
        }
        int len = decimals;
        while (len > 1 && frac[len - 1] == '0')
            len--;
        memcpy(q, frac, (size_t)len);
        q += len;
    }
    membuf_append(b, buf, (size_t)(q - buf));
}
