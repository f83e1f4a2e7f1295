/* openq.c - the numbers behind the walkthrough's three open questions (see
 * openq.h): PE rotations, per-head parts of W_O's output, cosines with the
 * embedding rows. Display math in double precision.
 *
 * Must not: change the trace or the parameters, or run the model.
 */
#include <math.h>
#include <stddef.h>

#include "kernels.h"
#include "openq.h"

void openq_rotation_blocks(int k, int D, double *cs)
{
    for (int i = 0; 2 * i < D; i++) {
        double a = (double)k * kern_pe_freq(i, D);
        cs[2 * i] = cos(a);
        if (2 * i + 1 < D) cs[2 * i + 1] = sin(a);
    }
}

void openq_rotate_row(const double *cs, const float *x, int D, float *y)
{
    for (int i = 0; 2 * i + 1 < D; i++) {
        double s = x[2 * i], c = x[2 * i + 1], ck = cs[2 * i], sk = cs[2 * i + 1];
        /* sin(a + b) = sin a cos b + cos a sin b;  cos(a + b) = cos a cos b − sin a sin b */
        y[2 * i] = (float)(s * ck + c * sk);
        y[2 * i + 1] = (float)(c * ck - s * sk);
    }
    if (D % 2) y[D - 1] = x[D - 1];
}

double openq_rotation_error(const float *pe, int n, int D, int k, int *worst_pos)
{
    double cs[1024 * 2], worst = 0; /* D <= 1024 (engine/nn/params.c) */
    float y[1024];
    if (worst_pos) *worst_pos = -1;
    if (k < 0 || k >= n || D <= 0 || D > 1024) return 0;
    openq_rotation_blocks(k, D, cs);
    if (worst_pos) *worst_pos = 0;
    for (int pos = 0; pos + k < n; pos++) {
        openq_rotate_row(cs, pe + (size_t)pos * D, D, y);
        for (int d = 0; d < D; d++) {
            double e = fabs((double)y[d] - (double)pe[(size_t)(pos + k) * D + d]);
            if (e > worst) {
                worst = e;
                if (worst_pos) *worst_pos = pos;
            }
        }
    }
    return worst;
}

void openq_head_parts(const float *concat_row, const float *w_o, int D, int H, int K, float *parts)
{
    for (int h = 0; h < H; h++)
        for (int d = 0; d < D; d++) {
            double acc = 0;
            for (int j = h * K; j < (h + 1) * K; j++) acc += (double)w_o[(size_t)d * D + j] * concat_row[j];
            parts[(size_t)h * D + d] = (float)acc;
        }
}

void openq_part_norms(const float *parts, int H, int D, float *norms)
{
    for (int h = 0; h < H; h++) {
        double acc = 0;
        for (int d = 0; d < D; d++) acc += (double)parts[(size_t)h * D + d] * parts[(size_t)h * D + d];
        norms[h] = (float)sqrt(acc);
    }
}

void openq_cosines(const float *h, const float *E, int V, int D, float *cos)
{
    double hh = 0;
    for (int d = 0; d < D; d++) hh += (double)h[d] * h[d];
    for (int v = 0; v < V; v++) {
        const float *e = E + (size_t)v * D;
        double dot = 0, ee = 0;
        for (int d = 0; d < D; d++) {
            dot += (double)h[d] * e[d];
            ee += (double)e[d] * e[d];
        }
        cos[v] = hh > 0 && ee > 0 ? (float)(dot / sqrt(hh * ee)) : 0.0f;
    }
}
