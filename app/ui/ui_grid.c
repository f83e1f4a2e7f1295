/* ui_grid.c - a heatmap with geometry computed apart from drawing (see
 * ui_grid.h): layout measures labels and cells, draw uses that layout, and
 * cell_at maps a pixel back to a cell for clicks.
 *
 * Must not: know about lessons, the trace or the model; keep state between calls.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_grid.h"

ui_grid_spec ui_grid_matrix(const float *data, int rows, int cols, const char *name)
{
    return (ui_grid_spec){.data = data, .rows = rows, .cols = cols, .stride = cols, .name = name, .cmap = UI_CMAP_VIRIDIS,
                          .vmin = 0.0f, .vmax = 1.0f, .highlight_row = -1, .highlight_col = -1};
}

ui_grid_spec ui_grid_diverging(const float *data, int rows, int cols, float absmax, const char *name)
{
    ui_grid_spec s = ui_grid_matrix(data, rows, cols, name);
    s.cmap = UI_CMAP_DIVERGING;
    s.vmin = -absmax;
    s.vmax = absmax;
    return s;
}

static float lsize(const ui_grid_spec *s) { return s->label_size > 0 ? s->label_size : UI_SIZE_SMALL; }

/* Every grid but a thumbnail has a caption line: its colour range (and the axes of an attention map). */
static int grid_has_caption(const ui_grid_spec *s) { return !s->no_hover && !s->labels_in_hover_only; }

/* Row labels a line apart at least (a line holds its ink; closer, the ink of "big" touches "houses"): one
 * every rthin-th row. Rows shorter than a line put the last labelled row's label, centred on its row, partly
 * below it: when it would end below the rect, the rows get just short enough for it if that keeps rthin,
 * else grid_labels leaves that label out (the hover still names the row). */
static void grid_row_thin(const ui_grid_spec *s, ui_grid_geom *g, int lh)
{
    g->rthin = 1;
    if (!s->row_labels) return;
    while (g->rthin * g->ch < lh) g->rthin *= 2;
    int last = (g->rows - 1) / g->rthin * g->rthin;
    int over = g->cells.y + last * g->ch + (g->ch + lh + 1) / 2 - g->label_bottom;
    if (over <= 0) return;
    int ch = g->ch - (2 * over + 2 * last) / (2 * last + 1); /* the foot rises by (last + 1/2) px a px of row */
    if (ch < 1 || g->rthin * ch < lh) return;
    g->ch = ch;
    if (s->square) g->cw = ch;
    g->cells.w = g->cw * g->cols;
    g->cells.h = ch * g->rows;
}

void ui_grid_layout(ui_ctx *ui, SDL_Rect r, const ui_grid_spec *s, ui_grid_geom *g)
{
    memset(g, 0, sizeof *g);
    if (!s || s->rows <= 0 || s->cols <= 0) return;
    if (s->labels_in_hover_only) {
        ui_grid_spec bare = *s;
        bare.row_labels = bare.col_labels = NULL;
        bare.labels_in_hover_only = 0;
        bare.no_hover = 1; /* a thumbnail: no caption line either */
        ui_grid_layout(ui, r, &bare, g);
        return;
    }
    g->rows = s->rows;
    g->cols = s->cols;
    float ls = lsize(s);
    int gap = ui_px(ui, 5);
    int lh = ui_line_height(ui, UI_SANS, ls);
    g->title_h = s->title ? ui_line_height(ui, UI_BOLD, UI_SIZE_BODY) + ui_px(ui, 2) : 0;
    g->title_h += grid_has_caption(s) ? ui_line_height(ui, UI_SANS, UI_SIZE_SMALL) + ui_px(ui, 2) : 0;
    int row_w = 0;
    for (int i = 0; s->row_labels && i < s->rows; i++) {
        int w = 0;
        ui_text_size(ui, UI_SANS, ls, s->row_labels[i] ? s->row_labels[i] : "", &w, NULL);
        if (w > row_w) row_w = w;
    }
    if (s->row_labels && row_w > r.w * 3 / 10) { /* at most 30% of the width, or what the longest needs at the legal size (half at most) */
        int legal = 0;
        for (int i = 0; i < s->rows; i++) {
            int w = 0;
            ui_text_size(ui, UI_SANS, UI_SIZE_LEGAL, s->row_labels[i] ? s->row_labels[i] : "", &w, NULL);
            if (w > legal) legal = w;
        }
        row_w = legal > r.w * 3 / 10 ? (legal < r.w / 2 ? legal : r.w / 2) : r.w * 3 / 10;
    }
    g->label_w = s->row_labels ? row_w + gap : 0;
    int col_max = 0;
    for (int i = 0; s->col_labels && i < s->cols; i++) {
        int w = 0;
        ui_text_size(ui, UI_SANS, ls, s->col_labels[i] ? s->col_labels[i] : "", &w, NULL);
        if (w > col_max) col_max = w;
    }
    int cw = (r.w - g->label_w) / s->cols;
    if (cw < 1) cw = 1;
    g->rotated = s->col_labels && col_max + gap > cw;
    int max_head = (r.h - g->title_h) / 3;
    if (g->rotated) { /* cells at their largest (square: as wide as the width allows) leave the rest to the turned labels */
        int cap = ui_px(ui, s->max_cell > 0 ? (float)s->max_cell : 64.0f), c = s->square && cw < cap ? cw : cap;
        int spare = r.h - g->title_h - c * s->rows - gap;
        if (spare > max_head) max_head = spare;
    }
    if (!s->col_labels) g->head_h = 0;
    else if (g->rotated) g->head_h = (col_max < max_head ? col_max : max_head) + gap;
    else g->head_h = lh + gap / 2;
    if (g->head_h < s->min_head) g->head_h = s->min_head;
    int ch = (r.h - g->title_h - g->head_h) / s->rows;
    if (s->row_h > 0 && ch > s->row_h) ch = s->row_h;
    if (ch < 1) ch = 1;
    int cap = ui_px(ui, s->max_cell > 0 ? (float)s->max_cell : 64.0f);
    if (s->square) { if (cw > ch) cw = ch; else ch = cw; }
    if (cw > cap) cw = cap;
    if (ch > cap) ch = cap;
    g->cw = cw;
    g->ch = ch;
    g->cells = (SDL_Rect){r.x + g->label_w, r.y + g->title_h + g->head_h, cw * s->cols, ch * s->rows};
    g->label_bottom = r.y + r.h;
    grid_row_thin(s, g, lh);
}

int ui_grid_cell_at(const ui_grid_geom *g, int x, int y, int *row, int *col)
{
    if (!g || g->cw <= 0 || g->ch <= 0 || !ui_point_in(g->cells, x, y)) return 0;
    int c = (x - g->cells.x) / g->cw, r = (y - g->cells.y) / g->ch;
    if (r < 0 || r >= g->rows || c < 0 || c >= g->cols) return 0;
    if (row) *row = r;
    if (col) *col = c;
    return 1;
}

SDL_Rect ui_grid_cell_rect(const ui_grid_geom *g, int row, int col)
{
    return (SDL_Rect){g->cells.x + col * g->cw, g->cells.y + row * g->ch, g->cw, g->ch};
}

/* Row labels (thinned when rows are shorter than the text) and column labels
 * (horizontal when they fit, else turned, thinned and fitted into the label band). */
static void grid_labels(ui_ctx *ui, const ui_grid_spec *s, const ui_grid_geom *g)
{
    const ui_theme *t = ui->theme;
    float ls = lsize(s);
    int gap = ui_px(ui, 5), lh = ui_line_height(ui, UI_SANS, ls), rthin = g->rthin, cthin = 1;
    for (int i = 0; s->row_labels && i < g->rows; i++) {
        if (i % rthin && i != s->highlight_row) continue;
        /* the highlighted row's label is always drawn: its thinned neighbours give way (as columns do) */
        if (rthin > 1 && s->highlight_row >= 0 && i != s->highlight_row && abs(i - s->highlight_row) < rthin) continue;
        int cy = g->cells.y + i * g->ch + g->ch / 2, foot = g->label_bottom - (lh + 1) / 2;
        if (cy > foot) { /* it would end below the rect (grid_row_thin): left out, or raised when highlighted */
            if (i != s->highlight_row) continue;
            cy = foot;
        }
        SDL_Color c = i == s->highlight_row ? t->accent : t->text_dim;
        ui_text_fit(ui, UI_SANS, ls, g->cells.x - gap, cy, g->label_w - gap, c, UI_RIGHT | UI_MIDDLE,
                    s->row_labels[i] ? s->row_labels[i] : "");
    }
    if (g->rotated) while (cthin * g->cw < lh) cthin *= 2;
    for (int i = 0; s->col_labels && i < g->cols; i++) {
        if (i % cthin && i != s->highlight_col) continue;
        if (cthin > 1 && s->highlight_col >= 0 && i != s->highlight_col && abs(i - s->highlight_col) < cthin) continue;
        SDL_Color c = i == s->highlight_col ? t->accent : t->text_dim;
        const char *lab = s->col_labels[i] ? s->col_labels[i] : "";
        int cx = g->cells.x + i * g->cw + g->cw / 2;
        if (!g->rotated) { ui_text(ui, UI_SANS, ls, cx, g->cells.y - gap / 2, c, UI_CENTER | UI_BOTTOM, lab); continue; }
        /* too long for the label band: shrunk to the legal size, then cut with "…" */
        ui_text_rotated_fit(ui, UI_SANS, ls, cx + lh / 2, g->cells.y - g->head_h, g->head_h - gap, c, lab);
    }
}

/* The cells, numbers in them at the small size (or a little smaller, or none), −∞ hatched. */
static void grid_cells(ui_ctx *ui, const ui_grid_spec *s, const ui_grid_geom *g)
{
    int stride = s->stride > 0 ? s->stride : s->cols, vals = s->show_values, vw = 0, vh = 0;
    float vsize = UI_SIZE_SMALL;
    if (vals) {
        ui_text_size(ui, UI_MONO, vsize, "\xE2\x88\x92" "0.00", &vw, &vh);
        if (vw + 4 > g->cw || vh > g->ch + 2) {
            vsize = UI_SIZE_SMALL * 0.85f;
            ui_text_size(ui, UI_MONO, vsize, "\xE2\x88\x92" "0.00", &vw, &vh);
            if (vw + 2 > g->cw || vh > g->ch + 2) vals = 0;
        }
    }
    float lo = s->vmin, hi = s->vmax > s->vmin ? s->vmax : s->vmin + 1e-6f;
    for (int rr = 0; rr < g->rows; rr++)
        for (int cc = 0; cc < g->cols; cc++) {
            float v = s->data[rr * stride + cc];
            SDL_Rect cell = ui_grid_cell_rect(g, rr, cc);
            SDL_Color col = isinf(v) && v < 0 ? ui->theme->neg_inf : ui_cmap_color(s->cmap, v, lo, hi);
            if (isinf(v) && v < 0) ui_hatch(ui, cell, ui->theme->neg_inf, ui->theme->bg);
            else ui_fill(ui, cell, col);
            if (!vals) continue;
            char b[32];
            /* a gap either side, or two long numbers side by side read as one ("0.002640.00758") */
            if (!ui_fmt_fit(ui, UI_MONO, vsize, v, cell.w - ui_px(ui, 8), b, sizeof b)) continue;
            ui_text(ui, UI_MONO, vsize, cell.x + cell.w / 2, cell.y + cell.h / 2, isinf(v) ? ui->theme->text : ui_text_on(col), UI_CENTER | UI_MIDDLE, b);
        }
}

static void grid_marks(ui_ctx *ui, const ui_grid_spec *s, const ui_grid_geom *g)
{
    const ui_theme *t = ui->theme;
    int th = ui_px(ui, 2);
    ui_frame(ui, (SDL_Rect){g->cells.x - 1, g->cells.y - 1, g->cells.w + 2, g->cells.h + 2}, t->border, 1);
    if (s->highlight_cell) {
        if (s->highlight_row >= 0 && s->highlight_row < g->rows && s->highlight_col >= 0 && s->highlight_col < g->cols) {
            SDL_Rect c = ui_grid_cell_rect(g, s->highlight_row, s->highlight_col);
            ui_frame(ui, (SDL_Rect){c.x - th, c.y - th, c.w + 2 * th, c.h + 2 * th}, t->accent, th);
        }
        return;
    }
    if (s->highlight_row >= 0 && s->highlight_row < g->rows)
        ui_frame(ui, (SDL_Rect){g->cells.x - 1, g->cells.y + s->highlight_row * g->ch - 1, g->cells.w + 2, g->ch + 2}, t->accent, th);
    if (s->highlight_col >= 0 && s->highlight_col < g->cols)
        ui_frame(ui, (SDL_Rect){g->cells.x + s->highlight_col * g->cw - 1, g->cells.y - 1, g->cw + 2, g->cells.h + 2}, t->accent, th);
}

/* The caption line under the title: "query (row) → key (column)" for an
 * attention map, then the colour range as a strip with its ends. */
static void grid_caption(ui_ctx *ui, SDL_Rect r, const ui_grid_spec *s)
{
    int y = r.y + (s->title ? ui_line_height(ui, UI_BOLD, UI_SIZE_BODY) + ui_px(ui, 2) : 0);
    int lh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL), x = r.x, gap = ui_px(ui, 8);
    if (s->attention) x += ui_attn_axes(ui, x, y, r.w) + gap;
    int w = r.x + r.w - x;
    if (w > ui_px(ui, 180)) w = ui_px(ui, 180);
    if (w >= ui_px(ui, 60)) ui_grid_legend(ui, (SDL_Rect){x, y, w, lh}, s->cmap, s->vmin, s->vmax, NULL);
}

int ui_grid_draw(ui_ctx *ui, SDL_Rect r, const ui_grid_spec *s, ui_grid_geom *out)
{
    ui_grid_geom gl, *g = out ? out : &gl;
    ui_grid_layout(ui, r, s, g);
    if (!s || !s->data || g->rows <= 0 || g->cols <= 0) return 0;
    const ui_theme *t = ui->theme;
    int stride = s->stride > 0 ? s->stride : s->cols;
    if (s->title) ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, r.x, r.y, r.w, t->text, UI_LEFT, s->title);
    if (grid_has_caption(s) && !s->labels_in_hover_only) grid_caption(ui, r, s);
    if (!s->labels_in_hover_only) grid_labels(ui, s, g);
    grid_cells(ui, s, g);
    grid_marks(ui, s, g);
    int rr, cc;
    if (s->no_hover || !ui_grid_cell_at(g, ui->mouse_x, ui->mouse_y, &rr, &cc)) return 0;
    char rl[48], cl[48];
    if (s->row_labels) snprintf(rl, sizeof rl, "%s", s->row_labels[rr] ? s->row_labels[rr] : ""); else snprintf(rl, sizeof rl, "%d", rr);
    if (s->col_labels) snprintf(cl, sizeof cl, "%s", s->col_labels[cc] ? s->col_labels[cc] : ""); else snprintf(cl, sizeof cl, "%d", cc);
    SDL_Rect cell = ui_grid_cell_rect(g, rr, cc);
    ui_frame(ui, cell, t->accent, 1);
    ui_hover_value(ui, cell, s->data[rr * stride + cc], "%s[%d][%d] (%s, %s)", s->name ? s->name : "", rr, cc, rl, cl);
    return 1;
}

void ui_grid_share_rows(ui_ctx *ui, const SDL_Rect *r, ui_grid_spec *const *s, int n)
{
    ui_grid_geom g;
    int top = 0, pitch = 0;
    for (int i = 0; i < n; i++) { /* the lowest first row decides where every grid's cells start */
        s[i]->min_head = s[i]->row_h = 0;
        ui_grid_layout(ui, r[i], s[i], &g);
        if (g.cells.y > top) top = g.cells.y;
    }
    for (int i = 0; i < n; i++) {
        ui_grid_layout(ui, r[i], s[i], &g);
        s[i]->min_head = g.head_h + top - g.cells.y;
        ui_grid_layout(ui, r[i], s[i], &g);
        if (i == 0 || g.ch < pitch) pitch = g.ch;
    }
    for (int i = 0; i < n; i++) s[i]->row_h = pitch;
}

void ui_grid_legend(ui_ctx *ui, SDL_Rect r, ui_cmap cmap, float lo, float hi, const char *caption)
{
    const ui_theme *t = ui->theme;
    char a[32], b[32];
    ui_fmt(lo, 3, a, sizeof a);
    ui_fmt(hi, 3, b, sizeof b);
    int wa = 0, wb = 0, gap = ui_px(ui, 5);
    ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, a, &wa, NULL);
    ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, b, &wb, NULL);
    int cap_w = 0;
    if (caption) ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, caption, &cap_w, NULL);
    int x = r.x;
    if (caption) x += ui_text(ui, UI_SANS, UI_SIZE_SMALL, x, r.y + r.h / 2, t->text_dim, UI_LEFT | UI_MIDDLE, caption) + gap;
    x += ui_text(ui, UI_SANS, UI_SIZE_SMALL, x, r.y + r.h / 2, t->text_dim, UI_LEFT | UI_MIDDLE, a) + gap;
    int bw = r.x + r.w - x - wb - gap;
    if (bw < ui_px(ui, 20)) bw = ui_px(ui, 20);
    int bh = r.h * 6 / 10;
    SDL_Rect bar = {x, r.y + (r.h - bh) / 2, bw, bh};
    int n = 48;
    for (int i = 0; i < n; i++) {
        int x0 = bar.x + bar.w * i / n, x1 = bar.x + bar.w * (i + 1) / n;
        float v = lo + (hi - lo) * ((float)i + 0.5f) / (float)n;
        ui_fill(ui, (SDL_Rect){x0, bar.y, x1 - x0, bar.h}, ui_cmap_color(cmap, v, lo, hi));
    }
    ui_frame(ui, bar, t->border, 1);
    ui_text(ui, UI_SANS, UI_SIZE_SMALL, bar.x + bar.w + gap, r.y + r.h / 2, t->text_dim, UI_LEFT | UI_MIDDLE, b);
}
