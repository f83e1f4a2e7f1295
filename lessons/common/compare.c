/* compare.c - two sentences side by side (compare.h): the same attention map
 * of both runs, the cells that differ outlined, the translation words that
 * differ marked.
 *
 * Must not: run the model, change either trace, or keep pointers into them.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "attn_view.h"
#include "compare.h"

/* The map of kind / layer / head in tr ([H, L, L] weights), its rows and columns. */
static const float *map_of(const trace *tr, int kind, int layer, int head, int *rows, int *cols)
{
    const size_t L = (size_t)tr->cfg.max_len;
    const trace_attn *a = kind == ATTN_ENC_SELF ? &tr->enc[layer].self : kind == ATTN_DEC_SELF ? &tr->dec[layer].self
                                                                                                 : &tr->dec[layer].cross;
    *rows = kind == ATTN_ENC_SELF ? tr->n_src : tr->n_tgt;
    *cols = kind == ATTN_DEC_SELF ? tr->n_tgt : tr->n_src;
    return a->weights + (size_t)head * L * L;
}

static int clamp(int v, int n) { return v < 0 ? 0 : v >= n ? n - 1 : v; }

int compare_diff_cells(const trace *a, const trace *b, int kind, int layer, int head, float thr, int *rows, int *cols)
{
    int ra, ca, rb, cb, n = 0;
    const float *ma = map_of(a, kind, layer, head, &ra, &ca), *mb = map_of(b, kind, layer, head, &rb, &cb);
    const size_t La = (size_t)a->cfg.max_len, Lb = (size_t)b->cfg.max_len;
    int r = ra < rb ? ra : rb, c = ca < cb ? ca : cb;
    for (int q = 0; q < r; q++)
        for (int k = 0; k < c; k++) n += fabsf(ma[q * La + (size_t)k] - mb[q * Lb + (size_t)k]) > thr;
    if (rows) *rows = r;
    if (cols) *cols = c;
    return n;
}

int compare_word_differs(const trace *a, const trace *b, int i)
{
    if (i < 0 || i >= a->n_out) return 0;
    return i >= b->n_out || a->out_ids[i] != b->out_ids[i];
}

int compare_words_differ(const trace *a, const trace *b)
{
    int n = a->n_out > b->n_out ? a->n_out : b->n_out, d = 0;
    for (int i = 0; i < n; i++) d += compare_word_differs(a, b, i) || compare_word_differs(b, a, i);
    return d;
}

/* The sentence (in a box) and its translation, the words that differ from other's in the warning colour. */
static void draw_texts(ui_ctx *ui, SDL_Rect col, const trace *tr, const trace *other, const tok_vocab *v, int focus,
                       SDL_Rect *box)
{
    const ui_theme *t = ui->theme;
    int lh = ui_line_height(ui, UI_SANS, UI_SIZE_BODY), pad = ui_px(ui, 6);
    SDL_Rect b = {col.x, col.y, col.w, lh + 2 * pad};
    ui_fill(ui, b, t->panel_alt);
    ui_frame(ui, b, focus ? t->accent : t->border, ui_px(ui, focus ? 2 : 1));
    ui_container_push(ui, b);
    ui_text_bg(ui, &t->panel_alt);
    int w = ui_text_fit(ui, UI_SANS, UI_SIZE_BODY, b.x + pad, b.y + pad, b.w - 2 * pad - ui_px(ui, 4), t->text, UI_LEFT,
                        tr->sentence ? tr->sentence : "");
    if (focus) ui_fill(ui, (SDL_Rect){b.x + pad + w + 1, b.y + pad, ui_px(ui, 2), lh}, t->accent);
    ui_container_pop(ui);
    if (box) *box = b;
    ui_text_bg(ui, &t->bg);
    int x = col.x, y = b.y + b.h + ui_px(ui, 6), right = col.x + col.w;
    x += ui_text(ui, UI_BOLD, UI_SIZE_BODY, x, y, t->text_dim, UI_LEFT, "\xE2\x86\x92 ");
    for (int i = 0; i < tr->n_out; i++) {
        const char *word = tok_vocab_word(v, tr->out_ids[i]);
        int d = compare_word_differs(tr, other, i), ww;
        ui_text_size(ui, UI_BOLD, UI_SIZE_BODY, word, &ww, NULL);
        if (x + ww > right) { ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, x, y, right - x, t->text, UI_LEFT, word); break; }
        ui_text_bg(ui, d ? NULL : &t->bg);
        if (d) ui_fill(ui, (SDL_Rect){x - 2, y, ww + 4, lh}, ui_alpha(t->warn, 70));
        ui_text(ui, UI_BOLD, UI_SIZE_BODY, x, y, d ? t->warn : t->text, UI_LEFT, word);
        x += ww + ui_px(ui, 8);
    }
    ui_text_bg(ui, NULL);
}

/* Outlines the cells of the map drawn at cells (rows x cols of it) that differ by more than the threshold. */
static void outline_diffs(ui_ctx *ui, SDL_Rect cells, int rows, int cols, const trace *a, const trace *b, int kind,
                          int layer, int head)
{
    int ra, ca, rb, cb;
    const float *ma = map_of(a, kind, layer, head, &ra, &ca), *mb = map_of(b, kind, layer, head, &rb, &cb);
    const size_t La = (size_t)a->cfg.max_len, Lb = (size_t)b->cfg.max_len;
    int r = ra < rb ? ra : rb, c = ca < cb ? ca : cb;
    for (int q = 0; q < r && q < rows; q++)
        for (int k = 0; k < c && k < cols; k++) {
            if (!(fabsf(ma[q * La + (size_t)k] - mb[q * Lb + (size_t)k]) > COMPARE_THRESHOLD)) continue;
            int x0 = cells.x + ui_f2i(roundf((float)k * (float)cells.w / (float)cols));
            int x1 = cells.x + ui_f2i(roundf((float)(k + 1) * (float)cells.w / (float)cols));
            int y0 = cells.y + ui_f2i(roundf((float)q * (float)cells.h / (float)rows));
            int y1 = cells.y + ui_f2i(roundf((float)(q + 1) * (float)cells.h / (float)rows));
            ui_frame(ui, (SDL_Rect){x0, y0, x1 - x0, y1 - y0}, ui->theme->warn, ui_px(ui, 2));
        }
}

void compare_draw(ui_ctx *ui, SDL_Rect area, const trace *const trs[2], const tok_vocab *v, int kind,
                  const lesson_selection *sel, lesson_scratch *s, int focus2, SDL_Rect *box2, compare_out *out)
{
    const ui_theme *t = ui->theme;
    compare_out o;
    memset(&o, 0, sizeof o);
    o.kind = kind;
    o.layer = clamp(sel->layer, attn_kind_layers(trs[0], kind));
    o.head = clamp(sel->head, trs[0]->cfg.n_heads);
    o.diff_cells = compare_diff_cells(trs[0], trs[1], kind, o.layer, o.head, COMPARE_THRESHOLD, &o.rows, &o.cols);
    int pad = ui_px(ui, 12), lh = ui_line_height(ui, UI_SANS, UI_SIZE_BODY);
    char head[400];
    snprintf(head, sizeof head, _("%s \xC2\xB7 layer %d \xC2\xB7 head %d \xC2\xB7 outlined: %d cells whose weight differs by more than 0.1"),
             attn_kind_name(kind), o.layer + 1, o.head + 1, o.diff_cells);
    ui_text_bg(ui, &t->bg);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, area.x + pad, area.y + pad / 2, area.w - 2 * pad, t->text, UI_LEFT, head);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, area.x + pad, area.y + pad / 2 + lh, area.w - 2 * pad, t->text_dim, UI_LEFT,
                _("C closes   click the right-hand sentence to edit it   [ ] layer   , . head"));
    int top = area.y + pad / 2 + lh + ui_line_height(ui, UI_SANS, UI_SIZE_SMALL) + ui_px(ui, 10);
    int colw = (area.w - 3 * pad) / 2;
    for (int side = 0; side < 2; side++) {
        SDL_Rect col = {area.x + pad + side * (colw + pad), top, colw, area.y + area.h - top - pad / 2};
        draw_texts(ui, col, trs[side], trs[1 - side], v, side == 1 && focus2, side == 1 ? box2 : NULL);
        int mt = col.y + 2 * lh + ui_px(ui, 24);
        SDL_Rect mr = {col.x, mt, col.w, col.y + col.h - mt};
        attn_labels lab;
        lesson_scratch_reset(s);
        int rows, cols;
        const float *m = map_of(trs[side], kind, o.layer, o.head, &rows, &cols);
        if (rows <= 0 || cols <= 0 || attn_labels_make(s, trs[side], v, &lab) != 0) continue;
        ui_heatmap_spec sp = ui_heatmap_matrix(m, rows, cols, UI_CMAP_VIRIDIS, attn_kind_slug(kind));
        sp.stride = trs[side]->cfg.max_len;
        sp.row_labels = kind == ATTN_ENC_SELF ? lab.src : lab.row;
        sp.col_labels = kind == ATTN_DEC_SELF ? lab.in : lab.src;
        sp.fixed_range = 1; sp.vmin = 0.0f; sp.vmax = 1.0f;
        sp.square = 1;
        sp.center = 1;
        ui_heatmap_out ho;
        memset(&ho, 0, sizeof ho);
        ui_text_bg(ui, &t->bg);
        ui_heatmap(ui, mr, &sp, &ho);
        outline_diffs(ui, ho.cells, rows, cols, trs[side], trs[1 - side], kind, o.layer, o.head);
        o.maps[side] = ho.cells;
    }
    o.words_differ = compare_words_differ(trs[0], trs[1]);
    ui_text_bg(ui, NULL);
    if (out) *out = o;
}
