/* lesson_pe.c - lesson 3, "Positional encoding", in four steps:
 *   1 the waves: PE of chosen dimensions over the positions (line plot),
 *   2 the PE matrix of this sentence [S x D] (heatmap),
 *   3 embedding x sqrt(D) + PE = the encoder's input X (three heatmaps),
 *   4 why relative positions are easy: for each frequency pair (2i, 2i+1) the
 *     point (sin, cos) of position pos+k is the point of pos turned by the
 *     fixed angle k*w_i, whatever pos is; so PE.PE^T depends only on the
 *     offset (a banded heatmap);
 *   5 the answer in numbers: R_k [D x D], block-diagonal with one 2x2 rotation
 *     by k*w_i per pair (no pos in it), times the PE rows of the sentence, next
 *     to PE(pos+k), and the measured max |R_k PE(pos) - PE(pos+k)|
 *     (lessons/common/openq.c).
 * Values come from the trace (enc_pe, enc_embed, enc_x). The dot products of
 * PE rows and the angle k*w_i are display math done here, not model math.
 *
 * Must not: change the trace, run the model, or draw outside ctx->area.
 */
#include <math.h>
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "lesson_layout.h"
#include "kernels.h"
#include "openq.h"

#define N_DIMS 4

typedef struct {
    int dims[N_DIMS];      /* dimensions shown as waves */
    int pair;              /* frequency pair i for the rotation demo */
    int k;                 /* offset for the rotation demo */
    int drag;              /* 1 pair slider, 2 k slider while the mouse is held */
    float *gram;           /* [L, L] PE . PE^T of the trace's PE rows */
    int gram_n;
} pe_state;

typedef struct {
    SDL_Rect formula, plot, dim_minus[N_DIMS], dim_plus[N_DIMS], dim_label[N_DIMS];
    SDL_Rect full, left, right, third[3];
    SDL_Rect circle, pair_slider, k_slider, gram;
    SDL_Rect answer, rk, rot, shifted, lines; /* step 5 */
} pe_layout;

/* Step 5: the k slider and the answer on one row, R_k and the two PE maps side by side, two lines under them. */
static void pe_layout_answer(const lesson_ctx *ctx, int y, pe_layout *L)
{
    ui_ctx *ui = ctx->ui;
    SDL_Rect a = ctx->area;
    int pad = ui_px(ui, 8), sh = ui_px(ui, 48), sl = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int sw = a.w / 4;
    L->k_slider = (SDL_Rect){a.x + ui_px(ui, 10), y, sw - ui_px(ui, 24), sh};
    L->answer = (SDL_Rect){a.x + sw + pad, y, a.w - sw - pad, sh};
    y += sh + pad;
    int h = a.y + a.h - y - 2 * sl - pad;
    int side = h < a.w * 30 / 100 ? h : a.w * 30 / 100;
    L->rk = (SDL_Rect){a.x, y, side, h};
    int rw = (a.w - side - 4 * pad) / 2;
    L->rot = (SDL_Rect){a.x + side + 2 * pad, y, rw, h};
    L->shifted = (SDL_Rect){L->rot.x + rw + 2 * pad, y, a.x + a.w - L->rot.x - rw - 2 * pad, h};
    L->lines = (SDL_Rect){a.x, y + h + pad, a.w, 2 * sl};
}

static void pe_layout_compute(const lesson_ctx *ctx, int step, pe_layout *L)
{
    ui_ctx *ui = ctx->ui;
    SDL_Rect a = ctx->area;
    int pad = ui_px(ui, 8);
    int y = lesson_formula_line(ctx, &L->formula);
    if (step == 0) {
        int bw = ui_px(ui, 34), bh = ui_px(ui, 32), sgap = ui_px(ui, 14);
        int slot = (a.w - (N_DIMS - 1) * sgap) / N_DIMS;
        int lw = slot - 2 * bw - 4;
        if (lw > ui_px(ui, 170)) { lw = ui_px(ui, 170); slot = lw + 2 * bw + 4; }
        int x = a.x;
        for (int i = 0; i < N_DIMS; i++) {
            L->dim_minus[i] = (SDL_Rect){x, y, bw, bh};
            L->dim_label[i] = (SDL_Rect){x + bw + 2, y, lw, bh};
            L->dim_plus[i] = (SDL_Rect){x + bw + lw + 4, y, bw, bh};
            x += slot + sgap;
        }
        y += bh + pad;
        L->plot = (SDL_Rect){a.x, y, a.w, a.y + a.h - y};
    } else if (step == 1) {
        L->full = (SDL_Rect){a.x, y, a.w, a.y + a.h - y};
    } else if (step == 2) {
        int w3 = (a.w - 2 * pad) / 3;
        for (int i = 0; i < 3; i++) L->third[i] = (SDL_Rect){a.x + i * (w3 + pad), y, w3, a.y + a.h - y};
    } else if (step == 4) {
        pe_layout_answer(ctx, y, L);
    } else {
        int lw = a.w / 2;
        L->left = (SDL_Rect){a.x, y, lw, a.y + a.h - y};
        L->right = (SDL_Rect){a.x + lw + 2 * pad, y, a.w - lw - 2 * pad, a.y + a.h - y};
        int sh = ui_px(ui, 48);
        L->pair_slider = (SDL_Rect){a.x + ui_px(ui, 10), y, lw / 2 - ui_px(ui, 24), sh};
        L->k_slider = (SDL_Rect){a.x + lw / 2 + ui_px(ui, 10), y, lw / 2 - ui_px(ui, 24), sh};
        int cy = y + sh + pad;
        int ch = a.y + a.h - cy - 3 * ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
        int side = ch < lw ? ch : lw;
        L->circle = (SDL_Rect){a.x + (lw - side) / 2, cy, side, side};
        L->gram = L->right;
    }
}

/* lesson.layout (into zeroed memory) */
static void pe_layout_of(const void *st, const lesson_ctx *ctx, void *L) { (void)st; pe_layout_compute(ctx, ctx->step, L); }

static int pe_init(void *st, const lesson_ctx *ctx)
{
    pe_state *s = st;
    int D = ctx->tr->cfg.d_model;
    int d[N_DIMS] = {0, 1, 8, 20};
    for (int i = 0; i < N_DIMS; i++) s->dims[i] = d[i] < D ? d[i] : D - 1;
    s->pair = 0;
    s->k = 1;
    return 0;
}

static void pe_free(void *st) { free(((pe_state *)st)->gram); }

static void pe_changed(void *st, const lesson_ctx *ctx)
{
    pe_state *s = st;
    const trace *tr = ctx->tr;
    int L = tr->cfg.max_len, D = tr->cfg.d_model;
    if (s->gram_n != L) {
        free(s->gram);
        s->gram = malloc(sizeof(float) * (size_t)L * (size_t)L);
        s->gram_n = s->gram ? L : 0;
    }
    if (!s->gram) return;
    for (int i = 0; i < L; i++)
        for (int j = 0; j < L; j++) {
            double acc = 0;
            for (int d = 0; d < D; d++) acc += (double)tr->enc_pe[i * D + d] * tr->enc_pe[j * D + d];
            s->gram[i * L + j] = (float)acc;
        }
    if (s->pair >= D / 2) s->pair = D / 2 - 1;
    if (s->k >= L) s->k = L - 1;
}

static float omega(int pair, int D) { return (float)kern_pe_freq(pair, D); }

/* The encoding as the continuous wave it samples: dimension dims[k] at any position x. */
typedef struct { const int *dims; int D; } pe_wave;
static float pe_curve(int k, float x, const void *user)
{
    const pe_wave *w = user;
    int d = w->dims[k];
    float a = x * omega(d / 2, w->D);
    return d % 2 ? cosf(a) : sinf(a);
}

static void draw_waves(const pe_state *s, const lesson_ctx *ctx, const pe_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const trace *tr = ctx->tr;
    int Lm = tr->cfg.max_len, D = tr->cfg.d_model;
    float *ys = lesson_floats(ctx, (size_t)N_DIMS * (size_t)Lm);
    if (!ys) return;
    char names[N_DIMS][48];
    ui_plot_spec p;
    memset(&p, 0, sizeof p);
    for (int k = 0; k < N_DIMS; k++) {
        int d = s->dims[k];
        for (int i = 0; i < Lm; i++) ys[k * Lm + i] = tr->enc_pe[i * D + d];
        ui_num om;
        snprintf(names[k], sizeof names[k], _("dim %d (%s, \xCF\x89=%s)"), d, d % 2 ? _("cos") : _("sin"), ui_fmts(&om, omega(d / 2, D), 3));
        p.ys[k] = ys + k * Lm;
        p.names[k] = names[k];
        char b[64];
        snprintf(b, sizeof b, _("dim %d \xC2\xB7 %s"), d, d % 2 ? _("cos") : _("sin"));
        ui_button(ui, L->dim_minus[k], "\xE2\x88\x92", 0);
        ui_fill(ui, L->dim_label[k], ui->theme->panel);
        ui_frame(ui, L->dim_label[k], ui->theme->series[k % 6], ui_px(ui, 2));
        ui_text(ui, UI_BOLD, UI_SIZE_SMALL, L->dim_label[k].x + L->dim_label[k].w / 2, L->dim_label[k].y + L->dim_label[k].h / 2,
                ui->theme->text, UI_CENTER | UI_MIDDLE, b);
        ui_button(ui, L->dim_plus[k], "+", 0);
    }
    p.n_series = N_DIMS;
    p.n = Lm;
    p.title = _("PE(pos, dim) for every position the model can take");
    p.x_label = _("position pos (the sentence uses 0 .. S\xE2\x88\x92" "1; highlighted: the last one)");
    p.fixed_range = 1;
    p.ymin = -1.1f;
    p.ymax = 1.1f;
    pe_wave wave = {s->dims, D};
    p.curve = pe_curve; /* the sine is a curve; the model reads it at the integer positions, drawn as points */
    p.curve_user = &wave;
    p.highlight_x = tr->n_src - 1;
    ui_plot(ui, L->plot, &p);
}

static void draw_rotation(const pe_state *s, const lesson_ctx *ctx, const pe_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const trace *tr = ctx->tr;
    int Lm = tr->cfg.max_len, D = tr->cfg.d_model;
    int i = s->pair, k = s->k;
    int pos = ctx->sel->token >= 0 ? ctx->sel->token : 0;
    if (pos + k >= Lm) pos = Lm - 1 - k;
    if (pos < 0) pos = 0;
    char b[200];
    ui_slider(ui, L->pair_slider, _("frequency pair i"), (float)i, 0, (float)(D / 2 - 1), "%.0f");
    ui_slider(ui, L->k_slider, _("offset k"), (float)k, 0, (float)(Lm - 1), "%.0f");
    SDL_Rect c = L->circle;
    float cx = (float)c.x + (float)c.w / 2, cy = (float)c.y + (float)c.h / 2;
    float R = (float)c.w * 0.40f;
    ui_circle(ui, cx, cy, R, t->grid, 0);
    ui_line(ui, cx - R * 1.1f, cy, cx + R * 1.1f, cy, 1, t->grid);
    ui_line(ui, cx, cy - R * 1.1f, cx, cy + R * 1.1f, 1, t->grid);
    ui_text(ui, UI_SANS, UI_SIZE_SMALL, ui_f2i(cx + R * 1.1f), ui_f2i(cy), t->text_dim, UI_RIGHT | UI_BOTTOM, _("sin"));
    ui_text(ui, UI_SANS, UI_SIZE_SMALL, ui_f2i(cx) + ui_px(ui, 4), ui_f2i(cy - R * 1.1f), t->text_dim, UI_LEFT | UI_TOP, _("cos"));
    /* every position, faint, from the trace */
    for (int p = 0; p < Lm; p++) {
        float sx = tr->enc_pe[p * D + 2 * i], sy = tr->enc_pe[p * D + 2 * i + 1];
        float px = cx + sx * R, py = cy - sy * R;
        SDL_Color col = p < tr->n_src ? t->text_dim : ui_alpha(t->text_dim, 90);
        ui_circle(ui, px, py, (float)ui_px(ui, 3), col, 1);
        SDL_Rect hr = {ui_f2i(px) - ui_px(ui, 5), ui_f2i(py) - ui_px(ui, 5), ui_px(ui, 10), ui_px(ui, 10)};
        if (ui_mouse_in(ui, hr)) ui_hover_value(ui, hr, sx, _("PE[%d][%d] (pos %d, sin of pair %d)"), p, 2 * i, p, i);
    }
    float s0 = tr->enc_pe[pos * D + 2 * i], c0 = tr->enc_pe[pos * D + 2 * i + 1];
    float s1 = tr->enc_pe[(pos + k) * D + 2 * i], c1 = tr->enc_pe[(pos + k) * D + 2 * i + 1];
    float w = omega(i, D), ang = (float)k * w;
    float a0 = atan2f(s0, c0);
    /* the arc from pos to pos+k */
    int nseg = 48;
    float arc = fmodf(ang, 2.0f * (float)M_PI);
    for (int q = 0; q < nseg; q++) {
        float u0 = a0 + arc * (float)q / (float)nseg, u1 = a0 + arc * (float)(q + 1) / (float)nseg;
        float r2 = R * 0.82f;
        ui_line(ui, cx + sinf(u0) * r2, cy - cosf(u0) * r2, cx + sinf(u1) * r2, cy - cosf(u1) * r2, (float)ui_px(ui, 3), t->accent);
    }
    ui_arrow(ui, cx, cy, cx + s0 * R, cy - c0 * R, (float)ui_px(ui, 3), t->series[0]);
    ui_arrow(ui, cx, cy, cx + s1 * R, cy - c1 * R, (float)ui_px(ui, 3), t->series[1]);
    /* labels: outside the circle, the first one inside when the two would touch */
    float d01 = sqrtf((s1 - s0) * (s1 - s0) + (c1 - c0) * (c1 - c0)) * R;
    float r0 = d01 < (float)ui_px(ui, 60) ? 0.72f : 1.15f;
    snprintf(b, sizeof b, _("pos %d"), pos);
    ui_text(ui, UI_BOLD, UI_SIZE_SMALL, ui_f2i(cx + s0 * R * r0), ui_f2i(cy - c0 * R * r0), t->series[0], UI_CENTER | UI_MIDDLE, b);
    snprintf(b, sizeof b, _("pos %d"), pos + k);
    ui_text(ui, UI_BOLD, UI_SIZE_SMALL, ui_f2i(cx + s1 * R * 1.15f), ui_f2i(cy - c1 * R * 1.15f), t->series[1], UI_CENTER | UI_MIDDLE, b);
    float measured = atan2f(s1, c1) - a0;
    while (measured < 0) measured += 2.0f * (float)M_PI;
    int ty = c.y + c.h;
    int sl = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    ui_num n[2];
    snprintf(b, sizeof b, _("turn k\xC2\xB7\xCF\x89\xE1\xB5\xA2 = %d \xC3\x97 %s = %s rad"), k, ui_fmts(&n[0], w, 4),
             ui_fmts(&n[1], fmodf(ang, 2.0f * (float)M_PI), 3));
    ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, L->left.x, ty, L->left.w, t->text, UI_LEFT, b);
    snprintf(b, sizeof b, _("measured on the trace: %s rad"), ui_fmts(&n[0], measured, 3));
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->left.x, ty + sl, L->left.w, t->text, UI_LEFT, b);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->left.x, ty + 2 * sl, L->left.w, t->text_dim, UI_LEFT,
                _("PE(pos+k) = R(k\xC2\xB7\xCF\x89\xE1\xB5\xA2) PE(pos), for every pos"));
    /* the Gram matrix PE . PE^T */
    if (s->gram) {
        ui_heatmap_spec h = ui_heatmap_matrix(s->gram, Lm, Lm, UI_CMAP_VIRIDIS, _("PE\xC2\xB7PE\xE1\xB5\x80"));
        snprintf(b, sizeof b, _("PE\xC2\xB7PE\xE1\xB5\x80 : [%d\xC3\x97%d]  (only the offset counts)"), Lm, Lm);
        h.title = b;
        h.square = 1;
        h.highlight_row = pos;
        ui_heatmap(ui, L->gram, &h, NULL);
    }
}

/* R_k [D x D] as a matrix (into r): block i on the diagonal maps (sin, cos) of pair i. */
static void pe_rk_matrix(const double *cs, int D, float *r)
{
    for (int i = 0; 2 * i + 1 < D; i++) {
        int a = 2 * i, b = 2 * i + 1;
        r[a * D + a] = (float)cs[a];
        r[a * D + b] = (float)cs[b];
        r[b * D + a] = (float)-cs[b];
        r[b * D + b] = (float)cs[a];
    }
    if (D % 2) r[(D - 1) * D + D - 1] = 1.0f;
}

/* Step 5's two lines: R_k's first and last block in numbers, and PE(pos).PE(pos+k) over the sentence. */
static void draw_answer_lines(const lesson_ctx *ctx, const pe_layout *L, const double *cs, int k, int n)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const trace *tr = ctx->tr;
    int D = tr->cfg.d_model, last = D / 2 - 1, sl = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    char b[400], c0[24], s0[24], c1[24], s1[24], lo[24], hi[24];
    ui_fmt(cs[0], 3, c0, sizeof c0);
    ui_fmt(cs[1], 3, s0, sizeof s0);
    ui_fmt(cs[2 * last], 3, c1, sizeof c1);
    ui_fmt(cs[2 * last + 1], 3, s1, sizeof s1);
    snprintf(b, sizeof b, _("block i = 0: [%s %s; \xE2\x88\x92%s %s] (turn k\xC2\xB7\xCF\x89\xE2\x82\x80 = %d rad)    block i = %d: [%s %s; \xE2\x88\x92%s %s]    no pos anywhere in R_k"),
             c0, s0, s0, c0, k, last, c1, s1, s1, c1);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->lines.x, L->lines.y, L->lines.w, t->text, UI_LEFT, b);
    double dmin = 0, dmax = 0;
    for (int pos = 0; pos < n; pos++) {
        double acc = 0;
        for (int d = 0; d < D; d++) acc += (double)tr->enc_pe[pos * D + d] * tr->enc_pe[(pos + k) * D + d];
        if (pos == 0 || acc < dmin) dmin = acc;
        if (pos == 0 || acc > dmax) dmax = acc;
    }
    ui_fmt(dmin, 4, lo, sizeof lo);
    ui_fmt(dmax, 4, hi, sizeof hi);
    snprintf(b, sizeof b, _("PE(pos)\xC2\xB7PE(pos+k) = %s .. %s for every pos of the sentence: a dot product of turned vectors depends on k only, so Q\xC2\xB7K can learn an offset"),
             lo, hi);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->lines.x, L->lines.y + sl, L->lines.w, t->text_dim, UI_LEFT, b);
}

/* Step 5: R_k, R_k.PE(pos) and PE(pos+k) for the sentence's positions, and the measured error. */
static void draw_answer(const pe_state *s, const lesson_ctx *ctx, const pe_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const trace *tr = ctx->tr;
    int Lm = tr->cfg.max_len, D = tr->cfg.d_model, k = s->k;
    int n = tr->n_src < Lm - k ? tr->n_src : Lm - k; /* rows pos with pos + k inside the table */
    double *cs = lesson_scratch_alloc(ctx->scratch, sizeof(double) * (size_t)D);
    float *rk = lesson_floats(ctx, (size_t)D * (size_t)D), *rot = lesson_floats(ctx, (size_t)n * (size_t)D);
    const char **lab = lesson_token_labels(ctx, tr->src_ids, n, LESSON_LABEL_NUMBERED);
    const char **lab2 = lesson_scratch_alloc(ctx->scratch, sizeof(char *) * (size_t)n);
    if (!cs || !rk || !rot || !lab || !lab2) { lesson_no_memory(ctx); return; }
    openq_rotation_blocks(k, D, cs);
    pe_rk_matrix(cs, D, rk);
    for (int pos = 0; pos < n; pos++) {
        openq_rotate_row(cs, tr->enc_pe + (size_t)pos * D, D, rot + (size_t)pos * D);
        if (!(lab2[pos] = lesson_scratch_printf(ctx->scratch, _("pos %d"), pos + k))) { lesson_no_memory(ctx); return; }
    }
    ui_slider(ui, L->k_slider, _("offset k"), (float)k, 0, (float)(Lm - 1), "%.0f");
    char b[300], e1[24], e2[24], title[3][128];
    ui_fmt(openq_rotation_error(tr->enc_pe, n + k, D, k, NULL), 2, e1, sizeof e1);
    ui_fmt(openq_rotation_error(tr->enc_pe, Lm, D, k, NULL), 2, e2, sizeof e2);
    snprintf(b, sizeof b, _("max |R_k\xC2\xB7PE(pos) \xE2\x88\x92 PE(pos+k)| = %s over the sentence (pos 0..%d)"), e1, n - 1);
    int lh = ui_line_height(ui, UI_BOLD, UI_SIZE_SMALL);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, L->answer.x, L->answer.y, L->answer.w, t->accent, UI_LEFT, b);
    snprintf(b, sizeof b, _("%s over all %d positions: float rounding only, one fixed linear map for every pos"), e2, Lm - k);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->answer.x, L->answer.y + lh, L->answer.w, t->text, UI_LEFT, b);
    int z = D < 8 ? D : 8; /* R_k's top-left corner: its first blocks in numbers (the rest repeats down the diagonal) */
    ui_heatmap_spec h = ui_heatmap_matrix(rk, z, z, UI_CMAP_DIVERGING, "R_k");
    h.stride = D;
    snprintf(title[0], sizeof title[0], _("R_k : [%d\xC3\x97%d], its first %d\xC3\x97%d"), D, D, z, z);
    h.title = title[0];
    h.square = 1;
    h.show_values = 1;
    h.fixed_range = 1; h.vmin = -1; h.vmax = 1;
    ui_heatmap(ui, L->rk, &h, NULL);
    const float *m[2] = {rot, tr->enc_pe + (size_t)k * D};
    const char *const *rl[2] = {lab, lab2};
    snprintf(title[1], sizeof title[1], _("R_k\xC2\xB7PE(pos) : [%d\xC3\x97%d]"), n, D);
    snprintf(title[2], sizeof title[2], _("= PE(pos+k) : [%d\xC3\x97%d]"), n, D);
    SDL_Rect r[2] = {L->rot, L->shifted};
    for (int i = 0; i < 2; i++) {
        h = ui_heatmap_matrix(m[i], n, D, UI_CMAP_DIVERGING, i ? "PE" : "R_k\xC2\xB7PE");
        h.row_labels = rl[i];
        h.title = title[i + 1];
        h.fixed_range = 1; h.vmin = -1; h.vmax = 1;
        h.highlight_row = ctx->sel->token < n ? ctx->sel->token : -1;
        ui_heatmap(ui, r[i], &h, NULL);
    }
    draw_answer_lines(ctx, L, cs, k, n);
}

static void pe_draw(const void *st, const lesson_ctx *ctx)
{
    const pe_state *s = st;
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const trace *tr = ctx->tr;
    int D = tr->cfg.d_model, S = tr->n_src;
    const pe_layout *L = ctx->layout;
    int step = ctx->step;
    char f[300];
    ui_text_bg(ui, &ui->theme->bg); /* text on the plain background: composed once, copied fast */
    if (step == 4)
        snprintf(f, sizeof f, _("PE(pos+k) = R_k\xC2\xB7PE(pos),   R_k = diag(B\xE2\x82\x80..B%d),   B\xE1\xB5\xA2 = [cos k\xCF\x89\xE1\xB5\xA2  sin k\xCF\x89\xE1\xB5\xA2; \xE2\x88\x92sin k\xCF\x89\xE1\xB5\xA2  cos k\xCF\x89\xE1\xB5\xA2]"), D / 2 - 1);
    else
        snprintf(f, sizeof f, _("PE(pos, 2i) = sin(pos / 10000^(2i/d)),   PE(pos, 2i+1) = cos(pos / 10000^(2i/d)),   d = %d"), D);
    ui_formula(ui, UI_SIZE_BODY, L->formula.x, L->formula.y, t->accent, UI_LEFT, f);
    const char **labs = lesson_token_labels(ctx, tr->src_ids, S, LESSON_LABEL_NUMBERED);
    if (!labs) return;
    if (step == 0) {
        draw_waves(s, ctx, L);
    } else if (step == 1) {
        ui_heatmap_spec h = ui_heatmap_matrix(tr->enc_pe, S, D, UI_CMAP_DIVERGING, _("PE"));
        h.row_labels = labs;
        char title[128];
        snprintf(title, sizeof title, _("PE : [%d\xC3\x97%d]   rows = positions of this sentence, columns = dimensions"), S, D);
        h.title = title;
        h.fixed_range = 1;
        h.vmin = -1;
        h.vmax = 1;
        h.highlight_row = ctx->sel->token;
        ui_heatmap(ui, L->full, &h, NULL);
    } else if (step == 2) {
        const float *m[3] = {tr->enc_embed, tr->enc_pe, tr->enc_x};
        const char *nm[3] = {("E\xC2\xB7\xE2\x88\x9A" "d"), _("PE"), "X"};
        char titles[3][128];
        snprintf(titles[0], sizeof titles[0], _("embedding \xC3\x97 \xE2\x88\x9A%d : [%d\xC3\x97%d]"), D, S, D);
        snprintf(titles[1], sizeof titles[1], _("+ PE : [%d\xC3\x97%d]"), S, D);
        snprintf(titles[2], sizeof titles[2], _("= X : [%d\xC3\x97%d] (encoder input)"), S, D);
        const int n[3] = {S * D, S * D, S * D}; /* added maps: one colour scale, so the sum reads by eye */
        const ui_scale shared = ui_scale_of(UI_CMAP_DIVERGING, m, n, 3, NULL);
        for (int i = 0; i < 3; i++) {
            ui_heatmap_spec h = ui_heatmap_matrix(m[i], S, D, UI_CMAP_DIVERGING, nm[i]);
            h.row_labels = i == 0 ? labs : NULL;
            h.title = titles[i];
            h.scale = &shared;
            h.highlight_row = ctx->sel->token;
            ui_heatmap(ui, L->third[i], &h, NULL);
        }
    } else if (step == 3) {
        draw_rotation(s, ctx, L);
    } else {
        draw_answer(s, ctx, L);
    }
}

static int pe_event(void *st, const SDL_Event *ev, const lesson_ctx *ctx)
{
    pe_state *s = st;
    const pe_layout *L = ctx->layout;
    int D = ctx->tr->cfg.d_model, Lm = ctx->tr->cfg.max_len;
    if (lesson_experiment_link(ev, ctx, 2)) return 1; /* lesson 17 step 2: the model without PE */
    if (ev->type == SDL_MOUSEBUTTONDOWN && ev->button.button == SDL_BUTTON_LEFT) {
        int x = ev->button.x, y = ev->button.y;
        if (ctx->step == 0) {
            for (int i = 0; i < N_DIMS; i++) {
                if (ui_point_in(L->dim_minus[i], x, y)) { s->dims[i] = (s->dims[i] + D - 1) % D; return 1; }
                if (ui_point_in(L->dim_plus[i], x, y)) { s->dims[i] = (s->dims[i] + 1) % D; return 1; }
            }
        } else if (ctx->step >= 3) {
            if (ctx->step == 3 && ui_point_in(L->pair_slider, x, y)) { s->drag = 1; }
            else if (ui_point_in(L->k_slider, x, y)) { s->drag = 2; }
            else return 0;
        } else return 0;
    }
    if (ev->type == SDL_MOUSEBUTTONUP && s->drag) { s->drag = 0; return 1; }
    int mx = -1;
    if (ev->type == SDL_MOUSEBUTTONDOWN) mx = ev->button.x;
    if (ev->type == SDL_MOUSEMOTION && s->drag) mx = ev->motion.x;
    if (mx >= 0 && s->drag == 1) { s->pair = ui_f2i(roundf(ui_slider_value_at(L->pair_slider, 0, (float)(D / 2 - 1), mx))); return 1; }
    if (mx >= 0 && s->drag == 2) { s->k = ui_f2i(roundf(ui_slider_value_at(L->k_slider, 0, (float)(Lm - 1), mx))); return 1; }
    if (ev->type == SDL_KEYDOWN && ctx->step >= 3 && !(ev->key.keysym.mod & (KMOD_CTRL | KMOD_GUI))) {
        switch (ev->key.keysym.sym) {
        case SDLK_MINUS: if (s->k > 0) s->k--; return 1;
        case SDLK_EQUALS: case SDLK_PLUS: if (s->k < Lm - 1) s->k++; return 1;
        case SDLK_i: if (ctx->step != 3) return 0; s->pair = (s->pair + 1) % (D / 2); return 1;
        default: return 0;
        }
    }
    return 0;
}

static int pe_dump(const void *st, const lesson_ctx *ctx, char *dst, size_t n)
{
    const pe_state *s = st;
    const trace *tr = ctx->tr;
    int Lm = tr->cfg.max_len, k = s->k, m = tr->n_src + k < Lm ? tr->n_src + k : Lm;
    return snprintf(dst, n, "{\"dims\": [%d, %d, %d, %d], \"pair\": %d, \"k\": %d, \"rot_error\": %.3g, \"rot_error_all\": %.3g}",
                    s->dims[0], s->dims[1], s->dims[2], s->dims[3], s->pair, k,
                    openq_rotation_error(tr->enc_pe, m, tr->cfg.d_model, k, NULL),
                    openq_rotation_error(tr->enc_pe, Lm, tr->cfg.d_model, k, NULL));
}

const lesson lesson_pe = {
    .slug = "positional-encoding", .title = N_("Positional encoding"), .steps = 5,
    .keys = N_("step 1: \xE2\x88\x92 + pick dimensions   step 4: drag the sliders, - = offset k, I next pair   step 5: - = offset k   J: the no-PE experiment (lesson 17)"),
    .state_size = sizeof(pe_state), .layout_size = sizeof(pe_layout), .init = pe_init, .free = pe_free, .layout = pe_layout_of,
    .on_trace_changed = pe_changed, .handle_event = pe_event, .draw = pe_draw, .dump_json = pe_dump,
};
