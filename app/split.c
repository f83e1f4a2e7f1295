/* split.c - the split view (key C, issue 17 item 4): a second sentence run
 * through the same model (a what-if run of lessons/common/whatif.c, so no second
 * copy of the model code) and shown beside the live one as the same attention
 * map (the lesson's kind of attention, the shared layer and head), the cells
 * that differ outlined and the translation words that differ marked
 * (lessons/common/compare.c draws it). The second sentence is typed into its
 * own box (click it); by default it is the first with its first and last
 * nouns swapped ("the dog sees the cat" -> "the cat sees the dog").
 *
 * Why not each lesson's own figure twice: the lessons are laid out for the
 * whole area (960 logical px at least), their state and caches belong to the
 * live trace, and half a screen would cut their labels; one attention map per
 * side keeps both halves readable at 1280x800 and says exactly what differs.
 *
 * Must not: do model math (whatif.c runs the model), or draw into slides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "attn_view.h"
#include "json.h"
#include "shell.h"

/* The attention each lesson is about (by slug); the others show the encoder's self-attention. */
static const struct { const char *slug; int kind; } lesson_kinds[] = {
    {"decoder-input", ATTN_DEC_SELF}, {"masked-attention", ATTN_DEC_SELF}, {"cross-attention", ATTN_CROSS},
    {"output", ATTN_CROSS}, {"together", ATTN_CROSS}, {"beam", ATTN_CROSS},
};

int app_split_kind(const app *a)
{
    for (size_t i = 0; i < sizeof lesson_kinds / sizeof lesson_kinds[0]; i++)
        if (strcmp(lesson_registry[a->lesson]->slug, lesson_kinds[i].slug) == 0) return lesson_kinds[i].kind;
    return ATTN_ENC_SELF;
}

/* The default second sentence: the first with the words after its first and last article swapped. */
static void default_second(const char *s, char *dst, size_t n)
{
    char w[64][TOK_WORD_MAX];
    int nw = 0, first = -1, last = -1;
    char buf[TEXTBOX_CAP];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *p = strtok(buf, " "); p && nw < 64; p = strtok(NULL, " ")) snprintf(w[nw++], sizeof w[0], "%s", p);
    for (int i = 1; i < nw; i++)
        if (!strcmp(w[i - 1], "the") || !strcmp(w[i - 1], "a")) { if (first < 0) first = i; last = i; }
    if (first < 0 || last == first || !strcmp(w[first], w[last])) { snprintf(dst, n, "the cat sees the dog"); return; }
    size_t at = 0;
    dst[0] = 0;
    for (int i = 0; i < nw && at < n; i++)
        at += (size_t)snprintf(dst + at, n - at, "%s%s", i ? " " : "", w[i == first ? last : i == last ? first : i]);
}

void app_split_run(app *a)
{
    app_split *z = &a->split;
    if (!z->on) return;
    const trace *t2 = whatif_translate(z->w, &a->model.params, &a->model.vocab, z->tb->text, NULL, z->err, sizeof z->err);
    z->ok = t2 != NULL;
    if (z->ok) z->err[0] = 0;
    a->dirty = 1;
}

void app_split_toggle(app *a)
{
    app_split *z = &a->split;
    z->on = !z->on;
    z->focus = 0;
    if (z->on && !z->w) z->w = whatif_new(&a->model.params.cfg);
    if (z->on && !z->tb) z->tb = calloc(1, sizeof *z->tb);
    if (z->on && (!z->w || !z->tb)) { z->on = 0; app_toast(a, 2, "%s", _("Out of memory for the second sentence")); return; }
    if (z->on && !z->tb->text[0]) {
        char s[TEXTBOX_CAP];
        default_second(a->tb->text, s, sizeof s);
        textbox_set(z->tb, s);
    }
    app_split_run(a);
    a->dirty = 1;
}

void app_split_free(app *a)
{
    whatif_free(a->split.w);
    free(a->split.tb);
    lesson_scratch_free(&a->split.scratch);
    memset(&a->split, 0, sizeof a->split);
}

void app_draw_split(app *a, ui_ctx *ui, SDL_Rect area, int record)
{
    app_split *z = &a->split;
    const trace *t2 = z->ok ? whatif_trace(z->w) : NULL;
    if (!t2) {
        ui_text_wrap(ui, UI_SANS, UI_SIZE_BODY, area, 0, ui->theme->error, z->err[0] ? z->err : _("no trace"));
        return;
    }
    const trace *trs[2] = {&a->tr, t2};
    SDL_Rect box;
    compare_out out;
    compare_draw(ui, area, trs, &a->model.vocab, app_split_kind(a), &a->sel, &z->scratch, z->focus, &box, &out);
    if (record) { z->box = box; z->out = out; }
}

void app_split_dump(app *a, FILE *f)
{
    app_split *z = &a->split;
    const trace *t2 = z->on && z->ok ? whatif_trace(z->w) : NULL;
    char text[1024] = "";
    if (t2) trace_output_text(t2, &a->model.vocab, text, sizeof text);
    fprintf(f, "  \"split\": {\"on\": %d, \"focus\": %d, \"sentence\": ", z->on, z->focus);
    json_write_string(f, z->tb ? z->tb->text : "");
    fprintf(f, ", \"translation\": ");
    json_write_string(f, text);
    fprintf(f, ", \"error\": ");
    json_write_string(f, z->err);
    int rows = 0, cols = 0, diff = 0, words = 0;
    if (t2 && a->trace_ok) {
        const compare_out *o = &z->out; /* the last frame's: what the class sees */
        int kind = o->kind, layer = o->layer, head = o->head;
        diff = compare_diff_cells(&a->tr, t2, kind, layer, head, COMPARE_THRESHOLD, &rows, &cols);
        words = compare_words_differ(&a->tr, t2);
        fprintf(f, ", \"kind\": \"%s\", \"layer\": %d, \"head\": %d", attn_kind_slug(kind), layer, head);
    }
    fprintf(f, ", \"rows\": %d, \"cols\": %d, \"diff_cells\": %d, \"words_differ\": %d, \"box\": [%d, %d, %d, %d]},\n", rows,
            cols, diff, words, z->box.x, z->box.y, z->box.w, z->box.h);
}
