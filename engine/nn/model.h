/* model.h - the model's sizes, its one parameter block, and the forward pass.
 *
 * The model is the encoder-decoder Transformer of "Attention Is All You Need"
 * (section 3), post-LayerNorm, with one embedding matrix shared by the encoder
 * input, the decoder input and the pre-softmax projection (section 3.4).
 *
 * Dimension letters, used in every shape comment of the engine:
 *   D = d_model, H = heads, K = d_k = d_v = D / H, F = d_ff,
 *   V = vocabulary size, L = max_len (capacity of every sequence),
 *   S = source length, T = target length (both <= L), B = batch.
 *
 * All parameters live in ONE allocation (model_params.memory) described by a
 * table of named, shaped tensors whose names are those of PyTorch's
 * torch.nn.Transformer state dict. Gradients and Adam moments use the same
 * table on other buffers of the same size, so optimiser, save and load are flat
 * loops. This header includes no SDL and nothing about drawing.
 */
#ifndef MODEL_H
#define MODEL_H

#include <stddef.h>

#define MODEL_NAME_MAX 64

/* The sizes a weights file declares. */
typedef struct {
    int d_model;            /* D */
    int n_heads;            /* H, divides D */
    int n_enc_layers;
    int n_dec_layers;
    int d_ff;               /* F */
    int vocab_size;         /* V */
    int max_len;            /* L: tokens per sequence, specials included */
    float ln_eps;           /* LayerNorm epsilon, 1e-5 */
    int has_final_norm;     /* 1: encoder.norm.* and decoder.norm.* exist (PyTorch adds them; the paper has none) */
} model_config;

/* The default size: d_model 64, 4 heads, 2+2 layers, d_ff 256, 32 tokens. */
model_config model_config_default(int vocab_size);
/* 0 if the sizes are usable; otherwise -1 and a message in err. */
int model_config_check(const model_config *c, char *err, size_t err_len);

/* One multi-head attention block, nn.MultiheadAttention layout: y = x W^T + b. */
typedef struct {
    float *in_proj_weight;  /* [3D, D]: W_q, W_k, W_v stacked in that order */
    float *in_proj_bias;    /* [3D] */
    float *out_proj_weight; /* [D, D]: W_O */
    float *out_proj_bias;   /* [D] */
} model_attn_params;

typedef struct {
    model_attn_params self_attn;
    float *linear1_weight;  /* [F, D] */
    float *linear1_bias;    /* [F] */
    float *linear2_weight;  /* [D, F] */
    float *linear2_bias;    /* [D] */
    float *norm1_weight, *norm1_bias; /* [D]: after self-attention */
    float *norm2_weight, *norm2_bias; /* [D]: after feed-forward */
} model_enc_layer;

typedef struct {
    model_attn_params self_attn;      /* masked self-attention */
    model_attn_params cross_attn;     /* "multihead_attn": Q from decoder, K V from memory */
    float *linear1_weight;  /* [F, D] */
    float *linear1_bias;    /* [F] */
    float *linear2_weight;  /* [D, F] */
    float *linear2_bias;    /* [D] */
    float *norm1_weight, *norm1_bias; /* [D]: after self-attention */
    float *norm2_weight, *norm2_bias; /* [D]: after cross-attention */
    float *norm3_weight, *norm3_bias; /* [D]: after feed-forward */
} model_dec_layer;

/* One entry of the tensor table. */
typedef struct {
    char name[MODEL_NAME_MAX]; /* PyTorch state-dict name, e.g. "encoder.layers.0.norm1.weight" */
    int ndim;                  /* 1 or 2 */
    int shape[2];
    size_t offset;             /* in floats, into the block */
    size_t count;              /* shape[0] * (ndim == 2 ? shape[1] : 1) */
} model_tensor;

typedef struct {
    model_config cfg;
    float *memory;             /* the one allocation, n_floats long (NULL for a view) */
    size_t n_floats;
    int owns_memory;
    model_tensor *tensors;     /* [n_tensors], allocated for the config's sizes (481 for 16+16 layers) */
    int n_tensors;
    /* Named pointers into memory. */
    float *embedding;          /* [V, D] "embedding.weight": encoder input, decoder input, output projection */
    model_enc_layer *enc;      /* [n_enc_layers] */
    model_dec_layer *dec;      /* [n_dec_layers] */
    float *enc_norm_weight, *enc_norm_bias; /* [D] or NULL */
    float *dec_norm_weight, *dec_norm_bias; /* [D] or NULL */
} model_params;

/* Builds the table for cfg and allocates a zeroed block. 0 on success, -1 on
 * a bad config or out of memory (p is then empty and safe to free). */
int model_params_init(model_params *p, const model_config *cfg);
/* Builds the same table over memory the caller owns (n_floats long), e.g. a
 * gradient or Adam-moment buffer; the named pointers then point into it. */
int model_params_init_view(model_params *p, const model_config *cfg, float *memory);
void model_params_free(model_params *p);  /* accepts NULL */
/* The table entry of that name, or NULL. */
const model_tensor *model_params_find(const model_params *p, const char *name);
/* Seeded random initialisation (Xavier-uniform matrices, zero biases, unit
 * LayerNorm gains, embedding N(0, D^-1/2)), deterministic for a seed. */
void model_params_init_random(model_params *p, unsigned long long seed);

#endif
