/* test_lesson_attention_grid.c - ui_grid (app/ui/ui_grid.c), the heatmap the
 * attention lessons (5, 6, 9) draw with and hit-test in handle_event and in
 * their dumps: the layout stays inside its rectangle, draw uses exactly the
 * layout's geometry, cell_at and cell_rect are inverse, square cells and the
 * size cap hold, labels take room only when drawn, and the hover reports the
 * hovered cell's exact value under the "<name>[r][c] (row, col)" label. The
 * cell colours are checked on the rendered surface.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"
#include "ui_grid.h"
#include "test_util.h"

static SDL_Surface *surf;
static SDL_Renderer *ren;
static ui_ctx ui;

static int setup(void **st)
{
    (void)st;
    surf = SDL_CreateRGBSurfaceWithFormat(0, 800, 600, 32, SDL_PIXELFORMAT_RGB888);
    if (!surf) return -1;
    ren = SDL_CreateSoftwareRenderer(surf);
    if (!ren) return -1;
    char fonts[600], err[600];
    const char *assets = getenv("TLAB_ASSETS");
    snprintf(fonts, sizeof fonts, "%s/fonts", assets ? assets : TLAB_ASSETS_DIR);
    if (ui_init(&ui, ren, fonts, ui_theme_get("light"), err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    ui.scale = 1.0f;
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    ui_free(&ui);
    SDL_DestroyRenderer(ren);
    SDL_FreeSurface(surf);
    TTF_Quit();
    return 0;
}

static const char *const rl[5] = {"the", "dog", "sees", "a", "<eos>"};
static const char *const cl[7] = {"k0", "k1", "k2", "k3", "k4", "k5", "k6"};
static float data[5 * 7];

static void spec(ui_grid_spec *g)
{
    for (int i = 0; i < 35; i++) data[i] = (float)i / 34.0f;
    *g = ui_grid_matrix(data, 5, 7, "B");
    assert_int_equal(g->stride, 7);
    assert_int_equal(g->highlight_row, -1);
    assert_int_equal(g->highlight_col, -1);
    assert_true(g->vmin == 0.0f && g->vmax == 1.0f && g->cmap == UI_CMAP_VIRIDIS);
    g->row_labels = rl;
    g->col_labels = cl;
    g->title = "B";
}

static int inside(SDL_Rect in, SDL_Rect out)
{
    return in.x >= out.x && in.y >= out.y && in.x + in.w <= out.x + out.w && in.y + in.h <= out.y + out.h;
}

static void test_layout_inside_and_inverse(void **st)
{
    (void)st;
    ui_grid_spec g;
    spec(&g);
    SDL_Rect r = {20, 30, 500, 300};
    ui_grid_geom geo;
    ui_grid_layout(&ui, r, &g, &geo);
    assert_int_equal(geo.rows, 5);
    assert_int_equal(geo.cols, 7);
    assert_true(geo.cw > 0 && geo.ch > 0);
    assert_true(inside(geo.cells, r));
    assert_int_equal(geo.cells.w, 7 * geo.cw);
    assert_int_equal(geo.cells.h, 5 * geo.ch);
    assert_true(geo.label_w > 0 && geo.head_h > 0 && geo.title_h > 0);
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 7; j++) {
            SDL_Rect c = ui_grid_cell_rect(&geo, i, j);
            int rr = -1, cc = -1;
            assert_int_equal(ui_grid_cell_at(&geo, c.x + c.w / 2, c.y + c.h / 2, &rr, &cc), 1);
            assert_int_equal(rr, i);
            assert_int_equal(cc, j);
            assert_int_equal(ui_grid_cell_at(&geo, c.x, c.y, &rr, &cc), 1); /* top-left pixel belongs to the cell */
            assert_int_equal(rr, i);
            assert_int_equal(cc, j);
        }
    int rr, cc;
    assert_int_equal(ui_grid_cell_at(&geo, geo.cells.x - 1, geo.cells.y, &rr, &cc), 0);
    assert_int_equal(ui_grid_cell_at(&geo, geo.cells.x + geo.cells.w, geo.cells.y, &rr, &cc), 0);
    assert_int_equal(ui_grid_cell_at(&geo, geo.cells.x, geo.cells.y + geo.cells.h, &rr, &cc), 0);
}

static void test_square_cap_and_labels(void **st)
{
    (void)st;
    ui_grid_spec g;
    spec(&g);
    SDL_Rect r = {0, 0, 700, 500};
    ui_grid_geom a, b, c;
    g.square = 1;
    ui_grid_layout(&ui, r, &g, &a);
    assert_int_equal(a.cw, a.ch);
    assert_true(a.cw <= ui_px(&ui, 64)); /* the default cap */
    g.max_cell = 20;
    ui_grid_layout(&ui, r, &g, &b);
    assert_int_equal(b.cw, 20);
    assert_int_equal(b.ch, 20);
    /* labels only in hovers: no room taken by them */
    g.max_cell = 0;
    g.labels_in_hover_only = 1;
    ui_grid_layout(&ui, r, &g, &c);
    assert_int_equal(c.label_w, 0);
    assert_int_equal(c.head_h, 0);
    assert_int_equal(c.cells.x, r.x);
    assert_true(c.cells.y == r.y + c.title_h);
}

static void test_draw_matches_layout_and_hover(void **st)
{
    (void)st;
    ui_grid_spec g;
    spec(&g);
    SDL_Rect r = {10, 10, 600, 400};
    ui_grid_geom lay, drawn;
    ui_grid_layout(&ui, r, &g, &lay);
    SDL_Rect c = ui_grid_cell_rect(&lay, 2, 3);
    ui_begin_frame(&ui, c.x + c.w / 2, c.y + c.h / 2, 0);
    SDL_SetRenderDrawColor(ren, 0, 0, 0, 255);
    SDL_RenderClear(ren);
    int hov = ui_grid_draw(&ui, r, &g, &drawn);
    SDL_RenderPresent(ren);
    assert_int_equal(hov, 1);
    assert_memory_equal(&lay, &drawn, sizeof lay);
    assert_int_equal(ui.hover.active, 1);
    assert_int_equal(ui.hover.has_value, 1);
    assert_true(ui.hover.value == data[2 * 7 + 3]);
    assert_string_equal(ui.hover.label, "B[2][3] (sees, k3)");
    /* the pixel at a cell's centre has the viridis colour of its value (cell 4,6 = 1.0, not hovered) */
    SDL_Rect c2 = ui_grid_cell_rect(&drawn, 4, 6);
    Uint32 px = ((Uint32 *)surf->pixels)[(c2.y + c2.h / 2) * (surf->pitch / 4) + c2.x + 2];
    Uint8 pr, pg, pb;
    SDL_GetRGB(px, surf->format, &pr, &pg, &pb);
    SDL_Color want = ui_viridis(1.0f);
    assert_int_equal(pr, want.r);
    assert_int_equal(pg, want.g);
    assert_int_equal(pb, want.b);
    /* no hover outside the cells */
    ui_begin_frame(&ui, 1, 1, 0);
    assert_int_equal(ui_grid_draw(&ui, r, &g, NULL), 0);
    assert_int_equal(ui.hover.active, 0);
}

static void test_fmt(void **st)
{
    (void)st;
    char b[32]; /* the grid's numbers are the toolkit's one format, ui_fmt at 3 significant digits */
    ui_fmt(0.0f, 3, b, sizeof b);
    assert_string_equal(b, "0");
    ui_fmt(0.25f, 3, b, sizeof b);
    assert_string_equal(b, "0.25");
    ui_fmt(-1.5f, 3, b, sizeof b);
    assert_string_equal(b, "\xE2\x88\x92" "1.5");
    ui_fmt(12.34f, 3, b, sizeof b);
    assert_string_equal(b, "12.3");
    ui_fmt(0.007f, 3, b, sizeof b);
    assert_string_equal(b, "0.007");
    ui_fmt(-INFINITY, 3, b, sizeof b);
    assert_string_equal(b, "\xE2\x88\x92\xE2\x88\x9E");
}

TEST_MAIN(setup, teardown,
          cmocka_unit_test(test_layout_inside_and_inverse),
          cmocka_unit_test(test_square_cap_and_labels),
          cmocka_unit_test(test_draw_matches_layout_and_hover),
          cmocka_unit_test(test_fmt))
