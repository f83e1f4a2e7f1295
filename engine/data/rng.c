/* rng.c - splitmix64, the project's one pseudo-random generator (see rng.h). */
#include "rng.h"

uint64_t rng_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

uint64_t rng_next(uint64_t *state) { return rng_mix(*state += 0x9E3779B97F4A7C15ULL); }

float rng_uniform(uint64_t *state) { return (float)((rng_next(state) >> 40) * (1.0 / 16777216.0)); }
