/* test_trace_check.c - the numeric guard (engine/nn/trace_check.c): a finite run
 * reports nothing (the -INFINITY of the masks is by design); one huge embedding
 * row overflows the encoder's first attention scores exactly where hand
 * reasoning says (row and column of that word); values planted in a finished
 * trace are found in the order of computation (encoder before decoder, decoder
 * row by row); the shipped model with every weight x1e15 is caught. It must not
 * test the forward pass's numbers (see test_model.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "test_util.h"
#include "tok.h"
#include "trace.h"
#include "weights.h"

static const char *const words[] = { "<pad>", "<bos>", "<eos>", "<unk>", "the", "dog", "sees", "der", "hund", "sieht" };
#define N_WORDS ((int)(sizeof words / sizeof *words))

typedef struct {
    model_params p;
    tok_vocab v;
    trace t;
} fixture;

static void make(fixture *f)
{
    model_config c = test_config(N_WORDS, 8, 2, 2, 12, 8);
    char err[256];
    assert_int_equal(model_params_init(&f->p, &c), 0);
    model_params_init_random(&f->p, 3);
    assert_int_equal(tok_vocab_init(&f->v, words, N_WORDS, err, sizeof err), 0);
    assert_int_equal(trace_init(&f->t, &c), 0);
}

static void unmake(fixture *f)
{
    trace_free(&f->t);
    tok_vocab_free(&f->v);
    model_params_free(&f->p);
}

static void run(fixture *f, const char *sentence)
{
    char err[256];
    trace_opts o = { .no_causal_mask = 0 };
    if (model_translate(&f->p, &f->v, sentence, &o, &f->t, err, sizeof err) != 0) fail_msg("%s", err);
}

static void test_finite_run_reports_nothing(void **state)
{
    (void)state;
    fixture f;
    make(&f);
    run(&f, "the dog sees");
    assert_int_equal(f.t.nonfinite.found, 0);
    assert_int_equal(trace_check_finite(&f.t), 0);
    char text[256] = "x";
    assert_int_equal(trace_nonfinite_text(&f.t, text, sizeof text), 0);
    assert_string_equal(text, "");
    /* the masks' -INFINITY are there, by design, and not reported */
    assert_true(isinf(trace_attn_at(&f.t, f.t.dec[0].self.masked, 0, 0, 1)));
    unmake(&f);
}

/* "sees" (position 2) embedded at 1e30: x = 1e30 * sqrt(8) + PE, its q and k are
 * ~1e30 (finite in float), q . k ~ 1e60 overflows. Everything before in order is
 * finite: embed, x, input, q, k, v, and scores rows 0 and 1 (O(1) . O(1), O(1) . 1e30);
 * in row 2, columns 0 and 1 are 1e30 . O(1). So the first is scores[head 0, 2, 2]. */
static void test_overflow_found_where_it_happens(void **state)
{
    (void)state;
    fixture f;
    make(&f);
    const int D = f.p.cfg.d_model;
    for (int d = 0; d < D; d++) f.p.embedding[6 * D + d] = 1e30f;
    run(&f, "the dog sees");
    const trace_nonfinite *nf = &f.t.nonfinite;
    assert_int_equal(nf->found, 1);
    assert_string_equal(nf->tensor, "encoder.layers.0.self.scores");
    assert_int_equal(nf->layer, 0);
    assert_int_equal(nf->head, 0);
    assert_int_equal(nf->row, 2);
    assert_int_equal(nf->col, 2);
    assert_false(isfinite(nf->value));
    char text[256];
    assert_true(trace_nonfinite_text(&f.t, text, sizeof text) > 0);
    assert_non_null(strstr(text, "encoder.layers.0.self.scores is "));
    assert_non_null(strstr(text, "(row 2, head 0, column 2)"));
    /* teacher-forced runs are guarded too */
    int src[2] = { 6, TOK_EOS }, tgt[2] = { TOK_BOS, 7 };
    char err[256];
    memset(&f.t.nonfinite, 0, sizeof f.t.nonfinite);
    assert_int_equal(model_run_ids(&f.p, src, 2, tgt, 2, NULL, &f.t, err, sizeof err), 0);
    assert_int_equal(f.t.nonfinite.found, 1);
    assert_int_equal(f.t.nonfinite.row, 0);
    unmake(&f);
}

/* Planted in a finished finite trace: found in the order of computation. */
static void test_order_of_computation(void **state)
{
    (void)state;
    fixture f;
    make(&f);
    run(&f, "the dog sees");
    assert_true(f.t.n_tgt >= 2);
    const int V = f.p.cfg.vocab_size, F = f.p.cfg.d_ff, D = f.p.cfg.d_model;
    f.t.dec[0].ffn.hidden[1 * F + 3] = INFINITY; /* decoder row 1 */
    f.t.logits[0 * V + 5] = NAN;                 /* decoder row 0, computed before row 1 */
    assert_int_equal(trace_check_finite(&f.t), 1);
    assert_string_equal(f.t.nonfinite.tensor, "logits");
    assert_int_equal(f.t.nonfinite.row, 0);
    assert_int_equal(f.t.nonfinite.col, 5);
    assert_int_equal(f.t.nonfinite.layer, -1);
    assert_true(isnan(f.t.nonfinite.value));
    f.t.dec[1].cross.weights[(1 * f.p.cfg.max_len + 0) * f.p.cfg.max_len + 1] = -INFINITY; /* head 1, row 0, key 1 */
    assert_int_equal(trace_check_finite(&f.t), 1);
    assert_string_equal(f.t.nonfinite.tensor, "decoder.layers.1.cross.weights");
    assert_int_equal(f.t.nonfinite.head, 1);
    assert_int_equal(f.t.nonfinite.col, 1);
    f.t.enc[1].norm2.out[2 * D + 7] = INFINITY; /* the encoder comes first */
    assert_int_equal(trace_check_finite(&f.t), 1);
    assert_string_equal(f.t.nonfinite.tensor, "encoder.layers.1.norm2.out");
    assert_int_equal(f.t.nonfinite.row, 2);
    assert_int_equal(f.t.nonfinite.col, 7);
    assert_true(f.t.nonfinite.value > 0);
    unmake(&f);
}

/* The report's example: the shipped model, every weight x1e15. */
static void test_shipped_model_scaled(void **state)
{
    (void)state;
    const char *assets = getenv("TLAB_ASSETS");
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/model.safetensors", assets && assets[0] ? assets : "assets");
    static weights_model m;
    if (weights_load(&m, path, err, sizeof err) != 0) {
        print_message("no shipped model (%s): skipped\n", err);
        skip();
    }
    static trace t;
    assert_int_equal(trace_init(&t, &m.params.cfg), 0);
    trace_opts o = { .no_causal_mask = 0 };
    assert_int_equal(model_translate(&m.params, &m.vocab, "the dog sees the cat", &o, &t, err, sizeof err), 0);
    assert_int_equal(t.nonfinite.found, 0);
    for (size_t i = 0; i < m.params.n_floats; i++) m.params.memory[i] *= 1e15f;
    assert_int_equal(model_translate(&m.params, &m.vocab, "the dog sees the cat", &o, &t, err, sizeof err), 0);
    assert_int_equal(t.nonfinite.found, 1);
    assert_non_null(strstr(t.nonfinite.tensor, "encoder.layers.0.self."));
    trace_free(&t);
    weights_model_free(&m);
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_finite_run_reports_nothing),
          cmocka_unit_test(test_overflow_found_where_it_happens),
          cmocka_unit_test(test_order_of_computation),
          cmocka_unit_test(test_shipped_model_scaled))
