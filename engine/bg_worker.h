/* bg_worker.h - one background thread with the mutex and the condition variable
 * that guard its work: the start and stop that experiment.c (held-out scores)
 * and train_run.c (the trainer) share. The owner keeps a `bg_worker` in its
 * struct; its thread function takes the lock, waits on cv until there is work
 * or `quit` is set, does the work outside the lock and publishes under it:
 *
 *   static void *my_main(void *arg) {
 *       thing *t = arg;
 *       pthread_mutex_lock(&t->w.mu);
 *       while (!t->w.quit) { ... pthread_cond_wait(&t->w.cv, &t->w.mu); ... }
 *       pthread_mutex_unlock(&t->w.mu);
 *       return NULL;
 *   }
 *   if (bg_worker_start(&t->w, my_main, t) != 0) ... (nothing of w to undo)
 *   bg_worker_stop(&t->w);   // quit, wake, join: the thread is gone, then free the rest
 *
 * A pumped owner (no thread: a web page without threads) runs the same turns from
 * its caller with bg_worker_pump_locked.
 *
 * Must not: print, exit or allocate.
 */
#ifndef BG_WORKER_H
#define BG_WORKER_H

#include <pthread.h>

typedef struct {
    pthread_t thread;
    pthread_mutex_t mu;   /* guards quit and the owner's shared state */
    pthread_cond_t cv;    /* broadcast on every change the other side waits for */
    int quit;             /* set by bg_worker_stop: the thread returns */
    int has_thread;       /* 0: started without fn (a pumped owner does the work itself) */
} bg_worker;

/* Makes the lock and the condition, then starts fn(arg) on its own thread (no
 * thread when fn is NULL: the owner runs the work itself, pumped, as in a web page
 * without threads; the lock and condition are the same).
 * 0, or -1 with errno set and nothing left to free (the thread never ran). */
int bg_worker_start(bg_worker *w, void *(*fn)(void *), void *arg);

/* Sets quit under the lock, wakes every waiter, waits for the thread to return
 * and destroys the lock and the condition. w was started by bg_worker_start. */
void bg_worker_stop(bg_worker *w);

/* Seconds on the monotonic clock (for budgets and throttles). */
double bg_worker_now_s(void);

/* A pumped owner's work on the caller's thread (w's lock held by the caller):
 * calls turn(arg) until it returns 0 (nothing to do now) or budget_s seconds
 * have passed; at least one turn. Returns the turns that did work. */
int bg_worker_pump_locked(int (*turn)(void *), void *arg, double budget_s);

#endif
