/* fuzz_scaled_weights.c - libFuzzer harness for models with finite but
 * extreme weights (issue 12 item 2): the shipped model with each tensor scaled
 * by a power of ten from 1e-30 to 1e30 chosen by the input, plus a sprinkling
 * of extreme values (FLT_MAX, -FLT_MAX, the smallest normal and denormal, -0)
 * written into single weights, saved as a safetensors file, loaded by the app
 * and drawn: every lesson and every step, once, to an offscreen surface with
 * the software renderer (app_bench with one frame per step). The forward pass
 * then overflows to Inf and NaN in every possible place; the drawing code must
 * never turn such a float into an out-of-range int (UBSan: float-cast-overflow)
 * nor crash.
 *
 * Input: byte t (cycling) picks tensor t's exponent; after that, each triple
 * (tensor, index, kind) plants one extreme value.
 *
 * Drawn at 400x300 to keep one execution short.
 *
 * Must not: write outside /tmp/fuzz_scaled_weights.PID.safetensors.
 */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "weights.h"

static weights_model g_m;
static float *g_orig;
static char g_path[96];
static FILE *g_null;

static void setup(void)
{
    const char *assets = getenv("TLAB_ASSETS");
    char src[1024], err[512];
    snprintf(src, sizeof src, "%s/model.safetensors", assets && *assets ? assets : TLAB_ASSETS_DIR);
    if (weights_load(&g_m, src, err, sizeof err) != 0) abort();
    g_orig = malloc(sizeof(float) * g_m.params.n_floats);
    if (!g_orig) abort();
    memcpy(g_orig, g_m.params.memory, sizeof(float) * g_m.params.n_floats);
    snprintf(g_path, sizeof g_path, "/tmp/fuzz_scaled_weights.%d.safetensors", (int)getpid());
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    g_null = fopen("/dev/null", "w");
    if (!g_null) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 1024) return 0;
    if (!g_orig) setup();
    model_params *p = &g_m.params;
    memcpy(p->memory, g_orig, sizeof(float) * p->n_floats);
    int nt = p->n_tensors;
    size_t used = (size_t)nt < size ? (size_t)nt : size;
    for (int t = 0; t < nt; t++) {
        int e = (int)(data[(size_t)t % used] % 61) - 30; /* 1e-30 .. 1e30 */
        float k = (float)pow(10.0, e);
        float *w = p->memory + p->tensors[t].offset;
        for (size_t i = 0; i < p->tensors[t].count; i++) w[i] *= k; /* finite: |w| < 10, 10 * 1e30 < FLT_MAX */
    }
    static const float extreme[] = {FLT_MAX, -FLT_MAX, FLT_MIN, -FLT_MIN, 1e-45f, -0.0f, 3e38f, -1e37f};
    for (size_t i = used; i + 3 <= size; i += 3) {
        const model_tensor *t = &p->tensors[data[i] % nt];
        size_t at = ((size_t)data[i + 1] * 7919u) % t->count;
        p->memory[t->offset + at] = extreme[data[i + 2] % (sizeof extreme / sizeof extreme[0])];
    }
    char err[512];
    if (weights_save(g_path, p, &g_m.vocab, g_m.task, err, sizeof err) != 0) __builtin_trap();
    char *argv[] = {"transformer-lab", "--model", g_path, "--export-size", "400x300", NULL};
    app_options o;
    if (app_parse_args(5, argv, &o, g_null, g_null) != -1) __builtin_trap();
    int rc = app_bench(&o, 1, g_null);
    if (rc != APP_EXIT_OK) __builtin_trap();
    return 0;
}
