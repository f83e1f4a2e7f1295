/* deck.c - --export-all: every step of every lesson (or of --lessons) drawn
 * headless, as slides (slide.c) into DIR/NN-slug[-stepK].png plus the PDF deck
 * DIR/deck.pdf (deck_pdf.c) and DIR/deck.json (each slide's file, texts and
 * what was drawn where), or with --screens as full screens (chrome.c). For
 * each attention slide it picks the head shown (--slides-head: auto, the most
 * readable one, or L:H) and says which and why on the slide; the beam-search
 * slide shows the search up to its end.
 *
 * Must not: overwrite a file (every file lands through afile, AFILE_NEW), or
 * draw (slide.c and chrome.c do).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <SDL.h>

#include "afile.h"
#include "attn_view.h"
#include "deck_pdf.h"
#include "export.h"
#include "json.h"
#include "shell.h"

/* Where the deck's messages go: stderr (--export-all), or, while the window saves
 * a deck (app_save_deck), the first one into say_buf for the window's toast. */
static char *say_buf;
static size_t say_len;

static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!say_buf) vfprintf(stderr, fmt, ap);
    else if (!say_buf[0]) {
        vsnprintf(say_buf, say_len, fmt, ap);
        const char *pre = "transformer-lab: ";
        size_t n = strlen(pre), m = strlen(say_buf);
        if (!strncmp(say_buf, pre, n)) memmove(say_buf, say_buf + n, (m -= n) + 1);
        if (m > 0 && say_buf[m - 1] == '\n') say_buf[m - 1] = 0;
    }
    va_end(ap);
}

/* 1 while app_save_deck runs the export for the window (its lessons started, no signals caught, no waiting in the page). */
static int for_window(void) { return say_buf != NULL; }

/* The lessons whose slide shows one attention map (its selected head), which
 * kind, and on which step only (0: every step; lesson 11's step 2 is the
 * padding mask, no head). */
static const struct { const char *slug; int kind, only_step; } attn_slides[] = {
    {"qkv", ATTN_ENC_SELF, 0}, {"attention", ATTN_ENC_SELF, 0}, {"masked-attention", ATTN_DEC_SELF, 1}, {"cross-attention", ATTN_CROSS, 0},
};

static int wanted(const app *a, int li)
{
    return !a->opt.lessons_mask || (lesson_number(li) < 64 && ((a->opt.lessons_mask >> lesson_number(li)) & 1ULL));
}

/* The file of step k (of n) of lesson li in --export-all's folder dir. */
static void export_all_path(const char *dir, int li, int k, int n, char *path, size_t len)
{
    if (n > 1) snprintf(path, len, "%s/%02d-%s-step%d.png", dir, lesson_number(li), lesson_registry[li]->slug, k + 1);
    else snprintf(path, len, "%s/%02d-%s.png", dir, lesson_number(li), lesson_registry[li]->slug);
}

/* Sets the selection for lesson li's slide and says on note which head and why ("" when no choice is made). */
static void choose_view(app *a, int li, char *note, size_t n)
{
    note[0] = 0;
    const char *slug = lesson_registry[li]->slug;
    if (!strcmp(slug, "beam")) { a->sel.step = 1 << 20; return; } /* the lesson clamps: its last steps, to <eos> */
    int kind = -1;
    for (size_t i = 0; i < sizeof attn_slides / sizeof attn_slides[0]; i++)
        if (!strcmp(slug, attn_slides[i].slug) && (!attn_slides[i].only_step || attn_slides[i].only_step == a->lstep[li] + 1))
            kind = attn_slides[i].kind;
    if (kind < 0 || !a->trace_ok) return;
    const model_config *c = &a->model.params.cfg;
    int nl = attn_kind_layers(&a->tr, kind), layer = 0, head = 0;
    float score = 0.0f;
    if (a->opt.slides_layer > 0) {
        layer = a->opt.slides_layer - 1 < nl ? a->opt.slides_layer - 1 : nl - 1;
        head = (a->opt.slides_head - 1) % c->n_heads;
        snprintf(note, n, _("Layer %d, head %d of the %s (chosen with --slides-head)"), layer + 1, head + 1, attn_kind_name(kind));
    } else if (attn_view_best_head(&a->tr, kind, &layer, &head, &score) > 0) {
        ui_num sn;
        if (kind == ATTN_CROSS)
            snprintf(note, n, _("Layer %d, head %d (the best of its %d heads): the clearest alignment of the %s (each row's largest weight is %s on average)"),
                     layer + 1, head + 1, nl * c->n_heads, attn_kind_name(kind), ui_fmts(&sn, score, 2));
        else
            snprintf(note, n, _("Layer %d, head %d (the best of its %d heads): the sharpest %s map (lowest mean entropy of a row, %s nats)"), layer + 1,
                     head + 1, nl * c->n_heads, attn_kind_name(kind), ui_fmts(&sn, score, 3));
    }
    a->sel.layer = layer;
    a->sel.head = head;
}

/* 1 when the export shows the Examples dialog (E) too, as examples.png: full screens of the whole course. */
static int examples_wanted(const app *a) { return a->opt.screens && !a->opt.lessons_mask; }

/* 1 when one of the deck's names is taken (first in first). */
static int names_taken(app *a, const char *dir, char *first, size_t n)
{
    int taken = 0;
    char path[1400];
    struct stat st;
    for (int li = 0; li < lesson_registry_count; li++)
        for (int k = 0, ns = app_lesson_steps(a, li); wanted(a, li) && !a->opt.audit_only && k < ns; k++) {
            export_all_path(dir, li, k, ns, path, sizeof path);
            if (lstat(path, &st) == 0 && taken++ == 0) snprintf(first, n, "%s", path);
        }
    snprintf(path, sizeof path, "%s/examples.png", dir);
    if (examples_wanted(a) && !a->opt.audit_only && lstat(path, &st) == 0 && taken++ == 0) snprintf(first, n, "%s", path);
    for (int i = 0; i < 3; i++) {
        if (i < 2 ? a->opt.screens || a->opt.audit_only : !a->opt.audit) continue;
        snprintf(path, sizeof path, "%s/%s", dir, i == 0 ? "deck.pdf" : i == 1 ? "deck.json" : "audit.json");
        if (lstat(path, &st) == 0 && taken++ == 0) snprintf(first, n, "%s", path);
    }
    return taken;
}

static void json_rect(FILE *f, const char *key, SDL_Rect r)
{
    fprintf(f, ", \"%s\": [%d, %d, %d, %d]", key, r.x, r.y, r.w, r.h);
}

/* One slide in deck.json: its file, texts and what was drawn where (the slide's
 * only elements: no sidebar, sentence box, buttons, status line or text panel). */
static void json_slide(FILE *f, int count, const char *path, int li, int k, int n, const slide_info *si)
{
    fprintf(f, "%s\n  {\"file\": ", count ? "," : "");
    const char *base = strrchr(path, '/');
    json_write_string(f, base ? base + 1 : path);
    fprintf(f, ", \"lesson\": %d, \"slug\": \"%s\", \"step\": %d, \"steps\": %d, \"title\": ", lesson_number(li),
            lesson_registry[li]->slug, k + 1, n);
    json_write_string(f, si->title);
    fprintf(f, ", \"caption\": ");
    json_write_string(f, si->caption);
    fprintf(f, ", \"notes\": ");
    json_write_string(f, si->notes);
    fprintf(f, ", \"head_note\": ");
    json_write_string(f, si->head_note);
    fprintf(f, ", \"footer\": ");
    json_write_string(f, si->sentence);
    fprintf(f, ", \"drawn\": [\"title\", \"figure\", \"caption\", \"footer\"%s], \"title_px\": %.1f, \"caption_px\": %.1f",
            si->head_note[0] ? ", \"head_note\"" : "", (double)si->title_px, (double)si->caption_px);
    json_rect(f, "r_title", si->r_title);
    json_rect(f, "r_figure", si->r_figure);
    json_rect(f, "r_caption", si->r_caption);
    json_rect(f, "r_footer", si->r_footer);
    fprintf(f, "}");
}

/* The PNG writer of --export-all: one thread encodes image k while the main
 * thread draws image k+1 and adds its PDF page (PNG encoding is most of an
 * export's time). One image in flight at most, so files land in order and
 * "after N images" counts whole files. */
typedef struct {
    SDL_Thread *th;
    SDL_sem *go, *done;
    SDL_Surface *copy;          /* the image being written (a copy: the renderer draws on) */
    char path[1400], err[1200];
    const volatile sig_atomic_t *stop;
    int busy, rc, quit, now;     /* now: no thread (in the page): each image written when handed over */
    double cpu;                 /* the writer's CPU seconds, when it stopped */
} png_worker;

static double clock_s(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int png_worker_run(void *arg)
{
    png_worker *pw = arg;
    for (;;) {
        SDL_SemWait(pw->go);
        if (pw->quit) { pw->cpu = clock_s(CLOCK_THREAD_CPUTIME_ID); return 0; }
        pw->rc = export_save_png(pw->copy, pw->path, AFILE_NEW, pw->stop, pw->err, sizeof pw->err);
        SDL_SemPost(pw->done);
    }
}

/* Waits for the image in flight; 0 (written or none), -1 after saying why. */
static int png_worker_wait(png_worker *pw, int *count)
{
    if (!pw->busy) return 0;
    if (!pw->now) SDL_SemWait(pw->done);
    pw->busy = 0;
    if (pw->rc == 0) { (*count)++; return 0; }
    if (!*pw->stop) say("transformer-lab: %s\n", pw->err); /* never a partial PNG */
    return -1;
}

static int png_worker_start(png_worker *pw, SDL_Surface *like, const volatile sig_atomic_t *stop)
{
    memset(pw, 0, sizeof *pw);
    pw->stop = stop;
    pw->copy = SDL_CreateRGBSurfaceWithFormat(0, like->w, like->h, 32, like->format->format);
    pw->go = SDL_CreateSemaphore(0);
    pw->done = SDL_CreateSemaphore(0);
#ifdef __EMSCRIPTEN__ /* the page, with threads or not: a new thread could start only once its thread is free again */
    if (pw->copy) { pw->now = 1; return 0; }
#else
    if (pw->copy && pw->go && pw->done) pw->th = SDL_CreateThread(png_worker_run, "tlab-deck-png", pw);
    if (pw->th) return 0;
#endif
    say(_("transformer-lab: cannot start the PNG writer: %s\n"), SDL_GetError());
    return -1;
}

static void png_worker_stop(png_worker *pw)
{
    if (pw->th) { pw->quit = 1; SDL_SemPost(pw->go); SDL_WaitThread(pw->th, NULL); }
    double cpu = pw->cpu;
    if (pw->go) SDL_DestroySemaphore(pw->go);
    if (pw->done) SDL_DestroySemaphore(pw->done);
    if (pw->copy) SDL_FreeSurface(pw->copy);
    memset(pw, 0, sizeof *pw);
    pw->cpu = cpu;
}

/* Hands the drawn image s to the writer (after the previous one is written). */
static int png_worker_put(png_worker *pw, SDL_Surface *s, const char *path, int *count)
{
    if (png_worker_wait(pw, count) != 0) return -1;
    for (int y = 0; y < s->h; y++)
        memcpy((Uint8 *)pw->copy->pixels + (size_t)y * pw->copy->pitch, (Uint8 *)s->pixels + (size_t)y * s->pitch, (size_t)s->w * 4);
    snprintf(pw->path, sizeof pw->path, "%s", path);
    pw->busy = 1;
    if (pw->now) {
        pw->rc = export_save_png(pw->copy, pw->path, AFILE_NEW, pw->stop, pw->err, sizeof pw->err);
        return 0;
    }
    SDL_SemPost(pw->go);
    return 0;
}

/* Draws lesson li's step k: a slide (with the head it should show) or a screen. */
static void draw_step(app *a, int li, slide_info *si, app_audit_log *audit)
{
    int w = a->opt.export_w, h = a->opt.export_h;
    memset(si, 0, sizeof *si);
    if (audit) app_audit_image_begin(audit, w, h);
    if (!a->opt.screens) {
        lesson_selection keep = a->sel;
        choose_view(a, li, si->head_note, sizeof si->head_note);
        app_render_slide(a, &a->ui, w, h, si, 1);
        a->sel = keep;
    } else {
        app_render(a, &a->ui, w, h, -1, -1, 1, 0);
    }
    SDL_RenderPresent(a->r);
}

/* Waits (up to 120 s) while lesson li's background work runs (lesson.busy), so its slides show results.
 * Not for the window in the page: that work runs between its frames (or on a thread the page's thread
 * must not block on), so the slide shows what is done. */
static void wait_busy(app *a, int li, const volatile sig_atomic_t *stop)
{
#ifdef __EMSCRIPTEN__
    if (for_window()) return;
#endif
    for (int i = 0; i < 6000 && !*stop && app_lesson_busy(a, li); i++) SDL_Delay(20);
}

/* The end of every exported image: its audit entry closed, then (unless
 * --audit-only, which only counts it) the drawn surface s handed to the PNG
 * writer under path. 0, or -1 (said on stderr when the audit ran out of memory). */
static int finish_image(app *a, app_audit_log *audit, png_worker *pw, SDL_Surface *s, const char *path, int *count,
                        const volatile sig_atomic_t *stop)
{
    if (audit && app_audit_image_end(audit, path) != 0) {
        say(_("transformer-lab: the layout audit ran out of memory\n"));
        return -1;
    }
    if (*stop) return -1;
    if (a->opt.audit_only) {
        (*count)++;
        return 0;
    }
    return png_worker_put(pw, s, path, count);
}

/* Draws and writes every wanted step; the slides also go into pdf and the
 * listing json (both NULL with --screens). */
static int write_all(app *a, SDL_Surface *s, deck_pdf *pdf, FILE *json, app_audit_log *audit, const volatile sig_atomic_t *stop,
                     int *count, double *writer_cpu)
{
    char err[1200], path[1400];
    const char *dir = a->opt.export_all_dir;
    png_worker pw;
    if (png_worker_start(&pw, s, stop) != 0) { png_worker_stop(&pw); return -1; }
    int rc = 0, drawn = 0;
    for (int li = 0; li < lesson_registry_count && rc == 0; li++) {
        if (!wanted(a, li)) continue;
        app_goto_lesson(a, li, 0);
        int n = app_lesson_steps(a, li);
        for (int k = 0; k < n && rc == 0; k++) {
            a->lstep[li] = k;
            if (!a->opt.audit_only) wait_busy(a, li, stop); /* the layout is the same either way */
            slide_info si;
            draw_step(a, li, &si, audit);
            export_all_path(dir, li, k, n, path, sizeof path);
            if (finish_image(a, audit, &pw, s, path, count, stop) != 0) {
                rc = -1;
            } else if (pdf && deck_pdf_add(pdf, &si, s, a->theme, err, sizeof err) != 0) {
                say("transformer-lab: %s\n", err);
                rc = -1;
            }
            if (rc == 0 && json) json_slide(json, drawn, path, li, k, n, &si);
            if (rc == 0 && pdf && !si.caption[0]) say(_("transformer-lab: warning: %s has no caption (lesson text %s)\n"), path, a->text_path);
            drawn++;
        }
    }
    if (rc == 0 && examples_wanted(a) && !*stop) { /* the dialog over the last lesson's last step, audited like a screen */
        snprintf(path, sizeof path, "%s/examples.png", dir);
        app_render(a, &a->ui, a->opt.export_w, a->opt.export_h, -1, -1, 1, 0);
        a->overlay = OVERLAY_EXAMPLES;
        if (audit) app_audit_image_begin(audit, a->opt.export_w, a->opt.export_h); /* the dialog hides the screen under it */
        app_draw_overlay(a, &a->ui, a->opt.export_w, a->opt.export_h, 1);
        ui_text_bg(&a->ui, NULL);
        SDL_RenderPresent(a->r);
        a->overlay = OVERLAY_NONE;
        rc = finish_image(a, audit, &pw, s, path, count, stop);
    }
    if (png_worker_wait(&pw, count) != 0) rc = -1;
    png_worker_stop(&pw);
    *writer_cpu = pw.cpu;
    return rc;
}

/* Writes the audit's JSON and says what it found; an exit code. */
static int audit_finish(app_audit_log *L, const char *path)
{
    char err[1200];
    if (app_audit_write(L, path, err, sizeof err) != 0) {
        say("transformer-lab: %s\n", err);
        return APP_EXIT_FAIL;
    }
    say(_("transformer-lab: layout audit of %d images: %ld overlapping pairs, %ld clipped texts (%s)\n"),
            L->images, L->overlaps, L->clipped, path);
    return APP_EXIT_OK;
}

/* The deck's outputs besides the PNGs: the PDF, deck.json, the audit. */
typedef struct {
    deck_pdf *pdf;
    afile json;
    app_audit_log audit;
    char pdf_path[1400], json_path[1400], audit_path[1400];
} deck_out;

/* Opens what this export writes besides the PNGs; 0, or -1 after saying why. */
static int outputs_open(app *a, deck_out *o, int w, int h)
{
    char err[1200];
    const char *dir = a->opt.export_all_dir;
    snprintf(o->pdf_path, sizeof o->pdf_path, "%s/deck.pdf", dir);
    snprintf(o->json_path, sizeof o->json_path, "%s/deck.json", dir);
    snprintf(o->audit_path, sizeof o->audit_path, "%s/audit.json", dir);
    if (a->opt.audit && app_audit_start(&o->audit, &a->ui) != 0) {
        say(_("transformer-lab: out of memory for the layout audit\n"));
        return -1;
    }
    if (a->opt.screens || a->opt.audit_only) return 0;
    if (!deck_pdf_available() && !for_window()) say(_("transformer-lab: PDF deck not available in this build: PNG slides and deck.json only\n"));
    if ((deck_pdf_available() && !(o->pdf = deck_pdf_open(o->pdf_path, w, h, a->fonts, err, sizeof err))) ||
        afile_open(&o->json, o->json_path, AFILE_NEW, err, sizeof err) != 0) {
        say("transformer-lab: %s\n", err);
        return -1;
    }
    fprintf(o->json.fp, "{\"size\": [%d, %d], \"theme\": \"%s\", \"slides\": [", w, h, a->theme->name);
    return 0;
}

/* Lands (rc ok and not stopped) or drops every output; the exit code. */
static int outputs_close(app *a, deck_out *o, int rc, int stopped)
{
    char err[1200];
    int ok = rc == APP_EXIT_OK && !stopped;
    if (o->json.fp) fprintf(o->json.fp, "\n]}\n");
    if (ok && o->pdf && deck_pdf_finish(o->pdf, err, sizeof err) != 0) { say("transformer-lab: %s\n", err); ok = 0; rc = APP_EXIT_FAIL; }
    else if (!ok) deck_pdf_abort(o->pdf);
    if (ok && o->json.fp && afile_commit(&o->json, err, sizeof err) != 0) { say("transformer-lab: %s\n", err); ok = 0; rc = APP_EXIT_FAIL; }
    afile_abort(&o->json); /* nothing when committed */
    if (ok && a->opt.audit) rc = audit_finish(&o->audit, o->audit_path);
    app_audit_free(&o->audit);
    return rc;
}

/* Nothing is overwritten: when any of the deck's names is taken in DIR, nothing
 * is written (exit 1), so a folder never holds two decks mixed; each file then
 * lands through afile (AFILE_NEW), so a killed export leaves no partial PNG or
 * PDF under a deck name, only a hidden temporary that is no deck name.
 * SIGINT/SIGTERM stop it between images (the image in hand and the PDF are
 * dropped), with a message and exit 1. --audit also writes DIR/audit.json
 * (audit.c) of what was drawn (slides, or screens); --audit-only only that. */
int app_export_all(app *a)
{
    char err[1200];
    const char *dir = a->opt.export_all_dir;
    double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID), writer_cpu = 0.0;
    for (int i = 0; i < 64; i++)
        if (((a->opt.lessons_mask >> i) & 1ULL) && i >= lesson_registry_count) { /* course number = registry place */
            say(_("transformer-lab: --lessons: there is no lesson %d (the course has 0 to %d)\n"), i, lesson_registry_count - 1);
            return APP_EXIT_USAGE;
        }
    if (export_mkdir_p(dir, err, sizeof err) != 0) { say("transformer-lab: %s\n", err); return APP_EXIT_FAIL; }
    int w = a->opt.export_w, h = a->opt.export_h;
    SDL_Surface *s;
    if (app_offscreen_open(a, w, h, &s, &a->r, &a->ui, err, sizeof err) != 0) {
        say("transformer-lab: %s\n", err);
        return APP_EXIT_FAIL;
    }
    a->w = w; a->h = h;
    if (!for_window()) app_start_lessons(a); /* the window's run already */
    int rc = APP_EXIT_OK, count = 0;
    char first[1400] = "";
    deck_out o;
    memset(&o, 0, sizeof o);
    static const volatile sig_atomic_t never = 0;
    const volatile sig_atomic_t *stop = for_window() ? &never : export_catch_signals(); /* SIGINT/SIGTERM: stop between images */
    int taken = names_taken(a, dir, first, sizeof first);
    if (taken) {
        say(taken > 1 ? _("transformer-lab: %s already exists (and more of the deck's names); --export-all never "
                                      "overwrites a file: give a new or empty folder (nothing was written)\n")
                                  : _("transformer-lab: %s already exists; --export-all never overwrites a file: "
                                      "give a new or empty folder (nothing was written)\n"),
                first);
        rc = APP_EXIT_FAIL;
    } else if (outputs_open(a, &o, w, h) != 0) rc = APP_EXIT_FAIL;
    if (rc == APP_EXIT_OK && write_all(a, s, o.pdf, o.json.fp, a->opt.audit ? &o.audit : NULL, stop, &count, &writer_cpu) != 0) rc = APP_EXIT_FAIL;
    rc = outputs_close(a, &o, rc, *stop != 0);
    if (*stop)
        say(_("transformer-lab: stopped by %s after %d images (%s holds them; the one being drawn was not kept)\n"),
                *stop == SIGINT ? "SIGINT" : "SIGTERM", count, dir);
    if (!for_window()) export_release_signals();
    if (rc == APP_EXIT_OK && !a->opt.audit_only && !for_window()) /* the two threads' CPU: on two idle cores the wall time is about the larger */
        say(a->opt.screens ? _("transformer-lab: wrote %d images to %s in %.2f s (drawing %.2f s CPU, PNG writer %.2f s CPU)\n")
                        : _("transformer-lab: wrote %d slides to %s and the deck deck.pdf in %.2f s (drawing and PDF %.2f s CPU, PNG writer %.2f s CPU)\n"),
                count, dir, clock_s(CLOCK_MONOTONIC) - t0, clock_s(CLOCK_THREAD_CPUTIME_ID) - c0, writer_cpu);
    app_offscreen_close(s, a->r, &a->ui);
    a->r = NULL;
    return *stop ? APP_EXIT_FAIL : rc;
}

/* Ctrl+Shift+D: the deck of --export-all (every lesson, every step, as slides at
 * the export size; deck.json; deck.pdf where cairo is) into a new folder
 * <export dir>/deck-<time>[-k], drawn off screen while the window waits. The
 * window's renderer, ui, size, lesson, steps, selection and overlay are put
 * back afterwards. 0 with the folder in dir, or -1 with the cause in err. */
int app_save_deck(app *a, char *dir, size_t dir_len, char *err, size_t err_len)
{
    char base[256];
    err[0] = 0;
    if (export_mkdir_p(a->export_dir, err, err_len) != 0) return -1;
    export_base_name("deck", time(NULL), base, sizeof base);
    int made = -1;
    for (int k = 1; k < 100 && made != 0; k++) { /* a new folder: never a deck mixed into another */
        if (k == 1) snprintf(dir, dir_len, "%s/%s", a->export_dir, base);
        else snprintf(dir, dir_len, "%s/%s-%d", a->export_dir, base, k);
        made = mkdir(dir, 0755);
        if (made != 0 && errno != EEXIST) break;
    }
    if (made != 0) {
        snprintf(err, err_len, _("cannot make a folder for the deck in %s: %s"), a->export_dir, strerror(errno));
        return -1;
    }
    SDL_Renderer *r = a->r;
    ui_ctx ui = a->ui;
    const app_options opt = a->opt;
    const lesson_selection sel = a->sel;
    int lstep[MAX_LESSONS], lesson = a->lesson, w = a->w, h = a->h, overlay = a->overlay;
    memcpy(lstep, a->lstep, sizeof lstep);
    a->opt.export_all_dir = dir;
    a->opt.lessons_mask = 0;
    a->opt.screens = a->opt.audit = a->opt.audit_only = 0;
    a->overlay = OVERLAY_NONE;
    say_buf = err;
    say_len = err_len;
    const int rc = app_export_all(a);
    say_buf = NULL;
    a->r = r;
    a->ui = ui;
    a->opt = opt;
    a->w = w; a->h = h;
    app_goto_lesson(a, lesson, 0);
    memcpy(a->lstep, lstep, sizeof lstep);
    a->sel = sel;
    a->overlay = overlay;
    if (rc == APP_EXIT_OK) return 0;
    if (!err[0]) snprintf(err, err_len, _("the deck in %s is not complete"), dir);
    return -1;
}
