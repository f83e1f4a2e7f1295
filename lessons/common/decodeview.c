/* decodeview.c - greedy, beam and seeded temperature / top-k sampling side by
 * side for the output lesson (see decodeview.h). The runs are engine calls
 * (sample_translate, beamview); the distributions drawn are sample.c's
 * sample_distribution of the live trace's logits row, so the picture is the
 * very distribution the samples were drawn from.
 *
 * Must not: change the live trace, or keep pointers into it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beamview.h"
#include "decodeview.h"
#include "lesson_layout.h"
#include "sample.h"

#define DV_TEXT 192
#define DV_TOP 10
#define DV_LAB 110 /* logical px: the distribution's word column, and each number's after its bar */
#define DV_NUM 64
#define DV_LABEL_T _("temperature T")
#define DV_LABEL_K "top-k"
#define DV_LABEL_SEED _("seed")

static const double temps[] = {0.5, 1.0, 1.5, 2.0, 3.0};
static const int top_ks[] = {1, 3, 5, 10, 0};
#define N_T ((int)(sizeof temps / sizeof temps[0]))
#define N_K ((int)(sizeof top_ks / sizeof top_ks[0]))

struct decodeview {
    int ti, ki, seed;             /* the choices: temps[ti], top_ks[ki], first seed */
    trace tr;                     /* the samples' runs */
    int has_trace;
    beamview *bv;
    /* key of the last refresh */
    const model_params *params;
    int n_src, src_ids[1024], key_ti, key_ki, key_seed, valid;
    char beam[DV_TEXT], samples[DECODEVIEW_SAMPLES][DV_TEXT], err[200];
};

typedef struct {
    SDL_Rect t_btn[N_T], k_btn[N_K], seed_prev, seed_next, seed_label, dist, texts;
    int label_t_x, label_k_x, label_s_x, row_y, row_h;
} dv_layout;

decodeview *decodeview_new(const model_config *cfg)
{
    decodeview *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->ti = 2;   /* T = 1.5 */
    d->ki = 3;   /* top 10 */
    d->seed = 1;
    d->bv = beamview_new(cfg);
    if (!d->bv || (cfg && trace_init(&d->tr, cfg) != 0)) {
        beamview_free(d->bv);
        free(d);
        return NULL;
    }
    d->has_trace = cfg != NULL;
    return d;
}

void decodeview_free(decodeview *d)
{
    if (!d) return;
    if (d->has_trace) trace_free(&d->tr);
    beamview_free(d->bv);
    free(d);
}

void decodeview_refresh(decodeview *d, const lesson_ctx *ctx)
{
    const trace *live = ctx->tr;
    const model_params *p = ctx->params;
    if (!d || !p || live->n_src < 1) return;
    if (d->valid && d->params == p && d->n_src == live->n_src && d->key_ti == d->ti && d->key_ki == d->ki &&
        d->key_seed == d->seed && memcmp(d->src_ids, live->src_ids, sizeof(int) * (size_t)live->n_src) == 0)
        return;
    d->valid = 0;
    d->err[0] = 0;
    if (d->has_trace && memcmp(&d->tr.cfg, &p->cfg, sizeof p->cfg) != 0) {
        trace_free(&d->tr);
        d->has_trace = 0;
    }
    if (!d->has_trace && trace_init(&d->tr, &p->cfg) != 0) {
        snprintf(d->err, sizeof d->err, _("out of memory for the samples"));
        return;
    }
    d->has_trace = 1;
    const beam_result *b = beamview_get(d->bv, p, live->src_ids, live->n_src, 4, 0.6, d->err, sizeof d->err);
    d->beam[0] = 0;
    if (b && b->n_hyps > 0)
        tok_detokenize(ctx->vocab, b->hyps[0].ids, b->hyps[0].eos ? b->hyps[0].len - 1 : b->hyps[0].len, d->beam,
                       sizeof d->beam);
    for (int k = 0; k < DECODEVIEW_SAMPLES; k++) {
        d->samples[k][0] = 0;
        if (sample_translate(p, live->src_ids, live->n_src, temps[d->ti], top_ks[d->ki], (uint64_t)(d->seed + k),
                             &d->tr, d->err, sizeof d->err) == 0)
            trace_output_text(&d->tr, ctx->vocab, d->samples[k], sizeof d->samples[k]);
    }
    d->params = p;
    d->n_src = live->n_src;
    memcpy(d->src_ids, live->src_ids, sizeof(int) * (size_t)live->n_src);
    d->key_ti = d->ti;
    d->key_ki = d->ki;
    d->key_seed = d->seed;
    d->valid = 1;
}

static void dv_layout_of(const lesson_ctx *ctx, SDL_Rect r, dv_layout *L)
{
    ui_ctx *ui = ctx->ui;
    memset(L, 0, sizeof *L);
    const int bh = ui_px(ui, 30), bw = ui_px(ui, 46), pad = ui_px(ui, 6);
    int x = r.x, w;
    L->row_y = r.y;
    L->row_h = bh;
    L->label_t_x = x;
    ui_text_size(ui, UI_BOLD, UI_SIZE_SMALL, DV_LABEL_T, &w, NULL);
    x += w + 2 * pad;
    for (int i = 0; i < N_T; i++, x += bw + pad) L->t_btn[i] = (SDL_Rect){x, r.y, bw, bh};
    x += 2 * pad;
    L->label_k_x = x;
    ui_text_size(ui, UI_BOLD, UI_SIZE_SMALL, DV_LABEL_K, &w, NULL);
    x += w + 2 * pad;
    for (int i = 0; i < N_K; i++, x += bw + pad) L->k_btn[i] = (SDL_Rect){x, r.y, bw, bh};
    x += 2 * pad;
    L->label_s_x = x;
    ui_text_size(ui, UI_BOLD, UI_SIZE_SMALL, DV_LABEL_SEED, &w, NULL);
    x += w + 2 * pad;
    L->seed_prev = (SDL_Rect){x, r.y, ui_px(ui, 36), bh};
    L->seed_label = (SDL_Rect){x + ui_px(ui, 36) + pad, r.y, ui_px(ui, 44), bh};
    L->seed_next = (SDL_Rect){L->seed_label.x + L->seed_label.w + pad, r.y, ui_px(ui, 36), bh};
    const int y = r.y + bh + 2 * pad, h = r.y + r.h - y;
    /* the distribution as wide as its labels, numbers and two 100 px bars need (40..52% of r); the
     * translations get the rest: a 30-word sentence's need the width more than the bars do */
    const int dist_w = lesson_clamp(ui_px(ui, DV_LAB + 2 * DV_NUM + 200), r.w * 40 / 100, r.w * 52 / 100);
    const int gap = ui_px(ui, 24);
    L->dist = (SDL_Rect){r.x, y, dist_w, h};
    L->texts = (SDL_Rect){r.x + dist_w + gap, y, r.w - dist_w - gap, h};
}

static void draw_choices(const decodeview *d, const lesson_ctx *ctx, const dv_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const int mid = L->row_y + L->row_h / 2;
    char b[32];
    ui_text(ui, UI_BOLD, UI_SIZE_SMALL, L->label_t_x, mid, t->text, UI_LEFT | UI_MIDDLE, DV_LABEL_T);
    for (int i = 0; i < N_T; i++) {
        ui_fmt(temps[i], 2, b, sizeof b);
        ui_button(ui, L->t_btn[i], b, i == d->ti);
    }
    ui_text(ui, UI_BOLD, UI_SIZE_SMALL, L->label_k_x, mid, t->text, UI_LEFT | UI_MIDDLE, DV_LABEL_K);
    for (int i = 0; i < N_K; i++) {
        if (top_ks[i]) snprintf(b, sizeof b, "%d", top_ks[i]);
        else snprintf(b, sizeof b, _("all"));
        ui_button(ui, L->k_btn[i], b, i == d->ki);
    }
    ui_text(ui, UI_BOLD, UI_SIZE_SMALL, L->label_s_x, mid, t->text, UI_LEFT | UI_MIDDLE, DV_LABEL_SEED);
    ui_button(ui, L->seed_prev, "\xE2\x97\x80", 0);
    ui_button(ui, L->seed_next, "\xE2\x96\xB6", 0);
    snprintf(b, sizeof b, "%d", d->seed);
    ui_text_fit(ui, UI_MONO, UI_SIZE_BODY, L->seed_label.x + L->seed_label.w / 2, mid, L->seed_label.w, t->text,
                UI_CENTER | UI_MIDDLE, b);
}

/* The model's p = softmax(logits) and the sampling distribution q at step t, for the DV_TOP most likely words. */
static void draw_dist(const decodeview *d, const lesson_ctx *ctx, SDL_Rect r, int t)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *th = ui->theme;
    const trace *tr = ctx->tr;
    const int V = tr->cfg.vocab_size;
    double *q = lesson_scratch_alloc(ctx->scratch, sizeof(double) * (size_t)V);
    const float *p = tr->probs + (size_t)t * V, *logits = tr->logits + (size_t)t * V;
    if (!q || sample_distribution(logits, V, temps[d->ti], top_ks[d->ki], q) < 0) return;
    int ids[DV_TOP], n = 0;
    for (int v = 0; v < V; v++) { /* the DV_TOP largest p, largest first (ties: lower id) */
        int pos = n < DV_TOP ? n++ : DV_TOP;
        if (pos == DV_TOP && !(p[v] > p[ids[DV_TOP - 1]])) continue;
        if (pos == DV_TOP) pos = DV_TOP - 1;
        while (pos > 0 && p[v] > p[ids[pos - 1]]) {
            ids[pos] = ids[pos - 1];
            pos--;
        }
        ids[pos] = v;
    }
    const int lab = ui_px(ui, DV_LAB), num = ui_px(ui, DV_NUM);
    char b[160];
    snprintf(b, sizeof b, _("step %d, after \xE2\x80\x9C%s\xE2\x80\x9D: p = softmax (grey), q sampled from (blue)"), t + 1,
             tok_vocab_word(ctx->vocab, tr->tgt_ids[t]));
    const int title_h = ui_text_wrap(ui, UI_BOLD, UI_SIZE_SMALL, (SDL_Rect){r.x, r.y, r.w, r.h}, 0, th->text, b);
    const int y0 = r.y + title_h + ui_px(ui, 4), rh = (r.h - title_h - ui_px(ui, 4)) / DV_TOP;
    const int bw = (r.w - lab - 2 * num) / 2;
    for (int i = 0; i < n; i++) {
        const int y = y0 + i * rh, mid = y + rh / 2, bh = rh * 3 / 8;
        ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, r.x, mid, lab - ui_px(ui, 6), th->text, UI_LEFT | UI_MIDDLE,
                    tok_vocab_word(ctx->vocab, ids[i]));
        const double vals[2] = {p[ids[i]], q[ids[i]]};
        for (int s = 0; s < 2; s++) {
            const SDL_Rect bar = {r.x + lab + s * (bw + num), mid - (s ? 0 : bh), (int)(bw * vals[s]), bh};
            ui_fill(ui, bar, s ? th->accent : th->text_dim);
            if (vals[s] > 0.0 && vals[s] < 0.001) snprintf(b, sizeof b, "<0.001");
            else ui_fmt(vals[s], 3, b, sizeof b);
            ui_text_fit(ui, UI_MONO, UI_SIZE_SMALL * 0.85f, r.x + lab + s * (bw + num) + bw + ui_px(ui, 4),
                        mid - (s ? -bh / 2 : bh / 2), num - ui_px(ui, 8), s ? th->accent : th->text_dim,
                        UI_LEFT | UI_MIDDLE, b);
            if (ui_mouse_in(ui, (SDL_Rect){r.x + lab + s * (bw + num), y, bw, rh}))
                ui_hover_value(ui, bar, vals[s], "%s(\xE2\x80\x9C%s\xE2\x80\x9D)", s ? "q" : "p",
                               tok_vocab_word(ctx->vocab, ids[i]));
        }
    }
}

/* The texts column: greedy's translation in full, then beam search's and each seeded sample's, written out
 * in full only where it differs from greedy's (else "same as greedy": a 30-word sentence's four samples
 * would not fit, and the difference is the point), each wrapped onto as many lines as it needs at the
 * largest size (small down to the legal one) at which all of them fit r; what the column cannot hold even
 * then is cut at its bottom (and the audit reports it). */
static void draw_texts(const decodeview *d, const lesson_ctx *ctx, SDL_Rect r)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    enum { N_ITEMS = 6 + DECODEVIEW_SAMPLES };
    char greedy[DV_TEXT], samp[DV_TEXT + 64], tb[16], seeds[DECODEVIEW_SAMPLES][DV_TEXT + 64];
    trace_output_text(ctx->tr, ctx->vocab, greedy, sizeof greedy);
    const char *same = _("same as greedy");
    ui_fmt(temps[d->ti], 2, tb, sizeof tb);
    if (top_ks[d->ki]) snprintf(samp, sizeof samp, _("sampled, T = %s, top-k %d (orange: not greedy's)"), tb, top_ks[d->ki]);
    else snprintf(samp, sizeof samp, _("sampled, T = %s, every word (orange: not greedy's)"), tb);
    typedef struct { const char *s; ui_face face; SDL_Color c; int gap; } item; /* gap: logical px after it */
    item it[N_ITEMS] = {
        {_("greedy (argmax at every step)"), UI_BOLD, t->text_dim, 0}, {greedy, UI_SANS, t->text, 8},
        {_("beam search (beam 4, \xCE\xB1 0.6, lesson 15)"), UI_BOLD, t->text_dim, 0},
        {strcmp(d->beam, greedy) ? d->beam : same, UI_SANS, t->text, 8}, {samp, UI_BOLD, t->text_dim, 0}};
    int n = 5;
    for (int k = 0; k < DECODEVIEW_SAMPLES; k++, n++) {
        const int differs = strcmp(d->samples[k], greedy) != 0;
        snprintf(seeds[k], sizeof seeds[k], _("seed %d: %s"), d->seed + k, differs ? d->samples[k] : same);
        it[n] = (item){seeds[k], UI_SANS, differs ? t->warn : t->text, 4};
    }
    if (d->err[0]) it[n++] = (item){d->err, UI_SANS, t->error, 0};
    float size = UI_SIZE_SMALL;
    for (;; size -= 1.0f) { /* the largest size at which every text, wrapped, fits the column */
        int h = 0;
        for (int i = 0; i < n; i++)
            h += ui_text_wrap(ui, it[i].face, size, (SDL_Rect){r.x, 0, r.w, 0}, 0, it[i].c, it[i].s) + ui_px(ui, (float)it[i].gap);
        if (h <= r.h || size - 1.0f < UI_SIZE_LEGAL) break;
    }
    int y = r.y;
    for (int i = 0; i < n; i++) { /* what the column cannot hold is reported cut (a box at least 1 px tall) */
        const int room = r.y + r.h - y > 1 ? r.y + r.h - y : 1;
        const int h = ui_text_wrap(ui, it[i].face, size, (SDL_Rect){r.x, y, r.w, room}, 0, it[i].c, it[i].s);
        y += h + ui_px(ui, (float)it[i].gap);
    }
}

void decodeview_draw(decodeview *d, const lesson_ctx *ctx, SDL_Rect r, int t)
{
    if (!d || !ctx->tr || ctx->tr->n_tgt < 1 || !ctx->tr->probs) return;
    decodeview_refresh(d, ctx);
    dv_layout L;
    dv_layout_of(ctx, r, &L);
    draw_choices(d, ctx, &L);
    draw_dist(d, ctx, L.dist, lesson_clamp(t, 0, ctx->tr->n_tgt - 1));
    draw_texts(d, ctx, L.texts);
}

int decodeview_event(decodeview *d, const SDL_Event *ev, const lesson_ctx *ctx, SDL_Rect r)
{
    if (!d || ev->type != SDL_MOUSEBUTTONDOWN || ev->button.button != SDL_BUTTON_LEFT) return 0;
    dv_layout L;
    dv_layout_of(ctx, r, &L);
    const int x = ev->button.x, y = ev->button.y;
    int hit = 0;
    for (int i = 0; i < N_T; i++)
        if (ui_point_in(L.t_btn[i], x, y)) d->ti = i, hit = 1;
    for (int i = 0; i < N_K; i++)
        if (ui_point_in(L.k_btn[i], x, y)) d->ki = i, hit = 1;
    if (ui_point_in(L.seed_prev, x, y) && d->seed > 1) d->seed--, hit = 1;
    if (ui_point_in(L.seed_next, x, y) && d->seed < 999) d->seed++, hit = 1;
    if (hit) decodeview_refresh(d, ctx);
    return hit;
}

int decodeview_dump(const decodeview *d, const lesson_ctx *ctx, SDL_Rect r, char *dst, size_t n)
{
    if (!d) return 0;
    char greedy[DV_TEXT];
    trace_output_text(ctx->tr, ctx->vocab, greedy, sizeof greedy);
    dv_layout L;
    dv_layout_of(ctx, r, &L);
    lesson_json j = {dst, n, 0};
    lesson_json_put(&j, "{\"temperature\": %g, \"top_k\": %d, \"seed\": %d, \"greedy\": \"%s\", \"beam\": \"%s\", ",
                    temps[d->ti], top_ks[d->ki], d->seed, greedy, d->beam);
    lesson_json_rect(&j, "t_btn_last", L.t_btn[N_T - 1]);
    lesson_json_put(&j, ", ");
    lesson_json_rect(&j, "k_btn_first", L.k_btn[0]);
    lesson_json_put(&j, ", \"samples\": [");
    for (int k = 0; k < DECODEVIEW_SAMPLES; k++) lesson_json_put(&j, "%s\"%s\"", k ? ", " : "", d->samples[k]);
    lesson_json_put(&j, "]}");
    return lesson_json_end(&j);
}
