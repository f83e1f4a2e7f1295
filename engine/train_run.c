/* train_run.c - the background trainer of train_run.h: one worker thread, one
 * mutex and one condition variable (bg_worker.h); or, pumped (options.pumped: a
 * web page without threads), no thread and the same worker turns run by
 * train_run_pump on the caller's thread. The worker owns the train_state; while it
 * works outside the lock (`busy`: a step, an evaluation, the corpus) nobody
 * touches that state; everything shared (status, numbers, history) changes
 * only under the lock. A command that drops the state (start, reset, loading a
 * history) never waits for the worker: it bumps `gen`, and a piece of work
 * begun under an older gen is thrown away when it ends (the worker frees the
 * state it worked on), so a page's Reset does not wait for the corpus. Copying
 * the current weights needs the worker idle: it raises `waiters`, which the
 * worker honours before its next piece of work.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "train_data.h"
#include "train_run.h"
#include "bg_worker.h"
#include "errmsg.h"

struct train_run {
    train_run_options o;
    model_config cfg;
    bg_worker w;                  /* the thread (none when pumped), its lock (guards what follows) and condition */
    int busy, waiters, inject_nan;
    long gen;                     /* bumped by every command that drops the state */
    train_run_info info;          /* published */
    train_history hist;           /* published */
    train_data data;              /* worker-owned once loaded */
    int data_ok;
    train_state *st;              /* worker-owned while busy (a command then leaves it to the worker); else under the lock */
    double t_next;                /* when the next throttled step may start */
};

static double now_s(void) { return bg_worker_now_s(); }

const char *train_run_status_name(train_run_status s)
{
    static const char *const names[] = {N_("empty"), N_("recorded"), N_("preparing"), N_("running"), N_("paused"), N_("done"), N_("failed")};
    return s >= TRAIN_RUN_EMPTY && s <= TRAIN_RUN_FAILED ? names[s] : "?";
}

train_run_options train_run_options_default(void)
{
    train_run_options o;
    memset(&o, 0, sizeof o);
    o.opt = train_options_default();
    o.train_n = 200000;
    o.long_boost = 1;
    o.corpus_seed = 1;
    o.held_n = 200;
    o.eval_every = 50;
    o.cap_points = 1024;
    o.cap_evals = 256;
    o.cap_snaps = 24;
    o.snap_every = 25;
    o.max_steps = 0;
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
    o.pumped = 1; /* a web page without threads */
#endif
    return o;
}

static void changed(train_run *r)
{
    r->info.version++;
    pthread_cond_broadcast(&r->w.cv);
}

/* Waits (lock held) until the worker is between pieces of work and keeps it there. */
static void hold_worker(train_run *r)
{
    r->waiters++;
    while (r->busy) pthread_cond_wait(&r->w.cv, &r->w.mu);
}

static void release_worker(train_run *r)
{
    r->waiters--;
    pthread_cond_broadcast(&r->w.cv);
}

/* ---- Work done outside the lock ---- */

/* The corpus (first time) and a fresh state. 0, or -1 with a message in msg. */
static int prepare(train_run *r, train_state **out, char *msg, size_t n)
{
    if (!r->data_ok) {
        if (train_data_load(&r->data, r->o.train_n, CORPUS_TEST, r->o.held_n, r->o.corpus_seed, r->o.long_boost, msg,
                            n) != 0)
            return -1;
        r->data_ok = 1;
    }
    *out = train_state_create(&r->cfg, &r->o.opt, r->data.tr.ex, r->data.tr.n, msg, n);
    return *out ? 0 : -1;
}

typedef struct {
    int ok, evaluated;
    train_step_info step;
    double val_loss, exact, tok_acc, secs;
} step_result;

static void evaluate(train_run *r, train_state *st, step_result *res)
{
    if (r->data.held.n <= 0) return;
    res->val_loss = train_state_evaluate(st, r->data.held.ex, r->data.held.n, &res->tok_acc, &res->exact);
    res->evaluated = 1;
}

static void one_step(train_run *r, train_state *st, int nan, step_result *res)
{
    const double t0 = now_s();
    if (nan) train_state_params(st)->memory[0] = NAN;
    res->ok = train_state_step_once(st, &res->step) == 0;
    if (res->ok && train_state_step(st) % r->o.eval_every == 0) evaluate(r, st, res);
    res->secs = now_s() - t0;
}

/* ---- Publishing (lock held) ---- */

static void publish_eval(train_run *r, long step, const step_result *res)
{
    r->info.eval_step = step;
    r->info.val_loss = res->val_loss;
    r->info.exact = res->exact;
    r->info.tok_acc = res->tok_acc;
    train_history_add_eval(&r->hist, step, res->val_loss, res->exact, res->tok_acc);
}

static void publish_step(train_run *r, const step_result *res)
{
    const long step = train_state_step(r->st);
    r->info.train_s += res->secs;
    if (!res->ok) {
        r->info.status = TRAIN_RUN_FAILED;
        snprintf(r->info.message, sizeof r->info.message,
                 N_("loss or gradient is not finite (loss %g) at step %ld: training stopped, the weights of step %ld kept; "
                 "reset to start again"),
                 res->step.loss, step + 1, step);
        return;
    }
    r->info.step = step;
    r->info.loss = res->step.loss;
    r->info.lr = res->step.lr;
    train_history_add_step(&r->hist, step, res->step.loss, res->step.lr);
    if (res->evaluated) publish_eval(r, step, res);
    if (train_history_snapshot_due(&r->hist, step))
        train_history_add_snapshot(&r->hist, step, train_state_params(r->st)->memory);
    if (r->o.max_steps > 0 && step >= r->o.max_steps) {
        r->info.status = TRAIN_RUN_DONE;
        snprintf(r->info.message, sizeof r->info.message, N_("done: %ld steps"), step);
    }
}

/* A fresh record sized by the options (a loaded history may have had others). */
static int fresh_history(train_run *r, char *msg, size_t n)
{
    const train_history *h = &r->hist;
    if (h->points && h->cap_points == r->o.cap_points && h->cap_evals == r->o.cap_evals &&
        h->cap_snaps == r->o.cap_snaps && h->opt.seed == r->o.opt.seed) {
        train_history_clear(&r->hist, r->o.snap_every);
        return 0;
    }
    train_history_free(&r->hist);
    return train_history_init(&r->hist, &r->cfg, &r->o.opt, r->o.cap_points, r->o.cap_evals, r->o.cap_snaps,
                              r->o.snap_every, msg, n);
}

/* PREPARING -> RUNNING (with the step-0 evaluation and snapshot) or FAILED; nothing
 * when a command came meanwhile. Lock held on entry and exit. */
static void worker_prepare(train_run *r)
{
    char msg[200] = "";
    const long gen = r->gen;
    r->busy = 1;
    pthread_mutex_unlock(&r->w.mu);
    train_state *st = NULL;
    int rc = prepare(r, &st, msg, sizeof msg);
    step_result res = {0};
    if (rc == 0) evaluate(r, st, &res);
    pthread_mutex_lock(&r->w.mu);
    r->busy = 0;
    if (r->gen != gen) { /* reset or started again meanwhile: that command's status stands */
        train_state_free(st);
    } else if (rc != 0) {
        train_state_free(st);
        r->info.status = TRAIN_RUN_FAILED;
        snprintf(r->info.message, sizeof r->info.message, N_("cannot start training: %s"), msg);
    } else {
        r->st = st;
        if (res.evaluated) publish_eval(r, 0, &res);
        train_history_add_snapshot(&r->hist, 0, train_state_params(st)->memory);
        r->info.status = TRAIN_RUN_RUNNING;
        snprintf(r->info.message, sizeof r->info.message, N_("training"));
        r->t_next = now_s();
    }
    changed(r);
}

/* Seconds until the throttle allows the next step (0: now; then the slot is taken). */
static double throttle_wait(train_run *r)
{
    if (r->info.speed <= 0.0) return 0.0;
    const double t = now_s();
    if (t >= r->t_next) {
        if (t - r->t_next > 1.0) r->t_next = t; /* no burst after a pause */
        r->t_next += 1.0 / r->info.speed;
        return 0.0;
    }
    return r->t_next - t;
}

/* Sleeps `s` seconds (pumped mode, whose lock nobody else waits for). */
static void nap(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

/* Waits on the condition variable for at most `wait` seconds (lock held, released while waiting). */
static void timed_wait(train_run *r, double wait)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += (time_t)wait;
    ts.tv_nsec += (long)((wait - floor(wait)) * 1e9);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&r->w.cv, &r->w.mu, &ts);
}

/* One step outside the lock, then published; thrown away (the state freed) when a
 * command dropped the state meanwhile. Lock held on entry and exit. */
static void worker_step(train_run *r)
{
    const int nan = r->inject_nan;
    const long gen = r->gen;
    train_state *st = r->st;
    r->inject_nan = 0;
    r->busy = 1;
    pthread_mutex_unlock(&r->w.mu);
    step_result res = {0};
    one_step(r, st, nan, &res);
    pthread_mutex_lock(&r->w.mu);
    r->busy = 0;
    if (r->gen != gen) train_state_free(st);
    else publish_step(r, &res);
    changed(r);
}

/* The worker's next piece of work (lock held): 1 when it did one (preparation or a
 * step); 0 when there is none now, *wait then being the seconds until the throttle
 * allows a step, or 0 to wait for a command. The thread and train_run_pump share it. */
static int worker_turn(train_run *r, double *wait)
{
    *wait = 0.0;
    if (r->waiters > 0) return 0;
    if (r->info.status == TRAIN_RUN_PREPARING) {
        worker_prepare(r);
        return 1;
    }
    if (r->info.status != TRAIN_RUN_RUNNING || !r->st) return 0;
    if ((*wait = throttle_wait(r)) > 0.0) return 0;
    worker_step(r);
    return 1;
}

static void *worker_main(void *arg)
{
    train_run *r = arg;
    pthread_mutex_lock(&r->w.mu);
    while (!r->w.quit) {
        double wait;
        if (worker_turn(r, &wait)) continue;
        if (wait > 0.0) timed_wait(r, wait);
        else pthread_cond_wait(&r->w.cv, &r->w.mu);
    }
    pthread_mutex_unlock(&r->w.mu);
    return NULL;
}

/* Pumped (no thread): the work of the next budget_s seconds, on the caller's
 * thread. Lock held. Returns the pieces of work done. */
static int pump_turn(void *arg)
{
    double wait;
    return worker_turn(arg, &wait);
}

static int pump_locked(train_run *r, double budget_s)
{
    return bg_worker_pump_locked(pump_turn, r, budget_s);
}

int train_run_pump(train_run *r, double budget_s)
{
    if (!r || !r->o.pumped) return 0;
    pthread_mutex_lock(&r->w.mu);
    const int done = pump_locked(r, budget_s);
    pthread_mutex_unlock(&r->w.mu);
    return done;
}

/* ---- The caller's side ---- */

train_run *train_run_create(const train_run_options *o, char *err, size_t err_len)
{
    if (o->eval_every < 1 || o->train_n < 1 || o->held_n < 0) {
        if (err && err_len) snprintf(err, err_len, N_("training runner: eval_every and train_n must be at least 1"));
        return NULL;
    }
    train_run *r = calloc(1, sizeof *r);
    if (!r) {
        if (err && err_len) snprintf(err, err_len, N_("out of memory"));
        return NULL;
    }
    r->o = *o;
    const char *const *words;
    int V;
    corpus_vocab(&words, &V);
    r->cfg = model_config_default(V);
    r->info.eval_step = -1;
    if (train_history_init(&r->hist, &r->cfg, &o->opt, o->cap_points, o->cap_evals, o->cap_snaps, o->snap_every, err,
                           err_len) != 0) {
        free(r);
        return NULL;
    }
    if (bg_worker_start(&r->w, o->pumped ? NULL : worker_main, r) != 0) {
        if (err && err_len) snprintf(err, err_len, N_("cannot start the training thread: %s"), strerror(errno));
        train_history_free(&r->hist);
        free(r);
        return NULL;
    }
    return r;
}

void train_run_free(train_run *r)
{
    if (!r) return;
    bg_worker_stop(&r->w);
    train_state_free(r->st);
    train_data_free(&r->data);
    train_history_free(&r->hist);
    free(r);
}

model_config train_run_config(const train_run *r) { return r->cfg; }

int train_run_compatible(const train_run *r, const model_params *p, const tok_vocab *vocab, char *err, size_t err_len)
{
    const model_config *a = &r->cfg, *b = &p->cfg;
    if (a->d_model != b->d_model || a->n_heads != b->n_heads || a->n_enc_layers != b->n_enc_layers ||
        a->n_dec_layers != b->n_dec_layers || a->d_ff != b->d_ff || a->vocab_size != b->vocab_size ||
        a->max_len != b->max_len || a->has_final_norm != b->has_final_norm) {
        if (err && err_len) snprintf(err, err_len, N_("the loaded model's sizes differ from the trainer's"));
        return -1;
    }
    for (int i = 0; i < vocab->size; i++)
        if (strcmp(vocab->words[i], corpus_word(i)) != 0) {
            if (err && err_len) snprintf(err, err_len, N_("the loaded model's vocabulary differs from the corpus (id %d)"), i);
            return -1;
        }
    return 0;
}

/* Drops the state (lock held) without waiting: a state the worker is using
 * now is its to free (it sees the new gen when its piece ends). */
static void drop_state(train_run *r)
{
    if (!r->busy) train_state_free(r->st);
    r->st = NULL;
    r->gen++;
    r->info.step = 0;
    r->info.loss = r->info.lr = 0.0;
    r->info.eval_step = -1;
    r->info.val_loss = r->info.exact = r->info.tok_acc = 0.0;
    r->info.train_s = 0.0;
}

int train_run_start(train_run *r)
{
    int rc = 0;
    pthread_mutex_lock(&r->w.mu);
    drop_state(r);
    if (fresh_history(r, r->info.message, sizeof r->info.message) != 0) {
        r->info.status = TRAIN_RUN_FAILED;
        rc = -1;
    } else {
        r->info.status = TRAIN_RUN_PREPARING;
        snprintf(r->info.message, sizeof r->info.message, N_("preparing: corpus and random weights"));
    }
    changed(r);
    pthread_mutex_unlock(&r->w.mu);
    return rc;
}

void train_run_pause(train_run *r)
{
    pthread_mutex_lock(&r->w.mu);
    if (r->info.status == TRAIN_RUN_RUNNING) {
        r->info.status = TRAIN_RUN_PAUSED;
        snprintf(r->info.message, sizeof r->info.message, N_("paused at step %ld"), r->info.step);
        changed(r);
    }
    pthread_mutex_unlock(&r->w.mu);
}

void train_run_resume(train_run *r)
{
    pthread_mutex_lock(&r->w.mu);
    if (r->info.status == TRAIN_RUN_PAUSED && r->st) {
        r->info.status = TRAIN_RUN_RUNNING;
        snprintf(r->info.message, sizeof r->info.message, N_("training"));
        r->t_next = now_s();
        changed(r);
    }
    pthread_mutex_unlock(&r->w.mu);
}

void train_run_reset(train_run *r)
{
    pthread_mutex_lock(&r->w.mu);
    drop_state(r);
    train_history_clear(&r->hist, r->o.snap_every); /* keeps its memory: a reset allocates nothing */
    r->info.status = TRAIN_RUN_EMPTY;
    snprintf(r->info.message, sizeof r->info.message, N_("reset: random weights, nothing trained"));
    changed(r);
    pthread_mutex_unlock(&r->w.mu);
}

void train_run_set_speed(train_run *r, double steps_per_s)
{
    pthread_mutex_lock(&r->w.mu);
    r->info.speed = steps_per_s > 0.0 && isfinite(steps_per_s) ? steps_per_s : 0.0;
    r->t_next = now_s();
    changed(r);
    pthread_mutex_unlock(&r->w.mu);
}

int train_run_load_history(train_run *r, const char *path, char *err, size_t err_len)
{
    train_history h = {0};
    if (train_history_load(&h, path, err, err_len) != 0) return -1;
    const model_config *c = &h.cfg;
    if (c->d_model != r->cfg.d_model || c->vocab_size != r->cfg.vocab_size || h.n_floats != r->hist.n_floats) {
        train_history_free(&h);
        if (err && err_len) snprintf(err, err_len, N_("%s was recorded for another model"), path);
        return -1;
    }
    pthread_mutex_lock(&r->w.mu);
    drop_state(r);
    train_history_free(&r->hist);
    r->hist = h;
    r->info.status = TRAIN_RUN_RECORDED;
    const int ne = h.n_evals;
    if (ne > 0) {
        r->info.step = h.evals[ne - 1].step;
        r->info.eval_step = h.evals[ne - 1].step;
        r->info.val_loss = h.evals[ne - 1].val_loss;
        r->info.exact = h.evals[ne - 1].exact;
        r->info.tok_acc = h.evals[ne - 1].tok_acc;
    }
    /* the run's last step: a point averages point_merge steps, so the last few steps of a run may be in no
     * point, but the final evaluation and snapshot are at the last step */
    if (h.n_points > 0 && h.points[h.n_points - 1].step > r->info.step) r->info.step = h.points[h.n_points - 1].step;
    if (h.n_snaps > 0 && h.snaps[h.n_snaps - 1].step > r->info.step) r->info.step = h.snaps[h.n_snaps - 1].step;
    snprintf(r->info.message, sizeof r->info.message, N_("recorded history: %ld steps"), r->info.step);
    changed(r);
    pthread_mutex_unlock(&r->w.mu);
    return 0;
}

int train_run_save_history(train_run *r, const char *path, char *err, size_t err_len)
{
    pthread_mutex_lock(&r->w.mu);
    const int rc = train_history_save(&r->hist, path, 1, err, err_len); /* the worker changes it only under the lock */
    pthread_mutex_unlock(&r->w.mu);
    return rc;
}

void train_run_get_info(train_run *r, train_run_info *out)
{
    pthread_mutex_lock(&r->w.mu);
    *out = r->info;
    pthread_mutex_unlock(&r->w.mu);
}

int train_run_history_copy(train_run *r, train_history *dst, long *version)
{
    pthread_mutex_lock(&r->w.mu);
    int rc = 0;
    if (*version != r->info.version || !dst->points) {
        rc = train_history_copy_meta(dst, &r->hist) == 0 ? 1 : -1;
        if (rc == 1) *version = r->info.version;
    }
    pthread_mutex_unlock(&r->w.mu);
    return rc;
}

long train_run_copy_weights(train_run *r, int snapshot, model_params *dst)
{
    long step = -1;
    pthread_mutex_lock(&r->w.mu);
    if (dst->n_floats == r->hist.n_floats) {
        if (snapshot < 0) {
            const int held = r->st != NULL; /* the worker may be in a step of this state: wait for that one, not a preparation */
            if (held) hold_worker(r);
            if (r->st) {
                memcpy(dst->memory, train_state_params(r->st)->memory, dst->n_floats * sizeof(float));
                step = train_state_step(r->st);
            }
            if (held) release_worker(r);
        } else if (snapshot < r->hist.n_snaps) {
            memcpy(dst->memory, r->hist.snaps[snapshot].weights, dst->n_floats * sizeof(float));
            step = r->hist.snaps[snapshot].step;
        }
    }
    pthread_mutex_unlock(&r->w.mu);
    return step;
}

train_run_status train_run_wait(train_run *r, long step, double timeout_s)
{
    const double end = now_s() + timeout_s;
    pthread_mutex_lock(&r->w.mu);
    while ((r->info.status == TRAIN_RUN_RUNNING || r->info.status == TRAIN_RUN_PREPARING) && r->info.step < step) {
        const double left = end - now_s();
        if (left <= 0) break;
        if (r->o.pumped) { /* nobody else works: do it here, or sleep out the throttle */
            double wait;
            if (!worker_turn(r, &wait) && wait > 0.0) nap(wait < left ? wait : left);
            continue;
        }
        timed_wait(r, left < 0.2 ? left : 0.2);
    }
    const train_run_status s = r->info.status;
    pthread_mutex_unlock(&r->w.mu);
    return s;
}

void train_run_inject_nan(train_run *r)
{
    pthread_mutex_lock(&r->w.mu);
    r->inject_nan = 1;
    pthread_mutex_unlock(&r->w.mu);
}
