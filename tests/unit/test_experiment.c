/* test_experiment.c - the background evaluator of "break it" experiments
 * (engine/experiment.c) on the shipped model and a few held-out sentences:
 * the intact model's exact match is eval_model's, its loss is the mean
 * -log p(reference) worked out here from a teacher-forced run (to 1e-5: the
 * evaluator's batched forward rounds in another order); a broken model
 * scores worse; results are cached per options; pumped (no thread, the web
 * page's way) it scores the same; bad requests are refused;
 * freeing while the worker runs stops it (ASan: no leak, no race on free).
 * It must not test the ablations themselves (test_ablate.c). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "corpus.h"
#include "eval.h"
#include "experiment.h"
#include "model.h"
#include "test_util.h"
#include "tok.h"
#include "trace.h"
#include "weights.h"

static weights_model g_model;
static corpus_set g_set;

static int setup(void **state)
{
    (void)state;
    char err[512];
    if (test_load_model(&g_model, "model.safetensors") != 0) return -1;
    return corpus_generate(&g_set, CORPUS_TEST, 12, 1, err, sizeof err);
}

static int teardown(void **state)
{
    (void)state;
    corpus_set_free(&g_set);
    weights_model_free(&g_model);
    return 0;
}

/* Polls until opts is done or failed (at most 120 s: the sanitizers are slow). */
static experiment_score wait_done(experiment_eval *e, const trace_opts *o)
{
    for (int i = 0; i < 12000; i++) {
        experiment_score s = experiment_eval_get(e, o);
        if (s.state == EXPERIMENT_DONE || s.state == EXPERIMENT_FAILED) return s;
        const struct timespec ts = { 0, 10 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    fail_msg("the experiment did not finish in 120 s");
    experiment_score none;
    memset(&none, 0, sizeof none);
    return none;
}

/* How many sentences of g_set greedy decoding under o translates exactly (through ids, no text). */
static int greedy_exact(const trace_opts *o)
{
    char err[256];
    trace t;
    int n = 0;
    assert_int_equal(trace_init(&t, &g_model.params.cfg), 0);
    for (int i = 0; i < g_set.n; i++) {
        const corpus_pair *p = &g_set.pairs[i];
        int src[64], ref[64];
        for (int k = 0; k < p->n_src; k++) src[k] = tok_vocab_find(&g_model.vocab, corpus_word(p->src_ids[k]));
        src[p->n_src] = TOK_EOS;
        for (int k = 0; k < p->n_tgt; k++) ref[k] = tok_vocab_find(&g_model.vocab, corpus_word(p->tgt_ids[k]));
        if (model_translate_ids(&g_model.params, src, p->n_src + 1, o, &t, err, sizeof err) != 0) fail_msg("%s", err);
        n += t.finished && eval_exact(t.out_ids, t.n_out, ref, p->n_tgt);
    }
    trace_free(&t);
    return n;
}

static void test_intact_matches_eval(void **state)
{
    (void)state;
    char err[256];
    experiment_eval *e = experiment_eval_new(&g_model.params, &g_model.vocab, &g_set, err, sizeof err);
    if (!e) fail_msg("%s", err);
    assert_int_equal(experiment_eval_get(e, NULL).state, EXPERIMENT_UNKNOWN);
    assert_int_equal(experiment_eval_want(e, NULL, 0), 0);
    const trace_opts broken = { .zero = { TRACE_SUB_DEC_CROSS, 1, -1 } };
    assert_int_equal(experiment_eval_want(e, &broken, 0), 0);
    experiment_score s = wait_done(e, NULL);
    assert_int_equal(s.state, EXPERIMENT_DONE);
    assert_int_equal(s.n, 12);
    assert_int_equal(s.n_done, 12);
    eval_report r;
    assert_int_equal(eval_model(&g_model.params, &g_model.vocab, &g_set, &r, NULL, NULL, err, sizeof err), 0);
    assert_int_equal(s.n_exact, r.n_exact);
    assert_true(s.loss > 0.0 && s.loss < 0.5);
    /* a zeroed cross-attention layer: the decoder cannot read the source well; worse on both counts */
    experiment_score b = wait_done(e, &broken);
    assert_int_equal(b.state, EXPERIMENT_DONE);
    assert_true(b.loss > s.loss + 0.5);
    assert_true(b.n_exact < s.n_exact);
    /* its exact count, read from one teacher-forced run per sentence, is greedy decoding's */
    assert_int_equal(b.n_exact, greedy_exact(&broken));
    /* cached: asking again queues nothing; max_steps is not part of the key */
    trace_opts again = broken;
    again.max_steps = 3;
    assert_int_equal(experiment_eval_want(e, &again, 1), 0);
    assert_int_equal(experiment_eval_pending(e), 0);
    assert_true(experiment_eval_get(e, &again).loss == b.loss);
    experiment_eval_free(e);
}

/* Pumped (no thread, the web page's way): nothing is scored between pumps, a pump of budget 0 scores one
 * small batch (1 of the 12 sentences), and the scores are the threaded evaluator's (which runs all 12 in one
 * batch: the exact matches equal, the loss up to its summation order). */
static void test_pumped_is_the_same(void **state)
{
    (void)state;
    char err[256];
    const trace_opts broken = { .zero = { TRACE_SUB_DEC_CROSS, 1, -1 } };
    experiment_eval *t = experiment_eval_new(&g_model.params, &g_model.vocab, &g_set, err, sizeof err);
    experiment_eval *p = experiment_eval_new_pumped(&g_model.params, &g_model.vocab, &g_set, err, sizeof err);
    if (!t || !p) fail_msg("%s", err);
    assert_int_equal(experiment_eval_want(t, &broken, 0), 0);
    assert_int_equal(experiment_eval_want(p, &broken, 0), 0);
    const experiment_score st = wait_done(t, &broken);
    assert_int_equal(st.state, EXPERIMENT_DONE);
    assert_int_equal(experiment_eval_pump(t, 0.0), 0); /* threaded: pumping does nothing */
    const struct timespec ts = { 0, 50 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    assert_int_equal(experiment_eval_get(p, &broken).n_done, 0); /* no thread: nothing without a pump */
    assert_int_equal(experiment_eval_pump(p, 0.0), 1);
    assert_int_equal(experiment_eval_get(p, &broken).n_done, 1);
    assert_int_equal(experiment_eval_get(p, &broken).state, EXPERIMENT_RUNNING);
    while (experiment_eval_pump(p, 0.001) > 0) {}
    const experiment_score sp = experiment_eval_get(p, &broken);
    assert_int_equal(sp.state, EXPERIMENT_DONE);
    assert_int_equal(sp.n_done, 12);
    assert_int_equal(sp.n_done, st.n_done);
    assert_int_equal(sp.n_exact, st.n_exact);
    assert_true(fabs(sp.loss - st.loss) <= 1e-9 * fabs(st.loss));
    assert_int_equal(experiment_eval_pending(p), 0);
    assert_int_equal(experiment_eval_pump(p, 0.0), 0); /* nothing queued */
    experiment_eval_free(t);
    experiment_eval_free(p);
}

/* The loss of one sentence by hand: mean over its rows of -log softmax(logits)[next reference token]. */
static void test_loss_by_hand(void **state)
{
    (void)state;
    char err[256];
    corpus_set one = { g_set.pairs + 3, 1 };
    const trace_opts o = { .no_pe = TRACE_PE_ENC | TRACE_PE_DEC };
    experiment_eval *e = experiment_eval_new(&g_model.params, &g_model.vocab, &one, err, sizeof err);
    if (!e) fail_msg("%s", err);
    assert_int_equal(experiment_eval_want(e, &o, 1), 0);
    experiment_score s = wait_done(e, &o);
    experiment_eval_free(e);

    const corpus_pair *p = &one.pairs[0];
    int src[64], tgt[64];
    for (int k = 0; k < p->n_src; k++) src[k] = tok_vocab_find(&g_model.vocab, corpus_word(p->src_ids[k]));
    src[p->n_src] = TOK_EOS;
    tgt[0] = TOK_BOS;
    for (int k = 0; k < p->n_tgt; k++) tgt[k + 1] = tok_vocab_find(&g_model.vocab, corpus_word(p->tgt_ids[k]));
    trace t;
    assert_int_equal(trace_init(&t, &g_model.params.cfg), 0);
    assert_int_equal(model_run_ids(&g_model.params, src, p->n_src + 1, tgt, p->n_tgt + 1, &o, &t, err, sizeof err), 0);
    const int V = g_model.params.cfg.vocab_size;
    double sum = 0.0;
    for (int r = 0; r <= p->n_tgt; r++) {
        const float *row = t.logits + (size_t)r * V;
        double mx = row[0], z = 0.0;
        for (int v = 1; v < V; v++) mx = fmax(mx, row[v]);
        for (int v = 0; v < V; v++) z += exp(row[v] - mx);
        const int want = r < p->n_tgt ? tgt[r + 1] : TOK_EOS;
        sum += -(row[want] - mx - log(z));
    }
    /* the evaluator runs the sentences through training's batched forward (matrix products over transposed
     * weights): the same arithmetic in another order, so the float logits agree to rounding, not bit for bit */
    assert_float_equal(s.loss, sum / (p->n_tgt + 1), 1e-5);
    /* the greedy translation without positions, exact or not, as the score says */
    assert_int_equal(model_translate_ids(&g_model.params, src, p->n_src + 1, &o, &t, err, sizeof err), 0);
    assert_int_equal(s.n_exact, t.finished && eval_exact(t.out_ids, t.n_out, tgt + 1, p->n_tgt));
    trace_free(&t);
}

static void test_bad_requests_and_free_while_running(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(experiment_eval_new(NULL, &g_model.vocab, &g_set, err, sizeof err));
    assert_non_null(strstr(err, "no model"));
    corpus_set empty = { NULL, 0 };
    assert_null(experiment_eval_new(&g_model.params, &g_model.vocab, &empty, err, sizeof err));
    experiment_eval *e = experiment_eval_new(&g_model.params, &g_model.vocab, &g_set, err, sizeof err);
    if (!e) fail_msg("%s", err);
    const trace_opts bad = { .zero = { TRACE_SUB_ENC_SELF, 0, 9 } };
    assert_int_equal(experiment_eval_want(e, &bad, 0), -1);
    assert_int_equal(experiment_eval_get(e, &bad).state, EXPERIMENT_UNKNOWN);
    for (int h = 0; h < 4; h++) {
        const trace_opts o = { .zero = { TRACE_SUB_DEC_SELF, 0, h } };
        assert_int_equal(experiment_eval_want(e, &o, 0), 0);
    }
    assert_true(experiment_eval_pending(e) >= 3);
    experiment_eval_free(e); /* stops after the sentence it is on */
    experiment_eval_free(NULL);
}

TEST_MAIN(setup, teardown,
          cmocka_unit_test(test_intact_matches_eval),
          cmocka_unit_test(test_loss_by_hand),
          cmocka_unit_test(test_pumped_is_the_same),
          cmocka_unit_test(test_bad_requests_and_free_while_running))
