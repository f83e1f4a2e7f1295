/* attn_view.c - picks the attention sub-layer a lesson shows (encoder
 * self-attention, decoder masked self-attention, cross-attention) for the
 * shared selection, and lays out the header above the pictures; see
 * attn_view.h. Shared by lesson_attention.c and lesson_multihead.c.
 *
 * Must not: change the trace or the parameters, or draw.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "attn_view.h"

static const char *const kind_names[ATTN_N_KINDS] = {N_("encoder self-attention"), N_("decoder masked self-attention"),
                                                     N_("decoder cross-attention")};
static const char *const kind_slugs[ATTN_N_KINDS] = {"encoder-self", "decoder-self", "cross"};
static const char *const next_labels[ATTN_N_KINDS] = {N_("X: show decoder self-att."), N_("X: show cross-attention"),
                                                      N_("X: show encoder self-att.")};

static int kind_ok(int kind) { return kind >= 0 && kind < ATTN_N_KINDS ? kind : ATTN_ENC_SELF; }
const char *attn_kind_name(int kind) { return _(kind_names[kind_ok(kind)]); } /* as shown: translated */
const char *attn_kind_slug(int kind) { return kind_slugs[kind_ok(kind)]; }
const char *attn_view_next_label(int kind) { return _(next_labels[kind_ok(kind)]); }

int attn_kind_layers(const trace *tr, int kind)
{
    if (!tr) return 0;
    return kind_ok(kind) == ATTN_ENC_SELF ? tr->cfg.n_enc_layers : tr->cfg.n_dec_layers;
}

void attn_view_pick(const lesson_ctx *ctx, int kind, attn_view *v)
{
    const trace *tr = ctx->tr;
    const model_params *mp = ctx->params;
    memset(v, 0, sizeof *v);
    kind = kind_ok(kind);
    if (kind != ATTN_ENC_SELF && (tr->cfg.n_dec_layers < 1 || tr->n_tgt < 1)) kind = ATTN_ENC_SELF;
    v->kind = kind;
    v->H = tr->cfg.n_heads;
    v->L = tr->cfg.max_len;
    v->D = tr->cfg.d_model;
    v->dk = v->D / v->H;
    v->head = ctx->sel->head % v->H;
    v->n_layers = attn_kind_layers(tr, kind);
    v->layer = ctx->sel->layer < v->n_layers ? ctx->sel->layer : v->n_layers - 1;
    if (v->layer < 0) v->layer = 0;
    int S = tr->n_src, T = tr->n_tgt;
    const char **src = lesson_token_labels(ctx, tr->src_ids, S, LESSON_LABEL_TYPED);
    const char **tgt = lesson_token_labels(ctx, tr->tgt_ids, T, LESSON_LABEL_WORD);
    if (kind == ATTN_ENC_SELF) {
        v->a = &tr->enc[v->layer].self;
        v->p = mp ? &mp->enc[v->layer].self_attn : NULL;
        v->nq = v->nk = S;
        v->qlab = v->klab = src;
        v->row = ctx->sel->token;
    } else {
        int self = kind == ATTN_DEC_SELF;
        v->a = self ? &tr->dec[v->layer].self : &tr->dec[v->layer].cross;
        v->p = mp ? (self ? &mp->dec[v->layer].self_attn : &mp->dec[v->layer].cross_attn) : NULL;
        v->nq = T;
        v->nk = self ? T : S;
        v->qlab = tgt;
        v->klab = self ? tgt : src;
        v->row = ctx->sel->step;
    }
    if (v->row < 0 || v->row >= v->nq) v->row = 0;
    if (!src || !tgt) v->qlab = v->klab = NULL;
}

int attn_labels_make(lesson_scratch *s, const trace *tr, const tok_vocab *vocab, attn_labels *lab)
{
    int S = tr->n_src, T = tr->n_tgt;
    lab->src = lesson_scratch_alloc(s, sizeof(char *) * (size_t)(S + 1));
    lab->in = lesson_scratch_alloc(s, sizeof(char *) * (size_t)(T + 1));
    lab->out = lesson_scratch_alloc(s, sizeof(char *) * (size_t)(T + 1));
    lab->row = lesson_scratch_alloc(s, sizeof(char *) * (size_t)(T + 1));
    if (!lab->src || !lab->in || !lab->out || !lab->row) return -1;
    for (int i = 0; i < S; i++) {
        if (i < tr->n_words && tr->src_tokens[i].is_unk) {
            if (!(lab->src[i] = lesson_scratch_printf(s, _("%s\xE2\x86\x92<unk>"), tr->src_tokens[i].text))) return -1;
        } else {
            lab->src[i] = tok_vocab_word(vocab, tr->src_ids[i]);
        }
    }
    for (int t = 0; t < T; t++) {
        lab->in[t] = tok_vocab_word(vocab, tr->tgt_ids[t]);
        lab->out[t] = tok_vocab_word(vocab, tr->out_ids[t]);
        if (!(lab->row[t] = lesson_scratch_printf(s, "%s \xE2\x86\x92 %s", lab->in[t], lab->out[t]))) return -1;
    }
    return 0;
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

/* One head's readability: mean row entropy (self) or mean largest weight (cross),
 * and whether 3 rows in 4 share their largest key. */
static float head_score(const trace *tr, const trace_attn *a, int h, int nq, int nk, int causal, int cross, int *sink)
{
    double sum = 0.0;
    int rows = 0, top_same = 0, first_top = -1;
    for (int q = 0; q < nq; q++) {
        int n = causal ? q + 1 : nk;
        double ent = 0.0, mx = -1.0;
        int top = 0;
        for (int k = 0; k < n; k++) {
            double w = trace_attn_at(tr, a->weights, h, q, k);
            if (w > 0.0) ent -= w * log(w);
            if (w > mx) { mx = w; top = k; }
        }
        if (causal && q == 0) continue; /* the first decoder row has one key: nothing to compare */
        if (first_top < 0) first_top = top;
        top_same += top == first_top;
        sum += cross ? mx : ent;
        rows++;
    }
    *sink = rows > 1 && top_same * 4 >= rows * 3;
    return rows ? (float)(sum / rows) : (cross ? 0.0f : INFINITY);
}

int attn_view_best_head(const trace *tr, int kind, int *layer, int *head, float *score)
{
    kind = kind_ok(kind);
    int nl = attn_kind_layers(tr, kind), H = tr->cfg.n_heads;
    int nq = kind == ATTN_ENC_SELF ? tr->n_src : tr->n_tgt, nk = kind == ATTN_DEC_SELF ? tr->n_tgt : tr->n_src;
    if (nl < 1 || H < 1 || nq < 1 || nk < 1) return 0;
    int cross = kind == ATTN_CROSS, found = 0;
    for (int pass = 0; pass < 2 && !found; pass++) /* pass 0 skips the sinks; pass 1 takes any head */
        for (int l = 0; l < nl; l++)
            for (int h = 0; h < H; h++) {
                const trace_attn *a = kind == ATTN_ENC_SELF ? &tr->enc[l].self : kind == ATTN_DEC_SELF ? &tr->dec[l].self : &tr->dec[l].cross;
                int sink;
                float s = head_score(tr, a, h, nq, nk, kind == ATTN_DEC_SELF, cross, &sink);
                if (pass == 0 && sink) continue;
                if (!found || (cross ? s > *score : s < *score)) { *layer = l; *head = h; *score = s; found = 1; }
            }
    return nl * H;
}
