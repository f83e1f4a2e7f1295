/* trace_check.c - the numeric guard: after a forward pass, find the first
 * activation of the trace that is NaN or infinite, in the order the forward
 * pass computed them, and name it (tensor, layer, head, row, column) in
 * trace.nonfinite. A scan over the trace's named tensors only: it reads the
 * live rows (S source, T target), never recomputes model math, never prints.
 *
 * Order: the encoder tensor by tensor (it runs layer by layer over all source
 * rows); then the decoder row by row (greedy decoding computes row t of every
 * decoder tensor at step t), each row through the layers in order and ending
 * with its logits and probabilities. The `masked` scores are skipped: they hold
 * -INFINITY by design; the decoder's self-attention is read up to the diagonal
 * (the upper triangle is filled in after decoding, for display).
 */
#include "errmsg.h"
#include "trace.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Where the scan is: which tensor family, for the name. */
typedef struct {
    trace_nonfinite *nf;
    const char *side;  /* "encoder" or "decoder" */
    int layer;         /* -1 outside the layers */
    const char *sub;   /* the sub-layer ("self", "norm1", ...) or NULL */
} scan;

/* 1 when x[0..n) holds no NaN or infinity. x * 0 is 0 for a finite x and NaN
 * otherwise; eight running sums keep the loop from waiting on one addition
 * chain (the guard runs after every forward pass, so it must stay cheap). */
static int span_finite(const float *x, int n)
{
    float acc[8] = { 0 };
    int i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++) acc[j] += x[i + j] * 0.0f;
    for (; i < n; i++) acc[0] += x[i] * 0.0f;
    float sum = 0.0f;
    for (int j = 0; j < 8; j++) sum += acc[j];
    return sum == 0.0f;
}

/* Fills the report for value (r, c) of tensor `what`; its full name is built
 * here, only once something is found. */
static void report(scan *s, const char *what, int head, int r, int c, float value)
{
    trace_nonfinite *nf = s->nf;
    nf->found = 1;
    if (s->layer >= 0)
        snprintf(nf->tensor, sizeof nf->tensor, "%s.layers.%d.%s%s%s", s->side, s->layer, s->sub ? s->sub : "",
                 s->sub ? "." : "", what);
    else snprintf(nf->tensor, sizeof nf->tensor, "%s", what);
    nf->layer = s->layer;
    nf->head = head;
    nf->row = r;
    nf->col = c;
    nf->value = value;
}

/* Checks rows [r0, r1) of a [rows, stride] matrix, columns [0, cols); head h
 * (-1: none). Returns 1 (and fills the report) at the first non-finite value. */
static int check_rows(scan *s, const char *what, int head, const float *m, int r0, int r1, int stride, int cols)
{
    if (!m || r1 <= r0) return 0;
    if (stride == cols && span_finite(m + (size_t)r0 * (size_t)stride, (r1 - r0) * cols)) return 0;
    for (int r = r0; r < r1; r++) {
        const float *row = m + (size_t)r * (size_t)stride;
        if (span_finite(row, cols)) continue;
        for (int c = 0; c < cols; c++)
            if (!isfinite(row[c])) {
                report(s, what, head, r, c, row[c]);
                return 1;
            }
    }
    return 0;
}

/* A per-head tensor [H, L, width] (q, k, v, heads; or scores, weights with width
 * L): rows [r0, r1) of every head, columns [0, cols). */
static int check_heads(scan *s, const char *what, const float *m, int H, int L, int width, int r0, int r1, int cols)
{
    for (int h = 0; m && h < H; h++)
        if (check_rows(s, what, h, m + (size_t)h * L * width, r0, r1, width, cols)) return 1;
    return 0;
}

/* One attention sub-layer: query rows [r0, r1) of q and of the [H, L, L] maps
 * (key columns [0, nk)), rows [k0, k1) of k and v, then heads, concat, out. */
static int check_attn(scan *s, const char *name, const trace_attn *a, const model_config *c, int r0, int r1,
                      int k0, int k1, int nk)
{
    const int H = c->n_heads, L = c->max_len, K = c->d_model / c->n_heads, D = c->d_model;
    s->sub = name;
    const int bad = check_heads(s, "q", a->q, H, L, K, r0, r1, K) || check_heads(s, "k", a->k, H, L, K, k0, k1, K) ||
                    check_heads(s, "v", a->v, H, L, K, k0, k1, K) ||
                    check_heads(s, "scores", a->scores, H, L, L, r0, r1, nk) ||
                    check_heads(s, "scaled", a->scaled, H, L, L, r0, r1, nk) ||
                    check_heads(s, "weights", a->weights, H, L, L, r0, r1, nk) ||
                    check_heads(s, "heads", a->heads, H, L, K, r0, r1, K) ||
                    check_rows(s, "concat", -1, a->concat, r0, r1, D, D) ||
                    check_rows(s, "out", -1, a->out, r0, r1, D, D);
    s->sub = NULL;
    return bad;
}

static int check_addnorm(scan *s, const char *name, const trace_addnorm *n, int D, int r0, int r1)
{
    s->sub = name;
    const int bad = check_rows(s, "sum", -1, n->sum, r0, r1, D, D) || check_rows(s, "mean", -1, n->mean, r0, r1, 1, 1) ||
                    check_rows(s, "std", -1, n->std, r0, r1, 1, 1) || check_rows(s, "out", -1, n->out, r0, r1, D, D);
    s->sub = NULL;
    return bad;
}

static int check_ffn(scan *s, const trace_ffn *f, int D, int F, int r0, int r1)
{
    return check_rows(s, "ffn.hidden", -1, f->hidden, r0, r1, F, F) ||
           check_rows(s, "ffn.out", -1, f->out, r0, r1, D, D);
}

static int check_encoder(scan *s, const trace *t)
{
    const model_config *c = &t->cfg;
    const int D = c->d_model, S = t->n_src;
    s->side = "encoder";
    s->layer = -1;
    if (check_rows(s, "encoder.embed", -1, t->enc_embed, 0, S, D, D) ||
        check_rows(s, "encoder.x", -1, t->enc_x, 0, S, D, D))
        return 1;
    for (int l = 0; l < c->n_enc_layers; l++) {
        const trace_enc_layer *e = &t->enc[l];
        s->layer = l;
        if (check_rows(s, "input", -1, e->input, 0, S, D, D) || check_attn(s, "self", &e->self, c, 0, S, 0, S, S) ||
            check_addnorm(s, "norm1", &e->norm1, D, 0, S) || check_ffn(s, &e->ffn, D, c->d_ff, 0, S) ||
            check_addnorm(s, "norm2", &e->norm2, D, 0, S))
            return 1;
    }
    s->layer = -1;
    return check_rows(s, "memory", -1, t->memory, 0, S, D, D);
}

/* Decoder row r through every layer, then its logits and probabilities. */
static int check_decoder_row(scan *s, const trace *t, int r)
{
    const model_config *c = &t->cfg;
    const int D = c->d_model, S = t->n_src, V = c->vocab_size;
    const int n_self = t->opts.no_causal_mask ? t->n_tgt : r + 1;
    s->side = "decoder";
    s->layer = -1;
    if (check_rows(s, "decoder.embed", -1, t->dec_embed, r, r + 1, D, D) ||
        check_rows(s, "decoder.x", -1, t->dec_x, r, r + 1, D, D))
        return 1;
    for (int l = 0; l < c->n_dec_layers; l++) {
        const trace_dec_layer *d = &t->dec[l];
        s->layer = l;
        if (check_rows(s, "input", -1, d->input, r, r + 1, D, D) ||
            check_attn(s, "self", &d->self, c, r, r + 1, r, r + 1, n_self) ||
            check_addnorm(s, "norm1", &d->norm1, D, r, r + 1) ||
            check_attn(s, "cross", &d->cross, c, r, r + 1, r == 0 ? 0 : S, S, S) ||
            check_addnorm(s, "norm2", &d->norm2, D, r, r + 1) || check_ffn(s, &d->ffn, D, c->d_ff, r, r + 1) ||
            check_addnorm(s, "norm3", &d->norm3, D, r, r + 1))
            return 1;
    }
    s->layer = -1;
    return check_rows(s, "decoder.out", -1, t->dec_out, r, r + 1, D, D) ||
           check_rows(s, "logits", -1, t->logits, r, r + 1, V, V) ||
           check_rows(s, "probs", -1, t->probs, r, r + 1, V, V);
}

int trace_check_finite(trace *t)
{
    if (!t) return 0;
    trace_nonfinite *nf = &t->nonfinite;
    memset(nf, 0, sizeof *nf);
    nf->layer = nf->head = nf->row = nf->col = -1;
    if (!t->block || t->batch != 1) return 0;
    scan s = { nf, "encoder", -1, NULL };
    if (check_encoder(&s, t)) return 1;
    for (int r = 0; r < t->n_tgt; r++)
        if (check_decoder_row(&s, t, r)) return 1;
    return 0;
}

int trace_nonfinite_text(const trace *t, char *dst, size_t dst_len)
{
    if (!dst || dst_len == 0) return 0;
    dst[0] = '\0';
    if (!t || !t->nonfinite.found) return 0;
    const trace_nonfinite *nf = &t->nonfinite;
    const char *what = isnan(nf->value) ? "NaN" : nf->value > 0 ? "+infinity" : "-infinity";
    if (nf->head >= 0)
        return snprintf(dst, dst_len, N_("%s is %s (row %d, head %d, column %d): the numbers overflowed; the model's "
                                         "weights are too large or broken"),
                        nf->tensor, what, nf->row, nf->head, nf->col);
    return snprintf(dst, dst_len, N_("%s is %s (row %d, column %d): the numbers overflowed; the model's weights are "
                                     "too large or broken"),
                    nf->tensor, what, nf->row, nf->col);
}
