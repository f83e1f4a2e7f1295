/* weights.c - load and save a model as safetensors (see weights.h and
 * docs/weights.md for the format, the tensor names and every rejection).
 *
 * Loading is all-or-nothing and reads only what the header declares: the
 * 8-byte header length is checked against the file's size, the header parsed
 * with the strict json module, every tensor checked against the table that
 * model_params_init builds for the sizes in __metadata__ (they must tile the
 * rest of the file exactly), then the data read and checked, and only then is
 * the model handed back. On any failure the output is zeroed and a message names
 * the problem and the tensor. Saving goes through afile (a hidden temporary in
 * the same folder, fsync'd, renamed), so an interrupted save never leaves a
 * half-written file in place.
 *
 * This file must not know the forward pass, and must never exit() or print.
 */
#include "weights.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "afile.h"
#include "errmsg.h"
#include "json.h"
#include "utf8.h"
#include "weights_vocab.h"

#define WEIGHTS_MAX_HEADER ((uint64_t)100 * 1024 * 1024)   /* bytes of JSON header at most */
/* Above this many bytes of parameters, the block is allocated only when the
 * file really holds that much data (so a tiny malformed file cannot make us
 * allocate gigabytes before it is rejected). */
#define WEIGHTS_ALLOC_CAP ((uint64_t)256 * 1024 * 1024)

static uint64_t read_u64le(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

static float read_f32le(const unsigned char *p)
{
    uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static void write_f32le(unsigned char *p, float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    p[0] = (unsigned char)u;
    p[1] = (unsigned char)(u >> 8);
    p[2] = (unsigned char)(u >> 16);
    p[3] = (unsigned char)(u >> 24);
}

static void shape_str(char *dst, size_t n, const model_tensor *t)
{
    if (t->ndim == 2) snprintf(dst, n, "[%d, %d]", t->shape[0], t->shape[1]);
    else snprintf(dst, n, "[%d]", t->shape[0]);
}

/* ---- metadata --------------------------------------------------------- */

static int meta_int(const json_value *meta, const char *key, int min, int max, int *out, char *err, size_t err_len)
{
    const json_value *v = json_get(meta, key);
    if (!v) {
        errmsg_set(err, err_len, N_("metadata \"%s\" is missing from __metadata__"), key);
        return -1;
    }
    /* Strictly an optional '-' and decimal digits, nothing else. */
    const char *s = v->str;
    size_t i = 0, len = v->str_len;
    int neg = 0;
    if (i < len && s[i] == '-') {
        neg = 1;
        i++;
    }
    long long acc = 0;
    int ok = i < len;
    for (; ok && i < len; i++) {
        if (s[i] < '0' || s[i] > '9') ok = 0;
        else if (acc > 1000000000LL) ok = 0; /* far past any size we accept */
        else acc = acc * 10 + (s[i] - '0');
    }
    char buf[100];
    if (!ok) {
        errmsg_set(err, err_len, N_("metadata \"%s\" is \"%s\", not an integer"), key, json_printable(buf, sizeof buf, s, len));
        return -1;
    }
    if (neg) acc = -acc;
    if (acc < min || acc > max) {
        errmsg_set(err, err_len, N_("metadata \"%s\" is %lld: absurd (must be between %d and %d)"), key, acc, min, max);
        return -1;
    }
    *out = (int)acc;
    return 0;
}

static int meta_float(const json_value *meta, const char *key, float *out, char *err, size_t err_len)
{
    const json_value *v = json_get(meta, key);
    if (!v) {
        errmsg_set(err, err_len, N_("metadata \"%s\" is missing from __metadata__"), key);
        return -1;
    }
    char *end = NULL;
    double d = 0.0;
    int ok = v->str_len > 0 && v->str_len < 64 && strlen(v->str) == v->str_len &&
             (v->str[0] == '-' || v->str[0] == '.' || (v->str[0] >= '0' && v->str[0] <= '9'));
    if (ok) {
        d = strtod(v->str, &end);
        ok = end == v->str + v->str_len && isfinite(d);
    }
    if (!ok) {
        char buf[100];
        errmsg_set(err, err_len, N_("metadata \"%s\" is \"%s\", not a number"), key, json_printable(buf, sizeof buf, v->str, v->str_len));
        return -1;
    }
    *out = (float)d;
    return 0;
}

/* ---- tensor names ----------------------------------------------------- */

static const char *const weights_prefixes[] = { "model.", "transformer." };

/* Index in p's table of the tensor a header key stands for (exact name, or
 * the name with one wrapper prefix), or -1. */
static int resolve_name(const model_params *p, const char *key, size_t key_len)
{
    if (strlen(key) != key_len) return -1; /* a NUL inside the name */
    for (int i = 0; i < p->n_tensors; i++)
        if (strcmp(p->tensors[i].name, key) == 0) return i;
    for (size_t k = 0; k < sizeof weights_prefixes / sizeof *weights_prefixes; k++) {
        size_t n = strlen(weights_prefixes[k]);
        if (key_len > n && strncmp(key, weights_prefixes[k], n) == 0)
            for (int i = 0; i < p->n_tensors; i++)
                if (strcmp(p->tensors[i].name, key + n) == 0) return i;
    }
    return -1;
}

/* The header member for a name, exact or prefixed, or NULL. */
static const json_value *find_member(const json_value *root, const char *name)
{
    const json_value *v = json_get(root, name);
    for (size_t k = 0; !v && k < sizeof weights_prefixes / sizeof *weights_prefixes; k++) {
        char buf[MODEL_NAME_MAX + 32];
        snprintf(buf, sizeof buf, "%s%s", weights_prefixes[k], name);
        v = json_get(root, buf);
    }
    return v;
}

/* Floats the table for cfg needs (the same arithmetic as params.c's table). */
static uint64_t expected_floats(const model_config *c)
{
    uint64_t D = (uint64_t)c->d_model, F = (uint64_t)c->d_ff, V = (uint64_t)c->vocab_size;
    uint64_t attn = 4 * D * D + 4 * D;
    uint64_t ffn = 2 * F * D + F + D;
    uint64_t enc = attn + ffn + 4 * D, dec = 2 * attn + ffn + 6 * D;
    return V * D + (uint64_t)c->n_enc_layers * enc + (uint64_t)c->n_dec_layers * dec + (c->has_final_norm ? 4 * D : 0);
}

/* ---- loading ---------------------------------------------------------- */

typedef struct {
    int index;             /* into the table */
    uint64_t begin, end;   /* byte offsets into the data section */
} span;

static int span_cmp(const void *a, const void *b)
{
    const span *x = a, *y = b;
    if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
    return (x->end > y->end) - (x->end < y->end);
}

/* Checks one header entry against table entry t; fills its span. */
static int check_entry(const json_value *e, const char *key, const model_tensor *t, const model_config *cfg,
                       uint64_t data_len, span *out, char *err, size_t err_len)
{
    char want[48];
    shape_str(want, sizeof want, t);
    if (e->type != JSON_OBJECT) {
        errmsg_set(err, err_len, N_("tensor \"%s\": its header entry is %s, not an object"), key, json_type_article(e->type));
        return -1;
    }
    const json_value *dtype = json_get(e, "dtype"), *shape = json_get(e, "shape"), *offs = json_get(e, "data_offsets");
    if (!dtype || dtype->type != JSON_STRING) {
        errmsg_set(err, err_len, N_("tensor \"%s\": no \"dtype\" string"), key);
        return -1;
    }
    if (strcmp(dtype->str, "F32") != 0 || dtype->str_len != 3) {
        char buf[40];
        errmsg_set(err, err_len, N_("tensor \"%s\": dtype is %s, but only F32 is supported"), key,
                json_printable(buf, sizeof buf, dtype->str, dtype->str_len));
        return -1;
    }
    if (!shape || shape->type != JSON_ARRAY) {
        errmsg_set(err, err_len, N_("tensor \"%s\": no \"shape\" array"), key);
        return -1;
    }
    long long dims[2] = { -1, -1 };
    int ok = shape->n_children == (size_t)t->ndim;
    for (size_t i = 0; i < shape->n_children && i < 2; i++)
        if (!json_get_int64(json_at(shape, i), 0, LLONG_MAX, &dims[i])) ok = 0;
    if (ok) ok = dims[0] == t->shape[0] && (t->ndim == 1 || dims[1] == t->shape[1]);
    if (!ok) {
        char got[64] = "[";
        size_t n = 1;
        for (size_t i = 0; i < shape->n_children && i < 4 && n < sizeof got; i++) {
            const json_value *d = json_at(shape, i);
            n += (size_t)snprintf(got + n, sizeof got - n, "%s%s", i ? ", " : "",
                                  d->type == JSON_NUMBER ? d->num_text : json_type_name(d->type));
        }
        if (n < sizeof got) snprintf(got + n, sizeof got - n, "%s]", shape->n_children > 4 ? ", ..." : "");
        if (strcmp(t->name, "embedding.weight") == 0 && shape->n_children == 2 && dims[0] != t->shape[0] &&
            dims[1] == t->shape[1])
            errmsg_set(err, err_len, N_("tensor \"%s\": shape %s has %lld rows but vocab_size is %d"), key, got, dims[0],
                    cfg->vocab_size);
        else
            errmsg_set(err, err_len,
                    N_("tensor \"%s\": shape %s does not match %s implied by __metadata__ (d_model %d, dim_feedforward %d, "
                    "vocab_size %d)"),
                    key, got, want, cfg->d_model, cfg->d_ff, cfg->vocab_size);
        return -1;
    }
    long long b = -1, en = -1;
    if (!offs || offs->type != JSON_ARRAY || offs->n_children != 2 ||
        !json_get_int64(json_at(offs, 0), 0, LLONG_MAX, &b) || !json_get_int64(json_at(offs, 1), 0, LLONG_MAX, &en)) {
        errmsg_set(err, err_len, N_("tensor \"%s\": data_offsets must be [begin, end] with two non-negative integers"), key);
        return -1;
    }
    if (en < b) {
        errmsg_set(err, err_len, N_("tensor \"%s\": data_offsets [%lld, %lld] end before they begin"), key, b, en);
        return -1;
    }
    if ((uint64_t)(en - b) != (uint64_t)t->count * 4) {
        errmsg_set(err, err_len, N_("tensor \"%s\": data_offsets [%lld, %lld] hold %lld bytes, but F32 %s needs %zu"), key, b,
                en, en - b, want, t->count * 4);
        return -1;
    }
    if ((uint64_t)en > data_len) {
        errmsg_set(err, err_len,
                N_("tensor \"%s\": data_offsets [%lld, %lld] run past the end of the data section (%llu bytes): file "
                "truncated?"),
                key, b, en, (unsigned long long)data_len);
        return -1;
    }
    out->begin = (uint64_t)b;
    out->end = (uint64_t)en;
    return 0;
}

/* The sizes from the header's __metadata__ and which final norms exist, checked. */
static int parse_config(const json_value *root, model_config *cfg, char *err, size_t err_len)
{
    char buf[100];
    if (root->type != JSON_OBJECT) {
        errmsg_set(err, err_len, N_("header is not a JSON object (it is %s)"), json_type_article(root->type));
        return -1;
    }
    const json_value *meta = json_get(root, "__metadata__");
    if (!meta) {
        errmsg_set(err, err_len, N_("header has no __metadata__ (the model's sizes are kept there)"));
        return -1;
    }
    if (meta->type != JSON_OBJECT) {
        errmsg_set(err, err_len, N_("__metadata__ is %s, not an object"), json_type_article(meta->type));
        return -1;
    }
    for (const json_value *kv = meta->child; kv; kv = kv->next)
        if (kv->type != JSON_STRING) {
            errmsg_set(err, err_len, N_("metadata \"%s\" is %s, not a string (safetensors metadata values are all strings)"),
                    json_printable(buf, sizeof buf, kv->key, kv->key_len), json_type_article(kv->type));
            return -1;
        }

    /* Sizes. The bounds here only keep the arithmetic sane; model_config_check has the real limits. */
    memset(cfg, 0, sizeof *cfg);
    if (meta_int(meta, "d_model", 1, 1000000, &cfg->d_model, err, err_len) ||
        meta_int(meta, "nhead", 1, 1000000, &cfg->n_heads, err, err_len) ||
        meta_int(meta, "num_encoder_layers", 1, 1000000, &cfg->n_enc_layers, err, err_len) ||
        meta_int(meta, "num_decoder_layers", 1, 1000000, &cfg->n_dec_layers, err, err_len) ||
        meta_int(meta, "dim_feedforward", 1, 1000000000, &cfg->d_ff, err, err_len) ||
        meta_int(meta, "max_len", 1, 1000000, &cfg->max_len, err, err_len) ||
        meta_int(meta, "vocab_size", 1, 1000000000, &cfg->vocab_size, err, err_len) ||
        meta_float(meta, "layer_norm_eps", &cfg->ln_eps, err, err_len))
        return -1;

    /* Final norms: all four tensors or none. */
    static const char *const final_norms[4] = { "encoder.norm.weight", "encoder.norm.bias", "decoder.norm.weight",
                                                "decoder.norm.bias" };
    int n_final = 0, missing_final = -1;
    for (int i = 0; i < 4; i++) {
        if (find_member(root, final_norms[i])) n_final++;
        else if (missing_final < 0) missing_final = i;
    }
    if (n_final > 0 && n_final < 4) {
        errmsg_set(err, err_len, N_("missing tensor \"%s\" (encoder.norm.* and decoder.norm.* come together: all four or none)"),
                final_norms[missing_final]);
        return -1;
    }
    cfg->has_final_norm = n_final == 4;

    char cerr[200];
    if (model_config_check(cfg, cerr, sizeof cerr) != 0) {
        errmsg_set(err, err_len, N_("absurd sizes in __metadata__: %s"), cerr);
        return -1;
    }
    return 0;
}

/* Every header entry must be a model tensor, once, with its shape; spans[i] gets
 * the bytes of table entry i. found is scratch of p->n_tensors entries. */
static int check_entries(const json_value *root, const model_params *p, uint64_t data_len, span *spans,
                         const json_value **found, char *err, size_t err_len)
{
    char buf[100], buf2[100], want[48];
    memset(found, 0, (size_t)p->n_tensors * sizeof *found);
    for (const json_value *e = root->child; e; e = e->next) {
        if (e->key_len == 12 && memcmp(e->key, "__metadata__", 12) == 0) continue;
        const char *key = json_printable(buf, sizeof buf, e->key, e->key_len);
        int idx = resolve_name(p, e->key, e->key_len);
        if (idx < 0) {
            errmsg_set(err, err_len,
                    N_("unknown tensor \"%s\": not part of a model with these sizes (the names are listed in "
                    "docs/weights.md)"),
                    key);
            return -1;
        }
        if (found[idx]) {
            errmsg_set(err, err_len, N_("tensor \"%s\" appears twice (as \"%s\" and \"%s\")"), p->tensors[idx].name,
                    json_printable(buf2, sizeof buf2, found[idx]->key, found[idx]->key_len), key);
            return -1;
        }
        found[idx] = e;
        spans[idx].index = idx;
        if (check_entry(e, key, &p->tensors[idx], &p->cfg, data_len, &spans[idx], err, err_len) != 0) return -1;
    }
    for (int i = 0; i < p->n_tensors; i++)
        if (!found[i]) {
            shape_str(want, sizeof want, &p->tensors[i]);
            errmsg_set(err, err_len, N_("missing tensor \"%s\" (F32 %s)"), p->tensors[i].name, want);
            return -1;
        }
    return 0;
}

/* Sorts spans by offset; they must tile the data section exactly: no overlap, no
 * gap, nothing after (so the header declares every byte that will be read). */
static int check_tiling(const model_params *p, span *sorted, uint64_t data_len, char *err, size_t err_len)
{
    qsort(sorted, (size_t)p->n_tensors, sizeof *sorted, span_cmp);
    uint64_t at = 0;
    for (int i = 0; i < p->n_tensors; i++) {
        const span *s = &sorted[i];
        const char *name = p->tensors[s->index].name;
        if (s->begin < at) {
            const span *prev = &sorted[i - 1];
            errmsg_set(err, err_len, N_("tensors \"%s\" [%llu, %llu] and \"%s\" [%llu, %llu] overlap in the data section"),
                    p->tensors[prev->index].name, (unsigned long long)prev->begin, (unsigned long long)prev->end,
                    name, (unsigned long long)s->begin, (unsigned long long)s->end);
            return -1;
        }
        if (s->begin > at) {
            errmsg_set(err, err_len, N_("data section has %llu unused bytes before tensor \"%s\""),
                    (unsigned long long)(s->begin - at), name);
            return -1;
        }
        at = s->end;
    }
    if (at != data_len) {
        errmsg_set(err, err_len, N_("%llu bytes of trailing data after the last tensor (the data section must hold exactly "
                "the tensors)"), (unsigned long long)(data_len - at));
        return -1;
    }
    return 0;
}

/* Where the data section comes from: bytes in memory, or a file read in order. */
typedef struct {
    const unsigned char *mem; /* NULL: read from fp */
    FILE *fp;
    uint64_t pos;             /* bytes of the data section consumed */
} data_source;

/* The next n bytes of the data section: a pointer into memory, or into buf (n <= its size). */
static const unsigned char *source_next(data_source *s, unsigned char *buf, size_t n)
{
    const unsigned char *p = buf;
    if (s->mem) p = s->mem + s->pos;
    else if (fread(buf, 1, n, s->fp) != n) return NULL;
    s->pos += n;
    return p;
}

/* Reads the tensors in file order (sorted spans tile the section), refusing NaN and infinity. */
static int copy_data(model_params *p, const span *sorted, data_source *src, char *err, size_t err_len)
{
    enum { CHUNK = 4096 };
    unsigned char buf[4 * CHUNK];
    for (int i = 0; i < p->n_tensors; i++) {
        const model_tensor *t = &p->tensors[sorted[i].index];
        float *dst = p->memory + t->offset;
        for (size_t j = 0; j < t->count; j += CHUNK) {
            const size_t n = t->count - j < CHUNK ? t->count - j : CHUNK;
            const unsigned char *b = source_next(src, buf, 4 * n);
            if (!b) {
                errmsg_set(err, err_len, N_("cannot read tensor \"%s\": %s"), t->name,
                        ferror(src->fp) ? strerror(errno) : "the file ended early (it changed while being read?)");
                return -1;
            }
            for (size_t k = 0; k < n; k++) {
                const float f = read_f32le(b + 4 * k);
                if (!isfinite(f)) {
                    errmsg_set(err, err_len, N_("tensor \"%s\": element %zu is %s (the file holds a broken model)"),
                            t->name, j + k, isnan(f) ? "NaN" : "infinite");
                    return -1;
                }
                dst[j + k] = f;
            }
        }
    }
    return 0;
}

/* The model from a parsed header whose data section has data_len bytes (read from src). */
static int load_parsed(weights_model *m, const json_value *root, uint64_t data_len, data_source *src, char *err,
                       size_t err_len)
{
    model_config cfg;
    if (parse_config(root, &cfg, err, err_len) != 0) return -1;
    uint64_t need = expected_floats(&cfg) * 4;
    if (need > data_len && need > WEIGHTS_ALLOC_CAP) {
        errmsg_set(err, err_len,
                N_("file is truncated or its sizes are absurd: __metadata__ asks for %llu bytes of tensors, the data "
                "section has %llu"),
                (unsigned long long)need, (unsigned long long)data_len);
        return -1;
    }
    if (model_params_init(&m->params, &cfg) != 0) {
        errmsg_set(err, err_len, N_("out of memory for %llu bytes of parameters"), (unsigned long long)need);
        return -1;
    }
    model_params *p = &m->params;
    span *spans = malloc((size_t)p->n_tensors * sizeof *spans);
    const json_value **found = malloc((size_t)p->n_tensors * sizeof *found);
    int rc = -1;
    if (!spans || !found) errmsg_set(err, err_len, N_("out of memory for a table of %d tensors"), p->n_tensors);
    else if (check_entries(root, p, data_len, spans, found, err, err_len) == 0 &&
             check_tiling(p, spans, data_len, err, err_len) == 0 && copy_data(p, spans, src, err, err_len) == 0)
        rc = 0;
    free(spans);
    free(found);
    if (rc != 0) return -1;
    const json_value *meta = json_get(root, "__metadata__");
    if (weights_vocab_load(m, meta, err, err_len) != 0) return -1;
    const json_value *task = json_get(meta, "task");
    if (task) {
        if (task->str_len >= sizeof m->task || strlen(task->str) != task->str_len) {
            errmsg_set(err, err_len, N_("metadata \"task\" is longer than %zu bytes or holds a NUL"), sizeof m->task - 1);
            return -1;
        }
        memcpy(m->task, task->str, task->str_len + 1);
    }
    return 0;
}

/* The 8-byte header length of a file of size bytes (first8: its first bytes, at
 * least 8 when size >= 8), checked against the size before anything else is read. */
static int check_header_len(const unsigned char *first8, uint64_t size, uint64_t *n, char *err, size_t err_len)
{
    if (size == 0) {
        errmsg_set(err, err_len, N_("file is empty (a safetensors file starts with an 8-byte header length)"));
        return -1;
    }
    if (size < 8) {
        errmsg_set(err, err_len, N_("file is truncated: %llu bytes, shorter than the 8-byte header length"),
                (unsigned long long)size);
        return -1;
    }
    *n = read_u64le(first8);
    if (*n > WEIGHTS_MAX_HEADER) {
        errmsg_set(err, err_len, N_("header length %llu is absurd (more than 100 MB): not a safetensors file?"),
                (unsigned long long)*n);
        return -1;
    }
    if (*n > size - 8) {
        errmsg_set(err, err_len, N_("file is truncated: the header length %llu runs past the end of the file (%llu bytes)"),
                (unsigned long long)*n, (unsigned long long)size);
        return -1;
    }
    return 0;
}

/* Parses the n-byte JSON header, then loads the data section (size - 8 - n bytes) from src. */
static int load_header_text(weights_model *m, const char *text, uint64_t n, uint64_t size, data_source *src,
                            char *err, size_t err_len)
{
    json_doc doc;
    char jerr[200];
    if (json_parse(&doc, text, (size_t)n, jerr, sizeof jerr) != 0) {
        errmsg_set(err, err_len, N_("header is not valid JSON: %s"), jerr);
        return -1;
    }
    int rc = load_parsed(m, doc.root, size - 8 - n, src, err, err_len);
    json_free(&doc);
    if (rc != 0) weights_model_free(m);
    return rc;
}

int weights_load_bytes(weights_model *m, const unsigned char *data, size_t len, char *err, size_t err_len)
{
    if (err && err_len) err[0] = '\0';
    if (!m) {
        errmsg_set(err, err_len, N_("no model to load into"));
        return -1;
    }
    memset(m, 0, sizeof *m);
    uint64_t n = 0;
    if (check_header_len(data, data ? len : 0, &n, err, err_len) != 0) return -1;
    data_source src = { data + 8 + n, NULL, 0 };
    return load_header_text(m, (const char *)data + 8, n, len, &src, err, err_len);
}

/* The file is never read whole: its size (fstat) bounds the 8-byte header length,
 * then only the header is read and checked, and the data section only once the
 * header has declared exactly its size. So /dev/zero or a FIFO is refused at once. */
int weights_load(weights_model *m, const char *path, char *err, size_t err_len)
{
    if (m) memset(m, 0, sizeof *m);
    if (err && err_len) err[0] = '\0';
    if (!m || !path) {
        errmsg_set(err, err_len, N_("no model or no path"));
        return -1;
    }
    /* stat before opening: opening a FIFO would wait for a writer */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) errmsg_set(err, err_len, N_("cannot read: %s"), strerror(EISDIR));
        else errmsg_set(err, err_len, N_("not a regular file (a device, a pipe or a socket): a model is a .safetensors file"));
        return -1;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        errmsg_set(err, err_len, N_("cannot open: %s"), strerror(errno));
        return -1;
    }
    unsigned char first8[8];
    char *text = NULL;
    uint64_t n = 0;
    int rc = -1;
    if (fstat(fileno(f), &st) != 0) errmsg_set(err, err_len, N_("cannot read: %s"), strerror(errno));
    else if (!S_ISREG(st.st_mode))
        errmsg_set(err, err_len, N_("not a regular file (a device, a pipe or a socket): a model is a .safetensors file"));
    else if (st.st_size >= 8 && fread(first8, 1, 8, f) != 8)
        errmsg_set(err, err_len, N_("cannot read: %s"), ferror(f) ? strerror(errno) : "the file ended early");
    else if (check_header_len(first8, (uint64_t)st.st_size, &n, err, err_len) != 0) {
        /* err says why */
    } else if (!(text = malloc((size_t)n + 1)))
        errmsg_set(err, err_len, N_("out of memory for a header of %llu bytes"), (unsigned long long)n);
    else if (fread(text, 1, (size_t)n, f) != (size_t)n)
        errmsg_set(err, err_len, N_("cannot read the header: %s"), ferror(f) ? strerror(errno) : "the file ended early");
    else {
        data_source src = { NULL, f, 0 };
        rc = load_header_text(m, text, n, (uint64_t)st.st_size, &src, err, err_len);
    }
    free(text);
    fclose(f);
    return rc;
}

void weights_model_free(weights_model *m)
{
    if (!m) return;
    model_params_free(&m->params);
    tok_vocab_free(&m->vocab);
    memset(m, 0, sizeof *m);
}

/* ---- saving ----------------------------------------------------------- */

/* A growing string. */
typedef struct {
    char *s;
    size_t len, cap;
    int oom;
} strbuf;

static void sb_put(strbuf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap : 4096;
        while (ncap < b->len + n + 1) ncap *= 2;
        char *ns = realloc(b->s, ncap);
        if (!ns) {
            b->oom = 1;
            return;
        }
        b->s = ns;
        b->cap = ncap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_printf(strbuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        b->oom = 1;
        return;
    }
    sb_put(b, tmp, (size_t)n);
}

/* s as a JSON string literal, quotes included (escaped by json_escape). */
static void sb_json_string(strbuf *b, const char *s)
{
    char small[256];
    size_t need = json_escape(NULL, 0, s);
    char *tmp = need < sizeof small ? small : malloc(need + 1);
    if (!tmp) {
        b->oom = 1;
        return;
    }
    json_escape(tmp, need + 1, s);
    sb_put(b, "\"", 1);
    sb_put(b, tmp, need);
    sb_put(b, "\"", 1);
    if (tmp != small) free(tmp);
}

static void sb_meta(strbuf *b, const char *key, const char *value)
{
    sb_put(b, ",", 1);
    sb_json_string(b, key);
    sb_put(b, ":", 1);
    sb_json_string(b, value);
}

static void sb_meta_int(strbuf *b, const char *key, int v)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%d", v);
    sb_meta(b, key, tmp);
}

/* The shortest %g text that reads back as exactly f. */
static void float_text(char *dst, size_t n, float f)
{
    for (int prec = 1; prec <= 9; prec++) {
        snprintf(dst, n, "%.*g", prec, (double)f);
        if (strtof(dst, NULL) == f) return;
    }
}

/* The header for params, padded with spaces to a multiple of 8 bytes. */
static int build_header(strbuf *h, const model_params *p, const tok_vocab *vocab, const char *task)
{
    const model_config *c = &p->cfg;
    char eps[32];
    float_text(eps, sizeof eps, c->ln_eps);
    sb_put(h, "{\"__metadata__\":{\"format\":\"pt\"", 30);
    sb_meta_int(h, "d_model", c->d_model);
    sb_meta_int(h, "nhead", c->n_heads);
    sb_meta_int(h, "num_encoder_layers", c->n_enc_layers);
    sb_meta_int(h, "num_decoder_layers", c->n_dec_layers);
    sb_meta_int(h, "dim_feedforward", c->d_ff);
    sb_meta(h, "layer_norm_eps", eps);
    sb_meta_int(h, "max_len", c->max_len);
    sb_meta_int(h, "vocab_size", c->vocab_size);
    if (task && task[0]) sb_meta(h, "task", task);
    if (vocab) {
        strbuf v = { 0 };
        sb_put(&v, "[", 1);
        for (int i = 0; i < vocab->size; i++) {
            if (i) sb_put(&v, ",", 1);
            sb_json_string(&v, vocab->words[i]);
        }
        sb_put(&v, "]", 1);
        if (v.oom) h->oom = 1;
        else sb_meta(h, "vocab", v.s);
        free(v.s);
    }
    sb_put(h, "}", 1);
    size_t off = 0;
    for (int i = 0; i < p->n_tensors; i++) {
        const model_tensor *t = &p->tensors[i];
        sb_put(h, ",", 1);
        sb_json_string(h, t->name);
        if (t->ndim == 2) sb_printf(h, ":{\"dtype\":\"F32\",\"shape\":[%d,%d]", t->shape[0], t->shape[1]);
        else sb_printf(h, ":{\"dtype\":\"F32\",\"shape\":[%d]", t->shape[0]);
        sb_printf(h, ",\"data_offsets\":[%zu,%zu]}", off, off + t->count * 4);
        off += t->count * 4;
    }
    sb_put(h, "}", 1);
    while (!h->oom && h->len % 8 != 0) sb_put(h, " ", 1);
    return h->oom ? -1 : 0;
}

int weights_save(const char *path, const model_params *params, const tok_vocab *vocab, const char *task, char *err,
                 size_t err_len)
{
    return weights_save_mode(path, 0, params, vocab, task, err, err_len);
}

int weights_save_mode(const char *path, int never_overwrite, const model_params *params, const tok_vocab *vocab,
                      const char *task, char *err, size_t err_len)
{
    if (err && err_len) err[0] = '\0';
    if (!path || !path[0] || !params || !params->memory || params->n_tensors == 0) {
        errmsg_set(err, err_len, N_("nothing to save (no path or an empty model)"));
        return -1;
    }
    const model_params *p = params;
    if (vocab && vocab->size != p->cfg.vocab_size) {
        errmsg_set(err, err_len, N_("cannot save %s: the vocabulary has %d words but the model's vocab_size is %d"), path,
                vocab->size, p->cfg.vocab_size);
        return -1;
    }
    /* Refuse what the loader would refuse, rather than write an unloadable file. */
    for (int i = 0; vocab && i < vocab->size; i++) {
        const char *w = vocab->words[i];
        size_t n = w ? strlen(w) : 0;
        if (n == 0 || n >= TOK_WORD_MAX || !utf8_valid(w, n)) {
            errmsg_set(err, err_len, N_("cannot save %s: vocab word %d is empty, longer than %d bytes or not valid UTF-8"),
                    path, i, TOK_WORD_MAX - 1);
            return -1;
        }
    }
    if (task && !utf8_valid(task, strlen(task))) {
        errmsg_set(err, err_len, N_("cannot save %s: task is not valid UTF-8"), path);
        return -1;
    }
    if (task && strlen(task) >= sizeof((weights_model *)0)->task) {
        errmsg_set(err, err_len, N_("cannot save %s: task is longer than %zu bytes"), path,
                sizeof((weights_model *)0)->task - 1);
        return -1;
    }
    for (int i = 0; i < p->n_tensors; i++) {
        const model_tensor *t = &p->tensors[i];
        for (size_t j = 0; j < t->count; j++)
            if (!isfinite(p->memory[t->offset + j])) {
                errmsg_set(err, err_len, N_("cannot save %s: tensor \"%s\" element %zu is %s (the model is broken)"), path,
                        t->name, j, isnan(p->memory[t->offset + j]) ? "NaN" : "infinite");
                return -1;
            }
    }
    strbuf h = { 0 };
    if (build_header(&h, p, vocab, task) != 0) {
        free(h.s);
        errmsg_set(err, err_len, N_("cannot save %s: out of memory building the header"), path);
        return -1;
    }

    afile f;
    if (afile_open(&f, path, never_overwrite ? AFILE_NEW : AFILE_REPLACE, err, err_len) != 0) {
        free(h.s);
        return -1;
    }
    unsigned char len8[8];
    for (int i = 0; i < 8; i++) len8[i] = (unsigned char)((uint64_t)h.len >> (8 * i));
    /* A short write flags the stream: afile_commit names the cause and removes the temporary. */
    int ok = fwrite(len8, 1, 8, f.fp) == 8 && fwrite(h.s, 1, h.len, f.fp) == h.len;
    unsigned char chunk[4096 * 4];
    for (int i = 0; ok && i < p->n_tensors; i++) {
        const model_tensor *t = &p->tensors[i];
        const float *src = p->memory + t->offset;
        for (size_t j = 0; ok && j < t->count; j += 4096) {
            size_t n = t->count - j < 4096 ? t->count - j : 4096;
            for (size_t k = 0; k < n; k++) write_f32le(chunk + 4 * k, src[j + k]);
            ok = fwrite(chunk, 1, 4 * n, f.fp) == 4 * n;
        }
    }
    free(h.s);
    return afile_commit(&f, err, err_len);
}
