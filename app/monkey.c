/* monkey.c - the monkey test (see monkey.h).
 *
 * Each turn of the app's loop gets 1 to 6 random events in SDL's queue; the
 * app handles them with its normal app_event and draws a frame. The mix
 * (per event): 40% keys (navigation, lesson numbers with and without Shift,
 * overlays, layer/head/step keys, editing keys, Ctrl shortcuts: zoom, undo,
 * select, copy, cut, paste; never Ctrl+Q), 20% text input (ASCII words,
 * random code points from Latin-1 to emoji, CJK and right-to-left scripts,
 * control characters and invalid bytes), 20% mouse motion, 8% clicks (left
 * and right, anywhere, the sentence box and sidebar included), 6% wheel,
 * 2% clipboard set (up to 10,000 bytes, pasted by a later Ctrl+V), 2% window
 * resizes (1x1, tiny, eight usual sizes from 640x480 to 2560x1440, 3840x2160), 2% exports (Ctrl+S, F12,
 * Ctrl+Shift+S slides; they go to --export-dir). The window's minimum size
 * is lowered to 1x1 so that a 1x1 window really happens.
 *
 * Memory: after event 1,000 and after the last one the monkey leaves full
 * screen (F11), closes the box and the overlays (Escape three times: the box,
 * a dialog, the attention overlay), puts the window back to its first size, types the same
 * sentence into the box (/, Ctrl+A, the text, Return: the sentence's line is
 * drawn and cached, so a 1,000-byte one costs megabytes more), resets
 * the zoom (Ctrl+0), resets the trainer of the last lesson (End, R: frees the run's
 * state; the monkey starts that trainer once before its first event, so that the
 * corpus data a start loads, once and bounded, is there at both readings), goes to
 * the first lesson (Home), waits for exports to
 * finish, has the app empty its bounded caches (monkey_wants_cache_flush), lets three frames draw,
 * then reads mallinfo2().uordblks + hblkhd (heap bytes in use: judged, at most
 * +10%) and, after malloc_trim, the anonymous resident set (resident minus
 * file-backed pages; printed, not judged: pages of a block count only once
 * touched, e.g. the what-if trace on the first "break it", and glibc keeps
 * some free pages of its per-thread arenas). Under
 * AddressSanitizer the heap numbers mean nothing (its own allocator): they are
 * printed but not judged.
 *
 * Must not: call into the app except through events (and export_wait_all,
 * so that a measurement does not count a PNG being written).
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "monkey.h"
#include "rng.h"
#include "shell.h"

#if defined(__SANITIZE_ADDRESS__)
#define MONKEY_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MONKEY_ASAN 1
#endif
#endif
#ifndef MONKEY_ASAN
#define MONKEY_ASAN 0
#endif

#define MONKEY_FIRST 1000   /* events before the first measurement */
#define MONKEY_SENTENCE "the dog sees the cat" /* typed before each measurement */
#define MONKEY_SETTLE 3     /* frames between putting the window back and measuring */

enum { ST_RUN = 0, ST_SETTLE_FIRST, ST_SETTLE_LAST, ST_DONE };

static struct {
    long n_events, sent;
    unsigned long long seed;
    uint64_t rng;
    int state, settle;
    int flush;                   /* 1: the app should empty its bounded caches now */
    int w0, h0;                  /* the window's first size */
    size_t heap_first, heap_last;
    long rss_first, rss_last;    /* KB */
    long counts[9];
    char *clip;
} M;

void monkey_configure(long n_events, unsigned long long seed)
{
    free(M.clip);
    memset(&M, 0, sizeof M);
    M.n_events = n_events > 0 ? n_events : 0;
    M.seed = seed;
    /* hashed: seed * golden ratio would start seed S+1 one step into seed S's sequence */
    M.rng = rng_mix(seed ^ 0x632BE59BD9B4E019ULL);
}

int monkey_active(void) { return M.n_events > 0; }

int monkey_wants_cache_flush(void)
{
    int f = M.flush;
    M.flush = 0;
    return f;
}

static uint64_t next_u64(void) { return rng_next(&M.rng); }

static int rnd(int n) { return n > 0 ? (int)(next_u64() % (unsigned long long)n) : 0; }

static long rss_kb(void)
{
    long pages = 0, res = 0, shared = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return -1;
    if (fscanf(f, "%ld %ld %ld", &pages, &res, &shared) != 3) res = -1;
    else res -= shared; /* anonymous pages: the heap, stacks, mappings; not library code read from files */
    fclose(f);
    return res < 0 ? -1 : res * 4; /* 4 KB pages on x86-64 Linux */
}

static size_t heap_bytes(void)
{
#ifdef __GLIBC__
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd; /* small blocks in use + mmapped big ones */
#else /* the web build: emscripten's dlmalloc has only the older mallinfo */
    struct mallinfo mi = mallinfo();
    return (size_t)mi.uordblks + (size_t)mi.hblkhd;
#endif
}

/* Appends one random word, code point or junk as UTF-8 to dst; returns bytes written (at most 8). */
static int random_char(char *dst)
{
    static const char *const words[] = {"the ", "dog ", "cat ", "sees ", "a ", "big ", "small ", "garden ", ". ", ", "};
    int k = rnd(100);
    unsigned cp;
    if (k < 35) { const char *w = words[rnd(10)]; int n = (int)strlen(w); memcpy(dst, w, (size_t)n); return n; }
    if (k < 55) { dst[0] = (char)(' ' + rnd(95)); return 1; }
    if (k < 62) { dst[0] = (char)(1 + rnd(31)); return 1; }                 /* control characters */
    if (k < 70) { dst[0] = (char)(0x80 + rnd(128)); return 1; }             /* a lone invalid byte */
    if (k < 74) { dst[0] = (char)0xE2; dst[1] = (char)0x82; return 2; }     /* a cut-off sequence */
    if (k < 78) { dst[0] = (char)0xC0; dst[1] = (char)(0x80 + rnd(64)); return 2; } /* overlong */
    if (k < 81) { dst[0] = (char)0xED; dst[1] = (char)(0xA0 + rnd(32)); dst[2] = (char)0x80; return 3; } /* surrogate */
    if (k < 86) cp = 0xA0 + (unsigned)rnd(0x160);        /* Latin-1, Latin Extended */
    else if (k < 90) cp = 0x4E00 + (unsigned)rnd(0x5000); /* CJK */
    else if (k < 93) cp = 0x0590 + (unsigned)rnd(0x170);  /* Hebrew, Arabic (right to left) */
    else if (k < 97) cp = 0x1F300 + (unsigned)rnd(0x300); /* emoji */
    else cp = 0x200B + (unsigned)rnd(8);                   /* zero-width and direction marks */
    if (cp < 0x800) { dst[0] = (char)(0xC0 | (cp >> 6)); dst[1] = (char)(0x80 | (cp & 63)); return 2; }
    if (cp < 0x10000) {
        dst[0] = (char)(0xE0 | (cp >> 12)); dst[1] = (char)(0x80 | ((cp >> 6) & 63)); dst[2] = (char)(0x80 | (cp & 63));
        return 3;
    }
    dst[0] = (char)(0xF0 | (cp >> 18)); dst[1] = (char)(0x80 | ((cp >> 12) & 63));
    dst[2] = (char)(0x80 | ((cp >> 6) & 63)); dst[3] = (char)(0x80 | (cp & 63));
    return 4;
}

static void push(SDL_Event *e)
{
    if (SDL_PushEvent(e) < 0) fprintf(stderr, "monkey: SDL_PushEvent: %s\n", SDL_GetError());
}

static void key_event(SDL_Keycode key, Uint16 mod)
{
    SDL_Event ev[2];
    app_key_press(key, mod, ev);
    push(&ev[0]);
    push(&ev[1]);
}

static void random_key(void)
{
    static const SDL_Keycode keys[] = {
        SDLK_RIGHT, SDLK_LEFT, SDLK_RIGHT, SDLK_PAGEDOWN, SDLK_PAGEUP, SDLK_SPACE, SDLK_HOME, SDLK_END,
        SDLK_UP, SDLK_DOWN, SDLK_TAB, SDLK_SLASH, SDLK_ESCAPE, SDLK_RETURN, SDLK_BACKSPACE, SDLK_DELETE,
        SDLK_0, SDLK_1, SDLK_2, SDLK_3, SDLK_4, SDLK_5, SDLK_6, SDLK_7, SDLK_8, SDLK_9, SDLK_KP_0, SDLK_KP_5,
        SDLK_e, SDLK_v, SDLK_t, SDLK_b, SDLK_p, SDLK_a, SDLK_c, SDLK_x, SDLK_z, SDLK_y, SDLK_r, SDLK_m,
        SDLK_q, SDLK_i, SDLK_s, SDLK_f, SDLK_d, SDLK_l, SDLK_k, SDLK_u, SDLK_h, /* lesson keys: PE pair, scaling, sub-layer, stack, alpha; training pause, use, head */
        SDLK_LEFTBRACKET, SDLK_RIGHTBRACKET, SDLK_COMMA, SDLK_PERIOD, SDLK_SEMICOLON, SDLK_QUOTE,
        SDLK_EQUALS, SDLK_MINUS, SDLK_PLUS, SDLK_QUESTION, SDLK_F1, SDLK_F11, SDLK_KP_PLUS, SDLK_KP_MINUS,
    };
    SDL_Keycode k = keys[rnd((int)(sizeof keys / sizeof keys[0]))];
    Uint16 mod = 0;
    if (rnd(100) < 15) mod |= KMOD_LCTRL;
    if (rnd(100) < 20) mod |= KMOD_LSHIFT;
    if (rnd(100) < 3) mod |= KMOD_LALT;
    if (k == SDLK_s) mod &= (Uint16)~KMOD_LCTRL; /* Ctrl+S exports: those come (counted) from random_export */
    if (k == SDLK_q) mod &= (Uint16)~KMOD_LCTRL; /* Q: the quiz; Ctrl+Q would quit */
    key_event(k, mod); /* Ctrl+Q is not in the list: the run must not end early */
    M.counts[0]++;
}

static void text_event(const char *s)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_TEXTINPUT;
    snprintf(e.text.text, sizeof e.text.text, "%s", s);
    push(&e);
}

static void random_text(void)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_TEXTINPUT;
    int n = 0, want = 1 + rnd(rnd(4) == 0 ? 28 : 4);
    char c[8];
    while (n < want) {
        int l = random_char(c);
        if (n + l > (int)sizeof e.text.text - 1) break;
        memcpy(e.text.text + n, c, (size_t)l);
        n += l;
    }
    e.text.text[n] = 0;
    push(&e);
    M.counts[1]++;
}

static void window_size(SDL_Window *win, int *w, int *h)
{
    SDL_GetWindowSize(win, w, h);
    if (*w < 1) *w = 1;
    if (*h < 1) *h = 1;
}

static void random_mouse(SDL_Window *win, int kind)
{
    int w, h;
    window_size(win, &w, &h);
    int x = rnd(10) == 0 ? rnd(w + 200) - 100 : rnd(w), y = rnd(10) == 0 ? rnd(h + 200) - 100 : rnd(h);
    if (kind == 1 && rnd(3) == 0) { x = rnd(w / 2 + 1); y = rnd(h / 8 + 1); }      /* the top bar: box, buttons */
    if (kind == 1 && rnd(4) == 0) { x = rnd(w / 5 + 1); y = rnd(h); }              /* the lesson list */
    SDL_Event e;
    memset(&e, 0, sizeof e);
    if (kind == 0) {
        e.type = SDL_MOUSEMOTION;
        e.motion.x = x; e.motion.y = y;
        e.motion.xrel = rnd(41) - 20; e.motion.yrel = rnd(41) - 20;
        e.motion.state = rnd(5) == 0 ? SDL_BUTTON_LMASK : 0; /* drags too */
        push(&e);
        M.counts[2]++;
    } else if (kind == 1) {
        Uint8 b = rnd(6) == 0 ? SDL_BUTTON_RIGHT : SDL_BUTTON_LEFT;
        e.type = SDL_MOUSEMOTION;
        e.motion.x = x; e.motion.y = y;
        push(&e);
        memset(&e, 0, sizeof e);
        e.type = SDL_MOUSEBUTTONDOWN;
        e.button.button = b; e.button.state = SDL_PRESSED; e.button.clicks = (Uint8)(1 + rnd(2));
        e.button.x = x; e.button.y = y;
        push(&e);
        e.type = SDL_MOUSEBUTTONUP;
        e.button.state = SDL_RELEASED;
        push(&e);
        M.counts[3]++;
    } else {
        e.type = SDL_MOUSEWHEEL;
        e.wheel.y = rnd(7) - 3; e.wheel.x = rnd(3) - 1;
        e.wheel.preciseY = (float)e.wheel.y;
        e.wheel.mouseX = x; e.wheel.mouseY = y;
        push(&e);
        M.counts[4]++;
    }
}

static void random_clipboard(void)
{
    int n = rnd(4) == 0 ? 10000 : 1 + rnd(200);
    char *s = malloc((size_t)n + 9);
    if (!s) return;
    int len = 0;
    while (len < n) len += random_char(s + len);
    s[len] = 0;
    SDL_SetClipboardText(s);
    free(s);
    key_event(SDLK_v, KMOD_LCTRL); /* paste it (into the box when it has focus) */
    M.counts[5]++;
}

static void resize(SDL_Window *win, int w, int h)
{
    SDL_SetWindowMinimumSize(win, 1, 1);
    SDL_SetWindowSize(win, w, h);
}

static void random_resize(SDL_Window *win)
{
    int k = rnd(100), w, h;
    if (k < 20) { w = 1; h = 1; }
    else if (k < 40) { w = 1 + rnd(120); h = 1 + rnd(120); }
    else if (k < 50) { w = 3840; h = 2160; }
    else { /* the sizes a classroom sees: a laptop, a projector, a window dragged around */
        static const int sizes[][2] = {{800, 600}, {1024, 768}, {1280, 800}, {1366, 768}, {1600, 900}, {1920, 1080},
                                       {2560, 1440}, {640, 480}};
        int i = rnd((int)(sizeof sizes / sizeof sizes[0]));
        w = sizes[i][0]; h = sizes[i][1];
    }
    resize(win, w, h);
    M.counts[6]++;
}

static void random_export(void)
{
    int k = rnd(3);
    if (k == 0) key_event(SDLK_s, KMOD_LCTRL);
    else if (k == 1) key_event(SDLK_F12, 0);
    else key_event(SDLK_s, KMOD_LCTRL | KMOD_LSHIFT);
    M.counts[7]++;
}

/* Returns 1 for an export: the turn then ends, so that every export gets its own
 * frame (two in one frame are one export, as for a user pressing twice between frames). */
static int random_event(SDL_Window *win)
{
    int k = rnd(100);
    if (k < 40) random_key();
    else if (k < 60) random_text();
    else if (k < 80) random_mouse(win, 0);
    else if (k < 88) random_mouse(win, 1);
    else if (k < 94) random_mouse(win, 2);
    else if (k < 96) random_clipboard();
    else if (k < 98) random_resize(win);
    else { random_export(); return 1; }
    return 0;
}

/* An event that makes the app draw a frame and changes nothing. */
static void poke(void)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_WINDOWEVENT;
    e.window.event = SDL_WINDOWEVENT_EXPOSED;
    push(&e);
}

static void measure(size_t *heap, long *rss)
{
    export_wait_all();
    *heap = heap_bytes();
#ifdef __GLIBC__
    malloc_trim(0); /* free pages back to the system, so that the resident set counts what is in use */
#endif
    *rss = rss_kb();
}

int monkey_tick(SDL_Window *win)
{
    if (!win || M.n_events <= 0) return -1;
    if (M.sent == 0 && M.state == ST_RUN) {
        window_size(win, &M.w0, &M.h0);
        /* start the trainer of the last lesson (Training) once, so that its corpus data (loaded on the
         * first start and kept, bounded) is in memory at both readings, whenever a random click on its
         * start button comes; the readings reset it (End, R), which frees the run's state */
        key_event(SDLK_END, 0);
        key_event(SDLK_g, 0);
        key_event(SDLK_HOME, 0);
    }
    switch (M.state) {
    case ST_RUN: {
        int n = 1 + rnd(6);
        for (int i = 0; i < n && M.sent < M.n_events; i++) {
            M.sent++;
            if (random_event(win)) break;
        }
        if (M.sent >= M.n_events || (M.sent >= MONKEY_FIRST && M.heap_first == 0 && M.n_events > MONKEY_FIRST)) {
            M.state = M.sent >= M.n_events ? ST_SETTLE_LAST : ST_SETTLE_FIRST;
            M.settle = MONKEY_SETTLE;
            /* the same state at both measurements: overlays closed, the same sentence (its text is drawn
             * and cached, so a long one costs more), box closed, zoom 1, first lesson, first size */
            if (SDL_GetWindowFlags(win) & (SDL_WINDOW_FULLSCREEN | SDL_WINDOW_FULLSCREEN_DESKTOP))
                key_event(SDLK_F11, 0); /* back to a window (F11 works in the box too) */
            key_event(SDLK_ESCAPE, 0);
            key_event(SDLK_ESCAPE, 0);
            key_event(SDLK_ESCAPE, 0);
            key_event(SDLK_END, 0); /* the last lesson, Training: R resets its trainer, which frees the */
            key_event(SDLK_r, 0);   /* run's state (a random click may have pressed start): no trainer at either reading */
            key_event(SDLK_SLASH, 0);
            key_event(SDLK_a, KMOD_LCTRL);
            text_event(MONKEY_SENTENCE);
            key_event(SDLK_RETURN, 0);
            key_event(SDLK_0, KMOD_LCTRL);
            key_event(SDLK_HOME, 0);
        }
        return -1;
    }
    case ST_SETTLE_FIRST:
    case ST_SETTLE_LAST:
        /* the caches are emptied on the first settling turn, after the app has handled the events above
         * (emptied now, the frame drawn next would refill them with the screen before the reset) */
        if (M.settle == MONKEY_SETTLE) {
            resize(win, M.w0, M.h0); /* now that F11 has left full screen */
            M.flush = 1;
        }
        if (M.settle-- > 0) { export_wait_all(); poke(); return -1; }
        if (M.state == ST_SETTLE_FIRST) {
            measure(&M.heap_first, &M.rss_first);
            if (M.heap_first == 0) M.heap_first = 1;
            M.state = ST_RUN;
            return -1;
        }
        measure(&M.heap_last, &M.rss_last);
        M.state = ST_DONE;
        break;
    default: break;
    }
    fprintf(stderr,
            "monkey: seed %llu, %ld events: %ld keys, %ld texts, %ld moves, %ld clicks, %ld wheels, %ld pastes, "
            "%ld resizes, %ld exports\n",
            M.seed, M.sent, M.counts[0], M.counts[1], M.counts[2], M.counts[3], M.counts[4], M.counts[5], M.counts[6],
            M.counts[7]);
    if (M.n_events <= MONKEY_FIRST) {
        fprintf(stderr, "monkey: heap %zu bytes, resident %ld KB at the end (no 1,000-event measurement: too few events)\n",
                M.heap_last, M.rss_last);
        return 0;
    }
    double growth = 100.0 * ((double)M.heap_last - (double)M.heap_first) / (double)M.heap_first;
    double rss_growth = M.rss_first > 0 ? 100.0 * (double)(M.rss_last - M.rss_first) / (double)M.rss_first : 0.0;
    fprintf(stderr, "monkey: heap after %d events %zu bytes (anonymous resident %ld KB); after %ld events %zu bytes "
                    "(anonymous resident %ld KB); heap growth %+.2f%%, resident %+.2f%% (bounded caches emptied, free "
                    "pages trimmed before each reading)%s\n",
            MONKEY_FIRST, M.heap_first, M.rss_first, M.sent, M.heap_last, M.rss_last, growth, rss_growth,
            MONKEY_ASAN ? " (AddressSanitizer build: not judged)" : "");
    if (!MONKEY_ASAN && growth > 10.0) {
        fprintf(stderr, "monkey: FAIL: the heap grew by more than 10%%\n");
        return 1;
    }
    return 0;
}
