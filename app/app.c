/* app.c - the Transformer Lab shell's session: set-up and teardown, the
 * model files and the trace of the current sentence, the lessons' state and
 * navigation between them and their steps, toasts, and app_run, the one entry
 * point (window, or headless --export-all). The other jobs of the shell live in
 * the files shell.h lists.
 *
 * Must not: do model math (the engine's model_translate does it), or draw
 * lesson content (lessons do, through the toolkit in ui.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>

#include "export.h"
#include "monkey.h"
#include "shell.h"

double app_now(const app *a) { return (double)(SDL_GetTicks64() - a->t0) / 1000.0; }

void app_toast(app *a, int kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->toast, sizeof a->toast, fmt, ap);
    va_end(ap);
    a->toast_kind = kind;
    a->toast_until = app_now(a) + (kind == 2 ? 6.0 : 3.5);
    a->dirty = 1;
}

static int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Loads path as the model. 0, or -1 after saying why on stderr (and in
 * first_err when given and still empty). */
static int try_model(app *a, const char *path, int trained, char *first_err, size_t n)
{
    char err[512];
    if (weights_load(&a->model, path, err, sizeof err) == 0) {
        a->model_loaded = 1;
        a->model_trained = trained;
        snprintf(a->model_path, sizeof a->model_path, "%s", path);
        return 0;
    }
    fprintf(stderr, _("transformer-lab: cannot load model %s: %s\n"), path, ui_tr_msg(err));
    if (first_err && !first_err[0]) snprintf(first_err, n, _("cannot load model %s: %s"), path, ui_tr_msg(err));
    return -1;
}

static int load_models(app *a)
{
    char err[512], path[1024];
    char first_err[1700] = "";
    if (a->opt.model_path) try_model(a, a->opt.model_path, strstr(a->opt.model_path, "untrained") == NULL, first_err, sizeof first_err);
    snprintf(path, sizeof path, "%s/model.safetensors", a->assets);
    if (!a->model_loaded && file_exists(path)) try_model(a, path, 1, first_err, sizeof first_err);
    snprintf(path, sizeof path, "%s/model-untrained.safetensors", a->assets);
    if (!a->model_loaded && file_exists(path)) try_model(a, path, 0, NULL, 0);
    if (!a->model_loaded) {
        fprintf(stderr, _("transformer-lab: no usable model. %s%sLooked for %s/model.safetensors and "
                          "%s/model-untrained.safetensors; pass one with --model FILE.\n"),
                first_err, first_err[0] ? ". " : "", a->assets, a->assets);
        return -1;
    }
    if (first_err[0]) snprintf(a->model_notice, sizeof a->model_notice, _("%s; using %s"), first_err, a->model_path);
    /* the random-initialised model for comparisons (embedding lesson) */
    if (a->model_trained && file_exists(path) && weights_load(&a->untrained, path, err, sizeof err) == 0) {
        if (a->untrained.params.cfg.d_model == a->model.params.cfg.d_model &&
            a->untrained.params.cfg.vocab_size == a->model.params.cfg.vocab_size)
            a->has_untrained = 1;
        else
            weights_model_free(&a->untrained);
    }
    if (trace_init(&a->tr, &a->model.params.cfg) != 0) {
        fprintf(stderr, _("transformer-lab: out of memory for the trace\n"));
        return -1;
    }
    return 0;
}

lesson_ctx app_lesson_ctx(app *a, ui_ctx *ui, SDL_Rect area, int li, lesson_actions *act)
{
    lesson_ctx c;
    memset(&c, 0, sizeof c);
    c.ui = ui;
    c.area = area;
    c.tr = &a->tr;
    c.status = &a->status;
    c.vocab = &a->model.vocab;
    c.params = &a->model.params;
    c.untrained = a->has_untrained ? &a->untrained.params : (!a->model_trained ? &a->model.params : NULL);
    c.model_is_trained = a->model_trained;
    c.sel = &a->sel;
    c.step = li >= 0 ? a->lstep[li] : 0;
    c.act = act;
    c.scratch = li >= 0 ? &a->lscratch[li] : NULL;
    c.training = app_training_view(a);
    lesson_scratch_reset(c.scratch); /* every call starts with an empty arena */
    return c;
}

int app_lesson_busy(app *a, int li)
{
    const lesson *les = li >= 0 && li < lesson_registry_count ? lesson_registry[li] : NULL;
    if (!les || !les->busy) return 0;
    lesson_ctx c = app_lesson_ctx(a, &a->ui, a->lay.area, li, NULL);
    return lesson_busy(les, a->lstate[li], &c);
}

void app_lesson_scale(app *a, ui_ctx *ui)
{
    if (a->lay.lesson_scale > 0) ui->scale = a->lay.lesson_scale;
}

void app_chrome_scale(app *a, ui_ctx *ui)
{
    if (a->lay.chrome_scale > 0) ui->scale = a->lay.chrome_scale;
}

int app_lesson_steps(app *a, int li)
{
    (void)a;
    return lesson_step_count(lesson_registry[li]);
}

void app_clamp_selection(app *a)
{
    const model_config *cfg = &a->model.params.cfg;
    int nl = cfg->n_enc_layers > cfg->n_dec_layers ? cfg->n_enc_layers : cfg->n_dec_layers;
    if (nl < 1) nl = 1;
    a->sel.layer = (a->sel.layer % nl + nl) % nl;
    a->sel.head = (a->sel.head % cfg->n_heads + cfg->n_heads) % cfg->n_heads;
    int nt = a->tr.n_tgt > 0 ? a->tr.n_tgt : 1;
    if (a->sel.step >= nt) a->sel.step = nt - 1;
    if (a->sel.step < 0) a->sel.step = 0;
    if (a->sel.token >= a->tr.n_src) a->sel.token = a->tr.n_src - 1;
    if (a->sel.token < -1) a->sel.token = -1;
}

void app_retranslate(app *a)
{
    char err[256] = "";
    trace_opts opts;
    memset(&opts, 0, sizeof opts);
    if (model_translate(&a->model.params, &a->model.vocab, a->tb->text, &opts, &a->tr, err, sizeof err) == 0) {
        a->trace_ok = 1;
        a->trace_err[0] = 0;
        a->nonfinite = a->tr.nonfinite.found; /* the engine's numeric guard (trace_check.c) */
        trace_output_text(&a->tr, &a->model.vocab, a->translation, sizeof a->translation);
        input_status_judge(&a->tr, &a->model.vocab, &a->status);
    } else {
        a->trace_ok = 0;
        snprintf(a->trace_err, sizeof a->trace_err, "%s", err);
        a->translation[0] = 0;
    }
    snprintf(a->shown_sentence, sizeof a->shown_sentence, "%s", a->tb->text);
    app_clamp_selection(a);
    for (int i = 0; i < lesson_registry_count && i < MAX_LESSONS; i++) {
        const lesson *L = lesson_registry[i];
        if (L->on_trace_changed) {
            lesson_ctx c = app_lesson_ctx(a, &a->ui, a->lay.area, i, NULL);
            lesson_trace_changed(L, a->lstate[i], &c);
        }
        int n = app_lesson_steps(a, i);
        if (a->lstep[i] >= n) a->lstep[i] = n - 1;
    }
    app_quiz_next(a); /* a new sentence, a new question */
    app_split_run(a); /* the model may have changed: the second sentence again (cached when not) */
    a->dirty = 1;
}

void app_load_lesson_text(app *a, int li)
{
    if (a->text_for == li && (a->text || a->text_missing)) return;
    free(a->text);
    narration_free(&a->narr);
    a->text = NULL;
    a->text_missing = 0;
    a->panel_scroll = 0;
    a->text_for = li;
    snprintf(a->text_path, sizeof a->text_path, "%s/lessons/%s/%s.txt", a->assets, a->lang,
             lesson_registry[li]->slug);
    FILE *f = fopen(a->text_path, "rb");
    char note[200] = "";
    if (!f && strcmp(a->lang, "en") != 0) { /* fall back to English, and say so */
        char en[1024];
        snprintf(en, sizeof en, "%s/lessons/en/%s.txt", a->assets, lesson_registry[li]->slug);
        f = fopen(en, "rb");
        if (f) snprintf(note, sizeof note, "# (No text in \xE2\x80\x9C%s\xE2\x80\x9D yet: English shown.)\n\n", a->lang);
    }
    if (!f) { a->text_missing = 1; return; }
    size_t cap = 4096, n = strlen(note);
    char *buf = malloc(cap);
    if (buf) memcpy(buf, note, n);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) { free(buf); buf = NULL; break; }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) { a->text_missing = 1; return; }
    buf[n] = 0;
    /* strip a UTF-8 BOM and carriage returns */
    char *src = buf, *dst = buf;
    if ((unsigned char)src[0] == 0xEF && (unsigned char)src[1] == 0xBB && (unsigned char)src[2] == 0xBF) src += 3;
    for (; *src; src++) if (*src != '\r') *dst++ = *src;
    *dst = 0;
    a->text = buf;
    if (narration_parse(a->text, app_lesson_steps(a, li), &a->narr) != 0) { free(a->text); a->text = NULL; a->text_missing = 1; }
}

static const char *step_part(const app *a, char **part)
{
    if (!a->text || a->text_for != a->lesson || !part) return "";
    int k = a->lstep[a->lesson];
    return k >= 0 && k < a->narr.n_steps && part[k] ? part[k] : "";
}

const char *app_step_text(const app *a) { return step_part(a, a->narr.text); }
const char *app_step_caption(const app *a) { return step_part(a, a->narr.caption); }
const char *app_step_notes(const app *a) { return step_part(a, a->narr.notes); }

void app_goto_lesson(app *a, int li, int at_end)
{
    if (li < 0 || li >= lesson_registry_count) return;
    int was = a->lesson;
    a->lesson = li;
    int n = app_lesson_steps(a, li);
    a->lstep[li] = at_end ? n - 1 : 0;
    a->dirty = 1;
    if (a->quiz.on && li != was) app_quiz_next(a); /* another lesson, its kind of question */
    app_load_lesson_text(a, li);
}

static void default_export_dir(app *a)
{
    if (a->opt.export_dir) { snprintf(a->export_dir, sizeof a->export_dir, "%s", a->opt.export_dir); return; }
    const char *home = getenv("HOME");
    snprintf(a->export_dir, sizeof a->export_dir, "%s/TransformerLab/exports", home && *home ? home : ".");
}

int app_setup(app *a, const app_options *o)
{
    a->opt = *o;
    snprintf(a->assets, sizeof a->assets, "%s", o->assets_dir ? o->assets_dir : TLAB_ASSETS_DIR);
    a->theme = ui_theme_get(o->theme ? o->theme : "dark");
    if (!a->theme) a->theme = ui_theme_get("dark");
    a->zoom = o->zoom > 0 ? o->zoom : 1.0f;
    a->sidebar = 1;
    a->panel_on = 1;
    a->panel_pct = 26;
    a->panel_step = -1;
    a->px_per_win = 1.0f;
    a->text_for = -1;
    a->sel.token = -1;
    a->mx = a->my = -1;
    a->t0 = SDL_GetTicks64();
    a->tb = calloc(1, sizeof *a->tb);
    if (!a->tb) return APP_EXIT_FAIL;
    default_export_dir(a);
    char err[1024];
    snprintf(a->fonts, sizeof a->fonts, "%s/fonts", a->assets);
    if (ui_fonts_check(a->fonts, err, sizeof err) != 0) {
        fprintf(stderr, "transformer-lab: %s\n", err);
        return APP_EXIT_FAIL;
    }
    app_lang_first(a);
    if (lesson_registry_count > MAX_LESSONS) {
        fprintf(stderr, "transformer-lab: too many lessons (%d > %d)\n", lesson_registry_count, MAX_LESSONS);
        return APP_EXIT_FAIL;
    }
    if (o->lesson) {
        a->lesson = lesson_find(o->lesson);
        if (a->lesson < 0) {
            fprintf(stderr, _("transformer-lab: no lesson '%s'; lessons:"), o->lesson);
            for (int i = 0; i < lesson_registry_count; i++)
                fprintf(stderr, " %d=%s", lesson_number(i), lesson_registry[i]->slug);
            fprintf(stderr, "\n");
            return APP_EXIT_USAGE;
        }
    }
    if (o->script) {
        int n = script_load(o->script, &a->script, err, sizeof err);
        if (n < 0) { fprintf(stderr, "transformer-lab: %s\n", err); return APP_EXIT_USAGE; }
        a->n_script = n;
    }
    if (load_models(a) != 0) return APP_EXIT_MODEL;
    return -1;
}

int app_start_lessons(app *a)
{
    app_training_init(a);
    app_set_scale(a, &a->ui, a->w, a->h); /* the lessons' init sees the layout of the output size */
    app_layout_compute(a, &a->ui, a->w, a->h, &a->lay);
    app_lesson_scale(a, &a->ui);
    for (int i = 0; i < lesson_registry_count; i++) {
        lesson_ctx c = app_lesson_ctx(a, &a->ui, a->lay.area, i, NULL);
        a->lstate[i] = lesson_state_new(lesson_registry[i], &c);
    }
    app_chrome_scale(a, &a->ui);
    textbox_set(a->tb, a->opt.sentence ? a->opt.sentence : "the dog sees the cat");
    app_retranslate(a);
    if (a->opt.quiz) app_quiz_toggle(a);
    if (a->opt.split) app_split_toggle(a);
    app_training_tick(a);
    app_goto_lesson(a, a->lesson, 0);
    return 0;
}

void app_teardown(app *a)
{
    export_shutdown(); /* writes every queued export first */
    app_split_free(a);
    SDL_Event done; /* results of exports that ended after the last frame: free their messages (ASan leak) */
    while (a->ev_export && SDL_PeepEvents(&done, 1, SDL_GETEVENT, a->ev_export, a->ev_export) == 1) free(done.user.data1);
    for (int i = 0; i < lesson_registry_count && i < MAX_LESSONS; i++) {
        lesson_state_free(lesson_registry[i], a->lstate[i]);
        lesson_scratch_free(&a->lscratch[i]);
    }
    attn_overlay_free(&a->attn);
    ui_free(&a->ui);
    app_training_free(a);
    trace_free(&a->tr);
    weights_model_free(&a->model);
    if (a->has_untrained) weights_model_free(&a->untrained);
    free(a->text);
    narration_free(&a->narr);
    ui_lang_unload();
    free(a->tb);
    free(a->script);
    if (a->r) SDL_DestroyRenderer(a->r);
    if (a->win) SDL_DestroyWindow(a->win);
}

/* 1 when a window is wanted but there is no screen to put it on: on Linux, no X11 or
 * Wayland display and no SDL video driver chosen by the user. Headless modes
 * (--export-all, --script, --monkey) need no display. */
static int app_no_display(const app_options *o)
{
#if defined(__linux__) && !defined(__EMSCRIPTEN__)
    if (o->export_all_dir || o->script || monkey_active() || getenv("SDL_VIDEODRIVER")) return 0;
    return !getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY");
#else
    (void)o;
    return 0;
#endif
}

static void app_no_display_help(FILE *f)
{
    fputs("transformer-lab: no display: neither DISPLAY nor WAYLAND_DISPLAY is set, so there is\n"
          "no screen to open the window on (over SSH, or on a machine without a desktop).\n"
          "  - on a desktop: run it from a terminal inside the graphical session;\n"
          "  - over SSH: connect with X forwarding, ssh -X host, then run it again;\n"
          "  - a virtual screen: Xvfb :99 & then DISPLAY=:99 ./scripts/run.sh;\n"
          "  - no screen at all: export every lesson as slides, headless:\n"
          "      ./scripts/run.sh --export-all slides    (PNG slides and slides/deck.pdf)\n", f);
}

int app_run(const app_options *o)
{
    if (app_no_display(o)) {
        app_no_display_help(stderr);
        return APP_EXIT_FAIL;
    }
#ifndef __EMSCRIPTEN__ /* the page always has its canvas */
    if (!getenv("SDL_VIDEODRIVER") && (o->export_all_dir || (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY"))))
        setenv("SDL_VIDEODRIVER", "dummy", 0);
#endif
    app *a = calloc(1, sizeof *a);
    if (!a) return APP_EXIT_FAIL;
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        fprintf(stderr, "transformer-lab: SDL_Init failed: %s\n", SDL_GetError());
        free(a);
        return APP_EXIT_FAIL;
    }
    if (TTF_Init() != 0) {
        fprintf(stderr, "transformer-lab: TTF_Init failed: %s\n", TTF_GetError());
        SDL_Quit();
        free(a);
        return APP_EXIT_FAIL;
    }
    IMG_Init(IMG_INIT_PNG);
    int rc = app_setup(a, o);
    if (rc < 0) rc = o->export_all_dir ? app_export_all(a) : app_run_window(a);
    app_teardown(a);
    free(a);
    IMG_Quit();
    TTF_Quit();
    SDL_Quit();
    return rc;
}
