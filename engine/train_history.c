/* train_history.c - the bounded record of a training run (curves, evaluations,
 * weight snapshots) and its file; see train_history.h and
 * docs/training-history.md. Plain data: the caller does any locking.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "train_history.h"
#include "errmsg.h"

#define HIST_MAGIC "TLABHIST"
#define HIST_VERSION 1u

static int fail(char *err, size_t n, const char *msg)
{
    if (err && n) snprintf(err, n, "%s", msg);
    return -1;
}

int train_history_init(train_history *h, const model_config *cfg, const train_options *opt, int cap_points,
                       int cap_evals, int cap_snaps, long snap_every, char *err, size_t err_len)
{
    memset(h, 0, sizeof *h);
    if (cap_points < 2 || cap_evals < 2 || cap_snaps < 0 || (cap_snaps > 0 && cap_snaps < 2) ||
        snap_every < 1)
        return fail(err, err_len, N_("history capacities: points and evaluations >= 2, snapshots 0 or >= 2"));
    model_params p;
    if (model_params_init(&p, cfg) != 0) return fail(err, err_len, N_("bad model sizes for the history"));
    h->n_floats = p.n_floats;
    model_params_free(&p);
    h->cfg = *cfg;
    h->opt = *opt;
    h->cap_points = cap_points;
    h->cap_evals = cap_evals;
    h->cap_snaps = cap_snaps;
    h->points = calloc((size_t)cap_points, sizeof *h->points);
    h->evals = calloc((size_t)cap_evals, sizeof *h->evals);
    h->snaps = calloc((size_t)(cap_snaps > 0 ? cap_snaps : 1), sizeof *h->snaps);
    if (cap_snaps > 0) h->snap_block = malloc((size_t)cap_snaps * h->n_floats * sizeof(float));
    if (!h->points || !h->evals || !h->snaps || (cap_snaps > 0 && !h->snap_block)) {
        train_history_free(h);
        return fail(err, err_len, N_("out of memory for the training history"));
    }
    train_history_clear(h, snap_every);
    return 0;
}

void train_history_free(train_history *h)
{
    if (!h) return;
    free(h->points);
    free(h->evals);
    free(h->snaps);
    free(h->snap_block);
    memset(h, 0, sizeof *h);
}

void train_history_clear(train_history *h, long first_snap_every)
{
    h->n_points = h->n_evals = h->n_snaps = 0;
    h->point_merge = 1;
    h->acc_loss = h->acc_lr = 0.0;
    h->acc_n = 0;
    h->eval_stride = 1;
    h->evals_offered = 0;
    h->snap_every = first_snap_every > 0 ? first_snap_every : 1;
    for (int i = 0; i < h->cap_snaps; i++) h->snaps[i].weights = h->snap_block + (size_t)i * h->n_floats;
}

void train_history_add_step(train_history *h, long step, double loss, double lr)
{
    h->acc_loss += loss;
    h->acc_lr += lr;
    if (++h->acc_n < h->point_merge) return;
    if (h->n_points == h->cap_points) { /* merge neighbours: half the points, twice the steps each */
        int j = 0;
        for (int i = 0; i + 1 < h->n_points; i += 2, j++) {
            const train_hist_point a = h->points[i], b = h->points[i + 1];
            h->points[j] = (train_hist_point){b.step, 0.5f * (a.loss + b.loss), 0.5f * (a.lr + b.lr)};
        }
        if (h->n_points % 2) h->points[j++] = h->points[h->n_points - 1];
        h->n_points = j;
        h->point_merge *= 2;
    }
    h->points[h->n_points++] = (train_hist_point){step, (float)(h->acc_loss / h->acc_n), (float)(h->acc_lr / h->acc_n)};
    h->acc_loss = h->acc_lr = 0.0;
    h->acc_n = 0;
}

void train_history_add_eval(train_history *h, long step, double val_loss, double exact, double tok_acc)
{
    if (h->evals_offered++ % h->eval_stride != 0) return;
    if (h->n_evals == h->cap_evals) { /* keep every other one, then accept every second offer */
        int j = 0;
        for (int i = 0; i < h->n_evals; i += 2) h->evals[j++] = h->evals[i];
        h->n_evals = j;
        h->eval_stride *= 2;
        h->evals_offered = 1;
    }
    h->evals[h->n_evals++] = (train_hist_eval){step, (float)val_loss, (float)exact, (float)tok_acc};
}

int train_history_snapshot_due(const train_history *h, long step)
{
    return h->cap_snaps > 0 && step % h->snap_every == 0;
}

static float last_exact_at(const train_history *h, long step)
{
    float e = -1.0f;
    for (int i = 0; i < h->n_evals && h->evals[i].step <= step; i++) e = h->evals[i].exact;
    return e;
}

/* When full: drops the snapshot i (not the first) whose neighbours are
 * closest on a log scale, step[i+1] / step[i-1] (step 0 counts as half the
 * snapshot interval), with step[n] = the new one: the kept steps end up
 * roughly evenly spaced on a log scale, so the fast early change stays
 * visible in the time-lapse. */
static void drop_one_snapshot(train_history *h, long new_step)
{
    int best = h->n_snaps - 1;
    double best_r = INFINITY;
    const double floor_step = 0.5 * (double)h->snap_every;
    for (int i = 1; i < h->n_snaps; i++) {
        const long next = i + 1 < h->n_snaps ? h->snaps[i + 1].step : new_step;
        const double prev = fmax((double)h->snaps[i - 1].step, floor_step);
        const double ratio = (double)next / prev;
        if (ratio < best_r) best_r = ratio, best = i;
    }
    train_hist_snap gone = h->snaps[best]; /* its weight buffer moves to the end, it is not freed */
    memmove(&h->snaps[best], &h->snaps[best + 1], (size_t)(h->n_snaps - best - 1) * sizeof *h->snaps);
    h->snaps[--h->n_snaps] = gone;
}

void train_history_add_snapshot(train_history *h, long step, const float *w)
{
    if (h->cap_snaps <= 0) return;
    if (h->n_snaps > 0 && h->snaps[h->n_snaps - 1].step == step) h->n_snaps--; /* taken again: replace */
    if (h->n_snaps == h->cap_snaps) drop_one_snapshot(h, step);
    train_hist_snap *s = &h->snaps[h->n_snaps++];
    s->step = step;
    s->exact = last_exact_at(h, step);
    memcpy(s->weights, w, h->n_floats * sizeof(float));
}

int train_history_copy_meta(train_history *dst, const train_history *src)
{
    if (dst->cap_points < src->cap_points || dst->cap_evals < src->cap_evals || dst->cap_snaps < src->cap_snaps ||
        !dst->points) {
        free(dst->points);
        free(dst->evals);
        free(dst->snaps);
        free(dst->snap_block);
        memset(dst, 0, sizeof *dst);
        dst->points = calloc((size_t)src->cap_points, sizeof *dst->points);
        dst->evals = calloc((size_t)src->cap_evals, sizeof *dst->evals);
        dst->snaps = calloc((size_t)(src->cap_snaps > 0 ? src->cap_snaps : 1), sizeof *dst->snaps);
        if (!dst->points || !dst->evals || !dst->snaps) {
            train_history_free(dst);
            return -1;
        }
    }
    train_hist_point *p = dst->points;
    train_hist_eval *e = dst->evals;
    train_hist_snap *s = dst->snaps;
    *dst = *src;
    dst->points = p;
    dst->evals = e;
    dst->snaps = s;
    dst->snap_block = NULL;
    memcpy(p, src->points, (size_t)src->n_points * sizeof *p);
    memcpy(e, src->evals, (size_t)src->n_evals * sizeof *e);
    for (int i = 0; i < src->n_snaps; i++) s[i] = (train_hist_snap){src->snaps[i].step, src->snaps[i].exact, NULL};
    return 0;
}

/* ---- The file ---------------------------------------------------------- */

/* IEEE half precision, round to nearest even; weights are small, so values
 * beyond the half range saturate to +-65504 and NaN stays NaN. */
static uint16_t f32_to_f16(float f)
{
    uint32_t x;
    memcpy(&x, &f, 4);
    const uint32_t sign = (x >> 16) & 0x8000u;
    if ((x & 0x7fffffffu) > 0x7f800000u) return (uint16_t)(sign | 0x7e00u);
    int e = (int)((x >> 23) & 0xff) - 127 + 15;
    uint32_t m = x & 0x7fffffu;
    if (e >= 31) return (uint16_t)(sign | 0x7bffu);
    if (e <= 0) {                                    /* subnormal half, or zero */
        if (e < -10) return (uint16_t)sign;
        m |= 0x800000u;
        const int shift = 14 - e;
        uint32_t h = m >> shift, rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (h & 1u))) h++;
        return (uint16_t)(sign | h);
    }
    uint32_t h = ((uint32_t)e << 10) | (m >> 13), rem = m & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) h++; /* may carry into the exponent: still right */
    if (h >= 0x7c00u) h = 0x7bffu;
    return (uint16_t)(sign | h);
}

static float f16_to_f32(uint16_t h)
{
    const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    const int e = (h >> 10) & 0x1f;
    const uint32_t m = h & 0x3ffu;
    float v;
    if (e == 0) v = ldexpf((float)m, -24);
    else if (e == 31) v = m ? NAN : INFINITY;
    else v = ldexpf((float)(m | 0x400u), e - 25);
    uint32_t x;
    memcpy(&x, &v, 4);
    x |= sign;
    memcpy(&v, &x, 4);
    return v;
}

typedef struct {
    unsigned char *p;
    size_t len, cap;
} hist_buf;

static void put_bytes(hist_buf *b, const void *src, size_t n)
{
    if (b->len + n <= b->cap) memcpy(b->p + b->len, src, n);
    b->len += n;
}
static void put_u32(hist_buf *b, uint32_t v)
{
    const unsigned char c[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                                (unsigned char)(v >> 24)};
    put_bytes(b, c, 4);
}
static void put_u64(hist_buf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}
static void put_f32(hist_buf *b, float f)
{
    uint32_t x;
    memcpy(&x, &f, 4);
    put_u32(b, x);
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

static void put_header(hist_buf *b, const train_history *h)
{
    const model_config *c = &h->cfg;
    const train_options *o = &h->opt;
    put_bytes(b, HIST_MAGIC, 8);
    put_u32(b, HIST_VERSION);
    const int sizes[8] = {c->d_model, c->n_heads, c->n_enc_layers, c->n_dec_layers, c->d_ff, c->vocab_size,
                          c->max_len, c->has_final_norm};
    for (int i = 0; i < 8; i++) put_u32(b, (uint32_t)sizes[i]);
    put_f32(b, c->ln_eps);
    put_u32(b, (uint32_t)o->batch);
    put_u32(b, (uint32_t)o->warmup);
    const float f[6] = {o->lr_scale, o->label_smoothing, o->dropout, o->beta1, o->beta2, o->adam_eps};
    for (int i = 0; i < 6; i++) put_f32(b, f[i]);
    put_u64(b, o->seed);
    put_u64(b, h->n_floats);
    put_u32(b, (uint32_t)h->n_points);
    put_u32(b, (uint32_t)h->n_evals);
    put_u32(b, (uint32_t)h->n_snaps);
    put_u32(b, (uint32_t)h->point_merge);
    put_u32(b, (uint32_t)h->eval_stride);
    put_u64(b, (uint64_t)h->snap_every);
}

static void put_all(hist_buf *b, const train_history *h)
{
    put_header(b, h);
    for (int i = 0; i < h->n_points; i++) {
        put_u64(b, (uint64_t)h->points[i].step);
        put_f32(b, h->points[i].loss);
        put_f32(b, h->points[i].lr);
    }
    for (int i = 0; i < h->n_evals; i++) {
        put_u64(b, (uint64_t)h->evals[i].step);
        put_f32(b, h->evals[i].val_loss);
        put_f32(b, h->evals[i].exact);
        put_f32(b, h->evals[i].tok_acc);
    }
    for (int i = 0; i < h->n_snaps; i++) {
        put_u64(b, (uint64_t)h->snaps[i].step);
        put_f32(b, h->snaps[i].exact);
        for (size_t k = 0; k < h->n_floats; k++) {
            const uint16_t v = f32_to_f16(h->snaps[i].weights[k]);
            const unsigned char c[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
            put_bytes(b, c, 2);
        }
    }
}

int train_history_save(const train_history *h, const char *path, int afile_mode_new, char *err, size_t err_len)
{
    hist_buf b = {0};
    put_all(&b, h);                     /* measures */
    b.cap = b.len + 8;
    b.p = malloc(b.cap);
    if (!b.p) return fail(err, err_len, N_("out of memory for the training history file"));
    b.len = 0;
    put_all(&b, h);
    put_u64(&b, fnv1a(b.p, b.len));
    const int rc = afile_write(path, afile_mode_new ? AFILE_NEW : AFILE_REPLACE, b.p, b.len, err, err_len);
    free(b.p);
    return rc;
}

/* ---- Reading ---- */

typedef struct {
    const unsigned char *p;
    size_t len, pos;
    int bad;
} hist_rd;

static uint32_t get_u32(hist_rd *r)
{
    if (r->pos + 4 > r->len) { r->bad = 1; return 0; }
    const unsigned char *c = r->p + r->pos;
    r->pos += 4;
    return (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 | (uint32_t)c[3] << 24;
}
static uint64_t get_u64(hist_rd *r)
{
    const uint64_t lo = get_u32(r);
    return lo | (uint64_t)get_u32(r) << 32;
}
static float get_f32(hist_rd *r)
{
    const uint32_t x = get_u32(r);
    float f;
    memcpy(&f, &x, 4);
    return f;
}

/* The header into cfg, opt and the counts. 0, or -1 with a message. */
static int get_header(hist_rd *r, model_config *c, train_options *o, uint64_t *nf, uint32_t n[5], uint64_t *snap_every,
                      char *err, size_t err_len)
{
    if (r->len < 8 || memcmp(r->p, HIST_MAGIC, 8) != 0) return fail(err, err_len, N_("not a training history (bad magic)"));
    r->pos = 8;
    if (get_u32(r) != HIST_VERSION) return fail(err, err_len, N_("training history of an unknown version"));
    int s[8];
    for (int i = 0; i < 8; i++) s[i] = (int)get_u32(r);
    *c = (model_config){s[0], s[1], s[2], s[3], s[4], s[5], s[6], 0.0f, s[7]};
    c->ln_eps = get_f32(r);
    *o = train_options_default();
    o->batch = (int)get_u32(r);
    o->warmup = (int)get_u32(r);
    float f[6];
    for (int i = 0; i < 6; i++) f[i] = get_f32(r);
    o->lr_scale = f[0], o->label_smoothing = f[1], o->dropout = f[2], o->beta1 = f[3], o->beta2 = f[4], o->adam_eps = f[5];
    o->seed = get_u64(r);
    *nf = get_u64(r);
    for (int i = 0; i < 5; i++) n[i] = get_u32(r);
    *snap_every = get_u64(r);
    char why[160];
    if (r->bad) return fail(err, err_len, N_("training history cut short in its header"));
    if (model_config_check(c, why, sizeof why) != 0) return fail(err, err_len, why);
    if (*nf < 1 || *nf > (1ull << 30) || n[0] > 1000000u || n[1] > 1000000u || n[2] > 4096u || n[3] < 1 || n[4] < 1 || *snap_every < 1 ||
        o->warmup < 1 || o->batch < 1)
        return fail(err, err_len, N_("training history: counts out of range"));
    return 0;
}

static void get_records(hist_rd *r, train_history *h)
{
    for (int i = 0; i < h->n_points; i++) {
        h->points[i].step = (long)get_u64(r);
        h->points[i].loss = get_f32(r);
        h->points[i].lr = get_f32(r);
    }
    for (int i = 0; i < h->n_evals; i++) {
        h->evals[i].step = (long)get_u64(r);
        h->evals[i].val_loss = get_f32(r);
        h->evals[i].exact = get_f32(r);
        h->evals[i].tok_acc = get_f32(r);
    }
    for (int i = 0; i < h->n_snaps && !r->bad; i++) {
        h->snaps[i].step = (long)get_u64(r);
        h->snaps[i].exact = get_f32(r);
        if (r->pos + 2 * h->n_floats > r->len) { r->bad = 1; return; }
        const unsigned char *c = r->p + r->pos;
        for (size_t k = 0; k < h->n_floats; k++) h->snaps[i].weights[k] = f16_to_f32((uint16_t)(c[2 * k] | c[2 * k + 1] << 8));
        r->pos += 2 * h->n_floats;
    }
}

int train_history_load_bytes(train_history *h, const unsigned char *data, size_t len, char *err, size_t err_len)
{
    hist_rd r = {data, len, 0, 0};
    model_config cfg;
    train_options opt;
    uint64_t nf, snap_every;
    uint32_t n[5];
    train_history_free(h);
    if (get_header(&r, &cfg, &opt, &nf, n, &snap_every, err, err_len) != 0) return -1;
    const size_t want = r.pos + n[0] * 16u + n[1] * 20u + n[2] * (12u + 2u * nf) + 8u;
    if (len != want) return fail(err, err_len, N_("training history: size does not match its header (cut short or padded)"));
    uint64_t sum = 0;
    for (int i = 0; i < 8; i++) sum |= (uint64_t)data[len - 8 + i] << (8 * i);
    if (sum != fnv1a(data, len - 8)) return fail(err, err_len, N_("training history: checksum mismatch (damaged file)"));
    const int cap_snaps = n[2] == 0 ? 0 : (int)(n[2] < 2 ? 2 : n[2]);
    if (train_history_init(h, &cfg, &opt, n[0] < 2 ? 2 : (int)n[0], n[1] < 2 ? 2 : (int)n[1], cap_snaps,
                           (long)snap_every, err, err_len) != 0)
        return -1;
    if (h->n_floats != nf) {
        train_history_free(h);
        return fail(err, err_len, N_("training history: weight count does not match the model sizes"));
    }
    h->n_points = (int)n[0];
    h->n_evals = (int)n[1];
    h->n_snaps = (int)n[2];
    h->point_merge = (int)n[3];
    h->eval_stride = (int)n[4];
    get_records(&r, h);
    if (r.bad) {
        train_history_free(h);
        return fail(err, err_len, N_("training history cut short"));
    }
    return 0;
}

int train_history_load(train_history *h, const char *path, char *err, size_t err_len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err && err_len) snprintf(err, err_len, N_("cannot open %s"), path);
        return -1;
    }
    unsigned char *data = NULL;
    size_t len = 0, cap = 0, got;
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 1 << 20;
            unsigned char *nd = cap <= (size_t)256 << 20 ? realloc(data, cap) : NULL;
            if (!nd) {
                free(data);
                fclose(f);
                return fail(err, err_len, N_("training history too large (over 256 MB) or out of memory"));
            }
            data = nd;
        }
        got = fread(data + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    fclose(f);
    const int rc = train_history_load_bytes(h, data, len, err, err_len);
    free(data);
    return rc;
}
