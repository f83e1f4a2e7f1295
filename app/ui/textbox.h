/* textbox.h - the editing model of the sentence box: UTF-8 text, a cursor
 * and a selection in bytes always on code-point boundaries, and undo/redo.
 * Pure C (no SDL): the app maps keys and the clipboard onto these calls, and
 * the tests drive them directly.
 *
 * Must not: draw, read the keyboard, or touch the clipboard.
 */
#ifndef TEXTBOX_H
#define TEXTBOX_H

#include <stddef.h>

#define TEXTBOX_CAP 1024   /* bytes, NUL included */
#define TEXTBOX_UNDO 64

typedef struct {
    char text[TEXTBOX_CAP];
    int len;                 /* bytes */
    int cursor;              /* byte index of the cursor */
    int anchor;              /* other end of the selection (== cursor: none) */
    char undo[TEXTBOX_UNDO][TEXTBOX_CAP];
    int undo_cursor[TEXTBOX_UNDO];
    int n_undo;
    char redo[TEXTBOX_UNDO][TEXTBOX_CAP];
    int redo_cursor[TEXTBOX_UNDO];
    int n_redo;
    int coalesce_at;         /* typing that continues at this byte joins the last undo step (-1: none) */
} textbox;

void textbox_set(textbox *tb, const char *s);            /* replaces all text (no undo step), cursor at end */
int textbox_has_selection(const textbox *tb);            /* 1 when a selection exists */
void textbox_selection(const textbox *tb, int *start, int *end); /* byte range of the selection */
int textbox_selected_text(const textbox *tb, char *dst, size_t n); /* copies the selection; returns bytes */
int textbox_insert(textbox *tb, const char *s);          /* replaces the selection with s (control chars become spaces); one undo step; 1 if changed */
int textbox_type(textbox *tb, const char *s);            /* like insert, but consecutive typing is one undo step; 1 if changed */
int textbox_backspace(textbox *tb);                      /* deletes the selection or one code point left; 1 if changed */
int textbox_delete(textbox *tb);                         /* deletes the selection or one code point right; 1 if changed */
int textbox_delete_word_left(textbox *tb);               /* Ctrl+Backspace; 1 if changed */
void textbox_left(textbox *tb, int select);              /* one code point left (collapses a selection when !select) */
void textbox_right(textbox *tb, int select);             /* one code point right */
void textbox_word_left(textbox *tb, int select);         /* to the previous word start */
void textbox_word_right(textbox *tb, int select);        /* to the next word end */
void textbox_home(textbox *tb, int select);              /* to the start */
void textbox_end(textbox *tb, int select);               /* to the end */
void textbox_select_all(textbox *tb);                    /* selects everything */
int textbox_undo(textbox *tb);                           /* 1 if something was undone */
int textbox_redo(textbox *tb);                           /* 1 if something was redone */
int textbox_replace_range(textbox *tb, int start, int end, const char *s); /* replaces bytes [start,end) (undoable); 1 if changed */

#endif
