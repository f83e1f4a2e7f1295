/* test_rng.c - the one generator (engine/data/rng.c) gives splitmix64's
 * published sequence, so every seed-reproducible result (initial weights, the
 * corpus, the batch plan, --monkey runs) stays what it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rng.h"
#include "test_util.h"

/* splitmix64 from state 0: the reference values of Vigna's splitmix64.c */
static void test_sequence(void **state)
{
    (void)state;
    uint64_t s = 0;
    assert_true(rng_next(&s) == 0xE220A8397B1DCDAFULL);
    assert_true(rng_next(&s) == 0x6E789E6AA1B965F4ULL);
    assert_true(rng_next(&s) == 0x06C45D188009454FULL);
    assert_true(s == 3 * 0x9E3779B97F4A7C15ULL);
    assert_true(rng_mix(0x9E3779B97F4A7C15ULL) == 0xE220A8397B1DCDAFULL);
}

/* rng_uniform: the top 24 bits over 2^24; from state 12345 that is 0.1330796480178833 */
static void test_uniform(void **state)
{
    (void)state;
    uint64_t s = 12345;
    assert_float_equal(rng_uniform(&s), 0.1330796480178833f, 0.0f);
    for (int i = 0; i < 100000; i++) {
        float u = rng_uniform(&s);
        assert_true(u >= 0.0f && u < 1.0f);
    }
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_sequence),
          cmocka_unit_test(test_uniform))
