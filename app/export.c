/* export.c - unique screenshot names and PNG writing through afile (see export.h).
 *
 * Must not: draw, or decide what is on screen.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SDL_image.h>

#include "export.h"
#include "ui.h"

int export_mkdir_p(const char *dir, char *err, size_t err_len)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", dir);
    size_t n = strlen(buf);
    if (n == 0) { snprintf(err, err_len, "%s", _("empty export folder")); return -1; }
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == 0) {
            char c = buf[i];
            buf[i] = 0;
            if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
                snprintf(err, err_len, _("cannot create folder %s: %s"), buf, strerror(errno));
                return -1;
            }
            buf[i] = c;
        }
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, err_len, _("%s is not a folder"), dir);
        return -1;
    }
    return 0;
}

void export_base_name(const char *slug, time_t t, char *dst, size_t n)
{
    struct tm tmv;
    localtime_r(&t, &tmv);
    char ts[32];
    strftime(ts, sizeof ts, "%Y%m%d-%H%M%S", &tmv);
    snprintf(dst, n, "%s-%s", slug && *slug ? slug : "screen", ts);
}

int export_save_png(SDL_Surface *s, const char *path, afile_mode mode, const volatile sig_atomic_t *stop, char *err,
                    size_t err_len)
{
    if (!s) { snprintf(err, err_len, "%s", _("nothing to save")); return -1; }
    afile f;
    if (afile_open(&f, path, mode, err, err_len) != 0) return -1;
    /* IMG_SavePNG_RW writes through the afile's stream; afile_commit then flushes,
     * syncs and checks it (on a full disk the buffered data only fails there). */
    SDL_RWops *rw = SDL_RWFromFP(f.fp, SDL_FALSE);
    if (!rw) {
        snprintf(err, err_len, _("cannot save %s: %s"), path, SDL_GetError());
        afile_abort(&f);
        return -1;
    }
    int rc = IMG_SavePNG_RW(s, rw, 1);
    if (rc != 0) {
        snprintf(err, err_len, _("cannot save %s: %s"), path, IMG_GetError());
        afile_abort(&f);
        return -1;
    }
    if (stop && *stop) { /* asked to stop: the image is not kept */
        snprintf(err, err_len, _("stopped before %s was saved"), path);
        afile_abort(&f);
        return -1;
    }
    return afile_commit(&f, err, err_len) == 0 ? 0 : -1;
}

int export_save_png_new(SDL_Surface *s, const char *dir, const char *base, char *path, size_t path_len, char *err,
                        size_t err_len)
{
    for (int k = 1; k < 10000; k++) {
        if (k == 1) snprintf(path, path_len, "%s/%s.png", dir, base);
        else snprintf(path, path_len, "%s/%s-%d.png", dir, base, k);
        struct stat st;
        if (lstat(path, &st) == 0) continue;
        if (export_save_png(s, path, AFILE_NEW, NULL, err, err_len) == 0) return 0;
        if (lstat(path, &st) != 0) return -1; /* not a lost race for the name: a real failure */
    }
    snprintf(err, err_len, _("too many files named %s in %s"), base, dir);
    return -1;
}

static volatile sig_atomic_t stop_signal;
static struct sigaction old_int, old_term;

static void on_stop_signal(int sig) { stop_signal = sig; }

const volatile sig_atomic_t *export_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    stop_signal = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    return &stop_signal;
}

void export_release_signals(void)
{
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
}

SDL_Surface *export_read_renderer(SDL_Renderer *r, int w, int h)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 24, SDL_PIXELFORMAT_RGB24);
    if (!s) return NULL;
    if (SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_RGB24, s->pixels, s->pitch) != 0) {
        SDL_FreeSurface(s);
        return NULL;
    }
    return s;
}

/* The writer: one thread, started on the first export, takes jobs in order from
 * a queue. One thread (not one per export) keeps the stack, the malloc arena
 * and the number of surfaces in flight bounded however fast exports come. */
typedef struct job {
    SDL_Surface *s;
    char path[1024];    /* the file; or, when base[0], the folder */
    char base[256];     /* when set: the first free name <base>[-k].png in path */
    afile_mode mode;
    Uint32 ev;
    size_t bytes;
    struct job *next;
} job;

static struct {
    SDL_SpinLock init_lock;
    SDL_mutex *mx;
    SDL_cond *work, *idle;
    SDL_Thread *thread;
    job *head, *tail;
    int busy;           /* jobs queued or being written */
    size_t bytes;       /* their pixels */
    int quit;
    size_t limit;       /* 0: EXPORT_QUEUE_BYTES */
} W;

void export_set_queue_limit(size_t bytes) { W.limit = bytes; }

static void write_job(job *j)
{
    char err[1200], path[1400];
    int rc;
    if (j->base[0]) rc = export_save_png_new(j->s, j->path, j->base, path, sizeof path, err, sizeof err);
    else {
        snprintf(path, sizeof path, "%s", j->path);
        rc = export_save_png(j->s, path, j->mode, NULL, err, sizeof err);
    }
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = j->ev;
    e.user.code = rc;
    e.user.data1 = strdup(rc == 0 ? path : err);
    if (SDL_PushEvent(&e) <= 0) free(e.user.data1);
}

static int writer_thread(void *unused)
{
    (void)unused;
    SDL_LockMutex(W.mx);
    for (;;) {
        while (!W.head && !W.quit) SDL_CondWait(W.work, W.mx);
        if (!W.head) break; /* quit, and nothing left to write */
        job *j = W.head;
        W.head = j->next;
        if (!W.head) W.tail = NULL;
        SDL_UnlockMutex(W.mx);
        write_job(j);
        SDL_LockMutex(W.mx);
        W.busy--;
        W.bytes -= j->bytes;
        SDL_FreeSurface(j->s);
        free(j);
        if (W.busy == 0) SDL_CondBroadcast(W.idle);
    }
    SDL_UnlockMutex(W.mx);
    return 0;
}

/* Starts the writer once; 0 or -1 with SDL_GetError set. */
static int writer_start(void)
{
    int rc = 0;
    SDL_AtomicLock(&W.init_lock);
    if (!W.thread) {
        if (!W.mx) W.mx = SDL_CreateMutex();
        if (!W.work) W.work = SDL_CreateCond();
        if (!W.idle) W.idle = SDL_CreateCond();
        W.quit = 0;
        if (W.mx && W.work && W.idle) W.thread = SDL_CreateThread(writer_thread, "tlab-export", NULL);
        if (!W.thread) rc = -1;
    }
    SDL_AtomicUnlock(&W.init_lock);
    return rc;
}

/* Queues a job (see export_save_png_async and _new). */
static int queue_job(SDL_Surface *s, const char *path, const char *base, afile_mode mode, Uint32 ev)
{
    if (!s) { SDL_SetError("nothing to save"); return -1; }
    size_t bytes = (size_t)s->h * (size_t)s->pitch;
    if (writer_start() != 0) {
#ifdef __EMSCRIPTEN__ /* a page without threads: written here, now; the event still says how it went */
        job now = {.s = s, .mode = mode, .ev = ev};
        snprintf(now.path, sizeof now.path, "%s", path);
        snprintf(now.base, sizeof now.base, "%s", base ? base : "");
        write_job(&now);
        SDL_FreeSurface(s);
        return 0;
#else
        SDL_FreeSurface(s);
        return -1;
#endif
    }
    SDL_LockMutex(W.mx);
    if (W.busy > 0 && W.bytes + bytes > (W.limit ? W.limit : EXPORT_QUEUE_BYTES)) {
        int n = W.busy;
        SDL_UnlockMutex(W.mx);
        SDL_FreeSurface(s);
        SDL_SetError("%d earlier export%s still being written; try again in a moment", n, n == 1 ? " is" : "s are");
        return -1;
    }
    job *j = calloc(1, sizeof *j);
    if (!j) {
        SDL_UnlockMutex(W.mx);
        SDL_FreeSurface(s);
        SDL_SetError("out of memory");
        return -1;
    }
    j->s = s;
    j->ev = ev;
    j->bytes = bytes;
    snprintf(j->path, sizeof j->path, "%s", path);
    snprintf(j->base, sizeof j->base, "%s", base ? base : "");
    j->mode = mode;
    if (W.tail) W.tail->next = j;
    else W.head = j;
    W.tail = j;
    W.busy++;
    W.bytes += bytes;
    SDL_CondSignal(W.work);
    SDL_UnlockMutex(W.mx);
    return 0;
}

int export_save_png_async(SDL_Surface *s, const char *path, afile_mode mode, Uint32 ev)
{
    return queue_job(s, path, NULL, mode, ev);
}

int export_save_png_async_new(SDL_Surface *s, const char *dir, const char *base, Uint32 ev)
{
    return queue_job(s, dir, base, AFILE_NEW, ev);
}

void export_wait_all(void)
{
    if (!W.mx) return;
    SDL_LockMutex(W.mx);
    while (W.busy > 0) SDL_CondWait(W.idle, W.mx);
    SDL_UnlockMutex(W.mx);
}

void export_shutdown(void)
{
    if (!W.thread) return;
    SDL_LockMutex(W.mx);
    W.quit = 1;
    SDL_CondSignal(W.work);
    SDL_UnlockMutex(W.mx);
    SDL_WaitThread(W.thread, NULL); /* writes what is queued first: nothing asked for is lost */
    W.thread = NULL;
}
