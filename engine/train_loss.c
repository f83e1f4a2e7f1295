/* train_loss.c - the training loss of train.h: label-smoothed cross-entropy
 * (train_xent) and its target distribution (train_label_target), with the
 * vectorised exp its rows run through. Formulas in train.h and docs/training.md.
 * What it must not do: allocate, print, or know about batches or threads.
 */
/* At -O3 (the build is -O2): the loss's loops are hot in training. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

#include "train.h"

#include "tok.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

void train_label_target(float *q, int V, int y, float eps)
{
    for (int j = 0; j < V; j++) q[j] = j == TOK_PAD ? 0.0f : eps / (float)(V - 1) + (j == y ? 1.0f - eps : 0.0f);
}

/* The loss's hot loops get AVX-512 / AVX2 clones picked at load time. */
#if defined(__GNUC__) && !defined(__clang__) && (defined(__x86_64__) || defined(__i386__))
#define XENT_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define XENT_CLONES
#endif

/* exp(x) for x <= 0 (a logit minus its row's largest), in plain arithmetic the compiler can
 * vectorise: x = n ln2 + r with |r| <= ln2 / 2, exp(r) by its Taylor series to r^12 (relative
 * error under 2e-16), times 2^n built in the exponent bits. Below about -708 it returns
 * exp(r) 2^-1022 (under 3e-308) instead of a denormal or 0: such a term is lost in the row's sum. */
static inline double exp_nonpos(double x)
{
    const double shift = 0x1.8p52; /* adding it rounds to an integer kept in the low mantissa bits */
    const double t = x * 0x1.71547652b82fep0 + shift;
    const double n = t - shift;
    const double r = (x - n * 0x1.62e42fee00000p-1) - n * 0x1.a39ef35793c76p-33; /* ln 2 = hi + lo */
    double p = 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    uint64_t tb, sb;
    memcpy(&tb, &t, sizeof tb);
    memcpy(&sb, &shift, sizeof sb);
    int64_t k = (int64_t)(tb - sb) + 1023; /* the biased exponent of 2^n */
    k = k < 1 ? 1 : k;                     /* an integer clamp: a floating one stops the vectoriser */
    const uint64_t scale_bits = (uint64_t)k << 52;
    double scale;
    memcpy(&scale, &scale_bits, sizeof scale);
    return p * scale;
}

/* e[j] = exp(z[j] - mx) as float (e may be NULL); returns sum_j exp(z[j] - mx) in double, summed
 * in eight interleaved partial sums (element j into sum j mod 8: a fixed order on every machine). */
XENT_CLONES static double exp_row(float *e, const float *z, float mx, int V)
{
    double acc[8] = { 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0 }, v[256];
    for (int j0 = 0; j0 < V; j0 += 256) {
        const int n = V - j0 < 256 ? V - j0 : 256, n8 = (n + 7) & ~7;
        for (int j = 0; j < n; j++) v[j] = exp_nonpos((double)(z[j0 + j] - mx));
        for (int j = n; j < n8; j++) v[j] = 0.0; /* adds nothing */
        for (int j = 0; j < n8; j += 8)
            for (int u = 0; u < 8; u++) acc[u] += v[j + u];
        if (e)
            for (int j = 0; j < n; j++) e[j0 + j] = (float)v[j];
    }
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
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
        /* e_j = exp(z_j - max), kept (as float) in dz for the gradient: one exp per logit */
        const double sum = exp_row(dzi, zi, mx, V);
        double sum_z = 0.0;
        for (int j = 1; j < V; j++) sum_z += (double)zi[j]; /* j = 0 is <pad>, excluded */
        const double lse = (double)mx + log(sum);
        /* loss = -(1 - eps) log p_y - eps / V' sum_{j != pad} log p_j */
        total += -(1.0 - eps) * ((double)zi[y[i]] - lse) - u * (sum_z - (double)(V - 1) * lse);
        if (dzi) {
            /* forward: loss = -sum_j q_j log softmax(z)_j  ->  dz_j = softmax(z)_j - q_j (sum_j q_j = 1),
             * softmax(z)_j = e_j / sum */
            const double inv = 1.0 / sum;
            for (int j = 0; j < V; j++) {
                double g = (double)dzi[j] * inv;
                if (j != TOK_PAD) g -= u;
                if (j == y[i]) g -= 1.0 - eps;
                dzi[j] = (float)(g * scale);
            }
        }
    }
    return total;
}

