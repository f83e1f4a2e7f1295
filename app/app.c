/* app.c - the Transformer Lab shell: window, main loop, layout (sidebar,
 * sentence box, lesson area, text panel), navigation keys, overlays (help,
 * examples, vocabulary), the sentence box, zoom, themes, fullscreen,
 * screenshot and slide export, the headless --export-all mode, --script
 * replay and the JSON state dump.
 *
 * Every input, real or scripted, goes through app_event(). Drawing goes
 * through app_render() into whatever renderer is given (window, or a software
 * renderer on a surface for exports), so what is exported is what is drawn.
 *
 * Must not: do model math (the engine's model_translate does it), or draw
 * lesson content (lessons do, through the toolkit in ui.h).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>

#include "app.h"
#include "attn_overlay.h"
#include "export.h"
#include "json.h"
#include "lesson.h"
#include "monkey.h"
#include "script.h"
#include "textbox.h"
#include "trace.h"
#include "ui.h"
#include "weights.h"

#define MAX_LESSONS 64

enum { OVERLAY_NONE = 0, OVERLAY_HELP, OVERLAY_EXAMPLES, OVERLAY_VOCAB };

/* Example sentences for the E menu: only those whose words are all in the
 * model's vocabulary are offered. */
static const char *const example_sentences[] = {
    "the dog sees the cat",
    "the dog has seen the cat",
    "i know that the big dog sees the small cat",
    "a young woman does not help the old man",
    "today the children have found a black ball in the garden",
    "we know that the horses have come from the park",
    "the girl likes the small cat .",
    "the teacher does not hear a bird",
    ("today the old man says that the young children do not see the big brown dog in the garden "
     "because the small brown cat has not played with the ball"),
};

/* Keys, shown in the help overlay (and in docs/app.md). */
static const char *const help_lines[][2] = {
    {"Right, PageDown, Space", "next step, then next lesson"},
    {"Left, PageUp, Shift+Space", "previous step, then previous lesson"},
    {"Home / End", "first / last lesson"},
    {"0 ... 9", "lesson 0 to 9"},
    {"Shift+0 ... Shift+9", "lesson 10 to 19"},
    {"/ or Tab, or click the box", "edit the sentence (Esc or Enter leaves)"},
    {"E", "example sentences"},
    {"V", "vocabulary: every word the model knows"},
    {"[ and ]", "previous / next layer"},
    {", and .", "previous / next head"},
    {"; and '", "previous / next decoding step"},
    {"A", "attention overlay: any map, layer, head (Tab: kind)"},
    {"Up / Down", "select previous / next token"},
    {"T", "dark / light theme"},
    {"B", "show / hide the lesson list"},
    {"P", "show / hide the text panel"},
    {"Ctrl + plus / minus / 0", "zoom in / out / reset"},
    {"F11", "fullscreen"},
    {"Ctrl+S or F12", "save the screen as PNG"},
    {"Ctrl+Shift+S", "save the lesson as a 1920x1080 slide"},
    {"F1 or ?", "this help"},
    {"Esc", "close overlays"},
    {"Ctrl+Q", "quit"},
};

typedef struct {
    SDL_Rect top, sidebar, title, area, panel, box, menu_btn, ex_btn, vocab_btn, help_btn;
    SDL_Rect items[MAX_LESSONS];
    SDL_Rect status;
} app_layout;

typedef struct {
    app_options opt;
    char assets[512];
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
    char trace_err[256];
    char translation[1024];
    char shown_sentence[TEXTBOX_CAP];

    textbox *tb;
    int tb_focus;
    char composition[64];
    int box_scroll;
    int box_drag;               /* 1 while the mouse selects text in the box */

    int lesson;
    void *lstate[MAX_LESSONS];
    int lstep[MAX_LESSONS];
    lesson_selection sel;
    attn_overlay attn;          /* the A overlay: open, kind */
    int translation_popup;      /* 1: the full translation is shown under the top bar (hovered, did not fit) */
    SDL_Rect translation_rect;  /* where the translation is drawn in the top bar; translation_cut: it did not fit */
    int translation_cut;

    int sidebar, panel_on;
    int overlay;
    int panel_scroll;
    char *text;                 /* the current lesson's prose */
    int text_for;               /* lesson index the prose belongs to */
    int text_missing;
    char text_path[1024];

    char toast[600];
    int toast_kind;             /* 0 info, 1 ok, 2 error */
    double toast_until;

    Uint32 ev_export;
    int export_pending, slide_pending;
    char export_dir[1024];

    int mx, my;                 /* mouse in pixels */
    Uint64 t0;
    int running, dirty;
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
} app;

static double now_s(const app *a) { return (double)(SDL_GetTicks64() - a->t0) / 1000.0; }

static void toast(app *a, int kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->toast, sizeof a->toast, fmt, ap);
    va_end(ap);
    a->toast_kind = kind;
    a->toast_until = now_s(a) + (kind == 2 ? 6.0 : 3.5);
    a->dirty = 1;
}

/* ---------------------------------------------------------------- model */

static int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int load_models(app *a)
{
    char err[512], path[1024];
    char first_err[1700] = "";
    if (a->opt.model_path) {
        if (weights_load(&a->model, a->opt.model_path, err, sizeof err) == 0) {
            a->model_loaded = 1;
            snprintf(a->model_path, sizeof a->model_path, "%s", a->opt.model_path);
            a->model_trained = strstr(a->opt.model_path, "untrained") == NULL;
        } else {
            snprintf(first_err, sizeof first_err, "cannot load model %s: %s", a->opt.model_path, err);
            fprintf(stderr, "transformer-lab: %s\n", first_err);
        }
    }
    if (!a->model_loaded) {
        snprintf(path, sizeof path, "%s/model.safetensors", a->assets);
        if (file_exists(path)) {
            if (weights_load(&a->model, path, err, sizeof err) == 0) {
                a->model_loaded = 1;
                a->model_trained = 1;
                snprintf(a->model_path, sizeof a->model_path, "%s", path);
            } else {
                fprintf(stderr, "transformer-lab: cannot load model %s: %s\n", path, err);
                if (!first_err[0]) snprintf(first_err, sizeof first_err, "cannot load model %s: %s", path, err);
            }
        }
    }
    snprintf(path, sizeof path, "%s/model-untrained.safetensors", a->assets);
    if (!a->model_loaded && file_exists(path)) {
        if (weights_load(&a->model, path, err, sizeof err) == 0) {
            a->model_loaded = 1;
            a->model_trained = 0;
            snprintf(a->model_path, sizeof a->model_path, "%s", path);
        } else {
            fprintf(stderr, "transformer-lab: cannot load model %s: %s\n", path, err);
        }
    }
    if (!a->model_loaded) {
        fprintf(stderr, "transformer-lab: no usable model. %s%sLooked for %s/model.safetensors and "
                        "%s/model-untrained.safetensors; pass one with --model FILE.\n",
                first_err, first_err[0] ? ". " : "", a->assets, a->assets);
        return -1;
    }
    if (first_err[0]) snprintf(a->model_notice, sizeof a->model_notice, "%s; using %s", first_err, a->model_path);
    /* the random-initialised model for comparisons (embedding lesson) */
    if (a->model_trained && file_exists(path) && weights_load(&a->untrained, path, err, sizeof err) == 0) {
        if (a->untrained.params.cfg.d_model == a->model.params.cfg.d_model &&
            a->untrained.params.cfg.vocab_size == a->model.params.cfg.vocab_size)
            a->has_untrained = 1;
        else
            weights_model_free(&a->untrained);
    }
    if (trace_init(&a->tr, &a->model.params.cfg) != 0) {
        fprintf(stderr, "transformer-lab: out of memory for the trace\n");
        return -1;
    }
    return 0;
}

static lesson_ctx make_ctx(app *a, ui_ctx *ui, SDL_Rect area, int li, lesson_actions *act)
{
    lesson_ctx c;
    memset(&c, 0, sizeof c);
    c.ui = ui;
    c.area = area;
    c.tr = &a->tr;
    c.vocab = &a->model.vocab;
    c.params = &a->model.params;
    c.untrained = a->has_untrained ? &a->untrained.params : (!a->model_trained ? &a->model.params : NULL);
    c.model_is_trained = a->model_trained;
    c.sel = &a->sel;
    c.step = li >= 0 ? a->lstep[li] : 0;
    c.act = act;
    return c;
}

static int lesson_steps(app *a, int li)
{
    const lesson *L = lesson_registry[li];
    if (!L->n_steps) return 1;
    lesson_ctx c = make_ctx(a, &a->ui, a->lay.area, li, NULL);
    int n = L->n_steps(a->lstate[li], &c);
    return n < 1 ? 1 : n;
}

static void clamp_selection(app *a)
{
    const model_config *cfg = &a->model.params.cfg;
    int nl = cfg->n_enc_layers > cfg->n_dec_layers ? cfg->n_enc_layers : cfg->n_dec_layers;
    if (nl < 1) nl = 1;
    a->sel.layer = (a->sel.layer % nl + nl) % nl;
    a->sel.head = (a->sel.head % cfg->n_heads + cfg->n_heads) % cfg->n_heads;
    int nt = a->tr.n_tgt > 0 ? a->tr.n_tgt : 1;
    if (a->sel.step >= nt) a->sel.step = nt - 1;
    if (a->sel.step < 0) a->sel.step = 0;
    if (a->sel.token >= a->tr.n_src) a->sel.token = a->tr.n_src - 1;
    if (a->sel.token < -1) a->sel.token = -1;
}

static void retranslate(app *a)
{
    char err[256] = "";
    trace_opts opts;
    memset(&opts, 0, sizeof opts);
    if (model_translate(&a->model.params, &a->model.vocab, a->tb->text, &opts, &a->tr, err, sizeof err) == 0) {
        a->trace_ok = 1;
        a->trace_err[0] = 0;
        trace_output_text(&a->tr, &a->model.vocab, a->translation, sizeof a->translation);
    } else {
        a->trace_ok = 0;
        snprintf(a->trace_err, sizeof a->trace_err, "%s", err);
        a->translation[0] = 0;
    }
    snprintf(a->shown_sentence, sizeof a->shown_sentence, "%s", a->tb->text);
    clamp_selection(a);
    for (int i = 0; i < lesson_registry_count && i < MAX_LESSONS; i++) {
        const lesson *L = lesson_registry[i];
        if (L->on_trace_changed) {
            lesson_ctx c = make_ctx(a, &a->ui, a->lay.area, i, NULL);
            L->on_trace_changed(a->lstate[i], &c);
        }
        int n = lesson_steps(a, i);
        if (a->lstep[i] >= n) a->lstep[i] = n - 1;
    }
    a->dirty = 1;
}

/* ---------------------------------------------------------------- lesson text */

static void load_lesson_text(app *a)
{
    if (a->text_for == a->lesson && a->text) return;
    free(a->text);
    a->text = NULL;
    a->text_missing = 0;
    a->panel_scroll = 0;
    a->text_for = a->lesson;
    snprintf(a->text_path, sizeof a->text_path, "%s/lessons/%s/%s.txt", a->assets, a->opt.lang,
             lesson_registry[a->lesson]->slug);
    FILE *f = fopen(a->text_path, "rb");
    char note[200] = "";
    if (!f && strcmp(a->opt.lang, "en") != 0) { /* fall back to English, and say so */
        char en[1024];
        snprintf(en, sizeof en, "%s/lessons/en/%s.txt", a->assets, lesson_registry[a->lesson]->slug);
        f = fopen(en, "rb");
        if (f) snprintf(note, sizeof note, "# (No text in \xE2\x80\x9C%s\xE2\x80\x9D yet: English shown.)\n\n", a->opt.lang);
    }
    if (!f) { a->text_missing = 1; return; }
    size_t cap = 4096, n = strlen(note);
    char *buf = malloc(cap);
    if (buf) memcpy(buf, note, n);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) { free(buf); buf = NULL; break; }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) { a->text_missing = 1; return; }
    buf[n] = 0;
    /* strip a UTF-8 BOM and carriage returns */
    char *src = buf, *dst = buf;
    if ((unsigned char)src[0] == 0xEF && (unsigned char)src[1] == 0xBB && (unsigned char)src[2] == 0xBF) src += 3;
    for (; *src; src++) if (*src != '\r') *dst++ = *src;
    *dst = 0;
    a->text = buf;
}

/* ---------------------------------------------------------------- navigation */

static void goto_lesson(app *a, int li, int at_end)
{
    if (li < 0 || li >= lesson_registry_count) return;
    a->lesson = li;
    int n = lesson_steps(a, li);
    a->lstep[li] = at_end ? n - 1 : 0;
    a->dirty = 1;
    load_lesson_text(a);
}

static void step_next(app *a)
{
    int n = lesson_steps(a, a->lesson);
    if (a->lstep[a->lesson] < n - 1) { a->lstep[a->lesson]++; a->dirty = 1; return; }
    if (a->lesson + 1 < lesson_registry_count) goto_lesson(a, a->lesson + 1, 0);
}

static void step_prev(app *a)
{
    if (a->lstep[a->lesson] > 0) { a->lstep[a->lesson]--; a->dirty = 1; return; }
    if (a->lesson > 0) goto_lesson(a, a->lesson - 1, 1);
}

static void goto_number(app *a, int number)
{
    for (int i = 0; i < lesson_registry_count; i++)
        if (lesson_number(i) == number) { goto_lesson(a, i, 0); return; }
    toast(a, 0, "There is no lesson %d yet", number);
}

/* ---------------------------------------------------------------- layout */

static float base_scale(int w, int h)
{
    float s = fminf((float)w / 1280.0f, (float)h / 800.0f);
    if (s < 0.7f) s = 0.7f;
    if (s > 4.0f) s = 4.0f;
    return s;
}

static void compute_layout(app *a, ui_ctx *ui, int w, int h, app_layout *L)
{
    memset(L, 0, sizeof *L);
    int pad = ui_px(ui, 8);
    int box_h = ui_px(ui, 44), status_h = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL) + ui_px(ui, 6);
    L->top = (SDL_Rect){0, 0, w, pad + box_h + status_h + pad};
    L->menu_btn = (SDL_Rect){pad, pad, box_h, box_h};
    int btn_w = ui_px(ui, 44);
    L->help_btn = (SDL_Rect){w - pad - btn_w, pad, btn_w, box_h};
    L->vocab_btn = (SDL_Rect){L->help_btn.x - pad - ui_px(ui, 96), pad, ui_px(ui, 96), box_h};
    L->ex_btn = (SDL_Rect){L->vocab_btn.x - pad - ui_px(ui, 118), pad, ui_px(ui, 118), box_h};
    int box_x = L->menu_btn.x + L->menu_btn.w + pad;
    int avail = L->ex_btn.x - pad - box_x;
    /* the box grows with the sentence (35%..60%), the translation gets the rest */
    int sw = 0;
    ui_text_size(ui, UI_SANS, UI_SIZE_BODY, a->tb ? a->tb->text : "", &sw, NULL);
    int bw = sw + ui_px(ui, 40);
    if (bw < avail * 35 / 100) bw = avail * 35 / 100;
    if (bw > avail * 60 / 100) bw = avail * 60 / 100;
    L->box = (SDL_Rect){box_x, pad, bw, box_h};
    L->status = (SDL_Rect){box_x, pad + box_h + ui_px(ui, 3), w - box_x - pad, status_h};
    int side_w = a->sidebar ? ui_px(ui, 270) : 0;
    if (side_w > w / 3) side_w = w / 3;
    L->sidebar = (SDL_Rect){0, L->top.h, side_w, h - L->top.h};
    int item_h = ui_line_height(ui, UI_SANS, UI_SIZE_BODY) + ui_px(ui, 10);
    for (int i = 0; i < lesson_registry_count && i < MAX_LESSONS; i++)
        L->items[i] = (SDL_Rect){0, L->top.h + pad + i * item_h, side_w, item_h};
    int x0 = side_w + pad, cw = w - x0 - pad;
    int title_h = ui_line_height(ui, UI_BOLD, UI_SIZE_LARGE) + ui_px(ui, 4);
    L->title = (SDL_Rect){x0, L->top.h + pad, cw, title_h};
    int rest = h - (L->title.y + title_h) - pad;
    int panel_h = a->panel_on ? rest * 26 / 100 : 0;
    if (a->panel_on && panel_h < ui_px(ui, 110)) panel_h = ui_px(ui, 110);
    if (panel_h > rest / 2) panel_h = rest / 2;
    L->panel = (SDL_Rect){x0, h - pad - panel_h, cw, panel_h};
    L->area = (SDL_Rect){x0, L->title.y + title_h, cw, L->panel.y - (a->panel_on ? pad : 0) - (L->title.y + title_h)};
    if (L->area.h < 10) L->area.h = 10;
}

static void set_scale(app *a, ui_ctx *ui, int w, int h)
{
    ui->scale = base_scale(w, h) * a->zoom;
    ui->theme = a->theme;
}

/* ---------------------------------------------------------------- drawing */

static void draw_sentence_box(app *a, ui_ctx *ui, const app_layout *L, int record)
{
    const ui_theme *t = ui->theme;
    SDL_Rect b = L->box;
    ui_fill(ui, b, t->panel_alt);
    ui_frame(ui, b, a->tb_focus ? t->accent : t->border, a->tb_focus ? ui_px(ui, 3) : 1);
    int pad = ui_px(ui, 10);
    SDL_Rect inner = {b.x + pad, b.y, b.w - 2 * pad, b.h};
    SDL_RenderSetClipRect(ui->r, &b);
    const char *s = a->tb->text;
    char tmp[TEXTBOX_CAP];
    /* x of a byte offset */
    int cur_x, tw;
    memcpy(tmp, s, (size_t)a->tb->cursor); tmp[a->tb->cursor] = 0;
    ui_text_size(ui, UI_SANS, UI_SIZE_BODY, tmp, &cur_x, NULL);
    ui_text_size(ui, UI_SANS, UI_SIZE_BODY, s, &tw, NULL);
    int scroll = a->box_scroll;
    if (cur_x - scroll > inner.w - ui_px(ui, 30)) scroll = cur_x - inner.w + ui_px(ui, 30);
    if (cur_x - scroll < 0) scroll = cur_x;
    if (tw - scroll < inner.w - ui_px(ui, 30)) scroll = tw - inner.w + ui_px(ui, 30);
    if (scroll < 0) scroll = 0;
    a->box_scroll = scroll;
    int x0 = inner.x - scroll, ty = b.y + b.h / 2;
    /* selection */
    if (textbox_has_selection(a->tb)) {
        int s0, s1, w0, w1;
        textbox_selection(a->tb, &s0, &s1);
        memcpy(tmp, s, (size_t)s0); tmp[s0] = 0; ui_text_size(ui, UI_SANS, UI_SIZE_BODY, tmp, &w0, NULL);
        memcpy(tmp, s, (size_t)s1); tmp[s1] = 0; ui_text_size(ui, UI_SANS, UI_SIZE_BODY, tmp, &w1, NULL);
        ui_fill(ui, (SDL_Rect){x0 + w0, b.y + ui_px(ui, 6), w1 - w0, b.h - ui_px(ui, 12)}, ui_alpha(t->accent, 90));
    }
    ui_text_bg(ui, textbox_has_selection(a->tb) ? NULL : &t->panel_alt);
    if (!s[0] && !a->tb_focus)
        ui_text(ui, UI_SANS, UI_SIZE_BODY, inner.x, ty, t->text_dim, UI_LEFT | UI_MIDDLE, "type an English sentence (press /)");
    ui_text(ui, UI_SANS, UI_SIZE_BODY, x0, ty, t->text, UI_LEFT | UI_MIDDLE, s);
    /* unknown words underlined, words past the limit dimmed (only while the trace matches the text) */
    if (a->trace_ok && strcmp(a->shown_sentence, s) == 0) {
        int uy = ty + ui_line_height(ui, UI_SANS, UI_SIZE_BODY) / 2 - ui_px(ui, 2);
        for (int i = 0; i < a->tr.n_words; i++) {
            const tok_token *k = &a->tr.src_tokens[i];
            if (!k->is_unk || k->byte_start + k->byte_len > a->tb->len) continue;
            int w0, w1;
            memcpy(tmp, s, (size_t)k->byte_start); tmp[k->byte_start] = 0; ui_text_size(ui, UI_SANS, UI_SIZE_BODY, tmp, &w0, NULL);
            int e = k->byte_start + k->byte_len;
            memcpy(tmp, s, (size_t)e); tmp[e] = 0; ui_text_size(ui, UI_SANS, UI_SIZE_BODY, tmp, &w1, NULL);
            for (int xx = x0 + w0; xx < x0 + w1; xx += ui_px(ui, 6)) /* wavy underline */
                ui_line(ui, (float)xx, (float)uy, (float)(xx + ui_px(ui, 3)), (float)(uy + ui_px(ui, 3)), (float)ui_px(ui, 2), t->error),
                ui_line(ui, (float)(xx + ui_px(ui, 3)), (float)(uy + ui_px(ui, 3)), (float)(xx + ui_px(ui, 6)), (float)uy, (float)ui_px(ui, 2), t->error);
        }
        if (a->tr.truncated && a->tr.n_words > 0) {
            const tok_token *k = &a->tr.src_tokens[a->tr.n_words - 1];
            int e = k->byte_start + k->byte_len, we;
            if (e <= a->tb->len) {
                memcpy(tmp, s, (size_t)e); tmp[e] = 0; ui_text_size(ui, UI_SANS, UI_SIZE_BODY, tmp, &we, NULL);
                int cx = x0 + we + ui_px(ui, 3);
                ui_fill(ui, (SDL_Rect){cx, b.y + 2, x0 + tw - cx + ui_px(ui, 4), b.h - 4}, ui_alpha(t->bg, 150));
                ui_fill(ui, (SDL_Rect){cx, b.y + ui_px(ui, 4), ui_px(ui, 3), b.h - ui_px(ui, 8)}, t->error);
            }
        }
    }
    if (a->tb_focus) {
        if (a->composition[0]) {
            int cw = ui_text(ui, UI_SANS, UI_SIZE_BODY, x0 + cur_x, ty, t->accent, UI_LEFT | UI_MIDDLE, a->composition);
            ui_fill(ui, (SDL_Rect){x0 + cur_x, ty + ui_px(ui, 12), cw, ui_px(ui, 2)}, t->accent);
        }
        int blink = ((int)(ui->time * 2.0)) % 2 == 0 || a->opt.script || a->opt.export_all_dir;
        if (blink) ui_fill(ui, (SDL_Rect){x0 + cur_x, b.y + ui_px(ui, 8), ui_px(ui, 2), b.h - ui_px(ui, 16)}, t->text);
    }
    SDL_RenderSetClipRect(ui->r, NULL);
    /* translation to the right of the box */
    ui_text_bg(ui, &t->panel);
    int tx = b.x + b.w + ui_px(ui, 12);
    int maxw = L->ex_btn.x - ui_px(ui, 8) - tx;
    char buf[1200];
    if (!a->trace_ok) snprintf(buf, sizeof buf, "(%s)", a->trace_err[0] ? a->trace_err : "no translation");
    else if (strcmp(a->shown_sentence, s) != 0) snprintf(buf, sizeof buf, "\xE2\x80\xA6");
    else snprintf(buf, sizeof buf, "\xE2\x86\x92 %s", a->translation[0] ? a->translation : "(empty)");
    ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, tx, ty, maxw, a->trace_ok ? t->accent : t->error, UI_LEFT | UI_MIDDLE, buf);
    /* a translation too long for the bar: hovering it shows all of it, wrapped, under the bar */
    int fw = 0, popup = 0;
    ui_text_size(ui, UI_BOLD, UI_SIZE_BODY, buf, &fw, NULL);
    if (fw > maxw && maxw > 0 && ui_mouse_in(ui, (SDL_Rect){tx, b.y, maxw, b.h}) && a->overlay == OVERLAY_NONE && !a->attn.open) {
        int W = L->top.w, pad = ui_px(ui, 12), lh = ui_line_height(ui, UI_BOLD, UI_SIZE_BODY);
        int pw = ui_px(ui, 720);
        if (pw > W - 2 * pad) pw = W - 2 * pad;
        int px = tx + pw > W - pad ? W - pad - pw : tx;
        if (px < pad) px = pad;
        int lines = fw / ((pw - 2 * pad) * 9 / 10 > 1 ? (pw - 2 * pad) * 9 / 10 : 1) + 1;
        SDL_Rect pr = {px, L->top.h + ui_px(ui, 2), pw, (lines + 1) * lh + pad};
        ui_fill(ui, pr, t->panel);
        ui_frame(ui, pr, t->accent, ui_px(ui, 2));
        ui_text_bg(ui, &t->panel);
        ui_text_wrap(ui, UI_BOLD, UI_SIZE_BODY, (SDL_Rect){pr.x + pad, pr.y + pad / 2, pr.w - 2 * pad, pr.h - pad}, 0, t->accent, buf);
        popup = 1;
    }
    if (record) {
        a->translation_popup = popup;
        a->translation_cut = fw > maxw;
        a->translation_rect = (SDL_Rect){tx, b.y, maxw, b.h};
    }
}

#define STATUS_MAX_UNK 256 /* distinct unknown words counted for the status line */
static void draw_status(app *a, ui_ctx *ui, const app_layout *L, int record)
{
    const ui_theme *t = ui->theme;
    int x = L->status.x, y = L->status.y;
    int gap = ui_px(ui, 14);
    ui_text_bg(ui, &t->panel);
    if (record) a->n_sugg = 0;
    if (!a->model_trained)
        x += ui_text(ui, UI_BOLD, UI_SIZE_SMALL, x, y, t->warn, UI_LEFT, "UNTRAINED model (random weights): translations are noise") + gap;
    if (a->model_notice[0]) x += ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, x, y, L->status.w / 2, t->error, UI_LEFT, a->model_notice) + gap;
    if (!a->trace_ok) return;
    char b[256];
    if (a->tr.truncated) {
        snprintf(b, sizeof b, "cut: only the first %d of %d words fit (max %d tokens with <eos>)", a->tr.n_words,
                 a->tr.n_words_total, a->model.params.cfg.max_len);
        x += ui_text(ui, UI_BOLD, UI_SIZE_SMALL, x, y, t->error, UI_LEFT, b) + gap;
    }
    /* each distinct unknown word: "did you mean" with clickable offers, or "not in the
     * vocabulary"; as many as fit, then "+N more unknown" (all of them: lesson 1) */
    int uniq[STATUS_MAX_UNK], n_uniq = 0;
    for (int i = 0; i < a->tr.n_words && n_uniq < STATUS_MAX_UNK; i++) {
        const tok_token *k = &a->tr.src_tokens[i];
        if (!k->is_unk) continue;
        int seen = 0;
        for (int j = 0; j < n_uniq && !seen; j++) seen = !strcmp(a->tr.src_tokens[uniq[j]].text, k->text);
        if (!seen) uniq[n_uniq++] = i;
    }
    const int right = L->status.x + L->status.w, sp = ui_px(ui, 6), wsp = ui_px(ui, 8);
    int more_w = 0, q_w = 0, shown = 0;
    ui_text_size(ui, UI_BOLD, UI_SIZE_SMALL, "+99 more unknown", &more_w, NULL);
    ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, "?", &q_w, NULL);
    for (int u = 0; u < n_uniq; u++) {
        const int i = uniq[u];
        const tok_token *k = &a->tr.src_tokens[i];
        int ids[3];
        int n = tok_nearest(&a->model.vocab, k->text, ids, 3);
        if (n == 0) /* no near word (an emoji, Chinese, a far-off word): no "did you mean" */
            snprintf(b, sizeof b, "unknown \xE2\x80\x9C%s\xE2\x80\x9D (not in the vocabulary: <unk>)", k->text);
        else
            snprintf(b, sizeof b, "unknown \xE2\x80\x9C%s\xE2\x80\x9D \xE2\x80\x94 did you mean", k->text);
        int item_w = 0, ww = 0;
        ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, b, &item_w, NULL);
        if (n > 0) item_w += sp + q_w;
        for (int j = 0; j < n; j++) {
            ui_text_size(ui, UI_BOLD, UI_SIZE_SMALL, tok_vocab_word(&a->model.vocab, ids[j]), &ww, NULL);
            item_w += ww + wsp;
        }
        if (x + item_w + (u + 1 < n_uniq ? gap + more_w : 0) > right) {
            char more[48];
            snprintf(more, sizeof more, "+%d more unknown", n_uniq - u);
            if (x + more_w <= right) ui_text(ui, UI_BOLD, UI_SIZE_SMALL, x, y, t->warn, UI_LEFT, more);
            break;
        }
        shown++;
        if (n == 0) {
            x += ui_text(ui, UI_SANS, UI_SIZE_SMALL, x, y, t->warn, UI_LEFT, b) + gap;
            continue;
        }
        x += ui_text(ui, UI_SANS, UI_SIZE_SMALL, x, y, t->warn, UI_LEFT, b) + sp;
        for (int j = 0; j < n; j++) {
            const char *wd = tok_vocab_word(&a->model.vocab, ids[j]);
            int hh;
            ui_text_size(ui, UI_BOLD, UI_SIZE_SMALL, wd, &ww, &hh);
            SDL_Rect rr = {x - 2, y, ww + 4, hh};
            int hot = ui_mouse_in(ui, rr);
            if (hot) ui_fill(ui, rr, t->panel_alt);
            ui_text_bg(ui, hot ? &t->panel_alt : &t->panel);
            ui_text(ui, UI_BOLD, UI_SIZE_SMALL, x, y, t->accent, UI_LEFT, wd);
            ui_text_bg(ui, &t->panel);
            ui_fill(ui, (SDL_Rect){x, y + hh - ui_px(ui, 2), ww, 1}, t->accent);
            if (record && a->n_sugg < 16) {
                a->sugg_rect[a->n_sugg] = rr;
                a->sugg_id[a->n_sugg] = ids[j];
                a->sugg_tok[a->n_sugg] = i;
                a->n_sugg++;
            }
            x += ww + wsp;
        }
        x += ui_text(ui, UI_SANS, UI_SIZE_SMALL, x, y, t->warn, UI_LEFT, "?") + gap;
    }
    shown += n_uniq > 0; /* "+N more" alone also fills the line */
    if (!shown && !a->tr.truncated && a->model_trained && !a->model_notice[0])
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, x, y, t->text_dim, UI_LEFT,
                "E: example sentences   V: known words   F1: all keys");
}

static void draw_sidebar(app *a, ui_ctx *ui, const app_layout *L)
{
    const ui_theme *t = ui->theme;
    if (L->sidebar.w <= 0) return;
    ui_fill(ui, L->sidebar, t->panel);
    ui_fill(ui, (SDL_Rect){L->sidebar.x + L->sidebar.w - 1, L->sidebar.y, 1, L->sidebar.h}, t->border);
    SDL_RenderSetClipRect(ui->r, &L->sidebar);
    for (int i = 0; i < lesson_registry_count && i < MAX_LESSONS; i++) {
        SDL_Rect r = L->items[i];
        int cur = i == a->lesson, hot = !cur && ui_mouse_in(ui, r);
        if (cur) ui_fill(ui, r, t->accent);
        else if (hot) ui_fill(ui, r, t->panel_alt);
        ui_text_bg(ui, cur ? &t->accent : hot ? &t->panel_alt : &t->panel);
        SDL_Color c = cur ? t->accent_text : t->text;
        char num[16];
        snprintf(num, sizeof num, "%d", lesson_number(i));
        int pad = ui_px(ui, 12);
        ui_text(ui, UI_BOLD, UI_SIZE_BODY, r.x + pad + ui_px(ui, 24), r.y + r.h / 2, c, UI_RIGHT | UI_MIDDLE, num);
        ui_text_fit(ui, cur ? UI_BOLD : UI_SANS, UI_SIZE_BODY, r.x + pad + ui_px(ui, 34), r.y + r.h / 2,
                    r.w - pad * 2 - ui_px(ui, 34), c, UI_LEFT | UI_MIDDLE, lesson_registry[i]->title);
    }
    SDL_RenderSetClipRect(ui->r, NULL);
}

static void draw_panel(app *a, ui_ctx *ui, const app_layout *L)
{
    const ui_theme *t = ui->theme;
    if (L->panel.h <= 0) return;
    ui_panel(ui, L->panel);
    int pad = ui_px(ui, 12);
    SDL_Rect in = {L->panel.x + pad, L->panel.y + pad / 2, L->panel.w - 2 * pad, L->panel.h - pad};
    SDL_RenderSetClipRect(ui->r, &in);
    ui_text_bg(ui, &t->panel);
    if (a->text_missing || !a->text) {
        char b[1200];
        snprintf(b, sizeof b, "No lesson text for language \xE2\x80\x9C%s\xE2\x80\x9D yet.\nExpected the file %s "
                              "(plain UTF-8; edit it without recompiling).", a->opt.lang, a->text_path);
        ui_text_wrap(ui, UI_SANS, UI_SIZE_BODY, in, 0, t->warn, b);
    } else {
        const char *more = "\xE2\x96\xBC more (scroll)";
        int mw, mh;
        ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, more, &mw, &mh);
        /* the height first (a box 0 high draws nothing; the wrap is cached), so that
         * when there is more below, the last line drawn stays clear of the marker */
        int total = ui_text_wrap(ui, UI_SANS, UI_SIZE_BODY, (SDL_Rect){in.x, in.y, in.w, 0}, 0, t->text, a->text);
        if (a->panel_scroll > 0 && total - a->panel_scroll < in.h) a->panel_scroll = total > in.h ? total - in.h : 0;
        int over = total - a->panel_scroll > in.h;
        SDL_Rect text_box = in;
        if (over) text_box.h = L->panel.y + L->panel.h - mh - 2 - in.y;
        ui_text_wrap(ui, UI_SANS, UI_SIZE_BODY, text_box, a->panel_scroll, t->text, a->text);
        SDL_RenderSetClipRect(ui->r, &L->panel);
        if (over) {
            SDL_Rect mr = {in.x + in.w - mw - ui_px(ui, 8), L->panel.y + L->panel.h - mh - 2, mw + ui_px(ui, 8), mh};
            ui_fill(ui, mr, t->panel_alt);
            ui_text_bg(ui, &t->panel_alt);
            ui_text(ui, UI_SANS, UI_SIZE_SMALL, mr.x + ui_px(ui, 4), mr.y, t->text_dim, UI_LEFT, more);
        }
    }
    SDL_RenderSetClipRect(ui->r, NULL);
}

static SDL_Rect overlay_box(ui_ctx *ui, int w, int h, int bw, int bh)
{
    (void)ui;
    if (bw > w - 40) bw = w - 40;
    if (bh > h - 40) bh = h - 40;
    return (SDL_Rect){(w - bw) / 2, (h - bh) / 2, bw, bh};
}

static void draw_overlay(app *a, ui_ctx *ui, int w, int h, int record)
{
    const ui_theme *t = ui->theme;
    if (a->overlay == OVERLAY_NONE) return;
    ui_fill(ui, (SDL_Rect){0, 0, w, h}, ui_alpha(t->bg, 200));
    int pad = ui_px(ui, 18);
    int lh = ui_line_height(ui, UI_SANS, UI_SIZE_BODY);
    if (record) a->n_overlay_rects = 0;
    ui_text_bg(ui, &t->panel);
    if (a->overlay == OVERLAY_HELP) {
        int n = (int)(sizeof help_lines / sizeof help_lines[0]);
        const char *lk = lesson_registry[a->lesson]->keys;
        char line[600] = "";
        int klines = 0; /* lines the lesson's own keys take, wrapped */
        if (lk && *lk) {
            snprintf(line, sizeof line, "This lesson (%s): %s", lesson_registry[a->lesson]->title, lk);
            int lw = 0, bw = ui_px(ui, 900);
            if (bw > w - 40) bw = w - 40;
            ui_text_size(ui, UI_BOLD, UI_SIZE_BODY, line, &lw, NULL);
            klines = lw / (bw - 2 * pad > 1 ? (bw - 2 * pad) * 9 / 10 : 1) + 1;
        }
        SDL_Rect b = overlay_box(ui, w, h, ui_px(ui, 900), pad * 3 + lh * (n + 2 + (klines > 2 ? klines : 2)));
        ui_panel(ui, b);
        ui_text(ui, UI_BOLD, UI_SIZE_LARGE, b.x + pad, b.y + pad, t->text, UI_LEFT, "Keys");
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, b.x + b.w - pad, b.y + pad, t->text_dim, UI_RIGHT, "Esc closes");
        int col = b.x + pad + b.w * 4 / 10;
        for (int i = 0; i < n; i++) {
            int y = b.y + pad + lh * 2 + i * lh;
            ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, b.x + pad, y, col - b.x - 2 * pad, t->accent, UI_LEFT, help_lines[i][0]);
            ui_text_fit(ui, UI_SANS, UI_SIZE_BODY, col, y, b.x + b.w - pad - col, t->text, UI_LEFT, help_lines[i][1]);
        }
        if (klines)
            ui_text_wrap(ui, UI_BOLD, UI_SIZE_BODY, (SDL_Rect){b.x + pad, b.y + pad + lh * 2 + n * lh, b.w - 2 * pad, (klines + 1) * lh}, 0,
                         t->warn, line);
    } else if (a->overlay == OVERLAY_EXAMPLES) {
        int n = 0;
        const char *ok[32];
        for (size_t i = 0; i < sizeof example_sentences / sizeof example_sentences[0]; i++) {
            tok_token toks[64];
            int tot = 0;
            int k = tok_tokenize(&a->model.vocab, example_sentences[i], toks, 64, &tot);
            int unk = 0;
            for (int j = 0; j < k; j++) unk |= toks[j].is_unk;
            if (!unk && n < 32) ok[n++] = example_sentences[i];
        }
        int rows = n ? n : 1;
        SDL_Rect b = overlay_box(ui, w, h, ui_px(ui, 760), pad * 3 + (lh + ui_px(ui, 10)) * (rows + 1) + lh);
        ui_panel(ui, b);
        ui_text(ui, UI_BOLD, UI_SIZE_LARGE, b.x + pad, b.y + pad, t->text, UI_LEFT, "Example sentences");
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, b.x + b.w - pad, b.y + pad, t->text_dim, UI_RIGHT, "click or press 1-9; Esc closes");
        if (!n)
            ui_text(ui, UI_SANS, UI_SIZE_BODY, b.x + pad, b.y + pad + 2 * lh, t->warn, UI_LEFT,
                    "None of the built-in examples fits this model's vocabulary: press V to see its words.");
        for (int i = 0; i < n; i++) {
            SDL_Rect r = {b.x + pad, b.y + pad + lh * 2 + i * (lh + ui_px(ui, 10)), b.w - 2 * pad, lh + ui_px(ui, 6)};
            int hot = ui_mouse_in(ui, r);
            if (hot) ui_fill(ui, r, t->panel_alt);
            ui_text_bg(ui, hot ? &t->panel_alt : &t->panel);
            char line[300];
            snprintf(line, sizeof line, "%d   %s", i + 1, ok[i]);
            ui_text(ui, UI_SANS, UI_SIZE_BODY, r.x + ui_px(ui, 6), r.y + ui_px(ui, 3), t->text, UI_LEFT, line);
            if (record && a->n_overlay_rects < 256) {
                a->overlay_rects[a->n_overlay_rects] = r;
                a->overlay_ids[a->n_overlay_rects] = i;
                a->n_overlay_rects++;
            }
        }
    } else if (a->overlay == OVERLAY_VOCAB) {
        const tok_vocab *v = &a->model.vocab;
        int colw = ui_px(ui, 150), rowh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL) + ui_px(ui, 4);
        SDL_Rect b = overlay_box(ui, w, h, w - ui_px(ui, 80), h - ui_px(ui, 80));
        ui_panel(ui, b);
        char title[128];
        snprintf(title, sizeof title, "Vocabulary: %d words (ids 0-3 are special)", v->size);
        ui_text(ui, UI_BOLD, UI_SIZE_LARGE, b.x + pad, b.y + pad, t->text, UI_LEFT, title);
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, b.x + b.w - pad, b.y + pad, t->text_dim, UI_RIGHT, "click a word to add it; Esc closes");
        int top = b.y + pad + ui_line_height(ui, UI_BOLD, UI_SIZE_LARGE) + ui_px(ui, 8);
        int ncol = (b.w - 2 * pad) / colw;
        if (ncol < 1) ncol = 1;
        int nrow = (b.y + b.h - pad - top) / rowh;
        if (nrow < 1) nrow = 1;
        if (ncol * nrow < v->size) { /* squeeze */
            colw = (b.w - 2 * pad) / ((v->size + nrow - 1) / nrow);
            ncol = (b.w - 2 * pad) / (colw > 0 ? colw : 1);
        }
        for (int i = 0; i < v->size && i < ncol * nrow; i++) {
            int cx = b.x + pad + (i / nrow) * colw, cy = top + (i % nrow) * rowh;
            SDL_Rect r = {cx, cy, colw - ui_px(ui, 4), rowh};
            int hot = ui_mouse_in(ui, r);
            if (hot) ui_fill(ui, r, t->panel_alt);
            ui_text_bg(ui, hot ? &t->panel_alt : &t->panel);
            char lab[96];
            snprintf(lab, sizeof lab, "%d %s", i, tok_vocab_word(v, i));
            ui_text_fit(ui, i < 4 ? UI_BOLD : UI_SANS, UI_SIZE_SMALL, cx + 2, cy + 2, colw - ui_px(ui, 8),
                        i < 4 ? t->text_dim : t->text, UI_LEFT, lab);
            if (record && a->n_overlay_rects < 256) {
                a->overlay_rects[a->n_overlay_rects] = r;
                a->overlay_ids[a->n_overlay_rects] = i;
                a->n_overlay_rects++;
            }
        }
    }
}

static void draw_toast(app *a, ui_ctx *ui, int w, int h)
{
    const ui_theme *t = ui->theme;
    if (!a->toast[0] || now_s(a) > a->toast_until) return;
    int tw, th, pad = ui_px(ui, 12);
    ui_text_size(ui, UI_SANS, UI_SIZE_BODY, a->toast, &tw, &th);
    if (tw > w - 4 * pad) tw = w - 4 * pad;
    SDL_Rect b = {(w - tw) / 2 - pad, h - th - 3 * pad, tw + 2 * pad, th + pad};
    SDL_Color c = a->toast_kind == 2 ? t->error : a->toast_kind == 1 ? t->ok : t->accent;
    ui_fill(ui, b, t->panel);
    ui_frame(ui, b, c, ui_px(ui, 2));
    ui_text_bg(ui, &t->panel);
    ui_text_fit(ui, UI_SANS, UI_SIZE_BODY, b.x + pad, b.y + pad / 2, tw, t->text, UI_LEFT, a->toast);
    ui_text_bg(ui, NULL);
}

/* Draws one whole frame into ui->r at w x h. record: this is the interactive
 * frame whose rectangles the event handler uses (not an offscreen export). */
static void app_render(app *a, ui_ctx *ui, int w, int h, int mx, int my, int record, int with_overlays)
{
    set_scale(a, ui, w, h);
    app_layout L;
    compute_layout(a, ui, w, h, &L);
    if (record) a->lay = L;
    ui_begin_frame(ui, mx, my, now_s(a));
    const ui_theme *t = ui->theme;
    SDL_SetRenderDrawColor(ui->r, t->bg.r, t->bg.g, t->bg.b, 255);
    SDL_RenderClear(ui->r);
    /* lesson first, so the chrome is drawn over anything that spills */
    const lesson *les = lesson_registry[a->lesson];
    if (a->trace_ok) {
        lesson_ctx c = make_ctx(a, ui, L.area, a->lesson, NULL);
        SDL_RenderSetClipRect(ui->r, &L.area);
        ui_text_bg(ui, NULL);
        if (a->attn.open && with_overlays) ui->mouse_x = ui->mouse_y = -1; /* the overlay covers the lesson */
        les->draw(a->lstate[a->lesson], &c);
        ui->mouse_x = mx; ui->mouse_y = my;
        ui_text_bg(ui, NULL);
        SDL_RenderSetClipRect(ui->r, NULL);
    } else {
        ui_text_wrap(ui, UI_SANS, UI_SIZE_BODY, L.area, 0, t->error, a->trace_err[0] ? a->trace_err : "no trace");
    }
    /* title line */
    char title[256];
    snprintf(title, sizeof title, "%d \xC2\xB7 %s", lesson_number(a->lesson), les->title);
    ui_fill(ui, (SDL_Rect){L.title.x, L.title.y - ui_px(ui, 8), L.title.w, L.title.h + ui_px(ui, 8)}, t->bg);
    ui_text_bg(ui, &t->bg);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_LARGE, L.title.x, L.title.y, L.title.w * 3 / 4, t->text, UI_LEFT, title);
    int n = lesson_steps(a, a->lesson);
    if (n > 1) {
        char st[64];
        snprintf(st, sizeof st, "step %d / %d", a->lstep[a->lesson] + 1, n);
        ui_text(ui, UI_SANS, UI_SIZE_BODY, L.title.x + L.title.w, L.title.y, t->text_dim, UI_RIGHT, st);
    }
    draw_panel(a, ui, &L);
    draw_sidebar(a, ui, &L);
    /* top bar */
    ui_fill(ui, L.top, t->panel);
    ui_fill(ui, (SDL_Rect){0, L.top.h - 1, w, 1}, t->border);
    ui_button(ui, L.menu_btn, "\xE2\x98\xB0", a->sidebar);
    draw_sentence_box(a, ui, &L, record);
    ui_button(ui, L.ex_btn, "Examples (E)", a->overlay == OVERLAY_EXAMPLES);
    ui_button(ui, L.vocab_btn, "Words (V)", a->overlay == OVERLAY_VOCAB);
    ui_button(ui, L.help_btn, "?", a->overlay == OVERLAY_HELP);
    draw_status(a, ui, &L, record);
    ui_text_bg(ui, NULL);
    if (with_overlays) {
        draw_overlay(a, ui, w, h, record);
        ui_text_bg(ui, NULL);
        if (a->attn.open && a->overlay == OVERLAY_NONE && a->trace_ok) {
            memset(&ui->hover, 0, sizeof ui->hover); /* only the overlay's own cells are hovered */
            attn_overlay_draw(&a->attn, ui, &a->tr, &a->model.vocab, &a->sel, w, h, record);
        }
        if (a->overlay == OVERLAY_NONE) ui_tooltip(ui, w, h);
        draw_toast(a, ui, w, h);
    }
    if (record) a->last_hover = ui->hover;
}

/* ---------------------------------------------------------------- export */

static void default_export_dir(app *a)
{
    if (a->opt.export_dir) { snprintf(a->export_dir, sizeof a->export_dir, "%s", a->opt.export_dir); return; }
    const char *home = getenv("HOME");
    snprintf(a->export_dir, sizeof a->export_dir, "%s/TransformerLab/exports", home && *home ? home : ".");
}

static void export_surface_async(app *a, SDL_Surface *s, const char *suffix)
{
    char err[1200], base[256], path[1400];
    if (!s) { toast(a, 2, "Export failed: cannot read the screen: %s", SDL_GetError()); return; }
    if (export_mkdir_p(a->export_dir, err, sizeof err) != 0) { SDL_FreeSurface(s); toast(a, 2, "Export failed: %s", err); return; }
    char slug[96];
    snprintf(slug, sizeof slug, "%s%s", lesson_registry[a->lesson]->slug, suffix);
    export_base_name(slug, time(NULL), base, sizeof base);
    if (export_reserve(a->export_dir, base, path, sizeof path, err, sizeof err) != 0) {
        SDL_FreeSurface(s);
        toast(a, 2, "Export failed: %s", err);
        return;
    }
    if (export_save_png_async(s, path, a->ev_export) != 0) {
        remove(path);
        toast(a, 2, "Export failed: %s", SDL_GetError());
        return;
    }
    toast(a, 0, "Saving %s \xE2\x80\xA6", path);
}

/* Renders the current lesson at w x h into a new surface with a software renderer. */
static SDL_Surface *render_offscreen(app *a, int w, int h, char *err, size_t n)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGB888);
    if (!s) { snprintf(err, n, "cannot make a %dx%d image: %s", w, h, SDL_GetError()); return NULL; }
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(s);
    if (!r) { snprintf(err, n, "no software renderer: %s", SDL_GetError()); SDL_FreeSurface(s); return NULL; }
    ui_ctx ui;
    char fonts[700];
    snprintf(fonts, sizeof fonts, "%s/fonts", a->assets);
    if (ui_init(&ui, r, fonts, a->theme, err, n) != 0) { SDL_DestroyRenderer(r); SDL_FreeSurface(s); return NULL; }
    app_render(a, &ui, w, h, -1, -1, 0, 0);
    SDL_RenderPresent(r);
    ui_free(&ui);
    SDL_DestroyRenderer(r);
    return s;
}

/* ---------------------------------------------------------------- dump */

static int app_dump(app *a, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) { fprintf(stderr, "transformer-lab: cannot write %s: %s\n", path, strerror(errno)); return -1; }
    const lesson *les = lesson_registry[a->lesson];
    fprintf(f, "{\n  \"lesson_index\": %d,\n  \"lesson_number\": %d,\n  \"lesson_slug\": ", a->lesson, lesson_number(a->lesson));
    json_write_string(f, les->slug);
    fprintf(f, ",\n  \"lesson_title\": ");
    json_write_string(f, les->title);
    fprintf(f, ",\n  \"step\": %d,\n  \"n_steps\": %d,\n  \"n_lessons\": %d,\n  \"sentence\": ", a->lstep[a->lesson],
            lesson_steps(a, a->lesson), lesson_registry_count);
    json_write_string(f, a->tb->text);
    fprintf(f, ",\n  \"translation\": ");
    json_write_string(f, a->translation);
    fprintf(f, ",\n  \"tokens\": [");
    for (int i = 0; a->trace_ok && i < a->tr.n_src; i++) {
        fprintf(f, "%s", i ? ", " : "");
        json_write_string(f, tok_vocab_word(&a->model.vocab, a->tr.src_ids[i]));
    }
    fprintf(f, "],\n  \"words\": [");
    for (int i = 0; a->trace_ok && i < a->tr.n_words; i++) {
        fprintf(f, "%s", i ? ", " : "");
        json_write_string(f, a->tr.src_tokens[i].text);
    }
    fprintf(f, "],\n  \"src_ids\": [");
    for (int i = 0; a->trace_ok && i < a->tr.n_src; i++) fprintf(f, "%s%d", i ? ", " : "", a->tr.src_ids[i]);
    fprintf(f, "],\n  \"out_ids\": [");
    for (int i = 0; a->trace_ok && i < a->tr.n_out; i++) fprintf(f, "%s%d", i ? ", " : "", a->tr.out_ids[i]);
    fprintf(f, "],\n  \"truncated\": %d,\n  \"n_words_total\": %d,\n  \"n_unk\": %d,\n", a->tr.truncated,
            a->tr.n_words_total, a->tr.n_unk);
    fprintf(f, "  \"suggestions\": [");
    for (int i = 0; a->trace_ok && i < a->n_sugg; i++) {
        fprintf(f, "%s{\"word\": ", i ? ", " : "");
        json_write_string(f, a->tr.src_tokens[a->sugg_tok[i]].text);
        fprintf(f, ", \"token\": %d, \"offer\": ", a->sugg_tok[i]);
        json_write_string(f, tok_vocab_word(&a->model.vocab, a->sugg_id[i]));
        fprintf(f, ", \"rect\": [%d, %d, %d, %d]}", a->sugg_rect[i].x, a->sugg_rect[i].y, a->sugg_rect[i].w, a->sugg_rect[i].h);
    }
    fprintf(f, "],\n");
    fprintf(f, "  \"selection\": {\"layer\": %d, \"head\": %d, \"step\": %d, \"token\": %d},\n", a->sel.layer,
            a->sel.head, a->sel.step, a->sel.token);
    fprintf(f, "  \"theme\": ");
    json_write_string(f, a->theme->name);
    fprintf(f, ",\n  \"zoom\": %.3f,\n  \"window\": [%d, %d],\n  \"fullscreen\": %d,\n  \"sidebar\": %d,\n", a->zoom, a->w,
            a->h, a->fullscreen, a->sidebar);
    fprintf(f, "  \"focus\": %d,\n  \"overlay\": %d,\n  \"translation_cut\": %d,\n  \"translation_popup\": %d,\n"
               "  \"translation_rect\": [%d, %d, %d, %d],\n", a->tb_focus, a->overlay, a->translation_cut, a->translation_popup,
            a->translation_rect.x, a->translation_rect.y, a->translation_rect.w, a->translation_rect.h);
    fprintf(f, "  \"attn_overlay\": {\"open\": %d, \"kind\": \"%s\", \"layer\": %d, \"head\": %d, \"rows\": %d, \"cols\": %d, "
               "\"cells\": [%d, %d, %d, %d]},\n  \"model\": ",
            a->attn.open, attn_overlay_kind_slug(a->attn.kind), a->attn.layer, a->attn.head, a->attn.rows, a->attn.cols,
            a->attn.cells.x, a->attn.cells.y, a->attn.cells.w, a->attn.cells.h);
    json_write_string(f, a->model_path);
    fprintf(f, ",\n  \"model_trained\": %d,\n  \"hover\": ", a->model_trained);
    if (a->last_hover.active) {
        fprintf(f, "{\"label\": ");
        json_write_string(f, a->last_hover.label);
        if (a->last_hover.has_value) {
            if (isfinite(a->last_hover.value)) fprintf(f, ", \"value\": %.9g}", a->last_hover.value);
            else fprintf(f, ", \"value\": \"%s\"}", a->last_hover.value < 0 ? "-inf" : isnan(a->last_hover.value) ? "nan" : "inf");
        } else fprintf(f, ", \"value\": null}");
    } else fprintf(f, "null");
    fprintf(f, ",\n  \"toast\": ");
    json_write_string(f, a->toast);
    fprintf(f, ",\n  \"lessons\": [");
    for (int i = 0; i < lesson_registry_count; i++) {
        fprintf(f, "%s{\"number\": %d, \"slug\": ", i ? ", " : "", lesson_number(i));
        json_write_string(f, lesson_registry[i]->slug);
        fprintf(f, ", \"steps\": %d}", lesson_steps(a, i));
    }
    fprintf(f, "],\n  \"lesson_state\": ");
    char buf[4096] = "";
    if (les->dump_json) {
        lesson_ctx c = make_ctx(a, &a->ui, a->lay.area, a->lesson, NULL);
        les->dump_json(a->lstate[a->lesson], &c, buf, sizeof buf);
    }
    fprintf(f, "%s\n}\n", buf[0] ? buf : "null");
    int rc = fclose(f);
    return rc == 0 ? 0 : -1;
}

/* ---------------------------------------------------------------- input */

static int win_to_px(app *a, int v) { return (int)lroundf((float)v * a->px_per_win); }

static void edited(app *a) { retranslate(a); }

static void set_sentence(app *a, const char *s)
{
    textbox_select_all(a->tb);
    textbox_insert(a->tb, s);
    edited(a);
}

static void clamp_zoom(app *a)
{
    if (a->zoom < 0.5f) a->zoom = 0.5f;
    if (a->zoom > 3.0f) a->zoom = 3.0f;
    a->dirty = 1;
}

static void toggle_fullscreen(app *a)
{
    if (!a->win) return;
    a->fullscreen = !a->fullscreen;
    SDL_SetWindowFullscreen(a->win, a->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
    a->dirty = 1;
}

static void focus_box(app *a, int on)
{
    a->tb_focus = on;
    a->composition[0] = 0;
    if (on) { SDL_StartTextInput(); a->overlay = OVERLAY_NONE; }
    else SDL_StopTextInput();
    a->dirty = 1;
}

static int textbox_key(app *a, const SDL_KeyboardEvent *k)
{
    SDL_Keycode key = k->keysym.sym;
    int ctrl = (k->keysym.mod & (KMOD_CTRL | KMOD_GUI)) != 0, shift = (k->keysym.mod & KMOD_SHIFT) != 0;
    textbox *tb = a->tb;
    int changed = 0;
    char buf[TEXTBOX_CAP];
    switch (key) {
    case SDLK_ESCAPE: case SDLK_RETURN: case SDLK_KP_ENTER: case SDLK_TAB: focus_box(a, 0); return 1;
    case SDLK_LEFT: if (ctrl) textbox_word_left(tb, shift); else textbox_left(tb, shift); break;
    case SDLK_RIGHT: if (ctrl) textbox_word_right(tb, shift); else textbox_right(tb, shift); break;
    case SDLK_HOME: case SDLK_UP: textbox_home(tb, shift); break;
    case SDLK_END: case SDLK_DOWN: textbox_end(tb, shift); break;
    case SDLK_BACKSPACE: changed = ctrl ? textbox_delete_word_left(tb) : textbox_backspace(tb); break;
    case SDLK_DELETE: changed = textbox_delete(tb); break;
    case SDLK_a: if (ctrl) textbox_select_all(tb); break;
    case SDLK_c: if (ctrl && textbox_selected_text(tb, buf, sizeof buf) > 0) SDL_SetClipboardText(buf); break;
    case SDLK_x:
        if (ctrl && textbox_selected_text(tb, buf, sizeof buf) > 0) { SDL_SetClipboardText(buf); changed = textbox_insert(tb, ""); }
        break;
    case SDLK_v:
        if (ctrl) {
            char *clip = SDL_GetClipboardText();
            if (clip) { changed = textbox_insert(tb, clip); SDL_free(clip); }
        }
        break;
    case SDLK_z: if (ctrl) changed = shift ? textbox_redo(tb) : textbox_undo(tb); break;
    case SDLK_y: if (ctrl) changed = textbox_redo(tb); break;
    case SDLK_F1: case SDLK_F11: case SDLK_F12: return 0; /* global keys still work */
    case SDLK_s: case SDLK_q: if (ctrl) return 0; break;
    default: break;
    }
    if (changed) edited(a);
    a->dirty = 1;
    return 1; /* every other key stays in the box: no navigation while typing */
}

static void do_export(app *a, int slide)
{
    if (slide) a->slide_pending = 1;
    else a->export_pending = 1;
    a->dirty = 1;
}

static void global_key(app *a, const SDL_KeyboardEvent *k)
{
    SDL_Keycode key = k->keysym.sym;
    int ctrl = (k->keysym.mod & (KMOD_CTRL | KMOD_GUI)) != 0, shift = (k->keysym.mod & KMOD_SHIFT) != 0;
    a->dirty = 1;
    if (ctrl) {
        switch (key) {
        case SDLK_s: do_export(a, shift); return;
        case SDLK_q: a->running = 0; return;
        case SDLK_EQUALS: case SDLK_PLUS: case SDLK_KP_PLUS: a->zoom *= 1.1f; clamp_zoom(a); return;
        case SDLK_MINUS: case SDLK_KP_MINUS: a->zoom /= 1.1f; clamp_zoom(a); return;
        case SDLK_0: case SDLK_KP_0: a->zoom = 1.0f; clamp_zoom(a); return;
        default: return;
        }
    }
    if (a->overlay == OVERLAY_EXAMPLES && key >= SDLK_1 && key <= SDLK_9) {
        int want = (int)(key - SDLK_1);
        for (int i = 0; i < a->n_overlay_rects; i++)
            if (a->overlay_ids[i] == want) {
                int cnt = 0;
                for (size_t j = 0; j < sizeof example_sentences / sizeof example_sentences[0]; j++) {
                    tok_token toks[64];
                    int tot, unk = 0, kk = tok_tokenize(&a->model.vocab, example_sentences[j], toks, 64, &tot);
                    for (int q = 0; q < kk; q++) unk |= toks[q].is_unk;
                    if (!unk && cnt++ == want) { set_sentence(a, example_sentences[j]); break; }
                }
                a->overlay = OVERLAY_NONE;
                return;
            }
        return;
    }
    switch (key) {
    case SDLK_ESCAPE: a->overlay = OVERLAY_NONE; return;
    case SDLK_F1: a->overlay = a->overlay == OVERLAY_HELP ? OVERLAY_NONE : OVERLAY_HELP; return;
    case SDLK_F11: toggle_fullscreen(a); return;
    case SDLK_F12: do_export(a, 0); return;
    case SDLK_SLASH: if (shift) a->overlay = a->overlay == OVERLAY_HELP ? OVERLAY_NONE : OVERLAY_HELP; else focus_box(a, 1); return;
    case SDLK_QUESTION: a->overlay = a->overlay == OVERLAY_HELP ? OVERLAY_NONE : OVERLAY_HELP; return;
    case SDLK_TAB: focus_box(a, 1); return;
    case SDLK_RIGHT: case SDLK_PAGEDOWN: step_next(a); return;
    case SDLK_LEFT: case SDLK_PAGEUP: step_prev(a); return;
    case SDLK_SPACE: if (shift) step_prev(a); else step_next(a); return;
    case SDLK_HOME: goto_lesson(a, 0, 0); return;
    case SDLK_END: goto_lesson(a, lesson_registry_count - 1, 0); return;
    case SDLK_a: if (a->overlay == OVERLAY_NONE) attn_overlay_toggle(&a->attn); return;
    case SDLK_e: a->overlay = a->overlay == OVERLAY_EXAMPLES ? OVERLAY_NONE : OVERLAY_EXAMPLES; return;
    case SDLK_v: a->overlay = a->overlay == OVERLAY_VOCAB ? OVERLAY_NONE : OVERLAY_VOCAB; return;
    case SDLK_t: a->theme = ui_theme_next(a->theme); return;
    case SDLK_b: a->sidebar = !a->sidebar; return;
    case SDLK_p: a->panel_on = !a->panel_on; return;
    case SDLK_LEFTBRACKET: a->sel.layer--; clamp_selection(a); return;
    case SDLK_RIGHTBRACKET: a->sel.layer++; clamp_selection(a); return;
    case SDLK_COMMA: a->sel.head--; clamp_selection(a); return;
    case SDLK_PERIOD: a->sel.head++; clamp_selection(a); return;
    case SDLK_SEMICOLON: a->sel.step--; clamp_selection(a); return;
    case SDLK_QUOTE: a->sel.step++; clamp_selection(a); return;
    case SDLK_UP: a->sel.token = a->sel.token <= 0 ? a->tr.n_src - 1 : a->sel.token - 1; clamp_selection(a); return;
    case SDLK_DOWN: a->sel.token = a->sel.token >= a->tr.n_src - 1 ? 0 : a->sel.token + 1; clamp_selection(a); return;
    default: break;
    }
    if (key >= SDLK_0 && key <= SDLK_9) goto_number(a, (int)(key - SDLK_0) + (shift ? 10 : 0));
    else if (key >= SDLK_KP_1 && key <= SDLK_KP_9) goto_number(a, (int)(key - SDLK_KP_1) + 1 + (shift ? 10 : 0));
    else if (key == SDLK_KP_0) goto_number(a, shift ? 10 : 0);
}

/* The byte offset in the sentence nearest to pixel x in the box. */
static int box_pos_at(app *a, int x)
{
    int best = 0, bestd = 1 << 30;
    char tmp[TEXTBOX_CAP];
    int x0 = a->lay.box.x + ui_px(&a->ui, 10) - a->box_scroll;
    for (int p = 0; p <= a->tb->len; p = p < a->tb->len ? ui_utf8_next(a->tb->text, a->tb->len, p) : p + 1) {
        int w;
        memcpy(tmp, a->tb->text, (size_t)p);
        tmp[p] = 0;
        ui_text_size(&a->ui, UI_SANS, UI_SIZE_BODY, tmp, &w, NULL);
        int d = abs(x0 + w - x);
        if (d < bestd) { bestd = d; best = p; }
    }
    return best;
}

static void mouse_click(app *a, int x, int y)
{
    const app_layout *L = &a->lay;
    a->dirty = 1;
    if (a->overlay != OVERLAY_NONE) {
        for (int i = 0; i < a->n_overlay_rects; i++) {
            if (!ui_point_in(a->overlay_rects[i], x, y)) continue;
            if (a->overlay == OVERLAY_VOCAB) {
                int id = a->overlay_ids[i];
                if (id >= 4) {
                    char w[96];
                    const char *cur = a->tb->text;
                    int need_space = a->tb->cursor > 0 && cur[a->tb->cursor - 1] != ' ';
                    snprintf(w, sizeof w, "%s%s", need_space ? " " : "", tok_vocab_word(&a->model.vocab, id));
                    textbox_insert(a->tb, w);
                    edited(a);
                }
                return;
            }
            SDL_Event e;
            memset(&e, 0, sizeof e);
            e.key.keysym.sym = SDLK_1 + a->overlay_ids[i];
            global_key(a, &e.key);
            return;
        }
        a->overlay = OVERLAY_NONE;
        return;
    }
    if (ui_point_in(L->box, x, y)) {
        if (!a->tb_focus) focus_box(a, 1);
        a->tb->cursor = a->tb->anchor = box_pos_at(a, x);
        a->box_drag = 1;
        return;
    }
    if (a->tb_focus) focus_box(a, 0);
    for (int i = 0; i < a->n_sugg; i++)
        if (ui_point_in(a->sugg_rect[i], x, y)) {
            const tok_token *k = &a->tr.src_tokens[a->sugg_tok[i]];
            if (k->byte_start + k->byte_len <= a->tb->len) {
                textbox_replace_range(a->tb, k->byte_start, k->byte_start + k->byte_len, tok_vocab_word(&a->model.vocab, a->sugg_id[i]));
                edited(a);
            }
            return;
        }
    if (ui_point_in(L->menu_btn, x, y)) { a->sidebar = !a->sidebar; return; }
    if (ui_point_in(L->ex_btn, x, y)) { a->overlay = OVERLAY_EXAMPLES; return; }
    if (ui_point_in(L->vocab_btn, x, y)) { a->overlay = OVERLAY_VOCAB; return; }
    if (ui_point_in(L->help_btn, x, y)) { a->overlay = OVERLAY_HELP; return; }
    if (a->sidebar)
        for (int i = 0; i < lesson_registry_count && i < MAX_LESSONS; i++)
            if (ui_point_in(L->items[i], x, y)) { goto_lesson(a, i, 0); return; }
}

/* Gives the event to the current lesson; 1 when it consumed it. */
static int lesson_event(app *a, const SDL_Event *ev)
{
    const lesson *les = lesson_registry[a->lesson];
    if (!les->handle_event || !a->trace_ok) return 0;
    lesson_actions act;
    memset(&act, 0, sizeof act);
    lesson_ctx c = make_ctx(a, &a->ui, a->lay.area, a->lesson, &act);
    int used = les->handle_event(a->lstate[a->lesson], ev, &c);
    if (act.toast[0]) toast(a, 0, "%s", act.toast);
    if (act.goto_slug[0]) {
        int li = lesson_find(act.goto_slug);
        if (li >= 0) goto_lesson(a, li, 0);
    }
    if (used || act.redraw) a->dirty = 1;
    clamp_selection(a);
    return used;
}

static void app_event(app *a, SDL_Event *ev)
{
    switch (ev->type) {
    case SDL_QUIT: a->running = 0; return;
    case SDL_WINDOWEVENT:
        if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED || ev->window.event == SDL_WINDOWEVENT_EXPOSED ||
            ev->window.event == SDL_WINDOWEVENT_RESIZED) {
            a->dirty = 1;
        }
        if (ev->window.event == SDL_WINDOWEVENT_LEAVE) { a->mx = a->my = -1; a->dirty = 1; }
        return;
    case SDL_TEXTINPUT:
        if (a->tb_focus && a->overlay == OVERLAY_NONE) {
            a->composition[0] = 0;
            if (textbox_type(a->tb, ev->text.text)) edited(a);
            a->dirty = 1;
        }
        return;
    case SDL_TEXTEDITING:
        snprintf(a->composition, sizeof a->composition, "%s", ev->edit.text);
        a->dirty = 1;
        return;
    case SDL_KEYDOWN: {
        if (a->tb_focus) {
            if (textbox_key(a, &ev->key)) return;
        } else if (a->attn.open && a->overlay == OVERLAY_NONE) {
            /* the attention overlay: its own keys, then only selection, export, zoom, help and quit */
            SDL_Keycode k = ev->key.keysym.sym;
            int mod = ev->key.keysym.mod;
            a->dirty = 1;
            if (!(mod & (KMOD_CTRL | KMOD_GUI)) && attn_overlay_key(&a->attn, k, (mod & KMOD_SHIFT) != 0)) return;
            if (!(mod & (KMOD_CTRL | KMOD_GUI)) && k != SDLK_LEFTBRACKET && k != SDLK_RIGHTBRACKET && k != SDLK_COMMA &&
                k != SDLK_PERIOD && k != SDLK_SEMICOLON && k != SDLK_QUOTE && k != SDLK_F1 && k != SDLK_F11 && k != SDLK_F12)
                return;
        } else if (a->overlay == OVERLAY_NONE && lesson_event(a, ev)) {
            return;
        }
        global_key(a, &ev->key);
        return;
    }
    case SDL_MOUSEMOTION: {
        int x = win_to_px(a, ev->motion.x), y = win_to_px(a, ev->motion.y);
        a->mx = x; a->my = y;
        a->dirty = 1;
        if (a->box_drag && (ev->motion.state & SDL_BUTTON_LMASK) && a->tb_focus) { /* drag-select in the box */
            a->tb->cursor = box_pos_at(a, x);
            return;
        }
        a->box_drag = 0;
        if (a->overlay == OVERLAY_NONE && !a->attn.open) {
            SDL_Event e = *ev;
            e.motion.x = x; e.motion.y = y;
            lesson_event(a, &e);
        }
        return;
    }
    case SDL_MOUSEBUTTONDOWN: case SDL_MOUSEBUTTONUP: {
        int x = win_to_px(a, ev->button.x), y = win_to_px(a, ev->button.y);
        a->mx = x; a->my = y;
        SDL_Event e = *ev;
        e.button.x = x; e.button.y = y;
        if (ev->type == SDL_MOUSEBUTTONUP) a->box_drag = 0;
        if (a->attn.open && a->overlay == OVERLAY_NONE) {
            if (ev->type == SDL_MOUSEBUTTONDOWN && ev->button.button == SDL_BUTTON_LEFT) attn_overlay_click(&a->attn, x, y);
            a->dirty = 1;
            return;
        }
        if (a->overlay == OVERLAY_NONE && ui_point_in(a->lay.area, x, y) && lesson_event(a, &e)) return;
        if (ev->type == SDL_MOUSEBUTTONDOWN && ev->button.button == SDL_BUTTON_LEFT) mouse_click(a, x, y);
        return;
    }
    case SDL_MOUSEWHEEL:
        if (ui_point_in(a->lay.panel, a->mx, a->my)) {
            a->panel_scroll -= ev->wheel.y * ui_px(&a->ui, 40);
            if (a->panel_scroll < 0) a->panel_scroll = 0;
            a->dirty = 1;
            return;
        }
        if (a->overlay == OVERLAY_NONE && !a->attn.open) lesson_event(a, ev);
        return;
    default:
        if (ev->type == a->ev_export) {
            char *msg = ev->user.data1;
            if (ev->user.code == 0) toast(a, 1, "Saved %s", msg ? msg : "");
            else toast(a, 2, "Export failed: %s", msg ? msg : "unknown error");
            free(msg);
        }
        return;
    }
}

/* ---------------------------------------------------------------- script */

static void push_key(app *a, SDL_Keycode key, Uint16 mod)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.state = SDL_PRESSED;
    e.key.keysym.sym = key;
    e.key.keysym.scancode = SDL_GetScancodeFromKey(key);
    e.key.keysym.mod = mod;
    app_event(a, &e);
    e.type = SDL_KEYUP;
    e.key.state = SDL_RELEASED;
    app_event(a, &e);
}

static void move_mouse(app *a, int x, int y)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_MOUSEMOTION;
    e.motion.x = (int)lroundf((float)x / a->px_per_win);
    e.motion.y = (int)lroundf((float)y / a->px_per_win);
    app_event(a, &e);
}

static int screenshot_now(app *a, const char *path)
{
    char err[1200];
    app_render(a, &a->ui, a->w, a->h, a->mx, a->my, 1, 1);
    SDL_Surface *s = export_read_renderer(a->r, a->w, a->h);
    SDL_RenderPresent(a->r);
    if (!s) { fprintf(stderr, "transformer-lab: screenshot: cannot read pixels: %s\n", SDL_GetError()); return -1; }
    int rc = export_save_png(s, path, err, sizeof err);
    SDL_FreeSurface(s);
    if (rc) fprintf(stderr, "transformer-lab: screenshot: %s\n", err);
    return rc;
}

static void set_window_size(app *a, int w, int h)
{
    if (a->win) {
        SDL_SetWindowSize(a->win, w, h);
        int pw = w, ph = h;
        if (SDL_GetRendererOutputSize(a->r, &pw, &ph) != 0 || pw <= 0) { pw = w; ph = h; }
        a->w = pw; a->h = ph;
    }
    a->dirty = 1;
}

/* Runs script commands until one needs a new frame. Returns 0, or an exit code to stop with. */
static int script_step(app *a)
{
    if (a->script_wait > 0) { a->script_wait--; a->dirty = 1; return -1; }
    while (a->script_pos < a->n_script) {
        const script_cmd *c = &a->script[a->script_pos++];
        switch (c->op) {
        case SCRIPT_TYPE: {
            if (!a->tb_focus) focus_box(a, 1);
            const char *p = c->arg;
            while (*p) { /* one code point per event, as a keyboard would */
                int n = ui_utf8_next(p, (int)strlen(p), 0);
                SDL_Event e;
                memset(&e, 0, sizeof e);
                e.type = SDL_TEXTINPUT;
                memcpy(e.text.text, p, (size_t)n);
                app_event(a, &e);
                p += n;
            }
            a->dirty = 1;
            return -1;
        }
        case SCRIPT_KEY: push_key(a, c->key, (Uint16)c->mod); return -1;
        case SCRIPT_MOVE: move_mouse(a, c->x, c->y); return -1;
        case SCRIPT_CLICK: {
            move_mouse(a, c->x, c->y);
            SDL_Event e;
            memset(&e, 0, sizeof e);
            e.type = SDL_MOUSEBUTTONDOWN;
            e.button.button = SDL_BUTTON_LEFT;
            e.button.state = SDL_PRESSED;
            e.button.clicks = 1;
            e.button.x = (int)lroundf((float)c->x / a->px_per_win);
            e.button.y = (int)lroundf((float)c->y / a->px_per_win);
            app_event(a, &e);
            e.type = SDL_MOUSEBUTTONUP;
            e.button.state = SDL_RELEASED;
            app_event(a, &e);
            return -1;
        }
        case SCRIPT_WAIT: a->script_wait = c->x; a->dirty = 1; return -1;
        case SCRIPT_SCREENSHOT: if (screenshot_now(a, c->arg) != 0) return APP_EXIT_FAIL; break;
        case SCRIPT_DUMP: if (app_dump(a, c->arg) != 0) return APP_EXIT_FAIL; break;
        case SCRIPT_LESSON: {
            int li = lesson_find(c->arg);
            if (li < 0) {
                fprintf(stderr, "transformer-lab: %s:%d: no lesson '%s'\n", a->opt.script, c->line, c->arg);
                return APP_EXIT_USAGE;
            }
            goto_lesson(a, li, 0);
            return -1;
        }
        case SCRIPT_RESIZE: set_window_size(a, c->x, c->y); return -1;
        case SCRIPT_QUIT: return APP_EXIT_OK;
        default: break;
        }
    }
    return APP_EXIT_OK; /* end of the script */
}

/* ---------------------------------------------------------------- setup */

static int app_setup(app *a, const app_options *o)
{
    a->opt = *o;
    snprintf(a->assets, sizeof a->assets, "%s", o->assets_dir ? o->assets_dir : TLAB_ASSETS_DIR);
    a->theme = ui_theme_get(o->theme ? o->theme : "dark");
    if (!a->theme) a->theme = ui_theme_get("dark");
    a->zoom = 1.0f;
    a->sidebar = 1;
    a->panel_on = 1;
    a->px_per_win = 1.0f;
    a->text_for = -1;
    a->sel.token = -1;
    a->mx = a->my = -1;
    a->t0 = SDL_GetTicks64();
    a->tb = calloc(1, sizeof *a->tb);
    if (!a->tb) return APP_EXIT_FAIL;
    default_export_dir(a);
    char err[1024], fonts[700];
    snprintf(fonts, sizeof fonts, "%s/fonts", a->assets);
    if (ui_fonts_check(fonts, err, sizeof err) != 0) {
        fprintf(stderr, "transformer-lab: %s\n", err);
        return APP_EXIT_FAIL;
    }
    if (lesson_registry_count > MAX_LESSONS) {
        fprintf(stderr, "transformer-lab: too many lessons (%d > %d)\n", lesson_registry_count, MAX_LESSONS);
        return APP_EXIT_FAIL;
    }
    if (o->lesson) {
        a->lesson = lesson_find(o->lesson);
        if (a->lesson < 0) {
            fprintf(stderr, "transformer-lab: no lesson '%s'; lessons:", o->lesson);
            for (int i = 0; i < lesson_registry_count; i++)
                fprintf(stderr, " %d=%s", lesson_number(i), lesson_registry[i]->slug);
            fprintf(stderr, "\n");
            return APP_EXIT_USAGE;
        }
    }
    if (o->script) {
        int n = script_load(o->script, &a->script, err, sizeof err);
        if (n < 0) { fprintf(stderr, "transformer-lab: %s\n", err); return APP_EXIT_USAGE; }
        a->n_script = n;
    }
    if (load_models(a) != 0) return APP_EXIT_MODEL;
    return -1;
}

static int app_start_lessons(app *a)
{
    for (int i = 0; i < lesson_registry_count; i++) {
        if (lesson_registry[i]->init) {
            lesson_ctx c = make_ctx(a, &a->ui, a->lay.area, i, NULL);
            a->lstate[i] = lesson_registry[i]->init(&c);
        }
    }
    textbox_set(a->tb, a->opt.sentence ? a->opt.sentence : "the dog sees the cat");
    retranslate(a);
    goto_lesson(a, a->lesson, 0);
    return 0;
}

static void app_teardown(app *a)
{
    export_shutdown(); /* writes every queued export first */
    SDL_Event done; /* results of exports that ended after the last frame: free their messages (ASan leak) */
    while (a->ev_export && SDL_PeepEvents(&done, 1, SDL_GETEVENT, a->ev_export, a->ev_export) == 1) free(done.user.data1);
    for (int i = 0; i < lesson_registry_count && i < MAX_LESSONS; i++)
        if (lesson_registry[i]->free) lesson_registry[i]->free(a->lstate[i]);
    ui_free(&a->ui);
    trace_free(&a->tr);
    weights_model_free(&a->model);
    if (a->has_untrained) weights_model_free(&a->untrained);
    free(a->text);
    free(a->tb);
    free(a->script);
    if (a->r) SDL_DestroyRenderer(a->r);
    if (a->win) SDL_DestroyWindow(a->win);
}

/* The file of step k (of n) of lesson li in --export-all's folder dir. */
static void export_all_path(const char *dir, int li, int k, int n, char *path, size_t len)
{
    if (n > 1) snprintf(path, len, "%s/%02d-%s-step%d.png", dir, lesson_number(li), lesson_registry[li]->slug, k + 1);
    else snprintf(path, len, "%s/%02d-%s.png", dir, lesson_number(li), lesson_registry[li]->slug);
}

/* --export-all: every lesson and step to DIR, no window. Nothing is overwritten:
 * when any of the deck's names is taken in DIR, nothing is written (exit 1), so
 * a folder never holds two decks mixed; each file is then created with O_EXCL. */
static int run_export_all(app *a)
{
    char err[1200];
    const char *dir = a->opt.export_all_dir;
    if (export_mkdir_p(dir, err, sizeof err) != 0) { fprintf(stderr, "transformer-lab: %s\n", err); return APP_EXIT_FAIL; }
    int w = a->opt.export_w, h = a->opt.export_h;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGB888);
    if (!s) { fprintf(stderr, "transformer-lab: %s\n", SDL_GetError()); return APP_EXIT_FAIL; }
    a->r = SDL_CreateSoftwareRenderer(s);
    char fonts[700];
    snprintf(fonts, sizeof fonts, "%s/fonts", a->assets);
    if (!a->r || ui_init(&a->ui, a->r, fonts, a->theme, err, sizeof err) != 0) {
        fprintf(stderr, "transformer-lab: %s\n", a->r ? err : SDL_GetError());
        SDL_FreeSurface(s);
        return APP_EXIT_FAIL;
    }
    a->w = w; a->h = h;
    set_scale(a, &a->ui, w, h);
    compute_layout(a, &a->ui, w, h, &a->lay);
    app_start_lessons(a);
    int rc = APP_EXIT_OK, count = 0, taken = 0;
    char first[1400] = "", path[1400];
    for (int li = 0; li < lesson_registry_count; li++)
        for (int k = 0, n = lesson_steps(a, li); k < n; k++) {
            export_all_path(dir, li, k, n, path, sizeof path);
            struct stat st;
            if (lstat(path, &st) == 0 && taken++ == 0) snprintf(first, sizeof first, "%s", path);
        }
    if (taken) {
        fprintf(stderr,
                "transformer-lab: %s already exists%s; --export-all never overwrites a file: "
                "give a new or empty folder (nothing was written)\n",
                first, taken > 1 ? " (and more of the deck's names)" : "");
        rc = APP_EXIT_FAIL;
    }
    for (int li = 0; li < lesson_registry_count && rc == APP_EXIT_OK; li++) {
        goto_lesson(a, li, 0);
        int n = lesson_steps(a, li);
        for (int k = 0; k < n; k++) {
            a->lstep[li] = k;
            app_render(a, &a->ui, w, h, -1, -1, 1, 0);
            SDL_RenderPresent(a->r);
            export_all_path(dir, li, k, n, path, sizeof path);
            if (export_reserve_exact(path, err, sizeof err) != 0) {
                fprintf(stderr, "transformer-lab: %s\n", err);
                rc = APP_EXIT_FAIL;
                break;
            }
            if (export_save_png(s, path, err, sizeof err) != 0) {
                fprintf(stderr, "transformer-lab: %s\n", err);
                remove(path); /* no empty or partial PNG left behind */
                rc = APP_EXIT_FAIL;
                break;
            }
            count++;
        }
    }
    if (rc == APP_EXIT_OK) fprintf(stderr, "transformer-lab: wrote %d images to %s\n", count, dir);
    ui_free(&a->ui);
    SDL_DestroyRenderer(a->r);
    a->r = NULL;
    SDL_FreeSurface(s);
    return rc;
}

static int open_window(app *a)
{
    Uint32 flags = SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI | (a->opt.fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
    a->win = SDL_CreateWindow("Transformer Lab", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, a->opt.width,
                              a->opt.height, flags);
    if (!a->win) { fprintf(stderr, "transformer-lab: cannot open a window: %s\n", SDL_GetError()); return -1; }
    SDL_SetWindowMinimumSize(a->win, 640, 480);
    a->fullscreen = a->opt.fullscreen;
    a->r = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_PRESENTVSYNC);
    if (!a->r) a->r = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
    if (!a->r) { fprintf(stderr, "transformer-lab: no renderer: %s\n", SDL_GetError()); return -1; }
    char err[1200], fonts[700];
    snprintf(fonts, sizeof fonts, "%s/fonts", a->assets);
    if (ui_init(&a->ui, a->r, fonts, a->theme, err, sizeof err) != 0) {
        fprintf(stderr, "transformer-lab: %s\n", err);
        return -1;
    }
    return 0;
}

static void update_sizes(app *a)
{
    int ww, wh, pw, ph;
    SDL_GetWindowSize(a->win, &ww, &wh);
    if (SDL_GetRendererOutputSize(a->r, &pw, &ph) != 0 || pw <= 0) { pw = ww; ph = wh; }
    a->w = pw; a->h = ph;
    a->px_per_win = ww > 0 ? (float)pw / (float)ww : 1.0f;
}

static int run_window(app *a)
{
    if (open_window(a) != 0) return APP_EXIT_FAIL;
    update_sizes(a);
    set_scale(a, &a->ui, a->w, a->h);
    compute_layout(a, &a->ui, a->w, a->h, &a->lay);
    app_start_lessons(a);
    a->ev_export = SDL_RegisterEvents(1);
    a->running = 1;
    a->dirty = 1;
    SDL_StopTextInput();
    int rc = APP_EXIT_OK;
    while (a->running) {
        SDL_Event ev;
        int animating = 0;
        const lesson *les = lesson_registry[a->lesson];
        if (les->animating) {
            lesson_ctx c = make_ctx(a, &a->ui, a->lay.area, a->lesson, NULL);
            animating = les->animating(a->lstate[a->lesson], &c);
        }
        int toast_on = a->toast[0] && now_s(a) < a->toast_until;
        int timeout = (a->script || animating) ? 16 : a->tb_focus ? 500 : toast_on ? 250 : 1000;
        if (a->dirty || a->script) timeout = 0;
        if (SDL_WaitEventTimeout(&ev, timeout)) {
            do { app_event(a, &ev); } while (a->running && SDL_PollEvent(&ev));
        }
        if (!a->running) break;
        if (a->script) {
            int s = script_step(a);
            if (s >= 0) { rc = s; break; }
        }
        if (monkey_active()) { /* --monkey: random events into the queue (app/monkey.c) */
            int m = monkey_tick(a->win);
            if (m >= 0) { rc = m; break; }
            if (monkey_wants_cache_flush()) ui_cache_clear(&a->ui); /* between frames: nothing holds a cached texture */
        }
        if (a->tb_focus || animating || toast_on || (a->toast[0] && now_s(a) >= a->toast_until && a->toast_until > 0)) a->dirty = 1;
        if (a->toast[0] && now_s(a) >= a->toast_until) a->toast_until = 0;
        if (!a->dirty) continue;
        a->dirty = 0;
        update_sizes(a);
        app_render(a, &a->ui, a->w, a->h, a->mx, a->my, 1, 1);
        if (a->export_pending) { /* read back exactly what is on screen before presenting */
            a->export_pending = 0;
            SDL_Surface *s = export_read_renderer(a->r, a->w, a->h);
            export_surface_async(a, s, "");
            app_render(a, &a->ui, a->w, a->h, a->mx, a->my, 1, 1);
        }
        if (a->slide_pending) {
            a->slide_pending = 0;
            char err[1200];
            SDL_Surface *s = render_offscreen(a, a->opt.export_w, a->opt.export_h, err, sizeof err);
            if (s) export_surface_async(a, s, "-slide");
            else toast(a, 2, "Slide export failed: %s", err);
            app_render(a, &a->ui, a->w, a->h, a->mx, a->my, 1, 1);
        }
        SDL_RenderPresent(a->r);
    }
    return rc;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

int app_bench(const app_options *o, int frames, FILE *out)
{
    Uint64 start = SDL_GetPerformanceCounter();
    double freq = (double)SDL_GetPerformanceFrequency();
    if (!getenv("SDL_VIDEODRIVER")) setenv("SDL_VIDEODRIVER", "dummy", 0);
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0 || TTF_Init() != 0) {
        fprintf(stderr, "bench: SDL init failed: %s\n", SDL_GetError());
        return APP_EXIT_FAIL;
    }
    app *a = calloc(1, sizeof *a);
    if (!a) return APP_EXIT_FAIL;
    int rc = app_setup(a, o);
    if (rc >= 0) { app_teardown(a); free(a); TTF_Quit(); SDL_Quit(); return rc; }
    int w = o->export_w, h = o->export_h;
    char err[1200], fonts[700];
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGB888);
    a->r = s ? SDL_CreateSoftwareRenderer(s) : NULL;
    snprintf(fonts, sizeof fonts, "%s/fonts", a->assets);
    if (!a->r || ui_init(&a->ui, a->r, fonts, a->theme, err, sizeof err) != 0) {
        fprintf(stderr, "bench: %s\n", a->r ? err : SDL_GetError());
        return APP_EXIT_FAIL;
    }
    a->w = w; a->h = h;
    set_scale(a, &a->ui, w, h);
    compute_layout(a, &a->ui, w, h, &a->lay);
    app_start_lessons(a);
    app_render(a, &a->ui, w, h, -1, -1, 1, 1);
    SDL_RenderPresent(a->r);
    double first_ms = (double)(SDL_GetPerformanceCounter() - start) / freq * 1000.0;
    struct timespec pc;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &pc); /* CPU spent since the process began (loading included) */
    double first_cpu_ms = (double)pc.tv_sec * 1000.0 + (double)pc.tv_nsec / 1e6;
    fprintf(out, "window %dx%d, software renderer, %d frames per lesson step, mouse moving over the lesson\n", w, h, frames);
    fprintf(out, "wall = elapsed time; cpu = this thread's CPU time (what the frame costs when the machine is shared)\n");
    fprintf(out, "%-22s %4s %9s %9s %9s %9s %9s\n", "lesson", "step", "wall med", "wall p95", "wall max", "cpu med", "cpu p95");
    double *t = malloc(sizeof(double) * (size_t)(frames > 0 ? frames : 1));
    double *tc = malloc(sizeof(double) * (size_t)(frames > 0 ? frames : 1));
    double worst_p95 = 0, worst_cpu_p95 = 0;
    for (int li = 0; t && li < lesson_registry_count; li++) {
        goto_lesson(a, li, 0);
        int n = lesson_steps(a, li);
        for (int k = 0; k < n; k++) {
            a->lstep[li] = k;
            for (int f = 0; f < frames; f++) {
                SDL_Rect ar = a->lay.area;
                double u = (double)f / (double)(frames > 1 ? frames - 1 : 1);
                int mx = ar.x + (int)((0.5 + 0.48 * sin(u * 6.283 * 3.0)) * ar.w);
                int my = ar.y + (int)((0.5 + 0.48 * sin(u * 6.283 * 2.0 + 0.7)) * ar.h);
                struct timespec c0, c1;
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
                Uint64 t0 = SDL_GetPerformanceCounter();
                app_render(a, &a->ui, w, h, mx, my, 1, 1);
                SDL_RenderPresent(a->r);
                t[f] = (double)(SDL_GetPerformanceCounter() - t0) / freq * 1000.0;
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
                tc[f] = (double)(c1.tv_sec - c0.tv_sec) * 1000.0 + (double)(c1.tv_nsec - c0.tv_nsec) / 1e6;
            }
            qsort(t, (size_t)frames, sizeof t[0], cmp_double);
            qsort(tc, (size_t)frames, sizeof tc[0], cmp_double);
            int i95 = (int)(0.95 * (frames - 1));
            double med = t[frames / 2], p95 = t[i95], mx = t[frames - 1];
            if (p95 > worst_p95) worst_p95 = p95;
            if (tc[i95] > worst_cpu_p95) worst_cpu_p95 = tc[i95];
            fprintf(out, "%-22s %4d %9.2f %9.2f %9.2f %9.2f %9.2f\n", lesson_registry[li]->slug, k + 1, med, p95, mx,
                    tc[frames / 2], tc[i95]);
        }
    }
    free(t);
    free(tc);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    fprintf(out, "time to first frame: %.1f ms wall, %.1f ms cpu (SDL init, model load, translate, lessons, fonts, first render)\n",
            first_ms, first_cpu_ms);
    fprintf(out, "worst p95 frame: %.2f ms wall, %.2f ms cpu\n", worst_p95, worst_cpu_p95);
    fprintf(out, "peak memory (ru_maxrss): %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
    ui_free(&a->ui);
    SDL_DestroyRenderer(a->r);
    a->r = NULL;
    SDL_FreeSurface(s);
    app_teardown(a);
    free(a);
    TTF_Quit();
    SDL_Quit();
    return APP_EXIT_OK;
}

/* 1 when a window is wanted but there is no screen to put it on: on Linux, no X11 or
 * Wayland display and no SDL video driver chosen by the user. Headless modes
 * (--export-all, --script, --monkey) need no display. */
static int app_no_display(const app_options *o)
{
#if defined(__linux__) && !defined(__EMSCRIPTEN__)
    if (o->export_all_dir || o->script || monkey_active() || getenv("SDL_VIDEODRIVER")) return 0;
    return !getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY");
#else
    (void)o;
    return 0;
#endif
}

static void app_no_display_help(FILE *f)
{
    fputs("transformer-lab: no display: neither DISPLAY nor WAYLAND_DISPLAY is set, so there is\n"
          "no screen to open the window on (over SSH, or on a machine without a desktop).\n"
          "  - on a desktop: run it from a terminal inside the graphical session;\n"
          "  - over SSH: connect with X forwarding, ssh -X host, then run it again;\n"
          "  - a virtual screen: Xvfb :99 & then DISPLAY=:99 ./scripts/run.sh;\n"
          "  - no screen at all: export every lesson as slides, headless:\n"
          "      ./scripts/run.sh --export-all slides    (PNG files in the folder slides/)\n", f);
}

int app_run(const app_options *o)
{
    if (app_no_display(o)) {
        app_no_display_help(stderr);
        return APP_EXIT_FAIL;
    }
    if (!getenv("SDL_VIDEODRIVER") && (o->export_all_dir || (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY"))))
        setenv("SDL_VIDEODRIVER", "dummy", 0);
    app *a = calloc(1, sizeof *a);
    if (!a) return APP_EXIT_FAIL;
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        fprintf(stderr, "transformer-lab: SDL_Init failed: %s\n", SDL_GetError());
        free(a);
        return APP_EXIT_FAIL;
    }
    if (TTF_Init() != 0) {
        fprintf(stderr, "transformer-lab: TTF_Init failed: %s\n", TTF_GetError());
        SDL_Quit();
        free(a);
        return APP_EXIT_FAIL;
    }
    IMG_Init(IMG_INIT_PNG);
    int rc = app_setup(a, o);
    if (rc < 0) rc = o->export_all_dir ? run_export_all(a) : run_window(a);
    app_teardown(a);
    free(a);
    IMG_Quit();
    TTF_Quit();
    SDL_Quit();
    return rc;
}
