/* test_model.c - the forward pass and the trace (engine/nn/model.c, trace.c):
 * attention on a 3-token example worked out by hand; the whole model against
 * a naive double-precision reference written independently below; the trace's
 * invariants on a seeded random default-size model; incremental greedy
 * decoding against teacher forcing; input validation; odd sentences.
 * It must not test the tokenizer's rules (test_tok.c) or kernels (test_kernels.c). */
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

static void assert_near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol)) fail_msg("got %.9g, want %.9g (tolerance %g)", got, want, tol);
}

static float at(const trace *t, const float *m, int h, int q, int k) { return trace_attn_at(t, m, h, q, k); }

/* ---------- 1. attention by hand ---------- */

/* D = 2, H = 1 (K = 2), identity W_q, W_k, W_v, W_O, zero biases. Embeddings
 * are chosen so the layer inputs are exactly x0 = (1,0), x1 = (0,1), x2 = (1,1)
 * (E[id] = (x - PE(pos)) / sqrt(2), PE(pos) = (sin pos, cos pos) for D = 2).
 * Then Q = K = V = X and, worked out by hand:
 *   scores = X X^T = [[1,0,1],[0,1,1],[1,1,2]], scaled = scores / sqrt(2)
 *   weights row 0 = softmax(0.7071, 0, 0.7071) = (0.401112, 0.197776, 0.401112)
 *   weights row 1 = (0.197776, 0.401112, 0.401112)
 *   weights row 2 = softmax(0.7071, 0.7071, 1.4142) = (0.248255, 0.248255, 0.503490)
 *   heads row i = sum_j w_ij x_j: (0.802224, 0.598888), (0.598888, 0.802224), (0.751745, 0.751745)
 * Decoder self-attention (causal) on the same inputs:
 *   row 0 = (1, 0, 0); row 1 = softmax(0, 0.7071) = (0.330238, 0.669762, 0); row 2 as above. */
static void set_identity_attn(model_attn_params *a, int D)
{
    for (int m = 0; m < 3; m++)
        for (int i = 0; i < D; i++) a->in_proj_weight[((size_t)m * D + i) * D + i] = 1.0f;
    for (int i = 0; i < D; i++) a->out_proj_weight[(size_t)i * D + i] = 1.0f;
}

static void test_attention_by_hand(void **state)
{
    (void)state;
    model_config c = test_config(8, 2, 1, 1, 2, 4);
    model_params p;
    assert_int_equal(model_params_init(&p, &c), 0);
    set_identity_attn(&p.enc[0].self_attn, 2);
    set_identity_attn(&p.dec[0].self_attn, 2);
    /* cross-attention left all zero: Q = K = V = 0, so every weight is 1/S. */
    for (int i = 0; i < 2; i++) {
        p.enc[0].norm1_weight[i] = p.enc[0].norm2_weight[i] = 1.0f;
        p.dec[0].norm1_weight[i] = p.dec[0].norm2_weight[i] = p.dec[0].norm3_weight[i] = 1.0f;
    }
    const double X[3][2] = { { 1, 0 }, { 0, 1 }, { 1, 1 } };
    for (int pos = 0; pos < 3; pos++) {
        p.embedding[(4 + pos) * 2 + 0] = (float)((X[pos][0] - sin((double)pos)) / sqrt(2.0));
        p.embedding[(4 + pos) * 2 + 1] = (float)((X[pos][1] - cos((double)pos)) / sqrt(2.0));
    }
    trace t;
    assert_int_equal(trace_init(&t, &c), 0);
    const int ids[3] = { 4, 5, 6 };
    char err[128];
    assert_int_equal(model_run_ids(&p, ids, 3, ids, 3, NULL, &t, err, sizeof err), 0);

    const trace_attn *e = &t.enc[0].self;
    const double scores[3][3] = { { 1, 0, 1 }, { 0, 1, 1 }, { 1, 1, 2 } };
    const double w[3][3] = { { 0.4011120927, 0.1977758146, 0.4011120927 },
                             { 0.1977758146, 0.4011120927, 0.4011120927 },
                             { 0.2482550783, 0.2482550783, 0.5034898435 } };
    const double heads[3][2] = { { 0.8022241854, 0.5988879073 },
                                 { 0.5988879073, 0.8022241854 },
                                 { 0.7517449217, 0.7517449217 } };
    for (int i = 0; i < 3; i++) {
        for (int d = 0; d < 2; d++) {
            assert_near(t.enc_x[i * 2 + d], X[i][d], 1e-6);
            assert_near(e->q[i * 2 + d], X[i][d], 1e-6);
            assert_near(e->k[i * 2 + d], X[i][d], 1e-6);
            assert_near(e->v[i * 2 + d], X[i][d], 1e-6);
            assert_near(e->heads[i * 2 + d], heads[i][d], 1e-5);
            assert_near(e->concat[i * 2 + d], heads[i][d], 1e-5);
            assert_near(e->out[i * 2 + d], heads[i][d], 1e-5);
        }
        for (int j = 0; j < 3; j++) {
            assert_near(at(&t, e->scores, 0, i, j), scores[i][j], 1e-5);
            assert_near(at(&t, e->scaled, 0, i, j), scores[i][j] / sqrt(2.0), 1e-5);
            assert_near(at(&t, e->masked, 0, i, j), scores[i][j] / sqrt(2.0), 1e-5);
            assert_near(at(&t, e->weights, 0, i, j), w[i][j], 1e-5);
        }
        /* Column 3 is beyond the source: not live, weight exactly 0. */
        assert_true(at(&t, e->weights, 0, i, 3) == 0.0f);
    }

    /* Decoder self-attention: causal. */
    const trace_attn *s = &t.dec[0].self;
    const double dw[3][3] = { { 1, 0, 0 }, { 0.3302384507, 0.6697615493, 0 }, { w[2][0], w[2][1], w[2][2] } };
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            assert_near(at(&t, s->weights, 0, i, j), dw[i][j], 1e-5);
            /* Raw and scaled scores are shown in the upper triangle too. */
            assert_near(at(&t, s->scores, 0, i, j), scores[i][j], 1e-5);
            assert_near(at(&t, s->scaled, 0, i, j), scores[i][j] / sqrt(2.0), 1e-5);
            if (j > i) {
                assert_true(at(&t, s->weights, 0, i, j) == 0.0f);
                assert_true(isinf(at(&t, s->masked, 0, i, j)) && at(&t, s->masked, 0, i, j) < 0);
            }
        }
    /* Cross-attention with Q = K = V = 0: uniform over the 3 source tokens. */
    const trace_attn *x = &t.dec[0].cross;
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) assert_near(at(&t, x->weights, 0, i, j), 1.0 / 3.0, 1e-6);
        assert_true(at(&t, x->weights, 0, i, 3) == 0.0f);
    }
    trace_free(&t);
    model_params_free(&p);
}

/* ---------- 2. the whole model against a double-precision reference ---------- */

static void ref_linear(double *y, const double *x, const float *w, const float *b, int n, int in, int out)
{
    for (int i = 0; i < n; i++)
        for (int o = 0; o < out; o++) {
            double s = b ? b[o] : 0.0;
            for (int k = 0; k < in; k++) s += x[i * in + k] * w[o * in + k];
            y[i * out + o] = s;
        }
}

static void ref_layernorm(double *y, const double *x, const float *g, const float *b, int n, int d, double eps)
{
    for (int i = 0; i < n; i++) {
        double mu = 0, var = 0;
        for (int k = 0; k < d; k++) mu += x[i * d + k];
        mu /= d;
        for (int k = 0; k < d; k++) var += (x[i * d + k] - mu) * (x[i * d + k] - mu);
        var /= d;
        for (int k = 0; k < d; k++) y[i * d + k] = (x[i * d + k] - mu) / sqrt(var + eps) * g[k] + b[k];
    }
}

/* out[nq, D] = MHA(xq, xkv, xkv); weights[H][nq][nk] optionally returned. */
static void ref_mha(double *out, const double *xq, int nq, const double *xkv, int nk, const model_attn_params *a,
                    int D, int H, int causal)
{
    const int K = D / H;
    double *q = calloc((size_t)nq * D, sizeof *q), *k = calloc((size_t)nk * D, sizeof *k);
    double *v = calloc((size_t)nk * D, sizeof *v), *cat = calloc((size_t)nq * D, sizeof *cat);
    ref_linear(q, xq, a->in_proj_weight, a->in_proj_bias, nq, D, D);
    ref_linear(k, xkv, a->in_proj_weight + D * D, a->in_proj_bias + D, nk, D, D);
    ref_linear(v, xkv, a->in_proj_weight + 2 * D * D, a->in_proj_bias + 2 * D, nk, D, D);
    for (int h = 0; h < H; h++)
        for (int i = 0; i < nq; i++) {
            double s[64], mx = -1e300, sum = 0;
            int n = causal ? i + 1 : nk;
            for (int j = 0; j < n; j++) {
                s[j] = 0;
                for (int d = 0; d < K; d++) s[j] += q[i * D + h * K + d] * k[j * D + h * K + d];
                s[j] /= sqrt((double)K);
                if (s[j] > mx) mx = s[j];
            }
            for (int j = 0; j < n; j++) sum += (s[j] = exp(s[j] - mx));
            for (int d = 0; d < K; d++) {
                double o = 0;
                for (int j = 0; j < n; j++) o += s[j] / sum * v[j * D + h * K + d];
                cat[i * D + h * K + d] = o;
            }
        }
    ref_linear(out, cat, a->out_proj_weight, a->out_proj_bias, nq, D, D);
    free(q);
    free(k);
    free(v);
    free(cat);
}

static void ref_add_norm(double *x, const double *sub, const float *g, const float *b, int n, int D, double eps)
{
    for (int i = 0; i < n * D; i++) x[i] += sub[i];
    ref_layernorm(x, x, g, b, n, D, eps);
}

static void ref_ffn(double *out, const double *x, const float *w1, const float *b1, const float *w2,
                    const float *b2, int n, int D, int F)
{
    double *h = calloc((size_t)n * F, sizeof *h);
    ref_linear(h, x, w1, b1, n, D, F);
    for (int i = 0; i < n * F; i++) h[i] = h[i] > 0 ? h[i] : 0;
    ref_linear(out, h, w2, b2, n, F, D);
    free(h);
}

static void ref_embed(double *x, const float *E, const int *ids, int n, int D)
{
    for (int i = 0; i < n; i++)
        for (int d = 0; d < D; d++) {
            double ang = i / pow(10000.0, (double)(d - d % 2) / D);
            x[i * D + d] = E[ids[i] * D + d] * sqrt((double)D) + (d % 2 ? cos(ang) : sin(ang));
        }
}

/* logits[T, V] of the teacher-forced model. */
static void ref_forward(double *logits, const model_params *p, const int *src, int S, const int *tgt, int T)
{
    const model_config *c = &p->cfg;
    const int D = c->d_model, H = c->n_heads, F = c->d_ff, V = c->vocab_size;
    const double eps = c->ln_eps;
    double *mem = calloc((size_t)S * D, sizeof *mem), *y = calloc((size_t)T * D, sizeof *y);
    double *tmp = calloc((size_t)(S > T ? S : T) * D, sizeof *tmp);
    ref_embed(mem, p->embedding, src, S, D);
    for (int l = 0; l < c->n_enc_layers; l++) {
        const model_enc_layer *w = &p->enc[l];
        ref_mha(tmp, mem, S, mem, S, &w->self_attn, D, H, 0);
        ref_add_norm(mem, tmp, w->norm1_weight, w->norm1_bias, S, D, eps);
        ref_ffn(tmp, mem, w->linear1_weight, w->linear1_bias, w->linear2_weight, w->linear2_bias, S, D, F);
        ref_add_norm(mem, tmp, w->norm2_weight, w->norm2_bias, S, D, eps);
    }
    if (p->enc_norm_weight) ref_layernorm(mem, mem, p->enc_norm_weight, p->enc_norm_bias, S, D, eps);
    ref_embed(y, p->embedding, tgt, T, D);
    for (int l = 0; l < c->n_dec_layers; l++) {
        const model_dec_layer *w = &p->dec[l];
        ref_mha(tmp, y, T, y, T, &w->self_attn, D, H, 1);
        ref_add_norm(y, tmp, w->norm1_weight, w->norm1_bias, T, D, eps);
        ref_mha(tmp, y, T, mem, S, &w->cross_attn, D, H, 0);
        ref_add_norm(y, tmp, w->norm2_weight, w->norm2_bias, T, D, eps);
        ref_ffn(tmp, y, w->linear1_weight, w->linear1_bias, w->linear2_weight, w->linear2_bias, T, D, F);
        ref_add_norm(y, tmp, w->norm3_weight, w->norm3_bias, T, D, eps);
    }
    if (p->dec_norm_weight) ref_layernorm(y, y, p->dec_norm_weight, p->dec_norm_bias, T, D, eps);
    for (int i = 0; i < T; i++)
        for (int v = 0; v < V; v++) {
            double s = 0;
            for (int d = 0; d < D; d++) s += y[i * D + d] * p->embedding[v * D + d];
            logits[i * V + v] = s;
        }
    free(mem);
    free(y);
    free(tmp);
}

static void fill_uniform(float *x, size_t n, uint32_t seed, float lo, float hi)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        x[i] = lo + (hi - lo) * (float)(seed >> 8) / 16777216.0f;
    }
}

static void test_against_reference(void **state)
{
    (void)state;
    model_config c = test_config(11, 8, 2, 2, 16, 6);
    c.has_final_norm = 1; /* exercises encoder.norm and decoder.norm too */
    model_params p;
    assert_int_equal(model_params_init(&p, &c), 0);
    fill_uniform(p.memory, p.n_floats, 7u, -0.6f, 0.6f); /* every weight, bias, gain non-trivial */
    assert_non_null(p.enc_norm_weight);
    trace t;
    assert_int_equal(trace_init(&t, &c), 0);
    const int src[4] = { 5, 6, 7, 2 }, tgt[5] = { 1, 4, 10, 3, 8 };
    char err[128];
    assert_int_equal(model_run_ids(&p, src, 4, tgt, 5, NULL, &t, err, sizeof err), 0);
    double logits[5 * 11];
    ref_forward(logits, &p, src, 4, tgt, 5);
    for (int i = 0; i < 5 * 11; i++) assert_near(t.logits[i], logits[i], 1e-4);
    /* probs are the softmax of each logits row */
    for (int r = 0; r < 5; r++) {
        double mx = -1e300, sum = 0;
        for (int v = 0; v < 11; v++) mx = logits[r * 11 + v] > mx ? logits[r * 11 + v] : mx;
        for (int v = 0; v < 11; v++) sum += exp(logits[r * 11 + v] - mx);
        for (int v = 0; v < 11; v++) assert_near(t.probs[r * 11 + v], exp(logits[r * 11 + v] - mx) / sum, 1e-5);
    }
    /* The same model without the final norms must give different logits (the
     * reference really follows the pointers). */
    p.enc_norm_weight = p.dec_norm_weight = NULL;
    p.enc_norm_bias = p.dec_norm_bias = NULL;
    assert_int_equal(model_run_ids(&p, src, 4, tgt, 5, NULL, &t, err, sizeof err), 0);
    double logits2[5 * 11], diff = 0;
    ref_forward(logits2, &p, src, 4, tgt, 5);
    for (int i = 0; i < 5 * 11; i++) {
        assert_near(t.logits[i], logits2[i], 1e-4);
        diff += fabs(logits2[i] - logits[i]);
    }
    assert_true(diff > 1e-2);
    trace_free(&t);
    model_params_free(&p);
}

/* ---------- 3. a seeded random default-size model with a vocabulary ---------- */

typedef struct {
    model_params p;
    tok_vocab v;
    trace t;
} fixture;

static const char *const WORDS[] = {
    "<pad>", "<bos>", "<eos>", "<unk>", "the", "dog", "sees", "cat", "a", "big", "small", "house",
    "red", "and", "runs", ".", ",", "der", "hund", "sieht", "die", "katze", "ein", "groß", "klein",
    "haus", "rot", "und", "läuft", "über", "straße", "bird", "vogel", "sings", "singt", "old", "alt",
};
#define N_WORDS ((int)(sizeof WORDS / sizeof WORDS[0]))

static int setup_default(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char err[128];
    if (!f || tok_vocab_init(&f->v, WORDS, N_WORDS, err, sizeof err) != 0) return -1;
    model_config c = model_config_default(N_WORDS);
    if (model_params_init(&f->p, &c) != 0) return -1;
    model_params_init_random(&f->p, 1234);
    if (trace_init(&f->t, &c) != 0) return -1;
    *state = f;
    return 0;
}

static int teardown_default(void **state)
{
    fixture *f = *state;
    trace_free(&f->t);
    tok_vocab_free(&f->v);
    model_params_free(&f->p);
    free(f);
    return 0;
}

static void check_rows_sum_to_one(const trace *t, const trace_attn *a, int nq, int nk)
{
    const int H = t->cfg.n_heads, L = t->cfg.max_len;
    for (int h = 0; h < H; h++)
        for (int i = 0; i < nq; i++) {
            double s = 0;
            for (int j = 0; j < nk; j++) {
                float w = at(t, a->weights, h, i, j);
                assert_true(w >= 0.0f && w <= 1.0f);
                s += w;
            }
            assert_near(s, 1.0, 1e-5);
            for (int j = nk; j < L; j++) assert_true(at(t, a->weights, h, i, j) == 0.0f);
        }
}

static void check_addnorm_stats(const trace *t, const trace_addnorm *n, int rows)
{
    const int D = t->cfg.d_model;
    for (int i = 0; i < rows; i++) {
        double mu = 0, var = 0;
        for (int d = 0; d < D; d++) mu += n->sum[i * D + d];
        mu /= D;
        for (int d = 0; d < D; d++) var += (n->sum[i * D + d] - mu) * (n->sum[i * D + d] - mu);
        var /= D;
        assert_near(n->mean[i], mu, 1e-5);
        assert_near(n->std[i], sqrt(var + 1e-5), 1e-4 * sqrt(var + 1e-5));
        /* default LayerNorm gains 1 and biases 0: out = (sum - mean) / std */
        for (int d = 0; d < D; d++) assert_near(n->out[i * D + d], (n->sum[i * D + d] - mu) / sqrt(var + 1e-5), 1e-4);
    }
}

static void test_trace_block(void **state)
{
    fixture *f = *state;
    const trace *t = &f->t;
    const size_t L = 32, D = 64, H = 4, F = 256, V = N_WORDS;
    const size_t attn = 6 * L * D + 4 * H * L * L, an = 2 * L * D + 2 * L, ff = L * F + L * D;
    const size_t enc = L * D + attn + 2 * an + ff, dec = L * D + 2 * attn + 3 * an + ff;
    /* + the final norms' statistics, the projection scratch [L, 3D] and the key scratch [K, L] */
    assert_int_equal(t->block_floats, 8 * L * D + 2 * enc + 2 * dec + 2 * L * V + 4 * L + 3 * L * D + L * (D / H));
    /* Every tensor points into the one block. */
    const float *ptrs[] = { t->enc_embed, t->enc_pe, t->memory, t->enc[1].norm2.out, t->dec[1].cross.weights,
                            t->dec[1].norm3.std, t->dec_out, t->probs + L * V - 1 };
    for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++)
        assert_true(ptrs[i] >= t->block && ptrs[i] < t->block + t->block_floats);
    /* trace_attn_at is the documented index. */
    assert_true(&t->enc[0].self.weights[(2 * L + 5) * L + 7] == &t->enc[0].self.weights[(2 * 32 + 5) * 32 + 7]);
    trace_free(NULL);
}

static void test_invariants_and_teacher_forcing(void **state)
{
    fixture *f = *state;
    trace *t = &f->t;
    char err[128];
    const char *s = "The big dog sees the small red cat and a house.";
    assert_int_equal(model_translate(&f->p, &f->v, s, NULL, t, err, sizeof err), 0);
    assert_string_equal(t->sentence, s);
    assert_true(t->sentence != s);
    assert_int_equal(t->n_words, 12);
    assert_int_equal(t->n_src, 13);
    assert_int_equal(t->src_ids[12], TOK_EOS);
    assert_int_equal(t->src_ids[2], 5); /* dog */
    assert_int_equal(t->n_unk, 0);
    assert_int_equal(t->tgt_ids[0], TOK_BOS);
    const int S = t->n_src, T = t->n_tgt, D = 64, K = 16, V = N_WORDS;
    assert_true(T >= 1 && T <= 32);
    /* Greedy: tgt[i+1] is the argmax of row i; n_out excludes <eos>. */
    for (int i = 0; i + 1 < T; i++) assert_int_equal(t->tgt_ids[i + 1], t->out_ids[i]);
    for (int i = 0; i < T; i++) {
        int best = 0;
        for (int v = 1; v < V; v++) best = t->logits[i * V + v] > t->logits[i * V + best] ? v : best;
        assert_int_equal(t->out_ids[i], best);
    }
    assert_int_equal(t->n_out, t->finished ? T - 1 : T);

    /* Embedding scaling by sqrt(D) = 8, plus PE. */
    for (int i = 0; i < S; i++)
        for (int d = 0; d < D; d++) {
            const float e = f->p.embedding[t->src_ids[i] * D + d];
            assert_near(t->enc_embed[i * D + d], e * 8.0, 1e-6);
            assert_near(t->enc_x[i * D + d], e * 8.0 + t->enc_pe[i * D + d], 1e-6);
        }
    for (int i = 0; i < T; i++)
        for (int d = 0; d < D; d++)
            assert_near(t->dec_embed[i * D + d], f->p.embedding[t->tgt_ids[i] * D + d] * 8.0, 1e-6);
    assert_near(t->dec_pe[5 * D + 2], -0.5711272011926853, 1e-6);

    for (int l = 0; l < 2; l++) {
        check_rows_sum_to_one(t, &t->enc[l].self, S, S);
        check_rows_sum_to_one(t, &t->dec[l].self, T, T);
        check_rows_sum_to_one(t, &t->dec[l].cross, T, S);
        check_addnorm_stats(t, &t->enc[l].norm1, S);
        check_addnorm_stats(t, &t->enc[l].norm2, S);
        check_addnorm_stats(t, &t->dec[l].norm1, T);
        check_addnorm_stats(t, &t->dec[l].norm3, T);
        const trace_attn *a = &t->dec[l].self;
        for (int h = 0; h < 4; h++)
            for (int i = 0; i < T; i++)
                for (int j = i + 1; j < T; j++) {
                    assert_true(at(t, a->weights, h, i, j) == 0.0f);
                    const float m = at(t, a->masked, h, i, j);
                    assert_true(isinf(m) && m < 0);
                    double dot = 0;
                    for (int d = 0; d < K; d++) dot += a->q[(h * 32 + i) * K + d] * a->k[(h * 32 + j) * K + d];
                    assert_near(at(t, a->scores, h, i, j), dot, 1e-4);
                    assert_near(at(t, a->scaled, h, i, j), dot / 4.0, 1e-4);
                }
    }
    /* Decoder layer 1 reads layer 0's output; memory is the last encoder output (no final norm). */
    assert_memory_equal(t->dec[1].input, t->dec[0].norm3.out, (size_t)T * D * sizeof(float));
    assert_memory_equal(t->memory, t->enc[1].norm2.out, (size_t)S * D * sizeof(float));

    /* Teacher forcing on the produced ids gives the same logits as incremental decoding. */
    int src[32], tgt[32], out[32];
    float *logits = malloc(sizeof(float) * (size_t)T * V);
    memcpy(src, t->src_ids, sizeof(int) * (size_t)S);
    memcpy(tgt, t->tgt_ids, sizeof(int) * (size_t)T);
    memcpy(out, t->out_ids, sizeof(int) * (size_t)T);
    memcpy(logits, t->logits, sizeof(float) * (size_t)T * V);
    assert_int_equal(model_run_ids(&f->p, src, S, tgt, T, NULL, t, err, sizeof err), 0);
    assert_null(t->sentence);
    for (int i = 0; i < T * V; i++) assert_near(t->logits[i], logits[i], 1e-6);
    for (int i = 0; i < T; i++) assert_int_equal(t->out_ids[i], out[i]);
    free(logits);

    /* trace_output_text is the detokenized out_ids. */
    char a[512], b[512];
    assert_int_equal(model_translate(&f->p, &f->v, s, NULL, t, err, sizeof err), 0);
    trace_output_text(t, &f->v, a, sizeof a);
    tok_detokenize(&f->v, t->out_ids, t->n_out, b, sizeof b);
    assert_string_equal(a, b);
}

static void test_stops_at_eos_and_max_steps(void **state)
{
    fixture *f = *state;
    trace *t = &f->t;
    char err[128], out[256];
    trace_opts o = { .max_steps = 3 };
    assert_int_equal(model_translate(&f->p, &f->v, "the dog", &o, t, err, sizeof err), 0);
    assert_true(t->n_tgt <= 3);
    /* Force <eos>: make the last decoder LayerNorm output a constant c * E[eos]
     * (gain 0, bias c * E[eos]) with E[eos] the longest embedding row, so that
     * logits = c E[eos] . E[v] peak at <eos> (Cauchy-Schwarz). */
    model_params *p = &f->p;
    const int D = 64;
    float save_g[64], save_b[64], save_e[64];
    memcpy(save_g, p->dec[1].norm3_weight, sizeof save_g);
    memcpy(save_b, p->dec[1].norm3_bias, sizeof save_b);
    memcpy(save_e, p->embedding + TOK_EOS * D, sizeof save_e);
    for (int d = 0; d < D; d++) {
        p->embedding[TOK_EOS * D + d] *= 10.0f;
        p->dec[1].norm3_weight[d] = 0.0f;
        p->dec[1].norm3_bias[d] = p->embedding[TOK_EOS * D + d];
    }
    assert_int_equal(model_translate(&f->p, &f->v, "the dog sees the cat", NULL, t, err, sizeof err), 0);
    assert_int_equal(t->n_tgt, 1);
    assert_int_equal(t->out_ids[0], TOK_EOS);
    assert_int_equal(t->finished, 1);
    assert_int_equal(t->n_out, 0);
    trace_output_text(t, &f->v, out, sizeof out);
    assert_string_equal(out, "");
    memcpy(p->dec[1].norm3_weight, save_g, sizeof save_g);
    memcpy(p->dec[1].norm3_bias, save_b, sizeof save_b);
    memcpy(p->embedding + TOK_EOS * D, save_e, sizeof save_e);
}

static void test_odd_sentences(void **state)
{
    fixture *f = *state;
    trace *t = &f->t;
    char err[128];
    /* Empty: zero words, the source is just <eos>. */
    assert_int_equal(model_translate(&f->p, &f->v, "", NULL, t, err, sizeof err), 0);
    assert_int_equal(t->n_words, 0);
    assert_int_equal(t->n_src, 1);
    assert_int_equal(t->src_ids[0], TOK_EOS);
    assert_string_equal(t->sentence, "");
    assert_int_equal(t->truncated, 0);
    /* NULL is treated as empty. */
    assert_int_equal(model_translate(&f->p, &f->v, NULL, NULL, t, err, sizeof err), 0);
    assert_int_equal(t->n_src, 1);
    /* Emoji and invalid UTF-8 are <unk>, never a crash. */
    assert_int_equal(model_translate(&f->p, &f->v, "the \xf0\x9f\x90\xb6 sees \xff\xfe", NULL, t, err, sizeof err), 0);
    assert_int_equal(t->n_words, 4);
    assert_int_equal(t->n_unk, 2);
    assert_int_equal(t->src_ids[1], TOK_UNK);
    assert_int_equal(t->src_ids[3], TOK_UNK);
    /* 100 words: the first L - 1 = 31 are kept, and it says so. */
    char longs[1024] = "";
    for (int i = 0; i < 100; i++) strcat(longs, i % 2 ? "cat " : "dog ");
    assert_int_equal(model_translate(&f->p, &f->v, longs, NULL, t, err, sizeof err), 0);
    assert_int_equal(t->truncated, 1);
    assert_int_equal(t->n_words, 31);
    assert_int_equal(t->n_words_total, 100);
    assert_int_equal(t->n_src, 32);
    assert_int_equal(t->src_ids[31], TOK_EOS);
    for (int i = 0; i < t->n_tgt * N_WORDS; i++) assert_true(isfinite(t->probs[i]));
    /* Exactly 31 words is not truncated. */
    longs[0] = '\0';
    for (int i = 0; i < 31; i++) strcat(longs, "dog ");
    assert_int_equal(model_translate(&f->p, &f->v, longs, NULL, t, err, sizeof err), 0);
    assert_int_equal(t->truncated, 0);
    assert_int_equal(t->n_words, 31);
}

static void test_no_causal_mask(void **state)
{
    fixture *f = *state;
    trace *t = &f->t;
    char err[128];
    trace_opts o = { .no_causal_mask = 1, .max_steps = 6 };
    assert_int_equal(model_translate(&f->p, &f->v, "the dog sees the cat", &o, t, err, sizeof err), 0);
    assert_int_equal(t->opts.no_causal_mask, 1);
    const int T = t->n_tgt;
    assert_true(T >= 2);
    check_rows_sum_to_one(t, &t->dec[0].self, T, T);
    /* Row 0 now reads the future: a weight above the diagonal is positive. */
    assert_true(at(t, t->dec[0].self.weights, 0, 0, T - 1) > 0.0f);
    assert_false(isinf(at(t, t->dec[0].self.masked, 0, 0, T - 1)));
}

static void test_validation(void **state)
{
    fixture *f = *state;
    trace *t = &f->t;
    char err[256];
    const int good[2] = { 4, 2 }, bad[2] = { 4, N_WORDS };
    err[0] = '\0';
    assert_int_equal(model_run_ids(&f->p, bad, 2, good, 2, NULL, t, err, sizeof err), -1);
    assert_non_null(strstr(err, "out of range"));
    assert_int_equal(model_run_ids(&f->p, good, 2, bad, 2, NULL, t, err, sizeof err), -1);
    assert_non_null(strstr(err, "target"));
    const int neg[1] = { -1 };
    assert_int_equal(model_run_ids(&f->p, neg, 1, good, 2, NULL, t, err, sizeof err), -1);
    assert_int_equal(model_run_ids(&f->p, good, 0, good, 2, NULL, t, err, sizeof err), -1);
    assert_non_null(strstr(err, "1..32"));
    int many[40] = { 0 };
    assert_int_equal(model_run_ids(&f->p, good, 2, many, 33, NULL, t, err, sizeof err), -1);
    assert_int_equal(model_run_ids(&f->p, NULL, 2, good, 2, NULL, t, err, sizeof err), -1);
    assert_int_equal(model_run_ids(&f->p, good, 2, good, 2, NULL, NULL, err, sizeof err), -1);
    assert_int_equal(model_translate(&f->p, NULL, "the dog", NULL, t, err, sizeof err), -1);
    assert_non_null(strstr(err, "vocabulary"));
    /* A trace made for another model size is refused, not overrun. */
    model_config c = model_config_default(N_WORDS);
    c.max_len = 8;
    trace small;
    assert_int_equal(trace_init(&small, &c), 0);
    err[0] = '\0';
    assert_int_equal(model_translate(&f->p, &f->v, "the dog", NULL, &small, err, sizeof err), -1);
    assert_true(strlen(err) > 0);
    trace_free(&small);
    /* Bad sizes are refused by trace_init. */
    c.n_heads = 3;
    assert_int_equal(trace_init(&small, &c), -1);
    trace_free(&small);
    /* After errors the trace still works. */
    assert_int_equal(model_run_ids(&f->p, good, 2, good, 1, NULL, t, err, sizeof err), 0);
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_attention_by_hand),
          cmocka_unit_test(test_against_reference),
          cmocka_unit_test_setup_teardown(test_trace_block, setup_default, teardown_default),
          cmocka_unit_test_setup_teardown(test_invariants_and_teacher_forcing, setup_default, teardown_default),
          cmocka_unit_test_setup_teardown(test_stops_at_eos_and_max_steps, setup_default, teardown_default),
          cmocka_unit_test_setup_teardown(test_odd_sentences, setup_default, teardown_default),
          cmocka_unit_test_setup_teardown(test_no_causal_mask, setup_default, teardown_default),
          cmocka_unit_test_setup_teardown(test_validation, setup_default, teardown_default))
