/* test_sample.c - temperature and top-k sampling (engine/sample.c): the
 * distribution against hand-computed softmaxes, the draw by running sums, and
 * sampled translations on the shipped model: top-k 1 is greedy decoding, the
 * same seed gives the same sample, every token taken lies in the top k of its
 * row, bad temperatures are refused.
 * It must not test greedy decoding or beam search themselves (test_model.c, test_beam.c). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model.h"
#include "sample.h"
#include "test_util.h"
#include "tok.h"
#include "trace.h"
#include "weights.h"

static void test_distribution_by_hand(void **state)
{
    (void)state;
    const float x[4] = {1.0f, 2.0f, 3.0f, 0.0f};
    double d[4];
    /* T = 1, k = 2: the logits 3 and 2 kept: e^1 / (e^1 + 1) = 0.7310586, 1 / (e + 1) = 0.2689414 */
    assert_int_equal(sample_distribution(x, 4, 1.0, 2, d), 2);
    assert_float_equal(d[2], 0.7310585786300049, 1e-12);
    assert_float_equal(d[1], 0.2689414213699951, 1e-12);
    assert_true(d[0] == 0.0 && d[3] == 0.0);
    /* T = 0.5 sharpens: e^2 / (e^2 + 1) = 0.8807971 */
    assert_int_equal(sample_distribution(x, 4, 0.5, 2, d), 2);
    assert_float_equal(d[2], 0.8807970779778823, 1e-12);
    /* k = 0: all four, T = 1: softmax(1, 2, 3, 0) = e^x / (e + e^2 + e^3 + 1) */
    assert_int_equal(sample_distribution(x, 4, 1.0, 0, d), 4);
    const double z = exp(1.0) + exp(2.0) + exp(3.0) + 1.0;
    assert_float_equal(d[0], exp(1.0) / z, 1e-12);
    assert_float_equal(d[3], 1.0 / z, 1e-12);
    /* ties: the lower id is kept first */
    const float tie[3] = {5.0f, 5.0f, 5.0f};
    assert_int_equal(sample_distribution(tie, 3, 1.0, 2, d), 2);
    assert_float_equal(d[0], 0.5, 1e-15);
    assert_float_equal(d[1], 0.5, 1e-15);
    assert_true(d[2] == 0.0);
    /* refused temperatures */
    assert_int_equal(sample_distribution(x, 4, 0.0, 2, d), -1);
    assert_int_equal(sample_distribution(x, 4, SAMPLE_T_MAX * 2, 2, d), -1);
    assert_int_equal(sample_distribution(x, 4, NAN, 2, d), -1);
}

static void test_draw(void **state)
{
    (void)state;
    const double d[4] = {0.0, 0.25, 0.75, 0.0};
    assert_int_equal(sample_draw(d, 4, 0.0), 1);
    assert_int_equal(sample_draw(d, 4, 0.2499), 1);
    assert_int_equal(sample_draw(d, 4, 0.25), 2);
    assert_int_equal(sample_draw(d, 4, 0.9999999), 2);
    assert_int_equal(sample_draw(d, 4, 1.0), 2); /* beyond the sum: the last kept id */
}

static void test_translate(void **state)
{
    (void)state;
    weights_model m;
    char err[256];
    if (test_load_model(&m, "model.safetensors") != 0) fail();
    trace a, b;
    assert_int_equal(trace_init(&a, &m.params.cfg), 0);
    assert_int_equal(trace_init(&b, &m.params.cfg), 0);
    assert_int_equal(model_translate(&m.params, &m.vocab, "i know that the big dog sees the small cat", NULL, &a, err,
                                     sizeof err), 0);
    const int n_src = a.n_src, V = m.params.cfg.vocab_size;
    int src[64];
    memcpy(src, a.src_ids, sizeof(int) * (size_t)n_src);
    /* top-k 1 is greedy decoding, whatever the temperature and the seed */
    assert_int_equal(sample_translate(&m.params, src, n_src, 3.0, 1, 99, &b, err, sizeof err), 0);
    assert_int_equal(b.n_out, a.n_out);
    assert_memory_equal(b.out_ids, a.out_ids, sizeof(int) * (size_t)a.n_out);
    /* hot and wide: the same seed, the same sample; every token within the top 5 of its row */
    trace c;
    assert_int_equal(trace_init(&c, &m.params.cfg), 0);
    int differs = 0;
    for (uint64_t seed = 1; seed <= 4; seed++) {
        assert_int_equal(sample_translate(&m.params, src, n_src, 2.0, 5, seed, &b, err, sizeof err), 0);
        assert_int_equal(sample_translate(&m.params, src, n_src, 2.0, 5, seed, &c, err, sizeof err), 0);
        assert_int_equal(b.n_tgt, c.n_tgt);
        assert_memory_equal(b.out_ids, c.out_ids, sizeof(int) * (size_t)b.n_tgt);
        for (int r = 0; r < b.n_tgt; r++) {
            const float *row = b.logits + (size_t)r * V;
            int above = 0;
            for (int v = 0; v < V; v++) above += row[v] > row[b.out_ids[r]];
            assert_true(above < 5);
            if (r + 1 < b.n_tgt) assert_int_equal(b.tgt_ids[r + 1], b.out_ids[r]); /* the token taken is fed back */
        }
        differs |= b.n_out != a.n_out || memcmp(b.out_ids, a.out_ids, sizeof(int) * (size_t)a.n_out) != 0;
    }
    assert_true(differs); /* at T = 2 over 5 tokens some sample leaves the greedy path */
    assert_int_equal(sample_translate(&m.params, src, n_src, 0.0, 5, 1, &b, err, sizeof err), -1);
    assert_non_null(strstr(err, "temperature"));
    trace_free(&a);
    trace_free(&b);
    trace_free(&c);
    weights_model_free(&m);
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_distribution_by_hand),
          cmocka_unit_test(test_draw),
          cmocka_unit_test(test_translate))
