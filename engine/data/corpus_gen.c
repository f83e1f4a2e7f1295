/* corpus_gen.c - the synthetic corpus, part 2 of 3: the seeded sentence
 * generator (random sentence structures, held-out combinations forced into the
 * COMPOSITIONAL split), the train/valid/test split of a sentence by its hash,
 * corpus_generate, and the text and TSV output of pairs. The grammar and the
 * realisation are in corpus.c. Seeded with splitmix64 (rng.h), never rand().
 */
#include "corpus.h"
#include "corpus_grammar.h"
#include "errmsg.h"
#include "rng.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The generator's state (splitmix64, rng.h). */
typedef struct { uint64_t s; } rng_t;

static int rng_int(rng_t *r, int n) { return (int)((rng_next(&r->s) >> 33) % (uint64_t)n); }
/* 1 with probability pct / 100. */
static int rng_pct(rng_t *r, int pct) { return rng_int(r, 100) < pct; }

static int rand_noun(rng_t *r, int cls)
{
    for (;;) {
        int n = rng_int(r, corpus_n_nouns);
        if (corpus_nouns[n].cls & cls) return n;
    }
}

/* rich: the "long sentence" mode, with more adjectives and fewer pronouns. */
static void rand_np(rng_t *r, np_s *np, int cls, int allow_pron, int rich)
{
    int k;
    memset(np, 0, sizeof *np);
    np->pron = -1;
    if (allow_pron && rng_pct(r, rich ? 10 : 25)) { np->pron = rng_int(r, corpus_n_prons); return; }
    np->noun = rand_noun(r, cls);
    np->plural = rng_pct(r, 30);
    np->indef = !np->plural && rng_pct(r, 40);
    k = rng_int(r, 100);
    if (rich) np->n_adj = k < 20 ? 0 : k < 60 ? 1 : 2;
    else np->n_adj = k < 45 ? 0 : k < 82 ? 1 : 2;
    np->adj[0] = rng_int(r, corpus_n_adjs);
    if (np->n_adj == 2)
        do np->adj[1] = rng_int(r, corpus_n_adjs); while (np->adj[1] == np->adj[0]);
}

/* A clause whose verb is not V_SAY unless say is 1 (then it is always V_SAY). */
static void rand_clause(rng_t *r, clause_s *c, int say, int rich)
{
    const verb_entry *v;
    memset(c, 0, sizeof *c);
    rand_np(r, &c->subj, NC_ANIMATE, 1, rich);
    c->verb = say ? corpus_n_verbs - 3 + rng_int(r, 3) : rng_int(r, corpus_n_verbs - 3);
    v = &corpus_verbs[c->verb];
    c->perfect = rng_pct(r, 40);
    c->neg = rng_pct(r, 25);
    c->has_obj = v->kind == V_ACC || v->kind == V_DAT;
    if (c->has_obj)
        rand_np(r, &c->obj, v->kind == V_DAT ? NC_ANIMATE : NC_ANIMATE | NC_PLACE | NC_THING, 0, rich);
    c->prep = -1;
    if (!say && rng_pct(r, rich ? 70 : v->kind == V_INTR ? 55 : 30)) {
        c->prep = rng_int(r, corpus_n_preps);
        rand_np(r, &c->pp, corpus_preps[c->prep].cls, 0, rich);
    }
}

/* Sentence shapes, in percent: one clause 30, clause + because/although 30,
 * reported ("i know that ...", half of them + because/although) 25, and 15
 * "long" sentences (reported + because/although, rich noun phrases) so that
 * sentences of 20 to 31 words are common enough to be learned. */
static void rand_sentence(rng_t *r, sentence_s *s)
{
    int kind = rng_int(r, 100);
    memset(s, 0, sizeof *s);
    s->time = rng_pct(r, 20) ? rng_int(r, corpus_n_times) : -1;
    s->conj = -1;
    if (kind < 30) {                 /* one main clause */
        rand_clause(r, &s->main, 0, 0);
    } else if (kind < 60) {          /* main clause + because/although clause */
        rand_clause(r, &s->main, 0, 0);
        s->conj = rng_int(r, corpus_n_conjs);
        rand_clause(r, &s->adv, 0, 0);
    } else {                         /* reported: "i know that ..." (+ because) */
        int rich = kind >= 85;
        rand_clause(r, &s->main, 1, rich);
        rand_clause(r, &s->comp, 0, rich);
        if (rich || rng_pct(r, 50)) {
            s->conj = rng_int(r, corpus_n_conjs);
            rand_clause(r, &s->adv, 0, rich);
        }
    }
    s->period = rng_pct(r, 50);
}

/* Puts one held-out combination into a random non-reporting clause of s. */
static void force_heldout(rng_t *r, sentence_s *s)
{
    clause_s *cl[3];
    int n = 0, k;
    clause_s *c;
    if (corpus_verbs[s->main.verb].kind != V_SAY) cl[n++] = &s->main;
    else cl[n++] = &s->comp;
    if (s->conj >= 0) cl[n++] = &s->adv;
    c = cl[rng_int(r, n)];
    k = rng_int(r, CORPUS_N_HELD_AN + CORPUS_N_HELD_SV);
    if (k < CORPUS_N_HELD_AN) {
        /* Adjective-noun: into the subject or (when the noun fits) the object. */
        int adj = corpus_held_an[k][0], noun = corpus_held_an[k][1];
        np_s *np = &c->subj;
        if (c->has_obj && rng_pct(r, 50)) np = &c->obj;   /* all held-out nouns are animate */
        if (np->pron >= 0) {
            np->pron = -1;
            np->plural = rng_pct(r, 30);
            np->indef = !np->plural && rng_pct(r, 40);
        }
        np->noun = noun;
        if (np->n_adj == 0) np->n_adj = 1;
        np->adj[0] = adj;
        if (np->n_adj == 2 && np->adj[1] == adj) np->adj[1] = (adj + 1) % corpus_n_adjs;
    } else {
        const verb_entry *v;
        k -= CORPUS_N_HELD_AN;
        if (c->subj.pron >= 0) {
            c->subj.pron = -1;
            c->subj.plural = rng_pct(r, 30);
            c->subj.indef = !c->subj.plural && rng_pct(r, 40);
            c->subj.n_adj = 0;
        }
        c->subj.noun = corpus_held_sv[k][0];
        c->verb = corpus_held_sv[k][1];
        v = &corpus_verbs[c->verb];
        if (v->kind == V_INTR) {
            c->has_obj = 0;
        } else if (!c->has_obj || (v->kind == V_DAT && !(corpus_nouns[c->obj.noun].cls & NC_ANIMATE))) {
            c->has_obj = 1;
            rand_np(r, &c->obj, v->kind == V_DAT ? NC_ANIMATE : NC_ANIMATE | NC_PLACE | NC_THING, 0, 0);
        }
    }
}

static uint64_t pair_hash_en(const corpus_pair *p)
{
    uint64_t h = 1469598103934665603ULL;
    int i;
    const char *w;
    for (i = 0; i < p->n_src; i++) {
        if (i) { h ^= (unsigned char)' '; h *= 1099511628211ULL; }
        for (w = corpus_word(p->src_ids[i]); *w; w++) {
            h ^= (unsigned char)*w;
            h *= 1099511628211ULL;
        }
    }
    return h;
}

static corpus_split split_of_hash(uint64_t h)
{
    uint64_t b = (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9ULL;
    int bucket = (int)((b >> 40) % 100);
    return bucket < 80 ? CORPUS_TRAIN : bucket < 90 ? CORPUS_VALID : CORPUS_TEST;
}

corpus_split corpus_split_of(const char *english)
{
    return split_of_hash(corpus_fnv1a(english ? english : ""));
}

int corpus_generate(corpus_set *out, corpus_split split, int n, unsigned long long seed,
                    char *err, size_t err_len)
{
    rng_t r;
    uint64_t *seen;
    size_t cap = 16, i;
    long long tries = 0, max_tries;
    int got = 0;
    if (!out) { errmsg_set(err, err_len, "%s", "corpus_generate: no output set"); return -1; }
    out->pairs = NULL;
    out->n = 0;
    if (n < 0 || split < CORPUS_TRAIN || split > CORPUS_COMPOSITIONAL) {
        errmsg_set(err, err_len, "%s", "corpus_generate: bad split or negative count");
        return -1;
    }
    corpus_init();
    while (cap < (size_t)n * 2 + 16) cap *= 2;
    seen = calloc(cap, sizeof *seen);
    out->pairs = malloc(((size_t)n + 1) * sizeof *out->pairs);
    if (!seen || !out->pairs) {
        free(seen);
        free(out->pairs);
        out->pairs = NULL;
        errmsg_set(err, err_len, "%s", "corpus_generate: out of memory");
        return -1;
    }
    r.s = (uint64_t)seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL * (uint64_t)(split + 1);
    max_tries = (long long)n * 1000 + 100000;
    while (got < n && tries++ < max_tries) {
        sentence_s s;
        corpus_pair *p = &out->pairs[got];
        uint64_t h;
        rand_sentence(&r, &s);
        if (split == CORPUS_COMPOSITIONAL) force_heldout(&r, &s);
        else if (corpus_sentence_has_heldout(&s)) continue;
        if (corpus_realise(&s, p) != 0 || p->n_src < 3) continue;
        h = pair_hash_en(p);
        if (split != CORPUS_COMPOSITIONAL && split_of_hash(h) != split) continue;
        if (h == 0) h = 1;                   /* 0 marks an empty slot */
        for (i = h & (cap - 1); seen[i] && seen[i] != h; i = (i + 1) & (cap - 1)) {}
        if (seen[i]) continue;               /* duplicate */
        seen[i] = h;
        got++;
    }
    free(seen);
    out->n = got;
    if (got < n) {
        errmsg_set(err, err_len, "%s", "corpus_generate: could not find enough distinct sentences");
        return -1;
    }
    return 0;
}

void corpus_set_free(corpus_set *s)
{
    if (!s) return;
    free(s->pairs);
    s->pairs = NULL;
    s->n = 0;
}

/* ------------------------------------------------------------ text, TSV -- */

int corpus_pair_text(const corpus_pair *p, int side, char *dst, size_t dst_len)
{
    size_t len = 0;
    int i, n;
    const int *ids;
    if (!dst || !dst_len) return 0;
    dst[0] = '\0';
    if (!p) return 0;
    corpus_init();
    n = side ? p->n_tgt : p->n_src;
    ids = side ? p->tgt_ids : p->src_ids;
    for (i = 0; i < n; i++) {
        const char *w = corpus_word(ids[i]);
        size_t wl = strlen(w);
        if (len + wl + (i ? 1 : 0) + 1 > dst_len) break;
        if (i) dst[len++] = ' ';
        memcpy(dst + len, w, wl);
        len += wl;
        dst[len] = '\0';
    }
    return (int)len;
}

int corpus_write_tsv(const corpus_set *s, FILE *f)
{
    char buf[1024];
    int i, t;
    if (!s || !f) return -1;
    for (i = 0; i < s->n; i++) {
        const corpus_pair *p = &s->pairs[i];
        corpus_pair_text(p, 0, buf, sizeof buf);
        fputs(buf, f);
        fputc('\t', f);
        corpus_pair_text(p, 1, buf, sizeof buf);
        fputs(buf, f);
        fputc('\t', f);
        for (t = 0; t < p->n_tgt; t++) {
            if (p->align[t] < 0) continue;
            fprintf(f, "%s%d:%d%s", t ? " " : "", p->align[t], t, p->content[t] ? "*" : "");
        }
        if (fputc('\n', f) == EOF) return -1;
    }
    return ferror(f) ? -1 : 0;
}
