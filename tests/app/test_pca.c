/* test_pca.c - the display PCA of the embedding lesson (lessons/common/pca.c):
 * eigenpairs of hand-built symmetric matrices against their known closed
 * forms (including the sign convention), a data set with a known covariance
 * (axes, variances, mean, projections), orthonormal axes and decreasing
 * variance on a random 263x64 matrix the size of the model's embedding, the
 * projected coordinates' variance equal to the reported variance, bit-for-bit
 * determinism, and the refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pca.h"
#include "test_util.h"

static void expect_vec(const double *v, const double *want, int n, double tol)
{
    for (int i = 0; i < n; i++) assert_true(fabs(v[i] - want[i]) < tol);
}

static void test_eigen_2x2(void **st)
{
    (void)st;
    double a[4] = {2, 1, 1, 2}, ev[2], vec[4];
    char err[128];
    assert_int_equal(pca_eigen_sym(a, 2, ev, vec, err, sizeof err), 0);
    assert_true(fabs(ev[0] - 3) < 1e-12);
    assert_true(fabs(ev[1] - 1) < 1e-12);
    double r = 1 / sqrt(2.0);
    double v0[2] = {r, r}, v1[2] = {r, -r}; /* tie in magnitude: the first entry is made positive */
    expect_vec(vec, v0, 2, 1e-12);
    expect_vec(vec + 2, v1, 2, 1e-12);
}

static void test_eigen_3x3_closed_form(void **st)
{
    (void)st;
    /* the second-difference matrix: eigenvalues 2+sqrt2, 2, 2-sqrt2 */
    double a[9] = {2, -1, 0, -1, 2, -1, 0, -1, 2}, ev[3], vec[9];
    char err[128];
    assert_int_equal(pca_eigen_sym(a, 3, ev, vec, err, sizeof err), 0);
    double s2 = sqrt(2.0);
    assert_true(fabs(ev[0] - (2 + s2)) < 1e-12);
    assert_true(fabs(ev[1] - 2) < 1e-12);
    assert_true(fabs(ev[2] - (2 - s2)) < 1e-12);
    /* (1, -sqrt2, 1)/2 flipped so the largest entry is positive */
    double v0[3] = {-0.5, s2 / 2, -0.5}, v1[3] = {1 / s2, 0, -1 / s2}, v2[3] = {0.5, s2 / 2, 0.5};
    expect_vec(vec, v0, 3, 1e-12);
    expect_vec(vec + 3, v1, 3, 1e-12);
    expect_vec(vec + 6, v2, 3, 1e-12);
    /* A v = lambda v for each pair */
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < 3; i++) {
            double acc = 0;
            for (int j = 0; j < 3; j++) acc += a[i * 3 + j] * vec[k * 3 + j];
            assert_true(fabs(acc - ev[k] * vec[k * 3 + i]) < 1e-12);
        }
}

static void test_fit_known_covariance(void **st)
{
    (void)st;
    /* four points m +- 3 u1, m +- u2: covariance 4.5 u1 u1^T + 0.5 u2 u2^T */
    const float u1[3] = {1.0f / 3, 2.0f / 3, 2.0f / 3}, u2[3] = {2.0f / 3, 1.0f / 3, -2.0f / 3}, m[3] = {10, -5, 2};
    float x[12];
    for (int j = 0; j < 3; j++) {
        x[0 * 3 + j] = m[j] + 3 * u1[j];
        x[1 * 3 + j] = m[j] - 3 * u1[j];
        x[2 * 3 + j] = m[j] + u2[j];
        x[3 * 3 + j] = m[j] - u2[j];
    }
    float mean[3], axes[6], var[2], tot;
    char err[128];
    assert_int_equal(pca_fit(x, 4, 3, 2, mean, axes, var, &tot, err, sizeof err), 0);
    for (int j = 0; j < 3; j++) {
        assert_true(fabsf(mean[j] - m[j]) < 1e-5f);
        assert_true(fabsf(axes[j] - u1[j]) < 1e-5f);     /* largest entry 2/3 positive: u1 as is */
        assert_true(fabsf(axes[3 + j] - u2[j]) < 1e-5f); /* tie 2/3 vs -2/3: first entry positive */
    }
    assert_true(fabsf(var[0] - 4.5f) < 1e-4f);
    assert_true(fabsf(var[1] - 0.5f) < 1e-4f);
    assert_true(fabsf(tot - 5.0f) < 1e-4f);
    float p[8];
    pca_project(x, 4, 3, 2, mean, axes, p);
    const float want[8] = {3, 0, -3, 0, 0, 1, 0, -1};
    for (int i = 0; i < 8; i++) assert_true(fabsf(p[i] - want[i]) < 1e-4f);
}

static unsigned long long lcg = 12345;
static float rnd(void)
{
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((lcg >> 11) * (1.0 / 9007199254740992.0)) - 0.5f;
}

static void test_embedding_sized(void **st)
{
    (void)st;
    enum { V = 263, D = 64, K = 3 };
    float *x = malloc(sizeof(float) * V * D);
    assert_non_null(x);
    lcg = 12345;
    for (int i = 0; i < V * D; i++) x[i] = rnd() * (1.0f + (float)(i % D) / 16.0f); /* later columns spread more */
    float mean[D], axes[K * D], var[K], tot, mean2[D], axes2[K * D], var2[K], tot2;
    char err[128];
    assert_int_equal(pca_fit(x, V, D, K, mean, axes, var, &tot, err, sizeof err), 0);
    for (int a = 0; a < K; a++)
        for (int b = 0; b < K; b++) {
            double dot = 0;
            for (int j = 0; j < D; j++) dot += (double)axes[a * D + j] * axes[b * D + j];
            assert_true(fabs(dot - (a == b ? 1.0 : 0.0)) < 1e-5);
        }
    assert_true(var[0] >= var[1] && var[1] >= var[2] && var[2] > 0);
    assert_true(tot > var[0] + var[1] + var[2]);
    /* the variance of the projected coordinates is the reported variance */
    float *p = malloc(sizeof(float) * V * K);
    assert_non_null(p);
    pca_project(x, V, D, K, mean, axes, p);
    for (int c = 0; c < K; c++) {
        double s = 0, s2 = 0;
        for (int i = 0; i < V; i++) { s += p[i * K + c]; s2 += (double)p[i * K + c] * p[i * K + c]; }
        assert_true(fabs(s / V) < 1e-4);
        assert_true(fabs(s2 / V - var[c]) < 1e-4 * var[c] + 1e-6);
    }
    /* no direction in the data has more variance than axis 0: compare with every column direction */
    for (int j = 0; j < D; j++) {
        double s2 = 0;
        for (int i = 0; i < V; i++) { double d = x[i * D + j] - mean[j]; s2 += d * d; }
        assert_true(s2 / V <= var[0] * (1 + 1e-5));
    }
    /* the sign convention: the largest entry of each axis is positive */
    for (int c = 0; c < K; c++) {
        int best = 0;
        for (int j = 1; j < D; j++) if (fabsf(axes[c * D + j]) > fabsf(axes[c * D + best])) best = j;
        assert_true(axes[c * D + best] > 0);
    }
    /* determinism: a second fit is identical to the bit */
    assert_int_equal(pca_fit(x, V, D, K, mean2, axes2, var2, &tot2, err, sizeof err), 0);
    assert_memory_equal(axes, axes2, sizeof axes);
    assert_memory_equal(var, var2, sizeof var);
    assert_memory_equal(mean, mean2, sizeof mean);
    free(p);
    free(x);
}

/* Above PCA_JACOBI_MAX dimensions pca_fit uses power iteration: it must agree
 * with Jacobi (pca_eigen_sym) on the same covariance. */
static void test_power_path_matches_jacobi(void **st)
{
    (void)st;
    enum { N = 400, D = PCA_JACOBI_MAX + 32, K = 3 };
    float *x = malloc(sizeof(float) * N * D);
    double *cov = calloc((size_t)D * D, sizeof(double)), *ev = malloc(sizeof(double) * D), *vec = malloc(sizeof(double) * D * D);
    assert_true(x && cov && ev && vec);
    lcg = 777;
    for (int i = 0; i < N * D; i++) {
        int j = i % D;
        x[i] = rnd() * (j == 5 ? 4.0f : j == 17 ? 3.0f : j == 90 ? 2.0f : 1.0f) + 0.3f * (j == 17 ? x[i - 12] : 0.0f);
    }
    float mean[D], axes[K * D], var[K], tot;
    char err[128];
    assert_int_equal(pca_fit(x, N, D, K, mean, axes, var, &tot, err, sizeof err), 0);
    double mu[D] = {0};
    for (int i = 0; i < N; i++) for (int j = 0; j < D; j++) mu[j] += x[i * D + j] / (double)N;
    for (int i = 0; i < N; i++)
        for (int p = 0; p < D; p++)
            for (int q = 0; q < D; q++) cov[p * D + q] += (x[i * D + p] - mu[p]) * (x[i * D + q] - mu[q]) / N;
    assert_int_equal(pca_eigen_sym(cov, D, ev, vec, err, sizeof err), 0);
    double trace = 0;
    for (int j = 0; j < D; j++) trace += cov[j * D + j];
    assert_true(fabs(tot - trace) < 1e-4 * trace);
    for (int c = 0; c < K; c++) {
        assert_true(fabs(var[c] - ev[c]) < 1e-4 * ev[c]);
        for (int j = 0; j < D; j++) assert_true(fabs(axes[c * D + j] - vec[c * D + j]) < 1e-3);
    }
    float axes2[K * D];
    assert_int_equal(pca_fit(x, N, D, K, mean, axes2, var, &tot, err, sizeof err), 0);
    assert_memory_equal(axes, axes2, sizeof axes);
    free(x); free(cov); free(ev); free(vec);
}

static void test_refusals(void **st)
{
    (void)st;
    char err[128] = "";
    double a[4] = {1, 2, 3, 1}, ev[2], vec[4];
    assert_int_equal(pca_eigen_sym(a, 2, ev, vec, err, sizeof err), -1);
    assert_non_null(strstr(err, "symmetric"));
    float x[6] = {1, 2, 3, 4, 5, 6}, mean[3], axes[12], var[4];
    assert_int_equal(pca_fit(x, 2, 3, 4, mean, axes, var, NULL, err, sizeof err), -1);
    assert_int_equal(pca_fit(x, 0, 3, 1, mean, axes, var, NULL, err, sizeof err), -1);
    assert_int_equal(pca_eigen_sym(a, 0, ev, vec, err, sizeof err), -1);
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_eigen_2x2),
          cmocka_unit_test(test_eigen_3x3_closed_form),
          cmocka_unit_test(test_fit_known_covariance),
          cmocka_unit_test(test_embedding_sized),
          cmocka_unit_test(test_power_path_matches_jacobi),
          cmocka_unit_test(test_refusals))
