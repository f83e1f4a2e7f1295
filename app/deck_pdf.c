/* deck_pdf.c - the PDF deck with cairo (see deck_pdf.h). A build without cairo
 * (TLAB_NO_PDF: the web build) has only deck_pdf_available() == 0 and an open that
 * says so; the deck then is the PNG slides and deck.json.
 *
 * Must not: draw with SDL, or decide what is on a slide (slide.c does).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deck_pdf.h"

#ifdef TLAB_NO_PDF
int deck_pdf_available(void) { return 0; }
deck_pdf *deck_pdf_open(const char *path, int w, int h, const char *font_dir, char *err, size_t n)
{
    (void)path; (void)w; (void)h; (void)font_dir;
    snprintf(err, n, "PDF deck not available in this build (no cairo)");
    return NULL;
}
int deck_pdf_add(deck_pdf *d, const slide_info *si, SDL_Surface *s, const ui_theme *t, char *err, size_t n)
{
    (void)d; (void)si; (void)s; (void)t;
    snprintf(err, n, "PDF deck not available in this build (no cairo)");
    return -1;
}
int deck_pdf_finish(deck_pdf *d, char *err, size_t n) { return deck_pdf_add(d, NULL, NULL, NULL, err, n); }
void deck_pdf_abort(deck_pdf *d) { (void)d; }
#else
int deck_pdf_available(void) { return 1; }

#include <cairo.h>
#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include "afile.h"

typedef struct { char *title, *caption, *notes; } notes_page;

struct deck_pdf {
    afile f;
    cairo_surface_t *pdf;
    cairo_t *cr;
    FT_Library ft;
    FT_Face ft_face[4];
    cairo_font_face_t *face[4];   /* 0 DejaVu Sans, 1 DejaVu Sans Bold, 2 WenQuanYi Micro Hei, 3 the same made bold */
    int w, h;                     /* slide pixels; drawing uses pixel units, scaled to points */
    int bold;                     /* the texts drawn next (font): bold or not, at px */
    double px;
    double k;                     /* points per pixel */
    int write_failed;
    notes_page *pages;
    int n_pages, cap_pages;
    SDL_Color bg, text, dim, accent, border;
};

void deck_pdf_abort(deck_pdf *d);

static cairo_status_t write_to_afile(void *closure, const unsigned char *data, unsigned int len)
{
    deck_pdf *d = closure;
    if (fwrite(data, 1, len, d->f.fp) != len) { d->write_failed = 1; return CAIRO_STATUS_WRITE_ERROR; }
    return CAIRO_STATUS_SUCCESS;
}

static void free_all(deck_pdf *d)
{
    if (d->cr) cairo_destroy(d->cr);
    d->cr = NULL;
    if (d->pdf) cairo_surface_destroy(d->pdf);
    for (int i = 0; i < 4; i++) {
        if (d->face[i]) cairo_font_face_destroy(d->face[i]);
        if (d->ft_face[i]) FT_Done_Face(d->ft_face[i]);
    }
    if (d->ft) FT_Done_FreeType(d->ft);
    for (int i = 0; i < d->n_pages; i++) { free(d->pages[i].title); free(d->pages[i].caption); free(d->pages[i].notes); }
    free(d->pages);
    free(d);
}

deck_pdf *deck_pdf_open(const char *path, int w, int h, const char *font_dir, char *err, size_t n)
{
    deck_pdf *d = calloc(1, sizeof *d);
    if (!d) { snprintf(err, n, "out of memory"); return NULL; }
    d->w = w; d->h = h;
    d->k = 540.0 / h;
    /* Latin, Greek and maths in DejaVu; a text with a character DejaVu lacks (Chinese) in WenQuanYi
     * Micro Hei, the toolkit's CJK fallback, which has no bold face: cairo thickens it (face 3).
     * cairo embeds the subset of each font the deck uses. */
    static const char *files[4] = {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "wqy-microhei.ttc", "wqy-microhei.ttc"};
    if (FT_Init_FreeType(&d->ft) != 0) { snprintf(err, n, "FreeType cannot start"); free(d); return NULL; }
    for (int i = 0; i < 4; i++) {
        char p[1200];
        snprintf(p, sizeof p, "%s/%s", font_dir, files[i]);
        if (FT_New_Face(d->ft, p, 0, &d->ft_face[i]) != 0) { snprintf(err, n, "cannot open font %s for the PDF", p); free_all(d); return NULL; }
        d->face[i] = cairo_ft_font_face_create_for_ft_face(d->ft_face[i], 0);
    }
    cairo_ft_font_face_set_synthesize(d->face[3], CAIRO_FT_SYNTHESIZE_BOLD);
    if (afile_open(&d->f, path, AFILE_NEW, err, n) != 0) { free_all(d); return NULL; }
    d->pdf = cairo_pdf_surface_create_for_stream(write_to_afile, d, w * d->k, h * d->k);
    cairo_pdf_surface_set_metadata(d->pdf, CAIRO_PDF_METADATA_TITLE, "Transformer Lab");
    cairo_pdf_surface_set_metadata(d->pdf, CAIRO_PDF_METADATA_CREATOR, "transformer-lab --export-all");
    d->cr = cairo_create(d->pdf);
    if (cairo_status(d->cr) != CAIRO_STATUS_SUCCESS) {
        snprintf(err, n, "cairo cannot make %s: %s", path, cairo_status_to_string(cairo_status(d->cr)));
        deck_pdf_abort(d);
        return NULL;
    }
    cairo_scale(d->cr, d->k, d->k); /* from here on: slide pixels */
    return d;
}

static void set_rgb(cairo_t *cr, SDL_Color c) { cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0); }

/* 1 when the character at s[i] is one DejaVu Sans lacks and WenQuanYi has (Chinese): it is set in WenQuanYi. */
static int needs_cjk(deck_pdf *d, const char *s, int n, int i)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) return 0;
    uint32_t cp = c >= 0xF0 ? c & 0x07u : c >= 0xE0 ? c & 0x0Fu : c & 0x1Fu;
    for (int k = i + 1; k < n && ((unsigned char)s[k] & 0xC0) == 0x80; k++) cp = cp << 6 | ((unsigned char)s[k] & 0x3Fu);
    return FT_Get_Char_Index(d->ft_face[0], cp) == 0 && FT_Get_Char_Index(d->ft_face[2], cp) != 0;
}

/* The weight and size of the texts drawn next (font extents: DejaVu's). */
static void font(deck_pdf *d, int bold, double px)
{
    d->bold = bold;
    d->px = px;
    cairo_set_font_face(d->cr, d->face[bold ? 1 : 0]);
    cairo_set_font_size(d->cr, px);
}

/* Measures s, and draws it at the current point when draw is 1, in runs: each run in DejaVu, or in
 * WenQuanYi where DejaVu has no glyph (Chinese beside Latin, Greek and maths such as "Kᵀ"). Returns the advance. */
static double runs(deck_pdf *d, const char *s, int draw)
{
    int n = (int)strlen(s);
    char *t = malloc((size_t)n + 1);
    if (!t) return 0;
    memcpy(t, s, (size_t)n + 1);
    double w = 0;
    for (int i = 0; i < n;) {
        int cjk = needs_cjk(d, t, n, i), j = i;
        while (j < n && needs_cjk(d, t, n, j) == cjk) j = ui_utf8_next(t, n, j);
        char keep = t[j];
        t[j] = 0;
        cairo_set_font_face(d->cr, d->face[(cjk ? 2 : 0) + (d->bold ? 1 : 0)]);
        cairo_set_font_size(d->cr, d->px);
        cairo_text_extents_t e;
        cairo_text_extents(d->cr, t + i, &e);
        if (draw) cairo_show_text(d->cr, t + i);
        w += e.x_advance;
        t[j] = keep;
        i = j;
    }
    free(t);
    font(d, d->bold, d->px);
    return w;
}

static double text_w(deck_pdf *d, const char *s) { return runs(d, s, 0); }

/* One line at (x, top y), shrunk to max_w; align 0 left, 2 right. Returns its width. */
static double line(deck_pdf *d, int bold, double px, double x, double y, double max_w, int align, const char *s)
{
    font(d, bold, px);
    double tw = text_w(d, s);
    if (tw > max_w && tw > 0) { px *= max_w / tw; font(d, bold, px); tw = max_w; }
    cairo_font_extents_t fe;
    cairo_font_extents(d->cr, &fe);
    cairo_move_to(d->cr, align == 2 ? x - tw : x, y + fe.ascent);
    runs(d, s, 1);
    return tw;
}

/* Wraps s into the box where the toolkit's line breaking allows (at spaces, between Chinese
 * characters: ui_break_next), paragraphs at "\n"; stops at the box's bottom. Returns the height used. */
static double wrap(deck_pdf *d, int bold, double px, double x, double y, double w, double max_h, const char *s)
{
    font(d, bold, px);
    cairo_font_extents_t fe;
    cairo_font_extents(d->cr, &fe);
    double lh = fe.height, y0 = y;
    size_t n = strlen(s);
    char *buf = malloc(n + 1);
    if (!buf) return 0;
    size_t i = 0;
    while (i < n && y + lh <= y0 + max_h + 0.5) {
        if (s[i] == '\n') { y += lh * 0.5; i++; continue; }
        size_t best = 0, j = i, eol = i;
        while (eol < n && s[eol] != '\n') eol++;
        for (;;) { /* the longest piece up to a break that fits */
            size_t e = (size_t)ui_break_next(s, (int)j, (int)eol);
            memcpy(buf, s + i, e - i);
            buf[e - i] = 0;
            if (best && text_w(d, buf) > w) break;
            best = e - i;
            if (e >= eol) break;
            j = e;
        }
        memcpy(buf, s + i, best);
        buf[best] = 0;
        cairo_move_to(d->cr, x, y + fe.ascent);
        runs(d, buf, 1);
        y += lh;
        i += best;
        while (i < n && s[i] == ' ') i++;
        if (i < n && s[i] == '\n') i++;
    }
    free(buf);
    return y - y0;
}

static int keep_notes(deck_pdf *d, const slide_info *si)
{
    if (d->n_pages == d->cap_pages) {
        int cap = d->cap_pages ? d->cap_pages * 2 : 32;
        notes_page *p = realloc(d->pages, (size_t)cap * sizeof *p);
        if (!p) return -1;
        d->pages = p;
        d->cap_pages = cap;
    }
    char t[400];
    snprintf(t, sizeof t, "%s%s%s", si->title, si->step[0] ? " \xC2\xB7 " : "", si->step);
    notes_page *p = &d->pages[d->n_pages];
    p->title = strdup(t);
    p->caption = strdup(si->caption);
    p->notes = strdup(si->notes);
    if (!p->title || !p->caption || !p->notes) { free(p->title); free(p->caption); free(p->notes); return -1; }
    d->n_pages++;
    return 0;
}

static int page_done(deck_pdf *d, char *err, size_t n)
{
    cairo_show_page(d->cr);
    cairo_status_t st = cairo_status(d->cr);
    if (st != CAIRO_STATUS_SUCCESS || d->write_failed) {
        snprintf(err, n, "cannot write the PDF %s: %s", d->f.path, d->write_failed ? "write error" : cairo_status_to_string(st));
        return -1;
    }
    return 0;
}

int deck_pdf_add(deck_pdf *d, const slide_info *si, SDL_Surface *s, const ui_theme *t, char *err, size_t n)
{
    d->bg = t->bg; d->text = t->text; d->dim = t->text_dim; d->accent = t->accent; d->border = t->border;
    cairo_t *cr = d->cr;
    set_rgb(cr, t->bg);
    cairo_paint(cr);
    /* the figure: the slide's pixels in r_figure (RGB888 is cairo's RGB24 layout) */
    SDL_Rect fr = si->r_figure;
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, fr.w, fr.h);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS || s->format->BytesPerPixel != 4) {
        cairo_surface_destroy(img);
        snprintf(err, n, "out of memory for the PDF's image");
        return -1;
    }
    cairo_surface_flush(img);
    unsigned char *dst = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    for (int y = 0; y < fr.h; y++)
        memcpy(dst + (size_t)y * stride, (unsigned char *)s->pixels + (size_t)(fr.y + y) * s->pitch + (size_t)fr.x * 4, (size_t)fr.w * 4);
    cairo_surface_mark_dirty(img);
    cairo_set_source_surface(cr, img, fr.x, fr.y);
    cairo_paint(cr);
    cairo_surface_destroy(img);
    /* the texts, as text */
    set_rgb(cr, t->text_dim);
    double sw = si->step[0] ? line(d, 0, 24.0 * si->small_px / 15.0, si->r_title.x + si->r_title.w, si->r_title.y + si->r_title.h * 0.18,
                                   si->r_title.w / 3.0, 2, si->step) : 0;
    set_rgb(cr, t->text);
    line(d, 1, si->title_px * 0.8, si->r_title.x, si->r_title.y + si->r_title.h * 0.08, si->r_title.w - sw - 20, 0, si->title);
    if (si->head_note[0]) { set_rgb(cr, t->accent); line(d, 0, si->small_px, si->r_note.x, si->r_note.y, si->r_note.w, 0, si->head_note); }
    if (si->caption[0]) {
        set_rgb(cr, t->accent);
        cairo_rectangle(cr, si->r_caption.x - si->small_px * 17.0 / 15.0, si->r_caption.y, si->small_px / 3.0, si->r_caption.h);
        cairo_fill(cr);
        set_rgb(cr, t->text);
        wrap(d, 0, si->caption_px * 0.85, si->r_caption.x, si->r_caption.y, si->r_caption.w, si->r_caption.h + si->caption_px, si->caption);
    }
    set_rgb(cr, t->border);
    cairo_rectangle(cr, si->r_footer.x, si->r_footer.y - 4, si->r_footer.w, 1);
    cairo_fill(cr);
    set_rgb(cr, t->text_dim);
    double zw = line(d, 0, si->small_px * 0.85, si->r_footer.x + si->r_footer.w, si->r_footer.y, si->r_footer.w / 2.0, 2, si->sizes);
    line(d, 0, si->small_px * 0.85, si->r_footer.x, si->r_footer.y, si->r_footer.w - zw - 24, 0, si->sentence);
    if (keep_notes(d, si) != 0) { snprintf(err, n, "out of memory for the notes"); return -1; }
    return page_done(d, err, n);
}

/* Pages N+1..2N: each slide's speaker notes as text. */
static int notes_pages(deck_pdf *d, char *err, size_t n)
{
    cairo_t *cr = d->cr;
    double m = d->h * 0.05, px = d->h / 40.0;
    char link[64], head[480];
    int slides = cairo_pdf_surface_add_outline(d->pdf, CAIRO_PDF_OUTLINE_ROOT, _("Slides"), "page=1", 0);
    for (int i = 0; i < d->n_pages; i++) {
        snprintf(link, sizeof link, "page=%d", i + 1);
        cairo_pdf_surface_add_outline(d->pdf, slides, d->pages[i].title, link, 0);
    }
    snprintf(link, sizeof link, "page=%d", d->n_pages + 1);
    int notes = cairo_pdf_surface_add_outline(d->pdf, CAIRO_PDF_OUTLINE_ROOT, _("Speaker notes"), link, 0);
    for (int i = 0; i < d->n_pages; i++) {
        snprintf(link, sizeof link, "page=%d", d->n_pages + 1 + i);
        cairo_pdf_surface_add_outline(d->pdf, notes, d->pages[i].title, link, 0);
        set_rgb(cr, d->bg);
        cairo_paint(cr);
        set_rgb(cr, d->dim);
        snprintf(head, sizeof head, _("Speaker notes \xC2\xB7 slide %d of %d"), i + 1, d->n_pages);
        line(d, 0, px, m, m * 0.6, d->w - 2 * m, 0, head);
        set_rgb(cr, d->text);
        line(d, 1, px * 1.5, m, m * 0.6 + px * 1.6, d->w - 2 * m, 0, d->pages[i].title);
        double y = m * 0.6 + px * 4.0;
        set_rgb(cr, d->accent);
        y += wrap(d, 1, px * 1.1, m, y, d->w - 2 * m, d->h * 0.2, d->pages[i].caption) + px;
        set_rgb(cr, d->text);
        wrap(d, 0, px, m, y, d->w - 2 * m, d->h - y - m, d->pages[i].notes[0] ? d->pages[i].notes : _("(no notes for this slide)"));
        if (page_done(d, err, n) != 0) return -1;
    }
    return 0;
}

int deck_pdf_finish(deck_pdf *d, char *err, size_t n)
{
    int rc = notes_pages(d, err, n);
    if (rc == 0) {
        cairo_surface_finish(d->pdf);
        if (cairo_surface_status(d->pdf) != CAIRO_STATUS_SUCCESS || d->write_failed) {
            snprintf(err, n, "cannot write the PDF %s: %s", d->f.path,
                     d->write_failed ? "write error" : cairo_status_to_string(cairo_surface_status(d->pdf)));
            rc = -1;
        }
    }
    if (rc != 0) { deck_pdf_abort(d); return -1; }
    rc = afile_commit(&d->f, err, n) == 0 ? 0 : -1;
    free_all(d);
    return rc;
}

void deck_pdf_abort(deck_pdf *d)
{
    if (!d) return;
    if (d->pdf) cairo_surface_finish(d->pdf); /* cairo's last writes go to the temporary, before it is removed */
    afile_abort(&d->f);
    free_all(d);
}
#endif /* TLAB_NO_PDF */
