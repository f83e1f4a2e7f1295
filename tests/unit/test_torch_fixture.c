/* test_torch_fixture.c - the engine's forward pass against PyTorch.
 *
 * Loads each fixture written by scripts/make_torch_fixture.py (weights in
 * safetensors, exported from a randomised torch.nn.Transformer, and the
 * expected outputs in a small text file), runs model_run_ids teacher-forced on
 * the recorded ids, and checks the logits and every per-head attention weight
 * of every encoder self, decoder self and decoder cross attention within 1e-4.
 * It needs no torch: the fixtures are committed. It must not re-derive the
 * expected numbers itself.
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

#include "model.h"
#include "tok.h"
#include "trace.h"
#include "weights.h"
#include "test_util.h"

#define TOL 1e-4

typedef struct {
    char kind[16];   /* enc_self, dec_self, dec_cross */
    int layer, h, q, k;
    double *w;       /* [H, Q, K] */
} expect_attn;

typedef struct {
    int src[64], n_src;
    int tgt[64], n_tgt;
    int t_rows, v;
    double *logits;  /* [T, V] */
    expect_attn attn[64];
    int n_attn;
} expect;

static void fixture_path(char *dst, size_t n, const char *name, const char *ext)
{
    const char *dir = getenv("TLAB_FIXTURES");
    snprintf(dst, n, "%s/%s%s", dir && dir[0] ? dir : "tests/fixtures", name, ext);
}

static double *read_doubles(FILE *f, size_t n)
{
    double *v = malloc(n * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++) assert_int_equal(fscanf(f, "%lf", &v[i]), 1);
    return v;
}

static void read_expect(expect *e, const char *name)
{
    char path[1024], word[64];
    fixture_path(path, sizeof path, name, ".expect");
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s (set TLAB_FIXTURES)", path);
    memset(e, 0, sizeof *e);
    int version = 0;
    assert_int_equal(fscanf(f, "%63s %d", word, &version), 2);
    assert_string_equal(word, "tlab-torch-fixture");
    assert_int_equal(version, 1);
    while (fscanf(f, "%63s", word) == 1) {
        if (strcmp(word, "src") == 0 || strcmp(word, "tgt") == 0) {
            int *ids = word[0] == 's' ? e->src : e->tgt, n = 0;
            assert_int_equal(fscanf(f, "%d", &n), 1);
            assert_true(n > 0 && n <= 64);
            for (int i = 0; i < n; i++) assert_int_equal(fscanf(f, "%d", &ids[i]), 1);
            if (word[0] == 's') e->n_src = n;
            else e->n_tgt = n;
        } else if (strcmp(word, "logits") == 0) {
            assert_int_equal(fscanf(f, "%d %d", &e->t_rows, &e->v), 2);
            e->logits = read_doubles(f, (size_t)e->t_rows * (size_t)e->v);
        } else if (strcmp(word, "attn") == 0) {
            assert_true(e->n_attn < 64);
            expect_attn *a = &e->attn[e->n_attn++];
            assert_int_equal(fscanf(f, "%15s %d %d %d %d", a->kind, &a->layer, &a->h, &a->q, &a->k), 5);
            a->w = read_doubles(f, (size_t)a->h * (size_t)a->q * (size_t)a->k);
        } else {
            fail_msg("%s: unknown record \"%s\"", path, word);
        }
    }
    fclose(f);
    assert_true(e->n_src > 0 && e->n_tgt > 0 && e->logits);
}

static void free_expect(expect *e)
{
    free(e->logits);
    for (int i = 0; i < e->n_attn; i++) free(e->attn[i].w);
}

/* The largest |ours - torch| over the logits rows. */
static double logits_diff(const trace *t, const expect *e)
{
    double worst = 0.0;
    for (int r = 0; r < e->t_rows; r++)
        for (int c = 0; c < e->v; c++) {
            double d = fabs((double)t->logits[(size_t)r * (size_t)e->v + (size_t)c] - e->logits[(size_t)r * e->v + c]);
            if (!(d <= worst)) worst = d; /* NaN counts as worst */
        }
    return worst;
}

static void check_fixture(const char *name, int expect_final_norm, int expect_vocab)
{
    expect e;
    read_expect(&e, name);
    char path[1024], err[512];
    fixture_path(path, sizeof path, name, ".safetensors");
    weights_model m;
    if (weights_load(&m, path, err, sizeof err) != 0) fail_msg("%s", err);
    assert_int_equal(m.params.cfg.has_final_norm, expect_final_norm);
    assert_int_equal(m.has_vocab, expect_vocab);
    assert_string_equal(m.task, "torch-reference");
    assert_int_equal(m.params.cfg.vocab_size, e.v);
    assert_int_equal(e.t_rows, e.n_tgt);

    trace t;
    assert_int_equal(trace_init(&t, &m.params.cfg), 0);
    if (model_run_ids(&m.params, e.src, e.n_src, e.tgt, e.n_tgt, NULL, &t, err, sizeof err) != 0)
        fail_msg("model_run_ids: %s", err);
    assert_int_equal(t.n_src, e.n_src);
    assert_int_equal(t.n_tgt, e.n_tgt);

    double worst = logits_diff(&t, &e);
    print_message("%s: logits max |ours - torch| = %.3g\n", name, worst);
    if (!(worst <= TOL)) fail_msg("%s: logits differ from torch by %g (> %g)", name, worst, TOL);

    const int H = m.params.cfg.n_heads;
    int n_enc = 0, n_dself = 0, n_cross = 0;
    double worst_attn = 0.0;
    for (int i = 0; i < e.n_attn; i++) {
        const expect_attn *a = &e.attn[i];
        const float *w;
        int want_q, want_k;
        if (strcmp(a->kind, "enc_self") == 0) {
            assert_true(a->layer < m.params.cfg.n_enc_layers);
            w = t.enc[a->layer].self.weights;
            want_q = e.n_src, want_k = e.n_src;
            n_enc++;
        } else if (strcmp(a->kind, "dec_self") == 0) {
            assert_true(a->layer < m.params.cfg.n_dec_layers);
            w = t.dec[a->layer].self.weights;
            want_q = e.n_tgt, want_k = e.n_tgt;
            n_dself++;
        } else {
            assert_string_equal(a->kind, "dec_cross");
            assert_true(a->layer < m.params.cfg.n_dec_layers);
            w = t.dec[a->layer].cross.weights;
            want_q = e.n_tgt, want_k = e.n_src;
            n_cross++;
        }
        assert_int_equal(a->h, H);
        assert_int_equal(a->q, want_q);
        assert_int_equal(a->k, want_k);
        for (int h = 0; h < a->h; h++)
            for (int q = 0; q < a->q; q++)
                for (int k = 0; k < a->k; k++) {
                    double want = a->w[((size_t)h * a->q + q) * a->k + k];
                    double got = trace_attn_at(&t, w, h, q, k);
                    double d = fabs(got - want);
                    if (!(d <= TOL))
                        fail_msg("%s: %s layer %d head %d query %d key %d: ours %.7f, torch %.7f", name, a->kind,
                                 a->layer, h, q, k, got, want);
                    if (d > worst_attn) worst_attn = d;
                }
    }
    print_message("%s: attention weights max |ours - torch| = %.3g\n", name, worst_attn);
    assert_int_equal(n_enc, m.params.cfg.n_enc_layers);
    assert_int_equal(n_dself, m.params.cfg.n_dec_layers);
    assert_int_equal(n_cross, m.params.cfg.n_dec_layers);

    /* The comparison can fail: a small change to one late parameter shows up. */
    float *victim = expect_final_norm ? m.params.dec_norm_bias : m.params.dec[m.params.cfg.n_dec_layers - 1].norm3_bias;
    victim[0] += 0.01f;
    assert_int_equal(model_run_ids(&m.params, e.src, e.n_src, e.tgt, e.n_tgt, NULL, &t, err, sizeof err), 0);
    assert_true(logits_diff(&t, &e) > 10 * TOL);

    trace_free(&t);
    weights_model_free(&m);
    free_expect(&e);
}

/* Paper layout: no final norms; the file carries a vocabulary. */
static void test_torch_paper(void **state)
{
    (void)state;
    check_fixture("torch_paper", 0, 1);
}

/* Default nn.Transformer: encoder.norm and decoder.norm; no vocabulary. */
static void test_torch_default(void **state)
{
    (void)state;
    check_fixture("torch_default", 1, 0);
}

/* The vocabulary written by Python (non-ASCII, quotes) reads back. */
static void test_torch_vocab(void **state)
{
    (void)state;
    char path[1024], err[512];
    fixture_path(path, sizeof path, "torch_paper", ".safetensors");
    weights_model m;
    if (weights_load(&m, path, err, sizeof err) != 0) fail_msg("%s", err);
    assert_int_equal(m.vocab.size, 24);
    assert_string_equal(tok_vocab_word(&m.vocab, 0), "<pad>");
    assert_string_equal(tok_vocab_word(&m.vocab, 4), "w04");
    assert_string_equal(tok_vocab_word(&m.vocab, 22), "\xc3\xbc" "ber");
    assert_string_equal(tok_vocab_word(&m.vocab, 23), "\"quoted\"");
    weights_model_free(&m);
    fixture_path(path, sizeof path, "torch_default", ".safetensors");
    if (weights_load(&m, path, err, sizeof err) != 0) fail_msg("%s", err);
    assert_string_equal(tok_vocab_word(&m.vocab, 29), "#29");
    weights_model_free(&m);
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_torch_paper),
          cmocka_unit_test(test_torch_default),
          cmocka_unit_test(test_torch_vocab))
