/* test_lesson_output.c - the display math of the last lessons: lesson 13
 * (lessons/lesson_output.c): the top-k ranking (hand-made probabilities, ties
 * kept in id order as argmax does, k larger than V) and the dot product
 * h . E[w] shown next to each logit, which must equal the trace's logits on
 * the shipped trained model for every decoding step of a sentence, and whose
 * top-1 must be the emitted token (and so must h . E[w] of every word, whose
 * cosine openq_cosines gives); lesson 14 (lessons/lesson_together.c): how
 * lit each stage of the animation is (cglm's cubic in-out easing, by hand).
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

#include "openq.h"
#include "trace.h"
#include "weights.h"
#include "test_util.h"

int lesson_output_topk(const float *probs, int V, int k, int *ids);
double lesson_output_dot(const float *h, const float *e_row, int D);
float lesson_together_lit(float p, int i);

static void test_topk_by_hand(void **st)
{
    (void)st;
    const float p[8] = {0.05f, 0.30f, 0.01f, 0.20f, 0.30f, 0.04f, 0.10f, 0.0f};
    int ids[8];
    memset(ids, -1, sizeof ids);
    assert_int_equal(lesson_output_topk(p, 8, 4, ids), 4);
    /* 0.30 twice: id 1 before id 4 (the lower id wins a tie, as argmax does) */
    assert_int_equal(ids[0], 1);
    assert_int_equal(ids[1], 4);
    assert_int_equal(ids[2], 3);
    assert_int_equal(ids[3], 6);
    assert_int_equal(lesson_output_topk(p, 8, 1, ids), 1);
    assert_int_equal(ids[0], 1);
    /* k > V: every id, sorted */
    const float q[3] = {0.2f, 0.5f, 0.3f};
    assert_int_equal(lesson_output_topk(q, 3, 10, ids), 3);
    assert_int_equal(ids[0], 1);
    assert_int_equal(ids[1], 2);
    assert_int_equal(ids[2], 0);
}

static void test_dot_by_hand(void **st)
{
    (void)st;
    const float h[4] = {1.0f, -2.0f, 0.5f, 3.0f};
    const float e[4] = {2.0f, 1.0f, -4.0f, 0.25f};
    /* 2 - 2 - 2 + 0.75 */
    assert_true(fabs(lesson_output_dot(h, e, 4) - (-1.25)) < 1e-12);
    assert_true(fabs(lesson_output_dot(h, e, 0)) < 1e-12);
}

static void test_dot_equals_trace_logits(void **st)
{
    (void)st;
    char err[512];
    weights_model m;
    if (test_load_model(&m, "model.safetensors") != 0) fail();
    trace tr;
    assert_int_equal(trace_init(&tr, &m.params.cfg), 0);
    trace_opts o;
    memset(&o, 0, sizeof o);
    assert_int_equal(model_translate(&m.params, &m.vocab, "the dog has seen the cat", &o, &tr, err, sizeof err), 0);
    int D = tr.cfg.d_model, V = tr.cfg.vocab_size;
    float *cos = malloc(sizeof(float) * (size_t)V);
    assert_non_null(cos);
    assert_true(tr.n_tgt >= 2);
    for (int t = 0; t < tr.n_tgt; t++) {
        int ids[10];
        int k = lesson_output_topk(tr.probs + (size_t)t * V, V, 10, ids);
        assert_int_equal(k, 10);
        assert_int_equal(ids[0], tr.out_ids[t]);
        for (int i = 0; i < k; i++) {
            double dot = lesson_output_dot(tr.dec_out + (size_t)t * D, m.params.embedding + (size_t)ids[i] * D, D);
            assert_true(fabs(dot - (double)tr.logits[(size_t)t * V + ids[i]]) < 1e-4);
        }
        /* every word, not only the top 10: logits = h E^T exactly, no sqrt(d_model) at the output (lesson 13 step 4) */
        for (int v = 0; v < V; v++) {
            double dot = lesson_output_dot(tr.dec_out + (size_t)t * D, m.params.embedding + (size_t)v * D, D);
            assert_true(fabs(dot - (double)tr.logits[(size_t)t * V + v]) < 1e-4);
        }
        /* the cosine of lesson 13 step 4 (lessons/common/openq.c) is that dot over the two lengths */
        openq_cosines(tr.dec_out + (size_t)t * D, m.params.embedding, V, D, cos);
        int w = tr.out_ids[t];
        const float *h = tr.dec_out + (size_t)t * D, *e = m.params.embedding + (size_t)w * D;
        double c = lesson_output_dot(h, e, D) / sqrt(lesson_output_dot(h, h, D) * lesson_output_dot(e, e, D));
        assert_true(fabs(cos[w] - c) < 1e-5);
    }
    free(cos);
    /* the model's words: "der hund hat die katze gesehen" then <eos> */
    assert_string_equal(tok_vocab_word(&m.vocab, tr.out_ids[0]), "der");
    assert_int_equal(tr.out_ids[tr.n_tgt - 1], TOK_EOS);
    trace_free(&tr);
    weights_model_free(&m);
}

static void test_together_lighting(void **st)
{
    (void)st;
    /* stage 3 is dark until the position reaches 3, fully lit from 3 + 2/3 on */
    assert_true(lesson_together_lit(0.0f, 3) == 0.0f);
    assert_true(lesson_together_lit(3.0f, 3) == 0.0f);
    assert_true(lesson_together_lit(3.7f, 3) == 1.0f);
    assert_true(lesson_together_lit(10.0f, 3) == 1.0f);
    /* halfway (f = 0.5) cubic in-out gives 0.5; at f = 0.25 it gives 4 f^3 = 0.0625; at f = 0.75, 1 - 4 (1-f)^3 = 0.9375 */
    assert_true(fabsf(lesson_together_lit(3.0f + 0.5f / 1.5f, 3) - 0.5f) < 1e-5f);
    assert_true(fabsf(lesson_together_lit(3.0f + 0.25f / 1.5f, 3) - 0.0625f) < 1e-5f);
    assert_true(fabsf(lesson_together_lit(3.0f + 0.75f / 1.5f, 3) - 0.9375f) < 1e-5f);
    /* never decreasing as the animation plays */
    float prev = 0.0f;
    for (int k = 0; k <= 100; k++) {
        float v = lesson_together_lit(2.5f + (float)k * 0.02f, 3);
        assert_true(v >= prev && v >= 0.0f && v <= 1.0f);
        prev = v;
    }
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_topk_by_hand),
          cmocka_unit_test(test_dot_by_hand),
          cmocka_unit_test(test_dot_equals_trace_logits),
          cmocka_unit_test(test_together_lighting))
