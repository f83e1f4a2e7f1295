/* test_train_run.c - the background trainer and its record: the schedule
 * against the paper's formula at every step, label-smoothing targets worked
 * out by hand, the history's bounds (points, evaluations, snapshots) and its
 * file (round trip, damage refused, never overwritten), and the runner: loss
 * falls, the same seed gives the same run, pause and reset at any moment are
 * safe, a NaN stops the run naming the step; pumped (no thread, as in the web
 * page) it is the same run.
 * Small runs (batch 8, 2,000 pairs) so that it stays quick on a busy machine.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "model.h"
#include "tok.h"
#include "train.h"
#include "train_history.h"
#include "train_run.h"
#include "test_util.h"

static void assert_near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol)) fail_msg("got %.10g, want %.10g (tolerance %g)", got, want, tol);
}

/* ---- schedule: lrate = d_model^-0.5 * min(step^-0.5, step * warmup^-1.5) ---- */
static void test_schedule_formula(void **state)
{
    (void)state;
    const int D = 64, W = 400;
    long peak = 0;
    double best = 0.0;
    for (long s = 1; s <= 5000; s++) {
        const double want = pow(D, -0.5) * fmin(pow((double)s, -0.5), (double)s * pow(W, -1.5));
        const double got = train_lr(s, D, W, 1.0);
        assert_near(got, want, 1e-12);
        if (got > best) best = got, peak = s;
    }
    assert_int_equal(peak, W);                  /* the peak is at the end of warm-up */
    assert_near(best, 0.125 / 20.0, 1e-12);     /* 64^-0.5 * 400^-0.5 = 0.125 * 0.05 */
}

/* ---- label smoothing, eps = 0.1, V = 5 (id 0 is <pad>), gold y = 2 ----
 * q_pad = 0, q_y = 0.9 + 0.1/4 = 0.925, the other three 0.1/4 = 0.025.
 * With z = 0 the softmax is 0.2 everywhere (over all 5 ids), so the loss is
 * -sum q_j log 0.2 = log 5 = 1.6094379 and dz = p - q = (0.2, 0.175, -0.725, 0.175, 0.175). */
static void test_label_smoothing_by_hand(void **state)
{
    (void)state;
    float q[5], z[5] = {0}, dz[5];
    const int y = 2;
    train_label_target(q, 5, y, 0.1f);
    const float want_q[5] = {0.0f, 0.025f, 0.925f, 0.025f, 0.025f};
    for (int j = 0; j < 5; j++) assert_near(q[j], want_q[j], 1e-7);
    assert_near(train_xent(dz, z, &y, 1, 5, 0.1f, 1.0f), log(5.0), 1e-6);
    const float want_dz[5] = {0.2f, 0.175f, -0.725f, 0.175f, 0.175f};
    for (int j = 0; j < 5; j++) assert_near(dz[j], want_dz[j], 1e-6);
    /* z = (0, ln 2, 0, 0, 0): softmax = (1, 2, 1, 1, 1) / 6; loss = -sum q log p
     * = -(0.025 log(2/6) + 0.925 log(1/6) + 0.05 log(1/6)) = 0.025 log 3 + 0.975 log 6 */
    z[1] = logf(2.0f);
    assert_near(train_xent(NULL, z, &y, 1, 5, 0.1f, 1.0f), 0.025 * log(3.0) + 0.975 * log(6.0), 1e-6);
    /* eps = 0: one-hot */
    train_label_target(q, 5, y, 0.0f);
    for (int j = 0; j < 5; j++) assert_near(q[j], j == y ? 1.0 : 0.0, 0.0);
}

/* The loss on wide rows (V = 263 as in the corpus, and 600 > the 256-wide blocks of its exp) against
 * the same formula with libm's exp and log: logits from -900 to +60 (far below exp's underflow, so
 * the clamped tail of train.c's exp runs too), loss to 1e-12 relative, dz = softmax - q to 1e-7. */
static void test_xent_wide_rows_against_libm(void **state)
{
    (void)state;
    static float z[600], dz[600];
    const int Vs[2] = {263, 600};
    unsigned s = 5;
    for (int c = 0; c < 2; c++) {
        const int V = Vs[c], y = 7;
        for (int j = 0; j < V; j++) {
            s = s * 1103515245u + 12345u;
            z[j] = (float)((s >> 8) % 9600) / 10.0f - 900.0f;
        }
        z[y] = 60.0f; /* the largest: the row's max */
        z[V - 1] = 59.5f;
        const double eps = (double)0.1f, u = eps / (V - 1); /* the float eps train_xent gets */
        double sum = 0.0;
        for (int j = 0; j < V; j++) sum += exp((double)z[j] - 60.0);
        const double lse = 60.0 + log(sum);
        double want = 0.0;
        for (int j = 1; j < V; j++) want -= (u + (j == y ? 1.0 - eps : 0.0)) * ((double)z[j] - lse);
        const double got = train_xent(dz, z, &y, 1, V, 0.1f, 1.0f);
        assert_near(got, want, 1e-12 * fabs(want));
        for (int j = 0; j < V; j++) {
            const double q = j == 0 ? 0.0 : u + (j == y ? 1.0 - eps : 0.0);
            assert_near(dz[j], exp((double)z[j] - lse) - q, 1e-7);
        }
        assert_near(train_xent(NULL, z, &y, 1, V, 0.1f, 1.0f), got, 0.0); /* the same without the gradient */
    }
}

/* ---- the history's bounds ---- */
static model_config tiny_cfg(void)
{
    model_config c = model_config_default(20);
    c.d_model = 8, c.n_heads = 2, c.d_ff = 16, c.n_enc_layers = 1, c.n_dec_layers = 1, c.max_len = 8;
    return c;
}

static void test_history_bounds(void **state)
{
    (void)state;
    const model_config c = tiny_cfg();
    const train_options o = train_options_default();
    train_history h;
    char err[256];
    assert_int_equal(train_history_init(&h, &c, &o, 16, 8, 1, 10, err, sizeof err), -1); /* one snapshot: no time-lapse */
    assert_int_equal(train_history_init(&h, &c, &o, 16, 8, 4, 10, err, sizeof err), 0);
    float *w = calloc(h.n_floats, sizeof(float));
    train_history_add_snapshot(&h, 0, w);
    for (long s = 1; s <= 10000; s++) {
        train_history_add_step(&h, s, 2.0, 1e-3);
        if (s % 50 == 0) train_history_add_eval(&h, s, 1.0, s / 10000.0, 0.5);
        if (train_history_snapshot_due(&h, s)) {
            w[0] = (float)s;
            train_history_add_snapshot(&h, s, w);
        }
        assert_true(h.n_points <= 16 && h.n_evals <= 8 && h.n_snaps <= 4);
    }
    assert_true(h.n_points >= 8);
    for (int i = 0; i < h.n_points; i++) {
        assert_near(h.points[i].loss, 2.0, 1e-6);     /* merging averages: a constant stays constant */
        if (i) assert_true(h.points[i].step > h.points[i - 1].step);
    }
    assert_true(h.points[h.n_points - 1].step > 10000 - h.point_merge); /* the newest steps are in */
    assert_true(h.n_evals >= 4);
    for (int i = 1; i < h.n_evals; i++) assert_true(h.evals[i].step > h.evals[i - 1].step);
    /* snapshots: step 0 and the newest kept, the rest thinned towards a log scale
     * (early steps close together), each holding its own weights */
    assert_int_equal(h.n_snaps, 4);
    assert_int_equal(h.snaps[0].step, 0);
    assert_int_equal(h.snaps[3].step, 10000);
    for (int i = 0; i < h.n_snaps; i++) {
        assert_near(h.snaps[i].weights[0], (double)h.snaps[i].step, 0.0);
        if (i) assert_true(h.snaps[i].step > h.snaps[i - 1].step);
    }
    assert_true(h.snaps[1].step < 1000);                                  /* an early one stays */
    assert_true(h.snaps[2].step - h.snaps[1].step < h.snaps[3].step - h.snaps[2].step); /* gaps grow */
    /* the copy without weights */
    train_history m = {0};
    assert_int_equal(train_history_copy_meta(&m, &h), 0);
    assert_int_equal(m.n_snaps, 4);
    assert_null(m.snaps[0].weights);
    assert_int_equal(m.points[m.n_points - 1].step, h.points[h.n_points - 1].step);
    train_history_free(&m);
    free(w);
    train_history_free(&h);
}

static void test_history_file(void **state)
{
    (void)state;
    const model_config c = tiny_cfg();
    const train_options o = train_options_default();
    train_history h, g = {0};
    char err[256], path[] = "/tmp/test_train_run_hist_XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    remove(path);
    assert_int_equal(train_history_init(&h, &c, &o, 8, 8, 2, 5, err, sizeof err), 0);
    float *w = calloc(h.n_floats, sizeof(float));
    for (size_t k = 0; k < h.n_floats; k++) w[k] = (float)k * 0.001f - 0.3f;
    train_history_add_snapshot(&h, 0, w);
    for (long s = 1; s <= 7; s++) train_history_add_step(&h, s, 5.0 - s * 0.5, 1e-4 * s);
    train_history_add_eval(&h, 5, 2.5, 0.25, 0.6);
    train_history_add_snapshot(&h, 5, w);
    assert_int_equal(train_history_save(&h, path, 1, err, sizeof err), 0);
    assert_int_equal(train_history_save(&h, path, 1, err, sizeof err), -1); /* new: never overwrites */
    assert_int_equal(train_history_load(&g, path, err, sizeof err), 0);
    assert_int_equal(g.n_points, 7);
    assert_int_equal(g.n_evals, 1);
    assert_int_equal(g.n_snaps, 2);
    assert_int_equal(g.opt.warmup, o.warmup);
    assert_near(g.points[6].loss, 1.5, 0.0);
    assert_near(g.evals[0].exact, 0.25, 0.0);
    assert_near(g.snaps[1].exact, 0.25, 0.0);
    for (size_t k = 0; k < h.n_floats; k++) assert_near(g.snaps[1].weights[k], w[k], fabs(w[k]) * 1e-3 + 1e-7); /* f16 */
    /* damage: one byte flipped, or cut short */
    FILE *f = fopen(path, "rb");
    unsigned char buf[1 << 16];
    const size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    buf[n / 2] ^= 0x40;
    assert_int_equal(train_history_load_bytes(&g, buf, n, err, sizeof err), -1);
    assert_non_null(strstr(err, "checksum"));
    buf[n / 2] ^= 0x40;
    assert_int_equal(train_history_load_bytes(&g, buf, n - 3, err, sizeof err), -1);
    assert_int_equal(train_history_load_bytes(&g, buf, 5, err, sizeof err), -1);
    assert_int_equal(train_history_load_bytes(&g, buf, n, err, sizeof err), 0);
    remove(path);
    free(w);
    train_history_free(&g);
    train_history_free(&h);
}

/* ---- the runner ---- */
static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static train_run_options small_run(long max_steps)
{
    train_run_options o = train_run_options_default();
    o.opt.batch = 8;
    o.opt.threads = 1;
    o.opt.warmup = 20;
    o.train_n = 2000;
    o.held_n = 16;
    o.eval_every = 10;
    o.cap_snaps = 4;
    o.snap_every = 5;
    o.max_steps = max_steps;
    return o;
}

static train_run *new_run(long max_steps)
{
    char err[256];
    const train_run_options o = small_run(max_steps);
    train_run *r = train_run_create(&o, err, sizeof err);
    if (!r) fail_msg("train_run_create: %s", err);
    return r;
}

static void test_run_learns_and_is_deterministic(void **state)
{
    (void)state;
    train_run *a = new_run(40), *b = new_run(40);
    train_history ha = {0}, hb = {0};
    long va = -1, vb = -1;
    train_run_start(a);
    assert_int_equal(train_run_wait(a, 40, 240.0), TRAIN_RUN_DONE);
    train_run_set_speed(b, 400.0);  /* throttled and paused on the way: still the same run */
    train_run_start(b);
    train_run_wait(b, 7, 240.0);
    train_run_pause(b);
    sleep_ms(50);
    train_run_resume(b);
    assert_int_equal(train_run_wait(b, 40, 240.0), TRAIN_RUN_DONE);
    assert_int_equal(train_run_history_copy(a, &ha, &va), 1);
    assert_int_equal(train_run_history_copy(b, &hb, &vb), 1);
    assert_int_equal(train_run_history_copy(a, &ha, &va), 0); /* unchanged since */
    assert_int_equal(ha.n_points, 40);
    assert_int_equal(hb.n_points, 40);
    for (int i = 0; i < 40; i++) assert_true(ha.points[i].loss == hb.points[i].loss);
    assert_true(ha.points[39].loss < ha.points[0].loss - 0.5);  /* it learns */
    assert_int_equal(ha.n_evals, 5);                            /* steps 0, 10, 20, 30, 40 */
    assert_true(ha.evals[4].val_loss < ha.evals[0].val_loss);
    const model_config cfg = train_run_config(a);
    model_params pa, pb;
    assert_int_equal(model_params_init(&pa, &cfg), 0);
    assert_int_equal(model_params_init(&pb, &cfg), 0);
    assert_int_equal(train_run_copy_weights(a, -1, &pa), 40);
    assert_int_equal(train_run_copy_weights(b, -1, &pb), 40);
    assert_true(memcmp(pa.memory, pb.memory, pa.n_floats * sizeof(float)) == 0);
    assert_int_equal(train_run_copy_weights(a, 0, &pa), 0);         /* snapshot 0: the random start */
    assert_int_equal(train_run_copy_weights(a, 99, &pa), -1);
    model_params_free(&pa);
    model_params_free(&pb);
    train_history_free(&ha);
    train_history_free(&hb);
    train_run_free(a);
    train_run_free(b);
}

/* Pumped (no thread, the web page's way): nothing happens between pumps, a pump of
 * budget 0 does exactly one piece of work, the throttle holds pumps back, and the run
 * is the threaded one's, loss for loss and weight for weight. */
static void test_pumped_is_the_same_run(void **state)
{
    (void)state;
    char err[256];
    train_run_options o = small_run(20);
    train_run *a = new_run(20);
    o.pumped = 1;
    train_run *p = train_run_create(&o, err, sizeof err);
    if (!p) fail_msg("train_run_create (pumped): %s", err);
    train_run_info in;
    train_run_start(a);
    assert_int_equal(train_run_wait(a, 20, 240.0), TRAIN_RUN_DONE);
    assert_int_equal(train_run_pump(a, 0.0), 0);    /* threaded: pumping does nothing */
    train_run_start(p);
    sleep_ms(50);
    train_run_get_info(p, &in);
    assert_int_equal(in.status, TRAIN_RUN_PREPARING); /* no thread prepared it */
    assert_int_equal(train_run_pump(p, 0.0), 1);      /* the preparation */
    train_run_get_info(p, &in);
    assert_int_equal(in.status, TRAIN_RUN_RUNNING);
    assert_int_equal(in.step, 0);
    assert_int_equal(train_run_pump(p, 0.0), 1);      /* one step */
    train_run_get_info(p, &in);
    assert_int_equal(in.step, 1);
    train_run_set_speed(p, 0.5);                       /* one step per 2 s */
    assert_int_equal(train_run_pump(p, 0.0), 1);
    assert_int_equal(train_run_pump(p, 0.2), 0);      /* the throttle says wait */
    train_run_set_speed(p, 0.0);
    train_run_pause(p);
    assert_int_equal(train_run_pump(p, 0.0), 0);
    train_run_resume(p);
    while (train_run_pump(p, 0.01) > 0) {}             /* to max_steps, a little per call */
    train_run_get_info(p, &in);
    assert_int_equal(in.status, TRAIN_RUN_DONE);
    assert_int_equal(in.step, 20);
    train_history ha = {0}, hp = {0};
    long va = -1, vp = -1;
    assert_int_equal(train_run_history_copy(a, &ha, &va), 1);
    assert_int_equal(train_run_history_copy(p, &hp, &vp), 1);
    assert_int_equal(hp.n_points, 20);
    for (int i = 0; i < 20; i++) assert_true(ha.points[i].loss == hp.points[i].loss);
    assert_int_equal(hp.n_evals, ha.n_evals);
    const model_config cfg = train_run_config(a);
    model_params pa, pp;
    assert_int_equal(model_params_init(&pa, &cfg), 0);
    assert_int_equal(model_params_init(&pp, &cfg), 0);
    assert_int_equal(train_run_copy_weights(a, -1, &pa), 20);
    assert_int_equal(train_run_copy_weights(p, -1, &pp), 20);
    assert_true(memcmp(pa.memory, pp.memory, pa.n_floats * sizeof(float)) == 0);
    train_run_reset(p);                                /* and train_run_wait pumps by itself */
    train_run_start(p);
    assert_int_equal(train_run_wait(p, 5, 240.0), TRAIN_RUN_RUNNING);
    train_run_get_info(p, &in);
    assert_int_equal(in.step, 5);
    model_params_free(&pa);
    model_params_free(&pp);
    train_history_free(&ha);
    train_history_free(&hp);
    train_run_free(a);
    train_run_free(p);
}

static void test_pause_reset_safety(void **state)
{
    (void)state;
    train_run *r = new_run(0);
    train_run_info in;
    train_run_reset(r); /* before anything */
    train_run_pause(r);
    train_run_resume(r);
    train_run_start(r);
    sleep_ms(5); /* the worker is in the preparation now (the corpus takes longer than this) */
    train_run_reset(r); /* while preparing: returns at once; the preparation in flight is thrown away */
    train_run_get_info(r, &in);
    assert_int_equal(in.status, TRAIN_RUN_EMPTY);
    sleep_ms(500); /* the preparation has ended by now: it must not have started the run */
    train_run_get_info(r, &in);
    assert_int_equal(in.status, TRAIN_RUN_EMPTY);
    assert_int_equal(in.step, 0);
    assert_int_equal(in.eval_step, -1);
    train_run_start(r);
    train_run_start(r); /* twice: the second preparation is the one that counts */
    train_run_start(r);
    assert_int_equal(train_run_wait(r, 3, 240.0), TRAIN_RUN_RUNNING);
    train_run_pause(r);
    sleep_ms(300); /* the step in flight has ended by now */
    train_run_get_info(r, &in);
    const long s = in.step;
    sleep_ms(200);
    train_run_get_info(r, &in);
    assert_int_equal(in.step, s);
    assert_int_equal(in.status, TRAIN_RUN_PAUSED);
    train_run_resume(r);
    train_run_wait(r, s + 2, 240.0);
    train_run_reset(r); /* while running */
    train_run_get_info(r, &in);
    assert_int_equal(in.status, TRAIN_RUN_EMPTY);
    assert_int_equal(in.step, 0);
    const model_config cfg = train_run_config(r);
    model_params p;
    assert_int_equal(model_params_init(&p, &cfg), 0);
    assert_int_equal(train_run_copy_weights(r, -1, &p), -1);
    train_history h = {0};
    long v = -1;
    assert_int_equal(train_run_history_copy(r, &h, &v), 1);
    assert_int_equal(h.n_points, 0);
    for (int i = 0; i < 20; i++) { /* commands in quick succession */
        if (i % 3 == 0) train_run_start(r);
        if (i % 3 == 1) train_run_pause(r);
        if (i % 5 == 2) train_run_reset(r);
        train_run_resume(r);
        train_run_copy_weights(r, -1, &p);
        train_run_history_copy(r, &h, &v);
    }
    train_run_start(r);
    train_run_wait(r, 2, 240.0);
    train_history_free(&h);
    model_params_free(&p);
    train_run_free(r); /* while running */
}

static void test_nan_stops_naming_the_step(void **state)
{
    (void)state;
    train_run *r = new_run(0);
    train_run_start(r);
    assert_int_equal(train_run_wait(r, 3, 240.0), TRAIN_RUN_RUNNING);
    train_run_inject_nan(r);
    assert_int_equal(train_run_wait(r, 1000000, 240.0), TRAIN_RUN_FAILED);
    train_run_info in;
    train_run_get_info(r, &in);
    char want[64];
    snprintf(want, sizeof want, "at step %ld", in.step + 1);
    assert_non_null(strstr(in.message, "not finite"));
    assert_non_null(strstr(in.message, want));
    train_run_free(r);
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_schedule_formula),
          cmocka_unit_test(test_label_smoothing_by_hand),
          cmocka_unit_test(test_xent_wide_rows_against_libm),
          cmocka_unit_test(test_history_bounds),
          cmocka_unit_test(test_history_file),
          cmocka_unit_test(test_run_learns_and_is_deterministic),
          cmocka_unit_test(test_pumped_is_the_same_run),
          cmocka_unit_test(test_pause_reset_safety),
          cmocka_unit_test(test_nan_stops_naming_the_step))
