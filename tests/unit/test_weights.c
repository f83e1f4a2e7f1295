/* test_weights.c - safetensors load/save: exact round trips, every malformed
 * file rejected with a message naming the problem (built by patching a valid
 * file in memory, never by committing junk), atomic saves, and a mutation
 * sweep over the header that must never crash. It must not test the forward
 * pass (see test_torch_fixture.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model.h"
#include "tok.h"
#include "test_util.h"
#include "weights.h"

/* ---- helpers ---------------------------------------------------------- */

static const char *const test_words[] = { "<pad>", "<bos>", "<eos>", "<unk>", "the", "dog", "cat", "sees",
                                          "der",   "hund",  "die",   "katze", "sieht", "über", "\"q\"" };
#define N_WORDS ((int)(sizeof test_words / sizeof *test_words))

static model_config small_config(int final_norm)
{
    model_config c = test_config(N_WORDS, 8, 2, 2, 12, 10);
    c.has_final_norm = final_norm;
    return c;
}

static void make_model(model_params *p, tok_vocab *v, int final_norm, unsigned long long seed)
{
    model_config c = small_config(final_norm);
    assert_int_equal(model_params_init(p, &c), 0);
    model_params_init_random(p, seed);
    /* Make biases and gains non-trivial too, so a swapped tensor cannot pass. */
    for (size_t i = 0; i < p->n_floats; i++) p->memory[i] += 0.001f * (float)(i % 97) - 0.03f;
    char err[256];
    assert_int_equal(tok_vocab_init(v, test_words, N_WORDS, err, sizeof err), 0);
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* A valid file in memory, split into header text and data. */
typedef struct {
    char *header;          /* NUL-terminated JSON (padding included) */
    unsigned char *data;
    size_t data_len;
    model_params params;   /* what was saved */
    tok_vocab vocab;
} valid_file;

static void valid_make(valid_file *vf, int final_norm)
{
    memset(vf, 0, sizeof *vf);
    make_model(&vf->params, &vf->vocab, final_norm, 7);
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/valid.safetensors", test_tmpdir);
    assert_int_equal(weights_save(path, &vf->params, &vf->vocab, "toy-en-de", err, sizeof err), 0);
    size_t len;
    unsigned char *buf = read_file(path, &len);
    uint64_t n = 0;
    for (int i = 7; i >= 0; i--) n = (n << 8) | buf[i];
    vf->header = malloc(n + 1);
    memcpy(vf->header, buf + 8, n);
    vf->header[n] = '\0';
    vf->data_len = len - 8 - n;
    vf->data = malloc(vf->data_len + 1);
    memcpy(vf->data, buf + 8 + n, vf->data_len);
    free(buf);
}

static void valid_free(valid_file *vf)
{
    free(vf->header);
    free(vf->data);
    model_params_free(&vf->params);
    tok_vocab_free(&vf->vocab);
}

/* header + data as a file (header length recomputed). */
static unsigned char *assemble(const char *header, const unsigned char *data, size_t data_len, size_t *len)
{
    size_t n = strlen(header);
    *len = 8 + n + data_len;
    unsigned char *buf = malloc(*len + 1);
    for (int i = 0; i < 8; i++) buf[i] = (unsigned char)((uint64_t)n >> (8 * i));
    memcpy(buf + 8, header, n);
    if (data_len) memcpy(buf + 8 + n, data, data_len);
    return buf;
}

/* header with the first occurrence of from replaced by to (must exist). */
static char *replace(const char *header, const char *from, const char *to)
{
    const char *at = strstr(header, from);
    assert_non_null(at);
    size_t a = (size_t)(at - header), nf = strlen(from), nt = strlen(to), nh = strlen(header);
    char *out = malloc(nh - nf + nt + 1);
    memcpy(out, header, a);
    memcpy(out + a, to, nt);
    memcpy(out + a + nt, at + nf, nh - a - nf + 1);
    return out;
}

/* header without the entry of tensor name. */
static char *remove_entry(const char *header, const char *name)
{
    char key[128];
    snprintf(key, sizeof key, ",\"%s\":{", name);
    const char *at = strstr(header, key);
    assert_non_null(at);
    const char *end = strchr(at + 1, '}');
    assert_non_null(end);
    char *entry = malloc((size_t)(end - at) + 2);
    memcpy(entry, at, (size_t)(end - at) + 1);
    entry[end - at + 1] = '\0';
    char *out = replace(header, entry, "");
    free(entry);
    return out;
}

/* Loads header + data and expects failure with every needle in the message. */
static void expect_reject(const char *header, const unsigned char *data, size_t data_len, const char *needle1,
                          const char *needle2)
{
    size_t len;
    unsigned char *buf = assemble(header, data, data_len, &len);
    weights_model m;
    char err[512] = "";
    int rc = weights_load_bytes(&m, buf, len, err, sizeof err);
    if (rc == 0 || !strstr(err, needle1) || (needle2 && !strstr(err, needle2)))
        fail_msg("expected rejection with \"%s\"%s%s%s, got rc %d: %s", needle1, needle2 ? " and \"" : "",
                 needle2 ? needle2 : "", needle2 ? "\"" : "", rc, err);
    /* The output is empty and safe to free. */
    assert_null(m.params.memory);
    assert_int_equal(m.params.n_tensors, 0);
    assert_null(m.vocab.words);
    weights_model_free(&m);
    free(buf);
}

/* The valid file with from replaced by to in its header is refused, with
 * needle1 (and needle2 when not NULL) in the message. */
static void expect_reject_edit(const valid_file *vf, const char *from, const char *to, const char *needle1, const char *needle2)
{
    char *h = replace(vf->header, from, to);
    expect_reject(h, vf->data, vf->data_len, needle1, needle2);
    free(h);
}

/* Byte offset of a tensor in the data section, from the saved table. */
static size_t data_offset(const valid_file *vf, const char *name)
{
    const model_tensor *t = model_params_find(&vf->params, name);
    assert_non_null(t);
    return t->offset * 4;
}

/* ---- round trips ------------------------------------------------------ */

static void check_round_trip(int final_norm)
{
    model_params p;
    tok_vocab v;
    make_model(&p, &v, final_norm, 42);
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/rt%d.safetensors", test_tmpdir, final_norm);
    assert_int_equal(weights_save(path, &p, &v, "toy-en-de", err, sizeof err), 0);

    weights_model m;
    if (weights_load(&m, path, err, sizeof err) != 0) fail_msg("load failed: %s", err);
    assert_int_equal(m.params.cfg.d_model, 8);
    assert_int_equal(m.params.cfg.n_heads, 2);
    assert_int_equal(m.params.cfg.n_enc_layers, 2);
    assert_int_equal(m.params.cfg.n_dec_layers, 2);
    assert_int_equal(m.params.cfg.d_ff, 12);
    assert_int_equal(m.params.cfg.max_len, 10);
    assert_int_equal(m.params.cfg.vocab_size, N_WORDS);
    assert_true(m.params.cfg.ln_eps == 1e-5f);
    assert_int_equal(m.params.cfg.has_final_norm, final_norm);
    assert_int_equal(m.params.n_tensors, p.n_tensors);
    assert_int_equal(m.params.n_floats, p.n_floats);
    assert_memory_equal(m.params.memory, p.memory, p.n_floats * sizeof(float)); /* bit-identical */
    for (int i = 0; i < p.n_tensors; i++) assert_string_equal(m.params.tensors[i].name, p.tensors[i].name);
    if (final_norm) {
        assert_non_null(m.params.enc_norm_weight);
        assert_non_null(m.params.dec_norm_bias);
    } else {
        assert_null(m.params.enc_norm_weight);
    }
    assert_int_equal(m.has_vocab, 1);
    assert_int_equal(m.vocab.size, N_WORDS);
    for (int i = 0; i < N_WORDS; i++) assert_string_equal(tok_vocab_word(&m.vocab, i), test_words[i]);
    assert_int_equal(tok_vocab_find(&m.vocab, "über"), 13);
    assert_string_equal(m.task, "toy-en-de");
    weights_model_free(&m);
    weights_model_free(&m); /* twice is fine */
    weights_model_free(NULL);
    model_params_free(&p);
    tok_vocab_free(&v);
}

static void test_round_trip(void **state)
{
    (void)state;
    check_round_trip(0);
}

static void test_round_trip_final_norm(void **state)
{
    (void)state;
    check_round_trip(1);
}

static void test_round_trip_no_vocab(void **state)
{
    (void)state;
    model_params p;
    tok_vocab v;
    make_model(&p, &v, 0, 3);
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/novocab.safetensors", test_tmpdir);
    assert_int_equal(weights_save(path, &p, NULL, NULL, err, sizeof err), 0);
    weights_model m;
    if (weights_load(&m, path, err, sizeof err) != 0) fail_msg("load failed: %s", err);
    assert_int_equal(m.has_vocab, 0);
    assert_int_equal(m.vocab.size, N_WORDS);
    assert_string_equal(tok_vocab_word(&m.vocab, 0), "<pad>");
    assert_string_equal(tok_vocab_word(&m.vocab, 3), "<unk>");
    assert_string_equal(tok_vocab_word(&m.vocab, 4), "#4");
    assert_string_equal(tok_vocab_word(&m.vocab, N_WORDS - 1), "#14");
    assert_string_equal(m.task, "");
    assert_memory_equal(m.params.memory, p.memory, p.n_floats * sizeof(float));
    weights_model_free(&m);
    model_params_free(&p);
    tok_vocab_free(&v);
}

/* The header is padded to 8 bytes and the metadata are all strings. */
static void test_header_layout(void **state)
{
    (void)state;
    valid_file vf;
    valid_make(&vf, 0);
    assert_int_equal(strlen(vf.header) % 8, 0);
    assert_non_null(strstr(vf.header, "\"d_model\":\"8\""));
    assert_non_null(strstr(vf.header, "\"layer_norm_eps\":\"1e-05\""));
    assert_non_null(strstr(vf.header, "\"vocab_size\":\"15\""));
    /* Tensors in table order: embedding first, data offsets from 0. */
    assert_non_null(strstr(vf.header, "\"embedding.weight\":{\"dtype\":\"F32\",\"shape\":[15,8],\"data_offsets\":[0,480]}"));
    assert_int_equal(vf.data_len, vf.params.n_floats * 4);
    valid_free(&vf);
}

/* A wrapper prefix ("model." or "transformer.") is accepted. */
static void test_prefixed_names(void **state)
{
    (void)state;
    valid_file vf;
    valid_make(&vf, 0);
    char *h = strdup(vf.header);
    for (int i = 0; i < vf.params.n_tensors; i++) {
        char from[128], to[128];
        snprintf(from, sizeof from, "\"%s\":{", vf.params.tensors[i].name);
        snprintf(to, sizeof to, "\"%s%s\":{", i % 2 ? "model." : "transformer.", vf.params.tensors[i].name);
        char *n = replace(h, from, to);
        free(h);
        h = n;
    }
    size_t len;
    unsigned char *buf = assemble(h, vf.data, vf.data_len, &len);
    weights_model m;
    char err[512];
    if (weights_load_bytes(&m, buf, len, err, sizeof err) != 0) fail_msg("prefixed names rejected: %s", err);
    assert_memory_equal(m.params.memory, vf.params.memory, vf.params.n_floats * sizeof(float));
    weights_model_free(&m);
    free(buf);
    free(h);

    /* Both "x" and "model.x": the same tensor twice. */
    expect_reject_edit(&vf, "\"encoder.layers.0.norm1.bias\":{", "\"model.encoder.layers.0.norm1.weight\":{", "appears twice", "encoder.layers.0.norm1.weight");
    valid_free(&vf);
}

/* ---- malformed files -------------------------------------------------- */

static void test_reject_empty_and_short(void **state)
{
    (void)state;
    weights_model m;
    char err[512];
    assert_int_equal(weights_load_bytes(&m, (const unsigned char *)"", 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "empty"));
    assert_int_equal(weights_load_bytes(&m, (const unsigned char *)"\x10\0\0", 3, err, sizeof err), -1);
    assert_non_null(strstr(err, "truncated"));
    assert_null(m.params.memory);
    weights_model_free(&m);

    /* An empty file on disk too. */
    char path[512];
    snprintf(path, sizeof path, "%s/empty.safetensors", test_tmpdir);
    FILE *f = fopen(path, "wb");
    fclose(f);
    assert_int_equal(weights_load(&m, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "empty"));
    assert_null(strstr(err, path)); /* the caller names the file, once */
    snprintf(path, sizeof path, "%s/does-not-exist.safetensors", test_tmpdir);
    assert_int_equal(weights_load(&m, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot open"));
    assert_non_null(strstr(err, "No such file"));
}

static void test_reject_header_length(void **state)
{
    (void)state;
    valid_file vf;
    valid_make(&vf, 0);
    size_t len;
    unsigned char *buf = assemble(vf.header, vf.data, vf.data_len, &len);
    weights_model m;
    char err[512];
    /* Header length past the end of the file. */
    uint64_t n = len - 8 + 1;
    for (int i = 0; i < 8; i++) buf[i] = (unsigned char)(n >> (8 * i));
    assert_int_equal(weights_load_bytes(&m, buf, len, err, sizeof err), -1);
    assert_non_null(strstr(err, "truncated"));
    assert_non_null(strstr(err, "runs past the end"));
    /* Absurd header length. */
    n = (uint64_t)1 << 40;
    for (int i = 0; i < 8; i++) buf[i] = (unsigned char)(n >> (8 * i));
    assert_int_equal(weights_load_bytes(&m, buf, len, err, sizeof err), -1);
    assert_non_null(strstr(err, "absurd"));
    /* The file cut inside the header. */
    assert_int_equal(weights_load_bytes(&m, buf, 100, err, sizeof err), -1);
    free(buf);
    valid_free(&vf);
}

static void test_reject_bad_json(void **state)
{
    (void)state;
    valid_file vf;
    valid_make(&vf, 0);
    expect_reject_edit(&vf, "\"dtype\":\"F32\"", "\"dtype\":F32", "not valid JSON", "unexpected character 'F'");
    expect_reject("[1,2,3]", vf.data, vf.data_len, "not a JSON object", NULL);
    expect_reject("{\"a\":1,}", vf.data, vf.data_len, "not valid JSON", NULL);
    expect_reject_edit(&vf, "\"__metadata__\"", "\"__metadata_\"", "no __metadata__", NULL);
    valid_free(&vf);
}

static void test_reject_dtype(void **state)
{
    (void)state;
    valid_file vf;
    valid_make(&vf, 0);
    expect_reject_edit(&vf, "\"encoder.layers.1.linear2.weight\":{\"dtype\":\"F32\"",
                      "\"encoder.layers.1.linear2.weight\":{\"dtype\":\"F16\"", "encoder.layers.1.linear2.weight", "dtype is F16");
    valid_free(&vf);
}

static void test_reject_shape(void **state)
{
    (void)state;
    valid_file vf;
    valid_make(&vf, 0);
    /* linear1.weight is [F, D] = [12, 8]; transposed it has the same size. */
    expect_reject_edit(&vf, "\"decoder.layers.0.linear1.weight\":{\"dtype\":\"F32\",\"shape\":[12,8]",
                      "\"decoder.layers.0.linear1.weight\":{\"dtype\":\"F32\",\"shape\":[8,12]", "decoder.layers.0.linear1.weight", "shape [8, 12] does not match [12, 8]");
    /* A vector given as a matrix. */
    expect_reject_edit(&vf, "\"encoder.layers.0.norm2.bias\":{\"dtype\":\"F32\",\"shape\":[8]",
                "\"encoder.layers.0.norm2.bias\":{\"dtype\":\"F32\",\"shape\":[8,1]", "encoder.layers.0.norm2.bias", "shape [8, 1]");
    /* The metadata say d_model 16: every shape disagrees, starting with the embedding. */
    expect_reject_edit(&vf, "\"d_model\":\"8\"", "\"d_model\":\"16\"", "embedding.weight", "does not match [15, 16]");
    valid_free(&vf);
}

static void test_reject_offsets(void **state)
{
    (void)state;
    valid_file vf;
    valid_make(&vf, 0);
    const char *name = "encoder.layers.0.self_attn.in_proj_bias"; /* [3D] = 24 floats = 96 bytes */
    size_t b = data_offset(&vf, name);
    char from[160], to[160];
    /* Overlap: moved 8 bytes back into in_proj_weight. */
    snprintf(from, sizeof from, "\"data_offsets\":[%zu,%zu]", b, b + 96);
    snprintf(to, sizeof to, "\"data_offsets\":[%zu,%zu]", b - 8, b + 88);
    expect_reject_edit(&vf, from, to, "overlap", name);
    /* Size not 4 * count. */
    snprintf(to, sizeof to, "\"data_offsets\":[%zu,%zu]", b, b + 92);
    expect_reject_edit(&vf, from, to, name, "hold 92 bytes");
    /* Backwards. */
    snprintf(to, sizeof to, "\"data_offsets\":[%zu,%zu]", b + 96, b);
    expect_reject_edit(&vf, from, to, name, "end before they begin");
    /* Not two integers. */
    snprintf(to, sizeof to, "\"data_offsets\":[%zu.5,%zu]", b, b + 96);
    expect_reject_edit(&vf, from, to, name, "data_offsets must be [begin, end]");
    /* Outside the data section. */
    snprintf(to, sizeof to, "\"data_offsets\":[%zu,%zu]", vf.data_len, vf.data_len + 96);
    expect_reject_edit(&vf, from, to, name, "past the end of the data section");
    valid_free(&vf);
}

static void test_reject_truncated_data(void **state)
{
    (void)state;
    valid_file vf;
    valid_make(&vf, 0);
    /* The last tensor in table order is the last in the file. */
    const char *last = vf.params.tensors[vf.params.n_tensors - 1].name;
    expect_reject(vf.header, vf.data, vf.data_len - 4, "truncated", last);
    expect_reject(vf.header, vf.data, 0, "truncated", NULL);
    /* Trailing garbage is refused too. */
    unsigned char *more = calloc(vf.data_len + 16, 1);
    memcpy(more, vf.data, vf.data_len);
    expect_reject(vf.header, more, vf.data_len + 16, "16 bytes of trailing data", NULL);
    free(more);
    valid_free(&vf);
}

static void test_reject_missing_and_unknown(void **state)
{
    (void)state;
    valid_file vf;
    valid_make(&vf, 0);
    char *h = remove_entry(vf.header, "decoder.layers.1.norm3.bias");
    expect_reject(h, vf.data, vf.data_len, "missing tensor \"decoder.layers.1.norm3.bias\"", NULL);
    free(h);
    expect_reject_edit(&vf, "\"decoder.layers.1.norm3.bias\"", "\"decoder.layers.1.norm4.bias\"", "unknown tensor \"decoder.layers.1.norm4.bias\"", NULL);
    /* A layer the sizes do not have. */
    expect_reject_edit(&vf, "\"encoder.layers.1.linear1.bias\"", "\"encoder.layers.2.linear1.bias\"", "unknown tensor \"encoder.layers.2.linear1.bias\"", NULL);
    valid_free(&vf);

    /* Final norms come as four: one missing is named. */
    valid_make(&vf, 1);
    h = remove_entry(vf.header, "decoder.norm.bias");
    expect_reject(h, vf.data, vf.data_len, "missing tensor \"decoder.norm.bias\"", NULL);
    free(h);
    valid_free(&vf);
}

static void test_reject_metadata(void **state)
{
    (void)state;
    valid_file vf;
    valid_make(&vf, 0);
    char *h;
    expect_reject_edit(&vf, "\"nhead\":\"2\"", "\"nhead\":2", "metadata \"nhead\" is a number, not a string", NULL);
    expect_reject_edit(&vf, "\"nhead\":\"2\",", "", "metadata \"nhead\" is missing", NULL);
    expect_reject_edit(&vf, "\"nhead\":\"2\"", "\"nhead\":\"2x\"", "\"nhead\" is \"2x\", not an integer", NULL);
    expect_reject_edit(&vf, "\"nhead\":\"2\"", "\"nhead\":\"3\"", "absurd sizes", "multiple of nhead");
    expect_reject_edit(&vf, "\"d_model\":\"8\"", "\"d_model\":\"100000\"", "absurd sizes", "d_model");
    expect_reject_edit(&vf, "\"d_model\":\"8\"", "\"d_model\":\"99999999999999999999\"", "d_model", "not an integer");
    expect_reject_edit(&vf, "\"layer_norm_eps\":\"1e-05\"", "\"layer_norm_eps\":\"tiny\"", "layer_norm_eps", "not a number");
    /* Sizes large but legal, file tiny: rejected before allocating gigabytes. */
    h = replace(vf.header, "\"dim_feedforward\":\"12\"", "\"dim_feedforward\":\"65536\"");
    char *h2 = replace(h, "\"d_model\":\"8\"", "\"d_model\":\"4096\"");
    expect_reject(h2, vf.data, vf.data_len, "truncated or its sizes are absurd", NULL);
    free(h2);
    free(h);
    valid_free(&vf);
}

static void test_reject_vocab(void **state)
{
    (void)state;
    valid_file vf;
    valid_make(&vf, 0);
    /* vocab_size disagrees with the embedding rows. */
    expect_reject_edit(&vf, "\"vocab_size\":\"15\"", "\"vocab_size\":\"16\"", "embedding.weight", "has 15 rows but vocab_size is 16");
    /* The vocab array is longer than vocab_size. */
    expect_reject_edit(&vf, "\\\"sieht\\\",", "\\\"sieht\\\",\\\"maus\\\",", "vocab has 16 words but vocab_size is 15", NULL);
    /* A duplicate word. */
    expect_reject_edit(&vf, "\\\"sieht\\\",", "\\\"katze\\\",", "\"katze\" appears twice (ids 11 and 12)", NULL);
    /* Not starting with the specials. */
    expect_reject_edit(&vf, "\\\"<bos>\\\"", "\\\"<BOS>\\\"", "vocab must start with <pad> <bos> <eos> <unk>", "id 1 is \"<BOS>\"");
    /* Not an array of strings. */
    expect_reject_edit(&vf, "\\\"sieht\\\",", "7,", "vocab word 12 is a number", NULL);
    expect_reject_edit(&vf, "\"vocab\":\"[", "\"vocab\":\"{[", "metadata \"vocab\" is not a JSON array of strings", NULL);
    valid_free(&vf);
}

static void test_reject_nan_inf(void **state)
{
    (void)state;
    valid_file vf;
    valid_make(&vf, 0);
    const char *name = "decoder.layers.1.multihead_attn.out_proj.weight";
    size_t at = data_offset(&vf, name) + 4 * 5;
    unsigned char *d = malloc(vf.data_len);
    memcpy(d, vf.data, vf.data_len);
    const unsigned char nan_bytes[4] = { 0x00, 0x00, 0xC0, 0x7F };
    memcpy(d + at, nan_bytes, 4);
    expect_reject(vf.header, d, vf.data_len, name, "element 5 is NaN");
    const unsigned char inf_bytes[4] = { 0x00, 0x00, 0x80, 0xFF };
    memcpy(d + at, inf_bytes, 4);
    expect_reject(vf.header, d, vf.data_len, name, "element 5 is infinite");
    free(d);
    valid_free(&vf);
}

/* Every byte of the header replaced by a few others: never a crash, and a
 * load either fails with a message or succeeds (a harmless change). */
static void test_mutation_sweep(void **state)
{
    (void)state;
    valid_file vf;
    valid_make(&vf, 0);
    size_t len;
    unsigned char *buf = assemble(vf.header, vf.data, vf.data_len, &len);
    const unsigned char subs[] = { '"', '{', '9', 0x00, 0xFF };
    size_t hlen = strlen(vf.header), failures = 0;
    for (size_t i = 0; i < 8 + hlen; i += 3) {
        unsigned char saved = buf[i];
        for (size_t s = 0; s < sizeof subs; s++) {
            buf[i] = subs[s];
            weights_model m;
            char err[512] = "";
            if (weights_load_bytes(&m, buf, len, err, sizeof err) != 0) {
                failures++;
                assert_true(err[0] != '\0');
                assert_null(m.params.memory);
            }
            weights_model_free(&m);
        }
        buf[i] = saved;
    }
    assert_true(failures > hlen); /* most mutations are caught */
    free(buf);
    valid_free(&vf);
}

/* ---- saving ----------------------------------------------------------- */

static int count_tmp_files(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".tmp-")) n++;
    closedir(d);
    return n;
}

static void test_save_errors(void **state)
{
    (void)state;
    model_params p;
    tok_vocab v;
    make_model(&p, &v, 0, 1);
    char path[512], err[512];
    /* A directory that does not exist. */
    snprintf(path, sizeof path, "%s/no/such/dir/model.safetensors", test_tmpdir);
    assert_int_equal(weights_save(path, &p, &v, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "No such file or directory"));
    assert_non_null(strstr(err, path));
    assert_int_equal(count_tmp_files(test_tmpdir), 0);
    /* The target is a directory: refused, and no temporary file left (a rename
     * failing after the write is afile's, tested in test_afile.c). */
    snprintf(path, sizeof path, "%s/isdir.safetensors", test_tmpdir);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(weights_save(path, &p, &v, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "folder"));
    assert_int_equal(count_tmp_files(test_tmpdir), 0);
    rmdir(path);
    /* A vocabulary of the wrong size. */
    tok_vocab small;
    assert_int_equal(tok_vocab_init(&small, test_words, 6, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/x.safetensors", test_tmpdir);
    assert_int_equal(weights_save(path, &p, &small, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "vocabulary has 6 words"));
    tok_vocab_free(&small);
    /* A word the loader would refuse (invalid UTF-8, too long) is refused here. */
    const char *odd[6] = { "<pad>", "<bos>", "<eos>", "<unk>", "ok", "caf\xe9" };
    tok_vocab oddv;
    assert_int_equal(tok_vocab_init(&oddv, odd, 6, err, sizeof err), 0);
    model_params p6;
    model_config c6 = small_config(0);
    c6.vocab_size = 6;
    assert_int_equal(model_params_init(&p6, &c6), 0);
    assert_int_equal(weights_save(path, &p6, &oddv, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "vocab word 5"));
    tok_vocab_free(&oddv);
    char longw[80];
    memset(longw, 'a', 70);
    longw[70] = '\0';
    odd[5] = longw;
    assert_int_equal(tok_vocab_init(&oddv, odd, 6, err, sizeof err), 0);
    assert_int_equal(weights_save(path, &p6, &oddv, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "longer than 63 bytes"));
    tok_vocab_free(&oddv);
    model_params_free(&p6);
    assert_int_equal(access(path, F_OK), -1);
    /* A broken model is not written. */
    p.memory[p.n_floats - 1] = NAN;
    assert_int_equal(weights_save(path, &p, &v, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "NaN"));
    assert_int_equal(access(path, F_OK), -1);
    model_params_free(&p);
    tok_vocab_free(&v);
}

static void test_save_replaces(void **state)
{
    (void)state;
    model_params a, b;
    tok_vocab va, vb;
    make_model(&a, &va, 0, 100);
    make_model(&b, &vb, 1, 200);
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/replace.safetensors", test_tmpdir);
    assert_int_equal(weights_save(path, &a, &va, "first", err, sizeof err), 0);
    assert_int_equal(weights_save(path, &b, &vb, "second", err, sizeof err), 0);
    assert_int_equal(count_tmp_files(test_tmpdir), 0);
    weights_model m;
    if (weights_load(&m, path, err, sizeof err) != 0) fail_msg("load failed: %s", err);
    assert_string_equal(m.task, "second");
    assert_int_equal(m.params.cfg.has_final_norm, 1);
    assert_memory_equal(m.params.memory, b.memory, b.n_floats * sizeof(float));
    weights_model_free(&m);
    model_params_free(&a);
    model_params_free(&b);
    tok_vocab_free(&va);
    tok_vocab_free(&vb);
}

/* A write that fails half-way (here: the file-size limit, as a full disk
 * would) leaves the previous file intact, no temporary file, and strerror in
 * the message. Run in a child so the limit does not leak into other tests. */
static void test_save_fails_midway(void **state)
{
    (void)state;
    model_params a, b;
    tok_vocab va, vb;
    make_model(&a, &va, 0, 11);
    make_model(&b, &vb, 0, 12);
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/midway.safetensors", test_tmpdir);
    assert_int_equal(weights_save(path, &a, &va, "old", err, sizeof err), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = { 4096, 4096 };
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0) _exit(3);
        int rc = weights_save(path, &b, &vb, "new", err, sizeof err);
        _exit(rc == -1 && strstr(err, "File too large") && strstr(err, "write") ? 0 : 4);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(count_tmp_files(test_tmpdir), 0);
    weights_model m;
    if (weights_load(&m, path, err, sizeof err) != 0) fail_msg("old file damaged: %s", err);
    assert_string_equal(m.task, "old");
    assert_memory_equal(m.params.memory, a.memory, a.n_floats * sizeof(float));
    weights_model_free(&m);
    /* Loading a directory fails with strerror. */
    assert_int_equal(weights_load(&m, test_tmpdir, err, sizeof err), -1);
    assert_non_null(strstr(err, "Is a directory"));
    model_params_free(&a);
    model_params_free(&b);
    tok_vocab_free(&va);
    tok_vocab_free(&vb);
}

/* tlab-mkmodel writes what model_params_init_random makes; bad arguments exit 2. */
static void test_mkmodel_tool(void **state)
{
    (void)state;
    const char *bin = getenv("TLAB_BIN");
    if (!bin || !bin[0]) {
        print_message("TLAB_BIN not set (run through ctest): tlab-mkmodel not tested\n");
        skip();
    }
    char vocab_path[512], out[512], cmd[2048], err[512];
    snprintf(vocab_path, sizeof vocab_path, "%s/words.txt", test_tmpdir);
    FILE *f = fopen(vocab_path, "w");
    assert_non_null(f);
    fputs("the\n\ndog <unk>\n<unk>\nSees\r\n  cat  \n", f); /* "dog <unk>" could never be typed: skipped */
    fclose(f);
    snprintf(out, sizeof out, "%s/mk.safetensors", test_tmpdir);
    snprintf(cmd, sizeof cmd,
             "'%s/engine/tlab-mkmodel' --out '%s' --vocab '%s' --d-model 16 --heads 2 --d-ff 24 --max-len 12 "
             "--seed 9 --final-norm --task toy >/dev/null",
             bin, out, vocab_path);
    int rc = system(cmd);
    assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
    weights_model m;
    if (weights_load(&m, out, err, sizeof err) != 0) fail_msg("%s", err);
    const char *want[] = { "<pad>", "<bos>", "<eos>", "<unk>", "the", "sees", "cat" };
    assert_int_equal(m.vocab.size, 7);
    for (int i = 0; i < 7; i++) assert_string_equal(tok_vocab_word(&m.vocab, i), want[i]);
    assert_int_equal(m.params.cfg.d_model, 16);
    assert_int_equal(m.params.cfg.d_ff, 24);
    assert_int_equal(m.params.cfg.max_len, 12);
    assert_int_equal(m.params.cfg.has_final_norm, 1);
    assert_string_equal(m.task, "toy");
    model_params ref;
    assert_int_equal(model_params_init(&ref, &m.params.cfg), 0);
    model_params_init_random(&ref, 9);
    assert_memory_equal(ref.memory, m.params.memory, ref.n_floats * sizeof(float));
    model_params_free(&ref);
    weights_model_free(&m);

    const char *bad_args[] = { "--bogus", "--d-model", "--d-model x", "--heads 3", "--seed -1", "" };
    for (size_t i = 0; i < sizeof bad_args / sizeof *bad_args; i++) {
        snprintf(cmd, sizeof cmd, "'%s/engine/tlab-mkmodel' %s%s %s 2>/dev/null", bin, i == 5 ? "" : "--out ",
                 i == 5 ? "" : out, bad_args[i]);
        rc = system(cmd);
        if (!(WIFEXITED(rc) && WEXITSTATUS(rc) == 2)) fail_msg("expected exit 2 for: %s", cmd);
    }
}

TEST_MAIN(test_tmpdir_setup, test_tmpdir_teardown,
          cmocka_unit_test(test_round_trip),
          cmocka_unit_test(test_round_trip_final_norm),
          cmocka_unit_test(test_round_trip_no_vocab),
          cmocka_unit_test(test_header_layout),
          cmocka_unit_test(test_prefixed_names),
          cmocka_unit_test(test_reject_empty_and_short),
          cmocka_unit_test(test_reject_header_length),
          cmocka_unit_test(test_reject_bad_json),
          cmocka_unit_test(test_reject_dtype),
          cmocka_unit_test(test_reject_shape),
          cmocka_unit_test(test_reject_offsets),
          cmocka_unit_test(test_reject_truncated_data),
          cmocka_unit_test(test_reject_missing_and_unknown),
          cmocka_unit_test(test_reject_metadata),
          cmocka_unit_test(test_reject_vocab),
          cmocka_unit_test(test_reject_nan_inf),
          cmocka_unit_test(test_mutation_sweep),
          cmocka_unit_test(test_save_errors),
          cmocka_unit_test(test_save_replaces),
          cmocka_unit_test(test_save_fails_midway),
          cmocka_unit_test(test_mkmodel_tool))
