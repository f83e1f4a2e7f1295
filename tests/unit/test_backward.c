/* test_backward.c - finite-difference checks of every backward pass used in
 * training: the kernels (linear, softmax, LayerNorm, ReLU), attention with
 * causal and padding masks, the embedding with PE, label-smoothed
 * cross-entropy, and the whole model (residuals, FFN, tied embedding) on a
 * tiny config over random parameters, every tensor of the table sampled.
 * All of them run the one model (nn.c, kernels.c) that the app runs too.
 * It must not test the optimiser or the data order (see test_train.c).
 *
 * Each check perturbs one input by +-h, evaluates a scalar loss
 * sum(out * R) (R fixed random) in double, and compares the central
 * difference with the analytic gradient: |num - ana| <= atol + rtol * max(|num|, |ana|).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernels.h"
#include "model.h"
#include "nn.h"
#include "test_util.h"
#include "tok.h"
#include "trace.h"
#include "train.h"

static uint64_t g_rng = 12345;

static double urand(void) /* [-1, 1) */
{
    uint64_t z = (g_rng += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0 * 2.0 - 1.0;
}

static void fill(float *x, size_t n, double scale)
{
    for (size_t i = 0; i < n; i++) x[i] = (float)(urand() * scale);
}

static double dot_d(const float *a, const float *r, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += (double)a[i] * r[i];
    return s;
}

static int g_checked, g_big;

static void check_grad(const char *what, size_t idx, double num, double ana, double atol, double rtol)
{
    const double m = fabs(num) > fabs(ana) ? fabs(num) : fabs(ana);
    g_checked++;
    if (m > 1e-3) g_big++;
    if (!(fabs(num - ana) <= atol + rtol * m))
        fail_msg("%s[%zu]: numeric %.7g vs analytic %.7g", what, idx, num, ana);
}

/* ---- linear ---- */
static void test_linear_backward(void **state)
{
    (void)state;
    enum { N = 3, I = 5, O = 4 };
    float x[N * I], w[O * I], b[O], y[N * O], r[N * O], dx[N * I] = { 0 }, dw[O * I] = { 0 }, db[O] = { 0 };
    float scratch[O * N];
    fill(x, N * I, 1); fill(w, O * I, 1); fill(b, O, 1); fill(r, N * O, 1);
    kern_linear_backward(dx, dw, db, scratch, r, x, w, N, I, O); /* dy = R for loss sum(y * R) */
    const float h = 1e-2f;
    float *vars[3] = { x, w, b };
    float *grads[3] = { dx, dw, db };
    const int counts[3] = { N * I, O * I, O };
    for (int v = 0; v < 3; v++)
        for (int i = 0; i < counts[v]; i++) {
            const float keep = vars[v][i];
            vars[v][i] = keep + h; kern_linear(y, x, w, b, N, I, O); double lp = dot_d(y, r, N * O);
            vars[v][i] = keep - h; kern_linear(y, x, w, b, N, I, O); double lm = dot_d(y, r, N * O);
            vars[v][i] = keep;
            check_grad("linear", (size_t)i, (lp - lm) / (2 * h), grads[v][i], 1e-4, 1e-3);
        }
}

/* ---- softmax ---- */
static void test_softmax_backward(void **state)
{
    (void)state;
    enum { N = 2, M = 6 };
    float x[N * M], y[N * M], r[N * M], dx[N * M] = { 0 };
    fill(x, N * M, 2); fill(r, N * M, 1);
    x[3] = -INFINITY; /* a masked entry: weight 0, gradient 0 */
    kern_softmax_rows(y, x, N, M);
    kern_softmax_rows_backward(dx, r, y, N, M);
    const float h = 1e-3f;
    for (int i = 0; i < N * M; i++) {
        if (i == 3) { assert_true(dx[i] == 0.0f); continue; }
        const float keep = x[i];
        x[i] = keep + h; kern_softmax_rows(y, x, N, M); double lp = dot_d(y, r, N * M);
        x[i] = keep - h; kern_softmax_rows(y, x, N, M); double lm = dot_d(y, r, N * M);
        x[i] = keep;
        check_grad("softmax", (size_t)i, (lp - lm) / (2 * h), dx[i], 1e-4, 1e-2);
    }
}

/* ---- layernorm ---- */
static void test_layernorm_backward(void **state)
{
    (void)state;
    enum { N = 3, D = 7 };
    float x[N * D], g[D], b[D], y[N * D], mean[N], std[N], r[N * D];
    float dx[N * D] = { 0 }, dg[D] = { 0 }, db[D] = { 0 };
    fill(x, N * D, 2); fill(g, D, 1.5); fill(b, D, 1); fill(r, N * D, 1);
    kern_layernorm(y, mean, std, x, g, b, N, D, 1e-5f);
    kern_layernorm_backward(dx, dg, db, r, x, mean, std, g, N, D);
    const float h = 1e-2f;
    float *vars[3] = { x, g, b };
    float *grads[3] = { dx, dg, db };
    const int counts[3] = { N * D, D, D };
    for (int v = 0; v < 3; v++)
        for (int i = 0; i < counts[v]; i++) {
            const float keep = vars[v][i];
            vars[v][i] = keep + h; kern_layernorm(y, NULL, NULL, x, g, b, N, D, 1e-5f); double lp = dot_d(y, r, N * D);
            vars[v][i] = keep - h; kern_layernorm(y, NULL, NULL, x, g, b, N, D, 1e-5f); double lm = dot_d(y, r, N * D);
            vars[v][i] = keep;
            check_grad("layernorm", (size_t)i, (lp - lm) / (2 * h), grads[v][i], 2e-4, 1e-2);
        }
}

/* ---- relu ---- */
static void test_relu_backward(void **state)
{
    (void)state;
    enum { N = 12 };
    float x[N], y[N], r[N], dx[N] = { 0 };
    fill(x, N, 1); fill(r, N, 1);
    for (int i = 0; i < N; i++)
        if (fabsf(x[i]) < 0.05f) x[i] = 0.5f; /* keep away from the kink */
    kern_relu(y, x, N);
    kern_relu_backward(dx, r, y, N);
    const float h = 1e-2f;
    for (int i = 0; i < N; i++) {
        const float keep = x[i];
        x[i] = keep + h; kern_relu(y, x, N); double lp = dot_d(y, r, N);
        x[i] = keep - h; kern_relu(y, x, N); double lm = dot_d(y, r, N);
        x[i] = keep;
        check_grad("relu", (size_t)i, (lp - lm) / (2 * h), dx[i], 1e-5, 1e-4);
    }
}

/* ---- attention with masks (nn_attend_*: the model's own attention core) ---- */
static void attn_case(int tq, int tk, int key_len, int causal)
{
    /* Two sentences side by side ([B, H, L, K] layouts, capacities LQ, LK larger than the rows used,
     * so strides are checked too); sentence 1 has key_len + 1 live keys (at most tk). */
    enum { B = 2, H = 2, K = 3, D = H * K, LQ = 7, LK = 8 };
    static float q[B * H * LQ * K], k[B * H * LK * K], v[B * H * LK * K], concat[B * LQ * D], w[B * H * LQ * LK];
    static float r[B * LQ * D], keys[LK * K + 2 * LQ * LK], dq[B * H * LQ * K], dk[B * H * LK * K], dv[B * H * LK * K];
    const int key_lens[B] = { key_len, key_len + 1 < tk ? key_len + 1 : tk };
    memset(q, 0, sizeof q); memset(k, 0, sizeof k); memset(v, 0, sizeof v); memset(r, 0, sizeof r);
    memset(dq, 0, sizeof dq); memset(dk, 0, sizeof dk); memset(dv, 0, sizeof dv);
    for (int b = 0; b < B; b++)
        for (int h = 0; h < H; h++) {
            fill(q + ((size_t)(b * H + h) * LQ) * K, (size_t)tq * K, 1.5);
            fill(k + ((size_t)(b * H + h) * LK) * K, (size_t)tk * K, 1.5);
            fill(v + ((size_t)(b * H + h) * LK) * K, (size_t)tk * K, 1);
        }
    for (int b = 0; b < B; b++) fill(r + (size_t)b * LQ * D, (size_t)tq * D, 1);
    trace_attn a = { 0 };
    a.q = q; a.k = k; a.v = v; a.weights = w; a.concat = concat;
    /* rows tq..LQ-1 and keys tk..LK-1 exist only as capacity: a backward over whole sentences
     * (nk = Lk) sees them with zero q, k, v and zero incoming gradient */
    const nn_attn_shape s = { B, LQ, LK, 0, LQ, LK, key_lens, causal, H, K, 0 };
    nn_attend_forward(&a, keys, &s);
    /* masked weights are exactly 0 */
    for (int b = 0; b < B; b++)
        for (int h = 0; h < H; h++)
            for (int i = 0; i < tq; i++)
                for (int j = 0; j < LK; j++)
                    if (j >= key_lens[b] || (causal && j > i)) assert_true(w[((size_t)(b * H + h) * LQ + i) * LK + j] == 0.0f);
    nn_attend_backward(dq, dk, dv, keys, r, &a, &s);
    const float h = 1e-2f;
    float *vars[3] = { q, k, v };
    float *grads[3] = { dq, dk, dv };
    const int rows[3] = { LQ, LK, LK }, used[3] = { tq, tk, tk };
    for (int sv = 0; sv < 3; sv++)
        for (int b = 0; b < B; b++)
            for (int hh = 0; hh < H; hh++)
                for (int i = 0; i < used[sv] * K; i++) {
                    const size_t at = ((size_t)(b * H + hh) * rows[sv]) * K + (size_t)i;
                    const float keep = vars[sv][at];
                    vars[sv][at] = keep + h; nn_attend_forward(&a, keys, &s);
                    double lp = dot_d(concat, r, (size_t)B * LQ * D);
                    vars[sv][at] = keep - h; nn_attend_forward(&a, keys, &s);
                    double lm = dot_d(concat, r, (size_t)B * LQ * D);
                    vars[sv][at] = keep;
                    const double num = (lp - lm) / (2 * h);
                    check_grad(sv == 0 ? "attn dq" : sv == 1 ? "attn dk" : "attn dv", at, num, grads[sv][at], 2e-4,
                               1e-2);
                    /* padded keys get no gradient */
                    if (sv > 0 && i / K >= key_lens[b]) assert_true(grads[sv][at] == 0.0f);
                }
    nn_attend_forward(&a, keys, &s);
}

static void test_attention_backward(void **state)
{
    (void)state;
    attn_case(4, 4, 4, 0);   /* plain self-attention */
    attn_case(5, 5, 3, 0);   /* padded keys (encoder) */
    attn_case(5, 5, 5, 1);   /* causal (decoder) */
    attn_case(5, 5, 4, 1);   /* causal and padded */
    attn_case(3, 6, 4, 0);   /* cross-attention shape, padded memory */
}

/* ---- embedding with PE ---- */
static void test_embedding_backward(void **state)
{
    (void)state;
    enum { V = 6, D = 4, N = 5 };
    float E[V * D], pe[N * D], x[N * D], r[N * D], dE[V * D] = { 0 };
    const int ids[N] = { 1, 4, 4, 2, 0 }; /* a repeated id accumulates */
    fill(E, V * D, 1); kern_positional_encoding(pe, N, D); fill(r, N * D, 1);
    nn_embed_forward(x, NULL, NULL, ids, pe, E, 1, N, 0, N, D);
    /* x = E * sqrt(D) + PE, checked by hand for one element */
    assert_true(fabsf(x[1 * D + 2] - (E[4 * D + 2] * 2.0f + pe[1 * D + 2])) < 1e-6f);
    nn_embed_backward(dE, r, NULL, ids, 1, N, D);
    const float h = 1e-2f;
    for (int i = 0; i < V * D; i++) {
        const float keep = E[i];
        E[i] = keep + h; nn_embed_forward(x, NULL, NULL, ids, pe, E, 1, N, 0, N, D); double lp = dot_d(x, r, N * D);
        E[i] = keep - h; nn_embed_forward(x, NULL, NULL, ids, pe, E, 1, N, 0, N, D); double lm = dot_d(x, r, N * D);
        E[i] = keep;
        check_grad("embedding", (size_t)i, (lp - lm) / (2 * h), dE[i], 1e-4, 1e-3);
    }
    for (int d = 0; d < D; d++) assert_true(dE[3 * D + d] == 0.0f && dE[5 * D + d] == 0.0f); /* unused rows */
}

/* ---- cross-entropy with label smoothing ---- */
static void test_xent_backward(void **state)
{
    (void)state;
    enum { N = 4, V = 7 };
    float z[N * V], dz[N * V];
    const int y[N] = { 3, TOK_PAD, 1, 6 };
    fill(z, N * V, 3);
    const float eps = 0.1f;
    const double total = train_xent(dz, z, y, N, V, eps, 1.0f);
    /* hand formula for row 0 in double */
    double lse = 0.0;
    for (int j = 0; j < V; j++) lse += exp((double)z[j]);
    lse = log(lse);
    double want0 = -(1 - eps) * (z[3] - lse);
    for (int j = 1; j < V; j++) want0 -= eps / (V - 1) * (z[j] - lse);
    const double row0 = train_xent(NULL, z, y, 1, V, eps, 1.0f);
    assert_true(fabs(row0 - want0) < 1e-6);
    /* the pad row contributes nothing */
    for (int j = 0; j < V; j++) assert_true(dz[V + j] == 0.0f);
    /* smoothing 0 is plain cross-entropy: -log p_y */
    const double plain = train_xent(NULL, z, y, 1, V, 0.0f, 1.0f);
    assert_true(fabs(plain - (lse - z[3])) < 1e-6);
    const float h = 1e-3f;
    for (int i = 0; i < N * V; i++) {
        const float keep = z[i];
        z[i] = keep + h; double lp = train_xent(NULL, z, y, N, V, eps, 1.0f);
        z[i] = keep - h; double lm = train_xent(NULL, z, y, N, V, eps, 1.0f);
        z[i] = keep;
        check_grad("xent", (size_t)i, (lp - lm) / (2 * h), dz[i], 1e-4, 1e-3);
    }
    assert_true(total > 0.0);
}

/* ---- the whole model ---- */

static model_config tiny_config(int final_norm)
{
    model_config c = test_config(11, 8, 2, 1, 16, 8);
    c.has_final_norm = final_norm;
    return c;
}

/* Three sentences of different lengths, so padding is exercised. */
static const int src0[] = { 5, 6, 7, 2 }, tgt0[] = { 8, 9, 4 };
static const int src1[] = { 4, 2 }, tgt1[] = { 10 };
static const int src2[] = { 9, 10, 5, 6, 8, 2 }, tgt2[] = { 7, 5, 6, 9 };
static const train_example tiny_ex[3] = {
    { src0, 4, tgt0, 3 }, { src1, 2, tgt1, 1 }, { src2, 6, tgt2, 4 },
};

static void randomize(model_params *p, unsigned long long seed)
{
    model_params_init_random(p, seed);
    g_rng = seed * 7 + 1;
    /* LayerNorm gains/biases and other biases away from 1 / 0 so every path matters */
    for (int i = 0; i < p->n_tensors; i++) {
        const model_tensor *t = &p->tensors[i];
        if (t->ndim == 1)
            for (size_t j = 0; j < t->count; j++) p->memory[t->offset + j] += (float)(0.3 * urand());
    }
}

/* A model of cfg with randomize()d parameters. */
static void random_model(model_params *p, const model_config *cfg, unsigned long long seed)
{
    assert_int_equal(model_params_init(p, cfg), 0);
    randomize(p, seed);
}

static void whole_model_case(int final_norm, float dropout, int threads)
{
    const model_config cfg = tiny_config(final_norm);
    model_params p;
    random_model(&p, &cfg, 77 + (unsigned long long)final_norm);
    train_batch b;
    assert_int_equal(train_batch_init(&b, 3, cfg.max_len), 0);
    const int idx[3] = { 0, 1, 2 };
    assert_int_equal(train_batch_fill(&b, tiny_ex, idx, 3), 0);
    assert_int_equal(b.n_tokens, 4 + 2 + 5);
    train_ctx *c = train_ctx_create(&cfg, 3, threads);
    assert_non_null(c);
    float *grad = calloc(p.n_floats, sizeof(float));
    assert_non_null(grad);
    const double loss = train_ctx_run(c, &p, &b, dropout, 0.1f, 99, 5, grad, NULL, NULL);
    assert_true(loss > 0.5 && loss < 10.0);
    const float h = 3e-3f;
    int checked = 0;
    for (int ti = 0; ti < p.n_tensors; ti++) {
        const model_tensor *t = &p.tensors[ti];
        /* a sample of entries of every tensor: first, last and some in between */
        size_t pick[6] = { 0, t->count - 1, t->count / 2, t->count / 3, (t->count * 5) / 7, (t->count * 7) / 11 };
        double tensor_max = 0.0;
        for (int k = 0; k < 6; k++) {
            const size_t j = t->offset + pick[k];
            const float keep = p.memory[j];
            p.memory[j] = keep + h; const double lp = train_ctx_run(c, &p, &b, dropout, 0.1f, 99, 5, NULL, NULL, NULL);
            p.memory[j] = keep - h; const double lm = train_ctx_run(c, &p, &b, dropout, 0.1f, 99, 5, NULL, NULL, NULL);
            p.memory[j] = keep;
            const double num = (lp - lm) / (2 * h);
            if (fabs(grad[j]) > tensor_max) tensor_max = fabs(grad[j]);
            const double m = fabs(num) > fabs(grad[j]) ? fabs(num) : fabs(grad[j]);
            if (!(fabs(num - grad[j]) <= 3e-4 + 3e-2 * m))
                fail_msg("%s[%zu] (final_norm %d, dropout %g, threads %d): numeric %.7g vs analytic %.7g", t->name,
                         pick[k], final_norm, dropout, threads, num, grad[j]);
            checked++;
        }
        /* every tensor must receive some gradient (a dead path would pass the check with zeros) */
        if (!(tensor_max > 0.0)) fail_msg("%s: no gradient at all in the sampled entries", t->name);
    }
    assert_true(checked == 6 * p.n_tensors);
    free(grad);
    train_ctx_free(c);
    train_batch_free(&b);
    model_params_free(&p);
}

static void test_model_backward(void **state)
{
    (void)state;
    whole_model_case(0, 0.0f, 1);
}

static void test_model_backward_final_norm_threads(void **state)
{
    (void)state;
    whole_model_case(1, 0.0f, 2);
}

static void test_model_backward_dropout(void **state)
{
    (void)state;
    /* the dropout masks are fixed by (seed, step), so the loss is a smooth function too */
    whole_model_case(0, 0.1f, 2);
}

/* Gradients from 1 and 2 threads agree (to summation order). */
static void test_threads_agree(void **state)
{
    (void)state;
    const model_config cfg = tiny_config(0);
    model_params p;
    random_model(&p, &cfg, 5);
    train_batch b;
    assert_int_equal(train_batch_init(&b, 3, cfg.max_len), 0);
    const int idx[3] = { 2, 0, 1 };
    assert_int_equal(train_batch_fill(&b, tiny_ex, idx, 3), 0);
    train_ctx *c1 = train_ctx_create(&cfg, 3, 1), *c2 = train_ctx_create(&cfg, 3, 2);
    float *g1 = calloc(p.n_floats, sizeof(float)), *g2 = calloc(p.n_floats, sizeof(float));
    const double l1 = train_ctx_run(c1, &p, &b, 0.1f, 0.1f, 3, 1, g1, NULL, NULL);
    const double l2 = train_ctx_run(c2, &p, &b, 0.1f, 0.1f, 3, 1, g2, NULL, NULL);
    assert_true(fabs(l1 - l2) < 1e-9);
    for (size_t i = 0; i < p.n_floats; i++) assert_true(fabsf(g1[i] - g2[i]) <= 1e-6f + 1e-4f * fabsf(g1[i]));
    free(g1); free(g2);
    train_ctx_free(c1); train_ctx_free(c2);
    train_batch_free(&b);
    model_params_free(&p);
}

/* The default size (D 64, F 256, L 32) with V = 85 = 2*32 + 16 + 5, so every
 * path of the blocked matrix kernel runs (6x32 tiles, the 16-wide pass, the
 * scalar tail), and sentences up to the full 32 tokens: logits equal the
 * inference forward's, and a sample of gradient entries of every tensor
 * matches finite differences. */
static void test_default_size(void **state)
{
    (void)state;
    const model_config cfg = model_config_default(85);
    model_params p;
    random_model(&p, &cfg, 2024);
    static int src[3][32], tgt[3][32];
    const int ns[3] = { 32, 9, 20 }, nt[3] = { 27, 31, 5 };
    train_example ex[3];
    g_rng = 99;
    for (int i = 0; i < 3; i++) {
        for (int k = 0; k < ns[i]; k++) src[i][k] = 4 + (int)((urand() + 1.0) * 40.0);
        src[i][ns[i] - 1] = TOK_EOS;
        for (int k = 0; k < nt[i]; k++) tgt[i][k] = 4 + (int)((urand() + 1.0) * 40.0);
        ex[i].src = src[i]; ex[i].n_src = ns[i]; ex[i].tgt = tgt[i]; ex[i].n_tgt = nt[i];
    }
    train_batch b;
    assert_int_equal(train_batch_init(&b, 3, cfg.max_len), 0);
    const int idx[3] = { 0, 1, 2 };
    assert_int_equal(train_batch_fill(&b, ex, idx, 3), 0);
    train_ctx *c = train_ctx_create(&cfg, 3, 2);
    float *grad = calloc(p.n_floats, sizeof(float));
    train_ctx_run(c, &p, &b, 0.0f, 0.1f, 7, 3, grad, NULL, NULL);
    trace t;
    assert_int_equal(trace_init(&t, &cfg), 0);
    for (int i = 0; i < 3; i++) {
        char err[200];
        assert_int_equal(model_run_ids(&p, ex[i].src, ex[i].n_src, b.dec_in + i * b.T, nt[i] + 1, NULL, &t, err, sizeof err), 0);
        const float *mine = train_ctx_logits(c, i);
        for (int r = 0; r <= nt[i]; r++)
            for (int v = 0; v < cfg.vocab_size; v++) {
                const float a = mine[r * cfg.vocab_size + v], want = t.logits[r * cfg.vocab_size + v];
                if (!(fabsf(a - want) <= 2e-4f + 1e-4f * fabsf(want)))
                    fail_msg("default size: sentence %d row %d word %d: train %.7g vs inference %.7g", i, r, v, a, want);
            }
    }
    trace_free(&t);
    /* gradient spot checks, with dropout on (fixed masks) */
    memset(grad, 0, p.n_floats * sizeof(float));
    train_ctx_run(c, &p, &b, 0.1f, 0.1f, 7, 3, grad, NULL, NULL);
    const float h = 1e-2f;
    for (int ti = 0; ti < p.n_tensors; ti++) {
        const model_tensor *tn = &p.tensors[ti];
        /* the entry with the largest gradient among a few candidates: a clear signal for float differences */
        size_t best = tn->offset;
        for (int k = 0; k < 8; k++) {
            const size_t j = tn->offset + (tn->count * (size_t)(2 * k + 1)) / 16;
            if (fabsf(grad[j]) > fabsf(grad[best])) best = j;
        }
        const float keep = p.memory[best];
        p.memory[best] = keep + h; const double lp = train_ctx_run(c, &p, &b, 0.1f, 0.1f, 7, 3, NULL, NULL, NULL);
        p.memory[best] = keep - h; const double lm = train_ctx_run(c, &p, &b, 0.1f, 0.1f, 7, 3, NULL, NULL, NULL);
        p.memory[best] = keep;
        const double num = (lp - lm) / (2 * h), ana = grad[best];
        const double m = fabs(num) > fabs(ana) ? fabs(num) : fabs(ana);
        if (!(fabs(num - ana) <= 2e-4 + 5e-2 * m))
            fail_msg("default size: %s[%zu]: numeric %.7g vs analytic %.7g", tn->name, best - tn->offset, num, ana);
    }
    free(grad);
    train_ctx_free(c);
    train_batch_free(&b);
    model_params_free(&p);
}

static void test_checks_were_real(void **state)
{
    (void)state;
    /* the elementwise checks above compared real, non-zero gradients */
    assert_true(g_checked > 200);
    assert_true(g_big > g_checked / 2);
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_linear_backward),
          cmocka_unit_test(test_softmax_backward),
          cmocka_unit_test(test_layernorm_backward),
          cmocka_unit_test(test_relu_backward),
          cmocka_unit_test(test_attention_backward),
          cmocka_unit_test(test_embedding_backward),
          cmocka_unit_test(test_xent_backward),
          cmocka_unit_test(test_model_backward),
          cmocka_unit_test(test_model_backward_final_norm_threads),
          cmocka_unit_test(test_model_backward_dropout),
          cmocka_unit_test(test_threads_agree),
          cmocka_unit_test(test_default_size),
          cmocka_unit_test(test_checks_were_real))
