/* fuzz_replay.c - libFuzzer harness for the --script replay: the input, line
 * by line, through the script parser (app/script.c), and every command it
 * accepts replayed by the real app (app_run: offscreen window, software
 * renderer, the shipped model) through the same event path as the keyboard and
 * the mouse: typed text of any bytes (the overflow of issue 12 item 1 lived
 * here, after the parser), keys, clicks, moves, lessons, resizes, screenshots
 * and dumps. The fuzz_script harness covers the parser alone.
 *
 * To keep one run short and the machine safe, the accepted commands are
 * written back with bounds the parser does not need: wait at most 2 frames,
 * resize at most 1600x1200, screenshot and dump into one scratch folder (never
 * a path from the input), at most 16 commands, a 640x480 window. Checks:
 * app_run returns 0 (or 2 for an unknown lesson), never crashes (ASan, UBSan).
 *
 * Must not: write outside its scratch folder. (The app's own messages go to
 * stderr beside libFuzzer's.)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "script.h"

static char g_dir[64], g_script[96];

static void setup(void)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/fuzz_replay.%d", (int)getpid());
    snprintf(g_script, sizeof g_script, "%s/script.txt", g_dir);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", g_dir);
    if (system(cmd) != 0) abort();
    setenv("SDL_VIDEODRIVER", "offscreen", 1);
    setenv("SDL_RENDER_DRIVER", "software", 1);
    setenv("SDL_FRAMEBUFFER_ACCELERATION", "0", 1);
    setenv("HOME", g_dir, 1);
}

/* Writes cmd back as a script line with the harness's bounds. */
static void write_cmd(FILE *f, const script_cmd *c, const char *line)
{
    switch (c->op) {
    case SCRIPT_TYPE: fprintf(f, "type %s\n", c->arg); break;
    case SCRIPT_KEY: fprintf(f, "key %s\n", c->arg); break;
    case SCRIPT_CLICK: fprintf(f, "click %d %d\n", c->x, c->y); break;
    case SCRIPT_MOVE: fprintf(f, "move %d %d\n", c->x, c->y); break;
    case SCRIPT_WAIT: fprintf(f, "wait %d\n", c->x > 2 ? 2 : c->x); break;
    case SCRIPT_SCREENSHOT: fprintf(f, "screenshot %s/shot.png\n", g_dir); break;
    case SCRIPT_DUMP: fprintf(f, "dump %s/dump.json\n", g_dir); break;
    case SCRIPT_LESSON: fprintf(f, "lesson %s\n", c->arg); break;
    case SCRIPT_RESIZE: fprintf(f, "resize %d %d\n", c->x > 1600 ? 1600 : c->x, c->y > 1200 ? 1200 : c->y); break;
    case SCRIPT_QUIT: fprintf(f, "quit\n"); break;
    default: (void)line; break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    if (!g_dir[0]) setup();
    char *buf = malloc(size + 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    buf[size] = 0;
    FILE *f = fopen(g_script, "w");
    if (!f) { free(buf); return 0; }
    int n = 0;
    char *p = buf;
    while (p <= buf + size && n < 16) { /* at most 16 commands a run: each may draw a frame */
        char *nl = memchr(p, '\n', (size_t)(buf + size - p));
        if (nl) *nl = 0;
        script_cmd c;
        char err[256];
        if (script_parse_line(p, &c, err, sizeof err) == 1) { write_cmd(f, &c, p); n++; }
        if (!nl) break;
        p = nl + 1;
    }
    free(buf);
    fprintf(f, "dump %s/end.json\nquit\n", g_dir);
    if (fclose(f) != 0) return 0;
    app_options o;
    char *argv[] = {"transformer-lab", "--size", "640x480", "--script", g_script, NULL};
    FILE *null = fopen("/dev/null", "w");
    int rc = app_parse_args(5, argv, &o, null, null);
    if (null) fclose(null);
    if (rc != -1) __builtin_trap();
    rc = app_run(&o);
    if (rc != APP_EXIT_OK && rc != APP_EXIT_USAGE) __builtin_trap();
    return 0;
}
