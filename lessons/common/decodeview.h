/* decodeview.h - the "decoding choices" step of the output lesson (lesson 13):
 * greedy decoding, beam search and temperature / top-k sampling of the live
 * sentence side by side, and at the selected decoding step the model's
 * distribution softmax(logits) next to the one sampling draws from,
 * softmax(logits / T) over the top k.
 *
 * A decodeview owns the runs (one trace for the samples, a beamview for the
 * beam), made again only when the sentence, the model or a choice (T, k, seed)
 * changed; the lesson never runs the model itself. Samples are seeded
 * (seeds seed .. seed + DECODEVIEW_SAMPLES - 1), so a class sees the same ones.
 *
 * Must not: change the live trace, or keep pointers into it.
 */
#ifndef DECODEVIEW_H
#define DECODEVIEW_H

#include <stddef.h>

#include "lesson.h"

#define DECODEVIEW_SAMPLES 4

typedef struct decodeview decodeview;

/* A handle with its trace allocated for cfg (NULL cfg: on the first run). NULL on no memory. */
decodeview *decodeview_new(const model_config *cfg);
void decodeview_free(decodeview *d);  /* accepts NULL */
/* Runs what changed for the live sentence (the beam and the seeded samples). */
void decodeview_refresh(decodeview *d, const lesson_ctx *ctx);
/* Runs what changed (decodeview_refresh: the runs are a cache, made when the step is shown, not on
 * every edit), then draws the choices (buttons), the distribution at step t and the translations into r. */
void decodeview_draw(decodeview *d, const lesson_ctx *ctx, SDL_Rect r, int t);
/* A click on a choice in r: changes it and runs again; 1 when it was one. */
int decodeview_event(decodeview *d, const SDL_Event *ev, const lesson_ctx *ctx, SDL_Rect r);
/* {"temperature": .., "top_k": .., "seed": .., "greedy": "..", "beam": "..", button rects, "samples": [..]}
 * for the view drawn in r */
int decodeview_dump(const decodeview *d, const lesson_ctx *ctx, SDL_Rect r, char *dst, size_t n);

#endif
