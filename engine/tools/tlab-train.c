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
            "  --help               this text\n"
            "Progress: step, loss (label-smoothed), tokens/s, learning rate, validation token\n"
            "accuracy and exact match (teacher-forced argmax == greedy decoding), time left.\n",
            DEF_STEPS, o.batch, o.seed, o.threads, TLAB_ASSETS_DIR, TLAB_ASSETS_DIR, DEF_CKPT, DEF_CKPT_EVERY, o.warmup,
            (double)o.lr_scale, DEF_TRAIN_N, DEF_VALID_N, DEF_EVAL_EVERY);
}

/* Corpus pairs -> training examples (src gets <eos>). */
typedef struct {
    int *ids;              /* storage */
    train_example *ex;
    int n;
} example_set;

/* How many times a pair goes into the training list: long sentences teach the
 * positions near L and are where the model fails first (a run on an earlier
 * corpus with 1% of pairs over 25 words missed 2.4% of the test set, nearly
 * all long), so pairs of >= 18, >= 22 and >= 26 English words get one extra
 * copy each (up to 4 copies). 0 disables this. */
static int repeat_of(const corpus_pair *p, int boost)
{
    if (!boost) return 1;
    return 1 + (p->n_src >= 18) + (p->n_src >= 22) + (p->n_src >= 26);
}

static int examples_from_corpus(example_set *es, const corpus_set *cs, int boost)
{
    int total = 0;
    for (int i = 0; i < cs->n; i++) total += repeat_of(&cs->pairs[i], boost);
    es->n = 0;
    es->ex = calloc((size_t)total + 1, sizeof *es->ex);
    es->ids = calloc((size_t)cs->n * 64 + 1, sizeof(int));
    if (!es->ex || !es->ids) return -1;
    for (int i = 0; i < cs->n; i++) {
        const corpus_pair *p = &cs->pairs[i];
        int *src = es->ids + (size_t)i * 64, *tgt = src + 32;
        memcpy(src, p->src_ids, (size_t)p->n_src * sizeof(int));
        src[p->n_src] = TOK_EOS;
        memcpy(tgt, p->tgt_ids, (size_t)p->n_tgt * sizeof(int));
        for (int r = repeat_of(p, boost); r > 0; r--) {
            train_example *e = &es->ex[es->n++];
            e->src = src;
            e->n_src = p->n_src + 1;
            e->tgt = tgt;
            e->n_tgt = p->n_tgt;
        }
    }
    return 0;
}

static void examples_free(example_set *es)
{
    free(es->ids);
    free(es->ex);
}

static void fmt_time(char *dst, size_t n, double s)
{
    if (s < 0) s = 0;
    const int m = (int)(s / 60.0), sec = (int)(s - m * 60.0);
    snprintf(dst, n, "%d:%02d", m, sec);
}

int main(int argc, char **argv)
{
    train_options opt = train_options_default();
    long steps = DEF_STEPS, train_n = DEF_TRAIN_N, valid_n = DEF_VALID_N, ckpt_every = DEF_CKPT_EVERY;
    long eval_every = DEF_EVAL_EVERY;
    double time_limit = 0.0;
    long long_boost = 1;
    unsigned long long corpus_seed = 1;
    const char *out = TLAB_ASSETS_DIR "/model.safetensors";
    const char *init_out = TLAB_ASSETS_DIR "/model-untrained.safetensors";
    const char *ckpt = NULL, *resume = NULL;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "tlab-train: unknown option or missing value: %s (see --help)\n", a);
            return 2;
        }
        const char *v = argv[++i];
        long lv;
        double dv;
        if (strcmp(a, "--steps") == 0) {
            if (tool_long("tlab-train", a, v, 1, 100000000L, &steps)) return 2;
        } else if (strcmp(a, "--batch") == 0) {
            if (tool_long("tlab-train", a, v, 1, 4096, &lv)) return 2;
            opt.batch = (int)lv;
        } else if (strcmp(a, "--seed") == 0 || strcmp(a, "--corpus-seed") == 0) {
            unsigned long long s;
            if (tool_seed("tlab-train", a, v, &s)) return 2;
            if (strcmp(a, "--seed") == 0) opt.seed = s;
            else corpus_seed = s;
        } else if (strcmp(a, "--threads") == 0) {
            if (tool_long("tlab-train", a, v, 1, 64, &lv)) return 2;
            opt.threads = (int)lv;
        } else if (strcmp(a, "--time-limit") == 0) {
            if (tool_double("tlab-train", a, v, 1.0, 1e7, &time_limit)) return 2;
        } else if (strcmp(a, "--out") == 0) {
            out = v;
        } else if (strcmp(a, "--init-out") == 0) {
            init_out = v;
        } else if (strcmp(a, "--checkpoint") == 0) {
            ckpt = v;
        } else if (strcmp(a, "--checkpoint-every") == 0) {
            if (tool_long("tlab-train", a, v, 0, 100000000L, &ckpt_every)) return 2;
        } else if (strcmp(a, "--resume") == 0) {
            resume = v;
        } else if (strcmp(a, "--warmup") == 0) {
            if (tool_long("tlab-train", a, v, 1, 10000000L, &lv)) return 2;
            opt.warmup = (int)lv;
        } else if (strcmp(a, "--lr-scale") == 0) {
            if (tool_double("tlab-train", a, v, 1e-6, 1e3, &dv)) return 2;
            opt.lr_scale = (float)dv;
        } else if (strcmp(a, "--train-n") == 0) {
            if (tool_long("tlab-train", a, v, 1, 10000000L, &train_n)) return 2;
        } else if (strcmp(a, "--valid-n") == 0) {
            if (tool_long("tlab-train", a, v, 0, 1000000L, &valid_n)) return 2;
        } else if (strcmp(a, "--long-boost") == 0) {
            if (tool_long("tlab-train", a, v, 0, 1, &long_boost)) return 2;
        } else if (strcmp(a, "--eval-every") == 0) {
            if (tool_long("tlab-train", a, v, 1, 100000000L, &eval_every)) return 2;
        } else {
            fprintf(stderr, "tlab-train: unknown option %s (see --help)\n", a);
            return 2;
        }
    }
    if (!ckpt) {
        ckpt = DEF_CKPT;
        mkdir(TLAB_ASSETS_DIR "/../checkpoints", 0777); /* may exist already */
    }

    char err[1024];
    const double t_start = now_s();
    /* ---- corpus ---- */
    corpus_set train_cs = { 0 }, valid_cs = { 0 };
    if (corpus_generate(&train_cs, CORPUS_TRAIN, (int)train_n, corpus_seed, err, sizeof err) != 0 ||
        (valid_n > 0 && corpus_generate(&valid_cs, CORPUS_VALID, (int)valid_n, corpus_seed, err, sizeof err) != 0)) {
        fprintf(stderr, "tlab-train: corpus: %s\n", err);
        return 1;
    }
    const char *const *words;
    int V = 0;
    corpus_vocab(&words, &V);
    tok_vocab vocab;
    if (tok_vocab_init(&vocab, words, V, err, sizeof err) != 0) {
        fprintf(stderr, "tlab-train: vocabulary: %s\n", err);
        return 1;
    }
    example_set tr = { 0 }, va = { 0 };
    if (examples_from_corpus(&tr, &train_cs, long_boost) != 0 || examples_from_corpus(&va, &valid_cs, 0) != 0) {
        fprintf(stderr, "tlab-train: out of memory\n");
        return 1;
    }
    long tokens_total = 0;
    for (int i = 0; i < tr.n; i++) tokens_total += tr.ex[i].n_tgt + 1;
    printf("corpus: %d training pairs (%d in the list with long-sentence repeats, %ld target tokens), %d "
           "validation pairs, vocabulary %d, %.1f s\n",
           train_cs.n, tr.n, tokens_total, va.n, V, now_s() - t_start);

    /* ---- model and trainer ---- */
    const model_config cfg = model_config_default(V);
    train_state *st = train_state_create(&cfg, &opt, tr.ex, tr.n, err, sizeof err);
    if (!st) {
        fprintf(stderr, "tlab-train: %s\n", err);
        return 1;
    }
    int rc = 0;
    if (resume) {
        if (train_state_load(st, resume, err, sizeof err) != 0) {
            fprintf(stderr, "tlab-train: cannot resume: %s\n", err);
            rc = 1;
            goto done;
        }
        printf("resumed from %s at step %ld (epoch %d)\n", resume, train_state_step(st), train_state_epoch(st));
    } else {
        if (weights_save(init_out, train_state_params(st), &vocab, TASK_NAME, err, sizeof err) != 0) {
            fprintf(stderr, "tlab-train: %s\n", err);
            rc = 1;
            goto done;
        }
        printf("initial weights (seed %llu) written to %s\n", opt.seed, init_out);
    }
    printf("model: d_model %d, heads %d, layers %d+%d, d_ff %d, %zu parameters; batch %d, warmup %d, lr scale %g, "
           "%d threads\n",
           cfg.d_model, cfg.n_heads, cfg.n_enc_layers, cfg.n_dec_layers, cfg.d_ff, train_state_params(st)->n_floats,
           opt.batch, opt.warmup, (double)opt.lr_scale, opt.threads);
    fflush(stdout);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);  /* also when started in the background (where SIGINT is ignored) */
    sigaction(SIGTERM, &sa, NULL);

    /* ---- training loop ---- */
    const long first = train_state_step(st);
    const double t0 = now_s();
    double t_last = t0, loss_acc = 0.0, eval_s = 0.0;
    long tok_acc = 0, n_acc = 0, tok_all = 0;
    double val_tok = -1.0, val_exact = -1.0;
    const char *why_stop = "done";
    while (train_state_step(st) < steps) {
        if (g_stop) {
            why_stop = "interrupted";
            break;
        }
        if (time_limit > 0.0 && now_s() - t0 >= time_limit) {
            why_stop = "time limit";
            break;
        }
        train_step_info info;
        if (train_state_step_once(st, &info) != 0) {
            fprintf(stderr,
                    "tlab-train: loss or gradient is not finite (loss %g) at step %ld; stopping. The last good "
                    "checkpoint (%s) is kept; try a smaller --lr-scale or a longer --warmup.\n",
                    info.loss, train_state_step(st) + 1, ckpt);
            rc = 1;
            goto done;
        }
        const long step = train_state_step(st);
        loss_acc += info.loss;
        tok_acc += info.tokens;
        tok_all += info.tokens;
        n_acc++;
        if (valid_n > 0 && (step % eval_every == 0 || step == steps)) {
            const double te = now_s();
            train_state_evaluate(st, va.ex, va.n, &val_tok, &val_exact);
            eval_s += now_s() - te;
        }
        const double t = now_s();
        if (t - t_last >= 5.0 || step % eval_every == 0 || step == steps || step == first + 1) {
            const double el = t - t0, per = el / (double)(step - first);
            double left = per * (double)(steps - step);
            if (time_limit > 0.0 && time_limit - el < left) left = time_limit - el;
            char left_s[32], el_s[32], val_s[96] = "";
            fmt_time(left_s, sizeof left_s, left);
            fmt_time(el_s, sizeof el_s, el);
            if (val_tok >= 0.0)
                snprintf(val_s, sizeof val_s, " | valid tok %.2f%% exact %.1f%%", 100.0 * val_tok, 100.0 * val_exact);
            printf("step %6ld/%ld | loss %.4f | %6.0f tok/s | lr %.2e | epoch %d%s | %s elapsed, %s left\n", step,
                   steps, loss_acc / n_acc, (double)tok_acc / (t - t_last - eval_s > 1e-9 ? t - t_last - eval_s : 1e-9), info.lr,
                   train_state_epoch(st), val_s, el_s, left_s);
            fflush(stdout);
            t_last = t;
            eval_s = 0.0;
            loss_acc = 0.0;
            tok_acc = 0;
            n_acc = 0;
        }
        if (ckpt_every > 0 && step % ckpt_every == 0 && step < steps) {
            if (train_state_save(st, ckpt, err, sizeof err) != 0) {
                fprintf(stderr, "tlab-train: checkpoint: %s\n", err);
                rc = 1;
                goto done;
            }
        }
    }
    const double train_s = now_s() - t0;
    if (train_state_save(st, ckpt, err, sizeof err) != 0) {
        fprintf(stderr, "tlab-train: checkpoint: %s\n", err);
        rc = 1;
        goto done;
    }
    printf("%s at step %ld after %.1f s (%.0f target tokens/s); checkpoint %s\n", why_stop, train_state_step(st),
           train_s, train_s > 0 ? tok_all / train_s : 0.0, ckpt);
    if (valid_n > 0) {
        const double vl = train_state_evaluate(st, va.ex, va.n, &val_tok, &val_exact);
        printf("validation: loss %.4f, token accuracy %.2f%%, exact match %.1f%% (%d sentences)\n", vl,
               100.0 * val_tok, 100.0 * val_exact, va.n);
    }
    if (weights_save(out, train_state_params(st), &vocab, TASK_NAME, err, sizeof err) != 0) {
        fprintf(stderr, "tlab-train: %s\n", err);
        rc = 1;
        goto done;
    }
    printf("model written to %s\n", out);
    if (g_stop) printf("resume with: --resume %s\n", ckpt);
done:
    train_state_free(st);
    examples_free(&tr);
    examples_free(&va);
    tok_vocab_free(&vocab);
    corpus_set_free(&train_cs);
    corpus_set_free(&valid_cs);
    return rc;
}
