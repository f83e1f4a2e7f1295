/* train.h - teacher-forced training of the model of model.h: the batched
 * forward and backward of nn.h (the one model, shared with the app) over
 * worker threads, cross-entropy with label smoothing, residual/embedding
 * dropout masks, Adam with the paper's warm-up schedule, length-bucketed
 * batches and checkpoints.
 *
 * The model (nn.c): post-LN layers,
 * x = E[id] * sqrt(D) + PE, multi-head attention with -INFINITY on padded
 * keys (encoder self-attention, cross-attention) and on future keys (decoder
 * self-attention), ReLU feed-forward, LayerNorm, optional encoder.norm /
 * decoder.norm, and logits = h E^T with the one shared embedding E.
 *
 * Loss for one target position with gold id y (rows whose target is <pad> are
 * ignored), V' = V - 1 non-pad words, eps = label smoothing (0.1):
 *   q_j = (1 - eps) [j == y] + eps / V'   for j != <pad>,  q_<pad> = 0
 *   loss = - sum_j q_j log softmax(z)_j
 * and the batch loss is the mean over non-pad target positions.
 *
 * Dropout (p = 0.1 in training, off otherwise) is applied to the sum
 * embedding + PE and to every sub-layer output before its residual add, as in
 * the paper (section 5.4). Masks come from a counter-based hash of (seed,
 * step, sentence in batch, site, element), so they do not depend on threads.
 *
 * Shapes use the letters of model.h. This module does no file I/O except the
 * checkpoint functions and never exits.
 */
#ifndef TRAIN_H
#define TRAIN_H

#include <stddef.h>

#include "model.h"
#include "trace.h"

/* One training pair as ids: src is the encoder input (words then <eos>),
 * tgt the target words only (the decoder reads <bos> tgt, predicts tgt <eos>).
 * n_src <= L, n_tgt <= L - 1. The arrays belong to the caller. */
typedef struct {
    const int *src;
    int n_src;
    const int *tgt;
    int n_tgt;
} train_example;

/* A padded batch (padding id TOK_PAD = 0). */
typedef struct {
    int n;          /* B sentences */
    int S, T;       /* padded source and target lengths */
    int *src;       /* [B, S] */
    int *src_len;   /* [B] */
    int *dec_in;    /* [B, T] <bos> tgt, then <pad> */
    int *dec_out;   /* [B, T] tgt <eos>, then <pad> */
    int *tgt_len;   /* [B] rows with a target: n_tgt + 1 */
    int n_tokens;   /* non-pad entries of dec_out */
    int cap_b;      /* capacity in sentences (allocation) */
    int cap_len;    /* capacity per sequence */
} train_batch;

int train_batch_init(train_batch *b, int cap_b, int cap_len);
void train_batch_free(train_batch *b);           /* accepts NULL */
/* Fills b from ex[idx[0..n-1]]. 0, or -1 when a sentence does not fit. */
int train_batch_fill(train_batch *b, const train_example *ex, const int *idx, int n);

/* Hyper-parameters. train_options_default gives the shipped settings. */
typedef struct {
    int batch;               /* sentences per step */
    int warmup;              /* warm-up steps of the schedule */
    float lr_scale;          /* factor in front of d_model^-0.5 * min(...) */
    float label_smoothing;   /* 0.1 */
    float dropout;           /* 0.1 */
    float beta1, beta2, adam_eps; /* 0.9, 0.98, 1e-9 */
    unsigned long long seed; /* initial weights, batch order and dropout */
    int threads;             /* worker threads (1 or more) */
} train_options;

train_options train_options_default(void);

/* lr(step) = scale * D^-0.5 * min(step^-0.5, step * warmup^-1.5), step >= 1. */
double train_lr(long step, int d_model, int warmup, double scale);

/* One Adam step with bias correction over n floats (t = step number >= 1):
 * m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps). */
void train_adam_update(float *w, float *m, float *v, const float *g, size_t n, float lr,
                       float b1, float b2, float eps, long t);

/* ---- The forward/backward engine on one batch (used by train_state and the
 * gradient checks). A context holds the activation buffers of up to max_batch
 * sentences of up to L tokens, split over `threads` workers. */
typedef struct train_ctx train_ctx;

train_ctx *train_ctx_create(const model_config *cfg, int max_batch, int threads);
void train_ctx_free(train_ctx *c);               /* accepts NULL */

/* Forward (and backward when grad is not NULL) on batch b. grad is a buffer
 * of p->n_floats floats in the layout of the parameter table; the gradient of
 * the mean loss is ADDED to it. dropout 0 switches dropout off; step and seed
 * pick the dropout masks. Returns the mean loss; *n_correct (may be NULL)
 * receives how many non-pad targets were the argmax, and *n_exact (may be
 * NULL) how many sentences had every target right. */
double train_ctx_run(train_ctx *c, const model_params *p, const train_batch *b, float dropout,
                     float label_smoothing, unsigned long long seed, long step, float *grad,
                     int *n_correct, int *n_exact);

/* The ablation (trace.h's trace_opts: no positional encoding, a head or sub-layer zeroed, no residual,
 * no LayerNorm) the next runs' forward makes, for scoring a broken model on many sentences at once
 * (engine/experiment.c); NULL: none, as training always runs. no_causal_mask and max_steps are not
 * used here (the decoder is always causal). */
void train_ctx_set_opts(train_ctx *c, const trace_opts *opts);
/* The logits of sentence i of the last run: [T, V] rows (row t = prediction
 * after dec_in[0..t]), valid until the next run. */
const float *train_ctx_logits(const train_ctx *c, int i);

/* ---- The loss, exposed for the finite-difference tests. ---- */

/* Label-smoothed cross-entropy of n rows of logits z [n, V] against targets
 * y [n] (TOK_PAD rows ignored). Returns the SUM of the row losses; when dz is
 * not NULL writes dz = (softmax(z) - q) * scale (pad rows get 0). */
double train_xent(float *dz, const float *z, const int *y, int n, int V, float eps, float scale);

/* The target distribution q [V] of one position with gold id y (the formula at
 * the top of this file): what the lessons draw next to a one-hot target. */
void train_label_target(float *q, int V, int y, float eps);

/* ---- A whole training run: parameters, Adam moments, the data order. ---- */
typedef struct train_state train_state;

/* Creates a run over ex[0..n_ex-1] (kept by pointer: they must outlive the
 * state) and initialises the parameters with model_params_init_random(seed).
 * NULL with a message in err on failure. */
train_state *train_state_create(const model_config *cfg, const train_options *opt, const train_example *ex,
                                int n_ex, char *err, size_t err_len);
void train_state_free(train_state *s);           /* accepts NULL */
model_params *train_state_params(train_state *s);
long train_state_step(const train_state *s);     /* steps done */
int train_state_epoch(const train_state *s);

typedef struct {
    double loss;       /* mean label-smoothed loss of the batch */
    int tokens;        /* target tokens of the batch */
    int sentences;
    int correct;       /* argmax == target (teacher forcing, dropout on) */
    double lr;         /* learning rate used */
    int finite;        /* 0 when the loss or a gradient was NaN/Inf: parameters NOT updated */
} train_step_info;

/* One optimisation step on the next batch. 0 on success, -1 when the loss or
 * the gradient is not finite (the parameters and moments are left untouched,
 * the data position still advances). */
int train_state_step_once(train_state *s, train_step_info *info);

/* Teacher-forced evaluation with dropout off: token accuracy and exact match
 * (every target token is the argmax, which is exactly when greedy decoding
 * reproduces the target). Returns the mean loss. */
double train_state_evaluate(train_state *s, const train_example *ex, int n, double *tok_acc,
                            double *exact);

/* Checkpoint: parameters, Adam moments, step, data position and seed (the
 * dropout and batch RNG are derived from seed, step and epoch), with a
 * checksum. Saved through path.tmp renamed into place. The checkpoint also
 * records the model sizes, the options that shape the run and a fingerprint
 * of the training data; loading refuses (with a message) a file that is not
 * a checkpoint, is damaged, or belongs to another model, data or seed. */
int train_state_save(const train_state *s, const char *path, char *err, size_t err_len);
int train_state_load(train_state *s, const char *path, char *err, size_t err_len);

#endif
