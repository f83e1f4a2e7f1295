/* test_ui_audit.c - the layout audit's record (app/ui/ui_audit.c) on texts
 * placed by hand on an 800x600 software surface: two labels drawn apart are
 * no overlap, the same two moved one glyph into each other are; stacked lines
 * at the font's line skip are not (the ink box, not the texture box, counts);
 * a label past the window's edge, past the clip rect in force or past its
 * pushed container is clipped; ui_text_fit shrinks a label to the legal size
 * before it shortens it, and a shortening that a window-wide line would have
 * avoided is clipped; wrapped lines that do not fit their box are clipped,
 * unless the text scrolls; rotated labels get their turned box; a grid of 31
 * rows a little over or under half a line tall keeps its thinned row labels
 * (the last one included) inside its rect, at every height from 200 to 560 px.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ui.h"
#include "ui_grid.h"
#include "ui_fixture.h"
#include "test_util.h"

static SDL_Surface *surf;
static SDL_Renderer *ren;
static ui_ctx ui;
static ui_audit *au;
static const SDL_Color white = {255, 255, 255, 255};

static int setup(void **st)
{
    (void)st;
    if (ui_fixture_open(&surf, &ren, &ui, 800, 600, "dark") != 0) return -1;
    au = ui_audit_new();
    ui.audit = au;
    return au ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    ui.audit = NULL;
    ui_audit_free(au);
    ui_fixture_close(&surf, &ren, &ui);
    TTF_Quit();
    return 0;
}

static void begin(void) { ui_begin_frame(&ui, -1, -1, 0); ui_audit_begin(au, 800, 600); }

/* The audit's overlap i is between the texts want_a and want_b (in that order). */
static void overlap_is(int i, const char *want_a, const char *want_b)
{
    const char *a, *b;
    ui_audit_overlap(au, i, &a, &b);
    assert_string_equal(a, want_a);
    assert_string_equal(b, want_b);
}

static void test_overlaps(void **st)
{
    (void)st;
    begin();
    int w = ui_text(&ui, UI_SANS, UI_SIZE_BODY, 100, 100, white, UI_LEFT, "query");
    ui_text(&ui, UI_SANS, UI_SIZE_BODY, 100 + w + 4, 100, white, UI_LEFT, "key");
    int lh = ui_line_height(&ui, UI_SANS, UI_SIZE_BODY);
    ui_text(&ui, UI_SANS, UI_SIZE_BODY, 100, 100 + lh, white, UI_LEFT, "gyp below"); /* descenders above, caps below */
    ui_text(&ui, UI_SANS, UI_SIZE_BODY, 100, 100 + 2 * lh, white, UI_LEFT, "Tall Hat");
    int fh = 0;
    ui_text_size(&ui, UI_SANS, UI_SIZE_BODY, "ace", NULL, &fh);
    ui_text(&ui, UI_SANS, UI_SIZE_BODY, 400, 100, white, UI_LEFT, "ace");         /* x-height letters only: */
    ui_text(&ui, UI_SANS, UI_SIZE_BODY, 400, 100 + fh * 7 / 10, white, UI_LEFT, "sum"); /* line boxes meet, ink does not */
    assert_int_equal(ui_audit_finish(au), 0);
    assert_int_equal(ui_audit_texts(au), 6);
    assert_int_equal(ui_audit_overlaps(au), 0);
    assert_int_equal(ui_audit_clipped(au), 0);

    begin();
    w = ui_text(&ui, UI_SANS, UI_SIZE_BODY, 100, 100, white, UI_LEFT, "query");
    ui_text(&ui, UI_SANS, UI_SIZE_BODY, 100 + w - ui_px(&ui, 6), 100, white, UI_LEFT, "key");
    ui_text(&ui, UI_SANS, UI_SIZE_BODY, 100, 100, white, UI_LEFT, "query"); /* the same again: one text, not a pair */
    assert_int_equal(ui_audit_finish(au), 0);
    assert_int_equal(ui_audit_overlaps(au), 2);
    overlap_is(0, "query", "key");
}

static void test_clipped(void **st)
{
    (void)st;
    begin();
    ui_text(&ui, UI_SANS, UI_SIZE_BODY, 790, 100, white, UI_LEFT, "off the window");
    SDL_Rect clip = {0, 0, 300, 300};
    SDL_RenderSetClipRect(ren, &clip);
    ui_text(&ui, UI_SANS, UI_SIZE_BODY, 280, 10, white, UI_LEFT, "past the clip");
    ui_text(&ui, UI_SANS, UI_SIZE_BODY, 10, 10, white, UI_LEFT, "inside");
    SDL_RenderSetClipRect(ren, NULL);
    ui_container_push(&ui, (SDL_Rect){400, 400, 40, 30});
    ui_text(&ui, UI_MONO, UI_SIZE_SMALL, 420, 415, white, UI_CENTER | UI_MIDDLE, "-0.123456");
    ui_text(&ui, UI_MONO, UI_SIZE_SMALL, 420, 415, white, UI_CENTER | UI_MIDDLE, "7");
    ui_container_pop(&ui);
    assert_int_equal(ui_audit_finish(au), 0);
    assert_int_equal(ui_audit_clipped(au), 3);
    assert_string_equal(ui_audit_clip(au, 0), "off the window");
    assert_string_equal(ui_audit_clip(au, 1), "past the clip");
    assert_string_equal(ui_audit_clip(au, 2), "-0.123456");
    assert_int_equal(ui_audit_overlaps(au), 1); /* "7" is drawn over the number */
}

static void test_fit_and_wrap(void **st)
{
    (void)st;
    begin();
    const char *s = "Scaled dot-product attention";
    int full = 0, legal = 0;
    ui_text_size(&ui, UI_SANS, UI_SIZE_BODY, s, &full, NULL);
    ui_text_size(&ui, UI_SANS, UI_SIZE_LEGAL, s, &legal, NULL);
    assert_true(legal < full);
    int w = ui_text_fit(&ui, UI_SANS, UI_SIZE_BODY, 10, 10, legal + 1, white, UI_LEFT, s); /* shrunk, whole */
    assert_true(w <= legal + 1 && w >= legal - 2);
    ui_text_fit(&ui, UI_SANS, UI_SIZE_BODY, 10, 60, legal / 2, white, UI_LEFT, s);        /* shortened: a cut */
    assert_int_equal(ui_audit_finish(au), 0);
    assert_int_equal(ui_audit_clipped(au), 1);
    assert_string_equal(ui_audit_clip(au, 0), s); /* the whole text is named */

    begin();
    SDL_Rect box = {10, 200, 200, ui_line_height(&ui, UI_SANS, UI_SIZE_BODY) * 2};
    ui_text_wrap(&ui, UI_SANS, UI_SIZE_BODY, box, 0, white, "one two three four five six seven eight nine ten eleven");
    assert_int_equal(ui_audit_finish(au), 0);
    int cut = ui_audit_clipped(au);
    assert_true(cut >= 1);
    begin();
    ui.scrolled = 1;
    ui_text_wrap(&ui, UI_SANS, UI_SIZE_BODY, box, 0, white, "one two three four five six seven eight nine ten eleven");
    ui.scrolled = 0;
    assert_int_equal(ui_audit_finish(au), 0);
    assert_int_equal(ui_audit_clipped(au), 0);
    assert_int_equal(ui_audit_texts(au), 2);
}

static void test_rotated(void **st)
{
    (void)st;
    begin();
    int len = ui_text_rotated(&ui, UI_SANS, UI_SIZE_SMALL, 100, 50, white, "column");
    int lh = ui_line_height(&ui, UI_SANS, UI_SIZE_SMALL);
    ui_text(&ui, UI_SANS, UI_SIZE_SMALL, 100 - lh / 2, 50 + len / 2, white, UI_CENTER | UI_MIDDLE, "X"); /* on it */
    ui_text(&ui, UI_SANS, UI_SIZE_SMALL, 100 + 10, 50 + len / 2, white, UI_LEFT | UI_MIDDLE, "beside");   /* right of it */
    ui_text(&ui, UI_SANS, UI_SIZE_SMALL, 100 - lh / 2, 50 + len + 6, white, UI_CENTER | UI_TOP, "under");  /* below its start */
    assert_int_equal(ui_audit_finish(au), 0);
    assert_int_equal(ui_audit_overlaps(au), 1);
    overlap_is(0, "column", "X");
    ui_text_rotated(&ui, UI_SANS, UI_SIZE_SMALL, 100, 590, white, "column"); /* runs off the bottom */
    assert_int_equal(ui_audit_finish(au), 0);
    assert_int_equal(ui_audit_clipped(au), 1);
}

/* lesson 6 step 1's enlarged map on a 4K slide: 31 rows, every 2nd labelled, the last ('<eos>') centred on the
 * last row reached below the grid's rect when rows were just over half a line */
static void test_grid_row_labels(void **st)
{
    (void)st;
    static float data[31 * 31];
    static const char *labels[31];
    for (int i = 0; i < 31; i++) labels[i] = i == 30 ? "gyp<eos>" : (i % 2 ? "big" : "the"); /* descenders: the ink reaches the line's foot */
    int lh = ui_line_height(&ui, UI_SANS, UI_SIZE_SMALL), labelled_last = 0;
    for (int h = 200; h <= 560; h++) {
        ui_grid_spec s = ui_grid_matrix(data, 31, 31, "w");
        s.row_labels = s.col_labels = labels;
        s.square = 1;
        s.no_hover = 1;
        SDL_Rect r = {20, 10, 780, h};
        ui_grid_geom g;
        ui_grid_layout(&ui, r, &s, &g);
        assert_true(g.cells.y + g.cells.h <= r.y + r.h);
        begin();
        ui_container_push(&ui, r);
        ui_grid_draw(&ui, r, &s, NULL);
        ui_container_pop(&ui);
        assert_int_equal(ui_audit_finish(au), 0);
        if (ui_audit_clipped(au)) fail_msg("h = %d: '%s' is cut (rows %d px, a line %d px)", h, ui_audit_clip(au, 0), g.ch, lh);
        assert_int_equal(ui_audit_overlaps(au), 0);
        labelled_last += g.rthin == 2 && g.cells.y + 30 * g.ch + g.ch / 2 <= g.label_bottom - (lh + 1) / 2;
    }
    assert_true(labelled_last > 0); /* the rows got shorter for '<eos>' at some heights, rather than losing it */
}

TEST_MAIN(setup, teardown,
          cmocka_unit_test(test_overlaps),
          cmocka_unit_test(test_clipped),
          cmocka_unit_test(test_fit_and_wrap),
          cmocka_unit_test(test_rotated),
          cmocka_unit_test(test_grid_row_labels))
