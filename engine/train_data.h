/* train_data.h - the training data of the shipped model as train_example
 * lists: corpus pairs (corpus.h) turned into encoder input (words then <eos>)
 * and target ids, with the long-sentence repeats of the shipped run. One
 * helper for tlab-train and the in-app training runner (train_run.h).
 * Never prints, never exits.
 */
#ifndef TRAIN_DATA_H
#define TRAIN_DATA_H

#include <stddef.h>

#include "corpus.h"
#include "tok.h"
#include "train.h"

typedef struct {
    int *ids;              /* storage: 64 ids per pair */
    train_example *ex;     /* [n] pointing into ids */
    int n;
} train_example_set;

/* How many times a pair goes into the training list: long sentences teach the
 * positions near L and are where the model fails first (a run on an earlier
 * corpus with 1% of pairs over 25 words missed 2.4% of the test set, nearly
 * all long), so pairs of >= 18, >= 22 and >= 26 English words get one extra
 * copy each (up to 4 copies) when boost is 1; 0 keeps one copy. */
int train_data_repeat_of(const corpus_pair *p, int boost);

/* The examples of cs (with repeats when boost). 0, or -1 when out of memory. */
int train_examples_from_corpus(train_example_set *es, const corpus_set *cs, int boost);
void train_examples_free(train_example_set *es);  /* accepts a zeroed set */

/* The corpus, its vocabulary and the training and held-out examples. */
typedef struct {
    corpus_set train_cs, held_cs;
    tok_vocab vocab;
    int V;
    train_example_set tr, held;
} train_data;

/* Generates train_n training pairs (with long-sentence repeats when boost) and
 * held_n pairs of the held-out split held_split (none when held_n is 0), all
 * from corpus seed, and the corpus vocabulary. 0, or -1 with a message. */
int train_data_load(train_data *d, long train_n, corpus_split held_split, long held_n, unsigned long long seed,
                    int boost, char *err, size_t err_len);
void train_data_free(train_data *d);              /* accepts a zeroed struct */

#endif
