/* quiz.c - the quiz's questions (quiz.h): each answer read from the live trace,
 * each wrong choice another value of the same run.
 *
 * Must not: draw, translate, run the model or change the trace.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "quiz.h"
#include "rng.h"

/* A random index 0..n-1 (n >= 1). */
static int pick(uint64_t *rs, int n) { return (int)(rng_next(rs) % (uint64_t)n); }

/* The source word at position j as the model read it: the typed word, or the vocabulary's (<eos>, <unk>). */
static const char *src_word(const trace *tr, const tok_vocab *v, int j)
{
    if (j < tr->n_words && tr->src_ids[j] != TOK_UNK) return tr->src_tokens[j].text;
    return tok_vocab_word(v, tr->src_ids[j]);
}

/* Puts choice 0 (the answer) at a random place among the n choices (a Fisher-Yates shuffle). */
static void shuffle(quiz_question *q, uint64_t *rs)
{
    for (int i = q->n_choices - 1; i > 0; i--) {
        int j = pick(rs, i + 1);
        quiz_choice tmp = q->choice[i];
        q->choice[i] = q->choice[j];
        q->choice[j] = tmp;
        if (q->answer == i) q->answer = j;
        else if (q->answer == j) q->answer = i;
    }
}

/* Indices of the n largest of x[0..len), best first, skipping those skip() refuses; returns how many. */
typedef int (*quiz_skip_fn)(const trace *tr, const int *taken, int n_taken, int i);
static int top_ranked(const trace *tr, const float *x, int len, int want, quiz_skip_fn skip, int *out)
{
    int n = 0;
    while (n < want) {
        int best = -1;
        for (int i = 0; i < len; i++) {
            if (skip(tr, out, n, i)) continue;
            if (best < 0 || x[i] > x[best]) best = i;
        }
        if (best < 0) break;
        out[n++] = best;
    }
    return n;
}

/* ATTEND: a source position whose word is already a choice (a repeated "the") is no new choice. */
static int skip_same_word(const trace *tr, const int *taken, int n_taken, int i)
{
    for (int k = 0; k < n_taken; k++)
        if (taken[k] == i || tr->src_ids[taken[k]] == tr->src_ids[i]) return 1;
    return 0;
}

/* NEXT: a token taken already, or one the model never outputs as a word (<pad>, <bos>, <unk>). */
static int skip_special(const trace *tr, const int *taken, int n_taken, int i)
{
    (void)tr;
    if (i == TOK_PAD || i == TOK_BOS || i == TOK_UNK) return 1;
    for (int k = 0; k < n_taken; k++)
        if (taken[k] == i) return 1;
    return 0;
}

static int make_attend(const trace *tr, const tok_vocab *v, uint64_t *rs, int layer, int head, quiz_question *q)
{
    const int L = tr->cfg.max_len, S = tr->n_src;
    int steps = tr->n_out > 0 ? tr->n_out : tr->n_tgt; /* steps that produce a word, not <eos> */
    if (steps < 1 || layer < 0 || layer >= tr->cfg.n_dec_layers || head < 0 || head >= tr->cfg.n_heads) return -1;
    q->attn_kind = 2;
    q->layer = layer; q->head = head;
    q->row = pick(rs, steps);
    q->word_id = tr->out_ids[q->row];
    const float *w = tr->dec[layer].cross.weights + ((size_t)head * L + (size_t)q->row) * L;
    int pos[QUIZ_CHOICES];
    q->n_choices = top_ranked(tr, w, S, QUIZ_CHOICES, skip_same_word, pos);
    if (q->n_choices < 2) return -1;
    for (int i = 0; i < q->n_choices; i++) {
        snprintf(q->choice[i].text, sizeof q->choice[i].text, "%s", src_word(tr, v, pos[i]));
        q->choice[i].ref = pos[i];
        q->choice[i].value = w[pos[i]];
    }
    return 0;
}

static int make_next(const trace *tr, const tok_vocab *v, uint64_t *rs, quiz_question *q)
{
    const int V = tr->cfg.vocab_size;
    if (tr->n_tgt < 1) return -1;
    q->row = pick(rs, tr->n_tgt);
    const float *lg = tr->logits + (size_t)q->row * V, *pr = tr->probs + (size_t)q->row * V;
    int ids[QUIZ_CHOICES];
    q->n_choices = top_ranked(tr, lg, V, QUIZ_CHOICES, skip_special, ids);
    if (q->n_choices < 2 || ids[0] != tr->out_ids[q->row]) return -1; /* the greedy token is the argmax */
    for (int i = 0; i < q->n_choices; i++) {
        snprintf(q->choice[i].text, sizeof q->choice[i].text, "%s", tok_vocab_word(v, ids[i]));
        q->choice[i].ref = ids[i];
        q->choice[i].value = pr[ids[i]];
    }
    return 0;
}

/* Choice k as a row of n numbers of x with stride: its first QUIZ_ROW_SHOWN numbers kept, and as text
 * "0.12  0.80  -1.30  …" (for the dump and the tests; the app draws the numbers); returns their sum (all n). */
static float row_text(quiz_question *q, int k, const float *x, int n, int stride)
{
    float sum = 0.0f;
    quiz_choice *c = &q->choice[k];
    char *dst = c->text;
    size_t at = 0, len = sizeof c->text;
    dst[0] = 0;
    c->row_len = n;
    for (int i = 0; i < n; i++) {
        float f = x[(size_t)i * (size_t)stride];
        sum += f;
        if (i >= QUIZ_ROW_SHOWN) continue;
        c->row[i] = f;
        if (at < len) at += (size_t)snprintf(dst + at, len - at, "%s%.2f", i ? "  " : "", (double)f); /* numfmt: weights in [0, 1] at two decimals, a row read as a row */
    }
    if (n > QUIZ_ROW_SHOWN && at < len) snprintf(dst + at, len - at, "  \xE2\x80\xA6");
    return sum;
}

/* ROWSUM: one query row of the softmax weights of an encoder self-attention or
 * cross-attention head, against that head's scaled scores, raw scores and weight
 * columns, each of which sums to something else than 1 (|sum - 1| > 0.05). */
static int make_rowsum(const trace *tr, uint64_t *rs, quiz_question *q)
{
    const int L = tr->cfg.max_len;
    int cross = tr->n_tgt > 0 && pick(rs, 2);
    q->attn_kind = cross ? 2 : 0;
    q->layer = pick(rs, cross ? tr->cfg.n_dec_layers : tr->cfg.n_enc_layers);
    q->head = pick(rs, tr->cfg.n_heads);
    int nq = cross ? tr->n_tgt : tr->n_src, nk = tr->n_src;
    if (nk < 2) return -1;
    q->row = pick(rs, nq);
    q->word_id = cross ? tr->tgt_ids[q->row] : tr->src_ids[q->row];
    const trace_attn *a = cross ? &tr->dec[q->layer].cross : &tr->enc[q->layer].self;
    size_t at = ((size_t)q->head * L + (size_t)q->row) * L, h0 = (size_t)q->head * L * L;
    q->choice[0].value = row_text(q, 0, a->weights + at, nk, 1);
    q->choice[0].ref = QUIZ_ROW_WEIGHTS;
    q->n_choices = 1;
    const int first_col = pick(rs, nk);
    for (int c = 0; c < 2 + nk && q->n_choices < QUIZ_CHOICES; c++) {
        const float *x;
        int n = nk, stride = 1, role;
        if (c == 0) { x = a->scaled + at; role = QUIZ_ROW_SCALED; }
        else if (c == 1) { x = a->scores + at; role = QUIZ_ROW_SCORES; }
        else { x = a->weights + h0 + (size_t)((first_col + c - 2) % nk); n = nq; stride = L; role = QUIZ_ROW_COLUMN; }
        int k = q->n_choices;
        float sum = row_text(q, k, x, n, stride);
        if (!(fabsf(sum - 1.0f) > 0.05f) || n < 2) continue; /* sums to about 1 too (or NaN): no fair distractor */
        q->choice[k].value = sum;
        q->choice[k].ref = role;
        q->n_choices++;
    }
    return q->n_choices >= 2 ? 0 : -1;
}

/* SHAPE: Q·Kᵀ of one head is (query rows) × (key rows); the wrong ones mix in d_k and swap the sides. */
static int make_shape(const trace *tr, uint64_t *rs, quiz_question *q)
{
    int kinds = tr->n_tgt > 0 ? 3 : 1;
    q->attn_kind = pick(rs, kinds);
    q->layer = pick(rs, q->attn_kind ? tr->cfg.n_dec_layers : tr->cfg.n_enc_layers);
    q->head = pick(rs, tr->cfg.n_heads);
    int nq = q->attn_kind ? tr->n_tgt : tr->n_src, nk = q->attn_kind == 1 ? tr->n_tgt : tr->n_src, dk = q->dk;
    const int cand[][2] = {{nq, nk}, {nq, dk}, {nk, nq}, {dk, dk}, {dk, nk}, {nq, tr->cfg.d_model}, {nk, dk}};
    q->n_choices = 0;
    for (size_t c = 0; c < sizeof cand / sizeof cand[0] && q->n_choices < QUIZ_CHOICES; c++) {
        char s[sizeof q->choice[0].text];
        snprintf(s, sizeof s, "%d \xC3\x97 %d", cand[c][0], cand[c][1]);
        int dup = 0;
        for (int k = 0; k < q->n_choices; k++) dup |= strcmp(q->choice[k].text, s) == 0;
        if (dup) continue;
        memcpy(q->choice[q->n_choices++].text, s, sizeof s);
    }
    return q->n_choices >= 2 ? 0 : -1;
}

int quiz_make(const trace *tr, const tok_vocab *vocab, int kind, uint64_t seed, int cross_layer, int cross_head,
              quiz_question *q)
{
    memset(q, 0, sizeof *q);
    if (!tr || !vocab || tr->n_src < 1) return -1;
    uint64_t rs = rng_mix(seed * 4u + (uint64_t)kind);
    q->kind = kind;
    q->S = tr->n_src;
    q->T = tr->n_tgt;
    q->dk = tr->cfg.d_model / tr->cfg.n_heads;
    int rc = -1;
    switch (kind) {
    case QUIZ_ATTEND: rc = make_attend(tr, vocab, &rs, cross_layer, cross_head, q); break;
    case QUIZ_NEXT: rc = make_next(tr, vocab, &rs, q); break;
    case QUIZ_ROWSUM: rc = make_rowsum(tr, &rs, q); break;
    case QUIZ_SHAPE: rc = make_shape(tr, &rs, q); break;
    default: break;
    }
    if (rc != 0) { memset(q, 0, sizeof *q); return -1; }
    q->answer = 0; /* every maker puts the model's answer first */
    shuffle(q, &rs);
    return 0;
}

int quiz_is_right(const quiz_question *q, int choice)
{
    return q && q->n_choices > 0 && choice == q->answer;
}
