/* lesson_tokens.c - lesson 1, "Tokens": the sentence becomes words, the words
 * become vocabulary ids, <eos> closes the encoder's input, <bos> opens the
 * decoder's, unknown words become <unk>, words past the length limit are cut,
 * and <pad> fills a batch up to the same length.
 *
 * Everything shown comes from the trace (src_tokens, src_ids, tgt_ids,
 * out_ids, truncated, n_words_total). The only extra work is re-splitting the
 * typed text (the tokenizer, no model math) to name the words that were cut.
 *
 * Must not: change the trace, run the model, or draw outside ctx->area.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"

typedef struct {
    tok_token *all;          /* [cap] every word of the typed text (for the cut ones) */
    int n_all, cap;
} tokens_state;

static void tokens_changed(void *st, const lesson_ctx *ctx)
{
    tokens_state *s = st;
    const char *text = ctx->tr->sentence ? ctx->tr->sentence : "";
    int total = 0;
    s->n_all = tok_tokenize(ctx->vocab, text, s->all, s->cap, &total);
    if (total > s->cap) { /* room for every word, then again */
        tok_token *all = realloc(s->all, sizeof *all * (size_t)total);
        if (!all) return; /* out of memory: the words that fitted */
        s->all = all;
        s->cap = total;
        s->n_all = tok_tokenize(ctx->vocab, text, s->all, s->cap, &total);
    }
}

static void tokens_free(void *st) { free(((tokens_state *)st)->all); }

/* A row of chips that wraps; returns the y below it. */
typedef struct {
    const lesson_ctx *ctx;
    int x0, x, y, right, row_h;
    float size;
    int dry;                 /* 1: measure only, draw nothing */
} flow;

static SDL_Rect flow_chip(flow *f, const char *text, const char *sub, ui_chip_kind kind, int selected)
{
    ui_ctx *ui = f->ctx->ui;
    int w = ui_chip_width(ui, f->size, text, sub);
    int gap = ui_px(ui, 6);
    if (f->x + w > f->right && f->x > f->x0) {
        f->x = f->x0;
        f->y += f->row_h + gap;
    }
    SDL_Rect r;
    if (f->dry) {
        int pad = ui_px(ui, f->size * 0.35f);
        r = (SDL_Rect){f->x, f->y, w, ui_line_height(ui, UI_BOLD, f->size) + (sub ? ui_line_height(ui, UI_MONO, f->size * 0.75f) : 0) + 2 * pad};
    } else {
        r = ui_chip(ui, f->size, f->x, f->y, text, sub, kind, selected);
    }
    f->row_h = r.h;
    f->x += w + gap;
    return r;
}

static int section_title(const lesson_ctx *ctx, int x, int y, const char *title, const char *note, int dry)
{
    ui_ctx *ui = ctx->ui;
    if (dry) return y + ui_line_height(ui, UI_BOLD, UI_SIZE_BODY) + ui_px(ui, 4);
    int w = ui_text(ui, UI_BOLD, UI_SIZE_BODY, x, y, ui->theme->text, UI_LEFT, title);
    if (note) ui_text(ui, UI_SANS, UI_SIZE_SMALL, x + w + ui_px(ui, 12), y + ui_px(ui, 3), ui->theme->text_dim, UI_LEFT, note);
    return y + ui_line_height(ui, UI_BOLD, UI_SIZE_BODY) + ui_px(ui, 4);
}

/* Section 1: the words as typed (lower-cased), the cut ones muted, and the note
 * when the sentence was too long; returns the y below. */
static int pass_words(const tokens_state *s, const lesson_ctx *ctx, flow *f, int y)
{
    ui_ctx *ui = ctx->ui;
    const trace *tr = ctx->tr;
    SDL_Rect a = ctx->area;
    int pad = ui_px(ui, 6), gap = ui_px(ui, 14), dry = f->dry, L = tr->cfg.max_len;
    char note[200];
    snprintf(note, sizeof note, _("split on spaces, punctuation apart, lower-cased: %d word%s"), tr->n_words_total,
             tr->n_words_total == 1 ? "" : "s");
    y = section_title(ctx, a.x, y, _("1  Words"), note, dry);
    f->y = y;
    int n_all = s ? s->n_all : tr->n_words;
    for (int i = 0; i < n_all; i++) {
        const tok_token *k = s ? &s->all[i] : &tr->src_tokens[i];
        int cut = i >= tr->n_words;
        SDL_Rect r = flow_chip(f, k->text, cut ? _("cut") : NULL, cut ? UI_CHIP_MUTED : UI_CHIP_WORD, 0);
        if (!dry && ui_mouse_in(ui, r))
            ui_hover_text(ui, r, cut ? _("word %d \xE2\x80\x9C%s\xE2\x80\x9D was cut: only %d words fit in L = %d tokens")
                                     : _("word %d \xE2\x80\x9C%s\xE2\x80\x9D"), i, k->text, tr->n_words, L);
    }
    if (n_all == 0 && !dry) ui_text(ui, UI_SANS, UI_SIZE_BODY, a.x, f->y, ui->theme->text_dim, UI_LEFT, _("(no words: type a sentence)"));
    y = f->y + (f->row_h ? f->row_h : ui_line_height(ui, UI_SANS, UI_SIZE_BODY)) + gap;
    if (tr->truncated) {
        snprintf(note, sizeof note, _("Too long: a sequence holds at most L = %d tokens, so %d words + <eos> fit; "
                                    "%d word%s cut (never silently)."), L, L - 1, tr->n_words_total - tr->n_words,
                 tr->n_words_total - tr->n_words == 1 ? " was" : "s were");
        if (!dry) ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, a.x, y - gap / 2, a.w, ui->theme->error, UI_LEFT, note);
        y += ui_line_height(ui, UI_SANS, UI_SIZE_SMALL) + pad;
    }
    return y;
}

/* Section 2: the encoder's input ids (unknown words shown as typed → <unk>). */
static int pass_encoder(const lesson_ctx *ctx, flow *f, int y)
{
    ui_ctx *ui = ctx->ui;
    const trace *tr = ctx->tr;
    const tok_vocab *v = ctx->vocab;
    int gap = ui_px(ui, 14), dry = f->dry;
    char sub[48], note[200], lab[96];
    snprintf(note, sizeof note, _("words then <eos>:  ids : [S] = [%d]"), tr->n_src);
    y = section_title(ctx, ctx->area.x, y, _("2  Encoder input"), note, dry);
    f->x = ctx->area.x; f->y = y; f->row_h = 0;
    for (int i = 0; i < tr->n_src; i++) {
        int id = tr->src_ids[i];
        int is_word = i < tr->n_words;
        int unk = is_word && tr->src_tokens[i].is_unk;
        const char *w = tok_vocab_word(v, id);
        snprintf(sub, sizeof sub, _("id %d"), id);
        if (unk) {
            snprintf(lab, sizeof lab, _("%s\xE2\x86\x92<unk>"), tr->src_tokens[i].text);
            w = lab;
        }
        ui_chip_kind kind = unk ? UI_CHIP_UNK : (id < 4 ? UI_CHIP_SPECIAL : UI_CHIP_WORD);
        SDL_Rect r = flow_chip(f, w, sub, kind, ctx->sel->token == i);
        if (!dry && ui_mouse_in(ui, r)) {
            if (unk)
                ui_hover_value(ui, r, id, _("position %d: \xE2\x80\x9C%s\xE2\x80\x9D is not in the vocabulary, so it becomes <unk>, id"),
                               i, tr->src_tokens[i].text);
            else
                ui_hover_value(ui, r, id, _("position %d: \xE2\x80\x9C%s\xE2\x80\x9D id"), i, tok_vocab_word(v, id));
        }
    }
    return f->y + f->row_h + gap;
}

/* One row of id chips: the decoder's input (predicted = 0) or what it predicts at each position. */
static void id_row(const lesson_ctx *ctx, flow *f, int predicted)
{
    const trace *tr = ctx->tr;
    const tok_vocab *v = ctx->vocab;
    char sub[48];
    for (int i = 0; i < tr->n_tgt; i++) {
        int id = !predicted ? tr->tgt_ids[i] : i < tr->n_out ? tr->out_ids[i] : TOK_EOS;
        if (predicted && i >= tr->n_out && !tr->finished) break;
        snprintf(sub, sizeof sub, _("id %d"), id);
        SDL_Rect r = flow_chip(f, tok_vocab_word(v, id), sub, id < 4 ? UI_CHIP_SPECIAL : UI_CHIP_WORD, 0);
        if (!f->dry && ui_mouse_in(ctx->ui, r))
            ui_hover_value(ctx->ui, r, id, predicted ? _("predicted at position %d: \xE2\x80\x9C%s\xE2\x80\x9D id")
                                                     : _("decoder position %d: \xE2\x80\x9C%s\xE2\x80\x9D id"), i, tok_vocab_word(v, id));
    }
}

/* Section 3: the decoder's input and output. */
static int pass_decoder(const lesson_ctx *ctx, flow *f, int y)
{
    ui_ctx *ui = ctx->ui;
    const trace *tr = ctx->tr;
    SDL_Rect a = ctx->area;
    int pad = ui_px(ui, 6), gap = ui_px(ui, 14);
    char note[200];
    snprintf(note, sizeof note, _("<bos> then the words produced so far:  [T] = [%d]"), tr->n_tgt);
    y = section_title(ctx, a.x, y, _("3  Decoder input"), note, f->dry);
    f->x = a.x; f->y = y; f->row_h = 0;
    id_row(ctx, f, 0);
    y = f->y + f->row_h + pad;
    snprintf(note, sizeof note, _("what the decoder predicts at each position (its input shifted left, then <eos>)%s"),
             tr->finished ? "" : _("; stopped at L without <eos>"));
    if (!f->dry) ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, a.x, y, a.w, ui->theme->text_dim, UI_LEFT, note);
    y += ui_line_height(ui, UI_SANS, UI_SIZE_SMALL) + pad / 2;
    f->x = a.x; f->y = y; f->row_h = 0;
    id_row(ctx, f, 1);
    return f->y + f->row_h + gap;
}

/* Section 4 (drawn only, when there is room): the sentence padded up to L. */
static int pass_padding(const lesson_ctx *ctx, flow *f, int y)
{
    ui_ctx *ui = ctx->ui;
    const trace *tr = ctx->tr;
    int gap = ui_px(ui, 14), L = tr->cfg.max_len;
    char lab[96];
    y = section_title(ctx, ctx->area.x, y, _("4  Padding"), _("a batch of sentences is filled up to one length with <pad> (id 0); a mask hides them"), 0);
    f->x = ctx->area.x; f->y = y; f->row_h = 0;
    f->size = UI_SIZE_SMALL;
    int n_pad = L - tr->n_src, shown = n_pad < 6 ? n_pad : 6;
    for (int i = 0; i < tr->n_src && i < 3; i++) flow_chip(f, tok_vocab_word(ctx->vocab, tr->src_ids[i]), NULL, UI_CHIP_MUTED, 0);
    if (tr->n_src > 3) flow_chip(f, "\xE2\x80\xA6", NULL, UI_CHIP_MUTED, 0);
    for (int i = 0; i < shown; i++) {
        SDL_Rect r = flow_chip(f, _("<pad>"), _("id 0"), UI_CHIP_SPECIAL, 0);
        if (ui_mouse_in(ui, r)) ui_hover_value(ui, r, 0, _("padding up to L = %d (%d pads for this sentence): id"), L, n_pad);
    }
    if (n_pad > shown) {
        snprintf(lab, sizeof lab, "\xC3\x97%d", n_pad);
        flow_chip(f, lab, _("pads"), UI_CHIP_MUTED, 0);
    }
    return f->y + f->row_h + gap;
}

/* Lays out (dry = 1) or draws the lesson with chips of this size; returns the bottom y. */
static int tokens_pass(const void *st, const lesson_ctx *ctx, float size, int dry)
{
    ui_ctx *ui = ctx->ui;
    const trace *tr = ctx->tr;
    SDL_Rect a = ctx->area;
    int pad = ui_px(ui, 6);
    flow f = {ctx, a.x, a.x, 0, a.x + a.w - pad, 0, size, dry};
    ui_text_bg(ui, &ui->theme->bg); /* text on the plain background: composed once, copied fast */
    int y = pass_words(st, ctx, &f, a.y + pad);
    y = pass_encoder(ctx, &f, y);
    y = pass_decoder(ctx, &f, y);
    if (!dry && y + ui_line_height(ui, UI_BOLD, UI_SIZE_BODY) * 3 < a.y + a.h) y = pass_padding(ctx, &f, y);
    /* footer: the sizes */
    char note[200];
    snprintf(note, sizeof note, _("vocabulary V = %d words (0 <pad>, 1 <bos>, 2 <eos>, 3 <unk>)   \xC2\xB7   L = %d tokens per sequence   "
                                "\xC2\xB7   %d unknown"), ctx->vocab->size, tr->cfg.max_len, tr->n_unk);
    if (!dry && y < a.y + a.h - ui_line_height(ui, UI_SANS, UI_SIZE_SMALL))
        ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, a.x, a.y + a.h - ui_line_height(ui, UI_SANS, UI_SIZE_SMALL), a.w, ui->theme->text_dim, UI_LEFT, note);
    return y;
}

static void tokens_draw(const void *st, const lesson_ctx *ctx)
{
    /* the biggest chips with which the first three sections fit */
    static const float sizes[] = {UI_SIZE_BODY, 17.0f, UI_SIZE_SMALL, 13.0f, 11.0f};
    int n = (int)(sizeof sizes / sizeof sizes[0]);
    int bottom = ctx->area.y + ctx->area.h;
    for (int i = 0; i < n; i++)
        if (i == n - 1 || tokens_pass(st, ctx, sizes[i], 1) <= bottom) {
            tokens_pass(st, ctx, sizes[i], 0);
            return;
        }
}

static int tokens_dump(const void *st, const lesson_ctx *ctx, char *dst, size_t n)
{
    const tokens_state *s = st;
    return snprintf(dst, n, "{\"words_total\": %d, \"words_kept\": %d, \"words_split\": %d}", ctx->tr->n_words_total,
                    ctx->tr->n_words, s ? s->n_all : -1);
}

const lesson lesson_tokens = {
    .slug = "tokens", .title = N_("Tokens"),
    .keys = N_("no keys of its own: type in the sentence box and watch the tokens"),
    .state_size = sizeof(tokens_state), .free = tokens_free,
    .on_trace_changed = tokens_changed, .draw = tokens_draw, .dump_json = tokens_dump,
};
