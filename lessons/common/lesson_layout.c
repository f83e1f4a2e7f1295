/* lesson_layout.c - layout and input helpers shared by several lessons; see
 * lesson_layout.h.
 *
 * Must not: keep state, or change the trace.
 */
#include <math.h>

#include <stdio.h>

#include "lesson_layout.h"

int lesson_clamp(int v, int lo, int hi) { return v > hi ? (hi < lo ? lo : hi) : v < lo ? lo : v; }

int lesson_formula_line(const lesson_ctx *ctx, SDL_Rect *formula)
{
    SDL_Rect a = ctx->area;
    int pad = ui_px(ctx->ui, 8), lh = ui_line_height(ctx->ui, UI_SANS, UI_SIZE_BODY);
    *formula = (SDL_Rect){a.x, a.y + pad / 2, a.w, lh};
    return a.y + lh + pad;
}

int lesson_formula_block(const lesson_ctx *ctx, SDL_Rect *formula)
{
    SDL_Rect a = ctx->area;
    int lh = ui_line_height(ctx->ui, UI_SANS, UI_SIZE_BODY), lhs = ui_line_height(ctx->ui, UI_SANS, UI_SIZE_SMALL);
    *formula = (SDL_Rect){a.x, a.y + ui_px(ctx->ui, 4), a.w, lh + lhs};
    return formula->y + formula->h;
}

float lesson_absmax(const float *m, int n)
{
    float a = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(m[i]) && fabsf(m[i]) > a) a = fabsf(m[i]);
    return a > 0 ? a : 1;
}

int lesson_plain_key(const SDL_Event *ev, SDL_Keycode k)
{
    return ev->type == SDL_KEYDOWN && ev->key.keysym.sym == k && !(ev->key.keysym.mod & (KMOD_CTRL | KMOD_GUI | KMOD_ALT));
}

int lesson_experiment_link(const SDL_Event *ev, const lesson_ctx *ctx, int step)
{
    if (!ctx->act || !lesson_plain_key(ev, LESSON_EXPERIMENT_KEY)) return 0;
    snprintf(ctx->act->goto_slug, sizeof ctx->act->goto_slug, "experiments");
    ctx->act->goto_step = step;
    return 1;
}

SDL_Rect lesson_hover_cell(const ui_heatmap_out *o)
{
    return (SDL_Rect){o->cells.x + o->hover_col * o->cell_w, o->cells.y + o->hover_row * o->cell_h, o->cell_w, o->cell_h};
}

int lesson_step_click(const SDL_Event *ev, const lesson_ctx *ctx, SDL_Rect prev, SDL_Rect next, int step)
{
    if (ev->type != SDL_MOUSEBUTTONDOWN || ev->button.button != SDL_BUTTON_LEFT) return 0;
    int x = ev->button.x, y = ev->button.y;
    if (ui_point_in(prev, x, y)) { ctx->sel->step = step > 0 ? step - 1 : 0; return 1; }
    if (ui_point_in(next, x, y)) { ctx->sel->step = step + 1 < ctx->tr->n_tgt ? step + 1 : step; return 1; }
    return 0;
}

int lesson_stack_buttons(const lesson_ctx *ctx, int x, int y, SDL_Rect *enc, SDL_Rect *dec)
{
    ui_ctx *ui = ctx->ui;
    int bh = ui_px(ui, 30), bpad = ui_px(ui, 24), w = 0, h = 0;
    ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, _("encoder"), &w, &h);
    *enc = (SDL_Rect){x, y, w + bpad, bh};
    ui_text_size(ui, UI_SANS, UI_SIZE_SMALL, _("decoder"), &w, &h);
    *dec = (SDL_Rect){x + enc->w, y, w + bpad, bh};
    return dec->x + dec->w;
}

void lesson_stack_draw(const lesson_ctx *ctx, SDL_Rect enc, SDL_Rect dec, int dec_shown)
{
    ui_button(ctx->ui, enc, _("encoder"), !dec_shown);
    ui_button(ctx->ui, dec, _("decoder"), dec_shown);
}

int lesson_stack_event(const SDL_Event *ev, SDL_Rect enc, SDL_Rect dec, int dec_shown)
{
    if (ev->type == SDL_MOUSEBUTTONDOWN && ev->button.button == SDL_BUTTON_LEFT) {
        if (ui_point_in(enc, ev->button.x, ev->button.y)) return 0;
        if (ui_point_in(dec, ev->button.x, ev->button.y)) return 1;
    }
    if (lesson_plain_key(ev, SDLK_d)) return !dec_shown;
    return -1;
}

int lesson_stack_dec(const lesson_ctx *ctx, int want_dec)
{
    return want_dec && ctx->tr->cfg.n_dec_layers > 0 && ctx->tr->n_tgt > 0;
}

int lesson_stack_layer(const lesson_ctx *ctx, int dec, int *n_layers)
{
    int nl = dec ? ctx->tr->cfg.n_dec_layers : ctx->tr->cfg.n_enc_layers;
    if (n_layers) *n_layers = nl;
    return lesson_clamp(ctx->sel->layer, 0, nl - 1);
}
