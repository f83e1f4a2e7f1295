/* fuzz_lesson_text.c - libFuzzer harness for the lesson prose, the text files
 * assets/lessons/<lang>/<slug>.txt that teachers edit. The app reads such a
 * file whole (app.c), cuts it into steps with narration_parse (app/narration.c:
 * "# Step N" sections, "::: caption" and "::: notes" blocks; fuzzed here with 1
 * to 8 steps, each step's text, caption and notes then laid out too) and lays it out with
 * ui_text_wrap (app/ui/ui_core.c: paragraphs, "# " headings, greedy wrapping at
 * spaces, long words, UTF-8 measured by SDL_ttf): that function is fuzzed
 * here, drawing into a software renderer with the real fonts, at a width and
 * a scroll taken from the first bytes, plus ui_text_fit and ui_text_size on
 * the same text (the status line and sidebar use them).
 *
 * Must not: open a window (a software renderer on a surface, set up once).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "narration.h"
#include "ui.h"

static SDL_Surface *g_surf;
static SDL_Renderer *g_r;
static ui_ctx g_ui;
static int g_ready;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    char err[1024], fonts[1024];
    const char *assets = getenv("TLAB_ASSETS");
    snprintf(fonts, sizeof fonts, "%s/fonts", assets ? assets : TLAB_ASSETS_DIR);
    if (SDL_Init(0) != 0 || TTF_Init() != 0) abort();
    g_surf = SDL_CreateRGBSurfaceWithFormat(0, 320, 200, 32, SDL_PIXELFORMAT_RGB888);
    g_r = g_surf ? SDL_CreateSoftwareRenderer(g_surf) : NULL;
    if (!g_r || ui_init(&g_ui, g_r, fonts, ui_theme_get("dark"), err, sizeof err) != 0) {
        fprintf(stderr, "fuzz_lesson_text: cannot set up: %s\n", g_r ? err : SDL_GetError());
        abort();
    }
    g_ready = 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_ready || size < 3 || size > 12000) return 0;
    int width = 1 + data[0] * 3;          /* 1 .. 766 px */
    int scroll = (int)data[1] * 8 - 200;  /* negative too */
    float tsize = data[2] & 1 ? UI_SIZE_BODY : UI_SIZE_SMALL;
    char *s = malloc(size - 3 + 1);
    if (!s) return 0;
    memcpy(s, data + 3, size - 3);
    s[size - 3] = 0;
    ui_begin_frame(&g_ui, 10, 10, 0.0);
    SDL_Rect box = {4, 4, width, 150};
    int h = ui_text_wrap(&g_ui, UI_SANS, tsize, box, scroll, g_ui.theme->text, s);
    if (h < 0) __builtin_trap();
    ui_text_fit(&g_ui, UI_BOLD, UI_SIZE_SMALL, 2, 2, width, g_ui.theme->text, UI_LEFT, s);
    int w = 0, hh = 0;
    ui_text_size(&g_ui, UI_SANS, UI_SIZE_SMALL, s, &w, &hh);
    narration n;
    int steps = 1 + (data[2] >> 1) % 8;
    if (narration_parse(s, steps, &n) == 0) {
        if (n.n_steps != steps) __builtin_trap();
        for (int k = 0; k < steps; k++) {
            if (!n.text[k] || !n.caption[k] || !n.notes[k] || strchr(n.caption[k], '\n')) __builtin_trap();
            ui_text_wrap(&g_ui, UI_SANS, tsize, box, 0, g_ui.theme->text, n.text[k]);
            ui_text_wrap(&g_ui, UI_SANS, tsize, box, 0, g_ui.theme->text, n.caption[k]);
        }
        narration_free(&n);
    }
    free(s);
    return 0;
}
