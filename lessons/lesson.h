/* lesson.h - the interface every lesson implements, and what a lesson gets to
 * draw with.
 *
 * A lesson is a constant struct of function pointers plus a slug and a title,
 * listed once in lessons/registry.c. The app owns the window, the event loop,
 * the sentence box, navigation and export; a lesson only
 *   - draws the live trace of the sentence into ctx->area (draw: read only),
 *   - reacts to its own keys and clicks (handle_event: may change its state,
 *     the shared selection and request actions),
 *   - optionally keeps state (state_size, init, free) and refreshes caches when
 *     the trace changes (on_trace_changed).
 * A lesson never recomputes model math (display math such as a dot product of
 * two PE rows is fine), never opens files, never touches the window.
 *
 * The skeleton (lessons/lesson.c) does what every lesson would repeat: it
 * allocates and zeroes the state (state_size bytes), frees it, counts the steps
 * (.steps) and hands every call an empty scratch arena (ctx->scratch) for the
 * buffers a picture needs (dense copies of a head, row labels, ...), sized from
 * the trace: no lesson keeps a `static` buffer or a length cap of its own. The
 * model's sequences hold up to cfg.max_len tokens (at most 1024, see
 * engine/params.c), and so may every picture.
 *
 * Stepped lessons: steps > 1. The app keeps the current step in ctx->step
 * (0..steps-1); Right/Space/PageDown advance the step first and move to the
 * next lesson only after the last step (Left/PageUp the reverse). The headless
 * export renders every step.
 *
 * Must not: include app-private headers, call SDL_RenderPresent, change the
 * renderer's target, or keep pointers into the trace or the scratch arena across
 * calls.
 */
#ifndef LESSON_H
#define LESSON_H

#include <stddef.h>
#include <SDL.h>

#include "model.h"
#include "tok.h"
#include "input_status.h"
#include "trace.h"
#include "train_run.h"
#include "ui.h"

/* Kept across lessons and changed by the same keys everywhere:
 * [ ] layer, , . head, ; ' decoding step, Up Down token. The app clamps
 * layer to the larger of the encoder and decoder layer counts, head to H,
 * step to the decoder rows, token to the source tokens; a lesson clamps again
 * to what it shows (e.g. encoder layers only). */
typedef struct {
    int layer;   /* 0-based */
    int head;    /* 0-based */
    int step;    /* decoding step, 0..n_tgt-1 */
    int token;   /* selected source token, -1 for none */
} lesson_selection;

/* Commands to the app's background trainer (lesson_actions.train_cmd). */
enum {
    LESSON_TRAIN_NONE = 0,
    LESSON_TRAIN_START,     /* a fresh run from random weights */
    LESSON_TRAIN_PAUSE,
    LESSON_TRAIN_RESUME,
    LESSON_TRAIN_RESET,     /* back to random weights, nothing recorded */
    LESSON_TRAIN_SPEED,     /* train_arg steps per second, 0: full speed */
    LESSON_TRAIN_VIEW,      /* show snapshot train_arg (-1: the live weights) */
    LESSON_TRAIN_USE,       /* every lesson runs on the weights shown */
    LESSON_TRAIN_SHIPPED,   /* every lesson back on the shipped model */
    LESSON_TRAIN_SAVE       /* the weights shown to a new file in the export folder */
};

/* What handle_event may ask the app to do (the app reads these after the call). */
typedef struct {
    char goto_slug[32];   /* jump to this lesson ("" for none) */
    int goto_step;        /* with goto_slug: open it at this step, 1-based (0: its first step) */
    char toast[256];      /* show this message ("" for none) */
    int redraw;           /* 1: something changed, draw again */
    int train_cmd;        /* LESSON_TRAIN_*, 0 for none */
    int train_arg;
} lesson_actions;

/* The background trainer as the Training lesson sees it: copies the app makes
 * under the trainer's lock (engine/train_run.h), never the trainer's own
 * memory. The weights shown (live, or snapshot `view` of a time-lapse) are
 * run by the app on the sentence in the box into tr. */
typedef struct {
    int available;              /* 0: the loaded model is not the trainer's (info.message says why) */
    train_run_info info;        /* status, step, last numbers, message */
    const train_history *hist;  /* curves, evaluations, snapshot steps (no weights) */
    int view;                   /* -1: the live weights, else the snapshot shown */
    long view_step;             /* step of the weights in tr, -1 when none */
    const trace *tr;            /* the sentence with those weights; NULL when there are none */
    int using_weights;          /* 1: every lesson runs on the trained weights (LESSON_TRAIN_USE) */
    const char *history_path;   /* the recorded history shown at start ("" when none was loaded) */
} lesson_trainer_view;

/* Memory for one call (draw, handle_event, dump_json): every block handed out
 * stays valid until the call returns; the next call starts empty. Blocks are
 * zeroed. Growing needs no cap: a call that asks for more than the arena holds
 * gets a new block, and the arena keeps the larger size for the next call. */
typedef struct lesson_scratch_block lesson_scratch_block;
typedef struct {
    lesson_scratch_block *head;   /* newest block first */
} lesson_scratch;

typedef struct {
    ui_ctx *ui;                     /* renderer, theme, fonts, scale, mouse, time, hover sink */
    SDL_Rect area;                  /* the lesson's area in pixels (no sidebar, sentence box or text panel) */
    const trace *tr;                /* the live trace of the sentence in the box (always valid) */
    const tok_vocab *vocab;         /* the model's vocabulary */
    const input_status *status;     /* can the trace's translation be trusted (NULL: not judged) */
    const model_params *params;     /* the loaded model (e.g. the embedding matrix [V, D]) */
    const model_params *untrained;  /* the random-initialised model when loaded, else NULL */
    int model_is_trained;           /* 0 when the app fell back to the untrained model */
    lesson_selection *sel;          /* shared selection (draw must only read it) */
    int step;                       /* current step of a stepped lesson, 0 otherwise */
    lesson_actions *act;            /* requests from handle_event (NULL during draw) */
    lesson_scratch *scratch;        /* this lesson's scratch arena, emptied for every call (draw may write here) */
    const lesson_trainer_view *training; /* the background trainer (the Training lesson), NULL when the app has none */
    const void *layout;             /* the lesson's layout (lesson.layout) for this call, in the scratch arena; else NULL */
} lesson_ctx;

typedef struct lesson {
    const char *slug;   /* file-name-safe id, e.g. "positional-encoding"; also the text file's name */
    const char *title;  /* shown in the sidebar and the title line */
    /* Optional. Bytes of the lesson's state; the skeleton allocates them zeroed
     * before init and frees them after free (0: a stateless lesson, state NULL). */
    size_t state_size;
    /* Optional. Sets the zeroed state's first values and acquires what the
     * lesson owns (a what-if runner, ...); 0 on success, -1 when it failed
     * (then free is called, the state released, and the lesson gets NULL). */
    int (*init)(void *state, const lesson_ctx *ctx);
    /* Optional. Releases what init acquired (not the state itself); never
     * called with NULL. */
    void (*free)(void *state);
    /* Optional. layout_size bytes of where things go, computed by layout (from
     * the state, ctx->area, ctx->step, ...) into zeroed memory before every
     * draw, handle_event, dump_json, animating and busy call, which find it
     * in ctx->layout: a lesson's callbacks share one layout and never compute
     * it themselves. Both or neither. */
    size_t layout_size;
    void (*layout)(const void *state, const lesson_ctx *ctx, void *layout);
    /* Optional. Called after every new trace (edit of the sentence, model change). */
    void (*on_trace_changed)(void *state, const lesson_ctx *ctx);
    /* Optional. Lesson-specific keys and clicks; return 1 when consumed (the app
     * then does not use the event for navigation). */
    int (*handle_event)(void *state, const SDL_Event *ev, const lesson_ctx *ctx);
    /* Required. Draws into ctx->area; reads only. Report hovered numbers with
     * ui_hover_value (the toolkit widgets do it for you). */
    void (*draw)(const void *state, const lesson_ctx *ctx);
    /* Number of steps (0 means 1). */
    int steps;
    /* Optional. Writes a JSON object (e.g. {"k":3}) describing the lesson's own
     * state into dst for the script "dump" command; returns bytes written. */
    int (*dump_json)(const void *state, const lesson_ctx *ctx, char *dst, size_t dst_len);
    /* Optional. 1 while an animation runs (the app then redraws at 60 Hz
     * instead of waiting for the next event). Use ctx->ui->time in draw. */
    int (*animating)(const void *state, const lesson_ctx *ctx);
    /* Optional. 1 while background work whose results the picture shows is
     * under way (the Experiments lesson's evaluations): the app redraws at
     * 60 Hz meanwhile, as for animating, and the headless export
     * (--export-all) waits for it, up to 120 s a lesson, before drawing a step,
     * so a slide shows finished numbers. */
    int (*busy)(const void *state, const lesson_ctx *ctx);
    /* Optional. One line naming the lesson's own keys and clicks, shown at the
     * bottom of the help overlay (F1), e.g. "- = offset k   I next pair". */
    const char *keys;
} lesson;

/* The skeleton (lessons/lesson.c). */
/* The app calls a lesson through these, never through the struct's pointers:
 * a lesson with state_size > 0 is called only with its state (when
 * lesson_state_new failed, draw shows "out of memory" and the others do
 * nothing: 0), ctx->layout is computed first (lesson.layout), and a callback
 * the lesson leaves NULL does nothing (0). ctx->scratch is emptied by the
 * caller before each call (app_lesson_ctx). */
void lesson_draw(const lesson *L, const void *state, const lesson_ctx *ctx);
int lesson_handle_event(const lesson *L, void *state, const SDL_Event *ev, const lesson_ctx *ctx);
void lesson_trace_changed(const lesson *L, void *state, const lesson_ctx *ctx);
int lesson_dump_json(const lesson *L, const void *state, const lesson_ctx *ctx, char *dst, size_t dst_len);
int lesson_animating(const lesson *L, const void *state, const lesson_ctx *ctx);
int lesson_busy(const lesson *L, const void *state, const lesson_ctx *ctx);
/* The lesson's state: state_size zeroed bytes, after init; NULL for a
 * stateless lesson, or when the allocation or init failed. */
void *lesson_state_new(const lesson *L, const lesson_ctx *ctx);
/* Releases what lesson_state_new returned (NULL is fine). */
void lesson_state_free(const lesson *L, void *state);
/* L->steps, at least 1. */
int lesson_step_count(const lesson *L);

/* Empties the arena for the next call (keeps its memory). */
void lesson_scratch_reset(lesson_scratch *s);
/* Frees the arena's memory (the arena stays usable, empty). */
void lesson_scratch_free(lesson_scratch *s);
/* n zeroed bytes, 16-byte aligned, valid until the arena is reset; NULL when
 * out of memory (s may be NULL: then always NULL). */
void *lesson_scratch_alloc(lesson_scratch *s, size_t n);
/* printf into the arena: a string of exactly the length needed; NULL when out
 * of memory. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
char *lesson_scratch_printf(lesson_scratch *s, const char *fmt, ...);
/* n zeroed floats from ctx->scratch, NULL when out of memory. */
float *lesson_floats(const lesson_ctx *ctx, size_t n);

/* Row and column labels of n tokens, in ctx->scratch (NULL when out of memory):
 *   LESSON_LABEL_WORD      the vocabulary word of ids[i]                 "dog"
 *   LESSON_LABEL_NUMBERED  its position and word                         "3 dog"
 *   LESSON_LABEL_ID        the word and its id                           "dog (17)"
 *   LESSON_LABEL_TYPED     the source as typed (ids = tr->src_ids; words from
 *                          tr->src_tokens, then the vocabulary's "<eos>") */
enum { LESSON_LABEL_WORD = 0, LESSON_LABEL_NUMBERED, LESSON_LABEL_ID, LESSON_LABEL_TYPED };
const char **lesson_token_labels(const lesson_ctx *ctx, const int *ids, int n, int style);
/* Draws "out of memory" in ctx->area: what a lesson shows when the scratch
 * arena could not grow. */
void lesson_no_memory(const lesson_ctx *ctx);

/* A dump_json writer: appends to dst[0..n) and remembers how much was wanted. */
typedef struct {
    char *dst;
    size_t n, len;   /* capacity, bytes written (or wanted) so far */
} lesson_json;
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void lesson_json_put(lesson_json *j, const char *fmt, ...);
/* Appends `"key": [x, y, w, h]`. */
void lesson_json_rect(lesson_json *j, const char *key, SDL_Rect r);
/* What dump_json returns: the bytes written, or 0 with dst emptied when it did not fit. */
int lesson_json_end(lesson_json *j);

/* The registry (lessons/registry.c). */
extern const lesson *const lesson_registry[];
extern const int lesson_registry_count;

/* The lesson's number in the course: its place in the registry (0 overview ..
 * 16 training), -1 for an index out of range. */
int lesson_number(int registry_index);
/* Registry index of a slug, or of a course number given as text ("3"); -1 if none. */
int lesson_find(const char *slug_or_number);

#endif
