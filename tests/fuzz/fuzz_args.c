/* fuzz_args.c - libFuzzer harness for the command line of transformer-lab
 * (app_parse_args in app/app_args.c): the input split at NUL bytes into up to
 * 64 arguments. Checks: the result is -1 (go on) or an exit code 0 or 2; after
 * -1, the sizes are in the documented range and the theme is dark or light.
 *
 * Must not: print to the terminal (help and errors go to /dev/null).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

static FILE *g_null;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384) return 0;
    if (!g_null) g_null = fopen("/dev/null", "w");
    if (!g_null) return 0;
    char *buf = malloc(size + 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    buf[size] = 0;
    char *argv[66];
    int argc = 0;
    argv[argc++] = "transformer-lab";
    for (char *p = buf; p <= buf + size && argc < 65;) {
        argv[argc++] = p;
        p += strlen(p) + 1;
    }
    argv[argc] = NULL;
    app_options o;
    int rc = app_parse_args(argc, argv, &o, g_null, g_null);
    if (rc != -1 && rc != APP_EXIT_OK && rc != APP_EXIT_USAGE) __builtin_trap();
    if (rc == -1) {
        if (o.width < 320 || o.height < 240 || o.width > 8192 || o.height > 8192) __builtin_trap();
        if (o.export_w < 320 || o.export_h < 240 || o.export_w > 8192 || o.export_h > 8192) __builtin_trap();
        if (!o.theme || (strcmp(o.theme, "dark") && strcmp(o.theme, "light"))) __builtin_trap();
        if (!o.lang || !o.assets_dir) __builtin_trap();
    }
    free(buf);
    return 0;
}
