/* lesson_addnorm.c - lesson 7, "Add & Norm": the residual sum x + Sublayer(x)
 * and the LayerNorm after it, post-LN as in the paper:
 *   out = LayerNorm(x + Sublayer(x)),  LayerNorm(z) = (z - mean) / std * gamma + beta.
 * For the selected encoder layer ([ ]) and sub-layer (attention or feed-forward:
 * buttons or the F key) it shows x, Sublayer(x), their sum and the LayerNorm
 * output as heatmaps [S x D], each token's mean and spread before (from the
 * trace) and after (display statistics of the output, labelled), gamma and beta
 * as bars, and the hovered token's D values before and after as a strip plot.
 *
 * Reads the trace: enc[l].input, enc[l].self.out, enc[l].norm1.*, enc[l].ffn.out,
 * enc[l].norm2.*, and params enc[l].norm1/2_weight/bias. The statistics of the
 * output rows are display math only (the model does not use them).
 *
 * Must not: change the trace, run the model, or draw outside ctx->area.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"

#define AN_MAXL 1024

typedef struct {
    int ffn;                 /* 0: after self-attention (norm1), 1: after the feed-forward (norm2) */
} addnorm_state;

typedef struct {
    SDL_Rect formula, btn_attn, btn_ffn, note;
    SDL_Rect mat[4], stats, strip, gamma, beta;
} addnorm_layout;

static int an_layer(const lesson_ctx *ctx)
{
    int nl = ctx->tr->cfg.n_enc_layers;
    int l = ctx->sel->layer;
    return l < 0 ? 0 : l >= nl ? nl - 1 : l;
}

/* The four [L, D] matrices of the chosen sub-layer, and gamma, beta. */
static void an_tensors(const addnorm_state *s, const lesson_ctx *ctx, const float *m[4], const trace_addnorm **an,
                       const float **gamma, const float **beta)
{
    int l = an_layer(ctx);
    const trace_enc_layer *E = &ctx->tr->enc[l];
    const model_enc_layer *P = &ctx->params->enc[l];
    if (!s->ffn) {
        m[0] = E->input;
        m[1] = E->self.out;
        *an = &E->norm1;
        *gamma = P->norm1_weight;
        *beta = P->norm1_bias;
    } else {
        m[0] = E->norm1.out;
        m[1] = E->ffn.out;
        *an = &E->norm2;
        *gamma = P->norm2_weight;
        *beta = P->norm2_bias;
    }
    m[2] = (*an)->sum;
    m[3] = (*an)->out;
}

static void an_layout(const lesson_ctx *ctx, addnorm_layout *L)
{
    ui_ctx *ui = ctx->ui;
    SDL_Rect a = ctx->area;
    memset(L, 0, sizeof *L);
    int pad = ui_px(ui, 8), lh = ui_line_height(ui, UI_SANS, UI_SIZE_BODY);
    int bh = ui_px(ui, 30), bw = ui_px(ui, 150);
    L->formula = (SDL_Rect){a.x, a.y + pad / 2, a.w, lh};
    int y = a.y + lh + pad;
    L->btn_attn = (SDL_Rect){a.x, y, bw, bh};
    L->btn_ffn = (SDL_Rect){a.x + bw + pad, y, bw, bh};
    L->note = (SDL_Rect){a.x + 2 * bw + 3 * pad, y, a.w - 2 * bw - 3 * pad, bh};
    y += bh + pad;
    int rest = a.y + a.h - y;
    int top_h = rest * 56 / 100;
    int w4 = (a.w - 3 * pad) / 4;
    for (int i = 0; i < 4; i++) L->mat[i] = (SDL_Rect){a.x + i * (w4 + pad), y, w4, top_h};
    int y2 = y + top_h + pad;
    int h2 = a.y + a.h - y2;
    int ws = a.w * 31 / 100, wp = a.w * 36 / 100;
    L->stats = (SDL_Rect){a.x, y2, ws, h2};
    L->strip = (SDL_Rect){a.x + ws + 2 * pad, y2, wp - 2 * pad, h2};
    int xg = a.x + ws + wp + pad;
    int wg = a.x + a.w - xg;
    L->gamma = (SDL_Rect){xg, y2, wg, (h2 - pad) / 2};
    L->beta = (SDL_Rect){xg, y2 + (h2 - pad) / 2 + pad, wg, (h2 - pad) / 2};
}

static void *an_init(const lesson_ctx *ctx)
{
    (void)ctx;
    return calloc(1, sizeof(addnorm_state));
}

static void an_free(void *st) { free(st); }

/* Per-token statistics [S, 4] (mean before, std before, mean after, std after):
 * before from the trace, after as display math on the output rows. */
static void an_stats(const trace_addnorm *an, int S, int D, float *stats)
{
    for (int i = 0; i < S; i++) {
        const float *o = an->out + (size_t)i * D;
        double mu = 0, var = 0;
        for (int d = 0; d < D; d++) mu += o[d];
        mu /= D;
        for (int d = 0; d < D; d++) var += (o[d] - mu) * (o[d] - mu);
        var /= D;
        stats[i * 4 + 0] = an->mean[i];
        stats[i * 4 + 1] = an->std[i];
        stats[i * 4 + 2] = (float)mu;
        stats[i * 4 + 3] = (float)sqrt(var);
    }
}

static const char *tok_label(const lesson_ctx *ctx, int i, char *buf, size_t n)
{
    snprintf(buf, n, "%d %s", i, tok_vocab_word(ctx->vocab, ctx->tr->src_ids[i]));
    return buf;
}

/* The hovered token's D values before (sum) and after (out) LayerNorm, as dots on
 * one shared axis, with the mean and mean +- std marked. */
static void draw_strip(const lesson_ctx *ctx, SDL_Rect r, int tok, const float *sum, const float *out, float mean, float std)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    int D = ctx->tr->cfg.d_model;
    char b[200], lab[64];
    snprintf(b, sizeof b, "token %s: its %d values", tok_label(ctx, tok, lab, sizeof lab), D);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, r.x, r.y, r.w, t->text, UI_LEFT, b);
    int lh = ui_line_height(ui, UI_BOLD, UI_SIZE_BODY);
    const float *row[2] = {sum + (size_t)tok * D, out + (size_t)tok * D};
    float lo = 0, hi = 0;
    for (int k = 0; k < 2; k++)
        for (int d = 0; d < D; d++) {
            if (row[k][d] < lo) lo = row[k][d];
            if (row[k][d] > hi) hi = row[k][d];
        }
    float m = fmaxf(fabsf(lo), fabsf(hi));
    if (m <= 0) m = 1;
    lo = -m * 1.05f;
    hi = m * 1.05f;
    int lab_w = ui_px(ui, 64);
    int x0 = r.x + lab_w, w = r.w - lab_w - ui_px(ui, 4);
    int y0 = r.y + lh + ui_px(ui, 4);
    int axis_h = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL) + ui_px(ui, 4);
    int band = (r.y + r.h - y0 - axis_h) / 2;
    if (band < ui_px(ui, 10)) return;
#define XOF(v) ((float)x0 + ((v) - lo) / (hi - lo) * (float)w)
    const char *names[2] = {"before", "after"};
    for (int k = 0; k < 2; k++) {
        int by = y0 + k * band;
        SDL_Rect lane = {x0, by + 2, w, band - 4};
        ui_fill(ui, lane, ui_alpha(t->panel_alt, 255));
        ui_text(ui, UI_BOLD, UI_SIZE_SMALL, r.x, by + band / 2, t->series[k], UI_LEFT | UI_MIDDLE, names[k]);
        double mu = 0, var = 0;
        for (int d = 0; d < D; d++) mu += row[k][d];
        mu /= D;
        for (int d = 0; d < D; d++) var += (row[k][d] - mu) * (row[k][d] - mu);
        float sd = (float)sqrt(var / D);
        if (k == 0) { mu = mean; sd = std; } /* the trace's own numbers (std includes eps) */
        float xa = XOF((float)mu - sd), xb = XOF((float)mu + sd);
        ui_fill(ui, (SDL_Rect){(int)xa, lane.y, (int)(xb - xa) > 1 ? (int)(xb - xa) : 1, lane.h}, ui_alpha(t->series[k], 60));
        ui_line(ui, XOF((float)mu), (float)lane.y, XOF((float)mu), (float)(lane.y + lane.h), (float)ui_px(ui, 2), t->series[k]);
        for (int d = 0; d < D; d++) {
            float v = row[k][d];
            float px = XOF(v);
            float py = (float)lane.y + (float)lane.h * (0.2f + 0.6f * (float)((d * 37) % D) / (float)D); /* jitter by dim */
            ui_circle(ui, px, py, (float)ui_px(ui, 3), t->series[k], 1);
            SDL_Rect hr = {(int)px - ui_px(ui, 3), (int)py - ui_px(ui, 3), ui_px(ui, 7), ui_px(ui, 7)};
            if (ui_mouse_in(ui, hr))
                ui_hover_value(ui, hr, v, "%s LayerNorm [%d][%d] (%s, dim %d)", k ? "after" : "before (x+Sublayer(x))", tok, d, lab, d);
        }
        SDL_Rect mr = {(int)XOF((float)mu) - ui_px(ui, 3), lane.y, ui_px(ui, 7), ui_px(ui, 8)};
        if (ui_mouse_in(ui, mr)) ui_hover_value(ui, mr, mu, "%s: mean of token %d (%s)", names[k], tok, lab);
    }
    /* axis */
    int ay = y0 + 2 * band;
    ui_line(ui, (float)x0, (float)ay, (float)(x0 + w), (float)ay, 1, t->border);
    float ticks[3] = {lo / 1.05f, 0, hi / 1.05f};
    for (int i = 0; i < 3; i++) {
        snprintf(b, sizeof b, "%.2f", (double)ticks[i]);
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, (int)XOF(ticks[i]), ay + 2, t->text_dim, UI_CENTER | UI_TOP, b);
    }
#undef XOF
}

static void an_draw(const void *st, const lesson_ctx *ctx)
{
    const addnorm_state *s = st;
    if (!s) return;
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const trace *tr = ctx->tr;
    int S = tr->n_src, D = tr->cfg.d_model, l = an_layer(ctx);
    if (S > AN_MAXL) S = AN_MAXL;
    addnorm_layout L;
    an_layout(ctx, &L);
    const float *m[4];
    const trace_addnorm *an;
    const float *g, *bt;
    an_tensors(s, ctx, m, &an, &g, &bt);
    char f[300];
    snprintf(f, sizeof f, "out = LayerNorm(x + Sublayer(x)),   LayerNorm(z) = (z \xE2\x88\x92 \xCE\xBC) / \xCF\x83 \xC2\xB7 \xCE\xB3 + \xCE\xB2"
                          "   : [%d\xC3\x97%d] \xE2\x86\x92 [%d\xC3\x97%d]", S, D, S, D);
    ui_formula(ui, UI_SIZE_BODY, L.formula.x, L.formula.y, t->accent, UI_LEFT, f);
    ui_button(ui, L.btn_attn, "after attention", !s->ffn);
    ui_button(ui, L.btn_ffn, "after feed-forward", s->ffn);
    snprintf(f, sizeof f, "encoder layer %d of %d ([ ])  \xC2\xB7  F switches  \xC2\xB7  post-LN, as in the paper", l + 1,
             tr->cfg.n_enc_layers);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L.note.x, L.note.y + L.note.h / 2, L.note.w, t->text_dim, UI_LEFT | UI_MIDDLE, f);

    static char lab[AN_MAXL][48];
    static const char *labs[AN_MAXL];
    for (int i = 0; i < S; i++) labs[i] = tok_label(ctx, i, lab[i], sizeof lab[i]);
    const char *sub = s->ffn ? "FFN(x)" : "MultiHead(x)";
    char titles[4][96];
    snprintf(titles[0], sizeof titles[0], "x [%d\xC3\x97%d]", S, D);
    snprintf(titles[1], sizeof titles[1], "+ %s", sub);
    snprintf(titles[2], sizeof titles[2], "= x + %s", sub);
    snprintf(titles[3], sizeof titles[3], "LayerNorm \xE2\x86\x92 out");
    const char *names[4] = {"x", s->ffn ? "FFN(x)" : "MultiHead(x)", "sum", "LayerNorm out"};
    int hov_tok = -1;
    /* one shared colour range for the first three, so the sum is comparable */
    float rng = 0;
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < S * D; i++) rng = fmaxf(rng, fabsf(m[k][i]));
    for (int k = 0; k < 4; k++) {
        ui_heatmap_spec h;
        ui_heatmap_defaults(&h);
        h.data = m[k];
        h.rows = S;
        h.cols = D;
        h.stride = D;
        h.row_labels = k == 0 ? labs : NULL;
        h.title = titles[k];
        h.name = names[k];
        h.cmap = UI_CMAP_DIVERGING;
        h.colorbar = k >= 2;
        if (k < 3) { h.fixed_range = 1; h.vmin = -rng; h.vmax = rng; }
        h.highlight_row = ctx->sel->token;
        ui_heatmap_out o;
        if (ui_heatmap(ui, L.mat[k], &h, &o)) {
            hov_tok = o.hover_row;
            char rl[64];
            tok_label(ctx, o.hover_row, rl, sizeof rl);
            ui_hover_value(ui, (SDL_Rect){o.cells.x + o.hover_col * o.cell_w, o.cells.y + o.hover_row * o.cell_h, o.cell_w, o.cell_h},
                           m[k][o.hover_row * D + o.hover_col], "%s[%d][%d] (%s, dim %d), encoder layer %d", names[k], o.hover_row,
                           o.hover_col, rl, o.hover_col, l + 1);
        }
    }
    /* per-token statistics table */
    static float stats[AN_MAXL * 4];
    an_stats(an, S, D, stats);
    static const char *cols[4] = {"\xCE\xBC in", "\xCF\x83 in", "\xCE\xBC out", "\xCF\x83 out"};
    ui_heatmap_spec h;
    ui_heatmap_defaults(&h);
    h.data = stats;
    h.rows = S;
    h.cols = 4;
    h.stride = 4;
    h.row_labels = labs;
    h.col_labels = cols;
    h.title = "\xCE\xBC and \xCF\x83 per token";
    h.name = "stats";
    h.cmap = UI_CMAP_DIVERGING;
    h.show_values = 1;
    h.colorbar = 0;
    h.highlight_row = hov_tok >= 0 ? hov_tok : ctx->sel->token;
    ui_heatmap_out o;
    if (ui_heatmap(ui, L.stats, &h, &o)) {
        hov_tok = o.hover_row;
        static const char *what[4] = {"mean before (trace)", "std before (trace, \xE2\x88\x9A(var+\xCE\xB5))",
                                      "mean after (display math on the output)", "std after (display math on the output)"};
        char rl[64];
        ui_hover_value(ui, (SDL_Rect){o.cells.x + o.hover_col * o.cell_w, o.cells.y + o.hover_row * o.cell_h, o.cell_w, o.cell_h},
                       stats[o.hover_row * 4 + o.hover_col], "%s, token %s", what[o.hover_col],
                       tok_label(ctx, o.hover_row, rl, sizeof rl));
    }
    int tok = hov_tok >= 0 ? hov_tok : ctx->sel->token >= 0 ? ctx->sel->token : 0;
    if (tok >= S) tok = S - 1;
    draw_strip(ctx, L.strip, tok, an->sum, an->out, an->mean[tok], an->std[tok]);
    /* gamma and beta */
    ui_bars_spec b;
    memset(&b, 0, sizeof b);
    b.values = g;
    b.n = D;
    b.name = "\xCE\xB3";  /* hover: "γ[d]" = norm1/2.weight[d] */
    b.highlight = -1;
    b.use_cmap = 0;
    char bt1[64], bt2[64];
    float glo = g[0], ghi = g[0], blo = bt[0], bhi = bt[0];
    for (int d = 1; d < D; d++) {
        glo = fminf(glo, g[d]); ghi = fmaxf(ghi, g[d]);
        blo = fminf(blo, bt[d]); bhi = fmaxf(bhi, bt[d]);
    }
    snprintf(bt1, sizeof bt1, "\xCE\xB3 [%d]: %.2f \xE2\x80\xA6 %.2f", D, (double)glo, (double)ghi);
    snprintf(bt2, sizeof bt2, "\xCE\xB2 [%d]: %.2f \xE2\x80\xA6 %.2f", D, (double)blo, (double)bhi);
    b.title = bt1;
    ui_bars(ui, L.gamma, &b);
    b.values = bt;
    b.title = bt2;
    b.name = "\xCE\xB2";
    ui_bars(ui, L.beta, &b);
}

static int an_event(void *st, const SDL_Event *ev, const lesson_ctx *ctx)
{
    addnorm_state *s = st;
    if (!s) return 0;
    addnorm_layout L;
    an_layout(ctx, &L);
    int want = -1;
    if (ev->type == SDL_MOUSEBUTTONDOWN && ev->button.button == SDL_BUTTON_LEFT) {
        if (ui_point_in(L.btn_attn, ev->button.x, ev->button.y)) want = 0;
        else if (ui_point_in(L.btn_ffn, ev->button.x, ev->button.y)) want = 1;
    }
    if (ev->type == SDL_KEYDOWN && ev->key.keysym.sym == SDLK_f && !(ev->key.keysym.mod & (KMOD_CTRL | KMOD_GUI | KMOD_ALT)))
        want = !s->ffn;
    if (want < 0) return 0;
    s->ffn = want;
    return 1;
}

static int an_dump(const void *st, const lesson_ctx *ctx, char *dst, size_t n)
{
    const addnorm_state *s = st;
    if (!s) return 0;
    addnorm_layout L;
    an_layout(ctx, &L);
    return snprintf(dst, n,
                    "{\"sublayer\": \"%s\", \"layer\": %d, \"mats\": [[%d, %d, %d, %d], [%d, %d, %d, %d], [%d, %d, %d, %d], "
                    "[%d, %d, %d, %d]], \"btn_ffn\": [%d, %d, %d, %d], \"stats\": [%d, %d, %d, %d], \"gamma\": [%d, %d, %d, %d], "
                    "\"beta\": [%d, %d, %d, %d]}",
                    s->ffn ? "ffn" : "attention", an_layer(ctx), L.mat[0].x, L.mat[0].y, L.mat[0].w, L.mat[0].h, L.mat[1].x,
                    L.mat[1].y, L.mat[1].w, L.mat[1].h, L.mat[2].x, L.mat[2].y, L.mat[2].w, L.mat[2].h, L.mat[3].x, L.mat[3].y,
                    L.mat[3].w, L.mat[3].h, L.btn_ffn.x, L.btn_ffn.y, L.btn_ffn.w, L.btn_ffn.h, L.stats.x, L.stats.y, L.stats.w,
                    L.stats.h, L.gamma.x, L.gamma.y, L.gamma.w, L.gamma.h, L.beta.x, L.beta.y, L.beta.w, L.beta.h);
}

const lesson lesson_addnorm = {
    .slug = "add-norm",
    .title = "Add & Norm",
    .keys = "F or the buttons: after attention / after the feed-forward",
    .init = an_init,
    .free = an_free,
    .handle_event = an_event,
    .draw = an_draw,
    .dump_json = an_dump,
};
