/* trace.c - allocation of the trace (every intermediate tensor of one run, in
 * ONE block of floats pointed into by named fields), and its small read-only
 * helpers. The forward pass that fills it is model.c.
 * What it must not do: any model math (apart from the constant positional
 * encoding written once at init), any I/O.
 */
#include "trace.h"

#include "kernels.h"

#include <stdlib.h>
#include <string.h>

/* Hands out consecutive slices of the block. With base == NULL it only counts. */
typedef struct {
    float *base;
    size_t used;
} trace_carver;

static float *carve(trace_carver *c, size_t n)
{
    float *p = c->base ? c->base + c->used : NULL;
    c->used += n;
    return p;
}

static void carve_attn(trace_carver *c, trace_attn *a, size_t L, size_t D, size_t H)
{
    a->q = carve(c, L * D);
    a->k = carve(c, L * D);
    a->v = carve(c, L * D);
    a->scores = carve(c, H * L * L);
    a->scaled = carve(c, H * L * L);
    a->masked = carve(c, H * L * L);
    a->weights = carve(c, H * L * L);
    a->heads = carve(c, L * D);
    a->concat = carve(c, L * D);
    a->out = carve(c, L * D);
}

static void carve_addnorm(trace_carver *c, trace_addnorm *n, size_t L, size_t D)
{
    n->sum = carve(c, L * D);
    n->mean = carve(c, L);
    n->std = carve(c, L);
    n->out = carve(c, L * D);
}

static void carve_ffn(trace_carver *c, trace_ffn *f, size_t L, size_t D, size_t F)
{
    f->hidden = carve(c, L * F);
    f->out = carve(c, L * D);
}

/* One pass over the layout; the same code sizes the block and points into it. */
static size_t layout(trace *t, float *base)
{
    const model_config *cfg = &t->cfg;
    const size_t L = (size_t)cfg->max_len, D = (size_t)cfg->d_model, H = (size_t)cfg->n_heads;
    const size_t F = (size_t)cfg->d_ff, V = (size_t)cfg->vocab_size;
    trace_carver c = { base, 0 };
    t->enc_embed = carve(&c, L * D);
    t->enc_pe = carve(&c, L * D);
    t->enc_x = carve(&c, L * D);
    for (int l = 0; l < cfg->n_enc_layers; l++) {
        trace_enc_layer *e = &t->enc[l];
        e->input = carve(&c, L * D);
        carve_attn(&c, &e->self, L, D, H);
        carve_addnorm(&c, &e->norm1, L, D);
        carve_ffn(&c, &e->ffn, L, D, F);
        carve_addnorm(&c, &e->norm2, L, D);
    }
    t->memory = carve(&c, L * D);
    t->dec_embed = carve(&c, L * D);
    t->dec_pe = carve(&c, L * D);
    t->dec_x = carve(&c, L * D);
    for (int l = 0; l < cfg->n_dec_layers; l++) {
        trace_dec_layer *d = &t->dec[l];
        d->input = carve(&c, L * D);
        carve_attn(&c, &d->self, L, D, H);
        carve_addnorm(&c, &d->norm1, L, D);
        carve_attn(&c, &d->cross, L, D, H);
        carve_addnorm(&c, &d->norm2, L, D);
        carve_ffn(&c, &d->ffn, L, D, F);
        carve_addnorm(&c, &d->norm3, L, D);
    }
    t->dec_out = carve(&c, L * D);
    t->logits = carve(&c, L * V);
    t->probs = carve(&c, L * V);
    return c.used;
}

int trace_init(trace *t, const model_config *cfg)
{
    if (!t) return -1;
    memset(t, 0, sizeof *t);
    if (!cfg || model_config_check(cfg, NULL, 0) != 0) return -1;
    t->cfg = *cfg;
    t->enc = calloc((size_t)cfg->n_enc_layers, sizeof *t->enc);
    t->dec = calloc((size_t)cfg->n_dec_layers, sizeof *t->dec);
    if (!t->enc || !t->dec) {
        trace_free(t);
        return -1;
    }
    const size_t n = layout(t, NULL);
    t->block = calloc(n, sizeof(float));
    if (!t->block) {
        trace_free(t);
        return -1;
    }
    t->block_floats = n;
    layout(t, t->block);
    /* The positional encoding depends only on L and D: computed once here and
     * never rewritten by a run. */
    kern_positional_encoding(t->enc_pe, cfg->max_len, cfg->d_model);
    memcpy(t->dec_pe, t->enc_pe, (size_t)cfg->max_len * (size_t)cfg->d_model * sizeof(float));
    return 0;
}

void trace_free(trace *t)
{
    if (!t) return;
    free(t->block);
    free(t->enc);
    free(t->dec);
    free(t->sentence);
    memset(t, 0, sizeof *t);
}

int trace_output_text(const trace *t, const tok_vocab *vocab, char *dst, size_t dst_len)
{
    if (!dst || dst_len == 0) return 0;
    dst[0] = '\0';
    if (!t) return 0;
    return tok_detokenize(vocab, t->out_ids, t->n_out, dst, dst_len);
}

float trace_attn_at(const trace *t, const float *m, int h, int q, int k)
{
    const size_t L = (size_t)t->cfg.max_len;
    return m[((size_t)h * L + (size_t)q) * L + (size_t)k];
}
