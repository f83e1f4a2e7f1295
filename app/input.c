/* input.c - every input of the app, real or scripted, goes through app_event():
 * the sentence box's keys, the global keys (navigation, selection, zoom,
 * theme, overlays, export), clicks on the chrome, and what the current lesson
 * or the attention overlay takes first.
 *
 * Must not: draw (it sets state and asks for a frame with a->dirty).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "shell.h"

static void step_next(app *a)
{
    int n = app_lesson_steps(a, a->lesson);
    if (a->lstep[a->lesson] < n - 1) { a->lstep[a->lesson]++; a->dirty = 1; return; }
    if (a->lesson + 1 < lesson_registry_count) app_goto_lesson(a, a->lesson + 1, 0);
}

static void step_prev(app *a)
{
    if (a->lstep[a->lesson] > 0) { a->lstep[a->lesson]--; a->dirty = 1; return; }
    if (a->lesson > 0) app_goto_lesson(a, a->lesson - 1, 1);
}

static void goto_number(app *a, int number)
{
    for (int i = 0; i < lesson_registry_count; i++)
        if (lesson_number(i) == number) { app_goto_lesson(a, i, 0); return; }
    app_toast(a, 0, _("There is no lesson %d yet"), number);
}

static int win_to_px(app *a, int v) { return (int)lroundf((float)v * a->px_per_win); }

static void edited(app *a) { app_retranslate(a); }

static void set_sentence(app *a, const char *s)
{
    textbox_select_all(a->tb);
    textbox_insert(a->tb, s);
    edited(a);
}

static void clamp_zoom(app *a)
{
    if (a->zoom < 0.75f) a->zoom = 0.75f;
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

void app_focus_box(app *a, int on)
{
    a->tb_focus = on;
    if (on) a->split.focus = 0; /* one box has the keys */
    a->composition[0] = 0;
    if (on) { SDL_StartTextInput(); a->overlay = OVERLAY_NONE; }
    else SDL_StopTextInput();
    a->dirty = 1;
}

/* The split view's second box: focus on or off (the main box's focus off). */
static void focus_split(app *a, int on)
{
    if (on && a->tb_focus) app_focus_box(a, 0);
    a->split.focus = on;
    if (on) SDL_StartTextInput();
    else SDL_StopTextInput();
    a->dirty = 1;
}

/* A key in the box tb (the sentence's, or the split view's second one). */
static int textbox_key(app *a, textbox *tb, const SDL_KeyboardEvent *k)
{
    SDL_Keycode key = k->keysym.sym;
    int ctrl = (k->keysym.mod & (KMOD_CTRL | KMOD_GUI)) != 0, shift = (k->keysym.mod & KMOD_SHIFT) != 0;
    const int main_box = tb == a->tb;
    int changed = 0;
    char buf[TEXTBOX_CAP];
    switch (key) {
    case SDLK_ESCAPE: case SDLK_RETURN: case SDLK_KP_ENTER: case SDLK_TAB:
        if (main_box) app_focus_box(a, 0);
        else focus_split(a, 0);
        return 1;
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
    if (changed && main_box) edited(a);
    else if (changed) app_split_run(a);
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
        case SDLK_d:
            if (shift && !a->deck_pending) { /* the toast is drawn before the window waits for the deck */
                a->deck_pending = 2;
                app_toast(a, 0, _("Saving the deck: every step of every lesson as a slide \xE2\x80\xA6"));
            }
            return;
        case SDLK_q: a->running = 0; return;
        case SDLK_EQUALS: case SDLK_PLUS: case SDLK_KP_PLUS: a->zoom *= 1.1f; clamp_zoom(a); return;
        case SDLK_MINUS: case SDLK_KP_MINUS: a->zoom /= 1.1f; clamp_zoom(a); return;
        case SDLK_0: case SDLK_KP_0: a->zoom = 1.0f; clamp_zoom(a); return;
        case SDLK_b: app_toggle_sidebar(a); return;
        case SDLK_l: if (shift) app_lang_next(a); return; /* Ctrl+L alone: the spotlight (presenter.c) */
        case SDLK_UP: case SDLK_DOWN: /* the text panel taller / shorter (shown again if hidden) */
            a->panel_pct += key == SDLK_UP ? 8 : -8;
            if (a->panel_pct < 10) a->panel_pct = 10;
            if (a->panel_pct > 70) a->panel_pct = 70;
            a->panel_on = 1;
            return;
        default: return;
        }
    }
    if (a->overlay == OVERLAY_EXAMPLES && key >= SDLK_1 && key <= SDLK_9) {
        int want = (int)(key - SDLK_1);
        for (int i = 0; i < a->n_overlay_rects; i++)
            if (a->overlay_ids[i] == want) {
                const char *ok[32];
                if (want < app_examples(a, ok, 32)) set_sentence(a, ok[want]);
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
    case SDLK_SLASH: if (shift) a->overlay = a->overlay == OVERLAY_HELP ? OVERLAY_NONE : OVERLAY_HELP; else app_focus_box(a, 1); return;
    case SDLK_QUESTION: a->overlay = a->overlay == OVERLAY_HELP ? OVERLAY_NONE : OVERLAY_HELP; return;
    case SDLK_TAB: app_focus_box(a, 1); return;
    case SDLK_RIGHT: case SDLK_PAGEDOWN: step_next(a); return;
    case SDLK_LEFT: case SDLK_PAGEUP: step_prev(a); return;
    case SDLK_SPACE: if (shift) step_prev(a); else step_next(a); return;
    case SDLK_HOME: app_goto_lesson(a, 0, 0); return;
    case SDLK_END: app_goto_lesson(a, lesson_registry_count - 1, 0); return;
    case SDLK_a: if (a->overlay == OVERLAY_NONE) attn_overlay_toggle(&a->attn); return;
    case SDLK_e: a->overlay = a->overlay == OVERLAY_EXAMPLES ? OVERLAY_NONE : OVERLAY_EXAMPLES; return;
    case SDLK_v: a->overlay = a->overlay == OVERLAY_VOCAB ? OVERLAY_NONE : OVERLAY_VOCAB; return;
    case SDLK_t: a->theme = ui_theme_next(a->theme); return;
    case SDLK_p: a->panel_on = !a->panel_on; return;
    case SDLK_q: app_quiz_toggle(a); return;
    case SDLK_c: app_split_toggle(a); return;
    case SDLK_n: a->presenter = !a->presenter; a->panel_on = 1; a->panel_scroll = 0; return;
    case SDLK_LEFTBRACKET: a->sel.layer--; app_clamp_selection(a); return;
    case SDLK_RIGHTBRACKET: a->sel.layer++; app_clamp_selection(a); return;
    case SDLK_COMMA: a->sel.head--; app_clamp_selection(a); return;
    case SDLK_PERIOD: a->sel.head++; app_clamp_selection(a); return;
    case SDLK_SEMICOLON: a->sel.step--; app_clamp_selection(a); return;
    case SDLK_QUOTE: a->sel.step++; app_clamp_selection(a); return;
    case SDLK_UP: a->sel.token = a->sel.token <= 0 ? a->tr.n_src - 1 : a->sel.token - 1; app_clamp_selection(a); return;
    case SDLK_DOWN: a->sel.token = a->sel.token >= a->tr.n_src - 1 ? 0 : a->sel.token + 1; app_clamp_selection(a); return;
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
    if (a->split.on && !a->quiz.on && ui_point_in(a->split.box, x, y)) { focus_split(a, 1); return; }
    if (a->split.focus) focus_split(a, 0);
    if (ui_point_in(L->box, x, y)) {
        if (!a->tb_focus) app_focus_box(a, 1);
        a->tb->cursor = a->tb->anchor = box_pos_at(a, x);
        a->box_drag = 1;
        return;
    }
    if (a->tb_focus) app_focus_box(a, 0);
    for (int i = 0; i < a->n_sugg; i++)
        if (ui_point_in(a->sugg_rect[i], x, y)) {
            const tok_token *k = &a->tr.src_tokens[a->sugg_tok[i]];
            if (k->byte_start + k->byte_len <= a->tb->len) {
                textbox_replace_range(a->tb, k->byte_start, k->byte_start + k->byte_len, tok_vocab_word(&a->model.vocab, a->sugg_id[i]));
                edited(a);
            }
            return;
        }
    if (ui_point_in(L->menu_btn, x, y)) { app_toggle_sidebar(a); return; }
    if (L->lang_btn.w > 0 && ui_point_in(L->lang_btn, x, y)) { app_lang_next(a); return; }
    if (ui_point_in(L->ex_btn, x, y)) { a->overlay = OVERLAY_EXAMPLES; return; }
    if (ui_point_in(L->vocab_btn, x, y)) { a->overlay = OVERLAY_VOCAB; return; }
    if (ui_point_in(L->help_btn, x, y)) { a->overlay = OVERLAY_HELP; return; }
    if (L->sidebar.w > 0)
        for (int i = 0; i < lesson_registry_count && i < MAX_LESSONS; i++)
            if (ui_point_in(L->items[i], x, y)) { app_goto_lesson(a, i, 0); return; }
}

/* Gives the event to the current lesson; 1 when it consumed it. */
static int lesson_event(app *a, const SDL_Event *ev)
{
    const lesson *les = lesson_registry[a->lesson];
    if (!les->handle_event || !a->trace_ok) return 0;
    lesson_actions act;
    memset(&act, 0, sizeof act);
    lesson_ctx c = app_lesson_ctx(a, &a->ui, a->lay.area, a->lesson, &act);
    app_lesson_scale(a, &a->ui); /* the lesson's hit tests at the scale it drew with */
    int used = lesson_handle_event(les, a->lstate[a->lesson], ev, &c);
    app_chrome_scale(a, &a->ui);
    if (act.toast[0]) app_toast(a, 0, "%s", act.toast);
    if (act.train_cmd) app_training_command(a, act.train_cmd, act.train_arg);
    if (act.goto_slug[0]) {
        int li = lesson_find(act.goto_slug);
        if (li >= 0) app_goto_lesson(a, li, 0);
        if (li >= 0 && act.goto_step > 0 && act.goto_step <= app_lesson_steps(a, li)) a->lstep[li] = act.goto_step - 1;
    }
    if (used || act.redraw) a->dirty = 1;
    app_clamp_selection(a);
    return used;
}

void app_key_press(SDL_Keycode key, Uint16 mod, SDL_Event ev[2])
{
    memset(ev, 0, 2 * sizeof ev[0]);
    ev[0].type = SDL_KEYDOWN;
    ev[0].key.state = SDL_PRESSED;
    ev[0].key.keysym.sym = key;
    ev[0].key.keysym.scancode = SDL_GetScancodeFromKey(key);
    ev[0].key.keysym.mod = mod;
    ev[1] = ev[0];
    ev[1].type = SDL_KEYUP;
    ev[1].key.state = SDL_RELEASED;
}

void app_event(app *a, SDL_Event *ev)
{
    if (app_quiz_event(a, ev)) return;
    if (app_presenter_event(a, ev)) return;
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
        } else if (a->split.focus && a->overlay == OVERLAY_NONE) {
            if (textbox_type(a->split.tb, ev->text.text)) app_split_run(a);
            a->dirty = 1;
        }
        return;
    case SDL_TEXTEDITING:
        snprintf(a->composition, sizeof a->composition, "%s", ev->edit.text);
        a->dirty = 1;
        return;
    case SDL_KEYDOWN: {
        if (a->tb_focus) {
            if (textbox_key(a, a->tb, &ev->key)) return;
        } else if (a->split.focus) {
            if (textbox_key(a, a->split.tb, &ev->key)) return;
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
            if (ev->user.code == 0) app_toast(a, 1, _("Saved %s"), msg ? msg : "");
#ifdef __EMSCRIPTEN__
            if (ev->user.code == 0 && msg) app_web_download(msg); /* the page's files vanish with it: a download */
#endif
            else app_toast(a, 2, _("Export failed: %s"), msg ? ui_tr_msg(msg) : _("unknown error"));
            free(msg);
        }
        return;
    }
}
