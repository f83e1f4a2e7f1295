/* params.c - the one parameter block: its table of named tensors, allocation,
 * views over other buffers (gradients, Adam moments) and seeded random init.
 * It knows nothing of files (see weights.c) nor of the forward pass. */
#include "model.h"
#include "rng.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

model_config model_config_default(int vocab_size)
{
    /* The shipped model: the paper's base layout at a size a laptop trains in minutes. */
    return (model_config){.d_model = 64, .n_heads = 4, .n_enc_layers = 2, .n_dec_layers = 2, .d_ff = 256,
                          .vocab_size = vocab_size, .max_len = 32, .ln_eps = 1e-5f, .has_final_norm = 0};
}

int model_config_check(const model_config *c, char *err, size_t err_len)
{
    const char *why = NULL;
    if (c->d_model < 1 || c->d_model > 4096) why = "d_model must be between 1 and 4096";
    else if (c->n_heads < 1 || c->n_heads > 64) why = "nhead must be between 1 and 64";
    else if (c->d_model % c->n_heads != 0) why = "d_model must be a multiple of nhead";
    else if (c->n_enc_layers < 1 || c->n_enc_layers > 16) why = "num_encoder_layers must be between 1 and 16";
    else if (c->n_dec_layers < 1 || c->n_dec_layers > 16) why = "num_decoder_layers must be between 1 and 16";
    else if (c->d_ff < 1 || c->d_ff > 65536) why = "dim_feedforward must be between 1 and 65536";
    else if (c->vocab_size < 5 || c->vocab_size > 1000000) why = "vocab_size must be between 5 and 1000000";
    else if (c->max_len < 2 || c->max_len > 1024) why = "max_len must be between 2 and 1024";
    else if (!(c->ln_eps > 0.0f && c->ln_eps < 1.0f)) why = "layer_norm_eps must be in (0, 1)";
    if (why) {
        if (err && err_len) snprintf(err, err_len, "%s", why);
        return -1;
    }
    return 0;
}

/* Table building: one pass that appends entries and counts floats. */
typedef struct {
    model_params *p;
    size_t next;
    int cap;               /* entries allocated in p->tensors */
} table_builder;

static void add_tensor(table_builder *b, const char *name, int rows, int cols)
{
    model_params *p = b->p;
    assert(p->n_tensors < b->cap); /* table_size() counts exactly what build_table adds */
    model_tensor *t = &p->tensors[p->n_tensors++];
    snprintf(t->name, sizeof t->name, "%s", name);
    t->ndim = cols > 0 ? 2 : 1;
    t->shape[0] = rows;
    t->shape[1] = cols > 0 ? cols : 0;
    t->count = (size_t)rows * (size_t)(cols > 0 ? cols : 1);
    t->offset = b->next;
    b->next += t->count;
}

static void add_attn(table_builder *b, const char *prefix, int D)
{
    char name[MODEL_NAME_MAX];
    snprintf(name, sizeof name, "%s.in_proj_weight", prefix);
    add_tensor(b, name, 3 * D, D);
    snprintf(name, sizeof name, "%s.in_proj_bias", prefix);
    add_tensor(b, name, 3 * D, 0);
    snprintf(name, sizeof name, "%s.out_proj.weight", prefix);
    add_tensor(b, name, D, D);
    snprintf(name, sizeof name, "%s.out_proj.bias", prefix);
    add_tensor(b, name, D, 0);
}

static void add_ffn_norms(table_builder *b, const char *prefix, int D, int F, int n_norms)
{
    char name[MODEL_NAME_MAX];
    snprintf(name, sizeof name, "%s.linear1.weight", prefix);
    add_tensor(b, name, F, D);
    snprintf(name, sizeof name, "%s.linear1.bias", prefix);
    add_tensor(b, name, F, 0);
    snprintf(name, sizeof name, "%s.linear2.weight", prefix);
    add_tensor(b, name, D, F);
    snprintf(name, sizeof name, "%s.linear2.bias", prefix);
    add_tensor(b, name, D, 0);
    for (int i = 1; i <= n_norms; i++) {
        snprintf(name, sizeof name, "%s.norm%d.weight", prefix, i);
        add_tensor(b, name, D, 0);
        snprintf(name, sizeof name, "%s.norm%d.bias", prefix, i);
        add_tensor(b, name, D, 0);
    }
}

static float *ptr_of(model_params *p, const char *name)
{
    const model_tensor *t = model_params_find(p, name);
    return t ? p->memory + t->offset : NULL;
}

static void bind_attn(model_params *p, model_attn_params *a, const char *prefix)
{
    char name[MODEL_NAME_MAX];
    snprintf(name, sizeof name, "%s.in_proj_weight", prefix);
    a->in_proj_weight = ptr_of(p, name);
    snprintf(name, sizeof name, "%s.in_proj_bias", prefix);
    a->in_proj_bias = ptr_of(p, name);
    snprintf(name, sizeof name, "%s.out_proj.weight", prefix);
    a->out_proj_weight = ptr_of(p, name);
    snprintf(name, sizeof name, "%s.out_proj.bias", prefix);
    a->out_proj_bias = ptr_of(p, name);
}

/* "<prefix>.<part>" (e.g. "encoder.layers.0" + "linear1.weight") into *dst. */
static void bind_one(model_params *p, float **dst, const char *prefix, const char *part)
{
    char name[MODEL_NAME_MAX];
    const int n = snprintf(name, sizeof name, "%s.%s", prefix, part);
    *dst = n > 0 && n < (int)sizeof name ? ptr_of(p, name) : NULL;
}

/* The feed-forward of a layer: linear1 [F, D] + [F], linear2 [D, F] + [D]. */
static void bind_ffn(model_params *p, const char *prefix, float **w1, float **b1, float **w2, float **b2)
{
    bind_one(p, w1, prefix, "linear1.weight");
    bind_one(p, b1, prefix, "linear1.bias");
    bind_one(p, w2, prefix, "linear2.weight");
    bind_one(p, b2, prefix, "linear2.bias");
}

/* normK.weight and normK.bias [D] of a layer. */
static void bind_norm(model_params *p, const char *prefix, int k, float **w, float **b)
{
    char part[32];
    snprintf(part, sizeof part, "norm%d.weight", k);
    bind_one(p, w, prefix, part);
    snprintf(part, sizeof part, "norm%d.bias", k);
    bind_one(p, b, prefix, part);
}

static void bind_all(model_params *p)
{
    const model_config *c = &p->cfg;
    char prefix[32], attn[MODEL_NAME_MAX];   /* "decoder.layers.<int>" fits in 32 */
    p->embedding = ptr_of(p, "embedding.weight");
    for (int l = 0; l < c->n_enc_layers; l++) {
        model_enc_layer *e = &p->enc[l];
        snprintf(prefix, sizeof prefix, "encoder.layers.%d", l);
        snprintf(attn, sizeof attn, "%s.self_attn", prefix);
        bind_attn(p, &e->self_attn, attn);
        bind_ffn(p, prefix, &e->linear1_weight, &e->linear1_bias, &e->linear2_weight, &e->linear2_bias);
        bind_norm(p, prefix, 1, &e->norm1_weight, &e->norm1_bias);
        bind_norm(p, prefix, 2, &e->norm2_weight, &e->norm2_bias);
    }
    for (int l = 0; l < c->n_dec_layers; l++) {
        model_dec_layer *d = &p->dec[l];
        snprintf(prefix, sizeof prefix, "decoder.layers.%d", l);
        snprintf(attn, sizeof attn, "%s.self_attn", prefix);
        bind_attn(p, &d->self_attn, attn);
        snprintf(attn, sizeof attn, "%s.multihead_attn", prefix);
        bind_attn(p, &d->cross_attn, attn);
        bind_ffn(p, prefix, &d->linear1_weight, &d->linear1_bias, &d->linear2_weight, &d->linear2_bias);
        bind_norm(p, prefix, 1, &d->norm1_weight, &d->norm1_bias);
        bind_norm(p, prefix, 2, &d->norm2_weight, &d->norm2_bias);
        bind_norm(p, prefix, 3, &d->norm3_weight, &d->norm3_bias);
    }
    p->enc_norm_weight = ptr_of(p, "encoder.norm.weight");
    p->enc_norm_bias = ptr_of(p, "encoder.norm.bias");
    p->dec_norm_weight = ptr_of(p, "decoder.norm.weight");
    p->dec_norm_bias = ptr_of(p, "decoder.norm.bias");
}

/* Entries of the table for cfg: the embedding, 12 per encoder layer (attention 4,
 * feed-forward 4, two norms 4), 18 per decoder layer (two attentions 8, feed-forward
 * 4, three norms 6), and the four final-norm tensors when present. */
static int table_size(const model_config *cfg)
{
    return 1 + 12 * cfg->n_enc_layers + 18 * cfg->n_dec_layers + (cfg->has_final_norm ? 4 : 0);
}

/* The tensors of layer l of a stack ("encoder" or "decoder"), in PyTorch's
 * order: self-attention, (decoder) cross-attention, feed-forward, norms. */
static void add_layer(table_builder *b, const char *stack, int l, int D, int F)
{
    const int dec = strcmp(stack, "decoder") == 0;
    char prefix[32], attn[MODEL_NAME_MAX];   /* "decoder.layers.<int>" fits in 32 */
    snprintf(prefix, sizeof prefix, "%s.layers.%d", stack, l);
    snprintf(attn, sizeof attn, "%s.self_attn", prefix);
    add_attn(b, attn, D);
    if (dec) {
        snprintf(attn, sizeof attn, "%s.multihead_attn", prefix);
        add_attn(b, attn, D);
    }
    add_ffn_norms(b, prefix, D, F, dec ? 3 : 2);
}

/* "<stack>.norm.weight" and ".bias" [D]: the final norm PyTorch adds (has_final_norm). */
static void add_final_norm(table_builder *b, const char *stack, int D)
{
    char name[MODEL_NAME_MAX];
    snprintf(name, sizeof name, "%s.norm.weight", stack);
    add_tensor(b, name, D, 0);
    snprintf(name, sizeof name, "%s.norm.bias", stack);
    add_tensor(b, name, D, 0);
}

static int build_table(model_params *p, const model_config *cfg)
{
    memset(p, 0, sizeof *p);
    if (model_config_check(cfg, NULL, 0) != 0) return -1;
    p->cfg = *cfg;
    const int D = cfg->d_model, F = cfg->d_ff;
    table_builder b = { p, 0, table_size(cfg) };
    p->tensors = calloc((size_t)b.cap, sizeof *p->tensors);
    if (!p->tensors) return -1;
    add_tensor(&b, "embedding.weight", cfg->vocab_size, D);
    for (int l = 0; l < cfg->n_enc_layers; l++) add_layer(&b, "encoder", l, D, F);
    if (cfg->has_final_norm) add_final_norm(&b, "encoder", D);
    for (int l = 0; l < cfg->n_dec_layers; l++) add_layer(&b, "decoder", l, D, F);
    if (cfg->has_final_norm) add_final_norm(&b, "decoder", D);
    p->n_floats = b.next;
    p->enc = calloc((size_t)cfg->n_enc_layers, sizeof *p->enc);
    p->dec = calloc((size_t)cfg->n_dec_layers, sizeof *p->dec);
    if (!p->enc || !p->dec) return -1;
    return 0;
}

int model_params_init(model_params *p, const model_config *cfg)
{
    if (build_table(p, cfg) != 0) {
        model_params_free(p);
        return -1;
    }
    p->memory = calloc(p->n_floats, sizeof(float));
    if (!p->memory) {
        model_params_free(p);
        return -1;
    }
    p->owns_memory = 1;
    bind_all(p);
    return 0;
}

int model_params_init_view(model_params *p, const model_config *cfg, float *memory)
{
    if (!memory || build_table(p, cfg) != 0) {
        model_params_free(p);
        return -1;
    }
    p->memory = memory;
    p->owns_memory = 0;
    bind_all(p);
    return 0;
}

void model_params_free(model_params *p)
{
    if (!p) return;
    if (p->owns_memory) free(p->memory);
    free(p->tensors);
    free(p->enc);
    free(p->dec);
    memset(p, 0, sizeof *p);
}

const model_tensor *model_params_find(const model_params *p, const char *name)
{
    for (int i = 0; i < p->n_tensors; i++)
        if (strcmp(p->tensors[i].name, name) == 0) return &p->tensors[i];
    return NULL;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

void model_params_init_random(model_params *p, unsigned long long seed)
{
    uint64_t s = seed;
    const float emb_std = 1.0f / sqrtf((float)p->cfg.d_model);
    for (int i = 0; i < p->n_tensors; i++) {
        const model_tensor *t = &p->tensors[i];
        float *w = p->memory + t->offset;
        if (strcmp(t->name, "embedding.weight") == 0) {
            /* Box-Muller normal, std D^-1/2 so that x*sqrt(D) has unit scale. */
            for (size_t j = 0; j < t->count; j++) {
                float u1 = rng_uniform(&s), u2 = rng_uniform(&s);
                if (u1 < 1e-7f) u1 = 1e-7f;
                w[j] = emb_std * sqrtf(-2.0f * logf(u1)) * cosf(6.2831853f * u2);
            }
        } else if (t->ndim == 2) {
            /* Xavier uniform; in_proj counts as three [D, D] matrices like PyTorch. */
            int fan_out = t->shape[0], fan_in = t->shape[1];
            if (ends_with(t->name, "in_proj_weight")) fan_out /= 3;
            float a = sqrtf(6.0f / (float)(fan_in + fan_out));
            for (size_t j = 0; j < t->count; j++) w[j] = (2.0f * rng_uniform(&s) - 1.0f) * a;
        } else if (strstr(t->name, "norm") && ends_with(t->name, ".weight")) {
            for (size_t j = 0; j < t->count; j++) w[j] = 1.0f;
        } else {
            for (size_t j = 0; j < t->count; j++) w[j] = 0.0f;
        }
    }
}
