/* json.h - a small, strict, bounded JSON parser (RFC 8259), used for the
 * safetensors header and the vocabulary stored in it.
 *
 * Usage:
 *     json_doc doc;
 *     if (json_parse(&doc, text, len, err, sizeof err) != 0) { show err; }
 *     const json_value *shape = json_get(json_get(doc.root, "embedding.weight"), "shape");
 *     json_free(&doc);
 *
 * The whole tree lives in one arena owned by the json_doc (a chain of blocks),
 * so one json_free releases everything. Strings are decoded to UTF-8 (escapes,
 * \uXXXX and surrogate pairs included) and NUL-terminated; str_len gives the
 * true length, since "\u0000" may put a NUL inside a string.
 *
 * Strict: the input must be valid UTF-8; no comments, no trailing commas, no
 * leading zeros, no NaN/Infinity, no numbers that overflow a double, no lone
 * surrogates, no duplicate keys in one object, nothing but white space after
 * the value; nesting deeper than JSON_MAX_DEPTH is refused. Any input, however
 * malformed, gives either a tree or an error message with its byte offset:
 * never a crash nor undefined behaviour. It must not grow features (no
 * writer, no comments, no lenient mode).
 */
#ifndef JSON_H
#define JSON_H

#include <stddef.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 64

typedef enum { JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json_value json_value;
struct json_value {
    json_type type;
    double number;          /* JSON_NUMBER: the value */
    const char *num_text;   /* JSON_NUMBER: the literal text as written, NUL-terminated */
    const char *str;        /* JSON_STRING: decoded UTF-8, NUL-terminated */
    size_t str_len;         /* JSON_STRING: bytes in str, without the terminating NUL */
    const char *key;        /* member of an object: its decoded key (NULL in an array) */
    size_t key_len;
    json_value *child;      /* JSON_ARRAY / JSON_OBJECT: first element or member */
    json_value *next;       /* next sibling in the parent */
    size_t n_children;      /* JSON_ARRAY / JSON_OBJECT: how many */
};

struct json_block;
typedef struct {
    json_value *root;       /* NULL until parsed */
    struct json_block *blocks; /* the arena */
} json_doc;

/* Parses len bytes of text (no NUL needed). 0 on success; -1 with a message
 * in err otherwise (doc is then empty and safe to free). */
int json_parse(json_doc *doc, const char *text, size_t len, char *err, size_t err_len);
void json_free(json_doc *doc);                       /* accepts NULL */

/* The member of obj named key, or NULL (also when obj is NULL or not an object). */
const json_value *json_get(const json_value *obj, const char *key);
/* Element i of an array (or member i of an object), or NULL. */
const json_value *json_at(const json_value *v, size_t i);
/* 1 when v is a number that is an integer in [min, max] (written without a
 * fraction or exponent), stored in *out; 0 otherwise. */
int json_get_int64(const json_value *v, long long min, long long max, long long *out);
/* "null", "false", "true", "number", "string", "array" or "object". */
const char *json_type_name(json_type t);
/* The same with an article for messages: "a number", "an array", "null", ... */
const char *json_type_article(json_type t);
/* s[0..len) (a JSON key or string, NULs allowed) made safe to quote in a message:
 * printable ASCII and UTF-8 kept, control bytes and NULs as '?', cut at 80 bytes.
 * Writes dst (n bytes, NUL included) and returns it. */
const char *json_printable(char *dst, size_t n, const char *s, size_t len);

/* Writing JSON: the one string escaper of the project (weights headers, the
 * app's state dump, tlab-run's trace, the lessons' dumps). '"' and '\\' are
 * escaped, newline and tab as \n and \t, other control bytes and DEL as
 * \u00XX, and a byte that starts no valid UTF-8 sequence becomes U+FFFD, so the
 * output is always valid JSON whatever bytes s holds. NULL is "".
 *
 * json_escape writes the inside of the string (no quotes) into dst: whole
 * characters only, NUL-terminated when cap > 0 (dst may be NULL when cap is
 * 0). Returns the length all of s needs escaped, like snprintf: a result >= cap
 * means dst holds a cut (still valid) prefix. */
size_t json_escape(char *dst, size_t cap, const char *s);
/* s as a JSON string literal, quotes included, to f. */
void json_write_string(FILE *f, const char *s);

#endif
