/* weights_vocab.c - the vocabulary of a weights file (metadata "vocab", a JSON
 * array of strings kept as a string), read and checked for weights.c: the four
 * specials first, V words, each 1..63 bytes, no duplicates, and every word
 * lower-cased on load as the tokenizer lower-cases typed text, so "Dog" is found
 * when the user types "Dog" (two words that are one once lower-cased are
 * refused). A word the tokenizer would split ("don't") stays: the model can
 * still output it; tok_nearest never offers it. Must not print or exit.
 */
#include "weights_vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "tok.h"

static int str_ptr_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int find_id(const char *const *words, int n, const char *w, int skip)
{
    for (int i = 0; i < n; i++)
        if (i != skip && strcmp(words[i], w) == 0) return i;
    return -1;
}

/* Fills words[] from the JSON array (orig keeps the file's spelling) and
 * lower-cases words 4.. into norm, a block as long as the array's JSON text (which
 * is longer than its decoded words with a NUL each: quotes and commas); checks each. */
static int read_words(const json_value *arr, const char **words, const char **orig, char *norm, char *err,
                      size_t err_len)
{
    static const char *const specials[4] = { "<pad>", "<bos>", "<eos>", "<unk>" };
    char buf[100], form[TOK_WORD_MAX];
    int i = 0;
    for (const json_value *w = arr->child; w; w = w->next, i++) {
        if (w->type != JSON_STRING) {
            errmsg_set(err, err_len, N_("vocab word %d is %s, not a string"), i, json_type_article(w->type));
            return -1;
        }
        if (w->str_len == 0 || w->str_len >= TOK_WORD_MAX || strlen(w->str) != w->str_len) {
            errmsg_set(err, err_len, N_("vocab word %d (\"%s\") is empty, longer than %d bytes or holds a NUL"), i,
                      json_printable(buf, sizeof buf, w->str, w->str_len), TOK_WORD_MAX - 1);
            return -1;
        }
        orig[i] = words[i] = w->str;
        if (i < 4) {
            if (strcmp(w->str, specials[i]) != 0) {
                errmsg_set(err, err_len, N_("vocab must start with <pad> <bos> <eos> <unk>, but id %d is \"%s\""), i,
                          json_printable(buf, sizeof buf, w->str, w->str_len));
                return -1;
            }
            continue;
        }
        tok_normalize(w->str, form, sizeof form);
        if (strlen(form) != w->str_len) { /* lower-casing keeps the length of every letter it changes */
            errmsg_set(err, err_len, N_("vocab word %d (\"%s\") changes length when lower-cased"), i,
                      json_printable(buf, sizeof buf, w->str, w->str_len));
            return -1;
        }
        memcpy(norm, form, strlen(form) + 1);
        words[i] = norm;
        norm += w->str_len + 1;
    }
    return 0;
}

/* No two words alike (after lower-casing): sort a copy of the pointers, compare neighbours. */
static int check_unique(const char **words, const char **orig, int V, char *err, size_t err_len)
{
    char buf[100], buf2[100];
    const char **sorted = malloc((size_t)V * sizeof *sorted);
    if (!sorted) {
        errmsg_set(err, err_len, N_("out of memory for a vocabulary of %d words"), V);
        return -1;
    }
    memcpy(sorted, words, (size_t)V * sizeof *sorted);
    qsort(sorted, (size_t)V, sizeof *sorted, str_ptr_cmp);
    const char *dup = NULL;
    for (int i = 1; i < V && !dup; i++)
        if (strcmp(sorted[i - 1], sorted[i]) == 0) dup = sorted[i];
    free(sorted);
    if (!dup) return 0;
    const int a = find_id(words, V, dup, -1), b = find_id(words, V, dup, a);
    if (strcmp(orig[a], orig[b]) == 0)
        errmsg_set(err, err_len, N_("vocab word \"%s\" appears twice (ids %d and %d)"),
                  json_printable(buf, sizeof buf, dup, strlen(dup)), a, b);
    else
        errmsg_set(err, err_len,
                  N_("vocab words \"%s\" (id %d) and \"%s\" (id %d) are the same word once lower-cased as typed text"),
                  json_printable(buf, sizeof buf, orig[a], strlen(orig[a])), a,
                  json_printable(buf2, sizeof buf2, orig[b], strlen(orig[b])), b);
    return -1;
}

/* The file's vocabulary, a JSON array of strings inside the string vs. */
static int parse_vocab(weights_model *m, const json_value *vs, const char **words, char *err, size_t err_len)
{
    const int V = m->params.cfg.vocab_size;
    json_doc doc = { 0 };
    char jerr[200];
    const char **orig = NULL;
    char *norm = NULL;
    int rc = -1;
    if (json_parse(&doc, vs->str, vs->str_len, jerr, sizeof jerr) != 0) {
        errmsg_set(err, err_len, N_("metadata \"vocab\" is not a JSON array of strings: %s"), jerr);
        return -1;
    }
    if (doc.root->type != JSON_ARRAY) {
        errmsg_set(err, err_len, N_("metadata \"vocab\" is not a JSON array of strings (it is %s)"),
                  json_type_article(doc.root->type));
    } else if (doc.root->n_children != (size_t)V) {
        errmsg_set(err, err_len, N_("vocab has %zu words but vocab_size is %d"), doc.root->n_children, V);
    } else if (!(orig = calloc((size_t)V, sizeof *orig)) || !(norm = malloc(vs->str_len + 1))) {
        errmsg_set(err, err_len, N_("out of memory for a vocabulary of %d words"), V);
    } else if (read_words(doc.root, words, orig, norm, err, err_len) == 0 &&
               check_unique(words, orig, V, err, err_len) == 0) {
        char verr[200];
        if (tok_vocab_init(&m->vocab, words, V, verr, sizeof verr) != 0)
            errmsg_set(err, err_len, N_("vocab: %s"), verr);
        else
            rc = 0;
    }
    free(norm);
    free(orig);
    json_free(&doc);
    return rc;
}

int weights_vocab_load(weights_model *m, const json_value *meta, char *err, size_t err_len)
{
    const int V = m->params.cfg.vocab_size;
    static const char *const specials[4] = { "<pad>", "<bos>", "<eos>", "<unk>" };
    const json_value *vs = json_get(meta, "vocab");
    const char **words = calloc((size_t)V, sizeof *words);
    char *names = NULL;
    int rc = -1;
    if (!words) {
        errmsg_set(err, err_len, N_("out of memory for a vocabulary of %d words"), V);
        return -1;
    }
    if (vs) {
        rc = parse_vocab(m, vs, words, err, err_len);
        m->has_vocab = rc == 0;
    } else if (!(names = malloc((size_t)V * 12))) {
        errmsg_set(err, err_len, N_("out of memory for a vocabulary of %d words"), V);
    } else {
        /* No vocabulary: "#<id>" names after the four specials. */
        for (int i = 0; i < V; i++) {
            if (i < 4) {
                words[i] = specials[i];
            } else {
                snprintf(names + (size_t)i * 12, 12, "#%d", i);
                words[i] = names + (size_t)i * 12;
            }
        }
        char verr[200];
        if (tok_vocab_init(&m->vocab, words, V, verr, sizeof verr) != 0) errmsg_set(err, err_len, N_("vocab: %s"), verr);
        else rc = 0;
    }
    free(names);
    free(words);
    return rc;
}
