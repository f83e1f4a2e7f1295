/* bench_engine.c - inference latency of the engine: tokenize + encode + greedy
 * decode of a 10-word sentence at the default model size, median and p95 over
 * many runs, plus peak memory (ru_maxrss). Never run as a test; the figures go
 * to BENCHMARKS.md ("Inference latency (bench_engine)").
 *
 *   bench_engine [--runs N] [--model FILE]
 *
 * Without --model it uses a seeded random default-size model over the corpus
 * vocabulary. A random model rarely emits <eos>, so it reports three cases:
 * greedy until <eos> or L (here: all L = 32 steps, the worst case), greedy
 * forced to 11 steps (10 words + <eos>, the realistic case), and the same 11
 * rows teacher-forced through model_run_ids. With a trained model
 * (assets/model.safetensors when present, or --model) it also times the real
 * translation. It must not change any engine code path for speed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "beam.h"
#include "corpus.h"
#include "model.h"
#include "tok.h"
#include "trace.h"
#include "weights.h"

static const char *const SENTENCE = "the young teacher does not like the old brown dog";

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec * 1e-3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct {
    const model_params *p;
    const tok_vocab *v;
    trace *t;
    trace_opts opts;
    int teacher;       /* 1: model_run_ids on fixed ids instead of model_translate */
    int src[64], n_src, tgt[64], n_tgt;
} bench_case;

static int run_once(bench_case *c)
{
    char err[256];
    int rc = c->teacher ? model_run_ids(c->p, c->src, c->n_src, c->tgt, c->n_tgt, &c->opts, c->t, err, sizeof err)
                        : model_translate(c->p, c->v, SENTENCE, &c->opts, c->t, err, sizeof err);
    if (rc != 0) fprintf(stderr, "bench_engine: %s\n", err);
    return rc;
}

static int measure(const char *name, bench_case *c, int runs)
{
    double *us = malloc(sizeof(double) * (size_t)runs);
    if (!us) return -1;
    for (int i = 0; i < 50; i++) /* warm-up */
        if (run_once(c) != 0) {
            free(us);
            return -1;
        }
    for (int i = 0; i < runs; i++) {
        double t0 = now_us();
        run_once(c);
        us[i] = now_us() - t0;
    }
    qsort(us, (size_t)runs, sizeof *us, cmp_double);
    const double med = us[runs / 2], p95 = us[(int)(runs * 0.95)], mn = us[0];
    printf("%-46s rows %2d  median %8.1f us  p95 %8.1f us  min %8.1f us  (%d runs)\n", name, c->t->n_tgt, med, p95,
           mn, runs);
    free(us);
    return 0;
}

static int bench_model(const char *label, const model_params *p, const tok_vocab *v, int runs)
{
    trace t;
    if (trace_init(&t, &p->cfg) != 0) {
        fprintf(stderr, "bench_engine: out of memory for the trace\n");
        return -1;
    }
    char err[256], out[1024];
    if (model_translate(p, v, SENTENCE, NULL, &t, err, sizeof err) != 0) {
        fprintf(stderr, "bench_engine: %s\n", err);
        trace_free(&t);
        return -1;
    }
    trace_output_text(&t, v, out, sizeof out);
    printf("%s: V=%d D=%d H=%d layers %d+%d F=%d L=%d; trace %.2f MB\n", label, p->cfg.vocab_size, p->cfg.d_model,
           p->cfg.n_heads, p->cfg.n_enc_layers, p->cfg.n_dec_layers, p->cfg.d_ff, p->cfg.max_len,
           t.block_floats * 4.0 / 1e6);
    printf("  \"%s\" -> \"%s\" (%d words, %d decoder rows, %s)\n", SENTENCE, out, t.n_words, t.n_tgt,
           t.finished ? "stopped at <eos>" : "no <eos>: ran to L");

    bench_case c;
    memset(&c, 0, sizeof c);
    c.p = p;
    c.v = v;
    c.t = &t;
    int rc = measure("  translate, greedy until <eos> or L", &c, runs);
    c.opts.max_steps = 11;
    rc |= measure("  translate, greedy forced to 11 steps", &c, runs);
    /* Teacher-forced 11 rows: <bos> + 10 ids, on the source just tokenized. */
    c.teacher = 1;
    c.n_src = t.n_src;
    memcpy(c.src, t.src_ids, sizeof(int) * (size_t)t.n_src);
    c.n_tgt = 11;
    c.tgt[0] = TOK_BOS;
    for (int i = 1; i < 11; i++) c.tgt[i] = 4 + i % (p->cfg.vocab_size - 4);
    c.opts.max_steps = 0;
    rc |= measure("  model_run_ids, 11 teacher-forced rows", &c, runs);
    trace_free(&t);
    return rc;
}

/* Beam search (beam 4, alpha 0.6, as in the paper) on the sentence's source
 * ids, one reused trace: median over runs / 10 searches. */
static int bench_beam(const model_params *p, const tok_vocab *v, int runs)
{
    static trace t;
    static beam_result r;
    char err[256];
    if (trace_init(&t, &p->cfg) != 0 || model_translate(p, v, SENTENCE, NULL, &t, err, sizeof err) != 0) {
        trace_free(&t);
        return -1;
    }
    int src[64], n_src = t.n_src < 64 ? t.n_src : 64, n = runs / 10 < 20 ? 20 : runs / 10;
    memcpy(src, t.src_ids, sizeof(int) * (size_t)n_src);
    double *ms = malloc(sizeof(double) * (size_t)n);
    beam_opts o = { 4, 0.6, 0 };
    int rc = ms ? 0 : -1;
    for (int i = 0; i < n && rc == 0; i++) {
        double t0 = now_us();
        rc = beam_search_work(p, src, n_src, &o, &t, &r, err, sizeof err);
        ms[i] = (now_us() - t0) / 1000.0;
    }
    if (rc == 0) {
        qsort(ms, (size_t)n, sizeof(double), cmp_double);
        printf("  beam search, beam 4, alpha 0.6: median %.2f ms  min %.2f ms  (%d runs; %d forward passes, %d steps)\n",
               ms[n / 2], ms[0], n, r.n_runs, r.n_steps);
    } else {
        fprintf(stderr, "bench_engine: beam: %s\n", err);
    }
    free(ms);
    trace_free(&t);
    return rc;
}

int main(int argc, char **argv)
{
    int runs = 2000;
    const char *model_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) model_path = argv[++i];
        else {
            fprintf(stderr, "usage: bench_engine [--runs N] [--model FILE]\n");
            return 2;
        }
    }
    if (runs < 20) runs = 20;

    /* 1. Seeded random default-size model over the corpus vocabulary. */
    const char *const *words;
    int n_words;
    if (corpus_vocab(&words, &n_words) < 5) {
        fprintf(stderr, "bench_engine: no corpus vocabulary\n");
        return 1;
    }
    tok_vocab v;
    char err[512];
    if (tok_vocab_init(&v, words, n_words, err, sizeof err) != 0) {
        fprintf(stderr, "bench_engine: %s\n", err);
        return 1;
    }
    model_config cfg = model_config_default(n_words);
    model_params p;
    if (model_params_init(&p, &cfg) != 0) {
        fprintf(stderr, "bench_engine: cannot build the model\n");
        return 1;
    }
    model_params_init_random(&p, 1);
    int rc = bench_model("random model (seed 1)", &p, &v, runs);
    model_params_free(&p);
    tok_vocab_free(&v);

    /* 2. The trained model, when there is one. */
    char path[4096];
    if (!model_path) {
        snprintf(path, sizeof path, "%s/model.safetensors", TLAB_ASSETS_DIR);
        FILE *f = fopen(path, "rb");
        if (f) {
            fclose(f);
            model_path = path;
        } else {
            printf("trained model: none at %s (skipped)\n", path);
        }
    }
    if (model_path) {
        static weights_model m;
        if (weights_load(&m, model_path, err, sizeof err) != 0) {
            fprintf(stderr, "bench_engine: %s: %s\n", model_path, err);
            rc = 1;
        } else {
            rc |= bench_model(model_path, &m.params, &m.vocab, runs);
            rc |= bench_beam(&m.params, &m.vocab, runs);
            weights_model_free(&m);
        }
    }

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak memory (ru_maxrss): %.1f MB\n", ru.ru_maxrss / 1024.0);
    return rc ? 1 : 0;
}
