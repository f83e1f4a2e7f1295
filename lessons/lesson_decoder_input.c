/* lesson_decoder_input.c - lesson 10, "Decoder input": the target shifted
 * right. The decoder reads <bos> followed by what it has produced so far; at
 * step t it reads rows 0..t and predicts out_ids[t], which becomes its input at
 * step t+1. A decoding cursor (the shared step: ; ' keys, or the buttons) moves
 * through the steps; at each step the lesson shows the decoder input tokens,
 * their scaled embeddings, the positional encodings and the sum (the first
 * decoder layer's input), and the token predicted at that step.
 *
 * Reads the trace: tgt_ids, out_ids, n_tgt, finished, dec_embed, dec_pe, dec_x,
 * probs. Nothing is recomputed.
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
    SDL_Rect formula, prev, next, step_note, chips, mats[3], foot;
} di_layout;

static int di_step(const lesson_ctx *ctx) { return lesson_clamp(ctx->sel->step, 0, ctx->tr->n_tgt - 1); }

static void di_layout_compute(const lesson_ctx *ctx, di_layout *L)
{
    ui_ctx *ui = ctx->ui;
    SDL_Rect a = ctx->area;
    int pad = ui_px(ui, 8), sh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int y = lesson_formula_line(ctx, &L->formula);
    int bh = ui_px(ui, 32), bw = ui_px(ui, 120);
    L->prev = (SDL_Rect){a.x, y, bw, bh};
    L->next = (SDL_Rect){a.x + bw + pad, y, bw, bh};
    L->step_note = (SDL_Rect){a.x + 2 * bw + 3 * pad, y, a.w - 2 * bw - 3 * pad, bh};
    y += bh + pad;
    int chip_h = 2 * (ui_line_height(ui, UI_BOLD, UI_SIZE_BODY) + ui_line_height(ui, UI_MONO, UI_SIZE_BODY * 0.75f) +
                      2 * ui_px(ui, UI_SIZE_BODY * 0.35f)) + ui_px(ui, 44) + sh;
    L->chips = (SDL_Rect){a.x, y, a.w, chip_h};
    y += chip_h + pad;
    int foot_h = 2 * sh + pad;
    int mh = a.y + a.h - foot_h - y;
    int w3 = (a.w - 2 * pad) / 3;
    for (int i = 0; i < 3; i++) L->mats[i] = (SDL_Rect){a.x + i * (w3 + pad), y, w3, mh};
    L->foot = (SDL_Rect){a.x, a.y + a.h - foot_h + pad / 2, a.w, 2 * sh};
}

/* lesson.layout (into zeroed memory) */
static void di_layout_of(const void *st, const lesson_ctx *ctx, void *L) { (void)st; di_layout_compute(ctx, L); }

static const char *word(const lesson_ctx *ctx, int id) { return tok_vocab_word(ctx->vocab, id); }

static ui_chip_kind chip_kind(int id) { return id < 4 ? UI_CHIP_SPECIAL : UI_CHIP_WORD; }

/* The two rows of chips: predictions above, decoder input below, arrows from
 * each prediction to the next input (the shift right). */
static void draw_chips(const lesson_ctx *ctx, SDL_Rect r, int step)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const trace *tr = ctx->tr;
    int T = tr->n_tgt, V = tr->cfg.vocab_size;
    float size = UI_SIZE_BODY;
    int sh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int lab_w = ui_px(ui, 150);
    int gap = ui_px(ui, 10);
    /* column width: the widest chip */
    int colw = 0;
    char sub[32];
    for (int i = 0; i < T; i++) {
        snprintf(sub, sizeof sub, "%d", tr->tgt_ids[i]);
        int w1 = ui_chip_width(ui, size, word(ctx, tr->tgt_ids[i]), sub);
        snprintf(sub, sizeof sub, "%d", tr->out_ids[i]);
        int w2 = ui_chip_width(ui, size, word(ctx, tr->out_ids[i]), sub);
        if (w1 > colw) colw = w1;
        if (w2 > colw) colw = w2;
    }
    colw += gap;
    int avail = r.w - lab_w;
    int ncol = avail / colw;
    if (ncol < 1) ncol = 1;
    int first = 0;
    if (T > ncol) { /* a window that keeps the step in view */
        first = step - ncol / 2;
        if (first + ncol > T) first = T - ncol;
        if (first < 0) first = 0;
    }
    int last = first + ncol < T ? first + ncol : T;
    int chip_h = ui_line_height(ui, UI_BOLD, size) + ui_line_height(ui, UI_MONO, size * 0.75f) + 2 * ui_px(ui, size * 0.35f);
    int y_out = r.y + sh, y_in = y_out + chip_h + ui_px(ui, 44);
    ui_text(ui, UI_BOLD, UI_SIZE_SMALL, r.x, y_out + chip_h / 2, t->text, UI_LEFT | UI_MIDDLE, _("predicted (out)"));
    ui_text(ui, UI_BOLD, UI_SIZE_SMALL, r.x, y_in + chip_h / 2, t->text, UI_LEFT | UI_MIDDLE, _("decoder input"));
    ui_text(ui, UI_SANS, UI_SIZE_SMALL, r.x, y_in + chip_h / 2 + sh, t->text_dim, UI_LEFT | UI_MIDDLE, _("(shifted right)"));
    if (first > 0) ui_text(ui, UI_BOLD, UI_SIZE_BODY, r.x + lab_w - gap, y_in + chip_h / 2, t->text_dim, UI_RIGHT | UI_MIDDLE, "\xE2\x80\xA6");
    if (last < T) ui_text(ui, UI_BOLD, UI_SIZE_BODY, r.x + r.w, y_in + chip_h / 2, t->text_dim, UI_RIGHT | UI_MIDDLE, "\xE2\x80\xA6");
    for (int i = first; i < last; i++) {
        int x = r.x + lab_w + (i - first) * colw;
        int cx = x + (colw - gap) / 2;
        char top[24];
        snprintf(top, sizeof top, _("row %d"), i);
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, cx, r.y, i == step ? t->accent : t->text_dim, UI_CENTER | UI_TOP, top);
        int future = i > step;
        /* input chip */
        snprintf(sub, sizeof sub, "%d", tr->tgt_ids[i]);
        int wi = ui_chip_width(ui, size, word(ctx, tr->tgt_ids[i]), sub);
        SDL_Rect ci = ui_chip(ui, size, cx - wi / 2, y_in, word(ctx, tr->tgt_ids[i]), sub,
                              future ? UI_CHIP_MUTED : chip_kind(tr->tgt_ids[i]), i == step);
        if (ui_mouse_in(ui, ci))
            ui_hover_value(ui, ci, tr->tgt_ids[i], _("decoder input row %d: \"%s\" (id)%s"), i, word(ctx, tr->tgt_ids[i]),
                           future ? _(", not read yet at this step") : "");
        /* prediction chip */
        int oid = tr->out_ids[i];
        snprintf(sub, sizeof sub, "%d", oid);
        int wo = ui_chip_width(ui, size, word(ctx, oid), sub);
        SDL_Rect co = ui_chip(ui, size, cx - wo / 2, y_out, word(ctx, oid), sub, future ? UI_CHIP_MUTED : chip_kind(oid), i == step);
        if (ui_mouse_in(ui, co))
            ui_hover_value(ui, co, tr->probs[(size_t)i * V + oid], _("probability of \"%s\" (id %d), predicted at step %d"), word(ctx, oid),
                           oid, i + 1);
        /* reads -> predicts */
        SDL_Color ac = future ? ui_alpha(t->text_dim, 90) : i == step ? t->accent : t->text_dim;
        ui_arrow(ui, (float)cx, (float)(y_in - 2), (float)cx, (float)(co.y + co.h + 2), (float)ui_px(ui, 2), ac);
        /* fed back: prediction i becomes input i+1 */
        if (i + 1 < T && i + 1 < last) {
            float nx = (float)(cx + colw);
            ui_arrow(ui, (float)(co.x + co.w), (float)(co.y + co.h), nx - (float)ui_px(ui, 8), (float)(y_in + 2),
                     (float)ui_px(ui, 1.5f), i + 1 > step ? ui_alpha(t->series[1], 70) : t->series[1]);
        }
    }
}

static void di_draw(const void *st, const lesson_ctx *ctx)
{
    (void)st;
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const trace *tr = ctx->tr;
    int D = tr->cfg.d_model, V = tr->cfg.vocab_size, T = tr->n_tgt;
    int step = di_step(ctx);
    const di_layout *L = ctx->layout;
    char f[400];
    snprintf(f, sizeof f, _("decoder input at step %d:  [<bos>, y\xE2\x82\x81 \xE2\x80\xA6 y\xE2\x82\x9C] \xE2\x86\x92  X = E[ids]\xC2\xB7\xE2\x88\x9A%d + PE"
                          "  : [%d\xC3\x97%d]"),
             step + 1, D, step + 1, D);
    ui_formula(ui, UI_SIZE_BODY, L->formula.x, L->formula.y, t->accent, UI_LEFT, f);
    ui_button(ui, L->prev, _("\xE2\x97\x80 step  ( ; )"), 0);
    ui_button(ui, L->next, _("step \xE2\x96\xB6  ( ' )"), 0);
    int oid = tr->out_ids[step];
    ui_num pn;
    snprintf(f, sizeof f, _("step %d of %d: reads %d token%s \xE2\x86\x92 predicts \xE2\x80\x9C%s\xE2\x80\x9D (p = %s)%s"), step + 1, T,
             step + 1, step ? "s" : "", word(ctx, oid), ui_fmts(&pn, tr->probs[(size_t)step * V + oid], 3), oid == TOK_EOS ? _(", done") : "");
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, L->step_note.x, L->step_note.y + L->step_note.h / 2, L->step_note.w, t->text,
                UI_LEFT | UI_MIDDLE, f);
    draw_chips(ctx, L->chips, step);
    /* embedding, PE, sum for rows 0..step */
    const char **labs = lesson_token_labels(ctx, tr->tgt_ids, step + 1, LESSON_LABEL_NUMBERED);
    if (!labs) return;
    const float *m[3] = {tr->dec_embed, tr->dec_pe, tr->dec_x};
    const char *nm[3] = {(_("dec embedding \xC3\x97 \xE2\x88\x9A" "d")), _("dec PE"), _("dec X")};
    char titles[3][96];
    snprintf(titles[0], sizeof titles[0], _("E[id] \xC3\x97 \xE2\x88\x9A%d  [%d\xC3\x97%d]"), D, step + 1, D);
    snprintf(titles[1], sizeof titles[1], _("+ PE  [%d\xC3\x97%d]"), step + 1, D);
    snprintf(titles[2], sizeof titles[2], _("= X, decoder layer 1 input"));
    float rng = 0;
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < (step + 1) * D; i++) rng = fmaxf(rng, fabsf(m[k][i]));
    const ui_scale shared = {-rng, rng, NULL}; /* embedding + PE = input: added, so one scale */
    for (int k = 0; k < 3; k++) {
        ui_heatmap_spec h = ui_heatmap_matrix(m[k], step + 1, D, UI_CMAP_DIVERGING, nm[k]);
        h.row_labels = labs;
        h.title = titles[k];
        h.scale = &shared;
        h.highlight_row = step;
        ui_heatmap(ui, L->mats[k], &h, NULL);
    }
    ui_text_wrap(ui, UI_SANS, UI_SIZE_SMALL, L->foot, 0, t->text_dim,
                _("Training (teacher forcing): the decoder reads the reference translation shifted right, all rows at once. "
                "In use, as here: it reads its own previous outputs, one step at a time."));
}

static int di_event(void *st, const SDL_Event *ev, const lesson_ctx *ctx)
{
    (void)st;
    if (ev->type != SDL_MOUSEBUTTONDOWN) return 0;
    const di_layout *L = ctx->layout;
    return lesson_step_click(ev, ctx, L->prev, L->next, di_step(ctx));
}

static int di_dump(const void *st, const lesson_ctx *ctx, char *dst, size_t n)
{
    (void)st;
    const di_layout *L = ctx->layout;
    int step = di_step(ctx);
    int k = snprintf(dst, n, "{\"step\": %d, \"predicted\": %d, \"input\": [", step, ctx->tr->out_ids[step]);
    for (int i = 0; i <= step && k > 0 && (size_t)k < n; i++) k += snprintf(dst + k, n - (size_t)k, "%s%d", i ? ", " : "", ctx->tr->tgt_ids[i]);
    if (k > 0 && (size_t)k < n)
        k += snprintf(dst + k, n - (size_t)k,
                      "], \"prev\": [%d, %d, %d, %d], \"next\": [%d, %d, %d, %d], \"mats\": [[%d, %d, %d, %d], [%d, %d, %d, %d], "
                      "[%d, %d, %d, %d]]}",
                      L->prev.x, L->prev.y, L->prev.w, L->prev.h, L->next.x, L->next.y, L->next.w, L->next.h, L->mats[0].x, L->mats[0].y,
                      L->mats[0].w, L->mats[0].h, L->mats[1].x, L->mats[1].y, L->mats[1].w, L->mats[1].h, L->mats[2].x, L->mats[2].y,
                      L->mats[2].w, L->mats[2].h);
    return k;
}

const lesson lesson_decoder_input = {
    .slug = "decoder-input", .title = N_("Decoder input"),
    .keys = N_("; ' or the buttons: previous / next decoding step"),
    .layout_size = sizeof(di_layout), .layout = di_layout_of, .handle_event = di_event, .draw = di_draw, .dump_json = di_dump,
};
