/* headless.c - drawing without a window: the software renderer set-up (once,
 * for --export-all, the slide export and the benchmark), and the screen and
 * slide exports of the window (saved off the main thread). --export-all is deck.c.
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
    if (!s) { app_toast(a, 2, _("Export failed: cannot read the screen: %s"), SDL_GetError()); return; }
    if (export_mkdir_p(a->export_dir, err, sizeof err) != 0) { SDL_FreeSurface(s); app_toast(a, 2, _("Export failed: %s"), ui_tr_msg(err)); return; }
    char slug[96];
    snprintf(slug, sizeof slug, "%s%s", lesson_registry[a->lesson]->slug, suffix);
    export_base_name(slug, time(NULL), base, sizeof base);
    if (export_save_png_async_new(s, a->export_dir, base, a->ev_export) != 0) { /* the writer picks the first free name */
        app_toast(a, 2, _("Export failed: %s"), SDL_GetError());
        return;
    }
    snprintf(path, sizeof path, "%s/%s.png", a->export_dir, base);
    app_toast(a, 0, _("Saving %s \xE2\x80\xA6"), path);
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

/* Renders the current step as a slide at w x h into a new surface with a software renderer. */
SDL_Surface *app_render_offscreen(app *a, int w, int h, char *err, size_t n)
{
    SDL_Surface *s;
    SDL_Renderer *r;
    ui_ctx ui;
    if (app_offscreen_open(a, w, h, &s, &r, &ui, err, n) != 0) return NULL;
    slide_info si;
    memset(&si, 0, sizeof si);
    app_render_slide(a, &ui, w, h, &si, 1);
    SDL_RenderPresent(r);
    app_offscreen_close(NULL, r, &ui); /* the surface is the caller's */
    return s;
}
