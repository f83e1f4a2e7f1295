/* lesson_layout.h - layout and input helpers that several lessons share: the
 * formula line at the top of a lesson, the encoder / decoder stack switch of
 * lessons 7 and 8 (buttons, key D, which stack and layer is shown), the pixel
 * rect of a hovered heatmap cell, and the "plain key" test.
 *
 * Must not: draw (except through the caller's widgets), keep state, or change
 * the trace.
 */
#ifndef LESSON_LAYOUT_H
#define LESSON_LAYOUT_H

#include "lesson.h"

/* v clamped to lo..hi (lo when hi < lo). */
int lesson_clamp(int v, int lo, int hi);

/* The formula line at the top of ctx->area (body text, 4 logical px below the
 * top edge); returns the y 8 px below it, where the lesson's controls start. */
int lesson_formula_line(const lesson_ctx *ctx, SDL_Rect *formula);

/* The two-line formula block at the top of ctx->area (body line and a small
 * line, 4 logical px below the top edge); returns its bottom y. */
int lesson_formula_block(const lesson_ctx *ctx, SDL_Rect *formula);

/* The largest finite |m[i]| of n values, 1 when there is none: the range of a
 * symmetric colour map. */
float lesson_absmax(const float *m, int n);

/* 1 when ev is a key press of k without Ctrl, GUI or Alt. */
int lesson_plain_key(const SDL_Event *ev, SDL_Keycode k);
/* J (no modifier) in a lesson with an experiment of its part (issue 17 item 1): asks the app to open
 * the Experiments lesson at step `step` (1-based) of its steps. Returns 1 when it did. */
#define LESSON_EXPERIMENT_KEY SDLK_j
int lesson_experiment_link(const SDL_Event *ev, const lesson_ctx *ctx, int step);

/* The pixel rect of the hovered cell of a drawn heatmap. */
SDL_Rect lesson_hover_cell(const ui_heatmap_out *o);

/* The decoding-step buttons of lessons 10 and 11: a left click on prev or next
 * moves ctx->sel->step (shown as step) one back or on, within 0..n_tgt-1.
 * 1 when the click was on one of them. */
int lesson_step_click(const SDL_Event *ev, const lesson_ctx *ctx, SDL_Rect prev, SDL_Rect next, int step);

/* The stack switch: the buttons "encoder" and "decoder" at (x, y), each as
 * wide as its label; returns the x right of them. */
int lesson_stack_buttons(const lesson_ctx *ctx, int x, int y, SDL_Rect *enc, SDL_Rect *dec);
/* Draws the two buttons, the shown stack pressed. */
void lesson_stack_draw(const lesson_ctx *ctx, SDL_Rect enc, SDL_Rect dec, int dec_shown);
/* The stack an event asks for: 0 encoder, 1 decoder (a click on a button, or
 * key D: the other one), -1 when the event is not about the stack. */
int lesson_stack_event(const SDL_Event *ev, SDL_Rect enc, SDL_Rect dec, int dec_shown);
/* 1 when the decoder is to be shown: asked for, and the model has a decoder
 * that ran on this sentence. */
int lesson_stack_dec(const lesson_ctx *ctx, int want_dec);
/* The selected layer clamped to that stack; *n_layers gets its layer count. */
int lesson_stack_layer(const lesson_ctx *ctx, int dec, int *n_layers);

#endif
