/* json.c - the strict, bounded JSON parser declared in json.h.
 *
 * A recursive-descent parser whose recursion depth is capped at
 * JSON_MAX_DEPTH, allocating every node and string from one arena (a chain of
 * blocks) owned by the json_doc. Every read is bounds-checked against the
 * input length, so any byte string is safe to feed it (it is meant to be
 * fuzzed). It must not know anything about safetensors or the model.
 */
#include "json.h"
#include "utf8.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena ------------------------------------------------------------ */

struct json_block {
    struct json_block *next;
    size_t used, cap;
    /* followed by cap bytes, suitably aligned */
};

#define JSON_BLOCK_MIN ((size_t)64 * 1024)
#define JSON_ALIGN ((size_t)16)
#define JSON_HEADER_SIZE ((sizeof(struct json_block) + JSON_ALIGN - 1) / JSON_ALIGN * JSON_ALIGN)

static void *arena_alloc(json_doc *doc, size_t size)
{
    size = (size + JSON_ALIGN - 1) / JSON_ALIGN * JSON_ALIGN;
    if (size == 0) size = JSON_ALIGN;
    struct json_block *b = doc->blocks;
    if (!b || b->cap - b->used < size) {
        size_t cap = size > JSON_BLOCK_MIN ? size : JSON_BLOCK_MIN;
        if (cap > SIZE_MAX - JSON_HEADER_SIZE) return NULL;
        b = malloc(JSON_HEADER_SIZE + cap);
        if (!b) return NULL;
        b->next = doc->blocks;
        b->used = 0;
        b->cap = cap;
        doc->blocks = b;
    }
    void *out = (char *)b + JSON_HEADER_SIZE + b->used;
    b->used += size;
    return out;
}

void json_free(json_doc *doc)
{
    if (!doc) return;
    struct json_block *b = doc->blocks;
    while (b) {
        struct json_block *next = b->next;
        free(b);
        b = next;
    }
    doc->blocks = NULL;
    doc->root = NULL;
}

/* ---- parser ----------------------------------------------------------- */

typedef struct {
    const unsigned char *s;
    size_t len, pos;
    json_doc *doc;
    char *err;
    size_t err_len;
    int failed;
} parser;

static void fail(parser *p, size_t at, const char *fmt, ...)
{
    if (p->failed) return;
    p->failed = 1;
    if (!p->err || p->err_len == 0) return;
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(p->err, p->err_len, "JSON error at byte %zu: %s", at, msg);
}

static void skip_ws(parser *p)
{
    while (p->pos < p->len) {
        unsigned char c = p->s[p->pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') p->pos++;
        else break;
    }
}

static json_value *new_value(parser *p, json_type type)
{
    json_value *v = arena_alloc(p->doc, sizeof *v);
    if (!v) {
        fail(p, p->pos, "out of memory");
        return NULL;
    }
    memset(v, 0, sizeof *v);
    v->type = type;
    return v;
}

/* Four hex digits at p->s[at..at+4), or -1. */
static long hex4(const parser *p, size_t at)
{
    if (at > p->len || p->len - at < 4) return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = p->s[at + (size_t)i];
        int d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return -1;
        v = v * 16 + d;
    }
    return v;
}

/* p->pos is at the opening quote. Decodes into the arena. */
static int parse_string(parser *p, const char **out, size_t *out_len)
{
    size_t start = p->pos + 1;
    /* Find the closing quote first, to size the buffer (decoding never grows). */
    size_t end = start;
    while (end < p->len && p->s[end] != '"') {
        if (p->s[end] == '\\') end++;
        end++;
    }
    if (end >= p->len) {
        fail(p, p->pos, "unterminated string");
        return -1;
    }
    char *buf = arena_alloc(p->doc, end - start + 1);
    if (!buf) {
        fail(p, p->pos, "out of memory");
        return -1;
    }
    size_t n = 0, i = start;
    while (i < end) {
        unsigned char c = p->s[i];
        if (c < 0x20) {
            fail(p, i, "control character 0x%02x inside a string (use an escape)", c);
            return -1;
        }
        if (c == '\\') {
            unsigned char e = p->s[i + 1]; /* i + 1 < end: the scan above skipped it */
            switch (e) {
            case '"': buf[n++] = '"'; i += 2; continue;
            case '\\': buf[n++] = '\\'; i += 2; continue;
            case '/': buf[n++] = '/'; i += 2; continue;
            case 'b': buf[n++] = '\b'; i += 2; continue;
            case 'f': buf[n++] = '\f'; i += 2; continue;
            case 'n': buf[n++] = '\n'; i += 2; continue;
            case 'r': buf[n++] = '\r'; i += 2; continue;
            case 't': buf[n++] = '\t'; i += 2; continue;
            case 'u': {
                long hi = hex4(p, i + 2);
                if (hi < 0 || i + 6 > end) {
                    fail(p, i, "bad \\u escape (needs four hex digits)");
                    return -1;
                }
                uint32_t cp = (uint32_t)hi;
                size_t used = 6;
                if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    fail(p, i, "lone low surrogate \\u%04lx", hi);
                    return -1;
                }
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    long lo = -1;
                    if (i + 12 <= end && p->s[i + 6] == '\\' && p->s[i + 7] == 'u') lo = hex4(p, i + 8);
                    if (lo < 0xDC00 || lo > 0xDFFF) {
                        fail(p, i, "high surrogate \\u%04lx not followed by a low surrogate", hi);
                        return -1;
                    }
                    cp = 0x10000 + (((uint32_t)hi - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
                    used = 12;
                }
                n += utf8_encode(cp, buf + n);
                i += used;
                continue;
            }
            default:
                if (e >= 0x20 && e < 0x7F) fail(p, i, "bad escape \\%c", e);
                else fail(p, i, "bad escape (byte 0x%02x after a backslash)", e);
                return -1;
            }
        }
        uint32_t cp;
        int l = utf8_decode((const char *)p->s + i, end - i, &cp);
        if (l == 0) {
            fail(p, i, "invalid UTF-8 inside a string");
            return -1;
        }
        memcpy(buf + n, p->s + i, (size_t)l);
        n += (size_t)l;
        i += (size_t)l;
    }
    buf[n] = '\0';
    *out = buf;
    *out_len = n;
    p->pos = end + 1;
    return 0;
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static json_value *parse_number(parser *p)
{
    size_t start = p->pos, i = p->pos;
    if (i < p->len && p->s[i] == '-') i++;
    if (i >= p->len || !is_digit(p->s[i])) {
        fail(p, start, "bad number (a digit must follow '-')");
        return NULL;
    }
    if (p->s[i] == '0') {
        i++;
        if (i < p->len && is_digit(p->s[i])) {
            fail(p, start, "bad number (leading zero)");
            return NULL;
        }
    } else {
        while (i < p->len && is_digit(p->s[i])) i++;
    }
    if (i < p->len && p->s[i] == '.') {
        i++;
        if (i >= p->len || !is_digit(p->s[i])) {
            fail(p, start, "bad number (a digit must follow '.')");
            return NULL;
        }
        while (i < p->len && is_digit(p->s[i])) i++;
    }
    if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
        i++;
        if (i < p->len && (p->s[i] == '+' || p->s[i] == '-')) i++;
        if (i >= p->len || !is_digit(p->s[i])) {
            fail(p, start, "bad number (a digit must follow the exponent)");
            return NULL;
        }
        while (i < p->len && is_digit(p->s[i])) i++;
    }
    json_value *v = new_value(p, JSON_NUMBER);
    if (!v) return NULL;
    char *text = arena_alloc(p->doc, i - start + 1);
    if (!text) {
        fail(p, start, "out of memory");
        return NULL;
    }
    memcpy(text, p->s + start, i - start);
    text[i - start] = '\0';
    v->num_text = text;
    v->number = strtod(text, NULL);
    if (isinf(v->number) || isnan(v->number)) {
        fail(p, start, "number out of range");
        return NULL;
    }
    p->pos = i;
    return v;
}

static int key_cmp(const void *a, const void *b)
{
    const json_value *x = *(const json_value *const *)a, *y = *(const json_value *const *)b;
    size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = memcmp(x->key, y->key, n);
    if (c) return c;
    return (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

static int same_key(const json_value *a, const json_value *b)
{
    return a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0;
}

static void print_key(char *dst, size_t n, const json_value *m)
{
    /* A key for a message: printable ASCII kept, the rest as '?', cut at 60 bytes. */
    size_t j = 0;
    for (size_t i = 0; i < m->key_len && j + 1 < n && i < 60; i++) {
        unsigned char c = (unsigned char)m->key[i];
        dst[j++] = (c >= 0x20 && c < 0x7F) ? (char)c : '?';
    }
    dst[j] = '\0';
}

/* Fails on the first duplicate key of obj. */
static int check_duplicates(parser *p, json_value *obj, size_t at)
{
    size_t n = obj->n_children;
    if (n < 2) return 0;
    const json_value *dup = NULL;
    if (n <= 16) {
        for (const json_value *a = obj->child; a && !dup; a = a->next)
            for (const json_value *b = a->next; b; b = b->next)
                if (same_key(a, b)) {
                    dup = a;
                    break;
                }
    } else {
        const json_value **arr = malloc(n * sizeof *arr);
        if (!arr) {
            fail(p, at, "out of memory");
            return -1;
        }
        size_t k = 0;
        for (const json_value *a = obj->child; a; a = a->next) arr[k++] = a;
        qsort(arr, n, sizeof *arr, key_cmp);
        for (size_t i = 1; i < n; i++)
            if (same_key(arr[i - 1], arr[i])) {
                dup = arr[i];
                break;
            }
        free(arr);
    }
    if (dup) {
        char k[64];
        print_key(k, sizeof k, dup);
        fail(p, at, "duplicate key \"%s\" in an object", k);
        return -1;
    }
    return 0;
}

static json_value *parse_value(parser *p, int depth);

static json_value *parse_container(parser *p, int depth, int is_object)
{
    size_t open = p->pos;
    if (depth >= JSON_MAX_DEPTH) {
        fail(p, open, "nesting deeper than %d levels", JSON_MAX_DEPTH);
        return NULL;
    }
    json_value *v = new_value(p, is_object ? JSON_OBJECT : JSON_ARRAY);
    if (!v) return NULL;
    const char close = is_object ? '}' : ']';
    json_value **tail = &v->child;
    p->pos++;
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        return v;
    }
    for (;;) {
        const char *key = NULL;
        size_t key_len = 0;
        skip_ws(p);
        if (is_object) {
            if (p->pos >= p->len || p->s[p->pos] != '"') {
                fail(p, p->pos, p->pos >= p->len ? "unterminated object" : "expected a string key");
                return NULL;
            }
            if (parse_string(p, &key, &key_len) != 0) return NULL;
            skip_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':') {
                fail(p, p->pos, "expected ':' after a key");
                return NULL;
            }
            p->pos++;
        }
        json_value *item = parse_value(p, depth + 1);
        if (!item) return NULL;
        item->key = key;
        item->key_len = key_len;
        *tail = item;
        tail = &item->next;
        v->n_children++;
        skip_ws(p);
        if (p->pos >= p->len) {
            fail(p, open, is_object ? "unterminated object" : "unterminated array");
            return NULL;
        }
        if (p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->s[p->pos] == close) {
            p->pos++;
            break;
        }
        fail(p, p->pos, is_object ? "expected ',' or '}'" : "expected ',' or ']'");
        return NULL;
    }
    if (is_object && check_duplicates(p, v, open) != 0) return NULL;
    return v;
}

static int match_literal(parser *p, const char *lit)
{
    size_t n = strlen(lit);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, lit, n) != 0) return 0;
    p->pos += n;
    return 1;
}

static json_value *parse_value(parser *p, int depth)
{
    skip_ws(p);
    if (p->pos >= p->len) {
        fail(p, p->pos, p->pos == 0 ? "empty input" : "unexpected end of input (a value is missing)");
        return NULL;
    }
    unsigned char c = p->s[p->pos];
    switch (c) {
    case '{': return parse_container(p, depth, 1);
    case '[': return parse_container(p, depth, 0);
    case '"': {
        json_value *v = new_value(p, JSON_STRING);
        if (!v) return NULL;
        if (parse_string(p, &v->str, &v->str_len) != 0) return NULL;
        return v;
    }
    case 't':
        if (match_literal(p, "true")) return new_value(p, JSON_TRUE);
        break;
    case 'f':
        if (match_literal(p, "false")) return new_value(p, JSON_FALSE);
        break;
    case 'n':
        if (match_literal(p, "null")) return new_value(p, JSON_NULL);
        break;
    default:
        if (c == '-' || is_digit(c)) return parse_number(p);
        break;
    }
    if (c >= 0x20 && c < 0x7F) fail(p, p->pos, "unexpected character '%c'", c);
    else fail(p, p->pos, "unexpected byte 0x%02x", c);
    return NULL;
}

int json_parse(json_doc *doc, const char *text, size_t len, char *err, size_t err_len)
{
    if (err && err_len) err[0] = '\0';
    if (!doc) return -1;
    doc->root = NULL;
    doc->blocks = NULL;
    parser p = { (const unsigned char *)text, text ? len : 0, 0, doc, err, err_len, 0 };
    json_value *root = parse_value(&p, 0);
    if (root) {
        skip_ws(&p);
        if (p.pos < p.len) {
            fail(&p, p.pos, "trailing characters after the value");
            root = NULL;
        }
    }
    if (!root || p.failed) {
        json_free(doc);
        return -1;
    }
    doc->root = root;
    return 0;
}

/* ---- queries ---------------------------------------------------------- */

const json_value *json_get(const json_value *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJECT || !key) return NULL;
    size_t n = strlen(key);
    for (const json_value *m = obj->child; m; m = m->next)
        if (m->key_len == n && memcmp(m->key, key, n) == 0) return m;
    return NULL;
}

const json_value *json_at(const json_value *v, size_t i)
{
    if (!v || (v->type != JSON_ARRAY && v->type != JSON_OBJECT) || i >= v->n_children) return NULL;
    const json_value *c = v->child;
    while (c && i--) c = c->next;
    return c;
}

int json_get_int64(const json_value *v, long long min, long long max, long long *out)
{
    if (!v || v->type != JSON_NUMBER || !v->num_text) return 0;
    const char *s = v->num_text;
    int neg = 0;
    if (*s == '-') {
        neg = 1;
        s++;
    }
    /* Only plain integers: the grammar already guaranteed digits follow. */
    unsigned long long acc = 0;
    const unsigned long long limit = neg ? (unsigned long long)LLONG_MAX + 1ULL : (unsigned long long)LLONG_MAX;
    for (; *s; s++) {
        if (!is_digit((unsigned char)*s)) return 0;
        unsigned d = (unsigned)(*s - '0');
        if (acc > (limit - d) / 10) return 0;
        acc = acc * 10 + d;
    }
    long long val;
    if (neg) val = acc == (unsigned long long)LLONG_MAX + 1ULL ? LLONG_MIN : -(long long)acc;
    else val = (long long)acc;
    if (val < min || val > max) return 0;
    if (out) *out = val;
    return 1;
}


const char *json_type_name(json_type t)
{
    switch (t) {
    case JSON_NULL: return "null";
    case JSON_FALSE: return "false";
    case JSON_TRUE: return "true";
    case JSON_NUMBER: return "number";
    case JSON_STRING: return "string";
    case JSON_ARRAY: return "array";
    case JSON_OBJECT: return "object";
    }
    return "?";
}

const char *json_type_article(json_type t)
{
    switch (t) {
    case JSON_NULL: return "null";
    case JSON_FALSE: return "false";
    case JSON_TRUE: return "true";
    case JSON_NUMBER: return "a number";
    case JSON_STRING: return "a string";
    case JSON_ARRAY: return "an array";
    case JSON_OBJECT: return "an object";
    }
    return "?";
}

const char *json_printable(char *dst, size_t n, const char *s, size_t len)
{
    if (!dst || n == 0) return "";
    size_t j = 0;
    for (size_t i = 0; s && i < len && j + 1 < n && i < 80; i++) {
        unsigned char c = (unsigned char)s[i];
        dst[j++] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
    }
    dst[j] = '\0';
    return dst;
}

/* ---- writing ----------------------------------------------------------- */

/* The character at s[0..len) (len >= 1) as it stands inside a JSON string:
 * into out (at most 6 bytes), its length in *out_n. Returns the bytes of s it took. */
static size_t json_escape_char(const unsigned char *s, size_t len, char out[8], size_t *out_n)
{
    unsigned char c = s[0];
    if (c == '"' || c == '\\') {
        out[0] = '\\';
        out[1] = (char)c;
        *out_n = 2;
    } else if (c == '\n' || c == '\t') {
        out[0] = '\\';
        out[1] = c == '\n' ? 'n' : 't';
        *out_n = 2;
    } else if (c < 0x20 || c == 0x7F) {
        *out_n = (size_t)snprintf(out, 8, "\\u%04x", c);
    } else if (c < 0x80) {
        out[0] = (char)c;
        *out_n = 1;
    } else {
        uint32_t cp;
        int n = utf8_decode((const char *)s, len, &cp);
        if (n > 1) {
            memcpy(out, s, (size_t)n);
            *out_n = (size_t)n;
            return (size_t)n;
        }
        memcpy(out, "\xEF\xBF\xBD", 3); /* U+FFFD for one bad byte */
        *out_n = 3;
    }
    return 1;
}

size_t json_escape(char *dst, size_t cap, const char *s)
{
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    size_t len = strlen((const char *)u), need = 0, w = 0;
    int cut = 0;
    for (size_t i = 0; i < len;) {
        char piece[8];
        size_t pn;
        i += json_escape_char(u + i, len - i, piece, &pn);
        if (!cut && w + pn < cap) {
            memcpy(dst + w, piece, pn);
            w += pn;
        } else {
            cut = 1;
        }
        need += pn;
    }
    if (cap > 0) dst[w] = '\0';
    return need;
}

void json_write_string(FILE *f, const char *s)
{
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    size_t len = strlen((const char *)u);
    fputc('"', f);
    for (size_t i = 0; i < len;) {
        char piece[8];
        size_t pn;
        i += json_escape_char(u + i, len - i, piece, &pn);
        fwrite(piece, 1, pn, f);
    }
    fputc('"', f);
}
