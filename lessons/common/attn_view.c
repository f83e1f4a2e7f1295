/* attn_view.c - picks the attention sub-layer a lesson shows (encoder
 * self-attention, decoder masked self-attention, cross-attention) for the
 * shared selection, and lays out the header above the pictures; see
 * attn_view.h. Shared by lesson_attention.c and lesson_multihead.c.
 *
 * Must not: change the trace or the parameters, draw, or allocate.
 */
#include <stdio.h>
#include <string.h>

#include "attn_view.h"

#define LABW 64

static const char *const kind_names[ATTN_VIEW_N_KINDS] = {"encoder self-attention", "decoder masked self-attention",
                                                          "decoder cross-attention"};
static const char *const kind_slugs[ATTN_VIEW_N_KINDS] = {"encoder-self", "decoder-self", "decoder-cross"};
static const char *const next_labels[ATTN_VIEW_N_KINDS] = {"X: show decoder self-att.", "X: show cross-attention",
                                                           "X: show encoder self-att."};

static int kind_ok(int kind) { return kind >= 0 && kind < ATTN_VIEW_N_KINDS ? kind : ATTN_VIEW_ENC_SELF; }
const char *attn_view_name(int kind) { return kind_names[kind_ok(kind)]; }
const char *attn_view_slug(int kind) { return kind_slugs[kind_ok(kind)]; }
const char *attn_view_next_label(int kind) { return next_labels[kind_ok(kind)]; }

/* Token labels of the live trace: the source as typed (then <eos>), the decoder input. */
static char src_lab[ATTN_VIEW_MAXL][LABW], tgt_lab[ATTN_VIEW_MAXL][LABW];
static const char *src_ptr[ATTN_VIEW_MAXL], *tgt_ptr[ATTN_VIEW_MAXL];

static void fill_labels(const lesson_ctx *ctx)
{
    const trace *tr = ctx->tr;
    for (int i = 0; i < tr->n_src && i < ATTN_VIEW_MAXL; i++) {
        const char *w = i < tr->n_words ? tr->src_tokens[i].text : tok_vocab_word(ctx->vocab, tr->src_ids[i]);
        snprintf(src_lab[i], LABW, "%s", w);
        src_ptr[i] = src_lab[i];
    }
    for (int i = 0; i < tr->n_tgt && i < ATTN_VIEW_MAXL; i++) {
        snprintf(tgt_lab[i], LABW, "%s", tok_vocab_word(ctx->vocab, tr->tgt_ids[i]));
        tgt_ptr[i] = tgt_lab[i];
    }
}

void attn_view_pick(const lesson_ctx *ctx, int kind, attn_view *v)
{
    const trace *tr = ctx->tr;
    const model_params *mp = ctx->params;
    memset(v, 0, sizeof *v);
    fill_labels(ctx);
    kind = kind_ok(kind);
    if (kind != ATTN_VIEW_ENC_SELF && (tr->cfg.n_dec_layers < 1 || tr->n_tgt < 1)) kind = ATTN_VIEW_ENC_SELF;
    v->kind = kind;
    v->H = tr->cfg.n_heads;
    v->L = tr->cfg.max_len;
    v->D = tr->cfg.d_model;
    v->dk = v->D / v->H;
    v->head = ctx->sel->head % v->H;
    v->n_layers = kind == ATTN_VIEW_ENC_SELF ? tr->cfg.n_enc_layers : tr->cfg.n_dec_layers;
    v->layer = ctx->sel->layer < v->n_layers ? ctx->sel->layer : v->n_layers - 1;
    if (v->layer < 0) v->layer = 0;
    int S = tr->n_src < ATTN_VIEW_MAXL ? tr->n_src : ATTN_VIEW_MAXL;
    int T = tr->n_tgt < ATTN_VIEW_MAXL ? tr->n_tgt : ATTN_VIEW_MAXL;
    if (kind == ATTN_VIEW_ENC_SELF) {
        v->a = &tr->enc[v->layer].self;
        v->p = mp ? &mp->enc[v->layer].self_attn : NULL;
        v->nq = v->nk = S;
        v->qlab = v->klab = src_ptr;
        v->row = ctx->sel->token;
    } else {
        int self = kind == ATTN_VIEW_DEC_SELF;
        v->a = self ? &tr->dec[v->layer].self : &tr->dec[v->layer].cross;
        v->p = mp ? (self ? &mp->dec[v->layer].self_attn : &mp->dec[v->layer].cross_attn) : NULL;
        v->nq = T;
        v->nk = self ? T : S;
        v->qlab = tgt_ptr;
        v->klab = self ? tgt_ptr : src_ptr;
        v->row = ctx->sel->step;
    }
    if (v->row < 0 || v->row >= v->nq) v->row = 0;
}

int attn_view_header(const lesson_ctx *ctx, SDL_Rect *formula, SDL_Rect *info, SDL_Rect *button)
{
    ui_ctx *ui = ctx->ui;
    SDL_Rect a = ctx->area;
    int pad = ui_px(ui, 10);
    int lf = ui_line_height(ui, UI_SANS, UI_SIZE_BODY), li = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int bw = ui_px(ui, 250), bh = li + ui_px(ui, 8);
    *formula = (SDL_Rect){a.x, a.y, a.w, lf};
    *button = (SDL_Rect){a.x + a.w - bw, a.y + lf, bw, bh};
    *info = (SDL_Rect){a.x, a.y + lf, a.w - bw - pad, bh};
    return a.y + lf + bh + pad;
}
