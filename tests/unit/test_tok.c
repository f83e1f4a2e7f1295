/* test_tok.c - the tokenizer and vocabulary of engine/data/tok.h: splitting,
 * lower-casing (ASCII and Latin-1), punctuation, invalid UTF-8, control
 * characters, emoji, truncation counts, nearest words, detokenizing.
 * It must not test the model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tok.h"
#include "test_util.h"

static const char *const WORDS[] = {
    "<pad>", "<bos>", "<eos>", "<unk>", "the", "dog", "sees", "cat", ".", ",", "?", "!",
    "über", "straße", "der", "hund", "sieht", "katze", "die", "house", "horse", "mouse", "hause",
};
#define N_WORDS ((int)(sizeof WORDS / sizeof WORDS[0]))

/* The tokens of s (at most 8) with the test's vocabulary; returns how many. */
static int tokens_of(void **state, const char *s, tok_token t[8])
{
    int total;
    return tok_tokenize(*state, s, t, 8, &total);
}

static int setup(void **state)
{
    static tok_vocab v;
    char err[128];
    if (tok_vocab_init(&v, WORDS, N_WORDS, err, sizeof err) != 0) return -1;
    *state = &v;
    return 0;
}

static int teardown(void **state)
{
    tok_vocab_free(*state);
    return 0;
}

static void test_vocab_basics(void **state)
{
    const tok_vocab *v = *state;
    assert_int_equal(v->size, N_WORDS);
    for (int i = 0; i < N_WORDS; i++) assert_int_equal(tok_vocab_find(v, WORDS[i]), i);
    assert_int_equal(tok_vocab_find(v, "nope"), -1);
    assert_int_equal(tok_vocab_find(v, "The"), -1); /* find is exact; the tokenizer normalises */
    assert_string_equal(tok_vocab_word(v, 5), "dog");
    assert_string_equal(tok_vocab_word(v, -1), "<?>");
    assert_string_equal(tok_vocab_word(v, N_WORDS), "<?>");
    assert_string_equal(tok_vocab_word(NULL, 0), "<?>");
}

static void test_vocab_errors(void **state)
{
    (void)state;
    tok_vocab v;
    char err[128] = "";
    const char *dup[] = { "<pad>", "<bos>", "<eos>", "<unk>", "a", "b", "a" };
    assert_int_equal(tok_vocab_init(&v, dup, 7, err, sizeof err), -1);
    assert_non_null(strstr(err, "duplicate"));
    assert_non_null(strstr(err, "\"a\""));
    const char *nospecial[] = { "<pad>", "<eos>", "<bos>", "<unk>", "a" };
    err[0] = '\0';
    assert_int_equal(tok_vocab_init(&v, nospecial, 5, err, sizeof err), -1);
    assert_true(strlen(err) > 0);
    assert_int_equal(tok_vocab_init(&v, WORDS, 3, err, sizeof err), -1);
    tok_vocab_free(&v); /* empty after a failure: safe */
    tok_vocab_free(NULL);
}

static void test_lowercase_and_punct(void **state)
{
    const tok_vocab *v = *state;
    tok_token t[16];
    int total = -1;
    const char *s = "The DOG sees the cat.";
    int n = tok_tokenize(v, s, t, 16, &total);
    assert_int_equal(n, 6);
    assert_int_equal(total, 6);
    const char *want[] = { "the", "dog", "sees", "the", "cat", "." };
    const int ids[] = { 4, 5, 6, 4, 7, 8 };
    for (int i = 0; i < 6; i++) {
        assert_string_equal(t[i].text, want[i]);
        assert_int_equal(t[i].id, ids[i]);
        assert_int_equal(t[i].is_unk, 0);
    }
    /* Byte spans point into the original text. */
    assert_int_equal(t[1].byte_start, 4);
    assert_int_equal(t[1].byte_len, 3);
    assert_memory_equal(s + t[1].byte_start, "DOG", 3);
    assert_int_equal(t[5].byte_start, 20);
    assert_int_equal(t[5].byte_len, 1);

    /* Every kind of ASCII punctuation splits off as a single-character token. */
    n = tok_tokenize(v, "(dog),\"cat\"-[x]; y:z! 'a'?", t, 16, &total);
    const char *want2[] = { "(", "dog", ")", ",", "\"", "cat", "\"", "-", "[", "x", "]", ";", "y", ":", "z", "!" };
    assert_int_equal(n, 16);
    assert_int_equal(total, 20); /* ' a ' ? are counted but not stored */
    for (int i = 0; i < 16; i++) assert_string_equal(t[i].text, want2[i]);
    assert_int_equal(t[3].id, 9); /* the comma is a vocabulary token */
    assert_int_equal(t[0].id, TOK_UNK);
    assert_int_equal(t[0].is_unk, 1);
}

static void test_umlauts_round_trip(void **state)
{
    tok_token t[8];
    int n = tokens_of(state, "Über Straße", t);
    assert_int_equal(n, 2);
    assert_string_equal(t[0].text, "über");
    assert_string_equal(t[1].text, "straße");
    assert_int_equal(t[0].id, 12);
    assert_int_equal(t[1].id, 13);
    assert_int_equal(t[0].byte_len, 5); /* "Über" is 5 bytes */
    /* Latin-1 capitals Ä Ö Ü À É Ø Þ lower-case; × and ß stay. */
    char out[64];
    tok_normalize("ÄÖÜÀÉØÞ×ß", out, sizeof out);
    assert_string_equal(out, "äöüàéøþ×ß");
    /* Ids back to text keep the umlauts. */
    const int ids[] = { 12, 13 };
    tok_detokenize(*state, ids, 2, out, sizeof out);
    assert_string_equal(out, "über straße");
}

static void test_invalid_utf8(void **state)
{
    tok_token t[8];
    /* \xff is never valid; \xc3 alone is a truncated sequence; \xe0\x80\x80 is overlong. */
    int n = tokens_of(state, "do\xffg cat \xc3", t);
    assert_int_equal(n, 3);
    assert_string_equal(t[0].text, "do\xef\xbf\xbdg"); /* U+FFFD inside the word */
    assert_int_equal(t[0].id, TOK_UNK);
    assert_int_equal(t[0].byte_len, 4);
    assert_string_equal(t[1].text, "cat");
    assert_int_equal(t[1].id, 7);
    assert_string_equal(t[2].text, "\xef\xbf\xbd");
    n = tokens_of(state, "\xe0\x80\x80", t);
    assert_int_equal(n, 1);
    assert_string_equal(t[0].text, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* one per bad byte */
    assert_int_equal(t[0].byte_len, 3);
}

static void test_control_chars_are_space(void **state)
{
    tok_token t[8];
    int n = tokens_of(state, "\tthe\x01" "dog\r\ncat\x7f", t);
    assert_int_equal(n, 3);
    assert_string_equal(t[0].text, "the");
    assert_string_equal(t[1].text, "dog");
    assert_string_equal(t[2].text, "cat");
    assert_int_equal(t[1].byte_start, 5);
}

static void test_emoji_is_unk(void **state)
{
    tok_token t[8];
    int n = tokens_of(state, "the \xf0\x9f\x90\xb6 dog\xf0\x9f\x98\x80", t);
    assert_int_equal(n, 3);
    assert_string_equal(t[1].text, "\xf0\x9f\x90\xb6");
    assert_int_equal(t[1].id, TOK_UNK);
    assert_int_equal(t[1].is_unk, 1);
    assert_string_equal(t[2].text, "dog\xf0\x9f\x98\x80"); /* emoji are word characters */
    assert_int_equal(t[2].is_unk, 1);
}

static void test_empty_and_spaces(void **state)
{
    const tok_vocab *v = *state;
    tok_token t[4];
    int total = -1;
    assert_int_equal(tok_tokenize(v, "", t, 4, &total), 0);
    assert_int_equal(total, 0);
    total = -1;
    assert_int_equal(tok_tokenize(v, "   \t\n  ", t, 4, &total), 0);
    assert_int_equal(total, 0);
    assert_int_equal(tok_tokenize(v, NULL, t, 4, &total), 0);
    assert_int_equal(total, 0);
    /* Without a vocabulary every token is <unk>, the text is still split. */
    assert_int_equal(tok_tokenize(NULL, "a b", t, 4, &total), 2);
    assert_int_equal(t[0].id, TOK_UNK);
}

static void test_truncation_counts(void **state)
{
    const tok_vocab *v = *state;
    tok_token t[5];
    int total;
    int n = tok_tokenize(v, "the dog sees the cat , the dog sees the cat .", t, 5, &total);
    assert_int_equal(n, 5);
    assert_int_equal(total, 12);
    assert_string_equal(t[4].text, "cat");
    /* A word longer than TOK_WORD_MAX - 1 bytes is cut at a UTF-8 boundary. */
    char longw[200];
    size_t k = 0;
    for (int i = 0; i < 40; i++) { longw[k++] = '\xc3'; longw[k++] = '\xa4'; } /* 40 x "ä" = 80 bytes */
    longw[k] = '\0';
    n = tok_tokenize(v, longw, t, 5, &total);
    assert_int_equal(n, 1);
    assert_int_equal(strlen(t[0].text), 62); /* 31 whole "ä", not 63 bytes */
    assert_int_equal(t[0].byte_len, 80);
}

static void test_nearest(void **state)
{
    const tok_vocab *v = *state;
    int ids[4];
    /* "hause": itself (0); "house" (1); "horse", "mouse" (2 each, smaller id first). */
    int n = tok_nearest(v, "Hause", ids, 4);
    assert_int_equal(n, 4);
    assert_string_equal(tok_vocab_word(v, ids[0]), "hause");
    assert_string_equal(tok_vocab_word(v, ids[1]), "house");
    assert_string_equal(tok_vocab_word(v, ids[2]), "horse");
    assert_string_equal(tok_vocab_word(v, ids[3]), "mouse");
    /* Code points, not bytes: "strase" -> "straße" is one substitution (s -> ß), though ß is 2 bytes. */
    n = tok_nearest(v, "strase", ids, 1);
    assert_int_equal(n, 1);
    assert_string_equal(tok_vocab_word(v, ids[0]), "straße");
    n = tok_nearest(v, "uber", ids, 1);
    assert_string_equal(tok_vocab_word(v, ids[0]), "über");
    /* Specials are never offered. */
    n = tok_nearest(v, "<unk>", ids, 4);
    for (int i = 0; i < n; i++) assert_true(ids[i] >= 4);
    assert_int_equal(tok_nearest(v, "x", ids, 0), 0);
    /* A swap of two letters (2 edits) is still offered for a 3-letter word ... */
    n = tok_nearest(v, "dgo", ids, 3);
    assert_true(n >= 1);
    int has_dog = 0;
    for (int i = 0; i < n; i++) has_dog |= !strcmp(tok_vocab_word(v, ids[i]), "dog");
    assert_true(has_dog);
    /* ... but nothing further than max(1, (n + 1) / 2) edits: every word here is 3+ edits from "zzzz" (limit 2) */
    assert_int_equal(tok_nearest(v, "zzzz", ids, 4), 0);
    assert_int_equal(tok_nearest(v, "qqqqqqqqq", ids, 4), 0);
    n = tok_nearest(v, "dogz", ids, 4); /* limit 2: "dog" (1), "der", "die" (3: not offered) */
    assert_int_equal(n, 1);
    assert_string_equal(tok_vocab_word(v, ids[0]), "dog");
    /* No Latin letter, no suggestion: emoji, Chinese, digits. */
    assert_int_equal(tok_nearest(v, "\xF0\x9F\x90\xB6", ids, 4), 0); /* 🐶 */
    assert_int_equal(tok_nearest(v, "\xE4\xBD\xA0\xE5\xA5\xBD", ids, 4), 0); /* 你好 */
    assert_int_equal(tok_nearest(v, "1234", ids, 4), 0);
    /* Accented Latin letters count: "über" is offered for "übr". */
    n = tok_nearest(v, "\xC3\xBC" "br", ids, 1);
    assert_int_equal(n, 1);
    assert_string_equal(tok_vocab_word(v, ids[0]), "\xC3\xBC" "ber");
}

static void test_detokenize(void **state)
{
    const tok_vocab *v = *state;
    char out[64];
    const int ids[] = { TOK_BOS, 14, 15, 9, 16, 4, 7, 10, 11, 8, TOK_EOS, TOK_PAD };
    int len = tok_detokenize(v, ids, 12, out, sizeof out);
    assert_string_equal(out, "der hund, sieht the cat?!.");
    assert_int_equal(len, (int)strlen(out));
    /* <unk> is shown, never silently dropped. */
    const int unk[] = { 5, TOK_UNK };
    tok_detokenize(v, unk, 2, out, sizeof out);
    assert_string_equal(out, "dog <unk>");
    /* A small buffer stops at a word boundary and stays terminated. */
    char small[8];
    len = tok_detokenize(v, ids, 12, small, sizeof small);
    assert_string_equal(small, "der");
    assert_int_equal(len, 3);
    assert_int_equal(tok_detokenize(v, ids, 0, out, sizeof out), 0);
    assert_string_equal(out, "");
}

TEST_MAIN(setup, teardown,
          cmocka_unit_test(test_vocab_basics),
          cmocka_unit_test(test_vocab_errors),
          cmocka_unit_test(test_lowercase_and_punct),
          cmocka_unit_test(test_umlauts_round_trip),
          cmocka_unit_test(test_invalid_utf8),
          cmocka_unit_test(test_control_chars_are_space),
          cmocka_unit_test(test_emoji_is_unk),
          cmocka_unit_test(test_empty_and_spaces),
          cmocka_unit_test(test_truncation_counts),
          cmocka_unit_test(test_nearest),
          cmocka_unit_test(test_detokenize))
