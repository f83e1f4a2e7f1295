/* audit.c - the layout audit of an export: attaches the toolkit's text record
 * (app/ui/ui_audit.c) to the export's ui context, collects each image's
 * overlapping and clipped texts, and writes them as DIR/audit.json:
 *   {"total_overlaps": N, "total_clipped": M,
 *    "images": [{"file": "00-overview.png", "texts": T,
 *                "overlaps": [["a", "b"], ...], "clipped": ["c", ...]}, ...]}
 * Any export that draws through a ui_ctx (--export-all, slides) can use it:
 * app_audit_image_begin before drawing an image, app_audit_image_end after.
 *
 * Must not: draw, or overwrite a file (audit.json lands through afile, AFILE_NEW).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "json.h"
#include "shell.h"

int app_audit_start(app_audit_log *L, ui_ctx *ui)
{
    memset(L, 0, sizeof *L);
    L->au = ui_audit_new();
    if (!L->au) return -1;
    L->ui = ui;
    ui->audit = L->au;
    return 0;
}

void app_audit_free(app_audit_log *L)
{
    if (!L) return;
    if (L->ui && L->ui->audit == L->au) L->ui->audit = NULL;
    ui_audit_free(L->au);
    free(L->json);
    memset(L, 0, sizeof *L);
}

/* Appends text to the images array (printf-like); sets L->oom when memory runs out. */
static void put(app_audit_log *L, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || L->oom) return;
    if (L->len + (size_t)n + 1 > L->cap) {
        size_t nc = L->cap ? L->cap * 2 : 65536;
        while (nc < L->len + (size_t)n + 1) nc *= 2;
        char *q = realloc(L->json, nc);
        if (!q) { L->oom = 1; return; }
        L->json = q;
        L->cap = nc;
    }
    va_start(ap, fmt);
    vsnprintf(L->json + L->len, L->cap - L->len, fmt, ap);
    va_end(ap);
    L->len += (size_t)n;
}

/* s as a JSON string (quotes included) through the project's one escaper. */
static void put_string(app_audit_log *L, const char *s)
{
    size_t need = json_escape(NULL, 0, s);
    char *e = malloc(need + 1);
    if (!e) { L->oom = 1; return; }
    json_escape(e, need + 1, s);
    put(L, "\"%s\"", e);
    free(e);
}

void app_audit_image_begin(app_audit_log *L, int w, int h)
{
    ui_audit_begin(L->au, w, h);
}

int app_audit_image_end(app_audit_log *L, const char *file)
{
    if (ui_audit_finish(L->au) != 0) L->oom = 1;
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    int no = ui_audit_overlaps(L->au), nc = ui_audit_clipped(L->au);
    put(L, "%s\n    {\"file\": ", L->images ? "," : "");
    put_string(L, base);
    put(L, ", \"texts\": %d, \"overlaps\": [", ui_audit_texts(L->au));
    for (int i = 0; i < no; i++) {
        const char *x, *y;
        ui_audit_overlap(L->au, i, &x, &y);
        put(L, "%s[", i ? ", " : "");
        put_string(L, x);
        put(L, ", ");
        put_string(L, y);
        put(L, "]");
    }
    put(L, "], \"clipped\": [");
    for (int i = 0; i < nc; i++) {
        put(L, "%s", i ? ", " : "");
        put_string(L, ui_audit_clip(L->au, i));
    }
    put(L, "], \"strings\": ["); /* every text drawn, in order: what a translation check reads */
    for (int i = 0; i < ui_audit_texts(L->au); i++) {
        put(L, "%s", i ? ", " : "");
        put_string(L, ui_audit_text(L->au, i));
    }
    put(L, "]}");
    L->images++;
    L->overlaps += no;
    L->clipped += nc;
    return L->oom ? -1 : 0;
}

int app_audit_write(app_audit_log *L, const char *path, char *err, size_t err_len)
{
    if (L->oom) { snprintf(err, err_len, "cannot write %s: out of memory", path); return -1; }
    size_t n = L->len + 200;
    char *doc = malloc(n);
    if (!doc) { snprintf(err, err_len, "cannot write %s: out of memory", path); return -1; }
    int k = snprintf(doc, n, "{\"total_overlaps\": %ld, \"total_clipped\": %ld, \"images\": [%s\n]}\n", L->overlaps,
                     L->clipped, L->json ? L->json : "");
    int rc = afile_write(path, AFILE_NEW, doc, (size_t)k, err, err_len);
    free(doc);
    return rc;
}
