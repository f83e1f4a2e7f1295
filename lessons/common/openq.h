/* openq.h - the numbers behind the walkthrough's three open questions (issue 17
 * item 2), each from the live run, so that a picture can show them and a test
 * can check them against the engine:
 *   1 relative position (lesson 3): PE(pos + k) = R_k · PE(pos), where R_k is
 *     block-diagonal with one 2×2 rotation by k·ωᵢ per (sin, cos) pair, the
 *     same for every pos;
 *   2 W_O after the concat (lesson 6): what each head adds to one token's
 *     output, concat[t, head h's columns] · W_O[:, head h's columns]ᵀ;
 *   3 the tied output projection (lesson 13): the cosine of the decoder
 *     output with every word's embedding (the logit is the dot product, the
 *     trace's logits; the cosine is the "nearest word" by angle).
 * Display math in double precision on the trace and the parameters.
 *
 * Plain C: no SDL, no drawing, no translation.
 * Must not: change the trace or the parameters, or run the model.
 */
#ifndef OPENQ_H
#define OPENQ_H


/* The 2×2 blocks of R_k for d_model D: cs[2i] = cos(k·ωᵢ), cs[2i+1] = sin(k·ωᵢ), i = 0..D/2−1.
 * Block i maps the pair (sin, cos) of PE row pos to (s·c_k + c·s_k, c·c_k − s·s_k). */
void openq_rotation_blocks(int k, int D, double *cs /* [D] */);

/* y = R_k · x for one PE row x [D] (pairs (2i, 2i+1) = (sin, cos); an odd last dimension has no
 * partner and is copied). */
void openq_rotate_row(const double *cs, const float *x, int D, float *y /* [D] */);

/* max |R_k·PE(pos) − PE(pos+k)| over pos = 0..n−1−k and every dimension, PE rows [n, D] (the trace's
 * enc_pe); 0 when k >= n. *worst_pos (may be NULL) gets the pos where it is largest (−1 for none). */
double openq_rotation_error(const float *pe, int n, int D, int k, int *worst_pos);

/* parts[h·D + d] = Σ_{j in head h's K columns} W_O[d][j] · concat_row[j]: what head h adds to output
 * dimension d of one token (the sub-layer's out = Σ_h parts + b_O). W_O is the model's
 * out_proj_weight [D, D] (row d = output dimension; its D columns are the H_model·K concat
 * columns, H_model·K = D as in PyTorch's nn.MultiheadAttention); H <= H_model heads are split off. */
void openq_head_parts(const float *concat_row /* [D] */, const float *w_o, int D, int H, int K,
                      float *parts /* [H, D] */);

/* ‖parts of head h‖ (Euclidean, over the D output dimensions), norms [H]. */
void openq_part_norms(const float *parts, int H, int D, float *norms /* [H] */);

/* cos[v] = h·E[v] / (‖h‖‖E[v]‖) for every word v of the embedding E [V, D]
 * (0 for a zero vector). */
void openq_cosines(const float *h, const float *E, int V, int D, float *cos /* [V] */);

#endif
