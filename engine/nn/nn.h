/* nn.h - the Transformer of model.h written once: every layer's forward
 * beside its backward, in the style of karpathy/llm.c's train_gpt2.c.
 *
 * The same functions run the app's trace (one sentence, decoder rows r0..r1
 * at a time, the trace as key/value cache) and training (B sentences side by
 * side, every row, dropout masks and padding). The named activations are the
 * trace's (trace.h): a run of the app keeps all of them; training allocates
 * the same structs for B sentences (trace_init_batch) and leaves out what
 * only the lessons read (scores before the softmax, per-head outputs, probs).
 *
 * Argument order everywhere: outputs, saved-for-backward, inputs, weights,
 * dimensions. Dimension letters as in model.h, and:
 *   Ls, Lt = rows per sentence of the source- and target-side tensors (their
 *            capacity: L for the app's trace, the padded S and T in training);
 *   R      = rows of a call = B * Ls or B * Lt (one sentence: r1 - r0).
 * Token-wise tensors are [B, L*, width]; per-head tensors [B, H, L*, K];
 * attention matrices [B, H, Lq, Lk]. With B = 1 these are the trace's layouts.
 *
 * Every backward ADDS into its gradient outputs (weights and inputs), quotes
 * the forward line it differentiates, and needs the activations of a forward
 * over whole sentences (r0 = 0, r1 = L*).
 */
#ifndef NN_H
#define NN_H

#include "model.h"
#include "trace.h"

/* The shape of one forward call over B sentences. */
typedef struct {
    int B;                   /* sentences side by side */
    int Ls, Lt;              /* rows per sentence of the source- and target-side tensors */
    int ns;                  /* source rows computed per sentence (= keys of the cross-attention);
                              * B > 1 needs ns = Ls */
    const int *src_len;      /* [B] source tokens per sentence, keys past them are padding; NULL: ns */
    const int *tgt_len;      /* [B] target rows per sentence, keys past them are padding; NULL: none */
    const model_params *wt;  /* a view of the 2-D weights transposed ([out, in] -> [in, out]) at their own
                              * offsets: linear layers then run through kern_matmul (many rows, training);
                              * NULL: kern_linear (a few rows, the app) */
} nn_shape;

/* One multi-head attention call: query rows [r0, r1) of each sentence over keys [0, nk). */
typedef struct {
    int B, Lq, Lk;           /* sentences; rows per sentence of the query side and of the key side */
    int r0, r1;              /* query rows computed */
    int nk;                  /* keys computed; columns nk..Lk-1 are not live (score 0, weight 0) */
    const int *key_len;      /* [B] keys j >= key_len[b] are padding (-INFINITY); NULL: none */
    int causal;              /* keys j > i are the future (-INFINITY) */
    int H, K;
    unsigned long long zero_heads; /* forward only, an ablation (trace_opts.zero): bit h set = head h's
                              * K columns of concat are 0 before W_O; 0 (never in training): none */
} nn_attn_shape;

/* The buffers a backward pass works in (R = B * max(Ls, Lt) rows). */
typedef struct {
    float *dres, *dres2;     /* [R, D] the residual stream's gradient (two, used in turn) */
    float *dsub;             /* [R, D] a sub-layer output's gradient under its dropout mask */
    float *dconcat;          /* [R, D] */
    float *dq, *dk, *dv;     /* [B, H, L*, K] */
    float *dpacked;          /* [R, 3D] dq | dk | dv side by side, for the projection's backward */
    float *dhid, *dpre;      /* [R, F] gradients of the FFN hidden layer after and before the ReLU */
    float *dmem;             /* [R, D] gradient of the encoder output, summed over cross-attentions */
    float *t;                /* [R * max(3D, F, V)] dy^T of kern_linear_backward */
    float *keys;             /* [L * K + 2 * L * L] one head's values transposed, d(masked) of all its rows */
} nn_grads;

/* Floats nn_grads_carve needs for B sentences of up to L rows (base NULL:
 * count only). */
size_t nn_grads_carve(nn_grads *g, float *base, const model_config *c, int B);

/* ---- embedding ---- */
/* x[B, L, D] rows [r0, r1) = drop(emb + PE),  emb = E[ids] * sqrt(D)  (emb, mask may be NULL;
 * pe NULL: no positional encoding, the trace_opts.no_pe ablation) */
void nn_embed_forward(float *x, float *emb, const float *mask, const int *ids, const float *pe, const float *E,
                      int B, int L, int r0, int r1, int D);
/* dE[ids] += dx * mask * sqrt(D) */
void nn_embed_backward(float *dE, const float *dx, const float *mask, const int *ids, int B, int L, int D);

/* ---- multi-head attention ---- */
/* a->weights (and scores, scaled, masked when not NULL) [B, H, Lq, Lk], a->concat [B, Lq, D] (and
 * heads when not NULL) for query rows [r0, r1), from a->q, a->k, a->v. keys: [K * Lk]. */
void nn_attend_forward(trace_attn *a, float *keys, const nn_attn_shape *s);
/* dq [B, H, Lq, K], dk, dv [B, H, Lk, K] += ... over every row (nk = Lk). keys: [K * Lk + 2 * Lq * Lk] */
void nn_attend_backward(float *dq, float *dk, float *dv, float *keys, const float *dconcat, const trace_attn *a,
                        const nn_attn_shape *s);
/* a->k, a->v rows [0, nk) = xkv W_k^T + b_k, xkv W_v^T + b_v, split by head (the KV cache of a
 * cross-attention). scratch: [R, 3D]. */
void nn_attention_kv_forward(trace_attn *a, float *scratch, const float *xkv, const model_attn_params *w,
                             const model_attn_params *wt, const nn_attn_shape *s);
/* a->out [B, Lq, D] rows [r0, r1) = MHA(xq, xkv, xkv) W_O^T + b_O. xkv == xq: self-attention, Q K V of
 * rows [r0, r1) projected here (earlier rows are the cache); xkv NULL: K and V already in a. */
void nn_attention_forward(trace_attn *a, float *scratch, float *keys, const float *xq, const float *xkv,
                          const model_attn_params *w, const model_attn_params *wt, const nn_attn_shape *s);
/* dxq += ..., dxkv += ... (dxkv == dxq for self-attention), g += ... */
void nn_attention_backward(float *dxq, float *dxkv, model_attn_params *g, nn_grads *s, const float *dout,
                           const trace_attn *a, const float *xq, const float *xkv, const model_attn_params *w,
                           const nn_attn_shape *sh);

/* ---- add & norm ---- */
/* rows [r, r + n): sum = x + drop(sub); out = LN(sum) with mean, std saved (drop: a->mask, may be NULL).
 * The ablations of trace_opts (forward only): x NULL, no residual (sum = sub); g NULL, no LayerNorm
 * (out = sum, mean 0 and std 1 recorded). */
void nn_addnorm_forward(trace_addnorm *a, const float *x, const float *sub, const float *g, const float *b, int r,
                        int n, int D, float eps);
/* dsum = d(sum) (= dx through the residual, zeroed first); returns d(sub): dsum * mask in dsub_buf, or dsum */
const float *nn_addnorm_backward(float *dsum, float *dsub_buf, float *dg, float *db, const float *dout,
                                 const trace_addnorm *a, const float *g, int n, int D);

/* ---- feed-forward ---- */
/* rows [r, r + n): hidden = max(0, x W1^T + b1); out = hidden W2^T + b2 */
void nn_ffn_forward(trace_ffn *f, const float *x, const float *w1, const float *wt1, const float *b1, const float *w2,
                    const float *wt2, const float *b2, int r, int n, int D, int F);
void nn_ffn_backward(float *dx, float *dw1, float *db1, float *dw2, float *db2, nn_grads *s, const float *dout,
                     const trace_ffn *f, const float *x, const float *w1, const float *w2, int n, int D, int F);

/* ---- the encoder and the decoder ---- */
/* Source rows [0, ns): t->enc_x, every encoder layer, t->memory. */
void nn_encoder_forward(trace *t, const model_params *p, const int *src_ids, const nn_shape *s);
/* The cross-attention keys and values of every decoder layer, from t->memory. */
void nn_memory_forward(trace *t, const model_params *p, const nn_shape *s);
/* Target rows [r0, r1) given tgt_ids[0..r1) (self-attention keys [0, r1), the causal mask when causal):
 * t->dec_x, every decoder layer, t->dec_out, t->logits [B, Lt, V] (and t->probs when not NULL). */
void nn_decoder_forward(trace *t, const model_params *p, const int *tgt_ids, int r0, int r1, int causal,
                        const nn_shape *s);
/* From dlogits [B, Lt, V]: the decoder's weight gradients into g, and s->dmem = d(t->memory). */
void nn_decoder_backward(model_params *g, nn_grads *s, const float *dlogits, const trace *t, const model_params *p,
                         const int *tgt_ids, const nn_shape *sh);
/* From s->dmem: the encoder's weight gradients into g. */
void nn_encoder_backward(model_params *g, nn_grads *s, const trace *t, const model_params *p, const int *src_ids,
                         const nn_shape *sh);

#endif
