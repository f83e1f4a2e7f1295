/* model_fixture.h - the model the app's tests run: the shipped trained weights
 * (TLAB_ASSETS/model.safetensors, else the source tree's assets), or the
 * untrained ones when the trained file is missing.
 *
 * Must not: hide a failure: it prints the reason and returns -1, so the cmocka
 * set-up (or assertion) fails.
 */
#ifndef MODEL_FIXTURE_H
#define MODEL_FIXTURE_H

#include "weights.h"

/* Loads the trained model into m, else the untrained one. 0, or -1 with the
 * reason on stderr (then m holds nothing to free). */
int model_fixture_load(weights_model *m);

#endif
