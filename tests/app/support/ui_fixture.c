/* ui_fixture.c - see ui_fixture.h.
 *
 * Must not: open a window.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_fixture.h"

const char *ui_fixture_assets(void)
{
    const char *a = getenv("TLAB_ASSETS");
    return a && *a ? a : TLAB_ASSETS_DIR;
}

int ui_fixture_open(SDL_Surface **surf, SDL_Renderer **ren, ui_ctx *ui, int w, int h, const char *theme)
{
    char fonts[1024], err[1200];
    *surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGB888);
    *ren = *surf ? SDL_CreateSoftwareRenderer(*surf) : NULL;
    if (!*ren) {
        fprintf(stderr, "ui_fixture: no %dx%d software renderer: %s\n", w, h, SDL_GetError());
        ui_fixture_close(surf, ren, NULL);
        return -1;
    }
    snprintf(fonts, sizeof fonts, "%s/fonts", ui_fixture_assets());
    if (ui_init(ui, *ren, fonts, ui_theme_get(theme), err, sizeof err) != 0) {
        fprintf(stderr, "ui_fixture: %s\n", err);
        ui_fixture_close(surf, ren, NULL);
        return -1;
    }
    ui->scale = 1.0f;
    return 0;
}

void ui_fixture_close(SDL_Surface **surf, SDL_Renderer **ren, ui_ctx *ui)
{
    if (ui) ui_free(ui);
    if (ren && *ren) SDL_DestroyRenderer(*ren);
    if (surf && *surf) SDL_FreeSurface(*surf);
    if (ren) *ren = NULL;
    if (surf) *surf = NULL;
}
