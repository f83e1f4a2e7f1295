/* ui.h - the drawing toolkit every lesson and the app shell draw with.
 *
 * Immediate mode: each call draws now, into ui->r, in pixels. Sizes given as
 * "logical" (font sizes, paddings) are multiplied by ui->scale, which follows
 * the window size and the zoom, so layouts grow with the screen. Every colour
 * comes from ui->theme or from the two colour maps (viridis for [0,1] weights,
 * diverging blue-white-red for signed values centred at 0), the same
 * everywhere. Widgets that show numbers take the mouse position from ui and,
 * when the mouse is over a cell/bar/point, write a label and the exact value
 * into the hover sink (ui->hover); the app draws the tooltip after the lesson.
 *
 * Text goes through SDL2_ttf with an LRU cache of rendered string textures
 * (key: face + pixel size + colour + string), so a frame of many labels is cheap.
 * A ui_ctx belongs to one renderer (textures do), so an offscreen export uses
 * its own ui_ctx.
 *
 * Must not: know about lessons, the trace or the model; call SDL_RenderPresent.
 */
#ifndef UI_H
#define UI_H

#include <stddef.h>
#include <SDL.h>
#include <SDL_ttf.h>

/* ---- themes ---------------------------------------------------------------- */
typedef struct {
    const char *name;       /* "dark" or "light" */
    SDL_Color bg;           /* window background */
    SDL_Color panel;        /* sidebar, top bar, text panel */
    SDL_Color panel_alt;    /* hovered rows, input box background */
    SDL_Color border;       /* panel and widget borders */
    SDL_Color text;         /* body text */
    SDL_Color text_dim;     /* secondary text, axis ticks */
    SDL_Color accent;       /* selection, current lesson, focus ring */
    SDL_Color accent_text;  /* text drawn on accent */
    SDL_Color warn;         /* unknown words, truncation, untrained notice */
    SDL_Color error;        /* errors */
    SDL_Color ok;           /* success toasts */
    SDL_Color grid;         /* plot grid lines */
    SDL_Color neg_inf;      /* -INFINITY cells (drawn hatched) */
    SDL_Color tooltip_bg, tooltip_text;
    SDL_Color chip, chip_special, chip_unk; /* token chip fills */
    SDL_Color series[6];    /* line plot / bar series colours (colour-blind safe) */
} ui_theme;

const ui_theme *ui_theme_get(const char *name);         /* "dark" or "light"; NULL for another name */
const ui_theme *ui_theme_next(const ui_theme *t);       /* the other theme (for the toggle key) */

/* ---- context ------------------------------------------------------------- */
typedef enum { UI_SANS = 0, UI_BOLD, UI_MONO, UI_N_FACES } ui_face;

/* Text sizes in logical pixels (times ui->scale). */
#define UI_SIZE_SMALL 15.0f
#define UI_SIZE_BODY  19.0f
#define UI_SIZE_LARGE 24.0f
#define UI_SIZE_TITLE 30.0f

/* Alignment flags for ui_text: one horizontal | one vertical. */
enum { UI_LEFT = 0, UI_CENTER = 1, UI_RIGHT = 2, UI_TOP = 0, UI_MIDDLE = 4, UI_BOTTOM = 8 };

typedef struct {
    int active;             /* 1 when something is hovered this frame */
    int has_value;          /* 1 when value is meaningful */
    char label[256];        /* e.g. "Q head 2 [3][7] (dog, k7)" */
    double value;           /* the exact value */
    SDL_Rect anchor;        /* the hovered cell/bar (tooltip placement, highlight) */
} ui_hover;

typedef struct ui_text_cache ui_text_cache;
typedef struct ui_audit ui_audit;
#define UI_MAX_CONTAINERS 16

#define UI_N_FALLBACK 3

typedef struct {
    SDL_Renderer *r;
    const ui_theme *theme;
    float scale;            /* pixels per logical pixel (window size x zoom) */
    int mouse_x, mouse_y;   /* in pixels; -1 when outside the window */
    double time;            /* seconds since start, for animations */
    ui_hover hover;         /* the hover sink, cleared by ui_begin_frame */
    ui_text_cache *cache;
    char font_dir[512];
    int has_text_bg;        /* 1: text is composed onto text_bg (opaque, copied without blending: faster) */
    SDL_Color text_bg;
    TTF_Font *fonts[UI_N_FACES][48]; /* opened on demand per (face, pixel size bucket) */
    int font_px[UI_N_FACES][48];
    int n_fonts[UI_N_FACES];
    /* the fallback fonts, tried in order for glyphs the face lacks: 0 CJK (WenQuanYi
     * Micro Hei), 1 symbols and emoji (Symbola, monochrome); each per pixel size */
    TTF_Font *fb_fonts[UI_N_FALLBACK][24];
    int fb_px[UI_N_FALLBACK][24];
    int n_fb[UI_N_FALLBACK];
    int fb_missing[UI_N_FALLBACK]; /* 1: that fallback file did not open (its glyphs show as boxes) */
    /* each font file read whole once (faces, then fallbacks): every size opens from memory, so
     * FreeType's glyph loads are no seek+read system calls (the 5 MB CJK file made them most of a
     * Chinese export's time) */
    void *font_data[UI_N_FACES + UI_N_FALLBACK];
    size_t font_len[UI_N_FACES + UI_N_FALLBACK];
    ui_audit *audit;        /* the layout audit's record while one is attached (NULL: nothing recorded) */
    SDL_Rect boxes[UI_MAX_CONTAINERS]; /* ui_container_push's stack: the box the next text must stay in */
    int n_boxes;
    int scrolled;           /* 1 while drawing text that scrolls or reveals itself (the caller shows "more", a
                             * text box, a hover popup): what its box cuts off is not a clip for the audit */
} ui_ctx;

int ui_fonts_check(const char *font_dir, char *err, size_t err_len);    /* 0 when every font file opens; else -1 and a message */
int ui_init(ui_ctx *ui, SDL_Renderer *r, const char *font_dir, const ui_theme *theme, char *err, size_t err_len); /* 0 or -1 + message; TTF_Init done inside */
void ui_free(ui_ctx *ui);                                               /* fonts and cached textures; accepts NULL */
void ui_cache_clear(ui_ctx *ui);                                        /* empties every bounded cache (textures, sizes, wrapped text, font sizes) and retries missing fallback files; call between frames */
void ui_begin_frame(ui_ctx *ui, int mouse_x, int mouse_y, double time); /* sets mouse and time, clears the hover sink */
int ui_px(const ui_ctx *ui, float logical);                             /* logical size -> pixels (at least 1) */
/* The one conversion of a float pixel position or length to int, for the toolkit
 * and every lesson: NaN gives 0, anything beyond +-UI_COORD_MAX (a model with huge
 * weights gives coordinates of 1e30 or infinity) is clamped to it, the rest is
 * truncated toward zero like a cast. A plain (int) cast of such a float is
 * undefined behaviour and made the software renderer crash. */
#define UI_COORD_MAX 1000000
int ui_f2i(float v);
float ui_fclamp(float v);                                               /* the same limits, kept float (NaN -> 0): for ui_line and friends */
void ui_hover_value(ui_ctx *ui, SDL_Rect anchor, double value, const char *fmt, ...); /* report a hovered number with a printf label */
void ui_hover_text(ui_ctx *ui, SDL_Rect anchor, const char *fmt, ...);  /* report a hovered thing without a number */
int ui_mouse_in(const ui_ctx *ui, SDL_Rect r);                          /* 1 when the mouse is inside r */
int ui_point_in(SDL_Rect r, int x, int y);                              /* 1 when (x, y) is inside r */
size_t ui_text_cache_count(const ui_ctx *ui);                           /* cached textures (for tests and the benchmark) */

/* ---- text ------------------------------------------------------------------ */
TTF_Font *ui_font(ui_ctx *ui, ui_face face, float size);                 /* the font at size x scale; NULL if it cannot open */
int ui_text(ui_ctx *ui, ui_face face, float size, int x, int y, SDL_Color c, int align, const char *s); /* draws UTF-8 text; returns its width in px */
void ui_text_size(ui_ctx *ui, ui_face face, float size, const char *s, int *w, int *h); /* measures without drawing */
int ui_line_height(ui_ctx *ui, ui_face face, float size);               /* pixels from one line to the next */
void ui_text_bg(ui_ctx *ui, const SDL_Color *bg);                       /* text drawn next sits on this solid colour (NULL: any background); much faster on the software renderer */
int ui_text_fit(ui_ctx *ui, ui_face face, float size, int x, int y, int max_w, SDL_Color c, int align, const char *s); /* draws, cut with "…" to max_w */
int ui_text_rotated(ui_ctx *ui, ui_face face, float size, int x, int y, SDL_Color c, const char *s); /* draws text turned 90° anticlockwise, its end at (x, y) top; returns its length */
int ui_text_rotated_fit(ui_ctx *ui, ui_face face, float size, int x, int y, int max_len, SDL_Color c, const char *s); /* ui_text_rotated in a column max_len px tall from y, its start at the bottom: shrunk, then cut with "…" like ui_text_fit */
int ui_text_wrap(ui_ctx *ui, ui_face face, float size, SDL_Rect box, int scroll_px, SDL_Color c, const char *s); /* wraps UTF-8 prose at spaces and CJK breaks (blank line = paragraph, "# " line = heading); returns total height */
/* Splits r between a figure above and the prose s under it (ui_text_wrap, UI_SANS): the prose gets the
 * height it needs at *size, the figure the rest, at most max_fig_h (0: no cap); when that leaves the figure
 * under min_fig_h, the prose shrinks (down to UI_SIZE_LEGAL) before the figure does. Sets *size, *fig and
 * *txt (right under the figure); the caller draws both. Figures shrink before text. */
void ui_split_prose(ui_ctx *ui, SDL_Rect r, const char *s, float *size, int min_fig_h, int max_fig_h, SDL_Rect *fig,
                    SDL_Rect *txt);
int ui_formula(ui_ctx *ui, float size, int x, int y, SDL_Color c, int align, const char *s); /* a formula in the serif-free maths style (Unicode √ × · ᵀ ₖ); returns width */

/* The smallest text size (logical px) a label may be shrunk to so that it fits:
 * ui_text_fit shrinks a text down to it before it shortens it with "…". */
#define UI_SIZE_LEGAL 13.0f

/* ---- layout audit (ui_audit.c) ---------------------------------------------
 * While an audit is attached (ui->audit), every text drawn is recorded with its
 * ink box and the box it must stay in: the window, the clip rect in force and
 * the innermost container pushed here. ui_audit_finish then finds the texts
 * that overlap another and the texts that were cut. Typical use, per image:
 * ui_audit_begin, draw, ui_audit_finish, read the results. */
enum { UI_AUDIT_DRAWN = 0, UI_AUDIT_SHORTENED, UI_AUDIT_DROPPED, UI_AUDIT_SCROLLED };
ui_audit *ui_audit_new(void);                                           /* NULL when out of memory */
void ui_audit_free(ui_audit *au);                                       /* accepts NULL */
void ui_audit_begin(ui_audit *au, int win_w, int win_h);                /* forgets the last image; the window is w x h */
void ui_audit_note(ui_ctx *ui, const char *s, SDL_Rect ink, int how);   /* records one text (the toolkit's text calls do it) */
int ui_audit_finish(ui_audit *au);                                      /* finds overlaps and clipped texts; 0, or -1 out of memory */
int ui_audit_window_w(const ui_audit *au);                               /* the window width given to ui_audit_begin */
int ui_audit_texts(const ui_audit *au);                                 /* texts recorded since ui_audit_begin */
int ui_audit_overlaps(const ui_audit *au);                              /* pairs of overlapping texts */
void ui_audit_overlap(const ui_audit *au, int i, const char **a, const char **b); /* pair i's two strings */
int ui_audit_clipped(const ui_audit *au);                               /* texts cut or needlessly shortened */
const char *ui_audit_clip(const ui_audit *au, int i);                   /* clipped text i (its whole string) */
const char *ui_audit_text(const ui_audit *au, int i);                   /* text i of ui_audit_texts, as drawn */
void ui_container_push(ui_ctx *ui, SDL_Rect box);                        /* texts drawn next must stay inside box (a cell, a button) */
void ui_container_pop(ui_ctx *ui);                                       /* back to the enclosing box */

/* UTF-8 helpers (no SDL). */
int ui_utf8_next(const char *s, int len, int pos);                      /* byte index of the next code point */
int ui_utf8_prev(const char *s, int pos);                               /* byte index of the previous code point */
/* The next place after pos where a line of s[..end) may break (ui_linebreak.c): before a space, or between
 * two CJK characters unless a closing mark would start the line or an opening one end it; end when none. */
int ui_break_next(const char *s, int pos, int end);

/* ---- shapes ------------------------------------------------------------------- */
void ui_fill(ui_ctx *ui, SDL_Rect r, SDL_Color c);                      /* filled rectangle (alpha blended) */
/* outer filled but for the holes (at most 8; those drawn opaque later anyway): the window's background
 * around the chrome, whose pixels then are filled once, not twice (ui_fill.c) */
void ui_fill_except(ui_ctx *ui, SDL_Rect outer, const SDL_Rect *holes, int n_holes, SDL_Color c);
void ui_frame(ui_ctx *ui, SDL_Rect r, SDL_Color c, int thickness);      /* rectangle outline, thickness in px */
void ui_draw_color(ui_ctx *ui, SDL_Color c); /* the renderer's draw colour, blending only when c is translucent */
void ui_line(ui_ctx *ui, float x0, float y0, float x1, float y1, float thickness, SDL_Color c); /* thick anti-jag line (a quad) */
void ui_arrow(ui_ctx *ui, float x0, float y0, float x1, float y1, float thickness, SDL_Color c); /* line with an arrow head at (x1, y1) */
void ui_circle(ui_ctx *ui, float cx, float cy, float radius, SDL_Color c, int filled); /* disc or ring */
void ui_dots(ui_ctx *ui, const float *xy, int n, float radius, SDL_Color c); /* n small discs (x, y pairs) in a few draw calls: scatter plots */
void ui_hatch(ui_ctx *ui, SDL_Rect r, SDL_Color bg, SDL_Color fg);      /* diagonal hatching (used for -INFINITY cells) */
void ui_panel(ui_ctx *ui, SDL_Rect r);                                  /* a panel: fill + border from the theme */

/* ---- colour ------------------------------------------------------------------- */
typedef enum { UI_CMAP_VIRIDIS = 0, UI_CMAP_DIVERGING } ui_cmap;
SDL_Color ui_viridis(float t);                                          /* t in [0,1] (clamped) -> viridis */
SDL_Color ui_diverging(float t);                                        /* t in [-1,1] (clamped): blue - white - red (RdBu) */
SDL_Color ui_cmap_color(ui_cmap m, float v, float vmin, float vmax);    /* value -> colour; diverging centres 0 */
float ui_luminance(SDL_Color c);                                        /* relative luminance in [0,1] (sRGB) */
SDL_Color ui_text_on(SDL_Color bg);                                     /* black or white, whichever reads on bg */
SDL_Color ui_color_lerp(SDL_Color a, SDL_Color b, float t);             /* linear blend via cglm */
SDL_Color ui_alpha(SDL_Color c, Uint8 a);                               /* same colour, new alpha */

/* ---- animation and geometry (cglm) ------------------------------------------ */
float ui_smoothstep(float t);                                           /* 3t^2 - 2t^3 on [0,1] */
float ui_ease(float from, float to, float t);                           /* smoothstep-eased blend */
float ui_approach(float current, float target, float dt, float rate);   /* exponential approach for animated values */

typedef struct {
    float yaw, pitch;       /* radians */
    float distance;         /* eye distance from the target */
    float fov;              /* radians */
    float target[3];
} ui_camera;
void ui_camera_init(ui_camera *c);                                       /* default view of the unit cube */
void ui_camera_drag(ui_camera *c, float dx_px, float dy_px);             /* rotate with a mouse drag */
void ui_camera_zoom(ui_camera *c, float wheel);                          /* wheel steps in/out */
int ui_camera_project(const ui_camera *c, SDL_Rect view, const float p[3], float *x, float *y, float *depth); /* 1 when in front */

/* ---- widgets -------------------------------------------------------------- */
/* The axes of every attention map, rows are queries (conventions.md). */
#define UI_ATTN_AXES N_("query (row) \xE2\x86\x92 key (column)")
/* Draws UI_ATTN_AXES at (x, y) (a shorter form when max_w is small); returns its width. */
int ui_attn_axes(ui_ctx *ui, int x, int y, int max_w);

/* One colour range shared by maps that are added or compared (X, PE, X+PE):
 * each map drawn with it shows the same colour bar with the note under it. */
typedef struct {
    float lo, hi;            /* the range (diverging: usually -a..a) */
    const char *note;        /* e.g. "one scale for all three" (NULL: "shared") */
} ui_scale;
/* The range that holds every finite value of n arrays (diverging: symmetric about 0). */
ui_scale ui_scale_of(ui_cmap cmap, const float *const *data, const int *len, int n, const char *note);

/* A heatmap (or, with show_values, a matrix of numbers). Values of any range;
 * -INFINITY cells are hatched. Every heatmap carries its colour bar with its
 * range (there is no way to leave it out); rows marked off_scale_rows (such as
 * <pad>, which would set the range alone) are left out of the range and framed
 * dashed, and the bar says so. */
typedef struct {
    const float *data;       /* element (r, c) at data[r * stride + c] */
    int rows, cols, stride;
    const char *const *row_labels; /* rows strings or NULL (then numbers) */
    const char *const *col_labels; /* cols strings or NULL (then numbers, thinned) */
    const char *title;       /* drawn above, may be NULL */
    const char *name;        /* hover label prefix, e.g. "PE" -> "PE[3][7]" */
    ui_cmap cmap;
    int fixed_range;         /* 1: use vmin/vmax; 0: from the data (diverging: symmetric) */
    float vmin, vmax;
    const ui_scale *scale;   /* a range shared with other maps (wins over fixed_range), or NULL */
    const unsigned char *off_scale_rows; /* [rows] 1: not in the range (drawn clamped, framed), or NULL */
    int show_values;         /* 1: print numbers in cells when they fit */
    int highlight_row, highlight_col; /* outline a row/column, -1 for none */
    int square;              /* 1: square cells */
    int center;              /* 1: centre the map (labels, cells, colour bar) in r when the cells leave room */
    int attention;           /* 1: an attention map: a line under the title says UI_ATTN_AXES */
} ui_heatmap_spec;
typedef struct { SDL_Rect cells; int cell_w, cell_h; int hover_row, hover_col; } ui_heatmap_out;
/* The heatmap of the rows x cols matrix at data (row after row: stride = cols),
 * hovers named name, coloured by cmap, every other field at its default (0;
 * no highlight: -1); the caller then sets what this map adds (labels, title,
 * range, highlights). */
ui_heatmap_spec ui_heatmap_matrix(const float *data, int rows, int cols, ui_cmap cmap, const char *name);
int ui_heatmap(ui_ctx *ui, SDL_Rect r, const ui_heatmap_spec *s, ui_heatmap_out *out); /* draws; 1 if a cell is hovered; out may be NULL */

/* Bar chart: one bar per value, labels under (or beside when horizontal). */
typedef struct {
    const float *values; int n;
    const char *const *labels; /* n strings or NULL */
    const char *title, *name;
    float vmin, vmax; int fixed_range;
    int horizontal;          /* 1: bars grow to the right, labels on the left */
    int highlight;           /* index drawn in accent, -1 none */
    int show_values;         /* print the value at each bar */
    int axis;                /* 1: a value axis with ticks at round values (ui_nice_ticks): at the left of vertical
                              * bars, under horizontal ones; on in every chart ui_bars_fixed makes */
    ui_cmap cmap; int use_cmap; /* colour bars by value, else series[0] */
} ui_bars_spec;
int ui_bars(ui_ctx *ui, SDL_Rect r, const ui_bars_spec *s);             /* draws; returns hovered index or -1 */
/* The bars of n values (labels: n strings or NULL) on the fixed range [vmin, vmax],
 * hovers named name, no bar highlighted, vertical, plain colour, with a value axis; the caller
 * then sets what this chart adds (title, highlight, horizontal, values shown). */
ui_bars_spec ui_bars_fixed(const float *values, int n, const char *const *labels, float vmin, float vmax, const char *name);

/* Line plot with axes and ticks: up to 8 series over a shared x. */
typedef struct {
    const float *ys[8];      /* series k: ys[k][i] at x = xs ? xs[i] : i */
    const char *names[8];    /* legend / hover names */
    int n_series, n;
    const float *xs;         /* NULL: 0..n-1 */
    const char *title, *x_label, *y_label;
    float ymin, ymax; int fixed_range;
    int y_from_zero;         /* 1: the y range from the data, but from 0 (a loss, a rate: never below 0) */
    int markers;             /* 1: dots at the samples */
    int highlight_x;         /* sample index with a vertical marker, -1 none */
    /* A continuous function (a sine of the positional encoding): series k at
     * any x. When given, each series is drawn as this curve, finely sampled,
     * and its samples ys (the integer positions) as points on it. */
    float (*curve)(int series, float x, const void *user);
    const void *curve_user;
} ui_plot_spec;
/* Up to cap ticks at round values (1, 2, 2.5, 5 x 10^k apart) in [lo, hi], about
 * max_n of them; returns how many. Axes of ui_plot use it; so can a lesson's own. */
int ui_nice_ticks(float lo, float hi, int max_n, float *ticks, int cap);
int ui_plot(ui_ctx *ui, SDL_Rect r, const ui_plot_spec *s);             /* draws; returns hovered sample index or -1 */
/* The plot of one series ys [n] named name over xs (NULL: 0..n-1), no marker,
 * the range from the data; the caller then sets what this plot adds (title,
 * axis labels, a marked sample, more series). */
ui_plot_spec ui_plot_line(const float *xs, int n, const float *ys, const char *name);

/* Token chips: a rounded box with a word and a small line under it (e.g. an id). */
typedef enum { UI_CHIP_WORD = 0, UI_CHIP_SPECIAL, UI_CHIP_UNK, UI_CHIP_MUTED } ui_chip_kind;
int ui_chip_width(ui_ctx *ui, float size, const char *text, const char *sub); /* width the chip will take */
SDL_Rect ui_chip(ui_ctx *ui, float size, int x, int y, const char *text, const char *sub, ui_chip_kind kind, int selected); /* draws; returns its rect */

/* A line from one anchor to another whose thickness and opacity show weight in [0,1]. */
void ui_weight_link(ui_ctx *ui, float x0, float y0, float x1, float y1, float weight, SDL_Color c);

/* A labelled box for block diagrams; returns 1 when the mouse is over it. */
int ui_box(ui_ctx *ui, SDL_Rect r, const char *label, const char *sub, SDL_Color fill, int selected);

/* Controls: draw only; hit-test in handle_event with ui_point_in on the same rect. */
int ui_button(ui_ctx *ui, SDL_Rect r, const char *label, int active);   /* returns 1 when hovered */
int ui_toggle(ui_ctx *ui, SDL_Rect r, const char *label, int on);       /* checkbox + label; 1 when hovered */
void ui_slider(ui_ctx *ui, SDL_Rect r, const char *label, float value, float vmin, float vmax, const char *value_fmt); /* track + knob + "label = value" */
float ui_slider_value_at(SDL_Rect r, float vmin, float vmax, int mouse_x);  /* slider value under the mouse x (clamped) */

/* The tooltip for ui->hover (the app calls this after the lesson). */
void ui_tooltip(ui_ctx *ui, int win_w, int win_h);
/* THE number format of everything drawn (cells, ticks, colour bars, labels,
 * tooltips): sig significant digits (1..9), trailing zeros dropped, a true
 * minus "−"; 0.001 <= |v| < 100000 in decimals (0.00504, 1.44, 768, 12345),
 * others as "5.3×10⁻⁵"; exact zero "0", "−∞" for a masked score, "NaN". */
void ui_fmt(double v, int sig, char *dst, size_t n);
/* A column of a table: dec decimals, zeros kept, so the points line up (−7.446 over
 * −5.200); the true minus and −∞ as ui_fmt, which also takes a value the decimals
 * would show as 0 (−5×10⁻⁴) or a huge one. */
void ui_fmt_col(double v, int dec, char *dst, size_t n);
/* ui_fmt into b, returning b->s: for printf arguments, e.g.
 * ui_num a; snprintf(dst, n, _("p = %s"), ui_fmts(&a, p, 3)) (one ui_num per number of the call). */
typedef struct { char s[48]; } ui_num;
const char *ui_fmts(ui_num *b, double v, int sig);
/* ui_fmt in at most max_w pixels: 3 significant digits, else 2, else 1; 0 (dst "") when none fits. */
int ui_fmt_fit(ui_ctx *ui, ui_face face, float size, float v, int max_w, char *dst, size_t n);
/* Tooltips: ui_fmt with six significant digits. */
void ui_format_value(double v, char *dst, size_t n);

/* ---- the message catalogue (ui_lang.c) ------------------------------------------
 * Every word the user sees is written in English in the code and wrapped:
 * _("Examples (E)") where it is used, N_("Tokens") in a static table (then
 * _(table[i]) at the use). xgettext collects both into assets/po/transformer-lab.pot;
 * assets/po/<lang>.po translates them and is compiled to a .mo at build time. */
int ui_lang_load(const char *mo_path, char *err, size_t err_len);     /* 0, or -1 + message (the current catalogue stays) */
void ui_lang_unload(void);                                              /* back to English */
/* msgid's translation in the catalogue mo_path, which stays unloaded (the current one stays current):
 * 0 with it in out, or -1 when the file is unreadable or does not translate msgid. */
int ui_lang_peek(const char *mo_path, const char *msgid, char *out, size_t out_len);
int ui_lang_count(void);                                                /* translated strings loaded (0: English) */
const char *ui_tr(const char *msgid) __attribute__((format_arg(1)));    /* the translation, or msgid itself */
/* key is "context\004msgid" (gettext's msgctxt): the translation, or the msgid part. */
const char *ui_tr_ctx(const char *key) __attribute__((format_arg(1)));
/* A message the engine formatted in English from an N_()-marked format (engine/data/errmsg.h):
 * the catalogue's format that produced it is found by matching (its %d, %s, ... against the
 * values in the text), and the translation is filled with those values (a %s value is
 * translated the same way, so "cannot load model: <engine reason>" comes out whole).
 * Returns msg itself when nothing matches or no catalogue is loaded, else buf. */
const char *ui_tr_text(const char *msg, char *buf, size_t n);
/* ui_tr_text, remembered: the last 16 messages under the current catalogue are not matched
 * again (one drawn every frame costs one scan). The result stays valid until 16 other
 * messages have been translated (main thread only: for the argument of a
 * _("Save failed: %s") or a text drawn this frame). */
const char *ui_tr_msg(const char *msg);
long ui_tr_scans(void); /* how many times ui_tr_text/ui_tr_msg matched a message against the formats (tests) */
#define _(s) ui_tr(s)
#ifndef N_
#define N_(s) s
#endif
/* One English word with two meanings ("decoder": the stack, or the decoding method): the
 * context tells them apart in the catalogue (xgettext --keyword=C_:1c,2). */
#define C_(ctx, s) ui_tr_ctx(ctx "\004" s)

#endif
