/* train_data.c - corpus pairs to training examples and the shipped run's
 * training data (train_data.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train_data.h"

int train_data_repeat_of(const corpus_pair *p, int boost)
{
    if (!boost) return 1;
    return 1 + (p->n_src >= 18) + (p->n_src >= 22) + (p->n_src >= 26);
}

int train_examples_from_corpus(train_example_set *es, const corpus_set *cs, int boost)
{
    int total = 0;
    for (int i = 0; i < cs->n; i++) total += train_data_repeat_of(&cs->pairs[i], boost);
    es->n = 0;
    es->ex = calloc((size_t)total + 1, sizeof *es->ex);
    es->ids = calloc((size_t)cs->n * 64 + 1, sizeof(int));
    if (!es->ex || !es->ids) return -1;
    for (int i = 0; i < cs->n; i++) {
        const corpus_pair *p = &cs->pairs[i];
        int *src = es->ids + (size_t)i * 64, *tgt = src + 32;
        memcpy(src, p->src_ids, (size_t)p->n_src * sizeof(int));
        src[p->n_src] = TOK_EOS;
        memcpy(tgt, p->tgt_ids, (size_t)p->n_tgt * sizeof(int));
        for (int r = train_data_repeat_of(p, boost); r > 0; r--) {
            train_example *e = &es->ex[es->n++];
            e->src = src;
            e->n_src = p->n_src + 1;
            e->tgt = tgt;
            e->n_tgt = p->n_tgt;
        }
    }
    return 0;
}

void train_examples_free(train_example_set *es)
{
    if (!es) return;
    free(es->ids);
    free(es->ex);
    memset(es, 0, sizeof *es);
}

int train_data_load(train_data *d, long train_n, corpus_split held_split, long held_n, unsigned long long seed,
                    int boost, char *err, size_t err_len)
{
    char why[512];
    memset(d, 0, sizeof *d);
    if (corpus_generate(&d->train_cs, CORPUS_TRAIN, (int)train_n, seed, why, sizeof why) != 0 ||
        (held_n > 0 && corpus_generate(&d->held_cs, held_split, (int)held_n, seed, why, sizeof why) != 0)) {
        if (err && err_len) snprintf(err, err_len, "corpus: %s", why);
        train_data_free(d);
        return -1;
    }
    const char *const *words;
    corpus_vocab(&words, &d->V);
    if (tok_vocab_init(&d->vocab, words, d->V, why, sizeof why) != 0) {
        if (err && err_len) snprintf(err, err_len, "vocabulary: %s", why);
        train_data_free(d);
        return -1;
    }
    if (train_examples_from_corpus(&d->tr, &d->train_cs, boost) != 0 ||
        train_examples_from_corpus(&d->held, &d->held_cs, 0) != 0) {
        if (err && err_len) snprintf(err, err_len, "out of memory for the training examples");
        train_data_free(d);
        return -1;
    }
    return 0;
}

void train_data_free(train_data *d)
{
    if (!d) return;
    train_examples_free(&d->tr);
    train_examples_free(&d->held);
    tok_vocab_free(&d->vocab);
    corpus_set_free(&d->train_cs);
    corpus_set_free(&d->held_cs);
    memset(d, 0, sizeof *d);
}
