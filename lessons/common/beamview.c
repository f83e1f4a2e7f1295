/* beamview.c - cached beam searches for the beam-search lesson (see beamview.h).
 *
 * Must not: change the live trace, draw, or keep pointers into the live trace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beamview.h"

struct beamview {
    trace tr;
    int has_trace;               /* trace_init done */
    int valid;                   /* res holds the search for the key below */
    const model_params *params;  /* key: model, ids, beam size, alpha */
    int n_src;
    int src_ids[BEAM_MAX_STEPS];
    int beam;
    double alpha;
    int runs;
    beam_result *res;            /* 0.8 MB: with the trace (beamview_new with cfg) or at the first search */
};

beamview *beamview_new(const model_config *cfg)
{
    beamview *b = calloc(1, sizeof(beamview));
    if (!b || !cfg) return b;
    if (!(b->res = malloc(sizeof *b->res)) || trace_init(&b->tr, cfg) != 0) {
        free(b->res);
        free(b);
        return NULL;
    }
    b->has_trace = 1;
    return b;
}

void beamview_free(beamview *b)
{
    if (!b) return;
    if (b->has_trace) trace_free(&b->tr);
    free(b->res);
    free(b);
}

int beamview_runs(const beamview *b) { return b ? b->runs : 0; }

const beam_result *beamview_last(const beamview *b) { return b && b->valid ? b->res : NULL; }

static int same_config(const model_config *a, const model_config *b)
{
    return a->d_model == b->d_model && a->n_heads == b->n_heads && a->n_enc_layers == b->n_enc_layers &&
           a->n_dec_layers == b->n_dec_layers && a->d_ff == b->d_ff && a->vocab_size == b->vocab_size &&
           a->max_len == b->max_len;
}

const beam_result *beamview_get(beamview *b, const model_params *p, const int *src_ids, int n_src, int beam,
                                double alpha, char *err, size_t err_len)
{
    if (!b || !p || !src_ids) {
        if (err && err_len) snprintf(err, err_len, "beam search: no model or no sentence");
        return NULL;
    }
    if (n_src < 1 || n_src > BEAM_MAX_STEPS) {
        if (err && err_len) snprintf(err, err_len, "beam search: source length %d is out of range", n_src);
        return NULL;
    }
    if (b->valid && b->params == p && b->n_src == n_src && b->beam == beam && b->alpha == alpha &&
        memcmp(b->src_ids, src_ids, sizeof(int) * (size_t)n_src) == 0)
        return b->res;
    if (!b->res && !(b->res = malloc(sizeof *b->res))) {
        if (err && err_len) snprintf(err, err_len, "beam search: out of memory for a trace");
        return NULL;
    }
    if (b->has_trace && !same_config(&b->tr.cfg, &p->cfg)) {
        trace_free(&b->tr);
        b->has_trace = 0;
    }
    if (!b->has_trace) {
        if (trace_init(&b->tr, &p->cfg) != 0) {
            if (err && err_len) snprintf(err, err_len, "beam search: out of memory for a trace");
            b->valid = 0;
            return NULL;
        }
        b->has_trace = 1;
    }
    beam_opts o = { beam, alpha, 0 };
    b->valid = 0;
    b->runs++;
    if (beam_search_work(p, src_ids, n_src, &o, &b->tr, b->res, err, err_len) != 0) return NULL;
    b->params = p;
    b->n_src = n_src;
    memcpy(b->src_ids, src_ids, sizeof(int) * (size_t)n_src);
    b->beam = beam;
    b->alpha = alpha;
    b->valid = 1;
    return b->res;
}
