/* train_history.h - the bounded record of one training run: the training-loss
 * curve, the learning rate, validation loss and exact match on a held-out set,
 * and a few copies of the weights (snapshots) for a time-lapse; saved to and
 * loaded from a small file (docs/training-history.md describes the format).
 *
 * Everything is bounded by the capacities given to train_history_init, however
 * long the run:
 *   points     when full, neighbouring pairs are merged (mean loss, mean lr, the
 *              later step) and each new point then averages twice as many steps;
 *   evals      when full, every other one is dropped and only every second
 *              evaluation offered afterwards is kept (stride doubles);
 *   snapshots  taken at step 0 and every snap_every steps; when full, the one
 *              whose neighbours are closest on a log scale is dropped
 *              (never the first, never the newest), so early snapshots stay and
 *              the kept steps end up roughly evenly spaced on a log scale: the
 *              fast early change stays visible in the time-lapse.
 * A history is plain data: no locking (train_run.c holds its lock around it).
 * Never prints, never exits. Shapes: the weights of a snapshot are the model's
 * one parameter block, n_floats long, in model.h's table order.
 */
#ifndef TRAIN_HISTORY_H
#define TRAIN_HISTORY_H

#include <stddef.h>

#include "model.h"
#include "train.h"

typedef struct {
    long step;      /* last step the point covers */
    float loss;     /* mean label-smoothed training loss of the steps it covers */
    float lr;       /* mean learning rate of those steps */
} train_hist_point;

typedef struct {
    long step;
    float val_loss; /* teacher-forced loss on the held-out set, dropout off */
    float exact;    /* exact match on the held-out set, 0..1 */
    float tok_acc;  /* token accuracy on the held-out set, 0..1 */
} train_hist_eval;

typedef struct {
    long step;
    float exact;    /* the last exact match measured at or before step (-1: none yet) */
    float *weights; /* [n_floats]; NULL in a copy made by train_history_copy_meta */
} train_hist_snap;

typedef struct {
    model_config cfg;
    train_options opt;      /* the run's settings (warm-up and scale draw the schedule) */
    size_t n_floats;
    int cap_points, n_points, point_merge;   /* steps averaged per new point */
    double acc_loss, acc_lr;                 /* the point being built */
    int acc_n;
    train_hist_point *points;
    int cap_evals, n_evals, eval_stride;
    long evals_offered;
    train_hist_eval *evals;
    int cap_snaps, n_snaps;
    long snap_every;
    train_hist_snap *snaps;
    float *snap_block;      /* [cap_snaps, n_floats]; NULL when cap_snaps is 0 */
} train_history;

/* Allocates the store for a model of cfg (cap_snaps may be 0: curves only;
 * cap_snaps must be at least 2 otherwise). 0, or -1 with a message. */
int train_history_init(train_history *h, const model_config *cfg, const train_options *opt, int cap_points,
                       int cap_evals, int cap_snaps, long snap_every, char *err, size_t err_len);
void train_history_free(train_history *h);           /* accepts a zeroed history */
/* Empties the record (keeps the memory and capacities; snap_every set to first_snap_every). */
void train_history_clear(train_history *h, long first_snap_every);

void train_history_add_step(train_history *h, long step, double loss, double lr);
void train_history_add_eval(train_history *h, long step, double val_loss, double exact, double tok_acc);
/* 1 when a snapshot is due at this step (step 0 and multiples of snap_every). */
int train_history_snapshot_due(const train_history *h, long step);
/* Stores a copy of w [n_floats] taken at step (thinning first when full). */
void train_history_add_snapshot(train_history *h, long step, const float *w);

/* The curves and the snapshots' steps into dst (allocated to src's
 * capacities on first use, weights left out: dst->snaps[i].weights is NULL).
 * For a reader that must not hold the writer's lock while it draws. 0 or -1. */
int train_history_copy_meta(train_history *dst, const train_history *src);

/* The file: see docs/training-history.md. save writes through afile
 * (mode AFILE_REPLACE or AFILE_NEW); load replaces h's contents (h is freed and
 * re-initialised to the file's sizes). 0, or -1 with a message naming the problem. */
int train_history_save(const train_history *h, const char *path, int afile_mode_new, char *err, size_t err_len);
int train_history_load(train_history *h, const char *path, char *err, size_t err_len);
int train_history_load_bytes(train_history *h, const unsigned char *data, size_t len, char *err, size_t err_len);

#endif
