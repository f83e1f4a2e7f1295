/* test_afile.c - the one way to write a file (engine/data/afile.c): AFILE_REPLACE replaces,
 * AFILE_NEW never overwrites, nothing appears under the final name before commit, and
 * the temporary is removed on abort, on a failed commit (a full disk, simulated by
 * putting /dev/full under the open stream; a final name that turned into a folder; a
 * name taken meanwhile) and never left behind after success; devices (/dev/null,
 * /dev/full) are written in place and symbolic links kept. It must not test the
 * callers' formats (see test_weights.c, test_train.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "afile.h"
#include "test_util.h"

static const char *in_dir(const char *name)
{
    static char p[600];
    snprintf(p, sizeof p, "%s/%s", test_tmpdir, name);
    return p;
}

/* Number of entries in the test folder (the temporaries are hidden dot files). */
static int n_entries(void)
{
    DIR *d = opendir(test_tmpdir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
    closedir(d);
    return n;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void expect_content(const char *path, const char *text)
{
    char buf[256] = "";
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("%s is missing", path);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_string_equal(buf, text);
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* ---- tests ------------------------------------------------------------ */

static void test_replace_writes_and_replaces(void **state)
{
    (void)state;
    char err[256] = "x";
    const char *p = in_dir("model.safetensors");
    assert_int_equal(afile_write(p, AFILE_REPLACE, "first", 5, err, sizeof err), 0);
    assert_string_equal(err, "");
    expect_content(p, "first");
    assert_int_equal(afile_write(p, AFILE_REPLACE, "second", 6, err, sizeof err), 0);
    expect_content(p, "second");
    assert_int_equal(n_entries(), 1); /* no temporary left behind */
    /* the usual permissions, not mkstemp's 0600 */
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    mode_t um = umask(022);
    umask(um);
    assert_int_equal(st.st_mode & 0777, 0666 & ~um);
}

static void test_nothing_under_final_name_until_commit(void **state)
{
    (void)state;
    char err[256];
    const char *p = in_dir("out.json");
    afile f;
    assert_int_equal(afile_open(&f, p, AFILE_REPLACE, err, sizeof err), 0);
    assert_non_null(f.fp);
    fputs("{\"a\":1}", f.fp);
    fflush(f.fp);
    assert_false(exists(p));
    /* the temporary is hidden, in the same folder, named after the final name */
    assert_true(exists(f.tmp));
    const char *base = strrchr(f.tmp, '/') + 1;
    assert_int_equal(strncmp(base, ".out.json.tmp-", 14), 0);
    assert_int_equal(strlen(base), 14 + 6);
    assert_int_equal(afile_commit(&f, err, sizeof err), 0);
    assert_null(f.fp);
    assert_null(f.tmp);
    expect_content(p, "{\"a\":1}");
    assert_int_equal(n_entries(), 1);
    afile_abort(&f); /* safe after commit */
}

static void test_new_never_overwrites(void **state)
{
    (void)state;
    char err[256];
    const char *p = in_dir("shot.png");
    put(p, "old");
    /* refused at open already: nothing is written for nothing */
    afile f;
    assert_int_equal(afile_open(&f, p, AFILE_NEW, err, sizeof err), -1);
    assert_null(f.fp);
    assert_non_null(strstr(err, "shot.png"));
    assert_non_null(strstr(err, "exists"));
    assert_int_equal(afile_write(p, AFILE_NEW, "new", 3, err, sizeof err), -1);
    expect_content(p, "old");
    assert_int_equal(n_entries(), 1);
    /* a free name is written */
    const char *q = in_dir("shot2.png");
    assert_int_equal(afile_write(q, AFILE_NEW, "png!", 4, err, sizeof err), 0);
    expect_content(q, "png!");
    assert_int_equal(n_entries(), 2);
}

/* The name is taken between open and commit (a second process): commit refuses,
 * keeps the other file and removes its temporary. */
static void test_new_taken_meanwhile(void **state)
{
    (void)state;
    char err[256];
    const char *p = in_dir("race.png");
    afile f;
    assert_int_equal(afile_open(&f, p, AFILE_NEW, err, sizeof err), 0);
    fputs("mine", f.fp);
    char *tmp = strdup(f.tmp);
    put(p, "theirs");
    assert_int_equal(afile_commit(&f, err, sizeof err), -1);
    assert_non_null(strstr(err, "race.png"));
    assert_non_null(strstr(err, "exists"));
    expect_content(p, "theirs");
    assert_false(exists(tmp));
    assert_int_equal(n_entries(), 1);
    free(tmp);
}

static void test_abort_removes_temporary(void **state)
{
    (void)state;
    char err[256];
    const char *p = in_dir("ckpt.bin");
    put(p, "keep");
    afile f;
    assert_int_equal(afile_open(&f, p, AFILE_REPLACE, err, sizeof err), 0);
    fputs("half", f.fp);
    char *tmp = strdup(f.tmp);
    assert_true(exists(tmp));
    afile_abort(&f);
    assert_false(exists(tmp));
    assert_null(f.fp);
    expect_content(p, "keep");
    assert_int_equal(n_entries(), 1);
    afile_abort(&f); /* twice is harmless */
    afile zero = { 0 };
    afile_abort(&zero);
    afile_abort(NULL);
    free(tmp);
}

/* A full disk: the open stream's descriptor is swapped for /dev/full, so the
 * flush at commit fails with ENOSPC exactly as on a full file system. */
static void test_full_disk_removes_temporary(void **state)
{
    (void)state;
    char err[256];
    const char *p = in_dir("trace.json");
    put(p, "previous");
    afile f;
    assert_int_equal(afile_open(&f, p, AFILE_REPLACE, err, sizeof err), 0);
    int full = open("/dev/full", O_WRONLY);
    if (full < 0) skip();
    assert_true(dup2(full, fileno(f.fp)) >= 0);
    close(full);
    fputs("data that will not fit", f.fp);
    char *tmp = strdup(f.tmp);
    assert_int_equal(afile_commit(&f, err, sizeof err), -1);
    assert_non_null(strstr(err, "trace.json"));
    assert_non_null(strstr(err, "No space left on device"));
    assert_false(exists(tmp));
    expect_content(p, "previous");
    assert_int_equal(n_entries(), 1);
    free(tmp);
}

/* A write that failed long before commit (the stream's error flag set, errno since
 * overwritten) also fails the commit, with its cause found again. Here the
 * file-size limit, as a full disk would; in a child so the limit does not leak. */
static void test_stream_error_fails_commit(void **state)
{
    (void)state;
    const char *p = in_dir("err.bin");
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char err[256];
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = { 4096, 4096 };
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0) _exit(3);
        afile f;
        if (afile_open(&f, p, AFILE_REPLACE, err, sizeof err) != 0) _exit(4);
        static char big[65536];
        memset(big, 'x', sizeof big);
        (void)fwrite(big, 1, sizeof big, f.fp); /* fails now: EFBIG */
        if (!ferror(f.fp)) _exit(5);
        errno = 0;
        if (afile_commit(&f, err, sizeof err) != -1) _exit(6);
        _exit(strstr(err, "err.bin") && strstr(err, "File too large") ? 0 : 7);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_false(exists(p));
    assert_int_equal(n_entries(), 0); /* the temporary is gone */
}

/* The final name became a folder meanwhile: rename fails, the temporary goes. */
static void test_failed_rename_removes_temporary(void **state)
{
    (void)state;
    char err[256];
    const char *p = in_dir("model.bin");
    afile f;
    assert_int_equal(afile_open(&f, p, AFILE_REPLACE, err, sizeof err), 0);
    fputs("weights", f.fp);
    char *tmp = strdup(f.tmp);
    assert_int_equal(mkdir(p, 0755), 0);
    put(in_dir("model.bin/inside"), "x"); /* a non-empty folder cannot be renamed over */
    assert_int_equal(afile_commit(&f, err, sizeof err), -1);
    assert_non_null(strstr(err, "model.bin"));
    assert_false(exists(tmp));
    assert_int_equal(n_entries(), 1);
    remove(in_dir("model.bin/inside"));
    rmdir(p);
    free(tmp);
}

static void test_bad_names(void **state)
{
    (void)state;
    char err[256];
    afile f;
    assert_int_equal(afile_open(&f, "-", AFILE_REPLACE, err, sizeof err), -1);
    assert_non_null(strstr(err, "standard output"));
    assert_int_equal(afile_open(&f, "", AFILE_REPLACE, err, sizeof err), -1);
    assert_int_equal(afile_open(&f, NULL, AFILE_NEW, err, sizeof err), -1);
    assert_int_equal(afile_open(&f, test_tmpdir, AFILE_REPLACE, err, sizeof err), -1);
    assert_non_null(strstr(err, "folder"));
    assert_int_equal(afile_open(&f, in_dir("no/such/folder/x"), AFILE_REPLACE, err, sizeof err), -1);
    assert_non_null(strstr(err, "No such file or directory"));
    assert_null(f.fp);
    assert_int_equal(afile_commit(&f, err, sizeof err), -1); /* not open */
    assert_int_equal(n_entries(), 0);
}

/* A final name near NAME_MAX still gets a temporary (its base is shortened). */
static void test_long_name(void **state)
{
    (void)state;
    char name[251];
    memset(name, 'n', 250);
    name[250] = '\0';
    char err[256];
    const char *p = in_dir(name);
    assert_int_equal(afile_write(p, AFILE_NEW, "long", 4, err, sizeof err), 0);
    expect_content(p, "long");
    assert_int_equal(n_entries(), 1);
}

/* A device is written in place, never renamed over (that would replace the device
 * node): /dev/null takes the data, /dev/full reports the full disk. */
static void test_devices_written_in_place(void **state)
{
    (void)state;
    char err[256];
    struct stat st;
    assert_int_equal(afile_write("/dev/null", AFILE_REPLACE, "x", 1, err, sizeof err), 0);
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    if (stat("/dev/full", &st) != 0) skip();
    assert_int_equal(afile_write("/dev/full", AFILE_REPLACE, "x", 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "/dev/full"));
    assert_non_null(strstr(err, "No space left on device"));
    assert_int_equal(stat("/dev/full", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    assert_int_equal(afile_write("/dev/null", AFILE_NEW, "x", 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "exists"));
}

/* A symbolic link to a file: the file is replaced, the link stays a link. */
static void test_symlink_kept(void **state)
{
    (void)state;
    char err[256], target[600];
    snprintf(target, sizeof target, "%s", in_dir("real.bin"));
    put(target, "old");
    const char *link_path = in_dir("link.bin");
    assert_int_equal(symlink("real.bin", link_path), 0);
    assert_int_equal(afile_write(link_path, AFILE_REPLACE, "new", 3, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(lstat(link_path, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    expect_content(target, "new");
    assert_int_equal(n_entries(), 2);
}

TEST_MAIN(NULL, NULL,
          TEST_IN_TMPDIR(test_replace_writes_and_replaces),
          TEST_IN_TMPDIR(test_nothing_under_final_name_until_commit),
          TEST_IN_TMPDIR(test_new_never_overwrites),
          TEST_IN_TMPDIR(test_new_taken_meanwhile),
          TEST_IN_TMPDIR(test_abort_removes_temporary),
          TEST_IN_TMPDIR(test_full_disk_removes_temporary),
          TEST_IN_TMPDIR(test_stream_error_fails_commit),
          TEST_IN_TMPDIR(test_failed_rename_removes_temporary),
          TEST_IN_TMPDIR(test_bad_names),
          TEST_IN_TMPDIR(test_long_name),
          TEST_IN_TMPDIR(test_devices_written_in_place),
          TEST_IN_TMPDIR(test_symlink_kept))
