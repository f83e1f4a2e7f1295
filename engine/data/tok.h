/* tok.h - the word-level tokenizer and the one vocabulary shared by source and
 * target.
 *
 * Rules: text is split on white space; punctuation is its own token; letters
 * are lower-cased (ASCII and the Latin-1 letters, so "Über" -> "über"; ß stays);
 * UTF-8 is kept intact, so umlauts survive a round trip. Invalid UTF-8 bytes and
 * control characters never crash: control characters count as white space and
 * each invalid byte becomes U+FFFD inside the word it sits in (which is then
 * <unk>). Emoji and other symbols are ordinary word characters and so become
 * <unk> unless the vocabulary has them. Empty input gives zero words.
 */
#ifndef TOK_H
#define TOK_H

#include <stddef.h>

enum { TOK_PAD = 0, TOK_BOS = 1, TOK_EOS = 2, TOK_UNK = 3 }; /* ids of the specials, always first */

#define TOK_WORD_MAX 64   /* bytes of one token's text, NUL included (longer words are cut at a UTF-8 boundary) */

typedef struct {
    char **words;         /* [V] NUL-terminated UTF-8, index = id */
    int size;             /* V */
    int *hash;            /* open-addressing table of ids, hash_cap long, -1 empty */
    int hash_cap;
} tok_vocab;

/* One token of a tokenized sentence. */
typedef struct {
    char text[TOK_WORD_MAX]; /* the normalised (lower-cased) text as it appears in the sentence */
    int id;                  /* vocabulary id; TOK_UNK when unknown */
    int is_unk;              /* 1 when the word is not in the vocabulary */
    int byte_start;          /* where the word starts in the input, in bytes */
    int byte_len;            /* its length in the input, in bytes */
} tok_token;

/* The words array must start with "<pad>", "<bos>", "<eos>", "<unk>". Copies
 * the strings. 0 on success; -1 with a message in err otherwise (duplicate
 * word, missing specials, out of memory). */
int tok_vocab_init(tok_vocab *v, const char *const *words, int n, char *err, size_t err_len);
void tok_vocab_free(tok_vocab *v);                    /* accepts NULL */
int tok_vocab_find(const tok_vocab *v, const char *word); /* id or -1 */
const char *tok_vocab_word(const tok_vocab *v, int id);   /* "<?>" when out of range */

/* Splits text into at most max_tokens tokens (looked up in v when v is not
 * NULL). Returns how many tokens were written; *n_total receives how many words
 * the text really has (so n_total > return value means the text was cut). */
int tok_tokenize(const tok_vocab *v, const char *text, tok_token *out, int max_tokens, int *n_total);

/* Lower-cases one word the way the tokenizer does (dst gets at most dst_len
 * bytes, NUL included). */
void tok_normalize(const char *src, char *dst, size_t dst_len);
/* How the tokenizer reads a vocabulary word: returns the number of tokens it
 * makes of word (1: the word can be typed; "don't" is 3, "a b" 2, " " 0) and
 * writes the first token's text, the word lower-cased, into dst (dst_len bytes,
 * NUL included; "" when there is none). A word that gives more than 1 can only
 * ever be an output of the model, never matched in a sentence. */
int tok_word_form(const char *word, char *dst, size_t dst_len);

/* Joins ids into readable text: words separated by spaces, no space before
 * punctuation, specials skipped. Returns the length written (dst always
 * NUL-terminated). */
int tok_detokenize(const tok_vocab *v, const int *ids, int n, char *dst, size_t dst_len);

/* The k vocabulary words closest to word by edit distance in code points (for
 * "did you mean"), nearest first. Writes up to k ids, returns how many.
 * Specials are never offered, nor words more than max(1, (n + 1) / 2) edits
 * away for a word of n code points, nor a word that typing cannot give back
 * (an output-only word such as "don't", which the tokenizer splits), and a
 * word without a Latin letter (a-z, U+00C0..U+024F: an emoji, Chinese, digits)
 * gets none: "🐶" is not a typo of "a". */
int tok_nearest(const tok_vocab *v, const char *word, int *ids, int k);

#endif
