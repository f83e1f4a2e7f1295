/* whatif.c - second traces for "what if" demonstrations (see whatif.h).
 *
 * Must not: change the live trace, draw, or keep pointers into the live trace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whatif.h"

struct whatif {
    trace tr;
    int has_trace;               /* trace_init done */
    int valid;                   /* tr holds the run for the key below */
    const model_params *params;  /* key: the model, the ids and the options of the last run */
    int n_src, n_tgt;
    int src_ids[1024], tgt_ids[1024];
    char *sentence;              /* key of whatif_translate: the text translated (NULL for the no-mask run) */
    trace_opts opts;
    int runs;
};

whatif *whatif_new(const model_config *cfg)
{
    whatif *w = calloc(1, sizeof(whatif));
    if (!w || !cfg) return w;
    if (trace_init(&w->tr, cfg) != 0) {
        free(w);
        return NULL;
    }
    w->has_trace = 1;
    return w;
}

void whatif_free(whatif *w)
{
    if (!w) return;
    if (w->has_trace) trace_free(&w->tr);
    free(w->sentence);
    free(w);
}

int whatif_runs(const whatif *w) { return w ? w->runs : 0; }

const trace *whatif_trace(const whatif *w) { return w && w->valid ? &w->tr : NULL; }

static int same_config(const model_config *a, const model_config *b)
{
    return a->d_model == b->d_model && a->n_heads == b->n_heads && a->n_enc_layers == b->n_enc_layers &&
           a->n_dec_layers == b->n_dec_layers && a->d_ff == b->d_ff && a->vocab_size == b->vocab_size &&
           a->max_len == b->max_len;
}

/* The handle's trace for p's sizes (re-made when the model's sizes changed); 0, or -1 with a message. */
static int ensure_trace(whatif *w, const model_params *p, char *err, size_t err_len)
{
    if (w->has_trace && !same_config(&w->tr.cfg, &p->cfg)) {
        trace_free(&w->tr);
        w->has_trace = 0;
        w->valid = 0;
    }
    if (!w->has_trace) {
        if (trace_init(&w->tr, &p->cfg) != 0) {
            if (err && err_len) snprintf(err, err_len, "what-if run: out of memory for a second trace");
            return -1;
        }
        w->has_trace = 1;
    }
    return 0;
}

const trace *whatif_no_causal_mask(whatif *w, const model_params *p, const trace *live, char *err, size_t err_len)
{
    if (!w || !p || !live) {
        if (err && err_len) snprintf(err, err_len, "what-if run: no model or no trace");
        return NULL;
    }
    if (live->n_src < 1 || live->n_tgt < 1) {
        if (err && err_len) snprintf(err, err_len, "what-if run: the live trace has no decoder rows");
        return NULL;
    }
    if (ensure_trace(w, p, err, err_len) != 0) return NULL;
    if (w->valid && !w->sentence && w->params == p && w->n_src == live->n_src && w->n_tgt == live->n_tgt &&
        memcmp(w->src_ids, live->src_ids, sizeof(int) * (size_t)live->n_src) == 0 &&
        memcmp(w->tgt_ids, live->tgt_ids, sizeof(int) * (size_t)live->n_tgt) == 0)
        return &w->tr;
    trace_opts o;
    memset(&o, 0, sizeof o);
    o.no_causal_mask = 1;
    w->valid = 0;
    w->runs++;
    if (model_run_ids(p, live->src_ids, live->n_src, live->tgt_ids, live->n_tgt, &o, &w->tr, err, err_len) != 0) return NULL;
    free(w->sentence);
    w->sentence = NULL;
    w->params = p;
    w->n_src = live->n_src;
    w->n_tgt = live->n_tgt;
    memcpy(w->src_ids, live->src_ids, sizeof(int) * (size_t)live->n_src);
    memcpy(w->tgt_ids, live->tgt_ids, sizeof(int) * (size_t)live->n_tgt);
    w->valid = 1;
    return &w->tr;
}

const trace *whatif_translate(whatif *w, const model_params *p, const tok_vocab *vocab, const char *sentence,
                              const trace_opts *opts, char *err, size_t err_len)
{
    if (!w || !p || !vocab || !sentence) {
        if (err && err_len) snprintf(err, err_len, "what-if run: no model, vocabulary or sentence");
        return NULL;
    }
    if (ensure_trace(w, p, err, err_len) != 0) return NULL;
    trace_opts o;
    memset(&o, 0, sizeof o);
    if (opts) o = *opts;
    if (w->valid && w->sentence && w->params == p && strcmp(w->sentence, sentence) == 0 &&
        memcmp(&w->opts, &o, sizeof o) == 0)
        return &w->tr;
    w->valid = 0;
    free(w->sentence);
    w->sentence = NULL;
    w->runs++;
    if (model_translate(p, vocab, sentence, &o, &w->tr, err, err_len) != 0) return NULL;
    if (!(w->sentence = malloc(strlen(sentence) + 1))) {
        if (err && err_len) snprintf(err, err_len, "what-if run: out of memory");
        return NULL;
    }
    memcpy(w->sentence, sentence, strlen(sentence) + 1);
    w->params = p;
    w->opts = o;
    w->valid = 1;
    return &w->tr;
}
