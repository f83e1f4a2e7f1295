/* attn_overlay.c - the attention overlay (see attn_overlay.h): one big
 * attention-weight heatmap of the live trace, chosen by kind (tabs) and by the
 * shared layer / head selection, drawn over the current lesson.
 *
 * Must not: do model math (it only reads trace->enc[l].self.weights and
 * trace->dec[l].self / cross weights), or keep pointers into the trace.
 */
#include <stdio.h>
#include <string.h>

#include "attn_overlay.h"

static const char *const kind_titles[ATTN_N_KINDS] = {
    N_("1  Encoder self-attention"), N_("2  Decoder masked self-attention"), N_("3  Cross-attention (decoder reads encoder)")};

void attn_overlay_toggle(attn_overlay *o)
{
    if (o) o->open = !o->open;
}

void attn_overlay_free(attn_overlay *o)
{
    if (o) lesson_scratch_free(&o->scratch);
}

int attn_overlay_key(attn_overlay *o, SDL_Keycode key, int shift)
{
    if (!o || !o->open) return 0;
    switch (key) {
    case SDLK_ESCAPE: case SDLK_a: o->open = 0; return 1;
    case SDLK_TAB: o->kind = (o->kind + (shift ? ATTN_N_KINDS - 1 : 1)) % ATTN_N_KINDS; return 1;
    case SDLK_1: case SDLK_KP_1: o->kind = ATTN_ENC_SELF; return 1;
    case SDLK_2: case SDLK_KP_2: o->kind = ATTN_DEC_SELF; return 1;
    case SDLK_3: case SDLK_KP_3: o->kind = ATTN_CROSS; return 1;
    default: return 0;
    }
}

int attn_overlay_click(attn_overlay *o, int x, int y)
{
    if (!o || !o->open) return 0;
    for (int k = 0; k < ATTN_N_KINDS; k++)
        if (ui_point_in(o->tabs[k], x, y)) { o->kind = k; return 1; }
    if (!ui_point_in(o->box, x, y)) o->open = 0;
    return 1;
}

void attn_overlay_draw(attn_overlay *o, ui_ctx *ui, const trace *tr, const tok_vocab *vocab,
                       const lesson_selection *sel, int w, int h, int record)
{
    if (!o || !o->open || !tr || !vocab || !sel) return;
    const ui_theme *t = ui->theme;
    int H = tr->cfg.n_heads;
    int kind = o->kind >= 0 && o->kind < ATTN_N_KINDS ? o->kind : 0;
    int nl = attn_kind_layers(tr, kind);
    int layer = sel->layer < 0 ? 0 : sel->layer >= nl ? nl - 1 : sel->layer;
    int head = sel->head < 0 ? 0 : sel->head >= H ? H - 1 : sel->head;

    ui_fill(ui, (SDL_Rect){0, 0, w, h}, ui_alpha(t->bg, 210));
    int pad = ui_px(ui, 18), margin = ui_px(ui, 30);
    SDL_Rect b = {margin, margin, w - 2 * margin, h - 2 * margin};
    ui_panel(ui, b);
    ui_text_bg(ui, &t->panel);
    int lh = ui_line_height(ui, UI_BOLD, UI_SIZE_LARGE);
    char title[160];
    snprintf(title, sizeof title, _("Attention weights \xC2\xB7 layer %d of %d \xC2\xB7 head %d of %d"), layer + 1, nl, head + 1, H);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_LARGE, b.x + pad, b.y + pad, b.w * 6 / 10, t->text, UI_LEFT, title);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, b.x + b.w - pad, b.y + pad, b.w * 4 / 10 - 2 * pad, t->text_dim, UI_RIGHT,
                _("Tab / 1 2 3 kind   [ ] layer   , . head   A or Esc closes"));
    /* tabs */
    int ty = b.y + pad + lh + ui_px(ui, 8), tx = b.x + pad, th = ui_line_height(ui, UI_SANS, UI_SIZE_BODY) + ui_px(ui, 10);
    for (int k = 0; k < ATTN_N_KINDS; k++) {
        int tw;
        ui_text_size(ui, UI_SANS, UI_SIZE_BODY, _(kind_titles[k]), &tw, NULL);
        SDL_Rect r = {tx, ty, tw + ui_px(ui, 24), th};
        ui_button(ui, r, _(kind_titles[k]), k == kind);
        if (record) o->tabs[k] = r;
        tx += r.w + ui_px(ui, 10);
    }
    ui_text_bg(ui, &t->panel);

    /* the matrix: rows are queries, columns keys */
    int S = tr->n_src, T = tr->n_tgt;
    const float *m = NULL;
    int rows = 0, cols = 0;
    if (kind == ATTN_ENC_SELF && nl > 0) { m = tr->enc[layer].self.weights; rows = S; cols = S; }
    else if (kind == ATTN_DEC_SELF && nl > 0) { m = tr->dec[layer].self.weights; rows = T; cols = T; }
    else if (nl > 0) { m = tr->dec[layer].cross.weights; rows = T; cols = S; }
    attn_labels lab;
    lesson_scratch_reset(&o->scratch);
    if (attn_labels_make(&o->scratch, tr, vocab, &lab) != 0) m = NULL;
    const char *axis = kind == ATTN_ENC_SELF ? _("rows: query token (English)   columns: key token (English)")
                       : kind == ATTN_DEC_SELF
                           ? _("rows: decoder step, reads \xE2\x86\x92 produces   columns: decoder input tokens (the future is masked: weight 0)")
                           : _("rows: decoder step, reads \xE2\x86\x92 produces   columns: English token (encoder memory)");
    int ay = ty + th + ui_px(ui, 8);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, b.x + pad, ay, b.w - 2 * pad, t->text_dim, UI_LEFT, axis);
    int top = ay + ui_line_height(ui, UI_SANS, UI_SIZE_SMALL) + ui_px(ui, 8);
    SDL_Rect area = {b.x + pad, top, b.w - 2 * pad, b.y + b.h - pad - top};
    o->layer = layer; o->head = head;
    if (!m || rows <= 0 || cols <= 0) {
        ui_text(ui, UI_SANS, UI_SIZE_BODY, area.x, area.y, t->warn, UI_LEFT, _("Nothing to show for this sentence."));
        if (record) { o->rows = o->cols = 0; o->cells = (SDL_Rect){0, 0, 0, 0}; o->box = b; }
        ui_text_bg(ui, NULL);
        return;
    }
    char name[64];
    snprintf(name, sizeof name, _("%s layer %d head %d "), attn_kind_slug(kind), layer + 1, head + 1);
    ui_heatmap_spec sp = ui_heatmap_matrix(m + (size_t)head * (size_t)tr->cfg.max_len * (size_t)tr->cfg.max_len, rows, cols, UI_CMAP_VIRIDIS, name);
    sp.stride = tr->cfg.max_len;
    sp.row_labels = kind == ATTN_ENC_SELF ? lab.src : lab.row;
    sp.col_labels = kind == ATTN_DEC_SELF ? lab.in : lab.src;
    sp.fixed_range = 1; sp.vmin = 0.0f; sp.vmax = 1.0f;
    sp.attention = 1;
    sp.show_values = 1;
    sp.square = 1;
    sp.center = 1; /* a square map on a wide screen: in the middle, not against the left edge */
    if (kind != ATTN_ENC_SELF && sel->step >= 0 && sel->step < rows) sp.highlight_row = sel->step;
    ui_heatmap_out out;
    memset(&out, 0, sizeof out);
    ui_text_bg(ui, &t->panel);
    ui_heatmap(ui, area, &sp, &out);
    ui_text_bg(ui, NULL);
    if (record) { o->rows = rows; o->cols = cols; o->cells = out.cells; o->box = b; }
}
