/* bench_train.c - training throughput of engine/train.c at the default model
 * size on a fixed batch: B sentences, every source S tokens and every target
 * T tokens (random ids, no padding), one step = forward + backward (label
 * smoothing 0.1, dropout 0.1) + Adam. Prints the median step time of several
 * repetitions and the target tokens (B * T) per second.
 * It is a benchmark, never a test: it asserts nothing about speed.
 *
 * usage: bench_train [--batch 64] [--src-len 16] [--tgt-len 16] [--steps 20]
 *                    [--reps 5] [--threads 2]
 * The last line is machine-readable: BENCH_TRAIN key=value ...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "tok.h"
#include "train.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int B = 64, S = 16, T = 16, steps = 20, reps = 5, threads = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        const int v = atoi(argv[i + 1]);
        if (strcmp(argv[i], "--batch") == 0) B = v;
        else if (strcmp(argv[i], "--src-len") == 0) S = v;
        else if (strcmp(argv[i], "--tgt-len") == 0) T = v;
        else if (strcmp(argv[i], "--steps") == 0) steps = v;
        else if (strcmp(argv[i], "--reps") == 0) reps = v;
        else if (strcmp(argv[i], "--threads") == 0) threads = v;
        else {
            fprintf(stderr, "bench_train: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (B < 1 || S < 1 || T < 2 || S > 32 || T > 32 || steps < 1 || reps < 1 || reps > 100 || threads < 1) {
        fprintf(stderr, "bench_train: bad sizes\n");
        return 2;
    }
    const int V = 263; /* the corpus vocabulary size */
    const model_config cfg = model_config_default(V);
    model_params p;
    if (model_params_init(&p, &cfg) != 0) return 1;
    model_params_init_random(&p, 1);
    const size_t nf = p.n_floats;
    float *grad = calloc(nf, sizeof(float)), *m = calloc(nf, sizeof(float)), *v = calloc(nf, sizeof(float));
    int *ids = malloc((size_t)B * 64 * sizeof(int));
    train_example *ex = malloc((size_t)B * sizeof *ex);
    int *idx = malloc((size_t)B * sizeof(int));
    train_batch batch;
    train_ctx *ctx = train_ctx_create(&cfg, B, threads);
    if (!grad || !m || !v || !ids || !ex || !idx || !ctx || train_batch_init(&batch, B, 32) != 0) return 1;
    unsigned long long r = 12345;
    for (int i = 0; i < B; i++) {
        int *src = ids + (size_t)i * 64, *tgt = src + 32;
        for (int k = 0; k < 32; k++) {
            r = r * 6364136223846793005ULL + 1442695040888963407ULL;
            src[k] = 4 + (int)((r >> 33) % (unsigned)(V - 4));
            r = r * 6364136223846793005ULL + 1442695040888963407ULL;
            tgt[k] = 4 + (int)((r >> 33) % (unsigned)(V - 4));
        }
        src[S - 1] = TOK_EOS;
        ex[i].src = src;
        ex[i].n_src = S;
        ex[i].tgt = tgt;
        ex[i].n_tgt = T - 1; /* decoder rows: <bos> + T-1 words = T */
        idx[i] = i;
    }
    train_batch_fill(&batch, ex, idx, B);
    long step = 0;
    double loss = 0.0;
    /* warm-up */
    for (int i = 0; i < 3; i++) {
        memset(grad, 0, nf * sizeof(float));
        loss = train_ctx_run(ctx, &p, &batch, 0.1f, 0.1f, 1, ++step, grad, NULL, NULL);
        train_adam_update(p.memory, m, v, grad, nf, 1e-4f, 0.9f, 0.98f, 1e-9f, step);
    }
    double *ms = malloc((size_t)reps * sizeof(double));
    for (int rep = 0; rep < reps; rep++) {
        const double t0 = now_s();
        for (int i = 0; i < steps; i++) {
            memset(grad, 0, nf * sizeof(float));
            loss = train_ctx_run(ctx, &p, &batch, 0.1f, 0.1f, 1, ++step, grad, NULL, NULL);
            train_adam_update(p.memory, m, v, grad, nf, 1e-4f, 0.9f, 0.98f, 1e-9f, step);
        }
        ms[rep] = (now_s() - t0) * 1000.0 / steps;
        printf("rep %d: %.2f ms/step, %.0f target tokens/s (loss %.3f)\n", rep, ms[rep], B * T / (ms[rep] / 1000.0),
               loss);
    }
    qsort(ms, (size_t)reps, sizeof(double), cmp_double);
    const double med = ms[reps / 2];
    printf("BENCH_TRAIN impl=c batch=%d src_len=%d tgt_len=%d threads=%d ms_per_step=%.3f tgt_tokens_per_s=%.0f "
           "all_tokens_per_s=%.0f\n",
           B, S, T, threads, med, B * T / (med / 1000.0), B * (S + T) / (med / 1000.0));
    free(ms);
    train_ctx_free(ctx);
    train_batch_free(&batch);
    free(grad); free(m); free(v); free(ids); free(ex); free(idx);
    model_params_free(&p);
    return 0;
}
