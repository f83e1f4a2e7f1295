/* test_export_names.c - screenshot file names: <slug>-<YYYYmmdd-HHMMSS>.png,
 * then -2, -3 ... so that an existing file is never overwritten (also for
 * several exports in the same second), folders created as needed, and a
 * clear reason when the folder cannot be written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "export.h"

static char dir[256];

static int setup(void **st)
{
    (void)st;
    snprintf(dir, sizeof dir, "/tmp/tlab-test-export-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

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

static void test_never_overwrites(void **st)
{
    (void)st;
    char p1[512], p2[512], p3[512], err[512], want[512];
    assert_int_equal(export_reserve(dir, "tokens-20260101-000000", p1, sizeof p1, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s/tokens-20260101-000000.png", dir);
    assert_string_equal(p1, want);
    /* the first file now exists (reserved); a second export in the same second */
    assert_int_equal(export_reserve(dir, "tokens-20260101-000000", p2, sizeof p2, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s/tokens-20260101-000000-2.png", dir);
    assert_string_equal(p2, want);
    /* write something into the first: a third export must not touch it */
    FILE *f = fopen(p1, "w");
    assert_non_null(f);
    fputs("keep me", f);
    fclose(f);
    assert_int_equal(export_reserve(dir, "tokens-20260101-000000", p3, sizeof p3, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s/tokens-20260101-000000-3.png", dir);
    assert_string_equal(p3, want);
    char buf[32] = "";
    f = fopen(p1, "r");
    assert_non_null(f);
    assert_non_null(fgets(buf, sizeof buf, f));
    fclose(f);
    assert_string_equal(buf, "keep me");
}

static void test_mkdir_and_errors(void **st)
{
    (void)st;
    char sub[400], err[512], p[600];
    snprintf(sub, sizeof sub, "%s/a/b/c", dir);
    assert_int_equal(export_mkdir_p(sub, err, sizeof err), 0);
    struct stat s;
    assert_int_equal(stat(sub, &s), 0);
    assert_true(S_ISDIR(s.st_mode));
    assert_int_equal(export_mkdir_p(sub, err, sizeof err), 0); /* again: fine */
    /* a file in the way */
    char file[450];
    snprintf(file, sizeof file, "%s/plainfile", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(export_mkdir_p(file, err, sizeof err), -1);
    assert_non_null(strstr(err, "plainfile"));
    /* unwritable folder: the reason is given */
    assert_int_equal(export_reserve("/proc/no-such-dir", "x", p, sizeof p, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot write"));
    assert_non_null(strstr(err, "No such file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_name),
        cmocka_unit_test_setup_teardown(test_never_overwrites, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mkdir_and_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
