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

#include "app.h"
#include "bench_args.h"

int main(int argc, char **argv)
{
    /* --frames is ours; everything else is the app's own options */
    const char *frames_arg = NULL;
    char *args[64];
    int n = bench_app_args(argc, argv, "--frames", &frames_arg, args, 64);
    int frames = frames_arg ? atoi(frames_arg) : 300;
    if (frames < 10) frames = 10;
    app_options o;
    int rc = app_parse_args(n, args, &o, stdout, stderr);
    if (rc >= 0) return rc;
    return app_bench(&o, frames, stdout);
}
