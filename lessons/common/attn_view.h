/* attn_view.h - which attention sub-layer a lesson shows, for the shared
 * selection: the encoder self-attention, the decoder's masked self-attention
 * or the decoder's cross-attention. Lessons 5 (attention) and 6 (multi-head)
 * switch between the three with X and pick, the same way: the trace's arrays
 * and the model's parameters of that sub-layer, the layer clamped to that
 * stack, the head, the sizes, the row (query) and column (key) token labels
 * and the selected query row.
 *
 * Shapes (letters of engine/nn/model.h): scores, weights [H, L, L]; heads [H, L, K];
 * concat, out [L, D]; rows i < nq and columns j < nk are used (S or T).
 *
 * Both lessons also put the same header above their pictures (formula line,
 * info line, the button that switches the view); attn_view_header lays it out.
 *
 * Must not: change the trace or the parameters, or draw. The label strings
 * live in the lesson's scratch arena (valid for the call).
 */
#ifndef ATTN_VIEW_H
#define ATTN_VIEW_H

#include "lesson.h"

/* The model's three kinds of attention sub-layer: the one list of them that
 * the lessons, the attention overlay (key A) and the state dump use. */
enum { ATTN_ENC_SELF = 0, ATTN_DEC_SELF, ATTN_CROSS, ATTN_N_KINDS };

/* "encoder self-attention", "decoder masked self-attention", "decoder cross-attention". */
const char *attn_kind_name(int kind);
/* "encoder-self", "decoder-self", "cross": the --script dump's "kind" (docs/app.md). */
const char *attn_kind_slug(int kind);
/* Layers of that kind in tr's model (encoder or decoder layer count). */
int attn_kind_layers(const trace *tr, int kind);

typedef struct {
    const trace_attn *a;          /* the sub-layer's trace */
    const model_attn_params *p;   /* its parameters; NULL when ctx->params is NULL */
    int kind;                     /* ATTN_*: the one asked for, or ATTN_ENC_SELF when there is no decoder row */
    int layer, n_layers;          /* the selected layer clamped to 0..n_layers-1 of that stack */
    int head, H;                  /* sel->head mod H; H = n_heads */
    int L, dk, D;                 /* max_len (the trace's row stride), d_k = D / H, d_model */
    int nq, nk;                   /* query rows, key columns: S (encoder) or T (decoder) */
    const char *const *qlab, *const *klab;   /* row and column token labels */
    int row;                      /* selected query row: sel->token (encoder) or sel->step (decoder), 0 out of range */
} attn_view;

/* Fills v for kind (ATTN_*) from ctx's trace, parameters and selection; the
 * labels live in ctx->scratch (v->qlab is NULL when it ran out of memory). */
void attn_view_pick(const lesson_ctx *ctx, int kind, attn_view *v);

/* The most readable head of kind's maps in tr, for a slide: for self-attention
 * the lowest mean entropy of its rows (nats: a sharp map), for cross-attention
 * the highest mean of each row's largest weight (the clearest alignment). Heads
 * whose rows put their largest weight on one same key for 3 rows in 4 or more
 * (a "sink", often <eos>) are passed over, unless every head is one. Fills
 * *layer, *head (0-based) and *score (the entropy, or the mean largest weight);
 * returns how many heads were compared (0: no rows of that kind, nothing filled). */
int attn_view_best_head(const trace *tr, int kind, int *layer, int *head, float *score);

/* The label of the button (and key X) that switches from kind to the next one. */
const char *attn_view_next_label(int kind);

/* The token labels of the decoder's attention pictures (lesson 12, the A
 * overlay): src[S] the source tokens as read (an unknown word "typed→<unk>",
 * then <eos>), in[T] and out[T] what decoder row t reads and produces,
 * row[T] "reads → produces". In the arena s; 0, or -1 out of memory. */
typedef struct {
    const char **src, **in, **out, **row;
} attn_labels;
int attn_labels_make(lesson_scratch *s, const trace *tr, const tok_vocab *vocab, attn_labels *lab);

/* Layout only, in ctx->area: the formula line (body size) on top, below it the
 * info line and, at its right, the view button (250 px wide, small text).
 * Returns the y where the lesson's pictures start (a 10 px gap below). */
int attn_view_header(const lesson_ctx *ctx, SDL_Rect *formula, SDL_Rect *info, SDL_Rect *button);

#endif
