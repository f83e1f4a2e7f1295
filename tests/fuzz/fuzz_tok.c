/* fuzz_tok.c - libFuzzer harness for the tokenizer with the real vocabulary
 * (assets/model.safetensors): tok_tokenize on any bytes (empty, spaces,
 * control characters, invalid UTF-8, emoji, very long words), then
 * tok_normalize, tok_nearest on every word, tok_detokenize of the ids and of
 * ids taken from the raw bytes (out of range included); for one input in 64,
 * the model_translate the app runs on every edit (3 decoding steps: the
 * forward pass is slow under the sanitizers and is not what is fuzzed here). Checks the promises
 * of tok.h: words are NUL-terminated, byte ranges lie inside the input, ids
 * are in range, n_total >= the count.
 *
 * Must not: write files; the vocabulary is loaded once.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tok.h"
#include "trace.h"
#include "weights.h"

static weights_model g_model;
static trace g_trace;
static int g_ready;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    char err[512], path[1024];
    const char *assets = getenv("TLAB_ASSETS");
    snprintf(path, sizeof path, "%s/model.safetensors", assets ? assets : TLAB_ASSETS_DIR);
    if (weights_load(&g_model, path, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz_tok: cannot load %s: %s\n", path, err);
        abort();
    }
    if (trace_init(&g_trace, &g_model.params.cfg) != 0) abort();
    g_ready = 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_ready || size > 20000) return 0;
    const tok_vocab *v = &g_model.vocab;
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    size_t tlen = strlen(text);

    static tok_token toks[1100];
    int max_tokens = size > 0 && (data[0] & 1) ? 31 : 1024;
    int total = -1;
    int n = tok_tokenize(v, text, toks, max_tokens, &total);
    if (n < 0 || n > max_tokens || total < n) __builtin_trap();
    int ids[1100];
    for (int i = 0; i < n; i++) {
        const tok_token *k = &toks[i];
        if (!memchr(k->text, 0, sizeof k->text)) __builtin_trap();
        if (k->byte_start < 0 || k->byte_len < 0 || (size_t)k->byte_start + (size_t)k->byte_len > tlen) __builtin_trap();
        if (k->id < 0 || k->id >= v->size || (k->is_unk != (k->id == TOK_UNK))) __builtin_trap();
        ids[i] = k->id;
        char norm[TOK_WORD_MAX];
        tok_normalize(k->text, norm, sizeof norm);
        if (k->is_unk && i < 8) {
            int near[3];
            int m = tok_nearest(v, k->text, near, 3);
            for (int j = 0; j < m; j++)
                if (near[j] < 4 || near[j] >= v->size) __builtin_trap();
        }
    }
    char out[4096];
    int ol = tok_detokenize(v, ids, n, out, sizeof out);
    if (ol < 0 || (size_t)ol >= sizeof out || strlen(out) != (size_t)ol) __builtin_trap();
    /* ids straight from the bytes: out of range, negative, specials */
    int raw[64], nr = 0;
    for (size_t i = 0; i + 1 < size && nr < 64; i += 2) raw[nr++] = (int)(int16_t)(data[i] | (data[i + 1] << 8));
    char small[40];
    tok_detokenize(v, raw, nr, small, sizeof small);
    tok_normalize(text, small, sizeof small);

    if (size > 0 && (data[size - 1] & 63) == 0) {
        char err[256];
        trace_opts o;
        memset(&o, 0, sizeof o);
        o.max_steps = 3;
        if (model_translate(&g_model.params, v, text, &o, &g_trace, err, sizeof err) == 0)
            trace_output_text(&g_trace, v, out, sizeof out);
    }
    free(text);
    return 0;
}
