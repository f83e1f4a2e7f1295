/* quiz.h - "predict, then reveal" (issue 17 item 3): multiple-choice questions
 * about the live run, generated from the sentence's trace, whose answer is what
 * the model computed and whose wrong choices are plausible values of the same
 * run (the next-best words, the other rows of the same head, the shapes one
 * gets by mixing up the sizes).
 *
 * Four kinds:
 *   QUIZ_ATTEND  which source word does a decoding step's cross-attention look
 *                at most (the argmax of one row of the given head's weights);
 *   QUIZ_NEXT    which word will the model output at a decoding step (the
 *                greedy token, the argmax of that row of the logits);
 *   QUIZ_ROWSUM  which of these rows sums to 1 (a row of softmax weights among
 *                the same head's scores, scaled scores and weight columns);
 *   QUIZ_SHAPE   the shape of Q·Kᵀ of one head (S, T, d_k of this run).
 *
 * Plain C on the engine's trace: no SDL, no drawing, no translation (the app
 * words the question from the fields below, with _()). The words of the
 * choices are the model's vocabulary, which is never translated.
 *
 * Must not: change the trace, or run the model.
 */
#ifndef QUIZ_H
#define QUIZ_H

#include <stdint.h>

#include "tok.h"
#include "trace.h"

enum { QUIZ_ATTEND = 0, QUIZ_NEXT, QUIZ_ROWSUM, QUIZ_SHAPE, QUIZ_N_KINDS };

/* What a QUIZ_ROWSUM choice is, said when the answer is revealed. */
enum { QUIZ_ROW_WEIGHTS = 0, QUIZ_ROW_SCALED, QUIZ_ROW_SCORES, QUIZ_ROW_COLUMN };

#define QUIZ_CHOICES 4
#define QUIZ_ROW_SHOWN 8   /* numbers of a row shown at most (then "…") */

/* One choice as shown, and what it is. */
typedef struct {
    char text[128];          /* a word, "6 × 16", or a row "0.12  0.80  …" (the dump; the app draws a row's numbers itself) */
    int ref;                 /* ATTEND: source position; NEXT: token id; ROWSUM: QUIZ_ROW_*; SHAPE: 0 */
    float value;             /* ATTEND: its weight; NEXT: its probability; ROWSUM: the row's sum; SHAPE: 0 */
    float row[QUIZ_ROW_SHOWN]; /* ROWSUM: the row's first numbers */
    int row_len;             /* ROWSUM: the row's whole length (more than QUIZ_ROW_SHOWN: drawn with "…") */
} quiz_choice;

typedef struct {
    int kind;                       /* QUIZ_* */
    int n_choices;                  /* 2..QUIZ_CHOICES */
    int answer;                     /* index of the right choice */
    quiz_choice choice[QUIZ_CHOICES];
    int attn_kind;                  /* ATTN_* numbering of attn_view.h: 0 encoder self, 1 decoder self, 2 cross */
    int layer, head;                /* 0-based: the head asked about (ATTEND, ROWSUM, SHAPE) */
    int row;                        /* ATTEND, NEXT: the decoding step; ROWSUM: the query row */
    int word_id;                    /* ATTEND: the word produced at that step; ROWSUM: the query's token id */
    int S, T, dk;                   /* the run's sizes (for the wording of SHAPE) */
} quiz_question;

/* A question of `kind` about tr (words from vocab), its details (step, row, layer, ...) and the
 * order of its choices drawn from seed (the same seed, the same question).
 * QUIZ_ATTEND asks about cross-attention layer cross_layer, head cross_head (the
 * caller picks the readable head: attn_view_best_head). Returns 0, or -1 when
 * this trace cannot give that kind (no decoding step, fewer than two distinct
 * words to choose from, ...): q is then zeroed. */
int quiz_make(const trace *tr, const tok_vocab *vocab, int kind, uint64_t seed, int cross_layer, int cross_head,
              quiz_question *q);

/* 1 when choice (0-based) is the right one, 0 otherwise (also out of range). */
int quiz_is_right(const quiz_question *q, int choice);

#endif
