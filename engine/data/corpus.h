/* corpus.h - the synthetic English -> toy-German corpus the model is trained
 * and evaluated on: a small, fully deterministic grammar (one correct German
 * translation per English sentence) built so that attention has real work to
 * do: gender and case on articles and adjectives, plurals (and the dative
 * plural -n), verb-second main clauses, inversion after a fronted time word,
 * verb-final subordinate clauses ("dass", "weil", "obwohl"), the perfect with
 * the participle at the end (haben or sein), negation ("nicht" after the
 * object, "kein" for an indefinite object), dative verbs and prepositions.
 * Everything is lower-case; "," and "." are their own tokens. The grammar, the
 * vocabulary, the splits and the held-out combinations are in docs/corpus.md.
 *
 * Usage:
 *   corpus_set s;
 *   if (corpus_generate(&s, CORPUS_TRAIN, 200000, 1, err, sizeof err) != 0) ...;
 *   for (i = 0; i < s.n; i++) use s.pairs[i].src_ids / tgt_ids / align;
 *   corpus_set_free(&s);
 * Ids are indices into corpus_vocab() (specials <pad> <bos> <eos> <unk> first),
 * which is also the vocabulary of the model trained on this corpus.
 *
 * Generation is seeded with its own PRNG (never rand()), so the same (split,
 * n, seed) always gives the same pairs on every machine. This module does no
 * model math and knows nothing about training. The vocabulary is built on the
 * first call of any corpus_ function: make that first call from one thread
 * (after it, every function is safe to call from several threads).
 * Throughput: about 200,000 pairs in 0.5 s.
 */
#ifndef CORPUS_H
#define CORPUS_H

#include <stdio.h>
#include <stddef.h>

#define CORPUS_MAX_WORDS 31   /* words per side, so that words + one special fit L = 32 */

typedef enum {
    CORPUS_TRAIN = 0,
    CORPUS_VALID = 1,
    CORPUS_TEST = 2,
    CORPUS_COMPOSITIONAL = 3  /* only sentences with a held-out combination (never in the other splits) */
} corpus_split;

/* One sentence pair. Ids index corpus_vocab(); no specials are included. */
typedef struct {
    int n_src;                              /* English words, 1..31 */
    int n_tgt;                              /* German words, 1..31 */
    int src_ids[CORPUS_MAX_WORDS];          /* [n_src] */
    int tgt_ids[CORPUS_MAX_WORDS];          /* [n_tgt] */
    signed char align[CORPUS_MAX_WORDS];    /* [n_tgt] index of the English word that German word translates, or -1 */
    unsigned char content[CORPUS_MAX_WORDS];/* [n_tgt] 1 for content words (nouns, verbs, adjectives, time adverbs) */
} corpus_pair;

typedef struct {
    corpus_pair *pairs;   /* [n] */
    int n;
} corpus_set;

/* The shared vocabulary: the four specials, then every English word, then
 * every German word not already listed, in a fixed order. The array is static
 * (do not free). Returns V. */
int corpus_vocab(const char *const **words, int *n);
/* Id of a vocabulary word, or -1. */
int corpus_word_id(const char *word);
/* Text of an id ("<?>" when out of range). */
const char *corpus_word(int id);

/* Generates n distinct pairs of a split (no English sentence twice; TRAIN,
 * VALID and TEST never share a sentence; none of them contains a held-out
 * combination, COMPOSITIONAL always contains one). 0 on success; -1 with a
 * message in err (n < 0, out of memory). */
int corpus_generate(corpus_set *out, corpus_split split, int n, unsigned long long seed,
                    char *err, size_t err_len);
void corpus_set_free(corpus_set *s);  /* accepts NULL */

/* Which split an English sentence (words joined by single spaces) belongs to
 * by its hash: TRAIN, VALID or TEST. Held-out combinations are not checked. */
corpus_split corpus_split_of(const char *english);

/* 1 if the pair contains a held-out combination (see docs/corpus.md). */
int corpus_pair_is_heldout(const corpus_pair *p);

/* The English (side 0) or German (side 1) text, words joined by single spaces.
 * Returns the length written; dst is always NUL-terminated. */
int corpus_pair_text(const corpus_pair *p, int side, char *dst, size_t dst_len);

/* Writes "english \t german \t alignment \n" for each pair, where alignment is
 * one "src:tgt" item per aligned German word, separated by spaces (content
 * words marked with a trailing '*'). 0 on success, -1 on a write error. */
int corpus_write_tsv(const corpus_set *s, FILE *f);

/* The reference translation of an English sentence this grammar can generate
 * (lower-case words separated by spaces; a final "." is allowed). Fills *out
 * and returns 0; -1 with a message in err when the sentence is not in the
 * grammar (then *out is empty). */
int corpus_translate(const char *english, corpus_pair *out, char *err, size_t err_len);

/* Example English sentences for the app (in the grammar, no held-out
 * combination): reordering, gender and case, and one 30-word sentence.
 * Returns how many; the array is static. */
int corpus_examples(const char *const **sentences);

/* The held-out combinations, for docs and tools: adjective-noun pairs and
 * subject-verb pairs (English words, singular / base form). */
int corpus_heldout_adj_noun(const char *const (**pairs)[2]);
int corpus_heldout_subj_verb(const char *const (**pairs)[2]);

#endif
