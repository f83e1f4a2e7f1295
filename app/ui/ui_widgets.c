/* ui_widgets.c - the toolkit's data widgets (heatmap/matrix, line
 * plot, token chips, weight links, block-diagram boxes; the bar chart is ui_bars.c) and lesson controls
 * (button, toggle, slider). Each widget lays itself out inside the rectangle
 * it is given, draws, and reports the hovered number into the hover sink.
 *
 * Must not: know about lessons, the trace or the model; keep state between calls.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"

/* Text drawn inside a widget's own opaque fill can be composed onto that fill. */
typedef struct { int had; SDL_Color was; } bg_save;
static bg_save bg_push(ui_ctx *ui, const SDL_Color *c)
{
    bg_save b = {ui->has_text_bg, ui->text_bg};
    ui_text_bg(ui, c && c->a == 255 ? c : NULL);
    return b;
}
static void bg_pop(ui_ctx *ui, bg_save b) { ui_text_bg(ui, b.had ? &b.was : NULL); }

ui_scale ui_scale_of(ui_cmap cmap, const float *const *data, const int *len, int n, const char *note)
{
    float lo = INFINITY, hi = -INFINITY;
    for (int k = 0; k < n; k++)
        for (int i = 0; data[k] && i < len[k]; i++)
            if (isfinite(data[k][i])) { lo = fminf(lo, data[k][i]); hi = fmaxf(hi, data[k][i]); }
    if (lo > hi) { lo = 0; hi = 1; }
    if (cmap == UI_CMAP_DIVERGING) { hi = fmaxf(fabsf(lo), fabsf(hi)); lo = -hi; }
    if (hi <= lo) hi = lo + 1e-6f;
    return (ui_scale){lo, hi, note};
}

int ui_attn_axes(ui_ctx *ui, int x, int y, int max_w)
{
    int w = 0;
    const char *s = _(UI_ATTN_AXES);
    ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, s, &w, NULL);
    if (w > max_w * 6 / 10) s = _("rows: queries \xE2\x86\x92 keys"); /* a small map: the short form, never cut */
    ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, s, &w, NULL);
    if (w > max_w) s = "q \xE2\x86\x92 k";
    return ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, x, y, max_w, ui->theme->text_dim, UI_LEFT, s);
}

void ui_split_prose(ui_ctx *ui, SDL_Rect r, const char *s, float *size, int min_fig_h, int max_fig_h, SDL_Rect *fig,
                    SDL_Rect *txt)
{
    const int gap = ui_px(ui, 10);
    int th = 0;
    for (float sz = *size; sz >= UI_SIZE_LEGAL - 0.01f; sz -= 1.0f) { /* the largest size leaving the figure min_fig_h */
        *size = sz;
        th = s ? ui_text_wrap(ui, UI_SANS, sz, (SDL_Rect){r.x, r.y, r.w, 0}, 0, ui->theme->text, s) : 0;
        if (r.h - th - gap >= min_fig_h) break;
    }
    int fh = r.h - th - gap;
    if (max_fig_h > 0 && fh > max_fig_h) fh = max_fig_h;
    if (fh < 0) fh = 0;
    *fig = (SDL_Rect){r.x, r.y, r.w, fh};
    *txt = (SDL_Rect){r.x, r.y + fh + gap, r.w, r.h - fh - gap};
}

ui_heatmap_spec ui_heatmap_matrix(const float *data, int rows, int cols, ui_cmap cmap, const char *name)
{
    return (ui_heatmap_spec){.data = data, .rows = rows, .cols = cols, .stride = cols, .name = name, .cmap = cmap,
                             .highlight_row = -1, .highlight_col = -1};
}

/* Everything ui_heatmap's parts share: the range and the geometry. */
typedef struct {
    float lo, hi;
    int has_ninf, off_rows;   /* a -INFINITY cell; rows left out of the range */
    int gap, lh, row_w, col_max, rotated, thin, head_h, y;
    int rot_len, rot_lh;     /* rotated column labels: the column they are fitted into, their line height */
    int bar_below;           /* too narrow for a colour bar beside the cells: a strip under them (its height) */
    int grid_x, grid_y, cw, ch, cb_w;
    float cwf, chf;
    SDL_Rect cells;
} hm_geom;

/* Cell edges: cell i spans [edge(i), edge(i+1)), so a wide map fills its width. */
static int hm_ex(const hm_geom *g, int cols, int i) { return g->grid_x + (int)(((long)i * g->cells.w * 2 + cols) / (2L * cols)); }
static int hm_ey(const hm_geom *g, int rows, int i) { return g->grid_y + (int)(((long)i * g->cells.h * 2 + rows) / (2L * rows)); }
static SDL_Rect hm_cell(const hm_geom *g, const ui_heatmap_spec *s, int r, int c)
{
    int x0 = hm_ex(g, s->cols, c), y0 = hm_ey(g, s->rows, r);
    return (SDL_Rect){x0, y0, hm_ex(g, s->cols, c + 1) - x0, hm_ey(g, s->rows, r + 1) - y0};
}

/* The colour range: a shared scale, a fixed range, or the data's (diverging:
 * symmetric about 0) without the rows marked off the scale. */
static void hm_range(const ui_heatmap_spec *s, hm_geom *g)
{
    float mn = INFINITY, mx = -INFINITY;
    g->has_ninf = g->off_rows = 0;
    for (int r = 0; r < s->rows; r++) {
        if (s->off_scale_rows && s->off_scale_rows[r]) { g->off_rows++; continue; }
        for (int c = 0; c < s->cols; c++) {
            float v = s->data[r * s->stride + c];
            if (isinf(v) && v < 0) { g->has_ninf = 1; continue; }
            if (!isfinite(v)) continue;
            mn = fminf(mn, v);
            mx = fmaxf(mx, v);
        }
    }
    if (mn > mx) { mn = 0; mx = 1; }
    if (s->scale) { mn = s->scale->lo; mx = s->scale->hi; }
    else if (s->fixed_range) { mn = s->vmin; mx = s->vmax; }
    else if (s->cmap == UI_CMAP_DIVERGING) { float a = fmaxf(fabsf(mn), fabsf(mx)); mn = -a; mx = a; }
    if (mx <= mn) mx = mn + 1e-6f;
    g->lo = mn; g->hi = mx;
}

/* The widest label of rows (or columns) in pixels at the small size (legal: at UI_SIZE_LEGAL); numbers when there are no labels. */
static int hm_label_w(ui_ctx *ui, const char *const *labels, int n, int legal)
{
    char nb[32];
    int best = 0;
    for (int i = 0; i < n; i++) {
        int w = 0;
        const char *lab = labels ? labels[i] : (snprintf(nb, sizeof nb, "%d", i), nb);
        ui_text_size(ui, UI_SANS, legal ? UI_SIZE_LEGAL : UI_SIZE_SMALL, lab, &w, NULL);
        if (w > best) best = w;
    }
    return best;
}

/* Rotated column labels: a column above the cells as long as the longest label,
 * at most a quarter of the height, or what a square map limited by its width
 * leaves unused, or more when whole labels cost its cells at most an eighth
 * (longer labels are shrunk, then cut); one label every thin-th
 * column when the columns are narrower than a line (the tooltip names them all). */
static void hm_rotated(ui_ctx *ui, SDL_Rect r, const ui_heatmap_spec *s, hm_geom *g, float cw_eff)
{
    int cap = r.h / 4;
    if (s->square) {
        int spare = r.y + r.h - g->y - g->gap - ui_f2i(cw_eff * (float)s->rows) - 1;
        if (spare > cap) cap = spare;
        /* whole labels at their size are worth square cells up to an eighth smaller than the cap leaves them */
        const int below = r.y + r.h - g->bar_below - g->y - g->gap - 1;
        const float now = fminf(cw_eff, (float)(below - cap) / (float)s->rows);
        if (g->col_max > cap && (float)(below - g->col_max) >= 0.875f * now * (float)s->rows) {
            cap = g->col_max;
            cw_eff = fminf(cw_eff, (float)(below - g->col_max) / (float)s->rows);
        }
    }
    g->rot_len = g->col_max < cap ? g->col_max : cap;
    if (g->rot_len < g->col_max) { /* a label that fits at the legal size is never cut: the cells give way first */
        int legal = hm_label_w(ui, s->col_labels, s->cols, 1);
        if (legal > g->rot_len) g->rot_len = legal < r.h / 2 ? legal : r.h / 2;
    }
    g->rot_lh = ui_line_height(ui, UI_SANS, g->col_max > g->rot_len ? UI_SIZE_LEGAL : UI_SIZE_SMALL);
    while ((float)g->thin * cw_eff < (float)g->rot_lh) g->thin++;
}

/* The room right of the colour bar: 56 logical px, or more when its numbers are wider. */
static int hm_numbers_w(ui_ctx *ui, const ui_heatmap_spec *s, const hm_geom *g)
{
    float v[3] = {g->hi, s->cmap == UI_CMAP_DIVERGING ? 0.0f : (g->lo + g->hi) * 0.5f, g->lo};
    int best = ui_px(ui, 56);
    for (int i = 0; i < 3; i++) {
        char b[32];
        int w = 0;
        ui_fmt(v[i], 3, b, sizeof b);
        ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, b, &w, NULL);
        if (w + ui_px(ui, 6) > best) best = w + ui_px(ui, 6);
    }
    return best;
}

static void hm_layout(ui_ctx *ui, SDL_Rect r, const ui_heatmap_spec *s, hm_geom *g)
{
    g->y = r.y + (s->title ? ui_line_height(ui, UI_BOLD, UI_SIZE_BODY) + ui_px(ui, 2) : 0);
    g->gap = ui_px(ui, 6);
    g->lh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    if (s->attention) g->y += g->lh; /* the axes line */
    g->row_w = hm_label_w(ui, s->row_labels, s->rows, 0);   /* at most 40% of the width */
    if (g->row_w > r.w * 4 / 10) g->row_w = r.w * 4 / 10;
    g->cb_w = ui_px(ui, 16) + hm_numbers_w(ui, s, g) + g->gap; /* the colour bar: always there */
    g->grid_x = r.x + g->row_w + g->gap;
    int grid_w = r.x + r.w - g->cb_w - g->grid_x;
    if (grid_w < s->cols) { /* a narrow map: its colour bar goes under it, as a strip */
        int notes = (s->scale != NULL) + 2 * (g->off_rows > 0) + g->has_ninf;
        g->cb_w = 0;
        g->bar_below = ui_px(ui, 6) + g->gap / 2 + (1 + notes) * g->lh;
        grid_w = r.x + r.w - g->grid_x;
    }
    if (grid_w < s->cols) grid_w = s->cols;
    g->cwf = (float)grid_w / (float)s->cols;
    g->cw = ui_f2i(g->cwf) < 1 ? 1 : ui_f2i(g->cwf);
    g->col_max = hm_label_w(ui, s->col_labels, s->cols, 0);
    /* square maps get narrower cells when the height is the limit: decide on the real width, or labels overlap */
    float cw_eff = g->cwf;
    if (s->square) cw_eff = fminf(cw_eff, (float)(r.y + r.h - g->bar_below - (g->y + g->lh + g->gap / 2)) / (float)s->rows);
    g->rotated = s->col_labels && (float)(g->col_max + g->gap) > cw_eff;
    g->thin = 1;
    if (!s->col_labels) while (g->thin * g->cw < g->col_max + g->gap) g->thin *= 2; /* numbers: every thin-th */
    if (g->rotated) hm_rotated(ui, r, s, g, cw_eff);
    g->head_h = g->rotated ? g->rot_len + g->gap : g->lh + g->gap / 2;
    g->grid_y = g->y + g->head_h;
    g->chf = fmaxf((float)(r.y + r.h - g->bar_below - g->grid_y) / (float)s->rows, 1.0f);
    g->cwf = fmaxf(g->cwf, 1.0f);
    if (s->square) { if (g->cwf > g->chf) g->cwf = g->chf; else g->chf = g->cwf; }
    float max_ch = (float)ui_px(ui, 64); /* cells no taller than a comfortable row, so short tables do not balloon */
    if (g->chf > max_ch && !s->square) g->chf = max_ch;
    g->cw = ui_f2i(g->cwf) < 1 ? 1 : ui_f2i(g->cwf);
    g->ch = ui_f2i(g->chf) < 1 ? 1 : ui_f2i(g->chf);
    if (s->center) {
        int used = g->row_w + g->gap + ui_f2i(roundf(g->cwf * (float)s->cols)) + g->cb_w;
        if (used < r.w) g->grid_x += (r.w - used) / 2;
    }
    g->cells = (SDL_Rect){g->grid_x, g->grid_y, ui_f2i(roundf(g->cwf * (float)s->cols)), ui_f2i(roundf(g->chf * (float)s->rows))};
}

static void hm_labels(ui_ctx *ui, const ui_heatmap_spec *s, const hm_geom *g)
{
    const ui_theme *t = ui->theme;
    char nb[32];
    int rthin = 1; /* row labels a line apart at least: a line holds its ink, closer they touch */
    while ((float)rthin * g->chf < (float)g->lh) rthin *= 2;
    for (int i = 0; i < s->rows; i++) {
        /* every rthin-th label, and the highlighted row's, whose thinned neighbours give way */
        if (i % rthin && i != s->highlight_row) continue;
        if (rthin > 1 && s->highlight_row >= 0 && i != s->highlight_row && abs(i - s->highlight_row) < rthin) continue;
        const char *lab = s->row_labels ? s->row_labels[i] : (snprintf(nb, sizeof nb, "%d", i), nb);
        SDL_Color c = i == s->highlight_row ? t->accent : t->text_dim;
        int cy = (hm_ey(g, s->rows, i) + hm_ey(g, s->rows, i + 1)) / 2;
        ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, g->grid_x - g->gap, cy, g->row_w, c, UI_RIGHT | UI_MIDDLE, lab);
    }
    int cthin = g->thin, hc = s->highlight_col;
    for (int i = 0; i < s->cols; i++) {
        /* every cthin-th label and the highlighted column's, whose thinned neighbours give way */
        if (i % cthin && i != hc) continue;
        if (cthin > 1 && hc >= 0 && i != hc && abs(i - hc) < cthin) continue;
        const char *lab = s->col_labels ? s->col_labels[i] : (snprintf(nb, sizeof nb, "%d", i), nb);
        SDL_Color c = i == hc ? t->accent : t->text_dim;
        int cx = (hm_ex(g, s->cols, i) + hm_ex(g, s->cols, i + 1)) / 2;
        if (!g->rotated) ui_text(ui, UI_SANS, UI_SIZE_SMALL, cx, g->grid_y - g->gap / 2, c, UI_CENTER | UI_BOTTOM, lab);
        else ui_text_rotated_fit(ui, UI_SANS, UI_SIZE_SMALL, cx + g->rot_lh / 2, g->y, g->rot_len, c, lab);
    }
}

static SDL_Color hm_color(const ui_ctx *ui, const hm_geom *g, ui_cmap cmap, float v)
{
    return (isinf(v) && v < 0) ? ui->theme->neg_inf : ui_cmap_color(cmap, v, g->lo, g->hi);
}

/* All cells as one texture, one texel per pixel coloured by the cell whose
 * edges contain it (drawing and hit-testing agree exactly): one copy instead
 * of rows x cols fills. 0 when it could not be made (then cells are filled). */
static int hm_texture(ui_ctx *ui, const ui_heatmap_spec *s, const hm_geom *g)
{
    const SDL_Rect *cells = &g->cells;
    if (s->rows * s->cols <= 16 || cells->w <= 0 || cells->h <= 0 || (long)cells->w * cells->h > 16L * 1024 * 1024) return 0;
    SDL_Texture *tex = SDL_CreateTexture(ui->r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, cells->w, cells->h);
    Uint32 *cellcol = malloc(sizeof *cellcol * (size_t)s->rows * (size_t)s->cols);
    int *colof = malloc(sizeof *colof * (size_t)cells->w);
    void *pixels;
    int pitch, done = 0;
    if (tex && cellcol && colof && SDL_LockTexture(tex, NULL, &pixels, &pitch) == 0) {
        for (int rr = 0; rr < s->rows; rr++)
            for (int cc = 0; cc < s->cols; cc++) {
                SDL_Color col = hm_color(ui, g, s->cmap, s->data[rr * s->stride + cc]);
                cellcol[rr * s->cols + cc] = 0xFF000000u | ((Uint32)col.r << 16) | ((Uint32)col.g << 8) | col.b;
            }
        for (int cc = 0, px = 0; cc < s->cols; cc++)
            for (; px < hm_ex(g, s->cols, cc + 1) - g->grid_x && px < cells->w; px++) colof[px] = cc;
        for (int rr = 0, py = 0; rr < s->rows; rr++) {
            const Uint32 *src = cellcol + (size_t)rr * (size_t)s->cols;
            for (; py < hm_ey(g, s->rows, rr + 1) - g->grid_y && py < cells->h; py++) {
                Uint32 *row = (Uint32 *)((Uint8 *)pixels + (size_t)py * (size_t)pitch);
                for (int px = 0; px < cells->w; px++) row[px] = src[colof[px]];
            }
        }
        SDL_UnlockTexture(tex);
        SDL_SetTextureScaleMode(tex, SDL_ScaleModeNearest);
        SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_NONE);
        SDL_RenderCopy(ui->r, tex, NULL, cells);
        done = 1;
    }
    free(cellcol);
    free(colof);
    if (tex) SDL_DestroyTexture(tex);
    return done;
}

/* The cells (hatched -INFINITY), and their numbers when show_values and they fit. */
static void hm_cells(ui_ctx *ui, const ui_heatmap_spec *s, const hm_geom *g)
{
    int vals = s->show_values, vw = 0;
    if (vals) {
        ui_text_size(ui, UI_MONO, UI_SIZE_SMALL, "\xE2\x88\x92" "0.00", &vw, NULL);
        if (vw + 4 > g->cw || g->lh > g->ch + 2) vals = 0;
    }
    bg_save cells_bg = bg_push(ui, NULL);
    int as_texture = hm_texture(ui, s, g);
    for (int rr = 0; rr < s->rows; rr++)
        for (int cc = 0; cc < s->cols; cc++) {
            float v = s->data[rr * s->stride + cc];
            SDL_Rect cell = hm_cell(g, s, rr, cc);
            SDL_Color col = hm_color(ui, g, s->cmap, v);
            char b[32];
            if (isinf(v) && v < 0) { /* masked: hatched, "−∞" in a numbers matrix */
                ui_hatch(ui, cell, ui->theme->neg_inf, ui->theme->bg);
                if (vals) ui_text(ui, UI_MONO, UI_SIZE_SMALL, cell.x + cell.w / 2, cell.y + cell.h / 2, ui->theme->text, UI_CENTER | UI_MIDDLE, "\xE2\x88\x92\xE2\x88\x9E");
                continue;
            }
            if (!as_texture) ui_fill(ui, cell, col);
            if (vals && ui_fmt_fit(ui, UI_MONO, UI_SIZE_SMALL, v, cell.w - 4, b, sizeof b))
                ui_text(ui, UI_MONO, UI_SIZE_SMALL, cell.x + cell.w / 2, cell.y + cell.h / 2, ui_text_on(col), UI_CENTER | UI_MIDDLE, b);
        }
    bg_pop(ui, cells_bg);
}

/* The border, the highlighted row and column, and a dashed frame round each row off the scale. */
static void hm_marks(ui_ctx *ui, const ui_heatmap_spec *s, const hm_geom *g)
{
    const ui_theme *t = ui->theme;
    const SDL_Rect *c = &g->cells;
    ui_frame(ui, (SDL_Rect){c->x - 1, c->y - 1, c->w + 2, c->h + 2}, t->border, 1);
    for (int r = 0; s->off_scale_rows && r < s->rows; r++) {
        if (!s->off_scale_rows[r]) continue;
        int y0 = hm_ey(g, s->rows, r), y1 = hm_ey(g, s->rows, r + 1), dash = ui_px(ui, 6);
        for (int x = c->x; x < c->x + c->w; x += 2 * dash) {
            int w = x + dash > c->x + c->w ? c->x + c->w - x : dash;
            ui_fill(ui, (SDL_Rect){x, y0, w, ui_px(ui, 2)}, t->text);
            ui_fill(ui, (SDL_Rect){x, y1 - ui_px(ui, 2), w, ui_px(ui, 2)}, t->text);
        }
    }
    int th = ui_px(ui, 2);
    if (s->highlight_row >= 0 && s->highlight_row < s->rows) {
        SDL_Rect h = hm_cell(g, s, s->highlight_row, 0);
        ui_frame(ui, (SDL_Rect){c->x - 1, h.y - 1, c->w + 2, h.h + 2}, t->accent, th);
    }
    if (s->highlight_col >= 0 && s->highlight_col < s->cols) {
        SDL_Rect h = hm_cell(g, s, 0, s->highlight_col);
        ui_frame(ui, (SDL_Rect){h.x - 1, c->y - 1, h.w + 2, c->h + 2}, t->accent, th);
    }
}

/* A gradient of cmap over [lo, hi] in bar: upwards when it is taller than wide, else left to right. */
static void gradient(ui_ctx *ui, SDL_Rect bar, ui_cmap cmap, float lo, float hi)
{
    int up = bar.h > bar.w, len = up ? bar.h : bar.w, n = len > 64 ? 64 : len;
    for (int i = 0; i < n; i++) {
        int a = len * i / n, b = len * (i + 1) / n;
        float v = lo + (hi - lo) * ((float)i + 0.5f) / (float)n;
        SDL_Rect r = up ? (SDL_Rect){bar.x, bar.y + bar.h - b, bar.w, b - a} : (SDL_Rect){bar.x + a, bar.y, b - a, bar.h};
        ui_fill(ui, r, ui_cmap_color(cmap, v, lo, hi));
    }
    ui_frame(ui, bar, ui->theme->border, 1);
}

/* "lo…hi" in at most max_w px (down to the legal size): 3 significant digits, else 2, else 1. */
static void range_label(ui_ctx *ui, float lo, float hi, int max_w, char *dst, size_t n)
{
    for (int sig = 3; sig >= 1; sig--) {
        char a[32], b[32];
        int w = 0;
        ui_fmt(lo, sig, a, sizeof a);
        ui_fmt(hi, sig, b, sizeof b);
        snprintf(dst, n, "%s\xE2\x80\xA6%s", a, b);
        ui_text_size(ui, UI_SANS, UI_SIZE_LEGAL, dst, &w, NULL);
        if (w <= max_w) return;
    }
}

/* The colour bar right of the cells, at least 120 px tall: its range at the
 * ends and the middle (0 for a diverging map), a "−∞" swatch for masked cells,
 * the scale's note (_("shared")) when several maps use it, "dashed: off scale"
 * when rows are left out of the range; shorter than 3 lines: the ends only;
 * shorter than 2: a strip and "lo…hi". A map too narrow for the bar beside it
 * gets it under its cells, as a strip with its ends. */
static void hm_colorbar(ui_ctx *ui, SDL_Rect r, const ui_heatmap_spec *s, const hm_geom *g)
{
    const ui_theme *t = ui->theme;
    int notes = (s->scale != NULL) + 2 * (g->off_rows > 0) + g->has_ninf;
    SDL_Rect bar = {g->cells.x + g->cells.w + g->gap, g->grid_y, ui_px(ui, 16), g->cells.h};
    if (bar.h < ui_px(ui, 120)) bar.h = ui_px(ui, 120);
    if (bar.y + bar.h > r.y + r.h) bar.h = r.y + r.h - bar.y;
    bar.h -= notes * g->lh;
    int tx = bar.x + bar.w + ui_px(ui, 4), nw = g->cb_w - g->gap, y;
    char hi[32], mid[32], lo[32], b[80];
    ui_fmt(g->hi, 3, hi, sizeof hi);
    ui_fmt(s->cmap == UI_CMAP_DIVERGING ? 0.0f : (g->lo + g->hi) * 0.5f, 3, mid, sizeof mid);
    ui_fmt(g->lo, 3, lo, sizeof lo);
    if (g->bar_below) { /* under the cells: a strip as wide as they are, lo at its left end, hi at its right */
        nw = g->cells.w;
        bar = (SDL_Rect){g->cells.x, g->cells.y + g->cells.h + g->gap / 2, nw, ui_px(ui, 6)};
        gradient(ui, bar, s->cmap, g->lo, g->hi);
        int wl = 0, wh = 0;
        ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, lo, &wl, NULL);
        ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, hi, &wh, NULL);
        if (wl + wh + g->gap <= nw) {
            ui_text(ui, UI_SANS, UI_SIZE_SMALL, bar.x, bar.y + bar.h, t->text_dim, UI_LEFT | UI_TOP, lo);
            ui_text(ui, UI_SANS, UI_SIZE_SMALL, bar.x + nw, bar.y + bar.h, t->text_dim, UI_RIGHT | UI_TOP, hi);
        } else {
            range_label(ui, g->lo, g->hi, nw, b, sizeof b);
            ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, bar.x, bar.y + bar.h, nw, t->text_dim, UI_LEFT | UI_TOP, b);
        }
        y = bar.y + bar.h + g->lh;
    } else if (bar.h < 2 * g->lh) { /* compact: a strip and "lo…hi" under it */
        bar = (SDL_Rect){bar.x, g->grid_y, nw, ui_px(ui, 6)};
        gradient(ui, bar, s->cmap, g->lo, g->hi);
        range_label(ui, g->lo, g->hi, nw, b, sizeof b);
        ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, bar.x, bar.y + bar.h + 1, nw, t->text_dim, UI_LEFT | UI_TOP, b);
        y = bar.y + bar.h + 1 + g->lh;
    } else {
        gradient(ui, bar, s->cmap, g->lo, g->hi);
        y = bar.y + bar.h;
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, tx, bar.y, t->text_dim, UI_LEFT | UI_TOP, hi);
        if (bar.h >= 3 * g->lh) ui_text(ui, UI_SANS, UI_SIZE_SMALL, tx, bar.y + bar.h / 2, t->text_dim, UI_LEFT | UI_MIDDLE, mid); /* short: the ends only */
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, tx, y, t->text_dim, UI_LEFT | UI_BOTTOM, lo);
    }
    if (g->has_ninf) {
        SDL_Rect sw = {bar.x, y + ui_px(ui, 3), ui_px(ui, 16), g->lh - ui_px(ui, 6)};
        ui_hatch(ui, sw, t->neg_inf, t->bg);
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, sw.x + sw.w + ui_px(ui, 4), sw.y + sw.h / 2, t->text_dim, UI_LEFT | UI_MIDDLE, "\xE2\x88\x92\xE2\x88\x9E");
        y += g->lh;
    }
    if (s->scale) { ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, bar.x, y, nw, t->text_dim, UI_LEFT, s->scale->note ? s->scale->note : _("shared")); y += g->lh; }
    if (g->off_rows) {
        ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, bar.x, y, nw, t->text_dim, UI_LEFT, _("dashed:"));
        ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, bar.x, y + g->lh, nw, t->text_dim, UI_LEFT, _("off scale"));
    }
}

/* The hovered cell: the one whose [edge(i), edge(i+1)) holds the mouse, exactly what was drawn. */
static int hm_hover(ui_ctx *ui, const ui_heatmap_spec *s, const hm_geom *g, ui_heatmap_out *out)
{
    if (!ui_mouse_in(ui, g->cells)) return 0;
    int cc = (int)(((long)(ui->mouse_x - g->grid_x) * s->cols) / g->cells.w), rr = (int)(((long)(ui->mouse_y - g->grid_y) * s->rows) / g->cells.h);
    while (cc > 0 && ui->mouse_x < hm_ex(g, s->cols, cc)) cc--;
    while (cc < s->cols - 1 && ui->mouse_x >= hm_ex(g, s->cols, cc + 1)) cc++;
    while (rr > 0 && ui->mouse_y < hm_ey(g, s->rows, rr)) rr--;
    while (rr < s->rows - 1 && ui->mouse_y >= hm_ey(g, s->rows, rr + 1)) rr++;
    if (cc < 0 || cc >= s->cols || rr < 0 || rr >= s->rows) return 0;
    float v = s->data[rr * s->stride + cc];
    char rl[40], cl[40];
    if (s->row_labels) snprintf(rl, sizeof rl, "%s", s->row_labels[rr]); else snprintf(rl, sizeof rl, "%d", rr);
    if (s->col_labels) snprintf(cl, sizeof cl, "%s", s->col_labels[cc]); else snprintf(cl, sizeof cl, "%d", cc);
    SDL_Rect cell = hm_cell(g, s, rr, cc);
    if (s->row_labels || s->col_labels) ui_hover_value(ui, cell, v, "%s[%d][%d] (%s, %s)", s->name ? s->name : "", rr, cc, rl, cl);
    else ui_hover_value(ui, cell, v, "%s[%d][%d]", s->name ? s->name : "", rr, cc);
    if (out) { out->hover_row = rr; out->hover_col = cc; }
    return 1;
}

int ui_heatmap(ui_ctx *ui, SDL_Rect r, const ui_heatmap_spec *s, ui_heatmap_out *out)
{
    if (out) { memset(out, 0, sizeof *out); out->hover_row = out->hover_col = -1; }
    if (!s || !s->data || s->rows <= 0 || s->cols <= 0 || r.w < 8 || r.h < 8) return 0;
    ui_heatmap_spec sp = *s;
    if (sp.stride <= 0) sp.stride = sp.cols;
    hm_geom g;
    memset(&g, 0, sizeof g);
    hm_range(&sp, &g);
    hm_layout(ui, r, &sp, &g);
    if (sp.title) ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, r.x, r.y, r.w, ui->theme->text, UI_LEFT, sp.title);
    if (sp.attention) ui_attn_axes(ui, r.x, g.y - g.lh, r.w);
    hm_labels(ui, &sp, &g);
    hm_cells(ui, &sp, &g);
    hm_marks(ui, &sp, &g);
    hm_colorbar(ui, r, &sp, &g);
    int hovered = hm_hover(ui, &sp, &g, out);
    if (out) { out->cells = g.cells; out->cell_w = ui_f2i(roundf(g.cwf)); out->cell_h = ui_f2i(roundf(g.chf)); }
    return hovered;
}

int ui_nice_ticks(float lo, float hi, int max_n, float *ticks, int cap)
{
    if (!(hi > lo) || !isfinite(lo) || !isfinite(hi) || max_n < 1 || cap < 1) return 0;
    float raw = (hi - lo) / (float)max_n, mag = powf(10.0f, floorf(log10f(raw))), f = raw / mag;
    float step = (f <= 1.0f ? 1.0f : f <= 2.0f ? 2.0f : f <= 2.5f ? 2.5f : f <= 5.0f ? 5.0f : 10.0f) * mag;
    int n = 0;
    for (double v = ceil((double)lo / step - 1e-6) * step; v <= (double)hi + step * 1e-6 && n < cap; v += step)
        ticks[n++] = fabs(v) < step * 1e-6 ? 0.0f : (float)v; /* no "-0" */
    return n;
}

/* What ui_plot's parts share: the ranges, the plot rectangle and the mapping. */
typedef struct {
    float xmin, xmax, ymin, ymax;
    SDL_Rect p;
    int gap, lh;
} plot_geom;

static float plot_px(const plot_geom *g, float x) { return (float)g->p.x + (x - g->xmin) / (g->xmax - g->xmin) * (float)g->p.w; }
static float plot_py(const plot_geom *g, float y) { return (float)g->p.y + (g->ymax - y) / (g->ymax - g->ymin) * (float)g->p.h; }
static float plot_x(const ui_plot_spec *s, int i) { return s->xs ? s->xs[i] : (float)i; }

static void plot_range(const ui_plot_spec *s, plot_geom *g)
{
    g->ymin = INFINITY; g->ymax = -INFINITY;
    for (int k = 0; k < s->n_series && k < 8; k++)
        for (int i = 0; i < s->n; i++)
            if (isfinite(s->ys[k][i])) { g->ymin = fminf(g->ymin, s->ys[k][i]); g->ymax = fmaxf(g->ymax, s->ys[k][i]); }
    if (s->fixed_range || g->ymin > g->ymax) { g->ymin = s->ymin; g->ymax = s->ymax; }
    else if (s->y_from_zero) g->ymin = fminf(g->ymin, 0.0f);
    if (g->ymax <= g->ymin) g->ymax = g->ymin + 1;
    g->xmin = plot_x(s, 0);
    g->xmax = plot_x(s, s->n - 1);
    if (g->xmax <= g->xmin) g->xmax = g->xmin + 1;
}

/* Title and legend lines; returns the y under them. */
static int plot_head(ui_ctx *ui, SDL_Rect r, const ui_plot_spec *s, const plot_geom *g)
{
    const ui_theme *t = ui->theme;
    int y = r.y;
    if (s->title) {
        ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, r.x, y, r.w, t->text, UI_LEFT, s->title);
        y += ui_line_height(ui, UI_BOLD, UI_SIZE_BODY) + ui_px(ui, 2);
    }
    if (s->n_series > 1 || s->names[0]) {
        int lx = r.x;
        for (int k = 0; k < s->n_series && k < 8; k++) {
            if (!s->names[k]) continue;
            ui_fill(ui, (SDL_Rect){lx, y + g->lh / 2 - ui_px(ui, 2), ui_px(ui, 18), ui_px(ui, 4)}, t->series[k % 6]);
            lx += ui_px(ui, 22);
            lx += ui_text(ui, UI_SANS, UI_SIZE_SMALL, lx, y, t->text, UI_LEFT, s->names[k]) + ui_px(ui, 14);
        }
        y += g->lh + g->gap / 2;
    }
    return y;
}

/* The frame, grid lines and ticks at round values (ui_nice_ticks, ui_fmt), the zero line, the axis labels. */
static void plot_axes(ui_ctx *ui, const ui_plot_spec *s, const plot_geom *g)
{
    const ui_theme *t = ui->theme;
    const SDL_Rect p = g->p;
    float tk[32];
    char b[32];
    ui_frame(ui, p, t->border, 1);
    int n = ui_nice_ticks(g->ymin, g->ymax, p.h / (3 * g->lh) < 2 ? 2 : p.h / (3 * g->lh) > 6 ? 6 : p.h / (3 * g->lh), tk, 32);
    for (int i = 0; i < n; i++) {
        float yy = plot_py(g, tk[i]);
        if (yy > (float)p.y + 1 && yy < (float)(p.y + p.h) - 1) ui_line(ui, (float)p.x, yy, (float)(p.x + p.w), yy, 1, t->grid);
        ui_fmt(tk[i], 3, b, sizeof b);
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, p.x - g->gap, ui_f2i(yy), t->text_dim, UI_RIGHT | UI_MIDDLE, b);
    }
    if (g->ymin < 0 && g->ymax > 0) ui_line(ui, (float)p.x, plot_py(g, 0), (float)(p.x + p.w), plot_py(g, 0), 1, t->text_dim);
    int nt = p.w / ui_px(ui, 60);
    n = ui_nice_ticks(g->xmin, g->xmax, nt < 2 ? 2 : nt > 10 ? 10 : nt, tk, 32);
    for (int i = 0; i < n; i++) {
        int xx = ui_f2i(plot_px(g, tk[i]));
        ui_line(ui, (float)xx, (float)(p.y + p.h), (float)xx, (float)(p.y + p.h + g->gap / 2), 1, t->text_dim);
        ui_fmt(tk[i], 3, b, sizeof b);
        int tw = 0, lx = xx; /* centred under its tick, the last one kept inside the widget (p + gap) */
        ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, b, &tw, NULL);
        if (lx + tw / 2 + 1 > p.x + p.w + g->gap) lx = p.x + p.w + g->gap - tw / 2 - 1;
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, lx, p.y + p.h + g->gap / 2, t->text_dim, UI_CENTER, b);
    }
    if (s->x_label) ui_text(ui, UI_SANS, UI_SIZE_SMALL, p.x + p.w / 2, p.y + p.h + g->gap + g->lh, t->text_dim, UI_CENTER, s->x_label);
    if (s->y_label) ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, p.x + g->gap, p.y + g->gap / 2, p.w, t->text_dim, UI_LEFT, s->y_label);
    if (s->highlight_x >= 0 && s->highlight_x < s->n) {
        float xx = plot_px(g, plot_x(s, s->highlight_x));
        ui_line(ui, xx, (float)p.y, xx, (float)(p.y + p.h), (float)ui_px(ui, 2), ui_alpha(t->accent, 160));
    }
}

/* Each series: a continuous curve sampled every 2 px when the spec has one
 * (its samples then always drawn as points), else the samples joined. */
static void plot_series(ui_ctx *ui, const ui_plot_spec *s, const plot_geom *g)
{
    float th = (float)ui_px(ui, 2.5f);
    for (int k = 0; k < s->n_series && k < 8; k++) {
        SDL_Color c = ui->theme->series[k % 6];
        if (s->curve) {
            float px0 = 0, py0 = 0;
            for (int x = 0; x <= g->p.w; x += 2) {
                float xv = g->xmin + (g->xmax - g->xmin) * (float)x / (float)g->p.w;
                float px = (float)(g->p.x + x), py = plot_py(g, s->curve(k, xv, s->curve_user));
                if (x > 0) ui_line(ui, px0, py0, px, py, th, c);
                px0 = px; py0 = py;
            }
        }
        for (int i = 0; i < s->n; i++) {
            float px = plot_px(g, plot_x(s, i)), py = plot_py(g, s->ys[k][i]);
            if (i > 0 && !s->curve) ui_line(ui, plot_px(g, plot_x(s, i - 1)), plot_py(g, s->ys[k][i - 1]), px, py, th, c);
            if (s->markers || s->curve) ui_circle(ui, px, py, (float)ui_px(ui, 3.5f), c, 1);
        }
    }
}

/* The sample nearest the mouse, of the nearest series. */
static int plot_hover(ui_ctx *ui, const ui_plot_spec *s, const plot_geom *g)
{
    if (!ui_mouse_in(ui, g->p)) return -1;
    float best = 1e30f;
    int bk = 0, bi = 0;
    for (int k = 0; k < s->n_series && k < 8; k++)
        for (int i = 0; i < s->n; i++) {
            float dx = plot_px(g, plot_x(s, i)) - (float)ui->mouse_x, dy = plot_py(g, s->ys[k][i]) - (float)ui->mouse_y;
            if (dx * dx + dy * dy < best) { best = dx * dx + dy * dy; bk = k; bi = i; }
        }
    float px = plot_px(g, plot_x(s, bi)), py = plot_py(g, s->ys[bk][bi]);
    int rr = ui_px(ui, 6);
    ui_circle(ui, px, py, (float)rr, ui->theme->accent, 0);
    ui_num xn;
    ui_hover_value(ui, (SDL_Rect){ui_f2i(px) - rr, ui_f2i(py) - rr, 2 * rr, 2 * rr}, s->ys[bk][bi], "%s at x=%s",
                   s->names[bk] ? s->names[bk] : "y", ui_fmts(&xn, plot_x(s, bi), 6));
    return bi;
}

ui_plot_spec ui_plot_line(const float *xs, int n, const float *ys, const char *name)
{
    return (ui_plot_spec){.ys = {ys}, .names = {name}, .n_series = 1, .n = n, .xs = xs, .highlight_x = -1};
}

int ui_plot(ui_ctx *ui, SDL_Rect r, const ui_plot_spec *s)
{
    if (!s || s->n <= 0 || s->n_series <= 0 || r.w < 16 || r.h < 16) return -1;
    plot_geom g;
    memset(&g, 0, sizeof g);
    plot_range(s, &g);
    g.gap = ui_px(ui, 6);
    g.lh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int y = plot_head(ui, r, s, &g);
    int axis_w = 0, xl_h = g.lh + g.gap + (s->x_label ? g.lh : 0);
    ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, "\xE2\x88\x92" "0.0000", &axis_w, NULL); /* the widest tick ui_fmt gives, and its gap */
    axis_w += g.gap + 1;
    if (axis_w < ui_px(ui, 52)) axis_w = ui_px(ui, 52);
    g.p = (SDL_Rect){r.x + axis_w, y + g.gap, r.w - axis_w - g.gap, r.y + r.h - y - g.gap - xl_h};
    if (g.p.w < 8 || g.p.h < 8) return -1;
    plot_axes(ui, s, &g);
    plot_series(ui, s, &g);
    return plot_hover(ui, s, &g);
}

int ui_chip_width(ui_ctx *ui, float size, const char *text, const char *sub)
{
    int w1 = 0, w2 = 0;
    ui_text_size(ui, UI_BOLD, size, text, &w1, NULL);
    if (sub) ui_text_size(ui, UI_MONO, size * 0.75f, sub, &w2, NULL);
    int w = w1 > w2 ? w1 : w2;
    return w + 2 * ui_px(ui, size * 0.6f);
}

SDL_Rect ui_chip(ui_ctx *ui, float size, int x, int y, const char *text, const char *sub, ui_chip_kind kind, int selected)
{
    const ui_theme *t = ui->theme;
    int w = ui_chip_width(ui, size, text, sub);
    int h1 = ui_line_height(ui, UI_BOLD, size), h2 = sub ? ui_line_height(ui, UI_MONO, size * 0.75f) : 0;
    int pad = ui_px(ui, size * 0.35f);
    SDL_Rect r = {x, y, w, h1 + h2 + 2 * pad};
    SDL_Color fill = kind == UI_CHIP_SPECIAL ? t->chip_special : kind == UI_CHIP_UNK ? t->chip_unk : t->chip;
    if (kind == UI_CHIP_MUTED) fill = ui_alpha(t->chip, 110);
    ui_fill(ui, r, fill);
    SDL_Color border = selected ? t->accent : kind == UI_CHIP_UNK ? t->warn : t->border;
    ui_frame(ui, r, border, selected ? ui_px(ui, 3) : ui_px(ui, kind == UI_CHIP_UNK ? 2 : 1));
    SDL_Color tc = kind == UI_CHIP_MUTED ? t->text_dim : t->text;
    bg_save b = bg_push(ui, &fill);
    ui_text(ui, UI_BOLD, size, x + w / 2, y + pad, tc, UI_CENTER, text);
    if (sub) ui_text(ui, UI_MONO, size * 0.75f, x + w / 2, y + pad + h1, t->text_dim, UI_CENTER, sub);
    bg_pop(ui, b);
    return r;
}

void ui_weight_link(ui_ctx *ui, float x0, float y0, float x1, float y1, float weight, SDL_Color c)
{
    if (!(weight > 0.0f)) return;
    if (weight > 1.0f) weight = 1.0f;
    float th = 1.0f + weight * (float)ui_px(ui, 8);
    c.a = (Uint8)(40 + 215 * weight);
    ui_line(ui, x0, y0, x1, y1, th, c);
}

int ui_box(ui_ctx *ui, SDL_Rect r, const char *label, const char *sub, SDL_Color fill, int selected)
{
    const ui_theme *t = ui->theme;
    int hot = ui_mouse_in(ui, r);
    SDL_Color f = hot ? ui_color_lerp(fill, t->accent, 0.25f) : fill;
    ui_fill(ui, r, f);
    ui_frame(ui, r, selected || hot ? t->accent : t->border, selected ? ui_px(ui, 3) : ui_px(ui, 1.5f));
    SDL_Color tc = ui_text_on(f);
    int lh = ui_line_height(ui, UI_BOLD, UI_SIZE_BODY);
    int cy = r.y + r.h / 2 - (sub ? lh / 2 : 0);
    bg_save b = bg_push(ui, &f);
    if (label) ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, r.x + r.w / 2, cy, r.w - 4, tc, UI_CENTER | UI_MIDDLE, label);
    if (sub) ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, r.x + r.w / 2, cy + lh * 3 / 4, r.w - 4, tc, UI_CENTER | UI_MIDDLE, sub);
    bg_pop(ui, b);
    return hot;
}

int ui_button(ui_ctx *ui, SDL_Rect r, const char *label, int active)
{
    const ui_theme *t = ui->theme;
    int hot = ui_mouse_in(ui, r);
    SDL_Color f = active ? t->accent : hot ? t->panel_alt : t->panel;
    ui_fill(ui, r, f);
    ui_frame(ui, r, active || hot ? t->accent : t->border, 1);
    bg_save b = bg_push(ui, &f);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, r.x + r.w / 2, r.y + r.h / 2, r.w - 4, active ? t->accent_text : t->text,
                UI_CENTER | UI_MIDDLE, label);
    bg_pop(ui, b);
    return hot;
}

int ui_toggle(ui_ctx *ui, SDL_Rect r, const char *label, int on)
{
    const ui_theme *t = ui->theme;
    int hot = ui_mouse_in(ui, r);
    int bs = r.h * 7 / 10;
    SDL_Rect box = {r.x, r.y + (r.h - bs) / 2, bs, bs};
    ui_fill(ui, box, on ? t->accent : t->panel_alt);
    ui_frame(ui, box, hot ? t->accent : t->border, ui_px(ui, 1.5f));
    if (on) ui_text(ui, UI_BOLD, UI_SIZE_SMALL, box.x + bs / 2, box.y + bs / 2, t->accent_text, UI_CENTER | UI_MIDDLE, "\xE2\x9C\x93");
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, box.x + bs + ui_px(ui, 8), r.y + r.h / 2, r.w - bs - ui_px(ui, 8), t->text,
                UI_LEFT | UI_MIDDLE, label);
    return hot;
}

void ui_slider(ui_ctx *ui, SDL_Rect r, const char *label, float value, float vmin, float vmax, const char *fmt)
{
    const ui_theme *t = ui->theme;
    int hot = ui_mouse_in(ui, r);
    char b[96], v[48];
    if (fmt) snprintf(v, sizeof v, fmt, (double)value); /* a lesson's own form, for a count */
    else ui_fmt(value, 3, v, sizeof v);
    snprintf(b, sizeof b, "%s = %s", label ? label : "", v);
    int lh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, r.x, r.y, r.w, t->text, UI_LEFT, b);
    int ty = r.y + lh + (r.h - lh) / 2;
    int th = ui_px(ui, 6);
    ui_fill(ui, (SDL_Rect){r.x, ty - th / 2, r.w, th}, t->panel_alt);
    ui_frame(ui, (SDL_Rect){r.x, ty - th / 2, r.w, th}, t->border, 1);
    float f = vmax > vmin ? (value - vmin) / (vmax - vmin) : 0.0f;
    if (f < 0) f = 0;
    if (f > 1) f = 1;
    ui_fill(ui, (SDL_Rect){r.x, ty - th / 2, ui_f2i(f * (float)r.w), th}, t->accent);
    ui_circle(ui, (float)r.x + f * (float)r.w, (float)ty, (float)ui_px(ui, hot ? 11 : 9), t->accent, 1);
}

float ui_slider_value_at(SDL_Rect r, float vmin, float vmax, int mouse_x)
{
    float f = r.w > 0 ? (float)(mouse_x - r.x) / (float)r.w : 0.0f;
    if (f < 0) f = 0;
    if (f > 1) f = 1;
    return vmin + f * (vmax - vmin);
}
