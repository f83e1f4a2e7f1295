/* weights.h - load and save a model in safetensors format (8-byte little-endian
 * header length, a JSON header, raw little-endian F32 data) with the tensor
 * names of PyTorch's torch.nn.Transformer plus "embedding.weight", and the
 * sizes, vocabulary and task in the header's __metadata__ (all values strings).
 * The full list of names and shapes is in docs/weights.md.
 *
 * Loading validates everything before anything is handed back: a failure
 * leaves the outputs empty and writes a message naming the problem (and the
 * tensor, when one is at fault). Never a crash, never a half-loaded model.
 */
#ifndef WEIGHTS_H
#define WEIGHTS_H

#include <stddef.h>

#include "model.h"
#include "tok.h"

typedef struct {
    model_params params;
    tok_vocab vocab;          /* from metadata "vocab"; when absent, words are "#<id>" with the four specials first */
    int has_vocab;            /* 1 when the file carried a vocabulary */
    char task[128];           /* metadata "task", e.g. "toy-en-de"; "" when absent */
} weights_model;

/* Loads path into m. 0 on success; -1 with a message in err (m is then empty);
 * the message does not repeat the path: the caller names the file once. Only a
 * regular file is read, and only as far as its header declares. */
int weights_load(weights_model *m, const char *path, char *err, size_t err_len);
/* The same from bytes in memory (for tests and fuzzing). */
int weights_load_bytes(weights_model *m, const unsigned char *data, size_t len, char *err, size_t err_len);
void weights_model_free(weights_model *m);  /* accepts NULL */

/* Writes params (and vocab, when not NULL; task, when not NULL) to path,
 * through a temporary file renamed into place so an interrupted save leaves
 * any previous file intact. 0 on success; -1 with a message in err. */
int weights_save(const char *path, const model_params *params, const tok_vocab *vocab, const char *task,
                 char *err, size_t err_len);
/* The same; never_overwrite 1: fails ("exists") when path exists (AFILE_NEW). */
int weights_save_mode(const char *path, int never_overwrite, const model_params *params, const tok_vocab *vocab,
                      const char *task, char *err, size_t err_len);

#endif
