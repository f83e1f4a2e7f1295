/* quizmode.c - the quiz mode (key Q, issue 17 item 3): "predict, then reveal".
 * A card over the lesson's figure (so the figure does not give the answer away)
 * asks a question about the live run of the sentence, made by
 * lessons/common/quiz.c from the trace: which source word a decoding step
 * attends to (lesson 12), which word comes next (13, 14, 15), which row sums to
 * 1 (5, 6, 11), the shape of Q·Kᵀ (4); the other lessons take the four kinds in
 * turn. The class answers with 1-4, A-D or a click; the card then marks the
 * right choice, says what the model computed, and keeps a running score. Enter
 * asks the next question; a new sentence or another lesson asks a new one.
 *
 * Must not: do model math (quiz.c reads the trace), or draw into exports.
 */
#include <stdio.h>
#include <string.h>

#include <SDL.h>

#include "attn_view.h"
#include "json.h"
#include "shell.h"

/* The kind of question each lesson asks (by slug); the others take the kinds in turn. */
static const struct { const char *slug; int kind; } lesson_kinds[] = {
    {"cross-attention", QUIZ_ATTEND}, {"output", QUIZ_NEXT}, {"beam", QUIZ_NEXT}, {"decoder-input", QUIZ_NEXT},
    {"together", QUIZ_NEXT}, {"attention", QUIZ_ROWSUM}, {"multi-head", QUIZ_ROWSUM},
    {"masked-attention", QUIZ_ROWSUM}, {"qkv", QUIZ_SHAPE},
};
static const char *const kind_slugs[QUIZ_N_KINDS] = {"attend", "next", "rowsum", "shape"};
static const char *const row_roles[] = {
    [QUIZ_ROW_WEIGHTS] = N_("a row of the softmax weights"),
    [QUIZ_ROW_SCALED] = N_("a row of the scaled scores Q\xC2\xB7K\xE1\xB5\x80/\xE2\x88\x9A" "d_k"),
    [QUIZ_ROW_SCORES] = N_("a row of the raw scores Q\xC2\xB7K\xE1\xB5\x80"),
    [QUIZ_ROW_COLUMN] = N_("a column of the softmax weights"),
};

static uint64_t text_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

void app_quiz_next(app *a)
{
    app_quiz *z = &a->quiz;
    z->have = 0;
    z->chosen = -1;
    if (!z->on || !a->trace_ok) return;
    int pref = -1, layer = 0, head = 0;
    float score;
    for (size_t i = 0; i < sizeof lesson_kinds / sizeof lesson_kinds[0]; i++)
        if (strcmp(lesson_registry[a->lesson]->slug, lesson_kinds[i].slug) == 0) pref = lesson_kinds[i].kind;
    if (pref < 0) pref = z->asked % QUIZ_N_KINDS;
    attn_view_best_head(&a->tr, ATTN_CROSS, &layer, &head, &score);
    uint64_t seed = text_hash(a->tr.sentence ? a->tr.sentence : "") + (uint64_t)z->asked;
    for (int k = 0; k < QUIZ_N_KINDS && !z->have; k++)
        z->have = quiz_make(&a->tr, &a->model.vocab, (pref + k) % QUIZ_N_KINDS, seed, layer, head, &z->q) == 0;
    z->asked++;
    a->dirty = 1;
}

void app_quiz_toggle(app *a)
{
    a->quiz.on = !a->quiz.on;
    if (a->quiz.on) app_quiz_next(a);
    a->dirty = 1;
}

static void answer(app *a, int choice)
{
    app_quiz *z = &a->quiz;
    if (!z->have || z->chosen >= 0 || choice < 0 || choice >= z->q.n_choices) return;
    z->chosen = choice;
    z->answered++;
    z->right += quiz_is_right(&z->q, choice);
    a->dirty = 1;
}

int app_quiz_event(app *a, const SDL_Event *ev)
{
    app_quiz *z = &a->quiz;
    if (!z->on || a->tb_focus || a->split.focus || a->overlay != OVERLAY_NONE || a->attn.open || a->blank) return 0;
    if (ev->type == SDL_KEYDOWN) {
        SDL_Keycode k = ev->key.keysym.sym;
        if (ev->key.keysym.mod & (KMOD_CTRL | KMOD_GUI | KMOD_ALT)) return 0;
        if (k >= SDLK_1 && k <= SDLK_4) { answer(a, (int)(k - SDLK_1)); return 1; }
        if (k >= SDLK_KP_1 && k <= SDLK_KP_4) { answer(a, (int)(k - SDLK_KP_1)); return 1; }
        if (k >= SDLK_a && k <= SDLK_d) { answer(a, (int)(k - SDLK_a)); return 1; }
        if (k == SDLK_RETURN || k == SDLK_KP_ENTER) { app_quiz_next(a); return 1; }
        if (k == SDLK_q) { app_quiz_toggle(a); return 1; }
        return 0;
    }
    if (ev->type == SDL_MOUSEBUTTONDOWN || ev->type == SDL_MOUSEBUTTONUP || ev->type == SDL_MOUSEMOTION ||
        ev->type == SDL_MOUSEWHEEL) {
        int x = ev->type == SDL_MOUSEMOTION ? ev->motion.x : ev->button.x, y = ev->type == SDL_MOUSEMOTION ? ev->motion.y : ev->button.y;
        if (ev->type == SDL_MOUSEWHEEL) { x = a->mx; y = a->my; }
        if (!ui_point_in(z->card, x, y)) return 0;
        if (ev->type == SDL_MOUSEBUTTONDOWN && ev->button.button == SDL_BUTTON_LEFT) {
            for (int i = 0; i < z->q.n_choices; i++)
                if (ui_point_in(z->choice_rect[i], x, y)) answer(a, i);
            if (ui_point_in(z->next_rect, x, y)) app_quiz_next(a);
        }
        a->dirty = 1;
        return 1; /* the card covers the lesson: nothing under it reacts */
    }
    return 0;
}

/* The question in words, into dst. */
static void prompt_text(const app *a, char *dst, size_t n)
{
    const quiz_question *q = &a->quiz.q;
    const tok_vocab *v = &a->model.vocab;
    char read[600] = "";
    size_t at = 0;
    switch (q->kind) {
    case QUIZ_ATTEND:
        snprintf(dst, n, _("Decoding step %d produces \xE2\x80\x9C%s\xE2\x80\x9D. Which English word does cross-attention "
                           "(layer %d, head %d: the clearest head) look at most?"),
                 q->row + 1, tok_vocab_word(v, q->word_id), q->layer + 1, q->head + 1);
        break;
    case QUIZ_NEXT:
        for (int i = 0; i <= q->row && i < a->tr.n_tgt && at < sizeof read; i++)
            at += (size_t)snprintf(read + at, sizeof read - at, "%s%s", i ? " " : "", tok_vocab_word(v, a->tr.tgt_ids[i]));
        snprintf(dst, n, _("The decoder has read \xE2\x80\x9C%s\xE2\x80\x9D. Which word will the model output next?"), read);
        break;
    case QUIZ_ROWSUM:
        snprintf(dst, n, _("%s, layer %d, head %d, the row of \xE2\x80\x9C%s\xE2\x80\x9D: which of these sums to 1?"),
                 attn_kind_name(q->attn_kind), q->layer + 1, q->head + 1, tok_vocab_word(v, q->word_id));
        break;
    default:
        snprintf(dst, n, _("%s, layer %d, head %d. The source has S = %d tokens (with <eos>), the decoder T = %d rows, "
                           "d_k = %d. What shape is Q\xC2\xB7K\xE1\xB5\x80?"),
                 attn_kind_name(q->attn_kind), q->layer + 1, q->head + 1, q->S, q->T, q->dk);
        break;
    }
}

/* What the model computed, said after the answer, into dst. */
static void reveal_text(const app *a, char *dst, size_t n)
{
    const quiz_question *q = &a->quiz.q;
    const quiz_choice *c = &q->choice[q->answer];
    char num[32];
    ui_fmt(c->value, 2, num, sizeof num);
    int nq = q->attn_kind == ATTN_ENC_SELF ? q->S : q->T, nk = q->attn_kind == ATTN_DEC_SELF ? q->T : q->S;
    switch (q->kind) {
    case QUIZ_ATTEND:
        snprintf(dst, n, _("The model puts %s of the weight on \xE2\x80\x9C%s\xE2\x80\x9D (lesson 12 shows the whole map)."), num, c->text);
        break;
    case QUIZ_NEXT:
        snprintf(dst, n, _("The model outputs \xE2\x80\x9C%s\xE2\x80\x9D with probability %s: the largest logit of that step (lesson 13)."),
                 c->text, num);
        break;
    case QUIZ_ROWSUM:
        snprintf(dst, n, "%s", _("Softmax makes each row of weights positive with sum 1; scores, scaled scores and columns need not (lesson 5)."));
        break;
    default:
        snprintf(dst, n, _("Q is %d \xC3\x97 %d and K\xE1\xB5\x80 is %d \xC3\x97 %d, so Q\xC2\xB7K\xE1\xB5\x80 is %d \xC3\x97 %d: "
                           "one score per query and key (lesson 5)."), nq, q->dk, q->dk, nk, nq, nk);
        break;
    }
}

/* One choice's text as drawn: a row's numbers in the app's number format, else the choice's text. */
static void choice_label(const app *a, int i, char *dst, size_t n)
{
    const quiz_choice *c = &a->quiz.q.choice[i];
    size_t at = (size_t)snprintf(dst, n, "%c   ", 'A' + i);
    if (a->quiz.q.kind != QUIZ_ROWSUM) { snprintf(dst + at, n - at, "%s", c->text); return; }
    for (int k = 0; k < c->row_len && k < QUIZ_ROW_SHOWN && at < n; k++) {
        char num[32];
        ui_fmt(c->row[k], 2, num, sizeof num);
        at += (size_t)snprintf(dst + at, n - at, "%s%s", k ? "   " : "", num);
    }
    if (c->row_len > QUIZ_ROW_SHOWN && at < n) snprintf(dst + at, n - at, "   \xE2\x80\xA6");
}

/* What a choice was, shown beside it once answered. */
static void choice_note(const app *a, int i, char *dst, size_t n)
{
    const quiz_question *q = &a->quiz.q;
    char num[32];
    ui_fmt(q->choice[i].value, 2, num, sizeof num);
    dst[0] = 0;
    if (q->kind == QUIZ_ATTEND) snprintf(dst, n, _("weight %s"), num);
    else if (q->kind == QUIZ_NEXT) snprintf(dst, n, "p = %s", num);
    else if (q->kind == QUIZ_ROWSUM) snprintf(dst, n, _("%s, sum %s"), _(row_roles[q->choice[i].ref]), num);
}

static void draw_choices(app *a, ui_ctx *ui, SDL_Rect box, int ch, int record)
{
    const ui_theme *t = ui->theme;
    const app_quiz *z = &a->quiz;
    int pad = ui_px(ui, 10), lh = ui_line_height(ui, UI_SANS, UI_SIZE_BODY);
    for (int i = 0; i < z->q.n_choices; i++) {
        SDL_Rect r = {box.x, box.y + i * (ch + ui_px(ui, 8)), box.w, ch};
        if (record) a->quiz.choice_rect[i] = r;
        SDL_Color fill = ui_mouse_in(ui, r) && z->chosen < 0 ? t->panel_alt : t->bg;
        if (z->chosen >= 0 && i == z->q.answer) fill = ui_color_lerp(t->bg, t->ok, 0.35f);
        else if (z->chosen == i) fill = ui_color_lerp(t->bg, t->error, 0.35f);
        ui_fill(ui, r, fill);
        ui_frame(ui, r, z->chosen == i ? t->accent : t->border, ui_px(ui, z->chosen == i ? 3 : 1));
        ui_container_push(ui, r);
        char label[600], note[200];
        choice_label(a, i, label, sizeof label);
        choice_note(a, i, note, sizeof note);
        int nw = 0;
        if (z->chosen >= 0 && note[0]) ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, note, &nw, NULL);
        ui_text_bg(ui, &fill);
        ui_text_fit(ui, a->quiz.q.kind == QUIZ_ROWSUM ? UI_MONO : UI_BOLD, UI_SIZE_BODY, r.x + pad, r.y + (ch - lh) / 2,
                    r.w - 3 * pad - nw, t->text, UI_LEFT, label);
        if (z->chosen >= 0 && note[0])
            ui_text(ui, UI_SANS, UI_SIZE_SMALL, r.x + r.w - pad, r.y + (ch - ui_line_height(ui, UI_SANS, UI_SIZE_SMALL)) / 2,
                    t->text_dim, UI_RIGHT, note);
        ui_container_pop(ui);
    }
}

void app_draw_quiz(app *a, ui_ctx *ui, SDL_Rect area, int record)
{
    const ui_theme *t = ui->theme;
    app_quiz *z = &a->quiz;
    int pad = ui_px(ui, 18), lh = ui_line_height(ui, UI_SANS, UI_SIZE_BODY), lhl = ui_line_height(ui, UI_BOLD, UI_SIZE_LARGE);
    SDL_Rect card = {area.x + pad / 2, area.y + pad / 2, area.w - pad, area.h - pad};
    if (record) z->card = card;
    ui_panel(ui, card);
    ui_text_bg(ui, &t->panel);
    char score[96], text[1400];
    snprintf(score, sizeof score, _("Score %d / %d"), z->right, z->answered);
    int sw = ui_text(ui, UI_BOLD, UI_SIZE_LARGE, card.x + card.w - pad, card.y + pad, t->accent, UI_RIGHT, score);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_LARGE, card.x + pad, card.y + pad, card.w - 3 * pad - sw, t->text, UI_LEFT,
                _("Quiz: predict, then reveal"));
    SDL_Rect in = {card.x + pad, card.y + pad + lhl + ui_px(ui, 8), card.w - 2 * pad, 0};
    int hint_h = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL) + ui_px(ui, 12);
    in.h = card.y + card.h - pad - hint_h - in.y;
    if (!z->have) {
        ui_text_wrap(ui, UI_SANS, UI_SIZE_BODY, in, 0, t->warn, _("This sentence gives no question here: type another one."));
    } else {
        prompt_text(a, text, sizeof text);
        int ph = ui_text_wrap(ui, UI_SANS, UI_SIZE_BODY, (SDL_Rect){in.x, in.y, in.w, 3 * lh}, 0, t->text, text);
        int top = in.y + (ph < 3 * lh ? ph : 3 * lh) + ui_px(ui, 10);
        int ch = lh + ui_px(ui, 14), avail = in.y + in.h - 2 * lh - top - ui_px(ui, 8);
        if (ch * z->q.n_choices + ui_px(ui, 8) * (z->q.n_choices - 1) > avail) ch = (avail - ui_px(ui, 8) * 3) / 4;
        if (ch < lh + 2) ch = lh + 2;
        draw_choices(a, ui, (SDL_Rect){in.x, top, in.w, 0}, ch, record);
        ui_text_bg(ui, &t->panel);
        if (z->chosen >= 0) {
            int right = quiz_is_right(&z->q, z->chosen), at = 0;
            char said[1200];
            reveal_text(a, said, sizeof said);
            at = snprintf(text, sizeof text, "%s ", right ? _("Right.") : _("Not this time."));
            snprintf(text + at, sizeof text - (size_t)at, "%s", said);
            int y = top + z->q.n_choices * (ch + ui_px(ui, 8));
            ui_text_wrap(ui, UI_SANS, UI_SIZE_BODY, (SDL_Rect){in.x, y, in.w, in.y + in.h - y}, 0, right ? t->ok : t->error, text);
        }
    }
    SDL_Rect next = {card.x + card.w - pad - ui_px(ui, 200), card.y + card.h - pad - hint_h, ui_px(ui, 200), hint_h};
    if (record) z->next_rect = next;
    ui_button(ui, next, _("Next question (Enter)"), 0);
    ui_text_bg(ui, &t->panel);
    ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, card.x + pad, next.y + ui_px(ui, 6), next.x - card.x - 2 * pad, t->text_dim, UI_LEFT,
                _("1-4, A-D or a click: answer   Q: end the quiz"));
    ui_text_bg(ui, NULL);
}

void app_quiz_dump(const app *a, FILE *f)
{
    const app_quiz *z = &a->quiz;
    const quiz_question *q = &z->q;
    fprintf(f, "  \"quiz\": {\"on\": %d, \"have\": %d, \"kind\": \"%s\", \"asked\": %d, \"answered\": %d, \"right\": %d, "
               "\"chosen\": %d, \"answer\": %d, \"row\": %d, \"layer\": %d, \"head\": %d, \"choices\": [",
            z->on, z->have, z->have ? kind_slugs[q->kind] : "", z->asked, z->answered, z->right, z->chosen,
            z->have ? q->answer : -1, q->row, q->layer, q->head);
    for (int i = 0; z->have && i < q->n_choices; i++) {
        fprintf(f, "%s{\"text\": ", i ? ", " : "");
        json_write_string(f, q->choice[i].text);
        fprintf(f, ", \"ref\": %d, \"value\": %.6g, \"rect\": [%d, %d, %d, %d]}", q->choice[i].ref, (double)q->choice[i].value,
                z->choice_rect[i].x, z->choice_rect[i].y, z->choice_rect[i].w, z->choice_rect[i].h);
    }
    fprintf(f, "]},\n");
}
