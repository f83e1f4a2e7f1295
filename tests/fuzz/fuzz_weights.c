/* fuzz_weights.c - libFuzzer harness for the safetensors loader
 * (weights_load_bytes): the 8-byte header length, the JSON header, the
 * metadata (sizes, vocabulary, task), tensor names, shapes, dtypes and
 * offsets, and the data. Any input must give a model or an error message,
 * never a crash, a leak or undefined behaviour; a loaded model must be usable
 * (one forward pass on it). Build: see tests/fuzz/CMakeLists.txt.
 *
 * Must not: keep state between inputs, or touch files.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "trace.h"
#include "weights.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    weights_model m;
    char err[512];
    memset(err, 0, sizeof err);
    if (weights_load_bytes(&m, data, size, err, sizeof err) != 0) {
        /* the message must be a terminated, non-empty string */
        if (err[0] == 0 || memchr(err, 0, sizeof err) == NULL) __builtin_trap();
        return 0;
    }
    /* a model that loads must run: every size it declares is honoured by the trace */
    const model_config *cfg = &m.params.cfg;
    if ((long)cfg->max_len * cfg->d_model <= 4096 * 64 && cfg->vocab_size <= 4096) {
        trace t;
        if (trace_init(&t, cfg) == 0) {
            int src[3] = {TOK_UNK, TOK_UNK, TOK_EOS}, tgt[2] = {TOK_BOS, TOK_UNK};
            int n_src = cfg->max_len < 3 ? cfg->max_len : 3, n_tgt = cfg->max_len < 2 ? cfg->max_len : 2;
            if (cfg->vocab_size > TOK_EOS) model_run_ids(&m.params, src, n_src, tgt, n_tgt, NULL, &t, err, sizeof err);
            trace_free(&t);
        }
    }
    weights_model_free(&m);
    return 0;
}
