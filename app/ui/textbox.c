/* textbox.c - editing model of the sentence box (see textbox.h).
 *
 * Must not: draw, or know about SDL.
 */
#include <string.h>

#include "textbox.h"
#include "utf8.h"

static int next_cp(const textbox *tb, int p)
{
    if (p >= tb->len) return tb->len;
    return p + utf8_next(tb->text + p, (size_t)(tb->len - p), NULL);
}

static int prev_cp(const textbox *tb, int p)
{
    if (p <= 0) return 0;
    return (int)utf8_prev(tb->text, (size_t)p);
}

void textbox_set(textbox *tb, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n > TEXTBOX_CAP - 1) {
        n = utf8_cut(s, strlen(s), TEXTBOX_CAP - 1); /* cut on a boundary */
    }
    if (n) memcpy(tb->text, s, n);
    tb->text[n] = 0;
    tb->len = (int)n;
    tb->cursor = tb->anchor = (int)n;
    tb->coalesce_at = -1;
}

int textbox_has_selection(const textbox *tb) { return tb->cursor != tb->anchor; }

void textbox_selection(const textbox *tb, int *start, int *end)
{
    *start = tb->cursor < tb->anchor ? tb->cursor : tb->anchor;
    *end = tb->cursor < tb->anchor ? tb->anchor : tb->cursor;
}

int textbox_selected_text(const textbox *tb, char *dst, size_t n)
{
    int a, b;
    textbox_selection(tb, &a, &b);
    int l = b - a;
    if (n == 0) return 0;
    if ((size_t)l > n - 1) l = (int)n - 1;
    memcpy(dst, tb->text + a, (size_t)l);
    dst[l] = 0;
    return l;
}

/* The text and cursor onto the undo stack (the oldest state drops off a full one). */
static void save_undo(textbox *tb)
{
    if (tb->n_undo == TEXTBOX_UNDO) {
        memmove(tb->undo[0], tb->undo[1], sizeof tb->undo[0] * (TEXTBOX_UNDO - 1));
        memmove(tb->undo_cursor, tb->undo_cursor + 1, sizeof tb->undo_cursor[0] * (TEXTBOX_UNDO - 1));
        tb->n_undo--;
    }
    memcpy(tb->undo[tb->n_undo], tb->text, (size_t)tb->len + 1);
    tb->undo_cursor[tb->n_undo] = tb->cursor;
    tb->n_undo++;
}

static void push_undo(textbox *tb) /* before an edit: the redo history ends */
{
    save_undo(tb);
    tb->n_redo = 0;
}

static int replace(textbox *tb, int a, int b, const char *s, int coalesce)
{
    char clean[TEXTBOX_CAP];
    int n = 0;
    for (const char *p = s ? s : ""; *p && n < TEXTBOX_CAP - 1; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f) c = ' '; /* newlines and tabs from a paste become spaces */
        clean[n++] = (char)c;
    }
    int room = TEXTBOX_CAP - 1 - (tb->len - (b - a));
    if (n > room) {
        n = (int)utf8_cut(clean, (size_t)n, (size_t)(room < 0 ? 0 : room));
    }
    if (a == b && n == 0) return 0;
    if (!(coalesce && a == b && a == tb->coalesce_at)) push_undo(tb);
    memmove(tb->text + a + n, tb->text + b, (size_t)(tb->len - b) + 1);
    memcpy(tb->text + a, clean, (size_t)n);
    tb->len += n - (b - a);
    tb->cursor = tb->anchor = a + n;
    tb->coalesce_at = coalesce ? a + n : -1;
    return 1;
}

int textbox_replace_range(textbox *tb, int a, int b, const char *s) { return replace(tb, a, b, s, 0); }

int textbox_insert(textbox *tb, const char *s)
{
    int a, b;
    textbox_selection(tb, &a, &b);
    return replace(tb, a, b, s, 0);
}

int textbox_type(textbox *tb, const char *s)
{
    int a, b;
    textbox_selection(tb, &a, &b);
    return replace(tb, a, b, s, 1);
}

int textbox_backspace(textbox *tb)
{
    if (textbox_has_selection(tb)) return textbox_insert(tb, "");
    if (tb->cursor == 0) return 0;
    return textbox_replace_range(tb, prev_cp(tb, tb->cursor), tb->cursor, "");
}

int textbox_delete(textbox *tb)
{
    if (textbox_has_selection(tb)) return textbox_insert(tb, "");
    if (tb->cursor >= tb->len) return 0;
    return textbox_replace_range(tb, tb->cursor, next_cp(tb, tb->cursor), "");
}

static int word_left_pos(const textbox *tb, int p)
{
    while (p > 0 && tb->text[p - 1] == ' ') p--;
    while (p > 0 && tb->text[p - 1] != ' ') p--;
    return p;
}

static int word_right_pos(const textbox *tb, int p)
{
    while (p < tb->len && tb->text[p] == ' ') p++;
    while (p < tb->len && tb->text[p] != ' ') p++;
    return p;
}

int textbox_delete_word_left(textbox *tb)
{
    if (textbox_has_selection(tb)) return textbox_insert(tb, "");
    int p = word_left_pos(tb, tb->cursor);
    return textbox_replace_range(tb, p, tb->cursor, "");
}

static void move_to(textbox *tb, int p, int select)
{
    tb->coalesce_at = -1;
    tb->cursor = p;
    if (!select) tb->anchor = p;
}

void textbox_left(textbox *tb, int select)
{
    if (!select && textbox_has_selection(tb)) { int a, b; textbox_selection(tb, &a, &b); move_to(tb, a, 0); return; }
    move_to(tb, prev_cp(tb, tb->cursor), select);
}

void textbox_right(textbox *tb, int select)
{
    if (!select && textbox_has_selection(tb)) { int a, b; textbox_selection(tb, &a, &b); move_to(tb, b, 0); return; }
    move_to(tb, next_cp(tb, tb->cursor), select);
}

void textbox_word_left(textbox *tb, int select) { move_to(tb, word_left_pos(tb, tb->cursor), select); }
void textbox_word_right(textbox *tb, int select) { move_to(tb, word_right_pos(tb, tb->cursor), select); }
void textbox_home(textbox *tb, int select) { move_to(tb, 0, select); }
void textbox_end(textbox *tb, int select) { move_to(tb, tb->len, select); }

void textbox_select_all(textbox *tb)
{
    tb->coalesce_at = -1;
    tb->anchor = 0;
    tb->cursor = tb->len;
}

int textbox_undo(textbox *tb)
{
    tb->coalesce_at = -1;
    if (tb->n_undo == 0) return 0;
    memcpy(tb->redo[tb->n_redo], tb->text, (size_t)tb->len + 1);
    tb->redo_cursor[tb->n_redo] = tb->cursor;
    if (tb->n_redo < TEXTBOX_UNDO - 1) tb->n_redo++;
    tb->n_undo--;
    memcpy(tb->text, tb->undo[tb->n_undo], TEXTBOX_CAP);
    tb->len = (int)strlen(tb->text);
    tb->cursor = tb->anchor = tb->undo_cursor[tb->n_undo] <= tb->len ? tb->undo_cursor[tb->n_undo] : tb->len;
    return 1;
}

int textbox_redo(textbox *tb)
{
    tb->coalesce_at = -1;
    if (tb->n_redo == 0) return 0;
    save_undo(tb);
    tb->n_redo--;
    memcpy(tb->text, tb->redo[tb->n_redo], TEXTBOX_CAP);
    tb->len = (int)strlen(tb->text);
    tb->cursor = tb->anchor = tb->redo_cursor[tb->n_redo] <= tb->len ? tb->redo_cursor[tb->n_redo] : tb->len;
    return 1;
}
