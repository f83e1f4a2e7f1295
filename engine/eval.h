/* eval.h - how good a translation model is on the synthetic corpus: exact
 * match, corpus BLEU-4, and how well each cross-attention head follows the
 * word alignment.
 *
 * BLEU (Papineni et al. 2002, as the paper reports it): clipped n-gram counts
 * for n = 1..4 summed over the whole corpus, p_n = matches_n / hyp_ngrams_n,
 * BLEU = BP * exp(mean_n log p_n), BP = exp(1 - r / c) when the hypothesis
 * length c is below the reference length r, else 1. Reported 0..100; 0 when
 * any p_n is 0. One reference per sentence.
 *
 * Alignment score of a cross-attention head: over all target CONTENT words
 * that have an aligned source word, the share whose largest cross-attention
 * weight falls on that source word. Off-by-one, made explicit: the decoder
 * input is <bos> w_0 ... w_{T-1} (teacher forcing on the reference), and
 * decoder row t reads <bos> w_0 .. w_{t-1} and PREDICTS w_t; so the attention
 * row used for target word w_t is row t (not t + 1). Source word i sits at
 * encoder position i (the encoder input is the words then <eos>); the argmax
 * runs over all n_src encoder positions, <eos> included.
 *
 * Dimension letters as in model.h. This module never exits and never prints.
 */
#ifndef EVAL_H
#define EVAL_H

#include <stddef.h>

#include "corpus.h"
#include "model.h"
#include "tok.h"
#include "trace.h"

#define EVAL_MAX_LAYERS 16
#define EVAL_MAX_HEADS 64

/* 1 when hyp and ref are the same sequence of ids, else 0. */
int eval_exact(const int *hyp, int n_hyp, const int *ref, int n_ref);

/* Corpus BLEU: add sentences one by one, then read the score. */
typedef struct {
    long match[4];    /* clipped n-gram matches, n = 1..4 */
    long total[4];    /* n-grams in the hypotheses */
    long hyp_len;     /* c */
    long ref_len;     /* r */
} eval_bleu;

void eval_bleu_init(eval_bleu *b);
void eval_bleu_add(eval_bleu *b, const int *hyp, int n_hyp, const int *ref, int n_ref);
double eval_bleu_score(const eval_bleu *b);   /* 0..100 */
double eval_bleu_bp(const eval_bleu *b);      /* the brevity penalty, 0..1 */

/* Alignment hits per (layer, head). */
typedef struct {
    int n_layers, n_heads;
    long hits[EVAL_MAX_LAYERS * EVAL_MAX_HEADS];  /* [layer * n_heads + head] */
    long total;                                   /* content words counted (same for every head) */
} eval_align;

void eval_align_init(eval_align *a, int n_layers, int n_heads);
/* One layer's cross-attention weights of one sentence: weights is [H, L, L]
 * with (h, t, k) at (h * L + t) * L + k, row t = the decoder row that predicts
 * target word t; n_keys = encoder positions (words + <eos>). Counts target
 * words t < n_tgt with content[t] and align[t] in 0..n_keys-1. Call it for
 * every layer of a sentence with count_total = 1 on exactly one of them. */
void eval_align_add_layer(eval_align *a, int layer, const float *weights, int L, int n_keys,
                          const signed char *align, const unsigned char *content, int n_tgt, int count_total);
/* All decoder layers of a teacher-forced trace (model_run_ids with tgt_ids =
 * <bos> + the reference words) against the pair's alignment. */
void eval_align_add_trace(eval_align *a, const trace *t, const corpus_pair *p);
/* Percent of hits of (layer, head); 0 when nothing was counted. */
double eval_align_score(const eval_align *a, int layer, int head);

/* Everything eval_model measures on one set. */
typedef struct {
    int n;            /* sentences */
    int n_exact;
    double exact;     /* percent */
    double bleu;      /* 0..100 */
    eval_align align;
    int best_layer, best_head;   /* the head with the highest alignment score */
} eval_report;

/* Called for every sentence translated wrongly: hyp are corpus ids (words the
 * corpus does not know become <unk>). */
typedef void (*eval_error_fn)(void *user, const corpus_pair *ref, const int *hyp, int n_hyp);

/* Greedy-decodes every English sentence of set with the model (through text
 * and vocab, so the model's vocabulary order may differ from the corpus'),
 * scores it against the German reference, and runs the model teacher-forced
 * on the reference for the alignment score. 0, or -1 with a message. */
int eval_model(const model_params *p, const tok_vocab *vocab, const corpus_set *set, eval_report *out,
               eval_error_fn on_error, void *user, char *err, size_t err_len);

#endif
