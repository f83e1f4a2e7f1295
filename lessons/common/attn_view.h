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
 * Must not: change the trace or the parameters, draw, or allocate. The label
 * strings live in static storage of attn_view.c and stay valid until the next
 * attn_view_pick (the lessons draw on one thread).
 */
#ifndef ATTN_VIEW_H
#define ATTN_VIEW_H

#include "lesson.h"

#define ATTN_VIEW_MAXL 128   /* at most this many query rows, key columns and labels */

enum { ATTN_VIEW_ENC_SELF = 0, ATTN_VIEW_DEC_SELF, ATTN_VIEW_DEC_CROSS, ATTN_VIEW_N_KINDS };

typedef struct {
    const trace_attn *a;          /* the sub-layer's trace */
    const model_attn_params *p;   /* its parameters; NULL when ctx->params is NULL */
    int kind;                     /* ATTN_VIEW_*: the one asked for, or ENC_SELF when there is no decoder row */
    int layer, n_layers;          /* the selected layer clamped to 0..n_layers-1 of that stack */
    int head, H;                  /* sel->head mod H; H = n_heads */
    int L, dk, D;                 /* max_len (the trace's row stride), d_k = D / H, d_model */
    int nq, nk;                   /* query rows, key columns: S (encoder) or T (decoder), at most ATTN_VIEW_MAXL */
    const char *const *qlab, *const *klab;   /* row and column token labels */
    int row;                      /* selected query row: sel->token (encoder) or sel->step (decoder), 0 out of range */
} attn_view;

/* Fills v for kind (ATTN_VIEW_*) from ctx's trace, parameters and selection. */
void attn_view_pick(const lesson_ctx *ctx, int kind, attn_view *v);

/* "encoder self-attention", "decoder masked self-attention", "decoder cross-attention". */
const char *attn_view_name(int kind);
/* "encoder-self", "decoder-self", "decoder-cross" (the --script dump's "kind"). */
const char *attn_view_slug(int kind);
/* The label of the button (and key X) that switches from kind to the next one. */
const char *attn_view_next_label(int kind);

/* Layout only, in ctx->area: the formula line (body size) on top, below it the
 * info line and, at its right, the view button (250 px wide, small text).
 * Returns the y where the lesson's pictures start (a 10 px gap below). */
int attn_view_header(const lesson_ctx *ctx, SDL_Rect *formula, SDL_Rect *info, SDL_Rect *button);

#endif
