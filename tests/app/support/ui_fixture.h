/* ui_fixture.h - the set-up the toolkit's tests share: a software renderer
 * drawing into a surface of a given size, and a ui_ctx with the shipped fonts
 * (TLAB_ASSETS, else the source tree's assets) and a theme.
 *
 * Must not: open a window (tests run headless), or hide a failure: it prints
 * the reason and returns -1, so the cmocka set-up fails.
 */
#ifndef UI_FIXTURE_H
#define UI_FIXTURE_H

#include <SDL.h>
#include <SDL_ttf.h>

#include "ui.h"

/* The assets folder: $TLAB_ASSETS or the source tree's. */
const char *ui_fixture_assets(void);
/* A w x h RGB888 surface, a software renderer on it and ui (scale 1) in theme
 * "dark" or "light". 0, or -1 with the reason on stderr (then nothing is left open). */
int ui_fixture_open(SDL_Surface **surf, SDL_Renderer **ren, ui_ctx *ui, int w, int h, const char *theme);
/* Frees what ui_fixture_open made; accepts what a failed open left (NULLs). */
void ui_fixture_close(SDL_Surface **surf, SDL_Renderer **ren, ui_ctx *ui);

/* A test program's one drawing fixture: the statics surf, ren and ui, and the
 * cmocka set-up ui_setup (ui_fixture_open at W x H in THEME) and tear-down
 * ui_teardown (ui_fixture_close, then TTF_Quit) for a test or the group. */
#define UI_FIXTURE(W, H, THEME)                                                            \
    static SDL_Surface *surf;                                                              \
    static SDL_Renderer *ren;                                                              \
    static ui_ctx ui;                                                                      \
    static int ui_setup(void **st)                                                         \
    {                                                                                      \
        (void)st;                                                                          \
        return ui_fixture_open(&surf, &ren, &ui, (W), (H), (THEME));                       \
    }                                                                                      \
    static int ui_teardown(void **st)                                                      \
    {                                                                                      \
        (void)st;                                                                          \
        ui_fixture_close(&surf, &ren, &ui);                                                \
        TTF_Quit();                                                                        \
        return 0;                                                                          \
    }

#endif
