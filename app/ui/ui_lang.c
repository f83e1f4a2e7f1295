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
 * Context entries (msgctxt) and plural forms are not used by this project and
 * are skipped.
 *
 * One catalogue at a time, global like gettext's: the language switch loads a
 * new one between frames (drawing happens on the main thread only).
 *
 * Must not: know about lessons or the app; allocate per lookup.
 */
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
        /* the header (msgid ""), context entries (ctx\4id), plurals (id\0plural) and untranslated ones are skipped */
        if (li == 0 || ls == 0 || strchr(id, '\4') || strlen(id) != li) continue;
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
    memset(&g_cat, 0, sizeof g_cat);
}

int ui_lang_load(const char *mo_path, char *err, size_t err_len)
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
    lang_entry *e;
    int n;
    char why[200];
    if (mo_parse(d, size, &e, &n, why, sizeof why) != 0) {
        free(d);
        snprintf(err, err_len, "%s: %s", mo_path, why);
        return -1;
    }
    ui_lang_unload();
    g_cat.data = d;
    g_cat.e = e;
    g_cat.n = n;
    return 0;
}

int ui_lang_count(void) { return g_cat.n; }

const char *ui_tr(const char *msgid)
{
    if (!msgid || !*msgid || g_cat.n == 0) return msgid;
    int lo = 0, hi = g_cat.n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2, c = strcmp(msgid, g_cat.e[mid].id);
        if (c == 0) return g_cat.e[mid].str;
        if (c < 0) hi = mid - 1;
        else lo = mid + 1;
    }
    return msgid;
}
