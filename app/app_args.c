/* app_args.c - the command line of transformer-lab.
 *
 * Must not: open windows or files; it only fills app_options.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "monkey.h"
#include "ui.h"

void app_usage(FILE *f)
{
    /* one message, so a translation can lay the columns out as its language needs */
    fputs(_(
        "usage: transformer-lab [options]\n"
        "Runs a small trained Transformer on your sentence and shows every stage as a lesson.\n"
        "  --help                 this text\n"
        "  --version              the version\n"
        "  --model FILE           weights (.safetensors); default assets/model.safetensors,\n"
        "                         then assets/model-untrained.safetensors\n"
        "  --sentence TEXT        the sentence to start with\n"
        "  --lesson N|SLUG        open this lesson (number or slug, e.g. 3 or positional-encoding)\n"
        "  --fullscreen           start fullscreen (F11 toggles)\n"
        "  --theme dark|light     colours (T toggles); light is for projectors\n"
        "  --lang CODE            language of the lesson texts and the interface: a folder under\n"
        "                         assets/lessons (default: the one chosen last with Ctrl+Shift+L, else\n"
        "                         zh when LC_ALL, LC_MESSAGES or LANG starts with zh, else en)\n"
        "  --size WxH             window size (default 1280x800)\n"
        "  --export-dir DIR       where Ctrl+S / F12 screenshots go (default ~/TransformerLab/exports)\n"
        "  --export-size WxH      size of slide exports and --export-all (default 1920x1080)\n"
        "  --export-all DIR       every lesson and step as a slide, DIR/NN-slug[-stepK].png, and the\n"
        "                         deck DIR/deck.pdf (speaker notes on its last pages); no window\n"
        "  --screens              with --export-all: full screens (sidebar, text panel), no PDF\n"
        "  --slides-head auto|L:H the head an attention slide shows: auto (the most readable) or\n"
        "                         layer L, head H (from 1)\n"
        "  --lessons LIST         with --export-all: only these lessons, e.g. 3,5-7\n"
        "  --audit                with --export-all: also write DIR/audit.json, every text that overlaps\n"
        "                         another or is cut (see docs/app.md)\n"
        "  --audit-only           with --export-all: only the audit, no PNGs (faster)\n"
        "  --zoom F               zoom of the figures, 0.75 to 3 (default 1; Ctrl+plus/minus/0 in the window)\n"
        "  --script FILE          replay a script of input events (see docs/app.md), then exit\n"
        "  --assets DIR           the assets folder (fonts, lesson texts, models)\n"
        "  --monkey N [--seed S]  test: N random input events (app/monkey.h), then exit\n"
        "Exit status: 0 ok, 1 runtime failure, 2 bad arguments or script, 3 no usable model.\n"), f);
}

static int parse_size(const char *s, int *w, int *h)
{
    char *end;
    long a = strtol(s, &end, 10);
    if (end == s || (*end != 'x' && *end != 'X')) return -1;
    const char *p = end + 1;
    long b = strtol(p, &end, 10);
    if (end == p || *end) return -1;
    if (a < 320 || b < 240 || a > 8192 || b > 8192) return -1;
    *w = (int)a;
    *h = (int)b;
    return 0;
}

/* "3,5-7" -> bits 3, 5, 6, 7 (course numbers 0..63). 0, or -1. */
static int parse_lessons(const char *s, unsigned long long *mask)
{
    *mask = 0;
    const char *p = s;
    while (*p) {
        char *end;
        long a = strtol(p, &end, 10), b;
        if (end == p || a < 0 || a > 63) return -1;
        b = a;
        if (*end == '-') {
            const char *q = end + 1;
            b = strtol(q, &end, 10);
            if (end == q || b < a || b > 63) return -1;
        }
        for (long i = a; i <= b; i++) *mask |= 1ULL << i;
        if (*end == ',') end++;
        else if (*end) return -1;
        p = end;
    }
    return *mask ? 0 : -1;
}

/* "auto" -> 0, 0; "L:H" (from 1) -> L, H. 0, or -1. */
static int parse_head(const char *s, int *layer, int *head)
{
    if (!strcmp(s, "auto")) { *layer = *head = 0; return 0; }
    char *end;
    long l = strtol(s, &end, 10);
    if (end == s || *end != ':' || l < 1 || l > 64) return -1;
    const char *q = end + 1;
    long h = strtol(q, &end, 10);
    if (end == q || *end || h < 1 || h > 64) return -1;
    *layer = (int)l;
    *head = (int)h;
    return 0;
}

int app_parse_args(int argc, char **argv, app_options *o, FILE *out, FILE *err)
{
    memset(o, 0, sizeof *o);
    o->theme = "dark";
    o->lang = app_lang_from_locale();
    o->export_w = 1920;
    o->export_h = 1080;
    o->width = 1280;
    o->height = 800;
    long long monkey_n = 0, monkey_seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_VALUE() do { if (!v) { fprintf(err, _("transformer-lab: %s needs a value\n"), a); app_usage(err); return APP_EXIT_USAGE; } i++; } while (0)
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { app_usage(out); return APP_EXIT_OK; }
        else if (!strcmp(a, "--version")) { fprintf(out, "transformer-lab %s\n", TLAB_VERSION); return APP_EXIT_OK; }
        else if (!strcmp(a, "--model")) { NEED_VALUE(); o->model_path = v; }
        else if (!strcmp(a, "--sentence")) { NEED_VALUE(); o->sentence = v; }
        else if (!strcmp(a, "--lesson")) { NEED_VALUE(); o->lesson = v; }
        else if (!strcmp(a, "--fullscreen")) o->fullscreen = 1;
        else if (!strcmp(a, "--quiz")) o->quiz = 1;
        else if (!strcmp(a, "--split")) o->split = 1;
        else if (!strcmp(a, "--theme")) {
            NEED_VALUE();
            if (strcmp(v, "dark") && strcmp(v, "light")) {
                fprintf(err, _("transformer-lab: --theme must be dark or light, not '%s'\n"), v);
                app_usage(err);
                return APP_EXIT_USAGE;
            }
            o->theme = v;
        }
        else if (!strcmp(a, "--lang")) { NEED_VALUE(); o->lang = v; o->lang_given = 1; }
        else if (!strcmp(a, "--export-dir")) { NEED_VALUE(); o->export_dir = v; }
        else if (!strcmp(a, "--export-all")) { NEED_VALUE(); o->export_all_dir = v; }
        else if (!strcmp(a, "--script")) { NEED_VALUE(); o->script = v; }
        else if (!strcmp(a, "--audit")) o->audit = 1;
        else if (!strcmp(a, "--audit-only")) o->audit = o->audit_only = 1;
        else if (!strcmp(a, "--zoom")) {
            NEED_VALUE();
            char *end;
            double z = strtod(v, &end);
            if (end == v || *end || !(z >= 0.75 && z <= 3.0)) {
                fprintf(err, _("transformer-lab: --zoom wants a number from 0.75 to 3, not '%s'\n"), v);
                app_usage(err);
                return APP_EXIT_USAGE;
            }
            o->zoom = (float)z;
        }
        else if (!strcmp(a, "--screens")) o->screens = 1;
        else if (!strcmp(a, "--lessons") || !strcmp(a, "--slides-head")) {
            NEED_VALUE();
            int bad = a[2] == 'l' ? parse_lessons(v, &o->lessons_mask) : parse_head(v, &o->slides_layer, &o->slides_head);
            if (bad) {
                fprintf(err, _("transformer-lab: %s wants %s, not '%s'\n"), a,
                        a[2] == 'l' ? _("course numbers 0-63 and ranges, e.g. 3,5-7") : _("auto or LAYER:HEAD from 1, e.g. 2:3"), v);
                app_usage(err);
                return APP_EXIT_USAGE;
            }
        }
        else if (!strcmp(a, "--assets")) { NEED_VALUE(); o->assets_dir = v; }
        else if (!strcmp(a, "--monkey") || !strcmp(a, "--seed")) { /* the monkey test (app/monkey.c) */
            NEED_VALUE();
            char *end;
            long long n = strtoll(v, &end, 10);
            if (end == v || *end || n < 0 || n > 100000000) {
                fprintf(err, _("transformer-lab: %s wants a whole number, not '%s'\n"), a, v);
                app_usage(err);
                return APP_EXIT_USAGE;
            }
            if (a[2] == 'm') monkey_n = n; else monkey_seed = n;
        }
        else if (!strcmp(a, "--export-size") || !strcmp(a, "--size")) {
            NEED_VALUE();
            int w, h;
            if (parse_size(v, &w, &h)) {
                fprintf(err, _("transformer-lab: %s wants WxH (e.g. 1920x1080, 320x240 to 8192x8192), not '%s'\n"), a, v);
                app_usage(err);
                return APP_EXIT_USAGE;
            }
            if (!strcmp(a, "--size")) { o->width = w; o->height = h; }
            else { o->export_w = w; o->export_h = h; }
        }
        else {
            fprintf(err, _("transformer-lab: unknown option '%s'\n"), a);
            app_usage(err);
            return APP_EXIT_USAGE;
        }
#undef NEED_VALUE
    }
    if (o->audit && !o->export_all_dir) {
        fprintf(err, _("transformer-lab: --audit and --audit-only go with --export-all DIR\n"));
        app_usage(err);
        return APP_EXIT_USAGE;
    }
    monkey_configure((long)monkey_n, (unsigned long long)monkey_seed);
    if (!o->assets_dir) o->assets_dir = TLAB_ASSETS_DIR;
    return -1;
}
