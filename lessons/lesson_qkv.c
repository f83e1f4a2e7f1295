/* lesson_qkv.c - lesson 4, "Q, K and V": one layer's input X [S x D] times
 * the selected head's slice of W_Q, W_K, W_V (rows h*K .. h*K+K-1 of
 * in_proj_weight, PyTorch layout [3D, D]) plus the bias gives that head's
 * Q, K, V [S x K]. The three products sit in three rows fed by ONE X, which is
 * the article's "Q = K = V" remark made precise: in self-attention all three
 * come from the same input, through three different learned projections.
 * A mode switch (M key or the buttons) shows the decoder's masked
 * self-attention (X = the decoder layer's input) or its cross-attention
 * (Q from the decoder, K and V from the encoder memory).
 *
 * Shown values: X from the trace (enc[l].input, dec[l].input, dec[l].norm1.out,
 * memory), Q/K/V from the trace (self.q/k/v, cross.q/k/v), the weights from
 * ctx->params. Nothing is recomputed.
 *
 * Must not: change the trace, run the model, or draw outside ctx->area.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attn_view.h"
#include "lesson.h"
#include "lesson_layout.h"

typedef struct {
    int mode;   /* ATTN_ENC_SELF, ATTN_DEC_SELF or ATTN_CROSS */
} qkv_state;

typedef struct {
    SDL_Rect formula, info, mode_btn[ATTN_N_KINDS];
    SDL_Rect x[2];        /* input heatmaps: [0] feeds Q (and K, V unless cross), [1] feeds K, V in cross mode */
    SDL_Rect row_title[3], row_sub[3], w[3], r[3];
    int cross;
} qkv_layout;

/* What the current mode, layer and head read. */
typedef struct {
    int layer, head, n_layers;
    const float *x[2];        /* [L, D] inputs */
    int x_rows[2];
    const int *x_ids[2];      /* ids naming the rows */
    const char *x_name[2];
    const float *w;           /* in_proj_weight [3D, D] */
    const float *b;           /* in_proj_bias [3D] */
    const float *out[3];      /* q, k, v [H, L, K] */
    int out_rows[3];
    int out_ids_from[3];      /* which x the rows are named by */
} qkv_src;

/* The sub-layer (attn_view_pick: layer, head, its trace and parameters) and
 * the inputs X it projects, which differ by kind. */
static void qkv_source(const qkv_state *s, const lesson_ctx *ctx, qkv_src *q)
{
    const trace *tr = ctx->tr;
    attn_view v;
    attn_view_pick(ctx, s ? s->mode : ATTN_ENC_SELF, &v);
    memset(q, 0, sizeof *q);
    q->layer = v.layer;
    q->head = v.head;
    q->n_layers = v.n_layers;
    q->w = v.p ? v.p->in_proj_weight : NULL;
    q->b = v.p ? v.p->in_proj_bias : NULL;
    q->out[0] = v.a->q; q->out[1] = v.a->k; q->out[2] = v.a->v;
    q->out_rows[0] = v.nq;
    q->out_rows[1] = q->out_rows[2] = v.nk;
    const int l = v.layer;
    if (v.kind == ATTN_ENC_SELF) {
        q->x[0] = q->x[1] = tr->enc[l].input;
        q->x_rows[0] = q->x_rows[1] = tr->n_src;
        q->x_ids[0] = q->x_ids[1] = tr->src_ids;
        q->x_name[0] = q->x_name[1] = l == 0 ? _("X = embeddings + PE") : _("X = output of the layer below");
    } else if (v.kind == ATTN_DEC_SELF) {
        q->x[0] = q->x[1] = tr->dec[l].input;
        q->x_rows[0] = q->x_rows[1] = tr->n_tgt;
        q->x_ids[0] = q->x_ids[1] = tr->tgt_ids;
        q->x_name[0] = q->x_name[1] = l == 0 ? _("X = decoder embeddings + PE") : _("X = output of the decoder layer below");
    } else {
        q->x[0] = tr->dec[l].norm1.out;
        q->x_rows[0] = tr->n_tgt;
        q->x_ids[0] = tr->tgt_ids;
        q->x_name[0] = _("decoder side, after masked self-attention + norm");
        q->x[1] = tr->memory;
        q->x_rows[1] = tr->n_src;
        q->x_ids[1] = tr->src_ids;
        q->x_name[1] = _("the encoder's output (memory)");
        q->out_ids_from[1] = q->out_ids_from[2] = 1;
    }
}

static void qkv_layout_compute(const lesson_ctx *ctx, int mode, qkv_layout *L)
{
    ui_ctx *ui = ctx->ui;
    SDL_Rect a = ctx->area;
    int lh = ui_line_height(ui, UI_SANS, UI_SIZE_BODY), sh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int pad = ui_px(ui, 8);
    int y = lesson_formula_line(ctx, &L->formula);
    int bh = sh + ui_px(ui, 8), bw = ui_px(ui, 150);
    int bx = a.x + a.w - ATTN_N_KINDS * (bw + pad / 2);
    for (int m = 0; m < ATTN_N_KINDS; m++) L->mode_btn[m] = (SDL_Rect){bx + m * (bw + pad / 2), y, bw, bh};
    L->info = (SDL_Rect){a.x, y + (bh - sh) / 2, bx - a.x - pad, sh};
    y += bh + pad;
    int h = a.y + a.h - y;
    int gap = ui_px(ui, 34), gap2 = ui_px(ui, 84); /* gap2: room for the shape on the arrow */
    int xw = a.w * 27 / 100, ww = a.w * 28 / 100;
    int rw = a.w - xw - ww - gap - gap2;
    L->cross = mode == ATTN_CROSS;
    int rowh = h / 3;
    for (int k = 0; k < 3; k++) {
        int ry = y + k * rowh;
        L->row_title[k] = (SDL_Rect){a.x + xw + gap, ry, ww + gap2 + rw, lh};
        L->row_sub[k] = (SDL_Rect){a.x + xw + gap, ry + lh, ww + gap2 + rw, sh};
        L->w[k] = (SDL_Rect){a.x + xw + gap, ry + lh + sh, ww, rowh - lh - sh - pad};
        L->r[k] = (SDL_Rect){a.x + xw + gap + ww + gap2, ry + lh + sh, rw, rowh - lh - sh - pad};
    }
    if (L->cross) {
        L->x[0] = (SDL_Rect){a.x, y, xw, rowh - pad - sh};
        L->x[1] = (SDL_Rect){a.x, y + rowh, xw, 2 * rowh - pad - sh};
    } else {
        L->x[0] = L->x[1] = (SDL_Rect){a.x, y, xw, 3 * rowh - pad - 2 * sh};
    }
}

/* lesson.layout (into zeroed memory) */
static void qkv_layout_of(const void *st, const lesson_ctx *ctx, void *L) { qkv_layout_compute(ctx, ((const qkv_state *)st)->mode, L); }

static const char *const pname[3] = {"Q", "K", "V"};
static const char *const wname[3] = {"W_Q", "W_K", "W_V"};

/* The input(s) [rows x D] as heatmaps with their names; xo[k] gets where they were drawn. */
static void draw_inputs(const qkv_state *s, const lesson_ctx *ctx, const qkv_layout *L, const qkv_src *q,
                        const char *const *labs[2], ui_heatmap_out xo[2])
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    int D = ctx->tr->cfg.d_model;
    char b[400];
    int nx = L->cross ? 2 : 1;
    memset(xo, 0, 2 * sizeof *xo);
    for (int k = 0; k < nx; k++) {
        ui_heatmap_spec hs = ui_heatmap_matrix(q->x[k], q->x_rows[k], D, UI_CMAP_DIVERGING, "X");
        hs.row_labels = labs[k];
        snprintf(b, sizeof b, "%s : [%d\xC3\x97%d]", L->cross ? (k ? _("memory") : _("X (decoder)")) : "X", q->x_rows[k], D);
        hs.title = b;
        hs.highlight_row = (k == 1 || !L->cross) && s->mode != ATTN_DEC_SELF ? ctx->sel->token : -1;
        if (ui_heatmap(ui, L->x[k], &hs, &xo[k])) {
            int i = xo[k].hover_row, d = xo[k].hover_col;
            ui_hover_value(ui, lesson_hover_cell(&xo[k]), q->x[k][i * D + d], _("%s[%d][%d] (\xE2\x80\x9C%s\xE2\x80\x9D, dim %d), layer %d"),
                           L->cross ? (k ? _("memory") : "X") : "X", i, d, tok_vocab_word(ctx->vocab, q->x_ids[k][i]), d, q->layer + 1);
        }
        ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->x[k].x, xo[k].cells.y + xo[k].cells.h + ui_px(ui, 4), L->x[k].w, t->text_dim,
                    UI_LEFT, q->x_name[k]);
    }
    if (!L->cross) {
        int ty = xo[0].cells.y + xo[0].cells.h + ui_px(ui, 4) + ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
        ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, L->x[0].x, ty, L->x[0].w, t->accent, UI_LEFT,
                    _("the same X feeds Q, K and V"));
    }
}

/* Projection p (Q, K or V) of head h: its title, the arrow from its input, the
 * head's rows of in_proj_weight [K x D], the arrow with the result's shape, and
 * the result [rows x K] from the trace. */
static void draw_projection(const qkv_state *s, const lesson_ctx *ctx, const qkv_layout *L, const qkv_src *q,
                            const char *const *labs[2], const ui_heatmap_out xo[2], int p)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    int D = ctx->tr->cfg.d_model, K = D / ctx->tr->cfg.n_heads, Lc = ctx->tr->cfg.max_len, h = q->head;
    int xi = q->out_ids_from[p];
    int rows = q->out_rows[p];
    const float *W = q->w + ((size_t)p * (size_t)D + (size_t)h * (size_t)K) * (size_t)D; /* [K, D] */
    char b[400];
    snprintf(b, sizeof b, "%s = %s\xC2\xB7%s\xE1\xB5\x80 + b : [%d\xC3\x97%d]\xC2\xB7[%d\xC3\x97%d] \xE2\x86\x92 [%d\xC3\x97%d]", pname[p],
             L->cross && xi ? _("memory") : "X", wname[p], rows, D, D, K, rows, K);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, L->row_title[p].x, L->row_title[p].y, L->row_title[p].w, t->text, UI_LEFT, b);
    /* arrow from the input to this row */
    SDL_Rect src = xo[L->cross ? xi : 0].cells;
    float ax = (float)(src.x + src.w + ui_px(ui, 4)), ay = (float)(src.y + src.h / 2);
    ui_arrow(ui, ax, ay, (float)(L->w[p].x - ui_px(ui, 4)), (float)(L->w[p].y + L->w[p].h / 2), (float)ui_px(ui, 2.5f),
             t->series[p]);
    ui_heatmap_spec ws = ui_heatmap_matrix(W, K, D, UI_CMAP_DIVERGING, wname[p]);
    snprintf(b, sizeof b, _("%s of head %d = rows %d..%d of in_proj_weight, drawn as stored [%d\xC3\x97%d]"),
             wname[p], h + 1, p * D + h * K, p * D + h * K + K - 1, K, D);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->row_sub[p].x, L->row_sub[p].y, L->row_sub[p].w, t->text_dim, UI_LEFT, b);
    ui_heatmap_out wo;
    if (ui_heatmap(ui, L->w[p], &ws, &wo)) {
        int j = wo.hover_row, d = wo.hover_col;
        ui_hover_value(ui, lesson_hover_cell(&wo), W[j * D + d], _("%s head %d row %d (%s dim %d) col %d (input dim %d): in_proj_weight[%d][%d]"),
                       wname[p], h + 1, j, pname[p], j, d, d, p * D + h * K + j, d);
    }
    /* arrow to the result, with the result's shape on it, from the end of W's colour bar (its numbers) */
    float ay0 = (float)(wo.cells.y + wo.cells.h / 2), ax0 = (float)(L->w[p].x + L->w[p].w + ui_px(ui, 6));
    float ax1 = (float)(L->r[p].x - ui_px(ui, 6));
    ui_arrow(ui, ax0, ay0, ax1, ay0, (float)ui_px(ui, 2.5f), t->series[p]);
    snprintf(b, sizeof b, "[%d\xC3\x97%d]", rows, K);
    ui_text(ui, UI_BOLD, UI_SIZE_SMALL, ui_f2i((ax0 + ax1) / 2), ui_f2i(ay0) - ui_px(ui, 3), t->series[p], UI_CENTER | UI_BOTTOM, b);
    ui_text(ui, UI_SANS, UI_SIZE_SMALL, ui_f2i((ax0 + ax1) / 2), ui_f2i(ay0) + ui_px(ui, 3), t->text_dim, UI_CENTER | UI_TOP, "+ b");
    ui_heatmap_spec rs = ui_heatmap_matrix(q->out[p] + (size_t)h * (size_t)Lc * (size_t)K, rows, K, UI_CMAP_DIVERGING, pname[p]);
    rs.row_labels = labs[xi];
    rs.col_labels = NULL;
    rs.highlight_row = (s->mode == ATTN_ENC_SELF || (L->cross && xi)) ? ctx->sel->token : -1; /* Up/Down: a source token */
    ui_heatmap_out ro;
    if (ui_heatmap(ui, L->r[p], &rs, &ro)) {
        int i = ro.hover_row, j = ro.hover_col;
        ui_hover_value(ui, lesson_hover_cell(&ro), rs.data[i * K + j], _("%s head %d [%d][%d] (\xE2\x80\x9C%s\xE2\x80\x9D, dim %d) = %s[%d]\xC2\xB7%s[%d] + b_%s[%d], layer %d"),
                       pname[p], h + 1, i, j, tok_vocab_word(ctx->vocab, q->x_ids[xi][i]), j, L->cross && xi ? _("memory") : "X", i,
                       wname[p], h * K + j, pname[p], h * K + j, q->layer + 1);
    }
}

static void qkv_draw(const void *st, const lesson_ctx *ctx)
{
    const qkv_state *s = st;
    const qkv_layout *L = ctx->layout;
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const trace *tr = ctx->tr;
    int D = tr->cfg.d_model, H = tr->cfg.n_heads, K = D / H;
    qkv_src q;
    qkv_source(s, ctx, &q);
    const char *const *labs[2] = {lesson_token_labels(ctx, q.x_ids[0], q.x_rows[0], LESSON_LABEL_NUMBERED),
                                  lesson_token_labels(ctx, q.x_ids[1], q.x_rows[1], LESSON_LABEL_NUMBERED)};
    if (!labs[0] || !labs[1]) {
        lesson_no_memory(ctx);
        return;
    }
    char b[400];
    snprintf(b, sizeof b, _("Q = X\xC2\xB7W_Q\xE1\xB5\x80 + b_Q,   K = X\xC2\xB7W_K\xE1\xB5\x80 + b_K,   V = X\xC2\xB7W_V\xE1\xB5\x80 + b_V"
                          "      per head: d_k = D / H = %d / %d = %d"), D, H, K);
    ui_formula(ui, UI_SIZE_BODY, L->formula.x, L->formula.y, t->accent, UI_LEFT, b);
    snprintf(b, sizeof b, _("%s \xC2\xB7 layer %d/%d \xC2\xB7 head %d/%d   ([ ] , . M)"), attn_kind_name(s->mode),
             q.layer + 1, q.n_layers, q.head + 1, H);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, L->info.x, L->info.y, L->info.w, t->text, UI_LEFT, b);
    const char *const short_modes[ATTN_N_KINDS] = {_("encoder self"), _("decoder self"), C_("attention button", "cross")};
    for (int m = 0; m < ATTN_N_KINDS; m++) ui_button(ui, L->mode_btn[m], short_modes[m], m == s->mode);
    ui_heatmap_out xo[2];
    draw_inputs(s, ctx, L, &q, labs, xo);
    for (int p = 0; p < 3; p++) draw_projection(s, ctx, L, &q, labs, xo, p);
}

static int qkv_event(void *st, const SDL_Event *ev, const lesson_ctx *ctx)
{
    qkv_state *s = st;
    if (ev->type == SDL_KEYDOWN && ev->key.keysym.sym == SDLK_m && !(ev->key.keysym.mod & (KMOD_CTRL | KMOD_GUI))) {
        s->mode = (s->mode + 1) % ATTN_N_KINDS;
        return 1;
    }
    if (ev->type == SDL_MOUSEBUTTONDOWN && ev->button.button == SDL_BUTTON_LEFT) {
        const qkv_layout *L = ctx->layout;
        for (int m = 0; m < ATTN_N_KINDS; m++)
            if (ui_point_in(L->mode_btn[m], ev->button.x, ev->button.y)) { s->mode = m; return 1; }
    }
    return 0;
}

static int qkv_dump(const void *st, const lesson_ctx *ctx, char *dst, size_t n)
{
    const qkv_state *s = st;
    const qkv_layout *L = ctx->layout;
    qkv_src q;
    qkv_source(s, ctx, &q);
    return snprintf(dst, n,
                    "{\"mode\": %d, \"mode_name\": \"%s\", \"layer\": %d, \"head\": %d, \"x\": [[%d, %d, %d, %d], [%d, %d, %d, %d]], "
                    "\"w\": [[%d, %d, %d, %d], [%d, %d, %d, %d], [%d, %d, %d, %d]], "
                    "\"out\": [[%d, %d, %d, %d], [%d, %d, %d, %d], [%d, %d, %d, %d]], \"mode_buttons\": [[%d, %d, %d, %d], [%d, %d, %d, %d], [%d, %d, %d, %d]]}",
                    s->mode, attn_kind_name(s->mode), q.layer, q.head, L->x[0].x, L->x[0].y, L->x[0].w, L->x[0].h, L->x[1].x, L->x[1].y,
                    L->x[1].w, L->x[1].h, L->w[0].x, L->w[0].y, L->w[0].w, L->w[0].h, L->w[1].x, L->w[1].y, L->w[1].w, L->w[1].h, L->w[2].x,
                    L->w[2].y, L->w[2].w, L->w[2].h, L->r[0].x, L->r[0].y, L->r[0].w, L->r[0].h, L->r[1].x, L->r[1].y, L->r[1].w, L->r[1].h,
                    L->r[2].x, L->r[2].y, L->r[2].w, L->r[2].h, L->mode_btn[0].x, L->mode_btn[0].y, L->mode_btn[0].w, L->mode_btn[0].h,
                    L->mode_btn[1].x, L->mode_btn[1].y, L->mode_btn[1].w, L->mode_btn[1].h, L->mode_btn[2].x, L->mode_btn[2].y,
                    L->mode_btn[2].w, L->mode_btn[2].h);
}

const lesson lesson_qkv = {
    .slug = "qkv", .title = N_("Q, K and V"),
    .keys = N_("M or the buttons: encoder self / decoder masked / cross-attention mode"),
    .state_size = sizeof(qkv_state), .layout_size = sizeof(qkv_layout), .layout = qkv_layout_of,
    .handle_event = qkv_event, .draw = qkv_draw, .dump_json = qkv_dump,
};
