/* bench_app_training.c - training in the app, measured: from pressing start in
 * lesson 16 (random weights; the corpus generation counts) to 50% and 90% exact
 * match on 200 held-out test sentences while the app draws the lesson at up to
 * 60 frames per second with the software renderer; the p95 frame time while it
 * trains. Target (issue 16): 90% within 30 s on an idle 2-core machine, frame
 * p95 under 16 ms. Results go in BENCHMARKS.md, "Training in the app".
 *
 *   bench_app_training [--limit SECONDS] [--size WxH] [app options]
 *
 * Must not: be run as a test (timings are not pass/fail on shared machines).
 */
#include <stdio.h>
#include <stdlib.h>

#include "app.h"
#include "bench_args.h"

int main(int argc, char **argv)
{
    const char *limit_arg = NULL;
    char *args[64];
    int n = bench_app_args(argc, argv, "--limit", &limit_arg, args, 64);
    double limit = limit_arg ? atof(limit_arg) : 120.0;
    if (!(limit >= 1.0 && limit <= 3600.0)) {
        fprintf(stderr, "bench_app_training: --limit must be 1..3600 seconds\n");
        return 2;
    }
    app_options o;
    int rc = app_parse_args(n, args, &o, stdout, stderr);
    if (rc >= 0) return rc;
    return app_bench_training(&o, limit, stdout);
}
