/* test_ui_widgets.c - toolkit widgets drawn with the software renderer on a
 * surface: the text texture cache (hits, keys, LRU bound), wrapping, prose under a
 * figure (ui_split_prose), the heatmap's hover reporting the exact value under the
 * mouse (also -INFINITY), a fill with holes (ui_fill_except: every pixel outside
 * the holes filled, none inside),
 * bars and plots reporting theirs, and the lesson registry lookups.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "ui.h"
#include "ui_fixture.h"
#include "test_util.h"

UI_FIXTURE(800, 600, "dark")

static void test_text_cache(void **st)
{
    (void)st;
    ui_begin_frame(&ui, -1, -1, 0);
    size_t n0 = ui_text_cache_count(&ui);
    SDL_Color w = {255, 255, 255, 255}, r = {255, 0, 0, 255};
    int w1 = ui_text(&ui, UI_SANS, UI_SIZE_BODY, 10, 10, w, UI_LEFT, "der Hund \xE2\x88\x9A" "d\xE2\x82\x96");
    assert_true(w1 > 0);
    assert_int_equal(ui_text_cache_count(&ui), n0 + 1);
    int w2 = ui_text(&ui, UI_SANS, UI_SIZE_BODY, 10, 40, w, UI_LEFT, "der Hund \xE2\x88\x9A" "d\xE2\x82\x96");
    assert_int_equal(w1, w2);
    assert_int_equal(ui_text_cache_count(&ui), n0 + 1);          /* a hit */
    ui_text(&ui, UI_SANS, UI_SIZE_BODY, 10, 70, r, UI_LEFT, "der Hund \xE2\x88\x9A" "d\xE2\x82\x96");
    assert_int_equal(ui_text_cache_count(&ui), n0 + 2);          /* colour is part of the key */
    ui_text(&ui, UI_BOLD, UI_SIZE_BODY, 10, 70, r, UI_LEFT, "der Hund \xE2\x88\x9A" "d\xE2\x82\x96");
    assert_int_equal(ui_text_cache_count(&ui), n0 + 3);          /* so is the face */
    int tw;
    ui_text_size(&ui, UI_SANS, UI_SIZE_BODY, "der Hund \xE2\x88\x9A" "d\xE2\x82\x96", &tw, NULL);
    assert_int_equal(tw, w1);
    /* bounded: thousands of strings never exceed the cap */
    char b[32];
    for (int i = 0; i < 4000; i++) {
        snprintf(b, sizeof b, "%d", i);
        ui_text(&ui, UI_MONO, UI_SIZE_SMALL, 0, 0, w, UI_LEFT, b);
    }
    assert_true(ui_text_cache_count(&ui) <= 1500);
    assert_true(ui_text_cache_count(&ui) >= 1000);
    /* empty and NULL strings draw nothing and do not crash */
    assert_int_equal(ui_text(&ui, UI_SANS, UI_SIZE_BODY, 0, 0, w, UI_LEFT, ""), 0);
    assert_int_equal(ui_text(&ui, UI_SANS, UI_SIZE_BODY, 0, 0, w, UI_LEFT, NULL), 0);
}

static void test_wrap_and_utf8(void **st)
{
    (void)st;
    SDL_Color w = {255, 255, 255, 255};
    const char *p = "Attention compares every word with every other word, but it does not care about order.";
    int lh = ui_line_height(&ui, UI_SANS, UI_SIZE_BODY);
    int h_wide = ui_text_wrap(&ui, UI_SANS, UI_SIZE_BODY, (SDL_Rect){0, 0, 4000, 600}, 0, w, p);
    int h_narrow = ui_text_wrap(&ui, UI_SANS, UI_SIZE_BODY, (SDL_Rect){0, 0, 200, 600}, 0, w, p);
    assert_int_equal(h_wide, lh);
    assert_true(h_narrow >= 4 * lh);
    const char *s = "a\xC3\xBC\xE2\x88\x9A" "b";
    int n = (int)strlen(s);
    assert_int_equal(ui_utf8_next(s, n, 0), 1);
    assert_int_equal(ui_utf8_next(s, n, 1), 3);
    assert_int_equal(ui_utf8_next(s, n, 3), 6);
    assert_int_equal(ui_utf8_prev(s, 6), 3);
    assert_int_equal(ui_utf8_prev(s, 3), 1);
    assert_int_equal(ui_utf8_prev(s, 0), 0);
}

/* ui_split_prose: the prose gets the height it needs right under the figure; with too little room
 * for both, the prose shrinks (to no less than the legal size) before the figure goes under its minimum. */
static void test_split_prose(void **st)
{
    (void)st;
    SDL_Color w = {255, 255, 255, 255};
    const char *p = "Attention compares every word with every other word, but it does not care about order.";
    const SDL_Rect r = {10, 20, 300, 500};
    const int need = ui_text_wrap(&ui, UI_SANS, UI_SIZE_BODY, (SDL_Rect){0, 0, r.w, 0}, 0, w, p);
    float size = UI_SIZE_BODY;
    SDL_Rect fig, txt;
    ui_split_prose(&ui, r, p, &size, 100, 0, &fig, &txt);
    assert_true(size == UI_SIZE_BODY);
    assert_int_equal(fig.x, r.x);
    assert_int_equal(fig.y, r.y);
    assert_int_equal(fig.w, r.w);
    assert_true(txt.y > fig.y + fig.h);                        /* a gap, then the prose */
    assert_int_equal(txt.y + txt.h, r.y + r.h);                 /* to the bottom of r */
    assert_true(txt.h >= need && txt.h - need <= ui_px(&ui, 10)); /* what it needs (plus the gap's rounding) */
    ui_split_prose(&ui, r, p, &size, 100, 150, &fig, &txt);     /* a capped figure: the prose right under it */
    assert_int_equal(fig.h, 150);
    assert_true(txt.y < r.y + 150 + ui_px(&ui, 11));
    const SDL_Rect tight = {0, 0, 300, need + 40};               /* the figure would get less than 60: the prose shrinks */
    size = UI_SIZE_BODY;
    ui_split_prose(&ui, tight, p, &size, 60, 0, &fig, &txt);
    assert_true(size < UI_SIZE_BODY && size >= UI_SIZE_LEGAL);
    assert_true(ui_text_wrap(&ui, UI_SANS, size, (SDL_Rect){0, 0, 300, 0}, 0, w, p) <= txt.h);
    assert_true(fig.h >= 0 && fig.y + fig.h <= txt.y);
}

static void test_heatmap_hover(void **st)
{
    (void)st;
    float data[3 * 4] = {0.1f, 0.2f, 0.3f, 0.4f, 1.5f, -2.25f, 0.512345f, 7.0f, 0, 0, -INFINITY, 1};
    const char *rows[3] = {"the", "dog", "cat"};
    ui_heatmap_spec s = ui_heatmap_matrix(data, 3, 4, UI_CMAP_DIVERGING, "Q");
    assert_int_equal(s.stride, 4); /* the constructor's defaults: row after row, nothing highlighted, no range */
    assert_int_equal(s.highlight_row, -1);
    assert_int_equal(s.highlight_col, -1);
    assert_int_equal(s.fixed_range, 0);
    assert_null(s.scale);
    s.row_labels = rows;
    s.title = "Q head 0";
    SDL_Rect area = {50, 50, 600, 400};
    ui_heatmap_out out;
    ui_begin_frame(&ui, -1, -1, 0);
    assert_int_equal(ui_heatmap(&ui, area, &s, &out), 0);
    assert_int_equal(ui.hover.active, 0);
    assert_true(out.cell_w > 0 && out.cell_h > 0);
    /* the centre of cell (1, 2) */
    int mx = out.cells.x + 2 * out.cell_w + out.cell_w / 2, my = out.cells.y + 1 * out.cell_h + out.cell_h / 2;
    ui_begin_frame(&ui, mx, my, 0);
    assert_int_equal(ui_heatmap(&ui, area, &s, &out), 1);
    assert_int_equal(out.hover_row, 1);
    assert_int_equal(out.hover_col, 2);
    assert_int_equal(ui.hover.active, 1);
    assert_int_equal(ui.hover.has_value, 1);
    assert_true(ui.hover.value == (double)0.512345f);
    assert_non_null(strstr(ui.hover.label, "Q[1][2]"));
    assert_non_null(strstr(ui.hover.label, "dog"));
    /* the -INFINITY cell reports -inf */
    mx = out.cells.x + 2 * out.cell_w + 1;
    my = out.cells.y + 2 * out.cell_h + 1;
    ui_begin_frame(&ui, mx, my, 0);
    ui_heatmap(&ui, area, &s, &out);
    assert_true(isinf(ui.hover.value) && ui.hover.value < 0);
    char b[32];
    ui_format_value(ui.hover.value, b, sizeof b);
    assert_string_equal(b, "\xE2\x88\x92\xE2\x88\x9E");
    ui_format_value(0.5, b, sizeof b);
    assert_string_equal(b, "0.5");
    ui_format_value(2.5e-7, b, sizeof b);
    assert_string_equal(b, "2.5\xC3\x97" "10\xE2\x81\xBB\xE2\x81\xB7"); /* ui_fmt: 2.5×10⁻⁷ */
    ui_format_value(0.0, b, sizeof b);
    assert_string_equal(b, "0");
}

static void test_bars_and_plot_hover(void **st)
{
    (void)st;
    float v[4] = {0.1f, 0.6f, 0.2f, 0.1f};
    const char *lab[4] = {"der", "hund", "die", "katze"};
    ui_bars_spec b = ui_bars_fixed(v, 4, lab, 0, 1, "p");
    assert_int_equal(b.fixed_range, 1); /* the constructor: the range given, nothing highlighted, vertical */
    assert_int_equal(b.highlight, -1);
    assert_int_equal(b.horizontal, 0);
    SDL_Rect r = {0, 0, 400, 300};
    ui_begin_frame(&ui, 150, 150, 0); /* second of four columns of 100 px */
    assert_int_equal(ui_bars(&ui, r, &b), 1);
    assert_true(ui.hover.value == (double)0.6f);
    assert_non_null(strstr(ui.hover.label, "hund"));
    float ys[5] = {0, 1, 0, -1, 0};
    ui_plot_spec p = ui_plot_line(NULL, 5, ys, "sin");
    assert_int_equal(p.n_series, 1); /* the constructor: one series, no marked sample */
    assert_int_equal(p.highlight_x, -1);
    assert_ptr_equal(p.ys[0], ys);
    ui_begin_frame(&ui, 200, 150, 0);
    int i = ui_plot(&ui, (SDL_Rect){0, 0, 400, 300}, &p);
    assert_true(i >= 0 && i < 5);
    assert_true(ui.hover.value == (double)ys[i]);
}

static void test_registry(void **st)
{
    (void)st;
    assert_true(lesson_registry_count >= 2);
    int t = lesson_find("tokens"), pe = lesson_find("positional-encoding");
    assert_true(t >= 0 && pe >= 0);
    assert_int_equal(lesson_number(t), 1);
    assert_int_equal(lesson_number(pe), 3);
    assert_int_equal(lesson_find("3"), pe);
    assert_int_equal(lesson_find("1"), t);
    assert_int_equal(lesson_find("no-such-lesson"), -1);
    assert_int_equal(lesson_find("99"), -1);
    assert_int_equal(lesson_find(""), -1);
    for (int i = 0; i < lesson_registry_count; i++) {
        assert_non_null(lesson_registry[i]->slug);
        assert_non_null(lesson_registry[i]->title);
        assert_non_null(lesson_registry[i]->draw);
        for (int j = 0; j < i; j++) assert_true(strcmp(lesson_registry[i]->slug, lesson_registry[j]->slug) != 0);
    }
}

/* ui_fill_except over a pattern of overlapping, touching, out-of-bounds and empty holes: each pixel of the
 * surface is the fill colour exactly when it lies in outer and in no hole (checked pixel by pixel). */
static void test_fill_except(void **st)
{
    (void)st;
    const SDL_Rect outer = {20, 10, 700, 500};
    const SDL_Rect holes[6] = {{0, 0, 800, 60},    /* a top bar wider than outer */
                               {20, 60, 200, 450}, /* a sidebar touching it */
                               {220, 400, 500, 110}, /* a bottom panel beside the sidebar */
                               {300, 100, 50, 50}, {320, 120, 60, 60}, /* two overlapping */
                               {500, 200, 0, 40}}; /* empty */
    SDL_FillRect(surf, NULL, SDL_MapRGB(surf->format, 0, 0, 0));
    ui_fill_except(&ui, outer, holes, 6, (SDL_Color){10, 200, 30, 255});
    SDL_RenderPresent(ren);
    const Uint32 green = SDL_MapRGB(surf->format, 10, 200, 30);
    long bad = 0;
    for (int y = 0; y < surf->h; y++)
        for (int x = 0; x < surf->w; x++) {
            const SDL_Point p = {x, y};
            int want = SDL_PointInRect(&p, &outer);
            for (int i = 0; i < 6; i++) want = want && !SDL_PointInRect(&p, &holes[i]);
            const Uint32 px = ((const Uint32 *)((const Uint8 *)surf->pixels + (size_t)y * surf->pitch))[x];
            bad += (px == green) != want;
        }
    assert_int_equal(bad, 0);
}

TEST_MAIN(ui_setup, ui_teardown,
          cmocka_unit_test(test_fill_except),
          cmocka_unit_test(test_text_cache),
          cmocka_unit_test(test_wrap_and_utf8),
          cmocka_unit_test(test_split_prose),
          cmocka_unit_test(test_heatmap_hover),
          cmocka_unit_test(test_bars_and_plot_hover),
          cmocka_unit_test(test_registry))
