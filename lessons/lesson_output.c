/* lesson_output.c - lesson 13, "Output and weight sharing": at decoding step t
 * the last decoder vector h = dec_out[t] [D] is multiplied by E^T, where E
 * [V x D] is the SAME matrix as the token embeddings (paper section 3.4), giving
 * one logit per vocabulary word; softmax turns them into probabilities; greedy
 * decoding takes the argmax, which is out_ids[t]. Two steps:
 *   1 one picture for weight sharing: h next to the embedding rows of the top
 *     10 words, with their dot products h . E[w] (= the logits), and the top 10
 *     probabilities as bars, the greedy pick highlighted;
 *   2 the whole vocabulary: E as a heatmap (the picture of the embedding lesson)
 *     beside the logits and probabilities of all V words;
 *   3 decoding choices: greedy, beam search and seeded temperature / top-k
 *     sampling side by side, with the distribution sampling draws from at the
 *     step (lessons/common/decodeview.c runs them; this lesson never does);
 *   4 which word is h closest to: the top words by dot product (= the logits,
 *     with softmax, ‖E[w]‖ and the angle) beside the nearest words by angle
 *     (cosine, lessons/common/openq.c), and that the output has no √d_model.
 * The step is the shared decoding step (; ' keys, or click a produced word).
 *
 * Reads dec_out, logits, probs, out_ids, tgt_ids from the trace and the
 * embedding matrix from ctx->params. The dot products h . E[w] are display
 * math, shown next to the trace's logits they must equal (checked here and in
 * the dump); the top-10 ranking is a sort for display.
 *
 * Must not: change the trace, run the model, or draw outside ctx->area.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decodeview.h"
#include "lesson.h"
#include "lesson_layout.h"
#include "openq.h"
#include "verdict.h"

#define OUT_TOPK 10

/* Display helpers, exported for tests/app/test_lesson_output.c. */
int lesson_output_topk(const float *probs, int V, int k, int *ids);
double lesson_output_dot(const float *h, const float *e_row, int D);

typedef struct {
    decodeview *dv;   /* step 3: greedy, beam and sampling side by side */
} out_state;

typedef struct {
    SDL_Rect formula, chips, left, right, h_map, e_map, dots, bars, full_e, plot_logits, plot_probs, decode;
    float chip_size;
} out_layout;

static int out_step(const lesson_ctx *ctx)
{
    int t = ctx->sel->step;
    if (t >= ctx->tr->n_tgt) t = ctx->tr->n_tgt - 1;
    return t < 0 ? 0 : t;
}

/* Ids of the k most probable words at row t, most probable first. Returns k. */
int lesson_output_topk(const float *probs, int V, int k, int *ids)
{
    if (k > V) k = V;
    int n = 0;
    for (int v = 0; v < V; v++) {
        int pos;
        if (n < k) pos = n++;
        else if (probs[v] > probs[ids[k - 1]]) pos = k - 1;
        else continue;
        while (pos > 0 && probs[v] > probs[ids[pos - 1]]) { /* strict: ties keep the lower id first, as argmax does */
            ids[pos] = ids[pos - 1];
            pos--;
        }
        ids[pos] = v;
    }
    return n;
}

/* h . E[id] in double precision: display math equal to the trace's logit. */
double lesson_output_dot(const float *h, const float *e_row, int D)
{
    double acc = 0;
    for (int d = 0; d < D; d++) acc += (double)h[d] * (double)e_row[d];
    return acc;
}

static void out_layout_compute(const lesson_ctx *ctx, int step, out_layout *L)
{
    ui_ctx *ui = ctx->ui;
    SDL_Rect a = ctx->area;
    memset(L, 0, sizeof *L);
    int pad = ui_px(ui, 10), lhs = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int y = lesson_formula_block(ctx, &L->formula) + pad / 2;
    L->chip_size = UI_SIZE_SMALL;
    int ch = ui_line_height(ui, UI_BOLD, L->chip_size) + ui_line_height(ui, UI_MONO, L->chip_size * 0.75f) + 2 * ui_px(ui, L->chip_size * 0.35f);
    L->chips = (SDL_Rect){a.x, y, a.w, ch};
    y += ch + pad;
    int h = a.y + a.h - y;
    if (step == 0) {
        int lw = a.w * 60 / 100;
        L->left = (SDL_Rect){a.x, y, lw, h};
        L->right = (SDL_Rect){a.x + lw + 2 * pad, y, a.w - lw - 2 * pad, h};
        int dots_w = ui_px(ui, 150);
        int hh = ui_line_height(ui, UI_BOLD, UI_SIZE_BODY) + ui_px(ui, 34);
        L->h_map = (SDL_Rect){a.x, y, lw - dots_w, hh};
        L->e_map = (SDL_Rect){a.x, y + hh + pad, lw - dots_w, h - hh - pad - lhs - ui_px(ui, 8)};
        L->dots = (SDL_Rect){a.x + lw - dots_w, L->e_map.y, dots_w, L->e_map.h};
        L->bars = L->right;
    } else if (step == 2) {
        L->decode = (SDL_Rect){a.x, y, a.w, h};
    } else if (step == 3) {
        int nh = 2 * lhs + pad, lw = a.w * 55 / 100;
        L->left = (SDL_Rect){a.x, y, lw, h - nh};
        L->right = (SDL_Rect){a.x + lw + 2 * pad, y, a.w - lw - 2 * pad, h - nh};
        L->bars = (SDL_Rect){a.x, y + h - nh + pad, a.w, nh - pad}; /* the two lines under both */
    } else {
        int lw = a.w * 48 / 100;
        L->full_e = (SDL_Rect){a.x, y, lw, h};
        int tick = ui_px(ui, 16); /* room for the last x tick label, centred on the axis' end */
        L->plot_logits = (SDL_Rect){a.x + lw + 2 * pad, y, a.w - lw - 2 * pad - tick, h / 2 - pad / 2};
        L->plot_probs = (SDL_Rect){a.x + lw + 2 * pad, y + h / 2 + pad / 2, a.w - lw - 2 * pad - tick, h / 2 - pad / 2};
    }
}

/* The produced words as chips (a window around step t that fits); with
 * hit != NULL only finds the chip under (hx, hy) and returns its step. */
static int draw_chips(const lesson_ctx *ctx, const out_layout *L, int t, int dry, int hx, int hy)
{
    ui_ctx *ui = ctx->ui;
    const trace *tr = ctx->tr;
    const ui_theme *th = ui->theme;
    int gap = ui_px(ui, 5);
    char sub[32];
    int lab_w = 0;
    const char *lab = _("decoding: ");
    ui_text_size(ui, UI_BOLD, UI_SIZE_SMALL, lab, &lab_w, NULL);
    int x0 = L->chips.x + lab_w, right = L->chips.x + L->chips.w;
    /* the verdict on the whole translation at the row's right end (can it be trusted, the grammar's reference) */
    int vw = ctx->status ? verdict_width(ui, ctx->status, 0, L->chips.w * 4 / 10) : 0;
    if (vw && !dry) verdict_draw(ui, ctx->status, 0, right - vw, L->chips.y + L->chips.h / 2, vw);
    if (vw) right -= vw + 3 * gap;
    /* choose the first shown step so that step t and a few after it fit */
    int first = 0;
    for (;;) {
        int w = 0;
        for (int i = first; i < tr->n_tgt; i++) {
            snprintf(sub, sizeof sub, _("step %d"), i + 1);
            w += ui_chip_width(ui, L->chip_size, tok_vocab_word(ctx->vocab, tr->out_ids[i]), sub) + gap;
            if (i >= t + 2) break;
        }
        if (x0 + w <= right || first >= t) break;
        first++;
    }
    if (!dry) ui_text(ui, UI_BOLD, UI_SIZE_SMALL, L->chips.x, L->chips.y + L->chips.h / 2, th->text_dim, UI_LEFT | UI_MIDDLE, lab);
    int x = x0;
    if (first > 0 && !dry) x += ui_text(ui, UI_SANS, UI_SIZE_BODY, x, L->chips.y + L->chips.h / 2, th->text_dim, UI_LEFT | UI_MIDDLE, "\xE2\x80\xA6 ") ;
    for (int i = first; i < tr->n_tgt; i++) {
        const char *w = tok_vocab_word(ctx->vocab, tr->out_ids[i]);
        snprintf(sub, sizeof sub, _("step %d"), i + 1);
        int cw = ui_chip_width(ui, L->chip_size, w, sub);
        if (x + cw > right) break;
        SDL_Rect r = {x, L->chips.y, cw, L->chips.h};
        if (dry) {
            if (ui_point_in(r, hx, hy)) return i;
        } else {
            ui_chip_kind k = i > t ? UI_CHIP_MUTED : tr->out_ids[i] < 4 ? UI_CHIP_SPECIAL : UI_CHIP_WORD;
            r = ui_chip(ui, L->chip_size, x, L->chips.y, w, sub, k, i == t);
            if (ui_mouse_in(ui, r))
                ui_hover_value(ui, r, tr->out_ids[i], _("step %d reads \xE2\x80\x9C%s\xE2\x80\x9D and produces \xE2\x80\x9C%s\xE2\x80\x9D (click to select), id"), i + 1,
                               tok_vocab_word(ctx->vocab, tr->tgt_ids[i]), w);
        }
        x += cw + gap;
    }
    return -1;
}

/* The bar chart's rectangle and the row of bar i in it (as ui_bars lays out horizontal bars). */
static SDL_Rect bars_rect(const lesson_ctx *ctx, const out_layout *L)
{
    SDL_Rect br = L->bars;
    br.h -= ui_line_height(ctx->ui, UI_SANS, UI_SIZE_SMALL) * 3 + ui_px(ctx->ui, 8);
    return br;
}

static SDL_Rect bar_row(const lesson_ctx *ctx, SDL_Rect br, int k, int i)
{
    int ty = br.y + ui_line_height(ctx->ui, UI_BOLD, UI_SIZE_BODY) + ui_px(ctx->ui, 2);
    int bh = (br.y + br.h - ty) / (k > 0 ? k : 1);
    if (bh > ui_px(ctx->ui, 40)) bh = ui_px(ctx->ui, 40);
    return (SDL_Rect){br.x, ty + i * bh, br.w, bh};
}

/* h [1 x D] above E's rows, drawn cell by cell so its columns line up with E's (own symmetric scale). */
static void ws_h_strip(const lesson_ctx *ctx, const out_layout *L, const ui_heatmap_out *eo, const float *h, int t)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *th = ui->theme;
    int D = ctx->tr->cfg.d_model;
    char title[200];
    float hmax = 1e-6f;
    for (int d = 0; d < D; d++) hmax = fmaxf(hmax, fabsf(h[d]));
    snprintf(title, sizeof title, _("h = decoder output at step %d : [1\xC3\x97%d]"), t + 1, D);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, L->h_map.x, L->h_map.y, L->h_map.w + L->dots.w, th->text, UI_LEFT, title);
    int sy = L->h_map.y + ui_line_height(ui, UI_BOLD, UI_SIZE_BODY) + ui_px(ui, 4);
    int sh = L->h_map.y + L->h_map.h - sy;
    ui_text(ui, UI_BOLD, UI_SIZE_SMALL, eo->cells.x - ui_px(ui, 6), sy + sh / 2, th->accent, UI_RIGHT | UI_MIDDLE, "h");
    for (int d = 0; d < D; d++) {
        SDL_Rect c = {eo->cells.x + d * eo->cell_w, sy, eo->cell_w, sh};
        ui_fill(ui, c, ui_cmap_color(UI_CMAP_DIVERGING, h[d], -hmax, hmax));
        if (ui_mouse_in(ui, c)) ui_hover_value(ui, c, h[d], _("h = dec_out[%d][%d] (step %d, dimension %d)"), t, d, t + 1, d);
    }
    ui_num hm;
    snprintf(title, sizeof title, "\xC2\xB1%s", ui_fmts(&hm, hmax, 3));
    ui_text(ui, UI_SANS, UI_SIZE_SMALL, eo->cells.x + eo->cells.w + ui_px(ui, 6), sy + sh / 2, th->text_dim, UI_LEFT | UI_MIDDLE, title);
    ui_frame(ui, (SDL_Rect){eo->cells.x - 1, sy - 1, eo->cells.w + 2, sh + 2}, th->border, 1);
}

/* The dot products h·E[w] aligned with E's rows, and the check that they are the trace's logits. */
static void ws_dots(const lesson_ctx *ctx, const out_layout *L, const ui_heatmap_out *eo, const float *h, const int *ids, int k, int t)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *th = ui->theme;
    int D = ctx->tr->cfg.d_model;
    const float *logits = ctx->tr->logits + (size_t)t * ctx->tr->cfg.vocab_size, *E = ctx->params->embedding;
    ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, L->dots.x + ui_px(ui, 8), eo->cells.y - ui_px(ui, 4), L->dots.w, th->text, UI_LEFT | UI_BOTTOM,
                _("h\xC2\xB7" "E[w] = logit"));
    double max_err = 0;
    ui_num n[2];
    for (int i = 0; i < k; i++) {
        double dot = lesson_output_dot(h, E + (size_t)ids[i] * D, D);
        double err = fabs(dot - (double)logits[ids[i]]);
        if (err > max_err) max_err = err;
        int y = eo->cells.y + i * eo->cell_h + eo->cell_h / 2;
        char b[64];
        ui_fmt(dot, 4, b, sizeof b);
        SDL_Rect hr = {L->dots.x, y - eo->cell_h / 2, L->dots.w, eo->cell_h};
        ui_text_fit(ui, i == 0 ? UI_BOLD : UI_MONO, UI_SIZE_SMALL, L->dots.x + ui_px(ui, 8), y, L->dots.w, i == 0 ? th->accent : th->text,
                    UI_LEFT | UI_MIDDLE, b);
        if (ui_mouse_in(ui, hr))
            ui_hover_value(ui, hr, dot, _("h\xC2\xB7" "E[%s] (id %d) = %s, the trace's logit[%d][%d] = %s; dot product"), tok_vocab_word(ctx->vocab, ids[i]),
                           ids[i], ui_fmts(&n[0], dot, 6), t, ids[i], ui_fmts(&n[1], logits[ids[i]], 6));
    }
    char b[96];
    snprintf(b, sizeof b, _("%s equals the trace's logits (max diff %s)"), max_err < 1e-3 ? "\xE2\x9C\x93" : "\xE2\x9C\x97", ui_fmts(&n[0], max_err, 2));
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->e_map.x, eo->cells.y + eo->cells.h + ui_px(ui, 6), L->e_map.w + L->dots.w,
                max_err < 1e-3 ? th->ok : th->error, UI_LEFT, b);
}

/* The softmax of the top k words as bars, and the greedy pick against the emitted word. */
static void ws_probs(const lesson_ctx *ctx, const out_layout *L, const int *ids, int k, int t)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *th = ui->theme;
    const trace *tr = ctx->tr;
    int V = tr->cfg.vocab_size;
    const float *logits = tr->logits + (size_t)t * V, *probs = tr->probs + (size_t)t * V;
    const char *blp[OUT_TOPK];
    float pv[OUT_TOPK];
    for (int i = 0; i < k; i++) {
        blp[i] = tok_vocab_word(ctx->vocab, ids[i]);
        pv[i] = probs[ids[i]];
    }
    char b[300];
    ui_bars_spec bs = ui_bars_fixed(pv, k, blp, 0, 1, "p");
    snprintf(b, sizeof b, _("softmax: top %d of %d words"), k, V);
    bs.title = b;
    bs.horizontal = 1;
    bs.highlight = 0;
    bs.show_values = 1;
    SDL_Rect br = bars_rect(ctx, L);
    int hb = ui_bars(ui, br, &bs);
    ui_num n;
    if (hb >= 0) { /* a richer label than the widget's: word, id, logit, probability */
        SDL_Rect rr = bar_row(ctx, br, k, hb);
        ui_hover_value(ui, rr, probs[ids[hb]], _("\xE2\x80\x9C%s\xE2\x80\x9D id %d, rank %d: logit %s, probability"), tok_vocab_word(ctx->vocab, ids[hb]),
                       ids[hb], hb + 1, ui_fmts(&n, logits[ids[hb]], 6));
    }
    int pick = ids[0];
    int lhs = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    snprintf(b, sizeof b, _("greedy pick = argmax = \xE2\x80\x9C%s\xE2\x80\x9D (id %d)"), tok_vocab_word(ctx->vocab, pick), pick);
    int ny = br.y + br.h + ui_px(ui, 4);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, br.x, ny, br.w, th->accent, UI_LEFT, b);
    if (pick == tr->out_ids[t]) snprintf(b, sizeof b, _("= the word the model emitted at step %d"), t + 1);
    else snprintf(b, sizeof b, _("\xE2\x9C\x97 differs from the emitted word \xE2\x80\x9C%s\xE2\x80\x9D"), tok_vocab_word(ctx->vocab, tr->out_ids[t]));
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, br.x, ny + lhs, br.w, pick == tr->out_ids[t] ? th->text : th->error, UI_LEFT, b);
    snprintf(b, sizeof b, "%s", pick == TOK_EOS ? _("<eos>: the translation ends here") : _("next: it joins the decoder input (press ')"));
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, br.x, ny + 2 * lhs, br.w, th->text_dim, UI_LEFT, b);
}

/* Step 1: the decoder output h against the embedding rows of the top words
 * (the same matrix E as the input embedding), the dot products = the logits,
 * and the softmax. */
static void draw_weight_sharing(const lesson_ctx *ctx, const out_layout *L, int t)
{
    const trace *tr = ctx->tr;
    int D = tr->cfg.d_model, V = tr->cfg.vocab_size;
    const float *h = tr->dec_out + (size_t)t * D, *E = ctx->params->embedding;
    int ids[OUT_TOPK];
    int k = lesson_output_topk(tr->probs + (size_t)t * V, V, OUT_TOPK, ids);
    float *rows = lesson_floats(ctx, (size_t)k * (size_t)D);
    const char **labp = lesson_scratch_alloc(ctx->scratch, sizeof(char *) * (size_t)k);
    if (!rows || !labp) return;
    for (int i = 0; i < k; i++) {
        memcpy(rows + (size_t)i * D, E + (size_t)ids[i] * D, sizeof(float) * (size_t)D);
        if (!(labp[i] = lesson_scratch_printf(ctx->scratch, "E[%s]", tok_vocab_word(ctx->vocab, ids[i])))) return;
    }
    char title[200];
    /* the embedding rows of the top words [k x D] */
    ui_heatmap_spec es = ui_heatmap_matrix(rows, k, D, UI_CMAP_DIVERGING, "E");
    es.row_labels = labp;
    snprintf(title, sizeof title, _("E rows of the top %d words : [%d\xC3\x97%d]"), k, k, D);
    es.title = title;
    es.highlight_row = 0;
    ui_heatmap_out eo;
    ui_heatmap(ctx->ui, L->e_map, &es, &eo);
    if (eo.cell_w > 0) ws_h_strip(ctx, L, &eo, h, t);
    if (eo.cell_h > 0) ws_dots(ctx, L, &eo, h, ids, k, t);
    ws_probs(ctx, L, ids, k, t);
}

static void draw_vocabulary(const lesson_ctx *ctx, const out_layout *L, int t)
{
    ui_ctx *ui = ctx->ui;
    const trace *tr = ctx->tr;
    int D = tr->cfg.d_model, V = tr->cfg.vocab_size;
    const float *logits = tr->logits + (size_t)t * V, *probs = tr->probs + (size_t)t * V;
    int pick = tr->out_ids[t];
    ui_num n;
    const char **labs = malloc(sizeof(char *) * (size_t)V);
    float *xs = malloc(sizeof(float) * (size_t)V);
    if (!labs || !xs) { free(labs); free(xs); return; }
    for (int v = 0; v < V; v++) { labs[v] = tok_vocab_word(ctx->vocab, v); xs[v] = (float)v; }
    char title[200];
    ui_heatmap_spec es = ui_heatmap_matrix(ctx->params->embedding, V, D, UI_CMAP_DIVERGING, "E");
    es.row_labels = labs;
    snprintf(title, sizeof title, _("E : [%d\xC3\x97%d] (lesson 2), row \xE2\x80\x9C%s\xE2\x80\x9D outlined"), V, D, tok_vocab_word(ctx->vocab, pick));
    es.title = title;
    es.highlight_row = pick;
    /* <pad>'s row (never a word, never trained like one) would set the range alone and wash out every other row */
    unsigned char *off = lesson_scratch_alloc(ctx->scratch, (size_t)V);
    if (off && V > TOK_PAD) off[TOK_PAD] = 1;
    es.off_scale_rows = off;
    ui_heatmap(ui, L->full_e, &es, NULL);
    ui_plot_spec p = ui_plot_line(xs, V, logits, _("logit = h\xC2\xB7" "E[id]"));
    snprintf(title, sizeof title, _("logits of all %d words (peak: \xE2\x80\x9C%s\xE2\x80\x9D)"), V, tok_vocab_word(ctx->vocab, pick));
    p.title = title;
    p.x_label = _("vocabulary id");
    p.highlight_x = pick;
    int hi = ui_plot(ui, L->plot_logits, &p);
    SDL_Rect mr = {ui->mouse_x - 4, ui->mouse_y - 4, 8, 8};
    if (hi >= 0)
        ui_hover_value(ui, mr, logits[hi], _("\xE2\x80\x9C%s\xE2\x80\x9D id %d at step %d: probability %s, logit"), tok_vocab_word(ctx->vocab, hi), hi, t + 1,
                       ui_fmts(&n, probs[hi], 6));
    ui_plot_spec q = p;
    q.ys[0] = probs;
    q.names[0] = _("probability = softmax(logits)");
    q.title = _("probabilities = softmax(logits)");
    q.fixed_range = 1;
    q.ymin = 0;
    q.ymax = 1;
    hi = ui_plot(ui, L->plot_probs, &q);
    if (hi >= 0)
        ui_hover_value(ui, mr, probs[hi], _("\xE2\x80\x9C%s\xE2\x80\x9D id %d at step %d: logit %s, probability"), tok_vocab_word(ctx->vocab, hi), hi, t + 1,
                       ui_fmts(&n, logits[hi], 6));
    free(labs);
    free(xs);
}

/* Step 4's table: the top words by dot product, with the logit, its softmax, the word vector's length and the angle. */
static void near_table(const lesson_ctx *ctx, const out_layout *L, const int *ids, int k, int t, const float *cos)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *th = ui->theme;
    const trace *tr = ctx->tr;
    int D = tr->cfg.d_model, V = tr->cfg.vocab_size;
    const float *E = ctx->params->embedding, *h = tr->dec_out + (size_t)t * D;
    SDL_Rect r = L->left;
    int lh = ui_line_height(ui, UI_BOLD, UI_SIZE_BODY), rh = ui_line_height(ui, UI_MONO, UI_SIZE_SMALL) + ui_px(ui, 4);
    char b[200];
    snprintf(b, sizeof b, _("by dot product h\xC2\xB7" "E[w] = the logit, top %d of %d"), k, V);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, r.x, r.y, r.w, th->text, UI_LEFT, b);
    const char *head[5] = {_("word"), _("h\xC2\xB7" "E[w]"), _("softmax p"), _("\xE2\x80\x96" "E[w]\xE2\x80\x96"), _("cos \xCE\xB8")};
    int cx[5] = {0, 28, 46, 64, 82}; /* column starts, percent of the width */
    ui_num n[2];
    int y = r.y + lh + ui_px(ui, 4);
    for (int c = 0; c < 5; c++)
        ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, r.x + r.w * cx[c] / 100, y, r.w * 17 / 100, th->text_dim, UI_LEFT, head[c]);
    for (int i = 0; i < k; i++) {
        y += rh;
        const float *e = E + (size_t)ids[i] * D;
        double v[4] = {lesson_output_dot(h, e, D), tr->probs[(size_t)t * V + ids[i]], sqrt(lesson_output_dot(e, e, D)), cos[ids[i]]};
        SDL_Color col = ids[i] == tr->out_ids[t] ? th->accent : th->text;
        ui_text_fit(ui, i == 0 ? UI_BOLD : UI_SANS, UI_SIZE_SMALL, r.x, y, r.w * 26 / 100, col, UI_LEFT, tok_vocab_word(ctx->vocab, ids[i]));
        for (int c = 0; c < 4; c++) {
            ui_fmt(v[c], 3, b, sizeof b);
            ui_text_fit(ui, UI_MONO, UI_SIZE_SMALL, r.x + r.w * cx[c + 1] / 100, y, r.w * 17 / 100, col, UI_LEFT, b);
        }
        SDL_Rect hr = {r.x, y, r.w, rh};
        if (ui_mouse_in(ui, hr))
            ui_hover_value(ui, hr, v[0], _("\xE2\x80\x9C%s\xE2\x80\x9D: h\xC2\xB7" "E[w] = %s (the trace's logit %s) = \xE2\x80\x96h\xE2\x80\x96\xC2\xB7\xE2\x80\x96" "E[w]\xE2\x80\x96\xC2\xB7" "cos \xCE\xB8; dot product"),
                           tok_vocab_word(ctx->vocab, ids[i]), ui_fmts(&n[0], v[0], 6), ui_fmts(&n[1], tr->logits[(size_t)t * V + ids[i]], 6));
    }
}

/* Step 4: which word's vector h is closest to, by dot product (the logits) and by angle; no √d_model at the output. */
static void draw_nearest(const lesson_ctx *ctx, const out_layout *L, int t)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *th = ui->theme;
    const trace *tr = ctx->tr;
    int D = tr->cfg.d_model, V = tr->cfg.vocab_size;
    const float *h = tr->dec_out + (size_t)t * D, *E = ctx->params->embedding;
    float *cos = lesson_floats(ctx, (size_t)V), cv[OUT_TOPK];
    if (!cos) { lesson_no_memory(ctx); return; }
    openq_cosines(h, E, V, D, cos);
    int ids[OUT_TOPK], near[OUT_TOPK];
    int k = lesson_output_topk(tr->probs + (size_t)t * V, V, OUT_TOPK, ids);
    int kn = lesson_output_topk(cos, V, OUT_TOPK, near); /* a top-k of any scores: here the cosines */
    near_table(ctx, L, ids, k, t, cos);
    const char *lab[OUT_TOPK];
    int hl = -1;
    for (int i = 0; i < kn; i++) {
        lab[i] = tok_vocab_word(ctx->vocab, near[i]);
        cv[i] = cos[near[i]];
        if (near[i] == tr->out_ids[t]) hl = i;
    }
    char b[300], hn[24], err[24], sq[24];
    ui_bars_spec bs = ui_bars_fixed(cv, kn, lab, -1, 1, "cos \xCE\xB8");
    bs.title = _("nearest by angle: cos \xCE\xB8 = h\xC2\xB7" "E[w] / (\xE2\x80\x96h\xE2\x80\x96\xE2\x80\x96" "E[w]\xE2\x80\x96)");
    bs.horizontal = 1;
    bs.highlight = hl;
    bs.show_values = 1;
    ui_bars(ui, L->right, &bs);
    double worst = 0;
    for (int v = 0; v < V; v++)
        worst = fmax(worst, fabs(lesson_output_dot(h, E + (size_t)v * D, D) - tr->logits[(size_t)t * V + v]));
    ui_fmt(sqrt(lesson_output_dot(h, h, D)), 3, hn, sizeof hn);
    ui_fmt(worst, 2, err, sizeof err);
    ui_fmt(sqrt((double)D), 3, sq, sizeof sq);
    int lhs = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    snprintf(b, sizeof b, _("logit = \xE2\x80\x96h\xE2\x80\x96\xC2\xB7\xE2\x80\x96" "E[w]\xE2\x80\x96\xC2\xB7" "cos \xCE\xB8 with \xE2\x80\x96h\xE2\x80\x96 = %s: a word wins by pointing the way h points, and by a long vector"), hn);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, L->bars.x, L->bars.y, L->bars.w, th->accent, UI_LEFT, b);
    snprintf(b, sizeof b, _("no \xE2\x88\x9A" "d_model at the output: logits = h\xC2\xB7" "E\xE1\xB5\x80 exactly (max diff over all %d words %s); only the input side scales, E[id]\xC3\x97%s"),
             V, err, sq);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->bars.x, L->bars.y + lhs, L->bars.w, th->text, UI_LEFT, b);
}

static int out_init(void *st, const lesson_ctx *ctx)
{
    out_state *s = st;
    (void)ctx;
    s->dv = decodeview_new(NULL); /* its traces are made on the lesson's first use, not at start-up */
    return s->dv ? 0 : -1;
}

static void out_free(void *st) { decodeview_free(((out_state *)st)->dv); }

static void out_draw(const void *st, const lesson_ctx *ctx)
{
    const out_state *s = st;
    const trace *tr = ctx->tr;
    if (tr->n_tgt < 1 || !ctx->params || !ctx->params->embedding) return;
    ui_ctx *ui = ctx->ui;
    const ui_theme *th = ui->theme;
    int D = tr->cfg.d_model, V = tr->cfg.vocab_size;
    int t = out_step(ctx);
    out_layout L;
    out_layout_compute(ctx, ctx->step, &L);
    char f[400];
    snprintf(f, sizeof f, _("logits = h \xC2\xB7 E\xE1\xB5\x80 : [1\xC3\x97%d]\xC2\xB7[%d\xC3\x97%d] \xE2\x86\x92 [1\xC3\x97%d],   p = softmax(logits),   word = argmax p"),
             D, D, V, V);
    ui_formula(ui, UI_SIZE_BODY, L.formula.x, L.formula.y, th->accent, UI_LEFT, f);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L.formula.x, L.formula.y + ui_line_height(ui, UI_SANS, UI_SIZE_BODY), L.formula.w, th->text_dim, UI_LEFT,
                _("E is the same matrix as the input embeddings (no bias, no separate output layer): paper section 3.4"));
    draw_chips(ctx, &L, t, 0, -1, -1);
    if (ctx->step == 0) draw_weight_sharing(ctx, &L, t);
    else if (ctx->step == 1) draw_vocabulary(ctx, &L, t);
    else if (ctx->step == 3) draw_nearest(ctx, &L, t);
    else if (s) decodeview_draw(s->dv, ctx, L.decode, t);
}

static int out_event(void *st, const SDL_Event *ev, const lesson_ctx *ctx)
{
    out_state *s = st;
    if (ev->type != SDL_MOUSEBUTTONDOWN || ev->button.button != SDL_BUTTON_LEFT) return 0;
    out_layout L;
    out_layout_compute(ctx, ctx->step, &L);
    if (ctx->step == 2 && s && decodeview_event(s->dv, ev, ctx, L.decode)) return 1;
    int i = draw_chips(ctx, &L, out_step(ctx), 1, ev->button.x, ev->button.y);
    if (i >= 0) { ctx->sel->step = i; return 1; }
    return 0;
}

/* Step 4 in the dump: h·E[w] against the logits over every word, ‖h‖, the nearest words by angle; closes the object. */
static int dump_nearest(const lesson_ctx *ctx, int t, char *dst, size_t n)
{
    const trace *tr = ctx->tr;
    int D = tr->cfg.d_model, V = tr->cfg.vocab_size;
    const float *h = tr->dec_out + (size_t)t * D, *E = ctx->params->embedding;
    float *cos = lesson_floats(ctx, (size_t)V);
    if (!cos) return snprintf(dst, n, "}");
    double worst = 0;
    for (int v = 0; v < V; v++) worst = fmax(worst, fabs(lesson_output_dot(h, E + (size_t)v * D, D) - tr->logits[(size_t)t * V + v]));
    openq_cosines(h, E, V, D, cos);
    int near[OUT_TOPK], k = lesson_output_topk(cos, V, OUT_TOPK, near);
    lesson_json j = {dst, n, 0};
    lesson_json_put(&j, ", \"dot_all_max_err\": %.3g, \"h_norm\": %.9g, \"near\": [", worst, sqrt(lesson_output_dot(h, h, D)));
    for (int i = 0; i < k; i++) lesson_json_put(&j, "%s{\"id\": %d, \"cos\": %.9g}", i ? ", " : "", near[i], (double)cos[near[i]]);
    lesson_json_put(&j, "]}");
    return (int)j.len;
}

static int out_dump(const void *st, const lesson_ctx *ctx, char *dst, size_t n)
{
    const out_state *s = st;
    const trace *tr = ctx->tr;
    if (tr->n_tgt < 1 || !ctx->params || !ctx->params->embedding) return 0;
    if (ctx->step == 2 && s) {
        out_layout L;
        out_layout_compute(ctx, 2, &L);
        return decodeview_dump(s->dv, ctx, L.decode, dst, n);
    }
    int D = tr->cfg.d_model, V = tr->cfg.vocab_size, t = out_step(ctx);
    int ids[OUT_TOPK];
    int k = lesson_output_topk(tr->probs + (size_t)t * V, V, OUT_TOPK, ids);
    double max_err = 0;
    for (int i = 0; i < k; i++) {
        double dot = lesson_output_dot(tr->dec_out + (size_t)t * D, ctx->params->embedding + (size_t)ids[i] * D, D);
        double e = fabs(dot - (double)tr->logits[(size_t)t * V + ids[i]]);
        if (e > max_err) max_err = e;
    }
    int w = snprintf(dst, n, "{\"t\": %d, \"out_id\": %d, \"reads_id\": %d, \"top\": [", t, tr->out_ids[t], tr->tgt_ids[t]);
    for (int i = 0; i < k && w >= 0 && (size_t)w < n; i++)
        w += snprintf(dst + w, n - (size_t)w, "%s{\"id\": %d, \"p\": %.9g, \"logit\": %.9g}", i ? ", " : "", ids[i],
                      (double)tr->probs[(size_t)t * V + ids[i]], (double)tr->logits[(size_t)t * V + ids[i]]);
    out_layout L;
    out_layout_compute(ctx, ctx->step, &L);
    SDL_Rect b0 = bar_row(ctx, bars_rect(ctx, &L), k, 0);
    /* bar0: the first bar's row in window pixels (step 1), for tests that hover it */
    if (w >= 0 && (size_t)w < n)
        w += snprintf(dst + w, n - (size_t)w, "], \"dot_max_err\": %.3g, \"bar0\": [%d, %d, %d, %d]", max_err, b0.x, b0.y, b0.w, b0.h);
    if (w >= 0 && (size_t)w < n) w += dump_nearest(ctx, t, dst + w, n - (size_t)w);
    return w;
}

const lesson lesson_output = {
    .slug = "output", .title = N_("Output and weight sharing"), .steps = 4,
    .keys = N_("click a produced word: that decoding step (; ' too); step 3: click T, top-k, seed"),
    .state_size = sizeof(out_state), .init = out_init, .free = out_free,
    .handle_event = out_event, .draw = out_draw, .dump_json = out_dump,
};
