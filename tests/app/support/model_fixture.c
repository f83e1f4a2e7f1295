/* model_fixture.c - see model_fixture.h.
 *
 * Must not: hide a failure.
 */
#include <stdio.h>

#include "model_fixture.h"
#include "ui_fixture.h"

int model_fixture_load(weights_model *m)
{
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/model.safetensors", ui_fixture_assets());
    if (weights_load(m, path, err, sizeof err) == 0) return 0;
    snprintf(path, sizeof path, "%s/model-untrained.safetensors", ui_fixture_assets());
    if (weights_load(m, path, err, sizeof err) == 0) return 0;
    fprintf(stderr, "model_fixture: no model: %s\n", err);
    return -1;
}
