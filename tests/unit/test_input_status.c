/* test_input_status.c - engine/input_status.c, whether a translation can be
 * trusted (issue 14 item 4): traces are filled by hand (the words typed, the
 * output words, finished or not), no model is run, so every verdict, the
 * grammar's reference and the agreement are known in advance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "corpus.h"
#include "input_status.h"
#include "tok.h"
#include "trace.h"
#include "test_util.h"

static tok_vocab vocab;
static trace tr; /* large: static, only the fields input_status reads are set */

/* tr as a greedy run of `english` that produced the words of `german` (spaces
 * between words, "," and "." as their own words) and stopped after n_tgt rows. */
static void fake_run(const char *english, const char *german, int finished, int max_words)
{
    memset(&tr, 0, sizeof tr);
    int total = 0;
    tr.n_words = tok_tokenize(&vocab, english, tr.src_tokens, max_words, &total);
    tr.n_words_total = total;
    tr.truncated = total > tr.n_words;
    for (int i = 0; i < tr.n_words; i++) tr.n_unk += tr.src_tokens[i].is_unk;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", german);
    for (char *w = strtok(buf, " "); w; w = strtok(NULL, " ")) {
        int id = tok_vocab_find(&vocab, w);
        assert_true(id >= 0);
        tr.out_ids[tr.n_out++] = id;
    }
    tr.finished = finished;
    tr.n_tgt = finished ? tr.n_out + 1 : 32;
}

/* The status input_status_judge gives the fake run (fake_run's arguments). */
static input_status judged(const char *english, const char *german, int finished, int max_words)
{
    input_status st;
    fake_run(english, german, finished, max_words);
    input_status_judge(&tr, &vocab, &st);
    return st;
}

/* The status is of kind k, whose slug is slug. */
static void kind_is(const input_status *st, input_status_kind k, const char *slug)
{
    assert_int_equal(st->kind, k);
    assert_string_equal(input_status_slug(st->kind), slug);
}

static int setup(void **state)
{
    (void)state;
    const char *const *w;
    int n;
    corpus_vocab(&w, &n);
    char err[200];
    return tok_vocab_init(&vocab, w, n, err, sizeof err);
}

static int teardown(void **state)
{
    (void)state;
    tok_vocab_free(&vocab);
    return 0;
}

static void test_in_grammar_agrees(void **state)
{
    (void)state;
    input_status st = judged("the dog sees the cat", "der hund sieht die katze", 1, 31);
    assert_int_equal(st.kind, INPUT_IN_GRAMMAR);
    assert_true(st.has_reference);
    assert_string_equal(st.reference, "der hund sieht die katze");
    assert_true(st.agrees);
    assert_non_null(strstr(st.reason, "the model agrees"));
    assert_string_equal(input_status_slug(st.kind), "in_grammar");
}

static void test_in_grammar_differs(void **state)
{
    (void)state;
    input_status st = judged("the dog sees the cat", "der hund sieht den hund", 1, 31);
    assert_int_equal(st.kind, INPUT_IN_GRAMMAR);
    assert_true(st.has_reference);
    assert_false(st.agrees);
    assert_non_null(strstr(st.reason, "differs"));
    /* one word short of the reference is not agreement either */
    st = judged("the dog sees the cat", "der hund sieht die", 1, 31);
    assert_false(st.agrees);
}

static void test_reference_punctuation(void **state)
{
    (void)state;
    /* the reference is written as the model's output is: no space before "," */
    input_status st = judged("I know that the big dog sees the small cat", "ich weiß , dass der große hund die kleine katze sieht", 1, 31);
    assert_int_equal(st.kind, INPUT_IN_GRAMMAR);
    assert_string_equal(st.reference, "ich weiß, dass der große hund die kleine katze sieht");
    assert_true(st.agrees);
}

static void test_unknown_words(void **state)
{
    (void)state;
    input_status st = judged("hello", "manchmal denken wir", 1, 31);
    kind_is(&st, INPUT_UNKNOWN_WORDS, "unknown_words");
    assert_false(st.has_reference);
    assert_non_null(strstr(st.reason, "a word the model never learned: \"hello\"; it is read as <unk>"));
    /* several, and no <eos> as well: the first problem names the kind, the reason says both */
    st = judged("the weather is nice today", "die männer spielen", 0, 31);
    assert_int_equal(st.kind, INPUT_UNKNOWN_WORDS);
    assert_non_null(strstr(st.reason, "\"weather\", \"is\", \"nice\"; they are read"));
    assert_non_null(strstr(st.reason, "limit of 32 tokens without <eos>"));
}

static void test_outside_grammar(void **state)
{
    (void)state;
    input_status st = judged("the dog sees", "der hund sieht den hund", 1, 31);
    kind_is(&st, INPUT_OUTSIDE_GRAMMAR, "outside_grammar");
    assert_false(st.has_reference);
    assert_string_equal(st.reference, "");
    assert_non_null(strstr(st.reason, "the corpus grammar cannot parse this sentence (expected"));
    /* cut to fit the model: never in the grammar, said why */
    st = judged("the dog sees the cat", "der hund sieht", 1, 3);
    assert_int_equal(st.kind, INPUT_OUTSIDE_GRAMMAR);
    assert_non_null(strstr(st.reason, "has 5 words and the model reads at most 3"));
}

static void test_no_eos(void **state)
{
    (void)state;
    input_status st = judged("today today today", "heute heute heute", 0, 31);
    kind_is(&st, INPUT_NO_EOS, "no_eos");
    assert_non_null(strstr(st.reason, "reached the limit of 32 tokens without <eos>"));
    assert_non_null(strstr(st.reason, "cannot parse it either"));
    /* in the grammar but cut short (e.g. tlab-run --max-steps): still no_eos, with its reference */
    st = judged("the dog sees the cat", "der hund", 0, 31);
    assert_int_equal(st.kind, INPUT_NO_EOS);
    assert_true(st.has_reference);
    assert_false(st.agrees);
    assert_null(strstr(st.reason, "cannot parse"));
}

static void test_nothing_to_judge(void **state)
{
    (void)state;
    input_status st;
    input_status_judge(NULL, &vocab, &st);
    assert_int_equal(st.kind, INPUT_OUTSIDE_GRAMMAR);
    assert_true(st.reason[0] != 0);
}

TEST_MAIN(setup, teardown,
          cmocka_unit_test(test_in_grammar_agrees), cmocka_unit_test(test_in_grammar_differs),
          cmocka_unit_test(test_reference_punctuation), cmocka_unit_test(test_unknown_words),
          cmocka_unit_test(test_outside_grammar), cmocka_unit_test(test_no_eos),
          cmocka_unit_test(test_nothing_to_judge))
