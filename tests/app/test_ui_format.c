/* test_ui_format.c - number formatting of tooltips, dumps and every drawn number (ui_fmt, ui_fmts)
 * (ui_format_value: six significant digits, exact "0", "−∞"), and the
 * heatmap's fractional cell sizes: a 256-column map fills its width (not
 * 256 x floor(w / 256)), a small map is not shrunk, and hovering every cell
 * edge reports exactly the cell drawn there.
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

#include "ui.h"
#include "ui_fixture.h"
#include "test_util.h"

static void fmt(double v, const char *want)
{
    char b[64], what[64];
    ui_format_value(v, b, sizeof b);
    snprintf(what, sizeof what, "ui_format_value(%.17g)", v);
    assert_false(test_str_differs(what, b, want));
}

static void test_format_value(void **st)
{
    (void)st;
    fmt(0.0, "0");
    fmt(-0.0, "0");
    fmt(0.5, "0.5");
    fmt(-0.5, "\xE2\x88\x92" "0.5");                         /* a true minus */
    fmt(0.071081, "0.071081");
    fmt(0.0710814, "0.0710814");
    fmt(2.5e-7, "2.5\xC3\x97" "10\xE2\x81\xBB\xE2\x81\xB7");  /* 2.5×10⁻⁷ */
    fmt(1.23456789e-5, "1.23457\xC3\x97" "10\xE2\x81\xBB\xE2\x81\xB5"); /* tiny weights keep their digits */
    fmt(0.000504454307, "5.04454\xC3\x97" "10\xE2\x81\xBB\xE2\x81\xB4");
    fmt(0.00504454307, "0.00504454");
    fmt(-0.0048, "\xE2\x88\x92" "0.0048");
    fmt(1234567.0, "1.23457\xC3\x97" "10\xE2\x81\xB6");
    fmt(12345.0, "12345");
    fmt(8.0, "8");
    fmt(-INFINITY, "\xE2\x88\x92\xE2\x88\x9E");
    fmt(INFINITY, "+\xE2\x88\x9E");
    fmt(NAN, "NaN");
}

/* ui_fmt at the few digits charts use: one form for small numbers (no mix of
 * "0.00021" and "5.3e-05"), ticks without trailing zeros. */
static void fmt_sig(double v, int sig, const char *want)
{
    char b[64], what[64];
    ui_fmt(v, sig, b, sizeof b);
    snprintf(what, sizeof what, "ui_fmt(%.17g, %d)", v, sig);
    assert_false(test_str_differs(what, b, want));
}

static void test_fmt_sig(void **st)
{
    (void)st;
    fmt_sig(0.00021, 2, "2.1\xC3\x97" "10\xE2\x81\xBB\xE2\x81\xB4");
    fmt_sig(5.3e-05, 2, "5.3\xC3\x97" "10\xE2\x81\xBB\xE2\x81\xB5");
    fmt_sig(0.0021, 2, "0.0021");
    fmt_sig(0.000999, 2, "0.001");              /* rounding moves it into the decimal range */
    fmt_sig(1.4378, 3, "1.44");
    fmt_sig(-3.0301, 3, "\xE2\x88\x92" "3.03");
    fmt_sig(0.40, 3, "0.4");
    fmt_sig(768.0, 3, "768");
    fmt_sig(1024.0, 3, "1024");
    fmt_sig(99999.7, 3, "1\xC3\x97" "10\xE2\x81\xB5");
    fmt_sig(1.0, 3, "1");
    fmt_sig(-INFINITY, 3, "\xE2\x88\x92\xE2\x88\x9E");   /* a masked score: −∞ */
    fmt_sig(-2.5e-5, 2, "\xE2\x88\x92" "2.5\xC3\x97" "10\xE2\x81\xBB\xE2\x81\xB5"); /* −2.5×10⁻⁵, never "-2.5e-05" */
    fmt_sig(-7.0, 3, "\xE2\x88\x92" "7");                    /* U+2212, not '-' */
    fmt_sig(0.0001, 1, "1\xC3\x97" "10\xE2\x81\xBB\xE2\x81\xB4");
    fmt_sig(0.8, 3, "0.8");                                  /* a dropout p: "0.8", not "0.800000011920929" */
    fmt_sig(0.8f, 3, "0.8");
}

/* ui_fmts: the same text, in the caller's buffer, for printf arguments (lessons print several
 * numbers in one line: each has its own ui_num). */
static void test_fmts(void **st)
{
    (void)st;
    ui_num a, b;
    char want[48];
    const char *s = ui_fmts(&a, -0.000123456, 3), *t = ui_fmts(&b, 8.0, 4);
    assert_ptr_equal(s, a.s);
    ui_fmt(-0.000123456, 3, want, sizeof want);
    assert_string_equal(s, want);
    assert_string_equal(s, "\xE2\x88\x92" "1.23\xC3\x97" "10\xE2\x81\xBB\xE2\x81\xB4");
    assert_string_equal(t, "8");
    char line[96];
    snprintf(line, sizeof line, "loss %s, lr %s", ui_fmts(&a, 1.23456, 4), ui_fmts(&b, 7.0e-4, 3));
    assert_string_equal(line, "loss 1.235, lr 7\xC3\x97" "10\xE2\x81\xBB\xE2\x81\xB4");
}

static void test_format_small_buffer(void **st)
{
    (void)st;
    char small[4];
    ui_format_value(1.23456789, small, sizeof small); /* truncated, still terminated */
    assert_int_equal((int)strlen(small), 3);
}

UI_FIXTURE(1200, 600, "dark")

/* For a rows x cols map drawn in r: every cell must be hit-tested as itself at
 * its first and last pixel column/row, and the cells must cover the grid. */
static void check_map(int rows, int cols, SDL_Rect r, int *cells_w)
{
    float *d = malloc(sizeof *d * (size_t)rows * (size_t)cols);
    assert_non_null(d);
    for (int i = 0; i < rows * cols; i++) d[i] = (float)i;
    ui_heatmap_spec s = ui_heatmap_matrix(d, rows, cols, UI_CMAP_VIRIDIS, "M");
    ui_heatmap_out out;
    ui_begin_frame(&ui, -1, -1, 0);
    ui_heatmap(&ui, r, &s, &out);
    *cells_w = out.cells.w;
    int y = out.cells.y + out.cells.h / (2 * rows);
    int prev_c = -1, prev_right = out.cells.x;
    for (int x = out.cells.x; x < out.cells.x + out.cells.w; x++) {
        ui_begin_frame(&ui, x, y, 0);
        ui_heatmap_out o2;
        assert_int_equal(ui_heatmap(&ui, r, &s, &o2), 1);
        int c = o2.hover_col;
        assert_true(c == prev_c || c == prev_c + 1);  /* columns in order, none skipped */
        assert_true(ui_point_in(ui.hover.anchor, x, y)); /* the highlighted cell is under the mouse */
        assert_true(ui.hover.value == d[o2.hover_row * cols + c]);
        if (c != prev_c) { assert_int_equal(ui.hover.anchor.x, prev_right); prev_right = ui.hover.anchor.x + ui.hover.anchor.w; }
        prev_c = c;
    }
    assert_int_equal(prev_c, cols - 1);
    assert_int_equal(prev_right, out.cells.x + out.cells.w);
    free(d);
}

static void test_heatmap_fractional(void **st)
{
    (void)st;
    int w;
    /* 256 columns in ~1050 px (1150 less the labels and the colour bar): whole-pixel cells would use 256 * 4 = 1024 */
    check_map(3, 256, (SDL_Rect){10, 10, 1150, 200}, &w);
    fprintf(stderr, "256 columns: %d px\n", w);
    assert_true(w > 1040);
    /* 7 columns in 380 px: close to the full width (less labels and colour bar), not 7 * floor */
    check_map(2, 7, (SDL_Rect){10, 300, 380, 120}, &w);
    fprintf(stderr, "7 columns: %d px\n", w);
    assert_true(w >= 285);
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_format_value),
          cmocka_unit_test(test_fmt_sig),
          cmocka_unit_test(test_fmts),
          cmocka_unit_test(test_format_small_buffer),
          cmocka_unit_test_setup_teardown(test_heatmap_fractional, ui_setup, ui_teardown))
