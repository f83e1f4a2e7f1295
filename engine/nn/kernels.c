/* kernels.c - the numeric kernels of the model, forward and backward (see
 * kernels.h for shapes and argument order). Plain C loops laid out so the
 * compiler vectorises the inner ones; no allocation, no I/O. */
#include "kernels.h"

#include <math.h>
#include <string.h>

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
void kern_linear_backward(float *dx, float *dw, float *db, const float *dy, const float *x, const float *w,
                          int n, int in, int out)
{
    for (int i = 0; i < n; i++) {
        const float *dyi = dy + (size_t)i * out;
        const float *xi = x + (size_t)i * in;
        float *dxi = dx ? dx + (size_t)i * in : NULL;
        for (int o = 0; o < out; o++) {
            const float g = dyi[o];
            if (g == 0.0f) continue;
            if (dxi) {
                const float *wo = w + (size_t)o * in;
                for (int k = 0; k < in; k++) dxi[k] += g * wo[k];
            }
            if (dw) {
                float *dwo = dw + (size_t)o * in;
                for (int k = 0; k < in; k++) dwo[k] += g * xi[k];
            }
            if (db) db[o] += g;
        }
    }
}

void kern_matmul_nt(float *c, const float *a, const float *b, int n, int k, int m)
{
    kern_linear(c, a, b, NULL, n, k, m);
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

void kern_layernorm(float *y, float *mean, float *rstd, const float *x, const float *g, const float *b,
                    int n, int d, float eps)
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
        const float r = 1.0f / sqrtf(var + eps);
        for (int k = 0; k < d; k++) yi[k] = (xi[k] - mu) * r * g[k] + b[k];
        if (mean) mean[i] = mu;
        if (rstd) rstd[i] = r;
    }
}

/* Forward: y = (x - mean) * rstd * g + b. */
void kern_layernorm_backward(float *dx, float *dg, float *db, const float *dy, const float *x,
                             const float *mean, const float *rstd, const float *g, int n, int d)
{
    for (int i = 0; i < n; i++) {
        const float *dyi = dy + (size_t)i * d, *xi = x + (size_t)i * d;
        const float mu = mean[i], r = rstd[i];
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
    for (int i = 0; i < n; i++)
        if (y[i] > 0.0f) dx[i] += dy[i];
}

void kern_positional_encoding(float *pe, int len, int d)
{
    for (int pos = 0; pos < len; pos++) {
        for (int i = 0; 2 * i < d; i++) {
            /* Computed in double so every position up to 1024 is exact to float precision. */
            const double freq = pow(10000.0, -(2.0 * i) / (double)d);
            pe[(size_t)pos * d + 2 * i] = (float)sin(pos * freq);
            if (2 * i + 1 < d) pe[(size_t)pos * d + 2 * i + 1] = (float)cos(pos * freq);
        }
    }
}
