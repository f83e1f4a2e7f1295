/* lesson_beam.c - lesson 15, "Beam search": beyond greedy decoding, as the
 * paper decodes (section 6.1: beam size 4, length penalty alpha = 0.6, from
 * GNMT): score(Y) = log P(Y|X) / lp(Y), lp(Y) = (5 + |Y|)^α / 6^α.
 * It shows, for the live sentence:
 *   - the formula and the current beam size and alpha (keys - = and L, or the
 *     buttons; beam 1 is greedy);
 *   - the beam at every decoding step as columns of a tree: each kept
 *     hypothesis as a node (its word, its cumulative log-prob), a line to its
 *     parent, the best pruned candidates dimmed, finished ones (<eos>) marked,
 *     the best hypothesis' path in the accent colour. Long sentences show a
 *     window of steps around the shared decoding step (; ' move it);
 *   - greedy (the live trace, what lessons 13 and 14 show) next to the beam's
 *     finished hypotheses: text, log P, |Y|, lp, score.
 * The beam search runs in lessons/common/beamview.c (a lesson may not run the model); its
 * result is cached per (model, source ids, beam, alpha). Because a search on a
 * long sentence takes ~10-15 ms (30x greedy), it runs when the lesson is drawn or dumped, not
 * on every edit of the sentence: draw asks the cache (the only state it
 * changes). The greedy row's log P is display math on the trace: the sum of
 * log-softmax(logits[t])[out_ids[t]].
 *
 * Must not: change the trace, run the model itself, or draw outside ctx->area.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beam.h"
#include "beamview.h"
#include "json.h"
#include "lesson.h"
#include "lesson_layout.h"

#define BM_MAX_BEAM 8        /* the widest beam offered in the lesson */
#define BM_PRUNED 2          /* pruned candidates drawn per step */
#define BM_MAX_COLS 24       /* visible step columns at most */
#define BM_ROWS (2 * BEAM_MAX + BM_PRUNED)
#define BM_TABLE_HYPS 4      /* finished hypotheses listed under the tree */

static const double bm_alphas[3] = { 0.0, 0.6, 1.0 };
static const char *const bm_alpha_names[3] = { "0", "0.6", "1.0" };

typedef struct {
    beamview *bv;
    int beam;     /* 1..BM_MAX_BEAM */
    int alpha_i;  /* index into bm_alphas */
} beam_state;

/* A node of the drawn tree: an entry of a step, or a pruned candidate. */
typedef struct {
    SDL_Rect r;
    int step, entry;     /* entry < 0: pruned candidate */
    int parent;          /* entry index in step - 1, -1 root */
    int token;
    double cum, logp;
    int rank;
} bm_node;

typedef struct {
    SDL_Rect formula, controls, tree, table;
    SDL_Rect beam_btn[BM_MAX_BEAM], alpha_btn[3];
    /* tree geometry (when a result is there) */
    int first, last;             /* visible steps */
    int n_cols;
    SDL_Rect root;               /* the <bos> node or the "earlier steps" marker */
    int col_x[BM_MAX_COLS], col_w, head_h, vstep;
    float size;                  /* node text size (logical) */
    int two_line;
    int n_pruned;                /* pruned candidates drawn per step (fewer when space is short) */
    int n_nodes;
    bm_node nodes[BM_MAX_COLS * BM_ROWS];
} bm_layout;

/* ---------- state ---------- */

static int bm_init(void *st, const lesson_ctx *ctx)
{
    beam_state *s = st;
    (void)ctx;
    s->bv = beamview_new(NULL); /* its trace is made by the first search, not at start-up */
    s->beam = 4;
    s->alpha_i = 1;
    return s->bv ? 0 : -1;
}

static void bm_free(void *st) { beamview_free(((beam_state *)st)->bv); }

/* The cached search for the live sentence (runs it when the key changed). */
static const beam_result *bm_result(const beam_state *cs, const lesson_ctx *ctx, char *err, size_t n)
{
    if (!cs || !ctx->params || ctx->tr->n_src < 1) {
        snprintf(err, n, _("no sentence"));
        return NULL;
    }
    beam_state *s = (beam_state *)cs; /* the cache is the only thing changed here */
    return beamview_get(s->bv, ctx->params, ctx->tr->src_ids, ctx->tr->n_src, s->beam, bm_alphas[s->alpha_i], err, n);
}

/* ---------- text helpers ---------- */

/* Words of ids (no <eos>) as text. */
static void ids_text(const lesson_ctx *ctx, const int *ids, int n, char *dst, size_t len)
{
    tok_detokenize(ctx->vocab, ids, n, dst, len);
}

/* The greedy output of the live trace: tokens with <eos>, and log P. */
static int greedy_of(const lesson_ctx *ctx, int *ids, double *logp)
{
    const trace *tr = ctx->tr;
    const int V = tr->cfg.vocab_size;
    int n = tr->n_out + (tr->finished ? 1 : 0);
    if (n > tr->n_tgt) n = tr->n_tgt;
    double *lp = malloc(sizeof(double) * (size_t)V);
    double sum = 0.0;
    for (int t = 0; t < n; t++) {
        ids[t] = tr->out_ids[t];
        if (lp) {
            beam_log_softmax(tr->logits + (size_t)t * V, V, lp);
            sum += lp[ids[t]];
        }
    }
    free(lp);
    *logp = sum;
    return n;
}

/* ---------- layout ---------- */

static void bm_layout_top(const lesson_ctx *ctx, bm_layout *L)
{
    ui_ctx *ui = ctx->ui;
    SDL_Rect a = ctx->area;
    int lh = ui_line_height(ui, UI_SANS, UI_SIZE_BODY), lhs = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int pad = ui_px(ui, 8);
    L->formula = (SDL_Rect){ a.x, a.y + ui_px(ui, 4), a.w, lh + lhs };
    int y = L->formula.y + L->formula.h + pad / 2;
    int bh = lhs + ui_px(ui, 10);
    L->controls = (SDL_Rect){ a.x, y, a.w, bh };
    int lab_w = 0, x = a.x;
    ui_text_size(ui, UI_BOLD, UI_SIZE_SMALL, _("beam size (- =):"), &lab_w, NULL);
    x += lab_w + pad;
    int bw = ui_px(ui, 34);
    for (int i = 0; i < BM_MAX_BEAM; i++) {
        L->beam_btn[i] = (SDL_Rect){ x, y, bw, bh };
        x += bw + ui_px(ui, 4);
    }
    x += 2 * pad;
    ui_text_size(ui, UI_BOLD, UI_SIZE_SMALL, _("length penalty \xCE\xB1 (L):"), &lab_w, NULL);
    x += lab_w + pad;
    for (int i = 0; i < 3; i++) {
        int w = ui_px(ui, 52);
        L->alpha_btn[i] = (SDL_Rect){ x, y, w, bh };
        x += w + ui_px(ui, 4);
    }
    y += bh + pad;
    int table_h = (BM_TABLE_HYPS + 3) * lhs + 2 * pad;
    L->table = (SDL_Rect){ a.x, a.y + a.h - table_h, a.w, table_h };
    L->tree = (SDL_Rect){ a.x, y, a.w, L->table.y - pad - y };
}

/* Best pruned candidates of step s (kept == 0), best first; returns how many. */
static int pruned_of(const beam_result *r, int s, beam_cand *out, int *parents, int max)
{
    int n = 0;
    const int n_par = s == 0 ? 1 : r->steps[s - 1].n;
    for (int p = 0; p < n_par; p++) {
        const beam_cand *c;
        int nc;
        if (s == 0) {
            c = r->root_cands;
            nc = r->n_root_cands;
        } else {
            const beam_entry *pe = &r->steps[s - 1].e[p];
            if (pe->status != BEAM_LIVE) continue;
            c = pe->cands;
            nc = pe->n_cands;
        }
        for (int k = 0; k < nc; k++) {
            if (c[k].kept) continue;
            int pos = n < max ? n++ : max;
            if (pos == max && !(c[k].cum > out[max - 1].cum)) continue;
            if (pos == max) pos = max - 1;
            while (pos > 0 && c[k].cum > out[pos - 1].cum) {
                out[pos] = out[pos - 1];
                parents[pos] = parents[pos - 1];
                pos--;
            }
            out[pos] = c[k];
            parents[pos] = s == 0 ? -1 : p;
        }
    }
    return n;
}

/* Is entry e of step s on the best hypothesis' path? */
static int on_best(const beam_result *r, int s, int e)
{
    if (r->n_hyps < 1) return 0;
    int bs = r->hyps[0].step, be = r->hyps[0].entry;
    if (s > bs) return 0;
    while (bs > s) {
        be = r->steps[bs].e[be].parent;
        bs--;
    }
    return be == e;
}

static void node_label(const lesson_ctx *ctx, int token, char *dst, size_t n)
{
    snprintf(dst, n, "%s", tok_vocab_word(ctx->vocab, token));
}

/* The widest word of any node over all steps (so columns do not jump when the window moves). */
static int widest_word(const lesson_ctx *ctx, const beam_result *r)
{
    int max_word = 0;
    char b[128];
    for (int s = 0; s < r->n_steps; s++) {
        beam_cand pc[BM_PRUNED];
        int pp[BM_PRUNED];
        const int np = pruned_of(r, s, pc, pp, BM_PRUNED);
        for (int i = 0; i < r->steps[s].n + np; i++) {
            int w = 0;
            node_label(ctx, i < r->steps[s].n ? r->steps[s].e[i].token : pc[i - r->steps[s].n].token, b, sizeof b);
            ui_text_size(ctx->ui, UI_BOLD, UI_SIZE_SMALL, b, &w, NULL);
            if (w > max_word) max_word = w;
        }
    }
    return max_word;
}

/* The nodes of one column c (step s): the step's entries, then its pruned candidates. */
static void place_column(const beam_result *r, bm_layout *L, int c, int s, int y0, int row_h)
{
    const beam_step *st = &r->steps[s];
    int row = 0;
    for (int i = 0; i < st->n && L->n_nodes < BM_MAX_COLS * BM_ROWS; i++, row++) {
        bm_node *nd = &L->nodes[L->n_nodes++];
        nd->r = (SDL_Rect){ L->col_x[c], y0 + row * L->vstep, L->col_w, row_h };
        nd->step = s;
        nd->entry = i;
        nd->parent = st->e[i].parent;
        nd->token = st->e[i].token;
        nd->cum = st->e[i].cum;
        nd->logp = st->e[i].logp;
        nd->rank = st->e[i].rank;
    }
    beam_cand pc[BM_PRUNED];
    int pp[BM_PRUNED];
    int np = L->n_pruned > 0 ? pruned_of(r, s, pc, pp, L->n_pruned) : 0;
    for (int k = 0; k < np && L->n_nodes < BM_MAX_COLS * BM_ROWS; k++, row++) {
        bm_node *nd = &L->nodes[L->n_nodes++];
        nd->r = (SDL_Rect){ L->col_x[c], y0 + row * L->vstep, L->col_w, row_h };
        nd->step = s;
        nd->entry = -1;
        nd->parent = pp[k];
        nd->token = pc[k].token;
        nd->cum = pc[k].cum;
        nd->logp = pc[k].logp;
        nd->rank = pc[k].rank;
    }
}

/* The marker for the steps hidden right of the columns up to step index last: "step 7 ▶",
 * "steps 7–32 ▶", or "" when none is hidden. */
static void hidden_right(const beam_result *r, int last, char *b, size_t n)
{
    b[0] = 0;
    if (last >= r->n_steps - 1) return;
    if (last + 1 == r->n_steps - 1) snprintf(b, n, _("step %d \xE2\x96\xB6"), last + 2);
    else snprintf(b, n, _("steps %d\xE2\x80\x93%d \xE2\x96\xB6"), last + 2, r->n_steps);
}

/* 1 when the marker for hidden later steps (right-aligned on the header line) would touch the
 * header of the last of fit columns from first: the layout then shows a column less. */
static int marker_hits_header(ui_ctx *ui, const beam_result *r, SDL_Rect T, int x0, int col_w, int gap, int first, int fit)
{
    char m[96], h[64];
    int mw = 0, hw = 0;
    hidden_right(r, first + fit - 1, m, sizeof m);
    if (!m[0]) return 0;
    ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, m, &mw, NULL);
    snprintf(h, sizeof h, _("step %d"), first + fit);
    ui_text_size(ui, UI_BOLD, UI_SIZE_SMALL, h, &hw, NULL);
    int head_right = x0 + (fit - 1) * (col_w + gap) + col_w / 2 + hw / 2;
    return head_right + ui_px(ui, 8) > T.x + T.w - mw;
}

/* The tree's geometry for result r around the shared decoding step. */
static void bm_layout_tree(const lesson_ctx *ctx, const beam_result *r, bm_layout *L)
{
    ui_ctx *ui = ctx->ui;
    L->n_nodes = 0;
    L->n_cols = 0;
    if (!r || r->n_steps < 1) return;
    const SDL_Rect T = L->tree;
    L->head_h = ui_line_height(ui, UI_BOLD, UI_SIZE_SMALL) + ui_px(ui, 4);
    int num_w = 0, max_word = widest_word(ctx, r);
    ui_text_size(ui, UI_MONO, UI_SIZE_SMALL, "\xE2\x88\x92" "00.00", &num_w, NULL);
    const int gap = ui_px(ui, 22), pad = ui_px(ui, 6);
    int root_w = 0;
    ui_text_size(ui, UI_BOLD, UI_SIZE_SMALL, _("\xE2\x97\x80 steps 1\xE2\x80\x93" "00"), &root_w, NULL);
    root_w += 2 * pad;
    /* rows: the most entries of any step plus the pruned ones */
    int max_n = 1;
    for (int s = 0; s < r->n_steps; s++)
        if (r->steps[s].n > max_n) max_n = r->steps[s].n;
    int avail = T.h - L->head_h - ui_line_height(ui, UI_SANS, UI_SIZE_SMALL) - ui_px(ui, 4); /* minus the legend */
    int lh_b = ui_line_height(ui, UI_BOLD, UI_SIZE_SMALL), lh_m = ui_line_height(ui, UI_MONO, UI_SIZE_SMALL * 0.85f);
    int vgap = ui_px(ui, 5);
    L->size = UI_SIZE_SMALL;
    /* fewer pruned rows before smaller text: at least 13 logical px */
    int n_pruned = BM_PRUNED, rows = max_n + n_pruned;
    while (n_pruned > 0 && rows * (ui_line_height(ui, UI_BOLD, 13.0f) + pad / 2 + vgap / 2) > avail) rows = max_n + --n_pruned;
    L->n_pruned = n_pruned;
    L->two_line = rows * (lh_b + lh_m + 2 * pad / 2 + vgap) <= avail;
    int col_w;
    if (L->two_line) {
        col_w = (max_word > num_w ? max_word : num_w) + 2 * pad;
    } else {
        /* one line "word −0.43"; shrink the text until the rows fit */
        float size = UI_SIZE_SMALL;
        while (size > 10.0f && rows * (ui_line_height(ui, UI_BOLD, size) + pad / 2 + vgap / 2) > avail) size -= 1.0f;
        L->size = size;
        float k = size / UI_SIZE_SMALL;
        col_w = ui_f2i((max_word + num_w) * k) + 3 * pad;
    }
    int min_col = ui_px(ui, 70);
    if (col_w < min_col) col_w = min_col;
    L->col_w = col_w;
    int fit = lesson_clamp((T.w - root_w - gap) / (col_w + gap), 1, BM_MAX_COLS);
    if (fit > r->n_steps) fit = r->n_steps;
    int sel = lesson_clamp(ctx->sel->step, 0, r->n_steps - 1);
    int first = lesson_clamp(sel - fit / 2, 0, r->n_steps - fit);
    while (fit > 1 && marker_hits_header(ui, r, T, T.x + root_w + gap, col_w, gap, first, fit)) {
        fit--;
        first = lesson_clamp(sel - fit / 2, 0, r->n_steps - fit);
    }
    L->first = first;
    L->last = first + fit - 1;
    L->n_cols = fit;
    int row_h = L->two_line ? lh_b + lh_m + pad : ui_line_height(ui, UI_BOLD, L->size) + pad / 2;
    int vstep = row_h + (L->two_line ? vgap : vgap / 2);
    L->vstep = vstep;
    int y0 = T.y + L->head_h;
    L->root = (SDL_Rect){ T.x, y0, root_w, row_h };
    for (int c = 0; c < fit; c++) {
        L->col_x[c] = T.x + root_w + gap + c * (col_w + gap);
        place_column(r, L, c, first + c, y0, row_h);
    }
}

static const bm_node *find_node(const bm_layout *L, int step, int entry)
{
    for (int i = 0; i < L->n_nodes; i++)
        if (L->nodes[i].step == step && L->nodes[i].entry == entry) return &L->nodes[i];
    return NULL;
}

/* ---------- drawing ---------- */

static void draw_controls(const beam_state *s, const lesson_ctx *ctx, const bm_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *th = ui->theme;
    char b[32];
    ui_text_bg(ui, &th->bg);
    ui_text(ui, UI_BOLD, UI_SIZE_SMALL, L->controls.x, L->controls.y + L->controls.h / 2, th->text, UI_LEFT | UI_MIDDLE,
            _("beam size (- =):"));
    int lab_w = 0;
    ui_text_size(ui, UI_BOLD, UI_SIZE_SMALL, _("length penalty \xCE\xB1 (L):"), &lab_w, NULL);
    ui_text(ui, UI_BOLD, UI_SIZE_SMALL, L->alpha_btn[0].x - ui_px(ui, 8) - lab_w, L->controls.y + L->controls.h / 2,
            th->text, UI_LEFT | UI_MIDDLE, _("length penalty \xCE\xB1 (L):"));
    ui_text_bg(ui, NULL);
    for (int i = 0; i < BM_MAX_BEAM; i++) {
        snprintf(b, sizeof b, "%d", i + 1);
        ui_button(ui, L->beam_btn[i], b, s->beam == i + 1);
    }
    for (int i = 0; i < 3; i++) ui_button(ui, L->alpha_btn[i], bm_alpha_names[i], s->alpha_i == i);
}

static void draw_node(const lesson_ctx *ctx, const bm_layout *L, const beam_result *r, const bm_node *nd)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *th = ui->theme;
    const int pruned = nd->entry < 0;
    const beam_entry *e = pruned ? NULL : &r->steps[nd->step].e[nd->entry];
    const int finished = e && e->status != BEAM_LIVE;
    const int best = e && on_best(r, nd->step, nd->entry);
    SDL_Color fill = pruned ? ui_alpha(th->chip, 90) : finished ? th->chip_special : th->chip;
    ui_fill(ui, nd->r, fill);
    SDL_Color border = best ? th->accent : finished ? th->ok : th->border;
    ui_frame(ui, nd->r, pruned ? ui_alpha(th->border, 120) : border,
             best ? ui_px(ui, 3) : ui_px(ui, finished ? 2 : 1));
    char w[128], v[32];
    node_label(ctx, nd->token, w, sizeof w);
    if (e && e->status == BEAM_CUT) snprintf(w + strlen(w), sizeof w - strlen(w), " \xE2\x9C\x82");
    ui_fmt_col(nd->cum, 2, v, sizeof v); /* the boxes of a step are a column too */
    SDL_Color tc = pruned ? th->text_dim : th->text;
    const int pad = ui_px(ui, 6);
    if (L->two_line) {
        int lh_b = ui_line_height(ui, UI_BOLD, UI_SIZE_SMALL);
        ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, nd->r.x + nd->r.w / 2, nd->r.y + pad / 2, nd->r.w - 4, tc, UI_CENTER, w);
        ui_text_fit(ui, UI_MONO, UI_SIZE_SMALL * 0.85f, nd->r.x + nd->r.w / 2, nd->r.y + pad / 2 + lh_b, nd->r.w - 4,
                    pruned ? th->text_dim : th->text_dim, UI_CENTER, v);
    } else {
        int vw = 0;
        ui_text_size(ui, UI_MONO, L->size, v, &vw, NULL);
        ui_text_fit(ui, UI_BOLD, L->size, nd->r.x + pad, nd->r.y + nd->r.h / 2, nd->r.w - vw - 2 * pad, tc,
                    UI_LEFT | UI_MIDDLE, w);
        ui_text(ui, UI_MONO, L->size, nd->r.x + nd->r.w - pad, nd->r.y + nd->r.h / 2, th->text_dim,
                UI_RIGHT | UI_MIDDLE, v);
    }
    if (ui_mouse_in(ui, nd->r)) {
        const char *word = tok_vocab_word(ctx->vocab, nd->token);
        ui_num n[3];
        if (pruned) {
            ui_hover_value(ui, nd->r, nd->cum,
                           _("step %d, pruned candidate \xE2\x80\x9C%s\xE2\x80\x9D (rank %d of %d; token log p %s): "
                           "cumulative log P"),
                           nd->step + 1, word, nd->rank + 1, r->steps[nd->step].n_candidates, ui_fmts(&n[0], nd->logp, 6));
        } else if (finished) {
            const beam_hyp *h = e->hyp >= 0 ? &r->hyps[e->hyp] : NULL;
            ui_hover_value(ui, nd->r, nd->cum,
                           _("step %d, \xE2\x80\x9C%s\xE2\x80\x9D finished %s (rank %d; token log p %s; |Y| = %d, lp = %s, "
                           "score = %s, hypothesis #%d): cumulative log P"),
                           nd->step + 1, word, e->status == BEAM_EOS ? _("with <eos>") : _("at the length limit"), nd->rank + 1,
                           ui_fmts(&n[0], nd->logp, 6), h ? h->len : nd->step + 1, ui_fmts(&n[1], h ? h->lp : 1.0, 4),
                           ui_fmts(&n[2], h ? h->score : nd->cum, 6),
                           e->hyp + 1);
        } else {
            ui_hover_value(ui, nd->r, nd->cum,
                           _("step %d, beam entry \xE2\x80\x9C%s\xE2\x80\x9D (rank %d of %d candidates; token log p %s): "
                           "cumulative log P"),
                           nd->step + 1, word, nd->rank + 1, r->steps[nd->step].n_candidates, ui_fmts(&n[0], nd->logp, 6));
        }
    }
}

static void draw_tree(const lesson_ctx *ctx, const bm_layout *L, const beam_result *r)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *th = ui->theme;
    char b[160];
    if (L->n_cols < 1) return;
    int sel = ctx->sel->step;
    /* headers */
    ui_text_bg(ui, &th->bg);
    for (int c = 0; c < L->n_cols; c++) {
        int s = L->first + c;
        snprintf(b, sizeof b, _("step %d"), s + 1); /* counted from 1 like every lesson's steps */
        SDL_Rect hr = { L->col_x[c], L->tree.y, L->col_w, L->head_h };
        ui_text(ui, UI_BOLD, UI_SIZE_SMALL, hr.x + hr.w / 2, hr.y, s == sel ? th->accent : th->text_dim, UI_CENTER, b);
        if (ui_mouse_in(ui, hr))
            ui_hover_value(ui, hr, r->steps[s].n_candidates,
                           _("step %d: every live hypothesis \xC3\x97 every word, ranked by cumulative log P; kept %d; "
                           "candidates"),
                           s + 1, r->steps[s].n);
    }
    /* the root or the marker for hidden earlier steps */
    const SDL_Rect R = L->root;
    if (L->first == 0) {
        ui_fill(ui, R, th->chip_special);
        ui_frame(ui, R, th->accent, ui_px(ui, 2));
        ui_text_bg(ui, NULL);
        ui_text(ui, UI_BOLD, UI_SIZE_SMALL, R.x + R.w / 2, R.y + R.h / 2, th->text, UI_CENTER | UI_MIDDLE, _("<bos>"));
        if (ui_mouse_in(ui, R))
            ui_hover_value(ui, R, 0.0, _("the root: the decoder input starts with <bos>; cumulative log P"));
    } else {
        if (L->first == 1) snprintf(b, sizeof b, _("\xE2\x97\x80 step 1"));
        else snprintf(b, sizeof b, _("\xE2\x97\x80 steps 1\xE2\x80\x93%d"), L->first);
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, R.x, R.y + R.h / 2, th->text_dim, UI_LEFT | UI_MIDDLE, b);
    }
    ui_text_bg(ui, NULL);
    hidden_right(r, L->last, b, sizeof b);
    if (b[0]) {
        ui_text_bg(ui, &th->bg);
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, L->tree.x + L->tree.w, L->tree.y, th->text_dim, UI_RIGHT, b);
        ui_text_bg(ui, NULL);
    }
    /* links first, nodes on top */
    for (int i = 0; i < L->n_nodes; i++) {
        const bm_node *nd = &L->nodes[i];
        float x1 = (float)nd->r.x, y1 = (float)(nd->r.y + nd->r.h / 2);
        float x0, y0;
        if (nd->step == L->first) {
            if (L->first == 0) {
                x0 = (float)(R.x + R.w);
                y0 = (float)(R.y + R.h / 2);
            } else {
                x0 = (float)(R.x + R.w);
                y0 = y1;
                if (nd->parent >= 0) {
                    /* the parent's row in the hidden column: same geometry as a visible one */
                    y0 = (float)(L->tree.y + L->head_h + nd->parent * L->vstep + nd->r.h / 2);
                }
            }
        } else {
            const bm_node *pn = find_node(L, nd->step - 1, nd->parent);
            if (!pn) continue;
            x0 = (float)(pn->r.x + pn->r.w);
            y0 = (float)(pn->r.y + pn->r.h / 2);
        }
        const int pruned = nd->entry < 0;
        const int best = !pruned && on_best(r, nd->step, nd->entry);
        SDL_Color c = best ? th->accent : pruned ? ui_alpha(th->text_dim, 90) : ui_alpha(th->text_dim, 200);
        ui_line(ui, x0, y0, x1, y1, best ? (float)ui_px(ui, 3) : pruned ? 1.0f : (float)ui_px(ui, 1.5f), c);
    }
    for (int i = 0; i < L->n_nodes; i++) draw_node(ctx, L, r, &L->nodes[i]);
    /* legend right under the lowest node (not at the bottom of an emptier tree area) */
    int legend_y = R.y + R.h;
    for (int i = 0; i < L->n_nodes; i++)
        if (L->nodes[i].r.y + L->nodes[i].r.h > legend_y) legend_y = L->nodes[i].r.y + L->nodes[i].r.h;
    legend_y += ui_px(ui, 8);
    const int legend_h = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    if (legend_y + legend_h > L->tree.y + L->tree.h) legend_y = L->tree.y + L->tree.h - legend_h;
    ui_text_bg(ui, &th->bg);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->tree.x, legend_y, L->tree.w, th->text_dim, UI_LEFT,
                _("box: word, cumulative log P  \xC2\xB7  pale: pruned  \xC2\xB7  green border: ended with <eos>  \xC2\xB7  "
                "bold: the best path  \xC2\xB7  ; ' move the steps"));
    ui_text_bg(ui, NULL);
}

static void draw_table(const beam_state *s, const lesson_ctx *ctx, const bm_layout *L, const beam_result *r)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *th = ui->theme;
    const SDL_Rect T = L->table;
    int lhs = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int num_w = ui_px(ui, 96), len_w = ui_px(ui, 50);
    int x_score = T.x + T.w - num_w, x_lp = x_score - num_w, x_len = x_lp - len_w, x_logp = x_len - num_w;
    int lab_w = ui_px(ui, 170);
    int x_text = T.x + lab_w;
    ui_frame(ui, (SDL_Rect){ T.x, T.y, T.w, 1 }, th->border, 1);
    ui_text_bg(ui, &th->bg);
    int y = T.y + ui_px(ui, 4);
    ui_text(ui, UI_BOLD, UI_SIZE_SMALL, T.x, y, th->text_dim, UI_LEFT, C_("decoding method", "decoder"));
    ui_text(ui, UI_BOLD, UI_SIZE_SMALL, x_text, y, th->text_dim, UI_LEFT, _("translation"));
    ui_text(ui, UI_BOLD, UI_SIZE_SMALL, x_logp + num_w, y, th->text_dim, UI_RIGHT, _("log P(Y|X)"));
    ui_text(ui, UI_BOLD, UI_SIZE_SMALL, x_len + len_w, y, th->text_dim, UI_RIGHT, "|Y|");
    ui_text(ui, UI_BOLD, UI_SIZE_SMALL, x_lp + num_w, y, th->text_dim, UI_RIGHT, _("lp(Y)"));
    ui_text(ui, UI_BOLD, UI_SIZE_SMALL, x_score + num_w, y, th->text_dim, UI_RIGHT, _("score"));
    y += lhs;
    int g_ids[1024];
    double g_logp = 0;
    int g_n = greedy_of(ctx, g_ids, &g_logp);
    const double alpha = bm_alphas[s->alpha_i];
    int n_rows = 1 + (r ? (r->n_hyps < BM_TABLE_HYPS ? r->n_hyps : BM_TABLE_HYPS) : 0);
    char text[2048], b[64];
    for (int row = 0; row < n_rows; row++) {
        const int *ids;
        int n, eos;
        double logp;
        const char *lab;
        char labb[64];
        if (row == 0) {
            ids = g_ids;
            n = g_n;
            eos = ctx->tr->finished;
            logp = g_logp;
            lab = _("greedy (live trace)");
        } else {
            const beam_hyp *h = &r->hyps[row - 1];
            ids = h->ids;
            n = h->len;
            eos = h->eos;
            logp = h->logp;
            snprintf(labb, sizeof labb, _("beam %d, #%d%s"), s->beam, row, row == 1 ? _(" (best)") : "");
            lab = labb;
        }
        const double lp = beam_length_penalty(n, alpha), score = logp / lp;
        SDL_Color tc = row == 1 ? th->accent : th->text;
        ui_text_fit(ui, row == 1 ? UI_BOLD : UI_SANS, UI_SIZE_SMALL, T.x, y, lab_w - ui_px(ui, 6), tc, UI_LEFT, lab);
        ids_text(ctx, ids, eos ? n - 1 : n, text, sizeof text);
        size_t tl = strlen(text);
        snprintf(text + tl, sizeof text - tl, "%s%s", tl ? " " : "", eos ? _("<eos>") : _("\xE2\x9C\x82 (cut at the length limit)"));
        ui->scrolled = 1; /* a hypothesis cut with "…" shows whole in the tooltip when hovered (below) */
        ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, x_text, y, x_logp - x_text - ui_px(ui, 8), tc, UI_LEFT, text);
        ui->scrolled = 0;
        SDL_Rect tr = { x_text, y, x_logp - x_text, lhs };
        if (ui_mouse_in(ui, tr)) ui_hover_text(ui, tr, "%s: %s", lab, text);
        const double vals[4] = { logp, (double)n, lp, score };
        const int xs[4] = { x_logp, x_len, x_lp, x_score }, ws[4] = { num_w, len_w, num_w, num_w };
        const char *const names[4] = { _("log P(Y|X)"), _("|Y| (tokens, <eos> included)"), _("lp(Y)"), _("score = log P / lp") };
        for (int k = 0; k < 4; k++) {
            if (k == 1) snprintf(b, sizeof b, "%d", n);
            else ui_fmt_col(vals[k], 3, b, sizeof b); /* a table: the points line up */
            ui_text(ui, k == 3 && row == 1 ? UI_BOLD : UI_MONO, UI_SIZE_SMALL, xs[k] + ws[k], y, tc, UI_RIGHT, b);
            SDL_Rect hr = { xs[k], y, ws[k], lhs };
            if (ui_mouse_in(ui, hr)) ui_hover_value(ui, hr, vals[k], "%s, %s", lab, names[k]);
        }
        y += lhs;
    }
    /* the verdict */
    if (r && r->n_hyps > 0) {
        const beam_hyp *h = &r->hyps[0];
        int same = h->len == g_n && memcmp(h->ids, g_ids, sizeof(int) * (size_t)g_n) == 0;
        char v[300];
        if (same)
            snprintf(v, sizeof v, _("\xE2\x9C\x93 the beam agrees with greedy here%s"),
                     s->beam == 1 ? _(" (beam 1 is greedy: it keeps only the best word at each step)") : "");
        else {
            char s1[32], s2[32];
            ui_fmt(h->score, 4, s1, sizeof s1);
            ui_fmt(g_logp / beam_length_penalty(g_n, alpha), 4, s2, sizeof s2);
            snprintf(v, sizeof v, _("the beam differs from greedy: its best scores %s against greedy's %s%s"), s1, s2,
                     h->logp < g_logp ? _(" (lower log P but longer: the length penalty lets it win)") : "");
        }
        ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, T.x, y + ui_px(ui, 4), T.w, same ? th->ok : th->warn, UI_LEFT, v);
    }
    ui_text_bg(ui, NULL);
}

static void bm_draw(const void *st, const lesson_ctx *ctx)
{
    const beam_state *s = st;
    if (!ctx->params) return;
    ui_ctx *ui = ctx->ui;
    const ui_theme *th = ui->theme;
    static bm_layout L; /* large (node table); draw is called from the app's one thread */
    memset(&L, 0, sizeof L);
    bm_layout_top(ctx, &L);
    char err[256] = "";
    const beam_result *r = bm_result(s, ctx, err, sizeof err);
    ui_text_bg(ui, &th->bg);
    ui_formula(ui, UI_SIZE_BODY, L.formula.x, L.formula.y, th->accent, UI_LEFT,
               _("score(Y) = log P(Y|X) / lp(Y),    lp(Y) = (5 + |Y|)\xE1\xB5\x85 / (5 + 1)\xE1\xB5\x85"));
    char b[400];
    if (r)
        snprintf(b, sizeof b,
                 _("the paper (section 6.1): beam size 4, \xCE\xB1 = 0.6.  Here: beam %d, \xCE\xB1 = %s: %d step%s, %d forward "
                 "pass%s, %d finished hypothes%s"),
                 s->beam, bm_alpha_names[s->alpha_i], r->n_steps, r->n_steps == 1 ? "" : "s", r->n_runs, r->n_runs == 1 ? "" : "es", r->n_hyps,
                 r->n_hyps == 1 ? "is" : "es");
    else
        snprintf(b, sizeof b, _("beam search failed: %s"), ui_tr_msg(err));
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L.formula.x, L.formula.y + ui_line_height(ui, UI_SANS, UI_SIZE_BODY),
                L.formula.w, r ? th->text_dim : th->error, UI_LEFT, b);
    ui_text_bg(ui, NULL);
    draw_controls(s, ctx, &L);
    if (!r) return;
    bm_layout_tree(ctx, r, &L);
    draw_tree(ctx, &L, r);
    draw_table(s, ctx, &L, r);
}

/* ---------- events and dump ---------- */

static int bm_event(void *st, const SDL_Event *ev, const lesson_ctx *ctx)
{
    beam_state *s = st;
    int changed = 0;
    if (ev->type == SDL_KEYDOWN && !(ev->key.keysym.mod & (KMOD_CTRL | KMOD_GUI | KMOD_ALT))) {
        switch (ev->key.keysym.sym) {
        case SDLK_MINUS:
            if (s->beam > 1) s->beam--;
            changed = 1;
            break;
        case SDLK_EQUALS:
        case SDLK_PLUS:
            if (s->beam < BM_MAX_BEAM) s->beam++;
            changed = 1;
            break;
        case SDLK_l:
            s->alpha_i = (s->alpha_i + 1) % 3;
            changed = 1;
            break;
        default: break;
        }
    } else if (ev->type == SDL_MOUSEBUTTONDOWN && ev->button.button == SDL_BUTTON_LEFT) {
        static bm_layout L;
        memset(&L, 0, sizeof L);
        bm_layout_top(ctx, &L);
        for (int i = 0; i < BM_MAX_BEAM; i++)
            if (ui_point_in(L.beam_btn[i], ev->button.x, ev->button.y)) {
                s->beam = i + 1;
                changed = 1;
            }
        for (int i = 0; i < 3; i++)
            if (ui_point_in(L.alpha_btn[i], ev->button.x, ev->button.y)) {
                s->alpha_i = i;
                changed = 1;
            }
    }
    if (!changed) return 0;
    if (ctx->act) {
        ctx->act->redraw = 1;
        snprintf(ctx->act->toast, sizeof ctx->act->toast, _("beam size %d, length penalty \xCE\xB1 = %s%s"), s->beam,
                 bm_alpha_names[s->alpha_i], s->beam == 1 ? _(" (beam 1 = greedy)") : "");
    }
    return 1;
}

static int bm_dump(const void *st, const lesson_ctx *ctx, char *dst, size_t n)
{
    const beam_state *s = st;
    if (!ctx->params) return 0;
    char err[256] = "";
    const beam_result *r = bm_result(s, ctx, err, sizeof err);
    int w = snprintf(dst, n, "{\"beam\": %d, \"alpha\": %.9g, \"runs\": %d", s->beam, bm_alphas[s->alpha_i],
                     beamview_runs(s->bv));
    if (!r || r->n_hyps < 1) {
        char e[512];
        json_escape(e, sizeof e, err);
        if (w >= 0 && (size_t)w < n) w += snprintf(dst + w, n - (size_t)w, ", \"error\": \"%s\"}", e);
        return w;
    }
    const beam_hyp *h = &r->hyps[0];
    char text[2048], esc[4096];
    ids_text(ctx, h->ids, h->eos ? h->len - 1 : h->len, text, sizeof text);
    json_escape(esc, sizeof esc, text);
    int g_ids[1024];
    double g_logp = 0;
    int g_n = greedy_of(ctx, g_ids, &g_logp);
    int same = h->len == g_n && memcmp(h->ids, g_ids, sizeof(int) * (size_t)g_n) == 0;
    if (w >= 0 && (size_t)w < n)
        w += snprintf(dst + w, n - (size_t)w,
                      ", \"n_steps\": %d, \"n_hyps\": %d, \"forward_passes\": %d, \"best\": \"%s\", \"best_score\": %.9g, "
                      "\"best_logp\": %.9g, \"best_len\": %d, \"best_lp\": %.9g, \"best_eos\": %d, \"greedy_logp\": %.9g, "
                      "\"greedy_len\": %d, \"greedy_score\": %.9g, \"agrees\": %d, \"best_ids\": [",
                      r->n_steps, r->n_hyps, r->n_runs, esc, h->score, h->logp, h->len, h->lp, h->eos, g_logp, g_n,
                      g_logp / beam_length_penalty(g_n, bm_alphas[s->alpha_i]), same);
    for (int i = 0; i < h->len && w >= 0 && (size_t)w < n; i++)
        w += snprintf(dst + w, n - (size_t)w, "%s%d", i ? ", " : "", h->ids[i]);
    static bm_layout L;
    memset(&L, 0, sizeof L);
    bm_layout_top(ctx, &L);
    bm_layout_tree(ctx, r, &L);
    if (w >= 0 && (size_t)w < n)
        w += snprintf(dst + w, n - (size_t)w, "], \"window\": [%d, %d], \"two_line\": %d, \"nodes\": [", L.first, L.last,
                      L.two_line);
    /* nodes while they fit (the app's dump buffer is 4 KB; the JSON must stay whole) */
    for (int i = 0; i < L.n_nodes && w >= 0 && (size_t)w + 400 < n; i++) {
        const bm_node *nd = &L.nodes[i];
        w += snprintf(dst + w, n - (size_t)w,
                      "%s{\"step\": %d, \"entry\": %d, \"token\": %d, \"cum\": %.9g, \"rect\": [%d, %d, %d, %d]}",
                      i ? ", " : "", nd->step, nd->entry, nd->token, nd->cum, nd->r.x, nd->r.y, nd->r.w, nd->r.h);
    }
    if (w >= 0 && (size_t)w < n)
        w += snprintf(dst + w, n - (size_t)w, "], \"beam_btn1\": [%d, %d, %d, %d]}", L.beam_btn[0].x, L.beam_btn[0].y,
                      L.beam_btn[0].w, L.beam_btn[0].h);
    return w;
}

const lesson lesson_beam = {
    .slug = "beam", .title = N_("Beam search"),
    .keys = N_("- = or the buttons: beam size 1..8 (1 = greedy)   L or the buttons: length penalty \xCE\xB1 0 / 0.6 / 1.0   "
            "; ' move the steps shown"),
    .state_size = sizeof(beam_state), .init = bm_init, .free = bm_free,
    .handle_event = bm_event, .draw = bm_draw, .dump_json = bm_dump,
};
