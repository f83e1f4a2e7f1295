/* lesson_attention.c - lesson 5, "Scaled dot-product attention", one step per
 * key press, for the selected layer and head:
 *   1 A = Q Kᵀ            [S×K]·[K×S] → [S×S]   (trace: scores)
 *   2 A / √d_k            the same numbers, √d_k times smaller (trace: scaled)
 *   3 B = softmax by row  each ROW is one query's distribution over all keys
 *                         and sums to 1 (trace: weights); plus the "why √d_k"
 *                         what-if: scaling off, and a slider that grows the
 *                         scores as a larger d_k would, with per-row largest
 *                         weight and entropy bars
 *   4 out = B V           [S×S]·[S×K] → [S×K] (trace: heads)
 * X switches between the encoder self-attention, the decoder's masked
 * self-attention and the cross-attention (same four steps).
 *
 * Hovering a cell explains it in the right-hand panel: q_i and k_j term by
 * term and their sum (= the trace's score), the division by √d_k, the
 * exponentials of the softmax, or the weighted sum of V. These sums and the
 * what-if softmax are display math, labelled as such; the real numbers shown
 * are the trace's.
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
#include "ui_grid.h"

#define MAX_FACTOR 8

/* Display math for the √d_k demo (exported for tests/app/test_lesson_attention.c).
 * One row of scores: raw[j] = q·k_j, masked[j] = -INFINITY where the model masks.
 * scaling = 1: softmax(factor·raw / (factor·sqrt_dk)) (a larger d_k is divided
 * away: the paper's softmax); scaling = 0: softmax(factor·raw), the what-if
 * with no scaling and dot products grown as with d_k·factor². */
void lesson_attention_whatif_row(const float *raw, const float *masked, int n, float factor, int scaling,
                                 float sqrt_dk, float *out);
/* Sum, largest value and entropy in bits of one row of weights. */
void lesson_attention_row_stats(const float *w, int n, float *sum, float *max, float *entropy_bits);

/* z_j of the what-if softmax: -INFINITY where masked. */
static double whatif_z(const float *raw, const float *masked, int j, float factor, int scaling, float sqrt_dk)
{
    if (masked && isinf(masked[j]) && masked[j] < 0) return -INFINITY;
    return scaling ? (double)factor * raw[j] / ((double)factor * sqrt_dk) : (double)factor * raw[j];
}

void lesson_attention_whatif_row(const float *raw, const float *masked, int n, float factor, int scaling,
                                 float sqrt_dk, float *out)
{
    double mx = -INFINITY, tot = 0;
    for (int j = 0; j < n; j++) mx = fmax(mx, whatif_z(raw, masked, j, factor, scaling, sqrt_dk));
    for (int j = 0; j < n; j++) {
        double z = whatif_z(raw, masked, j, factor, scaling, sqrt_dk);
        tot += isinf(z) ? 0.0 : exp(z - mx);
    }
    for (int j = 0; j < n; j++) {
        double z = whatif_z(raw, masked, j, factor, scaling, sqrt_dk);
        out[j] = tot > 0 ? (float)((isinf(z) ? 0.0 : exp(z - mx)) / tot) : 0.0f;
    }
}

void lesson_attention_row_stats(const float *w, int n, float *sum, float *max, float *entropy_bits)
{
    double s = 0, m = 0, h = 0;
    for (int j = 0; j < n; j++) {
        s += w[j];
        if (w[j] > m) m = w[j];
        if (w[j] > 0) h -= (double)w[j] * log2((double)w[j]);
    }
    if (sum) *sum = (float)s;
    if (max) *max = (float)m;
    if (entropy_bits) *entropy_bits = (float)(h < 0 ? 0 : h);
}

typedef struct {
    int kind;       /* ATTN_VIEW_* */
    int scaling;    /* 1: the paper (√d_k on); 0: what-if without it */
    int factor;     /* 1..MAX_FACTOR: scores grown as with d_k·factor² */
    int pin_col;    /* clicked key column, -1 for the largest weight */
    int drag;       /* 1 while the slider is held */
} att_state;

/* Element (i, j) of an [H, L, L] matrix, and (i, d) of an [H, L, K] one, for the view's head. */
static float at_ll(const attn_view *v, const float *m, int i, int j) { return m[((size_t)v->head * v->L + i) * v->L + j]; }
static float at_lk(const attn_view *v, const float *m, int i, int d) { return m[((size_t)v->head * v->L + i) * v->dk + d]; }

/* The softmax matrix the lesson shows in step 3: the trace's weights, or the what-if. */
static int whatif_on(const att_state *s) { return !s->scaling; }
static void shown_weights(const att_state *s, const attn_view *v, float *out /* [nq, nk] */)
{
    for (int i = 0; i < v->nq; i++) {
        if (!whatif_on(s)) {
            for (int j = 0; j < v->nk; j++) out[i * v->nk + j] = at_ll(v, v->a->weights, i, j);
            continue;
        }
        const float *raw = &v->a->scores[((size_t)v->head * v->L + i) * v->L], *msk = &v->a->masked[((size_t)v->head * v->L + i) * v->L];
        lesson_attention_whatif_row(raw, msk, v->nk, (float)s->factor, 0, sqrtf((float)v->dk), out + i * v->nk);
    }
}

/* Copies an [H, L, *] block of the view's head into a dense [rows, cols] matrix (transposed when asked). */
static void dense(const attn_view *v, const float *m, int width, int rows, int cols, int transpose, float *out)
{
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            int i = transpose ? c : r, j = transpose ? r : c;
            out[r * cols + c] = m[((size_t)v->head * v->L + i) * width + j];
        }
}

/* ------------------------------------------------------------------ layout */

typedef struct {
    SDL_Rect formula, info, kind_btn;
    SDL_Rect m[3];      /* matrices of the step, left to right */
    SDL_Rect main;      /* the rect of the step's main grid (one of m[]) */
    SDL_Rect cols;      /* step 3: the Σ / largest / entropy columns */
    SDL_Rect detail;    /* the explanation panel */
    SDL_Rect toggle, slider;
} att_layout;

static void layout_compute(const lesson_ctx *ctx, att_layout *L)
{
    ui_ctx *ui = ctx->ui;
    SDL_Rect a = ctx->area;
    int pad = ui_px(ui, 10), li = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int y0 = attn_view_header(ctx, &L->formula, &L->info, &L->kind_btn), h = a.y + a.h - y0;
    int dw = a.w * 32 / 100;
    L->detail = (SDL_Rect){a.x + a.w - dw, y0, dw, h};
    int lw = a.w - dw - pad;
    int step = ctx->step;
    if (step == 0 || step == 3) {
        /* the square matrix gets what its height allows, the two others share the rest */
        int sq = h + ui_px(ui, 90);
        if (sq > lw * 48 / 100) sq = lw * 48 / 100;
        int rest = lw - sq - 2 * pad;
        int wa = step == 0 ? rest * 45 / 100 : rest / 2;
        int wb = rest - wa;
        if (step == 0) {
            L->m[0] = (SDL_Rect){a.x, y0, wa, h};                        /* Q */
            L->m[1] = (SDL_Rect){a.x + wa + pad, y0, wb, h};             /* Kᵀ */
            L->m[2] = (SDL_Rect){a.x + wa + wb + 2 * pad, y0, sq, h};    /* A */
            L->main = L->m[2];
        } else {
            L->m[0] = (SDL_Rect){a.x, y0, sq, h};                        /* B */
            L->m[1] = (SDL_Rect){a.x + sq + pad, y0, wa, h};             /* V */
            L->m[2] = (SDL_Rect){a.x + sq + wa + 2 * pad, y0, wb, h};    /* out */
            L->main = L->m[2];
        }
    } else if (step == 1) {
        int w2 = (lw - pad) / 2;
        L->m[0] = (SDL_Rect){a.x, y0, w2, h};
        L->m[1] = (SDL_Rect){a.x + w2 + pad, y0, w2, h};
        L->main = L->m[1];
    } else {
        int colw = ui_px(ui, 74) * 3;
        int cap = 2 * ui_line_height(ui, UI_BOLD, UI_SIZE_SMALL) + pad;
        L->m[0] = (SDL_Rect){a.x, y0, lw - colw - pad, h - cap};
        L->main = L->m[0];
        L->cols = (SDL_Rect){a.x + lw - colw, y0, colw, h};
        int th = li + ui_px(ui, 10);
        L->toggle = (SDL_Rect){L->detail.x + pad, y0 + pad / 2, dw - 2 * pad, th};
        L->slider = (SDL_Rect){L->detail.x + pad + ui_px(ui, 8), L->toggle.y + th + pad / 2, dw - 2 * pad - ui_px(ui, 16),
                               li + ui_px(ui, 26)};
    }
}

/* lesson.layout (into zeroed memory) */
static void att_layout_of(const void *st, const lesson_ctx *ctx, void *L) { (void)st; layout_compute(ctx, L); }

/* Step 4's grid i (0 B [S×K], 1 V [K×dk], 2 out [S×dk]) of data (NULL: for its geometry only). Row i of
 * out is row i of B (no labels of its own: B's, on the same line, name it); V's rows are the keys, B's columns. */
static ui_grid_spec step4_spec(const attn_view *v, int i, const float *data)
{
    ui_grid_spec g = i == 0 ? ui_grid_matrix(data, v->nq, v->nk, "B")
                   : ui_grid_diverging(data, i == 1 ? v->nk : v->nq, v->dk, data ? lesson_absmax(data, (i == 1 ? v->nk : v->nq) * v->dk) : 1,
                                       i == 1 ? "V" : _("out"));
    g.title = "t"; /* every one has a title line (its height is all the layout needs) */
    if (i == 0) { g.row_labels = v->qlab; g.col_labels = v->klab; g.show_values = 1; g.attention = 1; }
    if (i == 1) g.row_labels = v->klab;
    g.highlight_row = i == 1 ? -1 : v->row;
    return g;
}

/* Step 4's rects and row geometry: B [S×K], V and out side by side with their cells from one height and at one
 * row pitch (ui_grid_share_rows); B as wide as its cells need up to a row's height each (45% of the width at
 * most), V and out sharing the rest. Sets r[3], head[3] (each one's min_head) and *row_h. */
static void step4_place(const attn_view *v, const att_layout *L, const lesson_ctx *ctx, SDL_Rect r[3], int head[3], int *row_h)
{
    ui_ctx *ui = ctx->ui;
    int pad = ui_px(ui, 10), x = L->m[0].x, w = L->m[2].x + L->m[2].w - x, y = L->m[0].y, h = L->m[0].h;
    ui_grid_spec g[3], *gp[3] = {&g[0], &g[1], &g[2]};
    ui_grid_geom geo;
    for (int i = 0; i < 3; i++) g[i] = step4_spec(v, i, NULL);
    int wb = w * 45 / 100;
    for (int pass = 0; pass < 2; pass++) { /* then B narrowed to cells no wider than its rows are tall */
        int rest = (w - wb - 2 * pad) / 2;
        r[0] = (SDL_Rect){x, y, wb, h};
        r[1] = (SDL_Rect){x + wb + pad, y, rest, h};
        r[2] = (SDL_Rect){x + wb + rest + 2 * pad, y, w - wb - rest - 2 * pad, h};
        ui_grid_share_rows(ui, r, gp, 3);
        ui_grid_layout(ui, r[0], &g[0], &geo);
        if (geo.cw <= geo.ch) break;
        wb = geo.label_w + geo.ch * v->nk + 1;
    }
    for (int i = 0; i < 3; i++) head[i] = g[i].min_head;
    *row_h = g[0].row_h;
}

/* The step's main grid: its spec, with its data in ctx->scratch, and the rect it is drawn in; 0, or -1 out of memory. */
static int main_spec(const att_state *s, const attn_view *v, const att_layout *L, const lesson_ctx *ctx, ui_grid_spec *g,
                     SDL_Rect *rect)
{
    *rect = L->main;
    int step = ctx->step;
    float *buf = lesson_floats(ctx, (size_t)v->nq * (size_t)(v->nk > v->dk ? v->nk : v->dk));
    float *tmp = lesson_floats(ctx, (size_t)v->nq * (size_t)v->nk);
    if (!buf || !tmp) return -1;
    if (step == 0 || step == 1) {
        /* the decoder's self-attention: step 2 shows what enters the softmax, scaled + mask (−∞ hatched) */
        const float *src = step == 0 ? v->a->scores : v->kind == ATTN_DEC_SELF ? v->a->masked : v->a->scaled;
        dense(v, src, v->L, v->nq, v->nk, 0, buf);
        dense(v, v->a->scores, v->L, v->nq, v->nk, 0, tmp);
        float m = lesson_absmax(tmp, v->nq * v->nk); /* step 2 keeps A's colour scale: the spread visibly shrinks */
        *g = ui_grid_diverging(buf, v->nq, v->nk, m, step == 0 ? "A" : "A/\xE2\x88\x9A" "d\xE2\x82\x96");
    } else if (step == 2) {
        shown_weights(s, v, buf);
        *g = ui_grid_matrix(buf, v->nq, v->nk, whatif_on(s) ? _("B what-if") : "B");
    } else {
        SDL_Rect r[3];
        int head[3], row_h;
        dense(v, v->a->heads, v->dk, v->nq, v->dk, 0, buf);
        step4_place(v, L, ctx, r, head, &row_h);
        *g = step4_spec(v, 2, buf);
        g->min_head = head[2];
        g->row_h = row_h;
        *rect = r[2];
        return 0;
    }
    if (step <= 2) { /* scores and weights: square cells with their numbers, queries in rows, keys in columns */
        g->col_labels = v->klab;
        g->square = 1;
        g->show_values = 1;
        g->attention = 1;
    }
    g->row_labels = v->qlab;
    g->highlight_row = v->row;
    return 0;
}

/* The cell the detail panel explains: hovered, else (selected row, pinned or largest column). */
static void detail_cell(const att_state *s, const attn_view *v, int step, const ui_grid_geom *g, const ui_ctx *ui,
                        int *row, int *col)
{
    int r, c;
    if (g && ui_grid_cell_at(g, ui->mouse_x, ui->mouse_y, &r, &c)) { *row = r; *col = c; return; }
    *row = v->row;
    if (step == 3) {
        int best = 0;
        for (int d = 1; d < v->dk; d++)
            if (fabsf(at_lk(v, v->a->heads, v->row, d)) > fabsf(at_lk(v, v->a->heads, v->row, best))) best = d;
        *col = best;
        return;
    }
    if (s->pin_col >= 0 && s->pin_col < v->nk) { *col = s->pin_col; return; }
    int best = 0;
    for (int j = 1; j < v->nk; j++)
        if (at_ll(v, v->a->weights, v->row, j) > at_ll(v, v->a->weights, v->row, best)) best = j;
    *col = best;
}

/* The main grid's geometry as drawn (for clicks and the dump); 0, or -1 out of memory. */
static int main_geom(const att_state *s, const attn_view *v, const att_layout *L, const lesson_ctx *ctx, ui_grid_geom *geo)
{
    ui_grid_spec g;
    SDL_Rect rect;
    if (main_spec(s, v, L, ctx, &g, &rect) != 0) return -1;
    g.title = "t"; /* every step's main grid has a title line (its height is all that matters here) */
    ui_grid_layout(ctx->ui, rect, &g, geo);
    return 0;
}

/* ------------------------------------------------------------------ drawing */

static int text_line(ui_ctx *ui, int x, int y, int w, SDL_Color c, ui_face f, const char *s)
{
    ui_text_fit(ui, f, UI_SIZE_SMALL, x, y, w, c, UI_LEFT, s);
    return y + ui_line_height(ui, f, UI_SIZE_SMALL);
}

static void fmtv(float v, char *b, size_t n) { ui_fmt(v, 3, b, n); }

/* A small vertical bar chart of n values on a fixed range, with its value axis. */
static void bars(ui_ctx *ui, SDL_Rect r, const float *vals, int n, const char *const *labels, const char *title,
                 const char *name, float lo, float hi, int highlight)
{
    ui_bars_spec b = ui_bars_fixed(vals, n, labels, lo, hi, name);
    b.title = title;
    b.highlight = highlight;
    ui_bars(ui, r, &b);
}

/* Step 2's lines under the sum: the division by √d_k, the mask, and the spread
 * of all the head's scores before and after (display statistics). */
static void detail_scaling(const attn_view *v, int i, int j, const char *s1, ui_ctx *ui, int x, int y, int w)
{
    const ui_theme *t = ui->theme;
    char b[256], s2[32], s3[32];
    float sv = at_ll(v, v->a->scaled, i, j);
    fmtv(sv, s3, sizeof s3);
    ui_fmt(sqrt((double)v->dk), 5, s2, sizeof s2);
    ui_fmt(sv, 5, s3, sizeof s3);
    snprintf(b, sizeof b, "\xC3\xB7 \xE2\x88\x9A%d = %s  \xE2\x86\x92  %s / %s = %s", v->dk, s2, s1, s2, s3);
    y = text_line(ui, x, y, w, t->accent, UI_BOLD, b);
    float mv = at_ll(v, v->a->masked, i, j);
    if (isinf(mv) && mv < 0)
        y = text_line(ui, x, y, w, t->warn, UI_BOLD, _("then masked: a future word, \xE2\x88\x92\xE2\x88\x9E"));
    double s1s = 0, s2s = 0;
    int cnt = 0;
    for (int qi = 0; qi < v->nq; qi++)
        for (int kj = 0; kj < v->nk; kj++) {
            float m = at_ll(v, v->a->masked, qi, kj);
            if (isinf(m) && m < 0) continue;
            double a0 = at_ll(v, v->a->scores, qi, kj);
            s1s += a0;
            s2s += a0 * a0;
            cnt++;
        }
    if (cnt > 1) {
        double mean = s1s / cnt, sd = sqrt(fmax(0.0, s2s / cnt - mean * mean));
        ui_fmt(sd, 3, s2, sizeof s2);
        ui_fmt(sd / sqrt((double)v->dk), 3, s3, sizeof s3);
        snprintf(b, sizeof b, _("std of all its scores: %s \xE2\x86\x92 %s"), s2, s3);
        text_line(ui, x, y, w, t->text_dim, UI_SANS, b);
    }
}

/* Steps 1 and 2: the hovered score as the dot product q_i · k_j, term by term. */
static void detail_scores(const attn_view *v, const lesson_ctx *ctx, int i, int j, SDL_Rect p)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    int step = ctx->step;
    int pad = ui_px(ui, 8), x = p.x + pad, w = p.w - 2 * pad, y = p.y + pad;
    char b[256], n1[32], n2[32];
    int K = v->dk;
    const float *q = &v->a->q[((size_t)v->head * v->L + i) * K], *k = &v->a->k[((size_t)v->head * v->L + j) * K];
    float *prod = lesson_floats(ctx, (size_t)K);
    if (!prod) return;
    double sum = 0;
    for (int d = 0; d < K; d++) {
        prod[d] = q[d] * k[d];
        sum += (double)prod[d];
    }
    snprintf(b, sizeof b, _("A[%d][%d] = q%d \xC2\xB7 k%d   (head %d)"), i, j, i, j, v->head + 1);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, x, y, w, t->text, UI_LEFT, b);
    y += ui_line_height(ui, UI_BOLD, UI_SIZE_BODY);
    snprintf(b, sizeof b, _("query \"%s\" \xC2\xB7 key \"%s\""), v->qlab[i], v->klab[j]);
    y = text_line(ui, x, y, w, t->text_dim, UI_SANS, b);
    float m = fmaxf(lesson_absmax(q, K), lesson_absmax(k, K));
    int lh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int foot = (step == 1 ? 7 : 5) * lh + pad;
    int bh = (p.y + p.h - pad - foot - y) / 3;
    if (bh < ui_px(ui, 30)) bh = ui_px(ui, 30);
    char tq[64], tk[64];
    snprintf(tq, sizeof tq, _("q%d (row %d of Q)"), i, i);
    snprintf(tk, sizeof tk, _("k%d (row %d of K)"), j, j);
    snprintf(n1, sizeof n1, "q%d", i);
    snprintf(n2, sizeof n2, "k%d", j);
    bars(ui, (SDL_Rect){x, y, w, bh - pad / 2}, q, K, NULL, tq, n1, -m, m, -1);
    y += bh;
    bars(ui, (SDL_Rect){x, y, w, bh - pad / 2}, k, K, NULL, tk, n2, -m, m, -1);
    y += bh;
    int big = 0;
    for (int d = 1; d < K; d++) if (fabsf(prod[d]) > fabsf(prod[big])) big = d;
    float pm = lesson_absmax(prod, K);
    bars(ui, (SDL_Rect){x, y, w, bh - pad / 2}, prod, K, NULL, _("term by term: q[d] \xC3\x97 k[d]"), _("q\xC2\xB7k term"), -pm, pm, big);
    y += bh;
    char s1[32], s2[32];
    fmtv((float)sum, s1, sizeof s1);
    fmtv(prod[big], s2, sizeof s2);
    snprintf(b, sizeof b, _("sum of the %d terms = %s"), K, s1);
    y = text_line(ui, x, y, w, t->text, UI_BOLD, b);
    snprintf(b, sizeof b, _("(largest term: d%d = %s)"), big, s2);
    y = text_line(ui, x, y, w, t->text_dim, UI_SANS, b);
    float tv = at_ll(v, v->a->scores, i, j);
    fmtv(tv, s1, sizeof s1);
    ui_fmt(tv, 5, s2, sizeof s2);
    snprintf(b, sizeof b, _("model's A[%d][%d] = %s: the same"), i, j, s2);
    y = text_line(ui, x, y, w, t->text_dim, UI_SANS, b);
    if (step == 1) detail_scaling(v, i, j, s1, ui, x, y, w);
}

/* z of row i, column k in the softmax step 3 shows: the masked score, or f times the raw score in the what-if. */
static double softmax_z(const att_state *s, const attn_view *v, int i, int k)
{
    float msk = at_ll(v, v->a->masked, i, k);
    return isinf(msk) ? -INFINITY : whatif_on(s) ? (double)s->factor * at_ll(v, v->a->scores, i, k) : (double)msk;
}

static void detail_softmax(const att_state *s, const attn_view *v, const float *B, int i, int j, ui_ctx *ui, SDL_Rect p, int y)
{
    const ui_theme *t = ui->theme;
    int pad = ui_px(ui, 8), x = p.x + pad, w = p.w - 2 * pad;
    char b[300];
    float rmax = 0;
    for (int k = 0; k < v->nk; k++) if (B[i * v->nk + k] > rmax) rmax = B[i * v->nk + k];
    float top = rmax * 1.1f > 0.2f ? (rmax * 1.1f < 1.0f ? rmax * 1.1f : 1.0f) : 0.2f; /* flat rows stay visible */
    char n[4][32];
    ui_fmt(top, 2, n[0], sizeof n[0]);
    snprintf(b, sizeof b, _("row %d \"%s\": bars 0..%s"), i, v->qlab[i], n[0]);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, x, y, w, t->text, UI_LEFT, b);
    y += ui_line_height(ui, UI_BOLD, UI_SIZE_SMALL);
    int lh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int bh = p.y + p.h - pad - 4 * lh - y;
    char nm[32];
    snprintf(nm, sizeof nm, "B[%d]", i);
    bars(ui, (SDL_Rect){x, y, w, bh}, B + i * v->nk, v->nk, v->nk <= 12 ? v->klab : NULL, NULL, nm, 0, top, j);
    y += bh + pad / 2;
    /* the exponentials of this row (display math of the same softmax) */
    double mx = -INFINITY, tot = 0;
    if (j < 0 || j >= v->nk) j = 0;
    for (int k = 0; k < v->nk; k++) mx = fmax(mx, softmax_z(s, v, i, k));
    for (int k = 0; k < v->nk; k++) tot += isinf(softmax_z(s, v, i, k)) ? 0.0 : exp(softmax_z(s, v, i, k) - mx);
    double zj = softmax_z(s, v, i, j);
    double ej = isinf(zj) ? 0.0 : exp(zj - mx);
    float sum = 0;
    lesson_attention_row_stats(B + i * v->nk, v->nk, &sum, NULL, NULL);
    if (isinf(zj))
        snprintf(b, sizeof b, _("key \"%s\" is masked (\xE2\x88\x92\xE2\x88\x9E): e^\xE2\x88\x92\xE2\x88\x9E = 0"), v->klab[j]);
    else {
        const double z[4] = {zj - mx, ej, tot, ej / tot};
        for (int k = 0; k < 4; k++) ui_fmt(z[k], k < 2 ? 3 : 4, n[k], sizeof n[k]);
        snprintf(b, sizeof b, "B[%d][%d] = e^%s/\xCE\xA3 = %s/%s = %s", i, j, n[0], n[1], n[2], n[3]);
    }
    y = text_line(ui, x, y, w, t->text, UI_SANS, b);
    y = text_line(ui, x, y, w, t->text_dim, UI_SANS, _("(z = score \xE2\x88\x92 row max: same result)"));
    ui_fmt(sum, 7, n[0], sizeof n[0]);
    snprintf(b, sizeof b, _("\xCE\xA3 of row %d = %s"), i, n[0]);
    y = text_line(ui, x, y, w, t->accent, UI_BOLD, b);
    if (whatif_on(s))
        text_line(ui, x, y, w, t->warn, UI_BOLD, _("WHAT-IF (display math)"));
}

static void detail_values(const attn_view *v, const lesson_ctx *ctx, int i, int c, SDL_Rect p)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    int pad = ui_px(ui, 8), x = p.x + pad, w = p.w - 2 * pad, y = p.y + pad;
    char b[256], s1[32];
    float *terms = lesson_floats(ctx, (size_t)v->nk);
    if (!terms) return;
    double sum = 0;
    for (int j = 0; j < v->nk; j++) {
        terms[j] = at_ll(v, v->a->weights, i, j) * at_lk(v, v->a->v, j, c);
        sum += terms[j];
    }
    snprintf(b, sizeof b, _("out[%d][%d] = \xCE\xA3\xE2\xB1\xBC B[%d][j] \xC2\xB7 V[j][%d]"), i, c, i, c);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, x, y, w, t->text, UI_LEFT, b);
    y += ui_line_height(ui, UI_BOLD, UI_SIZE_BODY);
    snprintf(b, sizeof b, _("query \"%s\", dimension %d of head %d"), v->qlab[i], c, v->head + 1);
    y = text_line(ui, x, y, w, t->text_dim, UI_SANS, b);
    int lh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int bh = p.y + p.h - pad - 4 * lh - y;
    float m = lesson_absmax(terms, v->nk);
    bars(ui, (SDL_Rect){x, y, w, bh}, terms, v->nk, v->nk <= 12 ? v->klab : NULL, _("terms: weight \xC3\x97 value"),
         _("B\xC2\xB7V term"), -m, m, -1);
    y += bh + pad / 2;
    fmtv((float)sum, s1, sizeof s1);
    snprintf(b, sizeof b, _("sum of the %d terms = %s"), v->nk, s1);
    y = text_line(ui, x, y, w, t->text, UI_BOLD, b);
    fmtv(at_lk(v, v->a->heads, i, c), s1, sizeof s1);
    snprintf(b, sizeof b, _("model's out[%d][%d] = %s: the same"), i, c, s1);
    y = text_line(ui, x, y, w, t->text_dim, UI_SANS, b);
    text_line(ui, x, y, w, t->text_dim, UI_SANS, _("a weighted average of the V rows"));
}

/* Step 3: Σ, largest weight and entropy columns aligned with the rows of B. */
static void stat_columns(const attn_view *v, const float *B, const ui_grid_geom *g, ui_ctx *ui, SDL_Rect cols)
{
    const ui_theme *t = ui->theme;
    int cw = cols.w / 3, gap = ui_px(ui, 6);
    cols.x = g->cells.x + g->cells.w + 2 * gap; /* right beside the grid, aligned with its rows */
    const char *heads[3] = {_("\xCE\xA3 row"), _("largest"), _("entropy")};
    float hmax = v->nk > 1 ? log2f((float)v->nk) : 1;
    for (int c = 0; c < 3; c++)
        ui_text(ui, UI_BOLD, UI_SIZE_SMALL, cols.x + c * cw + cw / 2, g->cells.y - gap / 2, t->text, UI_CENTER | UI_BOTTOM, heads[c]);
    int lh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    for (int i = 0; i < v->nq; i++) {
        float sum, mx, ent;
        lesson_attention_row_stats(B + i * v->nk, v->nk, &sum, &mx, &ent);
        SDL_Rect row = {cols.x, g->cells.y + i * g->ch, cols.w, g->ch};
        char b[32];
        SDL_Rect c0 = {row.x, row.y, cw - gap, row.h};
        if (g->ch >= lh * 8 / 10) {
            ui_fmt(sum, 4, b, sizeof b);
            ui_text(ui, UI_MONO, UI_SIZE_SMALL, c0.x + c0.w / 2, c0.y + c0.h / 2, t->text, UI_CENTER | UI_MIDDLE, b);
        } else {
            ui_fill(ui, (SDL_Rect){c0.x, c0.y + 1, c0.w, c0.h - 2}, ui_alpha(t->ok, 120));
        }
        if (ui_mouse_in(ui, c0)) ui_hover_value(ui, c0, sum, _("row sum of B[%d] (%s)"), i, v->qlab[i]);
        int bh = g->ch > 4 ? g->ch - 2 : g->ch;
        SDL_Rect c1 = {row.x + cw, row.y + (g->ch - bh) / 2, ui_f2i((float)(cw - gap) * mx), bh};
        ui_fill(ui, (SDL_Rect){row.x + cw, c1.y, cw - gap, bh}, t->panel_alt);
        ui_fill(ui, c1, t->series[0]);
        SDL_Rect h1 = {row.x + cw, row.y, cw - gap, g->ch};
        if (ui_mouse_in(ui, h1)) ui_hover_value(ui, h1, mx, _("largest weight of row %d (%s)"), i, v->qlab[i]);
        SDL_Rect c2 = {row.x + 2 * cw, c1.y, ui_f2i((float)(cw - gap) * ent / hmax), bh};
        ui_fill(ui, (SDL_Rect){row.x + 2 * cw, c1.y, cw - gap, bh}, t->panel_alt);
        ui_fill(ui, c2, t->series[1]);
        SDL_Rect h2 = {row.x + 2 * cw, row.y, cw - gap, g->ch};
        ui_fmt(hmax, 3, b, sizeof b);
        if (ui_mouse_in(ui, h2)) ui_hover_value(ui, h2, ent, _("entropy of row %d (%s), bits (max %s)"), i, v->qlab[i], b);
    }
}

/* The formula line with this model's shapes, the info line and the view button. */
static void draw_header(const att_state *s, const attn_view *v, const att_layout *L, const lesson_ctx *ctx)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    int step = ctx->step, S = v->nq, Kn = v->nk, dk = v->dk;
    char f[400], b[300];
    if (step == 0)
        snprintf(f, sizeof f, _("A = Q\xC2\xB7K\xE1\xB5\x80 :  [%d\xC3\x97%d]\xC2\xB7[%d\xC3\x97%d] \xE2\x86\x92 [%d\xC3\x97%d]     (d_k = %d = d_model / h = %d / %d)"),
                 S, dk, dk, Kn, S, Kn, dk, v->D, v->H);
    else if (step == 1) {
        char r[32];
        ui_fmt(sqrt((double)dk), 4, r, sizeof r);
        snprintf(f, sizeof f, "A / \xE2\x88\x9A" "d_k = A / \xE2\x88\x9A%d = A / %s :  [%d\xC3\x97%d]", dk, r, S, Kn);
    }
    else if (step == 2 && whatif_on(s))
        snprintf(f, sizeof f, _("what-if:  B = softmax(f\xC2\xB7" "A) row by row, f = %d, no \xE2\x88\x9A" "d_k  (display math, not the model)  [%d\xC3\x97%d]"),
                 s->factor, S, Kn);
    else if (step == 2)
        snprintf(f, sizeof f, _("B = softmax(A / \xE2\x88\x9A%d) row by row :  B[i][j] = e^a\xE1\xB5\xA2\xE2\xB1\xBC / \xCE\xA3\xE2\x82\x96 e^a\xE1\xB5\xA2\xE2\x82\x96  [%d\xC3\x97%d]"),
                 dk, S, Kn);
    else
        snprintf(f, sizeof f, _("out = B\xC2\xB7V :  [%d\xC3\x97%d]\xC2\xB7[%d\xC3\x97%d] \xE2\x86\x92 [%d\xC3\x97%d]   (d_v = %d)"), S, Kn, Kn, dk, S, dk, dk);
    ui_formula(ui, UI_SIZE_BODY, L->formula.x, L->formula.y, t->accent, UI_LEFT, f);
    snprintf(b, sizeof b, _("%s \xC2\xB7 layer %d of %d \xC2\xB7 head %d of %d      [ ] layer   , . head   \xE2\x86\x91\xE2\x86\x93 query row"),
             attn_kind_name(v->kind), v->layer + 1, v->n_layers, v->head + 1, v->H);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->info.x, L->info.y + L->info.h / 2, L->info.w, t->text, UI_LEFT | UI_MIDDLE, b);
    ui_button(ui, L->kind_btn, attn_view_next_label(v->kind), 0);
}

/* One [rows, cols] heatmap of the view's head (no colour bar): Q, Kᵀ or V. */
static void side_heatmap(const lesson_ctx *ctx, SDL_Rect r, const float *data, int rows, int cols,
                         const char *const *row_labels, const char *const *col_labels, const char *title, const char *name, int hi_row)
{
    ui_heatmap_spec h = ui_heatmap_matrix(data, rows, cols, UI_CMAP_DIVERGING, name);
    h.row_labels = row_labels; h.col_labels = col_labels;
    h.title = title; h.highlight_row = hi_row;
    ui_heatmap(ctx->ui, r, &h, NULL);
}

/* The matrices beside the step's main grid (Q and Kᵀ; A; B and V), and the main
 * grid's title and labels; titles live in title[3]. 0, or -1 out of memory. */
static int draw_side(const attn_view *v, const att_state *s, const att_layout *L, const lesson_ctx *ctx, ui_grid_spec *g,
                     char title[3][160])
{
    int step = ctx->step, S = v->nq, Kn = v->nk, dk = v->dk;
    float *b2 = lesson_floats(ctx, (size_t)S * (size_t)(Kn > dk ? Kn : dk));
    float *b3 = lesson_floats(ctx, (size_t)dk * (size_t)Kn);
    if (!b2 || !b3) return -1;
    if (step == 0) {
        dense(v, v->a->q, dk, S, dk, 0, b2);
        snprintf(title[0], 160, "Q [%d\xC3\x97%d]", S, dk);
        side_heatmap(ctx, L->m[0], b2, S, dk, v->qlab, NULL, title[0], "Q", v->row);
        dense(v, v->a->k, dk, dk, Kn, 1, b3);
        snprintf(title[1], 160, "K\xE1\xB5\x80 [%d\xC3\x97%d]", dk, Kn);
        side_heatmap(ctx, L->m[1], b3, dk, Kn, NULL, Kn <= 12 ? v->klab : NULL, title[1], "K\xE1\xB5\x80", -1);
        snprintf(title[2], 160, "A = Q\xC2\xB7K\xE1\xB5\x80 [%d\xC3\x97%d]", S, Kn);
        g->title = title[2];
    } else if (step == 1) {
        ui_grid_spec g0 = *g;
        dense(v, v->a->scores, v->L, S, Kn, 0, b2);
        g0.data = b2;
        g0.name = "A";
        snprintf(title[0], 160, "A = Q\xC2\xB7K\xE1\xB5\x80 [%d\xC3\x97%d]", S, Kn);
        g0.title = title[0];
        ui_grid_draw(ctx->ui, L->m[0], &g0, NULL);
        if (v->kind == ATTN_DEC_SELF) snprintf(title[1], 160, _("A / \xE2\x88\x9A%d + mask (\xE2\x88\x92\xE2\x88\x9E = future)"), dk);
        else snprintf(title[1], 160, _("A / \xE2\x88\x9A%d  (in A's colours)"), dk);
        g->title = title[1];
    } else if (step == 2) {
        snprintf(title[0], 160, "%s [%d\xC3\x97%d]",
                 whatif_on(s) ? _("what-if B = softmax(f\xC2\xB7" "A), no \xE2\x88\x9A" "d_k") : _("B = softmax(A / \xE2\x88\x9A" "d_k)"), S, Kn);
        g->title = title[0];
        g->col_labels = v->klab;
    } else { /* B and V with their rows on out's lines */
        SDL_Rect r[3];
        int head[3], row_h;
        step4_place(v, L, ctx, r, head, &row_h);
        dense(v, v->a->weights, v->L, S, Kn, 0, b2);
        dense(v, v->a->v, dk, Kn, dk, 0, b3);
        for (int i = 0; i < 2; i++) {
            ui_grid_spec gi = step4_spec(v, i, i == 0 ? b2 : b3);
            snprintf(title[i], 160, "%s [%d\xC3\x97%d]", i == 0 ? "B" : "V", i == 0 ? S : Kn, i == 0 ? Kn : dk);
            gi.title = title[i];
            gi.min_head = head[i];
            gi.row_h = row_h;
            ui_grid_draw(ctx->ui, r[i], &gi, NULL);
        }
        snprintf(title[2], 160, _("out [%d\xC3\x97%d]"), S, dk);
        g->title = title[2];
    }
    return 0;
}

/* Step 3's panel: the caption under B, the √d_k switch, the what-if slider and
 * its note, then the softmax of the explained row. */
static void draw_softmax_panel(const att_state *s, const attn_view *v, const att_layout *L, const ui_grid_geom *geo,
                               const float *B, int hi_r, int hi_c, ui_ctx *ui)
{
    const ui_theme *t = ui->theme;
    int dk = v->dk;
    stat_columns(v, B, geo, ui, L->cols);
    SDL_Rect capr = {L->m[0].x, geo->cells.y + geo->cells.h + ui_px(ui, 8), L->m[0].w + L->cols.w, 3 * ui_line_height(ui, UI_BOLD, UI_SIZE_SMALL)};
    ui_text_wrap(ui, UI_BOLD, UI_SIZE_SMALL, capr, 0, t->accent,
                 _("Each ROW is one query's distribution over all keys: softmax runs along the row (the keys), not down a column, so every row sums to 1."));
    ui_toggle(ui, L->toggle, s->scaling ? _("divide by \xE2\x88\x9A" "d_k (the paper)   [S]") : _("divide by \xE2\x88\x9A" "d_k: OFF, what-if   [S]"),
              s->scaling);
    char sl[96];
    ui_slider(ui, L->slider, _("scores \xC3\x97 f  [\xE2\x88\x92 =],  f"), (float)s->factor, 1, MAX_FACTOR, "%.0f");
    int y = L->slider.y + L->slider.h + ui_px(ui, 6);
    snprintf(sl, sizeof sl, _("as if d_k were %d\xC2\xB7%d\xC2\xB2 = %d"), dk, s->factor, dk * s->factor * s->factor);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->toggle.x, y, L->toggle.w, t->text, UI_LEFT, sl);
    y += ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    const char *note = s->scaling
                           ? (s->factor > 1 ? _("with \xE2\x88\x9A" "d_k the growth is divided away: nothing changes")
                                            : _("turn the scaling off (S), then slide f"))
                           : _("no scaling: rows sharpen as f grows");
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->toggle.x, y, L->toggle.w, s->scaling ? t->text_dim : t->warn, UI_LEFT, note);
    y += ui_line_height(ui, UI_SANS, UI_SIZE_SMALL) + ui_px(ui, 8);
    detail_softmax(s, v, B, hi_r, hi_c, ui, L->detail, y);
}

static void att_draw(const void *st, const lesson_ctx *ctx)
{
    const att_state *s = st;
    const att_layout *L = ctx->layout;
    ui_ctx *ui = ctx->ui;
    attn_view v;
    attn_view_pick(ctx, s->kind, &v);
    ui_grid_spec g;
    SDL_Rect main_r;
    char title[3][160] = {""};
    if (!v.qlab || main_spec(s, &v, L, ctx, &g, &main_r) != 0) {
        lesson_no_memory(ctx);
        return;
    }
    draw_header(s, &v, L, ctx);
    if (draw_side(&v, s, L, ctx, &g, title) != 0) {
        lesson_no_memory(ctx);
        return;
    }
    /* which cell the panel explains; outline it */
    ui_grid_geom geo;
    int hi_r, hi_c;
    ui_grid_layout(ui, main_r, &g, &geo);
    detail_cell(s, &v, ctx->step, &geo, ui, &hi_r, &hi_c);
    g.highlight_row = hi_r;
    g.highlight_col = hi_c;
    g.highlight_cell = 1;
    ui_grid_draw(ui, main_r, &g, &geo);
    ui_panel(ui, L->detail);
    if (ctx->step == 0 || ctx->step == 1) detail_scores(&v, ctx, hi_r, hi_c, L->detail);
    else if (ctx->step == 2) draw_softmax_panel(s, &v, L, &geo, g.data, hi_r, hi_c, ui);
    else detail_values(&v, ctx, hi_r, hi_c, L->detail);
}

/* ------------------------------------------------------------------ state, events, dump */

static int att_init(void *st, const lesson_ctx *ctx)
{
    att_state *s = st;
    (void)ctx;
    s->scaling = 1;
    s->factor = 1;
    s->pin_col = -1;
    return 0;
}

static void att_changed(void *st, const lesson_ctx *ctx)
{
    att_state *s = st;
    (void)ctx;
    s->pin_col = -1;
}

static int att_event(void *st, const SDL_Event *ev, const lesson_ctx *ctx)
{
    att_state *s = st;
    const att_layout *L = ctx->layout;
    attn_view v;
    attn_view_pick(ctx, s->kind, &v);
    int step = ctx->step;
    if (ev->type == SDL_KEYDOWN && !(ev->key.keysym.mod & (KMOD_CTRL | KMOD_GUI | KMOD_ALT))) {
        switch (ev->key.keysym.sym) {
        case SDLK_x: s->kind = (s->kind + 1) % ATTN_N_KINDS; s->pin_col = -1; return 1;
        case SDLK_s: if (step != 2) return 0; s->scaling = !s->scaling; return 1;
        case SDLK_MINUS: if (step != 2) return 0; if (s->factor > 1) s->factor--; return 1;
        case SDLK_EQUALS: case SDLK_PLUS: if (step != 2) return 0; if (s->factor < MAX_FACTOR) s->factor++; return 1;
        case SDLK_UP: case SDLK_DOWN:
            if (v.kind != ATTN_ENC_SELF) { /* the query row of the decoder is the decoding step */
                int r = v.row + (ev->key.keysym.sym == SDLK_UP ? -1 : 1);
                ctx->sel->step = (r + v.nq) % v.nq;
                return 1;
            }
            return 0;
        default: return 0;
        }
    }
    if (ev->type == SDL_MOUSEBUTTONDOWN && ev->button.button == SDL_BUTTON_LEFT) {
        int x = ev->button.x, y = ev->button.y;
        if (ui_point_in(L->kind_btn, x, y)) { s->kind = (s->kind + 1) % ATTN_N_KINDS; s->pin_col = -1; return 1; }
        if (step == 2 && ui_point_in(L->toggle, x, y)) { s->scaling = !s->scaling; return 1; }
        if (step == 2 && ui_point_in(L->slider, x, y)) {
            s->drag = 1;
            s->factor = ui_f2i(roundf(ui_slider_value_at(L->slider, 1, MAX_FACTOR, x)));
            return 1;
        }
        ui_grid_geom geo;
        int r, c;
        if (main_geom(s, &v, L, ctx, &geo) == 0 && ui_grid_cell_at(&geo, x, y, &r, &c)) {
            if (v.kind == ATTN_ENC_SELF) ctx->sel->token = r;
            else ctx->sel->step = r;
            if (step != 3) s->pin_col = c;
            return 1;
        }
        return 0;
    }
    if (ev->type == SDL_MOUSEBUTTONUP && s->drag) { s->drag = 0; return 1; }
    if (ev->type == SDL_MOUSEMOTION && s->drag) {
        s->factor = ui_f2i(roundf(ui_slider_value_at(L->slider, 1, MAX_FACTOR, ev->motion.x)));
        return 1;
    }
    return 0;
}

static int att_dump(const void *st, const lesson_ctx *ctx, char *dst, size_t n)
{
    const att_state *s = st;
    const att_layout *L = ctx->layout;
    attn_view v;
    attn_view_pick(ctx, s->kind, &v);
    ui_grid_geom geo;
    float *w = lesson_floats(ctx, (size_t)v.nq * (size_t)v.nk);
    if (!v.qlab || !w || main_geom(s, &v, L, ctx, &geo) != 0) return 0;
    shown_weights(s, &v, w);
    lesson_json j = {dst, n, 0};
    lesson_json_put(&j, "{\"kind\": \"%s\", \"layer\": %d, \"head\": %d, \"scaling\": %d, \"factor\": %d, \"what_if\": %d, \"rows\": %d, "
        "\"cols\": %d, \"query_row\": %d, \"pin_col\": %d, \"grid\": {\"x\": %d, \"y\": %d, \"cw\": %d, \"ch\": %d, \"rows\": %d, \"cols\": %d}",
        attn_kind_slug(v.kind), v.layer, v.head, s->scaling, s->factor, whatif_on(s), v.nq, v.nk, v.row, s->pin_col, geo.cells.x,
        geo.cells.y, geo.cw, geo.ch, geo.rows, geo.cols);
    const char *names[3] = {"row_sums", "row_max", "row_entropy"};
    for (int k = 0; k < 3; k++) {
        lesson_json_put(&j, ", \"%s\": [", names[k]);
        for (int i = 0; i < v.nq; i++) {
            float a[3];
            lesson_attention_row_stats(w + i * v.nk, v.nk, &a[0], &a[1], &a[2]);
            lesson_json_put(&j, "%s%.6g", i ? ", " : "", (double)a[k]);
        }
        lesson_json_put(&j, "]");
    }
    lesson_json_put(&j, "}");
    return lesson_json_end(&j);
}

const lesson lesson_attention = {
    .slug = "attention", .title = N_("Scaled dot-product attention"), .steps = 4,
    .keys = N_("X or the button: encoder / decoder / cross   click a cell: pick the row   Up Down: decoder row   step 3: S scaling on/off, - = (or the slider) what-if factor"),
    .state_size = sizeof(att_state), .init = att_init, .layout_size = sizeof(att_layout), .layout = att_layout_of,
    .on_trace_changed = att_changed, .handle_event = att_event, .draw = att_draw, .dump_json = att_dump,
};
