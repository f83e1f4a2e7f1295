/* tool_args.h - the number flags of the engine's command-line tools, parsed
 * one way: the whole argument must be a number in [lo, hi] (a seed: any
 * non-negative 64-bit integer); otherwise a message on stderr naming the tool,
 * the flag and what it needs, and -1 (the tool then exits 2).
 * Header-only: each tool is one program of one file (engine/CMakeLists.txt).
 */
#ifndef TOOL_ARGS_H
#define TOOL_ARGS_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static inline int tool_long(const char *tool, const char *flag, const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || !end || end == s || *end || v < lo || v > hi) {
        fprintf(stderr, "%s: %s needs an integer between %ld and %ld, not \"%s\"\n", tool, flag, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

static inline int tool_double(const char *tool, const char *flag, const char *s, double lo, double hi, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || !end || end == s || *end || !(v >= lo && v <= hi)) {
        fprintf(stderr, "%s: %s needs a number between %g and %g, not \"%s\"\n", tool, flag, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

static inline int tool_seed(const char *tool, const char *flag, const char *s, unsigned long long *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || !end || end == s || *end || s[0] == '-') {
        fprintf(stderr, "%s: %s needs a non-negative integer, not \"%s\"\n", tool, flag, s);
        return -1;
    }
    *out = v;
    return 0;
}

#endif
