/* beam.h - beam search decoding as in the paper (section 6.1: beam size 4,
 * length penalty alpha = 0.6, from Wu et al. 2016, GNMT):
 *
 *   lp(Y)    = (5 + |Y|)^alpha / (5 + 1)^alpha
 *   score(Y) = log P(Y | X) / lp(Y)
 *
 * |Y| counts the output tokens, the final <eos> included (a hypothesis cut at
 * the length limit has no <eos>); <bos> is never counted.
 *
 * The search (the rule fairseq uses, which makes beam 1 exactly greedy):
 * step t expands every live hypothesis by every vocabulary token and ranks all
 * candidates by cumulative log-prob (ties: lower parent index, then lower token
 * id, which is also what greedy's argmax picks). Candidates ending in <eos>
 * among the best B are finished; the next beam is the best B candidates that
 * do not end in <eos>. The search stops once B hypotheses are finished, or at
 * the length limit, where the best B candidates all finish (those without
 * <eos> as "cut"). Finished hypotheses are then sorted by score.
 *
 * Next-token log-probs come from the existing forward pass: model_run_ids on
 * the source and the prefix <bos> y1..yt (teacher-forced), the last logits row
 * log-softmaxed in double. One trace serves the whole search. It must not do
 * model math of its own, print or exit; it never includes SDL.
 *
 * Sizes: BEAM_MAX hypotheses per step, BEAM_MAX_STEPS output tokens at most
 * (the model's L must not exceed it), BEAM_CANDS candidates recorded per
 * expanded hypothesis. beam_result is about 420 KB: allocate it on the heap.
 * Dimension letters as in model.h.
 */
#ifndef BEAM_H
#define BEAM_H

#include <stddef.h>

#include "model.h"
#include "trace.h"

#define BEAM_MAX 32          /* widest beam (the exhaustive test needs 30) */
#define BEAM_MAX_STEPS 64    /* longest output; L must be <= this */
#define BEAM_CANDS 5         /* best next tokens recorded per expanded hypothesis */
#define BEAM_MAX_HYPS (2 * BEAM_MAX)  /* finished: < B before the last step, plus up to B at it */

typedef struct {
    int beam;        /* B, 1..BEAM_MAX */
    double alpha;    /* length penalty exponent, 0..10 (0: plain log-probs) */
    int max_len;     /* output tokens at most, <eos> included; 0 means L; else 1..L */
} beam_opts;

enum { BEAM_LIVE = 0, BEAM_EOS = 1, BEAM_CUT = 2 };

/* A candidate next token of an expanded hypothesis. */
typedef struct {
    int token;
    double logp;     /* log P(token | X, prefix) */
    double cum;      /* the parent's cumulative log-prob + logp */
    int rank;        /* rank among all candidates of that step (0 = best) */
    int kept;        /* 1 when it became an entry of the next step (live or finished) */
} beam_cand;

/* One hypothesis kept at a step (the beam's content after the step). */
typedef struct {
    int parent;      /* index into the previous step's entries; -1: the root <bos> */
    int token;       /* the token this step added */
    double logp;     /* log P(token | X, prefix): this step's term */
    double cum;      /* cumulative log P(y1..yt | X) */
    int rank;        /* rank among all candidates of the step (0 = best) */
    int status;      /* BEAM_LIVE (continues), BEAM_EOS (ended with <eos>), BEAM_CUT (length limit) */
    int hyp;         /* finished: index into beam_result.hyps (after sorting); else -1 */
    int n_cands;     /* candidates recorded when this entry was expanded (0 if never) */
    beam_cand cands[BEAM_CANDS];
} beam_entry;

typedef struct {
    int n;                       /* entries (finished ones of this step and the live beam) */
    int n_candidates;            /* candidates ranked at this step: live hypotheses x V */
    beam_entry e[2 * BEAM_MAX];
} beam_step;

/* A finished hypothesis. */
typedef struct {
    int ids[BEAM_MAX_STEPS];     /* output tokens without <bos>, ending in <eos> unless cut */
    int len;                     /* |Y| */
    int eos;                     /* 1: ends in <eos>; 0: cut at the length limit */
    double logp;                 /* log P(Y | X) */
    double lp;                   /* length penalty */
    double score;                /* logp / lp */
    int step, entry;             /* where its last token sits in steps[] */
} beam_hyp;

typedef struct {
    beam_opts opts;              /* as used (max_len resolved) */
    int n_src;
    int src_ids[BEAM_MAX_STEPS];
    int n_root_cands;
    beam_cand root_cands[BEAM_CANDS];  /* the first step's best candidates after <bos> */
    int n_steps;                 /* steps[0 .. n_steps) hold output positions 1 .. n_steps */
    beam_step steps[BEAM_MAX_STEPS];
    int n_hyps;                  /* finished hypotheses, best score first */
    beam_hyp hyps[BEAM_MAX_HYPS];
    int n_runs;                  /* forward passes made */
} beam_result;

/* GNMT length penalty of a length-n output: (5 + n)^alpha / 6^alpha. */
double beam_length_penalty(int n, double alpha);

/* Fills lp[0..n) with log-softmax(x[0..n)) in double. */
void beam_log_softmax(const float *x, int n, double *lp);

/* Checks options against a model of max length L. 0 when good, -1 with a message. */
int beam_opts_check(const beam_opts *o, int L, char *err, size_t err_len);

/* Beam search of src_ids[n_src] (the encoder input: words then <eos>).
 * 0 on success (r filled); -1 with a message in err. work is a trace made with
 * trace_init for this model; pass NULL to let the call make (and free) one. */
int beam_search_work(const model_params *p, const int *src_ids, int n_src, const beam_opts *o, trace *work,
                     beam_result *r, char *err, size_t err_len);
int beam_search(const model_params *p, const int *src_ids, int n_src, const beam_opts *o, beam_result *r,
                char *err, size_t err_len);

#endif
