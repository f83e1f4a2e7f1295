/* ui_widgets.c - the toolkit's data widgets (heatmap/matrix, bar chart, line
 * plot, token chips, weight links, block-diagram boxes) and lesson controls
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

static void fmt_tick(float v, char *dst, size_t n)
{
    float a = fabsf(v);
    if (v == 0.0f) snprintf(dst, n, "0");
    else if (a >= 1000.0f || a < 0.01f) snprintf(dst, n, "%.2g", v);
    else if (a >= 100.0f) snprintf(dst, n, "%.0f", v);
    else if (a >= 10.0f) snprintf(dst, n, "%.1f", v);
    else snprintf(dst, n, "%.2f", v);
    /* a real minus sign reads better on a slide */
    if (dst[0] == '-' && strlen(dst) + 3 < n) {
        memmove(dst + 3, dst + 1, strlen(dst));
        memcpy(dst, "\xE2\x88\x92", 3);
    }
}

/* fmt_tick shortened to fit max_w pixels (mono, small): 1 when it fits, 0
 * when even the short form does not (then draw nothing). */
static int fmt_tick_fit(ui_ctx *ui, float v, int max_w, char *dst, size_t n)
{
    int w = 0;
    fmt_tick(v, dst, n);
    ui_text_size(ui, UI_MONO, UI_SIZE_SMALL, dst, &w, NULL);
    if (w <= max_w) return 1;
    if (v != 0.0f) { /* one significant digit: 0.0048 -> 0.005, 123 -> 1e+02 */
        char tmp[16];
        snprintf(tmp, sizeof tmp, "%.1g", (double)fabsf(v));
        snprintf(dst, n, "%s%s", v < 0.0f ? "\xE2\x88\x92" : "", tmp);
        ui_text_size(ui, UI_MONO, UI_SIZE_SMALL, dst, &w, NULL);
        if (w <= max_w) return 1;
    }
    dst[0] = 0;
    return 0;
}

void ui_heatmap_defaults(ui_heatmap_spec *s)
{
    memset(s, 0, sizeof *s);
    s->colorbar = 1;
    s->highlight_row = s->highlight_col = -1;
}

static void data_range(const ui_heatmap_spec *s, float *lo, float *hi, int *has_ninf)
{
    float mn = INFINITY, mx = -INFINITY;
    *has_ninf = 0;
    for (int r = 0; r < s->rows; r++)
        for (int c = 0; c < s->cols; c++) {
            float v = s->data[r * s->stride + c];
            if (isinf(v) && v < 0) { *has_ninf = 1; continue; }
            if (!isfinite(v)) continue;
            if (v < mn) mn = v;
            if (v > mx) mx = v;
        }
    if (mn > mx) { mn = 0; mx = 1; }
    if (s->fixed_range) { mn = s->vmin; mx = s->vmax; }
    else if (s->cmap == UI_CMAP_DIVERGING) { float a = fmaxf(fabsf(mn), fabsf(mx)); mn = -a; mx = a; }
    if (mx <= mn) mx = mn + 1e-6f;
    *lo = mn; *hi = mx;
}

static void colorbar(ui_ctx *ui, SDL_Rect bar, ui_cmap cmap, float lo, float hi, int has_ninf)
{
    const ui_theme *t = ui->theme;
    int nst = bar.h > 64 ? 64 : bar.h;
    if (has_ninf) bar.h -= ui_px(ui, 34);
    for (int i = 0; i < nst; i++) {
        int y0 = bar.y + bar.h * i / nst, y1 = bar.y + bar.h * (i + 1) / nst;
        float v = hi - (hi - lo) * ((float)i + 0.5f) / (float)nst;
        ui_fill(ui, (SDL_Rect){bar.x, y0, bar.w, y1 - y0}, ui_cmap_color(cmap, v, lo, hi));
    }
    ui_frame(ui, (SDL_Rect){bar.x, bar.y, bar.w, bar.h}, t->border, 1);
    char b[32];
    int tx = bar.x + bar.w + ui_px(ui, 4);
    float mid = cmap == UI_CMAP_DIVERGING ? 0.0f : (lo + hi) * 0.5f;
    fmt_tick(hi, b, sizeof b); ui_text(ui, UI_SANS, UI_SIZE_SMALL, tx, bar.y, t->text_dim, UI_LEFT | UI_TOP, b);
    fmt_tick(mid, b, sizeof b); ui_text(ui, UI_SANS, UI_SIZE_SMALL, tx, bar.y + bar.h / 2, t->text_dim, UI_LEFT | UI_MIDDLE, b);
    fmt_tick(lo, b, sizeof b); ui_text(ui, UI_SANS, UI_SIZE_SMALL, tx, bar.y + bar.h, t->text_dim, UI_LEFT | UI_BOTTOM, b);
    if (has_ninf) {
        SDL_Rect sw = {bar.x, bar.y + bar.h + ui_px(ui, 10), bar.w, ui_px(ui, 22)};
        ui_hatch(ui, sw, t->neg_inf, t->bg);
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, tx, sw.y + sw.h / 2, t->text_dim, UI_LEFT | UI_MIDDLE, "\xE2\x88\x92\xE2\x88\x9E");
    }
}

int ui_heatmap(ui_ctx *ui, SDL_Rect r, const ui_heatmap_spec *s, ui_heatmap_out *out)
{
    const ui_theme *t = ui->theme;
    if (out) { memset(out, 0, sizeof *out); out->hover_row = out->hover_col = -1; }
    if (!s || !s->data || s->rows <= 0 || s->cols <= 0 || r.w < 8 || r.h < 8) return 0;
    ui_heatmap_spec sp = *s;
    if (sp.stride <= 0) sp.stride = sp.cols;
    float lo, hi;
    int has_ninf;
    data_range(&sp, &lo, &hi, &has_ninf);

    int y = r.y;
    if (sp.title) {
        ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, r.x, y, r.w, t->text, UI_LEFT, sp.title);
        y += ui_line_height(ui, UI_BOLD, UI_SIZE_BODY) + ui_px(ui, 2);
    }
    int gap = ui_px(ui, 6);
    /* Row labels: as wide as the widest, at most 30% of the width. */
    char nb[32];
    int row_w = 0;
    for (int i = 0; i < sp.rows; i++) {
        int w;
        const char *lab = sp.row_labels ? sp.row_labels[i] : (snprintf(nb, sizeof nb, "%d", i), nb);
        ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, lab, &w, NULL);
        if (w > row_w) row_w = w;
    }
    if (row_w > r.w * 3 / 10) row_w = r.w * 3 / 10;
    int cb_w = sp.colorbar ? ui_px(ui, 16) + ui_px(ui, 56) : 0;
    int grid_x = r.x + row_w + gap;
    int grid_w = r.x + r.w - cb_w - grid_x - (sp.colorbar ? gap : 0);
    if (grid_w < sp.cols) grid_w = sp.cols;
    /* Fractional cell sizes: cell i spans [edge(i), edge(i+1)) with
     * edge(i) = round(x0 + i * W / n), so a wide map fills its width. */
    float cwf = (float)grid_w / (float)sp.cols;
    int cw = ui_f2i(cwf);
    if (cw < 1) cw = 1;
    /* Column labels: horizontal when they all fit in a cell, else turned. */
    int lh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    int col_max = 0;
    for (int i = 0; i < sp.cols; i++) {
        int w;
        const char *lab = sp.col_labels ? sp.col_labels[i] : (snprintf(nb, sizeof nb, "%d", i), nb);
        ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, lab, &w, NULL);
        if (w > col_max) col_max = w;
    }
    /* Square maps get narrower cells when the height is the limit: decide on
     * the width the cells will really have, or labels overlap. */
    float cw_eff = cwf;
    if (sp.square) {
        float ch0 = (float)(r.y + r.h - (y + lh + gap / 2)) / (float)sp.rows;
        if (ch0 < cw_eff) cw_eff = ch0;
    }
    int rotated = sp.col_labels && (float)(col_max + gap) > cw_eff;
    int thin = 1;
    if (!sp.col_labels) while (thin * cw < col_max + gap) thin *= 2; /* numeric: every thin-th */
    int head_h = rotated ? (col_max < r.h / 4 ? col_max : r.h / 4) + gap : lh + gap / 2;
    int grid_y = y + head_h;
    int grid_h = r.y + r.h - grid_y;
    float chf = (float)grid_h / (float)sp.rows;
    if (chf < 1.0f) chf = 1.0f;
    if (cwf < 1.0f) cwf = 1.0f;
    if (sp.square) { if (cwf > chf) cwf = chf; else chf = cwf; }
    /* Cells no taller than a comfortable row, so short tables do not balloon. */
    float max_ch = (float)ui_px(ui, 64);
    if (chf > max_ch && !sp.square) chf = max_ch;
    cw = ui_f2i(cwf); if (cw < 1) cw = 1;
    int ch = ui_f2i(chf); if (ch < 1) ch = 1;
    if (sp.center) {
        int used = row_w + gap + ui_f2i(roundf(cwf * (float)sp.cols)) + (sp.colorbar ? gap + cb_w : 0);
        if (used < r.w) grid_x += (r.w - used) / 2;
    }
    SDL_Rect cells = {grid_x, grid_y, ui_f2i(roundf(cwf * (float)sp.cols)), ui_f2i(roundf(chf * (float)sp.rows))};
#define EX(i) (grid_x + (int)(((long)(i) * cells.w * 2 + sp.cols) / (2L * sp.cols)))
#define EY(i) (grid_y + (int)(((long)(i) * cells.h * 2 + sp.rows) / (2L * sp.rows)))

    /* row labels, only where rows are tall enough to read */
    int rthin = 1;
    while (rthin * ch < lh * 8 / 10) rthin *= 2;
    for (int i = 0; i < sp.rows; i++) {
        /* every rthin-th label, and the highlighted row's, whose thinned neighbours give way */
        if (i % rthin && i != sp.highlight_row) continue;
        if (rthin > 1 && sp.highlight_row >= 0 && i != sp.highlight_row && abs(i - sp.highlight_row) < rthin) continue;
        const char *lab = sp.row_labels ? sp.row_labels[i] : (snprintf(nb, sizeof nb, "%d", i), nb);
        SDL_Color c = i == sp.highlight_row ? t->accent : t->text_dim;
        ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, grid_x - gap, (EY(i) + EY(i + 1)) / 2, row_w, c, UI_RIGHT | UI_MIDDLE, lab);
    }
    /* column labels */
    for (int i = 0; i < sp.cols; i += (rotated ? 1 : thin)) {
        const char *lab = sp.col_labels ? sp.col_labels[i] : (snprintf(nb, sizeof nb, "%d", i), nb);
        SDL_Color c = i == sp.highlight_col ? t->accent : t->text_dim;
        int cx = (EX(i) + EX(i + 1)) / 2;
        if (rotated) {
            if (cw >= lh * 7 / 10 || i % 2 == 0)
                ui_text_rotated(ui, UI_SANS, UI_SIZE_SMALL, cx + lh / 2, y + head_h - gap - col_max, c, lab);
        } else {
            ui_text(ui, UI_SANS, UI_SIZE_SMALL, cx, grid_y - gap / 2, c, UI_CENTER | UI_BOTTOM, lab);
        }
    }
    /* cells */
    int vals = sp.show_values;
    int vw = 0;
    if (vals) {
        ui_text_size(ui, UI_MONO, UI_SIZE_SMALL, "\xE2\x88\x92" "0.00", &vw, NULL);
        if (vw + 4 > cw || lh > ch + 2) vals = 0;
    }
    bg_save cells_bg = bg_push(ui, NULL);
    /* All cells as one small texture, one texel per cell, stretched (nearest)
     * over the grid: one copy instead of rows x cols fills. */
    int drawn_as_texture = 0;
    if (sp.rows * sp.cols > 16 && cells.w > 0 && cells.h > 0 && (long)cells.w * cells.h <= 16L * 1024 * 1024) {
        /* one texel per pixel, each pixel coloured by the cell whose edges
         * contain it, so drawing and hit-testing agree exactly */
        SDL_Texture *tex = SDL_CreateTexture(ui->r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, cells.w, cells.h);
        void *pixels;
        int pitch;
        Uint32 *cellcol = malloc(sizeof *cellcol * (size_t)sp.rows * (size_t)sp.cols);
        int *colof = malloc(sizeof *colof * (size_t)cells.w);
        if (tex && cellcol && colof && SDL_LockTexture(tex, NULL, &pixels, &pitch) == 0) {
            for (int rr = 0; rr < sp.rows; rr++)
                for (int cc = 0; cc < sp.cols; cc++) {
                    float v = sp.data[rr * sp.stride + cc];
                    SDL_Color col = (isinf(v) && v < 0) ? t->neg_inf : ui_cmap_color(sp.cmap, v, lo, hi);
                    cellcol[rr * sp.cols + cc] = 0xFF000000u | ((Uint32)col.r << 16) | ((Uint32)col.g << 8) | col.b;
                }
            for (int cc = 0, px = 0; cc < sp.cols; cc++)
                for (; px < EX(cc + 1) - grid_x && px < cells.w; px++) colof[px] = cc;
            for (int rr = 0, py = 0; rr < sp.rows; rr++) {
                const Uint32 *src = cellcol + (size_t)rr * (size_t)sp.cols;
                for (; py < EY(rr + 1) - grid_y && py < cells.h; py++) {
                    Uint32 *row = (Uint32 *)((Uint8 *)pixels + (size_t)py * (size_t)pitch);
                    for (int px = 0; px < cells.w; px++) row[px] = src[colof[px]];
                }
            }
            SDL_UnlockTexture(tex);
            SDL_SetTextureScaleMode(tex, SDL_ScaleModeNearest);
            SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_NONE);
            SDL_RenderCopy(ui->r, tex, NULL, &cells);
            drawn_as_texture = 1;
        }
        free(cellcol);
        free(colof);
        if (tex) SDL_DestroyTexture(tex);
    }
    for (int rr = 0; rr < sp.rows; rr++)
        for (int cc = 0; cc < sp.cols; cc++) {
            float v = sp.data[rr * sp.stride + cc];
            SDL_Rect cell = {EX(cc), EY(rr), EX(cc + 1) - EX(cc), EY(rr + 1) - EY(rr)};
            if (isinf(v) && v < 0) {
                ui_hatch(ui, cell, t->neg_inf, t->bg);
                continue;
            }
            SDL_Color col = ui_cmap_color(sp.cmap, v, lo, hi);
            if (!drawn_as_texture) ui_fill(ui, cell, col);
            if (vals) {
                char b[32];
                if (fmt_tick_fit(ui, v, cell.w - 4, b, sizeof b))
                    ui_text(ui, UI_MONO, UI_SIZE_SMALL, cell.x + cell.w / 2, cell.y + cell.h / 2, ui_text_on(col), UI_CENTER | UI_MIDDLE, b);
            }
        }
    if (vals && has_ninf) /* label -inf cells in a numbers matrix */
        for (int rr = 0; rr < sp.rows; rr++)
            for (int cc = 0; cc < sp.cols; cc++) {
                float v = sp.data[rr * sp.stride + cc];
                if (isinf(v) && v < 0)
                    ui_text(ui, UI_MONO, UI_SIZE_SMALL, (EX(cc) + EX(cc + 1)) / 2, (EY(rr) + EY(rr + 1)) / 2, t->text,
                            UI_CENTER | UI_MIDDLE, "\xE2\x88\x92\xE2\x88\x9E");
            }
    bg_pop(ui, cells_bg);
    ui_frame(ui, (SDL_Rect){cells.x - 1, cells.y - 1, cells.w + 2, cells.h + 2}, t->border, 1);
    if (sp.highlight_row >= 0 && sp.highlight_row < sp.rows)
        ui_frame(ui, (SDL_Rect){grid_x - 1, EY(sp.highlight_row) - 1, cells.w + 2, EY(sp.highlight_row + 1) - EY(sp.highlight_row) + 2}, t->accent, ui_px(ui, 2));
    if (sp.highlight_col >= 0 && sp.highlight_col < sp.cols)
        ui_frame(ui, (SDL_Rect){EX(sp.highlight_col) - 1, grid_y - 1, EX(sp.highlight_col + 1) - EX(sp.highlight_col) + 2, cells.h + 2}, t->accent, ui_px(ui, 2));
    if (sp.colorbar) {
        int bh = cells.h < ui_px(ui, 120) ? ui_px(ui, 120) : cells.h;
        if (grid_y + bh > r.y + r.h) bh = r.y + r.h - grid_y;
        colorbar(ui, (SDL_Rect){cells.x + cells.w + gap, grid_y, ui_px(ui, 16), bh}, sp.cmap, lo, hi, has_ninf);
    }
    int hovered = 0;
    if (ui_mouse_in(ui, cells)) {
        /* the cell whose [edge(i), edge(i+1)) contains the mouse: exactly what was drawn */
        int cc = (int)(((long)(ui->mouse_x - grid_x) * sp.cols) / cells.w), rr = (int)(((long)(ui->mouse_y - grid_y) * sp.rows) / cells.h);
        while (cc > 0 && ui->mouse_x < EX(cc)) cc--;
        while (cc < sp.cols - 1 && ui->mouse_x >= EX(cc + 1)) cc++;
        while (rr > 0 && ui->mouse_y < EY(rr)) rr--;
        while (rr < sp.rows - 1 && ui->mouse_y >= EY(rr + 1)) rr++;
        if (cc >= 0 && cc < sp.cols && rr >= 0 && rr < sp.rows) {
            float v = sp.data[rr * sp.stride + cc];
            char rl[40], cl[40];
            if (sp.row_labels) snprintf(rl, sizeof rl, "%s", sp.row_labels[rr]); else snprintf(rl, sizeof rl, "%d", rr);
            if (sp.col_labels) snprintf(cl, sizeof cl, "%s", sp.col_labels[cc]); else snprintf(cl, sizeof cl, "%d", cc);
            SDL_Rect cell = {EX(cc), EY(rr), EX(cc + 1) - EX(cc), EY(rr + 1) - EY(rr)};
            if (sp.row_labels || sp.col_labels)
                ui_hover_value(ui, cell, v, "%s[%d][%d] (%s, %s)", sp.name ? sp.name : "", rr, cc, rl, cl);
            else
                ui_hover_value(ui, cell, v, "%s[%d][%d]", sp.name ? sp.name : "", rr, cc);
            hovered = 1;
            if (out) { out->hover_row = rr; out->hover_col = cc; }
        }
    }
    if (out) { out->cells = cells; out->cell_w = ui_f2i(roundf(cwf)); out->cell_h = ui_f2i(roundf(chf)); }
#undef EX
#undef EY
    return hovered;
}

int ui_bars(ui_ctx *ui, SDL_Rect r, const ui_bars_spec *s)
{
    const ui_theme *t = ui->theme;
    if (!s || !s->values || s->n <= 0 || r.w < 8 || r.h < 8) return -1;
    float lo = 0, hi = 0;
    for (int i = 0; i < s->n; i++) {
        if (!isfinite(s->values[i])) continue;
        if (s->values[i] < lo) lo = s->values[i];
        if (s->values[i] > hi) hi = s->values[i];
    }
    if (s->fixed_range) { lo = s->vmin; hi = s->vmax; }
    if (hi <= lo) hi = lo + 1;
    int y = r.y;
    if (s->title) {
        ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, r.x, y, r.w, t->text, UI_LEFT, s->title);
        y += ui_line_height(ui, UI_BOLD, UI_SIZE_BODY) + ui_px(ui, 2);
    }
    int lh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL), gap = ui_px(ui, 6);
    int hovered = -1;
    char b[32];
    if (s->horizontal) {
        int lab_w = 0;
        for (int i = 0; s->labels && i < s->n; i++) {
            int w; ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, s->labels[i], &w, NULL);
            if (w > lab_w) lab_w = w;
        }
        if (lab_w > r.w / 3) lab_w = r.w / 3;
        int val_w = s->show_values ? ui_px(ui, 70) : 0;
        int x0 = r.x + lab_w + gap, w = r.x + r.w - val_w - x0;
        int bh = (r.y + r.h - y) / s->n;
        if (bh > ui_px(ui, 40)) bh = ui_px(ui, 40);
        if (bh < 1) bh = 1;
        float zero_x = (float)x0 + (0.0f - lo) / (hi - lo) * (float)w;
        /* labels (and values) only every lthin-th bar when the rows are thinner
         * than a line of text, so they never overlap; the highlighted one always */
        int lthin = 1;
        while (lthin * bh < lh * 9 / 10 && lthin < s->n) lthin *= 2;
        for (int i = 0; i < s->n; i++) {
            int show_lab = lthin == 1 || i == s->highlight ||
                           (i % lthin == 0 && (s->highlight < 0 || abs(i - s->highlight) * bh >= lh * 9 / 10));
            float v = s->values[i];
            float vx = (float)x0 + (v - lo) / (hi - lo) * (float)w;
            int a = ui_f2i(fminf(zero_x, vx)), bb = ui_f2i(fmaxf(zero_x, vx));
            SDL_Rect bar = {a, y + i * bh + (bh > 6 ? 2 : 0), bb - a < 1 ? 1 : bb - a, bh > 6 ? bh - 4 : bh};
            SDL_Color c = s->use_cmap ? ui_cmap_color(s->cmap, v, lo, hi) : t->series[0];
            if (i == s->highlight) c = t->accent;
            ui_fill(ui, bar, c);
            if (s->labels && show_lab) ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, x0 - gap, y + i * bh + bh / 2, lab_w,
                                       i == s->highlight ? t->accent : t->text, UI_RIGHT | UI_MIDDLE, s->labels[i]);
            if (s->show_values && show_lab) { fmt_tick(v, b, sizeof b); ui_text(ui, UI_MONO, UI_SIZE_SMALL, bar.x + bar.w + gap, bar.y + bar.h / 2, t->text_dim, UI_LEFT | UI_MIDDLE, b); }
            SDL_Rect row = {r.x, y + i * bh, r.w, bh};
            if (ui_mouse_in(ui, row)) {
                hovered = i;
                ui_hover_value(ui, bar, v, "%s[%d]%s%s", s->name ? s->name : "", i, s->labels ? " " : "", s->labels ? s->labels[i] : "");
            }
        }
        return hovered;
    }
    int lab_h = s->labels ? lh + gap : 0;
    int plot_h = r.y + r.h - y - lab_h;
    int bw = r.w / s->n;
    if (bw < 1) bw = 1;
    float zero_y = (float)y + (hi - 0.0f) / (hi - lo) * (float)plot_h;
    ui_line(ui, (float)r.x, zero_y, (float)(r.x + bw * s->n), zero_y, 1, t->border);
    for (int i = 0; i < s->n; i++) {
        float v = s->values[i];
        float vy = (float)y + (hi - v) / (hi - lo) * (float)plot_h;
        int a = ui_f2i(fminf(zero_y, vy)), bb = ui_f2i(fmaxf(zero_y, vy));
        int pad = bw > 6 ? bw / 6 : 0;
        SDL_Rect bar = {r.x + i * bw + pad, a, bw - 2 * pad, bb - a < 1 ? 1 : bb - a};
        SDL_Color c = s->use_cmap ? ui_cmap_color(s->cmap, v, lo, hi) : t->series[0];
        if (i == s->highlight) c = t->accent;
        ui_fill(ui, bar, c);
        if (s->labels) ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, r.x + i * bw + bw / 2, y + plot_h + gap / 2, bw,
                                   i == s->highlight ? t->accent : t->text_dim, UI_CENTER, s->labels[i]);
        if (s->show_values) { fmt_tick(v, b, sizeof b); ui_text(ui, UI_MONO, UI_SIZE_SMALL, bar.x + bar.w / 2, a - 2, t->text_dim, UI_CENTER | UI_BOTTOM, b); }
        SDL_Rect col = {r.x + i * bw, y, bw, plot_h};
        if (ui_mouse_in(ui, col)) {
            hovered = i;
            ui_hover_value(ui, bar, v, "%s[%d]%s%s", s->name ? s->name : "", i, s->labels ? " " : "", s->labels ? s->labels[i] : "");
        }
    }
    return hovered;
}

int ui_plot(ui_ctx *ui, SDL_Rect r, const ui_plot_spec *s)
{
    const ui_theme *t = ui->theme;
    if (!s || s->n <= 0 || s->n_series <= 0 || r.w < 16 || r.h < 16) return -1;
    float ymin = INFINITY, ymax = -INFINITY, xmin, xmax;
    for (int k = 0; k < s->n_series && k < 8; k++)
        for (int i = 0; i < s->n; i++) {
            float v = s->ys[k][i];
            if (!isfinite(v)) continue;
            if (v < ymin) ymin = v;
            if (v > ymax) ymax = v;
        }
    if (s->fixed_range || ymin > ymax) { ymin = s->ymin; ymax = s->ymax; }
    if (ymax <= ymin) ymax = ymin + 1;
    xmin = s->xs ? s->xs[0] : 0.0f;
    xmax = s->xs ? s->xs[s->n - 1] : (float)(s->n - 1);
    if (xmax <= xmin) xmax = xmin + 1;
    int y = r.y, gap = ui_px(ui, 6), lh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    if (s->title) {
        ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, r.x, y, r.w, t->text, UI_LEFT, s->title);
        y += ui_line_height(ui, UI_BOLD, UI_SIZE_BODY) + ui_px(ui, 2);
    }
    /* legend line */
    if (s->n_series > 1 || s->names[0]) {
        int lx = r.x;
        for (int k = 0; k < s->n_series && k < 8; k++) {
            if (!s->names[k]) continue;
            SDL_Color c = t->series[k % 6];
            ui_fill(ui, (SDL_Rect){lx, y + lh / 2 - ui_px(ui, 2), ui_px(ui, 18), ui_px(ui, 4)}, c);
            lx += ui_px(ui, 22);
            lx += ui_text(ui, UI_SANS, UI_SIZE_SMALL, lx, y, t->text, UI_LEFT, s->names[k]) + ui_px(ui, 14);
        }
        y += lh + gap / 2;
    }
    int axis_w = ui_px(ui, 52);
    int xl_h = lh + gap + (s->x_label ? lh : 0);
    SDL_Rect p = {r.x + axis_w, y + gap, r.w - axis_w - gap, r.y + r.h - y - gap - xl_h};
    if (p.w < 8 || p.h < 8) return -1;
    ui_frame(ui, p, t->border, 1);
    char b[32];
    for (int i = 0; i <= 4; i++) { /* y ticks */
        float v = ymin + (ymax - ymin) * (float)i / 4.0f;
        int yy = p.y + p.h - ui_f2i((float)p.h * (float)i / 4.0f);
        if (i > 0 && i < 4) ui_line(ui, (float)p.x, (float)yy, (float)(p.x + p.w), (float)yy, 1, t->grid);
        fmt_tick(v, b, sizeof b);
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, p.x - gap, yy, t->text_dim, UI_RIGHT | UI_MIDDLE, b);
    }
    if (ymin < 0 && ymax > 0) {
        float zy = (float)p.y + (ymax - 0) / (ymax - ymin) * (float)p.h;
        ui_line(ui, (float)p.x, zy, (float)(p.x + p.w), zy, 1, t->text_dim);
    }
    int nt = p.w / ui_px(ui, 60);
    if (nt < 2) nt = 2;
    if (nt > 10) nt = 10;
    float span = xmax - xmin, stepv = span / (float)nt;
    float mag = powf(10.0f, floorf(log10f(stepv)));
    float nice = stepv / mag < 1.5f ? 1 : stepv / mag < 3.5f ? 2 : stepv / mag < 7.5f ? 5 : 10;
    stepv = nice * mag;
    for (float xv = ceilf(xmin / stepv) * stepv; xv <= xmax + 1e-4f; xv += stepv) {
        int xx = p.x + ui_f2i((xv - xmin) / span * (float)p.w);
        ui_line(ui, (float)xx, (float)(p.y + p.h), (float)xx, (float)(p.y + p.h + gap / 2), 1, t->text_dim);
        if (stepv >= 1.0f && fabsf(xv - roundf(xv)) < 1e-3f) snprintf(b, sizeof b, "%.0f", (double)xv);
        else fmt_tick(xv, b, sizeof b);
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, xx, p.y + p.h + gap / 2, t->text_dim, UI_CENTER, b);
    }
    if (s->x_label) ui_text(ui, UI_SANS, UI_SIZE_SMALL, p.x + p.w / 2, p.y + p.h + gap + lh, t->text_dim, UI_CENTER, s->x_label);
    if (s->y_label) ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, p.x + gap, p.y + gap / 2, p.w, t->text_dim, UI_LEFT, s->y_label);
    if (s->highlight_x >= 0 && s->highlight_x < s->n) {
        float hx = s->xs ? s->xs[s->highlight_x] : (float)s->highlight_x;
        float xx = (float)p.x + (hx - xmin) / span * (float)p.w;
        ui_line(ui, xx, (float)p.y, xx, (float)(p.y + p.h), (float)ui_px(ui, 2), ui_alpha(t->accent, 160));
    }
    float th = (float)ui_px(ui, 2.5f);
    for (int k = 0; k < s->n_series && k < 8; k++) {
        SDL_Color c = t->series[k % 6];
        float px0 = 0, py0 = 0;
        for (int i = 0; i < s->n; i++) {
            float xv = s->xs ? s->xs[i] : (float)i;
            float px = (float)p.x + (xv - xmin) / span * (float)p.w;
            float py = (float)p.y + (ymax - s->ys[k][i]) / (ymax - ymin) * (float)p.h;
            if (i > 0) ui_line(ui, px0, py0, px, py, th, c);
            if (s->markers) ui_circle(ui, px, py, (float)ui_px(ui, 3.5f), c, 1);
            px0 = px; py0 = py;
        }
    }
    int hovered = -1;
    if (ui_mouse_in(ui, p)) { /* nearest sample of the nearest series */
        float best = 1e30f;
        int bk = 0, bi = 0;
        for (int k = 0; k < s->n_series && k < 8; k++)
            for (int i = 0; i < s->n; i++) {
                float xv = s->xs ? s->xs[i] : (float)i;
                float px = (float)p.x + (xv - xmin) / span * (float)p.w;
                float py = (float)p.y + (ymax - s->ys[k][i]) / (ymax - ymin) * (float)p.h;
                float d = (px - (float)ui->mouse_x) * (px - (float)ui->mouse_x) + (py - (float)ui->mouse_y) * (py - (float)ui->mouse_y);
                if (d < best) { best = d; bk = k; bi = i; }
            }
        float xv = s->xs ? s->xs[bi] : (float)bi;
        float px = (float)p.x + (xv - xmin) / span * (float)p.w;
        float py = (float)p.y + (ymax - s->ys[bk][bi]) / (ymax - ymin) * (float)p.h;
        int rr = ui_px(ui, 6);
        ui_circle(ui, px, py, (float)rr, t->accent, 0);
        ui_hover_value(ui, (SDL_Rect){ui_f2i(px) - rr, ui_f2i(py) - rr, 2 * rr, 2 * rr}, s->ys[bk][bi], "%s at x=%g",
                       s->names[bk] ? s->names[bk] : "y", xv);
        hovered = bi;
    }
    return hovered;
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
    snprintf(v, sizeof v, fmt ? fmt : "%.2f", (double)value);
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
