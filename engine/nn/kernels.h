/* kernels.h - the numeric kernels of the model, forward and backward.
 *
 * Argument order everywhere: outputs, saved-for-backward, inputs, weights,
 * dimensions. Matrices are row-major. A linear layer is y = x W^T + b as in
 * PyTorch (W is [out, in]). Dimension letters as in model.h; N = rows.
 * Each backward ADDS into its gradient outputs (so callers zero them first).
 */
#ifndef KERNELS_H
#define KERNELS_H

/* C[N, M] += A[N, K] B[K, M], row-major with leading dimensions lda, ldb, ldc:
 * the one matrix kernel. Register-blocked AVX-512 or AVX2+FMA tiles (6 rows x
 * 2 vectors) picked at run time for the CPU, else kern_matmul_ref. */
void kern_matmul(float *c, int ldc, const float *a, int lda, const float *b, int ldb, int n, int k, int m);
/* The same product in three plain loops: the reference the tests compare against. */
void kern_matmul_ref(float *c, int ldc, const float *a, int lda, const float *b, int ldb, int n, int k, int m);
/* dst[C, R] = src[R, C]^T (src rows lds apart). */
void kern_transpose(float *dst, const float *src, int rows, int cols, int lds);

/* y[N, O] = x[N, I] W[O, I]^T + b[O]  (b may be NULL), one dot product per
 * output: the form for a few rows at a time (greedy decoding); many rows go
 * through kern_matmul with W^T instead (see nn.c). */
void kern_linear(float *y, const float *x, const float *w, const float *b, int n, int in, int out);
/* dx[N, I] += dy W;  dw[O, I] += dy^T x;  db[O] += sum_n dy  (any of dx, dw, db may be NULL),
 * through kern_matmul. scratch: [O * N] floats (holds dy^T). */
void kern_linear_backward(float *dx, float *dw, float *db, float *scratch, const float *dy, const float *x,
                          const float *w, int n, int in, int out);

/* Softmax of each of n rows of length m, in place safe (y may equal x).
 * -INFINITY entries give exactly 0; a row that is all -INFINITY gives all 0. */
void kern_softmax_rows(float *y, const float *x, int n, int m);
/* dx[N, M] += y * (dy - sum(dy * y)) per row */
void kern_softmax_rows_backward(float *dx, const float *dy, const float *y, int n, int m);

/* LayerNorm of each row: y = (x - mean) / std * g + b, std = sqrt(var + eps)
 * (biased var). mean[N], std[N] are saved for the backward (either may be NULL). */
void kern_layernorm(float *y, float *mean, float *std, const float *x, const float *g, const float *b,
                    int n, int d, float eps);
void kern_layernorm_backward(float *dx, float *dg, float *db, const float *dy, const float *x,
                             const float *mean, const float *std, const float *g, int n, int d);

/* y = max(0, x) */
void kern_relu(float *y, const float *x, int n);
void kern_relu_backward(float *dx, const float *dy, const float *y, int n);

/* ωᵢ = 10000^(−2i/D), the angular frequency of PE pair i (dimensions 2i and 2i+1): the one place it is computed. */
double kern_pe_freq(int i, int D);
/* pe[L, D]: PE(pos, 2i) = sin(pos / 10000^(2i/D)), PE(pos, 2i+1) = cos(same), pos from 0. */
void kern_positional_encoding(float *pe, int len, int d);

#endif
