/* lesson_addnorm.c - lesson 7, "Add & Norm": the residual sum x + Sublayer(x)
 * and the LayerNorm after it, post-LN as in the paper:
 *   out = LayerNorm(x + Sublayer(x)),  LayerNorm(z) = (z - mean) / std * gamma + beta.
 * For the chosen stack (encoder or decoder: buttons or the D key), layer ([ ])
 * and sub-layer (buttons or the F key: in the encoder attention or
 * feed-forward, in the decoder masked self-attention, cross-attention or
 * feed-forward) it shows x, Sublayer(x), their sum and the LayerNorm output as
 * heatmaps ([S x D] for the encoder, [T x D] for the decoder), each row's mean
 * and spread before (from the trace) and after (display statistics of the
 * output, labelled), gamma and beta as bars, and the hovered row's D values
 * before and after as a strip plot. Decoder rows are the decoder input
 * (<bos> then the target words).
 *
 * Reads the trace: enc[l].input, enc[l].self.out, enc[l].norm1.*, enc[l].ffn.out,
 * enc[l].norm2.*; dec[l].input, dec[l].self.out, dec[l].norm1.*, dec[l].cross.out,
 * dec[l].norm2.*, dec[l].ffn.out, dec[l].norm3.*; and params enc[l].norm1/2 and
 * dec[l].norm1/2/3 weight/bias. The statistics of the output rows are display
 * math only (the model does not use them).
 *
 * Must not: change the trace, run the model, or draw outside ctx->area.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "lesson_layout.h"

/* Sub-layers: the encoder has AN_ATTN and AN_FFN, the decoder all three. */
enum { AN_ATTN = 0, AN_CROSS = 1, AN_FFN = 2 };

typedef struct {
    int dec;                 /* 0: encoder stack, 1: decoder stack */
    int sub;                 /* AN_ATTN (norm1), AN_CROSS (decoder norm2) or AN_FFN (encoder norm2, decoder norm3) */
} addnorm_state;

typedef struct {
    SDL_Rect formula, btn_enc, btn_dec, btn_sub[3], note;
    SDL_Rect mat[4], stats, strip, gamma, beta;
} addnorm_layout;

/* What is shown for the current state: one stack, layer and sub-layer. */
typedef struct {
    int dec, sub, l, n_layers;
    int rows;                /* S (encoder) or T (decoder) */
    const int *ids;          /* the rows' token ids: src_ids or tgt_ids */
    const float *m[4];       /* x, Sublayer(x), sum, out: [rows, D] */
    const trace_addnorm *an;
    const float *gamma, *beta;
    const char *sub_name;    /* hover name of Sublayer(x) */
    const char *norm;        /* "norm1" .. "norm3" */
    const char **labs;       /* [rows] "i word" row labels (ctx->scratch), NULL out of memory */
} an_view;

/* The decoder is shown only when the model has one and it ran. */
static int an_dec(const addnorm_state *s, const lesson_ctx *ctx) { return lesson_stack_dec(ctx, s->dec); }

static int an_sub(const addnorm_state *s, const lesson_ctx *ctx)
{
    int sub = s->sub < AN_ATTN || s->sub > AN_FFN ? AN_ATTN : s->sub;
    return !an_dec(s, ctx) && sub == AN_CROSS ? AN_ATTN : sub;
}

static const char *an_sub_label(int dec, int sub)
{
    if (sub == AN_FFN) return _("after feed-forward");
    if (sub == AN_CROSS) return _("after cross-attention");
    return dec ? _("after masked self-attention") : _("after attention");
}

/* One Add & Norm of the view: its input x, the sub-layer's output, the norm's
 * trace and weights, and their names. */
static void an_sublayer(an_view *v, const float *x, const float *sub, const trace_addnorm *an, const float *gamma, const float *beta,
                        const char *sub_name, const char *norm)
{
    v->m[0] = x;
    v->m[1] = sub;
    v->an = an;
    v->gamma = gamma;
    v->beta = beta;
    v->sub_name = sub_name;
    v->norm = norm;
}

static void an_view_get(const addnorm_state *s, const lesson_ctx *ctx, an_view *v)
{
    const trace *tr = ctx->tr;
    memset(v, 0, sizeof *v);
    v->dec = an_dec(s, ctx);
    v->sub = an_sub(s, ctx);
    v->l = lesson_stack_layer(ctx, v->dec, &v->n_layers);
    v->rows = v->dec ? tr->n_tgt : tr->n_src;
    v->ids = v->dec ? tr->tgt_ids : tr->src_ids;
    v->labs = lesson_token_labels(ctx, v->ids, v->rows, LESSON_LABEL_NUMBERED);
    if (!v->dec) {
        const trace_enc_layer *E = &tr->enc[v->l];
        const model_enc_layer *P = &ctx->params->enc[v->l];
        if (v->sub == AN_ATTN) an_sublayer(v, E->input, E->self.out, &E->norm1, P->norm1_weight, P->norm1_bias, _("MultiHead(x)"), _("norm1"));
        else an_sublayer(v, E->norm1.out, E->ffn.out, &E->norm2, P->norm2_weight, P->norm2_bias, _("FFN(x)"), _("norm2"));
    } else {
        const trace_dec_layer *Dl = &tr->dec[v->l];
        const model_dec_layer *P = &ctx->params->dec[v->l];
        if (v->sub == AN_ATTN)
            an_sublayer(v, Dl->input, Dl->self.out, &Dl->norm1, P->norm1_weight, P->norm1_bias, _("MaskedAttn(x)"), _("norm1"));
        else if (v->sub == AN_CROSS)
            an_sublayer(v, Dl->norm1.out, Dl->cross.out, &Dl->norm2, P->norm2_weight, P->norm2_bias, _("CrossAttn(x)"), _("norm2"));
        else
            an_sublayer(v, Dl->norm2.out, Dl->ffn.out, &Dl->norm3, P->norm3_weight, P->norm3_bias, _("FFN(x)"), _("norm3"));
    }
    v->m[2] = v->an->sum;
    v->m[3] = v->an->out;
}

static void an_layout(const lesson_ctx *ctx, int dec, addnorm_layout *L)
{
    ui_ctx *ui = ctx->ui;
    SDL_Rect a = ctx->area;
    int pad = ui_px(ui, 8);
    int y = lesson_formula_line(ctx, &L->formula);
    /* stack switch, then the sub-layer buttons of that stack, each as wide as its label */
    int x = lesson_stack_buttons(ctx, a.x, y, &L->btn_enc, &L->btn_dec) + 3 * pad;
    int bh = L->btn_enc.h, bpad = ui_px(ui, 24), w = 0, h = 0;
    for (int k = AN_ATTN; k <= AN_FFN; k++) {
        if (!dec && k == AN_CROSS) continue; /* the encoder has no cross-attention: empty rect */
        ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, an_sub_label(dec, k), &w, &h);
        L->btn_sub[k] = (SDL_Rect){x, y, w + bpad, bh};
        x += L->btn_sub[k].w + pad;
    }
    (void)x;
    y += bh + pad / 2;
    int sh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    L->note = (SDL_Rect){a.x, y, a.w, sh}; /* a line of its own: layer, norm, rows, keys */
    y += sh + pad / 2;
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

/* lesson.layout (into zeroed memory) */
static void an_layout_of(const void *st, const lesson_ctx *ctx, void *L) { an_layout(ctx, an_dec(st, ctx), L); }

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

/* The hovered token's D values before (sum) and after (out) LayerNorm, as dots on
 * one shared axis, with the mean and mean +- std marked. */
static void draw_strip(const lesson_ctx *ctx, SDL_Rect r, const char *lab, int tok, const float *sum, const float *out, float mean,
                       float std)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    int D = ctx->tr->cfg.d_model;
    char b[200];
    snprintf(b, sizeof b, _("token %s: its %d values"), lab, D);
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
    const char *names[2] = {_("before"), _("after")};
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
        ui_fill(ui, (SDL_Rect){ui_f2i(xa), lane.y, ui_f2i(xb - xa) > 1 ? ui_f2i(xb - xa) : 1, lane.h}, ui_alpha(t->series[k], 60));
        ui_line(ui, XOF((float)mu), (float)lane.y, XOF((float)mu), (float)(lane.y + lane.h), (float)ui_px(ui, 2), t->series[k]);
        for (int d = 0; d < D; d++) {
            float v = row[k][d];
            float px = XOF(v);
            float py = (float)lane.y + (float)lane.h * (0.2f + 0.6f * (float)((d * 37) % D) / (float)D); /* jitter by dim */
            ui_circle(ui, px, py, (float)ui_px(ui, 3), t->series[k], 1);
            SDL_Rect hr = {ui_f2i(px) - ui_px(ui, 3), ui_f2i(py) - ui_px(ui, 3), ui_px(ui, 7), ui_px(ui, 7)};
            if (ui_mouse_in(ui, hr))
                ui_hover_value(ui, hr, v, _("%s LayerNorm [%d][%d] (%s, dim %d)"), k ? _("after") : _("before (x+Sublayer(x))"), tok, d, lab, d);
        }
        SDL_Rect mr = {ui_f2i(XOF((float)mu)) - ui_px(ui, 3), lane.y, ui_px(ui, 7), ui_px(ui, 8)};
        if (ui_mouse_in(ui, mr)) ui_hover_value(ui, mr, mu, _("%s: mean of token %d (%s)"), names[k], tok, lab);
    }
    /* axis */
    int ay = y0 + 2 * band;
    ui_line(ui, (float)x0, (float)ay, (float)(x0 + w), (float)ay, 1, t->border);
    float ticks[3] = {lo / 1.05f, 0, hi / 1.05f};
    for (int i = 0; i < 3; i++) {
        ui_fmt(ticks[i], 3, b, sizeof b);
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, ui_f2i(XOF(ticks[i])), ay + 2, t->text_dim, UI_CENTER | UI_TOP, b);
    }
#undef XOF
}

/* The formula with this model's shapes, the stack and sub-layer buttons and the note line. */
static void draw_header(const lesson_ctx *ctx, const an_view *v, const addnorm_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    int S = v->rows, D = ctx->tr->cfg.d_model, l = v->l;
    char f[300];
    snprintf(f, sizeof f, _("out = LayerNorm(x + Sublayer(x)),   LayerNorm(z) = (z \xE2\x88\x92 \xCE\xBC) / \xCF\x83 \xC2\xB7 \xCE\xB3 + \xCE\xB2"
                          "   : [%d\xC3\x97%d] \xE2\x86\x92 [%d\xC3\x97%d]"), S, D, S, D);
    ui_formula(ui, UI_SIZE_BODY, L->formula.x, L->formula.y, t->accent, UI_LEFT, f);
    lesson_stack_draw(ctx, L->btn_enc, L->btn_dec, v->dec);
    for (int k = AN_ATTN; k <= AN_FFN; k++)
        if (L->btn_sub[k].w > 0) ui_button(ui, L->btn_sub[k], an_sub_label(v->dec, k), v->sub == k);
    if (v->dec)
        snprintf(f, sizeof f, _("decoder layer %d of %d ([ ]), %s  \xC2\xB7  rows: decoder input, <bos> then the target words (T = %d)  \xC2\xB7  "
                              "D: stack, F: sub-layer"), l + 1, v->n_layers, v->norm, S);
    else
        snprintf(f, sizeof f, _("encoder layer %d of %d ([ ]), %s  \xC2\xB7  rows: source tokens (S = %d)  \xC2\xB7  D: stack, F: sub-layer  \xC2\xB7  post-LN, as in the paper"), l + 1,
                 v->n_layers, v->norm, S);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->note.x, L->note.y, L->note.w, t->text_dim, UI_LEFT | UI_TOP, f);
}

/* x, Sublayer(x), their sum (one colour range for the three) and the LayerNorm
 * output as heatmaps; returns the hovered row, or -1. */
static int draw_mats(const lesson_ctx *ctx, const an_view *v, const addnorm_layout *L, int sel_row)
{
    ui_ctx *ui = ctx->ui;
    int S = v->rows, D = ctx->tr->cfg.d_model;
    const float *const *m = v->m;
    const char *sub = v->sub_name;
    char titles[4][96];
    snprintf(titles[0], sizeof titles[0], "x [%d\xC3\x97%d]", S, D);
    snprintf(titles[1], sizeof titles[1], "+ %s", sub);
    snprintf(titles[2], sizeof titles[2], "= x + %s", sub);
    snprintf(titles[3], sizeof titles[3], _("LayerNorm \xE2\x86\x92 out"));
    const char *names[4] = {"x", sub, _("sum"), _("LayerNorm out")};
    int hov_tok = -1;
    float rng = 0;
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < S * D; i++) rng = fmaxf(rng, fabsf(m[k][i]));
    const ui_scale shared = {-rng, rng, NULL}; /* the input, the sub-layer and their sum are compared */
    for (int k = 0; k < 4; k++) {
        ui_heatmap_spec h = ui_heatmap_matrix(m[k], S, D, UI_CMAP_DIVERGING, names[k]);
        h.row_labels = k == 0 ? v->labs : NULL;
        h.title = titles[k];
        if (k < 3) h.scale = &shared;
        h.highlight_row = sel_row;
        ui_heatmap_out o;
        if (ui_heatmap(ui, L->mat[k], &h, &o)) {
            hov_tok = o.hover_row;
            ui_hover_value(ui, lesson_hover_cell(&o), m[k][o.hover_row * D + o.hover_col], _("%s[%d][%d] (%s, dim %d), %s layer %d"), names[k],
                           o.hover_row, o.hover_col, v->labs[o.hover_row], o.hover_col, v->dec ? _("decoder") : _("encoder"), v->l + 1);
        }
    }
    return hov_tok;
}

/* The per-row statistics table: mean and std before (trace) and after (display
 * math); returns the hovered row, else hov_tok. */
static int draw_stats(const lesson_ctx *ctx, const an_view *v, SDL_Rect r, float *stats, int sel_row, int hov_tok)
{
    ui_ctx *ui = ctx->ui;
    an_stats(v->an, v->rows, ctx->tr->cfg.d_model, stats);
    const char *const cols[4] = {_("\xCE\xBC in"), _("\xCF\x83 in"), _("\xCE\xBC out"), _("\xCF\x83 out")};
    ui_heatmap_spec h = ui_heatmap_matrix(stats, v->rows, 4, UI_CMAP_DIVERGING, _("stats"));
    h.row_labels = v->labs;
    h.col_labels = cols;
    h.title = _("\xCE\xBC and \xCF\x83 per token");
    h.show_values = 1;
    h.highlight_row = hov_tok >= 0 ? hov_tok : sel_row;
    ui_heatmap_out o;
    if (!ui_heatmap(ui, r, &h, &o)) return hov_tok;
    const char *const what[4] = {_("mean before (trace)"), _("std before (trace, \xE2\x88\x9A(var+\xCE\xB5))"),
                                        _("mean after (display math on the output)"), _("std after (display math on the output)")};
    ui_hover_value(ui, lesson_hover_cell(&o), stats[o.hover_row * 4 + o.hover_col], _("%s, token %s, %s layer %d"), what[o.hover_col],
                   v->labs[o.hover_row], v->dec ? _("decoder") : _("encoder"), v->l + 1);
    return o.hover_row;
}

/* gamma and beta of the norm as bars, with their ranges in the titles. */
static void draw_gamma_beta(const lesson_ctx *ctx, const an_view *v, const addnorm_layout *L)
{
    int D = ctx->tr->cfg.d_model;
    const float *g = v->gamma, *bt = v->beta;
    ui_bars_spec b;
    memset(&b, 0, sizeof b);
    b.values = g;
    b.n = D;
    b.name = "\xCE\xB3";  /* hover: "γ[d]" = the norm's weight[d] */
    b.highlight = -1;
    b.use_cmap = 0;
    b.axis = 1;
    char bt1[96], bt2[96];
    float glo = g[0], ghi = g[0], blo = bt[0], bhi = bt[0];
    for (int d = 1; d < D; d++) {
        glo = fminf(glo, g[d]); ghi = fmaxf(ghi, g[d]);
        blo = fminf(blo, bt[d]); bhi = fmaxf(bhi, bt[d]);
    }
    ui_num n[4];
    snprintf(bt1, sizeof bt1, "\xCE\xB3 [%d]: %s \xE2\x80\xA6 %s", D, ui_fmts(&n[0], glo, 3), ui_fmts(&n[1], ghi, 3));
    snprintf(bt2, sizeof bt2, "\xCE\xB2 [%d]: %s \xE2\x80\xA6 %s", D, ui_fmts(&n[2], blo, 3), ui_fmts(&n[3], bhi, 3));
    b.title = bt1;
    ui_bars(ctx->ui, L->gamma, &b);
    b.values = bt;
    b.title = bt2;
    b.name = "\xCE\xB2";
    ui_bars(ctx->ui, L->beta, &b);
}

static void an_draw(const void *st, const lesson_ctx *ctx)
{
    const addnorm_state *s = st;
    const addnorm_layout *L = ctx->layout;
    an_view v;
    an_view_get(s, ctx, &v);
    float *stats = lesson_floats(ctx, (size_t)v.rows * 4);
    if (!v.labs || !stats) {
        lesson_no_memory(ctx);
        return;
    }
    int S = v.rows;
    draw_header(ctx, &v, L);
    /* the outlined row: the selected source token, or the decoding step in the decoder */
    int sel_row = v.dec ? ctx->sel->step : ctx->sel->token;
    if (sel_row >= S) sel_row = -1;
    int hov_tok = draw_mats(ctx, &v, L, sel_row);
    hov_tok = draw_stats(ctx, &v, L->stats, stats, sel_row, hov_tok);
    int tok = lesson_clamp(hov_tok >= 0 ? hov_tok : sel_row >= 0 ? sel_row : 0, 0, S - 1);
    draw_strip(ctx, L->strip, v.labs[tok], tok, v.an->sum, v.an->out, v.an->mean[tok], v.an->std[tok]);
    draw_gamma_beta(ctx, &v, L);
}

static int an_event(void *st, const SDL_Event *ev, const lesson_ctx *ctx)
{
    addnorm_state *s = st;
    const addnorm_layout *L = ctx->layout;
    int dec = an_dec(s, ctx), sub = an_sub(s, ctx);
    if (lesson_experiment_link(ev, ctx, 1)) return 1; /* lesson 17 step 1: no residual, no LayerNorm */
    int want_dec = lesson_stack_event(ev, L->btn_enc, L->btn_dec, dec), want_sub = -1;
    if (ev->type == SDL_MOUSEBUTTONDOWN && ev->button.button == SDL_BUTTON_LEFT)
        for (int k = AN_ATTN; k <= AN_FFN; k++)
            if (L->btn_sub[k].w > 0 && ui_point_in(L->btn_sub[k], ev->button.x, ev->button.y)) want_sub = k;
    if (lesson_plain_key(ev, SDLK_f)) /* next sub-layer of this stack */
        want_sub = sub == AN_FFN ? AN_ATTN : dec && sub == AN_ATTN ? AN_CROSS : AN_FFN;
    if (want_dec < 0 && want_sub < 0) return 0;
    if (want_dec >= 0) {
        s->dec = want_dec;
        s->sub = sub;
        if (!an_dec(s, ctx) && s->sub == AN_CROSS) s->sub = AN_ATTN; /* the encoder has no cross-attention */
    }
    if (want_sub >= 0) s->sub = want_sub;
    return 1;
}

static int an_dump(const void *st, const lesson_ctx *ctx, char *dst, size_t n)
{
    const addnorm_state *s = st;
    an_view v;
    an_view_get(s, ctx, &v);
    const addnorm_layout *L = ctx->layout;
    static const char *subs[3] = {"attention", "cross", "ffn"};
#define R4(r) (r).x, (r).y, (r).w, (r).h
    return snprintf(dst, n,
                    "{\"stack\": \"%s\", \"sublayer\": \"%s\", \"norm\": \"%s\", \"layer\": %d, \"rows\": %d, "
                    "\"mats\": [[%d, %d, %d, %d], [%d, %d, %d, %d], [%d, %d, %d, %d], [%d, %d, %d, %d]], "
                    "\"btn_enc\": [%d, %d, %d, %d], \"btn_dec\": [%d, %d, %d, %d], \"btn_attn\": [%d, %d, %d, %d], "
                    "\"btn_cross\": [%d, %d, %d, %d], \"btn_ffn\": [%d, %d, %d, %d], \"stats\": [%d, %d, %d, %d], "
                    "\"gamma\": [%d, %d, %d, %d], \"beta\": [%d, %d, %d, %d]}",
                    v.dec ? "decoder" : "encoder", subs[v.sub], v.norm, v.l, v.rows, R4(L->mat[0]), R4(L->mat[1]), R4(L->mat[2]),
                    R4(L->mat[3]), R4(L->btn_enc), R4(L->btn_dec), R4(L->btn_sub[AN_ATTN]), R4(L->btn_sub[AN_CROSS]),
                    R4(L->btn_sub[AN_FFN]), R4(L->stats), R4(L->gamma), R4(L->beta));
#undef R4
}

const lesson lesson_addnorm = {
    .slug = "add-norm", .title = N_("Add & Norm"),
    .keys = N_("D or the buttons: encoder / decoder stack   F or the buttons: next sub-layer (attention, cross-attention, feed-forward)   J: remove a residual or LayerNorm (lesson 17)"),
    .state_size = sizeof(addnorm_state), .layout_size = sizeof(addnorm_layout), .layout = an_layout_of,
    .handle_event = an_event, .draw = an_draw, .dump_json = an_dump,
};
