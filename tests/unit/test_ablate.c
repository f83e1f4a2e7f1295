/* test_ablate.c - the "break it" ablations of trace_opts (engine/nn/nn.c),
 * run on the shipped model: without positional encoding the encoder outputs of
 * "the dog sees the cat" and "the cat sees the dog" are the same set of
 * vectors (a permutation) and the translations agree; a zeroed head, a zeroed
 * sub-layer, a missing residual or LayerNorm do exactly what they say (checked
 * against the trace's own tensors) and change the run; the intact options and
 * an ablation that is off give bit-identical traces; bad ablations are refused
 * with a message.
 * It must not test the layers' maths themselves (test_model.c, test_backward.c). */
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
#include "test_util.h"
#include "tok.h"
#include "trace.h"
#include "weights.h"

static weights_model g_model;
static trace g_a, g_b;

static int setup(void **state)
{
    (void)state;
    if (test_load_model(&g_model, "model.safetensors") != 0) return -1;
    if (trace_init(&g_a, &g_model.params.cfg) != 0 || trace_init(&g_b, &g_model.params.cfg) != 0) return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    trace_free(&g_a);
    trace_free(&g_b);
    weights_model_free(&g_model);
    return 0;
}

static void translate(trace *t, const char *s, const trace_opts *o)
{
    char err[256];
    if (model_translate(&g_model.params, &g_model.vocab, s, o, t, err, sizeof err) != 0) fail_msg("%s: %s", s, err);
}

static void output(const trace *t, char *dst, size_t n) { trace_output_text(t, &g_model.vocab, dst, n); }

/* Every row of a [n, D] appears in b [n, D] (to tol), each used once: a permutation. */
static void assert_row_permutation(const float *a, const float *b, int n, int D, float tol)
{
    int used[64] = { 0 };
    assert_true(n <= 64);
    for (int i = 0; i < n; i++) {
        int found = -1;
        for (int j = 0; j < n && found < 0; j++) {
            if (used[j]) continue;
            float worst = 0.0f;
            for (int d = 0; d < D; d++) worst = fmaxf(worst, fabsf(a[(size_t)i * D + d] - b[(size_t)j * D + d]));
            if (worst <= tol) found = j;
        }
        if (found < 0) fail_msg("row %d of the first run has no counterpart in the second", i);
        used[found] = 1;
    }
}

/* Largest |a - b| over rows [0, n) of [*, D]. */
static float max_diff(const float *a, const float *b, int n, int D)
{
    float m = 0.0f;
    for (size_t i = 0; i < (size_t)n * D; i++) m = fmaxf(m, fabsf(a[i] - b[i]));
    return m;
}

static void test_no_pe_is_a_permutation(void **state)
{
    (void)state;
    const int D = g_model.params.cfg.d_model;
    trace_opts o = { .no_pe = TRACE_PE_ENC };
    translate(&g_a, "the dog sees the cat", &o);
    translate(&g_b, "the cat sees the dog", &o);
    assert_int_equal(g_a.n_src, 6);
    assert_int_equal(g_b.n_src, 6);
    /* enc_x is the scaled embedding alone */
    assert_true(max_diff(g_a.enc_x, g_a.enc_embed, g_a.n_src, D) == 0.0f);
    /* "dog" (position 1) in the first sentence is "dog" (position 4) in the second, exactly the same input */
    assert_memory_equal(g_a.enc_x + 1 * D, g_b.enc_x + 4 * D, (size_t)D * sizeof(float));
    assert_row_permutation(g_a.memory, g_b.memory, g_a.n_src, D, 1e-4f);
    assert_true(max_diff(g_a.memory + 1 * D, g_b.memory + 4 * D, 1, D) <= 1e-4f);
    /* the memory is the same set, so the translation no longer depends on the word order */
    char ta[256], tb[256];
    output(&g_a, ta, sizeof ta);
    output(&g_b, tb, sizeof tb);
    assert_string_equal(ta, tb);

    /* with the positional encoding the two sentences differ: the model reads the order */
    translate(&g_a, "the dog sees the cat", NULL);
    translate(&g_b, "the cat sees the dog", NULL);
    assert_true(max_diff(g_a.memory + 1 * D, g_b.memory + 4 * D, 1, D) > 1e-2f);
    output(&g_a, ta, sizeof ta);
    output(&g_b, tb, sizeof tb);
    assert_string_equal(ta, "der hund sieht die katze");
    assert_string_equal(tb, "die katze sieht den hund");
}

/* Zeroing head 2 of encoder layer 0: its columns of concat are 0, its weights unchanged, the run changes. */
static void test_zero_head(void **state)
{
    (void)state;
    const model_config *c = &g_model.params.cfg;
    const int D = c->d_model, K = D / c->n_heads, L = c->max_len;
    const char *s = "the small dog does not see the big cat";
    translate(&g_a, s, NULL);
    trace_opts o = { .zero = { TRACE_SUB_ENC_SELF, 0, 2 } };
    translate(&g_b, s, &o);
    const int n = g_a.n_src;
    assert_memory_equal(g_a.enc[0].self.weights, g_b.enc[0].self.weights, (size_t)c->n_heads * L * L * sizeof(float));
    for (int i = 0; i < n; i++)
        for (int d = 0; d < D; d++) {
            const float got = g_b.enc[0].self.concat[(size_t)i * D + d];
            if (d / K == 2) assert_true(got == 0.0f);
            else assert_true(got == g_a.enc[0].self.concat[(size_t)i * D + d]);
        }
    /* the head's own output is still recorded (the lesson shows what was cut) */
    assert_memory_equal(g_a.enc[0].self.heads, g_b.enc[0].self.heads, (size_t)c->n_heads * L * K * sizeof(float));
    assert_true(max_diff(g_a.enc[0].self.out, g_b.enc[0].self.out, n, D) > 1e-3f);
    assert_true(max_diff(g_a.memory, g_b.memory, n, D) > 1e-3f);
    /* out = concat W_O^T + b_O with the zeroed concat: check row 0, column 5 by hand */
    const model_attn_params *w = &g_model.params.enc[0].self_attn;
    double want = w->out_proj_bias[5];
    for (int e = 0; e < D; e++) want += (double)g_b.enc[0].self.concat[e] * w->out_proj_weight[(size_t)5 * D + e];
    assert_float_equal(g_b.enc[0].self.out[5], want, 1e-4);

    /* a cross-attention head of decoder layer 1: the decoder side changes, the encoder does not */
    trace_opts oc = { .zero = { TRACE_SUB_DEC_CROSS, 1, 0 } };
    translate(&g_b, s, &oc);
    assert_memory_equal(g_a.memory, g_b.memory, (size_t)n * D * sizeof(float));
    for (int t = 0; t < g_b.n_tgt; t++)
        for (int d = 0; d < K; d++) assert_true(g_b.dec[1].cross.concat[(size_t)t * D + d] == 0.0f);
    assert_true(max_diff(g_a.dec[1].cross.out, g_b.dec[1].cross.out, 1, D) > 1e-4f);
}

/* A whole sub-layer zeroed, no residual, no LayerNorm: the Add & Norm's tensors say so. */
static void test_sublayer_residual_norm(void **state)
{
    (void)state;
    const model_config *c = &g_model.params.cfg;
    const int D = c->d_model;
    const char *s = "the dog has seen the cat";
    translate(&g_a, s, NULL);
    const int n = g_a.n_src;

    trace_opts z = { .zero = { TRACE_SUB_ENC_FFN, 1, -1 } };
    translate(&g_b, s, &z);
    for (int i = 0; i < n * D; i++) assert_true(g_b.enc[1].ffn.out[i] == 0.0f);
    /* sum = norm1.out + 0 */
    assert_memory_equal(g_b.enc[1].norm2.sum, g_b.enc[1].norm1.out, (size_t)n * D * sizeof(float));
    assert_memory_equal(g_b.enc[0].norm2.out, g_a.enc[0].norm2.out, (size_t)n * D * sizeof(float));

    trace_opts r = { .no_residual = { TRACE_SUB_DEC_SELF, 0, 0 } };
    translate(&g_b, s, &r);
    for (int t = 0; t < g_b.n_tgt; t++)
        assert_memory_equal(g_b.dec[0].norm1.sum + (size_t)t * D, g_b.dec[0].self.out + (size_t)t * D,
                            (size_t)D * sizeof(float));
    /* still a LayerNorm: row 0 of out has mean beta's mean (gamma, beta of norm1), checked through mean/std */
    double mean = 0.0;
    for (int d = 0; d < D; d++) mean += g_b.dec[0].norm1.sum[d];
    assert_float_equal(g_b.dec[0].norm1.mean[0], mean / D, 1e-5);

    trace_opts ln = { .no_norm = { TRACE_SUB_ENC_SELF, 0, 0 } };
    translate(&g_b, s, &ln);
    for (int i = 0; i < n * D; i++)
        assert_true(g_b.enc[0].norm1.out[i] == g_b.enc[0].input[i] + g_b.enc[0].self.out[i]);
    assert_true(g_b.enc[0].norm1.mean[0] == 0.0f && g_b.enc[0].norm1.std[0] == 1.0f);
    assert_true(max_diff(g_a.memory, g_b.memory, n, D) > 1e-3f);
}

/* The intact run: NULL, a zeroed struct, and ablations that are off give the same bits; an ablated run
 * leaves nothing behind in the trace. */
static void test_intact_bit_identical(void **state)
{
    (void)state;
    const char *s = "i know that the big dog sees the small cat";
    translate(&g_a, s, NULL);
    trace_opts off = { .zero = { TRACE_SUB_NONE, 1, 3 }, .no_residual = { TRACE_SUB_NONE, 1, 0 } };
    translate(&g_b, s, &off);
    assert_memory_equal(g_a.block, g_b.block, g_a.block_floats * sizeof(float));
    trace_opts broken = { .no_pe = TRACE_PE_ENC | TRACE_PE_DEC, .zero = { TRACE_SUB_DEC_SELF, 0, -1 } };
    translate(&g_b, s, &broken);
    translate(&g_b, s, NULL);
    assert_memory_equal(g_a.block, g_b.block, g_a.block_floats * sizeof(float));
    assert_int_equal(trace_opts_ablated(NULL), 0);
    assert_int_equal(trace_opts_ablated(&off), 0);
    assert_int_equal(trace_opts_ablated(&broken), 1);
}

static void test_bad_ablations(void **state)
{
    (void)state;
    char err[256] = "";
    const model_config *c = &g_model.params.cfg;
    const trace_opts bad[] = {
        { .zero = { TRACE_SUB_ENC_SELF, 2, 0 } },   /* layer out of range (2 layers) */
        { .zero = { TRACE_SUB_DEC_CROSS, 0, 4 } },  /* head out of range (4 heads) */
        { .zero = { TRACE_SUB_DEC_FFN, 0, 1 } },    /* an FFN has no heads */
        { .zero = { TRACE_SUB_COUNT, 0, 0 } },
        { .no_norm = { TRACE_SUB_ENC_FFN, -1, 0 } },
        { .no_pe = 4 },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(trace_opts_check(&bad[i], c, err, sizeof err), -1);
        assert_true(strlen(err) > 10);
        assert_int_equal(model_translate(&g_model.params, &g_model.vocab, "the dog", &bad[i], &g_b, err, sizeof err),
                         -1);
    }
    assert_non_null(strstr(err, "no_pe"));
    const trace_opts good = { .zero = { TRACE_SUB_DEC_FFN, 1, -1 }, .no_norm = { TRACE_SUB_DEC_CROSS, 1, 0 } };
    assert_int_equal(trace_opts_check(&good, c, err, sizeof err), 0);
}

TEST_MAIN(setup, teardown,
          cmocka_unit_test(test_no_pe_is_a_permutation),
          cmocka_unit_test(test_zero_head),
          cmocka_unit_test(test_sublayer_residual_norm),
          cmocka_unit_test(test_intact_bit_identical),
          cmocka_unit_test(test_bad_ablations))
