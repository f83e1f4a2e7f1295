/* test_lesson_masked_whatif.c - the what-if runs behind the masked-attention
 * lesson's "break it" switch (lessons/common/whatif.c): the second trace is the live
 * decoder input run without the causal mask, it is cached per ids, and it
 * differs from the live trace exactly where the mask matters.
 *
 * Uses the shipped model (TLAB_ASSETS/model.safetensors, else the untrained one).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "whatif.h"
#include "model_fixture.h"
#include "test_util.h"

static weights_model g_model;
static trace g_live;

static int setup(void **st)
{
    (void)st;
    if (model_fixture_load(&g_model) != 0) return -1;
    return trace_init(&g_live, &g_model.params.cfg);
}

static int teardown(void **st)
{
    (void)st;
    trace_free(&g_live);
    weights_model_free(&g_model);
    return 0;
}

static void translate(const char *s)
{
    char err[256];
    assert_int_equal(model_translate(&g_model.params, &g_model.vocab, s, NULL, &g_live, err, sizeof err), 0);
}

static float w_at(const trace *t, int l, int h, int q, int k) { return trace_attn_at(t, t->dec[l].self.weights, h, q, k); }

static void test_null_and_errors(void **st)
{
    (void)st;
    char err[128] = "";
    whatif_free(NULL);
    assert_null(whatif_no_causal_mask(NULL, &g_model.params, &g_live, err, sizeof err));
    assert_true(strlen(err) > 0);
    whatif *w = whatif_new(NULL);
    assert_non_null(w);
    err[0] = 0;
    assert_null(whatif_no_causal_mask(w, &g_model.params, NULL, err, sizeof err));
    assert_true(strlen(err) > 0);
    assert_int_equal(whatif_runs(w), 0);
    whatif_free(w);
}

static void test_same_input_no_mask(void **st)
{
    (void)st;
    translate("the dog sees the cat");
    whatif *w = whatif_new(&g_model.params.cfg);
    char err[256];
    const trace *x = whatif_no_causal_mask(w, &g_model.params, &g_live, err, sizeof err);
    assert_non_null(x);
    assert_int_equal(x->opts.no_causal_mask, 1);
    assert_int_equal(x->n_tgt, g_live.n_tgt);
    assert_int_equal(x->n_src, g_live.n_src);
    assert_memory_equal(x->tgt_ids, g_live.tgt_ids, sizeof(int) * (size_t)g_live.n_tgt);
    int T = g_live.n_tgt, H = g_model.params.cfg.n_heads, NL = g_model.params.cfg.n_dec_layers;
    assert_true(T >= 3);
    /* live: the upper triangle is exactly 0 and masked -inf; what-if: masked == scaled, some future weight */
    float maxfut = 0;
    for (int l = 0; l < NL; l++)
        for (int h = 0; h < H; h++)
            for (int q = 0; q < T; q++) {
                double sum = 0;
                for (int k = 0; k < T; k++) {
                    if (k > q) {
                        assert_true(w_at(&g_live, l, h, q, k) == 0.0f);
                        float m = trace_attn_at(&g_live, g_live.dec[l].self.masked, h, q, k);
                        assert_true(isinf(m) && m < 0);
                        maxfut = fmaxf(maxfut, w_at(x, l, h, q, k));
                    }
                    assert_true(trace_attn_at(x, x->dec[l].self.masked, h, q, k) ==
                                trace_attn_at(x, x->dec[l].self.scaled, h, q, k));
                    sum += w_at(x, l, h, q, k);
                }
                assert_true(fabs(sum - 1.0) < 1e-5);
            }
    assert_true(maxfut > 0.0f);
    /* decoder layer 0 reads the same X in both runs, and its last row sees every
     * column in both: that row is identical. Row 0 sees only itself under the mask. */
    for (int h = 0; h < H; h++) {
        for (int k = 0; k < T; k++) assert_true(fabsf(w_at(x, 0, h, T - 1, k) - w_at(&g_live, 0, h, T - 1, k)) < 1e-6f);
        assert_true(w_at(&g_live, 0, h, 0, 0) == 1.0f);
    }
    int row0_differs = 0;
    for (int h = 0; h < H; h++) row0_differs |= w_at(x, 0, h, 0, 0) < 0.999f;
    assert_true(row0_differs);
    /* out_ids are the argmax of each row of the what-if logits */
    int V = g_model.params.cfg.vocab_size;
    for (int t = 0; t < T; t++) {
        const float *lg = x->logits + (size_t)t * V;
        int best = 0;
        for (int v = 1; v < V; v++)
            if (lg[v] > lg[best]) best = v;
        assert_int_equal(x->out_ids[t], best);
    }
    whatif_free(w);
}

static void test_cached_per_ids(void **st)
{
    (void)st;
    char err[256];
    whatif *w = whatif_new(&g_model.params.cfg);
    translate("the dog sees the cat");
    const trace *a = whatif_no_causal_mask(w, &g_model.params, &g_live, err, sizeof err);
    assert_non_null(a);
    assert_int_equal(whatif_runs(w), 1);
    float keep = w_at(a, 1, 0, 0, 1);
    assert_ptr_equal(whatif_no_causal_mask(w, &g_model.params, &g_live, err, sizeof err), a);
    assert_int_equal(whatif_runs(w), 1);
    /* the same text again: same ids, no re-run */
    translate("the dog sees the cat");
    assert_non_null(whatif_no_causal_mask(w, &g_model.params, &g_live, err, sizeof err));
    assert_int_equal(whatif_runs(w), 1);
    /* another sentence: re-run, new ids */
    translate("the woman sees the old dog in the garden");
    const trace *b = whatif_no_causal_mask(w, &g_model.params, &g_live, err, sizeof err);
    assert_non_null(b);
    assert_int_equal(whatif_runs(w), 2);
    assert_int_equal(b->n_tgt, g_live.n_tgt);
    assert_memory_equal(b->src_ids, g_live.src_ids, sizeof(int) * (size_t)g_live.n_src);
    /* and back: re-run gives the first numbers again (deterministic) */
    translate("the dog sees the cat");
    const trace *c = whatif_no_causal_mask(w, &g_model.params, &g_live, err, sizeof err);
    assert_int_equal(whatif_runs(w), 3);
    assert_true(w_at(c, 1, 0, 0, 1) == keep);
    whatif_free(w);
}

/* whatif_translate (the Experiments lesson): the sentence translated with an ablation equals a direct
 * model_translate with the same options; cached per (sentence, options); the no-mask run and it do not
 * mix up their caches. */
static void test_translate_with_opts(void **st)
{
    (void)st;
    char err[256];
    whatif *w = whatif_new(&g_model.params.cfg);
    assert_non_null(w);
    assert_null(whatif_trace(w));
    const trace_opts o = {.no_pe = TRACE_PE_ENC};
    const trace *t = whatif_translate(w, &g_model.params, &g_model.vocab, "the dog sees the cat", &o, err, sizeof err);
    assert_non_null(t);
    assert_ptr_equal(whatif_trace(w), t);
    trace ref;
    assert_int_equal(trace_init(&ref, &g_model.params.cfg), 0);
    assert_int_equal(model_translate(&g_model.params, &g_model.vocab, "the dog sees the cat", &o, &ref, err, sizeof err), 0);
    assert_int_equal(t->n_out, ref.n_out);
    assert_memory_equal(t->out_ids, ref.out_ids, sizeof(int) * (size_t)ref.n_out);
    assert_memory_equal(t->memory, ref.memory, sizeof(float) * (size_t)ref.n_src * (size_t)ref.cfg.d_model);
    trace_free(&ref);
    assert_int_equal(whatif_runs(w), 1);
    whatif_translate(w, &g_model.params, &g_model.vocab, "the dog sees the cat", &o, err, sizeof err);
    assert_int_equal(whatif_runs(w), 1); /* cached */
    whatif_translate(w, &g_model.params, &g_model.vocab, "the dog sees the cat", NULL, err, sizeof err);
    assert_int_equal(whatif_runs(w), 2); /* other options */
    translate("the dog sees the cat");
    assert_non_null(whatif_no_causal_mask(w, &g_model.params, &g_live, err, sizeof err));
    assert_int_equal(whatif_runs(w), 3); /* the no-mask run is another run, not the cached translation */
    whatif_translate(w, &g_model.params, &g_model.vocab, "the dog sees the cat", NULL, err, sizeof err);
    assert_int_equal(whatif_runs(w), 4);
    const trace_opts bad = {.zero = {TRACE_SUB_DEC_CROSS, 7, 0}};
    assert_null(whatif_translate(w, &g_model.params, &g_model.vocab, "the dog", &bad, err, sizeof err));
    assert_non_null(strstr(err, "layer out of range"));
    assert_null(whatif_trace(w));
    assert_null(whatif_translate(w, &g_model.params, &g_model.vocab, NULL, NULL, err, sizeof err));
    whatif_free(w);
}

TEST_MAIN(setup, teardown,
          cmocka_unit_test(test_null_and_errors),
          cmocka_unit_test(test_same_input_no_mask),
          cmocka_unit_test(test_cached_per_ids),
          cmocka_unit_test(test_translate_with_opts))
