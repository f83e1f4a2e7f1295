/* ui_tooltip.c - the tooltip the app draws after the lesson: the hover sink's
 * label and its exact value (ui_format_value), in a box beside the mouse that
 * stays inside the window, and the hovered thing outlined.
 *
 * Must not: know about lessons, the trace or the model.
 */
#include <stdio.h>

#include "ui.h"

void ui_tooltip(ui_ctx *ui, int win_w, int win_h)
{
    if (!ui->hover.active) return;
    char text[400], val[64];
    if (ui->hover.has_value) {
        ui_format_value(ui->hover.value, val, sizeof val);
        snprintf(text, sizeof text, "%s = %s", ui->hover.label, val);
    } else {
        snprintf(text, sizeof text, "%s", ui->hover.label);
    }
    SDL_Rect a = ui->hover.anchor;
    if (a.w > 0 && a.h > 0) ui_frame(ui, (SDL_Rect){a.x - 1, a.y - 1, a.w + 2, a.h + 2}, ui->theme->accent, ui_px(ui, 2));
    int tw, th;
    ui_text_size(ui, UI_MONO, UI_SIZE_BODY, text, &tw, &th);
    int pad = ui_px(ui, 8);
    SDL_Rect box = {ui->mouse_x + ui_px(ui, 16), ui->mouse_y + ui_px(ui, 18), tw + 2 * pad, th + 2 * pad};
    if (box.x + box.w > win_w) box.x = win_w - box.w - 2;
    if (box.y + box.h > win_h) box.y = ui->mouse_y - box.h - ui_px(ui, 8);
    if (box.x < 0) box.x = 0;
    if (box.y < 0) box.y = 0;
    ui_fill(ui, box, ui->theme->tooltip_bg);
    ui_frame(ui, box, ui->theme->accent, 1);
    int had = ui->has_text_bg;
    SDL_Color was = ui->text_bg;
    ui_text_bg(ui, &ui->theme->tooltip_bg);
    ui_text(ui, UI_MONO, UI_SIZE_BODY, box.x + pad, box.y + pad, ui->theme->tooltip_text, UI_LEFT, text);
    ui_text_bg(ui, had ? &was : NULL);
}
