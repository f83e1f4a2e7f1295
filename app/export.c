/* export.c - unique screenshot names and PNG writing (see export.h).
 *
 * Must not: draw, or decide what is on screen.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SDL_image.h>

#include "export.h"

static SDL_atomic_t running;

int export_mkdir_p(const char *dir, char *err, size_t err_len)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", dir);
    size_t n = strlen(buf);
    if (n == 0) { snprintf(err, err_len, "empty export folder"); return -1; }
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == 0) {
            char c = buf[i];
            buf[i] = 0;
            if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
                snprintf(err, err_len, "cannot create folder %s: %s", buf, strerror(errno));
                return -1;
            }
            buf[i] = c;
        }
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, err_len, "%s is not a folder", dir);
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

int export_reserve(const char *dir, const char *base, char *path, size_t path_len, char *err, size_t err_len)
{
    for (int k = 1; k < 10000; k++) {
        if (k == 1) snprintf(path, path_len, "%s/%s.png", dir, base);
        else snprintf(path, path_len, "%s/%s-%d.png", dir, base, k);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd >= 0) { close(fd); return 0; }
        if (errno != EEXIST) {
            snprintf(err, err_len, "cannot write %s: %s", path, strerror(errno));
            return -1;
        }
    }
    snprintf(err, err_len, "too many files named %s in %s", base, dir);
    return -1;
}

int export_save_png(SDL_Surface *s, const char *path, char *err, size_t err_len)
{
    if (!s) { snprintf(err, err_len, "nothing to save"); return -1; }
    /* Own the file handle: IMG_SavePNG ignores a failing close, and on a full disk the
     * buffered data only fails there (it said "Saved" and left a 0-byte PNG). */
    SDL_RWops *rw = SDL_RWFromFile(path, "wb");
    if (!rw) { snprintf(err, err_len, "cannot save %s: %s", path, SDL_GetError()); return -1; }
    int rc = IMG_SavePNG_RW(s, rw, 0);
    if (rc != 0) snprintf(err, err_len, "cannot save %s: %s", path, IMG_GetError());
    if (SDL_RWclose(rw) != 0 && rc == 0) {
        snprintf(err, err_len, "cannot save %s: %s (disk full?)", path, SDL_GetError());
        rc = -1;
    }
    return rc == 0 ? 0 : -1;
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

typedef struct {
    SDL_Surface *s;
    char path[1024];
    Uint32 ev;
} job;

static int save_thread(void *p)
{
    job *j = p;
    char err[1200];
    int rc = export_save_png(j->s, j->path, err, sizeof err);
    if (rc != 0) remove(j->path); /* do not leave the empty reserved file */
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = j->ev;
    e.user.code = rc;
    e.user.data1 = strdup(rc == 0 ? j->path : err);
    if (SDL_PushEvent(&e) <= 0) free(e.user.data1);
    SDL_FreeSurface(j->s);
    free(j);
    SDL_AtomicAdd(&running, -1);
    return rc;
}

int export_save_png_async(SDL_Surface *s, const char *path, Uint32 ev)
{
    job *j = calloc(1, sizeof *j);
    if (!j) { SDL_FreeSurface(s); return -1; }
    j->s = s;
    j->ev = ev;
    snprintf(j->path, sizeof j->path, "%s", path);
    SDL_AtomicAdd(&running, 1);
    SDL_Thread *t = SDL_CreateThread(save_thread, "tlab-export", j);
    if (!t) {
        SDL_AtomicAdd(&running, -1);
        SDL_FreeSurface(s);
        free(j);
        return -1;
    }
    SDL_DetachThread(t);
    return 0;
}

void export_wait_all(void)
{
    for (int i = 0; i < 500 && SDL_AtomicGet(&running) > 0; i++) SDL_Delay(10);
}
