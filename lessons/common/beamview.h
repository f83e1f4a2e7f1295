/* beamview.h - beam searches for the beam-search lesson (lesson 15), which may
 * not run the model itself: it asks this module for the beam of the live
 * sentence's source ids.
 *
 * A beamview owns one trace and one beam_result, allocated once (beamview_new),
 * and runs the search again only when the key changed since the last call:
 * (model, source ids, beam size, alpha). Calling it every frame is cheap.
 * A search takes ~10 ms at beam 4 for 10 words (bench_engine; ~14 ms for 31
 * words), so a lesson calls it when it is shown, not on every edit.
 *
 * Must not: change the live trace, draw, or keep pointers into the live trace.
 */
#ifndef BEAMVIEW_H
#define BEAMVIEW_H

#include <stddef.h>

#include "beam.h"
#include "model.h"
#include "trace.h"

typedef struct beamview beamview;

/* A handle; with cfg its trace is allocated now (else on the first search).
 * NULL on no memory. */
beamview *beamview_new(const model_config *cfg);
void beamview_free(beamview *b);  /* accepts NULL */

/* The beam search of src_ids[n_src] with beam size beam and length penalty
 * alpha (max output length L). Returns the result (owned by b, valid until the
 * next call or beamview_free), or NULL with a message in err. */
const beam_result *beamview_get(beamview *b, const model_params *p, const int *src_ids, int n_src, int beam,
                                double alpha, char *err, size_t err_len);

/* The last good result, or NULL (no search yet, or the last one failed). */
const beam_result *beamview_last(const beamview *b);

/* How many searches b has run (for tests: the same key must not run again). */
int beamview_runs(const beamview *b);

#endif
