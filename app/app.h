/* app.h - the Transformer Lab application: options, the one entry point, and
 * the pieces the tests reach (argument parsing, state dump).
 *
 * Exit codes of app_run and the executable:
 *   0 success, 1 a runtime failure (missing font, unwritable export folder,
 *   SDL cannot start), 2 bad command line or bad --script file,
 *   3 no usable model file.
 *
 * Must not: do model math (the engine does), or draw lesson content (lessons do).
 */
#ifndef APP_H
#define APP_H

#include <stdio.h>

typedef struct {
    const char *model_path;     /* --model; NULL: assets/model.safetensors, then model-untrained */
    const char *sentence;       /* --sentence */
    const char *lesson;         /* --lesson N|slug */
    int fullscreen;             /* --fullscreen */
    int quiz;                   /* --quiz: start with the quiz mode on (Q toggles) */
    int split;                  /* --split: start with the split view on (C toggles) */
    const char *theme;          /* --theme dark|light */
    const char *export_dir;     /* --export-dir; NULL: ~/TransformerLab/exports */
    int export_w, export_h;     /* --export-size WxH (slides and --export-all), default 1920x1080 */
    const char *export_all_dir; /* --export-all DIR */
    const char *script;         /* --script FILE */
    const char *lang;           /* --lang, default from the locale: "zh" or "en" */
    int lang_given;             /* 1: --lang was given (it wins over the language remembered in the settings) */
    const char *assets_dir;     /* --assets DIR, default the build's assets folder */
    int width, height;          /* --size WxH of the window, default 1280x800 */
    float zoom;                 /* --zoom F (0.75..3): the figures' zoom for the window and exports, default 1 */
    int audit;                  /* --audit: --export-all also writes DIR/audit.json (the layout audit) */
    int audit_only;             /* --audit-only: the audit without writing the PNGs (faster) */
    int screens;                /* --screens: --export-all writes full screens (chrome included), not slides */
    int slides_layer, slides_head; /* --slides-head L:H (1-based); 0: auto, the most readable head per slide */
    unsigned long long lessons_mask; /* --lessons 3,5-7: bit n = course number n; 0: every lesson */
} app_options;

enum { APP_EXIT_OK = 0, APP_EXIT_FAIL = 1, APP_EXIT_USAGE = 2, APP_EXIT_MODEL = 3 };

/* Parses argv. Returns -1 to go on, or an exit code (0 after --help/--version,
 * 2 after a bad flag with the usage on err). Help and version go to out. */
int app_parse_args(int argc, char **argv, app_options *o, FILE *out, FILE *err);
void app_usage(FILE *f);
/* The language the system locale asks for when the app has its catalogue (the first of LC_ALL,
 * LC_MESSAGES, LANG that is set decides; zh_CN.UTF-8, zh_TW, zh -> "zh" with locale/zh.mo), else "en"
 * (app/lang.c). */
const char *app_lang_from_locale(void);
/* Before the arguments are parsed: the catalogue of --lang, else of the remembered choice, else
 * of the locale, so --help and the command line's errors speak the run's language (app/lang.c). */
void app_lang_early(int argc, char **argv);
/* Runs the app (window, headless export or script). Returns an exit code. */
int app_run(const app_options *o);
/* Benchmark (tests/bench/bench_app.c): renders every lesson and step with the
 * software renderer at export_w x export_h, `frames` frames each with the
 * mouse moving over the lesson, and prints per-lesson median and p95 frame
 * times, the time from the call to the first finished frame, and peak memory.
 * Returns an exit code. */
int app_bench(const app_options *o, int frames, FILE *out);
/* Benchmark (tests/bench/bench_app_training.c): presses start in lesson 16 and
 * draws it at up to 60 frames per second (the app's loop) while the
 * background trainer runs, until 90% exact match or limit_s; prints the time
 * to 50% and 90% exact match and the p95 frame time. Returns an exit code. */
int app_bench_training(const app_options *o, double limit_s, FILE *out);

#endif
