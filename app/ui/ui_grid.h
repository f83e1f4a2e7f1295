/* ui_grid.h - a heatmap whose cell geometry can be computed without drawing.
 *
 * ui_heatmap (ui.h) lays itself out while it draws, so a lesson cannot find
 * out, in handle_event or in its dump, where cell (r, c) is. ui_grid splits
 * the two: ui_grid_layout measures (labels, cells) and returns the geometry,
 * ui_grid_draw draws with exactly that geometry, and ui_grid_cell_at maps a
 * pixel to a cell. So a click can select a cell, and a test can hover a
 * cell it located through the lesson's JSON dump. The value range is always
 * given (vmin, vmax): attention weights are drawn on [0, 1] everywhere.
 * Hovered cells are reported as "<name>[r][c] (<row label>, <col label>)".
 * Every grid but a thumbnail (no_hover or labels_in_hover_only) has a caption
 * line under its title: its colour range as a strip with both ends, after
 * "query (row) → key (column)" for an attention map; thumbnails belong to a
 * group whose lesson draws one legend for all.
 *
 * Must not: know about lessons, the trace or the model; keep state between calls.
 */
#ifndef UI_GRID_H
#define UI_GRID_H

#include "ui.h"

typedef struct {
    const float *data;                 /* element (r, c) at data[r * stride + c] */
    int rows, cols, stride;            /* stride 0 means cols */
    const char *const *row_labels;     /* rows strings, or NULL (no labels drawn, numbers in hovers) */
    const char *const *col_labels;     /* cols strings, or NULL */
    const char *title;                 /* bold line above, or NULL */
    const char *name;                  /* hover label prefix, e.g. "B" */
    ui_cmap cmap;
    float vmin, vmax;                  /* colour range (always fixed) */
    int square;                        /* 1: square cells */
    int max_cell;                      /* largest cell side in logical px (0: 64) */
    int show_values;                   /* 1: print values in cells when they fit */
    int highlight_row, highlight_col;  /* accent outline, -1 for none */
    int highlight_cell;                /* 1: outline only the cell (highlight_row, highlight_col) */
    int no_hover;                      /* 1: do not report hovers (e.g. thumbnails) */
    float label_size;                  /* label text size (0: UI_SIZE_SMALL) */
    int labels_in_hover_only;          /* 1: labels name cells in hovers but are not drawn (thumbnails) */
    int attention;                     /* 1: an attention map: its caption says UI_ATTN_AXES */
    int min_head;                      /* the column-label band is at least this many px (0: what the labels need) */
    int row_h;                         /* rows at most this many px tall (0: what the rect gives) */
} ui_grid_spec;

typedef struct {
    SDL_Rect cells;      /* the cell block: cell (r, c) at cells.x + c*cw, cells.y + r*ch */
    int cw, ch;
    int rows, cols;
    int title_h;         /* pixels above the column labels */
    int head_h;          /* pixels of column labels */
    int label_w;         /* pixels of row labels */
    int rotated;         /* 1: column labels are turned 90 degrees */
    int rthin;           /* a row label every rthin-th row (a line apart at least) */
    int label_bottom;    /* row labels end above this y (the rect's foot) */
} ui_grid_geom;

/* The grid of the rows x cols matrix at data (row after row: stride = cols), hovers
 * named name, every other field at its default (viridis on [0, 1], no highlight:
 * -1, others 0); the caller then sets what this grid adds (labels, title, range,
 * highlights). */
ui_grid_spec ui_grid_matrix(const float *data, int rows, int cols, const char *name);
/* The same in diverging colours on [-absmax, absmax] (a map of signed values). */
ui_grid_spec ui_grid_diverging(const float *data, int rows, int cols, float absmax, const char *name);
void ui_grid_layout(ui_ctx *ui, SDL_Rect r, const ui_grid_spec *s, ui_grid_geom *g); /* geometry only, draws nothing */
int ui_grid_cell_at(const ui_grid_geom *g, int x, int y, int *row, int *col); /* 1 when (x, y) is on a cell */
SDL_Rect ui_grid_cell_rect(const ui_grid_geom *g, int row, int col);        /* pixel rect of a cell */
int ui_grid_draw(ui_ctx *ui, SDL_Rect r, const ui_grid_spec *s, ui_grid_geom *g); /* lays out, draws; 1 if a cell is hovered; g may be NULL */
/* Grids drawn side by side whose rows must line up (out = B·V: row i of B is row i of out): sets each
 * one's min_head so that their cells start at the same height and row_h to the smallest row pitch any of
 * them gets in its rect, so row i of every grid sits at the same height. r[i] is the rect s[i] is drawn in. */
void ui_grid_share_rows(ui_ctx *ui, const SDL_Rect *r, ui_grid_spec *const *s, int n);
void ui_grid_legend(ui_ctx *ui, SDL_Rect r, ui_cmap cmap, float lo, float hi, const char *caption); /* horizontal colour bar with ends labelled */

#endif
