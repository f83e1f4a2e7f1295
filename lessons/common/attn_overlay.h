/* attn_overlay.h - the attention overlay (key A from any lesson): one large
 * attention-weight heatmap of the live trace (encoder self-attention, decoder
 * masked self-attention or encoder-decoder cross-attention) at the shared
 * selection's layer and head, with token labels, a colour bar and hover.
 *
 * The layer and head are the app's shared lesson_selection ([ ] , . change it
 * while the overlay is open, and the change stays after it closes); the
 * overlay keeps only whether it is open and which kind it shows.
 *
 * Must not: do model math (it reads trace weights), or change the selection
 * other than by clamping what it shows.
 */
#ifndef ATTN_OVERLAY_H
#define ATTN_OVERLAY_H

#include <SDL.h>

#include "attn_view.h"
#include "lesson.h"

typedef struct {
    int open;               /* 1 while shown */
    int kind;               /* ATTN_ENC_SELF, ATTN_DEC_SELF or ATTN_CROSS (attn_view.h) */
    SDL_Rect tabs[ATTN_N_KINDS]; /* clickable kind tabs (last drawn frame) */
    SDL_Rect box;           /* the overlay's panel (last drawn frame) */
    SDL_Rect cells;         /* the heatmap's cells (last drawn frame) */
    int rows, cols;         /* the heatmap's size (last drawn frame) */
    int layer, head;        /* what was shown (selection clamped to this kind) */
    lesson_scratch scratch; /* the token labels of one draw */
} attn_overlay;

void attn_overlay_toggle(attn_overlay *o);      /* open / close */
void attn_overlay_free(attn_overlay *o);        /* releases the label memory (o stays usable) */
/* Keys while open: Esc or A closes, Tab / Shift+Tab cycle the kind, 1 2 3 pick
 * it. Returns 1 when consumed. Other keys are the caller's ([ ] , . ...). */
int attn_overlay_key(attn_overlay *o, SDL_Keycode key, int shift);
/* A left click while open: a tab picks its kind, a click outside the panel
 * closes. Returns 1 when consumed. */
int attn_overlay_click(attn_overlay *o, int x, int y);
/* Draws the overlay over a w x h frame (nothing when closed). record: store
 * the tab, panel and cell rectangles for attn_overlay_click and the dump. */
void attn_overlay_draw(attn_overlay *o, ui_ctx *ui, const trace *tr, const tok_vocab *vocab,
                       const lesson_selection *sel, int w, int h, int record);

#endif
