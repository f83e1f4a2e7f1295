/* training.c - the app's side of the background trainer (engine/train_run.h):
 * owns the runner (so training goes on while another lesson is shown), loads
 * the recorded history at start (assets/training-history.bin), once per frame
 * copies what the trainer published (under its lock) into the lesson's view,
 * runs the weights shown (live every 1.5 s, or a time-lapse snapshot) on the
 * sentence in the box, and carries out the lesson's commands: start, pause,
 * resume, reset, speed, view, use these weights everywhere / back to the
 * shipped model, save to a new file.
 *
 * Must not: read the trainer's memory other than through train_run's copy
 * functions; draw (the Training lesson does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "export.h"
#include "shell.h"

#define DECODE_EVERY_S 1.5

int app_training_init(app *a)
{
    app_training *t = &a->train;
    memset(t, 0, sizeof *t);
    t->view = -1;
    t->decoded_step = -2;
    t->lt.view = -1;
    t->lt.view_step = -1;
    t->lt.history_path = "";
    char err[200];
    const train_run_options o = train_run_options_default();
    t->run = train_run_create(&o, err, sizeof err);
    if (!t->run) {
        snprintf(t->lt.info.message, sizeof t->lt.info.message, _("no trainer: %s"), ui_tr_msg(err));
        return 0;
    }
    if (train_run_compatible(t->run, &a->model.params, &a->model.vocab, err, sizeof err) != 0) {
        snprintf(t->lt.info.message, sizeof t->lt.info.message, _("training is off: %s"), ui_tr_msg(err));
        train_run_free(t->run);
        t->run = NULL;
        return 0;
    }
    const model_config cfg = train_run_config(t->run);
    if (model_params_init(&t->params, &cfg) != 0 || trace_init(&t->tr, &cfg) != 0) {
        snprintf(t->lt.info.message, sizeof t->lt.info.message, _("training is off: out of memory"));
        app_training_free(a);
        return 0;
    }
    t->lt.available = 1;
    snprintf(t->history_path, sizeof t->history_path, "%s/training-history.bin", a->assets);
    struct stat st;
    if (stat(t->history_path, &st) == 0) {
        if (train_run_load_history(t->run, t->history_path, err, sizeof err) == 0) t->lt.history_path = t->history_path;
        else fprintf(stderr, "transformer-lab: training history %s: %s\n", t->history_path, err);
    }
    return 0;
}

void app_training_free(app *a)
{
    app_training *t = &a->train;
    train_run_free(t->run);
    t->run = NULL;
    train_history_free(&t->hist);
    model_params_free(&t->params);
    trace_free(&t->tr);
    free(t->shipped);
    t->shipped = NULL;
    t->lt.available = 0;
}

/* The weights to show into t->params: the live ones (when there are any) or a
 * snapshot. Returns their step, -1 when there are none. A web page with threads
 * shows the newest snapshot for the live ones: copying those waits for the step,
 * evaluation or corpus in flight, and the browser's thread must not wait (the page
 * would freeze for seconds; app/web/web.c). */
static long fetch_weights(app_training *t, int *shown)
{
    long step = -1;
    *shown = t->view;
#ifndef __EMSCRIPTEN_PTHREADS__
    if (t->view < 0) step = train_run_copy_weights(t->run, -1, &t->params);
#endif
    if (step < 0 && t->hist.n_snaps > 0) {
        *shown = t->view >= 0 && t->view < t->hist.n_snaps ? t->view : t->hist.n_snaps - 1;
        step = train_run_copy_weights(t->run, *shown, &t->params);
    }
    return step;
}

static void decode(app *a, double now)
{
    app_training *t = &a->train;
    int shown;
    const long step = fetch_weights(t, &shown);
    t->next_decode = now + DECODE_EVERY_S;
    t->decoded_step = step;
    t->decoded_view = t->view;
    snprintf(t->decoded_for, sizeof t->decoded_for, "%s", a->tb->text);
    t->tr_ok = 0;
    if (step < 0) return;
    char err[256];
    trace_opts opts;
    memset(&opts, 0, sizeof opts);
    t->tr_ok = model_translate(&t->params, &a->model.vocab, a->tb->text, &opts, &t->tr, err, sizeof err) == 0;
    t->lt.view = shown;
}

/* Copies what the trainer published and re-runs the weights shown when they
 * or the sentence changed (live: at most every 1.5 s). Once per frame. */
void app_training_tick(app *a)
{
    app_training *t = &a->train;
    if (!t->run) return;
    const long before = t->lt.info.version;
    train_run_get_info(t->run, &t->lt.info);
    if (train_run_history_copy(t->run, &t->hist, &t->hist_version) < 0) return;
    t->lt.hist = &t->hist;
    const double now = app_now(a);
    const int sentence_changed = strcmp(t->decoded_for, a->tb->text) != 0;
    const int view_changed = t->decoded_view != t->view || t->decoded_step == -2;
    const int live = t->view < 0;
    const int running = t->lt.info.status == TRAIN_RUN_RUNNING;
    int due = sentence_changed || view_changed;
    if (live && !due && t->lt.info.version != before)
        due = !running || now >= t->next_decode; /* paused, reset, done: at once; running: every 1.5 s */
    if (live && running && now >= t->next_decode && t->lt.info.step != t->decoded_step) due = 1;
    if (due) decode(a, now);
    t->lt.view_step = t->tr_ok ? t->decoded_step : -1;
    t->lt.tr = t->tr_ok ? &t->tr : NULL;
    t->lt.using_weights = t->shipped != NULL;
    if (running || t->lt.info.status == TRAIN_RUN_PREPARING) a->dirty = 1; /* keep drawing while it trains */
}

const lesson_trainer_view *app_training_view(const app *a)
{
    return a->train.run || a->train.lt.info.message[0] ? &a->train.lt : NULL;
}

/* The weights shown to every lesson, or the shipped ones back. */
static void use_weights(app *a, int use)
{
    app_training *t = &a->train;
    model_params *m = &a->model.params;
    const size_t bytes = m->n_floats * sizeof(float);
    if (use) {
        if (!t->tr_ok || t->params.n_floats != m->n_floats) {
            app_toast(a, 2, _("No trained weights to use yet: press start first."));
            return;
        }
        if (!t->shipped && !(t->shipped = malloc(bytes))) {
            app_toast(a, 2, _("Out of memory: cannot keep the shipped weights aside."));
            return;
        }
        if (t->shipped_saved == 0) memcpy(t->shipped, m->memory, bytes);
        t->shipped_saved = 1;
        memcpy(m->memory, t->params.memory, bytes);
        app_toast(a, 1, _("Every lesson now uses the weights of step %ld."), t->decoded_step);
    } else {
        if (!t->shipped) return;
        memcpy(m->memory, t->shipped, bytes);
        free(t->shipped);
        t->shipped = NULL;
        t->shipped_saved = 0;
        app_toast(a, 1, _("Every lesson is back on the shipped model."));
    }
    app_retranslate(a);
}

static void save_weights(app *a)
{
    app_training *t = &a->train;
    char err[1200], path[1400];
    if (!t->tr_ok) {
        app_toast(a, 2, _("No trained weights to save yet."));
        return;
    }
    if (export_mkdir_p(a->export_dir, err, sizeof err) != 0) {
        app_toast(a, 2, _("Save failed: %s"), ui_tr_msg(err));
        return;
    }
    for (int k = 1; k < 1000; k++) { /* a new name: never overwrite */
        if (k == 1) snprintf(path, sizeof path, "%s/trained-step-%ld.safetensors", a->export_dir, t->decoded_step);
        else snprintf(path, sizeof path, "%s/trained-step-%ld-%d.safetensors", a->export_dir, t->decoded_step, k);
        struct stat st;
        if (stat(path, &st) == 0) continue;
        if (weights_save_mode(path, 1, &t->params, &a->model.vocab, a->model.task, err, sizeof err) == 0) {
            app_toast(a, 1, _("Saved %s"), path);
            return;
        }
        if (stat(path, &st) != 0) break;
    }
    app_toast(a, 2, _("Save failed: %s"), ui_tr_msg(err));
}

void app_training_command(app *a, int cmd, int arg)
{
    app_training *t = &a->train;
    if (!t->run || cmd == LESSON_TRAIN_NONE) return;
    switch (cmd) {
    case LESSON_TRAIN_START: t->view = -1; train_run_start(t->run); t->lt.history_path = ""; break;
    case LESSON_TRAIN_PAUSE: train_run_pause(t->run); break;
    case LESSON_TRAIN_RESUME: train_run_resume(t->run); break;
    case LESSON_TRAIN_RESET: t->view = -1; train_run_reset(t->run); t->lt.history_path = ""; break;
    case LESSON_TRAIN_SPEED: train_run_set_speed(t->run, arg); break;
    case LESSON_TRAIN_VIEW: t->view = arg; break;
    case LESSON_TRAIN_USE: use_weights(a, 1); break;
    case LESSON_TRAIN_SHIPPED: use_weights(a, 0); break;
    case LESSON_TRAIN_SAVE: save_weights(a); break;
    default: break;
    }
    a->dirty = 1;
}

long app_training_step(app *a, int *active)
{
    train_run_info in;
    if (!a->train.run) {
        *active = 0;
        return -1;
    }
    train_run_get_info(a->train.run, &in);
    *active = in.status == TRAIN_RUN_RUNNING || in.status == TRAIN_RUN_PREPARING;
    return in.step;
}
