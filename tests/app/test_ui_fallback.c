/* test_ui_fallback.c - text the face (DejaVu) has no glyph for, such as
 * Chinese or emoji, is drawn with a fallback font (WenQuanYi Micro Hei for
 * CJK, Symbola for emoji) instead of boxes: two different characters must draw
 * differently (DejaVu's boxes are all the same), a mixed string measures as the
 * sum of its runs, pure ASCII is untouched, and with the fallback files missing
 * the app still draws (boxes) and says so in ui.fb_missing; a fallback file that
 * appears later (the web page's late block) is used after ui_cache_clear.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL_ttf.h>

#include "ui.h"
#include "ui_fixture.h"

static SDL_Surface *surf;
static SDL_Renderer *ren;
static ui_ctx ui;
static char fonts[1024];

static int setup(void **st)
{
    (void)st;
    snprintf(fonts, sizeof fonts, "%s/fonts", ui_fixture_assets());
    return ui_fixture_open(&surf, &ren, &ui, 400, 100, "light");
}

static int teardown(void **st)
{
    (void)st;
    ui_fixture_close(&surf, &ren, &ui);
    return 0;
}

/* Draws s alone on a white surface and returns a hash of the pixels. */
static uint64_t draw_hash(const char *s)
{
    SDL_SetRenderDrawColor(ren, 255, 255, 255, 255);
    SDL_RenderClear(ren);
    ui_text(&ui, UI_SANS, UI_SIZE_LARGE, 10, 10, (SDL_Color){0, 0, 0, 255}, UI_LEFT, s);
    SDL_RenderPresent(ren);
    uint64_t h = 1469598103934665603ULL;
    long dark = 0;
    for (int y = 0; y < surf->h; y++) {
        const Uint32 *row = (const Uint32 *)((const Uint8 *)surf->pixels + (size_t)y * (size_t)surf->pitch);
        for (int x = 0; x < surf->w; x++) {
            h = (h ^ row[x]) * 1099511628211ULL;
            dark += (row[x] & 0xFF) < 128;
        }
    }
    assert_true(dark > 10); /* something was drawn */
    return h;
}

/* Fallback k (file) draws glyphs a and b (both missing from DejaVu): they draw
 * differently (DejaVu's boxes are all alike), and the width of "ab" + a is the
 * sum of its runs, a's width being the fallback font's own. */
static void expect_fallback(int k, const char *file, const char *a, const char *b)
{
    assert_true(draw_hash(a) != draw_hash(b));
    assert_int_equal(ui.fb_missing[k], 0);
    assert_true(ui.n_fb[k] >= 1);
    char mixed[64];
    snprintf(mixed, sizeof mixed, "ab%s", a);
    int w_mixed = 0, w_ab = 0, w_a = 0;
    ui_text_size(&ui, UI_SANS, UI_SIZE_BODY, mixed, &w_mixed, NULL);
    ui_text_size(&ui, UI_SANS, UI_SIZE_BODY, "ab", &w_ab, NULL);
    ui_text_size(&ui, UI_SANS, UI_SIZE_BODY, a, &w_a, NULL);
    assert_int_equal(w_mixed, w_ab + w_a);
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", fonts, file);
    TTF_Font *fb = TTF_OpenFont(path, ui_px(&ui, UI_SIZE_BODY));
    assert_non_null(fb);
    int want = 0;
    TTF_SizeUTF8(fb, a, &want, NULL);
    TTF_CloseFont(fb);
    assert_int_equal(w_a, want);
}

static void test_cjk_drawn_with_fallback(void **st)
{
    (void)st;
    expect_fallback(0, "wqy-microhei.ttc", "\xE4\xBD\xA0", "\xE5\xA5\xBD"); /* 你, 好 */
}

static void test_ascii_and_latin_untouched(void **st)
{
    (void)st;
    int n_fb0 = ui.n_fb[0], n_fb1 = ui.n_fb[1];
    draw_hash("the dog sees the cat");
    draw_hash("\xC3\xA4pfel \xC3\x9F \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D"); /* äpfel ß שלום: all in DejaVu */
    assert_int_equal(ui.n_fb[0], n_fb0); /* the fallbacks were not even opened for them */
    assert_int_equal(ui.n_fb[1], n_fb1);
}

static void test_emoji_drawn_with_symbola(void **st)
{
    (void)st;
    /* neither DejaVu nor WenQuanYi has them: Symbola (the second fallback) draws them */
    expect_fallback(1, "Symbola.ttf", "\xF0\x9F\x8E\x89", "\xF0\x9F\x91\x8D"); /* 🎉, 👍 (DejaVu has 😀 itself) */
}

static void test_fallback_missing(void **st)
{
    (void)st;
    /* a font folder with the three DejaVu files but no fallback: text still draws (boxes) */
    char dir[] = "/tmp/tlab-test-fonts-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *files[] = {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf"};
    for (int i = 0; i < 3; i++) {
        char from[1200], to[1200];
        snprintf(from, sizeof from, "%s/%s", fonts, files[i]);
        snprintf(to, sizeof to, "%s/%s", dir, files[i]);
        assert_int_equal(symlink(from, to), 0);
    }
    ui_free(&ui);
    char err[512];
    assert_int_equal(ui_init(&ui, ren, dir, ui_theme_get("light"), err, sizeof err), 0);
    uint64_t a = draw_hash("\xE4\xBD\xA0"), b = draw_hash("\xE5\xA5\xBD");
    assert_true(a == b); /* the same box twice */
    assert_int_equal(ui.fb_missing[0], 1);
    assert_true(draw_hash("\xF0\x9F\x8E\x89") == draw_hash("\xF0\x9F\x91\x8D")); /* emoji: boxes too */
    assert_int_equal(ui.fb_missing[1], 1);
    int w = 0;
    ui_text_size(&ui, UI_SANS, UI_SIZE_BODY, "a\xE4\xBD\xA0", &w, NULL);
    assert_true(w > 0);
    /* the web page's late block: the file arrives after a miss; ui_cache_clear retries it */
    char from[1200], to[1200];
    snprintf(from, sizeof from, "%s/wqy-microhei.ttc", fonts);
    snprintf(to, sizeof to, "%s/wqy-microhei.ttc", dir);
    assert_int_equal(symlink(from, to), 0);
    assert_true(draw_hash("\xE4\xBD\xA0") == a); /* still the box: a miss is remembered until told */
    ui_cache_clear(&ui);
    assert_int_equal(ui.fb_missing[0], 0);
    assert_true(draw_hash("\xE4\xBD\xA0") != draw_hash("\xE5\xA5\xBD")); /* 你 and 好 now drawn */
    assert_int_equal(ui.fb_missing[0], 0);
    assert_true(ui.n_fb[0] >= 1);
    unlink(to);
    for (int i = 0; i < 3; i++) {
        snprintf(to, sizeof to, "%s/%s", dir, files[i]);
        unlink(to);
    }
    rmdir(dir);
}

int main(void)
{
    if (SDL_Init(0) != 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cjk_drawn_with_fallback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ascii_and_latin_untouched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_emoji_drawn_with_symbola, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fallback_missing, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    TTF_Quit();
    SDL_Quit();
    return rc;
}
