/* test_eval.c - the metrics of engine/eval.h against hand-computed numbers:
 * exact match, corpus BLEU-4 (clipping, brevity penalty, corpus-level sums),
 * the alignment score on hand-built attention weights (including the row
 * off-by-one), and eval_model end to end on a small random model.
 * It must not test the model's math (test_model does). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "corpus.h"
#include "eval.h"
#include "model.h"
#include "tok.h"
#include "test_util.h"

static void test_exact(void **state)
{
    static const int a[] = {5, 6, 7}, b[] = {5, 6, 7}, c[] = {5, 6, 8};
    (void)state;
    assert_int_equal(eval_exact(a, 3, b, 3), 1);
    assert_int_equal(eval_exact(a, 3, c, 3), 0);
    assert_int_equal(eval_exact(a, 2, b, 3), 0);   /* a prefix is not a match */
    assert_int_equal(eval_exact(a, 0, b, 0), 1);
}

/* The BLEU counts after one sentence: hypothesis h [nh] against reference r [nr]. */
static eval_bleu bleu_of(const int *h, int nh, const int *r, int nr)
{
    eval_bleu b;
    eval_bleu_init(&b);
    eval_bleu_add(&b, h, nh, r, nr);
    return b;
}

static void test_bleu_perfect(void **state)
{
    static const int r[] = {10, 11, 12, 13, 14, 15};
    (void)state;
    eval_bleu b = bleu_of(r, 6, r, 6);
    assert_float_equal(eval_bleu_score(&b), 100.0, 1e-9);
    assert_float_equal(eval_bleu_bp(&b), 1.0, 1e-12);
}

static void test_bleu_one_wrong_word(void **state)
{
    /* ref a b c d e f g h, hyp a b c d X f g h:
     * p1 = 7/8, p2 = 5/7 (ab bc cd fg gh), p3 = 3/6 (abc bcd fgh), p4 = 1/5 (abcd);
     * product = 0.875 * 5/7 * 0.5 * 0.2 = 0.0625, fourth root = 0.5 -> BLEU 50. */
    static const int r[] = {1, 2, 3, 4, 5, 6, 7, 8}, h[] = {1, 2, 3, 4, 99, 6, 7, 8};
    (void)state;
    eval_bleu b = bleu_of(h, 8, r, 8);
    assert_int_equal(b.match[0], 7);
    assert_int_equal(b.total[0], 8);
    assert_int_equal(b.match[1], 5);
    assert_int_equal(b.match[2], 3);
    assert_int_equal(b.match[3], 1);
    assert_int_equal(b.total[3], 5);
    assert_float_equal(eval_bleu_score(&b), 50.0, 1e-9);
}

static void test_bleu_brevity(void **state)
{
    /* ref 1..6, hyp 1..5: every precision is 1, c = 5 < r = 6,
     * BP = exp(1 - 6/5) = exp(-0.2) = 0.818730753... -> BLEU 81.8730753. */
    static const int r[] = {1, 2, 3, 4, 5, 6};
    (void)state;
    eval_bleu b = bleu_of(r, 5, r, 6);
    assert_float_equal(eval_bleu_bp(&b), 0.8187307531, 1e-9);
    assert_float_equal(eval_bleu_score(&b), 81.87307531, 1e-7);
}

static void test_bleu_clipping_and_zero(void **state)
{
    /* hyp "7 7 7 7 7" against ref "7 8 9 10": the unigram 7 counts once. */
    static const int r[] = {7, 8, 9, 10}, h[] = {7, 7, 7, 7, 7};
    (void)state;
    eval_bleu b = bleu_of(h, 5, r, 4);
    assert_int_equal(b.match[0], 1);
    assert_int_equal(b.total[0], 5);
    assert_int_equal(b.match[1], 0);
    assert_float_equal(eval_bleu_score(&b), 0.0, 0.0);   /* a zero precision gives 0 */
    eval_bleu_init(&b);
    assert_float_equal(eval_bleu_score(&b), 0.0, 0.0);   /* empty corpus */
}

static void test_bleu_corpus_level(void **state)
{
    /* Sums over sentences before dividing: a perfect 4-word sentence plus the
     * one-wrong-word case gives p = 11/12, 8/10, 5/8, 2/6 and BP = 1. */
    static const int r1[] = {40, 41, 42, 43};
    static const int r2[] = {1, 2, 3, 4, 5, 6, 7, 8}, h2[] = {1, 2, 3, 4, 99, 6, 7, 8};
    double want = 100.0 * pow(11.0 / 12.0 * 8.0 / 10.0 * 5.0 / 8.0 * 2.0 / 6.0, 0.25);
    (void)state;
    eval_bleu b = bleu_of(r1, 4, r1, 4);
    eval_bleu_add(&b, h2, 8, r2, 8);
    assert_float_equal(eval_bleu_score(&b), want, 1e-9);
    assert_float_equal(want, 62.5192, 1e-3);   /* written out: the sum is not a mean of sentence BLEUs */
}

/* Weights [H=2, L=4, L=4]: row t of head h at (h * 4 + t) * 4. */
static void set_row(float *w, int h, int t, float a, float b, float c, float d)
{
    float *row = w + (h * 4 + t) * 4;
    row[0] = a;
    row[1] = b;
    row[2] = c;
    row[3] = d;
}

static void test_align_hand_built(void **state)
{
    /* Three target words, three encoder positions (2 words + <eos>).
     * Word 0 is content and aligned to source 2; word 1 is not content;
     * word 2 is content and aligned to source 0. Column 3 is beyond n_keys and
     * must be ignored even though it is the largest. */
    static const signed char align[] = {2, 1, 0};
    static const unsigned char content[] = {1, 0, 1};
    float w[2 * 4 * 4];
    eval_align a;
    (void)state;
    memset(w, 0, sizeof w);
    /* Head 0: row 0 -> 2 (hit), row 2 -> 0 (hit). */
    set_row(w, 0, 0, 0.1f, 0.2f, 0.7f, 0.0f);
    set_row(w, 0, 1, 0.0f, 1.0f, 0.0f, 0.0f);
    set_row(w, 0, 2, 0.6f, 0.3f, 0.1f, 0.9f);
    /* Head 1: row 0 -> 1 (miss), row 1 -> 0, row 2 -> 0 (hit). With the rows
     * shifted by one (row t + 1 for word t) head 0 would score 50, not 100:
     * row 1 points at source 1, not at word 0's source 2. */
    set_row(w, 1, 0, 0.2f, 0.5f, 0.3f, 0.0f);
    set_row(w, 1, 1, 0.9f, 0.05f, 0.05f, 0.0f);
    set_row(w, 1, 2, 0.5f, 0.4f, 0.1f, 0.0f);
    eval_align_init(&a, 2, 2);
    eval_align_add_layer(&a, 0, w, 4, 3, align, content, 3, 1);
    assert_int_equal(a.total, 2);
    assert_float_equal(eval_align_score(&a, 0, 0), 100.0, 1e-12);
    assert_float_equal(eval_align_score(&a, 0, 1), 50.0, 1e-12);
    /* Layer 1: the same weights with head 0 now wrong on word 2 (row 2 -> 1). */
    set_row(w, 0, 2, 0.1f, 0.8f, 0.1f, 0.0f);
    eval_align_add_layer(&a, 1, w, 4, 3, align, content, 3, 0);
    assert_int_equal(a.total, 2);    /* counted once per sentence */
    assert_float_equal(eval_align_score(&a, 1, 0), 50.0, 1e-12);
    assert_float_equal(eval_align_score(&a, 1, 1), 50.0, 1e-12);
    assert_float_equal(eval_align_score(&a, 5, 0), 0.0, 0.0);   /* out of range */
}

static void test_eval_model_random(void **state)
{
    /* A random model on 20 test pairs: nothing exact, BLEU 0, and the
     * alignment denominator equals the count of aligned content words. */
    const char *const *words;
    int v, i, t, content = 0;
    model_config cfg;
    model_params p;
    tok_vocab tv;
    corpus_set s;
    eval_report r;
    char err[256];
    (void)state;
    corpus_vocab(&words, &v);
    cfg = model_config_default(v);
    cfg.d_model = 16;
    cfg.n_heads = 2;
    cfg.d_ff = 32;
    assert_int_equal(model_params_init(&p, &cfg), 0);
    model_params_init_random(&p, 3);
    assert_int_equal(tok_vocab_init(&tv, words, v, err, sizeof err), 0);
    assert_int_equal(corpus_generate(&s, CORPUS_TEST, 20, 1, err, sizeof err), 0);
    for (i = 0; i < s.n; i++)
        for (t = 0; t < s.pairs[i].n_tgt; t++) content += s.pairs[i].content[t] && s.pairs[i].align[t] >= 0;
    if (eval_model(&p, &tv, &s, &r, NULL, NULL, err, sizeof err) != 0) fail_msg("%s", err);
    assert_int_equal(r.n, 20);
    assert_int_equal(r.n_exact, 0);
    assert_true(r.bleu < 5.0);
    assert_int_equal(r.align.n_layers, 2);
    assert_int_equal(r.align.n_heads, 2);
    assert_int_equal(r.align.total, content);
    for (i = 0; i < 2; i++)
        for (t = 0; t < 2; t++) {
            double sc = eval_align_score(&r.align, i, t);
            assert_true(sc >= 0.0 && sc <= 100.0);
        }
    assert_int_equal(eval_model(&p, &tv, NULL, &r, NULL, NULL, err, sizeof err), -1);
    corpus_set_free(&s);
    tok_vocab_free(&tv);
    model_params_free(&p);
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_exact),
          cmocka_unit_test(test_bleu_perfect),
          cmocka_unit_test(test_bleu_one_wrong_word),
          cmocka_unit_test(test_bleu_brevity),
          cmocka_unit_test(test_bleu_clipping_and_zero),
          cmocka_unit_test(test_bleu_corpus_level),
          cmocka_unit_test(test_align_hand_built),
          cmocka_unit_test(test_eval_model_random))
