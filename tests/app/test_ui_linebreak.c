/* test_ui_linebreak.c - where prose may break (ui_break_next, used by
 * ui_text_wrap): before spaces in English; between any two Han characters in
 * Chinese, but never before ，。、；：？！）」』》 nor after （「『《, and never
 * inside a Latin word or a number set in Chinese. Each case is a hand-made
 * string with its breaks marked "|"; then a Chinese paragraph without a
 * single space wraps into several lines (before this it was one long word).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ui.h"
#include "test_util.h"
#include "ui_fixture.h"

/* s with "|" at every break ui_break_next finds (the end of the text is no break). */
static void marked(const char *s, char *out, size_t cap)
{
    int n = (int)strlen(s), p = 0;
    size_t o = 0;
    while (p < n) {
        int q = ui_break_next(s, p, n);
        assert_true(q > p); /* always moves */
        assert_true(q <= n);
        if (o + (size_t)(q - p) + 2 >= cap) fail_msg("marked: out buffer too small");
        memcpy(out + o, s + p, (size_t)(q - p));
        o += (size_t)(q - p);
        if (q < n) out[o++] = '|';
        p = q;
    }
    out[o] = 0;
}

static void check(const char *s, const char *want)
{
    char got[512];
    marked(s, got, sizeof got);
    assert_false(test_str_differs(s, got, want));
}

static void test_english_breaks_before_spaces(void **st)
{
    (void)st;
    check("the dog sees the cat", "the| dog| sees| the| cat");
    check("softmax(A, dim=-1) by row.", "softmax(A,| dim=-1)| by| row.");
    check("word", "word");
    check("  lead", "  lead");
}

static void test_between_han_characters(void **st)
{
    (void)st;
    check("注意力权重", "注|意|力|权|重");
    check("编码器 解码器", "编|码|器| 解|码|器");
}

static void test_closing_marks_never_start_a_line(void **st)
{
    (void)st;
    check("我们，你们。好", "我|们，|你|们。|好");
    check("是吗？是！对；行：嗯、好", "是|吗？|是！|对；|行：|嗯、|好");
    check("词（嵌入）层", "词|（嵌|入）|层");
    check("「缩放」『点积』《论文》", "「缩|放」|『点|积』|《论|文》");
    check("中文,英文.", "中|文,|英|文.");
    check("等等……", "等|等……");
}

static void test_opening_marks_never_end_a_line(void **st)
{
    (void)st;
    check("见（图）", "见|（图）");
    check("即「掩码」", "即|「掩|码」");
    check("《注意力》", "《注|意|力》");
}

static void test_latin_and_numbers_inside_chinese_stay_whole(void **st)
{
    (void)st;
    check("维度d_k为64时", "维|度|d_k|为|64|时");
    check("用Q和K算", "用|Q|和|K|算");
    check("softmax(A,dim=0)按列", "softmax(A,dim=0)|按|列");
    check("除以√d_k，", "除|以|√d_k，");
    check("乘 W_O 得到", "乘| W_O| 得|到");
    check("共512维", "共|512|维");
}

static void test_bounds(void **st)
{
    (void)st;
    const char *s = "中文";
    assert_int_equal(ui_break_next(s, 6, 6), 6);
    assert_int_equal(ui_break_next(s, 3, 3), 3);
    assert_int_equal(ui_break_next(s, 0, 3), 3); /* a cut end is the end */
    assert_int_equal(ui_break_next(NULL, 0, 5), 5);
    assert_int_equal(ui_break_next("   ", 0, 3), 3);
    const char bad[] = "\xff\xfe\xe4\xb8"; /* bad bytes and a cut sequence: one step each, no read past end */
    char got[64];
    marked(bad, got, sizeof got);
    assert_string_equal(got, bad);
}

/* A spaceless Chinese paragraph in a narrow box: several lines, none wider than the box. */
static void test_wrap_chinese_paragraph(void **st)
{
    (void)st;
    SDL_Surface *surf = NULL;
    SDL_Renderer *ren = NULL;
    ui_ctx ui;
    assert_int_equal(ui_fixture_open(&surf, &ren, &ui, 400, 400, "light"), 0);
    const char *p = "注意力把每个词和句子里的所有词都比较一遍，得到一组权重，再用这组权重把值向量加起来。";
    int lh = ui_line_height(&ui, UI_SANS, UI_SIZE_BODY);
    int h = ui_text_wrap(&ui, UI_SANS, UI_SIZE_BODY, (SDL_Rect){0, 0, 160, 0}, 0, (SDL_Color){0, 0, 0, 255}, p);
    int w = 0;
    ui_text_size(&ui, UI_SANS, UI_SIZE_BODY, p, &w, NULL);
    assert_true(w > 3 * 160);       /* the paragraph is more than three boxes wide */
    assert_true(h >= 4 * lh);       /* so it takes four lines at least */
    assert_true(h <= (w / 160 + 3) * lh); /* and not one per character */
    ui_fixture_close(&surf, &ren, &ui);
}

int main(void)
{
    if (SDL_Init(0) != 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_english_breaks_before_spaces),
        cmocka_unit_test(test_between_han_characters),
        cmocka_unit_test(test_closing_marks_never_start_a_line),
        cmocka_unit_test(test_opening_marks_never_end_a_line),
        cmocka_unit_test(test_latin_and_numbers_inside_chinese_stay_whole),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_wrap_chinese_paragraph),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    SDL_Quit();
    return rc;
}
