/* experiment.h - how much a "break it" experiment (an ablation of
 * trace_opts: no positional encoding, a head or sub-layer zeroed, no residual,
 * no LayerNorm) costs the model on held-out sentences: exact match of the
 * greedy translation and the mean loss per reference token, teacher-forced.
 *
 * One background thread works through the experiments asked for, one sentence
 * at a time, on its own copy of the weights (the caller may change or free its
 * model at once); results are cached per trace_opts, so asking again is free
 * and a picture can poll every frame without blocking (a look-up under a lock).
 *
 *   experiment_eval *e = experiment_eval_new(&params, &vocab, &set, err, sizeof err);
 *   experiment_eval_want(e, &opts);               // queue (no-op when known)
 *   experiment_score s = experiment_eval_get(e, &opts);
 *   if (s.state == EXPERIMENT_DONE) use s.n_exact / s.n, s.loss;
 *   experiment_eval_free(e);                      // stops after the current sentence
 *
 * The set is the caller's corpus pairs (corpus ids), turned into the model's
 * ids through vocab when the evaluator is made. Dimension letters as in model.h.
 * Must not: print, exit, or touch the caller's model after experiment_eval_new.
 */
#ifndef EXPERIMENT_H
#define EXPERIMENT_H

#include <stddef.h>

#include "corpus.h"
#include "model.h"
#include "tok.h"
#include "trace.h"

/* Experiments one evaluator keeps (asking for more fails: experiment_eval_want returns -1). */
#define EXPERIMENT_MAX 128

typedef enum {
    EXPERIMENT_UNKNOWN = 0,  /* never asked for */
    EXPERIMENT_QUEUED,
    EXPERIMENT_RUNNING,      /* n_done of n sentences so far */
    EXPERIMENT_DONE,
    EXPERIMENT_FAILED        /* message in experiment_score.error */
} experiment_state;

typedef struct {
    experiment_state state;
    int n;          /* sentences in the set */
    int n_done;     /* sentences evaluated so far */
    int n_exact;    /* of those, translated exactly right (greedy decoding) */
    double loss;    /* mean -log p(reference token) over the reference tokens and <eos> of those sentences,
                     * teacher-forced; 0 when n_done is 0 */
    char error[160];
} experiment_score;

typedef struct experiment_eval experiment_eval;

/* A copy of p, the set in p's ids, and the worker thread (idle until asked). NULL with a message in
 * err when p, vocab or set is missing, a word of set is not in vocab, or memory or the thread failed. */
experiment_eval *experiment_eval_new(const model_params *p, const tok_vocab *vocab, const corpus_set *set, char *err,
                                     size_t err_len);
/* The same without a thread (the default of experiment_eval_new in a web page built without threads):
 * nothing is evaluated until the caller pumps. */
experiment_eval *experiment_eval_new_pumped(const model_params *p, const tok_vocab *vocab, const corpus_set *set,
                                            char *err, size_t err_len);
/* Pumped evaluators only (elsewhere returns 0 at once): evaluates queued sentences on the caller's thread,
 * a small batch at a time (the thread's own work), until budget_s seconds have passed (at least one batch
 * when something is queued). Returns the batches done. The Experiments lesson calls it once per frame. */
int experiment_eval_pump(experiment_eval *e, double budget_s);
/* Stops the worker after the sentence it is on, joins it and frees everything. Accepts NULL. */
void experiment_eval_free(experiment_eval *e);
/* Queues an experiment (a zeroed trace_opts, or NULL: the intact model) unless it is known. Queued
 * experiments run in the order asked, but urgent = 1 puts this one first. 0, or -1 when the table is
 * full or opts do not fit the model (then nothing is queued). */
int experiment_eval_want(experiment_eval *e, const trace_opts *opts, int urgent);
/* The score so far of an experiment (state EXPERIMENT_UNKNOWN when never asked for). */
experiment_score experiment_eval_get(experiment_eval *e, const trace_opts *opts);
/* Experiments queued or running (0: the worker is idle). */
int experiment_eval_pending(experiment_eval *e);

#endif
