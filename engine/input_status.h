/* input_status.h - whether a translation of the model can be trusted, said in
 * words for the app's sentence bar, the output lesson, tlab-run and the dumps.
 *
 * The model only ever saw sentences of the corpus grammar (corpus.h) made of
 * its vocabulary, and always ended them with <eos>. A run is judged, in this
 * order of severity:
 *   INPUT_UNKNOWN_WORDS    a word is not in the vocabulary (<unk>): a guess
 *   INPUT_NO_EOS           decoding hit the length limit without <eos>
 *   INPUT_OUTSIDE_GRAMMAR  the grammar's reference translator cannot parse the
 *                          sentence (or it was cut to fit the model's length)
 *   INPUT_IN_GRAMMAR       none of these: the grammar's reference translation
 *                          is given, and whether the model's output agrees
 * reason says it in one or two sentences (every problem found, not only the
 * first). No SDL, no drawing: the engine's side of issue 14 item 4.
 */
#ifndef INPUT_STATUS_H
#define INPUT_STATUS_H

#include <stddef.h>

#include "tok.h"
#include "trace.h"

typedef enum {
    INPUT_IN_GRAMMAR = 0,
    INPUT_UNKNOWN_WORDS,
    INPUT_OUTSIDE_GRAMMAR,
    INPUT_NO_EOS
} input_status_kind;

typedef struct {
    input_status_kind kind;
    char reason[600];        /* in words, for a person ("" never) */
    int has_reference;       /* 1: the grammar translates the sentence */
    char reference[1024];    /* the grammar's German, words joined by spaces ("" when none) */
    int agrees;              /* 1: the model's output is the reference word for word */
} input_status;

/* Judges the greedy run t (model_translate) of a model whose vocabulary is
 * vocab. Fills *out; never fails (a NULL trace gives "outside_grammar"). */
void input_status_judge(const trace *t, const tok_vocab *vocab, input_status *out);
/* "in_grammar", "unknown_words", "outside_grammar" or "no_eos": the JSON slugs. */
const char *input_status_slug(input_status_kind k);

#endif
