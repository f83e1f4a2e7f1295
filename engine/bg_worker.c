/* bg_worker.c - the background thread of bg_worker.h: start (lock, condition,
 * thread unless fn is NULL) and stop (quit, wake, join, destroy); the clock and
 * the pump loop of a pumped owner. Must not print or exit.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "bg_worker.h"

int bg_worker_start(bg_worker *w, void *(*fn)(void *), void *arg)
{
    memset(w, 0, sizeof *w);
    int rc = pthread_mutex_init(&w->mu, NULL);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    rc = pthread_cond_init(&w->cv, NULL);
    if (rc == 0) {
        if (!fn) return 0; /* a pumped owner: no thread */
        rc = pthread_create(&w->thread, NULL, fn, arg);
        w->has_thread = rc == 0;
        if (rc == 0) return 0;
        pthread_cond_destroy(&w->cv);
    }
    pthread_mutex_destroy(&w->mu);
    errno = rc;
    return -1;
}

void bg_worker_stop(bg_worker *w)
{
    pthread_mutex_lock(&w->mu);
    w->quit = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    if (w->has_thread) pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
}

double bg_worker_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int bg_worker_pump_locked(int (*turn)(void *), void *arg, double budget_s)
{
    const double end = bg_worker_now_s() + budget_s;
    int done = 0;
    do {
        if (!turn(arg)) break;
        done++;
    } while (bg_worker_now_s() < end);
    return done;
}
