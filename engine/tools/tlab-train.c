/* tlab-train - trains the model on the synthetic corpus in one command:
 * generates the corpus, writes the seeded untrained weights (exactly those
 * training starts from), trains with a progress line, checkpoints every N
 * steps (temp file + rename), resumes from a checkpoint, stops cleanly on
 * Ctrl+C (finishes the step, saves, exits) or at a time limit, and writes the
 * final model (safetensors, with vocabulary and task) via weights_save.
 *
 * Exit codes: 0 done, 1 a failure (message printed: bad checkpoint, NaN loss,
 * I/O), 2 bad arguments. The training math lives in engine/train.c; this file
 * only wires the corpus, the trainer and the files together.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "corpus.h"
#include "model.h"
#include "tok.h"
#include "train.h"
#include "train_data.h"
#include "train_history.h"
#include "tool_args.h"
#include "weights.h"

#ifndef TLAB_ASSETS_DIR
#define TLAB_ASSETS_DIR "assets"
#endif

#define TASK_NAME "toy-en-de"

/* The shipped settings (docs/training.md explains how they were chosen). */
#define DEF_STEPS 5000
#define DEF_TRAIN_N 200000
#define DEF_VALID_N 500
#define DEF_CKPT_EVERY 500
#define DEF_EVAL_EVERY 500
/* Checkpoints go to the git-ignored checkpoints/ folder of the source tree. */
#define DEF_CKPT TLAB_ASSETS_DIR "/../checkpoints/tlab-train.ckpt"

static volatile sig_atomic_t g_stop = 0;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void usage(FILE *f)
{
    train_options o = train_options_default();
    fprintf(f,
            "usage: tlab-train [options]\n"
            "Generates the synthetic English->toy-German corpus, writes the seeded untrained\n"
            "weights, trains the default model (d_model 64, 4 heads, 2+2 layers, d_ff 256) and\n"
            "writes the trained model with its vocabulary.\n"
            "  --steps N            optimisation steps (default %d)\n"
            "  --batch B            sentences per step (default %d)\n"
            "  --seed S             seed of the initial weights, batch order and dropout (default %llu)\n"
            "  --threads T          worker threads (default %d)\n"
            "  --time-limit SEC     stop (and save) after SEC seconds of training (default: none)\n"
            "  --out FILE           trained model (default %s/model.safetensors)\n"
            "  --init-out FILE      untrained initial weights (default %s/model-untrained.safetensors)\n"
            "  --checkpoint FILE    checkpoint written every --checkpoint-every steps and at the end\n"
            "                       (default %s)\n"
            "  --checkpoint-every N (default %d; 0: only at the end)\n"
            "  --resume FILE        continue from a checkpoint (same --seed/--batch/--warmup/--lr-scale/\n"
            "                       --train-n as the run that wrote it; anything else is refused)\n"
            "  --warmup N           warm-up steps (default %d)\n"
            "  --lr-scale X         learning-rate factor (default %g)\n"
            "  --train-n N          training pairs generated (default %d)\n"
            "  --valid-n N          validation pairs for the progress line (default %d; 0: none)\n"
            "  --eval-every N       validate every N steps (default %d)\n"
            "  --corpus-seed S      corpus generator seed (default 1)\n"
            "  --long-boost 0|1     1: pairs of >= 18, 22, 26 English words are repeated 2, 3, 4\n"
            "                       times in the training list (default 1)\n"
            "  --history FILE       also record the run's curves (training loss and lr per step,\n"
            "                       validation loss and exact match every --eval-every steps) and\n"
            "                       --history-snapshots weight snapshots (default 8, log-spaced) for\n"
            "                       the Training lesson (docs/training-history.md)\n"
            "  --help               this text\n"
            "Progress: step, loss (label-smoothed), tokens/s, learning rate, validation token\n"
            "accuracy and exact match (teacher-forced argmax == greedy decoding), time left.\n",
            DEF_STEPS, o.batch, o.seed, o.threads, TLAB_ASSETS_DIR, TLAB_ASSETS_DIR, DEF_CKPT, DEF_CKPT_EVERY, o.warmup,
            (double)o.lr_scale, DEF_TRAIN_N, DEF_VALID_N, DEF_EVAL_EVERY);
}

static void fmt_time(char *dst, size_t n, double s)
{
    if (s < 0) s = 0;
    const int m = (int)(s / 60.0), sec = (int)(s - m * 60.0);
    snprintf(dst, n, "%d:%02d", m, sec);
}

/* The command line, with the shipped defaults. */
typedef struct {
    train_options opt;
    long steps, train_n, valid_n, ckpt_every, eval_every, long_boost;
    double time_limit;             /* seconds; 0: none */
    unsigned long long corpus_seed;
    const char *out, *init_out, *ckpt, *resume, *history;
    long history_snaps;
} train_args;

/* One option and its value into a. Returns 0, or 2 (message printed). */
static int parse_option(train_args *a, const char *f, const char *v)
{
    long lv;
    double dv;
    if (strcmp(f, "--steps") == 0) return tool_long("tlab-train", f, v, 1, 100000000L, &a->steps) ? 2 : 0;
    if (strcmp(f, "--batch") == 0) {
        if (tool_long("tlab-train", f, v, 1, 4096, &lv)) return 2;
        a->opt.batch = (int)lv;
    } else if (strcmp(f, "--seed") == 0) {
        return tool_seed("tlab-train", f, v, &a->opt.seed) ? 2 : 0;
    } else if (strcmp(f, "--corpus-seed") == 0) {
        return tool_seed("tlab-train", f, v, &a->corpus_seed) ? 2 : 0;
    } else if (strcmp(f, "--threads") == 0) {
        if (tool_long("tlab-train", f, v, 1, 64, &lv)) return 2;
        a->opt.threads = (int)lv;
    } else if (strcmp(f, "--time-limit") == 0) {
        return tool_double("tlab-train", f, v, 1.0, 1e7, &a->time_limit) ? 2 : 0;
    } else if (strcmp(f, "--history") == 0) {
        a->history = v;
    } else if (strcmp(f, "--history-snapshots") == 0) {
        return tool_long("tlab-train", f, v, 2, 64, &a->history_snaps) ? 2 : 0;
    } else if (strcmp(f, "--out") == 0) {
        a->out = v;
    } else if (strcmp(f, "--init-out") == 0) {
        a->init_out = v;
    } else if (strcmp(f, "--checkpoint") == 0) {
        a->ckpt = v;
    } else if (strcmp(f, "--checkpoint-every") == 0) {
        return tool_long("tlab-train", f, v, 0, 100000000L, &a->ckpt_every) ? 2 : 0;
    } else if (strcmp(f, "--resume") == 0) {
        a->resume = v;
    } else if (strcmp(f, "--warmup") == 0) {
        if (tool_long("tlab-train", f, v, 1, 10000000L, &lv)) return 2;
        a->opt.warmup = (int)lv;
    } else if (strcmp(f, "--lr-scale") == 0) {
        if (tool_double("tlab-train", f, v, 1e-6, 1e3, &dv)) return 2;
        a->opt.lr_scale = (float)dv;
    } else if (strcmp(f, "--train-n") == 0) {
        return tool_long("tlab-train", f, v, 1, 10000000L, &a->train_n) ? 2 : 0;
    } else if (strcmp(f, "--valid-n") == 0) {
        return tool_long("tlab-train", f, v, 0, 1000000L, &a->valid_n) ? 2 : 0;
    } else if (strcmp(f, "--long-boost") == 0) {
        return tool_long("tlab-train", f, v, 0, 1, &a->long_boost) ? 2 : 0;
    } else if (strcmp(f, "--eval-every") == 0) {
        return tool_long("tlab-train", f, v, 1, 100000000L, &a->eval_every) ? 2 : 0;
    } else {
        fprintf(stderr, "tlab-train: unknown option %s (see --help)\n", f);
        return 2;
    }
    return 0;
}

/* Returns -1 to go on, or the exit code (0 after --help, 2 on a bad argument). */
static int parse_args(int argc, char **argv, train_args *a)
{
    *a = (train_args){.opt = train_options_default(), .steps = DEF_STEPS, .train_n = DEF_TRAIN_N,
                      .valid_n = DEF_VALID_N, .ckpt_every = DEF_CKPT_EVERY, .eval_every = DEF_EVAL_EVERY,
                      .long_boost = 1, .corpus_seed = 1, .history_snaps = 8, .out = TLAB_ASSETS_DIR "/model.safetensors",
                      .init_out = TLAB_ASSETS_DIR "/model-untrained.safetensors"};
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i];
        if (strcmp(f, "--help") == 0 || strcmp(f, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "tlab-train: unknown option or missing value: %s (see --help)\n", f);
            return 2;
        }
        if (parse_option(a, f, argv[++i]) != 0) return 2;
    }
    if (!a->ckpt) {
        a->ckpt = DEF_CKPT;
        mkdir(TLAB_ASSETS_DIR "/../checkpoints", 0777); /* may exist already */
    }
    return -1;
}

/* Generates the corpus (train_data.h: training pairs with the long-sentence
 * repeats, validation pairs) and prints its line. 0, or 1 (message printed). */
static int load_data(train_data *d, const train_args *a)
{
    char err[1024];
    const double t_start = now_s();
    if (train_data_load(d, a->train_n, CORPUS_VALID, a->valid_n, a->corpus_seed, (int)a->long_boost, err,
                        sizeof err) != 0) {
        fprintf(stderr, "tlab-train: %s\n", err);
        return 1;
    }
    long tokens_total = 0;
    for (int i = 0; i < d->tr.n; i++) tokens_total += d->tr.ex[i].n_tgt + 1;
    printf("corpus: %d training pairs (%d in the list with long-sentence repeats, %ld target tokens), %d "
           "validation pairs, vocabulary %d, %.1f s\n",
           d->train_cs.n, d->tr.n, tokens_total, d->held.n, d->V, now_s() - t_start);
    return 0;
}

/* Resumes from the checkpoint, or writes the untrained weights; then prints the model line. */
static int train_start(train_state *st, const train_args *a, const train_data *d)
{
    char err[1024];
    if (a->resume) {
        if (train_state_load(st, a->resume, err, sizeof err) != 0) {
            fprintf(stderr, "tlab-train: cannot resume: %s\n", err);
            return 1;
        }
        printf("resumed from %s at step %ld (epoch %d)\n", a->resume, train_state_step(st), train_state_epoch(st));
    } else {
        if (weights_save(a->init_out, train_state_params(st), &d->vocab, TASK_NAME, err, sizeof err) != 0) {
            fprintf(stderr, "tlab-train: %s\n", err);
            return 1;
        }
        printf("initial weights (seed %llu) written to %s\n", a->opt.seed, a->init_out);
    }
    const model_config *cfg = &train_state_params(st)->cfg;
    printf("model: d_model %d, heads %d, layers %d+%d, d_ff %d, %zu parameters; batch %d, warmup %d, lr scale %g, "
           "%d threads\n",
           cfg->d_model, cfg->n_heads, cfg->n_enc_layers, cfg->n_dec_layers, cfg->d_ff,
           train_state_params(st)->n_floats, a->opt.batch, a->opt.warmup, (double)a->opt.lr_scale, a->opt.threads);
    fflush(stdout);
    return 0;
}

/* The progress line's running sums since the last line. */
typedef struct {
    double t0, t_last, loss_acc, eval_s;
    long first, tok_acc, n_acc, tok_all;
    double val_tok, val_exact;
    train_history *hist;   /* --history: the record being written, else NULL */
} train_progress;

static void print_progress(train_progress *pg, const train_args *a, const train_state *st, long step, float lr)
{
    const double t = now_s();
    const double el = t - pg->t0, per = el / (double)(step - pg->first);
    double left = per * (double)(a->steps - step);
    if (a->time_limit > 0.0 && a->time_limit - el < left) left = a->time_limit - el;
    char left_s[32], el_s[32], val_s[96] = "";
    fmt_time(left_s, sizeof left_s, left);
    fmt_time(el_s, sizeof el_s, el);
    if (pg->val_tok >= 0.0)
        snprintf(val_s, sizeof val_s, " | valid tok %.2f%% exact %.1f%%", 100.0 * pg->val_tok, 100.0 * pg->val_exact);
    const double busy = t - pg->t_last - pg->eval_s;
    printf("step %6ld/%ld | loss %.4f | %6.0f tok/s | lr %.2e | epoch %d%s | %s elapsed, %s left\n", step, a->steps,
           pg->loss_acc / pg->n_acc, (double)pg->tok_acc / (busy > 1e-9 ? busy : 1e-9), lr, train_state_epoch(st),
           val_s, el_s, left_s);
    fflush(stdout);
    pg->t_last = t;
    pg->eval_s = 0.0;
    pg->loss_acc = 0.0;
    pg->tok_acc = 0;
    pg->n_acc = 0;
}

/* Steps until --steps, Ctrl+C or the time limit, with progress lines,
 * validation and checkpoints. 0, or 1 (message printed). */
static int train_loop(train_state *st, const train_args *a, const train_example_set *va, train_progress *pg,
                      const char **why_stop)
{
    char err[1024];
    pg->first = train_state_step(st);
    pg->t0 = pg->t_last = now_s();
    pg->val_tok = pg->val_exact = -1.0;
    *why_stop = "done";
    if (pg->hist) { /* where the record starts: the weights (and their validation) at the first step */
        if (a->valid_n > 0) {
            double tok, ex;
            const double vl = train_state_evaluate(st, va->ex, va->n, &tok, &ex);
            train_history_add_eval(pg->hist, pg->first, vl, ex, tok);
        }
        train_history_add_snapshot(pg->hist, pg->first, train_state_params(st)->memory);
    }
    while (train_state_step(st) < a->steps) {
        if (g_stop) {
            *why_stop = "interrupted";
            break;
        }
        if (a->time_limit > 0.0 && now_s() - pg->t0 >= a->time_limit) {
            *why_stop = "time limit";
            break;
        }
        train_step_info info;
        if (train_state_step_once(st, &info) != 0) {
            fprintf(stderr,
                    "tlab-train: loss or gradient is not finite (loss %g) at step %ld; stopping. The last good "
                    "checkpoint (%s) is kept; try a smaller --lr-scale or a longer --warmup.\n",
                    info.loss, train_state_step(st) + 1, a->ckpt);
            return 1;
        }
        const long step = train_state_step(st);
        pg->loss_acc += info.loss;
        pg->tok_acc += info.tokens;
        pg->tok_all += info.tokens;
        pg->n_acc++;
        if (pg->hist) train_history_add_step(pg->hist, step, info.loss, info.lr);
        if (a->valid_n > 0 && (step % a->eval_every == 0 || step == a->steps)) {
            const double te = now_s();
            const double vl = train_state_evaluate(st, va->ex, va->n, &pg->val_tok, &pg->val_exact);
            if (pg->hist) train_history_add_eval(pg->hist, step, vl, pg->val_exact, pg->val_tok);
            pg->eval_s += now_s() - te;
        }
        if (pg->hist && train_history_snapshot_due(pg->hist, step))
            train_history_add_snapshot(pg->hist, step, train_state_params(st)->memory);
        if (now_s() - pg->t_last >= 5.0 || step % a->eval_every == 0 || step == a->steps || step == pg->first + 1)
            print_progress(pg, a, st, step, info.lr);
        if (a->ckpt_every > 0 && step % a->ckpt_every == 0 && step < a->steps &&
            train_state_save(st, a->ckpt, err, sizeof err) != 0) {
            fprintf(stderr, "tlab-train: checkpoint: %s\n", err);
            return 1;
        }
    }
    return 0;
}

/* The last checkpoint, the validation line and the trained model. */
static int train_finish(train_state *st, const train_args *a, const train_data *d, const train_progress *pg,
                        const char *why_stop)
{
    char err[1024];
    const double train_s = now_s() - pg->t0;
    if (train_state_save(st, a->ckpt, err, sizeof err) != 0) {
        fprintf(stderr, "tlab-train: checkpoint: %s\n", err);
        return 1;
    }
    printf("%s at step %ld after %.1f s (%.0f target tokens/s); checkpoint %s\n", why_stop, train_state_step(st),
           train_s, train_s > 0 ? pg->tok_all / train_s : 0.0, a->ckpt);
    if (a->valid_n > 0) {
        double val_tok, val_exact;
        const double vl = train_state_evaluate(st, d->held.ex, d->held.n, &val_tok, &val_exact);
        printf("validation: loss %.4f, token accuracy %.2f%%, exact match %.1f%% (%d sentences)\n", vl,
               100.0 * val_tok, 100.0 * val_exact, d->held.n);
    }
    if (weights_save(a->out, train_state_params(st), &d->vocab, TASK_NAME, err, sizeof err) != 0) {
        fprintf(stderr, "tlab-train: %s\n", err);
        return 1;
    }
    printf("model written to %s\n", a->out);
    if (pg->hist) {
        train_history_add_snapshot(pg->hist, train_state_step(st), train_state_params(st)->memory);
        if (train_history_save(pg->hist, a->history, 0, err, sizeof err) != 0) {
            fprintf(stderr, "tlab-train: history: %s\n", err);
            return 1;
        }
        printf("history written to %s (%d points, %d evaluations, %d snapshots)\n", a->history, pg->hist->n_points,
               pg->hist->n_evals, pg->hist->n_snaps);
    }
    if (g_stop) printf("resume with: --resume %s\n", a->ckpt);
    return 0;
}

int main(int argc, char **argv)
{
    train_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0) return rc;
    train_data d;
    rc = load_data(&d, &a);
    train_state *st = NULL;
    if (rc == 0) {
        char err[1024];
        const model_config cfg = model_config_default(d.V);
        st = train_state_create(&cfg, &a.opt, d.tr.ex, d.tr.n, err, sizeof err);
        if (!st) {
            fprintf(stderr, "tlab-train: %s\n", err);
            rc = 1;
        }
    }
    if (rc == 0) rc = train_start(st, &a, &d);
    if (rc == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);  /* also when started in the background (where SIGINT is ignored) */
        sigaction(SIGTERM, &sa, NULL);
        train_progress pg = {0};
        train_history hist = {0};
        char err[512];
        if (a.history) {
            const model_config *cfg = &train_state_params(st)->cfg;
            if (train_history_init(&hist, cfg, &a.opt, 2048, 512, (int)a.history_snaps, 25, err, sizeof err) != 0) {
                fprintf(stderr, "tlab-train: history: %s\n", err);
                rc = 1;
            }
            pg.hist = &hist;
        }
        const char *why_stop;
        if (rc == 0) rc = train_loop(st, &a, &d.held, &pg, &why_stop);
        if (rc == 0) rc = train_finish(st, &a, &d, &pg, why_stop);
        train_history_free(&hist);
    }
    if (st) train_state_free(st);
    train_data_free(&d);
    return rc;
}
