/* lesson_masked.c - lesson 11, "Masked self-attention", in two steps:
 *   1 the causal mask of the decoder's self-attention, for the selected decoder
 *     layer ([ ]), head (, .) and decoding step (; ' or the buttons):
 *       weights = softmax(Q K^T / sqrt(d_k) + M),  M[i][j] = 0 for j <= i, -inf for j > i,
 *     drawn as four [T x T] matrices: M itself ("0" and "-inf" in the cells),
 *     the scaled scores before masking (upper triangle included: the trace
 *     fills it for display), the masked scores (-inf hatched) and the softmax
 *     weights, whose upper triangle is exactly 0. Rows after the step are dimmed.
 *     A "break it" switch (M key or the toggle) shows the same decoder input run
 *     WITHOUT the mask (lessons/common/whatif.c makes that second trace; this lesson never
 *     runs the model): attention flows into later positions and the per-row
 *     predictions change.
 *   2 the padding mask, once, as an illustration: this sentence and a second
 *     one of another length in a batch of two, padded with <pad>, and the
 *     [2 x W] key-padding mask (W: the longer one's length) with -inf on the
 *     <pad> columns (display only: the app always runs one sentence, so nothing
 *     is padded in the live trace).
 *
 * Reads the trace: dec[l].self.scaled, .masked, .weights, tgt_ids, out_ids,
 * n_tgt, src_ids, n_src. The row sums of future weights and the argmax shown
 * are display statistics of a trace, not model math.
 *
 * Must not: change the trace, run the model itself, or draw outside ctx->area.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "lesson_layout.h"
#include "whatif.h"

#define PAD_SENT_SHORT "the cat sleeps"
#define PAD_SENT_LONG "the woman sees the old dog in the garden"

typedef struct {
    int broken;            /* 1: show the what-if run without the causal mask */
    whatif *wi;
    const trace *wtr;      /* the what-if trace (owned by wi), NULL when not computed */
    char err[256];
} masked_state;

typedef struct {
    SDL_Rect formula, controls, prev, next, toggle, mats[4], table;
    SDL_Rect pad_tokens, pad_mask, pad_note;
} masked_layout;

static int mk_layer(const lesson_ctx *ctx) { return lesson_clamp(ctx->sel->layer, 0, ctx->tr->cfg.n_dec_layers - 1); }
static int mk_head(const lesson_ctx *ctx) { return lesson_clamp(ctx->sel->head, 0, ctx->tr->cfg.n_heads - 1); }
static int mk_step(const lesson_ctx *ctx) { return lesson_clamp(ctx->sel->step, 0, ctx->tr->n_tgt - 1); }

/* Step 2's note under the batch and its mask. */
static const char *pad_note_text(void)
{
    return _("Sentences of different lengths are trained together in one batch, so the shorter ones are filled up with <pad>. "
           "<pad> is not a word: no row may look at it. The mask adds \xE2\x88\x92\xE2\x88\x9E to the score of every <pad> column, "
           "so after the softmax those columns get a weight of exactly 0. The encoder, the decoder and the encoder-decoder "
           "attention all use it; in the decoder it is added on top of the causal mask. This app runs one sentence at a time, "
           "so its own traces never contain <pad>: this picture is an illustration.");
}

static void mk_layout(const lesson_ctx *ctx, int step, masked_layout *L)
{
    ui_ctx *ui = ctx->ui;
    SDL_Rect a = ctx->area;
    int pad = ui_px(ui, 8), sh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int y = lesson_formula_line(ctx, &L->formula);
    if (step == 0) {
        int bh = ui_px(ui, 30), bw = ui_px(ui, 110), tw = ui_px(ui, 330);
        L->prev = (SDL_Rect){a.x, y, bw, bh};
        L->next = (SDL_Rect){a.x + bw + pad, y, bw, bh};
        L->toggle = (SDL_Rect){a.x + a.w - tw, y, tw, bh};
        L->controls = (SDL_Rect){a.x + 2 * bw + 3 * pad, y, a.w - 2 * bw - 4 * pad - tw, bh};
        y += bh + pad;
        int table_h = 4 * sh + pad;
        int mh = a.y + a.h - y - table_h - pad;
        int w4 = (a.w - 3 * pad) / 4;
        for (int i = 0; i < 4; i++) L->mats[i] = (SDL_Rect){a.x + i * (w4 + pad), y, w4, mh};
        L->table = (SDL_Rect){a.x, a.y + a.h - table_h, a.w, table_h};
    } else {
        int rest = a.y + a.h - y;
        /* the mask its two rows of at most 40 px, the note the lines it needs, the batch the rest (at
         * least 40%): room for upright words, a long sentence's "although" whole */
        const int mask_h = SDL_min(rest * 24 / 100, ui_line_height(ui, UI_BOLD, UI_SIZE_BODY) + ui_px(ui, 4) + 2 * ui_px(ui, 40));
        const int note_h = ui_text_wrap(ui, UI_SANS, UI_SIZE_BODY, (SDL_Rect){a.x, 0, a.w, 0}, 0, ui->theme->text, pad_note_text());
        const int tok_h = SDL_max(rest * 40 / 100, rest - mask_h - note_h - 2 * pad);
        L->pad_tokens = (SDL_Rect){a.x, y, a.w, tok_h};
        L->pad_mask = (SDL_Rect){a.x, y + tok_h + pad, a.w, mask_h};
        L->pad_note = (SDL_Rect){a.x, y + tok_h + mask_h + 2 * pad, a.w, a.y + a.h - (y + tok_h + mask_h + 2 * pad)};
    }
}

/* lesson.layout (into zeroed memory) */
static void mk_layout_of(const void *st, const lesson_ctx *ctx, void *L) { (void)st; mk_layout(ctx, ctx->step, L); }

static int mk_init(void *st, const lesson_ctx *ctx)
{
    masked_state *s = st;
    (void)ctx;
    s->wi = whatif_new(NULL); /* its trace is made on the first "break it" (not at start-up: see whatif_new) */
    return s->wi ? 0 : -1;
}

static void mk_free(void *st) { whatif_free(((masked_state *)st)->wi); }

/* Asks for the what-if trace when the switch is on (re-runs only for new ids). */
static void mk_refresh(masked_state *s, const lesson_ctx *ctx)
{
    s->wtr = NULL;
    s->err[0] = 0;
    if (!s->broken) return;
    s->wtr = whatif_no_causal_mask(s->wi, ctx->params, ctx->tr, s->err, sizeof s->err);
}

static void mk_changed(void *st, const lesson_ctx *ctx)
{
    if (st) mk_refresh(st, ctx);
}

static const char *dword(const lesson_ctx *ctx, int id) { return tok_vocab_word(ctx->vocab, id); }

/* The dim veil over rows after the decoding step (they do not exist yet at that step). */
static void veil_rows(ui_ctx *ui, const ui_heatmap_out *o, int from_row, int rows)
{
    if (from_row >= rows || o->cell_h <= 0) return;
    SDL_Rect v = {o->cells.x, o->cells.y + from_row * o->cell_h, o->cells.w, (rows - from_row) * o->cell_h};
    ui_fill(ui, v, ui_alpha(ui->theme->bg, 185));
}


/* Writes each cell's value into the cells of a drawn heatmap when they fit:
 * "0" for an exact zero, "−∞" for -INFINITY, else ui_fmt's digits when they fit (else nothing). */
static void label_cells(ui_ctx *ui, const ui_heatmap_out *o, const float *data, int stride, int rows, int cols, ui_cmap cmap,
                        float vmin, float vmax)
{
    if (o->cell_w <= 0) return;
    float size = UI_SIZE_SMALL;
    int w, h;
    ui_text_size(ui, UI_MONO, size, "0.00", &w, &h);
    if (w + 4 > o->cell_w || h > o->cell_h + 2) {
        size = UI_SIZE_SMALL * 0.8f;
        ui_text_size(ui, UI_MONO, size, "0.00", &w, &h);
    }
    int full = w + 4 <= o->cell_w && h <= o->cell_h + 2;
    int wi;
    ui_text_size(ui, UI_MONO, size, "\xE2\x88\x92\xE2\x88\x9E", &wi, NULL);
    if (wi + 2 > o->cell_w || h > o->cell_h + 2) return;
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            float v = data[(size_t)r * stride + c];
            char b[32];
            SDL_Color bg;
            if (isinf(v) && v < 0) { snprintf(b, sizeof b, "\xE2\x88\x92\xE2\x88\x9E"); bg = ui->theme->neg_inf; }
            else if (v == 0.0f) { snprintf(b, sizeof b, "0"); bg = ui_cmap_color(cmap, v, vmin, vmax); }
            else if (full && ui_fmt_fit(ui, UI_MONO, size, v, o->cell_w - 2, b, sizeof b)) bg = ui_cmap_color(cmap, v, vmin, vmax);
            else continue;
            SDL_Color tc = isinf(v) ? ui->theme->text : ui_text_on(bg);
            ui_text(ui, UI_MONO, size, o->cells.x + c * o->cell_w + o->cell_w / 2, o->cells.y + r * o->cell_h + o->cell_h / 2, tc,
                    UI_CENTER | UI_MIDDLE, b);
        }
}

/* Step 1's top: the formula, the step buttons, the layer / head / step line,
 * the "break it" switch, and the reason when the what-if run failed. */
static void causal_header(const masked_state *s, const lesson_ctx *ctx, const masked_layout *L, int l, int h, int step, int T)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const trace *live = ctx->tr;
    int K = live->cfg.d_model / live->cfg.n_heads;
    char b[400];
    snprintf(b, sizeof b, _("weights = softmax(QK\xE1\xB5\x80/\xE2\x88\x9A%d + M),  M[i][j] = 0 if j \xE2\x89\xA4 i, \xE2\x88\x92\xE2\x88\x9E if j > i"
                          "  : [%d\xC3\x97%d]"), K, T, T);
    ui_formula(ui, UI_SIZE_BODY, L->formula.x, L->formula.y, t->accent, UI_LEFT, b);
    ui_button(ui, L->prev, _("\xE2\x97\x80 step ( ; )"), 0);
    ui_button(ui, L->next, _("step \xE2\x96\xB6 ( ' )"), 0);
    snprintf(b, sizeof b, _("decoder layer %d of %d  \xC2\xB7  head %d of %d  \xC2\xB7  step %d"), l + 1,
             live->cfg.n_dec_layers, h + 1, live->cfg.n_heads, step);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->controls.x, L->controls.y + L->controls.h / 2, L->controls.w, t->text, UI_LEFT | UI_MIDDLE, b);
    ui_toggle(ui, L->toggle, _("break it: remove the causal mask (M)"), s->broken);
    if (s->broken && !s->wtr) {
        snprintf(b, sizeof b, _("what-if run failed: %s"), ui_tr_msg(s->err));
        ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->table.x, L->table.y, L->table.w, t->error, UI_LEFT, b);
    }
}

/* What step 1's four maps show: M, the scaled scores, the masked scores and the
 * weights of one head, [T x T] each with its row stride. */
typedef struct {
    const float *data[4];
    int stride[4];
    int T, l, h, step, broken;
    const char *const *labs, *const *cols;   /* "i word" rows, "word" columns */
} causal_maps;

/* One of the four maps: drawn, labelled, veiled after the step, hovered. */
static void causal_map(const lesson_ctx *ctx, const causal_maps *c, int k, SDL_Rect r, const char *title, float rng)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    int T = c->T, broken = c->broken, step = c->step;
    const char *const names[4] = {_("mask"), _("scaled"), _("masked"), _("weights")};
    const ui_scale shared = {-rng, rng, NULL};
    ui_heatmap_spec hs = ui_heatmap_matrix(c->data[k], T, T, k == 3 ? UI_CMAP_VIRIDIS : UI_CMAP_DIVERGING, names[k]);
    hs.stride = c->stride[k];
    hs.row_labels = k == 0 ? c->labs : NULL;
    hs.col_labels = c->cols;
    hs.title = title;
    hs.square = 1;
    if (k == 3) { hs.fixed_range = 1; hs.vmin = 0; hs.vmax = 1; }
    else if (k == 0) { hs.fixed_range = 1; hs.vmin = -1; hs.vmax = 1; }
    else hs.scale = &shared; /* scaled and masked scores: compared, one scale */
    hs.attention = k >= 1;
    hs.highlight_row = step;
    ui_heatmap_out o;
    int hov = ui_heatmap(ui, r, &hs, &o);
    if (k == 0 || k == 3) label_cells(ui, &o, c->data[k], c->stride[k], T, T, hs.cmap, hs.vmin, hs.vmax);
    if (!broken) veil_rows(ui, &o, step + 1, T);
    if (broken && k == 3) /* outline the future cells that now get weight */
        for (int i = 0; i < T; i++)
            for (int j = i + 1; j < T; j++)
                if (c->data[3][(size_t)i * c->stride[3] + j] > 0.0f && o.cell_w >= 14)
                    ui_frame(ui, (SDL_Rect){o.cells.x + j * o.cell_w, o.cells.y + i * o.cell_h, o.cell_w, o.cell_h}, t->warn, 1);
    if (!hov) return;
    int q = o.hover_row, kk = o.hover_col;
    float v = c->data[k][(size_t)q * c->stride[k] + kk];
    const char *const what[4] = {_("causal mask M"), _("scaled score before masking"), _("masked score"), _("attention weight")};
    ui_hover_value(ui, lesson_hover_cell(&o), v, _("%s%s, decoder layer %d head %d [%d][%d] (row %s, column %s)%s"),
                   broken && k ? _("no-mask run: ") : "", what[k], c->l + 1, c->h + 1, q, kk, c->labs[q], c->cols[kk],
                   !broken && kk > q ? (k == 1 ? _(": filled for display, the model never uses it") : _(": future, masked")) :
                   !broken && q > step ? _(": row not computed yet at this step") : "");
}

/* One column of the table: what row i reads and predicts (with and without the
 * mask) and the weight it puts on later columns. */
static void table_column(const masked_state *s, const lesson_ctx *ctx, const causal_maps *c, SDL_Rect tb, int x, int cw, int i)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const trace *live = ctx->tr;
    int sh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL), broken = c->broken;
    float fut = 0;
    for (int j = i + 1; j < c->T; j++) fut += c->data[3][(size_t)i * c->stride[3] + j];
    SDL_Color dim = (!broken && i > c->step) ? t->text_dim : t->text;
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, x, tb.y, cw - 2, dim, UI_LEFT, dword(ctx, live->tgt_ids[i]));
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, x, tb.y + sh, cw - 2, dim, UI_LEFT, dword(ctx, live->out_ids[i]));
    int yf = tb.y + 2 * sh;
    if (broken) {
        int o2 = s->wtr->out_ids[i];
        int diff = o2 != live->out_ids[i];
        ui_text_fit(ui, diff ? UI_BOLD : UI_SANS, UI_SIZE_SMALL, x, tb.y + 2 * sh, cw - 2, diff ? t->warn : t->text_dim, UI_LEFT,
                    dword(ctx, o2));
        SDL_Rect pr = {x, tb.y + 2 * sh, cw, sh};
        if (ui_mouse_in(ui, pr))
            ui_hover_text(ui, pr, _("row %d: with the mask it predicts \xE2\x80\x9C%s\xE2\x80\x9D, without it \xE2\x80\x9C%s\xE2\x80\x9D"), i,
                          dword(ctx, live->out_ids[i]), dword(ctx, o2));
        yf = tb.y + 3 * sh;
    }
    char v[32];
    if (fut == 0.0f) snprintf(v, sizeof v, "0");
    else if (fut < 0.01f) snprintf(v, sizeof v, "<1%%");
    else snprintf(v, sizeof v, "%.0f%%", 100.0 * (double)fut);
    ui_text_fit(ui, UI_MONO, UI_SIZE_SMALL, x, yf, cw - 2, fut > 0 ? t->warn : dim, UI_LEFT, v);
    SDL_Rect fr = {x, yf, cw, sh};
    if (ui_mouse_in(ui, fr))
        ui_hover_value(ui, fr, fut, _("row %d: total weight on later columns (sum over j > %d)%s"), i, i, fut == 0.0f ? _(", exactly 0") : "");
}

/* The table under the maps: one column per decoder row, a window around the step when they do not all fit. */
static void causal_table(const masked_state *s, const lesson_ctx *ctx, const causal_maps *c, SDL_Rect tb)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    int T = c->T, step = c->step, broken = c->broken;
    int sh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int lab_w = ui_px(ui, 170);
    int cw = (tb.w - lab_w) / (T > 0 ? T : 1);
    if (cw > ui_px(ui, 110)) cw = ui_px(ui, 110);
    int first = 0, last = T;
    if (cw < ui_px(ui, 72)) {
        cw = ui_px(ui, 72);
        int ncol = (tb.w - lab_w - ui_px(ui, 16)) / cw;
        if (ncol < 1) ncol = 1;
        first = step - ncol / 2;
        if (first + ncol > T) first = T - ncol;
        if (first < 0) first = 0;
        last = first + ncol < T ? first + ncol : T;
    }
    const char *const rowname[4] = {_("row reads"), _("predicts (mask)"), _("predicts (no mask)"), _("weight on future")};
    int nrow = broken ? 4 : 3;
    for (int r = 0; r < nrow; r++) {
        int rr = (!broken && r == 2) ? 3 : r;
        ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, tb.x, tb.y + r * sh, lab_w, rr == 2 ? t->warn : t->text, UI_LEFT, rowname[rr]);
    }
    if (first > 0) ui_text(ui, UI_BOLD, UI_SIZE_SMALL, tb.x + lab_w - ui_px(ui, 4), tb.y, t->text_dim, UI_RIGHT, "\xE2\x80\xA6");
    if (last < T) ui_text(ui, UI_BOLD, UI_SIZE_SMALL, tb.x + tb.w, tb.y, t->text_dim, UI_RIGHT, "\xE2\x80\xA6");
    for (int i = first; i < last; i++) table_column(s, ctx, c, tb, tb.x + lab_w + (i - first) * cw, cw, i);
}

static void draw_causal(const masked_state *s, const lesson_ctx *ctx, const masked_layout *L)
{
    const trace *live = ctx->tr;
    int broken = s->broken && s->wtr;
    const trace *tr = broken ? s->wtr : live;
    int T = live->n_tgt, Lm = live->cfg.max_len, K = live->cfg.d_model / live->cfg.n_heads;
    int l = mk_layer(ctx), h = mk_head(ctx), step = mk_step(ctx);
    const trace_attn *A = &tr->dec[l].self;
    float *mask = lesson_floats(ctx, (size_t)T * (size_t)T);
    causal_maps c = {{mask, A->scaled + (size_t)h * Lm * Lm, A->masked + (size_t)h * Lm * Lm, A->weights + (size_t)h * Lm * Lm},
                     {T, Lm, Lm, Lm}, T, l, h, step, broken,
                     lesson_token_labels(ctx, live->tgt_ids, T, LESSON_LABEL_NUMBERED),
                     lesson_token_labels(ctx, live->tgt_ids, T, LESSON_LABEL_WORD)};
    if (!mask || !c.labs || !c.cols) {
        lesson_no_memory(ctx);
        return;
    }
    causal_header(s, ctx, L, l, h, step, T);
    /* the mask itself, [T x T] */
    for (int i = 0; i < T; i++)
        for (int j = 0; j < T; j++) mask[i * T + j] = (!broken && j > i) ? -INFINITY : 0.0f;
    char titles[4][96];
    snprintf(titles[0], sizeof titles[0], broken ? _("M: no mask (all 0)") : _("mask M"));
    snprintf(titles[1], sizeof titles[1], _("QK\xE1\xB5\x80/\xE2\x88\x9A%d (before)"), K);
    snprintf(titles[2], sizeof titles[2], _("+ M (masked)"));
    snprintf(titles[3], sizeof titles[3], broken ? _("softmax, no mask") : _("softmax \xE2\x86\x92 weights"));
    /* one colour range for the two score matrices */
    float rng = 0;
    for (int i = 0; i < T; i++)
        for (int j = 0; j < T; j++) rng = fmaxf(rng, fabsf(c.data[1][(size_t)i * Lm + j]));
    for (int k = 0; k < 4; k++) causal_map(ctx, &c, k, L->mats[k], titles[k], rng);
    causal_table(s, ctx, &c, L->table);
}

/* Step 2's batch: this sentence and a fixed other one of another length,
 * padded to W columns: cell[b][j] the token's word (<pad> past n[b]), id[b][j]
 * its id, mask[b][j] 0 or -INFINITY; [2 x W] each, in ctx->scratch. */
typedef struct {
    int n[2], W;
    const char **cell;
    float *id, *mask;
} pad_batch;

static int pad_batch_make(const lesson_ctx *ctx, pad_batch *pb)
{
    const trace *tr = ctx->tr;
    /* sentence b: a fixed other sentence of a different length, tokenized (no model math) */
    const char *other = tr->n_src > 5 ? PAD_SENT_SHORT : PAD_SENT_LONG;
    tok_token toks[64];
    int total = 0;
    int nb = tok_tokenize(ctx->vocab, other, toks, 64, &total);
    if (nb > tr->cfg.max_len - 1) nb = tr->cfg.max_len - 1;
    pb->n[0] = tr->n_src;
    pb->n[1] = nb + 1;
    int W = pb->W = pb->n[0] > pb->n[1] ? pb->n[0] : pb->n[1];
    pb->cell = lesson_scratch_alloc(ctx->scratch, sizeof(char *) * 2 * (size_t)W);
    pb->id = lesson_floats(ctx, 2 * (size_t)W);
    pb->mask = lesson_floats(ctx, 2 * (size_t)W);
    if (!pb->cell || !pb->id || !pb->mask) return -1;
    for (int b = 0; b < 2; b++)
        for (int j = 0; j < W; j++) {
            int id = j >= pb->n[b] ? TOK_PAD : b == 0 ? tr->src_ids[j] : j < nb ? toks[j].id : TOK_EOS;
            pb->cell[b * W + j] = dword(ctx, id);
            pb->id[b * W + j] = (float)id;
            pb->mask[b * W + j] = j < pb->n[b] ? 0.0f : -INFINITY;
        }
    return 0;
}

/* The padded batch as rows of token cells. */
static void pad_tokens(const lesson_ctx *ctx, const pad_batch *pb, SDL_Rect r, int lab_w, int cw)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    int lh = ui_line_height(ui, UI_BOLD, UI_SIZE_BODY), W = pb->W;
    ui_text(ui, UI_BOLD, UI_SIZE_BODY, r.x, r.y, t->text, UI_LEFT, _("the batch, padded to the longer sentence with <pad> (id 0)"));
    /* words wider than their cells stand upright in taller cells */
    int word_w = 0, rot = 0, chh = (r.h - lh - ui_px(ui, 4)) / 2, rot_len = 0;
    int rot_lh = ui_line_height(ui, UI_BOLD, UI_SIZE_SMALL);
    for (int j = 0; j < 2 * W; j++) {
        int w = 0;
        ui_text_size(ui, UI_BOLD, UI_SIZE_SMALL, pb->cell[j], &w, NULL);
        if (w > word_w) word_w = w;
    }
    if (word_w > cw - 6) {
        rot = 1;
        if (chh > word_w + ui_px(ui, 10)) chh = word_w + ui_px(ui, 10);
        rot_len = chh - ui_px(ui, 8);
    } else if (chh > ui_px(ui, 40)) chh = ui_px(ui, 40);
    const char *const rowlab[2] = {_("b = 0: yours"), _("b = 1: another")};
    for (int bb = 0; bb < 2; bb++) {
        int y = r.y + lh + ui_px(ui, 4) + bb * chh;
        ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, r.x, y + chh / 2, lab_w - 6, t->text, UI_LEFT | UI_MIDDLE, rowlab[bb]);
        for (int j = 0; j < W; j++) {
            SDL_Rect c = {r.x + lab_w + j * cw, y, cw - 2, chh - 2};
            int pad = j >= pb->n[bb];
            ui_fill(ui, c, pad ? t->panel : t->chip);
            ui_frame(ui, c, t->border, 1);
            ui_face f = pad ? UI_SANS : UI_BOLD;
            SDL_Color tc = pad ? t->text_dim : t->text;
            if (rot) ui_text_rotated_fit(ui, f, UI_SIZE_SMALL, c.x + c.w / 2 + rot_lh / 2, c.y + ui_px(ui, 3), rot_len, tc, pb->cell[bb * W + j]);
            else ui_text_fit(ui, f, UI_SIZE_SMALL, c.x + c.w / 2, c.y + c.h / 2, c.w - 4, tc, UI_CENTER | UI_MIDDLE, pb->cell[bb * W + j]);
            if (ui_mouse_in(ui, c))
                ui_hover_value(ui, c, pb->id[bb * W + j], _("batch[%d][%d] = \xE2\x80\x9C%s\xE2\x80\x9D (id)"), bb, j, pb->cell[bb * W + j]);
        }
    }
}

/* The key-padding mask in the same columns as the batch, with 0 and −∞ in the cells. */
static void pad_mask(const lesson_ctx *ctx, const pad_batch *pb, SDL_Rect mr, int lab_w, int cw)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    int lh = ui_line_height(ui, UI_BOLD, UI_SIZE_BODY), W = pb->W;
    char title[160];
    snprintf(title, sizeof title, _("key-padding mask [2\xC3\x97%d]: 0 on real tokens, \xE2\x88\x92\xE2\x88\x9E on <pad> columns"), W);
    ui_text(ui, UI_BOLD, UI_SIZE_BODY, mr.x, mr.y, t->text, UI_LEFT, title);
    int mh = (mr.h - lh - ui_px(ui, 4)) / 2;
    if (mh > ui_px(ui, 40)) mh = ui_px(ui, 40);
    for (int bb = 0; bb < 2; bb++) {
        int y = mr.y + lh + ui_px(ui, 4) + bb * mh;
        char rl[32];
        snprintf(rl, sizeof rl, _("mask[%d]"), bb);
        ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, mr.x, y + mh / 2, lab_w - 6, t->text, UI_LEFT | UI_MIDDLE, rl);
        for (int j = 0; j < W; j++) {
            SDL_Rect c = {mr.x + lab_w + j * cw, y, cw - 2, mh - 2};
            float v = pb->mask[bb * W + j];
            if (isinf(v)) {
                ui_hatch(ui, c, t->neg_inf, t->bg);
                int tw, th;
                ui_text_size(ui, UI_MONO, UI_SIZE_SMALL, "\xE2\x88\x92\xE2\x88\x9E", &tw, &th);
                if (tw + 6 < c.w)
                    ui_fill(ui, (SDL_Rect){c.x + c.w / 2 - tw / 2 - 3, c.y + c.h / 2 - th / 2, tw + 6, th}, t->panel);
            } else {
                ui_fill(ui, c, t->panel_alt);
            }
            ui_frame(ui, c, t->border, 1);
            ui_text_fit(ui, UI_MONO, UI_SIZE_SMALL, c.x + c.w / 2, c.y + c.h / 2, c.w - 2, t->text, UI_CENTER | UI_MIDDLE,
                        isinf(v) ? "\xE2\x88\x92\xE2\x88\x9E" : "0");
            if (ui_mouse_in(ui, c))
                ui_hover_value(ui, c, v, _("padding mask[%d][%d] (\xE2\x80\x9C%s\xE2\x80\x9D)%s"), bb, j, pb->cell[bb * W + j],
                               isinf(v) ? _(": <pad>, weight exactly 0 after softmax") : "");
        }
    }
}

/* Step 2: a batch of two sentences of different lengths and its key-padding mask. */
static void draw_padding(const lesson_ctx *ctx, const masked_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    pad_batch pb;
    if (pad_batch_make(ctx, &pb) != 0) {
        lesson_no_memory(ctx);
        return;
    }
    char b[300];
    snprintf(b, sizeof b, _("key-padding mask for a batch of 2 : [2\xC3\x97%d]   scores + mask[b] on every row of sentence b"), pb.W);
    ui_formula(ui, UI_SIZE_BODY, L->formula.x, L->formula.y, t->accent, UI_LEFT, b);
    int lab_w = ui_px(ui, 150);
    int cw = (L->pad_tokens.w - lab_w) / pb.W;
    pad_tokens(ctx, &pb, L->pad_tokens, lab_w, cw);
    pad_mask(ctx, &pb, L->pad_mask, lab_w, cw);
    ui_text_wrap(ui, UI_SANS, UI_SIZE_BODY, L->pad_note, 0, t->text, pad_note_text());
}

static void mk_draw(const void *st, const lesson_ctx *ctx)
{
    const masked_state *s = st;
    const masked_layout *L = ctx->layout;
    if (ctx->step == 0) draw_causal(s, ctx, L);
    else draw_padding(ctx, L);
}

static int mk_event(void *st, const SDL_Event *ev, const lesson_ctx *ctx)
{
    masked_state *s = st;
    const masked_layout *L = ctx->layout;
    if (ctx->step != 0) return 0;
    int toggle = 0;
    if (ev->type == SDL_MOUSEBUTTONDOWN && ev->button.button == SDL_BUTTON_LEFT && ui_point_in(L->toggle, ev->button.x, ev->button.y))
        toggle = 1;
    else if (lesson_step_click(ev, ctx, L->prev, L->next, mk_step(ctx)))
        return 1;
    if (lesson_plain_key(ev, SDLK_m)) toggle = 1;
    if (!toggle) return 0;
    s->broken = !s->broken;
    mk_refresh(s, ctx);
    if (ctx->act)
        snprintf(ctx->act->toast, sizeof ctx->act->toast, "%s",
                 s->broken ? _("Causal mask removed: the same decoder input run again without it (what-if run)") : _("Causal mask back on"));
    return 1;
}

static int mk_dump(const void *st, const lesson_ctx *ctx, char *dst, size_t n)
{
    const masked_state *s = st;
    const masked_layout *L = ctx->layout;
    int k = snprintf(dst, n,
                     "{\"broken\": %d, \"whatif_ok\": %d, \"whatif_runs\": %d, \"layer\": %d, \"head\": %d, \"step\": %d, "
                     "\"mats\": [[%d, %d, %d, %d], [%d, %d, %d, %d], [%d, %d, %d, %d], [%d, %d, %d, %d]], "
                     "\"toggle\": [%d, %d, %d, %d], \"prev\": [%d, %d, %d, %d], \"next\": [%d, %d, %d, %d], "
                     "\"pad_mask\": [%d, %d, %d, %d], \"nomask_out_ids\": [",
                     s->broken, s->wtr != NULL, whatif_runs(s->wi), mk_layer(ctx), mk_head(ctx), mk_step(ctx), L->mats[0].x,
                     L->mats[0].y, L->mats[0].w, L->mats[0].h, L->mats[1].x, L->mats[1].y, L->mats[1].w, L->mats[1].h, L->mats[2].x,
                     L->mats[2].y, L->mats[2].w, L->mats[2].h, L->mats[3].x, L->mats[3].y, L->mats[3].w, L->mats[3].h, L->toggle.x,
                     L->toggle.y, L->toggle.w, L->toggle.h, L->prev.x, L->prev.y, L->prev.w, L->prev.h, L->next.x, L->next.y, L->next.w,
                     L->next.h, L->pad_mask.x, L->pad_mask.y, L->pad_mask.w, L->pad_mask.h);
    for (int i = 0; s->wtr && i < s->wtr->n_tgt && k > 0 && (size_t)k < n; i++)
        k += snprintf(dst + k, n - (size_t)k, "%s%d", i ? ", " : "", s->wtr->out_ids[i]);
    if (k > 0 && (size_t)k < n) k += snprintf(dst + k, n - (size_t)k, "]}");
    return k;
}

const lesson lesson_masked = {
    .slug = "masked-attention", .title = N_("Masked self-attention"), .steps = 2,
    .keys = N_("M or the switch: break it (no causal mask)   ; ' or the buttons: decoding step"),
    .state_size = sizeof(masked_state), .layout_size = sizeof(masked_layout), .init = mk_init, .free = mk_free, .layout = mk_layout_of,
    .on_trace_changed = mk_changed, .handle_event = mk_event, .draw = mk_draw, .dump_json = mk_dump,
};
