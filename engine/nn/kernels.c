/* kernels.c - the numeric kernels of the model, forward and backward (see
 * kernels.h for shapes and argument order): the one matrix kernel (plain C
 * reference, AVX2+FMA and AVX-512 register-blocked versions picked at run
 * time), the dot-product linear layer used for a few rows, softmax, LayerNorm,
 * ReLU and the positional encoding. No allocation, no I/O. */
/* At -O3 (the build is -O2): -O2's very cheap vectoriser leaves the
 * element-wise loops here (ReLU, LayerNorm, bias sums) scalar, and they are hot
 * in training. Results do not depend on it: no loop here reorders a sum. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

#include "kernels.h"

#include <math.h>
#include <string.h>

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#define KERN_X86 1
#else
#define KERN_X86 0
#endif

/* ---------- the matrix kernel: C[n, m] += A[n, k] B[k, m] ---------- */

void kern_matmul_ref(float *c, int ldc, const float *a, int lda, const float *b, int ldb, int n, int k, int m)
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

#if KERN_X86
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

typedef void (*kern_mm_fn)(float *, int, const float *, int, const float *, int, int, int, int);

static kern_mm_fn mm_pick(void)
{
#if KERN_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return mm_acc_avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return mm_acc_avx2;
#endif
    return kern_matmul_ref;
}

void kern_matmul(float *c, int ldc, const float *a, int lda, const float *b, int ldb, int n, int k, int m)
{
    /* The pick depends only on the CPU: threads racing here store the same pointer. */
    static kern_mm_fn pick = NULL;
    if (n <= 0 || m <= 0) return;
    kern_mm_fn f = __atomic_load_n(&pick, __ATOMIC_RELAXED);
    if (!f) {
        f = mm_pick();
        __atomic_store_n(&pick, f, __ATOMIC_RELAXED);
    }
    f(c, ldc, a, lda, b, ldb, n, k, m);
}

void kern_transpose(float *dst, const float *src, int rows, int cols, int lds)
{
    for (int i0 = 0; i0 < rows; i0 += 16)
        for (int j0 = 0; j0 < cols; j0 += 16) {
            const int i1 = i0 + 16 < rows ? i0 + 16 : rows, j1 = j0 + 16 < cols ? j0 + 16 : cols;
            for (int j = j0; j < j1; j++)
                for (int i = i0; i < i1; i++) dst[(size_t)j * rows + i] = src[(size_t)i * lds + j];
        }
}

/* ---------- linear layer ---------- */

void kern_linear(float *y, const float *x, const float *w, const float *b, int n, int in, int out)
{
    for (int i = 0; i < n; i++) {
        const float *xi = x + (size_t)i * in;
        float *yi = y + (size_t)i * out;
        for (int o = 0; o < out; o++) {
            const float *wo = w + (size_t)o * in;
            /* Eight independent partial sums: without them the dot product is one
             * serial chain of additions that -O2 cannot vectorise (float addition
             * is not associative), about 3x slower on the default model. */
            float acc[8] = { 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f };
            int k = 0;
            for (; k + 8 <= in; k += 8)
                for (int u = 0; u < 8; u++) acc[u] += xi[k + u] * wo[k + u];
            float s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
            for (; k < in; k++) s += xi[k] * wo[k];
            yi[o] = b ? s + b[o] : s;
        }
    }
}

/* Forward: y = x W^T + b. */
void kern_linear_backward(float *dx, float *dw, float *db, float *scratch, const float *dy, const float *x,
                          const float *w, int n, int in, int out)
{
    if (n <= 0) return;
    if (dx) kern_matmul(dx, in, dy, out, w, in, n, out, in);   /* dx[N, I] += dy[N, O] W[O, I] */
    if (dw) {
        kern_transpose(scratch, dy, n, out, out);              /* dy^T [O, N] */
        kern_matmul(dw, in, scratch, n, x, in, out, n, in);    /* dW[O, I] += dy^T x */
    }
    if (db)
        for (int i = 0; i < n; i++) {
            const float *dyi = dy + (size_t)i * out;
            for (int o = 0; o < out; o++) db[o] += dyi[o];
        }
}

void kern_softmax_rows(float *y, const float *x, int n, int m)
{
    for (int i = 0; i < n; i++) {
        const float *xi = x + (size_t)i * m;
        float *yi = y + (size_t)i * m;
        float mx = -INFINITY;
        for (int j = 0; j < m; j++)
            if (xi[j] > mx) mx = xi[j];
        if (mx == -INFINITY) { /* every entry masked: no distribution, all zero */
            for (int j = 0; j < m; j++) yi[j] = 0.0f;
            continue;
        }
        float sum = 0.0f;
        for (int j = 0; j < m; j++) {
            float e = xi[j] == -INFINITY ? 0.0f : expf(xi[j] - mx);
            yi[j] = e;
            sum += e;
        }
        const float inv = 1.0f / sum;
        for (int j = 0; j < m; j++) yi[j] *= inv;
    }
}

/* Forward: y = softmax(x) per row. */
void kern_softmax_rows_backward(float *dx, const float *dy, const float *y, int n, int m)
{
    for (int i = 0; i < n; i++) {
        const float *dyi = dy + (size_t)i * m, *yi = y + (size_t)i * m;
        float *dxi = dx + (size_t)i * m;
        float dot = 0.0f;
        for (int j = 0; j < m; j++) dot += dyi[j] * yi[j];
        for (int j = 0; j < m; j++) dxi[j] += yi[j] * (dyi[j] - dot);
    }
}

void kern_layernorm(float *y, float *mean, float *std, const float *x, const float *g, const float *b, int n,
                    int d, float eps)
{
    for (int i = 0; i < n; i++) {
        const float *xi = x + (size_t)i * d;
        float *yi = y + (size_t)i * d;
        float mu = 0.0f;
        for (int k = 0; k < d; k++) mu += xi[k];
        mu /= (float)d;
        float var = 0.0f;
        for (int k = 0; k < d; k++) {
            float c = xi[k] - mu;
            var += c * c;
        }
        var /= (float)d;
        const float s = sqrtf(var + eps), r = 1.0f / s;
        for (int k = 0; k < d; k++) yi[k] = (xi[k] - mu) * r * g[k] + b[k];
        if (mean) mean[i] = mu;
        if (std) std[i] = s;
    }
}

/* Forward: y = (x - mean) / std * g + b. */
void kern_layernorm_backward(float *dx, float *dg, float *db, const float *dy, const float *x, const float *mean,
                             const float *std, const float *g, int n, int d)
{
    for (int i = 0; i < n; i++) {
        const float *dyi = dy + (size_t)i * d, *xi = x + (size_t)i * d;
        const float mu = mean[i], r = 1.0f / std[i]; /* the forward's 1 / std, bit for bit */
        /* dxhat = dy * g; dx = r * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) */
        float m1 = 0.0f, m2 = 0.0f;
        for (int k = 0; k < d; k++) {
            const float xhat = (xi[k] - mu) * r;
            const float dxhat = dyi[k] * g[k];
            m1 += dxhat;
            m2 += dxhat * xhat;
            if (dg) dg[k] += dyi[k] * xhat;
            if (db) db[k] += dyi[k];
        }
        m1 /= (float)d;
        m2 /= (float)d;
        if (dx) {
            float *dxi = dx + (size_t)i * d;
            for (int k = 0; k < d; k++) {
                const float xhat = (xi[k] - mu) * r;
                dxi[k] += r * (dyi[k] * g[k] - m1 - xhat * m2);
            }
        }
    }
}

void kern_relu(float *y, const float *x, int n)
{
    for (int i = 0; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

/* Forward: y = max(0, x). */
void kern_relu_backward(float *dx, const float *dy, const float *y, int n)
{
    /* Without a branch: signs are random, a branch mispredicts half the time. */
    for (int i = 0; i < n; i++) {
        const float g = dy[i]; /* loaded unconditionally, so that the loop vectorises */
        dx[i] += y[i] > 0.0f ? g : 0.0f;
    }
}

/* In double so every position up to 1024 is exact to float precision. */
double kern_pe_freq(int i, int d) { return pow(10000.0, -(2.0 * i) / (double)d); }

void kern_positional_encoding(float *pe, int len, int d)
{
    for (int pos = 0; pos < len; pos++) {
        for (int i = 0; 2 * i < d; i++) {
            const double freq = kern_pe_freq(i, d);
            pe[(size_t)pos * d + 2 * i] = (float)sin(pos * freq);
            if (2 * i + 1 < d) pe[(size_t)pos * d + 2 * i + 1] = (float)cos(pos * freq);
        }
    }
}
