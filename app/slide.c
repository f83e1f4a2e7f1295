/* slide.c - one step of a lesson drawn as a slide: no sidebar, sentence box,
 * buttons, status or text panel; a title (lesson number and name, step), the
 * lesson's figure across the full width, the step's key sentence as a caption
 * (narration.h) and a small footer (sentence -> translation, the model's sizes).
 * The deck (--export-all), Ctrl+Shift+S and the PDF (deck_pdf.c) all use it,
 * and the PDF redraws the texts from the same slide_info as real text.
 *
 * Sizes: the scale is at least 1.3 per 1080 px of height, so at 1080p (16:9 or
 * 4:3) the title is >= 36 px and the caption >= 24 px (docs/conventions:
 * Presenting). The zoom (--zoom, Ctrl+plus) grows the figure, not the texts.
 *
 * Must not: change the app's state (the deck sets the selection before it asks
 * for a slide), or draw lesson content itself (the lesson does).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "shell.h"

#define SLIDE_CAPTION_SIZE 20.0f /* logical px: 26 px at 1080p */

float app_slide_scale(int w, int h)
{
    float s = fminf((float)w / 1280.0f, (float)h / 800.0f), min = 1.3f * (float)h / 1080.0f;
    if (s < min) s = min;
    if (s < 0.6f) s = 0.6f;
    return s > 4.0f ? 4.0f : s;
}

/* Titles, caption, footer and where each goes at w x h (ui->scale set). */
static void slide_layout(app *a, ui_ctx *ui, int w, int h, slide_info *si)
{
    const lesson *les = lesson_registry[a->lesson];
    int n = app_lesson_steps(a, a->lesson), m = ui_px(ui, 22);
    snprintf(si->title, sizeof si->title, "%d \xC2\xB7 %s", lesson_number(a->lesson), _(les->title));
    if (n > 1) snprintf(si->step, sizeof si->step, _("step %d / %d"), a->lstep[a->lesson] + 1, n);
    else si->step[0] = 0;
    si->caption = app_step_caption(a);
    si->notes = app_step_notes(a);
    const model_config *c = &a->model.params.cfg;
    snprintf(si->sentence, sizeof si->sentence, "%s \xE2\x86\x92 %s", a->shown_sentence,
             a->trace_ok ? (a->translation[0] ? a->translation : _("(empty)")) : ui_tr_msg(a->trace_err));
    snprintf(si->sizes, sizeof si->sizes, _("d_model %d \xC2\xB7 %d heads \xC2\xB7 %d+%d layers \xC2\xB7 vocabulary %d%s"), c->d_model,
             c->n_heads, c->n_enc_layers, c->n_dec_layers, c->vocab_size, a->model_trained ? "" : _(" \xC2\xB7 UNTRAINED"));
    si->title_px = (float)ui_line_height(ui, UI_BOLD, UI_SIZE_TITLE);
    si->caption_px = SLIDE_CAPTION_SIZE * ui->scale;
    si->small_px = UI_SIZE_SMALL * ui->scale;
    si->r_title = (SDL_Rect){m, m / 2, w - 2 * m, ui_line_height(ui, UI_BOLD, UI_SIZE_TITLE)};
    int y = si->r_title.y + si->r_title.h;
    si->r_note = (SDL_Rect){m, y, w - 2 * m, si->head_note[0] ? ui_line_height(ui, UI_SANS, UI_SIZE_SMALL) : 0};
    y += si->r_note.h + ui_px(ui, 6);
    int lh_small = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL);
    si->r_footer = (SDL_Rect){m, h - m / 3 - lh_small, w - 2 * m, lh_small};
    int bar = ui_px(ui, 5), cap_w = w - 2 * m - bar - ui_px(ui, 12);
    int cap_h = si->caption[0] ? ui_text_wrap(ui, UI_SANS, SLIDE_CAPTION_SIZE, (SDL_Rect){0, 0, cap_w, 0}, 0, ui->theme->text, si->caption) : 0;
    int max_cap = 3 * ui_line_height(ui, UI_SANS, SLIDE_CAPTION_SIZE);
    if (cap_h > max_cap) cap_h = max_cap;
    si->r_caption = (SDL_Rect){m + bar + ui_px(ui, 12), si->r_footer.y - ui_px(ui, 10) - cap_h, cap_w, cap_h};
    si->r_figure = (SDL_Rect){m, y, w - 2 * m, si->r_caption.y - ui_px(ui, 12) - y};
    if (si->r_figure.h < 10) si->r_figure.h = 10;
}

void app_render_slide(app *a, ui_ctx *ui, int w, int h, slide_info *si, int texts)
{
    float base = app_slide_scale(w, h);
    ui->scale = base; /* the slide's own texts at the slide's size; --zoom / Ctrl+plus grow the figure only */
    ui->theme = a->theme;
    ui_begin_frame(ui, -1, -1, app_now(a));
    const ui_theme *t = ui->theme;
    slide_layout(a, ui, w, h, si);
    SDL_SetRenderDrawColor(ui->r, t->bg.r, t->bg.g, t->bg.b, 255);
    SDL_RenderClear(ui->r);
    const lesson *les = lesson_registry[a->lesson];
    SDL_RenderSetClipRect(ui->r, &si->r_figure);
    ui_text_bg(ui, NULL);
    if (a->trace_ok) {
        /* the figure at base x zoom, but a zoom above 1 never below the logical area lessons are laid out for (as the window) */
        ui->scale = app_figure_scale(base, a->zoom, si->r_figure);
        lesson_ctx c = app_lesson_ctx(a, ui, si->r_figure, a->lesson, NULL);
        lesson_draw(les, a->lstate[a->lesson], &c);
        ui->scale = base;
    } else {
        ui_text_wrap(ui, UI_SANS, UI_SIZE_BODY, si->r_figure, 0, t->error, a->trace_err[0] ? ui_tr_msg(a->trace_err) : _("no trace"));
    }
    SDL_RenderSetClipRect(ui->r, NULL);
    ui_text_bg(ui, NULL);
    if (!texts) return; /* the PDF draws the texts itself, as text */
    ui_text_bg(ui, &t->bg);
    int sw = 0;
    if (si->step[0]) sw = ui_text(ui, UI_SANS, UI_SIZE_LARGE, si->r_title.x + si->r_title.w, si->r_title.y + si->r_title.h / 2, t->text_dim,
                                  UI_RIGHT | UI_MIDDLE, si->step);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_TITLE, si->r_title.x, si->r_title.y, si->r_title.w - sw - ui_px(ui, 20), t->text, UI_LEFT, si->title);
    if (si->head_note[0])
        ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, si->r_note.x, si->r_note.y, si->r_note.w, t->accent, UI_LEFT, si->head_note);
    if (si->caption[0]) {
        ui_fill(ui, (SDL_Rect){si->r_caption.x - ui_px(ui, 17), si->r_caption.y, ui_px(ui, 5), si->r_caption.h}, t->accent);
        ui_text_wrap(ui, UI_SANS, SLIDE_CAPTION_SIZE, si->r_caption, 0, t->text, si->caption);
    }
    ui_fill(ui, (SDL_Rect){si->r_footer.x, si->r_footer.y - ui_px(ui, 4), si->r_footer.w, 1}, t->border);
    int zw = ui_text(ui, UI_SANS, UI_SIZE_SMALL, si->r_footer.x + si->r_footer.w, si->r_footer.y, t->text_dim, UI_RIGHT, si->sizes);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, si->r_footer.x, si->r_footer.y, si->r_footer.w - zw - ui_px(ui, 24), t->text_dim, UI_LEFT,
                si->sentence);
    ui_text_bg(ui, NULL);
}
