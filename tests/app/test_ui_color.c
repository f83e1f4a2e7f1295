/* test_ui_color.c - colour maps and colour helpers of the toolkit: the
 * viridis and RdBu endpoints from their published tables, lightness rising
 * monotonically along viridis, the diverging map centred at 0 and symmetric
 * in lightness, clamping, and readable text colours.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "ui.h"
#include "test_util.h"

static void expect_rgb(SDL_Color c, int r, int g, int b)
{
    assert_int_equal(c.r, r);
    assert_int_equal(c.g, g);
    assert_int_equal(c.b, b);
    assert_int_equal(c.a, 255);
}

static void test_viridis_endpoints(void **st)
{
    (void)st;
    expect_rgb(ui_viridis(0.0f), 0x44, 0x01, 0x54);
    expect_rgb(ui_viridis(1.0f), 0xfd, 0xe7, 0x25);
    expect_rgb(ui_viridis(0.5f), 0x21, 0x91, 0x8c);
    /* clamped outside [0,1], NaN gives the low end */
    expect_rgb(ui_viridis(-3.0f), 0x44, 0x01, 0x54);
    expect_rgb(ui_viridis(7.0f), 0xfd, 0xe7, 0x25);
    expect_rgb(ui_viridis(NAN), 0x44, 0x01, 0x54);
}

static void test_viridis_lightness_monotone(void **st)
{
    (void)st;
    float prev = -1.0f;
    for (int i = 0; i <= 200; i++) {
        float l = ui_luminance(ui_viridis((float)i / 200.0f));
        assert_true(l >= prev - 1e-4f);
        prev = l;
    }
    assert_true(ui_luminance(ui_viridis(1.0f)) - ui_luminance(ui_viridis(0.0f)) > 0.6f);
}

static void test_diverging(void **st)
{
    (void)st;
    expect_rgb(ui_diverging(-1.0f), 0x05, 0x30, 0x61);
    expect_rgb(ui_diverging(1.0f), 0x67, 0x00, 0x1f);
    expect_rgb(ui_diverging(0.0f), 0xf7, 0xf7, 0xf7);
    /* blue side is blue, red side is red */
    SDL_Color n = ui_diverging(-0.6f), p = ui_diverging(0.6f);
    assert_true(n.b > n.r);
    assert_true(p.r > p.b);
    /* lightness falls away from 0 on both sides */
    float l0 = ui_luminance(ui_diverging(0.0f));
    for (int i = 1; i <= 10; i++) {
        float t = (float)i / 10.0f;
        assert_true(ui_luminance(ui_diverging(t)) < l0);
        assert_true(ui_luminance(ui_diverging(-t)) < l0);
    }
    /* the value map centres 0 whatever the range */
    expect_rgb(ui_cmap_color(UI_CMAP_DIVERGING, 0.0f, -3.0f, 10.0f), 0xf7, 0xf7, 0xf7);
    expect_rgb(ui_cmap_color(UI_CMAP_DIVERGING, 10.0f, -3.0f, 10.0f), 0x67, 0x00, 0x1f);
    expect_rgb(ui_cmap_color(UI_CMAP_VIRIDIS, 5.0f, 5.0f, 6.0f), 0x44, 0x01, 0x54);
    expect_rgb(ui_cmap_color(UI_CMAP_VIRIDIS, 6.0f, 5.0f, 6.0f), 0xfd, 0xe7, 0x25);
}

static void test_helpers(void **st)
{
    (void)st;
    SDL_Color black = {0, 0, 0, 255}, white = {255, 255, 255, 255};
    expect_rgb(ui_text_on(white), 0, 0, 0);
    expect_rgb(ui_text_on(black), 255, 255, 255);
    expect_rgb(ui_text_on(ui_viridis(0.0f)), 255, 255, 255);
    expect_rgb(ui_text_on(ui_viridis(1.0f)), 0, 0, 0);
    SDL_Color m = ui_color_lerp(black, white, 0.5f);
    assert_int_equal(m.r, 128);
    assert_float_equal(ui_smoothstep(0.0f), 0.0f, 1e-6);
    assert_float_equal(ui_smoothstep(0.5f), 0.5f, 1e-6);
    assert_float_equal(ui_smoothstep(1.0f), 1.0f, 1e-6);
    assert_float_equal(ui_smoothstep(2.0f), 1.0f, 1e-6);
    assert_float_equal(ui_smoothstep(0.25f), 0.15625f, 1e-6);
    assert_non_null(ui_theme_get("dark"));
    assert_non_null(ui_theme_get("light"));
    assert_null(ui_theme_get("pink"));
    assert_ptr_equal(ui_theme_next(ui_theme_get("dark")), ui_theme_get("light"));
    assert_ptr_equal(ui_theme_next(ui_theme_get("light")), ui_theme_get("dark"));
    /* light theme is high contrast: black text on white */
    assert_true(ui_luminance(ui_theme_get("light")->bg) > 0.9f);
    assert_true(ui_luminance(ui_theme_get("light")->text) < 0.01f);
}

static void test_camera(void **st)
{
    (void)st;
    ui_camera c;
    ui_camera_init(&c);
    c.yaw = 0.0f;
    c.pitch = 0.0f;
    SDL_Rect view = {0, 0, 200, 100};
    float origin[3] = {0, 0, 0}, up[3] = {0, 0.5f, 0}, x, y, d;
    assert_int_equal(ui_camera_project(&c, view, origin, &x, &y, &d), 1);
    assert_float_equal(x, 100.0f, 1e-3);
    assert_float_equal(y, 50.0f, 1e-3);
    assert_int_equal(ui_camera_project(&c, view, up, &x, &y, &d), 1);
    assert_true(y < 50.0f); /* up on screen */
    float yaw = c.yaw;
    ui_camera_drag(&c, 100.0f, 0.0f);
    assert_true(c.yaw > yaw);
    ui_camera_drag(&c, 0.0f, 1e6f);
    assert_true(c.pitch <= 1.5f);
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_viridis_endpoints),
          cmocka_unit_test(test_viridis_lightness_monotone),
          cmocka_unit_test(test_diverging),
          cmocka_unit_test(test_helpers),
          cmocka_unit_test(test_camera))
