/* test_bad_input.c - the engine side of docs/bad-input.md: what the tokenizer
 * and model_translate do with the sentences a class will type (empty, only
 * spaces, 10,000 characters, emoji, CJK, right-to-left text, control
 * characters, invalid UTF-8, only unknown words), and what weights_load_bytes
 * does with broken model files (empty, truncated, huge header length, wrong
 * dtype, NaN-filled, a different model size), all with the real shipped model
 * and vocabulary. Every row of the table that names this file is one test
 * here. It must not test the app (tests/e2e/test_bad_app.sh does).
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

#include "json.h"
#include "utf8.h"
#include "model.h"
#include "tok.h"
#include "trace.h"
#include "weights.h"
#include "test_util.h"

static weights_model g_m;
static trace g_t;
static unsigned char *g_file;
static size_t g_len;

static int setup(void **state)
{
    (void)state;
    char path[1024], err[512];
    const char *assets = getenv("TLAB_ASSETS");
    snprintf(path, sizeof path, "%s/model.safetensors", assets ? assets : "assets");
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "cannot open %s (set TLAB_ASSETS)\n", path); return -1; }
    fseek(f, 0, SEEK_END);
    g_len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    g_file = malloc(g_len);
    if (!g_file || fread(g_file, 1, g_len, f) != g_len) { fclose(f); return -1; }
    fclose(f);
    if (weights_load_bytes(&g_m, g_file, g_len, err, sizeof err) != 0) { fprintf(stderr, "%s\n", err); return -1; }
    return trace_init(&g_t, &g_m.params.cfg);
}

static int teardown(void **state)
{
    (void)state;
    trace_free(&g_t);
    weights_model_free(&g_m);
    free(g_file);
    return 0;
}

/* Translates s; asserts success and the usual invariants of the trace. */
static void translate_ok(const char *s)
{
    char err[256] = "";
    int rc = model_translate(&g_m.params, &g_m.vocab, s, NULL, &g_t, err, sizeof err);
    if (rc != 0) fail_msg("model_translate failed on a bad sentence: %s", err);
    assert_int_equal(g_t.n_src, g_t.n_words + 1);
    assert_int_equal(g_t.src_ids[g_t.n_src - 1], TOK_EOS);
    assert_true(g_t.n_src <= g_m.params.cfg.max_len);
    assert_true(g_t.n_tgt >= 1 && g_t.n_tgt <= g_m.params.cfg.max_len);
    char out[1024];
    trace_output_text(&g_t, &g_m.vocab, out, sizeof out);
    assert_true(utf8_valid(out, strlen(out)));
}

static void test_empty_sentence(void **state)
{
    (void)state;
    translate_ok("");
    assert_int_equal(g_t.n_words, 0);
    assert_int_equal(g_t.n_src, 1); /* just <eos> */
    assert_int_equal(g_t.truncated, 0);
}

static void test_only_spaces(void **state)
{
    (void)state;
    translate_ok("   \t  \n ");
    assert_int_equal(g_t.n_words, 0);
    assert_int_equal(g_t.n_src, 1);
}

static void test_ten_thousand_characters(void **state)
{
    (void)state;
    char *s = malloc(10001);
    assert_non_null(s);
    for (int i = 0; i < 10000; i += 8) memcpy(s + i, "the dog ", 8); /* 1,250 x "the dog " */
    s[10000] = 0;
    translate_ok(s);
    assert_int_equal(g_t.n_words, g_m.params.cfg.max_len - 1);  /* cut to L-1 words, never silently */
    assert_int_equal(g_t.n_words_total, 2500);
    assert_int_equal(g_t.truncated, 1);
    /* one word of 10,000 letters: one <unk> token, its text cut below TOK_WORD_MAX */
    memset(s, 'a', 10000);
    translate_ok(s);
    assert_int_equal(g_t.n_words, 1);
    assert_int_equal(g_t.src_tokens[0].id, TOK_UNK);
    assert_true(strlen(g_t.src_tokens[0].text) < TOK_WORD_MAX);
    assert_int_equal(g_t.src_tokens[0].byte_len, 10000);
    /* 5,000 two-byte letters: the cut lands on a code-point boundary */
    for (int i = 0; i < 10000; i += 2) { s[i] = (char)0xC3; s[i + 1] = (char)0xA4; } /* ä */
    translate_ok(s);
    assert_int_equal(g_t.n_words, 1);
    assert_true(utf8_valid(g_t.src_tokens[0].text, strlen(g_t.src_tokens[0].text)));
    free(s);
}

/* Each word of s must be one <unk> token whose text is the word itself, with
 * "did you mean" suggestions (never specials) when sugg is 1, none when 0
 * (a word without a Latin letter is no typo of an English word), any when -1. */
static void expect_unknown_words(const char *s, const char *const *words, int n, int sugg)
{
    translate_ok(s);
    assert_int_equal(g_t.n_words, n);
    assert_int_equal(g_t.n_unk, n);
    for (int i = 0; i < n; i++) {
        assert_int_equal(g_t.src_tokens[i].id, TOK_UNK);
        assert_string_equal(g_t.src_tokens[i].text, words[i]);
        int near[3];
        int k = tok_nearest(&g_m.vocab, g_t.src_tokens[i].text, near, 3);
        if (sugg == 1) assert_true(k >= 1);
        if (sugg == 0) assert_int_equal(k, 0);
        for (int j = 0; j < k; j++) assert_true(near[j] >= 4);
    }
}

static void test_emoji_cjk_rtl(void **state)
{
    (void)state;
    const char *emoji[] = {"\xF0\x9F\x98\x80", "\xF0\x9F\x90\xB6"};               /* 😀 🐶 */
    expect_unknown_words("\xF0\x9F\x98\x80 \xF0\x9F\x90\xB6", emoji, 2, 0);
    const char *cjk[] = {"\xE4\xBD\xA0\xE5\xA5\xBD", "\xE4\xB8\x96\xE7\x95\x8C"};   /* 你好 世界 */
    expect_unknown_words("\xE4\xBD\xA0\xE5\xA5\xBD \xE4\xB8\x96\xE7\x95\x8C", cjk, 2, 0);
    const char *rtl[] = {"\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D", "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7"}; /* שלום مرحبا */
    expect_unknown_words("\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7", rtl, 2, 0);
}

static void test_control_characters(void **state)
{
    (void)state;
    /* control characters count as white space: the words survive */
    translate_ok("the\x01" "dog\x7f sees\x1b the\tcat\r\n");
    assert_int_equal(g_t.n_words, 5);
    assert_int_equal(g_t.n_unk, 0);
    assert_string_equal(g_t.src_tokens[1].text, "dog");
    assert_string_equal(g_t.src_tokens[2].text, "sees");
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    /* a lone continuation byte, a cut sequence, an overlong, a surrogate, past U+10FFFF */
    translate_ok("the \xFF\xFE dog \xC3 x\xE2\x82 \xC0\xAF \xED\xA0\x80 \xF4\x90\x80\x80");
    assert_int_equal(g_t.n_words, 8);
    assert_string_equal(g_t.src_tokens[0].text, "the");
    assert_string_equal(g_t.src_tokens[1].text, "\xEF\xBF\xBD\xEF\xBF\xBD"); /* each bad byte -> U+FFFD */
    assert_int_equal(g_t.src_tokens[1].id, TOK_UNK);
    assert_string_equal(g_t.src_tokens[2].text, "dog");
    assert_int_equal(g_t.src_tokens[2].id, tok_vocab_find(&g_m.vocab, "dog"));
    for (int i = 0; i < g_t.n_words; i++)
        assert_true(utf8_valid(g_t.src_tokens[i].text, strlen(g_t.src_tokens[i].text)));
}

static void test_all_unknown_words(void **state)
{
    (void)state;
    const char *w[] = {"zebra", "ate", "my", "homework"};
    expect_unknown_words("Zebra ate my homework", w, 4, -1);
    int near[3];
    assert_true(tok_nearest(&g_m.vocab, "zebra", near, 3) >= 1); /* "hear" (3 edits) */
    assert_true(tok_nearest(&g_m.vocab, "ate", near, 3) >= 1);   /* "alte", "the" */
    assert_int_equal(tok_nearest(&g_m.vocab, "homework", near, 3), 0); /* nothing within 4 edits */
    for (int i = 0; i < g_t.n_src - 1; i++) assert_int_equal(g_t.src_ids[i], TOK_UNK);
}

/* ---- broken weights ---- */

static void expect_refused(const unsigned char *data, size_t len, const char *want)
{
    weights_model m;
    char err[512] = "";
    assert_int_equal(weights_load_bytes(&m, data, len, err, sizeof err), -1);
    if (!strstr(err, want)) fail_msg("message '%s' does not contain '%s'", err, want);
    weights_model_free(&m); /* empty after a failure: freeing is safe */
}

static size_t header_len(void)
{
    uint64_t n = 0;
    for (int i = 7; i >= 0; i--) n = (n << 8) | g_file[i];
    return (size_t)n;
}

/* A copy of the shipped model file (g_file) to damage. */
static unsigned char *file_copy(void)
{
    unsigned char *b = malloc(g_len);
    assert_non_null(b);
    memcpy(b, g_file, g_len);
    return b;
}

static void test_weights_empty_truncated_huge(void **state)
{
    (void)state;
    expect_refused(g_file, 0, "file is empty");
    expect_refused(g_file, 5, "shorter than the 8-byte header length");
    expect_refused(g_file, 8 + header_len() / 2, "runs past the end of the file");
    expect_refused(g_file, g_len - 100, "truncated");
    unsigned char *b = file_copy();
    uint64_t huge = 1ULL << 40;
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(huge >> (8 * i));
    expect_refused(b, g_len, "absurd");
    free(b);
}

static void test_weights_wrong_dtype(void **state)
{
    (void)state;
    unsigned char *b = file_copy();
    char *h = (char *)b + 8;
    size_t hl = header_len();
    char *p = NULL;
    for (size_t i = 0; i + 5 <= hl && !p; i++)
        if (!memcmp(h + i, "\"F32\"", 5)) p = h + i;
    assert_non_null(p);
    memcpy(p, "\"F16\"", 5);
    expect_refused(b, g_len, "dtype is F16, but only F32 is supported");
    free(b);
}

static void test_weights_nan_filled(void **state)
{
    (void)state;
    unsigned char *b = file_copy();
    const unsigned char qnan[4] = {0x00, 0x00, 0xC0, 0x7F}; /* 0x7FC00000 little-endian */
    for (size_t i = 8 + header_len(); i + 4 <= g_len; i += 4) memcpy(b + i, qnan, 4);
    expect_refused(b, g_len, "NaN");
    free(b);
}

static void test_weights_other_model_size(void **state)
{
    (void)state;
    /* A model of another size with the same vocabulary: accepted, and it runs. */
    model_config c = model_config_default(g_m.params.cfg.vocab_size);
    c.d_model = 32; c.n_heads = 2; c.n_enc_layers = 3; c.n_dec_layers = 1; c.d_ff = 48; c.max_len = 12;
    model_params p;
    assert_int_equal(model_params_init(&p, &c), 0);
    model_params_init_random(&p, 7);
    char path[] = "/tmp/tlab-bad-input-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[512] = "";
    if (weights_save(path, &p, &g_m.vocab, "toy-en-de", err, sizeof err) != 0) fail_msg("%s", err);
    weights_model m;
    if (weights_load(&m, path, err, sizeof err) != 0) fail_msg("%s", err);
    remove(path);
    assert_int_equal(m.params.cfg.d_model, 32);
    assert_int_equal(m.params.cfg.n_enc_layers, 3);
    trace t;
    assert_int_equal(trace_init(&t, &m.params.cfg), 0);
    /* 20 words into a model of 12 tokens: cut to 11, flagged */
    assert_int_equal(model_translate(&m.params, &m.vocab, "the dog sees the cat the dog sees the cat the dog sees the cat "
                                     "the dog sees the cat", NULL, &t, err, sizeof err), 0);
    assert_int_equal(t.n_words, 11);
    assert_int_equal(t.truncated, 1);
    trace_free(&t);
    /* the trace of the shipped size refuses a model of another size instead of overrunning */
    assert_int_equal(model_translate(&m.params, &m.vocab, "the dog", NULL, &g_t, err, sizeof err), -1);
    assert_true(err[0] != 0);
    weights_model_free(&m);
    model_params_free(&p);
}

TEST_MAIN(setup, teardown,
          cmocka_unit_test(test_empty_sentence),
          cmocka_unit_test(test_only_spaces),
          cmocka_unit_test(test_ten_thousand_characters),
          cmocka_unit_test(test_emoji_cjk_rtl),
          cmocka_unit_test(test_control_characters),
          cmocka_unit_test(test_invalid_utf8),
          cmocka_unit_test(test_all_unknown_words),
          cmocka_unit_test(test_weights_empty_truncated_huge),
          cmocka_unit_test(test_weights_wrong_dtype),
          cmocka_unit_test(test_weights_nan_filled),
          cmocka_unit_test(test_weights_other_model_size))
