/* test_corpus.c - the synthetic corpus of engine/data/corpus.h: determinism,
 * disjoint splits, held-out combinations, vocabulary coverage, lengths,
 * hand-checked translations (gender and case, adjective inflection, verb-final
 * clauses, the perfect, negation, dative), hand-checked alignment, and that
 * every generated pair is exactly what the reference translator gives.
 * It must not test the model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "corpus.h"
#include "tok.h"
#include "test_util.h"

static void test_vocab(void **state)
{
    const char *const *w;
    int v, i, j;
    (void)state;
    i = corpus_vocab(&w, &v);
    assert_int_equal(i, v);
    assert_true(v >= 150 && v <= 300);
    assert_string_equal(w[TOK_PAD], "<pad>");
    assert_string_equal(w[TOK_BOS], "<bos>");
    assert_string_equal(w[TOK_EOS], "<eos>");
    assert_string_equal(w[TOK_UNK], "<unk>");
    for (i = 0; i < v; i++) {
        char norm[64];
        assert_int_equal(corpus_word_id(w[i]), i);
        tok_normalize(w[i], norm, sizeof norm);   /* the tokenizer must not change any word */
        if (i >= 4) assert_string_equal(norm, w[i]);
        for (j = 0; j < i; j++) assert_string_not_equal(w[i], w[j]);
    }
    assert_int_equal(corpus_word_id("nonsense"), -1);
    assert_string_equal(corpus_word(-1), "<?>");
    /* tok_vocab accepts it as it is. */
    {
        tok_vocab tv;
        char err[128];
        assert_int_equal(tok_vocab_init(&tv, w, v, err, sizeof err), 0);
        assert_int_equal(tok_vocab_find(&tv, "hund"), corpus_word_id("hund"));
        tok_vocab_free(&tv);
    }
}

static void test_determinism(void **state)
{
    corpus_set a, b, c;
    char err[128];
    (void)state;
    assert_int_equal(corpus_generate(&a, CORPUS_TRAIN, 2000, 7, err, sizeof err), 0);
    assert_int_equal(corpus_generate(&b, CORPUS_TRAIN, 2000, 7, err, sizeof err), 0);
    assert_int_equal(corpus_generate(&c, CORPUS_TRAIN, 2000, 8, err, sizeof err), 0);
    assert_int_equal(a.n, 2000);
    assert_memory_equal(a.pairs, b.pairs, sizeof a.pairs[0] * 2000);
    assert_memory_not_equal(a.pairs, c.pairs, sizeof a.pairs[0] * 2000);
    corpus_set_free(&a);
    corpus_set_free(&b);
    corpus_set_free(&c);
    corpus_set_free(NULL);
    assert_int_equal(corpus_generate(&a, CORPUS_TRAIN, -1, 7, err, sizeof err), -1);
    assert_null(a.pairs);
}

static int cmp_str(const void *x, const void *y) { return strcmp(*(char *const *)x, *(char *const *)y); }

static void test_splits_disjoint(void **state)
{
    static const int counts[3] = {20000, 3000, 3000};
    corpus_set s[3];
    char err[128], buf[1024];
    char **all;
    int total = 0, k, i, n = 0;
    (void)state;
    for (k = 0; k < 3; k++) {
        assert_int_equal(corpus_generate(&s[k], (corpus_split)k, counts[k], 3, err, sizeof err), 0);
        total += s[k].n;
    }
    all = malloc((size_t)total * sizeof *all);
    assert_non_null(all);
    for (k = 0; k < 3; k++)
        for (i = 0; i < s[k].n; i++) {
            corpus_pair_text(&s[k].pairs[i], 0, buf, sizeof buf);
            assert_int_equal(corpus_split_of(buf), k);
            all[n] = malloc(strlen(buf) + 1);
            assert_non_null(all[n]);
            strcpy(all[n++], buf);
        }
    /* No English sentence twice, neither within a split nor across splits. */
    qsort(all, (size_t)n, sizeof *all, cmp_str);
    for (i = 1; i < n; i++) assert_string_not_equal(all[i - 1], all[i]);
    for (i = 0; i < n; i++) free(all[i]);
    free(all);
    for (k = 0; k < 3; k++) corpus_set_free(&s[k]);
}

/* Independent of the parser: a held-out adjective anywhere before a held-out
 * noun inside one noun phrase (at most two adjectives in between). */
static int has_adj_noun(const corpus_pair *p, const char *adj, const char *noun)
{
    char pl[32];
    int i, k;
    snprintf(pl, sizeof pl, "%ss", noun);
    for (i = 0; i < p->n_src; i++) {
        const char *w = corpus_word(p->src_ids[i]);
        if (strcmp(w, noun) != 0 && strcmp(w, pl) != 0) continue;
        for (k = 1; k <= 2 && i - k >= 0; k++)
            if (strcmp(corpus_word(p->src_ids[i - k]), adj) == 0) return 1;
    }
    return 0;
}

static void test_heldout(void **state)
{
    corpus_set tr, comp;
    const char *const (*an)[2];
    const char *const (*sv)[2];
    char err[128];
    int n_an = corpus_heldout_adj_noun(&an), n_sv = corpus_heldout_subj_verb(&sv), i, k;
    int seen_an[16] = {0}, seen_sv[16] = {0};
    (void)state;
    assert_true(n_an >= 3 && n_sv >= 3);
    assert_int_equal(corpus_generate(&tr, CORPUS_TRAIN, 20000, 11, err, sizeof err), 0);
    assert_int_equal(corpus_generate(&comp, CORPUS_COMPOSITIONAL, 2000, 11, err, sizeof err), 0);
    for (i = 0; i < tr.n; i++) {
        assert_false(corpus_pair_is_heldout(&tr.pairs[i]));
        for (k = 0; k < n_an; k++) assert_false(has_adj_noun(&tr.pairs[i], an[k][0], an[k][1]));
    }
    for (i = 0; i < comp.n; i++) {
        assert_true(corpus_pair_is_heldout(&comp.pairs[i]));
        for (k = 0; k < n_an; k++) seen_an[k] |= has_adj_noun(&comp.pairs[i], an[k][0], an[k][1]);
    }
    for (k = 0; k < n_an; k++) assert_true(seen_an[k]);   /* every combination is tested */
    /* Subject-verb, checked on hand-written sentences. */
    {
        corpus_pair p;
        assert_int_equal(corpus_translate("the cat hears the dog", &p, err, sizeof err), 0);
        assert_true(corpus_pair_is_heldout(&p));
        assert_int_equal(corpus_translate("the cats have not heard the dog", &p, err, sizeof err), 0);
        assert_true(corpus_pair_is_heldout(&p));
        assert_int_equal(corpus_translate("the dog hears the cat", &p, err, sizeof err), 0);
        assert_false(corpus_pair_is_heldout(&p));   /* the cat is the object: allowed */
        assert_int_equal(corpus_translate("a black cat sleeps", &p, err, sizeof err), 0);
        assert_true(corpus_pair_is_heldout(&p));
        assert_int_equal(corpus_translate("a black dog sleeps", &p, err, sizeof err), 0);
        assert_false(corpus_pair_is_heldout(&p));
        for (k = 0; k < n_sv; k++) {
            char s[128];
            snprintf(s, sizeof s, "i know that the %s does not %s", sv[k][0], sv[k][1]);
            if (corpus_translate(s, &p, err, sizeof err) != 0) {
                snprintf(s, sizeof s, "i know that the %s does not %s the dog", sv[k][0], sv[k][1]);
                assert_int_equal(corpus_translate(s, &p, err, sizeof err), 0);
            }
            seen_sv[k] = corpus_pair_is_heldout(&p);
            assert_true(seen_sv[k]);
        }
    }
    corpus_set_free(&tr);
    corpus_set_free(&comp);
}

static void check_set_shape(const corpus_set *s)
{
    int v, i, t;
    corpus_vocab(NULL, &v);
    for (i = 0; i < s->n; i++) {
        const corpus_pair *p = &s->pairs[i];
        assert_true(p->n_src >= 3 && p->n_src <= 31);
        assert_true(p->n_tgt >= 1 && p->n_tgt <= 31);
        for (t = 0; t < p->n_src; t++) assert_true(p->src_ids[t] >= 4 && p->src_ids[t] < v);
        for (t = 0; t < p->n_tgt; t++) {
            assert_true(p->tgt_ids[t] >= 4 && p->tgt_ids[t] < v);
            assert_true(p->align[t] >= -1 && p->align[t] < p->n_src);
            if (p->content[t]) assert_true(p->align[t] >= 0);
        }
    }
}

static void test_shapes_and_lengths(void **state)
{
    corpus_set s;
    char err[128];
    int k, i, band = 0, long_ones = 0;
    (void)state;
    for (k = 0; k < 4; k++) {
        assert_int_equal(corpus_generate(&s, (corpus_split)k, k == 0 ? 20000 : 2000, 5, err, sizeof err), 0);
        check_set_shape(&s);
        if (k == 0) {
            for (i = 0; i < s.n; i++) {
                band += s.pairs[i].n_src >= 10 && s.pairs[i].n_src <= 25;
                long_ones += s.pairs[i].n_src >= 28;
            }
            assert_true(band > s.n / 2);     /* a good share of 10-25 words */
            assert_true(long_ones >= 20);    /* and some near 30 */
        }
        corpus_set_free(&s);
    }
}

/* Every generated pair is exactly what the reference translator gives for its
 * English side: one grammar, one translation. */
static void test_generated_equals_translate(void **state)
{
    corpus_set s;
    corpus_pair p;
    char err[256], buf[1024];
    int k, i;
    (void)state;
    for (k = 0; k < 4; k++) {
        assert_int_equal(corpus_generate(&s, (corpus_split)k, 3000, 9, err, sizeof err), 0);
        for (i = 0; i < s.n; i++) {
            const corpus_pair *g = &s.pairs[i];
            corpus_pair_text(g, 0, buf, sizeof buf);
            if (corpus_translate(buf, &p, err, sizeof err) != 0) fail_msg("%s: %s", buf, err);
            assert_int_equal(p.n_src, g->n_src);
            assert_int_equal(p.n_tgt, g->n_tgt);
            assert_memory_equal(p.src_ids, g->src_ids, sizeof(int) * (size_t)g->n_src);
            assert_memory_equal(p.tgt_ids, g->tgt_ids, sizeof(int) * (size_t)g->n_tgt);
            assert_memory_equal(p.align, g->align, (size_t)g->n_tgt);
            assert_memory_equal(p.content, g->content, (size_t)g->n_tgt);
        }
        corpus_set_free(&s);
    }
}

static void expect(const char *en, const char *de)
{
    corpus_pair p;
    char err[256], buf[1024];
    if (corpus_translate(en, &p, err, sizeof err) != 0) fail_msg("\"%s\": %s", en, err);
    corpus_pair_text(&p, 1, buf, sizeof buf);
    if (strcmp(buf, de) != 0) fail_msg("\"%s\"\n  got  \"%s\"\n  want \"%s\"", en, buf, de);
}

static void test_translations(void **state)
{
    (void)state;
    /* Gender and case. */
    expect("the dog sees the cat", "der hund sieht die katze");
    expect("the cat sees the dog", "die katze sieht den hund");
    expect("the child sees the horse", "das kind sieht das pferd");
    expect("a dog sees a cat", "ein hund sieht eine katze");
    expect("a cat sees a dog", "eine katze sieht einen hund");
    /* Dative: verb and prepositions, dative plural -n. */
    expect("the woman helps the man", "die frau hilft dem mann");
    expect("the man helps the woman", "der mann hilft der frau");
    expect("the man helps the children", "der mann hilft den kindern");
    expect("the dog plays with a ball", "der hund spielt mit einem ball");
    expect("the girls run in the school", "die mädchen laufen in der schule");
    /* Adjective inflection: weak after der, mixed after ein. */
    expect("a big dog sees the big dog", "ein großer hund sieht den großen hund");
    expect("the big dog sees a big dog", "der große hund sieht einen großen hund");
    expect("a small child sees an old horse", "ein kleines kind sieht ein altes pferd");
    expect("the young women see the black horses", "die jungen frauen sehen die schwarzen pferde");
    expect("the friend comes with the old brown dogs", "der freund kommt mit den alten braunen hunden");
    /* Verb-second after a time word. */
    expect("today the dog sees the cat", "heute sieht der hund die katze");
    expect("now i have seen the cat .", "jetzt habe ich die katze gesehen .");
    /* Verb-final subordinate clauses. */
    expect("i know that the dog sees the cat", "ich weiß , dass der hund die katze sieht");
    expect("we think that the dog has seen the cat", "wir denken , dass der hund die katze gesehen hat");
    expect("the dog sleeps because the cat has not come",
           "der hund schläft , weil die katze nicht gekommen ist");
    /* Perfect with haben and sein, participle at the end. */
    expect("the dog has seen the cat", "der hund hat die katze gesehen");
    expect("the children have run in the park", "die kinder sind in dem park gelaufen");
    /* Negation: nicht after a definite object, kein for an indefinite one. */
    expect("the dog does not see the cat", "der hund sieht die katze nicht");
    expect("the dog does not see a cat", "der hund sieht keine katze");
    expect("the woman does not help a man with the big ball", "die frau hilft keinem mann mit dem großen ball");
    expect("he has not found a big ball", "er hat keinen großen ball gefunden");
    expect("she does not sleep in the house", "sie schläft nicht in dem haus");
}

static void test_translate_rejects(void **state)
{
    corpus_pair p;
    char err[256];
    (void)state;
    assert_int_equal(corpus_translate("a old dog sleeps", &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "an old dog sleeps"));
    assert_int_equal(p.n_tgt, 0);
    assert_int_equal(corpus_translate("the dog sees", &p, err, sizeof err), -1);
    assert_int_equal(corpus_translate("the dog see the cat", &p, err, sizeof err), -1);
    assert_int_equal(corpus_translate("the dog sees him", &p, err, sizeof err), -1);
    assert_int_equal(corpus_translate("", &p, err, sizeof err), -1);
    assert_int_equal(corpus_translate("the cat sleeps the", &p, err, sizeof err), -1);
    assert_int_equal(corpus_translate("the dog plays with a ball in the garden", &p, err, sizeof err), -1);
    /* Upper case and a glued period are fine. */
    assert_int_equal(corpus_translate("The dog sleeps.", &p, err, sizeof err), 0);
    assert_int_equal(p.n_src, 4);
}

static void test_alignment_hand_checked(void **state)
{
    /* the(0) dog(1) has(2) seen(3) the(4) cat(5)
     * der hund hat die katze gesehen */
    static const signed char want_align[] = {0, 1, 2, 4, 5, 3};
    static const unsigned char want_content[] = {0, 1, 0, 0, 1, 1};
    /* today(0) the(1) dog(2) does(3) not(4) see(5) a(6) big(7) cat(8)
     * heute sieht der hund keine große katze */
    static const signed char want_align2[] = {0, 5, 1, 2, 6, 7, 8};
    static const unsigned char want_content2[] = {1, 1, 0, 1, 0, 1, 1};
    corpus_pair p;
    char err[256];
    (void)state;
    assert_int_equal(corpus_translate("the dog has seen the cat", &p, err, sizeof err), 0);
    assert_int_equal(p.n_tgt, 6);
    assert_memory_equal(p.align, want_align, 6);
    assert_memory_equal(p.content, want_content, 6);
    assert_int_equal(corpus_translate("today the dog does not see a big cat", &p, err, sizeof err), 0);
    assert_int_equal(p.n_tgt, 7);
    assert_string_equal(corpus_word(p.tgt_ids[4]), "keine");
    assert_memory_equal(p.align, want_align2, 7);
    assert_memory_equal(p.content, want_content2, 7);
    /* A comma has no source word; "dass" aligns to "that". */
    assert_int_equal(corpus_translate("i know that the dog sleeps", &p, err, sizeof err), 0);
    assert_string_equal(corpus_word(p.tgt_ids[2]), ",");
    assert_int_equal(p.align[2], -1);
    assert_int_equal(p.align[3], 2);
    assert_int_equal(p.align[6], 5);   /* schläft <- sleeps */
}

/* Over a whole set, each German content word always aligns to its English
 * counterpart (a dictionary check independent of sentence structure). */
static void test_alignment_dictionary(void **state)
{
    static const char *const dict[][2] = {
        {"hund", "dog"}, {"hunde", "dogs"}, {"hunden", "dogs"}, {"katze", "cat"}, {"katzen", "cats"},
        {"gesehen", "seen"}, {"gelaufen", "run"}, {"keine", "a"}, {"nicht", "not"}, {"dass", "that"},
        {"weil", "because"}, {"heute", "today"}, {"mit", "with"}, {"großen", "big"}, {"kleines", "small"},
        {"weiß", "know"}, {"ist", "has"}, {"sind", "have"},
    };
    corpus_set s;
    char err[128];
    int i, t, k, checked = 0;
    (void)state;
    assert_int_equal(corpus_generate(&s, CORPUS_TRAIN, 5000, 21, err, sizeof err), 0);
    for (i = 0; i < s.n; i++) {
        const corpus_pair *p = &s.pairs[i];
        for (t = 0; t < p->n_tgt; t++)
            for (k = 0; k < (int)(sizeof dict / sizeof dict[0]); k++) {
                const char *src;
                if (strcmp(corpus_word(p->tgt_ids[t]), dict[k][0]) != 0) continue;
                assert_true(p->align[t] >= 0);
                src = corpus_word(p->src_ids[p->align[t]]);
                if (strcmp(dict[k][0], "weiß") == 0) assert_true(!strcmp(src, "know") || !strcmp(src, "knows"));
                else if (strcmp(dict[k][0], "keine") == 0) assert_true(!strcmp(src, "a") || !strcmp(src, "an"));
                else if (strcmp(dict[k][0], "sind") == 0) assert_string_equal(src, "have");
                else assert_string_equal(src, dict[k][1]);
                checked++;
            }
    }
    assert_true(checked > 5000);
    corpus_set_free(&s);
}

static void test_examples(void **state)
{
    const char *const *ex;
    int n = corpus_examples(&ex), i, longest = 0;
    corpus_pair p;
    char err[256];
    (void)state;
    assert_true(n >= 4 && n <= 8);
    for (i = 0; i < n; i++) {
        if (corpus_translate(ex[i], &p, err, sizeof err) != 0) fail_msg("\"%s\": %s", ex[i], err);
        assert_false(corpus_pair_is_heldout(&p));
        if (p.n_src > longest) longest = p.n_src;
    }
    assert_int_equal(longest, 30);
    expect(ex[1], "ich weiß , dass der große hund die kleine katze sieht");
    expect(ex[5], "heute sagt der alte mann , dass die jungen kinder den großen braunen hund nicht in dem garten "
                  "sehen , weil die kleine braune katze nicht mit dem ball gespielt hat");
}

static void test_tsv(void **state)
{
    corpus_set s;
    char err[128], line[2048];
    FILE *f = tmpfile();
    (void)state;
    assert_non_null(f);
    assert_int_equal(corpus_generate(&s, CORPUS_TEST, 3, 1, err, sizeof err), 0);
    assert_int_equal(corpus_write_tsv(&s, f), 0);
    rewind(f);
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strchr(line, '\t'));
    assert_non_null(strchr(strchr(line, '\t') + 1, '\t'));
    assert_non_null(strchr(line, ':'));
    fclose(f);
    corpus_set_free(&s);
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_vocab),
          cmocka_unit_test(test_determinism),
          cmocka_unit_test(test_splits_disjoint),
          cmocka_unit_test(test_heldout),
          cmocka_unit_test(test_shapes_and_lengths),
          cmocka_unit_test(test_generated_equals_translate),
          cmocka_unit_test(test_translations),
          cmocka_unit_test(test_translate_rejects),
          cmocka_unit_test(test_alignment_hand_checked),
          cmocka_unit_test(test_alignment_dictionary),
          cmocka_unit_test(test_examples),
          cmocka_unit_test(test_tsv))
