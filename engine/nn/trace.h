/* trace.h - one run of the model on one sentence, with every intermediate
 * tensor kept, named and shaped. The forward pass (model.c) fills it; lessons
 * only read it and never recompute model math.
 *
 * Layout: every sequence buffer has capacity L = cfg.max_len rows. Token-wise
 * tensors are row-major [L, width] (row i at i * width); attention matrices are
 * [H, L, L] with element (h, q, k) at (h * L + q) * L + k. Only rows and
 * columns below the live lengths (n_src, n_tgt) are meaningful.
 *
 * Decoding: greedy, one token at a time, writing row t of every decoder tensor
 * at step t (earlier rows are never rewritten because of the causal mask), so
 * the finished trace holds every decoding step: step t is rows 0..t. After
 * decoding, the upper triangle of the decoder's self-attention raw and scaled
 * scores is filled in as well (q_t . k_j for j > t), so a lesson can show the
 * scores before masking; masked scores there are -INFINITY and weights exactly 0.
 *
 * Dimension letters as in model.h.
 */
#ifndef TRACE_H
#define TRACE_H

#include "model.h"
#include "tok.h"

/* One multi-head attention sub-layer. q_len = rows of Q, k_len = rows of K/V. */
typedef struct {
    float *q;        /* [H, L, K] per head: X W_q^T + b, split by head */
    float *k;        /* [H, L, K] */
    float *v;        /* [H, L, K] */
    float *scores;   /* [H, L, L] raw Q K^T */
    float *scaled;   /* [H, L, L] scores / sqrt(K) */
    float *masked;   /* [H, L, L] scaled + mask (0 or -INFINITY) */
    float *weights;  /* [H, L, L] softmax of each row: one query's distribution over keys */
    float *heads;    /* [H, L, K] weights . V */
    float *concat;   /* [L, D]    heads side by side */
    float *out;      /* [L, D]    concat W_O^T + b_O */
} trace_attn;

/* x + Sublayer(x), then LayerNorm, with per-token statistics. */
typedef struct {
    float *sum;      /* [L, D] the residual sum x + Sublayer(x) */
    float *mean;     /* [L]    mean of each row of sum */
    float *std;      /* [L]    sqrt(var + eps) of each row of sum (biased variance) */
    float *out;      /* [L, D] (sum - mean) / std * gamma + beta */
    float *mask;     /* [L, D] training only: dropout mask on Sublayer(x), sum = x + Sublayer(x) * mask; else NULL */
} trace_addnorm;

typedef struct {
    float *hidden;   /* [L, F] max(0, x W1^T + b1) */
    float *out;      /* [L, D] hidden W2^T + b2 */
} trace_ffn;

typedef struct {
    float *input;        /* [L, D] what the layer reads */
    trace_attn self;
    trace_addnorm norm1;
    trace_ffn ffn;
    trace_addnorm norm2; /* norm2.out is the layer's output */
} trace_enc_layer;

typedef struct {
    float *input;        /* [L, D] */
    trace_attn self;     /* causal */
    trace_addnorm norm1;
    trace_attn cross;    /* Q from norm1.out, K and V from the encoder memory */
    trace_addnorm norm2;
    trace_ffn ffn;
    trace_addnorm norm3; /* norm3.out is the layer's output */
} trace_dec_layer;

/* The numeric guard (trace_check.c): the first activation of a run that is NaN
 * or infinite, in the order the forward pass computed it (the encoder tensor by
 * tensor, then the decoder row by row, each row through the layers to its
 * logits). model_translate and model_run_ids fill it after every run; found == 0
 * means every live activation is finite. The app and tlab-run show it. */
typedef struct {
    int found;         /* 1 when some activation is NaN or infinite */
    char tensor[64];   /* e.g. "encoder.layers.0.self.scores", "decoder.layers.1.cross.weights",
                        * "decoder.layers.0.norm2.sum", "encoder.embed", "memory", "logits", "probs":
                        * SIDE.layers.N. + the trace field path (self, cross, norm1..3, ffn.hidden, ...) */
    int layer;         /* encoder or decoder layer index; -1 outside the layers */
    int head;          /* attention head for per-head tensors (q k v scores scaled weights heads); else -1 */
    int row;           /* position: source token (encoder tensors) or target row = decoding step (decoder) */
    int col;           /* column in that row: key position for scores/scaled/weights, else the feature */
    float value;       /* what was found: NaN, +INFINITY or -INFINITY */
} trace_nonfinite;

/* A sub-layer of the model, named for the ablations of trace_opts: each is
 * one Add & Norm, LN(x + Sublayer(x)), of one layer. */
enum {
    TRACE_SUB_NONE = 0,  /* no sub-layer: the ablation is off */
    TRACE_SUB_ENC_SELF,  /* encoder self-attention (norm1) */
    TRACE_SUB_ENC_FFN,   /* encoder feed-forward (norm2) */
    TRACE_SUB_DEC_SELF,  /* decoder masked self-attention (norm1) */
    TRACE_SUB_DEC_CROSS, /* decoder cross-attention (norm2) */
    TRACE_SUB_DEC_FFN,   /* decoder feed-forward (norm3) */
    TRACE_SUB_COUNT
};

/* Where an ablation applies: sub-layer `sub` (TRACE_SUB_*) of layer `layer`. */
typedef struct {
    int sub;    /* TRACE_SUB_*; TRACE_SUB_NONE (0, a zeroed struct): the ablation is off */
    int layer;  /* 0-based, of the encoder or the decoder as sub says */
    int head;   /* zero only: -1 the whole sub-layer's output, else this head's output (attention sub-layers) */
} trace_part;

/* no_pe bits. */
enum { TRACE_PE_ENC = 1, TRACE_PE_DEC = 2 };

/* What the run was asked to do. A zeroed struct (or NULL) is the model as
 * trained; every other field is a "break it" experiment applied inside the one
 * forward pass (nn.c), never in normal use and never in training. */
typedef struct {
    int no_causal_mask;  /* 1: the decoder may read the future ("break it" demo); never in normal use */
    int max_steps;       /* decoder rows (greedy steps) at most; 0 means L */
    int no_pe;           /* TRACE_PE_* bits: those inputs are E[id] * sqrt(D) without the positional encoding */
    trace_part zero;     /* that head's output (its K columns of concat, before W_O) or the whole sub-layer's
                          * output replaced by 0: LN(x + 0); the head's weights and `heads` rows stay as computed */
    trace_part no_residual; /* that Add & Norm without its residual: LN(Sublayer(x)) */
    trace_part no_norm;  /* that Add & Norm without its LayerNorm: out = x + Sublayer(x) (mean 0, std 1 recorded) */
} trace_opts;

/* 0 when opts fit the model's sizes (layers and heads in range); else -1 and a
 * message in err. NULL opts are fine. */
int trace_opts_check(const trace_opts *opts, const model_config *c, char *err, size_t err_len);
/* 1 when opts change the model's computation (anything but max_steps). */
int trace_opts_ablated(const trace_opts *opts);

typedef struct {
    model_config cfg;    /* sizes of the model that made it */
    trace_opts opts;

    /* Source side. */
    char *sentence;               /* the text as typed (owned copy) */
    tok_token src_tokens[1024];   /* the words (no specials), n_words of them */
    int n_words;                  /* words kept */
    int n_words_total;            /* words in the text; > n_words means truncated */
    int truncated;                /* 1 when words were cut to fit L (never silent) */
    int n_unk;                    /* how many words are <unk> */
    int src_ids[1024];            /* [S] ids fed to the encoder: words then <eos> */
    int n_src;                    /* S */

    /* Encoder. */
    float *enc_embed;             /* [L, D] E[id] * sqrt(D) */
    float *enc_pe;                /* [L, D] sinusoidal PE */
    float *enc_x;                 /* [L, D] embed + PE: layer 0's input */
    trace_enc_layer *enc;         /* [n_enc_layers] */
    float *memory;                /* [L, D] encoder output (after encoder.norm when present) */

    /* Decoder, teacher-forced or greedy. */
    int tgt_ids[1024];            /* [T] decoder input: <bos> then the tokens produced */
    int n_tgt;                    /* T: decoder rows computed */
    int out_ids[1024];            /* [T] the token predicted at each row (argmax) */
    int n_out;                    /* tokens produced, <eos> excluded */
    int finished;                 /* 1 when <eos> was produced, 0 when L was reached */
    float *dec_embed;             /* [L, D] */
    float *dec_pe;                /* [L, D] */
    float *dec_x;                 /* [L, D] */
    trace_dec_layer *dec;         /* [n_dec_layers] */
    float *dec_out;               /* [L, D] last decoder vector per row (after decoder.norm when present) */
    float *logits;                /* [L, V] row t: prediction after tgt[0..t] = dec_out[t] E^T */
    float *probs;                 /* [L, V] softmax of each logits row */

    /* Statistics of the final LayerNorms (encoder.norm, decoder.norm) when the model has them. */
    float *enc_norm_mean, *enc_norm_std; /* [L] */
    float *dec_norm_mean, *dec_norm_std; /* [L] */
    /* Training only (NULL in a run of the app): dropout masks on embedding + PE. */
    float *enc_mask, *dec_mask;   /* [L, D] */
    /* Working memory of the forward pass (nn.c), not results. */
    float *scratch;               /* [L, 3D] rows of a projection before they are split by head */
    float *keys;                  /* [K * L] one head's keys transposed */

    trace_nonfinite nonfinite;    /* the numeric guard's finding for this run (see trace_nonfinite) */

    int batch;                    /* B: sentences held side by side (1 for a run of the app; see trace_init_batch) */
    float *block;                 /* the one allocation every pointer above points into */
    size_t block_floats;
} trace;

/* Allocates a trace for a model of these sizes. 0 on success, -1 on no memory. */
int trace_init(trace *t, const model_config *cfg);
/* The activations of training (nn.h) for up to `batch` sentences: every
 * tensor above holds batch * L rows ([B, L, width], [B, H, L, K],
 * [B, H, L, L]), with the dropout masks, and without what only the lessons
 * read (enc_embed, dec_embed, scores, scaled, masked, heads, probs: NULL). */
int trace_init_batch(trace *t, const model_config *cfg, int batch);
void trace_free(trace *t);        /* accepts NULL */

/* Tokenizes sentence with vocab, runs the encoder, then greedy decoding until
 * <eos> or L rows. Returns 0 on success, -1 with a message in err. */
int model_translate(const model_params *p, const tok_vocab *vocab, const char *sentence,
                    const trace_opts *opts, trace *t, char *err, size_t err_len);

/* model_translate from ids: the encoder on src_ids[n_src] as given (words then <eos>, no specials
 * added), then greedy decoding. The trace has no text (sentence NULL, n_words 0). */
int model_translate_ids(const model_params *p, const int *src_ids, int n_src, const trace_opts *opts, trace *t,
                        char *err, size_t err_len);

/* How decoding picks the next token from one row of logits [V] (the argmax: greedy decoding;
 * engine/sample.h: sampling). A result outside 0..V-1 falls back to the argmax. */
typedef int (*model_pick_fn)(const float *logits, int V, void *user);
/* model_translate_ids with each next token chosen by pick(row, V, user) instead of the argmax
 * (NULL: greedy). out_ids are the tokens taken; the logits stay the model's. */
int model_decode_ids(const model_params *p, const int *src_ids, int n_src, const trace_opts *opts, model_pick_fn pick,
                     void *user, trace *t, char *err, size_t err_len);

/* Runs given ids, no specials added: the encoder on src_ids[n_src], the decoder
 * teacher-forced on tgt_ids[n_tgt] (logits row t = prediction after tgt[0..t]). */
int model_run_ids(const model_params *p, const int *src_ids, int n_src, const int *tgt_ids, int n_tgt,
                  const trace_opts *opts, trace *t, char *err, size_t err_len);

/* The numeric guard: scans the live activations in order of computation and
 * fills t->nonfinite. Returns 1 when one is NaN or infinite, else 0 (batch
 * traces of training are not scanned: 0). */
int trace_check_finite(trace *t);
/* t->nonfinite as one sentence for a user ("encoder.layers.0.self.scores is
 * +infinity (row 2, head 0, column 2): ..."); "" when every activation is finite. */
int trace_nonfinite_text(const trace *t, char *dst, size_t dst_len);

/* The translation of a finished trace as text. */
int trace_output_text(const trace *t, const tok_vocab *vocab, char *dst, size_t dst_len);

/* Element (h, q, k) of an attention matrix of this trace. */
float trace_attn_at(const trace *t, const float *m, int h, int q, int k);

#endif
