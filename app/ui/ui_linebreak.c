/* ui_linebreak.c - where a line of prose may break, for the toolkit's wrapping
 * (ui_text_wrap): at spaces as in English, and between any two CJK characters
 * with the usual Chinese rules (conventions.md, "Languages"): no line starts
 * with a closing mark (，。、；：？！）」』》 and their ASCII kin) and none
 * ends with an opening one (（「『《); a Latin word or a number inside Chinese
 * text ("d_k", "512", "W_O") is never cut.
 *
 * Must not: measure or draw (the caller measures the candidates this gives).
 */
#include "ui.h"
#include "utf8.h"

/* Han, kana, Hangul, CJK symbols and punctuation, full-width forms. */
static int is_cjk(uint32_t c)
{
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x3FFFF);
}

/* Marks that may not begin a line. */
static int no_start(uint32_t c)
{
    switch (c) {
    case 0xFF0C: case 0x3002: case 0x3001: case 0xFF1B: case 0xFF1A: case 0xFF1F: case 0xFF01: /* ，。、；：？！ */
    case 0xFF09: case 0x300D: case 0x300F: case 0x300B: case 0x3009: case 0x3011: case 0x2026: /* ）」』》〉】… */
    case 0x201D: case 0x2019: case 0xFF0E: /* ”’． */
    case ',': case '.': case ';': case ':': case '?': case '!': case ')': case ']': return 1;
    default: return 0;
    }
}

/* Marks that may not end a line. */
static int no_end(uint32_t c)
{
    switch (c) {
    case 0xFF08: case 0x300C: case 0x300E: case 0x300A: case 0x3008: case 0x3010: /* （「『《〈【 */
    case 0x201C: case 0x2018: case '(': case '[': return 1; /* “‘ */
    default: return 0;
    }
}

/* 1 when a line may end between code point a and code point b (b not a space). */
static int may_break(uint32_t a, uint32_t b)
{
    if (no_start(b) || no_end(a)) return 0;
    return is_cjk(a) || is_cjk(b);
}

int ui_break_next(const char *s, int pos, int end)
{
    if (!s || pos >= end) return end;
    int i = pos;
    while (i < end && s[i] == ' ') i++;
    if (i >= end) return end;
    uint32_t a = 0, b = 0;
    i += utf8_next(s + i, (size_t)(end - i), &a); /* at least one code point */
    while (i < end) {
        if (s[i] == ' ') return i;
        int l = utf8_next(s + i, (size_t)(end - i), &b);
        if (may_break(a, b)) return i;
        a = b;
        i += l;
    }
    return end;
}
