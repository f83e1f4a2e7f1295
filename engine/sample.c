/* sample.c - temperature and top-k sampling (see sample.h): the
 * distribution, one draw, and a sampled translation through model.c's one
 * decoding loop (model_decode_ids with a picker).
 * Must not: print, exit, or hold global state.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "sample.h"
#include "errmsg.h"

int sample_distribution(const float *logits, int V, double temperature, int top_k, double *dist)
{
    if (!(temperature >= SAMPLE_T_MIN && temperature <= SAMPLE_T_MAX) || V < 1) return -1;
    const int k = top_k <= 0 || top_k > V ? V : top_k;
    /* keep the k largest: pick the largest not yet kept, k times (dist marks the kept ones with 1) */
    for (int v = 0; v < V; v++) dist[v] = 0.0;
    double mx = -INFINITY;
    for (int n = 0; n < k; n++) {
        int best = -1;
        for (int v = 0; v < V; v++)
            if (dist[v] == 0.0 && (best < 0 || logits[v] > logits[best])) best = v;
        dist[best] = 1.0;
        if (n == 0) mx = logits[best];
    }
    /* softmax of logits / T over the kept ones, shifted by the largest for range */
    double z = 0.0;
    for (int v = 0; v < V; v++)
        if (dist[v] != 0.0) z += dist[v] = exp(((double)logits[v] - mx) / temperature);
    for (int v = 0; v < V; v++) dist[v] /= z;
    return k;
}

int sample_draw(const double *dist, int V, double u)
{
    double run = 0.0;
    int last = 0;
    for (int v = 0; v < V; v++) {
        if (dist[v] <= 0.0) continue;
        last = v;
        run += dist[v];
        if (u < run) return v;
    }
    return last;
}

typedef struct {
    double temperature;
    int top_k;
    uint64_t rng;
    double *dist;  /* [V] */
} sampler;

static int pick_sample(const float *logits, int V, void *user)
{
    sampler *s = user;
    if (sample_distribution(logits, V, s->temperature, s->top_k, s->dist) < 0) return -1;
    return sample_draw(s->dist, V, rng_uniform(&s->rng));
}

int sample_translate(const model_params *p, const int *src_ids, int n_src, double temperature, int top_k,
                     uint64_t seed, trace *t, char *err, size_t err_len)
{
    if (!(temperature >= SAMPLE_T_MIN && temperature <= SAMPLE_T_MAX)) {
        if (err && err_len)
            snprintf(err, err_len, N_("sampling: temperature %g is outside %g..%g"), temperature, SAMPLE_T_MIN, SAMPLE_T_MAX);
        return -1;
    }
    if (!p || !p->memory) {
        if (err && err_len) snprintf(err, err_len, N_("sampling: no model loaded"));
        return -1;
    }
    sampler s = {temperature, top_k, rng_mix(seed), malloc((size_t)p->cfg.vocab_size * sizeof(double))};
    if (!s.dist) {
        if (err && err_len) snprintf(err, err_len, N_("sampling: out of memory"));
        return -1;
    }
    const int rc = model_decode_ids(p, src_ids, n_src, NULL, pick_sample, &s, t, err, err_len);
    free(s.dist);
    return rc;
}
