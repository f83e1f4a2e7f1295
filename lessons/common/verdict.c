/* verdict.c - the short verdict on a translation drawn beside it (see verdict.h).
 *
 * Must not: judge the sentence (engine/input_status.c does) or keep state.
 */
#include <stdio.h>

#include "verdict.h"

#define SIGN_OK "\xE2\x9C\x93"   /* ✓ */
#define SIGN_NE "\xE2\x89\xA0"   /* ≠ */
#define SIGN_WARN "\xE2\x9A\xA0" /* ⚠ */

const char *verdict_text(const input_status *st, int compact, char *dst, size_t n)
{
    const char *sign = st->kind != INPUT_IN_GRAMMAR ? SIGN_WARN : st->agrees ? SIGN_OK : SIGN_NE;
    if (compact) { snprintf(dst, n, "%s", sign); return dst; }
    switch (st->kind) {
    case INPUT_UNKNOWN_WORDS: snprintf(dst, n, _("%s unknown words: a guess"), sign); break;
    case INPUT_OUTSIDE_GRAMMAR: snprintf(dst, n, _("%s outside the grammar: may be wrong"), sign); break;
    case INPUT_NO_EOS: snprintf(dst, n, _("%s no <eos>: unfinished"), sign); break;
    default:
        if (st->agrees) snprintf(dst, n, _("%s = the grammar's reference"), sign);
        else snprintf(dst, n, _("%s reference: %s"), sign, st->reference);
        break;
    }
    return dst;
}

static SDL_Color verdict_color(const ui_theme *t, const input_status *st)
{
    if (st->kind == INPUT_IN_GRAMMAR) return st->agrees ? t->ok : t->warn;
    return t->error;
}

static float verdict_size(int compact) { return compact ? UI_SIZE_BODY : UI_SIZE_SMALL; }

int verdict_width(ui_ctx *ui, const input_status *st, int compact, int max_w)
{
    char b[1200];
    int w = 0;
    ui_text_size(ui, UI_BOLD, verdict_size(compact), verdict_text(st, compact, b, sizeof b), &w, NULL);
    return w < max_w ? w : max_w;
}

int verdict_draw(ui_ctx *ui, const input_status *st, int compact, int x, int y, int max_w)
{
    char b[1200];
    if (max_w <= 0) return 0;
    int w = ui_text_fit(ui, UI_BOLD, verdict_size(compact), x, y, max_w, verdict_color(ui->theme, st), UI_LEFT | UI_MIDDLE,
                        verdict_text(st, compact, b, sizeof b));
    int h = ui_line_height(ui, UI_BOLD, verdict_size(compact));
    SDL_Rect r = {x, y - h / 2, w, h};
    if (ui_mouse_in(ui, r)) ui_hover_text(ui, r, "%s", ui_tr_msg(st->reason));
    return w;
}
