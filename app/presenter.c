/* presenter.c - the keys a lecturer knows from slide software: B blanks the
 * screen to black and W to white (any key or click brings the lesson back, as
 * in PowerPoint, Keynote and Impress; the export keys also save the lesson, so
 * a Ctrl+S pressed on a blank screen is never lost), and Ctrl+L (PowerPoint's laser pointer)
 * turns on a spotlight that follows the mouse: the window is dimmed except a
 * disc around the pointer, with a ring, so the class sees where to look.
 *
 * The keys are taken before the lesson's own (no lesson uses B, W or Ctrl+L)
 * and never while the sentence box has the focus (there B and W are letters).
 * What is drawn goes over the whole interactive frame, never into an export
 * of a lesson or a slide.
 *
 * Must not: draw lesson content, or take keys while the sentence box has the focus.
 */
#include <math.h>

#include <SDL.h>

#include "shell.h"

/* Ctrl+S, Ctrl+Shift+S (Cmd on a Mac) and F12: the keys that save the lesson or its slide. */
static int is_export_key(const SDL_Keysym *k)
{
    return k->sym == SDLK_F12 || (k->sym == SDLK_s && (k->mod & (KMOD_CTRL | KMOD_GUI)) && !(k->mod & KMOD_ALT));
}

int app_presenter_event(app *a, const SDL_Event *ev)
{
    if (a->blank) { /* any key or click returns; an export key also exports (what the lesson shows, never the blank) */
        if (ev->type == SDL_KEYDOWN || ev->type == SDL_MOUSEBUTTONDOWN) {
            a->blank = PRESENTER_SHOW;
            a->dirty = 1;
            return !(ev->type == SDL_KEYDOWN && is_export_key(&ev->key.keysym));
        }
        return ev->type == SDL_KEYUP || ev->type == SDL_MOUSEBUTTONUP || ev->type == SDL_TEXTINPUT;
    }
    if (ev->type != SDL_KEYDOWN || a->tb_focus || a->split.focus) return 0;
    SDL_Keycode k = ev->key.keysym.sym;
    int ctrl = (ev->key.keysym.mod & (KMOD_CTRL | KMOD_GUI)) != 0, alt = (ev->key.keysym.mod & KMOD_ALT) != 0;
    if (alt) return 0;
    if (!ctrl && (k == SDLK_b || k == SDLK_w)) { a->blank = k == SDLK_b ? PRESENTER_BLACK : PRESENTER_WHITE; a->dirty = 1; return 1; }
    if (ctrl && k == SDLK_l && !(ev->key.keysym.mod & KMOD_SHIFT)) { a->spotlight = !a->spotlight; a->dirty = 1; return 1; }
    return 0;
}

/* The spotlight: everything but a disc of radius rad around (cx, cy) dimmed,
 * one fill per row inside the disc's square and four around it. */
static void spotlight(ui_ctx *ui, int w, int h, int cx, int cy, int rad)
{
    SDL_Color dim = {0, 0, 0, 150};
    int top = cy - rad, bot = cy + rad;
    if (top > 0) ui_fill(ui, (SDL_Rect){0, 0, w, top}, dim);
    if (bot < h) ui_fill(ui, (SDL_Rect){0, bot, w, h - bot}, dim);
    for (int y = top < 0 ? 0 : top; y < bot && y < h; y++) {
        float dy = (float)(y - cy) + 0.5f;
        int half = ui_f2i(sqrtf(fmaxf(0.0f, (float)(rad * rad) - dy * dy)));
        if (cx - half > 0) ui_fill(ui, (SDL_Rect){0, y, cx - half, 1}, dim);
        if (w - cx - half > 0) ui_fill(ui, (SDL_Rect){cx + half, y, w - cx - half, 1}, dim);
    }
    SDL_Color ring = {255, 214, 10, 230}; /* a warm yellow: reads on both themes and on a projector */
    for (int i = 0; i < ui_px(ui, 3); i++) ui_circle(ui, (float)cx, (float)cy, (float)(rad - i), ring, 0);
}

void app_draw_presenter(app *a, ui_ctx *ui, int w, int h, int mx, int my)
{
    if (a->blank) {
        SDL_Color c = a->blank == PRESENTER_BLACK ? (SDL_Color){0, 0, 0, 255} : (SDL_Color){255, 255, 255, 255};
        ui_fill(ui, (SDL_Rect){0, 0, w, h}, c);
        return;
    }
    if (a->spotlight && mx >= 0 && my >= 0 && mx < w && my < h) spotlight(ui, w, h, mx, my, ui_px(ui, 110));
}
