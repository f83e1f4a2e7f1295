/* web.c - the app's side of the web page (scripts/web.sh builds it with emcc;
 * single-threaded, or with threads in the hosting build of --threads): the browser runs the window's loop, one app_window_turn per
 * animation frame; the canvas follows the size of the browser's window; files the
 * app writes (screenshots, slides) are offered as downloads; typing through an input
 * method (IME: Chinese, Japanese, ...) reaches the sentence box as SDL_TEXTEDITING
 * (the composition) and SDL_TEXTINPUT (the result), which SDL's own emscripten
 * back end does not send; and two hooks for the
 * browser test (tests/web/) and BENCHMARKS.md, printed on the console: the state
 * dump of --script's dump command (app_dump) and the time of the drawn frames; and
 * the page's late data block, which arrives after the app has started (tlab_web_late).
 * Without threads the Training lesson's trainer runs pumped: a few milliseconds of
 * its work per frame (train_run_pump), the same code as the desktop's thread; with
 * threads (__EMSCRIPTEN_PTHREADS__: a cross-origin isolated page) it runs on its own
 * thread as on the desktop and the pump returns at once. The console says which
 * ("TLAB_THREADS n": the threads of a training step, 1 when pumped).
 *
 * Must not: hold a second copy of the loop, of an export or of the dump: it calls
 * the one in window.c, export.c, dump.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <SDL.h>
#include <emscripten.h>

#include "shell.h"

#define WEB_FRAMES_MAX 8192 /* frame times kept for tlab_web_frames (a ring) */
#define WEB_TRAIN_BUDGET_S 0.008 /* of each frame for the pumped trainer (engine/train_run.h) */

static app *web_app;
static double frame_ms[WEB_FRAMES_MAX];
static long n_frames;
static int first_drawn;

/* The canvas is as big as the browser's window (CSS pixels; SDL scales it by the
 * device pixel ratio, the window being HiDPI-aware). */
static void follow_browser_size(app *a)
{
    int w = EM_ASM_INT({ return window.innerWidth | 0; });
    int h = EM_ASM_INT({ return window.innerHeight | 0; });
    int ww, wh;
    SDL_GetWindowSize(a->win, &ww, &wh);
    if (w >= 100 && h >= 100 && (w != ww || h != wh)) app_set_window_size(a, w, h);
}

/* The page's late data block (app/web/pack_assets.py --late: the two big fallback
 * fonts) is unpacked: a text drawn before with boxes for its missing glyphs is drawn
 * again with them. Called by the page once, when that block is in after main started. */
EMSCRIPTEN_KEEPALIVE void tlab_web_late(void)
{
    if (!web_app) return;
    ui_cache_clear(&web_app->ui);
    web_app->dirty = 1;
}

/* An input method's composition, from the page's hidden text field (see
 * ime_follow): kind 0 = composing (SDL_TEXTEDITING), 1 = committed (SDL_TEXTINPUT). */
EMSCRIPTEN_KEEPALIVE void tlab_web_ime(int kind, const char *text)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    if (kind == 0) {
        e.type = SDL_TEXTEDITING;
        snprintf(e.edit.text, sizeof e.edit.text, "%s", text);
        e.edit.length = (Sint32)strlen(e.edit.text);
        SDL_PushEvent(&e);
        return;
    }
    /* SDL_TEXTINPUT holds up to 31 bytes: a longer result goes in pieces, never cut inside a character */
    size_t n = strlen(text), at = 0;
    while (at < n) {
        size_t k = n - at < sizeof e.text.text - 1 ? n - at : sizeof e.text.text - 1;
        while (k > 0 && at + k < n && ((unsigned char)text[at + k] & 0xC0) == 0x80) k--;
        if (k == 0) break;
        memset(&e, 0, sizeof e);
        e.type = SDL_TEXTINPUT;
        memcpy(e.text.text, text + at, k);
        SDL_PushEvent(&e);
        at += k;
    }
}

/* The browser sends an input method's composition only to a focused text field:
 * while the app takes text (SDL_StartTextInput), a hidden one has the focus (keys
 * still reach SDL, which listens on the window) and its composition events go to
 * tlab_web_ime; its own value is thrown away. */
static void ime_follow(void)
{
    EM_ASM({ Module.tlabImeFollow($0); }, SDL_IsTextInputActive()); /* app/web/web.js */
}

static void web_turn(void *arg)
{
    app *a = arg;
    follow_browser_size(a);
    ime_follow();
    unsigned long drawn = a->frames_drawn;
    double t0 = emscripten_get_now();
    /* no threads: the trainer works here, a little per frame (at least one step) */
    if (train_run_pump(a->train.run, WEB_TRAIN_BUDGET_S) > 0) a->dirty = 1;
    int rc = app_window_turn(a);
    double ms = emscripten_get_now() - t0;
    if (a->frames_drawn != drawn) {
        if (!first_drawn) EM_ASM({ performance.mark("tlab-first-frame"); console.log("TLAB_FIRST_FRAME " + performance.now().toFixed(1)); });
        first_drawn = 1;
        frame_ms[n_frames++ % WEB_FRAMES_MAX] = ms;
    }
    if (rc >= 0) { /* Ctrl+Q or a script's quit: the page stays, the loop stops */
        emscripten_cancel_main_loop();
        EM_ASM({ console.log("TLAB_EXIT " + $0); }, rc);
    }
}

void app_web_loop(app *a)
{
    web_app = a;
    EM_ASM({ performance.mark("tlab-app-ready"); Module.tlabStarted = 1; }); /* the window open, the lessons made (window.c) */
#ifdef __EMSCRIPTEN_PTHREADS__
    EM_ASM({ console.log("TLAB_THREADS " + $0 + " (the trainer and the scorer on threads of their own; cross-origin isolated: " + self.crossOriginIsolated + ")"); },
           train_options_default().threads);
#else
    EM_ASM({ console.log("TLAB_THREADS 1 (no threads: the trainer and the scorer pumped a little per frame)"); });
#endif
    SDL_SetWindowMinimumSize(a->win, 100, 100); /* the browser decides the size (a phone is narrower than 640) */
    follow_browser_size(a);
    emscripten_set_main_loop_arg(web_turn, a, 0, 1);
}

/* Files written through afile come out with mode 0 in emscripten's file system
 * (its permissions after mkstemp): readable again before the page reads them. */
static void readable(const char *path) { (void)chmod(path, 0644); }

void app_web_download(const char *path)
{
    readable(path);
    EM_ASM({ Module.tlabDownload(UTF8ToString($0)); }, path); /* app/web/web.js */
}

void app_web_download_dir(const char *dir)
{
    EM_ASM({ Module.tlabDownloadDir(UTF8ToString($0)); }, dir); /* app/web/web.js */
}

/* The browser test's state dump: app_dump's JSON, on the console as one message
 * "TLAB_DUMP {...}". */
EMSCRIPTEN_KEEPALIVE void tlab_web_dump(void)
{
    const char *path = "/tmp/tlab-dump.json";
    if (!web_app || app_dump(web_app, path) != 0) { EM_ASM({ console.log("TLAB_DUMP null"); }); return; }
    readable(path);
    EM_ASM({ console.log("TLAB_DUMP " + new TextDecoder().decode(FS.readFile(UTF8ToString($0)))); }, path);
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* The frames drawn since the last call (at most WEB_FRAMES_MAX): "TLAB_FRAMES n
 * p50 p95 max" in milliseconds of the turn that drew each (events, layout,
 * drawing, present), then forgets them. */
EMSCRIPTEN_KEEPALIVE void tlab_web_frames(void)
{
    int n = n_frames < WEB_FRAMES_MAX ? (int)n_frames : WEB_FRAMES_MAX;
    double *v = malloc(sizeof *v * (n > 0 ? n : 1));
    double p50 = 0, p95 = 0, max = 0;
    if (v && n > 0) {
        memcpy(v, frame_ms, sizeof *v * n);
        qsort(v, n, sizeof *v, cmp_double);
        p50 = v[(n - 1) / 2];
        p95 = v[(int)((n - 1) * 0.95 + 0.5)];
        max = v[n - 1];
    }
    free(v);
    EM_ASM({ console.log("TLAB_FRAMES " + $0 + " " + $1.toFixed(2) + " " + $2.toFixed(2) + " " + $3.toFixed(2)); }, n, p50, p95, max);
    n_frames = 0;
}
