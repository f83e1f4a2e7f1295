/* export.h - screenshot files: safe unique names and PNG writing off the UI
 * thread, every file through afile (engine/afile.h).
 *
 * Names are <slug>-<YYYYmmdd-HHMMSS>.png, then -2, -3, ... when taken; the
 * file lands with link() only where the name is free, so two exports in the
 * same second (or two programs) never overwrite each other, and a killed
 * program never leaves a partial PNG under a final name.
 *
 * Must not: draw, or decide what is on screen.
 */
#ifndef EXPORT_H
#define EXPORT_H

#include <signal.h>
#include <stddef.h>
#include <time.h>
#include <SDL.h>

#include "afile.h"

/* Creates dir and its parents (like mkdir -p). 0 or -1 with a message. */
int export_mkdir_p(const char *dir, char *err, size_t err_len);
/* base = <slug>-<YYYYmmdd-HHMMSS> for time t (local time). */
void export_base_name(const char *slug, time_t t, char *dst, size_t n);
/* Saves a surface as PNG now (blocking), through afile: written to a hidden
 * temporary in the same folder, checked, then linked to path only if it is free
 * (AFILE_NEW: exports, screenshots, slides) or renamed over it (AFILE_REPLACE: a
 * file the user named). A killed process leaves at most the hidden temporary.
 * When stop is given and *stop is set once the image is encoded, the image is
 * dropped (temporary removed) and -1 returned. 0, or -1 with the cause in err. */
int export_save_png(SDL_Surface *s, const char *path, afile_mode mode, const volatile sig_atomic_t *stop, char *err,
                    size_t err_len);
/* Saves s as the first free dir/<base>[-k].png (k = 2, 3, ...; AFILE_NEW, so a
 * name taken meanwhile by another program is skipped, never overwritten) and
 * writes its path into path. 0, or -1 with the cause in err. */
int export_save_png_new(SDL_Surface *s, const char *dir, const char *base, char *path, size_t path_len, char *err,
                        size_t err_len);
/* --export-all: SIGINT and SIGTERM set the returned flag (the signal's number)
 * instead of killing the process, until export_release_signals(). */
const volatile sig_atomic_t *export_catch_signals(void);
void export_release_signals(void);
/* Pixels that may wait for the writer at once (about 15 frames of 4K, 60 of 1080p). */
#define EXPORT_QUEUE_BYTES ((size_t)512 * 1024 * 1024)
/* Queues s for the writer thread (one for the whole program, started on the first
 * call; files are written in the order asked) and takes ownership of s. The
 * writer saves it with export_save_png(path, mode), or for _new with
 * export_save_png_new(dir, base). When the file is written it pushes an
 * SDL_USEREVENT of type event_type with code 0 (ok) or -1 and data1 = a malloc'ed
 * message (the path written, or the error) the receiver frees.
 * 0 if queued; -1 with SDL_GetError set (the writer cannot start, or more than
 * EXPORT_QUEUE_BYTES of earlier exports are still waiting). */
int export_save_png_async(SDL_Surface *s, const char *path, afile_mode mode, Uint32 event_type);
int export_save_png_async_new(SDL_Surface *s, const char *dir, const char *base, Uint32 event_type);
/* Another limit than EXPORT_QUEUE_BYTES (0: back to it); for tests. */
void export_set_queue_limit(size_t bytes);
/* Reads what the renderer shows into a new RGB888-format surface (NULL on failure). */
SDL_Surface *export_read_renderer(SDL_Renderer *r, int w, int h);
/* Waits until every queued export is written. */
void export_wait_all(void);
/* Writes what is queued, then stops the writer thread (at exit; a later export starts it again). */
void export_shutdown(void);

#endif
