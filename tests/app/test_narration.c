/* test_narration.c - the lesson text format (app/narration.c): the sections
 * of each step, the introduction on step 1, captions (marked or the first
 * sentence), notes blocks kept out of the panel text, "# Step N" past the
 * lesson's steps, no text at all; and every shipped English lesson text gives
 * every step of its lesson a caption and notes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lesson.h"
#include "narration.h"
#include "test_util.h"

static void test_steps_intro_caption_notes(void **st)
{
    (void)st;
    const char *t =
        "# Intro\nWhat it is. More.\n::: notes\nintro note\n:::\n\n"
        "# Step 1: first\n::: caption\nThe key\nsentence.\n:::\nStep one text. Again.\n\n"
        "# Extra\nStill step one.\n::: notes\nnote one\n:::\n"
        "# Step 2: second\nSecond: details follow. Yes.\nLike this:\n::: notes\nnote two\n:::\n";
    narration n;
    assert_int_equal(narration_parse(t, 2, &n), 0);
    assert_int_equal(n.n_steps, 2);
    /* step 1 shows the introduction, then its own sections, never the notes */
    assert_non_null(strstr(n.text[0], "# Intro"));
    assert_non_null(strstr(n.text[0], "# Step 1: first"));
    assert_non_null(strstr(n.text[0], "Still step one."));
    assert_null(strstr(n.text[0], "note"));
    assert_null(strstr(n.text[0], "Second"));
    assert_null(strstr(n.text[0], "The key"));
    assert_string_equal(n.caption[0], "The key sentence.");
    assert_string_equal(n.notes[0], "intro note\nnote one");
    /* step 2: its own text only; the caption is its first sentence (a colon inside does not end it) */
    assert_null(strstr(n.text[1], "# Intro"));
    assert_non_null(strstr(n.text[1], "Second: details"));
    assert_string_equal(n.caption[1], "Second: details follow.");
    assert_string_equal(n.notes[1], "note two");
    narration_free(&n);
}

static void test_one_step_and_overflow(void **st)
{
    (void)st;
    narration n;
    assert_int_equal(narration_parse("# Only\nA sentence here. And more.\n", 1, &n), 0);
    assert_string_equal(n.caption[0], "A sentence here.");
    narration_free(&n);
    assert_int_equal(narration_parse("# Only\nIt shows this:\n- a list\n", 1, &n), 0);
    assert_string_equal(n.caption[0], "It shows this"); /* a ':' that ends the line ends the caption, without it */
    assert_string_equal(n.notes[0], "");
    narration_free(&n);
    /* "# Step 5" in a 2-step lesson counts as the last step */
    assert_int_equal(narration_parse("# Step 1: a\nOne.\n# Step 5: b\nFive.\n", 2, &n), 0);
    assert_non_null(strstr(n.text[1], "Five."));
    assert_null(strstr(n.text[0], "Five."));
    narration_free(&n);
    /* no text: empty strings, never NULL */
    assert_int_equal(narration_parse(NULL, 3, &n), 0);
    for (int i = 0; i < 3; i++) {
        assert_string_equal(n.text[i], "");
        assert_string_equal(n.caption[i], "");
    }
    narration_free(&n);
}

/* Every shipped lesson text: each step has a caption and notes. */
static void test_shipped_texts(void **st)
{
    (void)st;
    const char *assets = getenv("TLAB_ASSETS");
    assert_non_null(assets);
    for (int i = 0; i < lesson_registry_count; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/lessons/en/%s.txt", assets, lesson_registry[i]->slug);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        static char buf[1 << 16];
        size_t got = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[got] = 0;
        narration n;
        int steps = lesson_step_count(lesson_registry[i]);
        assert_int_equal(narration_parse(buf, steps, &n), 0);
        for (int k = 0; k < steps; k++) {
            if (!n.caption[k][0] || !n.notes[k][0] || !n.text[k][0]) fprintf(stderr, "%s step %d: caption, notes or text missing\n", path, k + 1);
            assert_true(n.caption[k][0] && n.notes[k][0] && n.text[k][0]);
            assert_null(strstr(n.text[k], ":::"));
        }
        assert_null(strstr(buf, "the article"));
        narration_free(&n);
    }
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_steps_intro_caption_notes),
          cmocka_unit_test(test_one_step_and_overflow),
          cmocka_unit_test(test_shipped_texts))
