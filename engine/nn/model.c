/* model.c - the forward pass of the post-LayerNorm encoder-decoder Transformer
 * ("Attention Is All You Need", section 3) that fills a trace, and greedy
 * decoding.
 *
 *   x = E[id] * sqrt(D) + PE
 *   encoder layer:  a = MHA(x, x, x); n1 = LN(x + a); f = W2 relu(W1 n1 + b1) + b2; out = LN(n1 + f)
 *   decoder layer:  s = MHA_causal(y, y, y); n1 = LN(y + s); c = MHA(n1, mem, mem);
 *                   n2 = LN(n1 + c); f = FFN(n2); out = LN(n2 + f)
 *   logits = dec_out E^T (shared embedding, no bias); probs = softmax(logits)
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
#include "tok.h"
#include "trace.h"

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

/* ---------- attention ---------- */

/* Projects rows [r0, r1) of x [L, D] through the rows of W (one of W_q, W_k,
 * W_v: [D, D]) into dst laid out per head [H, L, K]. Head h's outputs are rows
 * h*K..(h+1)*K of W, so each head is one kern_linear straight into place. */
static void project_heads(float *dst, const float *x, const float *w, const float *b, int r0, int r1,
                          const model_config *c)
{
    const int D = c->d_model, H = c->n_heads, K = D / H, L = c->max_len;
    for (int h = 0; h < H; h++)
        kern_linear(dst + ((size_t)h * L + r0) * K, x + (size_t)r0 * D, w + (size_t)h * K * D, b + (size_t)h * K,
                    r1 - r0, D, K);
}

static void project_q(const model_attn_params *p, trace_attn *a, const float *x, int r0, int r1,
                      const model_config *c)
{
    project_heads(a->q, x, p->in_proj_weight, p->in_proj_bias, r0, r1, c);
}

static void project_kv(const model_attn_params *p, trace_attn *a, const float *x, int r0, int r1,
                       const model_config *c)
{
    const size_t D = (size_t)c->d_model;
    project_heads(a->k, x, p->in_proj_weight + D * D, p->in_proj_bias + D, r0, r1, c);
    project_heads(a->v, x, p->in_proj_weight + 2 * D * D, p->in_proj_bias + 2 * D, r0, r1, c);
}

/* Attention for query rows [r0, r1) over keys [0, nk), given Q rows and K, V
 * rows already projected. Columns >= nk are not live: scores 0, masked
 * -INFINITY, weights 0. With causal, keys j > i are masked with -INFINITY. */
static void attend_rows(const model_attn_params *p, trace_attn *a, int r0, int r1, int nk, int causal,
                        const model_config *c)
{
    const int D = c->d_model, H = c->n_heads, K = D / H, L = c->max_len;
    const float inv_sqrt_k = 1.0f / sqrtf((float)K);
    for (int h = 0; h < H; h++) {
        const float *kh = a->k + (size_t)h * L * K;
        const float *vh = a->v + (size_t)h * L * K;
        for (int i = r0; i < r1; i++) {
            const size_t row = ((size_t)h * L + i) * L;
            float *sc = a->scores + row, *ss = a->scaled + row, *ms = a->masked + row, *w = a->weights + row;
            const float *qi = a->q + ((size_t)h * L + i) * K;
            kern_matmul_nt(sc, qi, kh, 1, K, nk);  /* [1, nk] = q_i . k_j */
            for (int j = 0; j < nk; j++) {
                ss[j] = sc[j] * inv_sqrt_k;
                ms[j] = (causal && j > i) ? -INFINITY : ss[j];
            }
            for (int j = nk; j < L; j++) {
                sc[j] = 0.0f;
                ss[j] = 0.0f;
                ms[j] = -INFINITY;
                w[j] = 0.0f;
            }
            kern_softmax_rows(w, ms, 1, nk);
            float *out = a->heads + ((size_t)h * L + i) * K;  /* [K] = sum_j w_j v_j */
            for (int d = 0; d < K; d++) out[d] = 0.0f;
            for (int j = 0; j < nk; j++) {
                const float wj = w[j];
                if (wj == 0.0f) continue;
                const float *vj = vh + (size_t)j * K;
                for (int d = 0; d < K; d++) out[d] += wj * vj[d];
            }
            memcpy(a->concat + (size_t)i * D + (size_t)h * K, out, (size_t)K * sizeof(float));
        }
    }
    kern_linear(a->out + (size_t)r0 * D, a->concat + (size_t)r0 * D, p->out_proj_weight, p->out_proj_bias,
                r1 - r0, D, D);
}

/* ---------- add & norm, feed-forward ---------- */

static void add_norm(trace_addnorm *n, const float *x, const float *sub, const float *g, const float *b, int r0,
                     int r1, const model_config *c)
{
    const size_t D = (size_t)c->d_model;
    for (size_t i = (size_t)r0 * D; i < (size_t)r1 * D; i++) n->sum[i] = x[i] + sub[i];
    kern_layernorm(n->out + r0 * D, n->mean + r0, n->std + r0, n->sum + r0 * D, g, b, r1 - r0, (int)D, c->ln_eps);
    for (int i = r0; i < r1; i++) n->std[i] = 1.0f / n->std[i]; /* kernel gave 1/std */
}

static void ffn(trace_ffn *f, const float *x, const float *w1, const float *b1, const float *w2, const float *b2,
                int r0, int r1, const model_config *c)
{
    const int D = c->d_model, F = c->d_ff, n = r1 - r0;
    float *hid = f->hidden + (size_t)r0 * F;
    kern_linear(hid, x + (size_t)r0 * D, w1, b1, n, D, F);
    kern_relu(hid, hid, n * F);
    kern_linear(f->out + (size_t)r0 * D, hid, w2, b2, n, F, D);
}

/* Final LayerNorm (encoder.norm / decoder.norm) when the model has one, else a copy. */
static void final_norm(float *dst, const float *src, const float *g, const float *b, int r0, int r1,
                       const model_config *c)
{
    const size_t D = (size_t)c->d_model;
    if (g && b)
        kern_layernorm(dst + r0 * D, NULL, NULL, src + r0 * D, g, b, r1 - r0, (int)D, c->ln_eps);
    else
        memcpy(dst + r0 * D, src + r0 * D, (size_t)(r1 - r0) * D * sizeof(float));
}

static void embed_rows(float *emb, float *x, const float *pe, const float *E, const int *ids, int r0, int r1,
                       const model_config *c)
{
    const int D = c->d_model;
    const float scale = sqrtf((float)D);
    for (int i = r0; i < r1; i++) {
        const float *e = E + (size_t)ids[i] * D;
        for (int d = 0; d < D; d++) {
            emb[(size_t)i * D + d] = e[d] * scale;
            x[(size_t)i * D + d] = emb[(size_t)i * D + d] + pe[(size_t)i * D + d];
        }
    }
}

/* ---------- encoder ---------- */

static void encode(const model_params *p, trace *t)
{
    const model_config *c = &p->cfg;
    const int S = t->n_src, D = c->d_model;
    embed_rows(t->enc_embed, t->enc_x, t->enc_pe, p->embedding, t->src_ids, 0, S, c);
    const float *x = t->enc_x;
    for (int l = 0; l < c->n_enc_layers; l++) {
        const model_enc_layer *w = &p->enc[l];
        trace_enc_layer *e = &t->enc[l];
        memcpy(e->input, x, (size_t)S * D * sizeof(float));
        project_q(&w->self_attn, &e->self, e->input, 0, S, c);
        project_kv(&w->self_attn, &e->self, e->input, 0, S, c);
        attend_rows(&w->self_attn, &e->self, 0, S, S, 0, c);
        add_norm(&e->norm1, e->input, e->self.out, w->norm1_weight, w->norm1_bias, 0, S, c);
        ffn(&e->ffn, e->norm1.out, w->linear1_weight, w->linear1_bias, w->linear2_weight, w->linear2_bias, 0, S, c);
        add_norm(&e->norm2, e->norm1.out, e->ffn.out, w->norm2_weight, w->norm2_bias, 0, S, c);
        x = e->norm2.out;
    }
    final_norm(t->memory, x, p->enc_norm_weight, p->enc_norm_bias, 0, S, c);
}

/* ---------- decoder ---------- */

/* Cross-attention K and V depend only on the memory: projected once per run. */
static void decode_prepare(const model_params *p, trace *t)
{
    for (int l = 0; l < p->cfg.n_dec_layers; l++)
        project_kv(&p->dec[l].cross_attn, &t->dec[l].cross, t->memory, 0, t->n_src, &p->cfg);
}

/* Computes decoder rows [r0, r1) given tgt_ids[0..r1), with self-attention over
 * keys [0, r1) and the logits and probabilities of those rows. */
static void decode_rows(const model_params *p, trace *t, int r0, int r1, int causal)
{
    const model_config *c = &p->cfg;
    const int D = c->d_model, V = c->vocab_size, S = t->n_src;
    embed_rows(t->dec_embed, t->dec_x, t->dec_pe, p->embedding, t->tgt_ids, r0, r1, c);
    const float *x = t->dec_x;
    for (int l = 0; l < c->n_dec_layers; l++) {
        const model_dec_layer *w = &p->dec[l];
        trace_dec_layer *d = &t->dec[l];
        memcpy(d->input + (size_t)r0 * D, x + (size_t)r0 * D, (size_t)(r1 - r0) * D * sizeof(float));
        project_q(&w->self_attn, &d->self, d->input, r0, r1, c);
        project_kv(&w->self_attn, &d->self, d->input, r0, r1, c);
        attend_rows(&w->self_attn, &d->self, r0, r1, r1, causal, c);
        add_norm(&d->norm1, d->input, d->self.out, w->norm1_weight, w->norm1_bias, r0, r1, c);
        project_q(&w->cross_attn, &d->cross, d->norm1.out, r0, r1, c);
        attend_rows(&w->cross_attn, &d->cross, r0, r1, S, 0, c);
        add_norm(&d->norm2, d->norm1.out, d->cross.out, w->norm2_weight, w->norm2_bias, r0, r1, c);
        ffn(&d->ffn, d->norm2.out, w->linear1_weight, w->linear1_bias, w->linear2_weight, w->linear2_bias, r0, r1,
            c);
        add_norm(&d->norm3, d->norm2.out, d->ffn.out, w->norm3_weight, w->norm3_bias, r0, r1, c);
        x = d->norm3.out;
    }
    final_norm(t->dec_out, x, p->dec_norm_weight, p->dec_norm_bias, r0, r1, c);
    kern_matmul_nt(t->logits + (size_t)r0 * V, t->dec_out + (size_t)r0 * D, p->embedding, r1 - r0, D, V);
    kern_softmax_rows(t->probs + (size_t)r0 * V, t->logits + (size_t)r0 * V, r1 - r0, V);
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
                const float *kj = a->k + ((size_t)h * L + i + 1) * K;
                kern_matmul_nt(a->scores + row + i + 1, qi, kj, 1, K, T - i - 1);
                for (int j = i + 1; j < T; j++) {
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
            snprintf(err, err_len, "%s length %d is out of range: it must be 1..%d", what, ids ? n : 0, L);
        return -1;
    }
    for (int i = 0; i < n; i++)
        if (ids[i] < 0 || ids[i] >= V) {
            if (err && err_len)
                snprintf(err, err_len, "%s id %d at position %d is out of range: ids are 0..%d", what, ids[i], i,
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
    decode_prepare(p, t);
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
    return 0;
}

int model_translate(const model_params *p, const tok_vocab *vocab, const char *sentence, const trace_opts *opts,
                    trace *t, char *err, size_t err_len)
{
    if (check_run(p, t, err, err_len) != 0) return -1;
    if (!vocab || !vocab->words) return fail_msg(err, err_len, "no vocabulary");
    if (!sentence) sentence = "";
    const int L = p->cfg.max_len, V = p->cfg.vocab_size;
    if (vocab->size > V)
        return fail(err, err_len, "vocabulary has %d words but the model only %d embeddings", vocab->size, V);

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

    int max_rows = t->opts.max_steps > 0 && t->opts.max_steps < L ? t->opts.max_steps : L;
    t->n_tgt = 0;
    t->finished = 0;
    encode(p, t);
    decode_prepare(p, t);
    t->tgt_ids[0] = TOK_BOS;
    for (int s = 0; s < max_rows; s++) {
        decode_step(p, t, s);
        t->n_tgt = s + 1;
        const int next = argmax(t->logits + (size_t)s * V, V);
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
    return 0;
}
