/* lesson_trainer_view.c - lesson 16, "Training": the model learns from random
 * weights while the class watches (the paper's section 5). Three steps under
 * one row of controls (start, pause / resume, reset, speed, use these weights
 * everywhere / back to the shipped model, save):
 *   0 watch it learn: training and validation loss, exact match on held-out
 *     sentences, the translation of the sentence in the box with the weights
 *     shown, one cross-attention head sharpening, and a time-lapse slider over
 *     the snapshots of the run;
 *   1 the schedule and the optimiser: lrate = d_model^-0.5 * min(step^-0.5,
 *     step * warmup^-1.5) drawn in full with the current step marked, Adam's
 *     beta1, beta2, epsilon;
 *   2 regularisation: the label-smoothed target (eps 0.1) next to a one-hot
 *     one, and residual dropout (0.1) on one sub-layer output.
 * The app owns the trainer (app/training.c): training goes on in other
 * lessons. What is drawn comes from ctx->training (copies the app made under
 * the trainer's lock) and its trace of the sentence; display math only (the
 * schedule's formula, the smoothed target, a dropout pattern for the picture).
 *
 * Must not: touch the trainer, run the model, or draw outside ctx->area.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "lesson_layout.h"

#define N_SPEEDS 4
static const int speeds[N_SPEEDS] = {0, 20, 5, 1}; /* steps per second; 0: as fast as it goes */

typedef struct {
    int speed;      /* index into speeds */
    int own_head;   /* 1: the shared selection's layer and head; 0: the best-aligned head */
} tr_state;

enum { B_START, B_PAUSE, B_RESET, B_SPEED, B_USE, B_SAVE, N_BUTTONS };

typedef struct {
    SDL_Rect buttons[N_BUTTONS], status;
    SDL_Rect panes[4];   /* step 0: loss, exact, translation + slider, attention; 1: schedule, Adam; 2: smoothing, dropout */
    SDL_Rect slider, head_btn;
} tr_layout;

static void tr_layout_compute(const lesson_ctx *ctx, tr_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const SDL_Rect a = ctx->area;
    memset(L, 0, sizeof *L);
    const int pad = ui_px(ui, 10), bh = ui_px(ui, 34);
    int x = a.x;
    const int bw[N_BUTTONS] = {ui_px(ui, 130), ui_px(ui, 110), ui_px(ui, 90), ui_px(ui, 130), ui_px(ui, 200), ui_px(ui, 80)};
    for (int i = 0; i < N_BUTTONS; i++) {
        L->buttons[i] = (SDL_Rect){x, a.y, bw[i], bh};
        x += bw[i] + pad / 2;
    }
    const int sh = ui_line_height(ui, UI_SANS, UI_SIZE_BODY);
    L->status = (SDL_Rect){a.x, a.y + bh + pad / 2, a.w, sh};
    const int top = L->status.y + sh + pad, h = a.y + a.h - top;
    const int hw = (a.w - pad) / 2, hh = (h - pad) * 2 / 5;
    if (ctx->step == 0) {
        L->panes[0] = (SDL_Rect){a.x, top, hw, hh};
        L->panes[1] = (SDL_Rect){a.x + hw + pad, top, a.w - hw - pad, hh};
        L->panes[2] = (SDL_Rect){a.x, top + hh + pad, hw, h - hh - pad};
        L->panes[3] = (SDL_Rect){a.x + hw + pad, top + hh + pad, a.w - hw - pad, h - hh - pad};
        L->slider = (SDL_Rect){L->panes[2].x, L->panes[2].y + L->panes[2].h - bh, L->panes[2].w, bh};
        L->head_btn = (SDL_Rect){L->panes[3].x + L->panes[3].w - ui_px(ui, 170), L->panes[3].y, ui_px(ui, 170), bh};
    } else {
        L->panes[0] = (SDL_Rect){a.x, top, a.w, h}; /* step 1: the schedule over the prose (ui_split_prose) */
        if (ctx->step == 2) {
            L->panes[0] = (SDL_Rect){a.x, top, hw, h};
            L->panes[1] = (SDL_Rect){a.x + hw + pad, top, a.w - hw - pad, h};
        }
    }
}

static const char *status_line(const lesson_trainer_view *t, char *dst, size_t n)
{
    const train_run_info *in = &t->info;
    char ex[64] = "";
    if (in->eval_step >= 0) snprintf(ex, sizeof ex, _(", exact match %.1f%% (step %ld)"), 100.0 * in->exact, in->eval_step);
    if (!t->available) snprintf(dst, n, "%s", ui_tr_msg(in->message));
    else if (in->status == TRAIN_RUN_RECORDED)
        snprintf(dst, n, _("Recorded run of the shipped model: %ld steps%s. Press start to train live from random weights."),
                 in->step, ex);
    else if (in->status == TRAIN_RUN_EMPTY) snprintf(dst, n, _("Random weights, nothing trained. Press start."));
    else {
        ui_num a[3];
        snprintf(dst, n, _("%s: step %ld, loss %s, lr %s%s, %s s%s"), _(train_run_status_name(in->status)), in->step,
                 ui_fmts(&a[0], in->loss, 4), ui_fmts(&a[1], in->lr, 3), ex, ui_fmts(&a[2], in->train_s, 3),
                 in->status == TRAIN_RUN_FAILED ? "" : "");
    }
    return dst;
}

static void draw_controls(const tr_state *s, const lesson_ctx *ctx, const tr_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const lesson_trainer_view *t = ctx->training;
    const train_run_status st = t->info.status;
    char sp[48];
    ui_button(ui, L->buttons[B_START], st == TRAIN_RUN_RUNNING || st == TRAIN_RUN_PAUSED ? _("restart") : _("start"), 0);
    ui_button(ui, L->buttons[B_PAUSE], st == TRAIN_RUN_PAUSED ? _("resume") : _("pause"), st == TRAIN_RUN_PAUSED);
    ui_button(ui, L->buttons[B_RESET], _("reset"), 0);
    if (speeds[s->speed]) snprintf(sp, sizeof sp, _("speed %d/s"), speeds[s->speed]);
    else snprintf(sp, sizeof sp, _("speed: full"));
    ui_button(ui, L->buttons[B_SPEED], sp, speeds[s->speed] != 0);
    ui_button(ui, L->buttons[B_USE], t->using_weights ? _("back to shipped model") : _("use these weights"), t->using_weights);
    ui_button(ui, L->buttons[B_SAVE], _("save"), 0);
    char line[400];
    const SDL_Color c = st == TRAIN_RUN_FAILED || !t->available ? ui->theme->error : ui->theme->text;
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, L->status.x, L->status.y, L->status.w, c, UI_LEFT | UI_TOP,
                st == TRAIN_RUN_FAILED ? ui_tr_msg(t->info.message) : status_line(t, line, sizeof line));
}

/* r less a margin left and right: room for the first and last tick labels and
 * a colour bar's numbers, which the widgets draw up to their rectangle's edge. */
static SDL_Rect inset(const lesson_ctx *ctx, SDL_Rect r)
{
    const int l = ui_px(ctx->ui, 12), rt = ui_px(ctx->ui, 36);
    return (SDL_Rect){r.x + l, r.y, r.w - l - rt > 0 ? r.w - l - rt : r.w, r.h};
}

/* ---- step 0: watch it learn ---- */

/* The start of a history curve of n points: with fewer than 2, empty (what is
 * missing) stands in its place and 0 is returned; else three float arrays of
 * n from the scratch arena (the steps and two series), 0 when out of memory. */
static int curve_start(const lesson_ctx *ctx, SDL_Rect r, int n, const char *empty, float **xs, float **a, float **b)
{
    if (n < 2) {
        ui_text(ctx->ui, UI_SANS, UI_SIZE_BODY, r.x, r.y, ctx->ui->theme->text_dim, UI_LEFT | UI_TOP, empty);
        return 0;
    }
    *xs = lesson_floats(ctx, (size_t)n);
    *a = lesson_floats(ctx, (size_t)n);
    *b = lesson_floats(ctx, (size_t)n);
    return *xs && *a && *b;
}

/* The plot of series a and b (named; b NULL: a alone) over the training steps xs [n]. */
static ui_plot_spec steps_plot(const float *xs, int n, const float *a, const char *a_name, const float *b, const char *b_name,
                                 const char *title)
{
    ui_plot_spec p = ui_plot_line(xs, n, a, a_name);
    if (b) p.ys[1] = b, p.names[1] = b_name, p.n_series = 2;
    p.title = title;
    p.x_label = _("step");
    return p;
}

/* Loss curves: training points, and validation as a step line over the same steps. */
static void draw_loss(const lesson_ctx *ctx, SDL_Rect r)
{
    const train_history *h = ctx->training->hist;
    const int n = h ? h->n_points : 0;
    float *xs, *tl, *vl;
    if (!curve_start(ctx, r, n, _("loss: no steps yet"), &xs, &tl, &vl)) return;
    int e = -1;
    for (int i = 0; i < n; i++) {
        xs[i] = (float)h->points[i].step;
        tl[i] = h->points[i].loss;
        while (e + 1 < h->n_evals && h->evals[e + 1].step <= h->points[i].step) e++;
        vl[i] = e >= 0 ? h->evals[e].val_loss : h->points[i].loss;
    }
    ui_plot_spec p = steps_plot(xs, n, tl, _("training (dropout on)"), h->n_evals > 0 ? vl : NULL, _("validation (dropout off)"),
                                _("loss (validation: held-out sentences)"));
    p.y_from_zero = 1; /* a loss is never below 0 */
    ui_plot(ctx->ui, inset(ctx, r), &p);
}

static void draw_exact(const lesson_ctx *ctx, SDL_Rect r)
{
    const train_history *h = ctx->training->hist;
    const int n = h ? h->n_evals : 0;
    float *xs, *ys, *ta;
    if (!curve_start(ctx, r, n, _("exact match: measured every 50 steps"), &xs, &ys, &ta)) return;
    for (int i = 0; i < n; i++) {
        xs[i] = (float)h->evals[i].step;
        ys[i] = 100.0f * h->evals[i].exact;
        ta[i] = 100.0f * h->evals[i].tok_acc;
    }
    ui_plot_spec p = steps_plot(xs, n, ys, _("exact match"), ta, _("token accuracy"), _("held-out sentences, % right"));
    p.fixed_range = 1;
    p.ymin = 0.0f;
    p.ymax = 100.0f;
    ui_plot(ctx->ui, inset(ctx, r), &p);
}

/* The translation with the weights shown and the time-lapse slider. */
static void draw_translation(const lesson_ctx *ctx, SDL_Rect r, SDL_Rect slider)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *th = ui->theme;
    const lesson_trainer_view *t = ctx->training;
    const int lh = ui_line_height(ui, UI_SANS, UI_SIZE_BODY);
    char line[1200], out[1024] = "";
    if (t->tr) trace_output_text(t->tr, ctx->vocab, out, sizeof out);
    snprintf(line, sizeof line, _("weights of step %ld%s"), t->view_step, t->view < 0 ? _(" (live)") : _(" (time-lapse)"));
    ui_text(ui, UI_BOLD, UI_SIZE_BODY, r.x, r.y, th->text, UI_LEFT | UI_TOP, t->tr ? line : _("no weights yet"));
    SDL_Rect box = {r.x, r.y + lh + ui_px(ui, 4), r.w, slider.y - r.y - lh - ui_px(ui, 12)};
    /* the sentence, wrapped (a long one on two or three lines), at most half the box; the translation under it */
    const char *src = ctx->tr->sentence ? ctx->tr->sentence : "";
    int lhs = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int sh = ui_text_wrap(ui, UI_SANS, UI_SIZE_SMALL, (SDL_Rect){box.x, box.y, box.w, 0}, 0, th->text_dim, src);
    if (sh > box.h / 2) sh = box.h / 2 / lhs * lhs;
    if (sh < lhs) sh = lhs;
    ui_text_wrap(ui, UI_SANS, UI_SIZE_SMALL, (SDL_Rect){box.x, box.y, box.w, sh}, 0, th->text_dim, src);
    box.y += sh + ui_px(ui, 4);
    box.h -= sh + ui_px(ui, 4);
    /* the translation at the largest size whose wrapped lines fit the box (a long sentence's too) */
    const char *shown = t->tr ? (out[0] ? out : _("(empty)")) : "";
    static const float sizes[] = {UI_SIZE_LARGE, UI_SIZE_BODY, 17.0f, UI_SIZE_SMALL, UI_SIZE_LEGAL};
    float size = UI_SIZE_LEGAL;
    for (int i = 0; i < 5; i++)
        if (ui_text_wrap(ui, UI_BOLD, sizes[i], (SDL_Rect){box.x, box.y, box.w, 0}, 0, th->accent, shown) <= box.h) { size = sizes[i]; break; }
    if (box.h > 0) ui_text_wrap(ui, UI_BOLD, size, box, 0, th->accent, shown);
    const train_history *h = t->hist;
    const int ns = h ? h->n_snaps : 0;
    if (ns < 2) return;
    const int at = t->view >= 0 && t->view < ns ? t->view : ns - 1;
    /* one notch per snapshot, evenly spaced: the kept steps are roughly log-spaced (0, 25, 50, ... 5000),
     * so a slider over steps would crowd the early, fast-changing ones into its first few pixels */
    char lab[96], fmt[32];
    snprintf(lab, sizeof lab, _("time-lapse: step %ld, snapshot"), h->snaps[at].step);
    snprintf(fmt, sizeof fmt, _("%%.0f of %d"), ns);
    ui_slider(ui, slider, lab, (float)(at + 1), 1.0f, (float)ns, fmt);
}

/* The cross-attention head shown: the user's (layer, head), or the one whose
 * rows put the most weight on a single source word (the sharpest). */
static void pick_head(const lesson_ctx *ctx, const trace *tr, int own, int *layer, int *head)
{
    const int nl = tr->cfg.n_dec_layers, H = tr->cfg.n_heads;
    if (own) {
        *layer = lesson_clamp(ctx->sel->layer, 0, nl - 1);
        *head = lesson_clamp(ctx->sel->head, 0, H - 1);
        return;
    }
    double best = -1.0;
    for (int l = 0; l < nl; l++)
        for (int hh = 0; hh < H; hh++) {
            double sum = 0.0;
            for (int q = 0; q < tr->n_tgt; q++) {
                float mx = 0.0f;
                for (int k = 0; k < tr->n_src; k++) mx = fmaxf(mx, trace_attn_at(tr, tr->dec[l].cross.weights, hh, q, k));
                sum += mx;
            }
            if (sum > best) best = sum, *layer = l, *head = hh;
        }
}

static void draw_attention(const tr_state *s, const lesson_ctx *ctx, SDL_Rect r, SDL_Rect btn)
{
    const trace *tr = ctx->training->tr;
    ui_button(ctx->ui, btn, s->own_head ? _("head: yours (, . [ ])") : _("head: sharpest (H)"), s->own_head);
    if (!tr || tr->n_tgt < 1) return;
    int layer = 0, head = 0;
    pick_head(ctx, tr, s->own_head, &layer, &head);
    const int T = tr->n_tgt, S = tr->n_src;
    float *m = lesson_floats(ctx, (size_t)T * S);
    if (!m) return;
    for (int q = 0; q < T; q++)
        for (int k = 0; k < S; k++) m[q * S + k] = trace_attn_at(tr, tr->dec[layer].cross.weights, head, q, k);
    char title[96];
    snprintf(title, sizeof title, _("cross-attention, decoder layer %d head %d"), layer + 1, head + 1);
    ui_heatmap_spec hm = ui_heatmap_matrix(m, T, S, UI_CMAP_VIRIDIS, _("weight"));
    int tw = 0, room = btn.x - r.x - ui_px(ctx->ui, 8);
    ui_text_size(ctx->ui, UI_BOLD, UI_SIZE_LEGAL, title, &tw, NULL);
    if (tw <= room) /* beside the button, or else above the map */
        ui_text_fit(ctx->ui, UI_BOLD, UI_SIZE_BODY, r.x, btn.y + btn.h / 2, room, ctx->ui->theme->text, UI_LEFT | UI_MIDDLE, title);
    else
        hm.title = title;
    hm.row_labels = lesson_token_labels(ctx, tr->tgt_ids, T, LESSON_LABEL_WORD);
    hm.col_labels = lesson_token_labels(ctx, tr->src_ids, S, LESSON_LABEL_WORD);
    hm.fixed_range = 1;
    hm.vmin = 0.0f;
    hm.vmax = 1.0f;
    hm.center = 1;
    hm.attention = 1; /* its caption says query (row) → key (column), as every attention map */
    SDL_Rect body = {r.x, btn.y + btn.h + ui_px(ctx->ui, 4), r.w, r.h - btn.h - ui_px(ctx->ui, 4)};
    ui_heatmap(ctx->ui, inset(ctx, body), &hm, NULL);
}

/* ---- step 1: the schedule and Adam ---- */

static void draw_schedule(const lesson_ctx *ctx, SDL_Rect r)
{
    const lesson_trainer_view *t = ctx->training;
    const train_history *h = t->hist;
    const train_options def = train_options_default();
    const train_options *o = h ? &h->opt : &def;
    const int D = h ? h->cfg.d_model : 64, n = 240;
    const long end = t->info.step > 5000 ? t->info.step : 5000;
    float *xs = lesson_floats(ctx, n), *ys = lesson_floats(ctx, n);
    if (!xs || !ys) return;
    int mark = -1;
    for (int i = 0; i < n; i++) {
        const long s = 1 + (long)((double)(end - 1) * i / (n - 1));
        xs[i] = (float)s;
        ys[i] = (float)train_lr(s, D, o->warmup, o->lr_scale);
        if (mark < 0 && s >= t->info.step && t->info.step > 0) mark = i;
    }
    char title[200];
    ui_num sc;
    snprintf(title, sizeof title, _("learning rate = %s \xC2\xB7 1/\xE2\x88\x9A%d \xC2\xB7 min(1/\xE2\x88\x9Astep, step/(%d\xC2\xB7\xE2\x88\x9A%d)): "
                                  "warm-up %d steps, then 1/\xE2\x88\x9Astep"),
             ui_fmts(&sc, o->lr_scale, 3), D, o->warmup, o->warmup, o->warmup);
    ui_plot_spec p = steps_plot(xs, n, ys, _("lr"), NULL, NULL, title);
    p.highlight_x = mark;
    p.y_from_zero = 1; /* the warm-up starts near 0 */
    ui_plot(ctx->ui, inset(ctx, r), &p);
}

/* Step 1: the schedule's plot in r above the prose on warm-up and Adam (which gets the height it needs). */
static void draw_adam(const lesson_ctx *ctx, SDL_Rect r)
{
    ui_ctx *ui = ctx->ui;
    const train_history *h = ctx->training->hist;
    const train_options def = train_options_default();
    const train_options *o = h ? &h->opt : &def;
    /* the rate at the marked step, from the schedule itself (the record's own lr is 0 before a live step) */
    const long at = ctx->training->info.step > 0 ? ctx->training->info.step : 1;
    char lr[32], eps[32], txt[1400];
    ui_num be[2];
    ui_fmt(train_lr(at, h ? h->cfg.d_model : 64, o->warmup, o->lr_scale), 3, lr, sizeof lr);
    ui_fmt(o->adam_eps, 1, eps, sizeof eps);
    snprintf(txt, sizeof txt,
             _("# Warm-up\nAt first the weights are random and the gradients point in unreliable directions, so the learning rate "
             "starts tiny and grows linearly for %d steps (step/(%d\xC2\xB7\xE2\x88\x9A%d)), then decays as 1/\xE2\x88\x9Astep. The marker is "
             "where the run is now (step %ld, lr %s).\n"
             "# Adam (\xCE\xB2\xE2\x82\x81 = %s, \xCE\xB2\xE2\x82\x82 = %s, \xCE\xB5 = %s)\n"
             "m \xE2\x86\x90 \xCE\xB2\xE2\x82\x81 m + (1 \xE2\x88\x92 \xCE\xB2\xE2\x82\x81) g,   v \xE2\x86\x90 \xCE\xB2\xE2\x82\x82 v + "
             "(1 \xE2\x88\x92 \xCE\xB2\xE2\x82\x82) g\xC2\xB2,   w \xE2\x86\x90 w \xE2\x88\x92 lr \xC2\xB7 m\xCC\x82 / (\xE2\x88\x9A"
             "v\xCC\x82 + \xCE\xB5). Each weight gets its own step size from the history of its gradients; \xCE\xB2\xE2\x82\x82 = 0.98 "
             "(not 0.999) forgets old gradients faster. Batches of %d sentences, sorted by length to waste little padding."),
             o->warmup, o->warmup, o->warmup, ctx->training->info.step, lr, ui_fmts(&be[0], o->beta1, 3), ui_fmts(&be[1], o->beta2, 3), eps,
             o->batch);
    float size = UI_SIZE_BODY;
    SDL_Rect fig, prose;
    ui_split_prose(ui, r, txt, &size, ui_px(ui, 160), r.h * 6 / 10, &fig, &prose);
    draw_schedule(ctx, fig);
    ui_text_wrap(ui, UI_SANS, size, prose, 0, ui->theme->text, txt);
}

/* ---- step 2: label smoothing and dropout ---- */

static void draw_smoothing(const lesson_ctx *ctx, SDL_Rect r)
{
    const trace *tr = ctx->tr;
    const int V = tr->cfg.vocab_size, n = 6;
    const train_history *h = ctx->training->hist;
    const float eps = h ? h->opt.label_smoothing : 0.1f;
    const int gold = tr->n_out > 0 ? tr->out_ids[0] : TOK_EOS;
    float *q = lesson_floats(ctx, (size_t)V), *vals = lesson_floats(ctx, 2 * (size_t)n);
    const char **labels = lesson_scratch_alloc(ctx->scratch, 2 * (size_t)n * sizeof *labels);
    if (!q || !vals || !labels) return;
    train_label_target(q, V, gold, eps);
    for (int i = 0; i < n; i++) { /* the gold word and the next ids after it */
        const int id = i == 0 ? gold : 4 + (gold + i * 7) % (V - 4);
        vals[i] = id == gold ? 1.0f : 0.0f;
        vals[n + i] = q[id];
        labels[i] = labels[n + i] = tok_vocab_word(ctx->vocab, id);
    }
    SDL_Rect top = {r.x, r.y, r.w, r.h / 2 - ui_px(ctx->ui, 20)};
    SDL_Rect bot = {r.x, r.y + r.h / 2, r.w, r.h / 2 - ui_px(ctx->ui, 20)};
    char t1[160], t2[200], on[32], off[32];
    snprintf(t1, sizeof t1, _("one-hot target for \xE2\x80\x9C%s\xE2\x80\x9D"), labels[0]);
    ui_fmt(q[gold], 3, on, sizeof on);
    ui_fmt(eps / (float)(V - 1), 3, off, sizeof off);
    ui_num e;
    snprintf(t2, sizeof t2, _("smoothed, \xCE\xB5 = %s: %s, and %s on each of %d others"), ui_fmts(&e, eps, 3), on, off, V - 2);
    ui_bars_spec b = ui_bars_fixed(vals, n, labels, 0.0f, 1.2f, _("target")); /* room above 1 for the value label */
    b.title = t1, b.highlight = 0, b.show_values = 1;
    ui_bars(ctx->ui, top, &b);
    b.values = vals + n, b.labels = labels + n, b.title = t2;
    ui_bars(ctx->ui, bot, &b);
}

static void draw_dropout(const lesson_ctx *ctx, SDL_Rect r)
{
    ui_ctx *ui = ctx->ui;
    const trace *tr = ctx->tr;
    const int D = tr->cfg.d_model;
    const float p = ctx->training->hist ? ctx->training->hist->opt.dropout : 0.1f;
    float *m = lesson_floats(ctx, 2 * (size_t)D);
    if (!m) return;
    const float *sub = tr->enc[0].self.out; /* row 0 of the first encoder self-attention sub-layer output */
    unsigned h = 2166136261u ^ (unsigned)ctx->training->info.step;
    for (int j = 0; j < D; j++) {
        h = (h ^ (unsigned)j) * 16777619u;
        const int drop = (float)(h % 1000u) / 1000.0f < p;
        m[j] = sub[j];
        m[D + j] = drop ? 0.0f : sub[j] / (1.0f - p);
    }
    const char *const rows[2] = {_("Sublayer(x)"), _("dropout(Sublayer(x))")};
    char title[160];
    ui_num pn;
    snprintf(title, sizeof title, _("residual dropout, p = %s"), ui_fmts(&pn, p, 3));
    ui_heatmap_spec hm = ui_heatmap_matrix(m, 2, D, UI_CMAP_DIVERGING, _("value"));
    hm.row_labels = rows;
    hm.title = title;
    char s[900];
    snprintf(s, sizeof s,
             _("Above: encoder layer 1's self-attention output for the first word, and one dropout pattern. In training, every sub-layer's output loses a random %.0f%% of its values before it is added to the residual "
             "stream: LayerNorm(x + Dropout(Sublayer(x))); the rest are scaled by 1/(1 \xE2\x88\x92 %s) so the sum keeps its size. "
             "The same happens to embedding + positional encoding. A different pattern every step stops the model from "
             "relying on any single unit. When translating (every other lesson) dropout is off."),
             100.0 * p, pn.s);
    float size = UI_SIZE_BODY;
    SDL_Rect fig, txt;
    ui_split_prose(ui, r, s, &size, ui_px(ui, 120), r.h / 3, &fig, &txt);
    ui_heatmap(ui, inset(ctx, fig), &hm, NULL);
    ui_text_wrap(ui, UI_SANS, size, txt, 0, ui->theme->text, s);
}

static void tr_draw(const void *st, const lesson_ctx *ctx)
{
    const tr_state *s = st;
    if (!ctx->training) {
        lesson_no_memory(ctx);
        return;
    }
    tr_layout L;
    tr_layout_compute(ctx, &L);
    draw_controls(s, ctx, &L);
    if (ctx->step == 0) {
        draw_loss(ctx, L.panes[0]);
        draw_exact(ctx, L.panes[1]);
        draw_translation(ctx, L.panes[2], L.slider);
        draw_attention(s, ctx, L.panes[3], L.head_btn);
    } else if (ctx->step == 1) {
        draw_adam(ctx, L.panes[0]);
    } else {
        draw_smoothing(ctx, L.panes[0]);
        draw_dropout(ctx, L.panes[1]);
    }
}

/* The snapshot under the slider's x (one notch per snapshot, see draw_translation). */
static int slider_pick(const lesson_ctx *ctx, SDL_Rect sl, int x)
{
    const train_history *h = ctx->training->hist;
    if (!h || h->n_snaps < 2) return -1;
    const float v = ui_slider_value_at(sl, 1.0f, (float)h->n_snaps, x); /* snapshot number, as drawn */
    const int best = ui_f2i(v + 0.5f) - 1;
    return best == h->n_snaps - 1 && ctx->training->info.status != TRAIN_RUN_RECORDED ? -1 : best;
}

static int command(const lesson_ctx *ctx, int cmd, int arg)
{
    ctx->act->train_cmd = cmd;
    ctx->act->train_arg = arg;
    ctx->act->redraw = 1;
    return 1;
}

static int button_click(tr_state *s, const lesson_ctx *ctx, int b)
{
    const lesson_trainer_view *t = ctx->training;
    switch (b) {
    case B_START: return command(ctx, LESSON_TRAIN_START, 0);
    case B_PAUSE: return command(ctx, t->info.status == TRAIN_RUN_PAUSED ? LESSON_TRAIN_RESUME : LESSON_TRAIN_PAUSE, 0);
    case B_RESET: return command(ctx, LESSON_TRAIN_RESET, 0);
    case B_SPEED: s->speed = (s->speed + 1) % N_SPEEDS; return command(ctx, LESSON_TRAIN_SPEED, speeds[s->speed]);
    case B_USE: return command(ctx, t->using_weights ? LESSON_TRAIN_SHIPPED : LESSON_TRAIN_USE, 0);
    case B_SAVE: return command(ctx, LESSON_TRAIN_SAVE, 0);
    default: return 0;
    }
}

static int tr_event(void *st, const SDL_Event *ev, const lesson_ctx *ctx)
{
    tr_state *s = st;
    if (!ctx->training || !ctx->act) return 0;
    tr_layout L;
    tr_layout_compute(ctx, &L);
    if (ev->type == SDL_KEYDOWN) {
        if (lesson_plain_key(ev, SDLK_h)) { s->own_head = !s->own_head; ctx->act->redraw = 1; return 1; }
        if (lesson_plain_key(ev, SDLK_k)) return button_click(s, ctx, B_PAUSE);
        if (lesson_plain_key(ev, SDLK_g)) return button_click(s, ctx, B_START);
        if (lesson_plain_key(ev, SDLK_r)) return button_click(s, ctx, B_RESET);
        if (lesson_plain_key(ev, SDLK_u)) return button_click(s, ctx, B_USE);
        return 0;
    }
    const int down = ev->type == SDL_MOUSEBUTTONDOWN && ev->button.button == SDL_BUTTON_LEFT;
    const int drag = ev->type == SDL_MOUSEMOTION && (ev->motion.state & SDL_BUTTON_LMASK);
    const int x = down ? ev->button.x : ev->motion.x, y = down ? ev->button.y : ev->motion.y;
    if (!down && !drag) return 0;
    if (ctx->step == 0 && ui_point_in(L.slider, x, y)) return command(ctx, LESSON_TRAIN_VIEW, slider_pick(ctx, L.slider, x));
    if (!down) return 0;
    for (int b = 0; b < N_BUTTONS; b++)
        if (ui_point_in(L.buttons[b], x, y)) return button_click(s, ctx, b);
    if (ctx->step == 0 && ui_point_in(L.head_btn, x, y)) {
        s->own_head = !s->own_head;
        ctx->act->redraw = 1;
        return 1;
    }
    return 0;
}

static int tr_dump(const void *st, const lesson_ctx *ctx, char *dst, size_t n)
{
    const tr_state *s = st;
    if (!ctx->training) return 0;
    tr_layout L;
    tr_layout_compute(ctx, &L);
    lesson_json j = {dst, n, 0};
    lesson_json_put(&j, "{\"speed\": %d, \"own_head\": %d, ", speeds[s->speed], s->own_head);
    static const char *const names[N_BUTTONS] = {"start", "pause", "reset", "speed", "use", "save"};
    for (int b = 0; b < N_BUTTONS; b++) {
        lesson_json_rect(&j, names[b], L.buttons[b]);
        lesson_json_put(&j, ", ");
    }
    lesson_json_rect(&j, "slider", L.slider);
    lesson_json_put(&j, ", ");
    lesson_json_rect(&j, "head_button", L.head_btn);
    lesson_json_put(&j, "}");
    return lesson_json_end(&j);
}

static int tr_animating(const void *st, const lesson_ctx *ctx)
{
    (void)st;
    return ctx->training && (ctx->training->info.status == TRAIN_RUN_RUNNING ||
                             ctx->training->info.status == TRAIN_RUN_PREPARING);
}

const lesson lesson_training = {
    .slug = "training", .title = N_("Training"), .state_size = sizeof(tr_state), .steps = 3,
    .keys = N_("G start   K pause/resume   R reset   U use these weights / shipped   H sharpest head / yours"),
    .handle_event = tr_event, .draw = tr_draw, .dump_json = tr_dump, .animating = tr_animating,
};
