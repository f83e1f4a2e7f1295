/* nn.c - the post-LayerNorm encoder-decoder Transformer ("Attention Is All
 * You Need", section 3), each layer's forward beside its backward (see nn.h
 * for shapes and argument order):
 *
 *   x = drop(E[id] * sqrt(D) + PE)
 *   encoder layer:  a = MHA(x, x, x); n1 = LN(x + drop(a)); f = W2 relu(W1 n1 + b1) + b2; out = LN(n1 + drop(f))
 *   decoder layer:  s = MHA_causal(y, y, y); n1 = LN(y + drop(s)); c = MHA(n1, mem, mem);
 *                   n2 = LN(n1 + drop(c)); f = FFN(n2); out = LN(n2 + drop(f))
 *   logits = dec_out E^T (shared embedding, no bias)
 *
 * drop() multiplies by a dropout mask in training and is the identity in the
 * app (mask NULL). The app's greedy decoding and its teacher-forced runs call
 * the very same row computations, so their logits are bit-identical.
 * What it must not do: allocate, print, exit, or know about files, the
 * optimiser or drawing.
 */
/* At -O3 (the build is -O2): the element-wise loops here are hot in training,
 * and -O2's very cheap vectoriser leaves most of them scalar. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

#include "nn.h"

#include "kernels.h"

#include <assert.h>
#include <math.h>
#include <string.h>

/* Attention's hot loops get AVX-512 / AVX2 clones picked at load time. */
#if defined(__GNUC__) && !defined(__clang__) && (defined(__x86_64__) || defined(__i386__))
#define HOT_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define HOT_CLONES
#endif

/* Rows [r0, r1) of each of B sentences of L rows, as one run of rows starting
 * at row r0: one sentence, or whole sentences (r0 = 0, r1 = L). */
static int span_rows(int B, int L, int r0, int r1)
{
    assert(B == 1 || (r0 == 0 && r1 == L));
    return (B - 1) * L + r1 - r0;
}

size_t nn_grads_carve(nn_grads *g, float *base, const model_config *c, int B)
{
    const size_t D = (size_t)c->d_model, F = (size_t)c->d_ff, V = (size_t)c->vocab_size, L = (size_t)c->max_len;
    const size_t R = (size_t)B * L, K = D / (size_t)c->n_heads;
    size_t tw = 3 * D;
    if (F > tw) tw = F;
    if (V > tw) tw = V;
    const size_t sizes[] = { R * D, R * D, R * D, R * D, R * D, R * D, R * D, R * 3 * D, R * F, R * F, R * D, R * tw,
                             L * K + 2 * L * L };
    float **ptrs[] = { &g->dres, &g->dres2, &g->dsub, &g->dconcat, &g->dq, &g->dk, &g->dv, &g->dpacked,
                       &g->dhid, &g->dpre, &g->dmem, &g->t, &g->keys };
    size_t off = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        *ptrs[i] = base ? base + off : NULL;
        off += (sizes[i] + 15) & ~(size_t)15;
    }
    return off;
}

/* ---------- linear layer ---------- */

/* y[n, out] = x[n, in] W^T + b. W is [out, in] (rows `in` apart); wt, when not NULL, is W^T: [in, out]
 * with rows ldwt apart, and then the product runs through the matrix kernel. */
static void linear_forward(float *y, const float *x, const float *w, const float *wt, int ldwt, const float *b, int n,
                           int in, int out)
{
    if (!wt) {
        kern_linear(y, x, w, b, n, in, out);
        return;
    }
    for (int i = 0; i < n; i++) {
        float *yi = y + (size_t)i * out;
        if (b) memcpy(yi, b, (size_t)out * sizeof(float));
        else memset(yi, 0, (size_t)out * sizeof(float));
    }
    kern_matmul(y, out, x, in, wt, ldwt, n, in, out);
}
/* The backward of linear_forward is kern_linear_backward (kernels.c). */

/* ---------- embedding ---------- */

void nn_embed_forward(float *x, float *emb, const float *mask, const int *ids, const float *pe, const float *E, int B,
                      int L, int r0, int r1, int D)
{
    const float scale = sqrtf((float)D);
    for (int b = 0; b < B; b++)
        for (int i = r0; i < r1; i++) {
            const size_t row = ((size_t)b * L + i) * D;
            const float *e = E + (size_t)ids[(size_t)b * L + i] * D, *pi = pe ? pe + (size_t)i * D : NULL;
            float *xi = x + row;
            for (int d = 0; d < D; d++) {
                const float v = e[d] * scale;
                if (emb) emb[row + d] = v;
                xi[d] = pi ? v + pi[d] : v;
            }
            if (mask)
                for (int d = 0; d < D; d++) xi[d] *= mask[row + d];
        }
}

/* forward: x = drop(E[id] * sqrt(D) + PE)  ->  dE[id] += dx * mask * sqrt(D) */
void nn_embed_backward(float *dE, const float *dx, const float *mask, const int *ids, int B, int L, int D)
{
    const float scale = sqrtf((float)D);
    for (size_t r = 0; r < (size_t)B * L; r++) {
        float *g = dE + (size_t)ids[r] * D;
        const float *dxr = dx + r * D, *mr = mask ? mask + r * D : NULL;
        if (mr)
            for (int d = 0; d < D; d++) g[d] += dxr[d] * mr[d] * scale;
        else
            for (int d = 0; d < D; d++) g[d] += dxr[d] * scale;
    }
}

/* ---------- multi-head attention ---------- */

/* out[j] = sum_d x[d] kt[d * n + j] for j < n, summed over d in order: the
 * dot products of one query with n keys (kt = the keys transposed, [K, n]),
 * 16 keys at a time in registers. */
HOT_CLONES static void dots_by_key(float *out, const float *x, const float *kt, int n, int K)
{
    int j0 = 0;
    for (; j0 + 16 <= n; j0 += 16) {
        float acc[16];
        for (int jj = 0; jj < 16; jj++) acc[jj] = 0.0f;
        for (int d = 0; d < K; d++) {
            const float xd = x[d];
            const float *r = kt + (size_t)d * n + j0;
            for (int jj = 0; jj < 16; jj++) acc[jj] += xd * r[jj];
        }
        for (int jj = 0; jj < 16; jj++) out[j0 + jj] = acc[jj];
    }
    if (j0 < n) { /* the last n - j0 < 16 keys, summed the same way */
        float acc[16];
        const int m = n - j0;
        for (int jj = 0; jj < 16; jj++) acc[jj] = 0.0f;
        for (int d = 0; d < K; d++) {
            const float xd = x[d];
            const float *r = kt + (size_t)d * n + j0;
            for (int jj = 0; jj < m; jj++) acc[jj] += xd * r[jj];
        }
        for (int jj = 0; jj < m; jj++) out[j0 + jj] = acc[jj];
    }
}

/* y[d] += sum_j c[j * cs] rows[j * rs + d] for d < K over the j < n with a[j * cs] != 0, j in order. */
HOT_CLONES static void weighted_rows(float *y, const float *c, const float *a, int cs, const float *rows, int rs, int n,
                                     int K)
{
    int d0 = 0;
    for (; d0 + 16 <= K; d0 += 16) {
        float acc[16];
        for (int dd = 0; dd < 16; dd++) acc[dd] = y[d0 + dd];
        for (int j = 0; j < n; j++) {
            if (a[(size_t)j * cs] == 0.0f) continue;
            const float cj = c[(size_t)j * cs];
            const float *r = rows + (size_t)j * rs + d0;
            for (int dd = 0; dd < 16; dd++) acc[dd] += cj * r[dd];
        }
        for (int dd = 0; dd < 16; dd++) y[d0 + dd] = acc[dd];
    }
    for (int d = d0; d < K; d++) {
        float acc = y[d];
        for (int j = 0; j < n; j++)
            if (a[(size_t)j * cs] != 0.0f) acc += c[(size_t)j * cs] * rows[(size_t)j * rs + d];
        y[d] = acc;
    }
}

/* kt[K, n] = the n rows of one head's keys (or values) [n, K], transposed. */
static void head_transpose(float *kt, const float *k, int n, int K)
{
    for (int j = 0; j < n; j++)
        for (int d = 0; d < K; d++) kt[(size_t)d * n + j] = k[(size_t)j * K + d];
}

HOT_CLONES void nn_attend_forward(trace_attn *a, float *keys, const nn_attn_shape *s)
{
    const int H = s->H, K = s->K, D = H * K, Lq = s->Lq, Lk = s->Lk, nk = s->nk;
    const float inv_sqrt_k = 1.0f / sqrtf((float)K);
    for (int b = 0; b < s->B; b++) {
        const int live = s->key_len ? s->key_len[b] : nk;
        for (int h = 0; h < H; h++) {
            const size_t hq = ((size_t)b * H + h) * Lq, hk = ((size_t)b * H + h) * Lk;
            const float *vh = a->v + hk * K;
            head_transpose(keys, a->k + hk * K, nk, K);
            for (int i = s->r0; i < s->r1; i++) {
                const size_t row = (hq + i) * Lk;
                float *w = a->weights + row;
                /* scores = q_i . k_j;  scaled = scores / sqrt(K);  masked = scaled, or -INFINITY on padded
                 * keys and (causal) the future;  weights = softmax(masked) */
                dots_by_key(w, a->q + (hq + i) * K, keys, nk, K);
                if (a->scores) {
                    for (int j = 0; j < nk; j++) {
                        a->scores[row + j] = w[j];
                        a->scaled[row + j] = w[j] * inv_sqrt_k;
                        a->masked[row + j] = (j >= live || (s->causal && j > i)) ? -INFINITY : w[j] * inv_sqrt_k;
                        w[j] = a->masked[row + j];
                    }
                    for (int j = nk; j < Lk; j++) {
                        a->scores[row + j] = a->scaled[row + j] = 0.0f;
                        a->masked[row + j] = -INFINITY;
                    }
                } else {
                    for (int j = 0; j < nk; j++)
                        w[j] = (j >= live || (s->causal && j > i)) ? -INFINITY : w[j] * inv_sqrt_k;
                }
                for (int j = nk; j < Lk; j++) w[j] = 0.0f;
                kern_softmax_rows(w, w, 1, nk);
                /* concat[i, hK..hK+K) = heads[h, i] = sum_j weights_ij v_j */
                float *o = a->concat + ((size_t)b * Lq + i) * D + (size_t)h * K;
                for (int d = 0; d < K; d++) o[d] = 0.0f;
                weighted_rows(o, w, w, 1, vh, K, nk, K);
                if (a->heads) memcpy(a->heads + (hq + i) * K, o, (size_t)K * sizeof(float));
            }
        }
    }
}

HOT_CLONES void nn_attend_backward(float *dq, float *dk, float *dv, float *keys, const float *dconcat,
                                   const trace_attn *a, const nn_attn_shape *s)
{
    const int H = s->H, K = s->K, D = H * K, Lq = s->Lq, Lk = s->Lk;
    const float inv_sqrt_k = 1.0f / sqrtf((float)K);
    float *vt = keys, *dsm = keys + (size_t)K * Lk; /* [K, Lk], [Lq, Lk] */
    for (int b = 0; b < s->B; b++)
        for (int h = 0; h < H; h++) {
            const size_t hq = ((size_t)b * H + h) * Lq, hk = ((size_t)b * H + h) * Lk;
            const float *wh = a->weights + hq * Lk, *doh = dconcat + (size_t)b * Lq * D + (size_t)h * K;
            head_transpose(vt, a->v + hk * K, Lk, K);
            for (int i = 0; i < Lq; i++) {
                const float *w = wh + (size_t)i * Lk, *doi = doh + (size_t)i * D;
                float *ds = dsm + (size_t)i * Lk;
                /* forward: concat_i = sum_j weights_ij v_j  ->  dweights_ij = dconcat_i . v_j */
                dots_by_key(ds, doi, vt, Lk, K);
                float dot = 0.0f; /* sum_j weights_ij dweights_ij */
                for (int j = 0; j < Lk; j++)
                    if (w[j] != 0.0f) dot += w[j] * ds[j]; /* masked: no gradient */
                /* forward: weights = softmax(masked)  ->  dmasked = weights * (dweights - dot)
                 * (kern_softmax_rows_backward, fused here);
                 * forward: scaled = q_i . k_j / sqrt(K)  ->  dq_i += dscaled_j k_j / sqrt(K) */
                for (int j = 0; j < Lk; j++) ds[j] = w[j] * (ds[j] - dot) * inv_sqrt_k;
                weighted_rows(dq + (hq + i) * K, ds, w, 1, a->k + hk * K, K, Lk, K);
            }
            /* dv_j += sum_i weights_ij dconcat_i;  dk_j += sum_i dscaled_ij q_i / sqrt(K) (in dsm), i in order */
            for (int j = 0; j < Lk; j++) {
                weighted_rows(dv + (hk + j) * K, wh + j, wh + j, Lk, doh, D, Lq, K);
                weighted_rows(dk + (hk + j) * K, dsm + j, wh + j, Lk, a->q + hq * K, K, Lq, K);
            }
        }
}

/* dst [B, H, L, K] rows [r0, r1) = columns [c0, c0 + D) of src, whose rows (ld apart) are the span's. */
static void split_heads(float *dst, const float *src, int ld, int c0, int B, int L, int r0, int r1, int H, int K)
{
    for (int b = 0; b < B; b++)
        for (int i = r0; i < r1; i++) {
            const float *s = src + ((size_t)b * L + i - r0) * ld + c0;
            for (int h = 0; h < H; h++) {
                float *d = dst + (((size_t)b * H + h) * L + i) * K;
                for (int e = 0; e < K; e++) d[e] = s[(size_t)h * K + e];
            }
        }
}

/* The inverse of split_heads over every row: dst columns [c0, c0 + D) (rows ld apart) = src [B, H, L, K]. */
static void merge_heads(float *dst, int ld, int c0, const float *src, int B, int L, int H, int K)
{
    for (int b = 0; b < B; b++)
        for (int i = 0; i < L; i++) {
            float *d = dst + ((size_t)b * L + i) * ld + c0;
            for (int h = 0; h < H; h++) {
                const float *s = src + (((size_t)b * H + h) * L + i) * K;
                for (int e = 0; e < K; e++) d[(size_t)h * K + e] = s[e];
            }
        }
}

/* Parts [first, first + count) of {q, k, v}, rows [r0, r1) of each sentence of L rows:
 * x W^T + b through the matching rows of in_proj, then split by head. scratch: [R, count * D]. */
static void project(trace_attn *a, float *scratch, const float *x, const model_attn_params *w,
                    const model_attn_params *wt, int first, int count, int B, int L, int r0, int r1, int H, int K)
{
    const int D = H * K, n = span_rows(B, L, r0, r1);
    linear_forward(scratch, x + (size_t)r0 * D, w->in_proj_weight + (size_t)first * D * D,
                   wt ? wt->in_proj_weight + (size_t)first * D : NULL, 3 * D, w->in_proj_bias + (size_t)first * D, n,
                   D, count * D);
    float *dst[3] = { a->q, a->k, a->v };
    for (int c = 0; c < count; c++) split_heads(dst[first + c], scratch, count * D, c * D, B, L, r0, r1, H, K);
}

void nn_attention_kv_forward(trace_attn *a, float *scratch, const float *xkv, const model_attn_params *w,
                             const model_attn_params *wt, const nn_attn_shape *s)
{
    project(a, scratch, xkv, w, wt, 1, 2, s->B, s->Lk, 0, s->nk, s->H, s->K);
}

void nn_attention_forward(trace_attn *a, float *scratch, float *keys, const float *xq, const float *xkv,
                          const model_attn_params *w, const model_attn_params *wt, const nn_attn_shape *s)
{
    const int D = s->H * s->K;
    /* q, k, v = x W_q^T + b_q, x W_k^T + b_k, x W_v^T + b_v, split by head */
    if (xkv == xq) {
        project(a, scratch, xq, w, wt, 0, 3, s->B, s->Lq, s->r0, s->r1, s->H, s->K);
    } else {
        project(a, scratch, xq, w, wt, 0, 1, s->B, s->Lq, s->r0, s->r1, s->H, s->K);
        if (xkv) nn_attention_kv_forward(a, scratch, xkv, w, wt, s);
    }
    nn_attend_forward(a, keys, s);
    /* the ablation trace_opts.zero of one head: its columns of concat are 0 (heads keeps what it computed) */
    for (int h = 0; h < s->H && s->zero_heads; h++) {
        if (!(s->zero_heads >> h & 1ull)) continue;
        for (int b = 0; b < s->B; b++)
            for (int i = s->r0; i < s->r1; i++)
                memset(a->concat + ((size_t)b * s->Lq + i) * D + (size_t)h * s->K, 0, (size_t)s->K * sizeof(float));
    }
    /* out = concat W_O^T + b_O */
    const size_t o = (size_t)s->r0 * D;
    linear_forward(a->out + o, a->concat + o, w->out_proj_weight, wt ? wt->out_proj_weight : NULL, D,
                   w->out_proj_bias, span_rows(s->B, s->Lq, s->r0, s->r1), D, D);
}

void nn_attention_backward(float *dxq, float *dxkv, model_attn_params *g, nn_grads *s, const float *dout,
                           const trace_attn *a, const float *xq, const float *xkv, const model_attn_params *w,
                           const nn_attn_shape *sh)
{
    const int H = sh->H, K = sh->K, D = H * K, B = sh->B;
    const int nq = B * sh->Lq, nkv = B * sh->Lk;
    /* forward: out = concat W_O^T + b_O */
    memset(s->dconcat, 0, (size_t)nq * D * sizeof(float));
    kern_linear_backward(s->dconcat, g->out_proj_weight, g->out_proj_bias, s->t, dout, a->concat, w->out_proj_weight,
                         nq, D, D);
    /* forward: weights = softmax(mask(q k^T / sqrt(K))); concat_i = sum_j weights_ij v_j */
    memset(s->dq, 0, (size_t)nq * D * sizeof(float));
    memset(s->dk, 0, (size_t)nkv * D * sizeof(float));
    memset(s->dv, 0, (size_t)nkv * D * sizeof(float));
    nn_attend_backward(s->dq, s->dk, s->dv, s->keys, s->dconcat, a, sh);
    /* forward: q, k, v = x W_q^T + b_q, x W_k^T + b_k, x W_v^T + b_v, split by head */
    if (xkv == xq) {
        merge_heads(s->dpacked, 3 * D, 0, s->dq, B, sh->Lq, H, K);
        merge_heads(s->dpacked, 3 * D, D, s->dk, B, sh->Lq, H, K);
        merge_heads(s->dpacked, 3 * D, 2 * D, s->dv, B, sh->Lq, H, K);
        kern_linear_backward(dxq, g->in_proj_weight, g->in_proj_bias, s->t, s->dpacked, xq, w->in_proj_weight, nq, D,
                             3 * D);
        return;
    }
    merge_heads(s->dpacked, D, 0, s->dq, B, sh->Lq, H, K);
    kern_linear_backward(dxq, g->in_proj_weight, g->in_proj_bias, s->t, s->dpacked, xq, w->in_proj_weight, nq, D, D);
    merge_heads(s->dpacked, 2 * D, 0, s->dk, B, sh->Lk, H, K);
    merge_heads(s->dpacked, 2 * D, D, s->dv, B, sh->Lk, H, K);
    kern_linear_backward(dxkv, g->in_proj_weight + (size_t)D * D, g->in_proj_bias + D, s->t, s->dpacked, xkv,
                         w->in_proj_weight + (size_t)D * D, nkv, D, 2 * D);
}

/* ---------- add & norm ---------- */

void nn_addnorm_forward(trace_addnorm *a, const float *x, const float *sub, const float *g, const float *b, int r,
                        int n, int D, float eps)
{
    const size_t o = (size_t)r * D, e = o + (size_t)n * D;
    if (!x) /* the ablation "no residual" */
        memcpy(a->sum + o, sub + o, (size_t)n * D * sizeof(float));
    else if (a->mask)
        for (size_t i = o; i < e; i++) a->sum[i] = x[i] + sub[i] * a->mask[i];
    else
        for (size_t i = o; i < e; i++) a->sum[i] = x[i] + sub[i];
    if (g) {
        kern_layernorm(a->out + o, a->mean + r, a->std + r, a->sum + o, g, b, n, D, eps);
        return;
    }
    /* the ablation "no LayerNorm": the sum goes on as it is */
    memcpy(a->out + o, a->sum + o, (size_t)n * D * sizeof(float));
    for (int i = r; i < r + n; i++) {
        a->mean[i] = 0.0f;
        a->std[i] = 1.0f;
    }
}

const float *nn_addnorm_backward(float *dsum, float *dsub_buf, float *dg, float *db, const float *dout,
                                 const trace_addnorm *a, const float *g, int n, int D)
{
    const size_t count = (size_t)n * D;
    /* forward: out = LN(sum) */
    memset(dsum, 0, count * sizeof(float));
    kern_layernorm_backward(dsum, dg, db, dout, a->sum, a->mean, a->std, g, n, D);
    /* forward: sum = x + drop(sub)  ->  dx = dsum (the caller's residual path); dsub = dsum * mask */
    if (!a->mask) return dsum;
    for (size_t i = 0; i < count; i++) dsub_buf[i] = dsum[i] * a->mask[i];
    return dsub_buf;
}

/* ---------- feed-forward ---------- */

void nn_ffn_forward(trace_ffn *f, const float *x, const float *w1, const float *wt1, const float *b1, const float *w2,
                    const float *wt2, const float *b2, int r, int n, int D, int F)
{
    float *hid = f->hidden + (size_t)r * F;
    linear_forward(hid, x + (size_t)r * D, w1, wt1, F, b1, n, D, F);
    kern_relu(hid, hid, n * F);
    linear_forward(f->out + (size_t)r * D, hid, w2, wt2, D, b2, n, F, D);
}

void nn_ffn_backward(float *dx, float *dw1, float *db1, float *dw2, float *db2, nn_grads *s, const float *dout,
                     const trace_ffn *f, const float *x, const float *w1, const float *w2, int n, int D, int F)
{
    const size_t nf = (size_t)n * F;
    /* forward: out = hidden W2^T + b2 */
    memset(s->dhid, 0, nf * sizeof(float));
    kern_linear_backward(s->dhid, dw2, db2, s->t, dout, f->hidden, w2, n, F, D);
    /* forward: hidden = max(0, pre) */
    memset(s->dpre, 0, nf * sizeof(float));
    kern_relu_backward(s->dpre, s->dhid, f->hidden, (int)nf);
    /* forward: pre = x W1^T + b1 */
    kern_linear_backward(dx, dw1, db1, s->t, s->dpre, x, w1, n, D, F);
}

/* ---------- the encoder ---------- */

/* out = LN(x) (encoder.norm / decoder.norm) when the model has one, else a copy of x. */
static void final_norm_forward(float *out, float *mean, float *std, const float *x, const float *g, const float *b,
                               int r, int n, int D, float eps)
{
    const size_t o = (size_t)r * D;
    if (g)
        kern_layernorm(out + o, mean + r, std + r, x + o, g, b, n, D, eps);
    else
        memcpy(out + o, x + o, (size_t)n * D * sizeof(float));
}

/* ---------- the ablations of trace_opts (the app's "break it" experiments) ---------- */

static int ablates(const trace_part *a, int sub, int layer) { return a->sub == sub && a->layer == layer; }

/* The heads of sub-layer `sub` of `layer` whose output opts zero, as nn_attn_shape.zero_heads. */
static unsigned long long ablated_heads(const trace_opts *o, int sub, int layer)
{
    return ablates(&o->zero, sub, layer) && o->zero.head >= 0 && o->zero.head < 64 ? 1ull << o->zero.head : 0;
}

/* Rows [r, r + n) of sub-layer `sub`'s output `out` [R, D], replaced by 0 when opts zero the whole sub-layer. */
static void ablate_output(float *out, const trace_opts *o, int sub, int layer, int r, int n, int D)
{
    if (ablates(&o->zero, sub, layer) && o->zero.head < 0) memset(out + (size_t)r * D, 0, (size_t)n * D * sizeof(float));
}

/* The Add & Norm after sub-layer `sub` of `layer`: nn_addnorm_forward without the residual or the
 * LayerNorm when opts say so. */
static void addnorm_forward(trace_addnorm *a, const float *x, float *out, const float *g, const float *b,
                            const trace_opts *o, int sub, int layer, int r, int n, int D, float eps)
{
    ablate_output(out, o, sub, layer, r, n, D);
    nn_addnorm_forward(a, ablates(&o->no_residual, sub, layer) ? NULL : x, out, ablates(&o->no_norm, sub, layer) ? NULL : g,
                       b, r, n, D, eps);
}

void nn_encoder_forward(trace *t, const model_params *p, const int *src_ids, const nn_shape *s)
{
    const model_config *c = &p->cfg;
    const trace_opts *o = &t->opts;
    const int D = c->d_model, F = c->d_ff, H = c->n_heads, n = span_rows(s->B, s->Ls, 0, s->ns);
    nn_attn_shape as = { s->B, s->Ls, s->Ls, 0, s->ns, s->ns, s->src_len, 0, H, D / H, 0 };
    nn_embed_forward(t->enc_x, t->enc_embed, t->enc_mask, src_ids, o->no_pe & TRACE_PE_ENC ? NULL : t->enc_pe,
                     p->embedding, s->B, s->Ls, 0, s->ns, D);
    const float *x = t->enc_x;
    for (int l = 0; l < c->n_enc_layers; l++) {
        const model_enc_layer *w = &p->enc[l], *wt = s->wt ? &s->wt->enc[l] : NULL;
        trace_enc_layer *e = &t->enc[l];
        memcpy(e->input, x, (size_t)n * D * sizeof(float));
        as.zero_heads = ablated_heads(o, TRACE_SUB_ENC_SELF, l);
        nn_attention_forward(&e->self, t->scratch, t->keys, e->input, e->input, &w->self_attn,
                             wt ? &wt->self_attn : NULL, &as);
        addnorm_forward(&e->norm1, e->input, e->self.out, w->norm1_weight, w->norm1_bias, o, TRACE_SUB_ENC_SELF, l, 0,
                        n, D, c->ln_eps);
        nn_ffn_forward(&e->ffn, e->norm1.out, w->linear1_weight, wt ? wt->linear1_weight : NULL, w->linear1_bias,
                       w->linear2_weight, wt ? wt->linear2_weight : NULL, w->linear2_bias, 0, n, D, F);
        addnorm_forward(&e->norm2, e->norm1.out, e->ffn.out, w->norm2_weight, w->norm2_bias, o, TRACE_SUB_ENC_FFN, l,
                        0, n, D, c->ln_eps);
        x = e->norm2.out;
    }
    final_norm_forward(t->memory, t->enc_norm_mean, t->enc_norm_std, x, p->enc_norm_weight, p->enc_norm_bias, 0, n,
                       D, c->ln_eps);
}

/* Walks one encoder layer back: dout = d(norm2.out) in, returns d(input) (one of s->dres, s->dres2). */
static float *encoder_layer_backward(model_enc_layer *g, nn_grads *s, float *dout, const trace_enc_layer *e,
                                     const model_enc_layer *w, const nn_attn_shape *as, int n, int D, int F)
{
    float *dn1 = dout == s->dres ? s->dres2 : s->dres;
    /* forward: norm2.out = LN(norm1.out + drop(ffn.out)) */
    const float *dsub = nn_addnorm_backward(dn1, s->dsub, g->norm2_weight, g->norm2_bias, dout, &e->norm2,
                                            w->norm2_weight, n, D);
    /* forward: ffn.out = FFN(norm1.out) */
    nn_ffn_backward(dn1, g->linear1_weight, g->linear1_bias, g->linear2_weight, g->linear2_bias, s, dsub, &e->ffn,
                    e->norm1.out, w->linear1_weight, w->linear2_weight, n, D, F);
    /* forward: norm1.out = LN(input + drop(self.out)) */
    float *din = dout;
    dsub = nn_addnorm_backward(din, s->dsub, g->norm1_weight, g->norm1_bias, dn1, &e->norm1, w->norm1_weight, n, D);
    /* forward: self.out = MHA(input, input, input) */
    nn_attention_backward(din, din, &g->self_attn, s, dsub, &e->self, e->input, e->input, &w->self_attn, as);
    return din;
}

void nn_encoder_backward(model_params *g, nn_grads *s, const trace *t, const model_params *p, const int *src_ids,
                         const nn_shape *sh)
{
    const model_config *c = &p->cfg;
    const int D = c->d_model, F = c->d_ff, H = c->n_heads, n = sh->B * sh->Ls;
    const nn_attn_shape as = { sh->B, sh->Ls, sh->Ls, 0, sh->Ls, sh->Ls, sh->src_len, 0, H, D / H, 0 };
    const int NL = c->n_enc_layers;
    float *cur = s->dres;
    if (p->enc_norm_weight) {
        /* forward: memory = LN(x) (encoder.norm) */
        const float *x = NL > 0 ? t->enc[NL - 1].norm2.out : t->enc_x;
        memset(cur, 0, (size_t)n * D * sizeof(float));
        kern_layernorm_backward(cur, g->enc_norm_weight, g->enc_norm_bias, s->dmem, x, t->enc_norm_mean,
                                t->enc_norm_std, p->enc_norm_weight, n, D);
    } else {
        memcpy(cur, s->dmem, (size_t)n * D * sizeof(float));
    }
    for (int l = NL - 1; l >= 0; l--)
        cur = encoder_layer_backward(&g->enc[l], s, cur, &t->enc[l], &p->enc[l], &as, n, D, F);
    /* forward: enc_x = drop(E[src] * sqrt(D) + PE) */
    nn_embed_backward(g->embedding, cur, t->enc_mask, src_ids, sh->B, sh->Ls, D);
}

/* ---------- the decoder ---------- */

void nn_memory_forward(trace *t, const model_params *p, const nn_shape *s)
{
    const int D = p->cfg.d_model, H = p->cfg.n_heads;
    const nn_attn_shape as = { s->B, s->Lt, s->Ls, 0, 0, s->ns, s->src_len, 0, H, D / H, 0 };
    for (int l = 0; l < p->cfg.n_dec_layers; l++)
        nn_attention_kv_forward(&t->dec[l].cross, t->scratch, t->memory, &p->dec[l].cross_attn,
                                s->wt ? &s->wt->dec[l].cross_attn : NULL, &as);
}

void nn_decoder_forward(trace *t, const model_params *p, const int *tgt_ids, int r0, int r1, int causal,
                        const nn_shape *s)
{
    const model_config *c = &p->cfg;
    const int D = c->d_model, F = c->d_ff, H = c->n_heads, V = c->vocab_size;
    const int n = span_rows(s->B, s->Lt, r0, r1);
    const size_t o = (size_t)r0 * D;
    const trace_opts *op = &t->opts;
    nn_attn_shape self = { s->B, s->Lt, s->Lt, r0, r1, r1, s->tgt_len, causal, H, D / H, 0 };
    nn_attn_shape cross = { s->B, s->Lt, s->Ls, r0, r1, s->ns, s->src_len, 0, H, D / H, 0 };
    nn_embed_forward(t->dec_x, t->dec_embed, t->dec_mask, tgt_ids, op->no_pe & TRACE_PE_DEC ? NULL : t->dec_pe,
                     p->embedding, s->B, s->Lt, r0, r1, D);
    const float *x = t->dec_x;
    for (int l = 0; l < c->n_dec_layers; l++) {
        const model_dec_layer *w = &p->dec[l], *wt = s->wt ? &s->wt->dec[l] : NULL;
        trace_dec_layer *d = &t->dec[l];
        memcpy(d->input + o, x + o, (size_t)n * D * sizeof(float));
        self.zero_heads = ablated_heads(op, TRACE_SUB_DEC_SELF, l);
        nn_attention_forward(&d->self, t->scratch, t->keys, d->input, d->input, &w->self_attn,
                             wt ? &wt->self_attn : NULL, &self);
        addnorm_forward(&d->norm1, d->input, d->self.out, w->norm1_weight, w->norm1_bias, op, TRACE_SUB_DEC_SELF, l,
                        r0, n, D, c->ln_eps);
        cross.zero_heads = ablated_heads(op, TRACE_SUB_DEC_CROSS, l);
        nn_attention_forward(&d->cross, t->scratch, t->keys, d->norm1.out, NULL, &w->cross_attn,
                             wt ? &wt->cross_attn : NULL, &cross);
        addnorm_forward(&d->norm2, d->norm1.out, d->cross.out, w->norm2_weight, w->norm2_bias, op,
                        TRACE_SUB_DEC_CROSS, l, r0, n, D, c->ln_eps);
        nn_ffn_forward(&d->ffn, d->norm2.out, w->linear1_weight, wt ? wt->linear1_weight : NULL, w->linear1_bias,
                       w->linear2_weight, wt ? wt->linear2_weight : NULL, w->linear2_bias, r0, n, D, F);
        addnorm_forward(&d->norm3, d->norm2.out, d->ffn.out, w->norm3_weight, w->norm3_bias, op, TRACE_SUB_DEC_FFN, l,
                        r0, n, D, c->ln_eps);
        x = d->norm3.out;
    }
    final_norm_forward(t->dec_out, t->dec_norm_mean, t->dec_norm_std, x, p->dec_norm_weight, p->dec_norm_bias, r0, n,
                       D, c->ln_eps);
    /* logits = dec_out E^T; probs = softmax(logits) */
    linear_forward(t->logits + (size_t)r0 * V, t->dec_out + o, p->embedding, s->wt ? s->wt->embedding : NULL, V, NULL,
                   n, D, V);
    if (t->probs) kern_softmax_rows(t->probs + (size_t)r0 * V, t->logits + (size_t)r0 * V, n, V);
}

/* Walks one decoder layer back: dout = d(norm3.out) in, returns d(input); adds d(memory) into s->dmem. */
static float *decoder_layer_backward(model_dec_layer *g, nn_grads *s, float *dout, const trace_dec_layer *d,
                                     const float *memory, const model_dec_layer *w, const nn_attn_shape *self,
                                     const nn_attn_shape *cross, int n, int D, int F)
{
    float *dn = dout == s->dres ? s->dres2 : s->dres;
    /* forward: norm3.out = LN(norm2.out + drop(ffn.out)) */
    const float *dsub = nn_addnorm_backward(dn, s->dsub, g->norm3_weight, g->norm3_bias, dout, &d->norm3,
                                            w->norm3_weight, n, D);
    /* forward: ffn.out = FFN(norm2.out) */
    nn_ffn_backward(dn, g->linear1_weight, g->linear1_bias, g->linear2_weight, g->linear2_bias, s, dsub, &d->ffn,
                    d->norm2.out, w->linear1_weight, w->linear2_weight, n, D, F);
    /* forward: norm2.out = LN(norm1.out + drop(cross.out)) */
    dsub = nn_addnorm_backward(dout, s->dsub, g->norm2_weight, g->norm2_bias, dn, &d->norm2, w->norm2_weight, n, D);
    /* forward: cross.out = MHA(norm1.out, memory, memory) */
    nn_attention_backward(dout, s->dmem, &g->cross_attn, s, dsub, &d->cross, d->norm1.out, memory, &w->cross_attn,
                          cross);
    /* forward: norm1.out = LN(input + drop(self.out)) */
    dsub = nn_addnorm_backward(dn, s->dsub, g->norm1_weight, g->norm1_bias, dout, &d->norm1, w->norm1_weight, n, D);
    /* forward: self.out = MHA_causal(input, input, input) */
    nn_attention_backward(dn, dn, &g->self_attn, s, dsub, &d->self, d->input, d->input, &w->self_attn, self);
    return dn;
}

void nn_decoder_backward(model_params *g, nn_grads *s, const float *dlogits, const trace *t, const model_params *p,
                         const int *tgt_ids, const nn_shape *sh)
{
    const model_config *c = &p->cfg;
    const int D = c->d_model, F = c->d_ff, H = c->n_heads, V = c->vocab_size, NL = c->n_dec_layers;
    const int n = sh->B * sh->Lt;
    const nn_attn_shape self = { sh->B, sh->Lt, sh->Lt, 0, sh->Lt, sh->Lt, sh->tgt_len, 1, H, D / H, 0 };
    const nn_attn_shape cross = { sh->B, sh->Lt, sh->Ls, 0, sh->Lt, sh->Ls, sh->src_len, 0, H, D / H, 0 };
    float *cur = s->dres;
    /* forward: logits = dec_out E^T */
    memset(cur, 0, (size_t)n * D * sizeof(float));
    kern_linear_backward(cur, g->embedding, NULL, s->t, dlogits, t->dec_out, p->embedding, n, D, V);
    if (p->dec_norm_weight) {
        /* forward: dec_out = LN(y) (decoder.norm) */
        const float *y = NL > 0 ? t->dec[NL - 1].norm3.out : t->dec_x;
        float *dy = s->dres2;
        memset(dy, 0, (size_t)n * D * sizeof(float));
        kern_layernorm_backward(dy, g->dec_norm_weight, g->dec_norm_bias, cur, y, t->dec_norm_mean, t->dec_norm_std,
                                p->dec_norm_weight, n, D);
        cur = dy;
    }
    memset(s->dmem, 0, (size_t)sh->B * sh->Ls * D * sizeof(float));
    for (int l = NL - 1; l >= 0; l--)
        cur = decoder_layer_backward(&g->dec[l], s, cur, &t->dec[l], t->memory, &p->dec[l], &self, &cross, n, D, F);
    /* forward: dec_x = drop(E[tgt] * sqrt(D) + PE) */
    nn_embed_backward(g->embedding, cur, t->dec_mask, tgt_ids, sh->B, sh->Lt, D);
}
