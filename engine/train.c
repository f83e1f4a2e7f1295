/* train.c - teacher-forced training: batched forward with saved activations,
 * backward, label-smoothed cross-entropy, dropout, Adam, the warm-up schedule,
 * length-bucketed batches and checkpoints (see train.h for the formulas).
 *
 * Layout follows karpathy/llm.c's train_gpt2.c: each worker thread owns one
 * activation block (every tensor the backward needs, named per layer) and,
 * beyond worker 0, its own gradient buffer; the batch is split between the
 * workers and their gradients are summed in a fixed order afterwards, so a run
 * is bit-for-bit deterministic for a given seed and thread count.
 *
 * All the matrix products go through one register-blocked kernel, mm_acc
 * (C += A B, row-major), with AVX-512 / AVX2+FMA versions picked at run time
 * and a plain C fallback. Forward linear layers use a per-run transposed copy
 * of the weights so that the kernel streams contiguous rows.
 *
 * Each backward step quotes the forward line it differentiates.
 * What it must not do: print, exit, or know about the corpus or the app.
 */
/* The whole file at -O3 (the build is -O2): the element-wise loops here are
 * hot, and -O2's very cheap vectoriser leaves most of them scalar. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

#include "train.h"

#include "afile.h"
#include "kernels.h"
#include "rng.h"
#include "tok.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#define TRAIN_X86 1
#else
#define TRAIN_X86 0
#endif

/* ------------------------------------------------------------------------ */
/* Matrix kernel: C[n, m] += A[n, k] B[k, m], with leading dimensions.        */

static void mm_acc_plain(float *c, int ldc, const float *a, int lda, const float *b, int ldb, int n, int k, int m)
{
    for (int i = 0; i < n; i++) {
        float *ci = c + (size_t)i * ldc;
        const float *ai = a + (size_t)i * lda;
        for (int p = 0; p < k; p++) {
            const float av = ai[p];
            const float *bp = b + (size_t)p * ldb;
            for (int j = 0; j < m; j++) ci[j] += av * bp[j];
        }
    }
}

#if TRAIN_X86
/* A 6 x (2 VW) register tile: 12 accumulators, two loads of B and one
 * broadcast of A per step of p. Rows past n reuse row n-1 and are not stored. */
#define MM_ROW_PTRS                                                                                          \
    const float *a0 = a + (size_t)i0 * lda;                                                                  \
    const float *a1 = a + (size_t)(i0 + 1 < n ? i0 + 1 : n - 1) * lda;                                       \
    const float *a2 = a + (size_t)(i0 + 2 < n ? i0 + 2 : n - 1) * lda;                                       \
    const float *a3 = a + (size_t)(i0 + 3 < n ? i0 + 3 : n - 1) * lda;                                       \
    const float *a4 = a + (size_t)(i0 + 4 < n ? i0 + 4 : n - 1) * lda;                                       \
    const float *a5 = a + (size_t)(i0 + 5 < n ? i0 + 5 : n - 1) * lda;

#define MM_DEFINE(NAME, ATTR, VT, VW, LOAD, STORE, FMA, SET1, ZERO, ADD)                                     \
    ATTR static void NAME(float *c, int ldc, const float *a, int lda, const float *b, int ldb, int n, int k, \
                          int m)                                                                             \
    {                                                                                                        \
        int j0 = 0;                                                                                          \
        for (; j0 + 2 * VW <= m; j0 += 2 * VW) {                                                             \
            for (int i0 = 0; i0 < n; i0 += 6) {                                                              \
                MM_ROW_PTRS                                                                                  \
                VT c00 = ZERO(), c01 = ZERO(), c10 = ZERO(), c11 = ZERO(), c20 = ZERO(), c21 = ZERO();       \
                VT c30 = ZERO(), c31 = ZERO(), c40 = ZERO(), c41 = ZERO(), c50 = ZERO(), c51 = ZERO();       \
                const float *bp = b + j0;                                                                    \
                for (int p = 0; p < k; p++, bp += ldb) {                                                     \
                    const VT b0 = LOAD(bp), b1 = LOAD(bp + VW);                                              \
                    VT t;                                                                                    \
                    t = SET1(a0[p]); c00 = FMA(t, b0, c00); c01 = FMA(t, b1, c01);                           \
                    t = SET1(a1[p]); c10 = FMA(t, b0, c10); c11 = FMA(t, b1, c11);                           \
                    t = SET1(a2[p]); c20 = FMA(t, b0, c20); c21 = FMA(t, b1, c21);                           \
                    t = SET1(a3[p]); c30 = FMA(t, b0, c30); c31 = FMA(t, b1, c31);                           \
                    t = SET1(a4[p]); c40 = FMA(t, b0, c40); c41 = FMA(t, b1, c41);                           \
                    t = SET1(a5[p]); c50 = FMA(t, b0, c50); c51 = FMA(t, b1, c51);                           \
                }                                                                                            \
                float *cp = c + (size_t)i0 * ldc + j0;                                                               \
                if (i0 + 0 < n) {                                                                                    \
                    float *cr = cp + (size_t)0 * ldc;                                                                \
                    STORE(cr, ADD(LOAD(cr), c00));                                                                   \
                    STORE(cr + VW, ADD(LOAD(cr + VW), c01));                                                         \
                }                                                                                                    \
                if (i0 + 1 < n) {                                                                                    \
                    float *cr = cp + (size_t)1 * ldc;                                                                \
                    STORE(cr, ADD(LOAD(cr), c10));                                                                   \
                    STORE(cr + VW, ADD(LOAD(cr + VW), c11));                                                         \
                }                                                                                                    \
                if (i0 + 2 < n) {                                                                                    \
                    float *cr = cp + (size_t)2 * ldc;                                                                \
                    STORE(cr, ADD(LOAD(cr), c20));                                                                   \
                    STORE(cr + VW, ADD(LOAD(cr + VW), c21));                                                         \
                }                                                                                                    \
                if (i0 + 3 < n) {                                                                                    \
                    float *cr = cp + (size_t)3 * ldc;                                                                \
                    STORE(cr, ADD(LOAD(cr), c30));                                                                   \
                    STORE(cr + VW, ADD(LOAD(cr + VW), c31));                                                         \
                }                                                                                                    \
                if (i0 + 4 < n) {                                                                                    \
                    float *cr = cp + (size_t)4 * ldc;                                                                \
                    STORE(cr, ADD(LOAD(cr), c40));                                                                   \
                    STORE(cr + VW, ADD(LOAD(cr + VW), c41));                                                         \
                }                                                                                                    \
                if (i0 + 5 < n) {                                                                                    \
                    float *cr = cp + (size_t)5 * ldc;                                                                \
                    STORE(cr, ADD(LOAD(cr), c50));                                                                   \
                    STORE(cr + VW, ADD(LOAD(cr + VW), c51));                                                         \
                }                                                                                                    \
            }                                                                                                \
        }                                                                                                    \
        for (; j0 + VW <= m; j0 += VW) {                                                                     \
            for (int i = 0; i < n; i++) {                                                                    \
                const float *ai = a + (size_t)i * lda;                                                       \
                VT acc = ZERO();                                                                             \
                const float *bp = b + j0;                                                                    \
                for (int p = 0; p < k; p++, bp += ldb) acc = FMA(SET1(ai[p]), LOAD(bp), acc);                \
                float *cp = c + (size_t)i * ldc + j0;                                                        \
                STORE(cp, ADD(LOAD(cp), acc));                                                               \
            }                                                                                                \
        }                                                                                                    \
        if (j0 < m) {                                                                                        \
            for (int i = 0; i < n; i++) {                                                                    \
                const float *ai = a + (size_t)i * lda;                                                       \
                float *ci = c + (size_t)i * ldc;                                                             \
                for (int j = j0; j < m; j++) {                                                               \
                    float s = 0.0f;                                                                          \
                    for (int p = 0; p < k; p++) s += ai[p] * b[(size_t)p * ldb + j];                         \
                    ci[j] += s;                                                                              \
                }                                                                                            \
            }                                                                                                \
        }                                                                                                    \
    }

#define A2_LOAD(p) _mm256_loadu_ps(p)
#define A2_STORE(p, v) _mm256_storeu_ps((p), (v))
#define A2_FMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define A2_SET1(x) _mm256_set1_ps(x)
#define A2_ZERO() _mm256_setzero_ps()
#define A2_ADD(a, b) _mm256_add_ps((a), (b))
MM_DEFINE(mm_acc_avx2, __attribute__((target("avx2,fma"))), __m256, 8, A2_LOAD, A2_STORE, A2_FMA, A2_SET1,
          A2_ZERO, A2_ADD)

#define A5_LOAD(p) _mm512_loadu_ps(p)
#define A5_STORE(p, v) _mm512_storeu_ps((p), (v))
#define A5_FMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define A5_SET1(x) _mm512_set1_ps(x)
#define A5_ZERO() _mm512_setzero_ps()
#define A5_ADD(a, b) _mm512_add_ps((a), (b))
MM_DEFINE(mm_acc_avx512, __attribute__((target("avx512f,fma"))), __m512, 16, A5_LOAD, A5_STORE, A5_FMA,
          A5_SET1, A5_ZERO, A5_ADD)
#endif

/* Element-wise hot loops get AVX-512 / AVX2 clones picked at load time. */
#if TRAIN_X86 && defined(__GNUC__) && !defined(__clang__)
#define HOT_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define HOT_CLONES
#endif

typedef void (*mm_fn)(float *, int, const float *, int, const float *, int, int, int, int);

static mm_fn mm_pick(void)
{
#if TRAIN_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return mm_acc_avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return mm_acc_avx2;
#endif
    return mm_acc_plain;
}

static mm_fn g_mm = NULL; /* set by train_ctx_create before any thread starts */

static void mm_acc(float *c, int ldc, const float *a, int lda, const float *b, int ldb, int n, int k, int m)
{
    if (n <= 0 || m <= 0) return;
    if (!g_mm) g_mm = mm_pick();
    g_mm(c, ldc, a, lda, b, ldb, n, k, m);
}

/* dst[cols, rows] = src[rows, cols]^T (src with leading dimension lds). */
static void transpose(float *dst, const float *src, int rows, int cols, int lds)
{
    for (int i0 = 0; i0 < rows; i0 += 16)
        for (int j0 = 0; j0 < cols; j0 += 16) {
            const int i1 = i0 + 16 < rows ? i0 + 16 : rows, j1 = j0 + 16 < cols ? j0 + 16 : cols;
            for (int j = j0; j < j1; j++)
                for (int i = i0; i < i1; i++) dst[(size_t)j * rows + i] = src[(size_t)i * lds + j];
        }
}

/* y[n, out] = x[n, in] W^T + b, with WT = W^T given as [in, out] rows of stride ldwt. */
static void lin_fwd(float *y, const float *x, const float *wt, int ldwt, const float *b, int n, int in, int out)
{
    for (int i = 0; i < n; i++) {
        float *yi = y + (size_t)i * out;
        if (b) memcpy(yi, b, (size_t)out * sizeof(float));
        else memset(yi, 0, (size_t)out * sizeof(float));
    }
    mm_acc(y, out, x, in, wt, ldwt, n, in, out);
}

/* Backward of y = x W^T + b:  dx += dy W;  dW += dy^T x;  db += sum_rows dy.
 * scratch holds dy^T: [out, n]. */
static void lin_bwd(float *dx, float *dw, float *db, const float *dy, const float *x, const float *w, int n, int in,
                    int out, float *scratch)
{
    if (n <= 0) return;
    if (dx) mm_acc(dx, in, dy, out, w, in, n, out, in);
    if (dw) {
        transpose(scratch, dy, n, out, out);
        mm_acc(dw, in, scratch, n, x, in, out, n, in);
    }
    if (db)
        for (int i = 0; i < n; i++) {
            const float *dyi = dy + (size_t)i * out;
            for (int o = 0; o < out; o++) db[o] += dyi[o];
        }
}

/* ------------------------------------------------------------------------ */
/* Schedule and optimiser.                                                   */

train_options train_options_default(void)
{
    train_options o;
    memset(&o, 0, sizeof o);
    o.batch = 64;
    o.warmup = 400;
    o.lr_scale = 1.0f;
    o.label_smoothing = 0.1f;
    o.dropout = 0.1f;
    o.beta1 = 0.9f;
    o.beta2 = 0.98f;
    o.adam_eps = 1e-9f;
    o.seed = 1;
    o.threads = 2;
    return o;
}

double train_lr(long step, int d_model, int warmup, double scale)
{
    if (step < 1) step = 1;
    if (warmup < 1) warmup = 1;
    const double a = 1.0 / sqrt((double)step);
    const double b = (double)step * pow((double)warmup, -1.5);
    return scale / sqrt((double)d_model) * (a < b ? a : b);
}

void train_adam_update(float *w, float *m, float *v, const float *g, size_t n, float lr, float b1, float b2,
                       float eps, long t)
{
    const float c1 = (float)(1.0 / (1.0 - pow((double)b1, (double)t)));
    const float c2 = (float)(1.0 / (1.0 - pow((double)b2, (double)t)));
    for (size_t i = 0; i < n; i++) {
        const float gi = g[i];
        m[i] = b1 * m[i] + (1.0f - b1) * gi;
        v[i] = b2 * v[i] + (1.0f - b2) * gi * gi;
        w[i] -= lr * (m[i] * c1) / (sqrtf(v[i] * c2) + eps);
    }
}

/* ------------------------------------------------------------------------ */
/* Building blocks.                                                          */

/* kt[d * tk + j] = k[j * ldkv + d] for d < K, j < tk: one head's keys (or
 * values) transposed, so that the dot products of one query with every key
 * run as a vector over j (each still summed over d in order 0..K-1, exactly as
 * a plain loop would, so the numbers do not depend on the vector width). */
static void head_transpose(float *kt, const float *k, int ldkv, int tk, int K)
{
    for (int j = 0; j < tk; j++)
        for (int d = 0; d < K; d++) kt[(size_t)d * tk + j] = k[(size_t)j * ldkv + d];
}

/* out[j] = sum_d x[d] kt[d * tk + j], summed over d in order, for j < tk,
 * 16 keys at a time in a register-sized accumulator. */
HOT_CLONES static void dots_by_key(float *out, const float *x, const float *kt, int tk, int K)
{
    int j0 = 0;
    for (; j0 + 16 <= tk; j0 += 16) {
        float acc[16];
        for (int jj = 0; jj < 16; jj++) acc[jj] = 0.0f;
        for (int d = 0; d < K; d++) {
            const float xd = x[d];
            const float *r = kt + (size_t)d * tk + j0;
            for (int jj = 0; jj < 16; jj++) acc[jj] += xd * r[jj];
        }
        for (int jj = 0; jj < 16; jj++) out[j0 + jj] = acc[jj];
    }
    if (j0 < tk) {
        float acc[16];
        const int n = tk - j0;
        for (int jj = 0; jj < 16; jj++) acc[jj] = 0.0f;
        for (int d = 0; d < K; d++) {
            const float xd = x[d];
            const float *r = kt + (size_t)d * tk + j0;
            for (int jj = 0; jj < n; jj++) acc[jj] += xd * r[jj];
        }
        for (int jj = 0; jj < n; jj++) out[j0 + jj] = acc[jj];
    }
}

/* y[d] += sum_j c[j] r_j[d] for d < K, over the rows r_j = rows + j * ld with
 * a[j] != 0, j in order (each y[d] kept in a register across j). */
HOT_CLONES static void weighted_rows(float *y, const float *c, const float *a, const float *rows, int ld, int n, int K)
{
    int d0 = 0;
    for (; d0 + 16 <= K; d0 += 16) {
        float acc[16];
        for (int dd = 0; dd < 16; dd++) acc[dd] = y[d0 + dd];
        for (int j = 0; j < n; j++) {
            if (a[j] == 0.0f) continue;
            const float cj = c[j];
            const float *r = rows + (size_t)j * ld + d0;
            for (int dd = 0; dd < 16; dd++) acc[dd] += cj * r[dd];
        }
        for (int dd = 0; dd < 16; dd++) y[d0 + dd] = acc[dd];
    }
    for (int d = d0; d < K; d++) {
        float acc = y[d];
        for (int j = 0; j < n; j++)
            if (a[j] != 0.0f) acc += c[j] * rows[(size_t)j * ld + d];
        y[d] = acc;
    }
}

HOT_CLONES void train_attn_forward(float *out, float *att, float *scratch, const float *q, int ldq, const float *k,
                                   const float *v, int ldkv, int tq, int tk, int key_len, int causal, int H, int K)
{
    const float inv_sqrt_k = 1.0f / sqrtf((float)K);
    const int ldo = H * K;
    float *kt = scratch; /* [K, tk] */
    for (int h = 0; h < H; h++) {
        head_transpose(kt, k + h * K, ldkv, tk, K);
        for (int i = 0; i < tq; i++) {
            float *row = att + ((size_t)h * tq + i) * tk;
            const float *qi = q + (size_t)i * ldq + h * K;
            /* scores = Q K^T / sqrt(K), masked with -INFINITY */
            dots_by_key(row, qi, kt, tk, K);
            for (int j = 0; j < tk; j++)
                row[j] = (j >= key_len || (causal && j > i)) ? -INFINITY : row[j] * inv_sqrt_k;
            kern_softmax_rows(row, row, 1, tk);
            /* out_i = sum_j att_ij v_j */
            float *oi = out + (size_t)i * ldo + h * K;
            for (int d = 0; d < K; d++) oi[d] = 0.0f;
            weighted_rows(oi, row, row, v + h * K, ldkv, tk, K);
        }
    }
}

HOT_CLONES void train_attn_backward(float *dq, float *dk, float *dv, float *scratch, const float *dout,
                                    const float *att, const float *q, int ldq, const float *k, const float *v, int ldkv,
                                    int tq, int tk, int H, int K)
{
    const float inv_sqrt_k = 1.0f / sqrtf((float)K);
    const int ldo = H * K;
    float *ds = scratch;                 /* [tk] */
    float *vt = scratch + tk;            /* [K, tk] */
    for (int h = 0; h < H; h++) {
        head_transpose(vt, v + h * K, ldkv, tk, K);
        for (int i = 0; i < tq; i++) {
            const float *row = att + ((size_t)h * tq + i) * tk;
            const float *doi = dout + (size_t)i * ldo + h * K;
            /* forward: out_i = sum_j att_ij v_j  ->  datt_ij = dout_i . v_j ; dv_j += att_ij dout_i */
            dots_by_key(ds, doi, vt, tk, K);
            float dot = 0.0f;
            for (int j = 0; j < tk; j++) {
                const float a = row[j];
                if (a == 0.0f) {
                    ds[j] = 0.0f;
                    continue;
                }
                float *dvj = dv + (size_t)j * ldkv + h * K;
                for (int d = 0; d < K; d++) dvj[d] += a * doi[d];
                dot += a * ds[j];
            }
            /* forward: att = softmax(scores) -> dscores = att * (datt - sum(att * datt)) ;
             * forward: scores = q_i . k_j / sqrt(K) -> dq_i += ds k_j / sqrt(K), dk_j += ds q_i / sqrt(K) */
            const float *qi = q + (size_t)i * ldq + h * K;
            float *dqi = dq + (size_t)i * ldq + h * K;
            for (int j = 0; j < tk; j++) ds[j] = row[j] * (ds[j] - dot) * inv_sqrt_k; /* now dscores / sqrt(K) */
            weighted_rows(dqi, ds, row, k + h * K, ldkv, tk, K);
            for (int j = 0; j < tk; j++) {
                if (row[j] == 0.0f) continue;
                const float g = ds[j];
                float *dkj = dk + (size_t)j * ldkv + h * K;
                for (int d = 0; d < K; d++) dkj[d] += g * qi[d];
            }
        }
    }
}

double train_xent(float *dz, const float *z, const int *y, int n, int V, float eps, float scale)
{
    double total = 0.0;
    const double u = (double)eps / (double)(V - 1);
    for (int i = 0; i < n; i++) {
        const float *zi = z + (size_t)i * V;
        float *dzi = dz ? dz + (size_t)i * V : NULL;
        if (y[i] == TOK_PAD) {
            if (dzi) memset(dzi, 0, (size_t)V * sizeof(float));
            continue;
        }
        float mx = zi[0];
        for (int j = 1; j < V; j++)
            if (zi[j] > mx) mx = zi[j];
        double sum = 0.0, sum_z = 0.0;
        for (int j = 0; j < V; j++) sum += exp((double)(zi[j] - mx));
        for (int j = 1; j < V; j++) sum_z += (double)zi[j]; /* j = 0 is <pad>, excluded */
        const double lse = (double)mx + log(sum);
        /* loss = -(1 - eps) log p_y - eps / V' sum_{j != pad} log p_j */
        total += -(1.0 - eps) * ((double)zi[y[i]] - lse) - u * (sum_z - (double)(V - 1) * lse);
        if (dzi) {
            /* forward: loss = -sum_j q_j log softmax(z)_j  ->  dz_j = softmax(z)_j - q_j (sum_j q_j = 1) */
            for (int j = 0; j < V; j++) {
                double g = exp((double)zi[j] - lse);
                if (j != TOK_PAD) g -= u;
                if (j == y[i]) g -= 1.0 - eps;
                dzi[j] = (float)(g * scale);
            }
        }
    }
    return total;
}

void train_embed_forward(float *x, const int *ids, int n, const float *E, const float *pe, int D)
{
    const float s = sqrtf((float)D);
    for (int i = 0; i < n; i++) {
        const float *e = E + (size_t)ids[i] * D;
        const float *pi = pe + (size_t)i * D;
        float *xi = x + (size_t)i * D;
        for (int d = 0; d < D; d++) xi[d] = e[d] * s + pi[d];
    }
}

/* forward: x_i = E[id_i] * sqrt(D) + PE_i  ->  dE[id_i] += dx_i * sqrt(D) */
void train_embed_backward(float *dE, const float *dx, const int *ids, int n, int D)
{
    const float s = sqrtf((float)D);
    for (int i = 0; i < n; i++) {
        float *g = dE + (size_t)ids[i] * D;
        const float *dxi = dx + (size_t)i * D;
        for (int d = 0; d < D; d++) g[d] += dxi[d] * s;
    }
}

/* ------------------------------------------------------------------------ */
/* Dropout masks from a counter-based hash: independent of threads.          */

static uint64_t mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* mask[rows, D] for sentence gb (in the batch) rows 0..rows-1: 0 with
 * probability p, else 1 / (1 - p). */
static void dropout_mask(float *mask, int rows, int D, float p, uint64_t seed, long step, int site, int gb)
{
    const uint64_t base = mix64(mix64(seed ^ 0xD509ULL) + (uint64_t)step * 0x100000001B3ULL + (uint64_t)site * 7919);
    const uint32_t thr = (uint32_t)(p * 65536.0f);
    const float keep = 1.0f / (1.0f - p);
    for (int r = 0; r < rows; r++) {
        const uint64_t hr = mix64(base ^ ((uint64_t)gb << 20 | (uint64_t)r) * 0x9E3779B97F4A7C15ULL);
        float *mr = mask + (size_t)r * D;
        for (int d = 0; d < D; d += 4) {
            uint64_t h = mix64(hr + (uint64_t)d);
            for (int e = 0; e < 4 && d + e < D; e++, h >>= 16)
                mr[d + e] = ((uint32_t)(h & 0xFFFF) < thr) ? 0.0f : keep;
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Activations of one worker.                                                */

typedef struct {
    const float *in;                   /* [N, D] layer input (not owned) */
    float *qkv;                        /* [N, 3D] */
    float *att;                        /* [B, H, S, S] */
    float *ctx;                        /* [N, D] heads concatenated */
    float *ao;                         /* [N, D] attention output (before dropout) */
    float *m1, *r1, *mean1, *rstd1, *ln1; /* dropout mask, residual sum, LN stats [N], LN output */
    float *hid;                        /* [N, F] after ReLU */
    float *fo;                         /* [N, D] */
    float *m2, *r2, *mean2, *rstd2, *ln2;
} enc_acts;

typedef struct {
    const float *in;                   /* [M, D] */
    float *qkv, *att, *ctx, *ao;       /* self-attention: [M, 3D], [B, H, T, T], [M, D], [M, D] */
    float *m1, *r1, *mean1, *rstd1, *ln1;
    float *qc, *kvc, *attc, *ctxc, *aoc; /* cross: [M, D], [N, 2D], [B, H, T, S], [M, D], [M, D] */
    float *m2, *r2, *mean2, *rstd2, *ln2;
    float *hid, *fo;                   /* [M, F], [M, D] */
    float *m3, *r3, *mean3, *rstd3, *ln3;
} dec_acts;

typedef struct {
    struct train_ctx *ctx;
    int index;
    int cap_b;             /* sentences this worker can hold */
    float *block;
    /* forward */
    float *ex, *emask;     /* [N, D] encoder input after dropout, its mask */
    enc_acts *enc;
    float *efn, *efn_mean, *efn_rstd; /* encoder.norm output (when present) */
    float *dx0, *dmask;    /* [M, D] decoder input, mask */
    dec_acts *dec;
    float *dfn, *dfn_mean, *dfn_rstd;
    float *logits;         /* [M, V] */
    float *dlogits;        /* [M, V] */
    /* backward scratch */
    float *gp, *gq, *gt;   /* [R, D] ping-pong gradients and a masked copy */
    float *gctx, *gqc;     /* [R, D] */
    float *g3;             /* [R, 3D] */
    float *ghid;           /* [R, F] */
    float *gmem;           /* [R, D] gradient of the encoder output */
    float *tscratch;       /* [R * max(3D, F, V)] for dy^T */
    float *ascratch;       /* [L * (K + 1)] attention scratch */
    float *grad;           /* this worker's gradient buffer (worker 0: the caller's) */
    /* per run */
    int b0, nb;
    double loss_sum;
    int correct, exact;
} worker;

struct train_ctx {
    model_config cfg;
    int max_batch;
    int threads;
    size_t n_floats;
    float *wt;             /* [n_floats] transposed 2-D weights at the same offsets */
    float *pe;             /* [L, D] */
    float *gextra;         /* [(threads - 1) * n_floats] */
    worker *w;
    /* the current run */
    const model_params *p;
    const train_batch *b;
    float dropout, smoothing;
    uint64_t seed;
    long step;
    float *grad;
};

static size_t worker_layout(worker *w, const model_config *c, float *base)
{
    const size_t D = (size_t)c->d_model, F = (size_t)c->d_ff, V = (size_t)c->vocab_size, L = (size_t)c->max_len,
                 H = (size_t)c->n_heads;
    const size_t R = (size_t)w->cap_b * L, B = (size_t)w->cap_b;
    size_t off = 0;
#define TAKE(ptr, count)                                                                                     \
    do {                                                                                                     \
        (ptr) = base ? base + off : NULL;                                                                    \
        off += ((size_t)(count) + 15) & ~(size_t)15;                                                         \
    } while (0)
    TAKE(w->ex, R * D);
    TAKE(w->emask, R * D);
    for (int l = 0; l < c->n_enc_layers; l++) {
        enc_acts *a = &w->enc[l];
        TAKE(a->qkv, R * 3 * D);
        TAKE(a->att, B * H * L * L);
        TAKE(a->ctx, R * D);
        TAKE(a->ao, R * D);
        TAKE(a->m1, R * D);
        TAKE(a->r1, R * D);
        TAKE(a->mean1, R);
        TAKE(a->rstd1, R);
        TAKE(a->ln1, R * D);
        TAKE(a->hid, R * F);
        TAKE(a->fo, R * D);
        TAKE(a->m2, R * D);
        TAKE(a->r2, R * D);
        TAKE(a->mean2, R);
        TAKE(a->rstd2, R);
        TAKE(a->ln2, R * D);
    }
    TAKE(w->efn, R * D);
    TAKE(w->efn_mean, R);
    TAKE(w->efn_rstd, R);
    TAKE(w->dx0, R * D);
    TAKE(w->dmask, R * D);
    for (int l = 0; l < c->n_dec_layers; l++) {
        dec_acts *a = &w->dec[l];
        TAKE(a->qkv, R * 3 * D);
        TAKE(a->att, B * H * L * L);
        TAKE(a->ctx, R * D);
        TAKE(a->ao, R * D);
        TAKE(a->m1, R * D);
        TAKE(a->r1, R * D);
        TAKE(a->mean1, R);
        TAKE(a->rstd1, R);
        TAKE(a->ln1, R * D);
        TAKE(a->qc, R * D);
        TAKE(a->kvc, R * 2 * D);
        TAKE(a->attc, B * H * L * L);
        TAKE(a->ctxc, R * D);
        TAKE(a->aoc, R * D);
        TAKE(a->m2, R * D);
        TAKE(a->r2, R * D);
        TAKE(a->mean2, R);
        TAKE(a->rstd2, R);
        TAKE(a->ln2, R * D);
        TAKE(a->hid, R * F);
        TAKE(a->fo, R * D);
        TAKE(a->m3, R * D);
        TAKE(a->r3, R * D);
        TAKE(a->mean3, R);
        TAKE(a->rstd3, R);
        TAKE(a->ln3, R * D);
    }
    TAKE(w->dfn, R * D);
    TAKE(w->dfn_mean, R);
    TAKE(w->dfn_rstd, R);
    TAKE(w->logits, R * V);
    TAKE(w->dlogits, R * V);
    TAKE(w->gp, R * D);
    TAKE(w->gq, R * D);
    TAKE(w->gt, R * D);
    TAKE(w->gctx, R * D);
    TAKE(w->gqc, R * D);
    TAKE(w->g3, R * 3 * D);
    TAKE(w->ghid, R * F);
    TAKE(w->gmem, R * D);
    size_t tw = 3 * D;
    if (F > tw) tw = F;
    if (V > tw) tw = V;
    TAKE(w->tscratch, R * tw);
    TAKE(w->ascratch, L * (D + 1));
#undef TAKE
    return off;
}

train_ctx *train_ctx_create(const model_config *cfg, int max_batch, int threads)
{
    if (model_config_check(cfg, NULL, 0) != 0 || max_batch < 1) return NULL;
    if (threads < 1) threads = 1;
    if (threads > max_batch) threads = max_batch;
    if (threads > 64) threads = 64;
    if (!g_mm) g_mm = mm_pick();
    train_ctx *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->cfg = *cfg;
    c->max_batch = max_batch;
    c->threads = threads;
    model_params probe;
    if (model_params_init_view(&probe, cfg, (float *)c) != 0) { /* table only: no allocation */
        free(c);
        return NULL;
    }
    c->n_floats = probe.n_floats;
    model_params_free(&probe);
    c->wt = calloc(c->n_floats, sizeof(float));
    c->pe = calloc((size_t)cfg->max_len * cfg->d_model, sizeof(float));
    c->gextra = threads > 1 ? calloc((size_t)(threads - 1) * c->n_floats, sizeof(float)) : NULL;
    c->w = calloc((size_t)threads, sizeof *c->w);
    if (!c->wt || !c->pe || (threads > 1 && !c->gextra) || !c->w) {
        train_ctx_free(c);
        return NULL;
    }
    kern_positional_encoding(c->pe, cfg->max_len, cfg->d_model);
    const int per = (max_batch + threads - 1) / threads;
    for (int t = 0; t < threads; t++) {
        worker *w = &c->w[t];
        w->ctx = c;
        w->index = t;
        w->cap_b = per;
        w->enc = calloc((size_t)cfg->n_enc_layers, sizeof *w->enc);
        w->dec = calloc((size_t)cfg->n_dec_layers, sizeof *w->dec);
        if (!w->enc || !w->dec) {
            train_ctx_free(c);
            return NULL;
        }
        size_t n = worker_layout(w, cfg, NULL);
        w->block = calloc(n, sizeof(float));
        if (!w->block) {
            train_ctx_free(c);
            return NULL;
        }
        worker_layout(w, cfg, w->block);
    }
    return c;
}

void train_ctx_free(train_ctx *c)
{
    if (!c) return;
    if (c->w)
        for (int t = 0; t < c->threads; t++) {
            free(c->w[t].block);
            free(c->w[t].enc);
            free(c->w[t].dec);
        }
    free(c->w);
    free(c->wt);
    free(c->pe);
    free(c->gextra);
    free(c);
}

/* ------------------------------------------------------------------------ */
/* Forward and backward of one worker's share of the batch.                 */

#define OFF(p, ptr) ((size_t)((ptr) - (p)->memory))

/* y = max(0, y), without branches (signs are random: a branch mispredicts half the time). */
static void relu_inplace(float *y, size_t n)
{
    for (size_t i = 0; i < n; i++) y[i] = y[i] > 0.0f ? y[i] : 0.0f;
}

/* forward: hid = max(0, pre)  ->  dpre = dhid * (hid > 0), in place on dhid */
static void relu_bwd_inplace(float *dh, const float *h, size_t n)
{
    for (size_t i = 0; i < n; i++) dh[i] = h[i] > 0.0f ? dh[i] : 0.0f;
}

/* r = x + drop(a) with mask m (m NULL: no dropout). */
static void residual_fwd(float *r, const float *x, const float *a, const float *m, size_t n)
{
    if (m)
        for (size_t i = 0; i < n; i++) r[i] = x[i] + a[i] * m[i];
    else
        for (size_t i = 0; i < n; i++) r[i] = x[i] + a[i];
}

/* forward: r = x + drop(a) -> da = dr * m (dx = dr is the residual path, kept by the caller).
 * Returns the buffer holding da: dst, or dr itself without dropout. */
static float *residual_bwd(float *dst, const float *dr, const float *m, size_t n)
{
    if (!m) return (float *)dr;
    for (size_t i = 0; i < n; i++) dst[i] = dr[i] * m[i];
    return dst;
}

static void worker_forward(worker *w)
{
    train_ctx *c = w->ctx;
    const model_params *p = c->p;
    const train_batch *bt = c->b;
    const model_config *cf = &c->cfg;
    const int D = cf->d_model, H = cf->n_heads, K = D / H, F = cf->d_ff, V = cf->vocab_size;
    const int S = bt->S, T = bt->T, nb = w->nb, b0 = w->b0;
    const int N = nb * S, M = nb * T;
    const float pdrop = c->dropout;
    const int use_drop = pdrop > 0.0f;
    const float *wt = c->wt;
    int site = 0;

    /* ---- encoder ---- */
    /* x = drop(E[src] * sqrt(D) + PE) */
    for (int b = 0; b < nb; b++)
        train_embed_forward(w->ex + (size_t)b * S * D, bt->src + (size_t)(b0 + b) * S, S, p->embedding, c->pe, D);
    if (use_drop) {
        for (int b = 0; b < nb; b++)
            dropout_mask(w->emask + (size_t)b * S * D, S, D, pdrop, c->seed, c->step, site, b0 + b);
        for (size_t i = 0; i < (size_t)N * D; i++) w->ex[i] *= w->emask[i];
    }
    site++;
    const float *x = w->ex;
    for (int l = 0; l < cf->n_enc_layers; l++) {
        const model_enc_layer *P = &p->enc[l];
        enc_acts *a = &w->enc[l];
        a->in = x;
        lin_fwd(a->qkv, x, wt + OFF(p, P->self_attn.in_proj_weight), 3 * D, P->self_attn.in_proj_bias, N, D, 3 * D);
        for (int b = 0; b < nb; b++) {
            const float *qkv = a->qkv + (size_t)b * S * 3 * D;
            train_attn_forward(a->ctx + (size_t)b * S * D, a->att + (size_t)b * H * S * S, w->ascratch, qkv, 3 * D, qkv + D,
                               qkv + 2 * D, 3 * D, S, S, bt->src_len[b0 + b], 0, H, K);
        }
        lin_fwd(a->ao, a->ctx, wt + OFF(p, P->self_attn.out_proj_weight), D, P->self_attn.out_proj_bias, N, D, D);
        if (use_drop)
            for (int b = 0; b < nb; b++)
                dropout_mask(a->m1 + (size_t)b * S * D, S, D, pdrop, c->seed, c->step, site, b0 + b);
        site++;
        residual_fwd(a->r1, x, a->ao, use_drop ? a->m1 : NULL, (size_t)N * D);
        kern_layernorm(a->ln1, a->mean1, a->rstd1, a->r1, P->norm1_weight, P->norm1_bias, N, D, cf->ln_eps);
        lin_fwd(a->hid, a->ln1, wt + OFF(p, P->linear1_weight), F, P->linear1_bias, N, D, F);
        relu_inplace(a->hid, (size_t)N * F);
        lin_fwd(a->fo, a->hid, wt + OFF(p, P->linear2_weight), D, P->linear2_bias, N, F, D);
        if (use_drop)
            for (int b = 0; b < nb; b++)
                dropout_mask(a->m2 + (size_t)b * S * D, S, D, pdrop, c->seed, c->step, site, b0 + b);
        site++;
        residual_fwd(a->r2, a->ln1, a->fo, use_drop ? a->m2 : NULL, (size_t)N * D);
        kern_layernorm(a->ln2, a->mean2, a->rstd2, a->r2, P->norm2_weight, P->norm2_bias, N, D, cf->ln_eps);
        x = a->ln2;
    }
    if (p->enc_norm_weight) {
        kern_layernorm(w->efn, w->efn_mean, w->efn_rstd, x, p->enc_norm_weight, p->enc_norm_bias, N, D, cf->ln_eps);
        x = w->efn;
    }
    const float *mem = x;

    /* ---- decoder ---- */
    site = 64;
    for (int b = 0; b < nb; b++)
        train_embed_forward(w->dx0 + (size_t)b * T * D, bt->dec_in + (size_t)(b0 + b) * T, T, p->embedding, c->pe, D);
    if (use_drop) {
        for (int b = 0; b < nb; b++)
            dropout_mask(w->dmask + (size_t)b * T * D, T, D, pdrop, c->seed, c->step, site, b0 + b);
        for (size_t i = 0; i < (size_t)M * D; i++) w->dx0[i] *= w->dmask[i];
    }
    site++;
    const float *y = w->dx0;
    for (int l = 0; l < cf->n_dec_layers; l++) {
        const model_dec_layer *P = &p->dec[l];
        dec_acts *a = &w->dec[l];
        a->in = y;
        /* masked self-attention */
        lin_fwd(a->qkv, y, wt + OFF(p, P->self_attn.in_proj_weight), 3 * D, P->self_attn.in_proj_bias, M, D, 3 * D);
        for (int b = 0; b < nb; b++) {
            const float *qkv = a->qkv + (size_t)b * T * 3 * D;
            train_attn_forward(a->ctx + (size_t)b * T * D, a->att + (size_t)b * H * T * T, w->ascratch, qkv, 3 * D, qkv + D,
                               qkv + 2 * D, 3 * D, T, T, bt->tgt_len[b0 + b], 1, H, K);
        }
        lin_fwd(a->ao, a->ctx, wt + OFF(p, P->self_attn.out_proj_weight), D, P->self_attn.out_proj_bias, M, D, D);
        if (use_drop)
            for (int b = 0; b < nb; b++)
                dropout_mask(a->m1 + (size_t)b * T * D, T, D, pdrop, c->seed, c->step, site, b0 + b);
        site++;
        residual_fwd(a->r1, y, a->ao, use_drop ? a->m1 : NULL, (size_t)M * D);
        kern_layernorm(a->ln1, a->mean1, a->rstd1, a->r1, P->norm1_weight, P->norm1_bias, M, D, cf->ln_eps);
        /* cross-attention: Q from ln1, K and V from the encoder memory */
        const float *wtc = wt + OFF(p, P->cross_attn.in_proj_weight); /* [D, 3D] = [W_q^T | W_k^T | W_v^T] */
        lin_fwd(a->qc, a->ln1, wtc, 3 * D, P->cross_attn.in_proj_bias, M, D, D);
        lin_fwd(a->kvc, mem, wtc + D, 3 * D, P->cross_attn.in_proj_bias + D, N, D, 2 * D);
        for (int b = 0; b < nb; b++) {
            const float *kv = a->kvc + (size_t)b * S * 2 * D;
            train_attn_forward(a->ctxc + (size_t)b * T * D, a->attc + (size_t)b * H * T * S, w->ascratch,
                               a->qc + (size_t)b * T * D, D, kv, kv + D, 2 * D, T, S, bt->src_len[b0 + b], 0, H, K);
        }
        lin_fwd(a->aoc, a->ctxc, wt + OFF(p, P->cross_attn.out_proj_weight), D, P->cross_attn.out_proj_bias, M, D,
                D);
        if (use_drop)
            for (int b = 0; b < nb; b++)
                dropout_mask(a->m2 + (size_t)b * T * D, T, D, pdrop, c->seed, c->step, site, b0 + b);
        site++;
        residual_fwd(a->r2, a->ln1, a->aoc, use_drop ? a->m2 : NULL, (size_t)M * D);
        kern_layernorm(a->ln2, a->mean2, a->rstd2, a->r2, P->norm2_weight, P->norm2_bias, M, D, cf->ln_eps);
        /* feed-forward */
        lin_fwd(a->hid, a->ln2, wt + OFF(p, P->linear1_weight), F, P->linear1_bias, M, D, F);
        relu_inplace(a->hid, (size_t)M * F);
        lin_fwd(a->fo, a->hid, wt + OFF(p, P->linear2_weight), D, P->linear2_bias, M, F, D);
        if (use_drop)
            for (int b = 0; b < nb; b++)
                dropout_mask(a->m3 + (size_t)b * T * D, T, D, pdrop, c->seed, c->step, site, b0 + b);
        site++;
        residual_fwd(a->r3, a->ln2, a->fo, use_drop ? a->m3 : NULL, (size_t)M * D);
        kern_layernorm(a->ln3, a->mean3, a->rstd3, a->r3, P->norm3_weight, P->norm3_bias, M, D, cf->ln_eps);
        y = a->ln3;
    }
    if (p->dec_norm_weight) {
        kern_layernorm(w->dfn, w->dfn_mean, w->dfn_rstd, y, p->dec_norm_weight, p->dec_norm_bias, M, D, cf->ln_eps);
        y = w->dfn;
    }
    /* logits = h E^T  (E^T is [D, V] in wt at the embedding's offset) */
    lin_fwd(w->logits, y, wt + OFF(p, p->embedding), V, NULL, M, D, V);

    /* loss, accuracy */
    const int *tgt = bt->dec_out + (size_t)b0 * T;
    w->loss_sum = train_xent(c->grad ? w->dlogits : NULL, w->logits, tgt, M, V, c->smoothing,
                             bt->n_tokens > 0 ? 1.0f / (float)bt->n_tokens : 0.0f);
    w->correct = 0;
    w->exact = 0;
    for (int b = 0; b < nb; b++) {
        int all = 1;
        for (int t = 0; t < T; t++) {
            const int gold = tgt[b * T + t];
            if (gold == TOK_PAD) continue;
            const float *z = w->logits + ((size_t)b * T + t) * V;
            int best = 0;
            for (int j = 1; j < V; j++)
                if (z[j] > z[best]) best = j;
            if (best == gold) w->correct++;
            else all = 0;
        }
        w->exact += all;
    }
}

static void worker_backward(worker *w)
{
    train_ctx *c = w->ctx;
    const model_params *p = c->p;
    const train_batch *bt = c->b;
    const model_config *cf = &c->cfg;
    const int D = cf->d_model, H = cf->n_heads, K = D / H, F = cf->d_ff, V = cf->vocab_size;
    const int S = bt->S, T = bt->T, nb = w->nb, b0 = w->b0;
    const int N = nb * S, M = nb * T;
    const int use_drop = c->dropout > 0.0f;
    float *g = w->grad;
    float *ts = w->tscratch;
#define G(ptr) (g + OFF(p, ptr))

    /* ---- decoder ---- */
    const float *y_last = cf->n_dec_layers > 0 ? w->dec[cf->n_dec_layers - 1].ln3 : w->dx0;
    const float *h_out = p->dec_norm_weight ? w->dfn : y_last;
    float *cur = w->gp, *oth = w->gq;
    /* forward: logits = h E^T  ->  dh = dlogits E ; dE += dlogits^T h */
    memset(cur, 0, (size_t)M * D * sizeof(float));
    lin_bwd(cur, G(p->embedding), NULL, w->dlogits, h_out, p->embedding, M, D, V, ts);
    if (p->dec_norm_weight) {
        /* forward: h = LN(y) with decoder.norm */
        memset(oth, 0, (size_t)M * D * sizeof(float));
        kern_layernorm_backward(oth, G(p->dec_norm_weight), G(p->dec_norm_bias), cur, y_last, w->dfn_mean,
                                w->dfn_rstd, p->dec_norm_weight, M, D);
        float *t = cur; cur = oth; oth = t;
    }
    memset(w->gmem, 0, (size_t)N * D * sizeof(float));
    const float *mem = cf->n_enc_layers > 0 ? w->enc[cf->n_enc_layers - 1].ln2 : w->ex;
    if (p->enc_norm_weight) mem = w->efn;
    for (int l = cf->n_dec_layers - 1; l >= 0; l--) {
        const model_dec_layer *P = &p->dec[l];
        dec_acts *a = &w->dec[l];
        /* cur = d ln3 */
        /* forward: ln3 = LN(r3) */
        memset(oth, 0, (size_t)M * D * sizeof(float));
        kern_layernorm_backward(oth, G(P->norm3_weight), G(P->norm3_bias), cur, a->r3, a->mean3, a->rstd3,
                                P->norm3_weight, M, D);
        { float *t = cur; cur = oth; oth = t; } /* cur = d r3 = d ln2 (residual path) so far */
        /* forward: r3 = ln2 + drop(fo) */
        float *dfo = residual_bwd(w->gt, cur, use_drop ? a->m3 : NULL, (size_t)M * D);
        /* forward: fo = hid W2^T + b2 */
        memset(w->ghid, 0, (size_t)M * F * sizeof(float));
        lin_bwd(w->ghid, G(P->linear2_weight), G(P->linear2_bias), dfo, a->hid, P->linear2_weight, M, F, D, ts);
        /* forward: hid = relu(ln2 W1^T + b1) */
        relu_bwd_inplace(w->ghid, a->hid, (size_t)M * F);
        lin_bwd(cur, G(P->linear1_weight), G(P->linear1_bias), w->ghid, a->ln2, P->linear1_weight, M, D, F, ts);
        /* forward: ln2 = LN(r2) */
        memset(oth, 0, (size_t)M * D * sizeof(float));
        kern_layernorm_backward(oth, G(P->norm2_weight), G(P->norm2_bias), cur, a->r2, a->mean2, a->rstd2,
                                P->norm2_weight, M, D);
        { float *t = cur; cur = oth; oth = t; } /* cur = d r2 = d ln1 so far */
        /* forward: r2 = ln1 + drop(aoc) */
        float *daoc = residual_bwd(w->gt, cur, use_drop ? a->m2 : NULL, (size_t)M * D);
        /* forward: aoc = ctxc Wo^T + bo */
        memset(w->gctx, 0, (size_t)M * D * sizeof(float));
        lin_bwd(w->gctx, G(P->cross_attn.out_proj_weight), G(P->cross_attn.out_proj_bias), daoc, a->ctxc,
                P->cross_attn.out_proj_weight, M, D, D, ts);
        /* forward: ctxc = attention(qc, kvc[:, :D], kvc[:, D:]) with padded keys masked */
        memset(w->gqc, 0, (size_t)M * D * sizeof(float));
        memset(w->g3, 0, (size_t)N * 2 * D * sizeof(float));
        for (int b = 0; b < nb; b++) {
            const float *kv = a->kvc + (size_t)b * S * 2 * D;
            float *dkv = w->g3 + (size_t)b * S * 2 * D;
            train_attn_backward(w->gqc + (size_t)b * T * D, dkv, dkv + D, w->ascratch, w->gctx + (size_t)b * T * D,
                                a->attc + (size_t)b * H * T * S, a->qc + (size_t)b * T * D, D, kv, kv + D, 2 * D, T,
                                S, H, K);
        }
        /* forward: qc = ln1 W_q^T + b_q ;  kvc = mem [W_k; W_v]^T + [b_k; b_v] */
        lin_bwd(cur, G(P->cross_attn.in_proj_weight), G(P->cross_attn.in_proj_bias), w->gqc, a->ln1,
                P->cross_attn.in_proj_weight, M, D, D, ts);
        lin_bwd(w->gmem, G(P->cross_attn.in_proj_weight) + (size_t)D * D, G(P->cross_attn.in_proj_bias) + D, w->g3,
                mem, P->cross_attn.in_proj_weight + (size_t)D * D, N, D, 2 * D, ts);
        /* forward: ln1 = LN(r1) */
        memset(oth, 0, (size_t)M * D * sizeof(float));
        kern_layernorm_backward(oth, G(P->norm1_weight), G(P->norm1_bias), cur, a->r1, a->mean1, a->rstd1,
                                P->norm1_weight, M, D);
        { float *t = cur; cur = oth; oth = t; } /* cur = d r1 = d in so far */
        /* forward: r1 = in + drop(ao) */
        float *dao = residual_bwd(w->gt, cur, use_drop ? a->m1 : NULL, (size_t)M * D);
        /* forward: ao = ctx Wo^T + bo */
        memset(w->gctx, 0, (size_t)M * D * sizeof(float));
        lin_bwd(w->gctx, G(P->self_attn.out_proj_weight), G(P->self_attn.out_proj_bias), dao, a->ctx,
                P->self_attn.out_proj_weight, M, D, D, ts);
        /* forward: ctx = attention(q, k, v) with the causal and padding masks */
        memset(w->g3, 0, (size_t)M * 3 * D * sizeof(float));
        for (int b = 0; b < nb; b++) {
            const float *qkv = a->qkv + (size_t)b * T * 3 * D;
            float *dqkv = w->g3 + (size_t)b * T * 3 * D;
            train_attn_backward(dqkv, dqkv + D, dqkv + 2 * D, w->ascratch, w->gctx + (size_t)b * T * D,
                                a->att + (size_t)b * H * T * T, qkv, 3 * D, qkv + D, qkv + 2 * D, 3 * D, T, T, H, K);
        }
        /* forward: qkv = in W_in^T + b_in */
        lin_bwd(cur, G(P->self_attn.in_proj_weight), G(P->self_attn.in_proj_bias), w->g3, a->in,
                P->self_attn.in_proj_weight, M, D, 3 * D, ts);
    }
    /* forward: y0 = drop(E[dec_in] * sqrt(D) + PE) */
    if (use_drop)
        for (size_t i = 0; i < (size_t)M * D; i++) cur[i] *= w->dmask[i];
    train_embed_backward(G(p->embedding), cur, bt->dec_in + (size_t)b0 * T, M, D);

    /* ---- encoder ---- */
    cur = w->gp;
    oth = w->gq;
    memcpy(cur, w->gmem, (size_t)N * D * sizeof(float));
    if (p->enc_norm_weight) {
        /* forward: mem = LN(x) with encoder.norm */
        const float *x_last = cf->n_enc_layers > 0 ? w->enc[cf->n_enc_layers - 1].ln2 : w->ex;
        memset(oth, 0, (size_t)N * D * sizeof(float));
        kern_layernorm_backward(oth, G(p->enc_norm_weight), G(p->enc_norm_bias), cur, x_last, w->efn_mean,
                                w->efn_rstd, p->enc_norm_weight, N, D);
        float *t = cur; cur = oth; oth = t;
    }
    for (int l = cf->n_enc_layers - 1; l >= 0; l--) {
        const model_enc_layer *P = &p->enc[l];
        enc_acts *a = &w->enc[l];
        /* forward: ln2 = LN(r2) */
        memset(oth, 0, (size_t)N * D * sizeof(float));
        kern_layernorm_backward(oth, G(P->norm2_weight), G(P->norm2_bias), cur, a->r2, a->mean2, a->rstd2,
                                P->norm2_weight, N, D);
        { float *t = cur; cur = oth; oth = t; }
        /* forward: r2 = ln1 + drop(fo) */
        float *dfo = residual_bwd(w->gt, cur, use_drop ? a->m2 : NULL, (size_t)N * D);
        /* forward: fo = hid W2^T + b2 */
        memset(w->ghid, 0, (size_t)N * F * sizeof(float));
        lin_bwd(w->ghid, G(P->linear2_weight), G(P->linear2_bias), dfo, a->hid, P->linear2_weight, N, F, D, ts);
        /* forward: hid = relu(ln1 W1^T + b1) */
        relu_bwd_inplace(w->ghid, a->hid, (size_t)N * F);
        lin_bwd(cur, G(P->linear1_weight), G(P->linear1_bias), w->ghid, a->ln1, P->linear1_weight, N, D, F, ts);
        /* forward: ln1 = LN(r1) */
        memset(oth, 0, (size_t)N * D * sizeof(float));
        kern_layernorm_backward(oth, G(P->norm1_weight), G(P->norm1_bias), cur, a->r1, a->mean1, a->rstd1,
                                P->norm1_weight, N, D);
        { float *t = cur; cur = oth; oth = t; }
        /* forward: r1 = in + drop(ao) */
        float *dao = residual_bwd(w->gt, cur, use_drop ? a->m1 : NULL, (size_t)N * D);
        /* forward: ao = ctx Wo^T + bo */
        memset(w->gctx, 0, (size_t)N * D * sizeof(float));
        lin_bwd(w->gctx, G(P->self_attn.out_proj_weight), G(P->self_attn.out_proj_bias), dao, a->ctx,
                P->self_attn.out_proj_weight, N, D, D, ts);
        /* forward: ctx = attention(q, k, v) with padded keys masked */
        memset(w->g3, 0, (size_t)N * 3 * D * sizeof(float));
        for (int b = 0; b < nb; b++) {
            const float *qkv = a->qkv + (size_t)b * S * 3 * D;
            float *dqkv = w->g3 + (size_t)b * S * 3 * D;
            train_attn_backward(dqkv, dqkv + D, dqkv + 2 * D, w->ascratch, w->gctx + (size_t)b * S * D,
                                a->att + (size_t)b * H * S * S, qkv, 3 * D, qkv + D, qkv + 2 * D, 3 * D, S, S, H, K);
        }
        /* forward: qkv = in W_in^T + b_in */
        lin_bwd(cur, G(P->self_attn.in_proj_weight), G(P->self_attn.in_proj_bias), w->g3, a->in,
                P->self_attn.in_proj_weight, N, D, 3 * D, ts);
    }
    /* forward: x0 = drop(E[src] * sqrt(D) + PE) */
    if (use_drop)
        for (size_t i = 0; i < (size_t)N * D; i++) cur[i] *= w->emask[i];
    train_embed_backward(G(p->embedding), cur, bt->src + (size_t)b0 * S, N, D);
#undef G
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    if (w->nb > 0) {
        worker_forward(w);
        if (w->ctx->grad) worker_backward(w);
    } else {
        w->loss_sum = 0.0;
        w->correct = w->exact = 0;
    }
    return NULL;
}

/* wt = the 2-D weights transposed ([out, in] -> [in, out]) at the same offsets. */
static void build_transposed(train_ctx *c, const model_params *p)
{
    for (int i = 0; i < p->n_tensors; i++) {
        const model_tensor *t = &p->tensors[i];
        if (t->ndim != 2) continue;
        transpose(c->wt + t->offset, p->memory + t->offset, t->shape[0], t->shape[1], t->shape[1]);
    }
}

double train_ctx_run(train_ctx *c, const model_params *p, const train_batch *b, float dropout, float label_smoothing,
                     unsigned long long seed, long step, float *grad, int *n_correct, int *n_exact)
{
    assert(p->n_floats == c->n_floats);
    assert(b->n <= c->max_batch);
    c->p = p;
    c->b = b;
    c->dropout = dropout;
    c->smoothing = label_smoothing;
    c->seed = seed;
    c->step = step;
    c->grad = grad;
    build_transposed(c, p);
    const int per = (b->n + c->threads - 1) / c->threads;
    for (int t = 0; t < c->threads; t++) {
        worker *w = &c->w[t];
        w->b0 = t * per < b->n ? t * per : b->n;
        w->nb = (t + 1) * per < b->n ? per : b->n - w->b0;
        if (grad) {
            w->grad = t == 0 ? grad : c->gextra + (size_t)(t - 1) * c->n_floats;
            if (t > 0) memset(w->grad, 0, c->n_floats * sizeof(float));
        }
    }
    pthread_t tid[64];
    int started[64] = { 0 };
    for (int t = 1; t < c->threads; t++)
        started[t] = pthread_create(&tid[t], NULL, worker_main, &c->w[t]) == 0;
    worker_main(&c->w[0]);
    for (int t = 1; t < c->threads; t++) {
        if (started[t]) pthread_join(tid[t], NULL);
        else worker_main(&c->w[t]); /* could not start a thread: do its share here */
    }
    double loss = 0.0;
    int correct = 0, exact = 0;
    for (int t = 0; t < c->threads; t++) {
        loss += c->w[t].loss_sum;
        correct += c->w[t].correct;
        exact += c->w[t].exact;
        if (grad && t > 0) {
            const float *gt = c->w[t].grad;
            for (size_t i = 0; i < c->n_floats; i++) grad[i] += gt[i];
        }
    }
    if (n_correct) *n_correct = correct;
    if (n_exact) *n_exact = exact;
    return b->n_tokens > 0 ? loss / b->n_tokens : 0.0;
}

const float *train_ctx_logits(const train_ctx *c, int i)
{
    const int T = c->b->T, V = c->cfg.vocab_size;
    for (int t = 0; t < c->threads; t++) {
        const worker *w = &c->w[t];
        if (i >= w->b0 && i < w->b0 + w->nb) return w->logits + (size_t)(i - w->b0) * T * V;
    }
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Batches.                                                                  */

int train_batch_init(train_batch *b, int cap_b, int cap_len)
{
    memset(b, 0, sizeof *b);
    const size_t n = (size_t)cap_b * cap_len;
    b->src = calloc(n, sizeof(int));
    b->dec_in = calloc(n, sizeof(int));
    b->dec_out = calloc(n, sizeof(int));
    b->src_len = calloc((size_t)cap_b, sizeof(int));
    b->tgt_len = calloc((size_t)cap_b, sizeof(int));
    if (!b->src || !b->dec_in || !b->dec_out || !b->src_len || !b->tgt_len) {
        train_batch_free(b);
        return -1;
    }
    b->cap_b = cap_b;
    b->cap_len = cap_len;
    return 0;
}

void train_batch_free(train_batch *b)
{
    if (!b) return;
    free(b->src);
    free(b->dec_in);
    free(b->dec_out);
    free(b->src_len);
    free(b->tgt_len);
    memset(b, 0, sizeof *b);
}

int train_batch_fill(train_batch *b, const train_example *ex, const int *idx, int n)
{
    if (n > b->cap_b) return -1;
    int S = 1, T = 1;
    for (int i = 0; i < n; i++) {
        const train_example *e = &ex[idx[i]];
        if (e->n_src < 1 || e->n_src > b->cap_len || e->n_tgt < 0 || e->n_tgt + 1 > b->cap_len) return -1;
        if (e->n_src > S) S = e->n_src;
        if (e->n_tgt + 1 > T) T = e->n_tgt + 1;
    }
    b->n = n;
    b->S = S;
    b->T = T;
    b->n_tokens = 0;
    memset(b->src, 0, (size_t)n * S * sizeof(int));
    memset(b->dec_in, 0, (size_t)n * T * sizeof(int));
    memset(b->dec_out, 0, (size_t)n * T * sizeof(int));
    for (int i = 0; i < n; i++) {
        const train_example *e = &ex[idx[i]];
        memcpy(b->src + (size_t)i * S, e->src, (size_t)e->n_src * sizeof(int));
        b->src_len[i] = e->n_src;
        int *in = b->dec_in + (size_t)i * T, *out = b->dec_out + (size_t)i * T;
        in[0] = TOK_BOS;
        for (int t = 0; t < e->n_tgt; t++) {
            in[t + 1] = e->tgt[t];
            out[t] = e->tgt[t];
        }
        out[e->n_tgt] = TOK_EOS;
        b->tgt_len[i] = e->n_tgt + 1;
        b->n_tokens += e->n_tgt + 1;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* A training run.                                                           */

struct train_state {
    model_config cfg;
    train_options opt;
    model_params params;
    float *grad, *adam_m, *adam_v;
    train_ctx *ctx;
    const train_example *ex;
    int n_ex;
    uint64_t fingerprint;
    long step;
    int epoch, pos;        /* data position: batch pos of epoch's plan is next */
    int *order;            /* [n_ex] example order of the current epoch */
    int *bstart, *bcount;  /* [n_batches] */
    int n_batches;
    int plan_epoch;        /* epoch the plan was built for, -1 none */
    train_batch batch;
};

static int rng_below(uint64_t *s, int n)
{
    return (int)(rng_next(s) % (uint64_t)n);
}

static const train_example *g_sort_ex; /* qsort context (plan building is single-threaded) */

static int cmp_len(const void *pa, const void *pb)
{
    const int a = *(const int *)pa, b = *(const int *)pb;
    const train_example *ea = &g_sort_ex[a], *eb = &g_sort_ex[b];
    if (ea->n_src != eb->n_src) return ea->n_src - eb->n_src;
    if (ea->n_tgt != eb->n_tgt) return ea->n_tgt - eb->n_tgt;
    return a - b;
}

/* Epoch plan: shuffle all examples (seeded by seed and epoch), sort chunks of
 * 32 batches by length, cut them into batches, shuffle the batch order. */
static void build_plan(train_state *s, int epoch)
{
    uint64_t r = mix64(s->opt.seed ^ 0xBA7C4ULL) + (uint64_t)epoch * 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < s->n_ex; i++) s->order[i] = i;
    for (int i = s->n_ex - 1; i > 0; i--) {
        const int j = rng_below(&r, i + 1);
        const int t = s->order[i];
        s->order[i] = s->order[j];
        s->order[j] = t;
    }
    const int B = s->opt.batch, chunk = B * 32;
    g_sort_ex = s->ex;
    s->n_batches = 0;
    for (int c0 = 0; c0 < s->n_ex; c0 += chunk) {
        const int n = s->n_ex - c0 < chunk ? s->n_ex - c0 : chunk;
        qsort(s->order + c0, (size_t)n, sizeof(int), cmp_len);
        for (int i = 0; i < n; i += B) {
            s->bstart[s->n_batches] = c0 + i;
            s->bcount[s->n_batches] = n - i < B ? n - i : B;
            s->n_batches++;
        }
    }
    for (int i = s->n_batches - 1; i > 0; i--) {
        const int j = rng_below(&r, i + 1);
        int t = s->bstart[i]; s->bstart[i] = s->bstart[j]; s->bstart[j] = t;
        t = s->bcount[i]; s->bcount[i] = s->bcount[j]; s->bcount[j] = t;
    }
    s->plan_epoch = epoch;
}

static uint64_t fingerprint_examples(const train_example *ex, int n)
{
    uint64_t h = 0xCBF29CE484222325ULL;
    for (int i = 0; i < n; i++) {
        h = (h ^ (uint64_t)ex[i].n_src) * 0x100000001B3ULL;
        for (int j = 0; j < ex[i].n_src; j++) h = (h ^ (uint64_t)ex[i].src[j]) * 0x100000001B3ULL;
        h = (h ^ (uint64_t)ex[i].n_tgt) * 0x100000001B3ULL;
        for (int j = 0; j < ex[i].n_tgt; j++) h = (h ^ (uint64_t)ex[i].tgt[j]) * 0x100000001B3ULL;
    }
    return h;
}

static void *fail_null(char *err, size_t err_len, const char *msg)
{
    if (err && err_len) snprintf(err, err_len, "%s", msg);
    return NULL;
}

train_state *train_state_create(const model_config *cfg, const train_options *opt, const train_example *ex, int n_ex,
                                char *err, size_t err_len)
{
    char why[160];
    if (model_config_check(cfg, why, sizeof why) != 0) return fail_null(err, err_len, why);
    if (opt->batch < 1) return fail_null(err, err_len, "batch must be at least 1");
    if (n_ex < 1) return fail_null(err, err_len, "no training examples");
    for (int i = 0; i < n_ex; i++)
        if (ex[i].n_src < 1 || ex[i].n_src > cfg->max_len || ex[i].n_tgt < 0 || ex[i].n_tgt + 1 > cfg->max_len) {
            if (err && err_len) snprintf(err, err_len, "training example %d does not fit max_len %d", i, cfg->max_len);
            return NULL;
        }
    train_state *s = calloc(1, sizeof *s);
    if (!s) return fail_null(err, err_len, "out of memory");
    s->cfg = *cfg;
    s->opt = *opt;
    s->ex = ex;
    s->n_ex = n_ex;
    s->plan_epoch = -1;
    if (model_params_init(&s->params, cfg) != 0) {
        free(s);
        return fail_null(err, err_len, "out of memory for the parameters");
    }
    model_params_init_random(&s->params, opt->seed);
    const size_t nf = s->params.n_floats;
    s->grad = calloc(nf, sizeof(float));
    s->adam_m = calloc(nf, sizeof(float));
    s->adam_v = calloc(nf, sizeof(float));
    s->order = calloc((size_t)n_ex, sizeof(int));
    s->bstart = calloc((size_t)n_ex, sizeof(int));
    s->bcount = calloc((size_t)n_ex, sizeof(int));
    s->ctx = train_ctx_create(cfg, opt->batch, opt->threads);
    if (!s->grad || !s->adam_m || !s->adam_v || !s->order || !s->bstart || !s->bcount || !s->ctx ||
        train_batch_init(&s->batch, opt->batch, cfg->max_len) != 0) {
        train_state_free(s);
        return fail_null(err, err_len, "out of memory for the training buffers");
    }
    s->fingerprint = fingerprint_examples(ex, n_ex);
    return s;
}

void train_state_free(train_state *s)
{
    if (!s) return;
    model_params_free(&s->params);
    free(s->grad);
    free(s->adam_m);
    free(s->adam_v);
    free(s->order);
    free(s->bstart);
    free(s->bcount);
    train_ctx_free(s->ctx);
    train_batch_free(&s->batch);
    free(s);
}

model_params *train_state_params(train_state *s) { return &s->params; }
long train_state_step(const train_state *s) { return s->step; }
int train_state_epoch(const train_state *s) { return s->epoch; }

int train_state_step_once(train_state *s, train_step_info *info)
{
    if (s->plan_epoch != s->epoch) build_plan(s, s->epoch);
    const int bi = s->pos;
    train_batch_fill(&s->batch, s->ex, s->order + s->bstart[bi], s->bcount[bi]);
    if (++s->pos >= s->n_batches) {
        s->pos = 0;
        s->epoch++;
    }
    const long t = s->step + 1;
    const size_t nf = s->params.n_floats;
    memset(s->grad, 0, nf * sizeof(float));
    int correct = 0;
    const double loss = train_ctx_run(s->ctx, &s->params, &s->batch, s->opt.dropout, s->opt.label_smoothing,
                                      s->opt.seed, t, s->grad, &correct, NULL);
    int finite = isfinite(loss);
    for (size_t i = 0; finite && i < nf; i++)
        if (!isfinite(s->grad[i])) finite = 0;
    const double lr = train_lr(t, s->cfg.d_model, s->opt.warmup, s->opt.lr_scale);
    if (info) {
        info->loss = loss;
        info->tokens = s->batch.n_tokens;
        info->sentences = s->batch.n;
        info->correct = correct;
        info->lr = lr;
        info->finite = finite;
    }
    if (!finite) return -1;
    train_adam_update(s->params.memory, s->adam_m, s->adam_v, s->grad, nf, (float)lr, s->opt.beta1, s->opt.beta2,
                      s->opt.adam_eps, t);
    s->step = t;
    return 0;
}

double train_state_evaluate(train_state *s, const train_example *ex, int n, double *tok_acc, double *exact)
{
    const int B = s->opt.batch;
    int *idx = malloc((size_t)B * sizeof(int));
    double loss = 0.0;
    long tokens = 0, correct = 0, ex_ok = 0;
    for (int i0 = 0; idx && i0 < n; i0 += B) {
        const int nb = n - i0 < B ? n - i0 : B;
        for (int i = 0; i < nb; i++) idx[i] = i0 + i;
        if (train_batch_fill(&s->batch, ex, idx, nb) != 0) continue;
        int c = 0, e = 0;
        const double l = train_ctx_run(s->ctx, &s->params, &s->batch, 0.0f, s->opt.label_smoothing, s->opt.seed, 0,
                                       NULL, &c, &e);
        loss += l * s->batch.n_tokens;
        tokens += s->batch.n_tokens;
        correct += c;
        ex_ok += e;
    }
    free(idx);
    if (tok_acc) *tok_acc = tokens ? (double)correct / tokens : 0.0;
    if (exact) *exact = n ? (double)ex_ok / n : 0.0;
    return tokens ? loss / tokens : 0.0;
}

/* ------------------------------------------------------------------------ */
/* Checkpoints.                                                              */

#define CKPT_MAGIC "TLABCKPT"
#define CKPT_VERSION 1
#define CKPT_FIELDS 32

static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001B3ULL;
    return h;
}

static int64_t float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return (int64_t)u;
}

static void ckpt_header(const train_state *s, int64_t *h)
{
    memset(h, 0, CKPT_FIELDS * sizeof(int64_t));
    h[0] = CKPT_VERSION;
    h[1] = s->cfg.d_model;
    h[2] = s->cfg.n_heads;
    h[3] = s->cfg.n_enc_layers;
    h[4] = s->cfg.n_dec_layers;
    h[5] = s->cfg.d_ff;
    h[6] = s->cfg.vocab_size;
    h[7] = s->cfg.max_len;
    h[8] = s->cfg.has_final_norm;
    h[9] = float_bits(s->cfg.ln_eps);
    h[10] = (int64_t)s->params.n_floats;
    h[11] = s->step;
    h[12] = s->epoch;
    h[13] = s->pos;
    h[14] = (int64_t)s->opt.seed;
    h[15] = s->opt.batch;
    h[16] = s->opt.warmup;
    h[17] = float_bits(s->opt.lr_scale);
    h[18] = float_bits(s->opt.label_smoothing);
    h[19] = float_bits(s->opt.dropout);
    h[20] = (int64_t)s->fingerprint;
    h[21] = s->n_ex;
    h[22] = s->opt.threads;
}

static int ckpt_fail(char *err, size_t err_len, const char *path, const char *why)
{
    if (err && err_len) snprintf(err, err_len, "%s: %s", path, why);
    return -1;
}

int train_state_save(const train_state *s, const char *path, char *err, size_t err_len)
{
    afile f;
    if (afile_open(&f, path, AFILE_REPLACE, err, err_len) != 0) return -1;
    int64_t h[CKPT_FIELDS];
    ckpt_header(s, h);
    const size_t nf = s->params.n_floats;
    uint64_t sum = 0xCBF29CE484222325ULL;
    sum = fnv1a(sum, CKPT_MAGIC, 8);
    sum = fnv1a(sum, h, sizeof h);
    sum = fnv1a(sum, s->params.memory, nf * sizeof(float));
    sum = fnv1a(sum, s->adam_m, nf * sizeof(float));
    sum = fnv1a(sum, s->adam_v, nf * sizeof(float));
    /* A short write flags the stream; afile_commit then names the cause and removes the temporary. */
    (void)(fwrite(CKPT_MAGIC, 1, 8, f.fp) == 8 && fwrite(h, sizeof h, 1, f.fp) == 1 &&
           fwrite(s->params.memory, sizeof(float), nf, f.fp) == nf && fwrite(s->adam_m, sizeof(float), nf, f.fp) == nf &&
           fwrite(s->adam_v, sizeof(float), nf, f.fp) == nf && fwrite(&sum, sizeof sum, 1, f.fp) == 1);
    return afile_commit(&f, err, err_len);
}

int train_state_load(train_state *s, const char *path, char *err, size_t err_len)
{
    char why[256];
    FILE *f = fopen(path, "rb");
    if (!f) return ckpt_fail(err, err_len, path, strerror(errno));
    const size_t nf = s->params.n_floats;
    const size_t want = 8 + CKPT_FIELDS * sizeof(int64_t) + 3 * nf * sizeof(float) + sizeof(uint64_t);
    unsigned char *buf = malloc(want + 1);
    if (!buf) {
        fclose(f);
        return ckpt_fail(err, err_len, path, "out of memory");
    }
    const size_t got = fread(buf, 1, want + 1, f);
    fclose(f);
    int rc = -1;
    int64_t h[CKPT_FIELDS], mine[CKPT_FIELDS];
    ckpt_header(s, mine);
    if (got < 8 + sizeof h || memcmp(buf, CKPT_MAGIC, 8) != 0) {
        ckpt_fail(err, err_len, path, "not a tlab-train checkpoint (bad magic); refusing to start fresh");
        goto done;
    }
    memcpy(h, buf + 8, sizeof h);
    if (h[0] != CKPT_VERSION) {
        snprintf(why, sizeof why, "checkpoint format version %lld, this program reads version %d", (long long)h[0],
                 CKPT_VERSION);
        ckpt_fail(err, err_len, path, why);
        goto done;
    }
    for (int i = 1; i <= 10; i++)
        if (h[i] != mine[i]) {
            snprintf(why, sizeof why,
                     "checkpoint is for another model (d_model %lld, heads %lld, layers %lld+%lld, d_ff %lld, vocab "
                     "%lld, max_len %lld); this run has d_model %d, heads %d, layers %d+%d, d_ff %d, vocab %d, "
                     "max_len %d",
                     (long long)h[1], (long long)h[2], (long long)h[3], (long long)h[4], (long long)h[5],
                     (long long)h[6], (long long)h[7], s->cfg.d_model, s->cfg.n_heads, s->cfg.n_enc_layers,
                     s->cfg.n_dec_layers, s->cfg.d_ff, s->cfg.vocab_size, s->cfg.max_len);
            ckpt_fail(err, err_len, path, why);
            goto done;
        }
    if (got != want) {
        snprintf(why, sizeof why, "checkpoint is %s (%zu bytes, expected %zu): damaged or cut short",
                 got > want ? "too long" : "truncated", got > want ? want + 1 : got, want);
        ckpt_fail(err, err_len, path, why);
        goto done;
    }
    uint64_t sum, stored;
    sum = fnv1a(0xCBF29CE484222325ULL, buf, want - sizeof(uint64_t));
    memcpy(&stored, buf + want - sizeof(uint64_t), sizeof stored);
    if (sum != stored) {
        ckpt_fail(err, err_len, path, "checksum mismatch: the checkpoint is damaged");
        goto done;
    }
    if (h[20] != mine[20] || h[21] != mine[21]) {
        ckpt_fail(err, err_len, path, "checkpoint was made on different training data (corpus size or seed differ)");
        goto done;
    }
    if (h[14] != mine[14] || h[15] != mine[15] || h[16] != mine[16] || h[17] != mine[17] || h[18] != mine[18] ||
        h[19] != mine[19]) {
        snprintf(why, sizeof why,
                 "checkpoint was made with other settings (seed %lld, batch %lld, warmup %lld); pass the same flags "
                 "(this run: seed %llu, batch %d, warmup %d)",
                 (long long)h[14], (long long)h[15], (long long)h[16], (unsigned long long)s->opt.seed, s->opt.batch,
                 s->opt.warmup);
        ckpt_fail(err, err_len, path, why);
        goto done;
    }
    if (h[11] < 0 || h[12] < 0 || h[13] < 0) {
        ckpt_fail(err, err_len, path, "checkpoint has a negative step or data position");
        goto done;
    }
    build_plan(s, (int)h[12]);
    if (h[13] >= s->n_batches) {
        s->plan_epoch = -1;
        ckpt_fail(err, err_len, path, "checkpoint data position is past the end of its epoch");
        goto done;
    }
    const unsigned char *d = buf + 8 + sizeof h;
    memcpy(s->params.memory, d, nf * sizeof(float));
    memcpy(s->adam_m, d + nf * sizeof(float), nf * sizeof(float));
    memcpy(s->adam_v, d + 2 * nf * sizeof(float), nf * sizeof(float));
    s->step = (long)h[11];
    s->epoch = (int)h[12];
    s->pos = (int)h[13];
    rc = 0;
done:
    free(buf);
    return rc;
}
