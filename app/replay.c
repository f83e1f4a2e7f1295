/* replay.c - --script replay: each command becomes the events a user would
 * make (text input one code point at a time, key down and up, mouse moves and
 * clicks in window coordinates), plus screenshot, dump, lesson, resize, wait, quit.
 *
 * Must not: reach the app's state other than through app_event and the
 * functions a user's action would call.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <SDL.h>

#include "export.h"
#include "shell.h"
#include "utf8.h"

static void push_key(app *a, SDL_Keycode key, Uint16 mod)
{
    SDL_Event ev[2];
    app_key_press(key, mod, ev);
    app_event(a, &ev[0]);
    app_event(a, &ev[1]);
}

static void move_mouse(app *a, int x, int y)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_MOUSEMOTION;
    e.motion.x = (int)lroundf((float)x / a->px_per_win);
    e.motion.y = (int)lroundf((float)y / a->px_per_win);
    app_event(a, &e);
}

static int screenshot_now(app *a, const char *path)
{
    char err[1200];
    app_render(a, &a->ui, a->w, a->h, a->mx, a->my, 1, 1);
    SDL_Surface *s = export_read_renderer(a->r, a->w, a->h);
    SDL_RenderPresent(a->r);
    if (!s) { fprintf(stderr, "transformer-lab: screenshot: cannot read pixels: %s\n", SDL_GetError()); return -1; }
    int rc = export_save_png(s, path, AFILE_REPLACE, NULL, err, sizeof err); /* a file the user named, like dump */
    SDL_FreeSurface(s);
    if (rc) fprintf(stderr, "transformer-lab: screenshot: %s\n", err);
    return rc;
}

/* Runs script commands until one needs a new frame. Returns 0, or an exit code to stop with. */
int app_script_step(app *a)
{
    if (a->script_wait > 0) { a->script_wait--; a->dirty = 1; return -1; }
    if (a->script_train_wait > 0) { /* train-wait: one frame at a time, as a user watching would */
        int active;
        const long step = app_training_step(a, &active);
        if (active && step < a->script_train_wait && app_now(a) < a->script_train_until) {
            SDL_Delay(10);
            a->dirty = 1;
            return -1;
        }
        a->script_train_wait = 0;
        app_training_tick(a); /* the lesson's copy now shows the step waited for */
    }
    if (a->script_busy_until > 0) { /* busy-wait: frames until the lesson's background work is done */
        if (app_now(a) < a->script_busy_until && app_lesson_busy(a, a->lesson)) {
            SDL_Delay(10);
            a->dirty = 1;
            return -1;
        }
        a->script_busy_until = 0;
    }
    while (a->script_pos < a->n_script) {
        const script_cmd *c = &a->script[a->script_pos++];
        switch (c->op) {
        case SCRIPT_TYPE: {
            if (!a->tb_focus && !a->split.focus) app_focus_box(a, 1); /* or the split view's second box, when it has the keys */
            const char *p = c->arg;
            while (*p) { /* one code point (1..UTF8_MAX bytes, a bad byte alone) per event, as a keyboard would */
                int n = utf8_next(p, strlen(p), NULL);
                SDL_Event e;
                memset(&e, 0, sizeof e);
                e.type = SDL_TEXTINPUT;
                memcpy(e.text.text, p, (size_t)n);
                app_event(a, &e);
                p += n;
            }
            a->dirty = 1;
            return -1;
        }
        case SCRIPT_KEY: push_key(a, c->key, (Uint16)c->mod); return -1;
        case SCRIPT_MOVE: move_mouse(a, c->x, c->y); return -1;
        case SCRIPT_CLICK: {
            move_mouse(a, c->x, c->y);
            SDL_Event e;
            memset(&e, 0, sizeof e);
            e.type = SDL_MOUSEBUTTONDOWN;
            e.button.button = SDL_BUTTON_LEFT;
            e.button.state = SDL_PRESSED;
            e.button.clicks = 1;
            e.button.x = (int)lroundf((float)c->x / a->px_per_win);
            e.button.y = (int)lroundf((float)c->y / a->px_per_win);
            app_event(a, &e);
            e.type = SDL_MOUSEBUTTONUP;
            e.button.state = SDL_RELEASED;
            app_event(a, &e);
            return -1;
        }
        case SCRIPT_WAIT: a->script_wait = c->x; a->dirty = 1; return -1;
        case SCRIPT_TRAIN_WAIT:
            a->script_train_wait = c->x;
            a->script_train_until = app_now(a) + c->y;
            a->dirty = 1;
            return -1;
        case SCRIPT_BUSY_WAIT:
            a->script_busy_until = app_now(a) + c->x;
            a->dirty = 1;
            return -1;
        case SCRIPT_SCREENSHOT: if (screenshot_now(a, c->arg) != 0) return APP_EXIT_FAIL; break;
        case SCRIPT_DUMP: if (app_dump(a, c->arg) != 0) return APP_EXIT_FAIL; break;
        case SCRIPT_LESSON: {
            int li = lesson_find(c->arg);
            if (li < 0) {
                fprintf(stderr, "transformer-lab: %s:%d: no lesson '%s'\n", a->opt.script, c->line, c->arg);
                return APP_EXIT_USAGE;
            }
            app_goto_lesson(a, li, 0);
            return -1;
        }
        case SCRIPT_RESIZE: app_set_window_size(a, c->x, c->y); return -1;
        case SCRIPT_QUIT: return APP_EXIT_OK;
        default: break;
        }
    }
    return APP_EXIT_OK; /* end of the script */
}
