/* headless.c - drawing without a window: the software renderer set-up (once,
 * for --export-all, the slide export and the benchmark), --export-all itself,
 * and the screen and slide exports of the window (saved off the main thread).
 *
 * Must not: overwrite a file (export.c lands every file through afile, AFILE_NEW).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <SDL.h>

#include "export.h"
#include "shell.h"

void app_export_surface(app *a, SDL_Surface *s, const char *suffix)
{
    char err[1200], base[256], path[1400];
    if (!s) { app_toast(a, 2, "Export failed: cannot read the screen: %s", SDL_GetError()); return; }
    if (export_mkdir_p(a->export_dir, err, sizeof err) != 0) { SDL_FreeSurface(s); app_toast(a, 2, "Export failed: %s", err); return; }
    char slug[96];
    snprintf(slug, sizeof slug, "%s%s", lesson_registry[a->lesson]->slug, suffix);
    export_base_name(slug, time(NULL), base, sizeof base);
    if (export_save_png_async_new(s, a->export_dir, base, a->ev_export) != 0) { /* the writer picks the first free name */
        app_toast(a, 2, "Export failed: %s", SDL_GetError());
        return;
    }
    snprintf(path, sizeof path, "%s/%s.png", a->export_dir, base);
    app_toast(a, 0, "Saving %s \xE2\x80\xA6", path);
}

int app_offscreen_open(const app *a, int w, int h, SDL_Surface **s, SDL_Renderer **r, ui_ctx *ui, char *err, size_t n)
{
    *r = NULL;
    *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGB888);
    if (!*s) { snprintf(err, n, "cannot make a %dx%d image: %s", w, h, SDL_GetError()); return -1; }
    *r = SDL_CreateSoftwareRenderer(*s);
    if (!*r) { snprintf(err, n, "no software renderer: %s", SDL_GetError()); SDL_FreeSurface(*s); *s = NULL; return -1; }
    if (ui_init(ui, *r, a->fonts, a->theme, err, n) != 0) {
        SDL_DestroyRenderer(*r);
        SDL_FreeSurface(*s);
        *r = NULL;
        *s = NULL;
        return -1;
    }
    return 0;
}

void app_offscreen_close(SDL_Surface *s, SDL_Renderer *r, ui_ctx *ui)
{
    ui_free(ui);
    if (r) SDL_DestroyRenderer(r);
    if (s) SDL_FreeSurface(s);
}

/* Renders the current lesson at w x h into a new surface with a software renderer. */
SDL_Surface *app_render_offscreen(app *a, int w, int h, char *err, size_t n)
{
    SDL_Surface *s;
    SDL_Renderer *r;
    ui_ctx ui;
    if (app_offscreen_open(a, w, h, &s, &r, &ui, err, n) != 0) return NULL;
    app_render(a, &ui, w, h, -1, -1, 0, 0);
    SDL_RenderPresent(r);
    app_offscreen_close(NULL, r, &ui); /* the surface is the caller's */
    return s;
}

/* The file of step k (of n) of lesson li in --export-all's folder dir. */
static void export_all_path(const char *dir, int li, int k, int n, char *path, size_t len)
{
    if (n > 1) snprintf(path, len, "%s/%02d-%s-step%d.png", dir, lesson_number(li), lesson_registry[li]->slug, k + 1);
    else snprintf(path, len, "%s/%02d-%s.png", dir, lesson_number(li), lesson_registry[li]->slug);
}

/* Writes the audit's JSON and says what it found; an exit code. */
static int audit_finish(app_audit_log *L, const char *path)
{
    char err[1200];
    if (app_audit_write(L, path, err, sizeof err) != 0) {
        fprintf(stderr, "transformer-lab: %s\n", err);
        return APP_EXIT_FAIL;
    }
    fprintf(stderr, "transformer-lab: layout audit of %d images: %ld overlapping pairs, %ld clipped texts (%s)\n",
            L->images, L->overlaps, L->clipped, path);
    return APP_EXIT_OK;
}

/* --export-all: every lesson and step to DIR, no window. Nothing is overwritten:
 * when any of the deck's names is taken in DIR, nothing is written (exit 1), so
 * a folder never holds two decks mixed; each file then lands through afile
 * (AFILE_NEW), so a killed export leaves no partial PNG under a deck name, only
 * a hidden temporary that is no deck name. SIGINT/SIGTERM stop it between images
 * (the image in hand is dropped), with a message and exit 1. --audit also
 * writes DIR/audit.json (audit.c); --audit-only writes only that. */
int app_export_all(app *a)
{
    char err[1200];
    const char *dir = a->opt.export_all_dir;
    if (export_mkdir_p(dir, err, sizeof err) != 0) { fprintf(stderr, "transformer-lab: %s\n", err); return APP_EXIT_FAIL; }
    int w = a->opt.export_w, h = a->opt.export_h;
    SDL_Surface *s;
    if (app_offscreen_open(a, w, h, &s, &a->r, &a->ui, err, sizeof err) != 0) {
        fprintf(stderr, "transformer-lab: %s\n", err);
        return APP_EXIT_FAIL;
    }
    a->w = w; a->h = h;
    app_start_lessons(a);
    int rc = APP_EXIT_OK, count = 0, taken = 0;
    char first[1400] = "", path[1400], audit_path[1400];
    app_audit_log audit;
    memset(&audit, 0, sizeof audit);
    if (a->opt.audit && app_audit_start(&audit, &a->ui) != 0) {
        fprintf(stderr, "transformer-lab: out of memory for the layout audit\n");
        app_offscreen_close(s, a->r, &a->ui);
        a->r = NULL;
        return APP_EXIT_FAIL;
    }
    snprintf(audit_path, sizeof audit_path, "%s/audit.json", dir);
    const volatile sig_atomic_t *stop = export_catch_signals(); /* SIGINT/SIGTERM: stop between images */
    struct stat st;
    for (int li = 0; li < lesson_registry_count && !a->opt.audit_only; li++)
        for (int k = 0, n = app_lesson_steps(a, li); k < n; k++) {
            export_all_path(dir, li, k, n, path, sizeof path);
            if (lstat(path, &st) == 0 && taken++ == 0) snprintf(first, sizeof first, "%s", path);
        }
    if (a->opt.audit && lstat(audit_path, &st) == 0 && taken++ == 0) snprintf(first, sizeof first, "%s", audit_path);
    if (taken) {
        fprintf(stderr,
                "transformer-lab: %s already exists%s; --export-all never overwrites a file: "
                "give a new or empty folder (nothing was written)\n",
                first, taken > 1 ? " (and more of the deck's names)" : "");
        rc = APP_EXIT_FAIL;
    }
    for (int li = 0; li < lesson_registry_count && rc == APP_EXIT_OK; li++) {
        app_goto_lesson(a, li, 0);
        int n = app_lesson_steps(a, li);
        for (int k = 0; k < n; k++) {
            a->lstep[li] = k;
            if (a->opt.audit) app_audit_image_begin(&audit, w, h);
            app_render(a, &a->ui, w, h, -1, -1, 1, 0);
            SDL_RenderPresent(a->r);
            export_all_path(dir, li, k, n, path, sizeof path);
            if (a->opt.audit && app_audit_image_end(&audit, path) != 0) {
                fprintf(stderr, "transformer-lab: the layout audit ran out of memory\n");
                rc = APP_EXIT_FAIL;
                break;
            }
            if (*stop || (!a->opt.audit_only && export_save_png(s, path, AFILE_NEW, stop, err, sizeof err) != 0)) {
                if (!*stop) fprintf(stderr, "transformer-lab: %s\n", err); /* never a partial PNG */
                rc = APP_EXIT_FAIL;
                break;
            }
            count++;
        }
    }
    if (a->opt.audit && rc == APP_EXIT_OK && !*stop) rc = audit_finish(&audit, audit_path);
    if (*stop)
        fprintf(stderr, "transformer-lab: stopped by %s after %d images (%s holds them; the one being drawn was not kept)\n",
                *stop == SIGINT ? "SIGINT" : "SIGTERM", count, dir);
    export_release_signals();
    if (rc == APP_EXIT_OK && !a->opt.audit_only) fprintf(stderr, "transformer-lab: wrote %d images to %s\n", count, dir);
    app_audit_free(&audit);
    app_offscreen_close(s, a->r, &a->ui);
    a->r = NULL;
    return rc;
}
