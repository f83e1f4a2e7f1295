/* fuzz_json.c - libFuzzer harness for the strict JSON parser (json_parse):
 * any bytes give a tree or an error message with an offset, never a crash,
 * a leak or undefined behaviour. The tree is walked in full (types, numbers,
 * string lengths, json_get/json_at/json_get_int64) so every node is read.
 *
 * Must not: keep state between inputs.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "json.h"
#include "utf8.h"

static size_t walk(const json_value *v, int depth)
{
    size_t n = 1;
    if (depth > JSON_MAX_DEPTH + 1) __builtin_trap(); /* the parser promised a bound */
    if (v->type == JSON_STRING && (v->str == NULL || v->str[v->str_len] != 0)) __builtin_trap();
    if (v->type == JSON_NUMBER) {
        long long x;
        (void)json_get_int64(v, -(1LL << 53), 1LL << 53, &x);
        if (!v->num_text) __builtin_trap();
    }
    (void)json_type_name(v->type);
    size_t k = 0;
    for (const json_value *c = v->child; c; c = c->next, k++) {
        if (v->type == JSON_OBJECT) {
            if (!c->key || c->key[c->key_len] != 0) __builtin_trap();
            if (json_get(v, c->key) == NULL && memchr(c->key, 0, c->key_len) == NULL) __builtin_trap();
        }
        if (json_at(v, k) != c) __builtin_trap();
        n += walk(c, depth + 1);
    }
    if (v->type == JSON_ARRAY || v->type == JSON_OBJECT) {
        if (k != v->n_children) __builtin_trap();
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_doc doc;
    char err[256];
    err[0] = 0;
    if (json_parse(&doc, (const char *)data, size, err, sizeof err) == 0) {
        if (!doc.root) __builtin_trap();
        walk(doc.root, 0);
    } else if (err[0] == 0) {
        __builtin_trap();
    }
    json_free(&doc);
    (void)utf8_valid((const char *)data, size);
    return 0;
}
