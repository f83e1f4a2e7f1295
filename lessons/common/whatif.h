/* whatif.h - "what if" runs of the model for demonstrations that need a second
 * trace next to the live one, e.g. the masked-attention lesson's "break it"
 * switch (the same decoder input run again WITHOUT the causal mask) or the
 * Experiments lesson's ablations (a sentence translated with one part broken).
 *
 * A lesson may not run the model itself; it asks this module instead. A whatif
 * handle owns one trace, allocated once (see whatif_new), and re-runs the model only when the
 * live trace's ids (or the model) changed since the last call, so calling it on
 * every trace change is cheap.
 *
 * Must not: change the live trace, draw, or keep pointers into the live trace.
 */
#ifndef WHATIF_H
#define WHATIF_H

#include <stddef.h>

#include "model.h"
#include "trace.h"

typedef struct whatif whatif;

/* A handle. With cfg, its trace is allocated now (the memory it holds then does not
 * change with what the user does later); with NULL, on the first run (what the
 * lessons do: start-up, above all the web page's first frame, does not pay for
 * traces of lessons not yet opened; a failed allocation is reported by the run).
 * NULL on no memory. */
whatif *whatif_new(const model_config *cfg);
void whatif_free(whatif *w);  /* accepts NULL */

/* The live trace's source and decoder input (src_ids, tgt_ids[0..n_tgt-1]) run
 * teacher-forced with trace_opts.no_causal_mask = 1: every decoder row sees every
 * row, its own future included. Returns the what-if trace (owned by w, valid
 * until the next call or whatif_free), or NULL with a message in err. */
const trace *whatif_no_causal_mask(whatif *w, const model_params *p, const trace *live, char *err, size_t err_len);

/* The sentence translated (greedy, as the app does) with opts, e.g. an
 * ablation of trace_opts (no positional encoding, a head zeroed, ...). Re-runs
 * only when the model, the sentence or opts changed since the last call.
 * Returns the trace (owned by w) or NULL with a message in err. */
const trace *whatif_translate(whatif *w, const model_params *p, const tok_vocab *vocab, const char *sentence,
                              const trace_opts *opts, char *err, size_t err_len);

/* The trace of w's last successful run (read only), or NULL when there is none. */
const trace *whatif_trace(const whatif *w);

/* How many model runs w has made (for tests: a second call on the same live ids must not re-run). */
int whatif_runs(const whatif *w);

#endif
