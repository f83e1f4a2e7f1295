/* experiment.c - the background evaluator of experiment.h: one worker thread,
 * one mutex, one condition variable. The table of experiments (their options
 * and scores) changes only under the lock; the worker runs a sentence outside
 * it on its own trace and its own copy of the weights, then publishes the
 * sentence's result. Must not: print, exit, or read the caller's model after
 * experiment_eval_new.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beam.h"
#include "eval.h"
#include "experiment.h"
#include "bg_worker.h"

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
    int n;
    trace tr;             /* worker-owned */
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

/* One sentence under opts: 1 exact / 0 not into *exact, its summed loss and token count. 0, or -1 with
 * a message.
 * Under the causal mask one teacher-forced run gives both: its rows compute the very logits greedy
 * decoding computes along the reference (model.c: bit-identical), so greedy decoding produces the
 * reference exactly when every row's argmax is the next reference token (<eos> after the last word).
 * Without the mask the rows see the future and greedy decoding is run as well. */
static int run_sentence(experiment_eval *e, const pair_ids *pr, const trace_opts *opts, int *exact, double *loss,
                        int *tokens, char *err, size_t err_len)
{
    const int V = e->p.cfg.vocab_size;
    trace *t = &e->tr;
    if (opts->no_causal_mask) {
        if (model_translate_ids(&e->p, pr->src, pr->n_src, opts, t, err, err_len) != 0) return -1;
        *exact = t->finished && eval_exact(t->out_ids, t->n_out, pr->tgt + 1, pr->n_tgt - 1);
    }
    /* rows 0..n_tgt-1 of <bos> w_0 .. w_{T-1} predict w_0 .. w_{T-1}, <eos> */
    if (model_run_ids(&e->p, pr->src, pr->n_src, pr->tgt, pr->n_tgt, opts, t, err, err_len) != 0) return -1;
    double sum = 0.0;
    int all_right = 1;
    for (int r = 0; r < pr->n_tgt; r++) {
        const int want = r + 1 < pr->n_tgt ? pr->tgt[r + 1] : TOK_EOS;
        all_right &= t->out_ids[r] == want; /* out_ids[r]: the argmax of row r */
        beam_log_softmax(t->logits + (size_t)r * V, V, e->lp);
        sum -= isfinite(e->lp[want]) ? e->lp[want] : 1e3; /* a -INFINITY log-probability counts as 1000 */
    }
    if (!opts->no_causal_mask) *exact = all_right;
    *loss = sum;
    *tokens = pr->n_tgt;
    return 0;
}

static void *worker_main(void *arg)
{
    experiment_eval *e = arg;
    pthread_mutex_lock(&e->w.mu);
    for (;;) {
        slot *s = NULL;
        while (!e->w.quit && !(s = next_slot(e))) pthread_cond_wait(&e->w.cv, &e->w.mu);
        if (e->w.quit) break;
        if (s->score.state == EXPERIMENT_QUEUED) {
            s->score.state = EXPERIMENT_RUNNING;
            s->score.n_done = s->score.n_exact = 0;
            s->loss_sum = 0.0;
            s->tokens = 0;
        }
        const trace_opts opts = s->opts;
        const int i = s->score.n_done;
        pthread_mutex_unlock(&e->w.mu);
        int exact = 0, tokens = 0;
        double loss = 0.0;
        char err[160] = "";
        const int rc = run_sentence(e, &e->pairs[i], &opts, &exact, &loss, &tokens, err, sizeof err);
        pthread_mutex_lock(&e->w.mu); /* s stays valid: slots are never moved or removed */
        if (rc != 0) {
            s->score.state = EXPERIMENT_FAILED;
            snprintf(s->score.error, sizeof s->score.error, "%s", err);
            continue;
        }
        s->score.n_done = i + 1;
        s->score.n_exact += exact;
        s->loss_sum += loss;
        s->tokens += tokens;
        s->score.loss = s->tokens ? s->loss_sum / (double)s->tokens : 0.0;
        if (s->score.n_done >= e->n) s->score.state = EXPERIMENT_DONE;
    }
    pthread_mutex_unlock(&e->w.mu);
    return NULL;
}

/* set's pairs in p's ids through vocab. 0, or -1 with a message. */
static int convert_set(experiment_eval *e, const tok_vocab *vocab, const corpus_set *set, char *err, size_t err_len)
{
    const int L = e->p.cfg.max_len;
    e->pairs = calloc((size_t)(set->n > 0 ? set->n : 1), sizeof *e->pairs);
    if (!e->pairs) return fail(err, err_len, "experiments: out of memory for the sentences");
    e->n = set->n;
    for (int i = 0; i < set->n; i++) {
        const corpus_pair *cp = &set->pairs[i];
        pair_ids *pr = &e->pairs[i];
        if (cp->n_src + 1 > L || cp->n_tgt + 1 > L)
            return fail(err, err_len, "experiments: a held-out sentence is longer than the model's max_len");
        for (int k = 0; k < cp->n_src + cp->n_tgt; k++) {
            const int src_side = k < cp->n_src;
            const char *w = corpus_word(src_side ? cp->src_ids[k] : cp->tgt_ids[k - cp->n_src]);
            const int id = tok_vocab_find(vocab, w);
            if (id < 0 || id >= e->p.cfg.vocab_size) {
                if (err && err_len) snprintf(err, err_len, "experiments: the model does not know the word '%s'", w);
                return -1;
            }
            if (src_side) pr->src[k] = id;
            else pr->tgt[k - cp->n_src + 1] = id;
        }
        pr->src[cp->n_src] = TOK_EOS;
        pr->n_src = cp->n_src + 1;
        pr->tgt[0] = TOK_BOS;
        pr->n_tgt = cp->n_tgt + 1;
    }
    return 0;
}

/* Frees e and what it holds; its thread has stopped or never started. */
static void release(experiment_eval *e)
{
    free(e->pairs);
    free(e->lp);
    trace_free(&e->tr);
    model_params_free(&e->p);
    free(e);
}

experiment_eval *experiment_eval_new(const model_params *p, const tok_vocab *vocab, const corpus_set *set, char *err,
                                     size_t err_len)
{
    if (!p || !p->memory || !vocab || !set || set->n < 1) {
        fail(err, err_len, "experiments: no model, vocabulary or sentences");
        return NULL;
    }
    experiment_eval *e = calloc(1, sizeof *e);
    if (!e) {
        fail(err, err_len, "experiments: out of memory");
        return NULL;
    }
    int ok = model_params_init(&e->p, &p->cfg) == 0;
    if (ok) memcpy(e->p.memory, p->memory, p->n_floats * sizeof(float));
    ok = ok && trace_init(&e->tr, &p->cfg) == 0;
    ok = ok && (e->lp = malloc((size_t)p->cfg.vocab_size * sizeof(double))) != NULL;
    if (!ok) fail(err, err_len, "experiments: out of memory for a copy of the model");
    ok = ok && convert_set(e, vocab, set, err, err_len) == 0;
    if (ok && bg_worker_start(&e->w, worker_main, e) != 0) {
        ok = 0;
        fail(err, err_len, "experiments: could not start the worker thread");
    }
    if (!ok) {
        release(e); /* the thread never started */
        return NULL;
    }
    return e;
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
