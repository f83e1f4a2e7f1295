/* test_textbox.c - the sentence box's editing model: cursor movement and
 * deletion by whole UTF-8 code points, selection, insertion, undo/redo,
 * pasted control characters, and the capacity limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "textbox.h"
#include "test_util.h"

static textbox tb; /* large: keep it off the stack */

static void test_utf8_moves(void **st)
{
    (void)st;
    textbox_set(&tb, "\xC3\xBC" "ber \xE2\x88\x9A" "x"); /* "über √x": ü 2 bytes, √ 3 bytes */
    assert_int_equal(tb.len, 10);
    assert_int_equal(tb.cursor, 10);
    textbox_home(&tb, 0);
    assert_int_equal(tb.cursor, 0);
    textbox_right(&tb, 0);
    assert_int_equal(tb.cursor, 2); /* over ü */
    textbox_right(&tb, 0);
    assert_int_equal(tb.cursor, 3);
    textbox_end(&tb, 0);
    textbox_left(&tb, 0);
    assert_int_equal(tb.cursor, 9); /* before x */
    textbox_left(&tb, 0);
    assert_int_equal(tb.cursor, 6); /* before √ */
    textbox_left(&tb, 0);
    assert_int_equal(tb.cursor, 5);
    textbox_left(&tb, 0);
    textbox_left(&tb, 0);
    textbox_left(&tb, 0);
    textbox_left(&tb, 0);
    assert_int_equal(tb.cursor, 0);
    textbox_left(&tb, 0);
    assert_int_equal(tb.cursor, 0); /* stays */
}

static void test_delete_code_points(void **st)
{
    (void)st;
    textbox_set(&tb, "a\xC3\xBC" "b");
    textbox_left(&tb, 0); /* before b */
    assert_int_equal(textbox_backspace(&tb), 1);
    assert_string_equal(tb.text, "ab");
    assert_int_equal(tb.cursor, 1);
    textbox_set(&tb, "a\xE2\x88\x9A" "b");
    textbox_home(&tb, 0);
    textbox_right(&tb, 0);
    assert_int_equal(textbox_delete(&tb), 1);
    assert_string_equal(tb.text, "ab");
    textbox_home(&tb, 0);
    assert_int_equal(textbox_backspace(&tb), 0); /* nothing left of the cursor */
    textbox_end(&tb, 0);
    assert_int_equal(textbox_delete(&tb), 0);
}

static void test_selection_and_insert(void **st)
{
    (void)st;
    char buf[64];
    textbox_set(&tb, "the dog sees the cat");
    textbox_home(&tb, 0);
    textbox_word_right(&tb, 0);  /* after "the" */
    textbox_word_right(&tb, 1);  /* select " dog" */
    assert_int_equal(textbox_has_selection(&tb), 1);
    textbox_selected_text(&tb, buf, sizeof buf);
    assert_string_equal(buf, " dog");
    textbox_insert(&tb, " cat");
    assert_string_equal(tb.text, "the cat sees the cat");
    assert_int_equal(tb.cursor, 7);
    textbox_select_all(&tb);
    textbox_insert(&tb, "line\none\ttab");  /* control characters become spaces */
    assert_string_equal(tb.text, "line one tab");
    textbox_select_all(&tb);
    assert_int_equal(textbox_backspace(&tb), 1);
    assert_string_equal(tb.text, "");
    /* shift+left extends by code points */
    textbox_set(&tb, "x\xC3\xBC");
    textbox_left(&tb, 1);
    int a, b;
    textbox_selection(&tb, &a, &b);
    assert_int_equal(a, 1);
    assert_int_equal(b, 3);
    textbox_delete_word_left(&tb);
    assert_string_equal(tb.text, "x");
}

/* Undo (redo) does a step, and leaves text in the box. */
static void undo_to(const char *text)
{
    assert_int_equal(textbox_undo(&tb), 1);
    assert_string_equal(tb.text, text);
}

static void redo_to(const char *text)
{
    assert_int_equal(textbox_redo(&tb), 1);
    assert_string_equal(tb.text, text);
}

static void test_undo_redo(void **st)
{
    (void)st;
    memset(&tb, 0, sizeof tb);
    textbox_set(&tb, "the dog");
    textbox_insert(&tb, " runs");
    textbox_backspace(&tb);
    assert_string_equal(tb.text, "the dog run");
    undo_to("the dog runs");
    undo_to("the dog");
    assert_int_equal(textbox_undo(&tb), 0);
    redo_to("the dog runs");
    redo_to("the dog run");
    assert_int_equal(textbox_redo(&tb), 0);
    /* consecutive typing is one undo step; moving the cursor starts a new one */
    textbox_set(&tb, "the");
    textbox_type(&tb, " ");
    textbox_type(&tb, "d");
    textbox_type(&tb, "\xC3\xBC");
    assert_string_equal(tb.text, "the d\xC3\xBC");
    textbox_left(&tb, 0);
    textbox_type(&tb, "x");
    assert_string_equal(tb.text, "the dx\xC3\xBC");
    undo_to("the d\xC3\xBC");
    undo_to("the");
    redo_to("the d\xC3\xBC");
    /* a new edit clears the redo list */
    textbox_undo(&tb);
    textbox_insert(&tb, "!");
    assert_int_equal(textbox_redo(&tb), 0);
    /* more edits than the undo depth: the oldest are dropped, nothing breaks */
    for (int i = 0; i < TEXTBOX_UNDO + 10; i++) textbox_insert(&tb, "a");
    int n = 0;
    while (textbox_undo(&tb)) n++;
    assert_int_equal(n, TEXTBOX_UNDO);
}

static void test_capacity(void **st)
{
    (void)st;
    char big[TEXTBOX_CAP * 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    textbox_set(&tb, "");
    textbox_insert(&tb, big);
    assert_int_equal(tb.len, TEXTBOX_CAP - 1);
    assert_int_equal((int)strlen(tb.text), TEXTBOX_CAP - 1);
    assert_int_equal(textbox_insert(&tb, "b"), 0); /* full */
    /* a multi-byte character is never split at the limit */
    textbox_set(&tb, "");
    memset(big, 'a', TEXTBOX_CAP - 2);
    big[TEXTBOX_CAP - 2] = 0;
    textbox_insert(&tb, big);
    textbox_insert(&tb, "\xC3\xBC");
    assert_int_equal(tb.len, TEXTBOX_CAP - 2);
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_utf8_moves),
          cmocka_unit_test(test_delete_code_points),
          cmocka_unit_test(test_selection_and_insert),
          cmocka_unit_test(test_undo_redo),
          cmocka_unit_test(test_capacity))
