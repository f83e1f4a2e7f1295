/* test_export_names.c - screenshot file names: <slug>-<YYYYmmdd-HHMMSS>.png,
 * then -2, -3 ... so that an existing file is never overwritten (also for
 * several exports in the same second), folders created as needed, and a
 * clear reason when the folder cannot be written or the disk is full (and no
 * PNG, whole or partial, nor a temporary left); the writer thread: files
 * written in order with one result event each, a bounded queue that says why
 * it refuses, and nothing queued lost at shutdown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "export.h"
#include "test_util.h"

static void test_base_name(void **st)
{
    (void)st;
    struct tm tmv = {0};
    tmv.tm_year = 2026 - 1900;
    tmv.tm_mon = 10;
    tmv.tm_mday = 24;
    tmv.tm_hour = 9;
    tmv.tm_min = 5;
    tmv.tm_sec = 7;
    tmv.tm_isdst = -1;
    time_t t = mktime(&tmv);
    char b[128];
    export_base_name("positional-encoding", t, b, sizeof b);
    assert_string_equal(b, "positional-encoding-20261124-090507");
    export_base_name(NULL, t, b, sizeof b);
    assert_string_equal(b, "screen-20261124-090507");
}

static SDL_Surface *small_surface(Uint8 v);

/* Entries of dir (hidden ones too): no temporary may be left behind. */
static int n_entries(void)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", test_tmpdir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p && fscanf(p, "%d", &n) != 1) n = -1;
    if (p) pclose(p);
    return n;
}

static void test_never_overwrites(void **st)
{
    (void)st;
    char p1[512], p2[512], p3[512], err[512], want[512];
    SDL_Surface *s = small_surface(7);
    assert_int_equal(export_save_png_new(s, test_tmpdir, "tokens-20260101-000000", p1, sizeof p1, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s/tokens-20260101-000000.png", test_tmpdir);
    assert_string_equal(p1, want);
    /* a second export in the same second */
    assert_int_equal(export_save_png_new(s, test_tmpdir, "tokens-20260101-000000", p2, sizeof p2, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s/tokens-20260101-000000-2.png", test_tmpdir);
    assert_string_equal(p2, want);
    /* write something into the first: a third export must not touch it */
    FILE *f = fopen(p1, "w");
    assert_non_null(f);
    fputs("keep me", f);
    fclose(f);
    assert_int_equal(export_save_png_new(s, test_tmpdir, "tokens-20260101-000000", p3, sizeof p3, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s/tokens-20260101-000000-3.png", test_tmpdir);
    assert_string_equal(p3, want);
    char buf[32] = "";
    f = fopen(p1, "r");
    assert_non_null(f);
    assert_non_null(fgets(buf, sizeof buf, f));
    fclose(f);
    assert_string_equal(buf, "keep me");
    /* a fixed name (--export-all) that exists is refused, and kept */
    assert_int_equal(export_save_png(s, p1, AFILE_NEW, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "exists"));
    /* AFILE_REPLACE (a file the user named) replaces it */
    assert_int_equal(export_save_png(s, p1, AFILE_REPLACE, NULL, err, sizeof err), 0);
    f = fopen(p1, "rb");
    assert_non_null(f);
    assert_int_equal(fread(buf, 1, 8, f), 8);
    fclose(f);
    assert_memory_equal(buf, "\x89PNG\r\n\x1a\n", 8);
    /* asked to stop once encoded: nothing under the name, no temporary */
    volatile sig_atomic_t stop = 1;
    snprintf(want, sizeof want, "%s/stopped.png", test_tmpdir);
    assert_int_equal(export_save_png(s, want, AFILE_NEW, &stop, err, sizeof err), -1);
    struct stat sb;
    assert_int_not_equal(lstat(want, &sb), 0);
    assert_int_equal(n_entries(), 3);
    SDL_FreeSurface(s);
}

/* A full disk (/dev/full is no folder to write into, so a tmpfs of 64 KiB when
 * we may mount one): the error names the cause and no PNG, truncated or empty,
 * is left under the final name, nor a temporary. */
static void test_full_disk(void **st)
{
    (void)st;
    char mnt[400], cmd[600], path[500], err[512];
    snprintf(mnt, sizeof mnt, "%s/small", test_tmpdir);
    assert_int_equal(mkdir(mnt, 0755), 0);
    snprintf(cmd, sizeof cmd, "mount -t tmpfs -o size=64k tmpfs '%s' 2>/dev/null", mnt);
    if (geteuid() != 0 || system(cmd) != 0) { skip(); return; }
    SDL_Surface *big = SDL_CreateRGBSurfaceWithFormat(0, 512, 512, 32, SDL_PIXELFORMAT_RGB888);
    assert_non_null(big);
    Uint32 *px = big->pixels; /* noise: the PNG cannot compress below 64 KiB */
    Uint32 x = 12345;
    for (int i = 0; i < 512 * 512; i++) { x = x * 1103515245u + 12345u; px[i] = x >> 8; }
    int rc = export_save_png_new(big, mnt, "screen", path, sizeof path, err, sizeof err);
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", mnt);
    FILE *p = popen(cmd, "r");
    int n = -1;
    assert_int_equal(fscanf(p, "%d", &n), 1);
    pclose(p);
    snprintf(cmd, sizeof cmd, "umount '%s'", mnt);
    assert_int_equal(system(cmd), 0);
    SDL_FreeSurface(big);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "No space left on device"));
    assert_int_equal(n, 0);
}

static void test_mkdir_and_errors(void **st)
{
    (void)st;
    char sub[400], err[512], p[600];
    snprintf(sub, sizeof sub, "%s/a/b/c", test_tmpdir);
    assert_int_equal(export_mkdir_p(sub, err, sizeof err), 0);
    struct stat s;
    assert_int_equal(stat(sub, &s), 0);
    assert_true(S_ISDIR(s.st_mode));
    assert_int_equal(export_mkdir_p(sub, err, sizeof err), 0); /* again: fine */
    /* a file in the way */
    char file[450];
    snprintf(file, sizeof file, "%s/plainfile", test_tmpdir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(export_mkdir_p(file, err, sizeof err), -1);
    assert_non_null(strstr(err, "plainfile"));
    /* unwritable folder: the reason is given */
    SDL_Surface *one = small_surface(3);
    assert_int_equal(export_save_png_new(one, "/proc/no-such-dir", "x", p, sizeof p, err, sizeof err), -1);
    SDL_FreeSurface(one);
    assert_non_null(strstr(err, "cannot write"));
    assert_non_null(strstr(err, "No such file"));
}

static SDL_Surface *small_surface(Uint8 v)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 64, 32, 32, SDL_PIXELFORMAT_RGB888);
    assert_non_null(s);
    SDL_FillRect(s, NULL, SDL_MapRGB(s->format, v, 255 - v, 128));
    return s;
}

/* Takes the result events of the writer: how many, and how many said ok. */
static int take_results(Uint32 ev, int *ok)
{
    SDL_Event e;
    int n = 0;
    *ok = 0;
    SDL_PumpEvents();
    while (SDL_PeepEvents(&e, 1, SDL_GETEVENT, ev, ev) == 1) {
        n++;
        if (e.user.code == 0) (*ok)++;
        assert_non_null(e.user.data1);
        free(e.user.data1);
    }
    return n;
}

static void test_writer_in_order(void **st)
{
    (void)st;
    assert_int_equal(SDL_Init(SDL_INIT_EVENTS), 0);
    Uint32 ev = SDL_RegisterEvents(1);
    char path[512];
    for (int i = 0; i < 12; i++) {
        snprintf(path, sizeof path, "%s/shot-%02d.png", test_tmpdir, i);
        assert_int_equal(export_save_png_async(small_surface((Uint8)(i * 20)), path, AFILE_NEW, ev), 0);
    }
    export_wait_all();
    int ok, n = take_results(ev, &ok);
    assert_int_equal(n, 12);
    assert_int_equal(ok, 12);
    for (int i = 0; i < 12; i++) {
        snprintf(path, sizeof path, "%s/shot-%02d.png", test_tmpdir, i);
        struct stat sb;
        assert_int_equal(stat(path, &sb), 0);
        assert_true(sb.st_size > 60);
    }
    /* a failed write says why and leaves no file */
    snprintf(path, sizeof path, "%s/no/such/folder/x.png", test_tmpdir);
    assert_int_equal(export_save_png_async(small_surface(1), path, AFILE_NEW, ev), 0);
    export_wait_all();
    SDL_Event e;
    SDL_PumpEvents();
    assert_int_equal(SDL_PeepEvents(&e, 1, SDL_GETEVENT, ev, ev), 1);
    assert_int_equal(e.user.code, -1);
    assert_non_null(strstr(e.user.data1, "cannot write"));
    free(e.user.data1);
    export_shutdown();
    SDL_Quit();
}

/* The writer blocks on a FIFO nobody reads yet: the queue is then full for a
 * second export (limit 1 byte), which is refused with a reason; once the FIFO
 * is read, the first export completes. A later export starts a new writer. */
static void test_writer_queue_full(void **st)
{
    (void)st;
    assert_int_equal(SDL_Init(SDL_INIT_EVENTS), 0);
    Uint32 ev = SDL_RegisterEvents(1);
    char fifo[512], path[512];
    snprintf(fifo, sizeof fifo, "%s/fifo.png", test_tmpdir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    export_set_queue_limit(1);
    assert_int_equal(export_save_png_async(small_surface(10), fifo, AFILE_REPLACE, ev), 0);
    snprintf(path, sizeof path, "%s/second.png", test_tmpdir);
    assert_int_equal(export_save_png_async(small_surface(20), path, AFILE_NEW, ev), -1);
    assert_non_null(strstr(SDL_GetError(), "still being written"));
    struct stat sb;
    assert_int_not_equal(stat(path, &sb), 0);
    int fd = open(fifo, O_RDONLY); /* the writer is waiting to open it for writing */
    assert_true(fd >= 0);
    char buf[4096], head[8] = {0};
    size_t total = 0;
    ssize_t got;
    while ((got = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < got && total + (size_t)i < sizeof head; i++) head[total + (size_t)i] = buf[i];
        total += (size_t)got;
    }
    close(fd);
    assert_true(total > 60);
    assert_memory_equal(head, "\x89PNG\r\n\x1a\n", 8);
    export_wait_all();
    int ok, n = take_results(ev, &ok);
    assert_int_equal(n, 1);
    assert_int_equal(ok, 1);
    export_set_queue_limit(0);
    /* shutdown writes what is queued; a later export starts the writer again */
    export_shutdown();
    assert_int_equal(export_save_png_async(small_surface(30), path, AFILE_NEW, ev), 0);
    export_shutdown();
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(take_results(ev, &ok), 1);
    assert_int_equal(ok, 1);
    SDL_Quit();
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_base_name),
          TEST_IN_TMPDIR(test_never_overwrites),
          TEST_IN_TMPDIR(test_full_disk),
          TEST_IN_TMPDIR(test_mkdir_and_errors),
          TEST_IN_TMPDIR(test_writer_in_order),
          TEST_IN_TMPDIR(test_writer_queue_full))
