/* beam.c - beam search with the GNMT length penalty (see beam.h for the rule).
 * Every next-token distribution comes from model_run_ids on one reused trace;
 * this file only ranks, prunes and records. It must not do model math of its
 * own, print, exit or include SDL.
 */
#include "beam.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail_msg(char *err, size_t err_len, const char *msg)
{
    if (err && err_len) snprintf(err, err_len, "%s", msg);
    return -1;
}

double beam_length_penalty(int n, double alpha)
{
    return pow(5.0 + (double)n, alpha) / pow(6.0, alpha);
}

void beam_log_softmax(const float *x, int n, double *lp)
{
    if (!x || !lp || n < 1) return;
    double mx = (double)x[0];
    for (int i = 1; i < n; i++)
        if ((double)x[i] > mx) mx = (double)x[i];
    double sum = 0.0;
    for (int i = 0; i < n; i++) sum += exp((double)x[i] - mx);
    const double lse = log(sum);
    for (int i = 0; i < n; i++) lp[i] = ((double)x[i] - mx) - lse;
}

int beam_opts_check(const beam_opts *o, int L, char *err, size_t err_len)
{
    if (!o) return fail_msg(err, err_len, "no beam options");
    if (L < 1 || L > BEAM_MAX_STEPS) {
        if (err && err_len)
            snprintf(err, err_len, "the model's max_len %d is too long for beam search (at most %d)", L,
                     BEAM_MAX_STEPS);
        return -1;
    }
    if (o->beam < 1 || o->beam > BEAM_MAX) {
        if (err && err_len) snprintf(err, err_len, "beam size %d is out of range: it must be 1..%d", o->beam, BEAM_MAX);
        return -1;
    }
    if (!(o->alpha >= 0.0 && o->alpha <= 10.0))
        return fail_msg(err, err_len, "length penalty alpha must be a number in 0..10");
    if (o->max_len < 0 || o->max_len > L) {
        if (err && err_len)
            snprintf(err, err_len, "max output length %d is out of range: it must be 0 (= %d) or 1..%d", o->max_len, L,
                     L);
        return -1;
    }
    return 0;
}

/* A candidate while ranking: parent live hypothesis and token. */
typedef struct {
    int parent;
    int token;
    double logp;
    double cum;
} cand;

static int cand_cmp(const void *pa, const void *pb)
{
    const cand *a = pa, *b = pb;
    if (a->cum != b->cum) return a->cum > b->cum ? -1 : 1;
    if (a->logp != b->logp) return a->logp > b->logp ? -1 : 1;
    if (a->parent != b->parent) return a->parent < b->parent ? -1 : 1;
    return (a->token > b->token) - (a->token < b->token);
}

/* Sorted hypotheses: best score first; ties keep the order they were found. */
static int hyp_cmp(const void *pa, const void *pb)
{
    const beam_hyp *a = pa, *b = pb;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    if (a->step != b->step) return a->step < b->step ? -1 : 1;
    return (a->entry > b->entry) - (a->entry < b->entry);
}

/* Live hypotheses between steps. */
typedef struct {
    int ids[BEAM_MAX_STEPS];  /* output tokens so far */
    double cum;
    int entry;                /* index in the previous step's entries */
} live_hyp;

int beam_search_work(const model_params *p, const int *src_ids, int n_src, const beam_opts *o, trace *work,
                     beam_result *r, char *err, size_t err_len)
{
    if (!p || !p->memory || !p->embedding) return fail_msg(err, err_len, "no model loaded");
    if (!r) return fail_msg(err, err_len, "no result to fill");
    const int L = p->cfg.max_len, V = p->cfg.vocab_size;
    if (beam_opts_check(o, L, err, err_len) != 0) return -1;
    if (!src_ids || n_src < 1 || n_src > L) {
        if (err && err_len)
            snprintf(err, err_len, "source length %d is out of range: it must be 1..%d", src_ids ? n_src : 0, L);
        return -1;
    }
    for (int i = 0; i < n_src; i++)
        if (src_ids[i] < 0 || src_ids[i] >= V) {
            if (err && err_len)
                snprintf(err, err_len, "source id %d at position %d is out of range: ids are 0..%d", src_ids[i], i,
                         V - 1);
            return -1;
        }

    const int B = o->beam;
    const int T = o->max_len > 0 ? o->max_len : L;
    trace own;
    memset(&own, 0, sizeof own);
    trace *t = work;
    if (!t) {
        if (trace_init(&own, &p->cfg) != 0) return fail_msg(err, err_len, "out of memory for the trace");
        t = &own;
    }
    double *lp = malloc(sizeof(double) * (size_t)B * (size_t)V);
    cand *cands = malloc(sizeof(cand) * (size_t)B * (size_t)V);
    live_hyp *live = malloc(sizeof(live_hyp) * (size_t)B * 2);
    if (!lp || !cands || !live) {
        free(lp);
        free(cands);
        free(live);
        if (!work) trace_free(&own);
        return fail_msg(err, err_len, "out of memory for the beam");
    }
    live_hyp *next = live + B;

    memset(r, 0, sizeof *r);
    r->opts = *o;
    r->opts.max_len = T;
    r->n_src = n_src;
    memcpy(r->src_ids, src_ids, sizeof(int) * (size_t)n_src);
    int n_live = 1;
    live[0].cum = 0.0;
    live[0].entry = -1;
    int rc = 0;
    int tgt[BEAM_MAX_STEPS + 1];

    for (int s = 0; s < T && n_live > 0; s++) {
        /* Next-token log-probs of every live hypothesis. */
        for (int i = 0; i < n_live; i++) {
            tgt[0] = TOK_BOS;
            memcpy(tgt + 1, live[i].ids, sizeof(int) * (size_t)s);
            if (model_run_ids(p, src_ids, n_src, tgt, s + 1, NULL, t, err, err_len) != 0) {
                rc = -1;
                goto done;
            }
            r->n_runs++;
            beam_log_softmax(t->logits + (size_t)s * V, V, lp + (size_t)i * V);
        }
        const int nc = n_live * V;
        for (int i = 0; i < n_live; i++)
            for (int v = 0; v < V; v++) {
                cand *c = &cands[i * V + v];
                c->parent = i;
                c->token = v;
                c->logp = lp[(size_t)i * V + v];
                c->cum = live[i].cum + c->logp;
            }
        qsort(cands, (size_t)nc, sizeof(cand), cand_cmp);

        /* Which candidates are kept: <eos> (or anything at the last step) among
         * the best B finishes; the best B others form the next beam. */
        const int last = s == T - 1;
        int n_fin_new = 0, n_next = 0;
        int keep_end = 0;  /* candidates [0, keep_end) were looked at */
        for (int k = 0; k < nc; k++) {
            const cand *c = &cands[k];
            if (k >= B && (last || n_next == B)) break;
            keep_end = k + 1;
            if (k < B && (last || c->token == TOK_EOS)) n_fin_new++;
            else if (!last && c->token != TOK_EOS && n_next < B) n_next++;
        }
        const int n_fin_total = n_fin_new + r->n_hyps;
        const int stop = last || n_fin_total >= B;

        /* Record the step: finished entries, and the live ones when the search goes on. */
        beam_step *st = &r->steps[s];
        st->n_candidates = nc;
        int n_next_kept = 0;
        int *entry_of = malloc(sizeof(int) * (size_t)(keep_end > 0 ? keep_end : 1));
        if (!entry_of) {
            rc = fail_msg(err, err_len, "out of memory for the beam");
            goto done;
        }
        for (int k = 0; k < keep_end; k++) {
            const cand *c = &cands[k];
            entry_of[k] = -1;
            int status;
            if (k < B && (last || c->token == TOK_EOS)) status = c->token == TOK_EOS ? BEAM_EOS : BEAM_CUT;
            else if (!last && c->token != TOK_EOS && n_next_kept < B) {
                n_next_kept++;
                if (stop) continue;
                status = BEAM_LIVE;
            } else {
                continue;
            }
            beam_entry *e = &st->e[st->n];
            entry_of[k] = st->n;
            st->n++;
            e->parent = live[c->parent].entry;
            e->token = c->token;
            e->logp = c->logp;
            e->cum = c->cum;
            e->rank = k;
            e->status = status;
            e->hyp = -1;
            if (status == BEAM_LIVE) {
                live_hyp *nx = &next[n_next_kept - 1];
                memcpy(nx->ids, live[c->parent].ids, sizeof(int) * (size_t)s);
                nx->ids[s] = c->token;
                nx->cum = c->cum;
                nx->entry = st->n - 1;
            } else {
                beam_hyp *h = &r->hyps[r->n_hyps++];
                memcpy(h->ids, live[c->parent].ids, sizeof(int) * (size_t)s);
                h->ids[s] = c->token;
                h->len = s + 1;
                h->eos = status == BEAM_EOS;
                h->logp = c->cum;
                h->lp = beam_length_penalty(h->len, o->alpha);
                h->score = h->logp / h->lp;
                h->step = s;
                h->entry = st->n - 1;
            }
        }
        /* Each expanded hypothesis: its best few candidates, and whether they were kept. */
        for (int i = 0; i < n_live; i++) {
            beam_cand *dst;
            int *nd;
            if (live[i].entry < 0) {
                dst = r->root_cands;
                nd = &r->n_root_cands;
            } else {
                beam_entry *pe = &r->steps[s - 1].e[live[i].entry];
                dst = pe->cands;
                nd = &pe->n_cands;
            }
            *nd = 0;
            for (int k = 0; k < nc && *nd < BEAM_CANDS; k++) {
                if (cands[k].parent != i) continue;
                beam_cand *bc = &dst[(*nd)++];
                bc->token = cands[k].token;
                bc->logp = cands[k].logp;
                bc->cum = cands[k].cum;
                bc->rank = k;
                bc->kept = k < keep_end && entry_of[k] >= 0;
            }
        }
        free(entry_of);
        r->n_steps = s + 1;
        if (stop) break;
        memcpy(live, next, sizeof(live_hyp) * (size_t)n_next);
        n_live = n_next;
    }

    /* Sort the finished hypotheses and point their entries at them. */
    qsort(r->hyps, (size_t)r->n_hyps, sizeof(beam_hyp), hyp_cmp);
    for (int i = 0; i < r->n_hyps; i++) r->steps[r->hyps[i].step].e[r->hyps[i].entry].hyp = i;

done:
    free(lp);
    free(cands);
    free(live);
    if (!work) trace_free(&own);
    return rc;
}

int beam_search(const model_params *p, const int *src_ids, int n_src, const beam_opts *o, beam_result *r,
                char *err, size_t err_len)
{
    return beam_search_work(p, src_ids, n_src, o, NULL, r, err, err_len);
}
