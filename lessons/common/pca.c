/* pca.c - principal component analysis for display (see pca.h): centring,
 * covariance, cyclic Jacobi eigen-decomposition, sorting and a fixed sign
 * convention.
 *
 * Must not: include SDL or draw; it is plain maths on the caller's arrays.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pca.h"

/* Flips v[n] so that its entry of largest magnitude (the first on a tie) is positive. */
static void sign_fix(double *v, int n)
{
    int best = 0;
    for (int j = 1; j < n; j++)
        if (fabs(v[j]) > fabs(v[best]) * (1.0 + 1e-12) + 1e-300) best = j;
    if (v[best] < 0)
        for (int j = 0; j < n; j++) v[j] = -v[j];
}

int pca_eigen_sym(const double *a_in, int n, double *evals, double *evecs, char *err, size_t err_len)
{
    if (n < 1 || !a_in || !evals || !evecs) {
        snprintf(err, err_len, "pca: bad matrix size %d", n);
        return -1;
    }
    double scale = 0;
    for (int i = 0; i < n * n; i++) scale = fmax(scale, fabs(a_in[i]));
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (fabs(a_in[i * n + j] - a_in[j * n + i]) > 1e-9 * (scale > 0 ? scale : 1)) {
                snprintf(err, err_len, "pca: the matrix is not symmetric (a[%d][%d] != a[%d][%d])", i, j, j, i);
                return -1;
            }
    double *a = malloc(sizeof(double) * (size_t)n * (size_t)n);
    double *v = malloc(sizeof(double) * (size_t)n * (size_t)n);
    int *order = malloc(sizeof(int) * (size_t)n);
    if (!a || !v || !order) {
        free(a); free(v); free(order);
        snprintf(err, err_len, "pca: out of memory for a %dx%d matrix", n, n);
        return -1;
    }
    memcpy(a, a_in, sizeof(double) * (size_t)n * (size_t)n);
    for (int i = 0; i < n * n; i++) v[i] = 0;
    for (int i = 0; i < n; i++) v[i * n + i] = 1; /* columns of v: eigenvectors */
    /* Cyclic Jacobi: rotate away each off-diagonal (p, q) in turn until the
     * off-diagonal mass is negligible. Converges quadratically; 64x64 takes
     * well under a millisecond per sweep. */
    for (int sweep = 0; sweep < 100; sweep++) {
        double off = 0, diag = 0;
        for (int p = 0; p < n; p++) {
            diag += a[p * n + p] * a[p * n + p];
            for (int q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
        }
        if (off <= 1e-30 * (diag > 0 ? diag : 1) || off == 0) break;
        for (int p = 0; p < n; p++)
            for (int q = p + 1; q < n; q++) {
                double apq = a[p * n + q];
                if (apq == 0) continue;
                double app = a[p * n + p], aqq = a[q * n + q];
                double theta = (aqq - app) / (2 * apq);
                double t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1));
                double c = 1 / sqrt(t * t + 1), s = t * c;
                for (int k = 0; k < n; k++) { /* A <- A J (columns p, q) */
                    double akp = a[k * n + p], akq = a[k * n + q];
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for (int k = 0; k < n; k++) { /* A <- J^T A (rows p, q) */
                    double apk = a[p * n + k], aqk = a[q * n + k];
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                a[p * n + q] = a[q * n + p] = 0;
                for (int k = 0; k < n; k++) { /* V <- V J */
                    double vkp = v[k * n + p], vkq = v[k * n + q];
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
    }
    /* sort by eigenvalue, largest first (stable: ties keep index order) */
    for (int i = 0; i < n; i++) order[i] = i;
    for (int i = 1; i < n; i++) {
        int o = order[i], j = i;
        while (j > 0 && a[order[j - 1] * n + order[j - 1]] < a[o * n + o]) { order[j] = order[j - 1]; j--; }
        order[j] = o;
    }
    for (int k = 0; k < n; k++) {
        int c = order[k];
        evals[k] = a[c * n + c];
        double norm = 0;
        for (int j = 0; j < n; j++) norm += v[j * n + c] * v[j * n + c];
        norm = sqrt(norm);
        for (int j = 0; j < n; j++) evecs[k * n + j] = v[j * n + c] / (norm > 0 ? norm : 1);
        sign_fix(evecs + (size_t)k * (size_t)n, n);
    }
    free(a); free(v); free(order);
    return 0;
}

/* The top k eigenpairs of the symmetric d x d matrix c (destroyed: deflated)
 * by power iteration with deflation, from a fixed start vector, so the result
 * is deterministic. Used above PCA_JACOBI_MAX dimensions, where Jacobi's
 * O(d^3) sweeps get slow. */
static void power_top(double *c, int d, int k, double *evals, double *evecs)
{
    double *v = malloc(sizeof(double) * (size_t)d), *w = malloc(sizeof(double) * (size_t)d);
    if (!v || !w) { free(v); free(w); return; }
    for (int e = 0; e < k; e++) {
        for (int j = 0; j < d; j++) v[j] = 1.0 + 1e-3 * (double)((j * 7919) % 101); /* fixed, not aligned with any axis */
        double lambda = 0;
        for (int it = 0; it < 3000; it++) {
            double norm = 0;
            for (int i = 0; i < d; i++) {
                double acc = 0;
                for (int j = 0; j < d; j++) acc += c[i * d + j] * v[j];
                w[i] = acc;
                norm += acc * acc;
            }
            norm = sqrt(norm);
            if (norm == 0) break;
            double diff = 0;
            for (int j = 0; j < d; j++) { double nv = w[j] / norm; diff += fabs(nv - v[j]); v[j] = nv; }
            lambda = norm;
            if (diff < 1e-11 * d) break;
        }
        sign_fix(v, d);
        evals[e] = lambda;
        for (int j = 0; j < d; j++) evecs[e * d + j] = v[j];
        for (int i = 0; i < d; i++) /* deflate: C <- C - lambda v v^T */
            for (int j = 0; j < d; j++) c[i * d + j] -= lambda * v[i] * v[j];
    }
    free(v);
    free(w);
}

int pca_fit(const float *x, int n, int d, int k, float *mean, float *axes, float *variance, float *total_variance,
            char *err, size_t err_len)
{
    if (!x || n < 1 || d < 1 || k < 1 || k > d) {
        snprintf(err, err_len, "pca: cannot fit %d axes to %d rows of %d columns", k, n, d);
        return -1;
    }
    double *mu = calloc((size_t)d, sizeof(double));
    double *cov = calloc((size_t)d * (size_t)d, sizeof(double));
    double *ev = calloc((size_t)d, sizeof(double));
    double *vec = calloc((size_t)d * (size_t)d, sizeof(double));
    double *row = malloc(sizeof(double) * (size_t)d);
    if (!mu || !cov || !ev || !vec || !row) {
        free(mu); free(cov); free(ev); free(vec); free(row);
        snprintf(err, err_len, "pca: out of memory for %d columns", d);
        return -1;
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) mu[j] += x[(size_t)i * (size_t)d + (size_t)j];
    for (int j = 0; j < d; j++) mu[j] /= n;
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < d; j++) row[j] = x[(size_t)i * (size_t)d + (size_t)j] - mu[j];
        for (int p = 0; p < d; p++)
            for (int q = p; q < d; q++) cov[p * d + q] += row[p] * row[q];
    }
    for (int p = 0; p < d; p++)
        for (int q = p; q < d; q++) cov[q * d + p] = cov[p * d + q] = cov[p * d + q] / n;
    double tot = 0;
    for (int j = 0; j < d; j++) tot += cov[j * d + j]; /* the trace: the sum of all eigenvalues */
    int rc = 0;
    if (d <= PCA_JACOBI_MAX) rc = pca_eigen_sym(cov, d, ev, vec, err, err_len);
    else power_top(cov, d, k, ev, vec);
    if (rc == 0) {
        for (int j = 0; j < d; j++) if (mean) mean[j] = (float)mu[j];
        for (int c = 0; c < k; c++) {
            if (variance) variance[c] = (float)(ev[c] > 0 ? ev[c] : 0);
            for (int j = 0; j < d; j++) axes[c * d + j] = (float)vec[c * d + j];
        }
        if (total_variance) *total_variance = (float)tot;
    }
    free(mu); free(cov); free(ev); free(vec); free(row);
    return rc;
}

void pca_project(const float *x, int n, int d, int k, const float *mean, const float *axes, float *out)
{
    if (!x || !axes || !out) return;
    for (int i = 0; i < n; i++)
        for (int c = 0; c < k; c++) {
            double acc = 0;
            for (int j = 0; j < d; j++)
                acc += ((double)x[(size_t)i * (size_t)d + (size_t)j] - (mean ? mean[j] : 0)) * axes[c * d + j];
            out[i * k + c] = (float)acc;
        }
}
