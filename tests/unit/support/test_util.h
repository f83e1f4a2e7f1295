/* test_util.h - set-up code the unit tests share (library tlab_unit_support,
 * linked into every tests/unit and tests/app test): a scratch directory made
 * and removed around a test, the small model sizes the tests build, and the
 * main of a test program (TEST_MAIN).
 * Test set-up only: nothing here asserts, so every check stays in its test.
 */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <stddef.h>

#include "model.h"
#include "weights.h"

/* A scratch directory around one test, as cmocka set-up and tear-down:
 * TEST_IN_TMPDIR(test_x) in the test list.
 * test_tmpdir_setup makes test_tmpdir, a new empty $TMPDIR/tlab-test-XXXXXX
 * (/tmp when TMPDIR is unset); test_tmpdir_teardown removes it with
 * everything in it (folders in folders too; links are removed, not followed).
 * Also usable as a group's set-up and tear-down. */
extern char test_tmpdir[256];
int test_tmpdir_setup(void **state);
int test_tmpdir_teardown(void **state);
#define TEST_IN_TMPDIR(f) cmocka_unit_test_setup_teardown(f, test_tmpdir_setup, test_tmpdir_teardown)

/* The main of a test program: runs the cmocka tests given (cmocka_unit_test(f),
 * TEST_IN_TMPDIR(f), ...) as one group, between the group's set-up and
 * tear-down (NULL for none); its exit status is the number of tests failed. */
#define TEST_MAIN(group_setup, group_teardown, ...)                              \
    int main(void)                                                             \
    {                                                                          \
        const struct CMUnitTest tests[] = {__VA_ARGS__};                       \
        return cmocka_run_group_tests(tests, group_setup, group_teardown);     \
    }

/* The default model's configuration (model_config_default(V)) made small:
 * d_model D, H heads, `layers` encoder and decoder layers, d_ff F, max_len L. */
model_config test_config(int V, int D, int H, int layers, int F, int L);

/* The assets folder the tests read: $TLAB_ASSETS (CTest sets it), else the
 * source tree's assets/. */
const char *test_assets(void);

/* Loads the model file `name` (e.g. "model.safetensors") of test_assets() into
 * m: 0, or -1 with the path and the reason on stderr (then m holds nothing to
 * free), so the set-up or the test that asked fails. */
int test_load_model(weights_model *m, const char *name);

/* 1 when got and want differ, after printing both on stderr after `what` (the
 * call that made got), so a failed string assertion shows the two in full;
 * else 0. The test asserts: assert_false(test_str_differs(...)). */
int test_str_differs(const char *what, const char *got, const char *want);

#endif
