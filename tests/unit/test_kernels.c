/* test_kernels.c - the forward kernels of engine/nn/kernels.h against numbers
 * computed by hand (or with the formula written out in double precision), and
 * the SIMD matrix kernel against its plain reference.
 * It must not test the model or the trace (see test_model.c). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernels.h"
#include "test_util.h"

#define TOL 1e-5

static void assert_near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol)) fail_msg("got %.9g, want %.9g (tolerance %g)", got, want, tol);
}

static void test_linear_hand(void **state)
{
    (void)state;
    /* y = x W^T + b with x [1,3], W [2,3]:  y0 = 1 - 3 + 0.5 = -1.5; y1 = 2 + 2 + 0 - 1 = 3 */
    const float x[3] = { 1, 2, 3 }, w[6] = { 1, 0, -1, 2, 1, 0 }, b[2] = { 0.5f, -1 };
    float y[2];
    kern_linear(y, x, w, b, 1, 3, 2);
    assert_near(y[0], -1.5, TOL);
    assert_near(y[1], 3.0, TOL);
    /* Without bias. */
    kern_linear(y, x, w, NULL, 1, 3, 2);
    assert_near(y[0], -2.0, TOL);
    assert_near(y[1], 4.0, TOL);
}

static void test_linear_long_rows(void **state)
{
    (void)state;
    /* in = 11 (longer than one unrolled block of 8, with a tail of 3), two rows.
     * Row 0: x = 1..11; W row 0 all ones -> 66; W row 1 = (+1,-1,+1,...) -> 1-2+3-...+11 = 6.
     * Row 1: x = all 2;  -> 22 and 2 * (6 ones - 5 ones) = 2. Bias (1, -1). */
    float x[22], w[22], y[4];
    for (int k = 0; k < 11; k++) {
        x[k] = (float)(k + 1);
        x[11 + k] = 2.0f;
        w[k] = 1.0f;
        w[11 + k] = (k % 2 == 0) ? 1.0f : -1.0f;
    }
    const float b[2] = { 1, -1 };
    kern_linear(y, x, w, b, 2, 11, 2);
    assert_near(y[0], 67.0, TOL);
    assert_near(y[1], 5.0, TOL);
    assert_near(y[2], 23.0, TOL);
    assert_near(y[3], 1.0, TOL);
}

static void test_linear_no_bias_hand(void **state)
{
    (void)state;
    /* kern_linear without bias is a b^T (it replaced kern_matmul_nt, which was only that).
     * a [2,2] = [[1,2],[3,4]], b [3,2] = [[1,0],[0,1],[1,1]] -> c = a b^T = [[1,2,3],[3,4,7]] */
    const float a[4] = { 1, 2, 3, 4 }, b[6] = { 1, 0, 0, 1, 1, 1 };
    const float want[6] = { 1, 2, 3, 3, 4, 7 };
    float c[6];
    kern_linear(c, a, b, NULL, 2, 2, 3);
    for (int i = 0; i < 6; i++) assert_near(c[i], want[i], TOL);
}

/* kern_matmul (the SIMD tiles picked for this CPU) against kern_matmul_ref on
 * every path of the tiles: row counts around the 6-row tile, column counts
 * around the 2-vector and 1-vector passes and the scalar tail, leading
 * dimensions larger than the rows, and C accumulated (not overwritten). */
static void test_matmul_matches_reference(void **state)
{
    (void)state;
    enum { LD = 100, MAXN = 13, MAXK = 70 };
    static float a[MAXN * LD], b[MAXK * LD], c[MAXN * LD], want[MAXN * LD];
    unsigned s = 7;
    for (int i = 0; i < MAXN * LD; i++) a[i] = (float)((s = s * 1103515245u + 12345u) >> 16 & 0xFF) / 64.0f - 2.0f;
    for (int i = 0; i < MAXK * LD; i++) b[i] = (float)((s = s * 1103515245u + 12345u) >> 16 & 0xFF) / 64.0f - 2.0f;
    const int ns[] = { 1, 2, 5, 6, 7, 12, 13 }, ks[] = { 1, 3, 16, 64, 70 }, ms[] = { 1, 7, 8, 16, 17, 31, 32, 33, 48, 64, 85 };
    int cases = 0;
    for (size_t in = 0; in < sizeof ns / sizeof ns[0]; in++)
        for (size_t ik = 0; ik < sizeof ks / sizeof ks[0]; ik++)
            for (size_t im = 0; im < sizeof ms / sizeof ms[0]; im++) {
                const int n = ns[in], k = ks[ik], m = ms[im];
                for (int i = 0; i < MAXN * LD; i++) c[i] = want[i] = 0.25f * (float)(i % 7);
                kern_matmul(c, LD, a, LD - 3, b, LD - 1, n, k, m);
                kern_matmul_ref(want, LD, a, LD - 3, b, LD - 1, n, k, m);
                for (int i = 0; i < MAXN * LD; i++) {
                    const int row = i / LD, col = i % LD;
                    if (row >= n || col >= m) {
                        assert_true(c[i] == 0.25f * (float)(i % 7)); /* outside C: untouched */
                        continue;
                    }
                    assert_near(c[i], want[i], 1e-5 * (1.0 + fabs(want[i])) * k);
                }
                cases++;
            }
    assert_int_equal(cases, 7 * 5 * 11);
}

static void test_softmax_values(void **state)
{
    (void)state;
    /* softmax(1, 2, 3) = e^(x - 3) / sum */
    float x[3] = { 1, 2, 3 }, y[3];
    kern_softmax_rows(y, x, 1, 3);
    assert_near(y[0], 0.09003057317038046, 1e-6);
    assert_near(y[1], 0.24472847105479767, 1e-6);
    assert_near(y[2], 0.6652409557748219, 1e-6);
    /* Shift invariance and no overflow on large inputs. */
    float big[3] = { 1001, 1002, 1003 };
    kern_softmax_rows(big, big, 1, 3); /* in place */
    for (int j = 0; j < 3; j++) {
        assert_true(isfinite(big[j]));
        assert_near(big[j], y[j], 1e-6);
    }
}

static void test_softmax_rows_sum_to_one(void **state)
{
    (void)state;
    float x[4 * 7], y[4 * 7];
    uint32_t s = 12345;
    for (int i = 0; i < 4 * 7; i++) {
        s = s * 1664525u + 1013904223u;
        x[i] = (float)((s >> 8) % 2000) / 100.0f - 10.0f;
    }
    kern_softmax_rows(y, x, 4, 7);
    for (int r = 0; r < 4; r++) {
        double sum = 0;
        for (int j = 0; j < 7; j++) {
            assert_true(y[r * 7 + j] > 0.0f);
            sum += y[r * 7 + j];
        }
        assert_near(sum, 1.0, 1e-6);
    }
}

static void test_softmax_masked(void **state)
{
    (void)state;
    /* -INFINITY entries give exactly 0; the rest renormalise. */
    float x[4] = { 0.5f, -INFINITY, 0.5f, -INFINITY }, y[4];
    kern_softmax_rows(y, x, 1, 4);
    assert_true(y[1] == 0.0f);
    assert_true(y[3] == 0.0f);
    assert_near(y[0], 0.5, 1e-7);
    assert_near(y[2], 0.5, 1e-7);

    /* All masked but one: exactly 1 there, exactly 0 elsewhere, no NaN. */
    float one[5] = { -INFINITY, -INFINITY, 42.0f, -INFINITY, -INFINITY };
    kern_softmax_rows(one, one, 1, 5);
    for (int j = 0; j < 5; j++) {
        assert_false(isnan(one[j]));
        assert_true(one[j] == (j == 2 ? 1.0f : 0.0f));
    }

    /* All masked: documented as all 0, and never NaN. */
    float none[3] = { -INFINITY, -INFINITY, -INFINITY };
    kern_softmax_rows(none, none, 1, 3);
    for (int j = 0; j < 3; j++) assert_true(none[j] == 0.0f);
}

static void test_layernorm_hand(void **state)
{
    (void)state;
    /* x = (1,2,3,4): mean 2.5, biased var 1.25, std = sqrt(1.25 + 1e-5), 1 / std = 0.894423613...
     * y = (x - 2.5) / std * g + b with g = (1,1,2,1), b = (0,0,0,1). */
    const float x[4] = { 1, 2, 3, 4 }, g[4] = { 1, 1, 2, 1 }, b[4] = { 0, 0, 0, 1 };
    float y[4], mean, std;
    kern_layernorm(y, &mean, &std, x, g, b, 1, 4, 1e-5f);
    assert_near(mean, 2.5, 1e-6);
    assert_near(1.0 / std, 0.894423613312618, 1e-6);
    assert_near(y[0], -1.3416354199689269, 1e-5);
    assert_near(y[1], -0.447211806656309, 1e-5);
    assert_near(y[2], 0.894423613312618, 1e-5);
    assert_near(y[3], 2.341635419968927, 1e-5);

    /* A constant row: variance 0, so the output is exactly beta (eps keeps it finite). */
    const float c[4] = { 7, 7, 7, 7 };
    kern_layernorm(y, &mean, &std, c, g, b, 1, 4, 1e-5f);
    for (int k = 0; k < 4; k++) assert_near(y[k], b[k], 1e-6);
    assert_near(1.0 / std, 1.0 / sqrt(1e-5), 1e-1);
}

static void test_positional_encoding(void **state)
{
    (void)state;
    enum { L = 32, D = 64 };
    static float pe[L * D];
    kern_positional_encoding(pe, L, D);
    assert_near(pe[0 * D + 0], 0.0, 1e-7);                   /* sin(0) */
    assert_near(pe[0 * D + 1], 1.0, 1e-7);                   /* cos(0) */
    assert_near(pe[5 * D + 2], -0.5711272011926853, 1e-6);  /* sin(5 / 10000^(2/64)) */
    assert_near(pe[5 * D + 3], -0.8208615717999046, 1e-6);  /* cos(5 / 10000^(2/64)) */
    assert_near(pe[31 * D + 63], 0.9999914553796032, 1e-6); /* cos(31 / 10000^(62/64)) */
    assert_near(pe[7 * D + 10], 0.9960274105997613, 1e-6);  /* sin(7 / 10000^(10/64)) */
    assert_near(pe[1 * D + 0], sin(1.0), 1e-6);
    /* Every entry against the formula. */
    for (int pos = 0; pos < L; pos++)
        for (int d = 0; d < D; d++) {
            const double ang = pos / pow(10000.0, (double)(d - d % 2) / D);
            assert_near(pe[pos * D + d], d % 2 == 0 ? sin(ang) : cos(ang), 1e-6);
        }
}

static void test_relu(void **state)
{
    (void)state;
    float x[5] = { -1.0f, 0.0f, 2.5f, -0.0f, 1e-30f }, y[5];
    kern_relu(y, x, 5);
    const float want[5] = { 0.0f, 0.0f, 2.5f, 0.0f, 1e-30f };
    for (int i = 0; i < 5; i++) assert_true(y[i] == want[i]);
    kern_relu(x, x, 5); /* in place */
    for (int i = 0; i < 5; i++) assert_true(x[i] == want[i]);
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_linear_hand),
          cmocka_unit_test(test_linear_long_rows),
          cmocka_unit_test(test_linear_no_bias_hand),
          cmocka_unit_test(test_matmul_matches_reference),
          cmocka_unit_test(test_softmax_values),
          cmocka_unit_test(test_softmax_rows_sum_to_one),
          cmocka_unit_test(test_softmax_masked),
          cmocka_unit_test(test_layernorm_hand),
          cmocka_unit_test(test_positional_encoding),
          cmocka_unit_test(test_relu))
