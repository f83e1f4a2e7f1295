/* tlab-mkmodel - writes a seeded random (untrained) model to a safetensors
 * file, for tests and for running the app before a trained model exists.
 *
 *   tlab-mkmodel --out FILE [--vocab FILE] [--vocab-size N] [--d-model 64]
 *                [--heads 4] [--enc-layers 2] [--dec-layers 2] [--d-ff 256]
 *                [--max-len 32] [--seed 1] [--final-norm] [--task NAME]
 *
 * --vocab reads one word per line (blank lines skipped; <pad> <bos> <eos>
 * <unk> are put first when absent; words are lower-cased as the tokenizer
 * does, and a word that then repeats an earlier one, or that the tokenizer
 * would split ("don't", "a b": never typeable), is skipped with a note). Without it the file has no vocabulary and
 * --vocab-size words (default 32). Exit 0 on success, 1 on a failure to build
 * or write, 2 on bad arguments. It does no training and no model math.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "tok.h"
#include "tool_args.h"
#include "weights.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: tlab-mkmodel --out FILE [options]\n"
            "Writes a seeded random (untrained) Transformer in safetensors format.\n"
            "  --out FILE         where to write (required)\n"
            "  --vocab FILE       one word per line; <pad> <bos> <eos> <unk> are added first if absent\n"
            "  --vocab-size N     vocabulary size when there is no --vocab (default 32)\n"
            "  --d-model N        d_model (default 64)\n"
            "  --heads N          attention heads (default 4)\n"
            "  --enc-layers N     encoder layers (default 2)\n"
            "  --dec-layers N     decoder layers (default 2)\n"
            "  --d-ff N           feed-forward width (default 256)\n"
            "  --max-len N        tokens per sequence, specials included (default 32)\n"
            "  --seed N           random seed (default 1)\n"
            "  --final-norm       add encoder.norm and decoder.norm (as PyTorch does)\n"
            "  --task NAME        task name stored in the metadata\n"
            "  --help             this text\n"
            "Exit status: 0 written, 1 failed to build or write, 2 bad arguments.\n");
}

/* Reads the vocabulary file into words (specials first). Returns the count or -1. */
static int read_vocab(const char *path, char ***out)
{
    static const char *const specials[4] = { "<pad>", "<bos>", "<eos>", "<unk>" };
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "tlab-mkmodel: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    int n = 4, cap = 64;
    char **words = malloc((size_t)cap * sizeof *words);
    if (!words) {
        fclose(f);
        return -1;
    }
    for (int i = 0; i < 4; i++) words[i] = strdup(specials[i]);
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
            line[--len] = '\0';
        char *w = line;
        while (*w == ' ' || *w == '\t') w++;
        if (!*w) continue;
        int special = 0;
        for (int i = 0; i < 4; i++)
            if (strcmp(w, specials[i]) == 0) special = 1;
        if (special) continue;
        char norm[TOK_WORD_MAX]; /* the tokenizer lower-cases what the user types: so must the vocabulary */
        int n_tok = tok_word_form(w, norm, sizeof norm);
        if (n_tok != 1 || strlen(w) >= TOK_WORD_MAX) {
            fprintf(stderr, "tlab-mkmodel: %s: \"%s\" can never be typed (the tokenizer reads it as %d tokens%s): "
                    "skipped\n", path, w, n_tok, strlen(w) >= TOK_WORD_MAX ? ", or it is over 63 bytes" : "");
            continue;
        }
        int dup = 0;
        for (int i = 4; i < n && !dup; i++) dup = strcmp(words[i], norm) == 0;
        if (dup) {
            fprintf(stderr, "tlab-mkmodel: %s: \"%s\" repeats \"%s\" (words are lower-cased): skipped\n", path, w, norm);
            continue;
        }
        if (n == cap) {
            cap *= 2;
            char **nw = realloc(words, (size_t)cap * sizeof *words);
            if (!nw) break;
            words = nw;
        }
        words[n++] = strdup(norm);
    }
    fclose(f);
    *out = words;
    return n;
}

int main(int argc, char **argv)
{
    const char *out = NULL, *vocab_path = NULL, *task = NULL;
    long vocab_size = 32, d_model = 64, heads = 4, enc = 2, dec = 2, d_ff = 256, max_len = 32, seed = 1;
    int final_norm = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        long *target = NULL;
        long min = 1, max = 1000000;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--final-norm") == 0) {
            final_norm = 1;
            continue;
        } else if (strcmp(a, "--out") == 0 || strcmp(a, "--vocab") == 0 || strcmp(a, "--task") == 0) {
            if (!val) {
                fprintf(stderr, "tlab-mkmodel: %s needs a value\n", a);
                return 2;
            }
            if (strcmp(a, "--out") == 0) out = val;
            else if (strcmp(a, "--vocab") == 0) vocab_path = val;
            else task = val;
            i++;
            continue;
        } else if (strcmp(a, "--vocab-size") == 0) target = &vocab_size;
        else if (strcmp(a, "--d-model") == 0) target = &d_model;
        else if (strcmp(a, "--heads") == 0) target = &heads;
        else if (strcmp(a, "--enc-layers") == 0) target = &enc;
        else if (strcmp(a, "--dec-layers") == 0) target = &dec;
        else if (strcmp(a, "--d-ff") == 0) target = &d_ff;
        else if (strcmp(a, "--max-len") == 0) target = &max_len;
        else if (strcmp(a, "--seed") == 0) {
            target = &seed;
            min = 0;
            max = 2147483647L;
        } else {
            fprintf(stderr, "tlab-mkmodel: unknown argument %s (try --help)\n", a);
            return 2;
        }
        if (tool_long("tlab-mkmodel", a, val ? val : "", min, max, target)) return 2;
        i++;
    }
    if (!out) {
        fprintf(stderr, "tlab-mkmodel: --out FILE is required (try --help)\n");
        return 2;
    }

    char err[512];
    tok_vocab vocab;
    memset(&vocab, 0, sizeof vocab);
    int have_vocab = 0;
    if (vocab_path) {
        char **words = NULL;
        int n = read_vocab(vocab_path, &words);
        if (n < 0) return 1;
        int rc = tok_vocab_init(&vocab, (const char *const *)words, n, err, sizeof err);
        for (int i = 0; i < n; i++) free(words[i]);
        free(words);
        if (rc != 0) {
            fprintf(stderr, "tlab-mkmodel: bad vocabulary %s: %s\n", vocab_path, err);
            return 1;
        }
        have_vocab = 1;
        vocab_size = vocab.size;
    }

    model_config cfg = model_config_default((int)vocab_size);
    cfg.d_model = (int)d_model;
    cfg.n_heads = (int)heads;
    cfg.n_enc_layers = (int)enc;
    cfg.n_dec_layers = (int)dec;
    cfg.d_ff = (int)d_ff;
    cfg.max_len = (int)max_len;
    cfg.has_final_norm = final_norm;
    if (model_config_check(&cfg, err, sizeof err) != 0) {
        fprintf(stderr, "tlab-mkmodel: bad sizes: %s\n", err);
        tok_vocab_free(&vocab);
        return 2;
    }
    model_params p;
    if (model_params_init(&p, &cfg) != 0) {
        fprintf(stderr, "tlab-mkmodel: out of memory\n");
        tok_vocab_free(&vocab);
        return 1;
    }
    model_params_init_random(&p, (unsigned long long)seed);
    int rc = weights_save(out, &p, have_vocab ? &vocab : NULL, task, err, sizeof err);
    if (rc != 0) fprintf(stderr, "tlab-mkmodel: %s\n", err);
    else
        printf("wrote %s: d_model %d, %d heads, %d+%d layers, d_ff %d, max_len %d, vocab %d%s, %zu parameters\n", out,
               cfg.d_model, cfg.n_heads, cfg.n_enc_layers, cfg.n_dec_layers, cfg.d_ff, cfg.max_len, cfg.vocab_size,
               final_norm ? ", final norms" : "", p.n_floats);
    model_params_free(&p);
    tok_vocab_free(&vocab);
    return rc == 0 ? 0 : 1;
}
