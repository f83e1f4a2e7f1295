/* test_bad_tiny.c - every lesson, every step, drawn into tiny and degenerate
 * areas (0x0, 1x1, 3x2, 40x30) and at the smallest and largest UI scale, with
 * the shipped model and a real trace: no crash, no endless loop, no undefined
 * behaviour (this runs under UBSan in the ASan pass). A regression test for
 * the monkey's finding in lesson_encoder_stack.c (a row height <= 0 in a tiny
 * window made a loop run until a signed overflow). Row "window resized to the
 * minimum / to 1x1" of docs/bad-input.md.
 *
 * Must not: open a window (a software renderer on a surface).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "lesson.h"
#include "trace.h"
#include "ui.h"
#include "weights.h"
#include "test_util.h"

static void test_every_lesson_in_tiny_areas(void **state)
{
    (void)state;
    char err[1024], path[1024];
    const char *assets = getenv("TLAB_ASSETS");
    if (!assets) assets = TLAB_ASSETS_DIR;
    assert_int_equal(SDL_Init(0), 0);
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 64, 48, 32, SDL_PIXELFORMAT_RGB888);
    assert_non_null(s);
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(s);
    assert_non_null(r);
    ui_ctx ui;
    snprintf(path, sizeof path, "%s/fonts", assets);
    if (ui_init(&ui, r, path, ui_theme_get("dark"), err, sizeof err) != 0) fail_msg("%s", err);
    weights_model m;
    snprintf(path, sizeof path, "%s/model.safetensors", assets);
    if (weights_load(&m, path, err, sizeof err) != 0) fail_msg("%s", err);
    trace tr;
    assert_int_equal(trace_init(&tr, &m.params.cfg), 0);
    assert_int_equal(model_translate(&m.params, &m.vocab, "the old man sees the small brown dog in the garden", NULL, &tr,
                                     err, sizeof err), 0);
    lesson_selection sel = {0, 0, 0, -1};
    const SDL_Rect areas[] = {{0, 0, 0, 0}, {0, 0, 1, 1}, {5, 7, 3, 2}, {0, 0, 40, 30}, {-10, -10, 1, 1}};
    const float scales[] = {0.7f, 1.0f, 4.0f};
    int drawn = 0;
    for (int li = 0; li < lesson_registry_count; li++) {
        const lesson *L = lesson_registry[li];
        lesson_ctx c;
        memset(&c, 0, sizeof c);
        c.ui = &ui; c.area = areas[3]; c.tr = &tr; c.vocab = &m.vocab; c.params = &m.params;
        c.model_is_trained = 1; c.sel = &sel;
        lesson_scratch scratch = {0};
        c.scratch = &scratch;
        void *st = lesson_state_new(L, &c);
        lesson_trace_changed(L, st, &c);
        int n = lesson_step_count(L);
        for (int k = 0; k < n; k++) {
            for (size_t a = 0; a < sizeof areas / sizeof areas[0]; a++) {
                for (size_t q = 0; q < sizeof scales / sizeof scales[0]; q++) {
                    ui.scale = scales[q];
                    ui_begin_frame(&ui, areas[a].x, areas[a].y, 1.0);
                    c.area = areas[a];
                    c.step = k;
                    lesson_scratch_reset(&scratch);
                    lesson_draw(L, st, &c);
                    drawn++;
                }
            }
        }
        lesson_state_free(L, st);
        lesson_scratch_free(&scratch);
    }
    assert_true(drawn >= lesson_registry_count * 15);
    trace_free(&tr);
    weights_model_free(&m);
    ui_free(&ui);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(s);
    SDL_Quit();
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_every_lesson_in_tiny_areas))
