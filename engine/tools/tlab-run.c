/* tlab-run - the engine on the command line: loads a model, translates a
 * sentence (or runs given ids) and prints the tokens and the translation,
 * optionally the whole run as JSON (ids, tokens, logits, every attention map).
 *
 *   tlab-run [--model FILE] [options] "the dog sees the cat"
 *   tlab-run [--model FILE] --src-ids 5,17,2 --tgt-ids 1,9 [--trace-json FILE]
 *
 * Exit status: 0 done, 1 the model could not be loaded, the run failed or was
 * not finite (the numeric guard: a warning names the first NaN or infinity),
 * 2 bad arguments. It must not do model math of its own (model.c does), nor
 * draw anything.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "beam.h"
#include "input_status.h"
#include "json.h"
#include "tool_args.h"
#include "model.h"
#include "tok.h"
#include "trace.h"
#include "weights.h"

#ifndef TLAB_ASSETS_DIR
#define TLAB_ASSETS_DIR "assets"
#endif

static void usage(FILE *out)
{
    fprintf(out,
            "usage: tlab-run [--model FILE] [options] \"sentence\"\n"
            "       tlab-run [--model FILE] --src-ids 5,17,2 --tgt-ids 1,9 [options]\n"
            "Translates an English sentence with the Transformer and prints the tokens and the translation.\n"
            "  --model FILE        weights (default: " TLAB_ASSETS_DIR "/model.safetensors, or\n"
            "                      model-untrained.safetensors beside it when there is no trained model;\n"
            "                      the directory can be changed with the TLAB_ASSETS environment variable)\n"
            "  --src-ids LIST      run these encoder ids (comma-separated, no specials added)\n"
            "  --tgt-ids LIST      teacher-forced decoder ids for --src-ids (e.g. 1,9: <bos> then words)\n"
            "  --trace-json FILE   write the run as JSON (ids, tokens, logits, attention); '-' = stdout\n"
            "  --max-steps N       greedy decoding steps at most (default: max_len)\n"
            "  --no-causal-mask    let the decoder see the future (a demo of what the mask prevents)\n"
            "  --beam N            also run beam search with beam size N (1..32; the paper: 4) and print\n"
            "                      its best translation and score = log P / lp, lp = (5+|Y|)^alpha / 6^alpha\n"
            "  --alpha A           the length penalty's alpha for --beam (default 0.6, as in the paper)\n"
            "  --help              this text\n"
            "Exit status: 0 done, 1 model not loadable, run failed or not finite, 2 bad arguments.\n");
}

static int bad_args(const char *msg, const char *arg)
{
    if (msg) fprintf(stderr, "tlab-run: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    fprintf(stderr, "usage: tlab-run [--model FILE] [--trace-json FILE] \"sentence\" | --src-ids LIST --tgt-ids LIST "
                    "(try --help)\n");
    return 2;
}

/* Parses "5,17,42" into ids (at most cap). Returns the count, or -1. */
static int parse_ids(const char *s, int *ids, int cap)
{
    int n = 0;
    const char *p = s;
    while (*p) {
        char *end = NULL;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (errno || end == p || v < 0 || v > 100000000 || n >= cap) return -1;
        ids[n++] = (int)v;
        p = end;
        while (*p == ' ') p++;
        if (*p == ',') {
            p++;
            if (!*p) return -1;
        } else if (*p) {
            return -1;
        }
    }
    return n > 0 ? n : -1;
}

/* ---------- JSON output ---------- */

static void json_float(FILE *f, float x)
{
    if (isfinite(x)) fprintf(f, "%.9g", (double)x);
    else fputs("null", f); /* JSON has no infinities; post-softmax weights never are */
}

static void json_ints(FILE *f, const int *x, int n)
{
    fputc('[', f);
    for (int i = 0; i < n; i++) fprintf(f, "%s%d", i ? "," : "", x[i]);
    fputc(']', f);
}

/* The vocabulary's words of ids[n], as a JSON array of strings. */
static void json_words(FILE *f, const tok_vocab *vocab, const int *ids, int n)
{
    fputc('[', f);
    for (int i = 0; i < n; i++) {
        if (i) fputc(',', f);
        json_write_string(f, tok_vocab_word(vocab, ids[i]));
    }
    fputc(']', f);
}

/* m[H][L][L] restricted to the live rows nq and columns nk. */
static void json_attn(FILE *f, const trace *t, const float *m, int nq, int nk)
{
    fputc('[', f);
    for (int h = 0; h < t->cfg.n_heads; h++) {
        fputs(h ? ",[" : "[", f);
        for (int q = 0; q < nq; q++) {
            fputs(q ? ",[" : "[", f);
            for (int k = 0; k < nk; k++) {
                if (k) fputc(',', f);
                json_float(f, trace_attn_at(t, m, h, q, k));
            }
            fputc(']', f);
        }
        fputc(']', f);
    }
    fputc(']', f);
}

/* The whole --trace-json document to f. */
static void json_body(FILE *f, const trace *t, const tok_vocab *vocab, int sentence_mode, const char *model_path)
{
    const model_config *c = &t->cfg;
    const int S = t->n_src, T = t->n_tgt, V = c->vocab_size;
    fputs("{\n\"model\":", f);
    json_write_string(f, model_path);
    fprintf(f,
            ",\n\"config\":{\"d_model\":%d,\"n_heads\":%d,\"n_enc_layers\":%d,\"n_dec_layers\":%d,\"d_ff\":%d,"
            "\"vocab_size\":%d,\"max_len\":%d,\"has_final_norm\":%d}",
            c->d_model, c->n_heads, c->n_enc_layers, c->n_dec_layers, c->d_ff, c->vocab_size, c->max_len,
            c->has_final_norm);
    fprintf(f, ",\n\"no_causal_mask\":%s", t->opts.no_causal_mask ? "true" : "false");
    if (sentence_mode) {
        fputs(",\n\"sentence\":", f);
        json_write_string(f, t->sentence);
        fputs(",\n\"tokens\":[", f);
        for (int i = 0; i < t->n_words; i++) {
            const tok_token *k = &t->src_tokens[i];
            fputs(i ? ",{\"text\":" : "{\"text\":", f);
            json_write_string(f, k->text);
            fprintf(f, ",\"id\":%d,\"unk\":%s,\"byte_start\":%d,\"byte_len\":%d}", k->id, k->is_unk ? "true" : "false",
                    k->byte_start, k->byte_len);
        }
        fprintf(f, "],\n\"n_words\":%d,\"n_words_total\":%d,\"truncated\":%s,\"n_unk\":%d", t->n_words,
                t->n_words_total, t->truncated ? "true" : "false", t->n_unk);
        char text[4096];
        trace_output_text(t, vocab, text, sizeof text);
        fputs(",\n\"translation\":", f);
        json_write_string(f, text);
        input_status st;
        input_status_judge(t, vocab, &st);
        fprintf(f, ",\n\"input_status\":\"%s\",\"input_status_reason\":", input_status_slug(st.kind));
        json_write_string(f, st.reason);
        fputs(",\"reference\":", f);
        if (st.has_reference) json_write_string(f, st.reference);
        else fputs("null", f);
        fprintf(f, ",\"reference_agrees\":%s", st.has_reference && st.agrees ? "true" : "false");
    }
    fputs(",\n\"src_ids\":", f);
    json_ints(f, t->src_ids, S);
    fputs(",\n\"src_words\":", f);
    json_words(f, vocab, t->src_ids, S);
    fputs(",\n\"tgt_ids\":", f);
    json_ints(f, t->tgt_ids, T);
    fputs(",\n\"tgt_words\":", f);
    json_words(f, vocab, t->tgt_ids, T);
    fputs(",\n\"out_ids\":", f);
    json_ints(f, t->out_ids, T);
    fprintf(f, ",\n\"n_out\":%d,\"finished\":%s", t->n_out, t->finished ? "true" : "false");
    fputs(",\n\"logits\":[", f);
    for (int r = 0; r < T; r++) {
        fputs(r ? ",\n[" : "\n[", f);
        for (int v = 0; v < V; v++) {
            if (v) fputc(',', f);
            json_float(f, t->logits[(size_t)r * V + v]);
        }
        fputc(']', f);
    }
    fputs("],\n\"attention\":{\"encoder\":[", f);
    for (int l = 0; l < c->n_enc_layers; l++) {
        fputs(l ? ",\n{\"self\":" : "\n{\"self\":", f);
        json_attn(f, t, t->enc[l].self.weights, S, S);
        fputc('}', f);
    }
    fputs("],\n\"decoder\":[", f);
    for (int l = 0; l < c->n_dec_layers; l++) {
        fputs(l ? ",\n{\"self\":" : "\n{\"self\":", f);
        json_attn(f, t, t->dec[l].self.weights, T, T);
        fputs(",\n\"cross\":", f);
        json_attn(f, t, t->dec[l].cross.weights, T, S);
        fputc('}', f);
    }
    fputs("]}", f);
    const trace_nonfinite *nf = &t->nonfinite; /* the numeric guard: null when every activation is finite */
    if (!nf->found) fputs(",\n\"nonfinite\":null", f);
    else {
        fputs(",\n\"nonfinite\":{\"tensor\":", f);
        json_write_string(f, nf->tensor);
        fprintf(f, ",\"layer\":%d,\"head\":%d,\"row\":%d,\"col\":%d,\"value\":\"%s\"}", nf->layer, nf->head, nf->row,
                nf->col, isnan(nf->value) ? "nan" : nf->value > 0 ? "inf" : "-inf");
    }
    fputs("\n}\n", f);
}

/* --trace-json PATH: "-" is standard output; a file is written through afile (a
 * temporary renamed into place: a full disk or a kill never leaves half a file). */
static int write_json(const char *path, const trace *t, const tok_vocab *vocab, int sentence_mode, const char *model_path)
{
    char err[512];
    if (strcmp(path, "-") == 0) {
        json_body(stdout, t, vocab, sentence_mode, model_path);
        if (ferror(stdout) || fflush(stdout) != 0) {
            fprintf(stderr, "tlab-run: error writing the trace to standard output\n");
            return -1;
        }
        return 0;
    }
    afile f;
    if (afile_open(&f, path, AFILE_REPLACE, err, sizeof err) != 0) {
        fprintf(stderr, "tlab-run: %s\n", err);
        return -1;
    }
    json_body(f.fp, t, vocab, sentence_mode, model_path);
    if (afile_commit(&f, err, sizeof err) != 0) {
        fprintf(stderr, "tlab-run: %s\n", err);
        return -1;
    }
    return 0;
}

/* ---------- human-readable output ---------- */

static void print_tokens(FILE *o, const trace *t, const tok_vocab *v)
{
    fprintf(o, "tokens (%d):", t->n_words);
    for (int i = 0; i < t->n_words; i++) {
        const tok_token *k = &t->src_tokens[i];
        fprintf(o, " %s[%d%s]", k->text, k->id, k->is_unk ? " <unk>" : "");
    }
    fprintf(o, " <eos>[%d]\n", TOK_EOS);
    if (t->n_unk) fprintf(o, "unknown words: %d (shown as <unk>)\n", t->n_unk);
    for (int i = 0; i < t->n_words; i++) {
        const tok_token *k = &t->src_tokens[i];
        int near[3];
        if (!k->is_unk) continue;
        int n = tok_nearest(v, k->text, near, 3);
        if (n <= 0) {
            fprintf(o, "  %s: no known word is near it\n", k->text);
            continue;
        }
        fprintf(o, "  %s: did you mean", k->text);
        for (int j = 0; j < n; j++) fprintf(o, "%s %s", j ? "," : "", tok_vocab_word(v, near[j]));
        fputs("?\n", o);
    }
    if (t->truncated)
        fprintf(o, "truncated: the text has %d tokens, only the first %d were used (max_len %d)\n", t->n_words_total,
                t->n_words, t->cfg.max_len);
}

static void print_ids_run(FILE *o, const trace *t, const tok_vocab *v)
{
    const int V = t->cfg.vocab_size;
    fputs("source:", o);
    for (int i = 0; i < t->n_src; i++) fprintf(o, " %s[%d]", tok_vocab_word(v, t->src_ids[i]), t->src_ids[i]);
    fputs("\n", o);
    for (int r = 0; r < t->n_tgt; r++) {
        const int id = t->out_ids[r];
        fprintf(o, "after %s[%d]: predicts %s[%d] p=%.4f\n", tok_vocab_word(v, t->tgt_ids[r]), t->tgt_ids[r],
                tok_vocab_word(v, id), id, (double)t->probs[(size_t)r * V + id]);
    }
}

/* ---------- main ---------- */

static int file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f) fclose(f);
    return f != NULL;
}

/* The tokens and the greedy translation of a sentence's trace. */
static void print_translation(FILE *o, const trace *t, const tok_vocab *v)
{
    char text[4096];
    print_tokens(o, t, v);
    trace_output_text(t, v, text, sizeof text);
    fprintf(o, "translation: %s\n", text);
    if (!t->finished) fprintf(o, "note: no <eos> within %d steps; the translation may be cut\n", t->n_tgt);
    input_status st; /* can it be trusted: the reference when the grammar has one, a warning on stderr when not */
    input_status_judge(t, v, &st);
    if (st.has_reference) fprintf(o, "reference (corpus grammar): %s %s\n", st.reference, st.agrees ? "\xE2\x9C\x93 same" : "(differs)");
    if (st.kind != INPUT_IN_GRAMMAR) fprintf(stderr, "tlab-run: warning: %s: %s\n", input_status_slug(st.kind), st.reason);
}

/* Appends one word of the sentence given as arguments (words joined by spaces). */
static int add_word(char *sentence, size_t cap, size_t *len, int *n_words, const char *w)
{
    size_t l = strlen(w);
    if (*len + l + 2 > cap) return -1;
    if ((*n_words)++) sentence[(*len)++] = ' ';
    memcpy(sentence + *len, w, l + 1);
    *len += l;
    return 0;
}

/* The shipped model (TLAB_ASSETS or the build's assets), or the untrained one with a note. */
static const char *default_model(char *path, size_t n)
{
    const char *dir = getenv("TLAB_ASSETS");
    if (!dir || !*dir) dir = TLAB_ASSETS_DIR;
    snprintf(path, n, "%s/model.safetensors", dir);
    if (!file_exists(path)) {
        char fallback[4096];
        snprintf(fallback, sizeof fallback, "%s/model-untrained.safetensors", dir);
        fprintf(stderr, "tlab-run: note: no trained model at %s; using the untrained %s (its output is noise)\n",
                path, fallback);
        snprintf(path, n, "%s", fallback);
    }
    return path;
}

/* Beam search on the trace's source ids, on a second trace (t stays for the
 * JSON); prints the best hypothesis and its score. 0, or -1 after a message. */
static int print_beam(FILE *o, const weights_model *m, const trace *t, const beam_opts *bopts)
{
    static beam_result br;
    static trace bt;
    char err[512], text[4096];
    int rc = 0;
    int src[BEAM_MAX_STEPS], n_src = t->n_src < BEAM_MAX_STEPS ? t->n_src : BEAM_MAX_STEPS;
    memcpy(src, t->src_ids, sizeof(int) * (size_t)n_src);
    if (trace_init(&bt, &m->params.cfg) != 0 ||
        beam_search_work(&m->params, src, n_src, bopts, &bt, &br, err, sizeof err) != 0) {
        fprintf(stderr, "tlab-run: beam search: %s\n", bt.block ? err : "out of memory");
        rc = -1;
    } else {
        const beam_hyp *h = &br.hyps[0];
        tok_detokenize(&m->vocab, h->ids, h->eos ? h->len - 1 : h->len, text, sizeof text);
        fprintf(o, "beam %d alpha %g: %s\n", bopts->beam, bopts->alpha, text);
        fprintf(o, "beam score: %.9g log_p %.9g length %d lp %.9g eos %d steps %d hypotheses %d\n", h->score,
                h->logp, h->len, h->lp, h->eos, br.n_steps, br.n_hyps);
    }
    trace_free(&bt);
    return rc;
}

/* The numeric guard's finding (trace.nonfinite), as a warning on stderr; 1 when there is one. */
static int report_nonfinite(const trace *t)
{
    if (!t->nonfinite.found) return 0;
    char why[256];
    trace_nonfinite_text(t, why, sizeof why);
    fprintf(stderr, "tlab-run: warning: this run is not finite, its output is meaningless: %s\n", why);
    return 1;
}

/* A sentence, or --src-ids with --tgt-ids (parsed into src/tgt, 1024 each).
 * Returns -1 when the input is usable, else the exit code after a message. */
static int check_input(const char *src_arg, const char *tgt_arg, int n_positional, int beam, int *src, int *n_src,
                       int *tgt, int *n_tgt)
{
    const int ids_mode = src_arg || tgt_arg;
    if (ids_mode && (!src_arg || !tgt_arg)) return bad_args("--src-ids and --tgt-ids go together", NULL);
    if (ids_mode && n_positional) return bad_args("give either a sentence or --src-ids/--tgt-ids, not both", NULL);
    if (!ids_mode && !n_positional) return bad_args("no sentence given", NULL);
    if (ids_mode && beam > 0) return bad_args("--beam works with a sentence, not with --src-ids", NULL);
    if (!ids_mode) return -1;
    *n_src = parse_ids(src_arg, src, 1024);
    if (*n_src < 0) return bad_args("--src-ids wants comma-separated ids like 5,17,2, got", src_arg);
    *n_tgt = parse_ids(tgt_arg, tgt, 1024);
    if (*n_tgt < 0) return bad_args("--tgt-ids wants comma-separated ids like 1,9, got", tgt_arg);
    return -1;
}

int main(int argc, char **argv)
{
    const char *model_path = NULL, *json_path = NULL, *src_arg = NULL, *tgt_arg = NULL;
    trace_opts opts = { .no_causal_mask = 0 };
    beam_opts bopts = { 0, 0.6, 0 };
    char sentence[8192] = "";
    size_t sent_len = 0;
    int n_positional = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--model") == 0 || strcmp(a, "--trace-json") == 0 || strcmp(a, "--src-ids") == 0 ||
                   strcmp(a, "--tgt-ids") == 0 || strcmp(a, "--max-steps") == 0 || strcmp(a, "--beam") == 0 ||
                   strcmp(a, "--alpha") == 0) {
            if (!val) return bad_args("missing value after", a);
            if (strcmp(a, "--model") == 0) model_path = val;
            else if (strcmp(a, "--trace-json") == 0) json_path = val;
            else if (strcmp(a, "--src-ids") == 0) src_arg = val;
            else if (strcmp(a, "--tgt-ids") == 0) tgt_arg = val;
            else if (strcmp(a, "--alpha") == 0) {
                if (tool_double("tlab-run", a, val, 0.0, 10.0, &bopts.alpha)) return bad_args(NULL, NULL);
            } else {
                long n;
                int beam = strcmp(a, "--beam") == 0;
                if (tool_long("tlab-run", a, val, 1, beam ? BEAM_MAX : 1024, &n)) return bad_args(NULL, NULL);
                if (beam) bopts.beam = (int)n;
                else opts.max_steps = (int)n;
            }
            i++;
        } else if (strcmp(a, "--no-causal-mask") == 0) {
            opts.no_causal_mask = 1;
        } else if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++)
                if (add_word(sentence, sizeof sentence, &sent_len, &n_positional, argv[i]) != 0) return bad_args("sentence too long", NULL);
        } else if (a[0] == '-' && a[1] == '-') {
            return bad_args("unknown option", a);
        } else {
            /* Several words without quotes are joined with spaces. */
            if (add_word(sentence, sizeof sentence, &sent_len, &n_positional, a) != 0) return bad_args("sentence too long", NULL);
        }
    }
    const int ids_mode = src_arg || tgt_arg;
    static int src_ids[1024], tgt_ids[1024];
    int n_src = 0, n_tgt = 0;
    const int bad = check_input(src_arg, tgt_arg, n_positional, bopts.beam, src_ids, &n_src, tgt_ids, &n_tgt);
    if (bad >= 0) return bad;

    /* Which model. */
    char path_buf[4096];
    if (!model_path) model_path = default_model(path_buf, sizeof path_buf);
    static weights_model m;
    char err[512];
    if (weights_load(&m, model_path, err, sizeof err) != 0) {
        fprintf(stderr, "tlab-run: %s: %s\n", model_path, err);
        return 1;
    }
    if (!m.has_vocab && !ids_mode)
        fprintf(stderr, "tlab-run: note: %s has no vocabulary; every word will be <unk>\n", model_path);

    static trace t;
    if (trace_init(&t, &m.params.cfg) != 0) {
        fprintf(stderr, "tlab-run: out of memory for the trace\n");
        weights_model_free(&m);
        return 1;
    }
    int rc;
    if (ids_mode) rc = model_run_ids(&m.params, src_ids, n_src, tgt_ids, n_tgt, &opts, &t, err, sizeof err);
    else rc = model_translate(&m.params, &m.vocab, sentence, &opts, &t, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "tlab-run: %s\n", err);
        trace_free(&t);
        weights_model_free(&m);
        return 1;
    }

    /* The JSON may go to stdout: then the readable summary goes to stderr. */
    FILE *o = json_path && strcmp(json_path, "-") == 0 ? stderr : stdout;
    if (ids_mode) {
        print_ids_run(o, &t, &m.vocab);
    } else {
        print_translation(o, &t, &m.vocab);
        if (bopts.beam > 0 && rc == 0) rc = print_beam(o, &m, &t, &bopts);
    }
    if (json_path && write_json(json_path, &t, &m.vocab, !ids_mode, model_path) != 0) rc = 1;
    if (report_nonfinite(&t)) rc = 1;
    trace_free(&t);
    weights_model_free(&m);
    return rc ? 1 : 0;
}
