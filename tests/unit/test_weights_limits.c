/* test_weights_limits.c - the weights loader at the edges of what a file may
 * declare (issue 12): a device or a FIFO refused before anything is read, a file
 * read only as far as its header declares (a big tail is refused after the header,
 * its bytes never read), every layer count docs/weights.md allows (16+16: a table
 * of 481 tensors) loaded, messages that leave naming the file to the caller, and
 * vocabulary words read as the tokenizer reads typed text ("Dog" as "dog").
 * It must not test the format's rejections one by one (see test_weights.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"
#include "tok.h"
#include "test_util.h"
#include "weights.h"

static const char *const words[] = { "<pad>", "<bos>", "<eos>", "<unk>", "the", "dog", "sees", "der", "hund" };
#define N_WORDS ((int)(sizeof words / sizeof *words))

/* A small random model of enc+dec layers saved to path. */
static void save_model(const char *path, int enc, int dec, model_params *p, tok_vocab *v)
{
    model_config c = test_config(N_WORDS, 8, 2, enc, 12, 8);
    c.n_dec_layers = dec;
    char err[512];
    assert_int_equal(model_params_init(p, &c), 0);
    model_params_init_random(p, 5);
    assert_int_equal(tok_vocab_init(v, words, N_WORDS, err, sizeof err), 0);
    if (weights_save(path, p, v, "toy", err, sizeof err) != 0) fail_msg("save: %s", err);
}

/* Bytes this process has read through read(2) so far (Linux /proc/self/io). */
static long long bytes_read(void)
{
    FILE *f = fopen("/proc/self/io", "r");
    char line[128];
    long long n = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "rchar:", 6) == 0) n = atoll(line + 6);
    if (f) fclose(f);
    return n;
}

/* /dev/zero, a FIFO without a writer and a folder: refused at once, nothing read. */
static void test_non_regular_refused(void **state)
{
    (void)state;
    weights_model m;
    char err[512];
    assert_int_equal(weights_load(&m, "/dev/zero", err, sizeof err), -1);
    assert_non_null(strstr(err, "not a regular file"));
    assert_null(m.params.memory);
    char fifo[600];
    snprintf(fifo, sizeof fifo, "%s/pipe.safetensors", test_tmpdir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(weights_load(&m, fifo, err, sizeof err), -1); /* would wait forever if it opened it */
    assert_non_null(strstr(err, "not a regular file"));
    assert_int_equal(weights_load(&m, test_tmpdir, err, sizeof err), -1);
    assert_non_null(strstr(err, "Is a directory"));
    assert_null(strstr(err, test_tmpdir)); /* the caller names the file, once */
}

/* A valid model followed by 64 MB (sparse, so nothing is really written): the
 * header does not declare them, so they are refused without being read. */
static void test_reads_only_what_the_header_declares(void **state)
{
    (void)state;
    char path[600], err[512];
    snprintf(path, sizeof path, "%s/tail.safetensors", test_tmpdir);
    model_params p;
    tok_vocab v;
    save_model(path, 1, 1, &p, &v);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(truncate(path, st.st_size + 64 * 1024 * 1024), 0);
    weights_model m;
    long long before = bytes_read();
    if (before < 0) skip(); /* no /proc/self/io */
    assert_int_equal(weights_load(&m, path, err, sizeof err), -1);
    long long used = bytes_read() - before;
    assert_non_null(strstr(err, "trailing data"));
    if (used > 1024 * 1024) fail_msg("read %lld bytes to refuse a file whose header declares %lld", used,
                                     (long long)st.st_size);
    /* A header length that runs past the end of the file: refused from its size. */
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    const unsigned char len8[8] = { 0x00, 0x00, 0x00, 0x01, 0, 0, 0, 0 }; /* 16 MB of header */
    fwrite(len8, 1, 8, f);
    fputs("{\"__metadata__\":{}}", f);
    fclose(f);
    assert_int_equal(weights_load(&m, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "runs past the end of the file"));
    model_params_free(&p);
    tok_vocab_free(&v);
}

/* 16 encoder and 16 decoder layers, the most docs/weights.md allows: 481 tensors. */
static void test_sixteen_plus_sixteen_layers(void **state)
{
    (void)state;
    char path[600], err[512];
    snprintf(path, sizeof path, "%s/deep.safetensors", test_tmpdir);
    model_params p;
    tok_vocab v;
    save_model(path, 16, 16, &p, &v);
    assert_int_equal(p.n_tensors, 1 + 16 * 12 + 16 * 18);
    weights_model m;
    if (weights_load(&m, path, err, sizeof err) != 0) fail_msg("16+16 layers refused: %s", err);
    assert_int_equal(m.params.n_tensors, p.n_tensors);
    assert_int_equal(m.params.cfg.n_enc_layers, 16);
    assert_int_equal(m.params.cfg.n_dec_layers, 16);
    assert_string_equal(m.params.tensors[m.params.n_tensors - 1].name, "decoder.layers.15.norm3.bias");
    assert_memory_equal(m.params.memory, p.memory, p.n_floats * sizeof(float));
    assert_ptr_equal(m.params.dec[15].norm3_bias, m.params.memory + m.params.tensors[p.n_tensors - 1].offset);
    weights_model_free(&m);
    model_params_free(&p);
    tok_vocab_free(&v);
    /* and with the final norms: 485 */
    model_config c = model_config_default(N_WORDS);
    c.n_enc_layers = c.n_dec_layers = 16;
    c.has_final_norm = 1;
    assert_int_equal(model_params_init(&p, &c), 0);
    assert_int_equal(p.n_tensors, 485);
    assert_non_null(p.dec_norm_bias);
    model_params_free(&p);
}

/* The file at path with every "from" replaced by "to" (same length: the header
 * length stays right). */
static void patch_file(const char *path, const char *from, const char *to)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_true(n < sizeof buf);
    size_t k = strlen(from), hits = 0;
    assert_int_equal(k, strlen(to));
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(buf + i, from, k) == 0) {
            memcpy(buf + i, to, k);
            hits++;
        }
    assert_true(hits > 0);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, n, f), n);
    fclose(f);
}

/* Issue 12, item 9: vocabulary words are read as the tokenizer reads typed text.
 * "Dog" loads as "dog" (so "the Dog sees" finds it); "Dog" beside "dog" is
 * refused with a message; a word the tokenizer would split ("se s") loads as an
 * output-only word and is never offered as a "did you mean". */
static void test_vocab_as_typed(void **state)
{
    (void)state;
    char path[600], err[512];
    snprintf(path, sizeof path, "%s/case.safetensors", test_tmpdir);
    model_params p;
    tok_vocab v;
    save_model(path, 1, 1, &p, &v);
    patch_file(path, "\\\"dog\\\"", "\\\"Dog\\\""); /* inside the vocab string: \"dog\" */
    weights_model m;
    if (weights_load(&m, path, err, sizeof err) != 0) fail_msg("\"Dog\" refused: %s", err);
    assert_int_equal(tok_vocab_find(&m.vocab, "dog"), 5);
    assert_int_equal(tok_vocab_find(&m.vocab, "Dog"), -1);
    tok_token t[4];
    int total = 0;
    assert_int_equal(tok_tokenize(&m.vocab, "the Dog sees", t, 4, &total), 3);
    assert_int_equal(t[1].id, 5);
    assert_false(t[1].is_unk);
    weights_model_free(&m);
    /* "Dog" and "dog" both: the same word once lower-cased */
    patch_file(path, "\\\"the\\\"", "\\\"dog\\\"");
    assert_int_equal(weights_load(&m, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "\"dog\" (id 4) and \"Dog\" (id 5) are the same word once lower-cased"));
    /* a word the tokenizer splits ("se s") cannot be typed: it loads (the model may
     * output it) but is never offered for a typo, which would give <unk> again */
    model_params_free(&p);
    tok_vocab_free(&v);
    save_model(path, 1, 1, &p, &v);
    patch_file(path, "\\\"sees\\\"", "\\\"se s\\\"");
    if (weights_load(&m, path, err, sizeof err) != 0) fail_msg("\"se s\" refused: %s", err);
    assert_string_equal(tok_vocab_word(&m.vocab, 6), "se s");
    int near[3];
    const int n_near = tok_nearest(&m.vocab, "sees", near, 3);
    for (int i = 0; i < n_near; i++) assert_int_not_equal(near[i], 6);
    weights_model_free(&m);
    /* a vocabulary built in memory with "Dog" is not offered either */
    const char *odd[] = { "<pad>", "<bos>", "<eos>", "<unk>", "the", "Dog", "dig", "der", "hund" };
    tok_vocab ov;
    assert_int_equal(tok_vocab_init(&ov, odd, N_WORDS, err, sizeof err), 0);
    const int n_dog = tok_nearest(&ov, "dog", near, 3); /* "dig", "der": never "Dog" */
    assert_true(n_dog >= 1);
    assert_int_equal(near[0], 6);
    for (int i = 0; i < n_dog; i++) assert_int_not_equal(near[i], 5);
    tok_vocab_free(&ov);
    model_params_free(&p);
    tok_vocab_free(&v);
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test_setup_teardown(test_non_regular_refused, test_tmpdir_setup, test_tmpdir_teardown),
          cmocka_unit_test_setup_teardown(test_reads_only_what_the_header_declares, test_tmpdir_setup, test_tmpdir_teardown),
          cmocka_unit_test_setup_teardown(test_sixteen_plus_sixteen_layers, test_tmpdir_setup, test_tmpdir_teardown),
          cmocka_unit_test_setup_teardown(test_vocab_as_typed, test_tmpdir_setup, test_tmpdir_teardown))
