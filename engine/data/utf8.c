/* utf8.c - the one bounded UTF-8 decoder and encoder (see utf8.h).
 *
 * Must not: allocate, or know about SDL.
 */
#include "utf8.h"

int utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    *cp = UTF8_REPLACEMENT;
    if (n == 0) return 0;
    const unsigned char *u = (const unsigned char *)s;
    unsigned char c = u[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int len;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; v = c & 0x1Fu; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; v = c & 0x0Fu; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; v = c & 0x07u; min = 0x10000; }
    else return 0; /* a continuation byte, C0/C1 (always overlong) or F5..FF */
    if ((size_t)len > n) return 0;
    for (int i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (u[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return len;
}

int utf8_next(const char *s, size_t n, uint32_t *cp)
{
    uint32_t c;
    if (n == 0) {
        if (cp) *cp = UTF8_REPLACEMENT;
        return 0;
    }
    int l = utf8_decode(s, n, &c);
    if (cp) *cp = c;
    return l ? l : 1;
}

size_t utf8_prev(const char *s, size_t pos)
{
    if (pos == 0) return 0;
    for (size_t back = 2; back <= UTF8_MAX && back <= pos; back++) {
        uint32_t c;
        if (utf8_decode(s + pos - back, back, &c) == (int)back) return pos - back;
    }
    return pos - 1;
}

size_t utf8_cut(const char *s, size_t len, size_t n)
{
    if (n >= len) return len;
    /* a valid sequence starting at most 3 bytes before n and running past it */
    for (size_t back = 1; back < UTF8_MAX && back <= n; back++) {
        uint32_t c;
        int l = utf8_decode(s + n - back, len - (n - back), &c);
        if (l > (int)back) return n - back;
    }
    return n;
}

int utf8_encode(uint32_t cp, char *out)
{
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = UTF8_REPLACEMENT;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

int utf8_valid(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t c;
        int l = utf8_decode(s + i, n - i, &c);
        if (l == 0) return 0;
        i += (size_t)l;
    }
    return 1;
}
