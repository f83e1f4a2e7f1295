/* test_train.c - the optimiser and the training run: Adam against numbers
 * worked out by hand, the learning-rate schedule at a few steps, batches,
 * bit-identical runs for one seed, a tiny task the model must overfit,
 * checkpoint save + resume == never stopping, refusal of damaged or foreign
 * checkpoints, and the NaN guard.
 * It must not test gradients (see test_backward.c).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "model.h"
#include "test_util.h"
#include "tok.h"
#include "train.h"

static void assert_near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol)) fail_msg("got %.10g, want %.10g (tolerance %g)", got, want, tol);
}

/* ---- Adam ---- */
static void test_adam_by_hand(void **state)
{
    (void)state;
    /* One weight, lr 0.1, beta1 0.9, beta2 0.98, eps 1e-9; gradients 0.5, -0.25, 0.125.
     * t=1: m = 0.05, v = 0.005; m^ = 0.05/0.1 = 0.5, v^ = 0.005/0.02 = 0.25; w = 1 - 0.1*0.5/0.5 = 0.9
     * t=2: m = 0.045 - 0.025 = 0.02, v = 0.0049 + 0.00125 = 0.00615;
     *      m^ = 0.02/0.19 = 0.1052632, v^ = 0.00615/0.0396 = 0.1553030; w = 0.9 - 0.1*0.1052632/0.3940851 = 0.8732892
     * t=3: m = 0.018 + 0.0125 = 0.0305, v = 0.0060270 + 0.0003125 = 0.0063395;
     *      m^ = 0.0305/0.271 = 0.1125461, v^ = 0.0063395/0.058808 = 0.1078000; w = 0.8732892 - 0.0342785 = 0.8390108 */
    float w = 1.0f, m = 0.0f, v = 0.0f;
    const float g[3] = { 0.5f, -0.25f, 0.125f };
    const double want_w[3] = { 0.9, 0.8732892, 0.8390108 };
    const double want_m[3] = { 0.05, 0.02, 0.0305 };
    const double want_v[3] = { 0.005, 0.00615, 0.0063395 };
    for (int t = 1; t <= 3; t++) {
        train_adam_update(&w, &m, &v, &g[t - 1], 1, 0.1f, 0.9f, 0.98f, 1e-9f, t);
        assert_near(m, want_m[t - 1], 1e-7);
        assert_near(v, want_v[t - 1], 1e-8);
        assert_near(w, want_w[t - 1], 2e-6);
    }
    /* a zero gradient on fresh moments leaves the weight alone */
    float w2 = 3.0f, m2 = 0.0f, v2 = 0.0f, g0 = 0.0f;
    train_adam_update(&w2, &m2, &v2, &g0, 1, 0.1f, 0.9f, 0.98f, 1e-9f, 1);
    assert_true(w2 == 3.0f);
}

/* ---- schedule ---- */
static void test_lr_schedule(void **state)
{
    (void)state;
    /* lr = scale * 64^-0.5 * min(step^-0.5, step * 400^-1.5), 64^-0.5 = 0.125, 400^-1.5 = 1/8000 */
    assert_near(train_lr(1, 64, 400, 1.0), 0.125 / 8000.0, 1e-12);       /* 1.5625e-5 */
    assert_near(train_lr(100, 64, 400, 1.0), 0.125 * 100 / 8000.0, 1e-12); /* 1.5625e-3, warm-up */
    assert_near(train_lr(400, 64, 400, 1.0), 0.125 / 20.0, 1e-12);       /* peak 6.25e-3 */
    assert_near(train_lr(1600, 64, 400, 1.0), 0.125 / 40.0, 1e-12);      /* decay step^-0.5 */
    assert_near(train_lr(1600, 64, 400, 0.5), 0.125 / 80.0, 1e-12);      /* scale */
    assert_near(train_lr(4000, 512, 4000, 1.0), pow(512, -0.5) * pow(4000, -0.5), 1e-12); /* the paper's numbers */
    /* rises until warmup, then falls */
    assert_true(train_lr(399, 64, 400, 1) < train_lr(400, 64, 400, 1));
    assert_true(train_lr(401, 64, 400, 1) < train_lr(400, 64, 400, 1));
}

/* ---- a tiny data set ---- */

#define NEX 10
static int g_src[NEX][8], g_tgt[NEX][8];
static train_example g_ex[NEX];

/* Task: reverse a few words (ids 4..13) and map id w to w + 1 (13 -> 4). */
static void make_examples(void)
{
    uint64_t s = 99;
    for (int i = 0; i < NEX; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        const int n = 2 + (int)((s >> 33) % 4);
        for (int k = 0; k < n; k++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            g_src[i][k] = 4 + (int)((s >> 33) % 10);
        }
        g_src[i][n] = TOK_EOS;
        for (int k = 0; k < n; k++) {
            const int w = g_src[i][n - 1 - k];
            g_tgt[i][k] = w == 13 ? 4 : w + 1;
        }
        g_ex[i].src = g_src[i];
        g_ex[i].n_src = n + 1;
        g_ex[i].tgt = g_tgt[i];
        g_ex[i].n_tgt = n;
    }
}

static model_config small_config(void)
{
    return test_config(14, 16, 2, 1, 32, 8);
}

static train_options small_options(int threads)
{
    train_options o = train_options_default();
    o.batch = 4; o.warmup = 20; o.lr_scale = 1.0f;
    o.seed = 42; o.threads = threads;
    return o;
}

static float g_lr_scale = 1.0f;

static train_state *make_state(unsigned long long seed, int threads)
{
    make_examples();
    const model_config c = small_config();
    train_options o = small_options(threads);
    o.seed = seed;
    o.lr_scale = g_lr_scale;
    char err[256];
    train_state *s = train_state_create(&c, &o, g_ex, NEX, err, sizeof err);
    if (!s) fail_msg("train_state_create: %s", err);
    return s;
}

static void run_steps(train_state *s, int n)
{
    for (int i = 0; i < n; i++) {
        train_step_info info;
        assert_int_equal(train_state_step_once(s, &info), 0);
        assert_true(info.finite);
        assert_true(info.sentences >= 1 && info.sentences <= 4);
    }
}

static int same_params(train_state *a, train_state *b)
{
    const model_params *pa = train_state_params(a), *pb = train_state_params(b);
    return pa->n_floats == pb->n_floats && memcmp(pa->memory, pb->memory, pa->n_floats * sizeof(float)) == 0;
}

static void test_batch_fill(void **state)
{
    (void)state;
    make_examples();
    train_batch b;
    assert_int_equal(train_batch_init(&b, 4, 8), 0);
    const int idx[2] = { 0, 1 };
    assert_int_equal(train_batch_fill(&b, g_ex, idx, 2), 0);
    int S = g_ex[0].n_src > g_ex[1].n_src ? g_ex[0].n_src : g_ex[1].n_src;
    int T = (g_ex[0].n_tgt > g_ex[1].n_tgt ? g_ex[0].n_tgt : g_ex[1].n_tgt) + 1;
    assert_int_equal(b.S, S);
    assert_int_equal(b.T, T);
    assert_int_equal(b.n_tokens, g_ex[0].n_tgt + g_ex[1].n_tgt + 2);
    for (int i = 0; i < 2; i++) {
        const int *in = b.dec_in + i * T, *out = b.dec_out + i * T;
        assert_int_equal(in[0], TOK_BOS);
        for (int t = 0; t < g_ex[i].n_tgt; t++) {
            assert_int_equal(in[t + 1], g_ex[i].tgt[t]);
            assert_int_equal(out[t], g_ex[i].tgt[t]);
        }
        assert_int_equal(out[g_ex[i].n_tgt], TOK_EOS);
        for (int t = g_ex[i].n_tgt + 1; t < T; t++) assert_int_equal(out[t], TOK_PAD);
        for (int s = g_ex[i].n_src; s < S; s++) assert_int_equal(b.src[i * S + s], TOK_PAD);
    }
    /* too many sentences for the capacity */
    const int idx5[5] = { 0, 1, 2, 3, 4 };
    assert_int_equal(train_batch_fill(&b, g_ex, idx5, 5), -1);
    train_batch_free(&b);
    train_batch_free(NULL);
}

/* ---- determinism ---- */
static void test_deterministic(void **state)
{
    (void)state;
    train_state *a = make_state(7, 2), *b = make_state(7, 2), *c = make_state(8, 2);
    assert_true(same_params(a, b));
    assert_false(same_params(a, c));
    run_steps(a, 5);
    run_steps(b, 5);
    run_steps(c, 5);
    assert_true(same_params(a, b));
    assert_false(same_params(a, c));
    train_state_free(a);
    train_state_free(b);
    train_state_free(c);
    train_state_free(NULL);
}

/* ---- learning ---- */
static void test_overfits_tiny_task(void **state)
{
    (void)state;
    g_lr_scale = 0.25f; /* peak lr 0.25 * 16^-0.5 * 20^-0.5 = 0.014 */
    train_state *s = make_state(3, 1);
    g_lr_scale = 1.0f;
    double acc0, ex0, acc1, ex1;
    const double loss0 = train_state_evaluate(s, g_ex, NEX, &acc0, &ex0);
    run_steps(s, 300);
    const double loss1 = train_state_evaluate(s, g_ex, NEX, &acc1, &ex1);
    /* The smoothed target's own entropy bounds the loss from below:
     * H(q) = -(0.9 + 0.1/13) ln(0.9 + 0.1/13) - 12 (0.1/13) ln(0.1/13) = 0.537 for V = 14. */
    if (!(loss1 < 0.5 * loss0 && acc1 > 0.95)) fail_msg("loss %.4f -> %.4f, token accuracy %.3f -> %.3f, exact %.2f: did not learn", loss0, loss1, acc0, acc1, ex1);
    assert_true(loss1 > 0.53);
    assert_true(acc1 > 0.95);
    assert_true(ex1 >= 0.8);
    assert_true(acc0 < 0.5);
    train_state_free(s);
}

/* ---- checkpoints ---- */
static void tmp_path(char *dst, size_t n, const char *tag)
{
    snprintf(dst, n, "/tmp/tlab_test_train_%ld_%s.ckpt", (long)getpid(), tag);
}

static void test_resume_equals_straight_run(void **state)
{
    (void)state;
    char path[256], err[512];
    tmp_path(path, sizeof path, "resume");
    /* 3 batches per epoch: 7 steps cross two epoch boundaries, the stop is mid-epoch */
    train_state *straight = make_state(11, 2);
    run_steps(straight, 7);

    train_state *first = make_state(11, 2);
    run_steps(first, 4);
    assert_int_equal(train_state_save(first, path, err, sizeof err), 0);
    train_state_free(first);

    train_state *second = make_state(11, 2);
    if (train_state_load(second, path, err, sizeof err) != 0) fail_msg("load: %s", err);
    assert_int_equal(train_state_step(second), 4);
    run_steps(second, 3);
    assert_int_equal(train_state_step(second), 7);
    assert_int_equal(train_state_epoch(second), train_state_epoch(straight));
    assert_true(same_params(straight, second));
    train_state_free(straight);
    train_state_free(second);
    remove(path);
}

static void write_bytes(const char *path, const unsigned char *d, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(d, 1, n, f), n);
    fclose(f);
}

static unsigned char *read_bytes(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *d = malloc(*n);
    assert_int_equal(fread(d, 1, *n, f), *n);
    fclose(f);
    return d;
}

static void expect_refused(train_state *s, const char *path, const char *needle)
{
    char err[512] = "";
    const model_params *p = train_state_params(s);
    float *before = malloc(p->n_floats * sizeof(float));
    memcpy(before, p->memory, p->n_floats * sizeof(float));
    const long step = train_state_step(s);
    if (train_state_load(s, path, err, sizeof err) == 0) fail_msg("%s: accepted, expected a refusal with \"%s\"", path, needle);
    if (!strstr(err, needle)) fail_msg("message \"%s\" does not say \"%s\"", err, needle);
    /* nothing was half-loaded */
    assert_true(memcmp(before, p->memory, p->n_floats * sizeof(float)) == 0);
    assert_int_equal(train_state_step(s), step);
    free(before);
}

static void test_bad_checkpoints_refused(void **state)
{
    (void)state;
    char good[256], bad[256], err[512];
    tmp_path(good, sizeof good, "good");
    tmp_path(bad, sizeof bad, "bad");
    train_state *s = make_state(5, 1);
    run_steps(s, 2);
    assert_int_equal(train_state_save(s, good, err, sizeof err), 0);
    size_t n;
    unsigned char *d = read_bytes(good, &n);

    train_state *t = make_state(5, 1);
    /* one flipped byte in the weights */
    d[n / 2] ^= 0x40;
    write_bytes(bad, d, n);
    expect_refused(t, bad, "checksum");
    d[n / 2] ^= 0x40;
    /* cut short */
    write_bytes(bad, d, n - 100);
    expect_refused(t, bad, "truncated");
    /* not a checkpoint at all (a safetensors-like header) */
    const unsigned char junk[] = "\x10\0\0\0\0\0\0\0{\"__metadata__\":{}}";
    write_bytes(bad, junk, sizeof junk);
    expect_refused(t, bad, "not a tlab-train checkpoint");
    /* empty file */
    write_bytes(bad, junk, 0);
    expect_refused(t, bad, "not a tlab-train checkpoint");
    /* missing file */
    expect_refused(t, "/tmp/tlab_no_such_checkpoint_file.ckpt", "No such file");
    train_state_free(t);

    /* another model size */
    model_config c = small_config();
    c.d_ff = 24;
    train_options o = small_options(1);
    o.seed = 5;
    train_state *other = train_state_create(&c, &o, g_ex, NEX, err, sizeof err);
    assert_non_null(other);
    expect_refused(other, good, "another model");
    train_state_free(other);
    /* another seed */
    train_state *seed6 = make_state(6, 1);
    expect_refused(seed6, good, "other settings");
    train_state_free(seed6);
    /* other data */
    make_examples();
    const model_config c2 = small_config();
    train_options o2 = small_options(1);
    o2.seed = 5;
    train_state *fewer = train_state_create(&c2, &o2, g_ex, NEX - 1, err, sizeof err);
    assert_non_null(fewer);
    expect_refused(fewer, good, "different training data");
    train_state_free(fewer);

    /* the good one still loads */
    train_state *u = make_state(5, 1);
    assert_int_equal(train_state_load(u, good, err, sizeof err), 0);
    assert_true(same_params(s, u));
    train_state_free(u);
    train_state_free(s);
    free(d);
    remove(good);
    remove(bad);
}

/* ---- NaN guard ---- */
static void test_nan_stops_without_update(void **state)
{
    (void)state;
    train_state *s = make_state(9, 2);
    run_steps(s, 1);
    model_params *p = train_state_params(s);
    p->enc[0].linear1_weight[0] = NAN;
    float *before = malloc(p->n_floats * sizeof(float));
    memcpy(before, p->memory, p->n_floats * sizeof(float));
    train_step_info info;
    assert_int_equal(train_state_step_once(s, &info), -1);
    assert_false(info.finite);
    assert_int_equal(train_state_step(s), 1);
    assert_true(memcmp(before, p->memory, p->n_floats * sizeof(float)) == 0);
    free(before);
    train_state_free(s);
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_adam_by_hand),
          cmocka_unit_test(test_lr_schedule),
          cmocka_unit_test(test_batch_fill),
          cmocka_unit_test(test_deterministic),
          cmocka_unit_test(test_overfits_tiny_task),
          cmocka_unit_test(test_resume_equals_straight_run),
          cmocka_unit_test(test_bad_checkpoints_refused),
          cmocka_unit_test(test_nan_stops_without_update))
