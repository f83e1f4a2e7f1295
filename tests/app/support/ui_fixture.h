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

#include "ui.h"

/* The assets folder: $TLAB_ASSETS or the source tree's. */
const char *ui_fixture_assets(void);
/* A w x h RGB888 surface, a software renderer on it and ui (scale 1) in theme
 * "dark" or "light". 0, or -1 with the reason on stderr (then nothing is left open). */
int ui_fixture_open(SDL_Surface **surf, SDL_Renderer **ren, ui_ctx *ui, int w, int h, const char *theme);
/* Frees what ui_fixture_open made; accepts what a failed open left (NULLs). */
void ui_fixture_close(SDL_Surface **surf, SDL_Renderer **ren, ui_ctx *ui);

#endif
