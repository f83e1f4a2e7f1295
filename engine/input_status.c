/* input_status.c - whether a translation can be trusted (see input_status.h):
 * unknown words, no <eos> within the length limit, a sentence the corpus
 * grammar cannot parse, or in the grammar with its reference translation.
 *
 * Must not: include SDL or draw; change the trace.
 */
#include <stdio.h>
#include <string.h>

#include "corpus.h"
#include "errmsg.h"
#include "input_status.h"

const char *input_status_slug(input_status_kind k)
{
    switch (k) {
    case INPUT_UNKNOWN_WORDS: return "unknown_words";
    case INPUT_OUTSIDE_GRAMMAR: return "outside_grammar";
    case INPUT_NO_EOS: return "no_eos";
    default: return "in_grammar";
    }
}

/* Appends printf text to dst (always NUL-terminated, cut when full). */
static void add(char *dst, size_t n, const char *fmt, const char *a, int i)
{
    size_t len = strlen(dst);
    if (len + 1 < n) snprintf(dst + len, n - len, fmt, a, i);
}

/* The unknown words, quoted, at most four ("hello", "weather", ...). */
static void unknown_list(const trace *t, char *dst, size_t n)
{
    dst[0] = 0;
    int shown = 0;
    for (int i = 0; i < t->n_words; i++) {
        if (!t->src_tokens[i].is_unk) continue;
        if (shown == 4) { add(dst, n, ", ...", "", 0); break; }
        add(dst, n, shown ? ", \"%s\"" : "\"%s\"", t->src_tokens[i].text, 0);
        shown++;
    }
}

/* The grammar's reference for the words as typed: 0 and out filled, or -1 and why in err. */
static int reference(const trace *t, corpus_pair *out, char *err, size_t n)
{
    char english[4096] = "";
    for (int i = 0; i < t->n_words; i++) add(english, sizeof english, i ? " %s" : "%s", t->src_tokens[i].text, 0);
    if (t->truncated) {
        snprintf(err, n, N_("the sentence has %d words and the model reads at most %d, the rest was cut"), t->n_words_total, t->n_words);
        return -1;
    }
    return corpus_translate(english, out, err, n);
}

/* The reference as the model's output is written (tok_detokenize: no space
 * before "," and "."), or the grammar's own text when a word is not in vocab. */
static void reference_text(const corpus_pair *ref, const tok_vocab *vocab, char *dst, size_t n)
{
    int ids[CORPUS_MAX_WORDS];
    for (int i = 0; i < ref->n_tgt; i++)
        if ((ids[i] = tok_vocab_find(vocab, corpus_word(ref->tgt_ids[i]))) < 0) { corpus_pair_text(ref, 1, dst, n); return; }
    tok_detokenize(vocab, ids, ref->n_tgt, dst, n);
}

/* 1 when the model's output is the reference word for word. */
static int same_words(const trace *t, const tok_vocab *vocab, const corpus_pair *ref)
{
    if (t->n_out != ref->n_tgt) return 0;
    for (int i = 0; i < t->n_out; i++)
        if (strcmp(tok_vocab_word(vocab, t->out_ids[i]), corpus_word(ref->tgt_ids[i])) != 0) return 0;
    return 1;
}

void input_status_judge(const trace *t, const tok_vocab *vocab, input_status *out)
{
    memset(out, 0, sizeof *out);
    if (!t || !vocab || t->n_words <= 0) {
        out->kind = INPUT_OUTSIDE_GRAMMAR;
        snprintf(out->reason, sizeof out->reason, N_("no sentence to judge"));
        return;
    }
    char words[300], why[300], first[600];
    corpus_pair ref;
    int in_grammar = reference(t, &ref, why, sizeof why) == 0;
    if (in_grammar) {
        out->has_reference = 1;
        reference_text(&ref, vocab, out->reference, sizeof out->reference);
        out->agrees = same_words(t, vocab, &ref);
    }
    /* one whole sentence per case (the app translates it as one, errmsg.h), then the other problems */
    char *r = out->reason;
    size_t rn = sizeof out->reason;
    if (t->n_unk > 0) {
        out->kind = INPUT_UNKNOWN_WORDS;
        unknown_list(t, words, sizeof words);
        snprintf(first, sizeof first,
                 t->n_unk == 1 ? N_("a word the model never learned: %s; it is read as <unk> and the translation is a guess")
                               : N_("words the model never learned: %s; they are read as <unk> and the translation is a guess"),
                 words);
    } else if (!t->finished) {
        out->kind = INPUT_NO_EOS;
        snprintf(first, sizeof first, N_("decoding reached the limit of %d tokens without <eos>: the model did not finish the sentence"),
                 t->n_tgt);
    } else if (!in_grammar) {
        out->kind = INPUT_OUTSIDE_GRAMMAR;
        snprintf(first, sizeof first, N_("the corpus grammar cannot parse this sentence (%s): the model never saw one like it"), why);
    } else {
        out->kind = INPUT_IN_GRAMMAR;
        snprintf(r, rn, out->agrees ? N_("in the corpus grammar; its reference translation is \"%.400s\" and the model agrees")
                                    : N_("in the corpus grammar; its reference translation is \"%.400s\" and the model's differs"),
                 out->reference);
        return;
    }
    snprintf(r, rn, "%s", first);
    if (out->kind != INPUT_NO_EOS && !t->finished) {
        snprintf(first, sizeof first, "%s", r);
        errmsg_set(r, rn, N_("%s; decoding also reached the limit of %d tokens without <eos>"), first, t->n_tgt);
    }
    if (out->kind != INPUT_OUTSIDE_GRAMMAR && !in_grammar && out->kind != INPUT_UNKNOWN_WORDS) {
        snprintf(first, sizeof first, "%s", r);
        errmsg_set(r, rn, N_("%s; the corpus grammar cannot parse it either (%s)"), first, why);
    }
}
