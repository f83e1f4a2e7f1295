/* lesson_experiments.c - lesson 17, "Experiments": break one part of the real
 * model and watch what it costs, in three steps:
 *   1 "Break it": a table of experiments next to the intact model, for one
 *     layer (its own buttons): no positional encoding; a sub-layer's output
 *     zeroed (encoder self-attention, feed-forward, decoder masked
 *     self-attention, cross-attention); no residual or no LayerNorm around a
 *     sub-layer. Each row: your sentence translated that way, and exact match
 *     and loss on 200 held-out test sentences. Links to lesson 5's "no √d_k"
 *     and lesson 11's "no mask" switches.
 *   2 "No positional encoding": "the dog sees the cat" and "the cat sees the
 *     dog" through the encoder without PE: its outputs are the same set of
 *     vectors (rows joined to their twins, with the largest difference), so
 *     the translations are the same; with PE they are not.
 *   3 "Which heads matter": every head of every attention sub-layer removed in
 *     turn: exact match and loss increase on the same 200 sentences as two
 *     maps; a click picks a head and shows your sentence translated without it.
 *
 * The held-out scores come from engine/experiment.c (one background thread,
 * cached per experiment: a frame never waits for them); the translations of
 * your sentence from lessons/common/whatif.c. The lesson never runs the model
 * itself; row matching and differences are display statistics.
 *
 * Must not: change the trace, run the model itself, or draw outside ctx->area.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "experiment.h"
#include "lesson.h"
#include "lesson_layout.h"
#include "whatif.h"

#define EXP_HELD_OUT 200                  /* test sentences scored per experiment */
#define EXP_SENT_A "the dog sees the cat"
#define EXP_SENT_B "the cat sees the dog"
#define EXP_TEXT 192                      /* bytes of a translation kept */

/* The rows of step 1: what each breaks. */
enum { DO_NOTHING = 0, DO_NO_PE, DO_ZERO, DO_NO_RESIDUAL, DO_NO_NORM };
typedef struct {
    const char *name;   /* "%d" = the layer (1-based) */
    int what, arg;      /* DO_*; TRACE_PE_* bits for DO_NO_PE, else TRACE_SUB_* */
} exp_row;

static const exp_row rows[] = {
    {N_("intact model"), DO_NOTHING, 0},
    {N_("no positional encoding"), DO_NO_PE, TRACE_PE_ENC | TRACE_PE_DEC},
    {N_("no positional encoding in the encoder"), DO_NO_PE, TRACE_PE_ENC},
    {N_("encoder layer %d: self-attention zeroed"), DO_ZERO, TRACE_SUB_ENC_SELF},
    {N_("encoder layer %d: feed-forward zeroed"), DO_ZERO, TRACE_SUB_ENC_FFN},
    {N_("decoder layer %d: masked self-attention zeroed"), DO_ZERO, TRACE_SUB_DEC_SELF},
    {N_("decoder layer %d: cross-attention zeroed"), DO_ZERO, TRACE_SUB_DEC_CROSS},
    {N_("decoder layer %d: feed-forward zeroed"), DO_ZERO, TRACE_SUB_DEC_FFN},
    {N_("encoder layer %d: no residual around self-attention"), DO_NO_RESIDUAL, TRACE_SUB_ENC_SELF},
    {N_("encoder layer %d: no LayerNorm after self-attention"), DO_NO_NORM, TRACE_SUB_ENC_SELF},
    {N_("decoder layer %d: no residual around cross-attention"), DO_NO_RESIDUAL, TRACE_SUB_DEC_CROSS},
    {N_("decoder layer %d: no LayerNorm after cross-attention"), DO_NO_NORM, TRACE_SUB_DEC_CROSS},
};
#define N_ROWS ((int)(sizeof rows / sizeof rows[0]))

/* The attention sub-layers of step 3, one map row per (kind, layer). */
static const int head_subs[3] = {TRACE_SUB_ENC_SELF, TRACE_SUB_DEC_SELF, TRACE_SUB_DEC_CROSS};
static const char *const head_sub_names[3] = {N_("enc self"), N_("dec self"), N_("cross")};

/* What the lesson computes from the trace and the model, kept behind a pointer: draw, busy and dump
 * (which see the state read-only) fill it when it is stale, so a trace change costs nothing until
 * lesson 17 is drawn or exported (typing with another lesson shown never translates 16 times). */
typedef struct {
    experiment_eval *ev;            /* scores on set, for ev_params */
    const model_params *ev_params;  /* the model ev copied (pointer and a fingerprint of its weights) */
    double ev_print;
    char ev_err[200];
    corpus_set set;                 /* the held-out test sentences (made on first use, see ensure_fresh) */
    int set_made, set_failed;       /* corpus_generate was called; it failed (ev_err says why) */
    whatif *wi;                     /* your sentence under one experiment at a time */
    whatif *pe[4];                  /* A, B without PE; A, B intact */
    int stale;                      /* 1: text, pick_text and pe[] are not for the current trace, layer, pick */
    int refreshes;                  /* how often they were computed (dump "refreshes": a test counts them) */
    char text[N_ROWS][EXP_TEXT];    /* your sentence under each row at `layer` */
    char pick_text[EXP_TEXT];
    char err[256];
} exp_cache;

typedef struct {
    exp_cache *c;                   /* computed on demand (see exp_cache) */
    int layer;                      /* step 1's layer, 0-based */
    int pick_sub, pick_layer, pick_head; /* step 3's head (pick_sub 0: the most important one) */
} exp_state;

typedef struct {
    SDL_Rect formula, status, lay_prev, lay_next, lay_label, link_scale, link_mask, table;
    SDL_Rect pe_top, pe_bottom, pe_note;
    SDL_Rect map_exact, map_loss, pick;
} exp_layout;

static int n_layers_of(const model_config *c, int sub)
{
    return sub == TRACE_SUB_ENC_SELF || sub == TRACE_SUB_ENC_FFN ? c->n_enc_layers : c->n_dec_layers;
}

/* The options of step 1's row r at layer l (clamped to the row's stack). */
static trace_opts row_opts(const model_config *c, int r, int l)
{
    trace_opts o;
    memset(&o, 0, sizeof o);
    const exp_row *w = &rows[r];
    const int nl = w->what == DO_NOTHING || w->what == DO_NO_PE ? 1 : n_layers_of(c, w->arg);
    const trace_part part = {w->arg, lesson_clamp(l, 0, nl - 1), -1};
    if (w->what == DO_NO_PE) o.no_pe = w->arg;
    else if (w->what == DO_ZERO) o.zero = part;
    else if (w->what == DO_NO_RESIDUAL) o.no_residual = part;
    else if (w->what == DO_NO_NORM) o.no_norm = part;
    return o;
}

static trace_opts head_opts(int sub, int l, int h)
{
    trace_opts o;
    memset(&o, 0, sizeof o);
    o.zero = (trace_part){sub, l, h};
    return o;
}

/* A cheap fingerprint of a model's weights: a change of model (training's "use these weights") re-scores. */
static double weights_print(const model_params *p)
{
    double s = 0.0;
    const size_t step = p->n_floats / 97 + 1;
    for (size_t i = 0; i < p->n_floats; i += step) s += (double)p->memory[i] * (double)(i % 13 + 1);
    return s;
}

/* Queues what the lesson shows (idempotent, a look-up under the evaluator's lock when known): the intact
 * model, step 1's rows at the layer shown, every head. Called from draw and busy, so that scoring starts
 * when the lesson is first shown, not in every run of the app; the evaluator is a cache, not lesson state. */
static void queue_shown(const exp_state *s, const model_config *c)
{
    if (!s->c->ev) return;
    for (int r = 0; r < N_ROWS; r++) {
        trace_opts o = row_opts(c, r, s->layer);
        experiment_eval_want(s->c->ev, &o, 0);
    }
    for (int k = 0; k < 3; k++)
        for (int l = 0; l < n_layers_of(c, head_subs[k]); l++)
            for (int h = 0; h < c->n_heads; h++) {
                trace_opts o = head_opts(head_subs[k], l, h);
                experiment_eval_want(s->c->ev, &o, 0);
            }
}

/* (Re)makes the evaluator when the model changed. */
static void ensure_eval(const exp_state *s, const lesson_ctx *ctx)
{
    const model_params *p = ctx->params;
    if (!p || !p->memory) return;
    const double fp = weights_print(p);
    if (s->c->ev && s->c->ev_params == p && s->c->ev_print == fp) return;
    experiment_eval_free(s->c->ev);
    s->c->ev = experiment_eval_new(p, ctx->vocab, &s->c->set, s->c->ev_err, sizeof s->c->ev_err);
    s->c->ev_params = p;
    s->c->ev_print = fp;
    if (s->c->ev) s->c->ev_err[0] = 0;
}

/* Your sentence translated under step 1's rows at s->layer, and under step 3's picked head. */
static void refresh_texts(const exp_state *s, const lesson_ctx *ctx)
{
    s->c->refreshes++;
    const char *sent = ctx->tr->sentence ? ctx->tr->sentence : "";
    s->c->err[0] = 0;
    for (int r = 0; r < N_ROWS; r++) {
        trace_opts o = row_opts(&ctx->params->cfg, r, s->layer);
        const trace *t = whatif_translate(s->c->wi, ctx->params, ctx->vocab, sent, &o, s->c->err, sizeof s->c->err);
        s->c->text[r][0] = 0;
        if (t) trace_output_text(t, ctx->vocab, s->c->text[r], sizeof s->c->text[r]);
    }
    s->c->pick_text[0] = 0;
    if (s->pick_sub) {
        trace_opts o = head_opts(s->pick_sub, s->pick_layer, s->pick_head);
        const trace *t = whatif_translate(s->c->wi, ctx->params, ctx->vocab, sent, &o, s->c->err, sizeof s->c->err);
        if (t) trace_output_text(t, ctx->vocab, s->c->pick_text, sizeof s->c->pick_text);
    }
    const trace_opts none = {.no_pe = TRACE_PE_ENC};
    for (int k = 0; k < 4; k++)
        whatif_translate(s->c->pe[k], ctx->params, ctx->vocab, k % 2 ? EXP_SENT_B : EXP_SENT_A, k < 2 ? &none : NULL,
                         s->c->err, sizeof s->c->err);
}

/* Brings the cache up to date with the trace, the model and the lesson's choices (draw, busy, dump). The
 * held-out set is made here, on the lesson's first use, not at start-up (the web page's first frame does not
 * wait for it; the what-if handles make their traces on their first run too). */
static void ensure_fresh(const exp_state *s, const lesson_ctx *ctx)
{
    if (!s || !s->c || !ctx->params) return;
    if (!s->c->set_made) {
        s->c->set_made = 1;
        s->c->set_failed = corpus_generate(&s->c->set, CORPUS_TEST, EXP_HELD_OUT, 1, s->c->ev_err, sizeof s->c->ev_err) != 0;
    }
    if (!s->c->set_failed) ensure_eval(s, ctx);
    if (!s->c->stale) return;
    refresh_texts(s, ctx);
    s->c->stale = 0;
}

static int ex_init(void *st, const lesson_ctx *ctx)
{
    exp_state *s = st;
    (void)ctx;
    if (!(s->c = calloc(1, sizeof *s->c))) return -1;
    s->c->stale = 1;
    s->c->wi = whatif_new(NULL);
    for (int k = 0; k < 4; k++)
        if (!(s->c->pe[k] = whatif_new(NULL))) return -1;
    return s->c->wi ? 0 : -1;
}

static void ex_free(void *st)
{
    exp_state *s = st;
    if (s->c) {
        experiment_eval_free(s->c->ev);
        whatif_free(s->c->wi);
        for (int k = 0; k < 4; k++) whatif_free(s->c->pe[k]);
    }
    if (s->c) corpus_set_free(&s->c->set);
    free(s->c);
}

/* A new trace (an edit, another model): only marks the translations stale; they are made when the lesson
 * is drawn, exported or dumped. */
static void ex_changed(void *st, const lesson_ctx *ctx)
{
    exp_state *s = st;
    (void)ctx;
    if (s && s->c) s->c->stale = 1;
}

/* ---------- layout ---------- */

/* Step 2's note under the two pairs of maps. */
static const char *const pe_note =
    N_("Each row of the left map is joined to the closest row of the right map, with their largest difference. "
       "Without positional encoding every word comes out the same wherever it stands: the two sentences give the "
       "same set of vectors in another order (differences near 0), and the decoder, which reads them through "
       "attention, cannot tell who sees whom. With it, the same word differs by position.");

static void ex_layout(const lesson_ctx *ctx, int step, exp_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const SDL_Rect a = ctx->area;
    memset(L, 0, sizeof *L);
    const int pad = ui_px(ui, 8), bh = ui_px(ui, 30), sh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int y = lesson_formula_line(ctx, &L->formula);
    L->status = (SDL_Rect){a.x, y, a.w, sh};
    y += sh + pad;
    const int bottom = a.y + a.h;
    if (step == 0) {
        const int bw = ui_px(ui, 36), lw = ui_px(ui, 110), kw = ui_px(ui, 270);
        L->lay_prev = (SDL_Rect){a.x, y, bw, bh};
        L->lay_label = (SDL_Rect){a.x + bw + pad, y, lw, bh};
        L->lay_next = (SDL_Rect){a.x + bw + lw + 2 * pad, y, bw, bh};
        L->link_mask = (SDL_Rect){a.x + a.w - kw, y, kw, bh};
        L->link_scale = (SDL_Rect){a.x + a.w - 2 * kw - pad, y, kw, bh};
        y += bh + pad;
        L->table = (SDL_Rect){a.x, y, a.w, bottom - y};
    } else if (step == 1) {
        const int note_h = ui_text_wrap(ui, UI_SANS, UI_SIZE_SMALL, (SDL_Rect){a.x, 0, a.w, 0}, 0, ui->theme->text, _(pe_note)),
                  rest = bottom - y - note_h - pad;
        L->pe_top = (SDL_Rect){a.x, y, a.w, rest / 2 - pad / 2};
        L->pe_bottom = (SDL_Rect){a.x, y + rest / 2 + pad / 2, a.w, rest / 2 - pad / 2};
        L->pe_note = (SDL_Rect){a.x, bottom - note_h, a.w, note_h};
    } else {
        const int pick_h = 3 * sh + pad, mh = bottom - y - pick_h - pad;
        L->map_exact = (SDL_Rect){a.x, y, (a.w - 2 * pad) / 2, mh};
        L->map_loss = (SDL_Rect){a.x + (a.w + 2 * pad) / 2, y, (a.w - 2 * pad) / 2, mh};
        L->pick = (SDL_Rect){a.x, bottom - pick_h, a.w, pick_h};
    }
}

/* "computing: 12 of 46 experiments scored" or what went wrong, on the status line. */
static void draw_status(const exp_state *s, const lesson_ctx *ctx, SDL_Rect r)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    char b[320];
    const int pending = experiment_eval_pending(s->c->ev);
    if (!s->c->ev)
        snprintf(b, sizeof b, _("The held-out scores are not available: %s"), s->c->ev_err[0] ? ui_tr_msg(s->c->ev_err) : _("no model"));
    else if (pending)
        snprintf(b, sizeof b, _("Scoring in the background: %d experiments still to run on %d held-out test sentences "
                 "(the numbers fill in)"), pending, s->c->set.n);
    else
        snprintf(b, sizeof b, _("Every experiment scored on the same %d held-out test sentences (never seen in training)"),
                 s->c->set.n);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, r.x, r.y, r.w, !s->c->ev ? t->warn : t->text_dim, UI_LEFT, b);
}

/* The score of one experiment as "187/200" (or "… 45/200" while it runs) and its loss, "" when unknown. */
static experiment_score score_of(const exp_state *s, const trace_opts *o, char *ex, size_t ne, char *loss, size_t nl)
{
    experiment_score sc = experiment_eval_get(s->c->ev, o);
    ex[0] = loss[0] = 0;
    if (sc.state == EXPERIMENT_FAILED) snprintf(ex, ne, _("failed: %s"), ui_tr_msg(sc.error));
    else if (sc.state == EXPERIMENT_DONE) snprintf(ex, ne, "%d/%d", sc.n_exact, sc.n);
    else if (sc.state == EXPERIMENT_RUNNING) snprintf(ex, ne, "\xE2\x80\xA6 %d/%d", sc.n_exact, sc.n_done);
    else if (sc.state == EXPERIMENT_QUEUED) snprintf(ex, ne, _("queued"));
    if (sc.state == EXPERIMENT_DONE || (sc.state == EXPERIMENT_RUNNING && sc.n_done > 0)) ui_fmt(sc.loss, 3, loss, nl);
    return sc;
}

/* ---------- step 1: the table ---------- */

static void draw_controls(const exp_state *s, const lesson_ctx *ctx, const exp_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const model_config *c = &ctx->params->cfg;
    const int nl = c->n_enc_layers > c->n_dec_layers ? c->n_enc_layers : c->n_dec_layers;
    ui_button(ui, L->lay_prev, "\xE2\x97\x80", 0);
    ui_button(ui, L->lay_next, "\xE2\x96\xB6", 0);
    char b[64];
    snprintf(b, sizeof b, _("layer %d of %d"), s->layer + 1, nl);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, L->lay_label.x + L->lay_label.w / 2, L->lay_label.y + L->lay_label.h / 2,
                L->lay_label.w, ui->theme->text, UI_CENTER | UI_MIDDLE, b);
    ui_button(ui, L->link_scale, _("no \xE2\x88\x9A" "d\xE2\x82\x96 scaling: lesson 5 \xE2\x86\x92"), 0);
    ui_button(ui, L->link_mask, _("no causal mask: lesson 11 \xE2\x86\x92"), 0);
}

/* text in dst, shortened at a word to fit max_w px with " … +N words" when it does not fit whole (a broken
 * model may say 31 words): the reader sees that and how much was left out, never a word cut in half. */
static void fit_words(ui_ctx *ui, const char *text, int max_w, char *dst, size_t n)
{
    int w;
    snprintf(dst, n, "%s", text);
    ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, dst, &w, NULL);
    if (w <= max_w) return;
    int words = 1;
    for (const char *p = text; *p; p++) words += *p == ' ';
    for (int keep = words - 1; keep >= 1; keep--) {
        size_t len = 0;
        for (int k = 0; k < keep; k++) len += strcspn(text + len, " ") + (k + 1 < keep);
        char tail[48];
        snprintf(tail, sizeof tail, _(" \xE2\x80\xA6 +%d words"), words - keep);
        snprintf(dst, n, "%.*s%s", (int)len, text, tail);
        ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, dst, &w, NULL);
        if (w <= max_w) return;
    }
}

/* One row of the table: name, translation, exact-match bar, loss. col[] are the 4 columns' x. */
static void draw_row(const exp_state *s, const lesson_ctx *ctx, int r, SDL_Rect row, const int *col)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const model_config *c = &ctx->params->cfg;
    const trace_opts o = row_opts(c, r, s->layer);
    char name[128], ex[200], loss[32];
    snprintf(name, sizeof name, _(rows[r].name), o.zero.layer + o.no_residual.layer + o.no_norm.layer + 1);
    const int mid = row.y + row.h / 2;
    if (r == 0) ui_fill(ui, row, t->panel_alt);
    ui_text_fit(ui, r == 0 ? UI_BOLD : UI_SANS, UI_SIZE_SMALL, col[0], mid, col[1] - col[0] - ui_px(ui, 8), t->text,
                UI_LEFT | UI_MIDDLE, name);
    const int same = strcmp(s->c->text[r], s->c->text[0]) == 0;
    char shown[EXP_TEXT + 48];
    fit_words(ui, s->c->text[r][0] ? s->c->text[r] : _("(nothing)"), col[2] - col[1] - ui_px(ui, 8), shown, sizeof shown);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, col[1], mid, col[2] - col[1] - ui_px(ui, 8), same ? t->text : t->warn,
                UI_LEFT | UI_MIDDLE, shown);
    if (!same && ui_mouse_in(ui, (SDL_Rect){col[1], row.y, col[2] - col[1], row.h}))
        ui_hover_text(ui, row, _("differs from the intact model's \xE2\x80\x9C%s\xE2\x80\x9D"), s->c->text[0]);
    experiment_score sc = score_of(s, &o, ex, sizeof ex, loss, sizeof loss);
    const SDL_Rect bar = {col[2], row.y + row.h / 5, col[3] - col[2] - ui_px(ui, 12), row.h - 2 * (row.h / 5)};
    ui_fill(ui, bar, t->panel);
    if (sc.n > 0 && sc.state >= EXPERIMENT_RUNNING)
        ui_fill(ui, (SDL_Rect){bar.x, bar.y, (int)((double)bar.w * sc.n_exact / sc.n), bar.h}, t->series[0]);
    ui_frame(ui, bar, t->border, 1);
    if (ex[0]) {
        SDL_Color bg = t->panel;
        ui_text_bg(ui, &bg);
        ui_text_fit(ui, UI_MONO, UI_SIZE_SMALL, bar.x + bar.w - ui_px(ui, 4), mid, bar.w - ui_px(ui, 8), t->text,
                    UI_RIGHT | UI_MIDDLE, ex);
        ui_text_bg(ui, NULL);
    }
    if (sc.state == EXPERIMENT_DONE && ui_mouse_in(ui, bar))
        ui_hover_value(ui, bar, 100.0 * sc.n_exact / sc.n, _("%s: exact match (%%) on %d held-out sentences"), name, sc.n);
    ui_text_fit(ui, UI_MONO, UI_SIZE_SMALL, col[3], mid, row.x + row.w - col[3], t->text, UI_LEFT | UI_MIDDLE,
                loss[0] ? loss : "");
}

static void draw_table(const exp_state *s, const lesson_ctx *ctx, const exp_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const SDL_Rect tb = L->table;
    int name_w = 0; /* the names' column as wide as its widest name, up to 45% (the translations are shortened by words) */
    for (int r = 0; r < N_ROWS; r++) {
        char name[128];
        const trace_opts o = row_opts(&ctx->params->cfg, r, s->layer);
        snprintf(name, sizeof name, _(rows[r].name), o.zero.layer + o.no_residual.layer + o.no_norm.layer + 1);
        int w = 0;
        ui_text_size(ui, r == 0 ? UI_BOLD : UI_SANS, UI_SIZE_SMALL, name, &w, NULL);
        if (w > name_w) name_w = w;
    }
    name_w += ui_px(ui, 12);
    if (name_w > tb.w * 45 / 100) name_w = tb.w * 45 / 100;
    if (name_w < tb.w * 25 / 100) name_w = tb.w * 25 / 100;
    const int col[4] = {tb.x, tb.x + name_w, tb.x + tb.w * 70 / 100, tb.x + tb.w * 88 / 100};
    const int lh = ui_line_height(ui, UI_BOLD, UI_SIZE_SMALL);
    int rh = (tb.h - lh - ui_px(ui, 6)) / N_ROWS;
    if (rh > 2 * lh) rh = 2 * lh;
    const char *const heads[4] = {_("experiment"), _("your sentence, translated"), _("exact match"), _("loss")};
    for (int k = 0; k < 4; k++)
        ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, col[k], tb.y, (k < 3 ? col[k + 1] : tb.x + tb.w) - col[k] - ui_px(ui, 8),
                    t->text_dim, UI_LEFT, heads[k]);
    int y = tb.y + lh + ui_px(ui, 6);
    for (int r = 0; r < N_ROWS; r++, y += rh) {
        draw_row(s, ctx, r, (SDL_Rect){tb.x, y, tb.w, rh}, col);
        ui_line(ui, (float)tb.x, (float)(y + rh), (float)(tb.x + tb.w), (float)(y + rh), 1.0f, t->grid);
    }
}

/* ---------- step 2: no positional encoding ---------- */

/* The largest |a_i - b_j| over the D features of rows i of a and j of b. */
static float row_diff(const float *a, int i, const float *b, int j, int D)
{
    float m = 0.0f;
    for (int d = 0; d < D; d++) m = fmaxf(m, fabsf(a[(size_t)i * D + d] - b[(size_t)j * D + d]));
    return m;
}

/* Two encoder outputs side by side, each row of A joined to its closest unused row of B with the difference. */
static void draw_pair(const lesson_ctx *ctx, const trace *ta, const trace *tb, SDL_Rect r, const char *title)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const int D = ta->cfg.d_model, n = ta->n_src < tb->n_src ? ta->n_src : tb->n_src;
    const int lh = ui_line_height(ui, UI_BOLD, UI_SIZE_BODY), gap = r.w / 4;
    char ta_out[EXP_TEXT], tb_out[EXP_TEXT], b[2 * EXP_TEXT + 64];
    trace_output_text(ta, ctx->vocab, ta_out, sizeof ta_out);
    trace_output_text(tb, ctx->vocab, tb_out, sizeof tb_out);
    snprintf(b, sizeof b, "%s:  \xE2\x80\x9C%s\xE2\x80\x9D  |  \xE2\x80\x9C%s\xE2\x80\x9D", title, ta_out, tb_out);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, r.x, r.y, r.w, strcmp(ta_out, tb_out) ? t->text : t->warn, UI_LEFT, b);
    const SDL_Rect ra = {r.x, r.y + lh, (r.w - gap) / 2, r.h - lh};
    const SDL_Rect rb = {r.x + (r.w + gap) / 2, r.y + lh, (r.w - gap) / 2, r.h - lh};
    const float *mats[2] = {ta->memory, tb->memory};
    const int lens[2] = {n * D, n * D};
    const ui_scale sc = ui_scale_of(UI_CMAP_DIVERGING, mats, lens, 2, _("shared"));
    ui_heatmap_out oa, ob;
    for (int k = 0; k < 2; k++) {
        ui_heatmap_spec hs = ui_heatmap_matrix(mats[k], n, D, UI_CMAP_DIVERGING, k ? _("memory B") : _("memory A"));
        hs.row_labels = lesson_token_labels(ctx, k ? tb->src_ids : ta->src_ids, n, LESSON_LABEL_NUMBERED);
        hs.title = lesson_scratch_printf(ctx->scratch, _("encoder output, %s"), k ? EXP_SENT_B : EXP_SENT_A);
        hs.scale = &sc;
        ui_heatmap(ui, k ? rb : ra, &hs, k ? &ob : &oa);
    }
    if (oa.cell_h <= 0 || ob.cell_h <= 0) return;
    int used[64] = {0};
    for (int i = 0; i < n && i < 64; i++) {
        int best = -1;
        float bd = INFINITY;
        for (int j = 0; j < n && j < 64; j++) {
            const float dj = used[j] ? INFINITY : row_diff(ta->memory, i, tb->memory, j, D);
            if (dj < bd) {
                bd = dj;
                best = j;
            }
        }
        if (best < 0) continue;
        used[best] = 1;
        const float y0 = (float)(oa.cells.y + i * oa.cell_h + oa.cell_h / 2), y1 = (float)(ob.cells.y + best * ob.cell_h + ob.cell_h / 2);
        /* from right of A's colour bar to left of B's row labels, the difference at the end */
        const int lab_w = ui_px(ui, 66);
        const float x0 = (float)(ra.x + ra.w + ui_px(ui, 6)), x1 = (float)(rb.x - lab_w - ui_px(ui, 6));
        const SDL_Color lc = bd < 1e-3f ? t->accent : t->warn;
        ui_line(ui, x0, y0, x1, y1, 2.0f, lc);
        char d[48];
        ui_fmt(bd, 2, d, sizeof d);
        ui_text_fit(ui, UI_MONO, UI_SIZE_SMALL * 0.8f, (int)x1 + ui_px(ui, 3), (int)y1, lab_w, lc, UI_LEFT | UI_MIDDLE, d);
    }
}

static void draw_no_pe(const exp_state *s, const lesson_ctx *ctx, const exp_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const trace *t[4];
    for (int k = 0; k < 4; k++)
        if (!(t[k] = whatif_trace(s->c->pe[k]))) {
            ui_text_fit(ui, UI_SANS, UI_SIZE_BODY, L->pe_top.x, L->pe_top.y, L->pe_top.w, ui->theme->error, UI_LEFT,
                        s->c->err[0] ? s->c->err : _("the runs without positional encoding are not there"));
            return;
        }
    draw_pair(ctx, t[0], t[1], L->pe_top, _("no positional encoding in the encoder"));
    draw_pair(ctx, t[2], t[3], L->pe_bottom, _("with positional encoding (the model as trained)"));
    ui_text_wrap(ui, UI_SANS, UI_SIZE_SMALL, L->pe_note, 0, ui->theme->text, _(pe_note));
}

/* ---------- step 3: which heads matter ---------- */

/* Map rows of step 3: (kind k, layer l) pairs in order; returns how many (at most cap). */
static int head_rows(const model_config *c, int *kind, int *layer, int cap)
{
    int n = 0;
    for (int k = 0; k < 3; k++)
        for (int l = 0; l < n_layers_of(c, head_subs[k]) && n < cap; l++, n++) {
            kind[n] = k;
            layer[n] = l;
        }
    return n;
}

/* Cell (row, col) of a head map drawn in r with `rows` rows and H columns. */
static SDL_Rect head_cell(const lesson_ctx *ctx, SDL_Rect r, int rows, int H, int row, int col)
{
    ui_ctx *ui = ctx->ui;
    const int lab = ui_px(ui, 110), top = 2 * ui_line_height(ui, UI_BOLD, UI_SIZE_SMALL) + ui_px(ui, 4);
    int cw = (r.w - lab) / (H > 0 ? H : 1), ch = (r.h - top) / (rows > 0 ? rows : 1);
    if (ch > ui_px(ui, 56)) ch = ui_px(ui, 56);
    return (SDL_Rect){r.x + lab + col * cw, r.y + top + row * ch, cw - 2, ch - 2};
}

/* The head step 3 shows: the picked one, else the one whose removal raises the loss most (0 when none is scored). */
static int shown_head(const exp_state *s, const model_config *c, int *sub, int *layer, int *head)
{
    if (s->pick_sub) {
        *sub = s->pick_sub;
        *layer = s->pick_layer;
        *head = s->pick_head;
        return 1;
    }
    int kind[64], lay[64], found = 0;
    double worst = -INFINITY;
    const int nr = head_rows(c, kind, lay, 64);
    for (int r = 0; r < nr; r++)
        for (int h = 0; h < c->n_heads; h++) {
            const trace_opts o = head_opts(head_subs[kind[r]], lay[r], h);
            const experiment_score sc = experiment_eval_get(s->c->ev, &o);
            if (sc.state == EXPERIMENT_DONE && sc.loss > worst) {
                worst = sc.loss;
                *sub = head_subs[kind[r]];
                *layer = lay[r];
                *head = h;
                found = 1;
            }
        }
    return found;
}

/* One map: the exact match (loss 0) or the loss increase (loss 1) with each head removed. */
static void draw_head_map(const exp_state *s, const lesson_ctx *ctx, SDL_Rect r, int loss)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const model_config *c = &ctx->params->cfg;
    int kind[64], lay[64], ps = 0, pl = 0, ph = 0;
    const int nr = head_rows(c, kind, lay, 64), H = c->n_heads, lh = ui_line_height(ui, UI_BOLD, UI_SIZE_SMALL);
    const int have_pick = shown_head(s, c, &ps, &pl, &ph);
    const experiment_score base = experiment_eval_get(s->c->ev, NULL);
    double worst = 0.0; /* the largest loss increase: the top of the colour range */
    for (int row = 0; row < nr; row++)
        for (int h = 0; h < H; h++) {
            const trace_opts o = head_opts(head_subs[kind[row]], lay[row], h);
            const experiment_score sc = experiment_eval_get(s->c->ev, &o);
            if (sc.state == EXPERIMENT_DONE) worst = fmax(worst, sc.loss - base.loss);
        }
    ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, r.x, r.y, r.w, t->text, UI_LEFT,
                loss ? _("loss increase with the head removed (intact: 0)") : _("exact match with the head removed (of 200)"));
    for (int h = 0; h < H; h++) {
        const SDL_Rect cell = head_cell(ctx, r, nr, H, 0, h);
        char b[24];
        snprintf(b, sizeof b, _("head %d"), h + 1);
        ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, cell.x + cell.w / 2, r.y + lh, cell.w, t->text_dim, UI_CENTER, b);
    }
    for (int row = 0; row < nr; row++) {
        const SDL_Rect c0 = head_cell(ctx, r, nr, H, row, 0);
        char b[48];
        snprintf(b, sizeof b, "%s %d", _(head_sub_names[kind[row]]), lay[row] + 1);
        ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, r.x, c0.y + c0.h / 2, c0.x - r.x - ui_px(ui, 6), t->text,
                    UI_LEFT | UI_MIDDLE, b);
        for (int h = 0; h < H; h++) {
            const SDL_Rect cell = head_cell(ctx, r, nr, H, row, h);
            const trace_opts o = head_opts(head_subs[kind[row]], lay[row], h);
            const experiment_score sc = experiment_eval_get(s->c->ev, &o);
            if (sc.state != EXPERIMENT_DONE || base.state != EXPERIMENT_DONE) {
                ui_hatch(ui, cell, t->panel, t->panel_alt);
                continue;
            }
            const double v = loss ? sc.loss - base.loss : sc.n_exact;
            const SDL_Color bg = loss ? ui_cmap_color(UI_CMAP_VIRIDIS, (float)v, 0.0f, (float)fmax(0.5, worst))
                                      : ui_cmap_color(UI_CMAP_VIRIDIS, (float)(sc.n - sc.n_exact), 0.0f, (float)sc.n);
            ui_fill(ui, cell, bg);
            char num[32];
            if (loss) ui_fmt(fabs(v) < 5e-4 ? 0.0 : v, 3, num, sizeof num); /* below 0.0005: noise of the scorer, 0 */
            else snprintf(num, sizeof num, "%d", sc.n_exact);
            ui_text_bg(ui, &bg);
            ui_text_fit(ui, UI_MONO, UI_SIZE_SMALL, cell.x + cell.w / 2, cell.y + cell.h / 2, cell.w - 4, ui_text_on(bg),
                        UI_CENTER | UI_MIDDLE, num);
            ui_text_bg(ui, NULL);
            if (have_pick && ps == head_subs[kind[row]] && pl == lay[row] && ph == h) ui_frame(ui, cell, t->accent, 3);
            if (ui_mouse_in(ui, cell))
                ui_hover_value(ui, cell, v, _("%s layer %d head %d removed: %s"), _(head_sub_names[kind[row]]), lay[row] + 1,
                               h + 1, loss ? _("loss increase") : _("sentences exactly right"));
        }
    }
}

static void draw_heads(const exp_state *s, const lesson_ctx *ctx, const exp_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    draw_head_map(s, ctx, L->map_exact, 0);
    draw_head_map(s, ctx, L->map_loss, 1);
    int ps, pl, ph;
    char b[3 * EXP_TEXT + 128];
    if (!shown_head(s, &ctx->params->cfg, &ps, &pl, &ph)) {
        ui_text_fit(ui, UI_SANS, UI_SIZE_BODY, L->pick.x, L->pick.y, L->pick.w, t->text_dim, UI_LEFT,
                    _("Click a head to see your sentence translated without it."));
        return;
    }
    const char *kind = ps == TRACE_SUB_ENC_SELF ? _("encoder self-attention") : ps == TRACE_SUB_DEC_SELF
                                                                              ? _("decoder masked self-attention")
                                                                              : _("cross-attention");
    if (s->pick_sub)
        snprintf(b, sizeof b, _("Your sentence without %s layer %d head %d: \xE2\x80\x9C%s\xE2\x80\x9D   (intact: "
                 "\xE2\x80\x9C%s\xE2\x80\x9D)"), kind, pl + 1, ph + 1, s->c->pick_text, s->c->text[0]);
    else
        snprintf(b, sizeof b, _("The head the model needs most: %s layer %d head %d (framed). Click any head to translate "
                 "your sentence without it."), kind, pl + 1, ph + 1);
    ui_text_wrap(ui, UI_SANS, UI_SIZE_BODY, L->pick, 0, t->text, b);
}

/* ---------- the lesson's calls ---------- */

static void ex_draw(const void *st, const lesson_ctx *ctx)
{
    const exp_state *s = st;
    if (!s || !ctx->params) return;
    exp_layout L;
    ex_layout(ctx, ctx->step, &L);
    const char *const formulas[3] = {
        _("one part broken, the model re-run: your sentence and 200 held-out sentences"),
        _("no PE: x = E[id]\xC2\xB7\u221Ad_model  \xE2\x86\x92  self-attention and FFN treat the words as a set"),
        _("a head removed: its d\xE2\x82\x96 columns of Concat(head\xE2\x82\x81..head\xE2\x82\x95) set to 0 before W_O"),
    };
    const int step = lesson_clamp(ctx->step, 0, 2);
    ensure_fresh(s, ctx);
    queue_shown(s, &ctx->params->cfg);
    ui_formula(ctx->ui, UI_SIZE_BODY, L.formula.x, L.formula.y, ctx->ui->theme->accent, UI_LEFT, formulas[step]);
    draw_status(s, ctx, L.status);
    if (step == 0) {
        draw_controls(s, ctx, &L);
        draw_table(s, ctx, &L);
    } else if (step == 1) {
        draw_no_pe(s, ctx, &L);
    } else {
        draw_heads(s, ctx, &L);
    }
}

/* A click on a head of step 3's maps: picks it. 1 when it was one. */
static int click_head(exp_state *s, const lesson_ctx *ctx, const exp_layout *L, int x, int y)
{
    const model_config *c = &ctx->params->cfg;
    int kind[64], lay[64];
    const int nr = head_rows(c, kind, lay, 64);
    for (int m = 0; m < 2; m++)
        for (int row = 0; row < nr; row++)
            for (int h = 0; h < c->n_heads; h++)
                if (ui_point_in(head_cell(ctx, m ? L->map_loss : L->map_exact, nr, c->n_heads, row, h), x, y)) {
                    s->pick_sub = head_subs[kind[row]];
                    s->pick_layer = lay[row];
                    s->pick_head = h;
                    return 1;
                }
    return 0;
}

static int ex_event(void *st, const SDL_Event *ev, const lesson_ctx *ctx)
{
    exp_state *s = st;
    if (!s || !ctx->params || ev->type != SDL_MOUSEBUTTONDOWN || ev->button.button != SDL_BUTTON_LEFT) return 0;
    exp_layout L;
    ex_layout(ctx, ctx->step, &L);
    const int x = ev->button.x, y = ev->button.y;
    const model_config *c = &ctx->params->cfg;
    const int nl = c->n_enc_layers > c->n_dec_layers ? c->n_enc_layers : c->n_dec_layers;
    if (ctx->step == 0) {
        if (ui_point_in(L.link_scale, x, y) || ui_point_in(L.link_mask, x, y)) {
            if (ctx->act)
                snprintf(ctx->act->goto_slug, sizeof ctx->act->goto_slug, "%s",
                         ui_point_in(L.link_scale, x, y) ? "attention" : "masked-attention");
            return 1;
        }
        const int d = ui_point_in(L.lay_prev, x, y) ? -1 : ui_point_in(L.lay_next, x, y) ? 1 : 0;
        if (!d) return 0;
        s->layer = ((s->layer + d) % nl + nl) % nl;
    } else if (ctx->step != 2 || !click_head(s, ctx, &L, x, y)) {
        return 0;
    }
    s->c->stale = 1;
    return 1;
}

static int ex_busy(const void *st, const lesson_ctx *ctx)
{
    const exp_state *s = st;
    if (!s || !ctx->params) return 0;
    ensure_fresh(s, ctx);
    queue_shown(s, &ctx->params->cfg);
    experiment_eval_pump(s->c->ev, 0.006); /* no threads (a web page): a few ms of the scoring per frame */
    return experiment_eval_pending(s->c->ev) > 0;
}

/* Compact (the app's dump gives a lesson 4 KB): rows [state, n_done, n_exact, loss, text], heads
 * [sub, layer, head, state, n_exact, loss], no_pe [sentence A, B without PE, A, B with PE] translations. */
static int ex_dump(const void *st, const lesson_ctx *ctx, char *dst, size_t n)
{
    const exp_state *s = st;
    if (!s || !ctx->params) return 0;
    ensure_fresh(s, ctx);
    const model_config *c = &ctx->params->cfg;
    exp_layout L;
    ex_layout(ctx, 0, &L);
    lesson_json j = {dst, n, 0};
    lesson_json_put(&j, "{\"layer\": %d, \"refreshes\": %d, \"pending\": %d, \"held_out\": %d, ", s->layer,
                    s->c->refreshes, experiment_eval_pending(s->c->ev), s->c->set.n);
    lesson_json_rect(&j, "lay_next", L.lay_next);
    lesson_json_put(&j, ", ");
    lesson_json_rect(&j, "link_mask", L.link_mask);
    lesson_json_put(&j, ", ");
    lesson_json_rect(&j, "link_scale", L.link_scale);
    lesson_json_put(&j, ", \"rows\": [");
    for (int r = 0; r < N_ROWS; r++) {
        const trace_opts o = row_opts(c, r, s->layer);
        const experiment_score sc = experiment_eval_get(s->c->ev, &o);
        lesson_json_put(&j, "%s[%d, %d, %d, %.4f, \"%s\"", r ? ", " : "", (int)sc.state, sc.n_done, sc.n_exact, sc.loss,
                        s->c->text[r]);
        if (sc.state == EXPERIMENT_FAILED) {
            lesson_json_put(&j, ", \"%s\"", sc.error); /* the engine's messages carry no double quote */
        }
        lesson_json_put(&j, "]");
    }
    lesson_json_put(&j, "], \"heads\": [");
    int kind[64], lay[64];
    const int nr = head_rows(c, kind, lay, 64);
    for (int row = 0; row < nr; row++)
        for (int h = 0; h < c->n_heads; h++) {
            const trace_opts o = head_opts(head_subs[kind[row]], lay[row], h);
            const experiment_score sc = experiment_eval_get(s->c->ev, &o);
            lesson_json_put(&j, "%s[%d, %d, %d, %d, %d, %.4f]", row || h ? ", " : "", head_subs[kind[row]], lay[row], h,
                            (int)sc.state, sc.n_exact, sc.loss);
        }
    lesson_json_put(&j, "], \"no_pe\": [");
    for (int k = 0; k < 4; k++) {
        const trace *t = whatif_trace(s->c->pe[k]);
        char out[EXP_TEXT] = "";
        if (t) trace_output_text(t, ctx->vocab, out, sizeof out);
        lesson_json_put(&j, "%s\"%s\"", k ? ", " : "", out);
    }
    lesson_json_put(&j, "], \"pick\": [%d, %d, %d], \"pick_text\": \"%s\"}", s->pick_sub, s->pick_layer, s->pick_head,
                    s->c->pick_text);
    return lesson_json_end(&j);
}

const lesson lesson_experiments = {
    .slug = "experiments", .title = N_("Experiments"), .steps = 3,
    .keys = N_("click: layer buttons, links to lessons 5 and 11 (step 1), a head (step 3)"),
    .state_size = sizeof(exp_state), .init = ex_init, .free = ex_free, .on_trace_changed = ex_changed,
    .handle_event = ex_event, .draw = ex_draw, .dump_json = ex_dump, .busy = ex_busy,
};
