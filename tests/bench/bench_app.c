/* bench_app.c - rendering benchmark of transformer-lab: for every lesson and
 * step at 1920x1080 with the software renderer, the median and p95 frame time
 * over a few hundred frames with the mouse moving, the time to the first
 * frame, and peak memory. Targets: p95 < 5 ms, first frame < 200 ms,
 * peak memory < 100 MB. Results go in BENCHMARKS.md, "Rendering (bench_app)".
 *
 *   bench_app [--frames N] [--size WxH] [--sentence S] [--theme dark|light]
 *
 * Must not: be run as a test (timings are not pass/fail on shared machines).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

int main(int argc, char **argv)
{
    int frames = 300;
    /* --frames is ours; everything else is the app's own options */
    char *args[64];
    int n = 0;
    args[n++] = argv[0];
    for (int i = 1; i < argc && n < 60; i++) {
        if (!strcmp(argv[i], "--frames") && i + 1 < argc) frames = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--size") && i + 1 < argc) { args[n++] = "--export-size"; args[n++] = argv[++i]; }
        else args[n++] = argv[i];
    }
    if (frames < 10) frames = 10;
    app_options o;
    int rc = app_parse_args(n, args, &o, stdout, stderr);
    if (rc >= 0) return rc;
    return app_bench(&o, frames, stdout);
}
