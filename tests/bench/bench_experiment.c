/* bench_experiment.c - how long the Experiments lesson (17) waits for its
 * held-out scores: the intact model, the 11 broken models of step 1 (layer 1)
 * and every attention head removed (step 3), each scored on the 200 held-out
 * test sentences by engine/experiment.c's background worker. Prints the wall
 * time until every score is in, per experiment, and the intact model's exact
 * match and loss (so a faster scorer can be checked for the same numbers).
 * Never run as a test; the figures go to BENCHMARKS.md ("Experiments").
 *
 *   bench_experiment [--model FILE] [--n SENTENCES]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "corpus.h"
#include "experiment.h"
#include "weights.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The experiments lesson 17 shows: intact, no PE (both, encoder), each sub-layer of layer 1 zeroed, no residual
 * and no LayerNorm around two of them, every head. Returns how many were written into o (at most cap). */
static int lesson_experiments(const model_config *c, trace_opts *o, int cap)
{
    int n = 0;
    memset(o, 0, (size_t)cap * sizeof *o);
    n++; /* intact */
    o[n++].no_pe = TRACE_PE_ENC | TRACE_PE_DEC;
    o[n++].no_pe = TRACE_PE_ENC;
    const int subs[5] = {TRACE_SUB_ENC_SELF, TRACE_SUB_ENC_FFN, TRACE_SUB_DEC_SELF, TRACE_SUB_DEC_CROSS, TRACE_SUB_DEC_FFN};
    for (int k = 0; k < 5; k++) o[n++].zero = (trace_part){subs[k], 0, -1};
    o[n++].no_residual = (trace_part){TRACE_SUB_ENC_SELF, 0, -1};
    o[n++].no_norm = (trace_part){TRACE_SUB_ENC_SELF, 0, -1};
    o[n++].no_residual = (trace_part){TRACE_SUB_DEC_CROSS, 0, -1};
    o[n++].no_norm = (trace_part){TRACE_SUB_DEC_CROSS, 0, -1};
    const int heads[3] = {TRACE_SUB_ENC_SELF, TRACE_SUB_DEC_SELF, TRACE_SUB_DEC_CROSS};
    for (int k = 0; k < 3; k++) {
        const int nl = k == 0 ? c->n_enc_layers : c->n_dec_layers;
        for (int l = 0; l < nl; l++)
            for (int h = 0; h < c->n_heads && n < cap; h++) o[n++].zero = (trace_part){heads[k], l, h};
    }
    return n;
}

int main(int argc, char **argv)
{
    const char *model_path = NULL;
    int n_sent = 200;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) model_path = argv[++i];
        else if (strcmp(argv[i], "--n") == 0 && i + 1 < argc) n_sent = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_experiment [--model FILE] [--n SENTENCES]\n");
            return 2;
        }
    }
    char path[4096], err[512];
    if (!model_path) {
        snprintf(path, sizeof path, "%s/model.safetensors", TLAB_ASSETS_DIR);
        model_path = path;
    }
    static weights_model m;
    corpus_set set;
    if (weights_load(&m, model_path, err, sizeof err) != 0) {
        fprintf(stderr, "bench_experiment: %s: %s\n", model_path, err);
        return 1;
    }
    if (corpus_generate(&set, CORPUS_TEST, n_sent, 1, err, sizeof err) != 0) {
        fprintf(stderr, "bench_experiment: %s\n", err);
        return 1;
    }
    trace_opts o[EXPERIMENT_MAX];
    const int n = lesson_experiments(&m.params.cfg, o, EXPERIMENT_MAX);
    const double t0 = now_s();
    const clock_t c0 = clock();
    experiment_eval *e = experiment_eval_new(&m.params, &m.vocab, &set, err, sizeof err);
    if (!e) {
        fprintf(stderr, "bench_experiment: %s\n", err);
        return 1;
    }
    for (int i = 0; i < n; i++) experiment_eval_want(e, &o[i], 0);
    while (experiment_eval_pending(e) > 0) {
        const struct timespec ts = {0, 2 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    const double wall = now_s() - t0, cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
    const experiment_score s = experiment_eval_get(e, NULL);
    printf("%d experiments x %d held-out sentences: %.3f s wall, %.3f s CPU, %.2f ms per experiment\n", n, set.n, wall,
           cpu, 1e3 * wall / n);
    printf("intact: exact %d/%d, loss %.6f\n", s.n_exact, s.n, s.loss);
    for (int i = 0; i < n; i++) {
        const experiment_score r = experiment_eval_get(e, &o[i]);
        printf("  experiment %2d: state %d exact %3d loss %.6f\n", i, (int)r.state, r.n_exact, r.loss);
    }
    experiment_eval_free(e);
    corpus_set_free(&set);
    weights_model_free(&m);
    return 0;
}
