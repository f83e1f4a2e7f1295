/* train.c - teacher-forced training: the batched forward and backward of
 * nn.c over worker threads, dropout masks, Adam, the warm-up schedule, length-bucketed batches and checkpoints (see train.h
 * for the formulas). It holds no layer math: the model is nn.c, the same code
 * the app runs.
 *
 * Layout follows karpathy/llm.c's train_gpt2.c: each worker thread owns one
 * set of activations (a trace for its share of the batch, trace_init_batch)
 * and, beyond worker 0, its own gradient buffer; the batch is split between
 * the workers and their gradients are summed in a fixed order afterwards, so a
 * run is bit-for-bit deterministic for a given seed and thread count. The
 * linear layers run through kern_matmul on a per-run transposed copy of the
 * weights, so that the kernel streams contiguous rows. The loss is
 * train_loss.c.
 * What it must not do: print, exit, or know about the corpus or the app.
 */
/* The whole file at -O3 (the build is -O2): the Adam and mask loops are hot. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

#include "train.h"

#include "afile.h"
#include "kernels.h"
#include "nn.h"
#include "rng.h"
#include "tok.h"
#include "trace.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Schedule and optimiser.                                                   */

train_options train_options_default(void)
{
    /* The paper's schedule, smoothing, dropout and Adam settings (docs/training.md). */
    return (train_options){.batch = 64, .warmup = 400, .lr_scale = 1.0f, .label_smoothing = 0.1f, .dropout = 0.1f,
                           .beta1 = 0.9f, .beta2 = 0.98f, .adam_eps = 1e-9f, .seed = 1, .threads = 2};
}

double train_lr(long step, int d_model, int warmup, double scale)
{
    if (step < 1) step = 1;
    if (warmup < 1) warmup = 1;
    const double a = 1.0 / sqrt((double)step);
    const double b = (double)step * pow((double)warmup, -1.5);
    return scale / sqrt((double)d_model) * (a < b ? a : b);
}

void train_adam_update(float *w, float *m, float *v, const float *g, size_t n, float lr, float b1, float b2,
                       float eps, long t)
{
    const float c1 = (float)(1.0 / (1.0 - pow((double)b1, (double)t)));
    const float c2 = (float)(1.0 / (1.0 - pow((double)b2, (double)t)));
    for (size_t i = 0; i < n; i++) {
        const float gi = g[i];
        m[i] = b1 * m[i] + (1.0f - b1) * gi;
        v[i] = b2 * v[i] + (1.0f - b2) * gi * gi;
        w[i] -= lr * (m[i] * c1) / (sqrtf(v[i] * c2) + eps);
    }
}

/* ------------------------------------------------------------------------ */
/* Dropout masks from a counter-based hash: independent of threads.          */

static uint64_t mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* mask[rows, D] for sentence gb (in the batch) rows 0..rows-1: 0 with
 * probability p, else 1 / (1 - p). */
static void dropout_mask(float *mask, int rows, int D, float p, uint64_t seed, long step, int site, int gb)
{
    const uint64_t base = mix64(mix64(seed ^ 0xD509ULL) + (uint64_t)step * 0x100000001B3ULL + (uint64_t)site * 7919);
    const uint32_t thr = (uint32_t)(p * 65536.0f);
    const float keep = 1.0f / (1.0f - p);
    for (int r = 0; r < rows; r++) {
        const uint64_t hr = mix64(base ^ ((uint64_t)gb << 20 | (uint64_t)r) * 0x9E3779B97F4A7C15ULL);
        float *mr = mask + (size_t)r * D;
        for (int d = 0; d < D; d += 4) {
            uint64_t h = mix64(hr + (uint64_t)d);
            for (int e = 0; e < 4 && d + e < D; e++, h >>= 16)
                mr[d + e] = ((uint32_t)(h & 0xFFFF) < thr) ? 0.0f : keep;
        }
    }
}

/* ------------------------------------------------------------------------ */
/* One worker: its share of the batch through nn.c.                         */

typedef struct {
    struct train_ctx *ctx;
    int index;
    int cap_b;             /* sentences this worker can hold */
    trace acts;            /* the activations of up to cap_b sentences (trace_init_batch) */
    int n_masks;
    float ***mask_slot;    /* [n_masks] where each dropout mask of acts is pointed to, in site order */
    int *mask_site;        /* [n_masks] the site number that seeds each mask */
    float **mask_mem;      /* [n_masks] the buffers acts was given for them */
    nn_grads g;            /* backward working buffers */
    float *gblock;         /* their memory */
    float *dlogits;        /* [cap_b * L, V] */
    model_params gview;    /* named pointers into grad */
    float *grad;           /* this worker's gradient buffer (worker 0: the caller's) */
    /* per run */
    int b0, nb;
    double loss_sum;
    int correct, exact;
} worker;

struct train_ctx {
    model_config cfg;
    int max_batch;
    int threads;
    size_t n_floats;
    float *wt;             /* [n_floats] transposed 2-D weights at the same offsets */
    model_params wtv;      /* named pointers into wt */
    float *gextra;         /* [(threads - 1) * n_floats] */
    worker *w;
    /* the current run */
    const model_params *p;
    const train_batch *b;
    float dropout, smoothing;
    uint64_t seed;
    long step;
    float *grad;
};

/* The dropout sites of the activations, in the order that numbers them:
 * encoder input 0, then norm1 and norm2 of each encoder layer; decoder input
 * 64, then norm1, norm2 and norm3 of each decoder layer. Returns the count. */
static int mask_sites(worker *w, const model_config *c)
{
    trace *a = &w->acts;
    int n = 0, site = 0;
#define SITE(ptr)                                                                                             \
    do {                                                                                                     \
        if (w->mask_slot) {                                                                                  \
            w->mask_slot[n] = &(ptr);                                                                        \
            w->mask_site[n] = site;                                                                          \
            w->mask_mem[n] = (ptr);                                                                          \
        }                                                                                                    \
        n++;                                                                                                 \
        site++;                                                                                              \
    } while (0)
    SITE(a->enc_mask);
    for (int l = 0; l < c->n_enc_layers; l++) {
        SITE(a->enc[l].norm1.mask);
        SITE(a->enc[l].norm2.mask);
    }
    site = 64;
    SITE(a->dec_mask);
    for (int l = 0; l < c->n_dec_layers; l++) {
        SITE(a->dec[l].norm1.mask);
        SITE(a->dec[l].norm2.mask);
        SITE(a->dec[l].norm3.mask);
    }
#undef SITE
    return n;
}

static int worker_init(worker *w, const model_config *cfg)
{
    if (trace_init_batch(&w->acts, cfg, w->cap_b) != 0) return -1;
    w->n_masks = mask_sites(w, cfg);
    w->mask_slot = calloc((size_t)w->n_masks, sizeof *w->mask_slot);
    w->mask_site = calloc((size_t)w->n_masks, sizeof *w->mask_site);
    w->mask_mem = calloc((size_t)w->n_masks, sizeof *w->mask_mem);
    if (!w->mask_slot || !w->mask_site || !w->mask_mem) return -1;
    mask_sites(w, cfg);
    const size_t n = nn_grads_carve(&w->g, NULL, cfg, w->cap_b);
    w->gblock = calloc(n, sizeof(float));
    w->dlogits = calloc((size_t)w->cap_b * cfg->max_len * cfg->vocab_size, sizeof(float));
    if (!w->gblock || !w->dlogits) return -1;
    nn_grads_carve(&w->g, w->gblock, cfg, w->cap_b);
    return 0;
}

static void worker_free(worker *w)
{
    trace_free(&w->acts);
    free(w->mask_slot);
    free(w->mask_site);
    free(w->mask_mem);
    free(w->gblock);
    free(w->dlogits);
    model_params_free(&w->gview);
}

train_ctx *train_ctx_create(const model_config *cfg, int max_batch, int threads)
{
    if (model_config_check(cfg, NULL, 0) != 0 || max_batch < 1) return NULL;
    if (threads < 1) threads = 1;
    if (threads > max_batch) threads = max_batch;
    if (threads > 64) threads = 64;
    train_ctx *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->cfg = *cfg;
    c->max_batch = max_batch;
    c->threads = threads;
    model_params probe;
    if (model_params_init_view(&probe, cfg, (float *)c) != 0) { /* table only: no allocation */
        free(c);
        return NULL;
    }
    c->n_floats = probe.n_floats;
    model_params_free(&probe);
    c->wt = calloc(c->n_floats, sizeof(float));
    c->gextra = threads > 1 ? calloc((size_t)(threads - 1) * c->n_floats, sizeof(float)) : NULL;
    c->w = calloc((size_t)threads, sizeof *c->w);
    if (!c->wt || (threads > 1 && !c->gextra) || !c->w || model_params_init_view(&c->wtv, cfg, c->wt) != 0) {
        train_ctx_free(c);
        return NULL;
    }
    const int per = (max_batch + threads - 1) / threads;
    for (int t = 0; t < threads; t++) {
        worker *w = &c->w[t];
        w->ctx = c;
        w->index = t;
        w->cap_b = per;
        if (worker_init(w, cfg) != 0) {
            train_ctx_free(c);
            return NULL;
        }
    }
    return c;
}

void train_ctx_free(train_ctx *c)
{
    if (!c) return;
    if (c->w)
        for (int t = 0; t < c->threads; t++) worker_free(&c->w[t]);
    free(c->w);
    free(c->wt);
    model_params_free(&c->wtv);
    free(c->gextra);
    free(c);
}

/* ------------------------------------------------------------------------ */
/* Forward and backward of one worker's share of the batch.                 */

static nn_shape worker_shape(const worker *w)
{
    const train_ctx *c = w->ctx;
    const train_batch *bt = c->b;
    const nn_shape s = { w->nb, bt->S, bt->T, bt->S, bt->src_len + w->b0, bt->tgt_len + w->b0, &c->wtv };
    return s;
}

/* Points every dropout mask of the activations at its buffer and fills it
 * (0 with probability p, else 1 / (1 - p)), or at NULL when dropout is off. */
static void set_dropout(worker *w)
{
    const train_ctx *c = w->ctx;
    const int D = c->cfg.d_model, S = c->b->S, T = c->b->T;
    for (int k = 0; k < w->n_masks; k++) {
        if (c->dropout <= 0.0f) {
            *w->mask_slot[k] = NULL;
            continue;
        }
        float *m = *w->mask_slot[k] = w->mask_mem[k];
        const int rows = w->mask_site[k] < 64 ? S : T;
        for (int b = 0; b < w->nb; b++)
            dropout_mask(m + (size_t)b * rows * D, rows, D, c->dropout, c->seed, c->step, w->mask_site[k], w->b0 + b);
    }
}

static void worker_forward(worker *w)
{
    train_ctx *c = w->ctx;
    const train_batch *bt = c->b;
    const int V = c->cfg.vocab_size, S = bt->S, T = bt->T, nb = w->nb, b0 = w->b0, M = nb * T;
    const nn_shape sh = worker_shape(w);
    set_dropout(w);
    nn_encoder_forward(&w->acts, c->p, bt->src + (size_t)b0 * S, &sh);
    nn_memory_forward(&w->acts, c->p, &sh);
    nn_decoder_forward(&w->acts, c->p, bt->dec_in + (size_t)b0 * T, 0, T, 1, &sh);

    /* loss, accuracy */
    const float *logits = w->acts.logits;
    const int *tgt = bt->dec_out + (size_t)b0 * T;
    w->loss_sum = train_xent(c->grad ? w->dlogits : NULL, logits, tgt, M, V, c->smoothing,
                             bt->n_tokens > 0 ? 1.0f / (float)bt->n_tokens : 0.0f);
    w->correct = 0;
    w->exact = 0;
    for (int b = 0; b < nb; b++) {
        int all = 1;
        for (int t = 0; t < T; t++) {
            const int gold = tgt[b * T + t];
            if (gold == TOK_PAD) continue;
            const float *z = logits + ((size_t)b * T + t) * V;
            int best = 0;
            for (int j = 1; j < V; j++)
                if (z[j] > z[best]) best = j;
            if (best == gold) w->correct++;
            else all = 0;
        }
        w->exact += all;
    }
}

static void worker_backward(worker *w)
{
    train_ctx *c = w->ctx;
    const train_batch *bt = c->b;
    const nn_shape sh = worker_shape(w);
    if (w->gview.memory != w->grad) {
        model_params_free(&w->gview);
        model_params_init_view(&w->gview, &c->cfg, w->grad);
    }
    nn_decoder_backward(&w->gview, &w->g, w->dlogits, &w->acts, c->p, bt->dec_in + (size_t)w->b0 * bt->T, &sh);
    nn_encoder_backward(&w->gview, &w->g, &w->acts, c->p, bt->src + (size_t)w->b0 * bt->S, &sh);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    if (w->nb > 0) {
        worker_forward(w);
        if (w->ctx->grad) worker_backward(w);
    } else {
        w->loss_sum = 0.0;
        w->correct = w->exact = 0;
    }
    return NULL;
}

/* wt = the 2-D weights transposed ([out, in] -> [in, out]) at the same offsets. */
static void build_transposed(train_ctx *c, const model_params *p)
{
    for (int i = 0; i < p->n_tensors; i++) {
        const model_tensor *t = &p->tensors[i];
        if (t->ndim != 2) continue;
        kern_transpose(c->wt + t->offset, p->memory + t->offset, t->shape[0], t->shape[1], t->shape[1]);
    }
}

double train_ctx_run(train_ctx *c, const model_params *p, const train_batch *b, float dropout, float label_smoothing,
                     unsigned long long seed, long step, float *grad, int *n_correct, int *n_exact)
{
    assert(p->n_floats == c->n_floats);
    assert(b->n <= c->max_batch);
    c->p = p;
    c->b = b;
    c->dropout = dropout;
    c->smoothing = label_smoothing;
    c->seed = seed;
    c->step = step;
    c->grad = grad;
    build_transposed(c, p);
    const int per = (b->n + c->threads - 1) / c->threads;
    for (int t = 0; t < c->threads; t++) {
        worker *w = &c->w[t];
        w->b0 = t * per < b->n ? t * per : b->n;
        w->nb = (t + 1) * per < b->n ? per : b->n - w->b0;
        if (grad) {
            w->grad = t == 0 ? grad : c->gextra + (size_t)(t - 1) * c->n_floats;
            if (t > 0) memset(w->grad, 0, c->n_floats * sizeof(float));
        }
    }
    pthread_t tid[64];
    int started[64] = { 0 };
    for (int t = 1; t < c->threads; t++)
        started[t] = pthread_create(&tid[t], NULL, worker_main, &c->w[t]) == 0;
    worker_main(&c->w[0]);
    for (int t = 1; t < c->threads; t++) {
        if (started[t]) pthread_join(tid[t], NULL);
        else worker_main(&c->w[t]); /* could not start a thread: do its share here */
    }
    double loss = 0.0;
    int correct = 0, exact = 0;
    for (int t = 0; t < c->threads; t++) {
        loss += c->w[t].loss_sum;
        correct += c->w[t].correct;
        exact += c->w[t].exact;
        if (grad && t > 0) {
            const float *gt = c->w[t].grad;
            for (size_t i = 0; i < c->n_floats; i++) grad[i] += gt[i];
        }
    }
    if (n_correct) *n_correct = correct;
    if (n_exact) *n_exact = exact;
    return b->n_tokens > 0 ? loss / b->n_tokens : 0.0;
}

void train_ctx_set_opts(train_ctx *c, const trace_opts *opts)
{
    trace_opts o;
    memset(&o, 0, sizeof o);
    if (opts) o = *opts;
    for (int t = 0; t < c->threads; t++) c->w[t].acts.opts = o;
}

const float *train_ctx_logits(const train_ctx *c, int i)
{
    const int T = c->b->T, V = c->cfg.vocab_size;
    for (int t = 0; t < c->threads; t++) {
        const worker *w = &c->w[t];
        if (i >= w->b0 && i < w->b0 + w->nb) return w->acts.logits + (size_t)(i - w->b0) * T * V;
    }
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Batches.                                                                  */

int train_batch_init(train_batch *b, int cap_b, int cap_len)
{
    memset(b, 0, sizeof *b);
    const size_t n = (size_t)cap_b * cap_len;
    b->src = calloc(n, sizeof(int));
    b->dec_in = calloc(n, sizeof(int));
    b->dec_out = calloc(n, sizeof(int));
    b->src_len = calloc((size_t)cap_b, sizeof(int));
    b->tgt_len = calloc((size_t)cap_b, sizeof(int));
    if (!b->src || !b->dec_in || !b->dec_out || !b->src_len || !b->tgt_len) {
        train_batch_free(b);
        return -1;
    }
    b->cap_b = cap_b;
    b->cap_len = cap_len;
    return 0;
}

void train_batch_free(train_batch *b)
{
    if (!b) return;
    free(b->src);
    free(b->dec_in);
    free(b->dec_out);
    free(b->src_len);
    free(b->tgt_len);
    memset(b, 0, sizeof *b);
}

int train_batch_fill(train_batch *b, const train_example *ex, const int *idx, int n)
{
    if (n > b->cap_b) return -1;
    int S = 1, T = 1;
    for (int i = 0; i < n; i++) {
        const train_example *e = &ex[idx[i]];
        if (e->n_src < 1 || e->n_src > b->cap_len || e->n_tgt < 0 || e->n_tgt + 1 > b->cap_len) return -1;
        if (e->n_src > S) S = e->n_src;
        if (e->n_tgt + 1 > T) T = e->n_tgt + 1;
    }
    b->n = n;
    b->S = S;
    b->T = T;
    b->n_tokens = 0;
    memset(b->src, 0, (size_t)n * S * sizeof(int));
    memset(b->dec_in, 0, (size_t)n * T * sizeof(int));
    memset(b->dec_out, 0, (size_t)n * T * sizeof(int));
    for (int i = 0; i < n; i++) {
        const train_example *e = &ex[idx[i]];
        memcpy(b->src + (size_t)i * S, e->src, (size_t)e->n_src * sizeof(int));
        b->src_len[i] = e->n_src;
        int *in = b->dec_in + (size_t)i * T, *out = b->dec_out + (size_t)i * T;
        in[0] = TOK_BOS;
        for (int t = 0; t < e->n_tgt; t++) {
            in[t + 1] = e->tgt[t];
            out[t] = e->tgt[t];
        }
        out[e->n_tgt] = TOK_EOS;
        b->tgt_len[i] = e->n_tgt + 1;
        b->n_tokens += e->n_tgt + 1;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* A training run.                                                           */

struct train_state {
    model_config cfg;
    train_options opt;
    model_params params;
    float *grad, *adam_m, *adam_v;
    train_ctx *ctx;
    const train_example *ex;
    int n_ex;
    uint64_t fingerprint;
    long step;
    int epoch, pos;        /* data position: batch pos of epoch's plan is next */
    int *order;            /* [n_ex] example order of the current epoch */
    int *bstart, *bcount;  /* [n_batches] */
    int n_batches;
    int plan_epoch;        /* epoch the plan was built for, -1 none */
    train_batch batch;
};

static int rng_below(uint64_t *s, int n)
{
    return (int)(rng_next(s) % (uint64_t)n);
}

static const train_example *g_sort_ex; /* qsort context (plan building is single-threaded) */

static int cmp_len(const void *pa, const void *pb)
{
    const int a = *(const int *)pa, b = *(const int *)pb;
    const train_example *ea = &g_sort_ex[a], *eb = &g_sort_ex[b];
    if (ea->n_src != eb->n_src) return ea->n_src - eb->n_src;
    if (ea->n_tgt != eb->n_tgt) return ea->n_tgt - eb->n_tgt;
    return a - b;
}

/* Epoch plan: shuffle all examples (seeded by seed and epoch), sort chunks of
 * 32 batches by length, cut them into batches, shuffle the batch order. */
static void build_plan(train_state *s, int epoch)
{
    uint64_t r = mix64(s->opt.seed ^ 0xBA7C4ULL) + (uint64_t)epoch * 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < s->n_ex; i++) s->order[i] = i;
    for (int i = s->n_ex - 1; i > 0; i--) {
        const int j = rng_below(&r, i + 1);
        const int t = s->order[i];
        s->order[i] = s->order[j];
        s->order[j] = t;
    }
    const int B = s->opt.batch, chunk = B * 32;
    g_sort_ex = s->ex;
    s->n_batches = 0;
    for (int c0 = 0; c0 < s->n_ex; c0 += chunk) {
        const int n = s->n_ex - c0 < chunk ? s->n_ex - c0 : chunk;
        qsort(s->order + c0, (size_t)n, sizeof(int), cmp_len);
        for (int i = 0; i < n; i += B) {
            s->bstart[s->n_batches] = c0 + i;
            s->bcount[s->n_batches] = n - i < B ? n - i : B;
            s->n_batches++;
        }
    }
    for (int i = s->n_batches - 1; i > 0; i--) {
        const int j = rng_below(&r, i + 1);
        int t = s->bstart[i]; s->bstart[i] = s->bstart[j]; s->bstart[j] = t;
        t = s->bcount[i]; s->bcount[i] = s->bcount[j]; s->bcount[j] = t;
    }
    s->plan_epoch = epoch;
}

static uint64_t fingerprint_examples(const train_example *ex, int n)
{
    uint64_t h = 0xCBF29CE484222325ULL;
    for (int i = 0; i < n; i++) {
        h = (h ^ (uint64_t)ex[i].n_src) * 0x100000001B3ULL;
        for (int j = 0; j < ex[i].n_src; j++) h = (h ^ (uint64_t)ex[i].src[j]) * 0x100000001B3ULL;
        h = (h ^ (uint64_t)ex[i].n_tgt) * 0x100000001B3ULL;
        for (int j = 0; j < ex[i].n_tgt; j++) h = (h ^ (uint64_t)ex[i].tgt[j]) * 0x100000001B3ULL;
    }
    return h;
}

static void *fail_null(char *err, size_t err_len, const char *msg)
{
    if (err && err_len) snprintf(err, err_len, "%s", msg);
    return NULL;
}

train_state *train_state_create(const model_config *cfg, const train_options *opt, const train_example *ex, int n_ex,
                                char *err, size_t err_len)
{
    char why[160];
    if (model_config_check(cfg, why, sizeof why) != 0) return fail_null(err, err_len, why);
    if (opt->batch < 1) return fail_null(err, err_len, "batch must be at least 1");
    if (n_ex < 1) return fail_null(err, err_len, "no training examples");
    for (int i = 0; i < n_ex; i++)
        if (ex[i].n_src < 1 || ex[i].n_src > cfg->max_len || ex[i].n_tgt < 0 || ex[i].n_tgt + 1 > cfg->max_len) {
            if (err && err_len) snprintf(err, err_len, "training example %d does not fit max_len %d", i, cfg->max_len);
            return NULL;
        }
    train_state *s = calloc(1, sizeof *s);
    if (!s) return fail_null(err, err_len, "out of memory");
    s->cfg = *cfg;
    s->opt = *opt;
    s->ex = ex;
    s->n_ex = n_ex;
    s->plan_epoch = -1;
    if (model_params_init(&s->params, cfg) != 0) {
        free(s);
        return fail_null(err, err_len, "out of memory for the parameters");
    }
    model_params_init_random(&s->params, opt->seed);
    const size_t nf = s->params.n_floats;
    s->grad = calloc(nf, sizeof(float));
    s->adam_m = calloc(nf, sizeof(float));
    s->adam_v = calloc(nf, sizeof(float));
    s->order = calloc((size_t)n_ex, sizeof(int));
    s->bstart = calloc((size_t)n_ex, sizeof(int));
    s->bcount = calloc((size_t)n_ex, sizeof(int));
    s->ctx = train_ctx_create(cfg, opt->batch, opt->threads);
    if (!s->grad || !s->adam_m || !s->adam_v || !s->order || !s->bstart || !s->bcount || !s->ctx ||
        train_batch_init(&s->batch, opt->batch, cfg->max_len) != 0) {
        train_state_free(s);
        return fail_null(err, err_len, "out of memory for the training buffers");
    }
    s->fingerprint = fingerprint_examples(ex, n_ex);
    return s;
}

void train_state_free(train_state *s)
{
    if (!s) return;
    model_params_free(&s->params);
    free(s->grad);
    free(s->adam_m);
    free(s->adam_v);
    free(s->order);
    free(s->bstart);
    free(s->bcount);
    train_ctx_free(s->ctx);
    train_batch_free(&s->batch);
    free(s);
}

model_params *train_state_params(train_state *s) { return &s->params; }
long train_state_step(const train_state *s) { return s->step; }
int train_state_epoch(const train_state *s) { return s->epoch; }

int train_state_step_once(train_state *s, train_step_info *info)
{
    if (s->plan_epoch != s->epoch) build_plan(s, s->epoch);
    const int bi = s->pos;
    train_batch_fill(&s->batch, s->ex, s->order + s->bstart[bi], s->bcount[bi]);
    if (++s->pos >= s->n_batches) {
        s->pos = 0;
        s->epoch++;
    }
    const long t = s->step + 1;
    const size_t nf = s->params.n_floats;
    memset(s->grad, 0, nf * sizeof(float));
    int correct = 0;
    const double loss = train_ctx_run(s->ctx, &s->params, &s->batch, s->opt.dropout, s->opt.label_smoothing,
                                      s->opt.seed, t, s->grad, &correct, NULL);
    int finite = isfinite(loss);
    for (size_t i = 0; finite && i < nf; i++)
        if (!isfinite(s->grad[i])) finite = 0;
    const double lr = train_lr(t, s->cfg.d_model, s->opt.warmup, s->opt.lr_scale);
    if (info) {
        info->loss = loss;
        info->tokens = s->batch.n_tokens;
        info->sentences = s->batch.n;
        info->correct = correct;
        info->lr = lr;
        info->finite = finite;
    }
    if (!finite) return -1;
    train_adam_update(s->params.memory, s->adam_m, s->adam_v, s->grad, nf, (float)lr, s->opt.beta1, s->opt.beta2,
                      s->opt.adam_eps, t);
    s->step = t;
    return 0;
}

double train_state_evaluate(train_state *s, const train_example *ex, int n, double *tok_acc, double *exact)
{
    const int B = s->opt.batch;
    int *idx = malloc((size_t)B * sizeof(int));
    double loss = 0.0;
    long tokens = 0, correct = 0, ex_ok = 0;
    for (int i0 = 0; idx && i0 < n; i0 += B) {
        const int nb = n - i0 < B ? n - i0 : B;
        for (int i = 0; i < nb; i++) idx[i] = i0 + i;
        if (train_batch_fill(&s->batch, ex, idx, nb) != 0) continue;
        int c = 0, e = 0;
        const double l = train_ctx_run(s->ctx, &s->params, &s->batch, 0.0f, s->opt.label_smoothing, s->opt.seed, 0,
                                       NULL, &c, &e);
        loss += l * s->batch.n_tokens;
        tokens += s->batch.n_tokens;
        correct += c;
        ex_ok += e;
    }
    free(idx);
    if (tok_acc) *tok_acc = tokens ? (double)correct / tokens : 0.0;
    if (exact) *exact = n ? (double)ex_ok / n : 0.0;
    return tokens ? loss / tokens : 0.0;
}

/* ------------------------------------------------------------------------ */
/* Checkpoints.                                                              */

#define CKPT_MAGIC "TLABCKPT"
#define CKPT_VERSION 1
#define CKPT_FIELDS 32

static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001B3ULL;
    return h;
}

static int64_t float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return (int64_t)u;
}

static void ckpt_header(const train_state *s, int64_t *h)
{
    memset(h, 0, CKPT_FIELDS * sizeof(int64_t));
    h[0] = CKPT_VERSION;
    h[1] = s->cfg.d_model;
    h[2] = s->cfg.n_heads;
    h[3] = s->cfg.n_enc_layers;
    h[4] = s->cfg.n_dec_layers;
    h[5] = s->cfg.d_ff;
    h[6] = s->cfg.vocab_size;
    h[7] = s->cfg.max_len;
    h[8] = s->cfg.has_final_norm;
    h[9] = float_bits(s->cfg.ln_eps);
    h[10] = (int64_t)s->params.n_floats;
    h[11] = s->step;
    h[12] = s->epoch;
    h[13] = s->pos;
    h[14] = (int64_t)s->opt.seed;
    h[15] = s->opt.batch;
    h[16] = s->opt.warmup;
    h[17] = float_bits(s->opt.lr_scale);
    h[18] = float_bits(s->opt.label_smoothing);
    h[19] = float_bits(s->opt.dropout);
    h[20] = (int64_t)s->fingerprint;
    h[21] = s->n_ex;
    h[22] = s->opt.threads;
}

static int ckpt_fail(char *err, size_t err_len, const char *path, const char *why)
{
    if (err && err_len) snprintf(err, err_len, "%s: %s", path, why);
    return -1;
}

int train_state_save(const train_state *s, const char *path, char *err, size_t err_len)
{
    afile f;
    if (afile_open(&f, path, AFILE_REPLACE, err, err_len) != 0) return -1;
    int64_t h[CKPT_FIELDS];
    ckpt_header(s, h);
    const size_t nf = s->params.n_floats;
    uint64_t sum = 0xCBF29CE484222325ULL;
    sum = fnv1a(sum, CKPT_MAGIC, 8);
    sum = fnv1a(sum, h, sizeof h);
    sum = fnv1a(sum, s->params.memory, nf * sizeof(float));
    sum = fnv1a(sum, s->adam_m, nf * sizeof(float));
    sum = fnv1a(sum, s->adam_v, nf * sizeof(float));
    /* A short write flags the stream; afile_commit then names the cause and removes the temporary. */
    (void)(fwrite(CKPT_MAGIC, 1, 8, f.fp) == 8 && fwrite(h, sizeof h, 1, f.fp) == 1 &&
           fwrite(s->params.memory, sizeof(float), nf, f.fp) == nf && fwrite(s->adam_m, sizeof(float), nf, f.fp) == nf &&
           fwrite(s->adam_v, sizeof(float), nf, f.fp) == nf && fwrite(&sum, sizeof sum, 1, f.fp) == 1);
    return afile_commit(&f, err, err_len);
}

int train_state_load(train_state *s, const char *path, char *err, size_t err_len)
{
    char why[256];
    FILE *f = fopen(path, "rb");
    if (!f) return ckpt_fail(err, err_len, path, strerror(errno));
    const size_t nf = s->params.n_floats;
    const size_t want = 8 + CKPT_FIELDS * sizeof(int64_t) + 3 * nf * sizeof(float) + sizeof(uint64_t);
    unsigned char *buf = malloc(want + 1);
    if (!buf) {
        fclose(f);
        return ckpt_fail(err, err_len, path, "out of memory");
    }
    const size_t got = fread(buf, 1, want + 1, f);
    fclose(f);
    int rc = -1;
    int64_t h[CKPT_FIELDS], mine[CKPT_FIELDS];
    ckpt_header(s, mine);
    if (got < 8 + sizeof h || memcmp(buf, CKPT_MAGIC, 8) != 0) {
        ckpt_fail(err, err_len, path, "not a tlab-train checkpoint (bad magic); refusing to start fresh");
        goto done;
    }
    memcpy(h, buf + 8, sizeof h);
    if (h[0] != CKPT_VERSION) {
        snprintf(why, sizeof why, "checkpoint format version %lld, this program reads version %d", (long long)h[0],
                 CKPT_VERSION);
        ckpt_fail(err, err_len, path, why);
        goto done;
    }
    for (int i = 1; i <= 10; i++)
        if (h[i] != mine[i]) {
            snprintf(why, sizeof why,
                     "checkpoint is for another model (d_model %lld, heads %lld, layers %lld+%lld, d_ff %lld, vocab "
                     "%lld, max_len %lld); this run has d_model %d, heads %d, layers %d+%d, d_ff %d, vocab %d, "
                     "max_len %d",
                     (long long)h[1], (long long)h[2], (long long)h[3], (long long)h[4], (long long)h[5],
                     (long long)h[6], (long long)h[7], s->cfg.d_model, s->cfg.n_heads, s->cfg.n_enc_layers,
                     s->cfg.n_dec_layers, s->cfg.d_ff, s->cfg.vocab_size, s->cfg.max_len);
            ckpt_fail(err, err_len, path, why);
            goto done;
        }
    if (got != want) {
        snprintf(why, sizeof why, "checkpoint is %s (%zu bytes, expected %zu): damaged or cut short",
                 got > want ? "too long" : "truncated", got > want ? want + 1 : got, want);
        ckpt_fail(err, err_len, path, why);
        goto done;
    }
    uint64_t sum, stored;
    sum = fnv1a(0xCBF29CE484222325ULL, buf, want - sizeof(uint64_t));
    memcpy(&stored, buf + want - sizeof(uint64_t), sizeof stored);
    if (sum != stored) {
        ckpt_fail(err, err_len, path, "checksum mismatch: the checkpoint is damaged");
        goto done;
    }
    if (h[20] != mine[20] || h[21] != mine[21]) {
        ckpt_fail(err, err_len, path, "checkpoint was made on different training data (corpus size or seed differ)");
        goto done;
    }
    if (h[14] != mine[14] || h[15] != mine[15] || h[16] != mine[16] || h[17] != mine[17] || h[18] != mine[18] ||
        h[19] != mine[19]) {
        snprintf(why, sizeof why,
                 "checkpoint was made with other settings (seed %lld, batch %lld, warmup %lld); pass the same flags "
                 "(this run: seed %llu, batch %d, warmup %d)",
                 (long long)h[14], (long long)h[15], (long long)h[16], (unsigned long long)s->opt.seed, s->opt.batch,
                 s->opt.warmup);
        ckpt_fail(err, err_len, path, why);
        goto done;
    }
    if (h[11] < 0 || h[12] < 0 || h[13] < 0) {
        ckpt_fail(err, err_len, path, "checkpoint has a negative step or data position");
        goto done;
    }
    build_plan(s, (int)h[12]);
    if (h[13] >= s->n_batches) {
        s->plan_epoch = -1;
        ckpt_fail(err, err_len, path, "checkpoint data position is past the end of its epoch");
        goto done;
    }
    const unsigned char *d = buf + 8 + sizeof h;
    memcpy(s->params.memory, d, nf * sizeof(float));
    memcpy(s->adam_m, d + nf * sizeof(float), nf * sizeof(float));
    memcpy(s->adam_v, d + 2 * nf * sizeof(float), nf * sizeof(float));
    s->step = (long)h[11];
    s->epoch = (int)h[12];
    s->pos = (int)h[13];
    rc = 0;
done:
    free(buf);
    return rc;
}
