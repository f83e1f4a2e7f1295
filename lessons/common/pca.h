/* pca.h - principal component analysis for display: the embedding lesson
 * projects the whole vocabulary (the rows of the embedding matrix E [V, D]) onto
 * its first few principal axes to draw it in 2-D or 3-D.
 *
 * Method: centre the rows, covariance matrix C = Xc^T Xc / n [D, D] in double,
 * all eigenpairs of C by the cyclic Jacobi method (symmetric, exact to
 * rounding, deterministic), sorted by eigenvalue, largest first; above
 * PCA_JACOBI_MAX dimensions, the top k by power iteration with deflation from
 * a fixed start vector instead (Jacobi is O(D^3) per sweep). Sign convention: each eigenvector is flipped so
 * that its entry of largest magnitude is positive (the first such entry on a
 * tie), so the same data always gives the same picture.
 *
 * This is display math, not model math: it changes nothing the model computes.
 * Must not: include SDL, draw, or allocate anything the caller cannot free.
 */
#ifndef PCA_H
#define PCA_H

#include <stddef.h>

/* All eigenpairs of the symmetric n x n matrix a (row-major, read only):
 * evals[n] in decreasing order, evecs[n * n] with eigenvector k in ROW k
 * (evecs[k * n + j]), unit length, sign convention as above. 0 on success,
 * -1 with a message in err (bad size, not symmetric, out of memory). */
int pca_eigen_sym(const double *a, int n, double *evals, double *evecs, char *err, size_t err_len);

/* Above this many dimensions pca_fit finds the top k axes by power iteration
 * with deflation (fixed start vector, so still deterministic) instead of Jacobi. */
#define PCA_JACOBI_MAX 128

/* Fits the first k principal axes of the n rows of x (d columns, row stride d).
 * mean[d] receives the column means, axes[k * d] the unit axes (axis c in row c),
 * variance[k] the variance along each axis (eigenvalues of the covariance with
 * divisor n), total_variance (may be NULL) the sum of all eigenvalues.
 * 0 on success; -1 with a message (k > d, n < 1, out of memory). */
int pca_fit(const float *x, int n, int d, int k, float *mean, float *axes, float *variance, float *total_variance,
            char *err, size_t err_len);

/* Coordinates of the n rows of x on the k axes: out[i * k + c] = (x_i - mean) . axes_c. */
void pca_project(const float *x, int n, int d, int k, const float *mean, const float *axes, float *out);

#endif
