/* test_openq.c - the numbers of the walkthrough's three open questions
 * (lessons/common/openq.c) against hand-computed values and the engine:
 *   1 R_k: its blocks by hand; R_k·PE(pos) = PE(pos+k) within 1e-5 for every
 *     pos and every k of the model's PE table, and R_(k+1) does not fit;
 *   2 the head parts of W_O's output: by hand on a 2-head toy, and on the
 *     trained model Σ_h parts + b_O = the trace's out for every layer, token
 *     and attention kind;
 *   3 the tied output projection: cosines by hand (on the model, with every
 *     word's dot product against the trace's logits: test_lesson_output.c).
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

static void test_rotation_by_hand(void **st)
{
    (void)st;
    double cs[4];
    openq_rotation_blocks(1, 4, cs);
    /* D = 4: w0 = 1, w1 = 10000^(-2/4) = 0.01 */
    assert_true(fabs(cs[0] - cos(1.0)) < 1e-15 && fabs(cs[1] - sin(1.0)) < 1e-15);
    assert_true(fabs(cs[2] - cos(0.01)) < 1e-15 && fabs(cs[3] - sin(0.01)) < 1e-15);
    /* PE(0) = (sin 0, cos 0, sin 0, cos 0) turned by k = 1 is PE(1) = (sin 1, cos 1, sin .01, cos .01) */
    const float pe0[4] = {0, 1, 0, 1};
    float y[4];
    openq_rotate_row(cs, pe0, 4, y);
    assert_true(fabsf(y[0] - (float)sin(1.0)) < 1e-7f && fabsf(y[1] - (float)cos(1.0)) < 1e-7f);
    assert_true(fabsf(y[2] - (float)sin(0.01)) < 1e-7f && fabsf(y[3] - (float)cos(0.01)) < 1e-7f);
    /* a hand-made table whose row 1 is wrong by 0.25 in dimension 2 */
    float pe[8] = {0, 1, 0, 1, (float)sin(1.0), (float)cos(1.0), (float)sin(0.01) + 0.25f, (float)cos(0.01)};
    int at = -1;
    assert_true(fabs(openq_rotation_error(pe, 2, 4, 1, &at) - 0.25) < 1e-6);
    assert_int_equal(at, 0);
    assert_true(openq_rotation_error(pe, 2, 4, 2, &at) == 0.0); /* k >= n: no pair */
    assert_int_equal(at, -1);
}

/* The shipped model and a trace of sentence (NULL: the trace's constant PE table only). */
static void run_model(weights_model *m, trace *tr, const char *sentence)
{
    char err[512];
    if (test_load_model(m, "model.safetensors") != 0) fail();
    assert_int_equal(trace_init(tr, &m->params.cfg), 0);
    if (sentence) assert_int_equal(model_translate(&m->params, &m->vocab, sentence, NULL, tr, err, sizeof err), 0);
}

static void test_rotation_every_pos_and_k(void **st)
{
    (void)st;
    weights_model m;
    trace tr;
    run_model(&m, &tr, NULL);
    int Lm = tr.cfg.max_len, D = tr.cfg.d_model;
    double worst = 0;
    for (int k = 0; k < Lm; k++) {
        double e = openq_rotation_error(tr.enc_pe, Lm, D, k, NULL);
        if (e > worst) worst = e;
        assert_true(e < 1e-5);
    }
    printf("max |R_k PE(pos) - PE(pos+k)| over every pos and k of %d positions: %.3g\n", Lm, worst);
    /* the blocks of k + 1 do not map PE(pos) onto PE(pos + k) */
    double cs[1024];
    float y[1024];
    openq_rotation_blocks(3, D, cs);
    openq_rotate_row(cs, tr.enc_pe, D, y);
    double off = 0;
    for (int d = 0; d < D; d++) off = fmax(off, fabs((double)y[d] - tr.enc_pe[2 * D + d]));
    assert_true(off > 0.1);
    trace_free(&tr);
    weights_model_free(&m);
}

static void test_head_parts_by_hand(void **st)
{
    (void)st;
    /* D = 2, H = 2, K = 1: concat (2, 3); W_O = [[1, 10], [-1, 0.5]] (row d = output dimension) */
    const float x[2] = {2, 3}, w[4] = {1, 10, -1, 0.5f};
    float parts[4], norms[2];
    openq_head_parts(x, w, 2, 2, 1, parts);
    /* head 1 (column 0): (1*2, -1*2); head 2 (column 1): (10*3, 0.5*3) */
    assert_true(parts[0] == 2.0f && parts[1] == -2.0f && parts[2] == 30.0f && parts[3] == 1.5f);
    openq_part_norms(parts, 2, 2, norms);
    assert_true(fabsf(norms[0] - sqrtf(8.0f)) < 1e-6f && fabsf(norms[1] - sqrtf(902.25f)) < 1e-4f);
}

/* Σ_h parts + b_O over the first `used` of H heads against the trace's out, rows 0..n-1 of one sub-layer. */
static double parts_error(const trace_attn *a, const model_attn_params *p, int n, int D, int H, int used)
{
    float *parts = malloc(sizeof(float) * (size_t)H * (size_t)D);
    assert_non_null(parts);
    double worst = 0;
    for (int t = 0; t < n; t++) {
        openq_head_parts(a->concat + (size_t)t * D, p->out_proj_weight, D, H, D / H, parts);
        for (int d = 0; d < D; d++) {
            double acc = p->out_proj_bias ? p->out_proj_bias[d] : 0;
            for (int h = 0; h < used; h++) acc += parts[h * D + d];
            worst = fmax(worst, fabs(acc - a->out[(size_t)t * D + d]));
        }
    }
    free(parts);
    return worst;
}

static void test_head_parts_sum_to_out(void **st)
{
    (void)st;
    weights_model m;
    trace tr;
    run_model(&m, &tr, "the dog sees the cat");
    int D = tr.cfg.d_model, H = tr.cfg.n_heads;
    for (int l = 0; l < tr.cfg.n_enc_layers; l++)
        assert_true(parts_error(&tr.enc[l].self, &m.params.enc[l].self_attn, tr.n_src, D, H, H) < 1e-4);
    for (int l = 0; l < tr.cfg.n_dec_layers; l++) {
        assert_true(parts_error(&tr.dec[l].self, &m.params.dec[l].self_attn, tr.n_tgt, D, H, H) < 1e-4);
        assert_true(parts_error(&tr.dec[l].cross, &m.params.dec[l].cross_attn, tr.n_tgt, D, H, H) < 1e-4);
    }
    /* one head fewer does not add up: the heads really are all needed */
    assert_true(parts_error(&tr.enc[0].self, &m.params.enc[0].self_attn, tr.n_src, D, H, H - 1) > 1e-2);
    trace_free(&tr);
    weights_model_free(&m);
}

static void test_cosines_by_hand(void **st)
{
    (void)st;
    const float h[2] = {1, 0}, E[8] = {2, 0, 0, 3, 1, 1, 0, 0};
    float c[4];
    openq_cosines(h, E, 4, 2, c);
    assert_true(fabsf(c[0] - 1.0f) < 1e-7f && fabsf(c[1]) < 1e-7f);
    assert_true(fabsf(c[2] - (float)(1.0 / sqrt(2.0))) < 1e-7f && c[3] == 0.0f);
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_rotation_by_hand),
          cmocka_unit_test(test_rotation_every_pos_and_k),
          cmocka_unit_test(test_head_parts_by_hand),
          cmocka_unit_test(test_head_parts_sum_to_out),
          cmocka_unit_test(test_cosines_by_hand))
