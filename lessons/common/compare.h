/* compare.h - two sentences side by side (issue 17 item 4, key C in the app):
 * the same attention map (kind, layer, head of the shared selection) of the
 * live trace and of a second sentence's trace, each under its sentence and
 * translation. Cells whose weight differs between the two by more than
 * COMPARE_THRESHOLD are outlined on both maps (cell (q, k) against cell (q, k):
 * the same query row and key position); the translation words that differ
 * (position by position) are marked. The second trace comes from a what-if run
 * (whatif_translate), never a second copy of the model.
 *
 * Must not: run the model, change either trace, or keep pointers into them.
 */
#ifndef COMPARE_H
#define COMPARE_H

#include "lesson.h"

#define COMPARE_THRESHOLD 0.1f

typedef struct {
    int kind, layer, head;      /* what was compared (ATTN_*, 0-based, clamped) */
    int rows, cols;             /* the cells compared: the smaller of the two maps' rows and columns */
    int diff_cells;             /* of those, how many differ by more than COMPARE_THRESHOLD */
    int words_differ;           /* translation words that differ, position by position (the longer one's extra words count) */
    SDL_Rect maps[2];           /* where the two maps' cells were drawn */
} compare_out;

/* Cells (q, k) present in both traces' maps of kind / layer / head whose weights differ by more than thr;
 * *rows, *cols (may be NULL): the compared block. */
int compare_diff_cells(const trace *a, const trace *b, int kind, int layer, int head, float thr, int *rows, int *cols);

/* 1 when the translation word at position i of a is not b's word there (or b has none). */
int compare_word_differs(const trace *a, const trace *b, int i);

/* Positions where the two translations' words differ (the longer one's extra words count). */
int compare_words_differ(const trace *a, const trace *b);

/* Draws both in area, side by side: trs[0] (the live run) left, trs[1] right, a header line on top.
 * box2 is where the right-hand sentence is drawn (the app makes it an edit box: focus2 draws the caret).
 * Labels live in s (emptied here). out may be NULL. */
void compare_draw(ui_ctx *ui, SDL_Rect area, const trace *const trs[2], const tok_vocab *v, int kind,
                  const lesson_selection *sel, lesson_scratch *s, int focus2, SDL_Rect *box2, compare_out *out);

#endif
