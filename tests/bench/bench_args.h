/* bench_args.h - the command line of the app's benchmarks (bench_app,
 * bench_app_training): the benchmark's own flag (e.g. --frames N) is taken
 * out, --size WxH becomes the app's --export-size WxH, and every other
 * argument goes to app_parse_args as it is.
 *
 * Must not: parse the app's options itself (app_parse_args does).
 */
#ifndef BENCH_ARGS_H
#define BENCH_ARGS_H

#include <string.h>

/* Fills args [cap] with argv[0] and the app's arguments; *own_value gets the
 * value of the flag own when given (else it is left as it is). Returns the
 * count of args. */
static int bench_app_args(int argc, char **argv, const char *own, const char **own_value, char **args, int cap)
{
    int n = 0;
    args[n++] = argv[0];
    for (int i = 1; i < argc && n < cap - 4; i++) {
        if (!strcmp(argv[i], own) && i + 1 < argc) *own_value = argv[++i];
        else if (!strcmp(argv[i], "--size") && i + 1 < argc) { args[n++] = "--export-size"; args[n++] = argv[++i]; }
        else args[n++] = argv[i];
    }
    return n;
}

#endif
