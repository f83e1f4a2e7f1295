/* tlab-corpus - dumps one split of the synthetic English -> German corpus as
 * TSV (english \t german \t alignment), prints its statistics (--stats), or
 * translates one English sentence with the reference grammar (--translate).
 * A thin command-line shell over corpus.h; it holds no grammar of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "tool_args.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tlab-corpus [--split train|valid|test|compositional] [--n N] [--seed S] [--stats]\n"
            "       tlab-corpus --translate \"the dog has seen the cat\"\n"
            "       tlab-corpus --vocab\n"
            "Writes N pairs of the split as TSV: english <TAB> german <TAB> alignment, where\n"
            "alignment lists src:tgt word indices (0-based; '*' marks content words).\n"
            "--stats prints vocabulary size and length statistics instead of the pairs.\n"
            "Defaults: --split train --n 20 --seed 1.\n");
}

static int parse_split(const char *s, corpus_split *out)
{
    static const char *const names[] = {"train", "valid", "test", "compositional"};
    int i;
    for (i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) { *out = (corpus_split)i; return 0; }
    return -1;
}

static void print_stats(const corpus_set *s, const char *split_name)
{
    long hist_src[32] = {0}, hist_tgt[32] = {0};
    long sum_src = 0, sum_tgt = 0, content = 0, aligned = 0, tgt_words = 0;
    long band_10_25 = 0, over_25 = 0, heldout = 0;
    int max_src = 0, max_tgt = 0, min_src = 99, i, t, v;
    const char *const *words;
    corpus_vocab(&words, &v);
    for (i = 0; i < s->n; i++) {
        const corpus_pair *p = &s->pairs[i];
        hist_src[p->n_src]++;
        hist_tgt[p->n_tgt]++;
        sum_src += p->n_src;
        sum_tgt += p->n_tgt;
        if (p->n_src > max_src) max_src = p->n_src;
        if (p->n_src < min_src) min_src = p->n_src;
        if (p->n_tgt > max_tgt) max_tgt = p->n_tgt;
        if (p->n_src >= 10 && p->n_src <= 25) band_10_25++;
        if (p->n_src > 25) over_25++;
        for (t = 0; t < p->n_tgt; t++) {
            tgt_words++;
            content += p->content[t];
            aligned += p->align[t] >= 0;
        }
        if (s->n <= 20000) heldout += corpus_pair_is_heldout(p);
    }
    printf("split %s: %d pairs\n", split_name, s->n);
    printf("vocabulary: %d tokens (4 specials)\n", v);
    if (s->n == 0) return;
    printf("english words: mean %.2f, min %d, max %d\n", (double)sum_src / s->n, min_src, max_src);
    printf("german words:  mean %.2f, max %d\n", (double)sum_tgt / s->n, max_tgt);
    printf("english 10-25 words: %.1f%%, over 25: %.1f%%\n", 100.0 * band_10_25 / s->n, 100.0 * over_25 / s->n);
    printf("german words aligned: %.1f%%, content words: %.1f%%\n", 100.0 * aligned / tgt_words,
           100.0 * content / tgt_words);
    if (s->n <= 20000) printf("pairs with a held-out combination: %ld\n", heldout);
    printf("length  english  german\n");
    for (i = 1; i < 32; i++)
        if (hist_src[i] || hist_tgt[i]) printf("%6d  %7ld  %6ld\n", i, hist_src[i], hist_tgt[i]);
}

int main(int argc, char **argv)
{
    corpus_split split = CORPUS_TRAIN;
    const char *split_name = "train";
    long n = 20;
    unsigned long long seed = 1;
    int stats = 0, i;
    corpus_set s;
    char err[256];
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_val = i + 1 < argc;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) { usage(stdout); return 0; }
        if (strcmp(a, "--stats") == 0) { stats = 1; continue; }
        if (strcmp(a, "--vocab") == 0) {
            const char *const *words;
            int v, k;
            corpus_vocab(&words, &v);
            for (k = 0; k < v; k++) printf("%d\t%s\n", k, words[k]);
            return 0;
        }
        if (strcmp(a, "--translate") == 0 && has_val) {
            corpus_pair p;
            char buf[1024];
            int t;
            if (corpus_translate(argv[++i], &p, err, sizeof err) != 0) {
                fprintf(stderr, "tlab-corpus: %s\n", err);
                return 1;
            }
            corpus_pair_text(&p, 1, buf, sizeof buf);
            printf("%s\n", buf);
            for (t = 0; t < p.n_tgt; t++)
                printf("  %-12s <- %s%s\n", corpus_word(p.tgt_ids[t]),
                       p.align[t] >= 0 ? corpus_word(p.src_ids[p.align[t]]) : "-", p.content[t] ? " *" : "");
            return 0;
        }
        if (strcmp(a, "--split") == 0 && has_val) {
            split_name = argv[++i];
            if (parse_split(split_name, &split) != 0) {
                fprintf(stderr, "tlab-corpus: unknown split \"%s\"\n", split_name);
                return 2;
            }
            continue;
        }
        if (strcmp(a, "--n") == 0 && has_val) {
            if (tool_long("tlab-corpus", a, argv[++i], 0, 10000000, &n)) return 2;
            continue;
        }
        if (strcmp(a, "--seed") == 0 && has_val) {
            if (tool_seed("tlab-corpus", a, argv[++i], &seed)) return 2;
            continue;
        }
        fprintf(stderr, "tlab-corpus: unknown or incomplete argument \"%s\"\n", a);
        usage(stderr);
        return 2;
    }
    if (corpus_generate(&s, split, (int)n, seed, err, sizeof err) != 0) {
        fprintf(stderr, "tlab-corpus: %s\n", err);
        corpus_set_free(&s);
        return 1;
    }
    if (stats) print_stats(&s, split_name);
    else if (corpus_write_tsv(&s, stdout) != 0) {
        fprintf(stderr, "tlab-corpus: write error\n");
        corpus_set_free(&s);
        return 1;
    }
    corpus_set_free(&s);
    return 0;
}
