/* lesson_encoder_stack.c - lesson 9, "The encoder stack": every encoder
 * layer and head at once, as a grid of small attention maps (trace:
 * enc[l].self.weights); click one to select that layer and head (the shared
 * selection), Enter or a button opens it in lesson 5 (attention) or M in
 * lesson 6 (multi-head). Beside it, the selected head as lines from each
 * query word to the words it reads, thickness and opacity = weight; and the
 * memory, the encoder's output [S × D] (trace: memory) that every decoder
 * layer's cross-attention reads.
 *
 * Must not: change the trace, run the model, or draw outside ctx->area.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "lesson_layout.h"
#include "ui_grid.h"

#define MAXLAYERS 16   /* the model allows 16 encoder layers */
#define MAXH 16        /* heads drawn at most (as in lesson 6) */

typedef struct {
    SDL_Rect formula, info;
    SDL_Rect grid;                        /* the thumbnails' block */
    SDL_Rect legend;                      /* their one colour bar, under them */
    SDL_Rect tiles[MAXLAYERS][MAXH];      /* [layer][head] */
    int n_layers, H;
    SDL_Rect open_att, open_mh;           /* buttons */
    SDL_Rect lines;                       /* the token-to-token view */
    SDL_Rect memory;                      /* the memory heatmap */
} es_layout;

static void es_layout_compute(const lesson_ctx *ctx, es_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const trace *tr = ctx->tr;
    SDL_Rect a = ctx->area;
    int pad = ui_px(ui, 10);
    int lf = ui_line_height(ui, UI_SANS, UI_SIZE_BODY), li = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    L->formula = (SDL_Rect){a.x, a.y, a.w, lf};
    L->info = (SDL_Rect){a.x, a.y + lf, a.w, li + ui_px(ui, 6)};
    int y0 = L->info.y + L->info.h + pad, h = a.y + a.h - y0;
    L->n_layers = tr->cfg.n_enc_layers < MAXLAYERS ? tr->cfg.n_enc_layers : MAXLAYERS;
    L->H = tr->cfg.n_heads < MAXH ? tr->cfg.n_heads : MAXH;
    int gw = a.w * 46 / 100;
    int bh = li + ui_px(ui, 12);
    int lab_w = ui_px(ui, 70), head_h = li + ui_px(ui, 4), gap = ui_px(ui, 6);
    int title_h = ui_line_height(ui, UI_BOLD, UI_SIZE_SMALL) + ui_px(ui, 2);
    int leg_h = li + ui_px(ui, 6);
    int avail_w = gw - lab_w, avail_h = h - bh - pad - head_h - leg_h - pad;
    int side_w = (avail_w - (L->H - 1) * gap) / (L->H > 0 ? L->H : 1);
    int side_h = (avail_h - (L->n_layers - 1) * gap) / (L->n_layers > 0 ? L->n_layers : 1) - title_h;
    int side = side_w < side_h ? side_w : side_h;
    if (side < 8) side = 8;
    L->grid = (SDL_Rect){a.x + lab_w, y0 + head_h, L->H * side + (L->H - 1) * gap, L->n_layers * (side + title_h + gap) - gap};
    for (int l = 0; l < L->n_layers; l++)
        for (int hh = 0; hh < L->H; hh++)
            L->tiles[l][hh] = (SDL_Rect){L->grid.x + hh * (side + gap), L->grid.y + l * (side + title_h + gap), side, side + title_h};
    L->legend = (SDL_Rect){a.x, L->grid.y + L->grid.h + pad, gw, leg_h};
    int by = L->legend.y + L->legend.h + pad;
    int bw = (gw - pad) / 2;
    L->open_att = (SDL_Rect){a.x, by, bw, bh};
    L->open_mh = (SDL_Rect){a.x + bw + pad, by, bw, bh};
    int x1 = a.x + gw + 2 * pad;
    int lw = a.w * 22 / 100;
    L->lines = (SDL_Rect){x1, y0, lw, h};
    L->memory = (SDL_Rect){x1 + lw + 2 * pad, y0, a.x + a.w - (x1 + lw + 2 * pad), h};
}

/* lesson.layout (into zeroed memory) */
static void es_layout_of(const void *st, const lesson_ctx *ctx, void *L) { (void)st; es_layout_compute(ctx, L); }

static void tile_spec(const lesson_ctx *ctx, int l, int h, const char *const *labs, ui_grid_spec *g, char *name, size_t nn)
{
    const trace *tr = ctx->tr;
    int Lm = tr->cfg.max_len;
    *g = ui_grid_matrix(tr->enc[l].self.weights + (size_t)h * Lm * Lm, tr->n_src, tr->n_src, name);
    g->stride = Lm;
    g->row_labels = g->col_labels = labs;
    g->labels_in_hover_only = 1;
    g->square = 1;
    g->max_cell = 200;
    snprintf(name, nn, _("layer %d head %d"), l + 1, h + 1);
}

/* Which layer/head the selection points at, clamped to the encoder. */
static void es_sel(const lesson_ctx *ctx, int *l, int *h)
{
    int nl = ctx->tr->cfg.n_enc_layers, H = ctx->tr->cfg.n_heads;
    *l = ctx->sel->layer < nl ? ctx->sel->layer : nl - 1;
    if (*l < 0) *l = 0;
    *h = ctx->sel->head % H;
}

/* The token-to-token view of one head: queries on the left, keys on the right. */
static void draw_lines(const lesson_ctx *ctx, int l, int h, const char *const *src_ptr, SDL_Rect r)
{
    int S = ctx->tr->n_src;
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const trace *tr = ctx->tr;
    int Lm = tr->cfg.max_len;
    char b[160];
    snprintf(b, sizeof b, _("layer %d \xC2\xB7 head %d"), l + 1, h + 1);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, r.x, r.y, r.w, t->text, UI_LEFT, b);
    int top = r.y + ui_line_height(ui, UI_BOLD, UI_SIZE_BODY) + ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    ui_text(ui, UI_SANS, UI_SIZE_SMALL, r.x, top, t->text_dim, UI_LEFT | UI_BOTTOM, _("query"));
    ui_text(ui, UI_SANS, UI_SIZE_SMALL, r.x + r.w, top, t->text_dim, UI_RIGHT | UI_BOTTOM, _("key"));
    int lh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    float step = (float)(r.y + r.h - top - ui_px(ui, 4)) / (float)(S > 0 ? S : 1);
    if (step > (float)ui_px(ui, 40)) step = (float)ui_px(ui, 40);
    int thin = 1;
    while (step > 0.0f && thin < 1000 && (float)thin * step < (float)lh * 0.85f) thin++; /* step <= 0 in a tiny window */
    int lab_w = r.w * 30 / 100;
    float xl = (float)(r.x + lab_w), xr = (float)(r.x + r.w - lab_w);
    /* which query to emphasise: hovered left label, else the selected token */
    int focus = ctx->sel->token;
    float thresh = S > 8 ? 2.0f / (float)S : 0.02f; /* long sentences: only weights at least twice uniform (1/S) */
    for (int i = 0; i < S; i++) {
        SDL_Rect hit = {r.x, top + ui_f2i((float)i * step), lab_w, ui_f2i(step) > 0 ? ui_f2i(step) : 1};
        if (ui_mouse_in(ui, hit)) focus = i;
    }
    for (int i = 0; i < S; i++)
        for (int j = 0; j < S; j++) {
            float w = tr->enc[l].self.weights[((size_t)h * Lm + i) * Lm + j];
            if (w < thresh) continue;
            float y0 = (float)top + ((float)i + 0.5f) * step, y1 = (float)top + ((float)j + 0.5f) * step;
            SDL_Color c = focus < 0 || focus == i ? t->accent : t->text_dim;
            if (focus >= 0 && focus != i) w *= 0.35f;
            ui_weight_link(ui, xl + ui_px(ui, 4), y0, xr - ui_px(ui, 4), y1, w, c);
        }
    for (int i = 0; i < S; i++) {
        int y = top + ui_f2i(((float)i + 0.5f) * step);
        int show = i % thin == 0 || i == focus;
        SDL_Color c = i == focus ? t->accent : t->text;
        if (show) {
            ui_text_fit(ui, i == focus ? UI_BOLD : UI_SANS, UI_SIZE_SMALL, ui_f2i(xl) - ui_px(ui, 2), y, lab_w - 2, c, UI_RIGHT | UI_MIDDLE, src_ptr[i]);
            ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, ui_f2i(xr) + ui_px(ui, 2), y, lab_w - 2, t->text, UI_LEFT | UI_MIDDLE, src_ptr[i]);
        }
        SDL_Rect hit = {r.x, top + ui_f2i((float)i * step), lab_w, ui_f2i(step) > 0 ? ui_f2i(step) : 1};
        if (ui_mouse_in(ui, hit)) {
            int best = 0;
            for (int j = 1; j < S; j++)
                if (tr->enc[l].self.weights[((size_t)h * Lm + i) * Lm + j] > tr->enc[l].self.weights[((size_t)h * Lm + i) * Lm + best]) best = j;
            ui_hover_value(ui, hit, tr->enc[l].self.weights[((size_t)h * Lm + i) * Lm + best],
                           "\"%s\" (query %d) reads \"%s\" (key %d) most, weight", src_ptr[i], i, src_ptr[best], best);
        }
        SDL_Rect hk = {ui_f2i(xr), top + ui_f2i((float)i * step), lab_w, ui_f2i(step) > 0 ? ui_f2i(step) : 1};
        if (ui_mouse_in(ui, hk)) {
            double tot = 0;
            for (int q = 0; q < S; q++) tot += tr->enc[l].self.weights[((size_t)h * Lm + q) * Lm + i];
            ui_hover_value(ui, hk, tot, "\"%s\" (key %d): total weight it receives from all queries", src_ptr[i], i);
        }
    }
}

static void es_draw(const void *st, const lesson_ctx *ctx)
{
    (void)st;
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const trace *tr = ctx->tr;
    int S = tr->n_src, D = tr->cfg.d_model;
    const char **src_ptr = lesson_token_labels(ctx, tr->src_ids, S, LESSON_LABEL_TYPED);
    if (!src_ptr) {
        lesson_no_memory(ctx);
        return;
    }
    const es_layout *L = ctx->layout;
    int sl, sh;
    es_sel(ctx, &sl, &sh);
    char f[300], b[300];
    snprintf(f, sizeof f, _("X\xE2\x82\x80 = embedding\xC2\xB7\xE2\x88\x9A%d + PE;  X\xE2\x82\x97 = Layer\xE2\x82\x97(X\xE2\x82\x97\xE2\x82\x8B\xE2\x82\x81), l = 1..%d;  memory = X%s : [%d\xC3\x97%d]"),
             D, L->n_layers, L->n_layers == 2 ? "\xE2\x82\x82" : "\xE2\x82\x99", S, D);
    ui_formula(ui, UI_SIZE_BODY, L->formula.x, L->formula.y, t->accent, UI_LEFT, f);
    snprintf(b, sizeof b, _("%d layers \xC3\x97 %d heads, each map [%d\xC3\x97%d]; selected: layer %d, head %d.   Click a map to select it;  Enter: open in lesson 5,  M: lesson 6"),
             L->n_layers, L->H, S, S, sl + 1, sh + 1);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->info.x, L->info.y + L->info.h / 2, L->info.w, t->text, UI_LEFT | UI_MIDDLE, b);
    /* the grid of maps */
    char name[64];
    int gap = ui_px(ui, 4);
    for (int hh = 0; hh < L->H; hh++) {
        snprintf(b, sizeof b, _("head %d"), hh + 1);
        SDL_Rect tr0 = L->tiles[0][hh];
        ui_text(ui, UI_BOLD, UI_SIZE_SMALL, tr0.x + tr0.w / 2, L->grid.y - gap / 2, hh == sh ? t->accent : t->text, UI_CENTER | UI_BOTTOM, b);
    }
    for (int l = 0; l < L->n_layers; l++) {
        snprintf(b, sizeof b, _("layer %d"), l + 1);
        SDL_Rect r0 = L->tiles[l][0];
        ui_text(ui, UI_BOLD, UI_SIZE_SMALL, r0.x - ui_px(ui, 8), r0.y + r0.h / 2, l == sl ? t->accent : t->text, UI_RIGHT | UI_MIDDLE, b);
        for (int hh = 0; hh < L->H; hh++) {
            ui_grid_spec g;
            ui_grid_geom geo;
            tile_spec(ctx, l, hh, src_ptr, &g, name, sizeof name);
            SDL_Rect r = L->tiles[l][hh];
            ui_grid_draw(ui, r, &g, &geo);
            if (l == sl && hh == sh) {
                int th = ui_px(ui, 3);
                ui_frame(ui, (SDL_Rect){geo.cells.x - th - 1, geo.cells.y - th - 1, geo.cells.w + 2 * th + 2, geo.cells.h + 2 * th + 2}, t->accent, th);
            }
        }
    }
    /* the thumbnails' one colour bar: every map is attention weights on [0, 1] */
    SDL_Rect lg = L->legend;
    int li = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    lg.w -= ui_attn_axes(ui, lg.x, lg.y + (lg.h - li) / 2, lg.w / 2) + ui_px(ui, 12);
    lg.x = L->legend.x + L->legend.w - lg.w;
    ui_grid_legend(ui, lg, UI_CMAP_VIRIDIS, 0.0f, 1.0f, NULL);
    ui_button(ui, L->open_att, _("\xE2\x86\x92 5 Attention (Enter)"), 0);
    ui_button(ui, L->open_mh, _("\xE2\x86\x92 6 Multi-head (M)"), 0);
    /* the line view of the selected head */
    draw_lines(ctx, sl, sh, src_ptr, L->lines);
    /* the memory */
    float m = lesson_absmax(tr->memory, S * D);
    ui_grid_spec g = ui_grid_diverging(tr->memory, S, D, m, _("memory"));
    g.row_labels = src_ptr;
    g.highlight_row = ctx->sel->token;
    snprintf(b, sizeof b, _("memory [%d\xC3\x97%d]"), S, D);
    g.title = b;
    SDL_Rect mr = L->memory;
    int lh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    mr.h -= lh + ui_px(ui, 4); /* the caption under the map (its colour bar is in its title's caption line) */
    ui_grid_geom mg;
    ui_grid_draw(ui, mr, &g, &mg);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->memory.x, mg.cells.y + mg.cells.h + ui_px(ui, 4), L->memory.w, t->text_dim, UI_LEFT,
                _("read by every decoder layer"));
}

static int es_event(void *st, const SDL_Event *ev, const lesson_ctx *ctx)
{
    (void)st;
    const es_layout *L = ctx->layout;
    if (ev->type == SDL_KEYDOWN && !(ev->key.keysym.mod & (KMOD_CTRL | KMOD_GUI | KMOD_ALT))) {
        SDL_Keycode k = ev->key.keysym.sym;
        if ((k == SDLK_RETURN || k == SDLK_KP_ENTER) && ctx->act) { snprintf(ctx->act->goto_slug, sizeof ctx->act->goto_slug, "attention"); return 1; }
        if (k == SDLK_m && ctx->act) { snprintf(ctx->act->goto_slug, sizeof ctx->act->goto_slug, "multi-head"); return 1; }
        return 0;
    }
    if (ev->type == SDL_MOUSEBUTTONDOWN && ev->button.button == SDL_BUTTON_LEFT) {
        int x = ev->button.x, y = ev->button.y;
        for (int l = 0; l < L->n_layers; l++)
            for (int h = 0; h < L->H; h++)
                if (ui_point_in(L->tiles[l][h], x, y)) {
                    ctx->sel->layer = l;
                    ctx->sel->head = h;
                    if (ev->button.clicks >= 2 && ctx->act) snprintf(ctx->act->goto_slug, sizeof ctx->act->goto_slug, "attention");
                    return 1;
                }
        if (ui_point_in(L->open_att, x, y) && ctx->act) { snprintf(ctx->act->goto_slug, sizeof ctx->act->goto_slug, "attention"); return 1; }
        if (ui_point_in(L->open_mh, x, y) && ctx->act) { snprintf(ctx->act->goto_slug, sizeof ctx->act->goto_slug, "multi-head"); return 1; }
    }
    return 0;
}

static int es_dump(const void *st, const lesson_ctx *ctx, char *dst, size_t n)
{
    (void)st;
    int S = ctx->tr->n_src;
    const char **labs = lesson_token_labels(ctx, ctx->tr->src_ids, S, LESSON_LABEL_TYPED);
    if (!labs) return 0;
    const es_layout *L = ctx->layout;
    int sl, sh;
    es_sel(ctx, &sl, &sh);
    lesson_json j = {dst, n, 0};
    lesson_json_put(&j, "{\"layer\": %d, \"head\": %d, \"n_layers\": %d, \"n_heads\": %d, \"tiles\": [", sl, sh, L->n_layers, L->H);
    char name[64];
    for (int l = 0; l < L->n_layers; l++)
        for (int h = 0; h < L->H; h++) {
            ui_grid_spec g;
            ui_grid_geom geo;
            tile_spec(ctx, l, h, labs, &g, name, sizeof name);
            ui_grid_layout(ctx->ui, L->tiles[l][h], &g, &geo);
            lesson_json_put(&j, "%s{\"layer\": %d, \"head\": %d, \"x\": %d, \"y\": %d, \"cw\": %d, \"ch\": %d}", l || h ? ", " : "", l, h,
                            geo.cells.x, geo.cells.y, geo.cw, geo.ch);
        }
    lesson_json_put(&j, "], ");
    lesson_json_rect(&j, "open_attention", L->open_att);
    lesson_json_put(&j, ", ");
    lesson_json_rect(&j, "open_multihead", L->open_mh);
    double msum = 0;
    for (int i = 0; i < S * ctx->tr->cfg.d_model; i++) msum += fabs(ctx->tr->memory[i]);
    lesson_json_put(&j, ", \"memory_abs_sum\": %.6g}", msum);
    return lesson_json_end(&j);
}

const lesson lesson_encoder_stack = {
    .slug = "encoder-stack", .title = N_("The encoder stack"),
    .keys = N_("click a map: select its layer and head   Enter: open it in lesson 5   M: open lesson 6"),
    .layout_size = sizeof(es_layout), .layout = es_layout_of,
    .handle_event = es_event, .draw = es_draw, .dump_json = es_dump,
};
