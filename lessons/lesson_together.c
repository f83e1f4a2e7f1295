/* lesson_together.c - lesson 14, "Putting it together", in two steps:
 *   1 one decoding step flowing through the whole model, as an animation the
 *     user plays, pauses (Space or P) and scrubs (the slider): ten stages of a
 *     block diagram light up in turn, each with its real numbers from the
 *     trace: tokens -> embedding + PE -> encoder layers -> memory -> decoder
 *     input -> masked self-attention -> cross-attention -> feed-forward ->
 *     logits -> the chosen word (which is appended to the decoder input for
 *     the next step). The decoding step is the shared one (; ' keys).
 *   2 what attention costs as the sentence grows: the m x m matrices of this
 *     sentence (m = S for the encoder, T for the decoder), the number of
 *     scores, and the curve m^2 against m up to L.
 * Transitions are eased with cglm (glm_ease_cubic_inout). Values come from the
 * trace; counting scores (m^2, layers x heads x m^2) and the top-5 ranking are
 * display arithmetic.
 *
 * The animation position is a function of time while playing (draw reads
 * ctx->ui->time and never writes the state); handle_event starts, pauses and
 * scrubs. By default the animation rests at its end, every stage lit, so an
 * exported slide shows the whole picture.
 *
 * Must not: change the trace, run the model, or draw outside ctx->area.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cglm/cglm.h>

#include "lesson.h"
#include "lesson_layout.h"
#include "ui_grid.h"

enum { ST_TOKENS = 0, ST_EMBED, ST_ENCODER, ST_MEMORY, ST_DEC_IN, ST_MASKED, ST_CROSS, ST_FFN, ST_LOGITS, ST_WORD, N_STAGES };

static const char *const stage_names[N_STAGES] = {
    N_("tokens"), N_("embedding + PE"), N_("encoder layers"), N_("memory"), N_("decoder input"),
    N_("masked self-attention"), N_("cross-attention"), N_("feed-forward"), N_("logits"), N_("chosen word"),
};
/* Shorter titles for narrow boxes. */
static const char *const stage_short[N_STAGES] = {
    N_("tokens"), N_("embed + PE"), N_("encoder"), N_("memory"), N_("decoder in"),
    N_("masked attn"), N_("cross-attn"), N_("FFN"), N_("logits"), N_("word"),
};

#define TOG_SECONDS_PER_STAGE 0.9

/* How lit stage i is at animation position p (exported for tests/app). */
float lesson_together_lit(float p, int i);

typedef struct {
    int playing;       /* 1 while the animation runs */
    double t0;         /* ui time when it (re)started */
    float p0;          /* position when it (re)started */
    float pos;         /* position while paused, 0 .. N_STAGES */
    int drag;          /* 1 while the slider is held */
} together_state;

typedef struct {
    SDL_Rect head, diagram, controls, play, slider;
    SDL_Rect box[N_STAGES];
    SDL_Rect cost_grid[3], cost_plot, cost_text;
} together_layout;

/* The animation position now (0 .. N_STAGES; stage i is fully lit at i + 1). */
static float tog_position(const together_state *s, const lesson_ctx *ctx)
{
    if (!s) return (float)N_STAGES;
    if (!s->playing) return s->pos;
    float p = s->p0 + (float)((ctx->ui->time - s->t0) / TOG_SECONDS_PER_STAGE);
    return p > (float)N_STAGES ? (float)N_STAGES : p;
}

/* How lit stage i is at position p, eased (0 dark .. 1 lit). */
float lesson_together_lit(float p, int i)
{
    float f = (p - (float)i) * 1.5f; /* fully lit two thirds into its interval */
    if (f <= 0.0f) return 0.0f;
    if (f >= 1.0f) return 1.0f;
    return glm_ease_cubic_inout(f);
}

static int tog_step(const lesson_ctx *ctx)
{
    int t = ctx->sel->step;
    if (t >= ctx->tr->n_tgt) t = ctx->tr->n_tgt - 1;
    return t < 0 ? 0 : t;
}

static int tog_init(void *st, const lesson_ctx *ctx)
{
    (void)ctx;
    ((together_state *)st)->pos = (float)N_STAGES;
    return 0;
}

static void tog_layout(const lesson_ctx *ctx, int step, together_layout *L)
{
    ui_ctx *ui = ctx->ui;
    SDL_Rect a = ctx->area;
    memset(L, 0, sizeof *L);
    int pad = ui_px(ui, 10), lhs = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int y = lesson_formula_block(ctx, &L->head) + pad;
    if (step == 0) {
        int ch = ui_px(ui, 40);
        L->controls = (SDL_Rect){a.x, a.y + a.h - ch, a.w, ch};
        L->play = (SDL_Rect){a.x, L->controls.y + ui_px(ui, 2), ui_px(ui, 210), ch - ui_px(ui, 4)};
        L->slider = (SDL_Rect){a.x + L->play.w + 2 * pad, L->controls.y, a.w - L->play.w - 3 * pad, ch};
        L->diagram = (SDL_Rect){a.x, y, a.w, L->controls.y - pad - y};
        SDL_Rect d = L->diagram;
        int gap = ui_px(ui, 22), vgap = ui_px(ui, 40);
        int row_h = (d.h - vgap - lhs) / 2;
        /* encoder row: 4 boxes in the left part, decoder row: 6 boxes */
        int w4 = (d.w - 3 * gap) / 4;
        for (int i = 0; i < 4; i++) L->box[i] = (SDL_Rect){d.x + i * (w4 + gap), d.y, w4, row_h};
        int w6 = (d.w - 5 * gap) / 6;
        for (int i = 0; i < 6; i++) L->box[4 + i] = (SDL_Rect){d.x + i * (w6 + gap), d.y + row_h + vgap, w6, row_h};
    } else {
        int h = a.y + a.h - y;
        int tw = a.w * 60 / 100;
        int gw = (tw - 2 * pad) / 3;
        int gh = h * 62 / 100;
        for (int i = 0; i < 3; i++) L->cost_grid[i] = (SDL_Rect){a.x + i * (gw + pad), y, gw, gh};
        L->cost_text = (SDL_Rect){a.x, y + gh + pad, tw, h - gh - pad};
        L->cost_plot = (SDL_Rect){a.x + tw + 2 * pad, y, a.w - tw - 2 * pad, h};
    }
}

/* ------------------------------------------------------------ step 1: flow */

/* A stage's frame: title on top, a line of numbers at the bottom; returns the inner rectangle. */
static SDL_Rect stage_frame(const lesson_ctx *ctx, SDL_Rect r, int i, float lit, int current, const char *numbers)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    SDL_Color fill = ui_color_lerp(t->bg, t->panel, lit);
    ui_fill(ui, r, fill);
    SDL_Color border = current ? t->accent : ui_color_lerp(t->border, t->text_dim, lit);
    ui_frame(ui, r, border, current ? ui_px(ui, 3) : ui_px(ui, 1.5f));
    int lh = ui_line_height(ui, UI_BOLD, UI_SIZE_SMALL), pad = ui_px(ui, 6);
    const char *title = _(stage_names[i]);
    int tw;
    ui_text_size(ui, UI_BOLD, UI_SIZE_SMALL, title, &tw, NULL);
    if (tw > r.w - 2 * pad) title = _(stage_short[i]);
    SDL_Color tc = ui_color_lerp(t->text_dim, t->text, lit);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, r.x + pad, r.y + pad / 2, r.w - 2 * pad, current ? t->accent : tc, UI_LEFT, title);
    if (numbers && lit > 0.05f)
        ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, r.x + pad, r.y + r.h - lh - pad / 2, r.w - 2 * pad, ui_alpha(t->text, (Uint8)(255 * lit)),
                    UI_LEFT, numbers);
    return (SDL_Rect){r.x + pad, r.y + lh + pad, r.w - 2 * pad, r.h - 2 * lh - 2 * pad};
}

/* A small heatmap without drawn labels or colour bar (ui_grid). Hovering a
 * cell reports its value named by the row and column words when given. */
static void mini_map(const lesson_ctx *ctx, SDL_Rect r, const float *data, int rows, int cols, int stride, ui_cmap cmap,
                     const char *name, int highlight_row, const int *row_ids, const int *col_ids)
{
    ui_grid_spec g = ui_grid_matrix(data, rows, cols, name);
    g.stride = stride;
    g.cmap = cmap;
    if (cmap == UI_CMAP_DIVERGING) { /* symmetric range from the data, like the big heatmaps */
        float m = 1e-6f;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) m = fmaxf(m, fabsf(data[(size_t)i * stride + j]));
        g.vmin = -m;
        g.vmax = m;
    } else if (cmap == UI_CMAP_VIRIDIS && !row_ids && !col_ids) { /* the FFN's hidden units (the name is translated) */
        float m = 1e-6f;
        for (int i = 0; i < rows * cols; i++) m = fmaxf(m, data[i]);
        g.vmin = 0;
        g.vmax = m;
    }
    g.highlight_row = highlight_row;
    g.attention = cmap == UI_CMAP_VIRIDIS && row_ids && col_ids; /* query rows, key columns */
    ui_grid_geom geo;
    ui_grid_draw(ctx->ui, r, &g, &geo);
    int rr, cc;
    if ((row_ids || col_ids) && ui_grid_cell_at(&geo, ctx->ui->mouse_x, ctx->ui->mouse_y, &rr, &cc))
        ui_hover_value(ctx->ui, ui_grid_cell_rect(&geo, rr, cc), data[(size_t)rr * stride + cc], "%s[%d][%d] (%s, %s)", name, rr, cc,
                       row_ids ? tok_vocab_word(ctx->vocab, row_ids[rr]) : "", col_ids ? tok_vocab_word(ctx->vocab, col_ids[cc]) : "");
}

/* A row of word chips that shrinks to fit; returns the y below. */
static int word_row(const lesson_ctx *ctx, SDL_Rect r, const int *ids, int n, int highlight_last, float lit)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    int x = r.x, y = r.y, gap = ui_px(ui, 4);
    float size = UI_SIZE_SMALL;
    int lh = ui_line_height(ui, UI_BOLD, size) + ui_px(ui, 6);
    int last_x = x;
    for (int i = 0; i < n; i++) {
        const char *w = tok_vocab_word(ctx->vocab, ids[i]);
        int tw;
        ui_text_size(ui, UI_BOLD, size, w, &tw, NULL);
        tw += ui_px(ui, 8);
        if (x + tw > r.x + r.w && x > r.x) { x = r.x; y += lh + gap; }
        if (y + lh > r.y + r.h) { /* no room: an ellipsis after the last chip shown */
            int ew;
            ui_text_size(ui, UI_BOLD, size, "\xE2\x80\xA6", &ew, NULL);
            if (last_x + ew <= r.x + r.w) ui_text(ui, UI_BOLD, size, last_x, y - lh - gap, t->text, UI_LEFT, "\xE2\x80\xA6");
            break;
        }
        SDL_Rect c = {x, y, tw, lh};
        int hl = highlight_last && i == n - 1;
        ui_fill(ui, c, ui_alpha(hl ? t->accent : (ids[i] < 4 ? t->chip_special : t->chip), (Uint8)(255 * lit)));
        ui_text(ui, UI_BOLD, size, x + tw / 2, y + lh / 2, ui_alpha(hl ? t->accent_text : t->text, (Uint8)(255 * lit)), UI_CENTER | UI_MIDDLE, w);
        if (ui_mouse_in(ui, c)) ui_hover_value(ui, c, ids[i], _("\xE2\x80\x9C%s\xE2\x80\x9D at position %d, id"), w, i);
        x += tw + gap;
        last_x = x;
    }
    return y + lh;
}

/* Cross-attention: the source word step t reads most, and the map of layer ld, head head. */
static void stage_cross(const lesson_ctx *ctx, const together_layout *L, float lit, int current, int t, int ld, int head)
{
    const trace *tr = ctx->tr;
    int S = tr->n_src, Lm = tr->cfg.max_len;
    char nums[200], name[96];
    const float *w = tr->dec[ld].cross.weights + ((size_t)head * Lm + (size_t)t) * Lm;
    int best = 0;
    for (int k = 1; k < S; k++) if (w[k] > w[best]) best = k;
    snprintf(nums, sizeof nums, "\xE2\x80\x9C%s\xE2\x80\x9D %.0f%%", tok_vocab_word(ctx->vocab, tr->src_ids[best]),
             (double)w[best] * 100.0);
    SDL_Rect in = stage_frame(ctx, L->box[ST_CROSS], ST_CROSS, lit, current, nums);
    snprintf(name, sizeof name, _("cross-attention L%d H%d"), ld + 1, head + 1);
    if (lit > 0.05f) mini_map(ctx, in, tr->dec[ld].cross.weights + (size_t)head * Lm * Lm, t + 1, S, Lm, UI_CMAP_VIRIDIS, name, t, tr->tgt_ids, tr->src_ids);
}

/* The feed-forward of the last decoder layer at step t: how many units fire. */
static void stage_ffn(const lesson_ctx *ctx, const together_layout *L, float lit, int current, int t)
{
    const trace *tr = ctx->tr;
    int F = tr->cfg.d_ff;
    char nums[200], name[96];
    const float *hid = tr->dec[tr->cfg.n_dec_layers - 1].ffn.hidden + (size_t)t * F;
    int on = 0;
    for (int f = 0; f < F; f++) on += hid[f] > 0.0f;
    snprintf(nums, sizeof nums, _("%d/%d units on"), on, F);
    SDL_Rect in = stage_frame(ctx, L->box[ST_FFN], ST_FFN, lit, current, nums);
    /* the hidden row folded into a 16-wide block so it stays visible */
    int cols = 16, rows = F / cols;
    snprintf(name, sizeof name, _("FFN hidden (last layer, step %d; unit = 16\xC3\x97row + col)"), t + 1);
    if (lit > 0.05f && rows > 0) mini_map(ctx, in, hid, rows, cols, cols, UI_CMAP_VIRIDIS, name, -1, NULL, NULL);
}

/* The softmax at step t: the top five words as bars. */
static void stage_logits(const lesson_ctx *ctx, const together_layout *L, float lit, int current, int t)
{
    const trace *tr = ctx->tr;
    int V = tr->cfg.vocab_size;
    const float *p = tr->probs + (size_t)t * V;
    int ids[5] = {0, 0, 0, 0, 0};
    int n = 0;
    for (int v = 0; v < V; v++) { /* top 5, display only */
        int pos;
        if (n < 5) pos = n++;
        else if (p[v] > p[ids[4]]) pos = 4;
        else continue;
        while (pos > 0 && p[v] > p[ids[pos - 1]]) { ids[pos] = ids[pos - 1]; pos--; }
        ids[pos] = v;
    }
    char nums[200];
    snprintf(nums, sizeof nums, _("[%d] \xE2\x86\x92 softmax"), V);
    SDL_Rect in = stage_frame(ctx, L->box[ST_LOGITS], ST_LOGITS, lit, current, nums);
    if (lit <= 0.05f) return;
    float vals[5];
    const char *labs[5];
    for (int k = 0; k < n; k++) { vals[k] = p[ids[k]]; labs[k] = tok_vocab_word(ctx->vocab, ids[k]); }
    ui_bars_spec b = ui_bars_fixed(vals, n, labs, 0, 1, "p");
    b.horizontal = 1;
    b.highlight = 0;
    ui_bars(ctx->ui, in, &b);
}

/* The word chosen at step t, large. */
static void stage_word(const lesson_ctx *ctx, const together_layout *L, float lit, int current, int t)
{
    ui_ctx *ui = ctx->ui;
    const trace *tr = ctx->tr;
    int V = tr->cfg.vocab_size, id = tr->out_ids[t];
    char nums[200];
    ui_num p;
    snprintf(nums, sizeof nums, "p = %s", ui_fmts(&p, tr->probs[(size_t)t * V + id], 3));
    SDL_Rect in = stage_frame(ctx, L->box[ST_WORD], ST_WORD, lit, current, nums);
    if (lit <= 0.05f) return;
    SDL_Color c = ui_alpha(ui->theme->accent, (Uint8)(255 * lit));
    ui_text_fit(ui, UI_BOLD, UI_SIZE_TITLE, in.x + in.w / 2, in.y + in.h / 2, in.w, c, UI_CENTER | UI_MIDDLE, tok_vocab_word(ctx->vocab, id));
    if (ui_mouse_in(ui, in))
        ui_hover_value(ui, in, tr->probs[(size_t)t * V + id], _("step %d chooses \xE2\x80\x9C%s\xE2\x80\x9D (id %d), probability"), t + 1,
                       tok_vocab_word(ctx->vocab, id), id);
}

static void draw_stage(const lesson_ctx *ctx, const together_layout *L, int i, float lit, int current, int t)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *th = ui->theme;
    const trace *tr = ctx->tr;
    int D = tr->cfg.d_model, H = tr->cfg.n_heads, Lm = tr->cfg.max_len;
    int S = tr->n_src, ne = tr->cfg.n_enc_layers, nd = tr->cfg.n_dec_layers;
    int head = ctx->sel->head;
    int le = ctx->sel->layer < ne ? ctx->sel->layer : ne - 1, ld = ctx->sel->layer < nd ? ctx->sel->layer : nd - 1;
    char nums[200], name[96];
    SDL_Rect in;
    switch (i) {
    case ST_TOKENS:
        snprintf(nums, sizeof nums, _("S = %d tokens"), S);
        in = stage_frame(ctx, L->box[i], i, lit, current, nums);
        if (lit > 0.05f) word_row(ctx, in, tr->src_ids, S, 0, lit);
        break;
    case ST_EMBED:
        snprintf(nums, sizeof nums, "X : [%d\xC3\x97%d]", S, D);
        in = stage_frame(ctx, L->box[i], i, lit, current, nums);
        if (lit > 0.05f) mini_map(ctx, in, tr->enc_x, S, D, D, UI_CMAP_DIVERGING, _("X = E\xC2\xB7\xE2\x88\x9A" "d + PE"), -1, tr->src_ids, NULL);
        break;
    case ST_ENCODER:
        snprintf(nums, sizeof nums, _("%d layers \xC3\x97 %d heads"), ne, H);
        in = stage_frame(ctx, L->box[i], i, lit, current, nums);
        snprintf(name, sizeof name, _("encoder self-attention L%d H%d"), le + 1, head + 1);
        if (lit > 0.05f) mini_map(ctx, in, tr->enc[le].self.weights + (size_t)head * Lm * Lm, S, S, Lm, UI_CMAP_VIRIDIS, name, -1, tr->src_ids, tr->src_ids);
        break;
    case ST_MEMORY:
        snprintf(nums, sizeof nums, _("[%d\xC3\x97%d], made once"), S, D);
        in = stage_frame(ctx, L->box[i], i, lit, current, nums);
        if (lit > 0.05f) mini_map(ctx, in, tr->memory, S, D, D, UI_CMAP_DIVERGING, _("memory"), -1, tr->src_ids, NULL);
        break;
    case ST_DEC_IN:
        snprintf(nums, sizeof nums, _("%d token%s"), t + 1, t ? "s" : "");
        in = stage_frame(ctx, L->box[i], i, lit, current, nums);
        if (lit > 0.05f) word_row(ctx, in, tr->tgt_ids, t + 1, 1, lit);
        break;
    case ST_MASKED:
        snprintf(nums, sizeof nums, _("[%d\xC3\x97%d], no future"), t + 1, t + 1);
        in = stage_frame(ctx, L->box[i], i, lit, current, nums);
        snprintf(name, sizeof name, _("masked self-attention L%d H%d"), ld + 1, head + 1);
        if (lit > 0.05f) mini_map(ctx, in, tr->dec[ld].self.weights + (size_t)head * Lm * Lm, t + 1, t + 1, Lm, UI_CMAP_VIRIDIS, name, t, tr->tgt_ids, tr->tgt_ids);
        break;
    case ST_CROSS: stage_cross(ctx, L, lit, current, t, ld, head); break;
    case ST_FFN: stage_ffn(ctx, L, lit, current, t); break;
    case ST_LOGITS: stage_logits(ctx, L, lit, current, t); break;
    case ST_WORD: stage_word(ctx, L, lit, current, t); break;
    default: break;
    }
    /* fade what is not lit yet */
    if (lit < 1.0f) ui_fill(ui, L->box[i], ui_alpha(th->bg, (Uint8)(170.0f * (1.0f - lit))));
}

/* Anchor points of the connection from stage i to stage i + 1 (and memory -> cross). */
static void link_points(const together_layout *L, int from, int to, float *x0, float *y0, float *x1, float *y1)
{
    SDL_Rect a = L->box[from], b = L->box[to];
    if (a.y == b.y) { /* same row: right edge to left edge */
        *x0 = (float)(a.x + a.w); *y0 = (float)(a.y + a.h / 2);
        *x1 = (float)b.x; *y1 = (float)(b.y + b.h / 2);
    } else { /* down to the next row */
        *x0 = (float)(a.x + a.w / 2); *y0 = (float)(a.y + a.h);
        *x1 = (float)(b.x + b.w / 2); *y1 = (float)b.y;
    }
}

static void draw_flow(const together_state *s, const lesson_ctx *ctx, const together_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *th = ui->theme;
    const trace *tr = ctx->tr;
    int t = tog_step(ctx);
    float p = tog_position(s, ctx);
    int cur = ui_f2i(floorf(p));
    if (cur >= N_STAGES) cur = -1; /* at the end nothing is "current" */
    float arrow_w = (float)ui_px(ui, 3);
    /* connections: the data path, then memory -> cross-attention (K, V) */
    static const int path[][2] = {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 6}, {6, 7}, {7, 8}, {8, 9}};
    for (int k = 0; k < (int)(sizeof path / sizeof path[0]); k++) {
        float x0, y0, x1, y1;
        int a = path[k][0], b = path[k][1];
        if (a == ST_MEMORY) continue; /* memory feeds cross-attention, drawn below */
        link_points(L, a, b, &x0, &y0, &x1, &y1);
        float lit = lesson_together_lit(p, b);
        ui_arrow(ui, x0 + 2, y0, x1 - 2, y1, arrow_w, ui_color_lerp(th->border, th->accent, lit));
    }
    {
        float x0, y0, x1, y1;
        link_points(L, ST_MEMORY, ST_CROSS, &x0, &y0, &x1, &y1);
        float lit = lesson_together_lit(p, ST_CROSS);
        SDL_Color c = ui_color_lerp(th->border, th->accent, lit);
        float ym = (y0 + y1) / 2 + (float)ui_px(ui, 6);
        ui_line(ui, x0, y0, x0, ym, arrow_w, c);
        ui_line(ui, x0, ym, x1, ym, arrow_w, c);
        ui_arrow(ui, x1, ym, x1, y1 - 2, arrow_w, c);
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, ui_f2i(x0) - ui_px(ui, 8), ui_f2i(ym) - ui_px(ui, 2), th->text_dim, UI_RIGHT | UI_BOTTOM,
                _("K, V from the memory"));
    }
    /* the chosen word goes back into the decoder input for the next step */
    {
        SDL_Rect w = L->box[ST_WORD], d = L->box[ST_DEC_IN];
        int yb = w.y + w.h + ui_px(ui, 8);
        SDL_Color c = ui_color_lerp(th->border, th->accent, lesson_together_lit(p, ST_WORD) * 0.8f);
        ui_line(ui, (float)(w.x + w.w / 2), (float)(w.y + w.h), (float)(w.x + w.w / 2), (float)yb, (float)ui_px(ui, 2), c);
        ui_line(ui, (float)(w.x + w.w / 2), (float)yb, (float)(d.x + d.w / 2), (float)yb, (float)ui_px(ui, 2), c);
        ui_arrow(ui, (float)(d.x + d.w / 2), (float)yb, (float)(d.x + d.w / 2), (float)(d.y + d.h + 2), (float)ui_px(ui, 2), c);
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, (w.x + d.x + d.w) / 2, yb, th->text_dim, UI_CENTER | UI_TOP,
                _("appended to the decoder input: the next step starts (press ')"));
    }
    for (int i = 0; i < N_STAGES; i++) draw_stage(ctx, L, i, lesson_together_lit(p, i), i == cur, t);
    /* the travelling dot: during the first 40% of stage cur it runs in from the stage before
     * (and from the memory into cross-attention: K and V) */
    if (cur > 0 && cur < N_STAGES && cur != ST_DEC_IN) {
        float f = (p - (float)cur) / 0.4f;
        if (f < 1.0f) {
            float e = glm_ease_cubic_inout(f), x0, y0, x1, y1;
            link_points(L, cur - 1, cur, &x0, &y0, &x1, &y1);
            ui_circle(ui, x0 + (x1 - x0) * e, y0 + (y1 - y0) * e, (float)ui_px(ui, 7), th->accent, 1);
            if (cur == ST_CROSS) {
                SDL_Rect m = L->box[ST_MEMORY], c = L->box[ST_CROSS];
                float mx = (float)(m.x + m.w / 2), my = (float)(m.y + m.h), cx = (float)(c.x + c.w / 2), cy = (float)c.y;
                ui_circle(ui, mx + (cx - mx) * e, my + (cy - my) * e, (float)ui_px(ui, 7), th->series[1], 1);
            }
        }
    }
    /* controls */
    int playing = s && s->playing && p < (float)N_STAGES;
    ui_button(ui, L->play, playing ? _("\xE2\x9D\x9A\xE2\x9D\x9A  pause (Space, P)") : _("\xE2\x96\xB6  play (Space, P)"), playing);
    char sl[96];
    snprintf(sl, sizeof sl, "%s", cur >= 0 ? _(stage_names[cur]) : _("all stages"));
    ui_slider(ui, L->slider, _("stage"), p, 0, (float)N_STAGES, "%.1f");
    ui_text(ui, UI_SANS, UI_SIZE_SMALL, L->slider.x + L->slider.w, L->slider.y, th->text_dim, UI_RIGHT, sl);
    (void)tr;
}

/* ------------------------------------------------------------ step 2: cost */

/* One attention matrix drawn to scale: the L x L capacity as a faint square,
 * the rows x cols live part as cells of the same size for every matrix. */
static void scaled_matrix(const lesson_ctx *ctx, SDL_Rect r, const char *title, const char *caption, const char *name, const float *w,
                          int rows, int cols, const int *row_ids, const int *col_ids)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *th = ui->theme;
    int Lm = ctx->tr->cfg.max_len;
    int lh = ui_line_height(ui, UI_BOLD, UI_SIZE_SMALL);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, r.x, r.y, r.w, th->text, UI_LEFT, title);
    int side = r.w < r.h - 2 * lh - ui_px(ui, 8) ? r.w : r.h - 2 * lh - ui_px(ui, 8);
    int cell = side / Lm;
    if (cell < 1) cell = 1;
    SDL_Rect cap = {r.x, r.y + lh + ui_px(ui, 2), cell * Lm, cell * Lm};
    ui_fill(ui, cap, th->panel_alt);
    ui_frame(ui, cap, th->border, 1);
    for (int q = 0; q < rows; q++)
        for (int k = 0; k < cols; k++) {
            float v = w[(size_t)q * Lm + k];
            SDL_Rect c = {cap.x + k * cell, cap.y + q * cell, cell, cell};
            ui_fill(ui, c, ui_viridis(v));
            if (ui_mouse_in(ui, c))
                ui_hover_value(ui, c, v, "%s[%d][%d] (%s, %s)", name, q, k, tok_vocab_word(ctx->vocab, row_ids[q]),
                               tok_vocab_word(ctx->vocab, col_ids[k]));
        }
    ui_frame(ui, (SDL_Rect){cap.x - 1, cap.y - 1, cols * cell + 2, rows * cell + 2}, th->accent, ui_px(ui, 2));
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, r.x, cap.y + cap.h + ui_px(ui, 4), r.w, th->text, UI_LEFT, caption);
}

static void draw_cost(const lesson_ctx *ctx, const together_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *th = ui->theme;
    const trace *tr = ctx->tr;
    int S = tr->n_src, T = tr->n_tgt, Lm = tr->cfg.max_len, H = tr->cfg.n_heads, D = tr->cfg.d_model;
    int ne = tr->cfg.n_enc_layers, nd = tr->cfg.n_dec_layers;
    int head = ctx->sel->head;
    int le = ctx->sel->layer < ne ? ctx->sel->layer : ne - 1, ld = ctx->sel->layer < nd ? ctx->sel->layer : nd - 1;
    char cap[3][96], names[3][96], b[300];
    snprintf(cap[0], sizeof cap[0], "S\xC2\xB2 = %d\xC2\xB2 = %d", S, S * S);
    snprintf(cap[1], sizeof cap[1], "T\xC2\xB2 = %d\xC2\xB2 = %d", T, T * T);
    snprintf(cap[2], sizeof cap[2], "T\xC2\xB7S = %d\xC2\xB7%d = %d", T, S, T * S);
    snprintf(names[0], sizeof names[0], _("encoder self L%d H%d"), le + 1, head + 1);
    snprintf(names[1], sizeof names[1], _("decoder masked self L%d H%d"), ld + 1, head + 1);
    snprintf(names[2], sizeof names[2], _("cross L%d H%d"), ld + 1, head + 1);
    scaled_matrix(ctx, L->cost_grid[0], _("encoder self [S\xC3\x97S]"), cap[0], names[0], tr->enc[le].self.weights + (size_t)head * Lm * Lm, S, S,
                  tr->src_ids, tr->src_ids);
    scaled_matrix(ctx, L->cost_grid[1], _("decoder self [T\xC3\x97T]"), cap[1], names[1], tr->dec[ld].self.weights + (size_t)head * Lm * Lm, T, T,
                  tr->tgt_ids, tr->tgt_ids);
    scaled_matrix(ctx, L->cost_grid[2], _("cross [T\xC3\x97S]"), cap[2], names[2], tr->dec[ld].cross.weights + (size_t)head * Lm * Lm, T, S,
                  tr->tgt_ids, tr->src_ids);
    /* totals, display arithmetic: layers x heads x scores */
    long enc = (long)ne * H * S * S, dself = (long)nd * H * T * T, cross = (long)nd * H * T * S;
    long full = (long)ne * H * Lm * Lm + (long)nd * H * Lm * Lm * 2;
    int y = L->cost_text.y, lh = ui_line_height(ui, UI_SANS, UI_SIZE_BODY), x = L->cost_text.x, w = L->cost_text.w;
    snprintf(b, sizeof b, _("%ld attention scores for this sentence"), enc + dself + cross);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, x, y, w, th->text, UI_LEFT, b);
    y += lh;
    snprintf(b, sizeof b, _("= %d\xC3\x97%d\xC3\x97%d + %d\xC3\x97%d\xC3\x97%d + %d\xC3\x97%d\xC3\x97%d   (layers \xC3\x97 heads \xC3\x97 scores)"), ne, H, S * S, nd,
             H, T * T, nd, H, T * S);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, x, y, w, th->text, UI_LEFT, b);
    y += ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    snprintf(b, sizeof b, _("at the limit of L = %d tokens: %ld;  twice the length, four times the scores"), Lm, full);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, x, y, w, th->text_dim, UI_LEFT, b);
    y += ui_line_height(ui, UI_SANS, UI_SIZE_SMALL) + ui_px(ui, 4);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, x, y, w, th->accent, UI_LEFT,
                _("per layer, attention costs m\xC2\xB2\xC2\xB7" "d and a recurrent layer m\xC2\xB7" "d\xC2\xB2 (paper, table 1):"));
    y += ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    snprintf(b, sizeof b, _("attention is the cheaper one while m < d; here m \xE2\x89\xA4 %d < d = %d"), Lm, D);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, x, y, w, th->accent, UI_LEFT, b);
    /* the curve m^2 against m, this sentence marked */
    int n = Lm;
    float *xs = malloc(sizeof(float) * (size_t)n), *ys = malloc(sizeof(float) * (size_t)n);
    if (!xs || !ys) { free(xs); free(ys); return; }
    for (int m = 1; m <= n; m++) { xs[m - 1] = (float)m; ys[m - 1] = (float)(m * m); }
    ui_plot_spec p = ui_plot_line(xs, n, ys, _("m\xC2\xB2 scores per head and layer"));
    char title[96];
    snprintf(title, sizeof title, _("m\xC2\xB2 against m (line: S = %d)"), S);
    p.title = title;
    p.x_label = _("sentence length m (tokens)");
    p.highlight_x = S - 1;
    int hi = ui_plot(ui, L->cost_plot, &p);
    if (hi >= 0) {
        SDL_Rect mr = {ui->mouse_x - 4, ui->mouse_y - 4, 8, 8};
        ui_hover_value(ui, mr, ys[hi], _("m = %d tokens: m\xC2\xB2 attention scores per head and layer"), hi + 1);
    }
    free(xs);
    free(ys);
}

static void tog_draw(const void *st, const lesson_ctx *ctx)
{
    const together_state *s = st;
    const trace *tr = ctx->tr;
    if (tr->n_tgt < 1 || tr->n_src < 1) return;
    ui_ctx *ui = ctx->ui;
    const ui_theme *th = ui->theme;
    together_layout L;
    tog_layout(ctx, ctx->step, &L);
    int t = tog_step(ctx);
    char b[400], words[300];
    tok_detokenize(ctx->vocab, tr->tgt_ids, t + 1, words, sizeof words);
    if (ctx->step == 0) {
        const char *next = tok_vocab_word(ctx->vocab, tr->out_ids[t]);
        if (words[0])
            snprintf(b, sizeof b, _("decoding step %d of %d: the model has written \xE2\x80\x9C%s\xE2\x80\x9D and now writes \xE2\x80\x9C%s\xE2\x80\x9D"),
                     t + 1, tr->n_tgt, words, next);
        else
            snprintf(b, sizeof b, _("decoding step %d of %d: nothing written yet, the model now writes \xE2\x80\x9C%s\xE2\x80\x9D"), t + 1,
                     tr->n_tgt, next);
        ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, L.head.x, L.head.y, L.head.w, th->text, UI_LEFT, b);
        ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L.head.x, L.head.y + ui_line_height(ui, UI_BOLD, UI_SIZE_BODY), L.head.w, th->text_dim, UI_LEFT,
                    _("the encoder runs once per sentence; the decoder runs once per output word.   ; ' step   [ ] layer   , . head"));
        draw_flow(s, ctx, &L);
    } else {
        snprintf(b, sizeof b, _("attention compares every token with every token: m tokens \xE2\x86\x92 m\xC2\xB2 scores"));
        ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, L.head.x, L.head.y, L.head.w, th->text, UI_LEFT, b);
        snprintf(b, sizeof b, _("this sentence's matrices inside the largest possible, L\xC3\x97L = %d\xC3\x97%d; one cell = one score"), tr->cfg.max_len,
                 tr->cfg.max_len);
        ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L.head.x, L.head.y + ui_line_height(ui, UI_BOLD, UI_SIZE_BODY), L.head.w, th->text_dim, UI_LEFT, b);
        draw_cost(ctx, &L);
    }
}

static void tog_toggle(together_state *s, const lesson_ctx *ctx)
{
    float p = tog_position(s, ctx);
    if (s->playing && p < (float)N_STAGES) {
        s->playing = 0;
        s->pos = p;
        return;
    }
    s->pos = p >= (float)N_STAGES ? 0.0f : p;
    s->p0 = s->pos;
    s->t0 = ctx->ui->time;
    s->playing = 1;
}

static int tog_event(void *st, const SDL_Event *ev, const lesson_ctx *ctx)
{
    together_state *s = st;
    if (ctx->step != 0) return 0;
    together_layout L;
    tog_layout(ctx, 0, &L);
    if (ev->type == SDL_KEYDOWN && !(ev->key.keysym.mod & (KMOD_CTRL | KMOD_GUI | KMOD_SHIFT))) {
        if (ev->key.keysym.sym == SDLK_SPACE || ev->key.keysym.sym == SDLK_p) {
            tog_toggle(s, ctx);
            return 1;
        }
        return 0;
    }
    if (ev->type == SDL_MOUSEBUTTONDOWN && ev->button.button == SDL_BUTTON_LEFT) {
        if (ui_point_in(L.play, ev->button.x, ev->button.y)) { tog_toggle(s, ctx); return 1; }
        if (ui_point_in(L.slider, ev->button.x, ev->button.y)) {
            s->drag = 1;
            s->playing = 0;
            s->pos = ui_slider_value_at(L.slider, 0, (float)N_STAGES, ev->button.x);
            return 1;
        }
        return 0;
    }
    if (ev->type == SDL_MOUSEMOTION && s->drag) {
        s->pos = ui_slider_value_at(L.slider, 0, (float)N_STAGES, ev->motion.x);
        return 1;
    }
    if (ev->type == SDL_MOUSEBUTTONUP && s->drag) { s->drag = 0; return 1; }
    return 0;
}

static int tog_animating(const void *st, const lesson_ctx *ctx)
{
    const together_state *s = st;
    return s && ctx->step == 0 && s->playing && tog_position(s, ctx) < (float)N_STAGES;
}

static int tog_dump(const void *st, const lesson_ctx *ctx, char *dst, size_t n)
{
    const together_state *s = st;
    const trace *tr = ctx->tr;
    float p = tog_position(s, ctx);
    int cur = ui_f2i(floorf(p));
    int S = tr->n_src, T = tr->n_tgt, H = tr->cfg.n_heads;
    long scores = (long)tr->cfg.n_enc_layers * H * S * S + (long)tr->cfg.n_dec_layers * H * (T * T + T * S);
    together_layout L;
    tog_layout(ctx, 0, &L);
    int t = tog_step(ctx);
    return snprintf(dst, n,
                    "{\"playing\": %d, \"position\": %.3f, \"stage\": \"%s\", \"t\": %d, \"word_id\": %d, \"S\": %d, \"T\": %d, "
                    "\"scores\": %ld, \"slider\": [%d, %d, %d, %d], \"play\": [%d, %d, %d, %d], \"word_box\": [%d, %d, %d, %d]}",
                    s && s->playing && p < (float)N_STAGES, (double)p, cur >= 0 && cur < N_STAGES ? stage_names[cur] : "end", t,
                    tr->out_ids[t], S, T, scores, L.slider.x, L.slider.y, L.slider.w, L.slider.h, L.play.x, L.play.y, L.play.w, L.play.h,
                    L.box[ST_WORD].x, L.box[ST_WORD].y, L.box[ST_WORD].w, L.box[ST_WORD].h);
}

const lesson lesson_together = {
    .slug = "together", .title = N_("Putting it together"), .steps = 2,
    .keys = N_("Space or P: play / pause (Space does NOT go to the next step here; use Right)   drag the slider to scrub"),
    .state_size = sizeof(together_state), .init = tog_init,
    .handle_event = tog_event, .draw = tog_draw, .dump_json = tog_dump, .animating = tog_animating,
};
