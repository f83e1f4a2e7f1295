/* experiment.c - the background evaluator of experiment.h: one worker thread,
 * one mutex, one condition variable (bg_worker.h); pumped (a web page without
 * threads), no thread, the same work_one run by experiment_eval_pump. The table of experiments (their options
 * and scores) changes only under the lock; the worker runs a sentence outside
 * it on its own trace and its own copy of the weights, then publishes the
 * sentence's result. Must not: print, exit, or read the caller's model after
 * experiment_eval_new.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beam.h"
#include "eval.h"
#include "experiment.h"
#include "bg_worker.h"
#include "errmsg.h"
#include "train.h"

/* Sentences per batched forward, and between two looks at the queue (a new urgent experiment waits for
 * one batch at most). The sentences go in order of length, so a batch pads little. Pumped (a web page
 * without threads, on the frame's time), a smaller batch keeps one piece of work to a few ms. */
#define EXPERIMENT_BATCH 40
#define EXPERIMENT_PUMP_BATCH 1

typedef struct {
    trace_opts opts;      /* the key: max_steps always 0 */
    experiment_score score;
    long order;           /* queue order (smaller first) */
    double loss_sum;      /* summed over the sentences done */
    long tokens;
} slot;

/* One held-out pair in the model's ids. */
typedef struct {
    int src[64], n_src;   /* words then <eos> */
    int tgt[64], n_tgt;   /* <bos> then the reference words */
} pair_ids;

struct experiment_eval {
    model_params p;       /* the copy the worker runs */
    pair_ids *pairs;
    train_example *ex;    /* [n] the pairs as training examples (pointers into pairs), for the batch */
    int *order;           /* [n] pair indices by target then source length: the order they are run in */
    int n;
    int batch;            /* sentences per batched forward: EXPERIMENT_BATCH, or EXPERIMENT_PUMP_BATCH pumped */
    train_ctx *tc;        /* worker-owned: the batched teacher-forced forward of training (nn.c) */
    train_batch tb;       /* worker-owned: e->batch sentences padded */
    trace tr;             /* worker-owned: one sentence decoded greedily (no_causal_mask) */
    double *lp;           /* [V] worker-owned log-probabilities */
    bg_worker w;          /* the thread, its lock (guards what follows) and condition */
    slot slots[EXPERIMENT_MAX];
    int n_slots;
    long next_order, first_order;
};

static int fail(char *err, size_t err_len, const char *msg)
{
    if (err && err_len) snprintf(err, err_len, "%s", msg);
    return -1;
}

static trace_opts key_of(const trace_opts *opts)
{
    trace_opts k;
    memset(&k, 0, sizeof k);
    if (opts) k = *opts;
    k.max_steps = 0;
    return k;
}

/* The slot of opts, or NULL (under the lock). */
static slot *find(experiment_eval *e, const trace_opts *key)
{
    for (int i = 0; i < e->n_slots; i++)
        if (memcmp(&e->slots[i].opts, key, sizeof *key) == 0) return &e->slots[i];
    return NULL;
}

/* The queued or running slot that goes first (under the lock), or NULL. */
static slot *next_slot(experiment_eval *e)
{
    slot *best = NULL;
    for (int i = 0; i < e->n_slots; i++) {
        slot *s = &e->slots[i];
        if (s->score.state != EXPERIMENT_QUEUED && s->score.state != EXPERIMENT_RUNNING) continue;
        if (!best || s->order < best->order) best = s;
    }
    return best;
}

/* 1 when greedy decoding picks `want` from logits z [V]: the first of the largest logits (model.c's argmax). */
static int greedy_picks(const float *z, int V, int want)
{
    for (int j = 0; j < V; j++)
        if (z[j] > z[want] || (j < want && z[j] == z[want])) return 0;
    return 1;
}

/* The teacher-forced rows of one sentence, logits [n_tgt, V] (row r predicts tgt[r + 1], <eos> after the
 * last word): 1 when every row's greedy pick is the reference; adds -log p(reference) into *loss (a -INFINITY
 * log-probability counts as 1000). */
static int score_rows(experiment_eval *e, const pair_ids *pr, const float *logits, double *loss)
{
    const int V = e->p.cfg.vocab_size;
    int all_right = 1;
    for (int r = 0; r < pr->n_tgt; r++) {
        const int want = r + 1 < pr->n_tgt ? pr->tgt[r + 1] : TOK_EOS;
        const float *z = logits + (size_t)r * V;
        all_right &= greedy_picks(z, V, want);
        beam_log_softmax(z, V, e->lp);
        *loss -= isfinite(e->lp[want]) ? e->lp[want] : 1e3;
    }
    return all_right;
}

/* Sentences [i0, i0 + n) under opts: how many are exact into *exact, their summed loss and reference tokens
 * added into *loss and *tokens. 0, or -1 with a message.
 * Under the causal mask one teacher-forced run gives both: its rows compute the logits greedy decoding
 * computes along the reference, so greedy decoding produces the reference exactly when every row's argmax
 * is the next reference token. That run goes through training's batched forward (train_ctx: padded
 * sentences side by side, the linear layers as matrix products), n sentences at once. Without the mask
 * the rows see the future: each sentence is decoded greedily and run teacher-forced alone. */
static int run_batch(experiment_eval *e, int i0, int n, const trace_opts *opts, int *exact, double *loss,
                     long *tokens, char *err, size_t err_len)
{
    *exact = 0;
    for (int k = 0; k < n; k++) *tokens += e->pairs[i0 + k].n_tgt;
    if (opts->no_causal_mask) {
        trace *t = &e->tr;
        for (int k = 0; k < n; k++) {
            const pair_ids *pr = &e->pairs[i0 + k];
            if (model_translate_ids(&e->p, pr->src, pr->n_src, opts, t, err, err_len) != 0) return -1;
            *exact += t->finished && eval_exact(t->out_ids, t->n_out, pr->tgt + 1, pr->n_tgt - 1);
            if (model_run_ids(&e->p, pr->src, pr->n_src, pr->tgt, pr->n_tgt, opts, t, err, err_len) != 0) return -1;
            score_rows(e, pr, t->logits, loss);
        }
        return 0;
    }
    const int *idx = e->order + i0;
    if (train_batch_fill(&e->tb, e->ex, idx, n) != 0)
        return fail(err, err_len, N_("experiments: a held-out sentence does not fit the batch"));
    train_ctx_set_opts(e->tc, opts);
    train_ctx_run(e->tc, &e->p, &e->tb, 0.0f, 0.0f, 0, 0, NULL, NULL, NULL);
    for (int k = 0; k < n; k++) *exact += score_rows(e, &e->pairs[idx[k]], train_ctx_logits(e->tc, k), loss);
    return 0;
}

/* The next batch of the next experiment (lock held on entry and exit): run outside the lock, then
 * published. 1 when it did one, 0 when nothing is queued. The thread and experiment_eval_pump share it. */
static int work_one(void *arg)
{
    experiment_eval *e = arg;
    slot *s = next_slot(e);
    if (!s) return 0;
    if (s->score.state == EXPERIMENT_QUEUED) {
        s->score.state = EXPERIMENT_RUNNING;
        s->score.n_done = s->score.n_exact = 0;
        s->loss_sum = 0.0;
        s->tokens = 0;
    }
    const trace_opts opts = s->opts;
    const int i = s->score.n_done, n = e->n - i < e->batch ? e->n - i : e->batch;
    pthread_mutex_unlock(&e->w.mu);
    int exact = 0;
    long tokens = 0;
    double loss = 0.0;
    char err[160] = "";
    const int rc = run_batch(e, i, n, &opts, &exact, &loss, &tokens, err, sizeof err);
    pthread_mutex_lock(&e->w.mu); /* s stays valid: slots are never moved or removed */
    if (rc != 0) {
        s->score.state = EXPERIMENT_FAILED;
        snprintf(s->score.error, sizeof s->score.error, "%s", err);
        return 1;
    }
    s->score.n_done = i + n;
    s->score.n_exact += exact;
    s->loss_sum += loss;
    s->tokens += tokens;
    s->score.loss = s->tokens ? s->loss_sum / (double)s->tokens : 0.0;
    if (s->score.n_done >= e->n) s->score.state = EXPERIMENT_DONE;
    return 1;
}

static void *worker_main(void *arg)
{
    experiment_eval *e = arg;
    pthread_mutex_lock(&e->w.mu);
    while (!e->w.quit)
        if (!work_one(e)) pthread_cond_wait(&e->w.cv, &e->w.mu);
    pthread_mutex_unlock(&e->w.mu);
    return NULL;
}

int experiment_eval_pump(experiment_eval *e, double budget_s)
{
    if (!e || e->w.has_thread) return 0;
    pthread_mutex_lock(&e->w.mu);
    const int done = bg_worker_pump_locked(work_one, e, budget_s);
    pthread_mutex_unlock(&e->w.mu);
    return done;
}

/* qsort order of (length key, index) pairs. */
static int cmp_key(const void *pa, const void *pb)
{
    const int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

/* e->order: the pairs by target length, then source length, then index. 0, or -1 (no memory). */
static int sort_by_length(experiment_eval *e)
{
    int64_t *key = malloc((size_t)e->n * sizeof *key); /* 64 bits: a long is 32 in WebAssembly */
    e->order = malloc((size_t)e->n * sizeof *e->order);
    if (!key || !e->order) {
        free(key);
        return -1;
    }
    for (int i = 0; i < e->n; i++) key[i] = ((int64_t)e->pairs[i].n_tgt * 1024 + e->pairs[i].n_src) * 1048576 + i;
    qsort(key, (size_t)e->n, sizeof *key, cmp_key);
    for (int i = 0; i < e->n; i++) e->order[i] = (int)(key[i] % 1048576);
    free(key);
    return 0;
}

/* set's pairs in p's ids through vocab, and their order. 0, or -1 with a message. */
static int convert_set(experiment_eval *e, const tok_vocab *vocab, const corpus_set *set, char *err, size_t err_len)
{
    const int L = e->p.cfg.max_len;
    e->pairs = calloc((size_t)(set->n > 0 ? set->n : 1), sizeof *e->pairs);
    e->ex = calloc((size_t)(set->n > 0 ? set->n : 1), sizeof *e->ex);
    if (!e->pairs || !e->ex) return fail(err, err_len, N_("experiments: out of memory for the sentences"));
    e->n = set->n;
    for (int i = 0; i < set->n; i++) {
        const corpus_pair *cp = &set->pairs[i];
        pair_ids *pr = &e->pairs[i];
        if (cp->n_src + 1 > L || cp->n_tgt + 1 > L)
            return fail(err, err_len, N_("experiments: a held-out sentence is longer than the model's max_len"));
        for (int k = 0; k < cp->n_src + cp->n_tgt; k++) {
            const int src_side = k < cp->n_src;
            const char *w = corpus_word(src_side ? cp->src_ids[k] : cp->tgt_ids[k - cp->n_src]);
            const int id = tok_vocab_find(vocab, w);
            if (id < 0 || id >= e->p.cfg.vocab_size) {
                if (err && err_len) snprintf(err, err_len, N_("experiments: the model does not know the word '%s'"), w);
                return -1;
            }
            if (src_side) pr->src[k] = id;
            else pr->tgt[k - cp->n_src + 1] = id;
        }
        pr->src[cp->n_src] = TOK_EOS;
        pr->n_src = cp->n_src + 1;
        pr->tgt[0] = TOK_BOS;
        pr->n_tgt = cp->n_tgt + 1;
        e->ex[i] = (train_example){pr->src, pr->n_src, pr->tgt + 1, cp->n_tgt};
    }
    return sort_by_length(e) == 0 ? 0 : fail(err, err_len, N_("experiments: out of memory for the sentences"));
}

/* Frees e and what it holds; its thread has stopped or never started. */
static void release(experiment_eval *e)
{
    free(e->pairs);
    free(e->ex);
    free(e->order);
    free(e->lp);
    trace_free(&e->tr);
    train_ctx_free(e->tc);
    train_batch_free(&e->tb);
    model_params_free(&e->p);
    free(e);
}

static experiment_eval *create(const model_params *p, const tok_vocab *vocab, const corpus_set *set, int pumped,
                               char *err, size_t err_len)
{
    if (!p || !p->memory || !vocab || !set || set->n < 1) {
        fail(err, err_len, N_("experiments: no model, vocabulary or sentences"));
        return NULL;
    }
    experiment_eval *e = calloc(1, sizeof *e);
    if (!e) {
        fail(err, err_len, N_("experiments: out of memory"));
        return NULL;
    }
    e->batch = pumped ? EXPERIMENT_PUMP_BATCH : EXPERIMENT_BATCH;
    int ok = model_params_init(&e->p, &p->cfg) == 0;
    if (ok) memcpy(e->p.memory, p->memory, p->n_floats * sizeof(float));
    ok = ok && trace_init(&e->tr, &p->cfg) == 0;
    ok = ok && (e->tc = train_ctx_create(&p->cfg, e->batch, 1)) != NULL;
    ok = ok && train_batch_init(&e->tb, e->batch, p->cfg.max_len) == 0;
    ok = ok && (e->lp = malloc((size_t)p->cfg.vocab_size * sizeof(double))) != NULL;
    if (!ok) fail(err, err_len, N_("experiments: out of memory for a copy of the model"));
    ok = ok && convert_set(e, vocab, set, err, err_len) == 0;
    if (ok && bg_worker_start(&e->w, pumped ? NULL : worker_main, e) != 0) {
        ok = 0;
        fail(err, err_len, N_("experiments: could not start the worker thread"));
    }
    if (!ok) {
        release(e); /* the thread never started */
        return NULL;
    }
    return e;
}

experiment_eval *experiment_eval_new(const model_params *p, const tok_vocab *vocab, const corpus_set *set, char *err,
                                     size_t err_len)
{
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
    return create(p, vocab, set, 1, err, err_len); /* a web page without threads */
#else
    return create(p, vocab, set, 0, err, err_len);
#endif
}

experiment_eval *experiment_eval_new_pumped(const model_params *p, const tok_vocab *vocab, const corpus_set *set,
                                            char *err, size_t err_len)
{
    return create(p, vocab, set, 1, err, err_len);
}

void experiment_eval_free(experiment_eval *e)
{
    if (!e) return;
    bg_worker_stop(&e->w);
    release(e);
}

int experiment_eval_want(experiment_eval *e, const trace_opts *opts, int urgent)
{
    if (!e) return -1;
    const trace_opts key = key_of(opts);
    if (trace_opts_check(&key, &e->p.cfg, NULL, 0) != 0) return -1;
    pthread_mutex_lock(&e->w.mu);
    slot *s = find(e, &key);
    int rc = 0;
    if (!s && e->n_slots < EXPERIMENT_MAX) {
        s = &e->slots[e->n_slots++];
        memset(s, 0, sizeof *s);
        s->opts = key;
        s->score.state = EXPERIMENT_QUEUED;
        s->score.n = e->n;
        s->order = e->next_order++;
        pthread_cond_broadcast(&e->w.cv);
    } else if (!s) {
        rc = -1;
    }
    /* urgent: ahead of everything queued (a running experiment finishes its sentence first) */
    if (s && urgent && s->score.state == EXPERIMENT_QUEUED) s->order = --e->first_order;
    pthread_mutex_unlock(&e->w.mu);
    return rc;
}

experiment_score experiment_eval_get(experiment_eval *e, const trace_opts *opts)
{
    experiment_score r;
    memset(&r, 0, sizeof r);
    if (!e) return r;
    const trace_opts key = key_of(opts);
    pthread_mutex_lock(&e->w.mu);
    const slot *s = find(e, &key);
    if (s) r = s->score;
    pthread_mutex_unlock(&e->w.mu);
    return r;
}

int experiment_eval_pending(experiment_eval *e)
{
    if (!e) return 0;
    pthread_mutex_lock(&e->w.mu);
    int n = 0;
    for (int i = 0; i < e->n_slots; i++)
        n += e->slots[i].score.state == EXPERIMENT_QUEUED || e->slots[i].score.state == EXPERIMENT_RUNNING;
    pthread_mutex_unlock(&e->w.mu);
    return n;
}
