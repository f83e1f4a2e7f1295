/* test_utf8.c - the one UTF-8 decoder (engine/utf8.c) against hand-made
 * byte sequences: every valid length and its limits, overlong forms,
 * surrogates, values above U+10FFFF, sequences truncated by the end or by a
 * non-continuation byte, and an endless run of continuation bytes (each of
 * them one step of one byte). Also utf8_prev agreeing with utf8_next,
 * utf8_cut, and the users (tokenizer, JSON) seeing the same boundaries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tok.h"
#include "utf8.h"
#include "test_util.h"

/* Decodes s (length n) fully; expects exactly len bytes and code point cp. */
static void expect_valid(const char *s, size_t n, int len, uint32_t cp)
{
    uint32_t got = 0;
    assert_int_equal(utf8_decode(s, n, &got), len);
    assert_int_equal(got, cp);
    assert_int_equal(utf8_next(s, n, &got), len);
    assert_int_equal(got, cp);
}

/* s[0..n) is not a valid sequence: decode says 0, next steps exactly one byte as U+FFFD. */
static void expect_bad(const char *s, size_t n)
{
    uint32_t got = 0;
    assert_int_equal(utf8_decode(s, n, &got), 0);
    assert_int_equal(got, UTF8_REPLACEMENT);
    assert_int_equal(utf8_next(s, n, &got), 1);
    assert_int_equal(got, UTF8_REPLACEMENT);
}

static void test_valid_lengths(void **st)
{
    (void)st;
    expect_valid("A", 1, 1, 0x41);
    expect_valid("\x7F", 1, 1, 0x7F);
    expect_valid("\xC2\x80", 2, 2, 0x80);             /* smallest 2-byte */
    expect_valid("\xDF\xBF", 2, 2, 0x7FF);            /* largest 2-byte */
    expect_valid("\xC3\xBC" "ber", 5, 2, 0xFC);       /* u-umlaut, then more text */
    expect_valid("\xE0\xA0\x80", 3, 3, 0x800);        /* smallest 3-byte */
    expect_valid("\xED\x9F\xBF", 3, 3, 0xD7FF);       /* just below the surrogates */
    expect_valid("\xEE\x80\x80", 3, 3, 0xE000);       /* just above them */
    expect_valid("\xEF\xBF\xBD", 3, 3, 0xFFFD);       /* a real U+FFFD is three bytes */
    expect_valid("\xF0\x90\x80\x80", 4, 4, 0x10000);  /* smallest 4-byte */
    expect_valid("\xF0\x9F\x98\x80", 4, 4, 0x1F600);  /* an emoji */
    expect_valid("\xF4\x8F\xBF\xBF", 4, 4, 0x10FFFF); /* the last code point */
    uint32_t cp;
    assert_int_equal(utf8_next("", 0, &cp), 0);
    assert_int_equal(utf8_decode("", 0, &cp), 0);
}

static void test_overlong(void **st)
{
    (void)st;
    expect_bad("\xC0\xAF", 2);         /* '/' in two bytes */
    expect_bad("\xC1\xBF", 2);
    expect_bad("\xE0\x80\xAF", 3);     /* '/' in three */
    expect_bad("\xE0\x9F\xBF", 3);     /* U+07FF in three */
    expect_bad("\xF0\x80\x80\xAF", 4); /* '/' in four */
    expect_bad("\xF0\x8F\xBF\xBF", 4); /* U+FFFF in four */
}

static void test_surrogates_and_range(void **st)
{
    (void)st;
    expect_bad("\xED\xA0\x80", 3);     /* U+D800 */
    expect_bad("\xED\xBF\xBF", 3);     /* U+DFFF */
    expect_bad("\xED\xA0\xBD\xED\xB8\x80", 6); /* a CESU-8 pair */
    expect_bad("\xF4\x90\x80\x80", 4); /* U+110000 */
    expect_bad("\xF5\x80\x80\x80", 4);
    expect_bad("\xF8\x88\x80\x80\x80", 5); /* old 5-byte form */
    expect_bad("\xFC\x84\x80\x80\x80\x80", 6);
    expect_bad("\xFE", 1);
    expect_bad("\xFF", 1);
    char out[UTF8_MAX];
    assert_int_equal(utf8_encode(0xD800, out), 3); /* an unencodable value becomes U+FFFD */
    assert_memory_equal(out, "\xEF\xBF\xBD", 3);
    assert_int_equal(utf8_encode(0x110000, out), 3);
    assert_int_equal(utf8_encode(0x1F600, out), 4);
    assert_memory_equal(out, "\xF0\x9F\x98\x80", 4);
    assert_int_equal(utf8_encode(0xFC, out), 2);
    assert_memory_equal(out, "\xC3\xBC", 2);
}

static void test_truncated(void **st)
{
    (void)st;
    expect_bad("\xC3", 1);              /* the end comes first */
    expect_bad("\xE2\x82", 2);
    expect_bad("\xF0\x9F\x98", 3);
    expect_bad("\xE2\x82\xAC", 2);      /* n says the end is before the last byte: never read past n */
    expect_bad("\xC3" "A", 2);          /* cut by an ASCII byte */
    expect_bad("\xE2\x82" "A", 3);
    expect_bad("\xF0\x9F\x98" "A", 4);
    expect_bad("\xE2\xC3\xBC", 3);      /* cut by the next lead byte... */
    expect_valid("\xC3\xBC", 2, 2, 0xFC); /* ...which then decodes on its own */
    /* the decoder reads only what n allows: a buffer ending mid-sequence (ASan checks the bound) */
    char *heap = malloc(2);
    assert_non_null(heap);
    memcpy(heap, "\xF0\x9F", 2);
    expect_bad(heap, 2);
    free(heap);
}

/* The probe's input: 'a' and then 100 continuation bytes. Every step is one
 * byte, so no step is ever longer than UTF8_MAX (the script replay copied a
 * 101-byte "character" into a 32-byte SDL text event). */
static void test_endless_continuation(void **st)
{
    (void)st;
    char s[102];
    s[0] = 'a';
    memset(s + 1, 0x80, 100);
    s[101] = 0;
    size_t i = 0;
    int steps = 0;
    while (i < 101) {
        uint32_t cp;
        int n = utf8_next(s + i, 101 - i, &cp);
        assert_true(n >= 1 && n <= UTF8_MAX);
        assert_int_equal(n, 1);
        assert_int_equal(cp, i == 0 ? 'a' : UTF8_REPLACEMENT);
        i += (size_t)n;
        steps++;
    }
    assert_int_equal(steps, 101);
    /* backwards too: one byte per step, never a run */
    size_t pos = 101;
    steps = 0;
    while (pos > 0) {
        size_t p = utf8_prev(s, pos);
        assert_int_equal(pos - p, 1);
        pos = p;
        steps++;
    }
    assert_int_equal(steps, 101);
    assert_false(utf8_valid(s, 101));
    /* the tokenizer sees one word of 'a' and 100 U+FFFD, cut to its word limit, valid UTF-8 */
    tok_token t[4];
    int total = 0;
    int n = tok_tokenize(NULL, s, t, 4, &total);
    assert_int_equal(n, 1);
    assert_true(utf8_valid(t[0].text, strlen(t[0].text)));
    /* JSON refuses the string with a message */
    char doc[120];
    snprintf(doc, sizeof doc, "\"%s\"", s);
    json_doc d;
    char err[256] = "";
    assert_int_not_equal(json_parse(&d, doc, strlen(doc), err, sizeof err), 0);
    assert_non_null(strstr(err, "UTF-8"));
}

/* utf8_prev lands exactly on the boundaries utf8_next walks through, on a mix of good and bad. */
static void test_prev_matches_next(void **st)
{
    (void)st;
    const char s[] = "a\xC3\xBC\x80\xE2\x82\xAC\xE2\x82" "b\xF0\x9F\x98\x80\xED\xA0\x80\xC0\xAF" "\xF4\x8F\xBF\xBF";
    size_t n = sizeof s - 1;
    size_t bounds[64];
    int nb = 0;
    for (size_t i = 0; i < n; i += (size_t)utf8_next(s + i, n - i, NULL)) bounds[nb++] = i;
    bounds[nb++] = n;
    for (int k = nb - 1; k > 0; k--) assert_int_equal(utf8_prev(s, bounds[k]), bounds[k - 1]);
    assert_int_equal(utf8_prev(s, 0), 0);
    /* utf8_cut never splits a valid sequence and never cuts more than it must */
    assert_int_equal(utf8_cut(s, n, 2), 1);   /* inside u-umlaut: before it */
    assert_int_equal(utf8_cut(s, n, 3), 3);
    assert_int_equal(utf8_cut(s, n, 4), 4);   /* after the stray 0x80 */
    assert_int_equal(utf8_cut(s, n, 6), 4);   /* inside the euro sign */
    assert_int_equal(utf8_cut(s, n, 8), 8);   /* inside a truncated sequence: its bytes are single */
    assert_int_equal(utf8_cut(s, n, n + 5), n);
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_valid_lengths),
          cmocka_unit_test(test_overlong),
          cmocka_unit_test(test_surrogates_and_range),
          cmocka_unit_test(test_truncated),
          cmocka_unit_test(test_endless_continuation),
          cmocka_unit_test(test_prev_matches_next))
