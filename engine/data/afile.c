/* afile.c - the one way this project writes a file (see afile.h): a unique
 * temporary in the same folder, flushed, fsync'd and checked, then renamed over
 * the final name (AFILE_REPLACE) or linked to it only if it is free (AFILE_NEW).
 * Every failure removes the temporary and names the file and the cause.
 *
 * libc (POSIX) only; must never print or exit.
 */
#define _GNU_SOURCE 1 /* syscall() for renameat2 (the AFILE_NEW fallback where link() is not supported) */
#include "afile.h"
#include "errmsg.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

/* Longest final-name part copied into the temporary's name, so ".<name>.tmp-XXXXXX"
 * stays under NAME_MAX (255) for any name the file system accepts. */
#define AFILE_TMP_BASE_MAX 200

/* The folder of path ("." when none), malloc'd; NULL when out of memory. */
static char *afile_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return strdup(".");
    if (slash == path) return strdup("/");
    size_t n = (size_t)(slash - path);
    char *dir = malloc(n + 1);
    if (dir) {
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    return dir;
}

/* "<dir>/.<base>.tmp-XXXXXX" for path, malloc'd (base cut at a UTF-8 boundary when long). */
static char *afile_tmp_template(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dir_len = (size_t)(base - path), base_len = strlen(base);
    if (base_len > AFILE_TMP_BASE_MAX) {
        base_len = utf8_cut(base, base_len, AFILE_TMP_BASE_MAX);
    }
    size_t n = dir_len + 1 + base_len + sizeof ".tmp-XXXXXX";
    char *tmp = malloc(n);
    if (tmp) snprintf(tmp, n, "%.*s.%.*s.tmp-XXXXXX", (int)dir_len, path, (int)base_len, base);
    return tmp;
}

/* The process umask, read without changing it when /proc tells it (umask() itself
 * can only be read by setting it, which would race with other threads). */
static mode_t afile_umask(void)
{
    FILE *s = fopen("/proc/self/status", "r");
    char line[128];
    while (s && fgets(line, sizeof line, s)) {
        if (strncmp(line, "Umask:", 6) == 0) {
            fclose(s);
            return (mode_t)strtol(line + 6, NULL, 8);
        }
    }
    if (s) fclose(s);
    mode_t m = umask(022);
    umask(m);
    return m;
}

/* Best effort: make the rename or link itself durable. */
static void afile_sync_dir(const char *path)
{
    char *dir = afile_dir(path);
    if (!dir) return;
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

static void afile_clear(afile *f)
{
    free(f->path);
    free(f->tmp);
    memset(f, 0, sizeof *f);
}

/* An existing device or FIFO (/dev/null, /dev/stdout, /dev/full) is written in place:
 * it holds no content a partial write could spoil, and a rename would replace the
 * device node itself. */
static int afile_open_direct(afile *f, const char *path, char *err, size_t err_len)
{
    f->path = strdup(path);
    f->fp = f->path ? fopen(path, "wb") : NULL;
    if (!f->fp) {
        int e = f->path ? errno : ENOMEM;
        errmsg_set(err, err_len, N_("cannot write %s: %s"), path, strerror(e));
        afile_clear(f);
        return -1;
    }
    return 0;
}

/* The temporary beside final (the name the file will have), open for writing. */
static int afile_open_tmp(afile *f, const char *final, const char *path, char *err, size_t err_len)
{
    f->path = strdup(final);
    f->tmp = afile_tmp_template(final);
    if (!f->path || !f->tmp) {
        afile_clear(f);
        errmsg_set(err, err_len, N_("cannot write %s: out of memory"), path);
        return -1;
    }
    int fd = mkstemp(f->tmp);
    if (fd < 0) {
        int e = errno;
        errmsg_set(err, err_len, N_("cannot write %s: %s"), path, strerror(e));
        afile_clear(f);
        return -1;
    }
    (void)fchmod(fd, 0666 & ~afile_umask());
    f->fp = fdopen(fd, "wb");
    if (!f->fp) {
        int e = errno;
        close(fd);
        unlink(f->tmp);
        errmsg_set(err, err_len, N_("cannot write %s: %s"), path, strerror(e));
        afile_clear(f);
        return -1;
    }
    return 0;
}

int afile_open(afile *f, const char *path, afile_mode mode, char *err, size_t err_len)
{
    if (err && err_len) err[0] = '\0';
    if (!f) return -1;
    memset(f, 0, sizeof *f);
    f->mode = mode;
    if (!path || !path[0]) {
        errmsg_set(err, err_len, N_("cannot write a file without a name"));
        return -1;
    }
    if (strcmp(path, "-") == 0) {
        errmsg_set(err, err_len, N_("cannot write \"-\" as a file (it means standard output)"));
        return -1;
    }
    struct stat st, lst;
    const int exists = stat(path, &st) == 0, lexists = lstat(path, &lst) == 0;
    if (path[strlen(path) - 1] == '/' || (exists && S_ISDIR(st.st_mode))) {
        errmsg_set(err, err_len, N_("cannot write %s: it is a folder"), path);
        return -1;
    }
    if (mode == AFILE_NEW && lexists) {
        errmsg_set(err, err_len, N_("cannot write %s: it exists (not overwritten)"), path);
        return -1;
    }
    if (exists && !S_ISREG(st.st_mode)) return afile_open_direct(f, path, err, err_len);
    /* A symbolic link to a file: the file it points to is replaced, the link kept. */
    char *real = exists && S_ISLNK(lst.st_mode) ? realpath(path, NULL) : NULL;
    int rc = afile_open_tmp(f, real ? real : path, path, err, err_len);
    free(real);
    return rc;
}

/* The cause of an earlier failed write whose errno is gone (the caller's fwrite
 * failed, then other calls overwrote errno): one more byte appended to the
 * temporary, which is about to be removed anyway, fails the same way (ENOSPC on a
 * full disk, EFBIG over the file-size limit). EIO when it does not fail. */
static int afile_probe_cause(FILE *fp)
{
    int fd = fileno(fp);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return EIO;
    errno = 0;
    if (pwrite(fd, "", 1, st.st_size) == 1) return EIO;
    return errno ? errno : EIO;
}

/* Flush, fsync, check and close f->fp; 0 ok, else the errno. */
static int afile_finish(afile *f)
{
    int e = 0;
    errno = 0;
    if (fflush(f->fp) != 0 || ferror(f->fp)) e = errno ? errno : afile_probe_cause(f->fp);
    if (!e && f->tmp && fsync(fileno(f->fp)) != 0) e = errno ? errno : EIO;
    errno = 0;
    if (fclose(f->fp) != 0 && !e) e = errno ? errno : EIO;
    f->fp = NULL;
    return e;
}

/* Links f->tmp to f->path only if that name is free; 0 ok, else the errno. */
static int afile_link_new(const afile *f)
{
    if (link(f->tmp, f->path) == 0) return 0;
    int e = errno;
#if defined(__linux__) && defined(SYS_renameat2)
    /* File systems without hard links (FAT, some FUSE) still refuse to overwrite here. */
    if (e == EPERM || e == EOPNOTSUPP || e == ENOSYS) {
        if (syscall(SYS_renameat2, AT_FDCWD, f->tmp, AT_FDCWD, f->path, 1 /* RENAME_NOREPLACE */) == 0) return 0;
        if (errno == EEXIST) e = EEXIST;
    }
#endif
#ifdef __EMSCRIPTEN__
    /* The web page's in-memory file system has no hard links (link() fails with EMLINK);
     * only the page's own code writes there, so a name seen free stays free until the rename. */
    if (e == EMLINK) {
        struct stat st;
        if (stat(f->path, &st) == 0) return EEXIST;
        return rename(f->tmp, f->path) == 0 ? 0 : (errno ? errno : EIO);
    }
#endif
    return e;
}

int afile_commit(afile *f, char *err, size_t err_len)
{
    if (err && err_len) err[0] = '\0';
    if (!f || !f->fp || !f->path) {
        errmsg_set(err, err_len, N_("cannot write: the file is not open"));
        if (f) afile_abort(f);
        return -1;
    }
    int e = afile_finish(f);
    if (!f->tmp) { /* a device or FIFO, written in place */
        if (e) errmsg_set(err, err_len, N_("cannot write %s: %s"), f->path, strerror(e));
        afile_clear(f);
        return e ? -1 : 0;
    }
    if (!e && f->mode == AFILE_REPLACE && rename(f->tmp, f->path) != 0) e = errno ? errno : EIO;
    if (!e && f->mode == AFILE_NEW) {
        e = afile_link_new(f);
        if (!e) unlink(f->tmp); /* harmless ENOENT after the renameat2 fallback */
    }
    if (e) {
        unlink(f->tmp);
        if (e == EEXIST)
            errmsg_set(err, err_len, N_("cannot write %s: it exists (not overwritten)"), f->path);
        else
            errmsg_set(err, err_len, N_("cannot write %s: %s"), f->path, strerror(e));
        afile_clear(f);
        return -1;
    }
    afile_sync_dir(f->path);
    afile_clear(f);
    return 0;
}

void afile_abort(afile *f)
{
    if (!f) return;
    if (f->fp) fclose(f->fp);
    if (f->tmp && f->fp) unlink(f->tmp);
    f->fp = NULL;
    afile_clear(f);
}

int afile_write(const char *path, afile_mode mode, const void *data, size_t n, char *err, size_t err_len)
{
    afile f;
    if (afile_open(&f, path, mode, err, err_len) != 0) return -1;
    /* A short write sets the stream's error flag: commit then reports the cause and
     * removes the temporary. */
    if (n > 0) (void)fwrite(data, 1, n, f.fp);
    return afile_commit(&f, err, err_len);
}
