/* ui_lang.c - the message catalogue: every word of the user interface goes
 * through _("English text"), which returns the current language's translation
 * (or the English itself when there is none).
 *
 * Catalogues are gettext's binary .mo files, compiled at build time by msgfmt
 * from assets/po/<lang>.po (the format of the gettext manual, "The Format of
 * GNU MO Files"): a header of 32-bit words in the file's byte order
 *   0 magic 0x950412de   1 revision (major 0 or 1)   2 N strings
 *   3 offset of the originals' table   4 offset of the translations' table
 * and each table N entries of (length, offset) pointing at NUL-terminated
 * strings. This small reader (not glibc's gettext) needs no installed locale
 * (with LC_ALL=C glibc ignores LANGUAGE) and works in the web build, which has
 * no glibc. It checks every offset against the file size, keeps only entries
 * with a non-empty translation, and sorts them itself (binary search).
 * Context entries (msgctxt "ctx", stored as "ctx\004msgid") are kept for C_();
 * plural forms are not used by this project and are skipped.
 *
 * ui_tr_text translates a message the engine formatted in English (the engine
 * must not know the catalogue): it finds the catalogue format whose literal
 * text and conversions match the message (the one with the most literal
 * characters when several do) and fills the translation with the values.
 *
 * ui_lang_peek reads one translation from a catalogue that is not loaded (the
 * language button names the next language in that language's own words).
 *
 * ui_tr_msg remembers its last 16 messages per catalogue (a message drawn every frame is
 * matched once). One catalogue at a time, global like gettext's: the language switch loads a
 * new one between frames (drawing happens on the main thread only).
 *
 * Must not: know about lessons, the engine or the app; allocate per lookup.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include "ui.h"

typedef struct { const char *id, *str; } lang_entry;

static struct {
    char *data;          /* the whole file; entries point into it */
    lang_entry *e;       /* sorted by id */
    int n;
    unsigned gen;        /* bumped by every load and unload: ui_tr_msg's memory is for one catalogue */
    long scans;          /* full scans of the formats by tr_text (ui_tr_scans, for the tests) */
} g_cat;

static uint32_t word_at(const unsigned char *p, int swap)
{
    return swap ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
                : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* The string of table entry i, or NULL when it leaves the file or lacks its NUL. */
static const char *mo_string(const char *d, size_t size, uint32_t table, uint32_t i, int swap, uint32_t *len)
{
    uint64_t at = (uint64_t)table + 8ull * i;
    if (at + 8 > size) return NULL;
    uint32_t n = word_at((const unsigned char *)d + at, swap), off = word_at((const unsigned char *)d + at + 4, swap);
    if ((uint64_t)off + n >= size || d[off + n] != 0) return NULL;
    *len = n;
    return d + off;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const lang_entry *)a)->id, ((const lang_entry *)b)->id);
}

/* Reads the entries of a .mo image (data of size bytes, kept). 0, or -1 with err. */
static int mo_parse(char *d, size_t size, lang_entry **out, int *n_out, char *err, size_t err_len)
{
    const unsigned char *u = (const unsigned char *)d;
    if (size < 28) { snprintf(err, err_len, "too short for a .mo file (%zu bytes)", size); return -1; }
    int swap;
    if (word_at(u, 0) == 0x950412deu) swap = 0;
    else if (word_at(u, 1) == 0x950412deu) swap = 1;
    else { snprintf(err, err_len, "not a .mo file (bad magic number)"); return -1; }
    uint32_t rev = word_at(u + 4, swap), n = word_at(u + 8, swap);
    uint32_t orig = word_at(u + 12, swap), trans = word_at(u + 16, swap);
    if (rev >> 16 > 1) { snprintf(err, err_len, "unknown .mo revision %u", (unsigned)(rev >> 16)); return -1; }
    if ((uint64_t)n * 8 > size) { snprintf(err, err_len, "%u strings cannot fit in %zu bytes", (unsigned)n, size); return -1; }
    lang_entry *e = n ? malloc(n * sizeof *e) : NULL;
    if (n && !e) { snprintf(err, err_len, "out of memory"); return -1; }
    int k = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t li, ls;
        const char *id = mo_string(d, size, orig, i, swap, &li), *str = mo_string(d, size, trans, i, swap, &ls);
        if (!id || !str) {
            snprintf(err, err_len, "string %u points outside the file", (unsigned)i);
            free(e);
            return -1;
        }
        /* the header (msgid ""), plurals (id\0plural) and untranslated ones are skipped */
        if (li == 0 || ls == 0 || strlen(id) != li) continue;
        e[k].id = id;
        e[k].str = str;
        k++;
    }
    if (k > 1) qsort(e, (size_t)k, sizeof *e, entry_cmp);
    *out = e;
    *n_out = k;
    return 0;
}

void ui_lang_unload(void)
{
    free(g_cat.e);
    free(g_cat.data);
    g_cat.e = NULL;
    g_cat.data = NULL;
    g_cat.n = 0;
    g_cat.gen++;
}

/* A .mo file read and parsed: its bytes in *data (kept, the entries point into them). 0, or -1 with err. */
static int mo_load(const char *mo_path, char **data, lang_entry **e, int *n, char *err, size_t err_len)
{
    FILE *f = fopen(mo_path, "rb");
    if (!f) { snprintf(err, err_len, "cannot open %s: %s", mo_path, strerror(errno)); return -1; }
    size_t cap = 1 << 16, size = 0, got;
    char *d = malloc(cap);
    while (d && (got = fread(d + size, 1, cap - size, f)) > 0) {
        size += got;
        if (size == cap) {
            char *nd = cap < (1u << 30) ? realloc(d, cap * 2) : NULL;
            if (!nd) { free(d); d = NULL; break; }
            d = nd;
            cap *= 2;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (!d || bad) { free(d); snprintf(err, err_len, "cannot read %s", mo_path); return -1; }
    char why[200];
    if (mo_parse(d, size, e, n, why, sizeof why) != 0) {
        free(d);
        snprintf(err, err_len, "%s: %s", mo_path, why);
        return -1;
    }
    *data = d;
    return 0;
}

int ui_lang_load(const char *mo_path, char *err, size_t err_len)
{
    char *d;
    lang_entry *e;
    int n;
    if (mo_load(mo_path, &d, &e, &n, err, err_len) != 0) return -1;
    ui_lang_unload();
    g_cat.data = d;
    g_cat.e = e;
    g_cat.n = n;
    return 0;
}

int ui_lang_peek(const char *mo_path, const char *msgid, char *out, size_t out_len)
{
    char *d, err[1];
    lang_entry *e, key = {msgid, NULL};
    int n;
    if (out_len == 0 || mo_load(mo_path, &d, &e, &n, err, sizeof err) != 0) return -1;
    const lang_entry *hit = n ? bsearch(&key, e, (size_t)n, sizeof *e, entry_cmp) : NULL;
    if (hit) snprintf(out, out_len, "%s", hit->str);
    free(e);
    free(d);
    return hit ? 0 : -1;
}

int ui_lang_count(void) { return g_cat.n; }

/* The translation of msgid, or NULL when the catalogue has none. */
static const char *lang_find(const char *msgid)
{
    int lo = 0, hi = g_cat.n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2, c = strcmp(msgid, g_cat.e[mid].id);
        if (c == 0) return g_cat.e[mid].str;
        if (c < 0) hi = mid - 1;
        else lo = mid + 1;
    }
    return NULL;
}

const char *ui_tr(const char *msgid)
{
    if (!msgid || !*msgid || g_cat.n == 0) return msgid;
    const char *t = lang_find(msgid);
    return t ? t : msgid;
}

const char *ui_tr_ctx(const char *key)
{
    const char *t = key && g_cat.n ? lang_find(key) : NULL, *eot = key ? strchr(key, '\4') : NULL;
    return t ? t : eot ? eot + 1 : key;
}

/* ---- messages formatted by the engine --------------------------------------------- */

#define TR_MAX_ARGS 8
#define TR_DEPTH 3 /* a value translated inside a value inside a message, no deeper */

typedef struct {
    const char *at[TR_MAX_ARGS]; /* the values in the message */
    size_t len[TR_MAX_ARGS];
    int n;
    long budget;                 /* match steps left (a pathological format gives up) */
} tr_caps;

/* The printf conversion at p ('%' there): its length in *len and what it prints:
 * 's' text, 'd' a whole number, 'f' a real number, 'x' hex, 'c' one character,
 * '%' a percent sign; 0 for anything else. */
static char tr_conv(const char *p, size_t *len)
{
    const char *q = p + 1;
    if (*q == '%') { *len = 2; return '%'; }
    while (*q && strchr("-+ #0'", *q)) q++;
    if (*q == '*') q++;
    else while (isdigit((unsigned char)*q)) q++;
    if (*q == '.') {
        q++;
        if (*q == '*') q++;
        else while (isdigit((unsigned char)*q)) q++;
    }
    while (*q && strchr("hlLjzt", *q)) q++;
    *len = (size_t)(q + 1 - p);
    switch (*q) {
    case 's': return 's';
    case 'd': case 'i': case 'u': return 'd';
    case 'x': case 'X': case 'o': case 'p': return 'x';
    case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': return 'f';
    case 'c': return 'c';
    default: return 0;
    }
}

/* 1 when c can be part of a number printed by a conversion of kind k. */
static int tr_num_char(char k, char c)
{
    if (isdigit((unsigned char)c) || c == '-') return 1;
    if (k == 'f') return strchr("+.eEinfaINFA", c) != NULL;
    if (k == 'x') return isxdigit((unsigned char)c) || c == 'x';
    return 0;
}

/* 1 when s is what format p prints, its values in c (text: shortest first; numbers: longest). */
static int tr_match(const char *p, const char *s, tr_caps *c)
{
    if (--c->budget < 0) return 0;
    while (*p && *p != '%') {
        if (*p != *s) return 0;
        p++;
        s++;
    }
    if (!*p) return *s == 0;
    size_t plen, max = 0;
    char k = tr_conv(p, &plen);
    if (k == 0) return 0;
    if (k == '%') return *s == '%' && tr_match(p + 2, s + 1, c);
    if (c->n == TR_MAX_ARGS) return 0;
    int i = c->n++;
    if (k == 's') max = strlen(s);
    else if (k == 'c') max = *s ? 1 : 0;
    else while (s[max] && tr_num_char(k, s[max])) max++;
    for (size_t t = 0; t <= max; t++) {
        size_t l = k == 's' ? t : max - t;
        if (k != 's' && l == 0) break;
        c->at[i] = s;
        c->len[i] = l;
        if (tr_match(p + plen, s + l, c)) return 1;
    }
    c->n = i;
    return 0;
}

/* The characters of a format that are not conversions. */
static size_t tr_literal_len(const char *p)
{
    size_t n = 0, len;
    while (*p) {
        if (*p == '%' && tr_conv(p, &len)) p += len;
        else { p++; n++; }
    }
    return n;
}

static const char *tr_text(const char *msg, char *buf, size_t n, int depth);

/* Writes fmt into out with the conversions replaced by the values of c, in order
 * (po_complete checks a translation keeps the English conversions and their order). */
static void tr_fill(const char *fmt, const tr_caps *c, int depth, char *out, size_t n)
{
    size_t o = 0, len;
    int i = 0;
    char val[1024], sub[1024];
    out[0] = 0;
    for (const char *p = fmt; *p && o + 1 < n;) {
        char k = *p == '%' ? tr_conv(p, &len) : 0;
        if (!k || k == '%' || i >= c->n) {
            out[o++] = *p;
            p += k == '%' ? 2 : 1;
            continue;
        }
        snprintf(val, sizeof val, "%.*s", (int)c->len[i], c->at[i]);
        /* a value with a space may be a message of its own; a single word (a word the user typed) stays */
        const char *v = k == 's' && depth < TR_DEPTH && strchr(val, ' ') ? tr_text(val, sub, sizeof sub, depth + 1) : val;
        o += (size_t)snprintf(out + o, n - o, "%s", v);
        if (o >= n) o = n - 1;
        p += len;
        i++;
    }
    out[o] = 0;
}

static const char *tr_text(const char *msg, char *buf, size_t n, int depth)
{
    if (!msg || !*msg || g_cat.n == 0 || n == 0) return msg;
    const char *t = lang_find(msg);
    if (t) return t;
    int best = -1;
    size_t best_lit = 0;
    tr_caps c, best_c;
    g_cat.scans++;
    for (int i = 0; i < g_cat.n; i++) {
        const char *id = g_cat.e[i].id;
        if (!strchr(id, '%') || strchr(id, '\4')) continue;
        size_t lit = tr_literal_len(id);
        if (lit < 3 || lit <= best_lit) continue;
        c.n = 0;
        c.budget = 20000;
        if (tr_match(id, msg, &c)) { best = i; best_lit = lit; best_c = c; }
    }
    if (best < 0) return msg;
    tr_fill(g_cat.e[best].str, &best_c, depth, buf, n);
    return buf;
}

const char *ui_tr_text(const char *msg, char *buf, size_t n) { return tr_text(msg, buf, n, 0); }

/* ui_tr_msg's memory: the last TR_MEMO messages it translated, each with the catalogue
 * generation it was translated under. A message drawn every frame (a trace error under
 * the sentence, a verdict's reason) is matched against the ~900 formats once, not per frame. */
#define TR_MEMO 16
static struct {
    unsigned gen;
    int used;
    char msg[1024], out[1024];
} g_memo[TR_MEMO];
static int g_memo_next;

const char *ui_tr_msg(const char *msg)
{
    if (!msg || !*msg || g_cat.n == 0) return msg;
    size_t len = strlen(msg);
    if (len < sizeof g_memo[0].msg)
        for (int i = 0; i < TR_MEMO; i++)
            if (g_memo[i].used && g_memo[i].gen == g_cat.gen && strcmp(g_memo[i].msg, msg) == 0) return g_memo[i].out;
    int k = g_memo_next;
    g_memo_next = (g_memo_next + 1) % TR_MEMO;
    const char *r = tr_text(msg, g_memo[k].out, sizeof g_memo[k].out, 0);
    g_memo[k].used = 0;
    if (len >= sizeof g_memo[k].msg) return r; /* too long to remember: translated each time */
    if (r != g_memo[k].out) snprintf(g_memo[k].out, sizeof g_memo[k].out, "%s", r);
    memcpy(g_memo[k].msg, msg, len + 1);
    g_memo[k].gen = g_cat.gen;
    g_memo[k].used = 1;
    return g_memo[k].out;
}

long ui_tr_scans(void) { return g_cat.scans; }
