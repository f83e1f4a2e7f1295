/* lesson_ffn.c - lesson 8, "Feed-forward": the position-wise network of every
 * encoder and decoder layer,
 *   FFN(x) = max(0, x W1^T + b1) W2^T + b2 : [S x D].[D x F] -> [S x F] -> [S x D]
 * (T rows instead of S in the decoder), the same weights at every position.
 * For the chosen stack (encoder or decoder: buttons or the D key) and layer
 * ([ ]) it shows the input x (encoder norm1.out, decoder norm2.out), the F
 * hidden units per row after ReLU as a heatmap (which units fire for which
 * token), the ReLU sparsity (share of zeros per row and overall), how many
 * rows each unit fires for, and the output FFN(x). Decoder rows are the
 * decoder input (<bos> then the target words).
 *
 * Reads the trace: enc[l].norm1.out, enc[l].ffn.hidden, enc[l].ffn.out;
 * dec[l].norm2.out, dec[l].ffn.hidden, dec[l].ffn.out. Zero counts are
 * display statistics of the trace, not model math.
 *
 * Must not: change the trace, run the model, or draw outside ctx->area.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "lesson_layout.h"

typedef struct {
    int dec;                 /* 0: encoder stack, 1: decoder stack */
} ffn_state;

typedef struct {
    SDL_Rect formula, btn_enc, btn_dec, stack_note, note, x, hidden, out, tok_bars, unit_bars;
} ffn_layout;

/* What is shown: one stack and layer. */
typedef struct {
    int dec, l, n_layers;
    int rows;                /* S (encoder) or T (decoder) */
    const int *ids;          /* the rows' token ids: src_ids or tgt_ids */
    const float *x;          /* [rows, D] the FFN input: enc norm1.out or dec norm2.out */
    const trace_ffn *ffn;
    const char *x_from;      /* "norm1" or "norm2" */
    const char **labs;       /* [rows] "i word" row labels (ctx->scratch), NULL out of memory */
} ffn_view;

static void ffn_view_get(const ffn_state *s, const lesson_ctx *ctx, ffn_view *v)
{
    const trace *tr = ctx->tr;
    memset(v, 0, sizeof *v);
    v->dec = lesson_stack_dec(ctx, s && s->dec);
    v->l = lesson_stack_layer(ctx, v->dec, &v->n_layers);
    v->rows = v->dec ? tr->n_tgt : tr->n_src;
    v->ids = v->dec ? tr->tgt_ids : tr->src_ids;
    v->labs = lesson_token_labels(ctx, v->ids, v->rows, LESSON_LABEL_NUMBERED);
    if (v->dec) {
        v->x = tr->dec[v->l].norm2.out;
        v->ffn = &tr->dec[v->l].ffn;
        v->x_from = _("norm2");
    } else {
        v->x = tr->enc[v->l].norm1.out;
        v->ffn = &tr->enc[v->l].ffn;
        v->x_from = _("norm1");
    }
}

static void ffn_layout_compute(const lesson_ctx *ctx, ffn_layout *L)
{
    ui_ctx *ui = ctx->ui;
    SDL_Rect a = ctx->area;
    int pad = ui_px(ui, 8), sh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int y = lesson_formula_line(ctx, &L->formula);
    int xn = lesson_stack_buttons(ctx, a.x, y, &L->btn_enc, &L->btn_dec) + 2 * pad;
    int bh = L->btn_enc.h;
    L->stack_note = (SDL_Rect){xn, y, a.x + a.w - xn, bh};
    y += bh + pad / 2;
    L->note = (SDL_Rect){a.x, y, a.w, sh};
    y += sh + pad / 2;
    int rest = a.y + a.h - y;
    int top_h = rest * 64 / 100;
    int wx = a.w * 22 / 100, wo = a.w * 15 / 100; /* x wide enough for its row labels (decoder words are long), FFN(x) for its 64 columns and colour bar */
    int wh = a.w - wx - wo - 2 * pad;
    L->x = (SDL_Rect){a.x, y, wx, top_h};
    L->hidden = (SDL_Rect){a.x + wx + pad, y, wh, top_h};
    L->out = (SDL_Rect){a.x + wx + wh + 2 * pad, y, wo, top_h};
    int y2 = y + top_h + pad;
    int h2 = a.y + a.h - y2;
    L->tok_bars = (SDL_Rect){a.x, y2, wx + pad / 2, h2};
    L->unit_bars = (SDL_Rect){a.x + wx + pad, y2, wh, h2};
}

/* lesson.layout (into zeroed memory) */
static void ffn_layout_of(const void *st, const lesson_ctx *ctx, void *L) { (void)st; ffn_layout_compute(ctx, L); }

/* How many tokens unit u fires for (hidden > 0) among the S rows. */
static int unit_fires(const float *hidden, int S, int F, int u)
{
    int n = 0;
    for (int i = 0; i < S; i++) n += hidden[(size_t)i * F + u] > 0.0f;
    return n;
}


/* The [S x F] hidden activations as a heatmap whose columns may be fractions of
 * a pixel apart (F is large); reports the hovered cell. Returns the cell area. */
static void hidden_map(const lesson_ctx *ctx, const ffn_view *vw, SDL_Rect r, const char *title, const float *hid, int S, int F,
                       float vmax, const float *fires, int sel_row, SDL_Rect *cells_out, int *hov_tok, int *hov_unit)
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
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, c.x + ui_f2i(u * cw), c.y - ui_px(ui, 2), t->text_dim, UI_LEFT | UI_BOTTOM, b);
    }
    for (int i = 0; i < S; i++)
        for (int u = 0; u < F; u++) {
            int x0 = c.x + ui_f2i(u * cw), x1 = c.x + ui_f2i((u + 1) * cw);
            float v = hid[(size_t)i * F + u];
            ui_fill(ui, (SDL_Rect){x0, c.y + i * ch, x1 - x0 > 0 ? x1 - x0 : 1, ch}, ui_viridis(v / vmax));
        }
    ui_frame(ui, (SDL_Rect){c.x - 1, c.y - 1, c.w + 2, c.h + 2}, t->border, 1);
    if (sel_row >= 0 && sel_row < S)
        ui_frame(ui, (SDL_Rect){c.x - 1, c.y + sel_row * ch - 1, c.w + 2, ch + 2}, t->accent, ui_px(ui, 2));
    /* colour bar */
    SDL_Rect bar = {c.x + c.w + ui_px(ui, 6), c.y, ui_px(ui, 14), c.h > ui_px(ui, 80) ? c.h : ui_px(ui, 80)};
    for (int k = 0; k < bar.h; k++)
        ui_fill(ui, (SDL_Rect){bar.x, bar.y + k, bar.w, 1}, ui_viridis(1.0f - (float)k / (float)(bar.h - 1)));
    ui_fmt(vmax, 3, b, sizeof b);
    ui_text(ui, UI_SANS, UI_SIZE_SMALL, bar.x + bar.w + 3, bar.y, t->text_dim, UI_LEFT | UI_TOP, b);
    ui_text(ui, UI_SANS, UI_SIZE_SMALL, bar.x + bar.w + 3, bar.y + bar.h, t->text_dim, UI_LEFT | UI_BOTTOM, "0");
    if (ui_mouse_in(ui, c)) {
        int u = ui_f2i((float)(ui->mouse_x - c.x) / cw), i = (ui->mouse_y - c.y) / ch;
        if (u >= 0 && u < F && i >= 0 && i < S) {
            float v = hid[(size_t)i * F + u];
            int x0 = c.x + ui_f2i(u * cw);
            SDL_Rect cell = {x0, c.y + i * ch, ui_f2i(cw) > 0 ? ui_f2i(cw) : 1, ch};
            ui_frame(ui, (SDL_Rect){cell.x - 1, c.y - 1, cell.w + 2, c.h + 2}, t->accent, 1);
            ui_hover_value(ui, cell, v, _("hidden[%d][%d] (%s, unit %d%s): unit %d fires for %d of %d tokens, %s layer %d"), i, u,
                           vw->labs[i], u, v > 0 ? "" : _(", off"), u, (int)fires[u], S,
                           vw->dec ? _("decoder") : _("encoder"), vw->l + 1);
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
        int x0 = cells.x + ui_f2i(u * cw), x1 = cells.x + ui_f2i((u + 1) * cw);
        int bh = ui_f2i((float)h * fires[u] / (float)(S > 0 ? S : 1));
        SDL_Rect bar = {x0, y0 + h - bh, x1 - x0 > 0 ? x1 - x0 : 1, bh};
        ui_fill(ui, bar, u == hov_unit ? t->accent : t->series[0]);
        if (hov_row && hov_row[u] > 0.0f) ui_fill(ui, (SDL_Rect){x0, y0 + h + 2, bar.w, mark}, t->accent);
        SDL_Rect col = {x0, y0, bar.w, h + mark + 2};
        if (ui_mouse_in(ui, col)) ui_hover_value(ui, col, fires[u], _("unit %d fires (> 0) for this many of the %d tokens"), u, S);
    }
    char b[32];
    snprintf(b, sizeof b, "%d", S);
    ui_text(ui, UI_SANS, UI_SIZE_SMALL, cells.x + cells.w + ui_px(ui, 4), y0, t->text_dim, UI_LEFT | UI_TOP, b);
    ui_text(ui, UI_SANS, UI_SIZE_SMALL, cells.x + cells.w + ui_px(ui, 4), y0 + h, t->text_dim, UI_LEFT | UI_BOTTOM, "0");
}


/* Horizontal bars: the share of hidden units at zero for each token, then the
 * share over all tokens, set apart and at least a line tall so its label "all"
 * stays whole however thin the token rows get; token labels thinned then. */
static void zero_bars(const lesson_ctx *ctx, const ffn_view *vw, SDL_Rect r, const float *zshare, int S, float overall, int F,
                      int hov_tok)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, r.x, r.y, r.w, t->text, UI_LEFT, _("ReLU zeros"));
    int lh = ui_line_height(ui, UI_BOLD, UI_SIZE_BODY), sh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int y0 = r.y + lh + ui_px(ui, 2);
    int n = S + 1, gap = ui_px(ui, 2);
    int rh = (r.y + r.h - y0 - gap) / n;
    if (rh < sh) { /* rows thinner than a label: the first row's label, centred on it, would reach into the title */
        y0 += sh / 2;
        rh = (r.y + r.h - y0 - gap - sh) / S; /* the token rows share what the "all" row leaves */
    }
    if (rh < 1) rh = 1;
    if (rh > ui_px(ui, 30)) rh = ui_px(ui, 30);
    const int all_h = rh < sh ? sh : rh;
    int lab_w = r.w * 45 / 100;
    int x0 = r.x + lab_w + ui_px(ui, 4), w = r.x + r.w - x0;
    int thin = 1;
    while (thin * rh < sh * 9 / 10) thin++;
    for (int i = 0; i < n; i++) {
        float v = i < S ? zshare[i] : overall;
        const int y = y0 + i * rh + (i == S ? gap : 0), h = i == S ? all_h : rh;
        SDL_Color c = i == S ? t->series[1] : i == hov_tok ? t->accent : t->series[0];
        SDL_Rect bar = {x0, y + (h > 3 ? 1 : 0), ui_f2i(v * (float)w), h > 3 ? h - 2 : h};
        ui_fill(ui, (SDL_Rect){x0, bar.y, w, bar.h}, t->panel_alt);
        ui_fill(ui, bar, c);
        /* every thin-th label, "all", and the hovered row; none that would touch "all". A label
         * is kept inside r (its line taller than a thin row: Chinese 全部 has ink to the line's foot) */
        int ly = y + h / 2;
        if (ly + sh / 2 > r.y + r.h) ly = r.y + r.h - sh / 2;
        if (i == S || (i % thin == 0 && S - i >= thin) || i == hov_tok)
            ui_text_fit(ui, i == S ? UI_BOLD : UI_SANS, UI_SIZE_SMALL, x0 - ui_px(ui, 4), ly, lab_w, i == hov_tok ? t->accent : t->text,
                        UI_RIGHT | UI_MIDDLE, i < S ? vw->labs[i] : _("all"));
        SDL_Rect row = {r.x, y, r.w, h};
        if (ui_mouse_in(ui, row)) {
            if (i < S) ui_hover_value(ui, bar, v, _("share of the %d hidden units at 0 for token %s"), F, vw->labs[i]);
            else ui_hover_value(ui, bar, v, _("share of all %d\xC3\x97%d hidden values at 0"), S, F);
        }
    }
}

/* The formula with this model's shapes, the stack switch and the line about the stack. */
static void draw_header(const lesson_ctx *ctx, const ffn_view *vw, const ffn_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    int S = vw->rows, D = ctx->tr->cfg.d_model, F = ctx->tr->cfg.d_ff, l = vw->l;
    char f[400];
    snprintf(f, sizeof f, _("FFN(x) = max(0, x W\xE2\x82\x81\xE1\xB5\x80 + b\xE2\x82\x81) W\xE2\x82\x82\xE1\xB5\x80 + b\xE2\x82\x82"
                          " :  [%d\xC3\x97%d]\xC2\xB7[%d\xC3\x97%d] \xE2\x86\x92 [%d\xC3\x97%d] \xE2\x86\x92 [%d\xC3\x97%d]"),
             S, D, D, F, S, F, S, D);
    ui_formula(ui, UI_SIZE_BODY, L->formula.x, L->formula.y, t->accent, UI_LEFT, f);
    lesson_stack_draw(ctx, L->btn_enc, L->btn_dec, vw->dec);
    if (vw->dec)
        snprintf(f, sizeof f, _("decoder layer %d of %d ([ ])  \xC2\xB7  x = norm2 out, after cross-attention  \xC2\xB7  "
                              "rows: <bos> + target words (T = %d)"), l + 1, vw->n_layers, S);
    else
        snprintf(f, sizeof f, _("encoder layer %d of %d ([ ])  \xC2\xB7  x = norm1 out, after self-attention  \xC2\xB7  "
                              "rows: source tokens (S = %d)"), l + 1, vw->n_layers, S);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->stack_note.x, L->stack_note.y + L->stack_note.h / 2, L->stack_note.w, t->text_dim,
                UI_LEFT | UI_MIDDLE, f);
}

/* ReLU sparsity of the hidden layer [S, F]: zshare[i] the share of row i at 0,
 * fires[u] the rows unit u fires for; returns the zeros in all, *dead the units
 * off for every row. */
static long sparsity(const float *HID, int S, int F, float *zshare, float *fires, int *dead)
{
    long zeros = 0;
    for (int i = 0; i < S; i++) {
        int z = 0;
        for (int u = 0; u < F; u++) z += !(HID[(size_t)i * F + u] > 0.0f);
        zshare[i] = (float)z / (float)F;
        zeros += z;
    }
    *dead = 0;
    for (int u = 0; u < F; u++) {
        fires[u] = (float)unit_fires(HID, S, F, u);
        *dead += fires[u] == 0;
    }
    return zeros;
}

/* x or FFN(x) [S x D] as a heatmap without colour bar; reports the hovered row in *hov_tok. */
static void io_map(const lesson_ctx *ctx, const ffn_view *vw, SDL_Rect r, const float *m, const char *title, const char *name,
                   const char *const *labs, int sel_row, int *hov_tok)
{
    ui_ctx *ui = ctx->ui;
    int S = vw->rows, D = ctx->tr->cfg.d_model;
    ui_heatmap_spec h = ui_heatmap_matrix(m, S, D, UI_CMAP_DIVERGING, name);
    h.row_labels = labs;
    h.title = title;
    h.highlight_row = sel_row;
    ui_heatmap_out o;
    if (!ui_heatmap(ui, r, &h, &o)) return;
    *hov_tok = o.hover_row;
    const char *stack = vw->dec ? _("decoder") : _("encoder");
    float v = m[o.hover_row * D + o.hover_col];
    if (m == vw->x)
        ui_hover_value(ui, lesson_hover_cell(&o), v, _("x[%d][%d] (%s, dim %d): FFN input = %s out, %s layer %d"), o.hover_row,
                       o.hover_col, vw->labs[o.hover_row], o.hover_col, vw->x_from, stack, vw->l + 1);
    else
        ui_hover_value(ui, lesson_hover_cell(&o), v, _("FFN(x)[%d][%d] (%s, dim %d), %s layer %d"), o.hover_row, o.hover_col,
                       vw->labs[o.hover_row], o.hover_col, stack, vw->l + 1);
}

static void ffn_draw(const void *st, const lesson_ctx *ctx)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const trace *tr = ctx->tr;
    ffn_view vw;
    ffn_view_get(st, ctx, &vw);
    int S = vw.rows, F = tr->cfg.d_ff;
    const float *HID = vw.ffn->hidden;
    float *zshare = lesson_floats(ctx, (size_t)S), *fires = lesson_floats(ctx, (size_t)F);
    if (!vw.labs || !zshare || !fires) {
        lesson_no_memory(ctx);
        return;
    }
    /* the outlined row: the selected source token, or the decoding step in the decoder */
    int sel_row = vw.dec ? ctx->sel->step : ctx->sel->token;
    if (sel_row >= S) sel_row = -1;
    const ffn_layout *L = ctx->layout;
    draw_header(ctx, &vw, L);
    int dead;
    long zeros = sparsity(HID, S, F, zshare, fires, &dead);
    char f[400];
    snprintf(f, sizeof f, _("same W\xE2\x82\x81, W\xE2\x82\x82 at every position  \xC2\xB7  ReLU zeros: %.0f%% of %d\xC3\x97%d  \xC2\xB7  "
                          "%d units off for every token  \xC2\xB7  D: encoder / decoder"),
             100.0 * (double)zeros / ((double)S * F), S, F, dead);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->note.x, L->note.y, L->note.w, t->text_dim, UI_LEFT, f);
    char title[128];
    int hov_tok = -1, hov_unit = -1;
    snprintf(title, sizeof title, "x [%d\xC3\x97%d]", S, tr->cfg.d_model);
    io_map(ctx, &vw, L->x, vw.x, title, "x", vw.labs, sel_row, &hov_tok);
    /* hidden: viridis from 0, zeros dark; drawn here with fractional column
     * widths so the F units use the whole width and line up with the unit bars */
    float mx = 0;
    for (int i = 0; i < S * F; i++) mx = fmaxf(mx, HID[i]);
    if (mx <= 0) mx = 1;
    SDL_Rect hc;
    snprintf(title, sizeof title, _("hidden = max(0, x W\xE2\x82\x81\xE1\xB5\x80 + b\xE2\x82\x81) [%d\xC3\x97%d]   dark = 0 (off)"), S, F);
    hidden_map(ctx, &vw, L->hidden, title, HID, S, F, mx, fires, sel_row, &hc, &hov_tok, &hov_unit);
    io_map(ctx, &vw, L->out, vw.ffn->out, _("= FFN(x)"), _("FFN(x)"), NULL, sel_row, &hov_tok);
    /* zero share per row, and overall */
    zero_bars(ctx, &vw, L->tok_bars, zshare, S, (float)zeros / ((float)S * (float)F), F, hov_tok);
    /* rows per unit, one bar under each column of the hidden heatmap */
    snprintf(title, sizeof title, _("tokens (of %d) each unit fires for%s"), S, hov_tok >= 0 ? _("   accent: on for the hovered token") : "");
    unit_bars(ctx, L->unit_bars, hc, title, fires, F, S, hov_tok >= 0 ? HID + (size_t)hov_tok * F : NULL, hov_unit);
}

static int ffn_event(void *st, const SDL_Event *ev, const lesson_ctx *ctx)
{
    ffn_state *s = st;
    const ffn_layout *L = ctx->layout;
    int want = lesson_stack_event(ev, L->btn_enc, L->btn_dec, s->dec);
    if (want < 0) return 0;
    s->dec = want;
    return 1;
}

static int ffn_dump(const void *st, const lesson_ctx *ctx, char *dst, size_t n)
{
    ffn_view vw;
    ffn_view_get(st, ctx, &vw);
    const ffn_layout *L = ctx->layout;
    lesson_json j = {dst, n, 0};
    lesson_json_put(&j, "{\"stack\": \"%s\", \"layer\": %d, \"rows\": %d", vw.dec ? "decoder" : "encoder", vw.l, vw.rows);
    const char *keys[7] = {"btn_enc", "btn_dec", "x", "hidden", "out", "tok_bars", "unit_bars"};
    const SDL_Rect rects[7] = {L->btn_enc, L->btn_dec, L->x, L->hidden, L->out, L->tok_bars, L->unit_bars};
    for (int k = 0; k < 7; k++) {
        lesson_json_put(&j, ", ");
        lesson_json_rect(&j, keys[k], rects[k]);
    }
    lesson_json_put(&j, "}");
    return lesson_json_end(&j);
}

const lesson lesson_ffn = {
    .slug = "feed-forward", .title = N_("Feed-forward"),
    .keys = N_("D or the buttons: encoder / decoder stack   [ ] layer, Up Down token, ; ' decoder row"),
    .state_size = sizeof(ffn_state), .layout_size = sizeof(ffn_layout), .layout = ffn_layout_of,
    .handle_event = ffn_event, .draw = ffn_draw, .dump_json = ffn_dump,
};
