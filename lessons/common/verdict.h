/* verdict.h - the short on-screen verdict on a translation (issue 14 item 4):
 * "✓ as the grammar's reference", "≠ reference: ...", or "⚠ ..." when it cannot
 * be trusted (unknown words, outside the corpus grammar, no <eos>). Drawn next
 * to the translation in the app's sentence bar and in the output lesson (13);
 * hovering it gives the whole reason (input_status.reason).
 *
 * Must not: judge (engine/input_status.c does), or keep state.
 */
#ifndef VERDICT_H
#define VERDICT_H

#include "input_status.h"
#include "ui.h"

/* The verdict's text for st ("" never); compact: its sign alone (✓ ≠ ⚠). */
const char *verdict_text(const input_status *st, int compact, char *dst, size_t n);
/* Its width in pixels at the small bold size (compact: body size), capped at max_w. */
int verdict_width(ui_ctx *ui, const input_status *st, int compact, int max_w);
/* Draws it with its left end at x, vertically centred on y, at most max_w
 * wide (cut with "…"); reports the reason as the hover. Returns the width drawn. */
int verdict_draw(ui_ctx *ui, const input_status *st, int compact, int x, int y, int max_w);

#endif
