/* test_util.h - set-up code the unit tests share (library tlab_unit_support,
 * linked into every tests/unit and tests/app test): a scratch directory made
 * and removed around a test, and the small model sizes the tests build.
 * Test set-up only: nothing here asserts, so every check stays in its test.
 */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <stddef.h>

#include "model.h"

/* Makes a new empty directory $TMPDIR/NAME-XXXXXX (/tmp when TMPDIR is unset)
 * into dir[n]. Returns 0, or -1 (dir holds no directory). */
int test_tmpdir_make(char *dir, size_t n, const char *name);

/* Removes the files and empty folders in dir, then dir itself. */
void test_tmpdir_remove(const char *dir);

/* The default model's configuration (model_config_default(V)) made small:
 * d_model D, H heads, `layers` encoder and decoder layers, d_ff F, max_len L. */
model_config test_config(int V, int D, int H, int layers, int F, int L);

#endif
