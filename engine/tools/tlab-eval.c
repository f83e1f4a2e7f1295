/* tlab-eval - how well a trained model translates the synthetic corpus:
 * greedy decoding on the test and the compositional sets, exact match,
 * corpus BLEU-4, the per-head cross-attention alignment table and a few
 * example errors. A command-line shell over eval.h; no metric lives here.
 *
 * Exit codes: 0 success, 1 the model could not be loaded (the loader's
 * message is printed) or evaluation failed, 2 bad arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "eval.h"
#include "tool_args.h"
#include "weights.h"

#ifndef TLAB_ASSETS_DIR
#define TLAB_ASSETS_DIR "assets"
#endif

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tlab-eval [--model FILE] [--n N] [--seed S] [--examples K]\n"
            "Greedy-decodes N sentences of the test set and N of the compositional set\n"
            "(default N = 500, seed 1) and prints exact match, corpus BLEU-4, the share of\n"
            "target content words whose strongest cross-attention weight lies on the\n"
            "aligned source word for every decoder layer and head, and K example errors\n"
            "(default 5). The last line is machine-readable (key=value).\n"
            "Default model: %s/model.safetensors\n",
            TLAB_ASSETS_DIR);
}

typedef struct {
    int shown, max;
    const char *set_name;
    long wrong_by_bucket[4];   /* errors by English length bucket (see BUCKET_*) */
} error_printer;

/* English length buckets for the breakdown: 3-9, 10-19, 20-25, 26-31 words. */
static int bucket_of(int n_src) { return n_src < 10 ? 0 : n_src < 20 ? 1 : n_src <= 25 ? 2 : 3; }
static const char *const BUCKET_NAMES[4] = {"3-9", "10-19", "20-25", "26-31"};

static void print_error(void *user, const corpus_pair *ref, const int *hyp, int n_hyp)
{
    error_printer *ep = user;
    char buf[1024];
    size_t len = 0;
    int i;
    ep->wrong_by_bucket[bucket_of(ref->n_src)]++;
    if (ep->shown >= ep->max) return;
    ep->shown++;
    corpus_pair_text(ref, 0, buf, sizeof buf);
    printf("  [%s] en:   %s\n", ep->set_name, buf);
    corpus_pair_text(ref, 1, buf, sizeof buf);
    printf("  [%s] want: %s\n", ep->set_name, buf);
    buf[0] = '\0';
    for (i = 0; i < n_hyp; i++) {
        const char *w = corpus_word(hyp[i]);
        int k = snprintf(buf + len, sizeof buf - len, "%s%s", i ? " " : "", w);
        if (k < 0 || (size_t)k >= sizeof buf - len) break;
        len += (size_t)k;
    }
    printf("  [%s] got:  %s\n", ep->set_name, buf);
}

/* The test set's exact match by English length, and the cross-attention
 * alignment per layer and head. */
static void print_breakdown(const corpus_set *test, const eval_report *rt, const error_printer *ep)
{
    long total[4] = {0}, k;
    for (k = 0; k < test->n; k++) total[bucket_of(test->pairs[k].n_src)]++;
    printf("\ntest exact match by English length:");
    for (k = 0; k < 4; k++)
        if (total[k])
            printf("  %s: %.1f%% of %ld", BUCKET_NAMES[k], 100.0 * (total[k] - ep->wrong_by_bucket[k]) / total[k],
                   total[k]);
    printf("\n");
    printf("\ncross-attention alignment on the test set (%% of %ld target content words whose\n"
           "strongest weight lies on the aligned source word; row t predicts word t):\n",
           rt->align.total);
    printf("%-8s", "");
    for (int h = 0; h < rt->align.n_heads; h++) printf("  head %-2d", h);
    printf("\n");
    for (int l = 0; l < rt->align.n_layers; l++) {
        printf("layer %-2d", l);
        for (int h = 0; h < rt->align.n_heads; h++) printf("  %6.1f%%", eval_align_score(&rt->align, l, h));
        printf("\n");
    }
}

/* The app's example sentences, one by one. Returns how many are right, or -1 with err. */
static int eval_examples(const weights_model *m, error_printer *ep, char *err, size_t err_len)
{
    const char *const *ex;
    int n_ex = corpus_examples(&ex), right = 0;
    corpus_set one;
    corpus_pair pair;
    eval_report r1;
    printf("\nthe app's example sentences:\n");
    one.pairs = &pair;
    one.n = 1;
    for (int k = 0; k < n_ex; k++) {
        if (corpus_translate(ex[k], &pair, err, err_len) != 0) return -1;
        ep->shown = 0;
        ep->max = 1;
        ep->set_name = "example";
        if (eval_model(&m->params, &m->vocab, &one, &r1, print_error, ep, err, err_len) != 0) return -1;
        right += r1.n_exact;
        if (r1.n_exact) {
            char buf[1024];
            corpus_pair_text(&pair, 1, buf, sizeof buf);
            printf("  right: %s\n", buf);
        }
    }
    printf("  %d of %d right\n", right, n_ex);
    return right;
}

int main(int argc, char **argv)
{
    const char *model_path = TLAB_ASSETS_DIR "/model.safetensors";
    long n = 500, examples = 5;
    unsigned long long seed = 1;
    weights_model m;
    corpus_set test, comp;
    eval_report rt, rc;
    error_printer ep;
    char err[512];
    int i, n_examples_right = 0;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_val = i + 1 < argc;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) { usage(stdout); return 0; }
        if (strcmp(a, "--model") == 0 && has_val) { model_path = argv[++i]; continue; }
        if (strcmp(a, "--n") == 0 && has_val) {
            if (tool_long("tlab-eval", a, argv[++i], 1, 1000000, &n)) return 2;
            continue;
        }
        if (strcmp(a, "--examples") == 0 && has_val) {
            if (tool_long("tlab-eval", a, argv[++i], 0, 1000, &examples)) return 2;
            continue;
        }
        if (strcmp(a, "--seed") == 0 && has_val) {
            if (tool_seed("tlab-eval", a, argv[++i], &seed)) return 2;
            continue;
        }
        fprintf(stderr, "tlab-eval: unknown or incomplete argument \"%s\"\n", a);
        usage(stderr);
        return 2;
    }

    if (weights_load(&m, model_path, err, sizeof err) != 0) {
        fprintf(stderr, "tlab-eval: %s: %s\n", model_path, err);
        return 1;
    }
    if (!m.has_vocab) {
        fprintf(stderr, "tlab-eval: %s: the model file carries no vocabulary\n", model_path);
        weights_model_free(&m);
        return 1;
    }
    if (corpus_generate(&test, CORPUS_TEST, (int)n, seed, err, sizeof err) != 0 ||
        corpus_generate(&comp, CORPUS_COMPOSITIONAL, (int)n, seed, err, sizeof err) != 0) {
        fprintf(stderr, "tlab-eval: %s\n", err);
        weights_model_free(&m);
        return 1;
    }
    printf("model %s: task \"%s\", V %d, d_model %d, %d heads, %d+%d layers, d_ff %d, max_len %d\n", model_path,
           m.task, m.params.cfg.vocab_size, m.params.cfg.d_model, m.params.cfg.n_heads, m.params.cfg.n_enc_layers,
           m.params.cfg.n_dec_layers, m.params.cfg.d_ff, m.params.cfg.max_len);

    memset(&ep, 0, sizeof ep);
    ep.max = (int)examples;
    if (examples > 0) printf("example errors:\n");
    ep.set_name = "test";
    if (eval_model(&m.params, &m.vocab, &test, &rt, print_error, &ep, err, sizeof err) != 0) goto fail;
    {
        /* The length breakdown is of the test set only. */
        long keep[4];
        memcpy(keep, ep.wrong_by_bucket, sizeof keep);
        ep.shown = 0;
        ep.set_name = "comp";
        if (eval_model(&m.params, &m.vocab, &comp, &rc, print_error, &ep, err, sizeof err) != 0) goto fail;
        memcpy(ep.wrong_by_bucket, keep, sizeof keep);
    }

    printf("\n%-14s %6s %8s %8s\n", "set", "n", "exact%", "BLEU-4");
    printf("%-14s %6d %8.2f %8.2f\n", "test", rt.n, rt.exact, rt.bleu);
    printf("%-14s %6d %8.2f %8.2f\n", "compositional", rc.n, rc.exact, rc.bleu);

    print_breakdown(&test, &rt, &ep);
    n_examples_right = eval_examples(&m, &ep, err, sizeof err);
    if (n_examples_right < 0) goto fail;

    printf("\nRESULT test_exact=%.2f test_bleu=%.2f comp_exact=%.2f comp_bleu=%.2f align_best=%.1f "
           "align_best_layer=%d align_best_head=%d examples_right=%d n=%d seed=%llu\n",
           rt.exact, rt.bleu, rc.exact, rc.bleu, eval_align_score(&rt.align, rt.best_layer, rt.best_head),
           rt.best_layer, rt.best_head, n_examples_right, rt.n, seed);
    corpus_set_free(&test);
    corpus_set_free(&comp);
    weights_model_free(&m);
    return 0;
fail:
    fprintf(stderr, "tlab-eval: %s\n", err);
    corpus_set_free(&test);
    corpus_set_free(&comp);
    weights_model_free(&m);
    return 1;
}
