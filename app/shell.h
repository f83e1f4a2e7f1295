/* shell.h - the app shell's own state (one struct) and the functions its files
 * share; not for lessons or the toolkit (they see only lesson.h and ui.h).
 *
 * The shell's files, one job each:
 *   app.c       set-up and teardown, the model and its trace, lesson state and
 *               navigation, toasts, the entry point app_run
 *   window.c    the window and the main loop
 *   chrome.c    layout and drawing of a frame: top bar, sentence box, status
 *               line, sidebar, text panel, toast (app_render)
 *   overlays.c  the help, example-sentence and vocabulary overlays
 *   narration.c the lesson text format: each step's narration, caption and notes
 *   input.c     every event, real or scripted: keys, mouse, the sentence box
 *   replay.c    --script replay
 *   dump.c      the JSON state dump
 *   slide.c     one step drawn as a slide (title, figure, caption, footer)
 *   deck.c      --export-all: the deck of slides (or screens), the head each
 *               attention slide shows, the PDF (deck_pdf.c writes it with cairo)
 *   headless.c  drawing without a window: the software renderer, --export-all,
 *               the screen and slide exports
 *   bench.c     the frame-time benchmark (tests/bench/bench_app.c)
 *   presenter.c the slide-software keys: B / W blank the screen, Ctrl+L a spotlight
 *   training.c  the background trainer of the Training lesson (engine/train_run.h)
 *   audit.c     the layout audit of an export (DIR/audit.json)
 *   quizmode.c  the quiz mode (Q): a question about the live run, the answer revealed, the score
 *   split.c     the split view (C): a second sentence's attention map beside the live one
 *
 * Must not: do model math (the engine does), or draw lesson content (lessons do).
 */
#ifndef SHELL_H
#define SHELL_H

#include <stddef.h>
#include <stdio.h>

#include <SDL.h>

#include "app.h"
#include "attn_overlay.h"
#include "input_status.h"
#include "lesson.h"
#include "narration.h"
#include "quiz.h"
#include "compare.h"
#include "whatif.h"
#include "script.h"
#include "textbox.h"
#include "trace.h"
#include "ui.h"
#include "train_history.h"
#include "train_run.h"
#include "weights.h"

#define MAX_LESSONS 64

/* The background trainer and what the Training lesson sees of it (training.c). */
typedef struct {
    train_run *run;             /* NULL: no training (message in lt.info.message) */
    train_history hist;         /* copy of the trainer's record, without weights */
    long hist_version;
    model_params params;        /* the weights shown (live or a snapshot), copied from the trainer */
    trace tr;                   /* the sentence in the box with those weights */
    int tr_ok;
    int view;                   /* -1 live, else a snapshot index */
    long decoded_step;          /* step of the weights in tr (-1 none, -2 never decoded) */
    int decoded_view;
    char decoded_for[TEXTBOX_CAP];
    double next_decode;
    float *shipped;             /* the shipped weights while every lesson uses trained ones */
    int shipped_saved;
    char history_path[1024];
    lesson_trainer_view lt;
} app_training;

enum { OVERLAY_NONE = 0, OVERLAY_HELP, OVERLAY_EXAMPLES, OVERLAY_VOCAB };
enum { PRESENTER_SHOW = 0, PRESENTER_BLACK, PRESENTER_WHITE }; /* app.blank */

typedef struct {
    SDL_Rect top, sidebar, title, area, panel, box, menu_btn, lang_btn, ex_btn, vocab_btn, help_btn;
    SDL_Rect items[MAX_LESSONS];
    int item_lines[MAX_LESSONS];   /* 1, or 2 when the lesson's title wraps in the sidebar */
    SDL_Rect status;
    float chrome_scale;            /* ui scale of the chrome (grows slowly with the zoom) */
    float lesson_scale;            /* ui scale of the lesson's figures (base x zoom, as far as the area allows) */
    int sidebar_auto_hidden;       /* 1: the lesson list is wanted but folded away to give the figure room */
} app_layout;

/* The quiz mode (quizmode.c, key Q): a question about the live run over the
 * lesson's figure, answered with 1-4 / A-D or a click, and the running score. */
typedef struct {
    int on;
    quiz_question q;
    int have;                   /* 1: q is a question (0: this trace gives none) */
    int chosen;                 /* the choice taken, -1 before the answer */
    int asked, answered, right; /* questions made, answered, answered right */
    SDL_Rect card, choice_rect[QUIZ_CHOICES], next_rect; /* where the interactive frame drew them */
} app_quiz;

/* The split view (split.c, key C): a second sentence beside the live one. */
typedef struct {
    int on;
    textbox *tb;                /* the second sentence (its own box) */
    int focus;                  /* 1: typing goes into tb */
    whatif *w;                  /* its run (owns the trace) */
    int ok;                     /* 1: whatif_trace(w) is the run of tb's text */
    char err[256];
    SDL_Rect box;               /* where the second box was drawn (the interactive frame) */
    compare_out out;            /* what that frame compared */
    lesson_scratch scratch;     /* the maps' labels */
} app_split;

/* The app shell's state: one per run (window, headless export or benchmark). */
#define APP_LANG_MAX 16     /* a language code and its NUL ("en", "zh", "pt_BR") */

typedef struct {
    app_options opt;
    char lang[APP_LANG_MAX];    /* the language shown (lang.c): lesson texts and the interface's catalogue */
    char lang_next_for[APP_LANG_MAX], lang_next_name[64]; /* app_lang_next_name's answer while lang is lang_next_for */
    char assets[512];
    char fonts[700];            /* assets/fonts */
    SDL_Window *win;
    SDL_Renderer *r;
    ui_ctx ui;
    int w, h;                   /* output size in pixels */
    float px_per_win;           /* HiDPI: pixels per window coordinate */
    float zoom;
    const ui_theme *theme;
    int fullscreen;

    weights_model model;
    int model_loaded, model_trained;
    weights_model untrained;
    int has_untrained;
    char model_path[1024];
    char model_notice[3000];

    trace tr;
    int trace_ok;
    int nonfinite;              /* 1 when the last run had a NaN or infinite activation (tr.nonfinite says where) */
    char trace_err[256];
    char translation[1024];
    input_status status;        /* can the translation be trusted (engine/input_status.c), for the bar, lesson 13 and the dump */
    char shown_sentence[TEXTBOX_CAP];

    textbox *tb;
    int tb_focus;
    char composition[64];
    int box_scroll;
    int box_drag;               /* 1 while the mouse selects text in the box */

    int lesson;
    void *lstate[MAX_LESSONS];
    int lstep[MAX_LESSONS];
    lesson_scratch lscratch[MAX_LESSONS]; /* each lesson's scratch arena (lesson.h), emptied by app_lesson_ctx */
    lesson_selection sel;
    attn_overlay attn;          /* the A overlay: open, kind */
    int translation_popup;      /* 1: the full translation is shown under the top bar (hovered, did not fit) */
    SDL_Rect translation_rect;  /* where the translation is drawn in the top bar; translation_cut: it did not fit */
    int translation_cut;

    int sidebar, panel_on;      /* sidebar: the lesson list is wanted (the layout may fold it at a high zoom) */
    int sidebar_force;          /* 1: shown by the user at a zoom that folded it: not folded again */
    int blank;                  /* PRESENTER_SHOW, or the screen blanked to black / white (B / W) */
    int spotlight;              /* 1: the spotlight follows the mouse (Ctrl+L) */
    int panel_pct;              /* the text panel's height: percent of the space under the title (Ctrl+Up/Down) */
    int presenter;              /* 1: the panel shows the step's presenter notes (N) */
    int overlay;
    int panel_scroll;
    int panel_step;             /* the step panel_scroll belongs to (a new step starts at the top) */
    char *text;                 /* the current lesson's prose, as read */
    narration narr;             /* text cut into steps: narration, caption, notes (narration.h) */
    int text_for;               /* lesson index the prose belongs to */
    int text_missing;
    char text_path[1024];

    char toast[600];
    int toast_kind;             /* 0 info, 1 ok, 2 error */
    double toast_until;

    Uint32 ev_export;
    int export_pending, slide_pending, deck_pending; /* deck: 2 = toast drawn first, 1 = save now */
    char export_dir[1024];

    int mx, my;                 /* mouse in pixels */
    Uint64 t0;
    int running, dirty;
    unsigned long frames_drawn;  /* frames presented by the window's loop */
    int exit_code;
    app_layout lay;
    ui_hover last_hover;

    /* did-you-mean suggestions on the status line: click to replace */
    SDL_Rect sugg_rect[16];
    int sugg_id[16], sugg_tok[16], n_sugg;
    SDL_Rect overlay_rects[256];
    int n_overlay_rects;
    int overlay_ids[256];

    script_cmd *script;
    int n_script, script_pos, script_wait;
    long script_train_wait;     /* train-wait: the step the script waits for, 0 none */
    double script_busy_until;   /* busy-wait: until when the script waits for the lesson's work, 0 none */
    double script_train_until;  /* ... and until when at most (seconds of app_now) */

    app_training train;
    app_quiz quiz;
    app_split split;
} app;

/* audit.c: the layout audit of an export (see audit.c for the JSON). */
typedef struct {
    ui_audit *au;               /* the toolkit's record, attached to ui */
    ui_ctx *ui;
    char *json; size_t len, cap; /* the images array so far */
    int images, oom;
    long overlaps, clipped;     /* totals */
} app_audit_log;
int app_audit_start(app_audit_log *L, ui_ctx *ui);          /* attaches a record to ui; 0, or -1 out of memory */
void app_audit_image_begin(app_audit_log *L, int w, int h); /* before drawing an image of w x h */
int app_audit_image_end(app_audit_log *L, const char *file); /* after: its findings under file's base name; -1 out of memory */
int app_audit_write(app_audit_log *L, const char *path, char *err, size_t err_len); /* the JSON, never over a file; 0 or -1 + err */
void app_audit_free(app_audit_log *L);                      /* detaches and frees; accepts a zeroed log */

/* app.c */
double app_now(const app *a); /* seconds since start */
/* A message at the bottom for a few seconds; kind 0 info, 1 ok, 2 error. */
void app_toast(app *a, int kind, const char *fmt, ...);
lesson_ctx app_lesson_ctx(app *a, ui_ctx *ui, SDL_Rect area, int li, lesson_actions *act);
/* 1 while lesson li's background work runs (lesson.busy); 0 for a lesson without it. */
int app_lesson_busy(app *a, int li);
/* ui's scale for a call into the lesson in the window's layout (the zoomed
 * figures'), and back to the chrome's after it. */
void app_lesson_scale(app *a, ui_ctx *ui);
void app_chrome_scale(app *a, ui_ctx *ui);
int app_lesson_steps(app *a, int li);
void app_clamp_selection(app *a);
void app_retranslate(app *a);          /* runs the model on the sentence box's text */
void app_goto_lesson(app *a, int li, int at_end);
/* Reads the lesson's text file (once per lesson) and cuts it into steps (a->narr). */
void app_load_lesson_text(app *a, int li);
/* The current step's narration, caption and notes ("" when the lesson has no text). */
const char *app_step_text(const app *a);
const char *app_step_caption(const app *a);
const char *app_step_notes(const app *a);
/* Options, assets, fonts, script, models. Returns -1 to go on, else an exit code. */
int app_setup(app *a, const app_options *o);
/* Lays out for a->w x a->h, starts every lesson and translates the first sentence. */
int app_start_lessons(app *a);
void app_teardown(app *a);

/* lang.c */
int app_lang_list(const char *assets, char (*out)[APP_LANG_MAX], int max); /* the folders of assets/lessons, sorted */
int app_lang_set(app *a, const char *lang, char *err, size_t err_len);   /* texts and catalogue in lang; 0, or -1 + message */
void app_lang_first(app *a);   /* the run's first language: --lang, else the remembered one, else the locale's */
void app_lang_next(app *a);    /* Ctrl+Shift+L: the next language, remembered in the settings */
const char *app_lang_next_name(app *a); /* the language button's label: the next language's own name ("" with one language) */

/* settings.c */
int app_settings_path(char *dst, size_t n, int dir_only);          /* the settings file (or its folder); -1 without HOME */
int app_settings_get(const char *key, char *val, size_t n);        /* 0 and the value, or -1 when not set */
int app_settings_set(const char *key, const char *val, char *err, size_t err_len); /* 0, or -1 + message */

/* window.c */
int app_run_window(app *a);
int app_window_turn(app *a);  /* one turn of the window's loop: -1 to go on, else the exit code */
#ifdef __EMSCRIPTEN__
void app_web_loop(app *a);               /* app/web/web.c: hands the turns to the browser; never returns */
void app_web_download(const char *path); /* offers a file of the page's file system as a download */
void app_web_download_dir(const char *dir); /* offers a folder of it as one ZIP file */
#endif
void app_set_window_size(app *a, int w, int h);

/* chrome.c */
void app_set_scale(app *a, ui_ctx *ui, int w, int h);   /* the chrome's scale for w x h and the zoom */
void app_toggle_sidebar(app *a);
float app_chrome_zoom(float zoom);                      /* how much the chrome (and a slide's texts) grow at a zoom */
/* The scale of a lesson's figure in area: base x zoom, but above zoom 1 never so
 * large that the area holds less than the 960x440 logical px lessons are laid out for. */
float app_figure_scale(float base, float zoom, SDL_Rect area);                        /* Ctrl+B and the menu button: hide what shows, show what is hidden */
void app_layout_compute(app *a, ui_ctx *ui, int w, int h, app_layout *L);
/* Draws one whole frame into ui->r at w x h. record: this is the interactive
 * frame whose rectangles the event handler uses (not an offscreen export). */
void app_render(app *a, ui_ctx *ui, int w, int h, int mx, int my, int record, int with_overlays);

/* overlays.c */
void app_draw_overlay(app *a, ui_ctx *ui, int w, int h, int record);
/* The example sentences whose words are all in the model's vocabulary, in
 * their order: up to max of them into ok. Returns how many. */
int app_examples(const app *a, const char **ok, int max);

/* input.c */
void app_event(app *a, SDL_Event *ev);
void app_focus_box(app *a, int on);
/* The two events of one key press (down, then up), as a keyboard sends them:
 * for --script replay and the --monkey. */
void app_key_press(SDL_Keycode key, Uint16 mod, SDL_Event ev[2]);

/* replay.c */
/* Runs script commands until one needs a new frame. Returns -1 to go on, or an exit code to stop with. */
int app_script_step(app *a);

/* presenter.c */
/* Takes B / W / Ctrl+L, and any key or click while the screen is blank; 1 when it used the event. */
int app_presenter_event(app *a, const SDL_Event *ev);
/* Draws the blank screen or the spotlight over the whole interactive frame. */
void app_draw_presenter(app *a, ui_ctx *ui, int w, int h, int mx, int my);

/* quizmode.c */
void app_quiz_toggle(app *a);                 /* Q: the quiz on (with a new question) or off */
void app_quiz_next(app *a);                   /* a new question for the lesson and the trace (when the quiz is on) */
int app_quiz_event(app *a, const SDL_Event *ev); /* the quiz's keys and clicks; 1 when it used the event */
void app_draw_quiz(app *a, ui_ctx *ui, SDL_Rect area, int record); /* the card over the lesson's area */
void app_quiz_dump(const app *a, FILE *f);    /* the dump's "quiz" field */

/* split.c */
void app_split_toggle(app *a);                /* C: the split view on (the second sentence run) or off */
void app_split_run(app *a);                   /* runs the second sentence (cached: only when it or the model changed) */
int app_split_kind(const app *a);             /* the attention (ATTN_*) the current lesson is about */
void app_draw_split(app *a, ui_ctx *ui, SDL_Rect area, int record);
void app_split_dump(app *a, FILE *f);         /* the dump's "split" field */
void app_split_free(app *a);

/* training.c */
int app_training_init(app *a);        /* the trainer and the recorded history; 0 (a failure only turns training off) */
void app_training_free(app *a);
void app_training_tick(app *a);       /* once per frame, before drawing */
void app_training_command(app *a, int cmd, int arg);  /* LESSON_TRAIN_* */
const lesson_trainer_view *app_training_view(const app *a);
long app_training_step(app *a, int *active);          /* steps done; *active: preparing or running */

/* dump.c */
int app_dump(app *a, const char *path);

/* slide.c */
/* What a slide shows besides the figure, and where (pixels at the slide's size). */
typedef struct {
    char title[256], step[64];
    const char *caption, *notes;      /* the step's (narration.h); "" when none */
    char sentence[2400], sizes[160];  /* the footer: sentence -> translation, the model's sizes */
    char head_note[320];              /* which head an attention slide shows and why; "" when none (set by the caller) */
    SDL_Rect r_title, r_note, r_figure, r_caption, r_footer;
    float title_px, caption_px, small_px;  /* font sizes in pixels */
} slide_info;
/* The slides' ui scale at w x h (>= 1.3 per 1080 px of height). */
float app_slide_scale(int w, int h);
/* Draws the current step as a slide into ui->r at w x h and fills si (its
 * head_note is the caller's); texts 0 draws the figure only (the PDF writes the texts). */
void app_render_slide(app *a, ui_ctx *ui, int w, int h, slide_info *si, int texts);

/* headless.c */
/* A w x h surface with a software renderer drawing into it and the toolkit on
 * that renderer: the one set-up of every drawing without a window (--export-all,
 * the slide export, the benchmark). 0, or -1 with a message in err (nothing left open). */
int app_offscreen_open(const app *a, int w, int h, SDL_Surface **s, SDL_Renderer **r, ui_ctx *ui, char *err, size_t n);
void app_offscreen_close(SDL_Surface *s, SDL_Renderer *r, ui_ctx *ui);
/* The current step as a slide (Ctrl+Shift+S), in a new surface; NULL with err. */
SDL_Surface *app_render_offscreen(app *a, int w, int h, char *err, size_t n);
void app_export_surface(app *a, SDL_Surface *s, const char *suffix);

/* deck.c */
/* --export-all: every step of the chosen lessons as a slide (PNG) and the
 * PDF deck, or with --screens the full screens. An exit code. */
int app_export_all(app *a);
/* Ctrl+Shift+D: the same deck of every lesson into a new folder of the export
 * folder, from the window (put back as it was). 0 with the folder in dir, or -1
 * with the cause in err. */
int app_save_deck(app *a, char *dir, size_t dir_len, char *err, size_t err_len);

#endif
