/* lesson_embedding.c - lesson 2, "Token embedding", in two steps:
 *   1 this sentence's rows of the embedding matrix, scaled: the trace's
 *     enc_embed [S x D] = E[id] * sqrt(D) as a heatmap, with the formula, the
 *     factor sqrt(64) = 8 and the shapes; hovering a cell names the token, the
 *     dimension, E[id][d] and the product;
 *   2 the whole vocabulary E [V x D] projected onto its first three principal
 *     axes, before training (the seeded initial weights, ctx->untrained) and
 *     after (ctx->params), side by side with one shared camera: drag to turn,
 *     wheel to zoom; the sentence's words and its translation's words are lit
 *     and labelled in both; hovering a point gives the word and coordinates.
 * The heatmap values come from the trace; E[id][d] on hover is read from the
 * parameters. The PCA (lessons/common/pca.c) is display math computed once per model
 * (at init, or when the parameter block changes), never per frame.
 *
 * Must not: change the trace, run the model, or draw outside ctx->area.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "lesson_layout.h"
#include "pca.h"

#define EMB_FIRST 1 /* first id in the PCA: <pad> is left out (see pca_update) */
enum { VIEW_BEFORE = 0, VIEW_AFTER = 1, N_VIEWS = 2 };

typedef struct {
    const float *src;     /* the embedding matrix the cache was made from (identity check only) */
    int V, D;
    float *coords;        /* [V, 3] principal coordinates */
    float var[3], total;  /* variance along each axis, and in all D dimensions */
    float extent;         /* largest |coordinate|: the view's unit */
    int ok;
    char err[160];
} emb_pca;

typedef struct {
    emb_pca pca[N_VIEWS];
    ui_camera cam;
    int dragging, last_x, last_y;
} emb_state;

typedef struct {
    SDL_Rect formula, shapes, heat, note, strip;
    SDL_Rect view[N_VIEWS], caption;
} emb_layout;

static void emb_layout_compute(const lesson_ctx *ctx, int step, emb_layout *L)
{
    ui_ctx *ui = ctx->ui;
    SDL_Rect a = ctx->area;
    int sh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int pad = ui_px(ui, 8);
    int y = lesson_formula_line(ctx, &L->formula);
    if (step == 0) {
        L->shapes = (SDL_Rect){a.x, y, a.w, sh};
        y += sh + pad;
        L->note = (SDL_Rect){a.x, a.y + a.h - 2 * sh, a.w, 2 * sh};
        int sw = a.w * 16 / 100, gap = a.w * 7 / 100;
        L->strip = (SDL_Rect){a.x, y, sw, L->note.y - pad - y};
        L->heat = (SDL_Rect){a.x + sw + gap, y, a.w - sw - gap, L->note.y - pad - y};
    } else {
        L->caption = (SDL_Rect){a.x, a.y + a.h - 2 * sh, a.w, 2 * sh};
        int vw = (a.w - 2 * pad) / 2;
        int vh = L->caption.y - pad - y;
        for (int v = 0; v < N_VIEWS; v++) L->view[v] = (SDL_Rect){a.x + v * (vw + 2 * pad), y, vw, vh};
    }
}

/* lesson.layout (into zeroed memory) */
static void emb_layout_of(const void *st, const lesson_ctx *ctx, void *L) { (void)st; emb_layout_compute(ctx, ctx->step, L); }

static void pca_clear(emb_pca *p)
{
    free(p->coords);
    memset(p, 0, sizeof *p);
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* (Re)computes the projection when the matrix differs from the cached one. */
static void pca_update(emb_pca *p, const model_params *m)
{
    const float *E = m ? m->embedding : NULL;
    int V = m ? m->cfg.vocab_size : 0, D = m ? m->cfg.d_model : 0;
    if (p->src == E && p->V == V && p->D == D && (p->ok || p->err[0] || !E)) return;
    pca_clear(p);
    p->src = E;
    p->V = V;
    p->D = D;
    if (!E || V < EMB_FIRST + 3 || D < 3) return;
    float *mean = malloc(sizeof(float) * (size_t)D), *axes = malloc(sizeof(float) * 3 * (size_t)D);
    p->coords = malloc(sizeof(float) * 3 * (size_t)V);
    float *mag = malloc(sizeof(float) * 3 * (size_t)V);
    /* <pad> (id 0) is left out of the fit: it is never read and never a target,
     * so training only pushes its row far away and it would be PC1 alone. */
    const float *rows = E + EMB_FIRST * (size_t)D;
    int nrows = V - EMB_FIRST;
    if (!mean || !axes || !p->coords || !mag) {
        snprintf(p->err, sizeof p->err, _("out of memory for the projection"));
    } else if (pca_fit(rows, nrows, D, 3, mean, axes, p->var, &p->total, p->err, sizeof p->err) == 0) {
        pca_project(E, V, D, 3, mean, axes, p->coords);
        /* the view's unit: the 97th percentile of |coordinate|, so one far word
         * does not shrink the cloud to a dot (it is drawn outside instead) */
        int m = 3 * nrows;
        for (int i = 0; i < m; i++) mag[i] = fabsf(p->coords[3 * EMB_FIRST + i]);
        qsort(mag, (size_t)m, sizeof *mag, cmp_float);
        float ext = mag[(m - 1) * 97 / 100];
        p->extent = ext > 0 ? ext : 1;
        p->ok = 1;
    }
    free(mag);
    free(mean);
    free(axes);
}

/* View v's projection: a cache, made on the lesson's first use (not at start-up: the web page's first frame
 * does not wait for it) and again when the model changed (pca_update compares the matrix it was made from). */
static const emb_pca *emb_pca_get(const emb_state *cs, const lesson_ctx *ctx, int v)
{
    emb_state *s = (emb_state *)cs; /* the cache is the only thing changed here */
    pca_update(&s->pca[v], v == VIEW_AFTER ? ctx->params : ctx->untrained);
    return &s->pca[v];
}

static int emb_init(void *st, const lesson_ctx *ctx)
{
    emb_state *s = st;
    (void)ctx;
    ui_camera_init(&s->cam);
    s->cam.distance = 3.6f;
    return 0;
}

static void emb_free(void *st)
{
    emb_state *s = st;
    for (int v = 0; v < N_VIEWS; v++) pca_clear(&s->pca[v]);
}

/* ---- step 1: the heatmap -------------------------------------------------- */

static void draw_heat(const lesson_ctx *ctx, const emb_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const trace *tr = ctx->tr;
    int D = tr->cfg.d_model, S = tr->n_src, V = tr->cfg.vocab_size;
    double f = sqrt((double)D);
    char b[400];
    ui_num fs, es;
    ui_fmts(&fs, f, 4); /* √d_model: 8 */
    snprintf(b, sizeof b, _("x\xE1\xB5\xA2 = E[id\xE1\xB5\xA2] \xC2\xB7 \xE2\x88\x9A" "d_model = E[id\xE1\xB5\xA2] \xC2\xB7 \xE2\x88\x9A%d = E[id\xE1\xB5\xA2] \xC2\xB7 %s"),
             D, fs.s);
    ui_formula(ui, UI_SIZE_BODY, L->formula.x, L->formula.y, t->accent, UI_LEFT, b);
    snprintf(b, sizeof b, _("E : [V\xC3\x97" "D] = [%d\xC3\x97%d]   \xE2\x86\x92   the ids [%d] pick %d rows   \xE2\x86\x92   \xC3\x97 %s   \xE2\x86\x92   [%d\xC3\x97%d]"),
             V, D, S, S, fs.s, S, D);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->shapes.x, L->shapes.y, L->shapes.w, t->text, UI_LEFT, b);

    const char **labs = lesson_token_labels(ctx, tr->src_ids, S, LESSON_LABEL_ID);
    if (!labs) return;
    ui_heatmap_spec h = ui_heatmap_matrix(tr->enc_embed, S, D, UI_CMAP_DIVERGING, "E\xC2\xB7\xE2\x88\x9A" "d");
    h.row_labels = labs;
    snprintf(b, sizeof b, _("E[ids] \xC3\x97 %s : [%d\xC3\x97%d]   rows: tokens (id), columns: dimensions"), fs.s, S, D);
    h.title = b;
    h.highlight_row = ctx->sel->token;
    ui_heatmap_out out;
    int hovered = ui_heatmap(ui, L->heat, &h, &out);
    /* the whole matrix E on the left, the rows this sentence picks joined to its rows */
    ui_heatmap_spec e = ui_heatmap_matrix(ctx->params->embedding, V, D, UI_CMAP_DIVERGING, "E");
    char et[96];
    snprintf(et, sizeof et, "E : [%d\xC3\x97%d]", V, D);
    e.title = et;
    /* colour range from the rows in use: <pad>'s row is far larger (it is never
     * used, see pca_update) and would wash every other row out */
    float emax = 0;
    for (size_t k = (size_t)EMB_FIRST * (size_t)D; k < (size_t)V * (size_t)D; k++) emax = fmaxf(emax, fabsf(ctx->params->embedding[k]));
    e.fixed_range = 1;
    e.vmin = -(emax > 0 ? emax : 1);
    e.vmax = emax > 0 ? emax : 1;
    ui_heatmap_out eo;
    int ehov = ui_heatmap(ui, L->strip, &e, &eo);
    if (eo.cell_h > 0 && out.cell_h > 0) {
        for (int i = 0; i < S; i++) {
            int id = tr->src_ids[i];
            float y0 = (float)eo.cells.y + ((float)id + 0.5f) * (float)eo.cell_h;
            float y1 = (float)out.cells.y + ((float)i + 0.5f) * (float)out.cell_h;
            SDL_Color c = i == ctx->sel->token ? t->accent : ui_alpha(t->accent, 150);
            ui_fill(ui, (SDL_Rect){eo.cells.x - ui_px(ui, 3), ui_f2i(y0) - ui_px(ui, 1), eo.cells.w + ui_px(ui, 6), ui_px(ui, 2)}, c);
            ui_arrow(ui, (float)(eo.cells.x + eo.cells.w + ui_px(ui, 4)), y0, (float)(L->heat.x - ui_px(ui, 4)), y1,
                     (float)ui_px(ui, 1.5f), c);
        }
        char f8[64];
        snprintf(f8, sizeof f8, "\xC3\x97 %s", fs.s);
        const int gx = L->strip.x + L->strip.w, gw = L->heat.x - gx; /* in the gap the arrows cross, under them */
        ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, gx + gw / 2, eo.cells.y + eo.cells.h, gw, t->accent, UI_CENTER | UI_BOTTOM, f8);
    }
    if (ehov) {
        int id = eo.hover_row, d = eo.hover_col;
        SDL_Rect cell = {eo.cells.x + d * eo.cell_w, eo.cells.y + id * eo.cell_h, eo.cell_w, eo.cell_h};
        ui_hover_value(ui, cell, ctx->params->embedding[(size_t)id * (size_t)D + (size_t)d], _("E[%d][%d] (\xE2\x80\x9C%s\xE2\x80\x9D, dim %d), before \xC3\x97 %s"),
                       id, d, tok_vocab_word(ctx->vocab, id), d, fs.s);
    }
    if (hovered) {
        int i = out.hover_row, d = out.hover_col, id = tr->src_ids[i];
        float e = ctx->params->embedding[(size_t)id * (size_t)D + (size_t)d];
        SDL_Rect cell = {out.cells.x + d * out.cell_w, out.cells.y + i * out.cell_h, out.cell_w, out.cell_h};
        ui_hover_value(ui, cell, tr->enc_embed[i * D + d], _("\xE2\x80\x9C%s\xE2\x80\x9D position %d (id %d), dimension %d: E[%d][%d] \xC3\x97 %s = %s \xC3\x97 %s"),
                       tok_vocab_word(ctx->vocab, id), i, id, d, id, d, fs.s, ui_fmts(&es, e, 5), fs.s);
    }
    ui_text_wrap(ui, UI_SANS, UI_SIZE_SMALL, L->note, 0, t->text_dim,
                _("English and German share this one vocabulary and this one matrix E, which the output layer reuses (tied weights, lesson 13). "
                "A word gives the same row wherever it stands: position is added next (lesson 3)."));
}

/* ---- step 2: the vocabulary in 3-D ---------------------------------------- */

typedef struct { float x, y, depth; int id; int kind; } emb_pt; /* kind 0 vocabulary, 1 sentence, 2 translation */

static int pt_far_first(const void *a, const void *b)
{
    const emb_pt *p = a, *q = b;
    if (p->kind != q->kind) return p->kind - q->kind; /* lit words on top */
    if (p->depth != q->depth) return p->depth > q->depth ? -1 : 1;
    return p->id - q->id;
}

/* 1 sentence word, 2 translation word, 0 neither. */
static int word_kind(const trace *tr, int id)
{
    for (int i = 0; i < tr->n_src; i++) if (tr->src_ids[i] == id) return 1;
    for (int i = 0; i < tr->n_out; i++) if (tr->out_ids[i] == id) return 2;
    return 0;
}

/* Projects every word of view v; returns a malloc'ed array of V points sorted far to near (NULL if none). */
static emb_pt *project_view(const emb_state *s, const lesson_ctx *ctx, SDL_Rect view, int v, int *n)
{
    const emb_pca *p = emb_pca_get(s, ctx, v);
    *n = 0;
    if (!p->ok) return NULL;
    emb_pt *pts = malloc(sizeof(emb_pt) * (size_t)p->V);
    if (!pts) return NULL;
    int k = 0;
    for (int id = EMB_FIRST; id < p->V; id++) {
        float q[3] = {p->coords[id * 3] / p->extent, p->coords[id * 3 + 1] / p->extent, p->coords[id * 3 + 2] / p->extent};
        float x, y, d;
        if (!ui_camera_project(&s->cam, view, q, &x, &y, &d)) continue;
        pts[k++] = (emb_pt){x, y, d, id, word_kind(ctx->tr, id)};
    }
    qsort(pts, (size_t)k, sizeof *pts, pt_far_first);
    *n = k;
    return pts;
}


/* The first of n candidate places that lies inside the panel and overlaps none of the placed rects, -1 when
 * all are taken (a label at the panel's edge goes to the dot's other side instead of being cut). */
static int free_place(SDL_Rect panel, const SDL_Rect *placed, int n_placed, const SDL_Rect *cand, int n)
{
    for (int c = 0; c < n; c++) {
        SDL_Rect in;
        int clash = !SDL_IntersectRect(&cand[c], &panel, &in) || in.w != cand[c].w || in.h != cand[c].h;
        for (int j = 0; j < n_placed && !clash; j++) clash = SDL_HasIntersection(&cand[c], &placed[j]);
        if (!clash) return c;
    }
    return -1;
}

/* The labels of the lit words of pts[0..n) (dots of radius rl), nearest first: each takes the first free
 * place right, left, above or below its dot inside inner, and is added to placed[0..*n_placed) (at most 128). */
static void word_labels(const lesson_ctx *ctx, const emb_pt *pts, int n, float rl, SDL_Rect inner, SDL_Rect *placed, int *n_placed)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    for (int i = n - 1; i >= 0; i--) {
        const emb_pt *q = &pts[i];
        if (q->kind == 0) continue;
        const char *w = tok_vocab_word(ctx->vocab, q->id);
        int tw, th, g = ui_f2i(rl) + ui_px(ui, 2);
        ui_text_size(ui, UI_BOLD, UI_SIZE_SMALL, w, &tw, &th);
        int bw = tw + ui_px(ui, 4), qx = ui_f2i(q->x), qy = ui_f2i(q->y);
        SDL_Rect cand[6] = {{qx + g, qy - th / 2, bw, th}, {qx - g - bw, qy - th / 2, bw, th}, {qx - bw / 2, qy - g - th, bw, th},
                            {qx - bw / 2, qy + g, bw, th}, {qx + g, qy - th - g / 2, bw, th}, {qx + g, qy + g / 2, bw, th}};
        int c = free_place(inner, placed, *n_placed, cand, 6);
        if (c < 0 || *n_placed >= 128) continue; /* crowded: the dot stays, hover names it */
        SDL_Rect bg = cand[c];
        placed[(*n_placed)++] = bg;
        ui_fill(ui, bg, ui_alpha(t->panel, 190));
        ui_text(ui, UI_BOLD, UI_SIZE_SMALL, bg.x + ui_px(ui, 2), bg.y + th / 2, q->kind == 1 ? t->accent : t->series[1], UI_LEFT | UI_MIDDLE, w);
    }
}

static void draw_view(const emb_state *s, const lesson_ctx *ctx, SDL_Rect r, int v)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    const emb_pca *p = emb_pca_get(s, ctx, v);
    char b[300];
    int lh = ui_line_height(ui, UI_BOLD, UI_SIZE_LARGE);
    ui_fill(ui, r, t->panel);
    ui_frame(ui, r, t->border, 1);
    const char *title = v == VIEW_AFTER ? (ctx->model_is_trained ? _("after training") : _("loaded model (untrained!)"))
                                        : _("before training");
    const SDL_Color title_c = v == VIEW_AFTER ? t->accent : t->text;
    if (!p->ok) {
        ui_text(ui, UI_BOLD, UI_SIZE_LARGE, r.x + ui_px(ui, 10), r.y + ui_px(ui, 6), title_c, UI_LEFT, title);
        snprintf(b, sizeof b, "%s", p->err[0] ? p->err
                                  : v == VIEW_BEFORE ? _("the untrained weights (assets/model-untrained.safetensors) are not loaded")
                                                     : _("no embedding matrix"));
        SDL_Rect in = {r.x + ui_px(ui, 10), r.y + lh + ui_px(ui, 20), r.w - ui_px(ui, 20), r.h - lh - ui_px(ui, 30)};
        ui_text_wrap(ui, UI_SANS, UI_SIZE_BODY, in, 0, t->warn, b);
        return;
    }
    snprintf(b, sizeof b, _("%s  \xC2\xB7  PC1\xE2\x80\x93" "3 hold %.0f%% of the variance"),
             v == VIEW_BEFORE ? _("seeded random start") : ctx->model_is_trained ? _("the trained weights") : _("the app runs untrained weights"), 100.0 * (p->var[0] + p->var[1] + p->var[2]) / (p->total > 0 ? p->total : 1));
    int sub_w = 0;
    ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, b, &sub_w, NULL);
    if (sub_w > r.w - ui_px(ui, 20)) sub_w = r.w - ui_px(ui, 20);
    SDL_Rect view = {r.x, r.y + lh, r.w, r.h - lh};
    SDL_RenderSetClipRect(ui->r, &r);
    /* every label takes a free place: the subtitle's first, then the axes' names, then the words' */
    SDL_Rect placed[128];
    int n_placed = 0, title_w = 0;
    const SDL_Rect inner = {r.x + 1, r.y + 1, r.w - 2, r.h - 2};
    ui_text_size(ui, UI_BOLD, UI_SIZE_LARGE, title, &title_w, NULL);
    placed[n_placed++] = (SDL_Rect){r.x + ui_px(ui, 10), r.y + ui_px(ui, 6), title_w, lh};
    placed[n_placed++] = (SDL_Rect){r.x + ui_px(ui, 10), r.y + ui_px(ui, 8) + lh, sub_w, ui_line_height(ui, UI_SANS, UI_SIZE_SMALL)};
    /* axes through the centre, each named at its tip (or beside it when that place is taken) */
    const char *const axn[3] = {_("PC1"), _("PC2"), _("PC3")};
    for (int a = 0; a < 3; a++) {
        float p0[3] = {0, 0, 0}, p1[3] = {0, 0, 0};
        p0[a] = -1.0f;
        p1[a] = 1.1f;
        float x0, y0, x1, y1;
        if (ui_camera_project(&s->cam, view, p0, &x0, &y0, NULL) && ui_camera_project(&s->cam, view, p1, &x1, &y1, NULL)) {
            ui_arrow(ui, x0, y0, x1, y1, (float)ui_px(ui, 1.5f), t->grid);
            int tw, th, qx = ui_f2i(x1), qy = ui_f2i(y1), g = ui_px(ui, 4);
            ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, axn[a], &tw, &th);
            SDL_Rect cand[4] = {{qx - tw / 2, qy - th, tw, th}, {qx - tw / 2, qy + g, tw, th}, {qx + g, qy - th / 2, tw, th}, {qx - g - tw, qy - th / 2, tw, th}};
            int c = free_place(inner, placed, n_placed, cand, 4);
            if (c < 0) continue;
            placed[n_placed++] = cand[c];
            ui_text(ui, UI_SANS, UI_SIZE_SMALL, cand[c].x, cand[c].y, t->text_dim, UI_LEFT | UI_TOP, axn[a]);
        }
    }
    int n = 0, n_far = 0;
    emb_pt *pts = project_view(s, ctx, view, v, &n);
    float rs = (float)ui_px(ui, 2.5f), rl = (float)ui_px(ui, 6);
    int best = -1;
    float bestd = (float)ui_px(ui, 9) * (float)ui_px(ui, 9);
    float *far = lesson_floats(ctx, 2 * (size_t)(n > 0 ? n : 1)); /* the unlit words: one batch of dots */
    for (int i = 0; far && i < n && pts[i].kind == 0; i++) { far[2 * n_far] = pts[i].x; far[2 * n_far + 1] = pts[i].y; n_far++; }
    ui_dots(ui, far, n_far, rs, ui_alpha(t->text_dim, 150));
    for (int i = 0; i < n; i++) {
        const emb_pt *q = &pts[i];
        if (q->kind == 0) {
            if (!far) ui_circle(ui, q->x, q->y, rs, ui_alpha(t->text_dim, 150), 1);
        } else {
            SDL_Color c = q->kind == 1 ? t->accent : t->series[1];
            ui_circle(ui, q->x, q->y, rl, c, 1);
            ui_circle(ui, q->x, q->y, rl, t->text, 0);
        }
        float dx = q->x - (float)ui->mouse_x, dy = q->y - (float)ui->mouse_y;
        float d2 = dx * dx + dy * dy;
        if (d2 <= bestd && ui_mouse_in(ui, r)) { bestd = d2; best = i; }
    }
    /* labels of the lit words, after every dot so none is covered */
    word_labels(ctx, pts, n, rl, inner, placed, &n_placed);
    /* the title and subtitle last, on the panel's colour: a dot of the cloud may lie under them */
    ui_fill(ui, placed[0], t->panel);
    ui_fill(ui, placed[1], t->panel);
    ui_text(ui, UI_BOLD, UI_SIZE_LARGE, placed[0].x, placed[0].y, title_c, UI_LEFT, title);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, placed[1].x, placed[1].y, r.w - ui_px(ui, 20), t->text_dim, UI_LEFT, b);
    if (best >= 0) {
        const emb_pt *q = &pts[best];
        const float *c = &p->coords[q->id * 3];
        ui_num n[3]; /* 4 significant digits: e2e_test_lesson_embedding reads them back */
        SDL_Rect anchor = {ui_f2i(q->x) - ui_f2i(rl), ui_f2i(q->y) - ui_f2i(rl), 2 * ui_f2i(rl), 2 * ui_f2i(rl)};
        ui_hover_text(ui, anchor, _("\xE2\x80\x9C%s\xE2\x80\x9D (id %d) %s: PC1 %s, PC2 %s, PC3 %s"), tok_vocab_word(ctx->vocab, q->id), q->id,
                      v == VIEW_AFTER ? _("after training") : _("before training"), ui_fmts(&n[0], c[0], 4), ui_fmts(&n[1], c[1], 4), ui_fmts(&n[2], c[2], 4));
    }
    free(pts);
    SDL_RenderSetClipRect(ui->r, &ctx->area);
}

static void draw_pca(const emb_state *s, const lesson_ctx *ctx, const emb_layout *L)
{
    ui_ctx *ui = ctx->ui;
    const ui_theme *t = ui->theme;
    int V = ctx->tr->cfg.vocab_size, D = ctx->tr->cfg.d_model;
    char b[400];
    snprintf(b, sizeof b, _("each word is a row of E [%d\xC3\x97%d], a point in %d-D: here along its 3 main directions"), V, D, D);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, L->formula.x, L->formula.y, L->formula.w, t->text, UI_LEFT, b);
    for (int v = 0; v < N_VIEWS; v++) draw_view(s, ctx, L->view[v], v);
    int sh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int x = L->caption.x;
    ui_circle(ui, (float)x + (float)ui_px(ui, 7), (float)L->caption.y + (float)sh / 2, (float)ui_px(ui, 6), t->accent, 1);
    x += ui_px(ui, 18);
    x += ui_text(ui, UI_BOLD, UI_SIZE_SMALL, x, L->caption.y, t->accent, UI_LEFT, _("words of the sentence")) + ui_px(ui, 18);
    ui_circle(ui, (float)x + (float)ui_px(ui, 7), (float)L->caption.y + (float)sh / 2, (float)ui_px(ui, 6), t->series[1], 1);
    x += ui_px(ui, 18);
    x += ui_text(ui, UI_BOLD, UI_SIZE_SMALL, x, L->caption.y, t->series[1], UI_LEFT, _("words of its translation")) + ui_px(ui, 18);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, x, L->caption.y, L->caption.x + L->caption.w - x, t->text_dim, UI_LEFT,
                _("grey: every other word.  Drag to turn, wheel to zoom."));
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, L->caption.x, L->caption.y + sh, L->caption.w, t->text_dim, UI_LEFT,
                _("PCA for display only (rows centred, top 3 eigenvectors of the D\xC3\x97" "D covariance). "
                "<pad> left out: never used, training pushed it far away."));
}

static void emb_draw(const void *st, const lesson_ctx *ctx)
{
    const emb_state *s = st;
    const emb_layout *L = ctx->layout;
    if (ctx->step == 0) draw_heat(ctx, L);
    else draw_pca(s, ctx, L);
}

static int emb_event(void *st, const SDL_Event *ev, const lesson_ctx *ctx)
{
    emb_state *s = st;
    const emb_layout *L = ctx->layout;
    if (ctx->step != 1) return 0;
    if (ev->type == SDL_MOUSEBUTTONDOWN && ev->button.button == SDL_BUTTON_LEFT) {
        for (int v = 0; v < N_VIEWS; v++)
            if (ui_point_in(L->view[v], ev->button.x, ev->button.y)) {
                s->dragging = 1;
                s->last_x = ev->button.x;
                s->last_y = ev->button.y;
                return 1;
            }
        return 0;
    }
    if (ev->type == SDL_MOUSEBUTTONUP && s->dragging) { s->dragging = 0; return 1; }
    if (ev->type == SDL_MOUSEMOTION && s->dragging) {
        ui_camera_drag(&s->cam, (float)(ev->motion.x - s->last_x), (float)(ev->motion.y - s->last_y));
        s->last_x = ev->motion.x;
        s->last_y = ev->motion.y;
        return 1;
    }
    if (ev->type == SDL_MOUSEWHEEL) {
        ui_camera_zoom(&s->cam, (float)ev->wheel.y);
        return 1;
    }
    return 0;
}

static int emb_dump(const void *st, const lesson_ctx *ctx, char *dst, size_t n)
{
    const emb_state *s = st;
    const emb_layout *L = ctx->layout;
    size_t k = 0;
#define EMB_PUT(...) do { int w_ = snprintf(dst + k, k < n ? n - k : 0, __VA_ARGS__); if (w_ > 0) k += (size_t)w_; } while (0)
    EMB_PUT("{\"strip\": [%d, %d, %d, %d], ", L->strip.x, L->strip.y, L->strip.w, L->strip.h);
    EMB_PUT("\"heat\": [%d, %d, %d, %d], \"camera\": {\"yaw\": %.4f, \"pitch\": %.4f, \"distance\": %.4f}", L->heat.x,
            L->heat.y, L->heat.w, L->heat.h, (double)s->cam.yaw, (double)s->cam.pitch, (double)s->cam.distance);
    for (int v = 0; v < N_VIEWS; v++) {
        const emb_pca *p = emb_pca_get(s, ctx, v);
        EMB_PUT(", \"%s\": {\"ok\": %d, \"rect\": [%d, %d, %d, %d], \"variance\": [%.6g, %.6g, %.6g], \"total\": %.6g, \"lit\": [",
                v == VIEW_AFTER ? "after" : "before", p->ok, L->view[v].x, L->view[v].y, L->view[v].w, L->view[v].h,
                (double)p->var[0], (double)p->var[1], (double)p->var[2], (double)p->total);
        if (ctx->step == 1 && p->ok) {
            int lh = ui_line_height(ctx->ui, UI_BOLD, UI_SIZE_LARGE);
            SDL_Rect view = {L->view[v].x, L->view[v].y + lh, L->view[v].w, L->view[v].h - lh};
            int np = 0, first = 1, shown = 0;
            emb_pt *pts = project_view(s, ctx, view, v, &np);
            for (int i = 0; pts && i < np; i++) {
                if (pts[i].kind == 0 || shown >= 10) continue; /* the app's dump buffer is 4 KB */
                shown++;
                const float *c = &p->coords[pts[i].id * 3];
                EMB_PUT("%s{\"id\": %d, \"kind\": %d, \"x\": %d, \"y\": %d, \"pc\": [%.5g, %.5g, %.5g]}", first ? "" : ", ",
                        pts[i].id, pts[i].kind, ui_f2i(roundf(pts[i].x)), ui_f2i(roundf(pts[i].y)), (double)c[0], (double)c[1], (double)c[2]);
                first = 0;
            }
            free(pts);
        }
        EMB_PUT("]}");
    }
    EMB_PUT("}");
#undef EMB_PUT
    return (int)(k < n ? k : n);
}

const lesson lesson_embedding = {
    .slug = "embedding", .title = N_("Token embedding"), .steps = 2,
    .keys = N_("step 2: drag to turn the 3-D view, mouse wheel to zoom"),
    .state_size = sizeof(emb_state), .layout_size = sizeof(emb_layout), .init = emb_init, .free = emb_free, .layout = emb_layout_of,
    .handle_event = emb_event, .draw = emb_draw, .dump_json = emb_dump,
};
