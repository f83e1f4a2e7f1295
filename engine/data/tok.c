/* tok.c - the word-level tokenizer and the shared vocabulary (see tok.h).
 *
 * What it does: splits UTF-8 text into words and single-character punctuation
 * tokens, lower-cases ASCII and Latin-1 letters, maps invalid bytes to U+FFFD
 * and control characters to white space, and looks words up in an
 * open-addressing hash table. It also offers "did you mean" suggestions
 * (Levenshtein distance on code points) and joins ids back into text.
 * What it must not do: allocate while tokenizing (tokens go into the caller's
 * array), touch the model, or read anything but its arguments.
 */
#include "tok.h"
#include "utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* UTF-8: utf8_next (engine/utf8.c) decodes; a bad byte is U+FFFD of one byte,
 * so decoding always advances. */

/* ---------- character classes ---------- */

/* White space: ASCII space, every C0 and C1 control character, DEL, and the
 * Unicode spaces people paste (no-break space, the U+2000 block, ideographic
 * space). Control characters count as white space by design. */
static int is_space(uint32_t cp)
{
    return cp <= 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0xA0) || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

/* Punctuation: every printable ASCII character that is neither a letter nor a
 * digit (. , ; : ! ? " ' ( ) - [ ] and the rest) is a token of its own. */
static int is_punct(uint32_t cp)
{
    return cp < 0x80 && cp > 0x20 && cp != 0x7F &&
           !((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'));
}

/* Lower-case of ASCII and Latin-1 letters: A-Z and U+00C0..U+00DE except the
 * multiplication sign U+00D7. U+00DF (sharp s) has no single lower/upper pair
 * in Latin-1 and stays as it is. */
static uint32_t lower_cp(uint32_t cp)
{
    if (cp >= 'A' && cp <= 'Z') return cp + 32;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;
    return cp;
}

/* Appends cp (lower-cased) to dst at *len if it fits in cap - 1 bytes; a
 * character that does not fit whole is dropped, so the text is always cut at a
 * UTF-8 boundary. Returns 0 once the buffer is full. */
static int append_cp(char *dst, size_t *len, size_t cap, uint32_t cp)
{
    char buf[4];
    int n = utf8_encode(lower_cp(cp), buf);
    if (*len + (size_t)n + 1 > cap) return 0;
    memcpy(dst + *len, buf, (size_t)n);
    *len += (size_t)n;
    dst[*len] = '\0';
    return 1;
}

void tok_normalize(const char *src, char *dst, size_t dst_len)
{
    if (!dst || dst_len == 0) return;
    dst[0] = '\0';
    if (!src) return;
    size_t n = strlen(src), i = 0, len = 0;
    int full = 0;
    while (i < n && !full) {
        uint32_t cp;
        i += (size_t)utf8_next(src + i, n - i, &cp);
        full = !append_cp(dst, &len, dst_len, cp);
    }
}

int tok_word_form(const char *word, char *dst, size_t dst_len)
{
    tok_token t[2];
    int total = 0;
    const int n = tok_tokenize(NULL, word, t, 2, &total);
    if (dst && dst_len) snprintf(dst, dst_len, "%s", n > 0 ? t[0].text : "");
    return total;
}

/* ---------- vocabulary ---------- */

static uint32_t hash_str(const char *s) /* FNV-1a */
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

static void set_err(char *err, size_t err_len, const char *msg, const char *arg)
{
    if (err && err_len) snprintf(err, err_len, msg, arg);
}

int tok_vocab_init(tok_vocab *v, const char *const *words, int n, char *err, size_t err_len)
{
    static const char *const specials[4] = { "<pad>", "<bos>", "<eos>", "<unk>" };
    if (!v) return -1;
    memset(v, 0, sizeof *v);
    if (!words || n < 4) {
        set_err(err, err_len, "vocabulary must start with <pad> <bos> <eos> <unk>%s", "");
        return -1;
    }
    for (int i = 0; i < 4; i++)
        if (!words[i] || strcmp(words[i], specials[i]) != 0) {
            set_err(err, err_len, "vocabulary id %s must be a special (<pad> <bos> <eos> <unk> first)",
                    i == 0 ? "0" : i == 1 ? "1" : i == 2 ? "2" : "3");
            return -1;
        }
    int cap = 16;
    while (cap < 2 * n) cap *= 2;
    v->words = calloc((size_t)n, sizeof *v->words);
    v->hash = malloc((size_t)cap * sizeof *v->hash);
    if (!v->words || !v->hash) {
        tok_vocab_free(v);
        set_err(err, err_len, "out of memory%s", "");
        return -1;
    }
    v->hash_cap = cap;
    for (int i = 0; i < cap; i++) v->hash[i] = -1;
    for (int i = 0; i < n; i++) {
        if (!words[i] || !words[i][0]) {
            tok_vocab_free(v);
            set_err(err, err_len, "vocabulary has an empty word%s", "");
            return -1;
        }
        if (tok_vocab_find(v, words[i]) >= 0) {
            char w[TOK_WORD_MAX];
            snprintf(w, sizeof w, "%s", words[i]);
            tok_vocab_free(v);
            set_err(err, err_len, "duplicate word in vocabulary: \"%s\"", w);
            return -1;
        }
        size_t len = strlen(words[i]);
        v->words[i] = malloc(len + 1);
        if (!v->words[i]) {
            tok_vocab_free(v);
            set_err(err, err_len, "out of memory%s", "");
            return -1;
        }
        memcpy(v->words[i], words[i], len + 1);
        v->size = i + 1;
        uint32_t slot = hash_str(words[i]) & (uint32_t)(cap - 1);
        while (v->hash[slot] >= 0) slot = (slot + 1) & (uint32_t)(cap - 1);
        v->hash[slot] = i;
    }
    return 0;
}

void tok_vocab_free(tok_vocab *v)
{
    if (!v) return;
    if (v->words)
        for (int i = 0; i < v->size; i++) free(v->words[i]);
    free(v->words);
    free(v->hash);
    memset(v, 0, sizeof *v);
}

int tok_vocab_find(const tok_vocab *v, const char *word)
{
    if (!v || !v->hash || v->hash_cap <= 0 || !word) return -1;
    const uint32_t mask = (uint32_t)(v->hash_cap - 1);
    uint32_t slot = hash_str(word) & mask;
    for (int probes = 0; probes < v->hash_cap; probes++) {
        int id = v->hash[slot];
        if (id < 0) return -1;
        if (strcmp(v->words[id], word) == 0) return id;
        slot = (slot + 1) & mask;
    }
    return -1;
}

const char *tok_vocab_word(const tok_vocab *v, int id)
{
    if (!v || !v->words || id < 0 || id >= v->size) return "<?>";
    return v->words[id];
}

/* ---------- tokenizing ---------- */

int tok_tokenize(const tok_vocab *v, const char *text, tok_token *out, int max_tokens, int *n_total)
{
    int n_out = 0, total = 0;
    if (max_tokens < 0) max_tokens = 0;
    if (!out) max_tokens = 0;
    if (text) {
        const size_t n = strlen(text);
        size_t i = 0;
        tok_token *cur = NULL; /* the word being built, NULL between words */
        size_t cur_len = 0;
        int cur_full = 0;      /* the word's text is cut: ignore the rest of it */
        while (i < n) {
            uint32_t cp;
            const int used = utf8_next(text + i, n - i, &cp);
            const int space = is_space(cp), punct = is_punct(cp);
            if (space || punct) {
                cur = NULL;
                if (punct) {
                    if (n_out < max_tokens) {
                        tok_token *t = &out[n_out++];
                        memset(t, 0, sizeof *t);
                        t->text[0] = (char)cp;
                        t->byte_start = (int)i;
                        t->byte_len = 1;
                    }
                    total++;
                }
                i += (size_t)used;
                continue;
            }
            /* A word character: letters, digits, symbols, emoji, U+FFFD. */
            if (!cur) {
                total++;
                if (n_out < max_tokens) {
                    cur = &out[n_out++];
                    memset(cur, 0, sizeof *cur);
                    cur->byte_start = (int)i;
                    cur_len = 0;
                    cur_full = 0;
                } else {
                    /* Over capacity: keep counting words without storing them. */
                    while (i < n) {
                        uint32_t c2;
                        const int u2 = utf8_next(text + i, n - i, &c2);
                        if (is_space(c2) || is_punct(c2)) break;
                        i += (size_t)u2;
                    }
                    continue;
                }
            }
            if (!cur_full) cur_full = !append_cp(cur->text, &cur_len, sizeof cur->text, cp);
            i += (size_t)used;
            cur->byte_len = (int)i - cur->byte_start;
        }
    }
    for (int k = 0; k < n_out; k++) {
        int id = v ? tok_vocab_find(v, out[k].text) : -1;
        out[k].id = id >= 0 ? id : TOK_UNK;
        out[k].is_unk = id < 0 || id == TOK_UNK;
    }
    if (n_total) *n_total = total;
    return n_out;
}

/* ---------- detokenizing ---------- */

static int no_space_before(const char *w)
{
    return w[0] && !w[1] && strchr(".,!?;:", w[0]) != NULL;
}

int tok_detokenize(const tok_vocab *v, const int *ids, int n, char *dst, size_t dst_len)
{
    if (!dst || dst_len == 0) return 0;
    dst[0] = '\0';
    size_t len = 0;
    int first = 1;
    for (int i = 0; ids && i < n; i++) {
        /* <pad>, <bos> and <eos> are structure, not words; <unk> is shown so an
         * unknown output word is never silently dropped. */
        if (ids[i] == TOK_PAD || ids[i] == TOK_BOS || ids[i] == TOK_EOS) continue;
        const char *w = tok_vocab_word(v, ids[i]);
        const int sep = !first && !no_space_before(w);
        const size_t wl = strlen(w);
        if (len + (size_t)sep + wl + 1 > dst_len) break; /* no room: stop at a word boundary */
        if (sep) dst[len++] = ' ';
        memcpy(dst + len, w, wl);
        len += wl;
        dst[len] = '\0';
        first = 0;
    }
    return (int)len;
}

/* ---------- nearest words ---------- */

#define TOK_CP_MAX TOK_WORD_MAX

static int to_cps(const char *s, uint32_t *cps)
{
    size_t n = strlen(s), i = 0;
    int k = 0;
    while (i < n && k < TOK_CP_MAX) i += (size_t)utf8_next(s + i, n - i, &cps[k++]);
    return k;
}

/* Levenshtein distance of two code-point strings, two rows of DP. */
static int edit_distance(const uint32_t *a, int na, const uint32_t *b, int nb)
{
    int prev[TOK_CP_MAX + 1], cur[TOK_CP_MAX + 1];
    for (int j = 0; j <= nb; j++) prev[j] = j;
    for (int i = 1; i <= na; i++) {
        cur[0] = i;
        for (int j = 1; j <= nb; j++) {
            int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            int del = prev[j] + 1, ins = cur[j - 1] + 1;
            int m = sub < del ? sub : del;
            cur[j] = m < ins ? m : ins;
        }
        memcpy(prev, cur, (size_t)(nb + 1) * sizeof *prev);
    }
    return prev[nb];
}

/* 1 when typing w gives w back as one token (not "Dog", "don't", "a b"). */
static int word_typeable(const char *w)
{
    char form[TOK_WORD_MAX];
    return tok_word_form(w, form, sizeof form) == 1 && strcmp(form, w) == 0;
}

int tok_nearest(const tok_vocab *v, const char *word, int *ids, int k)
{
    if (!v || !v->words || !word || !ids || k <= 0) return 0;
    char norm[TOK_WORD_MAX];
    tok_normalize(word, norm, sizeof norm);
    uint32_t a[TOK_CP_MAX], b[TOK_CP_MAX];
    const int na = to_cps(norm, a);
    int latin = 0;
    for (int i = 0; i < na && !latin; i++) latin = (a[i] >= 'a' && a[i] <= 'z') || (a[i] >= 0xC0 && a[i] <= 0x24F);
    if (!latin) return 0;
    const int max_d = (na + 1) / 2 > 1 ? (na + 1) / 2 : 1;
    int dist[64];
    if (k > 64) k = 64;
    int found = 0;
    /* Keep the k best (smallest distance, then smallest id) in sorted order. */
    for (int id = 4; id < v->size; id++) {
        const int nb = to_cps(v->words[id], b);
        const int d = edit_distance(a, na, b, nb);
        if (d > max_d || (found == k && d >= dist[found - 1])) continue;
        if (!word_typeable(v->words[id])) continue; /* offering it would give <unk> again */
        int pos = found < k ? found++ : k - 1;
        while (pos > 0 && dist[pos - 1] > d) {
            dist[pos] = dist[pos - 1];
            ids[pos] = ids[pos - 1];
            pos--;
        }
        dist[pos] = d;
        ids[pos] = id;
    }
    return found;
}
