/* test_ui_lang.c - the interface's language (issue 18): the .mo reader
 * (app/ui/ui_lang.c) on catalogues built here byte by byte from the gettext
 * manual's layout (both byte orders, entries out of order, broken files that
 * must be refused without losing the catalogue loaded before), the Chinese
 * catalogue the build compiles from assets/po/zh.po, the settings file that
 * remembers the choice (app/settings.c) and the language list (app/lang.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shell.h"
#include "test_util.h"

static int teardown(void **st)
{
    (void)st;
    ui_lang_unload();
    return test_tmpdir_teardown(st);
}

static void put32(unsigned char *p, uint32_t v, int big)
{
    for (int i = 0; i < 4; i++) p[big ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

/* Writes a .mo of n (id, str) pairs as the manual lays it out (header of 7 words, the
 * originals' table at 28, the translations' table after it, then the strings). Returns the size. */
static size_t make_mo(unsigned char *buf, const char *const *ids, const char *const *strs, int n, int big)
{
    uint32_t orig = 28, trans = orig + 8u * (uint32_t)n, at = trans + 8u * (uint32_t)n;
    put32(buf, 0x950412deu, big);
    put32(buf + 4, 0, big);
    put32(buf + 8, (uint32_t)n, big);
    put32(buf + 12, orig, big);
    put32(buf + 16, trans, big);
    put32(buf + 20, 0, big);
    put32(buf + 24, 0, big);
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < n; i++) {
            const char *s = k ? strs[i] : ids[i];
            uint32_t len = (uint32_t)strlen(s);
            put32(buf + (k ? trans : orig) + 8 * i, len, big);
            put32(buf + (k ? trans : orig) + 8 * i + 4, at, big);
            memcpy(buf + at, s, len + 1);
            at += len + 1;
        }
    return at;
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static const char *const k_ids[] = {"", "step %d / %d", "Keys", "Words (V)", "untranslated"};
static const char *const k_strs[] = {"Content-Type: text/plain; charset=UTF-8\n", "\xE7\xAC\xAC %d / %d \xE6\xAD\xA5",
                                     "\xE6\x8C\x89\xE9\x94\xAE", "\xE8\xAF\x8D\xE8\xA1\xA8 (V)", ""};

static void test_both_byte_orders(void **st)
{
    (void)st;
    for (int big = 0; big < 2; big++) {
        unsigned char buf[1024];
        size_t n = make_mo(buf, k_ids, k_strs, 5, big); /* "step" before "Keys": not sorted, the reader sorts */
        char path[300], err[300];
        snprintf(path, sizeof path, "%s/t%d.mo", test_tmpdir, big);
        write_file(path, buf, n);
        assert_int_equal(ui_lang_load(path, err, sizeof err), 0);
        assert_int_equal(ui_lang_count(), 3); /* the header and the empty translation are not entries */
        assert_string_equal(ui_tr("Keys"), "\xE6\x8C\x89\xE9\x94\xAE");
        assert_string_equal(ui_tr("step %d / %d"), "\xE7\xAC\xAC %d / %d \xE6\xAD\xA5");
        assert_string_equal(ui_tr("Words (V)"), "\xE8\xAF\x8D\xE8\xA1\xA8 (V)");
        assert_string_equal(ui_tr("untranslated"), "untranslated"); /* empty msgstr: the English */
        assert_string_equal(ui_tr("not in it"), "not in it");
        assert_string_equal(ui_tr(""), "");
        assert_null(ui_tr(NULL));
        ui_lang_unload();
        assert_int_equal(ui_lang_count(), 0);
        assert_string_equal(ui_tr("Keys"), "Keys");
    }
}

static void expect_refused(const char *name, const unsigned char *data, size_t n, const char *why)
{
    char path[300], err[300] = "";
    snprintf(path, sizeof path, "%s/%s", test_tmpdir, name);
    write_file(path, data, n);
    assert_int_equal(ui_lang_load(path, err, sizeof err), -1);
    if (!strstr(err, why)) fail_msg("%s: message '%s' does not say '%s'", name, err, why);
    assert_string_equal(ui_tr("Keys"), "\xE6\x8C\x89\xE9\x94\xAE"); /* the catalogue loaded before stays */
}

static void test_broken_files_refused(void **st)
{
    (void)st;
    unsigned char good[1024], bad[1024];
    size_t n = make_mo(good, k_ids, k_strs, 5, 0);
    char path[300], err[300];
    snprintf(path, sizeof path, "%s/good.mo", test_tmpdir);
    write_file(path, good, n);
    assert_int_equal(ui_lang_load(path, err, sizeof err), 0);

    expect_refused("short.mo", good, 20, "too short");
    memcpy(bad, good, n);
    bad[0] ^= 0xff;
    expect_refused("magic.mo", bad, n, "magic");
    memcpy(bad, good, n);
    put32(bad + 4, 2u << 16, 0);
    expect_refused("revision.mo", bad, n, "revision");
    memcpy(bad, good, n);
    put32(bad + 28 + 8 * 2 + 4, (uint32_t)n + 100, 0); /* entry 2's id points past the end */
    expect_refused("offset.mo", bad, n, "outside the file");
    memcpy(bad, good, n);
    put32(bad + 8, 0x7fffffffu, 0); /* more strings than bytes */
    expect_refused("count.mo", bad, n, "cannot fit");
    expect_refused("truncated.mo", good, n - 3, "outside the file"); /* the last string loses its NUL */

    assert_int_equal(ui_lang_load("/nonexistent/zh.mo", err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/zh.mo"));
}

/* The catalogue the build made from assets/po/zh.po. */
static void test_chinese_catalogue(void **st)
{
    (void)st;
    char err[300];
    assert_int_equal(ui_lang_load(TLAB_LOCALE_DIR "/zh.mo", err, sizeof err), 0);
    assert_true(ui_lang_count() > 600);
    assert_string_equal(ui_tr("Examples (E)"), "\xE4\xBE\x8B\xE5\x8F\xA5\xEF\xBC\x88" "E\xEF\xBC\x89"); /* 例句（E） */
    assert_string_equal(ui_tr("Beam search"), "\xE6\x9D\x9F\xE6\x90\x9C\xE7\xB4\xA2"); /* 束搜索 */
    assert_string_equal(ui_tr("English"), "\xE4\xB8\xAD\xE6\x96\x87");               /* the language's own name: 中文 */
    char b[64];
    snprintf(b, sizeof b, ui_tr("step %d / %d"), 2, 4);
    assert_string_equal(b, "\xE7\xAC\xAC 2 / 4 \xE6\xAD\xA5"); /* 第 2 / 4 步 */
    ui_lang_unload();
    /* one translation read from a catalogue that stays unloaded (the language button's label) */
    char name[64] = "", small[4] = "";
    assert_int_equal(ui_lang_peek(TLAB_LOCALE_DIR "/zh.mo", "English", name, sizeof name), 0);
    assert_string_equal(name, "\xE4\xB8\xAD\xE6\x96\x87"); /* 中文 */
    assert_int_equal(ui_lang_count(), 0);                    /* English is still the language */
    assert_string_equal(ui_tr("English"), "English");
    assert_int_equal(ui_lang_peek(TLAB_LOCALE_DIR "/zh.mo", "English", small, sizeof small), 0);
    assert_string_equal(small, "\xE4\xB8\xAD"); /* cut to the buffer, NUL-terminated */
    assert_int_equal(ui_lang_peek(TLAB_LOCALE_DIR "/zh.mo", "no such message", name, sizeof name), -1);
    assert_int_equal(ui_lang_peek("/nonexistent/zh.mo", "English", name, sizeof name), -1);
}

/* Contexts (C_) and messages the engine formatted in English (ui_tr_text): a hand-made
 * catalogue, then the real Chinese one on a reason of engine/input_status.c. */
static void test_context_and_engine_messages(void **st)
{
    (void)st;
    static const char *const ids[] = {"decoder", "method\004decoder", "cannot open %s: %s", "expected a noun",
                                      "%s at word %d (\"%s\")", "loss %g at step %ld"};
    static const char *const strs[] = {"B", "A", "X %s Y %s", "N", "[%s] @%d <%s>", "L %g S %ld"};
    unsigned char buf[2048];
    char path[400], err[300], out[256];
    size_t n = make_mo(buf, ids, strs, 6, 0);
    snprintf(path, sizeof path, "%s/ctx.mo", test_tmpdir);
    write_file(path, buf, n);
    const char *msg = "expected a noun at word 3 (\"dog\")";
    assert_ptr_equal(ui_tr_text(msg, out, sizeof out), msg); /* no catalogue: the English itself */
    assert_int_equal(ui_lang_load(path, err, sizeof err), 0);
    assert_string_equal(C_("method", "decoder"), "A");
    assert_string_equal(ui_tr("decoder"), "B");
    assert_string_equal(C_("stack", "decoder"), "decoder"); /* a context the catalogue lacks: the English */
    assert_string_equal(ui_tr_text(msg, out, sizeof out), "[N] @3 <dog>");
    assert_string_equal(ui_tr_text("loss -1.5e+10 at step 12", out, sizeof out), "L -1.5e+10 S 12");
    /* a one-word value stays as typed; a value that is a message is translated */
    assert_string_equal(ui_tr_text("cannot open decoder: expected a noun", out, sizeof out), "X decoder Y N");
    const char *bad = "loss abc at step 12"; /* %g cannot print "abc" */
    assert_ptr_equal(ui_tr_text(bad, out, sizeof out), bad);
    assert_string_equal(ui_tr_msg("expected a noun"), "N");
    /* ui_tr_msg remembers: the same message again is not matched again; a new catalogue forgets */
    long scans = ui_tr_scans();
    assert_string_equal(ui_tr_msg(msg), "[N] @3 <dog>");
    assert_int_equal(ui_tr_scans(), scans + 1);
    for (int i = 0; i < 5; i++) assert_string_equal(ui_tr_msg(msg), "[N] @3 <dog>");
    assert_int_equal(ui_tr_scans(), scans + 1);
    assert_ptr_equal(ui_tr_msg(bad), ui_tr_msg(bad)); /* no match: remembered as the English itself */
    assert_string_equal(ui_tr_msg(bad), bad);
    assert_int_equal(ui_tr_scans(), scans + 2);
    char many[20][40];
    for (int i = 0; i < 20; i++) { /* more messages than it remembers: each still right */
        snprintf(many[i], sizeof many[i], "loss %d at step %d", i, i + 1);
        char want[40];
        snprintf(want, sizeof want, "L %d S %d", i, i + 1);
        assert_string_equal(ui_tr_msg(many[i]), want);
    }
    assert_int_equal(ui_tr_scans(), scans + 22);
    assert_string_equal(ui_tr_msg(msg), "[N] @3 <dog>"); /* pushed out by the 20: matched again */
    assert_int_equal(ui_tr_scans(), scans + 23);
    assert_int_equal(ui_lang_load(TLAB_LOCALE_DIR "/zh.mo", err, sizeof err), 0);
    scans = ui_tr_scans();
    assert_string_not_equal(ui_tr_msg(msg), "[N] @3 <dog>"); /* a new catalogue: matched again, in its words */
    assert_int_equal(ui_tr_scans(), scans + 1);
    const char *reason = "the corpus grammar cannot parse this sentence (expected a noun at word 3 (\"sees\")): "
                         "the model never saw one like it";
    /* 语料的语法无法分析这句话（这里应是名词（第 3 个词“sees”处））：模型从没见过这样的句子 */
    assert_string_equal(ui_tr_text(reason, out, sizeof out),
                        "\xE8\xAF\xAD\xE6\x96\x99\xE7\x9A\x84\xE8\xAF\xAD\xE6\xB3\x95\xE6\x97\xA0\xE6\xB3\x95\xE5\x88\x86\xE6\x9E\x90"
                        "\xE8\xBF\x99\xE5\x8F\xA5\xE8\xAF\x9D\xEF\xBC\x88\xE8\xBF\x99\xE9\x87\x8C\xE5\xBA\x94\xE6\x98\xAF\xE5\x90\x8D"
                        "\xE8\xAF\x8D\xEF\xBC\x88\xE7\xAC\xAC 3 \xE4\xB8\xAA\xE8\xAF\x8D\xE2\x80\x9Csees\xE2\x80\x9D\xE5\xA4\x84"
                        "\xEF\xBC\x89\xEF\xBC\x89\xEF\xBC\x9A\xE6\xA8\xA1\xE5\x9E\x8B\xE4\xBB\x8E\xE6\xB2\xA1\xE8\xA7\x81\xE8\xBF\x87"
                        "\xE8\xBF\x99\xE6\xA0\xB7\xE7\x9A\x84\xE5\x8F\xA5\xE5\xAD\x90");
    ui_lang_unload();
}

static void test_settings_file(void **st)
{
    (void)st;
    char cfg[300], path[400], val[32], err[300];
    snprintf(cfg, sizeof cfg, "%s/config", test_tmpdir);
    setenv("XDG_CONFIG_HOME", cfg, 1);
    assert_int_equal(app_settings_path(path, sizeof path, 0), 0);
    assert_string_equal(path + strlen(cfg), "/transformer-lab/settings.conf");
    assert_int_equal(app_settings_get("lang", val, sizeof val), -1); /* no file yet */
    assert_int_equal(app_settings_set("lang", "zh", err, sizeof err), 0);
    assert_int_equal(app_settings_get("lang", val, sizeof val), 0);
    assert_string_equal(val, "zh");
    /* other lines stay as they were; the key is replaced where it stands, once */
    write_file(path, "# mine\ntheme = light\n  lang=fr  \nlang = de\n", 43);
    assert_int_equal(app_settings_get("lang", val, sizeof val), 0);
    assert_string_equal(val, "fr");
    assert_int_equal(app_settings_set("lang", "en", err, sizeof err), 0);
    FILE *f = fopen(path, "rb");
    char text[200] = "";
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    assert_string_equal(text, "# mine\ntheme = light\nlang = en\n");
    assert_int_equal(app_settings_get("langx", val, sizeof val), -1);
    /* HOME is the fallback when XDG_CONFIG_HOME is empty */
    setenv("XDG_CONFIG_HOME", "", 1);
    setenv("HOME", "/home/someone", 1);
    assert_int_equal(app_settings_path(path, sizeof path, 0), 0);
    assert_string_equal(path, "/home/someone/.config/transformer-lab/settings.conf");
    /* a settings folder that cannot be made: a message, no file */
    setenv("XDG_CONFIG_HOME", "/proc/no-such-place", 1);
    assert_int_equal(app_settings_set("lang", "zh", err, sizeof err), -1);
    assert_true(strlen(err) > 0);
}

static void test_language_list(void **st)
{
    (void)st;
    char assets[300], d[400];
    snprintf(assets, sizeof assets, "%s/assets", test_tmpdir);
    const char *folders[] = {"", "/lessons", "/lessons/zh", "/lessons/en", "/lessons/pt_BR", "/lessons/.hidden", "/lessons/x"};
    for (size_t i = 0; i < sizeof folders / sizeof folders[0]; i++) {
        snprintf(d, sizeof d, "%s%s", assets, folders[i]);
        assert_int_equal(mkdir(d, 0755), 0);
    }
    char langs[8][APP_LANG_MAX];
    int n = app_lang_list(assets, langs, 8);
    assert_int_equal(n, 3); /* ".hidden" and the one-letter "x" are not language codes */
    assert_string_equal(langs[0], "en");
    assert_string_equal(langs[1], "pt_BR");
    assert_string_equal(langs[2], "zh");
    assert_int_equal(app_lang_list("/nonexistent", langs, 8), 1); /* English is always there */
    assert_string_equal(langs[0], "en");
    /* the language button names the next language in its own words: English -> pt_BR (no catalogue
     * built: its code) -> zh (中文, from zh.mo) -> English */
    app *a = calloc(1, sizeof *a);
    assert_non_null(a);
    snprintf(a->assets, sizeof a->assets, "%s", assets);
    const char *order[][2] = {{"en", "pt_BR"}, {"pt_BR", "\xE4\xB8\xAD\xE6\x96\x87"}, {"zh", "English"}, {"en", "pt_BR"}};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        snprintf(a->lang, sizeof a->lang, "%s", order[i][0]);
        assert_string_equal(app_lang_next_name(a), order[i][1]);
        assert_string_equal(app_lang_next_name(a), order[i][1]); /* the same, remembered */
    }
    snprintf(a->assets, sizeof a->assets, "/nonexistent");
    snprintf(a->lang, sizeof a->lang, "zh");
    assert_string_equal(app_lang_next_name(a), "English"); /* only English left: still a way back */
    snprintf(a->lang, sizeof a->lang, "en");
    assert_string_equal(app_lang_next_name(a), ""); /* one language: no button */
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_both_byte_orders),
        cmocka_unit_test(test_broken_files_refused),
        cmocka_unit_test(test_chinese_catalogue),
        cmocka_unit_test(test_context_and_engine_messages),
        cmocka_unit_test(test_settings_file),
        cmocka_unit_test(test_language_list),
    };
    return cmocka_run_group_tests(tests, test_tmpdir_setup, teardown);
}
