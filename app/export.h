/* export.h - screenshot files: safe unique names and PNG writing off the UI
 * thread.
 *
 * Names are <slug>-<YYYYmmdd-HHMMSS>.png, then -2, -3, ... when taken; the
 * file is created with O_CREAT|O_EXCL so two exports in the same second (or
 * two programs) never overwrite each other.
 *
 * Must not: draw, or decide what is on screen.
 */
#ifndef EXPORT_H
#define EXPORT_H

#include <stddef.h>
#include <time.h>
#include <SDL.h>

/* Creates dir and its parents (like mkdir -p). 0 or -1 with a message. */
int export_mkdir_p(const char *dir, char *err, size_t err_len);
/* Reserves a new file dir/<base>[-k].png (k = 2, 3, ...) with O_EXCL and
 * writes its path into path. 0 or -1 with the reason (strerror) in err. */
int export_reserve(const char *dir, const char *base, char *path, size_t path_len, char *err, size_t err_len);
/* Creates the new, empty file path with O_EXCL (for --export-all's fixed names).
 * 0, or -1 with the reason in err ("... already exists" when it does). */
int export_reserve_exact(const char *path, char *err, size_t err_len);
/* base = <slug>-<YYYYmmdd-HHMMSS> for time t (local time). */
void export_base_name(const char *slug, time_t t, char *dst, size_t n);
/* Saves a surface as PNG now (blocking). 0 or -1 with IMG_GetError in err. */
int export_save_png(SDL_Surface *s, const char *path, char *err, size_t err_len);
/* Pixels that may wait for the writer at once (about 15 frames of 4K, 60 of 1080p). */
#define EXPORT_QUEUE_BYTES ((size_t)512 * 1024 * 1024)
/* Queues s for the writer thread (one for the whole program, started on the first
 * call; files are written in the order asked) and takes ownership of s. When the
 * file is written it pushes an SDL_USEREVENT of type event_type with code 0 (ok)
 * or -1 and data1 = a malloc'ed message (path or error) the receiver frees.
 * 0 if queued; -1 with SDL_GetError set (the writer cannot start, or more than
 * EXPORT_QUEUE_BYTES of earlier exports are still waiting). */
int export_save_png_async(SDL_Surface *s, const char *path, Uint32 event_type);
/* Another limit than EXPORT_QUEUE_BYTES (0: back to it); for tests. */
void export_set_queue_limit(size_t bytes);
/* Reads what the renderer shows into a new RGB888-format surface (NULL on failure). */
SDL_Surface *export_read_renderer(SDL_Renderer *r, int w, int h);
/* Waits until every queued export is written. */
void export_wait_all(void);
/* Writes what is queued, then stops the writer thread (at exit; a later export starts it again). */
void export_shutdown(void);

#endif
