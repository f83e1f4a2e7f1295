/* model.c - a run of the model on one sentence that fills a trace: the
 * encoder, then greedy (or teacher-forced) decoding one row at a time. The
 * layers themselves are nn.c, the same code training runs.
 *
 * Decoding is incremental: step t computes decoder row t only, reusing the
 * K and V rows < t already stored in the trace (the trace is the KV cache).
 * Teacher-forced runs use the very same step, so greedy and teacher-forced
 * logits are bit-identical.
 * What it must not do: allocate per run (everything lives in the trace), print,
 * exit, or know about files or drawing.
 */
#include "kernels.h"
#include "model.h"
#include "nn.h"
#include "tok.h"
#include "trace.h"
#include "errmsg.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t err_len, const char *fmt, int a, int b)
{
    if (err && err_len) snprintf(err, err_len, fmt, a, b);
    return -1;
}

static int fail_msg(char *err, size_t err_len, const char *msg)
{
    if (err && err_len) snprintf(err, err_len, "%s", msg);
    return -1;
}

/* The shape of a run of the app: one sentence in a trace of L rows. */
static nn_shape run_shape(const trace *t)
{
    const int L = t->cfg.max_len;
    const nn_shape s = { 1, L, L, t->n_src, NULL, NULL, NULL };
    return s;
}

/* The encoder, then the cross-attention keys and values of every decoder
 * layer (they depend only on the memory: projected once per run). */
static void encode(const model_params *p, trace *t)
{
    const nn_shape s = run_shape(t);
    nn_encoder_forward(t, p, t->src_ids, &s);
    nn_memory_forward(t, p, &s);
}

/* Computes decoder rows [r0, r1) given tgt_ids[0..r1), with self-attention over
 * keys [0, r1), and the logits and probabilities of those rows. */
static void decode_rows(const model_params *p, trace *t, int r0, int r1, int causal)
{
    const nn_shape s = run_shape(t);
    nn_decoder_forward(t, p, t->tgt_ids, r0, r1, causal, &s);
}

static int argmax(const float *x, int n)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        if (x[i] > x[best]) best = i;
    return best;
}

/* Runs decoder row t (step t): incremental under the causal mask, every row
 * again without it (earlier rows then see the new token and change). */
static void decode_step(const model_params *p, trace *t, int step)
{
    if (t->opts.no_causal_mask)
        decode_rows(p, t, 0, step + 1, 0);
    else
        decode_rows(p, t, step, step + 1, 1);
}

/* After decoding under the causal mask: the scores a lesson shows "before
 * masking" for j > i (q_i . k_j), masked -INFINITY, weights exactly 0. */
static void fill_upper_triangle(const model_params *p, trace *t)
{
    const model_config *c = &p->cfg;
    const int D = c->d_model, H = c->n_heads, K = D / H, L = c->max_len, T = t->n_tgt;
    const float inv_sqrt_k = 1.0f / sqrtf((float)K);
    for (int l = 0; l < c->n_dec_layers; l++) {
        trace_attn *a = &t->dec[l].self;
        for (int h = 0; h < H; h++)
            for (int i = 0; i + 1 < T; i++) {
                const size_t row = ((size_t)h * L + i) * L;
                const float *qi = a->q + ((size_t)h * L + i) * K;
                for (int j = i + 1; j < T; j++) {
                    /* summed over d in order, as nn_attend_forward sums the scores it uses */
                    const float *kj = a->k + ((size_t)h * L + j) * K;
                    float s = 0.0f;
                    for (int d = 0; d < K; d++) s += qi[d] * kj[d];
                    a->scores[row + j] = s;
                    a->scaled[row + j] = a->scores[row + j] * inv_sqrt_k;
                    a->masked[row + j] = -INFINITY;
                    a->weights[row + j] = 0.0f;
                }
            }
    }
}

static void decode_finish(const model_params *p, trace *t)
{
    t->n_out = t->finished ? t->n_tgt - 1 : t->n_tgt;
    if (!t->opts.no_causal_mask) fill_upper_triangle(p, t);
}

/* ---------- checks and entry points ---------- */

static int check_run(const model_params *p, const trace *t, char *err, size_t err_len)
{
    if (!p || !p->memory || !p->embedding) return fail_msg(err, err_len, "no model loaded");
    if (!t || !t->block) return fail_msg(err, err_len, "trace not initialised (call trace_init)");
    if (model_config_check(&p->cfg, err, err_len) != 0) return -1;
    const model_config *a = &p->cfg, *b = &t->cfg;
    if (a->d_model != b->d_model || a->n_heads != b->n_heads || a->n_enc_layers != b->n_enc_layers ||
        a->n_dec_layers != b->n_dec_layers || a->d_ff != b->d_ff || a->vocab_size != b->vocab_size ||
        a->max_len != b->max_len)
        return fail_msg(err, err_len, "trace was made for another model size (re-run trace_init)");
    return 0;
}

static int check_ids(const int *ids, int n, int L, int V, const char *what, char *err, size_t err_len)
{
    if (!ids || n < 1 || n > L) {
        if (err && err_len)
            snprintf(err, err_len, N_("%s length %d is out of range: it must be 1..%d"), what, ids ? n : 0, L);
        return -1;
    }
    for (int i = 0; i < n; i++)
        if (ids[i] < 0 || ids[i] >= V) {
            if (err && err_len)
                snprintf(err, err_len, N_("%s id %d at position %d is out of range: ids are 0..%d"), what, ids[i], i,
                         V - 1);
            return -1;
        }
    return 0;
}

static void set_opts(trace *t, const trace_opts *opts)
{
    if (opts) t->opts = *opts;
    else memset(&t->opts, 0, sizeof t->opts);
}

/* Clears the sentence-related fields: a run on ids has no text. */
static void reset_text(trace *t)
{
    free(t->sentence);
    t->sentence = NULL;
    t->n_words = t->n_words_total = t->truncated = t->n_unk = 0;
}

int model_run_ids(const model_params *p, const int *src_ids, int n_src, const int *tgt_ids, int n_tgt,
                  const trace_opts *opts, trace *t, char *err, size_t err_len)
{
    if (check_run(p, t, err, err_len) != 0) return -1;
    if (trace_opts_check(opts, &p->cfg, err, err_len) != 0) return -1;
    const int L = p->cfg.max_len, V = p->cfg.vocab_size;
    if (check_ids(src_ids, n_src, L, V, "source", err, err_len) != 0) return -1;
    if (check_ids(tgt_ids, n_tgt, L, V, "target", err, err_len) != 0) return -1;
    /* Copy first: the caller may pass the trace's own arrays. */
    memmove(t->src_ids, src_ids, (size_t)n_src * sizeof(int));
    memmove(t->tgt_ids, tgt_ids, (size_t)n_tgt * sizeof(int));
    reset_text(t);
    set_opts(t, opts);
    t->n_src = n_src;
    t->n_tgt = 0;
    t->finished = 0;
    encode(p, t);
    if (t->opts.no_causal_mask) {
        decode_rows(p, t, 0, n_tgt, 0);
    } else {
        for (int s = 0; s < n_tgt; s++) decode_step(p, t, s);
    }
    t->n_tgt = n_tgt;
    for (int s = 0; s < n_tgt; s++) t->out_ids[s] = argmax(t->logits + (size_t)s * V, V);
    /* n_out: the predictions up to and including the first <eos>, which is excluded. */
    t->n_out = n_tgt;
    for (int s = 0; s < n_tgt; s++)
        if (t->out_ids[s] == TOK_EOS) {
            t->n_out = s;
            t->finished = 1;
            break;
        }
    if (!t->opts.no_causal_mask) fill_upper_triangle(p, t);
    trace_check_finite(t); /* the numeric guard: t->nonfinite */
    return 0;
}

/* The encoder on t->src_ids[0..n_src), then decoding from <bos> until <eos>, L rows or opts.max_steps,
 * with t->opts: each next token is pick(row's logits) (NULL: the argmax, greedy decoding). */
static void greedy_decode(const model_params *p, trace *t, model_pick_fn pick, void *user)
{
    const int L = p->cfg.max_len, V = p->cfg.vocab_size;
    int max_rows = t->opts.max_steps > 0 && t->opts.max_steps < L ? t->opts.max_steps : L;
    t->n_tgt = 0;
    t->finished = 0;
    encode(p, t);
    t->tgt_ids[0] = TOK_BOS;
    for (int s = 0; s < max_rows; s++) {
        decode_step(p, t, s);
        t->n_tgt = s + 1;
        const float *row = t->logits + (size_t)s * V;
        const int picked = pick ? pick(row, V, user) : argmax(row, V);
        const int next = picked >= 0 && picked < V ? picked : argmax(row, V);
        t->out_ids[s] = next;
        if (next == TOK_EOS) {
            t->finished = 1;
            break;
        }
        if (s + 1 < max_rows) t->tgt_ids[s + 1] = next;
    }
    /* Without the causal mask every row was recomputed at the last step, so the
     * logits of earlier rows may no longer agree with the tokens taken from
     * them: out_ids keep the tokens actually taken (that is the demo's point). */
    assert(t->n_tgt >= 1 && t->n_tgt <= L);
    decode_finish(p, t);
    trace_check_finite(t); /* the numeric guard: t->nonfinite */
}

int model_translate(const model_params *p, const tok_vocab *vocab, const char *sentence, const trace_opts *opts,
                    trace *t, char *err, size_t err_len)
{
    if (check_run(p, t, err, err_len) != 0) return -1;
    if (trace_opts_check(opts, &p->cfg, err, err_len) != 0) return -1;
    if (!vocab || !vocab->words) return fail_msg(err, err_len, "no vocabulary");
    if (!sentence) sentence = "";
    const int L = p->cfg.max_len, V = p->cfg.vocab_size;
    if (vocab->size > V)
        return fail(err, err_len, N_("vocabulary has %d words but the model only %d embeddings"), vocab->size, V);

    reset_text(t);
    size_t len = strlen(sentence);
    t->sentence = malloc(len + 1);
    if (!t->sentence) return fail_msg(err, err_len, "out of memory");
    memcpy(t->sentence, sentence, len + 1);
    const int cap = (int)(sizeof t->src_tokens / sizeof t->src_tokens[0]);
    int total = 0;
    int n = tok_tokenize(vocab, sentence, t->src_tokens, cap, &total);
    t->n_words_total = total;
    t->n_words = n < L - 1 ? n : L - 1;
    t->truncated = total > t->n_words;
    t->n_unk = 0;
    for (int i = 0; i < t->n_words; i++) {
        t->src_ids[i] = t->src_tokens[i].id;
        t->n_unk += t->src_tokens[i].is_unk;
    }
    t->src_ids[t->n_words] = TOK_EOS;
    t->n_src = t->n_words + 1;
    set_opts(t, opts);
    greedy_decode(p, t, NULL, NULL);
    return 0;
}

int model_translate_ids(const model_params *p, const int *src_ids, int n_src, const trace_opts *opts, trace *t,
                        char *err, size_t err_len)
{
    return model_decode_ids(p, src_ids, n_src, opts, NULL, NULL, t, err, err_len);
}

int model_decode_ids(const model_params *p, const int *src_ids, int n_src, const trace_opts *opts, model_pick_fn pick,
                     void *user, trace *t, char *err, size_t err_len)
{
    if (check_run(p, t, err, err_len) != 0) return -1;
    if (trace_opts_check(opts, &p->cfg, err, err_len) != 0) return -1;
    if (check_ids(src_ids, n_src, p->cfg.max_len, p->cfg.vocab_size, "source", err, err_len) != 0) return -1;
    memmove(t->src_ids, src_ids, (size_t)n_src * sizeof(int));
    reset_text(t);
    t->n_src = n_src;
    set_opts(t, opts);
    greedy_decode(p, t, pick, user);
    return 0;
}

