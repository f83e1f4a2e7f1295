/* sample.h - decoding by sampling, beside greedy decoding (model.c) and beam
 * search (beam.c): the next token is drawn from softmax(logits / T) restricted
 * to the k most likely tokens, with the project's seeded generator (rng.h), so
 * a class sees the same sample for the same seed. The distribution itself is
 * available for a picture.
 *
 * Dimension letters as in model.h. Must not: print, exit, or keep state
 * between calls (the generator's state is the caller's).
 */
#ifndef SAMPLE_H
#define SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "trace.h"

#define SAMPLE_T_MIN 0.05   /* temperatures below are refused (T -> 0 is greedy decoding) */
#define SAMPLE_T_MAX 10.0

/* dist[V] = the distribution sampling draws from: softmax(logits / temperature) over the top_k
 * largest logits (ties: the lower id first; top_k <= 0 or >= V: every token), exactly 0 elsewhere.
 * Returns the number of tokens kept, or -1 when temperature is outside SAMPLE_T_MIN..SAMPLE_T_MAX. */
int sample_distribution(const float *logits, int V, double temperature, int top_k, double *dist);
/* The token at u in [0, 1) of dist: the first id whose running sum exceeds u (the last kept id when
 * rounding leaves u beyond the sum). */
int sample_draw(const double *dist, int V, double u);

/* src_ids[n_src] (words then <eos>) translated by sampling: every step draws the next token from
 * sample_distribution(row, temperature, top_k) with a generator seeded by seed. The trace holds the
 * tokens taken (out_ids, n_out) and the model's logits. 0, or -1 with a message in err. */
int sample_translate(const model_params *p, const int *src_ids, int n_src, double temperature, int top_k,
                     uint64_t seed, trace *t, char *err, size_t err_len);

#endif
