/* train_loss.c - the training loss of train.h: label-smoothed cross-entropy
 * (train_xent) and its target distribution (train_label_target). Formulas in
 * train.h and docs/training.md ("The loss" says why libm's exp, twice per logit).
 * What it must not do: allocate, print, or know about batches or threads.
 */
/* At -O3 (the build is -O2): the loss's loops are hot in training. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

#include "train.h"

#include "tok.h"

#include <math.h>
#include <string.h>

void train_label_target(float *q, int V, int y, float eps)
{
    for (int j = 0; j < V; j++) q[j] = j == TOK_PAD ? 0.0f : eps / (float)(V - 1) + (j == y ? 1.0f - eps : 0.0f);
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

