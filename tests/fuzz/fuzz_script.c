/* fuzz_script.c - libFuzzer harness for the --script file parser
 * (app/script.c): every line of the input through script_parse_line, and the
 * whole input as a file through script_load (lines longer than its buffer,
 * NUL bytes, invalid UTF-8, huge numbers, odd key specs). Checks: a result of
 * -1, 0 or 1; an error message for -1; a terminated argument; resize sizes in
 * the documented range.
 *
 * Must not: keep state between inputs other than its one scratch file.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "script.h"

static char g_path[64];

static void check(int rc, const script_cmd *c, const char *err, size_t err_len)
{
    if (rc < -1 || rc > 1) __builtin_trap();
    if (rc == -1 && (err[0] == 0 || !memchr(err, 0, err_len))) __builtin_trap();
    if (rc == 1) {
        if (!memchr(c->arg, 0, sizeof c->arg)) __builtin_trap();
        if (c->op <= SCRIPT_NONE || c->op > SCRIPT_QUIT) __builtin_trap();
        if (c->op == SCRIPT_RESIZE && (c->x < 100 || c->y < 100 || c->x > 8192 || c->y > 8192)) __builtin_trap();
        if (c->op == SCRIPT_WAIT && c->x < 0) __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536) return 0;
    /* 1. line by line, as NUL-terminated strings (a NUL ends the line, as for fgets' callers) */
    char *buf = malloc(size + 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    buf[size] = 0;
    char *p = buf;
    while (p <= buf + size) {
        char *nl = memchr(p, '\n', (size_t)(buf + size - p));
        if (nl) *nl = 0;
        script_cmd c;
        char err[256];
        err[0] = 0;
        check(script_parse_line(p, &c, err, sizeof err), &c, err, sizeof err);
        if (!nl) break;
        p = nl + 1;
    }
    free(buf);
    /* 2. the whole input as a file */
    if (!g_path[0]) snprintf(g_path, sizeof g_path, "/tmp/fuzz_script.%d.txt", (int)getpid());
    FILE *f = fopen(g_path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    script_cmd *cmds = NULL;
    char err[1200];
    err[0] = 0;
    int n = script_load(g_path, &cmds, err, sizeof err);
    if (n < 0) {
        if (cmds || err[0] == 0) __builtin_trap();
    } else {
        for (int i = 0; i < n; i++) check(1, &cmds[i], err, sizeof err);
    }
    free(cmds);
    return 0;
}
