/* ui_core.c - the toolkit's context, fonts, cached text, wrapped prose,
 * fills and frames, the hover sink and the tooltip (lines, arrows and discs:
 * ui_shapes.c).
 *
 * Text cache: every string drawn is rendered once by SDL2_ttf into a texture
 * and kept in a hash table with an LRU list (bounded; the least recently used
 * texture goes first). Key = face, pixel size, colour, string.
 *
 * Fallback font: SDL_ttf 2.20 has no font fallback, and DejaVu has no
 * Chinese, Japanese or Korean. A string with a code point the face lacks is
 * cut into runs, each drawn (and measured) with the face or, for the glyphs
 * only they have, the first of WenQuanYi Micro Hei (assets/fonts/wqy-microhei.ttc,
 * CJK), Symbola (assets/fonts/Symbola.ttf, symbols and emoji in black and
 * white) and, in the web page only, a small early part of WenQuanYi, that has
 * the glyph, and the runs are put side by side on the face's baseline. Pure ASCII skips all this.
 *
 * Must not: know about lessons, the trace or the model.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"
#include "utf8.h"

#define CACHE_CAP 1500
#define CACHE_BYTES (24u << 20)   /* texture pixels kept at most (keeps peak memory low) */
#define CACHE_BUCKETS 4096
#define WRAP_CACHE 8

typedef struct cache_entry {
    struct cache_entry *hnext;        /* bucket chain */
    struct cache_entry *prev, *next;  /* LRU list: head = most recent */
    uint64_t hash;
    int face, px;
    Uint32 rgba, bg;
    SDL_Texture *tex;
    int w, h;
    SDL_Rect ink;                     /* the glyphs' ink box inside the texture (for the layout audit) */
    char *text;
} cache_entry;

typedef struct {
    uint64_t hash; int width, px, face; /* key */
    size_t text_len;                    /* also part of the key: line ranges never pass the text's end */
    char *text;                         /* a copy, compared too: a hash collision cannot reuse another text's lines */
    int n_lines; int *starts, *lens, *heads; /* line byte ranges, heading flag */
    int height;
} wrap_entry;

#define SIZE_CACHE 4096
typedef struct { uint64_t hash; int w, h; } size_entry;

struct ui_text_cache {
    size_entry sizes[SIZE_CACHE];     /* measured strings: hash of (face, px, text) -> size */
    cache_entry *buckets[CACHE_BUCKETS];
    cache_entry *head, *tail;
    size_t count;
    size_t bytes;
    wrap_entry wraps[WRAP_CACHE];
    int wrap_next;
};

static const char *face_files[UI_N_FACES] = {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf"};

static uint64_t fnv(const void *data, size_t n, uint64_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 1099511628211ULL; }
    return h;
}

int ui_fonts_check(const char *font_dir, char *err, size_t err_len)
{
    for (int f = 0; f < UI_N_FACES; f++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", font_dir, face_files[f]);
        FILE *fp = fopen(path, "rb");
        if (!fp) {
            snprintf(err, err_len, "font file missing: %s (reinstall, or check the assets folder)", path);
            return -1;
        }
        fclose(fp);
    }
    return 0;
}

int ui_init(ui_ctx *ui, SDL_Renderer *r, const char *font_dir, const ui_theme *theme, char *err, size_t err_len)
{
    memset(ui, 0, sizeof *ui);
    if (!TTF_WasInit() && TTF_Init() != 0) {
        snprintf(err, err_len, "TTF_Init failed: %s", TTF_GetError());
        return -1;
    }
    if (ui_fonts_check(font_dir, err, err_len) != 0) return -1;
    snprintf(ui->font_dir, sizeof ui->font_dir, "%s", font_dir);
    ui->r = r;
    ui->theme = theme ? theme : ui_theme_get("dark");
    ui->scale = 1.0f;
    ui->mouse_x = ui->mouse_y = -1;
    ui->cache = calloc(1, sizeof *ui->cache);
    if (!ui->cache) { snprintf(err, err_len, "out of memory"); return -1; }
    if (!ui_font(ui, UI_SANS, UI_SIZE_BODY)) {
        snprintf(err, err_len, "cannot open font in %s: %s", font_dir, TTF_GetError());
        ui_free(ui);
        return -1;
    }
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    return 0;
}

static void entry_free(cache_entry *e)
{
    if (!e) return;
    if (e->tex) SDL_DestroyTexture(e->tex);
    free(e->text);
    free(e);
}

/* Frees every text texture and wrap of the cache (the struct itself stays). */
static void cache_release(ui_text_cache *c)
{
    cache_entry *e = c->head;
    while (e) { cache_entry *n = e->next; entry_free(e); e = n; }
    for (int i = 0; i < WRAP_CACHE; i++) {
        free(c->wraps[i].starts); free(c->wraps[i].lens); free(c->wraps[i].heads);
        free(c->wraps[i].text);
    }
}

/* Closes every opened font size of every face and fallback and frees the files' bytes
 * (they are read and opened again on demand). */
static void fonts_close(ui_ctx *ui)
{
    for (int f = 0; f < UI_N_FACES; f++)
        for (int i = 0; i < ui->n_fonts[f]; i++) if (ui->fonts[f][i]) TTF_CloseFont(ui->fonts[f][i]);
    memset(ui->n_fonts, 0, sizeof ui->n_fonts);
    for (int k = 0; k < UI_N_FALLBACK; k++) {
        for (int i = 0; i < ui->n_fb[k]; i++) if (ui->fb_fonts[k][i]) TTF_CloseFont(ui->fb_fonts[k][i]);
        ui->n_fb[k] = 0;
    }
    for (int k = 0; k < UI_N_FACES + UI_N_FALLBACK; k++) {
        SDL_free(ui->font_data[k]);
        ui->font_data[k] = NULL;
        ui->font_len[k] = 0;
    }
}

void ui_free(ui_ctx *ui)
{
    if (!ui) return;
    if (ui->cache) {
        cache_release(ui->cache);
        free(ui->cache);
        ui->cache = NULL;
    }
    fonts_close(ui);
}

/* Everything here comes back on demand, so this only costs the next frame's
 * re-rendering. The monkey test uses it so that its two memory readings
 * compare what the app holds, not how full its bounded caches happen to be. */
void ui_cache_clear(ui_ctx *ui)
{
    if (!ui || !ui->cache) return;
    cache_release(ui->cache);
    memset(ui->cache, 0, sizeof *ui->cache);
    fonts_close(ui);
    memset(ui->fb_missing, 0, sizeof ui->fb_missing); /* a fallback file may have arrived since (the web page's late block) */
}

void ui_begin_frame(ui_ctx *ui, int mx, int my, double time)
{
    ui->mouse_x = mx;
    ui->mouse_y = my;
    ui->time = time;
    ui->has_text_bg = 0;
    memset(&ui->hover, 0, sizeof ui->hover);
}

float ui_fclamp(float v)
{
    if (!(v == v)) return 0.0f; /* NaN */
    if (v > (float)UI_COORD_MAX) return (float)UI_COORD_MAX;
    if (v < -(float)UI_COORD_MAX) return -(float)UI_COORD_MAX;
    return v;
}

int ui_f2i(float v) { return (int)ui_fclamp(v); }

int ui_px(const ui_ctx *ui, float logical)
{
    int v = ui_f2i(roundf(logical * ui->scale));
    return v < 1 ? 1 : v;
}

/* A rectangle with every field inside +-UI_COORD_MAX, so x + w cannot overflow
 * in SDL (the last guard: widgets convert with ui_f2i already). */
static SDL_Rect rect_clamp(SDL_Rect r)
{
    const int m = UI_COORD_MAX;
    r.x = r.x < -m ? -m : r.x > m ? m : r.x;
    r.y = r.y < -m ? -m : r.y > m ? m : r.y;
    r.w = r.w < 0 ? 0 : r.w > 2 * m ? 2 * m : r.w;
    r.h = r.h < 0 ? 0 : r.h > 2 * m ? 2 * m : r.h;
    return r;
}

static void hover_set(ui_ctx *ui, SDL_Rect anchor, int has_value, double value, const char *fmt, va_list ap)
{
    ui->hover.active = 1;
    ui->hover.has_value = has_value;
    ui->hover.value = value;
    ui->hover.anchor = anchor;
    vsnprintf(ui->hover.label, sizeof ui->hover.label, fmt, ap);
}

void ui_hover_value(ui_ctx *ui, SDL_Rect anchor, double value, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hover_set(ui, anchor, 1, value, fmt, ap);
    va_end(ap);
}

void ui_hover_text(ui_ctx *ui, SDL_Rect anchor, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hover_set(ui, anchor, 0, 0.0, fmt, ap);
    va_end(ap);
}

int ui_point_in(SDL_Rect r, int x, int y) { return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h; }
int ui_mouse_in(const ui_ctx *ui, SDL_Rect r) { return ui_point_in(r, ui->mouse_x, ui->mouse_y); }
size_t ui_text_cache_count(const ui_ctx *ui) { return ui && ui->cache ? ui->cache->count : 0; }

/* ---- fonts ---- */

/* Font file `file` at px pixels, opened from its bytes (slot: where ui keeps them; read on
 * first use). NULL when the file cannot be read or opened (TTF_GetError says why). */
static TTF_Font *font_open(ui_ctx *ui, int slot, const char *file, int px)
{
    if (!ui->font_data[slot]) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", ui->font_dir, file);
        size_t len = 0;
        void *d = SDL_LoadFile(path, &len); /* freed with SDL_free (fonts_close) */
        if (!d) { TTF_SetError("cannot read %s: %s", path, SDL_GetError()); return NULL; }
        ui->font_data[slot] = d;
        ui->font_len[slot] = len;
    }
    SDL_RWops *rw = SDL_RWFromConstMem(ui->font_data[slot], (int)ui->font_len[slot]);
    return rw ? TTF_OpenFontRW(rw, 1, px) : NULL;
}

TTF_Font *ui_font(ui_ctx *ui, ui_face face, float size)
{
    if (face < 0 || face >= UI_N_FACES) face = UI_SANS;
    int px = ui_f2i(roundf(size * ui->scale));
    if (px < 6) px = 6;
    if (px > 400) px = 400;
    for (int i = 0; i < ui->n_fonts[face]; i++)
        if (ui->font_px[face][i] == px) return ui->fonts[face][i];
    if (ui->n_fonts[face] >= 48) { /* full: the nearest size will do */
        int best = 0;
        for (int i = 1; i < 48; i++)
            if (abs(ui->font_px[face][i] - px) < abs(ui->font_px[face][best] - px)) best = i;
        return ui->fonts[face][best];
    }
    TTF_Font *f = font_open(ui, face, face_files[face], px);
    if (!f) return NULL;
    ui->fonts[face][ui->n_fonts[face]] = f;
    ui->font_px[face][ui->n_fonts[face]] = px;
    ui->n_fonts[face]++;
    return f;
}

/* The third exists only in the web page (app/web/subset_fonts.py): the WenQuanYi glyphs
 * of the interface's own Chinese texts, in the page's first data block, so Chinese is
 * drawn before the two big fonts of the late block are in (then ui_cache_clear). */
static const char *const fallback_files[UI_N_FALLBACK] = { "wqy-microhei.ttc", "Symbola.ttf", "wqy-microhei-early.ttf" };
#define MAX_RUNS 64

/* Fallback font k at px pixels (opened on demand), or NULL when its file is missing. */
static TTF_Font *fallback_font(ui_ctx *ui, int k, int px)
{
    if (ui->fb_missing[k]) return NULL;
    px = px < 6 ? 6 : px > 400 ? 400 : px; /* as ui_font */
    for (int i = 0; i < ui->n_fb[k]; i++)
        if (ui->fb_px[k][i] == px) return ui->fb_fonts[k][i];
    if (ui->n_fb[k] >= 24) return ui->fb_fonts[k][23]; /* full: any size beats boxes */
    TTF_Font *f = font_open(ui, UI_N_FACES + k, fallback_files[k], px);
    if (!f) {
        ui->fb_missing[k] = 1;
        return NULL;
    }
    ui->fb_fonts[k][ui->n_fb[k]] = f;
    ui->fb_px[k][ui->n_fb[k]] = px;
    ui->n_fb[k]++;
    return f;
}

typedef struct { int start, len; TTF_Font *font; } text_run;

/* Cuts s into runs by font: f where f has the glyph (or nobody has it), else
 * the first fallback that has it. Returns the number of runs (1 for pure ASCII
 * or when nothing needs the fallback; at most MAX_RUNS, the last one then
 * takes the rest). */
static int text_runs(ui_ctx *ui, TTF_Font *f, int px, const char *s, text_run *runs)
{
    int n = (int)strlen(s), i = 0, ascii = 1;
    for (int k = 0; k < n && ascii; k++) ascii = (unsigned char)s[k] < 0x80;
    runs[0] = (text_run){0, n, f};
    if (ascii) return 1;
    TTF_Font *fb[UI_N_FALLBACK] = {0};
    int count = 0, fb_tried[UI_N_FALLBACK] = {0};
    while (i < n) {
        int at = i;
        uint32_t cp;
        i += utf8_next(s + i, (size_t)(n - i), &cp); /* a bad byte: U+FFFD, one byte */
        TTF_Font *use = f;
        for (int k = 0; cp > 0x7F && use == f && k < UI_N_FALLBACK && !TTF_GlyphIsProvided32(f, cp); k++) {
            if (!fb_tried[k]) { fb[k] = fallback_font(ui, k, px); fb_tried[k] = 1; }
            if (fb[k] && TTF_GlyphIsProvided32(fb[k], cp)) use = fb[k];
        }
        if (count > 0 && (runs[count - 1].font == use || count == MAX_RUNS)) {
            runs[count - 1].len = i - runs[count - 1].start;
        } else {
            runs[count++] = (text_run){at, i - at, use};
        }
    }
    return count > 0 ? count : 1;
}

/* Width and height of s as drawn (runs side by side). */
static void measure_text(ui_ctx *ui, TTF_Font *f, int px, const char *s, int *w, int *h)
{
    text_run runs[MAX_RUNS];
    int nr = text_runs(ui, f, px, s, runs);
    if (nr == 1 && runs[0].font == f) { TTF_SizeUTF8(f, s, w, h); return; }
    int tw = 0, th = TTF_FontHeight(f);
    char part[4096];
    for (int r = 0; r < nr; r++) {
        int l = runs[r].len < (int)sizeof part - 1 ? runs[r].len : (int)sizeof part - 1;
        memcpy(part, s + runs[r].start, (size_t)l);
        part[l] = 0;
        int rw = 0, rh = 0;
        TTF_SizeUTF8(runs[r].font, part, &rw, &rh);
        tw += rw;
    }
    if (w) *w = tw;
    if (h) *h = th;
}

/* s rendered (blended, with alpha) as one surface: the runs side by side,
 * each on the face's baseline. NULL on failure (as TTF_RenderUTF8_Blended). */
static SDL_Surface *render_text(ui_ctx *ui, TTF_Font *f, int px, const char *s, SDL_Color col)
{
    text_run runs[MAX_RUNS];
    int nr = text_runs(ui, f, px, s, runs);
    if (nr == 1 && runs[0].font == f) return TTF_RenderUTF8_Blended(f, s, col);
    SDL_Surface *parts[MAX_RUNS] = {0};
    int tw = 0, th = TTF_FontHeight(f), ok = 1;
    char part[4096];
    for (int r = 0; r < nr && ok; r++) {
        int l = runs[r].len < (int)sizeof part - 1 ? runs[r].len : (int)sizeof part - 1;
        memcpy(part, s + runs[r].start, (size_t)l);
        part[l] = 0;
        parts[r] = TTF_RenderUTF8_Blended(runs[r].font, part, col);
        if (!parts[r]) ok = 0;
        else tw += parts[r]->w;
        /* a run of f keeps the ink SDL_ttf gives it below the descent (the "_" of
         * "d_model" at small sizes), as a text drawn with f alone does */
        if (ok && runs[r].font == f && parts[r]->h > th) th = parts[r]->h;
    }
    SDL_Surface *out = ok && tw > 0 ? SDL_CreateRGBSurfaceWithFormat(0, tw, th, 32, SDL_PIXELFORMAT_ARGB8888) : NULL;
    if (out) {
        SDL_FillRect(out, NULL, 0);
        int x = 0, asc = TTF_FontAscent(f);
        for (int r = 0; r < nr; r++) {
            SDL_SetSurfaceBlendMode(parts[r], SDL_BLENDMODE_NONE); /* copy colour and alpha as they are */
            SDL_Rect dst = {x, asc - TTF_FontAscent(runs[r].font), parts[r]->w, parts[r]->h};
            SDL_BlitSurface(parts[r], NULL, out, &dst);
            x += parts[r]->w;
        }
    }
    for (int r = 0; r < nr; r++) SDL_FreeSurface(parts[r]);
    return out;
}

/* ---- the texture cache ---- */

static void lru_unlink(ui_text_cache *c, cache_entry *e)
{
    if (e->prev) e->prev->next = e->next; else c->head = e->next;
    if (e->next) e->next->prev = e->prev; else c->tail = e->prev;
    e->prev = e->next = NULL;
}

static void lru_push(ui_text_cache *c, cache_entry *e)
{
    e->next = c->head;
    e->prev = NULL;
    if (c->head) c->head->prev = e;
    c->head = e;
    if (!c->tail) c->tail = e;
}

static void cache_evict(ui_text_cache *c)
{
    cache_entry *e = c->tail;
    if (!e) return;
    lru_unlink(c, e);
    cache_entry **pp = &c->buckets[e->hash % CACHE_BUCKETS];
    while (*pp && *pp != e) pp = &(*pp)->hnext;
    if (*pp) *pp = e->hnext;
    c->bytes -= (size_t)e->w * (size_t)e->h * 4;
    entry_free(e);
    c->count--;
}

/* The box of the pixels of a rendered text (ARGB8888, alpha above a quarter):
 * what the audit compares, tighter than the line box. Empty for blank text. */
static SDL_Rect ink_box(SDL_Surface *surf)
{
    int x0 = surf->w, y0 = surf->h, x1 = -1, y1 = -1;
    if (surf->format->BytesPerPixel != 4 || !surf->format->Amask) return (SDL_Rect){0, 0, surf->w, surf->h};
    if (SDL_MUSTLOCK(surf)) SDL_LockSurface(surf);
    for (int y = 0; y < surf->h; y++) {
        const Uint32 *row = (const Uint32 *)((const Uint8 *)surf->pixels + (size_t)y * (size_t)surf->pitch);
        for (int x = 0; x < surf->w; x++) {
            if (((row[x] & surf->format->Amask) >> surf->format->Ashift) < 64) continue;
            if (x < x0) x0 = x;
            if (x > x1) x1 = x;
            if (y < y0) y0 = y;
            y1 = y;
        }
    }
    if (SDL_MUSTLOCK(surf)) SDL_UnlockSurface(surf);
    return x1 < 0 ? (SDL_Rect){0, 0, 0, 0} : (SDL_Rect){x0, y0, x1 - x0 + 1, y1 - y0 + 1};
}

static cache_entry *text_get(ui_ctx *ui, ui_face face, float size, SDL_Color col, const char *s)
{
    if (!s || !*s || !ui->cache) return NULL;
    int px = ui_f2i(roundf(size * ui->scale));
    if (px < 6) px = 6;
    Uint32 rgba = ((Uint32)col.r << 24) | ((Uint32)col.g << 16) | ((Uint32)col.b << 8) | col.a;
    int opaque_bg = ui->has_text_bg && col.a == 255;
    Uint32 bg = opaque_bg ? 0xFF000000u | ((Uint32)ui->text_bg.r << 16) | ((Uint32)ui->text_bg.g << 8) | ui->text_bg.b : 0;
    size_t n = strlen(s);
    uint64_t h = fnv(s, n, 1469598103934665603ULL);
    h = fnv(&px, sizeof px, h);
    h = fnv(&rgba, sizeof rgba, h);
    h = fnv(&face, sizeof face, h);
    h = fnv(&bg, sizeof bg, h);
    ui_text_cache *c = ui->cache;
    for (cache_entry *e = c->buckets[h % CACHE_BUCKETS]; e; e = e->hnext) {
        if (e->hash == h && e->px == px && e->rgba == rgba && e->bg == bg && e->face == (int)face && strcmp(e->text, s) == 0) {
            lru_unlink(c, e);
            lru_push(c, e);
            return e;
        }
    }
    TTF_Font *f = ui_font(ui, face, size);
    if (!f) return NULL;
    SDL_Surface *surf = render_text(ui, f, px, s, col);
    if (!surf) return NULL;
    SDL_Rect ink = ink_box(surf);
    if (opaque_bg) { /* compose once onto the known background: drawing is then a plain copy */
        SDL_Surface *o = SDL_CreateRGBSurfaceWithFormat(0, surf->w, surf->h, 32, SDL_PIXELFORMAT_RGB888);
        if (o) {
            SDL_FillRect(o, NULL, SDL_MapRGB(o->format, ui->text_bg.r, ui->text_bg.g, ui->text_bg.b));
            SDL_SetSurfaceBlendMode(surf, SDL_BLENDMODE_BLEND);
            SDL_BlitSurface(surf, NULL, o, NULL);
            SDL_FreeSurface(surf);
            surf = o;
        }
    }
    SDL_Texture *tex = SDL_CreateTextureFromSurface(ui->r, surf);
    int w = surf->w, hh = surf->h;
    SDL_FreeSurface(surf);
    if (!tex) return NULL;
    SDL_SetTextureBlendMode(tex, opaque_bg ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    if (col.a != 255) SDL_SetTextureAlphaMod(tex, col.a);
    cache_entry *e = calloc(1, sizeof *e);
    if (!e) { SDL_DestroyTexture(tex); return NULL; }
    e->text = malloc(n + 1);
    if (!e->text) { free(e); SDL_DestroyTexture(tex); return NULL; }
    memcpy(e->text, s, n + 1);
    e->hash = h; e->px = px; e->rgba = rgba; e->bg = bg; e->face = face; e->tex = tex; e->w = w; e->h = hh; e->ink = ink;
    while (c->count > 0 && (c->count >= CACHE_CAP || c->bytes + (size_t)w * (size_t)hh * 4 > CACHE_BYTES)) cache_evict(c);
    c->bytes += (size_t)w * (size_t)hh * 4;
    e->hnext = c->buckets[h % CACHE_BUCKETS];
    c->buckets[h % CACHE_BUCKETS] = e;
    lru_push(c, e);
    c->count++;
    return e;
}

/* ---- text ---- */

void ui_text_size(ui_ctx *ui, ui_face face, float size, const char *s, int *w, int *h)
{
    int tw = 0, th = 0;
    TTF_Font *f = ui_font(ui, face, size);
    if (f && s && *s && ui->cache) {
        int px = ui_px(ui, size);
        uint64_t hs = fnv(s, strlen(s), 1469598103934665603ULL);
        hs = fnv(&px, sizeof px, hs);
        hs = fnv(&face, sizeof face, hs);
        if (hs == 0) hs = 1;
        size_entry *se = &ui->cache->sizes[hs % SIZE_CACHE];
        if (se->hash == hs) {
            tw = se->w;
            th = se->h;
        } else {
            measure_text(ui, f, px, s, &tw, &th);
            se->hash = hs; se->w = tw; se->h = th;
        }
    } else if (f) {
        th = TTF_FontHeight(f);
        if (s && *s) measure_text(ui, f, ui_px(ui, size), s, &tw, &th);
    }
    if (w) *w = tw;
    if (h) *h = th;
}

void ui_text_bg(ui_ctx *ui, const SDL_Color *bg)
{
    ui->has_text_bg = bg != NULL;
    if (bg) ui->text_bg = *bg;
}

int ui_line_height(ui_ctx *ui, ui_face face, float size)
{
    TTF_Font *f = ui_font(ui, face, size);
    if (!f) return ui_px(ui, size * 1.2f);
    /* a line holds its ink: the font's ascent + descent are rounded, and glyphs such as "(" reach a pixel further */
    int skip = TTF_FontLineSkip(f), h = TTF_FontHeight(f) + 1;
    return skip > h ? skip : h;
}

static void place(int *x, int *y, int w, int h, int align)
{
    if ((align & 3) == UI_CENTER) *x -= w / 2;
    else if ((align & 3) == UI_RIGHT) *x -= w;
    if (align & UI_MIDDLE) *y -= h / 2;
    else if (align & UI_BOTTOM) *y -= h;
}

/* Draws s; the audit records it as `name` (the whole text when s is its
 * shortened form) with how it was drawn. */
static int text_draw(ui_ctx *ui, ui_face face, float size, int x, int y, SDL_Color c, int align, const char *s,
                     const char *name, int how)
{
    cache_entry *e = text_get(ui, face, size, c, s);
    if (!e) return 0;
    place(&x, &y, e->w, e->h, align);
    SDL_Rect dst = {x, y, e->w, e->h};
    SDL_RenderCopy(ui->r, e->tex, NULL, &dst);
    if (ui->audit) ui_audit_note(ui, name, (SDL_Rect){x + e->ink.x, y + e->ink.y, e->ink.w, e->ink.h}, how);
    return e->w;
}

int ui_text(ui_ctx *ui, ui_face face, float size, int x, int y, SDL_Color c, int align, const char *s)
{
    return text_draw(ui, face, size, x, y, c, align, s, s, UI_AUDIT_DRAWN);
}

/* Draws s (recorded in the audit as name, how) turned 90 degrees anticlockwise, its end at (x, y) top. */
static int text_rotated(ui_ctx *ui, ui_face face, float size, int x, int y, SDL_Color c, const char *s, const char *name, int how)
{
    cache_entry *e = text_get(ui, face, size, c, s);
    if (!e) return 0;
    /* the rotated box spans x in [cx - h/2, cx + h/2], y in [cy - w/2, cy + w/2]: its right edge at x, its top at y */
    int cx = x - e->h / 2, cy = y + e->w / 2;
    SDL_Rect dst = {cx - e->w / 2, cy - e->h / 2, e->w, e->h};
    SDL_RenderCopyEx(ui->r, e->tex, NULL, &dst, -90.0, NULL, SDL_FLIP_NONE);
    /* turned anticlockwise: the texture's top edge is the left one, its start the bottom */
    if (ui->audit) ui_audit_note(ui, name, (SDL_Rect){x - e->h + e->ink.y, y + e->w - e->ink.x - e->ink.w, e->ink.h, e->ink.w}, how);
    return e->w;
}

int ui_text_rotated(ui_ctx *ui, ui_face face, float size, int x, int y, SDL_Color c, const char *s)
{
    return text_rotated(ui, face, size, x, y, c, s, s, UI_AUDIT_DRAWN);
}

int ui_utf8_next(const char *s, int len, int pos)
{
    if (pos >= len) return len;
    if (pos < 0) return 0;
    return pos + utf8_next(s + pos, (size_t)(len - pos), NULL);
}

int ui_utf8_prev(const char *s, int pos)
{
    if (pos <= 0) return 0;
    return (int)utf8_prev(s, (size_t)pos);
}

/* How s fits max_w: the size (shrunk down to the legal size) and the text to draw
 * (s, or buf: s shortened with "…", a cut the audit reports unless the whole text
 * at the legal size is wider than the window: no layout could show it on one line).
 * NULL when not even "…" fits (then the audit records s as dropped at (x, y)). */
static const char *fit_text(ui_ctx *ui, ui_face face, float *size, int max_w, const char *s, char *buf, size_t cap,
                            int *how, int x, int y)
{
    int w = 0;
    *how = UI_AUDIT_DRAWN;
    ui_text_size(ui, face, *size, s, &w, NULL);
    if (w <= max_w) return s;
    for (float sz = *size - 1.0f; sz >= UI_SIZE_LEGAL; sz -= 1.0f) { /* smaller, down to the legal size, */
        ui_text_size(ui, face, sz, s, &w, NULL);
        if (w <= max_w) { *size = sz; return s; }
    }
    int legal_w = 0; /* then shortened */
    *how = UI_AUDIT_SHORTENED;
    if (ui->audit) {
        ui_text_size(ui, face, *size < UI_SIZE_LEGAL ? *size : UI_SIZE_LEGAL, s, &legal_w, NULL);
        if (legal_w > ui_audit_window_w(ui->audit)) *how = UI_AUDIT_DRAWN;
    }
    int n = (int)strlen(s);
    if (n > (int)cap - 4) n = (int)cap - 4;
    while (n > 0) {
        n = ui_utf8_prev(s, n);
        memcpy(buf, s, (size_t)n);
        memcpy(buf + n, "\xE2\x80\xA6", 4); /* … */
        ui_text_size(ui, face, *size, buf, &w, NULL);
        if (w <= max_w) break;
    }
    if (n > 0) return buf;
    if (ui->audit) ui_audit_note(ui, s, (SDL_Rect){x, y, 1, 1}, UI_AUDIT_DROPPED);
    return NULL;
}

int ui_text_fit(ui_ctx *ui, ui_face face, float size, int x, int y, int max_w, SDL_Color c, int align, const char *s)
{
    char buf[512];
    int how;
    if (!s) return 0;
    const char *d = fit_text(ui, face, &size, max_w, s, buf, sizeof buf, &how, x, y);
    return d ? text_draw(ui, face, size, x, y, c, align, d, s, how) : 0;
}

int ui_text_rotated_fit(ui_ctx *ui, ui_face face, float size, int x, int y, int max_len, SDL_Color c, const char *s)
{
    char buf[512];
    int how;
    if (!s) return 0;
    const char *d = fit_text(ui, face, &size, max_len, s, buf, sizeof buf, &how, x, y);
    if (!d) return 0;
    int w = 0;
    ui_text_size(ui, face, size, d, &w, NULL);
    return text_rotated(ui, face, size, x, y + max_len - w, c, d, s, how);
}

int ui_formula(ui_ctx *ui, float size, int x, int y, SDL_Color c, int align, const char *s)
{
    return ui_text(ui, UI_SANS, size, x, y, c, align, s);
}

/* Breaks s into lines no wider than width; cached by (text, width, size, face). */
static wrap_entry *wrap_get(ui_ctx *ui, ui_face face, float size, int width, const char *s)
{
    ui_text_cache *c = ui->cache;
    int px = ui_px(ui, size);
    size_t n = strlen(s);
    uint64_t h = fnv(s, n, 1469598103934665603ULL);
    for (int i = 0; i < WRAP_CACHE; i++) {
        wrap_entry *w = &c->wraps[i];
        if (w->starts && w->hash == h && w->text_len == n && w->width == width && w->px == px && w->face == (int)face &&
            memcmp(w->text, s, n) == 0)
            return w;
    }
    wrap_entry *w = &c->wraps[c->wrap_next];
    c->wrap_next = (c->wrap_next + 1) % WRAP_CACHE;
    free(w->starts); free(w->lens); free(w->heads); free(w->text);
    memset(w, 0, sizeof *w);
    int cap = 64;
    w->starts = malloc(sizeof(int) * (size_t)cap);
    w->lens = malloc(sizeof(int) * (size_t)cap);
    w->heads = malloc(sizeof(int) * (size_t)cap);
    w->text = malloc(n + 1);
    if (!w->starts || !w->lens || !w->heads || !w->text) {
        free(w->starts); free(w->lens); free(w->heads); free(w->text);
        memset(w, 0, sizeof *w);
        return NULL;
    }
    memcpy(w->text, s, n + 1);
    w->hash = h; w->text_len = n; w->width = width; w->px = px; w->face = face;
    TTF_Font *fb = ui_font(ui, UI_BOLD, size), *fn = ui_font(ui, face, size);
    int pos = 0, len = (int)n;
    char line[2048];
    while (pos <= len) {
        int eol = pos;
        while (eol < len && s[eol] != '\n') eol++;
        int heading = (eol - pos >= 2 && s[pos] == '#' && s[pos + 1] == ' ');
        int p = heading ? pos + 2 : pos;
        TTF_Font *f = heading ? fb : fn;
        if (p == eol) { /* empty line: paragraph break */
            if (w->n_lines + 1 >= cap) break;
            w->starts[w->n_lines] = p; w->lens[w->n_lines] = 0; w->heads[w->n_lines] = 0; w->n_lines++;
        }
        while (p < eol) {
            /* greedy: take words (or CJK characters) while they fit */
            int end = p, best = -1;
            while (end < eol) {
                int nx = ui_break_next(s, end, eol); /* spaces, or between CJK characters */
                int l = nx - p;
                if (l >= (int)sizeof line) break;
                memcpy(line, s + p, (size_t)l);
                line[l] = 0;
                int tw = 0;
                if (f) measure_text(ui, f, px, line, &tw, NULL);
                if (tw > width && best >= 0) break;
                best = nx;
                end = nx;
                if (tw > width) break; /* a single word wider than the box: it goes alone */
            }
            if (best < 0) best = eol;
            if (w->n_lines + 1 >= cap) {
                cap *= 2;
                int *a = realloc(w->starts, sizeof(int) * (size_t)cap), *b = realloc(w->lens, sizeof(int) * (size_t)cap),
                    *d = realloc(w->heads, sizeof(int) * (size_t)cap);
                if (a) w->starts = a;
                if (b) w->lens = b;
                if (d) w->heads = d;
                if (!a || !b || !d) return w;
            }
            w->starts[w->n_lines] = p; w->lens[w->n_lines] = best - p; w->heads[w->n_lines] = heading;
            w->n_lines++;
            p = best;
            while (p < eol && s[p] == ' ') p++;
        }
        pos = eol + 1;
    }
    return w;
}

int ui_text_wrap(ui_ctx *ui, ui_face face, float size, SDL_Rect box, int scroll_px, SDL_Color c, const char *s)
{
    if (!s || box.w <= 0) return 0;
    wrap_entry *w = wrap_get(ui, face, size, box.w, s);
    if (!w) return 0;
    int lh = ui_line_height(ui, face, size);
    int y = box.y - scroll_px;
    char line[2048];
    for (int i = 0; i < w->n_lines; i++) {
        int h = w->lens[i] == 0 ? lh / 2 : lh;
        if (y >= box.y && y + h <= box.y + box.h && w->lens[i] > 0) { /* whole lines only */
            int l = w->lens[i] < (int)sizeof line - 1 ? w->lens[i] : (int)sizeof line - 1;
            memcpy(line, s + w->starts[i], (size_t)l);
            line[l] = 0;
            ui_text(ui, w->heads[i] ? UI_BOLD : face, size, box.x, y, c, UI_LEFT, line);
        } else if (ui->audit && box.h > 0 && w->lens[i] > 0 && !ui->scrolled) { /* a line cut off (box.h 0: measuring) */
            int l = w->lens[i] < (int)sizeof line - 1 ? w->lens[i] : (int)sizeof line - 1;
            memcpy(line, s + w->starts[i], (size_t)l);
            line[l] = 0;
            ui_audit_note(ui, line, (SDL_Rect){box.x, y, 1, 1}, UI_AUDIT_DROPPED);
        }
        y += h;
    }
    return y - (box.y - scroll_px);
}

/* ---- shapes ---- */

/* Opaque colours skip blending: the software renderer fills much faster then. */
void ui_draw_color(ui_ctx *ui, SDL_Color c)
{
    SDL_SetRenderDrawBlendMode(ui->r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(ui->r, c.r, c.g, c.b, c.a);
}

void ui_fill(ui_ctx *ui, SDL_Rect r, SDL_Color c)
{
    r = rect_clamp(r);
    ui_draw_color(ui, c);
    SDL_RenderFillRect(ui->r, &r);
}

void ui_frame(ui_ctx *ui, SDL_Rect r, SDL_Color c, int t)
{
    if (t < 1) t = 1;
    if (t > UI_COORD_MAX) t = UI_COORD_MAX;
    r = rect_clamp(r);
    ui_draw_color(ui, c);
    SDL_Rect rs[4] = {{r.x, r.y, r.w, t}, {r.x, r.y + r.h - t, r.w, t}, {r.x, r.y, t, r.h}, {r.x + r.w - t, r.y, t, r.h}};
    SDL_RenderFillRects(ui->r, rs, 4);
}

void ui_panel(ui_ctx *ui, SDL_Rect r)
{
    ui_fill(ui, r, ui->theme->panel);
    ui_frame(ui, r, ui->theme->border, 1);
}

void ui_hatch(ui_ctx *ui, SDL_Rect r, SDL_Color bg, SDL_Color fg)
{
    ui_fill(ui, r, bg);
    int step = ui_px(ui, 6);
    if (step < 3) step = 3;
    ui_draw_color(ui, fg);
    /* Lines x - y = const, clipped to r by stepping along the diagonal. */
    for (int k = -r.h; k < r.w; k += step) {
        int x0 = r.x + k, y0 = r.y;
        int x1 = x0 + r.h, y1 = r.y + r.h;
        if (x0 < r.x) { y0 += r.x - x0; x0 = r.x; }
        if (x1 > r.x + r.w) { y1 -= x1 - (r.x + r.w); x1 = r.x + r.w; }
        if (y1 > y0) SDL_RenderDrawLine(ui->r, x0, y0, x1 - 1, y1 - 1);
    }
}
