/* ui_bars.c - the toolkit's bar chart (ui_bars, ui_bars_fixed): vertical or
 * horizontal bars on a fixed or data range, labels under (or beside) them, a
 * value axis with round ticks (ui_nice_ticks, numbers through ui_fmt), the
 * values printed when asked, and the hovered bar reported into the hover sink.
 *
 * Must not: know about lessons, the trace or the model; keep state between calls.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ui.h"

ui_bars_spec ui_bars_fixed(const float *values, int n, const char *const *labels, float vmin, float vmax, const char *name)
{
    return (ui_bars_spec){.values = values, .n = n, .labels = labels, .name = name, .vmin = vmin, .vmax = vmax, .fixed_range = 1,
                          .highlight = -1, .axis = 1};
}

/* The value axis under horizontal bars: a line at y from x0 over w px on [lo, hi], about one round tick
 * (ui_fmt) every five lines of text, each label under its tick, kept inside r and clear of the one before. */
static void bars_axis_under(ui_ctx *ui, SDL_Rect r, int x0, int y, int w, float lo, float hi)
{
    const ui_theme *t = ui->theme;
    int lh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL), tick = ui_px(ui, 4), last = r.x - lh, max_n = w / (5 * lh);
    float tk[16];
    char b[32];
    int n = ui_nice_ticks(lo, hi, max_n < 2 ? 2 : max_n > 6 ? 6 : max_n, tk, 16);
    ui_line(ui, (float)x0, (float)y, (float)(x0 + w), (float)y, 1, t->text_dim);
    for (int i = 0; i < n; i++) {
        int xx = ui_f2i((float)x0 + (tk[i] - lo) / (hi - lo) * (float)w), tw = 0;
        ui_line(ui, (float)xx, (float)y, (float)xx, (float)(y + tick), 1, t->text_dim);
        ui_fmt(tk[i], 3, b, sizeof b);
        ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, b, &tw, NULL);
        int cx = xx + tw / 2 + 1 > r.x + r.w ? r.x + r.w - tw / 2 - 1 : xx;
        if (cx - tw / 2 < last + ui_px(ui, 6)) continue;
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, cx, y + tick, t->text_dim, UI_CENTER | UI_TOP, b);
        last = cx + tw / 2;
    }
}

/* Horizontal bars from x0 (labels at the left) in r below y, on [lo, hi]; the hovered index or -1. */
static int bars_horizontal(ui_ctx *ui, SDL_Rect r, const ui_bars_spec *s, int y, float lo, float hi)
{
    const ui_theme *t = ui->theme;
    int lh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL), gap = ui_px(ui, 6), hovered = -1, lab_w = 0;
    char b[32];
    for (int i = 0; s->labels && i < s->n; i++) {
        int w; ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, s->labels[i], &w, NULL);
        if (w > lab_w) lab_w = w;
    }
    if (lab_w > r.w / 3) lab_w = r.w / 3;
    int val_w = s->show_values ? ui_px(ui, 70) : 0;
    int x0 = r.x + lab_w + gap, w = r.x + r.w - val_w - x0, axis_h = s->axis ? ui_px(ui, 4) + lh : 0;
    int bh = (r.y + r.h - y - axis_h) / s->n;
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
        if (s->show_values && show_lab) { ui_fmt(v, 3, b, sizeof b); ui_text(ui, UI_MONO, UI_SIZE_SMALL, bar.x + bar.w + gap, bar.y + bar.h / 2, t->text_dim, UI_LEFT | UI_MIDDLE, b); }
        SDL_Rect row = {r.x, y + i * bh, r.w, bh};
        if (ui_mouse_in(ui, row)) {
            hovered = i;
            ui_hover_value(ui, bar, v, "%s[%d]%s%s", s->name ? s->name : "", i, s->labels ? " " : "", s->labels ? s->labels[i] : "");
        }
    }
    if (s->axis && w > 0) bars_axis_under(ui, r, x0, y + s->n * bh, w, lo, hi);
    return hovered;
}

/* Lines of labels under vertical bars bw px wide: 1, or 2 (staggered, each label two bars wide) when one
 * is wider than its bar even at the legal size. */
static int bars_label_rows(ui_ctx *ui, const ui_bars_spec *s, int bw)
{
    for (int i = 0; s->labels && i < s->n; i++) {
        int w = 0;
        ui_text_size(ui, UI_SANS, UI_SIZE_LEGAL, s->labels[i] ? s->labels[i] : "", &w, NULL);
        if (w > bw - ui_px(ui, 6) / 2) return 2; /* the room ui_bars gives a label of one bar */
    }
    return 1;
}

/* The value axis of vertical bars on [lo, hi], drawn from y over plot_h px at x: about max_n round ticks
 * (ui_fmt) left of its line. Returns the width it takes (the bars start right of it); draw 0 only measures. */
static int bars_axis(ui_ctx *ui, int x, int y, int plot_h, int max_n, float lo, float hi, int draw)
{
    const ui_theme *t = ui->theme;
    int gap = ui_px(ui, 4), wmax = 0;
    float tk[16];
    char b[32];
    int n = ui_nice_ticks(lo, hi, max_n < 3 ? 3 : max_n > 6 ? 6 : max_n, tk, 16);
    for (int i = 0; i < n; i++) {
        int w = 0;
        ui_fmt(tk[i], 3, b, sizeof b);
        ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, b, &w, NULL);
        if (w > wmax) wmax = w;
    }
    int x0 = x + wmax + 2 * gap, lh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL), shown[16], n_shown = 0;
    for (int pass = 0; draw && pass < 2; pass++) /* 0 first, then the others a line clear of every label drawn */
        for (int i = 0; i < n; i++) {
            if ((tk[i] == 0.0f) != (pass == 0)) continue;
            int yy = ui_f2i((float)y + (hi - tk[i]) / (hi - lo) * (float)plot_h), clear = 1;
            ui_line(ui, (float)(x0 - gap), (float)yy, (float)x0, (float)yy, 1, t->text_dim);
            for (int k = 0; k < n_shown; k++) clear = clear && abs(shown[k] - yy) >= lh;
            if (!clear) continue;
            shown[n_shown++] = yy;
            ui_fmt(tk[i], 3, b, sizeof b);
            ui_text(ui, UI_SANS, UI_SIZE_SMALL, x0 - gap - 1, yy, t->text_dim, UI_RIGHT | UI_MIDDLE, b);
        }
    if (draw) ui_line(ui, (float)x0, (float)y, (float)x0, (float)(y + plot_h), 1, t->text_dim);
    return x0 + 1 - x;
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
    if (s->horizontal) return bars_horizontal(ui, r, s, y, lo, hi);
    int lh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL), gap = ui_px(ui, 6);
    int hovered = -1;
    char b[32];
    int tick_pad = s->axis ? lh / 2 + 1 : 0; /* the end ticks' text stays in r */
    int n_ticks = (r.y + r.h - y) / (3 * lh); /* about one every three lines of text (3 at least) */
    int x = r.x + (s->axis ? bars_axis(ui, r.x, 0, 0, n_ticks, lo, hi, 0) : 0);
    int bw = (r.x + r.w - x) / s->n;
    if (bw < 1) bw = 1;
    int rows = bars_label_rows(ui, s, bw), lab_h = s->labels ? rows * lh + gap : 0;
    y += tick_pad;
    int plot_h = r.y + r.h - y - (lab_h > tick_pad ? lab_h : tick_pad);
    if (plot_h < 2) return -1;
    if (s->axis) bars_axis(ui, r.x, y, plot_h, n_ticks, lo, hi, 1);
    float zero_y = (float)y + (hi - 0.0f) / (hi - lo) * (float)plot_h;
    ui_line(ui, (float)x, zero_y, (float)(x + bw * s->n), zero_y, 1, t->border);
    for (int i = 0; i < s->n; i++) {
        float v = s->values[i];
        float vy = (float)y + (hi - v) / (hi - lo) * (float)plot_h;
        int a = ui_f2i(fminf(zero_y, vy)), bb = ui_f2i(fmaxf(zero_y, vy));
        int pad = bw > 6 ? bw / 6 : 0;
        SDL_Rect bar = {x + i * bw + pad, a, bw - 2 * pad, bb - a < 1 ? 1 : bb - a};
        SDL_Color c = s->use_cmap ? ui_cmap_color(s->cmap, v, lo, hi) : t->series[0];
        if (i == s->highlight) c = t->accent;
        ui_fill(ui, bar, c);
        if (s->labels) { /* under its bar, kept inside r (a label wider than its bar at either end) */
            int lw = 0, mw = rows * bw - gap / 2, cx = x + i * bw + bw / 2;
            ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, s->labels[i], &lw, NULL);
            lw = lw < mw ? lw : mw;
            if (cx + lw / 2 + 1 > r.x + r.w) cx = r.x + r.w - lw / 2 - 1;
            if (cx - lw / 2 < x) cx = x + lw / 2;
            ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, cx, y + plot_h + gap / 2 + (i % rows) * lh, mw,
                        i == s->highlight ? t->accent : t->text_dim, UI_CENTER, s->labels[i]);
        }
        if (s->show_values && ui_fmt_fit(ui, UI_MONO, UI_SIZE_SMALL, v, bw - 2, b, sizeof b)) /* fewer digits, never over the next */
            ui_text(ui, UI_MONO, UI_SIZE_SMALL, x + i * bw + bw / 2, a - 2, t->text_dim, UI_CENTER | UI_BOTTOM, b);
        SDL_Rect col = {x + i * bw, y, bw, plot_h};
        if (ui_mouse_in(ui, col)) {
            hovered = i;
            ui_hover_value(ui, bar, v, "%s[%d]%s%s", s->name ? s->name : "", i, s->labels ? " " : "", s->labels ? s->labels[i] : "");
        }
    }
    return hovered;
}
