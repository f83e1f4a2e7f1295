/* narration.c - the lesson text format, parsed in one place (see narration.h).
 *
 * Must not: draw, or read files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "narration.h"
#include "ui.h"

/* A growing string. */
typedef struct { char *s; size_t len, cap; int oom; } sbuf;

static void sb_put(sbuf *b, const char *p, size_t n)
{
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap) cap *= 2;
        char *ns = realloc(b->s, cap);
        if (!ns) { b->oom = 1; return; }
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = 0;
}

/* The text without trailing blank lines, as a new string ("" for none). */
static char *sb_take(sbuf *b)
{
    while (b->len > 0 && (b->s[b->len - 1] == '\n' || b->s[b->len - 1] == ' ')) b->s[--b->len] = 0;
    char *r = b->s ? b->s : calloc(1, 1);
    b->s = NULL;
    b->len = b->cap = 0;
    return r;
}

/* "# Step N..." -> N (1-based), else 0. */
static int step_heading(const char *line, size_t n)
{
    if (n < 8 || strncmp(line, "# Step ", 7) != 0) return 0;
    int k = 0;
    size_t i = 7;
    while (i < n && line[i] >= '0' && line[i] <= '9' && k < 1000) k = k * 10 + (line[i++] - '0');
    return i > 7 ? k : 0;
}

/* "# Step N: Title" as the panel shows it: "# " + _("Step %d: %s") (the files keep the English
 * heading, which the parser looks for). 0 when the line has no ": Title" or it does not fit. */
static int step_title(const char *line, size_t n, int k, char *dst, size_t cap)
{
    const char *colon = memchr(line, ':', n);
    if (!colon) return 0;
    const char *t = colon + 1;
    while (t < line + n && *t == ' ') t++;
    char title[500];
    size_t tn = (size_t)(line + n - t);
    if (tn >= sizeof title) return 0;
    memcpy(title, t, tn);
    title[tn] = 0;
    int w = snprintf(dst, cap, "# ");
    int w2 = snprintf(dst + w, cap - (size_t)w, _("Step %d: %s"), k, title);
    return w2 > 0 && (size_t)(w + w2) < cap;
}

static int is_fence(const char *line, size_t n, const char *kind)
{
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t')) n--;
    if (n < 3 || strncmp(line, ":::", 3) != 0) return 0;
    size_t i = 3;
    while (i < n && line[i] == ' ') i++;
    size_t k = strlen(kind);
    return n - i == k && strncmp(line + i, kind, k) == 0;
}

/* The first sentence of prose (headings skipped): up to ". ", "? ", "! ", a ":" that ends the line, or the paragraph's end. */
static char *first_sentence(const char *s)
{
    const char *p = s;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        if (n > 0 && p[0] != '#') {
            size_t e = 0;
            for (; e < n; e++)
                if (((p[e] == '.' || p[e] == '?' || p[e] == '!') && (e + 1 == n || p[e + 1] == ' ')) || (p[e] == ':' && e + 1 == n)) { e++; break; }
            if (e > 0 && p[e - 1] == ':') e--;   /* "… like this:" ends the caption without the colon */
            char *r = malloc(e + 1);
            if (r) { memcpy(r, p, e); r[e] = 0; }
            return r;
        }
        if (!eol) break;
        p = eol + 1;
    }
    return calloc(1, 1);
}

void narration_free(narration *n)
{
    for (int i = 0; i < n->n_steps; i++) {
        if (n->text) free(n->text[i]);
        if (n->caption) free(n->caption[i]);
        if (n->notes) free(n->notes[i]);
    }
    free(n->text);
    free(n->caption);
    free(n->notes);
    memset(n, 0, sizeof *n);
}

int narration_parse(const char *text, int n_steps, narration *out)
{
    memset(out, 0, sizeof *out);
    if (n_steps < 1) n_steps = 1;
    sbuf *prose = calloc((size_t)n_steps + 1, sizeof *prose);  /* [0] introduction, [k] step k */
    sbuf *cap = calloc((size_t)n_steps, sizeof *cap), *notes = calloc((size_t)n_steps, sizeof *notes);
    out->text = calloc((size_t)n_steps, sizeof *out->text);
    out->caption = calloc((size_t)n_steps, sizeof *out->caption);
    out->notes = calloc((size_t)n_steps, sizeof *out->notes);
    out->n_steps = n_steps;
    int oom = !prose || !cap || !notes || !out->text || !out->caption || !out->notes;
    int part = 0;       /* 0 introduction, k: step k */
    int block = 0;      /* 0 prose, 1 caption, 2 notes */
    for (const char *p = text ? text : ""; !oom && *p;) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        int k = block ? 0 : step_heading(p, n);
        int idx = part > 0 ? part - 1 : 0;
        if (k > 0) part = k > n_steps ? n_steps : k;
        if (block && is_fence(p, n, "")) block = 0;
        else if (!block && is_fence(p, n, "caption")) block = 1;
        else if (!block && is_fence(p, n, "notes")) block = 2;
        else {
            sbuf *b = block == 1 ? &cap[idx] : block == 2 ? &notes[idx] : &prose[part];
            if (block == 1 && b->len) sb_put(b, " ", 1);
            char head[600];
            if (k > 0 && step_title(p, n, k, head, sizeof head)) sb_put(b, head, strlen(head)); /* in the shown language */
            else sb_put(b, p, n);
            if (block != 1) sb_put(b, "\n", 1);
        }
        p = eol ? eol + 1 : p + n;
    }
    for (int i = 0; !oom && i < n_steps; i++) {
        sbuf t = {0};
        if (i == 0 && prose[0].len) {
            sb_put(&t, prose[0].s, prose[0].len);
            if (prose[1].len) sb_put(&t, "\n", 1);
        }
        if (prose[i + 1].len) sb_put(&t, prose[i + 1].s, prose[i + 1].len);
        out->text[i] = sb_take(&t);
        out->caption[i] = cap[i].len ? sb_take(&cap[i]) : first_sentence(prose[i + 1].len ? prose[i + 1].s : out->text[i]);
        out->notes[i] = sb_take(&notes[i]);
        oom = !out->text[i] || !out->caption[i] || !out->notes[i] || t.oom;
    }
    for (int i = 0; prose && i <= n_steps; i++) { oom |= prose[i].oom; free(prose[i].s); }
    for (int i = 0; cap && notes && i < n_steps; i++) { oom |= cap[i].oom || notes[i].oom; free(cap[i].s); free(notes[i].s); }
    free(prose);
    free(cap);
    free(notes);
    if (oom) { narration_free(out); return -1; }
    return 0;
}
