/* rng.h - the project's one pseudo-random generator: splitmix64 (a 64-bit
 * state, well mixed, the same sequence on every machine). Used for parameter
 * initialisation, the synthetic corpus, training's batch plan and the app's
 * --monkey runs; each keeps its own state, so their sequences stay independent
 * and reproducible from a seed.
 *
 * Must not: keep hidden global state, or read the clock.
 */
#ifndef RNG_H
#define RNG_H

#include <stdint.h>

/* The next 64 random bits; advances *state by the golden-ratio step. */
uint64_t rng_next(uint64_t *state);
/* splitmix64's finaliser alone: a well-mixed 64-bit hash of z (for seeding a state). */
uint64_t rng_mix(uint64_t z);
/* A float in [0, 1) with 24 random bits. */
float rng_uniform(uint64_t *state);

#endif
