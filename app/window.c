/* window.c - the window and the main loop: open the window and its renderer,
 * follow its size (HiDPI), wait for events (or animate), replay a script or run
 * the --monkey, draw a frame when something changed, and take the pending
 * screen or slide export right after the frame it shows. In the web page the
 * browser calls the turns (app/web/web.c).
 *
 * Must not: handle events itself (input.c does) or draw (chrome.c does).
 */
#include <stdio.h>

#include <SDL.h>

#include "export.h"
#include "monkey.h"
#include "shell.h"

static int open_window(app *a)
{
    Uint32 flags = SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI | (a->opt.fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
    a->win = SDL_CreateWindow("Transformer Lab", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, a->opt.width,
                              a->opt.height, flags);
    if (!a->win) { fprintf(stderr, "transformer-lab: cannot open a window: %s\n", SDL_GetError()); return -1; }
    SDL_SetWindowMinimumSize(a->win, 640, 480);
    a->fullscreen = a->opt.fullscreen;
    a->r = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_PRESENTVSYNC);
    if (!a->r) a->r = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
    if (!a->r) { fprintf(stderr, "transformer-lab: no renderer: %s\n", SDL_GetError()); return -1; }
    char err[1200];
    if (ui_init(&a->ui, a->r, a->fonts, a->theme, err, sizeof err) != 0) {
        fprintf(stderr, "transformer-lab: %s\n", err);
        return -1;
    }
    return 0;
}

static void update_sizes(app *a)
{
    int ww, wh, pw, ph;
    SDL_GetWindowSize(a->win, &ww, &wh);
    if (SDL_GetRendererOutputSize(a->r, &pw, &ph) != 0 || pw <= 0) { pw = ww; ph = wh; }
    a->w = pw; a->h = ph;
    a->px_per_win = ww > 0 ? (float)pw / (float)ww : 1.0f;
}

void app_set_window_size(app *a, int w, int h)
{
    if (a->win) {
        SDL_SetWindowSize(a->win, w, h);
        int pw = w, ph = h;
        if (SDL_GetRendererOutputSize(a->r, &pw, &ph) != 0 || pw <= 0) { pw = w; ph = h; }
        a->w = pw; a->h = ph;
    }
    a->dirty = 1;
}

/* Ctrl+Shift+D, after a frame showed its toast: the deck, then what became of it. */
static void save_deck(app *a)
{
    char dir[1100], err[1200];
    a->deck_pending = 0;
    if (app_save_deck(a, dir, sizeof dir, err, sizeof err) != 0) {
        app_toast(a, 2, _("Saving the deck failed: %s"), ui_tr_msg(err));
    } else {
        app_toast(a, 1, _("Saved the deck in %s"), dir);
#ifdef __EMSCRIPTEN__
        app_web_download_dir(dir); /* the page's files vanish with it: one ZIP download */
#endif
    }
    a->dirty = 1;
}

/* One turn of the loop: waits for events (up to a timeout that depends on what
 * is going on; never in the web page, whose browser calls one turn per frame),
 * handles them, steps the script or the monkey, and draws a frame when
 * something changed. -1 to go on, else the exit code. */
int app_window_turn(app *a)
{
    if (!a->running) return APP_EXIT_OK;
    SDL_Event ev;
    int animating = 0;
    const lesson *les = lesson_registry[a->lesson];
    if (les->animating) {
        lesson_ctx c = app_lesson_ctx(a, &a->ui, a->lay.area, a->lesson, NULL);
        animating = lesson_animating(les, a->lstate[a->lesson], &c);
    }
    animating = animating || app_lesson_busy(a, a->lesson);
    int toast_on = a->toast[0] && app_now(a) < a->toast_until;
    int timeout = (a->script || animating) ? 16 : a->tb_focus ? 500 : toast_on ? 250 : 1000;
    if (a->dirty || a->script) timeout = 0;
#ifdef __EMSCRIPTEN__
    timeout = 0;
#endif
    if (SDL_WaitEventTimeout(&ev, timeout)) {
        do { app_event(a, &ev); } while (a->running && SDL_PollEvent(&ev));
    }
    if (!a->running) return APP_EXIT_OK;
    if (a->script) {
        int s = app_script_step(a);
        if (s >= 0) return s;
    }
    if (monkey_active()) { /* --monkey: random events into the queue (app/monkey.c) */
        int m = monkey_tick(a->win);
        if (m >= 0) return m;
        if (monkey_wants_cache_flush()) ui_cache_clear(&a->ui); /* between frames: nothing holds a cached texture */
    }
    if (a->tb_focus || animating || toast_on || (a->toast[0] && app_now(a) >= a->toast_until && a->toast_until > 0)) a->dirty = 1;
    if (a->toast[0] && app_now(a) >= a->toast_until) a->toast_until = 0;
    if (!a->dirty) return -1;
    a->dirty = 0;
    update_sizes(a);
    app_render(a, &a->ui, a->w, a->h, a->mx, a->my, 1, 1);
    if (a->export_pending) { /* read back exactly what is on screen before presenting */
        a->export_pending = 0;
        SDL_Surface *s = export_read_renderer(a->r, a->w, a->h);
        app_export_surface(a, s, "");
        app_render(a, &a->ui, a->w, a->h, a->mx, a->my, 1, 1);
    }
    if (a->slide_pending) {
        a->slide_pending = 0;
        char err[1200];
        SDL_Surface *s = app_render_offscreen(a, a->opt.export_w, a->opt.export_h, err, sizeof err);
        char suffix[48];
        snprintf(suffix, sizeof suffix, "-step%d-slide", a->lstep[a->lesson] + 1);
        if (s) app_export_surface(a, s, suffix);
        else app_toast(a, 2, _("Slide export failed: %s"), ui_tr_msg(err));
        app_render(a, &a->ui, a->w, a->h, a->mx, a->my, 1, 1);
    }
    SDL_RenderPresent(a->r);
    a->frames_drawn++;
    if (a->deck_pending == 1) save_deck(a);
    if (a->deck_pending == 2) { a->deck_pending = 1; a->dirty = 1; } /* its toast is on screen now */
    return -1;
}

int app_run_window(app *a)
{
    if (open_window(a) != 0) return APP_EXIT_FAIL;
    update_sizes(a);
    app_start_lessons(a);
    a->ev_export = SDL_RegisterEvents(1);
    a->running = 1;
    a->dirty = 1;
    SDL_StopTextInput();
#ifdef __EMSCRIPTEN__
    app_web_loop(a); /* app/web/web.c: the browser runs the turns; never returns */
#endif
    int rc;
    while ((rc = app_window_turn(a)) < 0) {}
    return rc;
}
