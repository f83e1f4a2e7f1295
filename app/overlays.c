/* overlays.c - the overlays over the whole window: the keys (F1), the example
 * sentences that fit the model's vocabulary (E) and the vocabulary (V).
 *
 * Must not: act on a click (input.c does, with the rectangles recorded here).
 */
#include <stdio.h>
#include <string.h>

#include <SDL.h>

#include "shell.h"

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
    {N_("Right, PageDown, Space"), N_("next step, then next lesson")},
    {N_("Left, PageUp, Shift+Space"), N_("previous step, then previous lesson")},
    {N_("Home / End"), N_("first / last lesson")},
    {N_("0 ... 9"), N_("lesson 0 to 9")},
    {N_("Shift+0 ... Shift+9"), N_("lesson 10 to 19")},
    {N_("/ or Tab, or click the box"), N_("edit the sentence (Esc or Enter leaves)")},
    {N_("E"), N_("example sentences")},
    {N_("V"), N_("vocabulary: every word the model knows")},
    {N_("[ and ]"), N_("previous / next layer")},
    {N_(", and ."), N_("previous / next head")},
    {N_("; and '"), N_("previous / next decoding step")},
    {N_("A"), N_("attention overlay: any map, layer, head (Tab: kind)")},
    {N_("Up / Down"), N_("select previous / next token")},
    {N_("T"), N_("dark / light theme")},
    {N_("Ctrl+B"), N_("show / hide the lesson list (it folds itself at a high zoom)")},
    {N_("P"), N_("show / hide the text panel (it follows the step)")},
    {N_("Ctrl+Up / Ctrl+Down"), N_("text panel taller / shorter; wheel scrolls it")},
    {N_("N"), N_("presenter view: the step's notes in the panel")},
    {N_("Ctrl + plus / minus / 0"), N_("zoom the figures in / out / reset (0.75 to 3)")},
    {N_("F11"), N_("fullscreen")},
    {N_("B / W"), N_("blank the screen black / white (any key returns)")},
    {N_("Ctrl+L"), N_("spotlight that follows the mouse")},
    {N_("Q"), N_("quiz: predict, then reveal (1-4 or A-D answer, Enter next)")},
    {N_("C"), N_("two sentences side by side: the same attention map, differences outlined")},
    {N_("Ctrl+Shift+L"), N_("next language, remembered (or the language button)")},
    {N_("Ctrl+S or F12"), N_("save the screen as PNG")},
    {N_("Ctrl+Shift+S"), N_("save the step as a slide (no chrome, caption)")},
    {N_("Ctrl+Shift+D"), N_("save the deck: every step as a slide, in a new folder")},
    {N_("Counting"), N_("layers, heads, steps from 1; positions and ids from 0 (as in the paper's PE)")},
    {N_("F1 or ?"), N_("this help")},
    {N_("Esc"), N_("close overlays")},
    {N_("Ctrl+Q"), N_("quit")},
};

static SDL_Rect overlay_box(ui_ctx *ui, int w, int h, int bw, int bh)
{
    (void)ui;
    if (bw > w - 40) bw = w - 40;
    if (bh > h - 40) bh = h - 40;
    return (SDL_Rect){(w - bw) / 2, (h - bh) / 2, bw, bh};
}

int app_examples(const app *a, const char **ok, int max)
{
    int n = 0;
    for (size_t i = 0; i < sizeof example_sentences / sizeof example_sentences[0] && n < max; i++) {
        tok_token toks[64];
        int tot = 0, unk = 0, k = tok_tokenize(&a->model.vocab, example_sentences[i], toks, 64, &tot);
        for (int j = 0; j < k; j++) unk |= toks[j].is_unk;
        if (!unk) ok[n++] = example_sentences[i];
    }
    return n;
}

/* Keeps where item id was drawn, for the click (record: the interactive frame). */
static void overlay_record(app *a, int record, SDL_Rect r, int id)
{
    if (!record || a->n_overlay_rects >= 256) return;
    a->overlay_rects[a->n_overlay_rects] = r;
    a->overlay_ids[a->n_overlay_rects] = id;
    a->n_overlay_rects++;
}

/* The help's height at ui's scale: its lines, and those the lesson's own keys take wrapped (*klines). */
static int help_height(ui_ctx *ui, int w, const char *line, int *klines)
{
    int n = (int)(sizeof help_lines / sizeof help_lines[0]), pad = ui_px(ui, 18), lh = ui_line_height(ui, UI_SANS, UI_SIZE_BODY);
    *klines = 0;
    if (line[0]) {
        int lw = 0, bw = ui_px(ui, 900);
        if (bw > w - 40) bw = w - 40;
        ui_text_size(ui, UI_BOLD, UI_SIZE_BODY, line, &lw, NULL);
        *klines = lw / (bw - 2 * pad > 1 ? (bw - 2 * pad) * 9 / 10 : 1) + 1;
    }
    return pad * 3 + lh * (n + 2 + (*klines > 2 ? *klines : 2));
}

/* The keys; at a high zoom on a small screen the whole help is drawn smaller, so that every line shows. */
static void draw_help(app *a, ui_ctx *ui, int w, int h)
{
    const ui_theme *t = ui->theme;
    int n = (int)(sizeof help_lines / sizeof help_lines[0]);
    const char *lk = lesson_registry[a->lesson]->keys;
    char line[600] = "";
    int klines = 0; /* lines the lesson's own keys take, wrapped */
    if (lk && *lk) snprintf(line, sizeof line, _("This lesson (%s): %s"), _(lesson_registry[a->lesson]->title), _(lk));
    float scale = ui->scale;
    for (int tries = 0, need; tries < 4 && (need = help_height(ui, w, line, &klines)) > h - 40; tries++)
        ui->scale *= (float)(h - 40) / (float)need;
    int pad = ui_px(ui, 18), lh = ui_line_height(ui, UI_SANS, UI_SIZE_BODY);
    SDL_Rect b = overlay_box(ui, w, h, ui_px(ui, 900), help_height(ui, w, line, &klines));
    ui_panel(ui, b);
    ui_text(ui, UI_BOLD, UI_SIZE_LARGE, b.x + pad, b.y + pad, t->text, UI_LEFT, _("Keys"));
    ui_text(ui, UI_SANS, UI_SIZE_SMALL, b.x + b.w - pad, b.y + pad, t->text_dim, UI_RIGHT, _("Esc closes"));
    int col = b.x + pad + b.w * 4 / 10;
    for (int i = 0; i < n; i++) {
        int y = b.y + pad + lh * 2 + i * lh;
        ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, b.x + pad, y, col - b.x - 2 * pad, t->accent, UI_LEFT, _(help_lines[i][0]));
        ui_text_fit(ui, UI_SANS, UI_SIZE_BODY, col, y, b.x + b.w - pad - col, t->text, UI_LEFT, _(help_lines[i][1]));
    }
    if (klines)
        ui_text_wrap(ui, UI_BOLD, UI_SIZE_BODY, (SDL_Rect){b.x + pad, b.y + pad + lh * 2 + n * lh, b.w - 2 * pad, (klines + 1) * lh}, 0,
                     t->warn, line);
    ui->scale = scale;
}

/* The Examples dialog: one row per example that fits the vocabulary, its number, then the sentence wrapped
 * in the dialog's width (the long one takes several lines). */
static void draw_examples(app *a, ui_ctx *ui, int w, int h, int pad, int lh, int record)
{
    const ui_theme *t = ui->theme;
    const char *ok[32];
    int n = app_examples(a, ok, 32), in = ui_px(ui, 6), num_w = 0, hs[32], total = 0;
    ui_text_size(ui, UI_SANS, UI_SIZE_BODY, "00", &num_w, NULL);
    SDL_Rect b = overlay_box(ui, w, h, ui_px(ui, 760), h);
    int tx = b.x + pad + in + num_w + in, tw = b.x + b.w - pad - in - tx; /* the sentences' column */
    for (int i = 0; i < n; i++) {
        hs[i] = ui_text_wrap(ui, UI_SANS, UI_SIZE_BODY, (SDL_Rect){tx, 0, tw, 0}, 0, t->text, ok[i]) + ui_px(ui, 6);
        total += hs[i] + ui_px(ui, 4);
    }
    b = overlay_box(ui, w, h, ui_px(ui, 760), 2 * pad + 2 * lh + (n ? total : 2 * lh));
    ui_panel(ui, b);
    ui_text(ui, UI_BOLD, UI_SIZE_LARGE, b.x + pad, b.y + pad, t->text, UI_LEFT, _("Example sentences"));
    ui_text(ui, UI_SANS, UI_SIZE_SMALL, b.x + b.w - pad, b.y + pad, t->text_dim, UI_RIGHT, _("click or press 1-9; Esc closes"));
    if (!n)
        ui_text_wrap(ui, UI_SANS, UI_SIZE_BODY, (SDL_Rect){b.x + pad, b.y + pad + 2 * lh, b.w - 2 * pad, 2 * lh}, 0, t->warn,
                     _("None of the built-in examples fits this model's vocabulary: press V to see its words."));
    for (int i = 0, y = b.y + pad + lh * 2; i < n; y += hs[i] + ui_px(ui, 4), i++) {
        SDL_Rect r = {b.x + pad, y, b.w - 2 * pad, hs[i]};
        int hot = ui_mouse_in(ui, r);
        if (hot) ui_fill(ui, r, t->panel_alt);
        ui_text_bg(ui, hot ? &t->panel_alt : &t->panel);
        char num[8];
        snprintf(num, sizeof num, "%d", i + 1);
        ui_text(ui, UI_SANS, UI_SIZE_BODY, r.x + in, r.y + ui_px(ui, 3), t->text_dim, UI_LEFT, num);
        ui_text_wrap(ui, UI_SANS, UI_SIZE_BODY, (SDL_Rect){tx, r.y + ui_px(ui, 3), tw, hs[i]}, 0, t->text, ok[i]);
        overlay_record(a, record, r, i);
    }
}

static void draw_vocab(app *a, ui_ctx *ui, int w, int h, int pad, int record)
{
    const ui_theme *t = ui->theme;
    const tok_vocab *v = &a->model.vocab;
    int colw = ui_px(ui, 150), rowh = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL) + ui_px(ui, 4);
    SDL_Rect b = overlay_box(ui, w, h, w - ui_px(ui, 80), h - ui_px(ui, 80));
    ui_panel(ui, b);
    char title[128];
    snprintf(title, sizeof title, _("Vocabulary: %d words (ids 0-3 are special)"), v->size);
    ui_text(ui, UI_BOLD, UI_SIZE_LARGE, b.x + pad, b.y + pad, t->text, UI_LEFT, title);
    ui_text(ui, UI_SANS, UI_SIZE_SMALL, b.x + b.w - pad, b.y + pad, t->text_dim, UI_RIGHT, _("click a word to add it; Esc closes"));
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
        overlay_record(a, record, r, i);
    }
}

void app_draw_overlay(app *a, ui_ctx *ui, int w, int h, int record)
{
    const ui_theme *t = ui->theme;
    if (a->overlay == OVERLAY_NONE) return;
    ui_fill(ui, (SDL_Rect){0, 0, w, h}, ui_alpha(t->bg, 200));
    int pad = ui_px(ui, 18);
    int lh = ui_line_height(ui, UI_SANS, UI_SIZE_BODY);
    if (record) a->n_overlay_rects = 0;
    ui_text_bg(ui, &t->panel);
    if (a->overlay == OVERLAY_HELP) draw_help(a, ui, w, h);
    else if (a->overlay == OVERLAY_EXAMPLES) draw_examples(a, ui, w, h, pad, lh, record);
    else if (a->overlay == OVERLAY_VOCAB) draw_vocab(a, ui, w, h, pad, record);
}
