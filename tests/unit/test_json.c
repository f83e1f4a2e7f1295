/* test_json.c - the strict JSON parser on good and bad inputs: escapes and
 * surrogate pairs decoded to UTF-8, numbers, lookups, and every kind of
 * malformed text (deep nesting, unterminated strings, bad escapes, invalid
 * UTF-8, numbers out of range, duplicate keys) rejected with a message. It
 * must not test safetensors (see test_weights.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "utf8.h"
#include "test_util.h"

static json_doc parse_ok(const char *text, size_t len)
{
    json_doc doc;
    char err[256] = "";
    if (json_parse(&doc, text, len, err, sizeof err) != 0) fail_msg("rejected %s: %s", text, err);
    assert_non_null(doc.root);
    return doc;
}

static json_doc parse_str(const char *text) { return parse_ok(text, strlen(text)); }

/* Rejected, with needle in the message. */
static void bad_len(const char *text, size_t len, const char *needle)
{
    json_doc doc;
    char err[256] = "";
    int rc = json_parse(&doc, text, len, err, sizeof err);
    if (rc == 0) fail_msg("accepted bad JSON: %.*s", (int)(len > 80 ? 80 : len), text);
    assert_null(doc.root);
    assert_null(doc.blocks);
    if (!strstr(err, "JSON error at byte ") || (needle && !strstr(err, needle)))
        fail_msg("for %.*s expected \"%s\", got: %s", (int)(len > 80 ? 80 : len), text, needle ? needle : "", err);
    json_free(&doc);
}

static void bad(const char *text, const char *needle) { bad_len(text, strlen(text), needle); }

static void test_values(void **state)
{
    (void)state;
    json_doc doc = parse_str(" {\"a\": [1, -2.5, 3e2, 0, -0, 1E-2, true, false, null], \"b\": {\"c\": \"d\"}, \"e\": []} \n");
    const json_value *r = doc.root;
    assert_int_equal(r->type, JSON_OBJECT);
    assert_int_equal(r->n_children, 3);
    const json_value *a = json_get(r, "a");
    assert_non_null(a);
    assert_int_equal(a->type, JSON_ARRAY);
    assert_int_equal(a->n_children, 9);
    assert_true(json_at(a, 0)->number == 1.0);
    assert_true(json_at(a, 1)->number == -2.5);
    assert_true(json_at(a, 2)->number == 300.0);
    assert_string_equal(json_at(a, 2)->num_text, "3e2");
    assert_true(json_at(a, 5)->number == 0.01);
    assert_int_equal(json_at(a, 6)->type, JSON_TRUE);
    assert_int_equal(json_at(a, 7)->type, JSON_FALSE);
    assert_int_equal(json_at(a, 8)->type, JSON_NULL);
    assert_null(json_at(a, 9));
    assert_string_equal(json_get(json_get(r, "b"), "c")->str, "d");
    assert_int_equal(json_get(r, "e")->n_children, 0);
    assert_null(json_get(r, "zz"));
    assert_null(json_get(a, "a"));   /* not an object */
    assert_null(json_get(NULL, "a"));
    assert_string_equal(json_at(r, 1)->key, "b");
    assert_string_equal(json_type_name(JSON_OBJECT), "object");
    json_free(&doc);
    json_free(&doc);
    json_free(NULL);

    /* Any value at the top. */
    doc = parse_str("42");
    assert_true(doc.root->number == 42.0);
    json_free(&doc);
    doc = parse_str("\"x\"");
    assert_string_equal(doc.root->str, "x");
    json_free(&doc);
}

static void test_integers(void **state)
{
    (void)state;
    json_doc doc = parse_str("[0, 17, -5, 9223372036854775807, -9223372036854775808, 9223372036854775808, 1.0, 1e3, 2]");
    const json_value *a = doc.root;
    long long v = 0;
    assert_true(json_get_int64(json_at(a, 0), 0, 10, &v));
    assert_int_equal(v, 0);
    assert_true(json_get_int64(json_at(a, 1), 0, 100, &v));
    assert_int_equal(v, 17);
    assert_true(json_get_int64(json_at(a, 2), -10, 10, &v));
    assert_int_equal(v, -5);
    assert_false(json_get_int64(json_at(a, 2), 0, 10, &v));   /* out of range */
    assert_true(json_get_int64(json_at(a, 3), LLONG_MIN, LLONG_MAX, &v));
    assert_true(v == LLONG_MAX);
    assert_true(json_get_int64(json_at(a, 4), LLONG_MIN, LLONG_MAX, &v));
    assert_true(v == LLONG_MIN);
    assert_false(json_get_int64(json_at(a, 5), LLONG_MIN, LLONG_MAX, &v)); /* overflows */
    assert_false(json_get_int64(json_at(a, 6), 0, 10, &v));   /* a fraction */
    assert_false(json_get_int64(json_at(a, 7), 0, 10000, &v)); /* an exponent */
    assert_false(json_get_int64(NULL, 0, 10, &v));
    json_free(&doc);
}

static void test_strings(void **state)
{
    (void)state;
    json_doc doc = parse_str("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"\\u00fc\\u20AC\", \"\\ud83d\\ude00\", \"a\\u0000b\", "
                             "\"\xc3\xbc" "ber \xe2\x82\xac \xf0\x9f\x98\x80\", \"\"]");
    const json_value *a = doc.root;
    assert_string_equal(json_at(a, 0)->str, "\"\\/\b\f\n\r\t");
    assert_string_equal(json_at(a, 1)->str, "\xc3\xbc\xe2\x82\xac");       /* ü € */
    assert_string_equal(json_at(a, 2)->str, "\xf0\x9f\x98\x80");           /* U+1F600 from a surrogate pair */
    assert_int_equal(json_at(a, 3)->str_len, 3);                          /* a NUL inside */
    assert_memory_equal(json_at(a, 3)->str, "a\0b", 4);
    assert_string_equal(json_at(a, 4)->str, "\xc3\xbc" "ber \xe2\x82\xac \xf0\x9f\x98\x80");
    assert_int_equal(json_at(a, 5)->str_len, 0);
    json_free(&doc);
    assert_true(utf8_valid("\xc3\xbc" "ber \xf0\x9f\x98\x80", 10));
    assert_true(utf8_valid("", 0));
    assert_false(utf8_valid("\xc0\x80", 2));
    assert_false(utf8_valid("caf\xe9", 4));
    assert_false(utf8_valid("\xe2\x82", 2));
    /* Keys are decoded too. */
    doc = parse_str("{\"\\u00fc\": 1}");
    assert_non_null(json_get(doc.root, "\xc3\xbc"));
    json_free(&doc);
}

static void test_numbers_big(void **state)
{
    (void)state;
    json_doc doc = parse_str("[1e308, -1e308, 1e-400, 123456789012345678901234567890]");
    assert_true(json_at(doc.root, 0)->number == 1e308);
    assert_true(json_at(doc.root, 2)->number == 0.0); /* underflow is a number */
    assert_true(json_at(doc.root, 3)->number > 1.2e29);
    json_free(&doc);
    bad("1e400", "number out of range");
    bad("[-1e400]", "number out of range");
    char digits[420];
    memset(digits, '9', 400);
    digits[400] = '\0';
    bad(digits, "number out of range");
}

static void test_bad_syntax(void **state)
{
    (void)state;
    bad("", "empty input");
    bad_len(NULL, 0, "empty input");
    bad("   ", "unexpected end");
    bad("{", "unterminated object");
    bad("[1, 2", "unterminated array");
    bad("{\"a\":}", "unexpected character '}'");
    bad("[1,]", "unexpected character ']'");
    bad("{\"a\":1,}", "expected a string key");
    bad("{\"a\" 1}", "expected ':'");
    bad("{1:2}", "expected a string key");
    bad("[1 2]", "expected ',' or ']'");
    bad("{\"a\":1 \"b\":2}", "expected ',' or '}'");
    bad("1 2", "trailing characters");
    bad("{}x", "trailing characters");
    bad("tru", "unexpected character 't'");
    bad("nul", NULL);
    bad("True", NULL);
    bad("NaN", NULL);
    bad("Infinity", NULL);
    bad("-Infinity", "a digit must follow '-'");
    bad("01", "leading zero");
    bad("-", "a digit must follow '-'");
    bad("1.", "a digit must follow '.'");
    bad(".5", NULL);
    bad("+1", NULL);
    bad("1e", "exponent");
    bad("1e+", "exponent");
    bad("// c\n1", NULL);
    bad("\x01", "unexpected byte 0x01");
    bad("[1]\xff", "trailing characters");
}

static void test_bad_strings(void **state)
{
    (void)state;
    bad("\"abc", "unterminated string");
    bad("\"abc\\", "unterminated string");
    bad("\"abc\\\"", "unterminated string");
    bad("[\"a\", \"b]", "unterminated string");
    bad("\"\\x\"", "bad escape \\x");
    bad("\"\\u12\"", "bad \\u escape");
    bad("\"\\u12G4\"", "bad \\u escape");
    bad("\"\\u", "unterminated string");
    bad("\"\\ud800\"", "not followed by a low surrogate");
    bad("\"\\ud800\\u0041\"", "not followed by a low surrogate");
    bad("\"\\ud800x\"", "not followed by a low surrogate");
    bad("\"\\udc00\"", "lone low surrogate");
    bad("\"a\nb\"", "control character 0x0a");
    bad("\"a\tb\"", "control character 0x09");
    bad_len("\"a\0b\"", 5, "control character 0x00");
    bad("\"\xc0\x80\"", "invalid UTF-8");          /* overlong NUL */
    bad("\"\xe0\x80\xaf\"", "invalid UTF-8");      /* overlong '/' */
    bad("\"\xed\xa0\x80\"", "invalid UTF-8");      /* an encoded surrogate */
    bad("\"\xf4\x90\x80\x80\"", "invalid UTF-8");  /* past U+10FFFF */
    bad("\"\xf5\x80\x80\x80\"", "invalid UTF-8");
    bad("\"\x80\"", "invalid UTF-8");              /* a stray continuation byte */
    bad("\"\xe2\x82\"", "invalid UTF-8");          /* cut short */
    bad("\"\xff\"", "invalid UTF-8");
}

static void test_duplicates(void **state)
{
    (void)state;
    bad("{\"a\":1,\"a\":2}", "duplicate key \"a\"");
    /* Many keys (the sorted path), duplicate at the end. */
    char text[2048];
    size_t n = 0;
    n += (size_t)snprintf(text + n, sizeof text - n, "{");
    for (int i = 0; i < 40; i++) n += (size_t)snprintf(text + n, sizeof text - n, "\"k%d\":%d,", i, i);
    snprintf(text + n, sizeof text - n, "\"k17\":0}");
    bad(text, "duplicate key \"k17\"");
    text[n] = '\0';
    snprintf(text + n, sizeof text - n, "\"k40\":0}");
    json_doc doc = parse_str(text);
    assert_int_equal(doc.root->n_children, 41);
    assert_true(json_get(doc.root, "k33")->number == 33.0);
    json_free(&doc);
    /* Same key in different objects is fine; keys differing after a NUL differ. */
    doc = parse_str("[{\"a\":1},{\"a\":2},{\"a\\u0000\":1,\"a\":2}]");
    json_free(&doc);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    char *text = malloc(200001);
    /* JSON_MAX_DEPTH levels parse. */
    for (int i = 0; i < JSON_MAX_DEPTH; i++) text[i] = '[';
    for (int i = 0; i < JSON_MAX_DEPTH; i++) text[JSON_MAX_DEPTH + i] = ']';
    json_doc doc = parse_ok(text, 2 * JSON_MAX_DEPTH);
    json_free(&doc);
    /* One more does not. */
    for (int i = 0; i <= JSON_MAX_DEPTH; i++) text[i] = '[';
    for (int i = 0; i <= JSON_MAX_DEPTH; i++) text[JSON_MAX_DEPTH + 1 + i] = ']';
    bad_len(text, 2 * (JSON_MAX_DEPTH + 1), "nesting deeper than 64");
    /* A hundred thousand: refused, no stack overflow. */
    memset(text, '[', 100000);
    bad_len(text, 100000, "nesting deeper");
    for (int i = 0; i < 100000; i++) {
        text[2 * i] = '{';
        text[2 * i + 1] = i % 2 ? '"' : '[';
    }
    bad_len(text, 200000, NULL);
    free(text);
}

/* A big document spills over several arena blocks. */
static void test_large(void **state)
{
    (void)state;
    size_t cap = 4 * 1024 * 1024, n = 0;
    char *text = malloc(cap);
    n += (size_t)snprintf(text + n, cap - n, "{");
    for (int i = 0; i < 50000; i++)
        n += (size_t)snprintf(text + n, cap - n, "%s\"key%d\":[%d,\"v%d\"]", i ? "," : "", i, i, i);
    n += (size_t)snprintf(text + n, cap - n, "}");
    json_doc doc = parse_ok(text, n);
    assert_int_equal(doc.root->n_children, 50000);
    const json_value *v = json_get(doc.root, "key49999");
    assert_non_null(v);
    assert_string_equal(json_at(v, 1)->str, "v49999");
    json_free(&doc);
    free(text);
}

/* Random bytes and random mutations of a valid text: never a crash. */
static void test_random_inputs(void **state)
{
    (void)state;
    const char *seed_text = "{\"a\": [1, -2.5e3, \"\\u00fc\\ud83d\\ude00\", {\"b\": null}], \"c\": true}";
    size_t n = strlen(seed_text);
    char buf[128];
    unsigned long long s = 12345;
    int ok = 0;
    for (int iter = 0; iter < 20000; iter++) {
        memcpy(buf, seed_text, n);
        int muts = iter % 2 ? 1 : 1 + (int)(s % 4);
        for (int k = 0; k < muts; k++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t at = (size_t)(s >> 33) % n;
            buf[at] = (char)(s >> 17);
        }
        size_t len = iter % 4 == 0 ? (size_t)(s >> 40) % n : n;
        json_doc doc;
        char err[128];
        if (json_parse(&doc, buf, len, err, sizeof err) == 0) ok++;
        else assert_non_null(strstr(err, "JSON error"));
        json_free(&doc);
    }
    print_message("%d of 20000 mutated inputs parsed\n", ok);
    assert_true(ok > 0 && ok < 20000);
}

/* The one string escaper: every escape by hand, bad UTF-8 as U+FFFD, cuts at whole
 * characters, and every output parses back to the input (bad bytes aside). */
static void test_escape(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(json_escape(buf, sizeof buf, "a\"b\\c"), 7);
    assert_string_equal(buf, "a\\\"b\\\\c");
    assert_int_equal(json_escape(buf, sizeof buf, "l1\nl2\tx\x01\x1f\x7f"), 27);
    assert_string_equal(buf, "l1\\nl2\\tx\\u0001\\u001f\\u007f");
    /* valid UTF-8 stays; a lone continuation byte, a cut sequence and an overlong become U+FFFD each */
    assert_int_equal(json_escape(buf, sizeof buf, "\xC3\xBC\xE2\x82\xAC"), 5);
    assert_string_equal(buf, "\xC3\xBC\xE2\x82\xAC");
    json_escape(buf, sizeof buf, "a\x80" "b\xE2\x82" "c\xC0\xAF");
    assert_string_equal(buf, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD" "c\xEF\xBF\xBD\xEF\xBF\xBD");
    assert_int_equal(json_escape(buf, sizeof buf, NULL), 0);
    assert_string_equal(buf, "");
    /* too small: whole characters only, NUL-terminated, the full length returned */
    char small[5];
    assert_int_equal(json_escape(small, sizeof small, "ab\"cd"), 6);
    assert_string_equal(small, "ab\\\"");
    assert_int_equal(json_escape(small, 4, "ab\"cd"), 6);
    assert_string_equal(small, "ab"); /* never half an escape */
    assert_int_equal(json_escape(small, 4, "a\xE2\x82\xAC"), 4);
    assert_string_equal(small, "a"); /* never half a character */
    assert_int_equal(json_escape(NULL, 0, "x\"y"), 4);
    /* json_write_string: quotes around the same escaping; what it writes parses back */
    const char *in = "say \"hi\"\\\n\t\x02 \xC3\xBC";
    FILE *f = tmpfile();
    assert_non_null(f);
    json_write_string(f, in);
    json_write_string(f, NULL);
    long n = ftell(f);
    rewind(f);
    char out[128] = "";
    assert_int_equal(fread(out, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    assert_string_equal(out, "\"say \\\"hi\\\"\\\\\\n\\t\\u0002 \xC3\xBC\"\"\"");
    out[n - 2] = 0; /* the first literal only */
    json_doc doc;
    char err[128];
    assert_int_equal(json_parse(&doc, out, strlen(out), err, sizeof err), 0);
    assert_int_equal(doc.root->type, JSON_STRING);
    assert_string_equal(doc.root->str, in);
    json_free(&doc);
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_values),       cmocka_unit_test(test_integers),     cmocka_unit_test(test_strings),
          cmocka_unit_test(test_numbers_big),  cmocka_unit_test(test_bad_syntax),   cmocka_unit_test(test_bad_strings),
          cmocka_unit_test(test_duplicates),   cmocka_unit_test(test_deep_nesting), cmocka_unit_test(test_large),
          cmocka_unit_test(test_random_inputs), cmocka_unit_test(test_escape))
