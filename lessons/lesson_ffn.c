/* lesson_ffn.c - lesson 8, "Feed-forward": the position-wise network of every
 * encoder layer,
 *   FFN(x) = max(0, x W1^T + b1) W2^T + b2 : [S x D].[D x F] -> [S x F] -> [S x D],
 * the same weights at every position. It shows the input x (norm1.out), the F
 * hidden units per token after ReLU as a heatmap (which units fire for which
 * token), the ReLU sparsity (share of zeros per token and overall), how many
 * tokens each unit fires for, and the output FFN(x).
 *
 * Reads the trace: enc[l].norm1.out, enc[l].ffn.hidden, enc[l].ffn.out. Zero
 * counts are display statistics of the trace, not model math.
 *
 * Must not: change the trace, run the model, or draw outside ctx->area.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"

#define FFN_MAXL 1024
#define FFN_MAXF 4096

typedef struct {
    SDL_Rect formula, note, x, hidden, out, tok_bars, unit_bars;
} ffn_layout;

static int ffn_layer(const lesson_ctx *ctx)
{
    int nl = ctx->tr->cfg.n_enc_layers, l = ctx->sel->layer;
    return l < 0 ? 0 : l >= nl ? nl - 1 : l;
}

static void ffn_layout_compute(const lesson_ctx *ctx, ffn_layout *L)
{
    ui_ctx *ui = ctx->ui;
    SDL_Rect a = ctx->area;
    memset(L, 0, sizeof *L);
    int pad = ui_px(ui, 8), lh = ui_line_height(ui, UI_SANS, UI_SIZE_BODY), sh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    L->formula = (SDL_Rect){a.x, a.y + pad / 2, a.w, lh};
    L->note = (SDL_Rect){a.x, a.y + pad / 2 + lh, a.w, sh};
    int y = a.y + lh + sh + pad;
    int rest = a.y + a.h - y;
    int top_h = rest * 64 / 100;
    int wx = a.w * 17 / 100, wo = a.w * 14 / 100;
    int wh = a.w - wx - wo - 2 * pad;
    L->x = (SDL_Rect){a.x, y, wx, top_h};
    L->hidden = (SDL_Rect){a.x + wx + pad, y, wh, top_h};
    L->out = (SDL_Rect){a.x + wx + wh + 2 * pad, y, wo, top_h};
    int y2 = y + top_h + pad;
    int h2 = a.y + a.h - y2;
    L->tok_bars = (SDL_Rect){a.x, y2, wx + pad / 2, h2};
    L->unit_bars = (SDL_Rect){a.x + wx + pad, y2, wh, h2};
}

static const char *tok_label(const lesson_ctx *ctx, int i, char *buf, size_t n)
{
    snprintf(buf, n, "%d %s", i, tok_vocab_word(ctx->vocab, ctx->tr->src_ids[i]));
    return buf;
}

/* How many tokens unit u fires for (hidden > 0) among the S rows. */
static int unit_fires(const float *hidden, int S, int F, int u)
{
    int n = 0;
    for (int i = 0; i < S; i++) n += hidden[(size_t)i * F + u] > 0.0f;
    return n;
}


/* The [S x F] hidden activations as a heatmap whose columns may be fractions of
 * a pixel apart (F is large); reports the hovered cell. Returns the cell area. */
static void hidden_map(const lesson_ctx *ctx, SDL_Rect r, const char *title, const float *hid, int S, int F, float vmax,
                       const float *fires, SDL_Rect *cells_out, int *hov_tok, int *hov_unit)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, r.x, r.y, r.w, t->text, UI_LEFT, title);
    int lh = ui_line_height(ui, UI_BOLD, UI_SIZE_BODY), sh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int cb_w = ui_px(ui, 64);
    SDL_Rect c = {r.x, r.y + lh + sh + ui_px(ui, 4), r.w - cb_w, 0};
    c.h = r.y + r.h - c.y;
    int ch = c.h / S;
    if (ch > ui_px(ui, 64)) ch = ui_px(ui, 64);
    if (ch < 1) ch = 1;
    c.h = ch * S;
    *cells_out = c;
    float cw = (float)c.w / (float)F;
    /* unit index ticks */
    char b[64];
    for (int u = 0; u < F; u += 32) {
        snprintf(b, sizeof b, "%d", u);
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, c.x + (int)(u * cw), c.y - ui_px(ui, 2), t->text_dim, UI_LEFT | UI_BOTTOM, b);
    }
    for (int i = 0; i < S; i++)
        for (int u = 0; u < F; u++) {
            int x0 = c.x + (int)(u * cw), x1 = c.x + (int)((u + 1) * cw);
            float v = hid[(size_t)i * F + u];
            ui_fill(ui, (SDL_Rect){x0, c.y + i * ch, x1 - x0 > 0 ? x1 - x0 : 1, ch}, ui_viridis(v / vmax));
        }
    ui_frame(ui, (SDL_Rect){c.x - 1, c.y - 1, c.w + 2, c.h + 2}, t->border, 1);
    if (ctx->sel->token >= 0 && ctx->sel->token < S)
        ui_frame(ui, (SDL_Rect){c.x - 1, c.y + ctx->sel->token * ch - 1, c.w + 2, ch + 2}, t->accent, ui_px(ui, 2));
    /* colour bar */
    SDL_Rect bar = {c.x + c.w + ui_px(ui, 6), c.y, ui_px(ui, 14), c.h > ui_px(ui, 80) ? c.h : ui_px(ui, 80)};
    for (int k = 0; k < bar.h; k++)
        ui_fill(ui, (SDL_Rect){bar.x, bar.y + k, bar.w, 1}, ui_viridis(1.0f - (float)k / (float)(bar.h - 1)));
    snprintf(b, sizeof b, "%.2f", (double)vmax);
    ui_text(ui, UI_SANS, UI_SIZE_SMALL, bar.x + bar.w + 3, bar.y, t->text_dim, UI_LEFT | UI_TOP, b);
    ui_text(ui, UI_SANS, UI_SIZE_SMALL, bar.x + bar.w + 3, bar.y + bar.h, t->text_dim, UI_LEFT | UI_BOTTOM, "0");
    if (ui_mouse_in(ui, c)) {
        int u = (int)((float)(ui->mouse_x - c.x) / cw), i = (ui->mouse_y - c.y) / ch;
        if (u >= 0 && u < F && i >= 0 && i < S) {
            char rl[64];
            float v = hid[(size_t)i * F + u];
            int x0 = c.x + (int)(u * cw);
            SDL_Rect cell = {x0, c.y + i * ch, (int)cw > 0 ? (int)cw : 1, ch};
            ui_frame(ui, (SDL_Rect){cell.x - 1, c.y - 1, cell.w + 2, c.h + 2}, t->accent, 1);
            ui_hover_value(ui, cell, v, "hidden[%d][%d] (%s, unit %d%s): unit %d fires for %d of %d tokens", i, u,
                           tok_label(ctx, i, rl, sizeof rl), u, v > 0 ? "" : ", off", u, (int)fires[u], S);
            *hov_tok = i;
            *hov_unit = u;
        }
    }
}

/* One bar per unit (how many tokens it fires for), aligned with the columns of cells. */
static void unit_bars(const lesson_ctx *ctx, SDL_Rect r, SDL_Rect cells, const char *title, const float *fires, int F, int S,
                      const float *hov_row, int hov_unit)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, r.x, r.y, r.w, t->text, UI_LEFT, title);
    int lh = ui_line_height(ui, UI_BOLD, UI_SIZE_BODY);
    int y0 = r.y + lh + ui_px(ui, 2), mark = ui_px(ui, 5);
    int h = r.y + r.h - y0 - mark - ui_px(ui, 2);
    if (h < 4) return;
    float cw = (float)cells.w / (float)F;
    ui_line(ui, (float)cells.x, (float)(y0 + h), (float)(cells.x + cells.w), (float)(y0 + h), 1, t->border);
    for (int u = 0; u < F; u++) {
        int x0 = cells.x + (int)(u * cw), x1 = cells.x + (int)((u + 1) * cw);
        int bh = (int)((float)h * fires[u] / (float)(S > 0 ? S : 1));
        SDL_Rect bar = {x0, y0 + h - bh, x1 - x0 > 0 ? x1 - x0 : 1, bh};
        ui_fill(ui, bar, u == hov_unit ? t->accent : t->series[0]);
        if (hov_row && hov_row[u] > 0.0f) ui_fill(ui, (SDL_Rect){x0, y0 + h + 2, bar.w, mark}, t->accent);
        SDL_Rect col = {x0, y0, bar.w, h + mark + 2};
        if (ui_mouse_in(ui, col)) ui_hover_value(ui, col, fires[u], "unit %d fires (> 0) for this many of the %d tokens", u, S);
    }
    char b[32];
    snprintf(b, sizeof b, "%d", S);
    ui_text(ui, UI_SANS, UI_SIZE_SMALL, cells.x + cells.w + ui_px(ui, 4), y0, t->text_dim, UI_LEFT | UI_TOP, b);
    ui_text(ui, UI_SANS, UI_SIZE_SMALL, cells.x + cells.w + ui_px(ui, 4), y0 + h, t->text_dim, UI_LEFT | UI_BOTTOM, "0");
}


/* Horizontal bars: the share of hidden units at zero for each token, then the
 * share over all tokens; labels thinned when rows get too thin. */
static void zero_bars(const lesson_ctx *ctx, SDL_Rect r, const float *zshare, int S, float overall, int F, int hov_tok)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    char rl[64];
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, r.x, r.y, r.w, t->text, UI_LEFT, "ReLU zeros");
    int lh = ui_line_height(ui, UI_BOLD, UI_SIZE_BODY), sh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int y0 = r.y + lh + ui_px(ui, 2);
    int n = S + 1;
    int rh = (r.y + r.h - y0) / n;
    if (rh < 1) rh = 1;
    if (rh > ui_px(ui, 30)) rh = ui_px(ui, 30);
    int lab_w = r.w * 45 / 100;
    int x0 = r.x + lab_w + ui_px(ui, 4), w = r.x + r.w - x0;
    int thin = 1;
    while (thin * rh < sh * 9 / 10) thin++;
    for (int i = 0; i < n; i++) {
        float v = i < S ? zshare[i] : overall;
        int y = y0 + i * rh;
        SDL_Color c = i == S ? t->series[1] : i == hov_tok ? t->accent : t->series[0];
        SDL_Rect bar = {x0, y + (rh > 3 ? 1 : 0), (int)(v * (float)w), rh > 3 ? rh - 2 : rh};
        ui_fill(ui, (SDL_Rect){x0, bar.y, w, bar.h}, t->panel_alt);
        ui_fill(ui, bar, c);
        if (i == S || i % thin == 0 || i == hov_tok)
            ui_text_fit(ui, i == S ? UI_BOLD : UI_SANS, UI_SIZE_SMALL, x0 - ui_px(ui, 4), y + rh / 2, lab_w, i == hov_tok ? t->accent : t->text,
                        UI_RIGHT | UI_MIDDLE, i < S ? tok_label(ctx, i, rl, sizeof rl) : "all");
        SDL_Rect row = {r.x, y, r.w, rh};
        if (ui_mouse_in(ui, row)) {
            if (i < S) ui_hover_value(ui, bar, v, "share of the %d hidden units at 0 for token %s", F, tok_label(ctx, i, rl, sizeof rl));
            else ui_hover_value(ui, bar, v, "share of all %d\xC3\x97%d hidden values at 0", S, F);
        }
    }
}

static void ffn_draw(const void *st, const lesson_ctx *ctx)
{
    (void)st;
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const trace *tr = ctx->tr;
    int S = tr->n_src, D = tr->cfg.d_model, F = tr->cfg.d_ff, l = ffn_layer(ctx);
    if (S > FFN_MAXL) S = FFN_MAXL;
    if (F > FFN_MAXF) F = FFN_MAXF;
    const trace_enc_layer *E = &tr->enc[l];
    ffn_layout L;
    ffn_layout_compute(ctx, &L);
    char f[400];
    snprintf(f, sizeof f, "FFN(x) = max(0, x W\xE2\x82\x81\xE1\xB5\x80 + b\xE2\x82\x81) W\xE2\x82\x82\xE1\xB5\x80 + b\xE2\x82\x82"
                          " :  [%d\xC3\x97%d]\xC2\xB7[%d\xC3\x97%d] \xE2\x86\x92 [%d\xC3\x97%d] \xE2\x86\x92 [%d\xC3\x97%d]",
             S, D, D, F, S, F, S, D);
    ui_formula(ui, UI_SIZE_BODY, L.formula.x, L.formula.y, t->accent, UI_LEFT, f);
    /* sparsity */
    static float zshare[FFN_MAXL];
    static float fires[FFN_MAXF];
    long zeros = 0;
    for (int i = 0; i < S; i++) {
        int z = 0;
        for (int u = 0; u < F; u++) z += !(E->ffn.hidden[(size_t)i * F + u] > 0.0f);
        zshare[i] = (float)z / (float)F;
        zeros += z;
    }
    int dead = 0;
    for (int u = 0; u < F; u++) {
        fires[u] = (float)unit_fires(E->ffn.hidden, S, F, u);
        dead += fires[u] == 0;
    }
    snprintf(f, sizeof f, "encoder layer %d of %d ([ ])  \xC2\xB7  same W\xE2\x82\x81, W\xE2\x82\x82 at every position  \xC2\xB7  "
                          "ReLU zeros: %.0f%% of %d\xC3\x97%d  \xC2\xB7  %d units off for every token",
             l + 1, tr->cfg.n_enc_layers, 100.0 * (double)zeros / ((double)S * F), S, F, dead);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L.note.x, L.note.y, L.note.w, t->text_dim, UI_LEFT, f);

    static char lab[FFN_MAXL][48];
    static const char *labs[FFN_MAXL];
    for (int i = 0; i < S; i++) labs[i] = tok_label(ctx, i, lab[i], sizeof lab[i]);
    char title[128];
    int hov_tok = -1, hov_unit = -1;
    ui_heatmap_out o;
    /* x */
    ui_heatmap_spec h;
    ui_heatmap_defaults(&h);
    h.data = E->norm1.out;
    h.rows = S; h.cols = D; h.stride = D;
    h.row_labels = labs;
    snprintf(title, sizeof title, "x [%d\xC3\x97%d]", S, D);
    h.title = title;
    h.name = "x";
    h.cmap = UI_CMAP_DIVERGING;
    h.colorbar = 0;
    h.highlight_row = ctx->sel->token;
    if (ui_heatmap(ui, L.x, &h, &o)) {
        hov_tok = o.hover_row;
        char rl[64];
        ui_hover_value(ui, (SDL_Rect){o.cells.x + o.hover_col * o.cell_w, o.cells.y + o.hover_row * o.cell_h, o.cell_w, o.cell_h},
                       E->norm1.out[o.hover_row * D + o.hover_col], "x[%d][%d] (%s, dim %d): FFN input = norm1 out, encoder layer %d",
                       o.hover_row, o.hover_col, tok_label(ctx, o.hover_row, rl, sizeof rl), o.hover_col, l + 1);
    }
    /* hidden: viridis from 0, zeros dark; drawn here with fractional column
     * widths so the F units use the whole width and line up with the unit bars */
    float mx = 0;
    for (int i = 0; i < S * F; i++) mx = fmaxf(mx, E->ffn.hidden[i]);
    if (mx <= 0) mx = 1;
    SDL_Rect hc;
    snprintf(title, sizeof title, "hidden = max(0, x W\xE2\x82\x81\xE1\xB5\x80 + b\xE2\x82\x81) [%d\xC3\x97%d]   dark = 0 (off)", S, F);
    hidden_map(ctx, L.hidden, title, E->ffn.hidden, S, F, mx, fires, &hc, &hov_tok, &hov_unit);
    /* out */
    ui_heatmap_defaults(&h);
    h.data = E->ffn.out;
    h.rows = S; h.cols = D; h.stride = D;
    snprintf(title, sizeof title, "= FFN(x)");
    h.title = title;
    h.name = "FFN(x)";
    h.cmap = UI_CMAP_DIVERGING;
    h.colorbar = 0;
    h.highlight_row = ctx->sel->token;
    if (ui_heatmap(ui, L.out, &h, &o)) {
        hov_tok = o.hover_row;
        char rl[64];
        ui_hover_value(ui, (SDL_Rect){o.cells.x + o.hover_col * o.cell_w, o.cells.y + o.hover_row * o.cell_h, o.cell_w, o.cell_h},
                       E->ffn.out[o.hover_row * D + o.hover_col], "FFN(x)[%d][%d] (%s, dim %d), encoder layer %d", o.hover_row,
                       o.hover_col, tok_label(ctx, o.hover_row, rl, sizeof rl), o.hover_col, l + 1);
    }
    /* zero share per token, and overall */
    zero_bars(ctx, L.tok_bars, zshare, S, (float)zeros / ((float)S * (float)F), F, hov_tok);
    /* tokens per unit, one bar under each column of the hidden heatmap */
    snprintf(title, sizeof title, "tokens (of %d) each unit fires for%s", S, hov_tok >= 0 ? "   accent: on for the hovered token" : "");
    unit_bars(ctx, L.unit_bars, hc, title, fires, F, S, hov_tok >= 0 ? E->ffn.hidden + (size_t)hov_tok * F : NULL, hov_unit);
}

static int ffn_dump(const void *st, const lesson_ctx *ctx, char *dst, size_t n)
{
    (void)st;
    ffn_layout L;
    ffn_layout_compute(ctx, &L);
    return snprintf(dst, n, "{\"layer\": %d, \"x\": [%d, %d, %d, %d], \"hidden\": [%d, %d, %d, %d], \"out\": [%d, %d, %d, %d], "
                            "\"tok_bars\": [%d, %d, %d, %d], \"unit_bars\": [%d, %d, %d, %d]}",
                    ffn_layer(ctx), L.x.x, L.x.y, L.x.w, L.x.h, L.hidden.x, L.hidden.y, L.hidden.w, L.hidden.h, L.out.x,
                    L.out.y, L.out.w, L.out.h, L.tok_bars.x, L.tok_bars.y, L.tok_bars.w, L.tok_bars.h, L.unit_bars.x,
                    L.unit_bars.y, L.unit_bars.w, L.unit_bars.h);
}

const lesson lesson_ffn = {
    .slug = "feed-forward",
    .title = "Feed-forward",
    .keys = "no keys of its own: [ ] layer, Up Down token",
    .draw = ffn_draw,
    .dump_json = ffn_dump,
};
