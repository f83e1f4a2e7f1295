/* test_beamview.c - the cache behind the beam-search lesson (lessons/common/beamview.c):
 * a second call with the same (model, ids, beam, alpha) does not search again
 * and returns the same result; a change of any of them does; the result equals
 * a direct beam_search; errors come back as NULL with a message.
 *
 * Uses the shipped model (TLAB_ASSETS/model.safetensors, else the untrained one).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "beamview.h"
#include "model_fixture.h"
#include "test_util.h"

static weights_model g_model;

static int setup(void **st)
{
    (void)st;
    return model_fixture_load(&g_model);
}

static int teardown(void **st)
{
    (void)st;
    weights_model_free(&g_model);
    return 0;
}

static void test_errors(void **st)
{
    (void)st;
    char err[128] = "";
    const int src[] = { 5, TOK_EOS };
    beamview_free(NULL);
    assert_null(beamview_get(NULL, &g_model.params, src, 2, 4, 0.6, err, sizeof err));
    assert_true(err[0] != 0);
    beamview *b = beamview_new(NULL); /* trace made on the first search */
    assert_non_null(b);
    assert_null(beamview_last(b));
    err[0] = 0;
    assert_null(beamview_get(b, &g_model.params, src, 0, 4, 0.6, err, sizeof err));
    assert_non_null(strstr(err, "source length"));
    err[0] = 0;
    assert_null(beamview_get(b, &g_model.params, src, 2, 0, 0.6, err, sizeof err));
    assert_non_null(strstr(err, "beam size"));
    assert_null(beamview_last(b));
    assert_non_null(beamview_get(b, &g_model.params, src, 2, 2, 0.6, err, sizeof err));
    assert_non_null(beamview_last(b));
    beamview_free(b);
}

static void test_cached_per_key(void **st)
{
    (void)st;
    char err[256];
    static beam_result direct;
    const int a[] = { 5, 6, 7, TOK_EOS }, c[] = { 5, 6, 8, TOK_EOS };
    beamview *b = beamview_new(&g_model.params.cfg);
    assert_non_null(b);
    assert_int_equal(beamview_runs(b), 0);
    const beam_result *r1 = beamview_get(b, &g_model.params, a, 4, 4, 0.6, err, sizeof err);
    assert_non_null(r1);
    assert_int_equal(beamview_runs(b), 1);
    /* the same key: no new search, the same result */
    assert_ptr_equal(beamview_get(b, &g_model.params, a, 4, 4, 0.6, err, sizeof err), r1);
    assert_int_equal(beamview_runs(b), 1);
    /* equal to a direct search */
    beam_opts o = { 4, 0.6, 0 };
    assert_int_equal(beam_search(&g_model.params, a, 4, &o, &direct, err, sizeof err), 0);
    assert_int_equal(r1->n_hyps, direct.n_hyps);
    assert_int_equal(r1->hyps[0].len, direct.hyps[0].len);
    assert_memory_equal(r1->hyps[0].ids, direct.hyps[0].ids, sizeof(int) * (size_t)direct.hyps[0].len);
    assert_true(r1->hyps[0].score == direct.hyps[0].score);
    /* each part of the key triggers a new search */
    assert_non_null(beamview_get(b, &g_model.params, c, 4, 4, 0.6, err, sizeof err));
    assert_int_equal(beamview_runs(b), 2);
    assert_non_null(beamview_get(b, &g_model.params, c, 4, 2, 0.6, err, sizeof err));
    assert_int_equal(beamview_runs(b), 3);
    const beam_result *r4 = beamview_get(b, &g_model.params, c, 4, 2, 0.0, err, sizeof err);
    assert_non_null(r4);
    assert_int_equal(beamview_runs(b), 4);
    assert_true(r4->hyps[0].score == r4->hyps[0].logp); /* alpha 0: lp = 1 */
    assert_non_null(beamview_get(b, &g_model.params, c, 3, 2, 0.0, err, sizeof err));
    assert_int_equal(beamview_runs(b), 5);
    assert_non_null(beamview_get(b, &g_model.params, c, 3, 2, 0.0, err, sizeof err));
    assert_int_equal(beamview_runs(b), 5);
    beamview_free(b);
}

TEST_MAIN(setup, teardown,
          cmocka_unit_test(test_errors),
          cmocka_unit_test(test_cached_per_key))
