/* test_bg_worker.c - the background thread of engine/bg_worker.c: the thread
 * runs, sees the owner's work under the lock, and bg_worker_stop wakes it from
 * its wait, joins it (its last write is visible) and can be called right after
 * a start; started without a thread function (a pumped owner) it has the lock
 * and condition only, and bg_worker_pump_locked runs the owner's turns for a
 * budget: one turn at budget 0, none past the last piece of work. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bg_worker.h"
#include "test_util.h"

typedef struct {
    bg_worker w;
    int jobs;      /* asked for by the test */
    int done;      /* done by the thread */
    int returned;  /* the thread's last write, after it saw quit */
} counter;

static void *count_main(void *arg)
{
    counter *c = arg;
    pthread_mutex_lock(&c->w.mu);
    while (!c->w.quit) {
        if (c->done < c->jobs) {
            c->done++;
            pthread_cond_broadcast(&c->w.cv);
            continue;
        }
        pthread_cond_wait(&c->w.cv, &c->w.mu);
    }
    c->returned = 1;
    pthread_mutex_unlock(&c->w.mu);
    return NULL;
}

static void test_work_then_stop(void **state)
{
    (void)state;
    counter c = {0};
    assert_int_equal(bg_worker_start(&c.w, count_main, &c), 0);
    pthread_mutex_lock(&c.w.mu);
    c.jobs = 5;
    pthread_cond_broadcast(&c.w.cv);
    while (c.done < 5) pthread_cond_wait(&c.w.cv, &c.w.mu);
    assert_int_equal(c.done, 5);
    assert_int_equal(c.returned, 0);
    pthread_mutex_unlock(&c.w.mu);
    bg_worker_stop(&c.w); /* the thread waits on cv: stop must wake it */
    assert_int_equal(c.w.quit, 1);
    assert_int_equal(c.returned, 1);
    assert_int_equal(c.done, 5);
}

static void test_stop_at_once(void **state)
{
    (void)state;
    for (int i = 0; i < 50; i++) {
        counter c = {0};
        assert_int_equal(bg_worker_start(&c.w, count_main, &c), 0);
        bg_worker_stop(&c.w);
        assert_int_equal(c.returned, 1);
        assert_int_equal(c.done, 0);
    }
}

/* No fn (a pumped owner): the lock and condition work, no thread runs, stop joins nothing. */
static void test_no_thread(void **state)
{
    (void)state;
    counter c = {0};
    assert_int_equal(bg_worker_start(&c.w, NULL, NULL), 0);
    assert_int_equal(c.w.has_thread, 0);
    pthread_mutex_lock(&c.w.mu);
    c.jobs = 1;
    pthread_cond_broadcast(&c.w.cv);
    pthread_mutex_unlock(&c.w.mu);
    bg_worker_stop(&c.w);
    assert_int_equal(c.w.quit, 1);
    assert_int_equal(c.done, 0); /* nobody did the work */
    counter t = {0};
    assert_int_equal(bg_worker_start(&t.w, count_main, &t), 0);
    assert_int_equal(t.w.has_thread, 1);
    bg_worker_stop(&t.w);
}

/* One piece of work of a pumped counter: 1 when there was one. */
static int count_turn(void *arg)
{
    counter *c = arg;
    if (c->done >= c->jobs) return 0;
    c->done++;
    return 1;
}

static void test_pump(void **state)
{
    (void)state;
    counter c = {0};
    assert_int_equal(bg_worker_start(&c.w, NULL, NULL), 0);
    pthread_mutex_lock(&c.w.mu);
    assert_int_equal(bg_worker_pump_locked(count_turn, &c, 1.0), 0); /* nothing to do: returns at once */
    c.jobs = 1000;
    assert_int_equal(bg_worker_pump_locked(count_turn, &c, 0.0), 1); /* budget 0: one turn */
    assert_int_equal(c.done, 1);
    assert_int_equal(bg_worker_pump_locked(count_turn, &c, 60.0), 999); /* stops when the work runs out */
    assert_int_equal(c.done, 1000);
    pthread_mutex_unlock(&c.w.mu);
    const double t0 = bg_worker_now_s();
    assert_true(bg_worker_now_s() >= t0);
    bg_worker_stop(&c.w);
}

TEST_MAIN(NULL, NULL,
          cmocka_unit_test(test_pump),
          cmocka_unit_test(test_no_thread),
          cmocka_unit_test(test_work_then_stop),
          cmocka_unit_test(test_stop_at_once))
