/* trace.c - allocation of the trace (every intermediate tensor of one run, in
 * ONE block of floats pointed into by named fields), and its small read-only
 * helpers. The forward pass that fills it is nn.c, driven by model.c (one
 * sentence) or train.c (trace_init_batch: a batch of sentences).
 * What it must not do: any model math (apart from the constant positional
 * encoding written once at init), any I/O.
 */
#include "trace.h"

#include "kernels.h"
#include "errmsg.h"

#include <stdio.h>
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

/* Lesson-only tensors (when `lessons`) and training-only ones (when not). */
static void carve_attn(trace_carver *c, trace_attn *a, size_t R, size_t B, size_t L, size_t D, size_t H, int lessons)
{
    a->q = carve(c, R * D);
    a->k = carve(c, R * D);
    a->v = carve(c, R * D);
    a->scores = lessons ? carve(c, B * H * L * L) : NULL;
    a->scaled = lessons ? carve(c, B * H * L * L) : NULL;
    a->masked = lessons ? carve(c, B * H * L * L) : NULL;
    a->weights = carve(c, B * H * L * L);
    a->heads = lessons ? carve(c, R * D) : NULL;
    a->concat = carve(c, R * D);
    a->out = carve(c, R * D);
}

static void carve_addnorm(trace_carver *c, trace_addnorm *n, size_t R, size_t D, int lessons)
{
    n->sum = carve(c, R * D);
    n->mean = carve(c, R);
    n->std = carve(c, R);
    n->out = carve(c, R * D);
    n->mask = lessons ? NULL : carve(c, R * D);
}

static void carve_ffn(trace_carver *c, trace_ffn *f, size_t R, size_t D, size_t F)
{
    f->hidden = carve(c, R * F);
    f->out = carve(c, R * D);
}

/* One pass over the layout; the same code sizes the block and points into it.
 * A trace for the app (batch 1) holds every tensor a lesson reads; one for
 * training holds batch sentences and the dropout masks instead. */
static size_t layout(trace *t, float *base, int lessons)
{
    const model_config *cfg = &t->cfg;
    const size_t L = (size_t)cfg->max_len, D = (size_t)cfg->d_model, H = (size_t)cfg->n_heads;
    const size_t F = (size_t)cfg->d_ff, V = (size_t)cfg->vocab_size, B = (size_t)t->batch, R = B * L;
    trace_carver c = { base, 0 };
    t->enc_embed = lessons ? carve(&c, R * D) : NULL;
    t->enc_pe = carve(&c, L * D);
    t->enc_x = carve(&c, R * D);
    t->enc_mask = lessons ? NULL : carve(&c, R * D);
    for (int l = 0; l < cfg->n_enc_layers; l++) {
        trace_enc_layer *e = &t->enc[l];
        e->input = carve(&c, R * D);
        carve_attn(&c, &e->self, R, B, L, D, H, lessons);
        carve_addnorm(&c, &e->norm1, R, D, lessons);
        carve_ffn(&c, &e->ffn, R, D, F);
        carve_addnorm(&c, &e->norm2, R, D, lessons);
    }
    t->memory = carve(&c, R * D);
    t->enc_norm_mean = carve(&c, R);
    t->enc_norm_std = carve(&c, R);
    t->dec_embed = lessons ? carve(&c, R * D) : NULL;
    t->dec_pe = carve(&c, L * D);
    t->dec_x = carve(&c, R * D);
    t->dec_mask = lessons ? NULL : carve(&c, R * D);
    for (int l = 0; l < cfg->n_dec_layers; l++) {
        trace_dec_layer *d = &t->dec[l];
        d->input = carve(&c, R * D);
        carve_attn(&c, &d->self, R, B, L, D, H, lessons);
        carve_addnorm(&c, &d->norm1, R, D, lessons);
        carve_attn(&c, &d->cross, R, B, L, D, H, lessons);
        carve_addnorm(&c, &d->norm2, R, D, lessons);
        carve_ffn(&c, &d->ffn, R, D, F);
        carve_addnorm(&c, &d->norm3, R, D, lessons);
    }
    t->dec_out = carve(&c, R * D);
    t->dec_norm_mean = carve(&c, R);
    t->dec_norm_std = carve(&c, R);
    t->logits = carve(&c, R * V);
    t->probs = lessons ? carve(&c, R * V) : NULL;
    t->scratch = carve(&c, R * 3 * D);
    t->keys = carve(&c, L * (D / H));
    return c.used;
}

static int init(trace *t, const model_config *cfg, int batch, int lessons)
{
    if (!t) return -1;
    memset(t, 0, sizeof *t);
    if (!cfg || model_config_check(cfg, NULL, 0) != 0 || batch < 1) return -1;
    t->cfg = *cfg;
    t->batch = batch;
    t->enc = calloc((size_t)cfg->n_enc_layers, sizeof *t->enc);
    t->dec = calloc((size_t)cfg->n_dec_layers, sizeof *t->dec);
    if (!t->enc || !t->dec) {
        trace_free(t);
        return -1;
    }
    const size_t n = layout(t, NULL, lessons);
    t->block = calloc(n, sizeof(float));
    if (!t->block) {
        trace_free(t);
        return -1;
    }
    t->block_floats = n;
    layout(t, t->block, lessons);
    /* The positional encoding depends only on L and D: computed once here and
     * never rewritten by a run. */
    kern_positional_encoding(t->enc_pe, cfg->max_len, cfg->d_model);
    memcpy(t->dec_pe, t->enc_pe, (size_t)cfg->max_len * (size_t)cfg->d_model * sizeof(float));
    return 0;
}

int trace_init(trace *t, const model_config *cfg)
{
    return init(t, cfg, 1, 1);
}

int trace_init_batch(trace *t, const model_config *cfg, int batch)
{
    return init(t, cfg, batch, 0);
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

/* 0 when the ablation p is off or names a sub-layer, layer and head of c. */
static int part_check(const trace_part *p, const char *what, const model_config *c, int head_ok, char *err,
                      size_t err_len)
{
    if (p->sub == TRACE_SUB_NONE) return 0;
    const char *why = NULL;
    const int enc = p->sub == TRACE_SUB_ENC_SELF || p->sub == TRACE_SUB_ENC_FFN;
    const int n_layers = enc ? c->n_enc_layers : c->n_dec_layers;
    const int attn = p->sub != TRACE_SUB_ENC_FFN && p->sub != TRACE_SUB_DEC_FFN;
    if (p->sub < 0 || p->sub >= TRACE_SUB_COUNT) why = "unknown sub-layer";
    else if (p->layer < 0 || p->layer >= n_layers) why = "layer out of range";
    else if (head_ok && p->head >= 0 && !attn) why = "a feed-forward sub-layer has no heads";
    else if (head_ok && (p->head < -1 || p->head >= c->n_heads)) why = "head out of range";
    if (!why) return 0;
    if (err && err_len)
        snprintf(err, err_len, N_("ablation %s: %s (sub-layer %d, layer %d, head %d; the model has %d+%d layers, %d heads)"),
                 what, why, p->sub, p->layer, p->head, c->n_enc_layers, c->n_dec_layers, c->n_heads);
    return -1;
}

int trace_opts_check(const trace_opts *opts, const model_config *c, char *err, size_t err_len)
{
    if (!opts || !c) return 0;
    if (opts->no_pe & ~(TRACE_PE_ENC | TRACE_PE_DEC)) {
        if (err && err_len) snprintf(err, err_len, N_("ablation no_pe: unknown bits %d"), opts->no_pe);
        return -1;
    }
    if (part_check(&opts->zero, "zero", c, 1, err, err_len) != 0) return -1;
    if (part_check(&opts->no_residual, "no residual", c, 0, err, err_len) != 0) return -1;
    return part_check(&opts->no_norm, "no LayerNorm", c, 0, err, err_len);
}

int trace_opts_ablated(const trace_opts *opts)
{
    return opts && (opts->no_causal_mask || opts->no_pe || opts->zero.sub != TRACE_SUB_NONE ||
                    opts->no_residual.sub != TRACE_SUB_NONE || opts->no_norm.sub != TRACE_SUB_NONE);
}
