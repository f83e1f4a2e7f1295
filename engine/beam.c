/* beam.c - beam search with the GNMT length penalty (see beam.h for the rule).
 * Every next-token distribution comes from model_run_ids on one reused trace;
 * this file only ranks, prunes and records. It must not do model math of its
 * own, print, exit or include SDL.
 */
#include "beam.h"
#include "errmsg.h"

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
            snprintf(err, err_len, N_("the model's max_len %d is too long for beam search (at most %d)"), L,
                     BEAM_MAX_STEPS);
        return -1;
    }
    if (o->beam < 1 || o->beam > BEAM_MAX) {
        if (err && err_len) snprintf(err, err_len, N_("beam size %d is out of range: it must be 1..%d"), o->beam, BEAM_MAX);
        return -1;
    }
    if (!(o->alpha >= 0.0 && o->alpha <= 10.0))
        return fail_msg(err, err_len, "length penalty alpha must be a number in 0..10");
    if (o->max_len < 0 || o->max_len > L) {
        if (err && err_len)
            snprintf(err, err_len, N_("max output length %d is out of range: it must be 0 (= %d) or 1..%d"), o->max_len, L,
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

/* One search in progress: what the steps of beam_search_work share. */
typedef struct {
    const model_params *p;
    const int *src_ids;
    int n_src;
    int V, B;
    double alpha;
    trace *t;         /* the reused trace */
    double *lp;       /* [B, V] next-token log-probs of the live hypotheses */
    cand *cands;      /* [B * V] candidates of one step, best first */
    live_hyp *live;   /* [B] hypotheses this step expands */
    live_hyp *next;   /* [B] the next step's */
    int n_live;
    beam_result *r;
} beam_run;

/* The model, the options and the source ids, before any work. */
static int beam_check_args(const model_params *p, const int *src_ids, int n_src, const beam_opts *o,
                           const beam_result *r, char *err, size_t err_len)
{
    if (!p || !p->memory || !p->embedding) return fail_msg(err, err_len, "no model loaded");
    if (!r) return fail_msg(err, err_len, "no result to fill");
    const int L = p->cfg.max_len, V = p->cfg.vocab_size;
    if (beam_opts_check(o, L, err, err_len) != 0) return -1;
    if (!src_ids || n_src < 1 || n_src > L) {
        if (err && err_len)
            snprintf(err, err_len, N_("source length %d is out of range: it must be 1..%d"), src_ids ? n_src : 0, L);
        return -1;
    }
    for (int i = 0; i < n_src; i++)
        if (src_ids[i] < 0 || src_ids[i] >= V) {
            if (err && err_len)
                snprintf(err, err_len, N_("source id %d at position %d is out of range: ids are 0..%d"), src_ids[i], i,
                         V - 1);
            return -1;
        }
    return 0;
}

/* Step s: runs the model on every live hypothesis and fills b->cands with
 * each (hypothesis, next token), best cumulative log-prob first. Returns the
 * number of candidates (n_live * V), or -1 when a model run fails. */
static int beam_expand(beam_run *b, int s, char *err, size_t err_len)
{
    const int V = b->V;
    int tgt[BEAM_MAX_STEPS + 1];
    for (int i = 0; i < b->n_live; i++) {
        tgt[0] = TOK_BOS;
        memcpy(tgt + 1, b->live[i].ids, sizeof(int) * (size_t)s);
        if (model_run_ids(b->p, b->src_ids, b->n_src, tgt, s + 1, NULL, b->t, err, err_len) != 0) return -1;
        b->r->n_runs++;
        beam_log_softmax(b->t->logits + (size_t)s * V, V, b->lp + (size_t)i * V);
    }
    const int nc = b->n_live * V;
    for (int i = 0; i < b->n_live; i++)
        for (int v = 0; v < V; v++) {
            cand *c = &b->cands[i * V + v];
            c->parent = i;
            c->token = v;
            c->logp = b->lp[(size_t)i * V + v];
            c->cum = b->live[i].cum + c->logp;
        }
    qsort(b->cands, (size_t)nc, sizeof(cand), cand_cmp);
    return nc;
}

/* Which candidates are kept: <eos> (or anything at the last step) among the
 * best B finishes; the best B others form the next beam. Returns keep_end
 * (candidates [0, keep_end) were looked at) and sets the two counts. */
static int beam_select(const beam_run *b, int nc, int last, int *n_fin_new, int *n_next)
{
    int keep_end = 0;
    *n_fin_new = *n_next = 0;
    for (int k = 0; k < nc; k++) {
        const cand *c = &b->cands[k];
        if (k >= b->B && (last || *n_next == b->B)) break;
        keep_end = k + 1;
        if (k < b->B && (last || c->token == TOK_EOS)) (*n_fin_new)++;
        else if (!last && c->token != TOK_EOS && *n_next < b->B) (*n_next)++;
    }
    return keep_end;
}

/* Candidate k of step s becomes entry e: a finished hypothesis in r->hyps, or
 * (status BEAM_LIVE) hypothesis nx of the next beam. */
static void beam_make_entry(beam_run *b, int s, int k, int status, beam_entry *e, live_hyp *nx)
{
    const cand *c = &b->cands[k];
    beam_result *r = b->r;
    beam_step *st = &r->steps[s];
    e->parent = b->live[c->parent].entry;
    e->token = c->token;
    e->logp = c->logp;
    e->cum = c->cum;
    e->rank = k;
    e->status = status;
    e->hyp = -1;
    if (status == BEAM_LIVE) {
        memcpy(nx->ids, b->live[c->parent].ids, sizeof(int) * (size_t)s);
        nx->ids[s] = c->token;
        nx->cum = c->cum;
        nx->entry = st->n - 1;
    } else {
        beam_hyp *h = &r->hyps[r->n_hyps++];
        memcpy(h->ids, b->live[c->parent].ids, sizeof(int) * (size_t)s);
        h->ids[s] = c->token;
        h->len = s + 1;
        h->eos = status == BEAM_EOS;
        h->logp = c->cum;
        h->lp = beam_length_penalty(h->len, b->alpha);
        h->score = h->logp / h->lp;
        h->step = s;
        h->entry = st->n - 1;
    }
}

/* Records step s: the finished entries, and the live ones when the search
 * goes on (stop 0). entry_of[k] ([keep_end]): the entry candidate k became, or -1. */
static void beam_record_step(beam_run *b, int s, int nc, int keep_end, int last, int stop, int *entry_of)
{
    beam_step *st = &b->r->steps[s];
    int n_next_kept = 0;
    st->n_candidates = nc;
    for (int k = 0; k < keep_end; k++) {
        const cand *c = &b->cands[k];
        entry_of[k] = -1;
        int status;
        if (k < b->B && (last || c->token == TOK_EOS)) status = c->token == TOK_EOS ? BEAM_EOS : BEAM_CUT;
        else if (!last && c->token != TOK_EOS && n_next_kept < b->B) {
            n_next_kept++;
            if (stop) continue;
            status = BEAM_LIVE;
        } else {
            continue;
        }
        beam_entry *e = &st->e[st->n];
        entry_of[k] = st->n;
        st->n++;
        beam_make_entry(b, s, k, status, e, status == BEAM_LIVE ? &b->next[n_next_kept - 1] : NULL);
    }
}

/* Each hypothesis expanded at step s: its best few candidates, and whether they were kept. */
static void beam_note_cands(beam_run *b, int s, int nc, int keep_end, const int *entry_of)
{
    beam_result *r = b->r;
    for (int i = 0; i < b->n_live; i++) {
        beam_cand *dst;
        int *nd;
        if (b->live[i].entry < 0) {
            dst = r->root_cands;
            nd = &r->n_root_cands;
        } else {
            beam_entry *pe = &r->steps[s - 1].e[b->live[i].entry];
            dst = pe->cands;
            nd = &pe->n_cands;
        }
        *nd = 0;
        for (int k = 0; k < nc && *nd < BEAM_CANDS; k++) {
            if (b->cands[k].parent != i) continue;
            beam_cand *bc = &dst[(*nd)++];
            bc->token = b->cands[k].token;
            bc->logp = b->cands[k].logp;
            bc->cum = b->cands[k].cum;
            bc->rank = k;
            bc->kept = k < keep_end && entry_of[k] >= 0;
        }
    }
}

/* The steps: expand, select, record, until B hypotheses have finished or the
 * length limit T is reached; then the finished ones sorted by score. */
static int beam_steps(beam_run *b, int T, char *err, size_t err_len)
{
    beam_result *r = b->r;
    for (int s = 0; s < T && b->n_live > 0; s++) {
        const int nc = beam_expand(b, s, err, err_len);
        if (nc < 0) return -1;
        const int last = s == T - 1;
        int n_fin_new, n_next;
        const int keep_end = beam_select(b, nc, last, &n_fin_new, &n_next);
        const int stop = last || n_fin_new + r->n_hyps >= b->B;
        int *entry_of = malloc(sizeof(int) * (size_t)(keep_end > 0 ? keep_end : 1));
        if (!entry_of) return fail_msg(err, err_len, "out of memory for the beam");
        beam_record_step(b, s, nc, keep_end, last, stop, entry_of);
        beam_note_cands(b, s, nc, keep_end, entry_of);
        free(entry_of);
        r->n_steps = s + 1;
        if (stop) break;
        memcpy(b->live, b->next, sizeof(live_hyp) * (size_t)n_next);
        b->n_live = n_next;
    }
    /* Sort the finished hypotheses and point their entries at them. */
    qsort(r->hyps, (size_t)r->n_hyps, sizeof(beam_hyp), hyp_cmp);
    for (int i = 0; i < r->n_hyps; i++) r->steps[r->hyps[i].step].e[r->hyps[i].entry].hyp = i;
    return 0;
}

int beam_search_work(const model_params *p, const int *src_ids, int n_src, const beam_opts *o, trace *work,
                     beam_result *r, char *err, size_t err_len)
{
    if (beam_check_args(p, src_ids, n_src, o, r, err, err_len) != 0) return -1;
    const int L = p->cfg.max_len, V = p->cfg.vocab_size;
    const int B = o->beam;
    const int T = o->max_len > 0 ? o->max_len : L;
    trace own;
    memset(&own, 0, sizeof own);
    trace *t = work;
    if (!t) {
        if (trace_init(&own, &p->cfg) != 0) return fail_msg(err, err_len, "out of memory for the trace");
        t = &own;
    }
    beam_run b = {.p = p, .src_ids = src_ids, .n_src = n_src, .V = V, .B = B, .alpha = o->alpha, .t = t, .r = r};
    b.lp = malloc(sizeof(double) * (size_t)B * (size_t)V);
    b.cands = malloc(sizeof(cand) * (size_t)B * (size_t)V);
    b.live = malloc(sizeof(live_hyp) * (size_t)B * 2);
    int rc = 0;
    if (!b.lp || !b.cands || !b.live) {
        rc = fail_msg(err, err_len, "out of memory for the beam");
    } else {
        b.next = b.live + B;
        memset(r, 0, sizeof *r);
        r->opts = *o;
        r->opts.max_len = T;
        r->n_src = n_src;
        memcpy(r->src_ids, src_ids, sizeof(int) * (size_t)n_src);
        b.n_live = 1;
        b.live[0].cum = 0.0;
        b.live[0].entry = -1;
        rc = beam_steps(&b, T, err, err_len);
    }
    free(b.lp);
    free(b.cands);
    free(b.live);
    if (!work) trace_free(&own);
    return rc;
}

int beam_search(const model_params *p, const int *src_ids, int n_src, const beam_opts *o, beam_result *r,
                char *err, size_t err_len)
{
    return beam_search_work(p, src_ids, n_src, o, NULL, r, err, err_len);
}
