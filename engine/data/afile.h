/* afile.h - the one way this project writes a file. Data goes to a unique temporary
 * name in the same folder (".<name>.tmp-XXXXXX", mkstemp), is flushed, fsync'd and
 * checked (ferror, fclose), then lands under its final name:
 *   AFILE_REPLACE  rename() over the final name (models, checkpoints, --trace-json, dumps the user named)
 *   AFILE_NEW      link() to the final name only if it is free, then unlink the temporary
 *                  (never overwrites: fails with "exists"; exports and screenshots)
 * A process killed midway leaves at most a hidden ".<name>.tmp-XXXXXX", never a partial
 * file under the final name. "-" is not a file: callers handle stdout themselves.
 * Two cases are not renamed: an existing device or FIFO (/dev/null, /dev/stdout,
 * /dev/full) is written in place, with the same checks (a rename would replace the
 * device node); a symbolic link to a file keeps the link and replaces the file.
 *
 * Usage:
 *     afile f;
 *     if (afile_open(&f, path, AFILE_REPLACE, err, sizeof err) != 0) return -1;   // err says why
 *     fprintf(f.fp, ...);                     // or fwrite, or SDL_RWFromFP(f.fp, SDL_FALSE)
 *     if (something_failed) { afile_abort(&f); return -1; }
 *     if (afile_commit(&f, err, sizeof err) != 0) return -1;                        // temp already removed
 *
 * The final file gets the usual permissions (0666 less the umask), not mkstemp's 0600.
 * Library code: returns errors, never prints or exits. Not thread-safe per afile. */
#ifndef AFILE_H
#define AFILE_H

#include <stddef.h>
#include <stdio.h>

typedef enum { AFILE_REPLACE, AFILE_NEW } afile_mode;

typedef struct afile {
    FILE *fp;         /* write here; NULL when not open */
    char *path;       /* the final name */
    char *tmp;        /* the temporary name, in the same folder */
    afile_mode mode;
} afile;

/* Creates the temporary for path. 0 ok (f->fp ready); -1 with err (f zeroed). AFILE_NEW
 * already fails here when path exists, so nothing is written for nothing. */
int afile_open(afile *f, const char *path, afile_mode mode, char *err, size_t err_len);
/* Flush, fsync, check, close, then rename (REPLACE) or link (NEW) into place. 0 ok; on
 * failure -1, the temporary removed and err naming path and cause (e.g. "No space left on
 * device", "exists (not overwritten)"). f is empty afterwards either way. */
int afile_commit(afile *f, char *err, size_t err_len);
/* Close and remove the temporary; safe on a zeroed or already-committed afile. */
void afile_abort(afile *f);
/* The whole thing in one call: open, write n bytes of data, commit. 0 ok; -1 with err. */
int afile_write(const char *path, afile_mode mode, const void *data, size_t n, char *err, size_t err_len);

#endif
