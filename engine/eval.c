/* eval.c - exact match, corpus BLEU-4 and the per-head alignment score of
 * cross-attention (definitions and the row off-by-one in eval.h), and a
 * driver that runs a model over a corpus set.
 * It does no model math of its own (it calls model_translate / model_run_ids
 * and reads the trace), prints nothing and never exits.
 */
#include "eval.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int eval_exact(const int *hyp, int n_hyp, const int *ref, int n_ref)
{
    int i;
    if (n_hyp != n_ref) return 0;
    for (i = 0; i < n_hyp; i++)
        if (hyp[i] != ref[i]) return 0;
    return 1;
}

void eval_bleu_init(eval_bleu *b)
{
    if (b) memset(b, 0, sizeof *b);
}

/* 1 when the n-grams of a at i and of b at j are equal. */
static int ngram_eq(const int *a, int i, const int *b, int j, int n)
{
    int k;
    for (k = 0; k < n; k++)
        if (a[i + k] != b[j + k]) return 0;
    return 1;
}

void eval_bleu_add(eval_bleu *b, const int *hyp, int n_hyp, const int *ref, int n_ref)
{
    int n, i, j;
    if (!b) return;
    b->hyp_len += n_hyp;
    b->ref_len += n_ref;
    for (n = 1; n <= 4; n++) {
        if (n_hyp < n) continue;
        b->total[n - 1] += n_hyp - n + 1;
        /* For each distinct hypothesis n-gram (at its first occurrence), add
         * min(count in hyp, count in ref): the clipped count. */
        for (i = 0; i + n <= n_hyp; i++) {
            int seen = 0, ch = 0, cr = 0;
            for (j = 0; j < i && !seen; j++) seen = ngram_eq(hyp, i, hyp, j, n);
            if (seen) continue;
            for (j = i; j + n <= n_hyp; j++) ch += ngram_eq(hyp, i, hyp, j, n);
            for (j = 0; j + n <= n_ref; j++) cr += ngram_eq(hyp, i, ref, j, n);
            b->match[n - 1] += ch < cr ? ch : cr;
        }
    }
}

double eval_bleu_bp(const eval_bleu *b)
{
    if (!b || b->hyp_len == 0) return 0.0;
    if (b->hyp_len >= b->ref_len) return 1.0;
    return exp(1.0 - (double)b->ref_len / (double)b->hyp_len);
}

double eval_bleu_score(const eval_bleu *b)
{
    double log_sum = 0.0;
    int n;
    if (!b || b->hyp_len == 0) return 0.0;
    for (n = 0; n < 4; n++) {
        if (b->total[n] == 0 || b->match[n] == 0) return 0.0;
        log_sum += log((double)b->match[n] / (double)b->total[n]);
    }
    return 100.0 * eval_bleu_bp(b) * exp(log_sum / 4.0);
}

void eval_align_init(eval_align *a, int n_layers, int n_heads)
{
    if (!a) return;
    memset(a, 0, sizeof *a);
    a->n_layers = n_layers < 0 ? 0 : n_layers > EVAL_MAX_LAYERS ? EVAL_MAX_LAYERS : n_layers;
    a->n_heads = n_heads < 0 ? 0 : n_heads > EVAL_MAX_HEADS ? EVAL_MAX_HEADS : n_heads;
}

void eval_align_add_layer(eval_align *a, int layer, const float *weights, int L, int n_keys,
                          const signed char *align, const unsigned char *content, int n_tgt, int count_total)
{
    int h, t, k;
    if (!a || !weights || layer < 0 || layer >= a->n_layers) return;
    if (n_tgt > L) n_tgt = L;
    if (n_keys > L) n_keys = L;
    for (t = 0; t < n_tgt; t++) {
        if (!content[t] || align[t] < 0 || align[t] >= n_keys) continue;
        if (count_total) a->total++;
        for (h = 0; h < a->n_heads; h++) {
            /* Row t predicts target word t (decoder input <bos> w_0 .. w_{t-1}). */
            const float *row = weights + ((size_t)h * L + t) * L;
            int best = 0;
            for (k = 1; k < n_keys; k++)
                if (row[k] > row[best]) best = k;
            if (best == align[t]) a->hits[layer * a->n_heads + h]++;
        }
    }
}

void eval_align_add_trace(eval_align *a, const trace *t, const corpus_pair *p)
{
    int l, n_tgt;
    if (!a || !t || !p) return;
    /* Rows 0..n_tgt-1 of a run on <bos> + words predict words 0..n_tgt-1. */
    n_tgt = p->n_tgt < t->n_tgt ? p->n_tgt : t->n_tgt;
    for (l = 0; l < a->n_layers && l < t->cfg.n_dec_layers; l++)
        eval_align_add_layer(a, l, t->dec[l].cross.weights, t->cfg.max_len, t->n_src, p->align, p->content,
                             n_tgt, l == 0);
}

double eval_align_score(const eval_align *a, int layer, int head)
{
    if (!a || a->total == 0 || layer < 0 || layer >= a->n_layers || head < 0 || head >= a->n_heads) return 0.0;
    return 100.0 * (double)a->hits[layer * a->n_heads + head] / (double)a->total;
}

int eval_model(const model_params *p, const tok_vocab *vocab, const corpus_set *set, eval_report *out,
               eval_error_fn on_error, void *user, char *err, size_t err_len)
{
    trace tr;
    eval_bleu bleu;
    char text[1024];
    int i, k, l, h;
    if (!out) {
        if (err && err_len) snprintf(err, err_len, "eval_model: no report");
        return -1;
    }
    memset(out, 0, sizeof *out);
    if (!p || !vocab || !set) {
        if (err && err_len) snprintf(err, err_len, "eval_model: missing model, vocabulary or set");
        return -1;
    }
    if (trace_init(&tr, &p->cfg) != 0) {
        if (err && err_len) snprintf(err, err_len, "eval_model: out of memory for the trace");
        return -1;
    }
    eval_bleu_init(&bleu);
    eval_align_init(&out->align, p->cfg.n_dec_layers, p->cfg.n_heads);
    for (i = 0; i < set->n; i++) {
        const corpus_pair *pr = &set->pairs[i];
        int hyp[1024], n_hyp, src[64], tgt[64], n_src, ok;
        /* Greedy decoding through the text, as the app does. */
        corpus_pair_text(pr, 0, text, sizeof text);
        if (model_translate(p, vocab, text, NULL, &tr, err, err_len) != 0) {
            trace_free(&tr);
            return -1;
        }
        n_hyp = tr.n_out;
        for (k = 0; k < n_hyp; k++) {
            int id = corpus_word_id(tok_vocab_word(vocab, tr.out_ids[k]));
            hyp[k] = id < 0 ? TOK_UNK : id;
        }
        ok = eval_exact(hyp, n_hyp, pr->tgt_ids, pr->n_tgt);
        out->n_exact += ok;
        eval_bleu_add(&bleu, hyp, n_hyp, pr->tgt_ids, pr->n_tgt);
        if (!ok && on_error) on_error(user, pr, hyp, n_hyp);

        /* Teacher-forced on the reference for the alignment score. */
        n_src = 0;
        for (k = 0; k < pr->n_src && n_src < p->cfg.max_len - 1; k++) {
            int id = tok_vocab_find(vocab, corpus_word(pr->src_ids[k]));
            src[n_src++] = id < 0 ? TOK_UNK : id;
        }
        src[n_src++] = TOK_EOS;
        tgt[0] = TOK_BOS;
        for (k = 0; k < pr->n_tgt && k + 1 < p->cfg.max_len; k++) {
            int id = tok_vocab_find(vocab, corpus_word(pr->tgt_ids[k]));
            tgt[k + 1] = id < 0 ? TOK_UNK : id;
        }
        if (model_run_ids(p, src, n_src, tgt, k + 1, NULL, &tr, err, err_len) != 0) {
            trace_free(&tr);
            return -1;
        }
        eval_align_add_trace(&out->align, &tr, pr);
    }
    trace_free(&tr);
    out->n = set->n;
    out->exact = set->n ? 100.0 * out->n_exact / set->n : 0.0;
    out->bleu = eval_bleu_score(&bleu);
    for (l = 0; l < out->align.n_layers; l++)
        for (h = 0; h < out->align.n_heads; h++)
            if (eval_align_score(&out->align, l, h) > eval_align_score(&out->align, out->best_layer, out->best_head)) {
                out->best_layer = l;
                out->best_head = h;
            }
    return 0;
}
