/* chrome.c - one frame of the app: the layout for a size and zoom, the top bar
 * (sentence box, translation, buttons with the language button, status line with did-you-mean offers),
 * the lesson list, the lesson's text panel and the toast, around the lesson's
 * own drawing (app_render). Drawing goes into whatever renderer is given
 * (window, or a software renderer for exports), so what is exported is what is drawn.
 *
 * Must not: change the app's state other than recording where things were
 * drawn (record = 1), or draw lesson content.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "shell.h"
#include "verdict.h"

static float base_scale(int w, int h)
{
    float s = fminf((float)w / 1280.0f, (float)h / 800.0f);
    if (s < 0.7f) s = 0.7f;
    if (s > 4.0f) s = 4.0f;
    return s;
}

/* The zoom enlarges the lesson's figures; the chrome grows a quarter as fast,
 * so at a high zoom it takes less of the screen, not more. */
float app_chrome_zoom(float z) { return z <= 1.0f ? z : 1.0f + 0.25f * (z - 1.0f); }

/* The smallest area, in logical pixels at the lesson's scale, the lessons are
 * laid out for (the area of a 1280x800 window at zoom 1 is about 990x470): a
 * zoom grows the figures only as far as the area keeps this size. */
#define LESSON_MIN_W 960.0f
#define LESSON_MIN_H 440.0f

/* The lesson list: wide enough for most titles (at most a quarter of the
 * window); a title that does not fit in one line takes two. Returns the width. */
static int sidebar_items(app *a, ui_ctx *ui, int w, int y0, app_layout *L)
{
    int pad = ui_px(ui, 12), num_w = ui_px(ui, 34), widest = 0, tw = 0;
    for (int i = 0; i < lesson_registry_count && i < MAX_LESSONS; i++) {
        ui_text_size(ui, UI_BOLD, UI_SIZE_BODY, _(lesson_registry[i]->title), &tw, NULL);
        if (tw > widest) widest = tw;
    }
    int side_w = widest + num_w + 2 * pad + ui_px(ui, 4);
    if (side_w < ui_px(ui, 230)) side_w = ui_px(ui, 230);
    if (side_w > ui_px(ui, 290)) side_w = ui_px(ui, 290);
    if (side_w > w / 4) side_w = w / 4;
    int lh = ui_line_height(ui, UI_SANS, UI_SIZE_BODY), item_h = lh + ui_px(ui, 10), y = y0;
    for (int i = 0; i < lesson_registry_count && i < MAX_LESSONS; i++) { /* the current one is bold */
        ui_text_size(ui, i == a->lesson ? UI_BOLD : UI_SANS, UI_SIZE_BODY, _(lesson_registry[i]->title), &tw, NULL);
        L->item_lines[i] = tw > side_w - num_w - 2 * pad ? 2 : 1;
        int hh = item_h + (L->item_lines[i] - 1) * lh;
        L->items[i] = (SDL_Rect){0, y, a->sidebar ? side_w : 0, hh};
        y += hh;
    }
    return side_w;
}

void app_layout_compute(app *a, ui_ctx *ui, int w, int h, app_layout *L)
{
    memset(L, 0, sizeof *L);
    L->chrome_scale = ui->scale;
    float base = base_scale(w, h);
    int pad = ui_px(ui, 8);
    int box_h = ui_px(ui, 44), status_h = ui_line_height(ui, UI_SANS, UI_SIZE_SMALL) + ui_px(ui, 6);
    L->top = (SDL_Rect){0, 0, w, pad + box_h + status_h + pad};
    L->menu_btn = (SDL_Rect){pad, pad, box_h, box_h};
    int btn_w = ui_px(ui, 44);
    L->help_btn = (SDL_Rect){w - pad - btn_w, pad, btn_w, box_h};
    L->vocab_btn = (SDL_Rect){L->help_btn.x - pad - ui_px(ui, 96), pad, ui_px(ui, 96), box_h};
    L->ex_btn = (SDL_Rect){L->vocab_btn.x - pad - ui_px(ui, 118), pad, ui_px(ui, 118), box_h};
    /* the language button: the next language's own name ("中文", "English"), none with one language */
    const char *next = app_lang_next_name(a);
    int lw = 0;
    if (next[0]) ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, next, &lw, NULL);
    lw = next[0] ? (lw + ui_px(ui, 24) > ui_px(ui, 64) ? lw + ui_px(ui, 24) : ui_px(ui, 64)) : 0;
    L->lang_btn = (SDL_Rect){L->ex_btn.x - (lw ? pad + lw : 0), pad, lw, box_h};
    int box_x = L->menu_btn.x + L->menu_btn.w + pad;
    int avail = L->lang_btn.x - pad - box_x;
    /* the box grows with the sentence (35%..60%), the translation gets the rest */
    int sw = 0;
    ui_text_size(ui, UI_SANS, UI_SIZE_BODY, a->tb ? a->tb->text : "", &sw, NULL);
    int bw = sw + ui_px(ui, 40);
    if (bw < avail * 35 / 100) bw = avail * 35 / 100;
    if (bw > avail * 60 / 100) bw = avail * 60 / 100;
    L->box = (SDL_Rect){box_x, pad, bw, box_h};
    L->status = (SDL_Rect){box_x, pad + box_h + ui_px(ui, 3), w - box_x - pad, status_h};
    int side_w = sidebar_items(a, ui, w, L->top.h + pad, L);
    /* at a zoom above 1 the list folds away when the figure would get narrower
     * than the lessons are laid out for (Ctrl+B or the menu button bring it back) */
    float want = base * a->zoom;
    if (a->sidebar && !a->sidebar_force && a->zoom > 1.0f && (float)(w - side_w - 2 * pad) < LESSON_MIN_W * want)
        L->sidebar_auto_hidden = 1;
    if (!a->sidebar || L->sidebar_auto_hidden) {
        side_w = 0;
        for (int i = 0; i < lesson_registry_count && i < MAX_LESSONS; i++) L->items[i].w = 0;
    }
    L->sidebar = (SDL_Rect){0, L->top.h, side_w, h - L->top.h};
    int x0 = side_w + pad, cw = w - x0 - pad;
    int title_h = ui_line_height(ui, UI_BOLD, UI_SIZE_LARGE) + ui_px(ui, 4);
    L->title = (SDL_Rect){x0, L->top.h + pad, cw, title_h};
    int rest = h - (L->title.y + title_h) - pad;
    /* the text panel: its share of the rest (Ctrl+Up/Down), less as the zoom grows */
    int panel_h = a->panel_on ? (int)((float)rest * (float)a->panel_pct / 100.0f / (a->zoom > 1.0f ? a->zoom : 1.0f)) : 0;
    if (a->panel_on && panel_h < ui_px(ui, 110)) panel_h = ui_px(ui, 110);
    if (panel_h > rest * 70 / 100) panel_h = rest * 70 / 100;
    L->panel = (SDL_Rect){x0, h - pad - panel_h, cw, panel_h};
    L->area = (SDL_Rect){x0, L->title.y + title_h, cw, L->panel.y - (a->panel_on ? pad : 0) - (L->title.y + title_h)};
    if (L->area.h < 10) L->area.h = 10;
    L->lesson_scale = app_figure_scale(base, a->zoom, L->area);
}

float app_figure_scale(float base, float zoom, SDL_Rect area)
{
    float want = base * zoom, fit = fminf((float)area.w / LESSON_MIN_W, (float)area.h / LESSON_MIN_H);
    return zoom > 1.0f && want > fit ? fmaxf(base, fit) : want;
}

void app_set_scale(app *a, ui_ctx *ui, int w, int h)
{
    ui->scale = base_scale(w, h) * app_chrome_zoom(a->zoom);
    ui->theme = a->theme;
}

void app_toggle_sidebar(app *a)
{
    int shown = a->lay.sidebar.w > 0;
    a->sidebar = !shown;
    a->sidebar_force = !shown && a->lay.sidebar_auto_hidden;
    a->dirty = 1;
}

/* The translation to the right of the sentence box; a translation too long for
 * the bar shows whole, wrapped, under the bar while hovered. */
static void draw_translation(app *a, ui_ctx *ui, const app_layout *L, int record)
{
    const ui_theme *t = ui->theme;
    SDL_Rect b = L->box;
    const char *s = a->tb->text;
    int ty = b.y + b.h / 2;
    ui_text_bg(ui, &t->panel);
    int tx = b.x + b.w + ui_px(ui, 12);
    int maxw = L->lang_btn.x - ui_px(ui, 8) - tx;
    char buf[1200];
    if (!a->trace_ok) snprintf(buf, sizeof buf, "(%s)", a->trace_err[0] ? ui_tr_msg(a->trace_err) : _("no translation"));
    else if (strcmp(a->shown_sentence, s) != 0) snprintf(buf, sizeof buf, "\xE2\x80\xA6");
    else snprintf(buf, sizeof buf, "\xE2\x86\x92 %s", a->translation[0] ? a->translation : _("(empty)"));
    /* the verdict (trusted or not, the grammar's reference) right after the translation, never cut away by it */
    int judged = a->trace_ok && strcmp(a->shown_sentence, s) == 0, gap = ui_px(ui, 10);
    int vw = judged ? verdict_width(ui, &a->status, 1, maxw / 2) : 0;
    ui->scrolled = 1; /* a translation cut here shows whole while hovered (below): not a clip for the audit */
    int tw = ui_text_fit(ui, UI_BOLD, UI_SIZE_BODY, tx, ty, maxw - (vw ? vw + gap : 0), a->trace_ok ? t->accent : t->error,
                         UI_LEFT | UI_MIDDLE, buf);
    ui->scrolled = 0;
    if (vw) verdict_draw(ui, &a->status, 1, tx + tw + gap, ty, vw);
    maxw -= vw ? vw + gap : 0;
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
        ui_text(ui, UI_SANS, UI_SIZE_BODY, inner.x, ty, t->text_dim, UI_LEFT | UI_MIDDLE, _("type an English sentence (press /)"));
    ui->scrolled = 1; /* a text box: the sentence scrolls with the cursor */
    ui_text(ui, UI_SANS, UI_SIZE_BODY, x0, ty, t->text, UI_LEFT | UI_MIDDLE, s);
    ui->scrolled = 0;
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
    draw_translation(a, ui, L, record);
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
        x += ui_text(ui, UI_BOLD, UI_SIZE_SMALL, x, y, t->warn, UI_LEFT, _("UNTRAINED model (random weights): translations are noise")) + gap;
    if (a->model_notice[0]) x += ui_text_fit(ui, UI_SANS, UI_SIZE_SMALL, x, y, L->status.w / 2, t->error, UI_LEFT, a->model_notice) + gap;
    if (!a->trace_ok) return;
    char b[256];
    if (a->nonfinite) { /* the first NaN/infinite activation, as the engine's guard names it */
        char where[400], msg[480];
        trace_nonfinite_text(&a->tr, where, sizeof where);
        snprintf(msg, sizeof msg, _("overflow: %s"), where);
        x += ui_text_fit(ui, UI_BOLD, UI_SIZE_SMALL, x, y, L->status.x + L->status.w - x, t->error, UI_LEFT, msg) + gap;
    }
    /* the verdict in words: trusted or why not (hover: the reason); unknown words are said word by word below */
    if (strcmp(a->shown_sentence, a->tb->text) == 0 && a->status.kind != INPUT_UNKNOWN_WORDS)
        x += verdict_draw(ui, &a->status, 0, x, y + ui_line_height(ui, UI_BOLD, UI_SIZE_SMALL) / 2, (L->status.x + L->status.w - x) / 2) + gap;
    if (a->tr.truncated) {
        snprintf(b, sizeof b, _("cut: only the first %d of %d words fit (max %d tokens with <eos>)"), a->tr.n_words,
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
    ui_text_size(ui, UI_BOLD, UI_SIZE_SMALL, _("+99 more unknown"), &more_w, NULL);
    ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, "?", &q_w, NULL);
    for (int u = 0; u < n_uniq; u++) {
        const int i = uniq[u];
        const tok_token *k = &a->tr.src_tokens[i];
        int ids[3];
        int n = tok_nearest(&a->model.vocab, k->text, ids, 3);
        if (n == 0) /* no near word (an emoji, Chinese, a far-off word): no "did you mean" */
            snprintf(b, sizeof b, _("unknown \xE2\x80\x9C%s\xE2\x80\x9D (not in the vocabulary: <unk>)"), k->text);
        else
            snprintf(b, sizeof b, _("unknown \xE2\x80\x9C%s\xE2\x80\x9D \xE2\x80\x94 did you mean"), k->text);
        int item_w = 0, ww = 0;
        ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, b, &item_w, NULL);
        if (n > 0) item_w += sp + q_w;
        for (int j = 0; j < n; j++) {
            ui_text_size(ui, UI_BOLD, UI_SIZE_SMALL, tok_vocab_word(&a->model.vocab, ids[j]), &ww, NULL);
            item_w += ww + wsp;
        }
        if (x + item_w + (u + 1 < n_uniq ? gap + more_w : 0) > right) {
            char more[48];
            snprintf(more, sizeof more, _("+%d more unknown"), n_uniq - u);
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
    if (!shown && !a->tr.truncated && !a->nonfinite && a->model_trained && !a->model_notice[0])
        ui_text(ui, UI_SANS, UI_SIZE_SMALL, x, y, t->text_dim, UI_LEFT,
                _("E: example sentences   V: known words   F1: all keys"));
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
        int tx = r.x + pad + ui_px(ui, 34), lh = ui_line_height(ui, UI_SANS, UI_SIZE_BODY);
        int ty = r.y + (r.h - L->item_lines[i] * lh) / 2; /* the title's lines centred in the item */
        ui_text(ui, UI_BOLD, UI_SIZE_BODY, r.x + pad + ui_px(ui, 24), ty, c, UI_RIGHT, num);
        if (L->item_lines[i] > 1) /* a long title: two lines */
            ui_text_wrap(ui, cur ? UI_BOLD : UI_SANS, UI_SIZE_BODY, (SDL_Rect){tx, ty, r.x + r.w - pad - tx, 2 * lh}, 0, c,
                         _(lesson_registry[i]->title));
        else
            ui_text_fit(ui, cur ? UI_BOLD : UI_SANS, UI_SIZE_BODY, tx, ty, r.x + r.w - pad - tx, c, UI_LEFT,
                        _(lesson_registry[i]->title));
    }
    SDL_RenderSetClipRect(ui->r, NULL);
}

/* What the presenter view shows: the step's caption, its notes and the next
 * step's caption, as prose for ui_text_wrap (malloc'ed; NULL when out of memory). */
static char *presenter_text(app *a)
{
    int k = a->lstep[a->lesson], n = app_lesson_steps(a, a->lesson);
    const char *notes = app_step_notes(a);
    size_t len = strlen(notes) + strlen(app_step_caption(a)) + 400;
    const char *next = k + 1 < n && k + 1 < a->narr.n_steps ? a->narr.caption[k + 1] : "";
    len += strlen(next);
    char *b = malloc(len);
    if (!b) return NULL;
    snprintf(b, len, _("# Presenter notes \xC2\xB7 step %d / %d (N: back to the lesson text)\n%s\n\n%s%s%s"), k + 1, n,
             app_step_caption(a), notes[0] ? notes : _("(no notes for this step)"), next[0] ? _("\n\n# Next step\n") : "", next);
    return b;
}

static void draw_panel(app *a, ui_ctx *ui, const app_layout *L)
{
    const ui_theme *t = ui->theme;
    if (L->panel.h <= 0) return;
    ui_panel(ui, L->panel);
    if (a->presenter) ui_frame(ui, L->panel, t->accent, ui_px(ui, 2));
    int pad = ui_px(ui, 12);
    SDL_Rect in = {L->panel.x + pad, L->panel.y + pad / 2, L->panel.w - 2 * pad, L->panel.h - pad};
    SDL_RenderSetClipRect(ui->r, &in);
    ui_text_bg(ui, &t->panel);
    if (a->panel_step != a->lstep[a->lesson] + 1000 * a->lesson) { /* a new step starts at the top */
        a->panel_step = a->lstep[a->lesson] + 1000 * a->lesson;
        a->panel_scroll = 0;
    }
    char *notes = a->presenter && a->text ? presenter_text(a) : NULL;
    if (a->text_missing || !a->text) {
        char b[1200];
        snprintf(b, sizeof b, _("No lesson text for language \xE2\x80\x9C%s\xE2\x80\x9D yet.\nExpected the file %s "
                                "(plain UTF-8; edit it without recompiling)."), a->lang, a->text_path);
        ui_text_wrap(ui, UI_SANS, UI_SIZE_BODY, in, 0, t->warn, b);
    } else {
        const char *body = notes ? notes : app_step_text(a);
        const char *more = _("\xE2\x96\xBC more: mouse wheel, or Ctrl+\xE2\x86\x91 for a taller panel");
        int mw, mh;
        ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, more, &mw, &mh);
        /* the height first (a box 0 high draws nothing; the wrap is cached), so that
         * when there is more below, the last line drawn stays clear of the marker */
        int total = ui_text_wrap(ui, UI_SANS, UI_SIZE_BODY, (SDL_Rect){in.x, in.y, in.w, 0}, 0, t->text, body);
        if (a->panel_scroll > 0 && total - a->panel_scroll < in.h) a->panel_scroll = total > in.h ? total - in.h : 0;
        int over = total - a->panel_scroll > in.h;
        SDL_Rect text_box = in;
        if (over) text_box.h = L->panel.y + L->panel.h - mh - 2 - in.y;
        ui->scrolled = 1; /* the rest is a scroll away, and "more" says so */
        ui_text_wrap(ui, UI_SANS, UI_SIZE_BODY, text_box, a->panel_scroll, t->text, body);
        ui->scrolled = 0;
        SDL_RenderSetClipRect(ui->r, &L->panel);
        if (over) {
            SDL_Rect mr = {in.x + in.w - mw - ui_px(ui, 8), L->panel.y + L->panel.h - mh - 2, mw + ui_px(ui, 8), mh};
            ui_fill(ui, mr, t->panel_alt);
            ui_text_bg(ui, &t->panel_alt);
            ui_text(ui, UI_SANS, UI_SIZE_SMALL, mr.x + ui_px(ui, 4), mr.y, t->text_dim, UI_LEFT, more);
        }
    }
    free(notes);
    SDL_RenderSetClipRect(ui->r, NULL);
}

static void draw_toast(app *a, ui_ctx *ui, int w, int h)
{
    const ui_theme *t = ui->theme;
    if (!a->toast[0] || app_now(a) > a->toast_until) return;
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
void app_render(app *a, ui_ctx *ui, int w, int h, int mx, int my, int record, int with_overlays)
{
    app_set_scale(a, ui, w, h);
    app_training_tick(a); /* what the trainer published since the last frame */
    app_layout L;
    app_layout_compute(a, ui, w, h, &L);
    if (record) a->lay = L;
    ui_begin_frame(ui, mx, my, app_now(a));
    const ui_theme *t = ui->theme;
    /* the background where the sidebar, the top bar and the text panel (filled opaque below) are not */
    const SDL_Rect chrome[3] = {L.sidebar, L.top, L.panel};
    ui_fill_except(ui, (SDL_Rect){0, 0, w, h}, chrome, 3, (SDL_Color){t->bg.r, t->bg.g, t->bg.b, 255});
    /* lesson first, so the chrome is drawn over anything that spills */
    const lesson *les = lesson_registry[a->lesson];
    if (a->trace_ok) {
        lesson_ctx c = app_lesson_ctx(a, ui, L.area, a->lesson, NULL);
        ui->scale = L.lesson_scale; /* the figures at the zoom's size, the chrome around them at its own */
        SDL_RenderSetClipRect(ui->r, &L.area);
        ui_text_bg(ui, NULL);
        if (a->attn.open && with_overlays) ui->mouse_x = ui->mouse_y = -1; /* the overlay covers the lesson */
        if (!a->quiz.on && a->split.on) app_draw_split(a, ui, L.area, record); /* two sentences instead of the figure */
        else if (!a->quiz.on) lesson_draw(les, a->lstate[a->lesson], &c); /* the quiz's card hides the figure (and its answer) */
        ui->scale = L.chrome_scale;
        ui->mouse_x = mx; ui->mouse_y = my;
        ui_text_bg(ui, NULL);
        if (a->quiz.on) app_draw_quiz(a, ui, L.area, record);
        SDL_RenderSetClipRect(ui->r, NULL);
    } else {
        ui_text_wrap(ui, UI_SANS, UI_SIZE_BODY, L.area, 0, t->error, a->trace_err[0] ? ui_tr_msg(a->trace_err) : _("no trace"));
    }
    /* title line */
    char title[256];
    snprintf(title, sizeof title, "%d \xC2\xB7 %s", lesson_number(a->lesson), _(les->title));
    ui_fill(ui, (SDL_Rect){L.title.x, L.title.y - ui_px(ui, 8), L.title.w, L.title.h + ui_px(ui, 8)}, t->bg);
    ui_text_bg(ui, &t->bg);
    ui_text_fit(ui, UI_BOLD, UI_SIZE_LARGE, L.title.x, L.title.y, L.title.w * 3 / 4, t->text, UI_LEFT, title);
    int n = app_lesson_steps(a, a->lesson);
    if (n > 1) {
        char st[64];
        snprintf(st, sizeof st, _("step %d / %d"), a->lstep[a->lesson] + 1, n);
        ui_text(ui, UI_SANS, UI_SIZE_BODY, L.title.x + L.title.w, L.title.y, t->text_dim, UI_RIGHT, st);
    }
    draw_panel(a, ui, &L);
    draw_sidebar(a, ui, &L);
    /* top bar */
    ui_fill(ui, L.top, t->panel);
    ui_fill(ui, (SDL_Rect){0, L.top.h - 1, w, 1}, t->border);
    ui_button(ui, L.menu_btn, "\xE2\x98\xB0", a->sidebar);
    draw_sentence_box(a, ui, &L, record);
    if (L.lang_btn.w > 0) ui_button(ui, L.lang_btn, app_lang_next_name(a), 0);
    ui_button(ui, L.ex_btn, _("Examples (E)"), a->overlay == OVERLAY_EXAMPLES);
    ui_button(ui, L.vocab_btn, _("Words (V)"), a->overlay == OVERLAY_VOCAB);
    ui_button(ui, L.help_btn, "?", a->overlay == OVERLAY_HELP);
    draw_status(a, ui, &L, record);
    ui_text_bg(ui, NULL);
    if (with_overlays) {
        app_draw_overlay(a, ui, w, h, record);
        ui_text_bg(ui, NULL);
        if (a->attn.open && a->overlay == OVERLAY_NONE && a->trace_ok) {
            memset(&ui->hover, 0, sizeof ui->hover); /* only the overlay's own cells are hovered */
            attn_overlay_draw(&a->attn, ui, &a->tr, &a->model.vocab, &a->sel, w, h, record);
        }
        if (a->overlay == OVERLAY_NONE) ui_tooltip(ui, w, h);
        draw_toast(a, ui, w, h);
        app_draw_presenter(a, ui, w, h, mx, my);
    }
    if (record) a->last_hover = ui->hover;
}
