/* test_lesson_attention.c - the display math of lesson 5: the what-if softmax
 * of one row of scores (hand-computed rows, with and without √d_k, with
 * masked keys) and the row statistics (sum, largest weight, entropy in bits);
 * then, on the shipped model, the lesson's softmax with scaling on must give
 * the model's own weights for every encoder and decoder row (so the what-if
 * differs from the model only by what it is asked to change), and without
 * scaling the rows get sharper as f grows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "trace.h"
#include "model_fixture.h"
#include "weights.h"
#include "test_util.h"

void lesson_attention_whatif_row(const float *raw, const float *masked, int n, float factor, int scaling,
                                 float sqrt_dk, float *out);
void lesson_attention_row_stats(const float *w, int n, float *sum, float *max, float *entropy_bits);

static void test_scaled_row_by_hand(void **st)
{
    (void)st;
    /* raw 0, 4, 8 over √16 = 4: z = 0, 1, 2; e^z = 1, 2.71828, 7.38906; sum 11.10734 */
    const float raw[3] = {0.0f, 4.0f, 8.0f};
    float w[3];
    for (int f = 1; f <= 8; f *= 2) { /* a larger d_k is divided away: the same row for every f */
        lesson_attention_whatif_row(raw, NULL, 3, (float)f, 1, 4.0f, w);
        assert_float_equal(w[0], 0.0900306f, 1e-6);
        assert_float_equal(w[1], 0.2447285f, 1e-6);
        assert_float_equal(w[2], 0.6652410f, 1e-6);
    }
}

static void test_unscaled_row_by_hand(void **st)
{
    (void)st;
    /* no scaling, f = 1: e^0, e^4 = 54.59815, e^8 = 2980.958, sum 3036.556:
     * 0.00032932, 0.01798029, 0.98169039 */
    const float raw[3] = {0.0f, 4.0f, 8.0f};
    float w[3];
    lesson_attention_whatif_row(raw, NULL, 3, 1.0f, 0, 4.0f, w);
    assert_float_equal(w[0], 0.00032932f, 1e-7);
    assert_float_equal(w[1], 0.01798029f, 1e-7);
    assert_float_equal(w[2], 0.98169039f, 1e-6);
    /* f = 8: z = 0, 32, 64: the last weight is 1 - e^-32 - e^-64 (rounds to 1), the first e^-64 */
    lesson_attention_whatif_row(raw, NULL, 3, 8.0f, 0, 4.0f, w);
    assert_float_equal(w[2], 1.0f, 1e-7);
    assert_true(w[0] < 1e-27f);
    /* large scores do not overflow: 1000 and 1001 give 1/(1+e) and e/(1+e) */
    const float big[2] = {1000.0f, 1001.0f};
    lesson_attention_whatif_row(big, NULL, 2, 1.0f, 0, 4.0f, w);
    assert_float_equal(w[0], 0.2689414f, 1e-6);
    assert_float_equal(w[1], 0.7310586f, 1e-6);
}

static void test_masked_keys(void **st)
{
    (void)st;
    const float raw[4] = {2.0f, 2.0f, 50.0f, 50.0f};
    const float masked[4] = {0.5f, 0.5f, -INFINITY, -INFINITY};
    float w[4];
    lesson_attention_whatif_row(raw, masked, 4, 3.0f, 0, 4.0f, w);
    assert_true(w[2] == 0.0f && w[3] == 0.0f); /* exactly zero, as the model's softmax of -inf */
    assert_float_equal(w[0], 0.5f, 1e-7);
    assert_float_equal(w[1], 0.5f, 1e-7);
}

static void test_row_stats(void **st)
{
    (void)st;
    const float uni[4] = {0.25f, 0.25f, 0.25f, 0.25f};
    float s, m, h;
    lesson_attention_row_stats(uni, 4, &s, &m, &h);
    assert_float_equal(s, 1.0f, 1e-7);
    assert_float_equal(m, 0.25f, 1e-7);
    assert_float_equal(h, 2.0f, 1e-6); /* log2 4 */
    const float one[3] = {0.0f, 1.0f, 0.0f};
    lesson_attention_row_stats(one, 3, &s, &m, &h);
    assert_float_equal(m, 1.0f, 1e-7);
    assert_float_equal(h, 0.0f, 1e-7);
    const float half[2] = {0.5f, 0.5f};
    lesson_attention_row_stats(half, 2, NULL, NULL, &h);
    assert_float_equal(h, 1.0f, 1e-6);
}

static void test_matches_the_model(void **st)
{
    (void)st;
    char err[256];
    weights_model m;
    assert_int_equal(model_fixture_load(&m), 0);
    trace tr;
    assert_int_equal(trace_init(&tr, &m.params.cfg), 0);
    assert_int_equal(model_translate(&m.params, &m.vocab, "the old man sees the big dog in the garden", NULL, &tr, err, sizeof err), 0);
    int H = tr.cfg.n_heads, K = tr.cfg.d_model / H;
    float sq = sqrtf((float)K), w[64], w8[64], raw[64], msk[64];
    double worst = 0, sharper = 0;
    for (int side = 0; side < 2; side++) {
        int nl = side == 0 ? tr.cfg.n_enc_layers : tr.cfg.n_dec_layers;
        int nq = side == 0 ? tr.n_src : tr.n_tgt;
        for (int l = 0; l < nl; l++) {
            const trace_attn *a = side == 0 ? &tr.enc[l].self : &tr.dec[l].self;
            for (int h = 0; h < H; h++)
                for (int i = 0; i < nq; i++) {
                    for (int j = 0; j < nq; j++) {
                        raw[j] = trace_attn_at(&tr, a->scores, h, i, j);
                        msk[j] = trace_attn_at(&tr, a->masked, h, i, j);
                    }
                    lesson_attention_whatif_row(raw, msk, nq, 5.0f, 1, sq, w);
                    for (int j = 0; j < nq; j++) {
                        double e = fabs((double)w[j] - trace_attn_at(&tr, a->weights, h, i, j));
                        if (e > worst) worst = e;
                    }
                    float m1, m8;
                    lesson_attention_whatif_row(raw, msk, nq, 1.0f, 0, sq, w);
                    lesson_attention_row_stats(w, nq, NULL, &m1, NULL);
                    lesson_attention_whatif_row(raw, msk, nq, 8.0f, 0, sq, w8);
                    lesson_attention_row_stats(w8, nq, NULL, &m8, NULL);
                    assert_true(m8 >= m1 - 1e-6f); /* a larger f never makes a row flatter */
                    sharper += m8 - m1;
                }
        }
    }
    printf("largest difference from the model's weights: %.3g; total sharpening f=1->8: %.3g\n", worst, sharper);
    assert_true(worst < 2e-6);
    assert_true(sharper > 1.0);
    trace_free(&tr);
    weights_model_free(&m);
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_scaled_row_by_hand),
          cmocka_unit_test(test_unscaled_row_by_hand),
          cmocka_unit_test(test_masked_keys),
          cmocka_unit_test(test_row_stats),
          cmocka_unit_test(test_matches_the_model))
