/* lesson_multihead.c - lesson 6, "Multi-head attention", in three steps, for
 * the selected layer:
 *   1 the attention weights of every head side by side (trace: weights
 *     [H, S, S]); click one to enlarge it (it becomes the selected head);
 *   2 the heads' outputs side by side, concat [S × H·d_v] coloured by head
 *     (trace: concat), times W_Oᵀ (the model's out_proj_weight [D, D]), plus
 *     b_O, gives the sub-layer's output [S × D] (trace: out). Below, for one
 *     token, each output dimension split into the part that comes from each
 *     head: out[t][d] = Σ_h Σ_{j in head h} W_O[d][j]·concat[t][j] + b_O[d].
 *     That split is display math whose sum is checked against the trace: it
 *     answers the article's open question (why a linear layer after concat);
 *   3 what the concat alone could not do: for the selected token, each head's
 *     share of every output dimension with W_O (mixed) beside the concat alone
 *     (head h owns its d_v columns, nothing mixed), the length of what each
 *     head adds, ‖concat[t, head h] · W_O[:, head h]ᵀ‖, and the shapes
 *     (lessons/common/openq.c: the parts, whose sum + b_O is checked).
 * X switches between the encoder self-attention, the decoder's masked
 * self-attention and its cross-attention.
 *
 * Must not: change the trace or the parameters, run the model, or draw
 * outside ctx->area.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attn_view.h"
#include "lesson.h"
#include "lesson_layout.h"
#include "openq.h"
#include "ui_grid.h"

#define MAXH 16   /* tiles drawn at most (the model allows 64 heads) */

typedef struct {
    int kind;
} mh_state;

/* The attention shown (attn_view.h), with H clamped to the MAXH tiles this lesson draws. */
static void mh_view_get(const lesson_ctx *ctx, int kind, attn_view *v)
{
    attn_view_pick(ctx, kind, v);
    if (v->H > MAXH) {
        v->H = MAXH;
        v->head = ctx->sel->head % v->H;
    }
}

/* Head h's weights [nq, nk], row stride L. */
static const float *head_weights(const attn_view *v, int h) { return v->a->weights + (size_t)h * v->L * v->L; }

/* contrib[h * D + d]: what head h adds to out[t][d] (openq_head_parts). */
static void head_contrib(const attn_view *v, int t, float *contrib)
{
    openq_head_parts(v->a->concat + (size_t)t * v->D, v->p->out_proj_weight, v->D, v->H, v->dk, contrib);
}

/* ------------------------------------------------------------------ layout */

typedef struct {
    SDL_Rect formula, info, kind_btn;
    SDL_Rect tiles[MAXH];    /* step 1: one per head */
    SDL_Rect big;            /* step 1: the enlarged head */
    SDL_Rect concat, wo, out, contrib, bars; /* step 2 */
    SDL_Rect mixed, alone, norms, notes;    /* step 3 */
} mh_layout;

/* Step 3: the two share maps on the left, one above the other, the norms on the right, four lines of notes under all. */
static void mh_layout_mixing(const lesson_ctx *ctx, int y0, mh_layout *L)
{
    ui_ctx *ui = ctx->ui;
    SDL_Rect a = ctx->area;
    int pad = ui_px(ui, 10), lw = a.w * 62 / 100;
    int nh = 4 * ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int h = a.y + a.h - y0 - nh - pad;
    int mh = (h - 2 * pad) / 2;
    L->mixed = (SDL_Rect){a.x, y0, lw, mh};
    L->alone = (SDL_Rect){a.x, y0 + mh + 2 * pad, lw, h - mh - 2 * pad};
    L->norms = (SDL_Rect){a.x + lw + 2 * pad, y0, a.w - lw - 2 * pad, h};
    L->notes = (SDL_Rect){a.x, y0 + h + pad, a.w, nh};
}

static void mh_layout_compute(const lesson_ctx *ctx, mh_layout *L)
{
    ui_ctx *ui = ctx->ui;
    SDL_Rect a = ctx->area;
    int pad = ui_px(ui, 10);
    int y0 = attn_view_header(ctx, &L->formula, &L->info, &L->kind_btn), h = a.y + a.h - y0;
    if (ctx->step == 0) {
        int H = ctx->tr->cfg.n_heads > MAXH ? MAXH : ctx->tr->cfg.n_heads; /* as mh_view_get */
        int lw = a.w * 50 / 100;
        int nc = H <= 2 ? H : H <= 4 ? 2 : H <= 9 ? 3 : 4;
        int nr = (H + nc - 1) / nc;
        int tw = (lw - (nc - 1) * pad) / nc, th = (h - (nr - 1) * pad) / nr;
        for (int k = 0; k < H; k++)
            L->tiles[k] = (SDL_Rect){a.x + (k % nc) * (tw + pad), y0 + (k / nc) * (th + pad), tw, th};
        L->big = (SDL_Rect){a.x + lw + 2 * pad, y0, a.w - lw - 2 * pad, h};
    } else if (ctx->step == 2) {
        mh_layout_mixing(ctx, y0, L);
    } else {
        int th = h * 56 / 100;
        int sq = th;                           /* W_Oᵀ is square */
        if (sq > a.w * 26 / 100) sq = a.w * 26 / 100;
        int rest = (a.w - sq - 2 * pad) / 2;
        L->concat = (SDL_Rect){a.x, y0, rest, th};
        L->wo = (SDL_Rect){a.x + rest + pad, y0, sq, th};
        L->out = (SDL_Rect){a.x + rest + sq + 2 * pad, y0, a.w - rest - sq - 2 * pad, th};
        int y1 = y0 + th + pad;
        int cw = a.w * 62 / 100;
        L->contrib = (SDL_Rect){a.x, y1, cw, a.y + a.h - y1};
        L->bars = (SDL_Rect){a.x + cw + 2 * pad, y1, a.w - cw - 2 * pad, a.y + a.h - y1};
    }
}

/* lesson.layout (into zeroed memory) */
static void mh_layout_of(const void *st, const lesson_ctx *ctx, void *L) { (void)st; mh_layout_compute(ctx, L); }

/* The weights of head h as a square-celled attention grid, words on both axes:
 * what the small multiples and the enlarged head share. */
static ui_grid_spec head_grid(const attn_view *v, int h)
{
    ui_grid_spec g = ui_grid_matrix(head_weights(v, h), v->nq, v->nk, NULL);
    g.stride = v->L;
    g.row_labels = v->qlab;
    g.col_labels = v->klab;
    g.square = 1;
    g.attention = 1;
    return g;
}

static void tile_spec(const attn_view *v, int h, ui_grid_spec *g, char *title, size_t tn)
{
    *g = head_grid(v, h);
    g->labels_in_hover_only = v->nq > 8 || v->nk > 8; /* short sentences: the words fit beside the small maps */
    g->max_cell = 40;
    snprintf(title, tn, _("head %d"), h + 1);
    g->title = title;
}

static void big_spec(const attn_view *v, ui_grid_spec *g, char *title, size_t tn)
{
    *g = head_grid(v, v->head);
    g->show_values = 1;
    g->highlight_row = v->row;
    snprintf(title, tn, _("head %d, enlarged [%d\xC3\x97%d]"), v->head + 1, v->nq, v->nk);
    g->title = title;
}

/* ------------------------------------------------------------------ drawing */

/* Coloured head bands under (horizontal) or left of (vertical) a grid's cells. */
static void head_bands(ui_ctx *ui, const ui_grid_geom *g, int H, int K, int vertical, const char *what)
{
    const ui_theme *t = ui->theme;
    int bt = ui_px(ui, 10), gap = ui_px(ui, 3);
    for (int h = 0; h < H; h++) {
        SDL_Rect r = vertical ? (SDL_Rect){g->cells.x - bt - gap, g->cells.y + h * K * g->ch, bt, K * g->ch}
                              : (SDL_Rect){g->cells.x + h * K * g->cw, g->cells.y + g->cells.h + gap, K * g->cw, bt};
        SDL_Color c = t->series[h % 6];
        ui_fill(ui, r, c);
        SDL_Rect hit = r;
        if (vertical) { hit.x -= ui_px(ui, 4); hit.w += ui_px(ui, 4); } else hit.h += ui_px(ui, 4);
        if (ui_mouse_in(ui, hit))
            ui_hover_text(ui, r, _("%s %d..%d: head %d's output (d_v = %d numbers)"), what, h * K, (h + 1) * K - 1, h + 1, K);
        if (!vertical) {
            char b[16];
            snprintf(b, sizeof b, "h%d", h + 1);
            ui_text(ui, UI_BOLD, UI_SIZE_SMALL, r.x + r.w / 2, r.y + r.h + gap, c, UI_CENTER | UI_TOP, b);
        }
    }
}

static void draw_step1(const attn_view *v, const lesson_ctx *ctx, const mh_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    char title[MAXH][64], bt[160];
    for (int h = 0; h < v->H; h++) {
        ui_grid_spec g;
        ui_grid_geom geo;
        tile_spec(v, h, &g, title[h], sizeof title[h]);
        ui_grid_draw(ui, L->tiles[h], &g, &geo);
        if (h == v->head) {
            SDL_Rect c = geo.cells;
            int th = ui_px(ui, 3);
            ui_frame(ui, (SDL_Rect){c.x - th - 1, c.y - th - 1, c.w + 2 * th + 2, c.h + 2 * th + 2}, t->accent, th);
        }
    }
    ui_grid_spec g;
    big_spec(v, &g, bt, sizeof bt);
    ui_grid_draw(ui, L->big, &g, NULL);
}

/* Step 2's top row: concat [S × H·d_v] with its head bands, × W_Oᵀ [D × D] with
 * its head bands, + b_O = out [S × D]. Returns W_Oᵀ in ctx->scratch (NULL out of
 * memory) and the geometry of concat and out. */
static const float *draw_concat_wo_out(const attn_view *v, const lesson_ctx *ctx, const mh_layout *L, ui_grid_geom *gc,
                                       ui_grid_geom *go)
{
    ui_ctx *ui = ctx->ui;
    int S = v->nq, D = v->D, H = v->H, K = v->dk;
    float *wt = lesson_floats(ctx, (size_t)D * (size_t)D);
    if (!wt) return NULL;
    char title[3][128];
    int band = ui_px(ui, 10) + ui_px(ui, 3) + ui_line_height(ui, UI_BOLD, UI_SIZE_SMALL);
    float cm = lesson_absmax(v->a->concat, S * D);
    ui_grid_geom gw;
    ui_grid_spec g = ui_grid_diverging(v->a->concat, S, D, cm, _("concat"));
    g.row_labels = v->qlab;
    g.highlight_row = v->row;
    snprintf(title[0], sizeof title[0], _("concat [%d\xC3\x97%d\xC2\xB7%d]"), S, H, K);
    g.title = title[0];
    SDL_Rect r = L->concat;
    r.h -= band;
    ui_grid_draw(ui, r, &g, gc);
    head_bands(ui, gc, H, K, 0, _("columns"));
    /* W_O^T [D x D]: row j = input dimension j (from head j / K), column d = output dimension */
    for (int j = 0; j < D; j++)
        for (int d = 0; d < D; d++) wt[j * D + d] = v->p->out_proj_weight[(size_t)d * D + j];
    float wm = lesson_absmax(wt, D * D);
    g = ui_grid_diverging(wt, D, D, wm, "W_O\xE1\xB5\x80");
    g.square = 1;
    snprintf(title[1], sizeof title[1], "\xC3\x97 W_O\xE1\xB5\x80 [%d\xC3\x97%d]", D, D);
    g.title = title[1];
    r = L->wo;
    int bt = ui_px(ui, 10) + ui_px(ui, 3);
    r.x += bt; r.w -= bt;
    ui_grid_draw(ui, r, &g, &gw);
    head_bands(ui, &gw, H, K, 1, _("rows"));
    float om = lesson_absmax(v->a->out, S * D);
    g = ui_grid_diverging(v->a->out, S, D, om, _("out"));
    g.row_labels = v->qlab;
    g.highlight_row = v->row;
    snprintf(title[2], sizeof title[2], _("+ b_O = out [%d\xC3\x97%d]"), S, D);
    g.title = title[2];
    r = L->out;
    r.h -= band;
    ui_grid_draw(ui, r, &g, go);
    return wt;
}

/* The bars under the split: output dimension dim of token t_row, head by head,
 * plus b_O, and their sum against the model's number. */
static int draw_dim_bars(const attn_view *v, const lesson_ctx *ctx, const mh_layout *L, const float *contrib, int t_row, int dim)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    int H = v->H, D = v->D;
    float *vals = lesson_floats(ctx, (size_t)H + 1);
    const char **bp = lesson_scratch_alloc(ctx->scratch, sizeof(char *) * ((size_t)H + 1));
    if (!vals || !bp) return -1;
    double sum = 0;
    for (int h = 0; h < H; h++) {
        vals[h] = contrib[h * D + dim];
        sum += vals[h];
        if (!(bp[h] = lesson_scratch_printf(ctx->scratch, "h%d", h + 1))) return -1;
    }
    float bias = v->p->out_proj_bias ? v->p->out_proj_bias[dim] : 0.0f;
    vals[H] = bias;
    sum += bias;
    bp[H] = "b_O";
    float bm = lesson_absmax(vals, H + 1);
    ui_bars_spec bs = ui_bars_fixed(vals, H + 1, bp, -bm, bm, _("part of out"));
    bs.show_values = 1;
    char b[256];
    snprintf(b, sizeof b, _("out[\"%s\"][%d], head by head"), v->qlab[t_row], dim);
    int lh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    SDL_Rect br = L->bars;
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, br.x, br.y, br.w, t->text, UI_LEFT, b);
    int top = ui_line_height(ui, UI_BOLD, UI_SIZE_BODY) + lh;
    br.y += top;
    br.h -= 2 * lh + top + ui_px(ui, 6); /* two lines under the bars, descenders included, inside the area */
    ui_bars(ui, br, &bs);
    float tv = v->a->out[(size_t)t_row * D + dim];
    ui_num n[2];
    snprintf(b, sizeof b, _("sum %s = model's %s"), ui_fmts(&n[0], sum, 5), ui_fmts(&n[1], tv, 5));
    ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, br.x, br.y + br.h + 2, br.w, t->text, UI_LEFT, b);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, br.x, br.y + br.h + 2 + lh, br.w, t->text_dim, UI_LEFT,
                _("every output number mixes all heads"));
    return 0;
}

static int draw_step2(const attn_view *v, const lesson_ctx *ctx, const mh_layout *L)
{
    ui_ctx *ui = ctx->ui;
    if (!v->p || !v->p->out_proj_weight) return 0;
    int D = v->D, H = v->H;
    ui_grid_geom gc, go, gk;
    const float *wt = draw_concat_wo_out(v, ctx, L, &gc, &go);
    float *contrib = lesson_floats(ctx, (size_t)H * (size_t)D);
    const char **hp = lesson_scratch_alloc(ctx->scratch, sizeof(char *) * (size_t)H);
    if (!wt || !contrib || !hp) return -1;
    for (int h = 0; h < H; h++)
        if (!(hp[h] = lesson_scratch_printf(ctx->scratch, _("head %d"), h + 1))) return -1;
    /* which token and output dimension to explain: the hovered cell of out or of the head split, else the
     * selected token and its largest dimension */
    ui_grid_spec g = ui_grid_matrix(NULL, H, D, NULL); /* the head split's geometry, before its data */
    g.row_labels = hp; g.max_cell = 48; g.title = "t";
    ui_grid_layout(ui, L->contrib, &g, &gk);
    int t_row = v->row, dim = -1, hr, hc;
    if (ui_grid_cell_at(&go, ui->mouse_x, ui->mouse_y, &hr, &hc)) { t_row = hr; dim = hc; }
    else if (ui_grid_cell_at(&gc, ui->mouse_x, ui->mouse_y, &hr, &hc)) t_row = hr;
    else if (ui_grid_cell_at(&gk, ui->mouse_x, ui->mouse_y, &hr, &hc)) dim = hc;
    const float *orow = v->a->out + (size_t)t_row * D;
    if (dim < 0) {
        dim = 0;
        for (int d = 1; d < D; d++) if (fabsf(orow[d]) > fabsf(orow[dim])) dim = d;
    }
    /* contributions of each head to out[t_row] */
    head_contrib(v, t_row, contrib);
    float km = lesson_absmax(contrib, H * D);
    g = ui_grid_diverging(contrib, H, D, km, _("head part"));
    g.row_labels = hp;
    g.highlight_col = dim;
    g.max_cell = 48;
    char b[256];
    snprintf(b, sizeof b, _("head parts of out[\"%s\"] (sum = out \xE2\x88\x92 b_O)"), v->qlab[t_row]);
    g.title = b;
    ui_grid_draw(ui, L->contrib, &g, &gk);
    return draw_dim_bars(v, ctx, L, contrib, t_row, dim);
}

/* Step 3's numbers for token t: parts [H, D] (what each head adds), share [H, D] = |part| / Σ_h |part| of each
 * output dimension, alone [H, D] = the concat alone's (1 where column d is head h's), norms [H] = ‖part of h‖.
 * Returns the mean over the dimensions of the largest share; *err = max |Σ_h part + b_O − out| of the row. */
static double mixing_numbers(const attn_view *v, int t, float *parts, float *share, float *alone, float *norms, double *err)
{
    int H = v->H, D = v->D;
    double mean_max = 0;
    *err = 0;
    head_contrib(v, t, parts);
    openq_part_norms(parts, H, D, norms);
    for (int d = 0; d < D; d++) {
        double tot = 0, sum = v->p->out_proj_bias ? v->p->out_proj_bias[d] : 0, mx = 0;
        for (int h = 0; h < H; h++) { tot += fabs(parts[h * D + d]); sum += parts[h * D + d]; }
        for (int h = 0; h < H; h++) {
            share[h * D + d] = tot > 0 ? (float)(fabs(parts[h * D + d]) / tot) : 0.0f;
            alone[h * D + d] = d / v->dk == h ? 1.0f : 0.0f;
            if (share[h * D + d] > mx) mx = share[h * D + d];
        }
        mean_max += mx / D;
        *err = fmax(*err, fabs(sum - v->a->out[(size_t)t * D + d]));
    }
    return mean_max;
}

/* Step 3's notes: the shapes, and what the concat alone would give. */
static void draw_mixing_notes(const attn_view *v, const lesson_ctx *ctx, const mh_layout *L, double mean_max, double err)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    int S = v->nq, D = v->D, H = v->H, K = v->dk, lh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    char b[4][300], e[24], pc[24];
    ui_fmt(err, 2, e, sizeof e);
    ui_fmt(100.0 * mean_max, 3, pc, sizeof pc);
    snprintf(b[0], sizeof b[0], _("concat [%d\xC3\x97%d\xC2\xB7%d] \xC2\xB7 W_O\xE1\xB5\x80 [%d\xC3\x97%d] + b_O = out [%d\xC3\x97%d]"), S, H, K, H * K, D, S, D);
    snprintf(b[1], sizeof b[1], _("h\xC2\xB7" "d_v = %d\xC3\x97%d = %d = d_model only because d_v = d_model/h was chosen so"), H, K, H * K);
    snprintf(b[2], sizeof b[2], _("with W_O the largest head gives %s%% of a dimension on average (concat alone: 100%%, head h only in its %d)"), pc, K);
    snprintf(b[3], sizeof b[3], _("\xCE\xA3 parts + b_O = the model's out (max error %s)"), e);
    for (int i = 0; i < 4; i++)
        ui_text_fit(ui, i == 2 ? UI_BOLD : UI_SANS, UI_SIZE_SMALL, L->notes.x, L->notes.y + i * lh, L->notes.w,
                    i == 2 ? t->accent : t->text, UI_LEFT, b[i]);
}

/* Step 3: each head's share of every output dimension of the selected token, with W_O and with the concat
 * alone, and how much each head adds. */
static int draw_step3(const attn_view *v, const lesson_ctx *ctx, const mh_layout *L)
{
    ui_ctx *ui = ctx->ui;
    if (!v->p || !v->p->out_proj_weight) return 0;
    int D = v->D, H = v->H;
    float *parts = lesson_floats(ctx, (size_t)H * (size_t)D), *share = lesson_floats(ctx, (size_t)H * (size_t)D);
    float *alone = lesson_floats(ctx, (size_t)H * (size_t)D), *norms = lesson_floats(ctx, (size_t)H);
    const char **hp = lesson_scratch_alloc(ctx->scratch, sizeof(char *) * (size_t)H);
    if (!parts || !share || !alone || !norms || !hp) return -1;
    for (int h = 0; h < H; h++)
        if (!(hp[h] = lesson_scratch_printf(ctx->scratch, _("head %d"), h + 1))) return -1;
    double err, mean_max = mixing_numbers(v, v->row, parts, share, alone, norms, &err);
    char title[3][256];
    snprintf(title[0], sizeof title[0], _("with W_O: each head's share of out[\"%s\"][d] : [%d\xC3\x97%d]"), v->qlab[v->row], H, D);
    snprintf(title[1], sizeof title[1], _("concat alone: column d is head \xE2\x8C\x8A" "d/%d\xE2\x8C\x8B+1's only : [%d\xC3\x97%d]"), v->dk, H, D);
    const float *m[2] = {share, alone};
    SDL_Rect r[2] = {L->mixed, L->alone};
    for (int i = 0; i < 2; i++) {
        ui_grid_spec g = ui_grid_matrix(m[i], H, D, i ? _("concat alone") : _("share"));
        g.row_labels = hp;
        g.max_cell = 48;
        g.title = title[i];
        g.highlight_row = v->head;
        ui_grid_draw(ui, r[i], &g, NULL);
    }
    float nm = lesson_absmax(norms, H);
    ui_bars_spec bs = ui_bars_fixed(norms, H, hp, 0, nm > 0 ? nm : 1, _("length of what the head adds"));
    bs.show_values = 1;
    bs.highlight = v->head;
    snprintf(title[2], sizeof title[2], _("\xE2\x80\x96head h's part of out[\"%s\"]\xE2\x80\x96"), v->qlab[v->row]);
    SDL_Rect br = L->norms;
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, br.x, br.y, br.w, ui->theme->text, UI_LEFT, title[2]);
    int top = ui_line_height(ui, UI_BOLD, UI_SIZE_BODY) + ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    br.y += top;
    br.h -= top;
    ui_bars(ui, br, &bs);
    draw_mixing_notes(v, ctx, L, mean_max, err);
    return 0;
}

static void mh_draw(const void *st, const lesson_ctx *ctx)
{
    const mh_state *s = st;
    const mh_layout *L = ctx->layout;
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    attn_view v;
    mh_view_get(ctx, s->kind, &v);
    if (!v.qlab) {
        lesson_no_memory(ctx);
        return;
    }
    char f[300], b[300];
    if (ctx->step == 2)
        snprintf(f, sizeof f, _("concat alone [%d\xC3\x97%d\xC2\xB7%d]: no mixing;   concat\xC2\xB7W_O\xE1\xB5\x80 : [%d\xC3\x97%d]\xC2\xB7[%d\xC3\x97%d] \xE2\x86\x92 [%d\xC3\x97%d]"),
                 v.nq, v.H, v.dk, v.nq, v.H * v.dk, v.H * v.dk, v.D, v.nq, v.D);
    else if (ctx->step == 0)
        snprintf(f, sizeof f, _("head\xE1\xB5\xA2 = softmax(Q\xE1\xB5\xA2\xC2\xB7K\xE1\xB5\xA2\xE1\xB5\x80 / \xE2\x88\x9A%d)\xC2\xB7V\xE1\xB5\xA2,  i = 1..%d :  %d weight maps of [%d\xC3\x97%d], all computed at once"),
                 v.dk, v.H, v.H, v.nq, v.nk);
    else
        snprintf(f, sizeof f, _("MultiHead = Concat(head\xE2\x82\x81..head%d) W_O\xE1\xB5\x80 + b_O :  [%d\xC3\x97%d]\xC2\xB7[%d\xC3\x97%d] \xE2\x86\x92 [%d\xC3\x97%d]"),
                 v.H, v.nq, v.D, v.D, v.D, v.nq, v.D);
    ui_formula(ui, UI_SIZE_BODY, L->formula.x, L->formula.y, t->accent, UI_LEFT, f);
    snprintf(b, sizeof b, _("%s \xC2\xB7 layer %d of %d \xC2\xB7 head %d     [ ] layer  , . head  %s"),
             attn_kind_name(v.kind), v.layer + 1, v.n_layers, v.head + 1, ctx->step == 0 ? _("click: enlarge") : _("hover out"));
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->info.x, L->info.y + L->info.h / 2, L->info.w, t->text, UI_LEFT | UI_MIDDLE, b);
    ui_button(ui, L->kind_btn, attn_view_next_label(v.kind), 0);
    if (ctx->step == 0) draw_step1(&v, ctx, L);
    else if ((ctx->step == 2 ? draw_step3(&v, ctx, L) : draw_step2(&v, ctx, L)) != 0) lesson_no_memory(ctx);
}

/* ------------------------------------------------------------------ state, events, dump */

static int mh_event(void *st, const SDL_Event *ev, const lesson_ctx *ctx)
{
    mh_state *s = st;
    const mh_layout *L = ctx->layout;
    attn_view v;
    mh_view_get(ctx, s->kind, &v);
    if (lesson_experiment_link(ev, ctx, 3)) return 1; /* lesson 17 step 3: every head removed in turn */
    if (ev->type == SDL_KEYDOWN && !(ev->key.keysym.mod & (KMOD_CTRL | KMOD_GUI | KMOD_ALT)) && ev->key.keysym.sym == SDLK_x) {
        s->kind = (s->kind + 1) % ATTN_N_KINDS;
        return 1;
    }
    if (ev->type == SDL_KEYDOWN && v.kind != ATTN_ENC_SELF && !(ev->key.keysym.mod & (KMOD_CTRL | KMOD_GUI | KMOD_ALT)) &&
        (ev->key.keysym.sym == SDLK_UP || ev->key.keysym.sym == SDLK_DOWN)) {
        int r = v.row + (ev->key.keysym.sym == SDLK_UP ? -1 : 1);
        ctx->sel->step = (r + v.nq) % v.nq;
        return 1;
    }
    if (ev->type == SDL_MOUSEBUTTONDOWN && ev->button.button == SDL_BUTTON_LEFT) {
        int x = ev->button.x, y = ev->button.y;
        if (ui_point_in(L->kind_btn, x, y)) { s->kind = (s->kind + 1) % ATTN_N_KINDS; return 1; }
        if (ctx->step == 0) {
            for (int h = 0; h < v.H; h++)
                if (ui_point_in(L->tiles[h], x, y)) { ctx->sel->head = h; return 1; }
            ui_grid_spec g;
            ui_grid_geom geo;
            char bt[160];
            big_spec(&v, &g, bt, sizeof bt);
            ui_grid_layout(ctx->ui, L->big, &g, &geo);
            int r, c;
            if (ui_grid_cell_at(&geo, x, y, &r, &c)) {
                if (v.kind == ATTN_ENC_SELF) ctx->sel->token = r; else ctx->sel->step = r;
                return 1;
            }
        }
    }
    return 0;
}

/* The geometry of a grid as the dump reports it: "key": {"x", "y", "cw", "ch", "rows", "cols"}. */
static void json_grid(lesson_json *j, const char *key, const ui_grid_geom *g)
{
    lesson_json_put(j, ", \"%s\": {\"x\": %d, \"y\": %d, \"cw\": %d, \"ch\": %d, \"rows\": %d, \"cols\": %d}", key, g->cells.x,
                    g->cells.y, g->cw, g->ch, g->rows, g->cols);
}

/* Step 2 in the dump: the largest error of the head split of the selected
 * token (Σ_h part + b against the trace's out), its first parts, and where W_Oᵀ is. */
static void dump_split(const attn_view *v, const lesson_ctx *ctx, const mh_layout *L, lesson_json *j)
{
    float *contrib = lesson_floats(ctx, (size_t)v->H * (size_t)v->D);
    if (!contrib) return;
    head_contrib(v, v->row, contrib);
    double worst = 0;
    for (int d = 0; d < v->D; d++) {
        double acc = v->p->out_proj_bias ? v->p->out_proj_bias[d] : 0;
        for (int h = 0; h < v->H; h++) acc += contrib[h * v->D + d];
        double e = fabs(acc - v->a->out[(size_t)v->row * v->D + d]);
        if (e > worst) worst = e;
    }
    lesson_json_put(j, ", \"split_max_error\": %.3g, \"head_part_row0\": [", worst);
    for (int d = 0; d < 4 && d < v->D; d++) lesson_json_put(j, "%s%.6g", d ? ", " : "", (double)contrib[d]);
    lesson_json_put(j, "]");
    ui_grid_geom geo;
    ui_grid_spec g = ui_grid_matrix(NULL, v->D, v->D, NULL); /* W_O's geometry as drawn */
    g.square = 1; g.title = "t";
    SDL_Rect r = L->wo;
    int bw = ui_px(ctx->ui, 10) + ui_px(ctx->ui, 3);
    r.x += bw; r.w -= bw;
    ui_grid_layout(ctx->ui, r, &g, &geo);
    json_grid(j, "wo", &geo);
}

/* Step 3 in the dump: the mean largest share, each head's part length and the parts' sum error. */
static void dump_mixing(const attn_view *v, const lesson_ctx *ctx, lesson_json *j)
{
    size_t n = (size_t)v->H * (size_t)v->D;
    float *parts = lesson_floats(ctx, n), *share = lesson_floats(ctx, n), *alone = lesson_floats(ctx, n);
    float *norms = lesson_floats(ctx, (size_t)v->H);
    if (!parts || !share || !alone || !norms) return;
    double err, mean_max = mixing_numbers(v, v->row, parts, share, alone, norms, &err);
    lesson_json_put(j, ", \"mix_mean_max\": %.6g, \"mix_error\": %.3g, \"concat_cols\": %d, \"d_model\": %d, \"part_norms\": [",
                    mean_max, err, v->H * v->dk, v->D);
    for (int h = 0; h < v->H; h++) lesson_json_put(j, "%s%.6g", h ? ", " : "", (double)norms[h]);
    lesson_json_put(j, "]");
}

static int mh_dump(const void *st, const lesson_ctx *ctx, char *dst, size_t n)
{
    const mh_state *s = st;
    const mh_layout *L = ctx->layout;
    attn_view v;
    mh_view_get(ctx, s->kind, &v);
    if (!v.qlab) return 0;
    lesson_json j = {dst, n, 0};
    lesson_json_put(&j, "{\"kind\": \"%s\", \"layer\": %d, \"head\": %d, \"token\": %d, \"tiles\": [", attn_kind_slug(v.kind), v.layer,
                    v.head, v.row);
    for (int h = 0; h < v.H && ctx->step == 0; h++)
        lesson_json_put(&j, "%s[%d, %d, %d, %d]", h ? ", " : "", L->tiles[h].x, L->tiles[h].y, L->tiles[h].w, L->tiles[h].h);
    lesson_json_put(&j, "]");
    if (ctx->step == 0) {
        ui_grid_spec g;
        ui_grid_geom geo;
        char bt[160];
        big_spec(&v, &g, bt, sizeof bt);
        ui_grid_layout(ctx->ui, L->big, &g, &geo);
        json_grid(&j, "big", &geo);
    } else if (v.p && v.p->out_proj_weight && ctx->step == 2) {
        dump_mixing(&v, ctx, &j);
    } else if (v.p && v.p->out_proj_weight) {
        dump_split(&v, ctx, L, &j);
    }
    lesson_json_put(&j, "}");
    return lesson_json_end(&j);
}

const lesson lesson_multihead = {
    .slug = "multi-head", .title = N_("Multi-head attention"), .steps = 3,
    .keys = N_("X or the button: encoder / decoder / cross   click a head to enlarge it   Up Down: decoder row   J: remove each head (lesson 17)"),
    .state_size = sizeof(mh_state), .layout_size = sizeof(mh_layout), .layout = mh_layout_of,
    .handle_event = mh_event, .draw = mh_draw, .dump_json = mh_dump,
};
