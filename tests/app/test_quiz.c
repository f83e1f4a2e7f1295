/* test_quiz.c - the quiz's questions (lessons/common/quiz.c) on the shipped
 * model: every answer is what the model computed (the greedy token checked by
 * a second, teacher-forced run; the cross-attention argmax of the best head; the
 * one row that sums to 1; the shape from S, T and d_k), every wrong choice
 * differs from the answer and from the others, the same seed gives the same
 * question, the answer's place varies, and impossible requests come back as -1.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "attn_view.h"
#include "model_fixture.h"
#include "quiz.h"
#include "test_util.h"

static const char *const sentences[] = {
    "the dog sees the cat",
    "the cat sees the dog",
    "i know that the big dog sees the small cat",
    "a young woman does not help the old man",
};
#define N_SENT (int)(sizeof sentences / sizeof sentences[0])

/* The model, as the group's state: loaded once for every test. */
static weights_model g_model;

static int load_model(void **st)
{
    *st = &g_model;
    return model_fixture_load(&g_model);
}

static int free_model(void **st)
{
    weights_model_free(*st);
    return 0;
}

static void translate(trace *tr, const char *s)
{
    char err[256] = "";
    assert_int_equal(trace_init(tr, &g_model.params.cfg), 0);
    if (model_translate(&g_model.params, &g_model.vocab, s, NULL, tr, err, sizeof err) != 0) fail_msg("%s: %s", s, err);
}

/* Every choice shown differs from every other. */
static void choices_differ(const quiz_question *q)
{
    assert_in_range(q->n_choices, 2, QUIZ_CHOICES);
    assert_in_range(q->answer, 0, q->n_choices - 1);
    for (int i = 0; i < q->n_choices; i++)
        for (int j = i + 1; j < q->n_choices; j++)
            if (strcmp(q->choice[i].text, q->choice[j].text) == 0) fail_msg("choices %d and %d are both '%s'", i, j, q->choice[i].text);
}

static void check_next(const trace *tr, const quiz_question *q)
{
    int id = q->choice[q->answer].ref;
    assert_int_equal(id, tr->out_ids[q->row]);
    assert_string_equal(q->choice[q->answer].text, tok_vocab_word(&g_model.vocab, id));
    /* a second run, teacher-forced on the decoder input up to that step, predicts the same token there */
    trace t2;
    char err[256] = "";
    assert_int_equal(trace_init(&t2, &g_model.params.cfg), 0);
    assert_int_equal(model_run_ids(&g_model.params, tr->src_ids, tr->n_src, tr->tgt_ids, q->row + 1, NULL, &t2, err, sizeof err), 0);
    const int V = t2.cfg.vocab_size;
    const float *lg = t2.logits + (size_t)q->row * V;
    int best = 0;
    for (int v = 1; v < V; v++)
        if (lg[v] > lg[best]) best = v;
    assert_int_equal(best, id);
    for (int i = 0; i < q->n_choices; i++) /* the wrong ones are less likely */
        if (i != q->answer) assert_true(q->choice[i].value <= q->choice[q->answer].value);
    trace_free(&t2);
}

static void check_attend(const trace *tr, const quiz_question *q)
{
    int layer = -1, head = -1;
    float score;
    assert_true(attn_view_best_head(tr, ATTN_CROSS, &layer, &head, &score) > 0);
    assert_int_equal(q->attn_kind, ATTN_CROSS);
    assert_int_equal(q->layer, layer);
    assert_int_equal(q->head, head);
    assert_int_equal(q->word_id, tr->out_ids[q->row]);
    int best = 0;
    for (int j = 1; j < tr->n_src; j++)
        if (trace_attn_at(tr, tr->dec[layer].cross.weights, head, q->row, j) >
            trace_attn_at(tr, tr->dec[layer].cross.weights, head, q->row, best)) best = j;
    assert_int_equal(q->choice[q->answer].ref, best);
    for (int i = 0; i < q->n_choices; i++) {
        float w = trace_attn_at(tr, tr->dec[layer].cross.weights, head, q->row, q->choice[i].ref);
        assert_float_equal(q->choice[i].value, w, 0.0f);
        if (i != q->answer) assert_int_not_equal(tr->src_ids[q->choice[i].ref], tr->src_ids[best]);
    }
}

static void check_rowsum(const trace *tr, const quiz_question *q)
{
    const trace_attn *a = q->attn_kind == ATTN_CROSS ? &tr->dec[q->layer].cross : &tr->enc[q->layer].self;
    assert_int_equal(q->choice[q->answer].ref, QUIZ_ROW_WEIGHTS);
    double sum = 0;
    for (int j = 0; j < tr->n_src; j++) sum += trace_attn_at(tr, a->weights, q->head, q->row, j);
    assert_float_equal(sum, 1.0, 1e-4);
    assert_float_equal(q->choice[q->answer].value, sum, 1e-5);
    char first[16];
    snprintf(first, sizeof first, "%.2f", (double)trace_attn_at(tr, a->weights, q->head, q->row, 0));
    assert_memory_equal(q->choice[q->answer].text, first, strlen(first));
    for (int i = 0; i < q->n_choices; i++)
        if (i != q->answer) {
            assert_int_not_equal(q->choice[i].ref, QUIZ_ROW_WEIGHTS);
            assert_true(fabsf(q->choice[i].value - 1.0f) > 0.05f);
        }
}

static void check_shape(const trace *tr, const quiz_question *q)
{
    int nq = q->attn_kind == ATTN_ENC_SELF ? tr->n_src : tr->n_tgt;
    int nk = q->attn_kind == ATTN_DEC_SELF ? tr->n_tgt : tr->n_src;
    char want[32];
    snprintf(want, sizeof want, "%d \xC3\x97 %d", nq, nk);
    assert_string_equal(q->choice[q->answer].text, want);
    assert_int_equal(q->dk, tr->cfg.d_model / tr->cfg.n_heads);
    assert_int_equal(q->S, tr->n_src);
    assert_int_equal(q->T, tr->n_tgt);
}

static void test_answers_are_the_models(void **st)
{
    (void)st;
    for (int s = 0; s < N_SENT; s++) {
        trace tr;
        translate(&tr, sentences[s]);
        int layer, head;
        float score;
        assert_true(attn_view_best_head(&tr, ATTN_CROSS, &layer, &head, &score) > 0);
        for (int kind = 0; kind < QUIZ_N_KINDS; kind++)
            for (uint64_t seed = 0; seed < 12; seed++) {
                quiz_question q;
                if (quiz_make(&tr, &g_model.vocab, kind, seed, layer, head, &q) != 0)
                    fail_msg("'%s' kind %d seed %d: no question", sentences[s], kind, (int)seed);
                assert_int_equal(q.kind, kind);
                choices_differ(&q);
                assert_true(quiz_is_right(&q, q.answer));
                for (int i = 0; i < q.n_choices; i++)
                    if (i != q.answer) assert_false(quiz_is_right(&q, i));
                if (kind == QUIZ_NEXT) check_next(&tr, &q);
                else if (kind == QUIZ_ATTEND) check_attend(&tr, &q);
                else if (kind == QUIZ_ROWSUM) check_rowsum(&tr, &q);
                else check_shape(&tr, &q);
            }
        trace_free(&tr);
    }
}

static void test_seed(void **st)
{
    (void)st;
    trace tr;
    translate(&tr, sentences[2]);
    int seen[QUIZ_CHOICES] = {0}, rows_differ = 0;
    for (uint64_t seed = 0; seed < 40; seed++) {
        quiz_question a, b;
        assert_int_equal(quiz_make(&tr, &g_model.vocab, QUIZ_NEXT, seed, 0, 0, &a), 0);
        assert_int_equal(quiz_make(&tr, &g_model.vocab, QUIZ_NEXT, seed, 0, 0, &b), 0);
        assert_memory_equal(&a, &b, sizeof a); /* the same seed, the same question */
        seen[a.answer]++;
        quiz_question c;
        assert_int_equal(quiz_make(&tr, &g_model.vocab, QUIZ_NEXT, seed + 1000, 0, 0, &c), 0);
        rows_differ += c.row != a.row;
    }
    for (int i = 0; i < QUIZ_CHOICES; i++) assert_true(seen[i] > 0); /* the answer is not always in one place */
    assert_true(rows_differ > 0);
    trace_free(&tr);
}

static void test_refused(void **st)
{
    (void)st;
    trace tr;
    translate(&tr, sentences[0]);
    quiz_question q;
    assert_int_equal(quiz_make(NULL, &g_model.vocab, QUIZ_NEXT, 1, 0, 0, &q), -1);
    assert_int_equal(quiz_make(&tr, &g_model.vocab, QUIZ_N_KINDS, 1, 0, 0, &q), -1);
    assert_int_equal(quiz_make(&tr, &g_model.vocab, -1, 1, 0, 0, &q), -1);
    assert_int_equal(quiz_make(&tr, &g_model.vocab, QUIZ_ATTEND, 1, tr.cfg.n_dec_layers, 0, &q), -1);
    assert_int_equal(q.n_choices, 0);
    assert_int_equal(quiz_make(&tr, &g_model.vocab, QUIZ_ATTEND, 1, 0, tr.cfg.n_heads, &q), -1);
    assert_false(quiz_is_right(&q, 0));
    assert_false(quiz_is_right(NULL, 0));
    /* a one-word source: the attended word has no other distinct word to be confused with but <eos> */
    trace one;
    translate(&one, "dog");
    assert_int_equal(one.n_src, 2);
    int rc = quiz_make(&one, &g_model.vocab, QUIZ_ATTEND, 3, 0, 0, &q);
    if (rc == 0) assert_int_equal(q.n_choices, 2);
    trace_free(&one);
    trace_free(&tr);
}

TEST_MAIN(load_model, free_model, cmocka_unit_test(test_answers_are_the_models), cmocka_unit_test(test_seed),
          cmocka_unit_test(test_refused))
