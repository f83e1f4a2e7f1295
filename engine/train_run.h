/* train_run.h - training in the background: a worker thread trains the model
 * from its random initialisation on the corpus (train.h, train_data.h) while
 * the caller (the app, a benchmark, a test) keeps drawing. Commands: start,
 * pause, resume, reset, speed; what it publishes, under one mutex: the run's
 * status and last numbers (train_run_info) and a bounded record (train_history:
 * training loss and lr per step, held-out loss and exact match every
 * eval_every steps, weight snapshots for a time-lapse).
 *
 * Threads. The worker owns the parameters while it steps; nobody else reads
 * them then. A reader gets copies only, made under the lock:
 * train_run_copy_weights waits for the step in flight to end, and
 * train_run_history_copy copies the curves. Commands may come at any moment
 * and none waits for the piece of work in flight (a step, one evaluation or the
 * corpus generation): reset, start and loading a history act at once, and that
 * piece is thrown away when it ends. The same options (seed, threads) give the
 * same run, step for step, whatever the speed, pauses or readers: evaluations
 * and snapshots happen at fixed steps.
 *
 * A non-finite loss or gradient stops the run (status TRAIN_RUN_FAILED) with a
 * message naming the step; the weights of the last good step stay. No SDL,
 * never prints, never exits.
 */
#ifndef TRAIN_RUN_H
#define TRAIN_RUN_H

#include <stddef.h>

#include "model.h"
#include "tok.h"
#include "train.h"
#include "train_history.h"

typedef enum {
    TRAIN_RUN_EMPTY = 0,  /* nothing trained yet (or reset) */
    TRAIN_RUN_RECORDED,   /* showing a recorded history (train_run_load_history) */
    TRAIN_RUN_PREPARING,  /* generating the corpus, initialising the weights */
    TRAIN_RUN_RUNNING,
    TRAIN_RUN_PAUSED,
    TRAIN_RUN_DONE,       /* reached max_steps */
    TRAIN_RUN_FAILED      /* see message */
} train_run_status;

const char *train_run_status_name(train_run_status s); /* "empty", "recorded", "preparing", ... */

typedef struct {
    train_options opt;            /* the shipped run's: train_options_default() */
    long train_n;                 /* training pairs generated (shipped: 200000) */
    int long_boost;               /* repeats of long sentences (train_data.h), shipped 1 */
    unsigned long long corpus_seed;
    int held_n;                   /* test-split sentences for held-out loss and exact match (200) */
    int eval_every;               /* steps between held-out evaluations (fixed steps) */
    int cap_points, cap_evals, cap_snaps;  /* history bounds (train_history.h) */
    long snap_every;              /* first snapshot interval, doubles when the store is full */
    long max_steps;               /* stop (TRAIN_RUN_DONE) after this many steps; 0: never */
    int pumped;                   /* 1: no worker thread; the caller runs the work with
                                     train_run_pump (default 1 only in a web page built
                                     without threads, 0 elsewhere) */
} train_run_options;

train_run_options train_run_options_default(void);

typedef struct {
    train_run_status status;
    long step;            /* steps done */
    double loss, lr;      /* of the last step */
    long eval_step;       /* step of the last evaluation, -1 when none */
    double val_loss, exact, tok_acc;  /* held-out, exact and tok_acc 0..1 */
    double train_s;       /* seconds spent training (running), preparation excluded */
    double speed;         /* steps per second asked for, 0: as fast as it goes */
    long version;         /* changes whenever anything here or in the history changes */
    char message[256];    /* why it failed, or what it is doing */
} train_run_info;

typedef struct train_run train_run;

/* The runner and its (idle) worker thread; NULL with a message on failure. */
train_run *train_run_create(const train_run_options *o, char *err, size_t err_len);
void train_run_free(train_run *r);               /* stops and joins the worker; accepts NULL */

/* The model the runner trains: model_config_default of the corpus vocabulary. */
model_config train_run_config(const train_run *r);
/* 0 when p and vocab are a model the runner's weights can replace (same sizes
 * and the corpus vocabulary, word for word); -1 with a message otherwise. */
int train_run_compatible(const train_run *r, const model_params *p, const tok_vocab *vocab, char *err, size_t err_len);

int train_run_start(train_run *r);               /* a fresh run from random weights; 0, or -1 (see the message) */
void train_run_pause(train_run *r);              /* after the step in flight */
void train_run_resume(train_run *r);
void train_run_reset(train_run *r);              /* back to empty: weights, history and step gone */
void train_run_set_speed(train_run *r, double steps_per_s);  /* 0: full speed */

/* Replaces the record by a saved history (status TRAIN_RUN_RECORDED; a run in
 * progress is reset). 0, or -1 with a message (the runner is unchanged). */
int train_run_load_history(train_run *r, const char *path, char *err, size_t err_len);
/* Writes the current record to a NEW file (never overwrites). 0 or -1. */
int train_run_save_history(train_run *r, const char *path, char *err, size_t err_len);

void train_run_get_info(train_run *r, train_run_info *out);
/* The curves and snapshot steps into dst (train_history_copy_meta) when the
 * record changed since *version (then *version is updated and 1 returned);
 * 0 when unchanged, -1 when out of memory. */
int train_run_history_copy(train_run *r, train_history *dst, long *version);
/* The weights into dst (a model_params of train_run_config's sizes): the
 * current ones (snapshot -1; waits for the step in flight) or snapshot i of
 * the record. Returns the step they belong to, or -1 when there are none. */
long train_run_copy_weights(train_run *r, int snapshot, model_params *dst);

/* Pumped runners only (options.pumped; elsewhere returns 0 at once): does the
 * worker's work on the caller's thread, the same turns as the thread's (the
 * preparation, or steps with their evaluations and snapshots, the throttle
 * respected), until budget_s seconds have passed; at least one piece when there
 * is one (a step can take longer than the budget). Returns the pieces done.
 * The web page calls it once per frame. */
int train_run_pump(train_run *r, double budget_s);

/* Blocks until step >= `step`, (pumped: doing the work meanwhile) or the run is no longer preparing or running,
 * or timeout_s passed. Returns the status then. */
train_run_status train_run_wait(train_run *r, long step, double timeout_s);

/* For tests of the NaN guard: the next step starts from a NaN weight. */
void train_run_inject_nan(train_run *r);

#endif
