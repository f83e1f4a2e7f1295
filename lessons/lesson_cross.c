/* lesson_cross.c - lesson 12, "Encoder-decoder attention": the decoder's
 * queries (from its masked self-attention sub-layer, dec[l].norm1.out) read the
 * encoder's memory (keys and values from trace->memory). Two steps:
 *   1 alignment: the weights [T x S] of the selected layer and head as a
 *     heatmap (rows = target positions, columns = source tokens), and the two
 *     sentences side by side with lines from the selected German word to the
 *     English words it reads (thickness and opacity = weight);
 *   2 all heads: every layer x head as small multiples; click one to select it.
 * Row t of the decoder READS tgt_ids[t] (<bos> then the words produced so far)
 * and PRODUCES out_ids[t]: rows are labelled "reads -> produces" so the
 * off-by-one is visible. The selected row is the shared decoding step
 * (; ' keys), the layer and head the shared selection ([ ] , .).
 *
 * Everything shown is read from the trace (dec[l].cross.weights, tgt_ids,
 * out_ids, src_ids); nothing is recomputed.
 *
 * Must not: change the trace, run the model, or draw outside ctx->area.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attn_view.h"
#include "json.h"
#include "lesson.h"
#include "lesson_layout.h"
#include "ui_grid.h"

/* What every picture of the lesson names: the token labels (attn_view.h:
 * src[S], in[T], out[T], row[T], in ctx->scratch) and the two lengths. */
typedef struct {
    const char **src, **in, **out, **row;
    int n_src, n_rows;
} cross_labels;

/* 0, or -1 when out of memory or there is nothing to show. */
static int cross_labels_make(const lesson_ctx *ctx, cross_labels *s)
{
    attn_labels lab;
    if (attn_labels_make(ctx->scratch, ctx->tr, ctx->vocab, &lab) != 0) return -1;
    s->src = lab.src;
    s->in = lab.in;
    s->out = lab.out;
    s->row = lab.row;
    s->n_src = ctx->tr->n_src;
    s->n_rows = ctx->tr->n_tgt;
    return s->n_rows > 0 && s->n_src > 0 ? 0 : -1;
}

typedef struct {
    SDL_Rect formula, heat, words, grid;
    SDL_Rect cell[8][16];           /* small multiples (step 2) */
    int n_layers, n_heads;
} cross_layout;

static int cross_layer(const lesson_ctx *ctx)
{
    int n = ctx->tr->cfg.n_dec_layers;
    int l = ctx->sel->layer;
    if (l >= n) l = n - 1;
    return l < 0 ? 0 : l;
}

static int cross_row(const cross_labels *s, const lesson_ctx *ctx)
{
    int t = ctx->sel->step;
    if (t >= s->n_rows) t = s->n_rows - 1;
    return t < 0 ? 0 : t;
}

static void cross_layout_compute(const lesson_ctx *ctx, int step, cross_layout *L)
{
    ui_ctx *ui = ctx->ui;
    SDL_Rect a = ctx->area;
    memset(L, 0, sizeof *L);
    int pad = ui_px(ui, 10);
    int y = lesson_formula_block(ctx, &L->formula) + pad;
    int h = a.y + a.h - y;
    if (step == 0) {
        int hw = a.w * 56 / 100;
        L->heat = (SDL_Rect){a.x, y, hw, h};
        L->words = (SDL_Rect){a.x + hw + 2 * pad, y, a.w - hw - 2 * pad, h};
    } else {
        L->grid = (SDL_Rect){a.x, y, a.w, h};
        int nl = ctx->tr->cfg.n_dec_layers, nh = ctx->tr->cfg.n_heads;
        if (nl > 8) nl = 8;
        if (nh > 16) nh = 16;
        L->n_layers = nl;
        L->n_heads = nh;
        int gw = a.w / nh, gh = h / nl;
        for (int l = 0; l < nl; l++)
            for (int hd = 0; hd < nh; hd++)
                L->cell[l][hd] = (SDL_Rect){a.x + hd * gw, y + l * gh, gw - pad, gh - pad};
    }
}

/* The cross-attention weights of one decoder layer and head: [T x S] of a [L x L] block. */
static const float *cross_weights(const trace *tr, int layer, int head)
{
    size_t L = (size_t)tr->cfg.max_len;
    return tr->dec[layer].cross.weights + (size_t)head * L * L;
}

/* The alignment heatmap of one layer and head; returns the widget's geometry. */
static void cross_heatmap(const cross_labels *s, const lesson_ctx *ctx, SDL_Rect r, int layer, int head, int small,
                          int highlight, ui_heatmap_out *out)
{
    char title[200], name[96];
    snprintf(name, sizeof name, _("cross L%d H%d"), layer + 1, head + 1);
    ui_heatmap_spec h = ui_heatmap_matrix(cross_weights(ctx->tr, layer, head), s->n_rows, s->n_src, UI_CMAP_VIRIDIS, name);
    h.stride = ctx->tr->cfg.max_len;
    h.row_labels = small ? s->out : s->row;
    h.col_labels = s->src;
    if (small)
        snprintf(title, sizeof title, _("layer %d \xC2\xB7 head %d"), layer + 1, head + 1);
    else
        snprintf(title, sizeof title, _("layer %d \xC2\xB7 head %d : [T\xC3\x97S] = [%d\xC3\x97%d]"), layer + 1, head + 1,
                 s->n_rows, s->n_src);
    h.title = title;
    h.fixed_range = 1;
    h.vmin = 0;
    h.vmax = 1;
    h.show_values = !small;
    h.attention = 1;
    h.highlight_row = highlight;
    ui_heatmap(ctx->ui, r, &h, out);
}

/* One small multiple of step 2 (ui_grid): word labels only while they fit
 * (at most 12 tokens a side), else none; hovers always name the words. The
 * columns are named by the tokens the model reads, so an unknown word is
 * "<unk>" there (its long "typed→<unk>" label would not fit; step 1 and the
 * hovers show it). */
static void cross_thumb(const cross_labels *s, const lesson_ctx *ctx, SDL_Rect r, int layer, int head, int row)
{
    const trace *tr = ctx->tr;
    int L = tr->cfg.max_len;
    char title[96], name[64];
    snprintf(name, sizeof name, _("cross L%d H%d"), layer + 1, head + 1);
    ui_grid_spec g = ui_grid_matrix(cross_weights(tr, layer, head), s->n_rows, s->n_src, name);
    g.stride = L;
    int labels = s->n_rows <= 12 && s->n_src <= 12;
    g.row_labels = labels ? s->out : NULL;
    g.col_labels = labels ? lesson_token_labels(ctx, tr->src_ids, s->n_src, LESSON_LABEL_WORD) : NULL;
    snprintf(title, sizeof title, _("layer %d \xC2\xB7 head %d"), layer + 1, head + 1);
    g.title = title;
    g.highlight_row = row;
    g.attention = 1;
    ui_grid_geom geo;
    ui_grid_draw(ctx->ui, r, &g, &geo);
    int q, k;
    if (ui_grid_cell_at(&geo, ctx->ui->mouse_x, ctx->ui->mouse_y, &q, &k))
        ui_hover_value(ctx->ui, ui_grid_cell_rect(&geo, q, k), g.data[(size_t)q * L + k], "%s[%d][%d] (%s, %s)", name, q, k, s->row[q], s->src[k]);
}

/* Geometry of the word view of step 1. Short sentences: two columns (English
 * left, German right) with one word per line. Long sentences (when a line
 * would need a font below UI_SIZE_SMALL): both sentences as wrapped rows of
 * chips, English above, German below, so the words stay legible. */
typedef struct {
    int chips;                     /* 0: columns, 1: wrapped chips */
    int n, row_h, y0, x_src, x_tgt;
    float size;
    SDL_Rect *src, *tgt;           /* chips mode: word boxes [n_src], [n_rows] (ctx->scratch) */
    int src_label_y, tgt_label_y;
} words_geom;

/* Lays chips for n words left to right, wrapping; returns the bottom y, or -1 when they do not fit below max_y. */
static int chip_flow(const lesson_ctx *ctx, const char *const *words, int n, float size, int x0, int y0, int w, int max_y, SDL_Rect *out)
{
    ui_ctx *ui = ctx->ui;
    int gap = ui_px(ui, 5), pad = ui_px(ui, size * 0.4f);
    int h = ui_line_height(ui, UI_BOLD, size) + ui_px(ui, 6);
    int x = x0, y = y0;
    for (int i = 0; i < n; i++) {
        int tw;
        ui_text_size(ui, UI_BOLD, size, words[i], &tw, NULL);
        tw += 2 * pad;
        if (tw > w) tw = w;
        if (x + tw > x0 + w && x > x0) { x = x0; y += h + gap; }
        out[i] = (SDL_Rect){x, y, tw, h};
        x += tw + gap;
    }
    y += h;
    return y <= max_y ? y : -1;
}

static void words_layout(const cross_labels *s, const lesson_ctx *ctx, SDL_Rect r, words_geom *g)
{
    ui_ctx *ui = ctx->ui;
    int top = ui_line_height(ui, UI_BOLD, UI_SIZE_BODY) + 2 * ui_line_height(ui, UI_SANS, UI_SIZE_SMALL) + ui_px(ui, 8);
    memset(g, 0, sizeof *g);
    g->n = s->n_src > s->n_rows ? s->n_src : s->n_rows;
    if (g->n < 1) g->n = 1;
    int avail = r.h - top;
    g->row_h = avail / g->n;
    int max_h = ui_px(ui, 40);
    if (g->row_h > max_h) g->row_h = max_h;
    g->size = UI_SIZE_BODY;
    while (g->size > 10.0f && ui_line_height(ui, UI_SANS, g->size) > g->row_h) g->size -= 1.0f;
    g->y0 = r.y + top;
    g->x_src = r.x + r.w * 42 / 100;
    g->x_tgt = r.x + r.w * 64 / 100;
    if (g->size >= UI_SIZE_SMALL) return;
    /* chips: the biggest size at which both sentences fit, with room for the lines between them */
    g->src = lesson_scratch_alloc(ctx->scratch, sizeof(SDL_Rect) * (size_t)s->n_src);
    g->tgt = lesson_scratch_alloc(ctx->scratch, sizeof(SDL_Rect) * (size_t)s->n_rows);
    if (!g->src || !g->tgt) return; /* out of memory: the columns, in small type */
    g->chips = 1;
    int lab = ui_line_height(ui, UI_BOLD, UI_SIZE_SMALL);
    int y_src = r.y + ui_line_height(ui, UI_BOLD, UI_SIZE_BODY) + ui_line_height(ui, UI_SANS, UI_SIZE_SMALL) + ui_px(ui, 6);
    static const float sizes[] = {UI_SIZE_BODY, 17.0f, UI_SIZE_SMALL, 13.0f, 12.0f, 11.0f};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        float sz = sizes[k];
        g->size = sz;
        g->src_label_y = y_src;
        int b1 = chip_flow(ctx, s->src, s->n_src, sz, r.x, y_src + lab, r.w, r.y + r.h, g->src);
        if (b1 < 0) continue;
        /* German from the bottom up: measure its height first */
        int b2 = chip_flow(ctx, s->out, s->n_rows, sz, r.x, 0, r.w, 1 << 30, g->tgt);
        int gh = b2 + lab;
        int ty = r.y + r.h - gh;
        if (ty - b1 < ui_px(ui, 40) && k + 1 < sizeof sizes / sizeof sizes[0]) continue;
        g->tgt_label_y = ty;
        for (int i = 0; i < s->n_rows; i++) g->tgt[i].y += ty + lab;
        return;
    }
}

/* Which German row is under (x, y), or -1. */
static int words_row_at(const cross_labels *s, const words_geom *g, const lesson_ctx *ctx, SDL_Rect r, int x, int y)
{
    if (g->chips) {
        for (int q = 0; q < s->n_rows; q++)
            if (ui_point_in(g->tgt[q], x, y)) return q;
        return -1;
    }
    if (x < g->x_tgt - ui_px(ctx->ui, 8) || x >= r.x + r.w || y < g->y0) return -1;
    int q = (y - g->y0) / g->row_h;
    return q >= 0 && q < s->n_rows ? q : -1;
}

/* The boxes of English word k and German word q in the word view (hit boxes of the columns, or chips). */
static void words_boxes(const words_geom *g, const lesson_ctx *ctx, SDL_Rect r, int k, int q, SDL_Rect *src, SDL_Rect *tgt)
{
    if (g->chips) {
        *src = g->src[k];
        *tgt = g->tgt[q];
        return;
    }
    int gap = ui_px(ctx->ui, 8);
    *src = (SDL_Rect){r.x, g->y0 + k * g->row_h, g->x_src + gap - r.x, g->row_h};
    *tgt = (SDL_Rect){g->x_tgt - gap, g->y0 + q * g->row_h, r.x + r.w - g->x_tgt + gap, g->row_h};
}

static void draw_words_chips(const cross_labels *s, const lesson_ctx *ctx, SDL_Rect r, const words_geom *g, const float *w, int layer,
                             int head, int row)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, r.x, g->src_label_y, r.w, t->text_dim, UI_LEFT, _("English (keys, values): colour = weight"));
    ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, r.x, g->tgt_label_y, r.w, t->text_dim, UI_LEFT, _("German (queries): click a word"));
    SDL_Rect q = g->tgt[row];
    float qx = (float)(q.x + q.w / 2), qy = (float)q.y;
    for (int k = 0; k < s->n_src; k++)
        if (w[k] >= 0.02f) {
            SDL_Rect e = g->src[k];
            ui_weight_link(ui, (float)(e.x + e.w / 2), (float)(e.y + e.h), qx, qy, w[k], t->accent);
        }
    for (int k = 0; k < s->n_src; k++) {
        SDL_Rect e = g->src[k];
        SDL_Color fill = ui_viridis(w[k]);
        ui_fill(ui, e, fill);
        ui_frame(ui, e, t->border, 1);
        ui_text_fit(ui, w[k] > 0.3f ? UI_BOLD : UI_SANS, g->size, e.x + e.w / 2, e.y + e.h / 2, e.w - 2, ui_text_on(fill), UI_CENTER | UI_MIDDLE,
                    s->src[k]);
        if (ui_mouse_in(ui, e))
            ui_hover_value(ui, e, w[k], _("cross L%d H%d [%d][%d]: \xE2\x80\x9C%s\xE2\x80\x9D (row %d) reads \xE2\x80\x9C%s\xE2\x80\x9D (source %d) with weight"),
                           layer + 1, head + 1, row, k, s->out[row], row, s->src[k], k);
    }
    for (int i = 0; i < s->n_rows; i++) {
        SDL_Rect e = g->tgt[i];
        int sel = i == row;
        SDL_Color fill = sel ? t->accent : ui_mouse_in(ui, e) ? t->panel_alt : t->chip;
        ui_fill(ui, e, fill);
        ui_frame(ui, e, sel ? t->accent : t->border, 1);
        ui_text_fit(ui, UI_BOLD, g->size, e.x + e.w / 2, e.y + e.h / 2, e.w - 2, sel ? t->accent_text : t->text, UI_CENTER | UI_MIDDLE, s->out[i]);
        if (ui_mouse_in(ui, e))
            ui_hover_text(ui, e, _("row %d reads \xE2\x80\x9C%s\xE2\x80\x9D and produces \xE2\x80\x9C%s\xE2\x80\x9D (click to select)"), i, s->in[i], s->out[i]);
    }
}

static void draw_words(const cross_labels *s, const lesson_ctx *ctx, SDL_Rect r, int layer, int head, int row)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const trace *tr = ctx->tr;
    int L = tr->cfg.max_len;
    words_geom g;
    words_layout(s, ctx, r, &g);
    char b[300];
    snprintf(b, sizeof b, _("row %d reads \xE2\x80\x9C%s\xE2\x80\x9D, produces \xE2\x80\x9C%s\xE2\x80\x9D"), row, s->in[row], s->out[row]);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, r.x, r.y, r.w, t->text, UI_LEFT, b);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, r.x, r.y + ui_line_height(ui, UI_BOLD, UI_SIZE_BODY), r.w, t->text_dim, UI_LEFT,
                _("click a German word: its lines to the English words"));
    const float *w = tr->dec[layer].cross.weights + ((size_t)head * L + (size_t)row) * L;
    if (g.chips) {
        draw_words_chips(s, ctx, r, &g, w, layer, head, row);
        return;
    }
    int hy = g.y0 - ui_line_height(ui, UI_SANS, UI_SIZE_SMALL) - ui_px(ui, 2);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, g.x_src, hy, g.x_src - r.x, t->text_dim, UI_RIGHT, _("English (keys, values)"));
    ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, g.x_tgt, hy, r.x + r.w - g.x_tgt, t->text_dim, UI_LEFT, _("German (queries)"));
    int gap = ui_px(ui, 8);
    /* lines first, words over them */
    float ty = (float)(g.y0 + row * g.row_h + g.row_h / 2);
    for (int k = 0; k < s->n_src; k++) {
        float sy = (float)(g.y0 + k * g.row_h + g.row_h / 2);
        ui_weight_link(ui, (float)(g.x_src + gap), sy, (float)(g.x_tgt - gap), ty, w[k], t->accent);
    }
    for (int k = 0; k < s->n_src; k++) {
        int y = g.y0 + k * g.row_h + g.row_h / 2;
        float wk = w[k];
        SDL_Color c = ui_color_lerp(t->text_dim, t->text, wk * 2.0f > 1.0f ? 1.0f : wk * 2.0f);
        int tw = ui_text_fit(ui, wk > 0.3f ? UI_BOLD : UI_SANS, g.size, g.x_src, y, g.x_src - r.x - ui_px(ui, 50), c,
                             UI_RIGHT | UI_MIDDLE, s->src[k]);
        char pct[32];
        snprintf(pct, sizeof pct, "%.0f%%", (double)wk * 100.0);
        ui_text(ui, UI_MONO, UI_SIZE_SMALL < g.size ? UI_SIZE_SMALL : g.size, g.x_src - tw - gap, y, t->text_dim, UI_RIGHT | UI_MIDDLE, pct);
        SDL_Rect hr = {r.x, y - g.row_h / 2, g.x_src + gap - r.x, g.row_h};
        if (ui_mouse_in(ui, hr))
            ui_hover_value(ui, hr, wk, _("cross L%d H%d [%d][%d]: \xE2\x80\x9C%s\xE2\x80\x9D (row %d) reads \xE2\x80\x9C%s\xE2\x80\x9D (source %d) with weight"),
                           layer + 1, head + 1, row, k, s->out[row], row, s->src[k], k);
    }
    for (int q = 0; q < s->n_rows; q++) {
        int y = g.y0 + q * g.row_h + g.row_h / 2;
        int sel = q == row;
        SDL_Rect hr = {g.x_tgt - gap, y - g.row_h / 2, r.x + r.w - g.x_tgt + gap, g.row_h};
        if (sel) ui_fill(ui, hr, ui_alpha(t->accent, 50));
        else if (ui_mouse_in(ui, hr)) ui_fill(ui, hr, t->panel_alt);
        ui_text_fit(ui, sel ? UI_BOLD : UI_SANS, g.size, g.x_tgt, y, r.x + r.w - g.x_tgt, sel ? t->accent : t->text,
                             UI_LEFT | UI_MIDDLE, s->out[q]);
        if (ui_mouse_in(ui, hr))
            ui_hover_text(ui, hr, _("row %d reads \xE2\x80\x9C%s\xE2\x80\x9D and produces \xE2\x80\x9C%s\xE2\x80\x9D (click to select)"), q,
                          s->in[q], s->out[q]);
    }
}

static void cross_draw(const void *st, const lesson_ctx *ctx)
{
    (void)st;
    cross_labels lab, *s = &lab;
    if (cross_labels_make(ctx, s) != 0) {
        if (ctx->tr->n_tgt > 0 && ctx->tr->n_src > 0) lesson_no_memory(ctx);
        return;
    }
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const trace *tr = ctx->tr;
    int D = tr->cfg.d_model, H = tr->cfg.n_heads, K = D / H;
    int layer = cross_layer(ctx), head = ctx->sel->head, row = cross_row(s, ctx);
    cross_layout L;
    cross_layout_compute(ctx, ctx->step, &L);
    char f[400], whole[520];
    snprintf(f, sizeof f, _("weights = softmax(Q K\xE1\xB5\x80 / \xE2\x88\x9A%d) : [%d\xC3\x97%d] per head, %d heads"), K, s->n_rows,
             s->n_src, H);
    /* the tail, where Q, K and V come from, only when it fits (narrow: the line under it says so) */
    snprintf(whole, sizeof whole, _("%s;  Q from the decoder, K V from the encoder"), f);
    int fw = 0;
    ui_text_size(ui, UI_SANS, UI_SIZE_BODY, whole, &fw, NULL);
    ui_text_fit(ui, UI_SANS, UI_SIZE_BODY, L.formula.x, L.formula.y, L.formula.w, t->accent, UI_LEFT, fw <= L.formula.w ? whole : f);
    snprintf(f, sizeof f,
             _("Q = norm1.out \xC2\xB7 W_Q : [%d\xC3\x97%d]\xC2\xB7[%d\xC3\x97%d] \xE2\x86\x92 [%d\xC3\x97%d]     "
             "K, V = memory \xC2\xB7 W_K, W_V : [%d\xC3\x97%d]\xC2\xB7[%d\xC3\x97%d] \xE2\x86\x92 [%d\xC3\x97%d]     rows: reads \xE2\x86\x92 produces"),
             s->n_rows, D, D, K, s->n_rows, K, s->n_src, D, D, K, s->n_src, K);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L.formula.x, L.formula.y + ui_line_height(ui, UI_SANS, UI_SIZE_BODY), L.formula.w,
                t->text_dim, UI_LEFT, f);
    if (ctx->step == 0) {
        cross_heatmap(s, ctx, L.heat, layer, head, 0, row, NULL);
        draw_words(s, ctx, L.words, layer, head, row);
    } else {
        for (int l = 0; l < L.n_layers; l++)
            for (int h = 0; h < L.n_heads; h++) {
                int sel = l == layer && h == head;
                SDL_Rect c = L.cell[l][h];
                if (sel) ui_frame(ui, (SDL_Rect){c.x - ui_px(ui, 4), c.y - ui_px(ui, 2), c.w + ui_px(ui, 8), c.h + ui_px(ui, 4)},
                                  t->accent, ui_px(ui, 3));
                cross_thumb(s, ctx, c, l, h, row);
            }
    }
}

/* Geometry of the big heatmap, measured by a draw under a 1-pixel clip (for
 * clicks and for the dump's hit boxes). */
static ui_heatmap_out heat_measure(const cross_labels *s, const lesson_ctx *ctx, const cross_layout *L)
{
    SDL_Rect old;
    SDL_RenderGetClipRect(ctx->ui->r, &old);
    int had = SDL_RenderIsClipEnabled(ctx->ui->r);
    ui_hover saved = ctx->ui->hover;
    SDL_Rect none = {0, 0, 1, 1};
    SDL_RenderSetClipRect(ctx->ui->r, &none);
    ui_heatmap_out o;
    cross_heatmap(s, ctx, L->heat, cross_layer(ctx), ctx->sel->head, 0, -1, &o);
    SDL_RenderSetClipRect(ctx->ui->r, had ? &old : NULL);
    ctx->ui->hover = saved;
    return o;
}

static int heat_row_at(const cross_labels *s, const lesson_ctx *ctx, const cross_layout *L, int x, int y)
{
    ui_heatmap_out o = heat_measure(s, ctx, L);
    if (!ui_point_in(o.cells, x, y) || o.cell_h <= 0) return -1;
    return (y - o.cells.y) / o.cell_h;
}

static int cross_event(void *st, const SDL_Event *ev, const lesson_ctx *ctx)
{
    (void)st;
    cross_labels lab, *s = &lab;
    if (ev->type != SDL_MOUSEBUTTONDOWN || ev->button.button != SDL_BUTTON_LEFT || cross_labels_make(ctx, s) != 0) return 0;
    int x = ev->button.x, y = ev->button.y;
    cross_layout L;
    cross_layout_compute(ctx, ctx->step, &L);
    if (ctx->step == 0) {
        if (ui_point_in(L.words, x, y)) {
            words_geom g;
            words_layout(s, ctx, L.words, &g);
            int q = words_row_at(s, &g, ctx, L.words, x, y);
            if (q >= 0) { ctx->sel->step = q; return 1; }
            return 0;
        }
        int q = heat_row_at(s, ctx, &L, x, y);
        if (q >= 0 && q < s->n_rows) { ctx->sel->step = q; return 1; }
        return 0;
    }
    for (int l = 0; l < L.n_layers; l++)
        for (int h = 0; h < L.n_heads; h++)
            if (ui_point_in(L.cell[l][h], x, y)) {
                ctx->sel->layer = l;
                ctx->sel->head = h;
                return 1;
            }
    return 0;
}

static int cross_dump(const void *st, const lesson_ctx *ctx, char *dst, size_t n)
{
    (void)st;
    cross_labels lab, *s = &lab;
    if (cross_labels_make(ctx, s) != 0) return 0;
    int row = cross_row(s, ctx);
    char in[160], out[160];
    json_escape(in, sizeof in, s->in[row]);
    json_escape(out, sizeof out, s->out[row]);
    ui_heatmap_out o = {{0, 0, 0, 0}, 0, 0, -1, -1};
    cross_layout L;
    cross_layout_compute(ctx, ctx->step, &L);
    SDL_Rect w0 = {0, 0, 0, 0}, wq = {0, 0, 0, 0};
    int chips = 0;
    if (ctx->step == 0) {
        o = heat_measure(s, ctx, &L);
        words_geom g;
        words_layout(s, ctx, L.words, &g);
        words_boxes(&g, ctx, L.words, 0, s->n_rows - 1, &w0, &wq);
        chips = g.chips;
    }
    /* cells: the heatmap's grid in window pixels (step 1 only), for tests that hover a cell */
    return snprintf(dst, n, "{\"layer\": %d, \"head\": %d, \"row\": %d, \"reads\": \"%s\", \"produces\": \"%s\", \"rows\": %d, \"cols\": %d, "
                    "\"cells\": [%d, %d, %d, %d], \"cell_w\": %d, \"cell_h\": %d, \"words_as_chips\": %d, \"src_word0\": [%d, %d, %d, %d], "
                    "\"tgt_word_last\": [%d, %d, %d, %d]}",
                    cross_layer(ctx), ctx->sel->head, row, in, out, s->n_rows, s->n_src, o.cells.x, o.cells.y,
                    o.cells.w, o.cells.h, o.cell_w, o.cell_h, chips, w0.x, w0.y, w0.w, w0.h, wq.x, wq.y, wq.w, wq.h);
}

const lesson lesson_cross = {
    .slug = "cross-attention", .title = N_("Encoder-decoder attention"), .steps = 2,
    .keys = N_("click a row or word: decoding step (; ' too)   step 2: click a map to select its layer and head"),
    .handle_event = cross_event, .draw = cross_draw, .dump_json = cross_dump,
};
