/* weights_vocab.h - private to weights.c: the vocabulary kept in a weights
 * file's __metadata__ "vocab", read and checked. Not part of the engine's API
 * (use weights.h). */
#ifndef WEIGHTS_VOCAB_H
#define WEIGHTS_VOCAB_H

#include <stddef.h>

#include "json.h"
#include "weights.h"

/* Builds m->vocab (m->params.cfg.vocab_size words) from the metadata object
 * meta, or "#<id>" names when it has no "vocab". Words are read the way the
 * tokenizer reads typed text: lower-cased ("Dog" loads as "dog"); two words
 * that are one once lower-cased are refused. 0 ok; -1 with err. */
int weights_vocab_load(weights_model *m, const json_value *meta, char *err, size_t err_len);

#endif
